//! Referral pages: the follow-up worklist and open referrals (`/referrals`), a person's referrals
//! with their consents, making a referral, its history with status changes and the closed-loop
//! outcome, the person's printout and text message in their language, the letter for the agency
//! (a recorded disclosure), and the measures with their CSV.

use super::intake::{PeriodQuery, Values, code_label, code_options, parse_period};
use super::people::PersonView;
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::access;
use crate::app::{AppState, format_local};
use crate::db::entities::{consent, person, referral};
use crate::domain::FieldErrors;
use crate::domain::coaching::UnmetNeed;
use crate::domain::codes::{TextCode, UiLanguage, split_codes};
use crate::domain::consent::{ConsentGap, InfoCategory};
use crate::domain::referral::{NeedMet, ReferralHelp, ReferralStatus, ReferralUrgency};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::referrals::{
    self, ConsentStanding, FollowUp, Hours, Letter, Measures, OutcomeInput, Printout, ReferralInput, ReferralView,
    Report, Resource, StatusInput, Whose,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::borrow::Borrow;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/referrals", get(home))
        .route("/referrals/report", get(report_page))
        .route("/referrals/report.csv", get(report_csv))
        .route("/people/{id}/referrals", get(person_page).post(create))
        .route("/people/{id}/referrals/new", get(new_page))
        .route("/people/{id}/referrals/{rid}", get(referral_page))
        .route("/people/{id}/referrals/{rid}/status", post(change_status))
        .route("/people/{id}/referrals/{rid}/outcome", post(record_outcome))
        .route("/people/{id}/referrals/{rid}/print", get(print_page))
        .route("/people/{id}/referrals/{rid}/letter", post(send_letter))
        .route("/people/{id}/referrals/{rid}/letter/{did}", get(letter_page))
}

// ---------- shared words ----------

fn field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

fn fields(form: &[(String, String)], name: &str) -> Vec<String> {
    form.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect()
}

fn values_of(form: &[(String, String)]) -> Values {
    Values(form.iter().filter(|(k, _)| k != "csrf_token").cloned().collect())
}

fn yes_no(raw: Option<String>) -> Option<bool> {
    match raw.as_deref().map(str::trim) {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    }
}

/// Labels for codes joined with ';'.
fn labels<T: TextCode>(tr: &Tr, joined: &str) -> String {
    split_codes::<T>(joined).iter().map(|c| tr.t(&c.message_id())).collect::<Vec<_>>().join(", ")
}

/// "3 days overdue" / "due today".
fn due_text(tr: &Tr, days_overdue: i64) -> String {
    match days_overdue {
        d if d > 0 => tr.t1("referrals-overdue-days", "days", d),
        0 => tr.t("referrals-due-today"),
        d => tr.t1("referrals-due-in-days", "days", -d),
    }
}

/// Translated consent refusal messages (the first says what is missing, the rest why each
/// consent falls short), and whether any were given.
fn consent_messages(tr: &Tr, errors: &FieldErrors) -> Vec<String> {
    errors
        .0
        .iter()
        .filter(|e| e.field == "consent")
        .map(|e| {
            let arg = |name: &str| e.args.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()).unwrap_or_default();
            if e.message_id.starts_with("consent-gap-") {
                // Which consent falls short, then why (the consent's own words for the gap).
                tr.with_args(
                    "referral-consent-gap-line",
                    &[("recipient", arg("recipient")), ("signed_on", arg("signed_on")), ("reason", tr.field_error(e))],
                )
            } else {
                tr.field_error(e)
            }
        })
        .collect()
}

fn standing_text(tr: &Tr, standing: &Result<(), ConsentGap>) -> String {
    match standing {
        Ok(()) => tr.t("referral-consent-in-force"),
        Err(gap) => tr.t(crate::consents::gap_message_id(*gap)),
    }
}

fn staff_options(staff: &[(Uuid, String)], selected: &str) -> Vec<(String, String, bool)> {
    staff.iter().map(|(id, name)| (id.to_string(), name.clone(), id.to_string() == selected)).collect()
}

fn language_options(selected: &str) -> Vec<(&'static str, String, bool)> {
    UiLanguage::ALL.iter().map(|l| (l.code(), Tr::native_name(*l).to_string(), l.code() == selected)).collect()
}

// ---------- /referrals ----------

#[derive(Template, WebTemplate)]
#[template(path = "referrals/home.html")]
pub struct HomePage {
    pub shell: Shell,
    pub mine: Vec<FollowUp>,
    pub team: Vec<FollowUp>,
    pub open: Vec<FollowUp>,
    pub oversees: bool,
    pub may_report: bool,
    pub may_log_info: bool,
}

impl HomePage {
    pub fn need(&self, n: &UnmetNeed) -> String {
        self.shell.t(&n.message_id())
    }
    pub fn status(&self, s: &ReferralStatus) -> String {
        self.shell.t(&s.message_id())
    }
    pub fn due(&self, f: &FollowUp) -> String {
        due_text(&self.shell.tr, f.days_overdue)
    }
}

pub async fn home(ctx: Ctx) -> AppResult<HomePage> {
    let mine = referrals::follow_ups(&ctx.state, &ctx.actor, Whose::Mine).await?;
    let oversees = referrals::oversees(&ctx.actor);
    let team = if oversees { referrals::follow_ups(&ctx.state, &ctx.actor, Whose::Team).await? } else { Vec::new() };
    let open = referrals::follow_ups(&ctx.state, &ctx.actor, Whose::OpenInScope).await?;
    Ok(HomePage {
        shell: ctx.shell().await?,
        mine,
        team,
        open,
        oversees,
        may_report: access::may_view_referral_reports(&ctx.actor),
        may_log_info: access::may_log_info_contacts(&ctx.actor),
    })
}

// ---------- a person's referrals ----------

#[derive(Template, WebTemplate)]
#[template(path = "referrals/person.html")]
pub struct PersonPage {
    pub shell: Shell,
    pub person: person::Model,
    pub referrals: Vec<referral::Model>,
    pub consents: Vec<consent::Model>,
    pub can_edit: bool,
    pub today: time::Date,
}

impl PersonPage {
    pub fn status(&self, r: &referral::Model) -> String {
        code_label::<ReferralStatus>(&self.shell.tr, &r.status)
    }
    pub fn need(&self, r: &referral::Model) -> String {
        code_label::<UnmetNeed>(&self.shell.tr, &r.need)
    }
    pub fn is_open(&self, r: &referral::Model) -> bool {
        ReferralStatus::parse(&r.status).is_some_and(|s| !s.is_closed())
    }
    pub fn overdue(&self, r: &referral::Model) -> bool {
        self.is_open(r) && r.follow_up_on.is_some_and(|d| d <= self.today)
    }
    pub fn shared(&self, r: &referral::Model) -> String {
        if r.shared_categories.is_empty() {
            self.shell.t("referral-shared-nothing")
        } else {
            labels::<InfoCategory>(&self.shell.tr, &r.shared_categories)
        }
    }
    pub fn consent_categories(&self, c: &consent::Model) -> String {
        labels::<InfoCategory>(&self.shell.tr, &c.categories)
    }
    pub fn consent_standing(&self, c: &consent::Model) -> String {
        standing_text(&self.shell.tr, &referrals::consent_in_force(c, self.today))
    }
    pub fn consent_ok(&self, c: &consent::Model) -> bool {
        referrals::consent_in_force(c, self.today).is_ok()
    }
}

pub async fn person_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<PersonPage> {
    let p = referrals::for_person(&ctx.state, &ctx.actor, id).await?;
    Ok(PersonPage {
        shell: ctx.shell().await?,
        person: p.opened.person,
        referrals: p.referrals,
        consents: p.consents,
        can_edit: p.can_edit,
        today: p.today,
    })
}

// ---------- making a referral ----------

#[derive(Template, WebTemplate)]
#[template(path = "referrals/new.html")]
pub struct NewPage {
    pub shell: Shell,
    pub person: person::Model,
    pub resource: Option<Resource>,
    pub values: Values,
    pub shared: Vec<String>,
    pub staff: Vec<(Uuid, String)>,
    pub consents: Vec<ConsentStanding>,
    pub errors: FormErrors,
    pub consent_errors: Vec<String>,
    pub consent_link: String,
    pub today: time::Date,
}

impl NewPage {
    pub fn need_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<UnmetNeed>(&self.shell.tr, &self.values.v("need"))
    }
    pub fn urgency_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<ReferralUrgency>(&self.shell.tr, &self.values.v("urgency"))
    }
    pub fn help_options(&self) -> Vec<(&'static str, String, bool)> {
        code_options::<ReferralHelp>(&self.shell.tr, &self.values.v("help"))
    }
    pub fn shared_options(&self) -> Vec<(&'static str, String, bool)> {
        InfoCategory::ALL
            .iter()
            .map(|c| (c.code(), self.shell.t(&c.message_id()), self.shared.iter().any(|s| s == c.code())))
            .collect()
    }
    pub fn staff_options(&self) -> Vec<(String, String, bool)> {
        staff_options(&self.staff, &self.values.v("assigned_to"))
    }
    pub fn language_options(&self) -> Vec<(&'static str, String, bool)> {
        language_options(&self.values.v("language"))
    }
    pub fn location_options(&self) -> Vec<(String, String, bool)> {
        let chosen = self.values.v("service_at_location_id");
        let locations = self.resource.as_ref().map(|r| r.locations.clone()).unwrap_or_default();
        let first = locations.first().map(|l| l.service_at_location_id.clone()).unwrap_or_default();
        let chosen = if chosen.is_empty() { first } else { chosen };
        locations
            .into_iter()
            .map(|l| {
                let on = l.service_at_location_id == chosen;
                (l.service_at_location_id, l.label, on)
            })
            .collect()
    }
    pub fn standing(&self, s: &ConsentStanding) -> String {
        standing_text(&self.shell.tr, &s.standing)
    }
    pub fn categories(&self, s: &ConsentStanding) -> String {
        s.categories.iter().map(|c| self.shell.t(&c.message_id())).collect::<Vec<_>>().join(", ")
    }
    pub fn in_force(&self, s: &ConsentStanding) -> bool {
        s.standing.is_ok()
    }
    pub fn follow_up_hint(&self) -> String {
        self.shell.tr.with_args(
            "referral-follow-up-hint",
            &[
                ("today", referrals::follow_up_days(ReferralUrgency::Today).to_string()),
                ("week", referrals::follow_up_days(ReferralUrgency::ThisWeek).to_string()),
                ("routine", referrals::follow_up_days(ReferralUrgency::Routine).to_string()),
            ],
        )
    }
    pub fn hours(&self, h: &Hours) -> String {
        hours_text(&self.shell.tr, h)
    }
    pub fn ages(&self, r: &Resource) -> String {
        ages_text(&self.shell.tr, r)
    }
    pub fn directory_link(&self) -> String {
        format!("/directory?for_person={}", self.person.id)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    service_id: Option<String>,
    service_at_location_id: Option<String>,
    need: Option<String>,
}

async fn new_form(
    ctx: &Ctx,
    id: Uuid,
    service_id: Option<&str>,
    sal: Option<&str>,
    mut values: Values,
    shared: Vec<String>,
    errors: &FieldErrors,
) -> AppResult<NewPage> {
    let prepared = referrals::prepare(&ctx.state, &ctx.actor, id, service_id, sal).await?;
    let defaults = [
        ("need_identified_on", prepared.today.to_string()),
        ("assigned_to", ctx.actor.staff_id.to_string()),
        ("language", prepared.language.code().to_string()),
        ("urgency", ReferralUrgency::ThisWeek.code().to_string()),
        ("help", ReferralHelp::InformationGiven.code().to_string()),
    ];
    for (k, v) in defaults {
        values.0.entry(k.to_string()).or_insert(v);
    }
    let mut errors = errors.clone();
    let asked = service_id.is_some_and(|s| !s.trim().is_empty());
    if asked && prepared.resource.is_none() && errors.for_field("service_id").is_none() {
        // A stale link from the directory: say so rather than show an empty form.
        errors.add("service_id", "referral-error-unknown-service");
    }
    let errors = &errors;
    let recipient_org = prepared.resource.as_ref().and_then(|r| r.organization_id.clone());
    Ok(NewPage {
        shell: ctx.shell().await?,
        consent_link: referrals::new_consent_link(id, recipient_org.as_deref()),
        person: prepared.opened.person,
        resource: prepared.resource,
        values,
        shared,
        staff: prepared.staff,
        consents: prepared.consents,
        consent_errors: consent_messages(&ctx.tr, errors),
        errors: FormErrors::new(
            &ctx.tr,
            &FieldErrors(errors.0.iter().filter(|e| e.field != "consent").cloned().collect()),
        ),
        today: prepared.today,
    })
}

pub async fn new_page(ctx: Ctx, Path(id): Path<Uuid>, Query(q): Query<NewQuery>) -> AppResult<NewPage> {
    let mut values = Values::default();
    if let Some(need) = q.need.as_deref().and_then(UnmetNeed::parse) {
        values.0.insert("need".into(), need.code().into());
    }
    if let Some(sal) = &q.service_at_location_id {
        values.0.insert("service_at_location_id".into(), sal.clone());
    }
    new_form(
        &ctx,
        id,
        q.service_id.as_deref(),
        q.service_at_location_id.as_deref(),
        values,
        Vec::new(),
        &FieldErrors::new(),
    )
    .await
}

fn referral_input(form: &[(String, String)]) -> ReferralInput {
    let get = |k: &str| field(form, k);
    ReferralInput {
        need: get("need").unwrap_or_default(),
        need_detail: get("need_detail"),
        need_identified_on: get("need_identified_on"),
        service_id: get("service_id").unwrap_or_default(),
        service_at_location_id: get("service_at_location_id"),
        urgency: get("urgency").unwrap_or_default(),
        help: get("help").unwrap_or_default(),
        shared: fields(form, "shared"),
        follow_up_on: get("follow_up_on"),
        assigned_to: get("assigned_to"),
        note: get("note"),
        language: get("language"),
        send: get("action").as_deref() != Some("draft"),
    }
}

pub async fn create(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = referral_input(&form);
    match referrals::create(&ctx.state, &ctx.actor, id, &input).await {
        Ok((r, gaps)) => {
            let message = match (input.send, r.consent_id.is_some()) {
                (false, _) => "referral-saved-draft",
                (true, true) => "referral-sent-with-consent",
                (true, false) => "referral-sent",
            };
            ctx.flash("success", message).await?;
            super::reminders::warn_assignment_gaps(&ctx, r.assigned_to, &gaps).await?;
            Ok(see_other(&format!("/people/{id}/referrals/{}", r.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let service = Some(input.service_id.as_str()).filter(|s| !s.trim().is_empty());
            let page = new_form(
                &ctx,
                id,
                service,
                input.service_at_location_id.as_deref(),
                values_of(&form),
                input.shared.clone(),
                &errors,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- one referral ----------

#[derive(Template, WebTemplate)]
#[template(path = "referrals/show.html")]
pub struct ReferralPage {
    pub shell: Shell,
    pub person: person::Model,
    pub view: ReferralView,
    pub values: Values,
    pub errors: FormErrors,
    /// Which form the errors belong to: `status`, `outcome` or `letter`.
    pub errors_for: String,
    pub consent_errors: Vec<String>,
    pub consent_link: String,
    pub conflict: bool,
    pub zone: String,
    /// The follow-up worker's peer certification has lapsed (flagged next to their name).
    pub assignee_lapsed: bool,
}

impl ReferralPage {
    pub fn when(&self, at: impl Borrow<time::OffsetDateTime>) -> String {
        format_local(&self.zone, *at.borrow())
    }
    pub fn status_label(&self, code: &str) -> String {
        code_label::<ReferralStatus>(&self.shell.tr, code)
    }
    pub fn status(&self) -> String {
        self.shell.t(&self.view.status.message_id())
    }
    pub fn need(&self) -> String {
        code_label::<UnmetNeed>(&self.shell.tr, &self.view.referral.need)
    }
    pub fn urgency(&self) -> String {
        code_label::<ReferralUrgency>(&self.shell.tr, &self.view.referral.urgency)
    }
    pub fn help(&self) -> String {
        code_label::<ReferralHelp>(&self.shell.tr, &self.view.referral.help)
    }
    pub fn shared(&self) -> String {
        if self.view.referral.shared_categories.is_empty() {
            self.shell.t("referral-shared-nothing")
        } else {
            labels::<InfoCategory>(&self.shell.tr, &self.view.referral.shared_categories)
        }
    }
    pub fn need_met(&self) -> String {
        match &self.view.referral.need_met {
            Some(code) => code_label::<NeedMet>(&self.shell.tr, code),
            None => self.shell.t("missing"),
        }
    }
    pub fn connected(&self) -> String {
        match self.view.referral.connected {
            Some(true) => self.shell.t("referral-connected-yes"),
            Some(false) => self.shell.t("referral-connected-no"),
            None => self.shell.t("missing"),
        }
    }
    pub fn language(&self) -> String {
        self.view
            .referral
            .language
            .as_deref()
            .and_then(UiLanguage::parse)
            .map(|l| Tr::native_name(l).to_string())
            .unwrap_or_default()
    }
    pub fn status_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.values.v("status");
        self.view
            .choices()
            .into_iter()
            .map(|s| {
                let label = if s == self.view.status {
                    self.shell.t1("referral-status-keep", "status", self.shell.t(&s.message_id()))
                } else {
                    self.shell.t(&s.message_id())
                };
                (s.code(), label, s.code() == chosen)
            })
            .collect()
    }
    pub fn need_met_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = match self.values.0.get("need_met") {
            Some(v) => v.clone(),
            None => self.view.referral.need_met.clone().unwrap_or_default(),
        };
        code_options::<NeedMet>(&self.shell.tr, &chosen)
    }
    pub fn staff_options(&self) -> Vec<(String, String, bool)> {
        let chosen = match self.values.0.get("assigned_to") {
            Some(v) => v.clone(),
            None => self.view.referral.assigned_to.to_string(),
        };
        staff_options(&self.view.staff, &chosen)
    }
    /// The yes/no answer to show checked: what was just typed, else what is stored.
    pub fn connected_choice(&self) -> String {
        match self.values.0.get("connected") {
            Some(v) => v.clone(),
            None => match self.view.referral.connected {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
        }
    }
    pub fn outcome_value(&self, key: &str) -> String {
        match self.values.0.get(key) {
            Some(v) => v.clone(),
            None => match key {
                "connected_on" => self.view.referral.connected_on.map(|d| d.to_string()).unwrap_or_default(),
                "outcome_note" => self.view.referral.outcome_note.clone().unwrap_or_default(),
                _ => String::new(),
            },
        }
    }
    pub fn errors_on(&self, form: &str) -> bool {
        self.errors_for == form && !self.errors.is_empty()
    }
    pub fn outcome_open(&self) -> bool {
        self.view.status != ReferralStatus::Draft
    }
    pub fn letter_possible(&self) -> bool {
        matches!(self.view.status, ReferralStatus::Sent | ReferralStatus::Accepted | ReferralStatus::InProgress)
    }
    pub fn disclosure_channel(&self, code: &str) -> String {
        code_label::<crate::domain::consent::DisclosureChannel>(&self.shell.tr, code)
    }
    pub fn categories(&self, joined: &str) -> String {
        labels::<InfoCategory>(&self.shell.tr, joined)
    }
    pub fn resource_missing(&self) -> bool {
        self.view.resource.is_none()
    }
    pub fn hours(&self, h: &Hours) -> String {
        hours_text(&self.shell.tr, h)
    }
    pub fn ages(&self, r: &Resource) -> String {
        ages_text(&self.shell.tr, r)
    }
}

async fn referral_view(
    ctx: &Ctx,
    id: Uuid,
    rid: Uuid,
    values: Values,
    errors: &FieldErrors,
    errors_for: &str,
    conflict: bool,
) -> AppResult<ReferralPage> {
    let (opened, view) = referrals::view(&ctx.state, &ctx.actor, id, rid).await?;
    let consent_link = referrals::new_consent_link(id, view.referral.resource_organization_id.as_deref());
    let assignee_lapsed = crate::personnel::reminders::peer_certification_lapsed(
        ctx.state.db.conn(),
        ctx.org.id,
        view.referral.assigned_to,
        ctx.today(),
    )
    .await?;
    Ok(ReferralPage {
        shell: ctx.shell().await?,
        person: opened.person,
        view,
        values,
        consent_errors: consent_messages(&ctx.tr, errors),
        errors: FormErrors::new(
            &ctx.tr,
            &FieldErrors(errors.0.iter().filter(|e| e.field != "consent").cloned().collect()),
        ),
        errors_for: errors_for.to_string(),
        consent_link,
        conflict,
        zone: ctx.org.time_zone.clone(),
        assignee_lapsed,
    })
}

pub async fn referral_page(ctx: Ctx, Path((id, rid)): Path<(Uuid, Uuid)>) -> AppResult<ReferralPage> {
    referral_view(&ctx, id, rid, Values::default(), &FieldErrors::new(), "", false).await
}

/// After a status, outcome or letter form: back to the referral, or the page again with what went wrong.
async fn after_form(
    ctx: &Ctx,
    id: Uuid,
    rid: Uuid,
    form: &[(String, String)],
    which: &str,
    result: AppResult<()>,
    ok: &str,
) -> AppResult<Response> {
    let (status, errors, conflict) = match result {
        Ok(()) => {
            ctx.flash("success", ok).await?;
            return Ok(see_other(&format!("/people/{id}/referrals/{rid}")));
        }
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, false),
        Err(AppError::Conflict) => (StatusCode::CONFLICT, FieldErrors::new(), true),
        Err(other) => return Err(other),
    };
    let page = referral_view(ctx, id, rid, values_of(form), &errors, which, conflict).await?;
    Ok((status, page).into_response())
}

fn version_of(form: &[(String, String)]) -> i32 {
    field(form, "version").and_then(|v| v.trim().parse().ok()).unwrap_or(0)
}

pub async fn change_status(
    ctx: Ctx,
    Path((id, rid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let get = |k: &str| field(&form, k);
    let input = StatusInput {
        status: get("status").unwrap_or_default(),
        note: get("note"),
        follow_up_on: get("follow_up_on"),
        assigned_to: get("assigned_to"),
        connected: yes_no(get("connected")),
        connected_on: get("connected_on"),
        need_met: get("need_met"),
        outcome_note: get("outcome_note"),
    };
    let result = match referrals::change_status(&ctx.state, &ctx.actor, id, rid, version_of(&form), &input).await {
        Ok((r, gaps)) => super::reminders::warn_assignment_gaps(&ctx, r.assigned_to, &gaps).await,
        Err(e) => Err(e),
    };
    after_form(&ctx, id, rid, &form, "status", result, "referral-status-saved").await
}

pub async fn record_outcome(
    ctx: Ctx,
    Path((id, rid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let get = |k: &str| field(&form, k);
    let input = OutcomeInput {
        connected: yes_no(get("connected")),
        connected_on: get("connected_on"),
        need_met: get("need_met"),
        outcome_note: get("outcome_note"),
    };
    let result =
        referrals::record_outcome(&ctx.state, &ctx.actor, id, rid, version_of(&form), &input).await.map(|_| ());
    after_form(&ctx, id, rid, &form, "outcome", result, "referral-outcome-saved").await
}

// ---------- the person's printout ----------

/// Opening hours in words: "Monday, Tuesday · 09:00–17:00".
pub fn hours_text(tr: &Tr, h: &Hours) -> String {
    let days = h.days.iter().map(|d| tr.t(&format!("referral-day-{d}"))).collect::<Vec<_>>().join(", ");
    let times = match (&h.opens_at, &h.closes_at) {
        (Some(o), Some(c)) => format!("{o}–{c}"),
        (Some(o), None) => tr.t1("referral-print-opens-at", "time", o),
        _ => String::new(),
    };
    [days, times, h.description.clone().unwrap_or_default()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

pub fn ages_text(tr: &Tr, r: &Resource) -> String {
    match (r.minimum_age, r.maximum_age) {
        (Some(min), Some(max)) => {
            tr.with_args("referral-print-ages", &[("min", min.to_string()), ("max", max.to_string())])
        }
        (Some(min), None) => tr.t1("referral-print-age-min", "min", min),
        (None, Some(max)) => tr.t1("referral-print-age-max", "max", max),
        (None, None) => String::new(),
    }
}

/// A date as people write it in the language: "18 November 2026", "18 de noviembre de 2026".
pub fn long_date(tr: &Tr, d: time::Date) -> String {
    tr.with_args(
        "referral-print-date",
        &[
            ("day", d.day().to_string()),
            ("month", tr.t(&format!("referral-month-{}", u8::from(d.month())))),
            ("year", d.year().to_string()),
        ],
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "referrals/print.html")]
pub struct PrintPage {
    /// The worker's shell (their language for the controls around the printout).
    pub shell: Shell,
    /// The person's language, for everything on the printout itself.
    pub p: Tr,
    pub printout: Printout,
    pub sms: String,
}

impl PrintPage {
    pub fn t(&self, id: &str) -> String {
        self.p.t(id)
    }
    pub fn name(&self) -> String {
        self.printout.person.preferred_name.clone().unwrap_or_else(|| self.printout.person.legal_given_name.clone())
    }
    pub fn need(&self) -> String {
        let code = UnmetNeed::parse(&self.printout.referral.need).map(|n| n.code()).unwrap_or("other");
        self.p.t(&format!("referral-print-need-{code}"))
    }
    pub fn help(&self) -> String {
        let code = ReferralHelp::parse(&self.printout.referral.help).map(|h| h.code()).unwrap_or("information-given");
        self.p.t(&format!("referral-print-help-{code}"))
    }
    /// "Alex will call you on 25 November 2026 to see how it went."
    pub fn follow_up(&self) -> Option<String> {
        self.printout.referral.follow_up_on.map(|d| {
            self.p.with_args(
                "referral-print-follow-up",
                &[("worker", self.printout.worker_name.clone()), ("date", long_date(&self.p, d))],
            )
        })
    }
    pub fn hours(&self, h: &Hours) -> String {
        hours_text(&self.p, h)
    }
    pub fn ages(&self, r: &Resource) -> String {
        ages_text(&self.p, r)
    }
    pub fn languages(&self) -> Vec<(&'static str, &'static str, bool)> {
        UiLanguage::ALL.iter().map(|l| (l.code(), Tr::native_name(*l), *l == self.printout.language)).collect()
    }
    pub fn lang(&self) -> &'static str {
        self.printout.language.code()
    }
}

/// The short text message version: resource, phone, address, when we will check in.
pub fn sms_text(p: &Tr, printout: &Printout) -> String {
    let resource = printout.resource.as_ref();
    let name = resource.map(|r| r.name.clone()).unwrap_or_else(|| printout.referral.resource_name.clone());
    let mut parts = vec![name];
    if let Some(phone) = resource.and_then(|r| r.phones.first()) {
        parts.push(phone.clone());
    }
    if let Some(address) = resource.and_then(|r| r.address.clone()) {
        parts.push(address);
    }
    let mut text = p.with_args(
        "referral-sms",
        &[("org", printout.org_name.clone()), ("resource", parts.join(", ")), ("worker", printout.worker_name.clone())],
    );
    if let Some(d) = printout.referral.follow_up_on {
        text.push(' ');
        text.push_str(&p.t1("referral-sms-follow-up", "date", long_date(p, d)));
    }
    text
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PrintQuery {
    lang: Option<String>,
}

pub async fn print_page(
    ctx: Ctx,
    Path((id, rid)): Path<(Uuid, Uuid)>,
    Query(q): Query<PrintQuery>,
) -> AppResult<PrintPage> {
    let printout = referrals::printout(&ctx.state, &ctx.actor, id, rid, q.lang.as_deref()).await?;
    let p = Tr::new(printout.language);
    let sms = sms_text(&p, &printout);
    Ok(PrintPage { shell: ctx.shell().await?, p, printout, sms })
}

// ---------- the letter for the agency ----------

pub async fn send_letter(
    ctx: Ctx,
    Path((id, rid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    match referrals::send_letter(&ctx.state, &ctx.actor, id, rid).await {
        Ok(did) => {
            ctx.flash("success", "referral-letter-recorded").await?;
            Ok(see_other(&format!("/people/{id}/referrals/{rid}/letter/{did}")))
        }
        Err(e) => after_form(&ctx, id, rid, &form, "letter", Err(e), "").await,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "referrals/letter.html")]
pub struct LetterPage {
    pub shell: Shell,
    pub letter: Letter,
}

impl LetterPage {
    pub fn need(&self) -> String {
        code_label::<UnmetNeed>(&self.shell.tr, &self.letter.referral.need)
    }
    pub fn urgency(&self) -> String {
        code_label::<ReferralUrgency>(&self.shell.tr, &self.letter.referral.urgency)
    }
    pub fn help(&self) -> String {
        code_label::<ReferralHelp>(&self.shell.tr, &self.letter.referral.help)
    }
    pub fn categories(&self) -> String {
        self.letter.categories.iter().map(|c| self.shell.t(&c.message_id())).collect::<Vec<_>>().join(", ")
    }
    pub fn shares_contact(&self) -> bool {
        self.letter.shares(InfoCategory::ContactDetails)
    }
    pub fn shares_reason(&self) -> bool {
        self.letter.shares(InfoCategory::ReasonForReferral)
    }
    /// Kinds shared that the letter does not spell out (the worker adds them by hand or by phone).
    pub fn other_categories(&self) -> String {
        self.letter
            .categories
            .iter()
            .filter(|c| {
                !matches!(c, InfoCategory::Identity | InfoCategory::ContactDetails | InfoCategory::ReasonForReferral)
            })
            .map(|c| self.shell.t(&c.message_id()))
            .collect::<Vec<_>>()
            .join(", ")
    }
    pub fn notice(&self) -> String {
        self.shell.t(&format!("disclosure-notice-{}", self.letter.law.code()))
    }
    pub fn date(&self) -> String {
        long_date(&self.shell.tr, self.letter.date)
    }
    pub fn person_name(&self) -> String {
        self.letter.person.display_name()
    }
    pub fn recipient(&self) -> String {
        self.letter
            .resource
            .as_ref()
            .and_then(|r| r.organization_name.clone())
            .unwrap_or_else(|| self.letter.referral.resource_name.clone())
    }
}

pub async fn letter_page(ctx: Ctx, Path((id, rid, did)): Path<(Uuid, Uuid, Uuid)>) -> AppResult<LetterPage> {
    let letter = referrals::letter(&ctx.state, &ctx.actor, id, rid, did).await?;
    Ok(LetterPage { shell: ctx.shell().await?, letter })
}

// ---------- measures ----------

#[derive(Template, WebTemplate)]
#[template(path = "referrals/report.html")]
pub struct ReportPage {
    pub shell: Shell,
    pub report: Report,
    pub errors: FormErrors,
}

impl ReportPage {
    pub fn need(&self, n: &UnmetNeed) -> String {
        self.shell.t(&n.message_id())
    }
    pub fn channel(&self, c: &crate::domain::referral::InfoChannel) -> String {
        self.shell.t(&c.message_id())
    }
    pub fn flag(&self, f: &crate::domain::referral::CrisisFlag) -> String {
        self.shell.t(&f.message_id())
    }
    pub fn program(&self, name: &str) -> String {
        if name.is_empty() { self.shell.t("referrals-report-no-program") } else { name.to_string() }
    }
    pub fn share(&self, percent: impl Borrow<Option<usize>>) -> String {
        percent.borrow().map(|p| format!("{p}%")).unwrap_or_else(|| "—".into())
    }
    pub fn median(&self, m: &Measures) -> String {
        match m.median_days_to_referral {
            Some(d) => self.shell.t1("referrals-report-days", "days", format_days(d)),
            None => "—".into(),
        }
    }
    pub fn csv_link(&self) -> String {
        format!("/referrals/report.csv?from={}&to={}", self.report.from, self.report.to)
    }
}

fn format_days(d: f64) -> String {
    if d.fract() == 0.0 { format!("{d:.0}") } else { format!("{d:.1}") }
}

async fn load_report(ctx: &Ctx, q: &PeriodQuery) -> AppResult<(Report, FieldErrors)> {
    if !access::may_view_referral_reports(&ctx.actor) {
        return Err(crate::intake::deny(&ctx.state, &ctx.actor, "ViewReferralReports", None).await);
    }
    let today = ctx.today();
    let (period, errors) = match parse_period(q, today) {
        Ok(p) => (p, FieldErrors::new()),
        Err(e) => ((today - time::Duration::days(364), today), e),
    };
    let report = referrals::report(&ctx.state, &ctx.actor, period.0, period.1).await?;
    Ok((report, errors))
}

pub async fn report_page(ctx: Ctx, Query(q): Query<PeriodQuery>) -> AppResult<Response> {
    let (report, errors) = load_report(&ctx, &q).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ReportPage { shell: ctx.shell().await?, report, errors: FormErrors::new(&ctx.tr, &errors) };
    Ok((status, page).into_response())
}

/// Spreadsheets run cells that start like a formula; a leading apostrophe keeps them text.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() }
}

/// The measures as CSV: one line per group (overall, each need, each program), then the
/// information-only counts; headings in the reader's language.
pub fn report_csv_body(report: &Report, tr: &Tr) -> AppResult<Vec<u8>> {
    let fail = |e: csv::Error| AppError::Internal(anyhow::anyhow!("csv: {e}"));
    // Two tables one after the other (measures, then contact counts), so rows differ in length.
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let headings = [
        "referrals-csv-section",
        "referrals-csv-group",
        "referrals-csv-referrals",
        "referrals-csv-median-days",
        "referrals-csv-within-2",
        "referrals-csv-within-7",
        "referrals-csv-with-outcome",
        "referrals-csv-connected",
        "referrals-csv-connected-share",
        "referrals-csv-need-met-yes",
        "referrals-csv-need-met-partly",
        "referrals-csv-need-met-no",
        "referrals-csv-need-met-unknown",
        "referrals-csv-from",
        "referrals-csv-to",
    ];
    w.write_record(headings.iter().map(|h| tr.t(h))).map_err(fail)?;
    let pct = |p: Option<usize>| p.map(|p| p.to_string()).unwrap_or_default();
    let mut line = |section: String, group: String, m: &Measures| -> AppResult<()> {
        w.write_record([
            section,
            cell(&group),
            m.referrals.to_string(),
            m.median_days_to_referral.map(format_days).unwrap_or_default(),
            m.within_2_days.to_string(),
            m.within_7_days.to_string(),
            m.with_outcome.to_string(),
            m.connected.to_string(),
            pct(m.share_connected()),
            m.need_met_yes.to_string(),
            m.need_met_partly.to_string(),
            m.need_met_no.to_string(),
            m.need_met_unknown.to_string(),
            report.from.to_string(),
            report.to.to_string(),
        ])
        .map_err(fail)
    };
    line(tr.t("referrals-csv-overall"), String::new(), &report.overall)?;
    for n in &report.by_need {
        line(tr.t("referrals-csv-by-need"), tr.t(&n.need.message_id()), &n.measures)?;
    }
    for p in &report.by_program {
        let name = if p.program.is_empty() { tr.t("referrals-report-no-program") } else { p.program.clone() };
        line(tr.t("referrals-csv-by-program"), name, &p.measures)?;
    }
    w.write_record([""]).map_err(fail)?;
    w.write_record([tr.t("referrals-csv-info-section"), tr.t("referrals-csv-group"), tr.t("referrals-csv-count")])
        .map_err(fail)?;
    let info = &report.info_contacts;
    w.write_record([tr.t("referrals-csv-info-total"), String::new(), info.contacts.to_string()]).map_err(fail)?;
    w.write_record([tr.t("referrals-csv-info-minutes"), String::new(), info.minutes.to_string()]).map_err(fail)?;
    w.write_record([tr.t("referrals-csv-info-crisis"), String::new(), info.with_crisis_flags.to_string()])
        .map_err(fail)?;
    for n in &info.by_need {
        w.write_record([tr.t("referrals-csv-by-need"), tr.t(&n.need.message_id()), n.count.to_string()])
            .map_err(fail)?;
    }
    for c in &info.by_channel {
        w.write_record([tr.t("referrals-csv-by-channel"), tr.t(&c.channel.message_id()), c.count.to_string()])
            .map_err(fail)?;
    }
    for f in &info.by_crisis_flag {
        w.write_record([tr.t("referrals-csv-by-crisis-flag"), tr.t(&f.flag.message_id()), f.count.to_string()])
            .map_err(fail)?;
    }
    w.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))
}

pub fn csv_response(report: &Report, tr: &Tr) -> AppResult<Response> {
    let body = report_csv_body(report, tr)?;
    let disposition = format!("attachment; filename=\"referrals-{}-{}.csv\"", report.from, report.to);
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        body,
    )
        .into_response())
}

pub async fn report_csv(ctx: Ctx, Query(q): Query<PeriodQuery>) -> AppResult<Response> {
    let (report, errors) = load_report(&ctx, &q).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    csv_response(&report, &ctx.tr)
}
