//! Supervision and mentoring pages (CSE 2.06d): a staff member's log (newest first, the form to
//! log a session, follow-ups), editing a session, and the team's supervision gaps. People
//! discussed are named only to readers whose caseload reaches them; notes only to those who may
//! read them (see `personnel::supervision`).

use super::intake::Values;
use super::team_tabs::RecordTabs;
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::personnel::{SupervisionKind, SupervisionTopic};
use crate::error::{AppError, AppResult};
use crate::personnel::supervision::{
    self, GapRow, Gaps, PersonShown, SessionChange, SessionView, SupervisionFollowUpInput, SupervisionLog,
    SupervisionSessionInput,
};
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
        .route("/team/supervision", get(gaps_page))
        .route("/team/supervision/mentee", get(choose_mentee))
        .route("/team/{id}/supervision", get(log_page).post(add))
        .route("/team/{id}/supervision/{sid}", post(update))
        .route("/team/{id}/supervision/{sid}/edit", get(edit_page))
        .route("/team/{id}/supervision/{sid}/follow-up", post(follow_up))
}

// ---------- form helpers ----------

fn field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

fn fields(form: &[(String, String)], name: &str) -> Vec<String> {
    form.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect()
}

fn values_of(form: &[(String, String)]) -> Values {
    Values(form.iter().filter(|(k, _)| k != "csrf_token").cloned().collect())
}

fn session_input(form: &[(String, String)]) -> SupervisionSessionInput {
    SupervisionSessionInput {
        kind: field(form, "kind").unwrap_or_default(),
        held_on: field(form, "held_on").unwrap_or_default(),
        minutes: field(form, "minutes"),
        topics: fields(form, "topics"),
        notes: field(form, "notes"),
        follow_ups: field(form, "follow_ups"),
        follow_up_due: field(form, "follow_up_due"),
        people_discussed: fields(form, "people_discussed"),
    }
}

/// What a session shows whichever page it is on.
pub trait SessionText {
    fn tr(&self) -> &crate::i18n::Tr;

    fn kind_label(&self, kind: &SupervisionKind) -> String {
        self.tr().t(&kind.message_id())
    }

    fn topic_labels(&self, s: &SessionView) -> String {
        s.topics.iter().map(|t| self.tr().t(&t.message_id())).collect::<Vec<_>>().join(" · ")
    }

    /// "2 people on other caseloads" (never who).
    fn other_people(&self, s: &SessionView) -> String {
        self.tr().t1("supervision-log-other-people", "count", s.other_people)
    }

    fn minutes(&self, s: &SessionView) -> String {
        s.session.minutes.map(|m| self.tr().t1("supervision-log-minutes-value", "minutes", m)).unwrap_or_default()
    }
}

// ---------- a staff member's log ----------

#[derive(Template, WebTemplate)]
#[template(path = "staff_supervision/log.html")]
pub struct LogPage {
    pub shell: Shell,
    pub tabs: RecordTabs,
    pub log: SupervisionLog,
    pub values: Values,
    pub topics_on: Vec<String>,
    pub people_on: Vec<String>,
    pub errors: FormErrors,
    /// The reader's own log, and they may mentor colleagues: the chooser of whom.
    pub mentees: Vec<(Uuid, String)>,
    /// A follow-up that could not be marked, and why.
    pub follow_up_error: Option<(Uuid, String)>,
    pub conflict: bool,
    /// The form starts open: asked for, nothing logged yet, or mistakes to correct.
    pub form_open: bool,
}

impl SessionText for LogPage {
    fn tr(&self) -> &crate::i18n::Tr {
        &self.shell.tr
    }
}

impl LogPage {
    pub fn own(&self) -> bool {
        self.log.record.reach == crate::access::StaffReach::Own
    }
    pub fn kind_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.values.v("kind");
        self.log.may_log.iter().map(|k| (k.code(), self.shell.t(&k.message_id()), chosen == k.code())).collect()
    }
    pub fn topic_options(&self) -> Vec<(&'static str, String, bool)> {
        topic_options(&self.shell, &self.topics_on)
    }
    pub fn people_options(&self) -> Vec<(String, String, bool)> {
        people_options(&self.log.choices, &self.people_on)
    }
    pub fn days_since(&self, date: &Option<time::Date>) -> String {
        match date {
            Some(d) => self.shell.t1("supervision-log-days-ago", "days", (self.log.today - *d).whole_days()),
            None => self.shell.t("supervision-log-never"),
        }
    }
    pub fn follow_up_error_for(&self, id: &Uuid) -> Option<String> {
        self.follow_up_error.as_ref().filter(|(sid, _)| sid == id).map(|(_, m)| m.clone())
    }
    pub fn notes_hint(&self) -> String {
        self.shell.t("supervision-log-notes-hint")
    }
}

fn topic_options(shell: &Shell, on: &[String]) -> Vec<(&'static str, String, bool)> {
    SupervisionTopic::ALL
        .iter()
        .map(|t| (t.code(), shell.t(&t.message_id()), on.iter().any(|o| o == t.code())))
        .collect()
}

fn people_options(choices: &[PersonShown], on: &[String]) -> Vec<(String, String, bool)> {
    choices
        .iter()
        .map(|p| {
            let id = p.id.to_string();
            let checked = on.contains(&id);
            (id, format!("{} · {}", p.name, p.record_number), checked)
        })
        .collect()
}

async fn log_page_for(
    ctx: &Ctx,
    id: Uuid,
    values: Values,
    topics_on: Vec<String>,
    people_on: Vec<String>,
    errors: &FieldErrors,
) -> AppResult<LogPage> {
    let log = supervision::log(&ctx.state, &ctx.actor, id).await?;
    let mut tabs = RecordTabs::new(&log.record, "supervision");
    // Readers of the log without the notes (the quality lead, administrators) still see the tab here.
    tabs.supervision = true;
    let mentees = if log.record.reach == crate::access::StaffReach::Own {
        supervision::mentees(&ctx.state, &ctx.actor).await?
    } else {
        Vec::new()
    };
    let mut values = values;
    if values.v("held_on").is_empty() {
        values.0.insert("held_on".into(), log.today.to_string());
    }
    if values.v("kind").is_empty()
        && let Some(first) = log.may_log.first()
    {
        values.0.insert("kind".into(), first.code().into());
    }
    Ok(LogPage {
        shell: ctx.shell().await?,
        tabs,
        values,
        topics_on,
        people_on,
        errors: FormErrors::new(&ctx.tr, errors),
        form_open: !errors.is_empty() || log.sessions.is_empty(),
        log,
        mentees,
        follow_up_error: None,
        conflict: false,
    })
}

#[derive(Deserialize, Default)]
pub struct LogQuery {
    /// `1` opens the form (the mentoring chooser links here).
    log: Option<String>,
}

pub async fn log_page(ctx: Ctx, Path(id): Path<Uuid>, Query(q): Query<LogQuery>) -> AppResult<LogPage> {
    let mut page = log_page_for(&ctx, id, Values::default(), Vec::new(), Vec::new(), &FieldErrors::new()).await?;
    page.form_open |= q.log.as_deref() == Some("1");
    Ok(page)
}

pub async fn add(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = session_input(&form);
    match supervision::add(&ctx.state, &ctx.actor, id, &input).await {
        Ok(saved) => {
            ctx.flash("success", "supervision-log-saved").await?;
            Ok(see_other(&format!("/team/{id}/supervision#session-{}", saved.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let page =
                log_page_for(&ctx, id, values_of(&form), input.topics.clone(), input.people_discussed.clone(), &errors)
                    .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

fn version_of(form: &[(String, String)]) -> AppResult<i32> {
    field(form, "version")
        .and_then(|v| v.trim().parse().ok())
        .ok_or(AppError::Invalid(FieldErrors::single("version", "error-required")))
}

/// Marks a session's follow-ups done (or not done after all).
pub async fn follow_up(
    ctx: Ctx,
    Path((id, sid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let change = SessionChange {
        session: None,
        follow_up: Some(SupervisionFollowUpInput {
            done: field(&form, "done").as_deref() == Some("yes"),
            done_on: field(&form, "done_on"),
        }),
    };
    let result = match version_of(&form) {
        Ok(version) => supervision::update(&ctx.state, &ctx.actor, id, sid, version, &change).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(saved) => {
            let message = if saved.follow_up_done_on.is_some() {
                "supervision-log-follow-up-done"
            } else {
                "supervision-log-follow-up-reopened"
            };
            ctx.flash("success", message).await?;
            Ok(see_other(&format!("/team/{id}/supervision#session-{sid}")))
        }
        Err(AppError::Invalid(errors)) => {
            let mut page =
                log_page_for(&ctx, id, Values::default(), Vec::new(), Vec::new(), &FieldErrors::new()).await?;
            let message = errors.0.first().map(|e| ctx.tr.field_error(e)).unwrap_or_default();
            page.follow_up_error = Some((sid, message));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let mut page =
                log_page_for(&ctx, id, Values::default(), Vec::new(), Vec::new(), &FieldErrors::new()).await?;
            page.conflict = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- editing a session ----------

#[derive(Template, WebTemplate)]
#[template(path = "staff_supervision/edit.html")]
pub struct EditPage {
    pub shell: Shell,
    pub tabs: RecordTabs,
    pub view: SessionView,
    pub values: Values,
    pub topics_on: Vec<String>,
    pub people_on: Vec<String>,
    pub choices: Vec<PersonShown>,
    pub kinds: Vec<SupervisionKind>,
    pub errors: FormErrors,
    /// The version the form is based on (the saved one after a conflict).
    pub version: i32,
    pub conflict: bool,
}

impl SessionText for EditPage {
    fn tr(&self) -> &crate::i18n::Tr {
        &self.shell.tr
    }
}

impl EditPage {
    pub fn kind_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.values.v("kind");
        self.kinds.iter().map(|k| (k.code(), self.shell.t(&k.message_id()), chosen == k.code())).collect()
    }
    pub fn topic_options(&self) -> Vec<(&'static str, String, bool)> {
        topic_options(&self.shell, &self.topics_on)
    }
    pub fn people_options(&self) -> Vec<(String, String, bool)> {
        people_options(&self.choices, &self.people_on)
    }
}

/// The form values of a saved session.
fn values_of_session(s: &SessionView) -> (Values, Vec<String>, Vec<String>) {
    let mut v = Values::default();
    let row = &s.session;
    v.0.insert("kind".into(), s.kind.code().into());
    v.0.insert("held_on".into(), row.held_on.to_string());
    if let Some(m) = row.minutes {
        v.0.insert("minutes".into(), m.to_string());
    }
    if let Some(n) = &row.notes {
        v.0.insert("notes".into(), n.clone());
    }
    if let Some(f) = &row.follow_ups {
        v.0.insert("follow_ups".into(), f.clone());
    }
    if let Some(d) = row.follow_up_due {
        v.0.insert("follow_up_due".into(), d.to_string());
    }
    let topics = s.topics.iter().map(|t| t.code().to_string()).collect();
    let people = s.people.iter().map(|p| p.id.to_string()).collect();
    (v, topics, people)
}

async fn edit_page_for(
    ctx: &Ctx,
    id: Uuid,
    sid: Uuid,
    typed: Option<(Values, Vec<String>, Vec<String>)>,
    errors: &FieldErrors,
    conflict: bool,
) -> AppResult<EditPage> {
    let log = supervision::log(&ctx.state, &ctx.actor, id).await?;
    let view = supervision::session(&ctx.state, &ctx.actor, id, sid).await?;
    if !view.may_edit {
        return Err(crate::personnel::deny(&ctx.state, &ctx.actor, "personnel.supervision.update", id).await);
    }
    // Whoever may edit also reads the notes (the leader wrote them; `supervise` implies reading).
    let choices = supervision::edit_choices(&ctx.state, &ctx.actor, id, sid).await?;
    let mut kinds =
        if log.record.access.supervise { SupervisionKind::ALL.to_vec() } else { vec![SupervisionKind::PeerMentoring] };
    if !kinds.contains(&view.kind) {
        kinds.push(view.kind);
    }
    let (values, topics_on, people_on) = typed.unwrap_or_else(|| values_of_session(&view));
    let mut tabs = RecordTabs::new(&log.record, "supervision");
    tabs.supervision = true;
    Ok(EditPage {
        shell: ctx.shell().await?,
        tabs,
        version: view.session.version,
        view,
        values,
        topics_on,
        people_on,
        choices,
        kinds,
        errors: FormErrors::new(&ctx.tr, errors),
        conflict,
    })
}

pub async fn edit_page(ctx: Ctx, Path((id, sid)): Path<(Uuid, Uuid)>) -> AppResult<EditPage> {
    edit_page_for(&ctx, id, sid, None, &FieldErrors::new(), false).await
}

pub async fn update(
    ctx: Ctx,
    Path((id, sid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = session_input(&form);
    let typed = (values_of(&form), input.topics.clone(), input.people_discussed.clone());
    let change = SessionChange { session: Some(input), follow_up: None };
    let result = match version_of(&form) {
        Ok(version) => supervision::update(&ctx.state, &ctx.actor, id, sid, version, &change).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            ctx.flash("success", "supervision-log-updated").await?;
            Ok(see_other(&format!("/team/{id}/supervision#session-{sid}")))
        }
        Err(AppError::Invalid(errors)) => {
            let mut page = edit_page_for(&ctx, id, sid, Some(typed), &errors, false).await?;
            // Keep the version the form was based on, so the next save is still checked against it.
            if let Ok(v) = version_of(&form) {
                page.version = v;
            }
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            // What was typed stays on the form; the saved version is shown beside it to compare.
            let page = edit_page_for(&ctx, id, sid, Some(typed), &FieldErrors::new(), true).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- choosing a colleague to mentor ----------

#[derive(Deserialize)]
pub struct MenteeQuery {
    staff_id: Option<Uuid>,
}

/// The chooser on a peer specialist's own log goes to the colleague's log, at its form.
pub async fn choose_mentee(ctx: Ctx, Query(q): Query<MenteeQuery>) -> AppResult<Response> {
    match q.staff_id {
        Some(id) => Ok(see_other(&format!("/team/{id}/supervision?log=1#log"))),
        None => Ok(see_other(&format!("/team/{}/supervision", ctx.actor.staff_id))),
    }
}

// ---------- the team's gaps ----------

#[derive(Template, WebTemplate)]
#[template(path = "staff_supervision/gaps.html")]
pub struct GapsPage {
    pub shell: Shell,
    pub gaps: Gaps,
    pub may_settle: bool,
}

impl GapsPage {
    pub fn since(&self, days: &Option<i64>) -> String {
        match days {
            Some(d) => self.shell.t1("supervision-log-days-ago", "days", d),
            None => self.shell.t("supervision-log-never"),
        }
    }
    pub fn last(&self, date: &Option<time::Date>) -> String {
        date.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
    }
    pub fn lede(&self) -> String {
        self.shell.tr.with_args(
            "supervision-log-gaps-lede",
            &[
                ("supervision", self.gaps.intervals.supervision_days.to_string()),
                ("mentoring", self.gaps.intervals.mentoring_days.to_string()),
            ],
        )
    }
    pub fn all_clear(&self) -> String {
        self.shell.t1("supervision-log-gaps-none", "count", self.gaps.checked)
    }
    pub fn overdue_text(&self, row: &GapRow) -> String {
        self.shell.t1("supervision-log-follow-ups-overdue-count", "count", row.overdue_follow_ups)
    }
}

pub async fn gaps_page(ctx: Ctx) -> AppResult<GapsPage> {
    let gaps = supervision::gaps(&ctx.state, &ctx.actor).await?;
    Ok(GapsPage {
        shell: ctx.shell().await?,
        gaps,
        may_settle: crate::access::may_manage_training_catalogue(&ctx.actor),
    })
}
