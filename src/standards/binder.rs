//! The self-study and on-site evidence binder: one document, for a source and a period, that a
//! reviewer can read without the system. A cover; which standards apply, per program, with the
//! reasons where not; every standard with its suggested and latest self-rating, its elements'
//! evidence and a bar chart of their shares (Fundamental Practice standards flagged, their
//! shortfalls marked); the group schedule and curricula; the resource directory in numbers; the
//! staff qualification matrix; the logic models; the "you said, we did" log; and the index of
//! uploaded documents.
//!
//! The binder names no one the organisation serves: failing records are counted, not listed.
//! Listing them (record numbers and names) is a separate choice, for those who manage readiness
//! only, and is audited on its own (`readiness.binder.participant-data`). Every binder made is
//! audited (`readiness.binder.make`).
//!
//! [`build`] gathers everything into a [`Binder`] whose texts are already in the reader's
//! language; the HTML templates and the PDF ([`pdf`], behind the `pdf` feature) both draw it.

#[cfg(feature = "pdf")]
pub mod pdf;

use crate::access::{Action, Actor};
use crate::app::AppState;
use crate::audit::Entry;
use crate::db;
use crate::db::entities::person;
use crate::domain::community::Period;
use crate::domain::logic_models::ModelDoc;
use crate::domain::personnel::Standing as StaffStanding;
use crate::error::{AppError, AppResult};
use crate::groups::evidence as group_evidence;
use crate::i18n::Tr;
use crate::outcomes::charts::{self, Bar};
use crate::standards::applicability::{Applicability, NaReason};
use crate::standards::catalogue::Source;
use crate::standards::measures::{self, Failing, MeasureKey, MeasureResult, RecordKind, Scope};
use crate::standards::readiness::{self, Report, StandardReport};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use time::Date;
use uuid::Uuid;

/// How many failing records the binder lists per measure when participant data is included.
pub const FAILING_LISTED: usize = 25;

text_code!(
    /// What the binder is made as.
    Format { Html => "html", Pdf => "pdf" }
);

/// What to put in the binder.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    pub source: Source,
    pub period: Period,
    pub format: Format,
    /// List failing records by record number and name (managers of readiness only; audited).
    pub include_participant_data: bool,
    pub tr: Tr,
}

/// `YYYY-MM-DD..YYYY-MM-DD`, both days included.
pub fn parse_period(text: &str) -> Result<Period, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let Some((from, to)) = text.trim().split_once("..") else {
        return Err(format!("the period must be written FROM..TO, e.g. 2025-11-19..2026-11-18 (got {text:?})"));
    };
    let day = |s: &str| {
        Date::parse(s.trim(), &format).map_err(|_| format!("{:?} is not a date written YYYY-MM-DD", s.trim()))
    };
    let (from, to) = (day(from)?, day(to)?);
    if from > to {
        return Err(format!("the period starts ({from}) after it ends ({to})"));
    }
    Ok(Period { from, to })
}

// ---------- what the binder holds, in the reader's language ----------

#[derive(Clone, Debug, Serialize)]
pub struct Binder {
    pub lang: String,
    /// Headings and captions (`readiness-binder-*` without the prefix).
    pub labels: BTreeMap<String, String>,
    pub organisation: String,
    pub source: String,
    pub edition: String,
    pub period: String,
    pub generated: String,
    pub data_version: String,
    pub participant_data: bool,
    pub summary: Vec<(String, usize)>,
    pub at_risk: Vec<String>,
    pub programs: Vec<ProgramLine>,
    pub applicability: Vec<ApplicabilityLine>,
    pub standards: Vec<StandardSection>,
    pub groups: GroupsSection,
    pub directory: DirectorySection,
    pub staff: StaffSection,
    pub logic_models: Vec<LogicModelSection>,
    pub feedback: Vec<FeedbackLine>,
    pub documents: Vec<DocumentLine>,
}

impl Binder {
    /// A heading or caption by its id without the `readiness-binder-` prefix.
    pub fn l<'a>(&'a self, key: &'a str) -> &'a str {
        self.labels.get(key).map_or(key, String::as_str)
    }

    /// Every standard id the binder holds, applicable or not.
    pub fn standard_ids(&self) -> impl Iterator<Item = &str> {
        self.standards.iter().map(|s| s.id.as_str())
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ProgramLine {
    pub name: String,
    pub services: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ApplicabilityLine {
    pub id: String,
    pub title: String,
    pub is_section: bool,
    pub applies: bool,
    /// The reason it is NA for the organisation ("" when it applies).
    pub na: String,
    /// Per program: "" where it applies, else the reason.
    pub cells: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StandardSection {
    pub id: String,
    pub anchor: String,
    pub title: String,
    pub section: String,
    pub summary: String,
    pub fundamental: bool,
    pub applies: bool,
    pub na: String,
    pub suggested: Option<u8>,
    pub suggested_text: String,
    /// "2 — … (by …, on …)" or "—".
    pub self_rating: String,
    pub self_rating_note: String,
    /// Elements rated below full.
    pub shortfalls: Vec<String>,
    pub elements: Vec<ElementLine>,
    /// The element shares as a bar chart (SVG), when any element was measured.
    #[serde(skip)]
    pub chart: Option<String>,
    /// The chart's number in the PDF's files (`/chart-N.svg`).
    pub chart_index: Option<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ElementLine {
    pub id: String,
    pub text: String,
    pub applies: bool,
    pub na: String,
    pub standing: String,
    pub standing_code: String,
    pub share: String,
    pub shortfall: bool,
    pub measures: Vec<MeasureLine>,
    /// What else a reviewer looks at: "(kind) what".
    pub evidence: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MeasureLine {
    pub name: String,
    pub met: u64,
    pub total: u64,
    pub share: String,
    pub failing_count: u64,
    /// Only with participant data (or records that are not about people): "label — why".
    pub failing: Vec<String>,
    pub more: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct GroupsSection {
    pub from: String,
    pub to: String,
    /// (label, value) of the whole schedule.
    pub totals: Vec<(String, String)>,
    pub groups: Vec<GroupLine>,
    pub curricula: Vec<CurriculumLine>,
}

#[derive(Clone, Debug, Serialize)]
pub struct GroupLine {
    pub name: String,
    pub program: String,
    pub facilitators: String,
    pub curriculum: String,
    pub sessions: i64,
    pub held: i64,
    pub cancelled: i64,
    pub unrecorded: i64,
    pub average_attendance: String,
    pub logs_percent: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CurriculumLine {
    pub title: String,
    pub version: i32,
    pub status: String,
    pub audience: String,
    pub groups: String,
    /// "1. Topic".
    pub sessions: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct DirectorySection {
    pub listed: u64,
    pub complete: u64,
    pub complete_share: String,
    pub verified: u64,
    pub verified_share: String,
    pub verify_months: i32,
    /// (language, listed services offering it), most offered first.
    pub languages: Vec<(String, u64)>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct StaffSection {
    /// Shown only when the matrix could be read.
    pub shown: bool,
    pub columns: Vec<String>,
    pub rows: Vec<StaffLine>,
    pub column_gaps: Vec<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StaffLine {
    pub name: String,
    pub positions: String,
    pub cells: Vec<String>,
    pub gaps: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct LogicModelSection {
    pub program: String,
    pub standing: String,
    pub complete: bool,
    pub gaps: Vec<String>,
    /// (part heading, lines).
    pub parts: Vec<(String, Vec<String>)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FeedbackLine {
    pub published_on: String,
    pub program: String,
    pub you_said: String,
    pub we_did: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct DocumentLine {
    pub title: String,
    pub content_type: String,
    pub elements: String,
    pub uploaded_on: String,
    pub review_due: String,
    pub overdue: bool,
}

/// Every `readiness-binder-*` message the binder's layouts use, without the prefix.
const LABELS: &[&str] = &[
    "title",
    "cover-organisation",
    "cover-source",
    "cover-period",
    "cover-generated",
    "cover-data-version",
    "cover-participant-data",
    "cover-no-participant-data",
    "contents",
    "summary",
    "at-risk",
    "applicability",
    "applicability-hint",
    "standard",
    "organisation",
    "applies",
    "na",
    "standards",
    "fundamental",
    "shortfalls",
    "suggested",
    "self-rating",
    "element",
    "standing",
    "share",
    "measure",
    "met-total",
    "failing",
    "failing-counted",
    "evidence",
    "chart",
    "groups",
    "groups-hint",
    "group",
    "program",
    "facilitators",
    "curriculum",
    "sessions",
    "held",
    "cancelled",
    "unrecorded",
    "attendance",
    "logs",
    "curricula",
    "curriculum-version",
    "audience",
    "followed-by",
    "no-groups",
    "directory",
    "directory-listed",
    "directory-complete",
    "directory-verified",
    "directory-languages",
    "language",
    "services",
    "staff",
    "staff-hint",
    "staff-name",
    "staff-positions",
    "staff-gaps",
    "staff-not-shown",
    "logic-models",
    "logic-model-gaps",
    "no-logic-models",
    "feedback",
    "you-said",
    "we-did",
    "published",
    "no-feedback",
    "documents",
    "document",
    "content-type",
    "elements",
    "uploaded",
    "review-due",
    "overdue",
    "no-documents",
    "page",
];

fn labels(tr: &Tr) -> BTreeMap<String, String> {
    LABELS.iter().map(|k| (k.to_string(), tr.t(&format!("readiness-binder-{k}")))).collect()
}

fn percent(share: Option<f64>) -> String {
    share.map(|p| format!("{}%", (p * 10.0).round() / 10.0)).unwrap_or_else(|| "—".into())
}

fn na_text(tr: &Tr, a: &Applicability) -> String {
    a.reason.map(|r| tr.t(&r.message_id())).unwrap_or_default()
}

fn rating_text(tr: &Tr, r: Option<u8>) -> String {
    match r {
        Some(r) => tr.t(&format!("readiness-rating-{r}")),
        None => tr.t("readiness-rating-none"),
    }
}

/// "CSE 3.02.a" → "cse-3-02-a".
fn anchor(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

// ---------- making it ----------

/// Gathers the binder for the actor's organisation (audited). Those who view readiness may make
/// it; with participant data, only those who manage readiness.
pub async fn build(state: &AppState, actor: &Actor, req: &Request) -> AppResult<Binder> {
    readiness::require(state, actor, Action::ViewReadiness).await?;
    if req.include_participant_data {
        readiness::require(state, actor, Action::ManageReadiness).await?;
    }
    let conn = state.db.conn();
    let org = db::org::get(conn, actor.org_id).await?.ok_or(AppError::NotFound)?;
    let today = crate::outcomes::analytics::today(state, actor.org_id).await?;
    let report = readiness::report_for(conn, actor.org_id, req.source, req.period, today).await?;
    let tr = &req.tr;
    let names =
        if req.include_participant_data { person_names(conn, actor.org_id, &report).await? } else { HashMap::new() };
    let mut binder = Binder {
        lang: tr.lang.code().to_string(),
        labels: labels(tr),
        organisation: org.name.clone(),
        source: req.source.code().to_string(),
        edition: report.edition.clone(),
        period: format!("{} – {}", req.period.from, req.period.to),
        generated: today.to_string(),
        data_version: report.data_version.clone(),
        participant_data: req.include_participant_data,
        summary: summary(tr, &report),
        at_risk: report.summary.fundamental_at_risk.clone(),
        programs: report
            .programs
            .iter()
            .map(|p| ProgramLine {
                name: p.name.clone(),
                services: p.services.iter().map(|s| tr.t(&s.message_id())).collect::<Vec<_>>().join(", "),
            })
            .collect(),
        applicability: applicability(tr, &report),
        standards: standards(tr, &report, req.include_participant_data, &names),
        groups: GroupsSection::default(),
        directory: DirectorySection::default(),
        staff: StaffSection::default(),
        logic_models: Vec::new(),
        feedback: Vec::new(),
        documents: Vec::new(),
    };
    binder.groups = groups(state, actor, tr, &org.time_zone, req.period).await?;
    binder.directory = directory(conn, actor.org_id, req.period, today).await?;
    binder.staff = staff(state, actor, tr).await?;
    binder.logic_models = logic_models(conn, actor.org_id, tr).await?;
    binder.feedback = crate::voice::feedback::published_changes(conn, actor.org_id, None)
        .await?
        .into_iter()
        .map(|c| FeedbackLine {
            published_on: c.published_on.map(|d| d.to_string()).unwrap_or_default(),
            program: c.program_name.unwrap_or_else(|| tr.t("readiness-binder-whole-organisation")),
            you_said: c.you_said,
            we_did: c.we_did,
        })
        .collect();
    binder.documents = documents(conn, actor.org_id, today).await?;

    let detail = json!({
        "source": req.source.code(),
        "from": req.period.from.to_string(),
        "to": req.period.to.to_string(),
        "format": req.format.code(),
        "participant_data": req.include_participant_data,
    });
    let now = state.clock.now();
    if req.include_participant_data {
        let mut people = detail.clone();
        people["people_named"] = json!(names.len());
        db::audit::append_now(&state.db, entry(actor, "readiness.binder.participant-data").detail(people), now).await?;
    }
    db::audit::append_now(&state.db, entry(actor, "readiness.binder.make").detail(detail), now).await?;
    Ok(binder)
}

/// The command line acts as a nameless actor (nil staff id): its entries say so.
fn entry(actor: &Actor, action: &'static str) -> Entry {
    if actor.staff_id.is_nil() {
        let mut e = Entry::new(actor.org_id, action);
        e.actor_label = Some("command line".into());
        e
    } else {
        crate::web::actor_entry(actor, action)
    }
}

/// The actor the command line makes binders as: sees what a quality lead sees.
pub fn command_line_actor(org_id: Uuid) -> Actor {
    use crate::domain::codes::Role;
    Actor {
        staff_id: Uuid::nil(),
        org_id,
        display_name: "command line".into(),
        email: "command line".into(),
        roles: vec![Role::QualityLead, Role::ProgramDirector],
        supervisee_ids: Vec::new(),
        program_ids: Vec::new(),
        ip: None,
    }
}

fn summary(tr: &Tr, report: &Report) -> Vec<(String, usize)> {
    let sm = &report.summary;
    let mut counts =
        vec![(tr.t("readiness-count-applicable"), sm.applicable), (tr.t("readiness-count-na"), sm.not_applicable)];
    for (i, n) in sm.by_rating.iter().enumerate() {
        counts.push((rating_text(tr, Some(i as u8 + 1)), *n));
    }
    counts.push((tr.t("readiness-rating-none"), sm.unrated));
    counts
}

fn cells(tr: &Tr, programs: &[Uuid], a: &Applicability) -> Vec<String> {
    let reasons: HashMap<Uuid, NaReason> = a.excluded.iter().copied().collect();
    programs.iter().map(|p| reasons.get(p).map(|r| tr.t(&r.message_id())).unwrap_or_default()).collect()
}

fn applicability(tr: &Tr, report: &Report) -> Vec<ApplicabilityLine> {
    applicability_lines(tr, &report.programs, &report.sections)
}

/// Every section then its standards against every program, as the binder and the applicability
/// page both show them.
pub fn applicability_lines(
    tr: &Tr,
    programs: &[readiness::ProgramRow],
    sections: &[readiness::SectionReport],
) -> Vec<ApplicabilityLine> {
    let ids: Vec<Uuid> = programs.iter().map(|p| p.id).collect();
    let line = |id: &str, title: &str, is_section: bool, a: &Applicability| ApplicabilityLine {
        id: id.to_string(),
        title: title.to_string(),
        is_section,
        applies: a.applies,
        na: na_text(tr, a),
        cells: cells(tr, &ids, a),
    };
    let mut rows = Vec::new();
    for s in sections {
        rows.push(line(&s.id, &s.title, true, &s.applicability));
        rows.extend(s.standards.iter().map(|st| line(&st.id, &st.title, false, &st.applicability)));
    }
    rows
}

/// Legal names of the people the failing lists name, by id (only with participant data).
async fn person_names(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    report: &Report,
) -> Result<HashMap<Uuid, String>, sea_orm::DbErr> {
    let mut ids: Vec<Uuid> = report
        .measures
        .iter()
        .flat_map(|m| m.failing.iter().take(FAILING_LISTED))
        .filter(|f| f.kind == RecordKind::Person)
        .map(|f| f.id)
        .collect();
    ids.sort();
    ids.dedup();
    let mut names = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = person::Entity::find()
            .filter(person::Column::OrgId.eq(org_id))
            .filter(person::Column::Id.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        for p in rows {
            names.insert(p.id, format!("{} {}", p.legal_given_name, p.legal_family_name));
        }
    }
    Ok(names)
}

fn failing_line(tr: &Tr, f: &Failing, names: &HashMap<Uuid, String>) -> String {
    let why = crate::web::readiness::why_text(tr, f);
    match names.get(&f.id).filter(|_| f.kind == RecordKind::Person) {
        Some(name) => format!("{} · {name} — {why}", f.label),
        None => format!("{} — {why}", f.label),
    }
}

fn measure_line(tr: &Tr, r: &MeasureResult, listed: bool, names: &HashMap<Uuid, String>) -> MeasureLine {
    let failing: Vec<String> = if listed {
        r.failing.iter().take(FAILING_LISTED).map(|f| failing_line(tr, f, names)).collect()
    } else {
        Vec::new()
    };
    let failing_count = r.failing_count();
    let more = if listed && failing_count as usize > failing.len() {
        tr.with_args(
            "readiness-binder-failing-more",
            &[("shown", failing.len().to_string()), ("count", failing_count.to_string())],
        )
    } else {
        String::new()
    };
    MeasureLine {
        name: tr.t(&r.key.message_id()),
        met: r.met,
        total: r.total,
        share: percent(r.percent()),
        failing_count,
        failing,
        more,
    }
}

fn standards(tr: &Tr, report: &Report, listed: bool, names: &HashMap<Uuid, String>) -> Vec<StandardSection> {
    let by_key: HashMap<MeasureKey, &MeasureResult> = report.measures.iter().map(|r| (r.key, r)).collect();
    let mut out = Vec::new();
    for section in &report.sections {
        for st in &section.standards {
            out.push(standard_section(tr, &section.id, st, &by_key, listed, names));
        }
    }
    let mut next = 0;
    for s in &mut out {
        if s.chart.is_some() {
            s.chart_index = Some(next);
            next += 1;
        }
    }
    out
}

fn standard_section(
    tr: &Tr,
    section: &str,
    st: &StandardReport,
    by_key: &HashMap<MeasureKey, &MeasureResult>,
    listed: bool,
    names: &HashMap<Uuid, String>,
) -> StandardSection {
    let shortfalls: Vec<String> = st.shortfalls().map(|e| e.id.clone()).collect();
    let elements: Vec<ElementLine> = st
        .elements
        .iter()
        .map(|el| ElementLine {
            id: el.id.clone(),
            text: el.text.clone(),
            applies: el.applicability.applies,
            na: na_text(tr, &el.applicability),
            standing: if el.applicability.applies { tr.t(&el.standing.message_id()) } else { String::new() },
            standing_code: el.standing.code().to_string(),
            share: percent(el.share),
            shortfall: shortfalls.contains(&el.id),
            measures: if el.applicability.applies {
                el.measures
                    .iter()
                    .filter_map(|k| by_key.get(k))
                    // Records about people are listed only with participant data; others (staff,
                    // programs, resources) never name anyone served, but stay counts too by default.
                    .map(|r| measure_line(tr, r, listed, names))
                    .collect()
            } else {
                Vec::new()
            },
            evidence: el.evidence.iter().map(|e| format!("({}) {}", tr.t(&e.kind.message_id()), e.what)).collect(),
        })
        .collect();
    let measured: Vec<Bar> = elements
        .iter()
        .filter(|e| e.applies && !e.measures.is_empty())
        .map(|e| Bar { label: e.id.clone(), value: st.elements.iter().find(|x| x.id == e.id).and_then(|x| x.share) })
        .collect();
    let chart = (st.applicability.applies && measured.iter().any(|b| b.value.is_some())).then(|| {
        let title = tr.with_args("readiness-binder-chart-title", &[("standard", st.id.clone())]);
        charts::bar_chart(&format!("chart-{}", anchor(&st.id)), &title, &measured, &tr.t("standing-no-records"), "%")
    });
    let self_rating = match &st.self_rating {
        Some(r) => tr.with_args(
            "readiness-binder-self-rating-by",
            &[
                ("rating", rating_text(tr, Some(r.self_rating))),
                ("name", r.rated_by_name.clone()),
                ("date", r.rated_at.date().to_string()),
            ],
        ),
        None => "—".into(),
    };
    StandardSection {
        id: st.id.clone(),
        anchor: anchor(&st.id),
        title: st.title.clone(),
        section: section.to_string(),
        summary: st.summary.clone(),
        fundamental: st.fundamental,
        applies: st.applicability.applies,
        na: na_text(tr, &st.applicability),
        suggested: st.suggested,
        suggested_text: if st.applicability.applies { rating_text(tr, st.suggested) } else { tr.t("readiness-na") },
        self_rating,
        self_rating_note: st.self_rating.as_ref().and_then(|r| r.note.clone()).unwrap_or_default(),
        shortfalls,
        elements,
        chart,
        chart_index: None,
    }
}

async fn groups(state: &AppState, actor: &Actor, tr: &Tr, time_zone: &str, period: Period) -> AppResult<GroupsSection> {
    let filter = group_evidence::ScheduleFilter { from: period.from, to: period.to, program_id: None, group_id: None };
    let report = group_evidence::build(
        state.db.conn(),
        actor.org_id,
        time_zone,
        &group_evidence::Scope::All,
        &filter,
        state.clock.now(),
    )
    .await?;
    let t = &report.totals;
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_else(|| "—".into());
    let totals = vec![
        (tr.t("readiness-binder-sessions"), t.sessions.to_string()),
        (tr.t("readiness-binder-held"), t.held.to_string()),
        (tr.t("readiness-binder-cancelled"), t.cancelled.to_string()),
        (tr.t("readiness-binder-unrecorded"), t.unrecorded.to_string()),
        (tr.t("readiness-binder-attendance"), opt(t.average_attendance)),
        (tr.t("readiness-binder-logs"), t.logs_percent.map(|p| format!("{p}%")).unwrap_or_else(|| "—".into())),
    ];
    let groups = report
        .groups
        .iter()
        .map(|g| GroupLine {
            name: g.name.clone(),
            program: g.program.clone(),
            facilitators: g.facilitators.join(", "),
            curriculum: g.curriculum.clone().unwrap_or_default(),
            sessions: g.counts.sessions,
            held: g.counts.held,
            cancelled: g.counts.cancelled,
            unrecorded: g.counts.unrecorded,
            average_attendance: opt(g.counts.average_attendance),
            logs_percent: g.counts.logs_percent.map(|p| format!("{p}%")).unwrap_or_else(|| "—".into()),
        })
        .collect();
    let curricula = group_evidence::curricula(state, actor)
        .await?
        .into_iter()
        .map(|c| CurriculumLine {
            title: c.title,
            version: c.current_version,
            status: c.status,
            audience: c.audience.unwrap_or_default(),
            groups: c.groups.iter().map(|g| g.name.clone()).collect::<Vec<_>>().join(", "),
            sessions: c.sessions.iter().map(|s| format!("{}. {}", s.number, s.topic)).collect(),
        })
        .collect();
    Ok(GroupsSection { from: period.from.to_string(), to: period.to.to_string(), totals, groups, curricula })
}

async fn directory(
    conn: &sea_orm::DatabaseConnection,
    org_id: Uuid,
    period: Period,
    today: Date,
) -> AppResult<DirectorySection> {
    let scope = Scope { org_id, period, today };
    let complete = measures::run(conn, MeasureKey::ResourcesComplete, &scope).await?;
    let verified = measures::run(conn, MeasureKey::ResourcesVerified, &scope).await?;
    let verify_months = crate::directory::settings::load(conn, org_id).await?.verify_months;
    let backend = conn.get_database_backend();
    let p = |n: usize| if backend == sea_orm::DbBackend::Postgres { format!("${n}") } else { "?".into() };
    let sql = format!(
        "SELECT COALESCE(l.name, l.code) AS language, COUNT(DISTINCT s.id) AS services \
         FROM hsds_language l JOIN hsds_service s ON s.org_id = l.org_id AND s.id = l.service_id \
         WHERE l.org_id = {} AND (s.status IS NULL OR s.status NOT IN ('inactive', 'defunct')) \
         AND COALESCE(l.name, l.code) IS NOT NULL \
         GROUP BY COALESCE(l.name, l.code) ORDER BY services DESC, language",
        p(1)
    );
    let rows = conn.query_all_raw(Statement::from_sql_and_values(backend, sql, [org_id.into()])).await?;
    let mut languages = Vec::new();
    for row in rows {
        let name: String = row.try_get("", "language")?;
        let n: i64 = row.try_get("", "services")?;
        languages.push((name, u64::try_from(n).unwrap_or(0)));
    }
    Ok(DirectorySection {
        listed: complete.total,
        complete: complete.met,
        complete_share: percent(complete.percent()),
        verified: verified.met,
        verified_share: percent(verified.percent()),
        verify_months,
        languages,
    })
}

fn staff_cell(tr: &Tr, standing: Option<StaffStanding>) -> String {
    let dated = |id: &str, d: Option<Date>| match d {
        Some(d) => format!("{} {d}", tr.t(id)),
        None => tr.t(id),
    };
    match standing {
        None => String::new(),
        Some(StaffStanding::Met { on: Some(d) }) => d.to_string(),
        Some(StaffStanding::Met { on: None }) => tr.t("matrix-met"),
        Some(StaffStanding::Expiring { until }) => dated("matrix-expiring", until),
        Some(StaffStanding::Expired { since }) => dated("matrix-expired", since),
        Some(StaffStanding::Missing) => tr.t("matrix-missing"),
    }
}

async fn staff(state: &AppState, actor: &Actor, tr: &Tr) -> AppResult<StaffSection> {
    use crate::personnel::training::{MatrixFilter, matrix};
    let m = match matrix(state, actor, MatrixFilter::default()).await {
        Ok(m) => m,
        Err(AppError::Forbidden) => return Ok(StaffSection::default()),
        Err(other) => return Err(other),
    };
    Ok(StaffSection {
        shown: true,
        columns: m.columns.iter().map(|n| crate::web::training::need_label(tr, *n)).collect(),
        rows: m
            .rows
            .iter()
            .map(|r| StaffLine {
                name: r.name.clone(),
                positions: r.positions.iter().map(|p| tr.t(&p.message_id())).collect::<Vec<_>>().join(", "),
                cells: r.cells.iter().map(|c| staff_cell(tr, *c)).collect(),
                gaps: r.gaps,
            })
            .collect(),
        column_gaps: m.column_gaps,
    })
}

fn model_parts(tr: &Tr, doc: &ModelDoc) -> Vec<(String, Vec<String>)> {
    let part = |p: &str| tr.t(&format!("logic-models-part-{p}"));
    let mut parts = vec![
        (part("needs"), doc.needs.iter().map(|n| n.text.clone()).collect::<Vec<_>>()),
        (
            part("inputs"),
            doc.inputs
                .iter()
                .map(|i| format!("{}: {}", tr.t(&format!("logic-models-input-kind-{}", i.kind.code())), i.text))
                .collect(),
        ),
        (part("activities"), doc.activities.iter().map(|a| a.text.clone()).collect()),
        (
            part("outputs"),
            doc.outputs
                .iter()
                .map(|o| {
                    let kind = tr.t(&format!("logic-models-output-kind-{}", o.kind.code()));
                    match o.planned {
                        Some(n) => format!("{kind}: {n}"),
                        None => kind,
                    }
                })
                .collect(),
        ),
        (
            part("outcomes"),
            doc.outcomes.iter().map(|o| format!("{} ({})", o.statement, tr.t(&o.area.message_id()))).collect(),
        ),
        (
            part("impact"),
            doc.impacts
                .iter()
                .map(|i| format!("{}: {}", tr.t(&format!("logic-models-impact-level-{}", i.level.code())), i.text))
                .collect(),
        ),
    ];
    parts.retain(|(_, lines)| !lines.is_empty());
    parts
}

async fn logic_models(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    tr: &Tr,
) -> Result<Vec<LogicModelSection>, sea_orm::DbErr> {
    use crate::outcomes::logic_models::{load, validity};
    let mut out = Vec::new();
    for v in validity(conn, org_id).await?.into_iter().filter(|v| v.active) {
        let parts = match load(conn, org_id, v.program_id).await? {
            Some(stored) => model_parts(tr, &stored.doc),
            None => Vec::new(),
        };
        out.push(LogicModelSection {
            program: v.program_name.clone(),
            standing: tr.t(v.standing.message_id()),
            complete: v.complete(),
            gaps: v
                .gaps
                .iter()
                .map(|g| {
                    let args: Vec<(&str, String)> = g.args.iter().map(|(k, val)| (*k, val.clone())).collect();
                    tr.with_args(g.message_id, &args)
                })
                .collect(),
            parts,
        });
    }
    Ok(out)
}

/// The current (not retired) uploaded documents, judged overdue as of the binder's `today`.
async fn documents(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    today: Date,
) -> Result<Vec<DocumentLine>, sea_orm::DbErr> {
    Ok(crate::standards::documents::index_on(conn, org_id, today, false)
        .await?
        .into_iter()
        .map(|d| DocumentLine {
            title: d.title,
            content_type: d.content_type,
            elements: d.elements.iter().map(|e| e.element_id.as_str()).collect::<Vec<_>>().join(", "),
            uploaded_on: d.uploaded_on.to_string(),
            review_due: d.review_due.map(|d| d.to_string()).unwrap_or_default(),
            overdue: d.overdue,
        })
        .collect())
}

/// The binder made in the format asked for: (bytes, content type, file name).
pub fn render(binder: &Binder, format: Format) -> AppResult<(Vec<u8>, &'static str, String)> {
    let stem = format!("evidence-binder-{}-{}", binder.source, binder.generated);
    match format {
        Format::Html => {
            use askama::Template;
            let doc = crate::web::readiness::BinderDocument { b: binder, css: BINDER_CSS };
            let html = doc.render().map_err(|e| AppError::Internal(anyhow::anyhow!("binder template: {e}")))?;
            Ok((html.into_bytes(), "text/html; charset=utf-8", format!("{stem}.html")))
        }
        #[cfg(feature = "pdf")]
        Format::Pdf => Ok((pdf::render(binder)?, "application/pdf", format!("{stem}.pdf"))),
        #[cfg(not(feature = "pdf"))]
        Format::Pdf => Err(AppError::Invalid(crate::domain::FieldErrors::single("format", "readiness-binder-no-pdf"))),
    }
}

/// The binder's print stylesheet, linked by the page and inlined in the standalone document.
pub const BINDER_CSS: &str = include_str!("../../static/readiness-binder.css");

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_period_is_two_dates_joined_by_two_dots() {
        let p = parse_period("2025-11-19..2026-11-18").unwrap();
        assert_eq!((p.from, p.to), (date!(2025 - 11 - 19), date!(2026 - 11 - 18)));
        assert_eq!(parse_period(" 2026-01-01..2026-01-01 ").unwrap().from, date!(2026 - 01 - 01));
        assert!(parse_period("2026-11-18").unwrap_err().contains("FROM..TO"));
        assert!(parse_period("2026-11-18..tomorrow").unwrap_err().contains("not a date"));
        assert!(parse_period("2026-13-01..2026-12-01").unwrap_err().contains("not a date"));
        assert!(parse_period("2026-11-18..2025-11-19").unwrap_err().contains("after it ends"));
    }
}
