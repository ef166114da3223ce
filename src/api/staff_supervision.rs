//! Supervision and peer-mentoring log over JSON (CSE 2.06d): a staff member's log, logging and
//! changing a session, and the team's supervision gaps. Every call goes through
//! `crate::personnel::supervision`, like the pages: people discussed are named only to callers
//! whose caseload reaches them (others get a count), notes only to those who may read them.

use super::intake::required_version;
use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::domain::personnel::{SupervisionKind, SupervisionTopic};
use crate::error::AppResult;
use crate::personnel::supervision::{
    self, GapRow, PersonShown, SessionChange, SessionView, SupervisionFollowUpInput, SupervisionLog,
    SupervisionSessionInput,
};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_log, add_session)).routes(routes!(update_session)).routes(routes!(get_gaps))
}

type Envelope = crate::web::errors::ErrorEnvelope;

// ---------- shapes ----------

/// One supervision or peer-mentoring session as the caller may see it.
#[derive(Serialize, ToSchema)]
pub struct SupervisionSessionOut {
    pub id: Uuid,
    /// The staff member supervised or mentored.
    pub staff_id: Uuid,
    pub kind: SupervisionKind,
    pub held_on: Date,
    pub minutes: Option<i32>,
    pub topics: Vec<SupervisionTopic>,
    pub led_by: Uuid,
    pub led_by_name: String,
    /// Whether `notes` and `follow_ups` are given to this caller (the staff member, their
    /// supervisor, the director over their programs, whoever led the session).
    pub notes_visible: bool,
    pub notes: Option<String>,
    pub follow_ups: Option<String>,
    pub follow_up_due: Option<Date>,
    pub follow_up_done_on: Option<Date>,
    /// Follow-ups past their due date and not done.
    pub follow_up_overdue: bool,
    /// People whose cases were reviewed, for callers whose caseload reaches them.
    pub people_discussed: Vec<PersonShown>,
    /// People discussed that the caller's caseloads do not reach: counted, never named.
    pub people_on_other_caseloads: usize,
    pub may_edit: bool,
    pub may_mark_follow_up: bool,
    /// Send it with `PUT`.
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl SupervisionSessionOut {
    fn new(v: SessionView) -> SupervisionSessionOut {
        let s = v.session;
        SupervisionSessionOut {
            id: s.id,
            staff_id: s.staff_id,
            kind: v.kind,
            held_on: s.held_on,
            minutes: s.minutes,
            topics: v.topics,
            led_by: s.led_by,
            led_by_name: v.led_by_name,
            notes_visible: v.notes_visible,
            notes: s.notes,
            follow_ups: s.follow_ups,
            follow_up_due: s.follow_up_due,
            follow_up_done_on: s.follow_up_done_on,
            follow_up_overdue: v.follow_up_overdue,
            people_discussed: v.people,
            people_on_other_caseloads: v.other_people,
            may_edit: v.may_edit,
            may_mark_follow_up: v.may_mark_follow_up,
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A staff member's log: where supervision stands and the sessions, newest first.
#[derive(Serialize, ToSchema)]
pub struct SupervisionLogOut {
    pub staff_id: Uuid,
    pub staff_name: String,
    /// A peer specialist: peer mentoring is expected too.
    pub peer_specialist: bool,
    pub last_supervision: Option<Date>,
    pub last_mentoring: Option<Date>,
    /// No supervision within the organisation's interval (absent for a peer mentor, who is not
    /// told how a colleague's supervision stands; so are the last dates).
    pub supervision_gap: Option<bool>,
    /// A peer specialist with no peer mentoring within the interval.
    pub mentoring_gap: Option<bool>,
    pub supervision_days: i64,
    pub mentoring_days: i64,
    /// Kinds the caller may log for this staff member (empty: none).
    pub may_log: Vec<SupervisionKind>,
    /// The caller is a peer mentor without other access: only the sessions they led are listed.
    pub only_own_sessions: bool,
    pub sessions: Vec<SupervisionSessionOut>,
}

impl SupervisionLogOut {
    fn new(log: SupervisionLog) -> SupervisionLogOut {
        SupervisionLogOut {
            staff_id: log.record.staff.id,
            staff_name: log.record.staff.display_name.clone(),
            peer_specialist: log.peer,
            last_supervision: log.last_supervision,
            last_mentoring: log.last_mentoring,
            supervision_gap: (!log.only_own_sessions).then(|| log.supervision_gap()),
            mentoring_gap: (!log.only_own_sessions).then(|| log.mentoring_gap()),
            supervision_days: log.intervals.supervision_days,
            mentoring_days: log.intervals.mentoring_days,
            may_log: log.may_log.clone(),
            only_own_sessions: log.only_own_sessions,
            sessions: log.sessions.into_iter().map(SupervisionSessionOut::new).collect(),
        }
    }
}

/// A staff member behind on supervision or mentoring, or with follow-ups overdue. Dates and
/// counts only: notes and people stay in the log.
#[derive(Serialize, ToSchema)]
pub struct SupervisionGapOut {
    pub staff_id: Uuid,
    pub name: String,
    pub peer_specialist: bool,
    pub last_supervision: Option<Date>,
    pub days_since_supervision: Option<i64>,
    pub supervision_gap: bool,
    pub last_mentoring: Option<Date>,
    pub days_since_mentoring: Option<i64>,
    pub mentoring_gap: bool,
    /// Sessions whose follow-ups are past due and not done.
    pub overdue_follow_ups: usize,
}

impl SupervisionGapOut {
    fn new(r: GapRow) -> SupervisionGapOut {
        SupervisionGapOut {
            staff_id: r.staff.id,
            name: r.staff.display_name,
            peer_specialist: r.peer,
            last_supervision: r.last_supervision,
            days_since_supervision: r.days_since_supervision,
            supervision_gap: r.supervision_gap,
            last_mentoring: r.last_mentoring,
            days_since_mentoring: r.days_since_mentoring,
            mentoring_gap: r.mentoring_gap,
            overdue_follow_ups: r.overdue_follow_ups,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SupervisionGapsOut {
    pub today: Date,
    pub supervision_days: i64,
    pub mentoring_days: i64,
    /// Staff checked (those in direct-service or supervisor positions the caller sees).
    pub checked: usize,
    /// Longest gap first.
    pub staff: Vec<SupervisionGapOut>,
}

/// A change to a session made against `version`: `session` replaces its content (send every
/// field); `follow_up` marks its follow-ups done or not done. Either or both.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct SupervisionSessionUpdate {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    pub session: Option<SupervisionSessionInput>,
    pub follow_up: Option<SupervisionFollowUpInput>,
}

// ---------- handlers ----------

/// A staff member's supervision and mentoring log, newest first. Their supervisor, the director
/// over their programs and the staff member read everything; administrators and the quality lead
/// read dates, kinds and topics without notes; a peer mentor reads the sessions they led.
#[utoipa::path(get, path = "/team/{id}/supervision", tag = "supervision-log",
    params(("id" = Uuid, Path, description = "Staff member id")),
    responses((status = 200, body = SupervisionLogOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_log(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<SupervisionLogOut>> {
    Ok(Json(SupervisionLogOut::new(supervision::log(&state, &actor, id).await?)))
}

/// Logs a session led by the caller. Individual and group supervision: their supervisor or the
/// director over their programs. Peer mentoring: also a peer specialist, for a colleague. Never
/// for oneself. `people_discussed` may name only people on caseloads the caller can open.
#[utoipa::path(post, path = "/team/{id}/supervision", tag = "supervision-log", request_body = SupervisionSessionInput,
    params(("id" = Uuid, Path, description = "Staff member id")),
    responses((status = 201, body = SupervisionSessionOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn add_session(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<SupervisionSessionInput>,
) -> AppResult<(StatusCode, Json<SupervisionSessionOut>)> {
    let saved = supervision::add(&state, &actor, id, &body).await?;
    let view = supervision::session(&state, &actor, id, saved.id).await?;
    Ok((StatusCode::CREATED, Json(SupervisionSessionOut::new(view))))
}

/// Changes a session (`session`: whoever led it, their supervisor or director) and/or marks its
/// follow-ups done (`follow_up`: also the staff member). People discussed whom the caller cannot
/// see stay as they were. A stale `version` answers 409.
#[utoipa::path(put, path = "/team/{id}/supervision/{sid}", tag = "supervision-log", request_body = SupervisionSessionUpdate,
    params(("id" = Uuid, Path, description = "Staff member id"), ("sid" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = SupervisionSessionOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_session(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, sid)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<SupervisionSessionUpdate>,
) -> AppResult<Json<SupervisionSessionOut>> {
    let version = required_version(body.version)?;
    let change = SessionChange { session: body.session, follow_up: body.follow_up };
    supervision::update(&state, &actor, id, sid, version, &change).await?;
    let view = supervision::session(&state, &actor, id, sid).await?;
    Ok(Json(SupervisionSessionOut::new(view)))
}

/// Staff the caller sees on team views (supervisors: their supervisees; directors: their
/// programs' staff; administrators and the quality lead: everyone) with no supervision within the
/// organisation's interval, peer specialists with no peer mentoring within theirs, or follow-ups
/// overdue.
#[utoipa::path(get, path = "/team/supervision/gaps", tag = "supervision-log",
    responses((status = 200, body = SupervisionGapsOut), (status = 403, body = Envelope)))]
async fn get_gaps(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<SupervisionGapsOut>> {
    let gaps = supervision::gaps(&state, &actor).await?;
    Ok(Json(SupervisionGapsOut {
        today: gaps.today,
        supervision_days: gaps.intervals.supervision_days,
        mentoring_days: gaps.intervals.mentoring_days,
        checked: gaps.checked,
        staff: gaps.rows.into_iter().map(SupervisionGapOut::new).collect(),
    }))
}
