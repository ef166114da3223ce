//! Referrals over JSON: a person's referrals, making one (consent checked, disclosure recorded),
//! status changes with the closed-loop outcome, the follow-up worklist, the measures, and
//! information-only contacts. The same service functions as the pages (`crate::referrals`).

use super::intake::required_version;
use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::db::entities::{info_contact, referral};
use crate::domain::coaching::UnmetNeed;
use crate::domain::codes::{UiLanguage, split_codes};
use crate::domain::consent::InfoCategory;
use crate::domain::referral::{CrisisFlag, InfoChannel, NeedMet, ReferralHelp, ReferralStatus, ReferralUrgency};
use crate::error::{AppError, AppResult};
use crate::referrals::info_contacts::{self, InfoContactInput};
use crate::referrals::{self, OutcomeInput, ReferralInput, Report, Resource, StatusInput, Whose};
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
        .routes(routes!(list, create))
        .routes(routes!(get_one))
        .routes(routes!(change_status))
        .routes(routes!(record_outcome))
        .routes(routes!(follow_ups))
        .routes(routes!(report))
        .routes(routes!(list_info_contacts, create_info_contact))
}

type Envelope = crate::web::errors::ErrorEnvelope;

fn code<T: crate::domain::codes::TextCode>(stored: &str) -> AppResult<T> {
    T::parse(stored).ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown stored code {stored:?}")))
}

// ---------- shapes ----------

/// A referral as stored.
#[derive(Serialize, ToSchema)]
pub struct ReferralOut {
    pub id: Uuid,
    pub person_id: Uuid,
    pub program_id: Option<Uuid>,
    pub need: UnmetNeed,
    pub need_detail: Option<String>,
    pub need_identified_on: Date,
    /// The directory (HSDS) service, location and organisation referred to.
    pub service_id: String,
    pub service_at_location_id: Option<String>,
    pub resource_organization_id: Option<String>,
    /// The resource's name when the referral was made.
    pub resource_name: String,
    pub urgency: ReferralUrgency,
    pub help: ReferralHelp,
    /// What was (or will be, for a draft) shared with the resource.
    pub shared: Vec<InfoCategory>,
    /// The consent the shared details went out under.
    pub consent_id: Option<Uuid>,
    pub status: ReferralStatus,
    pub referred_on: Option<Date>,
    pub follow_up_on: Option<Date>,
    pub connected: Option<bool>,
    pub connected_on: Option<Date>,
    pub need_met: Option<NeedMet>,
    pub outcome_note: Option<String>,
    pub closed_on: Option<Date>,
    pub note: Option<String>,
    /// Language of the person's printout.
    pub language: Option<UiLanguage>,
    pub made_by: Uuid,
    pub assigned_to: Uuid,
    /// When this call set who follows up: what their training leaves uncovered (the organisation
    /// warns; under its block policy the call is refused with 422 on `assigned_to` instead).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assignment_gaps: Vec<crate::domain::personnel::Need>,
    /// Send it with status and outcome changes.
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl ReferralOut {
    fn new(r: &referral::Model) -> AppResult<ReferralOut> {
        Ok(ReferralOut {
            id: r.id,
            person_id: r.person_id,
            program_id: r.program_id,
            need: code(&r.need)?,
            need_detail: r.need_detail.clone(),
            need_identified_on: r.need_identified_on,
            service_id: r.service_id.clone(),
            service_at_location_id: r.service_at_location_id.clone(),
            resource_organization_id: r.resource_organization_id.clone(),
            resource_name: r.resource_name.clone(),
            urgency: code(&r.urgency)?,
            help: code(&r.help)?,
            shared: split_codes(&r.shared_categories),
            consent_id: r.consent_id,
            status: code(&r.status)?,
            referred_on: r.referred_on,
            follow_up_on: r.follow_up_on,
            connected: r.connected,
            connected_on: r.connected_on,
            need_met: r.need_met.as_deref().map(code).transpose()?,
            outcome_note: r.outcome_note.clone(),
            closed_on: r.closed_on,
            note: r.note.clone(),
            language: r.language.as_deref().and_then(UiLanguage::parse),
            made_by: r.made_by,
            assigned_to: r.assigned_to,
            assignment_gaps: Vec::new(),
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// One change in a referral's history.
#[derive(Serialize, ToSchema)]
pub struct ReferralEventOut {
    pub status: ReferralStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub by_staff: Uuid,
    pub by_name: String,
    pub follow_up_on: Option<Date>,
    pub note: Option<String>,
}

/// A referral with its history, the resource as the directory has it now, and the disclosures made.
#[derive(Serialize, ToSchema)]
pub struct ReferralDetailOut {
    pub referral: ReferralOut,
    pub events: Vec<ReferralEventOut>,
    /// Absent when the service is no longer in the directory.
    pub resource: Option<Resource>,
    /// Ids of the disclosures recorded for this referral (see the person's accounting).
    pub disclosure_ids: Vec<Uuid>,
    /// The statuses it may move to next (the current one, while open, logs a follow-up).
    pub next_statuses: Vec<ReferralStatus>,
}

// ---------- referrals ----------

/// A person's referrals, newest first (the read is audited).
#[utoipa::path(get, path = "/people/{id}/referrals", tag = "referrals",
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Vec<ReferralOut>), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<ReferralOut>>> {
    let p = referrals::for_person(&state, &actor, id).await?;
    Ok(Json(p.referrals.iter().map(ReferralOut::new).collect::<AppResult<_>>()?))
}

/// Makes a referral. With `send: true` it is sent at once; if anything is `shared`, a consent of
/// the person must cover the resource's organisation, the kinds shared and the referral purpose,
/// else 422 with `field: "consent"` items naming why (`referral-error-no-consent`, or
/// `referral-error-consent-not-covering` followed by one `consent-gap-*` per consent). The
/// disclosure is recorded with the referral. `send: false` keeps a draft; nothing is shared.
#[utoipa::path(post, path = "/people/{id}/referrals", tag = "referrals", request_body = ReferralInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 201, body = ReferralOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ReferralInput>,
) -> AppResult<(StatusCode, Json<ReferralOut>)> {
    let (r, gaps) = referrals::create(&state, &actor, id, &body).await?;
    let mut out = ReferralOut::new(&r)?;
    out.assignment_gaps = gaps;
    Ok((StatusCode::CREATED, Json(out)))
}

/// One referral with its history and resource (the read is audited).
#[utoipa::path(get, path = "/people/{id}/referrals/{rid}", tag = "referrals",
    params(("id" = Uuid, Path, description = "Person id"), ("rid" = Uuid, Path, description = "Referral id")),
    responses((status = 200, body = ReferralDetailOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_one(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, rid)): Path<(Uuid, Uuid)>,
) -> AppResult<Json<ReferralDetailOut>> {
    let (_, view) = referrals::view(&state, &actor, id, rid).await?;
    let events = view
        .events
        .iter()
        .map(|e| {
            Ok(ReferralEventOut {
                status: code(&e.event.status)?,
                at: e.event.at,
                by_staff: e.event.by_staff,
                by_name: e.by_name.clone(),
                follow_up_on: e.event.follow_up_on,
                note: e.event.note.clone(),
            })
        })
        .collect::<AppResult<_>>()?;
    Ok(Json(ReferralDetailOut {
        referral: ReferralOut::new(&view.referral)?,
        events,
        disclosure_ids: view.disclosures.iter().map(|d| d.id).collect(),
        next_statuses: if view.can_edit { view.choices() } else { Vec::new() },
        resource: view.resource,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct StatusBody {
    #[serde(flatten)]
    pub change: StatusInput,
    /// The referral's version.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Moves a referral on: draft → sent (consent checked and disclosure recorded as on creation),
/// accepted, declined, in progress, completed (needs `connected: true` and `need_met`), cancelled,
/// unable to connect; the same status logs a follow-up (`note` and/or `follow_up_on`). 409 when
/// `version` is stale.
#[utoipa::path(post, path = "/people/{id}/referrals/{rid}/status", tag = "referrals", request_body = StatusBody,
    params(("id" = Uuid, Path, description = "Person id"), ("rid" = Uuid, Path, description = "Referral id")),
    responses((status = 200, body = ReferralOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn change_status(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, rid)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<StatusBody>,
) -> AppResult<Json<ReferralOut>> {
    let version = required_version(body.version)?;
    let (r, gaps) = referrals::change_status(&state, &actor, id, rid, version, &body.change).await?;
    let mut out = ReferralOut::new(&r)?;
    out.assignment_gaps = gaps;
    Ok(Json(out))
}

#[derive(Deserialize, ToSchema)]
pub struct OutcomeBody {
    #[serde(flatten)]
    pub outcome: OutcomeInput,
    /// The referral's version.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Records or corrects the outcome of a sent referral: whether the person connected (and when),
/// and whether the need was met. 409 when `version` is stale.
#[utoipa::path(put, path = "/people/{id}/referrals/{rid}/outcome", tag = "referrals", request_body = OutcomeBody,
    params(("id" = Uuid, Path, description = "Person id"), ("rid" = Uuid, Path, description = "Referral id")),
    responses((status = 200, body = ReferralOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn record_outcome(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, rid)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<OutcomeBody>,
) -> AppResult<Json<ReferralOut>> {
    let version = required_version(body.version)?;
    let r = referrals::record_outcome(&state, &actor, id, rid, version, &body.outcome).await?;
    Ok(Json(ReferralOut::new(&r)?))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct FollowUpQuery {
    /// `mine` (default: assigned to the caller), `team` (others' in a supervisor's or director's
    /// scope) or `open` (every open referral in scope, whatever its date).
    pub whose: Option<String>,
}

/// Open referrals whose follow-up date has come, most overdue first (the list is audited).
#[utoipa::path(get, path = "/referrals/follow-ups", tag = "referrals", params(FollowUpQuery),
    responses((status = 200, body = Vec<referrals::FollowUp>), (status = 400, body = Envelope)))]
async fn follow_ups(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<FollowUpQuery>,
) -> AppResult<Json<Vec<referrals::FollowUp>>> {
    let whose = match q.whose.as_deref().map(str::trim) {
        None | Some("") | Some("mine") => Whose::Mine,
        Some("team") => Whose::Team,
        Some("open") => Whose::OpenInScope,
        Some(_) => return Err(AppError::BadRequest("error-unknown-choice")),
    };
    Ok(Json(referrals::follow_ups(&state, &actor, whose).await?))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct PeriodParams {
    /// First day (YYYY-MM-DD); a year before `to` when absent.
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD); today when absent.
    pub to: Option<String>,
}

/// Time from need identified to referral (median, share within 2 and 7 days), share connected
/// and need met, overall, by need and by program, for referrals made in the period, with the
/// information-only contact counts. Directors, supervisors and the quality lead.
#[utoipa::path(get, path = "/referrals/report", tag = "referrals", params(PeriodParams),
    responses((status = 200, body = Report), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<PeriodParams>,
) -> AppResult<Json<Report>> {
    let org = crate::db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)?;
    let today = referrals::today_in(&state, &org);
    let period = crate::web::intake::PeriodQuery { from: q.from, to: q.to };
    let (from, to) = crate::web::intake::parse_period(&period, today)?;
    Ok(Json(referrals::report(&state, &actor, from, to).await?))
}

// ---------- information-only contacts ----------

/// An anonymous caller or walk-in: never a name, phone number or address.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct InfoContactBody {
    /// The day (YYYY-MM-DD, organisation's zone); today when absent.
    pub on: Option<String>,
    /// The time (HH:MM); now when absent.
    pub at_time: Option<String>,
    pub channel: String,
    /// Unmet-need codes (at least one).
    pub needs: Vec<String>,
    pub need_detail: Option<String>,
    /// Directory (HSDS) service ids given.
    pub service_ids: Vec<String>,
    pub other_resources: Option<String>,
    pub crisis_flags: Vec<String>,
    /// Required when any crisis flag is set.
    pub crisis_action: Option<String>,
    pub language: Option<String>,
    /// Town or postcode only.
    pub area: Option<String>,
    pub minutes: Option<i64>,
    pub note: Option<String>,
    pub program_id: Option<Uuid>,
    /// Free text that looks like a phone number or e-mail address is refused (422
    /// `info-contact-warning-identifiers`) unless this says it does not identify the caller.
    pub identifiers_checked: bool,
}

impl From<InfoContactBody> for InfoContactInput {
    fn from(b: InfoContactBody) -> InfoContactInput {
        InfoContactInput {
            on: b.on,
            at_time: b.at_time,
            channel: b.channel,
            needs: b.needs,
            need_detail: b.need_detail,
            service_ids: b.service_ids,
            other_resources: b.other_resources,
            crisis_flags: b.crisis_flags,
            crisis_action: b.crisis_action,
            language: b.language,
            area: b.area,
            minutes: b.minutes.map(|m| m.to_string()),
            note: b.note,
            program_id: b.program_id.map(|p| p.to_string()),
            identifiers_checked: b.identifiers_checked,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct InfoContactOut {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub staff_id: Uuid,
    pub program_id: Option<Uuid>,
    pub channel: InfoChannel,
    pub needs: Vec<UnmetNeed>,
    pub need_detail: Option<String>,
    pub service_ids: Vec<String>,
    pub other_resources: Option<String>,
    pub crisis_flags: Vec<CrisisFlag>,
    pub crisis_action: Option<String>,
    pub language: Option<String>,
    pub area: Option<String>,
    pub minutes: Option<i32>,
    pub note: Option<String>,
}

impl InfoContactOut {
    fn new(c: &info_contact::Model) -> AppResult<InfoContactOut> {
        Ok(InfoContactOut {
            id: c.id,
            at: c.at,
            staff_id: c.staff_id,
            program_id: c.program_id,
            channel: code(&c.channel)?,
            needs: split_codes(&c.needs),
            need_detail: c.need_detail.clone(),
            service_ids: info_contacts::split_ids(&c.service_ids),
            other_resources: c.other_resources.clone(),
            crisis_flags: split_codes(&c.crisis_flags),
            crisis_action: c.crisis_action.clone(),
            language: c.language.clone(),
            area: c.area.clone(),
            minutes: c.minutes,
            note: c.note.clone(),
        })
    }
}

/// Logs an information-only contact; no person record is made (audited without a person).
#[utoipa::path(post, path = "/info-contacts", tag = "referrals", request_body = InfoContactBody,
    responses((status = 201, body = InfoContactOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn create_info_contact(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<InfoContactBody>,
) -> AppResult<(StatusCode, Json<InfoContactOut>)> {
    let saved = info_contacts::create(&state, &actor, &body.into()).await?;
    Ok((StatusCode::CREATED, Json(InfoContactOut::new(&saved)?)))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct DayParams {
    /// The day (YYYY-MM-DD, organisation's zone); today when absent.
    pub day: Option<String>,
}

/// The caller's own information-only contacts on a day, oldest first.
#[utoipa::path(get, path = "/info-contacts", tag = "referrals", params(DayParams),
    responses((status = 200, body = Vec<InfoContactOut>), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn list_info_contacts(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<DayParams>,
) -> AppResult<Json<Vec<InfoContactOut>>> {
    let org = crate::db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)?;
    let mut e = crate::domain::FieldErrors::new();
    let day = e.optional_date("day", q.day.as_deref()).unwrap_or_else(|| referrals::today_in(&state, &org));
    e.finish(())?;
    let items = info_contacts::day_list(&state, &actor, &org.time_zone, day).await?;
    Ok(Json(items.iter().map(|i| InfoContactOut::new(&i.contact)).collect::<AppResult<_>>()?))
}
