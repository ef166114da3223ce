//! Supervision and peer-mentoring log (CSE 2.06d): sessions a staff member had with their
//! supervisor, in a supervision group or with an experienced peer, what they covered (self-care and
//! triggers among them), follow-ups, and the cases reviewed; and `gaps`, the staff with no
//! supervision (peer specialists: no peer mentoring) within the organisation's interval.
//!
//! Privacy: the cases reviewed are participants' data. They are stored as person ids and named
//! (record number and name) only to a reader whose caseload reaches the person; everyone else reads
//! "1 person on another caseload". Notes and follow-up text are read by those with
//! `PersonnelAccess::supervision` (the staff member, their supervisor, the director over their
//! programs) and by whoever led the session, who wrote them. Team-wide views carry neither.

use super::{StaffRecord, deny, positions_of, settings, staff_programs, team, today};
use crate::access::{self, Action, Actor, Enrolment, Reach};
use crate::app::AppState;
use crate::db;
use crate::db::entities::{enrolment, person, staff, staff_profile, supervision_session};
use crate::domain::codes::{join_codes, split_codes};
use crate::domain::person::format_record_number;
use crate::domain::personnel::{Intervals, Position, SupervisionKind, SupervisionTopic};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::groups::setup::number_or_text;
use crate::web::actor_entry;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use time::{Date, Duration};
use utoipa::ToSchema;
use uuid::Uuid;

pub const NOTES_MAX: usize = 8000;
pub const FOLLOW_UPS_MAX: usize = 2000;
pub const MINUTES_MAX: i32 = 600;
/// Cases reviewed in one session; more is almost certainly a mistake in a script.
pub const PEOPLE_MAX: usize = 30;
/// Older dates are nearly always typing slips (a year of 2016 for 2026).
const OLDEST_DAYS: i64 = 3660;

// ---------- input ----------

/// A session as the form and the API send it; codes and numbers as text so mistakes come back
/// as field errors.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct SupervisionSessionInput {
    /// `individual`, `group` or `peer-mentoring`.
    pub kind: String,
    /// The day it was held (YYYY-MM-DD), not after today.
    pub held_on: String,
    /// How long it lasted, 1 to 600 minutes; may be left out.
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub minutes: Option<String>,
    /// At least one of `caseload-review`, `self-care`, `triggers`, `boundaries-ethics`,
    /// `recovery-story`, `crisis-debrief`, `workload`, `training-goals`, `role-clarity`, `other`.
    pub topics: Vec<String>,
    /// What was discussed (read only by the staff member, their supervisor, the director over
    /// their programs and whoever led the session).
    pub notes: Option<String>,
    /// What the staff member or the supervisor will do next.
    pub follow_ups: Option<String>,
    /// When the follow-ups are due (YYYY-MM-DD), on or after the session.
    pub follow_up_due: Option<String>,
    /// Ids of the people whose cases were reviewed; only people the one logging may open.
    #[schema(value_type = Vec<Uuid>)]
    pub people_discussed: Vec<String>,
}

/// Marking a session's follow-ups done (or not done after all).
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct SupervisionFollowUpInput {
    pub done: bool,
    /// The day they were done (YYYY-MM-DD); today when left out.
    pub done_on: Option<String>,
}

/// A change to a logged session: its content (the one who led it, the supervisor or the director)
/// and/or whether its follow-ups are done (also the staff member).
#[derive(Clone, Debug, Default)]
pub struct SessionChange {
    pub session: Option<SupervisionSessionInput>,
    pub follow_up: Option<SupervisionFollowUpInput>,
}

/// A session that passed every check (people not yet checked against the caseloads).
#[derive(Clone, Debug, PartialEq)]
pub struct ValidSession {
    pub kind: SupervisionKind,
    pub held_on: Date,
    pub minutes: Option<i32>,
    pub topics: Vec<SupervisionTopic>,
    pub notes: Option<String>,
    pub follow_ups: Option<String>,
    pub follow_up_due: Option<Date>,
    pub people: Vec<Uuid>,
}

fn parse_date(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<Date> {
    errors.optional_date(field, Some(raw))
}

/// Checks a session against `today` in the organisation's time zone.
pub fn validate(input: &SupervisionSessionInput, today: Date) -> Result<ValidSession, FieldErrors> {
    let mut errors = FieldErrors::new();
    let kind = if input.kind.trim().is_empty() {
        errors.add("kind", "supervision-log-error-kind-required");
        None
    } else {
        let kind = SupervisionKind::parse(&input.kind);
        if kind.is_none() {
            errors.add("kind", "supervision-log-error-kind-unknown");
        }
        kind
    };
    let held_on = if input.held_on.trim().is_empty() {
        errors.add("held_on", "supervision-log-error-date-required");
        None
    } else {
        parse_date(&mut errors, "held_on", &input.held_on)
    };
    if let Some(d) = held_on {
        if d > today {
            errors.add_with("held_on", "supervision-log-error-future", vec![("today", today.to_string())]);
        } else if d < today - Duration::days(OLDEST_DAYS) {
            errors.add("held_on", "supervision-log-error-too-old");
        }
    }
    let minutes = match input.minutes.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(m) if m <= 0 => {
                errors.add("minutes", "supervision-log-error-minutes");
                None
            }
            Ok(m) if m > MINUTES_MAX as i64 => {
                errors.add_with(
                    "minutes",
                    "supervision-log-error-minutes-long",
                    vec![("max", MINUTES_MAX.to_string())],
                );
                None
            }
            Ok(m) => Some(m as i32),
            Err(_) => {
                errors.add("minutes", "supervision-log-error-minutes");
                None
            }
        },
    };
    let mut topics: Vec<SupervisionTopic> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for raw in input.topics.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        match SupervisionTopic::parse(raw) {
            Some(t) if !topics.contains(&t) => topics.push(t),
            Some(_) => {}
            None => unknown.push(raw.chars().take(60).collect()),
        }
    }
    if !unknown.is_empty() {
        errors.add_with("topics", "supervision-log-error-topic-unknown", vec![("codes", unknown.join(", "))]);
    } else if topics.is_empty() {
        errors.add("topics", "supervision-log-error-topics-required");
    }
    topics.sort_by_key(|t| SupervisionTopic::ALL.iter().position(|x| x == t));
    let notes = errors.optional("notes", input.notes.as_deref(), NOTES_MAX);
    let follow_ups = errors.optional("follow_ups", input.follow_ups.as_deref(), FOLLOW_UPS_MAX);
    let follow_up_due = input
        .follow_up_due
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .and_then(|d| parse_date(&mut errors, "follow_up_due", d));
    if let Some(due) = follow_up_due {
        if follow_ups.is_none() {
            errors.add("follow_up_due", "supervision-log-error-due-without-follow-up");
        } else if held_on.is_some_and(|h| due < h) {
            errors.add("follow_up_due", "supervision-log-error-due-before-session");
        }
    }
    let mut people: Vec<Uuid> = Vec::new();
    let mut bad_id = false;
    for raw in input.people_discussed.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        match Uuid::parse_str(raw) {
            Ok(id) if !people.contains(&id) => people.push(id),
            Ok(_) => {}
            Err(_) => bad_id = true,
        }
    }
    if bad_id {
        errors.add("people_discussed", "supervision-log-error-person-unknown");
    } else if people.len() > PEOPLE_MAX {
        errors.add_with(
            "people_discussed",
            "supervision-log-error-too-many-people",
            vec![("max", PEOPLE_MAX.to_string())],
        );
    }
    match (kind, held_on) {
        (Some(kind), Some(held_on)) if errors.is_empty() => {
            Ok(ValidSession { kind, held_on, minutes, topics, notes, follow_ups, follow_up_due, people })
        }
        _ => Err(errors),
    }
}

/// The day follow-ups were done: given or today, not in the future, not before the session.
fn follow_up_done_on(
    input: &SupervisionFollowUpInput,
    held_on: Date,
    today: Date,
) -> Result<Option<Date>, FieldErrors> {
    if !input.done {
        return Ok(None);
    }
    let mut errors = FieldErrors::new();
    let on = match input.done_on.as_deref().filter(|d| !d.trim().is_empty()) {
        None => Some(today),
        Some(raw) => parse_date(&mut errors, "done_on", raw),
    };
    if let Some(on) = on {
        if on > today {
            errors.add_with("done_on", "supervision-log-error-future", vec![("today", today.to_string())]);
        } else if on < held_on {
            errors.add("done_on", "supervision-log-error-done-before-session");
        }
    }
    errors.finish(on)
}

// ---------- who may do what ----------

/// Whether a staff member's positions include peer specialist (who may mentor other staff).
pub async fn is_peer_specialist(conn: &impl ConnectionTrait, org_id: Uuid, staff_id: Uuid) -> Result<bool, DbErr> {
    let Some(member) = db::staff::get(conn, org_id, staff_id).await? else { return Ok(false) };
    let profile = staff_profile::Entity::find_by_id((org_id, staff_id)).one(conn).await?;
    Ok(positions_of(&member, profile.as_ref()).contains(&Position::PeerSpecialist))
}

/// A staff member's record as the log sees it, with what the reader may do with it.
struct Opened {
    record: StaffRecord,
    /// The reader is a peer specialist and this is a colleague: they may log peer mentoring.
    mentor: bool,
}

impl Opened {
    /// Kinds the reader may log here: every kind for a supervisor or director, peer mentoring for
    /// a peer mentor, nothing for oneself.
    fn may_log(&self) -> Vec<SupervisionKind> {
        if self.record.access.supervise {
            SupervisionKind::ALL.to_vec()
        } else if self.mentor {
            vec![SupervisionKind::PeerMentoring]
        } else {
            Vec::new()
        }
    }

    /// Reads every session (notes aside): the record's readers.
    fn reads_all(&self) -> bool {
        self.record.access.view || self.record.access.supervision
    }

    fn notes_visible(&self, actor: &Actor, session: &supervision_session::Model) -> bool {
        self.record.access.supervision || session.led_by == actor.staff_id
    }

    fn may_edit(&self, actor: &Actor, session: &supervision_session::Model) -> bool {
        self.record.access.supervise || session.led_by == actor.staff_id
    }

    fn may_mark_follow_up(&self, actor: &Actor, session: &supervision_session::Model) -> bool {
        self.may_edit(actor, session) || self.record.access.supervision
    }
}

async fn open_log(state: &AppState, actor: &Actor, staff_id: Uuid) -> AppResult<Opened> {
    let conn = state.db.conn();
    let Some(staff) = db::staff::get(conn, actor.org_id, staff_id).await? else { return Err(AppError::NotFound) };
    let programs = staff_programs(conn, actor.org_id, staff_id).await?;
    let reach = access::staff_reach(actor, staff_id, &programs);
    let access = access::personnel_access(actor, reach);
    let mentor = actor.staff_id != staff_id && is_peer_specialist(conn, actor.org_id, actor.staff_id).await?;
    Ok(Opened { record: StaffRecord { staff, programs, reach, access }, mentor })
}

// ---------- the people discussed ----------

/// A person named on a session, for a reader whose caseload reaches them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct PersonShown {
    pub id: Uuid,
    /// "MS-000042".
    pub record_number: String,
    pub name: String,
}

#[derive(sea_orm::FromQueryResult)]
struct NameRow {
    id: Uuid,
    record_number: i64,
    legal_given_name: String,
    legal_family_name: String,
    preferred_name: Option<String>,
}

fn person_name(given: &str, family: &str, preferred: Option<&str>) -> String {
    match preferred {
        Some(p) if !p.is_empty() && p != given => format!("{p} ({given}) {family}"),
        _ => format!("{given} {family}"),
    }
}

/// Whether the actor reaches a person with these enrolments through a caseload: their own, a
/// supervisee's or a program they direct. Roles that read records without a caseload (the quality
/// lead) do not, so supervision views never name people to them.
fn caseload_reach(actor: &Actor, links: &[Enrolment]) -> bool {
    let reach = access::reach(actor, links);
    reach != Reach::Outside && access::allows(actor, Action::ViewPerson, reach)
}

/// The people among `ids` the actor reaches through a caseload, named. One query for the
/// enrolments and one for the names, however many sessions; no person.view events are written
/// because no record is opened (the view of the log is audited with the count shown).
async fn reachable_people(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, PersonShown>, DbErr> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut links: HashMap<Uuid, Vec<Enrolment>> = HashMap::new();
    for chunk in ids.chunks(400) {
        let rows = enrolment::Entity::find()
            .filter(enrolment::Column::OrgId.eq(actor.org_id))
            .filter(enrolment::Column::PersonId.is_in(chunk.to_vec()))
            .all(conn)
            .await?;
        for e in rows {
            links.entry(e.person_id).or_default().push(Enrolment { program_id: e.program_id, worker_id: e.worker_id });
        }
    }
    let visible: Vec<Uuid> = links.iter().filter(|(_, l)| caseload_reach(actor, l)).map(|(id, _)| *id).collect();
    for chunk in visible.chunks(400) {
        let rows: Vec<NameRow> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::RecordNumber)
            .column(person::Column::LegalGivenName)
            .column(person::Column::LegalFamilyName)
            .column(person::Column::PreferredName)
            .filter(person::Column::OrgId.eq(actor.org_id))
            .filter(person::Column::Id.is_in(chunk.to_vec()))
            .into_model()
            .all(conn)
            .await?;
        for r in rows {
            let name = person_name(&r.legal_given_name, &r.legal_family_name, r.preferred_name.as_deref());
            out.insert(r.id, PersonShown { id: r.id, record_number: format_record_number(r.record_number), name });
        }
    }
    Ok(out)
}

fn person_ids(joined: &str) -> Vec<Uuid> {
    joined.split(';').filter_map(|p| Uuid::parse_str(p.trim()).ok()).collect()
}

fn join_ids(ids: &[Uuid]) -> String {
    ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(";")
}

/// People the logger may name: those on the staff member's caseload the logger reaches.
async fn choices(state: &AppState, actor: &Actor, staff_id: Uuid) -> Result<Vec<PersonShown>, DbErr> {
    let rows = db::coaching::caseload(&state.db, actor.org_id, &[staff_id]).await?;
    let mut out: Vec<PersonShown> = rows
        .iter()
        .filter(|r| caseload_reach(actor, &[Enrolment { program_id: r.program_id, worker_id: Some(r.worker_id) }]))
        .map(|r| PersonShown {
            id: r.person_id,
            record_number: format_record_number(r.record_number),
            name: person_name(&r.legal_given_name, &r.legal_family_name, r.preferred_name.as_deref()),
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.id));
    out.sort_by_key(|p| p.name.to_lowercase());
    Ok(out)
}

// ---------- reading the log ----------

/// One session as a reader may see it: notes, follow-up text and unreachable people removed.
#[derive(Clone, Debug)]
pub struct SessionView {
    /// The row, with `notes`, `follow_ups` and `people_discussed` emptied unless visible.
    pub session: supervision_session::Model,
    pub kind: SupervisionKind,
    pub topics: Vec<SupervisionTopic>,
    pub led_by_name: String,
    pub notes_visible: bool,
    /// People named for this reader, by name.
    pub people: Vec<PersonShown>,
    /// People discussed the reader's caseloads do not reach (counted, never named).
    pub other_people: usize,
    pub follow_up_overdue: bool,
    pub may_edit: bool,
    pub may_mark_follow_up: bool,
}

impl SessionView {
    pub fn has_follow_up(&self) -> bool {
        self.session.follow_ups.is_some() || self.session.follow_up_due.is_some()
    }
}

/// A staff member's log as one reader sees it.
#[derive(Clone, Debug)]
pub struct SupervisionLog {
    pub record: StaffRecord,
    /// Newest first.
    pub sessions: Vec<SessionView>,
    /// Kinds the reader may log (empty: no form).
    pub may_log: Vec<SupervisionKind>,
    /// The reader is a peer mentor without other access: only the sessions they led are listed.
    pub only_own_sessions: bool,
    /// People on the staff member's caseload the reader may name on a session.
    pub choices: Vec<PersonShown>,
    /// The staff member is a peer specialist (peer mentoring is expected of them).
    pub peer: bool,
    pub last_supervision: Option<Date>,
    pub last_mentoring: Option<Date>,
    pub intervals: Intervals,
    pub today: Date,
}

impl SupervisionLog {
    pub fn supervision_gap(&self) -> bool {
        overdue(self.last_supervision, self.intervals.supervision_days, self.today)
    }

    pub fn mentoring_gap(&self) -> bool {
        self.peer && overdue(self.last_mentoring, self.intervals.mentoring_days, self.today)
    }
}

/// No session at all, or the last one longer ago than the interval.
fn overdue(last: Option<Date>, days: i64, today: Date) -> bool {
    last.is_none_or(|d| (today - d).whole_days() > days)
}

async fn staff_names(conn: &impl ConnectionTrait, org_id: Uuid, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff::Entity::find()
        .filter(staff::Column::OrgId.eq(org_id))
        .filter(staff::Column::Id.is_in(ids.to_vec()))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect())
}

async fn views(
    state: &AppState,
    actor: &Actor,
    opened: &Opened,
    rows: Vec<supervision_session::Model>,
    today: Date,
) -> AppResult<Vec<SessionView>> {
    let conn = state.db.conn();
    let mut all_people: Vec<Uuid> = rows.iter().flat_map(|s| person_ids(&s.people_discussed)).collect();
    all_people.sort();
    all_people.dedup();
    let named = reachable_people(conn, actor, &all_people).await?;
    let mut leaders: Vec<Uuid> = rows.iter().map(|s| s.led_by).collect();
    leaders.sort();
    leaders.dedup();
    let names = staff_names(conn, actor.org_id, &leaders).await?;
    Ok(rows
        .into_iter()
        .map(|mut s| {
            let notes_visible = opened.notes_visible(actor, &s);
            let ids = person_ids(&s.people_discussed);
            let people: Vec<PersonShown> = ids.iter().filter_map(|id| named.get(id).cloned()).collect();
            let other_people = ids.len() - people.len();
            let follow_up_overdue =
                s.follow_ups.is_some() && s.follow_up_done_on.is_none() && s.follow_up_due.is_some_and(|d| d < today);
            if !notes_visible {
                s.notes = None;
                s.follow_ups = None;
            }
            s.people_discussed = String::new();
            SessionView {
                kind: SupervisionKind::parse(&s.kind).unwrap_or(SupervisionKind::Individual),
                topics: split_codes(&s.topics),
                led_by_name: names.get(&s.led_by).cloned().unwrap_or_default(),
                notes_visible,
                people,
                other_people,
                follow_up_overdue,
                may_edit: opened.may_edit(actor, &s),
                may_mark_follow_up: opened.may_mark_follow_up(actor, &s),
                session: s,
            }
        })
        .collect())
}

/// A staff member's supervision and mentoring log, newest first. Readers: those who may view the
/// record (notes only where `supervision` allows) and peer mentors (only the sessions they led).
pub async fn log(state: &AppState, actor: &Actor, staff_id: Uuid) -> AppResult<SupervisionLog> {
    let opened = open_log(state, actor, staff_id).await?;
    if !opened.reads_all() && !opened.mentor {
        return Err(deny(state, actor, "personnel.supervision.view", staff_id).await);
    }
    let conn = state.db.conn();
    let mut query = supervision_session::Entity::find()
        .filter(supervision_session::Column::OrgId.eq(actor.org_id))
        .filter(supervision_session::Column::StaffId.eq(staff_id));
    let only_own_sessions = !opened.reads_all();
    if only_own_sessions {
        query = query.filter(supervision_session::Column::LedBy.eq(actor.staff_id));
    }
    let rows = query
        .order_by_desc(supervision_session::Column::HeldOn)
        .order_by_desc(supervision_session::Column::CreatedAt)
        .all(conn)
        .await?;
    // The last dates count every session; a peer mentor who sees only their own sessions is not
    // told how the colleague's supervision stands.
    let dates = if only_own_sessions {
        (None, None)
    } else {
        last_dates(conn, actor.org_id, Some(staff_id)).await?.remove(&staff_id).unwrap_or_default()
    };
    let today = today(state, actor.org_id).await?;
    let sessions = views(state, actor, &opened, rows, today).await?;
    let may_log = opened.may_log();
    let choices = if may_log.is_empty() { Vec::new() } else { choices(state, actor, staff_id).await? };
    let peer = is_peer_specialist(conn, actor.org_id, staff_id).await?;
    let intervals = settings(conn, actor.org_id).await?.intervals;
    // Which participants were named to the reader, so showing a person can be traced to them.
    let mut shown: Vec<Uuid> = sessions.iter().flat_map(|s| s.people.iter().map(|p| p.id)).collect();
    shown.sort();
    shown.dedup();
    let entry = actor_entry(actor, "personnel.supervision.view")
        .record("staff", staff_id)
        .detail(json!({ "sessions": sessions.len(), "people_named": shown }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(SupervisionLog {
        record: opened.record,
        sessions,
        may_log,
        only_own_sessions,
        choices,
        peer,
        last_supervision: dates.0,
        last_mentoring: dates.1,
        intervals,
        today,
    })
}

/// The last supervision (individual or group) and the last peer mentoring of one staff member
/// (`Some`) or of everyone in the organisation: one grouped query either way.
async fn last_dates(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    staff_id: Option<Uuid>,
) -> Result<HashMap<Uuid, (Option<Date>, Option<Date>)>, DbErr> {
    let mut query = supervision_session::Entity::find()
        .select_only()
        .column(supervision_session::Column::StaffId)
        .column(supervision_session::Column::Kind)
        .column_as(Expr::col(supervision_session::Column::HeldOn).max(), "last")
        .filter(supervision_session::Column::OrgId.eq(org_id));
    if let Some(id) = staff_id {
        query = query.filter(supervision_session::Column::StaffId.eq(id));
    }
    let rows: Vec<(Uuid, String, Option<Date>)> = query
        .group_by(supervision_session::Column::StaffId)
        .group_by(supervision_session::Column::Kind)
        .into_tuple()
        .all(conn)
        .await?;
    let mut out: HashMap<Uuid, (Option<Date>, Option<Date>)> = HashMap::new();
    for (staff, kind, last) in rows {
        let entry = out.entry(staff).or_default();
        let slot = if kind == SupervisionKind::PeerMentoring.code() { &mut entry.1 } else { &mut entry.0 };
        *slot = std::cmp::max(*slot, last);
    }
    Ok(out)
}

/// One session of a staff member's log, as the reader may see it (for the edit form and the API).
pub async fn session(state: &AppState, actor: &Actor, staff_id: Uuid, session_id: Uuid) -> AppResult<SessionView> {
    let opened = open_log(state, actor, staff_id).await?;
    let row = find(state.db.conn(), actor.org_id, staff_id, session_id).await?;
    if !opened.reads_all() && row.led_by != actor.staff_id {
        return Err(deny(state, actor, "personnel.supervision.view", staff_id).await);
    }
    let today = today(state, actor.org_id).await?;
    let mut out = views(state, actor, &opened, vec![row], today).await?;
    out.pop().ok_or(AppError::NotFound)
}

/// The people on a session the reader may see, and those on the staff member's caseload they may
/// add: what the edit form offers.
pub async fn edit_choices(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    session_id: Uuid,
) -> AppResult<Vec<PersonShown>> {
    let row = find(state.db.conn(), actor.org_id, staff_id, session_id).await?;
    let ids = person_ids(&row.people_discussed);
    let named = reachable_people(state.db.conn(), actor, &ids).await?;
    let mut out: Vec<PersonShown> = ids.iter().filter_map(|id| named.get(id).cloned()).collect();
    for p in choices(state, actor, staff_id).await? {
        if !out.iter().any(|o| o.id == p.id) {
            out.push(p);
        }
    }
    Ok(out)
}

async fn find(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    staff_id: Uuid,
    session_id: Uuid,
) -> AppResult<supervision_session::Model> {
    supervision_session::Entity::find_by_id(session_id)
        .filter(supervision_session::Column::OrgId.eq(org_id))
        .filter(supervision_session::Column::StaffId.eq(staff_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

// ---------- writing ----------

/// Refuses people the logger's caseloads do not reach (ids must not be a way to name anyone).
async fn check_people(conn: &impl ConnectionTrait, actor: &Actor, ids: &[Uuid]) -> AppResult<()> {
    let named = reachable_people(conn, actor, ids).await?;
    if ids.iter().all(|id| named.contains_key(id)) {
        Ok(())
    } else {
        Err(FieldErrors::single("people_discussed", "supervision-log-error-person-not-reachable").into())
    }
}

/// Logs a session for a staff member, led by the actor. Individual and group supervision need
/// `supervise` (their supervisor, the director over their programs); peer mentoring may also be
/// logged by a peer specialist for a colleague. Nobody logs a session for themselves.
pub async fn add(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    input: &SupervisionSessionInput,
) -> AppResult<supervision_session::Model> {
    let opened = open_log(state, actor, staff_id).await?;
    let may_log = opened.may_log();
    if may_log.is_empty() {
        return Err(deny(state, actor, "personnel.supervision.add", staff_id).await);
    }
    let today = today(state, actor.org_id).await?;
    let valid = validate(input, today)?;
    if !may_log.contains(&valid.kind) {
        return Err(deny(state, actor, "personnel.supervision.add", staff_id).await);
    }
    check_people(state.db.conn(), actor, &valid.people).await?;
    let now = state.clock.now();
    let model = supervision_session::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        staff_id,
        led_by: actor.staff_id,
        kind: valid.kind.code().into(),
        held_on: valid.held_on,
        minutes: valid.minutes,
        topics: join_codes(&valid.topics),
        notes: valid.notes,
        follow_ups: valid.follow_ups,
        follow_up_due: valid.follow_up_due,
        follow_up_done_on: None,
        people_discussed: join_ids(&valid.people),
        recorded_by: actor.staff_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let txn = state.db.begin_write().await?;
    supervision_session::Entity::insert(supervision_session::ActiveModel::from(model.clone()))
        .exec_without_returning(&*txn)
        .await?;
    let entry = actor_entry(actor, "personnel.supervision.add").record("staff", staff_id).detail(json!({
        "session_id": model.id,
        "kind": model.kind,
        "held_on": model.held_on.to_string(),
        "people_discussed": valid.people.len(),
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(model)
}

/// Changes a logged session made against `version` (409 when someone saved in between): its
/// content, by whoever led it or the staff member's supervisor or director; whether its
/// follow-ups are done, also by the staff member. People discussed whom the editor cannot see
/// are kept as they were.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    session_id: Uuid,
    version: i32,
    change: &SessionChange,
) -> AppResult<supervision_session::Model> {
    let opened = open_log(state, actor, staff_id).await?;
    let conn = state.db.conn();
    let old = find(conn, actor.org_id, staff_id, session_id).await?;
    if change.session.is_some() && !opened.may_edit(actor, &old) {
        return Err(deny(state, actor, "personnel.supervision.update", staff_id).await);
    }
    if change.follow_up.is_some() && !opened.may_mark_follow_up(actor, &old) {
        return Err(deny(state, actor, "personnel.supervision.follow-up", staff_id).await);
    }
    if change.session.is_none() && change.follow_up.is_none() {
        return Err(FieldErrors::single("session", "supervision-log-error-nothing-to-change").into());
    }
    let today = today(state, actor.org_id).await?;
    let mut new = old.clone();
    let mut changed: Vec<&'static str> = Vec::new();
    if let Some(input) = &change.session {
        let valid = validate(input, today)?;
        // Only a supervisor or director turns a session into supervision.
        let was = SupervisionKind::parse(&old.kind);
        if valid.kind != SupervisionKind::PeerMentoring && !opened.record.access.supervise && was != Some(valid.kind) {
            return Err(deny(state, actor, "personnel.supervision.update", staff_id).await);
        }
        let before = person_ids(&old.people_discussed);
        let seen = reachable_people(conn, actor, &before).await?;
        let added: Vec<Uuid> = valid.people.iter().copied().filter(|p| !before.contains(p)).collect();
        check_people(conn, actor, &added).await?;
        // Submitted ids the editor can see replace the visible ones; hidden ones stay.
        let mut people: Vec<Uuid> = before.iter().copied().filter(|p| !seen.contains_key(p)).collect();
        for p in &valid.people {
            if !people.contains(p) {
                people.push(*p);
            }
        }
        new.kind = valid.kind.code().into();
        new.held_on = valid.held_on;
        new.minutes = valid.minutes;
        new.topics = join_codes(&valid.topics);
        new.notes = valid.notes;
        new.follow_ups = valid.follow_ups;
        new.follow_up_due = valid.follow_up_due;
        new.people_discussed = join_ids(&people);
        if new.follow_ups.is_none() {
            new.follow_up_done_on = None;
        }
        macro_rules! cmp {
            ($($f:ident),*) => { $( if old.$f != new.$f { changed.push(stringify!($f)); } )* };
        }
        cmp!(kind, held_on, minutes, topics, notes, follow_ups, follow_up_due, people_discussed);
    }
    let mut follow_up_changed = false;
    if let Some(input) = &change.follow_up {
        if input.done && new.follow_ups.is_none() {
            return Err(FieldErrors::single("done_on", "supervision-log-error-no-follow-up").into());
        }
        let done_on = follow_up_done_on(input, new.held_on, today)?;
        follow_up_changed = done_on != new.follow_up_done_on;
        new.follow_up_done_on = done_on;
    }
    let now = state.clock.now();
    new.version = old.version + 1;
    new.updated_at = now;
    let txn = state.db.begin_write().await?;
    let result = supervision_session::Entity::update_many()
        .set(supervision_session::ActiveModel::from(new.clone()).reset_all())
        .filter(supervision_session::Column::OrgId.eq(actor.org_id))
        .filter(supervision_session::Column::Id.eq(session_id))
        .filter(supervision_session::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    if change.session.is_some() {
        let entry = actor_entry(actor, "personnel.supervision.update")
            .record("staff", staff_id)
            .detail(json!({ "session_id": session_id, "fields": changed }));
        db::audit::append(&txn, entry, now).await?;
    }
    if change.follow_up.is_some() {
        let entry = actor_entry(actor, "personnel.supervision.follow-up").record("staff", staff_id).detail(json!({
            "session_id": session_id,
            "done_on": new.follow_up_done_on.map(|d| d.to_string()),
            "changed": follow_up_changed,
        }));
        db::audit::append(&txn, entry, now).await?;
    }
    txn.commit().await?;
    Ok(new)
}

// ---------- gaps ----------

/// A staff member with no supervision (or peer mentoring) in the interval, or follow-ups overdue.
#[derive(Clone, Debug)]
pub struct GapRow {
    pub staff: staff::Model,
    /// A peer specialist: peer mentoring is checked too.
    pub peer: bool,
    pub last_supervision: Option<Date>,
    pub days_since_supervision: Option<i64>,
    pub supervision_gap: bool,
    pub last_mentoring: Option<Date>,
    pub days_since_mentoring: Option<i64>,
    pub mentoring_gap: bool,
    /// Sessions whose follow-ups are past their due date and not done (counted; the text is in
    /// the log).
    pub overdue_follow_ups: usize,
}

/// Staff the actor sees on team views who need supervision and are behind.
#[derive(Clone, Debug)]
pub struct Gaps {
    pub rows: Vec<GapRow>,
    /// How many staff were checked (those in direct-service or supervisor positions).
    pub checked: usize,
    pub intervals: Intervals,
    pub today: Date,
}

/// Whether supervision is expected of someone in these positions: everyone who works with people
/// or supervises those who do (administrators, the quality lead and directors are not checked).
fn needs_supervision(positions: &[Position]) -> bool {
    positions.iter().any(|p| p.is_direct_service() || *p == Position::Supervisor)
}

/// The supervision gap list: staff the actor sees (`personnel::team`) with no supervision within
/// `supervision_days`, peer specialists with no peer mentoring within `mentoring_days`, and anyone
/// with overdue follow-ups; longest gap first. A fixed number of queries for any team size.
pub async fn gaps(state: &AppState, actor: &Actor) -> AppResult<Gaps> {
    let members = team(state, actor, "personnel.supervision.gaps").await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let today = today(state, org_id).await?;
    let intervals = settings(conn, org_id).await?.intervals;
    let dates = last_dates(conn, org_id, None).await?;
    let profiles: HashMap<Uuid, staff_profile::Model> = staff_profile::Entity::find()
        .filter(staff_profile::Column::OrgId.eq(org_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.staff_id, p))
        .collect();
    let overdue_rows: Vec<(Uuid, i64)> = supervision_session::Entity::find()
        .select_only()
        .column(supervision_session::Column::StaffId)
        .column_as(Expr::col(supervision_session::Column::Id).count(), "n")
        .filter(supervision_session::Column::OrgId.eq(org_id))
        .filter(supervision_session::Column::FollowUps.is_not_null())
        .filter(supervision_session::Column::FollowUpDoneOn.is_null())
        .filter(supervision_session::Column::FollowUpDue.lt(today))
        .group_by(supervision_session::Column::StaffId)
        .into_tuple()
        .all(conn)
        .await?;
    let overdue_follow_ups: HashMap<Uuid, usize> = overdue_rows.into_iter().map(|(s, n)| (s, n as usize)).collect();
    let mut checked = 0;
    let mut rows = Vec::new();
    for member in members {
        let positions = positions_of(&member, profiles.get(&member.id));
        if !needs_supervision(&positions) {
            continue;
        }
        checked += 1;
        let peer = positions.contains(&Position::PeerSpecialist);
        let (last_supervision, last_mentoring) = dates.get(&member.id).copied().unwrap_or_default();
        let since = |d: Option<Date>| d.map(|d| (today - d).whole_days());
        let supervision_gap = overdue(last_supervision, intervals.supervision_days, today);
        let mentoring_gap = peer && overdue(last_mentoring, intervals.mentoring_days, today);
        let late = overdue_follow_ups.get(&member.id).copied().unwrap_or(0);
        if !supervision_gap && !mentoring_gap && late == 0 {
            continue;
        }
        rows.push(GapRow {
            peer,
            last_supervision,
            days_since_supervision: since(last_supervision),
            supervision_gap,
            last_mentoring,
            days_since_mentoring: since(last_mentoring),
            mentoring_gap,
            overdue_follow_ups: late,
            staff: member,
        });
    }
    // Never supervised first, then the longest since.
    rows.sort_by(|a, b| {
        let key = |r: &GapRow| (r.supervision_gap, r.days_since_supervision.unwrap_or(i64::MAX));
        key(b).cmp(&key(a)).then_with(|| a.staff.display_name.cmp(&b.staff.display_name))
    });
    Ok(Gaps { rows, checked, intervals, today })
}

/// Active colleagues a peer specialist may mentor (everyone but themselves), for the chooser on
/// their own log. Empty for anyone who is not a peer specialist.
pub async fn mentees(state: &AppState, actor: &Actor) -> AppResult<Vec<(Uuid, String)>> {
    if !is_peer_specialist(state.db.conn(), actor.org_id, actor.staff_id).await? {
        return Ok(Vec::new());
    }
    Ok(db::staff::active(&state.db, actor.org_id)
        .await?
        .into_iter()
        .filter(|s| s.id != actor.staff_id)
        .map(|s| (s.id, s.display_name))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 18);

    fn input() -> SupervisionSessionInput {
        SupervisionSessionInput {
            kind: "individual".into(),
            held_on: "2026-11-17".into(),
            minutes: Some("60".into()),
            topics: vec!["self-care".into(), "caseload-review".into()],
            notes: Some("Talked through boundaries.".into()),
            follow_ups: Some("Read the boundaries guide".into()),
            follow_up_due: Some("2026-12-01".into()),
            people_discussed: Vec::new(),
        }
    }

    fn codes(errors: &FieldErrors) -> Vec<(&str, &str)> {
        errors.0.iter().map(|e| (e.field.as_str(), e.message_id)).collect()
    }

    #[test]
    fn a_complete_session_is_valid_and_topics_are_ordered() {
        let valid = validate(&input(), TODAY).unwrap();
        assert_eq!(valid.kind, SupervisionKind::Individual);
        assert_eq!(valid.topics, vec![SupervisionTopic::CaseloadReview, SupervisionTopic::SelfCare]);
        assert_eq!(valid.minutes, Some(60));
    }

    type Case = (fn(&mut SupervisionSessionInput), (&'static str, &'static str));

    #[test]
    fn each_mistake_has_its_own_message() {
        let cases: Vec<Case> = vec![
            (|i| i.kind = String::new(), ("kind", "supervision-log-error-kind-required")),
            (|i| i.kind = "coffee".into(), ("kind", "supervision-log-error-kind-unknown")),
            (|i| i.held_on = "2026-11-19".into(), ("held_on", "supervision-log-error-future")),
            (|i| i.held_on = "2006-11-19".into(), ("held_on", "supervision-log-error-too-old")),
            (|i| i.held_on = "18/11/2026".into(), ("held_on", "error-date-format")),
            (|i| i.minutes = Some("0".into()), ("minutes", "supervision-log-error-minutes")),
            (|i| i.minutes = Some("an hour".into()), ("minutes", "supervision-log-error-minutes")),
            (|i| i.minutes = Some("6000".into()), ("minutes", "supervision-log-error-minutes-long")),
            (|i| i.topics.clear(), ("topics", "supervision-log-error-topics-required")),
            (|i| i.topics.push("gossip".into()), ("topics", "supervision-log-error-topic-unknown")),
            (|i| i.follow_ups = None, ("follow_up_due", "supervision-log-error-due-without-follow-up")),
            (
                |i| i.follow_up_due = Some("2026-11-01".into()),
                ("follow_up_due", "supervision-log-error-due-before-session"),
            ),
            (
                |i| i.people_discussed = vec!["not-an-id".into()],
                ("people_discussed", "supervision-log-error-person-unknown"),
            ),
        ];
        for (change, expected) in cases {
            let mut i = input();
            change(&mut i);
            let errors = validate(&i, TODAY).unwrap_err();
            assert_eq!(codes(&errors), vec![expected]);
        }
    }

    #[test]
    fn follow_ups_are_done_on_a_real_day() {
        let held = date!(2026 - 11 - 10);
        let done = |on: Option<&str>| SupervisionFollowUpInput { done: true, done_on: on.map(String::from) };
        assert_eq!(follow_up_done_on(&done(None), held, TODAY), Ok(Some(TODAY)));
        assert_eq!(follow_up_done_on(&SupervisionFollowUpInput::default(), held, TODAY), Ok(None));
        assert!(follow_up_done_on(&done(Some("2026-11-19")), held, TODAY).is_err());
        assert!(follow_up_done_on(&done(Some("2026-11-09")), held, TODAY).is_err());
    }

    #[test]
    fn every_kind_and_topic_has_an_english_label() {
        let tr = crate::i18n::Tr::new(crate::domain::codes::UiLanguage::En);
        let ids = SupervisionKind::ALL
            .iter()
            .map(|k| k.message_id())
            .chain(SupervisionTopic::ALL.iter().map(|t| t.message_id()));
        for id in ids {
            assert_ne!(tr.t(&id), id, "{id} has no label");
        }
    }

    #[test]
    fn a_gap_is_no_session_or_one_older_than_the_interval() {
        assert!(overdue(None, 30, TODAY));
        assert!(!overdue(Some(date!(2026 - 10 - 19)), 30, TODAY));
        assert!(overdue(Some(date!(2026 - 10 - 18)), 30, TODAY));
        assert!(needs_supervision(&[Position::PeerSpecialist]));
        assert!(needs_supervision(&[Position::Supervisor]));
        assert!(!needs_supervision(&[Position::ProgramManager]));
        assert!(!needs_supervision(&[]));
    }
}
