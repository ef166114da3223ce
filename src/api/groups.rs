//! Groups over JSON: groups, facilitators and their readiness, schedules (with overlap
//! warnings), cancelling, moving and restoring sessions, extra sessions, members' availability
//! and the best slots. Every call goes through `crate::groups::setup`, like the pages.

use super::intake::required_version;
use super::{ApiActor, ApiJson};
use crate::access::GroupAccess;
use crate::app::AppState;
use crate::db::entities::{facilitator_readiness, group_member, group_schedule, group_session, support_group};
use crate::domain::codes::{TextCode, UiLanguage};
use crate::domain::groups::{
    Audience, CapacityRule, FacilitatorRole, FocusArea, GroupKind, GroupStatus, Membership, ReadinessArea,
    SessionStatus,
};
use crate::error::{AppError, AppResult};
use crate::groups::Slot;
use crate::groups::setup::{
    self, AttestInput, AvailabilitySummary, Checked, ExtraSessionInput, FacilitatorInput, FacilitatorView, GroupInput,
    GroupRow, ListFilter, Overlap, Readiness, ReadinessEntry, ScheduleInput, SessionChangeInput,
};
use crate::i18n::Tr;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_groups, create_group))
        .routes(routes!(readiness, attest))
        .routes(routes!(get_group, update_group))
        .routes(routes!(add_facilitator))
        .routes(routes!(remove_facilitator))
        .routes(routes!(create_schedule))
        .routes(routes!(update_schedule))
        .routes(routes!(end_schedule))
        .routes(routes!(add_session))
        .routes(routes!(change_session))
        .routes(routes!(change_occurrence))
        .routes(routes!(availability))
        .routes(routes!(get_member_availability, put_member_availability))
}

type Envelope = crate::web::errors::ErrorEnvelope;

/// Codes stored joined with ';' (unknown ones are skipped).
pub(super) fn codes<T: TextCode>(joined: &str) -> Vec<T> {
    joined.split(';').filter_map(|c| T::parse(c.trim())).collect()
}

/// A closed-list code as stored; the database's CHECK constraints make anything else a fault.
pub(super) fn code<T: TextCode>(stored: &str) -> AppResult<T> {
    T::parse(stored).ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown stored code {stored:?}")))
}

/// English descriptions for API answers (the pages use the reader's language).
fn english() -> Tr {
    Tr::new(UiLanguage::En)
}

// ---------- shapes ----------

/// A group's settings.
#[derive(Serialize, ToSchema)]
pub struct GroupOut {
    pub id: Uuid,
    pub program_id: Uuid,
    pub name: String,
    pub kind: GroupKind,
    pub focus_areas: Vec<FocusArea>,
    pub audience: Vec<Audience>,
    pub description: Option<String>,
    pub membership: Membership,
    pub capacity: Option<i32>,
    pub capacity_rule: CapacityRule,
    pub language: String,
    pub site_id: Option<Uuid>,
    pub room: Option<String>,
    /// Only for those who may see the roster or manage the group (members get it in their feed).
    pub online_link: Option<String>,
    pub peer_led: bool,
    pub listed_publicly: bool,
    pub curriculum_id: Option<Uuid>,
    /// The curriculum version the group follows.
    pub curriculum_version: Option<i32>,
    pub status: GroupStatus,
    /// The group's calendar feed (a secret address; only for those who may see the roster).
    pub feed_path: Option<String>,
    /// Send it with `PUT /groups/{id}`.
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl GroupOut {
    fn new(g: &support_group::Model, access: GroupAccess) -> AppResult<GroupOut> {
        Ok(GroupOut {
            id: g.id,
            program_id: g.program_id,
            name: g.name.clone(),
            kind: code(&g.kind)?,
            focus_areas: codes(&g.focus_areas),
            audience: codes(&g.audience),
            description: g.description.clone(),
            membership: code(&g.membership)?,
            capacity: g.capacity,
            capacity_rule: code(&g.capacity_rule)?,
            language: g.language.clone(),
            site_id: g.site_id,
            room: g.room.clone(),
            // The link lets anyone into the room: staff who neither run nor set up the group
            // learn only that it meets online.
            online_link: g.online_link.clone().filter(|_| access.roster || access.manage),
            peer_led: g.peer_led,
            listed_publicly: g.listed_publicly,
            curriculum_id: g.curriculum_id,
            curriculum_version: g.curriculum_version,
            status: code(&g.status)?,
            feed_path: access.roster.then(|| format!("/calendar/{}/groups/{}.ics", g.org_id, g.feed_token)),
            version: g.version,
            created_at: g.created_at,
            updated_at: g.updated_at,
        })
    }
}

/// A facilitator: a staff member or a named peer volunteer, with their readiness (2.04).
#[derive(Serialize, ToSchema)]
pub struct FacilitatorOut {
    pub id: Uuid,
    pub staff_id: Option<Uuid>,
    pub volunteer_name: Option<String>,
    pub name: String,
    pub role: FacilitatorRole,
    /// False when a group-leadership skill is missing (see `readiness.missing`).
    pub ready: bool,
    pub readiness: Readiness,
}

impl FacilitatorOut {
    fn new(f: &FacilitatorView) -> AppResult<FacilitatorOut> {
        Ok(FacilitatorOut {
            id: f.row.id,
            staff_id: f.row.staff_id,
            volunteer_name: f.row.volunteer_name.clone(),
            name: f.name.clone(),
            role: code(&f.row.role)?,
            ready: f.readiness.ready(),
            readiness: f.readiness.clone(),
        })
    }
}

/// A recurring schedule (or a one-off date) of a group.
#[derive(Serialize, ToSchema)]
pub struct ScheduleOut {
    pub id: Uuid,
    pub group_id: Uuid,
    /// RFC 5545 RRULE without DTSTART (UNTIL in local time); none for a single date.
    pub rrule: Option<String>,
    pub starts_on: Date,
    /// HH:MM, local.
    pub start_time: String,
    pub minutes: i32,
    /// The last day the rule can hold a session (from UNTIL or COUNT).
    pub ends_on: Option<Date>,
    pub room: Option<String>,
    pub active: bool,
    /// The rule in words (English).
    pub description: String,
    pub version: i32,
}

impl From<&group_schedule::Model> for ScheduleOut {
    fn from(s: &group_schedule::Model) -> Self {
        ScheduleOut {
            id: s.id,
            group_id: s.group_id,
            rrule: s.rrule.clone(),
            starts_on: s.starts_on,
            start_time: s.start_time.clone(),
            minutes: s.minutes,
            ends_on: s.ends_on,
            room: s.room.clone(),
            active: s.active,
            description: crate::web::groups::describe_schedule(&english(), s),
            version: s.version,
        }
    }
}

/// A stored session (an occurrence acted on, or an extra session).
#[derive(Serialize, ToSchema)]
pub struct SessionOut {
    pub id: Uuid,
    pub group_id: Uuid,
    pub schedule_id: Option<Uuid>,
    /// The start the schedule gave this occurrence (its calendar RECURRENCE-ID).
    #[serde(with = "time::serde::rfc3339::option")]
    pub occurrence_start: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub ends_at: OffsetDateTime,
    pub status: SessionStatus,
    pub cancel_reason: Option<String>,
    pub room: Option<String>,
    pub topic: Option<String>,
    pub version: i32,
}

impl SessionOut {
    fn new(s: &group_session::Model) -> AppResult<SessionOut> {
        Ok(SessionOut {
            id: s.id,
            group_id: s.group_id,
            schedule_id: s.schedule_id,
            occurrence_start: s.occurrence_start,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            status: code(&s.status)?,
            cancel_reason: s.cancel_reason.clone(),
            room: s.room.clone(),
            topic: s.topic.clone(),
            version: s.version,
        })
    }
}

/// One session in a list: from a schedule's rule, a stored row, or both.
#[derive(Serialize, ToSchema)]
pub struct SlotOut {
    /// Set once the session is stored (acted on); otherwise change it through
    /// `POST /groups/{id}/occurrences/{schedule_id}/{start}/change`.
    pub session_id: Option<Uuid>,
    pub schedule_id: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub occurrence_start: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub ends_at: OffsetDateTime,
    pub status: SessionStatus,
    pub room: Option<String>,
    /// Held at another time than the schedule gave.
    pub moved: bool,
}

impl From<&Slot> for SlotOut {
    fn from(s: &Slot) -> Self {
        SlotOut {
            session_id: s.session_id,
            schedule_id: s.schedule_id,
            occurrence_start: s.occurrence_start,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            status: s.status,
            room: s.room.clone(),
            moved: s.moved,
        }
    }
}

/// A group in the list.
#[derive(Serialize, ToSchema)]
pub struct GroupSummaryOut {
    #[serde(flatten)]
    pub group: GroupOut,
    /// The active schedules in words (English).
    pub schedule: Vec<String>,
    pub next_session: Option<SlotOut>,
    pub facilitators: Vec<FacilitatorOut>,
    /// Active members; only for those who may see the roster.
    pub member_count: Option<u64>,
    /// A facilitator lacks group-leadership skills, or there is none.
    pub readiness_warning: bool,
}

impl GroupSummaryOut {
    fn new(row: &GroupRow) -> AppResult<GroupSummaryOut> {
        let tr = english();
        Ok(GroupSummaryOut {
            group: GroupOut::new(&row.group, row.access)?,
            schedule: row.schedules.iter().map(|s| crate::web::groups::describe_schedule(&tr, s)).collect(),
            next_session: row.next.as_ref().map(SlotOut::from),
            facilitators: row.facilitators.iter().map(FacilitatorOut::new).collect::<AppResult<_>>()?,
            member_count: row.member_count,
            readiness_warning: row.facilitators.is_empty() || !row.unready().is_empty(),
        })
    }
}

/// A group with its facilitators, schedules and sessions of the last 4 and next 8 weeks.
#[derive(Serialize, ToSchema)]
pub struct GroupDetailOut {
    #[serde(flatten)]
    pub group: GroupOut,
    pub facilitators: Vec<FacilitatorOut>,
    pub schedules: Vec<ScheduleOut>,
    pub upcoming: Vec<SlotOut>,
    /// Newest first.
    pub recent: Vec<SlotOut>,
    pub member_count: Option<u64>,
    /// What the caller may do: `roster`, `run`, `manage`.
    pub can_see_roster: bool,
    pub can_run: bool,
    pub can_manage: bool,
}

/// The answer to a save that met other groups' sessions: nothing was saved.
#[derive(Serialize, ToSchema)]
pub struct OverlapOut {
    /// One item on `confirm_overlap` with the code `error-group-overlap`.
    pub errors: Vec<crate::web::errors::ErrorItem>,
    /// The sessions that overlap (same site and room, or a shared staff facilitator).
    pub overlaps: Vec<Overlap>,
}

fn overlap_response(overlaps: Vec<Overlap>) -> Response {
    let tr = english();
    let listed: Vec<String> = overlaps
        .iter()
        .take(10)
        .map(|o| {
            format!(
                "{} {}",
                o.group_name,
                o.starts_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
            )
        })
        .collect();
    let detail =
        tr.with_args("error-group-overlap", &[("count", overlaps.len().to_string()), ("list", listed.join("; "))]);
    let errors = vec![crate::web::errors::ErrorItem {
        field: Some("confirm_overlap".into()),
        detail,
        code: "error-group-overlap".into(),
    }];
    (StatusCode::UNPROCESSABLE_ENTITY, Json(OverlapOut { errors, overlaps })).into_response()
}

// ---------- groups ----------

/// Every group of the organisation (any staff member may read them), by program and status.
#[utoipa::path(get, path = "/groups", tag = "groups", params(ListFilter),
    responses((status = 200, body = Vec<GroupSummaryOut>)))]
async fn list_groups(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(filter): Query<ListFilter>,
) -> AppResult<Json<Vec<GroupSummaryOut>>> {
    let rows = setup::list_groups(&state, &actor, &filter).await?;
    Ok(Json(rows.iter().map(GroupSummaryOut::new).collect::<AppResult<_>>()?))
}

/// Starts a group in a program the caller may start groups in (its director, supervisors and
/// facilitators working in it, administrators). Focus areas come from the organisation's edition.
#[utoipa::path(post, path = "/groups", tag = "groups", request_body = GroupInput,
    responses((status = 201, body = GroupOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn create_group(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<GroupInput>,
) -> AppResult<(StatusCode, Json<GroupOut>)> {
    let group = setup::create_group(&state, &actor, &body).await?;
    let loaded = crate::groups::load(&state, &actor, group.id).await?;
    Ok((StatusCode::CREATED, Json(GroupOut::new(&group, loaded.access)?)))
}

async fn detail(state: &AppState, actor: &crate::access::Actor, id: Uuid) -> AppResult<GroupDetailOut> {
    let view = setup::group_view(state, actor, id).await?;
    let access = view.access();
    Ok(GroupDetailOut {
        group: GroupOut::new(view.group(), access)?,
        facilitators: view.facilitators.iter().map(FacilitatorOut::new).collect::<AppResult<_>>()?,
        schedules: view.schedules.iter().map(ScheduleOut::from).collect(),
        upcoming: view.upcoming.iter().map(SlotOut::from).collect(),
        recent: view.recent.iter().map(SlotOut::from).collect(),
        member_count: view.member_count,
        can_see_roster: access.roster,
        can_run: access.run,
        can_manage: access.manage,
    })
}

/// One group with its facilitators (and their readiness), schedules and sessions.
#[utoipa::path(get, path = "/groups/{id}", tag = "groups", params(("id" = Uuid, Path, description = "Group id")),
    responses((status = 200, body = GroupDetailOut), (status = 404, body = Envelope)))]
async fn get_group(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<GroupDetailOut>> {
    Ok(Json(detail(&state, &actor, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct GroupUpdateBody {
    /// The group's version from `GET /groups/{id}`.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub group: GroupInput,
}

/// Replaces a group's settings (send every field). A stale `version` answers 409.
#[utoipa::path(put, path = "/groups/{id}", tag = "groups", request_body = GroupUpdateBody,
    params(("id" = Uuid, Path, description = "Group id")),
    responses((status = 200, body = GroupOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_group(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<GroupUpdateBody>,
) -> AppResult<Json<GroupOut>> {
    let version = required_version(body.version)?;
    let group = setup::update_group(&state, &actor, id, version, &body.group).await?;
    let loaded = crate::groups::load(&state, &actor, id).await?;
    Ok(Json(GroupOut::new(&group, loaded.access)?))
}

// ---------- facilitators and readiness ----------

/// Adds a staff member or a named peer volunteer as lead or co-facilitator. The answer says
/// whether they are ready to lead groups (`ready` false names the missing skills).
#[utoipa::path(post, path = "/groups/{id}/facilitators", tag = "groups", request_body = FacilitatorInput,
    params(("id" = Uuid, Path, description = "Group id")),
    responses((status = 201, body = FacilitatorOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn add_facilitator(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<FacilitatorInput>,
) -> AppResult<(StatusCode, Json<FacilitatorOut>)> {
    let added = setup::add_facilitator(&state, &actor, id, &body).await?;
    Ok((StatusCode::CREATED, Json(FacilitatorOut::new(&added)?)))
}

#[utoipa::path(delete, path = "/groups/{id}/facilitators/{facilitator_id}", tag = "groups",
    params(("id" = Uuid, Path, description = "Group id"), ("facilitator_id" = Uuid, Path, description = "Facilitator id")),
    responses((status = 204), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn remove_facilitator(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, facilitator_id)): Path<(Uuid, Uuid)>,
) -> AppResult<StatusCode> {
    setup::remove_facilitator(&state, &actor, id, facilitator_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One attestation of a facilitator's group-leadership skills.
#[derive(Serialize, ToSchema)]
pub struct AttestationOut {
    pub id: Uuid,
    pub staff_id: Option<Uuid>,
    pub volunteer_name: Option<String>,
    pub areas: Vec<ReadinessArea>,
    pub note: Option<String>,
    pub attested_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub attested_at: OffsetDateTime,
}

impl From<&facilitator_readiness::Model> for AttestationOut {
    fn from(r: &facilitator_readiness::Model) -> Self {
        AttestationOut {
            id: r.id,
            staff_id: r.staff_id,
            volunteer_name: r.volunteer_name.clone(),
            areas: codes(&r.areas),
            note: r.note.clone(),
            attested_by: r.attested_by,
            attested_at: r.attested_at,
        }
    }
}

/// A facilitator's readiness: the skills shown, those missing, and every attestation.
#[derive(Serialize, ToSchema)]
pub struct ReadinessOut {
    pub staff_id: Option<Uuid>,
    pub volunteer_name: Option<String>,
    pub name: String,
    pub ready: bool,
    pub readiness: Readiness,
    /// The groups they facilitate.
    pub groups: Vec<Uuid>,
    /// Newest first.
    pub history: Vec<AttestationOut>,
}

impl From<&ReadinessEntry> for ReadinessOut {
    fn from(e: &ReadinessEntry) -> Self {
        ReadinessOut {
            staff_id: match e.who {
                setup::Who::Staff(id) => Some(id),
                setup::Who::Volunteer(_) => None,
            },
            volunteer_name: e.volunteer.then(|| e.name.clone()),
            name: e.name.clone(),
            ready: e.readiness.ready(),
            readiness: e.readiness.clone(),
            groups: e.groups.iter().map(|(id, _)| *id).collect(),
            history: e.history.iter().map(AttestationOut::from).collect(),
        }
    }
}

/// Every facilitator (staff and peer volunteers across groups) and anyone attested, least ready first.
#[utoipa::path(get, path = "/groups/readiness", tag = "groups", responses((status = 200, body = Vec<ReadinessOut>)))]
async fn readiness(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<Vec<ReadinessOut>>> {
    let entries = setup::readiness_list(&state, &actor).await?;
    Ok(Json(entries.iter().map(ReadinessOut::from).collect()))
}

/// Records that a facilitator showed group-leadership skills (supervisors and program directors).
/// The latest attestation counts: an empty `areas` with a `note` withdraws readiness.
#[utoipa::path(post, path = "/groups/readiness", tag = "groups", request_body = AttestInput,
    responses((status = 201, body = AttestationOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn attest(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<AttestInput>,
) -> AppResult<(StatusCode, Json<AttestationOut>)> {
    let row = setup::attest(&state, &actor, &body).await?;
    Ok((StatusCode::CREATED, Json(AttestationOut::from(&row))))
}

// ---------- schedules ----------

/// Adds a schedule: `frequency` `once`, `weekly` (with `weekdays`), `monthly-weekday`
/// (`week_of_month`, `weekday`), `monthly-date` (`month_day`) or `custom` (`rrule`), with
/// `starts_on`, `start_time`, `minutes` and optionally `until` or `count`. When other groups'
/// sessions in the next 12 months overlap (same site and room, or a shared staff facilitator) the
/// answer is 422 on `confirm_overlap` with the overlaps; send again with `confirm_overlap: true`.
#[utoipa::path(post, path = "/groups/{id}/schedules", tag = "groups", request_body = ScheduleInput,
    params(("id" = Uuid, Path, description = "Group id")),
    responses((status = 201, body = ScheduleOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = OverlapOut, description = "Invalid rule (plain envelope) or overlaps (`overlaps`)")))]
async fn create_schedule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ScheduleInput>,
) -> AppResult<Response> {
    match setup::create_schedule(&state, &actor, id, &body).await? {
        Checked::Saved(s) => Ok((StatusCode::CREATED, Json(ScheduleOut::from(&s))).into_response()),
        Checked::Overlaps(o) => Ok(overlap_response(o)),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ScheduleUpdateBody {
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub schedule: ScheduleInput,
}

/// Changes a schedule (the whole rule). Sessions already stored for occurrences the new rule no
/// longer produces stay as one-off sessions when anything was recorded for them.
#[utoipa::path(put, path = "/groups/{id}/schedules/{schedule_id}", tag = "groups", request_body = ScheduleUpdateBody,
    params(("id" = Uuid, Path, description = "Group id"), ("schedule_id" = Uuid, Path, description = "Schedule id")),
    responses((status = 200, body = ScheduleOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = OverlapOut)))]
async fn update_schedule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, schedule_id)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<ScheduleUpdateBody>,
) -> AppResult<Response> {
    let version = required_version(body.version)?;
    match setup::update_schedule(&state, &actor, id, schedule_id, version, &body.schedule).await? {
        Checked::Saved(s) => Ok(Json(ScheduleOut::from(&s)).into_response()),
        Checked::Overlaps(o) => Ok(overlap_response(o)),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct VersionBody {
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Ends a schedule: no more sessions come from it; stored sessions stay.
#[utoipa::path(post, path = "/groups/{id}/schedules/{schedule_id}/end", tag = "groups", request_body = VersionBody,
    params(("id" = Uuid, Path, description = "Group id"), ("schedule_id" = Uuid, Path, description = "Schedule id")),
    responses((status = 200, body = ScheduleOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope)))]
async fn end_schedule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, schedule_id)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<VersionBody>,
) -> AppResult<Json<ScheduleOut>> {
    let version = required_version(body.version)?;
    let s = setup::end_schedule(&state, &actor, id, schedule_id, version).await?;
    Ok(Json(ScheduleOut::from(&s)))
}

// ---------- sessions ----------

/// Adds an extra, one-off session (`date`, `time`, `minutes`, optional `room` and `topic`).
/// Overlaps answer 422 like schedules do.
#[utoipa::path(post, path = "/groups/{id}/sessions", tag = "groups", request_body = ExtraSessionInput,
    params(("id" = Uuid, Path, description = "Group id")),
    responses((status = 201, body = SessionOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = OverlapOut)))]
async fn add_session(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ExtraSessionInput>,
) -> AppResult<Response> {
    match setup::add_extra_session(&state, &actor, id, &body).await? {
        Checked::Saved(s) => Ok((StatusCode::CREATED, Json(SessionOut::new(&s)?)).into_response()),
        Checked::Overlaps(o) => Ok(overlap_response(o)),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct SessionChangeBody {
    /// The session's version (0 for an occurrence that was not stored yet).
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub change: SessionChangeInput,
}

/// Cancels (`reason` required; refused once attendance is recorded), moves (`date`, `time`,
/// `minutes`, `room`; the occurrence keeps its original start) or restores a cancelled session.
#[utoipa::path(post, path = "/groups/{id}/sessions/{session_id}/change", tag = "groups", request_body = SessionChangeBody,
    params(("id" = Uuid, Path, description = "Group id"), ("session_id" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = SessionOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = OverlapOut)))]
async fn change_session(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, session_id)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<SessionChangeBody>,
) -> AppResult<Response> {
    let version = required_version(body.version)?;
    match setup::change_session(&state, &actor, id, session_id, version, &body.change).await? {
        Checked::Saved(s) => Ok(Json(SessionOut::new(&s)?).into_response()),
        Checked::Overlaps(o) => Ok(overlap_response(o)),
    }
}

/// The same change for an occurrence of a schedule that has no stored session yet (`start` is
/// the occurrence's start in Unix seconds, as listed in `upcoming`). `version` is ignored.
#[utoipa::path(post, path = "/groups/{id}/occurrences/{schedule_id}/{start}/change", tag = "groups",
    request_body = SessionChangeBody,
    params(("id" = Uuid, Path, description = "Group id"), ("schedule_id" = Uuid, Path, description = "Schedule id"),
           ("start" = i64, Path, description = "The occurrence's start, Unix seconds")),
    responses((status = 200, body = SessionOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = OverlapOut)))]
async fn change_occurrence(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, schedule_id, start)): Path<(Uuid, Uuid, i64)>,
    ApiJson(body): ApiJson<SessionChangeBody>,
) -> AppResult<Response> {
    let at = OffsetDateTime::from_unix_timestamp(start).map_err(|_| AppError::NotFound)?;
    let session = setup::occurrence_session(&state, &actor, id, schedule_id, at).await?;
    match setup::change_session(&state, &actor, id, session.id, session.version, &body.change).await? {
        Checked::Saved(s) => Ok(Json(SessionOut::new(&s)?).into_response()),
        Checked::Overlaps(o) => Ok(overlap_response(o)),
    }
}

// ---------- availability ----------

/// A member's stated availability.
#[derive(Serialize, ToSchema)]
pub struct MemberAvailabilityOut {
    pub member_id: Uuid,
    pub person_id: Uuid,
    /// Slots like `MO-evening`, `SA-morning` (weekday `MO`..`SU`, `morning`/`afternoon`/`evening`).
    pub availability: Vec<String>,
    pub version: i32,
}

impl MemberAvailabilityOut {
    fn new(m: &group_member::Model) -> MemberAvailabilityOut {
        MemberAvailabilityOut {
            member_id: m.id,
            person_id: m.person_id,
            availability: setup::parse_availability(m.availability.as_deref()).iter().map(|s| s.code()).collect(),
            version: m.version,
        }
    }
}

/// Counts of members free per slot, the best slots and how many members can make each active
/// schedule (who may see the roster only).
#[utoipa::path(get, path = "/groups/{id}/availability", tag = "groups",
    params(("id" = Uuid, Path, description = "Group id")),
    responses((status = 200, body = AvailabilitySummary), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn availability(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<AvailabilitySummary>> {
    let (_, _, summary, _) = setup::availability(&state, &actor, id).await?;
    Ok(Json(summary))
}

#[utoipa::path(get, path = "/groups/{id}/members/{member_id}/availability", tag = "groups",
    params(("id" = Uuid, Path, description = "Group id"), ("member_id" = Uuid, Path, description = "Group member id")),
    responses((status = 200, body = MemberAvailabilityOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_member_availability(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, member_id)): Path<(Uuid, Uuid)>,
) -> AppResult<Json<MemberAvailabilityOut>> {
    let (_, m) = setup::member_availability(&state, &actor, id, member_id).await?;
    Ok(Json(MemberAvailabilityOut::new(&m.member)))
}

#[derive(Deserialize, ToSchema)]
pub struct AvailabilityBody {
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    /// Slots like `MO-evening`; an empty list clears the member's availability.
    #[serde(default)]
    pub availability: Vec<String>,
}

/// Replaces a member's availability.
#[utoipa::path(put, path = "/groups/{id}/members/{member_id}/availability", tag = "groups", request_body = AvailabilityBody,
    params(("id" = Uuid, Path, description = "Group id"), ("member_id" = Uuid, Path, description = "Group member id")),
    responses((status = 200, body = MemberAvailabilityOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn put_member_availability(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, member_id)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<AvailabilityBody>,
) -> AppResult<Json<MemberAvailabilityOut>> {
    let version = required_version(body.version)?;
    let m = setup::save_availability(&state, &actor, id, member_id, version, &body.availability).await?;
    Ok(Json(MemberAvailabilityOut::new(&m)))
}
