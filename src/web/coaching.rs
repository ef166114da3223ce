//! Coaching pages: the person's coaching page, logging a contact (built for a phone), notes with
//! signing and addenda, the recovery/wellness plan (write, agree, review, compare, print), the
//! caseload with its worklist, the supervisor's view and the person's timeline.

use super::intake::{Values, code_label, code_options};
use super::people::PersonView;
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::app::{AppState, format_local};
use crate::coaching::{
    self, CaseloadItem, ContactInput, ContactView, EventKind, PlanSave, TimelineEvent, WorkerCounts, Worklist,
};
use crate::db::entities::{
    coaching_contact, coaching_status, household_member, lapse, mutual_aid_connection, natural_support, person,
    recovery_plan, recovery_plan_version, staff,
};
use crate::domain::FieldErrors;
use crate::domain::coaching::{
    AgreementInput, CoachingActivity, ContactFields, ContactFrequency, ContactMode, ContactSetting, Due, Fellowship,
    GoalProgress, LapseInput, LifeDomain, MergeConflict, MutualAidHelp, MutualAidInput, PlanChange, PlanContent,
    PlanGoal, PlanStatus, PlanStep, ProfileInput, RecoveryStage, SupportEngagement, SupportInput, SupportRelationship,
    UnmetNeed, UnmetNeedEntry, split_codes,
};
use crate::domain::codes::TextCode;
use crate::domain::guardrails::GuardrailWarning;
use crate::error::{AppError, AppResult};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::borrow::Borrow;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people/{id}/coaching", get(person_page))
        .route("/people/{id}/coaching/profile", post(save_profile))
        .route("/people/{id}/contacts/new", get(new_contact))
        .route("/people/{id}/contacts", post(log_contact))
        .route("/contacts/{id}", get(contact_page))
        .route("/contacts/{id}/edit", get(edit_contact).post(update_contact))
        .route("/contacts/{id}/sign", post(sign_contact))
        .route("/contacts/{id}/addenda", post(add_addendum))
        .route("/people/{id}/lapses", post(record_lapse))
        .route("/people/{id}/mutual-aid", post(add_mutual_aid))
        .route("/people/{id}/mutual-aid/{mid}", post(update_mutual_aid))
        .route("/people/{id}/supports", post(add_support))
        .route("/people/{id}/supports/{sid}", post(update_support))
        .route("/people/{id}/plans/new", get(new_plan).post(create_plan))
        .route("/plans/{id}", get(plan_page))
        .route("/plans/{id}/edit", get(edit_plan).post(save_plan))
        .route("/plans/{id}/agreement", post(agree_plan))
        .route("/plans/{id}/changes", get(plan_changes))
        .route("/plans/{id}/print", get(plan_print))
        .route("/people/{id}/timeline", get(timeline))
        .route("/caseload", get(own_caseload))
        .route("/caseload/{staff_id}", get(caseload))
        .route("/supervision", get(supervision))
}

fn labels<T: TextCode>(shell: &Shell, joined: &str) -> String {
    joined.split(';').filter(|c| !c.is_empty()).map(|c| code_label::<T>(&shell.tr, c)).collect::<Vec<_>>().join(", ")
}

fn due_text(shell: &Shell, due: &Due) -> String {
    match due {
        Due::Overdue(d) => shell.t1("coaching-overdue-days", "days", d),
        Due::Soon(0) => shell.t("coaching-due-today"),
        Due::Soon(d) => shell.t1("coaching-due-in-days", "days", d),
        Due::Later => shell.t("coaching-due-later"),
    }
}

/// The first value sent under `name` in a form read as pairs (lists and numbered fields need pairs).
fn field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

/// Every value sent under `name` (checkbox groups).
fn fields(form: &[(String, String)], name: &str) -> Vec<String> {
    form.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect()
}

fn flash_errors(ctx: &Ctx, errors: &FieldErrors) -> String {
    errors.0.iter().map(|e| ctx.tr.field_error(e)).collect::<Vec<_>>().join(" ")
}

/// Sends a failed small form back to the coaching page with its messages as a flash.
async fn back_with(ctx: &Ctx, id: Uuid, anchor: &str, result: AppResult<()>, ok: &str) -> AppResult<Response> {
    match result {
        Ok(()) => ctx.flash("success", ok).await?,
        Err(AppError::Invalid(errors)) => {
            super::shell::push_flash(&ctx.session, "error", flash_errors(ctx, &errors)).await?;
        }
        Err(AppError::Conflict) => ctx.flash("error", "error-changed-meanwhile").await?,
        Err(other) => return Err(other),
    }
    Ok(see_other(&format!("/people/{id}/coaching#{anchor}")))
}

// ---------- the person's coaching page ----------

#[derive(Template, WebTemplate)]
#[template(path = "coaching/person.html")]
pub struct PersonPage {
    pub shell: Shell,
    pub person: person::Model,
    pub status: Option<coaching_status::Model>,
    pub plan: Option<recovery_plan::Model>,
    pub plan_content: Option<PlanContent>,
    pub contacts: Vec<ContactView>,
    pub lapses: Vec<lapse::Model>,
    pub mutual_aid: Vec<mutual_aid_connection::Model>,
    pub supports: Vec<natural_support::Model>,
    pub can_edit: bool,
    pub zone: String,
    pub today: time::Date,
}

impl PersonPage {
    pub fn when(&self, at: impl Borrow<time::OffsetDateTime>) -> String {
        format_local(&self.zone, *at.borrow())
    }
    pub fn mode(&self, code: &str) -> String {
        code_label::<ContactMode>(&self.shell.tr, code)
    }
    pub fn setting(&self, code: &str) -> String {
        code_label::<ContactSetting>(&self.shell.tr, code)
    }
    pub fn activities(&self, joined: &str) -> String {
        labels::<CoachingActivity>(&self.shell, joined)
    }
    pub fn fellowship(&self, code: &str) -> String {
        code_label::<Fellowship>(&self.shell.tr, code)
    }
    pub fn helps(&self, joined: &str) -> String {
        labels::<MutualAidHelp>(&self.shell, joined)
    }
    pub fn relationship(&self, code: &str) -> String {
        code_label::<SupportRelationship>(&self.shell.tr, code)
    }
    pub fn engagement(&self, code: &str) -> String {
        code_label::<SupportEngagement>(&self.shell.tr, code)
    }
    pub fn plan_status(&self, code: &str) -> String {
        code_label::<PlanStatus>(&self.shell.tr, code)
    }
    pub fn yes_no(&self, v: impl Borrow<Option<bool>>) -> String {
        match v.borrow() {
            Some(true) => self.shell.t("answer-yes"),
            Some(false) => self.shell.t("answer-no"),
            None => "—".into(),
        }
    }
    pub fn frequency(&self) -> String {
        let code = self.status.as_ref().map(|s| s.frequency.as_str()).unwrap_or("monthly");
        code_label::<ContactFrequency>(&self.shell.tr, code)
    }
    pub fn stage(&self) -> String {
        match self.status.as_ref().and_then(|s| s.stage.as_deref()) {
            Some(code) => code_label::<RecoveryStage>(&self.shell.tr, code),
            None => "—".into(),
        }
    }
    pub fn status_version(&self) -> i32 {
        self.status.as_ref().map_or(0, |s| s.version)
    }
    pub fn monitoring(&self) -> bool {
        self.status.as_ref().is_some_and(|s| s.monitoring_raised)
    }
    pub fn reason(&self) -> String {
        self.status.as_ref().and_then(|s| s.reason.clone()).unwrap_or_default()
    }
    pub fn contact_due(&self) -> Option<String> {
        let due = self.status.as_ref()?.contact_due_on?;
        Some(format!("{due} · {}", due_text(&self.shell, &coaching::due_of(due, self.today))))
    }
    pub fn review_due(&self) -> Option<String> {
        let due = self.plan.as_ref()?.review_due_on?;
        Some(format!("{due} · {}", due_text(&self.shell, &coaching::due_of(due, self.today))))
    }
    pub fn open_lapse(&self) -> Option<time::Date> {
        self.status.as_ref().and_then(|s| s.open_lapse_on)
    }
    pub fn stage_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<RecoveryStage>(
            &self.shell.tr,
            self.status.as_ref().and_then(|s| s.stage.as_deref()).unwrap_or(""),
        )
    }
    pub fn frequency_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<ContactFrequency>(
            &self.shell.tr,
            self.status.as_ref().map(|s| s.frequency.as_str()).unwrap_or("monthly"),
        )
    }
    pub fn fellowship_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<Fellowship>(&self.shell.tr, "")
    }
    pub fn help_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<MutualAidHelp>(&self.shell.tr, "")
    }
    pub fn help_options_for(&self, joined: &str) -> Vec<(&'static str, String, bool)> {
        let on: Vec<MutualAidHelp> = split_codes(joined);
        MutualAidHelp::ALL.iter().map(|h| (h.code(), self.shell.t(&h.message_id()), on.contains(h))).collect()
    }
    pub fn relationship_options(&self, selected: &str) -> Vec<(&'static str, String, bool)> {
        code_options::<SupportRelationship>(&self.shell.tr, selected)
    }
    pub fn engagement_options(&self, selected: &str) -> Vec<(&'static str, String, bool)> {
        code_options::<SupportEngagement>(&self.shell.tr, selected)
    }
    pub fn tri(&self, v: impl Borrow<Option<bool>>) -> &'static str {
        match v.borrow() {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        }
    }
    pub fn kind_label(&self, w: &GuardrailWarning) -> String {
        self.shell.t(&w.kind.message_id())
    }
}

pub async fn person_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<PersonPage> {
    let c = coaching::person_coaching(&ctx.state, &ctx.actor, id, 20).await?;
    Ok(PersonPage {
        shell: ctx.shell().await?,
        person: c.opened.person,
        status: c.status,
        plan: c.plan,
        plan_content: c.plan_content,
        contacts: c.contacts,
        lapses: c.lapses,
        mutual_aid: c.mutual_aid,
        supports: c.supports,
        can_edit: c.can_edit,
        zone: ctx.org.time_zone.clone(),
        today: ctx.today(),
    })
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    version: i32,
    #[serde(flatten)]
    input: ProfileInput,
}

pub async fn save_profile(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let get = |k: &str| field(&form, k);
    let parsed = ProfileForm {
        version: get("version").and_then(|v| v.parse().ok()).unwrap_or(0),
        input: ProfileInput {
            stage: get("stage"),
            frequency: get("frequency").unwrap_or_default(),
            monitoring_raised: get("monitoring_raised").is_some(),
            reason: get("reason"),
        },
    };
    let result = match parsed.input.validate() {
        Ok(p) => coaching::save_profile(&ctx.state, &ctx.actor, id, parsed.version, &p).await.map(|_| ()),
        Err(e) => Err(e.into()),
    };
    back_with(&ctx, id, "frequency", result, "coaching-profile-saved").await
}

pub async fn record_lapse(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let get = |k: &str| field(&form, k);
    let input = LapseInput {
        lapse_on: get("lapse_on").unwrap_or_default(),
        note: get("note"),
        raise_frequency: get("raise_frequency").is_some(),
    };
    let result = coaching::record_lapse(&ctx.state, &ctx.actor, id, &input).await.map(|_| ());
    back_with(&ctx, id, "lapses", result, "coaching-lapse-recorded").await
}

fn mutual_aid_input(form: &[(String, String)]) -> (i32, MutualAidInput) {
    let get = |k: &str| field(form, k);
    let version = get("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    (
        version,
        MutualAidInput {
            fellowship: get("fellowship").unwrap_or_default(),
            group_name: get("group_name"),
            help: fields(form, "help"),
            connected_on: get("connected_on"),
            attended: get("attended"),
            still_going: get("still_going"),
            note: get("note"),
        },
    )
}

pub async fn add_mutual_aid(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (_, input) = mutual_aid_input(&form);
    let result = coaching::save_mutual_aid(&ctx.state, &ctx.actor, id, None, 0, &input).await.map(|_| ());
    back_with(&ctx, id, "mutual-aid", result, "coaching-mutual-aid-saved").await
}

pub async fn update_mutual_aid(
    ctx: Ctx,
    Path((id, mid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (version, input) = mutual_aid_input(&form);
    let result = coaching::save_mutual_aid(&ctx.state, &ctx.actor, id, Some(mid), version, &input).await.map(|_| ());
    back_with(&ctx, id, "mutual-aid", result, "coaching-mutual-aid-saved").await
}

fn support_input(form: &[(String, String)]) -> (i32, SupportInput) {
    let get = |k: &str| field(form, k);
    (
        get("version").and_then(|v| v.parse().ok()).unwrap_or(0),
        SupportInput {
            name: get("name").unwrap_or_default(),
            relationship: get("relationship").unwrap_or_default(),
            phone: get("phone"),
            engagement: get("engagement").unwrap_or_default(),
            consent_to_contact: get("consent_to_contact").is_some(),
            note: get("note"),
        },
    )
}

pub async fn add_support(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (_, input) = support_input(&form);
    let result = coaching::save_support(&ctx.state, &ctx.actor, id, None, 0, &input).await.map(|_| ());
    back_with(&ctx, id, "supports", result, "coaching-support-saved").await
}

pub async fn update_support(
    ctx: Ctx,
    Path((id, sid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (version, input) = support_input(&form);
    let result = coaching::save_support(&ctx.state, &ctx.actor, id, Some(sid), version, &input).await.map(|_| ());
    back_with(&ctx, id, "supports", result, "coaching-support-saved").await
}

// ---------- logging a contact ----------

#[derive(Template, WebTemplate)]
#[template(path = "coaching/contact_form.html")]
pub struct ContactForm {
    pub shell: Shell,
    pub person: person::Model,
    pub action: String,
    pub values: Values,
    pub activities: Vec<String>,
    pub goals_on: Vec<String>,
    pub goals: Vec<PlanGoal>,
    pub errors: FormErrors,
    pub open_lapse: Option<time::Date>,
    /// Set when editing a draft.
    pub version: Option<i32>,
    pub warnings: Vec<GuardrailWarning>,
    pub draft_key: String,
}

impl ContactForm {
    pub fn mode_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<ContactMode>(&self.shell.tr, &self.values.v("mode"))
    }
    pub fn setting_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<ContactSetting>(&self.shell.tr, &self.values.v("setting"))
    }
    pub fn activity_options(&self) -> Vec<(&'static str, String, bool)> {
        CoachingActivity::ALL
            .iter()
            .map(|a| (a.code(), self.shell.t(&a.message_id()), self.activities.iter().any(|x| x == a.code())))
            .collect()
    }
    pub fn goal_on(&self, id: &Uuid) -> bool {
        self.goals_on.iter().any(|g| *g == id.to_string())
    }
    pub fn domain(&self, d: &LifeDomain) -> String {
        self.shell.t(&d.message_id())
    }
    pub fn kind_label(&self, w: &GuardrailWarning) -> String {
        self.shell.t(&w.kind.message_id())
    }
    pub fn why(&self, w: &GuardrailWarning) -> String {
        self.shell.t(&format!("guardrail-why-{}", w.kind.code()))
    }
}

async fn contact_form(
    ctx: &Ctx,
    person_id: Uuid,
    values: Values,
    activities: Vec<String>,
    goals_on: Vec<String>,
    errors: &FieldErrors,
    version: Option<(Uuid, i32)>,
) -> AppResult<ContactForm> {
    let c = coaching::person_coaching(&ctx.state, &ctx.actor, person_id, 1).await?;
    if !c.can_edit {
        return Err(AppError::Forbidden);
    }
    let goals = c.plan_content.map(|p| p.goals).unwrap_or_default();
    Ok(ContactForm {
        shell: ctx.shell().await?,
        action: match version {
            Some((id, _)) => format!("/contacts/{id}/edit"),
            None => format!("/people/{person_id}/contacts"),
        },
        draft_key: match version {
            Some((id, _)) => format!("contact-{id}"),
            None => format!("contact-new-{person_id}"),
        },
        person: c.opened.person,
        values,
        activities,
        goals_on,
        goals,
        errors: FormErrors::new(&ctx.tr, errors),
        open_lapse: c.status.and_then(|s| s.open_lapse_on),
        version: version.map(|(_, v)| v),
        warnings: Vec::new(),
    })
}

/// The quick form: date and time default to now, and the coach's usual mode and setting are
/// pre-selected from their last contact with the person.
pub async fn new_contact(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<ContactForm> {
    let last = crate::db::coaching::contacts_for_person(ctx.state.db.conn(), ctx.actor.org_id, id, 1).await?;
    let mut values = Values(Default::default());
    let now = ctx.state.clock.now();
    let local = format_local(&ctx.org.time_zone, now);
    if let Some((day, time)) = local.split_once(' ') {
        values.0.insert("occurred_on".into(), day.into());
        values.0.insert("occurred_time".into(), time.into());
    }
    values.0.insert("minutes".into(), "30".into());
    match last.first() {
        Some(c) => {
            values.0.insert("mode".into(), c.mode.clone());
            values.0.insert("setting".into(), c.setting.clone());
        }
        None => {
            values.0.insert("mode".into(), ContactMode::FaceToFace.code().into());
        }
    }
    contact_form(&ctx, id, values, vec!["coaching".into()], Vec::new(), &FieldErrors::new(), None).await
}

fn contact_input(form: &[(String, String)]) -> (ContactInput, Values, i32) {
    let get = |k: &str| field(form, k);
    let all = |k: &str| fields(form, k);
    let input = ContactInput {
        occurred_on: get("occurred_on"),
        occurred_time: get("occurred_time"),
        fields: ContactFields {
            minutes: get("minutes").unwrap_or_default(),
            mode: get("mode").unwrap_or_default(),
            setting: get("setting").unwrap_or_default(),
            present: get("present"),
            activities: all("activities"),
            goals: all("goals"),
            note: get("note").unwrap_or_default(),
        },
        sign: get("sign").is_some_and(|v| v != "draft"),
        reengagement: get("reengagement").is_some(),
    };
    let values = Values(form.iter().filter(|(k, _)| k != "csrf_token").cloned().collect());
    let version = get("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    (input, values, version)
}

/// After a save: back to the person (or to the note, when a guardrail spoke), clearing the
/// device's draft copy named `draft_key`.
async fn after_log(ctx: &Ctx, logged: coaching::Logged, draft_key: &str) -> AppResult<Response> {
    let id = logged.contact.id;
    if logged.warnings.is_empty() {
        ctx.flash("success", if logged.contact.signed_at.is_some() { "contact-signed" } else { "contact-saved-draft" })
            .await?;
        Ok(see_other(&format!("/people/{}/coaching?saved={draft_key}#contacts", logged.contact.person_id)))
    } else {
        // The note is kept; the coach sees why it may read like clinical work and can add an addendum.
        ctx.flash("warning", "guardrail-saved-with-warnings").await?;
        Ok(see_other(&format!("/contacts/{id}?saved={draft_key}")))
    }
}

pub async fn log_contact(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (input, values, _) = contact_input(&form);
    match coaching::log_contact(&ctx.state, &ctx.actor, id, &input).await {
        Ok(logged) => after_log(&ctx, logged, &format!("contact-new-{id}")).await,
        Err(AppError::Invalid(errors)) => {
            let page =
                contact_form(&ctx, id, values, input.fields.activities, input.fields.goals, &errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "coaching/contact.html")]
pub struct ContactPage {
    pub shell: Shell,
    pub person: person::Model,
    pub view: ContactView,
    pub can_edit: bool,
    pub is_author: bool,
    pub zone: String,
    pub names: std::collections::HashMap<Uuid, String>,
    pub goals: Vec<PlanGoal>,
    /// The aims of peer support this contact served (`community/_aims.html`).
    pub aims_panel: crate::web::community::AimsPanel,
}

impl ContactPage {
    pub fn when(&self, at: impl Borrow<time::OffsetDateTime>) -> String {
        format_local(&self.zone, *at.borrow())
    }
    pub fn mode(&self) -> String {
        code_label::<ContactMode>(&self.shell.tr, &self.view.contact.mode)
    }
    pub fn setting(&self) -> String {
        code_label::<ContactSetting>(&self.shell.tr, &self.view.contact.setting)
    }
    pub fn activities(&self) -> String {
        labels::<CoachingActivity>(&self.shell, &self.view.contact.activities)
    }
    pub fn goals_touched(&self) -> Vec<String> {
        self.view
            .contact
            .goals
            .split(';')
            .filter_map(|g| Uuid::parse_str(g).ok())
            .filter_map(|id| self.goals.iter().find(|g| g.id == id))
            .map(|g| g.in_own_words.clone())
            .collect()
    }
    pub fn name(&self, id: impl Borrow<Uuid>) -> String {
        self.names.get(id.borrow()).cloned().unwrap_or_default()
    }
    pub fn kind_label(&self, w: &GuardrailWarning) -> String {
        self.shell.t(&w.kind.message_id())
    }
    pub fn why(&self, w: &GuardrailWarning) -> String {
        self.shell.t(&format!("guardrail-why-{}", w.kind.code()))
    }
}

pub async fn contact_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<ContactPage> {
    let (view, opened) = coaching::contact(&ctx.state, &ctx.actor, id).await?;
    let can_edit = crate::access::allows(&ctx.actor, crate::access::Action::EditPerson, opened.reach);
    let names = crate::db::staff::active(&ctx.state.db, ctx.actor.org_id)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect();
    let plan = crate::db::coaching::open_plan(ctx.state.db.conn(), ctx.actor.org_id, opened.person.id).await?;
    let goals =
        plan.and_then(|p| serde_json::from_str::<PlanContent>(&p.content).ok()).map(|c| c.goals).unwrap_or_default();
    let aims_panel = crate::web::community::aims_panel(
        &ctx,
        crate::domain::community::AimSubject::Contact,
        id,
        can_edit,
        &format!("/contacts/{id}#aims"),
    )
    .await?;
    Ok(ContactPage {
        shell: ctx.shell().await?,
        aims_panel,
        is_author: view.contact.worker_id == ctx.actor.staff_id,
        person: opened.person,
        view,
        can_edit,
        zone: ctx.org.time_zone.clone(),
        names,
        goals,
    })
}

pub async fn edit_contact(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<Response> {
    let (view, _) = coaching::contact(&ctx.state, &ctx.actor, id).await?;
    let c = view.contact;
    if c.status != "draft" || c.worker_id != ctx.actor.staff_id {
        ctx.flash("error", "error-note-signed").await?;
        return Ok(see_other(&format!("/contacts/{id}")));
    }
    let local = format_local(&ctx.org.time_zone, c.occurred_at);
    let mut values = Values(Default::default());
    if let Some((day, time)) = local.split_once(' ') {
        values.0.insert("occurred_on".into(), day.into());
        values.0.insert("occurred_time".into(), time.into());
    }
    values.0.insert("minutes".into(), c.minutes.to_string());
    values.0.insert("mode".into(), c.mode.clone());
    values.0.insert("setting".into(), c.setting.clone());
    values.0.insert("present".into(), c.present.clone().unwrap_or_default());
    values.0.insert("note".into(), c.note.clone());
    let activities = c.activities.split(';').map(String::from).collect();
    let goals = c.goals.split(';').filter(|g| !g.is_empty()).map(String::from).collect();
    let mut page =
        contact_form(&ctx, c.person_id, values, activities, goals, &FieldErrors::new(), Some((id, c.version))).await?;
    page.warnings = coaching::warnings_of(&c);
    Ok(page.into_response())
}

pub async fn update_contact(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (input, values, version) = contact_input(&form);
    match coaching::update_draft(&ctx.state, &ctx.actor, id, version, &input).await {
        Ok(logged) => after_log(&ctx, logged, &format!("contact-{id}")).await,
        Err(AppError::Invalid(errors)) => {
            let (view, _) = coaching::contact(&ctx.state, &ctx.actor, id).await?;
            let page = contact_form(
                &ctx,
                view.contact.person_id,
                values,
                input.fields.activities,
                input.fields.goals,
                &errors,
                Some((id, version)),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            ctx.flash("error", "error-changed-meanwhile").await?;
            Ok(see_other(&format!("/contacts/{id}")))
        }
        Err(other) => Err(other),
    }
}

#[derive(Deserialize)]
pub struct VersionForm {
    version: i32,
}

pub async fn sign_contact(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<VersionForm>,
) -> AppResult<Response> {
    match coaching::sign_contact(&ctx.state, &ctx.actor, id, form.version).await {
        Ok(_) => ctx.flash("success", "contact-signed").await?,
        Err(AppError::Invalid(e)) => super::shell::push_flash(&ctx.session, "error", flash_errors(&ctx, &e)).await?,
        Err(AppError::Conflict) => ctx.flash("error", "error-changed-meanwhile").await?,
        Err(other) => return Err(other),
    }
    Ok(see_other(&format!("/contacts/{id}")))
}

#[derive(Deserialize)]
pub struct AddendumForm {
    #[serde(default)]
    text: String,
}

pub async fn add_addendum(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<AddendumForm>,
) -> AppResult<Response> {
    match coaching::add_addendum(&ctx.state, &ctx.actor, id, &form.text).await {
        Ok(_) => ctx.flash("success", "contact-addendum-added").await?,
        Err(AppError::Invalid(e)) => super::shell::push_flash(&ctx.session, "error", flash_errors(&ctx, &e)).await?,
        Err(other) => return Err(other),
    }
    Ok(see_other(&format!("/contacts/{id}#addenda")))
}

// ---------- plans ----------

#[derive(Template, WebTemplate)]
#[template(path = "coaching/plan_form.html")]
pub struct PlanForm {
    pub shell: Shell,
    pub person: person::Model,
    pub action: String,
    pub content: PlanContent,
    pub family: bool,
    pub is_new: bool,
    pub base_version: i32,
    pub household: Vec<household_member::Model>,
    pub errors: FormErrors,
    pub conflicts: Vec<MergeConflict>,
    pub blank_goal: PlanGoal,
}

impl PlanForm {
    pub fn text(&self, field: &str) -> String {
        self.content.text(field).to_string()
    }
    pub fn text_fields(&self) -> Vec<(&'static str, String)> {
        crate::domain::coaching::PLAN_TEXT_FIELDS
            .iter()
            .filter(|(f, _)| !(self.is_new && (*f == "progress_evaluation" || *f == "maintaining_gains")))
            .map(|(f, m)| (*f, self.shell.t(m)))
            .collect()
    }
    pub fn hint(&self, field: &str) -> String {
        self.shell.t(&format!("plan-hint-{}", field.replace('_', "-")))
    }
    pub fn goals(&self) -> Vec<PlanGoal> {
        let mut goals = self.content.goals.clone();
        goals.push(self.blank_goal.clone());
        goals
    }
    pub fn steps(&self, goal: &PlanGoal) -> Vec<PlanStep> {
        let mut steps = goal.steps.clone();
        steps.push(PlanStep::default());
        steps.push(PlanStep::default());
        steps
    }
    pub fn domain_options(&self, goal: &PlanGoal) -> Vec<(&'static str, String, bool)> {
        code_options::<LifeDomain>(&self.shell.tr, if goal.in_own_words.is_empty() { "" } else { goal.domain.code() })
    }
    pub fn progress_options(&self, goal: &PlanGoal) -> Vec<(&'static str, String, bool)> {
        code_options::<GoalProgress>(&self.shell.tr, goal.progress.code())
    }
    pub fn needs(&self) -> Vec<(&'static str, String, bool, String)> {
        UnmetNeed::ALL
            .iter()
            .map(|n| {
                let entry = self.content.unmet_needs.iter().find(|e| e.need == *n);
                (
                    n.code(),
                    self.shell.t(&n.message_id()),
                    entry.is_some(),
                    entry.map(|e| e.note.clone()).unwrap_or_default(),
                )
            })
            .collect()
    }
    pub fn member_on(&self, id: &Uuid) -> bool {
        self.content.household_member_ids.contains(id)
    }
    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.get(field).map(String::from)
    }
    pub fn goal_error(&self, index: impl std::fmt::Display) -> Option<String> {
        self.error(&format!("goal_{index}_words"))
    }
    pub fn conflict_label(&self, c: &MergeConflict) -> String {
        self.shell.t(&c.field)
    }
}

/// Reads the plan form's fields (goals and steps are numbered) into a plan.
fn plan_from_form(form: &[(String, String)]) -> PlanContent {
    let get = |k: &str| field(form, k).unwrap_or_default();
    let mut content = PlanContent {
        why_came: get("why_came"),
        what_matters: get("what_matters"),
        values_culture: get("values_culture"),
        strengths: get("strengths"),
        barriers: get("barriers"),
        recovery_capital: get("recovery_capital"),
        coping_strategies: get("coping_strategies"),
        progress_evaluation: get("progress_evaluation"),
        maintaining_gains: get("maintaining_gains"),
        participants: get("participants"),
        ..Default::default()
    };
    for need in UnmetNeed::ALL {
        if form.iter().any(|(n, v)| n == "unmet_needs" && v == need.code()) {
            content.unmet_needs.push(UnmetNeedEntry { need: *need, note: get(&format!("need_{}_note", need.code())) });
        }
    }
    content.household_member_ids =
        fields(form, "household_member_ids").iter().filter_map(|v| Uuid::parse_str(v).ok()).collect();
    for i in 0..20 {
        let p = format!("goal_{i}");
        if !form.iter().any(|(n, _)| n.starts_with(&format!("{p}_"))) {
            continue;
        }
        let words = get(&format!("{p}_words"));
        let mut steps = Vec::new();
        for j in 0..15 {
            let s = format!("{p}_step_{j}");
            if !form.iter().any(|(n, _)| n.starts_with(&format!("{s}_"))) {
                continue;
            }
            let target = get(&format!("{s}_target"));
            steps.push(PlanStep {
                what: get(&format!("{s}_what")),
                who: get(&format!("{s}_who")),
                target_on: time::Date::parse(&target, time::macros::format_description!("[year]-[month]-[day]")).ok(),
                done: form.iter().any(|(n, _)| *n == format!("{s}_done")),
            });
        }
        let domain = LifeDomain::parse(&get(&format!("{p}_domain")));
        if words.trim().is_empty() && steps.iter().all(|s| s.what.trim().is_empty()) {
            continue;
        }
        content.goals.push(PlanGoal {
            id: Uuid::parse_str(&get(&format!("{p}_id"))).unwrap_or_else(|_| Uuid::new_v4()),
            domain: domain.unwrap_or(LifeDomain::Recovery),
            in_own_words: words,
            progress: GoalProgress::parse(&get(&format!("{p}_progress"))).unwrap_or(GoalProgress::NotStarted),
            progress_note: get(&format!("{p}_progress_note")),
            steps,
        });
    }
    content
}

fn blank_goal() -> PlanGoal {
    PlanGoal {
        id: Uuid::new_v4(),
        domain: LifeDomain::Recovery,
        in_own_words: String::new(),
        progress: GoalProgress::NotStarted,
        progress_note: String::new(),
        steps: Vec::new(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn plan_form(
    ctx: &Ctx,
    person: person::Model,
    action: String,
    content: PlanContent,
    family: bool,
    is_new: bool,
    base_version: i32,
    errors: &FieldErrors,
    conflicts: Vec<MergeConflict>,
) -> AppResult<PlanForm> {
    let household = crate::db::people::household(ctx.state.db.conn(), ctx.actor.org_id, person.id).await?;
    Ok(PlanForm {
        shell: ctx.shell().await?,
        person,
        action,
        content,
        family,
        is_new,
        base_version,
        household,
        errors: FormErrors::new(&ctx.tr, errors),
        conflicts,
        blank_goal: blank_goal(),
    })
}

pub async fn new_plan(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<Response> {
    let c = coaching::person_coaching(&ctx.state, &ctx.actor, id, 0).await?;
    if !c.can_edit {
        return Err(AppError::Forbidden);
    }
    if let Some(plan) = c.plan {
        return Ok(see_other(&format!("/plans/{}", plan.id)));
    }
    let action = format!("/people/{id}/plans/new");
    Ok(plan_form(&ctx, c.opened.person, action, PlanContent::default(), false, true, 0, &FieldErrors::new(), vec![])
        .await?
        .into_response())
}

pub async fn create_plan(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let content = plan_from_form(&form);
    let family = form.iter().any(|(n, _)| n == "family");
    let new = coaching::NewPlan { family, program_id: None, content: content.clone() };
    match coaching::start_plan(&ctx.state, &ctx.actor, id, new).await {
        Ok(plan) => {
            ctx.flash("success", "plan-started").await?;
            Ok(see_other(&format!("/plans/{}", plan.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let opened = crate::records::open(&ctx.state, &ctx.actor, id, crate::access::Action::EditPerson).await?;
            let action = format!("/people/{id}/plans/new");
            let page = plan_form(&ctx, opened.person, action, content, family, true, 0, &errors, vec![]).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "coaching/plan.html")]
pub struct PlanPage {
    pub shell: Shell,
    pub person: person::Model,
    pub plan: recovery_plan::Model,
    pub content: PlanContent,
    pub versions: Vec<recovery_plan_version::Model>,
    pub shown_version: Option<i32>,
    pub can_edit: bool,
    pub errors: FormErrors,
    pub household: Vec<household_member::Model>,
    pub today: time::Date,
    /// Suggestions the person made through the portal, with where each goal is in the edit form.
    pub portal_suggestions: Vec<(crate::db::entities::plan_suggestion::Model, String)>,
}

impl PlanPage {
    pub fn text_fields(&self) -> Vec<(String, String)> {
        crate::domain::coaching::PLAN_TEXT_FIELDS
            .iter()
            .map(|(f, m)| (self.shell.t(m), self.content.text(f).to_string()))
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }
    pub fn status(&self) -> String {
        code_label::<PlanStatus>(&self.shell.tr, &self.plan.status)
    }
    pub fn domain(&self, d: &LifeDomain) -> String {
        self.shell.t(&d.message_id())
    }
    pub fn progress(&self, p: &GoalProgress) -> String {
        self.shell.t(&p.message_id())
    }
    pub fn need(&self, n: &UnmetNeed) -> String {
        self.shell.t(&n.message_id())
    }
    pub fn kind(&self, code: &str) -> String {
        code_label::<crate::domain::coaching::PlanVersionKind>(&self.shell.tr, code)
    }
    pub fn agreement(&self, code: &str) -> String {
        code_label::<crate::domain::coaching::Agreement>(&self.shell.tr, code)
    }
    pub fn members(&self) -> String {
        self.household
            .iter()
            .filter(|h| self.content.household_member_ids.contains(&h.id))
            .map(|h| format!("{} ({})", h.name, h.relationship))
            .collect::<Vec<_>>()
            .join(", ")
    }
    pub fn review_due(&self) -> Option<String> {
        let due = self.plan.review_due_on?;
        Some(format!("{due} · {}", due_text(&self.shell, &coaching::due_of(due, self.today))))
    }
    pub fn agreeable(&self) -> bool {
        self.can_edit && self.shown_version.is_none() && self.plan.status != "agreed" && self.plan.status != "closed"
    }
    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.get(field).map(String::from)
    }
}

#[derive(Deserialize)]
pub struct PlanQuery {
    version: Option<i32>,
}

async fn plan_page_for(ctx: &Ctx, id: Uuid, version: Option<i32>, errors: &FieldErrors) -> AppResult<PlanPage> {
    let view = coaching::plan(&ctx.state, &ctx.actor, id).await?;
    let content = match version {
        Some(n) => {
            let v = view.versions.iter().find(|v| v.number == n).ok_or(AppError::NotFound)?;
            coaching::content_of(&v.content)?
        }
        None => view.content,
    };
    let household = crate::db::people::household(ctx.state.db.conn(), ctx.actor.org_id, view.opened.person.id).await?;
    let portal_suggestions = crate::portal::suggestions::for_plan(&ctx.state, &ctx.actor, &view.plan)
        .await?
        .into_iter()
        .map(|s| {
            let anchor = crate::portal::suggestions::edit_anchor(&content, &s);
            (s, anchor)
        })
        .collect();
    Ok(PlanPage {
        shell: ctx.shell().await?,
        person: view.opened.person,
        plan: view.plan,
        content,
        versions: view.versions,
        shown_version: version,
        can_edit: view.can_edit,
        errors: FormErrors::new(&ctx.tr, errors),
        household,
        today: ctx.today(),
        portal_suggestions,
    })
}

pub async fn plan_page(ctx: Ctx, Path(id): Path<Uuid>, Query(q): Query<PlanQuery>) -> AppResult<PlanPage> {
    plan_page_for(&ctx, id, q.version, &FieldErrors::new()).await
}

pub async fn edit_plan(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<Response> {
    let view = coaching::plan(&ctx.state, &ctx.actor, id).await?;
    if !view.can_edit {
        return Err(AppError::Forbidden);
    }
    let action = format!("/plans/{id}/edit");
    let mut content = view.content;
    if view.plan.status == "agreed" {
        content = crate::domain::coaching::start_review(&content);
    }
    Ok(plan_form(
        &ctx,
        view.opened.person,
        action,
        content,
        view.plan.family,
        false,
        view.plan.version,
        &FieldErrors::new(),
        vec![],
    )
    .await?
    .into_response())
}

pub async fn save_plan(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let content = plan_from_form(&form);
    let base: i32 = field(&form, "base_version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let action = format!("/plans/{id}/edit");
    match coaching::save_plan(&ctx.state, &ctx.actor, id, base, content.clone()).await {
        Ok(PlanSave::Saved(_)) => {
            ctx.flash("success", "plan-saved").await?;
            Ok(see_other(&format!("/plans/{id}")))
        }
        Ok(PlanSave::Conflict { merged, conflicts, version }) => {
            let view = coaching::plan(&ctx.state, &ctx.actor, id).await?;
            let page = plan_form(
                &ctx,
                view.opened.person,
                action,
                merged,
                view.plan.family,
                false,
                version,
                &FieldErrors::new(),
                conflicts,
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let view = coaching::plan(&ctx.state, &ctx.actor, id).await?;
            let page =
                plan_form(&ctx, view.opened.person, action, content, view.plan.family, false, base, &errors, vec![])
                    .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Deserialize)]
pub struct AgreementForm {
    version: i32,
    #[serde(flatten)]
    input: AgreementInput,
    #[serde(default)]
    discharge: Option<String>,
}

pub async fn agree_plan(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<AgreementForm>,
) -> AppResult<Response> {
    let discharge = form.discharge.is_some();
    match coaching::agree_plan(&ctx.state, &ctx.actor, id, form.version, &form.input, discharge).await {
        Ok(_) => {
            ctx.flash("success", if discharge { "plan-closed" } else { "plan-agreed" }).await?;
            Ok(see_other(&format!("/plans/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let page = plan_page_for(&ctx, id, None, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            ctx.flash("error", "error-changed-meanwhile").await?;
            Ok(see_other(&format!("/plans/{id}")))
        }
        Err(other) => Err(other),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "coaching/plan_changes.html")]
pub struct PlanChanges {
    pub shell: Shell,
    pub person: person::Model,
    pub plan: recovery_plan::Model,
    pub from: i32,
    pub to: i32,
    pub numbers: Vec<i32>,
    pub changes: Vec<PlanChange>,
}

impl PlanChanges {
    pub fn label(&self, c: &PlanChange) -> String {
        self.shell.t(&c.field)
    }
    pub fn version_label(&self, n: impl std::fmt::Display) -> String {
        match n.to_string().as_str() {
            "0" => self.shell.t("plan-working-copy"),
            n => self.shell.t1("plan-version-n", "number", n),
        }
    }
}

#[derive(Deserialize)]
pub struct ChangesQuery {
    from: Option<i32>,
    to: Option<i32>,
}

pub async fn plan_changes(ctx: Ctx, Path(id): Path<Uuid>, Query(q): Query<ChangesQuery>) -> AppResult<PlanChanges> {
    let view = coaching::plan(&ctx.state, &ctx.actor, id).await?;
    let last = view.versions.last().map(|v| v.number).unwrap_or(0);
    let to = q.to.unwrap_or(if view.plan.status == "agreed" || view.plan.status == "closed" { last } else { 0 });
    let from = q
        .from
        .unwrap_or_else(|| view.versions.iter().rev().map(|v| v.number).find(|n| to == 0 || *n < to).unwrap_or(0));
    let (view, changes) = coaching::plan_diff(&ctx.state, &ctx.actor, id, from, to).await?;
    let mut numbers: Vec<i32> = view.versions.iter().map(|v| v.number).collect();
    numbers.push(0);
    Ok(PlanChanges {
        shell: ctx.shell().await?,
        person: view.opened.person,
        plan: view.plan,
        from,
        to,
        numbers,
        changes,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "coaching/plan_print.html")]
pub struct PlanPrint {
    pub page: PlanPage,
    pub contacts: Vec<ContactView>,
    pub zone: String,
}

impl PlanPrint {
    pub fn when(&self, at: impl Borrow<time::OffsetDateTime>) -> String {
        format_local(&self.zone, *at.borrow())
    }
    pub fn mode(&self, code: &str) -> String {
        code_label::<ContactMode>(&self.page.shell.tr, code)
    }
}

#[derive(Deserialize)]
pub struct PrintQuery {
    /// Include the last N signed notes for the person.
    notes: Option<u64>,
}

/// The plan (and, if asked, recent signed notes) printed or saved as PDF for the person.
pub async fn plan_print(ctx: Ctx, Path(id): Path<Uuid>, Query(q): Query<PrintQuery>) -> AppResult<PlanPrint> {
    let page = plan_page_for(&ctx, id, None, &FieldErrors::new()).await?;
    let contacts = match q.notes {
        Some(n) if n > 0 => coaching::person_coaching(&ctx.state, &ctx.actor, page.person.id, n.min(50))
            .await?
            .contacts
            .into_iter()
            .filter(|c| c.signed())
            .collect(),
        _ => Vec::new(),
    };
    Ok(PlanPrint { page, contacts, zone: ctx.org.time_zone.clone() })
}

// ---------- timeline ----------

#[derive(Template, WebTemplate)]
#[template(path = "coaching/timeline.html")]
pub struct TimelinePage {
    pub shell: Shell,
    pub person: person::Model,
    pub events: Vec<TimelineEvent>,
    pub kinds: Vec<(&'static str, bool)>,
    pub zone: String,
}

impl TimelinePage {
    pub fn when(&self, at: impl Borrow<time::OffsetDateTime>) -> String {
        format_local(&self.zone, *at.borrow())
    }
    pub fn kind_label(&self, code: &str) -> String {
        match EventKind::parse(code) {
            Some(EventKind::Referral) => self.shell.t("referrals-title"),
            _ => self.shell.t(&format!("timeline-kind-{code}")),
        }
    }

    /// The event's details with stored codes shown as labels in the reader's language.
    pub fn detail(&self, e: &TimelineEvent) -> String {
        let tr = &self.shell.tr;
        let label = |piece: &str| -> String {
            let known = match e.kind {
                EventKind::Contact => ContactMode::parse(piece)
                    .map(|c| tr.t(&c.message_id()))
                    .or_else(|| ContactSetting::parse(piece).map(|c| tr.t(&c.message_id()))),
                EventKind::Plan => crate::domain::coaching::Agreement::parse(piece).map(|c| tr.t(&c.message_id())),
                EventKind::MutualAid => Fellowship::parse(piece).map(|c| tr.t(&c.message_id())),
                EventKind::Support => SupportRelationship::parse(piece)
                    .map(|c| tr.t(&c.message_id()))
                    .or_else(|| SupportEngagement::parse(piece).map(|c| tr.t(&c.message_id()))),
                EventKind::Lapse => piece.parse::<i64>().ok().map(|d| self.shell.t1("lapse-days", "days", d)),
                EventKind::Referral => crate::domain::referral::ReferralStatus::parse(piece)
                    .map(|c| tr.t(&c.message_id()))
                    .or_else(|| UnmetNeed::parse(piece).map(|c| tr.t(&c.message_id()))),
                _ => None,
            };
            known.unwrap_or_else(|| piece.to_string())
        };
        e.detail.split(" · ").map(label).collect::<Vec<_>>().join(" · ")
    }
}

pub async fn timeline(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> AppResult<TimelinePage> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
    let wanted: Vec<EventKind> =
        pairs.iter().filter(|(k, _)| k == "kind").filter_map(|(_, v)| EventKind::parse(v)).collect();
    let (opened, events) = coaching::timeline(&ctx.state, &ctx.actor, id, &wanted).await?;
    Ok(TimelinePage {
        shell: ctx.shell().await?,
        person: opened.person,
        events,
        kinds: EventKind::ALL.iter().map(|k| (k.code(), wanted.contains(k))).collect(),
        zone: ctx.org.time_zone.clone(),
    })
}

// ---------- caseload, worklist, supervision ----------

#[derive(Template, WebTemplate)]
#[template(path = "coaching/caseload.html")]
pub struct CaseloadPage {
    pub shell: Shell,
    pub worker: staff::Model,
    pub own: bool,
    pub items: Vec<CaseloadItem>,
    pub worklist: Option<Worklist>,
    /// Referrals whose follow-up date has come, assigned to this worker.
    pub referral_follow_ups: Vec<crate::referrals::FollowUp>,
    pub zone: String,
}

impl CaseloadPage {
    pub fn due(&self, d: &Due) -> String {
        due_text(&self.shell, d)
    }
    pub fn plan_due(&self, i: &CaseloadItem) -> String {
        match (&i.plan, i.plan_status) {
            (_, None) => self.shell.t("coaching-no-plan"),
            (_, Some(PlanStatus::Draft)) => self.shell.t("coaching-plan-not-agreed"),
            (Some(d), _) => due_text(&self.shell, d),
            (None, _) => "—".into(),
        }
    }
    pub fn frequency(&self, f: &ContactFrequency) -> String {
        self.shell.t(&f.message_id())
    }
    pub fn when(&self, at: impl Borrow<time::OffsetDateTime>) -> String {
        format_local(&self.zone, *at.borrow())
    }
    pub fn flags(&self, i: &CaseloadItem) -> String {
        i.risk_flags
            .iter()
            .map(|f| code_label::<crate::domain::codes::SafetyFlag>(&self.shell.tr, f))
            .collect::<Vec<_>>()
            .join(", ")
    }
    pub fn drafts(&self) -> Vec<(coaching_contact::Model, String)> {
        self.worklist.as_ref().map(|w| w.drafts.clone()).unwrap_or_default()
    }
}

pub async fn own_caseload(ctx: Ctx) -> AppResult<CaseloadPage> {
    caseload_page(&ctx, ctx.actor.staff_id).await
}

pub async fn caseload(ctx: Ctx, Path(staff_id): Path<Uuid>) -> AppResult<CaseloadPage> {
    caseload_page(&ctx, staff_id).await
}

async fn caseload_page(ctx: &Ctx, worker_id: Uuid) -> AppResult<CaseloadPage> {
    let tz = ctx.org.time_zone.clone();
    let c = coaching::caseload(&ctx.state, &ctx.actor, worker_id, &tz).await?;
    let own = worker_id == ctx.actor.staff_id;
    let mut worklist = coaching::sort_into(c.items.clone());
    if own {
        worklist.drafts = coaching::own_drafts(&ctx.state, &ctx.actor).await?;
        worklist.measures_due = crate::outcomes::measures::caseload_due(&ctx.state, &ctx.actor).await?;
    }
    let whose = if own { crate::referrals::Whose::Mine } else { crate::referrals::Whose::Worker(worker_id) };
    let referral_follow_ups = crate::referrals::follow_ups(&ctx.state, &ctx.actor, whose).await?;
    Ok(CaseloadPage {
        shell: ctx.shell().await?,
        worker: c.worker,
        own,
        items: c.items,
        worklist: Some(worklist),
        referral_follow_ups,
        zone: tz,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "coaching/supervision.html")]
pub struct SupervisionPage {
    pub shell: Shell,
    pub workers: Vec<WorkerCounts>,
    pub warned: Vec<(coaching_contact::Model, String, Vec<GuardrailWarning>)>,
    pub zone: String,
    /// Workers whose peer certification has lapsed.
    pub lapsed: std::collections::HashSet<Uuid>,
}

impl SupervisionPage {
    pub fn is_lapsed(&self, worker: &Uuid) -> bool {
        self.lapsed.contains(worker)
    }
    pub fn when(&self, at: impl Borrow<time::OffsetDateTime>) -> String {
        format_local(&self.zone, *at.borrow())
    }
    pub fn kind_label(&self, w: &GuardrailWarning) -> String {
        self.shell.t(&w.kind.message_id())
    }
}

pub async fn supervision(ctx: Ctx) -> AppResult<SupervisionPage> {
    let tz = ctx.org.time_zone.clone();
    let workers = coaching::supervision(&ctx.state, &ctx.actor, &tz).await?;
    let warned = if ctx.actor.has(crate::domain::codes::Role::Supervisor) && !ctx.actor.supervisee_ids.is_empty() {
        coaching::warned_notes(&ctx.state, &ctx.actor, 30).await?
    } else {
        Vec::new()
    };
    let ids: Vec<Uuid> = workers.iter().map(|w| w.worker_id).collect();
    let conn = ctx.state.db.conn();
    let lapsed = crate::personnel::profile::expired_certification_staff(conn, ctx.org.id, &ids, ctx.today()).await?;
    Ok(SupervisionPage { shell: ctx.shell().await?, workers, warned, zone: tz, lapsed })
}
