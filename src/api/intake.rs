//! Intake over JSON: requests for service, triage, screening, acceptance, waiting lists, risk
//! screens, safety plans, the 4.03 checklist, the crisis procedure, crisis events and time to
//! first service. Every write goes through `crate::intake`, which checks access and audits.

use super::{ApiActor, ApiJson};
use crate::access::{self, Action, Actor, Reach};
use crate::app::{AppState, local_date};
use crate::db::entities::{
    crisis_event, crisis_procedure, organisation, person_safety, risk_response, risk_screen, safety_plan,
    service_request, waitlist_entry,
};
use crate::db::intake::{ProgramIntake, QueueFilter};
use crate::db::{self, PageRequest};
use crate::domain::FieldErrors;
use crate::domain::codes::Country;
use crate::domain::intake::{
    AcceptInput, CheckinInput, CloseRequestInput, CrisisEventInput, CrisisProcedureInput, DischargeInput,
    FollowUpInput, ProgramIntakeInput, RequestInput, SafetyChecklistInput, SafetyPlanInput, ScreeningInput,
    TriageInput, WaitlistInput, WaitlistRemoveInput,
};
use crate::domain::person::PersonInput;
use crate::domain::risk::RiskScreenInput;
use crate::error::{AppError, AppResult};
use crate::intake::{self, ResponseInput, TimeToService};
use crate::records;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_requests, create_request))
        .routes(routes!(get_request))
        .routes(routes!(triage_request))
        .routes(routes!(screen_request))
        .routes(routes!(create_person_for_request))
        .routes(routes!(accept_request))
        .routes(routes!(close_request))
        .routes(routes!(place_on_waitlist))
        .routes(routes!(list_waitlist))
        .routes(routes!(waitlist_checkin))
        .routes(routes!(waitlist_remove))
        .routes(routes!(get_person_safety))
        .routes(routes!(create_risk_screen))
        .routes(routes!(add_risk_response))
        .routes(routes!(close_risk_screen))
        .routes(routes!(save_safety_plan))
        .routes(routes!(save_safety_checklist))
        .routes(routes!(discharge))
        .routes(routes!(get_crisis_procedure, create_crisis_procedure))
        .routes(routes!(list_crisis_procedures))
        .routes(routes!(list_crisis_events, create_crisis_event))
        .routes(routes!(get_crisis_event))
        .routes(routes!(complete_follow_up))
        .routes(routes!(time_to_service))
        .routes(routes!(get_intake_settings, save_intake_settings))
}

// ---------- helpers ----------

/// The caller's organisation, from the access facts the bearer check has just loaded.
pub(super) async fn org(state: &AppState, actor: &Actor) -> AppResult<organisation::Model> {
    if let Some(facts) = state.access_cache.load(&state.db, actor.org_id, actor.staff_id).await? {
        return Ok(facts.org.clone());
    }
    db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)
}

/// The organisation's time zone: dates (received on, due on, today) are counted in it.
pub(super) async fn time_zone(state: &AppState, actor: &Actor) -> AppResult<String> {
    Ok(org(state, actor).await?.time_zone)
}

/// Every change to something that already exists says which version it was based on.
pub(super) fn required_version(version: Option<i32>) -> AppResult<i32> {
    version.ok_or_else(|| AppError::Invalid(FieldErrors::single("version", "error-required")))
}

/// Parsed input and its version, with a missing version reported beside any other mistakes.
pub(super) fn parsed_with_version<T>(parsed: Result<T, FieldErrors>, version: Option<i32>) -> AppResult<(T, i32)> {
    match (parsed, version) {
        (Ok(value), Some(version)) => Ok((value, version)),
        (Ok(_), None) => Err(AppError::Invalid(FieldErrors::single("version", "error-required"))),
        (Err(mut errors), None) => {
            errors.add("version", "error-required");
            Err(AppError::Invalid(errors))
        }
        (Err(errors), Some(_)) => Err(AppError::Invalid(errors)),
    }
}

/// Someone whose role may never take the action is refused before being told what is wrong with
/// the input (a valid body reaches the service, which records the denial).
fn refuse_or_invalid(actor: &Actor, action: Action, error: AppError) -> AppError {
    if matches!(error, AppError::Invalid(_)) && !access::allows(actor, action, Reach::Outside) {
        AppError::Forbidden
    } else {
        error
    }
}

fn code_list(stored: &str) -> Vec<String> {
    stored.split(';').filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn page_request(page: Option<u64>, per_page: Option<u64>) -> PageRequest {
    PageRequest { page: page.unwrap_or(1), per_page: per_page.unwrap_or(25) }
}

type Envelope = crate::web::errors::ErrorEnvelope;

// ---------- requests for service ----------

#[derive(Serialize, ToSchema)]
pub struct RequestOut {
    pub id: Uuid,
    pub person_id: Option<Uuid>,
    pub anonymous: bool,
    /// walk-in, phone, text, web-form, partner-referral or self-referral
    pub source: String,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// The day of arrival in the organisation's time zone; targets count from it.
    pub received_on: Date,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub date_of_birth: Option<Date>,
    pub safe_to_message: Option<bool>,
    pub referrer_name: Option<String>,
    pub referrer_organisation: Option<String>,
    pub asked_for: String,
    pub program_id: Option<Uuid>,
    pub assigned_to: Option<Uuid>,
    /// new, screened, waiting, enrolled, referred-out or closed
    pub status: String,
    /// emergency, urgent or routine; absent until triaged
    pub urgency: Option<String>,
    pub urgency_reason: Option<String>,
    pub critical_needs: Option<String>,
    pub needs_intensive: bool,
    pub intensive_note: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub triaged_at: Option<OffsetDateTime>,
    pub triaged_by: Option<Uuid>,
    /// fits, partly or does-not-fit
    pub fit: Option<String>,
    pub population_fit: Option<String>,
    pub population_basis: Option<String>,
    pub offer: Option<String>,
    pub offer_from: Option<Date>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub informed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub screened_at: Option<OffsetDateTime>,
    pub screened_by: Option<Uuid>,
    pub referred_to: Option<String>,
    pub referral_reason: Option<String>,
    pub close_reason: Option<String>,
    pub close_note: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    pub enrolment_id: Option<Uuid>,
    pub first_service_on: Option<Date>,
    pub created_by: Option<Uuid>,
    /// On acceptance: what the worker's training or certification leaves uncovered for coaching
    /// (the organisation warns; under its block policy the accept is refused with 422 instead).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment_gaps: Option<Vec<crate::domain::personnel::Need>>,
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl RequestOut {
    fn new(tz: &str, r: service_request::Model) -> RequestOut {
        RequestOut {
            received_on: intake::received_on(tz, &r),
            id: r.id,
            person_id: r.person_id,
            anonymous: r.anonymous,
            source: r.source,
            received_at: r.received_at,
            given_name: r.given_name,
            family_name: r.family_name,
            phone: r.phone,
            email: r.email,
            date_of_birth: r.date_of_birth,
            safe_to_message: r.safe_to_message,
            referrer_name: r.referrer_name,
            referrer_organisation: r.referrer_organisation,
            asked_for: r.asked_for,
            program_id: r.program_id,
            assigned_to: r.assigned_to,
            status: r.status,
            urgency: r.urgency,
            urgency_reason: r.urgency_reason,
            critical_needs: r.critical_needs,
            needs_intensive: r.needs_intensive,
            intensive_note: r.intensive_note,
            triaged_at: r.triaged_at,
            triaged_by: r.triaged_by,
            fit: r.fit,
            population_fit: r.population_fit,
            population_basis: r.population_basis,
            offer: r.offer,
            offer_from: r.offer_from,
            informed_at: r.informed_at,
            screened_at: r.screened_at,
            screened_by: r.screened_by,
            referred_to: r.referred_to,
            referral_reason: r.referral_reason,
            close_reason: r.close_reason,
            close_note: r.close_note,
            closed_at: r.closed_at,
            enrolment_id: r.enrolment_id,
            first_service_on: r.first_service_on,
            created_by: r.created_by,
            assignment_gaps: None,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// One row of the intake queue.
#[derive(Serialize, ToSchema)]
pub struct QueueItemOut {
    pub id: Uuid,
    pub person_id: Option<Uuid>,
    /// The record's name, the name given, or absent for an anonymous enquiry.
    pub who: Option<String>,
    pub program_id: Option<Uuid>,
    pub program: Option<String>,
    pub source: String,
    pub assigned_to: Option<Uuid>,
    pub received_on: Date,
    /// When first service is due under the program's target for the urgency.
    pub due_on: Date,
    pub days_waiting: i64,
    pub overdue: bool,
    pub status: String,
    pub urgency: Option<String>,
    pub version: i32,
}

impl From<intake::QueueItem> for QueueItemOut {
    fn from(q: intake::QueueItem) -> Self {
        QueueItemOut {
            id: q.request.id,
            person_id: q.request.person_id,
            who: q.who,
            program_id: q.request.program_id,
            program: q.program,
            source: q.request.source,
            assigned_to: q.request.assigned_to,
            received_on: q.received_on,
            due_on: q.due_on,
            days_waiting: q.days_waiting,
            overdue: q.overdue,
            status: q.request.status,
            urgency: q.request.urgency,
            version: q.request.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RequestPage {
    pub items: Vec<QueueItemOut>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct RequestQuery {
    /// Only requests assigned to the caller.
    pub mine: Option<bool>,
    /// Only requests nobody has screened yet.
    pub only_new: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Open requests the caller's intake work covers: emergencies first, then urgent, then untriaged,
/// then routine; within each, longest waiting first.
#[utoipa::path(get, path = "/requests", tag = "intake", params(RequestQuery),
    responses((status = 200, body = RequestPage), (status = 403, body = Envelope)))]
async fn list_requests(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<RequestQuery>,
) -> AppResult<Json<RequestPage>> {
    let tz = time_zone(&state, &actor).await?;
    let filter = QueueFilter {
        assigned_to: q.mine.unwrap_or(false).then_some(actor.staff_id),
        only_new: q.only_new.unwrap_or(false),
        skip_total: false,
    };
    let found = intake::queue(&state, &actor, &tz, filter, page_request(q.page, q.per_page)).await?;
    Ok(Json(RequestPage {
        page: found.page,
        per_page: found.per_page,
        total: found.total,
        items: found.items.into_iter().map(Into::into).collect(),
    }))
}

/// Logs a request for service: about an existing person (`person_id`), someone new (give at
/// least `given_name`) or an anonymous enquiry.
#[utoipa::path(post, path = "/requests", tag = "intake", request_body = RequestInput,
    responses((status = 201, body = RequestOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn create_request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<RequestInput>,
) -> AppResult<(StatusCode, Json<RequestOut>)> {
    let tz = time_zone(&state, &actor).await?;
    let today = local_date(&tz, state.clock.now());
    let valid = body.parse(today).map_err(|e| refuse_or_invalid(&actor, Action::LogRequest, e.into()))?;
    let created = intake::log_request(&state, &actor, &tz, &valid).await?;
    Ok((StatusCode::CREATED, Json(RequestOut::new(&tz, created))))
}

/// One request (the view is recorded in the audit log).
#[utoipa::path(get, path = "/requests/{id}", tag = "intake", params(("id" = Uuid, Path, description = "Request id")),
    responses((status = 200, body = RequestOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<RequestOut>> {
    let tz = time_zone(&state, &actor).await?;
    let request = intake::open_request(&state, &actor, id, false).await?;
    Ok(Json(RequestOut::new(&tz, request)))
}

/// Intake triage (3.02): urgency with its reason, critical needs, need for intensive services.
/// `version` is required.
#[utoipa::path(post, path = "/requests/{id}/triage", tag = "intake", request_body = TriageInput,
    params(("id" = Uuid, Path, description = "Request id")),
    responses((status = 200, body = RequestOut), (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn triage_request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<TriageInput>,
) -> AppResult<Json<RequestOut>> {
    let tz = time_zone(&state, &actor).await?;
    let (triage, version) = parsed_with_version(body.parse(), body.version)?;
    let saved = intake::triage(&state, &actor, id, version, &triage).await?;
    Ok(Json(RequestOut::new(&tz, saved)))
}

/// Screening (3.01): fit with a program and the offer made, or a referral elsewhere (which ends
/// the request as referred-out). `version` is required.
#[utoipa::path(post, path = "/requests/{id}/screening", tag = "intake", request_body = ScreeningInput,
    params(("id" = Uuid, Path, description = "Request id")),
    responses((status = 200, body = RequestOut), (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn screen_request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ScreeningInput>,
) -> AppResult<Json<RequestOut>> {
    let tz = time_zone(&state, &actor).await?;
    required_version(body.version)?;
    let saved = intake::screen(&state, &actor, id, &body).await?;
    Ok(Json(RequestOut::new(&tz, saved)))
}

#[derive(Deserialize, ToSchema)]
pub struct RequestPersonBody {
    /// The version of the request.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub person: PersonInput,
}

/// Creates a person record from a request about someone new, so they can be screened for risk
/// and accepted. Returns the request, now linked to the record.
#[utoipa::path(post, path = "/requests/{id}/person", tag = "intake", request_body = RequestPersonBody,
    params(("id" = Uuid, Path, description = "Request id")),
    responses((status = 201, body = RequestOut), (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn create_person_for_request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<RequestPersonBody>,
) -> AppResult<(StatusCode, Json<RequestOut>)> {
    let org = org(&state, &actor).await?;
    let country = Country::parse(&org.country).unwrap_or(Country::Us);
    let today = local_date(&org.time_zone, state.clock.now());
    let (person, version) = parsed_with_version(body.person.parse(country, today), body.version)?;
    intake::create_person_for_request(&state, &actor, id, version, &person).await?;
    let request = db::intake::request(state.db.conn(), actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(RequestOut::new(&org.time_zone, request))))
}

#[derive(Deserialize, ToSchema)]
pub struct AcceptBody {
    #[serde(flatten)]
    pub accept: AcceptInput,
    /// The version of the request.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Accepts a request: enrols the person in the program with a worker and records the first
/// service (not before the request arrived). The request needs a person record.
#[utoipa::path(post, path = "/requests/{id}/accept", tag = "intake", request_body = AcceptBody,
    params(("id" = Uuid, Path, description = "Request id")),
    responses((status = 200, body = RequestOut), (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn accept_request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<AcceptBody>,
) -> AppResult<Json<RequestOut>> {
    let tz = time_zone(&state, &actor).await?;
    let version = required_version(body.version)?;
    let accepted = intake::accept(&state, &actor, &tz, id, version, &body.accept).await?;
    let mut out = RequestOut::new(&tz, accepted.request);
    out.assignment_gaps = Some(accepted.assignment_gaps);
    Ok(Json(out))
}

#[derive(Deserialize, ToSchema)]
pub struct CloseRequestBody {
    #[serde(flatten)]
    pub close: CloseRequestInput,
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Closes a request that will not be served: information-only, withdrawn, unreachable or duplicate.
#[utoipa::path(post, path = "/requests/{id}/close", tag = "intake", request_body = CloseRequestBody,
    params(("id" = Uuid, Path, description = "Request id")),
    responses((status = 200, body = RequestOut), (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn close_request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<CloseRequestBody>,
) -> AppResult<Json<RequestOut>> {
    let tz = time_zone(&state, &actor).await?;
    let version = required_version(body.version)?;
    let saved = intake::close_request(&state, &actor, id, version, &body.close).await?;
    Ok(Json(RequestOut::new(&tz, saved)))
}

// ---------- waiting lists ----------

#[derive(Serialize, ToSchema)]
pub struct WaitlistEntryOut {
    pub id: Uuid,
    pub request_id: Uuid,
    pub person_id: Option<Uuid>,
    pub program_id: Uuid,
    /// high, normal or low
    pub priority: String,
    #[serde(with = "time::serde::rfc3339")]
    pub placed_at: OffsetDateTime,
    pub placed_by: Uuid,
    pub next_checkin_on: Date,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_checkin_at: Option<OffsetDateTime>,
    pub referral_offered: Option<String>,
    pub note: Option<String>,
    pub version: i32,
}

impl From<waitlist_entry::Model> for WaitlistEntryOut {
    fn from(e: waitlist_entry::Model) -> Self {
        WaitlistEntryOut {
            id: e.id,
            request_id: e.request_id,
            person_id: e.person_id,
            program_id: e.program_id,
            priority: e.priority,
            placed_at: e.placed_at,
            placed_by: e.placed_by,
            next_checkin_on: e.next_checkin_on,
            last_checkin_at: e.last_checkin_at,
            referral_offered: e.referral_offered,
            note: e.note,
            version: e.version,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct WaitlistBody {
    #[serde(flatten)]
    pub waitlist: WaitlistInput,
    /// The version of the request.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Places a new or screened request on a program's waiting list.
#[utoipa::path(post, path = "/requests/{id}/waitlist", tag = "intake", request_body = WaitlistBody,
    params(("id" = Uuid, Path, description = "Request id")),
    responses((status = 201, body = WaitlistEntryOut), (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn place_on_waitlist(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<WaitlistBody>,
) -> AppResult<(StatusCode, Json<WaitlistEntryOut>)> {
    let tz = time_zone(&state, &actor).await?;
    let (waitlist, version) = parsed_with_version(body.waitlist.parse(), body.version)?;
    let entry = intake::place_on_waitlist(&state, &actor, &tz, id, version, &waitlist).await?;
    Ok((StatusCode::CREATED, Json(entry.into())))
}

/// One person waiting, with their place in the program's list.
#[derive(Serialize, ToSchema)]
pub struct WaitingOut {
    /// The waiting-list entry.
    pub id: Uuid,
    pub request_id: Uuid,
    pub person_id: Option<Uuid>,
    pub who: Option<String>,
    pub program_id: Uuid,
    pub program: Option<String>,
    /// 1-based place in the program's list (everyone waiting counts).
    pub position: usize,
    pub priority: String,
    #[serde(with = "time::serde::rfc3339")]
    pub placed_at: OffsetDateTime,
    pub days_waited: i64,
    pub next_checkin_on: Date,
    pub checkin_due: bool,
    pub urgency: Option<String>,
    /// The entry's version (for check-ins and removal).
    pub version: i32,
}

impl From<intake::WaitingItem> for WaitingOut {
    fn from(w: intake::WaitingItem) -> Self {
        WaitingOut {
            id: w.entry.id,
            request_id: w.entry.request_id,
            person_id: w.entry.person_id,
            who: w.who,
            program_id: w.entry.program_id,
            program: w.program,
            position: w.position,
            priority: w.entry.priority,
            placed_at: w.entry.placed_at,
            days_waited: w.days_waited,
            next_checkin_on: w.entry.next_checkin_on,
            checkin_due: w.checkin_due,
            urgency: w.request.urgency,
            version: w.entry.version,
        }
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct WaitlistQuery {
    /// Only this program's list.
    pub program_id: Option<Uuid>,
    /// 1-based page of the list (100 entries a page unless `per_page` says fewer).
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Everyone waiting that the caller's intake work covers, program by program in list order.
#[utoipa::path(get, path = "/waitlist", tag = "intake", params(WaitlistQuery),
    responses((status = 200, body = Vec<WaitingOut>), (status = 403, body = Envelope)))]
async fn list_waitlist(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<WaitlistQuery>,
) -> AppResult<Json<Vec<WaitingOut>>> {
    let tz = time_zone(&state, &actor).await?;
    let page = PageRequest { page: q.page.unwrap_or(1), per_page: q.per_page.unwrap_or(100) };
    let (items, _) = intake::waiting_list(&state, &actor, &tz, q.program_id, page).await?;
    Ok(Json(items.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct CheckinBody {
    #[serde(flatten)]
    pub checkin: CheckinInput,
    /// The version of the waiting-list entry.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Records a check-in with someone waiting; the next one is scheduled from the program's settings.
#[utoipa::path(post, path = "/waitlist/{entry_id}/checkins", tag = "intake", request_body = CheckinBody,
    params(("entry_id" = Uuid, Path, description = "Waiting-list entry id")),
    responses((status = 204), (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn waitlist_checkin(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(entry_id): Path<Uuid>,
    ApiJson(body): ApiJson<CheckinBody>,
) -> AppResult<StatusCode> {
    let tz = time_zone(&state, &actor).await?;
    let ((still_wanted, note), version) = parsed_with_version(body.checkin.parse(), body.version)?;
    intake::waitlist_checkin(&state, &actor, &tz, entry_id, version, still_wanted, note).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct WaitlistRemoveBody {
    #[serde(flatten)]
    pub removal: WaitlistRemoveInput,
    /// The version of the waiting-list entry.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Takes someone off a waiting list with a reason (to enrol them, accept the request instead).
#[utoipa::path(post, path = "/waitlist/{entry_id}/remove", tag = "intake", request_body = WaitlistRemoveBody,
    params(("entry_id" = Uuid, Path, description = "Waiting-list entry id")),
    responses((status = 204), (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn waitlist_remove(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(entry_id): Path<Uuid>,
    ApiJson(body): ApiJson<WaitlistRemoveBody>,
) -> AppResult<StatusCode> {
    let ((reason, note), version) = parsed_with_version(body.removal.parse(), body.version)?;
    intake::waitlist_remove(&state, &actor, entry_id, version, reason, note).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------- a person's safety ----------

#[derive(Serialize, ToSchema)]
pub struct RiskResponseOut {
    pub id: Uuid,
    pub screen_id: Uuid,
    /// intensive-service, safety-plan, emergency-responders, mobile-crisis, crisis-line or other
    pub kind: String,
    pub detail: String,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    pub recorded_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<risk_response::Model> for RiskResponseOut {
    fn from(r: risk_response::Model) -> Self {
        RiskResponseOut {
            id: r.id,
            screen_id: r.screen_id,
            kind: r.kind,
            detail: r.detail,
            occurred_at: r.occurred_at,
            recorded_by: r.recorded_by,
            created_at: r.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RiskScreenOut {
    pub id: Uuid,
    pub person_id: Uuid,
    pub request_id: Option<Uuid>,
    /// program-wide or individual
    pub kind: String,
    pub individual_reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub screened_at: OffsetDateTime,
    pub screened_by: Uuid,
    /// The C-SSRS answers after skip logic: q1, q2, q3–q5 (null when skipped), q6, q6_recent.
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
    /// Other dangers reported: self-injury, neglect, exploitation, violence-to-others.
    pub concerns: Vec<String>,
    /// none, low, moderate or high, from the C-SSRS answers alone.
    pub suicide_level: String,
    /// The overall level: at least moderate when another danger was reported.
    pub level: String,
    pub notes: Option<String>,
    /// Set when the screen is complete; moderate and high screens close once a response is recorded.
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    pub closed_by: Option<Uuid>,
    pub responses: Vec<RiskResponseOut>,
    pub version: i32,
}

impl RiskScreenOut {
    fn new(s: risk_screen::Model, responses: Vec<risk_response::Model>) -> RiskScreenOut {
        RiskScreenOut {
            answers: serde_json::from_str(&s.answers).unwrap_or(serde_json::Value::Null),
            concerns: code_list(&s.concerns),
            id: s.id,
            person_id: s.person_id,
            request_id: s.request_id,
            kind: s.kind,
            individual_reason: s.individual_reason,
            screened_at: s.screened_at,
            screened_by: s.screened_by,
            suicide_level: s.suicide_level,
            level: s.level,
            notes: s.notes,
            closed_at: s.closed_at,
            closed_by: s.closed_by,
            responses: responses.into_iter().map(Into::into).collect(),
            version: s.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SafetyPlanOut {
    pub id: Uuid,
    pub person_id: Uuid,
    pub warning_signs: String,
    pub coping_strategies: String,
    pub distractions: String,
    pub people_to_ask: String,
    pub professionals: String,
    pub safer_environment: String,
    pub reasons_for_living: String,
    pub shared_on: Option<Date>,
    pub updated_by: Uuid,
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<safety_plan::Model> for SafetyPlanOut {
    fn from(p: safety_plan::Model) -> Self {
        SafetyPlanOut {
            id: p.id,
            person_id: p.person_id,
            warning_signs: p.warning_signs,
            coping_strategies: p.coping_strategies,
            distractions: p.distractions,
            people_to_ask: p.people_to_ask,
            professionals: p.professionals,
            safer_environment: p.safer_environment,
            reasons_for_living: p.reasons_for_living,
            shared_on: p.shared_on,
            updated_by: p.updated_by,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// The 4.03 trauma and safety checklist.
#[derive(Serialize, ToSchema)]
pub struct SafetyChecklistOut {
    /// Why the checklist applies: abuse, neglect, violence, trauma, suicide-risk.
    pub flags: Vec<String>,
    pub vulnerable_adult: bool,
    pub history_of_danger: bool,
    /// Steps done: trauma-informed, trauma-education, safety-plan, reporting-offered,
    /// options-explained, monitoring-raised, intensive-offered.
    pub steps: Vec<String>,
    pub note: Option<String>,
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub updated_by: Option<Uuid>,
}

impl From<person_safety::Model> for SafetyChecklistOut {
    fn from(c: person_safety::Model) -> Self {
        SafetyChecklistOut {
            flags: code_list(&c.flags),
            vulnerable_adult: c.vulnerable_adult,
            history_of_danger: c.history_of_danger,
            steps: code_list(&c.steps_done),
            note: c.note,
            version: c.version,
            updated_at: c.updated_at,
            updated_by: c.updated_by,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CrisisEventOut {
    pub id: Uuid,
    /// Absent for an anonymous caller.
    pub person_id: Option<Uuid>,
    pub caller_description: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    pub reported_by: Uuid,
    pub what_happened: String,
    pub actions_taken: String,
    /// Who was called: emergency-services, crisis-line, mobile-crisis, dv-line, child-protection,
    /// adult-protection, other.
    pub calls: Vec<String>,
    pub calls_detail: Option<String>,
    pub outcome: String,
    pub follow_up_due: Option<Date>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub follow_up_done_at: Option<OffsetDateTime>,
    pub follow_up_note: Option<String>,
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<crisis_event::Model> for CrisisEventOut {
    fn from(e: crisis_event::Model) -> Self {
        CrisisEventOut {
            calls: code_list(&e.calls),
            id: e.id,
            person_id: e.person_id,
            caller_description: e.caller_description,
            occurred_at: e.occurred_at,
            reported_by: e.reported_by,
            what_happened: e.what_happened,
            actions_taken: e.actions_taken,
            calls_detail: e.calls_detail,
            outcome: e.outcome,
            follow_up_due: e.follow_up_due,
            follow_up_done_at: e.follow_up_done_at,
            follow_up_note: e.follow_up_note,
            version: e.version,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// Everything about a person's safety the record holds.
#[derive(Serialize, ToSchema)]
pub struct PersonSafetyOut {
    pub person_id: Uuid,
    /// Newest first, each with its documented responses.
    pub screens: Vec<RiskScreenOut>,
    pub safety_plan: Option<SafetyPlanOut>,
    pub checklist: Option<SafetyChecklistOut>,
    /// Whether the 4.03 checklist applies (the person is flagged).
    pub checklist_applies: bool,
    pub crisis_events: Vec<CrisisEventOut>,
    /// Why an individual screen is required (child, vulnerable-adult, history-of-danger,
    /// program-policy); absent when the program-wide screen is enough.
    pub individual_screen_reason: Option<String>,
}

/// A person's risk screens, safety plan, 4.03 checklist and crisis events.
#[utoipa::path(get, path = "/people/{id}/safety", tag = "safety", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = PersonSafetyOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_person_safety(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<PersonSafetyOut>> {
    let tz = time_zone(&state, &actor).await?;
    let opened = records::open(&state, &actor, id, Action::ViewPerson).await?;
    let safety = intake::person_safety(&state, &actor, &opened, &tz).await?;
    let checklist_applies = safety.checklist_applies();
    Ok(Json(PersonSafetyOut {
        person_id: id,
        screens: safety.screens.into_iter().map(|(s, responses)| RiskScreenOut::new(s, responses)).collect(),
        safety_plan: safety.plan.map(Into::into),
        checklist: safety.checklist.map(Into::into),
        checklist_applies,
        crisis_events: safety.crisis_events.into_iter().map(Into::into).collect(),
        individual_screen_reason: safety.individual_reason.map(|r| r.code().to_string()),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct RiskScreenBody {
    #[serde(flatten)]
    pub screen: RiskScreenInput,
    /// The request for service the screen was taken for, if any (it must be about this person).
    #[serde(default)]
    pub request_id: Option<Uuid>,
}

/// Records a risk screen (C-SSRS screener plus other dangers). A moderate or high result stays
/// open until a response is recorded and the screen is closed.
#[utoipa::path(post, path = "/people/{id}/risk-screens", tag = "safety", request_body = RiskScreenBody,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 201, body = RiskScreenOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn create_risk_screen(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<RiskScreenBody>,
) -> AppResult<(StatusCode, Json<RiskScreenOut>)> {
    let screen = body.screen.parse().map_err(|e| refuse_or_invalid(&actor, Action::LogRequest, e.into()))?;
    if let Some(request_id) = body.request_id {
        // The link must point at a request about this person in this organisation.
        let request = db::intake::request(state.db.conn(), actor.org_id, request_id).await?;
        if request.is_none_or(|r| r.person_id != Some(id)) {
            return Err(AppError::Invalid(FieldErrors::single("request_id", "error-unknown-choice")));
        }
    }
    let saved = intake::record_screen(&state, &actor, id, body.request_id, &screen).await?;
    Ok((StatusCode::CREATED, Json(RiskScreenOut::new(saved, Vec::new()))))
}

/// Documents what was done about a screen's result.
#[utoipa::path(post, path = "/risk-screens/{id}/responses", tag = "safety", request_body = ResponseInput,
    params(("id" = Uuid, Path, description = "Risk screen id")),
    responses((status = 201, body = RiskResponseOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn add_risk_response(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ResponseInput>,
) -> AppResult<(StatusCode, Json<RiskResponseOut>)> {
    let tz = time_zone(&state, &actor).await?;
    let saved = intake::add_response(&state, &actor, &tz, id, &body).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct VersionBody {
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Closes a screen. A moderate or high screen needs at least one response first (422 on `responses`).
#[utoipa::path(post, path = "/risk-screens/{id}/close", tag = "safety", request_body = VersionBody,
    params(("id" = Uuid, Path, description = "Risk screen id")),
    responses((status = 204), (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn close_risk_screen(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<VersionBody>,
) -> AppResult<StatusCode> {
    let version = required_version(body.version)?;
    intake::close_screen(&state, &actor, id, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Saves the person's safety plan; `version` 0 creates it.
#[utoipa::path(put, path = "/people/{id}/safety-plan", tag = "safety", request_body = SafetyPlanInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = SafetyPlanOut), (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn save_safety_plan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<SafetyPlanInput>,
) -> AppResult<Json<SafetyPlanOut>> {
    let tz = time_zone(&state, &actor).await?;
    let today = local_date(&tz, state.clock.now());
    let (plan, version) = parsed_with_version(body.parse(today), body.version)
        .map_err(|e| refuse_or_invalid(&actor, Action::LogRequest, e))?;
    Ok(Json(intake::save_safety_plan(&state, &actor, id, version, &plan).await?.into()))
}

/// Saves the person's 4.03 trauma and safety checklist; `version` 0 creates it.
#[utoipa::path(put, path = "/people/{id}/safety-checklist", tag = "safety", request_body = SafetyChecklistInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 204), (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn save_safety_checklist(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<SafetyChecklistInput>,
) -> AppResult<StatusCode> {
    let (checklist, version) = parsed_with_version(body.parse(), body.version)?;
    intake::save_checklist(&state, &actor, id, version, &checklist).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends an enrolment with a reason (`ended_on` defaults to today).
#[utoipa::path(post, path = "/people/{id}/enrolments/{enrolment_id}/discharge", tag = "safety",
    request_body = DischargeInput,
    params(("id" = Uuid, Path, description = "Person id"), ("enrolment_id" = Uuid, Path, description = "Enrolment id")),
    responses((status = 204), (status = 403, body = Envelope), (status = 404, body = Envelope), (status = 422, body = Envelope)))]
async fn discharge(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, enrolment_id)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<DischargeInput>,
) -> AppResult<StatusCode> {
    let tz = time_zone(&state, &actor).await?;
    intake::discharge(&state, &actor, &tz, id, enrolment_id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------- crisis procedure and events ----------

/// One revision of the organisation's written crisis procedure (6.03).
#[derive(Serialize, ToSchema)]
pub struct CrisisProcedureOut {
    pub id: Uuid,
    pub revision: i32,
    pub intervention: String,
    pub intensive_services: String,
    pub emergency_responders: String,
    pub domestic_violence: String,
    pub anonymous_callers: String,
    pub mandatory_reporting: String,
    pub approved_by: String,
    pub approved_on: Date,
    pub created_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<crisis_procedure::Model> for CrisisProcedureOut {
    fn from(p: crisis_procedure::Model) -> Self {
        CrisisProcedureOut {
            id: p.id,
            revision: p.revision,
            intervention: p.intervention,
            intensive_services: p.intensive_services,
            emergency_responders: p.emergency_responders,
            domestic_violence: p.domestic_violence,
            anonymous_callers: p.anonymous_callers,
            mandatory_reporting: p.mandatory_reporting,
            approved_by: p.approved_by,
            approved_on: p.approved_on,
            created_by: p.created_by,
            created_at: p.created_at,
        }
    }
}

/// The current crisis procedure (404 until one is written). Any member of staff may read it.
#[utoipa::path(get, path = "/crisis-procedure", tag = "crisis",
    responses((status = 200, body = CrisisProcedureOut), (status = 404, body = Envelope)))]
async fn get_crisis_procedure(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<Json<CrisisProcedureOut>> {
    let current = db::intake::current_crisis_procedure(state.db.conn(), actor.org_id).await?;
    Ok(Json(current.ok_or(AppError::NotFound)?.into()))
}

/// Every revision of the crisis procedure, newest first.
#[utoipa::path(get, path = "/crisis-procedure/revisions", tag = "crisis",
    responses((status = 200, body = Vec<CrisisProcedureOut>)))]
async fn list_crisis_procedures(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<Json<Vec<CrisisProcedureOut>>> {
    let all = db::intake::crisis_procedures(state.db.conn(), actor.org_id).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// Writes a new revision (administrators and program directors). `based_on` is the current
/// revision (0 for the first); a newer one gets 409.
#[utoipa::path(post, path = "/crisis-procedure", tag = "crisis", request_body = CrisisProcedureInput,
    responses((status = 201, body = CrisisProcedureOut), (status = 403, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn create_crisis_procedure(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CrisisProcedureInput>,
) -> AppResult<(StatusCode, Json<CrisisProcedureOut>)> {
    let tz = time_zone(&state, &actor).await?;
    let today = local_date(&tz, state.clock.now());
    let parsed = match (body.parse(today), body.based_on) {
        (Ok(p), Some(based_on)) => Ok((p, based_on)),
        (Ok(_), None) => Err(AppError::Invalid(FieldErrors::single("based_on", "error-required"))),
        (Err(mut e), None) => {
            e.add("based_on", "error-required");
            Err(AppError::Invalid(e))
        }
        (Err(e), Some(_)) => Err(AppError::Invalid(e)),
    };
    let (procedure, based_on) = parsed.map_err(|e| refuse_or_invalid(&actor, Action::EditCrisisProcedure, e))?;
    let saved = intake::save_crisis_procedure(&state, &actor, based_on, &procedure).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

#[derive(Serialize, ToSchema)]
pub struct CrisisEventPage {
    pub items: Vec<CrisisEventOut>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct CrisisEventQuery {
    /// Only events with a follow-up due and not yet done (soonest due first).
    pub open_follow_up: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Crisis events the caller may see: anonymous ones, their own reports, and ones about people
/// in their reach; newest first.
#[utoipa::path(get, path = "/crisis-events", tag = "crisis", params(CrisisEventQuery),
    responses((status = 200, body = CrisisEventPage)))]
async fn list_crisis_events(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<CrisisEventQuery>,
) -> AppResult<Json<CrisisEventPage>> {
    let page = page_request(q.page, q.per_page);
    let found = intake::crisis_events(&state, &actor, q.open_follow_up.unwrap_or(false), page).await?;
    Ok(Json(CrisisEventPage {
        page: found.page,
        per_page: found.per_page,
        total: found.total,
        items: found.items.into_iter().map(Into::into).collect(),
    }))
}

/// Logs a crisis event about a person or an anonymous caller (any member of staff may).
#[utoipa::path(post, path = "/crisis-events", tag = "crisis", request_body = CrisisEventInput,
    responses((status = 201, body = CrisisEventOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn create_crisis_event(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CrisisEventInput>,
) -> AppResult<(StatusCode, Json<CrisisEventOut>)> {
    let tz = time_zone(&state, &actor).await?;
    let today = local_date(&tz, state.clock.now());
    let event = body.parse(today)?;
    let saved = intake::log_crisis_event(&state, &actor, &tz, &event).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

#[utoipa::path(get, path = "/crisis-events/{id}", tag = "crisis", params(("id" = Uuid, Path, description = "Crisis event id")),
    responses((status = 200, body = CrisisEventOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_crisis_event(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<CrisisEventOut>> {
    Ok(Json(intake::open_crisis_event(&state, &actor, id, false).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct FollowUpBody {
    #[serde(flatten)]
    pub follow_up: FollowUpInput,
    /// The version of the crisis event.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Records the follow-up of a crisis event as done, with a note.
#[utoipa::path(post, path = "/crisis-events/{id}/follow-up", tag = "crisis", request_body = FollowUpBody,
    params(("id" = Uuid, Path, description = "Crisis event id")),
    responses((status = 204), (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn complete_follow_up(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<FollowUpBody>,
) -> AppResult<StatusCode> {
    let version = required_version(body.version)?;
    intake::complete_follow_up(&state, &actor, id, version, &body.follow_up.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------- reports ----------

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct PeriodQuery {
    /// First day of requests received (YYYY-MM-DD); 365 days before `to` by default.
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD); today by default.
    pub to: Option<String>,
}

/// Time from first request to first service, by program and urgency, for requests received in
/// the period; with the requests past their target.
#[utoipa::path(get, path = "/reports/time-to-service", tag = "reports", params(PeriodQuery),
    responses((status = 200, body = TimeToService), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn time_to_service(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Json<TimeToService>> {
    let tz = time_zone(&state, &actor).await?;
    let today = local_date(&tz, state.clock.now());
    let mut e = FieldErrors::new();
    let from = e.optional_date("from", q.from.as_deref());
    let to = e.optional_date("to", q.to.as_deref());
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| to.saturating_sub(time::Duration::days(365)));
    if from > to {
        return Err(AppError::Invalid(FieldErrors::single("from", "error-period-order")));
    }
    Ok(Json(intake::time_to_service(&state, &actor, &tz, from, to).await?))
}

// ---------- program intake settings ----------

#[derive(Serialize, ToSchema)]
pub struct ProgramIntakeOut {
    pub program_id: Uuid,
    /// Who the program is for, in the organisation's words.
    pub population_statement: Option<String>,
    pub prsc_population: bool,
    /// Days from first request to first service, by urgency.
    pub target_emergency_days: i32,
    pub target_urgent_days: i32,
    pub target_routine_days: i32,
    pub capacity: Option<i32>,
    /// Days between check-ins with people waiting.
    pub checkin_days: i32,
    /// Days between recovery/wellness plan reviews (at most 90).
    pub plan_review_days: i32,
    /// Everyone enrolled gets an individual risk screen.
    pub screen_everyone: bool,
    /// 0 while the defaults apply (never saved).
    pub version: i32,
}

impl From<ProgramIntake> for ProgramIntakeOut {
    fn from(s: ProgramIntake) -> Self {
        ProgramIntakeOut {
            program_id: s.program_id,
            population_statement: s.population_statement,
            prsc_population: s.prsc_population,
            target_emergency_days: s.targets.emergency_days,
            target_urgent_days: s.targets.urgent_days,
            target_routine_days: s.targets.routine_days,
            capacity: s.capacity,
            checkin_days: s.checkin_days,
            plan_review_days: s.plan_review_days,
            screen_everyone: s.screen_everyone,
            version: s.version,
        }
    }
}

/// A program's intake settings (the defaults until saved). Any member of staff may read them.
#[utoipa::path(get, path = "/programs/{id}/intake-settings", tag = "programs",
    params(("id" = Uuid, Path, description = "Program id")),
    responses((status = 200, body = ProgramIntakeOut), (status = 404, body = Envelope)))]
async fn get_intake_settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<ProgramIntakeOut>> {
    db::org::program(&state.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(db::intake::settings(state.db.conn(), actor.org_id, id).await?.into()))
}

/// Saves a program's intake settings (administrators, and directors of the program); `version`
/// 0 replaces the defaults. Numbers are sent as text, as the settings form sends them.
#[utoipa::path(put, path = "/programs/{id}/intake-settings", tag = "programs", request_body = ProgramIntakeInput,
    params(("id" = Uuid, Path, description = "Program id")),
    responses((status = 204), (status = 403, body = Envelope), (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn save_intake_settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ProgramIntakeInput>,
) -> AppResult<StatusCode> {
    let (settings, version) = parsed_with_version(body.parse(), body.version)
        .map_err(|e| refuse_or_invalid(&actor, Action::ConfigureIntake, e))?;
    intake::save_program_settings(&state, &actor, id, version, &settings).await?;
    Ok(StatusCode::NO_CONTENT)
}
