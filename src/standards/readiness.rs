//! The readiness report: for one source and period, which standards apply, the evidence each
//! applicable element has, the suggested rating per standard, and the self-ratings recorded beside
//! it; plus the organisation's readiness settings.

use crate::access::{self, Action, Actor, Reach};
use crate::app::AppState;
use crate::audit::Outcome as AuditOutcome;
use crate::db;
use crate::db::entities::{readiness_setting, staff, standard_rating};
use crate::domain::community::Period;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::standards::applicability::{self, Applicability, Profile};
use crate::standards::catalogue::{self, EvidenceKind, EvidenceNeed, Service, Source};
use crate::standards::measures::{self, MeasureKey, MeasureResult, Scope};
use crate::standards::rating::{self, ElementEvidence, Standing, Thresholds};
use crate::web::actor_entry;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// Refuses (and records the refusal) unless the actor may take `action`.
pub async fn require(state: &AppState, actor: &Actor, action: Action) -> AppResult<()> {
    if access::allows(actor, action, Reach::Outside) {
        return Ok(());
    }
    let entry = actor_entry(actor, "access.denied")
        .outcome(AuditOutcome::Denied)
        .detail(json!({ "action": format!("{action:?}") }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Err(AppError::Forbidden)
}

// ---------- settings ----------

/// The thresholds the suggestions use and the applicability facts not held elsewhere.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Settings {
    pub thresholds: Thresholds,
    /// Screening is done by another organisation under contract (makes CSE 3.01 NA).
    pub screening_contracted: bool,
    /// 0 while the defaults apply; send it back with a change.
    pub version: i32,
}

pub async fn settings(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Settings, DbErr> {
    Ok(readiness_setting::Entity::find_by_id(org_id).one(conn).await?.map_or_else(Settings::default, |row| Settings {
        thresholds: Thresholds {
            full: row.full_percent,
            minor: row.minor_percent,
            significant: row.significant_percent,
        },
        screening_contracted: row.screening_contracted,
        version: row.version,
    }))
}

/// The settings form as typed.
#[derive(Clone, Debug, Default, serde::Deserialize, Serialize, ToSchema)]
pub struct SettingsInput {
    pub full: String,
    pub minor: String,
    pub significant: String,
    #[serde(default)]
    pub screening_contracted: bool,
}

/// Saves the settings made against `version`; 409 when someone saved in between.
pub async fn update_settings(
    state: &AppState,
    actor: &Actor,
    version: i32,
    input: &SettingsInput,
) -> AppResult<Settings> {
    require(state, actor, Action::ManageReadiness).await?;
    let thresholds = Thresholds::parse(&input.full, &input.minor, &input.significant)?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let before = settings(&*txn, actor.org_id).await?;
    if before.version != version {
        return Err(AppError::Conflict);
    }
    let row = readiness_setting::Model {
        org_id: actor.org_id,
        full_percent: thresholds.full,
        minor_percent: thresholds.minor,
        significant_percent: thresholds.significant,
        screening_contracted: input.screening_contracted,
        updated_by: Some(actor.staff_id),
        version: version + 1,
        created_at: now,
        updated_at: now,
    };
    if version == 0 {
        readiness_setting::Entity::insert(readiness_setting::ActiveModel::from(row.clone()))
            .exec_without_returning(&*txn)
            .await
            .map_err(|e| match db::WriteError::from_db(e, "org_id") {
                db::WriteError::Duplicate { .. } => AppError::Conflict,
                other => other.into(),
            })?;
    } else {
        use sea_orm::ActiveValue::{NotSet, Set};
        let mut change = readiness_setting::ActiveModel::from(row.clone()).reset_all();
        change.created_at = NotSet;
        change.org_id = Set(actor.org_id);
        let result = readiness_setting::Entity::update_many()
            .set(change)
            .filter(readiness_setting::Column::OrgId.eq(actor.org_id))
            .filter(readiness_setting::Column::Version.eq(version))
            .exec(&*txn)
            .await?;
        if result.rows_affected == 0 {
            return Err(AppError::Conflict);
        }
    }
    let saved = Settings { thresholds, screening_contracted: input.screening_contracted, version: row.version };
    let entry = actor_entry(actor, "readiness.settings.update").detail(json!({
        "version": row.version,
        "before": { "thresholds": before.thresholds, "screening_contracted": before.screening_contracted },
        "after": { "thresholds": saved.thresholds, "screening_contracted": saved.screening_contracted },
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(saved)
}

// ---------- the report ----------

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Report {
    pub source: Source,
    pub edition: String,
    pub data_version: String,
    pub period_from: Date,
    pub period_to: Date,
    pub thresholds: Thresholds,
    pub screening_contracted: bool,
    /// The active programs applicability was worked out from.
    pub programs: Vec<ProgramRow>,
    pub sections: Vec<SectionReport>,
    /// Every measure an applicable element names, in catalogue order.
    pub measures: Vec<MeasureResult>,
    pub summary: Summary,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProgramRow {
    pub id: Uuid,
    pub name: String,
    pub services: Vec<Service>,
    pub occasional_only: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SectionReport {
    pub id: String,
    pub title: String,
    pub service: Service,
    pub applicability: Applicability,
    pub standards: Vec<StandardReport>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StandardReport {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub fundamental: bool,
    pub applicability: Applicability,
    /// 1–4; `None` when NA or nothing could be rated from the records.
    pub suggested: Option<u8>,
    /// The latest self-rating recorded for this standard (any period).
    pub self_rating: Option<RatingView>,
    pub elements: Vec<ElementReport>,
}

impl StandardReport {
    /// Elements rated below full.
    pub fn shortfalls(&self) -> impl Iterator<Item = &ElementReport> {
        self.elements.iter().filter(|e| e.applicability.applies && e.standing.rating().is_some_and(|r| r > 1))
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ElementReport {
    pub id: String,
    pub text: String,
    pub concept: String,
    pub items: Vec<String>,
    pub applicability: Applicability,
    pub evidence: Vec<EvidenceNeed>,
    pub measures: Vec<MeasureKey>,
    pub standing: Standing,
    /// The share the standing was judged on (the element's weakest measure), percent.
    pub share: Option<f64>,
    /// Equivalent elements in the other sources, by source code.
    pub crosswalk: BTreeMap<String, Vec<String>>,
}

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct Summary {
    pub applicable: usize,
    pub not_applicable: usize,
    /// Applicable standards by suggested rating 1–4 (index 0 is rating 1).
    pub by_rating: [usize; 4],
    /// Applicable standards nothing could be rated on yet.
    pub unrated: usize,
    /// Fundamental Practice standards suggested at 3 or 4.
    pub fundamental_at_risk: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct RatingView {
    pub id: Uuid,
    pub source: Source,
    pub standard_id: String,
    pub period_from: Date,
    pub period_to: Date,
    pub suggested: Option<u8>,
    pub self_rating: u8,
    pub note: Option<String>,
    pub rated_by: Uuid,
    pub rated_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub rated_at: OffsetDateTime,
}

/// The report for the actor's organisation; reading it is audited (failing lists name records).
pub async fn report(state: &AppState, actor: &Actor, source: Source, period: Period) -> AppResult<Report> {
    require(state, actor, Action::ViewReadiness).await?;
    let today = crate::outcomes::analytics::today(state, actor.org_id).await?;
    let out = report_for(state.db.conn(), actor.org_id, source, period, today).await?;
    let entry = actor_entry(actor, "readiness.evidence.view").detail(json!({
        "source": source.code(),
        "from": period.from.to_string(),
        "to": period.to.to_string(),
    }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(out)
}

/// The report without access checks: for the command line and benchmarks.
pub async fn report_for(
    conn: &DatabaseConnection,
    org_id: Uuid,
    source: Source,
    period: Period,
    today: Date,
) -> Result<Report, DbErr> {
    let edition = catalogue::edition(source);
    let settings = settings(conn, org_id).await?;
    let programs = db::org::programs(conn, org_id).await?;
    let profile = Profile::new(&programs, settings.screening_contracted);
    let mut sections = applicable_structure(&profile, source);
    let keys = measure_keys(&sections);
    let scope = Scope { org_id, period, today };
    let results = measures::run_all(conn, &keys, &scope).await?;
    let by_key: HashMap<MeasureKey, &MeasureResult> = results.iter().map(|r| (r.key, r)).collect();
    let latest = latest_ratings(conn, org_id, source).await?;
    let documents = crate::standards::documents::element_counts(conn, org_id, source, today).await?;
    for section in &mut sections {
        for standard in &mut section.standards {
            rate(standard, &by_key, &documents, &settings.thresholds);
            standard.self_rating = latest.get(&standard.id).cloned();
        }
    }
    let summary = summarise(&sections);
    Ok(Report {
        source,
        edition: edition.name.clone(),
        data_version: edition.data_version.clone(),
        period_from: period.from,
        period_to: period.to,
        thresholds: settings.thresholds,
        screening_contracted: settings.screening_contracted,
        programs: profile.programs.iter().map(program_row).collect(),
        sections,
        measures: results,
        summary,
    })
}

/// Which standards apply, per program, without reading any evidence.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ApplicabilityReport {
    pub source: Source,
    pub edition: String,
    pub screening_contracted: bool,
    pub programs: Vec<ProgramRow>,
    /// Sections, standards and elements with their applicability (no standings).
    pub sections: Vec<SectionReport>,
}

pub async fn applicability(state: &AppState, actor: &Actor, source: Source) -> AppResult<ApplicabilityReport> {
    require(state, actor, Action::ViewReadiness).await?;
    let conn = state.db.conn();
    let settings = settings(conn, actor.org_id).await?;
    let programs = db::org::programs(conn, actor.org_id).await?;
    let profile = Profile::new(&programs, settings.screening_contracted);
    Ok(ApplicabilityReport {
        source,
        edition: catalogue::edition(source).name.clone(),
        screening_contracted: settings.screening_contracted,
        programs: profile.programs.iter().map(program_row).collect(),
        sections: applicable_structure(&profile, source),
    })
}

/// One measure over a period, with its failing records; audited like the report.
pub async fn measure(state: &AppState, actor: &Actor, key: MeasureKey, period: Period) -> AppResult<MeasureResult> {
    require(state, actor, Action::ViewReadiness).await?;
    let today = crate::outcomes::analytics::today(state, actor.org_id).await?;
    let scope = Scope { org_id: actor.org_id, period, today };
    let result = measures::run(state.db.conn(), key, &scope).await?;
    let entry = actor_entry(actor, "readiness.measure.view").detail(json!({
        "measure": key.code(),
        "from": period.from.to_string(),
        "to": period.to.to_string(),
        "failing_shown": result.failing.len(),
    }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(result)
}

fn program_row(p: &applicability::ProgramProfile) -> ProgramRow {
    let services = [
        (p.individual, Service::Individual),
        (p.groups, Service::Groups),
        (p.referral, Service::Referral),
        (p.peer, Service::Peer),
    ]
    .into_iter()
    .filter_map(|(on, s)| on.then_some(s))
    .collect();
    ProgramRow { id: p.id, name: p.name.clone(), services, occasional_only: p.occasional }
}

/// The edition with applicability worked out, before any evidence is read.
fn applicable_structure(profile: &Profile, source: Source) -> Vec<SectionReport> {
    let edition = catalogue::edition(source);
    edition
        .sections
        .iter()
        .map(|section| SectionReport {
            id: section.id.clone(),
            title: section.title.clone(),
            service: section.service,
            applicability: applicability::section(profile, source, section),
            standards: section
                .standards
                .iter()
                .map(|st| StandardReport {
                    id: st.id.clone(),
                    title: st.title.clone(),
                    summary: st.summary.clone(),
                    fundamental: st.fundamental,
                    applicability: applicability::standard(profile, source, section, st),
                    suggested: None,
                    self_rating: None,
                    elements: st
                        .elements
                        .iter()
                        .map(|el| ElementReport {
                            id: el.id.clone(),
                            text: el.text.clone(),
                            concept: el.concept.clone(),
                            items: el.items.clone(),
                            applicability: applicability::element(profile, source, section, st, el),
                            evidence: el.evidence.clone(),
                            measures: el.measures.clone(),
                            standing: Standing::ReviewerJudges,
                            share: None,
                            crosswalk: catalogue::crosswalk(el)
                                .into_iter()
                                .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

/// The measures applicable elements name, each once, in catalogue order.
fn measure_keys(sections: &[SectionReport]) -> Vec<MeasureKey> {
    let mut keys = Vec::new();
    for el in sections.iter().flat_map(|s| &s.standards).flat_map(|st| &st.elements) {
        if el.applicability.applies {
            for key in &el.measures {
                if !keys.contains(key) {
                    keys.push(*key);
                }
            }
        }
    }
    keys
}

/// Per element id: documents attached that are current and that are past their review
/// (`documents::element_counts`).
pub type DocumentCounts = HashMap<String, (usize, usize)>;

/// What the rating rule sees of an element's evidence: its measures' shares, else the documents
/// attached to it when a document shows it, else nothing but an on-site activity.
pub fn element_evidence(
    el: &ElementReport,
    by_key: &HashMap<MeasureKey, &MeasureResult>,
    documents: &DocumentCounts,
) -> ElementEvidence {
    if !el.measures.is_empty() {
        return ElementEvidence::Measured(
            el.measures.iter().map(|k| by_key.get(k).and_then(|r| r.percent())).collect(),
        );
    }
    let documented =
        el.evidence.iter().any(|e| matches!(e.kind, EvidenceKind::SelfStudy | EvidenceKind::OnSiteDocument));
    if !documented {
        return ElementEvidence::OnSite;
    }
    let (current, overdue) = documents.get(&el.id).copied().unwrap_or((0, 0));
    ElementEvidence::Documents { current, overdue }
}

fn rate(
    standard: &mut StandardReport,
    by_key: &HashMap<MeasureKey, &MeasureResult>,
    documents: &DocumentCounts,
    t: &Thresholds,
) {
    if !standard.applicability.applies {
        return;
    }
    let mut standings = Vec::new();
    for el in &mut standard.elements {
        if !el.applicability.applies {
            continue;
        }
        let (standing, share) = rating::element_standing(&element_evidence(el, by_key, documents), t);
        el.standing = standing;
        el.share = share;
        standings.push(standing);
    }
    standard.suggested = rating::suggest(&standings);
}

fn summarise(sections: &[SectionReport]) -> Summary {
    let mut s = Summary::default();
    for st in sections.iter().flat_map(|s| &s.standards) {
        if !st.applicability.applies {
            s.not_applicable += 1;
            continue;
        }
        s.applicable += 1;
        match st.suggested {
            Some(r) => s.by_rating[usize::from(r.clamp(1, 4)) - 1] += 1,
            None => s.unrated += 1,
        }
        if st.fundamental && st.suggested.is_some_and(|r| r >= 3) {
            s.fundamental_at_risk.push(st.id.clone());
        }
    }
    s
}

// ---------- self-ratings ----------

/// A self-rating as typed.
#[derive(Clone, Debug, Default, serde::Deserialize, ToSchema)]
pub struct RatingInput {
    pub standard_id: String,
    /// 1–4.
    pub self_rating: String,
    #[serde(default)]
    pub note: Option<String>,
    /// The period the rating was made on (default: the last twelve months).
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

const NOTE_MAX: usize = 4000;

/// Records a self-rating beside the suggestion for the same period; ratings are never changed,
/// so the history shows how the organisation's own view moved.
pub async fn record_rating(
    state: &AppState,
    actor: &Actor,
    source: Source,
    input: &RatingInput,
) -> AppResult<RatingView> {
    require(state, actor, Action::ManageReadiness).await?;
    let today = crate::outcomes::analytics::today(state, actor.org_id).await?;
    let mut errors = FieldErrors::new();
    let standard = catalogue::edition(source).standard(input.standard_id.trim()).map(|(_, st)| st.id.clone());
    if standard.is_none() {
        errors.add("standard_id", "readiness-error-unknown-standard");
    }
    let self_rating = match input.self_rating.trim().parse::<u8>() {
        Ok(r @ 1..=4) => Some(r),
        _ => {
            errors.add("self_rating", "readiness-error-rating");
            None
        }
    };
    let note = errors.optional("note", input.note.as_deref(), NOTE_MAX);
    let period = match Period::parse(input.from.as_deref(), input.to.as_deref(), today) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let (Some(standard_id), Some(self_rating), Some(period)) = (standard, self_rating, period) else {
        return Err(AppError::Invalid(errors));
    };
    errors.finish(())?;
    let report = report_for(state.db.conn(), actor.org_id, source, period, today).await?;
    let found = report.sections.iter().flat_map(|s| &s.standards).find(|st| st.id == standard_id);
    let Some(found) = found.filter(|st| st.applicability.applies) else {
        return Err(AppError::Invalid(FieldErrors::single("standard_id", "readiness-error-not-applicable")));
    };
    let now = state.clock.now();
    let row = standard_rating::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        source: source.code().into(),
        standard_id: standard_id.clone(),
        period_from: period.from,
        period_to: period.to,
        suggested: found.suggested.map(i32::from),
        self_rating: i32::from(self_rating),
        note,
        rated_by: actor.staff_id,
        rated_at: now,
    };
    let txn = state.db.begin_write().await?;
    standard_rating::Entity::insert(standard_rating::ActiveModel::from(row.clone()))
        .exec_without_returning(&*txn)
        .await?;
    let entry = actor_entry(actor, "readiness.rating.record").record("standard_rating", row.id).detail(json!({
        "source": source.code(),
        "standard": standard_id,
        "suggested": row.suggested,
        "self_rating": row.self_rating,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    let names = staff_names(state.db.conn(), actor.org_id).await?;
    Ok(view(row, &names))
}

/// Every self-rating of a source, newest first; of one standard when given.
pub async fn history(
    state: &AppState,
    actor: &Actor,
    source: Source,
    standard_id: Option<&str>,
) -> AppResult<Vec<RatingView>> {
    require(state, actor, Action::ViewReadiness).await?;
    let conn = state.db.conn();
    let mut q = standard_rating::Entity::find()
        .filter(standard_rating::Column::OrgId.eq(actor.org_id))
        .filter(standard_rating::Column::Source.eq(source.code()));
    if let Some(id) = standard_id {
        q = q.filter(standard_rating::Column::StandardId.eq(id));
    }
    let rows = q.order_by_desc(standard_rating::Column::RatedAt).all(conn).await?;
    let names = staff_names(conn, actor.org_id).await?;
    Ok(rows.into_iter().map(|r| view(r, &names)).collect())
}

async fn latest_ratings(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    source: Source,
) -> Result<HashMap<String, RatingView>, DbErr> {
    let rows = standard_rating::Entity::find()
        .filter(standard_rating::Column::OrgId.eq(org_id))
        .filter(standard_rating::Column::Source.eq(source.code()))
        .order_by_desc(standard_rating::Column::RatedAt)
        .all(conn)
        .await?;
    let names = staff_names(conn, org_id).await?;
    let mut out = HashMap::new();
    for row in rows {
        out.entry(row.standard_id.clone()).or_insert_with(|| view(row, &names));
    }
    Ok(out)
}

async fn staff_names(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<HashMap<Uuid, String>, DbErr> {
    let rows = staff::Entity::find().filter(staff::Column::OrgId.eq(org_id)).all(conn).await?;
    Ok(rows.into_iter().map(|s| (s.id, s.display_name)).collect())
}

fn view(row: standard_rating::Model, names: &HashMap<Uuid, String>) -> RatingView {
    RatingView {
        id: row.id,
        source: Source::parse(&row.source).unwrap_or(Source::Cse2024),
        standard_id: row.standard_id,
        period_from: row.period_from,
        period_to: row.period_to,
        suggested: row.suggested.and_then(|s| u8::try_from(s).ok()),
        self_rating: u8::try_from(row.self_rating).unwrap_or(4),
        note: row.note,
        rated_by: row.rated_by,
        rated_by_name: names.get(&row.rated_by).cloned().unwrap_or_default(),
        rated_at: row.rated_at,
    }
}
