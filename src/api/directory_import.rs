//! HSDS import and export over JSON: upload a JSON document or a CSV package (multipart, or the
//! file itself as the body), read the report of any import, list earlier imports, download the
//! whole directory. Every call goes through `web::directory_import`, like the pages.

use super::ApiActor;
use crate::app::AppState;
use crate::directory::hsds::{
    HsdsImportMode, HsdsImportStatus, ImportFile, ImportReport, MAX_IMPORT_BYTES, Problem, Severity, TableCounts,
    Upload,
};
use crate::domain::codes::UiLanguage;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::web::directory_import::{self as service, ExportFormat, UPLOAD_BODY_LIMIT};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new()
        .routes(routes!(import_directory, list_imports))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT));
    OpenApiRouter::new().merge(uploads).routes(routes!(get_import)).routes(routes!(export_directory))
}

type Envelope = crate::web::errors::ErrorEnvelope;

// ---------- shapes ----------

/// One problem of an import.
#[derive(Serialize, ToSchema)]
pub struct ProblemOut {
    /// The file (inside a zip, the file in it).
    pub file: String,
    /// A CSV line number (the header is line 1) or a JSON pointer ("" is the whole document).
    pub row: String,
    pub table: Option<String>,
    pub field: Option<String>,
    /// `error` (the row, or the import, is refused) or `notice`.
    pub severity: Severity,
    /// Stable code, e.g. `missing-required`, `not-uuid`, `unknown-link`, `bad-utf8`, `too-big`.
    pub code: String,
    /// The values the message names.
    pub args: BTreeMap<String, String>,
    /// The problem in English.
    pub message: String,
}

/// An import and its report.
#[derive(Serialize, ToSchema)]
pub struct ImportOut {
    pub id: Uuid,
    /// `json`, `csv` or `unknown`.
    pub format: String,
    pub filename: Option<String>,
    /// `applied`, `partial` (valid rows only), `refused` (nothing written) or `no-data`.
    pub status: HsdsImportStatus,
    pub mode: HsdsImportMode,
    /// Rows added, updated (of which unchanged), removed and skipped, per HSDS table.
    pub counts: BTreeMap<String, TableCounts>,
    /// Errors and notices found (all of them; `problems` summarises long runs of one problem).
    pub errors: u64,
    pub notices: u64,
    pub problems: Vec<ProblemOut>,
    /// The staff member who imported (the nil UUID for the command line).
    pub imported_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl ImportOut {
    fn new(report: ImportReport) -> ImportOut {
        let tr = Tr::new(UiLanguage::En);
        let problem = |p: Problem| ProblemOut {
            message: p.message(&tr),
            file: p.file,
            row: p.row,
            table: p.table,
            field: p.field,
            severity: p.severity,
            code: p.code,
            args: p.args,
        };
        ImportOut {
            id: report.id,
            format: report.format,
            filename: report.filename,
            status: report.status,
            mode: report.mode,
            counts: report.counts,
            errors: report.errors,
            notices: report.notices,
            problems: report.problems.into_iter().map(problem).collect(),
            imported_by: report.imported_by,
            created_at: report.created_at,
        }
    }
}

/// The multipart form of an import.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportForm {
    /// A JSON document (a service, organization, service_at_location, location, taxonomy or
    /// taxonomy term; a list of them; an HSDS API page; or the tabular form), a zip of the CSV
    /// tables (an HSDS Tabular Data Package), or one CSV table named as in the package. Up to
    /// 100 MB once unzipped.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `all-or-nothing` (the default) or `valid-rows-only`.
    mode: Option<String>,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct ImportParams {
    /// With the file as the request body: `all-or-nothing` (default) or `valid-rows-only`.
    mode: Option<String>,
    /// With the file as the request body: its name (`.csv` tables are recognised by name).
    filename: Option<String>,
}

fn mode_of(text: Option<&str>) -> AppResult<HsdsImportMode> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(HsdsImportMode::AllOrNothing),
        Some(text) => HsdsImportMode::parse(text)
            .ok_or_else(|| AppError::Invalid(crate::domain::FieldErrors::single("mode", "hsds-api-bad-mode"))),
    }
}

/// Imports HSDS data into the directory. Send the file as `multipart/form-data` (part `file`,
/// optional `mode`), or as the request body itself (`application/json`, `application/zip`,
/// `text/csv` with `?filename=`). Nothing is written unless every row passes, unless `mode` is
/// `valid-rows-only`. A refused import answers 422 with its report; either way it is recorded.
#[utoipa::path(post, path = "/directory/import", tag = "directory-import", params(ImportParams),
    request_body(content(
        (ImportForm = "multipart/form-data"),
        (String = "application/json"),
        (String = "application/zip"),
        (String = "text/csv"),
    )),
    responses((status = 200, body = ImportOut, description = "Applied, partly applied (valid rows only) or no data"),
              (status = 422, body = ImportOut, description = "Refused: the report says why"),
              (status = 403, body = Envelope), (status = 413, body = Envelope)))]
async fn import_directory(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<ImportParams>,
    request: Request,
) -> AppResult<Response> {
    service::require_editor(&state, &actor, "directory.import").await?;
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    let (upload, mode) = if multipart {
        let multipart =
            Multipart::from_request(request, &state).await.map_err(|_| AppError::BadRequest("error-bad-form"))?;
        let received = service::receive(multipart).await?;
        let mode = mode_of(received.fields.get("mode").map(String::as_str).or(params.mode.as_deref()))?;
        let upload = received
            .upload
            .ok_or_else(|| AppError::Invalid(crate::domain::FieldErrors::single("file", "hsds-import-choose-file")))?;
        (upload, mode)
    } else {
        let mode = mode_of(params.mode.as_deref())?;
        let name = params.filename.clone().unwrap_or_else(|| "upload".to_string());
        let upload = match Bytes::from_request(request, &state).await {
            Ok(bytes) if bytes.len() as u64 > MAX_IMPORT_BYTES => Upload::TooBig { name },
            Ok(bytes) if bytes.is_empty() => {
                return Err(AppError::Invalid(crate::domain::FieldErrors::single("file", "hsds-import-choose-file")));
            }
            Ok(bytes) => Upload::File(ImportFile { name, bytes: bytes.to_vec() }),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Upload::TooBig { name },
            Err(_) => return Err(AppError::BadRequest("error-bad-request")),
        };
        (upload, mode)
    };
    let report = service::run_import(&state, &actor, upload, mode).await?;
    let status =
        if report.status == HsdsImportStatus::Refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, Json(ImportOut::new(report))).into_response())
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct PageParams {
    /// 1-based.
    page: Option<u64>,
    /// At most 100 (default 25).
    per_page: Option<u64>,
}

/// Earlier imports, newest first.
#[derive(Serialize, ToSchema)]
pub struct ImportList {
    pub items: Vec<ImportOut>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// The organisation's imports, newest first, with their reports.
#[utoipa::path(get, path = "/directory/import", tag = "directory-import", params(PageParams),
    responses((status = 200, body = ImportList), (status = 403, body = Envelope)))]
async fn list_imports(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<PageParams>,
) -> AppResult<Json<ImportList>> {
    let page = params.page.unwrap_or(1).clamp(1, 1_000_000);
    let per_page = params.per_page.unwrap_or(25).clamp(1, 100);
    let (total, reports) = service::import_history(&state, &actor, per_page, (page - 1) * per_page).await?;
    Ok(Json(ImportList { items: reports.into_iter().map(ImportOut::new).collect(), page, per_page, total }))
}

/// One import's report.
#[utoipa::path(get, path = "/directory/import/{id}", tag = "directory-import",
    params(("id" = Uuid, Path, description = "Import id")),
    responses((status = 200, body = ImportOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_import(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<ImportOut>> {
    Ok(Json(ImportOut::new(service::import_report(&state, &actor, id).await?)))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct ExportParams {
    /// `json` (every service, fully nested; the default) or `csv` (the Tabular Data Package, zipped).
    format: Option<String>,
}

/// The whole directory in HSDS 3.0: fully nested services as a JSON array, or the 21 CSV tables
/// and their `datapackage.json` as a zip.
#[utoipa::path(get, path = "/directory/export", tag = "directory-import", params(ExportParams),
    responses((status = 200, description = "The export (application/json or application/zip)"),
              (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn export_directory(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<ExportParams>,
) -> AppResult<Response> {
    let format = match params.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => ExportFormat::Json,
        Some("csv" | "zip") => ExportFormat::CsvZip,
        Some(_) => {
            return Err(AppError::Invalid(crate::domain::FieldErrors::single("format", "hsds-api-bad-export-format")));
        }
    };
    service::export(&state, &actor, format).await
}
