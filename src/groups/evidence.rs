//! The accreditation evidence for groups: the schedule of the past 12 months (every session held,
//! cancelled, moved or left without a record, with attendance counts) and the curricula in use.
//!
//! The schedule report holds no names of people served (counts only), so besides the roles that
//! read reports, a facilitator may see it for the groups they facilitate. It costs a fixed number
//! of queries however many sessions it covers: groups, facilitators, schedules, and the stored
//! sessions with their attendance counts; the schedules are expanded and the sessions laid over
//! them by `super::merge_slots`, as `super::slots` does.

use super::{Slot, from_timestamp, require, to_timestamp};
use crate::access::Actor;
use crate::app::AppState;
use crate::db::entities::{
    curriculum, curriculum_version, group_facilitator, group_schedule, group_session, program, staff, support_group,
};
use crate::domain::FieldErrors;
use crate::domain::codes::Role;
use crate::domain::groups::{AttendanceStatus, GroupKind, SessionStatus};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::web::actor_entry;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The longest period one report covers: three years of weekly groups is still one page.
pub const MAX_DAYS: i64 = 3 * 366;

// ---------- who may see it ----------

/// The groups a report may cover for an actor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    /// A facilitator without a reporting role: the groups they facilitate.
    Groups(Vec<Uuid>),
}

/// Roles that read the organisation's reports see every group's schedule (it holds no names).
pub fn sees_all_groups(actor: &Actor) -> bool {
    actor
        .roles
        .iter()
        .any(|r| matches!(r, Role::QualityLead | Role::ProgramDirector | Role::Supervisor | Role::Administrator))
}

/// The actor's scope; anyone who neither reads reports nor facilitates a group is refused.
pub async fn scope(state: &AppState, actor: &Actor) -> AppResult<Scope> {
    if sees_all_groups(actor) {
        return Ok(Scope::All);
    }
    let own: Vec<Uuid> = group_facilitator::Entity::find()
        .select_only()
        .column(group_facilitator::Column::GroupId)
        .filter(group_facilitator::Column::OrgId.eq(actor.org_id))
        .filter(group_facilitator::Column::StaffId.eq(actor.staff_id))
        .into_tuple()
        .all(state.db.conn())
        .await?;
    if own.is_empty() {
        refuse(state, actor, None).await?;
    }
    Ok(Scope::Groups(own))
}

async fn refuse(state: &AppState, actor: &Actor, group_id: Option<Uuid>) -> AppResult<()> {
    match group_id {
        Some(id) => require(state, actor, false, "evidence.schedule", id).await,
        None => {
            let entry = actor_entry(actor, "access.denied")
                .outcome(crate::audit::Outcome::Denied)
                .detail(json!({ "action": "evidence.schedule" }));
            crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?;
            Err(AppError::Forbidden)
        }
    }
}

// ---------- what was asked for ----------

/// The period and filters of a schedule report, as typed into the form or the query string.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScheduleQuery {
    /// First day (YYYY-MM-DD); by default 12 months before `to`.
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD), included; by default today in the organisation's time zone.
    pub to: Option<String>,
    /// Only the groups of this program.
    pub program: Option<String>,
    /// Only this group.
    pub group: Option<String>,
}

/// A checked period (both days included, in the organisation's time zone) and filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScheduleFilter {
    pub from: Date,
    pub to: Date,
    pub program_id: Option<Uuid>,
    pub group_id: Option<Uuid>,
}

impl ScheduleFilter {
    /// The 12 months up to `today`.
    pub fn year_to(today: Date) -> ScheduleFilter {
        ScheduleFilter { from: year_before(today), to: today, program_id: None, group_id: None }
    }
}

/// The day after the same date a year earlier, so the period is exactly 12 months.
fn year_before(to: Date) -> Date {
    // From 29 February, a year back is the 28th.
    let back = to
        .replace_year(to.year() - 1)
        .or_else(|_| to.replace_day(28).and_then(|d| d.replace_year(to.year() - 1)))
        .unwrap_or(to - time::Duration::days(365));
    back.next_day().unwrap_or(back)
}

fn optional_id(e: &mut FieldErrors, field: &str, raw: Option<&str>, message: &'static str) -> Option<Uuid> {
    let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
    match Uuid::parse_str(raw) {
        Ok(id) => Some(id),
        Err(_) => {
            e.add(field, message);
            None
        }
    }
}

impl ScheduleQuery {
    pub fn parse(&self, today: Date) -> Result<ScheduleFilter, FieldErrors> {
        let mut e = FieldErrors::new();
        let to = e.optional_date("to", self.to.as_deref()).unwrap_or(today);
        let from = e.optional_date("from", self.from.as_deref()).unwrap_or_else(|| year_before(to));
        if from > to {
            e.add("from", "error-evidence-period-order");
        } else if (to - from).whole_days() >= MAX_DAYS {
            e.add("from", "error-evidence-period-too-long");
        }
        let program_id = optional_id(&mut e, "program", self.program.as_deref(), "error-evidence-unknown-program");
        let group_id = optional_id(&mut e, "group", self.group.as_deref(), "error-evidence-unknown-group");
        e.finish(ScheduleFilter { from, to, program_id, group_id })
    }
}

// ---------- the report ----------

/// What became of one session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceStatus {
    /// Attendance, an anonymous count or a log was recorded (or it was marked held).
    Held,
    Cancelled,
    /// Scheduled, over, and nothing recorded: a gap in the record.
    Unrecorded,
    /// Not over yet.
    Upcoming,
}

impl EvidenceStatus {
    pub const ALL: [EvidenceStatus; 4] =
        [EvidenceStatus::Held, EvidenceStatus::Cancelled, EvidenceStatus::Unrecorded, EvidenceStatus::Upcoming];

    pub fn code(self) -> &'static str {
        match self {
            EvidenceStatus::Held => "held",
            EvidenceStatus::Cancelled => "cancelled",
            EvidenceStatus::Unrecorded => "unrecorded",
            EvidenceStatus::Upcoming => "upcoming",
        }
    }

    pub fn message_id(self) -> &'static str {
        match self {
            EvidenceStatus::Held => "evidence-status-held",
            EvidenceStatus::Cancelled => "evidence-status-cancelled",
            EvidenceStatus::Unrecorded => "evidence-status-unrecorded",
            EvidenceStatus::Upcoming => "evidence-status-upcoming",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One session of the schedule, in the organisation's time zone.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SessionRow {
    pub group_id: Uuid,
    pub group_name: String,
    /// The stored session, once anyone acted on it.
    pub session_id: Option<Uuid>,
    pub date: Date,
    /// Local start and end, "HH:MM".
    pub start_time: String,
    pub end_time: String,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub ends_at: OffsetDateTime,
    pub status: EvidenceStatus,
    pub cancel_reason: Option<String>,
    /// Held at another time than the schedule gave; `moved_from` is that time (local).
    pub moved: bool,
    pub moved_from: Option<String>,
    pub room: Option<String>,
    /// The group meets online (a link is set).
    pub online: bool,
    /// Enrolled members marked present.
    pub members_present: i64,
    pub drop_ins: i64,
    /// People counted without names (open groups).
    pub anonymous: i64,
    pub attendance: i64,
    pub log_written: bool,
    pub curriculum_session: Option<i32>,
    pub topic: Option<String>,
}

/// Counts over a set of sessions (one group, or all).
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Counts {
    pub sessions: i64,
    pub held: i64,
    pub cancelled: i64,
    pub moved: i64,
    /// Past sessions with neither attendance nor a log.
    pub unrecorded: i64,
    pub upcoming: i64,
    /// Everyone present at held sessions (members, drop-ins and anonymous counts).
    pub attendance: i64,
    /// Held sessions with a session log.
    pub logs_written: i64,
    /// Attendance per held session, one decimal.
    pub average_attendance: Option<f64>,
    /// Share of held sessions with a log, whole per cent.
    pub logs_percent: Option<i64>,
}

impl Counts {
    fn add(&mut self, row: &SessionRow) {
        self.sessions += 1;
        match row.status {
            EvidenceStatus::Held => {
                self.held += 1;
                self.attendance += row.attendance;
                self.logs_written += i64::from(row.log_written);
            }
            EvidenceStatus::Cancelled => self.cancelled += 1,
            EvidenceStatus::Unrecorded => self.unrecorded += 1,
            EvidenceStatus::Upcoming => self.upcoming += 1,
        }
        self.moved += i64::from(row.moved);
    }

    fn finish(&mut self) {
        if self.held > 0 {
            self.average_attendance = Some((self.attendance as f64 * 10.0 / self.held as f64).round() / 10.0);
            self.logs_percent = Some((self.logs_written * 100 + self.held / 2) / self.held);
        }
    }
}

/// One group's line in the summary.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct GroupSummary {
    pub group_id: Uuid,
    pub name: String,
    pub program_id: Uuid,
    pub program: String,
    pub kind: Option<GroupKind>,
    /// Staff and peer-volunteer facilitators (no one the group serves).
    pub facilitators: Vec<String>,
    pub room: Option<String>,
    pub online: bool,
    pub curriculum: Option<String>,
    #[serde(flatten)]
    pub counts: Counts,
}

/// A choice in the report's filters.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Choice {
    pub id: Uuid,
    pub name: String,
}

/// The schedule of the period: every session and its fate, per-group counts and totals.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ScheduleReport {
    pub from: Date,
    pub to: Date,
    pub time_zone: String,
    pub program_id: Option<Uuid>,
    pub group_id: Option<Uuid>,
    pub sessions: Vec<SessionRow>,
    pub groups: Vec<GroupSummary>,
    pub totals: Counts,
    /// The programs and groups the filters offer (those in the caller's scope).
    pub program_choices: Vec<Choice>,
    pub group_choices: Vec<Choice>,
}

impl ScheduleReport {
    pub fn group(&self, id: Uuid) -> Option<&GroupSummary> {
        self.groups.iter().find(|g| g.group_id == id)
    }
}

/// A stored session as the report reads it: the columns it shows, and its attendance counts. On
/// SQLite the rows arrive as one JSON array of arrays, in this field order.
#[derive(Clone, Debug, FromQueryResult, Deserialize)]
struct StoredRow {
    id: Uuid,
    group_id: Uuid,
    schedule_id: Option<Uuid>,
    /// Unix seconds: read as numbers, since parsing thousands of timestamps costs more than the query.
    occurrence_start: Option<i64>,
    starts_at: i64,
    ends_at: i64,
    status: String,
    cancel_reason: Option<String>,
    room: Option<String>,
    curriculum_session: Option<i32>,
    topic: Option<String>,
    anonymous_count: i32,
    logged: i32,
    /// Attendance marks recorded, of any kind.
    recorded: i64,
    /// Members present plus 65 536 for each drop-in present: both counts from one pass.
    present: Option<i64>,
}

impl StoredRow {
    fn members_present(&self) -> i64 {
        self.present.unwrap_or(0) % 65_536
    }

    fn drop_ins(&self) -> i64 {
        self.present.unwrap_or(0) / 65_536
    }

    fn shows_held(&self) -> bool {
        self.recorded > 0 || self.anonymous_count > 0 || self.logged != 0
    }

    /// The session row `super::merge_slots` lays over the schedules; only the columns it reads.
    fn model(&self) -> group_session::Model {
        let at = |secs: i64| OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let starts_at = at(self.starts_at);
        group_session::Model {
            id: self.id,
            org_id: Uuid::nil(),
            group_id: self.group_id,
            schedule_id: self.schedule_id,
            occurrence_start: self.occurrence_start.map(at),
            starts_at,
            ends_at: at(self.ends_at),
            status: self.status.clone(),
            cancel_reason: None,
            room: self.room.clone(),
            curriculum_session: None,
            topic: None,
            anonymous_count: self.anonymous_count,
            topics_covered: None,
            progress: None,
            adaptations: None,
            activities_offered: None,
            opportunities: None,
            safety_concerns: None,
            logged_by: None,
            logged_at: None,
            checkout_token: None,
            created_by: Uuid::nil(),
            updated_by: Uuid::nil(),
            version: 0,
            created_at: starts_at,
            updated_at: starts_at,
        }
    }
}

/// The start of `day` in the time zone.
pub fn local_midnight(time_zone: &str, day: Date) -> OffsetDateTime {
    let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let civil = jiff::civil::date(day.year() as i16, u8::from(day.month()) as i8, day.day() as i8);
    match civil.to_zoned(tz) {
        Ok(z) => from_timestamp(z.timestamp()),
        Err(_) => day.midnight().assume_utc(),
    }
}

/// The schedules `super::slots` expands (one query; rules that ended before the window cannot
/// produce a session in it).
async fn schedules(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    group_ids: Option<&[Uuid]>,
    start: OffsetDateTime,
) -> AppResult<Vec<group_schedule::Model>> {
    let mut q = group_schedule::Entity::find().filter(group_schedule::Column::OrgId.eq(org_id));
    if let Some(ids) = group_ids {
        q = q.filter(group_schedule::Column::GroupId.is_in(ids.iter().copied()));
    }
    Ok(q.filter(group_schedule::Column::EndsOn.is_null().or(group_schedule::Column::EndsOn.gte(start.date())))
        .all(conn)
        .await?)
}

/// The stored sessions `super::slots` lays over the schedules (those starting in the window or
/// standing for an occurrence in it), each with its attendance counts: one query, the counts from
/// correlated aggregates over the attendance primary key.
async fn stored_sessions(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    group_ids: Option<&[Uuid]>,
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> AppResult<Vec<StoredRow>> {
    use group_session::Column as S;
    let s = Alias::new("s");
    let backend = conn.get_database_backend();
    let epoch = |column: &str| match backend {
        sea_orm::DbBackend::Postgres => format!("CAST(EXTRACT(EPOCH FROM s.{column}) AS BIGINT)"),
        _ => format!("CAST(strftime('%s', s.{column}) AS INTEGER)"),
    };
    let present = AttendanceStatus::Present.code();
    let of_session = "FROM group_attendance a WHERE a.org_id = s.org_id AND a.session_id = s.id";
    let recorded = format!("(SELECT COUNT(*) {of_session})");
    let present = format!(
        "(SELECT SUM(CASE WHEN a.status = '{present}' THEN (CASE WHEN a.drop_in THEN 65536 ELSE 1 END) ELSE 0 END) \
         {of_session})"
    );
    let logged = "CASE WHEN s.logged_at IS NULL THEN 0 ELSE 1 END";
    let mut q = Query::select();
    if backend == sea_orm::DbBackend::Sqlite {
        // Thousands of rows cost more to hand over one by one than to read: SQLite writes them as
        // one JSON text instead (UUIDs as hex, times as Unix seconds), in `StoredRow`'s order.
        let hex = |column: &str| format!("CASE WHEN s.{column} IS NULL THEN NULL ELSE hex(s.{column}) END");
        let fields = [
            hex("id"),
            hex("group_id"),
            hex("schedule_id"),
            epoch("occurrence_start"),
            epoch("starts_at"),
            epoch("ends_at"),
            "s.status".into(),
            "s.cancel_reason".into(),
            "s.room".into(),
            "s.curriculum_session".into(),
            "s.topic".into(),
            "s.anonymous_count".into(),
            logged.into(),
            recorded,
            present,
        ];
        q.expr_as(Expr::cust(format!("json_group_array(json_array({}))", fields.join(", "))), Alias::new("rows"));
    } else {
        q.column((s.clone(), S::Id))
            .column((s.clone(), S::GroupId))
            .column((s.clone(), S::ScheduleId))
            .expr_as(Expr::cust(epoch("occurrence_start")), Alias::new("occurrence_start"))
            .expr_as(Expr::cust(epoch("starts_at")), Alias::new("starts_at"))
            .expr_as(Expr::cust(epoch("ends_at")), Alias::new("ends_at"))
            .column((s.clone(), S::Status))
            .column((s.clone(), S::CancelReason))
            .column((s.clone(), S::Room))
            .column((s.clone(), S::CurriculumSession))
            .column((s.clone(), S::Topic))
            .column((s.clone(), S::AnonymousCount))
            .expr_as(Expr::cust(logged), Alias::new("logged"))
            .expr_as(Expr::cust(recorded), Alias::new("recorded"))
            .expr_as(Expr::cust(present), Alias::new("present"));
    }
    q.from_as(group_session::Entity, s.clone()).and_where(Expr::col((s.clone(), S::OrgId)).eq(org_id)).and_where(
        Expr::col((s.clone(), S::StartsAt)).gte(start).and(Expr::col((s.clone(), S::StartsAt)).lt(end)).or(Expr::col(
            (s.clone(), S::OccurrenceStart),
        )
        .gte(start)
        .and(Expr::col((s.clone(), S::OccurrenceStart)).lt(end))),
    );
    if let Some(ids) = group_ids {
        q.and_where(Expr::col((s.clone(), S::GroupId)).is_in(ids.iter().copied()));
    }
    if backend == sea_orm::DbBackend::Sqlite {
        let Some(row) = conn.query_one_raw(backend.build(&q)).await? else { return Ok(Vec::new()) };
        let text: Option<String> = row.try_get("", "rows")?;
        return serde_json::from_str(text.as_deref().unwrap_or("[]"))
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored sessions as JSON: {e}")));
    }
    let rows = conn.query_all_raw(backend.build(&q)).await?;
    Ok(rows.iter().map(|row| StoredRow::from_query_result(row, "")).collect::<Result<_, _>>()?)
}

fn hh_mm(tz: &jiff::tz::TimeZone, at: OffsetDateTime) -> (Date, String) {
    let zoned = to_timestamp(at).to_zoned(tz.clone());
    let (d, t) = (zoned.date(), zoned.time());
    let date = Date::from_calendar_date(
        i32::from(d.year()),
        time::Month::try_from(d.month() as u8).unwrap_or(time::Month::January),
        d.day() as u8,
    )
    .unwrap_or(at.date());
    (date, format!("{:02}:{:02}", t.hour(), t.minute()))
}

/// The status a session shows in the evidence.
fn status_of(slot: &Slot, facts: Option<&StoredRow>, now: OffsetDateTime) -> EvidenceStatus {
    match slot.status {
        SessionStatus::Cancelled => EvidenceStatus::Cancelled,
        SessionStatus::Held => EvidenceStatus::Held,
        SessionStatus::Scheduled if facts.is_some_and(StoredRow::shows_held) => EvidenceStatus::Held,
        SessionStatus::Scheduled if slot.ends_at <= now => EvidenceStatus::Unrecorded,
        SessionStatus::Scheduled => EvidenceStatus::Upcoming,
    }
}

/// Builds the report for `scope` without checking access (the caller has): the benchmark and
/// `schedule` share it.
pub async fn build(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    time_zone: &str,
    scope: &Scope,
    filter: &ScheduleFilter,
    now: OffsetDateTime,
) -> AppResult<ScheduleReport> {
    // Every group in scope, so the filters can offer them; then the ones asked for.
    let mut groups = support_group::Entity::find().filter(support_group::Column::OrgId.eq(org_id));
    if let Scope::Groups(ids) = scope {
        groups = groups.filter(support_group::Column::Id.is_in(ids.iter().copied()));
    }
    let in_scope = groups.order_by_asc(support_group::Column::Name).all(conn).await?;
    let chosen: Vec<&support_group::Model> = in_scope
        .iter()
        .filter(|g| filter.program_id.is_none_or(|p| g.program_id == p))
        .filter(|g| filter.group_id.is_none_or(|id| g.id == id))
        .collect();
    let programs: HashMap<Uuid, String> = program::Entity::find()
        .filter(program::Column::OrgId.eq(org_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut program_choices: Vec<Choice> = in_scope
        .iter()
        .map(|g| g.program_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .map(|id| Choice { id, name: programs.get(&id).cloned().unwrap_or_default() })
        .collect();
    program_choices.sort_by(|a, b| a.name.cmp(&b.name));
    let group_choices = in_scope.iter().map(|g| Choice { id: g.id, name: g.name.clone() }).collect();

    let start = local_midnight(time_zone, filter.from);
    let end = local_midnight(time_zone, filter.to.next_day().unwrap_or(filter.to));
    let everything = *scope == Scope::All && filter.program_id.is_none() && filter.group_id.is_none();
    let ids: Vec<Uuid> = chosen.iter().map(|g| g.id).collect();
    let group_ids = (!everything).then_some(ids.as_slice());
    let (schedules, stored, facilitators) = if chosen.is_empty() {
        (Vec::new(), Vec::new(), Vec::new())
    } else {
        let schedules = schedules(conn, org_id, group_ids, start).await?;
        let stored = stored_sessions(conn, org_id, group_ids, start, end).await?;
        let mut f = group_facilitator::Entity::find().filter(group_facilitator::Column::OrgId.eq(org_id));
        if let Some(ids) = group_ids {
            f = f.filter(group_facilitator::Column::GroupId.is_in(ids.iter().copied()));
        }
        let facilitators = f.order_by_asc(group_facilitator::Column::AddedAt).all(conn).await?;
        (schedules, stored, facilitators)
    };
    // The schedules expanded and the stored sessions laid over them, as `super::slots` does.
    let models: Vec<group_session::Model> = stored.iter().map(StoredRow::model).collect();
    let slots = super::merge_slots(&schedules, &models, time_zone, start, end);
    let facts: HashMap<Uuid, &StoredRow> = stored.iter().map(|row| (row.id, row)).collect();
    let staff_ids: Vec<Uuid> =
        facilitators.iter().filter_map(|f| f.staff_id).collect::<HashSet<_>>().into_iter().collect();
    let staff_names: HashMap<Uuid, String> = if staff_ids.is_empty() {
        HashMap::new()
    } else {
        staff::Entity::find()
            .select_only()
            .column(staff::Column::Id)
            .column(staff::Column::DisplayName)
            .filter(staff::Column::OrgId.eq(org_id))
            .filter(staff::Column::Id.is_in(staff_ids))
            .into_tuple::<(Uuid, String)>()
            .all(conn)
            .await?
            .into_iter()
            .collect()
    };
    let curriculum_ids: Vec<Uuid> = chosen.iter().filter_map(|g| g.curriculum_id).collect();
    let curricula: HashMap<Uuid, String> = if curriculum_ids.is_empty() {
        HashMap::new()
    } else {
        curriculum::Entity::find()
            .filter(curriculum::Column::OrgId.eq(org_id))
            .filter(curriculum::Column::Id.is_in(curriculum_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|c| (c.id, c.title))
            .collect()
    };

    let mut summaries: Vec<GroupSummary> = chosen
        .iter()
        .map(|g| GroupSummary {
            group_id: g.id,
            name: g.name.clone(),
            program_id: g.program_id,
            program: programs.get(&g.program_id).cloned().unwrap_or_default(),
            kind: GroupKind::parse(&g.kind),
            facilitators: facilitators
                .iter()
                .filter(|f| f.group_id == g.id)
                .filter_map(|f| match (f.staff_id, &f.volunteer_name) {
                    (Some(id), _) => staff_names.get(&id).cloned(),
                    (None, Some(name)) => Some(name.clone()),
                    (None, None) => None,
                })
                .collect(),
            room: g.room.clone(),
            online: g.online_link.as_deref().is_some_and(|l| !l.trim().is_empty()),
            curriculum: g.curriculum_id.and_then(|c| curricula.get(&c).cloned()),
            counts: Counts::default(),
        })
        .collect();
    let position: HashMap<Uuid, usize> = summaries.iter().enumerate().map(|(i, g)| (g.group_id, i)).collect();

    let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let mut totals = Counts::default();
    let mut sessions = Vec::with_capacity(slots.len());
    for slot in &slots {
        let Some(&at) = position.get(&slot.group_id) else { continue };
        let f = slot.session_id.and_then(|id| facts.get(&id).copied());
        let status = status_of(slot, f, now);
        let held = status == EvidenceStatus::Held;
        let (date, start_time) = hh_mm(&tz, slot.starts_at);
        let (_, end_time) = hh_mm(&tz, slot.ends_at);
        let moved_from = match (slot.moved, slot.occurrence_start) {
            (true, Some(o)) => {
                let (d, t) = hh_mm(&tz, o);
                Some(format!("{d} {t}"))
            }
            _ => None,
        };
        let group = &summaries[at];
        let (members_present, drop_ins, anonymous) = match (held, f) {
            (true, Some(f)) => (f.members_present(), f.drop_ins(), i64::from(f.anonymous_count)),
            _ => (0, 0, 0),
        };
        let row = SessionRow {
            group_id: slot.group_id,
            group_name: group.name.clone(),
            session_id: slot.session_id,
            date,
            start_time,
            end_time,
            starts_at: slot.starts_at,
            ends_at: slot.ends_at,
            status,
            cancel_reason: f.and_then(|f| f.cancel_reason.clone()).filter(|_| status == EvidenceStatus::Cancelled),
            moved: slot.moved,
            moved_from,
            room: slot.room.clone().or_else(|| group.room.clone()),
            online: group.online,
            members_present,
            drop_ins,
            anonymous,
            attendance: members_present + drop_ins + anonymous,
            log_written: f.is_some_and(|f| f.logged != 0),
            curriculum_session: f.and_then(|f| f.curriculum_session),
            topic: f.and_then(|f| f.topic.clone()),
        };
        summaries[at].counts.add(&row);
        totals.add(&row);
        sessions.push(row);
    }
    for g in &mut summaries {
        g.counts.finish();
    }
    totals.finish();
    Ok(ScheduleReport {
        from: filter.from,
        to: filter.to,
        time_zone: time_zone.to_string(),
        program_id: filter.program_id,
        group_id: filter.group_id,
        sessions,
        groups: summaries,
        totals,
        program_choices,
        group_choices,
    })
}

/// The schedule report for the actor: all groups for the roles that read reports, their own
/// groups for facilitators. Unknown filters are field errors; another's group is refused.
pub async fn schedule(
    state: &AppState,
    actor: &Actor,
    time_zone: &str,
    filter: &ScheduleFilter,
) -> AppResult<ScheduleReport> {
    let scope = scope(state, actor).await?;
    let conn = state.db.conn();
    let mut e = FieldErrors::new();
    if let Some(id) = filter.group_id {
        let exists = support_group::Entity::find_by_id(id)
            .filter(support_group::Column::OrgId.eq(actor.org_id))
            .one(conn)
            .await?
            .is_some();
        if !exists {
            e.add("group", "error-evidence-unknown-group");
        } else if let Scope::Groups(own) = &scope
            && !own.contains(&id)
        {
            refuse(state, actor, Some(id)).await?;
        }
    }
    if let Some(id) = filter.program_id {
        let exists =
            program::Entity::find_by_id(id).filter(program::Column::OrgId.eq(actor.org_id)).one(conn).await?.is_some();
        if !exists {
            e.add("program", "error-evidence-unknown-program");
        }
    }
    e.finish(())?;
    let now = state.clock.now();
    let report = build(conn, actor.org_id, time_zone, &scope, filter, now).await?;
    let entry = actor_entry(actor, "report.group-schedule").detail(json!({
        "from": filter.from, "to": filter.to, "program_id": filter.program_id, "group_id": filter.group_id,
    }));
    crate::db::audit::append_now(&state.db, entry, now).await?;
    Ok(report)
}

// ---------- CSV ----------

/// Spreadsheets run cells that start like a formula; a leading apostrophe keeps them text.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() }
}

/// The schedule as CSV, one session a line, with headings and words in the reader's language.
pub fn csv(report: &ScheduleReport, tr: &Tr) -> AppResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(report.sessions.len() * 160 + 512));
    let headings = [
        "evidence-date",
        "evidence-start",
        "evidence-end",
        "evidence-group",
        "evidence-program",
        "evidence-facilitators",
        "evidence-location",
        "evidence-status",
        "evidence-cancel-reason",
        "evidence-moved-from",
        "evidence-members-present",
        "evidence-drop-ins",
        "evidence-anonymous",
        "evidence-attendance",
        "evidence-log-written",
        "evidence-curriculum-session",
    ];
    let fail = |e: csv::Error| AppError::Internal(anyhow::anyhow!("csv: {e}"));
    w.write_record(headings.iter().map(|h| tr.t(h))).map_err(fail)?;
    let labels: Vec<String> = EvidenceStatus::ALL.iter().map(|s| tr.t(s.message_id())).collect();
    let (yes, no, online) = (tr.t("answer-yes"), tr.t("answer-no"), tr.t("evidence-online"));
    let groups: HashMap<Uuid, (&str, String)> =
        report.groups.iter().map(|g| (g.group_id, (g.program.as_str(), cell(&g.facilitators.join("; "))))).collect();
    for r in &report.sessions {
        let (program, facilitators) = groups.get(&r.group_id).map(|(p, f)| (cell(p), f.as_str())).unwrap_or_default();
        let location = match (&r.room, r.online) {
            (Some(room), true) => format!("{} · {online}", cell(room)),
            (Some(room), false) => cell(room),
            (None, true) => online.clone(),
            (None, false) => String::new(),
        };
        let held = r.status == EvidenceStatus::Held;
        let count = |n: i64| if held { n.to_string() } else { String::new() };
        let curriculum = match (r.curriculum_session, &r.topic) {
            (Some(n), Some(t)) => format!("{n}. {}", cell(t)),
            (Some(n), None) => n.to_string(),
            (None, Some(t)) => cell(t),
            (None, None) => String::new(),
        };
        w.write_record([
            r.date.to_string().as_str(),
            &r.start_time,
            &r.end_time,
            &cell(&r.group_name),
            &program,
            facilitators,
            &location,
            &labels[r.status.index()],
            &r.cancel_reason.as_deref().map(cell).unwrap_or_default(),
            r.moved_from.as_deref().unwrap_or(""),
            &count(r.members_present),
            &count(r.drop_ins),
            &count(r.anonymous),
            &count(r.attendance),
            if !held {
                ""
            } else if r.log_written {
                &yes
            } else {
                &no
            },
            &curriculum,
        ])
        .map_err(fail)?;
    }
    w.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))
}

/// The file name a download of the report gets.
pub fn csv_filename(report: &ScheduleReport) -> String {
    format!("group-schedule-{}-to-{}.csv", report.from, report.to)
}

// ---------- curricula ----------

/// A material of a curriculum session: a link, or a file kept with the curriculum.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Material {
    pub label: String,
    pub url: Option<String>,
    pub file_id: Option<Uuid>,
}

/// One session of a curriculum as written.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CurriculumSession {
    pub number: i64,
    pub topic: String,
    pub objectives: Vec<String>,
    pub activities: Vec<String>,
    pub materials: Vec<Material>,
}

/// A group following a curriculum, and the version it follows.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Follower {
    pub group_id: Uuid,
    pub name: String,
    pub version: Option<i32>,
}

/// A curriculum and its current version in full.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CurriculumEvidence {
    pub id: Uuid,
    pub title: String,
    pub status: String,
    pub current_version: i32,
    pub summary: Option<String>,
    pub audience: Option<String>,
    pub change_note: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub version_saved_at: Option<OffsetDateTime>,
    pub session_count: usize,
    pub sessions: Vec<CurriculumSession>,
    pub groups: Vec<Follower>,
}

fn text_of(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A list written as an array of strings, or as text with one item a line.
fn list_of(value: Option<&serde_json::Value>) -> Vec<String> {
    match value {
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(text_of).collect(),
        Some(serde_json::Value::String(s)) => {
            s.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
        }
        _ => Vec::new(),
    }
}

/// Reads a version's sessions loosely: whatever shape a field has, the rest still shows.
pub fn sessions_of(json: &str) -> Vec<CurriculumSession> {
    let parsed: serde_json::Value = serde_json::from_str(json).unwrap_or(serde_json::Value::Null);
    let items = match &parsed {
        serde_json::Value::Array(items) => items.as_slice(),
        serde_json::Value::Object(o) => o.get("sessions").and_then(|s| s.as_array()).map_or(&[][..], |a| a.as_slice()),
        _ => &[],
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let o = item.as_object()?;
            let number = o.get("number").and_then(|n| n.as_i64()).unwrap_or(i as i64 + 1);
            let materials = o
                .get("materials")
                .and_then(|m| m.as_array())
                .map(|list| {
                    list.iter()
                        .filter_map(|m| {
                            let m = m.as_object()?;
                            // Only web links: anything else (javascript:, data:) stays a plain label.
                            let url = m
                                .get("url")
                                .and_then(text_of)
                                .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
                            let file_id = m.get("file_id").and_then(text_of).and_then(|f| Uuid::parse_str(&f).ok());
                            let label = m.get("label").and_then(text_of).or_else(|| url.clone())?;
                            Some(Material { label, url, file_id })
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some(CurriculumSession {
                number,
                topic: o.get("topic").and_then(text_of).unwrap_or_default(),
                objectives: list_of(o.get("objectives")),
                activities: list_of(o.get("activities")),
                materials,
            })
        })
        .collect()
}

/// Every curriculum of the organisation with its current version and the groups following it.
/// Curricula hold no personal data: any staff member may read them.
pub async fn curricula(state: &AppState, actor: &Actor) -> AppResult<Vec<CurriculumEvidence>> {
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let all = curriculum::Entity::find()
        .filter(curriculum::Column::OrgId.eq(org_id))
        .order_by_asc(curriculum::Column::Title)
        .all(conn)
        .await?;
    if all.is_empty() {
        return Ok(Vec::new());
    }
    let versions = curriculum_version::Entity::find()
        .filter(curriculum_version::Column::OrgId.eq(org_id))
        .filter(curriculum_version::Column::CurriculumId.is_in(all.iter().map(|c| c.id)))
        .all(conn)
        .await?;
    let current: HashMap<Uuid, &curriculum_version::Model> = all
        .iter()
        .filter_map(|c| {
            versions.iter().find(|v| v.curriculum_id == c.id && v.number == c.current_version).map(|v| (c.id, v))
        })
        .collect();
    let followers = support_group::Entity::find()
        .filter(support_group::Column::OrgId.eq(org_id))
        .filter(support_group::Column::CurriculumId.is_not_null())
        .order_by_asc(support_group::Column::Name)
        .all(conn)
        .await?;
    Ok(all
        .iter()
        .map(|c| {
            let version = current.get(&c.id);
            let sessions = version.map(|v| sessions_of(&v.sessions)).unwrap_or_default();
            CurriculumEvidence {
                id: c.id,
                title: version.map_or_else(|| c.title.clone(), |v| v.title.clone()),
                status: c.status.clone(),
                current_version: c.current_version,
                summary: version.and_then(|v| v.summary.clone()),
                audience: version.and_then(|v| v.audience.clone()),
                change_note: version.and_then(|v| v.change_note.clone()),
                version_saved_at: version.map(|v| v.created_at),
                session_count: sessions.len(),
                sessions,
                groups: followers
                    .iter()
                    .filter(|g| g.curriculum_id == Some(c.id))
                    .map(|g| Follower { group_id: g.id, name: g.name.clone(), version: g.curriculum_version })
                    .collect(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_default_period_is_twelve_months_up_to_today() {
        let f = ScheduleQuery::default().parse(date!(2026 - 11 - 18)).expect("valid");
        assert_eq!((f.from, f.to), (date!(2025 - 11 - 19), date!(2026 - 11 - 18)));
        let leap = ScheduleQuery::default().parse(date!(2028 - 02 - 29)).expect("valid");
        assert_eq!(leap.from, date!(2027 - 03 - 01));
    }

    #[test]
    fn bad_periods_and_ids_are_field_errors() {
        let q = ScheduleQuery { from: Some("2026-05-01".into()), to: Some("2026-04-01".into()), ..Default::default() };
        assert_eq!(q.parse(date!(2026 - 11 - 18)).unwrap_err().0[0].message_id, "error-evidence-period-order");
        let long =
            ScheduleQuery { from: Some("2020-01-01".into()), to: Some("2026-01-01".into()), ..Default::default() };
        assert_eq!(long.parse(date!(2026 - 11 - 18)).unwrap_err().0[0].message_id, "error-evidence-period-too-long");
        let id = ScheduleQuery { group: Some("nope".into()), program: Some(String::new()), ..Default::default() };
        let errors = id.parse(date!(2026 - 11 - 18)).unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].field, "group");
    }

    #[test]
    fn curriculum_sessions_are_read_loosely() {
        let json = r#"[
            {"number": 1, "topic": "Welcome", "objectives": ["Meet", "Agree ground rules"], "activities": "Circle\nIntroductions",
             "materials": [{"label": "Handout", "url": "https://example.org/h.pdf"}, {"label": "Slides", "file_id": "6f1c2f0e-6a43-4b7e-9d2a-0f5b1c2d3e4f"}, {"nothing": 1}]},
            {"topic": "Triggers", "objectives": null},
            "stray"
        ]"#;
        let sessions = sessions_of(json);
        assert_eq!(sessions.len(), 2);
        assert_eq!(sessions[0].objectives, vec!["Meet", "Agree ground rules"]);
        assert_eq!(sessions[0].activities, vec!["Circle", "Introductions"]);
        assert_eq!(sessions[0].materials.len(), 2);
        assert!(sessions[0].materials[1].file_id.is_some());
        assert_eq!((sessions[1].number, sessions[1].topic.as_str()), (2, "Triggers"));
        assert!(sessions_of("not json").is_empty());
    }

    #[test]
    fn formulas_stay_text_in_csv_cells() {
        assert_eq!(cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(cell("Room 2"), "Room 2");
    }

    #[test]
    fn counts_average_over_held_sessions() {
        let mut c = Counts { held: 3, attendance: 20, logs_written: 2, ..Default::default() };
        c.finish();
        assert_eq!(c.average_attendance, Some(6.7));
        assert_eq!(c.logs_percent, Some(67));
    }
}
