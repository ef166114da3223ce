//! Program rules, advisory meetings and participant surveys (CSE 7.02 / CA-CSE 7.03): the one
//! place these records are read and written.
//!
//! - Program rules are versioned per program (or for the whole organisation). A version is never
//!   changed once recorded; a new one supersedes it, numbered in the same transaction. Each version
//!   says how participants took part in drafting it and how the rules are enforced together.
//! - Advisory and community meetings carry topics, counts of participants and staff, and —
//!   only with their agreement — named participants from the recorder's caseload. Decisions
//!   taken there have an owner, a due date and a follow-through; open ones past their due date
//!   are overdue.
//! - Participant surveys carry who was invited, who answered (the response rate) and results.
//!
//! Every staff member may read (`ViewParticipation`); leads write (`ManageParticipation`).
//! Writes are audited in their transaction; reading a meeting that names people is audited once
//! per person named.

use crate::access::{self, Action, Actor, Reach};
use crate::app::AppState;
use crate::db;
use crate::db::entities::{
    advisory_attendee, advisory_decision, advisory_meeting, enrolment, participant_survey, person, program,
    program_rule, staff, survey_result,
};
use crate::domain::FieldErrors;
use crate::domain::codes::Role;
use crate::domain::participation::{
    AdvisoryDecisionInput, AdvisoryDecisionStatus, AdvisoryMeetingKind, DiffLine, Drafting, MeetingInput,
    RuleEnforcement, RuleVersionInput, SurveyInput, SurveyMethod, SurveyResultKind, ValidDecision, ValidMeeting,
    ValidSurvey, Votes, decision_overdue, line_diff, response_rate, topic_lines, validate_decision, validate_meeting,
    validate_rule_version, validate_survey,
};
use crate::error::{AppError, AppResult};
use crate::web::actor_entry;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The `scope` of organisation-wide rules.
pub const ORGANISATION_SCOPE: &str = "organisation";
/// At most this many people are offered as named attendees.
const CHOICES_MAX: u64 = 500;

pub fn scope_of(program_id: Option<Uuid>) -> String {
    program_id.map(|p| p.to_string()).unwrap_or_else(|| ORGANISATION_SCOPE.to_string())
}

// ---------- access ----------

async fn require(state: &AppState, actor: &Actor, action: Action, verb: &str) -> AppResult<()> {
    if access::allows(actor, action, Reach::Outside) {
        Ok(())
    } else {
        Err(crate::intake::deny(state, actor, verb, None).await)
    }
}

async fn may_read(state: &AppState, actor: &Actor) -> AppResult<()> {
    require(state, actor, Action::ViewParticipation, "participation.view").await
}

pub fn may_manage(actor: &Actor) -> bool {
    access::allows(actor, Action::ManageParticipation, Reach::Outside)
}

async fn may_write(state: &AppState, actor: &Actor, verb: &str) -> AppResult<()> {
    require(state, actor, Action::ManageParticipation, verb).await
}

/// Today in the organisation's time zone.
pub async fn today(state: &AppState, org_id: Uuid) -> Result<Date, DbErr> {
    let zone = db::org::get(state.db.conn(), org_id).await?.map(|o| o.time_zone).unwrap_or_else(|| "UTC".into());
    Ok(crate::app::local_date(&zone, state.clock.now()))
}

async fn programs(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Vec<program::Model>, DbErr> {
    let mut all = db::org::programs(conn, org_id).await?;
    all.sort_by_key(|a| a.name.to_lowercase());
    Ok(all)
}

async fn program_names(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<HashMap<Uuid, String>, DbErr> {
    Ok(programs(conn, org_id).await?.into_iter().map(|p| (p.id, p.name)).collect())
}

async fn staff_names(conn: &impl ConnectionTrait, org_id: Uuid, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, DbErr> {
    let mut ids: Vec<Uuid> = ids.to_vec();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff::Entity::find()
        .filter(staff::Column::OrgId.eq(org_id))
        .filter(staff::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect())
}

/// A program the record is about must be one of the organisation's.
async fn check_program(conn: &impl ConnectionTrait, org_id: Uuid, program_id: Option<Uuid>) -> AppResult<()> {
    let Some(id) = program_id else { return Ok(()) };
    if programs(conn, org_id).await?.iter().any(|p| p.id == id) {
        Ok(())
    } else {
        Err(AppError::Invalid(FieldErrors::single("program_id", "participation-error-program-unknown")))
    }
}

fn person_name(p: &person::Model) -> String {
    format!("{} {}", p.preferred_name.as_deref().unwrap_or(&p.legal_given_name), p.legal_family_name)
}

// ---------- program rules ----------

/// One recorded version of the rules with its drafting record read back.
#[derive(Clone, Debug)]
pub struct RuleVersion {
    pub rule: program_rule::Model,
    pub drafting: Vec<Drafting>,
    pub votes: Option<Votes>,
    pub enforcement: RuleEnforcement,
}

impl RuleVersion {
    pub fn of(rule: program_rule::Model) -> RuleVersion {
        let drafting: Vec<Drafting> = serde_json::from_str(&rule.drafting).unwrap_or_default();
        let votes = if rule.votes_for.is_some() || rule.votes_against.is_some() || rule.votes_abstain.is_some() {
            Some(Votes {
                votes_for: rule.votes_for.unwrap_or(0),
                against: rule.votes_against.unwrap_or(0),
                abstain: rule.votes_abstain.unwrap_or(0),
            })
        } else {
            None
        };
        let enforcement = RuleEnforcement::parse(&rule.enforcement).unwrap_or(RuleEnforcement::Other);
        RuleVersion { rule, drafting, votes, enforcement }
    }

    /// Participants counted across the drafting methods (the same person may be counted twice).
    pub fn participants_total(&self) -> i32 {
        self.drafting.iter().filter_map(|d| d.participants).sum()
    }

    pub fn participant_led(&self) -> bool {
        self.enforcement.participant_led()
    }
}

/// One line of the rules list: a program (or the organisation) and its current version.
#[derive(Clone, Debug)]
pub struct RuleSummary {
    pub program_id: Option<Uuid>,
    /// None for the organisation-wide rules.
    pub program_name: Option<String>,
    pub current: Option<RuleVersion>,
    pub versions: usize,
    /// Days since the current version took effect (negative while it is still to come).
    pub age_days: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct RulesOverview {
    pub rows: Vec<RuleSummary>,
    pub today: Date,
}

/// Current rules for the organisation and every program, with how many versions each has.
pub async fn rules_overview(state: &AppState, actor: &Actor) -> AppResult<RulesOverview> {
    may_read(state, actor).await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let today = today(state, org_id).await?;
    let all = program_rule::Entity::find()
        .filter(program_rule::Column::OrgId.eq(org_id))
        .order_by_asc(program_rule::Column::VersionNumber)
        .all(conn)
        .await?;
    let mut by_scope: HashMap<String, Vec<program_rule::Model>> = HashMap::new();
    for r in all {
        by_scope.entry(r.scope.clone()).or_default().push(r);
    }
    let summary = |program_id: Option<Uuid>, program_name: Option<String>, rows: Option<Vec<program_rule::Model>>| {
        let rows = rows.unwrap_or_default();
        let versions = rows.len();
        let current = rows.into_iter().last().map(RuleVersion::of);
        let age_days = current.as_ref().map(|c| (today - c.rule.effective_from).whole_days());
        RuleSummary { program_id, program_name, current, versions, age_days }
    };
    let mut rows = vec![summary(None, None, by_scope.remove(ORGANISATION_SCOPE))];
    for p in programs(conn, org_id).await? {
        let versions = by_scope.remove(&p.id.to_string());
        if !p.active && versions.is_none() {
            continue;
        }
        rows.push(summary(Some(p.id), Some(p.name), versions));
    }
    Ok(RulesOverview { rows, today })
}

/// The current (latest) version of the organisation-wide rules and of each of `program_ids`'s
/// rules, organisation-wide first. For the participant portal: no access check, no person data.
pub async fn current_rules(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    program_ids: &[Uuid],
) -> Result<Vec<program_rule::Model>, DbErr> {
    let mut scopes: Vec<String> = vec![ORGANISATION_SCOPE.to_string()];
    scopes.extend(program_ids.iter().map(|p| p.to_string()));
    let rows = program_rule::Entity::find()
        .filter(program_rule::Column::OrgId.eq(org_id))
        .filter(program_rule::Column::Scope.is_in(scopes.clone()))
        .order_by_desc(program_rule::Column::VersionNumber)
        .all(conn)
        .await?;
    let mut out = Vec::new();
    for scope in scopes {
        if let Some(latest) = rows.iter().find(|r| r.scope == scope) {
            out.push(latest.clone());
        }
    }
    Ok(out)
}

/// Every version of one program's rules (or the organisation's), newest first.
#[derive(Clone, Debug)]
pub struct RuleHistory {
    pub program_id: Option<Uuid>,
    pub program_name: Option<String>,
    pub versions: Vec<RuleVersion>,
    pub recorded_by: HashMap<Uuid, String>,
}

async fn versions_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    program_id: Option<Uuid>,
) -> Result<Vec<program_rule::Model>, DbErr> {
    program_rule::Entity::find()
        .filter(program_rule::Column::OrgId.eq(org_id))
        .filter(program_rule::Column::Scope.eq(scope_of(program_id)))
        .order_by_desc(program_rule::Column::VersionNumber)
        .all(conn)
        .await
}

async fn program_name(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    program_id: Option<Uuid>,
) -> AppResult<Option<String>> {
    match program_id {
        None => Ok(None),
        Some(id) => {
            let names = program_names(conn, org_id).await?;
            names.get(&id).cloned().map(Some).ok_or(AppError::NotFound)
        }
    }
}

pub async fn rule_history(state: &AppState, actor: &Actor, program_id: Option<Uuid>) -> AppResult<RuleHistory> {
    may_read(state, actor).await?;
    let conn = state.db.conn();
    let program_name = program_name(conn, actor.org_id, program_id).await?;
    let versions: Vec<RuleVersion> =
        versions_of(conn, actor.org_id, program_id).await?.into_iter().map(RuleVersion::of).collect();
    let ids: Vec<Uuid> = versions.iter().map(|v| v.rule.recorded_by).collect();
    let recorded_by = staff_names(conn, actor.org_id, &ids).await?;
    Ok(RuleHistory { program_id, program_name, versions, recorded_by })
}

/// One version with what the page shows around it.
#[derive(Clone, Debug)]
pub struct RuleVersionView {
    pub version: RuleVersion,
    pub program_name: Option<String>,
    pub meeting: Option<advisory_meeting::Model>,
    pub recorded_by_name: String,
    pub previous_id: Option<Uuid>,
    pub next_id: Option<Uuid>,
    pub is_current: bool,
}

async fn rule_row(conn: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> AppResult<program_rule::Model> {
    program_rule::Entity::find_by_id(id)
        .filter(program_rule::Column::OrgId.eq(org_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn rule_version(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<RuleVersionView> {
    may_read(state, actor).await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let rule = rule_row(conn, org_id, id).await?;
    let all = versions_of(conn, org_id, rule.program_id).await?;
    let previous_id = all.iter().find(|r| r.version_number < rule.version_number).map(|r| r.id);
    let next_id = all.iter().rev().find(|r| r.version_number > rule.version_number).map(|r| r.id);
    let is_current = all.first().is_some_and(|r| r.id == rule.id);
    let meeting = match rule.drafted_at_meeting_id {
        Some(m) => {
            advisory_meeting::Entity::find_by_id(m).filter(advisory_meeting::Column::OrgId.eq(org_id)).one(conn).await?
        }
        None => None,
    };
    let recorded_by_name =
        staff_names(conn, org_id, &[rule.recorded_by]).await?.remove(&rule.recorded_by).unwrap_or_default();
    let program_name = program_name(conn, org_id, rule.program_id).await.unwrap_or(None);
    Ok(RuleVersionView {
        version: RuleVersion::of(rule),
        program_name,
        meeting,
        recorded_by_name,
        previous_id,
        next_id,
        is_current,
    })
}

/// Two versions of the same rules compared line by line.
#[derive(Clone, Debug)]
pub struct RuleComparison {
    pub from: RuleVersion,
    pub to: RuleVersion,
    pub program_name: Option<String>,
    pub title_changed: bool,
    pub lines: Vec<DiffLine>,
}

impl RuleComparison {
    pub fn added(&self) -> usize {
        self.lines.iter().filter(|l| matches!(l, DiffLine::Added(_))).count()
    }
    pub fn removed(&self) -> usize {
        self.lines.iter().filter(|l| matches!(l, DiffLine::Removed(_))).count()
    }
}

/// Compares `from` with `to` (two versions of the same program's rules, either order).
pub async fn compare_versions(state: &AppState, actor: &Actor, from: Uuid, to: Uuid) -> AppResult<RuleComparison> {
    may_read(state, actor).await?;
    let conn = state.db.conn();
    let a = rule_row(conn, actor.org_id, from).await?;
    let b = rule_row(conn, actor.org_id, to).await?;
    if a.scope != b.scope {
        return Err(AppError::BadRequest("participation-error-compare-other-rules"));
    }
    let (a, b) = if a.version_number <= b.version_number { (a, b) } else { (b, a) };
    let program_name = program_name(conn, actor.org_id, a.program_id).await.unwrap_or(None);
    Ok(RuleComparison {
        lines: line_diff(&a.body, &b.body),
        title_changed: a.title != b.title,
        from: RuleVersion::of(a),
        to: RuleVersion::of(b),
        program_name,
    })
}

/// The current version of a program's rules (or the organisation's), if any.
pub async fn current_version(
    state: &AppState,
    actor: &Actor,
    program_id: Option<Uuid>,
) -> AppResult<Option<RuleVersion>> {
    may_read(state, actor).await?;
    program_name(state.db.conn(), actor.org_id, program_id).await?;
    Ok(versions_of(state.db.conn(), actor.org_id, program_id).await?.into_iter().next().map(RuleVersion::of))
}

/// Records a new version of a program's rules (or the organisation's). `based_on` is the version
/// number the author started from (0 for the first); if another version was recorded meanwhile
/// the answer is 409, so nobody supersedes rules they have not seen.
pub async fn record_rule_version(
    state: &AppState,
    actor: &Actor,
    program_id: Option<Uuid>,
    based_on: Option<i32>,
    input: &RuleVersionInput,
) -> AppResult<RuleVersion> {
    may_write(state, actor, "participation.rule.create").await?;
    let org_id = actor.org_id;
    let conn = state.db.conn();
    check_program(conn, org_id, program_id).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let latest = versions_of(&*txn, org_id, program_id).await?.into_iter().next();
    let latest_number = latest.as_ref().map(|l| l.version_number).unwrap_or(0);
    if based_on.is_some_and(|b| b != latest_number) {
        return Err(AppError::Conflict);
    }
    let valid = validate_rule_version(input, latest.as_ref().map(|l| l.effective_from))?;
    if let Some(m) = valid.drafted_at_meeting_id
        && advisory_meeting::Entity::find_by_id(m)
            .filter(advisory_meeting::Column::OrgId.eq(org_id))
            .one(&*txn)
            .await?
            .is_none()
    {
        return Err(AppError::Invalid(FieldErrors::single(
            "drafted_at_meeting_id",
            "participation-error-meeting-unknown",
        )));
    }
    let row = program_rule::Model {
        id: Uuid::new_v4(),
        org_id,
        program_id,
        scope: scope_of(program_id),
        version_number: latest_number + 1,
        title: valid.title,
        body: valid.body,
        effective_from: valid.effective_from,
        drafting: serde_json::to_string(&valid.drafting).map_err(|e| AppError::Internal(e.into()))?,
        drafting_notes: valid.drafting_notes,
        votes_for: valid.votes.map(|v| v.votes_for),
        votes_against: valid.votes.map(|v| v.against),
        votes_abstain: valid.votes.map(|v| v.abstain),
        enforcement: valid.enforcement.code().into(),
        enforcement_description: valid.enforcement_description,
        drafted_at_meeting_id: valid.drafted_at_meeting_id,
        change_summary: valid.change_summary,
        recorded_by: actor.staff_id,
        recorded_at: now,
    };
    program_rule::Entity::insert(program_rule::ActiveModel::from(row.clone()))
        .exec_without_returning(&*txn)
        .await
        .map_err(|e| match db::WriteError::from_db(e, "version_number") {
            db::WriteError::Duplicate { .. } => AppError::Conflict,
            other => other.into(),
        })?;
    let entry = actor_entry(actor, "participation.rule.create").record("program_rule", row.id).detail(json!({
        "program_id": program_id,
        "version_number": row.version_number,
        "effective_from": row.effective_from.to_string(),
        "methods": valid.drafting.iter().map(|d| d.method.code()).collect::<Vec<_>>(),
        "enforcement": row.enforcement,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(RuleVersion::of(row))
}

// ---------- meetings ----------

/// A meeting in the list, with its decisions counted.
#[derive(Clone, Debug)]
pub struct MeetingRow {
    pub meeting: advisory_meeting::Model,
    pub kind: AdvisoryMeetingKind,
    pub program_name: Option<String>,
    pub named: usize,
    pub decisions: usize,
    pub open: usize,
    pub overdue: usize,
}

#[derive(Clone, Debug)]
pub struct MeetingList {
    pub rows: Vec<MeetingRow>,
    pub today: Date,
}

fn kind_of(m: &advisory_meeting::Model) -> AdvisoryMeetingKind {
    AdvisoryMeetingKind::parse(&m.kind).unwrap_or(AdvisoryMeetingKind::CommunityMeeting)
}

fn status_of(d: &advisory_decision::Model) -> AdvisoryDecisionStatus {
    AdvisoryDecisionStatus::parse(&d.status).unwrap_or(AdvisoryDecisionStatus::Open)
}

/// Every meeting, newest first.
pub async fn meetings(state: &AppState, actor: &Actor) -> AppResult<MeetingList> {
    may_read(state, actor).await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let today = today(state, org_id).await?;
    let rows = advisory_meeting::Entity::find()
        .filter(advisory_meeting::Column::OrgId.eq(org_id))
        .order_by_desc(advisory_meeting::Column::HeldOn)
        .order_by_desc(advisory_meeting::Column::CreatedAt)
        .all(conn)
        .await?;
    let decisions =
        advisory_decision::Entity::find().filter(advisory_decision::Column::OrgId.eq(org_id)).all(conn).await?;
    let named: Vec<(Uuid, i64)> = advisory_attendee::Entity::find()
        .select_only()
        .column(advisory_attendee::Column::MeetingId)
        .column_as(Expr::col(advisory_attendee::Column::Id).count(), "n")
        .filter(advisory_attendee::Column::OrgId.eq(org_id))
        .group_by(advisory_attendee::Column::MeetingId)
        .into_tuple()
        .all(conn)
        .await?;
    let named: HashMap<Uuid, i64> = named.into_iter().collect();
    let names = program_names(conn, org_id).await?;
    let rows = rows
        .into_iter()
        .map(|m| {
            let mine: Vec<&advisory_decision::Model> = decisions.iter().filter(|d| d.meeting_id == m.id).collect();
            MeetingRow {
                kind: kind_of(&m),
                program_name: m.program_id.and_then(|p| names.get(&p).cloned()),
                named: named.get(&m.id).copied().unwrap_or(0) as usize,
                decisions: mine.len(),
                open: mine.iter().filter(|d| !status_of(d).is_closed()).count(),
                overdue: mine.iter().filter(|d| decision_overdue(status_of(d), d.due_on, today)).count(),
                meeting: m,
            }
        })
        .collect();
    Ok(MeetingList { rows, today })
}

/// A named participant with their name.
#[derive(Clone, Debug)]
pub struct Attendee {
    pub row: advisory_attendee::Model,
    pub name: String,
}

/// A decision with what lists and pages show beside it.
#[derive(Clone, Debug)]
pub struct DecisionRow {
    pub decision: advisory_decision::Model,
    pub status: AdvisoryDecisionStatus,
    pub owner_name: Option<String>,
    pub overdue: bool,
    pub meeting_id: Uuid,
    pub meeting_held_on: Date,
    pub meeting_kind: AdvisoryMeetingKind,
}

#[derive(Clone, Debug)]
pub struct MeetingView {
    pub meeting: advisory_meeting::Model,
    pub kind: AdvisoryMeetingKind,
    pub program_name: Option<String>,
    pub topics: Vec<String>,
    pub attendees: Vec<Attendee>,
    pub decisions: Vec<DecisionRow>,
    pub recorded_by_name: String,
    /// Rule versions drafted at this meeting.
    pub rules_drafted: Vec<program_rule::Model>,
    pub today: Date,
}

async fn meeting_row(conn: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> AppResult<advisory_meeting::Model> {
    advisory_meeting::Entity::find_by_id(id)
        .filter(advisory_meeting::Column::OrgId.eq(org_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

async fn attendees_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    meeting_id: Uuid,
) -> Result<Vec<advisory_attendee::Model>, DbErr> {
    advisory_attendee::Entity::find()
        .filter(advisory_attendee::Column::OrgId.eq(org_id))
        .filter(advisory_attendee::Column::MeetingId.eq(meeting_id))
        .all(conn)
        .await
}

async fn decision_rows(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    decisions: Vec<advisory_decision::Model>,
    meetings: &HashMap<Uuid, advisory_meeting::Model>,
    today: Date,
) -> Result<Vec<DecisionRow>, DbErr> {
    let owners: Vec<Uuid> = decisions.iter().filter_map(|d| d.owner_id).collect();
    let names = staff_names(conn, org_id, &owners).await?;
    Ok(decisions
        .into_iter()
        .filter_map(|d| {
            let m = meetings.get(&d.meeting_id)?;
            let status = status_of(&d);
            Some(DecisionRow {
                status,
                owner_name: d.owner_id.and_then(|o| names.get(&o).cloned()),
                overdue: decision_overdue(status, d.due_on, today),
                meeting_id: m.id,
                meeting_held_on: m.held_on,
                meeting_kind: kind_of(m),
                decision: d,
            })
        })
        .collect())
}

/// One meeting with its named participants and decisions. Reading it is audited once for each
/// person named.
pub async fn meeting(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<MeetingView> {
    may_read(state, actor).await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let today = today(state, org_id).await?;
    let meeting = meeting_row(conn, org_id, id).await?;
    let rows = attendees_of(conn, org_id, id).await?;
    let people: HashMap<Uuid, person::Model> =
        db::people::by_ids(&state.db, org_id, rows.iter().map(|a| a.person_id).collect())
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
    let mut attendees: Vec<Attendee> = rows
        .into_iter()
        .filter_map(|row| people.get(&row.person_id).map(|p| Attendee { name: person_name(p), row }))
        .collect();
    attendees.sort_by_key(|a| a.name.to_lowercase());
    for a in &attendees {
        let entry = actor_entry(actor, "participation.meeting.view")
            .record("person", a.row.person_id)
            .detail(json!({ "meeting_id": id }));
        db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    }
    let decisions = advisory_decision::Entity::find()
        .filter(advisory_decision::Column::OrgId.eq(org_id))
        .filter(advisory_decision::Column::MeetingId.eq(id))
        .order_by_asc(advisory_decision::Column::CreatedAt)
        .all(conn)
        .await?;
    let by_id: HashMap<Uuid, advisory_meeting::Model> = [(meeting.id, meeting.clone())].into_iter().collect();
    let decisions = decision_rows(conn, org_id, decisions, &by_id, today).await?;
    let rules_drafted = program_rule::Entity::find()
        .filter(program_rule::Column::OrgId.eq(org_id))
        .filter(program_rule::Column::DraftedAtMeetingId.eq(id))
        .order_by_asc(program_rule::Column::RecordedAt)
        .all(conn)
        .await?;
    let recorded_by_name =
        staff_names(conn, org_id, &[meeting.recorded_by]).await?.remove(&meeting.recorded_by).unwrap_or_default();
    let program_name = program_name(conn, org_id, meeting.program_id).await.unwrap_or(None);
    Ok(MeetingView {
        kind: kind_of(&meeting),
        topics: topic_lines(&meeting.topics),
        program_name,
        attendees,
        decisions,
        recorded_by_name,
        rules_drafted,
        today,
        meeting,
    })
}

/// People the actor may name as attendees: those on their own caseload, their supervisees'
/// (supervisors) and in the programs they direct (directors), plus anyone already named on
/// `meeting_id`. Names in order.
pub async fn attendee_choices(
    state: &AppState,
    actor: &Actor,
    meeting_id: Option<Uuid>,
) -> AppResult<Vec<(Uuid, String)>> {
    may_read(state, actor).await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let mut workers = vec![actor.staff_id];
    if actor.has(Role::Supervisor) {
        workers.extend(actor.supervisee_ids.iter().copied());
    }
    let mut reach = Condition::any().add(enrolment::Column::WorkerId.is_in(workers));
    if actor.has(Role::ProgramDirector) && !actor.program_ids.is_empty() {
        reach = reach.add(enrolment::Column::ProgramId.is_in(actor.program_ids.clone()));
    }
    let mut ids: Vec<Uuid> = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::PersonId)
        .filter(enrolment::Column::OrgId.eq(org_id))
        .filter(enrolment::Column::EndedOn.is_null())
        .filter(reach)
        .distinct()
        .limit(CHOICES_MAX)
        .into_tuple()
        .all(conn)
        .await?;
    if let Some(m) = meeting_id {
        ids.extend(attendees_of(conn, org_id, m).await?.into_iter().map(|a| a.person_id));
    }
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(*id));
    let mut out: Vec<(Uuid, String)> =
        db::people::by_ids(&state.db, org_id, ids).await?.iter().map(|p| (p.id, person_name(p))).collect();
    out.sort_by_key(|a| a.1.to_lowercase());
    Ok(out)
}

/// Active staff, by name, for a decision's owner.
pub async fn owner_choices(state: &AppState, org_id: Uuid) -> AppResult<Vec<(Uuid, String)>> {
    let mut staff: Vec<(Uuid, String)> =
        db::staff::active(&state.db, org_id).await?.into_iter().map(|s| (s.id, s.display_name)).collect();
    staff.sort_by_key(|a| a.1.to_lowercase());
    Ok(staff)
}

/// Newly named people must be opened for editing (on the recorder's caseload); their naming is
/// audited in the write.
async fn open_new_attendees(state: &AppState, actor: &Actor, ids: &[Uuid]) -> AppResult<()> {
    for id in ids {
        crate::records::open(state, actor, *id, Action::EditPerson).await?;
    }
    Ok(())
}

fn meeting_model(
    id: Uuid,
    org_id: Uuid,
    v: &ValidMeeting,
    recorded_by: Uuid,
    version: i32,
    created_at: OffsetDateTime,
    now: OffsetDateTime,
) -> advisory_meeting::Model {
    advisory_meeting::Model {
        id,
        org_id,
        kind: v.kind.code().into(),
        program_id: v.program_id,
        held_on: v.held_on,
        place: v.place.clone(),
        online: v.online,
        participant_count: v.participant_count,
        staff_count: v.staff_count,
        topics: v.topics.join("\n"),
        summary: v.summary.clone(),
        recorded_by,
        version,
        created_at,
        updated_at: now,
    }
}

/// Writes the attendee rows for `added` and the audit entries for added and removed people.
async fn write_attendees(
    txn: &db::WriteTxn,
    actor: &Actor,
    meeting_id: Uuid,
    added: &[Uuid],
    removed: &[advisory_attendee::Model],
    consent_on: Date,
    now: OffsetDateTime,
) -> AppResult<()> {
    for person_id in added {
        let row = advisory_attendee::Model {
            id: Uuid::new_v4(),
            org_id: actor.org_id,
            meeting_id,
            person_id: *person_id,
            consent_to_name_on: consent_on,
            recorded_by: actor.staff_id,
            recorded_at: now,
        };
        advisory_attendee::Entity::insert(advisory_attendee::ActiveModel::from(row))
            .exec_without_returning(&**txn)
            .await?;
        let entry = actor_entry(actor, "participation.meeting.attendee.add")
            .record("person", *person_id)
            .detail(json!({ "meeting_id": meeting_id, "consent_to_name_on": consent_on.to_string() }));
        db::audit::append(txn, entry, now).await?;
    }
    for a in removed {
        advisory_attendee::Entity::delete_many()
            .filter(advisory_attendee::Column::OrgId.eq(actor.org_id))
            .filter(advisory_attendee::Column::Id.eq(a.id))
            .exec(&**txn)
            .await?;
        let entry = actor_entry(actor, "participation.meeting.attendee.remove")
            .record("person", a.person_id)
            .detail(json!({ "meeting_id": meeting_id }));
        db::audit::append(txn, entry, now).await?;
    }
    Ok(())
}

pub async fn create_meeting(
    state: &AppState,
    actor: &Actor,
    input: &MeetingInput,
) -> AppResult<advisory_meeting::Model> {
    may_write(state, actor, "participation.meeting.create").await?;
    let org_id = actor.org_id;
    let today = today(state, org_id).await?;
    let valid = validate_meeting(input, today)?;
    check_program(state.db.conn(), org_id, valid.program_id).await?;
    open_new_attendees(state, actor, &valid.attendees).await?;
    let now = state.clock.now();
    let row = meeting_model(Uuid::new_v4(), org_id, &valid, actor.staff_id, 1, now, now);
    let txn = state.db.begin_write().await?;
    advisory_meeting::Entity::insert(advisory_meeting::ActiveModel::from(row.clone()))
        .exec_without_returning(&*txn)
        .await?;
    let entry = actor_entry(actor, "participation.meeting.create").record("advisory_meeting", row.id).detail(json!({
        "held_on": row.held_on.to_string(),
        "kind": row.kind,
        "participant_count": row.participant_count,
        "named": valid.attendees.len(),
    }));
    db::audit::append(&txn, entry, now).await?;
    write_attendees(&txn, actor, row.id, &valid.attendees, &[], valid.consent_on, now).await?;
    txn.commit().await?;
    Ok(row)
}

/// Saves a meeting made against `version`; 409 when someone saved in between. People no longer
/// named are removed from the record; people newly named must be on the recorder's caseload.
pub async fn update_meeting(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    input: &MeetingInput,
) -> AppResult<advisory_meeting::Model> {
    may_write(state, actor, "participation.meeting.update").await?;
    let org_id = actor.org_id;
    let conn = state.db.conn();
    let before = meeting_row(conn, org_id, id).await?;
    let today = today(state, org_id).await?;
    let valid = validate_meeting(input, today)?;
    check_program(conn, org_id, valid.program_id).await?;
    let existing = attendees_of(conn, org_id, id).await?;
    let kept: HashSet<Uuid> = existing.iter().map(|a| a.person_id).collect();
    let added: Vec<Uuid> = valid.attendees.iter().copied().filter(|p| !kept.contains(p)).collect();
    let removed: Vec<advisory_attendee::Model> =
        existing.into_iter().filter(|a| !valid.attendees.contains(&a.person_id)).collect();
    open_new_attendees(state, actor, &added).await?;
    let now = state.clock.now();
    let row = meeting_model(id, org_id, &valid, before.recorded_by, version + 1, before.created_at, now);
    let txn = state.db.begin_write().await?;
    let result = advisory_meeting::Entity::update_many()
        .set(advisory_meeting::ActiveModel::from(row.clone()).reset_all())
        .filter(advisory_meeting::Column::OrgId.eq(org_id))
        .filter(advisory_meeting::Column::Id.eq(id))
        .filter(advisory_meeting::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    let entry = actor_entry(actor, "participation.meeting.update").record("advisory_meeting", id).detail(json!({
        "version": row.version,
        "held_on": row.held_on.to_string(),
        "participant_count": row.participant_count,
        "named_added": added.len(),
        "named_removed": removed.len(),
    }));
    db::audit::append(&txn, entry, now).await?;
    write_attendees(&txn, actor, id, &added, &removed, valid.consent_on, now).await?;
    txn.commit().await?;
    Ok(row)
}

async fn check_owner(conn: &impl ConnectionTrait, org_id: Uuid, owner: Option<Uuid>) -> AppResult<()> {
    let Some(owner) = owner else { return Ok(()) };
    if db::staff::get(conn, org_id, owner).await?.is_some() {
        Ok(())
    } else {
        Err(AppError::Invalid(FieldErrors::single("owner_id", "participation-error-owner-unknown")))
    }
}

fn decision_model(
    base: advisory_decision::Model,
    v: ValidDecision,
    actor: &Actor,
    now: OffsetDateTime,
) -> advisory_decision::Model {
    advisory_decision::Model {
        text: v.text,
        owner_id: v.owner_id,
        due_on: v.due_on,
        status: v.status.code().into(),
        follow_through: v.follow_through,
        reason: v.reason,
        done_on: v.done_on,
        updated_by: Some(actor.staff_id),
        updated_at: now,
        ..base
    }
}

/// Adds a decision taken at a meeting.
pub async fn add_decision(
    state: &AppState,
    actor: &Actor,
    meeting_id: Uuid,
    input: &AdvisoryDecisionInput,
) -> AppResult<advisory_decision::Model> {
    may_write(state, actor, "participation.decision.create").await?;
    let org_id = actor.org_id;
    let conn = state.db.conn();
    let meeting = meeting_row(conn, org_id, meeting_id).await?;
    let valid = validate_decision(input, meeting.held_on, today(state, org_id).await?)?;
    check_owner(conn, org_id, valid.owner_id).await?;
    let now = state.clock.now();
    let base = advisory_decision::Model {
        id: Uuid::new_v4(),
        org_id,
        meeting_id,
        text: String::new(),
        owner_id: None,
        due_on: None,
        status: String::new(),
        follow_through: None,
        reason: None,
        done_on: None,
        recorded_by: actor.staff_id,
        updated_by: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let row = decision_model(base, valid, actor, now);
    let txn = state.db.begin_write().await?;
    advisory_decision::Entity::insert(advisory_decision::ActiveModel::from(row.clone()))
        .exec_without_returning(&*txn)
        .await?;
    let entry = actor_entry(actor, "participation.decision.create").record("advisory_decision", row.id).detail(json!({
        "meeting_id": meeting_id,
        "status": row.status,
        "due_on": row.due_on.map(|d| d.to_string()),
        "owner_id": row.owner_id,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(row)
}

pub async fn decision(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<advisory_decision::Model> {
    may_read(state, actor).await?;
    advisory_decision::Entity::find_by_id(id)
        .filter(advisory_decision::Column::OrgId.eq(actor.org_id))
        .one(state.db.conn())
        .await?
        .ok_or(AppError::NotFound)
}

/// Updates a decision's follow-through (status, note, owner, dates) made against `version`;
/// 409 when someone saved in between.
pub async fn update_decision(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    input: &AdvisoryDecisionInput,
) -> AppResult<advisory_decision::Model> {
    may_write(state, actor, "participation.decision.update").await?;
    let org_id = actor.org_id;
    let conn = state.db.conn();
    let before = advisory_decision::Entity::find_by_id(id)
        .filter(advisory_decision::Column::OrgId.eq(org_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let meeting = meeting_row(conn, org_id, before.meeting_id).await?;
    let valid = validate_decision(input, meeting.held_on, today(state, org_id).await?)?;
    check_owner(conn, org_id, valid.owner_id).await?;
    let now = state.clock.now();
    let mut row = decision_model(before.clone(), valid, actor, now);
    row.version = version + 1;
    let txn = state.db.begin_write().await?;
    let result = advisory_decision::Entity::update_many()
        .set(advisory_decision::ActiveModel::from(row.clone()).reset_all())
        .filter(advisory_decision::Column::OrgId.eq(org_id))
        .filter(advisory_decision::Column::Id.eq(id))
        .filter(advisory_decision::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    let entry = actor_entry(actor, "participation.decision.update").record("advisory_decision", id).detail(json!({
        "meeting_id": row.meeting_id,
        "version": row.version,
        "status_before": before.status,
        "status": row.status,
        "done_on": row.done_on.map(|d| d.to_string()),
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(row)
}

/// Decisions still open or in progress, overdue first, then by due date (undated last).
pub async fn open_decisions(state: &AppState, actor: &Actor) -> AppResult<Vec<DecisionRow>> {
    may_read(state, actor).await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let today = today(state, org_id).await?;
    let open: Vec<&str> = AdvisoryDecisionStatus::ALL.iter().filter(|s| !s.is_closed()).map(|s| s.code()).collect();
    let decisions = advisory_decision::Entity::find()
        .filter(advisory_decision::Column::OrgId.eq(org_id))
        .filter(advisory_decision::Column::Status.is_in(open))
        .all(conn)
        .await?;
    let meeting_ids: Vec<Uuid> = decisions.iter().map(|d| d.meeting_id).collect::<HashSet<_>>().into_iter().collect();
    let meetings: HashMap<Uuid, advisory_meeting::Model> = if meeting_ids.is_empty() {
        HashMap::new()
    } else {
        advisory_meeting::Entity::find()
            .filter(advisory_meeting::Column::OrgId.eq(org_id))
            .filter(advisory_meeting::Column::Id.is_in(meeting_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect()
    };
    let mut rows = decision_rows(conn, org_id, decisions, &meetings, today).await?;
    rows.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| match (a.decision.due_on, b.decision.due_on) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.meeting_held_on.cmp(&b.meeting_held_on))
    });
    Ok(rows)
}

// ---------- surveys ----------

#[derive(Clone, Debug)]
pub struct SurveyRow {
    pub survey: participant_survey::Model,
    pub method: SurveyMethod,
    pub program_name: Option<String>,
    pub response_rate: Option<f64>,
    pub results: usize,
}

/// Every survey, the latest period first.
pub async fn surveys(state: &AppState, actor: &Actor) -> AppResult<Vec<SurveyRow>> {
    may_read(state, actor).await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let rows = participant_survey::Entity::find()
        .filter(participant_survey::Column::OrgId.eq(org_id))
        .order_by_desc(participant_survey::Column::PeriodEnd)
        .order_by_desc(participant_survey::Column::CreatedAt)
        .all(conn)
        .await?;
    let counts: Vec<(Uuid, i64)> = survey_result::Entity::find()
        .select_only()
        .column(survey_result::Column::SurveyId)
        .column_as(Expr::col(survey_result::Column::Id).count(), "n")
        .filter(survey_result::Column::OrgId.eq(org_id))
        .group_by(survey_result::Column::SurveyId)
        .into_tuple()
        .all(conn)
        .await?;
    let counts: HashMap<Uuid, i64> = counts.into_iter().collect();
    let names = program_names(conn, org_id).await?;
    Ok(rows
        .into_iter()
        .map(|s| SurveyRow {
            method: SurveyMethod::parse(&s.method).unwrap_or(SurveyMethod::Mixed),
            program_name: s.program_id.and_then(|p| names.get(&p).cloned()),
            response_rate: response_rate(s.invited, s.respondents),
            results: counts.get(&s.id).copied().unwrap_or(0) as usize,
            survey: s,
        })
        .collect())
}

#[derive(Clone, Debug)]
pub struct SurveyView {
    pub survey: participant_survey::Model,
    pub method: SurveyMethod,
    pub program_name: Option<String>,
    pub response_rate: Option<f64>,
    pub results: Vec<(survey_result::Model, SurveyResultKind)>,
    pub recorded_by_name: String,
}

async fn survey_row(conn: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> AppResult<participant_survey::Model> {
    participant_survey::Entity::find_by_id(id)
        .filter(participant_survey::Column::OrgId.eq(org_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn survey(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<SurveyView> {
    may_read(state, actor).await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let survey = survey_row(conn, org_id, id).await?;
    let results = survey_result::Entity::find()
        .filter(survey_result::Column::OrgId.eq(org_id))
        .filter(survey_result::Column::SurveyId.eq(id))
        .order_by_asc(survey_result::Column::Position)
        .all(conn)
        .await?
        .into_iter()
        .map(|r| {
            let kind = SurveyResultKind::parse(&r.kind).unwrap_or(SurveyResultKind::Themes);
            (r, kind)
        })
        .collect();
    let recorded_by_name =
        staff_names(conn, org_id, &[survey.recorded_by]).await?.remove(&survey.recorded_by).unwrap_or_default();
    let program_name = program_name(conn, org_id, survey.program_id).await.unwrap_or(None);
    Ok(SurveyView {
        method: SurveyMethod::parse(&survey.method).unwrap_or(SurveyMethod::Mixed),
        response_rate: response_rate(survey.invited, survey.respondents),
        program_name,
        results,
        recorded_by_name,
        survey,
    })
}

fn survey_model(
    id: Uuid,
    org_id: Uuid,
    v: &ValidSurvey,
    recorded_by: Uuid,
    version: i32,
    created_at: OffsetDateTime,
    now: OffsetDateTime,
) -> participant_survey::Model {
    participant_survey::Model {
        id,
        org_id,
        title: v.title.clone(),
        program_id: v.program_id,
        period_start: v.period_start,
        period_end: v.period_end,
        method: v.method.code().into(),
        invited: v.invited,
        respondents: v.respondents,
        findings: v.findings.clone(),
        actions_taken: v.actions_taken.clone(),
        recorded_by,
        version,
        created_at,
        updated_at: now,
    }
}

async fn write_results(txn: &db::WriteTxn, org_id: Uuid, survey_id: Uuid, v: &ValidSurvey) -> Result<(), DbErr> {
    survey_result::Entity::delete_many()
        .filter(survey_result::Column::OrgId.eq(org_id))
        .filter(survey_result::Column::SurveyId.eq(survey_id))
        .exec(&**txn)
        .await?;
    for (i, r) in v.results.iter().enumerate() {
        let row = survey_result::Model {
            id: Uuid::new_v4(),
            org_id,
            survey_id,
            position: i as i32,
            question: r.question.clone(),
            kind: r.kind.code().into(),
            value: r.value,
            scale_max: r.scale_max,
            themes: r.themes.clone(),
            note: r.note.clone(),
        };
        survey_result::Entity::insert(survey_result::ActiveModel::from(row)).exec_without_returning(&**txn).await?;
    }
    Ok(())
}

pub async fn create_survey(
    state: &AppState,
    actor: &Actor,
    input: &SurveyInput,
) -> AppResult<participant_survey::Model> {
    may_write(state, actor, "participation.survey.create").await?;
    let org_id = actor.org_id;
    let valid = validate_survey(input)?;
    check_program(state.db.conn(), org_id, valid.program_id).await?;
    let now = state.clock.now();
    let row = survey_model(Uuid::new_v4(), org_id, &valid, actor.staff_id, 1, now, now);
    let txn = state.db.begin_write().await?;
    participant_survey::Entity::insert(participant_survey::ActiveModel::from(row.clone()))
        .exec_without_returning(&*txn)
        .await?;
    write_results(&txn, org_id, row.id, &valid).await?;
    let entry = actor_entry(actor, "participation.survey.create").record("participant_survey", row.id).detail(json!({
        "respondents": row.respondents,
        "invited": row.invited,
        "results": valid.results.len(),
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(row)
}

/// Saves a survey (and replaces its results) made against `version`; 409 when someone saved in
/// between.
pub async fn update_survey(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    input: &SurveyInput,
) -> AppResult<participant_survey::Model> {
    may_write(state, actor, "participation.survey.update").await?;
    let org_id = actor.org_id;
    let conn = state.db.conn();
    let before = survey_row(conn, org_id, id).await?;
    let valid = validate_survey(input)?;
    check_program(conn, org_id, valid.program_id).await?;
    let now = state.clock.now();
    let row = survey_model(id, org_id, &valid, before.recorded_by, version + 1, before.created_at, now);
    let txn = state.db.begin_write().await?;
    let result = participant_survey::Entity::update_many()
        .set(participant_survey::ActiveModel::from(row.clone()).reset_all())
        .filter(participant_survey::Column::OrgId.eq(org_id))
        .filter(participant_survey::Column::Id.eq(id))
        .filter(participant_survey::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    write_results(&txn, org_id, id, &valid).await?;
    let entry = actor_entry(actor, "participation.survey.update").record("participant_survey", id).detail(json!({
        "version": row.version,
        "respondents": row.respondents,
        "invited": row.invited,
        "results": valid.results.len(),
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(row)
}

// ---------- the hub ----------

/// The live counts on the `/voice` hub.
#[derive(Clone, Debug)]
pub struct HubCounts {
    pub rules: RulesOverview,
    pub open_decisions: usize,
    pub overdue_decisions: usize,
    pub meetings_last_year: usize,
    pub last_meeting: Option<Date>,
    pub latest_survey: Option<SurveyRow>,
    pub today: Date,
}

pub async fn hub(state: &AppState, actor: &Actor) -> AppResult<HubCounts> {
    let rules = rules_overview(state, actor).await?;
    let today = rules.today;
    let decisions = open_decisions(state, actor).await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let last_meeting = advisory_meeting::Entity::find()
        .select_only()
        .column(advisory_meeting::Column::HeldOn)
        .filter(advisory_meeting::Column::OrgId.eq(org_id))
        .order_by_desc(advisory_meeting::Column::HeldOn)
        .into_tuple::<Date>()
        .one(conn)
        .await?;
    let year_ago = today.replace_year(today.year() - 1).unwrap_or(today - time::Duration::days(365));
    let meetings_last_year = advisory_meeting::Entity::find()
        .select_only()
        .column(advisory_meeting::Column::Id)
        .filter(advisory_meeting::Column::OrgId.eq(org_id))
        .filter(advisory_meeting::Column::HeldOn.gt(year_ago))
        .into_tuple::<Uuid>()
        .all(conn)
        .await?
        .len();
    let latest_survey = surveys(state, actor).await?.into_iter().next();
    Ok(HubCounts {
        open_decisions: decisions.len(),
        overdue_decisions: decisions.iter().filter(|d| d.overdue).count(),
        meetings_last_year,
        last_meeting,
        latest_survey,
        rules,
        today,
    })
}
