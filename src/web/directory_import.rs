//! Importing and exporting the directory in Open Referral HSDS 3.0 (for those who keep the
//! directory): the upload form (JSON, or a zip of CSV tables; all-or-nothing or valid rows only),
//! the report of each import (every problem with its file, row and field; what was added,
//! updated and removed), earlier imports, and the JSON and CSV-package downloads. The JSON API
//! (`api::directory_import`) calls the same functions.

use super::{Ctx, FormErrors, Shell, see_other};
use crate::access::{self, Actor};
use crate::app::{AppState, format_local};
use crate::db::entities::staff;
use crate::directory::hsds::{
    self, HsdsImportMode, HsdsImportStatus, ImportFile, ImportOptions, ImportReport, MAX_IMPORT_BYTES, Severity, Upload,
};
use crate::domain::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::multipart::MultipartError;
use axum::extract::{DefaultBodyLimit, Multipart, Path};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// The most an import request may carry: the largest import plus the form around it. The
/// application-wide body limit lets these requests through (see `is_upload`).
pub const UPLOAD_BODY_LIMIT: usize = MAX_IMPORT_BYTES as usize + 1024 * 1024;

/// Whether a request is a directory import upload (page or API), which may be larger than others.
pub fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    method == axum::http::Method::POST && path == "/directory/import"
}

/// Imports listed on the page.
const HISTORY_SHOWN: u64 = 30;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/directory/import", get(import_page).post(upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)))
        .route("/directory/import/{id}", get(report_page))
        .route("/directory/export.json", get(export_json))
        .route("/directory/export.zip", get(export_zip))
}

// ---------- the shared service ----------

/// Only those who keep the directory import or export it; a refusal is recorded.
pub(crate) async fn require_editor(state: &AppState, actor: &Actor, what: &str) -> AppResult<()> {
    if access::may_edit_directory(actor) { Ok(()) } else { Err(crate::intake::deny(state, actor, what, None).await) }
}

/// Runs an import for the actor's organisation (recorded and audited, refused or not).
pub(crate) async fn run_import(
    state: &AppState,
    actor: &Actor,
    upload: Upload,
    mode: HsdsImportMode,
) -> AppResult<ImportReport> {
    require_editor(state, actor, "directory.import").await?;
    let options = ImportOptions { mode, actor: Some(actor.clone()) };
    Ok(hsds::import(&state.db, actor.org_id, upload, options, state.clock.now()).await?)
}

pub(crate) async fn import_report(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<ImportReport> {
    require_editor(state, actor, "directory.import.view").await?;
    hsds::stored_import(state.db.conn(), actor.org_id, id).await?.ok_or(AppError::NotFound)
}

pub(crate) async fn import_history(
    state: &AppState,
    actor: &Actor,
    limit: u64,
    offset: u64,
) -> AppResult<(u64, Vec<ImportReport>)> {
    require_editor(state, actor, "directory.import.view").await?;
    Ok(hsds::recent_imports(state.db.conn(), actor.org_id, limit, offset).await?)
}

/// The two export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Fully nested service documents.
    Json,
    /// The CSV Tabular Data Package.
    CsvZip,
}

/// A download of the whole directory (audited).
pub(crate) async fn export(state: &AppState, actor: &Actor, format: ExportFormat) -> AppResult<Response> {
    require_editor(state, actor, "directory.export").await?;
    let now = state.clock.now();
    let conn = state.db.conn();
    let (bytes, kind, extension) = match format {
        ExportFormat::Json => (hsds::export_json(conn, actor.org_id).await?, "application/json", "json"),
        ExportFormat::CsvZip => (hsds::export_csv_zip(conn, actor.org_id, now).await?, "application/zip", "zip"),
    };
    let entry =
        super::actor_entry(actor, "directory.export").detail(json!({ "format": extension, "bytes": bytes.len() }));
    crate::db::audit::append_now(&state.db, entry, now).await?;
    let filename = format!("directory-hsds-{}.{extension}", now.date());
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (header::CONTENT_DISPOSITION, super::curricula::attachment(&filename)),
        ],
        bytes,
    )
        .into_response())
}

// ---------- reading an upload ----------

/// A multipart upload read: its text fields and the file, held to the import limit.
pub(crate) struct Received {
    pub fields: HashMap<String, String>,
    pub upload: Option<Upload>,
}

fn over_limit(e: &MultipartError) -> bool {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return true;
    }
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = source {
        if err.to_string().contains("length limit exceeded") {
            return true;
        }
        source = err.source();
    }
    false
}

/// Reads a multipart body whose file part is named `file`. A file over the limit becomes
/// `Upload::TooBig` (reported like any other problem), never more than the limit held.
pub(crate) async fn receive(mut multipart: Multipart) -> AppResult<Received> {
    let mut received = Received { fields: HashMap::new(), upload: None };
    let unreadable = |e: MultipartError| {
        if over_limit(&e) { AppError::TooLarge } else { AppError::BadRequest("error-bad-form") }
    };
    loop {
        let next = match multipart.next_field().await {
            Ok(next) => next,
            Err(e) if matches!(received.upload, Some(Upload::TooBig { .. })) && over_limit(&e) => break,
            Err(e) => return Err(unreadable(e)),
        };
        let Some(mut field) = next else { break };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let filename = field.file_name().unwrap_or("upload").to_string();
            let mut data = Vec::new();
            let mut too_big = false;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        if (data.len() + chunk.len()) as u64 > MAX_IMPORT_BYTES {
                            too_big = true;
                            break;
                        }
                        data.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(e) if over_limit(&e) => {
                        too_big = true;
                        break;
                    }
                    Err(e) => return Err(unreadable(e)),
                }
            }
            if too_big {
                received.upload = Some(Upload::TooBig { name: filename });
                break;
            }
            if !data.is_empty() {
                received.upload = Some(Upload::File(ImportFile { name: filename, bytes: data }));
            }
        } else if received.fields.len() < 10 {
            let value = field.text().await.map_err(unreadable)?;
            received.fields.insert(name, value.chars().take(200).collect());
        }
    }
    Ok(received)
}

async fn csrf_matches(ctx: &Ctx, sent: Option<&str>) -> AppResult<bool> {
    let expected: Option<String> =
        ctx.session.get(super::CSRF_KEY).await.map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    Ok(expected.is_some_and(|e| crate::auth::tokens_match(&e, sent.unwrap_or(""))))
}

// ---------- the page ----------

/// One earlier import, as the list shows it.
pub struct HistoryRow {
    pub id: Uuid,
    pub when: String,
    pub by: String,
    pub file: String,
    pub status: String,
    pub status_class: &'static str,
    pub changes: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "directory_import/index.html")]
pub struct ImportPage {
    pub shell: Shell,
    pub limit_mb: u64,
    pub mode: String,
    pub errors: FormErrors,
    pub history: Vec<HistoryRow>,
    pub more_history: u64,
}

impl ImportPage {
    pub fn modes(&self) -> Vec<(&'static str, String, bool)> {
        HsdsImportMode::ALL.iter().map(|m| (m.code(), self.shell.t(&m.message_id()), m.code() == self.mode)).collect()
    }
}

fn status_class(status: HsdsImportStatus) -> &'static str {
    match status {
        HsdsImportStatus::Applied => "tag-success",
        HsdsImportStatus::Partial => "tag-warning",
        HsdsImportStatus::Refused => "tag-danger",
        HsdsImportStatus::NoData => "tag-muted",
    }
}

fn changes(tr: &Tr, report: &ImportReport) -> String {
    tr.with_args(
        "hsds-import-changes-summary",
        &[
            ("added", report.total(|c| c.added).to_string()),
            ("updated", (report.total(|c| c.updated) - report.total(|c| c.unchanged)).to_string()),
            ("removed", report.total(|c| c.removed).to_string()),
        ],
    )
}

/// Display names of those who imported (the command line has none).
async fn importers(state: &AppState, tr: &Tr, reports: &[ImportReport]) -> AppResult<HashMap<Uuid, String>> {
    let ids: Vec<Uuid> = reports.iter().map(|r| r.imported_by).filter(|id| !id.is_nil()).collect();
    let mut names: HashMap<Uuid, String> = staff::Entity::find()
        .filter(staff::Column::Id.is_in(ids))
        .all(state.db.conn())
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect();
    names.insert(Uuid::nil(), tr.t("hsds-import-by-command-line"));
    Ok(names)
}

async fn page(ctx: &Ctx, mode: HsdsImportMode, errors: &FieldErrors) -> AppResult<ImportPage> {
    let (total, reports) = import_history(&ctx.state, &ctx.actor, HISTORY_SHOWN, 0).await?;
    let names = importers(&ctx.state, &ctx.tr, &reports).await?;
    let history = reports
        .iter()
        .map(|r| HistoryRow {
            id: r.id,
            when: format_local(&ctx.org.time_zone, r.created_at),
            by: names.get(&r.imported_by).cloned().unwrap_or_default(),
            file: r.filename.clone().unwrap_or_default(),
            status: ctx.tr.t(&r.status.message_id()),
            status_class: status_class(r.status),
            changes: changes(&ctx.tr, r),
        })
        .collect();
    Ok(ImportPage {
        shell: ctx.shell().await?,
        limit_mb: MAX_IMPORT_BYTES / (1024 * 1024),
        mode: mode.code().to_string(),
        errors: FormErrors::new(&ctx.tr, errors),
        history,
        more_history: total.saturating_sub(HISTORY_SHOWN),
    })
}

pub async fn import_page(ctx: Ctx) -> AppResult<ImportPage> {
    page(&ctx, HsdsImportMode::AllOrNothing, &FieldErrors::new()).await
}

/// Checks and imports the uploaded file, then shows its report.
pub async fn upload(ctx: Ctx, multipart: Multipart) -> AppResult<Response> {
    // Refused before a large body is read.
    require_editor(&ctx.state, &ctx.actor, "directory.import").await?;
    let received = receive(multipart).await?;
    if !csrf_matches(&ctx, received.fields.get("csrf_token").map(String::as_str)).await? {
        return Err(AppError::Csrf);
    }
    let mode = received.fields.get("mode").and_then(|m| HsdsImportMode::parse(m)).unwrap_or_default();
    let Some(upload) = received.upload else {
        let errors = FieldErrors::single("file", "hsds-import-choose-file");
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&ctx, mode, &errors).await?).into_response());
    };
    let report = run_import(&ctx.state, &ctx.actor, upload, mode).await?;
    Ok(see_other(&format!("/directory/import/{}", report.id)))
}

// ---------- the report ----------

pub struct CountRow {
    pub table: String,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub removed: u64,
    pub skipped: u64,
}

pub struct ProblemRow {
    pub file: String,
    pub place: String,
    pub field: String,
    pub error: bool,
    pub severity: String,
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "directory_import/report.html")]
pub struct ReportPage {
    pub shell: Shell,
    pub file: String,
    pub format: String,
    pub mode: String,
    pub when: String,
    pub by: String,
    pub status: String,
    pub status_class: &'static str,
    pub help: String,
    pub counts: Vec<CountRow>,
    pub problems_summary: String,
    pub problems: Vec<ProblemRow>,
}

pub async fn report_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<ReportPage> {
    let report = import_report(&ctx.state, &ctx.actor, id).await?;
    let tr = &ctx.tr;
    let names = importers(&ctx.state, tr, std::slice::from_ref(&report)).await?;
    let help = match report.status {
        HsdsImportStatus::Applied => "hsds-report-applied-help",
        HsdsImportStatus::Partial => "hsds-report-partial-help",
        HsdsImportStatus::Refused => "hsds-report-refused-help",
        HsdsImportStatus::NoData => "hsds-report-no-data-help",
    };
    Ok(ReportPage {
        shell: ctx.shell().await?,
        file: report.filename.clone().unwrap_or_default(),
        format: tr.t(&format!("hsds-format-{}", report.format)),
        mode: tr.t(&report.mode.message_id()),
        when: format_local(&ctx.org.time_zone, report.created_at),
        by: names.get(&report.imported_by).cloned().unwrap_or_default(),
        status: tr.t(&report.status.message_id()),
        status_class: status_class(report.status),
        help: tr.t(help),
        counts: report
            .counts
            .iter()
            .map(|(table, c)| CountRow {
                table: table.clone(),
                added: c.added,
                updated: c.updated,
                unchanged: c.unchanged,
                removed: c.removed,
                skipped: c.skipped,
            })
            .collect(),
        problems_summary: tr.with_args(
            "hsds-report-problems-count",
            &[("errors", report.errors.to_string()), ("notices", report.notices.to_string())],
        ),
        problems: report
            .problems
            .iter()
            .map(|p| ProblemRow {
                file: p.file.clone(),
                place: p.place(tr),
                field: match (&p.table, &p.field) {
                    (Some(table), Some(field)) => format!("{table}.{field}"),
                    (None, Some(field)) => field.clone(),
                    (Some(table), None) => table.clone(),
                    (None, None) => String::new(),
                },
                error: p.severity == Severity::Error,
                severity: tr.t(if p.severity == Severity::Error {
                    "hsds-severity-error"
                } else {
                    "hsds-severity-notice"
                }),
                message: p.message(tr),
            })
            .collect(),
    })
}

// ---------- downloads ----------

pub async fn export_json(ctx: Ctx) -> AppResult<Response> {
    export(&ctx.state, &ctx.actor, ExportFormat::Json).await
}

pub async fn export_zip(ctx: Ctx) -> AppResult<Response> {
    export(&ctx.state, &ctx.actor, ExportFormat::CsvZip).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_import_posts_may_be_large() {
        let post = axum::http::Method::POST;
        assert!(is_upload(&post, "/directory/import"));
        assert!(is_upload(&post, "/api/v1/directory/import"));
        assert!(!is_upload(&axum::http::Method::GET, "/directory/import"));
        assert!(!is_upload(&post, "/directory/import/123"));
        assert!(!is_upload(&post, "/directory"));
    }
}
