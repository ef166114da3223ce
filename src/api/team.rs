//! Staff personnel records over JSON: the team list with gap counts, one staff member's record
//! with their competency, the profile, degrees, certifications and their uploaded copies. Every
//! call goes through `crate::personnel::profile`, like the pages.

use super::intake::required_version;
use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::db::entities::{staff_certification, staff_degree};
use crate::domain::codes::{TextCode, UiLanguage};
use crate::domain::personnel::{CertificationKind, Competency, CompetencyItem, DegreeLevel, Position};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::personnel::profile::{
    self, Certification, CertificationInput, CertificationState, DegreeInput, FileChange, ProfileInput, Record,
    TeamFilter, TeamRow,
};
use crate::web::team::{UPLOAD_BODY_LIMIT, file_response, receive};
use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    let uploads =
        OpenApiRouter::new().routes(routes!(upload_certification_file)).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT));
    OpenApiRouter::new()
        .routes(routes!(list_team))
        .routes(routes!(get_record))
        .routes(routes!(update_profile))
        .routes(routes!(add_degree))
        .routes(routes!(remove_degree))
        .routes(routes!(add_certification))
        .routes(routes!(update_certification, remove_certification))
        .routes(routes!(download_file))
        .merge(uploads)
}

type Envelope = crate::web::errors::ErrorEnvelope;

/// A closed-list code as stored; the database's CHECK constraints make anything else a fault.
fn code<T: TextCode>(stored: &str) -> AppResult<T> {
    T::parse(stored).ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown stored code {stored:?}")))
}

/// English descriptions for API answers (the pages use the reader's language).
fn english() -> Tr {
    Tr::new(UiLanguage::En)
}

// ---------- shapes ----------

/// Another record named by id and name.
#[derive(Serialize, ToSchema)]
pub struct NamedRef {
    pub id: Uuid,
    pub name: String,
}

fn named(pair: &(Uuid, String)) -> NamedRef {
    NamedRef { id: pair.0, name: pair.1.clone() }
}

/// One staff member on the team list.
#[derive(Serialize, ToSchema)]
pub struct TeamMemberOut {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub positions: Vec<Position>,
    pub programs: Vec<NamedRef>,
    pub supervisor: Option<NamedRef>,
    /// How many needs of their positions are missing or lapsed.
    pub gaps: usize,
    /// `expired` or `expiring` when a certification (not replaced by a newer one) needs attention.
    pub certification: Option<CertificationState>,
}

impl TeamMemberOut {
    fn new(row: &TeamRow) -> TeamMemberOut {
        TeamMemberOut {
            id: row.staff.id,
            name: row.staff.display_name.clone(),
            email: row.staff.email.clone(),
            positions: row.positions.clone(),
            programs: row.programs.iter().map(named).collect(),
            supervisor: row.supervisor.as_ref().map(named),
            gaps: row.gaps,
            certification: row.certification,
        }
    }
}

/// The profile as stored (defaults while nobody has saved it).
#[derive(Serialize, ToSchema)]
pub struct ProfileOut {
    pub start_date: Option<Date>,
    pub experience_months: Option<i32>,
    /// The same in years, as typed ("2.5").
    pub experience_years: Option<String>,
    pub lived_experience: bool,
    pub lived_experience_attested_on: Option<Date>,
    /// `yes`, `no` or `not-said`.
    pub shares_story: String,
    pub job_description_version: Option<String>,
    pub job_description_acknowledged_on: Option<Date>,
    pub role_understanding_confirmed_on: Option<Date>,
    pub role_understanding_confirmed_by: Option<Uuid>,
    /// Send it with a change; 0 while there is no profile yet.
    pub version: i32,
}

/// A degree.
#[derive(Serialize, ToSchema)]
pub struct DegreeOut {
    pub id: Uuid,
    pub level: DegreeLevel,
    pub field: String,
    pub human_services: bool,
    pub institution: Option<String>,
    pub completed_year: Option<i32>,
}

impl DegreeOut {
    fn new(d: &staff_degree::Model) -> AppResult<DegreeOut> {
        Ok(DegreeOut {
            id: d.id,
            level: code(&d.level)?,
            field: d.field.clone(),
            human_services: d.human_services,
            institution: d.institution.clone(),
            completed_year: d.completed_year,
        })
    }
}

/// An uploaded copy (its bytes at `url`, with the API prefix).
#[derive(Serialize, ToSchema)]
pub struct FileOut {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub url: String,
}

/// A certification and where it stands today.
#[derive(Serialize, ToSchema)]
pub struct CertificationOut {
    pub id: Uuid,
    pub kind: CertificationKind,
    pub name: String,
    /// The issuing state or province.
    pub jurisdiction: String,
    pub number: Option<String>,
    pub issued_on: Date,
    pub expires_on: Option<Date>,
    pub state: CertificationState,
    /// The state in words (English).
    pub state_text: String,
    pub file: Option<FileOut>,
    /// Send it with a change.
    pub version: i32,
}

impl CertificationOut {
    fn new(c: &Certification) -> AppResult<CertificationOut> {
        let row = &c.row;
        Ok(CertificationOut {
            id: row.id,
            kind: code(&row.kind)?,
            name: row.name.clone(),
            jurisdiction: row.jurisdiction.clone(),
            number: row.number.clone(),
            issued_on: row.issued_on,
            expires_on: row.expires_on,
            state: c.state,
            state_text: english().t(&c.state.message_id()),
            file: c.file.as_ref().map(|f| FileOut {
                id: f.id,
                filename: f.filename.clone(),
                content_type: f.content_type.clone(),
                size: f.size,
                url: format!("/api/v1/team/{}/files/{}", row.staff_id, f.id),
            }),
            version: row.version,
        })
    }
}

/// One need of the person's positions, how it stands, and what it is called (English).
#[derive(Serialize, ToSchema)]
pub struct NeedOut {
    #[serde(flatten)]
    pub item: CompetencyItem,
    /// "2.03", "PRSC"…
    pub standard: String,
    pub label: String,
    pub gap: bool,
}

/// What their positions require today and how each need stands.
#[derive(Serialize, ToSchema)]
pub struct CompetencyOut {
    pub gap_count: usize,
    pub items: Vec<NeedOut>,
}

impl CompetencyOut {
    fn new(c: &Competency) -> CompetencyOut {
        let tr = english();
        CompetencyOut {
            gap_count: c.gap_count(),
            items: c
                .items
                .iter()
                .map(|i| NeedOut {
                    item: i.clone(),
                    standard: i.need.standard().to_string(),
                    label: tr.t(&i.need.message_id()),
                    gap: i.standing.is_gap(),
                })
                .collect(),
        }
    }
}

/// What the caller may do with the record.
#[derive(Serialize, ToSchema)]
pub struct AccessOut {
    pub edit: bool,
    pub manage: bool,
}

/// A staff member's personnel record.
#[derive(Serialize, ToSchema)]
pub struct RecordOut {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    /// From the profile, or from the sign-in roles while it names none.
    pub positions: Vec<Position>,
    pub programs: Vec<NamedRef>,
    pub supervisor: Option<NamedRef>,
    pub profile: ProfileOut,
    pub degrees: Vec<DegreeOut>,
    /// Newest first.
    pub certifications: Vec<CertificationOut>,
    pub competency: CompetencyOut,
    pub access: AccessOut,
    /// Today in the organisation's time zone, the day the states are worked out for.
    pub today: Date,
}

impl RecordOut {
    fn new(r: &Record) -> AppResult<RecordOut> {
        let p = r.profile.as_ref();
        Ok(RecordOut {
            id: r.opened.staff.id,
            name: r.opened.staff.display_name.clone(),
            email: r.opened.staff.email.clone(),
            positions: r.positions.clone(),
            programs: r.programs.iter().map(named).collect(),
            supervisor: r.supervisor.as_ref().map(named),
            profile: ProfileOut {
                start_date: p.and_then(|p| p.start_date),
                experience_months: p.and_then(|p| p.experience_months),
                experience_years: p.and_then(|p| p.experience_months).map(|m| profile::experience_text(Some(m))),
                lived_experience: p.is_some_and(|p| p.lived_experience),
                lived_experience_attested_on: p.and_then(|p| p.lived_experience_attested_on),
                shares_story: profile::story_code(p.and_then(|p| p.shares_story)).to_string(),
                job_description_version: p.and_then(|p| p.job_description_version.clone()),
                job_description_acknowledged_on: p.and_then(|p| p.job_description_acknowledged_on),
                role_understanding_confirmed_on: p.and_then(|p| p.role_understanding_confirmed_on),
                role_understanding_confirmed_by: p.and_then(|p| p.role_understanding_confirmed_by),
                version: r.profile_version(),
            },
            degrees: r.degrees.iter().map(DegreeOut::new).collect::<AppResult<_>>()?,
            certifications: r.certifications.iter().map(CertificationOut::new).collect::<AppResult<_>>()?,
            competency: CompetencyOut::new(&r.competency),
            access: AccessOut { edit: r.opened.access.edit, manage: r.opened.access.manage },
            today: r.today,
        })
    }
}

// ---------- the team ----------

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamQuery {
    /// Only staff of this program.
    program_id: Option<Uuid>,
    /// Only staff holding this position (a position code).
    position: Option<String>,
    /// Only staff with at least one gap.
    #[serde(default)]
    gaps_only: bool,
}

/// The staff the caller sees on team views (administrators and the quality lead: everyone;
/// supervisors and directors: their supervisees, the staff of programs they direct and
/// themselves), with positions, programs, supervisor, gap count and certification flag. Others
/// are refused (403).
#[utoipa::path(get, path = "/team", tag = "personnel", params(TeamQuery),
    responses((status = 200, body = Vec<TeamMemberOut>), (status = 403, body = Envelope),
              (status = 422, body = Envelope)))]
async fn list_team(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<TeamQuery>,
) -> AppResult<Json<Vec<TeamMemberOut>>> {
    let position = match q.position.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(Position::parse(p).ok_or_else(|| {
            AppError::Invalid(crate::domain::FieldErrors::single("position", "error-unknown-choice"))
        })?),
    };
    let filter = TeamFilter { program_id: q.program_id, position, gaps_only: q.gaps_only };
    let list = profile::team_list(&state, &actor, &filter).await?;
    Ok(Json(list.rows.iter().map(TeamMemberOut::new).collect()))
}

/// A staff member's record: profile, degrees, certifications with their state, and their
/// competency (every need of their positions with its standing). Audited as a view.
#[utoipa::path(get, path = "/team/{id}", tag = "personnel",
    params(("id" = Uuid, Path, description = "Staff id")),
    responses((status = 200, body = RecordOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_record(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<RecordOut>> {
    Ok(Json(RecordOut::new(&profile::record(&state, &actor, id).await?)?))
}

async fn record_out(state: &AppState, actor: &crate::access::Actor, id: Uuid) -> AppResult<RecordOut> {
    let r = profile::record_for(state, actor, id, "personnel.profile.update", |a| a.view).await?;
    RecordOut::new(&r)
}

#[derive(Deserialize, ToSchema)]
pub struct ProfileBody {
    #[serde(flatten)]
    pub profile: ProfileInput,
    /// The profile's `version` (0 while there is none; 409 if it changed since).
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Changes the profile. Fields left out stay as they are; an empty string clears a text or date.
/// `positions`, `start_date`, `job_description_version` and `role_understanding_confirmed` are
/// the manager's: a staff member changing one of their own is refused with 422
/// `error-profile-manager-only` on that field. Returns the record as it now stands.
#[utoipa::path(put, path = "/team/{id}/profile", tag = "personnel", request_body = ProfileBody,
    params(("id" = Uuid, Path, description = "Staff id")),
    responses((status = 200, body = RecordOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_profile(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ProfileBody>,
) -> AppResult<Json<RecordOut>> {
    let version = required_version(body.version)?;
    profile::save_profile(&state, &actor, id, &body.profile, version).await?;
    Ok(Json(record_out(&state, &actor, id).await?))
}

// ---------- degrees ----------

/// Records a degree: `level`, `field` and `human_services` are required; `completed_year` from
/// 1950 to this year.
#[utoipa::path(post, path = "/team/{id}/degrees", tag = "personnel", request_body = DegreeInput,
    params(("id" = Uuid, Path, description = "Staff id")),
    responses((status = 201, body = DegreeOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn add_degree(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<DegreeInput>,
) -> AppResult<(StatusCode, Json<DegreeOut>)> {
    let saved = profile::add_degree(&state, &actor, id, &body).await?;
    Ok((StatusCode::CREATED, Json(DegreeOut::new(&saved)?)))
}

/// Removes a degree recorded in error.
#[utoipa::path(delete, path = "/team/{id}/degrees/{degree_id}", tag = "personnel",
    params(("id" = Uuid, Path, description = "Staff id"), ("degree_id" = Uuid, Path, description = "Degree id")),
    responses((status = 204), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn remove_degree(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, degree_id)): Path<(Uuid, Uuid)>,
) -> AppResult<StatusCode> {
    profile::remove_degree(&state, &actor, id, degree_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------- certifications ----------

async fn certification_out(
    state: &AppState,
    actor: &crate::access::Actor,
    id: Uuid,
    saved: &staff_certification::Model,
) -> AppResult<CertificationOut> {
    let (_, found) = profile::certification(state, actor, id, saved.id).await?;
    CertificationOut::new(&found)
}

/// Records a certification (without its copy: upload that to `…/certifications/{cid}/file`).
/// `kind`, `name`, `jurisdiction` (a US state's or Canadian province's two-letter code) and
/// `issued_on` (not in the future) are required; `expires_on`, when given, must be after
/// `issued_on` (`error-certification-expiry-before-issue`).
#[utoipa::path(post, path = "/team/{id}/certifications", tag = "personnel", request_body = CertificationInput,
    params(("id" = Uuid, Path, description = "Staff id")),
    responses((status = 201, body = CertificationOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn add_certification(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<CertificationInput>,
) -> AppResult<(StatusCode, Json<CertificationOut>)> {
    let saved = profile::add_certification(&state, &actor, id, &body, None).await?;
    Ok((StatusCode::CREATED, Json(certification_out(&state, &actor, id, &saved).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct CertificationBody {
    #[serde(flatten)]
    pub certification: CertificationInput,
    /// The certification's `version` (409 if it changed since).
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Replaces a certification's details (every field, as when adding one); `remove_file: true`
/// deletes the uploaded copy.
#[utoipa::path(put, path = "/team/{id}/certifications/{certification_id}", tag = "personnel",
    request_body = CertificationBody,
    params(("id" = Uuid, Path, description = "Staff id"),
           ("certification_id" = Uuid, Path, description = "Certification id")),
    responses((status = 200, body = CertificationOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_certification(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, certification_id)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<CertificationBody>,
) -> AppResult<Json<CertificationOut>> {
    let version = required_version(body.version)?;
    let change = if body.certification.remove_file { FileChange::Remove } else { FileChange::Keep };
    let saved =
        profile::update_certification(&state, &actor, id, certification_id, &body.certification, change, version)
            .await?;
    Ok(Json(certification_out(&state, &actor, id, &saved).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// The certification's `version` (409 if it changed since).
    version: Option<i32>,
}

/// Removes a certification recorded in error, with its copy.
#[utoipa::path(delete, path = "/team/{id}/certifications/{certification_id}", tag = "personnel",
    params(("id" = Uuid, Path, description = "Staff id"),
           ("certification_id" = Uuid, Path, description = "Certification id"),
           VersionQuery),
    responses((status = 204), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn remove_certification(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, certification_id)): Path<(Uuid, Uuid)>,
    Query(q): Query<VersionQuery>,
) -> AppResult<StatusCode> {
    let version = required_version(q.version)?;
    profile::remove_certification(&state, &actor, id, certification_id, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The multipart form of a certification's copy.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CertificationFileForm {
    /// A PDF, PNG or JPEG of at most 5 MB, known by its content.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The certification's `version` (409 if it changed since).
    version: i32,
}

/// Uploads (or replaces) the copy of a certification (multipart/form-data, parts `file` and
/// `version`). Refused with 422 on `file` when it is missing, empty, over 5 MB
/// (`error-certification-file-too-big`) or not a PDF, PNG or JPEG (`error-certification-file-type`).
#[utoipa::path(post, path = "/team/{id}/certifications/{certification_id}/file", tag = "personnel",
    request_body(content = CertificationFileForm, content_type = "multipart/form-data"),
    params(("id" = Uuid, Path, description = "Staff id"),
           ("certification_id" = Uuid, Path, description = "Certification id")),
    responses((status = 200, body = CertificationOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 413, body = Envelope), (status = 422, body = Envelope)))]
async fn upload_certification_file(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, certification_id)): Path<(Uuid, Uuid)>,
    multipart: Multipart,
) -> AppResult<Json<CertificationOut>> {
    // Access first, so someone who may not write is refused before being told about the file.
    profile::certification(&state, &actor, id, certification_id).await?;
    let mut received = receive(multipart).await?;
    let version = required_version(received.text("version").and_then(|v| v.trim().parse().ok()))?;
    let upload = received
        .take_file()?
        .ok_or_else(|| AppError::Invalid(crate::domain::FieldErrors::single("file", "error-required")))?;
    let saved = profile::attach_file(&state, &actor, id, certification_id, upload, version).await?;
    Ok(Json(certification_out(&state, &actor, id, &saved).await?))
}

/// An uploaded copy, with its checked type and `Content-Disposition: attachment`. Audited.
#[utoipa::path(get, path = "/team/{id}/files/{file_id}", tag = "personnel",
    params(("id" = Uuid, Path, description = "Staff id"), ("file_id" = Uuid, Path, description = "File id")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
              (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn download_file(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, file_id)): Path<(Uuid, Uuid)>,
) -> AppResult<Response> {
    Ok(file_response(profile::file(&state, &actor, id, file_id).await?))
}
