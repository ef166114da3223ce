//! Consents and disclosures over JSON: a person's consents (record, read, revoke, record the end
//! event), whether a consent covers a disclosure, the accounting of disclosures and recording a
//! disclosure made outside a referral. Every call goes through `crate::consents`, like the pages;
//! a disclosure no consent covers is refused with 422 naming the gap.

use super::intake::required_version;
use super::{ApiActor, ApiJson};
use crate::app::{AppState, format_local};
use crate::consents::{
    self, CheckInput, ConsentInput, ConsentStatus, DisclosureInput, EndEventInput, RevokeInput, status_of,
};
use crate::db::entities::{consent, disclosure};
use crate::domain::codes::{TextCode, UiLanguage, split_codes};
use crate::domain::consent::{
    ConsentGap, ConsentLaw, ConsentPurpose, ConsentSigner, DisclosureChannel, InfoCategory, SignatureMethod,
};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_consents, create_consent))
        .routes(routes!(get_consent))
        .routes(routes!(revoke_consent))
        .routes(routes!(record_end_event))
        .routes(routes!(check_coverage))
        .routes(routes!(list_disclosures, create_disclosure))
}

type Envelope = crate::web::errors::ErrorEnvelope;

/// A closed-list code as stored; the database's CHECK constraints make anything else a fault.
fn code<T: TextCode>(stored: &str) -> AppResult<T> {
    T::parse(stored).ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown stored code {stored:?}")))
}

/// English descriptions for API answers (the pages use the reader's language).
fn english() -> Tr {
    Tr::new(UiLanguage::En)
}

// ---------- shapes ----------

/// A consent to share the person's information, with where it stands today.
#[derive(Serialize, ToSchema)]
pub struct ConsentOut {
    pub id: Uuid,
    pub person_id: Uuid,
    pub law: ConsentLaw,
    /// Who discloses: the organisation or one of its programs.
    pub discloser: String,
    /// The recipient's directory organisation (HSDS `organization.id`), if it was chosen there.
    pub recipient_organization_id: Option<String>,
    pub recipient_name: String,
    pub recipient_detail: Option<String>,
    pub categories: Vec<InfoCategory>,
    /// What information and how much, as written on the form.
    pub information_detail: String,
    pub purposes: Vec<ConsentPurpose>,
    pub purpose_detail: Option<String>,
    pub expires_on: Option<Date>,
    pub expiry_event: Option<String>,
    /// The day the end event was recorded as having happened.
    pub expiry_event_on: Option<Date>,
    pub signed_on: Date,
    pub signer: ConsentSigner,
    pub signer_name: String,
    pub signer_authority: Option<String>,
    pub signature_method: SignatureMethod,
    pub revocation_explained: bool,
    pub revoked_on: Option<Date>,
    pub revocation_note: Option<String>,
    /// Today, in the organisation's time zone.
    pub status: ConsentStatus,
    /// In force: its end date, if any; otherwise the day it starts, ended or was revoked.
    pub status_on: Option<Date>,
    /// Ended because its end event happened.
    pub ended_by_event: bool,
    /// The status in words (English).
    pub status_text: String,
    /// The redisclosure notice that goes with information shared under it (English).
    pub redisclosure_notice: String,
    /// Send it with a revocation or end event.
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl ConsentOut {
    fn new(c: &consent::Model, today: Date) -> AppResult<ConsentOut> {
        let status = status_of(c, today);
        let tr = english();
        let law: ConsentLaw = code(&c.law)?;
        Ok(ConsentOut {
            id: c.id,
            person_id: c.person_id,
            law,
            discloser: c.discloser.clone(),
            recipient_organization_id: c.recipient_organization_id.clone(),
            recipient_name: c.recipient_name.clone(),
            recipient_detail: c.recipient_detail.clone(),
            categories: split_codes(&c.categories),
            information_detail: c.information_detail.clone(),
            purposes: split_codes(&c.purposes),
            purpose_detail: c.purpose_detail.clone(),
            expires_on: c.expires_on,
            expiry_event: c.expiry_event.clone(),
            expiry_event_on: c.expiry_event_on,
            signed_on: c.signed_on,
            signer: code(&c.signer)?,
            signer_name: c.signer_name.clone(),
            signer_authority: c.signer_authority.clone(),
            signature_method: code(&c.signature_method)?,
            revocation_explained: c.revocation_explained,
            revoked_on: c.revoked_on,
            revocation_note: c.revocation_note.clone(),
            status_text: crate::web::consents::status_text(&tr, &status, c),
            status: status.code,
            status_on: status.on,
            ended_by_event: status.by_event,
            redisclosure_notice: tr.t(consents::notice_message_id(law)),
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        })
    }
}

/// One disclosure of the person's information, as the accounting lists it.
#[derive(Serialize, ToSchema)]
pub struct DisclosureOut {
    pub id: Uuid,
    pub person_id: Uuid,
    /// The consent it was made under.
    pub consent_id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub disclosed_at: OffsetDateTime,
    /// The same instant in the organisation's time zone ("2026-11-18 14:05").
    pub disclosed_at_local: String,
    pub recipient_organization_id: Option<String>,
    pub recipient_name: String,
    pub categories: Vec<InfoCategory>,
    pub purpose: ConsentPurpose,
    pub channel: DisclosureChannel,
    /// The referral that made it, if any.
    pub referral_id: Option<Uuid>,
    /// The redisclosure notice went with the information.
    pub notice_included: bool,
    pub description: Option<String>,
    pub disclosed_by: Uuid,
    pub disclosed_by_name: String,
}

impl DisclosureOut {
    fn new(d: &disclosure::Model, zone: &str, by: &str) -> AppResult<DisclosureOut> {
        Ok(DisclosureOut {
            id: d.id,
            person_id: d.person_id,
            consent_id: d.consent_id,
            disclosed_at: d.disclosed_at,
            disclosed_at_local: format_local(zone, d.disclosed_at),
            recipient_organization_id: d.recipient_organization_id.clone(),
            recipient_name: d.recipient_name.clone(),
            categories: split_codes(&d.categories),
            purpose: code(&d.purpose)?,
            channel: code(&d.channel)?,
            referral_id: d.referral_id,
            notice_included: d.notice_included,
            description: d.description.clone(),
            disclosed_by: d.disclosed_by,
            disclosed_by_name: by.to_string(),
        })
    }
}

/// A consent and the disclosures made under it, newest first.
#[derive(Serialize, ToSchema)]
pub struct ConsentDetailOut {
    pub consent: ConsentOut,
    pub disclosures: Vec<DisclosureOut>,
}

// ---------- consents ----------

/// The person's consents, most recently signed first, each with its status today.
#[utoipa::path(get, path = "/people/{id}/consents", tag = "consents",
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Vec<ConsentOut>), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn list_consents(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<ConsentOut>>> {
    let found = consents::list(&state, &actor, id).await?;
    Ok(Json(found.consents.iter().map(|c| ConsentOut::new(c, found.today)).collect::<AppResult<_>>()?))
}

/// Records a signed consent. Every element is required and each missing one is named: the
/// recipient (`recipient_organization_id` from the directory, or `recipient_name`), `categories`
/// and `information_detail`, `purposes` (`purpose_detail` with `other`), an end (`expires_on`,
/// not before `signed_on`, or `expiry_event`), `signed_on` (not in the future), `signer` (with
/// `signer_name` and `signer_authority` for a guardian or representative), `signature_method`
/// and `revocation_explained: true`. `law` and `discloser` default from the organisation.
#[utoipa::path(post, path = "/people/{id}/consents", tag = "consents", request_body = ConsentInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 201, body = ConsentOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn create_consent(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ConsentInput>,
) -> AppResult<(StatusCode, Json<ConsentOut>)> {
    let saved = consents::create(&state, &actor, id, &body).await?;
    Ok((StatusCode::CREATED, Json(out_today(&state, &actor, &saved).await?)))
}

fn detail_out(view: &consents::ConsentView) -> AppResult<ConsentDetailOut> {
    let names: &HashMap<Uuid, String> = &view.staff_names;
    Ok(ConsentDetailOut {
        consent: ConsentOut::new(&view.consent, view.today)?,
        disclosures: view
            .disclosures
            .iter()
            .map(|d| DisclosureOut::new(d, &view.org.time_zone, names.get(&d.disclosed_by).map_or("", String::as_str)))
            .collect::<AppResult<_>>()?,
    })
}

/// A consent with the disclosures made under it.
#[utoipa::path(get, path = "/consents/{id}", tag = "consents",
    params(("id" = Uuid, Path, description = "Consent id")),
    responses((status = 200, body = ConsentDetailOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_consent(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<ConsentDetailOut>> {
    let view = consents::get(&state, &actor, None, id).await?;
    Ok(Json(detail_out(&view)?))
}

#[derive(Deserialize, ToSchema)]
pub struct RevokeBody {
    #[serde(flatten)]
    pub revocation: RevokeInput,
    /// The consent's `version` (409 if it changed since).
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Revokes a consent from `revoked_on` (today when left out; not before it was signed, not in the
/// future). Later disclosures are refused; earlier ones stay in the accounting.
#[utoipa::path(post, path = "/consents/{id}/revocation", tag = "consents", request_body = RevokeBody,
    params(("id" = Uuid, Path, description = "Consent id")),
    responses((status = 200, body = ConsentOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn revoke_consent(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<RevokeBody>,
) -> AppResult<Json<ConsentOut>> {
    let version = required_version(body.version)?;
    let saved = consents::revoke(&state, &actor, id, version, &body.revocation).await?;
    Ok(Json(out_today(&state, &actor, &saved).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct EndEventBody {
    #[serde(flatten)]
    pub event: EndEventInput,
    /// The consent's `version` (409 if it changed since).
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Records that the consent's end event happened on `happened_on` (today when left out): it is
/// no longer in force from that day.
#[utoipa::path(post, path = "/consents/{id}/end-event", tag = "consents", request_body = EndEventBody,
    params(("id" = Uuid, Path, description = "Consent id")),
    responses((status = 200, body = ConsentOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn record_end_event(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<EndEventBody>,
) -> AppResult<Json<ConsentOut>> {
    let version = required_version(body.version)?;
    let saved = consents::record_end_event(&state, &actor, id, version, &body.event).await?;
    Ok(Json(out_today(&state, &actor, &saved).await?))
}

async fn out_today(state: &AppState, actor: &crate::access::Actor, c: &consent::Model) -> AppResult<ConsentOut> {
    let org = crate::db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)?;
    ConsentOut::new(c, consents::today(state, &org))
}

// ---------- coverage ----------

/// Why one consent does not cover the disclosure.
#[derive(Serialize, ToSchema)]
pub struct GapOut {
    pub consent_id: Uuid,
    /// `not-yet-signed`, `revoked`, `expired`, `other-recipient`, `purpose` or `categories`.
    pub gap: String,
    pub detail: String,
}

/// Whether a consent covers the disclosure, and which; otherwise why none does.
#[derive(Serialize, ToSchema)]
pub struct CoverageOut {
    pub covered: bool,
    pub consent: Option<ConsentOut>,
    /// Every consent of the person that falls short, with its gap (empty when one covers it).
    pub gaps: Vec<GapOut>,
    /// What a disclosure would be refused with, as in `POST /people/{id}/disclosures`.
    pub refusal: Vec<String>,
}

/// Asks whether one of the person's consents covers a disclosure to this recipient of these kinds
/// of information for this purpose on `on` (today when left out). Nothing is disclosed.
#[utoipa::path(post, path = "/people/{id}/consents/check", tag = "consents", request_body = CheckInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = CoverageOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn check_coverage(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<CheckInput>,
) -> AppResult<Json<CoverageOut>> {
    let coverage = consents::check(&state, &actor, id, &body).await?;
    let org = crate::db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)?;
    let today = consents::today(&state, &org);
    let tr = english();
    let gap_out = |(c, g): &(consent::Model, ConsentGap)| GapOut {
        consent_id: c.id,
        gap: g.code().to_string(),
        detail: tr.t(consents::gap_message_id(*g)),
    };
    let refusal = match &coverage.consent {
        Some(_) => Vec::new(),
        None => consents::gap_errors("consent_id", &coverage.gaps).0.iter().map(|e| tr.t(e.message_id)).collect(),
    };
    Ok(Json(CoverageOut {
        covered: coverage.consent.is_some(),
        consent: coverage.consent.as_ref().map(|c| ConsentOut::new(c, today)).transpose()?,
        gaps: coverage.gaps.iter().map(gap_out).collect(),
        refusal,
    }))
}

// ---------- the accounting of disclosures ----------

/// Every disclosure of the person's information in the accounting period (three years).
#[derive(Serialize, ToSchema)]
pub struct AccountingOut {
    pub person_id: Uuid,
    /// The first day covered.
    pub since: Date,
    /// Today.
    pub until: Date,
    /// Newest first.
    pub disclosures: Vec<DisclosureOut>,
}

/// The accounting of disclosures: every disclosure of the person's information in the last three
/// years (when, to whom, what, why, under which consent, how, by whom).
#[utoipa::path(get, path = "/people/{id}/disclosures", tag = "consents",
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = AccountingOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn list_disclosures(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<AccountingOut>> {
    let a = consents::accounting(&state, &actor, id, consents::AccountingFor::Screen).await?;
    Ok(Json(AccountingOut {
        person_id: id,
        since: a.since,
        until: a.today,
        disclosures: a
            .rows
            .iter()
            .map(|r| DisclosureOut::new(&r.disclosure, &a.org.time_zone, &r.by))
            .collect::<AppResult<_>>()?,
    }))
}

/// Records a disclosure made outside a referral (a phone call, an e-mail, a printout or export
/// handed over). A consent must cover it — the one named by `consent_id`, or else any of the
/// person's — or it is refused with 422 naming the gap on `consent_id` (`consent-gap-revoked`,
/// `consent-gap-expired`, `consent-gap-other-recipient`, `consent-gap-purpose`,
/// `consent-gap-categories`, `consent-gap-not-yet-signed`, `disclosure-error-no-consent`).
#[utoipa::path(post, path = "/people/{id}/disclosures", tag = "consents", request_body = DisclosureInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 201, body = DisclosureOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn create_disclosure(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<DisclosureInput>,
) -> AppResult<(StatusCode, Json<DisclosureOut>)> {
    let saved = consents::disclose(&state, &actor, id, &body).await?;
    let org = crate::db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)?;
    let by = crate::db::staff::get(state.db.conn(), actor.org_id, actor.staff_id)
        .await?
        .map(|s| s.display_name)
        .unwrap_or_default();
    Ok((StatusCode::CREATED, Json(DisclosureOut::new(&saved, &org.time_zone, &by)?)))
}
