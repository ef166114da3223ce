//! Logic models (CSE 1.01, 1.02): JSON API. Every call goes through `crate::outcomes::logic_models`,
//! like the pages.

use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::domain::codes::UiLanguage;
use crate::domain::logic_models::{ModelDoc, Part, Standing};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::outcomes::logic_models::{self as service, ModelView, Outputs, Period, ProgramSummary, RevisionSummary};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(organisation_outputs))
        .routes(routes!(get_model, put_model))
        .routes(routes!(program_outputs))
        .routes(routes!(list_revisions))
        .routes(routes!(get_revision))
}

type Envelope = crate::web::errors::ErrorEnvelope;

/// One thing missing from a program's model.
#[derive(Serialize, ToSchema)]
pub struct GapOut {
    /// `no-model`, `missing-part`, `too-few-areas`, `no-measure`, `measure-gone` or `no-target`.
    pub code: String,
    pub part: Option<Part>,
    /// In plain English.
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct ValidityOut {
    pub program_id: Uuid,
    pub program_name: String,
    pub active: bool,
    pub referral_only: bool,
    pub has_model: bool,
    pub standing: Standing,
    pub gaps: Vec<GapOut>,
}

fn validity_out(tr: &Tr, v: service::ProgramValidity) -> ValidityOut {
    ValidityOut {
        program_id: v.program_id,
        program_name: v.program_name,
        active: v.active,
        referral_only: v.referral_only,
        has_model: v.has_model,
        standing: v.standing,
        gaps: v
            .gaps
            .iter()
            .map(|g| GapOut {
                code: g.code.to_string(),
                part: g.part,
                message: crate::web::logic_models::gap_text(tr, g),
            })
            .collect(),
    }
}

/// Every program with its standing against the rating guide's checks and what is missing.
#[utoipa::path(get, path = "/logic-models", tag = "logic-models",
    responses((status = 200, body = Vec<ValidityOut>), (status = 403, body = Envelope)))]
async fn list(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<Vec<ValidityOut>>> {
    let tr = Tr::new(UiLanguage::En);
    let out = service::overview(&state, &actor).await?;
    Ok(Json(out.into_iter().map(|v| validity_out(&tr, v)).collect()))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// First day (YYYY-MM-DD); a year before `to` when left out.
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD); today when left out.
    pub to: Option<String>,
    /// `month` for one entry per calendar month.
    pub by: Option<String>,
    /// For the organisation's outputs: one program only.
    pub program_id: Option<Uuid>,
}

/// Period totals, or month by month.
#[derive(Serialize, ToSchema)]
pub struct OutputsOut {
    pub program_id: Option<Uuid>,
    pub from: Date,
    pub to: Date,
    pub totals: Outputs,
    /// With `by=month`: one entry per month touching the period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub months: Option<Vec<MonthOut>>,
}

#[derive(Serialize, ToSchema)]
pub struct MonthOut {
    /// The month's first day.
    pub month: Date,
    pub outputs: Outputs,
}

async fn outputs_for(
    state: &AppState,
    actor: &crate::access::Actor,
    program_id: Option<Uuid>,
    q: &PeriodParams,
) -> AppResult<OutputsOut> {
    let period: Period = service::period(state, actor.org_id, q.from.as_deref(), q.to.as_deref()).await?;
    let by_month = match q.by.as_deref() {
        None | Some("") => false,
        Some("month") => true,
        Some(_) => {
            return Err(AppError::Invalid(crate::domain::FieldErrors::single("by", "error-unknown-choice")));
        }
    };
    let (totals, months) = service::outputs_for(state, actor, program_id, period, by_month).await?;
    Ok(OutputsOut {
        program_id,
        from: period.from,
        to: period.to,
        totals,
        months: months.map(|m| m.into_iter().map(|(month, outputs)| MonthOut { month, outputs }).collect()),
    })
}

/// The organisation's outputs computed live from records (optionally one program's).
#[utoipa::path(get, path = "/logic-models/outputs", tag = "logic-models", params(PeriodParams),
    responses((status = 200, body = OutputsOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn organisation_outputs(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<PeriodParams>,
) -> AppResult<Json<OutputsOut>> {
    Ok(Json(outputs_for(&state, &actor, q.program_id, &q).await?))
}

/// One program's outputs computed live from records.
#[utoipa::path(get, path = "/programs/{id}/logic-model/outputs", tag = "logic-models",
    params(("id" = Uuid, Path, description = "Program id"), PeriodParams),
    responses((status = 200, body = OutputsOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn program_outputs(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    Query(q): Query<PeriodParams>,
) -> AppResult<Json<OutputsOut>> {
    Ok(Json(outputs_for(&state, &actor, Some(id), &q).await?))
}

/// A program's logic model with its live outputs, each outcome's progress and its validity
/// (`version` 0 and empty parts when none is saved yet).
#[utoipa::path(get, path = "/programs/{id}/logic-model", tag = "logic-models",
    params(("id" = Uuid, Path, description = "Program id"), PeriodParams),
    responses((status = 200, body = ModelView), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn get_model(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    Query(q): Query<PeriodParams>,
) -> AppResult<Json<ModelView>> {
    let period = service::period(&state, actor.org_id, q.from.as_deref(), q.to.as_deref()).await?;
    Ok(Json(service::view(&state, &actor, id, period).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ModelBody {
    /// The version read (0 when the program had no model); a stale one answers 409.
    pub version: i32,
    pub model: ModelDoc,
}

#[derive(Serialize, ToSchema)]
pub struct SavedOut {
    pub version: i32,
}

/// Replaces a program's whole logic model.
#[utoipa::path(put, path = "/programs/{id}/logic-model", tag = "logic-models", request_body = ModelBody,
    params(("id" = Uuid, Path, description = "Program id")),
    responses((status = 200, body = SavedOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn put_model(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ModelBody>,
) -> AppResult<Json<SavedOut>> {
    let version = service::save(&state, &actor, id, body.version, body.model).await?;
    Ok(Json(SavedOut { version }))
}

#[derive(Serialize, ToSchema)]
pub struct RevisionsOut {
    pub program: ProgramSummary,
    /// Newest first.
    pub revisions: Vec<RevisionSummary>,
}

/// Every save of a program's logic model.
#[utoipa::path(get, path = "/programs/{id}/logic-model/revisions", tag = "logic-models",
    params(("id" = Uuid, Path, description = "Program id")),
    responses((status = 200, body = RevisionsOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn list_revisions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<RevisionsOut>> {
    let (program, revisions) = service::revisions(&state, &actor, id).await?;
    Ok(Json(RevisionsOut { program, revisions }))
}

#[derive(Serialize, ToSchema)]
pub struct RevisionOut {
    pub revision: RevisionSummary,
    pub model: ModelDoc,
}

/// One earlier save of a program's logic model, whole.
#[utoipa::path(get, path = "/programs/{id}/logic-model/revisions/{version}", tag = "logic-models",
    params(("id" = Uuid, Path, description = "Program id"), ("version" = i32, Path, description = "Version")),
    responses((status = 200, body = RevisionOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_revision(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, version)): Path<(Uuid, i32)>,
) -> AppResult<Json<RevisionOut>> {
    let (_, revision, model) = service::revision(&state, &actor, id, version).await?;
    Ok(Json(RevisionOut { revision, model }))
}
