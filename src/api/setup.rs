//! Organisation, programs, sites and staff over JSON.

use super::{ApiActor, ApiJson};
use crate::access::Action;
use crate::app::AppState;
use crate::db::entities::{organisation, program, site, staff};
use crate::db::{self, Page, PageRequest};
use crate::domain::setup::{OrganisationInput, ProgramInput, SiteInput, StaffInput};
use crate::error::{AppError, AppResult};
use crate::setup;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_organisation, update_organisation))
        .routes(routes!(list_programs, create_program))
        .routes(routes!(get_program, update_program))
        .routes(routes!(list_sites, create_site))
        .routes(routes!(get_site, update_site))
        .routes(routes!(list_staff, create_staff))
        .routes(routes!(get_staff, update_staff))
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationOut {
    pub id: Uuid,
    pub name: String,
    pub country: String,
    pub time_zone: String,
    pub default_language: String,
    pub edition: String,
    pub require_totp: bool,
    pub crisis_line: String,
    pub emergency_number: String,
    pub crisis_procedure: String,
    pub local_crisis_contacts: Option<String>,
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<organisation::Model> for OrganisationOut {
    fn from(o: organisation::Model) -> Self {
        let country = crate::domain::codes::Country::parse(&o.country).unwrap_or(crate::domain::codes::Country::Us);
        OrganisationOut {
            id: o.id,
            name: o.name,
            country: o.country,
            time_zone: o.time_zone,
            default_language: o.default_language,
            edition: o.edition,
            require_totp: o.require_totp,
            crisis_line: country.crisis_line().to_string(),
            emergency_number: o.emergency_number,
            crisis_procedure: o.crisis_procedure,
            local_crisis_contacts: o.local_crisis_contacts,
            version: o.version,
            updated_at: o.updated_at,
        }
    }
}

/// Updates carry the version they were based on; a stale version gets 409.
#[derive(Deserialize, ToSchema)]
pub struct Versioned<T> {
    pub version: i32,
    #[serde(flatten)]
    pub data: T,
}

/// The caller's organisation.
#[utoipa::path(get, path = "/organisation", tag = "organisation", responses((status = 200, body = OrganisationOut)))]
async fn get_organisation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<Json<OrganisationOut>> {
    let org = db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(org.into()))
}

/// Changes the organisation's settings (administrators).
#[utoipa::path(put, path = "/organisation", tag = "organisation", request_body = Versioned<OrganisationInput>,
    responses((status = 200, body = OrganisationOut), (status = 409, body = crate::web::errors::ErrorEnvelope),
              (status = 422, body = crate::web::errors::ErrorEnvelope)))]
async fn update_organisation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<Versioned<OrganisationInput>>,
) -> AppResult<Json<OrganisationOut>> {
    setup::require(&state, &actor, Action::ConfigureOrganisation).await?;
    let valid = body.data.parse().map_err(AppError::Invalid)?;
    setup::update_organisation(&state, &actor, body.version, &valid).await?;
    get_organisation(State(state), ApiActor(actor)).await
}

#[derive(Serialize, ToSchema)]
pub struct ProgramOut {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub serves_individuals: bool,
    pub serves_groups: bool,
    pub serves_referral: bool,
    pub peer_delivered: bool,
    pub occasional_only: bool,
    pub active: bool,
    pub version: i32,
}

impl From<program::Model> for ProgramOut {
    fn from(p: program::Model) -> Self {
        ProgramOut {
            id: p.id,
            name: p.name,
            description: p.description,
            serves_individuals: p.serves_individuals,
            serves_groups: p.serves_groups,
            serves_referral: p.serves_referral,
            peer_delivered: p.peer_delivered,
            occasional_only: p.occasional_only,
            active: p.active,
            version: p.version,
        }
    }
}

/// Programs and their service profiles.
#[utoipa::path(get, path = "/programs", tag = "programs", responses((status = 200, body = Vec<ProgramOut>)))]
async fn list_programs(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<Vec<ProgramOut>>> {
    Ok(Json(db::org::programs(state.db.conn(), actor.org_id).await?.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/programs", tag = "programs", request_body = ProgramInput,
    responses((status = 201, body = ProgramOut), (status = 422, body = crate::web::errors::ErrorEnvelope)))]
async fn create_program(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ProgramInput>,
) -> AppResult<(StatusCode, Json<ProgramOut>)> {
    setup::require(&state, &actor, Action::ConfigureOrganisation).await?;
    let valid = body.parse().map_err(AppError::Invalid)?;
    let created = setup::save_program(&state, &actor, None, 0, &valid).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

#[utoipa::path(get, path = "/programs/{id}", tag = "programs", responses((status = 200, body = ProgramOut), (status = 404)))]
async fn get_program(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<ProgramOut>> {
    Ok(Json(db::org::program(&state.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?.into()))
}

#[utoipa::path(put, path = "/programs/{id}", tag = "programs", request_body = Versioned<ProgramInput>,
    responses((status = 200, body = ProgramOut), (status = 409, body = crate::web::errors::ErrorEnvelope)))]
async fn update_program(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<Versioned<ProgramInput>>,
) -> AppResult<Json<ProgramOut>> {
    db::org::program(&state.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    setup::require(&state, &actor, Action::ConfigureOrganisation).await?;
    let valid = body.data.parse().map_err(AppError::Invalid)?;
    Ok(Json(setup::save_program(&state, &actor, Some(id), body.version, &valid).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct SiteOut {
    pub id: Uuid,
    pub name: String,
    pub setting_type: String,
    pub address_line: Option<String>,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
    pub active: bool,
    pub version: i32,
}

impl From<site::Model> for SiteOut {
    fn from(s: site::Model) -> Self {
        SiteOut {
            id: s.id,
            name: s.name,
            setting_type: s.setting_type,
            address_line: s.address_line,
            locality: s.locality,
            region: s.region,
            postal_code: s.postal_code,
            phone: s.phone,
            notes: s.notes,
            active: s.active,
            version: s.version,
        }
    }
}

/// Sites where services are delivered, with their PRSC setting type.
#[utoipa::path(get, path = "/sites", tag = "sites", responses((status = 200, body = Vec<SiteOut>)))]
async fn list_sites(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<Vec<SiteOut>>> {
    Ok(Json(db::org::sites(&state.db, actor.org_id).await?.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/sites", tag = "sites", request_body = SiteInput,
    responses((status = 201, body = SiteOut), (status = 422, body = crate::web::errors::ErrorEnvelope)))]
async fn create_site(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<SiteInput>,
) -> AppResult<(StatusCode, Json<SiteOut>)> {
    setup::require(&state, &actor, Action::ConfigureOrganisation).await?;
    let valid = body.parse().map_err(AppError::Invalid)?;
    Ok((StatusCode::CREATED, Json(setup::save_site(&state, &actor, None, 0, &valid).await?.into())))
}

#[utoipa::path(get, path = "/sites/{id}", tag = "sites", responses((status = 200, body = SiteOut), (status = 404)))]
async fn get_site(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<SiteOut>> {
    Ok(Json(db::org::site(&state.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?.into()))
}

#[utoipa::path(put, path = "/sites/{id}", tag = "sites", request_body = Versioned<SiteInput>,
    responses((status = 200, body = SiteOut), (status = 409, body = crate::web::errors::ErrorEnvelope)))]
async fn update_site(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<Versioned<SiteInput>>,
) -> AppResult<Json<SiteOut>> {
    db::org::site(&state.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    setup::require(&state, &actor, Action::ConfigureOrganisation).await?;
    let valid = body.data.parse().map_err(AppError::Invalid)?;
    Ok(Json(setup::save_site(&state, &actor, Some(id), body.version, &valid).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct StaffOut {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub job_title: Option<String>,
    pub roles: Vec<String>,
    pub supervisor_id: Option<Uuid>,
    pub program_ids: Vec<Uuid>,
    pub active: bool,
    pub two_factor_enabled: bool,
    pub version: i32,
    /// Only in the response that created the account: hand it over in person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temporary_password: Option<String>,
}

async fn staff_out(state: &AppState, s: staff::Model) -> AppResult<StaffOut> {
    let program_ids = db::org::staff_program_ids(state.db.conn(), s.org_id, s.id).await?;
    Ok(StaffOut {
        id: s.id,
        email: s.email,
        display_name: s.display_name,
        job_title: s.job_title,
        roles: db::staff::roles_from_text(&s.roles).iter().map(|r| r.code().to_string()).collect(),
        supervisor_id: s.supervisor_id,
        program_ids,
        active: s.active,
        two_factor_enabled: s.totp_enabled,
        version: s.version,
        temporary_password: None,
    })
}

async fn require_view_staff(state: &AppState, actor: &crate::access::Actor) -> AppResult<()> {
    setup::require(state, actor, Action::ViewStaff).await
}

#[derive(Serialize, ToSchema)]
pub struct StaffPage {
    pub items: Vec<StaffOut>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// Staff accounts (administrators, directors, supervisors and the quality lead).
#[utoipa::path(get, path = "/staff", tag = "staff", params(PageRequest), responses((status = 200, body = StaffPage)))]
async fn list_staff(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(page): Query<PageRequest>,
) -> AppResult<Json<StaffPage>> {
    require_view_staff(&state, &actor).await?;
    let found: Page<staff::Model> = db::staff::list(&state.db, actor.org_id, page).await?;
    let mut items = Vec::with_capacity(found.items.len());
    for s in found.items {
        items.push(staff_out(&state, s).await?);
    }
    Ok(Json(StaffPage { items, page: found.page, per_page: found.per_page, total: found.total }))
}

#[utoipa::path(post, path = "/staff", tag = "staff", request_body = StaffInput,
    responses((status = 201, body = StaffOut), (status = 422, body = crate::web::errors::ErrorEnvelope)))]
async fn create_staff(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<StaffInput>,
) -> AppResult<(StatusCode, Json<StaffOut>)> {
    setup::require(&state, &actor, Action::ManageStaff).await?;
    let valid = body.parse().map_err(AppError::Invalid)?;
    let (created, temporary) = setup::create_staff(&state, &actor, &valid).await?;
    let mut out = staff_out(&state, created).await?;
    out.temporary_password = Some(temporary);
    Ok((StatusCode::CREATED, Json(out)))
}

#[utoipa::path(get, path = "/staff/{id}", tag = "staff", responses((status = 200, body = StaffOut), (status = 404)))]
async fn get_staff(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<StaffOut>> {
    require_view_staff(&state, &actor).await?;
    let s = db::staff::get(state.db.conn(), actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(staff_out(&state, s).await?))
}

#[utoipa::path(put, path = "/staff/{id}", tag = "staff", request_body = Versioned<StaffInput>,
    responses((status = 200, body = StaffOut), (status = 409, body = crate::web::errors::ErrorEnvelope)))]
async fn update_staff(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<Versioned<StaffInput>>,
) -> AppResult<Json<StaffOut>> {
    db::staff::get(state.db.conn(), actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    setup::require(&state, &actor, Action::ManageStaff).await?;
    let valid = body.data.parse().map_err(AppError::Invalid)?;
    setup::update_staff(&state, &actor, id, body.version, &valid).await?;
    get_staff(State(state), ApiActor(actor), Path(id)).await
}
