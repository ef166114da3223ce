//! Instruments and indicators (CSE 1.02): JSON API. Every call goes through `crate::outcomes::instruments`.

use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::domain::instruments::{Answers, InstrumentDef, Scored};
use crate::error::AppResult;
use crate::outcomes::instruments::{self as service, Detail, Listed, Saved};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one))
        .routes(routes!(new_version))
        .routes(routes!(retire))
        .routes(routes!(reactivate))
        .routes(routes!(score))
}

type Envelope = crate::web::errors::ErrorEnvelope;

#[utoipa::path(get, path = "/instruments", tag = "instruments",
    responses((status = 200, body = Vec<Listed>), (status = 403, body = Envelope)))]
async fn list(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<Vec<Listed>>> {
    Ok(Json(service::list(&state, &actor).await?))
}

/// Creates an organisation-defined instrument (version 1). Needs the instrument-management permission.
#[utoipa::path(post, path = "/instruments", tag = "instruments", request_body = InstrumentDef,
    responses((status = 201, body = InstrumentDef), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(def): ApiJson<InstrumentDef>,
) -> AppResult<(StatusCode, Json<InstrumentDef>)> {
    Ok((StatusCode::CREATED, Json(service::create(&state, &actor, def).await?)))
}

#[derive(Deserialize, IntoParams)]
pub struct VersionQuery {
    /// A definition version; the latest when left out.
    pub version: Option<i32>,
}

#[utoipa::path(get, path = "/instruments/{key}", tag = "instruments",
    params(("key" = String, Path, description = "Instrument key, e.g. barc-10"), VersionQuery),
    responses((status = 200, body = Detail), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_one(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(key): Path<String>,
    Query(q): Query<VersionQuery>,
) -> AppResult<Json<Detail>> {
    Ok(Json(service::detail(&state, &actor, &key, q.version).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewVersionBody {
    /// The version the change starts from; must still be the latest (409 otherwise).
    pub based_on: i32,
    pub definition: InstrumentDef,
}

/// Saves a change. A version with measurements is kept as it is and the change becomes the next
/// version (`new_version: true`); an unused latest version is changed in place.
#[utoipa::path(post, path = "/instruments/{key}/versions", tag = "instruments", request_body = NewVersionBody,
    params(("key" = String, Path, description = "Instrument key")),
    responses((status = 200, body = Saved), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn new_version(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(key): Path<String>,
    ApiJson(body): ApiJson<NewVersionBody>,
) -> AppResult<Json<Saved>> {
    Ok(Json(service::save(&state, &actor, &key, body.based_on, body.definition).await?))
}

/// Retires an organisation-defined instrument: no longer offered, old measurements kept.
#[utoipa::path(post, path = "/instruments/{key}/retire", tag = "instruments",
    params(("key" = String, Path, description = "Instrument key")),
    responses((status = 200, body = InstrumentDef), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn retire(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(key): Path<String>,
) -> AppResult<Json<InstrumentDef>> {
    Ok(Json(service::set_active(&state, &actor, &key, false).await?))
}

#[utoipa::path(post, path = "/instruments/{key}/reactivate", tag = "instruments",
    params(("key" = String, Path, description = "Instrument key")),
    responses((status = 200, body = InstrumentDef), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn reactivate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(key): Path<String>,
) -> AppResult<Json<InstrumentDef>> {
    Ok(Json(service::set_active(&state, &actor, &key, true).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ScoreBody {
    /// A definition version; the latest when left out.
    #[serde(default)]
    pub version: Option<i32>,
    /// Item key → answer (a number, or text for choices and yes/no).
    pub answers: Answers,
}

#[derive(Serialize, ToSchema)]
pub struct ScoreOut {
    pub key: String,
    pub version: i32,
    #[serde(flatten)]
    pub scored: Scored,
    /// Whether the score is at or beyond the published cut-off on the good side (None without one).
    pub meets_cut_off: Option<bool>,
}

/// Checks answers and returns the score and its interpretation, or field errors
/// (`answers.<item>`). Nothing is stored.
#[utoipa::path(post, path = "/instruments/{key}/score", tag = "instruments", request_body = ScoreBody,
    params(("key" = String, Path, description = "Instrument key")),
    responses((status = 200, body = ScoreOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn score(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(key): Path<String>,
    ApiJson(body): ApiJson<ScoreBody>,
) -> AppResult<Json<ScoreOut>> {
    let (def, scored) = service::try_score(&state, &actor, &key, body.version, &body.answers).await?;
    let meets_cut_off = def.meets_cut_off(scored.score);
    Ok(Json(ScoreOut { key: def.key, version: def.version, scored, meets_cut_off }))
}
