//! Measures pages (CSE 1.02; the PRSC expected outcomes): a person's measures (`/people/{id}/measures`,
//! due ones first), recording one from a form generated from the instrument's definition, showing,
//! correcting and removing one, and the per-program schedules (`/outcomes/schedules`). Everything goes
//! through `outcomes::measures` and `outcomes::schedules`.

use super::intake::{Values, code_label};
use super::people::PersonView;
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::app::AppState;
use crate::db::entities::outcome_measurement;
use crate::domain::FieldErrors;
use crate::domain::instruments::{AnswerScale, AnswerValue, Answers, InstrumentDef, fmt_num};
use crate::domain::measures::{DueState, ScheduleInput, ScheduledInstrument};
use crate::domain::outcomes::{MeasureSource, MeasureStatus, Occasion};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::outcomes::measures::{
    self as service, CorrectionInput, Detail, DueLine, FormChoices, MeasurementInput, PersonMeasures,
};
use crate::outcomes::schedules::{self, ProgramSchedule};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people/{id}/measures", get(person_page).post(create))
        .route("/people/{id}/measures/new", get(new_page))
        .route("/people/{id}/measures/{mid}", get(show_page).post(update))
        .route("/people/{id}/measures/{mid}/edit", get(edit_page))
        .route("/people/{id}/measures/{mid}/remove", post(remove))
        .route("/outcomes/schedules", get(schedules_page))
        .route("/outcomes/schedules/{program_id}", get(schedule_page).post(save_schedule))
}

fn field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

fn values_of(form: &[(String, String)]) -> Values {
    Values(form.iter().filter(|(k, _)| k != "csrf_token").cloned().collect())
}

/// An occasion's label (`measures-occasion-<code>`).
pub fn occasion_label(tr: &Tr, code: &str) -> String {
    match Occasion::parse(code) {
        Some(o) => tr.t(&format!("measures-occasion-{}", o.code())),
        None => code.to_string(),
    }
}

/// Where the answers came from (`measures-source-<code>`).
pub fn source_label(tr: &Tr, code: &str) -> String {
    match MeasureSource::parse(code) {
        Some(s) => tr.t(&format!("measures-source-{}", s.code())),
        None => code.to_string(),
    }
}

/// A score as shown: whole numbers without decimals, others to one place.
pub fn score_text(score: Option<f64>) -> String {
    match score {
        Some(s) if (s - s.round()).abs() < 1e-9 => fmt_num(s.round()),
        Some(s) => format!("{s:.1}"),
        None => "—".into(),
    }
}

/// "+6" / "−4" / "0".
pub fn signed(change: f64) -> String {
    let text = score_text(Some(change.abs()));
    if change > 1e-9 {
        format!("+{text}")
    } else if change < -1e-9 {
        format!("−{text}")
    } else {
        "0".into()
    }
}

// ---------- the form generated from a definition ----------

/// One item of an instrument as the form shows it.
pub struct ItemView {
    pub field: String,
    pub number: usize,
    pub text: String,
    /// False when the item is shown in English because there is no translation.
    pub translated: bool,
    pub required: bool,
    /// Radios for labelled scales, yes/no and choices; otherwise a number input.
    pub radios: bool,
    /// (value, label, checked) for radios.
    pub options: Vec<(String, String, bool)>,
    pub min: i32,
    pub max: i32,
    pub unit: String,
    pub value: String,
    pub error: Option<String>,
}

/// The item views of `def` in `lang`, with what was typed and the field messages.
pub fn item_views(def: &InstrumentDef, tr: &Tr, lang: &str, values: &Values, errors: &FormErrors) -> Vec<ItemView> {
    def.items
        .iter()
        .enumerate()
        .map(|(n, item)| {
            let field = format!("answers.{}", item.key);
            let value = values.v(&field);
            let (text, translated) = item.text_in(lang);
            let same = |v: &str| !value.is_empty() && value.trim().parse::<f64>().ok() == v.parse::<f64>().ok();
            let (radios, options, min, max, unit) = match &item.scale {
                AnswerScale::Points { points } => (
                    true,
                    points
                        .iter()
                        .map(|p| {
                            let v = fmt_num(p.value);
                            let checked = same(&v);
                            (v.clone(), format!("{v} · {}", p.label), checked)
                        })
                        .collect(),
                    0,
                    0,
                    String::new(),
                ),
                AnswerScale::YesNo => (
                    true,
                    vec![
                        ("yes".into(), tr.t("measures-yes"), matches!(value.as_str(), "yes" | "1")),
                        ("no".into(), tr.t("measures-no"), matches!(value.as_str(), "no" | "0")),
                    ],
                    0,
                    0,
                    String::new(),
                ),
                AnswerScale::Choice { options } => (
                    true,
                    options.iter().map(|o| (o.code.clone(), o.label.clone(), o.code == value)).collect(),
                    0,
                    0,
                    String::new(),
                ),
                AnswerScale::Count { min, max, unit } => {
                    (false, Vec::new(), *min, *max, unit.clone().unwrap_or_default())
                }
            };
            ItemView {
                error: errors.get(&field).map(String::from),
                field,
                number: n + 1,
                text: text.to_string(),
                translated: translated || lang == "en",
                required: item.required,
                radios,
                options,
                min,
                max,
                unit,
                value,
            }
        })
        .collect()
}

/// The answers typed on a form (`answers.<item>` fields).
pub fn answers_of(form: &[(String, String)]) -> Answers {
    form.iter()
        .filter_map(|(k, v)| k.strip_prefix("answers.").map(|item| (item.to_string(), v.trim().to_string())))
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, AnswerValue::Text(v)))
        .collect()
}

/// Stored answers as form values (`answers.<item>` → text).
pub fn answer_values(json: &str, values: &mut Values) {
    let answers: Answers = serde_json::from_str(json).unwrap_or_default();
    for (k, v) in answers {
        let text = match v {
            AnswerValue::Number(n) => fmt_num(n),
            AnswerValue::Text(t) => t,
        };
        values.0.insert(format!("answers.{k}"), text);
    }
}

// ---------- a person's measures ----------

#[derive(Template, WebTemplate)]
#[template(path = "measures/person.html")]
pub struct PersonPage {
    pub shell: Shell,
    pub pm: PersonMeasures,
}

impl PersonPage {
    pub fn occasion(&self, code: &str) -> String {
        occasion_label(&self.shell.tr, code)
    }
    pub fn source(&self, code: &str) -> String {
        source_label(&self.shell.tr, code)
    }
    pub fn declined(&self, m: &outcome_measurement::Model) -> bool {
        m.status == MeasureStatus::Declined.code()
    }
    pub fn score(&self, s: &Option<f64>) -> String {
        score_text(*s)
    }
    pub fn change(&self, c: &Option<(f64, bool)>) -> String {
        c.map(|(c, _)| signed(c)).unwrap_or_default()
    }
    pub fn meaningful(&self, c: &Option<(f64, bool)>) -> bool {
        c.is_some_and(|(c, m)| m && c.abs() > 1e-9)
    }
    pub fn words(&self, w: &Option<&'static str>, interpretation: &Option<String>) -> String {
        match w {
            Some(id) => self.shell.t(id),
            None => interpretation.clone().unwrap_or_default(),
        }
    }
    pub fn due_state(&self, d: &DueLine) -> String {
        due_text(&self.shell.tr, d)
    }
    pub fn overdue(&self, d: &DueLine) -> bool {
        d.due.state == DueState::Overdue
    }
    pub fn level(&self, code: &str) -> String {
        code_label::<crate::domain::risk::RiskLevel>(&self.shell.tr, code)
    }
    pub fn screened_on(&self, s: &crate::db::entities::risk_screen::Model) -> String {
        s.screened_at.date().to_string()
    }
}

/// "Overdue by 12 days" / "Due since …" / "Due on …".
pub fn due_text(tr: &Tr, d: &DueLine) -> String {
    match d.due.state {
        DueState::Overdue => tr.t1("measures-overdue-by", "days", d.days_overdue.max(1)),
        DueState::Due => tr.t1("measures-due-since", "date", d.due.due_on),
        DueState::Soon => tr.t1("measures-due-on", "date", d.due.due_on),
    }
}

pub async fn person_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<PersonPage> {
    let pm = service::person_measures(&ctx.state, &ctx.actor, id).await?;
    Ok(PersonPage { shell: ctx.shell().await?, pm })
}

// ---------- recording and correcting ----------

#[derive(Template, WebTemplate)]
#[template(path = "measures/record.html")]
pub struct RecordPage {
    pub shell: Shell,
    pub choices: FormChoices,
    pub def: Option<InstrumentDef>,
    pub items: Vec<ItemView>,
    pub values: Values,
    pub errors: FormErrors,
    /// The measurement being corrected, with the version the form carries.
    pub editing: Option<(outcome_measurement::Model, i32)>,
    pub conflict: bool,
}

impl RecordPage {
    pub fn action(&self) -> String {
        match &self.editing {
            Some((m, _)) => format!("/people/{}/measures/{}", self.choices.person.id, m.id),
            None => format!("/people/{}/measures", self.choices.person.id),
        }
    }
    pub fn source_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.values.v("source");
        let chosen = if chosen.is_empty() { "staff".to_string() } else { chosen };
        [MeasureSource::Staff, MeasureSource::Paper]
            .iter()
            .map(|s| (s.code(), self.shell.t(&format!("measures-source-{}-long", s.code())), s.code() == chosen))
            .collect()
    }
    pub fn portal_source(&self) -> bool {
        self.editing.as_ref().is_some_and(|(m, _)| m.source == MeasureSource::Portal.code())
    }
    pub fn occasion_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.values.v("occasion");
        Occasion::ALL.iter().map(|o| (o.code(), occasion_label(&self.shell.tr, o.code()), o.code() == chosen)).collect()
    }
    pub fn program_options(&self) -> Vec<(String, String, bool)> {
        let chosen = self.values.v("program_id");
        self.choices.programs.iter().map(|p| (p.id.to_string(), p.name.clone(), p.id.to_string() == chosen)).collect()
    }
    pub fn site_options(&self) -> Vec<(String, String, bool)> {
        let chosen = self.values.v("site_id");
        self.choices.sites.iter().map(|s| (s.id.to_string(), s.name.clone(), s.id.to_string() == chosen)).collect()
    }
    pub fn due_for(&self, key: &str) -> bool {
        self.choices.due.iter().any(|d| d.instrument_key == key)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    pub instrument: Option<String>,
}

fn fresh_values(choices: &FormChoices, key: &str) -> Values {
    let mut v = Values::default();
    v.0.insert("instrument_key".into(), key.into());
    v.0.insert("source".into(), "staff".into());
    v.0.insert("taken_on".into(), choices.today.to_string());
    v.0.insert("occasion".into(), choices.suggested_occasion(key).code().into());
    let due_program = choices.due.iter().find(|d| d.instrument_key == key).map(|d| d.program_id);
    let program = due_program.or_else(|| (choices.programs.len() == 1).then(|| choices.programs[0].id));
    if let Some(p) = program {
        v.0.insert("program_id".into(), p.to_string());
    }
    v
}

async fn record_page(
    ctx: &Ctx,
    id: Uuid,
    key: Option<String>,
    values: Option<Values>,
    errors: &FieldErrors,
) -> AppResult<RecordPage> {
    let choices = service::form_choices(&ctx.state, &ctx.actor, id).await?;
    let key = key.map(|k| k.trim().to_string()).filter(|k| !k.is_empty());
    let def = key.as_deref().and_then(|k| choices.enterable.iter().find(|d| d.key == k).cloned());
    if key.is_some() && def.is_none() && errors.is_empty() {
        return Err(AppError::NotFound);
    }
    let values = values.unwrap_or_else(|| fresh_values(&choices, key.as_deref().unwrap_or_default()));
    let errors = FormErrors::new(&ctx.tr, errors);
    let items = def.as_ref().map(|d| item_views(d, &ctx.tr, ctx.tr.lang.code(), &values, &errors)).unwrap_or_default();
    Ok(RecordPage { shell: ctx.shell().await?, choices, def, items, values, errors, editing: None, conflict: false })
}

pub async fn new_page(ctx: Ctx, Path(id): Path<Uuid>, Query(q): Query<NewQuery>) -> AppResult<RecordPage> {
    record_page(&ctx, id, q.instrument, None, &FieldErrors::new()).await
}

fn input_of(form: &[(String, String)]) -> MeasurementInput {
    let get = |k: &str| field(form, k);
    MeasurementInput {
        instrument_key: get("instrument_key").unwrap_or_default(),
        source: get("source").unwrap_or_default(),
        occasion: get("occasion").unwrap_or_default(),
        taken_on: get("taken_on"),
        program_id: get("program_id"),
        site_id: get("site_id"),
        note: get("note"),
        declined: matches!(get("declined").as_deref(), Some("on" | "yes" | "true")),
        answers: answers_of(form),
    }
}

pub async fn create(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = input_of(&form);
    match service::record(&ctx.state, &ctx.actor, id, &input).await {
        Ok(m) => {
            ctx.flash("success", "measures-recorded").await?;
            Ok(see_other(&format!("/people/{id}/measures/{}", m.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let page =
                record_page(&ctx, id, Some(input.instrument_key.clone()), Some(values_of(&form)), &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "measures/show.html")]
pub struct ShowPage {
    pub shell: Shell,
    pub d: Detail,
    pub items: Vec<(String, String)>,
    pub errors: FormErrors,
}

impl ShowPage {
    pub fn occasion(&self) -> String {
        occasion_label(&self.shell.tr, &self.d.row.m.occasion)
    }
    pub fn source(&self) -> String {
        source_label(&self.shell.tr, &self.d.row.m.source)
    }
    pub fn declined(&self) -> bool {
        self.d.row.m.status == MeasureStatus::Declined.code()
    }
    pub fn score(&self) -> String {
        score_text(self.d.row.m.score)
    }
    pub fn name(&self) -> String {
        self.d.def.as_ref().map(|d| d.name.clone()).unwrap_or_else(|| self.d.row.m.instrument_key.clone())
    }
    pub fn range(&self) -> String {
        self.d.def.as_ref().map(|d| format!("{}–{}", fmt_num(d.score_min), fmt_num(d.score_max))).unwrap_or_default()
    }
    pub fn words(&self) -> String {
        match self.d.row.words {
            Some(id) => self.shell.t(id),
            None => self.d.row.m.interpretation.clone().unwrap_or_default(),
        }
    }
    /// True for the WHO-5 result that suggests talking with a doctor.
    pub fn gentle_alert(&self) -> bool {
        self.d.row.words == Some("measures-result-who5-low")
    }
    pub fn change(&self) -> Option<(String, bool)> {
        self.d.row.change.filter(|(c, _)| c.abs() > 1e-9).map(|(c, m)| (signed(c), m))
    }
}

/// Each answer as (item text, answer label).
fn answered_items(def: Option<&InstrumentDef>, json: &str) -> Vec<(String, String)> {
    let answers: Answers = serde_json::from_str(json).unwrap_or_default();
    let Some(def) = def else {
        return answers.into_iter().map(|(k, v)| (k, answer_text(&v))).collect();
    };
    def.items
        .iter()
        .filter_map(|item| {
            let a = answers.get(&item.key)?;
            let label = match (&item.scale, a) {
                (AnswerScale::Points { points }, a) => {
                    let v = item.scale.value_of(a).ok();
                    points
                        .iter()
                        .find(|p| Some(p.value) == v)
                        .map(|p| format!("{} · {}", fmt_num(p.value), p.label))
                        .unwrap_or_else(|| answer_text(a))
                }
                (AnswerScale::Choice { options }, a) => {
                    let code = answer_text(a);
                    options.iter().find(|o| o.code == code).map(|o| o.label.clone()).unwrap_or(code)
                }
                (_, a) => answer_text(a),
            };
            Some((item.text.clone(), label))
        })
        .collect()
}

fn answer_text(a: &AnswerValue) -> String {
    match a {
        AnswerValue::Number(n) => fmt_num(*n),
        AnswerValue::Text(t) => t.clone(),
    }
}

async fn show_for(ctx: &Ctx, id: Uuid, mid: Uuid, errors: &FieldErrors) -> AppResult<ShowPage> {
    let d = service::get(&ctx.state, &ctx.actor, id, mid).await?;
    let items = answered_items(d.def.as_ref(), &d.row.m.answers);
    Ok(ShowPage { shell: ctx.shell().await?, d, items, errors: FormErrors::new(&ctx.tr, errors) })
}

pub async fn show_page(ctx: Ctx, Path((id, mid)): Path<(Uuid, Uuid)>) -> AppResult<ShowPage> {
    show_for(&ctx, id, mid, &FieldErrors::new()).await
}

async fn edit_for(ctx: &Ctx, id: Uuid, mid: Uuid) -> AppResult<RecordPage> {
    let d = service::get(&ctx.state, &ctx.actor, id, mid).await?;
    if !d.may_edit {
        return Err(AppError::Forbidden);
    }
    let m = d.row.m;
    let mut page = record_page(ctx, id, Some(m.instrument_key.clone()), None, &FieldErrors::new()).await?;
    // A correction is scored on the definition the measurement was made with.
    if let Some(def) = d.def {
        page.def = Some(def);
    }
    let mut v = Values::default();
    let mut put = |k: &str, val: String| {
        v.0.insert(k.into(), val);
    };
    put("instrument_key", m.instrument_key.clone());
    put("source", m.source.clone());
    put("occasion", m.occasion.clone());
    put("taken_on", m.taken_on.to_string());
    put("program_id", m.program_id.map(|p| p.to_string()).unwrap_or_default());
    put("site_id", m.site_id.map(|p| p.to_string()).unwrap_or_default());
    put("note", m.note.clone().unwrap_or_default());
    if m.status == MeasureStatus::Declined.code() {
        put("declined", "on".into());
    }
    answer_values(&m.answers, &mut v);
    page.values = v;
    page.items = page
        .def
        .as_ref()
        .map(|d| item_views(d, &ctx.tr, ctx.tr.lang.code(), &page.values, &page.errors))
        .unwrap_or_default();
    let version = m.version;
    page.editing = Some((m, version));
    Ok(page)
}

pub async fn edit_page(ctx: Ctx, Path((id, mid)): Path<(Uuid, Uuid)>) -> AppResult<RecordPage> {
    edit_for(&ctx, id, mid).await
}

pub async fn update(
    ctx: Ctx,
    Path((id, mid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = field(&form, "version")
        .and_then(|v| v.trim().parse::<i32>().ok())
        .ok_or(AppError::BadRequest("error-bad-form"))?;
    let input =
        CorrectionInput { measurement: input_of(&form), version, reason: field(&form, "reason").unwrap_or_default() };
    match service::correct(&ctx.state, &ctx.actor, id, mid, &input).await {
        Ok(_) => {
            ctx.flash("success", "measures-corrected").await?;
            Ok(see_other(&format!("/people/{id}/measures/{mid}")))
        }
        Err(AppError::Invalid(errors)) => {
            let mut page = edit_for(&ctx, id, mid).await?;
            page.values = values_of(&form);
            page.errors = FormErrors::new(&ctx.tr, &errors);
            if let Some((_, v)) = page.editing.as_mut() {
                *v = version;
            }
            page.items = page
                .def
                .as_ref()
                .map(|d| item_views(d, &ctx.tr, ctx.tr.lang.code(), &page.values, &page.errors))
                .unwrap_or_default();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            // What was typed stays; the form now carries the saved version.
            let mut page = edit_for(&ctx, id, mid).await?;
            page.values = values_of(&form);
            page.items = page
                .def
                .as_ref()
                .map(|d| item_views(d, &ctx.tr, ctx.tr.lang.code(), &page.values, &page.errors))
                .unwrap_or_default();
            page.conflict = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn remove(
    ctx: Ctx,
    Path((id, mid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = field(&form, "version")
        .and_then(|v| v.trim().parse::<i32>().ok())
        .ok_or(AppError::BadRequest("error-bad-form"))?;
    let reason = field(&form, "reason").unwrap_or_default();
    match service::remove(&ctx.state, &ctx.actor, id, mid, version, &reason).await {
        Ok(()) => {
            ctx.flash("success", "measures-removed").await?;
            Ok(see_other(&format!("/people/{id}/measures")))
        }
        Err(AppError::Invalid(errors)) => {
            let page = show_for(&ctx, id, mid, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let mut errors = FieldErrors::new();
            errors.add("reason", "measures-conflict-explanation");
            let page = show_for(&ctx, id, mid, &errors).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- schedules ----------

#[derive(Template, WebTemplate)]
#[template(path = "measures/schedules.html")]
pub struct SchedulesPage {
    pub shell: Shell,
    pub schedules: Vec<ProgramSchedule>,
    pub names: std::collections::HashMap<String, String>,
    pub may_configure: bool,
}

impl SchedulesPage {
    pub fn name(&self, key: &str) -> String {
        self.names.get(key).cloned().unwrap_or_else(|| key.to_string())
    }
    pub fn occasions(&self, i: &ScheduledInstrument) -> String {
        let mut out = Vec::new();
        if i.intake {
            out.push(self.shell.t("measures-occasion-intake"));
        }
        if i.periodic {
            out.push(self.shell.t("measures-schedule-periodic-short"));
        }
        if i.discharge {
            out.push(self.shell.t("measures-occasion-discharge"));
        }
        out.join(" · ")
    }
}

pub async fn schedules_page(ctx: Ctx) -> AppResult<SchedulesPage> {
    let schedules = schedules::list(&ctx.state, &ctx.actor).await?;
    let defs = crate::outcomes::instruments::available(ctx.state.db.conn(), ctx.actor.org_id).await?;
    Ok(SchedulesPage {
        shell: ctx.shell().await?,
        schedules,
        names: defs.into_iter().map(|d| (d.key, d.name)).collect(),
        may_configure: schedules::may_configure(&ctx.actor),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "measures/schedule.html")]
pub struct SchedulePage {
    pub shell: Shell,
    pub s: ProgramSchedule,
    /// Each instrument that can be entered, with its occasions as on the form.
    pub rows: Vec<(InstrumentDef, ScheduledInstrument)>,
    pub every_days: String,
    pub active: bool,
    pub errors: FormErrors,
    pub may_configure: bool,
    pub conflict: bool,
}

impl SchedulePage {
    pub fn error_for(&self, key: &str) -> Option<&str> {
        self.errors.get(&format!("instruments.{key}"))
    }
}

async fn schedule_page_for(ctx: &Ctx, program_id: Uuid, typed: Option<&ScheduleInput>) -> AppResult<SchedulePage> {
    let s = schedules::get(&ctx.state, &ctx.actor, program_id).await?;
    let defs = crate::outcomes::instruments::available(ctx.state.db.conn(), ctx.actor.org_id).await?;
    let source = typed.map(|t| t.instruments.clone()).unwrap_or_else(|| s.schedule.instruments.clone());
    let rows = defs
        .into_iter()
        .filter(|d| d.can_be_entered() && d.key != service::CSSRS_KEY)
        .map(|d| {
            let row = source.iter().find(|i| i.key == d.key).cloned().unwrap_or(ScheduledInstrument {
                key: d.key.clone(),
                intake: false,
                periodic: false,
                discharge: false,
            });
            (d, row)
        })
        .collect();
    Ok(SchedulePage {
        shell: ctx.shell().await?,
        every_days: typed.map(|t| t.every_days.clone()).unwrap_or_else(|| s.schedule.every_days.to_string()),
        active: typed.map(|t| t.active).unwrap_or(s.schedule.active || s.is_default),
        s,
        rows,
        errors: FormErrors::default(),
        may_configure: schedules::may_configure(&ctx.actor),
        conflict: false,
    })
}

pub async fn schedule_page(ctx: Ctx, Path(program_id): Path<Uuid>) -> AppResult<SchedulePage> {
    schedule_page_for(&ctx, program_id, None).await
}

/// The schedule typed on the form: `<key>.intake`, `<key>.periodic`, `<key>.discharge` checkboxes.
fn schedule_input(form: &[(String, String)]) -> ScheduleInput {
    let mut instruments: Vec<ScheduledInstrument> = Vec::new();
    for (k, _) in form {
        let Some((key, occasion)) = k.rsplit_once('.') else { continue };
        let Some(key) = key.strip_prefix("i.") else { continue };
        let i = match instruments.iter_mut().position(|i| i.key == key) {
            Some(n) => &mut instruments[n],
            None => {
                instruments.push(ScheduledInstrument {
                    key: key.into(),
                    intake: false,
                    periodic: false,
                    discharge: false,
                });
                instruments.last_mut().expect("just pushed")
            }
        };
        match occasion {
            "intake" => i.intake = true,
            "periodic" => i.periodic = true,
            "discharge" => i.discharge = true,
            _ => {}
        }
    }
    ScheduleInput {
        active: field(form, "active").is_some(),
        every_days: field(form, "every_days").unwrap_or_default(),
        instruments,
    }
}

pub async fn save_schedule(
    ctx: Ctx,
    Path(program_id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = field(&form, "version").and_then(|v| v.trim().parse::<i32>().ok());
    let input = schedule_input(&form);
    match schedules::save(&ctx.state, &ctx.actor, program_id, version, &input).await {
        Ok(_) => {
            ctx.flash("success", "measures-schedule-saved").await?;
            Ok(see_other("/outcomes/schedules"))
        }
        Err(AppError::Invalid(errors)) => {
            let mut page = schedule_page_for(&ctx, program_id, Some(&input)).await?;
            page.errors = FormErrors::new(&ctx.tr, &errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let mut page = schedule_page_for(&ctx, program_id, Some(&input)).await?;
            page.conflict = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}
