//! Outcome dashboards (CSE 1.02; the PRSC expected outcomes): JSON API. The same figures as the
//! pages, through `crate::outcomes::analytics`: a dashboard for the organisation or a program over a
//! period, a disaggregation by one dimension (small cells already suppressed), and one person's
//! trajectory (caseload checked, view audited).

use super::ApiActor;
use crate::app::AppState;
use crate::error::AppResult;
use crate::outcomes::analytics::{self, Dashboard, DashboardQuery, Disaggregation, Trajectory};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(dashboard)).routes(routes!(disaggregation)).routes(routes!(person_trajectories))
}

type Envelope = crate::web::errors::ErrorEnvelope;

/// Outputs by month, paired first-to-latest change per measure, target progress, distributions at
/// intake and latest, and community participation, for the organisation or one program over a
/// period (default: the last twelve months). Aggregates only; cached until new data arrive.
#[utoipa::path(get, path = "/outcomes/dashboard", tag = "outcomes", params(DashboardQuery),
    responses((status = 200, body = Dashboard), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn dashboard(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<DashboardQuery>,
) -> AppResult<Json<Dashboard>> {
    analytics::require_view(&state, &actor).await?;
    let filters = analytics::parse_filters(&state, actor.org_id, &q).await?;
    let d = analytics::dashboard(&state, &actor, filters).await?;
    Ok(Json((*d).clone()))
}

/// Paired change, cut-off and target figures broken down by `by` (race, ethnicity, age-band,
/// gender, language, program, site). Counts from 1 to 10 are `null`, and so are counts hidden so
/// that a hidden one cannot be worked out from the totals, and means and shares of hidden counts.
#[utoipa::path(get, path = "/outcomes/disaggregation", tag = "outcomes", params(DashboardQuery),
    responses((status = 200, body = Disaggregation), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn disaggregation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<DashboardQuery>,
) -> AppResult<Json<Disaggregation>> {
    analytics::require_view(&state, &actor).await?;
    let dimension = analytics::parse_dimension(q.by.as_deref())?;
    let filters = analytics::parse_filters(&state, actor.org_id, &q).await?;
    let d = analytics::disaggregation(&state, &actor, filters, dimension).await?;
    Ok(Json((*d).clone()))
}

#[derive(Serialize, ToSchema)]
pub struct TrajectoriesOut {
    pub person_id: Uuid,
    /// One per measure the person has scores on, each with its points in date order.
    pub trajectories: Vec<Trajectory>,
}

/// A person's scores on each measure over time, with change, meaningful change and cut-off
/// (needs access to the person's record; the view is audited).
#[utoipa::path(get, path = "/people/{id}/outcomes", tag = "outcomes", params(("id" = Uuid, Path)),
    responses((status = 200, body = TrajectoriesOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn person_trajectories(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<TrajectoriesOut>> {
    let (_, trajectories) = analytics::trajectories(&state, &actor, id).await?;
    Ok(Json(TrajectoriesOut { person_id: id, trajectories }))
}
