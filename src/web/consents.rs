//! Consent and disclosure pages: a person's consents (list, record, each consent with revocation
//! and its end event, printable forms in the person's language), the accounting of disclosures
//! (and its printout for the person), recording a disclosure made outside a referral, and
//! information prepared for a third party with the redisclosure notice.

use super::intake::{Values, code_label, code_options};
use super::people::PersonView;
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::app::{AppState, format_local};
use crate::consents::{
    self, Accounting, AccountingFor, AccountingRow, Attended, ConsentInput, ConsentStatus, DirectoryOrg,
    DisclosureInput, EndEventInput, Packet, PacketInput, RevokeInput, Status, notice_message_id, print_language,
    status_of,
};
use crate::db::entities::{consent, disclosure, person};
use crate::domain::FieldErrors;
use crate::domain::coaching::{ContactMode, GoalProgress, LifeDomain, PlanStatus};
use crate::domain::codes::{TextCode, UiLanguage, split_codes};
use crate::domain::consent::{
    ConsentLaw, ConsentPurpose, ConsentSigner, DisclosureChannel, InfoCategory, SignatureMethod,
};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use std::borrow::Borrow;
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people/{id}/consents", get(list_page).post(create))
        .route("/people/{id}/consents/new", get(new_page))
        .route("/people/{id}/consents/print", get(print_blank).post(print_draft))
        .route("/people/{id}/consents/{cid}", get(consent_page))
        .route("/people/{id}/consents/{cid}/revoke", post(revoke))
        .route("/people/{id}/consents/{cid}/end-event", post(end_event))
        .route("/people/{id}/consents/{cid}/print", get(print_consent))
        .route("/people/{id}/disclosures", get(accounting_page).post(record_disclosure))
        .route("/people/{id}/disclosures/print", get(accounting_print))
        .route("/people/{id}/disclosures/new", get(new_disclosure))
        .route("/people/{id}/disclosures/packet", get(packet_form).post(packet))
}

// ---------- helpers ----------

/// The first value sent under `name` in a form read as pairs.
fn field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

/// Every value sent under `name` (checkbox groups).
fn fields(form: &[(String, String)], name: &str) -> Vec<String> {
    form.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect()
}

fn values_of(form: &[(String, String)]) -> Values {
    Values(form.iter().filter(|(k, _)| k != "csrf_token").cloned().collect())
}

/// Labels of codes stored joined with ';'.
fn labels<T: TextCode>(tr: &Tr, joined: &str) -> String {
    joined.split(';').filter(|c| !c.is_empty()).map(|c| code_label::<T>(tr, c)).collect::<Vec<_>>().join(", ")
}

/// `(code, label, checked)` for a checkbox group.
fn checks<T: TextCode + PartialEq>(tr: &Tr, all: &[T], on: &[String]) -> Vec<(&'static str, String, bool)> {
    all.iter().map(|c| (c.code(), tr.t(&c.message_id()), on.iter().any(|o| o == c.code()))).collect()
}

fn language_options(selected: UiLanguage) -> Vec<(&'static str, &'static str, bool)> {
    UiLanguage::ALL.iter().map(|l| (l.code(), Tr::native_name(*l), *l == selected)).collect()
}

/// The language a printout for the person uses: asked for, else theirs, else the reader's.
fn person_language(asked: Option<&str>, person: &person::Model, reader: UiLanguage) -> UiLanguage {
    asked.and_then(UiLanguage::parse).or_else(|| print_language(person.preferred_language.as_deref())).unwrap_or(reader)
}

/// A consent's status in words: "In force · until 2027-05-01", "Revoked · on 2026-03-01".
pub fn status_text(tr: &Tr, status: &Status, c: &consent::Model) -> String {
    let head = tr.t(&status.code.message_id());
    let date = status.on.map(|d| d.to_string()).unwrap_or_default();
    let detail = match status.code {
        ConsentStatus::InForce => {
            let until_date = status.on.map(|_| tr.t1("consent-status-until-date", "date", &date));
            let until_event =
                c.expiry_event.as_deref().map(|event| tr.t1("consent-status-until-event", "event", event));
            match (until_date, until_event) {
                (Some(d), Some(e)) => Some(format!("{d} · {e}")),
                (d, e) => d.or(e),
            }
        }
        ConsentStatus::NotYetSigned => Some(tr.t1("consent-status-signed-for", "date", &date)),
        ConsentStatus::Expired if status.by_event => Some(tr.with_args(
            "consent-status-event-on",
            &[("date", date.clone()), ("event", c.expiry_event.clone().unwrap_or_default())],
        )),
        ConsentStatus::Expired => Some(tr.t1("consent-status-expired-on", "date", &date)),
        ConsentStatus::Revoked => Some(tr.t1("consent-status-revoked-on", "date", &date)),
    };
    match detail {
        Some(d) => format!("{head} · {d}"),
        None => head,
    }
}

/// The tag colour of a status.
pub fn status_class(status: &Status) -> &'static str {
    match status.code {
        ConsentStatus::InForce => "tag-success",
        ConsentStatus::NotYetSigned => "tag-warning",
        ConsentStatus::Expired => "tag-muted",
        ConsentStatus::Revoked => "tag-danger",
    }
}

/// What a consent's page and printouts show, whichever page they are on.
pub struct ConsentFacts<'a> {
    tr: &'a Tr,
}

impl ConsentFacts<'_> {
    fn law(&self, code: &str) -> String {
        code_label::<ConsentLaw>(self.tr, code)
    }
    fn categories(&self, joined: &str) -> String {
        labels::<InfoCategory>(self.tr, joined)
    }
    fn purposes(&self, joined: &str) -> String {
        labels::<ConsentPurpose>(self.tr, joined)
    }
}

// ---------- the list ----------

/// One consent in a list, with its status on the day shown.
pub struct ConsentRow {
    pub consent: consent::Model,
    pub status: Status,
}

#[derive(Template, WebTemplate)]
#[template(path = "consents/list.html")]
pub struct ListPage {
    pub shell: Shell,
    pub person: person::Model,
    pub consents: Vec<ConsentRow>,
    pub can_edit: bool,
    pub print_language: UiLanguage,
}

impl ListPage {
    pub fn status(&self, row: &ConsentRow) -> String {
        status_text(&self.shell.tr, &row.status, &row.consent)
    }
    pub fn status_class(&self, row: &ConsentRow) -> &'static str {
        status_class(&row.status)
    }
    pub fn categories(&self, joined: &str) -> String {
        ConsentFacts { tr: &self.shell.tr }.categories(joined)
    }
    pub fn purposes(&self, joined: &str) -> String {
        ConsentFacts { tr: &self.shell.tr }.purposes(joined)
    }
    pub fn law(&self, code: &str) -> String {
        ConsentFacts { tr: &self.shell.tr }.law(code)
    }
    pub fn languages(&self) -> Vec<(&'static str, &'static str, bool)> {
        language_options(self.print_language)
    }
}

pub async fn list_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<ListPage> {
    let found = consents::list(&ctx.state, &ctx.actor, id).await?;
    let today = found.today;
    let print_language = person_language(None, &found.opened.person, ctx.tr.lang);
    Ok(ListPage {
        shell: ctx.shell().await?,
        person: found.opened.person,
        consents: found.consents.into_iter().map(|c| ConsentRow { status: status_of(&c, today), consent: c }).collect(),
        can_edit: found.can_edit,
        print_language,
    })
}

// ---------- recording a consent ----------

#[derive(Template, WebTemplate)]
#[template(path = "consents/form.html")]
pub struct FormPage {
    pub shell: Shell,
    pub person: person::Model,
    pub values: Values,
    pub categories: Vec<String>,
    pub purposes: Vec<String>,
    pub errors: FormErrors,
    /// The organisation, then "Organisation — Program" for each active program.
    pub disclosers: Vec<String>,
    pub chosen: Option<DirectoryOrg>,
    pub results: Vec<DirectoryOrg>,
    pub searched: bool,
    pub print_language: UiLanguage,
}

impl FormPage {
    pub fn law_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<ConsentLaw>(&self.shell.tr, &self.values.v("law"))
    }
    pub fn discloser_options(&self) -> Vec<(String, String, bool)> {
        let current = self.values.v("discloser");
        let mut out: Vec<(String, String, bool)> =
            self.disclosers.iter().map(|d| (d.clone(), d.clone(), *d == current)).collect();
        if !current.is_empty() && !self.disclosers.contains(&current) {
            out.push((current.clone(), current, true));
        }
        out
    }
    pub fn category_options(&self) -> Vec<(&'static str, String, bool)> {
        checks(&self.shell.tr, InfoCategory::ALL, &self.categories)
    }
    pub fn purpose_options(&self) -> Vec<(&'static str, String, bool)> {
        checks(&self.shell.tr, ConsentPurpose::ALL, &self.purposes)
    }
    pub fn signer_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<ConsentSigner>(&self.shell.tr, &self.values.v("signer"))
    }
    pub fn method_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<SignatureMethod>(&self.shell.tr, &self.values.v("signature_method"))
    }
    pub fn languages(&self) -> Vec<(&'static str, &'static str, bool)> {
        language_options(self.print_language)
    }
    pub fn result_checked(&self, id: &str) -> bool {
        self.values.v("recipient_organization_id") == id
    }
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    /// Prefill from the referral flow: the directory organisation to name as recipient.
    recipient_organization_id: Option<String>,
    /// Start from an existing consent's terms (a change is a new consent).
    from: Option<Uuid>,
}

async fn form_page(
    ctx: &Ctx,
    fc: consents::FormContext,
    values: Values,
    categories: Vec<String>,
    purposes: Vec<String>,
    errors: &FieldErrors,
    search: Option<&str>,
) -> AppResult<FormPage> {
    let conn = ctx.state.db.conn();
    let mut disclosers = vec![fc.org.name.clone()];
    disclosers.extend(fc.programs.iter().map(|p| format!("{} — {}", fc.org.name, p.name)));
    let chosen_id = values.v("recipient_organization_id");
    let chosen = if chosen_id.is_empty() || search.is_some() {
        None
    } else {
        consents::directory_organization(conn, ctx.actor.org_id, &chosen_id).await?
    };
    let results = match search {
        Some(q) => consents::find_organizations(conn, ctx.actor.org_id, q, 20).await?,
        None => Vec::new(),
    };
    let asked = values.0.get("print_language").map(String::as_str);
    let print_language = person_language(asked, &fc.opened.person, ctx.tr.lang);
    Ok(FormPage {
        shell: ctx.shell().await?,
        person: fc.opened.person,
        values,
        categories,
        purposes,
        errors: FormErrors::new(&ctx.tr, errors),
        disclosers,
        chosen,
        results,
        searched: search.is_some(),
        print_language,
    })
}

pub async fn new_page(ctx: Ctx, Path(id): Path<Uuid>, Query(q): Query<NewQuery>) -> AppResult<FormPage> {
    let fc = consents::form_context(&ctx.state, &ctx.actor, id).await?;
    let mut input = ConsentInput {
        law: Some(fc.default_law.code().into()),
        discloser: Some(fc.org.name.clone()),
        recipient_organization_id: q.recipient_organization_id.clone().filter(|r| !r.trim().is_empty()),
        signed_on: Some(fc.today.to_string()),
        signer: Some(ConsentSigner::Person.code().into()),
        ..Default::default()
    };
    if let Some(from) = q.from {
        // A change to a consent is recorded as a new one: start from its terms, sign anew.
        let base = consents::get(&ctx.state, &ctx.actor, Some(id), from).await?.consent;
        input.law = Some(base.law);
        input.discloser = Some(base.discloser);
        input.recipient_organization_id = base.recipient_organization_id;
        input.recipient_name = Some(base.recipient_name);
        input.recipient_detail = base.recipient_detail;
        input.categories = split_codes::<InfoCategory>(&base.categories).iter().map(|c| c.code().into()).collect();
        input.information_detail = Some(base.information_detail);
        input.purposes = split_codes::<ConsentPurpose>(&base.purposes).iter().map(|c| c.code().into()).collect();
        input.purpose_detail = base.purpose_detail;
        input.expiry_event = base.expiry_event;
    }
    let (categories, purposes) = (input.categories.clone(), input.purposes.clone());
    form_page(&ctx, fc, Values::of(&input), categories, purposes, &FieldErrors::new(), None).await
}

fn consent_input(form: &[(String, String)]) -> ConsentInput {
    let get = |k: &str| field(form, k);
    ConsentInput {
        law: get("law"),
        discloser: get("discloser"),
        recipient_organization_id: get("recipient_organization_id"),
        recipient_name: get("recipient_name"),
        recipient_detail: get("recipient_detail"),
        categories: fields(form, "categories"),
        information_detail: get("information_detail"),
        purposes: fields(form, "purposes"),
        purpose_detail: get("purpose_detail"),
        expires_on: get("expires_on"),
        expiry_event: get("expiry_event"),
        signed_on: get("signed_on"),
        signer: get("signer"),
        signer_name: get("signer_name"),
        signer_authority: get("signer_authority"),
        signature_method: get("signature_method"),
        revocation_explained: get("revocation_explained").is_some(),
    }
}

/// Saves the consent, or (with `action=find`) searches the directory for the recipient, or
/// (`action=clear-recipient`) lets another recipient be chosen; typed values are kept either way.
pub async fn create(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = consent_input(&form);
    let mut values = values_of(&form);
    let (categories, purposes) = (input.categories.clone(), input.purposes.clone());
    match field(&form, "action").as_deref() {
        Some("find") => {
            let fc = consents::form_context(&ctx.state, &ctx.actor, id).await?;
            let query = field(&form, "recipient_query").unwrap_or_default();
            values.0.remove("recipient_organization_id");
            let page = form_page(&ctx, fc, values, categories, purposes, &FieldErrors::new(), Some(&query)).await?;
            return Ok(page.into_response());
        }
        Some("clear-recipient") => {
            let fc = consents::form_context(&ctx.state, &ctx.actor, id).await?;
            values.0.remove("recipient_organization_id");
            let page = form_page(&ctx, fc, values, categories, purposes, &FieldErrors::new(), None).await?;
            return Ok(page.into_response());
        }
        _ => {}
    }
    match consents::create(&ctx.state, &ctx.actor, id, &input).await {
        Ok(saved) => {
            ctx.flash("success", "consent-recorded").await?;
            Ok(see_other(&format!("/people/{id}/consents/{}", saved.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let fc = consents::form_context(&ctx.state, &ctx.actor, id).await?;
            let page = form_page(&ctx, fc, values, categories, purposes, &errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- one consent ----------

#[derive(Template, WebTemplate)]
#[template(path = "consents/show.html")]
pub struct ConsentPage {
    pub shell: Shell,
    pub person: person::Model,
    pub consent: consent::Model,
    pub status: Status,
    pub disclosures: Vec<disclosure::Model>,
    pub staff_names: HashMap<Uuid, String>,
    pub can_edit: bool,
    pub today: Date,
    pub zone: String,
    pub revoke_values: Values,
    pub revoke_errors: FormErrors,
    pub event_values: Values,
    pub event_errors: FormErrors,
    /// Someone changed the consent while this reader was deciding.
    pub conflict: bool,
    pub print_language: UiLanguage,
}

impl ConsentPage {
    pub fn status_text(&self) -> String {
        status_text(&self.shell.tr, &self.status, &self.consent)
    }
    pub fn status_class(&self) -> &'static str {
        status_class(&self.status)
    }
    pub fn law(&self) -> String {
        ConsentFacts { tr: &self.shell.tr }.law(&self.consent.law)
    }
    pub fn categories(&self, joined: &str) -> String {
        ConsentFacts { tr: &self.shell.tr }.categories(joined)
    }
    pub fn purposes(&self, joined: &str) -> String {
        ConsentFacts { tr: &self.shell.tr }.purposes(joined)
    }
    pub fn signer(&self) -> String {
        code_label::<ConsentSigner>(&self.shell.tr, &self.consent.signer)
    }
    pub fn method(&self) -> String {
        code_label::<SignatureMethod>(&self.shell.tr, &self.consent.signature_method)
    }
    pub fn channel(&self, code: &str) -> String {
        code_label::<DisclosureChannel>(&self.shell.tr, code)
    }
    pub fn staff(&self, id: impl Borrow<Uuid>) -> String {
        self.staff_names.get(id.borrow()).cloned().unwrap_or_default()
    }
    pub fn revoked_by(&self) -> String {
        self.consent.revoked_by.map(|id| self.staff(id)).unwrap_or_default()
    }
    pub fn when(&self, at: impl Borrow<OffsetDateTime>) -> String {
        format_local(&self.zone, *at.borrow())
    }
    /// Revocation ends a consent that has not ended on its own.
    pub fn can_revoke(&self) -> bool {
        self.can_edit && matches!(self.status.code, ConsentStatus::InForce | ConsentStatus::NotYetSigned)
    }
    pub fn can_record_event(&self) -> bool {
        self.can_edit
            && self.consent.expiry_event.is_some()
            && self.consent.expiry_event_on.is_none()
            && self.consent.revoked_on.is_none()
    }
    pub fn languages(&self) -> Vec<(&'static str, &'static str, bool)> {
        language_options(self.print_language)
    }
}

async fn consent_page_for(ctx: &Ctx, id: Uuid, cid: Uuid) -> AppResult<ConsentPage> {
    let view = consents::get(&ctx.state, &ctx.actor, Some(id), cid).await?;
    let mut today_values = Values::default();
    today_values.0.insert("revoked_on".into(), view.today.to_string());
    let mut event_values = Values::default();
    event_values.0.insert("happened_on".into(), view.today.to_string());
    let print_language = person_language(None, &view.opened.person, ctx.tr.lang);
    Ok(ConsentPage {
        shell: ctx.shell().await?,
        status: status_of(&view.consent, view.today),
        person: view.opened.person,
        consent: view.consent,
        disclosures: view.disclosures,
        staff_names: view.staff_names,
        can_edit: view.can_edit,
        today: view.today,
        zone: view.org.time_zone,
        revoke_values: today_values,
        revoke_errors: FormErrors::default(),
        event_values,
        event_errors: FormErrors::default(),
        conflict: false,
        print_language,
    })
}

pub async fn consent_page(ctx: Ctx, Path((id, cid)): Path<(Uuid, Uuid)>) -> AppResult<ConsentPage> {
    consent_page_for(&ctx, id, cid).await
}

fn version_of(form: &[(String, String)]) -> AppResult<i32> {
    field(form, "version")
        .and_then(|v| v.trim().parse().ok())
        .ok_or(AppError::Invalid(FieldErrors::single("version", "error-required")))
}

/// After a failed revocation or end-event form: the page again, with the messages (422) or, when
/// someone changed the consent meanwhile, as it now stands (409).
async fn after_change(
    ctx: &Ctx,
    id: Uuid,
    cid: Uuid,
    result: AppResult<consent::Model>,
    form: &[(String, String)],
    revoking: bool,
    done: &str,
) -> AppResult<Response> {
    match result {
        Ok(_) => {
            ctx.flash("success", done).await?;
            Ok(see_other(&format!("/people/{id}/consents/{cid}")))
        }
        Err(AppError::Invalid(errors)) => {
            let mut page = consent_page_for(ctx, id, cid).await?;
            if revoking {
                page.revoke_values = values_of(form);
                page.revoke_errors = FormErrors::new(&ctx.tr, &errors);
            } else {
                page.event_values = values_of(form);
                page.event_errors = FormErrors::new(&ctx.tr, &errors);
            }
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let mut page = consent_page_for(ctx, id, cid).await?;
            page.conflict = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

/// The consent must belong to the person the address names.
async fn check_owner(ctx: &Ctx, id: Uuid, cid: Uuid) -> AppResult<()> {
    let row = consent::Entity::find_by_id(cid)
        .filter(consent::Column::OrgId.eq(ctx.actor.org_id))
        .one(ctx.state.db.conn())
        .await?;
    match row {
        Some(c) if c.person_id == id => Ok(()),
        _ => Err(AppError::NotFound),
    }
}

pub async fn revoke(
    ctx: Ctx,
    Path((id, cid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    check_owner(&ctx, id, cid).await?;
    let input = RevokeInput { revoked_on: field(&form, "revoked_on"), note: field(&form, "note") };
    let result = match version_of(&form) {
        Ok(version) => consents::revoke(&ctx.state, &ctx.actor, cid, version, &input).await,
        Err(e) => Err(e),
    };
    after_change(&ctx, id, cid, result, &form, true, "consent-revoked").await
}

pub async fn end_event(
    ctx: Ctx,
    Path((id, cid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    check_owner(&ctx, id, cid).await?;
    let input = EndEventInput { happened_on: field(&form, "happened_on") };
    let result = match version_of(&form) {
        Ok(version) => consents::record_end_event(&ctx.state, &ctx.actor, cid, version, &input).await,
        Err(e) => Err(e),
    };
    after_change(&ctx, id, cid, result, &form, false, "consent-end-event-recorded").await
}

// ---------- printable consent forms ----------

/// A consent as printed: a recorded one, or a form being filled in (blanks left to write on).
pub struct ConsentDoc {
    pub law: Option<ConsentLaw>,
    pub discloser: String,
    pub recipient_name: String,
    pub recipient_detail: String,
    pub categories: Vec<InfoCategory>,
    pub information_detail: String,
    pub purposes: Vec<ConsentPurpose>,
    pub purpose_detail: String,
    pub expires_on: String,
    pub expiry_event: String,
    pub signed_on: String,
    pub signer: Option<ConsentSigner>,
    pub signer_name: String,
    pub signer_authority: String,
    pub signature_method: Option<SignatureMethod>,
    pub revoked_on: Option<Date>,
    pub recorded: bool,
}

impl ConsentDoc {
    fn of(c: &consent::Model) -> ConsentDoc {
        ConsentDoc {
            law: ConsentLaw::parse(&c.law),
            discloser: c.discloser.clone(),
            recipient_name: c.recipient_name.clone(),
            recipient_detail: c.recipient_detail.clone().unwrap_or_default(),
            categories: split_codes(&c.categories),
            information_detail: c.information_detail.clone(),
            purposes: split_codes(&c.purposes),
            purpose_detail: c.purpose_detail.clone().unwrap_or_default(),
            expires_on: c.expires_on.map(|d| d.to_string()).unwrap_or_default(),
            expiry_event: c.expiry_event.clone().unwrap_or_default(),
            signed_on: c.signed_on.to_string(),
            signer: ConsentSigner::parse(&c.signer),
            signer_name: c.signer_name.clone(),
            signer_authority: c.signer_authority.clone().unwrap_or_default(),
            signature_method: SignatureMethod::parse(&c.signature_method),
            revoked_on: c.revoked_on,
            recorded: true,
        }
    }

    /// What has been typed so far; nothing is checked, unknown codes are left out.
    fn draft(input: &ConsentInput, recipient: Option<&DirectoryOrg>) -> ConsentDoc {
        let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_string();
        ConsentDoc {
            law: input.law.as_deref().and_then(ConsentLaw::parse),
            discloser: text(&input.discloser),
            recipient_name: recipient.map(|r| r.name.clone()).unwrap_or_else(|| text(&input.recipient_name)),
            recipient_detail: text(&input.recipient_detail),
            categories: input.categories.iter().filter_map(|c| InfoCategory::parse(c)).collect(),
            information_detail: text(&input.information_detail),
            purposes: input.purposes.iter().filter_map(|c| ConsentPurpose::parse(c)).collect(),
            purpose_detail: text(&input.purpose_detail),
            expires_on: text(&input.expires_on),
            expiry_event: text(&input.expiry_event),
            // The date is written by hand when the person signs.
            signed_on: String::new(),
            signer: input.signer.as_deref().and_then(ConsentSigner::parse),
            signer_name: text(&input.signer_name),
            signer_authority: text(&input.signer_authority),
            signature_method: None,
            revoked_on: None,
            recorded: false,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "consents/print.html")]
pub struct ConsentPrint {
    pub shell: Shell,
    pub person: person::Model,
    pub doc: ConsentDoc,
    pub org_name: String,
}

impl ConsentPrint {
    pub fn categories(&self) -> Vec<(String, bool)> {
        InfoCategory::ALL.iter().map(|c| (self.shell.t(&c.message_id()), self.doc.categories.contains(c))).collect()
    }
    pub fn purposes(&self) -> Vec<(String, bool)> {
        ConsentPurpose::ALL.iter().map(|c| (self.shell.t(&c.message_id()), self.doc.purposes.contains(c))).collect()
    }
    /// What the law protects and allows, for the law the consent is written under.
    pub fn law_text(&self) -> String {
        match self.doc.law {
            Some(law) => self.shell.t(&format!("consent-form-law-{}", law.code())),
            None => String::new(),
        }
    }
    pub fn law_name(&self) -> String {
        self.doc.law.map(|l| self.shell.t(&l.message_id())).unwrap_or_default()
    }
    pub fn revoke_text(&self) -> String {
        let discloser = if self.doc.discloser.is_empty() { self.org_name.clone() } else { self.doc.discloser.clone() };
        self.shell.t1("consent-form-revoke", "discloser", discloser)
    }
    pub fn signer_is_person(&self) -> bool {
        self.doc.signer.is_none_or(|s| s == ConsentSigner::Person)
    }
    pub fn signer_label(&self) -> String {
        self.doc.signer.map(|s| self.shell.t(&s.message_id())).unwrap_or_default()
    }
    pub fn method_label(&self) -> String {
        self.doc.signature_method.map(|s| self.shell.t(&s.message_id())).unwrap_or_default()
    }
    pub fn dob(&self) -> String {
        self.person.date_of_birth.map(|d| d.to_string()).unwrap_or_default()
    }
}

#[derive(Deserialize, Default)]
pub struct LangQuery {
    lang: Option<String>,
}

async fn print_shell(ctx: &Ctx, lang: UiLanguage) -> AppResult<Shell> {
    let mut shell = ctx.shell().await?;
    shell.tr = Tr::new(lang);
    Ok(shell)
}

/// A blank consent form with the person's name, to fill in and sign on paper.
pub async fn print_blank(ctx: Ctx, Path(id): Path<Uuid>, Query(q): Query<LangQuery>) -> AppResult<ConsentPrint> {
    let fc = consents::form_context(&ctx.state, &ctx.actor, id).await?;
    let lang = person_language(q.lang.as_deref(), &fc.opened.person, ctx.tr.lang);
    consents::record_print(&ctx.state, &ctx.actor, id, None, lang).await?;
    let input = ConsentInput {
        law: Some(fc.default_law.code().into()),
        discloser: Some(fc.org.name.clone()),
        ..Default::default()
    };
    Ok(ConsentPrint {
        shell: print_shell(&ctx, lang).await?,
        doc: ConsentDoc::draft(&input, None),
        person: fc.opened.person,
        org_name: fc.org.name,
    })
}

/// The consent being filled in on the form, printed for the person to read and sign.
pub async fn print_draft(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<ConsentPrint> {
    let fc = consents::form_context(&ctx.state, &ctx.actor, id).await?;
    let input = consents::with_defaults(&consent_input(&form), &fc.org);
    let lang = person_language(field(&form, "print_language").as_deref(), &fc.opened.person, ctx.tr.lang);
    let recipient = match input.recipient_organization_id.as_deref().filter(|r| !r.trim().is_empty()) {
        Some(rid) => consents::directory_organization(ctx.state.db.conn(), ctx.actor.org_id, rid).await?,
        None => None,
    };
    consents::record_print(&ctx.state, &ctx.actor, id, None, lang).await?;
    Ok(ConsentPrint {
        shell: print_shell(&ctx, lang).await?,
        doc: ConsentDoc::draft(&input, recipient.as_ref()),
        person: fc.opened.person,
        org_name: fc.org.name,
    })
}

/// A recorded consent, printed for the person's own copy.
pub async fn print_consent(
    ctx: Ctx,
    Path((id, cid)): Path<(Uuid, Uuid)>,
    Query(q): Query<LangQuery>,
) -> AppResult<ConsentPrint> {
    let view = consents::get(&ctx.state, &ctx.actor, Some(id), cid).await?;
    let lang = person_language(q.lang.as_deref(), &view.opened.person, ctx.tr.lang);
    consents::record_print(&ctx.state, &ctx.actor, id, Some(cid), lang).await?;
    Ok(ConsentPrint {
        shell: print_shell(&ctx, lang).await?,
        doc: ConsentDoc::of(&view.consent),
        person: view.opened.person,
        org_name: view.org.name,
    })
}

// ---------- the accounting of disclosures ----------

/// What the accounting shows of a line, in the reader's (or the person's) language.
pub struct AccountingLines<'a> {
    tr: &'a Tr,
    zone: &'a str,
}

impl AccountingLines<'_> {
    fn when(&self, at: OffsetDateTime) -> String {
        format_local(self.zone, at)
    }
    fn what(&self, row: &AccountingRow) -> String {
        let kinds = labels::<InfoCategory>(self.tr, &row.disclosure.categories);
        match &row.disclosure.description {
            Some(d) => format!("{kinds} — {d}"),
            None => kinds,
        }
    }
    fn why(&self, row: &AccountingRow) -> String {
        code_label::<ConsentPurpose>(self.tr, &row.disclosure.purpose)
    }
    fn how(&self, row: &AccountingRow) -> String {
        let channel = code_label::<DisclosureChannel>(self.tr, &row.disclosure.channel);
        if row.disclosure.notice_included {
            format!("{channel} · {}", self.tr.t("disclosure-notice-went"))
        } else {
            channel
        }
    }
    fn consent(&self, row: &AccountingRow) -> String {
        match &row.consent {
            Some(c) => self.tr.with_args(
                "disclosure-under-consent",
                &[("date", c.signed_on.to_string()), ("law", code_label::<ConsentLaw>(self.tr, &c.law))],
            ),
            None => String::new(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "consents/accounting.html")]
pub struct AccountingPage {
    pub shell: Shell,
    pub person: person::Model,
    pub rows: Vec<AccountingRow>,
    pub since: Date,
    pub today: Date,
    pub zone: String,
    pub can_edit: bool,
    pub print_language: UiLanguage,
}

impl AccountingPage {
    fn lines(&self) -> AccountingLines<'_> {
        AccountingLines { tr: &self.shell.tr, zone: &self.zone }
    }
    pub fn when(&self, row: &AccountingRow) -> String {
        self.lines().when(row.disclosure.disclosed_at)
    }
    pub fn what(&self, row: &AccountingRow) -> String {
        self.lines().what(row)
    }
    pub fn why(&self, row: &AccountingRow) -> String {
        self.lines().why(row)
    }
    pub fn how(&self, row: &AccountingRow) -> String {
        self.lines().how(row)
    }
    pub fn consent(&self, row: &AccountingRow) -> String {
        self.lines().consent(row)
    }
    pub fn period(&self) -> String {
        self.shell
            .tr
            .with_args("disclosures-period", &[("from", self.since.to_string()), ("to", self.today.to_string())])
    }
    pub fn languages(&self) -> Vec<(&'static str, &'static str, bool)> {
        language_options(self.print_language)
    }
}

pub async fn accounting_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<AccountingPage> {
    let a = consents::accounting(&ctx.state, &ctx.actor, id, AccountingFor::Screen).await?;
    let print_language = person_language(None, &a.opened.person, ctx.tr.lang);
    Ok(AccountingPage {
        shell: ctx.shell().await?,
        person: a.opened.person,
        rows: a.rows,
        since: a.since,
        today: a.today,
        zone: a.org.time_zone,
        can_edit: a.can_edit,
        print_language,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "consents/accounting_print.html")]
pub struct AccountingPrint {
    pub shell: Shell,
    pub person: person::Model,
    pub accounting: Accounting,
}

impl AccountingPrint {
    fn lines(&self) -> AccountingLines<'_> {
        AccountingLines { tr: &self.shell.tr, zone: &self.accounting.org.time_zone }
    }
    pub fn when(&self, row: &AccountingRow) -> String {
        self.lines().when(row.disclosure.disclosed_at)
    }
    pub fn what(&self, row: &AccountingRow) -> String {
        self.lines().what(row)
    }
    pub fn why(&self, row: &AccountingRow) -> String {
        self.lines().why(row)
    }
    pub fn how(&self, row: &AccountingRow) -> String {
        self.lines().how(row)
    }
    pub fn consent(&self, row: &AccountingRow) -> String {
        self.lines().consent(row)
    }
    pub fn period(&self) -> String {
        self.shell.tr.with_args(
            "disclosures-period",
            &[("from", self.accounting.since.to_string()), ("to", self.accounting.today.to_string())],
        )
    }
    pub fn intro(&self) -> String {
        self.shell.tr.with_args(
            "disclosures-print-intro",
            &[
                ("org", self.accounting.org.name.clone()),
                ("years", crate::domain::consent::ACCOUNTING_YEARS.to_string()),
            ],
        )
    }
    pub fn questions(&self) -> String {
        self.shell.t1("disclosures-print-questions", "org", self.accounting.org.name.clone())
    }
    pub fn dob(&self) -> String {
        self.person.date_of_birth.map(|d| d.to_string()).unwrap_or_default()
    }
}

/// The accounting printed for the person, in their language. Giving people their own accounting
/// is not a disclosure: it is audited, not added to the accounting.
pub async fn accounting_print(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<LangQuery>,
) -> AppResult<AccountingPrint> {
    let audience =
        AccountingFor::PersonCopy { asked: q.lang.as_deref().and_then(UiLanguage::parse), fallback: ctx.tr.lang };
    let accounting = consents::accounting(&ctx.state, &ctx.actor, id, audience).await?;
    let lang = accounting.language.unwrap_or(ctx.tr.lang);
    Ok(AccountingPrint { shell: print_shell(&ctx, lang).await?, person: accounting.opened.person.clone(), accounting })
}

// ---------- recording a disclosure ----------

#[derive(Template, WebTemplate)]
#[template(path = "consents/disclosure_form.html")]
pub struct DisclosureForm {
    pub shell: Shell,
    pub person: person::Model,
    pub consents: Vec<ConsentRow>,
    pub values: Values,
    pub categories: Vec<String>,
    pub errors: FormErrors,
}

impl DisclosureForm {
    pub fn consent_options(&self) -> Vec<(String, String, bool)> {
        let chosen = self.values.v("consent_id");
        self.consents
            .iter()
            .map(|r| {
                let c = &r.consent;
                let label =
                    format!("{} · {} · {}", c.recipient_name, c.signed_on, status_text(&self.shell.tr, &r.status, c));
                (c.id.to_string(), label, c.id.to_string() == chosen)
            })
            .collect()
    }
    pub fn category_options(&self) -> Vec<(&'static str, String, bool)> {
        checks(&self.shell.tr, InfoCategory::ALL, &self.categories)
    }
    pub fn purpose_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<ConsentPurpose>(&self.shell.tr, &self.values.v("purpose"))
    }
    pub fn channel_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.values.v("channel");
        DisclosureChannel::ALL
            .iter()
            .filter(|c| **c != DisclosureChannel::Referral)
            .map(|c| (c.code(), self.shell.t(&c.message_id()), c.code() == chosen))
            .collect()
    }
}

async fn disclosure_form(
    ctx: &Ctx,
    id: Uuid,
    values: Values,
    categories: Vec<String>,
    errors: &FieldErrors,
) -> AppResult<DisclosureForm> {
    let found = consents::list(&ctx.state, &ctx.actor, id).await?;
    if !found.can_edit {
        crate::records::open(&ctx.state, &ctx.actor, id, crate::access::Action::EditPerson).await?;
    }
    let today = found.today;
    Ok(DisclosureForm {
        shell: ctx.shell().await?,
        person: found.opened.person,
        consents: found.consents.into_iter().map(|c| ConsentRow { status: status_of(&c, today), consent: c }).collect(),
        values,
        categories,
        errors: FormErrors::new(&ctx.tr, errors),
    })
}

#[derive(Deserialize, Default)]
pub struct DisclosureQuery {
    consent_id: Option<Uuid>,
}

pub async fn new_disclosure(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<DisclosureQuery>,
) -> AppResult<DisclosureForm> {
    let mut values = Values::default();
    values.0.insert("notice_included".into(), "on".into());
    if let Some(cid) = q.consent_id {
        values.0.insert("consent_id".into(), cid.to_string());
    }
    disclosure_form(&ctx, id, values, Vec::new(), &FieldErrors::new()).await
}

pub async fn record_disclosure(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let get = |k: &str| field(&form, k);
    let input = DisclosureInput {
        consent_id: get("consent_id"),
        recipient_organization_id: None,
        recipient_name: get("recipient_name"),
        categories: fields(&form, "categories"),
        purpose: get("purpose"),
        channel: get("channel"),
        disclosed_on: get("disclosed_on"),
        disclosed_time: get("disclosed_time"),
        description: get("description"),
        notice_included: get("notice_included").is_some(),
    };
    match consents::disclose(&ctx.state, &ctx.actor, id, &input).await {
        Ok(_) => {
            ctx.flash("success", "disclosure-recorded").await?;
            Ok(see_other(&format!("/people/{id}/disclosures")))
        }
        Err(AppError::Invalid(errors)) => {
            let page = disclosure_form(&ctx, id, values_of(&form), input.categories.clone(), &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- information prepared for a third party ----------

#[derive(Template, WebTemplate)]
#[template(path = "consents/packet_form.html")]
pub struct PacketForm {
    pub shell: Shell,
    pub person: person::Model,
    /// Consents in force today.
    pub consents: Vec<consent::Model>,
    pub chosen: Option<consent::Model>,
    pub values: Values,
    pub categories: Vec<String>,
    pub errors: FormErrors,
    pub language: UiLanguage,
}

impl PacketForm {
    pub fn consent_options(&self) -> Vec<(String, String, bool)> {
        let chosen = self.chosen.as_ref().map(|c| c.id);
        self.consents
            .iter()
            .map(|c| {
                let label = format!("{} · {}", c.recipient_name, labels::<ConsentPurpose>(&self.shell.tr, &c.purposes));
                (c.id.to_string(), label, Some(c.id) == chosen)
            })
            .collect()
    }
    /// Only the kinds of information the chosen consent allows.
    pub fn category_options(&self) -> Vec<(&'static str, String, bool)> {
        let Some(c) = &self.chosen else { return Vec::new() };
        let allowed: Vec<InfoCategory> = split_codes(&c.categories);
        checks(&self.shell.tr, &allowed, &self.categories)
    }
    pub fn purpose_options(&self) -> Vec<(&'static str, String, bool)> {
        let Some(c) = &self.chosen else { return Vec::new() };
        let allowed: Vec<ConsentPurpose> = split_codes(&c.purposes);
        let selected = self.values.v("purpose");
        let only = allowed.len() == 1;
        allowed.iter().map(|p| (p.code(), self.shell.t(&p.message_id()), only || p.code() == selected)).collect()
    }
    pub fn languages(&self) -> Vec<(&'static str, &'static str, bool)> {
        language_options(self.language)
    }
    pub fn chosen_law(&self) -> String {
        self.chosen.as_ref().map(|c| code_label::<ConsentLaw>(&self.shell.tr, &c.law)).unwrap_or_default()
    }
    pub fn chosen_scope(&self) -> String {
        self.chosen.as_ref().map(|c| labels::<InfoCategory>(&self.shell.tr, &c.categories)).unwrap_or_default()
    }
    pub fn is_export(&self) -> bool {
        self.values.v("channel") == "export"
    }
}

async fn packet_form_for(
    ctx: &Ctx,
    id: Uuid,
    consent_id: Option<Uuid>,
    values: Values,
    categories: Option<Vec<String>>,
    errors: &FieldErrors,
) -> AppResult<PacketForm> {
    let (opened, in_force, _) = consents::packet_consents(&ctx.state, &ctx.actor, id).await?;
    let chosen = match consent_id {
        Some(cid) => in_force.iter().find(|c| c.id == cid).cloned(),
        None if in_force.len() == 1 => in_force.first().cloned(),
        None => None,
    };
    // Everything the consent allows is ticked to start with; the coach unticks what is not needed.
    let categories = categories.unwrap_or_else(|| {
        chosen
            .as_ref()
            .map(|c| split_codes::<InfoCategory>(&c.categories).iter().map(|k| k.code().to_string()).collect())
            .unwrap_or_default()
    });
    let language = values.0.get("language").and_then(|l| UiLanguage::parse(l)).unwrap_or(ctx.tr.lang);
    Ok(PacketForm {
        shell: ctx.shell().await?,
        person: opened.person,
        consents: in_force,
        chosen,
        values,
        categories,
        errors: FormErrors::new(&ctx.tr, errors),
        language,
    })
}

pub async fn packet_form(ctx: Ctx, Path(id): Path<Uuid>, Query(q): Query<DisclosureQuery>) -> AppResult<PacketForm> {
    packet_form_for(&ctx, id, q.consent_id, Values::default(), None, &FieldErrors::new()).await
}

/// Prepares the packet and records the disclosure: a printable page, or a JSON file for export.
pub async fn packet(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let get = |k: &str| field(&form, k);
    let input = PacketInput {
        consent_id: get("consent_id"),
        categories: fields(&form, "categories"),
        purpose: get("purpose"),
        channel: get("channel"),
        language: get("language"),
        note: get("note"),
    };
    match consents::prepare_packet(&ctx.state, &ctx.actor, id, &input, ctx.tr.lang).await {
        Ok(packet) => {
            let mut shell = ctx.shell().await?;
            shell.tr = Tr::new(packet.language);
            let page = PacketPage { shell, packet };
            if page.packet.channel == DisclosureChannel::Export {
                return Ok(page.export());
            }
            Ok(page.into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let consent_id = input.consent_id.as_deref().and_then(|c| Uuid::parse_str(c.trim()).ok());
            let page = packet_form_for(&ctx, id, consent_id, values_of(&form), Some(input.categories.clone()), &errors)
                .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "consents/packet.html")]
pub struct PacketPage {
    pub shell: Shell,
    pub packet: Packet,
}

impl PacketPage {
    pub fn notice(&self) -> String {
        self.shell.t(notice_message_id(self.packet.law))
    }
    pub fn zone(&self) -> &str {
        &self.packet.org.time_zone
    }
    pub fn prepared(&self) -> String {
        self.shell.tr.with_args(
            "disclosure-packet-prepared",
            &[("date", format_local(self.zone(), self.packet.prepared_at)), ("name", self.packet.prepared_by.clone())],
        )
    }
    pub fn under_consent(&self) -> String {
        let c = &self.packet.consent;
        self.shell.tr.with_args(
            "disclosure-packet-under",
            &[("date", c.signed_on.to_string()), ("law", code_label::<ConsentLaw>(&self.shell.tr, &c.law))],
        )
    }
    pub fn shared(&self) -> String {
        self.packet.categories.iter().map(|c| self.shell.t(&c.message_id())).collect::<Vec<_>>().join(", ")
    }
    pub fn purpose(&self) -> String {
        self.shell.t(&self.packet.purpose.message_id())
    }
    pub fn consent_categories(&self) -> String {
        labels::<InfoCategory>(&self.shell.tr, &self.packet.consent.categories)
    }
    pub fn consent_purposes(&self) -> String {
        labels::<ConsentPurpose>(&self.shell.tr, &self.packet.consent.purposes)
    }
    pub fn consent_ends(&self) -> String {
        let c = &self.packet.consent;
        match (c.expires_on, c.expiry_event.as_deref()) {
            (Some(d), Some(e)) => format!("{d} · {e}"),
            (Some(d), None) => d.to_string(),
            (None, Some(e)) => e.to_string(),
            (None, None) => String::new(),
        }
    }
    pub fn show_identity(&self) -> bool {
        self.packet.has(InfoCategory::Identity)
    }
    pub fn show_contact(&self) -> bool {
        self.packet.has(InfoCategory::ContactDetails)
    }
    pub fn show_reason(&self) -> bool {
        self.packet.has(InfoCategory::ReasonForReferral)
    }
    pub fn show_plan(&self) -> bool {
        self.packet.has(InfoCategory::RecoveryPlan)
    }
    pub fn show_substance(&self) -> bool {
        self.packet.has(InfoCategory::SubstanceUse)
    }
    pub fn show_attendance(&self) -> bool {
        self.packet.has(InfoCategory::Attendance)
    }
    pub fn name(&self) -> String {
        let p = &self.packet.person;
        format!("{} {}", p.legal_given_name, p.legal_family_name)
    }
    pub fn dob(&self) -> String {
        self.packet.person.date_of_birth.map(|d| d.to_string()).unwrap_or_default()
    }
    pub fn address(&self) -> String {
        let p = &self.packet.person;
        [&p.address_line, &p.locality, &p.region, &p.postal_code]
            .iter()
            .filter_map(|v| v.as_deref())
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
    pub fn needs(&self) -> Vec<(String, String)> {
        let Some(plan) = &self.packet.plan else { return Vec::new() };
        plan.content.unmet_needs.iter().map(|n| (self.shell.t(&n.need.message_id()), n.note.clone())).collect()
    }
    pub fn plan_status(&self) -> String {
        self.packet.plan.as_ref().map(|p| code_label::<PlanStatus>(&self.shell.tr, &p.status)).unwrap_or_default()
    }
    pub fn domain(&self, d: &LifeDomain) -> String {
        self.shell.t(&d.message_id())
    }
    pub fn progress(&self, p: &GoalProgress) -> String {
        self.shell.t(&p.message_id())
    }
    pub fn stage(&self) -> String {
        self.packet.stage.map(|s| self.shell.t(&s.message_id())).unwrap_or_default()
    }
    pub fn attended_when(&self, a: &Attended) -> String {
        format_local(self.zone(), a.at)
    }
    pub fn attended_what(&self, a: &Attended) -> String {
        if a.group {
            self.shell.t1("disclosure-packet-group", "name", a.what.clone())
        } else {
            code_label::<ContactMode>(&self.shell.tr, &a.what)
        }
    }

    /// The same packet as a JSON file, for a recipient who takes data: only the chosen kinds.
    fn export(&self) -> Response {
        let p = &self.packet;
        let person = &p.person;
        let mut doc = serde_json::json!({
            "prepared_at": format_local(self.zone(), p.prepared_at),
            "prepared_by": p.prepared_by,
            "from": p.consent.discloser,
            "recipient": { "name": p.consent.recipient_name, "organization_id": p.consent.recipient_organization_id,
                           "detail": p.consent.recipient_detail },
            "purpose": p.purpose.code(),
            "categories": p.categories.iter().map(|c| c.code()).collect::<Vec<_>>(),
            "consent": {
                "law": p.consent.law,
                "signed_on": p.consent.signed_on.to_string(),
                "categories": p.consent.categories.split(';').collect::<Vec<_>>(),
                "information": p.consent.information_detail,
                "purposes": p.consent.purposes.split(';').collect::<Vec<_>>(),
                "expires_on": p.consent.expires_on.map(|d| d.to_string()),
                "expiry_event": p.consent.expiry_event,
            },
            "redisclosure_notice": self.notice(),
        });
        let map = doc.as_object_mut().expect("an object");
        if self.show_identity() {
            map.insert(
                "identity".into(),
                serde_json::json!({
                    "legal_name": self.name(), "preferred_name": person.preferred_name,
                    "pronouns": person.pronouns, "date_of_birth": person.date_of_birth.map(|d| d.to_string()),
                }),
            );
        }
        if self.show_contact() {
            map.insert(
                "contact_details".into(),
                serde_json::json!({
                    "phone": person.phone, "email": person.email, "address": self.address(),
                    "preferred_contact": person.preferred_contact,
                }),
            );
        }
        if self.show_reason() {
            let needs: Vec<_> = self.needs().into_iter().map(|(need, note)| json_pair("need", need, note)).collect();
            map.insert("reason_for_referral".into(), serde_json::json!({ "needs": needs }));
        }
        if self.show_plan()
            && let Some(plan) = &p.plan
        {
            let goals: Vec<_> = plan
                .content
                .goals
                .iter()
                .map(|g| {
                    serde_json::json!({
                        "area": g.domain.code(), "goal": g.in_own_words, "progress": g.progress.code(),
                        "steps": g.steps.iter().map(|s| serde_json::json!({ "what": s.what, "done": s.done })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            map.insert(
                "recovery_plan".into(),
                serde_json::json!({ "status": plan.status, "agreed_on": plan.last_agreed_on.map(|d| d.to_string()),
                                    "strengths": plan.content.strengths, "goals": goals }),
            );
        }
        if self.show_substance() {
            map.insert(
                "substance_use".into(),
                serde_json::json!({
                    "recovery_stage": p.stage.map(|s| s.code()),
                    "returns_to_use_last_12_months": p.lapses.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
                }),
            );
        }
        if self.show_attendance() {
            let rows: Vec<_> = p
                .attended
                .iter()
                .map(|a| serde_json::json!({ "at": self.attended_when(a), "what": self.attended_what(a), "minutes": a.minutes }))
                .collect();
            map.insert(
                "attendance".into(),
                serde_json::json!({ "since": p.attendance_since.to_string(), "attended": rows }),
            );
        }
        if let Some(note) = &p.note {
            map.insert("additional_information".into(), serde_json::Value::String(note.clone()));
        }
        let body = serde_json::to_string_pretty(&doc).unwrap_or_default();
        let filename = format!("information-{}-{}.json", person.record_number, p.prepared_at.date());
        (
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            ],
            body,
        )
            .into_response()
    }
}

fn json_pair(key: &str, value: String, note: String) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    map.insert(key.into(), serde_json::Value::String(value));
    if !note.is_empty() {
        map.insert("note".into(), serde_json::Value::String(note));
    }
    serde_json::Value::Object(map)
}
