//! Intake pages: the queue, logging a request, one request (triage, screening, waiting list,
//! acceptance, closing), the waiting list, time to first service and program intake settings.

use super::{CsrfForm, CsrfFormPair, Ctx, FormErrors, Shell, see_other};
use crate::access::{self, Action, Reach};
use crate::app::{AppState, format_local};
use crate::db::entities::{program, service_request, staff};
use crate::db::intake::{ProgramIntake, QueueFilter};
use crate::db::{self, Page, PageRequest};
use crate::domain::FieldErrors;
use crate::domain::codes::{
    CloseReason, PopulationFit, ProgramFit, RequestSource, RequestStatus, TextCode, Urgency, WaitlistPriority,
    WaitlistRemoval,
};
use crate::domain::intake::{
    AcceptInput, CheckinInput, CloseRequestInput, ProgramIntakeInput, RequestInput, ScreeningInput, TriageInput,
    WaitlistInput, WaitlistRemoveInput,
};
use crate::domain::person::PersonInput;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::intake::{self, QueueItem, WaitingItem};
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
        .route("/intake", get(queue_page).post(create_request))
        .route("/intake/new", get(new_request))
        .route("/intake/{id}", get(request_page))
        .route("/intake/{id}/triage", post(triage))
        .route("/intake/{id}/screening", post(screening))
        .route("/intake/{id}/person", post(create_person))
        .route("/intake/{id}/accept", post(accept))
        .route("/intake/{id}/close", post(close))
        .route("/intake/{id}/waitlist", post(waitlist_add))
        .route("/waiting-list", get(waiting_page))
        .route("/waiting-list/{id}", get(waiting_entry))
        .route("/waiting-list/{id}/checkin", post(waitlist_checkin))
        .route("/waiting-list/{id}/remove", post(waitlist_remove))
        .route("/reports/time-to-service", get(time_to_service))
        .route("/programs/{id}/intake-settings", get(settings_page).post(save_settings))
}

/// `(code, label, selected)` for every value of a closed list.
pub fn code_options<T: TextCode>(tr: &Tr, selected: &str) -> Vec<(&'static str, String, bool)> {
    T::all().iter().map(|c| (c.code(), tr.t(&c.message_id()), c.code() == selected)).collect()
}

/// The label of a stored code, or the code itself when unknown.
pub fn code_label<T: TextCode>(tr: &Tr, code: &str) -> String {
    T::parse(code).map(|c| tr.t(&c.message_id())).unwrap_or_else(|| code.to_string())
}

fn program_options(programs: &[program::Model], selected: &str) -> Vec<(String, String, bool)> {
    programs
        .iter()
        .filter(|p| p.active)
        .map(|p| (p.id.to_string(), p.name.clone(), p.id.to_string() == selected))
        .collect()
}

fn staff_options(workers: &[staff::Model], selected: &str) -> Vec<(String, String, bool)> {
    workers.iter().map(|w| (w.id.to_string(), w.display_name.clone(), w.id.to_string() == selected)).collect()
}

/// Submitted values kept for re-display after an error (forms keep what people typed).
#[derive(Default)]
pub struct Values(pub HashMap<String, String>);

impl Values {
    pub fn v(&self, key: &str) -> String {
        self.0.get(key).cloned().unwrap_or_default()
    }

    pub fn on(&self, key: &str) -> bool {
        matches!(self.0.get(key).map(String::as_str), Some("on" | "yes" | "true"))
    }

    fn from_json(value: serde_json::Value) -> Values {
        let mut out = HashMap::new();
        if let serde_json::Value::Object(map) = value {
            for (k, v) in map {
                let text = match v {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Bool(true) => "on".into(),
                    serde_json::Value::Number(n) => n.to_string(),
                    _ => continue,
                };
                out.insert(k, text);
            }
        }
        Values(out)
    }

    pub fn of<T: serde::Serialize>(input: &T) -> Values {
        Values::from_json(serde_json::to_value(input).unwrap_or_default())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "intake/queue.html")]
pub struct QueuePage {
    pub shell: Shell,
    pub items: Page<QueueItem>,
    pub mine: bool,
    pub can_log: bool,
    pub tz: String,
}

impl QueuePage {
    pub fn urgency(&self, item: &QueueItem) -> String {
        match &item.request.urgency {
            Some(code) => code_label::<Urgency>(&self.shell.tr, code),
            None => self.shell.t("intake-untriaged"),
        }
    }

    pub fn status(&self, item: &QueueItem) -> String {
        code_label::<RequestStatus>(&self.shell.tr, &item.request.status)
    }

    pub fn who(&self, item: &QueueItem) -> String {
        item.who.clone().unwrap_or_else(|| self.shell.t("intake-anonymous"))
    }

    pub fn page_link(&self, page: u64) -> String {
        format!("/intake?page={page}{}", if self.mine { "&mine=1" } else { "" })
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    mine: Option<String>,
    page: Option<u64>,
}

pub async fn queue_page(ctx: Ctx, Query(q): Query<QueueQuery>) -> AppResult<QueuePage> {
    let mine = q.mine.is_some_and(|m| !m.is_empty());
    let filter = QueueFilter { assigned_to: mine.then_some(ctx.actor.staff_id), only_new: false, skip_total: false };
    let page = PageRequest { page: q.page.unwrap_or(1), per_page: 25 };
    let items = intake::queue(&ctx.state, &ctx.actor, &ctx.org.time_zone, filter, page).await?;
    Ok(QueuePage {
        shell: ctx.shell().await?,
        items,
        mine,
        can_log: access::allows(&ctx.actor, Action::LogRequest, Reach::Outside),
        tz: ctx.org.time_zone.clone(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "intake/new.html")]
pub struct NewRequestPage {
    pub shell: Shell,
    pub values: Values,
    pub errors: FormErrors,
    pub sources: Vec<(&'static str, String, bool)>,
    pub programs: Vec<(String, String, bool)>,
    pub workers: Vec<(String, String, bool)>,
    /// The person the request is about, when started from their record.
    pub person: Option<(Uuid, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    person_id: Option<Uuid>,
}

async fn new_request_page(ctx: &Ctx, values: Values, errors: &FieldErrors) -> AppResult<NewRequestPage> {
    let person = match values.0.get("person_id").and_then(|v| Uuid::parse_str(v).ok()) {
        Some(id) => {
            let opened = crate::records::open(&ctx.state, &ctx.actor, id, Action::EditPerson).await?;
            use crate::web::people::PersonView;
            Some((id, opened.person.display_name()))
        }
        None => None,
    };
    let programs = db::org::programs(ctx.state.db.conn(), ctx.org.id).await?;
    let workers = if access::allows(&ctx.actor, Action::ReassignPerson, Reach::OwnCaseload) {
        db::staff::active(&ctx.state.db, ctx.org.id).await?
    } else {
        Vec::new()
    };
    let assigned =
        if values.v("assigned_to").is_empty() { ctx.actor.staff_id.to_string() } else { values.v("assigned_to") };
    Ok(NewRequestPage {
        sources: code_options::<RequestSource>(&ctx.tr, &values.v("source")),
        programs: program_options(&programs, &values.v("program_id")),
        workers: staff_options(&workers, &assigned),
        shell: ctx.shell().await?,
        errors: FormErrors::new(&ctx.tr, errors),
        values,
        person,
    })
}

pub async fn new_request(ctx: Ctx, Query(q): Query<NewQuery>) -> AppResult<NewRequestPage> {
    ctx.authorize(Action::LogRequest, Reach::Outside, None).await?;
    let mut values = Values::default();
    values.0.insert("source".into(), "walk-in".into());
    if let Some(id) = q.person_id {
        values.0.insert("person_id".into(), id.to_string());
    }
    new_request_page(&ctx, values, &FieldErrors::new()).await
}

pub async fn create_request(ctx: Ctx, CsrfForm(input): CsrfForm<RequestInput>) -> AppResult<Response> {
    ctx.authorize(Action::LogRequest, Reach::Outside, None).await?;
    let result = match input.parse(ctx.today()) {
        Ok(valid) => intake::log_request(&ctx.state, &ctx.actor, &ctx.org.time_zone, &valid).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(created) => {
            ctx.flash("success", "intake-request-logged").await?;
            Ok(see_other(&format!("/intake/{}", created.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let page = new_request_page(&ctx, Values::of(&input), &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

/// Which form on the request page an error or typed values belong to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    None,
    Triage,
    Screening,
    Person,
    Accept,
    Close,
    Waitlist,
}

#[derive(Template, WebTemplate)]
#[template(path = "intake/show.html")]
pub struct RequestPage {
    pub shell: Shell,
    pub r: service_request::Model,
    pub who: Option<String>,
    pub program: Option<String>,
    pub assigned: Option<String>,
    pub received: String,
    pub received_on: time::Date,
    pub due_on: time::Date,
    pub days_waiting: i64,
    pub overdue: bool,
    pub is_open: bool,
    pub can_edit: bool,
    pub section: Section,
    pub values: Values,
    pub errors: FormErrors,
    pub programs: Vec<program::Model>,
    pub settings: Vec<ProgramIntake>,
    pub workers: Vec<staff::Model>,
    pub waiting: Option<crate::db::entities::waitlist_entry::Model>,
    pub today: time::Date,
    pub zone: String,
    /// Programs at capacity: (name, enrolled now, capacity); offer the waiting list instead.
    pub full_programs: Vec<(String, i64, i32)>,
}

impl RequestPage {
    fn val(&self, section: Section, key: &str, default: String) -> String {
        if self.section == section { self.values.v(key) } else { default }
    }

    pub fn triage_value(&self, key: &str) -> String {
        let r = &self.r;
        let default = match key {
            "urgency" => r.urgency.clone(),
            "urgency_reason" => r.urgency_reason.clone(),
            "critical_needs" => r.critical_needs.clone(),
            "intensive_note" => r.intensive_note.clone(),
            _ => None,
        };
        self.val(Section::Triage, key, default.unwrap_or_default())
    }

    pub fn needs_intensive_checked(&self) -> bool {
        if self.section == Section::Triage { self.values.on("needs_intensive") } else { self.r.needs_intensive }
    }

    pub fn screening_value(&self, key: &str) -> String {
        let r = &self.r;
        let default = match key {
            "program_id" => r.program_id.map(|p| p.to_string()),
            "fit" => r.fit.clone(),
            "population_fit" => r.population_fit.clone(),
            "population_basis" => r.population_basis.clone(),
            "offer" => r.offer.clone(),
            "offer_from" => r.offer_from.map(|d| d.to_string()),
            "referred_to" => r.referred_to.clone(),
            "referral_reason" => r.referral_reason.clone(),
            _ => None,
        };
        self.val(Section::Screening, key, default.unwrap_or_default())
    }

    pub fn value(&self, section: Section, key: &str) -> String {
        self.val(section, key, String::new())
    }

    pub fn urgency_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<Urgency>(&self.shell.tr, &self.triage_value("urgency"))
    }

    pub fn fit_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<ProgramFit>(&self.shell.tr, &self.screening_value("fit"))
    }

    pub fn population_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<PopulationFit>(&self.shell.tr, &self.screening_value("population_fit"))
    }

    pub fn close_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<CloseReason>(&self.shell.tr, &self.value(Section::Close, "reason"))
    }

    pub fn priority_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.value(Section::Waitlist, "priority");
        code_options::<WaitlistPriority>(&self.shell.tr, if chosen.is_empty() { "normal" } else { &chosen })
    }

    pub fn program_options_for(&self, section: Section) -> Vec<(String, String, bool)> {
        let chosen = match section {
            Section::Screening => self.screening_value("program_id"),
            _ => {
                let typed = self.value(section, "program_id");
                if typed.is_empty() { self.r.program_id.map(|p| p.to_string()).unwrap_or_default() } else { typed }
            }
        };
        program_options(&self.programs, &chosen)
    }

    pub fn worker_options(&self) -> Vec<(String, String, bool)> {
        let typed = self.value(Section::Accept, "worker_id");
        let chosen =
            if typed.is_empty() { self.r.assigned_to.map(|a| a.to_string()).unwrap_or_default() } else { typed };
        staff_options(&self.workers, &chosen)
    }

    pub fn label(&self, kind: &str, code: impl std::borrow::Borrow<Option<String>>) -> String {
        let Some(code) = code.borrow() else { return "—".into() };
        let tr = &self.shell.tr;
        match kind {
            "source" => code_label::<RequestSource>(tr, code),
            "status" => code_label::<RequestStatus>(tr, code),
            "urgency" => code_label::<Urgency>(tr, code),
            "fit" => code_label::<ProgramFit>(tr, code),
            "population" => code_label::<PopulationFit>(tr, code),
            "close" => code_label::<CloseReason>(tr, code),
            _ => code.clone(),
        }
    }

    /// Programs that say who they are for, with what they say (shown beside the screening form).
    pub fn populations(&self) -> Vec<(String, String)> {
        self.settings
            .iter()
            .filter(|s| s.states_population())
            .filter_map(|s| {
                let name = self.programs.iter().find(|p| p.id == s.program_id)?.name.clone();
                let mut text = s.population_statement.clone().unwrap_or_default();
                if s.prsc_population {
                    if !text.is_empty() {
                        text.push(' ');
                    }
                    text.push_str(&self.shell.t("intake-prsc-population"));
                }
                Some((name, text))
            })
            .collect()
    }

    pub fn when(&self, at: impl std::borrow::Borrow<Option<time::OffsetDateTime>>) -> String {
        at.borrow().map(|t| format_local(&self.zone, t)).unwrap_or_else(|| "—".into())
    }

    pub fn full_notice(&self, name: &str, enrolled: &i64, capacity: &i32) -> String {
        let args =
            [("program", name.to_string()), ("enrolled", enrolled.to_string()), ("capacity", capacity.to_string())];
        self.shell.tr.with_args("intake-program-full", &args)
    }

    /// The new record's name fields start from what the request holds.
    pub fn person_value(&self, key: &str) -> String {
        let default = match key {
            "given_name" => self.r.given_name.clone(),
            "family_name" => self.r.family_name.clone(),
            _ => None,
        };
        self.val(Section::Person, key, default.unwrap_or_default())
    }
}

async fn request_page_for(
    ctx: &Ctx,
    r: service_request::Model,
    section: Section,
    values: Values,
    errors: &FieldErrors,
) -> AppResult<RequestPage> {
    let db = &ctx.state.db;
    let tz = ctx.org.time_zone.clone();
    let context = intake::Context::load(&ctx.state, ctx.org.id).await?;
    let names = db::intake::person_names(db, ctx.org.id, r.person_id.into_iter().collect()).await?;
    let received_on = intake::received_on(&tz, &r);
    let urgency = intake::urgency_of(r.urgency.as_deref());
    let due_on = context.settings(r.program_id).targets.due_on(received_on, urgency);
    let today = ctx.today();
    let status = RequestStatus::parse(&r.status);
    let is_open = matches!(status, Some(RequestStatus::New | RequestStatus::Screened | RequestStatus::Waiting));
    let staff_list = db::staff::active(db, ctx.org.id).await?;
    let workers = if access::allows(&ctx.actor, Action::ReassignPerson, Reach::OwnCaseload) {
        staff_list.clone()
    } else {
        staff_list.iter().filter(|s| s.id == ctx.actor.staff_id).cloned().collect()
    };
    let waiting = db::intake::active_entry_for_request(db.conn(), ctx.org.id, r.id).await?;
    let full_programs = if is_open {
        let counts = db::intake::open_enrolment_counts(db, ctx.org.id).await?;
        context
            .programs
            .iter()
            .filter_map(|p| {
                let capacity = context.settings(Some(p.id)).capacity?;
                let enrolled = counts.get(&p.id).copied().unwrap_or(0);
                (enrolled >= i64::from(capacity)).then(|| (p.name.clone(), enrolled, capacity))
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(RequestPage {
        full_programs,
        shell: ctx.shell().await?,
        who: intake::request_label(&r, &names),
        program: context.program_name(r.program_id),
        assigned: r.assigned_to.and_then(|a| staff_list.iter().find(|s| s.id == a)).map(|s| s.display_name.clone()),
        received: format_local(&tz, r.received_at),
        received_on,
        due_on,
        days_waiting: crate::domain::intake::days_between(received_on, r.first_service_on.unwrap_or(today)),
        overdue: is_open && today > due_on,
        is_open,
        can_edit: access::may_edit_requests(&ctx.actor),
        section,
        values,
        errors: FormErrors::new(&ctx.tr, errors),
        settings: context.programs.iter().map(|p| context.settings(Some(p.id))).collect(),
        programs: context.programs.clone(),
        workers,
        waiting,
        today,
        zone: tz,
        r,
    })
}

pub async fn request_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<RequestPage> {
    let r = intake::open_request(&ctx.state, &ctx.actor, id, false).await?;
    request_page_for(&ctx, r, Section::None, Values::default(), &FieldErrors::new()).await
}

/// After a form on the request page: back to the page, or the page again with the errors (and a
/// conflict message when someone else saved first).
async fn after_request_form<T>(
    ctx: &Ctx,
    id: Uuid,
    section: Section,
    values: Values,
    result: AppResult<T>,
    done_message: &str,
) -> AppResult<Response> {
    match result {
        Ok(_) => {
            ctx.flash("success", done_message).await?;
            Ok(see_other(&format!("/intake/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let r = intake::open_request(&ctx.state, &ctx.actor, id, false).await?;
            let page = request_page_for(ctx, r, section, values, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let r = intake::open_request(&ctx.state, &ctx.actor, id, false).await?;
            let errors = FieldErrors::single("version", "error-request-changed");
            let page = request_page_for(ctx, r, section, values, &errors).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionField {
    version: Option<i32>,
}

pub async fn triage(ctx: Ctx, Path(id): Path<Uuid>, CsrfForm(input): CsrfForm<TriageInput>) -> AppResult<Response> {
    let result = match input.parse() {
        Ok(valid) => intake::triage(&ctx.state, &ctx.actor, id, input.version.unwrap_or(0), &valid).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    after_request_form(&ctx, id, Section::Triage, Values::of(&input), result, "intake-triaged").await
}

pub async fn screening(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(input): CsrfForm<ScreeningInput>,
) -> AppResult<Response> {
    let result = intake::screen(&ctx.state, &ctx.actor, id, &input).await;
    after_request_form(&ctx, id, Section::Screening, Values::of(&input), result, "intake-screened").await
}

#[derive(Deserialize, Default, serde::Serialize)]
#[serde(default)]
pub struct NewPersonFields {
    given_name: String,
    family_name: String,
    date_of_birth: Option<String>,
    version: Option<i32>,
}

pub async fn create_person(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(input): CsrfForm<NewPersonFields>,
) -> AppResult<Response> {
    let request = intake::open_request(&ctx.state, &ctx.actor, id, true).await?;
    let person = PersonInput {
        legal_given_name: input.given_name.clone(),
        legal_family_name: input.family_name.clone(),
        date_of_birth: input.date_of_birth.clone().or(request.date_of_birth.map(|d| d.to_string())),
        phone: request.phone.clone(),
        email: request.email.clone(),
        ..Default::default()
    };
    let country = crate::domain::codes::Country::parse(&ctx.org.country).unwrap_or(crate::domain::codes::Country::Us);
    let result = match person.parse(country, ctx.today()) {
        Ok(valid) => {
            let version = input.version.unwrap_or(0);
            intake::create_person_for_request(&ctx.state, &ctx.actor, id, version, &valid).await
        }
        Err(mut e) => {
            // The form names the fields given_name / family_name.
            for error in &mut e.0 {
                error.field = error.field.replace("legal_", "");
            }
            Err(AppError::Invalid(e))
        }
    };
    after_request_form(&ctx, id, Section::Person, Values::of(&input), result, "intake-person-created").await
}

#[derive(Deserialize, Default, serde::Serialize)]
#[serde(default)]
pub struct AcceptForm {
    #[serde(flatten)]
    accept: AcceptInput,
    version: Option<i32>,
}

pub async fn accept(ctx: Ctx, Path(id): Path<Uuid>, CsrfForm(form): CsrfForm<AcceptForm>) -> AppResult<Response> {
    let version = form.version.unwrap_or(0);
    let result = intake::accept(&ctx.state, &ctx.actor, &ctx.org.time_zone, id, version, &form.accept).await;
    if let Ok(accepted) = &result {
        super::reminders::warn_assignment_gaps(&ctx, accepted.worker_id, &accepted.assignment_gaps).await?;
    }
    after_request_form(&ctx, id, Section::Accept, Values::of(&form), result, "intake-accepted").await
}

pub async fn close(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfFormPair(input, v): CsrfFormPair<CloseRequestInput, VersionField>,
) -> AppResult<Response> {
    let result = intake::close_request(&ctx.state, &ctx.actor, id, v.version.unwrap_or(0), &input).await;
    after_request_form(&ctx, id, Section::Close, Values::of(&input), result, "intake-closed").await
}

pub async fn waitlist_add(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfFormPair(input, v): CsrfFormPair<WaitlistInput, VersionField>,
) -> AppResult<Response> {
    let result = match input.parse() {
        Ok(valid) => {
            let version = v.version.unwrap_or(0);
            intake::place_on_waitlist(&ctx.state, &ctx.actor, &ctx.org.time_zone, id, version, &valid).await
        }
        Err(e) => Err(AppError::Invalid(e)),
    };
    after_request_form(&ctx, id, Section::Waitlist, Values::of(&input), result, "intake-waitlisted").await
}

#[derive(Template, WebTemplate)]
#[template(path = "intake/waiting.html")]
pub struct WaitingPage {
    pub shell: Shell,
    pub items: Vec<WaitingItem>,
    /// Everyone waiting that the actor may see, twenty-five a page.
    pub total: usize,
    pub page: u64,
    pub programs: Vec<(String, String, bool)>,
    pub program_id: String,
}

impl WaitingPage {
    pub fn priority(&self, item: &WaitingItem) -> String {
        code_label::<WaitlistPriority>(&self.shell.tr, &item.entry.priority)
    }

    pub fn who(&self, item: &WaitingItem) -> String {
        item.who.clone().unwrap_or_else(|| self.shell.t("intake-anonymous"))
    }

    pub fn pages(&self) -> u64 {
        (self.total as u64).div_ceil(25).max(1)
    }

    pub fn page_link(&self, page: u64) -> String {
        format!("/waiting-list?page={page}&program_id={}", self.program_id)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WaitingQuery {
    program_id: Option<String>,
    page: Option<u64>,
}

pub async fn waiting_page(ctx: Ctx, Query(q): Query<WaitingQuery>) -> AppResult<WaitingPage> {
    let program = q.program_id.as_deref().filter(|p| !p.is_empty()).and_then(|p| Uuid::parse_str(p).ok());
    let page = PageRequest { page: q.page.unwrap_or(1), per_page: 25 }.clamp();
    let (items, total) = intake::waiting_list(&ctx.state, &ctx.actor, &ctx.org.time_zone, program, page).await?;
    let programs = db::org::programs(ctx.state.db.conn(), ctx.org.id).await?;
    let program_id = program.map(|p| p.to_string()).unwrap_or_default();
    Ok(WaitingPage {
        shell: ctx.shell().await?,
        items,
        total,
        page: page.page,
        programs: program_options(&programs, &program_id),
        program_id,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "intake/waiting_entry.html")]
pub struct WaitingEntryPage {
    pub shell: Shell,
    pub item: WaitingItem,
    pub checkins: Vec<crate::db::entities::waitlist_checkin::Model>,
    pub errors: FormErrors,
    pub values: Values,
    pub zone: String,
}

impl WaitingEntryPage {
    pub fn priority(&self) -> String {
        code_label::<WaitlistPriority>(&self.shell.tr, &self.item.entry.priority)
    }

    pub fn who(&self) -> String {
        self.item.who.clone().unwrap_or_else(|| self.shell.t("intake-anonymous"))
    }

    pub fn removal_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<WaitlistRemoval>(&self.shell.tr, &self.values.v("reason"))
            .into_iter()
            .filter(|(code, _, _)| *code != WaitlistRemoval::Enrolled.code())
            .collect()
    }

    pub fn removed_reason(&self) -> String {
        self.item
            .entry
            .removed_reason
            .as_deref()
            .map(|r| code_label::<WaitlistRemoval>(&self.shell.tr, r))
            .unwrap_or_default()
    }

    pub fn when(&self, at: &time::OffsetDateTime) -> String {
        format_local(&self.zone, *at)
    }
}

async fn waiting_entry_page(ctx: &Ctx, id: Uuid, values: Values, errors: &FieldErrors) -> AppResult<WaitingEntryPage> {
    let (item, checkins) = intake::waiting_entry(&ctx.state, &ctx.actor, &ctx.org.time_zone, id).await?;
    Ok(WaitingEntryPage {
        shell: ctx.shell().await?,
        item,
        checkins,
        errors: FormErrors::new(&ctx.tr, errors),
        values,
        zone: ctx.org.time_zone.clone(),
    })
}

pub async fn waiting_entry(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<WaitingEntryPage> {
    waiting_entry_page(&ctx, id, Values::default(), &FieldErrors::new()).await
}

async fn after_waitlist_form(
    ctx: &Ctx,
    id: Uuid,
    values: Values,
    result: AppResult<()>,
    done: &str,
) -> AppResult<Response> {
    let (status, errors) = match result {
        Ok(()) => {
            ctx.flash("success", done).await?;
            return Ok(see_other("/waiting-list"));
        }
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(AppError::Conflict) => (StatusCode::CONFLICT, FieldErrors::single("version", "error-request-changed")),
        Err(other) => return Err(other),
    };
    let page = waiting_entry_page(ctx, id, values, &errors).await?;
    Ok((status, page).into_response())
}

pub async fn waitlist_checkin(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfFormPair(input, v): CsrfFormPair<CheckinInput, VersionField>,
) -> AppResult<Response> {
    let result = match input.parse() {
        Ok((still, note)) => {
            let version = v.version.unwrap_or(0);
            intake::waitlist_checkin(&ctx.state, &ctx.actor, &ctx.org.time_zone, id, version, still, note).await
        }
        Err(e) => Err(AppError::Invalid(e)),
    };
    after_waitlist_form(&ctx, id, Values::of(&input), result, "waitlist-checked-in").await
}

pub async fn waitlist_remove(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfFormPair(input, v): CsrfFormPair<WaitlistRemoveInput, VersionField>,
) -> AppResult<Response> {
    let result = match input.parse() {
        Ok((reason, note)) => {
            intake::waitlist_remove(&ctx.state, &ctx.actor, id, v.version.unwrap_or(0), reason, note).await
        }
        Err(e) => Err(AppError::Invalid(e)),
    };
    after_waitlist_form(&ctx, id, Values::of(&input), result, "waitlist-removed").await
}

#[derive(Template, WebTemplate)]
#[template(path = "intake/time_to_service.html")]
pub struct TimeToServicePage {
    pub shell: Shell,
    pub report: intake::TimeToService,
    pub errors: FormErrors,
}

impl TimeToServicePage {
    pub fn urgency(&self, u: &Option<Urgency>) -> String {
        match u {
            Some(u) => self.shell.t(&u.message_id()),
            None => self.shell.t("intake-untriaged"),
        }
    }

    pub fn percent(&self, part: impl std::borrow::Borrow<usize>, whole: impl std::borrow::Borrow<usize>) -> String {
        let (part, whole) = (*part.borrow(), *whole.borrow());
        match (part * 100 + whole / 2).checked_div(whole) {
            Some(percent) => format!("{percent}%"),
            None => "—".into(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The period asked for, by default the year up to today.
pub fn parse_period(q: &PeriodQuery, today: time::Date) -> Result<(time::Date, time::Date), FieldErrors> {
    let mut e = FieldErrors::new();
    let to = e.optional_date("to", q.to.as_deref()).unwrap_or(today);
    let from = e.optional_date("from", q.from.as_deref()).unwrap_or(to - time::Duration::days(364));
    if from > to {
        e.add("from", "error-period-order");
    }
    e.finish((from, to))
}

pub async fn time_to_service(ctx: Ctx, Query(q): Query<PeriodQuery>) -> AppResult<Response> {
    ctx.authorize(Action::ViewIntakeReports, Reach::Outside, None).await?;
    let today = ctx.today();
    let (period, errors) = match parse_period(&q, today) {
        Ok(p) => (p, FieldErrors::new()),
        Err(e) => ((today - time::Duration::days(364), today), e),
    };
    let report = intake::time_to_service(&ctx.state, &ctx.actor, &ctx.org.time_zone, period.0, period.1).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = TimeToServicePage { shell: ctx.shell().await?, report, errors: FormErrors::new(&ctx.tr, &errors) };
    Ok((status, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "intake/settings.html")]
pub struct SettingsPage {
    pub shell: Shell,
    pub program: program::Model,
    pub values: Values,
    pub version: i32,
    pub errors: FormErrors,
}

fn settings_values(s: &ProgramIntake) -> Values {
    let mut v = HashMap::new();
    v.insert("population_statement".into(), s.population_statement.clone().unwrap_or_default());
    if s.prsc_population {
        v.insert("prsc_population".into(), "on".into());
    }
    if s.screen_everyone {
        v.insert("screen_everyone".into(), "on".into());
    }
    v.insert("target_emergency_days".into(), s.targets.emergency_days.to_string());
    v.insert("target_urgent_days".into(), s.targets.urgent_days.to_string());
    v.insert("target_routine_days".into(), s.targets.routine_days.to_string());
    v.insert("capacity".into(), s.capacity.map(|c| c.to_string()).unwrap_or_default());
    v.insert("checkin_days".into(), s.checkin_days.to_string());
    v.insert("plan_review_days".into(), s.plan_review_days.to_string());
    Values(v)
}

pub async fn settings_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<SettingsPage> {
    ctx.authorize(Action::ConfigureIntake, Reach::Outside, None).await?;
    let program = db::org::program(&ctx.state.db, ctx.org.id, id).await?.ok_or(AppError::NotFound)?;
    let settings = db::intake::settings(ctx.state.db.conn(), ctx.org.id, id).await?;
    Ok(SettingsPage {
        shell: ctx.shell().await?,
        program,
        values: settings_values(&settings),
        version: settings.version,
        errors: FormErrors::default(),
    })
}

pub async fn save_settings(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(input): CsrfForm<ProgramIntakeInput>,
) -> AppResult<Response> {
    ctx.authorize(Action::ConfigureIntake, Reach::Outside, None).await?;
    let program = db::org::program(&ctx.state.db, ctx.org.id, id).await?.ok_or(AppError::NotFound)?;
    let version = input.version.unwrap_or(0);
    let result = match input.parse() {
        Ok(valid) => intake::save_program_settings(&ctx.state, &ctx.actor, id, version, &valid).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    let (status, errors) = match result {
        Ok(()) => {
            ctx.flash("success", "intake-settings-saved").await?;
            return Ok(see_other(&format!("/programs/{id}/intake-settings")));
        }
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(AppError::Conflict) => (StatusCode::CONFLICT, FieldErrors::single("version", "error-request-changed")),
        Err(other) => return Err(other),
    };
    let page = SettingsPage {
        shell: ctx.shell().await?,
        program,
        values: Values::of(&input),
        version,
        errors: FormErrors::new(&ctx.tr, &errors),
    };
    Ok((status, page).into_response())
}
