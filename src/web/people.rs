//! People pages: find, create (with a duplicate check), open, edit (with conflict handling),
//! household members and reassignment.

use super::{CsrfForm, CsrfFormPair, Ctx, FormErrors, Shell, see_other};
use crate::access::{self, Action, Reach};
use crate::app::AppState;
use crate::db::entities::{enrolment, household_member, person, program, staff};
use crate::db::{self, Page, PageRequest};
use crate::domain::FieldErrors;
use crate::domain::codes::{ContactMethod, Country};
use crate::domain::person::{HouseholdMemberInput, PersonInput, format_record_number};
use crate::domain::setup::parse_uuid_field;
use crate::error::{AppError, AppResult};
use crate::records::{self, Duplicate, Placement};
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
        .route("/people", get(list_people).post(create_person))
        .route("/people/new", get(new_person))
        .route("/people/{id}", get(show_person).post(update_person))
        .route("/people/{id}/edit", get(edit_person))
        .route("/people/{id}/household", post(add_household_member))
        .route("/people/{id}/household/{member_id}/remove", post(remove_household_member))
        .route("/people/{id}/reassign", post(reassign_person))
}

/// Display helpers shared by the people templates.
pub trait PersonView {
    fn display_name(&self) -> String;
    fn record_number_text(&self) -> String;
}

/// "Preferred (Legal) Family" when the person goes by another name, else "Given Family".
fn person_display_name(given: &str, family: &str, preferred: Option<&str>) -> String {
    match preferred {
        Some(p) if p != given => format!("{p} ({given}) {family}"),
        _ => format!("{given} {family}"),
    }
}

impl PersonView for person::Model {
    fn display_name(&self) -> String {
        person_display_name(&self.legal_given_name, &self.legal_family_name, self.preferred_name.as_deref())
    }

    fn record_number_text(&self) -> String {
        format_record_number(self.record_number)
    }
}

impl PersonView for db::people::PersonSummary {
    fn display_name(&self) -> String {
        person_display_name(&self.legal_given_name, &self.legal_family_name, self.preferred_name.as_deref())
    }

    fn record_number_text(&self) -> String {
        format_record_number(self.record_number)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    page: Option<u64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/index.html")]
pub struct PeopleIndex {
    pub shell: Shell,
    pub q: String,
    pub results: Page<db::people::PersonSummary>,
    pub can_create: bool,
}

impl PeopleIndex {
    pub fn page_link(&self, page: u64) -> String {
        format!("/people?page={page}")
    }
}

pub async fn list_people(ctx: Ctx, Query(query): Query<ListQuery>) -> AppResult<PeopleIndex> {
    if records::sees_nobody(&ctx.actor) {
        ctx.authorize(Action::ViewPerson, Reach::Outside, None).await?;
    }
    let page = PageRequest { page: query.page.unwrap_or(1), per_page: 25 };
    let found = records::list(&ctx.state, &ctx.actor, &query.q, page).await?;
    let items = db::people::summaries(&ctx.state.db, ctx.org.id, &found.items).await?;
    let results = Page { items, page: found.page, per_page: found.per_page, total: found.total };
    Ok(PeopleIndex {
        shell: ctx.shell().await?,
        q: query.q,
        results,
        can_create: access::allows(&ctx.actor, Action::CreatePerson, Reach::Outside),
    })
}

/// The person form, for both creating and editing.
#[derive(Template, WebTemplate)]
#[template(path = "people/form.html")]
pub struct PersonForm {
    pub shell: Shell,
    pub editing: Option<person::Model>,
    pub form: PersonInput,
    pub version: i32,
    pub errors: FormErrors,
    pub country: Country,
    pub programs: Vec<program::Model>,
    pub workers: Vec<staff::Model>,
    pub program_id: String,
    pub worker_id: String,
    /// The record as someone else saved it while this form was open.
    pub conflict: Option<person::Model>,
}

impl PersonForm {
    pub fn race_options(&self) -> Vec<(&'static str, String, bool)> {
        let prefix = self.country.race_message_prefix();
        self.country
            .race_codes()
            .iter()
            .map(|code| (*code, self.shell.t(&format!("{prefix}-{code}")), self.form.race.iter().any(|r| r == code)))
            .collect()
    }

    pub fn ethnicity_options(&self) -> Vec<(&'static str, String, bool)> {
        self.country
            .ethnicity_codes()
            .iter()
            .map(|e| (e.code(), self.shell.t(&e.message_id()), self.form.ethnicity.as_deref() == Some(e.code())))
            .collect()
    }

    pub fn gender_options(&self) -> Vec<(&'static str, String, bool)> {
        crate::domain::codes::Gender::ALL
            .iter()
            .map(|g| (g.code(), self.shell.t(&g.message_id()), self.form.gender.as_deref() == Some(g.code())))
            .collect()
    }

    pub fn contact_options(&self) -> Vec<(&'static str, String, bool)> {
        ContactMethod::ALL
            .iter()
            .map(|c| {
                (c.code(), self.shell.t(&c.message_id()), self.form.preferred_contact.as_deref() == Some(c.code()))
            })
            .collect()
    }

    pub fn yes_no(&self, value: &Option<String>) -> Vec<(&'static str, String, bool)> {
        let current = value.as_deref().unwrap_or("");
        [("", "answer-not-asked"), ("yes", "answer-yes"), ("no", "answer-no")]
            .into_iter()
            .map(|(code, key)| (code, self.shell.t(key), current == code))
            .collect()
    }

    pub fn action(&self) -> String {
        match &self.editing {
            Some(p) => format!("/people/{}", p.id),
            None => "/people".to_string(),
        }
    }
}

fn input_from(p: &person::Model) -> PersonInput {
    let text = |v: &Option<String>| v.clone();
    let yes_no = |v: Option<bool>| v.map(|b| if b { "yes".to_string() } else { "no".to_string() });
    PersonInput {
        legal_given_name: p.legal_given_name.clone(),
        legal_family_name: p.legal_family_name.clone(),
        preferred_name: text(&p.preferred_name),
        pronouns: text(&p.pronouns),
        date_of_birth: p.date_of_birth.map(|d| d.to_string()),
        phone: text(&p.phone),
        email: text(&p.email),
        address_line: text(&p.address_line),
        locality: text(&p.locality),
        region: text(&p.region),
        postal_code: text(&p.postal_code),
        preferred_contact: text(&p.preferred_contact),
        voicemail_ok: yes_no(p.voicemail_ok),
        text_ok: yes_no(p.text_ok),
        email_ok: yes_no(p.email_ok),
        contact_notes: text(&p.contact_notes),
        preferred_language: text(&p.preferred_language),
        interpreter_needed: p.interpreter_needed,
        race: p.race_codes.as_deref().unwrap_or("").split(';').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        race_self_described: text(&p.race_self_described),
        ethnicity: text(&p.ethnicity),
        ethnicity_self_described: text(&p.ethnicity_self_described),
        gender: text(&p.gender),
        gender_self_described: text(&p.gender_self_described),
        emergency_name: text(&p.emergency_name),
        emergency_relationship: text(&p.emergency_relationship),
        emergency_phone: text(&p.emergency_phone),
    }
}

async fn person_form(
    ctx: &Ctx,
    editing: Option<person::Model>,
    form: PersonInput,
    errors: &FieldErrors,
) -> AppResult<PersonForm> {
    let db = &ctx.state.db;
    let programs: Vec<program::Model> =
        db::org::programs(db.conn(), ctx.org.id).await?.into_iter().filter(|p| p.active).collect();
    let workers = if access::allows(&ctx.actor, Action::ReassignPerson, Reach::OwnCaseload) {
        db::staff::active(db, ctx.org.id).await?
    } else {
        Vec::new()
    };
    // Default program: the first one the actor works in.
    let program_id = programs
        .iter()
        .find(|p| ctx.actor.program_ids.contains(&p.id))
        .or(programs.first())
        .map(|p| p.id.to_string())
        .unwrap_or_default();
    Ok(PersonForm {
        shell: ctx.shell().await?,
        version: editing.as_ref().map(|p| p.version).unwrap_or(0),
        editing,
        form,
        errors: FormErrors::new(&ctx.tr, errors),
        country: Country::parse(&ctx.org.country).unwrap_or(Country::Us),
        programs,
        workers,
        program_id,
        worker_id: ctx.actor.staff_id.to_string(),
        conflict: None,
    })
}

pub async fn new_person(ctx: Ctx) -> AppResult<PersonForm> {
    ctx.authorize(Action::CreatePerson, Reach::Outside, None).await?;
    person_form(&ctx, None, PersonInput::default(), &FieldErrors::new()).await
}

/// The parts of the person form that are not the person's own details.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FormExtras {
    program_id: Option<String>,
    worker_id: Option<String>,
    version: Option<i32>,
    /// Set by "Create anyway" on the possible-matches page.
    confirm_new: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/duplicates.html")]
pub struct DuplicatesPage {
    pub shell: Shell,
    pub matches: Vec<Duplicate>,
    pub hidden: Vec<(String, String)>,
}

impl DuplicatesPage {
    pub fn reasons(&self, d: &Duplicate) -> String {
        let mut parts =
            vec![self.shell.t1("duplicate-name-similarity", "percent", (d.signals.name_similarity * 100.0).round())];
        if d.signals.same_birth_date {
            parts.push(self.shell.t("duplicate-same-birth-date"));
        }
        if d.signals.same_phone {
            parts.push(self.shell.t("duplicate-same-phone"));
        }
        parts.join(" · ")
    }
}

/// The submitted values as hidden fields, so "Create anyway" resubmits exactly what was typed.
fn hidden_fields(person: &PersonInput, extras: &FormExtras) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(person) {
        for (key, value) in map {
            match value {
                serde_json::Value::String(s) => out.push((key, s)),
                serde_json::Value::Bool(true) => out.push((key, "on".into())),
                serde_json::Value::Array(items) => {
                    out.extend(items.into_iter().filter_map(|i| i.as_str().map(|s| (key.clone(), s.to_string()))))
                }
                _ => {}
            }
        }
    }
    for (key, value) in [("program_id", &extras.program_id), ("worker_id", &extras.worker_id)] {
        if let Some(v) = value {
            out.push((key.to_string(), v.clone()));
        }
    }
    out.push(("confirm_new".into(), "1".into()));
    out
}

pub async fn create_person(
    ctx: Ctx,
    CsrfFormPair(person, extras): CsrfFormPair<PersonInput, FormExtras>,
) -> AppResult<Response> {
    ctx.authorize(Action::CreatePerson, Reach::Outside, None).await?;
    let country = Country::parse(&ctx.org.country).unwrap_or(Country::Us);
    let mut errors = FieldErrors::new();
    let placement = Placement {
        program_id: parse_uuid_field(&mut errors, "program_id", extras.program_id.as_deref()),
        worker_id: parse_uuid_field(&mut errors, "worker_id", extras.worker_id.as_deref()),
    };
    let parsed = person.parse(country, ctx.today());
    let valid = match parsed {
        Ok(valid) if errors.is_empty() => valid,
        Ok(_) => return form_with_errors(&ctx, None, person, extras, errors).await,
        Err(mut field_errors) => {
            field_errors.0.extend(errors.0);
            return form_with_errors(&ctx, None, person, extras, field_errors).await;
        }
    };
    if extras.confirm_new.is_none() {
        let matches = records::duplicates(&ctx.state, &ctx.actor, &valid, None).await?;
        if !matches.is_empty() {
            let hidden = hidden_fields(&person, &extras);
            return Ok(DuplicatesPage { shell: ctx.shell().await?, matches, hidden }.into_response());
        }
    }
    match records::create(&ctx.state, &ctx.actor, &valid, &placement, ctx.today()).await {
        Ok(created) => {
            ctx.flash("success", "person-created").await?;
            let worker = placement.worker_id.unwrap_or(ctx.actor.staff_id);
            super::reminders::warn_assignment_gaps(&ctx, worker, &created.assignment_gaps).await?;
            Ok(see_other(&format!("/people/{}", created.person.id)))
        }
        Err(AppError::Invalid(errors)) => form_with_errors(&ctx, None, person, extras, errors).await,
        Err(other) => Err(other),
    }
}

async fn form_with_errors(
    ctx: &Ctx,
    editing: Option<person::Model>,
    person: PersonInput,
    extras: FormExtras,
    errors: FieldErrors,
) -> AppResult<Response> {
    let mut page = person_form(ctx, editing, person, &errors).await?;
    if let Some(p) = extras.program_id {
        page.program_id = p;
    }
    if let Some(w) = extras.worker_id {
        page.worker_id = w;
    }
    if let Some(v) = extras.version {
        page.version = v;
    }
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "people/show.html")]
pub struct PersonPage {
    pub shell: Shell,
    pub person: person::Model,
    pub household: Vec<household_member::Model>,
    pub enrolments: Vec<(enrolment::Model, String, String)>,
    pub viewers: Vec<(String, String)>,
    pub can_edit: bool,
    pub can_reassign: bool,
    pub workers: Vec<staff::Model>,
    pub member_form: HouseholdMemberInput,
    pub member_errors: FormErrors,
    pub race_text: String,
    pub ethnicity_text: String,
    pub gender_text: String,
    /// Server-drawn SVG of the person's BARC-10 and WHO-5 over time, when measured.
    pub outcome_charts: Vec<String>,
    pub age: Option<i32>,
    pub tz: String,
    /// Assigned workers whose peer certification has lapsed.
    pub lapsed_workers: std::collections::HashSet<Uuid>,
}

impl PersonPage {
    pub fn worker_lapsed(&self, e: &enrolment::Model) -> bool {
        e.worker_id.is_some_and(|w| self.lapsed_workers.contains(&w))
    }

    pub fn yes_no(&self, value: &Option<bool>) -> String {
        self.shell.t(match value {
            Some(true) => "answer-yes",
            Some(false) => "answer-no",
            None => "answer-not-asked",
        })
    }

    pub fn discharge_label(&self, code: &str) -> String {
        crate::web::intake::code_label::<crate::domain::codes::DischargeReason>(&self.shell.tr, code)
    }

    pub fn discharge_options(&self) -> Vec<(&'static str, String, bool)> {
        crate::web::intake::code_options::<crate::domain::codes::DischargeReason>(&self.shell.tr, "")
    }

    pub fn contact_method(&self) -> String {
        self.person
            .preferred_contact
            .as_deref()
            .and_then(ContactMethod::parse)
            .map(|c| self.shell.t(&c.message_id()))
            .unwrap_or_else(|| self.shell.t("answer-not-asked"))
    }
}

async fn person_page(
    ctx: &Ctx,
    opened: records::Opened,
    member_form: HouseholdMemberInput,
    member_errors: &FieldErrors,
) -> AppResult<PersonPage> {
    let db = &ctx.state.db;
    let org_id = ctx.org.id;
    let programs = db::org::programs(db.conn(), org_id).await?;
    let staff_list = db::staff::active(db, org_id).await?;
    let staff_name = |id: Option<Uuid>| {
        id.and_then(|id| staff_list.iter().find(|s| s.id == id))
            .map(|s| s.display_name.clone())
            .unwrap_or_else(|| "—".into())
    };
    let worker_ids: Vec<Uuid> = opened.enrolments.iter().filter_map(|e| e.worker_id).collect();
    let lapsed_workers =
        crate::personnel::profile::expired_certification_staff(db.conn(), org_id, &worker_ids, ctx.today()).await?;
    let enrolments = opened
        .enrolments
        .into_iter()
        .map(|e| {
            let program = programs.iter().find(|p| p.id == e.program_id).map(|p| p.name.clone()).unwrap_or_default();
            let worker = staff_name(e.worker_id);
            (e, program, worker)
        })
        .collect();
    let viewers = db::audit::recent_views(db, org_id, opened.person.id, 20)
        .await?
        .into_iter()
        .map(|v| (v.actor_label.unwrap_or_default(), crate::app::format_local(&ctx.org.time_zone, v.occurred_at)))
        .collect();
    let country = Country::parse(&ctx.org.country).unwrap_or(Country::Us);
    let race_text = opened
        .person
        .race_codes
        .as_deref()
        .unwrap_or("")
        .split(';')
        .filter(|c| !c.is_empty())
        .map(|c| ctx.tr.t(&format!("{}-{c}", country.race_message_prefix())))
        .collect::<Vec<_>>()
        .join(", ");
    let ethnicity_text = opened
        .person
        .ethnicity
        .as_deref()
        .and_then(crate::domain::codes::Ethnicity::parse)
        .map(|e| ctx.tr.t(&e.message_id()))
        .unwrap_or_default();
    let gender_text = opened
        .person
        .gender
        .as_deref()
        .and_then(crate::domain::codes::Gender::parse)
        .map(|g| ctx.tr.t(&g.message_id()))
        .unwrap_or_default();
    // The two recovery measures' trajectories, drawn on the server (the full set is on /outcomes).
    let mut outcome_charts = Vec::new();
    for key in crate::outcomes::analytics::DISTRIBUTION_KEYS {
        if let Some(svg) =
            crate::outcomes::analytics::person_chart(db.conn(), org_id, opened.person.id, key, &ctx.tr).await?
        {
            outcome_charts.push(svg);
        }
    }
    let can_edit = access::allows(&ctx.actor, Action::EditPerson, opened.reach);
    let can_reassign = access::allows(&ctx.actor, Action::ReassignPerson, opened.reach);
    let household = db::people::household(db.conn(), org_id, opened.person.id).await?;
    Ok(PersonPage {
        shell: ctx.shell().await?,
        age: opened.person.date_of_birth.map(|d| crate::domain::person::age_on(d, ctx.today())),
        person: opened.person,
        household,
        enrolments,
        viewers,
        can_edit,
        can_reassign,
        workers: if can_reassign { staff_list } else { Vec::new() },
        member_form,
        member_errors: FormErrors::new(&ctx.tr, member_errors),
        race_text,
        ethnicity_text,
        gender_text,
        outcome_charts,
        tz: ctx.org.time_zone.clone(),
        lapsed_workers,
    })
}

pub async fn show_person(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<PersonPage> {
    let opened = records::open(&ctx.state, &ctx.actor, id, Action::ViewPerson).await?;
    person_page(&ctx, opened, HouseholdMemberInput::default(), &FieldErrors::new()).await
}

pub async fn edit_person(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<PersonForm> {
    let opened = records::open(&ctx.state, &ctx.actor, id, Action::EditPerson).await?;
    records::record(&ctx.state, ctx.entry("person.view").record("person", id)).await?;
    let form = input_from(&opened.person);
    person_form(&ctx, Some(opened.person), form, &FieldErrors::new()).await
}

pub async fn update_person(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfFormPair(person, extras): CsrfFormPair<PersonInput, FormExtras>,
) -> AppResult<Response> {
    let opened = records::open(&ctx.state, &ctx.actor, id, Action::EditPerson).await?;
    let country = Country::parse(&ctx.org.country).unwrap_or(Country::Us);
    let valid = match person.parse(country, ctx.today()) {
        Ok(valid) => valid,
        Err(errors) => return form_with_errors(&ctx, Some(opened.person), person, extras, errors).await,
    };
    let version = extras.version.unwrap_or(0);
    match records::update(&ctx.state, &ctx.actor, id, version, &valid).await {
        Ok(_) => {
            ctx.flash("success", "person-saved").await?;
            Ok(see_other(&format!("/people/{id}")))
        }
        Err(AppError::Conflict) => {
            // Keep what this user typed, show what the other person saved, and let them decide.
            let current = db::people::get(ctx.state.db.conn(), ctx.org.id, id).await?.ok_or(AppError::NotFound)?;
            records::record(&ctx.state, ctx.entry("person.view").record("person", id)).await?;
            let mut page = person_form(&ctx, Some(current.clone()), person, &FieldErrors::new()).await?;
            page.version = current.version;
            page.conflict = Some(current);
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn add_household_member(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<HouseholdMemberInput>,
) -> AppResult<Response> {
    match form.parse(ctx.today()) {
        Ok(valid) => {
            records::add_household_member(&ctx.state, &ctx.actor, id, &valid).await?;
            ctx.flash("success", "household-added").await?;
            Ok(see_other(&format!("/people/{id}#household")))
        }
        Err(errors) => {
            let opened = records::open(&ctx.state, &ctx.actor, id, Action::EditPerson).await?;
            records::record(&ctx.state, ctx.entry("person.view").record("person", id)).await?;
            let page = person_page(&ctx, opened, form, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn remove_household_member(
    ctx: Ctx,
    Path((id, member_id)): Path<(Uuid, Uuid)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    records::remove_household_member(&ctx.state, &ctx.actor, id, member_id).await?;
    ctx.flash("success", "household-removed").await?;
    Ok(see_other(&format!("/people/{id}#household")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReassignForm {
    enrolment_id: String,
    worker_id: String,
    /// Why the person moves (optional; kept in the transfer history).
    reason: String,
}

pub async fn reassign_person(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<ReassignForm>,
) -> AppResult<Response> {
    let (Ok(enrolment_id), Ok(worker_id)) = (Uuid::parse_str(&form.enrolment_id), Uuid::parse_str(&form.worker_id))
    else {
        return Err(AppError::BadRequest("error-bad-form"));
    };
    let gaps =
        crate::coaching::transfer(&ctx.state, &ctx.actor, id, enrolment_id, worker_id, Some(&form.reason)).await?;
    ctx.flash("success", "person-reassigned").await?;
    super::reminders::warn_assignment_gaps(&ctx, worker_id, &gaps).await?;
    Ok(see_other(&format!("/people/{id}")))
}
