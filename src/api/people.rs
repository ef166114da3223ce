//! Person records over JSON, with the same access checks and audit events as the pages.

use super::{ApiActor, ApiJson};
use crate::access::Action;
use crate::app::AppState;
use crate::db::PageRequest;
use crate::db::entities::{enrolment, household_member, person};
use crate::domain::codes::Country;
use crate::domain::person::{HouseholdMemberInput, PersonInput, format_record_number};
use crate::error::{AppError, AppResult};
use crate::records::{self, Placement};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_people, create_person))
        .routes(routes!(get_person, update_person))
        .routes(routes!(list_household, add_household_member))
        .routes(routes!(remove_household_member))
}

#[derive(Serialize, ToSchema)]
pub struct EnrolmentOut {
    pub id: Uuid,
    pub program_id: Uuid,
    pub worker_id: Option<Uuid>,
    pub started_on: Date,
    pub ended_on: Option<Date>,
}

impl From<enrolment::Model> for EnrolmentOut {
    fn from(e: enrolment::Model) -> Self {
        EnrolmentOut {
            id: e.id,
            program_id: e.program_id,
            worker_id: e.worker_id,
            started_on: e.started_on,
            ended_on: e.ended_on,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonOut {
    pub id: Uuid,
    /// Human-facing record number, e.g. MS-000042.
    pub record_number: String,
    pub legal_given_name: String,
    pub legal_family_name: String,
    pub preferred_name: Option<String>,
    pub pronouns: Option<String>,
    pub date_of_birth: Option<Date>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address_line: Option<String>,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub preferred_contact: Option<String>,
    pub voicemail_ok: Option<bool>,
    pub text_ok: Option<bool>,
    pub email_ok: Option<bool>,
    pub contact_notes: Option<String>,
    pub preferred_language: Option<String>,
    pub interpreter_needed: bool,
    pub race: Vec<String>,
    pub race_self_described: Option<String>,
    pub ethnicity: Option<String>,
    pub ethnicity_self_described: Option<String>,
    pub gender: Option<String>,
    pub gender_self_described: Option<String>,
    pub emergency_name: Option<String>,
    pub emergency_relationship: Option<String>,
    pub emergency_phone: Option<String>,
    /// Present when the record is fetched on its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enrolments: Option<Vec<EnrolmentOut>>,
    /// On creation: what the worker's training or certification leaves uncovered for coaching
    /// (the organisation warns; under its block policy the create is refused with 422 instead).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment_gaps: Option<Vec<crate::domain::personnel::Need>>,
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<person::Model> for PersonOut {
    fn from(p: person::Model) -> Self {
        PersonOut {
            id: p.id,
            record_number: format_record_number(p.record_number),
            legal_given_name: p.legal_given_name,
            legal_family_name: p.legal_family_name,
            preferred_name: p.preferred_name,
            pronouns: p.pronouns,
            date_of_birth: p.date_of_birth,
            phone: p.phone,
            email: p.email,
            address_line: p.address_line,
            locality: p.locality,
            region: p.region,
            postal_code: p.postal_code,
            preferred_contact: p.preferred_contact,
            voicemail_ok: p.voicemail_ok,
            text_ok: p.text_ok,
            email_ok: p.email_ok,
            contact_notes: p.contact_notes,
            preferred_language: p.preferred_language,
            interpreter_needed: p.interpreter_needed,
            race: p.race_codes.unwrap_or_default().split(';').filter(|s| !s.is_empty()).map(str::to_string).collect(),
            race_self_described: p.race_self_described,
            ethnicity: p.ethnicity,
            ethnicity_self_described: p.ethnicity_self_described,
            gender: p.gender,
            gender_self_described: p.gender_self_described,
            emergency_name: p.emergency_name,
            emergency_relationship: p.emergency_relationship,
            emergency_phone: p.emergency_phone,
            enrolments: None,
            assignment_gaps: None,
            version: p.version,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PeoplePage {
    pub items: Vec<PersonOut>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct PeopleQuery {
    /// Part of a name (typos forgiven), a phone number or a record number.
    pub q: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// People the caller may see: their caseload, their supervisees', their programs' (or all, for
/// the quality lead). With `q`, a forgiving search (at most 50 results).
#[utoipa::path(get, path = "/people", tag = "people", params(PeopleQuery), responses((status = 200, body = PeoplePage)))]
async fn list_people(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<PeopleQuery>,
) -> AppResult<Json<PeoplePage>> {
    let page = PageRequest { page: q.page.unwrap_or(1), per_page: q.per_page.unwrap_or(25) };
    let found = records::list(&state, &actor, q.q.as_deref().unwrap_or(""), page).await?;
    Ok(Json(PeoplePage {
        page: found.page,
        per_page: found.per_page,
        total: found.total,
        items: crate::db::people::in_order(&state.db, actor.org_id, &found.items)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct CreatePerson {
    #[serde(flatten)]
    pub person: PersonInput,
    pub program_id: Uuid,
    /// Defaults to the caller; supervisors and directors may assign someone else.
    pub worker_id: Option<Uuid>,
    /// Create even when likely duplicates exist (after checking them).
    #[serde(default)]
    pub allow_duplicate: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DuplicateOut {
    pub record_number: String,
    /// Present only when the caller may open that record.
    pub id: Option<Uuid>,
    pub name_similarity: f64,
    pub same_birth_date: bool,
    pub same_phone: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DuplicatesFound {
    pub errors: Vec<crate::web::errors::ErrorItem>,
    pub duplicates: Vec<DuplicateOut>,
}

/// Creates a person on a program's caseload. Likely duplicates are refused with 409 and listed,
/// unless `allow_duplicate` is set.
#[utoipa::path(post, path = "/people", tag = "people", request_body = CreatePerson,
    responses((status = 201, body = PersonOut), (status = 409, body = DuplicatesFound),
              (status = 422, body = crate::web::errors::ErrorEnvelope)))]
async fn create_person(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CreatePerson>,
) -> AppResult<Response> {
    // Access first: someone who may not add people learns nothing from validation or matches.
    records::ensure_can_create(&state, &actor).await?;
    let org = crate::db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)?;
    let country = Country::parse(&org.country).unwrap_or(Country::Us);
    let today = crate::app::local_date(&org.time_zone, state.clock.now());
    let valid = body.person.parse(country, today).map_err(AppError::Invalid)?;
    if !body.allow_duplicate {
        let found = records::duplicates(&state, &actor, &valid, None).await?;
        if !found.is_empty() {
            let tr = crate::i18n::Tr::new(crate::domain::codes::UiLanguage::En);
            let duplicates = found
                .into_iter()
                .map(|d| DuplicateOut {
                    record_number: format_record_number(d.person.record_number),
                    id: d.visible.then_some(d.person.id),
                    name_similarity: (d.signals.name_similarity * 100.0).round() / 100.0,
                    same_birth_date: d.signals.same_birth_date,
                    same_phone: d.signals.same_phone,
                })
                .collect();
            let errors = vec![crate::web::errors::ErrorItem {
                field: None,
                detail: tr.t("error-likely-duplicate"),
                code: "error-likely-duplicate".into(),
            }];
            return Ok((StatusCode::CONFLICT, Json(DuplicatesFound { errors, duplicates })).into_response());
        }
    }
    let placement = Placement { program_id: Some(body.program_id), worker_id: body.worker_id };
    let created = records::create(&state, &actor, &valid, &placement, today).await?;
    let mut out = PersonOut::from(created.person);
    out.assignment_gaps = Some(created.assignment_gaps);
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// One person's record (the view is recorded in the audit log).
#[utoipa::path(get, path = "/people/{id}", tag = "people", responses((status = 200, body = PersonOut), (status = 403), (status = 404)))]
async fn get_person(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<PersonOut>> {
    let opened = records::open(&state, &actor, id, Action::ViewPerson).await?;
    let mut out = PersonOut::from(opened.person);
    out.enrolments = Some(opened.enrolments.into_iter().map(Into::into).collect());
    Ok(Json(out))
}

#[derive(Deserialize, ToSchema)]
pub struct UpdatePerson {
    /// The version the change was based on (from the last read).
    pub version: i32,
    #[serde(flatten)]
    pub person: PersonInput,
}

/// Replaces a person's details. A stale `version` gets 409: read the record again and re-apply.
#[utoipa::path(put, path = "/people/{id}", tag = "people", request_body = UpdatePerson,
    responses((status = 200, body = PersonOut), (status = 409, body = crate::web::errors::ErrorEnvelope),
              (status = 422, body = crate::web::errors::ErrorEnvelope)))]
async fn update_person(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<UpdatePerson>,
) -> AppResult<Json<PersonOut>> {
    let org = crate::db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)?;
    let country = Country::parse(&org.country).unwrap_or(Country::Us);
    let today = crate::app::local_date(&org.time_zone, state.clock.now());
    // Access first: a caller who may not edit learns nothing from validation messages.
    records::open(&state, &actor, id, Action::EditPerson).await?;
    let valid = body.person.parse(country, today).map_err(AppError::Invalid)?;
    Ok(Json(records::update(&state, &actor, id, body.version, &valid).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdMemberOut {
    pub id: Uuid,
    pub name: String,
    pub relationship: String,
    pub date_of_birth: Option<Date>,
    pub phone: Option<String>,
    pub takes_part: bool,
}

impl From<household_member::Model> for HouseholdMemberOut {
    fn from(m: household_member::Model) -> Self {
        HouseholdMemberOut {
            id: m.id,
            name: m.name,
            relationship: m.relationship,
            date_of_birth: m.date_of_birth,
            phone: m.phone,
            takes_part: m.takes_part,
        }
    }
}

#[utoipa::path(get, path = "/people/{id}/household", tag = "people", responses((status = 200, body = Vec<HouseholdMemberOut>)))]
async fn list_household(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<HouseholdMemberOut>>> {
    records::open(&state, &actor, id, Action::ViewPerson).await?;
    Ok(Json(records::household(&state, &actor, id).await?.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/people/{id}/household", tag = "people", request_body = HouseholdMemberInput,
    responses((status = 201, body = HouseholdMemberOut), (status = 422, body = crate::web::errors::ErrorEnvelope)))]
async fn add_household_member(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<HouseholdMemberInput>,
) -> AppResult<(StatusCode, Json<HouseholdMemberOut>)> {
    records::open(&state, &actor, id, Action::EditPerson).await?;
    let org = crate::db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)?;
    let today = crate::app::local_date(&org.time_zone, state.clock.now());
    let valid = body.parse(today).map_err(AppError::Invalid)?;
    let member = records::add_household_member(&state, &actor, id, &valid).await?;
    Ok((StatusCode::CREATED, Json(member.into())))
}

#[utoipa::path(delete, path = "/people/{id}/household/{member_id}", tag = "people", responses((status = 204), (status = 404)))]
async fn remove_household_member(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, member_id)): Path<(Uuid, Uuid)>,
) -> AppResult<StatusCode> {
    records::remove_household_member(&state, &actor, id, member_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
