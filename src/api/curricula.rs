//! Curricula over JSON: list, create, read any version, save a new version (based on the version
//! read; 409 with what changed otherwise), the versions, retiring and reactivating, uploading a
//! material file (multipart) and downloading it. Every call goes through
//! `crate::groups::curricula`, which checks who may write and audits each save.

use super::intake::required_version;
use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::domain::codes::UiLanguage;
use crate::domain::groups::{CurriculumStatus, GroupStatus};
use crate::error::{AppError, AppResult};
use crate::groups::curricula::{self as service, Attach, Change, CurriculumInput, FileHead, Loaded, Session};
use crate::web::curricula::{UPLOAD_BODY_LIMIT, file_response, receive};
use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new().routes(routes!(upload_file)).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT));
    OpenApiRouter::new()
        .routes(routes!(list_curricula, create_curriculum))
        .routes(routes!(get_curriculum, update_curriculum))
        .routes(routes!(list_versions))
        .routes(routes!(retire_curriculum))
        .routes(routes!(reactivate_curriculum))
        .routes(routes!(download_file))
        .merge(uploads)
}

type Envelope = crate::web::errors::ErrorEnvelope;

fn status_of(stored: &str) -> AppResult<CurriculumStatus> {
    CurriculumStatus::parse(stored)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown stored curriculum status {stored:?}")))
}

/// A curriculum in the list.
#[derive(Serialize, ToSchema)]
pub struct CurriculumSummaryOut {
    pub id: Uuid,
    pub title: String,
    pub status: CurriculumStatus,
    pub current_version: i32,
    /// Sessions in the current version.
    pub sessions: usize,
    /// Groups naming this curriculum that have not ended.
    pub groups: usize,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A file uploaded to a curriculum.
#[derive(Serialize, ToSchema)]
pub struct FileOut {
    pub id: Uuid,
    pub filename: String,
    /// The type the file was checked as and is served with.
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    pub uploaded_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub uploaded_at: OffsetDateTime,
    /// Where to download it (under /api/v1).
    pub download: String,
}

impl FileOut {
    fn new(curriculum_id: Uuid, f: FileHead) -> FileOut {
        FileOut {
            download: format!("/api/v1/curricula/{curriculum_id}/files/{}", f.id),
            id: f.id,
            filename: f.filename,
            content_type: f.content_type,
            size: f.size,
            sha256: f.sha256,
            uploaded_by: f.uploaded_by,
            uploaded_at: f.uploaded_at,
        }
    }
}

/// A group that names the curriculum and the version it follows (changed on the group, never here).
#[derive(Serialize, ToSchema)]
pub struct FollowerOut {
    pub group_id: Uuid,
    pub name: String,
    pub version: Option<i32>,
    pub status: GroupStatus,
}

/// One version of a curriculum with its sessions.
#[derive(Serialize, ToSchema)]
pub struct CurriculumOut {
    pub id: Uuid,
    pub status: CurriculumStatus,
    /// The newest version's number: send it as `version` with an update.
    pub current_version: i32,
    /// The number of the version shown.
    pub version: i32,
    pub title: String,
    pub summary: Option<String>,
    pub audience: Option<String>,
    pub change_note: Option<String>,
    /// Who saved the version shown, and when.
    pub saved_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub saved_at: OffsetDateTime,
    /// In order. Each: `id` (kept across versions), `number` (from 1), `topic`, `objectives`,
    /// `activities`, `materials` (`{"label","url"}` or `{"label","file_id"}`).
    pub sessions: Vec<Session>,
    /// Every file uploaded to the curriculum (older versions may name files the shown one does not).
    pub files: Vec<FileOut>,
    pub groups: Vec<FollowerOut>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl CurriculumOut {
    fn new(l: Loaded) -> AppResult<CurriculumOut> {
        let id = l.curriculum.id;
        Ok(CurriculumOut {
            id,
            status: status_of(&l.curriculum.status)?,
            current_version: l.curriculum.current_version,
            version: l.version.number,
            title: l.content.title,
            summary: l.content.summary,
            audience: l.content.audience,
            change_note: l.version.change_note,
            saved_by: l.version.created_by,
            saved_at: l.version.created_at,
            sessions: l.content.sessions,
            files: l.files.into_iter().map(|f| FileOut::new(id, f)).collect(),
            groups: l
                .followers
                .into_iter()
                .filter_map(|f| {
                    Some(FollowerOut {
                        status: GroupStatus::parse(&f.status)?,
                        group_id: f.group_id,
                        name: f.name,
                        version: f.version,
                    })
                })
                .collect(),
            created_at: l.curriculum.created_at,
            updated_at: l.curriculum.updated_at,
        })
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct ListQuery {
    /// `active` or `retired`; all when left out.
    pub status: Option<CurriculumStatus>,
}

/// The organisation's curricula, active ones first (any staff member may read them).
#[utoipa::path(get, path = "/curricula", tag = "curricula", params(ListQuery),
    responses((status = 200, body = Vec<CurriculumSummaryOut>)))]
async fn list_curricula(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<Vec<CurriculumSummaryOut>>> {
    let items = service::list(&state, &actor, q.status).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|s| {
                Ok(CurriculumSummaryOut {
                    status: status_of(&s.curriculum.status)?,
                    id: s.curriculum.id,
                    title: s.curriculum.title,
                    current_version: s.curriculum.current_version,
                    sessions: s.sessions,
                    groups: s.groups,
                    updated_at: s.curriculum.updated_at,
                })
            })
            .collect::<AppResult<_>>()?,
    ))
}

/// Starts a curriculum at version 1. It needs a `title` and at least one session with a `topic`;
/// links must be `http://` or `https://`. Messages name sessions and materials by their place in
/// the arrays: `session_0_topic`, `session_0_material_1_url`. Needs a role that writes curricula
/// (administrator, program director, supervisor, group facilitator).
#[utoipa::path(post, path = "/curricula", tag = "curricula", request_body = CurriculumInput,
    responses((status = 201, body = CurriculumOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn create_curriculum(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CurriculumInput>,
) -> AppResult<(StatusCode, Json<CurriculumOut>)> {
    let c = service::create(&state, &actor, &body).await?;
    let loaded = service::load(&state, &actor, c.id, None).await?;
    Ok((StatusCode::CREATED, Json(CurriculumOut::new(loaded)?)))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct VersionQuery {
    /// A version number; the current version when left out.
    pub version: Option<i32>,
}

/// A curriculum at its current version, or at `?version=n`.
#[utoipa::path(get, path = "/curricula/{id}", tag = "curricula",
    params(("id" = Uuid, Path, description = "Curriculum id"), VersionQuery),
    responses((status = 200, body = CurriculumOut), (status = 404, body = Envelope)))]
async fn get_curriculum(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    Query(q): Query<VersionQuery>,
) -> AppResult<Json<CurriculumOut>> {
    Ok(Json(CurriculumOut::new(service::load(&state, &actor, id, q.version).await?)?))
}

#[derive(Deserialize, ToSchema)]
pub struct CurriculumUpdateBody {
    #[serde(flatten)]
    pub curriculum: CurriculumInput,
    /// The version number the edit is based on (`current_version` when it was read).
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// The answer to a save based on an older version. Nothing was saved.
#[derive(Serialize, ToSchema)]
pub struct CurriculumConflictOut {
    /// One item with the code `error-conflict`.
    pub errors: Vec<crate::web::errors::ErrorItem>,
    /// The version saved meanwhile: read it, reconcile, and send the edit again with this number.
    pub current_version: i32,
    /// What was saved since the version the edit was based on.
    pub changes: Vec<Change>,
}

/// Saves the whole curriculum as a new version (number + 1). Send the sessions in order (or with
/// `position`), keeping each session's `id` from the version read. Earlier versions stay
/// readable; groups keep the version they follow. A retired curriculum cannot be changed (422 on
/// `status`).
#[utoipa::path(put, path = "/curricula/{id}", tag = "curricula", request_body = CurriculumUpdateBody,
    params(("id" = Uuid, Path, description = "Curriculum id")),
    responses((status = 200, body = CurriculumOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = CurriculumConflictOut), (status = 422, body = Envelope)))]
async fn update_curriculum(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<CurriculumUpdateBody>,
) -> AppResult<Response> {
    service::require_write(&state, &actor, "curriculum.save", Some(id)).await?;
    let base = required_version(body.version)?;
    match service::update(&state, &actor, id, base, &body.curriculum).await {
        Ok(c) => {
            let loaded = service::load(&state, &actor, c.id, None).await?;
            Ok(Json(CurriculumOut::new(loaded)?).into_response())
        }
        Err(AppError::Conflict) => {
            let conn = state.db.conn();
            let current = service::find(conn, actor.org_id, id).await?;
            let (_, changes) = service::changes_since(conn, actor.org_id, &current, base).await?;
            let tr = crate::i18n::Tr::new(UiLanguage::En);
            let errors = vec![crate::web::errors::ErrorItem {
                field: None,
                detail: tr.t("error-conflict"),
                code: "error-conflict".into(),
            }];
            let out = CurriculumConflictOut { errors, current_version: current.current_version, changes };
            Ok((StatusCode::CONFLICT, Json(out)).into_response())
        }
        Err(other) => Err(other),
    }
}

/// A version in the list.
#[derive(Serialize, ToSchema)]
pub struct VersionOut {
    pub number: i32,
    pub title: String,
    pub change_note: Option<String>,
    pub created_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Every version of a curriculum, oldest first (read one with `GET /curricula/{id}?version=n`).
#[utoipa::path(get, path = "/curricula/{id}/versions", tag = "curricula",
    params(("id" = Uuid, Path, description = "Curriculum id")),
    responses((status = 200, body = Vec<VersionOut>), (status = 404, body = Envelope)))]
async fn list_versions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<VersionOut>>> {
    let versions = service::versions(&state, &actor, id).await?;
    Ok(Json(
        versions
            .into_iter()
            .map(|v| VersionOut {
                number: v.number,
                title: v.title,
                change_note: v.change_note,
                created_by: v.created_by,
                created_at: v.created_at,
            })
            .collect(),
    ))
}

async fn set_status(
    state: &AppState,
    actor: &crate::access::Actor,
    id: Uuid,
    status: CurriculumStatus,
) -> AppResult<Json<CurriculumOut>> {
    service::set_status(state, actor, id, status).await?;
    Ok(Json(CurriculumOut::new(service::load(state, actor, id, None).await?)?))
}

/// Retires a curriculum: kept for the record and no longer changed. Groups that follow it keep
/// their version. Retiring a retired curriculum changes nothing.
#[utoipa::path(post, path = "/curricula/{id}/retire", tag = "curricula",
    params(("id" = Uuid, Path, description = "Curriculum id")),
    responses((status = 200, body = CurriculumOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn retire_curriculum(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<CurriculumOut>> {
    set_status(&state, &actor, id, CurriculumStatus::Retired).await
}

/// Makes a retired curriculum active again.
#[utoipa::path(post, path = "/curricula/{id}/reactivate", tag = "curricula",
    params(("id" = Uuid, Path, description = "Curriculum id")),
    responses((status = 200, body = CurriculumOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn reactivate_curriculum(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<CurriculumOut>> {
    set_status(&state, &actor, id, CurriculumStatus::Active).await
}

/// The multipart form of an upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// Up to 10 MB: PDF, DOCX, PPTX, XLSX, ODT, PNG, JPEG, TXT or MD. The extension, the part's
    /// content type and the first bytes must agree.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// A session number: the file is added to that session's materials in a new version (then
    /// `version` is required). Without it the file is only stored; name it in an update as
    /// `{"label": …, "file_id": …}`.
    session: Option<i32>,
    /// What to call the material (the file name when left out).
    label: Option<String>,
    /// The version number the new version is based on (with `session`).
    version: Option<i32>,
    change_note: Option<String>,
}

/// An upload's result.
#[derive(Serialize, ToSchema)]
pub struct UploadOut {
    pub file: FileOut,
    /// The new version's number when the file was added to a session.
    pub version: Option<i32>,
}

/// Uploads a material file (multipart/form-data, part `file`). Refused with 422 on `file` when it
/// is missing, larger than 10 MB, of a type not accepted, or not what its name says.
#[utoipa::path(post, path = "/curricula/{id}/files", tag = "curricula",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    params(("id" = Uuid, Path, description = "Curriculum id")),
    responses((status = 201, body = UploadOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 413, body = Envelope), (status = 422, body = Envelope)))]
async fn upload_file(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    multipart: Multipart,
) -> AppResult<(StatusCode, Json<UploadOut>)> {
    service::require_write(&state, &actor, "curriculum.upload", Some(id)).await?;
    let mut received = receive(multipart).await?;
    let file = received.take_file()?;
    let attach = match received.number("session") {
        Some(session) => Some(Attach {
            session,
            label: received.text("label"),
            base: required_version(received.number("version"))?,
            change_note: received.text("change_note"),
        }),
        None => None,
    };
    let (head, version) = service::upload(&state, &actor, id, file, attach).await?;
    Ok((StatusCode::CREATED, Json(UploadOut { file: FileOut::new(id, head), version })))
}

/// A file's content, with its checked type and `Content-Disposition: attachment`.
#[utoipa::path(get, path = "/curricula/{id}/files/{file_id}", tag = "curricula",
    params(("id" = Uuid, Path, description = "Curriculum id"), ("file_id" = Uuid, Path, description = "File id")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
              (status = 404, body = Envelope)))]
async fn download_file(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, file_id)): Path<(Uuid, Uuid)>,
) -> AppResult<Response> {
    Ok(file_response(service::file(&state, &actor, id, file_id).await?))
}
