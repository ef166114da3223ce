//! The one place person records are read and written: every call checks the actor's role and
//! caseload and writes the audit event, for the HTML pages and the JSON API alike.

use crate::access::{self, Action, Actor, PersonScope, Reach};
use crate::app::AppState;
use crate::audit::{Entry, Outcome};
use crate::db::entities::{enrolment, household_member, person};
use crate::db::{self, Page, PageRequest};
use crate::domain::FieldErrors;
use crate::domain::person::{ValidHouseholdMember, ValidPerson};
use crate::domain::personnel::{Assignment, Need};
use crate::domain::search::DuplicateSignals;
use crate::error::{AppError, AppResult};
use crate::personnel;
use crate::web::actor_entry;
use serde_json::json;
use uuid::Uuid;

/// A person record the actor was allowed to open.
pub struct Opened {
    pub person: person::Model,
    pub enrolments: Vec<enrolment::Model>,
    pub reach: Reach,
}

async fn deny(state: &AppState, actor: &Actor, action: Action, person_id: Uuid) -> AppError {
    let entry = actor_entry(actor, "access.denied")
        .outcome(Outcome::Denied)
        .record("person", person_id)
        .detail(json!({ "action": format!("{action:?}") }));
    match db::audit::append_now(&state.db, entry, state.clock.now()).await {
        Ok(()) => AppError::Forbidden,
        Err(e) => e.into(),
    }
}

/// Loads a person for `action`. Views are audited here; edits are audited with the write.
pub async fn open(state: &AppState, actor: &Actor, id: Uuid, action: Action) -> AppResult<Opened> {
    let db = &state.db;
    let person = db::people::get(db.conn(), actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    let enrolments = db::people::enrolments(db.conn(), actor.org_id, id).await?;
    let reach = person_reach(state, actor, id, &enrolments).await?;
    if !access::allows(actor, action, reach) {
        return Err(deny(state, actor, action, id).await);
    }
    if action == Action::ViewPerson {
        db::audit::append_now(db, actor_entry(actor, "person.view").record("person", id), state.clock.now()).await?;
    }
    Ok(Opened { person, enrolments, reach })
}

/// How the actor reaches a person: through enrolments first, else through a request for service
/// their intake team handles.
async fn person_reach(state: &AppState, actor: &Actor, id: Uuid, enrolments: &[enrolment::Model]) -> AppResult<Reach> {
    let reach = access::reach(actor, &db::people::access_links(enrolments));
    if reach != Reach::Outside {
        return Ok(reach);
    }
    let scope = access::request_scope(actor);
    if db::intake::person_has_request_in_scope(state.db.conn(), actor.org_id, id, &scope).await? {
        return Ok(Reach::IntakeRequest);
    }
    Ok(Reach::Outside)
}

/// Records a list or search of people (which people were shown is not logged, only the count).
/// Ids of the people a list or search shows, in order; the caller loads what it displays.
pub async fn list(state: &AppState, actor: &Actor, query: &str, page: PageRequest) -> AppResult<Page<Uuid>> {
    let scope = access::person_scope(actor);
    let db = &state.db;
    let result = if query.trim().is_empty() {
        db::people::list(db, actor.org_id, &scope, page).await?
    } else {
        let items = db::search::search(db, actor.org_id, &scope, query, 50).await?;
        let total = items.len() as u64;
        Page { items, page: 1, per_page: 50, total }
    };
    let action = if query.trim().is_empty() { "person.list" } else { "person.search" };
    let entry = actor_entry(actor, action).detail(json!({ "results": result.items.len() }));
    db::audit::append_soon(db, entry, state.clock.now()).await?;
    Ok(result)
}

/// A possible duplicate, shown in full only when the actor could open it anyway.
pub struct Duplicate {
    pub person: person::Model,
    pub signals: DuplicateSignals,
    pub visible: bool,
}

pub async fn duplicates(
    state: &AppState,
    actor: &Actor,
    p: &ValidPerson,
    exclude: Option<Uuid>,
) -> AppResult<Vec<Duplicate>> {
    let found = db::search::likely_duplicates(&state.db, actor.org_id, p, exclude).await?;
    // The check can reveal that someone outside the caseload has a record: it is logged, with
    // the matched ids and never the names typed.
    let matched: Vec<Uuid> = found.iter().map(|(person, _)| person.id).collect();
    let entry = actor_entry(actor, "person.duplicate-check").detail(json!({ "matched": matched }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    let mut out = Vec::with_capacity(found.len());
    for (person, signals) in found {
        let enrolments = db::people::enrolments(state.db.conn(), actor.org_id, person.id).await?;
        let reach = access::reach(actor, &db::people::access_links(&enrolments));
        let visible = access::allows(actor, Action::ViewPerson, reach);
        out.push(Duplicate { person, signals, visible });
    }
    Ok(out)
}

pub struct Placement {
    pub program_id: Option<Uuid>,
    pub worker_id: Option<Uuid>,
}

/// Checks where a new person goes: an active program of this organisation, and a worker the
/// actor may assign (themselves, unless they supervise or direct).
async fn check_placement(state: &AppState, actor: &Actor, placement: &Placement) -> AppResult<(Uuid, Uuid)> {
    let mut errors = FieldErrors::new();
    let program = match placement.program_id {
        Some(id) => db::org::program(&state.db, actor.org_id, id).await?.filter(|p| p.active),
        None => None,
    };
    if program.is_none() {
        errors.add("program_id", "error-program-required");
    }
    let worker_id = placement.worker_id.unwrap_or(actor.staff_id);
    if worker_id != actor.staff_id {
        let may_assign = access::allows(actor, Action::ReassignPerson, Reach::OwnCaseload);
        let worker = db::staff::get(state.db.conn(), actor.org_id, worker_id).await?.filter(|w| w.active);
        if !may_assign || worker.is_none() {
            errors.add("worker_id", "error-worker-not-allowed");
        }
    }
    match program {
        Some(program) if errors.is_empty() => Ok((program.id, worker_id)),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Refuses (and records) a create by someone whose roles do not carry a caseload.
pub async fn ensure_can_create(state: &AppState, actor: &Actor) -> AppResult<()> {
    if access::allows(actor, Action::CreatePerson, Reach::Outside) {
        return Ok(());
    }
    let entry =
        actor_entry(actor, "access.denied").outcome(Outcome::Denied).detail(json!({ "action": "CreatePerson" }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Err(AppError::Forbidden)
}

/// A person just added, with what their worker's training or certification leaves uncovered
/// (under the organisation's warn policy; under block the create is refused instead).
pub struct Created {
    pub person: person::Model,
    pub assignment_gaps: Vec<Need>,
}

pub async fn create(
    state: &AppState,
    actor: &Actor,
    p: &ValidPerson,
    placement: &Placement,
    today: time::Date,
) -> AppResult<Created> {
    ensure_can_create(state, actor).await?;
    let (program_id, worker_id) = check_placement(state, actor, placement).await?;
    let assignment_gaps =
        personnel::enforce_assignment(state, actor.org_id, worker_id, Assignment::Coach, "worker_id").await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let new = db::people::NewPerson {
        org_id: actor.org_id,
        person: p,
        program_id: Some(program_id),
        worker_id: Some(worker_id),
        created_by: actor.staff_id,
        started_on: today,
    };
    let created = db::people::create(&txn, new, now).await?;
    let entry = actor_entry(actor, "person.create")
        .record("person", created.id)
        .detail(json!({ "program_id": program_id, "worker_id": worker_id }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(Created { person: created, assignment_gaps })
}

/// Field names whose values differ (the audit log records what changed, never the values).
fn changed_fields(before: &person::Model, after: &person::Model) -> Vec<&'static str> {
    let mut changed = Vec::new();
    macro_rules! cmp {
        ($($f:ident),*) => { $( if before.$f != after.$f { changed.push(stringify!($f)); } )* };
    }
    cmp!(
        legal_given_name,
        legal_family_name,
        preferred_name,
        pronouns,
        date_of_birth,
        phone,
        email,
        address_line,
        locality,
        region,
        postal_code,
        preferred_contact,
        voicemail_ok,
        text_ok,
        email_ok,
        contact_notes,
        preferred_language,
        interpreter_needed,
        race_codes,
        race_self_described,
        ethnicity,
        ethnicity_self_described,
        emergency_name,
        emergency_relationship,
        emergency_phone
    );
    changed
}

/// Saves an edit made against `version`; `AppError::Conflict` if someone saved in between.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    p: &ValidPerson,
) -> AppResult<person::Model> {
    let opened = open(state, actor, id, Action::EditPerson).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let saved = db::people::update(&txn, actor.org_id, id, version, p, now).await?;
    let entry = actor_entry(actor, "person.update")
        .record("person", id)
        .detail(json!({ "fields": changed_fields(&opened.person, &saved) }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(saved)
}

pub async fn household(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<Vec<household_member::Model>> {
    Ok(db::people::household(state.db.conn(), actor.org_id, id).await?)
}

pub async fn add_household_member(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    m: &ValidHouseholdMember,
) -> AppResult<household_member::Model> {
    open(state, actor, id, Action::EditPerson).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let member = db::people::add_household_member(&txn, actor.org_id, id, m, now).await?;
    db::people::touch(&txn, actor.org_id, id, now).await?;
    let entry =
        actor_entry(actor, "person.household.add").record("person", id).detail(json!({ "member_id": member.id }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(member)
}

pub async fn remove_household_member(state: &AppState, actor: &Actor, id: Uuid, member_id: Uuid) -> AppResult<()> {
    open(state, actor, id, Action::EditPerson).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    if !db::people::remove_household_member(&txn, actor.org_id, id, member_id).await? {
        return Err(AppError::NotFound);
    }
    db::people::touch(&txn, actor.org_id, id, now).await?;
    let entry =
        actor_entry(actor, "person.household.remove").record("person", id).detail(json!({ "member_id": member_id }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Whether the actor's list scope is empty (administrators without a caseload role).
pub fn sees_nobody(actor: &Actor) -> bool {
    access::person_scope(actor) == PersonScope::Nobody
}

/// Entries that do not concern a person (configuration, exports) go through here too.
pub async fn record(state: &AppState, entry: Entry) -> AppResult<()> {
    Ok(db::audit::append_now(&state.db, entry, state.clock.now()).await?)
}
