//! The crisis procedure (written, versioned, approved) and crisis events logged by any staff
//! member, against a person or anonymously, with follow-ups.

use super::intake::{Values, code_label, code_options};
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::access::{self, Action, Reach};
use crate::app::{AppState, format_local};
use crate::db::entities::{crisis_event, crisis_procedure};
use crate::db::{self, Page, PageRequest};
use crate::domain::FieldErrors;
use crate::domain::codes::CrisisCall;
use crate::domain::intake::{CrisisEventInput, CrisisProcedureInput, FollowUpInput};
use crate::error::{AppError, AppResult};
use crate::intake;
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
        .route("/crisis/procedure", get(procedure_form).post(save_procedure))
        .route("/crisis/events", get(events_page).post(create_event))
        .route("/crisis/events/new", get(new_event))
        .route("/crisis/events/{id}", get(event_page))
        .route("/crisis/events/{id}/follow-up", post(follow_up))
}

/// The procedure's six sections as (heading message id, text).
pub fn procedure_sections(p: &crisis_procedure::Model) -> Vec<(&'static str, Vec<String>)> {
    let lines = |t: &str| t.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
    vec![
        ("crisis-section-intervention", lines(&p.intervention)),
        ("crisis-section-intensive-services", lines(&p.intensive_services)),
        ("crisis-section-emergency-responders", lines(&p.emergency_responders)),
        ("crisis-section-domestic-violence", lines(&p.domestic_violence)),
        ("crisis-section-anonymous-callers", lines(&p.anonymous_callers)),
        ("crisis-section-mandatory-reporting", lines(&p.mandatory_reporting)),
    ]
}

#[derive(Template, WebTemplate)]
#[template(path = "crisis/procedure_form.html")]
pub struct ProcedureForm {
    pub shell: Shell,
    pub values: Values,
    pub based_on: i32,
    pub errors: FormErrors,
    pub revisions: Vec<(i32, String, String, String)>,
}

impl ProcedureForm {
    pub fn fields(&self) -> Vec<(&'static str, String, String)> {
        [
            "intervention",
            "intensive_services",
            "emergency_responders",
            "domestic_violence",
            "anonymous_callers",
            "mandatory_reporting",
        ]
        .into_iter()
        .map(|f| (f, self.shell.t(&format!("crisis-section-{}", f.replace('_', "-"))), self.values.v(f)))
        .collect()
    }
}

async fn procedure_form_for(ctx: &Ctx, values: Option<Values>, errors: &FieldErrors) -> AppResult<ProcedureForm> {
    let all = db::intake::crisis_procedures(ctx.state.db.conn(), ctx.org.id).await?;
    let staff = db::staff::active(&ctx.state.db, ctx.org.id).await?;
    let current = all.first();
    let values = values.unwrap_or_else(|| match current {
        Some(c) => Values::of(&CrisisProcedureInput {
            intervention: c.intervention.clone(),
            intensive_services: c.intensive_services.clone(),
            emergency_responders: c.emergency_responders.clone(),
            domestic_violence: c.domestic_violence.clone(),
            anonymous_callers: c.anonymous_callers.clone(),
            mandatory_reporting: c.mandatory_reporting.clone(),
            approved_by: String::new(),
            approved_on: None,
            based_on: None,
        }),
        None => Values::default(),
    });
    let revisions = all
        .iter()
        .map(|r| {
            let author =
                staff.iter().find(|s| s.id == r.created_by).map(|s| s.display_name.clone()).unwrap_or_default();
            (
                r.revision,
                format!("{} · {}", r.approved_by, r.approved_on),
                author,
                format_local(&ctx.org.time_zone, r.created_at),
            )
        })
        .collect();
    Ok(ProcedureForm {
        shell: ctx.shell().await?,
        values,
        based_on: current.map(|c| c.revision).unwrap_or(0),
        errors: FormErrors::new(&ctx.tr, errors),
        revisions,
    })
}

pub async fn procedure_form(ctx: Ctx) -> AppResult<ProcedureForm> {
    ctx.authorize(Action::EditCrisisProcedure, Reach::Outside, None).await?;
    procedure_form_for(&ctx, None, &FieldErrors::new()).await
}

pub async fn save_procedure(ctx: Ctx, CsrfForm(input): CsrfForm<CrisisProcedureInput>) -> AppResult<Response> {
    ctx.authorize(Action::EditCrisisProcedure, Reach::Outside, None).await?;
    let result = match input.parse(ctx.today()) {
        Ok(valid) => intake::save_crisis_procedure(&ctx.state, &ctx.actor, input.based_on.unwrap_or(0), &valid).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    let (status, errors) = match result {
        Ok(_) => {
            ctx.flash("success", "crisis-procedure-saved").await?;
            return Ok(see_other("/crisis"));
        }
        Err(AppError::Invalid(e)) => (StatusCode::UNPROCESSABLE_ENTITY, e),
        Err(AppError::Conflict) => (StatusCode::CONFLICT, FieldErrors::single("based_on", "error-procedure-changed")),
        Err(other) => return Err(other),
    };
    let page = procedure_form_for(&ctx, Some(Values::of(&input)), &errors).await?;
    Ok((status, page).into_response())
}

pub struct EventRow {
    pub event: crisis_event::Model,
    pub who: String,
    pub when: String,
    pub overdue: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "crisis/events.html")]
pub struct EventsPage {
    pub shell: Shell,
    pub rows: Page<EventRow>,
    pub open_only: bool,
}

impl EventsPage {
    pub fn page_link(&self, page: u64) -> String {
        format!("/crisis/events?page={page}{}", if self.open_only { "&open=1" } else { "" })
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EventsQuery {
    open: Option<String>,
    page: Option<u64>,
}

async fn event_rows(ctx: &Ctx, events: Page<crisis_event::Model>) -> AppResult<Page<EventRow>> {
    let ids = events.items.iter().filter_map(|e| e.person_id).collect();
    let names: HashMap<Uuid, String> = db::intake::person_names(&ctx.state.db, ctx.org.id, ids).await?;
    let today = ctx.today();
    let anonymous = ctx.tr.t("intake-anonymous");
    Ok(events.map(|event| EventRow {
        who: event
            .person_id
            .and_then(|id| names.get(&id).cloned())
            .or_else(|| event.caller_description.clone().map(|d| format!("{anonymous} · {d}")))
            .unwrap_or_else(|| anonymous.clone()),
        when: format_local(&ctx.org.time_zone, event.occurred_at),
        overdue: event.follow_up_done_at.is_none() && event.follow_up_due.is_some_and(|d| d < today),
        event,
    }))
}

pub async fn events_page(ctx: Ctx, Query(q): Query<EventsQuery>) -> AppResult<EventsPage> {
    let open_only = q.open.is_some_and(|o| !o.is_empty());
    let page = PageRequest { page: q.page.unwrap_or(1), per_page: 50 };
    let events = intake::crisis_events(&ctx.state, &ctx.actor, open_only, page).await?;
    let rows = event_rows(&ctx, events).await?;
    Ok(EventsPage { shell: ctx.shell().await?, rows, open_only })
}

#[derive(Template, WebTemplate)]
#[template(path = "crisis/event_form.html")]
pub struct EventForm {
    pub shell: Shell,
    pub values: Values,
    pub calls: Vec<String>,
    pub errors: FormErrors,
    pub person: Option<(Uuid, String)>,
}

impl EventForm {
    pub fn call_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<CrisisCall>(&self.shell.tr, "")
            .into_iter()
            .map(|(code, text, _)| (code, text, self.calls.iter().any(|c| c == code)))
            .collect()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewEventQuery {
    person_id: Option<Uuid>,
}

async fn event_form(ctx: &Ctx, input: &CrisisEventInput, errors: &FieldErrors) -> AppResult<EventForm> {
    let person = match input.person_id.as_deref().and_then(|p| Uuid::parse_str(p).ok()) {
        Some(id) => {
            let opened = crate::records::open(&ctx.state, &ctx.actor, id, Action::EditPerson).await?;
            Some((id, super::people::PersonView::display_name(&opened.person)))
        }
        None => None,
    };
    Ok(EventForm {
        shell: ctx.shell().await?,
        values: Values::of(input),
        calls: input.calls.clone(),
        errors: FormErrors::new(&ctx.tr, errors),
        person,
    })
}

pub async fn new_event(ctx: Ctx, Query(q): Query<NewEventQuery>) -> AppResult<EventForm> {
    ctx.authorize(Action::LogCrisisEvent, Reach::Outside, None).await?;
    let input = CrisisEventInput { person_id: q.person_id.map(|p| p.to_string()), ..Default::default() };
    event_form(&ctx, &input, &FieldErrors::new()).await
}

pub async fn create_event(ctx: Ctx, CsrfForm(input): CsrfForm<CrisisEventInput>) -> AppResult<Response> {
    let result = match input.parse(ctx.today()) {
        Ok(valid) => intake::log_crisis_event(&ctx.state, &ctx.actor, &ctx.org.time_zone, &valid).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(event) => {
            ctx.flash("success", "crisis-event-saved").await?;
            Ok(see_other(&format!("/crisis/events/{}", event.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let page = event_form(&ctx, &input, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "crisis/event.html")]
pub struct EventPage {
    pub shell: Shell,
    pub row: EventRow,
    pub calls: String,
    pub reporter: String,
    pub errors: FormErrors,
    pub note: String,
}

async fn event_page_for(ctx: &Ctx, id: Uuid, note: String, errors: &FieldErrors) -> AppResult<EventPage> {
    let event = intake::open_crisis_event(&ctx.state, &ctx.actor, id, false).await?;
    let reporter = db::staff::get(ctx.state.db.conn(), ctx.org.id, event.reported_by)
        .await?
        .map(|s| s.display_name)
        .unwrap_or_default();
    let calls = event
        .calls
        .split(';')
        .filter(|c| !c.is_empty())
        .map(|c| code_label::<CrisisCall>(&ctx.tr, c))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = event_rows(ctx, Page { items: vec![event], page: 1, per_page: 1, total: 1 }).await?;
    let row = rows.items.into_iter().next().ok_or(AppError::NotFound)?;
    Ok(EventPage { shell: ctx.shell().await?, row, calls, reporter, errors: FormErrors::new(&ctx.tr, errors), note })
}

pub async fn event_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<EventPage> {
    event_page_for(&ctx, id, String::new(), &FieldErrors::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FollowUpForm {
    #[serde(flatten)]
    input: FollowUpInput,
    version: Option<i32>,
}

pub async fn follow_up(ctx: Ctx, Path(id): Path<Uuid>, CsrfForm(form): CsrfForm<FollowUpForm>) -> AppResult<Response> {
    let version = form.version.unwrap_or(0);
    match intake::complete_follow_up(&ctx.state, &ctx.actor, id, version, &form.input.note).await {
        Ok(()) => {
            ctx.flash("success", "crisis-follow-up-saved").await?;
            Ok(see_other(&format!("/crisis/events/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let page = event_page_for(&ctx, id, form.input.note, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let errors = FieldErrors::single("note", "error-request-changed");
            let page = event_page_for(&ctx, id, form.input.note, &errors).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

/// Whether the actor may revise the procedure (for the crisis page's edit link).
pub fn may_edit_procedure(ctx: &Ctx) -> bool {
    access::allows(&ctx.actor, Action::EditCrisisProcedure, Reach::Outside)
}
