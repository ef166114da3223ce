//! Administration: the organisation, programs, sites, staff accounts and the audit log.

use super::{CsrfForm, CsrfFormPair, Ctx, FormErrors, Shell, see_other};
use crate::access::{Action, Reach};
use crate::app::AppState;
use crate::db::audit::AuditFilter;
use crate::db::entities::{audit_event, organisation, program, site, staff};
use crate::db::{self, Page, PageRequest};
use crate::domain::FieldErrors;
use crate::domain::codes::{Country, Edition, Role, SettingType, UiLanguage};
use crate::domain::setup::{OrganisationInput, ProgramInput, SiteInput, StaffInput};
use crate::error::{AppError, AppResult};
use crate::{auth, records};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/organisation", get(edit_organisation).post(update_organisation))
        .route("/admin/programs", get(list_programs).post(create_program))
        .route("/admin/programs/new", get(new_program))
        .route("/admin/programs/{id}", get(edit_program).post(update_program))
        .route("/admin/sites", get(list_sites).post(create_site))
        .route("/admin/sites/new", get(new_site))
        .route("/admin/sites/{id}", get(edit_site).post(update_site))
        .route("/admin/staff", get(list_staff).post(create_staff))
        .route("/admin/staff/new", get(new_staff))
        .route("/admin/staff/{id}", get(edit_staff).post(update_staff))
        .route("/admin/staff/{id}/reset-password", post(reset_password))
        .route("/admin/staff/{id}/sign-out", post(sign_out_staff))
        .route("/admin/audit", get(list_audit))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionField {
    version: i32,
}

/// Options for a `<select>`: (code, label, selected).
pub type Options = Vec<(String, String, bool)>;

fn options<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: impl Fn(T) -> String, current: &str) -> Options {
    all.iter().map(|v| (code(*v).to_string(), label(*v), code(*v) == current)).collect()
}

// ---- organisation ----

#[derive(Template, WebTemplate)]
#[template(path = "admin/organisation.html")]
pub struct OrganisationPage {
    pub shell: Shell,
    pub form: OrganisationInput,
    pub version: i32,
    pub errors: FormErrors,
    pub countries: Options,
    pub editions: Options,
    pub languages: Options,
    pub conflict: bool,
}

fn org_input(org: &organisation::Model) -> OrganisationInput {
    OrganisationInput {
        name: org.name.clone(),
        country: org.country.clone(),
        time_zone: org.time_zone.clone(),
        default_language: org.default_language.clone(),
        edition: org.edition.clone(),
        require_totp: org.require_totp,
        emergency_number: org.emergency_number.clone(),
        crisis_procedure: org.crisis_procedure.clone(),
        local_crisis_contacts: org.local_crisis_contacts.clone(),
    }
}

async fn organisation_page(
    ctx: &Ctx,
    form: OrganisationInput,
    version: i32,
    errors: &FieldErrors,
) -> AppResult<OrganisationPage> {
    let tr = ctx.tr;
    Ok(OrganisationPage {
        countries: options(Country::ALL, Country::code, |c| tr.t(&c.message_id()), &form.country),
        editions: options(Edition::ALL, Edition::code, |e| tr.t(&e.message_id()), &form.edition),
        languages: options(
            UiLanguage::ALL,
            UiLanguage::code,
            |l| crate::i18n::Tr::native_name(l).to_string(),
            &form.default_language,
        ),
        shell: ctx.shell().await?,
        form,
        version,
        errors: FormErrors::new(&ctx.tr, errors),
        conflict: false,
    })
}

pub async fn edit_organisation(ctx: Ctx) -> AppResult<OrganisationPage> {
    ctx.authorize(Action::ConfigureOrganisation, Reach::Outside, None).await?;
    organisation_page(&ctx, org_input(&ctx.org), ctx.org.version, &FieldErrors::new()).await
}

pub async fn update_organisation(
    ctx: Ctx,
    CsrfFormPair(form, v): CsrfFormPair<OrganisationInput, VersionField>,
) -> AppResult<Response> {
    ctx.authorize(Action::ConfigureOrganisation, Reach::Outside, None).await?;
    let valid = match form.parse() {
        Ok(valid) => valid,
        Err(errors) => {
            let page = organisation_page(&ctx, form, v.version, &errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    match crate::setup::update_organisation(&ctx.state, &ctx.actor, v.version, &valid).await {
        Ok(()) => {
            ctx.flash("success", "settings-saved").await?;
            Ok(see_other("/admin/organisation"))
        }
        Err(AppError::Conflict) => {
            let mut page = organisation_page(&ctx, form, ctx.org.version, &FieldErrors::new()).await?;
            page.conflict = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---- programs ----

#[derive(Template, WebTemplate)]
#[template(path = "admin/programs.html")]
pub struct ProgramsPage {
    pub shell: Shell,
    pub programs: Vec<program::Model>,
}

pub async fn list_programs(ctx: Ctx) -> AppResult<ProgramsPage> {
    ctx.authorize(Action::ConfigureOrganisation, Reach::Outside, None).await?;
    Ok(ProgramsPage { programs: db::org::programs(ctx.state.db.conn(), ctx.org.id).await?, shell: ctx.shell().await? })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/program_form.html")]
pub struct ProgramForm {
    pub shell: Shell,
    pub id: Option<Uuid>,
    pub form: ProgramInput,
    pub version: i32,
    pub errors: FormErrors,
    pub conflict: bool,
}

async fn program_form(
    ctx: &Ctx,
    id: Option<Uuid>,
    form: ProgramInput,
    version: i32,
    errors: &FieldErrors,
) -> AppResult<ProgramForm> {
    Ok(ProgramForm {
        shell: ctx.shell().await?,
        id,
        form,
        version,
        errors: FormErrors::new(&ctx.tr, errors),
        conflict: false,
    })
}

pub async fn new_program(ctx: Ctx) -> AppResult<ProgramForm> {
    ctx.authorize(Action::ConfigureOrganisation, Reach::Outside, None).await?;
    let form = ProgramInput { serves_individuals: true, peer_delivered: true, active: true, ..Default::default() };
    program_form(&ctx, None, form, 0, &FieldErrors::new()).await
}

pub async fn edit_program(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<ProgramForm> {
    ctx.authorize(Action::ConfigureOrganisation, Reach::Outside, None).await?;
    let p = db::org::program(&ctx.state.db, ctx.org.id, id).await?.ok_or(AppError::NotFound)?;
    let form = ProgramInput {
        name: p.name,
        description: p.description,
        serves_individuals: p.serves_individuals,
        serves_groups: p.serves_groups,
        serves_referral: p.serves_referral,
        peer_delivered: p.peer_delivered,
        occasional_only: p.occasional_only,
        active: p.active,
    };
    program_form(&ctx, Some(id), form, p.version, &FieldErrors::new()).await
}

pub async fn create_program(ctx: Ctx, CsrfForm(form): CsrfForm<ProgramInput>) -> AppResult<Response> {
    save_program(ctx, None, form, 0).await
}

pub async fn update_program(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfFormPair(form, v): CsrfFormPair<ProgramInput, VersionField>,
) -> AppResult<Response> {
    db::org::program(&ctx.state.db, ctx.org.id, id).await?.ok_or(AppError::NotFound)?;
    save_program(ctx, Some(id), form, v.version).await
}

async fn save_program(ctx: Ctx, id: Option<Uuid>, form: ProgramInput, version: i32) -> AppResult<Response> {
    ctx.authorize(Action::ConfigureOrganisation, Reach::Outside, None).await?;
    let result = match form.parse() {
        Ok(valid) => crate::setup::save_program(&ctx.state, &ctx.actor, id, version, &valid).await.map(|_| ()),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(()) => {
            ctx.flash("success", "settings-saved").await?;
            Ok(see_other("/admin/programs"))
        }
        Err(AppError::Invalid(errors)) => {
            let page = program_form(&ctx, id, form, version, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let current =
                db::org::program(&ctx.state.db, ctx.org.id, id.unwrap_or_default()).await?.ok_or(AppError::NotFound)?;
            let mut page = program_form(&ctx, id, form, current.version, &FieldErrors::new()).await?;
            page.conflict = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---- sites ----

#[derive(Template, WebTemplate)]
#[template(path = "admin/sites.html")]
pub struct SitesPage {
    pub shell: Shell,
    pub sites: Vec<site::Model>,
}

impl SitesPage {
    pub fn setting_label(&self, code: &str) -> String {
        SettingType::parse(code).map(|s| self.shell.t(&s.message_id())).unwrap_or_default()
    }
}

pub async fn list_sites(ctx: Ctx) -> AppResult<SitesPage> {
    ctx.authorize(Action::ConfigureOrganisation, Reach::Outside, None).await?;
    Ok(SitesPage { sites: db::org::sites(&ctx.state.db, ctx.org.id).await?, shell: ctx.shell().await? })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/site_form.html")]
pub struct SiteForm {
    pub shell: Shell,
    pub id: Option<Uuid>,
    pub form: SiteInput,
    pub version: i32,
    pub errors: FormErrors,
    pub settings: Options,
    pub conflict: bool,
}

async fn site_form(
    ctx: &Ctx,
    id: Option<Uuid>,
    form: SiteInput,
    version: i32,
    errors: &FieldErrors,
) -> AppResult<SiteForm> {
    let tr = ctx.tr;
    Ok(SiteForm {
        settings: options(SettingType::ALL, SettingType::code, |s| tr.t(&s.message_id()), &form.setting_type),
        shell: ctx.shell().await?,
        id,
        form,
        version,
        errors: FormErrors::new(&ctx.tr, errors),
        conflict: false,
    })
}

pub async fn new_site(ctx: Ctx) -> AppResult<SiteForm> {
    ctx.authorize(Action::ConfigureOrganisation, Reach::Outside, None).await?;
    site_form(&ctx, None, SiteInput { active: true, ..Default::default() }, 0, &FieldErrors::new()).await
}

pub async fn edit_site(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<SiteForm> {
    ctx.authorize(Action::ConfigureOrganisation, Reach::Outside, None).await?;
    let s = db::org::site(&ctx.state.db, ctx.org.id, id).await?.ok_or(AppError::NotFound)?;
    let form = SiteInput {
        name: s.name,
        setting_type: s.setting_type,
        address_line: s.address_line,
        locality: s.locality,
        region: s.region,
        postal_code: s.postal_code,
        phone: s.phone,
        notes: s.notes,
        active: s.active,
    };
    site_form(&ctx, Some(id), form, s.version, &FieldErrors::new()).await
}

pub async fn create_site(ctx: Ctx, CsrfForm(form): CsrfForm<SiteInput>) -> AppResult<Response> {
    save_site(ctx, None, form, 0).await
}

pub async fn update_site(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfFormPair(form, v): CsrfFormPair<SiteInput, VersionField>,
) -> AppResult<Response> {
    db::org::site(&ctx.state.db, ctx.org.id, id).await?.ok_or(AppError::NotFound)?;
    save_site(ctx, Some(id), form, v.version).await
}

async fn save_site(ctx: Ctx, id: Option<Uuid>, form: SiteInput, version: i32) -> AppResult<Response> {
    ctx.authorize(Action::ConfigureOrganisation, Reach::Outside, None).await?;
    let result = match form.parse() {
        Ok(valid) => crate::setup::save_site(&ctx.state, &ctx.actor, id, version, &valid).await.map(|_| ()),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(()) => {
            ctx.flash("success", "settings-saved").await?;
            Ok(see_other("/admin/sites"))
        }
        Err(AppError::Invalid(errors)) => {
            let page = site_form(&ctx, id, form, version, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let current =
                db::org::site(&ctx.state.db, ctx.org.id, id.unwrap_or_default()).await?.ok_or(AppError::NotFound)?;
            let mut page = site_form(&ctx, id, form, current.version, &FieldErrors::new()).await?;
            page.conflict = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---- staff ----

#[derive(Template, WebTemplate)]
#[template(path = "admin/staff.html")]
pub struct StaffPage {
    pub shell: Shell,
    pub staff: Page<staff::Model>,
}

impl StaffPage {
    pub fn role_labels(&self, s: &staff::Model) -> String {
        db::staff::roles_from_text(&s.roles)
            .iter()
            .map(|r| self.shell.t(&r.message_id()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    page: Option<u64>,
}

pub async fn list_staff(ctx: Ctx, Query(q): Query<PageQuery>) -> AppResult<StaffPage> {
    ctx.authorize(Action::ManageStaff, Reach::Outside, None).await?;
    let staff =
        db::staff::list(&ctx.state.db, ctx.org.id, PageRequest { page: q.page.unwrap_or(1), per_page: 50 }).await?;
    Ok(StaffPage { staff, shell: ctx.shell().await? })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/staff_form.html")]
pub struct StaffForm {
    pub shell: Shell,
    pub account: Option<staff::Model>,
    pub form: StaffInput,
    pub version: i32,
    pub errors: FormErrors,
    pub roles: Options,
    pub programs: Options,
    pub supervisors: Options,
    pub temporary_password: Option<String>,
    pub sessions: u64,
    pub conflict: bool,
}

async fn staff_form(
    ctx: &Ctx,
    account: Option<staff::Model>,
    form: StaffInput,
    version: i32,
    errors: &FieldErrors,
) -> AppResult<StaffForm> {
    let db = &ctx.state.db;
    let tr = ctx.tr;
    let roles = Role::ALL
        .iter()
        .map(|r| (r.code().to_string(), tr.t(&r.message_id()), form.roles.iter().any(|x| x == r.code())))
        .collect();
    let programs = db::org::programs(db.conn(), ctx.org.id)
        .await?
        .into_iter()
        .map(|p| (p.id.to_string(), p.name, form.program_ids.contains(&p.id.to_string())))
        .collect();
    let me = account.as_ref().map(|a| a.id);
    let current = form.supervisor_id.clone().unwrap_or_default();
    let supervisors = db::staff::active(db, ctx.org.id)
        .await?
        .into_iter()
        .filter(|s| Some(s.id) != me)
        .map(|s| (s.id.to_string(), s.display_name, s.id.to_string() == current))
        .collect();
    let sessions = match &account {
        Some(a) => db::sessions::count_for_staff(db, a.id).await?,
        None => 0,
    };
    Ok(StaffForm {
        shell: ctx.shell().await?,
        account,
        form,
        version,
        errors: FormErrors::new(&ctx.tr, errors),
        roles,
        programs,
        supervisors,
        temporary_password: None,
        sessions,
        conflict: false,
    })
}

fn staff_input(s: &staff::Model, program_ids: Vec<Uuid>) -> StaffInput {
    StaffInput {
        display_name: s.display_name.clone(),
        email: s.email.clone(),
        job_title: s.job_title.clone(),
        roles: db::staff::roles_from_text(&s.roles).iter().map(|r| r.code().to_string()).collect(),
        supervisor_id: s.supervisor_id.map(|id| id.to_string()),
        program_ids: program_ids.iter().map(Uuid::to_string).collect(),
        active: s.active,
    }
}

pub async fn new_staff(ctx: Ctx) -> AppResult<StaffForm> {
    ctx.authorize(Action::ManageStaff, Reach::Outside, None).await?;
    staff_form(&ctx, None, StaffInput { active: true, ..Default::default() }, 0, &FieldErrors::new()).await
}

pub async fn edit_staff(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<StaffForm> {
    ctx.authorize(Action::ManageStaff, Reach::Outside, None).await?;
    let account = db::staff::get(ctx.state.db.conn(), ctx.org.id, id).await?.ok_or(AppError::NotFound)?;
    let programs = db::org::staff_program_ids(ctx.state.db.conn(), ctx.org.id, id).await?;
    let form = staff_input(&account, programs);
    let version = account.version;
    staff_form(&ctx, Some(account), form, version, &FieldErrors::new()).await
}

pub async fn create_staff(ctx: Ctx, CsrfForm(form): CsrfForm<StaffInput>) -> AppResult<Response> {
    ctx.authorize(Action::ManageStaff, Reach::Outside, None).await?;
    let result = match form.parse() {
        Ok(valid) => crate::setup::create_staff(&ctx.state, &ctx.actor, &valid).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok((account, temporary)) => {
            let programs = db::org::staff_program_ids(ctx.state.db.conn(), ctx.org.id, account.id).await?;
            let form = staff_input(&account, programs);
            let version = account.version;
            let mut page = staff_form(&ctx, Some(account), form, version, &FieldErrors::new()).await?;
            page.temporary_password = Some(temporary);
            Ok(page.into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let page = staff_form(&ctx, None, form, 0, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn update_staff(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfFormPair(form, v): CsrfFormPair<StaffInput, VersionField>,
) -> AppResult<Response> {
    ctx.authorize(Action::ManageStaff, Reach::Outside, None).await?;
    let account = db::staff::get(ctx.state.db.conn(), ctx.org.id, id).await?.ok_or(AppError::NotFound)?;
    let result = match form.parse() {
        Ok(valid) => crate::setup::update_staff(&ctx.state, &ctx.actor, id, v.version, &valid).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(()) => {
            ctx.flash("success", "settings-saved").await?;
            Ok(see_other("/admin/staff"))
        }
        Err(AppError::Invalid(errors)) => {
            let page = staff_form(&ctx, Some(account), form, v.version, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let version = account.version;
            let mut page = staff_form(&ctx, Some(account), form, version, &FieldErrors::new()).await?;
            page.conflict = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn reset_password(ctx: Ctx, Path(id): Path<Uuid>, CsrfForm(_): CsrfForm<Empty>) -> AppResult<Response> {
    ctx.authorize(Action::ManageStaff, Reach::Outside, None).await?;
    let account = db::staff::get(ctx.state.db.conn(), ctx.org.id, id).await?.ok_or(AppError::NotFound)?;
    let temporary = temporary_password();
    let hash = auth::hash_password(temporary.clone()).await?;
    let now = ctx.state.clock.now();
    let txn = ctx.state.db.begin_write().await?;
    db::staff::set_password(&txn, ctx.org.id, id, hash, true, now).await?;
    // A reset usually means the account may be in the wrong hands: its API tokens go too.
    let revoked = db::tokens::revoke_all(&txn, ctx.org.id, id, now).await?;
    let entry = ctx.entry("staff.password-reset").record("staff", id).detail(json!({ "tokens_revoked": revoked }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    db::sessions::delete_for_staff(&ctx.state.db, id).await?;
    let programs = db::org::staff_program_ids(ctx.state.db.conn(), ctx.org.id, id).await?;
    let form = staff_input(&account, programs);
    let version = account.version;
    let mut page = staff_form(&ctx, Some(account), form, version, &FieldErrors::new()).await?;
    page.temporary_password = Some(temporary);
    Ok(page.into_response())
}

pub async fn sign_out_staff(ctx: Ctx, Path(id): Path<Uuid>, CsrfForm(_): CsrfForm<Empty>) -> AppResult<Response> {
    ctx.authorize(Action::ManageStaff, Reach::Outside, None).await?;
    db::staff::get(ctx.state.db.conn(), ctx.org.id, id).await?.ok_or(AppError::NotFound)?;
    let ended = db::sessions::delete_for_staff(&ctx.state.db, id).await?;
    records::record(&ctx.state, ctx.entry("staff.sign-out").record("staff", id).detail(json!({ "sessions": ended })))
        .await?;
    ctx.flash("success", "staff-signed-out").await?;
    Ok(see_other(&format!("/admin/staff/{id}")))
}

/// A readable temporary password: four groups of four letters and digits.
pub fn temporary_password() -> String {
    let raw = auth::random_token(8);
    raw.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).to_string()).collect::<Vec<_>>().join("-")
}

// ---- audit log ----

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    pub shell: Shell,
    pub events: Page<audit_event::Model>,
    pub filter: AuditQuery,
    pub errors: FormErrors,
    pub staff: Vec<staff::Model>,
    pub tz: String,
}

impl AuditPage {
    pub fn when(&self, e: &audit_event::Model) -> String {
        crate::app::format_local(&self.tz, e.occurred_at)
    }

    pub fn page_link(&self, page: u64) -> String {
        let f = &self.filter;
        let pairs = [
            ("actor_id", f.actor_id.clone()),
            ("record_id", f.record_id.clone()),
            ("action", f.action.clone()),
            ("outcome", f.outcome.clone()),
            ("from", f.from.clone()),
            ("to", f.to.clone()),
        ];
        let mut query: String = pairs
            .iter()
            .filter_map(|(k, v)| v.as_ref().filter(|v| !v.is_empty()).map(|v| format!("{k}={}&", urlencode(v))))
            .collect();
        query.push_str(&format!("page={page}"));
        format!("/admin/audit?{query}")
    }
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("v", text)]).map(|s| s[2..].to_string()).unwrap_or_default()
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AuditQuery {
    pub actor_id: Option<String>,
    pub record_id: Option<String>,
    pub action: Option<String>,
    pub outcome: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<u64>,
}

pub async fn list_audit(ctx: Ctx, Query(q): Query<AuditQuery>) -> AppResult<AuditPage> {
    ctx.authorize(Action::BrowseAudit, Reach::Outside, None).await?;
    let mut errors = FieldErrors::new();
    let filter = AuditFilter {
        actor_id: crate::domain::setup::parse_uuid_field(&mut errors, "actor_id", q.actor_id.as_deref()),
        record_id: crate::domain::setup::parse_uuid_field(&mut errors, "record_id", q.record_id.as_deref()),
        action: q.action.clone(),
        outcome: q.outcome.clone(),
        from: errors.optional_date("from", q.from.as_deref()),
        to: errors.optional_date("to", q.to.as_deref()),
    };
    let page = PageRequest { page: q.page.unwrap_or(1), per_page: 50 };
    let events = db::audit::list(&ctx.state.db, ctx.org.id, &filter, page).await?;
    Ok(AuditPage {
        errors: FormErrors::new(&ctx.tr, &errors),
        staff: db::staff::active(&ctx.state.db, ctx.org.id).await?,
        tz: ctx.org.time_zone.clone(),
        shell: ctx.shell().await?,
        events,
        filter: q,
    })
}
