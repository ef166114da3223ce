//! Accreditation readiness pages: the overview of every standard with its suggested and recorded
//! rating (Fundamental Practice first), one standard with the evidence per element, the failing
//! records and the self-rating form with its history, a measure's full failing list, the
//! applicability table, and the readiness settings.

use super::intake::Values;
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::access::{Action, Reach, allows};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::codes::Edition;
use crate::domain::community::Period;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::standards::applicability::Applicability;
use crate::standards::binder::{self, Binder, Format, Request as BinderRequest};
use crate::standards::catalogue::{self, Source};
use crate::standards::measures::{Failing, MeasureKey, MeasureResult};
use crate::standards::readiness::{self, RatingInput, RatingView, Report, SettingsInput, StandardReport};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/readiness", get(overview_page))
        .route("/readiness/standard", get(standard_page).post(record_rating))
        .route("/readiness/measure", get(measure_page))
        .route("/readiness/applicability", get(applicability_page))
        .route("/readiness/settings", get(settings_page).post(save_settings))
        .route("/readiness/binder", get(binder_page))
        .route("/readiness/binder.pdf", get(binder_pdf))
        .route("/readiness/binder.html", get(binder_html))
        .route("/readiness/binder.css", get(binder_css))
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReadinessQuery {
    pub source: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// A standard's id ("CSE 3.02").
    pub id: Option<String>,
    /// A measure's key.
    pub key: Option<String>,
}

/// The source and period a page shows: the organisation's own edition and the last twelve months
/// unless the query says otherwise.
struct Chosen {
    source: Source,
    period: Period,
    errors: FieldErrors,
}

fn chosen(ctx: &Ctx, q: &ReadinessQuery) -> Chosen {
    let own = catalogue::source_of(Edition::parse(&ctx.org.edition).unwrap_or(Edition::Cse2024));
    let mut errors = FieldErrors::new();
    let source = errors.optional_code("source", q.source.as_deref(), Source::parse).unwrap_or(own);
    let today = ctx.today();
    let period = Period::parse(q.from.as_deref(), q.to.as_deref(), today).unwrap_or_else(|e| {
        errors.0.extend(e.0);
        Period::last_year(today)
    });
    Chosen { source, period, errors }
}

fn query_string(source: Source, period: &Period) -> String {
    format!("source={}&from={}&to={}", source.code(), period.from, period.to)
}

pub fn standard_link(source: Source, period: &Period, id: &str) -> String {
    format!("/readiness/standard?{}&id={}", query_string(source, period), urlencoding(id))
}

fn urlencoding(s: &str) -> String {
    s.replace('%', "%25").replace(' ', "%20").replace('&', "%26").replace('+', "%2B")
}

/// "CSE 3.02.a" → "cse-3-02-a", for fragment links.
fn anchor(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

fn percent(share: Option<f64>) -> String {
    share.map(|p| format!("{}%", (p * 10.0).round() / 10.0)).unwrap_or_else(|| "—".into())
}

/// "Not applicable: every program only gives information and referral".
fn na_text(tr: &Tr, a: &Applicability) -> String {
    a.reason.map(|r| tr.t(&r.message_id())).unwrap_or_default()
}

fn rating_text(tr: &Tr, r: Option<u8>) -> String {
    match r {
        Some(r) => tr.t(&format!("readiness-rating-{r}")),
        None => tr.t("readiness-rating-none"),
    }
}

pub fn why_text(tr: &Tr, f: &Failing) -> String {
    let args: Vec<(&str, String)> = f.why_args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    tr.with_args(&f.why, &args)
}

fn source_options(tr: &Tr, chosen: Source) -> Vec<(String, String, bool)> {
    Source::ALL.iter().map(|s| (s.code().to_string(), tr.t(&s.message_id()), *s == chosen)).collect()
}

fn values_of(source: Source, period: &Period) -> Values {
    let mut v = HashMap::new();
    v.insert("source".into(), source.code().into());
    v.insert("from".into(), period.from.to_string());
    v.insert("to".into(), period.to.to_string());
    Values(v)
}

// ---------- overview ----------

pub struct StandardRow {
    pub id: String,
    pub title: String,
    pub link: String,
    pub fundamental: bool,
    pub applies: bool,
    pub na: String,
    pub suggested: Option<u8>,
    pub suggested_text: String,
    pub self_text: String,
    pub shortfalls: usize,
}

pub struct SectionRow {
    pub id: String,
    pub anchor: String,
    pub title: String,
    pub applies: bool,
    pub na: String,
    pub standards: Vec<StandardRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "readiness/index.html")]
pub struct OverviewPage {
    pub shell: Shell,
    pub values: Values,
    pub errors: FormErrors,
    pub sources: Vec<(String, String, bool)>,
    pub edition: String,
    pub period: String,
    pub query: String,
    pub fundamental: Vec<StandardRow>,
    pub sections: Vec<SectionRow>,
    pub counts: Vec<(String, usize)>,
    pub at_risk: Vec<String>,
    pub may_manage: bool,
}

fn standard_row(tr: &Tr, source: Source, period: &Period, st: &StandardReport) -> StandardRow {
    StandardRow {
        id: st.id.clone(),
        title: st.title.clone(),
        link: standard_link(source, period, &st.id),
        fundamental: st.fundamental,
        applies: st.applicability.applies,
        na: na_text(tr, &st.applicability),
        suggested: st.suggested,
        suggested_text: rating_text(tr, st.suggested),
        self_text: st.self_rating.as_ref().map(|r| rating_text(tr, Some(r.self_rating))).unwrap_or_else(|| "—".into()),
        shortfalls: st.shortfalls().count(),
    }
}

pub async fn overview_page(ctx: Ctx, Query(q): Query<ReadinessQuery>) -> AppResult<Response> {
    let c = chosen(&ctx, &q);
    let report = readiness::report(&ctx.state, &ctx.actor, c.source, c.period).await?;
    let tr = &ctx.tr;
    let rows = |st: &StandardReport| standard_row(tr, c.source, &c.period, st);
    let fundamental = report.sections.iter().flat_map(|s| &s.standards).filter(|st| st.fundamental).map(rows).collect();
    let sections = report
        .sections
        .iter()
        .map(|s| SectionRow {
            id: s.id.clone(),
            anchor: anchor(&s.id),
            title: s.title.clone(),
            applies: s.applicability.applies,
            na: na_text(tr, &s.applicability),
            standards: s.standards.iter().map(rows).collect(),
        })
        .collect();
    let sm = &report.summary;
    let mut counts =
        vec![(tr.t("readiness-count-applicable"), sm.applicable), (tr.t("readiness-count-na"), sm.not_applicable)];
    for (i, n) in sm.by_rating.iter().enumerate() {
        counts.push((rating_text(tr, Some(i as u8 + 1)), *n));
    }
    counts.push((tr.t("readiness-rating-none"), sm.unrated));
    let page = OverviewPage {
        shell: ctx.shell().await?,
        values: values_of(c.source, &c.period),
        errors: FormErrors::new(tr, &c.errors),
        sources: source_options(tr, c.source),
        edition: report.edition.clone(),
        period: format!("{} – {}", c.period.from, c.period.to),
        query: query_string(c.source, &c.period),
        fundamental,
        sections,
        counts,
        at_risk: sm.fundamental_at_risk.clone(),
        may_manage: allows(&ctx.actor, Action::ManageReadiness, Reach::Outside),
    };
    Ok(page.into_response())
}

// ---------- one standard ----------

pub struct FailingRow {
    pub label: String,
    pub link: String,
    pub why: String,
}

pub struct MeasureRow {
    pub key: String,
    pub name: String,
    pub met: u64,
    pub total: u64,
    pub share: String,
    pub failing_count: u64,
    pub failing: Vec<FailingRow>,
    pub more_link: Option<String>,
}

pub struct ElementRow {
    pub id: String,
    pub anchor: String,
    pub text: String,
    pub items: Vec<String>,
    pub applies: bool,
    pub na: String,
    pub standing: String,
    pub standing_class: String,
    pub share: String,
    pub measures: Vec<MeasureRow>,
    /// (kind, what) of the evidence a reviewer looks at.
    pub evidence: Vec<(String, String)>,
    /// "CA-CSE 2022: CA-CSE 3.02.a".
    pub crosswalk: Vec<String>,
    /// Documents attached to the element: (link, title, "review by" text, overdue).
    pub documents: Vec<(String, String, String, bool)>,
    /// Where to upload a document for it, when a document can show it and the reader may upload.
    pub attach_link: Option<String>,
}

pub struct HistoryRow {
    pub rated_at: String,
    pub by: String,
    pub period: String,
    pub suggested: String,
    pub self_rating: String,
    pub note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "readiness/standard.html")]
pub struct StandardPage {
    pub shell: Shell,
    pub back: String,
    pub source_name: String,
    pub period: String,
    pub id: String,
    pub title: String,
    pub summary: String,
    pub fundamental: bool,
    pub applies: bool,
    pub na: String,
    pub suggested: Option<u8>,
    pub suggested_text: String,
    pub explanation: Vec<String>,
    pub elements: Vec<ElementRow>,
    pub history: Vec<HistoryRow>,
    pub may_manage: bool,
    pub action: String,
    pub values: Values,
    pub errors: FormErrors,
}

/// How many failing records the standard page lists per measure; the measure page lists the rest.
const FAILING_ON_STANDARD_PAGE: usize = 10;

fn measure_row(tr: &Tr, source: Source, period: &Period, r: &MeasureResult) -> MeasureRow {
    let failing_count = r.failing_count();
    let failing = r
        .failing
        .iter()
        .take(FAILING_ON_STANDARD_PAGE)
        .map(|f| FailingRow { label: f.label.clone(), link: f.link.clone(), why: why_text(tr, f) })
        .collect();
    let more = failing_count as usize > FAILING_ON_STANDARD_PAGE;
    MeasureRow {
        key: r.key.code().into(),
        name: tr.t(&r.key.message_id()),
        met: r.met,
        total: r.total,
        share: percent(r.percent()),
        failing_count,
        failing,
        more_link: more.then(|| format!("/readiness/measure?{}&key={}", query_string(source, period), r.key.code())),
    }
}

fn explanation(tr: &Tr, st: &StandardReport) -> Vec<String> {
    let mut out = Vec::new();
    if !st.applicability.applies {
        return out;
    }
    for el in &st.elements {
        if !el.applicability.applies {
            continue;
        }
        let standing = tr.t(&el.standing.message_id());
        let line = match el.share {
            Some(share) => tr.with_args(
                "readiness-explain-measured",
                &[("element", el.id.clone()), ("standing", standing), ("share", percent(Some(share)))],
            ),
            None => tr.with_args("readiness-explain-other", &[("element", el.id.clone()), ("standing", standing)]),
        };
        out.push(line);
    }
    out
}

fn history_rows(tr: &Tr, history: &[RatingView]) -> Vec<HistoryRow> {
    history
        .iter()
        .map(|h| HistoryRow {
            rated_at: h.rated_at.date().to_string(),
            by: h.rated_by_name.clone(),
            period: format!("{} – {}", h.period_from, h.period_to),
            suggested: rating_text(tr, h.suggested),
            self_rating: rating_text(tr, Some(h.self_rating)),
            note: h.note.clone().unwrap_or_default(),
        })
        .collect()
}

async fn render_standard(
    ctx: &Ctx,
    c: &Chosen,
    id: &str,
    values: Values,
    errors: &FieldErrors,
) -> AppResult<StandardPage> {
    let report = readiness::report(&ctx.state, &ctx.actor, c.source, c.period).await?;
    let st = report.sections.iter().flat_map(|s| &s.standards).find(|st| st.id == id).ok_or(AppError::NotFound)?;
    let history = readiness::history(&ctx.state, &ctx.actor, c.source, Some(id)).await?;
    standard_view(ctx, c, &report, st, &history, values, errors).await
}

async fn standard_view(
    ctx: &Ctx,
    c: &Chosen,
    report: &Report,
    st: &StandardReport,
    history: &[RatingView],
    values: Values,
    errors: &FieldErrors,
) -> AppResult<StandardPage> {
    let tr = &ctx.tr;
    let by_key: HashMap<MeasureKey, &MeasureResult> = report.measures.iter().map(|r| (r.key, r)).collect();
    let ids: Vec<String> = st.elements.iter().map(|el| el.id.clone()).collect();
    let mut attached =
        crate::standards::documents::attached_to(ctx.state.db.conn(), ctx.actor.org_id, c.source, &ids, ctx.today())
            .await?;
    let may_manage = allows(&ctx.actor, Action::ManageReadiness, Reach::Outside);
    let elements = st
        .elements
        .iter()
        .map(|el| ElementRow {
            documents: attached
                .remove(&el.id)
                .unwrap_or_default()
                .into_iter()
                .map(|d| {
                    let due = d.review_due.map(|d| tr.t1("readiness-doc-review-by", "date", d)).unwrap_or_default();
                    (format!("/readiness/documents/{}", d.id), d.title, due, d.overdue)
                })
                .collect(),
            attach_link: (may_manage
                && el.measures.is_empty()
                && el.evidence.iter().any(|e| {
                    matches!(
                        e.kind,
                        crate::standards::catalogue::EvidenceKind::SelfStudy
                            | crate::standards::catalogue::EvidenceKind::OnSiteDocument
                    )
                }))
            .then(|| format!("/readiness/documents?source={}&element={}#upload", c.source.code(), urlencoding(&el.id))),
            id: el.id.clone(),
            anchor: format!("element-{}", anchor(&el.id)),
            text: el.text.clone(),
            items: el.items.clone(),
            applies: el.applicability.applies,
            na: na_text(tr, &el.applicability),
            standing: tr.t(&el.standing.message_id()),
            standing_class: format!("standing-{}", el.standing.code()),
            share: percent(el.share),
            measures: el
                .measures
                .iter()
                .filter_map(|k| by_key.get(k))
                .map(|r| measure_row(tr, c.source, &c.period, r))
                .collect(),
            evidence: el.evidence.iter().map(|e| (tr.t(&e.kind.message_id()), e.what.clone())).collect(),
            crosswalk: el
                .crosswalk
                .iter()
                .map(|(src, ids)| {
                    let name = Source::parse(src).map(|s| tr.t(&s.message_id())).unwrap_or_else(|| src.clone());
                    format!("{name}: {}", ids.join(", "))
                })
                .collect(),
        })
        .collect();
    Ok(StandardPage {
        shell: ctx.shell().await?,
        back: format!("/readiness?{}", query_string(c.source, &c.period)),
        source_name: report.edition.clone(),
        period: format!("{} – {}", c.period.from, c.period.to),
        id: st.id.clone(),
        title: st.title.clone(),
        summary: st.summary.clone(),
        fundamental: st.fundamental,
        applies: st.applicability.applies,
        na: na_text(tr, &st.applicability),
        suggested: st.suggested,
        suggested_text: rating_text(tr, st.suggested),
        explanation: explanation(tr, st),
        elements,
        history: history_rows(tr, history),
        may_manage,
        action: standard_link(c.source, &c.period, &st.id),
        values,
        errors: FormErrors::new(tr, errors),
    })
}

pub async fn standard_page(ctx: Ctx, Query(q): Query<ReadinessQuery>) -> AppResult<Response> {
    let c = chosen(&ctx, &q);
    let id = q.id.clone().unwrap_or_default();
    let page = render_standard(&ctx, &c, id.trim(), values_of(c.source, &c.period), &c.errors).await?;
    Ok(page.into_response())
}

pub async fn record_rating(
    ctx: Ctx,
    Query(q): Query<ReadinessQuery>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let c = chosen(&ctx, &q);
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let id = q.id.clone().unwrap_or_default();
    let input = RatingInput {
        standard_id: id.clone(),
        self_rating: get("self_rating").unwrap_or_default(),
        note: get("note"),
        from: Some(c.period.from.to_string()),
        to: Some(c.period.to.to_string()),
    };
    match readiness::record_rating(&ctx.state, &ctx.actor, c.source, &input).await {
        Ok(_) => {
            ctx.flash("success", "readiness-rating-saved").await?;
            Ok(see_other(&standard_link(c.source, &c.period, &id)))
        }
        Err(AppError::Invalid(errors)) => {
            let typed = Values(form.into_iter().filter(|(k, _)| k != "csrf_token").collect());
            let page = render_standard(&ctx, &c, id.trim(), typed, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- one measure ----------

#[derive(Template, WebTemplate)]
#[template(path = "readiness/measure.html")]
pub struct MeasurePage {
    pub shell: Shell,
    pub back: String,
    pub period: String,
    pub measure: MeasureRow,
    pub shown_text: String,
}

pub async fn measure_page(ctx: Ctx, Query(q): Query<ReadinessQuery>) -> AppResult<Response> {
    let c = chosen(&ctx, &q);
    let key = q.key.as_deref().and_then(MeasureKey::parse).ok_or(AppError::NotFound)?;
    let result = readiness::measure(&ctx.state, &ctx.actor, key, c.period).await?;
    let tr = &ctx.tr;
    let mut row = measure_row(tr, c.source, &c.period, &result);
    row.failing = result
        .failing
        .iter()
        .map(|f| FailingRow { label: f.label.clone(), link: f.link.clone(), why: why_text(tr, f) })
        .collect();
    row.more_link = None;
    let page = MeasurePage {
        shell: ctx.shell().await?,
        back: format!("/readiness?{}", query_string(c.source, &c.period)),
        period: format!("{} – {}", c.period.from, c.period.to),
        shown_text: tr.with_args(
            "readiness-failing-shown",
            &[("shown", row.failing.len().to_string()), ("count", row.failing_count.to_string())],
        ),
        measure: row,
    };
    Ok(page.into_response())
}

// ---------- applicability ----------

#[derive(Template, WebTemplate)]
#[template(path = "readiness/applicability.html")]
pub struct ApplicabilityPage {
    pub shell: Shell,
    pub back: String,
    pub values: Values,
    pub errors: FormErrors,
    pub sources: Vec<(String, String, bool)>,
    pub edition: String,
    pub programs: Vec<(String, String)>,
    pub rows: Vec<crate::standards::binder::ApplicabilityLine>,
    pub screening_contracted: bool,
}

pub async fn applicability_page(ctx: Ctx, Query(q): Query<ReadinessQuery>) -> AppResult<Response> {
    let c = chosen(&ctx, &q);
    let a = readiness::applicability(&ctx.state, &ctx.actor, c.source).await?;
    let tr = &ctx.tr;
    let rows = crate::standards::binder::applicability_lines(tr, &a.programs, &a.sections);
    let page = ApplicabilityPage {
        shell: ctx.shell().await?,
        back: format!("/readiness?{}", query_string(c.source, &c.period)),
        values: values_of(c.source, &c.period),
        errors: FormErrors::new(tr, &c.errors),
        sources: source_options(tr, c.source),
        edition: a.edition.clone(),
        programs: a
            .programs
            .iter()
            .map(|p| {
                let services: Vec<String> = p.services.iter().map(|s| tr.t(&s.message_id())).collect();
                (p.name.clone(), services.join(", "))
            })
            .collect(),
        rows,
        screening_contracted: a.screening_contracted,
    };
    Ok(page.into_response())
}

// ---------- settings ----------

#[derive(Template, WebTemplate)]
#[template(path = "readiness/settings.html")]
pub struct SettingsPage {
    pub shell: Shell,
    pub values: Values,
    pub version: i32,
    pub may_edit: bool,
    pub errors: FormErrors,
    pub conflict: bool,
}

fn settings_values(s: &readiness::Settings) -> Values {
    let mut v = HashMap::new();
    v.insert("full".into(), crate::web::workload::number(s.thresholds.full));
    v.insert("minor".into(), crate::web::workload::number(s.thresholds.minor));
    v.insert("significant".into(), crate::web::workload::number(s.thresholds.significant));
    if s.screening_contracted {
        v.insert("screening_contracted".into(), "on".into());
    }
    Values(v)
}

pub async fn settings_page(ctx: Ctx) -> AppResult<Response> {
    readiness::require(&ctx.state, &ctx.actor, Action::ViewReadiness).await?;
    let s = readiness::settings(ctx.state.db.conn(), ctx.actor.org_id).await?;
    let page = SettingsPage {
        shell: ctx.shell().await?,
        values: settings_values(&s),
        version: s.version,
        may_edit: allows(&ctx.actor, Action::ManageReadiness, Reach::Outside),
        errors: FormErrors::default(),
        conflict: false,
    };
    Ok(page.into_response())
}

pub async fn save_settings(ctx: Ctx, CsrfForm(form): CsrfForm<Vec<(String, String)>>) -> AppResult<Response> {
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let input = SettingsInput {
        full: get("full"),
        minor: get("minor"),
        significant: get("significant"),
        screening_contracted: matches!(get("screening_contracted").as_str(), "on" | "yes" | "true"),
    };
    let version = get("version").trim().parse::<i32>().ok();
    let typed = Values(form.iter().filter(|(k, _)| k != "csrf_token").cloned().collect());
    let result = match version {
        Some(v) => readiness::update_settings(&ctx.state, &ctx.actor, v, &input).await,
        None => Err(AppError::Invalid(FieldErrors::single("version", "error-required"))),
    };
    let (status, errors, conflict, version) = match result {
        Ok(_) => {
            ctx.flash("success", "readiness-settings-saved").await?;
            return Ok(see_other("/readiness/settings"));
        }
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, false, version.unwrap_or(0)),
        Err(AppError::Conflict) => {
            let saved = readiness::settings(ctx.state.db.conn(), ctx.actor.org_id).await?;
            (StatusCode::CONFLICT, FieldErrors::new(), true, saved.version)
        }
        Err(other) => return Err(other),
    };
    let page = SettingsPage {
        shell: ctx.shell().await?,
        values: typed,
        version,
        may_edit: true,
        errors: FormErrors::new(&ctx.tr, &errors),
        conflict,
    };
    Ok((status, page).into_response())
}

// ---------- the evidence binder ----------

#[derive(Clone, Debug, Default, Deserialize)]
pub struct BinderQuery {
    pub source: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// "on": list failing records by record number and name (managers of readiness; audited).
    pub participant_data: Option<String>,
}

impl BinderQuery {
    fn readiness(&self) -> ReadinessQuery {
        ReadinessQuery {
            source: self.source.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            id: None,
            key: None,
        }
    }

    fn participant_data(&self) -> bool {
        matches!(self.participant_data.as_deref().map(str::trim), Some("on" | "yes" | "true" | "1"))
    }
}

/// The standalone binder (downloaded HTML, the API and the command line): its own stylesheet inline.
#[derive(Template)]
#[template(path = "readiness/binder_document.html")]
pub struct BinderDocument<'a> {
    pub b: &'a Binder,
    pub css: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "readiness/binder.html")]
pub struct BinderPage {
    pub shell: Shell,
    pub back: String,
    pub values: Values,
    pub errors: FormErrors,
    pub sources: Vec<(String, String, bool)>,
    pub may_manage: bool,
    pub participant_data: bool,
    pub pdf_link: String,
    pub html_link: String,
    pub b: Binder,
}

fn binder_request(ctx: &Ctx, q: &BinderQuery, format: Format) -> (Chosen, BinderRequest) {
    let c = chosen(ctx, &q.readiness());
    let req = BinderRequest {
        source: c.source,
        period: c.period,
        format,
        include_participant_data: q.participant_data(),
        tr: ctx.tr,
    };
    (c, req)
}

fn binder_query(c: &Chosen, participant_data: bool) -> String {
    let extra = if participant_data { "&participant_data=on" } else { "" };
    format!("{}{extra}", query_string(c.source, &c.period))
}

/// The binder on screen, printable, with the PDF and HTML downloads beside it.
pub async fn binder_page(ctx: Ctx, Query(q): Query<BinderQuery>) -> AppResult<Response> {
    let (c, req) = binder_request(&ctx, &q, Format::Html);
    let b = binder::build(&ctx.state, &ctx.actor, &req).await?;
    let tr = &ctx.tr;
    let mut values = values_of(c.source, &c.period);
    if req.include_participant_data {
        values.0.insert("participant_data".into(), "on".into());
    }
    let query = binder_query(&c, req.include_participant_data);
    let page = BinderPage {
        shell: ctx.shell().await?,
        back: format!("/readiness?{}", query_string(c.source, &c.period)),
        values,
        errors: FormErrors::new(tr, &c.errors),
        sources: source_options(tr, c.source),
        may_manage: allows(&ctx.actor, Action::ManageReadiness, Reach::Outside),
        participant_data: req.include_participant_data,
        pdf_link: format!("/readiness/binder.pdf?{query}"),
        html_link: format!("/readiness/binder.html?{query}"),
        b,
    };
    Ok(page.into_response())
}

/// A made binder as a download.
pub fn binder_download(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_string()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            (axum::http::header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// Makes the binder in `format` off the async workers (typesetting is CPU-bound).
pub async fn make_binder(
    state: &AppState,
    actor: &crate::access::Actor,
    req: BinderRequest,
) -> AppResult<(Vec<u8>, &'static str, String)> {
    let b = binder::build(state, actor, &req).await?;
    tokio::task::spawn_blocking(move || binder::render(&b, req.format))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("binder: {e}")))?
}

pub async fn binder_pdf(ctx: Ctx, Query(q): Query<BinderQuery>) -> AppResult<Response> {
    let (_, req) = binder_request(&ctx, &q, Format::Pdf);
    let (bytes, content_type, filename) = make_binder(&ctx.state, &ctx.actor, req).await?;
    Ok(binder_download(bytes, content_type, &filename))
}

pub async fn binder_html(ctx: Ctx, Query(q): Query<BinderQuery>) -> AppResult<Response> {
    let (_, req) = binder_request(&ctx, &q, Format::Html);
    let (bytes, content_type, filename) = make_binder(&ctx.state, &ctx.actor, req).await?;
    Ok(binder_download(bytes, content_type, &filename))
}

/// The binder's stylesheet (screen and print); the page links it, the downloads inline it.
pub async fn binder_css() -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        binder::BINDER_CSS,
    )
        .into_response()
}
