//! Referrals to directory resources with closed-loop follow-up (CSE 6.01, the PRSC linkage duty),
//! and information-only contacts. The one place referrals are read and written: pages and the API
//! call these functions, which open the person's record through `records::open` (caseload reach,
//! audited), check consent before anything leaves the organisation, record the disclosure in the
//! same transaction, and audit every read and write.

pub mod info_contacts;

use crate::access::{self, Action, Actor, PersonScope, Reach};
use crate::app::{AppState, local_date};
use crate::audit::Outcome as AuditOutcome;
use crate::consents::{NewDisclosure, StoredTerms};
use crate::db::entities::{consent, disclosure, enrolment, organisation, person, referral, referral_event, staff};
use crate::db::{self, WriteError, WriteTxn};
use crate::directory::hsds_tables::{self, Table};
use crate::directory::rows::{self, Row};
use crate::domain::FieldErrors;
use crate::domain::coaching::UnmetNeed;
use crate::domain::codes::{Role, UiLanguage, join_codes, split_codes};
use crate::domain::consent::{
    ConsentGap, ConsentLaw, ConsentPurpose, DisclosureChannel, DisclosureRequest, InfoCategory, covers,
};
use crate::domain::personnel::{Assignment, Need};
use crate::domain::referral::{NeedMet, ReferralHelp, ReferralStatus, ReferralUrgency};
use crate::error::{AppError, AppResult};
use crate::personnel;
use crate::records::{self, Opened};
use crate::web::actor_entry;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

const DETAIL_MAX: usize = 1000;
const NOTE_MAX: usize = 4000;
const ID_MAX: usize = 200;
/// Open referrals listed at once on `/referrals` (oldest follow-up first).
pub const OPEN_LIST_LIMIT: u64 = 300;

// ---------- rules ----------

/// Days until the first follow-up, by urgency: a same-day need is checked on within two days.
pub fn follow_up_days(urgency: ReferralUrgency) -> i64 {
    match urgency {
        ReferralUrgency::Today => 2,
        ReferralUrgency::ThisWeek => 7,
        ReferralUrgency::Routine => 14,
    }
}

pub fn default_follow_up(urgency: ReferralUrgency, from: Date) -> Date {
    from.saturating_add(time::Duration::days(follow_up_days(urgency)))
}

/// The statuses a referral may move to from `from`. Completed and unable-to-connect can be
/// reopened (the person connected after all, or the need came back); declined and cancelled end it.
pub fn next_statuses(from: ReferralStatus) -> &'static [ReferralStatus] {
    use ReferralStatus::*;
    match from {
        Draft => &[Sent, Cancelled],
        Sent => &[Accepted, Declined, InProgress, Completed, UnableToConnect, Cancelled],
        Accepted => &[InProgress, Completed, UnableToConnect, Cancelled],
        InProgress => &[Completed, UnableToConnect, Cancelled],
        Completed | UnableToConnect => &[InProgress],
        Declined | Cancelled => &[],
    }
}

/// Whether a change from `from` to `to` is allowed; staying put on an open referral logs a
/// follow-up (a note and the next date).
pub fn may_move(from: ReferralStatus, to: ReferralStatus) -> bool {
    (from == to && !from.is_closed()) || next_statuses(from).contains(&to)
}

/// The interface language a person's printout is written in, from what they told us they speak,
/// else the organisation's default.
pub fn printout_language(preferred: Option<&str>, org_default: &str) -> UiLanguage {
    crate::consents::print_language(preferred).or_else(|| UiLanguage::parse(org_default)).unwrap_or(UiLanguage::En)
}

/// Why a disclosure to `recipient` cannot be made: no consent at all, or each consent's gap.
pub fn consent_refusal(recipient: &str, gaps: &[(consent::Model, ConsentGap)]) -> FieldErrors {
    let mut e = FieldErrors::new();
    if gaps.is_empty() {
        e.add_with("consent", "referral-error-no-consent", vec![("recipient", recipient.to_string())]);
        return e;
    }
    e.add_with(
        "consent",
        "referral-error-consent-not-covering",
        vec![("recipient", recipient.to_string()), ("count", gaps.len().to_string())],
    );
    for (c, gap) in gaps {
        e.add_with(
            "consent",
            crate::consents::gap_message_id(*gap),
            vec![("recipient", c.recipient_name.clone()), ("signed_on", c.signed_on.to_string())],
        );
    }
    e
}

/// Where to record the consent a refused disclosure needs.
pub fn new_consent_link(person_id: Uuid, recipient_organization_id: Option<&str>) -> String {
    match recipient_organization_id {
        Some(org) => format!(
            "/people/{person_id}/consents/new?{}",
            serde_urlencoded::to_string([("recipient_organization_id", org)]).unwrap_or_default()
        ),
        None => format!("/people/{person_id}/consents/new"),
    }
}

/// The kinds of information an agency letter carries: what the referral shares, and always who
/// the person is (naming someone to an agency discloses that they are served here).
pub fn letter_categories(shared: &[InfoCategory]) -> Vec<InfoCategory> {
    InfoCategory::ALL.iter().copied().filter(|c| *c == InfoCategory::Identity || shared.contains(c)).collect()
}

fn stored<T: crate::domain::codes::TextCode>(code: &str) -> AppResult<T> {
    T::parse(code).ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown stored code {code:?}")))
}

pub fn status_of(r: &referral::Model) -> AppResult<ReferralStatus> {
    stored(&r.status)
}

// ---------- the directory resource ----------

/// Opening hours as HSDS gives them: days (two-letter iCal codes) and times, or a description.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Hours {
    /// Lower-case two-letter day codes (`mo`, `tu`, …).
    pub days: Vec<String>,
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
    pub description: Option<String>,
}

/// What a person (and the worker) needs to know about a directory service, read from its HSDS rows.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct Resource {
    pub service_id: String,
    pub name: String,
    pub organization_id: Option<String>,
    pub organization_name: Option<String>,
    pub description: Option<String>,
    /// HSDS status (active, inactive, defunct, temporarily closed).
    pub status: Option<String>,
    pub service_at_location_id: Option<String>,
    pub location_name: Option<String>,
    pub address: Option<String>,
    pub transportation: Option<String>,
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub hours: Vec<Hours>,
    pub languages: Vec<String>,
    pub fees: Vec<String>,
    pub eligibility: Option<String>,
    pub minimum_age: Option<i64>,
    pub maximum_age: Option<i64>,
    pub required_documents: Vec<String>,
    pub contacts: Vec<String>,
    pub application_process: Option<String>,
    /// The places this service is offered.
    pub locations: Vec<ResourceLocation>,
}

/// One place a service is offered (an HSDS service_at_location) and how to recognise it.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct ResourceLocation {
    pub service_at_location_id: String,
    pub label: String,
}

impl Resource {
    pub fn is_active(&self) -> bool {
        self.status.as_deref().is_none_or(|s| s.eq_ignore_ascii_case("active"))
    }
}

fn hsds(name: &str) -> Result<&'static Table, DbErr> {
    hsds_tables::table(name).ok_or_else(|| DbErr::Custom(format!("unknown HSDS table {name}")))
}

fn text(row: &Row, field: &str) -> Option<String> {
    match row.get(field)? {
        serde_json::Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn whole(row: &Row, field: &str) -> Option<i64> {
    row.get(field).and_then(serde_json::Value::as_f64).map(|n| n.round() as i64)
}

/// Rows of `table` linked to any of the (field, value) pairs given, without repeats, by id.
async fn linked(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    table: &str,
    links: &[(&str, Option<&str>)],
) -> Result<Vec<Row>, DbErr> {
    let table = hsds(table)?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (field, value) in links {
        let Some(value) = value else { continue };
        for row in rows::load_where(conn, org_id, table, field, &[value.to_string()]).await? {
            if let Some(id) = text(&row, "id")
                && seen.insert(id)
            {
                out.push(row);
            }
        }
    }
    Ok(out)
}

fn address_line(row: &Row) -> String {
    let region = [text(row, "state_province"), text(row, "postal_code")].into_iter().flatten().collect::<Vec<_>>();
    [
        text(row, "address_1"),
        text(row, "address_2"),
        text(row, "city"),
        Some(region.join(" ")).filter(|r| !r.is_empty()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

fn phone_line(row: &Row) -> Option<String> {
    let number = text(row, "number")?;
    let mut line = number;
    if let Some(ext) = whole(row, "extension") {
        line.push_str(&format!(" ext. {ext}"));
    }
    if let Some(d) = text(row, "description") {
        line.push_str(&format!(" ({d})"));
    }
    Some(line)
}

fn hhmm(t: Option<String>) -> Option<String> {
    t.map(|t| t.chars().take(5).collect())
}

fn hours_of(row: &Row) -> Option<Hours> {
    let days = text(row, "byday")
        .map(|d| {
            d.split(',')
                .map(|day| day.trim().trim_start_matches(|c: char| c == '-' || c.is_ascii_digit()).to_ascii_lowercase())
                .filter(|day| ["mo", "tu", "we", "th", "fr", "sa", "su"].contains(&day.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let hours = Hours {
        days,
        opens_at: hhmm(text(row, "opens_at")),
        closes_at: hhmm(text(row, "closes_at")),
        description: text(row, "description").or_else(|| text(row, "notes")),
    };
    let empty = hours.days.is_empty() && hours.opens_at.is_none() && hours.description.is_none();
    (!empty).then_some(hours)
}

fn contact_line(row: &Row) -> Option<String> {
    let parts: Vec<String> =
        ["name", "title", "department", "email"].iter().filter_map(|f| text(row, f)).collect::<Vec<_>>();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// A directory service with what a referral printout shows, at one of its locations (the one
/// asked for, else the first). None when the service is not in the directory.
pub async fn resource(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    service_id: &str,
    service_at_location_id: Option<&str>,
) -> Result<Option<Resource>, DbErr> {
    let Some(service) = rows::load_one(conn, org_id, hsds("service")?, service_id).await? else {
        return Ok(None);
    };
    let organization_id = text(&service, "organization_id");
    let organization = match &organization_id {
        Some(id) => rows::load_one(conn, org_id, hsds("organization")?, id).await?,
        None => None,
    };
    let sals =
        rows::load_where(conn, org_id, hsds("service_at_location")?, "service_id", &[service_id.to_string()]).await?;
    let location_ids: Vec<String> = sals.iter().filter_map(|s| text(s, "location_id")).collect();
    let locations = rows::load_where(conn, org_id, hsds("location")?, "id", &location_ids).await?;
    let addresses = rows::load_where(conn, org_id, hsds("address")?, "location_id", &location_ids).await?;
    let location_label = |location_id: &str| -> String {
        let name =
            locations.iter().find(|l| text(l, "id").as_deref() == Some(location_id)).and_then(|l| text(l, "name"));
        let address =
            addresses.iter().find(|a| text(a, "location_id").as_deref() == Some(location_id)).map(address_line);
        [name, address].into_iter().flatten().collect::<Vec<_>>().join(" · ")
    };
    let chosen = match service_at_location_id {
        Some(id) => sals.iter().find(|s| text(s, "id").as_deref() == Some(id)),
        None => sals.first(),
    };
    let sal_id = chosen.and_then(|s| text(s, "id"));
    let location_id = chosen.and_then(|s| text(s, "location_id"));
    let location =
        location_id.as_deref().and_then(|id| locations.iter().find(|l| text(l, "id").as_deref() == Some(id)));
    // A street address before a postal or virtual one.
    let mut here: Vec<&Row> =
        addresses.iter().filter(|a| location_id.is_some() && text(a, "location_id") == location_id).collect();
    here.sort_by_key(|a| text(a, "address_type").is_none_or(|t| t != "physical"));
    let scoped = [("service_id", Some(service_id)), ("service_at_location_id", sal_id.as_deref())];
    let with_location = [scoped[0], scoped[1], ("location_id", location_id.as_deref())];
    let mut phones = linked(conn, org_id, "phone", &with_location).await?;
    if phones.is_empty() {
        phones = linked(conn, org_id, "phone", &[("organization_id", organization_id.as_deref())]).await?;
    }
    let schedules = linked(conn, org_id, "schedule", &with_location).await?;
    let languages = linked(conn, org_id, "language", &[scoped[0], ("location_id", location_id.as_deref())]).await?;
    let costs = linked(conn, org_id, "cost_option", &scoped[..1]).await?;
    let documents = linked(conn, org_id, "required_document", &scoped[..1]).await?;
    let mut contacts = linked(conn, org_id, "contact", &with_location).await?;
    if contacts.is_empty() {
        contacts = linked(conn, org_id, "contact", &[("organization_id", organization_id.as_deref())]).await?;
    }
    let mut fees: Vec<String> = ["fees_description", "fees"].iter().filter_map(|f| text(&service, f)).collect();
    for c in &costs {
        let amount = match (whole(c, "amount"), c.get("amount").and_then(serde_json::Value::as_f64)) {
            (_, Some(a)) if a.fract() != 0.0 => Some(format!("{a:.2}")),
            (Some(a), _) => Some(a.to_string()),
            _ => None,
        };
        let priced = amount.map(|a| [Some(a), text(c, "currency")].into_iter().flatten().collect::<Vec<_>>().join(" "));
        let line = [text(c, "option"), priced, text(c, "amount_description")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
        if !line.is_empty() && !fees.contains(&line) {
            fees.push(line);
        }
    }
    let mut language_names: Vec<String> = Vec::new();
    for l in &languages {
        if let Some(name) = text(l, "name").or_else(|| text(l, "code"))
            && !language_names.contains(&name)
        {
            language_names.push(name);
        }
    }
    Ok(Some(Resource {
        service_id: service_id.to_string(),
        name: text(&service, "name").unwrap_or_else(|| service_id.to_string()),
        organization_name: organization.as_ref().and_then(|o| text(o, "name")),
        organization_id,
        description: text(&service, "description"),
        status: text(&service, "status"),
        service_at_location_id: sal_id,
        location_name: location.and_then(|l| text(l, "name")),
        address: here.first().map(|a| address_line(a)).filter(|a| !a.is_empty()),
        transportation: location.and_then(|l| text(l, "transportation")),
        phones: phones.iter().filter_map(phone_line).collect(),
        email: text(&service, "email").or_else(|| organization.as_ref().and_then(|o| text(o, "email"))),
        url: text(&service, "url").or_else(|| organization.as_ref().and_then(|o| text(o, "website"))),
        hours: schedules.iter().filter_map(hours_of).collect(),
        languages: language_names,
        fees,
        eligibility: text(&service, "eligibility_description"),
        minimum_age: whole(&service, "minimum_age"),
        maximum_age: whole(&service, "maximum_age"),
        required_documents: documents.iter().filter_map(|d| text(d, "document")).collect(),
        contacts: contacts.iter().filter_map(contact_line).collect(),
        application_process: text(&service, "application_process"),
        locations: sals
            .iter()
            .filter_map(|s| {
                Some(ResourceLocation {
                    service_at_location_id: text(s, "id")?,
                    label: location_label(&text(s, "location_id")?),
                })
            })
            .collect(),
    }))
}

// ---------- shared helpers ----------

async fn org_of(state: &AppState, org_id: Uuid) -> AppResult<organisation::Model> {
    db::org::get(state.db.conn(), org_id).await?.ok_or(AppError::NotFound)
}

/// Today in the organisation's time zone.
pub fn today_in(state: &AppState, org: &organisation::Model) -> Date {
    local_date(&org.time_zone, state.clock.now())
}

async fn audit_read(
    state: &AppState,
    actor: &Actor,
    action: &'static str,
    person_id: Uuid,
    detail: serde_json::Value,
) -> AppResult<()> {
    let entry = actor_entry(actor, action).record("person", person_id).detail(detail);
    Ok(db::audit::append_soon(&state.db, entry, state.clock.now()).await?)
}

/// Every staff member's name (former staff too: history keeps who did what).
pub async fn staff_names(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<HashMap<Uuid, String>, DbErr> {
    let rows: Vec<(Uuid, String)> = staff::Entity::find()
        .select_only()
        .columns([staff::Column::Id, staff::Column::DisplayName])
        .filter(staff::Column::OrgId.eq(org_id))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Display names of these staff members.
async fn staff_names_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>, DbErr> {
    let rows: Vec<(Uuid, String)> = staff::Entity::find()
        .select_only()
        .columns([staff::Column::Id, staff::Column::DisplayName])
        .filter(staff::Column::OrgId.eq(org_id))
        .filter(staff::Column::Id.is_in(ids))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The program a referral counts under: the person's current enrolment with the actor, else any
/// current enrolment, else the latest.
fn program_for(actor: &Actor, enrolments: &[enrolment::Model]) -> Option<Uuid> {
    let current: Vec<&enrolment::Model> = enrolments.iter().filter(|e| e.ended_on.is_none()).collect();
    current
        .iter()
        .find(|e| e.worker_id == Some(actor.staff_id))
        .or_else(|| current.first())
        .map(|e| e.program_id)
        .or_else(|| enrolments.iter().max_by_key(|e| e.started_on).map(|e| e.program_id))
}

/// Active staff who may edit this person's record (and so follow a referral up), the actor first.
pub async fn follow_up_staff(state: &AppState, actor: &Actor, opened: &Opened) -> AppResult<Vec<(Uuid, String)>> {
    let links = db::people::access_links(&opened.enrolments);
    let mut out = vec![(actor.staff_id, actor.display_name.clone())];
    for s in db::staff::active(&state.db, actor.org_id).await? {
        if s.id == actor.staff_id {
            continue;
        }
        let Some(facts) = state.access_cache.load(&state.db, actor.org_id, s.id).await? else { continue };
        let other = facts.actor(None);
        if access::allows(&other, Action::EditPerson, access::reach(&other, &links)) {
            out.push((s.id, s.display_name.clone()));
        }
    }
    out[1..].sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

async fn load(conn: &impl ConnectionTrait, org_id: Uuid, person_id: Uuid, id: Uuid) -> AppResult<referral::Model> {
    referral::Entity::find()
        .filter(referral::Column::OrgId.eq(org_id))
        .filter(referral::Column::PersonId.eq(person_id))
        .filter(referral::Column::Id.eq(id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Replaces the referral if nobody saved since `version`.
async fn save(txn: &WriteTxn, model: referral::Model, version: i32) -> Result<(), WriteError> {
    let (org_id, id) = (model.org_id, model.id);
    let result = referral::Entity::update_many()
        .set(referral::ActiveModel::from(model).reset_all())
        .filter(referral::Column::OrgId.eq(org_id))
        .filter(referral::Column::Id.eq(id))
        .filter(referral::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    Ok(())
}

async fn add_event(
    txn: &WriteTxn,
    r: &referral::Model,
    by: Uuid,
    note: Option<String>,
    at: OffsetDateTime,
) -> Result<(), DbErr> {
    let event = referral_event::Model {
        id: Uuid::new_v4(),
        org_id: r.org_id,
        referral_id: r.id,
        status: r.status.clone(),
        at,
        by_staff: by,
        follow_up_on: r.follow_up_on,
        note,
    };
    referral_event::Entity::insert(referral_event::ActiveModel::from(event)).exec_without_returning(&**txn).await?;
    Ok(())
}

/// Audits a send refused for want of a consent (the refused write has been rolled back), then
/// hands the error back for the form.
async fn refused(state: &AppState, actor: &Actor, person_id: Uuid, referral_id: Uuid, err: AppError) -> AppError {
    let AppError::Invalid(errors) = &err else { return err };
    let gaps: Vec<&str> = errors.0.iter().map(|e| e.message_id).collect();
    let entry = actor_entry(actor, "referral.refused")
        .outcome(AuditOutcome::Denied)
        .record("person", person_id)
        .detail(json!({ "referral_id": referral_id, "gaps": gaps }));
    match db::audit::append_now(&state.db, entry, state.clock.now()).await {
        Ok(()) => err,
        Err(db_err) => db_err.into(),
    }
}

/// Finds the consent covering what `r` shares with its resource, inside the write that discloses.
async fn covering_consent(
    txn: &WriteTxn,
    r: &referral::Model,
    recipient: &str,
    categories: &[InfoCategory],
    today: Date,
) -> AppResult<consent::Model> {
    let request = DisclosureRequest {
        recipient_organization_id: r.resource_organization_id.as_deref(),
        recipient_name: recipient,
        categories,
        purpose: ConsentPurpose::Referral,
        on: today,
    };
    match crate::consents::covering(&**txn, r.org_id, r.person_id, &request).await? {
        Ok(consent) => Ok(consent),
        Err(gaps) => Err(AppError::Invalid(consent_refusal(recipient, &gaps))),
    }
}

/// Who receives what a referral shares: the resource's organisation (consents name organisations),
/// else the service itself when the directory no longer knows its organisation.
async fn recipient_name(conn: &impl ConnectionTrait, r: &referral::Model) -> Result<String, DbErr> {
    let organization = match &r.resource_organization_id {
        Some(id) => rows::load_one(conn, r.org_id, hsds("organization")?, id).await?,
        None => None,
    };
    Ok(organization.and_then(|o| text(&o, "name")).unwrap_or_else(|| r.resource_name.clone()))
}

/// Sends the referral's shared details: the covering consent is stored on it and the disclosure
/// goes into the person's accounting, in the caller's transaction.
async fn disclose_on_send(
    txn: &WriteTxn,
    actor: &Actor,
    r: &mut referral::Model,
    today: Date,
    now: OffsetDateTime,
) -> AppResult<Option<Uuid>> {
    let shared: Vec<InfoCategory> = split_codes(&r.shared_categories);
    if shared.is_empty() {
        r.consent_id = None;
        return Ok(None);
    }
    let recipient = recipient_name(&**txn, r).await?;
    let consent = covering_consent(txn, r, &recipient, &shared, today).await?;
    r.consent_id = Some(consent.id);
    let id = crate::consents::record_disclosure(
        txn,
        actor,
        &NewDisclosure {
            person_id: r.person_id,
            consent_id: consent.id,
            recipient_organization_id: r.resource_organization_id.as_deref(),
            recipient_name: &recipient,
            categories: &shared,
            purpose: ConsentPurpose::Referral,
            channel: DisclosureChannel::Referral,
            referral_id: Some(r.id),
            notice_included: true,
            description: Some("referral"),
        },
        now,
    )
    .await?;
    Ok(Some(id))
}

// ---------- making a referral ----------

/// A referral as typed on the form or sent to the API; `parse` checks it.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReferralInput {
    /// The unmet need (`mental-health`, `housing`, …: the plan's unmet-need codes).
    pub need: String,
    pub need_detail: Option<String>,
    /// When the need was identified (YYYY-MM-DD, not in the future); today when absent.
    pub need_identified_on: Option<String>,
    /// The directory (HSDS) service referred to.
    pub service_id: String,
    /// Which of the service's locations (HSDS service_at_location id); the first when absent.
    pub service_at_location_id: Option<String>,
    pub urgency: String,
    pub help: String,
    /// Kinds of information shared with the resource; empty: nothing leaves the organisation.
    pub shared: Vec<String>,
    /// The first follow-up (YYYY-MM-DD); by urgency when absent (today +2, this week +7, routine +14 days).
    pub follow_up_on: Option<String>,
    /// Staff id of who follows up; the maker when absent.
    pub assigned_to: Option<String>,
    pub note: Option<String>,
    /// Language of the person's printout (`en`, `es`, `fr`); from the person's language when absent.
    pub language: Option<String>,
    /// Send now; otherwise kept as a draft (nothing is disclosed).
    pub send: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidReferral {
    pub need: UnmetNeed,
    pub need_detail: Option<String>,
    pub need_identified_on: Date,
    pub service_id: String,
    pub service_at_location_id: Option<String>,
    pub urgency: ReferralUrgency,
    pub help: ReferralHelp,
    pub shared: Vec<InfoCategory>,
    pub follow_up_on: Date,
    pub assigned_to: Option<Uuid>,
    pub note: Option<String>,
    pub language: Option<UiLanguage>,
    pub send: bool,
}

fn parse_shared(e: &mut FieldErrors, raw: &[String]) -> Vec<InfoCategory> {
    let mut out = Vec::new();
    for code in raw.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        match InfoCategory::parse(code) {
            Some(c) if !out.contains(&c) => out.push(c),
            Some(_) => {}
            None => {
                e.add("shared", "error-unknown-choice");
                break;
            }
        }
    }
    // Stored in the order the form shows them.
    InfoCategory::ALL.iter().copied().filter(|c| out.contains(c)).collect()
}

fn parse_staff(e: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<Uuid> {
    let raw = raw.map(str::trim).filter(|v| !v.is_empty())?;
    match Uuid::parse_str(raw) {
        Ok(id) => Some(id),
        Err(_) => {
            e.add(field, "error-unknown-choice");
            None
        }
    }
}

impl ReferralInput {
    pub fn parse(&self, today: Date) -> Result<ValidReferral, FieldErrors> {
        let mut e = FieldErrors::new();
        let need = e.required_code("need", &self.need, UnmetNeed::parse);
        let need_detail = e.optional("need_detail", self.need_detail.as_deref(), DETAIL_MAX);
        let need_identified_on = e.optional_date("need_identified_on", self.need_identified_on.as_deref());
        if need_identified_on.is_some_and(|d| d > today) {
            e.add("need_identified_on", "error-date-in-future");
        }
        let service_id = e.required("service_id", &self.service_id, ID_MAX);
        let service_at_location_id =
            e.optional("service_at_location_id", self.service_at_location_id.as_deref(), ID_MAX);
        let urgency = e.required_code("urgency", &self.urgency, ReferralUrgency::parse);
        let help = e.required_code("help", &self.help, ReferralHelp::parse);
        let shared = parse_shared(&mut e, &self.shared);
        let follow_up_on = e.optional_date("follow_up_on", self.follow_up_on.as_deref());
        if follow_up_on.is_some_and(|d| d < today) {
            e.add("follow_up_on", "referral-error-follow-up-past");
        }
        let assigned_to = parse_staff(&mut e, "assigned_to", self.assigned_to.as_deref());
        let note = e.optional("note", self.note.as_deref(), NOTE_MAX);
        let language = e.optional_code("language", self.language.as_deref(), UiLanguage::parse);
        match (need, urgency, help) {
            (Some(need), Some(urgency), Some(help)) if e.is_empty() => Ok(ValidReferral {
                need,
                need_detail,
                need_identified_on: need_identified_on.unwrap_or(today),
                service_id,
                service_at_location_id,
                urgency,
                help,
                shared,
                follow_up_on: follow_up_on.unwrap_or_else(|| default_follow_up(urgency, today)),
                assigned_to,
                note,
                language,
                send: self.send,
            }),
            _ => Err(e),
        }
    }
}

/// How one of the person's consents stands for a given resource.
#[derive(Clone, Debug)]
pub struct ConsentStanding {
    pub consent: consent::Model,
    /// Ok when in force for this recipient and purpose (the categories it allows are on the consent).
    pub standing: Result<(), ConsentGap>,
    pub categories: Vec<InfoCategory>,
}

/// The person's consents and how each stands for a referral to the resource, newest first.
pub async fn consents_for(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
    recipient_organization_id: Option<&str>,
    recipient_name: &str,
    today: Date,
) -> Result<Vec<ConsentStanding>, DbErr> {
    let rows = consent::Entity::find()
        .filter(consent::Column::OrgId.eq(org_id))
        .filter(consent::Column::PersonId.eq(person_id))
        .order_by_desc(consent::Column::SignedOn)
        .order_by_desc(consent::Column::CreatedAt)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let terms = StoredTerms::of(&c);
            let request = DisclosureRequest {
                recipient_organization_id,
                recipient_name,
                categories: &[],
                purpose: ConsentPurpose::Referral,
                on: today,
            };
            let standing = covers(&terms.terms(&c), &request);
            ConsentStanding { categories: split_codes(&c.categories), standing, consent: c }
        })
        .collect())
}

/// What the new-referral form needs.
pub struct NewReferral {
    pub opened: Opened,
    pub resource: Option<Resource>,
    pub staff: Vec<(Uuid, String)>,
    pub consents: Vec<ConsentStanding>,
    pub language: UiLanguage,
    pub today: Date,
}

/// Opens the person for a new referral to `service_id` (if chosen yet).
pub async fn prepare(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    service_id: Option<&str>,
    service_at_location_id: Option<&str>,
) -> AppResult<NewReferral> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let org = org_of(state, actor.org_id).await?;
    let today = today_in(state, &org);
    let conn = state.db.conn();
    let resource = match service_id.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => resource(conn, actor.org_id, id, service_at_location_id).await?,
        None => None,
    };
    let consents = match &resource {
        Some(r) => consents_for(conn, actor.org_id, person_id, r.organization_id.as_deref(), &r.name, today).await?,
        None => Vec::new(),
    };
    let staff = follow_up_staff(state, actor, &opened).await?;
    let language = printout_language(opened.person.preferred_language.as_deref(), &org.default_language);
    audit_read(state, actor, "referral.new-form", person_id, json!({ "service_id": service_id })).await?;
    Ok(NewReferral { opened, resource, staff, consents, language, today })
}

/// Makes a referral from the person's record: saved as a draft, or sent (with the covering consent
/// and the disclosure recorded when anything is shared). Also returns what the follow-up worker's
/// training leaves uncovered (warn policy; under block the save is refused on `assigned_to`).
pub async fn create(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    input: &ReferralInput,
) -> AppResult<(referral::Model, Vec<Need>)> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let org = org_of(state, actor.org_id).await?;
    let today = today_in(state, &org);
    let valid = input.parse(today)?;
    let conn = state.db.conn();
    let mut e = FieldErrors::new();
    let found = resource(conn, actor.org_id, &valid.service_id, valid.service_at_location_id.as_deref()).await?;
    match &found {
        None => e.add("service_id", "referral-error-unknown-service"),
        Some(r) if !r.is_active() && valid.send => e.add("service_id", "referral-error-service-inactive"),
        Some(r)
            if valid.service_at_location_id.is_some() && r.service_at_location_id != valid.service_at_location_id =>
        {
            e.add("service_at_location_id", "error-unknown-choice")
        }
        Some(_) => {}
    }
    let assigned_to = valid.assigned_to.unwrap_or(actor.staff_id);
    if assigned_to != actor.staff_id {
        let allowed = follow_up_staff(state, actor, &opened).await?;
        if !allowed.iter().any(|(id, _)| *id == assigned_to) {
            e.add("assigned_to", "referral-error-assignee");
        }
    }
    let Some(found) = found.filter(|_| e.is_empty()) else {
        return Err(AppError::Invalid(e));
    };
    let assignment_gaps =
        personnel::enforce_assignment(state, actor.org_id, assigned_to, Assignment::ReferralFollowUp, "assigned_to")
            .await?;
    let now = state.clock.now();
    let language = valid
        .language
        .unwrap_or_else(|| printout_language(opened.person.preferred_language.as_deref(), &org.default_language));
    let status = if valid.send { ReferralStatus::Sent } else { ReferralStatus::Draft };
    let mut model = referral::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        person_id,
        program_id: program_for(actor, &opened.enrolments),
        need: valid.need.code().to_string(),
        need_detail: valid.need_detail,
        need_identified_on: valid.need_identified_on,
        service_id: found.service_id.clone(),
        service_at_location_id: found.service_at_location_id.clone(),
        resource_organization_id: found.organization_id.clone(),
        resource_name: found.name.clone(),
        urgency: valid.urgency.code().to_string(),
        help: valid.help.code().to_string(),
        shared_categories: join_codes(&valid.shared),
        consent_id: None,
        status: status.code().to_string(),
        referred_on: valid.send.then_some(today),
        follow_up_on: Some(valid.follow_up_on),
        connected: None,
        connected_on: None,
        need_met: None,
        outcome_note: None,
        closed_on: None,
        note: valid.note,
        language: Some(language.code().to_string()),
        made_by: actor.staff_id,
        assigned_to,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let txn = state.db.begin_write().await?;
    let disclosure_id = if valid.send {
        match disclose_on_send(&txn, actor, &mut model, today, now).await {
            Ok(id) => id,
            Err(err) => {
                drop(txn);
                return Err(refused(state, actor, person_id, model.id, err).await);
            }
        }
    } else {
        None
    };
    referral::Entity::insert(referral::ActiveModel::from(model.clone())).exec_without_returning(&*txn).await?;
    add_event(&txn, &model, actor.staff_id, None, now).await?;
    let entry = actor_entry(actor, "referral.create").record("person", person_id).detail(json!({
        "referral_id": model.id,
        "status": model.status,
        "service_id": model.service_id,
        "shared": model.shared_categories,
        "consent_id": model.consent_id,
        "disclosure_id": disclosure_id,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok((model, assignment_gaps))
}

// ---------- reading ----------

/// One change in a referral's history, with who made it.
#[derive(Clone, Debug)]
pub struct EventView {
    pub event: referral_event::Model,
    pub by_name: String,
}

pub struct ReferralView {
    pub referral: referral::Model,
    pub status: ReferralStatus,
    pub events: Vec<EventView>,
    /// The service as the directory has it now (None if it has been removed).
    pub resource: Option<Resource>,
    pub consent: Option<consent::Model>,
    pub disclosures: Vec<disclosure::Model>,
    pub made_by_name: String,
    pub assigned_name: String,
    pub can_edit: bool,
    pub staff: Vec<(Uuid, String)>,
    pub today: Date,
}

impl ReferralView {
    pub fn shared(&self) -> Vec<InfoCategory> {
        split_codes(&self.referral.shared_categories)
    }

    /// The statuses the referral may move to (staying put logs a follow-up).
    pub fn choices(&self) -> Vec<ReferralStatus> {
        let mut out = Vec::new();
        if !self.status.is_closed() {
            out.push(self.status);
        }
        out.extend_from_slice(next_statuses(self.status));
        out
    }

    pub fn overdue(&self) -> bool {
        !self.status.is_closed() && self.referral.follow_up_on.is_some_and(|d| d <= self.today)
    }
}

/// A referral with its history, for someone who may see the person.
pub async fn view(state: &AppState, actor: &Actor, person_id: Uuid, id: Uuid) -> AppResult<(Opened, ReferralView)> {
    let opened = records::open(state, actor, person_id, Action::ViewPerson).await?;
    let conn = state.db.conn();
    let r = load(conn, actor.org_id, person_id, id).await?;
    let org = org_of(state, actor.org_id).await?;
    let events = referral_event::Entity::find()
        .filter(referral_event::Column::OrgId.eq(actor.org_id))
        .filter(referral_event::Column::ReferralId.eq(id))
        .order_by_asc(referral_event::Column::At)
        .all(conn)
        .await?;
    let names = staff_names(conn, actor.org_id).await?;
    let name = |id: &Uuid| names.get(id).cloned().unwrap_or_default();
    let consent = match r.consent_id {
        Some(cid) => {
            consent::Entity::find()
                .filter(consent::Column::OrgId.eq(actor.org_id))
                .filter(consent::Column::Id.eq(cid))
                .one(conn)
                .await?
        }
        None => None,
    };
    let disclosures = disclosure::Entity::find()
        .filter(disclosure::Column::OrgId.eq(actor.org_id))
        .filter(disclosure::Column::ReferralId.eq(id))
        .order_by_asc(disclosure::Column::DisclosedAt)
        .all(conn)
        .await?;
    let can_edit = access::allows(actor, Action::EditPerson, opened.reach);
    let staff = if can_edit { follow_up_staff(state, actor, &opened).await? } else { Vec::new() };
    let resource = resource(conn, actor.org_id, &r.service_id, r.service_at_location_id.as_deref()).await?;
    audit_read(state, actor, "referral.view", person_id, json!({ "referral_id": id })).await?;
    let view = ReferralView {
        status: status_of(&r)?,
        events: events.into_iter().map(|e| EventView { by_name: name(&e.by_staff), event: e }).collect(),
        resource,
        consent,
        disclosures,
        made_by_name: name(&r.made_by),
        assigned_name: name(&r.assigned_to),
        can_edit,
        staff,
        today: today_in(state, &org),
        referral: r,
    };
    Ok((opened, view))
}

/// The person's referrals (newest first) and their consents, for the person's referral page.
pub struct PersonReferrals {
    pub opened: Opened,
    pub referrals: Vec<referral::Model>,
    pub consents: Vec<consent::Model>,
    pub can_edit: bool,
    pub today: Date,
}

pub async fn for_person(state: &AppState, actor: &Actor, person_id: Uuid) -> AppResult<PersonReferrals> {
    let opened = records::open(state, actor, person_id, Action::ViewPerson).await?;
    let conn = state.db.conn();
    let referrals = referral::Entity::find()
        .filter(referral::Column::OrgId.eq(actor.org_id))
        .filter(referral::Column::PersonId.eq(person_id))
        .order_by_desc(referral::Column::CreatedAt)
        .all(conn)
        .await?;
    let consents = consent::Entity::find()
        .filter(consent::Column::OrgId.eq(actor.org_id))
        .filter(consent::Column::PersonId.eq(person_id))
        .order_by_desc(consent::Column::SignedOn)
        .all(conn)
        .await?;
    let org = org_of(state, actor.org_id).await?;
    audit_read(state, actor, "referral.list", person_id, json!({ "referrals": referrals.len() })).await?;
    Ok(PersonReferrals {
        can_edit: access::allows(actor, Action::EditPerson, opened.reach),
        opened,
        referrals,
        consents,
        today: today_in(state, &org),
    })
}

/// Whether a stored consent is in force today (for showing the person's consents).
pub fn consent_in_force(c: &consent::Model, today: Date) -> Result<(), ConsentGap> {
    let terms = StoredTerms::of(c);
    crate::domain::consent::in_force(&terms.terms(c), today)
}

// ---------- status changes and outcomes ----------

/// A change of status (or, keeping the status, a follow-up note and next date), with the outcome
/// when the change closes the loop.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StatusInput {
    pub status: String,
    pub note: Option<String>,
    /// The next follow-up (YYYY-MM-DD) while the referral stays open; by urgency when absent.
    pub follow_up_on: Option<String>,
    /// Hand the follow-up to another staff member who may edit the person.
    pub assigned_to: Option<String>,
    /// Whether the person actually connected with the resource (asked when completing).
    pub connected: Option<bool>,
    pub connected_on: Option<String>,
    /// `yes`, `partly`, `no` or `unknown` (asked when completing).
    pub need_met: Option<String>,
    pub outcome_note: Option<String>,
}

/// The closed-loop outcome, recorded or corrected at any time after sending.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct OutcomeInput {
    pub connected: Option<bool>,
    pub connected_on: Option<String>,
    pub need_met: Option<String>,
    pub outcome_note: Option<String>,
}

struct Outcome {
    connected: Option<bool>,
    connected_on: Option<Date>,
    need_met: Option<NeedMet>,
    note: Option<String>,
}

fn parse_outcome(e: &mut FieldErrors, input: &OutcomeInput, r: &referral::Model, today: Date) -> Outcome {
    let connected_on = e.optional_date("connected_on", input.connected_on.as_deref());
    if let Some(d) = connected_on {
        if d > today {
            e.add("connected_on", "error-date-in-future");
        } else if d < r.need_identified_on {
            e.add("connected_on", "referral-error-connected-before-need");
        }
        if input.connected == Some(false) {
            e.add("connected_on", "referral-error-connected-date-not-connected");
        }
    }
    Outcome {
        connected: input.connected,
        connected_on,
        need_met: e.optional_code("need_met", input.need_met.as_deref(), NeedMet::parse),
        note: e.optional("outcome_note", input.outcome_note.as_deref(), NOTE_MAX),
    }
}

fn apply_outcome(r: &mut referral::Model, o: Outcome) {
    if let Some(c) = o.connected {
        r.connected = Some(c);
        if !c {
            r.connected_on = None;
        }
    }
    if o.connected_on.is_some() {
        r.connected_on = o.connected_on;
    }
    if let Some(n) = o.need_met {
        r.need_met = Some(n.code().to_string());
    }
    if o.note.is_some() {
        r.outcome_note = o.note;
    }
}

/// Moves a referral on (sending a draft checks consent and records the disclosure), saved against
/// `version`: `AppError::Conflict` if someone saved in between. When the follow-up moves to someone
/// else, also returns what their training leaves uncovered (warn policy; block refuses the save).
pub async fn change_status(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    id: Uuid,
    version: i32,
    input: &StatusInput,
) -> AppResult<(referral::Model, Vec<Need>)> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let org = org_of(state, actor.org_id).await?;
    let today = today_in(state, &org);
    let old = load(state.db.conn(), actor.org_id, person_id, id).await?;
    if old.version != version {
        return Err(AppError::Conflict);
    }
    let from = status_of(&old)?;
    let urgency: ReferralUrgency = stored(&old.urgency)?;
    let mut e = FieldErrors::new();
    let to = e.required_code("status", &input.status, ReferralStatus::parse);
    if let Some(to) = to
        && !may_move(from, to)
    {
        e.add("status", "referral-error-transition");
    }
    let note = e.optional("note", input.note.as_deref(), NOTE_MAX);
    let follow_up_on = e.optional_date("follow_up_on", input.follow_up_on.as_deref());
    if follow_up_on.is_some_and(|d| d < today) {
        e.add("follow_up_on", "referral-error-follow-up-past");
    }
    let assigned_to = parse_staff(&mut e, "assigned_to", input.assigned_to.as_deref());
    if let Some(who) = assigned_to
        && who != old.assigned_to
        && !follow_up_staff(state, actor, &opened).await?.iter().any(|(id, _)| *id == who)
    {
        e.add("assigned_to", "referral-error-assignee");
    }
    let outcome_input = OutcomeInput {
        connected: input.connected,
        connected_on: input.connected_on.clone(),
        need_met: input.need_met.clone(),
        outcome_note: input.outcome_note.clone(),
    };
    let outcome = parse_outcome(&mut e, &outcome_input, &old, today);
    if to == Some(from) && note.is_none() && follow_up_on.is_none() && assigned_to.is_none_or(|a| a == old.assigned_to)
    {
        e.add("note", "referral-error-follow-up-empty");
    }
    if to == Some(ReferralStatus::Completed) {
        if outcome.connected.or(old.connected) != Some(true) {
            e.add("connected", "referral-error-complete-needs-connection");
        }
        if outcome.need_met.is_none() && old.need_met.is_none() {
            e.add("need_met", "referral-error-complete-needs-need-met");
        }
    }
    if to == Some(ReferralStatus::UnableToConnect) && outcome.connected == Some(true) {
        e.add("connected", "referral-error-unable-but-connected");
    }
    if from == ReferralStatus::Draft && to == Some(ReferralStatus::Sent) {
        let found =
            resource(state.db.conn(), actor.org_id, &old.service_id, old.service_at_location_id.as_deref()).await?;
        match found {
            None => e.add("status", "referral-error-unknown-service"),
            Some(r) if !r.is_active() => e.add("status", "referral-error-service-inactive"),
            Some(_) => {}
        }
    }
    let Some(to) = to.filter(|_| e.is_empty()) else {
        return Err(AppError::Invalid(e));
    };
    let assignment_gaps = match assigned_to.filter(|who| *who != old.assigned_to) {
        Some(who) => {
            personnel::enforce_assignment(state, actor.org_id, who, Assignment::ReferralFollowUp, "assigned_to").await?
        }
        None => Vec::new(),
    };
    let now = state.clock.now();
    let mut r = old.clone();
    apply_outcome(&mut r, outcome);
    r.status = to.code().to_string();
    if let Some(who) = assigned_to {
        r.assigned_to = who;
    }
    if to.is_closed() {
        r.follow_up_on = None;
        if !from.is_closed() {
            r.closed_on = Some(today);
        }
        if matches!(to, ReferralStatus::Declined | ReferralStatus::UnableToConnect) && r.connected.is_none() {
            r.connected = Some(false);
        }
        if to == ReferralStatus::UnableToConnect {
            r.connected = Some(false);
            r.connected_on = None;
        }
    } else {
        r.closed_on = None;
        r.follow_up_on = Some(follow_up_on.unwrap_or_else(|| default_follow_up(urgency, today)));
    }
    r.version = old.version + 1;
    r.updated_at = now;
    let txn = state.db.begin_write().await?;
    let mut disclosure_id = None;
    if from == ReferralStatus::Draft && to == ReferralStatus::Sent {
        r.referred_on = Some(today);
        disclosure_id = match disclose_on_send(&txn, actor, &mut r, today, now).await {
            Ok(id) => id,
            Err(err) => {
                drop(txn);
                return Err(refused(state, actor, person_id, id, err).await);
            }
        };
    }
    save(&txn, r.clone(), old.version).await?;
    add_event(&txn, &r, actor.staff_id, note, now).await?;
    let entry = actor_entry(actor, "referral.status").record("person", person_id).detail(json!({
        "referral_id": id,
        "from": from.code(),
        "to": to.code(),
        "assigned_to": r.assigned_to,
        "consent_id": r.consent_id,
        "disclosure_id": disclosure_id,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok((r, assignment_gaps))
}

/// Records (or corrects) whether the person connected and whether the need was met.
pub async fn record_outcome(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    id: Uuid,
    version: i32,
    input: &OutcomeInput,
) -> AppResult<referral::Model> {
    records::open(state, actor, person_id, Action::EditPerson).await?;
    let org = org_of(state, actor.org_id).await?;
    let today = today_in(state, &org);
    let old = load(state.db.conn(), actor.org_id, person_id, id).await?;
    if old.version != version {
        return Err(AppError::Conflict);
    }
    let status = status_of(&old)?;
    let mut e = FieldErrors::new();
    if status == ReferralStatus::Draft {
        e.add("connected", "referral-error-outcome-draft");
    }
    if input.connected.is_none() {
        e.add("connected", "error-required");
    }
    if status == ReferralStatus::Completed && input.connected == Some(false) {
        e.add("connected", "referral-error-complete-needs-connection");
    }
    if status == ReferralStatus::UnableToConnect && input.connected == Some(true) {
        e.add("connected", "referral-error-connected-but-unable");
    }
    let outcome = parse_outcome(&mut e, input, &old, today);
    e.finish(())?;
    let now = state.clock.now();
    let mut r = old.clone();
    apply_outcome(&mut r, outcome);
    r.version = old.version + 1;
    r.updated_at = now;
    let txn = state.db.begin_write().await?;
    save(&txn, r.clone(), old.version).await?;
    let entry = actor_entry(actor, "referral.outcome").record("person", person_id).detail(json!({
        "referral_id": id,
        "connected": r.connected,
        "need_met": r.need_met,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(r)
}

// ---------- follow-up worklist ----------

/// A referral owed a follow-up today or earlier.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FollowUp {
    pub referral_id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub resource_name: String,
    pub need: UnmetNeed,
    pub status: ReferralStatus,
    pub follow_up_on: Option<Date>,
    /// Days past the follow-up date (0: due today).
    pub days_overdue: i64,
    pub assigned_to: Uuid,
    pub assigned_name: String,
}

/// Whose follow-ups to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whose {
    /// Assigned to the actor.
    Mine,
    /// Assigned to this worker (their caseload page), among the people the actor reaches.
    Worker(Uuid),
    /// Everyone's in the actor's scope (supervisors: supervisees; directors: their programs).
    Team,
    /// Every open referral in scope, whatever its date (the `/referrals` overview).
    OpenInScope,
}

/// Whether the actor oversees others' follow-ups.
pub fn oversees(actor: &Actor) -> bool {
    actor.has(Role::Supervisor) || actor.has(Role::ProgramDirector)
}

fn closed_codes() -> Vec<&'static str> {
    ReferralStatus::ALL.iter().filter(|s| s.is_closed()).map(|s| s.code()).collect()
}

/// Open referrals for the worklist; listing them is audited with the count (never the names).
pub async fn follow_ups(state: &AppState, actor: &Actor, whose: Whose) -> AppResult<Vec<FollowUp>> {
    let scope = access::person_scope(actor);
    if scope == PersonScope::Nobody || (whose == Whose::Team && !oversees(actor)) {
        return Ok(Vec::new());
    }
    let org = org_of(state, actor.org_id).await?;
    let today = today_in(state, &org);
    let conn = state.db.conn();
    let mut query = referral::Entity::find()
        .filter(referral::Column::OrgId.eq(actor.org_id))
        .filter(referral::Column::Status.is_not_in(closed_codes()));
    if let Some(cond) = db::people::person_column_in_scope(actor.org_id, &scope, referral::Column::PersonId) {
        query = query.filter(cond);
    }
    query = match whose {
        Whose::Mine => query.filter(referral::Column::AssignedTo.eq(actor.staff_id)),
        Whose::Worker(w) => query.filter(referral::Column::AssignedTo.eq(w)),
        Whose::Team => query.filter(referral::Column::AssignedTo.ne(actor.staff_id)),
        Whose::OpenInScope => query,
    };
    if whose != Whose::OpenInScope {
        query = query.filter(referral::Column::FollowUpOn.lte(today));
    }
    let rows = query
        .order_by_asc(referral::Column::FollowUpOn)
        .order_by_asc(referral::Column::CreatedAt)
        .limit(OPEN_LIST_LIMIT)
        .all(conn)
        .await?;
    // The caseload page asks on every load, and most days nothing is due: no further reads then.
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let people = db::intake::person_names(&state.db, actor.org_id, rows.iter().map(|r| r.person_id).collect()).await?;
    let assignees: HashSet<Uuid> = rows.iter().map(|r| r.assigned_to).collect();
    let names = staff_names_of(conn, actor.org_id, assignees.into_iter().collect()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(FollowUp {
            referral_id: r.id,
            person_id: r.person_id,
            person_name: people.get(&r.person_id).cloned().unwrap_or_default(),
            need: stored(&r.need)?,
            status: status_of(&r)?,
            follow_up_on: r.follow_up_on,
            days_overdue: r.follow_up_on.map(|d| (today - d).whole_days()).unwrap_or(0),
            assigned_name: names.get(&r.assigned_to).cloned().unwrap_or_default(),
            assigned_to: r.assigned_to,
            resource_name: r.resource_name,
        });
    }
    let action = match whose {
        Whose::OpenInScope => "referral.open-list",
        _ => "referral.follow-ups",
    };
    let entry = actor_entry(actor, action).detail(json!({ "referrals": out.len() }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(out)
}

// ---------- measures ----------

/// What the measures need of one referral.
#[derive(Clone, Debug)]
pub struct ReportRow {
    pub need: UnmetNeed,
    pub program_id: Option<Uuid>,
    pub need_identified_on: Date,
    pub referred_on: Date,
    pub connected: Option<bool>,
    pub need_met: Option<NeedMet>,
}

/// Time to referral and closed-loop figures for a set of referrals.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Measures {
    pub referrals: usize,
    /// Median days from the need being identified to the referral.
    pub median_days_to_referral: Option<f64>,
    pub within_2_days: usize,
    pub within_7_days: usize,
    /// Referrals whose outcome says whether the person connected.
    pub with_outcome: usize,
    pub connected: usize,
    pub need_met_yes: usize,
    pub need_met_partly: usize,
    pub need_met_no: usize,
    pub need_met_unknown: usize,
}

impl Measures {
    fn of(rows: &[&ReportRow]) -> Measures {
        let mut days: Vec<i64> =
            rows.iter().map(|r| (r.referred_on - r.need_identified_on).whole_days().max(0)).collect();
        days.sort_unstable();
        let median = match days.len() {
            0 => None,
            n if n % 2 == 1 => Some(days[n / 2] as f64),
            n => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
        };
        let met = |m: NeedMet| rows.iter().filter(|r| r.need_met == Some(m)).count();
        Measures {
            referrals: rows.len(),
            median_days_to_referral: median,
            within_2_days: days.iter().filter(|d| **d <= 2).count(),
            within_7_days: days.iter().filter(|d| **d <= 7).count(),
            with_outcome: rows.iter().filter(|r| r.connected.is_some()).count(),
            connected: rows.iter().filter(|r| r.connected == Some(true)).count(),
            need_met_yes: met(NeedMet::Yes),
            need_met_partly: met(NeedMet::Partly),
            need_met_no: met(NeedMet::No),
            need_met_unknown: met(NeedMet::Unknown),
        }
    }

    /// Whole-number percentage, None when there is nothing to divide by.
    pub fn percent(part: usize, whole: usize) -> Option<usize> {
        (part * 100 + whole / 2).checked_div(whole)
    }

    pub fn share_within_2(&self) -> Option<usize> {
        Self::percent(self.within_2_days, self.referrals)
    }
    pub fn share_within_7(&self) -> Option<usize> {
        Self::percent(self.within_7_days, self.referrals)
    }
    pub fn share_connected(&self) -> Option<usize> {
        Self::percent(self.connected, self.with_outcome)
    }
    /// Met (fully) among the referrals whose answer is known.
    pub fn share_need_met(&self) -> Option<usize> {
        Self::percent(self.need_met_yes, self.need_met_yes + self.need_met_partly + self.need_met_no)
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NeedMeasures {
    pub need: UnmetNeed,
    pub measures: Measures,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProgramMeasures {
    pub program_id: Option<Uuid>,
    pub program: String,
    pub measures: Measures,
}

/// Referral measures for referrals made in [from, to], with the information-only counts.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Report {
    pub from: Date,
    pub to: Date,
    pub overall: Measures,
    pub by_need: Vec<NeedMeasures>,
    pub by_program: Vec<ProgramMeasures>,
    pub info_contacts: info_contacts::Counts,
}

/// Groups the rows by need (in the list's order) and by program (by name).
pub fn summarise(
    rows: &[ReportRow],
    programs: &HashMap<Uuid, String>,
) -> (Measures, Vec<NeedMeasures>, Vec<ProgramMeasures>) {
    let all: Vec<&ReportRow> = rows.iter().collect();
    let by_need = UnmetNeed::ALL
        .iter()
        .filter_map(|need| {
            let these: Vec<&ReportRow> = rows.iter().filter(|r| r.need == *need).collect();
            (!these.is_empty()).then(|| NeedMeasures { need: *need, measures: Measures::of(&these) })
        })
        .collect();
    let mut grouped: BTreeMap<(String, Option<Uuid>), Vec<&ReportRow>> = BTreeMap::new();
    for r in rows {
        let name = r.program_id.and_then(|p| programs.get(&p).cloned()).unwrap_or_default();
        grouped.entry((name, r.program_id)).or_default().push(r);
    }
    let by_program = grouped
        .into_iter()
        .map(|((program, program_id), these)| ProgramMeasures { program_id, program, measures: Measures::of(&these) })
        .collect();
    (Measures::of(&all), by_need, by_program)
}

/// The measures over referrals made in [from, to] to people in the actor's scope.
pub async fn report(state: &AppState, actor: &Actor, from: Date, to: Date) -> AppResult<Report> {
    if !access::may_view_referral_reports(actor) {
        return Err(crate::intake::deny(state, actor, "ViewReferralReports", None).await);
    }
    let scope = access::person_scope(actor);
    let conn = state.db.conn();
    let mut query = referral::Entity::find()
        .filter(referral::Column::OrgId.eq(actor.org_id))
        .filter(referral::Column::ReferredOn.gte(from))
        .filter(referral::Column::ReferredOn.lte(to));
    if let Some(cond) = db::people::person_column_in_scope(actor.org_id, &scope, referral::Column::PersonId) {
        query = query.filter(cond);
    }
    let mut rows = Vec::new();
    for r in query.all(conn).await? {
        let Some(referred_on) = r.referred_on else { continue };
        rows.push(ReportRow {
            need: stored(&r.need)?,
            program_id: r.program_id,
            need_identified_on: r.need_identified_on,
            referred_on,
            connected: r.connected,
            need_met: r.need_met.as_deref().and_then(NeedMet::parse),
        });
    }
    let programs: HashMap<Uuid, String> =
        db::org::programs(conn, actor.org_id).await?.into_iter().map(|p| (p.id, p.name)).collect();
    let (overall, by_need, by_program) = summarise(&rows, &programs);
    let org = org_of(state, actor.org_id).await?;
    let info = info_contacts::counts(state, actor, &org.time_zone, from, to).await?;
    let entry = actor_entry(actor, "report.referrals").detail(json!({ "from": from, "to": to }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(Report { from, to, overall, by_need, by_program, info_contacts: info })
}

// ---------- printouts ----------

/// The person's own copy: where to go, when we will check in. Not a disclosure.
pub struct Printout {
    pub person: person::Model,
    pub referral: referral::Model,
    pub resource: Option<Resource>,
    pub language: UiLanguage,
    pub worker_name: String,
    pub org_name: String,
}

pub async fn printout(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    id: Uuid,
    language: Option<&str>,
) -> AppResult<Printout> {
    let opened = records::open(state, actor, person_id, Action::ViewPerson).await?;
    let conn = state.db.conn();
    let r = load(conn, actor.org_id, person_id, id).await?;
    let org = org_of(state, actor.org_id).await?;
    let language = language
        .and_then(UiLanguage::parse)
        .or_else(|| r.language.as_deref().and_then(UiLanguage::parse))
        .unwrap_or_else(|| printout_language(opened.person.preferred_language.as_deref(), &org.default_language));
    let resource = resource(conn, actor.org_id, &r.service_id, r.service_at_location_id.as_deref()).await?;
    let names = staff_names(conn, actor.org_id).await?;
    audit_read(state, actor, "referral.print", person_id, json!({ "referral_id": id, "language": language.code() }))
        .await?;
    Ok(Printout {
        person: opened.person,
        worker_name: names.get(&r.assigned_to).cloned().unwrap_or_default(),
        referral: r,
        resource,
        language,
        org_name: org.name,
    })
}

/// Records a letter to the agency as a disclosure (printout channel) under the covering consent,
/// and returns the disclosure's id; the letter is then shown from it.
pub async fn send_letter(state: &AppState, actor: &Actor, person_id: Uuid, id: Uuid) -> AppResult<Uuid> {
    records::open(state, actor, person_id, Action::EditPerson).await?;
    let org = org_of(state, actor.org_id).await?;
    let today = today_in(state, &org);
    let r = load(state.db.conn(), actor.org_id, person_id, id).await?;
    let status = status_of(&r)?;
    if !matches!(status, ReferralStatus::Sent | ReferralStatus::Accepted | ReferralStatus::InProgress) {
        return Err(AppError::Invalid(FieldErrors::single("letter", "referral-error-letter-status")));
    }
    let categories = letter_categories(&split_codes(&r.shared_categories));
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let recipient = recipient_name(&*txn, &r).await?;
    let consent = match covering_consent(&txn, &r, &recipient, &categories, today).await {
        Ok(consent) => consent,
        Err(err) => {
            drop(txn);
            return Err(refused(state, actor, person_id, id, err).await);
        }
    };
    let disclosure_id = crate::consents::record_disclosure(
        &txn,
        actor,
        &NewDisclosure {
            person_id,
            consent_id: consent.id,
            recipient_organization_id: r.resource_organization_id.as_deref(),
            recipient_name: &recipient,
            categories: &categories,
            purpose: ConsentPurpose::Referral,
            channel: DisclosureChannel::Printout,
            referral_id: Some(r.id),
            notice_included: true,
            description: Some("referral letter"),
        },
        now,
    )
    .await?;
    let entry = actor_entry(actor, "referral.letter")
        .record("person", person_id)
        .detail(json!({ "referral_id": id, "disclosure_id": disclosure_id, "consent_id": consent.id }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(disclosure_id)
}

/// A letter to the agency, as recorded by `send_letter`.
pub struct Letter {
    pub person: person::Model,
    pub referral: referral::Model,
    pub resource: Option<Resource>,
    pub consent: consent::Model,
    pub law: ConsentLaw,
    pub disclosure: disclosure::Model,
    pub categories: Vec<InfoCategory>,
    pub worker_name: String,
    pub org_name: String,
    pub date: Date,
}

impl Letter {
    pub fn shares(&self, c: InfoCategory) -> bool {
        self.categories.contains(&c)
    }
}

pub async fn letter(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    id: Uuid,
    disclosure_id: Uuid,
) -> AppResult<Letter> {
    let opened = records::open(state, actor, person_id, Action::ViewPerson).await?;
    let conn = state.db.conn();
    let r = load(conn, actor.org_id, person_id, id).await?;
    let d = disclosure::Entity::find()
        .filter(disclosure::Column::OrgId.eq(actor.org_id))
        .filter(disclosure::Column::PersonId.eq(person_id))
        .filter(disclosure::Column::Id.eq(disclosure_id))
        .filter(disclosure::Column::ReferralId.eq(id))
        .filter(disclosure::Column::Channel.eq(DisclosureChannel::Printout.code()))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let consent = consent::Entity::find()
        .filter(consent::Column::OrgId.eq(actor.org_id))
        .filter(consent::Column::Id.eq(d.consent_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = org_of(state, actor.org_id).await?;
    let names = staff_names(conn, actor.org_id).await?;
    let resource = resource(conn, actor.org_id, &r.service_id, r.service_at_location_id.as_deref()).await?;
    audit_read(state, actor, "referral.letter-view", person_id, json!({ "referral_id": id, "disclosure_id": d.id }))
        .await?;
    Ok(Letter {
        person: opened.person,
        law: stored(&consent.law)?,
        categories: split_codes(&d.categories),
        worker_name: names.get(&d.disclosed_by).cloned().unwrap_or_default(),
        date: local_date(&org.time_zone, d.disclosed_at),
        org_name: org.name,
        referral: r,
        resource,
        consent,
        disclosure: d,
    })
}

// ---------- the person's timeline ----------

/// Every status change of the person's referrals with its referral, for the timeline.
pub async fn timeline_rows(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<(referral_event::Model, referral::Model)>, DbErr> {
    let referrals = referral::Entity::find()
        .filter(referral::Column::OrgId.eq(org_id))
        .filter(referral::Column::PersonId.eq(person_id))
        .all(conn)
        .await?;
    if referrals.is_empty() {
        return Ok(Vec::new());
    }
    let by_id: HashMap<Uuid, referral::Model> = referrals.into_iter().map(|r| (r.id, r)).collect();
    let events = referral_event::Entity::find()
        .filter(referral_event::Column::OrgId.eq(org_id))
        .filter(referral_event::Column::ReferralId.is_in(by_id.keys().copied().collect::<Vec<_>>()))
        .order_by_asc(referral_event::Column::At)
        .all(conn)
        .await?;
    Ok(events.into_iter().filter_map(|e| by_id.get(&e.referral_id).cloned().map(|r| (e, r))).collect())
}

/// Whether the actor may make referrals for people they reach (for showing the buttons).
pub fn may_refer(actor: &Actor, reach: Reach) -> bool {
    access::allows(actor, Action::EditPerson, reach)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input() -> ReferralInput {
        ReferralInput {
            need: "housing".into(),
            service_id: "svc-1".into(),
            urgency: "this-week".into(),
            help: "warm-handoff".into(),
            ..Default::default()
        }
    }

    #[test]
    fn follow_up_defaults_by_urgency() {
        let today = date!(2026 - 11 - 18);
        let v = input().parse(today).expect("valid");
        assert_eq!(v.follow_up_on, date!(2026 - 11 - 25));
        assert_eq!(v.need_identified_on, today);
        let mut urgent = input();
        urgent.urgency = "today".into();
        assert_eq!(urgent.parse(today).expect("valid").follow_up_on, date!(2026 - 11 - 20));
        urgent.urgency = "routine".into();
        assert_eq!(urgent.parse(today).expect("valid").follow_up_on, date!(2026 - 12 - 02));
    }

    #[test]
    fn bad_input_names_each_field() {
        let today = date!(2026 - 11 - 18);
        let bad = ReferralInput {
            need: "snacks".into(),
            need_identified_on: Some("2026-11-19".into()),
            urgency: String::new(),
            help: "carried".into(),
            shared: vec!["identity".into(), "shoe-size".into()],
            follow_up_on: Some("2026-11-01".into()),
            assigned_to: Some("nobody".into()),
            language: Some("de".into()),
            ..Default::default()
        };
        let errors = bad.parse(today).expect_err("invalid");
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "need",
            "need_identified_on",
            "service_id",
            "urgency",
            "help",
            "shared",
            "follow_up_on",
            "assigned_to",
            "language",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
        assert_eq!(errors.for_field("need_identified_on").map(|e| e.message_id), Some("error-date-in-future"));
    }

    #[test]
    fn shared_categories_keep_the_form_order_without_repeats() {
        let mut i = input();
        i.shared = vec!["contact-details".into(), "identity".into(), "identity".into()];
        let v = i.parse(date!(2026 - 11 - 18)).expect("valid");
        assert_eq!(v.shared, vec![InfoCategory::Identity, InfoCategory::ContactDetails]);
    }

    #[test]
    fn transitions() {
        use ReferralStatus::*;
        assert!(may_move(Draft, Sent));
        assert!(!may_move(Draft, Completed), "a draft was never sent");
        assert!(may_move(Sent, Sent), "a follow-up note keeps the status");
        assert!(may_move(InProgress, Completed));
        assert!(!may_move(Completed, Completed));
        assert!(may_move(Completed, InProgress), "reopened");
        assert!(!may_move(Cancelled, Sent));
        assert!(!may_move(Declined, InProgress));
        for s in ReferralStatus::ALL {
            for t in next_statuses(*s) {
                assert_ne!(s, t);
            }
        }
    }

    #[test]
    fn printout_language_from_what_the_person_speaks() {
        assert_eq!(printout_language(Some("Spanish"), "en"), UiLanguage::Es);
        assert_eq!(printout_language(Some("Español"), "en"), UiLanguage::Es);
        assert_eq!(printout_language(Some("fr-CA"), "en"), UiLanguage::Fr);
        assert_eq!(printout_language(Some("Français"), "en"), UiLanguage::Fr);
        assert_eq!(printout_language(Some("Somali"), "fr"), UiLanguage::Fr, "the organisation's default");
        assert_eq!(printout_language(None, "xx"), UiLanguage::En);
    }

    #[test]
    fn gap_messages_match_the_consent_rule() {
        for gap in [
            ConsentGap::NotYetSigned,
            ConsentGap::Revoked,
            ConsentGap::Expired,
            ConsentGap::OtherRecipient,
            ConsentGap::Purpose,
            ConsentGap::Categories,
        ] {
            assert_eq!(crate::consents::gap_message_id(gap), gap.message_id());
        }
    }

    #[test]
    fn letters_always_name_the_person() {
        assert_eq!(letter_categories(&[]), vec![InfoCategory::Identity]);
        assert_eq!(
            letter_categories(&[InfoCategory::ReasonForReferral, InfoCategory::Identity]),
            vec![InfoCategory::Identity, InfoCategory::ReasonForReferral]
        );
    }

    fn row(need: UnmetNeed, program: u128, identified: Date, referred: Date, connected: Option<bool>) -> ReportRow {
        ReportRow {
            need,
            program_id: Some(Uuid::from_u128(program)),
            need_identified_on: identified,
            referred_on: referred,
            connected,
            need_met: connected.map(|c| if c { NeedMet::Yes } else { NeedMet::No }),
        }
    }

    #[test]
    fn measures_on_a_known_set() {
        let d = |day: u8| Date::from_calendar_date(2026, time::Month::March, day).expect("date");
        let rows = vec![
            row(UnmetNeed::Housing, 1, d(1), d(1), Some(true)),  // 0 days
            row(UnmetNeed::Housing, 1, d(1), d(3), Some(false)), // 2 days
            row(UnmetNeed::Housing, 2, d(1), d(6), None),        // 5 days
            row(UnmetNeed::Legal, 2, d(1), d(11), Some(true)),   // 10 days
        ];
        let programs =
            HashMap::from([(Uuid::from_u128(1), "B program".into()), (Uuid::from_u128(2), "A program".into())]);
        let (all, by_need, by_program) = summarise(&rows, &programs);
        assert_eq!(all.referrals, 4);
        assert_eq!(all.median_days_to_referral, Some(3.5));
        assert_eq!((all.within_2_days, all.within_7_days), (2, 3));
        assert_eq!((all.share_within_2(), all.share_within_7()), (Some(50), Some(75)));
        assert_eq!((all.with_outcome, all.connected, all.share_connected()), (3, 2, Some(67)));
        assert_eq!((all.need_met_yes, all.need_met_no, all.share_need_met()), (2, 1, Some(67)));
        assert_eq!(by_need.len(), 2);
        assert_eq!(by_need[0].need, UnmetNeed::Legal, "in the list's order");
        assert_eq!(by_need[1].measures.median_days_to_referral, Some(2.0));
        assert_eq!(by_program.iter().map(|p| p.program.as_str()).collect::<Vec<_>>(), ["A program", "B program"]);
        assert_eq!(by_program[0].measures.referrals, 2);
        assert_eq!(Measures::of(&[]).share_connected(), None);
    }
}
