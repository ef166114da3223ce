//! The read-only Open Referral HSDS 3.0 API at `/hsds/{org_id}/` (the organisation in the path,
//! as one server hosts several): `GET /`, services (list, search, filters, one by id),
//! organizations, services at locations, taxonomies and taxonomy terms, with the HSDS page
//! wrapper. The organisation chooses who may read it (nobody → 404, anyone, or token holders →
//! 401 without a valid token). Only directory data is ever served here. Answers and errors are
//! JSON; a bad parameter is a 400 naming it.

// Errors here are finished HTTP answers, built at most once per request: boxing them buys nothing.
#![allow(clippy::result_large_err)]

use crate::app::AppState;
use crate::directory::hsds::{self, ListFilter, Page};
use crate::directory::hsds_tables::{self, Table};
use crate::directory::search::{self, SearchQuery};
use crate::directory::settings;
use crate::domain::codes::UiLanguage;
use crate::domain::directory::HsdsAccess;
use crate::i18n::Tr;
use crate::web::errors::{ErrorEnvelope, ErrorItem};
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

/// At most this many items per page, whatever `per_page` asks.
pub const MAX_PER_PAGE: u64 = 100;
const DEFAULT_PER_PAGE: u64 = 25;
/// Items fetched per round when streaming `format=ndjson`.
const NDJSON_BATCH: u64 = 250;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/hsds/{org}", get(root))
        .route("/hsds/{org}/", get(root))
        .route("/hsds/{org}/services", get(services))
        .route("/hsds/{org}/services/{id}", get(service))
        .route("/hsds/{org}/organizations", get(organizations))
        .route("/hsds/{org}/organizations/{id}", get(organization))
        .route("/hsds/{org}/service_at_locations", get(service_at_locations))
        .route("/hsds/{org}/service_at_locations/{id}", get(service_at_location))
        .route("/hsds/{org}/taxonomies", get(taxonomies))
        .route("/hsds/{org}/taxonomies/{id}", get(taxonomy))
        .route("/hsds/{org}/taxonomy_terms", get(taxonomy_terms))
        .route("/hsds/{org}/taxonomy_terms/{id}", get(taxonomy_term))
        .route("/hsds/{org}/{*rest}", get(unknown))
}

// ---------- answers ----------

fn english() -> Tr {
    Tr::new(UiLanguage::En)
}

/// JSON with the headers every `/hsds/` answer carries (readable from any web page: the data is
/// public or token-guarded, never cookie-guarded).
fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// The error envelope of the JSON API: `{"errors": [{"field", "detail", "code"}]}`.
fn error(status: StatusCode, code: &'static str, param: Option<&str>, detail: String) -> Response {
    let envelope =
        ErrorEnvelope { errors: vec![ErrorItem { field: param.map(str::to_string), detail, code: code.to_string() }] };
    let mut response = json_response(status, &serde_json::to_value(envelope).unwrap_or(Value::Null));
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"hsds\""));
    }
    response
}

fn bad_param(param: &str, code: &'static str) -> Response {
    error(StatusCode::BAD_REQUEST, code, Some(param), english().t1(code, "param", param))
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "hsds-api-not-found", None, english().t("hsds-api-not-found"))
}

fn failed(err: DbErr) -> Response {
    tracing::error!(error = %err, "HSDS API query failed");
    error(StatusCode::INTERNAL_SERVER_ERROR, "error-internal", None, english().t("error-internal"))
}

type Answer = Result<Response, Response>;

// ---------- access and parameters ----------

/// The query string's parameters (the last of a repeated one wins, as most HSDS servers do).
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(raw: Option<String>) -> Result<Params, Response> {
        let raw = raw.unwrap_or_default();
        serde_urlencoded::from_str::<Vec<(String, String)>>(&raw)
            .map(Params)
            .map_err(|_| bad_param("query", "hsds-api-bad-param"))
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    fn whole(&self, name: &str, default: u64, code: &'static str) -> Result<u64, Response> {
        match self.text(name) {
            None => Ok(default),
            Some(v) => v.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| bad_param(name, code)),
        }
    }

    fn page(&self) -> Result<u64, Response> {
        let page = self.whole("page", 1, "hsds-api-bad-page")?;
        // Far beyond any directory: refuse rather than overflow an offset.
        if page > 1_000_000 {
            return Err(bad_param("page", "hsds-api-bad-page"));
        }
        Ok(page)
    }

    fn per_page(&self) -> Result<u64, Response> {
        Ok(self.whole("per_page", DEFAULT_PER_PAGE, "hsds-api-bad-per-page")?.min(MAX_PER_PAGE))
    }

    fn boolean(&self, name: &str) -> Result<bool, Response> {
        match self.text(name).map(str::to_ascii_lowercase).as_deref() {
            None | Some("false" | "0" | "no") => Ok(false),
            Some("true" | "1" | "yes") => Ok(true),
            Some(_) => Err(error(
                StatusCode::BAD_REQUEST,
                "hsds-api-bad-boolean",
                Some(name),
                english().t1("hsds-api-bad-boolean", "param", name),
            )),
        }
    }

    /// RFC 3339, or a plain date (midnight UTC).
    fn modified_after(&self) -> Result<Option<OffsetDateTime>, Response> {
        let Some(text) = self.text("modified_after") else { return Ok(None) };
        let rfc3339 = time::format_description::well_known::Rfc3339;
        if let Ok(at) = OffsetDateTime::parse(text, &rfc3339) {
            return Ok(Some(at));
        }
        let date_format = time::macros::format_description!("[year]-[month]-[day]");
        match time::Date::parse(text, date_format) {
            Ok(date) => Ok(Some(date.midnight().assume_utc())),
            Err(_) => Err(bad_param("modified_after", "hsds-api-bad-datetime")),
        }
    }

    fn ndjson(&self) -> Result<bool, Response> {
        match self.text("format").map(str::to_ascii_lowercase).as_deref() {
            None | Some("json") => Ok(false),
            Some("ndjson") => Ok(true),
            Some(_) => Err(bad_param("format", "hsds-api-bad-format")),
        }
    }

    /// A list parameter: comma-separated, or repeated.
    fn list(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect::<Vec<_>>())
            .collect()
    }
}

/// The organisation whose directory is read, once its access rule lets the reader in.
async fn admit(state: &AppState, org: &str, headers: &HeaderMap, params: &Params) -> Result<Uuid, Response> {
    let off = || error(StatusCode::NOT_FOUND, "hsds-api-off", None, english().t("hsds-api-off"));
    let Ok(org_id) = Uuid::try_parse(org) else { return Err(off()) };
    let settings = settings::load(state.db.conn(), org_id).await.map_err(failed)?;
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let token = bearer.or_else(|| params.text("token"));
    match settings.hsds_access {
        HsdsAccess::Off => Err(off()),
        _ if settings.admits(token) => Ok(org_id),
        _ => Err(error(StatusCode::UNAUTHORIZED, "hsds-api-token", None, english().t("hsds-api-token"))),
    }
}

fn table(name: &str) -> &'static Table {
    hsds_tables::table(name).expect("an HSDS table")
}

/// The HSDS page wrapper around one page of results.
fn page_body(total: u64, page: u64, per_page: u64, contents: Vec<Value>) -> Value {
    let total_pages = total.div_ceil(per_page);
    json!({
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": contents.len(),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": contents.is_empty(),
        "contents": contents,
    })
}

/// What a list endpoint shows for a page of ids.
#[derive(Clone, Copy)]
enum Listing {
    Services { full: bool, minimal: bool },
    Organizations { full: bool, full_services: bool },
    ServiceAtLocations { full: bool },
    Taxonomies,
    TaxonomyTerms,
}

impl Listing {
    async fn render(self, conn: &impl ConnectionTrait, org_id: Uuid, ids: &[String]) -> Result<Vec<Value>, DbErr> {
        match self {
            Listing::Services { minimal: true, .. } => {
                let dates = hsds::modified_dates(conn, org_id, table("service"), ids).await?;
                let rfc3339 = time::format_description::well_known::Rfc3339;
                Ok(ids
                    .iter()
                    .map(|id| {
                        let modified = dates.get(id).and_then(|at| at.format(&rfc3339).ok());
                        json!({ "id": id, "modified_date": modified })
                    })
                    .collect())
            }
            Listing::Services { full: true, .. } => hsds::service_documents(conn, org_id, ids).await,
            Listing::Services { .. } => hsds::service_list(conn, org_id, ids).await,
            Listing::Organizations { full, full_services } => {
                hsds::organization_list(conn, org_id, ids, full, full_services).await
            }
            Listing::ServiceAtLocations { full } => hsds::service_at_location_list(conn, org_id, ids, full).await,
            Listing::Taxonomies => hsds::taxonomy_list(conn, org_id, ids).await,
            Listing::TaxonomyTerms => hsds::taxonomy_term_list(conn, org_id, ids).await,
        }
    }
}

/// How the ids of a list are found: plain filters, or the directory search for services.
enum Finder {
    Filter(&'static Table, ListFilter),
    Search(SearchQuery),
}

impl Finder {
    async fn page(&self, conn: &impl ConnectionTrait, org_id: Uuid, limit: u64, offset: u64) -> Result<Page, DbErr> {
        match self {
            Finder::Filter(table, filter) => hsds::page_ids(conn, org_id, table, filter, limit, offset).await,
            Finder::Search(query) => {
                let (total, hits) = search::search(conn, org_id, query, limit, offset).await?;
                Ok(Page { total, ids: hits.into_iter().map(|h| h.service_id).collect() })
            }
        }
    }
}

/// One page in the HSDS wrapper, or with `format=ndjson` every result, one per line.
async fn list(state: &AppState, org_id: Uuid, params: &Params, finder: Finder, listing: Listing) -> Answer {
    let conn = state.db.conn();
    if params.ndjson()? {
        let mut body = Vec::new();
        let mut offset = 0;
        loop {
            let page = finder.page(conn, org_id, NDJSON_BATCH, offset).await.map_err(failed)?;
            if page.ids.is_empty() {
                break;
            }
            offset += page.ids.len() as u64;
            for item in listing.render(conn, org_id, &page.ids).await.map_err(failed)? {
                serde_json::to_writer(&mut body, &item).map_err(|e| failed(DbErr::Custom(e.to_string())))?;
                body.push(b'\n');
            }
            if offset >= page.total {
                break;
            }
        }
        let mut response = (StatusCode::OK, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-ndjson"));
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        return Ok(response);
    }
    let (page_number, per_page) = (params.page()?, params.per_page()?);
    let page = finder.page(conn, org_id, per_page, (page_number - 1) * per_page).await.map_err(failed)?;
    let contents = listing.render(conn, org_id, &page.ids).await.map_err(failed)?;
    Ok(json_response(StatusCode::OK, &page_body(page.total, page_number, per_page, contents)))
}

fn one(found: Result<Option<Value>, DbErr>) -> Answer {
    match found.map_err(failed)? {
        Some(doc) => Ok(json_response(StatusCode::OK, &doc)),
        None => Err(not_found()),
    }
}

fn settle(answer: Answer) -> Response {
    answer.unwrap_or_else(|refusal| refusal)
}

// ---------- endpoints ----------

pub async fn root(
    State(state): State<AppState>,
    Path(org): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    settle(async {
        let params = Params::parse(q)?;
        admit(&state, &org, &headers, &params).await?;
        Ok(json_response(
            StatusCode::OK,
            &json!({
                "version": "3.0",
                "profile": "https://docs.openreferral.org/en/v3.0/hsds/",
                "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
            }),
        ))
    }
    .await)
}

/// Filters the services and services-at-location lists share.
fn service_filter(params: &Params) -> Result<ListFilter, Response> {
    Ok(ListFilter {
        organization_id: params.text("organization_id").map(str::to_string),
        taxonomy_term_ids: params.list("taxonomy_term_id"),
        taxonomy_id: params.text("taxonomy_id").map(str::to_string),
        modified_after: params.modified_after()?,
        ..Default::default()
    })
}

pub async fn services(
    State(state): State<AppState>,
    Path(org): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    settle(
        async {
            let params = Params::parse(q)?;
            let org_id = admit(&state, &org, &headers, &params).await?;
            let filter = service_filter(&params)?;
            let listing = Listing::Services { full: params.boolean("full")?, minimal: params.boolean("minimal")? };
            let finder = match params.text("search") {
                Some(text) => Finder::Search(SearchQuery {
                    text: text.to_string(),
                    taxonomy_term_ids: filter.taxonomy_term_ids.clone(),
                    taxonomy_id: filter.taxonomy_id.clone(),
                    organization_id: filter.organization_id.clone(),
                    modified_after: filter.modified_after,
                    // HSDS has a status field: readers decide what to do with inactive services.
                    include_inactive: true,
                    ..Default::default()
                }),
                None => Finder::Filter(table("service"), filter),
            };
            list(&state, org_id, &params, finder, listing).await
        }
        .await,
    )
}

pub async fn service(
    State(state): State<AppState>,
    Path((org, id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    settle(
        async {
            let params = Params::parse(q)?;
            let org_id = admit(&state, &org, &headers, &params).await?;
            one(hsds::service_document(state.db.conn(), org_id, &id).await)
        }
        .await,
    )
}

pub async fn organizations(
    State(state): State<AppState>,
    Path(org): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    settle(
        async {
            let params = Params::parse(q)?;
            let org_id = admit(&state, &org, &headers, &params).await?;
            let filter = ListFilter { name_contains: params.text("search").map(str::to_string), ..Default::default() };
            let listing = Listing::Organizations {
                full: params.boolean("full")?,
                full_services: params.boolean("full_service")?,
            };
            list(&state, org_id, &params, Finder::Filter(table("organization"), filter), listing).await
        }
        .await,
    )
}

pub async fn organization(
    State(state): State<AppState>,
    Path((org, id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    settle(
        async {
            let params = Params::parse(q)?;
            let org_id = admit(&state, &org, &headers, &params).await?;
            let full_services = params.boolean("full_service")?;
            one(hsds::organization_document(state.db.conn(), org_id, &id, full_services).await)
        }
        .await,
    )
}

pub async fn service_at_locations(
    State(state): State<AppState>,
    Path(org): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    settle(
        async {
            let params = Params::parse(q)?;
            let org_id = admit(&state, &org, &headers, &params).await?;
            let mut filter = service_filter(&params)?;
            filter.name_contains = params.text("search").map(str::to_string);
            if let Some(postcode) = params.text("postcode") {
                let proximity = match params.text("proximity") {
                    None => None,
                    Some(p) => Some(
                        p.parse::<f64>()
                            .ok()
                            .filter(|m| *m > 0.0)
                            .ok_or_else(|| bad_param("proximity", "hsds-api-bad-param"))?,
                    ),
                };
                let ids = hsds::service_at_locations_near_postcode(state.db.conn(), org_id, postcode, proximity)
                    .await
                    .map_err(failed)?;
                filter.ids = Some(ids);
            }
            let listing = Listing::ServiceAtLocations { full: params.boolean("full")? };
            list(&state, org_id, &params, Finder::Filter(table("service_at_location"), filter), listing).await
        }
        .await,
    )
}

pub async fn service_at_location(
    State(state): State<AppState>,
    Path((org, id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    settle(
        async {
            let params = Params::parse(q)?;
            let org_id = admit(&state, &org, &headers, &params).await?;
            one(hsds::service_at_location_document(state.db.conn(), org_id, &id).await)
        }
        .await,
    )
}

pub async fn taxonomies(
    State(state): State<AppState>,
    Path(org): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    settle(
        async {
            let params = Params::parse(q)?;
            let org_id = admit(&state, &org, &headers, &params).await?;
            let filter = ListFilter { name_contains: params.text("search").map(str::to_string), ..Default::default() };
            list(&state, org_id, &params, Finder::Filter(table("taxonomy"), filter), Listing::Taxonomies).await
        }
        .await,
    )
}

pub async fn taxonomy(
    State(state): State<AppState>,
    Path((org, id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    settle(
        async {
            let params = Params::parse(q)?;
            let org_id = admit(&state, &org, &headers, &params).await?;
            one(hsds::taxonomy_document(state.db.conn(), org_id, &id).await)
        }
        .await,
    )
}

pub async fn taxonomy_terms(
    State(state): State<AppState>,
    Path(org): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    settle(
        async {
            let params = Params::parse(q)?;
            let org_id = admit(&state, &org, &headers, &params).await?;
            let filter = ListFilter {
                name_contains: params.text("search").map(str::to_string),
                taxonomy_id: params.text("taxonomy_id").map(str::to_string),
                parent_id: params.text("parent_id").map(str::to_string),
                top_only: params.boolean("top_only")?,
                ..Default::default()
            };
            list(&state, org_id, &params, Finder::Filter(table("taxonomy_term"), filter), Listing::TaxonomyTerms).await
        }
        .await,
    )
}

pub async fn taxonomy_term(
    State(state): State<AppState>,
    Path((org, id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    settle(
        async {
            let params = Params::parse(q)?;
            let org_id = admit(&state, &org, &headers, &params).await?;
            one(hsds::taxonomy_term_document(state.db.conn(), org_id, &id).await)
        }
        .await,
    )
}

/// Any other path under an organisation's `/hsds/`: a JSON 404 (after the access check, so an
/// unpublished directory reveals nothing).
pub async fn unknown(
    State(state): State<AppState>,
    Path((org, _rest)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    settle(
        async {
            let params = Params::parse(q)?;
            admit(&state, &org, &headers, &params).await?;
            Err(error(StatusCode::NOT_FOUND, "hsds-api-unknown-path", None, english().t("hsds-api-unknown-path")))
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_wrapper_counts_pages_and_flags_the_ends() {
        let body = page_body(51, 3, 25, vec![json!({"id": "x"})]);
        assert_eq!(body["total_pages"], 3);
        assert_eq!((body["first_page"].as_bool(), body["last_page"].as_bool()), (Some(false), Some(true)));
        assert_eq!(body["size"], 1);
        let empty = page_body(0, 1, 25, Vec::new());
        assert_eq!((empty["total_pages"].as_u64(), empty["empty"].as_bool()), (Some(0), Some(true)));
    }

    #[test]
    fn parameters_are_read_strictly() {
        let params =
            Params::parse(Some("page=2&per_page=500&full=true&taxonomy_term_id=a,b&taxonomy_term_id=c".into()))
                .expect("parsed");
        assert_eq!(params.page().ok(), Some(2));
        assert_eq!(params.per_page().ok(), Some(MAX_PER_PAGE));
        assert_eq!(params.boolean("full").ok(), Some(true));
        assert_eq!(params.list("taxonomy_term_id"), vec!["a", "b", "c"]);
        let bad = Params::parse(Some("page=0&per_page=x&full=maybe&modified_after=yesterday".into())).expect("parsed");
        assert!(bad.page().is_err() && bad.per_page().is_err() && bad.boolean("full").is_err());
        assert!(bad.modified_after().is_err());
        let date = Params::parse(Some("modified_after=2026-01-02".into())).expect("parsed");
        assert_eq!(date.modified_after().ok().flatten().map(|d| d.date().to_string()), Some("2026-01-02".into()));
    }
}
