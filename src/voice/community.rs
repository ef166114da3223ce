//! Opportunities, peer-support aims and the welcoming environment (CSE 7.01, 7.03 / CA-CSE 7.01, 7.02, 7.04): the one place these records are read and written.
//!
//! - Opportunities belong to a person: they are read and written through `records::open`, so the
//!   caseload rules and the audit of person records apply. Counts over a period (people offered and
//!   taking part, by kind group, and the share of people served who took part) are an outcome
//!   figure: `took_part_share` is the clean function later reports use.
//! - Aims are tags on a coaching contact, a group, a group session or an opportunity; whoever may
//!   edit the thing may tag it. The spread across the aims is a program-level figure.
//! - Welcoming-environment reviews belong to a site, with their checklist answers and photos.

use crate::access::{self, Action, Actor, Reach};
use crate::app::AppState;
use crate::audit::Outcome;
use crate::db;
use crate::db::entities::{
    coaching_contact, enrolment, group_session, opportunity, peer_aim_tag, program, site, support_group, welcome_check,
    welcome_photo, welcome_review,
};
use crate::domain::FieldErrors;
use crate::domain::community::{
    AimSubject, CAPTION_MAX, OpportunityGroup, OpportunityInput, OpportunityKind, OpportunityStatus, PHOTO_MAX_BYTES,
    PHOTOS_MAX, PeerAim, Period, ReviewStanding, ValidOpportunity, WelcomeAnswer, WelcomeItem, WelcomeReviewInput,
    parse_aims, parse_opportunity, parse_welcome_review, photo_filename, photo_type, standing, took_part_between,
    welcome_score,
};
use crate::domain::groups::{GroupStatus, SessionStatus};
use crate::error::{AppError, AppResult};
use crate::records;
use crate::web::actor_entry;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap, HashSet};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

// ---------- shared ----------

async fn today(state: &AppState, org_id: Uuid) -> AppResult<Date> {
    let org = db::org::get(state.db.conn(), org_id).await?.ok_or(AppError::NotFound)?;
    Ok(crate::app::local_date(&org.time_zone, state.clock.now()))
}

async fn time_zone(state: &AppState, org_id: Uuid) -> AppResult<String> {
    Ok(db::org::get(state.db.conn(), org_id).await?.ok_or(AppError::NotFound)?.time_zone)
}

/// Refuses (and records the refusal) unless the actor's role allows `action`.
async fn require(
    state: &AppState,
    actor: &Actor,
    action: Action,
    record: Option<(&'static str, Uuid)>,
) -> AppResult<()> {
    if access::allows(actor, action, Reach::Outside) {
        return Ok(());
    }
    deny(state, actor, &format!("{action:?}"), record).await
}

async fn deny<T>(state: &AppState, actor: &Actor, what: &str, record: Option<(&'static str, Uuid)>) -> AppResult<T> {
    let mut entry = actor_entry(actor, "access.denied").outcome(Outcome::Denied).detail(json!({ "action": what }));
    if let Some((kind, id)) = record {
        entry = entry.record(kind, id);
    }
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Err(AppError::Forbidden)
}

/// An org program by id (None when left out), or the field error.
async fn program_of(state: &AppState, org_id: Uuid, id: Option<Uuid>) -> AppResult<Option<program::Model>> {
    match id {
        None => Ok(None),
        Some(id) => match db::org::program(&state.db, org_id, id).await? {
            Some(p) => Ok(Some(p)),
            None => Err(AppError::Invalid(FieldErrors::single("program_id", "error-unknown-choice"))),
        },
    }
}

pub async fn programs(state: &AppState, org_id: Uuid) -> AppResult<Vec<program::Model>> {
    Ok(db::org::programs(state.db.conn(), org_id).await?)
}

// ---------- opportunities ----------

/// How many of a person's opportunities stand where, and the hours given.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct PersonCounts {
    pub offered: u32,
    pub taken: u32,
    pub completed: u32,
    pub declined: u32,
    /// Taken or completed.
    pub took_part: u32,
    pub hours: f64,
}

pub fn person_counts(rows: &[opportunity::Model]) -> PersonCounts {
    let mut c = PersonCounts::default();
    for r in rows {
        match OpportunityStatus::parse(&r.status) {
            Some(OpportunityStatus::Offered) => c.offered += 1,
            Some(OpportunityStatus::Taken) => c.taken += 1,
            Some(OpportunityStatus::Completed) => c.completed += 1,
            Some(OpportunityStatus::Declined) => c.declined += 1,
            None => {}
        }
        c.hours += r.hours.unwrap_or(0.0);
    }
    c.took_part = c.taken + c.completed;
    c.hours = (c.hours * 100.0).round() / 100.0;
    c
}

/// A person's opportunities as their page and the API show them.
pub struct PersonOpportunities {
    pub person: crate::db::entities::person::Model,
    /// Newest first.
    pub rows: Vec<opportunity::Model>,
    pub counts: PersonCounts,
    pub aims: HashMap<Uuid, Vec<PeerAim>>,
    pub programs: Vec<program::Model>,
    /// The person's current programs (the default for a new opportunity).
    pub current_programs: Vec<Uuid>,
    pub may_edit: bool,
    pub today: Date,
}

impl PersonOpportunities {
    pub fn program_name(&self, id: Option<Uuid>) -> String {
        id.and_then(|id| self.programs.iter().find(|p| p.id == id)).map(|p| p.name.clone()).unwrap_or_default()
    }
}

async fn rows_of(conn: &impl ConnectionTrait, org_id: Uuid, person_id: Uuid) -> Result<Vec<opportunity::Model>, DbErr> {
    opportunity::Entity::find()
        .filter(opportunity::Column::OrgId.eq(org_id))
        .filter(opportunity::Column::PersonId.eq(person_id))
        .order_by_desc(opportunity::Column::OfferedOn)
        .order_by_desc(opportunity::Column::CreatedAt)
        .all(conn)
        .await
}

/// A person's own opportunities (for the participant portal: no staff-only fields exist here),
/// newest first.
pub async fn own_opportunities(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<opportunity::Model>, DbErr> {
    rows_of(conn, org_id, person_id).await
}

/// A person's opportunities; opening them is a view of the person's record (audited).
pub async fn person_opportunities(state: &AppState, actor: &Actor, person_id: Uuid) -> AppResult<PersonOpportunities> {
    let opened = records::open(state, actor, person_id, Action::ViewPerson).await?;
    let conn = state.db.conn();
    let rows = rows_of(conn, actor.org_id, person_id).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let aims = aims_of_many(conn, actor.org_id, AimSubject::Opportunity, &ids).await?;
    Ok(PersonOpportunities {
        counts: person_counts(&rows),
        current_programs: opened.enrolments.iter().filter(|e| e.ended_on.is_none()).map(|e| e.program_id).collect(),
        may_edit: access::allows(actor, Action::EditPerson, opened.reach),
        person: opened.person,
        rows,
        aims,
        programs: programs(state, actor.org_id).await?,
        today: today(state, actor.org_id).await?,
    })
}

/// One opportunity of a person (the person opened for viewing, audited).
pub async fn opportunity(state: &AppState, actor: &Actor, person_id: Uuid, id: Uuid) -> AppResult<opportunity::Model> {
    records::open(state, actor, person_id, Action::ViewPerson).await?;
    find_opportunity(state.db.conn(), actor.org_id, person_id, id).await
}

async fn find_opportunity(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
    id: Uuid,
) -> AppResult<opportunity::Model> {
    opportunity::Entity::find_by_id(id)
        .filter(opportunity::Column::OrgId.eq(org_id))
        .filter(opportunity::Column::PersonId.eq(person_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Checks the input and settles the program: the one given (of this organisation), else the
/// person's current program when they have exactly one.
async fn checked(
    state: &AppState,
    actor: &Actor,
    enrolments: &[enrolment::Model],
    input: &OpportunityInput,
    today: Date,
) -> AppResult<ValidOpportunity> {
    let mut valid = parse_opportunity(input, today).map_err(AppError::Invalid)?;
    program_of(state, actor.org_id, valid.program_id).await?;
    if valid.program_id.is_none() {
        let current: BTreeSet<Uuid> =
            enrolments.iter().filter(|e| e.ended_on.is_none()).map(|e| e.program_id).collect();
        if current.len() == 1 {
            valid.program_id = current.into_iter().next();
        }
    }
    Ok(valid)
}

fn apply(model: &mut opportunity::Model, v: &ValidOpportunity) {
    model.program_id = v.program_id;
    model.kind = v.kind.code().into();
    model.status = v.status.code().into();
    model.title = v.title.clone();
    model.description = v.description.clone();
    model.offered_on = v.offered_on;
    model.taken_on = v.taken_on;
    model.completed_on = v.completed_on;
    model.hours = v.hours;
}

/// Records an opportunity offered to or taken by a person, with the aims it serves.
pub async fn add_opportunity(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    input: &OpportunityInput,
    aims: &[String],
) -> AppResult<opportunity::Model> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let today = today(state, actor.org_id).await?;
    let parsed_aims = parse_aims(aims);
    let valid = checked(state, actor, &opened.enrolments, input, today).await;
    let (valid, aims) = match (valid, parsed_aims) {
        (Ok(v), Ok(a)) => (v, a),
        (Err(AppError::Invalid(mut e)), Err(a)) => {
            e.0.extend(a.0);
            return Err(AppError::Invalid(e));
        }
        (Err(e), _) => return Err(e),
        (_, Err(a)) => return Err(AppError::Invalid(a)),
    };
    let now = state.clock.now();
    let mut model = opportunity::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        person_id,
        program_id: None,
        kind: String::new(),
        status: String::new(),
        title: String::new(),
        description: None,
        offered_on: today,
        taken_on: None,
        completed_on: None,
        hours: None,
        recorded_by: actor.staff_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    apply(&mut model, &valid);
    let txn = state.db.begin_write().await?;
    opportunity::Entity::insert(opportunity::ActiveModel::from(model.clone())).exec_without_returning(&*txn).await?;
    replace_tags(&txn, actor, AimSubject::Opportunity, model.id, &aims, now).await?;
    let entry = actor_entry(actor, "community.opportunity.add").record("person", person_id).detail(json!({
        "opportunity_id": model.id,
        "kind": model.kind,
        "status": model.status,
        "aims": aims.iter().map(|a| a.code()).collect::<Vec<_>>(),
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(model)
}

/// Replaces an opportunity made against `version`; 409 when someone saved in between.
pub async fn update_opportunity(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    id: Uuid,
    version: i32,
    input: &OpportunityInput,
) -> AppResult<opportunity::Model> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let before = find_opportunity(state.db.conn(), actor.org_id, person_id, id).await?;
    let today = today(state, actor.org_id).await?;
    let valid = checked(state, actor, &opened.enrolments, input, today).await?;
    save(state, actor, before, version, &valid).await
}

/// Moves an opportunity to another status (taken on a day, completed, declined), keeping the rest.
pub async fn change_status(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    id: Uuid,
    version: i32,
    change: &StatusChange,
) -> AppResult<opportunity::Model> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let before = find_opportunity(state.db.conn(), actor.org_id, person_id, id).await?;
    let today = today(state, actor.org_id).await?;
    let date = change.on.clone().filter(|d| !d.trim().is_empty());
    let status = OpportunityStatus::parse(&change.status);
    let keep = |d: Option<Date>| d.map(|d| d.to_string());
    let mut input = OpportunityInput {
        kind: before.kind.clone(),
        status: change.status.clone(),
        title: before.title.clone(),
        description: before.description.clone(),
        program_id: before.program_id.map(|p| p.to_string()),
        offered_on: Some(before.offered_on.to_string()),
        taken_on: keep(before.taken_on),
        completed_on: keep(before.completed_on),
        hours: change.hours.clone().filter(|h| !h.trim().is_empty()).or(before.hours.map(|h| h.to_string())),
    };
    match status {
        Some(OpportunityStatus::Taken) => input.taken_on = date.clone().or(input.taken_on),
        Some(OpportunityStatus::Completed) => input.completed_on = date.clone().or(input.completed_on),
        _ => {}
    }
    // The date typed on the status form is named `on` there.
    let valid = checked(state, actor, &opened.enrolments, &input, today).await.map_err(|e| match e {
        AppError::Invalid(mut errors) => {
            for err in errors.0.iter_mut() {
                let ours = matches!(
                    (status, err.field.as_str()),
                    (Some(OpportunityStatus::Taken), "taken_on") | (Some(OpportunityStatus::Completed), "completed_on")
                );
                if ours {
                    err.field = "on".into();
                }
            }
            AppError::Invalid(errors)
        }
        other => other,
    })?;
    save(state, actor, before, version, &valid).await
}

/// The status form: the new status, the day it happened, hours.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StatusChange {
    pub status: String,
    /// The day it was taken or completed (YYYY-MM-DD).
    pub on: Option<String>,
    #[serde(deserialize_with = "crate::groups::setup::number_or_text")]
    #[schema(value_type = Option<f64>)]
    pub hours: Option<String>,
}

async fn save(
    state: &AppState,
    actor: &Actor,
    before: opportunity::Model,
    version: i32,
    valid: &ValidOpportunity,
) -> AppResult<opportunity::Model> {
    if before.version != version {
        return Err(AppError::Conflict);
    }
    let now = state.clock.now();
    let mut after = before.clone();
    apply(&mut after, valid);
    after.version = version + 1;
    after.updated_at = now;
    let txn = state.db.begin_write().await?;
    let result = opportunity::Entity::update_many()
        .set(opportunity::ActiveModel::from(after.clone()).reset_all())
        .filter(opportunity::Column::Id.eq(before.id))
        .filter(opportunity::Column::OrgId.eq(actor.org_id))
        .filter(opportunity::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    let mut fields = Vec::new();
    macro_rules! cmp {
        ($($f:ident),*) => { $( if before.$f != after.$f { fields.push(stringify!($f)); } )* };
    }
    cmp!(program_id, kind, status, title, description, offered_on, taken_on, completed_on, hours);
    let entry = actor_entry(actor, "community.opportunity.update").record("person", before.person_id).detail(json!({
        "opportunity_id": before.id,
        "status": after.status,
        "fields": fields,
        "version": after.version,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(after)
}

// ---------- opportunity counts for a period ----------

/// People offered and taking part in one group of kinds (or one kind).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct OpportunityReach {
    /// People with an opportunity offered in the period (whatever became of it).
    pub people_offered: u64,
    /// People who took part (taken or completed) during the period.
    pub people_took_part: u64,
    /// Opportunities offered in the period.
    pub opportunities_offered: u64,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct GroupReach {
    pub group: OpportunityGroup,
    #[serde(flatten)]
    pub reach: OpportunityReach,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct KindReach {
    pub kind: OpportunityKind,
    #[serde(flatten)]
    pub reach: OpportunityReach,
}

/// The share of people served who took part in any opportunity: an outcome figure.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct TakingPart {
    /// People with an enrolment open at some time in the period.
    pub people_served: u64,
    /// Of them, people who took part in any opportunity during the period.
    pub people_took_part: u64,
    /// `people_took_part / people_served`, None when nobody was served.
    pub share: Option<f64>,
}

/// One program's (or the organisation's) counts.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ProgramCounts {
    /// None for the whole organisation.
    pub program_id: Option<Uuid>,
    pub name: String,
    pub by_group: Vec<GroupReach>,
    pub by_kind: Vec<KindReach>,
    pub any: OpportunityReach,
    pub taking_part: TakingPart,
}

pub struct CountsReport {
    pub period: Period,
    pub program_id: Option<Uuid>,
    /// The organisation first, then each program (or only the chosen one).
    pub rows: Vec<ProgramCounts>,
    pub programs: Vec<program::Model>,
}

#[derive(Clone, Debug)]
struct OppFacts {
    person_id: Uuid,
    program_id: Option<Uuid>,
    kind: OpportunityKind,
    status: OpportunityStatus,
    offered_on: Date,
    taken_on: Option<Date>,
    completed_on: Option<Date>,
}

async fn opp_facts(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    program_id: Option<Uuid>,
    period: Period,
) -> Result<Vec<OppFacts>, DbErr> {
    type Row = (Uuid, Option<Uuid>, String, String, Date, Option<Date>, Option<Date>);
    let mut q = opportunity::Entity::find()
        .select_only()
        .columns([
            opportunity::Column::PersonId,
            opportunity::Column::ProgramId,
            opportunity::Column::Kind,
            opportunity::Column::Status,
            opportunity::Column::OfferedOn,
            opportunity::Column::TakenOn,
            opportunity::Column::CompletedOn,
        ])
        .filter(opportunity::Column::OrgId.eq(org_id))
        .filter(opportunity::Column::OfferedOn.lte(period.to));
    if let Some(p) = program_id {
        q = q.filter(opportunity::Column::ProgramId.eq(p));
    }
    let rows: Vec<Row> = q.into_tuple().all(conn).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(person_id, program_id, kind, status, offered_on, taken_on, completed_on)| {
            Some(OppFacts {
                person_id,
                program_id,
                kind: OpportunityKind::parse(&kind)?,
                status: OpportunityStatus::parse(&status)?,
                offered_on,
                taken_on,
                completed_on,
            })
        })
        .collect())
}

/// Enrolments open at some time in the period (in the program when one is given).
fn served_enrolments(org_id: Uuid, program_id: Option<Uuid>, period: Period) -> sea_orm::Select<enrolment::Entity> {
    let mut q = enrolment::Entity::find()
        .filter(enrolment::Column::OrgId.eq(org_id))
        .filter(enrolment::Column::StartedOn.lte(period.to))
        .filter(enrolment::Column::EndedOn.is_null().or(enrolment::Column::EndedOn.gte(period.from)));
    if let Some(p) = program_id {
        q = q.filter(enrolment::Column::ProgramId.eq(p));
    }
    q
}

/// People with an enrolment open at some time in the period, with the program.
async fn served(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    program_id: Option<Uuid>,
    period: Period,
) -> Result<Vec<(Uuid, Uuid)>, DbErr> {
    served_enrolments(org_id, program_id, period)
        .select_only()
        .columns([enrolment::Column::PersonId, enrolment::Column::ProgramId])
        .into_tuple()
        .all(conn)
        .await
}

/// How many distinct people an enrolment query covers.
async fn distinct_people(conn: &impl ConnectionTrait, q: sea_orm::Select<enrolment::Entity>) -> Result<u64, DbErr> {
    let n: Option<i64> = q
        .select_only()
        .column_as(Expr::col(enrolment::Column::PersonId).count_distinct(), "people")
        .into_tuple()
        .one(conn)
        .await?;
    Ok(u64::try_from(n.unwrap_or(0)).unwrap_or(0))
}

fn reach_of<'a>(facts: impl Iterator<Item = &'a OppFacts>, period: Period) -> (OpportunityReach, HashSet<Uuid>) {
    let (mut offered, mut took) = (HashSet::new(), HashSet::new());
    let mut n = 0;
    for f in facts {
        if period.contains(f.offered_on) {
            offered.insert(f.person_id);
            n += 1;
        }
        if took_part_between(f.status, f.taken_on, f.completed_on, period.from, period.to) {
            took.insert(f.person_id);
        }
    }
    (
        OpportunityReach {
            people_offered: offered.len() as u64,
            people_took_part: took.len() as u64,
            opportunities_offered: n,
        },
        took,
    )
}

fn taking_part(served: &HashSet<Uuid>, took: &HashSet<Uuid>) -> TakingPart {
    let people_served = served.len() as u64;
    let people_took_part = took.iter().filter(|p| served.contains(p)).count() as u64;
    TakingPart {
        people_served,
        people_took_part,
        share: (people_served > 0).then(|| people_took_part as f64 / people_served as f64),
    }
}

fn counts_of(
    program_id: Option<Uuid>,
    name: String,
    facts: &[&OppFacts],
    served: &HashSet<Uuid>,
    period: Period,
) -> ProgramCounts {
    let by_group = OpportunityGroup::ALL
        .iter()
        .map(|g| GroupReach {
            group: *g,
            reach: reach_of(facts.iter().copied().filter(|f| f.kind.group() == *g), period).0,
        })
        .collect();
    let by_kind = OpportunityKind::ALL
        .iter()
        .map(|k| KindReach { kind: *k, reach: reach_of(facts.iter().copied().filter(|f| f.kind == *k), period).0 })
        .collect();
    let (any, took) = reach_of(facts.iter().copied(), period);
    ProgramCounts { program_id, name, by_group, by_kind, any, taking_part: taking_part(served, &took) }
}

/// Of the people served in the period (in one program, or anywhere in the organisation), how many
/// took part in any opportunity during it. Opportunities count under the program they were
/// recorded for.
pub async fn took_part_share(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    program_id: Option<Uuid>,
    period: Period,
) -> Result<TakingPart, DbErr> {
    let facts = opp_facts(conn, org_id, program_id, period).await?;
    let (_, took) = reach_of(facts.iter(), period);
    // Counted in SQL: a dashboard needs only the two numbers, not every person served.
    let people_served = distinct_people(conn, served_enrolments(org_id, program_id, period)).await?;
    let took: Vec<Uuid> = took.into_iter().collect();
    let mut people_took_part = 0;
    for chunk in took.chunks(500) {
        let q = served_enrolments(org_id, program_id, period).filter(enrolment::Column::PersonId.is_in(chunk.to_vec()));
        people_took_part += distinct_people(conn, q).await?;
    }
    Ok(TakingPart {
        people_served,
        people_took_part,
        share: (people_served > 0).then(|| people_took_part as f64 / people_served as f64),
    })
}

/// Opportunity counts for a period, by program and kind group (no person is named).
pub async fn opportunity_counts(
    state: &AppState,
    actor: &Actor,
    program_id: Option<Uuid>,
    period: Period,
) -> AppResult<CountsReport> {
    require(state, actor, Action::ViewParticipation, None).await?;
    let conn = state.db.conn();
    let programs = programs(state, actor.org_id).await?;
    let chosen = program_of(state, actor.org_id, program_id).await?;
    let facts = opp_facts(conn, actor.org_id, program_id, period).await?;
    let served_rows = served(conn, actor.org_id, program_id, period).await?;
    let mut rows = Vec::new();
    if chosen.is_none() {
        let all: Vec<&OppFacts> = facts.iter().collect();
        let everyone: HashSet<Uuid> = served_rows.iter().map(|(p, _)| *p).collect();
        rows.push(counts_of(None, String::new(), &all, &everyone, period));
    }
    for p in programs.iter().filter(|p| chosen.as_ref().is_none_or(|c| c.id == p.id)) {
        let mine: Vec<&OppFacts> = facts.iter().filter(|f| f.program_id == Some(p.id)).collect();
        let in_program: HashSet<Uuid> =
            served_rows.iter().filter(|(_, prog)| *prog == p.id).map(|(person, _)| *person).collect();
        if chosen.is_none() && mine.is_empty() && in_program.is_empty() {
            continue;
        }
        rows.push(counts_of(Some(p.id), p.name.clone(), &mine, &in_program, period));
    }
    let entry = actor_entry(actor, "community.opportunities.counts").detail(json!({
        "program_id": program_id, "from": period.from.to_string(), "to": period.to.to_string(),
    }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(CountsReport { period, program_id, rows, programs })
}

// ---------- aims ----------

/// The aims of one thing, and whether the actor may change them.
#[derive(Clone, Debug, PartialEq)]
pub struct AimsView {
    pub subject: AimSubject,
    pub subject_id: Uuid,
    pub aims: Vec<PeerAim>,
    pub may_edit: bool,
}

/// The aims stored for a subject, in the standard's order (no access check: callers have one).
pub async fn stored_aims(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    subject: AimSubject,
    id: Uuid,
) -> Result<Vec<PeerAim>, DbErr> {
    Ok(aims_of_many(conn, org_id, subject, &[id]).await?.remove(&id).unwrap_or_default())
}

async fn aims_of_many(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    subject: AimSubject,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<PeerAim>>, DbErr> {
    let mut out: HashMap<Uuid, Vec<PeerAim>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for chunk in ids.chunks(500) {
        let rows: Vec<(Uuid, String)> = peer_aim_tag::Entity::find()
            .select_only()
            .columns([peer_aim_tag::Column::SubjectId, peer_aim_tag::Column::Aim])
            .filter(peer_aim_tag::Column::OrgId.eq(org_id))
            .filter(peer_aim_tag::Column::SubjectKind.eq(subject.code()))
            .filter(peer_aim_tag::Column::SubjectId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(conn)
            .await?;
        for (id, aim) in rows {
            if let Some(a) = PeerAim::parse(&aim) {
                out.entry(id).or_default().push(a);
            }
        }
    }
    for aims in out.values_mut() {
        aims.sort_by_key(|a| PeerAim::ALL.iter().position(|x| x == a));
    }
    Ok(out)
}

/// What a subject is, for access and the audit entry.
enum Owner {
    /// A person's record: access follows the person.
    Person(Uuid),
    /// A group: access follows the group's rules.
    Group(Box<crate::groups::Loaded>),
}

async fn owner_of(state: &AppState, actor: &Actor, subject: AimSubject, id: Uuid) -> AppResult<Owner> {
    let conn = state.db.conn();
    let org_id = actor.org_id;
    Ok(match subject {
        AimSubject::Contact => {
            let c = coaching_contact::Entity::find_by_id(id)
                .filter(coaching_contact::Column::OrgId.eq(org_id))
                .one(conn)
                .await?
                .ok_or(AppError::NotFound)?;
            Owner::Person(c.person_id)
        }
        AimSubject::Opportunity => {
            let o = opportunity::Entity::find_by_id(id)
                .filter(opportunity::Column::OrgId.eq(org_id))
                .one(conn)
                .await?
                .ok_or(AppError::NotFound)?;
            Owner::Person(o.person_id)
        }
        AimSubject::Group => Owner::Group(Box::new(crate::groups::load(state, actor, id).await?)),
        AimSubject::GroupSession => {
            let s = group_session::Entity::find_by_id(id)
                .filter(group_session::Column::OrgId.eq(org_id))
                .one(conn)
                .await?
                .ok_or(AppError::NotFound)?;
            Owner::Group(Box::new(crate::groups::load(state, actor, s.group_id).await?))
        }
    })
}

/// Whether the actor may change the aims of a group (those who may edit the group: its
/// facilitators, their supervisors, the program's director, administrators).
pub fn may_tag_group(loaded: &crate::groups::Loaded) -> bool {
    loaded.access.manage
}

/// The aims of a subject. Reading a contact's or an opportunity's aims opens the person's record
/// (a view, audited); a group's aims are as open as the group's details.
pub async fn aims(state: &AppState, actor: &Actor, subject: AimSubject, id: Uuid) -> AppResult<AimsView> {
    let may_edit = match owner_of(state, actor, subject, id).await? {
        Owner::Person(person_id) => {
            let opened = records::open(state, actor, person_id, Action::ViewPerson).await?;
            access::allows(actor, Action::EditPerson, opened.reach)
        }
        Owner::Group(loaded) => may_tag_group(&loaded),
    };
    let aims = stored_aims(state.db.conn(), actor.org_id, subject, id).await?;
    Ok(AimsView { subject, subject_id: id, aims, may_edit })
}

async fn replace_tags(
    txn: &db::WriteTxn,
    actor: &Actor,
    subject: AimSubject,
    id: Uuid,
    aims: &[PeerAim],
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    peer_aim_tag::Entity::delete_many()
        .filter(peer_aim_tag::Column::OrgId.eq(actor.org_id))
        .filter(peer_aim_tag::Column::SubjectKind.eq(subject.code()))
        .filter(peer_aim_tag::Column::SubjectId.eq(id))
        .exec(&**txn)
        .await?;
    if aims.is_empty() {
        return Ok(());
    }
    let rows: Vec<peer_aim_tag::ActiveModel> = aims
        .iter()
        .map(|a| {
            peer_aim_tag::ActiveModel::from(peer_aim_tag::Model {
                id: Uuid::new_v4(),
                org_id: actor.org_id,
                subject_kind: subject.code().into(),
                subject_id: id,
                aim: a.code().into(),
                tagged_by: actor.staff_id,
                tagged_at: now,
            })
        })
        .collect();
    peer_aim_tag::Entity::insert_many(rows).exec_without_returning(&**txn).await?;
    Ok(())
}

/// Sets the aims a subject serves (replacing what was there). Whoever may edit the subject may:
/// the person's record for a contact or an opportunity, the group for a group or its sessions.
pub async fn set_aims(
    state: &AppState,
    actor: &Actor,
    subject: AimSubject,
    id: Uuid,
    codes: &[String],
) -> AppResult<Vec<PeerAim>> {
    let record = match owner_of(state, actor, subject, id).await? {
        Owner::Person(person_id) => {
            records::open(state, actor, person_id, Action::EditPerson).await?;
            ("person", person_id)
        }
        Owner::Group(loaded) => {
            crate::groups::require(state, actor, may_tag_group(&loaded), "community.aims.set", loaded.group.id).await?;
            ("group", loaded.group.id)
        }
    };
    let aims = parse_aims(codes).map_err(AppError::Invalid)?;
    let before = stored_aims(state.db.conn(), actor.org_id, subject, id).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    replace_tags(&txn, actor, subject, id, &aims, now).await?;
    let entry = actor_entry(actor, "community.aims.set").record(record.0, record.1).detail(json!({
        "subject_kind": subject.code(),
        "subject_id": id,
        "aims": aims.iter().map(|a| a.code()).collect::<Vec<_>>(),
        "before": before.iter().map(|a| a.code()).collect::<Vec<_>>(),
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(aims)
}

// ---------- the spread across the aims ----------

/// One kind of subject in the spread: how many there were in the period and how many carry each aim.
#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct SubjectSpread {
    pub subject: AimSubject,
    /// Contacts, groups, sessions or opportunities in the period.
    pub total: u64,
    /// Of them, with at least one aim.
    pub tagged: u64,
    pub untagged: u64,
    /// How many carry each aim, in the standard's order.
    pub per_aim: Vec<AimCount>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct AimCount {
    pub aim: PeerAim,
    pub count: u64,
    /// `count / total` of the subjects of this kind (all kinds for the totals), None when there are none.
    pub share: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Spread {
    #[schema(value_type = String)]
    pub from: Date,
    #[schema(value_type = String)]
    pub to: Date,
    pub program_id: Option<Uuid>,
    pub subjects: Vec<SubjectSpread>,
    /// All kinds together.
    pub total: u64,
    pub tagged: u64,
    pub untagged: u64,
    pub per_aim: Vec<AimCount>,
}

fn share(n: u64, of: u64) -> Option<f64> {
    (of > 0).then(|| n as f64 / of as f64)
}

fn spread_of(subject: AimSubject, total: u64, tags: &[(Uuid, String)]) -> SubjectSpread {
    let tagged: HashSet<Uuid> = tags.iter().map(|(id, _)| *id).collect();
    let mut seen: HashSet<(Uuid, &str)> = HashSet::new();
    let per_aim = PeerAim::ALL
        .iter()
        .map(|aim| {
            let count = tags.iter().filter(|(id, a)| a == aim.code() && seen.insert((*id, aim.code()))).count() as u64;
            AimCount { aim: *aim, count, share: share(count, total) }
        })
        .collect();
    let tagged = std::cmp::min(tagged.len() as u64, total);
    SubjectSpread { subject, total, tagged, untagged: total - tagged, per_aim }
}

/// Tags of one kind whose subject is in `ids`.
fn tags_among(tags: &[(Uuid, String)], ids: &HashSet<Uuid>) -> Vec<(Uuid, String)> {
    tags.iter().filter(|(id, _)| ids.contains(id)).cloned().collect()
}

async fn tags_of_kind(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    subject: AimSubject,
) -> Result<Vec<(Uuid, String)>, DbErr> {
    peer_aim_tag::Entity::find()
        .select_only()
        .columns([peer_aim_tag::Column::SubjectId, peer_aim_tag::Column::Aim])
        .filter(peer_aim_tag::Column::OrgId.eq(org_id))
        .filter(peer_aim_tag::Column::SubjectKind.eq(subject.code()))
        .into_tuple()
        .all(conn)
        .await
}

/// Tags on coaching contacts in the window (joined, so contacts are never all loaded).
async fn contact_tags(
    state: &AppState,
    org_id: Uuid,
    program_id: Option<Uuid>,
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> Result<Vec<(Uuid, String)>, DbErr> {
    let (t, c) = (Alias::new("t"), Alias::new("c"));
    let mut q = Query::select();
    q.expr_as(Expr::col((t.clone(), peer_aim_tag::Column::SubjectId)), Alias::new("subject_id"))
        .expr_as(Expr::col((t.clone(), peer_aim_tag::Column::Aim)), Alias::new("aim"))
        .from_as(peer_aim_tag::Entity, t.clone())
        .join_as(
            sea_orm::JoinType::InnerJoin,
            coaching_contact::Entity,
            c.clone(),
            Expr::col((c.clone(), coaching_contact::Column::Id))
                .equals((t.clone(), peer_aim_tag::Column::SubjectId))
                .and(
                    Expr::col((c.clone(), coaching_contact::Column::OrgId))
                        .equals((t.clone(), peer_aim_tag::Column::OrgId)),
                ),
        )
        .and_where(Expr::col((t.clone(), peer_aim_tag::Column::OrgId)).eq(org_id))
        .and_where(Expr::col((t.clone(), peer_aim_tag::Column::SubjectKind)).eq(AimSubject::Contact.code()))
        .and_where(Expr::col((c.clone(), coaching_contact::Column::OccurredAt)).gte(start))
        .and_where(Expr::col((c.clone(), coaching_contact::Column::OccurredAt)).lt(end));
    if let Some(p) = program_id {
        q.and_where(Expr::col((c.clone(), coaching_contact::Column::ProgramId)).eq(p));
    }
    let rows = state.db.conn().query_all_raw(state.db.backend().build(&q)).await?;
    rows.iter().map(|r| Ok((r.try_get::<Uuid>("", "subject_id")?, r.try_get::<String>("", "aim")?))).collect()
}

/// Tags on group sessions held or scheduled in the window.
async fn session_tags(
    state: &AppState,
    org_id: Uuid,
    group_ids: Option<&[Uuid]>,
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> Result<Vec<(Uuid, String)>, DbErr> {
    let (t, s) = (Alias::new("t"), Alias::new("s"));
    let mut q = Query::select();
    q.expr_as(Expr::col((t.clone(), peer_aim_tag::Column::SubjectId)), Alias::new("subject_id"))
        .expr_as(Expr::col((t.clone(), peer_aim_tag::Column::Aim)), Alias::new("aim"))
        .from_as(peer_aim_tag::Entity, t.clone())
        .join_as(
            sea_orm::JoinType::InnerJoin,
            group_session::Entity,
            s.clone(),
            Expr::col((s.clone(), group_session::Column::Id)).equals((t.clone(), peer_aim_tag::Column::SubjectId)).and(
                Expr::col((s.clone(), group_session::Column::OrgId)).equals((t.clone(), peer_aim_tag::Column::OrgId)),
            ),
        )
        .and_where(Expr::col((t.clone(), peer_aim_tag::Column::OrgId)).eq(org_id))
        .and_where(Expr::col((t.clone(), peer_aim_tag::Column::SubjectKind)).eq(AimSubject::GroupSession.code()))
        .and_where(Expr::col((s.clone(), group_session::Column::StartsAt)).gte(start))
        .and_where(Expr::col((s.clone(), group_session::Column::StartsAt)).lt(end))
        .and_where(Expr::col((s.clone(), group_session::Column::Status)).ne(SessionStatus::Cancelled.code()));
    if let Some(ids) = group_ids {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        q.and_where(Expr::col((s.clone(), group_session::Column::GroupId)).is_in(ids.iter().copied()));
    }
    let rows = state.db.conn().query_all_raw(state.db.backend().build(&q)).await?;
    rows.iter().map(|r| Ok((r.try_get::<Uuid>("", "subject_id")?, r.try_get::<String>("", "aim")?))).collect()
}

/// The spread across the aims for a period (one program, or the organisation): contacts in the
/// period, groups active or meeting in it, its sessions, and opportunities offered in it.
pub async fn aims_spread(
    state: &AppState,
    actor: &Actor,
    program_id: Option<Uuid>,
    period: Period,
) -> AppResult<Spread> {
    require(state, actor, Action::ViewParticipation, None).await?;
    program_of(state, actor.org_id, program_id).await?;
    let spread = spread_for(state, actor.org_id, program_id, period).await?;
    let entry = actor_entry(actor, "community.aims.spread").detail(json!({
        "program_id": program_id, "from": period.from.to_string(), "to": period.to.to_string(),
    }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(spread)
}

/// The spread without access checks (evidence reports call it for the organisation).
pub async fn spread_for(state: &AppState, org_id: Uuid, program_id: Option<Uuid>, period: Period) -> AppResult<Spread> {
    let conn = state.db.conn();
    let zone = time_zone(state, org_id).await?;
    let start = crate::groups::evidence::local_midnight(&zone, period.from);
    let end = crate::groups::evidence::local_midnight(&zone, period.to.next_day().unwrap_or(period.to));

    // Contacts.
    let mut contacts = coaching_contact::Entity::find()
        .filter(coaching_contact::Column::OrgId.eq(org_id))
        .filter(coaching_contact::Column::OccurredAt.gte(start))
        .filter(coaching_contact::Column::OccurredAt.lt(end));
    if let Some(p) = program_id {
        contacts = contacts.filter(coaching_contact::Column::ProgramId.eq(p));
    }
    let contact_total = sea_orm::PaginatorTrait::count(contacts, conn).await?;
    let contacts =
        spread_of(AimSubject::Contact, contact_total, &contact_tags(state, org_id, program_id, start, end).await?);

    // Groups: active ones, and any that met in the period.
    let mut groups_q = support_group::Entity::find()
        .select_only()
        .columns([support_group::Column::Id, support_group::Column::Status, support_group::Column::CreatedAt])
        .filter(support_group::Column::OrgId.eq(org_id));
    if let Some(p) = program_id {
        groups_q = groups_q.filter(support_group::Column::ProgramId.eq(p));
    }
    let groups: Vec<(Uuid, String, OffsetDateTime)> = groups_q.into_tuple().all(conn).await?;
    let group_ids: Vec<Uuid> = groups.iter().map(|g| g.0).collect();
    let met: HashSet<Uuid> = {
        let mut q = group_session::Entity::find()
            .select_only()
            .column(group_session::Column::GroupId)
            .distinct()
            .filter(group_session::Column::OrgId.eq(org_id))
            .filter(group_session::Column::StartsAt.gte(start))
            .filter(group_session::Column::StartsAt.lt(end))
            .filter(group_session::Column::Status.ne(SessionStatus::Cancelled.code()));
        if program_id.is_some() && group_ids.len() <= 500 {
            q = q.filter(group_session::Column::GroupId.is_in(group_ids.clone()));
        }
        q.into_tuple::<Uuid>().all(conn).await?.into_iter().collect()
    };
    let in_period: HashSet<Uuid> = groups
        .iter()
        .filter(|(id, status, created)| met.contains(id) || (status == GroupStatus::Active.code() && *created < end))
        .map(|g| g.0)
        .collect();
    let group_tags = tags_among(&tags_of_kind(conn, org_id, AimSubject::Group).await?, &in_period);
    let groups_spread = spread_of(AimSubject::Group, in_period.len() as u64, &group_tags);

    // Sessions.
    let mut sessions = group_session::Entity::find()
        .filter(group_session::Column::OrgId.eq(org_id))
        .filter(group_session::Column::StartsAt.gte(start))
        .filter(group_session::Column::StartsAt.lt(end))
        .filter(group_session::Column::Status.ne(SessionStatus::Cancelled.code()));
    let scoped = program_id.map(|_| group_ids.as_slice());
    if let Some(ids) = scoped {
        sessions = sessions.filter(group_session::Column::GroupId.is_in(ids.to_vec()));
    }
    let session_total = sea_orm::PaginatorTrait::count(sessions, conn).await?;
    let sessions =
        spread_of(AimSubject::GroupSession, session_total, &session_tags(state, org_id, scoped, start, end).await?);

    // Opportunities offered in the period.
    let mut opps = opportunity::Entity::find()
        .select_only()
        .column(opportunity::Column::Id)
        .filter(opportunity::Column::OrgId.eq(org_id))
        .filter(opportunity::Column::OfferedOn.gte(period.from))
        .filter(opportunity::Column::OfferedOn.lte(period.to));
    if let Some(p) = program_id {
        opps = opps.filter(opportunity::Column::ProgramId.eq(p));
    }
    let opp_ids: HashSet<Uuid> = opps.into_tuple::<Uuid>().all(conn).await?.into_iter().collect();
    let opp_tags = tags_among(&tags_of_kind(conn, org_id, AimSubject::Opportunity).await?, &opp_ids);
    let opps = spread_of(AimSubject::Opportunity, opp_ids.len() as u64, &opp_tags);

    let subjects = vec![contacts, groups_spread, sessions, opps];
    let total: u64 = subjects.iter().map(|s| s.total).sum();
    let tagged: u64 = subjects.iter().map(|s| s.tagged).sum();
    let per_aim = PeerAim::ALL
        .iter()
        .enumerate()
        .map(|(i, aim)| {
            let count = subjects.iter().map(|s| s.per_aim[i].count).sum();
            AimCount { aim: *aim, count, share: share(count, total) }
        })
        .collect();
    Ok(Spread {
        from: period.from,
        to: period.to,
        program_id,
        subjects,
        total,
        tagged,
        untagged: total - tagged,
        per_aim,
    })
}

/// The spread as CSV: one row per aim and kind of subject, then the untagged.
pub fn spread_csv(spread: &Spread, label: impl Fn(&str) -> String) -> String {
    let mut out = String::from("aim,aim_label");
    for s in &spread.subjects {
        out.push_str(&format!(",{0}_count,{0}_share", s.subject.code()));
    }
    out.push_str(",all_count,all_share\n");
    let pct = |s: Option<f64>| s.map(|v| format!("{:.1}", v * 100.0)).unwrap_or_default();
    for (i, aim) in PeerAim::ALL.iter().enumerate() {
        out.push_str(&format!("{},{}", aim.code(), csv_field(&label(&aim.message_id()))));
        for s in &spread.subjects {
            out.push_str(&format!(",{},{}", s.per_aim[i].count, pct(s.per_aim[i].share)));
        }
        out.push_str(&format!(",{},{}\n", spread.per_aim[i].count, pct(spread.per_aim[i].share)));
    }
    out.push_str(&format!("untagged,{}", csv_field(&label("community-aims-untagged"))));
    for s in &spread.subjects {
        out.push_str(&format!(",{},{}", s.untagged, pct(share(s.untagged, s.total))));
    }
    out.push_str(&format!(",{},{}\n", spread.untagged, pct(share(spread.untagged, spread.total))));
    out.push_str(&format!("total,{}", csv_field(&label("community-aims-total"))));
    for s in &spread.subjects {
        out.push_str(&format!(",{},", s.total));
    }
    out.push_str(&format!(",{},\n", spread.total));
    out
}

/// A CSV field, quoted when needed; a leading formula character is neutralised for spreadsheets.
pub fn csv_field(text: &str) -> String {
    let mut t = text.to_string();
    if t.starts_with(['=', '+', '-', '@']) {
        t.insert(0, '\'');
    }
    if t.contains([',', '"', '\n', '\r']) { format!("\"{}\"", t.replace('"', "\"\"")) } else { t }
}

// ---------- the welcoming environment ----------

/// A review with what its list and history show.
#[derive(Clone, Debug)]
pub struct ReviewSummary {
    pub review: welcome_review::Model,
    pub score: Option<f64>,
    pub met: usize,
    pub partly: usize,
    pub not_met: usize,
    pub photos: usize,
    pub reviewer: String,
}

/// A site with its last review and when the next falls due.
#[derive(Clone, Debug)]
pub struct SiteWelcome {
    pub site: site::Model,
    pub last: Option<ReviewSummary>,
    pub standing: ReviewStanding,
    pub reviews: usize,
}

pub struct WelcomeOverview {
    pub sites: Vec<SiteWelcome>,
    pub today: Date,
    pub may_review: bool,
}

async fn summaries(state: &AppState, org_id: Uuid, site_id: Option<Uuid>) -> AppResult<Vec<ReviewSummary>> {
    let conn = state.db.conn();
    let mut q = welcome_review::Entity::find().filter(welcome_review::Column::OrgId.eq(org_id));
    if let Some(s) = site_id {
        q = q.filter(welcome_review::Column::SiteId.eq(s));
    }
    let reviews = q
        .order_by_desc(welcome_review::Column::ReviewedOn)
        .order_by_desc(welcome_review::Column::CreatedAt)
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = reviews.iter().map(|r| r.id).collect();
    let mut answers: HashMap<Uuid, Vec<WelcomeAnswer>> = HashMap::new();
    let mut photos: HashMap<Uuid, usize> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(Uuid, String)> = welcome_check::Entity::find()
            .select_only()
            .columns([welcome_check::Column::ReviewId, welcome_check::Column::Answer])
            .filter(welcome_check::Column::OrgId.eq(org_id))
            .filter(welcome_check::Column::ReviewId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(conn)
            .await?;
        for (id, a) in rows {
            if let Some(a) = WelcomeAnswer::parse(&a) {
                answers.entry(id).or_default().push(a);
            }
        }
        let counts: Vec<(Uuid, i64)> = welcome_photo::Entity::find()
            .select_only()
            .column(welcome_photo::Column::ReviewId)
            .column_as(welcome_photo::Column::Id.count(), "n")
            .filter(welcome_photo::Column::OrgId.eq(org_id))
            .filter(welcome_photo::Column::ReviewId.is_in(chunk.to_vec()))
            .group_by(welcome_photo::Column::ReviewId)
            .into_tuple()
            .all(conn)
            .await?;
        photos.extend(counts.into_iter().map(|(id, n)| (id, std::cmp::max(n, 0) as usize)));
    }
    let names = crate::groups::setup::staff_names(state, org_id).await?;
    Ok(reviews
        .into_iter()
        .map(|review| {
            let a = answers.remove(&review.id).unwrap_or_default();
            let n = |x: WelcomeAnswer| a.iter().filter(|v| **v == x).count();
            ReviewSummary {
                score: welcome_score(&a),
                met: n(WelcomeAnswer::Met),
                partly: n(WelcomeAnswer::Partly),
                not_met: n(WelcomeAnswer::NotMet),
                photos: photos.get(&review.id).copied().unwrap_or(0),
                reviewer: names.get(&review.reviewed_by).cloned().unwrap_or_default(),
                review,
            }
        })
        .collect())
}

/// Every active site (and inactive ones that were reviewed) with its last review.
pub async fn welcome_sites(state: &AppState, actor: &Actor) -> AppResult<WelcomeOverview> {
    require(state, actor, Action::ViewParticipation, None).await?;
    let today = today(state, actor.org_id).await?;
    let mut all = summaries(state, actor.org_id, None).await?;
    let sites = db::org::sites(&state.db, actor.org_id).await?;
    let mut out = Vec::new();
    for site in sites {
        let mine: Vec<ReviewSummary> = {
            let (m, rest): (Vec<_>, Vec<_>) = all.into_iter().partition(|r| r.review.site_id == site.id);
            all = rest;
            m
        };
        if !site.active && mine.is_empty() {
            continue;
        }
        let last = mine.first().cloned();
        out.push(SiteWelcome {
            standing: standing(last.as_ref().map(|l| l.review.next_review_on), today),
            reviews: mine.len(),
            site,
            last,
        });
    }
    let entry = actor_entry(actor, "community.welcome.list");
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(WelcomeOverview { sites: out, today, may_review: access::allows(actor, Action::ReviewWelcome, Reach::Outside) })
}

pub struct SiteHistory {
    pub site: site::Model,
    /// Newest first.
    pub reviews: Vec<ReviewSummary>,
    pub standing: ReviewStanding,
    pub today: Date,
    pub may_review: bool,
}

async fn site_of(state: &AppState, org_id: Uuid, site_id: Uuid) -> AppResult<site::Model> {
    db::org::site(&state.db, org_id, site_id).await?.ok_or(AppError::NotFound)
}

/// One site's reviews.
pub async fn site_history(state: &AppState, actor: &Actor, site_id: Uuid) -> AppResult<SiteHistory> {
    require(state, actor, Action::ViewParticipation, None).await?;
    let site = site_of(state, actor.org_id, site_id).await?;
    let today = today(state, actor.org_id).await?;
    let reviews = summaries(state, actor.org_id, Some(site_id)).await?;
    let entry = actor_entry(actor, "community.welcome.site").record("site", site_id);
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(SiteHistory {
        standing: standing(reviews.first().map(|r| r.review.next_review_on), today),
        site,
        reviews,
        today,
        may_review: access::allows(actor, Action::ReviewWelcome, Reach::Outside),
    })
}

/// A site for the new-review form (refuses those who may not review).
pub async fn site_for_review(state: &AppState, actor: &Actor, site_id: Uuid) -> AppResult<(site::Model, Date)> {
    require(state, actor, Action::ReviewWelcome, Some(("site", site_id))).await?;
    Ok((site_of(state, actor.org_id, site_id).await?, today(state, actor.org_id).await?))
}

/// A photo's details without its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoHead {
    pub id: Uuid,
    pub caption: Option<String>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_at: OffsetDateTime,
}

pub struct ReviewDetail {
    pub summary: ReviewSummary,
    pub site: site::Model,
    /// In checklist order.
    pub checks: Vec<(WelcomeItem, WelcomeAnswer, Option<String>)>,
    pub photos: Vec<PhotoHead>,
}

async fn photo_heads(conn: &impl ConnectionTrait, org_id: Uuid, review_id: Uuid) -> Result<Vec<PhotoHead>, DbErr> {
    type Row = (Uuid, Option<String>, String, String, i64, String, OffsetDateTime);
    let rows: Vec<Row> = welcome_photo::Entity::find()
        .select_only()
        .columns([
            welcome_photo::Column::Id,
            welcome_photo::Column::Caption,
            welcome_photo::Column::Filename,
            welcome_photo::Column::ContentType,
            welcome_photo::Column::Size,
            welcome_photo::Column::Sha256,
            welcome_photo::Column::UploadedAt,
        ])
        .filter(welcome_photo::Column::OrgId.eq(org_id))
        .filter(welcome_photo::Column::ReviewId.eq(review_id))
        .order_by_asc(welcome_photo::Column::UploadedAt)
        .order_by_asc(welcome_photo::Column::Filename)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, caption, filename, content_type, size, sha256, uploaded_at)| PhotoHead {
            id,
            caption,
            filename,
            content_type,
            size,
            sha256,
            uploaded_at,
        })
        .collect())
}

/// One review in full (the evidence page).
pub async fn review(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<ReviewDetail> {
    require(state, actor, Action::ViewParticipation, None).await?;
    let conn = state.db.conn();
    let row = welcome_review::Entity::find_by_id(id)
        .filter(welcome_review::Column::OrgId.eq(actor.org_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let site = site_of(state, actor.org_id, row.site_id).await?;
    let summary = summaries(state, actor.org_id, Some(row.site_id))
        .await?
        .into_iter()
        .find(|s| s.review.id == id)
        .ok_or(AppError::NotFound)?;
    let stored = welcome_check::Entity::find()
        .filter(welcome_check::Column::OrgId.eq(actor.org_id))
        .filter(welcome_check::Column::ReviewId.eq(id))
        .all(conn)
        .await?;
    let checks = WelcomeItem::ALL
        .iter()
        .filter_map(|item| {
            let c = stored.iter().find(|c| c.item == item.code())?;
            Some((*item, WelcomeAnswer::parse(&c.answer)?, c.note.clone()))
        })
        .collect();
    let photos = photo_heads(conn, actor.org_id, id).await?;
    let entry = actor_entry(actor, "community.welcome.view").record("welcome_review", id);
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(ReviewDetail { summary, site, checks, photos })
}

/// A photo as received, before it is checked.
#[derive(Clone)]
pub struct PhotoUpload {
    pub filename: String,
    pub caption: Option<String>,
    pub data: Vec<u8>,
    /// It went past the size limit while being read (only the first part was kept).
    pub too_big: bool,
}

struct CheckedPhoto {
    filename: String,
    caption: Option<String>,
    content_type: &'static str,
    sha256: String,
    data: Vec<u8>,
}

/// Checks photos (type by their bytes, size, count with those already kept); errors are named on
/// the `photos` field (or `photo-N` for one photo).
fn check_photos(uploads: Vec<PhotoUpload>, already: usize, errors: &mut FieldErrors) -> Vec<CheckedPhoto> {
    if already + uploads.len() > PHOTOS_MAX {
        errors.add_with("photos", "community-error-photos-count", vec![("max", PHOTOS_MAX.to_string())]);
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, u) in uploads.into_iter().enumerate() {
        let field = format!("photo-{}", i + 1);
        let name = u.filename.clone();
        if u.too_big || u.data.len() > PHOTO_MAX_BYTES {
            errors.add_with(
                &field,
                "community-error-photo-size",
                vec![("name", name), ("max", (PHOTO_MAX_BYTES / (1024 * 1024)).to_string())],
            );
            continue;
        }
        let Some((content_type, ext)) = photo_type(&u.data) else {
            errors.add_with(&field, "community-error-photo-type", vec![("name", name)]);
            continue;
        };
        let caption = u.caption.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
        if caption.as_ref().is_some_and(|c| c.chars().count() > CAPTION_MAX) {
            errors.add_with(&format!("caption-{}", i + 1), "error-too-long", vec![("max", CAPTION_MAX.to_string())]);
            continue;
        }
        out.push(CheckedPhoto {
            filename: photo_filename(&u.filename, ext),
            caption,
            content_type,
            sha256: hex::encode(Sha256::digest(&u.data)),
            data: u.data,
        });
    }
    out
}

fn photo_rows(
    actor: &Actor,
    review_id: Uuid,
    photos: Vec<CheckedPhoto>,
    now: OffsetDateTime,
) -> Vec<welcome_photo::ActiveModel> {
    photos
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            welcome_photo::ActiveModel::from(welcome_photo::Model {
                id: Uuid::new_v4(),
                org_id: actor.org_id,
                review_id,
                caption: p.caption,
                filename: p.filename,
                content_type: p.content_type.into(),
                size: p.data.len() as i64,
                sha256: p.sha256,
                data: p.data,
                uploaded_by: actor.staff_id,
                // Kept in the order they were chosen.
                uploaded_at: now + time::Duration::microseconds(i as i64),
            })
        })
        .collect()
}

/// Records a site's review with its checklist and photos, all or nothing.
pub async fn create_review(
    state: &AppState,
    actor: &Actor,
    site_id: Uuid,
    input: &WelcomeReviewInput,
    photos: Vec<PhotoUpload>,
) -> AppResult<welcome_review::Model> {
    let (_, today) = site_for_review(state, actor, site_id).await?;
    let mut errors = FieldErrors::new();
    let valid = parse_welcome_review(input, today).map_err(|e| errors.0.extend(e.0)).ok();
    let checked = check_photos(photos, 0, &mut errors);
    let Some(valid) = valid.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let now = state.clock.now();
    let review = welcome_review::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        site_id,
        reviewed_on: valid.reviewed_on,
        reviewed_by: actor.staff_id,
        participants: valid.participants,
        notes: valid.notes.clone(),
        follow_up: valid.follow_up.clone(),
        next_review_on: valid.next_review_on,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let checks: Vec<welcome_check::ActiveModel> = valid
        .checks
        .iter()
        .map(|c| {
            welcome_check::ActiveModel::from(welcome_check::Model {
                id: Uuid::new_v4(),
                org_id: actor.org_id,
                review_id: review.id,
                item: c.item.code().into(),
                answer: c.answer.code().into(),
                note: c.note.clone(),
            })
        })
        .collect();
    let score = welcome_score(&valid.checks.iter().map(|c| c.answer).collect::<Vec<_>>());
    let photo_count = checked.len();
    let txn = state.db.begin_write().await?;
    welcome_review::Entity::insert(welcome_review::ActiveModel::from(review.clone()))
        .exec_without_returning(&*txn)
        .await?;
    welcome_check::Entity::insert_many(checks).exec_without_returning(&*txn).await?;
    for row in photo_rows(actor, review.id, checked, now) {
        welcome_photo::Entity::insert(row).exec_without_returning(&*txn).await?;
    }
    let entry = actor_entry(actor, "community.welcome.review").record("site", site_id).detail(json!({
        "review_id": review.id,
        "reviewed_on": review.reviewed_on.to_string(),
        "participants": review.participants,
        "score": score.map(crate::domain::community::percent),
        "photos": photo_count,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(review)
}

/// Adds photos to a review already recorded (the API's multipart endpoint), up to six in all.
pub async fn add_photos(
    state: &AppState,
    actor: &Actor,
    review_id: Uuid,
    photos: Vec<PhotoUpload>,
) -> AppResult<Vec<PhotoHead>> {
    require(state, actor, Action::ReviewWelcome, Some(("welcome_review", review_id))).await?;
    let conn = state.db.conn();
    let review = welcome_review::Entity::find_by_id(review_id)
        .filter(welcome_review::Column::OrgId.eq(actor.org_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    if photos.is_empty() {
        return Err(AppError::Invalid(FieldErrors::single("photos", "community-error-photo-none")));
    }
    let already = photo_heads(conn, actor.org_id, review_id).await?.len();
    let mut errors = FieldErrors::new();
    let checked = check_photos(photos, already, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let now = state.clock.now();
    let n = checked.len();
    let txn = state.db.begin_write().await?;
    for row in photo_rows(actor, review_id, checked, now) {
        welcome_photo::Entity::insert(row).exec_without_returning(&*txn).await?;
    }
    let entry = actor_entry(actor, "community.welcome.photos")
        .record("site", review.site_id)
        .detail(json!({ "review_id": review_id, "added": n }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(photo_heads(conn, actor.org_id, review_id).await?)
}

/// A review's photo with its bytes (recorded in the audit log as a read).
pub async fn photo(
    state: &AppState,
    actor: &Actor,
    review_id: Uuid,
    photo_id: Uuid,
) -> AppResult<welcome_photo::Model> {
    require(state, actor, Action::ViewParticipation, None).await?;
    let p = welcome_photo::Entity::find_by_id(photo_id)
        .filter(welcome_photo::Column::OrgId.eq(actor.org_id))
        .filter(welcome_photo::Column::ReviewId.eq(review_id))
        .one(state.db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let entry = actor_entry(actor, "community.welcome.photo")
        .record("welcome_review", review_id)
        .detail(json!({ "photo_id": photo_id }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(p)
}

/// Who may record reviews.
pub fn may_review(actor: &Actor) -> bool {
    access::allows(actor, Action::ReviewWelcome, Reach::Outside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_counts_each_aim_once_per_subject() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let tags = vec![
            (a, "wellness".to_string()),
            (a, "wellness".to_string()),
            (a, "recovery".to_string()),
            (b, "wellness".to_string()),
        ];
        let s = spread_of(AimSubject::Contact, 4, &tags);
        assert_eq!((s.total, s.tagged, s.untagged), (4, 2, 2));
        let wellness = s.per_aim.iter().find(|c| c.aim == PeerAim::Wellness).unwrap();
        assert_eq!((wellness.count, wellness.share), (2, Some(0.5)));
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn photos_over_the_count_or_of_the_wrong_type_are_named() {
        let png = b"\x89PNG\r\n\x1a\nxxxx".to_vec();
        let up = |name: &str, data: Vec<u8>| PhotoUpload { filename: name.into(), caption: None, data, too_big: false };
        let mut errors = FieldErrors::new();
        let ok = check_photos(vec![up("a.png", png.clone()), up("notes.png", b"just text".to_vec())], 0, &mut errors);
        assert_eq!(ok.len(), 1);
        assert_eq!(errors.0[0].field, "photo-2");
        assert_eq!(errors.0[0].message_id, "community-error-photo-type");
        let mut errors = FieldErrors::new();
        check_photos(vec![up("a.png", png.clone()); 2], 5, &mut errors);
        assert_eq!(errors.0[0].message_id, "community-error-photos-count");
        let mut errors = FieldErrors::new();
        check_photos(vec![PhotoUpload { too_big: true, ..up("big.png", png) }], 0, &mut errors);
        assert_eq!(errors.0[0].message_id, "community-error-photo-size");
    }
}
