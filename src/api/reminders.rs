//! Personnel reminders over JSON: the caller's open reminders (and, for supervisors and program
//! directors, their team's) and dismissing one. Every call goes through
//! `crate::personnel::reminders`, like the pages.

use super::ApiActor;
use crate::app::{AppState, local_date};
use crate::domain::codes::UiLanguage;
use crate::domain::personnel::ReminderKind;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::personnel::reminders::{self, About, ReminderView};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_reminders)).routes(routes!(dismiss_reminder))
}

type Envelope = crate::web::errors::ErrorEnvelope;

/// A reminder about a staff member's certification, training, supervision or workload review.
#[derive(Serialize, ToSchema)]
pub struct ReminderOut {
    pub id: Uuid,
    pub staff_id: Uuid,
    pub staff_name: String,
    pub kind: ReminderKind,
    /// The certification's id, the requirement's code (`cse-2-03-referral`, `in-service`), or empty.
    pub subject: String,
    /// The certification's name or the requirement's label (English), when there is a subject.
    pub subject_label: Option<String>,
    /// `60`, `30`, `expired`, `missing`, `never` or a date: each stage is reminded of once.
    pub stage: String,
    /// The day it concerns: the expiry, the lapse, the review's due date.
    pub due_on: Date,
    /// The reminder in words (English).
    pub text: String,
    /// The page of the staff member's record where it is dealt with.
    pub link: String,
    /// The caller's own reminder (otherwise a team member's).
    pub own: bool,
    pub can_dismiss: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub emailed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub dismissed_at: Option<OffsetDateTime>,
}

impl ReminderOut {
    fn new(v: &ReminderView, tr: &Tr, today: Date) -> ReminderOut {
        let r = &v.reminder;
        let subject_label = match &v.about {
            About::Certification { name, .. } if !name.trim().is_empty() => Some(name.clone()),
            About::Certification { kind: Some(kind), .. } => Some(tr.t(&kind.message_id())),
            About::Need(need) => Some(reminders::need_label(tr, *need)),
            _ => None,
        };
        ReminderOut {
            id: r.id,
            staff_id: r.staff_id,
            staff_name: v.staff_name.clone(),
            kind: v.kind,
            subject: r.subject.clone(),
            subject_label,
            stage: r.stage.clone(),
            due_on: r.due_on,
            text: v.sentence(tr, today),
            link: v.link(),
            own: v.own,
            can_dismiss: v.can_dismiss,
            created_at: r.created_at,
            emailed_at: r.emailed_at,
            dismissed_at: r.dismissed_at,
        }
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct ListParams {
    /// `true`: the team's open reminders too (supervisors and program directors).
    pub team: Option<String>,
}

async fn today(state: &AppState, org_id: Uuid) -> AppResult<Date> {
    let org = crate::db::org::get(state.db.conn(), org_id).await?.ok_or(AppError::NotFound)?;
    Ok(local_date(&org.time_zone, state.clock.now()))
}

/// The caller's open reminders, earliest first; with `team=true`, their team's after them.
#[utoipa::path(get, path = "/reminders", tag = "reminders", params(ListParams),
    responses((status = 200, body = Vec<ReminderOut>), (status = 400, body = Envelope), (status = 403, body = Envelope)))]
async fn list_reminders(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<ListParams>,
) -> AppResult<Json<Vec<ReminderOut>>> {
    let team = match q.team.as_deref().map(str::trim) {
        None | Some("" | "false" | "0") => false,
        Some("true" | "1") => true,
        Some(_) => return Err(AppError::BadRequest("error-unknown-choice")),
    };
    let (own, others) = reminders::list(&state, &actor, team).await?;
    let tr = Tr::new(UiLanguage::En);
    let today = today(&state, actor.org_id).await?;
    Ok(Json(own.iter().chain(&others).map(|v| ReminderOut::new(v, &tr, today)).collect()))
}

/// Dismisses a reminder: one's own, or (supervisors, program directors, administrators) a team
/// member's. Dismissing twice is harmless; a reminder once dismissed does not come back for the
/// same stage.
#[utoipa::path(post, path = "/reminders/{id}/dismiss", tag = "reminders",
    params(("id" = Uuid, Path, description = "Reminder id")),
    responses((status = 200, body = ReminderOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn dismiss_reminder(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<ReminderOut>> {
    let view = reminders::dismiss(&state, &actor, id).await?;
    let today = today(&state, actor.org_id).await?;
    Ok(Json(ReminderOut::new(&view, &Tr::new(UiLanguage::En), today)))
}
