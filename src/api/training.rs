//! Training over JSON: the catalogue of courses (list, read, create, change, archive, restore,
//! delete an unused one), a staff member's training records and competency (read, record a
//! completion, record a demonstrated competency, change, delete) and the competency matrix.
//! Every call goes through `crate::personnel::training`, like the pages.

use super::intake::required_version;
use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::db::entities::{training_course, training_record};
use crate::domain::FieldErrors;
use crate::domain::codes::{TextCode, UiLanguage, split_codes};
use crate::domain::personnel::{CompetencyItem, Need, Position, Requirement, Standing, TrainingKind, TrainingPhase};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::personnel::training::{
    self as service, CertificateChange, CourseFilter, CourseInput, FileHead, MatrixFilter, TrainingInput,
};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_courses, create_course))
        .routes(routes!(get_course, update_course, delete_course))
        .routes(routes!(archive_course))
        .routes(routes!(restore_course))
        .routes(routes!(matrix))
        .routes(routes!(get_training, record_completion))
        .routes(routes!(record_demonstration))
        .routes(routes!(get_record, update_record, delete_record))
}

type Envelope = crate::web::errors::ErrorEnvelope;

/// A closed-list code as stored; the database's CHECK constraints make anything else a fault.
fn code<T: TextCode>(stored: &str) -> AppResult<T> {
    T::parse(stored).ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown stored code {stored:?}")))
}

// ---------- shapes ----------

/// A course in the organisation's training catalogue.
#[derive(Serialize, ToSchema)]
pub struct CourseOut {
    pub id: Uuid,
    pub title: String,
    pub provider: Option<String>,
    pub description: Option<String>,
    /// The requirement codes the course covers.
    pub topics: Vec<Requirement>,
    /// Absent when it may be taken before or during service.
    pub phase: Option<TrainingPhase>,
    pub hours: Option<f64>,
    /// False once archived (kept for the records that name it, not offered for new ones).
    pub active: bool,
    /// Send it with changes (409 if the course changed since).
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl CourseOut {
    fn new(c: &training_course::Model) -> AppResult<CourseOut> {
        Ok(CourseOut {
            id: c.id,
            title: c.title.clone(),
            provider: c.provider.clone(),
            description: c.description.clone(),
            topics: split_codes(&c.topics),
            phase: c.phase.as_deref().map(code).transpose()?,
            hours: c.hours,
            active: c.active,
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        })
    }
}

/// The uploaded copy of a certificate (download it from the staff member's training page).
#[derive(Serialize, ToSchema)]
pub struct CertificateOut {
    pub filename: String,
    pub size: i64,
    /// The page address that serves the file to a signed-in reader.
    pub download_path: String,
}

/// A training record: a completion, or a competency a manager saw demonstrated.
#[derive(Serialize, ToSchema)]
pub struct RecordOut {
    pub id: Uuid,
    pub staff_id: Uuid,
    pub course_id: Option<Uuid>,
    pub title: String,
    pub kind: TrainingKind,
    pub phase: TrainingPhase,
    pub topics: Vec<Requirement>,
    /// The day it was completed or demonstrated.
    pub completed_on: Date,
    pub hours: Option<f64>,
    pub provider: Option<String>,
    /// How a competency was demonstrated.
    pub demonstration: Option<String>,
    /// Who saw it demonstrated.
    pub attested_by: Option<Uuid>,
    pub note: Option<String>,
    pub recorded_by: Uuid,
    pub certificate: Option<CertificateOut>,
    /// Send it with changes (409 if the record changed since).
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl RecordOut {
    fn new(r: &training_record::Model, files: &HashMap<Uuid, FileHead>) -> AppResult<RecordOut> {
        Ok(RecordOut {
            id: r.id,
            staff_id: r.staff_id,
            course_id: r.course_id,
            title: r.title.clone(),
            kind: code(&r.kind)?,
            phase: code(&r.phase)?,
            topics: split_codes(&r.topics),
            completed_on: r.completed_on,
            hours: r.hours,
            provider: r.provider.clone(),
            demonstration: r.demonstration.clone(),
            attested_by: r.attested_by,
            note: r.note.clone(),
            recorded_by: r.recorded_by,
            certificate: r.certificate_file_id.and_then(|f| files.get(&f)).map(|f| CertificateOut {
                filename: f.filename.clone(),
                size: f.size,
                download_path: format!("/team/{}/training/{}/certificate", r.staff_id, r.id),
            }),
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// A staff member's training: every record (newest first) and how their role's needs stand.
#[derive(Serialize, ToSchema)]
pub struct TrainingOut {
    pub staff_id: Uuid,
    pub name: String,
    pub positions: Vec<Position>,
    pub records: Vec<RecordOut>,
    /// Every need of their positions (training topics and record checks) and how it stands today.
    pub competency: Vec<CompetencyItem>,
    pub gap_count: usize,
    /// Required topics no record covers yet.
    pub missing_topics: Vec<Requirement>,
    /// Whether the caller may record completions, and demonstrated competencies.
    pub may_record: bool,
    pub may_attest: bool,
    pub today: Date,
}

/// One person in the matrix: a cell per column, `null` where their role does not ask for it.
#[derive(Serialize, ToSchema)]
pub struct MatrixRowOut {
    pub staff_id: Uuid,
    pub name: String,
    pub positions: Vec<Position>,
    pub gaps: usize,
    pub cells: Vec<Option<Standing>>,
}

/// A heading over a run of columns (a standard, or a part of the PRSC requirements).
#[derive(Serialize, ToSchema)]
pub struct ColumnGroupOut {
    pub heading: String,
    pub span: usize,
}

/// The competency matrix: people × requirements.
#[derive(Serialize, ToSchema)]
pub struct MatrixOut {
    pub today: Date,
    /// The staff in the caller's view before the filter.
    pub team_size: usize,
    /// The union of what the rows' roles require, by standard.
    pub columns: Vec<Need>,
    /// English labels of the columns.
    pub labels: Vec<String>,
    pub groups: Vec<ColumnGroupOut>,
    pub rows: Vec<MatrixRowOut>,
    /// How many rows have a gap in each column.
    pub column_gaps: Vec<usize>,
}

// ---------- the catalogue ----------

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct CourseQuery {
    /// Only courses covering this requirement code.
    pub requirement: Option<String>,
    /// Include archived courses.
    #[serde(default)]
    pub archived: bool,
}

/// The training catalogue by title (everyone on staff may read it).
#[utoipa::path(get, path = "/team/courses", tag = "training", params(CourseQuery),
    responses((status = 200, body = Vec<CourseOut>), (status = 422, body = Envelope)))]
async fn list_courses(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<CourseQuery>,
) -> AppResult<Json<Vec<CourseOut>>> {
    let requirement = match q.requirement.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        None => None,
        Some(code) => {
            let mut e = FieldErrors::new();
            let parsed = service::parse_topics(&mut e, "requirement", &[code.to_string()]);
            if !e.is_empty() {
                return Err(e.into());
            }
            parsed.first().copied()
        }
    };
    let rows = service::courses(&state, &actor, CourseFilter { requirement, archived: q.archived }).await?;
    Ok(Json(rows.iter().map(CourseOut::new).collect::<AppResult<_>>()?))
}

/// Adds a course (administrators and program directors). Topics must be known requirement codes
/// (`error-training-unknown-requirement` names any that is not); hours, when given, above 0.
#[utoipa::path(post, path = "/team/courses", tag = "training", request_body = CourseInput,
    responses((status = 201, body = CourseOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn create_course(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CourseInput>,
) -> AppResult<(StatusCode, Json<CourseOut>)> {
    let saved = service::create_course(&state, &actor, &body).await?;
    Ok((StatusCode::CREATED, Json(CourseOut::new(&saved)?)))
}

#[utoipa::path(get, path = "/team/courses/{id}", tag = "training", params(("id" = Uuid, Path, description = "Course id")),
    responses((status = 200, body = CourseOut), (status = 404, body = Envelope)))]
async fn get_course(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<CourseOut>> {
    Ok(Json(CourseOut::new(&service::course(&state, &actor, id).await?)?))
}

#[derive(Deserialize, ToSchema)]
pub struct CourseBody {
    #[serde(flatten)]
    pub course: CourseInput,
    /// The course's `version` (409 if it changed since).
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Changes a course: send every field (what is left out is cleared) and its `version`.
#[utoipa::path(put, path = "/team/courses/{id}", tag = "training", request_body = CourseBody,
    params(("id" = Uuid, Path, description = "Course id")),
    responses((status = 200, body = CourseOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_course(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<CourseBody>,
) -> AppResult<Json<CourseOut>> {
    let version = required_version(body.version)?;
    let saved = service::update_course(&state, &actor, id, version, &body.course).await?;
    Ok(Json(CourseOut::new(&saved)?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// The `version` last read (409 if it changed since).
    pub version: Option<i32>,
}

/// Deletes a course no training record names (`course-error-in-use` otherwise: archive it).
#[utoipa::path(delete, path = "/team/courses/{id}", tag = "training",
    params(("id" = Uuid, Path, description = "Course id"), VersionQuery),
    responses((status = 204), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn delete_course(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    Query(q): Query<VersionQuery>,
) -> AppResult<StatusCode> {
    let version = required_version(q.version)?;
    service::delete_course(&state, &actor, id, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct VersionBody {
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Archives a course: records keep it, new completions no longer offer it.
#[utoipa::path(post, path = "/team/courses/{id}/archive", tag = "training", request_body = VersionBody,
    params(("id" = Uuid, Path, description = "Course id")),
    responses((status = 200, body = CourseOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope)))]
async fn archive_course(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<VersionBody>,
) -> AppResult<Json<CourseOut>> {
    let version = required_version(body.version)?;
    Ok(Json(CourseOut::new(&service::set_course_active(&state, &actor, id, version, false).await?)?))
}

/// Offers an archived course again.
#[utoipa::path(post, path = "/team/courses/{id}/restore", tag = "training", request_body = VersionBody,
    params(("id" = Uuid, Path, description = "Course id")),
    responses((status = 200, body = CourseOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope)))]
async fn restore_course(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<VersionBody>,
) -> AppResult<Json<CourseOut>> {
    let version = required_version(body.version)?;
    Ok(Json(CourseOut::new(&service::set_course_active(&state, &actor, id, version, true).await?)?))
}

// ---------- a staff member's training ----------

/// A staff member's training records and competency (themselves; their supervisor and program
/// director; administrators and the quality lead).
#[utoipa::path(get, path = "/team/{id}/training", tag = "training", params(("id" = Uuid, Path, description = "Staff id")),
    responses((status = 200, body = TrainingOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_training(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<TrainingOut>> {
    let o = service::overview(&state, &actor, id).await?;
    Ok(Json(TrainingOut {
        staff_id: o.record.staff.id,
        name: o.record.staff.display_name.clone(),
        positions: o.positions.clone(),
        records: o.records.iter().map(|r| RecordOut::new(r, &o.files)).collect::<AppResult<_>>()?,
        gap_count: o.competency.gap_count(),
        missing_topics: o.missing_topics(),
        competency: o.competency.items.clone(),
        may_record: o.may_record,
        may_attest: o.may_attest,
        today: o.today,
    }))
}

async fn record_out(state: &AppState, r: &training_record::Model) -> AppResult<RecordOut> {
    let files: HashMap<Uuid, FileHead> = match r.certificate_file_id {
        None => HashMap::new(),
        Some(id) => {
            use crate::db::entities::staff_file;
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
            staff_file::Entity::find()
                .select_only()
                .column(staff_file::Column::Id)
                .column(staff_file::Column::Filename)
                .column(staff_file::Column::Size)
                .filter(staff_file::Column::OrgId.eq(r.org_id))
                .filter(staff_file::Column::Id.eq(id))
                .into_tuple::<(Uuid, String, i64)>()
                .all(state.db.conn())
                .await?
                .into_iter()
                .map(|(id, filename, size)| (id, FileHead { id, filename, size }))
                .collect()
        }
    };
    RecordOut::new(r, &files)
}

/// Records a completed training (the staff member themselves, or someone who keeps their record).
/// With `course_id`, the course's title, topics, hours, provider and phase fill what is left out.
/// `hours` must be above 0 (`error-training-hours`), `completed_on` not in the future
/// (`error-training-date-future`). Certificates are uploaded on the training page.
#[utoipa::path(post, path = "/team/{id}/training", tag = "training", request_body = TrainingInput,
    params(("id" = Uuid, Path, description = "Staff id")),
    responses((status = 201, body = RecordOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn record_completion(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<TrainingInput>,
) -> AppResult<(StatusCode, Json<RecordOut>)> {
    let saved = service::record_completion(&state, &actor, id, &body, None).await?;
    Ok((StatusCode::CREATED, Json(record_out(&state, &saved).await?)))
}

/// Records a competency the caller saw demonstrated: `topics` and `demonstration` (how it was
/// shown) are required; `completed_on` is today when left out. Only a manager of the staff
/// member's record (their supervisor, their program's director, an administrator) and never for
/// oneself.
#[utoipa::path(post, path = "/team/{id}/training/demonstrated", tag = "training", request_body = TrainingInput,
    params(("id" = Uuid, Path, description = "Staff id")),
    responses((status = 201, body = RecordOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn record_demonstration(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<TrainingInput>,
) -> AppResult<(StatusCode, Json<RecordOut>)> {
    let saved = service::record_demonstration(&state, &actor, id, &body).await?;
    Ok((StatusCode::CREATED, Json(record_out(&state, &saved).await?)))
}

#[utoipa::path(get, path = "/team/{id}/training/{rid}", tag = "training",
    params(("id" = Uuid, Path, description = "Staff id"), ("rid" = Uuid, Path, description = "Training record id")),
    responses((status = 200, body = RecordOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_record(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, rid)): Path<(Uuid, Uuid)>,
) -> AppResult<Json<RecordOut>> {
    let r = service::record(&state, &actor, id, rid, false).await?;
    Ok(Json(record_out(&state, &r).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct TrainingBody {
    #[serde(flatten)]
    pub record: TrainingInput,
    /// The record's `version` (409 if it changed since).
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    /// Remove the certificate copy on file.
    #[serde(default)]
    pub remove_certificate: bool,
}

/// Changes a record: send every field and its `version`. A demonstrated competency may be changed
/// only by a manager other than the staff member, and becomes their attestation.
#[utoipa::path(put, path = "/team/{id}/training/{rid}", tag = "training", request_body = TrainingBody,
    params(("id" = Uuid, Path, description = "Staff id"), ("rid" = Uuid, Path, description = "Training record id")),
    responses((status = 200, body = RecordOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_record(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, rid)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<TrainingBody>,
) -> AppResult<Json<RecordOut>> {
    let version = required_version(body.version)?;
    let change = if body.remove_certificate { CertificateChange::Remove } else { CertificateChange::Keep };
    let saved = service::update_record(&state, &actor, id, rid, version, &body.record, change).await?;
    Ok(Json(record_out(&state, &saved).await?))
}

/// Deletes a record and its certificate copy.
#[utoipa::path(delete, path = "/team/{id}/training/{rid}", tag = "training",
    params(("id" = Uuid, Path, description = "Staff id"), ("rid" = Uuid, Path, description = "Training record id"),
           VersionQuery),
    responses((status = 204), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope)))]
async fn delete_record(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, rid)): Path<(Uuid, Uuid)>,
    Query(q): Query<VersionQuery>,
) -> AppResult<StatusCode> {
    let version = required_version(q.version)?;
    service::delete_record(&state, &actor, id, rid, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------- the matrix ----------

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct MatrixQuery {
    /// Only staff working in this program.
    pub program: Option<Uuid>,
    /// Only staff holding this position (`peer-specialist`, `supervisor`, …).
    pub position: Option<String>,
    /// Only staff with at least one gap.
    #[serde(default)]
    pub gaps_only: bool,
}

/// The competency matrix of the staff the caller sees on team views (supervisors: their
/// supervisees; directors: their programs' staff; administrators and the quality lead: everyone).
#[utoipa::path(get, path = "/team/matrix", tag = "training", params(MatrixQuery),
    responses((status = 200, body = MatrixOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn matrix(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<MatrixQuery>,
) -> AppResult<Json<MatrixOut>> {
    let mut e = FieldErrors::new();
    let position = e.optional_code("position", q.position.as_deref(), Position::parse);
    if !e.is_empty() {
        return Err(e.into());
    }
    let filter = MatrixFilter { program: q.program, position, gaps_only: q.gaps_only };
    let m = service::matrix(&state, &actor, filter).await?;
    let tr = Tr::new(UiLanguage::En);
    Ok(Json(MatrixOut {
        today: m.today,
        team_size: m.team_size,
        labels: m.columns.iter().map(|n| tr.t(&n.message_id())).collect(),
        groups: m.groups.iter().map(|g| ColumnGroupOut { heading: tr.t(g.message_id), span: g.span }).collect(),
        rows: m
            .rows
            .into_iter()
            .map(|r| MatrixRowOut {
                staff_id: r.staff_id,
                name: r.name,
                positions: r.positions,
                gaps: r.gaps,
                cells: r.cells,
            })
            .collect(),
        columns: m.columns,
        column_gaps: m.column_gaps,
    }))
}
