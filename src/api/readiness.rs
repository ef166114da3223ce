//! Accreditation readiness over JSON: the standards catalogue (every source, our paraphrase),
//! applicability per program, the evidence report with suggested ratings, one measure with its
//! failing records, self-ratings and their history, and the readiness settings. Every call goes
//! through `crate::standards::readiness`, like the pages.

use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::domain::codes::Edition as OrgEdition;
use crate::domain::community::Period;
use crate::error::{AppError, AppResult};
use crate::standards::catalogue::{self, Edition, Source};
use crate::standards::measures::{MeasureKey, MeasureResult};
use crate::standards::readiness::{
    self, ApplicabilityReport, RatingInput, RatingView, Report, Settings, SettingsInput,
};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sources))
        .routes(routes!(get_source))
        .routes(routes!(get_applicability))
        .routes(routes!(get_report))
        .routes(routes!(get_measure))
        .routes(routes!(list_ratings, record_rating))
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(get_binder))
}

type Envelope = crate::web::errors::ErrorEnvelope;

/// One source in the catalogue list.
#[derive(Serialize, ToSchema)]
pub struct SourceOut {
    pub source: Source,
    pub name: String,
    pub data_version: String,
    pub sections: usize,
    pub standards: usize,
    pub elements: usize,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ReadinessParams {
    /// `cse-2024`, `ca-cse-2022`, `ca-cse-2020` or `prsc` (default: the organisation's edition).
    pub source: Option<String>,
    /// First day of the period, YYYY-MM-DD (default: twelve months before `to`).
    pub from: Option<String>,
    /// Last day of the period, YYYY-MM-DD (default: today).
    pub to: Option<String>,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct RatingParams {
    /// `cse-2024`, `ca-cse-2022`, `ca-cse-2020` or `prsc` (default: the organisation's edition).
    pub source: Option<String>,
    /// Only this standard's ratings, e.g. `CSE 3.02`.
    pub standard_id: Option<String>,
}

/// New settings made against `version` (0 while the defaults apply).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct SettingsBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub settings: SettingsInput,
}

async fn source_of(state: &AppState, org_id: uuid::Uuid, raw: Option<&str>) -> AppResult<Source> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => Source::parse(code)
            .ok_or_else(|| AppError::Invalid(crate::domain::FieldErrors::single("source", "error-unknown-choice"))),
        None => {
            let org = crate::db::org::get(state.db.conn(), org_id).await?.ok_or(AppError::NotFound)?;
            Ok(catalogue::source_of(OrgEdition::parse(&org.edition).unwrap_or(OrgEdition::Cse2024)))
        }
    }
}

async fn period_of(state: &AppState, org_id: uuid::Uuid, p: &ReadinessParams) -> AppResult<Period> {
    let today = crate::outcomes::analytics::today(state, org_id).await?;
    Ok(Period::parse(p.from.as_deref(), p.to.as_deref(), today)?)
}

/// Every source the catalogue holds, with its size.
#[utoipa::path(get, path = "/standards", tag = "readiness",
    responses((status = 200, body = Vec<SourceOut>), (status = 403, body = Envelope)))]
async fn list_sources(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<Vec<SourceOut>>> {
    readiness::require(&state, &actor, crate::access::Action::ViewReadiness).await?;
    Ok(Json(
        catalogue::editions()
            .iter()
            .map(|e| SourceOut {
                source: e.source,
                name: e.name.clone(),
                data_version: e.data_version.clone(),
                sections: e.sections.len(),
                standards: e.standards().count(),
                elements: e.elements().count(),
            })
            .collect(),
    ))
}

/// One source in full: sections, standards and elements with the Fundamental Practice flag, NA
/// rules, the evidence each element calls for, its measures and its crosswalk concept.
#[utoipa::path(get, path = "/standards/{source}", tag = "readiness",
    params(("source" = String, Path, description = "cse-2024, ca-cse-2022, ca-cse-2020 or prsc")),
    responses((status = 200, body = Edition), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_source(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(source): Path<String>,
) -> AppResult<Json<Edition>> {
    readiness::require(&state, &actor, crate::access::Action::ViewReadiness).await?;
    let source = Source::parse(&source).ok_or(AppError::NotFound)?;
    Ok(Json(catalogue::edition(source).clone()))
}

/// Which sections, standards and elements apply, per active program, with the reason where not.
#[utoipa::path(get, path = "/readiness/applicability", tag = "readiness", params(ReadinessParams),
    responses((status = 200, body = ApplicabilityReport), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn get_applicability(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ReadinessParams>,
) -> AppResult<Json<ApplicabilityReport>> {
    let source = source_of(&state, actor.org_id, p.source.as_deref()).await?;
    Ok(Json(readiness::applicability(&state, &actor, source).await?))
}

/// The evidence report for a source and period: applicability, each element's standing and
/// share, the suggested rating per standard, the latest self-rating, and every measure with up to
/// 200 failing records (people by record number only). Reading it is audited.
#[utoipa::path(get, path = "/readiness", tag = "readiness", params(ReadinessParams),
    responses((status = 200, body = Report), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn get_report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ReadinessParams>,
) -> AppResult<Json<Report>> {
    let source = source_of(&state, actor.org_id, p.source.as_deref()).await?;
    let period = period_of(&state, actor.org_id, &p).await?;
    Ok(Json(readiness::report(&state, &actor, source, period).await?))
}

/// One measure over a period with its failing records.
#[utoipa::path(get, path = "/readiness/measures/{key}", tag = "readiness", params(("key" = String, Path, description = "Measure key"), ReadinessParams),
    responses((status = 200, body = MeasureResult), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn get_measure(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(key): Path<String>,
    Query(p): Query<ReadinessParams>,
) -> AppResult<Json<MeasureResult>> {
    let key = MeasureKey::parse(&key).ok_or(AppError::NotFound)?;
    let period = period_of(&state, actor.org_id, &p).await?;
    Ok(Json(readiness::measure(&state, &actor, key, period).await?))
}

/// Self-ratings recorded for a source, newest first.
#[utoipa::path(get, path = "/readiness/ratings", tag = "readiness", params(RatingParams),
    responses((status = 200, body = Vec<RatingView>), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn list_ratings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<RatingParams>,
) -> AppResult<Json<Vec<RatingView>>> {
    let source = source_of(&state, actor.org_id, p.source.as_deref()).await?;
    Ok(Json(readiness::history(&state, &actor, source, p.standard_id.as_deref()).await?))
}

/// Records the organisation's own rating of a standard (quality lead, program directors), kept
/// with the suggestion for the same period. Ratings are never changed; a new one is added.
#[utoipa::path(post, path = "/readiness/ratings", tag = "readiness", params(RatingParams), request_body = RatingInput,
    responses((status = 201, body = RatingView), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn record_rating(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<RatingParams>,
    ApiJson(body): ApiJson<RatingInput>,
) -> AppResult<(StatusCode, Json<RatingView>)> {
    let source = source_of(&state, actor.org_id, p.source.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(readiness::record_rating(&state, &actor, source, &body).await?)))
}

/// The readiness settings (defaults until saved, `version` 0).
#[utoipa::path(get, path = "/readiness/settings", tag = "readiness",
    responses((status = 200, body = Settings), (status = 403, body = Envelope)))]
async fn get_settings(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<Settings>> {
    readiness::require(&state, &actor, crate::access::Action::ViewReadiness).await?;
    Ok(Json(readiness::settings(state.db.conn(), actor.org_id).await?))
}

/// Replaces the readiness settings (quality lead, program directors). A stale `version` answers 409.
#[utoipa::path(put, path = "/readiness/settings", tag = "readiness", request_body = SettingsBody,
    responses((status = 200, body = Settings), (status = 403, body = Envelope), (status = 409, body = Envelope),
              (status = 422, body = Envelope)))]
async fn put_settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<SettingsBody>,
) -> AppResult<Json<Settings>> {
    let version = super::intake::required_version(body.version)?;
    Ok(Json(readiness::update_settings(&state, &actor, version, &body.settings).await?))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct BinderParams {
    /// `cse-2024`, `ca-cse-2022`, `ca-cse-2020` or `prsc` (default: the organisation's edition).
    pub source: Option<String>,
    /// First day of the period, YYYY-MM-DD (default: twelve months before `to`).
    pub from: Option<String>,
    /// Last day of the period, YYYY-MM-DD (default: today).
    pub to: Option<String>,
    /// `html` (default, one self-contained document) or `pdf`.
    pub format: Option<String>,
    /// List failing records by record number and name (quality lead and program directors only;
    /// audited as `readiness.binder.participant-data`). By default the binder only counts them.
    pub include_participant_data: Option<bool>,
}

/// The evidence binder for a source and period, as one HTML document or a PDF: cover,
/// applicability with the reasons, every standard with its evidence, suggested and self-rating,
/// the group schedule and curricula, the resource directory, the staff qualification matrix, logic
/// models, the "you said, we did" log and the index of uploaded documents. No participant data
/// unless asked for. Every binder made is audited (`readiness.binder.make`).
#[utoipa::path(get, path = "/readiness/binder", tag = "readiness", params(BinderParams),
    responses((status = 200, description = "The binder (text/html or application/pdf), as an attachment",
               content(("text/html"), ("application/pdf"))),
              (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn get_binder(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<BinderParams>,
) -> AppResult<axum::response::Response> {
    use crate::standards::binder::{Format, Request};
    let format = match p.format.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        None => Format::Html,
        Some(code) => Format::parse(code)
            .ok_or_else(|| AppError::Invalid(crate::domain::FieldErrors::single("format", "error-unknown-choice")))?,
    };
    let source = source_of(&state, actor.org_id, p.source.as_deref()).await?;
    let period =
        period_of(&state, actor.org_id, &ReadinessParams { source: None, from: p.from.clone(), to: p.to.clone() })
            .await?;
    // In the caller's own language, as their pages are.
    let lang = crate::db::staff::get(state.db.conn(), actor.org_id, actor.staff_id)
        .await?
        .and_then(|s| s.language)
        .and_then(|code| crate::domain::codes::UiLanguage::parse(&code))
        .unwrap_or(crate::domain::codes::UiLanguage::En);
    let req = Request {
        source,
        period,
        format,
        include_participant_data: p.include_participant_data.unwrap_or(false),
        tr: crate::i18n::Tr::new(lang),
    };
    let (bytes, content_type, filename) = crate::web::readiness::make_binder(&state, &actor, req).await?;
    Ok(crate::web::readiness::binder_download(bytes, content_type, &filename))
}
