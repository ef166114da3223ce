//! Accreditation readiness on site over JSON: evidence documents (upload as multipart, details,
//! a new version, retire, download), the interview roster with consent, and the reviewer's
//! samples with their live checklist. Every call goes through `crate::standards::{documents,
//! interviews, samples}`, like the pages.

use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::standards::documents::{self, DocumentDetail, DocumentInput, DocumentSummary, Upload};
use crate::standards::interviews::{self, EntryInput, RosterEntry, WithdrawInput};
use crate::standards::samples::{self, DrawInput, SampleDetail, SampleSummary};
use crate::web::multipart::{Limits, Received, receive};
use crate::web::readiness_onsite::{UPLOAD_BODY_LIMIT, documents::file_response};
use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new()
        .routes(routes!(list_documents, upload_document))
        .routes(routes!(replace_document_file))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT));
    OpenApiRouter::new()
        .routes(routes!(get_document, update_document))
        .routes(routes!(retire_document))
        .routes(routes!(download_document))
        .routes(routes!(list_interviews, add_interview))
        .routes(routes!(withdraw_interview))
        .routes(routes!(list_samples, draw_sample))
        .routes(routes!(get_sample))
        .merge(uploads)
}

type Envelope = crate::web::errors::ErrorEnvelope;

const FORM: Limits =
    Limits { file_part: "file", max_file_bytes: documents::MAX_FILE_BYTES, max_fields: 80, max_field_chars: 4000 };

fn text(form: &Received, name: &str) -> Option<String> {
    form.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

fn upload_of(form: Received) -> Result<Option<Upload>, FieldErrors> {
    if form.too_big {
        return Err(documents::too_big());
    }
    Ok(form.file.map(|f| Upload { filename: f.filename, data: f.data }))
}

/// The multipart form of a new document.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DocumentForm {
    /// A PDF, Word, Excel, PowerPoint, OpenDocument text, PNG or JPEG file of at most 5 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    title: String,
    /// `policy`, `procedure`, `job-description`, `crisis-procedure`, `photo` or `other`.
    kind: String,
    description: Option<String>,
    /// YYYY-MM-DD.
    review_due_on: Option<String>,
    /// The source plain element ids belong to (default: the organisation's edition).
    source: Option<String>,
    /// Element ids, one part each (or several in one part, one per line): `CSE 3.03.a`, or another
    /// source's with its code first: `prsc:PRSC 6.01.a`.
    elements: Vec<String>,
}

/// The multipart form of a new version.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DocumentFileForm {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The document's `version` (409 if it changed since).
    version: i32,
    /// A new review date (YYYY-MM-DD); left out, the date stays.
    review_due_on: Option<String>,
}

fn document_input(form: &Received) -> DocumentInput {
    DocumentInput {
        title: text(form, "title").unwrap_or_default(),
        description: text(form, "description"),
        kind: text(form, "kind").unwrap_or_default(),
        review_due_on: text(form, "review_due_on"),
        source: text(form, "source"),
        elements: crate::web::readiness_onsite::documents::input_of(&form.fields).elements,
    }
}

/// Every evidence document, overdue first, retired ones last.
#[utoipa::path(get, path = "/readiness/documents", tag = "readiness",
    responses((status = 200, body = Vec<DocumentSummary>), (status = 403, body = Envelope)))]
async fn list_documents(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<Json<Vec<DocumentSummary>>> {
    Ok(Json(documents::list(&state, &actor).await?))
}

/// Uploads a document (multipart/form-data) attached to one or more elements. Refused with 422 on
/// `file` when missing or empty (`readiness-doc-error-file-empty`), over 5 MB
/// (`readiness-doc-error-file-too-big`) or of another type (`readiness-doc-error-file-type`), and
/// on `elements` for an id the catalogue lacks (`readiness-doc-error-unknown-element`).
#[utoipa::path(post, path = "/readiness/documents", tag = "readiness",
    request_body(content = DocumentForm, content_type = "multipart/form-data"),
    responses((status = 201, body = DocumentDetail), (status = 403, body = Envelope), (status = 413, body = Envelope),
              (status = 422, body = Envelope)))]
async fn upload_document(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    multipart: Multipart,
) -> AppResult<(StatusCode, Json<DocumentDetail>)> {
    crate::standards::readiness::require(&state, &actor, crate::access::Action::ManageReadiness).await?;
    let form = receive(multipart, &FORM).await?;
    let input = document_input(&form);
    let upload = upload_of(form)?;
    let saved = documents::create(&state, &actor, &input, upload).await?;
    Ok((StatusCode::CREATED, Json(documents::get(&state, &actor, saved.id).await?)))
}

/// One document with every version of its file.
#[utoipa::path(get, path = "/readiness/documents/{id}", tag = "readiness",
    params(("id" = Uuid, Path, description = "Document id")),
    responses((status = 200, body = DocumentDetail), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_document(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<DocumentDetail>> {
    Ok(Json(documents::get(&state, &actor, id).await?))
}

/// New details made against `version`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DocumentBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub document: DocumentInput,
}

/// Replaces a document's details and the elements it is attached to. A stale `version` (or a
/// retired document) answers 409.
#[utoipa::path(put, path = "/readiness/documents/{id}", tag = "readiness", request_body = DocumentBody,
    params(("id" = Uuid, Path, description = "Document id")),
    responses((status = 200, body = DocumentDetail), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_document(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<DocumentBody>,
) -> AppResult<Json<DocumentDetail>> {
    let version = super::intake::required_version(body.version)?;
    documents::update(&state, &actor, id, version, &body.document).await?;
    Ok(Json(documents::get(&state, &actor, id).await?))
}

/// Uploads a new version of a document's file (multipart/form-data: `file`, `version`, optional
/// `review_due_on`); earlier versions are kept.
#[utoipa::path(post, path = "/readiness/documents/{id}/file", tag = "readiness",
    request_body(content = DocumentFileForm, content_type = "multipart/form-data"),
    params(("id" = Uuid, Path, description = "Document id")),
    responses((status = 200, body = DocumentDetail), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 413, body = Envelope), (status = 422, body = Envelope)))]
async fn replace_document_file(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    multipart: Multipart,
) -> AppResult<Json<DocumentDetail>> {
    crate::standards::readiness::require(&state, &actor, crate::access::Action::ManageReadiness).await?;
    let form = receive(multipart, &FORM).await?;
    let version = super::intake::required_version(text(&form, "version").and_then(|v| v.trim().parse().ok()))?;
    let review = text(&form, "review_due_on");
    let upload = upload_of(form)?;
    documents::replace_file(&state, &actor, id, version, upload, review.as_deref()).await?;
    Ok(Json(documents::get(&state, &actor, id).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct VersionBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Retires a document: kept on record, no longer evidence.
#[utoipa::path(post, path = "/readiness/documents/{id}/retire", tag = "readiness", request_body = VersionBody,
    params(("id" = Uuid, Path, description = "Document id")),
    responses((status = 200, body = DocumentDetail), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope)))]
async fn retire_document(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<VersionBody>,
) -> AppResult<Json<DocumentDetail>> {
    let version = super::intake::required_version(body.version)?;
    documents::retire(&state, &actor, id, version).await?;
    Ok(Json(documents::get(&state, &actor, id).await?))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct DownloadParams {
    /// A version's file id (default: the current version).
    pub file: Option<Uuid>,
}

/// A document's file, with its checked type and `Content-Disposition: attachment`. Audited.
#[utoipa::path(get, path = "/readiness/documents/{id}/download", tag = "readiness",
    params(("id" = Uuid, Path, description = "Document id"), DownloadParams),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
              (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn download_document(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    Query(p): Query<DownloadParams>,
) -> AppResult<Response> {
    Ok(file_response(documents::download(&state, &actor, id, p.file).await?))
}

/// The interview roster, people still on it first. A person served is named only for readers who
/// may view their record (else `name` is null: show "Person #record_number"). Audited when it
/// lists people served.
#[utoipa::path(get, path = "/readiness/interviews", tag = "readiness",
    responses((status = 200, body = Vec<RosterEntry>), (status = 403, body = Envelope)))]
async fn list_interviews(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<Json<Vec<RosterEntry>>> {
    Ok(Json(interviews::roster(&state, &actor).await?))
}

async fn roster_entry(state: &AppState, actor: &crate::access::Actor, id: Uuid) -> AppResult<RosterEntry> {
    interviews::roster(state, actor).await?.into_iter().find(|e| e.id == id).ok_or(AppError::NotFound)
}

/// Adds someone to the roster: the program director or a staff member (`staff_id`), or a person
/// served or family member (`record_number`, with consent: `consent_method`, `consent_on`). Adding
/// a person needs access to their record (403 otherwise) and is audited.
#[utoipa::path(post, path = "/readiness/interviews", tag = "readiness", request_body = EntryInput,
    responses((status = 201, body = RosterEntry), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn add_interview(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<EntryInput>,
) -> AppResult<(StatusCode, Json<RosterEntry>)> {
    let saved = interviews::add(&state, &actor, &body).await?;
    Ok((StatusCode::CREATED, Json(roster_entry(&state, &actor, saved.id).await?)))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct WithdrawBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub withdraw: WithdrawInput,
}

/// Records that someone withdrew their consent (or is no longer available); they drop off the
/// roster.
#[utoipa::path(post, path = "/readiness/interviews/{id}/withdraw", tag = "readiness", request_body = WithdrawBody,
    params(("id" = Uuid, Path, description = "Roster entry id")),
    responses((status = 200, body = RosterEntry), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn withdraw_interview(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<WithdrawBody>,
) -> AppResult<Json<RosterEntry>> {
    let version = super::intake::required_version(body.version)?;
    interviews::withdraw(&state, &actor, id, version, &body.withdraw).await?;
    Ok(Json(roster_entry(&state, &actor, id).await?))
}

/// Every reviewer's sample drawn, newest first.
#[utoipa::path(get, path = "/readiness/samples", tag = "readiness",
    responses((status = 200, body = Vec<SampleSummary>), (status = 403, body = Envelope)))]
async fn list_samples(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<Vec<SampleSummary>>> {
    Ok(Json(samples::list(&state, &actor).await?))
}

/// Draws and stores a sample of case records stratified by program (defaults: 10 % per program,
/// at least 5 or all if fewer, at most 15; a seed is generated unless given). The same seed over
/// the same records draws the same sample.
#[utoipa::path(post, path = "/readiness/samples", tag = "readiness", request_body = DrawInput,
    responses((status = 201, body = SampleDetail), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn draw_sample(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<DrawInput>,
) -> AppResult<(StatusCode, Json<SampleDetail>)> {
    let saved = samples::draw_sample(&state, &actor, &body).await?;
    Ok((StatusCode::CREATED, Json(samples::get(&state, &actor, saved.id).await?)))
}

/// One sample with each drawn record's checklist, worked out now (people by record number).
/// Audited like a list of people.
#[utoipa::path(get, path = "/readiness/samples/{id}", tag = "readiness",
    params(("id" = Uuid, Path, description = "Sample id")),
    responses((status = 200, body = SampleDetail), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_sample(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<SampleDetail>> {
    Ok(Json(samples::get(&state, &actor, id).await?))
}
