//! Consents to share a person's information outside the organisation, and the accounting of
//! disclosures. Anything that sends a person's details out (a referral with shared details, a
//! printout for a third party, an export) asks `covering` first and calls `record_disclosure` in
//! the same transaction as the write that discloses.
//!
//! A consent holds the elements 42 CFR Part 2 §2.31 asks for (who discloses, to whom, what and how
//! much, why, an end date or event, who signed and when, that the right to revoke was explained),
//! which also meets HIPAA authorisations and Canadian express consent. Its terms never change after
//! signing: a change is a new consent. Only revocation and the end event are recorded later.

use crate::access::{self, Action, Actor};
use crate::app::{AppState, local_date};
use crate::audit::Outcome;
use crate::db::WriteTxn;
use crate::db::entities::{
    coaching_contact, consent, disclosure, group_attendance, group_session, organisation, person, program, staff,
    support_group,
};
use crate::directory::{hsds_tables, rows};
use crate::domain::FieldErrors;
use crate::domain::coaching::{PlanContent, RecoveryStage};
use crate::domain::codes::{Country, TextCode, UiLanguage, join_codes, split_codes};
use crate::domain::consent::{
    ACCOUNTING_YEARS, ConsentGap, ConsentLaw, ConsentPurpose, ConsentSigner, ConsentTerms, DisclosureChannel,
    DisclosureRequest, InfoCategory, SignatureMethod, covers, in_force,
};
use crate::domain::groups::AttendanceStatus;
use crate::error::{AppError, AppResult};
use crate::records;
use crate::web::actor_entry;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// Longest free text kept on a consent or disclosure.
const TEXT_MAX: usize = 2000;
/// Longest name (recipient, signer, discloser).
const NAME_MAX: usize = 200;
/// How far back the attendance in a third-party packet goes.
const PACKET_ATTENDANCE_DAYS: i64 = 90;

/// What a stored consent says, for the coverage rule.
pub struct StoredTerms {
    categories: Vec<InfoCategory>,
    purposes: Vec<ConsentPurpose>,
}

impl StoredTerms {
    pub fn of(row: &consent::Model) -> StoredTerms {
        StoredTerms { categories: split_codes(&row.categories), purposes: split_codes(&row.purposes) }
    }

    pub fn terms<'a>(&'a self, row: &'a consent::Model) -> ConsentTerms<'a> {
        ConsentTerms {
            recipient_organization_id: row.recipient_organization_id.as_deref(),
            recipient_name: &row.recipient_name,
            categories: &self.categories,
            purposes: &self.purposes,
            signed_on: row.signed_on,
            expires_on: row.expires_on,
            expiry_event_on: row.expiry_event_on,
            revoked_on: row.revoked_on,
        }
    }
}

/// The person's consent that covers the disclosure (the most recently signed when several do), or,
/// when none does, why each of their consents falls short (empty: they have none).
pub async fn covering(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
    request: &DisclosureRequest<'_>,
) -> Result<Result<consent::Model, Vec<(consent::Model, ConsentGap)>>, DbErr> {
    let rows = person_consents(conn, org_id, person_id).await?;
    let mut gaps = Vec::new();
    for row in rows {
        let stored = StoredTerms::of(&row);
        match covers(&stored.terms(&row), request) {
            Ok(()) => return Ok(Ok(row)),
            Err(gap) => gaps.push((row, gap)),
        }
    }
    Ok(Err(gaps))
}

/// A person's consents, most recently signed first.
async fn person_consents(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<consent::Model>, DbErr> {
    consent::Entity::find()
        .filter(consent::Column::OrgId.eq(org_id))
        .filter(consent::Column::PersonId.eq(person_id))
        .order_by_desc(consent::Column::SignedOn)
        .order_by_desc(consent::Column::CreatedAt)
        .all(conn)
        .await
}

/// A disclosure about to be made under `consent_id`.
pub struct NewDisclosure<'a> {
    pub person_id: Uuid,
    pub consent_id: Uuid,
    pub recipient_organization_id: Option<&'a str>,
    pub recipient_name: &'a str,
    pub categories: &'a [InfoCategory],
    pub purpose: ConsentPurpose,
    pub channel: DisclosureChannel,
    pub referral_id: Option<Uuid>,
    /// Whether the redisclosure notice travels with the information.
    pub notice_included: bool,
    pub description: Option<&'a str>,
}

/// Adds the disclosure to the person's accounting, with an audit event, inside the caller's write.
pub async fn record_disclosure(
    txn: &WriteTxn,
    actor: &Actor,
    d: &NewDisclosure<'_>,
    now: OffsetDateTime,
) -> Result<Uuid, DbErr> {
    record_disclosure_at(txn, actor, d, now, now).await
}

/// The same, for a disclosure that happened at `disclosed_at` and is recorded at `now` (a phone
/// call written down afterwards).
pub async fn record_disclosure_at(
    txn: &WriteTxn,
    actor: &Actor,
    d: &NewDisclosure<'_>,
    disclosed_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Uuid, DbErr> {
    let id = Uuid::new_v4();
    disclosure::ActiveModel {
        id: Set(id),
        org_id: Set(actor.org_id),
        person_id: Set(d.person_id),
        consent_id: Set(d.consent_id),
        disclosed_at: Set(disclosed_at),
        recipient_organization_id: Set(d.recipient_organization_id.map(str::to_string)),
        recipient_name: Set(d.recipient_name.to_string()),
        categories: Set(join_codes(d.categories)),
        purpose: Set(d.purpose.code().to_string()),
        channel: Set(d.channel.code().to_string()),
        referral_id: Set(d.referral_id),
        notice_included: Set(d.notice_included),
        description: Set(d.description.map(str::to_string)),
        disclosed_by: Set(actor.staff_id),
        created_at: Set(now),
    }
    .insert(&**txn)
    .await?;
    let entry =
        crate::web::actor_entry(actor, "disclosure.record").record("person", d.person_id).detail(serde_json::json!({
            "disclosure_id": id,
            "consent_id": d.consent_id,
            "channel": d.channel.code(),
            "categories": join_codes(d.categories),
        }));
    crate::db::audit::append(txn, entry, now).await?;
    Ok(id)
}

// ---------- messages other modules show ----------

/// The redisclosure notice that goes with information shared under a consent of this law.
pub fn notice_message_id(law: ConsentLaw) -> &'static str {
    match law {
        ConsentLaw::UsPart2 => "disclosure-notice-us-part2",
        ConsentLaw::UsHipaa => "disclosure-notice-us-hipaa",
        ConsentLaw::Canada => "disclosure-notice-canada",
    }
}

/// `ConsentGap::message_id` as a static id, for field errors.
pub fn gap_message_id(gap: ConsentGap) -> &'static str {
    match gap {
        ConsentGap::NotYetSigned => "consent-gap-not-yet-signed",
        ConsentGap::Revoked => "consent-gap-revoked",
        ConsentGap::Expired => "consent-gap-expired",
        ConsentGap::OtherRecipient => "consent-gap-other-recipient",
        ConsentGap::Purpose => "consent-gap-purpose",
        ConsentGap::Categories => "consent-gap-categories",
    }
}

/// Why no consent covers a disclosure, as field errors on `field`: the gaps of the consents naming
/// this recipient when there are any (the closest misses), else "another recipient"; a person
/// without any consent gets `disclosure-error-no-consent`.
pub fn gap_errors(field: &str, gaps: &[(consent::Model, ConsentGap)]) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if gaps.is_empty() {
        errors.add(field, "disclosure-error-no-consent");
        return errors;
    }
    let near: Vec<ConsentGap> =
        gaps.iter().map(|(_, g)| *g).filter(|g| *g != ConsentGap::OtherRecipient).collect::<Vec<_>>();
    let shown = if near.is_empty() { vec![ConsentGap::OtherRecipient] } else { near };
    let mut seen = Vec::new();
    for gap in shown {
        if !seen.contains(&gap) {
            seen.push(gap);
            errors.add(field, gap_message_id(gap));
        }
    }
    errors
}

/// The law a new consent is written under, from the organisation's country: these are
/// substance-use recovery records, so Part 2 in the US.
pub fn default_law(country: &str) -> ConsentLaw {
    match Country::parse(country) {
        Some(Country::Ca) => ConsentLaw::Canada,
        _ => ConsentLaw::UsPart2,
    }
}

/// The language a person's printouts are written in, from their preferred language as recorded
/// (free text: "Spanish", "es", "Español", "fr-CA"…); None when it is not one the application speaks.
pub fn print_language(preferred: Option<&str>) -> Option<UiLanguage> {
    let text = crate::domain::search::normalize(preferred?);
    let first = text.split([' ', '-', '_', ',', '/', ';']).find(|w| !w.is_empty()).unwrap_or("");
    match first {
        "es" | "spa" | "spanish" | "espanol" | "castellano" | "espagnol" => Some(UiLanguage::Es),
        "fr" | "fra" | "fre" | "french" | "francais" | "frances" => Some(UiLanguage::Fr),
        "en" | "eng" | "english" | "ingles" | "anglais" => Some(UiLanguage::En),
        _ => None,
    }
}

// ---------- status ----------

/// Where a consent stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ConsentStatus {
    InForce,
    NotYetSigned,
    Expired,
    Revoked,
}

impl ConsentStatus {
    pub fn code(self) -> &'static str {
        match self {
            ConsentStatus::InForce => "in-force",
            ConsentStatus::NotYetSigned => "not-yet-signed",
            ConsentStatus::Expired => "expired",
            ConsentStatus::Revoked => "revoked",
        }
    }

    /// `consent-status-<code>` in the locale files.
    pub fn message_id(self) -> String {
        format!("consent-status-{}", self.code())
    }
}

/// A consent's status with the day it changed (or will): in force until, expired or revoked on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub code: ConsentStatus,
    /// In force: its end date, if any. Otherwise the day it starts or stopped.
    pub on: Option<Date>,
    /// Expired because the end event happened (not the end date).
    pub by_event: bool,
}

impl Status {
    pub fn in_force(&self) -> bool {
        self.code == ConsentStatus::InForce
    }
}

pub fn status_of(row: &consent::Model, today: Date) -> Status {
    let stored = StoredTerms::of(row);
    match in_force(&stored.terms(row), today) {
        Ok(()) => Status { code: ConsentStatus::InForce, on: row.expires_on, by_event: false },
        Err(ConsentGap::NotYetSigned) => {
            Status { code: ConsentStatus::NotYetSigned, on: Some(row.signed_on), by_event: false }
        }
        Err(ConsentGap::Revoked) => Status { code: ConsentStatus::Revoked, on: row.revoked_on, by_event: false },
        Err(_) => {
            let by_event = row.expiry_event_on.is_some_and(|e| e <= today);
            let on = if by_event { row.expiry_event_on } else { row.expires_on };
            Status { code: ConsentStatus::Expired, on, by_event }
        }
    }
}

// ---------- recording a consent ----------

/// A consent as the form and the API send it; codes and dates as text so each mistake comes back
/// as its own field error.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ConsentInput {
    /// `us-part2`, `us-hipaa` or `canada`; by default from the organisation's country (US: Part 2).
    pub law: Option<String>,
    /// Who discloses: the organisation (the default) or one of its programs, by name.
    pub discloser: Option<String>,
    /// The recipient as a directory organisation (HSDS `organization.id`)…
    pub recipient_organization_id: Option<String>,
    /// …or named on the form (required when no directory organisation is given).
    pub recipient_name: Option<String>,
    /// Address, person or office at the recipient.
    pub recipient_detail: Option<String>,
    /// What may be shared: at least one of `identity`, `contact-details`, `reason-for-referral`,
    /// `recovery-plan`, `substance-use`, `mental-health`, `attendance`, `other`.
    pub categories: Vec<String>,
    /// What information and how much, in words (required).
    pub information_detail: Option<String>,
    /// Why: at least one of `referral`, `care-coordination`, `benefits`, `legal`,
    /// `family-involvement`, `other`.
    pub purposes: Vec<String>,
    /// Required with `other`.
    pub purpose_detail: Option<String>,
    /// The last day the consent is in force (YYYY-MM-DD), not before the signing date.
    pub expires_on: Option<String>,
    /// An event that ends it ("when my probation ends"); an end date or an event is required.
    pub expiry_event: Option<String>,
    /// The day it was signed (YYYY-MM-DD), not in the future.
    pub signed_on: Option<String>,
    /// `person`, `guardian` or `personal-representative`.
    pub signer: Option<String>,
    /// Who signed; for the person, their name by default. Required for a guardian or representative.
    pub signer_name: Option<String>,
    /// What gives a guardian or representative authority to sign (required for them).
    pub signer_authority: Option<String>,
    /// `paper` or `electronic`.
    pub signature_method: Option<String>,
    /// The person was told they may revoke the consent, and how (must be true).
    pub revocation_explained: bool,
}

/// A checked consent, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidConsent {
    pub law: ConsentLaw,
    pub discloser: String,
    pub recipient_organization_id: Option<String>,
    pub recipient_name: String,
    pub recipient_detail: Option<String>,
    pub categories: Vec<InfoCategory>,
    pub information_detail: String,
    pub purposes: Vec<ConsentPurpose>,
    pub purpose_detail: Option<String>,
    pub expires_on: Option<Date>,
    pub expiry_event: Option<String>,
    pub signed_on: Date,
    pub signer: ConsentSigner,
    pub signer_name: String,
    pub signer_authority: Option<String>,
    pub signature_method: SignatureMethod,
}

/// Codes chosen in a checkbox group: unknown ones are an error, repeats are dropped.
fn code_list<T: TextCode + PartialEq>(e: &mut FieldErrors, field: &str, raw: &[String]) -> Vec<T> {
    let mut out = Vec::new();
    for value in raw.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        match T::parse(value) {
            Some(code) if !out.contains(&code) => out.push(code),
            Some(_) => {}
            None => {
                if e.for_field(field).is_none() {
                    e.add(field, "error-unknown-choice");
                }
            }
        }
    }
    out
}

/// The name the directory gives an organisation id, when the form named one.
pub enum DirectoryName<'a> {
    NotAsked,
    Found(&'a str),
    Unknown,
}

impl ConsentInput {
    /// Checks every element; each missing one gets its own message. `directory` is what the
    /// directory says about `recipient_organization_id`; `person_name` signs for the person.
    pub fn validate(
        &self,
        today: Date,
        directory: DirectoryName<'_>,
        person_name: &str,
    ) -> Result<ValidConsent, FieldErrors> {
        let mut e = FieldErrors::new();
        let law = e.required_code("law", self.law.as_deref().unwrap_or(""), ConsentLaw::parse);
        let discloser = e.required("discloser", self.discloser.as_deref().unwrap_or(""), NAME_MAX);

        let typed_name = e.optional("recipient_name", self.recipient_name.as_deref(), NAME_MAX);
        let (recipient_organization_id, recipient_name) = match directory {
            DirectoryName::Found(name) => (self.recipient_organization_id.clone(), Some(name.to_string())),
            DirectoryName::Unknown => {
                e.add("recipient_organization_id", "consent-error-recipient-unknown");
                (None, None)
            }
            DirectoryName::NotAsked => {
                if typed_name.is_none() && e.for_field("recipient_name").is_none() {
                    e.add("recipient_name", "consent-error-recipient-required");
                }
                (None, typed_name)
            }
        };
        let recipient_detail = e.optional("recipient_detail", self.recipient_detail.as_deref(), TEXT_MAX);

        let categories: Vec<InfoCategory> = code_list(&mut e, "categories", &self.categories);
        if categories.is_empty() && e.for_field("categories").is_none() {
            e.add("categories", "consent-error-categories-required");
        }
        let information_detail = self.information_detail.as_deref().unwrap_or("").trim().to_string();
        if information_detail.is_empty() {
            e.add("information_detail", "consent-error-information-required");
        } else {
            e.optional("information_detail", Some(&information_detail), TEXT_MAX);
        }

        let purposes: Vec<ConsentPurpose> = code_list(&mut e, "purposes", &self.purposes);
        if purposes.is_empty() && e.for_field("purposes").is_none() {
            e.add("purposes", "consent-error-purposes-required");
        }
        let purpose_detail = e.optional("purpose_detail", self.purpose_detail.as_deref(), TEXT_MAX);
        if purposes.contains(&ConsentPurpose::Other) && purpose_detail.is_none() {
            e.add("purpose_detail", "consent-error-purpose-detail-required");
        }

        let signed_on = e.optional_date("signed_on", self.signed_on.as_deref());
        let signed_on_typed = self.signed_on.as_deref().is_some_and(|s| !s.trim().is_empty());
        match signed_on {
            None if !signed_on_typed => e.add("signed_on", "consent-error-signed-on-required"),
            Some(d) if d > today => e.add("signed_on", "consent-error-signed-on-future"),
            _ => {}
        }

        let expires_on = e.optional_date("expires_on", self.expires_on.as_deref());
        let expires_typed = self.expires_on.as_deref().is_some_and(|s| !s.trim().is_empty());
        let expiry_event = e.optional("expiry_event", self.expiry_event.as_deref(), TEXT_MAX);
        if !expires_typed && expiry_event.is_none() {
            let id = if law == Some(ConsentLaw::UsPart2) {
                "consent-error-end-required-part2"
            } else {
                "consent-error-end-required"
            };
            e.add("expires_on", id);
        }
        if let (Some(end), Some(signed)) = (expires_on, signed_on)
            && end < signed
        {
            e.add("expires_on", "consent-error-end-before-signed");
        }

        let signer = match self.signer.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("signer", "consent-error-signer-required");
                None
            }
            Some(code) => e.optional_code("signer", Some(code), ConsentSigner::parse),
        };
        let typed_signer = e.optional("signer_name", self.signer_name.as_deref(), NAME_MAX);
        let signer_authority = e.optional("signer_authority", self.signer_authority.as_deref(), NAME_MAX);
        let signer_name = match signer {
            Some(ConsentSigner::Person) => typed_signer.unwrap_or_else(|| person_name.to_string()),
            Some(_) => {
                if typed_signer.is_none() && e.for_field("signer_name").is_none() {
                    e.add("signer_name", "consent-error-signer-name-required");
                }
                if signer_authority.is_none() && e.for_field("signer_authority").is_none() {
                    e.add("signer_authority", "consent-error-signer-authority-required");
                }
                typed_signer.unwrap_or_default()
            }
            None => typed_signer.unwrap_or_default(),
        };
        let signature_method = match self.signature_method.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("signature_method", "consent-error-signature-method-required");
                None
            }
            Some(code) => e.optional_code("signature_method", Some(code), SignatureMethod::parse),
        };
        if !self.revocation_explained {
            e.add("revocation_explained", "consent-error-revocation-required");
        }

        match (law, recipient_name, signed_on, signer, signature_method) {
            (Some(law), Some(recipient_name), Some(signed_on), Some(signer), Some(signature_method))
                if e.is_empty() =>
            {
                Ok(ValidConsent {
                    law,
                    discloser,
                    recipient_organization_id,
                    recipient_name,
                    recipient_detail,
                    categories,
                    information_detail,
                    purposes,
                    purpose_detail,
                    expires_on,
                    expiry_event,
                    signed_on,
                    signer,
                    signer_name,
                    // Only someone signing for the person has an authority to name.
                    signer_authority: signer_authority.filter(|_| signer != ConsentSigner::Person),
                    signature_method,
                })
            }
            _ => Err(e),
        }
    }
}

/// The organisation of the actor (its name, country and time zone decide defaults and dates).
async fn org_of(state: &AppState, actor: &Actor) -> AppResult<organisation::Model> {
    crate::db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)
}

pub fn today(state: &AppState, org: &organisation::Model) -> Date {
    local_date(&org.time_zone, state.clock.now())
}

fn person_name(p: &person::Model) -> String {
    format!("{} {}", p.legal_given_name, p.legal_family_name)
}

/// What the new-consent form offers: the organisation and its programs as disclosers, the
/// default law, the directory organisation asked for.
pub struct FormContext {
    pub opened: records::Opened,
    pub org: organisation::Model,
    pub programs: Vec<program::Model>,
    pub default_law: ConsentLaw,
    pub today: Date,
}

/// Opens the person for a new consent (refused, and recorded, for those who may not write).
pub async fn form_context(state: &AppState, actor: &Actor, person_id: Uuid) -> AppResult<FormContext> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let org = org_of(state, actor).await?;
    let programs =
        crate::db::org::programs(state.db.conn(), actor.org_id).await?.into_iter().filter(|p| p.active).collect();
    Ok(FormContext { default_law: default_law(&org.country), today: today(state, &org), opened, org, programs })
}

/// Fills what the organisation decides when the form leaves it out: the law and who discloses.
pub fn with_defaults(input: &ConsentInput, org: &organisation::Model) -> ConsentInput {
    let mut filled = input.clone();
    if filled.law.as_deref().is_none_or(|l| l.trim().is_empty()) {
        filled.law = Some(default_law(&org.country).code().to_string());
    }
    if filled.discloser.as_deref().is_none_or(|d| d.trim().is_empty()) {
        filled.discloser = Some(org.name.clone());
    }
    filled
}

/// Records a signed consent.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    input: &ConsentInput,
) -> AppResult<consent::Model> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let org = org_of(state, actor).await?;
    let input = with_defaults(input, &org);
    let asked = input.recipient_organization_id.as_deref().map(str::trim).filter(|id| !id.is_empty());
    let found = match asked {
        Some(id) => directory_organization(state.db.conn(), actor.org_id, id).await?,
        None => None,
    };
    let directory = match (asked, &found) {
        (None, _) => DirectoryName::NotAsked,
        (Some(_), Some(org)) => DirectoryName::Found(&org.name),
        (Some(_), None) => DirectoryName::Unknown,
    };
    let mut input = input.clone();
    input.recipient_organization_id = asked.map(str::to_string);
    let valid = input.validate(today(state, &org), directory, &person_name(&opened.person))?;
    let now = state.clock.now();
    let row = consent::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        person_id,
        law: valid.law.code().into(),
        discloser: valid.discloser.clone(),
        recipient_organization_id: valid.recipient_organization_id.clone(),
        recipient_name: valid.recipient_name.clone(),
        recipient_detail: valid.recipient_detail.clone(),
        categories: join_codes(&valid.categories),
        information_detail: valid.information_detail.clone(),
        purposes: join_codes(&valid.purposes),
        purpose_detail: valid.purpose_detail.clone(),
        expires_on: valid.expires_on,
        expiry_event: valid.expiry_event.clone(),
        expiry_event_on: None,
        signed_on: valid.signed_on,
        signer: valid.signer.code().into(),
        signer_name: valid.signer_name.clone(),
        signer_authority: valid.signer_authority.clone(),
        signature_method: valid.signature_method.code().into(),
        revocation_explained: true,
        revoked_on: None,
        revoked_by: None,
        revocation_note: None,
        recorded_by: actor.staff_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let txn = state.db.begin_write().await?;
    let saved = consent::ActiveModel::from(row).insert(&*txn).await?;
    let entry = actor_entry(actor, "consent.create").record("person", person_id).detail(json!({
        "consent_id": saved.id,
        "law": saved.law,
        "categories": saved.categories,
        "purposes": saved.purposes,
        "recipient_organization_id": saved.recipient_organization_id,
    }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(saved)
}

// ---------- reading consents ----------

pub struct PersonConsents {
    pub opened: records::Opened,
    pub consents: Vec<consent::Model>,
    pub can_edit: bool,
    pub today: Date,
    pub org: organisation::Model,
}

/// A person's consents, newest first (audited as a read of their consents).
pub async fn list(state: &AppState, actor: &Actor, person_id: Uuid) -> AppResult<PersonConsents> {
    let opened = records::open(state, actor, person_id, Action::ViewPerson).await?;
    let org = org_of(state, actor).await?;
    let consents = person_consents(state.db.conn(), actor.org_id, person_id).await?;
    let entry =
        actor_entry(actor, "consent.list").record("person", person_id).detail(json!({ "count": consents.len() }));
    crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(PersonConsents {
        can_edit: access::allows(actor, Action::EditPerson, opened.reach),
        today: today(state, &org),
        opened,
        consents,
        org,
    })
}

/// One consent with the disclosures made under it.
pub struct ConsentView {
    pub opened: records::Opened,
    pub consent: consent::Model,
    pub disclosures: Vec<disclosure::Model>,
    pub staff_names: HashMap<Uuid, String>,
    pub can_edit: bool,
    pub today: Date,
    pub org: organisation::Model,
}

async fn load_consent(conn: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> AppResult<consent::Model> {
    consent::Entity::find_by_id(id).filter(consent::Column::OrgId.eq(org_id)).one(conn).await?.ok_or(AppError::NotFound)
}

/// A consent (audited as a read). `person_id`, when the address names one, must be its person.
pub async fn get(state: &AppState, actor: &Actor, person_id: Option<Uuid>, id: Uuid) -> AppResult<ConsentView> {
    let consent = load_consent(state.db.conn(), actor.org_id, id).await?;
    if person_id.is_some_and(|p| p != consent.person_id) {
        return Err(AppError::NotFound);
    }
    let opened = records::open(state, actor, consent.person_id, Action::ViewPerson).await?;
    let org = org_of(state, actor).await?;
    let disclosures = disclosure::Entity::find()
        .filter(disclosure::Column::OrgId.eq(actor.org_id))
        .filter(disclosure::Column::ConsentId.eq(id))
        .order_by_desc(disclosure::Column::DisclosedAt)
        .all(state.db.conn())
        .await?;
    let mut ids: Vec<Uuid> = disclosures.iter().map(|d| d.disclosed_by).collect();
    ids.extend([consent.recorded_by].into_iter().chain(consent.revoked_by));
    let staff_names = staff_names(state.db.conn(), actor.org_id, ids).await?;
    let entry =
        actor_entry(actor, "consent.view").record("person", consent.person_id).detail(json!({ "consent_id": id }));
    crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(ConsentView {
        can_edit: access::allows(actor, Action::EditPerson, opened.reach),
        today: today(state, &org),
        opened,
        consent,
        disclosures,
        staff_names,
        org,
    })
}

async fn staff_names(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    mut ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>, DbErr> {
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff::Entity::find()
        .filter(staff::Column::OrgId.eq(org_id))
        .filter(staff::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect())
}

/// Records that a consent form was printed (for the person to sign or keep): not a disclosure.
pub async fn record_print(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    consent_id: Option<Uuid>,
    language: UiLanguage,
) -> AppResult<()> {
    let entry = actor_entry(actor, "consent.print")
        .record("person", person_id)
        .detail(json!({ "consent_id": consent_id, "language": language.code() }));
    Ok(crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?)
}

// ---------- revocation and the end event ----------

#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct RevokeInput {
    /// The day the person revoked it (YYYY-MM-DD; today when left out): not before it was signed,
    /// not in the future.
    pub revoked_on: Option<String>,
    /// How the revocation was given (in writing, by phone…) and anything else to keep.
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct EndEventInput {
    /// The day the consent's end event happened (YYYY-MM-DD; today when left out).
    pub happened_on: Option<String>,
}

/// A day on or after signing and not in the future; today when left empty.
fn later_date(
    e: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
    signed_on: Date,
    today: Date,
    before_signed: &'static str,
    future: &'static str,
) -> Option<Date> {
    let typed = raw.is_some_and(|r| !r.trim().is_empty());
    let date = if typed { e.optional_date(field, raw)? } else { today };
    if date < signed_on {
        e.add(field, before_signed);
    } else if date > today {
        e.add(field, future);
    }
    Some(date)
}

/// Loads a consent for a change made from `version`, refusing a stale one.
async fn for_change(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
) -> AppResult<(consent::Model, records::Opened)> {
    let consent = load_consent(state.db.conn(), actor.org_id, id).await?;
    let opened = records::open(state, actor, consent.person_id, Action::EditPerson).await?;
    if consent.version != version {
        return Err(AppError::Conflict);
    }
    Ok((consent, opened))
}

/// Writes the later facts of a consent, only if nobody changed it since `version`.
async fn save_change(txn: &WriteTxn, row: &consent::Model, version: i32) -> AppResult<consent::Model> {
    let result = consent::Entity::update_many()
        .col_expr(consent::Column::RevokedOn, Expr::value(row.revoked_on))
        .col_expr(consent::Column::RevokedBy, Expr::value(row.revoked_by))
        .col_expr(consent::Column::RevocationNote, Expr::value(row.revocation_note.clone()))
        .col_expr(consent::Column::ExpiryEventOn, Expr::value(row.expiry_event_on))
        .col_expr(consent::Column::Version, Expr::value(version + 1))
        .col_expr(consent::Column::UpdatedAt, Expr::value(row.updated_at))
        .filter(consent::Column::OrgId.eq(row.org_id))
        .filter(consent::Column::Id.eq(row.id))
        .filter(consent::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    load_consent(&**txn, row.org_id, row.id).await
}

/// Revokes a consent from a day on: disclosures after it are refused, earlier ones stay in the
/// accounting.
pub async fn revoke(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    input: &RevokeInput,
) -> AppResult<consent::Model> {
    let (consent, _) = for_change(state, actor, id, version).await?;
    let org = org_of(state, actor).await?;
    let today = today(state, &org);
    let mut e = FieldErrors::new();
    if consent.revoked_on.is_some() {
        e.add("revoked_on", "consent-error-already-revoked");
        return Err(AppError::Invalid(e));
    }
    let revoked_on = later_date(
        &mut e,
        "revoked_on",
        input.revoked_on.as_deref(),
        consent.signed_on,
        today,
        "consent-error-revoked-before-signed",
        "consent-error-revoked-future",
    );
    let note = e.optional("note", input.note.as_deref(), TEXT_MAX);
    let Some(revoked_on) = revoked_on.filter(|_| e.is_empty()) else { return Err(AppError::Invalid(e)) };
    let now = state.clock.now();
    let mut changed = consent.clone();
    changed.revoked_on = Some(revoked_on);
    changed.revoked_by = Some(actor.staff_id);
    changed.revocation_note = note;
    changed.updated_at = now;
    let txn = state.db.begin_write().await?;
    let saved = save_change(&txn, &changed, version).await?;
    let entry = actor_entry(actor, "consent.revoke")
        .record("person", consent.person_id)
        .detail(json!({ "consent_id": id, "revoked_on": revoked_on.to_string() }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Records that the event the consent ends with happened: it is no longer in force from that day.
pub async fn record_end_event(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    input: &EndEventInput,
) -> AppResult<consent::Model> {
    let (consent, _) = for_change(state, actor, id, version).await?;
    let org = org_of(state, actor).await?;
    let today = today(state, &org);
    let mut e = FieldErrors::new();
    if consent.expiry_event.is_none() {
        e.add("happened_on", "consent-error-no-end-event");
    } else if consent.expiry_event_on.is_some() {
        e.add("happened_on", "consent-error-end-event-recorded");
    } else if consent.revoked_on.is_some() {
        e.add("happened_on", "consent-error-already-revoked");
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let happened_on = later_date(
        &mut e,
        "happened_on",
        input.happened_on.as_deref(),
        consent.signed_on,
        today,
        "consent-error-event-before-signed",
        "consent-error-event-future",
    );
    let Some(happened_on) = happened_on.filter(|_| e.is_empty()) else { return Err(AppError::Invalid(e)) };
    let now = state.clock.now();
    let mut changed = consent.clone();
    changed.expiry_event_on = Some(happened_on);
    changed.updated_at = now;
    let txn = state.db.begin_write().await?;
    let saved = save_change(&txn, &changed, version).await?;
    let entry = actor_entry(actor, "consent.end-event")
        .record("person", consent.person_id)
        .detail(json!({ "consent_id": id, "happened_on": happened_on.to_string() }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(saved)
}

// ---------- does a consent cover this? ----------

/// A disclosure someone is thinking of making, as the API sends it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct CheckInput {
    /// The recipient as a directory organisation (HSDS `organization.id`)…
    pub recipient_organization_id: Option<String>,
    /// …or by name (compared without case, accents or punctuation).
    pub recipient_name: Option<String>,
    /// The kinds of information to share (at least one).
    pub categories: Vec<String>,
    /// Why (one `ConsentPurpose` code).
    pub purpose: Option<String>,
    /// The day of the disclosure (YYYY-MM-DD; today when left out).
    pub on: Option<String>,
}

/// The answer: the consent that covers it, or why each of the person's consents does not.
pub struct Coverage {
    pub consent: Option<consent::Model>,
    pub gaps: Vec<(consent::Model, ConsentGap)>,
}

struct CheckedRequest {
    recipient_organization_id: Option<String>,
    recipient_name: String,
    categories: Vec<InfoCategory>,
    purpose: ConsentPurpose,
}

/// The recipient, kinds and purpose of a disclosure; `fallback` supplies what a chosen consent says.
fn check_request(
    e: &mut FieldErrors,
    recipient_organization_id: Option<&str>,
    recipient_name: Option<&str>,
    categories: &[String],
    purpose: Option<&str>,
    fallback: Option<&consent::Model>,
) -> Option<CheckedRequest> {
    let org_id = recipient_organization_id.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let typed_name = e.optional("recipient_name", recipient_name, NAME_MAX);
    let (org_id, name) = match (org_id, typed_name, fallback) {
        (None, None, Some(c)) => (c.recipient_organization_id.clone(), Some(c.recipient_name.clone())),
        (Some(id), name, Some(c)) if c.recipient_organization_id.as_deref() == Some(id.as_str()) => {
            (Some(id), Some(name.unwrap_or_else(|| c.recipient_name.clone())))
        }
        (id, name, _) => (id, name),
    };
    let name = match (&org_id, name) {
        (_, Some(name)) => Some(name),
        // A directory id alone is compared by id; the name is filled from the directory later.
        (Some(_), None) => Some(String::new()),
        (None, None) => {
            if e.for_field("recipient_name").is_none() {
                e.add("recipient_name", "disclosure-error-recipient-required");
            }
            None
        }
    };
    let categories: Vec<InfoCategory> = code_list(e, "categories", categories);
    if categories.is_empty() && e.for_field("categories").is_none() {
        e.add("categories", "disclosure-error-categories-required");
    }
    let purpose = match purpose.map(str::trim).filter(|p| !p.is_empty()) {
        Some(code) => e.optional_code("purpose", Some(code), ConsentPurpose::parse),
        None => match fallback.map(|c| split_codes::<ConsentPurpose>(&c.purposes)) {
            Some(only) if only.len() == 1 => Some(only[0]),
            _ => {
                e.add("purpose", "disclosure-error-purpose-required");
                None
            }
        },
    };
    Some(CheckedRequest { recipient_organization_id: org_id, recipient_name: name?, categories, purpose: purpose? })
}

/// Whether one of the person's consents covers the disclosure (audited; a check discloses nothing).
pub async fn check(state: &AppState, actor: &Actor, person_id: Uuid, input: &CheckInput) -> AppResult<Coverage> {
    records::open(state, actor, person_id, Action::ViewPerson).await?;
    let org = org_of(state, actor).await?;
    let mut e = FieldErrors::new();
    let on = match input.on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => e.optional_date("on", Some(raw)),
        None => Some(today(state, &org)),
    };
    let request = check_request(
        &mut e,
        input.recipient_organization_id.as_deref(),
        input.recipient_name.as_deref(),
        &input.categories,
        input.purpose.as_deref(),
        None,
    );
    let (Some(mut request), Some(on)) = (request, on) else { return Err(AppError::Invalid(e)) };
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    // A directory id alone also matches consents that name the organisation as written.
    if let Some(id) = request.recipient_organization_id.as_deref()
        && request.recipient_name.is_empty()
        && let Some(found) = directory_organization(state.db.conn(), actor.org_id, id).await?
    {
        request.recipient_name = found.name;
    }
    let ask = DisclosureRequest {
        recipient_organization_id: request.recipient_organization_id.as_deref(),
        recipient_name: &request.recipient_name,
        categories: &request.categories,
        purpose: request.purpose,
        on,
    };
    let found = covering(state.db.conn(), actor.org_id, person_id, &ask).await?;
    let entry = actor_entry(actor, "consent.check").record("person", person_id).detail(json!({
        "covered": found.is_ok(),
        "consent_id": found.as_ref().ok().map(|c| c.id),
        "categories": join_codes(&request.categories),
        "purpose": request.purpose.code(),
    }));
    crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(match found {
        Ok(consent) => Coverage { consent: Some(consent), gaps: Vec::new() },
        Err(gaps) => Coverage { consent: None, gaps },
    })
}

// ---------- the accounting of disclosures ----------

/// One line of the accounting.
pub struct AccountingRow {
    pub disclosure: disclosure::Model,
    pub consent: Option<consent::Model>,
    pub by: String,
}

/// Who an accounting is for: the reader on screen, or the person's own copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountingFor {
    Screen,
    /// In the language asked for, else the person's own, else `fallback`.
    PersonCopy {
        asked: Option<UiLanguage>,
        fallback: UiLanguage,
    },
}

pub struct Accounting {
    pub opened: records::Opened,
    /// The language of the person's copy.
    pub language: Option<UiLanguage>,
    pub org: organisation::Model,
    /// The first day the accounting covers.
    pub since: Date,
    pub today: Date,
    pub rows: Vec<AccountingRow>,
    pub can_edit: bool,
}

/// The same day `years` earlier (29 February becomes the 28th).
fn years_before(day: Date, years: i32) -> Date {
    let year = day.year() - years;
    day.replace_year(year).or_else(|_| Date::from_calendar_date(year, day.month(), day.day() - 1)).unwrap_or(day)
}

/// Every disclosure of the person's information in the last three years, newest first. Giving the
/// person their own copy is audited, and is not itself a disclosure.
pub async fn accounting(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    audience: AccountingFor,
) -> AppResult<Accounting> {
    let opened = records::open(state, actor, person_id, Action::ViewPerson).await?;
    let copy = match audience {
        AccountingFor::Screen => None,
        AccountingFor::PersonCopy { asked, fallback } => {
            Some(asked.or_else(|| print_language(opened.person.preferred_language.as_deref())).unwrap_or(fallback))
        }
    };
    let org = org_of(state, actor).await?;
    let conn = state.db.conn();
    let today = today(state, &org);
    let since = years_before(today, ACCOUNTING_YEARS);
    // A day's margin either side of the zone; the exact cut is on the local date below.
    let from = state.clock.now() - time::Duration::days(i64::from(ACCOUNTING_YEARS) * 366 + 2);
    let disclosures: Vec<disclosure::Model> = disclosure::Entity::find()
        .filter(disclosure::Column::OrgId.eq(actor.org_id))
        .filter(disclosure::Column::PersonId.eq(person_id))
        .filter(disclosure::Column::DisclosedAt.gte(from))
        .order_by_desc(disclosure::Column::DisclosedAt)
        .all(conn)
        .await?
        .into_iter()
        .filter(|d| local_date(&org.time_zone, d.disclosed_at) >= since)
        .collect();
    let consents: HashMap<Uuid, consent::Model> =
        person_consents(conn, actor.org_id, person_id).await?.into_iter().map(|c| (c.id, c)).collect();
    let names = staff_names(conn, actor.org_id, disclosures.iter().map(|d| d.disclosed_by).collect()).await?;
    let rows = disclosures
        .into_iter()
        .map(|d| AccountingRow {
            consent: consents.get(&d.consent_id).cloned(),
            by: names.get(&d.disclosed_by).cloned().unwrap_or_default(),
            disclosure: d,
        })
        .collect::<Vec<_>>();
    let (action, detail) = match copy {
        Some(lang) => ("disclosure.accounting-print", json!({ "count": rows.len(), "language": lang.code() })),
        None => ("disclosure.accounting", json!({ "count": rows.len() })),
    };
    let entry = actor_entry(actor, action).record("person", person_id).detail(detail);
    crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(Accounting {
        can_edit: access::allows(actor, Action::EditPerson, opened.reach),
        language: copy,
        opened,
        org,
        since,
        today,
        rows,
    })
}

// ---------- recording a disclosure made outside the referral flow ----------

/// A disclosure already made (a phone call, an e-mail, a printout handed over…), as the form and
/// the API send it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct DisclosureInput {
    /// The consent it was made under; when left out, the person's consent that covers it is used.
    pub consent_id: Option<String>,
    /// The recipient as a directory organisation (HSDS `organization.id`)…
    pub recipient_organization_id: Option<String>,
    /// …or by name. Both default to the chosen consent's recipient.
    pub recipient_name: Option<String>,
    /// What was shared (at least one `InfoCategory` code).
    pub categories: Vec<String>,
    /// Why (a `ConsentPurpose` code; the chosen consent's when it names only one).
    pub purpose: Option<String>,
    /// How: `phone`, `email`, `printout`, `export` or `other` (referrals record their own).
    pub channel: Option<String>,
    /// When (YYYY-MM-DD, today when left out; not in the future).
    pub disclosed_on: Option<String>,
    /// HH:MM, local (now when both are left out).
    pub disclosed_time: Option<String>,
    /// What exactly was shared, with whom and how (required).
    pub description: Option<String>,
    /// The redisclosure notice went with the information.
    pub notice_included: bool,
}

/// The instant a disclosure happened: a local date and time; now when both are empty.
fn disclosed_at(
    e: &mut FieldErrors,
    tz: &str,
    now: OffsetDateTime,
    date: Option<&str>,
    time_of_day: Option<&str>,
) -> OffsetDateTime {
    let day = e.optional_date("disclosed_on", date);
    let at = e.optional_time("disclosed_time", time_of_day);
    if day.is_none() && at.is_none() {
        return now;
    }
    let day = day.unwrap_or_else(|| local_date(tz, now));
    let when = crate::intake::at_local(tz, day, at.unwrap_or(time::Time::MIDNIGHT)).unwrap_or(now);
    if when > now + time::Duration::minutes(5) {
        e.add("disclosed_on", "disclosure-error-future");
    }
    when
}

/// Parses a consent id typed or chosen on a form.
fn consent_id_of(e: &mut FieldErrors, raw: Option<&str>) -> Option<Uuid> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    let id = Uuid::parse_str(raw).ok();
    if id.is_none() {
        e.add("consent_id", "error-unknown-choice");
    }
    id
}

/// Checks again, inside the write that records a disclosure, that its consent still covers it: a
/// revocation committed since the first check must still stop the disclosure.
async fn still_covers(
    txn: &WriteTxn,
    consent: &consent::Model,
    ask: &DisclosureRequest<'_>,
) -> AppResult<Option<ConsentGap>> {
    let fresh = consent::Entity::find_by_id(consent.id).one(&**txn).await?.ok_or(AppError::NotFound)?;
    Ok(covers(&StoredTerms::of(&fresh).terms(&fresh), ask).err())
}

/// Audits a disclosure refused for want of a consent.
async fn record_refusal(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    errors: &FieldErrors,
    what: &'static str,
) -> AppResult<()> {
    let gaps: Vec<&str> = errors.0.iter().map(|e| e.message_id).collect();
    let entry = actor_entry(actor, what).outcome(Outcome::Denied).record("person", person_id).detail(json!({
        "gaps": gaps,
    }));
    Ok(crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?)
}

/// Records a disclosure made outside the referral flow; refused, naming the gap, unless a consent
/// covers it.
pub async fn disclose(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    input: &DisclosureInput,
) -> AppResult<disclosure::Model> {
    records::open(state, actor, person_id, Action::EditPerson).await?;
    let org = org_of(state, actor).await?;
    let conn = state.db.conn();
    let now = state.clock.now();
    let mut e = FieldErrors::new();
    let chosen_id = consent_id_of(&mut e, input.consent_id.as_deref());
    let chosen = match chosen_id {
        Some(id) => match load_consent(conn, actor.org_id, id).await {
            Ok(c) if c.person_id == person_id => Some(c),
            Ok(_) | Err(AppError::NotFound) => {
                e.add("consent_id", "error-unknown-choice");
                None
            }
            Err(other) => return Err(other),
        },
        None => None,
    };
    let request = check_request(
        &mut e,
        input.recipient_organization_id.as_deref(),
        input.recipient_name.as_deref(),
        &input.categories,
        input.purpose.as_deref(),
        chosen.as_ref(),
    );
    let channel = match input.channel.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => {
            e.add("channel", "disclosure-error-channel-required");
            None
        }
        Some(code) => match e.optional_code("channel", Some(code), DisclosureChannel::parse) {
            Some(DisclosureChannel::Referral) => {
                e.add("channel", "disclosure-error-channel-referral");
                None
            }
            other => other,
        },
    };
    let at = disclosed_at(&mut e, &org.time_zone, now, input.disclosed_on.as_deref(), input.disclosed_time.as_deref());
    let description = e.optional("description", input.description.as_deref(), TEXT_MAX);
    if description.is_none() && e.for_field("description").is_none() {
        e.add("description", "disclosure-error-description-required");
    }
    let (Some(mut request), Some(channel)) = (request, channel) else { return Err(AppError::Invalid(e)) };
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    // A directory recipient is named as the directory names it.
    if let Some(id) = request.recipient_organization_id.clone() {
        match directory_organization(conn, actor.org_id, &id).await? {
            Some(found) => request.recipient_name = found.name,
            None if request.recipient_name.is_empty() => {
                return Err(FieldErrors::single("recipient_organization_id", "consent-error-recipient-unknown").into());
            }
            None => {}
        }
    }
    let ask = DisclosureRequest {
        recipient_organization_id: request.recipient_organization_id.as_deref(),
        recipient_name: &request.recipient_name,
        categories: &request.categories,
        purpose: request.purpose,
        on: local_date(&org.time_zone, at),
    };
    let consent = match &chosen {
        Some(c) => match covers(&StoredTerms::of(c).terms(c), &ask) {
            Ok(()) => c.clone(),
            Err(gap) => {
                let errors = gap_errors("consent_id", &[(c.clone(), gap)]);
                record_refusal(state, actor, person_id, &errors, "disclosure.refused").await?;
                return Err(AppError::Invalid(errors));
            }
        },
        None => match covering(conn, actor.org_id, person_id, &ask).await? {
            Ok(c) => c,
            Err(gaps) => {
                let errors = gap_errors("consent_id", &gaps);
                record_refusal(state, actor, person_id, &errors, "disclosure.refused").await?;
                return Err(AppError::Invalid(errors));
            }
        },
    };
    let txn = state.db.begin_write().await?;
    if let Some(gap) = still_covers(&txn, &consent, &ask).await? {
        drop(txn);
        let errors = gap_errors("consent_id", &[(consent.clone(), gap)]);
        record_refusal(state, actor, person_id, &errors, "disclosure.refused").await?;
        return Err(AppError::Invalid(errors));
    }
    let new = NewDisclosure {
        person_id,
        consent_id: consent.id,
        recipient_organization_id: request.recipient_organization_id.as_deref(),
        recipient_name: &request.recipient_name,
        categories: &request.categories,
        purpose: request.purpose,
        channel,
        referral_id: None,
        notice_included: input.notice_included,
        description: description.as_deref(),
    };
    let id = record_disclosure_at(&txn, actor, &new, at, now).await?;
    let saved = disclosure::Entity::find_by_id(id).one(&*txn).await?.ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(saved)
}

// ---------- information prepared for a third party ----------

/// What to put in a packet for a consent's recipient.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PacketInput {
    pub consent_id: Option<String>,
    /// Limited to the consent's kinds of information.
    pub categories: Vec<String>,
    /// One of the consent's purposes (its only one by default).
    pub purpose: Option<String>,
    /// `printout` or `export`.
    pub channel: Option<String>,
    /// The packet's language (`en`, `es`, `fr`).
    pub language: Option<String>,
    /// Information written for this recipient (required for mental health and "other").
    pub note: Option<String>,
}

/// The current recovery plan, in brief.
pub struct PlanSummary {
    pub status: String,
    pub last_agreed_on: Option<Date>,
    pub review_due_on: Option<Date>,
    pub content: PlanContent,
}

/// One coaching contact or group session the person attended.
pub struct Attended {
    pub at: OffsetDateTime,
    /// A coaching contact's mode code, or the group's name.
    pub what: String,
    pub group: bool,
    pub minutes: Option<i32>,
}

/// A person's information for the categories the consent allows, and the disclosure it made.
pub struct Packet {
    pub disclosure_id: Uuid,
    pub person: person::Model,
    pub consent: consent::Model,
    pub law: ConsentLaw,
    pub categories: Vec<InfoCategory>,
    pub purpose: ConsentPurpose,
    pub channel: DisclosureChannel,
    pub language: UiLanguage,
    pub prepared_at: OffsetDateTime,
    pub prepared_by: String,
    pub org: organisation::Model,
    pub plan: Option<PlanSummary>,
    pub stage: Option<RecoveryStage>,
    pub lapses: Vec<Date>,
    pub attended: Vec<Attended>,
    pub attendance_since: Date,
    pub note: Option<String>,
}

impl Packet {
    pub fn has(&self, category: InfoCategory) -> bool {
        self.categories.contains(&category)
    }
}

/// The consents a packet can be prepared under: in force today.
pub async fn packet_consents(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
) -> AppResult<(records::Opened, Vec<consent::Model>, Date)> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let org = org_of(state, actor).await?;
    let today = today(state, &org);
    let consents = person_consents(state.db.conn(), actor.org_id, person_id)
        .await?
        .into_iter()
        .filter(|c| status_of(c, today).in_force())
        .collect();
    Ok((opened, consents, today))
}

/// Prepares the packet and records the disclosure in one write: generating it is disclosing.
pub async fn prepare_packet(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    input: &PacketInput,
    fallback_language: UiLanguage,
) -> AppResult<Packet> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let org = org_of(state, actor).await?;
    let conn = state.db.conn();
    let today = today(state, &org);
    let mut e = FieldErrors::new();
    let consent = match consent_id_of(&mut e, input.consent_id.as_deref()) {
        None => {
            if e.is_empty() {
                e.add("consent_id", "disclosure-error-consent-required");
            }
            None
        }
        Some(id) => match load_consent(conn, actor.org_id, id).await {
            Ok(c) if c.person_id == person_id => Some(c),
            Ok(_) | Err(AppError::NotFound) => {
                e.add("consent_id", "error-unknown-choice");
                None
            }
            Err(other) => return Err(other),
        },
    };
    let categories: Vec<InfoCategory> = code_list(&mut e, "categories", &input.categories);
    if categories.is_empty() && e.for_field("categories").is_none() {
        e.add("categories", "disclosure-error-categories-required");
    }
    let purpose = match input.purpose.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(code) => e.optional_code("purpose", Some(code), ConsentPurpose::parse),
        None => match consent.as_ref().map(|c| split_codes::<ConsentPurpose>(&c.purposes)) {
            Some(only) if only.len() == 1 => Some(only[0]),
            _ => {
                e.add("purpose", "disclosure-error-purpose-required");
                None
            }
        },
    };
    let channel = match input.channel.as_deref().map(str::trim).unwrap_or("printout") {
        "printout" | "" => Some(DisclosureChannel::Printout),
        "export" => Some(DisclosureChannel::Export),
        _ => {
            e.add("channel", "error-unknown-choice");
            None
        }
    };
    let language = match input.language.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        Some(code) => e.optional_code("language", Some(code), UiLanguage::parse),
        None => Some(fallback_language),
    };
    let note = e.optional("note", input.note.as_deref(), TEXT_MAX);
    let needs_note = categories.iter().any(|c| matches!(c, InfoCategory::MentalHealth | InfoCategory::Other));
    if needs_note && note.is_none() && e.for_field("note").is_none() {
        e.add("note", "disclosure-error-packet-note-required");
    }
    let (Some(consent), Some(purpose), Some(channel), Some(language)) = (consent, purpose, channel, language) else {
        return Err(AppError::Invalid(e));
    };
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let ask = DisclosureRequest {
        recipient_organization_id: consent.recipient_organization_id.as_deref(),
        recipient_name: &consent.recipient_name,
        categories: &categories,
        purpose,
        on: today,
    };
    if let Err(gap) = covers(&StoredTerms::of(&consent).terms(&consent), &ask) {
        let field = match gap {
            ConsentGap::Categories => "categories",
            ConsentGap::Purpose => "purpose",
            _ => "consent_id",
        };
        let errors = FieldErrors::single(field, gap_message_id(gap));
        record_refusal(state, actor, person_id, &errors, "disclosure.refused").await?;
        return Err(AppError::Invalid(errors));
    }

    let plan =
        if categories.contains(&InfoCategory::RecoveryPlan) || categories.contains(&InfoCategory::ReasonForReferral) {
            match crate::db::coaching::open_plan(conn, actor.org_id, person_id).await? {
                Some(p) => Some(PlanSummary {
                    content: crate::coaching::content_of(&p.content)?,
                    status: p.status,
                    last_agreed_on: p.last_agreed_on,
                    review_due_on: p.review_due_on,
                }),
                None => None,
            }
        } else {
            None
        };
    let (stage, lapses) = if categories.contains(&InfoCategory::SubstanceUse) {
        let stage = crate::db::coaching::status(conn, actor.org_id, person_id)
            .await?
            .and_then(|s| s.stage)
            .and_then(|s| RecoveryStage::parse(&s));
        let year_ago = years_before(today, 1);
        let lapses = crate::db::coaching::lapses(conn, actor.org_id, person_id)
            .await?
            .into_iter()
            .map(|l| l.lapse_on)
            .filter(|d| *d >= year_ago)
            .collect();
        (stage, lapses)
    } else {
        (None, Vec::new())
    };
    let attendance_since = today - time::Duration::days(PACKET_ATTENDANCE_DAYS);
    let attended = if categories.contains(&InfoCategory::Attendance) {
        attendance(conn, actor.org_id, person_id, state.clock.now() - time::Duration::days(PACKET_ATTENDANCE_DAYS))
            .await?
    } else {
        Vec::new()
    };

    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    if let Some(gap) = still_covers(&txn, &consent, &ask).await? {
        drop(txn);
        let errors = FieldErrors::single("consent_id", gap_message_id(gap));
        record_refusal(state, actor, person_id, &errors, "disclosure.refused").await?;
        return Err(AppError::Invalid(errors));
    }
    let new = NewDisclosure {
        person_id,
        consent_id: consent.id,
        recipient_organization_id: consent.recipient_organization_id.as_deref(),
        recipient_name: &consent.recipient_name,
        categories: &categories,
        purpose,
        channel,
        referral_id: None,
        notice_included: true,
        description: None,
    };
    let disclosure_id = record_disclosure(&txn, actor, &new, now).await?;
    txn.commit().await?;
    let prepared_by = staff_names(conn, actor.org_id, vec![actor.staff_id])
        .await?
        .remove(&actor.staff_id)
        .unwrap_or_else(|| actor.display_name.clone());
    Ok(Packet {
        disclosure_id,
        person: opened.person,
        law: ConsentLaw::parse(&consent.law).unwrap_or(ConsentLaw::UsPart2),
        consent,
        categories,
        purpose,
        channel,
        language,
        prepared_at: now,
        prepared_by,
        org,
        plan,
        stage,
        lapses,
        attended,
        attendance_since,
        note,
    })
}

/// Signed coaching contacts and group sessions attended since `from`, newest first. Only when
/// and how: never what was said.
async fn attendance(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
    from: OffsetDateTime,
) -> AppResult<Vec<Attended>> {
    let contacts = coaching_contact::Entity::find()
        .filter(coaching_contact::Column::OrgId.eq(org_id))
        .filter(coaching_contact::Column::PersonId.eq(person_id))
        .filter(coaching_contact::Column::OccurredAt.gte(from))
        .filter(coaching_contact::Column::Status.eq(crate::domain::coaching::NoteStatus::Signed.code()))
        // Group attendance is listed as the group below.
        .filter(coaching_contact::Column::GroupSessionId.is_null())
        .all(conn)
        .await?;
    let mut out: Vec<Attended> = contacts
        .into_iter()
        .map(|c| Attended { at: c.occurred_at, what: c.mode, group: false, minutes: Some(c.minutes) })
        .collect();
    let present = group_attendance::Entity::find()
        .filter(group_attendance::Column::OrgId.eq(org_id))
        .filter(group_attendance::Column::PersonId.eq(person_id))
        .filter(group_attendance::Column::Status.eq(AttendanceStatus::Present.code()))
        .all(conn)
        .await?;
    if !present.is_empty() {
        let sessions = group_session::Entity::find()
            .filter(group_session::Column::OrgId.eq(org_id))
            .filter(group_session::Column::Id.is_in(present.iter().map(|a| a.session_id).collect::<Vec<_>>()))
            .filter(group_session::Column::StartsAt.gte(from))
            .all(conn)
            .await?;
        let groups: HashMap<Uuid, String> = support_group::Entity::find()
            .filter(support_group::Column::OrgId.eq(org_id))
            .filter(support_group::Column::Id.is_in(sessions.iter().map(|s| s.group_id).collect::<Vec<_>>()))
            .all(conn)
            .await?
            .into_iter()
            .map(|g| (g.id, g.name))
            .collect();
        out.extend(sessions.into_iter().map(|s| Attended {
            at: s.starts_at,
            what: groups.get(&s.group_id).cloned().unwrap_or_default(),
            group: true,
            minutes: Some(((s.ends_at - s.starts_at).whole_minutes()) as i32),
        }));
    }
    out.sort_by_key(|a| std::cmp::Reverse(a.at));
    Ok(out)
}

// ---------- directory organisations as recipients ----------

/// An organisation of the resource directory, offered as a consent's recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryOrg {
    pub id: String,
    pub name: String,
    /// Other name, website or e-mail, to tell similar names apart.
    pub detail: Option<String>,
}

fn org_from_row(row: &rows::Row) -> Option<DirectoryOrg> {
    let text = |f: &str| row.get(f).and_then(|v| v.as_str()).map(str::to_string).filter(|s| !s.is_empty());
    let detail = [text("alternate_name"), text("website"), text("email")].into_iter().flatten().collect::<Vec<_>>();
    Some(DirectoryOrg {
        id: text("id")?,
        name: text("name")?,
        detail: if detail.is_empty() { None } else { Some(detail.join(" · ")) },
    })
}

/// One directory organisation by id.
pub async fn directory_organization(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    id: &str,
) -> Result<Option<DirectoryOrg>, DbErr> {
    let Some(table) = hsds_tables::table("organization") else { return Ok(None) };
    Ok(rows::load_one(conn, org_id, table, id).await?.as_ref().and_then(org_from_row))
}

/// Directory organisations whose name (or other name) holds every word typed, names starting
/// with the words first; accents and case do not matter.
pub async fn find_organizations(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    query: &str,
    limit: usize,
) -> Result<Vec<DirectoryOrg>, DbErr> {
    let wanted = crate::domain::search::normalize(query);
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = Query::select();
    select
        .columns([Alias::new("id"), Alias::new("name"), Alias::new("alternate_name"), Alias::new("website")])
        .column(Alias::new("email"))
        .from(Alias::new("hsds_organization"))
        .and_where(Expr::col(Alias::new("org_id")).eq(org_id));
    let statement = conn.get_database_backend().build(&select);
    let words: Vec<&str> = wanted.split(' ').collect();
    let mut found = Vec::new();
    for result in conn.query_all_raw(statement).await? {
        let mut row = rows::Row::new();
        for field in ["id", "name", "alternate_name", "website", "email"] {
            if let Some(value) = result.try_get::<Option<String>>("", field)? {
                row.insert(field.to_string(), serde_json::Value::String(value));
            }
        }
        let Some(org) = org_from_row(&row) else { continue };
        let name = crate::domain::search::normalize(&org.name);
        let other = crate::domain::search::normalize(row.get("alternate_name").and_then(|v| v.as_str()).unwrap_or(""));
        let haystack = format!("{name} {other}");
        if words.iter().all(|w| haystack.contains(w)) {
            found.push((!name.starts_with(&wanted), name, org));
        }
    }
    found.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    Ok(found.into_iter().take(limit).map(|(_, _, org)| org).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 18);

    fn complete() -> ConsentInput {
        ConsentInput {
            law: Some("us-part2".into()),
            discloser: Some("Harbor Recovery".into()),
            recipient_organization_id: None,
            recipient_name: Some("County Probation".into()),
            recipient_detail: Some("Officer J. Rivera".into()),
            categories: vec!["identity".into(), "attendance".into()],
            information_detail: Some("Name and the dates I attended".into()),
            purposes: vec!["legal".into()],
            purpose_detail: None,
            expires_on: Some("2027-05-01".into()),
            expiry_event: None,
            signed_on: Some("2026-11-18".into()),
            signer: Some("person".into()),
            signer_name: None,
            signer_authority: None,
            signature_method: Some("paper".into()),
            revocation_explained: true,
        }
    }

    fn messages(input: &ConsentInput) -> Vec<(String, &'static str)> {
        match input.validate(TODAY, DirectoryName::NotAsked, "Ana Lee") {
            Ok(_) => Vec::new(),
            Err(e) => e.0.into_iter().map(|e| (e.field, e.message_id)).collect(),
        }
    }

    #[test]
    fn a_complete_consent_is_accepted_and_the_person_signs_in_their_name() {
        let valid = complete().validate(TODAY, DirectoryName::NotAsked, "Ana Lee").expect("valid");
        assert_eq!(valid.signer_name, "Ana Lee");
        assert_eq!(valid.categories, vec![InfoCategory::Identity, InfoCategory::Attendance]);
        assert_eq!(valid.expires_on, Some(date!(2027 - 05 - 01)));
    }

    #[test]
    fn every_missing_element_has_its_own_message() {
        let empty = ConsentInput::default();
        let got = messages(&empty);
        for expected in [
            ("law", "error-required"),
            ("discloser", "error-required"),
            ("recipient_name", "consent-error-recipient-required"),
            ("categories", "consent-error-categories-required"),
            ("information_detail", "consent-error-information-required"),
            ("purposes", "consent-error-purposes-required"),
            ("signed_on", "consent-error-signed-on-required"),
            ("expires_on", "consent-error-end-required"),
            ("signer", "consent-error-signer-required"),
            ("signature_method", "consent-error-signature-method-required"),
            ("revocation_explained", "consent-error-revocation-required"),
        ] {
            assert!(got.contains(&(expected.0.to_string(), expected.1)), "{expected:?} in {got:?}");
        }
    }

    #[test]
    fn dates_are_checked_against_signing_and_today() {
        let mut c = complete();
        c.expires_on = Some("2026-11-01".into());
        c.signed_on = Some("2026-11-10".into());
        assert_eq!(messages(&c), vec![("expires_on".into(), "consent-error-end-before-signed")]);
        let mut c = complete();
        c.signed_on = Some("2026-11-19".into());
        assert_eq!(messages(&c), vec![("signed_on".into(), "consent-error-signed-on-future")]);
        let mut c = complete();
        c.expires_on = None;
        assert_eq!(messages(&c), vec![("expires_on".into(), "consent-error-end-required-part2")]);
        c.expiry_event = Some("When my probation ends".into());
        assert_eq!(messages(&c), Vec::new(), "an end event is enough");
        let mut c = complete();
        c.expires_on = Some("2026-11-18".into());
        assert_eq!(messages(&c), Vec::new(), "it may end the day it is signed");
    }

    #[test]
    fn a_guardian_needs_a_name_and_authority_and_other_purposes_a_detail() {
        let mut c = complete();
        c.signer = Some("guardian".into());
        assert_eq!(
            messages(&c),
            vec![
                ("signer_name".into(), "consent-error-signer-name-required"),
                ("signer_authority".into(), "consent-error-signer-authority-required"),
            ]
        );
        c.signer_name = Some("Rosa Lee".into());
        c.signer_authority = Some("Court-appointed guardian".into());
        assert_eq!(messages(&c), Vec::new());
        let mut c = complete();
        c.purposes = vec!["other".into()];
        assert_eq!(messages(&c), vec![("purpose_detail".into(), "consent-error-purpose-detail-required")]);
        c.purposes = vec!["bogus".into()];
        assert_eq!(messages(&c), vec![("purposes".into(), "error-unknown-choice")]);
    }

    #[test]
    fn a_directory_recipient_takes_the_directory_name() {
        let mut c = complete();
        c.recipient_name = None;
        c.recipient_organization_id = Some("org-7".into());
        let valid = c.validate(TODAY, DirectoryName::Found("Eastside Housing Help"), "Ana Lee").expect("valid");
        assert_eq!(valid.recipient_name, "Eastside Housing Help");
        assert_eq!(valid.recipient_organization_id.as_deref(), Some("org-7"));
        let unknown = c.validate(TODAY, DirectoryName::Unknown, "Ana Lee").unwrap_err();
        assert_eq!(unknown.0[0].message_id, "consent-error-recipient-unknown");
    }

    fn stored(expires_on: Option<Date>) -> consent::Model {
        let now = OffsetDateTime::UNIX_EPOCH;
        consent::Model {
            id: Uuid::nil(),
            org_id: Uuid::nil(),
            person_id: Uuid::nil(),
            law: "us-part2".into(),
            discloser: "Harbor".into(),
            recipient_organization_id: None,
            recipient_name: "County Probation".into(),
            recipient_detail: None,
            categories: "identity".into(),
            information_detail: "Name".into(),
            purposes: "legal".into(),
            purpose_detail: None,
            expires_on,
            expiry_event: Some("Probation ends".into()),
            expiry_event_on: None,
            signed_on: date!(2026 - 01 - 10),
            signer: "person".into(),
            signer_name: "Ana Lee".into(),
            signer_authority: None,
            signature_method: "paper".into(),
            revocation_explained: true,
            revoked_on: None,
            revoked_by: None,
            revocation_note: None,
            recorded_by: Uuid::nil(),
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn status_names_how_a_consent_ended() {
        let c = stored(Some(date!(2026 - 12 - 31)));
        assert_eq!(status_of(&c, TODAY).code, ConsentStatus::InForce);
        assert_eq!(status_of(&c, date!(2026 - 12 - 31)).code, ConsentStatus::InForce, "the end date is included");
        let ended = status_of(&c, date!(2027 - 01 - 01));
        assert_eq!(
            (ended.code, ended.on, ended.by_event),
            (ConsentStatus::Expired, Some(date!(2026 - 12 - 31)), false)
        );
        let mut c = stored(None);
        c.expiry_event_on = Some(date!(2026 - 06 - 01));
        let ended = status_of(&c, TODAY);
        assert_eq!((ended.code, ended.on, ended.by_event), (ConsentStatus::Expired, Some(date!(2026 - 06 - 01)), true));
        c.revoked_on = Some(date!(2026 - 03 - 01));
        assert_eq!(status_of(&c, TODAY).code, ConsentStatus::Revoked);
        assert_eq!(status_of(&c, date!(2026 - 01 - 09)).code, ConsentStatus::NotYetSigned);
    }

    #[test]
    fn refusals_name_the_closest_gap() {
        let c = stored(None);
        assert_eq!(gap_errors("consent_id", &[]).0[0].message_id, "disclosure-error-no-consent");
        let errors = gap_errors(
            "consent_id",
            &[(c.clone(), ConsentGap::OtherRecipient), (c.clone(), ConsentGap::Revoked), (c, ConsentGap::Revoked)],
        );
        assert_eq!(errors.0.iter().map(|e| e.message_id).collect::<Vec<_>>(), vec!["consent-gap-revoked"]);
    }

    #[test]
    fn printouts_follow_the_persons_language() {
        assert_eq!(print_language(Some("Spanish")), Some(UiLanguage::Es));
        assert_eq!(print_language(Some("Español")), Some(UiLanguage::Es));
        assert_eq!(print_language(Some("fr")), Some(UiLanguage::Fr));
        assert_eq!(print_language(Some("Vietnamese")), None);
        assert_eq!(print_language(None), None);
        assert_eq!(default_law("CA"), ConsentLaw::Canada);
        assert_eq!(default_law("US"), ConsentLaw::UsPart2);
    }

    #[test]
    fn three_years_back_handles_leap_days() {
        assert_eq!(years_before(date!(2028 - 02 - 29), 3), date!(2025 - 02 - 28));
        assert_eq!(years_before(TODAY, 3), date!(2023 - 11 - 18));
    }

    /// The ids of a locale file, in order.
    fn ids(lang: &str) -> Vec<String> {
        let path = format!("{}/locales/{lang}/consents.ftl", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).expect("locale file");
        text.lines()
            .filter_map(|l| l.split_once(" ="))
            .map(|(id, _)| id.to_string())
            .filter(|id| !id.starts_with(' '))
            .collect()
    }

    #[test]
    fn spanish_and_french_say_everything_english_does() {
        let en = ids("en");
        assert!(en.len() > 200);
        assert_eq!(ids("es"), en);
        assert_eq!(ids("fr"), en);
    }

    #[test]
    fn every_code_has_a_label_in_every_language() {
        use crate::i18n::Tr;
        let mut wanted: Vec<String> = Vec::new();
        wanted.extend(InfoCategory::ALL.iter().map(|c| c.message_id()));
        wanted.extend(ConsentPurpose::ALL.iter().map(|c| c.message_id()));
        wanted.extend(ConsentSigner::ALL.iter().map(|c| c.message_id()));
        wanted.extend(SignatureMethod::ALL.iter().map(|c| c.message_id()));
        wanted.extend(ConsentLaw::ALL.iter().map(|c| c.message_id()));
        wanted.extend(ConsentLaw::ALL.iter().map(|c| notice_message_id(*c).to_string()));
        wanted.extend(DisclosureChannel::ALL.iter().map(|c| c.message_id()));
        wanted.extend(
            [ConsentStatus::InForce, ConsentStatus::NotYetSigned, ConsentStatus::Expired, ConsentStatus::Revoked]
                .iter()
                .map(|s| s.message_id()),
        );
        for lang in UiLanguage::ALL {
            let tr = Tr::new(*lang);
            for id in &wanted {
                assert_ne!(&tr.t(id), id, "{id} in {lang:?}");
            }
        }
        let en = Tr::new(UiLanguage::En);
        assert_ne!(Tr::new(UiLanguage::Es).t("disclosure-notice-canada"), en.t("disclosure-notice-canada"));
        assert_ne!(Tr::new(UiLanguage::Fr).t("disclosure-notice-canada"), en.t("disclosure-notice-canada"));
    }

    #[test]
    fn every_gap_and_law_has_a_static_message() {
        for gap in [
            ConsentGap::NotYetSigned,
            ConsentGap::Revoked,
            ConsentGap::Expired,
            ConsentGap::OtherRecipient,
            ConsentGap::Purpose,
            ConsentGap::Categories,
        ] {
            assert_eq!(gap_message_id(gap), gap.message_id());
        }
        for law in ConsentLaw::ALL {
            assert!(notice_message_id(*law).ends_with(law.code()));
        }
    }
}
