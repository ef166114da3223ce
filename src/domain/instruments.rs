//! Instruments and indicators as data (CSE 1.02; the PRSC expected outcomes): a definition says what
//! is asked (items and their answer scales), how the answers become a score, and what a score means.
//! Built-in definitions ship as TOML files (`src/outcomes/instruments/`); organisations add their own.
//! Everything here is pure: answers in, a score and its interpretation (or field errors) out.

pub mod formula;

use super::outcomes::OutcomeArea;
use super::risk::{self, RiskLevel, RiskScreenInput};
use super::validation::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use utoipa::ToSchema;

/// Item key → answer, as stored in `outcome_measurements.answers`.
pub type Answers = BTreeMap<String, AnswerValue>;

/// One answer: a number (a scale point's value, a count, 1/0 for yes/no) or text (a choice's code,
/// "yes"/"no", or a number as a form sends it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum AnswerValue {
    Number(f64),
    Text(String),
}

impl AnswerValue {
    fn is_blank(&self) -> bool {
        matches!(self, AnswerValue::Text(t) if t.trim().is_empty())
    }

    fn number(&self) -> Option<f64> {
        match self {
            AnswerValue::Number(n) => Some(*n).filter(|n| n.is_finite()),
            AnswerValue::Text(t) => t.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        }
    }
}

text_code!(
    /// Scale: a validated instrument with a score. Screener: says whether to act. Indicator: a short
    /// plain set of items an organisation can adapt. Derived: computed from records, never entered.
    InstrumentKind { Scale => "scale", Screener => "screener", Indicator => "indicator", Derived => "derived" }
);

/// One labelled point of an agreement or frequency scale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScalePoint {
    pub value: f64,
    pub label: String,
}

/// One option of a single-choice item; the answer is the code, the score uses the value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChoiceOption {
    pub code: String,
    pub label: String,
    pub value: f64,
}

/// How an item is answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum AnswerScale {
    /// Labelled points (agreement, frequency); the answer is one point's value.
    Points { points: Vec<ScalePoint> },
    /// Yes (1) or no (0).
    YesNo,
    /// A whole number from `min` to `max`, e.g. days in the past 30.
    Count {
        min: i32,
        max: i32,
        #[serde(default)]
        unit: Option<String>,
    },
    /// One option; the answer is its code.
    Choice { options: Vec<ChoiceOption> },
}

impl AnswerScale {
    /// Lowest and highest value an answer can contribute.
    pub fn range(&self) -> (f64, f64) {
        let fold = |vals: Vec<f64>| {
            (vals.iter().copied().fold(f64::INFINITY, f64::min), vals.iter().copied().fold(f64::NEG_INFINITY, f64::max))
        };
        match self {
            AnswerScale::Points { points } => fold(points.iter().map(|p| p.value).collect()),
            AnswerScale::YesNo => (0.0, 1.0),
            AnswerScale::Count { min, max, .. } => (f64::from(*min), f64::from(*max)),
            AnswerScale::Choice { options } => fold(options.iter().map(|o| o.value).collect()),
        }
    }

    pub fn type_code(&self) -> &'static str {
        match self {
            AnswerScale::Points { .. } => "points",
            AnswerScale::YesNo => "yes-no",
            AnswerScale::Count { .. } => "count",
            AnswerScale::Choice { .. } => "choice",
        }
    }

    /// The value an answer stands for, or the message id saying why it does not fit the scale.
    pub fn value_of(&self, answer: &AnswerValue) -> Result<f64, &'static str> {
        match self {
            AnswerScale::Points { points } => {
                let n = answer.number().ok_or("instruments-error-not-a-number")?;
                points.iter().find(|p| p.value == n).map(|p| p.value).ok_or("instruments-error-not-on-scale")
            }
            AnswerScale::YesNo => match answer {
                AnswerValue::Number(n) if *n == 1.0 => Ok(1.0),
                AnswerValue::Number(n) if *n == 0.0 => Ok(0.0),
                AnswerValue::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
                    "yes" | "true" | "1" => Ok(1.0),
                    "no" | "false" | "0" => Ok(0.0),
                    _ => Err("instruments-error-yes-no"),
                },
                AnswerValue::Number(_) => Err("instruments-error-yes-no"),
            },
            AnswerScale::Count { min, max, .. } => {
                let n = answer.number().ok_or("instruments-error-not-a-number")?;
                if n.fract() != 0.0 {
                    return Err("instruments-error-whole-number");
                }
                if n < f64::from(*min) || n > f64::from(*max) {
                    return Err("instruments-error-out-of-range");
                }
                Ok(n)
            }
            AnswerScale::Choice { options } => {
                let code = match answer {
                    AnswerValue::Text(t) => t.trim().to_string(),
                    AnswerValue::Number(n) => n.to_string(),
                };
                options.iter().find(|o| o.code == code).map(|o| o.value).ok_or("error-unknown-choice")
            }
        }
    }
}

/// One question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ItemDef {
    /// Lowercase letters, digits and `_`, starting with a letter (formulas refer to items by key).
    pub key: String,
    /// English text (required).
    pub text: String,
    /// Text in other interface languages (`es`, `fr`), when the organisation has it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, String>,
    #[serde(default = "yes")]
    pub required: bool,
    pub scale: AnswerScale,
}

fn yes() -> bool {
    true
}

impl ItemDef {
    /// The item's text in `language`, and whether it is a translation (false: English shown instead).
    pub fn text_in(&self, language: &str) -> (&str, bool) {
        match self.translations.get(language) {
            Some(t) if language != "en" && !t.trim().is_empty() => (t, true),
            _ => (&self.text, language == "en"),
        }
    }
}

/// How the answers become a score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "method", rename_all = "kebab-case")]
pub enum Scoring {
    /// Sum of the answered items.
    Sum,
    /// Sum of the answered items times `factor` (WHO-5: × 4).
    ScaledSum { factor: f64 },
    /// Mean of the answered items.
    Mean,
    /// A formula in the small safe language of `formula`.
    Formula { expression: String },
    /// The Columbia screener's rule in `domain::risk` (0 none, 1 low, 2 moderate, 3 high).
    CssrsScreen,
    /// Computed from records by the dashboards; never scored from answers.
    Derived,
}

impl Scoring {
    pub fn method(&self) -> &'static str {
        match self {
            Scoring::Sum => "sum",
            Scoring::ScaledSum { .. } => "scaled-sum",
            Scoring::Mean => "mean",
            Scoring::Formula { .. } => "formula",
            Scoring::CssrsScreen => "cssrs-screen",
            Scoring::Derived => "derived",
        }
    }
}

/// A score in `[min, max]` (either bound open when absent) means `text`. The first matching rule wins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InterpretationRule {
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    pub text: String,
}

impl InterpretationRule {
    pub fn matches(&self, score: f64) -> bool {
        self.min.is_none_or(|m| score >= m) && self.max.is_none_or(|m| score <= m)
    }
}

/// A complete, versioned instrument or indicator definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InstrumentDef {
    /// Stable key: lowercase letters, digits and `-` (e.g. `barc-10`).
    pub key: String,
    /// 1 for the first version; each saved change to a used definition adds one.
    #[serde(default = "one")]
    pub version: i32,
    pub name: String,
    pub kind: InstrumentKind,
    #[serde(default)]
    pub built_in: bool,
    #[serde(default = "yes")]
    pub active: bool,
    pub description: String,
    /// What it measures, in a sentence.
    pub measures: String,
    pub outcome_area: OutcomeArea,
    pub higher_is_better: bool,
    pub score_min: f64,
    pub score_max: f64,
    /// The published cut-off, when there is one; `interpretation` says what each side means.
    #[serde(default)]
    pub cut_off: Option<f64>,
    /// The smallest change in score that counts as meaningful.
    #[serde(default)]
    pub meaningful_change: Option<f64>,
    #[serde(default)]
    pub items: Vec<ItemDef>,
    pub scoring: Scoring,
    #[serde(default)]
    pub interpretation: Vec<InterpretationRule>,
    /// For derived indicators: which records they are computed from.
    #[serde(default)]
    pub computed_from: Option<String>,
    /// Where the instrument was published (citation).
    #[serde(default)]
    pub source: Option<String>,
    /// Terms of use.
    #[serde(default)]
    pub licence: Option<String>,
    /// True when the wording differs from the published instrument; shown on forms and exports.
    #[serde(default)]
    pub wording_altered: bool,
    /// The built-in this organisation-defined definition was copied from.
    #[serde(default)]
    pub copied_from: Option<String>,
}

fn one() -> i32 {
    1
}

/// A score and what it means.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Scored {
    pub score: f64,
    /// The first matching interpretation rule's text.
    pub interpretation: Option<String>,
}

/// Upper bound on answers accepted in one submission (more than any definition can have).
pub const MAX_ITEMS: usize = 100;

impl InstrumentDef {
    /// False for derived indicators (computed from records) and for the Columbia screener, which is
    /// entered through the risk-screen form because that form carries the response workflow.
    pub fn can_be_entered(&self) -> bool {
        !matches!(self.scoring, Scoring::Derived | Scoring::CssrsScreen) && self.kind != InstrumentKind::Derived
    }

    pub fn item(&self, key: &str) -> Option<&ItemDef> {
        self.items.iter().find(|i| i.key == key)
    }

    /// Whether `score` is at or beyond the cut-off on the good side (None without a cut-off).
    pub fn meets_cut_off(&self, score: f64) -> Option<bool> {
        self.cut_off.map(|c| super::outcomes::reaches(score, c, self.higher_is_better))
    }

    /// The interpretation of a score: the first matching rule's text.
    pub fn interpret(&self, score: f64) -> Option<String> {
        self.interpretation.iter().find(|r| r.matches(score)).map(|r| r.text.clone())
    }

    /// Checks every answer against its item, then scores. Errors are keyed `answers.<item key>`
    /// (or `answers` for a problem with the whole set, e.g. a division by zero in a formula).
    pub fn score(&self, answers: &Answers) -> Result<Scored, FieldErrors> {
        let mut e = FieldErrors::new();
        if matches!(self.scoring, Scoring::Derived) {
            e.add("answers", "instruments-error-derived");
            return Err(e);
        }
        for key in answers.keys() {
            if self.item(key).is_none() {
                e.add(&format!("answers.{key}"), "instruments-error-unknown-item");
            }
        }
        let mut values: formula::Values = BTreeMap::new();
        for item in &self.items {
            let field = format!("answers.{}", item.key);
            let value = match answers.get(&item.key).filter(|a| !a.is_blank()) {
                None => {
                    if item.required {
                        e.add(&field, "error-required");
                    }
                    None
                }
                Some(answer) => match item.scale.value_of(answer) {
                    Ok(v) => Some(v),
                    Err(id) => {
                        let (min, max) = item.scale.range();
                        e.add_with(&field, id, vec![("min", fmt_num(min)), ("max", fmt_num(max))]);
                        None
                    }
                },
            };
            values.insert(item.key.clone(), value);
        }
        if !e.is_empty() {
            return Err(e);
        }
        let answered = || values.values().filter_map(|v| *v).collect::<Vec<f64>>();
        let score = match &self.scoring {
            Scoring::Sum => answered().iter().sum(),
            Scoring::ScaledSum { factor } => answered().iter().sum::<f64>() * factor,
            Scoring::Mean => {
                let all = answered();
                if all.is_empty() {
                    return Err(FieldErrors::single("answers", "instruments-error-nothing-answered"));
                }
                all.iter().sum::<f64>() / all.len() as f64
            }
            Scoring::Formula { expression } => {
                let expr = formula::parse(expression)
                    .map_err(|_| FieldErrors::single("answers", "instruments-error-formula-invalid"))?;
                match formula::eval(&expr, &values) {
                    Ok(v) => v,
                    Err(formula::EvalError::Missing(item)) => {
                        return Err(FieldErrors::single(
                            &format!("answers.{item}"),
                            "instruments-error-needed-for-score",
                        ));
                    }
                    Err(formula::EvalError::DivisionByZero) => {
                        return Err(FieldErrors::single("answers", "instruments-error-division-by-zero"));
                    }
                    Err(formula::EvalError::NothingAnswered) => {
                        return Err(FieldErrors::single("answers", "instruments-error-nothing-answered"));
                    }
                }
            }
            Scoring::CssrsScreen => f64::from(cssrs_level(&values)?.rank()),
            Scoring::Derived => unreachable!("refused above"),
        };
        Ok(Scored { score, interpretation: self.interpret(score) })
    }

    /// Checks a definition an organisation wrote (or a built-in, in tests). Field names follow the
    /// definition: `key`, `name`, `items`, `items.<n>.key` (n from 1), `scoring`, `score_min`, …
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if !valid_instrument_key(&self.key) {
            e.add("key", "instruments-error-key-format");
        }
        if self.name.trim().is_empty() {
            e.add("name", "error-required");
        } else if self.name.chars().count() > 120 {
            e.add_with("name", "error-too-long", vec![("max", "120".into())]);
        }
        if self.version < 1 {
            e.add("version", "instruments-error-version");
        }
        let derived = matches!(self.scoring, Scoring::Derived);
        if derived != (self.kind == InstrumentKind::Derived) {
            e.add("scoring", "instruments-error-derived-scoring");
        }
        if self.items.is_empty() && !derived {
            e.add("items", "instruments-error-no-items");
        }
        if self.items.len() > MAX_ITEMS {
            e.add_with("items", "instruments-error-too-many-items", vec![("max", MAX_ITEMS.to_string())]);
        }
        let mut seen = BTreeSet::new();
        for (n, item) in self.items.iter().enumerate() {
            let at = |f: &str| format!("items.{}.{f}", n + 1);
            if !valid_item_key(&item.key) {
                e.add(&at("key"), "instruments-error-item-key-format");
            } else if !seen.insert(item.key.as_str()) {
                e.add_with(&at("key"), "instruments-error-item-key-duplicate", vec![("key", item.key.clone())]);
            }
            if item.text.trim().is_empty() {
                e.add(&at("text"), "error-required");
            } else if item.text.chars().count() > 500 {
                e.add_with(&at("text"), "error-too-long", vec![("max", "500".into())]);
            }
            for lang in item.translations.keys() {
                if !["es", "fr"].contains(&lang.as_str()) {
                    e.add(&at("translations"), "instruments-error-language");
                }
            }
            check_scale(&mut e, &at("scale"), &item.scale);
        }
        if !(self.score_min.is_finite() && self.score_max.is_finite()) || self.score_min >= self.score_max {
            e.add("score_max", "instruments-error-score-range");
        } else {
            let (min, max) = (self.score_min, self.score_max);
            if let Some(cut) = self.cut_off
                && !(min..=max).contains(&cut)
            {
                e.add_with(
                    "cut_off",
                    "instruments-error-cut-off-range",
                    vec![("min", fmt_num(min)), ("max", fmt_num(max))],
                );
            }
            if let Some(change) = self.meaningful_change
                && !(change > 0.0 && change <= max - min)
            {
                e.add("meaningful_change", "instruments-error-meaningful-change");
            }
            for rule in &self.interpretation {
                let outside = |v: Option<f64>| v.is_some_and(|v| !(min..=max).contains(&v));
                if outside(rule.min) || outside(rule.max) || rule.min.zip(rule.max).is_some_and(|(a, b)| a > b) {
                    e.add("interpretation", "instruments-error-interpretation-range");
                    break;
                }
                if rule.text.trim().is_empty() {
                    e.add("interpretation", "error-required");
                    break;
                }
            }
            // For sums and means the achievable range follows from the items, so it must match.
            if let Some((lo, hi)) = self.natural_range()
                && ((lo - min).abs() > 1e-9 || (hi - max).abs() > 1e-9)
                && e.for_field("items").is_none()
            {
                e.add_with(
                    "score_max",
                    "instruments-error-score-range-items",
                    vec![("min", fmt_num(lo)), ("max", fmt_num(hi))],
                );
            }
        }
        match &self.scoring {
            Scoring::ScaledSum { factor } if !(factor.is_finite() && *factor != 0.0) => {
                e.add("scoring", "instruments-error-factor");
            }
            Scoring::Formula { expression } => {
                if let Err(err) = formula::check(expression, |k| self.item(k).is_some()) {
                    e.add_with(
                        "formula",
                        err.message_id,
                        vec![("position", err.position.to_string()), ("found", err.found)],
                    );
                }
            }
            Scoring::CssrsScreen if self.key != CSSRS_KEY => e.add("scoring", "instruments-error-cssrs-only"),
            _ => {}
        }
        e.finish(())
    }

    /// The range a sum, scaled sum or mean can reach given the items' scales (None for other scoring).
    pub fn natural_range(&self) -> Option<(f64, f64)> {
        if self.items.is_empty() {
            return None;
        }
        let ranges: Vec<(f64, f64)> = self.items.iter().map(|i| i.scale.range()).collect();
        let (lo, hi) = ranges.iter().fold((0.0, 0.0), |(a, b), (l, h)| (a + l, b + h));
        match &self.scoring {
            Scoring::Sum => Some((lo, hi)),
            Scoring::ScaledSum { factor } => {
                let (a, b) = (lo * factor, hi * factor);
                Some((a.min(b), a.max(b)))
            }
            Scoring::Mean => Some((
                ranges.iter().map(|r| r.0).fold(f64::INFINITY, f64::min),
                ranges.iter().map(|r| r.1).fold(f64::NEG_INFINITY, f64::max),
            )),
            _ => None,
        }
    }
}

/// Key of the built-in Columbia screener.
pub const CSSRS_KEY: &str = "cssrs-screen";

/// The Columbia screener's level from answers keyed like `RiskScreenInput`'s fields, through the same
/// rule the risk-screen form uses (`risk::suicide_level`), with its skip logic.
fn cssrs_level(values: &formula::Values) -> Result<RiskLevel, FieldErrors> {
    let yes_no = |key: &str| values.get(key).copied().flatten().map(|v| v == 1.0);
    let input = RiskScreenInput {
        kind: "program-wide".into(),
        q1_wish_dead: yes_no("q1_wish_dead"),
        q2_suicidal_thoughts: yes_no("q2_suicidal_thoughts"),
        q3_method: yes_no("q3_method"),
        q4_intent: yes_no("q4_intent"),
        q5_plan: yes_no("q5_plan"),
        q6_behaviour: yes_no("q6_behaviour"),
        q6_past_three_months: yes_no("q6_past_three_months"),
        ..Default::default()
    };
    match input.parse() {
        Ok(screen) => Ok(risk::suicide_level(&screen.answers)),
        Err(errors) => {
            let mut e = FieldErrors::new();
            for err in errors.0 {
                e.add_with(&format!("answers.{}", err.field), err.message_id, err.args);
            }
            Err(e)
        }
    }
}

fn check_scale(e: &mut FieldErrors, field: &str, scale: &AnswerScale) {
    match scale {
        AnswerScale::Points { points } => {
            if points.len() < 2 {
                e.add(field, "instruments-error-scale-points");
            }
            let mut values = BTreeSet::new();
            let mut labels = BTreeSet::new();
            for p in points {
                if !p.value.is_finite() || !values.insert(p.value.to_bits()) {
                    e.add(field, "instruments-error-scale-duplicate");
                    return;
                }
                if p.label.trim().is_empty() || !labels.insert(p.label.trim().to_lowercase()) {
                    e.add(field, "instruments-error-scale-label");
                    return;
                }
            }
        }
        AnswerScale::YesNo => {}
        AnswerScale::Count { min, max, .. } => {
            if min >= max || *min < -100_000 || *max > 100_000 {
                e.add(field, "instruments-error-count-range");
            }
        }
        AnswerScale::Choice { options } => {
            if options.len() < 2 {
                e.add(field, "instruments-error-scale-points");
            }
            let mut codes = BTreeSet::new();
            let mut labels = BTreeSet::new();
            for o in options {
                let code_ok = !o.code.is_empty()
                    && o.code.len() <= 40
                    && o.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
                if !code_ok {
                    e.add(field, "instruments-error-option-code");
                    return;
                }
                if !o.value.is_finite() || !codes.insert(o.code.as_str()) {
                    e.add_with(field, "instruments-error-option-duplicate", vec![("code", o.code.clone())]);
                    return;
                }
                if o.label.trim().is_empty() || !labels.insert(o.label.trim().to_lowercase()) {
                    e.add(field, "instruments-error-scale-label");
                    return;
                }
            }
        }
    }
}

/// `barc-10`, `peer-connection`: lowercase letters, digits and single hyphens, 2–40 characters.
pub fn valid_instrument_key(key: &str) -> bool {
    (2..=40).contains(&key.len())
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && !key.ends_with('-')
        && !key.contains("--")
        && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// `q1`, `days_used`: lowercase letters, digits and `_`, starting with a letter, up to 40 characters;
/// not a formula function name.
pub fn valid_item_key(key: &str) -> bool {
    (1..=40).contains(&key.len())
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !["sum", "mean", "min", "max", "count"].contains(&key)
}

/// A number as people write it: `47`, `2.5`.
pub fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{}", (n * 1000.0).round() / 1000.0)
    }
}
