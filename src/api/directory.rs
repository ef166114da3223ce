//! The resource directory over JSON: search, read, create and update resources (with version →
//! 409), verify, the stale worklist, likely duplicates and merging, and the directory settings.
//! Every call goes through `crate::directory::resources`, like the pages.

use super::intake::required_version;
use super::{ApiActor, ApiJson};
use crate::access::Actor;
use crate::app::AppState;
use crate::directory::resources::{
    self, DayHours, DuplicatePair, FeeKind, MergeOutcome, Resource, ResourceInput, SettingsInput, Source, StaleList,
    Term, VerifyInput, VerifyMethod,
};
use crate::directory::search::{self, Near, SearchQuery};
use crate::directory::settings::Settings;
use crate::domain::FieldErrors;
use crate::domain::directory::{HsdsAccess, ResourceFact};
use crate::error::{AppError, AppResult};
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_services, create_service))
        .routes(routes!(get_service, update_service))
        .routes(routes!(verify_service))
        .routes(routes!(stale_services))
        .routes(routes!(duplicate_services))
        .routes(routes!(merge_services))
        .routes(routes!(get_settings, update_settings))
        .routes(routes!(new_token))
}

type Envelope = crate::web::errors::ErrorEnvelope;

fn today(state: &AppState, time_zone: &str) -> Date {
    crate::app::local_date(time_zone, state.clock.now())
}

async fn org_zone(state: &AppState, actor: &Actor) -> AppResult<(String, String)> {
    let org = crate::db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)?;
    Ok((org.time_zone, org.country))
}

// ---------- shapes ----------

/// A place the service is delivered.
#[derive(Serialize, ToSchema)]
pub struct PlaceOut {
    pub service_at_location_id: String,
    pub location_id: String,
    pub name: Option<String>,
    /// The street address on one line.
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct PhoneOut {
    pub number: String,
    pub extension: Option<f64>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub description: Option<String>,
    /// Whose number: the service's, one of its places', or its organisation's.
    pub source: Source,
}

#[derive(Serialize, ToSchema)]
pub struct ContactOut {
    pub name: Option<String>,
    pub title: Option<String>,
    pub department: Option<String>,
    pub email: Option<String>,
    pub source: Source,
}

#[derive(Serialize, ToSchema)]
pub struct CostOut {
    pub option: Option<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub amount_description: Option<String>,
}

/// A verification: who confirmed the details with the provider, when and how.
#[derive(Serialize, ToSchema)]
pub struct VerificationOut {
    pub verified_on: Date,
    pub verified_by: uuid::Uuid,
    pub verified_by_name: String,
    pub method: Option<VerifyMethod>,
    pub note: Option<String>,
}

/// A resource: one HSDS service with its organisation, places, phones, contacts, languages,
/// fees, eligibility, hours and taxonomy terms; the six 6.02 facts flagged when missing.
#[derive(Serialize, ToSchema)]
pub struct ResourceOut {
    pub id: String,
    /// Send it back with `PUT /directory/services/{id}`.
    pub version: i32,
    pub name: String,
    pub alternate_name: Option<String>,
    pub description: Option<String>,
    pub status: String,
    pub url: Option<String>,
    pub email: Option<String>,
    pub organization_id: Option<String>,
    pub organization_name: Option<String>,
    pub places: Vec<PlaceOut>,
    pub phones: Vec<PhoneOut>,
    pub contacts: Vec<ContactOut>,
    /// Language names offered (the service's and its places').
    pub languages: Vec<String>,
    pub fee_kind: Option<FeeKind>,
    pub fees_description: Option<String>,
    pub cost_options: Vec<CostOut>,
    pub minimum_age: Option<f64>,
    pub maximum_age: Option<f64>,
    pub eligibility_description: Option<String>,
    /// Plain weekly hours (what the form edits).
    pub hours: Vec<DayHours>,
    /// Whether it is open now (organisation's time); null without hours.
    pub open_now: Option<bool>,
    pub service_areas: Vec<String>,
    pub required_documents: Vec<String>,
    pub taxonomy_terms: Vec<Term>,
    /// HSDS `assured_date`: when the details were last confirmed.
    pub assured_date: Option<Date>,
    pub stale: bool,
    pub missing_facts: Vec<ResourceFact>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_modified: Option<OffsetDateTime>,
}

fn text(row: &resources::Linked, field: &str) -> Option<String> {
    resources::text(&row.row, field).map(str::to_string)
}

impl ResourceOut {
    fn new(r: &Resource, settings: &Settings, today: Date, zone: &str, now: OffsetDateTime) -> ResourceOut {
        let f = |name: &str| r.field(name).map(str::to_string);
        let hours = r.hours();
        ResourceOut {
            id: r.id().to_string(),
            version: r.version,
            name: r.name().to_string(),
            alternate_name: f("alternate_name"),
            description: f("description"),
            status: r.status().to_string(),
            url: f("url"),
            email: f("email"),
            organization_id: r.organization_id().map(str::to_string),
            organization_name: r.organization_name().map(str::to_string),
            places: r
                .places
                .iter()
                .map(|p| PlaceOut {
                    service_at_location_id: resources::text(&p.link, "id").unwrap_or_default().to_string(),
                    location_id: p.location_id().to_string(),
                    name: resources::text(&p.location, "name").map(str::to_string),
                    address: p.address_line(),
                    latitude: p.coordinates().map(|c| c.0),
                    longitude: p.coordinates().map(|c| c.1),
                })
                .collect(),
            phones: r
                .phones
                .iter()
                .filter_map(|p| {
                    Some(PhoneOut {
                        number: text(p, "number")?,
                        extension: resources::num(&p.row, "extension"),
                        kind: text(p, "type"),
                        description: text(p, "description"),
                        source: p.source,
                    })
                })
                .collect(),
            contacts: r
                .contacts
                .iter()
                .map(|c| ContactOut {
                    name: text(c, "name"),
                    title: text(c, "title"),
                    department: text(c, "department"),
                    email: text(c, "email"),
                    source: c.source,
                })
                .collect(),
            languages: r.language_names(),
            fee_kind: r.fee_kind(),
            fees_description: f("fees_description"),
            cost_options: r
                .cost_options
                .iter()
                .map(|o| CostOut {
                    option: resources::text(o, "option").map(str::to_string),
                    amount: resources::num(o, "amount"),
                    currency: resources::text(o, "currency").map(str::to_string),
                    amount_description: resources::text(o, "amount_description").map(str::to_string),
                })
                .collect(),
            minimum_age: r.min_age(),
            maximum_age: r.max_age(),
            eligibility_description: f("eligibility_description"),
            hours: r.weekly_hours(),
            open_now: (!hours.is_empty()).then(|| search::open_at(&hours, search::local_now(zone, now))),
            service_areas: r
                .service_areas
                .iter()
                .filter_map(|a| resources::text(a, "name").map(str::to_string))
                .collect(),
            required_documents: r
                .required_documents
                .iter()
                .filter_map(|d| resources::text(d, "document").map(str::to_string))
                .collect(),
            taxonomy_terms: r.terms.clone(),
            assured_date: r.assured_date(),
            stale: r.is_stale(settings, today),
            missing_facts: r.missing_facts(),
            last_modified: r.last_modified(),
        }
    }
}

/// A resource with its verification history.
#[derive(Serialize, ToSchema)]
pub struct ResourceDetailOut {
    #[serde(flatten)]
    pub resource: ResourceOut,
    /// Newest first.
    pub verifications: Vec<VerificationOut>,
}

/// One search result: what a result list shows (`GET /directory/services/{id}` has everything).
#[derive(Serialize, ToSchema)]
pub struct HitOut {
    pub id: String,
    pub name: String,
    pub organization_id: Option<String>,
    pub organization_name: Option<String>,
    pub status: String,
    /// The first place's street address on one line.
    pub address: Option<String>,
    pub phone: Option<String>,
    pub languages: Vec<String>,
    pub fee_kind: Option<FeeKind>,
    pub fee_amount: Option<f64>,
    /// Whether it is open now (organisation's time); null without hours.
    pub open_now: Option<bool>,
    pub missing_facts: Vec<ResourceFact>,
    pub stale: bool,
    pub assured_date: Option<Date>,
    /// Relevance with the language, distance and completeness adjustments; higher is better.
    pub score: f64,
    /// From `latitude`/`longitude`, to the nearest place.
    pub distance_km: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchOut {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<HitOut>,
}

async fn detail(state: &AppState, actor: &Actor, id: &str) -> AppResult<ResourceDetailOut> {
    let conn = state.db.conn();
    let r = resources::load(conn, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    let settings = crate::directory::settings::load(conn, actor.org_id).await?;
    let (zone, _) = org_zone(state, actor).await?;
    let verifications = resources::verifications(conn, actor.org_id, id).await?;
    Ok(ResourceDetailOut {
        resource: ResourceOut::new(&r, &settings, today(state, &zone), &zone, state.clock.now()),
        verifications: verifications
            .into_iter()
            .map(|v| VerificationOut {
                verified_on: v.row.verified_on,
                verified_by: v.row.verified_by,
                verified_by_name: v.verified_by_name,
                method: v.row.method.as_deref().and_then(VerifyMethod::parse),
                note: v.row.note,
            })
            .collect(),
    })
}

// ---------- search ----------

/// Search parameters (all optional; empty ones do not filter).
#[derive(Deserialize, IntoParams, Default)]
#[allow(dead_code)]
pub struct SearchParams {
    /// Free text: typos forgiven, synonyms followed ("food" finds pantries).
    pub q: Option<String>,
    /// Taxonomy term ids, comma-separated; a service with any of them matches.
    pub taxonomy_term_id: Option<String>,
    pub taxonomy_id: Option<String>,
    pub organization_id: Option<String>,
    /// Only services offering this language (name or code: `Spanish`, `es`, `spa`).
    pub language: Option<String>,
    /// Rank services offering this language first (the person's language).
    pub prefer_language: Option<String>,
    /// `true`: only free or sliding-scale services.
    pub free: Option<bool>,
    /// Only services whose age limits admit this age.
    pub age: Option<u32>,
    /// `true`: only services open now (the organisation's local time).
    pub open_now: Option<bool>,
    /// Only services open at this local time, `YYYY-MM-DDTHH:MM`.
    pub open_at: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// With `latitude`/`longitude`: only services within this many kilometres.
    pub within_km: Option<f64>,
    /// RFC 3339: only services changed after this instant.
    pub modified_after: Option<String>,
    /// `true`: include inactive and defunct services.
    pub include_inactive: Option<bool>,
    pub page: Option<u64>,
    /// 1–100, default 25.
    pub per_page: Option<u64>,
}

fn yes(value: Option<&str>, field: &str, e: &mut FieldErrors) -> bool {
    match value.map(str::trim) {
        None | Some("") | Some("false") | Some("0") => false,
        Some("true") | Some("1") | Some("on") => true,
        Some(_) => {
            e.add(field, "error-unknown-choice");
            false
        }
    }
}

/// Reads the query string into a search, with a message for each unreadable parameter.
fn read_search(raw: Option<&str>, zone: &str, now: OffsetDateTime) -> AppResult<(SearchQuery, u64, u64)> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|_| AppError::BadRequest("error-bad-request"))?;
    let get = |name: &str| pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty());
    let mut e = FieldErrors::new();
    let mut number = |name: &str, limit: f64, message: &'static str| -> Option<f64> {
        let raw = get(name)?;
        match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && v.abs() <= limit => Some(v),
            _ => {
                e.add(name, message);
                None
            }
        }
    };
    let latitude = number("latitude", 90.0, "directory-error-latitude");
    let longitude = number("longitude", 180.0, "directory-error-longitude");
    let within_km = number("within_km", 20_000.0, "directory-error-within");
    if within_km.is_some_and(|v| v <= 0.0) {
        e.add("within_km", "directory-error-within");
    }
    let within_km = within_km.filter(|v| *v > 0.0);
    if latitude.is_some() != longitude.is_some() && !e.0.iter().any(|x| x.field == "latitude" || x.field == "longitude")
    {
        e.add(if latitude.is_none() { "latitude" } else { "longitude" }, "directory-error-coordinates-pair");
    }
    if within_km.is_some() && latitude.is_none() && get("latitude").is_none() {
        e.add("latitude", "directory-error-within-needs-place");
    }
    let age = match get("age") {
        None => None,
        Some(raw) => match raw.parse::<u32>() {
            Ok(a) if a <= 120 => Some(a),
            _ => {
                e.add("age", "directory-error-age");
                None
            }
        },
    };
    let mut open_at = match get("open_at") {
        None => None,
        Some(raw) => match raw.parse::<jiff::civil::DateTime>() {
            Ok(at) => Some(at),
            Err(_) => {
                e.add("open_at", "error-date-format");
                None
            }
        },
    };
    if yes(get("open_now"), "open_now", &mut e) && open_at.is_none() {
        open_at = Some(search::local_now(zone, now));
    }
    let modified_after = match get("modified_after") {
        None => None,
        Some(raw) => match OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339) {
            Ok(at) => Some(at),
            Err(_) => {
                e.add("modified_after", "error-date-format");
                None
            }
        },
    };
    let page = match get("page").map(str::parse::<u64>) {
        None => 1,
        Some(Ok(p)) if p >= 1 => p,
        Some(_) => {
            e.add("page", "error-unknown-choice");
            1
        }
    };
    let per_page = match get("per_page").map(str::parse::<u64>) {
        None => 25,
        Some(Ok(p)) if (1..=100).contains(&p) => p,
        Some(_) => {
            e.add("per_page", "error-unknown-choice");
            25
        }
    };
    let free = yes(get("free"), "free", &mut e);
    let include_inactive = yes(get("include_inactive"), "include_inactive", &mut e);
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let terms: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "taxonomy_term_id")
        .flat_map(|(_, v)| v.split(',').map(|t| t.trim().to_string()).collect::<Vec<_>>())
        .filter(|t| !t.is_empty())
        .collect();
    let query = SearchQuery {
        text: get("q").unwrap_or("").chars().take(200).collect(),
        taxonomy_term_ids: terms,
        taxonomy_id: get("taxonomy_id").map(str::to_string),
        organization_id: get("organization_id").map(str::to_string),
        language: get("language").map(str::to_string),
        prefer_language: get("prefer_language").map(str::to_string),
        free_or_low_cost: free,
        age,
        open_at,
        near: latitude.zip(longitude).map(|(latitude, longitude)| Near { latitude, longitude, within_km }),
        modified_after,
        include_inactive,
        today: Some(crate::app::local_date(zone, now)),
    };
    Ok((query, page, per_page))
}

/// Searches the directory: free text (typos and synonyms), taxonomy, language, cost, age, open
/// now, distance, organisation and change time. Best first: relevance, the preferred language,
/// nearness; stale or incomplete records a little lower.
#[utoipa::path(get, path = "/directory/services", tag = "directory", params(SearchParams),
    responses((status = 200, body = SearchOut), (status = 422, body = Envelope)))]
async fn search_services(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<SearchOut>> {
    let (zone, _) = org_zone(&state, &actor).await?;
    let now = state.clock.now();
    let (query, page, per_page) = read_search(raw.as_deref(), &zone, now)?;
    let conn = state.db.conn();
    let settings = crate::directory::settings::load(conn, actor.org_id).await?;
    let offset = (page - 1).saturating_mul(per_page);
    let (total, found) = search::search_summaries(conn, actor.org_id, &query, per_page, offset).await?;
    let today = crate::app::local_date(&zone, now);
    let local = search::local_now(&zone, now);
    Ok(Json(SearchOut {
        total,
        page,
        per_page,
        items: found
            .into_iter()
            .map(|(hit, s)| HitOut {
                id: hit.service_id,
                open_now: (!s.hours.is_empty()).then(|| search::open_at(&s.hours, local)),
                stale: resources::is_stale(s.assured, settings.verify_months, today),
                name: s.name,
                organization_id: s.organization_id,
                organization_name: s.organization_name,
                status: s.status,
                address: s.address,
                phone: s.phone,
                languages: s.languages,
                fee_kind: s.fee.map(|f| f.0),
                fee_amount: s.fee.and_then(|f| f.1),
                missing_facts: s.missing,
                assured_date: s.assured,
                score: hit.score,
                distance_km: hit.distance_km,
            })
            .collect(),
    }))
}

/// Adds a resource (referral specialists, supervisors, directors, administrators). Give an
/// existing `organization_id` or a `new_organization_name` (an organisation of that name is reused).
#[utoipa::path(post, path = "/directory/services", tag = "directory", request_body = ResourceInput,
    responses((status = 201, body = ResourceDetailOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn create_service(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ResourceInput>,
) -> AppResult<(StatusCode, Json<ResourceDetailOut>)> {
    let saved = resources::save(&state, &actor, None, &body).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, &actor, &saved.id).await?)))
}

/// One resource with its verification history.
#[utoipa::path(get, path = "/directory/services/{id}", tag = "directory",
    params(("id" = String, Path, description = "HSDS service id")),
    responses((status = 200, body = ResourceDetailOut), (status = 404, body = Envelope)))]
async fn get_service(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> AppResult<Json<ResourceDetailOut>> {
    Ok(Json(detail(&state, &actor, &id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ResourceUpdateBody {
    /// The resource's version from `GET /directory/services/{id}`.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub resource: ResourceInput,
}

/// Replaces what the form edits (send every field). Rows the form does not cover (other places,
/// phones, dated schedules) are kept. A stale `version` answers 409.
#[utoipa::path(put, path = "/directory/services/{id}", tag = "directory", request_body = ResourceUpdateBody,
    params(("id" = String, Path, description = "HSDS service id")),
    responses((status = 200, body = ResourceDetailOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_service(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ResourceUpdateBody>,
) -> AppResult<Json<ResourceDetailOut>> {
    let version = required_version(body.version)?;
    resources::save(&state, &actor, Some((&id, version)), &body.resource).await?;
    Ok(Json(detail(&state, &actor, &id).await?))
}

/// Records that the details were confirmed with the provider (`verified_on`, `method`: `phone`,
/// `email`, `website` or `visit`, optional `note`); the service's `assured_date` follows.
#[utoipa::path(post, path = "/directory/services/{id}/verifications", tag = "directory", request_body = VerifyInput,
    params(("id" = String, Path, description = "HSDS service id")),
    responses((status = 201, body = ResourceDetailOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn verify_service(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<VerifyInput>,
) -> AppResult<(StatusCode, Json<ResourceDetailOut>)> {
    let (zone, _) = org_zone(&state, &actor).await?;
    resources::verify(&state, &actor, &id, &body, today(&state, &zone)).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, &actor, &id).await?)))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct PageParams {
    pub page: Option<u64>,
    /// 1–100, default 50.
    pub per_page: Option<u64>,
}

/// Resources due for verification: never verified first, then the oldest.
#[utoipa::path(get, path = "/directory/stale", tag = "directory", params(PageParams),
    responses((status = 200, body = StaleList)))]
async fn stale_services(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<StaleList>> {
    let params: PageParams = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|_| AppError::BadRequest("error-bad-request"))?;
    let (zone, _) = org_zone(&state, &actor).await?;
    let list =
        resources::stale(&state, &actor, today(&state, &zone), params.page.unwrap_or(1), params.per_page.unwrap_or(50))
            .await?;
    Ok(Json(list))
}

/// Likely duplicate resources (similar names sharing a phone, an address or an organisation),
/// most alike first, at most 200.
#[utoipa::path(get, path = "/directory/duplicates", tag = "directory",
    responses((status = 200, body = Vec<DuplicatePair>), (status = 403, body = Envelope)))]
async fn duplicate_services(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<Json<Vec<DuplicatePair>>> {
    resources::require_editor(&state, &actor, "directory.duplicates").await?;
    Ok(Json(resources::duplicates(&state, &actor, 200).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct MergeBody {
    /// The service to keep.
    pub keep: String,
    /// The service folded into it and removed.
    pub merge: String,
    /// Versions as last read (both or neither); when given, a resource changed since answers 409.
    pub keep_version: Option<i32>,
    pub merge_version: Option<i32>,
}

/// Merges two resources: the kept one's empty fields are filled from the other, the other's
/// places, phones, contacts, languages, hours, fees, areas, documents and terms it lacks move
/// over; referrals and verifications follow; the other is removed.
#[utoipa::path(post, path = "/directory/merges", tag = "directory", request_body = MergeBody,
    responses((status = 200, body = MergeOutcome), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn merge_services(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<MergeBody>,
) -> AppResult<Json<MergeOutcome>> {
    // One version alone would silently skip the stale-edit check for the other resource.
    let versions = match (body.keep_version, body.merge_version) {
        (Some(keep), Some(merge)) => Some((keep, merge)),
        (None, None) => None,
        (keep, _) => {
            let missing = if keep.is_none() { "keep_version" } else { "merge_version" };
            return Err(AppError::Invalid(FieldErrors::single(missing, "error-required")));
        }
    };
    Ok(Json(resources::merge(&state, &actor, &body.keep, &body.merge, versions).await?))
}

/// The directory settings.
#[derive(Serialize, ToSchema)]
pub struct SettingsOut {
    pub verify_months: i32,
    pub hsds_access: HsdsAccess,
    /// Whether an `/hsds/` access token exists (the token itself is shown only when made).
    pub has_token: bool,
    /// Where the HSDS API serves this directory.
    pub hsds_path: String,
    pub version: i32,
    /// A token made by this call: shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_token: Option<String>,
}

impl SettingsOut {
    fn new(settings: &Settings, actor: &Actor, token: Option<String>) -> SettingsOut {
        SettingsOut {
            verify_months: settings.verify_months,
            hsds_access: settings.hsds_access,
            has_token: settings.hsds_token_hash.is_some(),
            hsds_path: format!("/hsds/{}/", actor.org_id),
            version: settings.version,
            new_token: token,
        }
    }
}

/// The verification interval and who may read `/hsds/` (administrators and directors).
#[utoipa::path(get, path = "/directory/settings", tag = "directory",
    responses((status = 200, body = SettingsOut), (status = 403, body = Envelope)))]
async fn get_settings(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<SettingsOut>> {
    resources::require_configurer(&state, &actor, "directory.settings").await?;
    let settings = crate::directory::settings::load(state.db.conn(), actor.org_id).await?;
    Ok(Json(SettingsOut::new(&settings, &actor, None)))
}

#[derive(Deserialize, ToSchema)]
pub struct SettingsBody {
    /// The settings' version from `GET /directory/settings` (0 before the first save).
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub settings: SettingsInput,
}

/// Saves the settings. Choosing `token` access when no token exists makes one, returned once in
/// `new_token`.
#[utoipa::path(put, path = "/directory/settings", tag = "directory", request_body = SettingsBody,
    responses((status = 200, body = SettingsOut), (status = 403, body = Envelope), (status = 409, body = Envelope),
              (status = 422, body = Envelope)))]
async fn update_settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<SettingsBody>,
) -> AppResult<Json<SettingsOut>> {
    let version = required_version(body.version)?;
    let (settings, token) = resources::save_settings(&state, &actor, version, &body.settings).await?;
    Ok(Json(SettingsOut::new(&settings, &actor, token)))
}

/// Makes a new `/hsds/` access token (the old one stops working), returned once.
#[utoipa::path(post, path = "/directory/settings/token", tag = "directory",
    responses((status = 200, body = SettingsOut), (status = 403, body = Envelope)))]
async fn new_token(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<SettingsOut>> {
    let (settings, token) = resources::new_token(&state, &actor).await?;
    Ok(Json(SettingsOut::new(&settings, &actor, Some(token))))
}
