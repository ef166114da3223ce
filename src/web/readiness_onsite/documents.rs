//! Evidence documents: the list with the upload form, one document (details, elements, a new
//! version, retiring it, every version to download), and the download itself.

use super::{UPLOAD_BODY_LIMIT, field, values_of, version_of};
use crate::access::{Action, Reach, allows};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::codes::Edition;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::standards::catalogue::{self, Source};
use crate::standards::documents::{self, DocumentInput, DocumentKind, DocumentSummary, Upload};
use crate::web::intake::Values;
use crate::web::multipart::{Limits, receive};
use crate::web::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    let limit = || DefaultBodyLimit::max(UPLOAD_BODY_LIMIT);
    Router::new()
        .route("/readiness/documents", get(list_page).post(upload_document).layer(limit()))
        .route("/readiness/documents/{id}", get(document_page).post(update_document))
        .route("/readiness/documents/{id}/file", post(replace_file).layer(limit()))
        .route("/readiness/documents/{id}/retire", post(retire_document))
        .route("/readiness/documents/{id}/download", get(download))
}

const FORM: Limits =
    Limits { file_part: "file", max_file_bytes: documents::MAX_FILE_BYTES, max_fields: 30, max_field_chars: 4000 };

/// One document in a list.
pub struct DocRow {
    pub id: Uuid,
    pub title: String,
    pub kind: String,
    pub elements: String,
    pub review_due: String,
    pub uploaded_on: String,
    pub overdue: bool,
    pub retired: bool,
    pub file: String,
}

fn doc_row(tr: &Tr, d: &DocumentSummary) -> DocRow {
    DocRow {
        id: d.id,
        title: d.title.clone(),
        kind: tr.t(&d.kind.label_id()),
        elements: d.elements.iter().map(|e| e.element_id.clone()).collect::<Vec<_>>().join(", "),
        review_due: d.review_due.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
        uploaded_on: d.uploaded_on.to_string(),
        overdue: d.overdue,
        retired: d.retired,
        file: format!("{} · {}", d.filename, crate::groups::curricula::human_size(d.size)),
    }
}

fn own_source(ctx: &Ctx) -> Source {
    catalogue::source_of(Edition::parse(&ctx.org.edition).unwrap_or(Edition::Cse2024))
}

fn kind_options(tr: &Tr, chosen: &str) -> Vec<(String, String, bool)> {
    DocumentKind::ALL.iter().map(|k| (k.code().to_string(), tr.t(&k.label_id()), k.code() == chosen)).collect()
}

fn source_options(tr: &Tr, chosen: &str) -> Vec<(String, String, bool)> {
    Source::ALL.iter().map(|s| (s.code().to_string(), tr.t(&s.message_id()), s.code() == chosen)).collect()
}

fn may_manage(ctx: &Ctx) -> bool {
    allows(&ctx.actor, Action::ManageReadiness, Reach::Outside)
}

/// The hint under the file field: types and size.
fn file_hint(tr: &Tr) -> String {
    tr.with_args(
        "readiness-doc-file-hint",
        &[("types", documents::ALLOWED_TYPES.to_string()), ("max", documents::MAX_FILE_TEXT.to_string())],
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "readiness/documents.html")]
pub struct ListPage {
    pub shell: Shell,
    pub rows: Vec<DocRow>,
    pub may_manage: bool,
    pub values: Values,
    pub errors: FormErrors,
    pub kinds: Vec<(String, String, bool)>,
    pub sources: Vec<(String, String, bool)>,
    pub file_hint: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    pub source: Option<String>,
    /// An element to attach the new document to ("CSE 3.03.a"), from the standard page.
    pub element: Option<String>,
}

async fn render_list(ctx: &Ctx, values: Values, errors: &FieldErrors) -> AppResult<ListPage> {
    let docs = documents::list(&ctx.state, &ctx.actor).await?;
    let tr = &ctx.tr;
    let source = values.0.get("source").cloned().unwrap_or_else(|| own_source(ctx).code().to_string());
    Ok(ListPage {
        shell: ctx.shell().await?,
        rows: docs.iter().map(|d| doc_row(tr, d)).collect(),
        may_manage: may_manage(ctx),
        kinds: kind_options(tr, &values.v("kind")),
        sources: source_options(tr, &source),
        values,
        errors: FormErrors::new(tr, errors),
        file_hint: file_hint(tr),
    })
}

pub async fn list_page(ctx: Ctx, Query(q): Query<ListQuery>) -> AppResult<Response> {
    let mut values = HashMap::new();
    if let Some(source) = q.source.filter(|s| Source::parse(s).is_some()) {
        values.insert("source".to_string(), source);
    }
    if let Some(element) = q.element {
        values.insert("elements".to_string(), element);
    }
    Ok(render_list(&ctx, Values(values), &FieldErrors::new()).await?.into_response())
}

/// A document form's details; element ids one per line (or separated by commas).
pub(crate) fn input_of(form: &[(String, String)]) -> DocumentInput {
    let get = |k: &str| field(form, k);
    let elements = form
        .iter()
        .filter(|(k, _)| k == "elements")
        .flat_map(|(_, v)| v.split(['\n', ',', ';']).map(|s| s.trim().to_string()).collect::<Vec<_>>())
        .filter(|s| !s.is_empty())
        .collect();
    DocumentInput {
        title: get("title").unwrap_or_default(),
        description: get("description"),
        kind: get("kind").unwrap_or_default(),
        review_due_on: get("review_due_on"),
        source: get("source"),
        elements,
    }
}

/// A multipart form read, its CSRF token checked.
async fn received(ctx: &Ctx, multipart: Multipart) -> AppResult<crate::web::multipart::Received> {
    let form = receive(multipart, &FORM).await?;
    let expected: Option<String> =
        ctx.session.get(crate::web::CSRF_KEY).await.map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    let sent = field(&form.fields, "csrf_token").unwrap_or_default();
    if !expected.is_some_and(|e| crate::auth::tokens_match(&e, &sent)) {
        return Err(AppError::Csrf);
    }
    Ok(form)
}

pub async fn upload_document(ctx: Ctx, multipart: Multipart) -> AppResult<Response> {
    crate::standards::readiness::require(&ctx.state, &ctx.actor, Action::ManageReadiness).await?;
    let form = received(&ctx, multipart).await?;
    let input = input_of(&form.fields);
    let result = if form.too_big {
        Err(AppError::Invalid(documents::too_big()))
    } else {
        let upload = form.file.map(|f| Upload { filename: f.filename, data: f.data });
        documents::create(&ctx.state, &ctx.actor, &input, upload).await
    };
    match result {
        Ok(saved) => {
            ctx.flash("success", "readiness-doc-saved").await?;
            Ok(see_other(&format!("/readiness/documents/{}", saved.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let page = render_list(&ctx, values_of(&form.fields), &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "readiness/document.html")]
pub struct DocumentPage {
    pub shell: Shell,
    pub doc: DocRow,
    pub description: String,
    pub version: i32,
    pub versions: Vec<(String, String)>,
    pub may_manage: bool,
    pub values: Values,
    pub errors: FormErrors,
    pub conflict: bool,
    pub kinds: Vec<(String, String, bool)>,
    pub sources: Vec<(String, String, bool)>,
    pub file_hint: String,
}

async fn render_document(ctx: &Ctx, id: Uuid, typed: Option<Values>, errors: &FieldErrors) -> AppResult<DocumentPage> {
    let detail = documents::get(&ctx.state, &ctx.actor, id).await?;
    let tr = &ctx.tr;
    let d = &detail.summary;
    let own = own_source(ctx);
    let values = typed.unwrap_or_else(|| {
        let mut v = HashMap::new();
        v.insert("title".to_string(), d.title.clone());
        v.insert("description".to_string(), d.description.clone().unwrap_or_default());
        v.insert("kind".to_string(), d.kind.code().to_string());
        v.insert("review_due_on".to_string(), d.review_due.map(|d| d.to_string()).unwrap_or_default());
        v.insert("source".to_string(), own.code().to_string());
        let lines: Vec<String> =
            d.elements
                .iter()
                .map(|e| {
                    if e.source == own { e.element_id.clone() } else { format!("{}:{}", e.source.code(), e.element_id) }
                })
                .collect();
        v.insert("elements".to_string(), lines.join("\n"));
        Values(v)
    });
    let versions = detail
        .versions
        .iter()
        .map(|f| {
            let label = tr.with_args(
                "readiness-doc-version-line",
                &[
                    ("number", f.number.to_string()),
                    ("name", f.filename.clone()),
                    ("date", f.uploaded_at.date().to_string()),
                ],
            );
            (format!("/readiness/documents/{id}/download?file={}", f.id), label)
        })
        .collect();
    Ok(DocumentPage {
        shell: ctx.shell().await?,
        doc: doc_row(tr, d),
        description: d.description.clone().unwrap_or_default(),
        version: d.version,
        versions,
        may_manage: may_manage(ctx) && !d.retired,
        kinds: kind_options(tr, &values.v("kind")),
        sources: source_options(tr, &values.v("source")),
        values,
        errors: FormErrors::new(tr, errors),
        conflict: false,
        file_hint: file_hint(tr),
    })
}

pub async fn document_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<Response> {
    Ok(render_document(&ctx, id, None, &FieldErrors::new()).await?.into_response())
}

/// After a change: the document on success, the form again with the messages (422) or as it
/// now stands (409).
async fn after(
    ctx: &Ctx,
    id: Uuid,
    result: AppResult<()>,
    form: &[(String, String)],
    done: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => {
            ctx.flash("success", done).await?;
            Ok(see_other(&format!("/readiness/documents/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let typed = (!form.is_empty()).then(|| values_of(form));
            let page = render_document(ctx, id, typed, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let mut page = render_document(ctx, id, None, &FieldErrors::new()).await?;
            page.conflict = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn update_document(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = version_of(&form)?;
    let result = documents::update(&ctx.state, &ctx.actor, id, version, &input_of(&form)).await.map(|_| ());
    after(&ctx, id, result, &form, "readiness-doc-saved").await
}

pub async fn replace_file(ctx: Ctx, Path(id): Path<Uuid>, multipart: Multipart) -> AppResult<Response> {
    crate::standards::readiness::require(&ctx.state, &ctx.actor, Action::ManageReadiness).await?;
    let form = received(&ctx, multipart).await?;
    let version = version_of(&form.fields)?;
    let result = if form.too_big {
        Err(AppError::Invalid(documents::too_big()))
    } else {
        let upload = form.file.map(|f| Upload { filename: f.filename, data: f.data });
        let review = field(&form.fields, "new_review_due_on");
        documents::replace_file(&ctx.state, &ctx.actor, id, version, upload, review.as_deref()).await.map(|_| ())
    };
    // The replace form names its date field apart from the details form's.
    let result = result.map_err(|e| match e {
        AppError::Invalid(mut errors) => {
            for err in &mut errors.0 {
                if err.field == "review_due_on" {
                    err.field = "new_review_due_on".into();
                }
            }
            AppError::Invalid(errors)
        }
        other => other,
    });
    after(&ctx, id, result, &[], "readiness-doc-replaced").await
}

pub async fn retire_document(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = version_of(&form)?;
    let result = documents::retire(&ctx.state, &ctx.actor, id, version).await.map(|_| ());
    after(&ctx, id, result, &[], "readiness-doc-retired-saved").await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct DownloadQuery {
    pub file: Option<Uuid>,
}

/// A version's file as a download: the type it was checked as, never shown inline.
pub fn file_response(file: crate::db::entities::evidence_document_file::Model) -> Response {
    (
        [
            (header::CONTENT_TYPE, file.content_type.clone()),
            (header::CONTENT_DISPOSITION, crate::web::curricula::attachment(&file.filename)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        file.data,
    )
        .into_response()
}

pub async fn download(ctx: Ctx, Path(id): Path<Uuid>, Query(q): Query<DownloadQuery>) -> AppResult<Response> {
    Ok(file_response(documents::download(&ctx.state, &ctx.actor, id, q.file).await?))
}
