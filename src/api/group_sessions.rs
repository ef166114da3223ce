//! Group sessions over JSON: members (list, enrol, leave), a session with its attendance, log and
//! check-out summary, attendance (counted as coaching contacts), the session log, feedback
//! recorded by the facilitator and the link members check out with on their own phone. Every
//! call goes through `crate::groups::attendance`, which checks group access and audits.

use super::groups::{code, codes};
use super::intake::required_version;
use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::db::entities::{group_feedback, group_member, group_session};
use crate::domain::groups::{
    AttendanceStatus, FeedbackSource, LeadershipRole, MemberStatus, SessionOpportunity, SessionStatus,
};
use crate::domain::person::format_record_number;
use crate::error::AppResult;
use crate::groups::attendance::{
    self, AttendanceEntry, AttendanceInput, EnrolInput, FeedbackInput, LogInput, MemberRow, Occurrence, SessionView,
};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_members, enrol_member))
        .routes(routes!(leave_member))
        .routes(routes!(open_occurrence))
        .routes(routes!(get_session))
        .routes(routes!(put_attendance))
        .routes(routes!(put_log))
        .routes(routes!(post_feedback))
        .routes(routes!(create_checkout))
}

type Envelope = crate::web::errors::ErrorEnvelope;

// ---------- members ----------

#[derive(Serialize, ToSchema)]
pub struct MemberOut {
    pub person_id: Uuid,
    pub name: String,
    /// e.g. `MS-000123`.
    pub record_number: String,
    pub status: MemberStatus,
    pub joined_on: Date,
    pub left_on: Option<Date>,
    /// Sessions held while they were a member, and how many of those they came to.
    pub sessions_held: u32,
    pub sessions_attended: u32,
    /// Percent of those sessions they came to; absent before any was held.
    pub attendance_rate: Option<u32>,
    /// Send it with `leave`.
    pub version: i32,
}

impl MemberOut {
    fn new(row: &MemberRow) -> AppResult<MemberOut> {
        Ok(MemberOut {
            person_id: row.member.person_id,
            name: row.name.clone(),
            record_number: format_record_number(row.record_number),
            status: code(&row.member.status)?,
            joined_on: row.member.joined_on,
            left_on: row.member.left_on,
            sessions_held: row.held,
            sessions_attended: row.attended,
            attendance_rate: row.rate(),
            version: row.member.version,
        })
    }
}

/// A group's members with their attendance.
#[derive(Serialize, ToSchema)]
pub struct MembersOut {
    pub group_id: Uuid,
    pub capacity: Option<i32>,
    /// Whether the active members fill the group's capacity.
    pub full: bool,
    pub active: Vec<MemberOut>,
    pub past: Vec<MemberOut>,
}

/// Active and past members with joined and left dates and attendance rates (the list is audited).
#[utoipa::path(get, path = "/groups/{gid}/members", tag = "group-sessions",
    params(("gid" = Uuid, Path, description = "Group id")),
    responses((status = 200, body = MembersOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn list_members(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(gid): Path<Uuid>,
) -> AppResult<Json<MembersOut>> {
    let roster = attendance::roster(&state, &actor, gid).await?;
    Ok(Json(MembersOut {
        group_id: gid,
        capacity: roster.loaded.group.capacity,
        full: roster.full(),
        active: roster.active.iter().map(MemberOut::new).collect::<AppResult<_>>()?,
        past: roster.past.iter().map(MemberOut::new).collect::<AppResult<_>>()?,
    }))
}

/// The member row as written.
#[derive(Serialize, ToSchema)]
pub struct MembershipOut {
    pub person_id: Uuid,
    pub group_id: Uuid,
    pub status: MemberStatus,
    pub joined_on: Date,
    pub left_on: Option<Date>,
    pub version: i32,
}

impl MembershipOut {
    fn new(m: &group_member::Model) -> AppResult<MembershipOut> {
        Ok(MembershipOut {
            person_id: m.person_id,
            group_id: m.group_id,
            status: code(&m.status)?,
            joined_on: m.joined_on,
            left_on: m.left_on,
            version: m.version,
        })
    }
}

/// Enrols a known person the caller may work with, by id or record number; a past member
/// re-joins. A full group refuses (422 on `person`) or, where its rule is `warn`, asks for
/// `confirm_capacity: true` (422 on `confirm_capacity`).
#[utoipa::path(post, path = "/groups/{gid}/members", tag = "group-sessions", request_body = EnrolInput,
    params(("gid" = Uuid, Path, description = "Group id")),
    responses((status = 201, body = MembershipOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn enrol_member(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(gid): Path<Uuid>,
    ApiJson(body): ApiJson<EnrolInput>,
) -> AppResult<(StatusCode, Json<MembershipOut>)> {
    let member = attendance::enrol(&state, &actor, gid, &body).await?;
    Ok((StatusCode::CREATED, Json(MembershipOut::new(&member)?)))
}

#[derive(Deserialize, ToSchema)]
pub struct LeaveBody {
    /// The day they left (YYYY-MM-DD); today when absent.
    #[serde(default)]
    pub left_on: Option<String>,
    /// The member's version from the members list.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Marks a member as having left.
#[utoipa::path(post, path = "/groups/{gid}/members/{person_id}/leave", tag = "group-sessions", request_body = LeaveBody,
    params(("gid" = Uuid, Path, description = "Group id"), ("person_id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = MembershipOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn leave_member(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((gid, person_id)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<LeaveBody>,
) -> AppResult<Json<MembershipOut>> {
    let version = required_version(body.version)?;
    let member = attendance::leave(&state, &actor, gid, person_id, body.left_on.as_deref(), Some(version)).await?;
    Ok(Json(MembershipOut::new(&member)?))
}

// ---------- sessions ----------

#[derive(Serialize, ToSchema)]
pub struct AttendanceOut {
    pub person_id: Uuid,
    pub name: String,
    pub record_number: String,
    pub drop_in: bool,
    /// Absent until marked.
    pub status: Option<AttendanceStatus>,
    pub leadership: Vec<LeadershipRole>,
    /// The coaching contact this attendance counts as (people in coaching, when present).
    pub contact_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct PlannedOut {
    pub number: i32,
    pub topic: Option<String>,
    /// Sessions in the curriculum.
    pub of: i32,
}

#[derive(Serialize, ToSchema)]
pub struct LogOut {
    pub topics_covered: Option<String>,
    pub curriculum_session: Option<i32>,
    pub topic: Option<String>,
    pub progress: Option<String>,
    pub adaptations: Option<String>,
    pub activities_offered: Option<String>,
    pub opportunities: Vec<SessionOpportunity>,
    pub safety_concerns: Option<String>,
    pub logged_by: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub logged_at: Option<OffsetDateTime>,
}

#[derive(Serialize, ToSchema)]
pub struct FeedbackSummaryOut {
    pub answers: usize,
    /// Given by members on their own phone.
    pub by_member: usize,
    /// Average of "felt safe and respected" (1–5).
    pub felt_safe: Option<f64>,
    /// Average of "found it useful" (1–5).
    pub useful: Option<f64>,
    pub comments: Vec<String>,
}

/// A session with its attendance, log and check-out summary.
#[derive(Serialize, ToSchema)]
pub struct SessionOut {
    pub id: Uuid,
    pub group_id: Uuid,
    pub schedule_id: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub ends_at: OffsetDateTime,
    pub status: SessionStatus,
    pub cancel_reason: Option<String>,
    pub room: Option<String>,
    pub planned: Option<PlannedOut>,
    pub anonymous_count: i32,
    pub attendance: Vec<AttendanceOut>,
    pub log: LogOut,
    pub feedback: FeedbackSummaryOut,
    /// Whether a check-out link is open (create or fetch it with `POST …/checkout`).
    pub checkout_open: bool,
    /// Send it with attendance and log changes.
    pub version: i32,
}

fn session_out(view: &SessionView) -> AppResult<SessionOut> {
    let s = &view.session;
    Ok(SessionOut {
        id: s.id,
        group_id: s.group_id,
        schedule_id: s.schedule_id,
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        status: code(&s.status)?,
        cancel_reason: s.cancel_reason.clone(),
        room: s.room.clone(),
        planned: view.planned.as_ref().map(|p| PlannedOut { number: p.number, topic: p.topic.clone(), of: p.of }),
        anonymous_count: s.anonymous_count,
        attendance: view
            .rows
            .iter()
            .map(|r| AttendanceOut {
                person_id: r.person_id,
                name: r.name.clone(),
                record_number: format_record_number(r.record_number),
                drop_in: r.drop_in,
                status: r.status,
                leadership: r.leadership.clone(),
                contact_id: r.contact_id,
            })
            .collect(),
        log: LogOut {
            topics_covered: s.topics_covered.clone(),
            curriculum_session: s.curriculum_session,
            topic: s.topic.clone(),
            progress: s.progress.clone(),
            adaptations: s.adaptations.clone(),
            activities_offered: s.activities_offered.clone(),
            opportunities: codes(s.opportunities.as_deref().unwrap_or("")),
            safety_concerns: s.safety_concerns.clone(),
            logged_by: s.logged_by,
            logged_at: s.logged_at,
        },
        feedback: FeedbackSummaryOut {
            answers: view.feedback.answers,
            by_member: view.feedback.by_member,
            felt_safe: view.feedback.felt_safe,
            useful: view.feedback.useful,
            comments: view.feedback.comments.clone(),
        },
        checkout_open: s.checkout_token.is_some(),
        version: s.version,
    })
}

async fn session_of(state: &AppState, actor: &crate::access::Actor, gid: Uuid, sid: Uuid) -> AppResult<SessionOut> {
    session_out(&attendance::session(state, actor, gid, sid).await?)
}

/// The stored session for one occurrence of a schedule (`unix_start` = the occurrence's start in
/// seconds since 1970), created now if nobody has acted on it yet. Needs the right to run the group.
#[utoipa::path(post, path = "/groups/{gid}/occurrences/{schedule_id}/{unix_start}", tag = "group-sessions",
    params(("gid" = Uuid, Path, description = "Group id"), ("schedule_id" = Uuid, Path, description = "Schedule id"),
           ("unix_start" = i64, Path, description = "The occurrence's start (Unix seconds)")),
    responses((status = 200, body = SessionOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn open_occurrence(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((gid, schedule_id, unix_start)): Path<(Uuid, Uuid, i64)>,
) -> AppResult<Json<SessionOut>> {
    let loaded = crate::groups::load(&state, &actor, gid).await?;
    crate::groups::require(&state, &actor, loaded.access.run, "OpenGroupSession", gid).await?;
    match attendance::occurrence(&state, &actor, gid, schedule_id, unix_start).await? {
        Occurrence::Stored(sid) => Ok(Json(session_of(&state, &actor, gid, sid).await?)),
        Occurrence::Preview(view) => Ok(Json(session_out(&view)?)),
    }
}

/// A session with attendance, log and check-out summary (audited as a list, count only).
#[utoipa::path(get, path = "/groups/{gid}/sessions/{sid}", tag = "group-sessions",
    params(("gid" = Uuid, Path, description = "Group id"), ("sid" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = SessionOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_session(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((gid, sid)): Path<(Uuid, Uuid)>,
) -> AppResult<Json<SessionOut>> {
    Ok(Json(session_of(&state, &actor, gid, sid).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct AttendanceBody {
    /// Marks to record; people left out keep what was recorded for them.
    #[serde(default)]
    pub attendance: Vec<AttendanceEntry>,
    /// People who came without giving a name (open groups only); unchanged when absent.
    #[serde(default)]
    pub anonymous_count: Option<i32>,
    /// Mark every member present first (the marks in `attendance` then override).
    #[serde(default)]
    pub everyone_present: bool,
    /// The session's version.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Records attendance. Present people in coaching get one signed contact for the session;
/// correcting to absent or excused removes it. Refused for a cancelled session or one more than a
/// day ahead (422), and when someone saved the session since `version` (409).
#[utoipa::path(put, path = "/groups/{gid}/sessions/{sid}/attendance", tag = "group-sessions", request_body = AttendanceBody,
    params(("gid" = Uuid, Path, description = "Group id"), ("sid" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = SessionOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn put_attendance(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((gid, sid)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<AttendanceBody>,
) -> AppResult<Json<SessionOut>> {
    let version = required_version(body.version)?;
    let input = AttendanceInput {
        entries: body.attendance,
        anonymous_count: body.anonymous_count,
        everyone_present: body.everyone_present,
        version,
    };
    attendance::save_attendance(&state, &actor, gid, sid, &input).await?;
    Ok(Json(session_of(&state, &actor, gid, sid).await?))
}

/// Saves the session log (topics covered required); the session then counts as held.
#[utoipa::path(put, path = "/groups/{gid}/sessions/{sid}/log", tag = "group-sessions", request_body = LogInput,
    params(("gid" = Uuid, Path, description = "Group id"), ("sid" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = SessionOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn put_log(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((gid, sid)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<LogInput>,
) -> AppResult<Json<SessionOut>> {
    attendance::save_log(&state, &actor, gid, sid, &body).await?;
    Ok(Json(session_of(&state, &actor, gid, sid).await?))
}

#[derive(Serialize, ToSchema)]
pub struct FeedbackOut {
    pub id: Uuid,
    pub session_id: Uuid,
    pub person_id: Option<Uuid>,
    pub source: FeedbackSource,
    pub felt_safe: Option<i16>,
    pub useful: Option<i16>,
    pub comment: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl FeedbackOut {
    fn new(f: &group_feedback::Model) -> AppResult<FeedbackOut> {
        Ok(FeedbackOut {
            id: f.id,
            session_id: f.session_id,
            person_id: f.person_id,
            source: code(&f.source)?,
            felt_safe: f.felt_safe,
            useful: f.useful,
            comment: f.comment.clone(),
            created_at: f.created_at,
        })
    }
}

/// Records a member's check-out answers as the facilitator heard them.
#[utoipa::path(post, path = "/groups/{gid}/sessions/{sid}/feedback", tag = "group-sessions", request_body = FeedbackInput,
    params(("gid" = Uuid, Path, description = "Group id"), ("sid" = Uuid, Path, description = "Session id")),
    responses((status = 201, body = FeedbackOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn post_feedback(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((gid, sid)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<FeedbackInput>,
) -> AppResult<(StatusCode, Json<FeedbackOut>)> {
    let row = attendance::record_feedback(&state, &actor, gid, sid, &body).await?;
    Ok((StatusCode::CREATED, Json(FeedbackOut::new(&row)?)))
}

/// Where members check out on their own phone.
#[derive(Serialize, ToSchema)]
pub struct CheckoutOut {
    pub token: String,
    /// The page's path on this server: `/checkout/{org_id}/{token}` (no sign-in).
    pub path: String,
    /// Answers are taken until then (24 hours after the session ends), at most 200.
    #[serde(with = "time::serde::rfc3339")]
    pub open_until: OffsetDateTime,
}

/// Opens the session's check-out link (the same link when already open).
#[utoipa::path(post, path = "/groups/{gid}/sessions/{sid}/checkout", tag = "group-sessions",
    params(("gid" = Uuid, Path, description = "Group id"), ("sid" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = CheckoutOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn create_checkout(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((gid, sid)): Path<(Uuid, Uuid)>,
) -> AppResult<Json<CheckoutOut>> {
    let session: group_session::Model = attendance::checkout_token(&state, &actor, gid, sid).await?;
    let token = session.checkout_token.clone().unwrap_or_default();
    Ok(Json(CheckoutOut {
        path: format!("/checkout/{}/{token}", actor.org_id),
        token,
        open_until: session.ends_at + attendance::CHECKOUT_WINDOW,
    }))
}
