//! Education and support groups as a service: every page and API call goes through here (or the
//! submodules), which check group access and write the audit events.
//!
//! Sessions come from each schedule's recurrence rule. A `group_sessions` row exists only once an
//! occurrence is acted on (attendance, a log, a cancellation, a move) or for an extra session, so
//! a year of schedules costs no rows until it happens.

use crate::access::{self, Actor, GroupAccess};
use crate::app::AppState;
use crate::audit::Outcome;
use crate::db::WriteTxn;
use crate::db::entities::{group_facilitator, group_schedule, group_session, organisation, support_group};
use crate::domain::FieldErrors;
use crate::domain::groups::SessionStatus;
use crate::domain::schedule::{Occurrence, Rule};
use crate::error::{AppError, AppResult};
use crate::web::actor_entry;
use sea_orm::sea_query::{ExprTrait, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// A group the actor may at least read, with its facilitators and what the actor may do.
pub struct Loaded {
    pub group: support_group::Model,
    pub facilitators: Vec<group_facilitator::Model>,
    pub access: GroupAccess,
}

impl Loaded {
    pub fn facilitator_staff(&self) -> Vec<Uuid> {
        self.facilitators.iter().filter_map(|f| f.staff_id).collect()
    }
}

/// Loads a group of the actor's organisation (any staff member may read a group's details).
pub async fn load(state: &AppState, actor: &Actor, group_id: Uuid) -> AppResult<Loaded> {
    let conn = state.db.conn();
    let group = support_group::Entity::find_by_id(group_id)
        .filter(support_group::Column::OrgId.eq(actor.org_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let facilitators = facilitators_of(conn, actor.org_id, group_id).await?;
    let staff: Vec<Uuid> = facilitators.iter().filter_map(|f| f.staff_id).collect();
    let access = access::group_access(actor, group.program_id, &staff);
    Ok(Loaded { group, facilitators, access })
}

pub async fn facilitators_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    group_id: Uuid,
) -> AppResult<Vec<group_facilitator::Model>> {
    Ok(group_facilitator::Entity::find()
        .filter(group_facilitator::Column::OrgId.eq(org_id))
        .filter(group_facilitator::Column::GroupId.eq(group_id))
        .order_by_asc(group_facilitator::Column::AddedAt)
        .all(conn)
        .await?)
}

/// Refuses (and audits the refusal) unless `allowed`.
pub async fn require(state: &AppState, actor: &Actor, allowed: bool, what: &str, group_id: Uuid) -> AppResult<()> {
    if allowed {
        return Ok(());
    }
    let entry = actor_entry(actor, "access.denied")
        .outcome(Outcome::Denied)
        .record("group", group_id)
        .detail(json!({ "action": what }));
    crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Err(AppError::Forbidden)
}

/// The organisation (its time zone, language and edition).
pub async fn org_of(state: &AppState, org_id: Uuid) -> AppResult<organisation::Model> {
    crate::db::org::get(state.db.conn(), org_id).await?.ok_or(AppError::NotFound)
}

/// The actor's organisation as the access cache holds it (refreshed when settings change): the
/// attendance pages read only its time zone and language and should not pay a query for them.
pub async fn actor_org(state: &AppState, actor: &Actor) -> AppResult<organisation::Model> {
    match state.access_cache.load(&state.db, actor.org_id, actor.staff_id).await? {
        Some(facts) => Ok(facts.org.clone()),
        None => org_of(state, actor.org_id).await,
    }
}

/// A schedule of one group of the organisation.
pub async fn schedule_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    group_id: Uuid,
    schedule_id: Uuid,
) -> AppResult<group_schedule::Model> {
    group_schedule::Entity::find_by_id(schedule_id)
        .filter(group_schedule::Column::OrgId.eq(org_id))
        .filter(group_schedule::Column::GroupId.eq(group_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// A stored session of one group of the organisation.
pub async fn session_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    group_id: Uuid,
    session_id: Uuid,
) -> AppResult<group_session::Model> {
    group_session::Entity::find_by_id(session_id)
        .filter(group_session::Column::OrgId.eq(org_id))
        .filter(group_session::Column::GroupId.eq(group_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Writes a session row if nobody saved it since `version` (409 otherwise).
pub async fn save_session(txn: &WriteTxn, s: group_session::Model, version: i32) -> AppResult<()> {
    let (org_id, id) = (s.org_id, s.id);
    let result = group_session::Entity::update_many()
        .set(group_session::ActiveModel::from(s).reset_all())
        .filter(group_session::Column::OrgId.eq(org_id))
        .filter(group_session::Column::Id.eq(id))
        .filter(group_session::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    Ok(())
}

/// The version a save writes: the one after `stored`, when the caller's `sent` is still current.
/// Checked before anything is computed from `sent`, so a stale or absurd number is a 409, never
/// an overflow.
pub fn next_version(sent: i32, stored: i32) -> AppResult<i32> {
    if sent != stored {
        return Err(AppError::Conflict);
    }
    stored.checked_add(1).ok_or(AppError::Conflict)
}

/// A new session row, as scheduled, with nothing recorded yet.
pub fn blank_session(
    actor: &Actor,
    group_id: Uuid,
    schedule_id: Option<Uuid>,
    occurrence_start: Option<OffsetDateTime>,
    (starts_at, ends_at): (OffsetDateTime, OffsetDateTime),
    room: Option<String>,
    now: OffsetDateTime,
) -> group_session::Model {
    group_session::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        group_id,
        schedule_id,
        occurrence_start,
        starts_at,
        ends_at,
        status: SessionStatus::Scheduled.code().into(),
        cancel_reason: None,
        room,
        curriculum_session: None,
        topic: None,
        anonymous_count: 0,
        topics_covered: None,
        progress: None,
        adaptations: None,
        activities_offered: None,
        opportunities: None,
        safety_concerns: None,
        logged_by: None,
        logged_at: None,
        checkout_token: None,
        created_by: actor.staff_id,
        updated_by: actor.staff_id,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// Starts a rule may be asked about (addresses carry them as Unix seconds); far beyond these the
/// date arithmetic of the rule expansion would overflow.
const OCCURRENCE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// The occurrence of a schedule's rule that starts exactly at `start`, if the rule produces one.
pub fn occurrence_at(schedule: &group_schedule::Model, time_zone: &str, start: OffsetDateTime) -> Option<Occurrence> {
    if !OCCURRENCE_YEARS.contains(&start.year()) {
        return None;
    }
    let at = jiff::Timestamp::from_second(start.unix_timestamp()).ok()?;
    let after = at.checked_add(jiff::SignedDuration::from_secs(1)).ok()?;
    rule_of(schedule).occurrences(time_zone, at, after).into_iter().find(|o| o.starts_at == at)
}

pub fn to_timestamp(at: OffsetDateTime) -> jiff::Timestamp {
    jiff::Timestamp::from_second(at.unix_timestamp()).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

pub fn from_timestamp(ts: jiff::Timestamp) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(ts.as_second()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn civil_date(d: time::Date) -> jiff::civil::Date {
    jiff::civil::date(d.year() as i16, d.month() as i8, d.day() as i8)
}

/// The recurrence rule a stored schedule describes.
pub fn rule_of(schedule: &group_schedule::Model) -> Rule {
    let start_time = schedule.start_time.parse::<jiff::civil::Time>().unwrap_or(jiff::civil::Time::midnight());
    Rule {
        rrule: schedule.rrule.clone(),
        starts_on: civil_date(schedule.starts_on),
        start_time,
        minutes: schedule.minutes,
    }
}

/// One session of a group in a report or list: from the rule, from a stored row, or both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub group_id: Uuid,
    pub schedule_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
    /// The start the rule gave (None for an extra, one-off session).
    pub occurrence_start: Option<OffsetDateTime>,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub status: SessionStatus,
    pub room: Option<String>,
    /// Held at another time than the rule gave.
    pub moved: bool,
}

/// Expands the schedules over [from, to) and lays the stored sessions over the occurrences they
/// stand for; sessions moved into the window from outside it are included, moved out are not.
pub fn merge_slots(
    schedules: &[group_schedule::Model],
    sessions: &[group_session::Model],
    time_zone: &str,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Vec<Slot> {
    let by_occurrence: HashMap<(Uuid, i64), &group_session::Model> =
        sessions.iter().filter_map(|s| Some(((s.schedule_id?, s.occurrence_start?.unix_timestamp()), s))).collect();
    let in_window = |at: OffsetDateTime| at >= from && at < to;
    // An ended schedule still stands for the sessions it produced before it ended (its last day, up
    // to the moment it was ended), so the record's gaps stay visible after a group stops meeting.
    let window_end: HashMap<Uuid, OffsetDateTime> = schedules
        .iter()
        .filter_map(|s| match (s.active, s.ends_on) {
            (true, _) => Some((s.id, to)),
            (false, Some(last)) => {
                let after =
                    last.next_day().and_then(|day| crate::intake::at_local(time_zone, day, time::Time::MIDNIGHT));
                // An ended schedule is never edited again, so its last update is when it ended.
                let ended = Ord::min(s.updated_at, to);
                Some((s.id, after.map_or(ended, |after| Ord::min(after, ended))))
            }
            (false, None) => None,
        })
        .collect();
    let mut slots = Vec::new();
    for schedule in schedules {
        let Some(&until) = window_end.get(&schedule.id) else { continue };
        if until <= from {
            continue;
        }
        let rule = rule_of(schedule);
        for occurrence in rule.occurrences(time_zone, to_timestamp(from), to_timestamp(until)) {
            let start = from_timestamp(occurrence.starts_at);
            match by_occurrence.get(&(schedule.id, start.unix_timestamp())) {
                Some(session) if in_window(session.starts_at) => slots.push(slot_of(session)),
                Some(_) => {}
                None => slots.push(Slot {
                    group_id: schedule.group_id,
                    schedule_id: Some(schedule.id),
                    session_id: None,
                    occurrence_start: Some(start),
                    starts_at: start,
                    ends_at: from_timestamp(occurrence.ends_at),
                    status: SessionStatus::Scheduled,
                    room: schedule.room.clone(),
                    moved: false,
                }),
            }
        }
    }
    for session in sessions {
        if !in_window(session.starts_at) {
            continue;
        }
        // Occurrences already placed above; the rest are extras or moved in from outside the window.
        let placed = match (session.schedule_id, session.occurrence_start) {
            (Some(schedule_id), Some(occurrence)) => {
                window_end.get(&schedule_id).is_some_and(|&until| occurrence >= from && occurrence < until)
            }
            _ => false,
        };
        if !placed {
            slots.push(slot_of(session));
        }
    }
    slots.sort_by_key(|s| (s.starts_at, s.group_id));
    slots
}

fn slot_of(session: &group_session::Model) -> Slot {
    Slot {
        group_id: session.group_id,
        schedule_id: session.schedule_id,
        session_id: Some(session.id),
        occurrence_start: session.occurrence_start,
        starts_at: session.starts_at,
        ends_at: session.ends_at,
        status: SessionStatus::parse(&session.status).unwrap_or(SessionStatus::Scheduled),
        room: session.room.clone(),
        moved: session.occurrence_start.is_some_and(|o| o != session.starts_at),
    }
}

/// The sessions of some groups (all of the organisation's when `group_ids` is None) in [from, to).
pub async fn slots(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    group_ids: Option<&[Uuid]>,
    time_zone: &str,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> AppResult<Vec<Slot>> {
    let mut schedules = group_schedule::Entity::find().filter(group_schedule::Column::OrgId.eq(org_id));
    let mut sessions = group_session::Entity::find().filter(group_session::Column::OrgId.eq(org_id)).filter(
        group_session::Column::StartsAt
            .gte(from)
            .and(group_session::Column::StartsAt.lt(to))
            .or(group_session::Column::OccurrenceStart.gte(from).and(group_session::Column::OccurrenceStart.lt(to))),
    );
    if let Some(ids) = group_ids {
        schedules = schedules.filter(group_schedule::Column::GroupId.is_in(ids.iter().copied()));
        sessions = sessions.filter(group_session::Column::GroupId.is_in(ids.iter().copied()));
    }
    // Rules that ended before the window cannot produce a session in it.
    let schedules = schedules
        .filter(group_schedule::Column::EndsOn.is_null().or(group_schedule::Column::EndsOn.gte(from.date())))
        .all(conn)
        .await?;
    let sessions = sessions.all(conn).await?;
    Ok(merge_slots(&schedules, &sessions, time_zone, from, to))
}

/// The stored session for one occurrence of a schedule, created (as scheduled) the first time
/// anyone acts on it. Refuses a start the rule never produces.
pub async fn materialise(
    txn: &WriteTxn,
    actor: &Actor,
    schedule: &group_schedule::Model,
    occurrence_start: OffsetDateTime,
    time_zone: &str,
    now: OffsetDateTime,
) -> AppResult<group_session::Model> {
    let existing = group_session::Entity::find()
        .filter(group_session::Column::OrgId.eq(actor.org_id))
        .filter(group_session::Column::ScheduleId.eq(schedule.id))
        .filter(group_session::Column::OccurrenceStart.eq(occurrence_start))
        .one(&**txn)
        .await?;
    if let Some(session) = existing {
        return Ok(session);
    }
    let occurrence = occurrence_at(schedule, time_zone, occurrence_start)
        .ok_or_else(|| AppError::Invalid(FieldErrors::single("occurrence", "error-session-not-in-schedule")))?;
    let session = group_session::ActiveModel::from(blank_session(
        actor,
        schedule.group_id,
        Some(schedule.id),
        Some(occurrence_start),
        (occurrence_start, from_timestamp(occurrence.ends_at)),
        schedule.room.clone(),
        now,
    ));
    // A facilitator on another device may have just done the same: keep theirs.
    group_session::Entity::insert(session)
        .on_conflict(
            OnConflict::columns([
                group_session::Column::OrgId,
                group_session::Column::ScheduleId,
                group_session::Column::OccurrenceStart,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&**txn)
        .await?;
    group_session::Entity::find()
        .filter(group_session::Column::OrgId.eq(actor.org_id))
        .filter(group_session::Column::ScheduleId.eq(schedule.id))
        .filter(group_session::Column::OccurrenceStart.eq(occurrence_start))
        .one(&**txn)
        .await?
        .ok_or(AppError::Conflict)
}

pub mod attendance;
pub mod curricula;
pub mod evidence;
pub mod setup;

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn weekly(active: bool, ends_on: Option<time::Date>) -> group_schedule::Model {
        let at = datetime!(2026-01-01 00:00 UTC);
        group_schedule::Model {
            id: Uuid::new_v4(),
            org_id: Uuid::nil(),
            group_id: Uuid::nil(),
            rrule: Some("FREQ=WEEKLY;BYDAY=TU".into()),
            starts_on: date!(2026 - 01 - 06),
            start_time: "18:00".into(),
            minutes: 90,
            ends_on,
            room: None,
            active,
            created_by: Uuid::nil(),
            updated_by: Uuid::nil(),
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn an_ended_schedule_keeps_the_sessions_it_produced_before_it_ended() {
        let from = datetime!(2026-03-01 00:00 UTC);
        let to = datetime!(2026-05-01 00:00 UTC);
        let running = merge_slots(&[weekly(true, None)], &[], "America/Toronto", from, to);
        assert_eq!(running.len(), 9);
        // Ended on Tuesday 31 March: the sessions up to and including that day stay in the record.
        let mut ended_late = weekly(false, Some(date!(2026 - 03 - 31)));
        ended_late.updated_at = datetime!(2026-03-31 23:00 UTC);
        let ended = merge_slots(&[ended_late], &[], "America/Toronto", from, to);
        assert_eq!(ended.len(), 5);
        assert!(ended.iter().all(|s| s.starts_at < datetime!(2026-04-01 04:00 UTC)));
        // Ended that afternoon, before the 18:00 session: that evening's session is not in the record.
        let mut ended_early = weekly(false, Some(date!(2026 - 03 - 31)));
        ended_early.updated_at = datetime!(2026-03-31 16:00 UTC);
        assert_eq!(merge_slots(&[ended_early], &[], "America/Toronto", from, to).len(), 4);
        // An ended schedule with no end date (never expected) produces nothing rather than forever.
        assert!(merge_slots(&[weekly(false, None)], &[], "America/Toronto", from, to).is_empty());
    }
}
