//! Intake rules: requests for service, triage, screening, acceptance, waiting lists, discharge,
//! safety plans, the 4.03 checklist, the crisis procedure and crisis events. Pure: dates come in.

use super::FieldErrors;
use super::codes::{
    CloseReason, CrisisCall, DischargeReason, PopulationFit, ProgramFit, RequestSource, SafetyFlag, SafetyStep,
    Urgency, WaitlistPriority, WaitlistRemoval, parse_code_list,
};
use super::setup::parse_uuid_field;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

const TEXT_MAX: usize = 4000;
const NAME_MAX: usize = 100;

/// Queue order: emergencies first, then urgent, then requests nobody has triaged yet (they may
/// hide an emergency), then routine.
pub fn urgency_rank(urgency: Option<Urgency>) -> i32 {
    match urgency {
        Some(Urgency::Emergency) => 0,
        Some(Urgency::Urgent) => 1,
        None => 2,
        Some(Urgency::Routine) => 3,
    }
}

pub fn priority_rank(priority: WaitlistPriority) -> i32 {
    match priority {
        WaitlistPriority::High => 0,
        WaitlistPriority::Normal => 1,
        WaitlistPriority::Low => 2,
    }
}

/// Days from first request to first service that a program promises, by urgency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct IntakeTargets {
    pub emergency_days: i32,
    pub urgent_days: i32,
    pub routine_days: i32,
}

impl Default for IntakeTargets {
    fn default() -> Self {
        IntakeTargets { emergency_days: 0, urgent_days: 2, routine_days: 10 }
    }
}

impl IntakeTargets {
    /// An untriaged request is held to the routine target until someone triages it.
    pub fn days_for(&self, urgency: Option<Urgency>) -> i32 {
        match urgency {
            Some(Urgency::Emergency) => self.emergency_days,
            Some(Urgency::Urgent) => self.urgent_days,
            Some(Urgency::Routine) | None => self.routine_days,
        }
    }

    pub fn due_on(&self, received_on: Date, urgency: Option<Urgency>) -> Date {
        received_on.saturating_add(time::Duration::days(self.days_for(urgency).into()))
    }
}

pub fn days_between(from: Date, to: Date) -> i64 {
    (to - from).whole_days()
}

/// Where one request stands against its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Timeliness {
    ServedOnTime,
    ServedLate,
    Waiting,
    PastTarget,
}

pub fn timeliness(received_on: Date, first_service_on: Option<Date>, target_days: i32, today: Date) -> Timeliness {
    let target = i64::from(target_days);
    match first_service_on {
        Some(served) if days_between(received_on, served) <= target => Timeliness::ServedOnTime,
        Some(_) => Timeliness::ServedLate,
        None if days_between(received_on, today) > target => Timeliness::PastTarget,
        None => Timeliness::Waiting,
    }
}

/// The median of whole days (the lower middle for an even count), None when empty.
pub fn median_days(days: &mut [i64]) -> Option<i64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    Some(days[(days.len() - 1) / 2])
}

fn yes(value: Option<bool>) -> bool {
    value == Some(true)
}

fn uuid_required(e: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<Uuid> {
    if raw.map(str::trim).is_none_or(str::is_empty) {
        e.add(field, "error-required");
        return None;
    }
    parse_uuid_field(e, field, raw)
}

fn date_required(e: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<Date> {
    if raw.map(str::trim).is_none_or(str::is_empty) {
        e.add(field, "error-required");
        return None;
    }
    e.optional_date(field, raw)
}

fn not_in_future(e: &mut FieldErrors, field: &str, date: Option<Date>, today: Date) {
    if date.is_some_and(|d| d > today) {
        e.add(field, "error-date-in-future");
    }
}

/// A request for service as logged by staff.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct RequestInput {
    pub source: String,
    /// An existing person; leave empty for someone new (give their name) or an anonymous enquiry.
    pub person_id: Option<String>,
    #[serde(deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub anonymous: Option<bool>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub date_of_birth: Option<String>,
    #[serde(deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub safe_to_message: Option<bool>,
    pub referrer_name: Option<String>,
    pub referrer_organisation: Option<String>,
    pub asked_for: String,
    pub program_id: Option<String>,
    pub assigned_to: Option<String>,
    /// The day the request first reached us, when logged later (YYYY-MM-DD); today if empty.
    pub received_on: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidRequest {
    pub source: RequestSource,
    pub person_id: Option<Uuid>,
    pub anonymous: bool,
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
    pub received_on: Option<Date>,
}

impl RequestInput {
    pub fn parse(&self, today: Date) -> Result<ValidRequest, FieldErrors> {
        let mut e = FieldErrors::new();
        let source = e.required_code("source", &self.source, RequestSource::parse);
        let anonymous = yes(self.anonymous);
        let person_id = parse_uuid_field(&mut e, "person_id", self.person_id.as_deref());
        let given_name = e.optional("given_name", self.given_name.as_deref(), NAME_MAX);
        let family_name = e.optional("family_name", self.family_name.as_deref(), NAME_MAX);
        if anonymous && person_id.is_some() {
            e.add("anonymous", "error-request-anonymous-with-person");
        }
        // Someone new needs at least a first name so the team can call them by it.
        if !anonymous && person_id.is_none() && given_name.is_none() {
            e.add("given_name", "error-request-who");
        }
        let date_of_birth = e.optional_date("date_of_birth", self.date_of_birth.as_deref());
        not_in_future(&mut e, "date_of_birth", date_of_birth, today);
        let received_on = e.optional_date("received_on", self.received_on.as_deref());
        not_in_future(&mut e, "received_on", received_on, today);
        let request = ValidRequest {
            source: source.unwrap_or(RequestSource::WalkIn),
            person_id,
            anonymous,
            given_name: if anonymous { None } else { given_name },
            family_name: if anonymous { None } else { family_name },
            phone: e.optional_phone("phone", self.phone.as_deref()),
            email: e.optional_email("email", self.email.as_deref()),
            date_of_birth,
            safe_to_message: self.safe_to_message,
            referrer_name: e.optional("referrer_name", self.referrer_name.as_deref(), NAME_MAX),
            referrer_organisation: e.optional("referrer_organisation", self.referrer_organisation.as_deref(), 200),
            asked_for: e.required("asked_for", &self.asked_for, TEXT_MAX),
            program_id: parse_uuid_field(&mut e, "program_id", self.program_id.as_deref()),
            assigned_to: parse_uuid_field(&mut e, "assigned_to", self.assigned_to.as_deref()),
            received_on,
        };
        e.finish(request)
    }
}

/// What a person sends from the public self-referral form.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SelfReferralInput {
    pub given_name: String,
    pub family_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    #[serde(deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub safe_to_message: Option<bool>,
    pub asked_for: String,
    #[serde(deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub consent: Option<bool>,
    /// Left empty by people; filled in by form-filling robots.
    pub website: String,
    pub form_token: String,
}

impl SelfReferralInput {
    pub fn parse(&self) -> Result<ValidRequest, FieldErrors> {
        let mut e = FieldErrors::new();
        let given_name = e.required("given_name", &self.given_name, NAME_MAX);
        let phone = e.optional_phone("phone", self.phone.as_deref());
        let email = e.optional_email("email", self.email.as_deref());
        if phone.is_none() && email.is_none() && !e.0.iter().any(|x| x.field == "phone" || x.field == "email") {
            e.add("phone", "error-self-referral-reach");
        }
        if !yes(self.consent) {
            e.add("consent", "error-self-referral-consent");
        }
        let request = ValidRequest {
            source: RequestSource::SelfReferral,
            person_id: None,
            anonymous: false,
            given_name: Some(given_name),
            family_name: e.optional("family_name", self.family_name.as_deref(), NAME_MAX),
            phone,
            email,
            date_of_birth: None,
            safe_to_message: self.safe_to_message,
            referrer_name: None,
            referrer_organisation: None,
            asked_for: e.required("asked_for", &self.asked_for, TEXT_MAX),
            program_id: None,
            assigned_to: None,
            received_on: None,
        };
        e.finish(request)
    }
}

/// Intake (3.02): urgency with a reason, critical needs, whether a clinical service is needed.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct TriageInput {
    pub urgency: String,
    pub urgency_reason: String,
    pub critical_needs: Option<String>,
    #[serde(deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub needs_intensive: Option<bool>,
    pub intensive_note: Option<String>,
    /// The version of the request this was filled in against.
    pub version: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidTriage {
    pub urgency: Urgency,
    pub urgency_reason: String,
    pub critical_needs: Option<String>,
    pub needs_intensive: bool,
    pub intensive_note: Option<String>,
}

impl TriageInput {
    pub fn parse(&self) -> Result<ValidTriage, FieldErrors> {
        let mut e = FieldErrors::new();
        let urgency = e.required_code("urgency", &self.urgency, Urgency::parse);
        let urgency_reason = e.required("urgency_reason", &self.urgency_reason, TEXT_MAX);
        let needs_intensive = yes(self.needs_intensive);
        let intensive_note = e.optional("intensive_note", self.intensive_note.as_deref(), TEXT_MAX);
        if needs_intensive && intensive_note.is_none() {
            e.add("intensive_note", "error-intensive-note-required");
        }
        let triage = ValidTriage {
            urgency: urgency.unwrap_or(Urgency::Routine),
            urgency_reason,
            critical_needs: e.optional("critical_needs", self.critical_needs.as_deref(), TEXT_MAX),
            needs_intensive,
            intensive_note,
        };
        e.finish(triage)
    }
}

/// Screening (3.01): fit with our programs, the offer, and that the person was told.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ScreeningInput {
    pub program_id: Option<String>,
    pub fit: String,
    pub population_fit: Option<String>,
    pub population_basis: Option<String>,
    pub offer: Option<String>,
    pub offer_from: Option<String>,
    #[serde(deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub informed: Option<bool>,
    pub referred_to: Option<String>,
    pub referral_reason: Option<String>,
    pub version: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidScreening {
    pub program_id: Option<Uuid>,
    pub fit: ProgramFit,
    pub population_fit: Option<PopulationFit>,
    pub population_basis: Option<String>,
    pub offer: Option<String>,
    pub offer_from: Option<Date>,
    pub referred_to: Option<String>,
    pub referral_reason: Option<String>,
}

impl ScreeningInput {
    /// `program_states_population`: the chosen program says who it is for, so fit with that
    /// population must be recorded.
    pub fn parse(&self, program_states_population: bool) -> Result<ValidScreening, FieldErrors> {
        let mut e = FieldErrors::new();
        let fit = e.required_code("fit", &self.fit, ProgramFit::parse);
        let program_id = parse_uuid_field(&mut e, "program_id", self.program_id.as_deref());
        let population_fit = e.optional_code("population_fit", self.population_fit.as_deref(), PopulationFit::parse);
        let population_basis = e.optional("population_basis", self.population_basis.as_deref(), TEXT_MAX);
        let offer = e.optional("offer", self.offer.as_deref(), TEXT_MAX);
        let offer_from = e.optional_date("offer_from", self.offer_from.as_deref());
        let referred_to = e.optional("referred_to", self.referred_to.as_deref(), TEXT_MAX);
        let referral_reason = e.optional("referral_reason", self.referral_reason.as_deref(), TEXT_MAX);
        if !yes(self.informed) {
            e.add("informed", "error-screening-informed");
        }
        match fit {
            Some(ProgramFit::DoesNotFit) => {
                if referred_to.is_none() {
                    e.add("referred_to", "error-referral-place-required");
                }
                if referral_reason.is_none() {
                    e.add("referral_reason", "error-required");
                }
            }
            Some(_) => {
                if program_id.is_none() {
                    e.add("program_id", "error-program-required");
                }
                if offer.is_none() {
                    e.add("offer", "error-required");
                }
                if program_states_population && population_fit.is_none() {
                    e.add("population_fit", "error-required");
                }
                if population_fit.is_some_and(|p| p != PopulationFit::Unknown) && population_basis.is_none() {
                    e.add("population_basis", "error-population-basis-required");
                }
            }
            None => {}
        }
        let screening = ValidScreening {
            program_id,
            fit: fit.unwrap_or(ProgramFit::Fits),
            population_fit,
            population_basis,
            offer,
            offer_from,
            referred_to,
            referral_reason,
        };
        e.finish(screening)
    }
}

/// Accepting a request: the person starts in a program with a worker.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct AcceptInput {
    pub program_id: Option<String>,
    pub worker_id: Option<String>,
    pub started_on: Option<String>,
    pub first_service_on: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidAccept {
    pub program_id: Uuid,
    pub worker_id: Option<Uuid>,
    pub started_on: Date,
    pub first_service_on: Date,
}

impl AcceptInput {
    pub fn parse(&self, received_on: Date, today: Date) -> Result<ValidAccept, FieldErrors> {
        let mut e = FieldErrors::new();
        let program_id = uuid_required(&mut e, "program_id", self.program_id.as_deref());
        let worker_id = parse_uuid_field(&mut e, "worker_id", self.worker_id.as_deref());
        let started_on = e.optional_date("started_on", self.started_on.as_deref()).unwrap_or(today);
        let first_service_on = date_required(&mut e, "first_service_on", self.first_service_on.as_deref());
        not_in_future(&mut e, "started_on", Some(started_on), today);
        if started_on < received_on {
            e.add_with("started_on", "error-start-before-request", vec![("date", received_on.to_string())]);
        }
        not_in_future(&mut e, "first_service_on", first_service_on, today);
        if first_service_on.is_some_and(|d| d < received_on) {
            e.add_with(
                "first_service_on",
                "error-first-service-before-request",
                vec![("date", received_on.to_string())],
            );
        }
        match (program_id, first_service_on) {
            (Some(program_id), Some(first_service_on)) if e.is_empty() => {
                Ok(ValidAccept { program_id, worker_id, started_on, first_service_on })
            }
            _ => Err(e),
        }
    }
}

/// Closing a request that will not be served (information only, withdrawn, …).
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct CloseRequestInput {
    pub reason: String,
    pub note: Option<String>,
}

impl CloseRequestInput {
    pub fn parse(&self) -> Result<(CloseReason, Option<String>), FieldErrors> {
        let mut e = FieldErrors::new();
        let reason = e.required_code("reason", &self.reason, CloseReason::parse);
        let note = e.optional("note", self.note.as_deref(), TEXT_MAX);
        match reason {
            Some(reason) if e.is_empty() => Ok((reason, note)),
            _ => Err(e),
        }
    }
}

/// Placing a request on a program's waiting list.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct WaitlistInput {
    pub program_id: Option<String>,
    pub priority: String,
    /// A service elsewhere offered in the meantime.
    pub referral_offered: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidWaitlist {
    pub program_id: Uuid,
    pub priority: WaitlistPriority,
    pub referral_offered: Option<String>,
    pub note: Option<String>,
}

impl WaitlistInput {
    pub fn parse(&self) -> Result<ValidWaitlist, FieldErrors> {
        let mut e = FieldErrors::new();
        let program_id = uuid_required(&mut e, "program_id", self.program_id.as_deref());
        let priority = e.required_code("priority", &self.priority, WaitlistPriority::parse);
        let referral_offered = e.optional("referral_offered", self.referral_offered.as_deref(), TEXT_MAX);
        let note = e.optional("note", self.note.as_deref(), TEXT_MAX);
        match (program_id, priority) {
            (Some(program_id), Some(priority)) if e.is_empty() => {
                Ok(ValidWaitlist { program_id, priority, referral_offered, note })
            }
            _ => Err(e),
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct WaitlistRemoveInput {
    pub reason: String,
    pub note: Option<String>,
}

impl WaitlistRemoveInput {
    pub fn parse(&self) -> Result<(WaitlistRemoval, Option<String>), FieldErrors> {
        let mut e = FieldErrors::new();
        let reason = if self.reason.trim().is_empty() {
            e.add("reason", "error-waitlist-reason-required");
            None
        } else {
            e.required_code("reason", &self.reason, WaitlistRemoval::parse)
        };
        let note = e.optional("note", self.note.as_deref(), TEXT_MAX);
        match reason {
            Some(reason) if e.is_empty() => Ok((reason, note)),
            _ => Err(e),
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct CheckinInput {
    #[serde(deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub still_wanted: Option<bool>,
    pub note: Option<String>,
}

impl CheckinInput {
    pub fn parse(&self) -> Result<(bool, Option<String>), FieldErrors> {
        let mut e = FieldErrors::new();
        if self.still_wanted.is_none() {
            e.add("still_wanted", "error-required");
        }
        let note = e.optional("note", self.note.as_deref(), TEXT_MAX);
        e.finish((yes(self.still_wanted), note))
    }
}

/// The next check-in for someone waiting, `every_days` after `from`.
pub fn next_checkin(from: Date, every_days: i32) -> Date {
    from.saturating_add(time::Duration::days(i64::from(every_days.max(1))))
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct DischargeInput {
    pub ended_on: Option<String>,
    pub reason: String,
    pub note: Option<String>,
}

impl DischargeInput {
    pub fn parse(&self, started_on: Date, today: Date) -> Result<(Date, DischargeReason, Option<String>), FieldErrors> {
        let mut e = FieldErrors::new();
        let ended_on = e.optional_date("ended_on", self.ended_on.as_deref()).unwrap_or(today);
        not_in_future(&mut e, "ended_on", Some(ended_on), today);
        if ended_on < started_on {
            e.add_with("ended_on", "error-discharge-before-start", vec![("date", started_on.to_string())]);
        }
        let reason = e.required_code("reason", &self.reason, DischargeReason::parse);
        let note = e.optional("note", self.note.as_deref(), TEXT_MAX);
        if reason == Some(DischargeReason::Other) && note.is_none() {
            e.add("note", "error-discharge-other-note");
        }
        match reason {
            Some(reason) if e.is_empty() => Ok((ended_on, reason, note)),
            _ => Err(e),
        }
    }
}

/// Forms send numbers as text and JSON as numbers; both parse the same way afterwards.
#[derive(Deserialize)]
#[serde(untagged)]
enum TextOrNumber {
    Text(String),
    Number(i64),
}

pub(crate) fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match TextOrNumber::deserialize(d)? {
        TextOrNumber::Text(t) => t,
        TextOrNumber::Number(n) => n.to_string(),
    })
}

fn optional_text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<TextOrNumber>::deserialize(d)?.map(|v| match v {
        TextOrNumber::Text(t) => t,
        TextOrNumber::Number(n) => n.to_string(),
    }))
}

/// Per-program intake settings, as an administrator or director edits them.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ProgramIntakeInput {
    pub population_statement: Option<String>,
    #[serde(deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub prsc_population: Option<bool>,
    #[serde(deserialize_with = "text_or_number")]
    pub target_emergency_days: String,
    #[serde(deserialize_with = "text_or_number")]
    pub target_urgent_days: String,
    #[serde(deserialize_with = "text_or_number")]
    pub target_routine_days: String,
    #[serde(deserialize_with = "optional_text_or_number")]
    pub capacity: Option<String>,
    #[serde(deserialize_with = "text_or_number")]
    pub checkin_days: String,
    /// Days between plan reviews; empty means 90.
    #[serde(default, deserialize_with = "text_or_number")]
    pub plan_review_days: String,
    #[serde(deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub screen_everyone: Option<bool>,
    pub version: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidProgramIntake {
    pub population_statement: Option<String>,
    pub prsc_population: bool,
    pub targets: IntakeTargets,
    pub capacity: Option<i32>,
    pub checkin_days: i32,
    pub plan_review_days: i32,
    pub screen_everyone: bool,
}

fn whole_number(e: &mut FieldErrors, field: &str, raw: &str, min: i32, max: i32) -> i32 {
    match raw.trim().parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => n,
        _ => {
            e.add_with(field, "error-number-range", vec![("min", min.to_string()), ("max", max.to_string())]);
            min
        }
    }
}

impl ProgramIntakeInput {
    pub fn parse(&self) -> Result<ValidProgramIntake, FieldErrors> {
        let mut e = FieldErrors::new();
        let targets = IntakeTargets {
            emergency_days: whole_number(&mut e, "target_emergency_days", &self.target_emergency_days, 0, 7),
            urgent_days: whole_number(&mut e, "target_urgent_days", &self.target_urgent_days, 0, 30),
            routine_days: whole_number(&mut e, "target_routine_days", &self.target_routine_days, 0, 90),
        };
        if e.is_empty() && (targets.emergency_days > targets.urgent_days || targets.urgent_days > targets.routine_days)
        {
            e.add("target_urgent_days", "error-targets-order");
        }
        let capacity = self
            .capacity
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|raw| whole_number(&mut e, "capacity", raw, 1, 100_000));
        let settings = ValidProgramIntake {
            population_statement: e.optional("population_statement", self.population_statement.as_deref(), TEXT_MAX),
            prsc_population: yes(self.prsc_population),
            targets,
            capacity,
            checkin_days: whole_number(&mut e, "checkin_days", &self.checkin_days, 1, 90),
            plan_review_days: if self.plan_review_days.trim().is_empty() {
                crate::domain::coaching::MAX_REVIEW_DAYS
            } else {
                whole_number(
                    &mut e,
                    "plan_review_days",
                    &self.plan_review_days,
                    7,
                    crate::domain::coaching::MAX_REVIEW_DAYS,
                )
            },
            screen_everyone: yes(self.screen_everyone),
        };
        e.finish(settings)
    }
}

/// A safety plan in the person's own words.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct SafetyPlanInput {
    pub warning_signs: String,
    pub coping_strategies: String,
    pub distractions: String,
    pub people_to_ask: String,
    pub professionals: String,
    pub safer_environment: String,
    pub reasons_for_living: String,
    pub shared_on: Option<String>,
    pub version: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidSafetyPlan {
    pub warning_signs: String,
    pub coping_strategies: String,
    pub distractions: String,
    pub people_to_ask: String,
    pub professionals: String,
    pub safer_environment: String,
    pub reasons_for_living: String,
    pub shared_on: Option<Date>,
}

impl SafetyPlanInput {
    pub fn parse(&self, today: Date) -> Result<ValidSafetyPlan, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut text = |field: &str, raw: &str| e.optional(field, Some(raw), TEXT_MAX).unwrap_or_default();
        let plan = ValidSafetyPlan {
            warning_signs: text("warning_signs", &self.warning_signs),
            coping_strategies: text("coping_strategies", &self.coping_strategies),
            distractions: text("distractions", &self.distractions),
            people_to_ask: text("people_to_ask", &self.people_to_ask),
            professionals: text("professionals", &self.professionals),
            safer_environment: text("safer_environment", &self.safer_environment),
            reasons_for_living: text("reasons_for_living", &self.reasons_for_living),
            shared_on: None,
        };
        // A plan is only useful with signs to watch for and somewhere to turn.
        if plan.warning_signs.is_empty() {
            e.add("warning_signs", "error-required");
        }
        if plan.people_to_ask.is_empty() && plan.professionals.is_empty() {
            e.add("professionals", "error-safety-plan-contacts");
        }
        let shared_on = e.optional_date("shared_on", self.shared_on.as_deref());
        not_in_future(&mut e, "shared_on", shared_on, today);
        e.finish(ValidSafetyPlan { shared_on, ..plan })
    }
}

/// The 4.03 trauma and safety checklist: why it applies and which steps are done.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct SafetyChecklistInput {
    pub flags: Vec<String>,
    #[serde(deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub vulnerable_adult: Option<bool>,
    #[serde(deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub history_of_danger: Option<bool>,
    pub steps: Vec<String>,
    pub note: Option<String>,
    pub version: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidSafetyChecklist {
    pub flags: Vec<&'static str>,
    pub vulnerable_adult: bool,
    pub history_of_danger: bool,
    pub steps: Vec<&'static str>,
    pub note: Option<String>,
}

impl SafetyChecklistInput {
    pub fn parse(&self) -> Result<ValidSafetyChecklist, FieldErrors> {
        let mut e = FieldErrors::new();
        let flags = parse_code_list(&self.flags.join(";"), SafetyFlag::CODES).unwrap_or_else(|_| {
            e.add("flags", "error-unknown-choice");
            Vec::new()
        });
        let steps = parse_code_list(&self.steps.join(";"), SafetyStep::CODES).unwrap_or_else(|_| {
            e.add("steps", "error-unknown-choice");
            Vec::new()
        });
        let note = e.optional("note", self.note.as_deref(), TEXT_MAX);
        e.finish(ValidSafetyChecklist {
            flags,
            vulnerable_adult: yes(self.vulnerable_adult),
            history_of_danger: yes(self.history_of_danger),
            steps,
            note,
        })
    }
}

/// The organisation's written crisis procedure (6.03), one revision.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct CrisisProcedureInput {
    pub intervention: String,
    pub intensive_services: String,
    pub emergency_responders: String,
    pub domestic_violence: String,
    pub anonymous_callers: String,
    pub mandatory_reporting: String,
    pub approved_by: String,
    pub approved_on: Option<String>,
    /// The revision this edit started from; a newer one means someone else saved first.
    pub based_on: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidCrisisProcedure {
    pub intervention: String,
    pub intensive_services: String,
    pub emergency_responders: String,
    pub domestic_violence: String,
    pub anonymous_callers: String,
    pub mandatory_reporting: String,
    pub approved_by: String,
    pub approved_on: Date,
}

impl CrisisProcedureInput {
    pub fn parse(&self, today: Date) -> Result<ValidCrisisProcedure, FieldErrors> {
        let mut e = FieldErrors::new();
        let long = 20_000;
        let intervention = e.required("intervention", &self.intervention, long);
        let intensive_services = e.required("intensive_services", &self.intensive_services, long);
        let emergency_responders = e.required("emergency_responders", &self.emergency_responders, long);
        let domestic_violence = e.required("domestic_violence", &self.domestic_violence, long);
        let anonymous_callers = e.required("anonymous_callers", &self.anonymous_callers, long);
        let mandatory_reporting = e.required("mandatory_reporting", &self.mandatory_reporting, long);
        let approved_by = e.required("approved_by", &self.approved_by, NAME_MAX);
        let approved_on = date_required(&mut e, "approved_on", self.approved_on.as_deref());
        not_in_future(&mut e, "approved_on", approved_on, today);
        match approved_on {
            Some(approved_on) if e.is_empty() => Ok(ValidCrisisProcedure {
                intervention,
                intensive_services,
                emergency_responders,
                domestic_violence,
                anonymous_callers,
                mandatory_reporting,
                approved_by,
                approved_on,
            }),
            _ => Err(e),
        }
    }
}

/// A crisis event, logged against a person or anonymously.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct CrisisEventInput {
    pub person_id: Option<String>,
    /// For an anonymous caller: what is known (e.g. "caller from the east side, adult").
    pub caller_description: Option<String>,
    /// When it happened (YYYY-MM-DD and HH:MM, the organisation's time); now if empty.
    pub occurred_on: Option<String>,
    pub occurred_time: Option<String>,
    pub what_happened: String,
    pub actions_taken: String,
    pub calls: Vec<String>,
    pub calls_detail: Option<String>,
    pub outcome: String,
    pub follow_up_due: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidCrisisEvent {
    pub person_id: Option<Uuid>,
    pub caller_description: Option<String>,
    pub occurred_on: Option<Date>,
    pub occurred_time: Option<time::Time>,
    pub what_happened: String,
    pub actions_taken: String,
    pub calls: Vec<&'static str>,
    pub calls_detail: Option<String>,
    pub outcome: String,
    pub follow_up_due: Option<Date>,
}

impl CrisisEventInput {
    pub fn parse(&self, today: Date) -> Result<ValidCrisisEvent, FieldErrors> {
        let mut e = FieldErrors::new();
        let person_id = parse_uuid_field(&mut e, "person_id", self.person_id.as_deref());
        let occurred_on = e.optional_date("occurred_on", self.occurred_on.as_deref());
        not_in_future(&mut e, "occurred_on", occurred_on, today);
        let occurred_time = e.optional_time("occurred_time", self.occurred_time.as_deref());
        let calls = parse_code_list(&self.calls.join(";"), CrisisCall::CODES).unwrap_or_else(|_| {
            e.add("calls", "error-unknown-choice");
            Vec::new()
        });
        let follow_up_due = e.optional_date("follow_up_due", self.follow_up_due.as_deref());
        if follow_up_due.is_some_and(|d| d < occurred_on.unwrap_or(today)) {
            e.add("follow_up_due", "error-follow-up-before-event");
        }
        let event = ValidCrisisEvent {
            person_id,
            caller_description: e.optional("caller_description", self.caller_description.as_deref(), 400),
            occurred_on,
            occurred_time,
            what_happened: e.required("what_happened", &self.what_happened, TEXT_MAX),
            actions_taken: e.required("actions_taken", &self.actions_taken, TEXT_MAX),
            calls,
            calls_detail: e.optional("calls_detail", self.calls_detail.as_deref(), TEXT_MAX),
            outcome: e.required("outcome", &self.outcome, TEXT_MAX),
            follow_up_due,
        };
        e.finish(event)
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct FollowUpInput {
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    fn codes(errors: &FieldErrors) -> Vec<(&str, &str)> {
        errors.0.iter().map(|e| (e.field.as_str(), e.message_id)).collect()
    }

    #[test]
    fn queue_puts_untriaged_between_urgent_and_routine() {
        let mut all = [Some(Urgency::Routine), None, Some(Urgency::Urgent), Some(Urgency::Emergency)];
        all.sort_by_key(|u| urgency_rank(*u));
        assert_eq!(all, [Some(Urgency::Emergency), Some(Urgency::Urgent), None, Some(Urgency::Routine)]);
    }

    #[test]
    fn targets_and_timeliness() {
        let targets = IntakeTargets::default();
        let received = date!(2026 - 11 - 10);
        assert_eq!(targets.due_on(received, Some(Urgency::Emergency)), received);
        assert_eq!(targets.due_on(received, Some(Urgency::Urgent)), date!(2026 - 11 - 12));
        assert_eq!(targets.due_on(received, None), date!(2026 - 11 - 20));
        assert_eq!(timeliness(received, Some(received), 0, TODAY), Timeliness::ServedOnTime);
        assert_eq!(timeliness(received, Some(date!(2026 - 11 - 11)), 0, TODAY), Timeliness::ServedLate);
        assert_eq!(timeliness(received, None, 10, date!(2026 - 11 - 20)), Timeliness::Waiting);
        assert_eq!(timeliness(received, None, 10, date!(2026 - 11 - 21)), Timeliness::PastTarget);
        assert_eq!(median_days(&mut [5, 1, 3]), Some(3));
        assert_eq!(median_days(&mut [4, 1, 3, 2]), Some(2));
        assert_eq!(median_days(&mut []), None);
    }

    #[test]
    fn request_needs_who_unless_anonymous() {
        let mut input = RequestInput { source: "phone".into(), asked_for: "A coach".into(), ..Default::default() };
        assert_eq!(codes(&input.parse(TODAY).unwrap_err()), [("given_name", "error-request-who")]);
        input.anonymous = Some(true);
        input.given_name = Some("Sam".into());
        let valid = input.parse(TODAY).unwrap();
        assert!(valid.anonymous && valid.given_name.is_none());
        input.person_id = Some(Uuid::from_u128(1).to_string());
        assert_eq!(codes(&input.parse(TODAY).unwrap_err()), [("anonymous", "error-request-anonymous-with-person")]);
    }

    #[test]
    fn request_cannot_be_received_in_the_future() {
        let input = RequestInput {
            source: "walk-in".into(),
            given_name: Some("Ana".into()),
            asked_for: "Support".into(),
            received_on: Some("2026-11-23".into()),
            ..Default::default()
        };
        assert_eq!(codes(&input.parse(TODAY).unwrap_err()), [("received_on", "error-date-in-future")]);
    }

    #[test]
    fn self_referral_needs_a_way_back_and_consent() {
        let input = SelfReferralInput { given_name: "Jo".into(), asked_for: "Help".into(), ..Default::default() };
        assert_eq!(
            codes(&input.parse().unwrap_err()),
            [("phone", "error-self-referral-reach"), ("consent", "error-self-referral-consent")]
        );
        let ok = SelfReferralInput { phone: Some("555 010 2030".into()), consent: Some(true), ..input };
        assert_eq!(ok.parse().unwrap().source, RequestSource::SelfReferral);
    }

    #[test]
    fn triage_requires_reason_and_a_note_for_intensive_needs() {
        let input = TriageInput { urgency: "urgent".into(), needs_intensive: Some(true), ..Default::default() };
        assert_eq!(
            codes(&input.parse().unwrap_err()),
            [("urgency_reason", "error-required"), ("intensive_note", "error-intensive-note-required")]
        );
    }

    #[test]
    fn screening_not_fitting_needs_a_referral_and_reason() {
        let input = ScreeningInput { fit: "does-not-fit".into(), informed: Some(true), ..Default::default() };
        assert_eq!(
            codes(&input.parse(false).unwrap_err()),
            [("referred_to", "error-referral-place-required"), ("referral_reason", "error-required")]
        );
    }

    #[test]
    fn screening_fitting_needs_program_offer_population_and_telling() {
        let input = ScreeningInput { fit: "fits".into(), ..Default::default() };
        assert_eq!(
            codes(&input.parse(true).unwrap_err()),
            [
                ("informed", "error-screening-informed"),
                ("program_id", "error-program-required"),
                ("offer", "error-required"),
                ("population_fit", "error-required"),
            ]
        );
        let input = ScreeningInput {
            fit: "partly".into(),
            program_id: Some(Uuid::from_u128(3).to_string()),
            offer: Some("Weekly coaching".into()),
            population_fit: Some("self-identifies".into()),
            informed: Some(true),
            ..Default::default()
        };
        assert_eq!(codes(&input.parse(true).unwrap_err()), [("population_basis", "error-population-basis-required")]);
    }

    #[test]
    fn first_service_cannot_precede_the_request() {
        let input = AcceptInput {
            program_id: Some(Uuid::from_u128(3).to_string()),
            first_service_on: Some("2026-11-01".into()),
            ..Default::default()
        };
        let errors = input.parse(date!(2026 - 11 - 05), TODAY).unwrap_err();
        assert_eq!(codes(&errors), [("first_service_on", "error-first-service-before-request")]);
        let ok = AcceptInput { first_service_on: Some("2026-11-05".into()), ..input };
        assert_eq!(ok.parse(date!(2026 - 11 - 05), TODAY).unwrap().started_on, TODAY);
    }

    #[test]
    fn waiting_list_removal_needs_a_reason() {
        let errors = WaitlistRemoveInput::default().parse().unwrap_err();
        assert_eq!(codes(&errors), [("reason", "error-waitlist-reason-required")]);
        let bad = WaitlistRemoveInput { reason: "bored".into(), note: None };
        assert_eq!(codes(&bad.parse().unwrap_err()), [("reason", "error-unknown-choice")]);
        let ok = WaitlistRemoveInput { reason: "served-elsewhere".into(), note: None };
        assert_eq!(ok.parse().unwrap().0, WaitlistRemoval::ServedElsewhere);
        assert_eq!(next_checkin(date!(2026 - 11 - 01), 14), date!(2026 - 11 - 15));
    }

    #[test]
    fn discharge_dates_and_reasons() {
        let start = date!(2026 - 10 - 01);
        let early = DischargeInput { ended_on: Some("2026-09-30".into()), reason: "moved".into(), note: None };
        assert_eq!(codes(&early.parse(start, TODAY).unwrap_err()), [("ended_on", "error-discharge-before-start")]);
        let other = DischargeInput { ended_on: None, reason: "other".into(), note: None };
        assert_eq!(codes(&other.parse(start, TODAY).unwrap_err()), [("note", "error-discharge-other-note")]);
    }

    #[test]
    fn program_targets_must_be_ordered() {
        let input = ProgramIntakeInput {
            target_emergency_days: "0".into(),
            target_urgent_days: "12".into(),
            target_routine_days: "10".into(),
            checkin_days: "14".into(),
            ..Default::default()
        };
        assert_eq!(codes(&input.parse().unwrap_err()), [("target_urgent_days", "error-targets-order")]);
        let bad = ProgramIntakeInput { checkin_days: "0".into(), target_urgent_days: "2".into(), ..input };
        assert_eq!(codes(&bad.parse().unwrap_err()), [("checkin_days", "error-number-range")]);
    }

    #[test]
    fn safety_plan_needs_signs_and_somewhere_to_turn() {
        let errors = SafetyPlanInput::default().parse(TODAY).unwrap_err();
        assert_eq!(
            codes(&errors),
            [("warning_signs", "error-required"), ("professionals", "error-safety-plan-contacts")]
        );
    }

    #[test]
    fn crisis_procedure_covers_every_section() {
        let errors = CrisisProcedureInput::default().parse(TODAY).unwrap_err();
        assert_eq!(errors.0.len(), 8);
    }

    #[test]
    fn crisis_event_follow_up_not_before_event() {
        let input = CrisisEventInput {
            what_happened: "Caller distressed".into(),
            actions_taken: "Stayed on the line".into(),
            outcome: "Safe with a friend".into(),
            calls: vec!["crisis-line".into()],
            occurred_on: Some("2026-11-20".into()),
            follow_up_due: Some("2026-11-19".into()),
            occurred_time: Some("25:00".into()),
            ..Default::default()
        };
        assert_eq!(
            codes(&input.parse(TODAY).unwrap_err()),
            [("occurred_time", "error-time-format"), ("follow_up_due", "error-follow-up-before-event")]
        );
    }
}
