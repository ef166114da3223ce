//! Measures (CSE 1.02; the PRSC expected outcomes): JSON API. A person's measurements (list, record,
//! read, correct, remove), what is due for a person and for the caller's caseload, and the program
//! schedules. Every call goes through `outcomes::measures` and `outcomes::schedules`, like the pages.

use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::db::entities::outcome_measurement;
use crate::domain::FieldErrors;
use crate::domain::instruments::Answers;
use crate::domain::measures::ScheduleInput;
use crate::domain::outcomes::{MeasureSource, MeasureStatus, Occasion};
use crate::error::{AppError, AppResult};
use crate::outcomes::measures::{self as service, CorrectionInput, DueLine, MeasurementInput};
use crate::outcomes::schedules::{self, ProgramSchedule};
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
    OpenApiRouter::new()
        .routes(routes!(list_measurements, create_measurement))
        .routes(routes!(get_measurement, correct_measurement, remove_measurement))
        .routes(routes!(person_due))
        .routes(routes!(caseload_due))
        .routes(routes!(list_schedules))
        .routes(routes!(get_schedule, put_schedule))
}

type Envelope = crate::web::errors::ErrorEnvelope;

#[derive(Serialize, ToSchema)]
pub struct MeasurementOut {
    pub id: Uuid,
    pub person_id: Uuid,
    pub instrument_key: String,
    pub instrument_version: i32,
    pub occasion: Occasion,
    pub source: MeasureSource,
    pub status: MeasureStatus,
    pub taken_on: Date,
    pub program_id: Option<Uuid>,
    pub site_id: Option<Uuid>,
    /// Item key → answer (empty when declined).
    #[schema(value_type = Object)]
    pub answers: Answers,
    /// None when declined.
    pub score: Option<f64>,
    pub interpretation: Option<String>,
    pub note: Option<String>,
    pub recorded_by: Option<Uuid>,
    /// Set when the person completed it in the portal.
    pub portal_account_id: Option<Uuid>,
    /// Send it back with `PUT` or `DELETE` (409 if it changed since).
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

fn out(m: &outcome_measurement::Model) -> AppResult<MeasurementOut> {
    let bad = |what: &str, v: &str| AppError::Internal(anyhow::anyhow!("unknown stored {what} {v:?}"));
    Ok(MeasurementOut {
        id: m.id,
        person_id: m.person_id,
        instrument_key: m.instrument_key.clone(),
        instrument_version: m.instrument_version,
        occasion: Occasion::parse(&m.occasion).ok_or_else(|| bad("occasion", &m.occasion))?,
        source: MeasureSource::parse(&m.source).ok_or_else(|| bad("source", &m.source))?,
        status: MeasureStatus::parse(&m.status).ok_or_else(|| bad("status", &m.status))?,
        taken_on: m.taken_on,
        program_id: m.program_id,
        site_id: m.site_id,
        answers: serde_json::from_str(&m.answers).unwrap_or_default(),
        score: m.score,
        interpretation: m.interpretation.clone(),
        note: m.note.clone(),
        recorded_by: m.recorded_by,
        portal_account_id: m.portal_account_id,
        version: m.version,
        updated_at: m.updated_at,
    })
}

/// A person's measurements, newest first (an audited read of their measures).
#[utoipa::path(get, path = "/people/{id}/measures", tag = "measures",
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Vec<MeasurementOut>), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn list_measurements(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<MeasurementOut>>> {
    let rows = service::list(&state, &actor, id).await?;
    Ok(Json(rows.iter().map(out).collect::<AppResult<Vec<_>>>()?))
}

/// Records a measurement (source `staff` or `paper`; answers checked against the instrument, or
/// `declined: true` with no answers). Those who may edit the person's record.
#[utoipa::path(post, path = "/people/{id}/measures", tag = "measures", request_body = MeasurementInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 201, body = MeasurementOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn create_measurement(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<MeasurementInput>,
) -> AppResult<(StatusCode, Json<MeasurementOut>)> {
    let m = service::record(&state, &actor, id, &body).await?;
    Ok((StatusCode::CREATED, Json(out(&m)?)))
}

/// One measurement with the change since the person's first on the same instrument.
#[derive(Serialize, ToSchema)]
pub struct MeasurementDetailOut {
    #[serde(flatten)]
    pub measurement: MeasurementOut,
    /// Score minus the first complete score on this instrument.
    pub change_since_first: Option<f64>,
    /// Whether that change reaches the instrument's meaningful change.
    pub meaningful: bool,
}

#[utoipa::path(get, path = "/people/{id}/measures/{measurement_id}", tag = "measures",
    params(("id" = Uuid, Path, description = "Person id"), ("measurement_id" = Uuid, Path, description = "Measurement id")),
    responses((status = 200, body = MeasurementDetailOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_measurement(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, measurement_id)): Path<(Uuid, Uuid)>,
) -> AppResult<Json<MeasurementDetailOut>> {
    let d = service::get(&state, &actor, id, measurement_id).await?;
    Ok(Json(MeasurementDetailOut {
        measurement: out(&d.row.m)?,
        change_since_first: d.row.change.map(|c| c.0),
        meaningful: d.row.change.is_some_and(|c| c.1),
    }))
}

/// A correction: the whole measurement as it should be (the instrument stays), the version it was
/// made against and the reason.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CorrectionBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    pub reason: String,
    #[serde(flatten)]
    pub measurement: MeasurementInput,
}

/// Corrects a measurement; a stale `version` answers 409. The reason is kept in the audit trail.
#[utoipa::path(put, path = "/people/{id}/measures/{measurement_id}", tag = "measures", request_body = CorrectionBody,
    params(("id" = Uuid, Path, description = "Person id"), ("measurement_id" = Uuid, Path, description = "Measurement id")),
    responses((status = 200, body = MeasurementOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn correct_measurement(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, measurement_id)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<CorrectionBody>,
) -> AppResult<Json<MeasurementOut>> {
    let version = body.version.ok_or_else(|| AppError::Invalid(FieldErrors::single("version", "error-required")))?;
    let input = CorrectionInput { measurement: body.measurement, version, reason: body.reason };
    let m = service::correct(&state, &actor, id, measurement_id, &input).await?;
    Ok(Json(out(&m)?))
}

/// Why a measurement entered in error is removed, with the version it was seen at.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct RemoveBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    pub reason: String,
}

/// Removes a measurement entered in error (reason required, audited); a stale `version` answers 409.
#[utoipa::path(delete, path = "/people/{id}/measures/{measurement_id}", tag = "measures", request_body = RemoveBody,
    params(("id" = Uuid, Path, description = "Person id"), ("measurement_id" = Uuid, Path, description = "Measurement id")),
    responses((status = 204), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn remove_measurement(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, measurement_id)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<RemoveBody>,
) -> AppResult<StatusCode> {
    let version = body.version.ok_or_else(|| AppError::Invalid(FieldErrors::single("version", "error-required")))?;
    service::remove(&state, &actor, id, measurement_id, version, &body.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The measures due for a person under their programs' schedules, most overdue first.
#[utoipa::path(get, path = "/people/{id}/measures-due", tag = "measures",
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Vec<DueLine>), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn person_due(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<DueLine>>> {
    Ok(Json(service::person_due(&state, &actor, id).await?))
}

/// The measures due on the caller's own caseload, most overdue first.
#[utoipa::path(get, path = "/measures/due", tag = "measures", responses((status = 200, body = Vec<DueLine>)))]
async fn caseload_due(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<Vec<DueLine>>> {
    Ok(Json(service::caseload_due(&state, &actor).await?))
}

/// Every program's measure schedule (saved, or the default for programs serving individuals).
#[utoipa::path(get, path = "/measure-schedules", tag = "measures", responses((status = 200, body = Vec<ProgramSchedule>)))]
async fn list_schedules(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<Json<Vec<ProgramSchedule>>> {
    Ok(Json(schedules::list(&state, &actor).await?))
}

#[utoipa::path(get, path = "/measure-schedules/{program_id}", tag = "measures",
    params(("program_id" = Uuid, Path, description = "Program id")),
    responses((status = 200, body = ProgramSchedule), (status = 404, body = Envelope)))]
async fn get_schedule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(program_id): Path<Uuid>,
) -> AppResult<Json<ProgramSchedule>> {
    Ok(Json(schedules::get(&state, &actor, program_id).await?))
}

/// A program's schedule as it should be. `version`: the saved version the change was made against
/// (leave it out while the program follows the default); a stale one answers 409.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ScheduleBody {
    pub version: Option<i32>,
    pub active: Option<bool>,
    pub every_days: Option<i32>,
    pub instruments: Vec<crate::domain::measures::ScheduledInstrument>,
}

/// Saves a program's schedule (program directors and administrators).
#[utoipa::path(put, path = "/measure-schedules/{program_id}", tag = "measures", request_body = ScheduleBody,
    params(("program_id" = Uuid, Path, description = "Program id")),
    responses((status = 200, body = ProgramSchedule), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn put_schedule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(program_id): Path<Uuid>,
    ApiJson(body): ApiJson<ScheduleBody>,
) -> AppResult<Json<ProgramSchedule>> {
    let input = ScheduleInput {
        active: body.active.unwrap_or(true),
        every_days: body.every_days.map(|d| d.to_string()).unwrap_or_default(),
        instruments: body.instruments,
    };
    Ok(Json(schedules::save(&state, &actor, program_id, body.version, &input).await?))
}
