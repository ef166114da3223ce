//! Measurements of a person on an instrument or indicator (CSE 1.02; the PRSC expected outcomes):
//! recorded by staff with the person, entered from a paper form, or completed by the person in the
//! portal; corrected and removed with a reason; and the measures due for a caseload under each
//! program's schedule.
//!
//! Every read and write of a person's measures is audited; every write bumps the organisation's
//! outcome stamp in its transaction (`outcomes::stamp::bump`) so cached dashboards see it.

use crate::access::{self, Action, Actor};
use crate::app::AppState;
use crate::db::entities::{enrolment, outcome_measurement, person, program, risk_screen, site};
use crate::db::{self};
use crate::domain::FieldErrors;
use crate::domain::instruments::{Answers, InstrumentDef};
use crate::domain::measures::{
    DISCHARGE_WINDOW_DAYS, DueMeasure, EnrolmentSpan, Taken, change_since_first, check_taken_on, due_for,
    earliest_date, result_words, sort_due, suggest_occasion,
};
use crate::domain::outcomes::{MeasureSource, MeasureStatus, Occasion};
use crate::error::{AppError, AppResult};
use crate::outcomes::{instruments, schedules, stamp, summary};
use crate::portal::Me;
use crate::records;
use crate::web::actor_entry;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use time::{Date, Duration};
use utoipa::ToSchema;
use uuid::Uuid;

/// The longest note kept with a measurement, and the longest reason for a correction or removal.
pub const NOTE_MAX: usize = 2000;
pub const REASON_MAX: usize = 500;

/// A measurement as typed (page or API). Answers are ignored when `declined`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct MeasurementInput {
    pub instrument_key: String,
    /// `staff` (with the person) or `paper` (entered later from a paper form).
    pub source: String,
    /// `intake`, `review`, `discharge` or `other`; left out, the schedule's suggestion is used.
    pub occasion: String,
    /// YYYY-MM-DD; left out, today.
    pub taken_on: Option<String>,
    pub program_id: Option<String>,
    pub site_id: Option<String>,
    pub note: Option<String>,
    /// The person chose not to answer (stored as declined, with no answers).
    pub declined: bool,
    /// Item key → answer.
    #[schema(value_type = Object)]
    pub answers: Answers,
}

/// A correction: the measurement as it should be, the version it was made against and why.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct CorrectionInput {
    #[serde(flatten)]
    pub measurement: MeasurementInput,
    pub version: i32,
    pub reason: String,
}

struct Valid {
    def: InstrumentDef,
    source: MeasureSource,
    occasion: Occasion,
    taken_on: Date,
    program_id: Option<Uuid>,
    site_id: Option<Uuid>,
    note: Option<String>,
    status: MeasureStatus,
    answers: Answers,
    score: Option<f64>,
    interpretation: Option<String>,
}

async fn today(state: &AppState, org_id: Uuid) -> AppResult<Date> {
    let org = db::org::get(state.db.conn(), org_id).await?.ok_or(AppError::NotFound)?;
    Ok(crate::app::local_date(&org.time_zone, state.clock.now()))
}

fn spans(enrolments: &[enrolment::Model]) -> Vec<EnrolmentSpan> {
    enrolments
        .iter()
        .map(|e| EnrolmentSpan {
            enrolment_id: e.id,
            person_id: e.person_id,
            program_id: e.program_id,
            started_on: e.started_on,
            ended_on: e.ended_on,
        })
        .collect()
}

/// The dates each person's measurements were taken, by person (one query per 500 people).
async fn taken_by_person(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    people: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Taken>>, DbErr> {
    let mut out: HashMap<Uuid, Vec<Taken>> = HashMap::new();
    let mut ids = people.to_vec();
    ids.sort();
    ids.dedup();
    for chunk in ids.chunks(500) {
        let rows: Vec<(Uuid, String, Date)> = outcome_measurement::Entity::find()
            .select_only()
            .column(outcome_measurement::Column::PersonId)
            .column(outcome_measurement::Column::InstrumentKey)
            .column(outcome_measurement::Column::TakenOn)
            .filter(outcome_measurement::Column::OrgId.eq(org_id))
            .filter(outcome_measurement::Column::PersonId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(conn)
            .await?;
        for (person_id, instrument_key, taken_on) in rows {
            out.entry(person_id).or_default().push(Taken { instrument_key, taken_on });
        }
    }
    Ok(out)
}

/// The measures due for these enrolments today, most overdue first: the schedules and every
/// person's measurement dates are read once for the whole set.
pub async fn due_for_enrolments(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    enrolments: &[EnrolmentSpan],
    today: Date,
) -> Result<Vec<DueMeasure>, DbErr> {
    if enrolments.is_empty() {
        return Ok(Vec::new());
    }
    let schedules = schedules::effective(conn, org_id).await?;
    let people: Vec<Uuid> = enrolments.iter().map(|e| e.person_id).collect();
    let taken = taken_by_person(conn, org_id, &people).await?;
    let mut due = Vec::new();
    for e in enrolments {
        let Some(schedule) = schedules.get(&e.program_id) else { continue };
        let mine = taken.get(&e.person_id).map(Vec::as_slice).unwrap_or(&[]);
        due.extend(due_for(e, schedule, mine, today));
    }
    // A person in two programs with the same instrument due is asked once.
    sort_due(&mut due);
    let mut seen = std::collections::HashSet::new();
    due.retain(|d| seen.insert((d.person_id, d.instrument_key.clone(), d.occasion)));
    Ok(due)
}

/// The enrolments on a worker's caseload the due rules look at: open ones and those ended within
/// the discharge window.
async fn caseload_spans(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    worker_id: Uuid,
    today: Date,
) -> Result<Vec<EnrolmentSpan>, DbErr> {
    let rows = enrolment::Entity::find()
        .filter(enrolment::Column::OrgId.eq(org_id))
        .filter(enrolment::Column::WorkerId.eq(worker_id))
        .filter(
            Condition::any()
                .add(enrolment::Column::EndedOn.is_null())
                .add(enrolment::Column::EndedOn.gte(today - Duration::days(DISCHARGE_WINDOW_DAYS))),
        )
        .all(conn)
        .await?;
    Ok(spans(&rows))
}

/// One due measure with the names a list shows.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DueLine {
    #[serde(flatten)]
    pub due: DueMeasure,
    pub person_name: String,
    pub instrument_name: String,
    pub program_name: String,
    /// Days past the overdue date (0 when not yet overdue).
    pub days_overdue: i64,
}

async fn names(state: &AppState, org_id: Uuid) -> AppResult<(HashMap<String, String>, HashMap<Uuid, String>)> {
    let conn = state.db.conn();
    let defs = instruments::available(conn, org_id).await?;
    let programs = db::org::programs(conn, org_id).await?;
    Ok((defs.into_iter().map(|d| (d.key, d.name)).collect(), programs.into_iter().map(|p| (p.id, p.name)).collect()))
}

async fn lines(state: &AppState, org_id: Uuid, due: Vec<DueMeasure>, today: Date) -> AppResult<Vec<DueLine>> {
    let (instrument_names, program_names) = names(state, org_id).await?;
    let people = db::intake::person_names(&state.db, org_id, due.iter().map(|d| d.person_id).collect()).await?;
    Ok(due
        .into_iter()
        .map(|d| DueLine {
            person_name: people.get(&d.person_id).cloned().unwrap_or_default(),
            instrument_name: instrument_names
                .get(&d.instrument_key)
                .cloned()
                .unwrap_or_else(|| d.instrument_key.clone()),
            program_name: program_names.get(&d.program_id).cloned().unwrap_or_default(),
            days_overdue: d.days_overdue(today),
            due: d,
        })
        .collect())
}

/// The measures due on the actor's own caseload, most overdue first (audited as a list).
pub async fn caseload_due(state: &AppState, actor: &Actor) -> AppResult<Vec<DueLine>> {
    if !actor.works_with_people() {
        return Ok(Vec::new());
    }
    let today = today(state, actor.org_id).await?;
    let conn = state.db.conn();
    let spans = caseload_spans(conn, actor.org_id, actor.staff_id, today).await?;
    let due = due_for_enrolments(conn, actor.org_id, &spans, today).await?;
    let entry = actor_entry(actor, "measures.due.caseload").detail(json!({ "due": due.len() }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    lines(state, actor.org_id, due, today).await
}

/// How many measures are due (including overdue) on the actor's caseload, and how many of those are
/// overdue, for the home page card. Names no person, so it is not audited.
pub async fn due_counts(state: &AppState, actor: &Actor, today: Date) -> AppResult<(u64, u64)> {
    if !actor.works_with_people() {
        return Ok((0, 0));
    }
    let conn = state.db.conn();
    let spans = caseload_spans(conn, actor.org_id, actor.staff_id, today).await?;
    let due = due_for_enrolments(conn, actor.org_id, &spans, today).await?;
    let due_now = due.iter().filter(|d| d.state != crate::domain::measures::DueState::Soon).count() as u64;
    let overdue = due.iter().filter(|d| d.state == crate::domain::measures::DueState::Overdue).count() as u64;
    Ok((due_now, overdue))
}

/// The measures due for one person (their record opened for viewing, audited).
pub async fn person_due(state: &AppState, actor: &Actor, person_id: Uuid) -> AppResult<Vec<DueLine>> {
    let opened = records::open(state, actor, person_id, Action::ViewPerson).await?;
    let today = today(state, actor.org_id).await?;
    let due = due_for_enrolments(state.db.conn(), actor.org_id, &spans(&opened.enrolments), today).await?;
    lines(state, actor.org_id, due, today).await
}

// ---------- a person's measures ----------

/// One measurement as listed, with its change since the person's first score on the instrument.
#[derive(Clone, Debug)]
pub struct MeasurementRow {
    pub m: outcome_measurement::Model,
    /// Score minus the first complete score, and whether that reaches the meaningful change.
    pub change: Option<(f64, bool)>,
    /// A calm sentence for the result (message id) where the instrument has a published reading.
    pub words: Option<&'static str>,
}

/// A person's measurements on one instrument, oldest first.
#[derive(Clone, Debug)]
pub struct History {
    pub key: String,
    pub name: String,
    pub meaningful_change: Option<f64>,
    pub rows: Vec<MeasurementRow>,
}

pub struct PersonMeasures {
    pub person: person::Model,
    pub may_edit: bool,
    pub due: Vec<DueLine>,
    pub histories: Vec<History>,
    /// The Columbia screens from the intake risk-screen records (read only here).
    pub screens: Vec<risk_screen::Model>,
    /// Instruments staff can record (not the derived ones, nor the Columbia screen, made elsewhere).
    pub enterable: Vec<InstrumentDef>,
    pub today: Date,
}

/// The key the Columbia screener has as an instrument; its measurements are the risk screens.
pub const CSSRS_KEY: &str = "cssrs-screen";

fn enterable(defs: Vec<InstrumentDef>) -> Vec<InstrumentDef> {
    defs.into_iter().filter(|d| d.can_be_entered() && d.key != CSSRS_KEY).collect()
}

fn histories(rows: Vec<outcome_measurement::Model>, defs: &[InstrumentDef]) -> Vec<History> {
    let mut by_key: BTreeMap<String, Vec<outcome_measurement::Model>> = BTreeMap::new();
    for r in rows {
        by_key.entry(r.instrument_key.clone()).or_default().push(r);
    }
    let mut out: Vec<History> = by_key
        .into_iter()
        .map(|(key, mut rows)| {
            rows.sort_by(|a, b| a.taken_on.cmp(&b.taken_on).then(a.created_at.cmp(&b.created_at)));
            let def = defs.iter().find(|d| d.key == key);
            let meaningful = def.and_then(|d| d.meaningful_change);
            let cut_off = def.and_then(|d| d.cut_off);
            let first = rows.iter().find_map(|r| r.score);
            let rows = rows
                .into_iter()
                .map(|m| {
                    let change = match (first, m.score) {
                        (Some(f), Some(s)) => Some(change_since_first(f, s, meaningful)),
                        _ => None,
                    };
                    let words = m.score.and_then(|s| result_words(&m.instrument_key, s, cut_off));
                    MeasurementRow { m, change, words }
                })
                .collect();
            History {
                name: def.map(|d| d.name.clone()).unwrap_or_else(|| key.clone()),
                key,
                meaningful_change: meaningful,
                rows,
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

async fn rows_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<outcome_measurement::Model>, DbErr> {
    outcome_measurement::Entity::find()
        .filter(outcome_measurement::Column::OrgId.eq(org_id))
        .filter(outcome_measurement::Column::PersonId.eq(person_id))
        .order_by_asc(outcome_measurement::Column::TakenOn)
        .all(conn)
        .await
}

/// A person's measures page: due first, then each instrument's measurements and the Columbia screens.
pub async fn person_measures(state: &AppState, actor: &Actor, person_id: Uuid) -> AppResult<PersonMeasures> {
    let opened = records::open(state, actor, person_id, Action::ViewPerson).await?;
    let conn = state.db.conn();
    let today = today(state, actor.org_id).await?;
    let rows = rows_of(conn, actor.org_id, person_id).await?;
    let defs = instruments::available(conn, actor.org_id).await?;
    let due = due_for_enrolments(conn, actor.org_id, &spans(&opened.enrolments), today).await?;
    let screens = risk_screen::Entity::find()
        .filter(risk_screen::Column::OrgId.eq(actor.org_id))
        .filter(risk_screen::Column::PersonId.eq(person_id))
        .order_by_desc(risk_screen::Column::ScreenedAt)
        .all(conn)
        .await?;
    let entry =
        actor_entry(actor, "measures.view").record("person", person_id).detail(json!({ "measurements": rows.len() }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(PersonMeasures {
        may_edit: access::allows(actor, Action::EditPerson, opened.reach),
        person: opened.person,
        due: lines(state, actor.org_id, due, today).await?,
        histories: histories(rows, &defs),
        screens,
        enterable: enterable(defs),
        today,
    })
}

/// A person's measurements, newest first (audited as a read of their measures).
pub async fn list(state: &AppState, actor: &Actor, person_id: Uuid) -> AppResult<Vec<outcome_measurement::Model>> {
    records::open(state, actor, person_id, Action::ViewPerson).await?;
    let mut rows = rows_of(state.db.conn(), actor.org_id, person_id).await?;
    rows.reverse();
    let entry =
        actor_entry(actor, "measures.view").record("person", person_id).detail(json!({ "measurements": rows.len() }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(rows)
}

async fn find(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
    id: Uuid,
) -> AppResult<outcome_measurement::Model> {
    outcome_measurement::Entity::find_by_id(id)
        .filter(outcome_measurement::Column::OrgId.eq(org_id))
        .filter(outcome_measurement::Column::PersonId.eq(person_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// One measurement with what the page shows about it.
pub struct Detail {
    pub person: person::Model,
    pub row: MeasurementRow,
    pub def: Option<InstrumentDef>,
    pub may_edit: bool,
    pub program_name: Option<String>,
    pub site_name: Option<String>,
}

/// One measurement of a person (audited read).
pub async fn get(state: &AppState, actor: &Actor, person_id: Uuid, id: Uuid) -> AppResult<Detail> {
    let opened = records::open(state, actor, person_id, Action::ViewPerson).await?;
    let conn = state.db.conn();
    let m = find(conn, actor.org_id, person_id, id).await?;
    let def = instruments::find(conn, actor.org_id, &m.instrument_key, Some(m.instrument_version)).await?;
    let all = rows_of(conn, actor.org_id, person_id).await?;
    let defs: Vec<InstrumentDef> = def.iter().cloned().collect();
    let same: Vec<_> = all.into_iter().filter(|r| r.instrument_key == m.instrument_key).collect();
    let row = histories(same, &defs)
        .into_iter()
        .flat_map(|h| h.rows)
        .find(|r| r.m.id == id)
        .unwrap_or(MeasurementRow { m: m.clone(), change: None, words: None });
    let entry = actor_entry(actor, "measures.read").record("person", person_id).detail(json!({ "measurement_id": id }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    let program_name = match m.program_id {
        Some(p) => db::org::program(&state.db, actor.org_id, p).await?.map(|p| p.name),
        None => None,
    };
    let site_name = match m.site_id {
        Some(s) => db::org::sites(&state.db, actor.org_id).await?.into_iter().find(|x| x.id == s).map(|x| x.name),
        None => None,
    };
    Ok(Detail {
        may_edit: access::allows(actor, Action::EditPerson, opened.reach),
        person: opened.person,
        row,
        def,
        program_name,
        site_name,
    })
}

/// What the record form offers for a person: instruments, their programs and the organisation's sites.
pub struct FormChoices {
    pub person: person::Model,
    pub enterable: Vec<InstrumentDef>,
    pub programs: Vec<program::Model>,
    pub sites: Vec<site::Model>,
    pub due: Vec<DueMeasure>,
    pub taken: Vec<Taken>,
    pub today: Date,
}

impl FormChoices {
    /// The occasion a new measurement of `key` is most likely for.
    pub fn suggested_occasion(&self, key: &str) -> Occasion {
        suggest_occasion(&self.due, &self.taken, key)
    }
}

/// The choices for the record (or correction) form; only for those who may edit the person.
pub async fn form_choices(state: &AppState, actor: &Actor, person_id: Uuid) -> AppResult<FormChoices> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let conn = state.db.conn();
    let today = today(state, actor.org_id).await?;
    let mine: Vec<Uuid> = opened.enrolments.iter().map(|e| e.program_id).collect();
    let programs = db::org::programs(conn, actor.org_id).await?.into_iter().filter(|p| mine.contains(&p.id)).collect();
    let taken = taken_by_person(conn, actor.org_id, &[person_id]).await?.remove(&person_id).unwrap_or_default();
    let due = due_for_enrolments(conn, actor.org_id, &spans(&opened.enrolments), today).await?;
    Ok(FormChoices {
        person: opened.person,
        enterable: enterable(instruments::available(conn, actor.org_id).await?),
        programs,
        sites: db::org::sites(&state.db, actor.org_id).await?.into_iter().filter(|s| s.active).collect(),
        due,
        taken,
        today,
    })
}

/// Parses a UUID field that must be one of `allowed`.
fn choice(errors: &mut FieldErrors, field: &str, raw: Option<&str>, allowed: &[Uuid]) -> Option<Uuid> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    match Uuid::parse_str(raw) {
        Ok(id) if allowed.contains(&id) => Some(id),
        _ => {
            errors.add(field, "error-unknown-choice");
            None
        }
    }
}

/// Checks a measurement for `person`: the instrument (one that can be entered), where the answers came
/// from, the occasion, the date (never in the future, not before birth or enrolment), the program (one
/// of the person's), the site, the note, and the answers through the instrument's own scoring.
// One call checks everything a measurement carries; splitting it would only move the arguments.
#[allow(clippy::too_many_arguments)]
async fn check(
    state: &AppState,
    org_id: Uuid,
    person: &person::Model,
    enrolments: &[enrolment::Model],
    input: &MeasurementInput,
    source: Option<MeasureSource>,
    version: Option<i32>,
    today: Date,
) -> AppResult<Valid> {
    let conn = state.db.conn();
    let mut errors = FieldErrors::new();
    let key = input.instrument_key.trim();
    let def = if key.is_empty() {
        errors.add("instrument_key", "error-required");
        None
    } else {
        match instruments::find(conn, org_id, key, version).await? {
            Some(d) if d.can_be_entered() && d.key != CSSRS_KEY => Some(d),
            Some(_) => {
                errors.add("instrument_key", "measures-error-not-enterable");
                None
            }
            None => {
                errors.add("instrument_key", "measures-error-unknown-instrument");
                None
            }
        }
    };
    let source = match source {
        Some(s) => s,
        None => match errors.required_code("source", &input.source, MeasureSource::parse) {
            Some(MeasureSource::Portal) => {
                errors.add("source", "error-unknown-choice");
                MeasureSource::Staff
            }
            Some(s) => s,
            None => MeasureSource::Staff,
        },
    };
    let first_start = enrolments.iter().map(|e| e.started_on).min();
    let earliest = earliest_date(person.date_of_birth, first_start);
    let taken_on = match input.taken_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => today,
        raw => check_taken_on(&mut errors, raw, today, earliest),
    };
    let occasion = errors.required_code("occasion", &input.occasion, Occasion::parse).unwrap_or(Occasion::Other);
    let mine: Vec<Uuid> = enrolments.iter().map(|e| e.program_id).collect();
    let mut program_id = choice(&mut errors, "program_id", input.program_id.as_deref(), &mine);
    if program_id.is_none() && input.program_id.as_deref().is_none_or(|p| p.trim().is_empty()) {
        let current: Vec<Uuid> = enrolments.iter().filter(|e| e.ended_on.is_none()).map(|e| e.program_id).collect();
        if current.len() == 1 {
            program_id = current.first().copied();
        }
    }
    let sites: Vec<Uuid> = db::org::sites(&state.db, org_id).await?.iter().map(|s| s.id).collect();
    let site_id = choice(&mut errors, "site_id", input.site_id.as_deref(), &sites);
    let note = errors.optional("note", input.note.as_deref(), NOTE_MAX);
    let (status, answers, score, interpretation) = match (&def, input.declined) {
        (_, true) => (MeasureStatus::Declined, Answers::new(), None, None),
        (Some(d), false) => match d.score(&input.answers) {
            Ok(scored) => (MeasureStatus::Complete, input.answers.clone(), Some(scored.score), scored.interpretation),
            Err(e) => {
                errors.0.extend(e.0);
                (MeasureStatus::Complete, Answers::new(), None, None)
            }
        },
        (None, false) => (MeasureStatus::Complete, Answers::new(), None, None),
    };
    match def {
        Some(def) if errors.is_empty() => Ok(Valid {
            def,
            source,
            occasion,
            taken_on,
            program_id,
            site_id,
            note,
            status,
            answers,
            score,
            interpretation,
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

fn row_of(org_id: Uuid, person_id: Uuid, v: Valid, now: time::OffsetDateTime) -> outcome_measurement::Model {
    outcome_measurement::Model {
        id: Uuid::new_v4(),
        org_id,
        person_id,
        program_id: v.program_id,
        site_id: v.site_id,
        instrument_key: v.def.key.clone(),
        instrument_version: v.def.version,
        occasion: v.occasion.code().into(),
        source: v.source.code().into(),
        status: v.status.code().into(),
        taken_on: v.taken_on,
        answers: serde_json::to_string(&v.answers).unwrap_or_else(|_| "{}".into()),
        score: v.score,
        interpretation: v.interpretation,
        note: v.note,
        recorded_by: None,
        portal_account_id: None,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// Records a measurement (staff or paper) for a person the actor may edit.
pub async fn record(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    input: &MeasurementInput,
) -> AppResult<outcome_measurement::Model> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let today = today(state, actor.org_id).await?;
    let valid = check(state, actor.org_id, &opened.person, &opened.enrolments, input, None, None, today).await?;
    let now = state.clock.now();
    let mut row = row_of(actor.org_id, person_id, valid, now);
    row.recorded_by = Some(actor.staff_id);
    let txn = state.db.begin_write().await?;
    outcome_measurement::ActiveModel::from(row.clone()).insert(&*txn).await?;
    summary::refresh(&*txn, actor.org_id, person_id, &row.instrument_key).await?;
    stamp::bump(&*txn, actor.org_id, now).await?;
    let entry = actor_entry(actor, "measures.record").record("person", person_id).detail(json!({
        "measurement_id": row.id,
        "instrument": row.instrument_key,
        "occasion": row.occasion,
        "source": row.source,
        "status": row.status,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(row)
}

fn check_reason(reason: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let r = errors.required("reason", reason, REASON_MAX);
    errors.finish(r)
}

/// Corrects a measurement made against `input.version` (409 when someone saved in between); the
/// reason is kept in the audit trail with the fields that changed.
pub async fn correct(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    id: Uuid,
    input: &CorrectionInput,
) -> AppResult<outcome_measurement::Model> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let before = find(state.db.conn(), actor.org_id, person_id, id).await?;
    if before.version != input.version {
        return Err(AppError::Conflict);
    }
    let today = today(state, actor.org_id).await?;
    let mut m = input.measurement.clone();
    m.instrument_key = before.instrument_key.clone();
    let source = if before.source == MeasureSource::Portal.code() { Some(MeasureSource::Portal) } else { None };
    let checked = check(
        state,
        actor.org_id,
        &opened.person,
        &opened.enrolments,
        &m,
        source,
        Some(before.instrument_version),
        today,
    )
    .await;
    let reason = check_reason(&input.reason);
    let (valid, reason) = match (checked, reason) {
        (Ok(v), Ok(r)) => (v, r),
        (Err(AppError::Invalid(mut e)), Err(r)) => {
            e.0.extend(r.0);
            return Err(AppError::Invalid(e));
        }
        (Ok(_), Err(r)) => return Err(AppError::Invalid(r)),
        (Err(e), _) => return Err(e),
    };
    let now = state.clock.now();
    let mut after = row_of(actor.org_id, person_id, valid, now);
    after.id = before.id;
    after.recorded_by = before.recorded_by;
    after.portal_account_id = before.portal_account_id;
    after.created_at = before.created_at;
    after.version = before.version + 1;
    let txn = state.db.begin_write().await?;
    let result = outcome_measurement::Entity::update_many()
        .set(outcome_measurement::ActiveModel::from(after.clone()).reset_all())
        .filter(outcome_measurement::Column::Id.eq(id))
        .filter(outcome_measurement::Column::OrgId.eq(actor.org_id))
        .filter(outcome_measurement::Column::Version.eq(input.version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    summary::refresh(&*txn, actor.org_id, person_id, &after.instrument_key).await?;
    stamp::bump(&*txn, actor.org_id, now).await?;
    let mut fields = Vec::new();
    macro_rules! cmp {
        ($($f:ident),*) => { $( if before.$f != after.$f { fields.push(stringify!($f)); } )* };
    }
    cmp!(program_id, site_id, occasion, source, status, taken_on, answers, score, note);
    let entry = actor_entry(actor, "measures.correct").record("person", person_id).detail(json!({
        "measurement_id": id,
        "instrument": after.instrument_key,
        "fields": fields,
        "reason": reason,
        "version": after.version,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(after)
}

/// Removes a measurement entered in error (the version it was seen at, and why; audited).
pub async fn remove(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    id: Uuid,
    version: i32,
    reason: &str,
) -> AppResult<()> {
    records::open(state, actor, person_id, Action::EditPerson).await?;
    let before = find(state.db.conn(), actor.org_id, person_id, id).await?;
    let reason = check_reason(reason).map_err(AppError::Invalid)?;
    if before.version != version {
        return Err(AppError::Conflict);
    }
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let result = outcome_measurement::Entity::delete_many()
        .filter(outcome_measurement::Column::Id.eq(id))
        .filter(outcome_measurement::Column::OrgId.eq(actor.org_id))
        .filter(outcome_measurement::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    summary::refresh(&*txn, actor.org_id, person_id, &before.instrument_key).await?;
    stamp::bump(&*txn, actor.org_id, now).await?;
    let entry = actor_entry(actor, "measures.remove").record("person", person_id).detail(json!({
        "measurement_id": id,
        "instrument": before.instrument_key,
        "taken_on": before.taken_on.to_string(),
        "reason": reason,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(())
}

// ---------- the person's own, in the portal ----------

/// What the person sees on `/my/measures`: what is due (with the definitions to answer them) and
/// their own earlier results.
pub struct MyMeasures {
    pub due: Vec<(DueMeasure, InstrumentDef)>,
    pub results: Vec<MeasurementRow>,
    pub names: HashMap<String, String>,
}

async fn my_due(state: &AppState, me: &Me, today: Date) -> AppResult<Vec<(DueMeasure, InstrumentDef)>> {
    let conn = state.db.conn();
    let enrolments = db::people::enrolments(conn, me.org_id, me.person_id).await?;
    let due = due_for_enrolments(conn, me.org_id, &spans(&enrolments), today).await?;
    let defs = enterable(instruments::available(conn, me.org_id).await?);
    Ok(due
        .into_iter()
        .filter_map(|d| defs.iter().find(|x| x.key == d.instrument_key).cloned().map(|def| (d, def)))
        .collect())
}

/// The person's due measures and past results (audited as the person's own read).
pub async fn my_measures(state: &AppState, me: &Me) -> AppResult<MyMeasures> {
    let today = today(state, me.org_id).await?;
    let conn = state.db.conn();
    let due = my_due(state, me, today).await?;
    let defs = instruments::available(conn, me.org_id).await?;
    let rows: Vec<_> = rows_of(conn, me.org_id, me.person_id).await?;
    let mut results: Vec<MeasurementRow> = histories(rows, &defs).into_iter().flat_map(|h| h.rows).collect();
    results.sort_by_key(|b| std::cmp::Reverse(b.m.taken_on));
    let entry = me.entry("portal.measures.view").detail(json!({ "due": due.len(), "results": results.len() }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(MyMeasures { due, results, names: defs.into_iter().map(|d| (d.key, d.name)).collect() })
}

/// A measure due for the person, by instrument key (404 when nothing of that key is due for them).
pub async fn my_due_one(state: &AppState, me: &Me, key: &str) -> AppResult<(DueMeasure, InstrumentDef)> {
    let today = today(state, me.org_id).await?;
    my_due(state, me, today).await?.into_iter().find(|(d, _)| d.instrument_key == key).ok_or(AppError::NotFound)
}

/// One of the person's own results (404 for anyone else's).
pub async fn my_result(state: &AppState, me: &Me, id: Uuid) -> AppResult<(MeasurementRow, Option<InstrumentDef>)> {
    let conn = state.db.conn();
    let m = find(conn, me.org_id, me.person_id, id).await?;
    let def = instruments::find(conn, me.org_id, &m.instrument_key, Some(m.instrument_version)).await?;
    let defs: Vec<InstrumentDef> = def.iter().cloned().collect();
    let same: Vec<_> = rows_of(conn, me.org_id, me.person_id)
        .await?
        .into_iter()
        .filter(|r| r.instrument_key == m.instrument_key)
        .collect();
    let row =
        histories(same, &defs).into_iter().flat_map(|h| h.rows).find(|r| r.m.id == id).ok_or(AppError::NotFound)?;
    let entry = me.entry("portal.measures.read").detail(json!({ "measurement_id": id }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok((row, def))
}

/// The person completes (or chooses not to answer) a measure that is due for them. Recorded as their
/// own action: source portal, the account on the row, the audit entry labelled `portal:<account>`.
pub async fn complete_own(
    state: &AppState,
    me: &Me,
    key: &str,
    answers: &Answers,
    declined: bool,
) -> AppResult<outcome_measurement::Model> {
    let (due, _) = my_due_one(state, me, key).await?;
    let conn = state.db.conn();
    let person = db::people::get(conn, me.org_id, me.person_id).await?.ok_or(AppError::NotFound)?;
    let enrolments = db::people::enrolments(conn, me.org_id, me.person_id).await?;
    let today = today(state, me.org_id).await?;
    let input = MeasurementInput {
        instrument_key: key.into(),
        occasion: due.occasion.code().into(),
        program_id: Some(due.program_id.to_string()),
        declined,
        answers: answers.clone(),
        ..Default::default()
    };
    let valid = check(state, me.org_id, &person, &enrolments, &input, Some(MeasureSource::Portal), None, today).await?;
    let now = state.clock.now();
    let mut row = row_of(me.org_id, me.person_id, valid, now);
    row.portal_account_id = Some(me.account_id);
    let txn = state.db.begin_write().await?;
    outcome_measurement::ActiveModel::from(row.clone()).insert(&*txn).await?;
    summary::refresh(&*txn, me.org_id, me.person_id, &row.instrument_key).await?;
    stamp::bump(&*txn, me.org_id, now).await?;
    let entry = me.entry("portal.measures.complete").detail(json!({
        "measurement_id": row.id,
        "instrument": row.instrument_key,
        "occasion": row.occasion,
        "status": row.status,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(row)
}

/// How many measures are due for the person now (the portal home's card; not audited, names nobody else).
pub async fn my_due_count(state: &AppState, me: &Me) -> AppResult<usize> {
    let today = today(state, me.org_id).await?;
    Ok(my_due(state, me, today)
        .await?
        .iter()
        .filter(|(d, _)| d.state != crate::domain::measures::DueState::Soon)
        .count())
}
