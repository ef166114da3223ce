//! Instruments and indicators (CSE 1.02): pages. `/instruments` lists the built-in and the
//! organisation's own definitions; `/instruments/{key}` shows one (older versions with `?version=`);
//! `/instruments/new` (optionally `?from=<built-in key>` to start from a copy) and
//! `/instruments/{key}/edit` define them; `/instruments/{key}/try` scores answers without storing them.
//! Everything goes through `outcomes::instruments`.

use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::access::{self, Action, Reach};
use crate::domain::FieldErrors;
use crate::domain::instruments::{
    AnswerScale, AnswerValue, Answers, ChoiceOption, InstrumentDef, InstrumentKind, InterpretationRule, ItemDef,
    ScalePoint, Scored, Scoring, fmt_num,
};
use crate::domain::outcomes::OutcomeArea;
use crate::error::{AppError, AppResult};
use crate::outcomes::instruments::{self as service, Detail, Listed};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Blank item rows offered below the filled ones; "more rows" adds this many again.
const BLANK_ROWS: usize = 2;
const MAX_ROWS: usize = crate::domain::instruments::MAX_ITEMS;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/instruments", get(list_page).post(create))
        .route("/instruments/new", get(new_page))
        .route("/instruments/{key}", get(show_page))
        .route("/instruments/{key}/edit", get(edit_page).post(save))
        .route("/instruments/{key}/retire", post(retire))
        .route("/instruments/{key}/reactivate", post(reactivate))
        .route("/instruments/{key}/try", get(try_page).post(try_score))
}

use crate::app::AppState;

fn kind_label(shell: &Shell, kind: InstrumentKind) -> String {
    shell.t(&format!("instruments-kind-{}", kind.code()))
}

fn area_label(shell: &Shell, area: OutcomeArea) -> String {
    shell.t(&format!("instruments-area-{}", area.code()))
}

// ---------- list ----------

#[derive(Template, WebTemplate)]
#[template(path = "instruments/list.html")]
pub struct ListPage {
    pub shell: Shell,
    pub rows: Vec<Listed>,
    pub may_manage: bool,
}

impl ListPage {
    pub fn kind(&self, def: &InstrumentDef) -> String {
        kind_label(&self.shell, def.kind)
    }
    pub fn area(&self, def: &InstrumentDef) -> String {
        area_label(&self.shell, def.outcome_area)
    }
}

pub async fn list_page(ctx: Ctx) -> AppResult<ListPage> {
    let rows = service::list(&ctx.state, &ctx.actor).await?;
    Ok(ListPage {
        shell: ctx.shell().await?,
        rows,
        may_manage: access::allows(&ctx.actor, Action::ManageInstruments, Reach::Outside),
    })
}

// ---------- one definition ----------

#[derive(Template, WebTemplate)]
#[template(path = "instruments/show.html")]
pub struct ShowPage {
    pub shell: Shell,
    pub d: Detail,
    /// True when an older version than the latest is shown.
    pub older: bool,
}

impl ShowPage {
    pub fn kind(&self) -> String {
        kind_label(&self.shell, self.d.def.kind)
    }
    pub fn area(&self) -> String {
        area_label(&self.shell, self.d.def.outcome_area)
    }
    pub fn num(&self, n: &f64) -> String {
        fmt_num(*n)
    }
    pub fn scoring(&self) -> String {
        match &self.d.def.scoring {
            Scoring::ScaledSum { factor } => {
                self.shell.t1("instruments-scoring-scaled-sum", "factor", fmt_num(*factor))
            }
            Scoring::Formula { expression } => self.shell.t1("instruments-scoring-formula", "formula", expression),
            other => self.shell.t(&format!("instruments-scoring-{}", other.method())),
        }
    }
    pub fn scale(&self, scale: &AnswerScale) -> Vec<String> {
        scale_lines(&self.shell, scale)
    }
    pub fn rule_range(&self, r: &InterpretationRule) -> String {
        match (r.min, r.max) {
            (Some(a), Some(b)) if a == b => fmt_num(a),
            (Some(a), Some(b)) => format!("{}–{}", fmt_num(a), fmt_num(b)),
            (Some(a), None) => self.shell.t1("instruments-rule-at-least", "value", fmt_num(a)),
            (None, Some(b)) => self.shell.t1("instruments-rule-at-most", "value", fmt_num(b)),
            (None, None) => self.shell.t("instruments-rule-otherwise"),
        }
    }
    pub fn translations(&self, item: &ItemDef) -> Vec<(String, String)> {
        item.translations.iter().map(|(l, t)| (l.to_uppercase(), t.clone())).collect()
    }
}

fn scale_lines(shell: &Shell, scale: &AnswerScale) -> Vec<String> {
    match scale {
        AnswerScale::Points { points } => {
            points.iter().map(|p| format!("{} = {}", fmt_num(p.value), p.label)).collect()
        }
        AnswerScale::YesNo => vec![shell.t("instruments-scale-yes-no-text")],
        AnswerScale::Count { min, max, unit } => vec![shell.tr.with_args(
            "instruments-scale-count-text",
            &[("min", min.to_string()), ("max", max.to_string()), ("unit", unit.clone().unwrap_or_default())],
        )],
        AnswerScale::Choice { options } => {
            options.iter().map(|o| format!("{} = {} ({})", o.label, fmt_num(o.value), o.code)).collect()
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionQuery {
    version: Option<String>,
}

pub async fn show_page(ctx: Ctx, Path(key): Path<String>, Query(q): Query<VersionQuery>) -> AppResult<ShowPage> {
    let version = match q.version.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => Some(v.parse::<i32>().map_err(|_| AppError::NotFound)?),
    };
    let d = service::detail(&ctx.state, &ctx.actor, &key, version).await?;
    Ok(ShowPage { shell: ctx.shell().await?, older: d.def.version < d.latest_version, d })
}

pub async fn retire(
    ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    service::set_active(&ctx.state, &ctx.actor, &key, false).await?;
    ctx.flash("success", "instruments-retired").await?;
    Ok(see_other(&format!("/instruments/{key}")))
}

pub async fn reactivate(
    ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    service::set_active(&ctx.state, &ctx.actor, &key, true).await?;
    ctx.flash("success", "instruments-reactivated").await?;
    Ok(see_other(&format!("/instruments/{key}")))
}

// ---------- the definition form ----------

/// One item row as the form shows and sends it.
#[derive(Clone, Debug, Default)]
pub struct ItemRow {
    pub key: String,
    pub text: String,
    pub text_es: String,
    pub text_fr: String,
    pub required: bool,
    /// points, yes-no, count, choice, or empty for "same as the item above".
    pub scale: String,
    /// Points: `value = label` lines; choice: `code = label = value` lines.
    pub lines: String,
    pub min: String,
    pub max: String,
    pub unit: String,
}

impl ItemRow {
    fn is_blank(&self) -> bool {
        self.key.trim().is_empty() && self.text.trim().is_empty() && self.lines.trim().is_empty()
    }

    fn of(item: &ItemDef, previous: Option<&AnswerScale>) -> ItemRow {
        let mut row = ItemRow {
            key: item.key.clone(),
            text: item.text.clone(),
            text_es: item.translations.get("es").cloned().unwrap_or_default(),
            text_fr: item.translations.get("fr").cloned().unwrap_or_default(),
            required: item.required,
            ..Default::default()
        };
        if previous == Some(&item.scale) {
            return row;
        }
        row.scale = item.scale.type_code().to_string();
        match &item.scale {
            AnswerScale::Points { points } => {
                row.lines =
                    points.iter().map(|p| format!("{} = {}", fmt_num(p.value), p.label)).collect::<Vec<_>>().join("\n")
            }
            AnswerScale::Choice { options } => {
                row.lines = options
                    .iter()
                    .map(|o| format!("{} = {} = {}", o.code, o.label, fmt_num(o.value)))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            AnswerScale::Count { min, max, unit } => {
                row.min = min.to_string();
                row.max = max.to_string();
                row.unit = unit.clone().unwrap_or_default();
            }
            AnswerScale::YesNo => {}
        }
        row
    }
}

/// Everything the form sends besides the items.
#[derive(Clone, Debug, Default)]
pub struct Fields {
    pub key: String,
    pub name: String,
    pub kind: String,
    pub outcome_area: String,
    pub higher_is_better: String,
    pub description: String,
    pub measures: String,
    pub score_min: String,
    pub score_max: String,
    pub cut_off: String,
    pub meaningful_change: String,
    pub method: String,
    pub factor: String,
    pub formula: String,
    /// `min | max | text` lines (either bound may be blank).
    pub interpretation: String,
    pub source: String,
    pub licence: String,
    pub wording_altered: bool,
    pub copied_from: String,
}

fn fields_of(def: &InstrumentDef) -> Fields {
    let (factor, formula) = match &def.scoring {
        Scoring::ScaledSum { factor } => (fmt_num(*factor), String::new()),
        Scoring::Formula { expression } => (String::new(), expression.clone()),
        _ => (String::new(), String::new()),
    };
    let opt = |v: Option<f64>| v.map(fmt_num).unwrap_or_default();
    Fields {
        key: def.key.clone(),
        name: def.name.clone(),
        kind: def.kind.code().into(),
        outcome_area: def.outcome_area.code().into(),
        higher_is_better: if def.higher_is_better { "yes" } else { "no" }.into(),
        description: def.description.clone(),
        measures: def.measures.clone(),
        score_min: fmt_num(def.score_min),
        score_max: fmt_num(def.score_max),
        cut_off: opt(def.cut_off),
        meaningful_change: opt(def.meaningful_change),
        method: def.scoring.method().into(),
        factor,
        formula,
        interpretation: def
            .interpretation
            .iter()
            .map(|r| format!("{} | {} | {}", opt(r.min), opt(r.max), r.text))
            .collect::<Vec<_>>()
            .join("\n"),
        source: def.source.clone().unwrap_or_default(),
        licence: def.licence.clone().unwrap_or_default(),
        wording_altered: def.wording_altered,
        copied_from: def.copied_from.clone().unwrap_or_default(),
    }
}

fn rows_of(def: &InstrumentDef) -> Vec<ItemRow> {
    let mut previous: Option<&AnswerScale> = None;
    let mut rows = Vec::new();
    for item in &def.items {
        rows.push(ItemRow::of(item, previous));
        previous = Some(&item.scale);
    }
    rows
}

struct Sent {
    fields: Fields,
    rows: Vec<ItemRow>,
    based_on: i32,
    more: bool,
}

fn read_form(form: &[(String, String)]) -> Sent {
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut rows: Vec<ItemRow> = Vec::new();
    for (name, value) in form {
        let Some(rest) = name.strip_prefix("item_") else { continue };
        let Some((i, field)) = rest.split_once('_') else { continue };
        let Ok(i) = i.parse::<usize>() else { continue };
        if i >= MAX_ROWS {
            continue;
        }
        if rows.len() <= i {
            rows.resize_with(i + 1, ItemRow::default);
        }
        let row = &mut rows[i];
        match field {
            "key" => row.key = value.clone(),
            "text" => row.text = value.clone(),
            "text_es" => row.text_es = value.clone(),
            "text_fr" => row.text_fr = value.clone(),
            "required" => row.required = value == "yes",
            "scale" => row.scale = value.clone(),
            "lines" => row.lines = value.clone(),
            "min" => row.min = value.clone(),
            "max" => row.max = value.clone(),
            "unit" => row.unit = value.clone(),
            _ => {}
        }
    }
    let fields = Fields {
        key: get("key"),
        name: get("name"),
        kind: get("kind"),
        outcome_area: get("outcome_area"),
        higher_is_better: get("higher_is_better"),
        description: get("description"),
        measures: get("measures"),
        score_min: get("score_min"),
        score_max: get("score_max"),
        cut_off: get("cut_off"),
        meaningful_change: get("meaningful_change"),
        method: get("method"),
        factor: get("factor"),
        formula: get("formula"),
        interpretation: get("interpretation"),
        source: get("source"),
        licence: get("licence"),
        wording_altered: get("wording_altered") == "on",
        copied_from: get("copied_from"),
    };
    Sent { fields, rows, based_on: get("based_on").parse().unwrap_or(0), more: form.iter().any(|(n, _)| n == "more") }
}

fn number(e: &mut FieldErrors, field: &str, raw: &str, required: bool) -> Option<f64> {
    let raw = raw.trim();
    if raw.is_empty() {
        if required {
            e.add(field, "error-required");
        }
        return None;
    }
    match raw.parse::<f64>() {
        Ok(n) if n.is_finite() => Some(n),
        _ => {
            e.add(field, "instruments-error-not-a-number");
            None
        }
    }
}

/// Builds a definition from the form, reporting what cannot even be read (numbers, line formats);
/// the definition's own rules are checked by the service.
fn to_def(sent: &Sent) -> Result<InstrumentDef, FieldErrors> {
    let f = &sent.fields;
    let mut e = FieldErrors::new();
    let kind = e.required_code("kind", &f.kind, InstrumentKind::parse);
    let outcome_area = e.required_code("outcome_area", &f.outcome_area, OutcomeArea::parse);
    let higher_is_better = match f.higher_is_better.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            e.add("higher_is_better", "error-required");
            true
        }
    };
    let score_min = number(&mut e, "score_min", &f.score_min, true);
    let score_max = number(&mut e, "score_max", &f.score_max, true);
    let cut_off = number(&mut e, "cut_off", &f.cut_off, false);
    let meaningful_change = number(&mut e, "meaningful_change", &f.meaningful_change, false);
    let scoring = match f.method.as_str() {
        "sum" => Scoring::Sum,
        "mean" => Scoring::Mean,
        "scaled-sum" => Scoring::ScaledSum { factor: number(&mut e, "factor", &f.factor, true).unwrap_or(1.0) },
        "formula" => {
            if f.formula.trim().is_empty() {
                e.add("formula", "error-required");
            }
            Scoring::Formula { expression: f.formula.trim().to_string() }
        }
        "" => {
            e.add("method", "error-required");
            Scoring::Sum
        }
        _ => {
            e.add("method", "error-unknown-choice");
            Scoring::Sum
        }
    };
    let mut interpretation = Vec::new();
    for (n, line) in f.interpretation.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.splitn(3, '|').map(str::trim).collect();
        let bound = |s: &str| if s.is_empty() { Ok(None) } else { s.parse::<f64>().map(Some).map_err(|_| ()) };
        match parts.as_slice() {
            [min, max, text] => match (bound(min), bound(max)) {
                (Ok(min), Ok(max)) => interpretation.push(InterpretationRule { min, max, text: text.to_string() }),
                _ => e.add_with("interpretation", "instruments-error-rule-line", vec![("line", (n + 1).to_string())]),
            },
            _ => e.add_with("interpretation", "instruments-error-rule-line", vec![("line", (n + 1).to_string())]),
        }
    }
    let mut items = Vec::new();
    let mut previous: Option<AnswerScale> = None;
    for (i, row) in sent.rows.iter().enumerate().filter(|(_, r)| !r.is_blank()) {
        let field = |name: &str| format!("item_{i}_{name}");
        let scale = match row.scale.as_str() {
            "" => match &previous {
                Some(s) => Some(s.clone()),
                None => {
                    e.add(&field("scale"), "instruments-error-scale-first");
                    None
                }
            },
            "yes-no" => Some(AnswerScale::YesNo),
            "count" => {
                let min = number(&mut e, &field("min"), &row.min, true);
                let max = number(&mut e, &field("max"), &row.max, true);
                match (min, max) {
                    (Some(min), Some(max))
                        if min.fract() == 0.0 && max.fract() == 0.0 && min.abs() < 1e6 && max.abs() < 1e6 =>
                    {
                        let unit = Some(row.unit.trim().to_string()).filter(|u| !u.is_empty());
                        Some(AnswerScale::Count { min: min as i32, max: max as i32, unit })
                    }
                    (Some(_), Some(_)) => {
                        e.add(&field("min"), "instruments-error-count-range");
                        None
                    }
                    _ => None,
                }
            }
            "points" => {
                let mut points = Vec::new();
                for (n, line) in row.lines.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                    match line.split_once('=').map(|(v, l)| (v.trim().parse::<f64>(), l.trim())) {
                        Some((Ok(value), label)) if value.is_finite() => {
                            points.push(ScalePoint { value, label: label.to_string() })
                        }
                        _ => e.add_with(
                            &field("lines"),
                            "instruments-error-point-line",
                            vec![("line", (n + 1).to_string())],
                        ),
                    }
                }
                Some(AnswerScale::Points { points })
            }
            "choice" => {
                let mut options = Vec::new();
                for (n, line) in row.lines.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                    let parts: Vec<&str> = line.split('=').map(str::trim).collect();
                    match parts.as_slice() {
                        [code, label, value] if value.parse::<f64>().is_ok_and(f64::is_finite) => {
                            options.push(ChoiceOption {
                                code: code.to_string(),
                                label: label.to_string(),
                                value: value.parse().unwrap_or_default(),
                            })
                        }
                        _ => e.add_with(
                            &field("lines"),
                            "instruments-error-choice-line",
                            vec![("line", (n + 1).to_string())],
                        ),
                    }
                }
                Some(AnswerScale::Choice { options })
            }
            _ => {
                e.add(&field("scale"), "error-unknown-choice");
                None
            }
        };
        if let Some(scale) = &scale {
            previous = Some(scale.clone());
        }
        let mut translations = BTreeMap::new();
        for (lang, text) in [("es", &row.text_es), ("fr", &row.text_fr)] {
            if !text.trim().is_empty() {
                translations.insert(lang.to_string(), text.trim().to_string());
            }
        }
        items.push(ItemDef {
            key: row.key.trim().to_string(),
            text: row.text.trim().to_string(),
            translations,
            required: row.required,
            scale: scale.unwrap_or(AnswerScale::YesNo),
        });
    }
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let def = InstrumentDef {
        key: f.key.trim().to_string(),
        version: sent.based_on.max(1),
        name: f.name.trim().to_string(),
        kind: kind.unwrap_or(InstrumentKind::Indicator),
        built_in: false,
        active: true,
        description: f.description.trim().to_string(),
        measures: f.measures.trim().to_string(),
        outcome_area: outcome_area.unwrap_or(OutcomeArea::Other),
        higher_is_better,
        score_min: score_min.unwrap_or(0.0),
        score_max: score_max.unwrap_or(0.0),
        cut_off,
        meaningful_change,
        items,
        scoring,
        interpretation,
        computed_from: None,
        source: text(&f.source),
        licence: text(&f.licence),
        wording_altered: f.wording_altered,
        copied_from: text(&f.copied_from),
    };
    if !e.is_empty() {
        // Also report the definition's own problems, so every mistake shows at once.
        if let Err(more) = def.validate() {
            for err in more.0 {
                if e.for_field(&form_field(&err.field, &sent.rows)).is_none() {
                    e.add_with(&err.field, err.message_id, err.args);
                }
            }
        }
        return Err(e);
    }
    Ok(def)
}

/// Maps a definition field (`items.3.key`) to the form's field (`item_{row}_key`), counting only the
/// filled rows as the definition does.
fn form_field(field: &str, rows: &[ItemRow]) -> String {
    let Some(rest) = field.strip_prefix("items.") else { return field.to_string() };
    let Some((n, name)) = rest.split_once('.') else { return field.to_string() };
    let Ok(n) = n.parse::<usize>() else { return field.to_string() };
    let row =
        rows.iter().enumerate().filter(|(_, r)| !r.is_blank()).nth(n.saturating_sub(1)).map(|(i, _)| i).unwrap_or(0);
    let name = match name {
        "scale" => "lines",
        "translations" => "text_es",
        other => other,
    };
    format!("item_{row}_{name}")
}

fn form_errors(e: FieldErrors, rows: &[ItemRow]) -> FieldErrors {
    FieldErrors(
        e.0.into_iter()
            .map(|mut err| {
                err.field = form_field(&err.field, rows);
                err
            })
            .collect(),
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "instruments/form.html")]
pub struct FormPage {
    pub shell: Shell,
    pub action: String,
    /// The key being edited (None for a new definition).
    pub editing: Option<String>,
    pub based_on: i32,
    /// Measurements on the version being edited (a save then becomes the next version).
    pub used: u64,
    pub f: Fields,
    pub rows: Vec<ItemRow>,
    pub errors: FormErrors,
}

impl FormPage {
    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.get(field).map(String::from)
    }
    pub fn row_error(&self, i: &usize, field: &str) -> Option<String> {
        self.error(&format!("item_{i}_{field}"))
    }
    pub fn kinds(&self) -> Vec<(&'static str, String, bool)> {
        [InstrumentKind::Scale, InstrumentKind::Screener, InstrumentKind::Indicator]
            .iter()
            .map(|k| (k.code(), kind_label(&self.shell, *k), self.f.kind == k.code()))
            .collect()
    }
    pub fn areas(&self) -> Vec<(&'static str, String, bool)> {
        OutcomeArea::ALL
            .iter()
            .map(|a| (a.code(), area_label(&self.shell, *a), self.f.outcome_area == a.code()))
            .collect()
    }
    pub fn directions(&self) -> Vec<(&'static str, String, bool)> {
        [("yes", "instruments-higher-better"), ("no", "instruments-lower-better")]
            .iter()
            .map(|(c, id)| (*c, self.shell.t(id), self.f.higher_is_better == *c))
            .collect()
    }
    pub fn methods(&self) -> Vec<(&'static str, String, bool)> {
        ["sum", "scaled-sum", "mean", "formula"]
            .iter()
            .map(|m| (*m, self.shell.t(&format!("instruments-method-{m}")), self.f.method == *m))
            .collect()
    }
    pub fn scales(&self, row: &ItemRow) -> Vec<(&'static str, String, bool)> {
        ["", "points", "yes-no", "count", "choice"]
            .iter()
            .map(|s| {
                let id =
                    if s.is_empty() { "instruments-scale-same".to_string() } else { format!("instruments-scale-{s}") };
                (*s, self.shell.t(&id), row.scale == *s)
            })
            .collect()
    }
}

fn with_blank_rows(mut rows: Vec<ItemRow>, blanks: usize) -> Vec<ItemRow> {
    let trailing = rows.iter().rev().take_while(|r| r.is_blank()).count();
    for _ in trailing..blanks {
        rows.push(ItemRow { required: true, ..Default::default() });
    }
    rows
}

async fn require_manage(ctx: &Ctx) -> AppResult<()> {
    if access::allows(&ctx.actor, Action::ManageInstruments, Reach::Outside) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    from: String,
}

pub async fn new_page(ctx: Ctx, Query(q): Query<NewQuery>) -> AppResult<FormPage> {
    require_manage(&ctx).await?;
    let (f, rows) = match service::builtin(q.from.trim()).filter(|d| d.can_be_entered()) {
        Some(def) => {
            let mut f = fields_of(def);
            f.key = format!("{}-local", def.key);
            f.name = ctx.tr.t1("instruments-copy-name", "name", &def.name);
            f.copied_from = def.key.clone();
            (f, rows_of(def))
        }
        None => (
            Fields {
                kind: "indicator".into(),
                higher_is_better: "yes".into(),
                method: "sum".into(),
                ..Default::default()
            },
            Vec::new(),
        ),
    };
    Ok(FormPage {
        shell: ctx.shell().await?,
        action: "/instruments".into(),
        editing: None,
        based_on: 0,
        used: 0,
        f,
        rows: with_blank_rows(rows, BLANK_ROWS + 1),
        errors: FormErrors::default(),
    })
}

pub async fn create(ctx: Ctx, CsrfForm(form): CsrfForm<Vec<(String, String)>>) -> AppResult<Response> {
    require_manage(&ctx).await?;
    let sent = read_form(&form);
    let blanks = if sent.more { BLANK_ROWS + 3 } else { BLANK_ROWS };
    let result = if sent.more {
        Err(AppError::Invalid(FieldErrors::new()))
    } else {
        match to_def(&sent) {
            Ok(def) => service::create(&ctx.state, &ctx.actor, def).await,
            Err(e) => Err(AppError::Invalid(e)),
        }
    };
    match result {
        Ok(def) => {
            ctx.flash("success", "instruments-created").await?;
            Ok(see_other(&format!("/instruments/{}", def.key)))
        }
        Err(AppError::Invalid(errors)) => {
            let status = if sent.more { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            let errors = form_errors(errors, &sent.rows);
            let page = FormPage {
                shell: ctx.shell().await?,
                action: "/instruments".into(),
                editing: None,
                based_on: 0,
                used: 0,
                errors: FormErrors::new(&ctx.tr, &errors),
                f: sent.fields,
                rows: with_blank_rows(sent.rows, blanks),
            };
            Ok((status, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn edit_page(ctx: Ctx, Path(key): Path<String>) -> AppResult<Response> {
    require_manage(&ctx).await?;
    let d = service::detail(&ctx.state, &ctx.actor, &key, None).await?;
    if d.def.built_in {
        return Ok(see_other(&format!("/instruments/new?from={key}")));
    }
    let used = d.versions.first().map(|v| v.measurements).unwrap_or(0);
    Ok(FormPage {
        shell: ctx.shell().await?,
        action: format!("/instruments/{key}/edit"),
        editing: Some(key),
        based_on: d.def.version,
        used,
        f: fields_of(&d.def),
        rows: with_blank_rows(rows_of(&d.def), BLANK_ROWS),
        errors: FormErrors::default(),
    }
    .into_response())
}

pub async fn save(
    ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    require_manage(&ctx).await?;
    let mut sent = read_form(&form);
    sent.fields.key = key.clone();
    let blanks = if sent.more { BLANK_ROWS + 3 } else { BLANK_ROWS };
    let result = if sent.more {
        Err(AppError::Invalid(FieldErrors::new()))
    } else {
        match to_def(&sent) {
            Ok(def) => service::save(&ctx.state, &ctx.actor, &key, sent.based_on, def).await,
            Err(e) => Err(AppError::Invalid(e)),
        }
    };
    let errors = match result {
        Ok(saved) => {
            let message = if saved.new_version { "instruments-saved-new-version" } else { "instruments-saved" };
            ctx.flash("success", message).await?;
            return Ok(see_other(&format!("/instruments/{key}")));
        }
        Err(AppError::Invalid(errors)) => errors,
        Err(AppError::Conflict) => FieldErrors::single("based_on", "instruments-error-conflict"),
        Err(other) => return Err(other),
    };
    let d = service::detail(&ctx.state, &ctx.actor, &key, None).await?;
    let status = if sent.more {
        StatusCode::OK
    } else if errors.for_field("based_on").is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let errors = form_errors(errors, &sent.rows);
    let page = FormPage {
        shell: ctx.shell().await?,
        action: format!("/instruments/{key}/edit"),
        editing: Some(key),
        based_on: d.def.version,
        used: d.versions.first().map(|v| v.measurements).unwrap_or(0),
        errors: FormErrors::new(&ctx.tr, &errors),
        f: sent.fields,
        rows: with_blank_rows(sent.rows, blanks),
    };
    Ok((status, page).into_response())
}

// ---------- try it ----------

#[derive(Template, WebTemplate)]
#[template(path = "instruments/try.html")]
pub struct TryPage {
    pub shell: Shell,
    pub def: InstrumentDef,
    pub answers: BTreeMap<String, String>,
    pub result: Option<Scored>,
    pub errors: FormErrors,
}

impl TryPage {
    pub fn answer(&self, key: &str) -> String {
        self.answers.get(key).cloned().unwrap_or_default()
    }
    pub fn error(&self, key: &str) -> Option<String> {
        self.errors.get(&format!("answers.{key}")).map(String::from)
    }
    pub fn general_error(&self) -> Option<String> {
        self.errors.get("answers").map(String::from)
    }
    /// Choices offered for an item: (value sent, label, checked).
    pub fn choices(&self, item: &ItemDef) -> Vec<(String, String, bool)> {
        let current = self.answer(&item.key);
        let list: Vec<(String, String)> = match &item.scale {
            AnswerScale::Points { points } => {
                points.iter().map(|p| (fmt_num(p.value), format!("{} ({})", p.label, fmt_num(p.value)))).collect()
            }
            AnswerScale::YesNo => {
                vec![("yes".into(), self.shell.t("instruments-yes")), ("no".into(), self.shell.t("instruments-no"))]
            }
            AnswerScale::Choice { options } => options.iter().map(|o| (o.code.clone(), o.label.clone())).collect(),
            AnswerScale::Count { .. } => Vec::new(),
        };
        list.into_iter()
            .map(|(v, l)| {
                let on = v == current;
                (v, l, on)
            })
            .collect()
    }
    pub fn is_count(&self, item: &ItemDef) -> bool {
        matches!(item.scale, AnswerScale::Count { .. })
    }
    pub fn count_hint(&self, item: &ItemDef) -> String {
        scale_lines(&self.shell, &item.scale).join(" ")
    }
    pub fn num(&self, n: &f64) -> String {
        fmt_num(*n)
    }
    pub fn text(&self, item: &ItemDef) -> (String, bool) {
        let (text, translated) = item.text_in(self.shell.tr.lang.code());
        (text.to_string(), translated)
    }
}

pub async fn try_page(ctx: Ctx, Path(key): Path<String>) -> AppResult<TryPage> {
    let d = service::detail(&ctx.state, &ctx.actor, &key, None).await?;
    if !d.def.can_be_entered() {
        return Err(AppError::NotFound);
    }
    Ok(TryPage {
        shell: ctx.shell().await?,
        def: d.def,
        answers: BTreeMap::new(),
        result: None,
        errors: FormErrors::default(),
    })
}

pub async fn try_score(
    ctx: Ctx,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let d = service::detail(&ctx.state, &ctx.actor, &key, None).await?;
    if !d.def.can_be_entered() {
        return Err(AppError::NotFound);
    }
    let sent: BTreeMap<String, String> = form
        .iter()
        .filter_map(|(n, v)| n.strip_prefix("answer_").map(|k| (k.to_string(), v.clone())))
        .filter(|(k, _)| d.def.item(k).is_some())
        .collect();
    let answers: Answers = sent.iter().map(|(k, v)| (k.clone(), AnswerValue::Text(v.clone()))).collect();
    let (result, errors, status) = match service::try_score(&ctx.state, &ctx.actor, &key, None, &answers).await {
        Ok((_, scored)) => (Some(scored), FieldErrors::new(), StatusCode::OK),
        Err(AppError::Invalid(e)) => (None, e, StatusCode::UNPROCESSABLE_ENTITY),
        Err(other) => return Err(other),
    };
    let page = TryPage {
        shell: ctx.shell().await?,
        def: d.def,
        answers: sent,
        result,
        errors: FormErrors::new(&ctx.tr, &errors),
    };
    Ok((status, page).into_response())
}
