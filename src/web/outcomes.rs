//! Outcome pages: the `/outcomes` hub (links to every outcome page the reader may use), the
//! organisation or program dashboard (`/outcomes/dashboard`), a disaggregation
//! (`/outcomes/disaggregation?by=…`) and a person's trajectory (`/people/{id}/outcomes`). Figures
//! come from `outcomes::analytics`; charts are server-side SVG with the same figures in a table.

use super::intake::Values;
use super::{Ctx, FormErrors, Shell};
use crate::access::{Action, Reach, allows};
use crate::app::AppState;
use crate::db;
use crate::domain::disaggregation::Dimension;
use crate::domain::instruments::fmt_num;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::outcomes::analytics::{
    self, ChangeRow, Dashboard, DashboardQuery, Disaggregation, Distribution, Filters, MeasureSummary, Share,
    TargetRow, Trajectory,
};
use crate::outcomes::charts::{self, Bar, Histogram, LineChart, Series};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use time::Date;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/outcomes", get(hub))
        .route("/outcomes/dashboard", get(dashboard_page))
        .route("/outcomes/disaggregation", get(disaggregation_page))
        .route("/people/{id}/outcomes", get(person_page))
}

/// A number for reading: whole numbers without decimals, others to one place.
pub fn num(v: f64) -> String {
    fmt_num((v * 10.0).round() / 10.0)
}

/// A count that may be hidden.
pub fn count(v: Option<u64>, tr: &Tr) -> String {
    v.map(|n| n.to_string()).unwrap_or_else(|| tr.t("outcomes-suppressed"))
}

pub fn percent(v: Option<f64>, tr: &Tr) -> String {
    v.map(|p| format!("{}%", p.round())).unwrap_or_else(|| tr.t("outcomes-suppressed"))
}

fn share_text(s: &Option<Share>, tr: &Tr) -> String {
    match s {
        Some(Share { count: Some(c), of: Some(o), percent: Some(p) }) => format!("{}% ({c} / {o})", p.round()),
        Some(Share { count: Some(_), of: Some(0), .. }) => "—".into(),
        Some(_) => tr.t("outcomes-suppressed"),
        None => "—".into(),
    }
}

fn filter_link(base: &str, f: &Filters, extra: &str) -> String {
    let program = f.program_id.map(|p| format!("&program_id={p}")).unwrap_or_default();
    format!("{base}?from={}&to={}{program}{extra}", f.from, f.to)
}

fn values_of(f: &Filters, by: Option<Dimension>) -> Values {
    let mut v = std::collections::HashMap::new();
    v.insert("from".into(), f.from.to_string());
    v.insert("to".into(), f.to.to_string());
    v.insert("program_id".into(), f.program_id.map(|p| p.to_string()).unwrap_or_default());
    if let Some(d) = by {
        v.insert("by".into(), d.code().into());
    }
    Values(v)
}

async fn program_options(ctx: &Ctx, selected: Option<Uuid>) -> AppResult<Vec<(String, String, bool)>> {
    Ok(db::org::programs(ctx.state.db.conn(), ctx.actor.org_id)
        .await?
        .into_iter()
        .map(|p| (p.id.to_string(), p.name, Some(p.id) == selected))
        .collect())
}

fn dimension_options(tr: &Tr, selected: Option<Dimension>) -> Vec<(String, String, bool)> {
    Dimension::ALL
        .iter()
        .map(|d| (d.code().to_string(), tr.t(&format!("outcomes-dimension-{}", d.code())), Some(*d) == selected))
        .collect()
}

// ---------- hub ----------

#[derive(Template, WebTemplate)]
#[template(path = "outcomes/hub.html")]
pub struct HubPage {
    pub shell: Shell,
    /// (href, title message id, description message id).
    pub links: Vec<(&'static str, &'static str, &'static str)>,
}

pub async fn hub(ctx: Ctx) -> AppResult<Response> {
    let a = &ctx.actor;
    let may = |action| allows(a, action, Reach::Outside);
    let mut links = Vec::new();
    if may(Action::ViewOutcomes) {
        links.push(("/outcomes/dashboard", "outcomes-dashboard-title", "outcomes-hub-dashboard"));
        links.push((
            "/outcomes/disaggregation?by=race",
            "outcomes-disaggregation-title",
            "outcomes-hub-disaggregation",
        ));
    }
    if may(Action::ViewOutcomeDesign) {
        links.push(("/instruments", "outcomes-hub-instruments-title", "outcomes-hub-instruments"));
        links.push(("/logic-models", "outcomes-hub-logic-models-title", "outcomes-hub-logic-models"));
    }
    if may(Action::ConfigureMeasureSchedules) {
        links.push(("/outcomes/schedules", "outcomes-hub-schedules-title", "outcomes-hub-schedules"));
    }
    if may(Action::ExportOutcomes) {
        links.push(("/outcomes/exports", "outcomes-hub-exports-title", "outcomes-hub-exports"));
    }
    Ok(HubPage { shell: ctx.shell().await?, links }.into_response())
}

// ---------- dashboard ----------

/// One measure's row in the change table.
pub struct MeasureView {
    pub name: String,
    pub measured: u64,
    pub n: u32,
    pub mean_first: String,
    pub mean_latest: String,
    pub mean_change: String,
    pub improved: u32,
    pub unchanged: u32,
    pub worsened: u32,
    pub cut_off: String,
    pub cut_off_first: String,
    pub meaningful: String,
    pub direction: String,
}

pub struct TargetView {
    pub program: String,
    pub statement: String,
    pub measure: String,
    pub target: String,
    pub n: String,
    pub achieved: String,
    pub status: String,
    pub status_class: &'static str,
}

/// A chart with the table of its figures.
pub struct ChartView {
    pub title: String,
    pub svg: String,
    pub head: Vec<String>,
    pub rows: Vec<(String, Vec<String>)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "outcomes/dashboard.html")]
pub struct DashboardPage {
    pub shell: Shell,
    pub values: Values,
    pub errors: FormErrors,
    pub programs: Vec<(String, String, bool)>,
    pub dimensions: Vec<(String, String, bool)>,
    pub scope_label: String,
    pub period: String,
    pub outputs_chart: ChartView,
    pub totals: Vec<(String, String)>,
    pub measures: Vec<MeasureView>,
    pub targets: Vec<TargetView>,
    pub distributions: Vec<ChartView>,
    pub participation: String,
}

fn month_label(d: Date) -> String {
    format!("{}-{:02}", d.year(), d.month() as u8)
}

/// Reads one figure from a month's outputs.
type OutputFigure = fn(&crate::outcomes::logic_models::Outputs) -> f64;

fn outputs_chart(d: &Dashboard, tr: &Tr) -> ChartView {
    let series_def: [(&str, OutputFigure); 4] = [
        ("outcomes-output-people", |o| o.people_served as f64),
        ("outcomes-output-contacts", |o| o.contacts as f64),
        ("outcomes-output-attendances", |o| o.group_attendances as f64),
        ("outcomes-output-referrals", |o| o.referrals_made as f64),
    ];
    let max =
        d.months.iter().flat_map(|m| series_def.iter().map(|(_, f)| f(&m.outputs))).fold(0.0f64, f64::max).max(1.0);
    let step = (d.months.len() / 6).max(1);
    let svg = charts::line_chart(&LineChart {
        id: "outputs".into(),
        title: tr.t("outcomes-outputs-chart"),
        x_range: (0.0, d.months.len().saturating_sub(1).max(1) as f64),
        y_range: (0.0, (max * 1.1).ceil()),
        x_labels: d
            .months
            .iter()
            .enumerate()
            .filter(|(i, _)| i % step == 0)
            .map(|(i, m)| (i as f64, month_label(m.month)))
            .collect(),
        series: series_def
            .iter()
            .map(|(id, f)| Series {
                label: tr.t(id),
                points: d.months.iter().enumerate().map(|(i, m)| (i as f64, f(&m.outputs))).collect(),
            })
            .collect(),
        reference: None,
        band: None,
    });
    ChartView {
        title: tr.t("outcomes-outputs-title"),
        svg,
        head: [
            "outcomes-month",
            "outcomes-output-people",
            "outcomes-output-contacts",
            "outcomes-output-hours",
            "outcomes-output-sessions",
            "outcomes-output-attendances",
            "outcomes-output-referrals",
            "outcomes-output-connected",
        ]
        .iter()
        .map(|id| tr.t(id))
        .collect(),
        rows: d
            .months
            .iter()
            .map(|m| {
                let o = &m.outputs;
                (
                    month_label(m.month),
                    vec![
                        o.people_served.to_string(),
                        o.contacts.to_string(),
                        num(o.contact_hours + o.group_hours),
                        o.group_sessions.to_string(),
                        o.group_attendances.to_string(),
                        o.referrals_made.to_string(),
                        o.referrals_connected.to_string(),
                    ],
                )
            })
            .collect(),
    }
}

fn measure_view(m: &MeasureSummary, tr: &Tr) -> MeasureView {
    let c = &m.change;
    let paired = c.n > 0;
    MeasureView {
        name: m.measure.name.clone(),
        measured: m.measured,
        n: c.n,
        mean_first: if paired { num(c.mean_first) } else { "—".into() },
        mean_latest: if paired { num(c.mean_latest) } else { "—".into() },
        mean_change: if paired { format!("{:+}", (c.mean_change * 10.0).round() / 10.0) } else { "—".into() },
        improved: c.improved,
        unchanged: c.unchanged,
        worsened: c.worsened,
        cut_off: share_text(&m.reaching_cut_off, tr),
        cut_off_first: share_text(&m.reaching_cut_off_first, tr),
        meaningful: share_text(&m.meaningful_improvement, tr),
        direction: tr.t(if m.measure.higher_is_better { "outcomes-higher-better" } else { "outcomes-lower-better" }),
    }
}

fn target_text(t: &crate::domain::outcomes::Target, tr: &Tr) -> String {
    use crate::domain::outcomes::TargetKind;
    let args = vec![("value", fmt_num(t.value)), ("share", t.share.map(fmt_num).unwrap_or_default())];
    let id = match t.kind {
        TargetKind::ReachThreshold => "outcomes-target-reach",
        TargetKind::ImproveBy => "outcomes-target-improve",
        TargetKind::MeanChange => "outcomes-target-mean",
    };
    tr.with_args(id, &args)
}

fn status_of(met: Option<bool>, tr: &Tr) -> (String, &'static str) {
    match met {
        Some(true) => (tr.t("outcomes-target-met"), "tag tag-success"),
        Some(false) => (tr.t("outcomes-target-not-met"), "tag tag-warning"),
        None => (tr.t("outcomes-target-not-judged"), "tag tag-muted"),
    }
}

fn achieved_text(kind: crate::domain::outcomes::TargetKind, achieved: Option<f64>, tr: &Tr) -> String {
    match (kind, achieved) {
        (crate::domain::outcomes::TargetKind::MeanChange, Some(a)) => tr.t1("outcomes-points", "points", num(a)),
        (_, Some(a)) => format!("{}%", a.round()),
        (_, None) => "—".into(),
    }
}

fn distribution_chart(d: &Distribution, tr: &Tr) -> ChartView {
    let intake = tr.t("outcomes-intake");
    let latest = tr.t("outcomes-latest");
    let svg = charts::histogram(&Histogram {
        id: format!("dist-{}", d.measure.key),
        title: tr
            .with_args("outcomes-distribution-chart", &[("measure", d.measure.name.clone()), ("n", d.n.to_string())]),
        bins: d.bins.clone(),
        groups: vec![(intake.clone(), d.first.clone()), (latest.clone(), d.latest.clone())],
        marker: d.measure.cut_off.map(|c| (c, tr.t1("outcomes-chart-cut-off", "score", fmt_num(c)))),
    });
    let last = d.bins.len().saturating_sub(1);
    ChartView {
        title: d.measure.name.clone(),
        svg,
        head: vec![tr.t("outcomes-score-range"), intake, latest],
        rows: d
            .bins
            .iter()
            .enumerate()
            .map(|(i, (lo, hi))| {
                let range = if i == last {
                    format!("{}–{}", num(*lo), num(*hi))
                } else {
                    format!("{}–<{}", num(*lo), num(*hi))
                };
                (range, vec![d.first[i].to_string(), d.latest[i].to_string()])
            })
            .collect(),
    }
}

async fn dashboard_view(ctx: &Ctx, d: &Dashboard, values: Values, errors: FormErrors) -> AppResult<DashboardPage> {
    let tr = &ctx.tr;
    let o = &d.outputs;
    let totals = vec![
        (tr.t("outcomes-output-people"), o.people_served.to_string()),
        (tr.t("outcomes-output-contacts"), o.contacts.to_string()),
        (tr.t("outcomes-output-hours"), num(o.contact_hours + o.group_hours)),
        (tr.t("outcomes-output-sessions"), o.group_sessions.to_string()),
        (tr.t("outcomes-output-attendances"), o.group_attendances.to_string()),
        (tr.t("outcomes-output-referrals"), o.referrals_made.to_string()),
        (tr.t("outcomes-output-connected"), o.referrals_connected.to_string()),
        (tr.t("outcomes-output-info"), o.info_contacts.to_string()),
    ];
    let targets = d
        .targets
        .iter()
        .map(|t| {
            let (status, status_class) = status_of(t.progress.and_then(|p| p.met), tr);
            TargetView {
                program: t.target.program_name.clone(),
                statement: t.target.statement.clone(),
                measure: t.measure.as_ref().map(|m| m.name.clone()).unwrap_or_else(|| t.target.instrument_key.clone()),
                target: target_text(&t.target.target, tr),
                n: t.progress.map(|p| p.n.to_string()).unwrap_or_else(|| "0".into()),
                achieved: achieved_text(t.target.target.kind, t.progress.and_then(|p| p.achieved), tr),
                status,
                status_class,
            }
        })
        .collect();
    let p = &d.participation;
    Ok(DashboardPage {
        shell: ctx.shell().await?,
        values,
        errors,
        programs: program_options(ctx, d.filters.program_id).await?,
        dimensions: dimension_options(tr, None),
        scope_label: d.program_name.clone().unwrap_or_else(|| tr.t("outcomes-whole-organisation")),
        period: tr
            .with_args("outcomes-period", &[("from", d.filters.from.to_string()), ("to", d.filters.to.to_string())]),
        outputs_chart: outputs_chart(d, tr),
        totals,
        measures: d.measures.iter().map(|m| measure_view(m, tr)).collect(),
        targets,
        distributions: d.distributions.iter().map(|x| distribution_chart(x, tr)).collect(),
        participation: match p.share {
            Some(s) => format!("{}% ({} / {})", (s * 100.0).round(), p.people_took_part, p.people_served),
            None => "—".into(),
        },
    })
}

fn query_values(q: &DashboardQuery) -> Values {
    let mut v = std::collections::HashMap::new();
    for (k, val) in [("from", &q.from), ("to", &q.to), ("program_id", &q.program_id), ("by", &q.by)] {
        if let Some(val) = val {
            v.insert(k.to_string(), val.clone());
        }
    }
    Values(v)
}

pub async fn dashboard_page(ctx: Ctx, Query(q): Query<DashboardQuery>) -> AppResult<Response> {
    analytics::require_view(&ctx.state, &ctx.actor).await?;
    match analytics::parse_filters(&ctx.state, ctx.actor.org_id, &q).await {
        Ok(filters) => {
            let d = analytics::dashboard(&ctx.state, &ctx.actor, filters).await?;
            Ok(dashboard_view(&ctx, &d, values_of(&filters, None), FormErrors::default()).await?.into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let filters = analytics::parse_filters(&ctx.state, ctx.actor.org_id, &DashboardQuery::default()).await?;
            let d = analytics::dashboard(&ctx.state, &ctx.actor, filters).await?;
            let page = dashboard_view(&ctx, &d, query_values(&q), FormErrors::new(&ctx.tr, &errors)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- disaggregation ----------

pub struct BreakdownView {
    pub title: String,
    pub svg: String,
    pub rows: Vec<Vec<String>>,
    pub total: Vec<String>,
    pub has_cut_off: bool,
}

pub struct TargetBreakdownView {
    pub title: String,
    pub target: String,
    pub svg: String,
    pub rows: Vec<Vec<String>>,
    pub total: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "outcomes/disaggregation.html")]
pub struct DisaggregationPage {
    pub shell: Shell,
    pub values: Values,
    pub errors: FormErrors,
    pub programs: Vec<(String, String, bool)>,
    pub dimensions: Vec<(String, String, bool)>,
    pub dimension_label: String,
    pub scope_label: String,
    pub period: String,
    pub dashboard_link: String,
    pub measures: Vec<BreakdownView>,
    pub targets: Vec<TargetBreakdownView>,
    pub race_note: bool,
}

fn change_cells(r: &ChangeRow, tr: &Tr, cut_off: bool) -> Vec<String> {
    let mut cells = vec![
        r.category.label(tr),
        count(r.n, tr),
        r.mean_change
            .map(|m| format!("{:+}", (m * 10.0).round() / 10.0))
            .unwrap_or_else(|| tr.t("outcomes-suppressed")),
        count(r.improved, tr),
        count(r.unchanged, tr),
        count(r.worsened, tr),
    ];
    if cut_off {
        cells.push(count(r.measured, tr));
        cells.push(count(r.reaching, tr));
        cells.push(percent(r.reaching_percent, tr));
    }
    cells
}

fn target_cells(r: &TargetRow, kind: crate::domain::outcomes::TargetKind, tr: &Tr) -> Vec<String> {
    let hidden = r.n.is_none();
    vec![
        r.category.label(tr),
        count(r.n, tr),
        if kind == crate::domain::outcomes::TargetKind::MeanChange { "—".into() } else { count(r.meeting, tr) },
        if hidden { tr.t("outcomes-suppressed") } else { achieved_text(kind, r.achieved, tr) },
        if hidden { tr.t("outcomes-suppressed") } else { status_of(r.met, tr).0 },
    ]
}

fn disaggregation_view(d: &Disaggregation, tr: &Tr) -> (Vec<BreakdownView>, Vec<TargetBreakdownView>) {
    let suppressed = tr.t("outcomes-suppressed");
    let measures = d
        .measures
        .iter()
        .map(|m| {
            let cut_off = m.measure.cut_off.is_some();
            let bars: Vec<Bar> = m
                .rows
                .iter()
                .map(|r| Bar { label: r.category.label(tr), value: r.mean_change.map(|v| (v * 10.0).round() / 10.0) })
                .collect();
            BreakdownView {
                title: m.measure.name.clone(),
                svg: charts::bar_chart(
                    &format!("by-{}", m.measure.key),
                    &tr.t1("outcomes-breakdown-chart", "measure", &m.measure.name),
                    &bars,
                    &suppressed,
                    "",
                ),
                rows: m.rows.iter().map(|r| change_cells(r, tr, cut_off)).collect(),
                total: change_cells(&m.total, tr, cut_off),
                has_cut_off: cut_off,
            }
        })
        .collect();
    let targets = d
        .targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let kind = t.target.target.kind;
            let bars: Vec<Bar> = t
                .rows
                .iter()
                .map(|r| Bar { label: r.category.label(tr), value: r.achieved.map(|a| a.round()) })
                .collect();
            let unit = if kind == crate::domain::outcomes::TargetKind::MeanChange { "" } else { "%" };
            TargetBreakdownView {
                title: format!("{} — {}", t.target.program_name, t.target.statement),
                target: format!("{}: {}", t.measure.name, target_text(&t.target.target, tr)),
                svg: charts::bar_chart(&format!("target-{i}"), &t.target.statement, &bars, &suppressed, unit),
                rows: t.rows.iter().map(|r| target_cells(r, kind, tr)).collect(),
                total: target_cells(&t.total, kind, tr),
            }
        })
        .collect();
    (measures, targets)
}

pub async fn disaggregation_page(ctx: Ctx, Query(q): Query<DashboardQuery>) -> AppResult<Response> {
    analytics::require_view(&ctx.state, &ctx.actor).await?;
    let parsed = analytics::parse_filters(&ctx.state, ctx.actor.org_id, &q).await;
    let dimension = analytics::parse_dimension(q.by.as_deref());
    let (filters, dimension, errors, status) = match (parsed, dimension) {
        (Ok(f), Ok(d)) => (f, d, FormErrors::default(), StatusCode::OK),
        (f, d) => {
            let mut all = crate::domain::FieldErrors::new();
            let filters = match f {
                Ok(f) => f,
                Err(AppError::Invalid(fe)) => {
                    all.0.extend(fe.0);
                    analytics::parse_filters(&ctx.state, ctx.actor.org_id, &DashboardQuery::default()).await?
                }
                Err(other) => return Err(other),
            };
            let dimension = match d {
                Ok(d) => d,
                Err(AppError::Invalid(fe)) => {
                    all.0.extend(fe.0);
                    Dimension::Race
                }
                Err(other) => return Err(other),
            };
            (filters, dimension, FormErrors::new(&ctx.tr, &all), StatusCode::UNPROCESSABLE_ENTITY)
        }
    };
    let d = analytics::disaggregation(&ctx.state, &ctx.actor, filters, dimension).await?;
    let tr = &ctx.tr;
    let (measures, targets) = disaggregation_view(&d, tr);
    let values = if status == StatusCode::OK { values_of(&filters, Some(dimension)) } else { query_values(&q) };
    let scope_label = match filters.program_id {
        Some(p) => db::org::program(&ctx.state.db, ctx.actor.org_id, p).await?.map(|p| p.name).unwrap_or_default(),
        None => tr.t("outcomes-whole-organisation"),
    };
    let page = DisaggregationPage {
        shell: ctx.shell().await?,
        values,
        errors,
        programs: program_options(&ctx, filters.program_id).await?,
        dimensions: dimension_options(tr, Some(dimension)),
        dimension_label: tr.t(&format!("outcomes-dimension-{}", dimension.code())),
        scope_label,
        period: tr.with_args("outcomes-period", &[("from", filters.from.to_string()), ("to", filters.to.to_string())]),
        dashboard_link: filter_link("/outcomes/dashboard", &filters, ""),
        measures,
        targets,
        race_note: dimension == Dimension::Race,
    };
    Ok((status, page).into_response())
}

// ---------- a person's trajectory ----------

pub struct TrajectoryView {
    pub name: String,
    pub svg: String,
    pub summary: String,
    pub rows: Vec<(String, String, String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "outcomes/person.html")]
pub struct PersonPage {
    pub shell: Shell,
    pub person_id: Uuid,
    pub person_name: String,
    pub trajectories: Vec<TrajectoryView>,
}

fn trajectory_view(t: &Trajectory, tr: &Tr, i: usize) -> TrajectoryView {
    let mut summary = Vec::new();
    if let Some(c) = t.change {
        summary.push(tr.t1("outcomes-person-change", "points", format!("{:+}", (c * 10.0).round() / 10.0)));
    }
    match t.meaningful {
        Some(true) => summary.push(tr.t("outcomes-person-meaningful-better")),
        Some(false) => summary.push(tr.t("outcomes-person-meaningful-worse")),
        None => {}
    }
    if let Some(r) = t.latest_reaches_cut_off {
        summary.push(tr.t(if r { "outcomes-person-reaches" } else { "outcomes-person-below" }));
    }
    TrajectoryView {
        name: t.measure.name.clone(),
        svg: analytics::trajectory_svg(t, tr, &format!("trajectory-{i}")),
        summary: summary.join(" · "),
        rows: t
            .points
            .iter()
            .map(|p| {
                let occasion = crate::domain::outcomes::Occasion::parse(&p.occasion)
                    .map(|o| tr.t(&format!("outcomes-occasion-{}", o.code())))
                    .unwrap_or_else(|| p.occasion.clone());
                let interpretation = p.interpretation.as_deref().map(|i| interpretation(tr, i)).unwrap_or_default();
                (p.taken_on.to_string(), num(p.score), occasion, interpretation)
            })
            .collect(),
    }
}

/// An interpretation is a message id or text (instrument definitions give either).
fn interpretation(tr: &Tr, text: &str) -> String {
    if text.contains(' ') || !text.contains('-') {
        return text.to_string();
    }
    let t = tr.t(text);
    if t.is_empty() || t == text { text.to_string() } else { t }
}

pub async fn person_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<Response> {
    let (person, list) = analytics::trajectories(&ctx.state, &ctx.actor, id).await?;
    let name =
        person.preferred_name.clone().filter(|n| !n.trim().is_empty()).unwrap_or(person.legal_given_name.clone());
    let person_name = format!("{name} {}", person.legal_family_name);
    let trajectories = list.iter().enumerate().map(|(i, t)| trajectory_view(t, &ctx.tr, i)).collect();
    Ok(PersonPage { shell: ctx.shell().await?, person_id: id, person_name, trajectories }.into_response())
}
