//! A person's safety: risk screens and the responses to them, the 4.03 trauma and safety
//! checklist, the safety plan (printable for the person), crisis events, and ending an enrolment.

use super::intake::{Values, code_label, code_options};
use super::people::PersonView;
use super::{CsrfForm, CsrfFormPair, Ctx, FormErrors, Shell, see_other};
use crate::access::Action;
use crate::app::{AppState, format_local};
use crate::db::entities::{person, risk_response, risk_screen, safety_plan};
use crate::domain::FieldErrors;
use crate::domain::codes::{CrisisCall, RequestStatus, SafetyFlag, SafetyStep};
use crate::domain::intake::{DischargeInput, SafetyChecklistInput, SafetyPlanInput};
use crate::domain::risk::{Concern, IndividualReason, ResponseKind, RiskLevel, RiskScreenInput, ScreenKind};
use crate::error::{AppError, AppResult};
use crate::intake::{self, PersonSafety, ResponseInput};
use crate::records;
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
        .route("/people/{id}/safety", get(safety_page))
        .route("/people/{id}/risk-screens/new", get(new_screen))
        .route("/people/{id}/risk-screens", post(create_screen))
        .route("/risk-screens/{id}/responses", post(add_response))
        .route("/risk-screens/{id}/close", post(close_screen))
        .route("/people/{id}/safety-plan", get(plan_form).post(save_plan))
        .route("/people/{id}/safety-plan/print", get(plan_print))
        .route("/people/{id}/safety-checklist", post(save_checklist))
        .route("/people/{id}/enrolments/{enrolment_id}/discharge", post(discharge))
}

/// Which screen a failed response or close form belongs to, with its errors and typed values.
pub struct Failed {
    pub screen_id: Uuid,
    pub errors: FormErrors,
    pub values: Values,
}

#[derive(Template, WebTemplate)]
#[template(path = "safety/show.html")]
pub struct SafetyPage {
    pub shell: Shell,
    pub person: person::Model,
    pub safety: PersonSafety,
    pub can_edit: bool,
    pub failed: Option<Failed>,
    pub checklist_errors: FormErrors,
    pub zone: String,
}

impl SafetyPage {
    pub fn when(&self, at: impl std::borrow::Borrow<time::OffsetDateTime>) -> String {
        format_local(&self.zone, *at.borrow())
    }

    pub fn closed_when(&self, screen: &risk_screen::Model) -> String {
        format_local(&self.zone, screen.closed_at.unwrap_or(screen.screened_at))
    }

    pub fn level(&self, code: &str) -> String {
        code_label::<RiskLevel>(&self.shell.tr, code)
    }

    pub fn kind(&self, screen: &risk_screen::Model) -> String {
        let mut text = code_label::<ScreenKind>(&self.shell.tr, &screen.kind);
        if let Some(reason) = &screen.individual_reason {
            text.push_str(&format!(" · {}", code_label::<IndividualReason>(&self.shell.tr, reason)));
        }
        text
    }

    pub fn concerns(&self, screen: &risk_screen::Model) -> String {
        screen
            .concerns
            .split(';')
            .filter(|c| !c.is_empty())
            .map(|c| code_label::<Concern>(&self.shell.tr, c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn response_kind(&self, r: &risk_response::Model) -> String {
        code_label::<ResponseKind>(&self.shell.tr, &r.kind)
    }

    pub fn response_options(&self, screen_id: &Uuid) -> Vec<(&'static str, String, bool)> {
        code_options::<ResponseKind>(&self.shell.tr, &self.failed_value(screen_id, "kind"))
    }

    pub fn failed_value(&self, screen_id: &Uuid, key: &str) -> String {
        match &self.failed {
            Some(f) if f.screen_id == *screen_id => f.values.v(key),
            _ => String::new(),
        }
    }

    pub fn failed_error(&self, screen_id: &Uuid, key: &str) -> Option<String> {
        match &self.failed {
            Some(f) if f.screen_id == *screen_id => f.errors.get(key).map(str::to_string),
            _ => None,
        }
    }

    fn stored(&self, list: fn(&crate::db::entities::person_safety::Model) -> &str) -> Vec<String> {
        self.safety.checklist.as_ref().map(|c| list(c).split(';').map(str::to_string).collect()).unwrap_or_default()
    }

    pub fn flag_options(&self) -> Vec<(&'static str, String, bool)> {
        let on = self.stored(|c| &c.flags);
        SafetyFlag::ALL
            .iter()
            .map(|f| (f.code(), self.shell.t(&f.message_id()), on.iter().any(|x| x == f.code())))
            .collect()
    }

    pub fn step_options(&self) -> Vec<(&'static str, String, bool)> {
        let on = self.stored(|c| &c.steps_done);
        let plan_exists = self.safety.plan.is_some();
        SafetyStep::ALL
            .iter()
            .map(|s| {
                let done = on.iter().any(|x| x == s.code()) || (*s == SafetyStep::SafetyPlan && plan_exists);
                (s.code(), self.shell.t(&s.message_id()), done)
            })
            .collect()
    }

    pub fn steps_done(&self) -> usize {
        self.step_options().iter().filter(|(_, _, done)| *done).count()
    }

    pub fn vulnerable(&self) -> bool {
        self.safety.checklist.as_ref().is_some_and(|c| c.vulnerable_adult)
    }

    pub fn danger(&self) -> bool {
        self.safety.checklist.as_ref().is_some_and(|c| c.history_of_danger)
    }

    pub fn checklist_version(&self) -> i32 {
        self.safety.checklist.as_ref().map(|c| c.version).unwrap_or(0)
    }

    pub fn calls(&self, codes: &str) -> String {
        codes
            .split(';')
            .filter(|c| !c.is_empty())
            .map(|c| code_label::<CrisisCall>(&self.shell.tr, c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn reason_text(&self) -> Option<String> {
        self.safety.individual_reason.map(|r| self.shell.t(&r.message_id()))
    }

    pub fn request_status(&self, code: &str) -> String {
        code_label::<RequestStatus>(&self.shell.tr, code)
    }
}

async fn safety_page_for(
    ctx: &Ctx,
    id: Uuid,
    failed: Option<Failed>,
    checklist_errors: &FieldErrors,
) -> AppResult<SafetyPage> {
    let opened = records::open(&ctx.state, &ctx.actor, id, Action::ViewPerson).await?;
    let can_edit = crate::access::allows(&ctx.actor, Action::EditPerson, opened.reach);
    let safety = intake::person_safety(&ctx.state, &ctx.actor, &opened, &ctx.org.time_zone).await?;
    Ok(SafetyPage {
        shell: ctx.shell().await?,
        person: opened.person,
        safety,
        can_edit,
        failed,
        checklist_errors: FormErrors::new(&ctx.tr, checklist_errors),
        zone: ctx.org.time_zone.clone(),
    })
}

pub async fn safety_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<SafetyPage> {
    safety_page_for(&ctx, id, None, &FieldErrors::new()).await
}

#[derive(Template, WebTemplate)]
#[template(path = "safety/screen_form.html")]
pub struct ScreenForm {
    pub shell: Shell,
    pub person: person::Model,
    pub request_id: Option<Uuid>,
    pub values: Values,
    pub errors: FormErrors,
    pub suggested_reason: Option<IndividualReason>,
}

impl ScreenForm {
    pub fn kind_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.values.v("kind");
        let chosen = if chosen.is_empty() {
            if self.suggested_reason.is_some() { "individual" } else { "program-wide" }.to_string()
        } else {
            chosen
        };
        code_options::<ScreenKind>(&self.shell.tr, &chosen)
    }

    pub fn reason_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.values.v("individual_reason");
        let chosen =
            if chosen.is_empty() { self.suggested_reason.map(|r| r.code()).unwrap_or("").to_string() } else { chosen };
        code_options::<IndividualReason>(&self.shell.tr, &chosen)
    }

    /// The Columbia questions and the other dangers, as (field, question) in order.
    pub fn questions(&self) -> Vec<(&'static str, String)> {
        [
            "q1_wish_dead",
            "q2_suicidal_thoughts",
            "q3_method",
            "q4_intent",
            "q5_plan",
            "q6_behaviour",
            "q6_past_three_months",
            "self_injury",
            "neglect",
            "exploitation",
            "violence_to_others",
        ]
        .into_iter()
        .map(|q| (q, self.shell.t(&format!("risk-{}", q.replace('_', "-")))))
        .collect()
    }

    pub fn answer(&self, field: &str) -> String {
        match self.values.0.get(field).map(String::as_str) {
            Some("on" | "yes" | "true") => "yes".into(),
            Some("no" | "false") => "no".into(),
            _ => String::new(),
        }
    }

    /// Questions asked only after a "yes" to another (shown or hidden by the page script).
    pub fn depends_on(&self, field: &str) -> &'static str {
        match field {
            "q3_method" | "q4_intent" | "q5_plan" => "q2_suicidal_thoughts",
            "q6_past_three_months" => "q6_behaviour",
            _ => "",
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScreenQuery {
    request_id: Option<Uuid>,
}

async fn screen_form(
    ctx: &Ctx,
    id: Uuid,
    request_id: Option<Uuid>,
    values: Values,
    errors: &FieldErrors,
) -> AppResult<ScreenForm> {
    let opened = records::open(&ctx.state, &ctx.actor, id, Action::EditPerson).await?;
    let safety = intake::person_safety(&ctx.state, &ctx.actor, &opened, &ctx.org.time_zone).await?;
    Ok(ScreenForm {
        shell: ctx.shell().await?,
        person: opened.person,
        request_id,
        values,
        errors: FormErrors::new(&ctx.tr, errors),
        suggested_reason: safety.individual_reason,
    })
}

pub async fn new_screen(ctx: Ctx, Path(id): Path<Uuid>, Query(q): Query<ScreenQuery>) -> AppResult<ScreenForm> {
    screen_form(&ctx, id, q.request_id, Values::default(), &FieldErrors::new()).await
}

#[derive(Deserialize, Default, serde::Serialize)]
#[serde(default)]
pub struct ScreenExtras {
    request_id: Option<String>,
}

pub async fn create_screen(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfFormPair(input, extras): CsrfFormPair<RiskScreenInput, ScreenExtras>,
) -> AppResult<Response> {
    let request_id = extras.request_id.as_deref().filter(|r| !r.is_empty()).and_then(|r| Uuid::parse_str(r).ok());
    let result = match input.parse() {
        Ok(valid) => intake::record_screen(&ctx.state, &ctx.actor, id, request_id, &valid).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(screen) => {
            let level = RiskLevel::parse(&screen.level).unwrap_or(RiskLevel::High);
            if level.needs_response() {
                ctx.flash("warning", "risk-needs-response").await?;
            } else {
                ctx.flash("success", "risk-screen-saved").await?;
            }
            Ok(see_other(&format!("/people/{id}/safety#screen-{}", screen.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let page = screen_form(&ctx, id, request_id, Values::of(&input), &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

async fn screen_person(ctx: &Ctx, screen_id: Uuid) -> AppResult<Uuid> {
    let screen =
        crate::db::intake::screen(ctx.state.db.conn(), ctx.org.id, screen_id).await?.ok_or(AppError::NotFound)?;
    Ok(screen.person_id)
}

async fn after_screen_form(
    ctx: &Ctx,
    screen_id: Uuid,
    values: Values,
    result: AppResult<()>,
    done: &str,
) -> AppResult<Response> {
    let person_id = screen_person(ctx, screen_id).await?;
    let (status, errors) = match result {
        Ok(()) => {
            ctx.flash("success", done).await?;
            return Ok(see_other(&format!("/people/{person_id}/safety#screen-{screen_id}")));
        }
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(AppError::Conflict) => (StatusCode::CONFLICT, FieldErrors::single("version", "error-request-changed")),
        Err(other) => return Err(other),
    };
    let failed = Failed { screen_id, errors: FormErrors::new(&ctx.tr, &errors), values };
    let page = safety_page_for(ctx, person_id, Some(failed), &FieldErrors::new()).await?;
    Ok((status, page).into_response())
}

pub async fn add_response(
    ctx: Ctx,
    Path(screen_id): Path<Uuid>,
    CsrfForm(input): CsrfForm<ResponseInput>,
) -> AppResult<Response> {
    let result = intake::add_response(&ctx.state, &ctx.actor, &ctx.org.time_zone, screen_id, &input).await.map(|_| ());
    after_screen_form(&ctx, screen_id, Values::of(&input), result, "risk-response-saved").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionOnly {
    version: Option<i32>,
}

pub async fn close_screen(
    ctx: Ctx,
    Path(screen_id): Path<Uuid>,
    CsrfForm(v): CsrfForm<VersionOnly>,
) -> AppResult<Response> {
    let result = intake::close_screen(&ctx.state, &ctx.actor, screen_id, v.version.unwrap_or(0)).await;
    after_screen_form(&ctx, screen_id, Values::default(), result, "risk-screen-closed").await
}

pub async fn save_checklist(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(input): CsrfForm<SafetyChecklistInput>,
) -> AppResult<Response> {
    let result = match input.parse() {
        Ok(valid) => intake::save_checklist(&ctx.state, &ctx.actor, id, input.version.unwrap_or(0), &valid).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    let errors = match result {
        Ok(()) => {
            ctx.flash("success", "safety-checklist-saved").await?;
            return Ok(see_other(&format!("/people/{id}/safety#checklist")));
        }
        Err(AppError::Invalid(errors)) => errors,
        Err(AppError::Conflict) => FieldErrors::single("version", "error-request-changed"),
        Err(other) => return Err(other),
    };
    let page = safety_page_for(&ctx, id, None, &errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "safety/plan_form.html")]
pub struct PlanForm {
    pub shell: Shell,
    pub person: person::Model,
    pub values: Values,
    pub version: i32,
    pub errors: FormErrors,
}

impl PlanForm {
    pub fn sections(&self) -> Vec<(&'static str, String, String, String)> {
        PLAN_SECTIONS
            .iter()
            .map(|f| {
                let key = f.replace('_', "-");
                (*f, self.shell.t(&format!("plan-{key}")), self.shell.t(&format!("plan-{key}-hint")), self.values.v(f))
            })
            .collect()
    }
}

const PLAN_SECTIONS: [&str; 7] = [
    "warning_signs",
    "coping_strategies",
    "distractions",
    "people_to_ask",
    "professionals",
    "safer_environment",
    "reasons_for_living",
];

fn plan_values(plan: &Option<safety_plan::Model>) -> Values {
    let Some(p) = plan else { return Values::default() };
    let input = SafetyPlanInput {
        warning_signs: p.warning_signs.clone(),
        coping_strategies: p.coping_strategies.clone(),
        distractions: p.distractions.clone(),
        people_to_ask: p.people_to_ask.clone(),
        professionals: p.professionals.clone(),
        safer_environment: p.safer_environment.clone(),
        reasons_for_living: p.reasons_for_living.clone(),
        shared_on: p.shared_on.map(|d| d.to_string()),
        version: Some(p.version),
    };
    Values::of(&input)
}

pub async fn plan_form(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<PlanForm> {
    let opened = records::open(&ctx.state, &ctx.actor, id, Action::EditPerson).await?;
    records::record(&ctx.state, ctx.entry("person.view").record("person", id)).await?;
    let plan = crate::db::intake::safety_plan(ctx.state.db.conn(), ctx.org.id, id).await?;
    Ok(PlanForm {
        shell: ctx.shell().await?,
        person: opened.person,
        version: plan.as_ref().map(|p| p.version).unwrap_or(0),
        values: plan_values(&plan),
        errors: FormErrors::default(),
    })
}

pub async fn save_plan(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(input): CsrfForm<SafetyPlanInput>,
) -> AppResult<Response> {
    let version = input.version.unwrap_or(0);
    let result = match input.parse(ctx.today()) {
        Ok(valid) => intake::save_safety_plan(&ctx.state, &ctx.actor, id, version, &valid).await.map(|_| ()),
        Err(e) => Err(AppError::Invalid(e)),
    };
    let (status, errors) = match result {
        Ok(()) => {
            ctx.flash("success", "safety-plan-saved").await?;
            return Ok(see_other(&format!("/people/{id}/safety#plan")));
        }
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(AppError::Conflict) => (StatusCode::CONFLICT, FieldErrors::single("version", "error-plan-changed")),
        Err(other) => return Err(other),
    };
    let opened = records::open(&ctx.state, &ctx.actor, id, Action::EditPerson).await?;
    let page = PlanForm {
        shell: ctx.shell().await?,
        person: opened.person,
        values: Values::of(&input),
        version,
        errors: FormErrors::new(&ctx.tr, &errors),
    };
    Ok((status, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "safety/plan_print.html")]
pub struct PlanPrint {
    pub shell: Shell,
    pub name: String,
    pub plan: safety_plan::Model,
    pub updated: String,
}

impl PlanPrint {
    pub fn sections(&self) -> Vec<(String, Vec<String>)> {
        let p = &self.plan;
        let texts = [
            &p.warning_signs,
            &p.coping_strategies,
            &p.distractions,
            &p.people_to_ask,
            &p.professionals,
            &p.safer_environment,
            &p.reasons_for_living,
        ];
        PLAN_SECTIONS
            .iter()
            .zip(texts)
            .map(|(f, text)| {
                let lines = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
                (self.shell.t(&format!("plan-{}", f.replace('_', "-"))), lines)
            })
            .collect()
    }
}

/// The plan as the person keeps it: their words, the crisis numbers, nothing else from the record.
pub async fn plan_print(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<PlanPrint> {
    let opened = records::open(&ctx.state, &ctx.actor, id, Action::ViewPerson).await?;
    let plan = crate::db::intake::safety_plan(ctx.state.db.conn(), ctx.org.id, id).await?.ok_or(AppError::NotFound)?;
    Ok(PlanPrint {
        shell: ctx.shell().await?,
        name: opened.person.preferred_name.clone().unwrap_or_else(|| opened.person.legal_given_name.clone()),
        updated: format_local(&ctx.org.time_zone, plan.updated_at),
        plan,
    })
}

pub async fn discharge(
    ctx: Ctx,
    Path((id, enrolment_id)): Path<(Uuid, Uuid)>,
    CsrfForm(input): CsrfForm<DischargeInput>,
) -> AppResult<Response> {
    match intake::discharge(&ctx.state, &ctx.actor, &ctx.org.time_zone, id, enrolment_id, &input).await {
        Ok(()) => {
            ctx.flash("success", "person-discharged").await?;
            Ok(see_other(&format!("/people/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            // Shown on the record beside the enrolment's discharge form.
            let message = errors.0.first().map(|e| ctx.tr.field_error(e)).unwrap_or_default();
            crate::web::shell::push_flash(&ctx.session, "error", message).await?;
            Ok(see_other(&format!("/people/{id}#enrolment-{enrolment_id}")))
        }
        Err(AppError::Conflict) => {
            ctx.flash("error", "error-already-discharged").await?;
            Ok(see_other(&format!("/people/{id}")))
        }
        Err(other) => Err(other),
    }
}
