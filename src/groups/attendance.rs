//! Members, attendance, session logs and check-out feedback. Pages and the API both call these,
//! which check group access (roster to read, run to write) and write the audit events.
//!
//! Attendance counts as a coaching contact: a person marked present who is in coaching gets a
//! signed contact for the session, removed again if the mark is corrected.

use super::setup::{join_codes, split_codes};
use super::{Loaded, actor_org, load, org_of, require, save_session, schedule_of, session_of};
use crate::access::{Action, Actor};
use crate::app::{AppState, local_date};
use crate::audit::Entry;
use crate::db::entities::{
    coaching_contact, coaching_status, contact_addendum, curriculum_version, group_attendance, group_feedback,
    group_member, group_session, organisation, person,
};
use crate::db::{self, WriteTxn};
use crate::domain::FieldErrors;
use crate::domain::coaching::{CoachingActivity, ContactMode, ContactSetting, NoteStatus};
use crate::domain::codes::UiLanguage;
use crate::domain::groups::{
    AttendanceStatus, CapacityRule, FeedbackSource, GroupKind, GroupStatus, LeadershipRole, MemberStatus, Membership,
    SessionOpportunity, SessionStatus,
};
use crate::domain::person::parse_record_number;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::records;
use crate::web::actor_entry;
use rand::Rng;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

/// Attendance may be taken up to a day ahead (a facilitator preparing the evening before), no further.
const ATTENDANCE_LEAD: Duration = Duration::days(1);
/// Members may check out on their own phone until a day after the session ends.
pub const CHECKOUT_WINDOW: Duration = Duration::hours(24);
/// A check-out link accepts at most this many answers (a shared link cannot flood a session).
pub const CHECKOUT_MAX_ANSWERS: u64 = 200;
const TOKEN_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const MAX_ANONYMOUS: i32 = 1000;
/// The most marks one save takes (a group holds at most 500 members, plus drop-ins).
const MAX_MARKS: usize = 1000;

fn display_name(p: &db::people::PersonSummary) -> String {
    format!("{} {}", p.preferred_name.as_deref().unwrap_or(&p.legal_given_name), p.legal_family_name)
}

fn join<T: Copy>(items: &[T], code: fn(T) -> &'static str) -> Option<String> {
    (!items.is_empty()).then(|| join_codes(items, code))
}

/// A random secret for a link, 32 URL-safe characters.
fn checkout_secret() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..32).map(|_| TOKEN_ALPHABET[rng.gen_range(0..TOKEN_ALPHABET.len())] as char).collect()
}

// ---------- members ----------

/// One member with how often they came to the sessions held while they belonged.
#[derive(Clone, Debug)]
pub struct MemberRow {
    pub member: group_member::Model,
    pub name: String,
    pub record_number: i64,
    pub held: u32,
    pub attended: u32,
}

impl MemberRow {
    /// Percent of the sessions held while a member that they came to (None before any was held).
    pub fn rate(&self) -> Option<u32> {
        (self.held > 0).then(|| (self.attended * 100 + self.held / 2) / self.held)
    }

    pub fn active(&self) -> bool {
        self.member.status == MemberStatus::Active.code()
    }
}

pub struct Roster {
    pub loaded: Loaded,
    pub active: Vec<MemberRow>,
    pub past: Vec<MemberRow>,
    pub today: Date,
}

impl Roster {
    pub fn full(&self) -> bool {
        self.loaded.group.capacity.is_some_and(|c| self.active.len() as i32 >= c)
    }
}

async fn member_rows(
    state: &AppState,
    org_id: Uuid,
    group_id: Uuid,
    tz: &str,
    today: Date,
) -> AppResult<Vec<MemberRow>> {
    let conn = state.db.conn();
    let members = group_member::Entity::find()
        .filter(group_member::Column::OrgId.eq(org_id))
        .filter(group_member::Column::GroupId.eq(group_id))
        .order_by_asc(group_member::Column::JoinedOn)
        .all(conn)
        .await?;
    if members.is_empty() {
        return Ok(Vec::new());
    }
    let held: Vec<(Uuid, OffsetDateTime)> = group_session::Entity::find()
        .filter(group_session::Column::OrgId.eq(org_id))
        .filter(group_session::Column::GroupId.eq(group_id))
        .filter(group_session::Column::Status.eq(SessionStatus::Held.code()))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.starts_at))
        .collect();
    let present: HashSet<(Uuid, Uuid)> = group_attendance::Entity::find()
        .filter(group_attendance::Column::OrgId.eq(org_id))
        .filter(group_attendance::Column::GroupId.eq(group_id))
        .filter(group_attendance::Column::Status.eq(AttendanceStatus::Present.code()))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.session_id, a.person_id))
        .collect();
    let ids: Vec<Uuid> = members.iter().map(|m| m.person_id).collect();
    let people: HashMap<Uuid, db::people::PersonSummary> =
        db::people::summaries(&state.db, org_id, &ids).await?.into_iter().map(|p| (p.id, p)).collect();
    let held_days: Vec<(Uuid, Date)> = held.iter().map(|(id, at)| (*id, local_date(tz, *at))).collect();
    let mut rows: Vec<MemberRow> = members
        .into_iter()
        .map(|m| {
            let until = m.left_on.unwrap_or(today);
            let during: Vec<Uuid> =
                held_days.iter().filter(|(_, d)| *d >= m.joined_on && *d <= until).map(|(id, _)| *id).collect();
            let attended = during.iter().filter(|s| present.contains(&(**s, m.person_id))).count() as u32;
            let summary = people.get(&m.person_id);
            MemberRow {
                name: summary.map(display_name).unwrap_or_default(),
                record_number: summary.map_or(0, |p| p.record_number),
                held: during.len() as u32,
                attended,
                member: m,
            }
        })
        .collect();
    rows.sort_by_key(|r| r.name.to_lowercase());
    Ok(rows)
}

/// The group's members, active and past, with attendance rates (audited as a list, count only).
pub async fn roster(state: &AppState, actor: &Actor, group_id: Uuid) -> AppResult<Roster> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.roster, "ViewGroupRoster", group_id).await?;
    let org = actor_org(state, actor).await?;
    let today = local_date(&org.time_zone, state.clock.now());
    let rows = member_rows(state, actor.org_id, group_id, &org.time_zone, today).await?;
    let entry =
        actor_entry(actor, "group.members.list").record("group", group_id).detail(json!({ "results": rows.len() }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    let (active, past) = rows.into_iter().partition(MemberRow::active);
    Ok(Roster { loaded, active, past, today })
}

/// Who to enrol: a record picked from a list, or a record number typed (MS-000123).
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct EnrolInput {
    #[serde(default)]
    pub person_id: Option<Uuid>,
    /// A record number such as `MS-000123` (used when `person_id` is absent).
    #[serde(default)]
    pub record_number: Option<String>,
    /// The day they joined (YYYY-MM-DD); today when absent.
    #[serde(default)]
    pub joined_on: Option<String>,
    /// Enrol although the group is full (only where the group's capacity rule is `warn`).
    #[serde(default)]
    pub confirm_capacity: bool,
}

/// Finds a record by its number; the caller then opens it, which checks access.
pub async fn person_by_number(state: &AppState, actor: &Actor, field: &str, text: &str) -> AppResult<Uuid> {
    let Some(number) = parse_record_number(text) else {
        return Err(FieldErrors::single(field, "error-members-record-number").into());
    };
    person::Entity::find()
        .filter(person::Column::OrgId.eq(actor.org_id))
        .filter(person::Column::RecordNumber.eq(number))
        .one(state.db.conn())
        .await?
        .map(|p| p.id)
        .ok_or_else(|| FieldErrors::single(field, "error-members-unknown-record").into())
}

async fn person_of(state: &AppState, actor: &Actor, person_id: Option<Uuid>, number: Option<&str>) -> AppResult<Uuid> {
    match (person_id, number.map(str::trim).filter(|n| !n.is_empty())) {
        (Some(id), _) => Ok(id),
        (None, Some(text)) => person_by_number(state, actor, "person", text).await,
        (None, None) => Err(FieldErrors::single("person", "error-members-person-required").into()),
    }
}

async fn active_count(conn: &impl ConnectionTrait, org_id: Uuid, group_id: Uuid) -> AppResult<u64> {
    Ok(group_member::Entity::find()
        .filter(group_member::Column::OrgId.eq(org_id))
        .filter(group_member::Column::GroupId.eq(group_id))
        .filter(group_member::Column::Status.eq(MemberStatus::Active.code()))
        .count(conn)
        .await?)
}

async fn membership(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    group_id: Uuid,
    person_id: Uuid,
) -> AppResult<Option<group_member::Model>> {
    Ok(group_member::Entity::find()
        .filter(group_member::Column::OrgId.eq(org_id))
        .filter(group_member::Column::GroupId.eq(group_id))
        .filter(group_member::Column::PersonId.eq(person_id))
        .one(conn)
        .await?)
}

/// Refuses a full group, or asks for confirmation, by the group's capacity rule.
fn check_capacity(loaded: &Loaded, active: u64, confirmed: bool) -> Result<(), FieldErrors> {
    let Some(capacity) = loaded.group.capacity else { return Ok(()) };
    if (active as i64) < i64::from(capacity) {
        return Ok(());
    }
    let args = vec![("capacity", capacity.to_string())];
    let mut e = FieldErrors::new();
    match CapacityRule::parse(&loaded.group.capacity_rule) {
        Some(CapacityRule::Refuse) => e.add_with("person", "error-members-group-full", args),
        _ if !confirmed => e.add_with("confirm_capacity", "error-members-capacity-confirm", args),
        _ => {}
    }
    e.finish(())
}

/// Enrols a known person the actor may work with (or re-enrols a past member).
pub async fn enrol(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    input: &EnrolInput,
) -> AppResult<group_member::Model> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.run, "EnrolGroupMember", group_id).await?;
    if loaded.group.status == GroupStatus::Ended.code() {
        return Err(FieldErrors::single("person", "error-members-group-ended").into());
    }
    let person_id = person_of(state, actor, input.person_id, input.record_number.as_deref()).await?;
    // Checks the actor may work with this person; the write below is the audited edit.
    records::open(state, actor, person_id, Action::EditPerson).await?;
    let org = actor_org(state, actor).await?;
    let now = state.clock.now();
    let today = local_date(&org.time_zone, now);
    let mut e = FieldErrors::new();
    let joined_on = e.optional_date("joined_on", input.joined_on.as_deref()).unwrap_or(today);
    if joined_on > today {
        e.add("joined_on", "error-date-in-future");
    }
    e.finish(())?;
    let txn = state.db.begin_write().await?;
    lock_group(&txn, actor.org_id, group_id).await?;
    let existing = membership(&*txn, actor.org_id, group_id, person_id).await?;
    if existing.as_ref().is_some_and(|m| m.status == MemberStatus::Active.code()) {
        return Err(FieldErrors::single("person", "error-members-already").into());
    }
    check_capacity(&loaded, active_count(&*txn, actor.org_id, group_id).await?, input.confirm_capacity)?;
    let member = match existing {
        Some(old) => {
            let mut m = old.clone();
            m.status = MemberStatus::Active.code().into();
            m.joined_on = joined_on;
            m.left_on = None;
            m.added_by = actor.staff_id;
            m.version = old.version + 1;
            m.updated_at = now;
            update_member(&txn, m.clone(), old.version).await?;
            m
        }
        None => {
            let m = group_member::Model {
                id: Uuid::new_v4(),
                org_id: actor.org_id,
                group_id,
                person_id,
                status: MemberStatus::Active.code().into(),
                joined_on,
                left_on: None,
                availability: None,
                added_by: actor.staff_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            group_member::Entity::insert(group_member::ActiveModel::from(m.clone()))
                .exec_without_returning(&*txn)
                .await?;
            m
        }
    };
    let now_active = active_count(&*txn, actor.org_id, group_id).await?;
    let full = loaded.group.capacity.is_some_and(|c| now_active > c as u64);
    let entry = actor_entry(actor, "group.member.enrol").record("person", person_id).detail(json!({
        "group_id": group_id, "joined_on": joined_on.to_string(), "over_capacity": full,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(member)
}

/// Holds the group's row until the transaction ends, so that two facilitators enrolling at the
/// same moment count the members one after the other and cannot both take the last place
/// (SQLite runs one write at a time anyway; PostgreSQL would run both side by side).
async fn lock_group(txn: &WriteTxn, org_id: Uuid, group_id: Uuid) -> AppResult<()> {
    use crate::db::entities::support_group;
    support_group::Entity::update_many()
        .col_expr(support_group::Column::Version, Expr::col(support_group::Column::Version))
        .filter(support_group::Column::OrgId.eq(org_id))
        .filter(support_group::Column::Id.eq(group_id))
        .exec(&**txn)
        .await?;
    Ok(())
}

async fn update_member(txn: &WriteTxn, m: group_member::Model, version: i32) -> AppResult<()> {
    let (org_id, id) = (m.org_id, m.id);
    let result = group_member::Entity::update_many()
        .set(group_member::ActiveModel::from(m).reset_all())
        .filter(group_member::Column::OrgId.eq(org_id))
        .filter(group_member::Column::Id.eq(id))
        .filter(group_member::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    Ok(())
}

/// Marks a member as having left the group on `left_on` (today when absent).
pub async fn leave(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    person_id: Uuid,
    left_on: Option<&str>,
    version: Option<i32>,
) -> AppResult<group_member::Model> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.run, "EditGroupMember", group_id).await?;
    let org = actor_org(state, actor).await?;
    let now = state.clock.now();
    let today = local_date(&org.time_zone, now);
    let old = membership(state.db.conn(), actor.org_id, group_id, person_id).await?.ok_or(AppError::NotFound)?;
    if old.status != MemberStatus::Active.code() {
        return Err(FieldErrors::single("left_on", "error-members-not-active").into());
    }
    if version.is_some_and(|v| v != old.version) {
        return Err(AppError::Conflict);
    }
    let mut e = FieldErrors::new();
    let left_on = e.optional_date("left_on", left_on).unwrap_or(today);
    if left_on > today {
        e.add("left_on", "error-date-in-future");
    } else if left_on < old.joined_on {
        e.add_with("left_on", "error-members-left-before-joined", vec![("date", old.joined_on.to_string())]);
    }
    e.finish(())?;
    let mut m = old.clone();
    m.status = MemberStatus::Left.code().into();
    m.left_on = Some(left_on);
    m.version = old.version + 1;
    m.updated_at = now;
    let txn = state.db.begin_write().await?;
    update_member(&txn, m.clone(), old.version).await?;
    let entry = actor_entry(actor, "group.member.leave")
        .record("person", person_id)
        .detail(json!({ "group_id": group_id, "left_on": left_on.to_string() }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(m)
}

// ---------- sessions ----------

/// The curriculum session planned for a session, read loosely from the curriculum's JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub number: i32,
    pub topic: Option<String>,
    /// How many sessions the curriculum has.
    pub of: i32,
}

/// One line of the attendance list: a member on the session's day, or anyone recorded for it.
#[derive(Clone, Debug)]
pub struct AttendanceRow {
    pub person_id: Uuid,
    pub name: String,
    pub record_number: i64,
    pub drop_in: bool,
    pub status: Option<AttendanceStatus>,
    pub leadership: Vec<LeadershipRole>,
    pub contact_id: Option<Uuid>,
    pub version: i32,
}

impl AttendanceRow {
    pub fn present(&self) -> bool {
        self.status == Some(AttendanceStatus::Present)
    }
}

#[derive(Clone, Debug, Default)]
pub struct FeedbackSummary {
    pub answers: usize,
    pub by_member: usize,
    pub felt_safe: Option<f64>,
    pub useful: Option<f64>,
    pub comments: Vec<String>,
}

impl FeedbackSummary {
    fn of(rows: &[group_feedback::Model]) -> FeedbackSummary {
        let average = |values: Vec<i16>| {
            (!values.is_empty()).then(|| values.iter().map(|v| f64::from(*v)).sum::<f64>() / values.len() as f64)
        };
        FeedbackSummary {
            answers: rows.len(),
            by_member: rows.iter().filter(|r| r.source == FeedbackSource::Member.code()).count(),
            felt_safe: average(rows.iter().filter_map(|r| r.felt_safe).collect()),
            useful: average(rows.iter().filter_map(|r| r.useful).collect()),
            comments: rows.iter().filter_map(|r| r.comment.clone()).collect(),
        }
    }
}

pub struct SessionView {
    pub loaded: Loaded,
    pub session: group_session::Model,
    /// False for an occurrence nobody has acted on yet (shown read-only, nothing stored).
    pub stored: bool,
    pub rows: Vec<AttendanceRow>,
    pub planned: Option<Planned>,
    pub feedback: FeedbackSummary,
    pub time_zone: String,
    pub now: OffsetDateTime,
}

impl SessionView {
    pub fn day(&self) -> Date {
        local_date(&self.time_zone, self.session.starts_at)
    }

    pub fn cancelled(&self) -> bool {
        self.session.status == SessionStatus::Cancelled.code()
    }

    /// Why attendance cannot be taken now, as a message id.
    pub fn refusal(&self) -> Option<&'static str> {
        refusal(&self.session, self.now)
    }

    pub fn present(&self) -> usize {
        self.rows.iter().filter(|r| r.present()).count()
    }
}

fn refusal(session: &group_session::Model, now: OffsetDateTime) -> Option<&'static str> {
    if session.status == SessionStatus::Cancelled.code() {
        Some("error-attendance-cancelled")
    } else if session.starts_at > now + ATTENDANCE_LEAD {
        Some("error-attendance-future")
    } else {
        None
    }
}

/// The sessions of the curriculum version the group follows, read loosely (the curricula module
/// owns their shape: each has a number and a topic).
async fn curriculum_sessions(conn: &impl ConnectionTrait, loaded: &Loaded) -> AppResult<Vec<serde_json::Value>> {
    let (Some(curriculum_id), Some(number)) = (loaded.group.curriculum_id, loaded.group.curriculum_version) else {
        return Ok(Vec::new());
    };
    let version = curriculum_version::Entity::find()
        .filter(curriculum_version::Column::OrgId.eq(loaded.group.org_id))
        .filter(curriculum_version::Column::CurriculumId.eq(curriculum_id))
        .filter(curriculum_version::Column::Number.eq(number))
        .one(conn)
        .await?;
    Ok(match version.map(|v| serde_json::from_str::<serde_json::Value>(&v.sessions)) {
        Some(Ok(serde_json::Value::Array(items))) => items,
        _ => Vec::new(),
    })
}

/// The topic of curriculum session `number` (by its own number, else by position).
fn topic_of(sessions: &[serde_json::Value], number: i32) -> Option<String> {
    sessions
        .iter()
        .find(|s| s.get("number").and_then(serde_json::Value::as_i64) == Some(i64::from(number)))
        .or_else(|| usize::try_from(number - 1).ok().and_then(|i| sessions.get(i)))
        .and_then(|s| s.get("topic").or_else(|| s.get("title")))
        .and_then(serde_json::Value::as_str)
        .map(str::to_string)
}

/// The curriculum session this one delivers: the one logged, else the next after those held
/// before it (a rolling open group starts over when it reaches the end).
async fn planned(
    conn: &impl ConnectionTrait,
    sessions: &[serde_json::Value],
    session: &group_session::Model,
) -> AppResult<Option<Planned>> {
    if sessions.is_empty() {
        return Ok(None);
    }
    let of = sessions.len() as i32;
    let number = match session.curriculum_session {
        Some(n) => n,
        None => {
            let held_before = group_session::Entity::find()
                .filter(group_session::Column::OrgId.eq(session.org_id))
                .filter(group_session::Column::GroupId.eq(session.group_id))
                .filter(group_session::Column::Status.eq(SessionStatus::Held.code()))
                .filter(group_session::Column::StartsAt.lt(session.starts_at))
                .count(conn)
                .await?;
            (held_before % of as u64) as i32 + 1
        }
    };
    let topic = topic_of(sessions, number).or_else(|| session.topic.clone());
    Ok(Some(Planned { number, topic, of }))
}

async fn attendance_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    session_id: Uuid,
) -> AppResult<Vec<group_attendance::Model>> {
    Ok(group_attendance::Entity::find()
        .filter(group_attendance::Column::OrgId.eq(org_id))
        .filter(group_attendance::Column::SessionId.eq(session_id))
        .all(conn)
        .await?)
}

/// Members on the session's day: joined by then and not left before it.
fn member_on(m: &group_member::Model, day: Date) -> bool {
    m.joined_on <= day && m.left_on.is_none_or(|l| l >= day)
}

/// May be recorded for the session as a member (a late enrolment recorded afterwards counts).
fn may_attend_as_member(m: &group_member::Model, day: Date) -> bool {
    m.left_on.is_none_or(|l| l >= day)
}

async fn build_view(
    state: &AppState,
    loaded: Loaded,
    session: group_session::Model,
    stored: bool,
    tz: String,
) -> AppResult<SessionView> {
    let conn = state.db.conn();
    let org_id = loaded.group.org_id;
    let day = local_date(&tz, session.starts_at);
    let members = group_member::Entity::find()
        .filter(group_member::Column::OrgId.eq(org_id))
        .filter(group_member::Column::GroupId.eq(loaded.group.id))
        .all(conn)
        .await?;
    let attendance: HashMap<Uuid, group_attendance::Model> = if stored {
        attendance_of(conn, org_id, session.id).await?.into_iter().map(|a| (a.person_id, a)).collect()
    } else {
        HashMap::new()
    };
    // Members on the day, then anyone else recorded (drop-ins, people who have since left).
    let mut ids: Vec<Uuid> = members.iter().filter(|m| member_on(m, day)).map(|m| m.person_id).collect();
    let listed: HashSet<Uuid> = ids.iter().copied().collect();
    ids.extend(attendance.keys().filter(|id| !listed.contains(id)));
    let people: HashMap<Uuid, db::people::PersonSummary> =
        db::people::summaries(&state.db, org_id, &ids).await?.into_iter().map(|p| (p.id, p)).collect();
    let mut rows: Vec<AttendanceRow> = ids
        .iter()
        .map(|id| {
            let a = attendance.get(id);
            let p = people.get(id);
            AttendanceRow {
                person_id: *id,
                name: p.map(display_name).unwrap_or_default(),
                record_number: p.map_or(0, |p| p.record_number),
                drop_in: a.is_some_and(|a| a.drop_in),
                status: a.and_then(|a| AttendanceStatus::parse(&a.status)),
                leadership: split_codes(a.and_then(|a| a.leadership.as_deref()).unwrap_or(""), LeadershipRole::parse),
                contact_id: a.and_then(|a| a.contact_id),
                version: a.map_or(0, |a| a.version),
            }
        })
        .collect();
    rows.sort_by_cached_key(|r| (r.drop_in, r.name.to_lowercase()));
    let feedback = if stored {
        group_feedback::Entity::find()
            .filter(group_feedback::Column::OrgId.eq(org_id))
            .filter(group_feedback::Column::SessionId.eq(session.id))
            .order_by_asc(group_feedback::Column::CreatedAt)
            .all(conn)
            .await?
    } else {
        Vec::new()
    };
    let curriculum = curriculum_sessions(conn, &loaded).await?;
    let planned = planned(conn, &curriculum, &session).await?;
    Ok(SessionView {
        loaded,
        rows,
        planned,
        feedback: FeedbackSummary::of(&feedback),
        session,
        stored,
        time_zone: tz,
        now: state.clock.now(),
    })
}

/// A session with its attendance, log and check-out summary (audited as a list, count only).
pub async fn session(state: &AppState, actor: &Actor, group_id: Uuid, session_id: Uuid) -> AppResult<SessionView> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.roster, "ViewGroupAttendance", group_id).await?;
    let session = session_of(state.db.conn(), actor.org_id, group_id, session_id).await?;
    let tz = actor_org(state, actor).await?.time_zone;
    let view = build_view(state, loaded, session, true, tz).await?;
    let entry = actor_entry(actor, "group.attendance.view")
        .record("group", group_id)
        .detail(json!({ "session_id": session_id, "results": view.rows.len() }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(view)
}

/// What opening an occurrence of a schedule gives.
pub enum Occurrence {
    /// The stored session (created now if the actor runs the group).
    Stored(Uuid),
    /// For those who may only read: the occurrence as scheduled, nothing stored.
    Preview(Box<SessionView>),
}

/// The session for one occurrence of a schedule, stored on first action by those who run the group.
pub async fn occurrence(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    schedule_id: Uuid,
    unix_start: i64,
) -> AppResult<Occurrence> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.roster, "ViewGroupAttendance", group_id).await?;
    let schedule = schedule_of(state.db.conn(), actor.org_id, group_id, schedule_id).await?;
    let start = OffsetDateTime::from_unix_timestamp(unix_start).map_err(|_| AppError::NotFound)?;
    let existing = group_session::Entity::find()
        .filter(group_session::Column::OrgId.eq(actor.org_id))
        .filter(group_session::Column::ScheduleId.eq(schedule_id))
        .filter(group_session::Column::OccurrenceStart.eq(start))
        .one(state.db.conn())
        .await?;
    if let Some(s) = existing {
        return Ok(Occurrence::Stored(s.id));
    }
    let tz = actor_org(state, actor).await?.time_zone;
    let now = state.clock.now();
    if loaded.access.run {
        let txn = state.db.begin_write().await?;
        let session = match super::materialise(&txn, actor, &schedule, start, &tz, now).await {
            Ok(s) => s,
            Err(AppError::Invalid(_)) => return Err(AppError::NotFound),
            Err(other) => return Err(other),
        };
        txn.commit().await?;
        return Ok(Occurrence::Stored(session.id));
    }
    let occurrence = super::occurrence_at(&schedule, &tz, start).ok_or(AppError::NotFound)?;
    let ends_at = super::from_timestamp(occurrence.ends_at);
    // Shown, never stored: no id and version 0.
    let preview = group_session::Model {
        id: Uuid::nil(),
        version: 0,
        ..super::blank_session(actor, group_id, Some(schedule_id), Some(start), (start, ends_at), schedule.room, now)
    };
    let view = build_view(state, loaded, preview, false, tz).await?;
    let entry = actor_entry(actor, "group.attendance.view")
        .record("group", group_id)
        .detail(json!({ "schedule_id": schedule_id, "results": view.rows.len() }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(Occurrence::Preview(Box::new(view)))
}

async fn update_attendance(txn: &WriteTxn, a: group_attendance::Model, version: i32) -> AppResult<()> {
    let (org_id, session_id, person_id) = (a.org_id, a.session_id, a.person_id);
    let result = group_attendance::Entity::update_many()
        .set(group_attendance::ActiveModel::from(a).reset_all())
        .filter(group_attendance::Column::OrgId.eq(org_id))
        .filter(group_attendance::Column::SessionId.eq(session_id))
        .filter(group_attendance::Column::PersonId.eq(person_id))
        .filter(group_attendance::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    Ok(())
}

/// One person's mark.
#[derive(Clone, Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct AttendanceEntry {
    pub person_id: Uuid,
    pub status: AttendanceStatus,
    /// Someone who is not a member, at this session only (open groups).
    #[serde(default)]
    pub drop_in: bool,
}

#[derive(Clone, Debug)]
pub struct AttendanceInput {
    pub entries: Vec<AttendanceEntry>,
    /// People who came without giving a name (open groups); unchanged when None.
    pub anonymous_count: Option<i32>,
    /// Mark every member present; the marks in `entries` are its exceptions.
    pub everyone_present: bool,
    /// The session's version the marks were made from.
    pub version: i32,
}

pub struct Saved {
    pub session: group_session::Model,
    pub written: usize,
    pub contacts_added: usize,
    pub contacts_removed: usize,
}

/// What a contact for a group session looks like: how the group meets, what it is for.
fn contact_shape(group: &crate::db::entities::support_group::Model) -> (ContactMode, ContactSetting, CoachingActivity) {
    let remote = group.online_link.is_some() && group.site_id.is_none();
    let (mode, setting) = if remote {
        (ContactMode::Video, ContactSetting::Remote)
    } else {
        (ContactMode::FaceToFace, ContactSetting::Community)
    };
    let activity = if group.kind == GroupKind::Education.code() {
        CoachingActivity::Education
    } else {
        CoachingActivity::RecoveryCommunity
    };
    (mode, setting, activity)
}

/// Records the marks. A person present who is in coaching gets one signed contact for the
/// session (saving again adds none); a mark corrected away from present removes it.
pub async fn save_attendance(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    session_id: Uuid,
    input: &AttendanceInput,
) -> AppResult<Saved> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.run, "TakeGroupAttendance", group_id).await?;
    let conn = state.db.conn();
    let session = session_of(conn, actor.org_id, group_id, session_id).await?;
    let now = state.clock.now();
    if let Some(message) = refusal(&session, now) {
        return Err(FieldErrors::single("attendance", message).into());
    }
    if session.version != input.version {
        return Err(AppError::Conflict);
    }
    let open = loaded.group.membership == Membership::Open.code();
    let mut e = FieldErrors::new();
    if input.entries.len() > MAX_MARKS {
        e.add_with("attendance", "error-attendance-too-many", vec![("max", MAX_MARKS.to_string())]);
        return Err(e.into());
    }
    if let Some(n) = input.anonymous_count {
        if !(0..=MAX_ANONYMOUS).contains(&n) {
            e.add_with(
                "anonymous_count",
                "error-number-range",
                vec![("min", "0".into()), ("max", MAX_ANONYMOUS.to_string())],
            );
        } else if n > 0 && !open {
            e.add("anonymous_count", "error-attendance-anonymous-closed");
        }
    }
    let org = actor_org(state, actor).await?;
    let tz = org.time_zone.clone();
    let day = local_date(&tz, session.starts_at);
    let members: HashMap<Uuid, group_member::Model> = group_member::Entity::find()
        .filter(group_member::Column::OrgId.eq(actor.org_id))
        .filter(group_member::Column::GroupId.eq(group_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.person_id, m))
        .collect();
    let recorded: HashMap<Uuid, group_attendance::Model> =
        attendance_of(conn, actor.org_id, session_id).await?.into_iter().map(|a| (a.person_id, a)).collect();
    // "Everyone present" first, then the marks sent, which are its exceptions; the last mark
    // sent for a person counts.
    let everyone = members.values().filter(|m| input.everyone_present && member_on(m, day)).map(|m| AttendanceEntry {
        person_id: m.person_id,
        status: AttendanceStatus::Present,
        drop_in: false,
    });
    let mut position: HashMap<Uuid, usize> = HashMap::new();
    let mut entries: Vec<AttendanceEntry> = Vec::new();
    for mark in everyone.chain(input.entries.iter().cloned()) {
        match position.get(&mark.person_id) {
            Some(&i) => entries[i] = mark,
            None => {
                position.insert(mark.person_id, entries.len());
                entries.push(mark);
            }
        }
    }
    let mut drop_ins_to_open = Vec::new();
    for entry in &mut entries {
        let member = members.get(&entry.person_id).is_some_and(|m| may_attend_as_member(m, day));
        let earlier = recorded.get(&entry.person_id);
        if member {
            // A drop-in who has since enrolled stays a drop-in at this session.
            entry.drop_in = earlier.is_some_and(|a| a.drop_in);
            continue;
        }
        if !open {
            e.add("person", "error-attendance-closed-drop-in");
            break;
        }
        match earlier {
            Some(a) if a.drop_in => {}
            // Only someone meant as a drop-in becomes one: a mistyped id is not added silently.
            _ if !entry.drop_in => {
                e.add("person", "error-attendance-not-member");
                break;
            }
            _ => drop_ins_to_open.push(entry.person_id),
        }
        entry.drop_in = true;
    }
    e.finish(())?;
    // A new drop-in must be someone the actor may work with (checked and refused with an audit).
    for person_id in &drop_ins_to_open {
        records::open(state, actor, *person_id, Action::EditPerson).await?;
    }
    let (mode, setting, activity) = contact_shape(&loaded.group);
    let lang = UiLanguage::parse(&org.default_language).unwrap_or(UiLanguage::En);
    let note = Tr::new(lang).t1("attendance-contact-note", "group", loaded.group.name.clone());
    let minutes = contact_minutes(&session);

    let txn = state.db.begin_write().await?;
    // The session row first: a second facilitator saving from the same version waits here and fails.
    let present_ids: Vec<Uuid> = entries
        .iter()
        .filter(|x| x.status == AttendanceStatus::Present)
        .map(|x| x.person_id)
        .chain(
            recorded
                .values()
                .filter(|a| a.status == AttendanceStatus::Present.code())
                .filter(|a| !position.contains_key(&a.person_id))
                .map(|a| a.person_id),
        )
        .collect();
    let anonymous = input.anonymous_count.unwrap_or(session.anonymous_count);
    let mut updated = session.clone();
    updated.anonymous_count = anonymous;
    updated.status = if !present_ids.is_empty() || anonymous > 0 || session.logged_at.is_some() {
        SessionStatus::Held
    } else {
        SessionStatus::Scheduled
    }
    .code()
    .into();
    updated.version = session.version + 1;
    updated.updated_by = actor.staff_id;
    updated.updated_at = now;
    save_session(&txn, updated.clone(), session.version).await?;

    let in_coaching: HashSet<Uuid> = if present_ids.is_empty() {
        HashSet::new()
    } else {
        coaching_status::Entity::find()
            .filter(coaching_status::Column::OrgId.eq(actor.org_id))
            .filter(coaching_status::Column::PersonId.is_in(present_ids.clone()))
            .all(&*txn)
            .await?
            .into_iter()
            .map(|s| s.person_id)
            .collect()
    };
    let linked: Vec<Uuid> = recorded.values().filter_map(|a| a.contact_id).collect();
    let existing_contacts: HashSet<Uuid> = if linked.is_empty() {
        HashSet::new()
    } else {
        coaching_contact::Entity::find()
            .filter(coaching_contact::Column::OrgId.eq(actor.org_id))
            .filter(coaching_contact::Column::Id.is_in(linked))
            .all(&*txn)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    let mut saved = Saved { session: updated, written: 0, contacts_added: 0, contacts_removed: 0 };
    let mut audit: Vec<(Entry, OffsetDateTime)> = Vec::new();
    for entry in &entries {
        let earlier = recorded.get(&entry.person_id);
        let present = entry.status == AttendanceStatus::Present;
        let mut row = match earlier {
            Some(a) => a.clone(),
            None => group_attendance::Model {
                org_id: actor.org_id,
                session_id,
                person_id: entry.person_id,
                group_id,
                status: entry.status.code().into(),
                drop_in: entry.drop_in,
                leadership: None,
                contact_id: None,
                recorded_by: actor.staff_id,
                recorded_at: now,
                version: 0,
            },
        };
        let changed = earlier.is_none_or(|a| a.status != entry.status.code() || a.drop_in != entry.drop_in);
        row.status = entry.status.code().into();
        row.drop_in = entry.drop_in;
        let mut added = None;
        let mut removed = None;
        let has_contact = row.contact_id.is_some_and(|c| existing_contacts.contains(&c));
        if present && !has_contact && in_coaching.contains(&entry.person_id) {
            let contact = group_contact(
                &txn,
                actor,
                &loaded,
                &session,
                entry.person_id,
                (mode, setting, activity),
                minutes,
                &note,
                now,
            )
            .await?;
            row.contact_id = Some(contact);
            added = Some(contact);
        } else if !present && let Some(contact_id) = row.contact_id {
            if existing_contacts.contains(&contact_id) {
                remove_group_contact(&txn, actor.org_id, contact_id, session_id).await?;
                removed = Some(contact_id);
            }
            row.contact_id = None;
        }
        if !changed && added.is_none() && removed.is_none() {
            continue;
        }
        row.recorded_by = actor.staff_id;
        row.recorded_at = now;
        match earlier {
            Some(a) => {
                row.version = a.version + 1;
                update_attendance(&txn, row.clone(), a.version).await?;
            }
            None => {
                row.version = 1;
                group_attendance::Entity::insert(group_attendance::ActiveModel::from(row.clone()))
                    .exec_without_returning(&*txn)
                    .await?;
            }
        }
        if added.is_some() || removed.is_some() {
            crate::coaching::refresh_contact_dates(&txn, actor.org_id, entry.person_id, &tz, actor.staff_id, now)
                .await?;
        }
        saved.written += 1;
        saved.contacts_added += usize::from(added.is_some());
        saved.contacts_removed += usize::from(removed.is_some());
        let entry_audit = actor_entry(actor, "group.attendance").record("person", entry.person_id).detail(json!({
            "group_id": group_id, "session_id": session_id, "status": entry.status.code(),
            "drop_in": entry.drop_in, "contact_added": added, "contact_removed": removed,
        }));
        audit.push((entry_audit, now));
    }
    if anonymous != session.anonymous_count {
        let entry = actor_entry(actor, "group.attendance.anonymous")
            .record("group", group_id)
            .detail(json!({ "session_id": session_id, "count": anonymous }));
        audit.push((entry, now));
    }
    db::audit::append_many(&txn, audit).await?;
    txn.commit().await?;
    Ok(saved)
}

/// How long a session counts for as a coaching contact.
fn contact_minutes(session: &group_session::Model) -> i32 {
    (session.ends_at - session.starts_at).whole_minutes().clamp(1, 24 * 60) as i32
}

/// After a session moved: the coaching contacts its attendance counts as move with it, and each
/// person's last contact and next due date follow.
pub(crate) async fn follow_moved_session(
    txn: &WriteTxn,
    actor: &Actor,
    session: &group_session::Model,
    tz: &str,
    now: OffsetDateTime,
) -> AppResult<()> {
    let linked: Vec<(Uuid, Uuid)> = attendance_of(&**txn, session.org_id, session.id)
        .await?
        .into_iter()
        .filter_map(|a| Some((a.person_id, a.contact_id?)))
        .collect();
    if linked.is_empty() {
        return Ok(());
    }
    use coaching_contact::Column as C;
    coaching_contact::Entity::update_many()
        .col_expr(C::OccurredAt, Expr::value(session.starts_at))
        .col_expr(C::Minutes, Expr::value(contact_minutes(session)))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::OrgId.eq(session.org_id))
        .filter(C::GroupSessionId.eq(session.id))
        .filter(C::Id.is_in(linked.iter().map(|(_, contact)| *contact)))
        .exec(&**txn)
        .await?;
    let mut audit = Vec::new();
    for (person_id, contact_id) in linked {
        crate::coaching::refresh_contact_dates(txn, session.org_id, person_id, tz, actor.staff_id, now).await?;
        let entry = actor_entry(actor, "group.attendance.contact-moved").record("person", person_id).detail(json!({
            "group_id": session.group_id, "session_id": session.id, "contact_id": contact_id,
        }));
        audit.push((entry, now));
    }
    db::audit::append_many(txn, audit).await?;
    Ok(())
}

/// The signed contact a session counts as for one person in coaching.
#[allow(clippy::too_many_arguments)]
async fn group_contact(
    txn: &WriteTxn,
    actor: &Actor,
    loaded: &Loaded,
    session: &group_session::Model,
    person_id: Uuid,
    (mode, setting, activity): (ContactMode, ContactSetting, CoachingActivity),
    minutes: i32,
    note: &str,
    now: OffsetDateTime,
) -> AppResult<Uuid> {
    let enrolments = db::people::enrolments(&**txn, actor.org_id, person_id).await?;
    let open: Vec<_> = enrolments.iter().filter(|e| e.ended_on.is_none()).collect();
    let program_id = open
        .iter()
        .find(|e| e.program_id == loaded.group.program_id)
        .or_else(|| open.iter().find(|e| e.worker_id == Some(actor.staff_id)))
        .or_else(|| open.first())
        .map(|e| e.program_id);
    let contact = coaching_contact::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        person_id,
        program_id,
        worker_id: actor.staff_id,
        occurred_at: session.starts_at,
        minutes,
        mode: mode.code().into(),
        setting: setting.code().into(),
        present: None,
        activities: activity.code().into(),
        goals: String::new(),
        note: note.to_string(),
        status: NoteStatus::Signed.code().into(),
        signed_at: Some(now),
        signed_by: Some(actor.staff_id),
        warnings: None,
        lapse_id: None,
        group_session_id: Some(session.id),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let id = contact.id;
    db::coaching::insert_contact(txn, contact).await?;
    Ok(id)
}

/// Removes the automatic contact of a corrected mark (with any addenda written to it).
async fn remove_group_contact(txn: &WriteTxn, org_id: Uuid, contact_id: Uuid, session_id: Uuid) -> AppResult<()> {
    contact_addendum::Entity::delete_many()
        .filter(contact_addendum::Column::OrgId.eq(org_id))
        .filter(contact_addendum::Column::ContactId.eq(contact_id))
        .exec(&**txn)
        .await?;
    coaching_contact::Entity::delete_many()
        .filter(coaching_contact::Column::OrgId.eq(org_id))
        .filter(coaching_contact::Column::Id.eq(contact_id))
        .filter(coaching_contact::Column::GroupSessionId.eq(session_id))
        .exec(&**txn)
        .await?;
    Ok(())
}

// ---------- session log ----------

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct LeadershipEntry {
    pub person_id: Uuid,
    /// `LeadershipRole` codes: co-facilitating, welcoming-newcomers, sharing-story, leading-activity, setting-up, other.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// What the facilitator writes after a session.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct LogInput {
    /// Required.
    #[serde(default)]
    pub topics_covered: String,
    /// The curriculum session delivered (its number), for groups following a curriculum.
    #[serde(default)]
    pub curriculum_session: Option<i32>,
    /// How the group is progressing.
    #[serde(default)]
    pub progress: Option<String>,
    /// How the session was adapted to members' changing needs.
    #[serde(default)]
    pub adaptations: Option<String>,
    /// Activities of interest offered.
    #[serde(default)]
    pub activities_offered: Option<String>,
    /// `SessionOpportunity` codes.
    #[serde(default)]
    pub opportunities: Vec<String>,
    #[serde(default)]
    pub safety_concerns: Option<String>,
    /// Responsibilities or leadership present members took.
    #[serde(default)]
    pub leadership: Vec<LeadershipEntry>,
    /// The session's version the log was written from.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Saves the session log; the session then counts as held.
pub async fn save_log(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    session_id: Uuid,
    input: &LogInput,
) -> AppResult<group_session::Model> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.run, "LogGroupSession", group_id).await?;
    let session = session_of(state.db.conn(), actor.org_id, group_id, session_id).await?;
    let now = state.clock.now();
    if let Some(message) = refusal(&session, now) {
        return Err(FieldErrors::single("topics_covered", message).into());
    }
    let mut e = FieldErrors::new();
    let topics = e.required("topics_covered", &input.topics_covered, 4000);
    let progress = e.optional("progress", input.progress.as_deref(), 4000);
    let adaptations = e.optional("adaptations", input.adaptations.as_deref(), 4000);
    let activities = e.optional("activities_offered", input.activities_offered.as_deref(), 4000);
    let safety = e.optional("safety_concerns", input.safety_concerns.as_deref(), 4000);
    let mut opportunities = Vec::new();
    for code in &input.opportunities {
        match SessionOpportunity::parse(code) {
            Some(o) if !opportunities.contains(&o) => opportunities.push(o),
            Some(_) => {}
            None => e.add("opportunities", "error-unknown-choice"),
        }
    }
    let curriculum = curriculum_sessions(state.db.conn(), &loaded).await?;
    if let Some(n) = input.curriculum_session {
        let max = if curriculum.is_empty() { 500 } else { curriculum.len() as i32 };
        if !(1..=max).contains(&n) {
            e.add_with("curriculum_session", "error-number-range", vec![("min", "1".into()), ("max", max.to_string())]);
        }
    }
    let recorded = attendance_of(state.db.conn(), actor.org_id, session_id).await?;
    let mut leadership: HashMap<Uuid, Vec<LeadershipRole>> = HashMap::new();
    for l in &input.leadership {
        let mut roles = Vec::new();
        for code in &l.roles {
            match LeadershipRole::parse(code) {
                Some(r) if !roles.contains(&r) => roles.push(r),
                Some(_) => {}
                None => e.add("leadership", "error-unknown-choice"),
            }
        }
        let present =
            recorded.iter().any(|a| a.person_id == l.person_id && a.status == AttendanceStatus::Present.code());
        if !roles.is_empty() && !present {
            e.add("leadership", "error-attendance-leadership-not-present");
        }
        leadership.insert(l.person_id, roles);
    }
    let Some(version) = input.version else {
        e.add("version", "error-required");
        return Err(e.into());
    };
    e.finish(())?;
    if version != session.version {
        return Err(AppError::Conflict);
    }
    let mut updated = session.clone();
    updated.topics_covered = Some(topics);
    updated.curriculum_session = input.curriculum_session.or(session.curriculum_session);
    if let Some(topic) = updated.curriculum_session.and_then(|n| topic_of(&curriculum, n)) {
        updated.topic = Some(topic);
    }
    updated.progress = progress;
    updated.adaptations = adaptations;
    updated.activities_offered = activities;
    updated.opportunities = join(&opportunities, SessionOpportunity::code);
    updated.safety_concerns = safety;
    updated.status = SessionStatus::Held.code().into();
    updated.logged_by = Some(actor.staff_id);
    updated.logged_at = Some(now);
    updated.version = session.version + 1;
    updated.updated_by = actor.staff_id;
    updated.updated_at = now;
    let txn = state.db.begin_write().await?;
    save_session(&txn, updated.clone(), session.version).await?;
    let mut audit = vec![(
        actor_entry(actor, "group.session.log").record("group", group_id).detail(json!({
            "session_id": session_id, "opportunities": opportunities.len(), "safety_concerns": updated.safety_concerns.is_some(),
        })),
        now,
    )];
    for a in &recorded {
        let Some(roles) = leadership.get(&a.person_id) else { continue };
        let joined = join(roles, LeadershipRole::code);
        if joined == a.leadership {
            continue;
        }
        let mut row = a.clone();
        row.leadership = joined;
        row.version = a.version + 1;
        update_attendance(&txn, row, a.version).await?;
        let entry = actor_entry(actor, "group.attendance.leadership").record("person", a.person_id).detail(json!({
            "group_id": group_id, "session_id": session_id, "roles": roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
        }));
        audit.push((entry, now));
    }
    db::audit::append_many(&txn, audit).await?;
    txn.commit().await?;
    Ok(updated)
}

// ---------- check-out feedback ----------

/// The three check-out questions; every answer is optional, but one must be given.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct FeedbackInput {
    /// The member answering (facilitator-recorded answers only; leave out for anonymous answers).
    #[serde(default)]
    pub person_id: Option<Uuid>,
    /// Felt safe and respected, 1 (not at all) to 5 (completely).
    #[serde(default)]
    pub felt_safe: Option<i16>,
    /// Found the session useful, 1 to 5.
    #[serde(default)]
    pub useful: Option<i16>,
    #[serde(default)]
    pub comment: Option<String>,
}

struct ValidFeedback {
    felt_safe: Option<i16>,
    useful: Option<i16>,
    comment: Option<String>,
}

fn validate_feedback(input: &FeedbackInput) -> Result<ValidFeedback, FieldErrors> {
    let mut e = FieldErrors::new();
    let scale = vec![("min", "1".to_string()), ("max", "5".to_string())];
    for (field, value) in [("felt_safe", input.felt_safe), ("useful", input.useful)] {
        if value.is_some_and(|v| !(1..=5).contains(&v)) {
            e.add_with(field, "error-number-range", scale.clone());
        }
    }
    let comment = e.optional("comment", input.comment.as_deref(), 2000);
    if input.felt_safe.is_none() && input.useful.is_none() && comment.is_none() && e.is_empty() {
        e.add("felt_safe", "error-attendance-feedback-empty");
    }
    e.finish(ValidFeedback { felt_safe: input.felt_safe, useful: input.useful, comment })
}

fn feedback_row(
    session: &group_session::Model,
    source: FeedbackSource,
    person_id: Option<Uuid>,
    recorded_by: Option<Uuid>,
    v: ValidFeedback,
    now: OffsetDateTime,
) -> group_feedback::Model {
    group_feedback::Model {
        id: Uuid::new_v4(),
        org_id: session.org_id,
        session_id: session.id,
        group_id: session.group_id,
        person_id,
        source: source.code().into(),
        felt_safe: v.felt_safe,
        useful: v.useful,
        comment: v.comment,
        recorded_by,
        created_at: now,
    }
}

/// A member's answers as the facilitator heard them.
pub async fn record_feedback(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    session_id: Uuid,
    input: &FeedbackInput,
) -> AppResult<group_feedback::Model> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.run, "RecordGroupFeedback", group_id).await?;
    let session = session_of(state.db.conn(), actor.org_id, group_id, session_id).await?;
    let now = state.clock.now();
    if let Some(message) = refusal(&session, now) {
        return Err(FieldErrors::single("felt_safe", message).into());
    }
    let valid = validate_feedback(input);
    if let Some(person_id) = input.person_id {
        let attended =
            attendance_of(state.db.conn(), actor.org_id, session_id).await?.iter().any(|a| a.person_id == person_id);
        let member = membership(state.db.conn(), actor.org_id, group_id, person_id).await?.is_some();
        if !attended && !member {
            let mut e = valid.as_ref().err().cloned().unwrap_or_default();
            e.add("person_id", "error-attendance-feedback-person");
            return Err(e.into());
        }
    }
    let row = feedback_row(&session, FeedbackSource::Facilitator, input.person_id, Some(actor.staff_id), valid?, now);
    let txn = state.db.begin_write().await?;
    group_feedback::Entity::insert(group_feedback::ActiveModel::from(row.clone()))
        .exec_without_returning(&*txn)
        .await?;
    let mut entry =
        actor_entry(actor, "group.feedback").detail(json!({ "group_id": group_id, "session_id": session_id }));
    entry = match input.person_id {
        Some(p) => entry.record("person", p),
        None => entry.record("group", group_id),
    };
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(row)
}

/// The secret for the session's check-out link (made on first request, then the same).
pub async fn checkout_token(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    session_id: Uuid,
) -> AppResult<group_session::Model> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.run, "OpenGroupCheckout", group_id).await?;
    let session = session_of(state.db.conn(), actor.org_id, group_id, session_id).await?;
    let now = state.clock.now();
    if let Some(message) = refusal(&session, now) {
        return Err(FieldErrors::single("checkout", message).into());
    }
    if session.ends_at + CHECKOUT_WINDOW < now {
        return Err(FieldErrors::single("checkout", "error-attendance-checkout-too-late").into());
    }
    if session.checkout_token.is_some() {
        return Ok(session);
    }
    let mut updated = session.clone();
    updated.checkout_token = Some(checkout_secret());
    updated.version = session.version + 1;
    updated.updated_by = actor.staff_id;
    updated.updated_at = now;
    let txn = state.db.begin_write().await?;
    // Someone saving attendance meanwhile only moves the version on: read it again and retry once.
    match save_session(&txn, updated.clone(), session.version).await {
        Ok(()) => {}
        Err(AppError::Conflict) => {
            let fresh = session_of(&*txn, actor.org_id, group_id, session_id).await?;
            if fresh.checkout_token.is_some() {
                return Ok(fresh);
            }
            updated = fresh.clone();
            updated.checkout_token = Some(checkout_secret());
            updated.version = fresh.version + 1;
            updated.updated_by = actor.staff_id;
            updated.updated_at = now;
            save_session(&txn, updated.clone(), fresh.version).await?;
        }
        Err(other) => return Err(other),
    }
    let entry =
        actor_entry(actor, "group.checkout.open").record("group", group_id).detail(json!({ "session_id": session_id }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(updated)
}

/// What a member's phone sees: the group's name and the session's date, nothing about anyone.
pub struct CheckoutInfo {
    pub group_name: String,
    pub starts_at: OffsetDateTime,
    pub time_zone: String,
    pub org: organisation::Model,
}

pub enum Checkout {
    Open(CheckoutInfo),
    /// Past the window, or the session was cancelled.
    Closed(organisation::Model),
    /// The most answers a link takes were given.
    Full(organisation::Model),
}

async fn checkout_session(
    state: &AppState,
    org_id: Uuid,
    token: &str,
) -> AppResult<(organisation::Model, group_session::Model)> {
    // A malformed secret is not looked up at all.
    if token.len() != 32 || !token.bytes().all(|b| TOKEN_ALPHABET.contains(&b)) {
        return Err(AppError::NotFound);
    }
    let org = org_of(state, org_id).await?;
    let session = group_session::Entity::find()
        .filter(group_session::Column::OrgId.eq(org_id))
        .filter(group_session::Column::CheckoutToken.eq(token))
        .one(state.db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((org, session))
}

async fn checkout_state(
    state: &AppState,
    org: organisation::Model,
    session: &group_session::Model,
) -> AppResult<Checkout> {
    let now = state.clock.now();
    if session.status == SessionStatus::Cancelled.code() || session.ends_at + CHECKOUT_WINDOW < now {
        return Ok(Checkout::Closed(org));
    }
    let answers = group_feedback::Entity::find()
        .filter(group_feedback::Column::OrgId.eq(session.org_id))
        .filter(group_feedback::Column::SessionId.eq(session.id))
        .filter(group_feedback::Column::Source.eq(FeedbackSource::Member.code()))
        .count(state.db.conn())
        .await?;
    if answers >= CHECKOUT_MAX_ANSWERS {
        return Ok(Checkout::Full(org));
    }
    let group = crate::db::entities::support_group::Entity::find_by_id(session.group_id)
        .filter(crate::db::entities::support_group::Column::OrgId.eq(session.org_id))
        .one(state.db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Checkout::Open(CheckoutInfo {
        group_name: group.name,
        starts_at: session.starts_at,
        time_zone: org.time_zone.clone(),
        org,
    }))
}

/// The public check-out page's state (no sign-in).
pub async fn public_checkout(state: &AppState, org_id: Uuid, token: &str) -> AppResult<Checkout> {
    let (org, session) = checkout_session(state, org_id, token).await?;
    checkout_state(state, org, &session).await
}

/// An anonymous answer from a member's own phone.
pub async fn public_answer(state: &AppState, org_id: Uuid, token: &str, input: &FeedbackInput) -> AppResult<Checkout> {
    let (org, session) = checkout_session(state, org_id, token).await?;
    let checkout = checkout_state(state, org, &session).await?;
    if !matches!(checkout, Checkout::Open(_)) {
        return Ok(checkout);
    }
    let anonymous = FeedbackInput { person_id: None, ..input.clone() };
    let valid = validate_feedback(&anonymous)?;
    let now = state.clock.now();
    let row = feedback_row(&session, FeedbackSource::Member, None, None, valid, now);
    let txn = state.db.begin_write().await?;
    group_feedback::Entity::insert(group_feedback::ActiveModel::from(row)).exec_without_returning(&*txn).await?;
    let entry = Entry::new(org_id, "group.checkout.answer")
        .record("group", session.group_id)
        .detail(json!({ "session_id": session.id }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(checkout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_to_whole_percent() {
        let m = group_member::Model {
            id: Uuid::nil(),
            org_id: Uuid::nil(),
            group_id: Uuid::nil(),
            person_id: Uuid::nil(),
            status: "active".into(),
            joined_on: time::macros::date!(2026 - 01 - 01),
            left_on: None,
            availability: None,
            added_by: Uuid::nil(),
            version: 1,
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
        };
        let row =
            |held, attended| MemberRow { member: m.clone(), name: String::new(), record_number: 1, held, attended };
        assert_eq!(row(0, 0).rate(), None);
        assert_eq!(row(3, 2).rate(), Some(67));
        assert_eq!(row(4, 4).rate(), Some(100));
    }

    #[test]
    fn curriculum_topics_are_read_loosely() {
        let sessions =
            json!([{ "number": 2, "topic": "Second" }, { "title": "Untitled number" }]).as_array().cloned().unwrap();
        assert_eq!(topic_of(&sessions, 2).as_deref(), Some("Second"));
        assert_eq!(topic_of(&sessions, 1).as_deref(), Some("Second"), "by position when no number matches");
        assert_eq!(topic_of(&sessions, 7), None);
        assert_eq!(topic_of(&[], 1), None);
    }

    #[test]
    fn check_out_secrets_are_url_safe() {
        let a = checkout_secret();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| TOKEN_ALPHABET.contains(&b)));
        assert_ne!(a, checkout_secret());
    }

    #[test]
    fn feedback_needs_one_answer_on_the_scale() {
        assert!(validate_feedback(&FeedbackInput::default()).is_err());
        let out_of_range = FeedbackInput { felt_safe: Some(6), ..Default::default() };
        assert_eq!(validate_feedback(&out_of_range).err().unwrap().0[0].message_id, "error-number-range");
        let ok = FeedbackInput { useful: Some(4), comment: Some("  ".into()), ..Default::default() };
        let v = validate_feedback(&ok).ok().unwrap();
        assert_eq!((v.useful, v.comment), (Some(4), None));
    }
}
