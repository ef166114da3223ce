//! The one place intake records are read and written: requests for service, screening,
//! waiting lists, risk screens, safety plans, the 4.03 checklist, the crisis procedure and crisis
//! events. Every call checks access and writes the audit event, for pages and API alike.

use crate::access::{self, Action, Actor, Reach, RequestScope};
use crate::app::{AppState, local_date};
use crate::audit::Outcome;
use crate::db::entities::{
    crisis_event, crisis_procedure, enrolment, person_safety, program, risk_response, risk_screen, safety_plan,
    service_request, waitlist_entry,
};
use crate::db::intake::{ProgramIntake, QueueFilter};
use crate::db::{self, Page, PageRequest};
use crate::domain::FieldErrors;
use crate::domain::codes::{ProgramFit, RequestStatus, SafetyFlag, Urgency, WaitlistRemoval};
use crate::domain::intake::{
    self as rules, AcceptInput, CloseRequestInput, ScreeningInput, Timeliness, ValidCrisisEvent, ValidCrisisProcedure,
    ValidProgramIntake, ValidRequest, ValidSafetyChecklist, ValidSafetyPlan, ValidTriage, ValidWaitlist,
};
use crate::domain::person::{ValidPerson, age_on};
use crate::domain::risk::{self, ResponseKind, RiskLevel, ValidRiskScreen};
use crate::error::{AppError, AppResult};
use crate::records;
use crate::web::actor_entry;
use sea_orm::ActiveValue::Set;
use serde_json::json;
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Refuses (and records) an action outside the actor's roles; `record` names what was asked for.
pub(crate) async fn deny(
    state: &AppState,
    actor: &Actor,
    action: &str,
    record: Option<(&'static str, Uuid)>,
) -> AppError {
    let mut entry = actor_entry(actor, "access.denied").outcome(Outcome::Denied).detail(json!({ "action": action }));
    if let Some((kind, id)) = record {
        entry = entry.record(kind, id);
    }
    match db::audit::append_now(&state.db, entry, state.clock.now()).await {
        Ok(()) => AppError::Forbidden,
        Err(e) => e.into(),
    }
}

async fn require(state: &AppState, actor: &Actor, action: Action) -> AppResult<()> {
    if access::allows(actor, action, Reach::Outside) {
        Ok(())
    } else {
        Err(deny(state, actor, &format!("{action:?}"), None).await)
    }
}

fn today(state: &AppState, tz: &str) -> Date {
    local_date(tz, state.clock.now())
}

/// A request's day of arrival counted in the organisation's time zone.
pub fn received_on(tz: &str, request: &service_request::Model) -> Date {
    local_date(tz, request.received_at)
}

/// Who a request is about, for lists: the record's name, the name given, or "anonymous".
pub fn request_label(request: &service_request::Model, names: &HashMap<Uuid, String>) -> Option<String> {
    label_of(request.person_id, &request.given_name, &request.family_name, names)
}

pub fn row_label(row: &db::intake::QueueRow, names: &HashMap<Uuid, String>) -> Option<String> {
    label_of(row.person_id, &row.given_name, &row.family_name, names)
}

fn label_of(
    person_id: Option<Uuid>,
    given: &Option<String>,
    family: &Option<String>,
    names: &HashMap<Uuid, String>,
) -> Option<String> {
    if let Some(name) = person_id.and_then(|id| names.get(&id)) {
        return Some(name.clone());
    }
    match (given, family) {
        (Some(g), Some(f)) => Some(format!("{g} {f}")),
        (Some(g), None) => Some(g.clone()),
        _ => None,
    }
}

async fn active_program(state: &AppState, org_id: Uuid, id: Uuid, field: &str) -> AppResult<program::Model> {
    db::org::program(&state.db, org_id, id)
        .await?
        .filter(|p| p.active)
        .ok_or_else(|| AppError::Invalid(FieldErrors::single(field, "error-program-required")))
}

/// Someone else may be given the work only by a supervisor or director, and only an active
/// colleague.
async fn check_worker(state: &AppState, actor: &Actor, worker: Option<Uuid>, field: &str) -> AppResult<Uuid> {
    let worker_id = worker.unwrap_or(actor.staff_id);
    if worker_id == actor.staff_id {
        return Ok(worker_id);
    }
    let may_assign = access::allows(actor, Action::ReassignPerson, Reach::OwnCaseload);
    let active = db::staff::get(state.db.conn(), actor.org_id, worker_id).await?.filter(|w| w.active);
    if !may_assign || active.is_none() {
        return Err(AppError::Invalid(FieldErrors::single(field, "error-worker-not-allowed")));
    }
    Ok(worker_id)
}

// ---------- requests ----------

/// Logs a request from a member of staff.
pub async fn log_request(
    state: &AppState,
    actor: &Actor,
    tz: &str,
    r: &ValidRequest,
) -> AppResult<service_request::Model> {
    require(state, actor, Action::LogRequest).await?;
    if let Some(person_id) = r.person_id {
        records::open(state, actor, person_id, Action::EditPerson).await?;
    }
    if let Some(program_id) = r.program_id {
        active_program(state, actor.org_id, program_id, "program_id").await?;
    }
    let assigned_to = check_worker(state, actor, r.assigned_to, "assigned_to").await?;
    let now = state.clock.now();
    let received_at = match r.received_on {
        // Logged later: counted from that day (midday, so the local date is the day given).
        Some(day) if day != today(state, tz) => {
            at_local(tz, day, time::Time::MIDNIGHT + time::Duration::hours(12)).unwrap_or(now)
        }
        _ => now,
    };
    let txn = state.db.begin_write().await?;
    let created = db::intake::insert_request(
        &txn,
        new_request(actor.org_id, r, received_at, now, Some(actor.staff_id), Some(assigned_to)),
    )
    .await?;
    let entry = actor_entry(actor, "request.create")
        .record("request", created.id)
        .detail(json!({ "person_id": r.person_id, "source": r.source.code() }));
    db::audit::append(&txn, entry, now).await?;
    if let Some(person_id) = r.person_id {
        let entry = actor_entry(actor, "person.request")
            .record("person", person_id)
            .detail(json!({ "request_id": created.id }));
        db::audit::append(&txn, entry, now).await?;
    }
    txn.commit().await?;
    Ok(created)
}

fn new_request(
    org_id: Uuid,
    r: &ValidRequest,
    received_at: OffsetDateTime,
    now: OffsetDateTime,
    created_by: Option<Uuid>,
    assigned_to: Option<Uuid>,
) -> service_request::ActiveModel {
    service_request::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id),
        person_id: Set(r.person_id),
        anonymous: Set(r.anonymous),
        source: Set(r.source.code().to_string()),
        received_at: Set(received_at),
        given_name: Set(r.given_name.clone()),
        family_name: Set(r.family_name.clone()),
        phone: Set(r.phone.clone()),
        email: Set(r.email.clone()),
        date_of_birth: Set(r.date_of_birth),
        safe_to_message: Set(r.safe_to_message),
        referrer_name: Set(r.referrer_name.clone()),
        referrer_organisation: Set(r.referrer_organisation.clone()),
        asked_for: Set(r.asked_for.clone()),
        program_id: Set(r.program_id),
        assigned_to: Set(assigned_to),
        status: Set(RequestStatus::New.code().to_string()),
        urgency: Set(None),
        urgency_rank: Set(rules::urgency_rank(None)),
        needs_intensive: Set(false),
        created_by: Set(created_by),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// A request from the public self-referral form: no account, so the audit names the form.
pub async fn self_referral(state: &AppState, org_id: Uuid, r: &ValidRequest, ip: Option<String>) -> AppResult<Uuid> {
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let created = db::intake::insert_request(&txn, new_request(org_id, r, now, now, None, None)).await?;
    let mut entry = crate::audit::Entry::new(org_id, "request.self-referral").record("request", created.id);
    entry.actor_label = Some("self-referral form".into());
    entry.ip = ip;
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(created.id)
}

/// Loads a request the actor's intake work covers; views are audited.
pub async fn open_request(state: &AppState, actor: &Actor, id: Uuid, edit: bool) -> AppResult<service_request::Model> {
    let request = db::intake::request(state.db.conn(), actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    let scope = access::request_scope(actor);
    let allowed = access::request_in_scope(&scope, request.assigned_to, request.program_id)
        && (!edit || access::may_edit_requests(actor));
    if !allowed {
        let action = if edit { "EditRequest" } else { "ViewRequest" };
        return Err(deny(state, actor, action, Some(("request", id))).await);
    }
    if !edit {
        let entry = actor_entry(actor, "request.view").record("request", id);
        db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    }
    Ok(request)
}

/// One row of the intake queue.
pub struct QueueItem {
    pub request: db::intake::QueueRow,
    pub who: Option<String>,
    pub program: Option<String>,
    pub received_on: Date,
    pub due_on: Date,
    pub days_waiting: i64,
    pub overdue: bool,
}

#[derive(Debug)]
pub struct Context {
    pub programs: Vec<program::Model>,
    pub settings: HashMap<Uuid, ProgramIntake>,
}

/// (access generation, when loaded, the context).
type CachedContext = (u64, std::time::Instant, std::sync::Arc<Context>);

/// Programs and their intake settings change rarely and are read on every intake page: kept per
/// organisation for ten seconds, and dropped at once when programs or settings change (they bump
/// the access generation).
#[derive(Debug, Default)]
pub struct ContextCache {
    entries: std::sync::Mutex<HashMap<Uuid, CachedContext>>,
}

impl Context {
    pub async fn load(state: &AppState, org_id: Uuid) -> AppResult<std::sync::Arc<Context>> {
        let generation = db::access_generation();
        {
            let entries = state.intake_context.entries.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((g, at, context)) = entries.get(&org_id)
                && *g == generation
                && at.elapsed() < std::time::Duration::from_secs(10)
            {
                return Ok(context.clone());
            }
        }
        let context = std::sync::Arc::new(Context {
            programs: db::org::programs(state.db.conn(), org_id).await?,
            settings: db::intake::all_settings(state.db.conn(), org_id).await?,
        });
        let mut entries = state.intake_context.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.insert(org_id, (generation, std::time::Instant::now(), context.clone()));
        Ok(context)
    }

    pub fn program_name(&self, id: Option<Uuid>) -> Option<String> {
        id.and_then(|id| self.programs.iter().find(|p| p.id == id)).map(|p| p.name.clone())
    }

    pub fn settings(&self, program_id: Option<Uuid>) -> ProgramIntake {
        match program_id {
            Some(id) => db::intake::settings_of(&self.settings, id),
            None => ProgramIntake::defaults(Uuid::nil()),
        }
    }
}

pub fn urgency_of(code: Option<&str>) -> Option<Urgency> {
    code.and_then(Urgency::parse)
}

/// The open requests in scope, most urgent first and then longest waiting.
pub async fn queue(
    state: &AppState,
    actor: &Actor,
    tz: &str,
    filter: QueueFilter,
    page: PageRequest,
) -> AppResult<Page<QueueItem>> {
    let scope = access::request_scope(actor);
    if scope == RequestScope::Nobody {
        return Err(deny(state, actor, "ViewRequest", None).await);
    }
    let found = db::intake::queue(&state.db, actor.org_id, &scope, filter, page).await?;
    let context = Context::load(state, actor.org_id).await?;
    let entry = actor_entry(actor, "request.list").detail(json!({ "results": found.items.len() }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    queue_items(state, actor, tz, &context, found).await
}

async fn queue_items(
    state: &AppState,
    actor: &Actor,
    tz: &str,
    context: &Context,
    found: Page<db::intake::QueueRow>,
) -> AppResult<Page<QueueItem>> {
    let names =
        db::intake::person_names(&state.db, actor.org_id, found.items.iter().filter_map(|r| r.person_id).collect())
            .await?;
    let today = today(state, tz);
    Ok(found.map(|request| {
        let received_on = local_date(tz, request.received_at);
        let urgency = urgency_of(request.urgency.as_deref());
        let due_on = context.settings(request.program_id).targets.due_on(received_on, urgency);
        QueueItem {
            who: row_label(&request, &names),
            program: context.program_name(request.program_id),
            received_on,
            due_on,
            days_waiting: rules::days_between(received_on, today),
            overdue: today > due_on,
            request,
        }
    }))
}

/// Open requests past their program's target for their urgency: received before the start of
/// the day `target` days ago, one term per program and urgency.
fn overdue_condition(context: &Context, tz: &str, today: Date) -> sea_orm::Condition {
    use sea_orm::{ColumnTrait, Condition};
    use service_request::Column as C;
    let urgencies = [Some(Urgency::Emergency), Some(Urgency::Urgent), None, Some(Urgency::Routine)];
    let programs = context.programs.iter().map(|p| Some(p.id)).chain([None]);
    let mut any = Condition::any();
    for program in programs {
        let targets = context.settings(program).targets;
        for urgency in urgencies {
            let cutoff_day = today - time::Duration::days(i64::from(targets.days_for(urgency)));
            let Some(cutoff) = at_local(tz, cutoff_day, time::Time::MIDNIGHT) else { continue };
            let program_matches = match program {
                Some(id) => C::ProgramId.eq(id),
                None => C::ProgramId.is_null(),
            };
            any = any.add(
                Condition::all()
                    .add(program_matches)
                    .add(C::UrgencyRank.eq(rules::urgency_rank(urgency)))
                    .add(C::ReceivedAt.lt(cutoff)),
            );
        }
    }
    any
}

async fn save_request(
    state: &AppState,
    actor: &Actor,
    request: &service_request::Model,
    version: i32,
    changes: service_request::ActiveModel,
    action: &'static str,
    detail: serde_json::Value,
) -> AppResult<service_request::Model> {
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let saved = db::intake::update_request(&txn, actor.org_id, request.id, version, changes, now).await?;
    db::audit::append(&txn, actor_entry(actor, action).record("request", request.id).detail(detail.clone()), now)
        .await?;
    if let Some(person_id) = request.person_id {
        let entry = actor_entry(actor, action).record("person", person_id).detail(json!({ "request_id": request.id }));
        db::audit::append(&txn, entry, now).await?;
    }
    txn.commit().await?;
    Ok(saved)
}

fn ensure_open(request: &service_request::Model) -> AppResult<()> {
    match RequestStatus::parse(&request.status) {
        Some(RequestStatus::New | RequestStatus::Screened | RequestStatus::Waiting) => Ok(()),
        _ => Err(AppError::Invalid(FieldErrors::single("status", "error-request-closed"))),
    }
}

/// Intake (3.02): urgency, the reason for it, critical needs and the need for clinical care.
pub async fn triage(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    t: &ValidTriage,
) -> AppResult<service_request::Model> {
    let request = open_request(state, actor, id, true).await?;
    ensure_open(&request)?;
    let now = state.clock.now();
    let changes = service_request::ActiveModel {
        urgency: Set(Some(t.urgency.code().to_string())),
        urgency_rank: Set(rules::urgency_rank(Some(t.urgency))),
        urgency_reason: Set(Some(t.urgency_reason.clone())),
        critical_needs: Set(t.critical_needs.clone()),
        needs_intensive: Set(t.needs_intensive),
        intensive_note: Set(t.intensive_note.clone()),
        triaged_at: Set(Some(now)),
        triaged_by: Set(Some(actor.staff_id)),
        ..Default::default()
    };
    let detail = json!({ "urgency": t.urgency.code(), "needs_intensive": t.needs_intensive });
    save_request(state, actor, &request, version, changes, "request.triage", detail).await
}

/// Screening (3.01); a request that does not fit ends referred elsewhere.
pub async fn screen(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: &ScreeningInput,
) -> AppResult<service_request::Model> {
    let request = open_request(state, actor, id, true).await?;
    ensure_open(&request)?;
    let mut e = FieldErrors::new();
    let program_id = crate::domain::setup::parse_uuid_field(&mut e, "program_id", input.program_id.as_deref());
    let states_population = match program_id {
        Some(pid) => db::intake::settings(state.db.conn(), actor.org_id, pid).await?.states_population(),
        None => false,
    };
    let s = input.parse(states_population)?;
    if let Some(pid) = s.program_id {
        active_program(state, actor.org_id, pid, "program_id").await?;
    }
    let now = state.clock.now();
    let referred = s.fit == ProgramFit::DoesNotFit;
    let status = match RequestStatus::parse(&request.status) {
        _ if referred => RequestStatus::ReferredOut,
        // Screening again while waiting keeps the place on the list.
        Some(RequestStatus::Waiting) => RequestStatus::Waiting,
        _ => RequestStatus::Screened,
    };
    let changes = service_request::ActiveModel {
        program_id: Set(s.program_id.or(request.program_id)),
        fit: Set(Some(s.fit.code().to_string())),
        population_fit: Set(s.population_fit.map(|p| p.code().to_string())),
        population_basis: Set(s.population_basis.clone()),
        offer: Set(s.offer.clone()),
        offer_from: Set(s.offer_from),
        informed_at: Set(Some(now)),
        screened_at: Set(Some(now)),
        screened_by: Set(Some(actor.staff_id)),
        referred_to: Set(s.referred_to.clone()),
        referral_reason: Set(s.referral_reason.clone()),
        status: Set(status.code().to_string()),
        closed_at: Set(referred.then_some(now)),
        ..Default::default()
    };
    let detail = json!({ "fit": s.fit.code(), "program_id": s.program_id, "status": status.code() });
    let version = input.version.ok_or_else(|| AppError::Invalid(FieldErrors::single("version", "error-required")))?;
    let waiting = db::intake::active_entry_for_request(state.db.conn(), actor.org_id, id).await?;
    let txn = state.db.begin_write().await?;
    let saved = db::intake::update_request(&txn, actor.org_id, id, version, changes, now).await?;
    // Referred elsewhere: no longer waiting for us.
    if let (true, Some(entry)) = (referred, waiting) {
        let removal = waitlist_entry::ActiveModel {
            removed_at: Set(Some(now)),
            removed_by: Set(Some(actor.staff_id)),
            removed_reason: Set(Some(WaitlistRemoval::ServedElsewhere.code().to_string())),
            ..Default::default()
        };
        db::intake::update_waitlist_entry(&txn, actor.org_id, entry.id, entry.version, removal, now).await?;
    }
    db::audit::append(&txn, actor_entry(actor, "request.screen").record("request", id).detail(detail), now).await?;
    if let Some(person_id) = request.person_id {
        let entry =
            actor_entry(actor, "request.screen").record("person", person_id).detail(json!({ "request_id": id }));
        db::audit::append(&txn, entry, now).await?;
    }
    txn.commit().await?;
    Ok(saved)
}

/// Gives the request a person record (from the details it holds) so screens and plans can be kept.
pub async fn create_person_for_request(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    person: &ValidPerson,
) -> AppResult<Uuid> {
    let request = open_request(state, actor, id, true).await?;
    ensure_open(&request)?;
    records::ensure_can_create(state, actor).await?;
    if request.person_id.is_some() || request.anonymous {
        return Err(AppError::Invalid(FieldErrors::single("person", "error-request-has-person")));
    }
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let new = db::people::NewPerson {
        org_id: actor.org_id,
        person,
        program_id: None,
        worker_id: None,
        created_by: actor.staff_id,
        started_on: now.date(),
    };
    let created = db::people::create(&txn, new, now).await?;
    let changes = service_request::ActiveModel { person_id: Set(Some(created.id)), ..Default::default() };
    db::intake::update_request(&txn, actor.org_id, id, version, changes, now).await?;
    let entry =
        actor_entry(actor, "person.create").record("person", created.id).detail(json!({ "request_id": request.id }));
    db::audit::append(&txn, entry, now).await?;
    let entry = actor_entry(actor, "request.person").record("request", id).detail(json!({ "person_id": created.id }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(created.id)
}

/// An accepted request, and what the worker's training or certification leaves uncovered for coaching
/// (empty when nothing is missing; under the organisation's block policy the accept is refused).
pub struct Accepted {
    pub request: service_request::Model,
    pub worker_id: Uuid,
    pub assignment_gaps: Vec<crate::domain::personnel::Need>,
}

/// Accepting a request enrols the person (with a worker) and records the first service.
pub async fn accept(
    state: &AppState,
    actor: &Actor,
    tz: &str,
    id: Uuid,
    version: i32,
    input: &AcceptInput,
) -> AppResult<Accepted> {
    let request = open_request(state, actor, id, true).await?;
    ensure_open(&request)?;
    let a = input.parse(received_on(tz, &request), today(state, tz))?;
    let Some(person_id) = request.person_id else {
        return Err(AppError::Invalid(FieldErrors::single("person", "error-accept-needs-record")));
    };
    active_program(state, actor.org_id, a.program_id, "program_id").await?;
    let worker_id = check_worker(state, actor, a.worker_id, "worker_id").await?;
    let assignment_gaps = crate::personnel::enforce_assignment(
        state,
        actor.org_id,
        worker_id,
        crate::domain::personnel::Assignment::Coach,
        "worker_id",
    )
    .await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let enrolment = db::intake::insert_enrolment(
        &txn,
        enrolment::ActiveModel {
            id: Set(Uuid::new_v4()),
            org_id: Set(actor.org_id),
            person_id: Set(person_id),
            program_id: Set(a.program_id),
            worker_id: Set(Some(worker_id)),
            started_on: Set(a.started_on),
            ended_on: Set(None),
            created_at: Set(now),
            discharge_reason: Set(None),
            discharge_note: Set(None),
            request_id: Set(Some(request.id)),
        },
    )
    .await?;
    let changes = service_request::ActiveModel {
        status: Set(RequestStatus::Enrolled.code().to_string()),
        program_id: Set(Some(a.program_id)),
        enrolment_id: Set(Some(enrolment.id)),
        first_service_on: Set(Some(a.first_service_on)),
        closed_at: Set(Some(now)),
        ..Default::default()
    };
    let saved = db::intake::update_request(&txn, actor.org_id, id, version, changes, now).await?;
    if let Some(entry) = db::intake::active_entry_for_request(&*txn, actor.org_id, id).await? {
        let removal = waitlist_entry::ActiveModel {
            removed_at: Set(Some(now)),
            removed_by: Set(Some(actor.staff_id)),
            removed_reason: Set(Some(WaitlistRemoval::Enrolled.code().to_string())),
            ..Default::default()
        };
        db::intake::update_waitlist_entry(&txn, actor.org_id, entry.id, entry.version, removal, now).await?;
    }
    let detail = json!({ "enrolment_id": enrolment.id, "program_id": a.program_id, "worker_id": worker_id });
    db::audit::append(&txn, actor_entry(actor, "request.accept").record("request", id).detail(detail.clone()), now)
        .await?;
    db::audit::append(&txn, actor_entry(actor, "person.enrol").record("person", person_id).detail(detail), now).await?;
    crate::outcomes::stamp::bump(&*txn, actor.org_id, now).await?;
    txn.commit().await?;
    Ok(Accepted { request: saved, worker_id, assignment_gaps })
}

pub async fn close_request(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    input: &CloseRequestInput,
) -> AppResult<service_request::Model> {
    let request = open_request(state, actor, id, true).await?;
    ensure_open(&request)?;
    if RequestStatus::parse(&request.status) == Some(RequestStatus::Waiting) {
        return Err(AppError::Invalid(FieldErrors::single("reason", "error-request-waiting")));
    }
    let (reason, note) = input.parse()?;
    let changes = service_request::ActiveModel {
        status: Set(RequestStatus::Closed.code().to_string()),
        close_reason: Set(Some(reason.code().to_string())),
        close_note: Set(note),
        closed_at: Set(Some(state.clock.now())),
        ..Default::default()
    };
    save_request(state, actor, &request, version, changes, "request.close", json!({ "reason": reason.code() })).await
}

// ---------- waiting lists ----------

pub async fn place_on_waitlist(
    state: &AppState,
    actor: &Actor,
    tz: &str,
    id: Uuid,
    version: i32,
    w: &ValidWaitlist,
) -> AppResult<waitlist_entry::Model> {
    let request = open_request(state, actor, id, true).await?;
    match RequestStatus::parse(&request.status) {
        Some(RequestStatus::New | RequestStatus::Screened) => {}
        Some(RequestStatus::Waiting) => {
            return Err(AppError::Invalid(FieldErrors::single("program_id", "error-already-waiting")));
        }
        _ => return Err(AppError::Invalid(FieldErrors::single("status", "error-request-closed"))),
    }
    active_program(state, actor.org_id, w.program_id, "program_id").await?;
    let settings = db::intake::settings(state.db.conn(), actor.org_id, w.program_id).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let changes = service_request::ActiveModel {
        status: Set(RequestStatus::Waiting.code().to_string()),
        program_id: Set(Some(w.program_id)),
        ..Default::default()
    };
    db::intake::update_request(&txn, actor.org_id, id, version, changes, now).await?;
    let entry = db::intake::insert_waitlist_entry(
        &txn,
        waitlist_entry::ActiveModel {
            id: Set(Uuid::new_v4()),
            org_id: Set(actor.org_id),
            request_id: Set(id),
            person_id: Set(request.person_id),
            program_id: Set(w.program_id),
            assigned_to: Set(request.assigned_to),
            priority: Set(w.priority.code().to_string()),
            priority_rank: Set(rules::priority_rank(w.priority)),
            placed_at: Set(now),
            placed_by: Set(actor.staff_id),
            next_checkin_on: Set(rules::next_checkin(today(state, tz), settings.checkin_days)),
            last_checkin_at: Set(None),
            referral_offered: Set(w.referral_offered.clone()),
            note: Set(w.note.clone()),
            removed_at: Set(None),
            removed_by: Set(None),
            removed_reason: Set(None),
            removed_note: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    let detail = json!({ "program_id": w.program_id, "priority": w.priority.code(), "entry_id": entry.id });
    db::audit::append(&txn, actor_entry(actor, "waitlist.add").record("request", id).detail(detail), now).await?;
    txn.commit().await?;
    Ok(entry)
}

/// One person waiting.
pub struct WaitingItem {
    pub entry: waitlist_entry::Model,
    pub request: db::intake::QueueRow,
    pub who: Option<String>,
    pub program: Option<String>,
    /// 1-based place in the program's list (everyone waiting counts, seen or not).
    pub position: usize,
    pub days_waited: i64,
    pub checkin_due: bool,
}

/// The people waiting that the actor's intake work covers, program by program in list order,
/// at most `limit` of them (positions count everyone waiting, seen or not).
pub async fn waiting_list(
    state: &AppState,
    actor: &Actor,
    tz: &str,
    program_id: Option<Uuid>,
    page: PageRequest,
) -> AppResult<(Vec<WaitingItem>, usize)> {
    let scope = access::request_scope(actor);
    if scope == RequestScope::Nobody {
        return Err(deny(state, actor, "ViewRequest", None).await);
    }
    let (rows, total) = db::intake::waiting_page(&state.db, actor.org_id, program_id, &scope, page).await?;
    let context = Context::load(state, actor.org_id).await?;
    let today = today(state, tz);
    let items: Vec<WaitingItem> = rows
        .into_iter()
        .map(|row| {
            let who = row.person_name.or_else(|| row_label(&row.request, &HashMap::new()));
            WaitingItem {
                who,
                program: context.program_name(Some(row.entry.program_id)),
                position: usize::try_from(row.place).unwrap_or(0),
                days_waited: rules::days_between(local_date(tz, row.entry.placed_at), today),
                checkin_due: row.entry.next_checkin_on <= today,
                request: row.request,
                entry: row.entry,
            }
        })
        .collect();
    let total = usize::try_from(total).unwrap_or(0);
    let entry = actor_entry(actor, "waitlist.list").detail(json!({ "results": items.len() }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok((items, total))
}

/// One person's place on a waiting list, with its check-ins (a view of the request: audited).
pub async fn waiting_entry(
    state: &AppState,
    actor: &Actor,
    tz: &str,
    entry_id: Uuid,
) -> AppResult<(WaitingItem, Vec<crate::db::entities::waitlist_checkin::Model>)> {
    let entry = db::intake::waitlist_entry(state.db.conn(), actor.org_id, entry_id).await?.ok_or(AppError::NotFound)?;
    open_request(state, actor, entry.request_id, false).await?;
    let position = if entry.removed_at.is_none() {
        usize::try_from(db::intake::place_of(&state.db, &entry).await?).unwrap_or(0)
    } else {
        0
    };
    let requests = db::intake::requests_by_ids(&state.db, actor.org_id, vec![entry.request_id]).await?;
    let request = requests.get(&entry.request_id).cloned().ok_or(AppError::NotFound)?;
    let names = db::intake::person_names(&state.db, actor.org_id, entry.person_id.into_iter().collect()).await?;
    let context = Context::load(state, actor.org_id).await?;
    let today = today(state, tz);
    let checkins = db::intake::checkins(state.db.conn(), actor.org_id, entry_id).await?;
    let item = WaitingItem {
        who: row_label(&request, &names),
        program: context.program_name(Some(entry.program_id)),
        position,
        days_waited: rules::days_between(local_date(tz, entry.placed_at), today),
        checkin_due: entry.removed_at.is_none() && entry.next_checkin_on <= today,
        request,
        entry,
    };
    Ok((item, checkins))
}

async fn open_entry(state: &AppState, actor: &Actor, entry_id: Uuid) -> AppResult<waitlist_entry::Model> {
    let entry = db::intake::waitlist_entry(state.db.conn(), actor.org_id, entry_id).await?.ok_or(AppError::NotFound)?;
    open_request(state, actor, entry.request_id, true).await?;
    if entry.removed_at.is_some() {
        return Err(AppError::Invalid(FieldErrors::single("entry", "error-waitlist-removed")));
    }
    Ok(entry)
}

pub async fn waitlist_checkin(
    state: &AppState,
    actor: &Actor,
    tz: &str,
    entry_id: Uuid,
    version: i32,
    still_wanted: bool,
    note: Option<String>,
) -> AppResult<()> {
    let entry = open_entry(state, actor, entry_id).await?;
    let settings = db::intake::settings(state.db.conn(), actor.org_id, entry.program_id).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let changes = waitlist_entry::ActiveModel {
        last_checkin_at: Set(Some(now)),
        next_checkin_on: Set(rules::next_checkin(today(state, tz), settings.checkin_days)),
        ..Default::default()
    };
    db::intake::update_waitlist_entry(&txn, actor.org_id, entry_id, version, changes, now).await?;
    db::intake::insert_checkin(
        &txn,
        crate::db::entities::waitlist_checkin::ActiveModel {
            id: Set(Uuid::new_v4()),
            org_id: Set(actor.org_id),
            entry_id: Set(entry_id),
            checked_at: Set(now),
            checked_by: Set(actor.staff_id),
            still_wanted: Set(still_wanted),
            note: Set(note),
        },
    )
    .await?;
    let audit = actor_entry(actor, "waitlist.checkin")
        .record("request", entry.request_id)
        .detail(json!({ "entry_id": entry_id, "still_wanted": still_wanted }));
    db::audit::append(&txn, audit, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Takes someone off a waiting list with a reason; enrolling is done by accepting the request.
pub async fn waitlist_remove(
    state: &AppState,
    actor: &Actor,
    entry_id: Uuid,
    version: i32,
    reason: WaitlistRemoval,
    note: Option<String>,
) -> AppResult<()> {
    if reason == WaitlistRemoval::Enrolled {
        return Err(AppError::Invalid(FieldErrors::single("reason", "error-waitlist-enrol-instead")));
    }
    let entry = open_entry(state, actor, entry_id).await?;
    let request =
        db::intake::request(state.db.conn(), actor.org_id, entry.request_id).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let changes = waitlist_entry::ActiveModel {
        removed_at: Set(Some(now)),
        removed_by: Set(Some(actor.staff_id)),
        removed_reason: Set(Some(reason.code().to_string())),
        removed_note: Set(note.clone()),
        ..Default::default()
    };
    db::intake::update_waitlist_entry(&txn, actor.org_id, entry_id, version, changes, now).await?;
    let status =
        if reason == WaitlistRemoval::ServedElsewhere { RequestStatus::ReferredOut } else { RequestStatus::Closed };
    let close_reason = match reason {
        WaitlistRemoval::Unreachable => Some(crate::domain::codes::CloseReason::Unreachable),
        WaitlistRemoval::NoLongerWanted => Some(crate::domain::codes::CloseReason::Withdrawn),
        WaitlistRemoval::ServedElsewhere | WaitlistRemoval::Enrolled => None,
    };
    let request_changes = service_request::ActiveModel {
        status: Set(status.code().to_string()),
        closed_at: Set(Some(now)),
        close_reason: Set(close_reason.map(|c| c.code().to_string())),
        close_note: Set(note),
        ..Default::default()
    };
    db::intake::update_request(&txn, actor.org_id, request.id, request.version, request_changes, now).await?;
    let audit = actor_entry(actor, "waitlist.remove")
        .record("request", entry.request_id)
        .detail(json!({ "entry_id": entry_id, "reason": reason.code() }));
    db::audit::append(&txn, audit, now).await?;
    txn.commit().await?;
    Ok(())
}

// ---------- enrolment end ----------

pub async fn discharge(
    state: &AppState,
    actor: &Actor,
    tz: &str,
    person_id: Uuid,
    enrolment_id: Uuid,
    input: &rules::DischargeInput,
) -> AppResult<()> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let enrolment = opened.enrolments.iter().find(|e| e.id == enrolment_id).ok_or(AppError::NotFound)?;
    if enrolment.ended_on.is_some() {
        return Err(AppError::Invalid(FieldErrors::single("ended_on", "error-already-discharged")));
    }
    let (ended_on, reason, note) = input.parse(enrolment.started_on, today(state, tz))?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    db::intake::discharge(&txn, actor.org_id, enrolment_id, ended_on, reason.code(), note).await?;
    crate::outcomes::stamp::bump(&*txn, actor.org_id, now).await?;
    db::people::touch(&txn, actor.org_id, person_id, now).await?;
    let audit = actor_entry(actor, "person.discharge")
        .record("person", person_id)
        .detail(json!({ "enrolment_id": enrolment_id, "reason": reason.code() }));
    db::audit::append(&txn, audit, now).await?;
    txn.commit().await?;
    Ok(())
}

// ---------- program intake settings ----------

pub async fn save_program_settings(
    state: &AppState,
    actor: &Actor,
    program_id: Uuid,
    version: i32,
    s: &ValidProgramIntake,
) -> AppResult<()> {
    require(state, actor, Action::ConfigureIntake).await?;
    // A director configures only the programs they direct.
    if !actor.has(crate::domain::codes::Role::Administrator) && !actor.program_ids.contains(&program_id) {
        return Err(deny(state, actor, "ConfigureIntake", Some(("program", program_id))).await);
    }
    db::org::program(&state.db, actor.org_id, program_id).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    db::intake::save_settings(&txn, actor.org_id, program_id, version, s, now).await?;
    txn.mark_access_change();
    let audit = actor_entry(actor, "program.intake-settings").record("program", program_id);
    db::audit::append(&txn, audit, now).await?;
    txn.commit().await?;
    Ok(())
}

// ---------- risk screens ----------

/// Everything about a person's safety the record shows.
pub struct PersonSafety {
    pub screens: Vec<(risk_screen::Model, Vec<risk_response::Model>)>,
    pub plan: Option<safety_plan::Model>,
    pub checklist: Option<person_safety::Model>,
    pub crisis_events: Vec<crisis_event::Model>,
    pub requests: Vec<service_request::Model>,
    /// Why an individual screen is required, if it is.
    pub individual_reason: Option<risk::IndividualReason>,
}

impl PersonSafety {
    /// The 4.03 checklist shows when the person is flagged or a screen found suicide risk.
    pub fn checklist_applies(&self) -> bool {
        self.checklist.as_ref().is_some_and(|c| !c.flags.is_empty())
    }
}

/// Reads a person's safety records; the caller has opened the record (and so audited the view).
pub async fn person_safety(
    state: &AppState,
    actor: &Actor,
    opened: &records::Opened,
    tz: &str,
) -> AppResult<PersonSafety> {
    let conn = state.db.conn();
    let person_id = opened.person.id;
    let screens = db::intake::person_screens(conn, actor.org_id, person_id).await?;
    let responses = db::intake::responses(conn, actor.org_id, screens.iter().map(|s| s.id).collect()).await?;
    let checklist = db::intake::person_safety(conn, actor.org_id, person_id).await?;
    let context = Context::load(state, actor.org_id).await?;
    let screen_everyone = opened
        .enrolments
        .iter()
        .filter(|e| e.ended_on.is_none())
        .any(|e| context.settings(Some(e.program_id)).screen_everyone);
    let age = opened.person.date_of_birth.map(|d| age_on(d, today(state, tz)));
    let individual_reason = risk::individual_screen_reason(
        age,
        checklist.as_ref().is_some_and(|c| c.vulnerable_adult),
        checklist.as_ref().is_some_and(|c| c.history_of_danger),
        screen_everyone,
    );
    Ok(PersonSafety {
        screens: screens
            .into_iter()
            .map(|s| {
                let mine = responses.iter().filter(|r| r.screen_id == s.id).cloned().collect();
                (s, mine)
            })
            .collect(),
        plan: db::intake::safety_plan(conn, actor.org_id, person_id).await?,
        checklist,
        crisis_events: db::intake::person_crisis_events(conn, actor.org_id, person_id).await?,
        requests: db::intake::person_requests(conn, actor.org_id, person_id).await?,
        individual_reason,
    })
}

pub async fn record_screen(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    request_id: Option<Uuid>,
    screen: &ValidRiskScreen,
) -> AppResult<risk_screen::Model> {
    require(state, actor, Action::LogRequest).await?;
    records::open(state, actor, person_id, Action::EditPerson).await?;
    if let Some(request_id) = request_id {
        let request = db::intake::request(state.db.conn(), actor.org_id, request_id).await?;
        if request.is_none_or(|r| r.person_id != Some(person_id)) {
            return Err(AppError::Invalid(FieldErrors::single("request_id", "error-unknown-choice")));
        }
    }
    let suicide = risk::suicide_level(&screen.answers);
    let level = risk::overall_level(screen);
    let now = state.clock.now();
    let concerns: Vec<&str> = screen.concerns.iter().map(|c| c.code()).collect();
    let answers = serde_json::to_string(&screen.answers).map_err(|e| AppError::Internal(e.into()))?;
    let txn = state.db.begin_write().await?;
    let saved = db::intake::insert_screen(
        &txn,
        risk_screen::ActiveModel {
            id: Set(Uuid::new_v4()),
            org_id: Set(actor.org_id),
            person_id: Set(person_id),
            request_id: Set(request_id),
            kind: Set(screen.kind.code().to_string()),
            individual_reason: Set(screen.individual_reason.map(|r| r.code().to_string())),
            screened_at: Set(now),
            screened_by: Set(actor.staff_id),
            answers: Set(answers),
            concerns: Set(concerns.join(";")),
            suicide_level: Set(suicide.code().to_string()),
            level: Set(level.code().to_string()),
            notes: Set(screen.notes.clone()),
            // Nothing to respond to: the screen is complete as taken.
            closed_at: Set((!level.needs_response()).then_some(now)),
            closed_by: Set((!level.needs_response()).then_some(actor.staff_id)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    if suicide.needs_response() {
        flag_suicide_risk(&txn, actor, person_id, now).await?;
    }
    let audit = actor_entry(actor, "person.risk-screen")
        .record("person", person_id)
        .detail(json!({ "screen_id": saved.id, "level": level.code() }));
    db::audit::append(&txn, audit, now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// A moderate or high suicide screen raises the 4.03 flag, so the checklist shows on the record.
async fn flag_suicide_risk(txn: &db::WriteTxn, actor: &Actor, person_id: Uuid, now: OffsetDateTime) -> AppResult<()> {
    let current = db::intake::person_safety(&**txn, actor.org_id, person_id).await?;
    let flag = SafetyFlag::SuicideRisk.code();
    let (version, mut flags, steps, vulnerable, danger, note) = match current {
        Some(c) => (c.version, c.flags, c.steps_done, c.vulnerable_adult, c.history_of_danger, c.note),
        None => (0, String::new(), String::new(), false, false, None),
    };
    if flags.split(';').any(|f| f == flag) {
        return Ok(());
    }
    let mut list: Vec<&str> = flags.split(';').filter(|f| !f.is_empty()).collect();
    list.push(flag);
    flags = crate::domain::codes::parse_code_list(&list.join(";"), SafetyFlag::CODES)
        .map(|v| v.join(";"))
        .unwrap_or_else(|_| flag.to_string());
    let model = person_safety::ActiveModel {
        org_id: Set(actor.org_id),
        person_id: Set(person_id),
        flags: Set(flags),
        vulnerable_adult: Set(vulnerable),
        history_of_danger: Set(danger),
        steps_done: Set(steps),
        note: Set(note),
        version: Set(version),
        updated_at: Set(now),
        updated_by: Set(Some(actor.staff_id)),
    };
    db::intake::save_person_safety(txn, version, model).await?;
    Ok(())
}

async fn open_screen(state: &AppState, actor: &Actor, screen_id: Uuid) -> AppResult<risk_screen::Model> {
    let screen = db::intake::screen(state.db.conn(), actor.org_id, screen_id).await?.ok_or(AppError::NotFound)?;
    records::open(state, actor, screen.person_id, Action::EditPerson).await?;
    Ok(screen)
}

pub async fn add_response(
    state: &AppState,
    actor: &Actor,
    tz: &str,
    screen_id: Uuid,
    input: &ResponseInput,
) -> AppResult<risk_response::Model> {
    let screen = open_screen(state, actor, screen_id).await?;
    if screen.closed_at.is_some() {
        return Err(AppError::Invalid(FieldErrors::single("kind", "error-screen-closed")));
    }
    let (kind, detail, occurred_at) = input.parse(tz, state.clock.now())?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let saved = db::intake::insert_response(
        &txn,
        risk_response::ActiveModel {
            id: Set(Uuid::new_v4()),
            org_id: Set(actor.org_id),
            screen_id: Set(screen_id),
            person_id: Set(screen.person_id),
            kind: Set(kind.code().to_string()),
            detail: Set(detail),
            occurred_at: Set(occurred_at),
            recorded_by: Set(actor.staff_id),
            created_at: Set(now),
        },
    )
    .await?;
    let audit = actor_entry(actor, "person.risk-response")
        .record("person", screen.person_id)
        .detail(json!({ "screen_id": screen_id, "kind": kind.code() }));
    db::audit::append(&txn, audit, now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Closing a moderate or high screen needs at least one documented response.
pub async fn close_screen(state: &AppState, actor: &Actor, screen_id: Uuid, version: i32) -> AppResult<()> {
    let screen = open_screen(state, actor, screen_id).await?;
    if screen.closed_at.is_some() {
        return Err(AppError::Invalid(FieldErrors::single("screen", "error-screen-closed")));
    }
    let responses = db::intake::responses(state.db.conn(), actor.org_id, vec![screen_id]).await?;
    let kinds: Vec<ResponseKind> = responses.iter().filter_map(|r| ResponseKind::parse(&r.kind)).collect();
    risk::check_close(RiskLevel::parse(&screen.level).unwrap_or(RiskLevel::High), &kinds)?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    db::intake::close_screen(&txn, actor.org_id, screen_id, version, actor.staff_id, now).await?;
    let audit = actor_entry(actor, "person.risk-close")
        .record("person", screen.person_id)
        .detail(json!({ "screen_id": screen_id }));
    db::audit::append(&txn, audit, now).await?;
    txn.commit().await?;
    Ok(())
}

/// A documented response to a screen, with when it happened.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ResponseInput {
    pub kind: String,
    pub detail: String,
    /// YYYY-MM-DD and HH:MM in the organisation's time; now if empty.
    pub occurred_on: Option<String>,
    pub occurred_time: Option<String>,
}

impl ResponseInput {
    pub fn parse(&self, tz: &str, now: OffsetDateTime) -> Result<(ResponseKind, String, OffsetDateTime), FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = e.required_code("kind", &self.kind, ResponseKind::parse);
        let detail = e.required("detail", &self.detail, 4000);
        let occurred_at = local_time_input(&mut e, tz, now, self.occurred_on.as_deref(), self.occurred_time.as_deref());
        match kind {
            Some(kind) if e.is_empty() => Ok((kind, detail, occurred_at)),
            _ => Err(e),
        }
    }
}

/// A date and time typed in the organisation's zone, as an instant; now when both are empty.
/// Times in the future are refused.
pub fn local_time_input(
    e: &mut FieldErrors,
    tz: &str,
    now: OffsetDateTime,
    date: Option<&str>,
    time_of_day: Option<&str>,
) -> OffsetDateTime {
    let date_value = e.optional_date("occurred_on", date);
    let time_value = e.optional_time("occurred_time", time_of_day);
    if date_value.is_none() && time_value.is_none() {
        return now;
    }
    let day = date_value.unwrap_or_else(|| local_date(tz, now));
    let at = at_local(tz, day, time_value.unwrap_or(time::Time::MIDNIGHT)).unwrap_or(now);
    if at > now + time::Duration::minutes(5) {
        e.add("occurred_on", "error-date-in-future");
    }
    at
}

/// The instant of a local date and time in the zone (the earlier one when clocks go back).
pub fn at_local(tz: &str, day: Date, t: time::Time) -> Option<OffsetDateTime> {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    let civil = jiff::civil::DateTime::new(
        i16::try_from(day.year()).ok()?,
        day.month() as i8,
        i8::try_from(day.day()).ok()?,
        i8::try_from(t.hour()).ok()?,
        i8::try_from(t.minute()).ok()?,
        0,
        0,
    )
    .ok()?;
    let ts = civil.to_zoned(zone).ok()?.timestamp();
    OffsetDateTime::from_unix_timestamp(ts.as_second()).ok()
}

// ---------- safety plan and checklist ----------

pub async fn save_safety_plan(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    version: i32,
    plan: &ValidSafetyPlan,
) -> AppResult<safety_plan::Model> {
    require(state, actor, Action::LogRequest).await?;
    records::open(state, actor, person_id, Action::EditPerson).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let model = safety_plan::ActiveModel {
        warning_signs: Set(plan.warning_signs.clone()),
        coping_strategies: Set(plan.coping_strategies.clone()),
        distractions: Set(plan.distractions.clone()),
        people_to_ask: Set(plan.people_to_ask.clone()),
        professionals: Set(plan.professionals.clone()),
        safer_environment: Set(plan.safer_environment.clone()),
        reasons_for_living: Set(plan.reasons_for_living.clone()),
        shared_on: Set(plan.shared_on),
        updated_by: Set(actor.staff_id),
        ..Default::default()
    };
    let saved = db::intake::save_safety_plan(&txn, actor.org_id, person_id, version, model, now).await?;
    let audit = actor_entry(actor, "person.safety-plan")
        .record("person", person_id)
        .detail(json!({ "version": saved.version }));
    db::audit::append(&txn, audit, now).await?;
    txn.commit().await?;
    Ok(saved)
}

pub async fn save_checklist(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    version: i32,
    c: &ValidSafetyChecklist,
) -> AppResult<()> {
    require(state, actor, Action::LogRequest).await?;
    records::open(state, actor, person_id, Action::EditPerson).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let model = person_safety::ActiveModel {
        org_id: Set(actor.org_id),
        person_id: Set(person_id),
        flags: Set(c.flags.join(";")),
        vulnerable_adult: Set(c.vulnerable_adult),
        history_of_danger: Set(c.history_of_danger),
        steps_done: Set(c.steps.join(";")),
        note: Set(c.note.clone()),
        version: Set(version),
        updated_at: Set(now),
        updated_by: Set(Some(actor.staff_id)),
    };
    db::intake::save_person_safety(&txn, version, model).await?;
    let audit = actor_entry(actor, "person.safety-checklist")
        .record("person", person_id)
        .detail(json!({ "flags": c.flags, "steps": c.steps }));
    db::audit::append(&txn, audit, now).await?;
    txn.commit().await?;
    Ok(())
}

// ---------- crisis procedure and events ----------

pub async fn save_crisis_procedure(
    state: &AppState,
    actor: &Actor,
    based_on: i32,
    p: &ValidCrisisProcedure,
) -> AppResult<crisis_procedure::Model> {
    require(state, actor, Action::EditCrisisProcedure).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let saved = db::intake::add_crisis_procedure(
        &txn,
        based_on,
        crisis_procedure::ActiveModel {
            id: Set(Uuid::new_v4()),
            org_id: Set(actor.org_id),
            revision: Set(0),
            intervention: Set(p.intervention.clone()),
            intensive_services: Set(p.intensive_services.clone()),
            emergency_responders: Set(p.emergency_responders.clone()),
            domestic_violence: Set(p.domestic_violence.clone()),
            anonymous_callers: Set(p.anonymous_callers.clone()),
            mandatory_reporting: Set(p.mandatory_reporting.clone()),
            approved_by: Set(p.approved_by.clone()),
            approved_on: Set(p.approved_on),
            created_by: Set(actor.staff_id),
            created_at: Set(now),
        },
    )
    .await?;
    let audit = actor_entry(actor, "crisis-procedure.revise")
        .record("crisis-procedure", saved.id)
        .detail(json!({ "revision": saved.revision }));
    db::audit::append(&txn, audit, now).await?;
    txn.commit().await?;
    Ok(saved)
}

pub async fn log_crisis_event(
    state: &AppState,
    actor: &Actor,
    tz: &str,
    ev: &ValidCrisisEvent,
) -> AppResult<crisis_event::Model> {
    require(state, actor, Action::LogCrisisEvent).await?;
    if let Some(person_id) = ev.person_id {
        records::open(state, actor, person_id, Action::EditPerson).await?;
    }
    let now = state.clock.now();
    let occurred_at = match (ev.occurred_on, ev.occurred_time) {
        (None, None) => now,
        (day, t) => {
            at_local(tz, day.unwrap_or_else(|| local_date(tz, now)), t.unwrap_or(time::Time::MIDNIGHT)).unwrap_or(now)
        }
    };
    if occurred_at > now + time::Duration::minutes(5) {
        return Err(AppError::Invalid(FieldErrors::single("occurred_time", "error-date-in-future")));
    }
    let txn = state.db.begin_write().await?;
    let saved = db::intake::insert_crisis_event(
        &txn,
        crisis_event::ActiveModel {
            id: Set(Uuid::new_v4()),
            org_id: Set(actor.org_id),
            person_id: Set(ev.person_id),
            caller_description: Set(ev.caller_description.clone()),
            occurred_at: Set(occurred_at),
            reported_by: Set(actor.staff_id),
            what_happened: Set(ev.what_happened.clone()),
            actions_taken: Set(ev.actions_taken.clone()),
            calls: Set(ev.calls.join(";")),
            calls_detail: Set(ev.calls_detail.clone()),
            outcome: Set(ev.outcome.clone()),
            follow_up_due: Set(ev.follow_up_due),
            follow_up_done_at: Set(None),
            follow_up_note: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    let mut audit = actor_entry(actor, "crisis.log").detail(json!({ "crisis_event_id": saved.id }));
    audit = match ev.person_id {
        Some(person_id) => audit.record("person", person_id),
        None => audit.record("crisis-event", saved.id),
    };
    db::audit::append(&txn, audit, now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// A crisis event the actor may open: anonymous ones and their own reports, or about a person
/// whose record they can open.
pub async fn open_crisis_event(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    edit: bool,
) -> AppResult<crisis_event::Model> {
    let event = db::intake::crisis_event(state.db.conn(), actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    match event.person_id {
        Some(person_id) if event.reported_by != actor.staff_id => {
            let action = if edit { Action::EditPerson } else { Action::ViewPerson };
            records::open(state, actor, person_id, action).await?;
        }
        Some(person_id) => {
            let entry = actor_entry(actor, "person.view").record("person", person_id);
            db::audit::append_now(&state.db, entry, state.clock.now()).await?;
        }
        None => {
            if !actor.works_with_people()
                && !actor.has(crate::domain::codes::Role::QualityLead)
                && event.reported_by != actor.staff_id
            {
                return Err(deny(state, actor, "ViewCrisisEvent", Some(("crisis-event", id))).await);
            }
            let entry = actor_entry(actor, "crisis.view").record("crisis-event", id);
            db::audit::append_now(&state.db, entry, state.clock.now()).await?;
        }
    }
    Ok(event)
}

pub async fn crisis_events(
    state: &AppState,
    actor: &Actor,
    open_follow_up: bool,
    page: PageRequest,
) -> AppResult<Page<crisis_event::Model>> {
    let scope = access::person_scope(actor);
    let found =
        db::intake::crisis_events(&state.db, actor.org_id, &scope, actor.staff_id, open_follow_up, page).await?;
    let entry = actor_entry(actor, "crisis.list").detail(json!({ "results": found.items.len() }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(found)
}

pub async fn complete_follow_up(state: &AppState, actor: &Actor, id: Uuid, version: i32, note: &str) -> AppResult<()> {
    let event = open_crisis_event(state, actor, id, true).await?;
    let mut e = FieldErrors::new();
    let note = e.required("note", note, 4000);
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    if event.follow_up_due.is_none() || event.follow_up_done_at.is_some() {
        return Err(AppError::Invalid(FieldErrors::single("note", "error-no-follow-up-open")));
    }
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    db::intake::complete_follow_up(&txn, actor.org_id, id, version, note, now).await?;
    let mut audit = actor_entry(actor, "crisis.follow-up").detail(json!({ "crisis_event_id": id }));
    audit = match event.person_id {
        Some(person_id) => audit.record("person", person_id),
        None => audit.record("crisis-event", id),
    };
    db::audit::append(&txn, audit, now).await?;
    txn.commit().await?;
    Ok(())
}

// ---------- time to first service ----------

/// Timeliness for one program and urgency over a period.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TimingGroup {
    pub program_id: Option<Uuid>,
    pub program: Option<String>,
    pub urgency: Option<Urgency>,
    pub target_days: i32,
    pub requests: usize,
    pub served: usize,
    pub served_on_time: usize,
    pub served_late: usize,
    pub waiting: usize,
    pub past_target: usize,
    pub median_days: Option<i64>,
}

/// A request past its target (served late, or still waiting beyond it).
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PastTarget {
    pub request_id: Uuid,
    pub person_id: Option<Uuid>,
    pub program: Option<String>,
    pub urgency: Option<Urgency>,
    pub received_on: Date,
    pub first_service_on: Option<Date>,
    pub days: i64,
    pub target_days: i32,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TimeToService {
    pub from: Date,
    pub to: Date,
    pub groups: Vec<TimingGroup>,
    pub past_target: Vec<PastTarget>,
}

/// Time from first request to first service for requests received in [from, to].
pub async fn time_to_service(
    state: &AppState,
    actor: &Actor,
    tz: &str,
    from: Date,
    to: Date,
) -> AppResult<TimeToService> {
    require(state, actor, Action::ViewIntakeReports).await?;
    let scope = access::request_scope(actor);
    let start = at_local(tz, from, time::Time::MIDNIGHT).unwrap_or(from.midnight().assume_utc());
    let end_day = to.next_day().unwrap_or(to);
    let end = at_local(tz, end_day, time::Time::MIDNIGHT).unwrap_or(end_day.midnight().assume_utc());
    let rows = db::intake::timing_rows(&state.db, actor.org_id, &scope, start, end).await?;
    let context = Context::load(state, actor.org_id).await?;
    let report = summarise_timing(&context, tz, today(state, tz), from, to, rows);
    let entry = actor_entry(actor, "report.time-to-service").detail(json!({ "from": from, "to": to }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(report)
}

/// Groups requests by program and urgency; requests closed without service (referred out,
/// information only) are left out, since no first service was due.
pub fn summarise_timing(
    context: &Context,
    tz: &str,
    today: Date,
    from: Date,
    to: Date,
    rows: Vec<db::intake::TimingRow>,
) -> TimeToService {
    let mut groups: HashMap<(Option<Uuid>, i32), (TimingGroup, Vec<i64>)> = HashMap::new();
    let mut past_target = Vec::new();
    for row in rows {
        let status = RequestStatus::parse(&row.status);
        if matches!(status, Some(RequestStatus::ReferredOut | RequestStatus::Closed)) && row.first_service_on.is_none()
        {
            continue;
        }
        let urgency = urgency_of(row.urgency.as_deref());
        let target = context.settings(row.program_id).targets.days_for(urgency);
        let received_on = local_date(tz, row.received_at);
        let key = (row.program_id, rules::urgency_rank(urgency));
        let (group, days) = groups.entry(key).or_insert_with(|| {
            (
                TimingGroup {
                    program_id: row.program_id,
                    program: context.program_name(row.program_id),
                    urgency,
                    target_days: target,
                    requests: 0,
                    served: 0,
                    served_on_time: 0,
                    served_late: 0,
                    waiting: 0,
                    past_target: 0,
                    median_days: None,
                },
                Vec::new(),
            )
        });
        group.requests += 1;
        let timeliness = rules::timeliness(received_on, row.first_service_on, target, today);
        match timeliness {
            Timeliness::ServedOnTime => group.served_on_time += 1,
            Timeliness::ServedLate => group.served_late += 1,
            Timeliness::Waiting => group.waiting += 1,
            Timeliness::PastTarget => group.past_target += 1,
        }
        if let Some(served) = row.first_service_on {
            group.served += 1;
            days.push(rules::days_between(received_on, served));
        }
        if matches!(timeliness, Timeliness::ServedLate | Timeliness::PastTarget) {
            past_target.push(PastTarget {
                request_id: row.id,
                person_id: row.person_id,
                program: group.program.clone(),
                urgency,
                received_on,
                first_service_on: row.first_service_on,
                days: rules::days_between(received_on, row.first_service_on.unwrap_or(today)),
                target_days: target,
            });
        }
    }
    let mut groups: Vec<TimingGroup> = groups
        .into_values()
        .map(|(mut g, mut days)| {
            g.median_days = rules::median_days(&mut days);
            g
        })
        .collect();
    groups.sort_by(|a, b| {
        (&a.program, rules::urgency_rank(a.urgency)).cmp(&(&b.program, rules::urgency_rank(b.urgency)))
    });
    past_target.sort_by_key(|p| std::cmp::Reverse(p.days - i64::from(p.target_days)));
    TimeToService { from, to, groups, past_target }
}

// ---------- the home work queue ----------

#[derive(Default)]
pub struct WorkQueue {
    pub my_new: Vec<QueueItem>,
    pub urgent: usize,
    pub overdue: usize,
    pub checkins_due: Vec<WaitingItem>,
    pub open_risk: Vec<(risk_screen::Model, Option<String>)>,
    pub follow_ups: Vec<crisis_event::Model>,
    pub can_log: bool,
}

pub async fn work_queue(state: &AppState, actor: &Actor, tz: &str) -> AppResult<WorkQueue> {
    let scope = access::request_scope(actor);
    if scope == RequestScope::Nobody {
        let scope = access::person_scope(actor);
        let page = PageRequest { page: 1, per_page: 5 };
        let follow_ups =
            db::intake::crisis_events(&state.db, actor.org_id, &scope, actor.staff_id, true, page).await?.items;
        return Ok(WorkQueue { follow_ups, ..Default::default() });
    }
    let today = today(state, tz);
    let context = Context::load(state, actor.org_id).await?;
    use sea_orm::{ColumnTrait, Condition};
    use service_request::Column as C;
    let urgent_condition = Condition::all().add(C::UrgencyRank.lte(rules::urgency_rank(Some(Urgency::Urgent))));
    let overdue_condition = overdue_condition(&context, tz, today);
    let (urgent, overdue) =
        db::intake::count_open_both(&state.db, actor.org_id, &scope, urgent_condition, overdue_condition).await?;
    let (urgent, overdue) = (urgent as usize, overdue as usize);
    // The home page shows counts and a few names; the lists it links to are audited when opened.
    let mine = db::intake::queue(
        &state.db,
        actor.org_id,
        &scope,
        QueueFilter { assigned_to: Some(actor.staff_id), only_new: true, skip_total: true },
        PageRequest { page: 1, per_page: 5 },
    )
    .await?;
    let my_new = queue_items(state, actor, tz, &context, mine).await?.items;
    let due = db::intake::checkins_due(&state.db, actor.org_id, &scope, today, 5).await?;
    let risk = db::intake::open_risk(&state.db, actor.org_id, &access::person_scope(actor), 5).await?;
    let person_ids = risk.iter().map(|s| s.person_id).chain(due.iter().filter_map(|(e, _)| e.person_id)).collect();
    let names = db::intake::person_names(&state.db, actor.org_id, person_ids).await?;
    let checkins_due = due
        .into_iter()
        .map(|(entry, request)| WaitingItem {
            who: row_label(&request, &names),
            program: context.program_name(Some(entry.program_id)),
            position: 0,
            days_waited: rules::days_between(local_date(tz, entry.placed_at), today),
            checkin_due: true,
            request,
            entry,
        })
        .collect();
    let open_risk = risk.into_iter().map(|s| (s.clone(), names.get(&s.person_id).cloned())).collect();
    let follow_ups = db::intake::crisis_events(
        &state.db,
        actor.org_id,
        &access::person_scope(actor),
        actor.staff_id,
        true,
        PageRequest { page: 1, per_page: 5 },
    )
    .await?
    .items;
    Ok(WorkQueue {
        my_new,
        urgent,
        overdue,
        checkins_due,
        open_risk,
        follow_ups,
        can_log: access::allows(actor, Action::LogRequest, Reach::Outside),
    })
}
