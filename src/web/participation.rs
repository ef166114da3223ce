//! Program rules, advisory meetings and participant surveys (CSE 7.02 / CA-CSE 7.03): pages.
//!
//! - `/voice`: the participant-voice hub, linking every part (feedback, rules, meetings, surveys,
//!   opportunities, aims, welcoming environment) with live counts for rules, meetings and surveys.
//! - `/voice/rules…`: current rules per program, a version page (prints cleanly), the new-version
//!   form prefilled from the current version, the history and a line-by-line comparison.
//! - `/voice/meetings…`, `/voice/decisions`: meetings with topics, counts, named participants
//!   (with their agreement), decisions and their follow-through; open and overdue decisions.
//! - `/voice/surveys…`: surveys with repeating result rows (more rows without JavaScript).

use super::intake::Values;
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::app::AppState;
use crate::db::entities::{advisory_decision, advisory_meeting, program, survey_result};
use crate::domain::FieldErrors;
use crate::domain::participation::{
    AdvisoryDecisionInput, AdvisoryDecisionStatus, AdvisoryMeetingKind, AttendeeInput, DiffLine, DraftingInput,
    MeetingInput, ParticipationMethod, RuleEnforcement, RuleVersionInput, SurveyInput, SurveyMethod, SurveyResultInput,
    SurveyResultKind, drafting_note_field, number, participants_field, result_field,
};
use crate::error::{AppError, AppResult};
use crate::voice::participation::{
    self as svc, DecisionRow, HubCounts, MeetingList, MeetingView, ORGANISATION_SCOPE, RuleComparison, RuleHistory,
    RuleVersion, RuleVersionView, RulesOverview, SurveyRow, SurveyView,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/voice", get(hub))
        .route("/voice/rules", get(rules_list))
        .route("/voice/rules/compare", get(compare))
        .route("/voice/rules/scope/{scope}", get(history))
        .route("/voice/rules/scope/{scope}/new", get(new_rules).post(create_rules))
        .route("/voice/rules/{id}", get(rule_page))
        .route("/voice/meetings", get(meetings_list).post(create_meeting))
        .route("/voice/meetings/new", get(new_meeting))
        .route("/voice/meetings/{id}", get(meeting_page))
        .route("/voice/meetings/{id}/edit", get(edit_meeting).post(update_meeting))
        .route("/voice/meetings/{id}/decisions", post(add_decision))
        .route("/voice/meetings/{id}/decisions/{decision_id}", post(update_decision))
        .route("/voice/decisions", get(decisions_list))
        .route("/voice/surveys", get(surveys_list).post(create_survey))
        .route("/voice/surveys/new", get(new_survey))
        .route("/voice/surveys/{id}", get(survey_page))
        .route("/voice/surveys/{id}/edit", get(edit_survey).post(update_survey))
}

// ---------- shared helpers ----------

type Form = Vec<(String, String)>;

fn field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

fn all(form: &[(String, String)], name: &str) -> Vec<String> {
    form.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect()
}

fn on(form: &[(String, String)], name: &str) -> bool {
    matches!(field(form, name).as_deref(), Some("on" | "yes" | "true"))
}

fn values_of(form: &[(String, String)]) -> Values {
    Values(form.iter().filter(|(k, _)| k != "csrf_token").cloned().collect())
}

fn version_of(form: &[(String, String)]) -> Option<i32> {
    field(form, "version").and_then(|v| v.trim().parse().ok())
}

/// A program id from a form's select: empty for the whole organisation.
fn program_of(form: &[(String, String)]) -> Result<Option<Uuid>, FieldErrors> {
    match field(form, "program_id").map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Uuid::parse_str(&v)
            .map(Some)
            .map_err(|_| FieldErrors::single("program_id", "participation-error-program-unknown")),
    }
}

/// `organisation` or a program id, as in `/voice/rules/scope/{scope}`.
fn parse_scope(scope: &str) -> AppResult<Option<Uuid>> {
    if scope == ORGANISATION_SCOPE {
        Ok(None)
    } else {
        Uuid::parse_str(scope).map(Some).map_err(|_| AppError::NotFound)
    }
}

fn percent(p: f64) -> String {
    format!("{}%", number(p))
}

/// Options for a program select: (id, name, selected).
fn program_options(programs: &[program::Model], chosen: &str) -> Vec<(String, String, bool)> {
    programs.iter().map(|p| (p.id.to_string(), p.name.clone(), chosen == p.id.to_string())).collect()
}

fn code_options<T: crate::domain::codes::TextCode>(shell: &Shell, chosen: &str) -> Vec<(&'static str, String, bool)> {
    T::all().iter().map(|c| (c.code(), shell.t(&c.message_id()), chosen == c.code())).collect()
}

async fn active_programs(ctx: &Ctx) -> AppResult<Vec<program::Model>> {
    let mut all = crate::db::org::programs(ctx.state.db.conn(), ctx.actor.org_id).await?;
    all.retain(|p| p.active);
    all.sort_by_key(|a| a.name.to_lowercase());
    Ok(all)
}

fn invalid(errors: FieldErrors) -> AppError {
    AppError::Invalid(errors)
}

// ---------- the hub ----------

#[derive(Template, WebTemplate)]
#[template(path = "participation/hub.html")]
pub struct HubPage {
    pub shell: Shell,
    pub hub: HubCounts,
    pub org_id: Uuid,
    pub may_manage: bool,
}

impl HubPage {
    pub fn rules_recorded(&self) -> usize {
        self.hub.rules.rows.iter().filter(|r| r.current.is_some()).count()
    }
    pub fn rules_missing(&self) -> usize {
        self.hub.rules.rows.iter().filter(|r| r.current.is_none()).count()
    }
    pub fn rule_age(&self, days: &Option<i64>) -> String {
        rule_age(&self.shell, *days)
    }
    pub fn last_meeting(&self) -> String {
        match self.hub.last_meeting {
            Some(d) => self.shell.t1("participation-hub-last-meeting", "date", d.to_string()),
            None => self.shell.t("participation-hub-no-meetings"),
        }
    }
    pub fn latest_survey(&self) -> String {
        match &self.hub.latest_survey {
            Some(s) => match s.response_rate {
                Some(r) => self.shell.tr.with_args(
                    "participation-hub-latest-survey",
                    &[("title", s.survey.title.clone()), ("rate", percent(r))],
                ),
                None => self.shell.tr.with_args(
                    "participation-hub-latest-survey-no-rate",
                    &[("title", s.survey.title.clone()), ("respondents", s.survey.respondents.to_string())],
                ),
            },
            None => self.shell.t("participation-hub-no-surveys"),
        }
    }
    pub fn scope(&self, id: &Option<Uuid>) -> String {
        scope_text(id)
    }
    pub fn program(&self, name: &Option<String>) -> String {
        name.clone().unwrap_or_else(|| self.shell.t("participation-whole-organisation"))
    }
}

fn scope_text(id: &Option<Uuid>) -> String {
    id.map(|p| p.to_string()).unwrap_or_else(|| ORGANISATION_SCOPE.into())
}

fn rule_age(shell: &Shell, days: Option<i64>) -> String {
    match days {
        None => shell.t("participation-rules-none"),
        Some(d) if d < 0 => shell.t1("participation-rules-takes-effect-in", "days", -d),
        Some(d) => shell.t1("participation-rules-age", "days", d),
    }
}

pub async fn hub(ctx: Ctx) -> AppResult<HubPage> {
    let hub = svc::hub(&ctx.state, &ctx.actor).await?;
    Ok(HubPage { shell: ctx.shell().await?, hub, org_id: ctx.actor.org_id, may_manage: svc::may_manage(&ctx.actor) })
}

// ---------- rules: list, version, history, compare ----------

#[derive(Template, WebTemplate)]
#[template(path = "participation/rules.html")]
pub struct RulesPage {
    pub shell: Shell,
    pub overview: RulesOverview,
    pub may_manage: bool,
}

impl RulesPage {
    pub fn rule_age(&self, days: &Option<i64>) -> String {
        rule_age(&self.shell, *days)
    }
    pub fn scope(&self, id: &Option<Uuid>) -> String {
        scope_text(id)
    }
    pub fn program(&self, name: &Option<String>) -> String {
        name.clone().unwrap_or_else(|| self.shell.t("participation-whole-organisation"))
    }
    pub fn drafted(&self, v: &RuleVersion) -> String {
        drafted_summary(&self.shell, v)
    }
    pub fn enforcement(&self, v: &RuleVersion) -> String {
        self.shell.t(&v.enforcement.message_id())
    }
}

/// "Community meeting (14), vote (11)".
fn drafted_summary(shell: &Shell, v: &RuleVersion) -> String {
    v.drafting
        .iter()
        .map(|d| match d.participants {
            Some(n) => format!("{} ({n})", shell.t(&d.method.message_id())),
            None => shell.t(&d.method.message_id()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn rules_list(ctx: Ctx) -> AppResult<RulesPage> {
    let overview = svc::rules_overview(&ctx.state, &ctx.actor).await?;
    Ok(RulesPage { shell: ctx.shell().await?, overview, may_manage: svc::may_manage(&ctx.actor) })
}

#[derive(Template, WebTemplate)]
#[template(path = "participation/rule.html")]
pub struct RulePage {
    pub shell: Shell,
    pub view: RuleVersionView,
    pub may_manage: bool,
}

impl RulePage {
    pub fn program(&self) -> String {
        self.view.program_name.clone().unwrap_or_else(|| self.shell.t("participation-whole-organisation"))
    }
    pub fn scope(&self) -> String {
        scope_text(&self.view.version.rule.program_id)
    }
    pub fn method(&self, m: &ParticipationMethod) -> String {
        self.shell.t(&m.message_id())
    }
    pub fn enforcement(&self) -> String {
        self.shell.t(&self.view.version.enforcement.message_id())
    }
    pub fn body_lines(&self) -> Vec<String> {
        self.view.version.rule.body.lines().map(String::from).collect()
    }
    pub fn meeting_label(&self, m: &advisory_meeting::Model) -> String {
        meeting_label(&self.shell, m)
    }
    pub fn recorded(&self) -> String {
        self.shell.tr.with_args(
            "participation-rule-recorded",
            &[
                ("name", self.view.recorded_by_name.clone()),
                ("date", self.view.version.rule.recorded_at.date().to_string()),
            ],
        )
    }
    pub fn votes(&self) -> String {
        match self.view.version.votes {
            Some(v) => self.shell.tr.with_args(
                "participation-rule-votes-text",
                &[
                    ("for", v.votes_for.to_string()),
                    ("against", v.against.to_string()),
                    ("abstain", v.abstain.to_string()),
                ],
            ),
            None => String::new(),
        }
    }
}

fn meeting_label(shell: &Shell, m: &advisory_meeting::Model) -> String {
    let kind = AdvisoryMeetingKind::parse(&m.kind).map(|k| shell.t(&k.message_id())).unwrap_or_default();
    format!("{kind} · {}", m.held_on)
}

pub async fn rule_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<RulePage> {
    let view = svc::rule_version(&ctx.state, &ctx.actor, id).await?;
    Ok(RulePage { shell: ctx.shell().await?, view, may_manage: svc::may_manage(&ctx.actor) })
}

#[derive(Template, WebTemplate)]
#[template(path = "participation/history.html")]
pub struct HistoryPage {
    pub shell: Shell,
    pub history: RuleHistory,
    pub may_manage: bool,
}

impl HistoryPage {
    pub fn program(&self) -> String {
        self.history.program_name.clone().unwrap_or_else(|| self.shell.t("participation-whole-organisation"))
    }
    pub fn scope(&self) -> String {
        scope_text(&self.history.program_id)
    }
    pub fn drafted(&self, v: &RuleVersion) -> String {
        drafted_summary(&self.shell, v)
    }
    pub fn enforcement(&self, v: &RuleVersion) -> String {
        self.shell.t(&v.enforcement.message_id())
    }
    pub fn recorded_by(&self, id: &Uuid) -> String {
        self.history.recorded_by.get(id).cloned().unwrap_or_default()
    }
    /// The versions compared by default: the one before the current, and the current.
    pub fn is_default_from(&self, id: &Uuid) -> bool {
        self.history.versions.get(1).is_some_and(|v| v.rule.id == *id)
    }
    pub fn is_default_to(&self, id: &Uuid) -> bool {
        self.history.versions.first().is_some_and(|v| v.rule.id == *id)
    }
}

pub async fn history(ctx: Ctx, Path(scope): Path<String>) -> AppResult<HistoryPage> {
    let program_id = parse_scope(&scope)?;
    let history = svc::rule_history(&ctx.state, &ctx.actor, program_id).await?;
    Ok(HistoryPage { shell: ctx.shell().await?, history, may_manage: svc::may_manage(&ctx.actor) })
}

#[derive(Deserialize)]
pub struct CompareQuery {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "participation/compare.html")]
pub struct ComparePage {
    pub shell: Shell,
    pub cmp: RuleComparison,
}

impl ComparePage {
    pub fn program(&self) -> String {
        self.cmp.program_name.clone().unwrap_or_else(|| self.shell.t("participation-whole-organisation"))
    }
    pub fn scope(&self) -> String {
        scope_text(&self.cmp.from.rule.program_id)
    }
    pub fn lines(&self) -> &[DiffLine] {
        &self.cmp.lines
    }
    pub fn unchanged(&self) -> bool {
        self.cmp.lines.iter().all(|l| matches!(l, DiffLine::Same(_)))
    }
    pub fn lede(&self) -> String {
        self.shell.tr.with_args(
            "participation-compare-lede",
            &[
                ("from", self.cmp.from.rule.version_number.to_string()),
                ("to", self.cmp.to.rule.version_number.to_string()),
            ],
        )
    }
    pub fn counts(&self) -> String {
        self.shell.tr.with_args(
            "participation-compare-counts",
            &[("added", self.cmp.added().to_string()), ("removed", self.cmp.removed().to_string())],
        )
    }
}

pub async fn compare(ctx: Ctx, Query(q): Query<CompareQuery>) -> AppResult<ComparePage> {
    let parse = |v: Option<String>| v.and_then(|v| Uuid::parse_str(v.trim()).ok());
    let (Some(from), Some(to)) = (parse(q.from), parse(q.to)) else {
        return Err(AppError::BadRequest("participation-error-compare-choose"));
    };
    let cmp = svc::compare_versions(&ctx.state, &ctx.actor, from, to).await?;
    Ok(ComparePage { shell: ctx.shell().await?, cmp })
}

// ---------- rules: new version ----------

#[derive(Template, WebTemplate)]
#[template(path = "participation/rule_form.html")]
pub struct RuleFormPage {
    pub shell: Shell,
    pub scope: String,
    pub program_name: Option<String>,
    pub current: Option<RuleVersion>,
    pub based_on: i32,
    pub values: Values,
    pub errors: FormErrors,
    pub meetings: Vec<advisory_meeting::Model>,
    /// Someone recorded a version while this one was being written.
    pub conflict: bool,
}

impl RuleFormPage {
    pub fn program(&self) -> String {
        self.program_name.clone().unwrap_or_else(|| self.shell.t("participation-whole-organisation"))
    }
    /// (code, label, checked, count field, count, note field, note, hint)
    pub fn methods(&self) -> Vec<MethodRow> {
        ParticipationMethod::ALL
            .iter()
            .map(|m| {
                let count_field = participants_field(m.code());
                let note_field = drafting_note_field(m.code());
                MethodRow {
                    code: m.code(),
                    label: self.shell.t(&m.message_id()),
                    checked: self.values.on(&format!("method-{}", m.code())),
                    count: self.values.v(&count_field),
                    count_error: self.errors.get(&count_field).map(String::from),
                    note: self.values.v(&note_field),
                    note_error: self.errors.get(&note_field).map(String::from),
                    count_field,
                    note_field,
                }
            })
            .collect()
    }
    pub fn enforcement_options(&self) -> Vec<(&'static str, String, String, bool)> {
        let chosen = self.values.v("enforcement");
        RuleEnforcement::ALL
            .iter()
            .map(|e| {
                (
                    e.code(),
                    self.shell.t(&e.message_id()),
                    self.shell.t(&format!("{}-hint", e.message_id())),
                    chosen == e.code(),
                )
            })
            .collect()
    }
    pub fn meeting_options(&self) -> Vec<(String, String, bool)> {
        let chosen = self.values.v("drafted_at_meeting_id");
        self.meetings
            .iter()
            .map(|m| (m.id.to_string(), meeting_label(&self.shell, m), chosen == m.id.to_string()))
            .collect()
    }
}

pub struct MethodRow {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
    pub count_field: String,
    pub count: String,
    pub count_error: Option<String>,
    pub note_field: String,
    pub note: String,
    pub note_error: Option<String>,
}

/// The form's values prefilled from the current version (its text, enforcement), with a new
/// effective date of today.
fn prefill(current: &Option<RuleVersion>, today: time::Date) -> Values {
    let mut v: HashMap<String, String> = HashMap::new();
    v.insert("effective_from".into(), today.to_string());
    if let Some(c) = current {
        v.insert("title".into(), c.rule.title.clone());
        v.insert("body".into(), c.rule.body.clone());
        v.insert("enforcement".into(), c.rule.enforcement.clone());
        v.insert("enforcement_description".into(), c.rule.enforcement_description.clone());
    }
    Values(v)
}

async fn rule_form(
    ctx: &Ctx,
    scope: &str,
    values: Option<Values>,
    errors: &FieldErrors,
    conflict: bool,
) -> AppResult<RuleFormPage> {
    ctx.authorize(crate::access::Action::ManageParticipation, crate::access::Reach::Outside, None).await?;
    let program_id = parse_scope(scope)?;
    let history = svc::rule_history(&ctx.state, &ctx.actor, program_id).await?;
    let current = history.versions.first().cloned();
    let today = svc::today(&ctx.state, ctx.actor.org_id).await?;
    let meetings = svc::meetings(&ctx.state, &ctx.actor).await?.rows.into_iter().map(|r| r.meeting).take(30).collect();
    Ok(RuleFormPage {
        shell: ctx.shell().await?,
        scope: scope.to_string(),
        program_name: history.program_name,
        based_on: current.as_ref().map(|c| c.rule.version_number).unwrap_or(0),
        values: values.unwrap_or_else(|| prefill(&current, today)),
        current,
        errors: FormErrors::new(&ctx.tr, errors),
        meetings,
        conflict,
    })
}

pub async fn new_rules(ctx: Ctx, Path(scope): Path<String>) -> AppResult<RuleFormPage> {
    rule_form(&ctx, &scope, None, &FieldErrors::new(), false).await
}

fn rule_input(form: &[(String, String)]) -> Result<RuleVersionInput, FieldErrors> {
    let drafting = ParticipationMethod::ALL
        .iter()
        .filter(|m| on(form, &format!("method-{}", m.code())))
        .map(|m| DraftingInput {
            method: m.code().into(),
            participants: field(form, &participants_field(m.code())),
            note: field(form, &drafting_note_field(m.code())),
        })
        .collect();
    let meeting = match field(form, "drafted_at_meeting_id").filter(|v| !v.trim().is_empty()) {
        None => None,
        Some(v) => Some(
            Uuid::parse_str(v.trim())
                .map_err(|_| FieldErrors::single("drafted_at_meeting_id", "participation-error-meeting-unknown"))?,
        ),
    };
    Ok(RuleVersionInput {
        title: field(form, "title").unwrap_or_default(),
        body: field(form, "body").unwrap_or_default(),
        effective_from: field(form, "effective_from").unwrap_or_default(),
        drafting,
        drafting_notes: field(form, "drafting_notes"),
        votes_for: field(form, "votes_for"),
        votes_against: field(form, "votes_against"),
        votes_abstain: field(form, "votes_abstain"),
        enforcement: field(form, "enforcement").unwrap_or_default(),
        enforcement_description: field(form, "enforcement_description").unwrap_or_default(),
        drafted_at_meeting_id: meeting,
        change_summary: field(form, "change_summary"),
    })
}

pub async fn create_rules(ctx: Ctx, Path(scope): Path<String>, CsrfForm(form): CsrfForm<Form>) -> AppResult<Response> {
    let program_id = parse_scope(&scope)?;
    let based_on = field(&form, "based_on").and_then(|v| v.trim().parse::<i32>().ok()).unwrap_or(0);
    let result = match rule_input(&form) {
        Ok(input) => svc::record_rule_version(&ctx.state, &ctx.actor, program_id, Some(based_on), &input).await,
        Err(errors) => Err(invalid(errors)),
    };
    match result {
        Ok(v) => {
            ctx.flash("success", "participation-rule-saved").await?;
            Ok(see_other(&format!("/voice/rules/{}", v.rule.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let mut page = rule_form(&ctx, &scope, Some(values_of(&form)), &errors, false).await?;
            page.based_on = based_on;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            // What was typed stays; the form now builds on the version recorded meanwhile.
            let page = rule_form(&ctx, &scope, Some(values_of(&form)), &FieldErrors::new(), true).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- meetings ----------

#[derive(Template, WebTemplate)]
#[template(path = "participation/meetings.html")]
pub struct MeetingsPage {
    pub shell: Shell,
    pub list: MeetingList,
    pub may_manage: bool,
}

impl MeetingsPage {
    pub fn kind(&self, k: &AdvisoryMeetingKind) -> String {
        self.shell.t(&k.message_id())
    }
    pub fn program(&self, name: &Option<String>) -> String {
        name.clone().unwrap_or_else(|| self.shell.t("participation-whole-organisation"))
    }
    pub fn counts(&self, m: &advisory_meeting::Model) -> String {
        self.shell.tr.with_args(
            "participation-meeting-counts",
            &[("participants", m.participant_count.to_string()), ("staff", m.staff_count.to_string())],
        )
    }
    pub fn decisions(&self, total: &usize, open: &usize) -> String {
        self.shell.tr.with_args(
            "participation-meeting-decisions-count",
            &[("total", total.to_string()), ("open", open.to_string())],
        )
    }
    pub fn first_topics(&self, m: &advisory_meeting::Model) -> String {
        let topics = crate::domain::participation::topic_lines(&m.topics);
        let shown: Vec<&str> = topics.iter().take(3).map(String::as_str).collect();
        let more = topics.len().saturating_sub(3);
        if more > 0 { format!("{} …", shown.join(" · ")) } else { shown.join(" · ") }
    }
}

pub async fn meetings_list(ctx: Ctx) -> AppResult<MeetingsPage> {
    let list = svc::meetings(&ctx.state, &ctx.actor).await?;
    Ok(MeetingsPage { shell: ctx.shell().await?, list, may_manage: svc::may_manage(&ctx.actor) })
}

#[derive(Template, WebTemplate)]
#[template(path = "participation/meeting_form.html")]
pub struct MeetingFormPage {
    pub shell: Shell,
    /// None for a new meeting.
    pub meeting_id: Option<Uuid>,
    pub version: i32,
    pub values: Values,
    /// People that may be named: (id, name, ticked).
    pub people: Vec<(Uuid, String, bool)>,
    pub programs: Vec<program::Model>,
    pub errors: FormErrors,
    pub conflict: bool,
}

impl MeetingFormPage {
    pub fn action(&self) -> String {
        match self.meeting_id {
            Some(id) => format!("/voice/meetings/{id}/edit"),
            None => "/voice/meetings".into(),
        }
    }
    pub fn any_ticked(&self) -> bool {
        self.people.iter().any(|p| p.2)
    }
    pub fn kind_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<AdvisoryMeetingKind>(&self.shell, &self.values.v("kind"))
    }
    pub fn program_options(&self) -> Vec<(String, String, bool)> {
        program_options(&self.programs, &self.values.v("program_id"))
    }
}

fn meeting_values(m: &MeetingView) -> Values {
    let mm = &m.meeting;
    let mut v: HashMap<String, String> = HashMap::new();
    v.insert("kind".into(), mm.kind.clone());
    v.insert("program_id".into(), mm.program_id.map(|p| p.to_string()).unwrap_or_default());
    v.insert("held_on".into(), mm.held_on.to_string());
    v.insert("place".into(), mm.place.clone().unwrap_or_default());
    if mm.online {
        v.insert("online".into(), "on".into());
    }
    v.insert("participant_count".into(), mm.participant_count.to_string());
    v.insert("staff_count".into(), mm.staff_count.to_string());
    v.insert("topics".into(), mm.topics.clone());
    v.insert("summary".into(), mm.summary.clone().unwrap_or_default());
    if !m.attendees.is_empty() {
        v.insert("named_consent".into(), "on".into());
    }
    Values(v)
}

async fn meeting_form(
    ctx: &Ctx,
    meeting_id: Option<Uuid>,
    version: i32,
    values: Values,
    ticked: Vec<Uuid>,
    errors: &FieldErrors,
    conflict: bool,
) -> AppResult<MeetingFormPage> {
    ctx.authorize(crate::access::Action::ManageParticipation, crate::access::Reach::Outside, None).await?;
    let people = svc::attendee_choices(&ctx.state, &ctx.actor, meeting_id)
        .await?
        .into_iter()
        .map(|(id, name)| (id, name, ticked.contains(&id)))
        .collect();
    Ok(MeetingFormPage {
        shell: ctx.shell().await?,
        meeting_id,
        version,
        values,
        people,
        programs: active_programs(ctx).await?,
        errors: FormErrors::new(&ctx.tr, errors),
        conflict,
    })
}

pub async fn new_meeting(ctx: Ctx) -> AppResult<MeetingFormPage> {
    let today = svc::today(&ctx.state, ctx.actor.org_id).await?;
    let values = Values([("held_on".to_string(), today.to_string())].into_iter().collect());
    meeting_form(&ctx, None, 0, values, Vec::new(), &FieldErrors::new(), false).await
}

pub async fn edit_meeting(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<MeetingFormPage> {
    let view = svc::meeting(&ctx.state, &ctx.actor, id).await?;
    let ticked = view.attendees.iter().map(|a| a.row.person_id).collect();
    meeting_form(&ctx, Some(id), view.meeting.version, meeting_values(&view), ticked, &FieldErrors::new(), false).await
}

fn meeting_input(form: &[(String, String)]) -> Result<(MeetingInput, Vec<Uuid>), FieldErrors> {
    let program_id = program_of(form)?;
    let consent = on(form, "named_consent");
    let mut ticked = Vec::new();
    for raw in all(form, "attendee") {
        match Uuid::parse_str(raw.trim()) {
            Ok(id) => ticked.push(id),
            Err(_) => return Err(FieldErrors::single("attendees", "participation-error-person-unknown")),
        }
    }
    let input = MeetingInput {
        kind: field(form, "kind").unwrap_or_default(),
        program_id,
        held_on: field(form, "held_on").unwrap_or_default(),
        place: field(form, "place"),
        online: on(form, "online"),
        participant_count: field(form, "participant_count"),
        staff_count: field(form, "staff_count"),
        topics: field(form, "topics").unwrap_or_default(),
        summary: field(form, "summary"),
        attendees: ticked.iter().map(|id| AttendeeInput { person_id: *id, agreed_to_be_named: consent }).collect(),
        consent_on: field(form, "consent_on"),
    };
    Ok((input, ticked))
}

async fn save_meeting(ctx: Ctx, id: Option<Uuid>, form: Form) -> AppResult<Response> {
    let version = version_of(&form).unwrap_or(0);
    let parsed = meeting_input(&form);
    let ticked = parsed.as_ref().map(|(_, t)| t.clone()).unwrap_or_default();
    let result = match (&parsed, id) {
        (Err(errors), _) => Err(invalid(errors.clone())),
        (Ok((input, _)), None) => svc::create_meeting(&ctx.state, &ctx.actor, input).await,
        (Ok((input, _)), Some(id)) => match version_of(&form) {
            Some(v) => svc::update_meeting(&ctx.state, &ctx.actor, id, v, input).await,
            None => Err(invalid(FieldErrors::single("version", "error-required"))),
        },
    };
    match result {
        Ok(m) => {
            ctx.flash("success", "participation-meeting-saved").await?;
            Ok(see_other(&format!("/voice/meetings/{}", m.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let page = meeting_form(&ctx, id, version, values_of(&form), ticked, &errors, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let saved = match id {
                Some(id) => svc::meeting(&ctx.state, &ctx.actor, id).await?.meeting.version,
                None => 0,
            };
            let page = meeting_form(&ctx, id, saved, values_of(&form), ticked, &FieldErrors::new(), true).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn create_meeting(ctx: Ctx, CsrfForm(form): CsrfForm<Form>) -> AppResult<Response> {
    save_meeting(ctx, None, form).await
}

pub async fn update_meeting(ctx: Ctx, Path(id): Path<Uuid>, CsrfForm(form): CsrfForm<Form>) -> AppResult<Response> {
    save_meeting(ctx, Some(id), form).await
}

#[derive(Template, WebTemplate)]
#[template(path = "participation/meeting.html")]
pub struct MeetingPage {
    pub shell: Shell,
    pub view: MeetingView,
    pub may_manage: bool,
    pub owners: Vec<(Uuid, String)>,
    /// What was typed into the new-decision form (after a mistake).
    pub new_values: Values,
    pub new_errors: FormErrors,
    /// The decision whose follow-through form was sent with mistakes or against a stale version.
    pub open_decision: Option<Uuid>,
    pub decision_values: Values,
    pub decision_errors: FormErrors,
    pub conflict: bool,
}

impl MeetingPage {
    pub fn kind(&self) -> String {
        self.shell.t(&self.view.kind.message_id())
    }
    pub fn program(&self) -> String {
        self.view.program_name.clone().unwrap_or_else(|| self.shell.t("participation-whole-organisation"))
    }
    pub fn counts(&self) -> String {
        self.shell.tr.with_args(
            "participation-meeting-counts",
            &[
                ("participants", self.view.meeting.participant_count.to_string()),
                ("staff", self.view.meeting.staff_count.to_string()),
            ],
        )
    }
    pub fn status(&self, s: &AdvisoryDecisionStatus) -> String {
        self.shell.t(&s.message_id())
    }
    pub fn status_class(&self, d: &DecisionRow) -> &'static str {
        status_class(d)
    }
    pub fn owner_options(&self, chosen: String) -> Vec<(String, String, bool)> {
        self.owners.iter().map(|(id, n)| (id.to_string(), n.clone(), chosen == id.to_string())).collect()
    }
    pub fn status_options(&self, chosen: String) -> Vec<(&'static str, String, bool)> {
        code_options::<AdvisoryDecisionStatus>(&self.shell, &chosen)
    }
    /// The values a decision's follow-through form shows: what was typed (after a mistake) or
    /// what is saved.
    pub fn dv(&self, d: &advisory_decision::Model, name: &str) -> String {
        if self.open_decision == Some(d.id) && !self.conflict {
            return self.decision_values.v(name);
        }
        match name {
            "text" => d.text.clone(),
            "owner_id" => d.owner_id.map(|o| o.to_string()).unwrap_or_default(),
            "due_on" => d.due_on.map(|x| x.to_string()).unwrap_or_default(),
            "status" => d.status.clone(),
            "follow_through" => d.follow_through.clone().unwrap_or_default(),
            "reason" => d.reason.clone().unwrap_or_default(),
            "done_on" => d.done_on.map(|x| x.to_string()).unwrap_or_default(),
            _ => String::new(),
        }
    }
    pub fn derr(&self, d: &advisory_decision::Model, name: &str) -> Option<String> {
        if self.open_decision == Some(d.id) {
            self.decision_errors.get(&format!("{name}-{}", d.id)).map(String::from)
        } else {
            None
        }
    }
    pub fn is_open(&self, d: &advisory_decision::Model) -> bool {
        self.open_decision == Some(d.id)
    }
}

fn status_class(d: &DecisionRow) -> &'static str {
    if d.overdue {
        "tag-danger"
    } else {
        match d.status {
            AdvisoryDecisionStatus::Done => "tag-success",
            AdvisoryDecisionStatus::NotGoingAhead => "tag-muted",
            AdvisoryDecisionStatus::InProgress => "tag-warning",
            AdvisoryDecisionStatus::Open => "",
        }
    }
}

async fn meeting_page_for(ctx: &Ctx, id: Uuid) -> AppResult<MeetingPage> {
    let view = svc::meeting(&ctx.state, &ctx.actor, id).await?;
    let may_manage = svc::may_manage(&ctx.actor);
    let owners = if may_manage { svc::owner_choices(&ctx.state, ctx.actor.org_id).await? } else { Vec::new() };
    Ok(MeetingPage {
        shell: ctx.shell().await?,
        view,
        may_manage,
        owners,
        new_values: Values::default(),
        new_errors: FormErrors::default(),
        open_decision: None,
        decision_values: Values::default(),
        decision_errors: FormErrors::default(),
        conflict: false,
    })
}

pub async fn meeting_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<MeetingPage> {
    meeting_page_for(&ctx, id).await
}

fn decision_input(form: &[(String, String)]) -> Result<AdvisoryDecisionInput, FieldErrors> {
    let owner_id = match field(form, "owner_id").filter(|v| !v.trim().is_empty()) {
        None => None,
        Some(v) => Some(
            Uuid::parse_str(v.trim())
                .map_err(|_| FieldErrors::single("owner_id", "participation-error-owner-unknown"))?,
        ),
    };
    Ok(AdvisoryDecisionInput {
        text: field(form, "text").unwrap_or_default(),
        owner_id,
        due_on: field(form, "due_on"),
        status: field(form, "status").unwrap_or_default(),
        follow_through: field(form, "follow_through"),
        reason: field(form, "reason"),
        done_on: field(form, "done_on"),
    })
}

pub async fn add_decision(ctx: Ctx, Path(id): Path<Uuid>, CsrfForm(form): CsrfForm<Form>) -> AppResult<Response> {
    let result = match decision_input(&form) {
        Ok(input) => svc::add_decision(&ctx.state, &ctx.actor, id, &input).await,
        Err(errors) => Err(invalid(errors)),
    };
    match result {
        Ok(d) => {
            ctx.flash("success", "participation-decision-saved").await?;
            Ok(see_other(&format!("/voice/meetings/{id}#decision-{}", d.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let mut page = meeting_page_for(&ctx, id).await?;
            page.new_values = values_of(&form);
            page.new_errors = FormErrors::new(&ctx.tr, &errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn update_decision(
    ctx: Ctx,
    Path((id, decision_id)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Form>,
) -> AppResult<Response> {
    let existing = svc::decision(&ctx.state, &ctx.actor, decision_id).await?;
    if existing.meeting_id != id {
        return Err(AppError::NotFound);
    }
    let result = match (decision_input(&form), version_of(&form)) {
        (Ok(input), Some(v)) => svc::update_decision(&ctx.state, &ctx.actor, decision_id, v, &input).await,
        (Ok(_), None) => Err(invalid(FieldErrors::single("version", "error-required"))),
        (Err(errors), _) => Err(invalid(errors)),
    };
    match result {
        Ok(_) => {
            ctx.flash("success", "participation-decision-updated").await?;
            Ok(see_other(&format!("/voice/meetings/{id}#decision-{decision_id}")))
        }
        Err(AppError::Invalid(errors)) => {
            // Field names carry the decision's id, so the summary links to this decision's form.
            let renamed = FieldErrors(
                errors
                    .0
                    .into_iter()
                    .map(|mut e| {
                        e.field = format!("{}-{decision_id}", e.field);
                        e
                    })
                    .collect(),
            );
            let mut page = meeting_page_for(&ctx, id).await?;
            page.open_decision = Some(decision_id);
            page.decision_values = values_of(&form);
            page.decision_errors = FormErrors::new(&ctx.tr, &renamed);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let mut page = meeting_page_for(&ctx, id).await?;
            page.open_decision = Some(decision_id);
            page.decision_values = values_of(&form);
            page.conflict = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "participation/decisions.html")]
pub struct DecisionsPage {
    pub shell: Shell,
    pub rows: Vec<DecisionRow>,
}

impl DecisionsPage {
    pub fn status(&self, s: &AdvisoryDecisionStatus) -> String {
        self.shell.t(&s.message_id())
    }
    pub fn status_class(&self, d: &DecisionRow) -> &'static str {
        status_class(d)
    }
    pub fn kind(&self, k: &AdvisoryMeetingKind) -> String {
        self.shell.t(&k.message_id())
    }
    pub fn overdue(&self) -> usize {
        self.rows.iter().filter(|r| r.overdue).count()
    }
}

pub async fn decisions_list(ctx: Ctx) -> AppResult<DecisionsPage> {
    let rows = svc::open_decisions(&ctx.state, &ctx.actor).await?;
    Ok(DecisionsPage { shell: ctx.shell().await?, rows })
}

// ---------- surveys ----------

#[derive(Template, WebTemplate)]
#[template(path = "participation/surveys.html")]
pub struct SurveysPage {
    pub shell: Shell,
    pub rows: Vec<SurveyRow>,
    pub may_manage: bool,
}

impl SurveysPage {
    pub fn method(&self, m: &SurveyMethod) -> String {
        self.shell.t(&m.message_id())
    }
    pub fn program(&self, name: &Option<String>) -> String {
        name.clone().unwrap_or_else(|| self.shell.t("participation-whole-organisation"))
    }
    pub fn rate(&self, r: &Option<f64>) -> String {
        r.map(percent).unwrap_or_else(|| "—".into())
    }
}

pub async fn surveys_list(ctx: Ctx) -> AppResult<SurveysPage> {
    let rows = svc::surveys(&ctx.state, &ctx.actor).await?;
    Ok(SurveysPage { shell: ctx.shell().await?, rows, may_manage: svc::may_manage(&ctx.actor) })
}

#[derive(Template, WebTemplate)]
#[template(path = "participation/survey.html")]
pub struct SurveyPage {
    pub shell: Shell,
    pub view: SurveyView,
    pub may_manage: bool,
}

impl SurveyPage {
    pub fn method(&self) -> String {
        self.shell.t(&self.view.method.message_id())
    }
    pub fn program(&self) -> String {
        self.view.program_name.clone().unwrap_or_else(|| self.shell.t("participation-whole-organisation"))
    }
    pub fn rate(&self) -> String {
        match self.view.response_rate {
            Some(r) => self.shell.tr.with_args(
                "participation-survey-rate-text",
                &[
                    ("rate", percent(r)),
                    ("respondents", self.view.survey.respondents.to_string()),
                    ("invited", self.view.survey.invited.unwrap_or(0).to_string()),
                ],
            ),
            None => self.shell.t1("participation-survey-respondents-only", "respondents", self.view.survey.respondents),
        }
    }
    pub fn result(&self, r: &survey_result::Model, k: &SurveyResultKind) -> String {
        result_text(&self.shell, r, *k)
    }
    pub fn kind(&self, k: &SurveyResultKind) -> String {
        self.shell.t(&k.message_id())
    }
    /// Width of the bar drawn for a percentage or an average, 0–100.
    pub fn bar(&self, r: &survey_result::Model, k: &SurveyResultKind) -> Option<u32> {
        match k {
            SurveyResultKind::Percent => r.value.map(|v| v.clamp(0.0, 100.0).round() as u32),
            SurveyResultKind::Average => match (r.value, r.scale_max) {
                (Some(v), Some(s)) if s > 0.0 => Some((v / s * 100.0).clamp(0.0, 100.0).round() as u32),
                _ => None,
            },
            _ => None,
        }
    }
}

fn result_text(shell: &Shell, r: &survey_result::Model, k: SurveyResultKind) -> String {
    match k {
        SurveyResultKind::Percent => {
            shell.t1("participation-result-percent-text", "value", percent(r.value.unwrap_or(0.0)))
        }
        SurveyResultKind::Average => shell.tr.with_args(
            "participation-result-average-text",
            &[("value", number(r.value.unwrap_or(0.0))), ("scale", number(r.scale_max.unwrap_or(0.0)))],
        ),
        SurveyResultKind::Count => shell.t1("participation-result-count-text", "value", number(r.value.unwrap_or(0.0))),
        SurveyResultKind::Themes => r.themes.clone().unwrap_or_default(),
    }
}

pub async fn survey_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<SurveyPage> {
    let view = svc::survey(&ctx.state, &ctx.actor, id).await?;
    Ok(SurveyPage { shell: ctx.shell().await?, view, may_manage: svc::may_manage(&ctx.actor) })
}

/// Blank result rows offered on a new survey, and added by "add more rows".
const BLANK_ROWS: usize = 3;
const ROWS_MAX: usize = 60;

#[derive(Template, WebTemplate)]
#[template(path = "participation/survey_form.html")]
pub struct SurveyFormPage {
    pub shell: Shell,
    pub survey_id: Option<Uuid>,
    pub version: i32,
    pub values: Values,
    pub rows: usize,
    pub programs: Vec<program::Model>,
    pub errors: FormErrors,
    pub conflict: bool,
}

pub struct ResultRow {
    pub i: usize,
    pub question: String,
    pub kind: String,
    pub kinds: Vec<(&'static str, String, bool)>,
    pub value: String,
    pub scale_max: String,
    pub themes: String,
    pub note: String,
}

impl SurveyFormPage {
    pub fn action(&self) -> String {
        match self.survey_id {
            Some(id) => format!("/voice/surveys/{id}/edit"),
            None => "/voice/surveys".into(),
        }
    }
    pub fn method_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<SurveyMethod>(&self.shell, &self.values.v("method"))
    }
    pub fn program_options(&self) -> Vec<(String, String, bool)> {
        program_options(&self.programs, &self.values.v("program_id"))
    }
    pub fn result_rows(&self) -> Vec<ResultRow> {
        (0..self.rows)
            .map(|i| {
                let v = |part: &str| self.values.v(&result_field(i, part));
                let kind = v("kind");
                ResultRow {
                    i,
                    question: v("question"),
                    kinds: code_options::<SurveyResultKind>(&self.shell, &kind),
                    kind,
                    value: v("value"),
                    scale_max: v("scale_max"),
                    themes: v("themes"),
                    note: v("note"),
                }
            })
            .collect()
    }
    pub fn err(&self, i: &usize, part: &str) -> Option<String> {
        self.errors.get(&result_field(*i, part)).map(String::from)
    }
    pub fn f(&self, i: &usize, part: &str) -> String {
        result_field(*i, part)
    }
}

fn survey_values(v: &SurveyView) -> (Values, usize) {
    let s = &v.survey;
    let mut m: HashMap<String, String> = HashMap::new();
    m.insert("title".into(), s.title.clone());
    m.insert("program_id".into(), s.program_id.map(|p| p.to_string()).unwrap_or_default());
    m.insert("period_start".into(), s.period_start.to_string());
    m.insert("period_end".into(), s.period_end.to_string());
    m.insert("method".into(), s.method.clone());
    m.insert("invited".into(), s.invited.map(|n| n.to_string()).unwrap_or_default());
    m.insert("respondents".into(), s.respondents.to_string());
    m.insert("findings".into(), s.findings.clone().unwrap_or_default());
    m.insert("actions_taken".into(), s.actions_taken.clone().unwrap_or_default());
    for (i, (r, _)) in v.results.iter().enumerate() {
        m.insert(result_field(i, "question"), r.question.clone());
        m.insert(result_field(i, "kind"), r.kind.clone());
        m.insert(result_field(i, "value"), r.value.map(number).unwrap_or_default());
        m.insert(result_field(i, "scale_max"), r.scale_max.map(number).unwrap_or_default());
        m.insert(result_field(i, "themes"), r.themes.clone().unwrap_or_default());
        m.insert(result_field(i, "note"), r.note.clone().unwrap_or_default());
    }
    (Values(m), v.results.len() + 1)
}

async fn survey_form(
    ctx: &Ctx,
    survey_id: Option<Uuid>,
    version: i32,
    values: Values,
    rows: usize,
    errors: &FieldErrors,
    conflict: bool,
) -> AppResult<SurveyFormPage> {
    ctx.authorize(crate::access::Action::ManageParticipation, crate::access::Reach::Outside, None).await?;
    Ok(SurveyFormPage {
        shell: ctx.shell().await?,
        survey_id,
        version,
        values,
        rows: rows.clamp(1, ROWS_MAX),
        programs: active_programs(ctx).await?,
        errors: FormErrors::new(&ctx.tr, errors),
        conflict,
    })
}

pub async fn new_survey(ctx: Ctx) -> AppResult<SurveyFormPage> {
    survey_form(&ctx, None, 0, Values::default(), BLANK_ROWS, &FieldErrors::new(), false).await
}

pub async fn edit_survey(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<SurveyFormPage> {
    let view = svc::survey(&ctx.state, &ctx.actor, id).await?;
    let (values, rows) = survey_values(&view);
    survey_form(&ctx, Some(id), view.survey.version, values, rows.max(BLANK_ROWS), &FieldErrors::new(), false).await
}

/// How many result rows the form sent (the `rows` field, else the highest row index seen).
fn rows_sent(form: &[(String, String)]) -> usize {
    let seen = form
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("result-")?.split('-').next()?.parse::<usize>().ok())
        .max()
        .map(|i| i + 1)
        .unwrap_or(0);
    field(form, "rows").and_then(|r| r.trim().parse::<usize>().ok()).unwrap_or(0).max(seen).min(ROWS_MAX)
}

fn survey_input(form: &[(String, String)]) -> Result<SurveyInput, FieldErrors> {
    let rows = rows_sent(form);
    Ok(SurveyInput {
        title: field(form, "title").unwrap_or_default(),
        program_id: program_of(form)?,
        period_start: field(form, "period_start").unwrap_or_default(),
        period_end: field(form, "period_end").unwrap_or_default(),
        method: field(form, "method").unwrap_or_default(),
        invited: field(form, "invited"),
        respondents: field(form, "respondents"),
        findings: field(form, "findings"),
        actions_taken: field(form, "actions_taken"),
        results: (0..rows)
            .map(|i| SurveyResultInput {
                question: field(form, &result_field(i, "question")).unwrap_or_default(),
                kind: field(form, &result_field(i, "kind")).unwrap_or_default(),
                value: field(form, &result_field(i, "value")),
                scale_max: field(form, &result_field(i, "scale_max")),
                themes: field(form, &result_field(i, "themes")),
                note: field(form, &result_field(i, "note")),
            })
            .collect(),
    })
}

async fn save_survey(ctx: Ctx, id: Option<Uuid>, form: Form) -> AppResult<Response> {
    let version = version_of(&form).unwrap_or(0);
    let rows = rows_sent(&form);
    // "Add more rows" re-renders the form with what was typed and more blank rows; nothing is saved.
    if field(&form, "add_rows").is_some() {
        let page =
            survey_form(&ctx, id, version, values_of(&form), rows + BLANK_ROWS, &FieldErrors::new(), false).await?;
        return Ok(page.into_response());
    }
    let result = match (survey_input(&form), id) {
        (Err(errors), _) => Err(invalid(errors)),
        (Ok(input), None) => svc::create_survey(&ctx.state, &ctx.actor, &input).await,
        (Ok(input), Some(id)) => match version_of(&form) {
            Some(v) => svc::update_survey(&ctx.state, &ctx.actor, id, v, &input).await,
            None => Err(invalid(FieldErrors::single("version", "error-required"))),
        },
    };
    match result {
        Ok(s) => {
            ctx.flash("success", "participation-survey-saved").await?;
            Ok(see_other(&format!("/voice/surveys/{}", s.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let page = survey_form(&ctx, id, version, values_of(&form), rows, &errors, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let saved = match id {
                Some(id) => svc::survey(&ctx.state, &ctx.actor, id).await?.survey.version,
                None => 0,
            };
            let page = survey_form(&ctx, id, saved, values_of(&form), rows, &FieldErrors::new(), true).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn create_survey(ctx: Ctx, CsrfForm(form): CsrfForm<Form>) -> AppResult<Response> {
    save_survey(ctx, None, form).await
}

pub async fn update_survey(ctx: Ctx, Path(id): Path<Uuid>, CsrfForm(form): CsrfForm<Form>) -> AppResult<Response> {
    save_survey(ctx, Some(id), form).await
}
