//! Logic models (CSE 1.01, 1.02): pages.
//!
//! `/logic-models` lists every program with its standing against the rating guide's checks;
//! `/programs/{id}/logic-model` shows one model with its live outputs and each outcome's progress,
//! `…/edit` is one long form (a row per need, input, activity, output, outcome and impact, with
//! "add another" buttons that work without JavaScript), `…/print` the one-page columns layout, and
//! `…/history` every save. Everything goes through `outcomes::logic_models`.

use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::domain::FieldErrors;
use crate::domain::codes::TextCode;
use crate::domain::logic_models::{
    Activity, EvidenceKind, Gap, Impact, ImpactLevel, Input, InputKind, ModelDoc, Need, Outcome, OutputKind,
    OutputPlan, Part, Standing, trim_number,
};
use crate::domain::outcomes::{OutcomeArea, Target, TargetKind};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::outcomes::logic_models::{
    self as service, ModelView, OutcomeProgress, Period, ProgramSummary, ProgramValidity, ProgressStatus,
    RevisionSummary,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

pub fn routes() -> Router<crate::app::AppState> {
    Router::new()
        .route("/logic-models", get(overview_page))
        .route("/programs/{id}/logic-model", get(show_page).post(save))
        .route("/programs/{id}/logic-model/edit", get(edit_page))
        .route("/programs/{id}/logic-model/print", get(print_page))
        .route("/programs/{id}/logic-model/history", get(history_page))
        .route("/programs/{id}/logic-model/history/{version}", get(revision_page))
}

// ---------- shared wording ----------

/// A gap in words.
pub fn gap_text(tr: &Tr, gap: &Gap) -> String {
    let args: Vec<(&str, String)> = gap
        .args
        .iter()
        .map(|(k, v)| match *k {
            "part" => (*k, Part::parse(v).map(|p| tr.t(&part_message(p))).unwrap_or_else(|| v.clone())),
            _ => (*k, v.clone()),
        })
        .collect();
    tr.with_args(gap.message_id, &args)
}

fn part_message(part: Part) -> String {
    format!("logic-models-part-{}", part.code())
}

fn label<T: TextCode>(tr: &Tr, value: T) -> String {
    tr.t(&format!("logic-models-{}", value.message_id()))
}

/// A target in words, e.g. "60% of people reach 47 or better".
pub fn target_text(tr: &Tr, target: &Target) -> String {
    let value = trim_number(target.value);
    let share = target.share.map(trim_number).unwrap_or_default();
    let id = format!("logic-models-target-text-{}", target.kind.code());
    tr.with_args(&id, &[("value", value), ("share", share)])
}

/// An outcome's progress in words: who was judged and what they reached.
pub fn progress_text(tr: &Tr, p: &OutcomeProgress) -> String {
    let status = tr.t(p.status.message_id());
    match (&p.progress, p.status) {
        (Some(progress), ProgressStatus::Met | ProgressStatus::NotYet) => {
            let achieved = progress.achieved.map(trim_number).unwrap_or_default();
            let id =
                if progress.meeting.is_some() { "logic-models-progress-share" } else { "logic-models-progress-mean" };
            let detail = tr.with_args(id, &[("n", progress.n.to_string()), ("achieved", achieved)]);
            format!("{status} · {detail}")
        }
        _ => status,
    }
}

fn standing_tag(s: Standing) -> &'static str {
    match s {
        Standing::Complete => "tag tag-success",
        Standing::Incomplete => "tag tag-warning",
        Standing::Missing => "tag tag-danger",
        Standing::Inactive => "tag tag-muted",
    }
}

fn progress_tag(s: ProgressStatus) -> &'static str {
    match s {
        ProgressStatus::Met => "tag tag-success",
        ProgressStatus::NotYet => "tag tag-warning",
        ProgressStatus::NotMeasured | ProgressStatus::NoTarget => "tag tag-muted",
    }
}

fn number(n: f64) -> String {
    trim_number((n * 10.0).round() / 10.0)
}

// ---------- the organisation overview ----------

#[derive(Template, WebTemplate)]
#[template(path = "logic_models/index.html")]
pub struct OverviewPage {
    pub shell: Shell,
    pub programs: Vec<ProgramValidity>,
    pub may_edit: bool,
}

impl OverviewPage {
    pub fn standing(&self, p: &ProgramValidity) -> String {
        self.shell.t(p.standing.message_id())
    }
    pub fn tag(&self, p: &ProgramValidity) -> &'static str {
        standing_tag(p.standing)
    }
    pub fn gap(&self, g: &Gap) -> String {
        gap_text(&self.shell.tr, g)
    }
    pub fn complete_count(&self) -> usize {
        self.programs.iter().filter(|p| p.complete()).count()
    }
    pub fn active_count(&self) -> usize {
        self.programs.iter().filter(|p| p.active).count()
    }
}

pub async fn overview_page(ctx: Ctx) -> AppResult<OverviewPage> {
    let programs = service::overview(&ctx.state, &ctx.actor).await?;
    Ok(OverviewPage { shell: ctx.shell().await?, programs, may_edit: service::may_edit(&ctx.actor) })
}

// ---------- one program's model ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The period asked for; a bad one falls back to the last 12 months with the message shown.
async fn period_of(ctx: &Ctx, q: &PeriodQuery) -> AppResult<(Period, FieldErrors)> {
    match service::period(&ctx.state, ctx.actor.org_id, q.from.as_deref(), q.to.as_deref()).await {
        Ok(p) => Ok((p, FieldErrors::new())),
        Err(AppError::Invalid(errors)) => Ok((Period::last_year(ctx.today()), errors)),
        Err(e) => Err(e),
    }
}

/// The parts of a model as the show, revision and print pages read them.
pub struct Reading<'a> {
    tr: &'a Tr,
}

impl Reading<'_> {
    pub fn evidence_kind(&self, n: &Need) -> String {
        n.evidence_kind.map(|k| label(self.tr, k)).unwrap_or_default()
    }
    pub fn input_kind(&self, k: &InputKind) -> String {
        label(self.tr, *k)
    }
    pub fn output_kind(&self, k: &OutputKind) -> String {
        label(self.tr, *k)
    }
    pub fn area(&self, a: &OutcomeArea) -> String {
        label(self.tr, *a)
    }
    pub fn level(&self, l: &ImpactLevel) -> String {
        label(self.tr, *l)
    }
    pub fn target(&self, o: &Outcome) -> String {
        o.target.as_ref().map(|t| target_text(self.tr, t)).unwrap_or_else(|| "—".into())
    }
    pub fn planned(&self, o: &OutputPlan) -> String {
        o.planned.map(number).unwrap_or_else(|| "—".into())
    }
    /// Inputs of one kind, in order.
    pub fn inputs_of<'d>(&self, doc: &'d ModelDoc, kind: &InputKind) -> Vec<&'d Input> {
        doc.inputs.iter().filter(|i| i.kind == *kind).collect()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "logic_models/show.html")]
pub struct ShowPage {
    pub shell: Shell,
    pub v: ModelView,
    pub measure_names: HashMap<String, String>,
    pub values: PeriodQuery,
    pub errors: FormErrors,
    pub zone: String,
}

impl ShowPage {
    pub fn r(&self) -> Reading<'_> {
        Reading { tr: &self.shell.tr }
    }
    pub fn model_doc(&self) -> &ModelDoc {
        &self.v.model
    }
    pub fn input_kinds(&self) -> &'static [InputKind] {
        InputKind::ALL
    }
    pub fn parts(&self) -> &'static [Part] {
        Part::ALL
    }
    pub fn part_done(&self, part: &Part) -> bool {
        self.v.model.count(*part) > 0
    }
    pub fn part_title(&self, part: &Part) -> String {
        self.shell.t(&part_message(*part))
    }
    pub fn standing(&self) -> String {
        self.shell.t(self.v.validity.standing.message_id())
    }
    pub fn tag(&self) -> &'static str {
        standing_tag(self.v.validity.standing)
    }
    pub fn gap(&self, g: &Gap) -> String {
        gap_text(&self.shell.tr, g)
    }
    pub fn measure(&self, o: &Outcome) -> String {
        match &o.instrument_key {
            Some(k) => self.measure_names.get(k).cloned().unwrap_or_else(|| k.clone()),
            None => "—".into(),
        }
    }
    pub fn progress(&self, i: &usize) -> String {
        self.v.progress.get(*i).map(|p| progress_text(&self.shell.tr, p)).unwrap_or_default()
    }
    pub fn progress_tag(&self, i: &usize) -> &'static str {
        self.v.progress.get(*i).map(|p| progress_tag(p.status)).unwrap_or("tag tag-muted")
    }
    pub fn actual(&self, i: &usize) -> String {
        self.v.figures.get(*i).map(|f| number(f.actual)).unwrap_or_default()
    }
    pub fn modes(&self) -> Vec<(String, u64)> {
        self.v
            .outputs
            .contacts_by_mode
            .iter()
            .map(|(m, n)| {
                let text = crate::domain::coaching::ContactMode::parse(m)
                    .map(|c| self.shell.t(&c.message_id()))
                    .unwrap_or_else(|| m.clone());
                (text, *n)
            })
            .collect()
    }
    pub fn period_text(&self) -> String {
        self.shell.tr.with_args(
            "logic-models-period-text",
            &[("from", self.v.period.from.to_string()), ("to", self.v.period.to.to_string())],
        )
    }
    pub fn period_query(&self) -> String {
        format!("?from={}&to={}", self.v.period.from, self.v.period.to)
    }
    pub fn updated(&self) -> String {
        match (self.v.updated_at, &self.v.updated_by) {
            (Some(at), by) => self.shell.tr.with_args(
                "logic-models-updated",
                &[
                    ("date", crate::app::format_local(&self.zone, at)),
                    ("name", by.clone().unwrap_or_default()),
                    ("version", self.v.version.to_string()),
                ],
            ),
            _ => String::new(),
        }
    }
}

async fn measure_names(ctx: &Ctx) -> AppResult<HashMap<String, String>> {
    Ok(service::measure_choices(&ctx.state, ctx.actor.org_id).await?.into_iter().collect())
}

pub async fn show_page(ctx: Ctx, Path(id): Path<Uuid>, Query(q): Query<PeriodQuery>) -> AppResult<Response> {
    let (period, errors) = period_of(&ctx, &q).await?;
    let v = service::view(&ctx.state, &ctx.actor, id, period).await?;
    let page = ShowPage {
        shell: ctx.shell().await?,
        measure_names: measure_names(&ctx).await?,
        values: PeriodQuery { from: Some(v.period.from.to_string()), to: Some(v.period.to.to_string()) },
        errors: FormErrors::new(&ctx.tr, &errors),
        v,
        zone: ctx.org.time_zone.clone(),
    };
    Ok(page.into_response())
}

// ---------- editing: one long form ----------

/// The fields of each part's rows, as named in the form (`needs.text`, repeated once per row) and in
/// error keys (`needs.2.text`).
fn fields(part: Part) -> &'static [&'static str] {
    match part {
        Part::Needs => &["text", "evidence_kind", "evidence_title", "evidence_date", "evidence_link"],
        Part::Inputs => &["kind", "text"],
        Part::Activities => &["text"],
        Part::Outputs => &["kind", "planned"],
        Part::Outcomes => {
            &["id", "statement", "area", "instrument_key", "target_kind", "target_value", "target_share", "timeframe"]
        }
        Part::Impact => &["level", "text"],
    }
}

/// The form as typed: per part, its rows, each the fields' raw text in `fields` order.
#[derive(Clone, Debug, Default)]
pub struct Typed(pub HashMap<&'static str, Vec<Vec<String>>>);

impl Typed {
    fn rows(&self, part: Part) -> &[Vec<String>] {
        self.0.get(part.code()).map(Vec::as_slice).unwrap_or_default()
    }

    fn push(&mut self, part: Part, row: Vec<String>) {
        self.0.entry(part.code()).or_default().push(row);
    }

    /// Reads the posted pairs: the n-th value of `needs.text` belongs to the n-th needs row.
    fn from_form(form: &[(String, String)]) -> Typed {
        let mut typed = Typed::default();
        for part in Part::ALL {
            let names = fields(*part);
            let columns: Vec<Vec<&str>> = names
                .iter()
                .map(|f| {
                    let key = format!("{}.{f}", part.code());
                    form.iter().filter(|(k, _)| *k == key).map(|(_, v)| v.as_str()).collect()
                })
                .collect();
            let rows = columns.iter().map(Vec::len).max().unwrap_or(0).min(rules_max_rows() + 5);
            for i in 0..rows {
                let row: Vec<String> =
                    columns.iter().map(|c| c.get(i).map(|v| v.to_string()).unwrap_or_default()).collect();
                typed.push(*part, row);
            }
        }
        typed
    }

    /// The stored model as form rows.
    fn from_doc(doc: &ModelDoc) -> Typed {
        let mut typed = Typed::default();
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        for n in &doc.needs {
            typed.push(
                Part::Needs,
                vec![
                    n.text.clone(),
                    n.evidence_kind.map(|k| k.code().to_string()).unwrap_or_default(),
                    opt(&n.evidence_title),
                    opt(&n.evidence_date),
                    opt(&n.evidence_link),
                ],
            );
        }
        for x in &doc.inputs {
            typed.push(Part::Inputs, vec![x.kind.code().into(), x.text.clone()]);
        }
        for x in &doc.activities {
            typed.push(Part::Activities, vec![x.text.clone()]);
        }
        for x in &doc.outputs {
            typed.push(Part::Outputs, vec![x.kind.code().into(), x.planned.map(trim_number).unwrap_or_default()]);
        }
        for o in &doc.outcomes {
            typed.push(
                Part::Outcomes,
                vec![
                    o.id.map(|i| i.to_string()).unwrap_or_default(),
                    o.statement.clone(),
                    o.area.code().into(),
                    opt(&o.instrument_key),
                    o.target.map(|t| t.kind.code().to_string()).unwrap_or_default(),
                    o.target.map(|t| trim_number(t.value)).unwrap_or_default(),
                    o.target.and_then(|t| t.share).map(trim_number).unwrap_or_default(),
                    opt(&o.timeframe),
                ],
            );
        }
        for x in &doc.impacts {
            typed.push(Part::Impact, vec![x.level.code().into(), x.text.clone()]);
        }
        typed
    }

    /// One blank row more in `part` (the "add another" buttons), and at least one in every part.
    fn with_blank_rows(mut self, add: Option<Part>) -> Typed {
        for part in Part::ALL {
            let blank = vec![String::new(); fields(*part).len()];
            let rows = self.0.entry(part.code()).or_default();
            if rows.is_empty() || add == Some(*part) {
                rows.push(blank);
            }
        }
        self
    }

    /// The model the form describes (blank rows left out) and, per part, which form row each
    /// model row came from. Errors here are keyed by form row.
    fn to_doc(&self) -> (ModelDoc, HashMap<&'static str, Vec<usize>>, FieldErrors) {
        let mut errors = FieldErrors::new();
        let mut doc = ModelDoc::default();
        let mut origin: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for part in Part::ALL {
            for (i, row) in self.rows(*part).iter().enumerate() {
                let get = |name: &str| -> &str {
                    let at = fields(*part).iter().position(|f| *f == name).unwrap_or(0);
                    row.get(at).map(|v| v.trim()).unwrap_or("")
                };
                // A row is blank when nothing but its hidden id is filled in.
                let blank = fields(*part).iter().zip(row).all(|(f, v)| *f == "id" || v.trim().is_empty());
                if blank {
                    continue;
                }
                let key = |name: &str| format!("{}.{i}.{name}", part.code());
                let text = |name: &str| get(name).to_string();
                let optional = |name: &str| Some(get(name).to_string()).filter(|v| !v.is_empty());
                let before = doc.count(*part);
                match part {
                    Part::Needs => doc.needs.push(Need {
                        text: text("text"),
                        evidence_kind: errors.optional_code(
                            &key("evidence_kind"),
                            optional("evidence_kind").as_deref(),
                            EvidenceKind::parse,
                        ),
                        evidence_title: optional("evidence_title"),
                        evidence_date: optional("evidence_date"),
                        evidence_link: optional("evidence_link"),
                    }),
                    Part::Inputs => {
                        if let Some(kind) = errors.required_code(&key("kind"), get("kind"), InputKind::parse) {
                            doc.inputs.push(Input { kind, text: text("text") });
                        }
                    }
                    Part::Activities => doc.activities.push(Activity { text: text("text") }),
                    Part::Outputs => {
                        let kind = errors.required_code(&key("kind"), get("kind"), OutputKind::parse);
                        let planned = parse_number(&mut errors, &key("planned"), get("planned"));
                        if let Some(kind) = kind {
                            doc.outputs.push(OutputPlan { kind, planned });
                        }
                    }
                    Part::Outcomes => {
                        let area = errors.required_code(&key("area"), get("area"), OutcomeArea::parse);
                        let target_kind = errors.optional_code(
                            &key("target_kind"),
                            optional("target_kind").as_deref(),
                            TargetKind::parse,
                        );
                        let value = parse_number(&mut errors, &key("target_value"), get("target_value"));
                        let share = parse_number(&mut errors, &key("target_share"), get("target_share"));
                        let target = match (target_kind, value) {
                            (Some(kind), Some(value)) => Some(Target { kind, value, share }),
                            (Some(_), None) => {
                                errors.add(&key("target_value"), "logic-models-error-target-value-required");
                                None
                            }
                            (None, Some(_)) => {
                                errors.add(&key("target_kind"), "logic-models-error-target-kind-required");
                                None
                            }
                            (None, None) => None,
                        };
                        if let Some(area) = area {
                            doc.outcomes.push(Outcome {
                                id: get("id").parse().ok(),
                                statement: text("statement"),
                                area,
                                instrument_key: optional("instrument_key"),
                                target,
                                timeframe: optional("timeframe"),
                            });
                        }
                    }
                    Part::Impact => {
                        if let Some(level) = errors.required_code(&key("level"), get("level"), ImpactLevel::parse) {
                            doc.impacts.push(Impact { level, text: text("text") });
                        }
                    }
                }
                if doc.count(*part) > before {
                    origin.entry(part.code()).or_default().push(i);
                }
            }
        }
        (doc, origin, errors)
    }
}

fn rules_max_rows() -> usize {
    crate::domain::logic_models::MAX_ROWS
}

fn parse_number(errors: &mut FieldErrors, key: &str, raw: &str) -> Option<f64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.replace(',', ".").parse::<f64>() {
        Ok(n) if n.is_finite() => Some(n),
        _ => {
            errors.add(key, "logic-models-error-number");
            None
        }
    }
}

/// Rewrites the service's error keys (model row numbers) to the form's (form row numbers).
fn to_form_keys(errors: FieldErrors, origin: &HashMap<&'static str, Vec<usize>>) -> FieldErrors {
    let mut out = FieldErrors::new();
    for mut e in errors.0 {
        let mut parts = e.field.splitn(3, '.');
        if let (Some(part), Some(n), Some(rest)) = (parts.next(), parts.next(), parts.next())
            && let Some(row) = n.parse::<usize>().ok().and_then(|n| origin.get(part)?.get(n))
        {
            e.field = format!("{part}.{row}.{rest}");
        }
        out.0.push(e);
    }
    out
}

/// One input on the form.
pub struct Cell {
    pub id: String,
    pub name: String,
    pub label: String,
    pub value: String,
    /// `text`, `textarea`, `select`, `number` or `hidden`.
    pub kind: &'static str,
    pub options: Vec<(String, String, bool)>,
    pub hint: String,
    pub error: Option<String>,
}

pub struct FormRow {
    pub legend: String,
    pub cells: Vec<Cell>,
}

pub struct Section {
    pub part: &'static str,
    pub title: String,
    pub hint: String,
    pub add: String,
    pub rows: Vec<FormRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "logic_models/edit.html")]
pub struct EditPage {
    pub shell: Shell,
    pub program: ProgramSummary,
    pub version: i32,
    pub sections: Vec<Section>,
    pub errors: FormErrors,
    pub conflict: bool,
    /// The part a row was just added to (the page opens there).
    pub added: Option<&'static str>,
}

fn options<T: TextCode>(tr: &Tr, selected: &str, blank: bool) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    if blank {
        out.push((String::new(), tr.t("logic-models-choose"), selected.is_empty()));
    }
    out.extend(T::all().iter().map(|v| (v.code().to_string(), label(tr, *v), v.code() == selected)));
    out
}

fn sections(tr: &Tr, typed: &Typed, measures: &[(String, String)], errors: &FormErrors) -> Vec<Section> {
    Part::ALL
        .iter()
        .map(|part| {
            let names = fields(*part);
            let rows = typed
                .rows(*part)
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let cells = names
                        .iter()
                        .zip(row)
                        .map(|(field, value)| {
                            let id = format!("{}.{i}.{field}", part.code());
                            let (kind, options) = match (*part, *field) {
                                (Part::Needs, "evidence_kind") => ("select", options::<EvidenceKind>(tr, value, true)),
                                (Part::Inputs, "kind") => ("select", options::<InputKind>(tr, value, true)),
                                (Part::Outputs, "kind") => ("select", options::<OutputKind>(tr, value, true)),
                                (Part::Outcomes, "area") => ("select", options::<OutcomeArea>(tr, value, true)),
                                (Part::Outcomes, "target_kind") => ("select", options::<TargetKind>(tr, value, true)),
                                (Part::Outcomes, "instrument_key") => {
                                    let mut o = vec![(String::new(), tr.t("logic-models-choose"), value.is_empty())];
                                    o.extend(measures.iter().map(|(k, n)| (k.clone(), n.clone(), k == value)));
                                    if !value.is_empty() && !measures.iter().any(|(k, _)| k == value) {
                                        o.push((value.clone(), value.clone(), true));
                                    }
                                    ("select", o)
                                }
                                (Part::Impact, "level") => ("select", options::<ImpactLevel>(tr, value, true)),
                                (_, "id") => ("hidden", Vec::new()),
                                (_, "planned" | "target_value" | "target_share") => ("number", Vec::new()),
                                (Part::Needs | Part::Outcomes, "text" | "statement") => ("textarea", Vec::new()),
                                _ => ("text", Vec::new()),
                            };
                            let hint_id = format!("logic-models-hint-{}-{}", part.code(), field.replace('_', "-"));
                            let hint = tr.t(&hint_id);
                            Cell {
                                label: tr.t(&format!("logic-models-field-{}-{}", part.code(), field.replace('_', "-"))),
                                name: format!("{}.{field}", part.code()),
                                value: value.clone(),
                                kind,
                                options,
                                hint: if hint == hint_id { String::new() } else { hint },
                                error: errors.get(&id).map(str::to_string),
                                id,
                            }
                        })
                        .collect();
                    FormRow {
                        legend: tr
                            .with_args(&format!("logic-models-row-{}", part.code()), &[("n", (i + 1).to_string())]),
                        cells,
                    }
                })
                .collect();
            Section {
                part: part.code(),
                title: tr.t(&part_message(*part)),
                hint: tr.t(&format!("logic-models-edit-hint-{}", part.code())),
                add: tr.t(&format!("logic-models-add-{}", part.code())),
                rows,
            }
        })
        .collect()
}

async fn edit_page_for(ctx: &Ctx, id: Uuid, typed: Option<Typed>, add: Option<Part>) -> AppResult<EditPage> {
    service::require_edit(&ctx.state, &ctx.actor, id).await?;
    let conn = ctx.state.db.conn();
    let program = crate::db::org::program(&ctx.state.db, ctx.actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    let stored = service::load(conn, ctx.actor.org_id, id).await?;
    let version = stored.as_ref().map_or(0, |s| s.row.version);
    let typed = typed.unwrap_or_else(|| stored.map(|s| Typed::from_doc(&s.doc)).unwrap_or_default());
    let measures = service::measure_choices(&ctx.state, ctx.actor.org_id).await?;
    let typed = typed.with_blank_rows(add);
    Ok(EditPage {
        shell: ctx.shell().await?,
        program: ProgramSummary::from(&program),
        version,
        sections: sections(&ctx.tr, &typed, &measures, &FormErrors::default()),
        errors: FormErrors::default(),
        conflict: false,
        added: add.map(Part::code),
    })
}

pub async fn edit_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<EditPage> {
    edit_page_for(&ctx, id, None, None).await
}

fn field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

/// Saves the form, or adds a row when an "add another" button was pressed.
pub async fn save(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = field(&form, "version")
        .and_then(|v| v.trim().parse::<i32>().ok())
        .ok_or(AppError::BadRequest("error-bad-form"))?;
    let typed = Typed::from_form(&form);
    if let Some(part) = field(&form, "add").as_deref().and_then(Part::parse) {
        let mut page = edit_page_for(&ctx, id, Some(typed), Some(part)).await?;
        page.version = version;
        return Ok(page.into_response());
    }
    let (doc, origin, parse_errors) = typed.to_doc();
    // Parse errors are keyed by form row already; the service's by model row.
    let errors = if !parse_errors.is_empty() {
        parse_errors
    } else {
        match service::save(&ctx.state, &ctx.actor, id, version, doc).await {
            Ok(_) => {
                ctx.flash("success", "logic-models-saved").await?;
                return Ok(see_other(&format!("/programs/{id}/logic-model")));
            }
            Err(AppError::Invalid(errors)) => to_form_keys(errors, &origin),
            Err(AppError::Conflict) => {
                // What was typed stays; the form now carries the saved version.
                let mut page = edit_page_for(&ctx, id, Some(typed), None).await?;
                page.conflict = true;
                return Ok((StatusCode::CONFLICT, page).into_response());
            }
            Err(other) => return Err(other),
        }
    };
    let mut page = edit_page_for(&ctx, id, Some(typed.clone()), None).await?;
    let form_errors = FormErrors::new(&ctx.tr, &errors);
    let measures = service::measure_choices(&ctx.state, ctx.actor.org_id).await?;
    page.sections = sections(&ctx.tr, &typed.with_blank_rows(None), &measures, &form_errors);
    page.errors = form_errors;
    page.version = version;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

// ---------- the one-page print ----------

#[derive(Template, WebTemplate)]
#[template(path = "logic_models/print.html")]
pub struct PrintPage {
    pub shell: Shell,
    pub page: ShowPage,
    pub printed_on: time::Date,
}

impl PrintPage {
    pub fn r(&self) -> Reading<'_> {
        self.page.r()
    }
    /// Needs with evidence, numbered as footnotes in the order they appear.
    pub fn footnotes(&self) -> Vec<(usize, String)> {
        let r = self.r();
        self.page
            .v
            .model
            .needs
            .iter()
            .filter(|n| n.evidence_title.is_some())
            .enumerate()
            .map(|(i, n)| {
                let mut text = format!("{}: {}", r.evidence_kind(n), n.evidence_title.clone().unwrap_or_default());
                if let Some(d) = &n.evidence_date {
                    text.push_str(&format!(" ({d})"));
                }
                if let Some(l) = &n.evidence_link {
                    text.push_str(&format!(". {l}"));
                }
                (i + 1, text)
            })
            .collect()
    }
    /// The footnote number of the `i`-th need, if it cites evidence.
    pub fn note_of(&self, i: &usize) -> Option<usize> {
        let needs = &self.page.v.model.needs;
        needs.get(*i)?.evidence_title.as_ref()?;
        Some(needs[..=*i].iter().filter(|n| n.evidence_title.is_some()).count())
    }
}

/// The classic columns layout on one landscape page; the browser prints it or saves it as PDF.
pub async fn print_page(ctx: Ctx, Path(id): Path<Uuid>, Query(q): Query<PeriodQuery>) -> AppResult<PrintPage> {
    let (period, errors) = period_of(&ctx, &q).await?;
    let v = service::view(&ctx.state, &ctx.actor, id, period).await?;
    let page = ShowPage {
        shell: ctx.shell().await?,
        measure_names: measure_names(&ctx).await?,
        values: PeriodQuery::default(),
        errors: FormErrors::new(&ctx.tr, &errors),
        v,
        zone: ctx.org.time_zone.clone(),
    };
    Ok(PrintPage { shell: ctx.shell().await?, page, printed_on: ctx.today() })
}

// ---------- history ----------

#[derive(Template, WebTemplate)]
#[template(path = "logic_models/history.html")]
pub struct HistoryPage {
    pub shell: Shell,
    pub program: ProgramSummary,
    pub revisions: Vec<RevisionSummary>,
    pub zone: String,
}

impl HistoryPage {
    pub fn at(&self, r: &RevisionSummary) -> String {
        crate::app::format_local(&self.zone, r.saved_at)
    }
}

pub async fn history_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<HistoryPage> {
    let (program, revisions) = service::revisions(&ctx.state, &ctx.actor, id).await?;
    Ok(HistoryPage { shell: ctx.shell().await?, program, revisions, zone: ctx.org.time_zone.clone() })
}

#[derive(Template, WebTemplate)]
#[template(path = "logic_models/revision.html")]
pub struct RevisionPage {
    pub shell: Shell,
    pub program: ProgramSummary,
    pub revision: RevisionSummary,
    pub doc: ModelDoc,
    pub measure_names: HashMap<String, String>,
    pub zone: String,
}

impl RevisionPage {
    pub fn r(&self) -> Reading<'_> {
        Reading { tr: &self.shell.tr }
    }
    pub fn model_doc(&self) -> &ModelDoc {
        &self.doc
    }
    pub fn input_kinds(&self) -> &'static [InputKind] {
        InputKind::ALL
    }
    pub fn at(&self) -> String {
        crate::app::format_local(&self.zone, self.revision.saved_at)
    }
    pub fn measure(&self, o: &Outcome) -> String {
        match &o.instrument_key {
            Some(k) => self.measure_names.get(k).cloned().unwrap_or_else(|| k.clone()),
            None => "—".into(),
        }
    }
}

pub async fn revision_page(ctx: Ctx, Path((id, version)): Path<(Uuid, i32)>) -> AppResult<RevisionPage> {
    let (program, revision, doc) = service::revision(&ctx.state, &ctx.actor, id, version).await?;
    Ok(RevisionPage {
        shell: ctx.shell().await?,
        program,
        revision,
        doc,
        measure_names: measure_names(&ctx).await?,
        zone: ctx.org.time_zone.clone(),
    })
}
