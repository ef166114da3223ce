//! Outcome exports over the API: the de-identified CSV, the funder report as JSON, and the export
//! settings. The same service as the pages (`outcomes::export`, `outcomes::funder_report`), so the
//! same access rules and audit entries.

use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::outcomes::export::{self, ExportQuery, ExportSettings, SettingsInput};
use crate::outcomes::funder_report::{self, FunderReport, ReportQuery};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type Envelope = crate::web::errors::ErrorEnvelope;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(rotate_key))
        .routes(routes!(outcomes_csv))
        .routes(routes!(funder_report))
}

/// How de-identified exports are made (the key itself is never returned).
#[utoipa::path(get, path = "/outcomes/exports/settings", tag = "outcomes",
    responses((status = 200, body = ExportSettings), (status = 403, body = Envelope)))]
async fn get_settings(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<ExportSettings>> {
    Ok(Json(export::settings(&state, &actor).await?))
}

/// Changes how dates appear in exports; send the `version` you read (0 before the first save).
#[utoipa::path(put, path = "/outcomes/exports/settings", tag = "outcomes", request_body = SettingsInput,
    responses((status = 200, body = ExportSettings), (status = 403, body = Envelope), (status = 409, body = Envelope),
        (status = 422, body = Envelope)))]
async fn put_settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(input): ApiJson<SettingsInput>,
) -> AppResult<Json<ExportSettings>> {
    Ok(Json(export::save_settings(&state, &actor, &input).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct RotateKey {
    /// The settings version you read.
    pub version: i32,
}

/// Replaces the key behind the pseudonymous ids and date shifts: later exports cannot be joined to earlier ones.
#[utoipa::path(post, path = "/outcomes/exports/settings/rotate-key", tag = "outcomes", request_body = RotateKey,
    responses((status = 204), (status = 403, body = Envelope), (status = 409, body = Envelope)))]
async fn rotate_key(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<RotateKey>,
) -> AppResult<StatusCode> {
    export::rotate_key(&state, &actor, body.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// De-identified person-level outcomes as CSV (logged as an export). Directors get their own programs.
#[utoipa::path(get, path = "/outcomes/exports/outcomes.csv", tag = "outcomes", params(ExportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Envelope),
        (status = 422, body = Envelope)))]
async fn outcomes_csv(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let filter = q.parse().map_err(AppError::Invalid)?;
    let file = export::measurements_csv(&state, &actor, &filter).await?;
    Ok(crate::web::outcome_exports::csv_download(file))
}

/// The aggregate funder report (logged as an export): outputs, paired change per measure, targets.
#[utoipa::path(get, path = "/outcomes/funder-report", tag = "outcomes", params(ReportQuery),
    responses((status = 200, body = FunderReport), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn funder_report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<ReportQuery>,
) -> AppResult<Json<FunderReport>> {
    let org = crate::db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)?;
    let today = crate::app::local_date(&org.time_zone, state.clock.now());
    let filter = q.parse(today).map_err(AppError::Invalid)?;
    Ok(Json(funder_report::build(&state, &actor, &filter).await?))
}
