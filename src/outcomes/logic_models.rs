//! Per-program logic models (CSE 1.01, 1.02): reading and saving them (versioned, with a snapshot
//! per save and an audit entry), the outputs they count computed live from records, each desired
//! outcome's progress against its target, and the rating guide's validity checks for every program.
//!
//! Other areas use [`targets`] (dashboards), [`validity`] (issue 10's readiness view) and
//! [`outputs`] / [`outputs_by_month`] (outputs over time).

mod outputs;

pub use outputs::{Outputs, month_start, outputs, outputs_by_month, outputs_with_months};

use crate::access::{self, Action, Actor, Reach};
use crate::app::AppState;
use crate::audit::Outcome as AuditOutcome;
use crate::db;
use crate::db::entities::{logic_model, logic_model_item, logic_model_outcome, logic_model_revision, program, staff};
use crate::domain::instruments::{InstrumentDef, InstrumentKind};
use crate::domain::logic_models::{
    self as rules, Activity, EvidenceKind, Gap, Impact, ImpactLevel, Input, InputKind, MeasureInfo, ModelDoc, Need,
    OutputKind, OutputPlan, Part, ProgramFacts, Standing,
};
use crate::domain::outcomes::{OutcomeArea, Target, TargetKind, TargetProgress, evaluate};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::outcomes::analytics::{self, Scope};
use crate::web::actor_entry;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

// ---------- contracts other areas use ----------

/// A desired outcome with a measure and a target, for the dashboards.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct OutcomeTarget {
    pub program_id: Uuid,
    pub program_name: String,
    pub outcome_id: Uuid,
    pub statement: String,
    pub area: OutcomeArea,
    pub instrument_key: String,
    pub target: Target,
}

/// Every outcome that names a measure and a target, for one program or all, in program then model order.
pub async fn targets(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    program_id: Option<Uuid>,
) -> Result<Vec<OutcomeTarget>, DbErr> {
    let mut q = logic_model_outcome::Entity::find().filter(logic_model_outcome::Column::OrgId.eq(org_id));
    if let Some(p) = program_id {
        q = q.filter(logic_model_outcome::Column::ProgramId.eq(p));
    }
    let rows = q.order_by_asc(logic_model_outcome::Column::Position).all(conn).await?;
    let programs: HashMap<Uuid, String> =
        db::org::programs(conn, org_id).await?.into_iter().map(|p| (p.id, p.name)).collect();
    let mut out: Vec<OutcomeTarget> = rows
        .into_iter()
        .filter_map(|r| {
            let outcome = outcome_of(&r);
            Some(OutcomeTarget {
                program_id: r.program_id,
                program_name: programs.get(&r.program_id)?.clone(),
                outcome_id: r.id,
                statement: r.statement,
                area: outcome.area,
                instrument_key: outcome.instrument_key?,
                target: outcome.target?,
            })
        })
        .collect();
    out.sort_by(|a, b| a.program_name.cmp(&b.program_name));
    Ok(out)
}

/// One program against the rating guide's checks.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ProgramValidity {
    pub program_id: Uuid,
    pub program_name: String,
    pub active: bool,
    /// Information and referral only: exempt from the two-outcome-area rule.
    pub referral_only: bool,
    pub has_model: bool,
    pub standing: Standing,
    /// What is missing, in reading order (empty when complete or inactive).
    pub gaps: Vec<Gap>,
}

impl ProgramValidity {
    pub fn complete(&self) -> bool {
        self.standing == Standing::Complete
    }
}

/// Every program (active first, then by name) with its standing and what is missing.
pub async fn validity(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Vec<ProgramValidity>, DbErr> {
    let programs = db::org::programs(conn, org_id).await?;
    let mut docs = load_all(conn, org_id).await?;
    let measure_keys: Vec<String> = measures(conn, org_id).await?.into_iter().map(|m| m.key).collect();
    let mut out: Vec<ProgramValidity> =
        programs.into_iter().map(|p| program_validity(&p, docs.remove(&p.id), &measure_keys)).collect();
    out.sort_by(|a, b| b.active.cmp(&a.active).then(a.program_name.cmp(&b.program_name)));
    Ok(out)
}

fn program_validity(p: &program::Model, doc: Option<ModelDoc>, measure_keys: &[String]) -> ProgramValidity {
    let facts = ProgramFacts {
        active: p.active,
        serves_individuals: p.serves_individuals,
        serves_groups: p.serves_groups,
        serves_referral: p.serves_referral,
        model: doc,
        measure_keys: measure_keys.to_vec(),
    };
    let (standing, gaps) = rules::check(&facts);
    ProgramValidity {
        program_id: p.id,
        program_name: p.name.clone(),
        active: p.active,
        referral_only: facts.referral_only(),
        has_model: facts.model.is_some(),
        standing,
        gaps,
    }
}

// ---------- storage ----------

/// A stored model: its row and its parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored {
    pub row: logic_model::Model,
    pub doc: ModelDoc,
}

/// The organisation's available measures (built-in and its own active ones, latest versions).
async fn measures(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Vec<InstrumentDef>, DbErr> {
    crate::outcomes::instruments::available(conn, org_id).await
}

fn measure_info(def: &InstrumentDef) -> MeasureInfo {
    MeasureInfo {
        key: def.key.clone(),
        name: def.name.clone(),
        threshold_only: matches!(def.kind, InstrumentKind::Screener | InstrumentKind::Derived),
        score_min: def.score_min,
        score_max: def.score_max,
    }
}

fn outcome_of(r: &logic_model_outcome::Model) -> rules::Outcome {
    let target = match (r.target_kind.as_deref().and_then(TargetKind::parse), r.target_value) {
        (Some(kind), Some(value)) => Some(Target { kind, value, share: r.target_share }),
        _ => None,
    };
    rules::Outcome {
        id: Some(r.id),
        statement: r.statement.clone(),
        area: OutcomeArea::parse(&r.area).unwrap_or(OutcomeArea::Other),
        instrument_key: r.instrument_key.clone(),
        target,
        timeframe: r.timeframe.clone(),
    }
}

fn add_item(doc: &mut ModelDoc, r: &logic_model_item::Model) {
    let kind = r.kind.as_deref().unwrap_or("");
    match Part::parse(&r.part) {
        Some(Part::Needs) => doc.needs.push(Need {
            text: r.text.clone(),
            evidence_kind: EvidenceKind::parse(kind),
            evidence_title: r.evidence_title.clone(),
            evidence_date: r.evidence_date.clone(),
            evidence_link: r.evidence_link.clone(),
        }),
        Some(Part::Inputs) => {
            if let Some(kind) = InputKind::parse(kind) {
                doc.inputs.push(Input { kind, text: r.text.clone() })
            }
        }
        Some(Part::Activities) => doc.activities.push(Activity { text: r.text.clone() }),
        Some(Part::Outputs) => {
            if let Some(kind) = OutputKind::parse(kind) {
                doc.outputs.push(OutputPlan { kind, planned: r.planned })
            }
        }
        Some(Part::Impact) => {
            if let Some(level) = ImpactLevel::parse(kind) {
                doc.impacts.push(Impact { level, text: r.text.clone() })
            }
        }
        Some(Part::Outcomes) | None => {}
    }
}

/// One program's model, if it has one.
pub async fn load(conn: &impl ConnectionTrait, org_id: Uuid, program_id: Uuid) -> Result<Option<Stored>, DbErr> {
    let Some(row) = logic_model::Entity::find()
        .filter(logic_model::Column::OrgId.eq(org_id))
        .filter(logic_model::Column::ProgramId.eq(program_id))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let mut doc = ModelDoc::default();
    let items = logic_model_item::Entity::find()
        .filter(logic_model_item::Column::OrgId.eq(org_id))
        .filter(logic_model_item::Column::ModelId.eq(row.id))
        .order_by_asc(logic_model_item::Column::Position)
        .all(conn)
        .await?;
    for item in &items {
        add_item(&mut doc, item);
    }
    doc.outcomes = logic_model_outcome::Entity::find()
        .filter(logic_model_outcome::Column::OrgId.eq(org_id))
        .filter(logic_model_outcome::Column::ModelId.eq(row.id))
        .order_by_asc(logic_model_outcome::Column::Position)
        .all(conn)
        .await?
        .iter()
        .map(outcome_of)
        .collect();
    Ok(Some(Stored { row, doc }))
}

/// Every model in the organisation by program (three queries whatever the number of programs).
async fn load_all(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<HashMap<Uuid, ModelDoc>, DbErr> {
    let models = logic_model::Entity::find().filter(logic_model::Column::OrgId.eq(org_id)).all(conn).await?;
    let program_of: HashMap<Uuid, Uuid> = models.iter().map(|m| (m.id, m.program_id)).collect();
    let mut docs: HashMap<Uuid, ModelDoc> = models.iter().map(|m| (m.program_id, ModelDoc::default())).collect();
    let items = logic_model_item::Entity::find()
        .filter(logic_model_item::Column::OrgId.eq(org_id))
        .order_by_asc(logic_model_item::Column::Position)
        .all(conn)
        .await?;
    for item in &items {
        if let Some(doc) = program_of.get(&item.model_id).and_then(|p| docs.get_mut(p)) {
            add_item(doc, item);
        }
    }
    let outcomes = logic_model_outcome::Entity::find()
        .filter(logic_model_outcome::Column::OrgId.eq(org_id))
        .order_by_asc(logic_model_outcome::Column::Position)
        .all(conn)
        .await?;
    for o in &outcomes {
        if let Some(doc) = program_of.get(&o.model_id).and_then(|p| docs.get_mut(p)) {
            doc.outcomes.push(outcome_of(o));
        }
    }
    Ok(docs)
}

// ---------- access ----------

async fn require(state: &AppState, actor: &Actor, action: Action, program_id: Option<Uuid>) -> AppResult<()> {
    if access::allows(actor, action, Reach::Outside) {
        return Ok(());
    }
    let mut entry = actor_entry(actor, "access.denied")
        .outcome(AuditOutcome::Denied)
        .detail(json!({ "action": format!("{action:?}") }));
    if let Some(id) = program_id {
        entry = entry.record("program", id);
    }
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Err(AppError::Forbidden)
}

async fn program(state: &AppState, org_id: Uuid, id: Uuid) -> AppResult<program::Model> {
    db::org::program(&state.db, org_id, id).await?.ok_or(AppError::NotFound)
}

/// Refuses (and records the refusal) unless the actor may change logic models.
pub async fn require_edit(state: &AppState, actor: &Actor, program_id: Uuid) -> AppResult<()> {
    require(state, actor, Action::EditLogicModels, Some(program_id)).await
}

/// May the actor change logic models?
pub fn may_edit(actor: &Actor) -> bool {
    access::allows(actor, Action::EditLogicModels, Reach::Outside)
}

// ---------- periods ----------

/// The span live outputs and outcome progress are computed over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    /// The last 12 months up to and including `today`.
    pub fn last_year(today: Date) -> Period {
        let a_year_ago = today.replace_year(today.year() - 1).unwrap_or_else(|_| today - time::Duration::days(365));
        Period { from: a_year_ago.next_day().unwrap_or(a_year_ago), to: today }
    }

    /// A period from optional `YYYY-MM-DD` texts: either end left out takes the default's; the
    /// span must run forwards and be at most ten years.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: Date) -> Result<Period, FieldErrors> {
        let mut errors = FieldErrors::new();
        let default = Period::last_year(today);
        let from = errors.optional_date("from", from).unwrap_or(default.from);
        let to = errors.optional_date("to", to).unwrap_or(default.to);
        if errors.is_empty() && to < from {
            errors.add("to", "logic-models-error-period-backwards");
        }
        if errors.is_empty() && (to - from).whole_days() > 3660 {
            errors.add("from", "logic-models-error-period-long");
        }
        errors.finish(Period { from, to })
    }
}

async fn today(state: &AppState, org_id: Uuid) -> AppResult<Date> {
    let org = db::org::get(state.db.conn(), org_id).await?.ok_or(AppError::NotFound)?;
    Ok(crate::app::local_date(&org.time_zone, state.clock.now()))
}

/// The period asked for, or the last 12 months in the organisation's zone.
pub async fn period(state: &AppState, org_id: Uuid, from: Option<&str>, to: Option<&str>) -> AppResult<Period> {
    let today = today(state, org_id).await?;
    Period::parse(from, to, today).map_err(AppError::Invalid)
}

// ---------- reading ----------

/// A program as the logic model shows it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ProgramSummary {
    pub id: Uuid,
    pub name: String,
    pub active: bool,
    pub serves_individuals: bool,
    pub serves_groups: bool,
    pub serves_referral: bool,
}

impl From<&program::Model> for ProgramSummary {
    fn from(p: &program::Model) -> Self {
        ProgramSummary {
            id: p.id,
            name: p.name.clone(),
            active: p.active,
            serves_individuals: p.serves_individuals,
            serves_groups: p.serves_groups,
            serves_referral: p.serves_referral,
        }
    }
}

/// Where an outcome stands against its target over the period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProgressStatus {
    Met,
    NotYet,
    /// Nobody could be judged yet (no scores, or no pairs for a change target).
    NotMeasured,
    /// No measure or target to judge against.
    NoTarget,
}

impl ProgressStatus {
    pub fn message_id(self) -> &'static str {
        match self {
            ProgressStatus::Met => "logic-models-progress-met",
            ProgressStatus::NotYet => "logic-models-progress-not-yet",
            ProgressStatus::NotMeasured => "logic-models-progress-not-measured",
            ProgressStatus::NoTarget => "logic-models-progress-no-target",
        }
    }
}

/// One desired outcome's progress.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct OutcomeProgress {
    pub outcome_id: Option<Uuid>,
    /// The measure's name, when it is one of the organisation's available measures.
    pub measure_name: Option<String>,
    pub higher_is_better: Option<bool>,
    pub progress: Option<TargetProgress>,
    pub status: ProgressStatus,
}

/// A counted output's live figure and plan.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct OutputFigure {
    pub kind: OutputKind,
    pub actual: f64,
    pub planned: Option<f64>,
}

/// The figure of one output kind.
pub fn figure(outputs: &Outputs, kind: OutputKind) -> f64 {
    match kind {
        OutputKind::PeopleServed => outputs.people_served as f64,
        OutputKind::Contacts => outputs.contacts as f64,
        OutputKind::ContactHours => outputs.contact_hours,
        OutputKind::GroupSessions => outputs.group_sessions as f64,
        OutputKind::GroupAttendances => outputs.group_attendances as f64,
        OutputKind::GroupHours => outputs.group_hours,
        OutputKind::ReferralsMade => outputs.referrals_made as f64,
        OutputKind::ReferralsConnected => outputs.referrals_connected as f64,
        OutputKind::InfoContacts => outputs.info_contacts as f64,
    }
}

/// A program's logic model with its live outputs and outcome progress.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ModelView {
    pub program: ProgramSummary,
    /// 0 while the program has no model; send it back when saving.
    pub version: i32,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>)]
    pub updated_at: Option<OffsetDateTime>,
    pub updated_by: Option<String>,
    pub model: ModelDoc,
    pub period: Period,
    pub outputs: Outputs,
    /// The counted outputs with their figures, in the model's order.
    pub figures: Vec<OutputFigure>,
    /// One per desired outcome, in the model's order.
    pub progress: Vec<OutcomeProgress>,
    pub validity: ProgramValidity,
    pub may_edit: bool,
}

async fn staff_name(conn: &impl ConnectionTrait, org_id: Uuid, id: Option<Uuid>) -> Result<Option<String>, DbErr> {
    let Some(id) = id else { return Ok(None) };
    Ok(staff::Entity::find_by_id(id).filter(staff::Column::OrgId.eq(org_id)).one(conn).await?.map(|s| s.display_name))
}

/// A program's logic model (an empty one when none is saved yet), with outputs and progress for `period`.
pub async fn view(state: &AppState, actor: &Actor, program_id: Uuid, period: Period) -> AppResult<ModelView> {
    require(state, actor, Action::ViewOutcomeDesign, Some(program_id)).await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let program = program(state, org_id, program_id).await?;
    let stored = load(conn, org_id, program_id).await?;
    let defs = measures(conn, org_id).await?;
    let measure_keys: Vec<String> = defs.iter().map(|d| d.key.clone()).collect();
    let (version, updated_at, updated_by, doc) = match &stored {
        Some(s) => (s.row.version, Some(s.row.updated_at), s.row.updated_by, Some(s.doc.clone())),
        None => (0, None, None, None),
    };
    let validity = program_validity(&program, doc.clone(), &measure_keys);
    let doc = doc.unwrap_or_default();
    let outputs = outputs(conn, org_id, Some(program_id), period.from, period.to).await?;
    let figures = doc
        .outputs
        .iter()
        .map(|o| OutputFigure { kind: o.kind, actual: figure(&outputs, o.kind), planned: o.planned })
        .collect();
    let progress = progress(conn, org_id, program_id, &doc, &defs, period).await?;
    let entry = actor_entry(actor, "logic_models.view").record("program", program_id).detail(json!({
        "from": period.from.to_string(),
        "to": period.to.to_string(),
    }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(ModelView {
        program: ProgramSummary::from(&program),
        version,
        updated_at,
        updated_by: staff_name(conn, org_id, updated_by).await?,
        model: doc,
        period,
        outputs,
        figures,
        progress,
        validity,
        may_edit: may_edit(actor),
    })
}

/// Each outcome judged on its measure's first and latest scores of people in the program within the period.
async fn progress(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    program_id: Uuid,
    doc: &ModelDoc,
    defs: &[InstrumentDef],
    period: Period,
) -> Result<Vec<OutcomeProgress>, DbErr> {
    let scope = Scope { program_id: Some(program_id), from: Some(period.from), to: Some(period.to) };
    let mut scores: HashMap<String, Vec<crate::domain::outcomes::PersonScores>> = HashMap::new();
    let mut out = Vec::new();
    for o in &doc.outcomes {
        let def = o.instrument_key.as_deref().and_then(|k| defs.iter().find(|d| d.key == k));
        let (Some(def), Some(target)) = (def, o.target) else {
            out.push(OutcomeProgress {
                outcome_id: o.id,
                measure_name: def.map(|d| d.name.clone()),
                higher_is_better: def.map(|d| d.higher_is_better),
                progress: None,
                status: ProgressStatus::NoTarget,
            });
            continue;
        };
        if !scores.contains_key(&def.key) {
            let people = analytics::person_scores(conn, org_id, &def.key, &scope).await?;
            scores.insert(def.key.clone(), people);
        }
        let people = scores.get(&def.key).map(Vec::as_slice).unwrap_or_default();
        let p = evaluate(&target, people, def.higher_is_better);
        let status = match p.met {
            Some(true) => ProgressStatus::Met,
            Some(false) => ProgressStatus::NotYet,
            None => ProgressStatus::NotMeasured,
        };
        out.push(OutcomeProgress {
            outcome_id: o.id,
            measure_name: Some(def.name.clone()),
            higher_is_better: Some(def.higher_is_better),
            progress: Some(p),
            status,
        });
    }
    Ok(out)
}

/// The measures an outcome may be linked to, for the editor: (key, name), by name.
pub async fn measure_choices(state: &AppState, org_id: Uuid) -> AppResult<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> =
        measures(state.db.conn(), org_id).await?.into_iter().map(|d| (d.key, d.name)).collect();
    out.sort_by_key(|a| a.1.to_lowercase());
    Ok(out)
}

/// Outputs for one program (or the whole organisation) over `period`, with the months when asked.
pub async fn outputs_for(
    state: &AppState,
    actor: &Actor,
    program_id: Option<Uuid>,
    period: Period,
    by_month: bool,
) -> AppResult<(Outputs, Option<Vec<(Date, Outputs)>>)> {
    require(state, actor, Action::ViewOutcomeDesign, program_id).await?;
    if let Some(id) = program_id {
        program(state, actor.org_id, id).await?;
    }
    let conn = state.db.conn();
    let totals = outputs(conn, actor.org_id, program_id, period.from, period.to).await?;
    let months = if by_month {
        Some(outputs_by_month(conn, actor.org_id, program_id, period.from, period.to).await?)
    } else {
        None
    };
    let mut entry = actor_entry(actor, "logic_models.outputs").detail(json!({
        "from": period.from.to_string(),
        "to": period.to.to_string(),
        "by_month": by_month,
    }));
    if let Some(id) = program_id {
        entry = entry.record("program", id);
    }
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok((totals, months))
}

/// The organisation overview: every program's standing, audited as a list naming no person.
pub async fn overview(state: &AppState, actor: &Actor) -> AppResult<Vec<ProgramValidity>> {
    require(state, actor, Action::ViewOutcomeDesign, None).await?;
    let out = validity(state.db.conn(), actor.org_id).await?;
    let entry = actor_entry(actor, "logic_models.list").detail(json!({ "programs": out.len() }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(out)
}

// ---------- saving ----------

/// Saves a program's whole model. `version` is the version read (0 when the program had none);
/// a stale version is a conflict. Returns the new version.
pub async fn save(state: &AppState, actor: &Actor, program_id: Uuid, version: i32, doc: ModelDoc) -> AppResult<i32> {
    require(state, actor, Action::EditLogicModels, Some(program_id)).await?;
    let org_id = actor.org_id;
    program(state, org_id, program_id).await?;
    let defs = measures(state.db.conn(), org_id).await?;
    let infos: Vec<MeasureInfo> = defs.iter().map(measure_info).collect();
    let doc = rules::validate(doc, &infos).map_err(AppError::Invalid)?;
    let now = state.clock.now();

    let txn = state.db.begin_write().await?;
    let before = load(&*txn, org_id, program_id).await?;
    let (model_id, new_version) = match &before {
        None if version == 0 => {
            let id = Uuid::new_v4();
            logic_model::ActiveModel::from(logic_model::Model {
                id,
                org_id,
                program_id,
                updated_by: Some(actor.staff_id),
                version: 1,
                created_at: now,
                updated_at: now,
            })
            .insert(&*txn)
            .await?;
            (id, 1)
        }
        Some(stored) if stored.row.version == version => {
            let result = logic_model::Entity::update_many()
                .col_expr(logic_model::Column::Version, sea_orm::sea_query::Expr::value(version + 1))
                .col_expr(logic_model::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
                .col_expr(logic_model::Column::UpdatedBy, sea_orm::sea_query::Expr::value(Some(actor.staff_id)))
                .filter(logic_model::Column::Id.eq(stored.row.id))
                .filter(logic_model::Column::OrgId.eq(org_id))
                .filter(logic_model::Column::Version.eq(version))
                .exec(&*txn)
                .await?;
            if result.rows_affected == 0 {
                return Err(AppError::Conflict);
            }
            (stored.row.id, version + 1)
        }
        _ => return Err(AppError::Conflict),
    };
    logic_model_item::Entity::delete_many()
        .filter(logic_model_item::Column::OrgId.eq(org_id))
        .filter(logic_model_item::Column::ModelId.eq(model_id))
        .exec(&*txn)
        .await?;
    logic_model_outcome::Entity::delete_many()
        .filter(logic_model_outcome::Column::OrgId.eq(org_id))
        .filter(logic_model_outcome::Column::ModelId.eq(model_id))
        .exec(&*txn)
        .await?;
    // Outcome ids are kept when the client sent back one this model had.
    let known: Vec<Uuid> =
        before.as_ref().map(|b| b.doc.outcomes.iter().filter_map(|o| o.id).collect()).unwrap_or_default();
    let mut saved = doc.clone();
    for o in &mut saved.outcomes {
        o.id = Some(o.id.filter(|id| known.contains(id)).unwrap_or_else(Uuid::new_v4));
    }
    write_parts(&txn, org_id, model_id, program_id, &saved, &mut Uuid::new_v4).await?;
    logic_model_revision::ActiveModel::from(logic_model_revision::Model {
        id: Uuid::new_v4(),
        org_id,
        model_id,
        program_id,
        version: new_version,
        saved_by: actor.staff_id,
        saved_at: now,
        snapshot: serde_json::to_string(&saved).map_err(|e| AppError::Internal(e.into()))?,
    })
    .insert(&*txn)
    .await?;
    let judged = |d: &ModelDoc| -> Vec<(OutcomeArea, Option<String>, Option<Target>)> {
        d.outcomes.iter().map(|o| (o.area, o.instrument_key.clone(), o.target)).collect()
    };
    let targets_changed = before.as_ref().map(|b| judged(&b.doc)) != Some(judged(&saved));
    if targets_changed {
        crate::outcomes::stamp::bump(&*txn, org_id, now).await?;
    }
    let changed: Vec<&str> = Part::ALL
        .iter()
        .filter(|p| before.as_ref().is_none_or(|b| part_differs(&b.doc, &saved, **p)))
        .map(|p| p.code())
        .collect();
    let entry = actor_entry(actor, if before.is_some() { "logic_models.update" } else { "logic_models.create" })
        .record("program", program_id)
        .detail(json!({ "version": new_version, "parts": changed, "targets_changed": targets_changed }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(new_version)
}

fn part_differs(a: &ModelDoc, b: &ModelDoc, part: Part) -> bool {
    match part {
        Part::Needs => a.needs != b.needs,
        Part::Inputs => a.inputs != b.inputs,
        Part::Activities => a.activities != b.activities,
        Part::Outputs => a.outputs != b.outputs,
        Part::Outcomes => {
            let strip =
                |d: &ModelDoc| d.outcomes.iter().map(|o| rules::Outcome { id: None, ..o.clone() }).collect::<Vec<_>>();
            strip(a) != strip(b)
        }
        Part::Impact => a.impacts != b.impacts,
    }
}

/// Writes a model's rows (its parts and outcomes); ids come from `next_id` where the model has none.
async fn write_parts(
    txn: &db::WriteTxn,
    org_id: Uuid,
    model_id: Uuid,
    program_id: Uuid,
    doc: &ModelDoc,
    next_id: &mut (dyn FnMut() -> Uuid + Send),
) -> Result<(), DbErr> {
    let mut item = |part: Part, position: usize, kind: Option<&str>, text: &str| logic_model_item::Model {
        id: next_id(),
        org_id,
        model_id,
        part: part.code().to_string(),
        position: position as i32,
        kind: kind.map(str::to_string),
        text: text.to_string(),
        evidence_title: None,
        evidence_date: None,
        evidence_link: None,
        planned: None,
    };
    let mut items = Vec::new();
    for (i, n) in doc.needs.iter().enumerate() {
        items.push(logic_model_item::Model {
            evidence_title: n.evidence_title.clone(),
            evidence_date: n.evidence_date.clone(),
            evidence_link: n.evidence_link.clone(),
            ..item(Part::Needs, i, n.evidence_kind.map(EvidenceKind::code), &n.text)
        });
    }
    for (i, x) in doc.inputs.iter().enumerate() {
        items.push(item(Part::Inputs, i, Some(x.kind.code()), &x.text));
    }
    for (i, x) in doc.activities.iter().enumerate() {
        items.push(item(Part::Activities, i, None, &x.text));
    }
    for (i, x) in doc.outputs.iter().enumerate() {
        items.push(logic_model_item::Model { planned: x.planned, ..item(Part::Outputs, i, Some(x.kind.code()), "") });
    }
    for (i, x) in doc.impacts.iter().enumerate() {
        items.push(item(Part::Impact, i, Some(x.level.code()), &x.text));
    }
    if !items.is_empty() {
        logic_model_item::Entity::insert_many(items.into_iter().map(logic_model_item::ActiveModel::from))
            .exec(&**txn)
            .await?;
    }
    let mut outcomes: Vec<logic_model_outcome::ActiveModel> = Vec::new();
    for (i, o) in doc.outcomes.iter().enumerate() {
        outcomes.push(logic_model_outcome::ActiveModel::from(logic_model_outcome::Model {
            id: o.id.unwrap_or_else(&mut *next_id),
            org_id,
            model_id,
            program_id,
            position: i as i32,
            statement: o.statement.clone(),
            area: o.area.code().to_string(),
            instrument_key: o.instrument_key.clone(),
            target_kind: o.target.map(|t| t.kind.code().to_string()),
            target_value: o.target.map(|t| t.value),
            target_share: o.target.and_then(|t| t.share),
            timeframe: o.timeframe.clone(),
        }));
    }
    if !outcomes.is_empty() {
        logic_model_outcome::Entity::insert_many(outcomes).exec(&**txn).await?;
    }
    Ok(())
}

/// The demo's model for a program: saved once (version 1) by `saved_by`, ids drawn from the demo's
/// random stream so the demo stays reproducible.
pub(crate) async fn insert_demo(
    txn: &db::WriteTxn,
    org_id: Uuid,
    program_id: Uuid,
    doc: &ModelDoc,
    saved_by: Uuid,
    now: OffsetDateTime,
    next_id: &mut (dyn FnMut() -> Uuid + Send),
) -> Result<(), DbErr> {
    let model_id = next_id();
    logic_model::ActiveModel::from(logic_model::Model {
        id: model_id,
        org_id,
        program_id,
        updated_by: Some(saved_by),
        version: 1,
        created_at: now,
        updated_at: now,
    })
    .insert(&**txn)
    .await?;
    let mut saved = doc.clone();
    for o in &mut saved.outcomes {
        o.id = Some(next_id());
    }
    write_parts(txn, org_id, model_id, program_id, &saved, next_id).await?;
    logic_model_revision::ActiveModel::from(logic_model_revision::Model {
        id: next_id(),
        org_id,
        model_id,
        program_id,
        version: 1,
        saved_by,
        saved_at: now,
        snapshot: serde_json::to_string(&saved).map_err(|e| DbErr::Custom(e.to_string()))?,
    })
    .insert(&**txn)
    .await?;
    Ok(())
}

// ---------- revisions ----------

/// One save in a model's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RevisionSummary {
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub saved_at: OffsetDateTime,
    pub saved_by: String,
}

/// A program's saves, newest first.
pub async fn revisions(
    state: &AppState,
    actor: &Actor,
    program_id: Uuid,
) -> AppResult<(ProgramSummary, Vec<RevisionSummary>)> {
    require(state, actor, Action::ViewOutcomeDesign, Some(program_id)).await?;
    let conn = state.db.conn();
    let program = program(state, actor.org_id, program_id).await?;
    let rows = logic_model_revision::Entity::find()
        .filter(logic_model_revision::Column::OrgId.eq(actor.org_id))
        .filter(logic_model_revision::Column::ProgramId.eq(program_id))
        .order_by_desc(logic_model_revision::Column::Version)
        .all(conn)
        .await?;
    let names = staff_names(conn, actor.org_id).await?;
    let out = rows.iter().map(|r| summary(r, &names)).collect();
    Ok((ProgramSummary::from(&program), out))
}

/// One earlier save of a program's model, whole.
pub async fn revision(
    state: &AppState,
    actor: &Actor,
    program_id: Uuid,
    version: i32,
) -> AppResult<(ProgramSummary, RevisionSummary, ModelDoc)> {
    require(state, actor, Action::ViewOutcomeDesign, Some(program_id)).await?;
    let conn = state.db.conn();
    let program = program(state, actor.org_id, program_id).await?;
    let row = logic_model_revision::Entity::find()
        .filter(logic_model_revision::Column::OrgId.eq(actor.org_id))
        .filter(logic_model_revision::Column::ProgramId.eq(program_id))
        .filter(logic_model_revision::Column::Version.eq(version))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let doc: ModelDoc = serde_json::from_str(&row.snapshot).map_err(|e| AppError::Internal(e.into()))?;
    let names = staff_names(conn, actor.org_id).await?;
    Ok((ProgramSummary::from(&program), summary(&row, &names), doc))
}

async fn staff_names(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<HashMap<Uuid, String>, DbErr> {
    Ok(staff::Entity::find()
        .filter(staff::Column::OrgId.eq(org_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect())
}

fn summary(r: &logic_model_revision::Model, names: &HashMap<Uuid, String>) -> RevisionSummary {
    RevisionSummary {
        version: r.version,
        saved_at: r.saved_at,
        saved_by: names.get(&r.saved_by).cloned().unwrap_or_default(),
    }
}
