//! Outcome figures (CSE 1.02; the PRSC expected outcomes): each person's first and latest score on a
//! measure, and the organisation or program dashboards built on them — paired change, targets,
//! distributions at intake and latest, derived indicators and disaggregations with small cells
//! suppressed. Everything here returns plain structs (no HTML) so the pages, the API and the funder
//! report render the same figures.
//!
//! Scores come from `outcome_person_summaries` (see `summary`): each person's baseline, latest score
//! and count per measure, kept current in every write. A period counts the people whose latest score
//! up to its last day falls inside it, compared with their baseline (their first score, in the
//! program when one is chosen), so the change shown is the change since they were first measured.

use crate::access::{self, Action, Actor, Reach};
use crate::app::AppState;
use crate::audit::Outcome as AuditOutcome;
use crate::db;
use crate::db::entities::{enrolment, lapse, opportunity, outcome_measurement, person, site};
use crate::domain::FieldErrors;
use crate::domain::coaching::{GoalProgress, PlanContent};
use crate::domain::codes::{Country, Ethnicity, Gender, RaceCa, RaceUs};
use crate::domain::community::{OpportunityStatus, Period};
use crate::domain::disaggregation::{AgeBand, CountTable, Dimension, age_band, derived, suppress};
use crate::domain::instruments::{InstrumentDef, InstrumentKind};
use crate::domain::outcomes::{
    PairedChange, PersonScores, TargetKind, TargetProgress, evaluate, paired_change, reaches,
};
use crate::error::{AppError, AppResult};
use crate::outcomes::cache::{self, Kind};
use crate::outcomes::charts::{self, LineChart, Series};
use crate::outcomes::instruments;
use crate::outcomes::logic_models::{self, OutcomeTarget, Outputs, outputs_with_months};
use crate::outcomes::summary::{self, Selection};
use crate::records;
use crate::voice::community::TakingPart;
use crate::web::actor_entry;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use time::Date;
use utoipa::IntoParams;
use utoipa::ToSchema;
use uuid::Uuid;

/// Derived indicators are computed from records rather than entered.
pub const GOAL_ACHIEVEMENT: &str = "goal-achievement";
pub const REENGAGEMENT_DAYS: &str = "reengagement-days";
pub const COMMUNITY_PARTICIPATION: &str = "community-participation";

/// Which measurements count: one program (None = the whole organisation) and a span of days on the
/// date each was taken (either end may be open).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Scope {
    pub program_id: Option<Uuid>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Scope {
    pub fn contains(&self, day: Date) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t)
    }
}

/// One person's scores on one measure with who they are, in person order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PersonRow {
    pub person_id: Uuid,
    pub scores: PersonScores,
    /// When the latest score was taken (the age band is worked out on this day).
    pub latest_on: Date,
    /// Where the latest score was taken, when recorded.
    pub latest_site: Option<Uuid>,
    /// The program the latest score was taken in, when recorded.
    pub latest_program: Option<Uuid>,
}

/// Folds `(person, day, score, site, program)` rows in person-then-day order into one row per person.
/// A score as read: person, day, score, and the site and program it was taken in.
type ScoreRow = (Uuid, Date, f64, Option<Uuid>, Option<Uuid>);

fn fold_rows(rows: impl IntoIterator<Item = ScoreRow>) -> Vec<PersonRow> {
    let mut out: Vec<PersonRow> = Vec::new();
    for (person_id, day, score, site, program) in rows {
        match out.last_mut() {
            Some(last) if last.person_id == person_id => {
                last.scores.latest = score;
                last.scores.count += 1;
                last.latest_on = day;
                last.latest_site = site;
                last.latest_program = program;
            }
            _ => out.push(PersonRow {
                person_id,
                scores: PersonScores { first: score, latest: score, count: 1 },
                latest_on: day,
                latest_site: site,
                latest_program: program,
            }),
        }
    }
    out
}

/// The summary selection behind a measure in a scope: measured instruments by where each score was
/// taken, goal achievement by enrolment; None for indicators folded from records as they are read.
fn selection<'a>(instrument_key: &'a str, scope: &Scope) -> Option<Selection<'a>> {
    let (program_key, members_of) = match instrument_key {
        REENGAGEMENT_DAYS | COMMUNITY_PARTICIPATION => return None,
        GOAL_ACHIEVEMENT => (summary::ORGANISATION, scope.program_id),
        _ => (scope.program_id.unwrap_or(summary::ORGANISATION), None),
    };
    Some(Selection { instrument_key, program_key, members_of, from: scope.from, to: scope.to })
}

/// Baseline and latest score per person on `instrument_key` for the people whose latest score up to
/// the scope's end falls inside it; derived keys (`goal-achievement`, `reengagement-days`,
/// `community-participation`) come from records.
pub async fn person_scores(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    instrument_key: &str,
    scope: &Scope,
) -> Result<Vec<PersonScores>, DbErr> {
    Ok(person_rows(conn, org_id, instrument_key, scope).await?.into_iter().map(|r| r.scores).collect())
}

/// As [`person_scores`], with each person's id and where and when their latest score was taken.
pub async fn person_rows(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    instrument_key: &str,
    scope: &Scope,
) -> Result<Vec<PersonRow>, DbErr> {
    if let Some(s) = selection(instrument_key, scope) {
        return summary::person_rows(conn, org_id, &s).await;
    }
    match instrument_key {
        REENGAGEMENT_DAYS => reengagement_rows(conn, org_id, scope).await,
        _ => participation_rows(conn, org_id, scope).await,
    }
}

/// People enrolled in `program_id` at any time (for records that carry no program of their own).
async fn program_people(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    program_id: Option<Uuid>,
) -> Result<Option<std::collections::HashSet<Uuid>>, DbErr> {
    let Some(program_id) = program_id else { return Ok(None) };
    let ids: Vec<Uuid> = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::PersonId)
        .filter(enrolment::Column::OrgId.eq(org_id))
        .filter(enrolment::Column::ProgramId.eq(program_id))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(Some(ids.into_iter().collect()))
}

/// Share (0–100) of a plan version's goals marked achieved; None when it has no goals (set aside
/// goals are left out of the count). Each agreed version is a goal-achievement reading on the day
/// it was agreed (kept in `outcome_person_summaries` by `summary::refresh_goals`).
pub fn goal_share(content: &PlanContent) -> Option<f64> {
    share_of(content.goals.iter().map(|g| g.progress))
}

/// The share of achieved goals among goals with these progress values, set-aside ones left out.
pub fn share_of(progress: impl Iterator<Item = GoalProgress>) -> Option<f64> {
    let (mut goals, mut achieved) = (0usize, 0usize);
    for p in progress.filter(|p| *p != GoalProgress::SetAside) {
        goals += 1;
        achieved += usize::from(p == GoalProgress::Achieved);
    }
    (goals > 0).then(|| 100.0 * achieved as f64 / goals as f64)
}

/// Re-engagement: each lapse with a recorded return is a measurement of the days it took (lower is better).
async fn reengagement_rows(conn: &impl ConnectionTrait, org_id: Uuid, scope: &Scope) -> Result<Vec<PersonRow>, DbErr> {
    use lapse::Column as C;
    let members = program_people(conn, org_id, scope.program_id).await?;
    let mut q = lapse::Entity::find()
        .select_only()
        .columns([C::PersonId, C::LapseOn, C::DaysToReengage])
        .filter(C::OrgId.eq(org_id))
        .filter(C::DaysToReengage.is_not_null());
    if let Some(f) = scope.from {
        q = q.filter(C::LapseOn.gte(f));
    }
    if let Some(t) = scope.to {
        q = q.filter(C::LapseOn.lte(t));
    }
    let rows: Vec<(Uuid, Date, Option<i32>)> =
        q.order_by_asc(C::PersonId).order_by_asc(C::LapseOn).into_tuple().all(conn).await?;
    Ok(fold_rows(
        rows.into_iter()
            .filter(|(p, _, _)| members.as_ref().is_none_or(|m| m.contains(p)))
            .filter_map(|(p, day, days)| days.map(|d| (p, day, f64::from(d), None, scope.program_id))),
    ))
}

/// Community participation: everyone offered an opportunity in the scope scores 100 when they took
/// part in one (taken or completed) in the scope, 0 otherwise — one reading per person.
async fn participation_rows(conn: &impl ConnectionTrait, org_id: Uuid, scope: &Scope) -> Result<Vec<PersonRow>, DbErr> {
    use opportunity::Column as C;
    let mut q = opportunity::Entity::find()
        .select_only()
        .columns([C::PersonId, C::Status, C::OfferedOn, C::TakenOn, C::CompletedOn, C::ProgramId])
        .filter(C::OrgId.eq(org_id));
    if let Some(p) = scope.program_id {
        q = q.filter(C::ProgramId.eq(p));
    }
    if let Some(t) = scope.to {
        q = q.filter(C::OfferedOn.lte(t));
    }
    type Row = (Uuid, String, Date, Option<Date>, Option<Date>, Option<Uuid>);
    let rows: Vec<Row> = q.order_by_asc(C::PersonId).into_tuple().all(conn).await?;
    let from = scope.from.unwrap_or(Date::MIN);
    let to = scope.to.unwrap_or(Date::MAX);
    let mut by_person: HashMap<Uuid, (bool, Date, Option<Uuid>)> = HashMap::new();
    let mut order = Vec::new();
    for (person, status, offered, taken, completed, program) in rows {
        let status = OpportunityStatus::parse(&status);
        let took = status.is_some_and(|s| crate::domain::community::took_part_between(s, taken, completed, from, to));
        let in_scope = took || scope.contains(offered);
        if !in_scope {
            continue;
        }
        let day = completed.or(taken).unwrap_or(offered);
        let entry = by_person.entry(person).or_insert_with(|| {
            order.push(person);
            (false, day, program)
        });
        entry.0 |= took;
        if day > entry.1 {
            entry.1 = day;
            entry.2 = program;
        }
    }
    Ok(order
        .into_iter()
        .map(|p| {
            let (took, day, program) = by_person[&p];
            let score = if took { 100.0 } else { 0.0 };
            PersonRow {
                person_id: p,
                scores: PersonScores { first: score, latest: score, count: 1 },
                latest_on: day,
                latest_site: None,
                latest_program: program,
            }
        })
        .collect())
}

// ---------- dashboard figures ----------

/// The instruments shown on the distributions (intake against latest).
pub const DISTRIBUTION_KEYS: &[&str] = &["barc-10", "who-5"];

/// What a dashboard covers: one program or the organisation, over a span of days (both included).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, ToSchema)]
pub struct Filters {
    pub program_id: Option<Uuid>,
    pub from: Date,
    pub to: Date,
}

impl Filters {
    pub fn scope(&self) -> Scope {
        Scope { program_id: self.program_id, from: Some(self.from), to: Some(self.to) }
    }
}

/// A count out of a base, with its percentage (None when the base is zero or either is suppressed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Share {
    pub count: Option<u64>,
    pub of: Option<u64>,
    pub percent: Option<f64>,
}

impl Share {
    pub fn new(count: u64, of: u64) -> Share {
        Share { count: Some(count), of: Some(of), percent: (of > 0).then(|| 100.0 * count as f64 / of as f64) }
    }
}

/// The measure a figure is about, with what is needed to read it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct MeasureInfo {
    pub key: String,
    pub name: String,
    pub higher_is_better: bool,
    pub score_min: f64,
    pub score_max: f64,
    pub cut_off: Option<f64>,
    pub meaningful_change: Option<f64>,
    /// Derived from records (goal achievement, re-engagement, participation) rather than answered.
    pub derived: bool,
}

impl MeasureInfo {
    pub fn of(def: &InstrumentDef) -> MeasureInfo {
        MeasureInfo {
            key: def.key.clone(),
            name: def.name.clone(),
            higher_is_better: def.higher_is_better,
            score_min: def.score_min,
            score_max: def.score_max,
            cut_off: def.cut_off,
            meaningful_change: def.meaningful_change,
            derived: def.kind == InstrumentKind::Derived,
        }
    }
}

/// First-to-latest change on one measure.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct MeasureSummary {
    pub measure: MeasureInfo,
    /// People with at least one score in the period.
    pub measured: u64,
    /// Paired change over the people measured at least twice (`change.n`).
    pub change: PairedChange,
    /// Of everyone measured, how many have a latest score at or beyond the cut-off (measures with one).
    pub reaching_cut_off: Option<Share>,
    /// Of the pairs, how many have a first score at or beyond the cut-off (for comparison with latest).
    pub reaching_cut_off_first: Option<Share>,
    /// Of the pairs, how many moved at least the meaningful change the right way (measures with one).
    pub meaningful_improvement: Option<Share>,
    /// Of the pairs, how many moved at least the meaningful change the wrong way.
    pub meaningful_worsening: Option<Share>,
}

/// Summarises one measure's scores.
pub fn summarise(measure: &MeasureInfo, people: &[PersonScores]) -> MeasureSummary {
    let change = paired_change(people, measure.higher_is_better);
    let pairs: Vec<&PersonScores> = people.iter().filter(|p| p.paired()).collect();
    let n = pairs.len() as u64;
    let reaching_cut_off = measure.cut_off.map(|c| {
        let meeting = people.iter().filter(|p| reaches(p.latest, c, measure.higher_is_better)).count();
        Share::new(meeting as u64, people.len() as u64)
    });
    let reaching_cut_off_first = measure
        .cut_off
        .map(|c| Share::new(pairs.iter().filter(|p| reaches(p.first, c, measure.higher_is_better)).count() as u64, n));
    let meaningful = |sign: f64| {
        measure.meaningful_change.map(|m| {
            let count = pairs.iter().filter(|p| sign * p.gain(measure.higher_is_better) >= m - 1e-9).count();
            Share::new(count as u64, n)
        })
    };
    MeasureSummary {
        measure: measure.clone(),
        measured: people.len() as u64,
        change,
        reaching_cut_off,
        reaching_cut_off_first,
        meaningful_improvement: meaningful(1.0),
        meaningful_worsening: meaningful(-1.0),
    }
}

/// One logic-model target and how far it has been reached.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct TargetSummary {
    pub target: OutcomeTarget,
    /// None when the target names a measure the organisation no longer has.
    pub measure: Option<MeasureInfo>,
    pub progress: Option<TargetProgress>,
}

/// Scores at intake (each person's first) and latest, counted in bins across the score range, for
/// the people measured at least twice (the same people at both points).
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Distribution {
    pub measure: MeasureInfo,
    /// Each bin's lower and upper edge (the last bin includes its upper edge).
    pub bins: Vec<(f64, f64)>,
    pub first: Vec<u64>,
    pub latest: Vec<u64>,
    pub n: u64,
}

/// Bins of about `width` points over a measure's range (at most 12).
pub fn bins_for(min: f64, max: f64) -> Vec<(f64, f64)> {
    let span = (max - min).max(1.0);
    let width = [1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0].into_iter().find(|w| span / w <= 12.0).unwrap_or(span / 10.0);
    let mut out = Vec::new();
    let mut lo = min;
    while lo < max - 1e-9 {
        out.push((lo, (lo + width).min(max)));
        lo += width;
    }
    if out.is_empty() {
        out.push((min, max));
    }
    out
}

fn bin_of(bins: &[(f64, f64)], score: f64) -> usize {
    bins.iter().position(|(_, hi)| score < *hi).unwrap_or(bins.len().saturating_sub(1))
}

pub fn distribution(measure: &MeasureInfo, people: &[PersonScores]) -> Distribution {
    let bins = bins_for(measure.score_min, measure.score_max);
    let mut first = vec![0; bins.len()];
    let mut latest = vec![0; bins.len()];
    let mut n = 0;
    for p in people.iter().filter(|p| p.paired()) {
        first[bin_of(&bins, p.first)] += 1;
        latest[bin_of(&bins, p.latest)] += 1;
        n += 1;
    }
    Distribution { measure: measure.clone(), bins, first, latest, n }
}

/// One month's outputs.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct MonthOutputs {
    /// The first day of the month.
    pub month: Date,
    pub outputs: Outputs,
}

/// Everything an outcome dashboard shows, for one program or the organisation over a period.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Dashboard {
    pub filters: Filters,
    pub program_name: Option<String>,
    /// Outputs month by month (from records, live).
    pub months: Vec<MonthOutputs>,
    /// Outputs over the whole period.
    pub outputs: Outputs,
    /// Each measure in use (answered instruments and indicators, then derived indicators).
    pub measures: Vec<MeasureSummary>,
    /// Each logic-model target in scope and its progress.
    pub targets: Vec<TargetSummary>,
    /// BARC-10 and WHO-5 at intake against latest.
    pub distributions: Vec<Distribution>,
    /// Share of people served who took part in any community opportunity in the period.
    pub participation: TakingPart,
}

/// Measures whose scores the dashboards read: everything but screeners, with the org's own.
pub async fn dashboard_measures(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Vec<MeasureInfo>, DbErr> {
    Ok(instruments::available(conn, org_id)
        .await?
        .iter()
        .filter(|d| d.kind != InstrumentKind::Screener)
        .map(MeasureInfo::of)
        .collect())
}

/// Scores per measure and program scope: summaries in one grouped read, the indicators folded from
/// records one query each.
async fn scores_by_scope(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    wanted: &[(String, Option<Uuid>)],
    filters: Filters,
) -> Result<HashMap<(String, Option<Uuid>), Vec<PersonScores>>, DbErr> {
    let scopes: Vec<(&str, Scope)> = wanted
        .iter()
        .map(|(key, program_id)| (key.as_str(), Scope { program_id: *program_id, ..filters.scope() }))
        .collect();
    let selections: Vec<Selection<'_>> = scopes.iter().filter_map(|(key, scope)| selection(key, scope)).collect();
    let derived = async {
        let mut out = HashMap::new();
        for (key, scope) in scopes.iter().filter(|(key, scope)| selection(key, scope).is_none()) {
            out.insert((key.to_string(), scope.program_id), person_scores(conn, org_id, key, scope).await?);
        }
        Ok::<_, DbErr>(out)
    };
    let (mut out, derived) =
        tokio::try_join!(summary::scores(conn, org_id, &selections, filters.from, filters.to), derived)?;
    out.extend(derived);
    Ok(out)
}

/// The dashboard's figures, computed from the database (no cache, no access check: callers check).
/// Outputs, scores and participation are read side by side (on separate pooled connections).
pub async fn dashboard_figures(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    filters: Filters,
) -> Result<Dashboard, DbErr> {
    let program_name = match filters.program_id {
        Some(p) => db::org::programs(conn, org_id).await?.into_iter().find(|x| x.id == p).map(|x| x.name),
        None => None,
    };
    let measures = dashboard_measures(conn, org_id).await?;
    let target_list = logic_models::targets(conn, org_id, filters.program_id).await?;
    // Each measure in the dashboard's scope, and each target's measure in its own program.
    let mut wanted: Vec<(String, Option<Uuid>)> =
        measures.iter().map(|m| (m.key.clone(), filters.program_id)).collect();
    for t in &target_list {
        let pair = (t.instrument_key.clone(), Some(t.program_id));
        if measures.iter().any(|m| m.key == t.instrument_key) && !wanted.contains(&pair) {
            wanted.push(pair);
        }
    }
    let period = Period { from: filters.from, to: filters.to };
    let (outputs, scores, participation) = tokio::try_join!(
        outputs_with_months(conn, org_id, filters.program_id, filters.from, filters.to),
        scores_by_scope(conn, org_id, &wanted, filters),
        crate::voice::community::took_part_share(conn, org_id, filters.program_id, period),
    )?;
    let (outputs, months) = outputs;
    let months = months.into_iter().map(|(month, outputs)| MonthOutputs { month, outputs }).collect();
    let in_scope = |scores: &HashMap<(String, Option<Uuid>), Vec<PersonScores>>, key: &str| {
        scores.get(&(key.to_string(), filters.program_id)).cloned().unwrap_or_default()
    };
    let summaries: Vec<MeasureSummary> = measures
        .iter()
        .map(|m| (m, in_scope(&scores, &m.key)))
        .filter(|(_, s)| !s.is_empty())
        .map(|(m, s)| summarise(m, &s))
        .collect();
    let distributions = DISTRIBUTION_KEYS
        .iter()
        .filter_map(|k| measures.iter().find(|m| m.key == *k))
        .map(|m| distribution(m, &in_scope(&scores, &m.key)))
        .collect();
    let targets = target_list
        .into_iter()
        .map(|t| {
            let measure = measures.iter().find(|m| m.key == t.instrument_key);
            // A program's target is judged on that program's people, whichever dashboard shows it.
            let progress = measure.map(|m| {
                let people = scores.get(&(m.key.clone(), Some(t.program_id))).map(Vec::as_slice).unwrap_or_default();
                evaluate(&t.target, people, m.higher_is_better)
            });
            TargetSummary { measure: measure.cloned(), target: t, progress }
        })
        .collect();
    Ok(Dashboard { filters, program_name, months, outputs, measures: summaries, targets, distributions, participation })
}

// ---------- disaggregation ----------

/// The category a count falls in. `key` is stable (a code, a program or site id, a language as
/// typed, `not-recorded`, `more-than-one`); the label is a message id (`label_id`) or a name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Category {
    pub key: String,
    pub label_id: Option<String>,
    pub name: Option<String>,
}

impl Category {
    fn coded(key: &str, label_id: String) -> Category {
        Category { key: key.to_string(), label_id: Some(label_id), name: None }
    }
    fn named(key: String, name: String) -> Category {
        Category { key, label_id: None, name: Some(name) }
    }
    fn not_recorded() -> Category {
        Category::coded(NOT_RECORDED, "outcomes-not-recorded".into())
    }
    /// The label in the reader's language.
    pub fn label(&self, tr: &crate::i18n::Tr) -> String {
        match (&self.name, &self.label_id) {
            (Some(name), _) => name.clone(),
            (None, Some(id)) => tr.t(id),
            (None, None) => self.key.clone(),
        }
    }
}

pub const NOT_RECORDED: &str = "not-recorded";
/// People with two or more races recorded are counted once, in this category.
pub const MORE_THAN_ONE: &str = "more-than-one";

/// One category's paired change and cut-off figures, suppressed: a `None` count is hidden (1–10, or
/// hidden so a hidden count cannot be worked out), and means and shares on hidden counts are hidden.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ChangeRow {
    pub category: Category,
    /// People measured at least twice.
    pub n: Option<u64>,
    pub improved: Option<u64>,
    pub unchanged: Option<u64>,
    pub worsened: Option<u64>,
    /// Mean latest minus first (raw direction) over the pairs.
    pub mean_change: Option<f64>,
    /// Everyone measured and how many reach the cut-off at their latest (measures with a cut-off).
    pub measured: Option<u64>,
    pub reaching: Option<u64>,
    pub reaching_percent: Option<f64>,
}

/// One measure broken down by a dimension; `total` is everyone in scope.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct MeasureBreakdown {
    pub measure: MeasureInfo,
    pub rows: Vec<ChangeRow>,
    pub total: ChangeRow,
}

/// One category's progress on a target, suppressed like `ChangeRow`.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct TargetRow {
    pub category: Category,
    /// People the target is judged on in this category.
    pub n: Option<u64>,
    /// People meeting the per-person condition (None for a mean-change target or when hidden).
    pub meeting: Option<u64>,
    /// The figure compared with the target (a percentage, or the mean change in points).
    pub achieved: Option<f64>,
    pub met: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct TargetBreakdown {
    pub target: OutcomeTarget,
    pub measure: MeasureInfo,
    pub rows: Vec<TargetRow>,
    pub total: TargetRow,
}

/// Outcome figures broken down by one dimension, small cells suppressed.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Disaggregation {
    pub filters: Filters,
    pub dimension: Dimension,
    pub measures: Vec<MeasureBreakdown>,
    pub targets: Vec<TargetBreakdown>,
}

/// What is known about a person for disaggregation.
#[derive(Clone, Debug, Default)]
struct Traits {
    born: Option<Date>,
    gender: Option<String>,
    language: Option<String>,
    race: Option<String>,
    ethnicity: Option<String>,
}

async fn traits(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    dimension: Dimension,
) -> Result<HashMap<Uuid, Traits>, DbErr> {
    use person::Column as C;
    let column = match dimension {
        Dimension::AgeBand => C::DateOfBirth,
        Dimension::Gender => C::Gender,
        Dimension::Language => C::PreferredLanguage,
        Dimension::Race => C::RaceCodes,
        Dimension::Ethnicity => C::Ethnicity,
        Dimension::Program | Dimension::Site => return Ok(HashMap::new()),
    };
    let q = person::Entity::find().select_only().column(C::Id).column(column).filter(C::OrgId.eq(org_id));
    let mut out = HashMap::new();
    if dimension == Dimension::AgeBand {
        let rows: Vec<(Uuid, Option<Date>)> = q.into_tuple().all(conn).await?;
        for (id, born) in rows {
            out.insert(id, Traits { born, ..Default::default() });
        }
    } else {
        let rows: Vec<(Uuid, Option<String>)> = q.into_tuple().all(conn).await?;
        for (id, value) in rows {
            let value = value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
            let t = match dimension {
                Dimension::Gender => Traits { gender: value, ..Default::default() },
                Dimension::Language => Traits { language: value, ..Default::default() },
                Dimension::Race => Traits { race: value, ..Default::default() },
                _ => Traits { ethnicity: value, ..Default::default() },
            };
            out.insert(id, t);
        }
    }
    Ok(out)
}

/// Names of the organisation's programs and sites, for categories.
struct Names {
    programs: HashMap<Uuid, String>,
    sites: HashMap<Uuid, String>,
    race_prefix: &'static str,
}

/// The category a person's row falls in under `dimension`.
fn category_of(dimension: Dimension, row: &PersonRow, t: Option<&Traits>, names: &Names) -> Category {
    let t = t.cloned().unwrap_or_default();
    match dimension {
        Dimension::AgeBand => {
            let band = age_band(t.born, row.latest_on);
            Category::coded(band.code(), format!("outcomes-age-{}", band.code()))
        }
        Dimension::Gender => match t.gender.as_deref().and_then(Gender::parse) {
            Some(g) => Category::coded(g.code(), g.message_id()),
            None => Category::not_recorded(),
        },
        Dimension::Ethnicity => match t.ethnicity.as_deref().and_then(Ethnicity::parse) {
            Some(e) => Category::coded(e.code(), e.message_id()),
            None => Category::not_recorded(),
        },
        Dimension::Language => match t.language {
            Some(l) => Category::named(l.to_lowercase(), l),
            None => Category::not_recorded(),
        },
        Dimension::Race => {
            let mut codes: Vec<&str> =
                t.race.as_deref().unwrap_or("").split(';').map(str::trim).filter(|c| !c.is_empty()).collect();
            // "Prefers not to say" beside a race given is not a second race.
            if codes.len() > 1 {
                codes.retain(|c| *c != "declined");
            }
            match codes.as_slice() {
                [] => Category::not_recorded(),
                [one] => Category::coded(one, format!("{}-{one}", names.race_prefix)),
                _ => Category::coded(MORE_THAN_ONE, "outcomes-race-more-than-one".into()),
            }
        }
        Dimension::Program => match row.latest_program.and_then(|p| names.programs.get(&p).map(|n| (p, n))) {
            Some((id, name)) => Category::named(id.to_string(), name.clone()),
            None => Category::not_recorded(),
        },
        Dimension::Site => match row.latest_site.and_then(|s| names.sites.get(&s).map(|n| (s, n))) {
            Some((id, name)) => Category::named(id.to_string(), name.clone()),
            None => Category::not_recorded(),
        },
    }
}

/// Categories in reading order: coded ones in their list's order, named ones alphabetically, then
/// "more than one" and "not recorded".
fn order_key(dimension: Dimension, c: &Category, names: &Names) -> (u8, usize, String) {
    let rank = match c.key.as_str() {
        MORE_THAN_ONE => 1,
        NOT_RECORDED => 2,
        _ => 0,
    };
    let position = match dimension {
        Dimension::AgeBand => AgeBand::CODES.iter().position(|x| *x == c.key),
        Dimension::Gender => Gender::CODES.iter().position(|x| *x == c.key),
        Dimension::Ethnicity => Ethnicity::CODES.iter().position(|x| *x == c.key),
        Dimension::Race => {
            let codes = if names.race_prefix == "race-ca" { RaceCa::CODES } else { RaceUs::CODES };
            codes.iter().position(|x| *x == c.key)
        }
        _ => None,
    };
    (rank, position.unwrap_or(usize::MAX), c.name.clone().unwrap_or_default().to_lowercase())
}

/// Splits rows into categories (in reading order) with the people in each.
fn group_rows<'a>(
    dimension: Dimension,
    rows: &'a [PersonRow],
    traits: &HashMap<Uuid, Traits>,
    names: &Names,
) -> Vec<(Category, Vec<&'a PersonRow>)> {
    let mut groups: Vec<(Category, Vec<&PersonRow>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in rows {
        let c = category_of(dimension, row, traits.get(&row.person_id), names);
        let i = *index.entry(c.key.clone()).or_insert_with(|| {
            groups.push((c, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(row);
    }
    groups.sort_by_key(|(c, _)| order_key(dimension, c, names));
    groups
}

fn mean_change_of(people: &[&PersonRow]) -> Option<f64> {
    let pairs: Vec<f64> =
        people.iter().filter(|p| p.scores.paired()).map(|p| p.scores.latest - p.scores.first).collect();
    (!pairs.is_empty()).then(|| pairs.iter().sum::<f64>() / pairs.len() as f64)
}

/// Paired change and cut-off figures by category, suppressed across the whole table.
pub fn change_breakdown(
    measure: &MeasureInfo,
    groups: &[(Category, Vec<&PersonRow>)],
    all: &[PersonRow],
) -> MeasureBreakdown {
    let hib = measure.higher_is_better;
    let counts = |people: &[&PersonRow]| {
        let mut c = [0u64; 3];
        for p in people.iter().filter(|p| p.scores.paired()) {
            let g = p.scores.gain(hib);
            c[if g > 0.0 {
                0
            } else if g == 0.0 {
                1
            } else {
                2
            }] += 1;
        }
        c
    };
    let reach = |people: &[&PersonRow]| {
        let c = measure.cut_off.unwrap_or(f64::NAN);
        let meeting = people.iter().filter(|p| reaches(p.scores.latest, c, hib)).count() as u64;
        [meeting, people.len() as u64 - meeting]
    };
    let change_table = CountTable::from_cells(groups.iter().map(|(_, people)| counts(people).to_vec()).collect(), 3);
    let reach_table = CountTable::from_cells(groups.iter().map(|(_, people)| reach(people).to_vec()).collect(), 2);
    let change = suppress(&change_table);
    let reached = suppress(&reach_table);
    let with_cut_off = measure.cut_off.is_some();
    let row = |category: Category,
               people: &[&PersonRow],
               change_cells: &[Option<u64>],
               n: Option<u64>,
               reach_cells: &[Option<u64>],
               measured: Option<u64>| {
        let reaching = if with_cut_off { reach_cells[0] } else { None };
        let measured = if with_cut_off { measured } else { None };
        ChangeRow {
            category,
            n,
            improved: change_cells[0],
            unchanged: change_cells[1],
            worsened: change_cells[2],
            mean_change: derived(n, mean_change_of(people)),
            measured,
            reaching,
            reaching_percent: match (reaching, measured) {
                (Some(r), Some(m)) if m > 0 => Some(100.0 * r as f64 / m as f64),
                _ => None,
            },
        }
    };
    let rows = groups
        .iter()
        .enumerate()
        .map(|(i, (c, people))| {
            row(c.clone(), people, &change.cells[i], change.row_totals[i], &reached.cells[i], reached.row_totals[i])
        })
        .collect();
    let everyone: Vec<&PersonRow> = all.iter().collect();
    let total = row(
        Category::coded("total", "outcomes-total".into()),
        &everyone,
        &change.column_totals,
        change.total,
        &reached.column_totals,
        reached.total,
    );
    MeasureBreakdown { measure: measure.clone(), rows, total }
}

/// A target's progress by category, suppressed across the table.
pub fn target_breakdown(
    target: &OutcomeTarget,
    measure: &MeasureInfo,
    groups: &[(Category, Vec<&PersonRow>)],
    all: &[PersonRow],
) -> TargetBreakdown {
    let hib = measure.higher_is_better;
    let scores = |people: &[&PersonRow]| people.iter().map(|p| p.scores).collect::<Vec<_>>();
    let progress: Vec<TargetProgress> = groups.iter().map(|(_, p)| evaluate(&target.target, &scores(p), hib)).collect();
    let overall = evaluate(&target.target, &all.iter().map(|p| p.scores).collect::<Vec<_>>(), hib);
    let per_person = target.target.kind != TargetKind::MeanChange;
    let cells: Vec<Vec<u64>> = progress
        .iter()
        .map(|p| {
            if per_person {
                let meeting = u64::from(p.meeting.unwrap_or(0));
                vec![meeting, u64::from(p.n) - meeting]
            } else {
                vec![u64::from(p.n)]
            }
        })
        .collect();
    let table = CountTable::from_cells(cells, if per_person { 2 } else { 1 });
    let shown = suppress(&table);
    let row = |category: Category, p: &TargetProgress, n: Option<u64>, meeting: Option<u64>| TargetRow {
        category,
        n,
        meeting: if per_person { meeting } else { None },
        achieved: derived(n, p.achieved).and_then(|a| if per_person { meeting.map(|_| a) } else { Some(a) }),
        met: derived(n, p.met).and_then(|m| if per_person { meeting.map(|_| m) } else { Some(m) }),
    };
    let rows = groups
        .iter()
        .enumerate()
        .map(|(i, (c, _))| row(c.clone(), &progress[i], shown.row_totals[i], shown.cells[i][0]))
        .collect();
    let total = row(Category::coded("total", "outcomes-total".into()), &overall, shown.total, shown.column_totals[0]);
    TargetBreakdown { target: target.clone(), measure: measure.clone(), rows, total }
}

/// The disaggregation's figures from the database (no cache, no access check: callers check).
/// Each measure in use is broken down, then each logic-model target in scope (judged on its own
/// program's people).
pub async fn disaggregation_figures(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    filters: Filters,
    dimension: Dimension,
) -> Result<Disaggregation, DbErr> {
    let scope = filters.scope();
    let org = db::org::get(conn, org_id).await?;
    let race_prefix = match org.as_ref().and_then(|o| Country::parse(&o.country)) {
        Some(c) => c.race_message_prefix(),
        None => "race-us",
    };
    let programs = db::org::programs(conn, org_id).await?.into_iter().map(|p| (p.id, p.name)).collect();
    let sites = site::Entity::find()
        .filter(site::Column::OrgId.eq(org_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let names = Names { programs, sites, race_prefix };
    let traits = traits(conn, org_id, dimension).await?;
    let measures = dashboard_measures(conn, org_id).await?;
    let mut breakdowns = Vec::new();
    let mut rows_by_key: HashMap<String, Vec<PersonRow>> = HashMap::new();
    for m in &measures {
        let rows = person_rows(conn, org_id, &m.key, &scope).await?;
        if rows.is_empty() {
            continue;
        }
        let groups = group_rows(dimension, &rows, &traits, &names);
        breakdowns.push(change_breakdown(m, &groups, &rows));
        rows_by_key.insert(m.key.clone(), rows);
    }
    let mut targets = Vec::new();
    for t in logic_models::targets(conn, org_id, filters.program_id).await? {
        let Some(m) = measures.iter().find(|m| m.key == t.instrument_key) else { continue };
        let rows = if filters.program_id == Some(t.program_id) {
            rows_by_key.get(&m.key).cloned().unwrap_or_default()
        } else {
            person_rows(conn, org_id, &m.key, &Scope { program_id: Some(t.program_id), ..scope.clone() }).await?
        };
        let groups = group_rows(dimension, &rows, &traits, &names);
        targets.push(target_breakdown(&t, m, &groups, &rows));
    }
    Ok(Disaggregation { filters, dimension, measures: breakdowns, targets })
}

// ---------- services: access, audit, cache ----------

/// What a dashboard or disaggregation request asks for, as typed (all optional).
#[derive(Clone, Debug, Default, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// A program id; left out for the whole organisation.
    pub program_id: Option<String>,
    /// First day (YYYY-MM-DD); defaults to twelve months before `to`.
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD); defaults to today.
    pub to: Option<String>,
    /// The dimension to break down by (`race`, `ethnicity`, `age-band`, `gender`, `language`,
    /// `program`, `site`).
    pub by: Option<String>,
}

/// Refuses (and records the refusal) unless the actor may see outcome aggregates.
pub async fn require_view(state: &AppState, actor: &Actor) -> AppResult<()> {
    if access::allows(actor, Action::ViewOutcomes, Reach::Outside) {
        return Ok(());
    }
    let entry = actor_entry(actor, "access.denied")
        .outcome(AuditOutcome::Denied)
        .detail(json!({ "action": format!("{:?}", Action::ViewOutcomes) }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Err(AppError::Forbidden)
}

/// The organisation's local date today.
pub async fn today(state: &AppState, org_id: Uuid) -> AppResult<Date> {
    let org = db::org::get(state.db.conn(), org_id).await?.ok_or(AppError::NotFound)?;
    Ok(crate::app::local_date(&org.time_zone, state.clock.now()))
}

/// Parses the request's program and period (default: the twelve months to today).
pub async fn parse_filters(state: &AppState, org_id: Uuid, q: &DashboardQuery) -> AppResult<Filters> {
    let today = today(state, org_id).await?;
    let mut errors = FieldErrors::new();
    let period = match Period::parse(q.from.as_deref(), q.to.as_deref(), today) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let program_id = match q.program_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => match Uuid::parse_str(raw) {
            Ok(id) if db::org::program(&state.db, org_id, id).await?.is_some() => Some(id),
            _ => {
                errors.add("program_id", "error-unknown-choice");
                None
            }
        },
    };
    match period {
        Some(p) if errors.is_empty() => Ok(Filters { program_id, from: p.from, to: p.to }),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// The dimension asked for, or the field error.
pub fn parse_dimension(by: Option<&str>) -> AppResult<Dimension> {
    by.and_then(Dimension::parse)
        .ok_or_else(|| AppError::Invalid(FieldErrors::single("by", "outcomes-error-dimension")))
}

/// The dashboard for an actor who may see outcomes, from the cache when nothing has changed.
pub async fn dashboard(state: &AppState, actor: &Actor, filters: Filters) -> AppResult<Arc<Dashboard>> {
    require_view(state, actor).await?;
    let conn = state.db.conn();
    let key = cache::key(conn, actor.org_id, Kind::Dashboard, filters).await?;
    let figures = match state.outcome_cache.dashboard(&key) {
        Some(d) => d,
        None => {
            let d = Arc::new(dashboard_figures(conn, actor.org_id, filters).await?);
            state.outcome_cache.put_dashboard(key, d.clone());
            d
        }
    };
    let entry = actor_entry(actor, "outcomes.dashboard.view").detail(json!({
        "program_id": filters.program_id, "from": filters.from.to_string(), "to": filters.to.to_string(),
    }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(figures)
}

/// A disaggregation for an actor who may see outcomes, from the cache when nothing has changed.
pub async fn disaggregation(
    state: &AppState,
    actor: &Actor,
    filters: Filters,
    dimension: Dimension,
) -> AppResult<Arc<Disaggregation>> {
    require_view(state, actor).await?;
    let conn = state.db.conn();
    let key = cache::key(conn, actor.org_id, Kind::Disaggregation(dimension), filters).await?;
    let figures = match state.outcome_cache.disaggregation(&key) {
        Some(d) => d,
        None => {
            let d = Arc::new(disaggregation_figures(conn, actor.org_id, filters, dimension).await?);
            state.outcome_cache.put_disaggregation(key, d.clone());
            d
        }
    };
    let entry = actor_entry(actor, "outcomes.disaggregation.view").detail(json!({
        "program_id": filters.program_id, "from": filters.from.to_string(), "to": filters.to.to_string(),
        "by": dimension.code(),
    }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(figures)
}

// ---------- a person's trajectory ----------

/// One measurement on a person's trajectory.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct TrajectoryPoint {
    pub taken_on: Date,
    pub score: f64,
    pub occasion: String,
    pub interpretation: Option<String>,
}

/// A person's scores on one measure over time.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Trajectory {
    pub measure: MeasureInfo,
    pub points: Vec<TrajectoryPoint>,
    /// Latest minus first (raw direction), when measured at least twice.
    pub change: Option<f64>,
    /// Whether the change is at least the measure's meaningful change, the right way (Some(true)),
    /// the wrong way (Some(false)), or smaller / not applicable (None).
    pub meaningful: Option<bool>,
    /// Whether the latest score is at or beyond the cut-off (measures with one).
    pub latest_reaches_cut_off: Option<bool>,
}

/// Every measure the person has scores on, in the order of the organisation's measures.
pub async fn trajectories_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<Trajectory>, DbErr> {
    use outcome_measurement::Column as C;
    let rows: Vec<(String, Date, f64, String, Option<String>)> = outcome_measurement::Entity::find()
        .select_only()
        .columns([C::InstrumentKey, C::TakenOn, C::Score, C::Occasion, C::Interpretation])
        .filter(C::OrgId.eq(org_id))
        .filter(C::PersonId.eq(person_id))
        .filter(C::Score.is_not_null())
        .order_by_asc(C::TakenOn)
        .order_by_asc(C::CreatedAt)
        .into_tuple()
        .all(conn)
        .await?;
    let mut measures = dashboard_measures(conn, org_id).await?;
    for (key, ..) in &rows {
        if !measures.iter().any(|m| &m.key == key)
            && let Some(def) = instruments::find(conn, org_id, key, None).await?
        {
            measures.push(MeasureInfo::of(&def));
        }
    }
    let mut out = Vec::new();
    for m in measures {
        let points: Vec<TrajectoryPoint> = rows
            .iter()
            .filter(|r| r.0 == m.key)
            .map(|(_, taken_on, score, occasion, interpretation)| TrajectoryPoint {
                taken_on: *taken_on,
                score: *score,
                occasion: occasion.clone(),
                interpretation: interpretation.clone(),
            })
            .collect();
        let (Some(first), Some(last)) = (points.first(), points.last()) else { continue };
        let scores = PersonScores { first: first.score, latest: last.score, count: points.len() as u32 };
        let change = scores.paired().then_some(scores.latest - scores.first);
        let meaningful = match (scores.paired(), m.meaningful_change) {
            (true, Some(mc)) => {
                let gain = scores.gain(m.higher_is_better);
                if gain >= mc - 1e-9 {
                    Some(true)
                } else if gain <= -mc + 1e-9 {
                    Some(false)
                } else {
                    None
                }
            }
            _ => None,
        };
        let latest_reaches_cut_off = m.cut_off.map(|c| reaches(scores.latest, c, m.higher_is_better));
        out.push(Trajectory { measure: m, points, change, meaningful, latest_reaches_cut_off });
    }
    Ok(out)
}

/// A person's trajectories for an actor who may view the person (caseload checked, view audited).
pub async fn trajectories(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
) -> AppResult<(person::Model, Vec<Trajectory>)> {
    let opened = records::open(state, actor, person_id, Action::ViewPerson).await?;
    let list = trajectories_of(state.db.conn(), actor.org_id, person_id).await?;
    let entry = actor_entry(actor, "outcomes.trajectory.view").record("person", person_id);
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok((opened.person, list))
}

/// The SVG line chart of one trajectory: scores over time with the cut-off and, around the first
/// score, the band inside which a change is smaller than the measure's meaningful change.
pub fn trajectory_svg(t: &Trajectory, tr: &crate::i18n::Tr, id: &str) -> String {
    let first_day = t.points.first().map(|p| p.taken_on).unwrap_or(Date::MIN);
    let day = |d: Date| (d - first_day).whole_days() as f64;
    let last = t.points.last().map(|p| day(p.taken_on)).unwrap_or(0.0);
    let mut x_labels: Vec<(f64, String)> = Vec::new();
    for p in &t.points {
        let x = day(p.taken_on);
        // Keep labels apart: about one label per sixth of the span.
        if x_labels.last().is_none_or(|(lx, _)| x - lx >= (last / 6.0).max(1.0)) || x == last {
            if x == last && x_labels.last().is_some_and(|(lx, _)| x - lx < (last / 6.0).max(1.0)) && x_labels.len() > 1
            {
                x_labels.pop();
            }
            x_labels.push((x, p.taken_on.to_string()));
        }
    }
    let band = match (t.measure.meaningful_change, t.points.first()) {
        (Some(mc), Some(first)) => Some((
            (first.score - mc).max(t.measure.score_min),
            (first.score + mc).min(t.measure.score_max),
            tr.t1("outcomes-chart-band", "points", crate::domain::instruments::fmt_num(mc)),
        )),
        _ => None,
    };
    charts::line_chart(&LineChart {
        id: id.to_string(),
        title: tr.t1("outcomes-chart-trajectory", "measure", &t.measure.name),
        x_range: (0.0, last.max(1.0)),
        y_range: (t.measure.score_min, t.measure.score_max),
        x_labels,
        series: vec![Series {
            label: t.measure.name.clone(),
            points: t.points.iter().map(|p| (day(p.taken_on), p.score)).collect(),
        }],
        reference: t
            .measure
            .cut_off
            .map(|c| (c, tr.t1("outcomes-chart-cut-off", "score", crate::domain::instruments::fmt_num(c)))),
        band,
    })
}

/// The SVG chart of a person's scores on one measure (None when never measured on it), for pages
/// that have already opened the person's record (the caller checks access and audits the view).
pub async fn person_chart(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
    instrument_key: &str,
    tr: &crate::i18n::Tr,
) -> Result<Option<String>, DbErr> {
    let list = trajectories_of(conn, org_id, person_id).await?;
    Ok(list
        .iter()
        .find(|t| t.measure.key == instrument_key)
        .map(|t| trajectory_svg(t, tr, &format!("trajectory-{instrument_key}"))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn barc() -> MeasureInfo {
        MeasureInfo {
            key: "barc-10".into(),
            name: "BARC-10".into(),
            higher_is_better: true,
            score_min: 10.0,
            score_max: 60.0,
            cut_off: Some(47.0),
            meaningful_change: None,
            derived: false,
        }
    }

    #[test]
    fn rows_fold_into_first_latest_and_count_per_person() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let d = date!(2026 - 01 - 01);
        let rows = fold_rows([
            (a, d, 20.0, None, None),
            (a, d.next_day().unwrap(), 30.0, Some(b), None),
            (b, d, 50.0, None, None),
        ]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].scores, PersonScores { first: 20.0, latest: 30.0, count: 2 });
        assert_eq!(rows[0].latest_site, Some(b));
        assert_eq!(rows[1].scores.count, 1);
    }

    #[test]
    fn the_summary_counts_the_cut_off_on_everyone_and_change_on_pairs() {
        let people = [
            PersonScores { first: 30.0, latest: 47.0, count: 2 },
            PersonScores { first: 48.0, latest: 40.0, count: 2 },
            PersonScores { first: 55.0, latest: 55.0, count: 1 },
        ];
        let s = summarise(&barc(), &people);
        assert_eq!(s.measured, 3);
        assert_eq!(s.change.n, 2);
        assert_eq!(s.reaching_cut_off.unwrap().count, Some(2));
        assert_eq!(s.reaching_cut_off_first.unwrap().count, Some(1));
        assert!(s.meaningful_improvement.is_none(), "BARC-10 has no meaningful-change figure");
    }

    #[test]
    fn bins_cover_the_range_and_scores_land_in_one() {
        let bins = bins_for(10.0, 60.0);
        assert_eq!(bins.first().unwrap().0, 10.0);
        assert_eq!(bins.last().unwrap().1, 60.0);
        assert!(bins.len() <= 12);
        assert_eq!(bin_of(&bins, 60.0), bins.len() - 1, "the top score is in the last bin");
        assert_eq!(bin_of(&bins, 10.0), 0);
        let d = distribution(&barc(), &[PersonScores { first: 10.0, latest: 60.0, count: 2 }]);
        assert_eq!((d.first[0], d.latest[bins.len() - 1], d.n), (1, 1, 1));
    }

    #[test]
    fn goal_share_leaves_set_aside_goals_out() {
        let goal = |progress| crate::domain::coaching::PlanGoal {
            id: Uuid::new_v4(),
            domain: crate::domain::coaching::LifeDomain::ALL[0],
            in_own_words: "x".into(),
            progress,
            progress_note: String::new(),
            steps: vec![],
        };
        let content = PlanContent {
            goals: vec![goal(GoalProgress::Achieved), goal(GoalProgress::InProgress), goal(GoalProgress::SetAside)],
            ..Default::default()
        };
        assert_eq!(goal_share(&content), Some(50.0));
        assert_eq!(goal_share(&PlanContent::default()), None);
    }
}
