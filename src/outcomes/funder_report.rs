//! The aggregate funder report: for a program (or the whole organisation) and a period, what was
//! delivered (live outputs), how people's measures changed (paired first → latest), how far each
//! logic-model target was reached, and the change broken down by race and ethnicity — every count
//! from 1 to 10 suppressed. The figures are the dashboard's (`analytics`), so the two always agree.
//! It names nobody and is logged as an export.

use super::analytics::{self, DISTRIBUTION_KEYS, Filters, MeasureBreakdown, MeasureSummary, Share, TargetSummary};
use super::export::may_export;
use super::logic_models::Outputs;
use crate::access::Actor;
use crate::app::AppState;
use crate::db::entities::program;
use crate::domain::FieldErrors;
use crate::domain::codes::Role;
use crate::domain::disaggregation::{Dimension, is_small};
use crate::domain::outcomes::{OutcomeArea, Target};
use crate::error::{AppError, AppResult};
use crate::web::actor_entry;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, Duration};
use utoipa::ToSchema;
use uuid::Uuid;

/// What a report request sends (all optional: the whole organisation, the last 12 months).
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema, utoipa::IntoParams)]
#[serde(default)]
pub struct ReportQuery {
    pub program_id: Option<String>,
    /// YYYY-MM-DD, inclusive.
    pub from: Option<String>,
    /// YYYY-MM-DD, inclusive.
    pub to: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReportFilter {
    pub program_id: Option<Uuid>,
    pub from: Date,
    pub to: Date,
}

impl ReportQuery {
    pub fn parse(&self, today: Date) -> Result<ReportFilter, FieldErrors> {
        let mut e = FieldErrors::new();
        let blank = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let program_id = blank(&self.program_id).and_then(|raw| match Uuid::parse_str(&raw) {
            Ok(id) => Some(id),
            Err(_) => {
                e.add("program_id", "error-unknown-choice");
                None
            }
        });
        let to = e.optional_date("to", blank(&self.to).as_deref()).unwrap_or(today);
        let from = e.optional_date("from", blank(&self.from).as_deref()).unwrap_or(to - Duration::days(364));
        if to < from {
            e.add("to", "outcome-exports-error-period");
        }
        e.finish(ReportFilter { program_id, from, to })
    }
}

/// One measure's change over the period. A count from 1 to 10, and any figure worked out from one,
/// is None and the line is marked `suppressed`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MeasureLine {
    pub key: String,
    pub name: String,
    pub higher_is_better: bool,
    /// People measured at least once in the period.
    pub measured: Option<u64>,
    /// People measured at least twice, and their mean first, latest and change.
    pub pairs: Option<u64>,
    pub mean_first: Option<f64>,
    pub mean_latest: Option<f64>,
    pub mean_change: Option<f64>,
    pub improved: Option<u64>,
    pub cut_off: Option<f64>,
    /// Per cent of people whose latest score is at or beyond the cut-off.
    pub reaching_cut_off: Option<f64>,
    pub meaningful_change: Option<f64>,
    /// Per cent of people measured twice who improved by at least the meaningful change.
    pub meaningful_improvement: Option<f64>,
    pub suppressed: bool,
}

/// A logic-model outcome with its target and how far it was reached.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TargetLine {
    pub program_name: String,
    pub statement: String,
    pub area: OutcomeArea,
    pub instrument_key: String,
    pub instrument_name: String,
    pub target: Target,
    /// People the target is judged on (None when 1–10).
    pub judged: Option<u64>,
    /// The figure compared with the target: a percentage, or the mean change in points.
    pub achieved: Option<f64>,
    /// None when not measured yet or held back.
    pub met: Option<bool>,
    pub suppressed: bool,
}

/// The change on one measure by the categories of one dimension (already suppressed).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Breakdown {
    pub dimension: Dimension,
    pub measure: MeasureBreakdown,
}

/// The whole report, ready to print or send as JSON.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FunderReport {
    pub organisation: String,
    /// None for the whole organisation.
    pub program_name: Option<String>,
    pub from: Date,
    pub to: Date,
    pub generated_on: Date,
    pub outputs: OutputsView,
    pub measures: Vec<MeasureLine>,
    pub targets: Vec<TargetLine>,
    /// BARC-10, WHO-5 and every measure with a target, by race and by ethnicity.
    pub breakdowns: Vec<Breakdown>,
}

/// The outputs as the report shows them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OutputsView {
    pub people_served: u64,
    pub contacts: u64,
    pub contacts_by_mode: Vec<ModeCount>,
    pub contact_hours: f64,
    pub group_sessions: u64,
    pub group_attendances: u64,
    pub group_hours: f64,
    pub referrals_made: u64,
    pub referrals_connected: u64,
    pub info_contacts: u64,
}

/// Contacts of one mode.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ModeCount {
    pub mode: String,
    pub contacts: u64,
}

impl From<&Outputs> for OutputsView {
    fn from(o: &Outputs) -> Self {
        OutputsView {
            people_served: o.people_served,
            contacts: o.contacts,
            contacts_by_mode: o
                .contacts_by_mode
                .iter()
                .map(|(mode, contacts)| ModeCount { mode: mode.clone(), contacts: *contacts })
                .collect(),
            contact_hours: o.contact_hours,
            group_sessions: o.group_sessions,
            group_attendances: o.group_attendances,
            group_hours: o.group_hours,
            referrals_made: o.referrals_made,
            referrals_connected: o.referrals_connected,
            info_contacts: o.info_contacts,
        }
    }
}

/// A count as it may be shown: held back from 1 to 10.
fn shown(count: u64) -> Option<u64> {
    (!is_small(count)).then_some(count)
}

/// A share's percentage, when neither its count nor its base is small.
fn shown_share(share: Option<Share>) -> Option<f64> {
    let share = share?;
    let (count, of) = (share.count?, share.of?);
    if is_small(count) || is_small(of) { None } else { share.percent }
}

fn measure_line(m: &MeasureSummary) -> MeasureLine {
    let c = &m.change;
    let pairs = (c.n > 0).then(|| u64::from(c.n)).and_then(shown);
    let line = MeasureLine {
        key: m.measure.key.clone(),
        name: m.measure.name.clone(),
        higher_is_better: m.measure.higher_is_better,
        measured: shown(m.measured),
        pairs,
        mean_first: pairs.map(|_| c.mean_first),
        mean_latest: pairs.map(|_| c.mean_latest),
        mean_change: pairs.map(|_| c.mean_change),
        improved: pairs.and_then(|_| shown(u64::from(c.improved))),
        cut_off: m.measure.cut_off,
        reaching_cut_off: shown_share(m.reaching_cut_off),
        meaningful_change: m.measure.meaningful_change,
        meaningful_improvement: shown_share(m.meaningful_improvement),
        suppressed: false,
    };
    let held_back = line.measured.is_none()
        || (c.n > 0 && line.pairs.is_none())
        || (line.pairs.is_some() && line.improved.is_none())
        || (m.reaching_cut_off.is_some() && line.reaching_cut_off.is_none())
        || (m.meaningful_improvement.is_some_and(|s| s.of.unwrap_or(0) > 0) && line.meaningful_improvement.is_none());
    MeasureLine { suppressed: held_back, ..line }
}

fn target_line(t: &TargetSummary) -> TargetLine {
    let progress = t.progress.as_ref();
    let judged = progress.and_then(|p| shown(u64::from(p.n)));
    // A percentage of a small count would give the count away.
    let achieved = match progress {
        Some(p) if judged.is_some() && p.meeting.is_none_or(|m| !is_small(u64::from(m))) => p.achieved,
        _ => None,
    };
    let met = if judged.is_some() { progress.and_then(|p| p.met) } else { None };
    let suppressed = progress.is_some_and(|p| p.n > 0) && (judged.is_none() || achieved.is_none());
    TargetLine {
        program_name: t.target.program_name.clone(),
        statement: t.target.statement.clone(),
        area: t.target.area,
        instrument_name: t.measure.as_ref().map(|m| m.name.clone()).unwrap_or_else(|| t.target.instrument_key.clone()),
        instrument_key: t.target.instrument_key.clone(),
        target: t.target.target,
        judged,
        achieved,
        met,
        suppressed,
    }
}

/// Builds the report, checking the reader may export and that a director reports on their own programs.
pub async fn build(state: &AppState, actor: &Actor, filter: &ReportFilter) -> AppResult<FunderReport> {
    if !may_export(actor) {
        return Err(AppError::Forbidden);
    }
    let whole_org = actor.has(Role::QualityLead);
    let program_id = match filter.program_id {
        Some(p) if whole_org || actor.program_ids.contains(&p) => Some(p),
        Some(_) => return Err(AppError::Forbidden),
        None if whole_org => None,
        // A director reports on one of their programs; with exactly one there is nothing to choose.
        None => match actor.program_ids.as_slice() {
            [only] => Some(*only),
            _ => {
                return Err(AppError::Invalid(FieldErrors::single(
                    "program_id",
                    "outcome-exports-error-choose-program",
                )));
            }
        },
    };
    let conn = state.db.conn();
    let org_id = actor.org_id;
    if let Some(p) = program_id {
        program::Entity::find_by_id(p)
            .filter(program::Column::OrgId.eq(org_id))
            .one(conn)
            .await?
            .ok_or(AppError::NotFound)?;
    }
    let organisation = crate::db::org::get(conn, org_id).await?.map(|o| o.name).unwrap_or_default();
    let filters = Filters { program_id, from: filter.from, to: filter.to };
    let dashboard = analytics::dashboard(state, actor, filters).await?;
    let target_keys: Vec<&str> = dashboard.targets.iter().map(|t| t.target.instrument_key.as_str()).collect();
    let mut breakdowns = Vec::new();
    for dimension in [Dimension::Race, Dimension::Ethnicity] {
        let split = analytics::disaggregation(state, actor, filters, dimension).await?;
        for m in &split.measures {
            let key = m.measure.key.as_str();
            if DISTRIBUTION_KEYS.contains(&key) || target_keys.contains(&key) {
                breakdowns.push(Breakdown { dimension, measure: m.clone() });
            }
        }
    }
    let report = FunderReport {
        organisation,
        program_name: dashboard.program_name.clone(),
        from: filter.from,
        to: filter.to,
        generated_on: state.clock.now().date(),
        outputs: (&dashboard.outputs).into(),
        measures: dashboard.measures.iter().filter(|m| m.measured > 0).map(measure_line).collect(),
        targets: dashboard.targets.iter().map(target_line).collect(),
        breakdowns,
    };
    let detail = json!({
        "kind": "funder-report",
        "program_id": program_id,
        "from": filter.from.to_string(),
        "to": filter.to.to_string(),
        "measures": report.measures.len(),
        "targets": report.targets.len(),
    });
    let now = state.clock.now();
    crate::db::audit::append_now(&state.db, actor_entry(actor, "outcomes.export").detail(detail), now).await?;
    Ok(report)
}
