//! Accreditation evidence for groups over JSON: the schedule of the past 12 months (as JSON or
//! CSV) and the curricula in full. Same service as the pages, same access: the roles that read
//! reports see every group, a facilitator their own groups.

use super::ApiActor;
use super::intake::org;
use crate::app::{AppState, local_date};
use crate::domain::codes::UiLanguage;
use crate::error::AppResult;
use crate::groups::evidence::{self, CurriculumEvidence, ScheduleQuery, ScheduleReport};
use crate::i18n::Tr;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_schedule)).routes(routes!(get_schedule_csv)).routes(routes!(get_curricula))
}

type Envelope = crate::web::errors::ErrorEnvelope;

async fn report(state: &AppState, actor: &crate::access::Actor, q: &ScheduleQuery) -> AppResult<(ScheduleReport, Tr)> {
    let org = org(state, actor).await?;
    let filter = q.parse(local_date(&org.time_zone, state.clock.now()))?;
    let report = evidence::schedule(state, actor, &org.time_zone, &filter).await?;
    let tr = Tr::new(UiLanguage::parse(&org.default_language).unwrap_or(UiLanguage::En));
    Ok((report, tr))
}

/// Every group session in the period (by default the 12 months up to today in the
/// organisation's time zone): held, cancelled (with the reason), moved, past with nothing
/// recorded, or upcoming; attendance counts, whether a log was written, the curriculum session;
/// per-group counts and totals. Counts only: nobody the groups serve is named. 403 for anyone
/// who neither reads reports nor facilitates a group; a facilitator sees their own groups.
#[utoipa::path(get, path = "/groups/evidence/schedule", tag = "group-evidence", params(ScheduleQuery),
    responses((status = 200, body = ScheduleReport), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn get_schedule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<ScheduleQuery>,
) -> AppResult<Json<ScheduleReport>> {
    Ok(Json(report(&state, &actor, &q).await?.0))
}

/// The same schedule as CSV (one session a line, headings in the organisation's language).
#[utoipa::path(get, path = "/groups/evidence/schedule.csv", tag = "group-evidence", params(ScheduleQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Envelope),
        (status = 422, body = Envelope)))]
async fn get_schedule_csv(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<ScheduleQuery>,
) -> AppResult<Response> {
    let (report, tr) = report(&state, &actor, &q).await?;
    crate::web::group_evidence::csv_response(&report, &tr)
}

/// Every curriculum with its current version in full (sessions with topics, objectives,
/// activities and materials) and the groups following it. Any staff member may read them.
#[utoipa::path(get, path = "/groups/evidence/curricula", tag = "group-evidence",
    responses((status = 200, body = Vec<CurriculumEvidence>)))]
async fn get_curricula(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<Json<Vec<CurriculumEvidence>>> {
    Ok(Json(evidence::curricula(&state, &actor).await?))
}
