//! The one place coaching records are read and written: recovery/wellness plans, contacts and
//! progress notes, contact frequency, lapses, mutual aid, natural supports, caseloads, worklists
//! and the person's timeline. Every call checks access and writes the audit event.

use crate::access::{self, Action, Actor};
use crate::app::{AppState, local_date};
use crate::db;
use crate::db::WriteTxn;
use crate::db::entities::{
    caseload_transfer, coaching_contact, coaching_status, contact_addendum, lapse, mutual_aid_connection,
    natural_support, recovery_plan, recovery_plan_save, recovery_plan_version,
};
use crate::domain::FieldErrors;
use crate::domain::coaching::{
    self as rules, AgreementInput, ContactFields, ContactFrequency, Due, LapseInput, MergeConflict, MutualAidInput,
    NoteStatus, PlanContent, PlanStatus, PlanVersionKind, RecoveryStage, SupportInput, ValidProfile,
};
use crate::domain::codes::Role;
use crate::domain::guardrails::{self, GuardrailWarning};
use crate::domain::personnel::{Assignment, Need};
use crate::error::{AppError, AppResult};
use crate::intake::deny;
use crate::records;
use crate::web::actor_entry;
use sea_orm::ConnectionTrait;
use serde_json::json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

async fn org_tz(state: &AppState, org_id: Uuid) -> AppResult<String> {
    let org = db::org::get(state.db.conn(), org_id).await?.ok_or(AppError::NotFound)?;
    Ok(org.time_zone)
}

pub fn today(state: &AppState, tz: &str) -> Date {
    local_date(tz, state.clock.now())
}

/// Stored plan content (one JSON document per save or version).
pub(crate) fn content_of(json_text: &str) -> AppResult<PlanContent> {
    serde_json::from_str(json_text).map_err(|e| AppError::Internal(anyhow::anyhow!("stored plan content: {e}")))
}

fn to_json(content: &PlanContent) -> String {
    serde_json::to_string(content).unwrap_or_else(|_| "{}".into())
}

/// The person's status, or a new one. Writers read it inside their write transaction, so a
/// contact or lapse saved meanwhile is seen rather than overwritten with what was read before.
async fn status_or_new(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
    now: OffsetDateTime,
) -> AppResult<coaching_status::Model> {
    Ok(db::coaching::status(db, org_id, person_id)
        .await?
        .unwrap_or_else(|| db::coaching::new_status(org_id, person_id, now)))
}

/// Keeps the working copy as saved at `plan.version`, the base for merging a later edit made from it.
async fn record_save(
    txn: &WriteTxn,
    plan: &recovery_plan::Model,
    staff_id: Uuid,
    now: OffsetDateTime,
) -> AppResult<()> {
    let save = recovery_plan_save::Model {
        org_id: plan.org_id,
        plan_id: plan.id,
        version: plan.version,
        content: plan.content.clone(),
        saved_by: staff_id,
        saved_at: now,
    };
    db::coaching::insert_plan_save(txn, save).await?;
    Ok(())
}

fn frequency_of(status: &coaching_status::Model) -> ContactFrequency {
    ContactFrequency::parse(&status.frequency).unwrap_or(ContactFrequency::Monthly)
}

/// Recomputes the next contact due date from the last contact and the frequency.
fn refresh_due(status: &mut coaching_status::Model, tz: &str) {
    status.contact_due_on =
        status.last_contact_at.map(|at| rules::next_contact_due(local_date(tz, at), frequency_of(status)));
}

/// Recomputes a person's last contact and next due date from their contacts, after a contact was
/// added or removed outside `log_contact` (attendance at a group session). Only for people in
/// coaching: without a status row there is nothing to keep up to date.
pub(crate) async fn refresh_contact_dates(
    txn: &WriteTxn,
    org_id: Uuid,
    person_id: Uuid,
    tz: &str,
    staff_id: Uuid,
    now: OffsetDateTime,
) -> AppResult<()> {
    let Some(mut status) = db::coaching::status(&**txn, org_id, person_id).await? else { return Ok(()) };
    status.last_contact_at = db::coaching::last_contact_at(&**txn, org_id, person_id).await?;
    refresh_due(&mut status, tz);
    status.updated_at = now;
    status.updated_by = Some(staff_id);
    db::coaching::save_status(txn, status, None).await?;
    Ok(())
}

async fn plan_review_days(state: &AppState, org_id: Uuid, program_id: Option<Uuid>) -> AppResult<i32> {
    let ctx = crate::intake::Context::load(state, org_id).await?;
    Ok(ctx.settings(program_id).plan_review_days)
}

// ---------- the person's coaching page ----------

pub struct ContactView {
    pub contact: coaching_contact::Model,
    pub addenda: Vec<contact_addendum::Model>,
    pub warnings: Vec<GuardrailWarning>,
}

impl ContactView {
    pub fn signed(&self) -> bool {
        self.contact.status == NoteStatus::Signed.code()
    }
}

pub fn warnings_of(c: &coaching_contact::Model) -> Vec<GuardrailWarning> {
    c.warnings.as_deref().and_then(|w| serde_json::from_str(w).ok()).unwrap_or_default()
}

pub struct Coaching {
    pub opened: records::Opened,
    pub status: Option<coaching_status::Model>,
    pub plan: Option<recovery_plan::Model>,
    pub plan_content: Option<PlanContent>,
    pub contacts: Vec<ContactView>,
    pub lapses: Vec<lapse::Model>,
    pub mutual_aid: Vec<mutual_aid_connection::Model>,
    pub supports: Vec<natural_support::Model>,
    pub can_edit: bool,
}

/// A person's coaching at a glance (audited as a view of the record).
pub async fn person_coaching(state: &AppState, actor: &Actor, person_id: Uuid, contacts: u64) -> AppResult<Coaching> {
    let opened = records::open(state, actor, person_id, Action::ViewPerson).await?;
    let can_edit = access::allows(actor, Action::EditPerson, opened.reach);
    let conn = state.db.conn();
    let org = actor.org_id;
    let status = db::coaching::status(conn, org, person_id).await?;
    let plan = db::coaching::open_plan(conn, org, person_id).await?;
    let plan_content = plan.as_ref().map(|p| content_of(&p.content)).transpose()?;
    let rows = db::coaching::contacts_for_person(conn, org, person_id, contacts).await?;
    let mut addenda = db::coaching::addenda(conn, org, rows.iter().map(|c| c.id).collect()).await?;
    let contacts = rows
        .into_iter()
        .map(|c| {
            let mine: Vec<_> = addenda.extract_if(.., |a| a.contact_id == c.id).collect();
            ContactView { warnings: warnings_of(&c), addenda: mine, contact: c }
        })
        .collect();
    Ok(Coaching {
        status,
        plan,
        plan_content,
        contacts,
        lapses: db::coaching::lapses(conn, org, person_id).await?,
        mutual_aid: db::coaching::mutual_aid(conn, org, person_id).await?,
        supports: db::coaching::supports(conn, org, person_id).await?,
        can_edit,
        opened,
    })
}

// ---------- plans ----------

/// Opens a plan and its person for `action`.
async fn open_plan(
    state: &AppState,
    actor: &Actor,
    plan_id: Uuid,
    action: Action,
) -> AppResult<(recovery_plan::Model, records::Opened)> {
    let plan = db::coaching::plan(state.db.conn(), actor.org_id, plan_id).await?.ok_or(AppError::NotFound)?;
    let opened = records::open(state, actor, plan.person_id, action).await?;
    Ok((plan, opened))
}

pub struct PlanView {
    pub plan: recovery_plan::Model,
    pub content: PlanContent,
    pub versions: Vec<recovery_plan_version::Model>,
    pub opened: records::Opened,
    pub can_edit: bool,
}

pub async fn plan(state: &AppState, actor: &Actor, plan_id: Uuid) -> AppResult<PlanView> {
    let (plan, opened) = open_plan(state, actor, plan_id, Action::ViewPerson).await?;
    let content = content_of(&plan.content)?;
    let versions = db::coaching::plan_versions(state.db.conn(), actor.org_id, plan.id).await?;
    let can_edit = access::allows(actor, Action::EditPerson, opened.reach) && plan.status != PlanStatus::Closed.code();
    Ok(PlanView { plan, content, versions, opened, can_edit })
}

/// All of a person's plans (newest first), for the record and the API.
pub async fn plans(state: &AppState, actor: &Actor, person_id: Uuid) -> AppResult<Vec<recovery_plan::Model>> {
    records::open(state, actor, person_id, Action::ViewPerson).await?;
    Ok(db::coaching::plans(state.db.conn(), actor.org_id, person_id).await?)
}

pub struct NewPlan {
    pub family: bool,
    pub program_id: Option<Uuid>,
    pub content: PlanContent,
}

/// Starts a person's plan (a draft until they agree to it). One plan is open at a time.
pub async fn start_plan(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    new: NewPlan,
) -> AppResult<recovery_plan::Model> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let mut content = new.content.validate()?;
    let household = db::people::household(state.db.conn(), actor.org_id, person_id).await?;
    content.household_member_ids.retain(|id| household.iter().any(|h| h.id == *id));
    if new.family && content.household_member_ids.is_empty() {
        return Err(FieldErrors::single("household_member_ids", "error-family-plan-members").into());
    }
    let open_programs: Vec<Uuid> =
        opened.enrolments.iter().filter(|e| e.ended_on.is_none()).map(|e| e.program_id).collect();
    let program_id = match new.program_id {
        Some(p) if open_programs.contains(&p) => Some(p),
        Some(_) => return Err(FieldErrors::single("program_id", "error-program-not-enrolled").into()),
        None => open_programs.first().copied(),
    };
    let now = state.clock.now();
    let tz = org_tz(state, actor.org_id).await?;
    let txn = state.db.begin_write().await?;
    if db::coaching::open_plan(&*txn, actor.org_id, person_id).await?.is_some() {
        return Err(FieldErrors::single("plan", "error-plan-already-open").into());
    }
    let plan = recovery_plan::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        person_id,
        program_id,
        family: new.family,
        status: PlanStatus::Draft.code().into(),
        content: to_json(&content),
        number: 1,
        started_on: local_date(&tz, now),
        last_agreed_on: None,
        review_due_on: None,
        created_by: actor.staff_id,
        updated_by: actor.staff_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    db::coaching::insert_plan(&txn, plan.clone()).await?;
    record_save(&txn, &plan, actor.staff_id, now).await?;
    let status = status_or_new(&*txn, actor.org_id, person_id, now).await?;
    let mut status = db::coaching::with_plan(status, &plan);
    status.updated_at = now;
    db::coaching::save_status(&txn, status, None).await?;
    let entry = actor_entry(actor, "person.plan.start")
        .record("person", person_id)
        .detail(json!({ "plan_id": plan.id, "family": new.family, "goals": content.goals.len() }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(plan)
}

/// The result of saving a plan someone else may have saved meanwhile.
pub enum PlanSave {
    Saved(recovery_plan::Model),
    /// Both changed the same parts: nothing was saved; the merge keeps this writer's text where
    /// they clash and lists the other writer's, to be reconciled and saved again at `version`.
    Conflict {
        merged: PlanContent,
        conflicts: Vec<MergeConflict>,
        version: i32,
    },
}

/// Saves the working copy. Editing an agreed plan starts its review (a new version number).
/// An edit based on an older save is merged with what was saved since.
pub async fn save_plan(
    state: &AppState,
    actor: &Actor,
    plan_id: Uuid,
    base_version: i32,
    content: PlanContent,
) -> AppResult<PlanSave> {
    let (plan, opened) = open_plan(state, actor, plan_id, Action::EditPerson).await?;
    if plan.status == PlanStatus::Closed.code() {
        return Err(FieldErrors::single("plan", "error-plan-closed").into());
    }
    let mut mine = content.validate()?;
    let household = db::people::household(state.db.conn(), actor.org_id, opened.person.id).await?;
    mine.household_member_ids.retain(|id| household.iter().any(|h| h.id == *id));
    let mut merged_from = None;
    if base_version != plan.version {
        let base = db::coaching::plan_save(state.db.conn(), actor.org_id, plan.id, base_version)
            .await?
            .ok_or(AppError::Conflict)?;
        let base = content_of(&base.content)?;
        let theirs = content_of(&plan.content)?;
        let (merged, conflicts) = rules::merge(&base, &theirs, &mine);
        if !conflicts.is_empty() {
            return Ok(PlanSave::Conflict { merged, conflicts, version: plan.version });
        }
        merged_from = Some(base_version);
        mine = merged;
    }
    let now = state.clock.now();
    let mut updated = plan.clone();
    if plan.status == PlanStatus::Agreed.code() {
        updated.status = PlanStatus::InReview.code().into();
        updated.number = plan.number + 1;
    }
    updated.content = to_json(&mine);
    updated.version = plan.version + 1;
    updated.updated_by = actor.staff_id;
    updated.updated_at = now;
    let txn = state.db.begin_write().await?;
    db::coaching::update_plan(&txn, updated.clone(), plan.version).await?;
    record_save(&txn, &updated, actor.staff_id, now).await?;
    if updated.status != plan.status {
        let status = status_or_new(&*txn, actor.org_id, plan.person_id, now).await?;
        let mut status = db::coaching::with_plan(status, &updated);
        status.updated_at = now;
        db::coaching::save_status(&txn, status, None).await?;
    }
    let entry = actor_entry(actor, "person.plan.save")
        .record("person", plan.person_id)
        .detail(json!({ "plan_id": plan.id, "version": updated.version, "merged_from": merged_from }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(PlanSave::Saved(updated))
}

/// Records the person's agreement: the working copy becomes an agreed version, and the next
/// review falls due. With `discharge`, the plan closes with how the gains will be kept.
pub async fn agree_plan(
    state: &AppState,
    actor: &Actor,
    plan_id: Uuid,
    version: i32,
    input: &AgreementInput,
    discharge: bool,
) -> AppResult<recovery_plan::Model> {
    let (plan, _) = open_plan(state, actor, plan_id, Action::EditPerson).await?;
    if plan.version != version {
        return Err(AppError::Conflict);
    }
    if plan.status == PlanStatus::Closed.code() {
        return Err(FieldErrors::single("plan", "error-plan-closed").into());
    }
    let content = content_of(&plan.content)?;
    let tz = org_tz(state, actor.org_id).await?;
    let mut agreement = input.validate(today(state, &tz), plan.started_on);
    if discharge && content.maintaining_gains.trim().is_empty() {
        let mut e = agreement.clone().err().unwrap_or_default();
        e.add("maintaining_gains", "error-maintaining-gains");
        agreement = Err(e);
    }
    let agreement = agreement?;
    if plan.status == PlanStatus::Agreed.code() && !discharge {
        return Err(FieldErrors::single("plan", "error-plan-already-agreed").into());
    }
    let review_days = plan_review_days(state, actor.org_id, plan.program_id).await?;
    let now = state.clock.now();
    // Discharging an agreed plan records its closing as the next version.
    let number = if plan.status == PlanStatus::Agreed.code() { plan.number + 1 } else { plan.number };
    let kind = if discharge {
        PlanVersionKind::Discharge
    } else if number == 1 {
        PlanVersionKind::Initial
    } else {
        PlanVersionKind::Review
    };
    let review_due_on = (!discharge).then(|| rules::plan_review_due(agreement.agreed_on, review_days));
    let mut updated = plan.clone();
    updated.status = if discharge { PlanStatus::Closed } else { PlanStatus::Agreed }.code().into();
    updated.number = number;
    updated.last_agreed_on = Some(agreement.agreed_on);
    updated.review_due_on = review_due_on;
    updated.version = plan.version + 1;
    updated.updated_by = actor.staff_id;
    updated.updated_at = now;
    let facts = crate::domain::coaching::PlanFacts::of_json(&plan.content);
    let txn = state.db.begin_write().await?;
    db::coaching::update_plan(&txn, updated.clone(), plan.version).await?;
    db::coaching::insert_plan_version(
        &txn,
        recovery_plan_version::Model {
            id: Uuid::new_v4(),
            org_id: actor.org_id,
            plan_id: plan.id,
            person_id: plan.person_id,
            number,
            kind: kind.code().into(),
            content: plan.content.clone(),
            goal_count: facts.goal_count,
            has_strengths: facts.has_strengths,
            has_barriers: facts.has_barriers,
            has_progress: facts.has_progress,
            agreement: agreement.agreement.code().into(),
            agreed_on: agreement.agreed_on,
            signed_name: agreement.signed_name.clone(),
            agreement_note: agreement.note.clone(),
            review_due_on,
            recorded_by: actor.staff_id,
            created_at: now,
        },
    )
    .await?;
    crate::outcomes::summary::refresh_goals(&*txn, actor.org_id, plan.person_id).await?;
    record_save(&txn, &updated, actor.staff_id, now).await?;
    let status = status_or_new(&*txn, actor.org_id, plan.person_id, now).await?;
    let mut status = db::coaching::with_plan(status, &updated);
    status.updated_at = now;
    db::coaching::save_status(&txn, status, None).await?;
    let entry = actor_entry(actor, "person.plan.agree").record("person", plan.person_id).detail(json!({
        "plan_id": plan.id, "number": number, "kind": kind.code(), "agreement": agreement.agreement.code(),
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(updated)
}

/// What changed between two agreed versions (0 = the working copy).
pub async fn plan_diff(
    state: &AppState,
    actor: &Actor,
    plan_id: Uuid,
    from: i32,
    to: i32,
) -> AppResult<(PlanView, Vec<rules::PlanChange>)> {
    let view = plan(state, actor, plan_id).await?;
    let pick = |n: i32| -> AppResult<PlanContent> {
        if n == 0 {
            return Ok(view.content.clone());
        }
        let v = view.versions.iter().find(|v| v.number == n).ok_or(AppError::NotFound)?;
        content_of(&v.content)
    };
    let changes = rules::diff(&pick(from)?, &pick(to)?);
    Ok((view, changes))
}

// ---------- contacts ----------

/// A contact as submitted: when, the fields, and whether to sign it now.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ContactInput {
    /// Local date (YYYY-MM-DD); today when empty.
    #[serde(default)]
    pub occurred_on: Option<String>,
    /// Local time (HH:MM); now when both are empty.
    #[serde(default)]
    pub occurred_time: Option<String>,
    #[serde(flatten)]
    pub fields: ContactFields,
    /// Sign the note now (it can then only be corrected by addenda).
    #[serde(default)]
    pub sign: bool,
    /// This contact re-engages the person after their open lapse.
    #[serde(default)]
    pub reengagement: bool,
}

pub struct Logged {
    pub contact: coaching_contact::Model,
    pub warnings: Vec<GuardrailWarning>,
}

async fn plan_goal_ids(state: &AppState, org_id: Uuid, person_id: Uuid) -> AppResult<Vec<Uuid>> {
    let plan = db::coaching::open_plan(state.db.conn(), org_id, person_id).await?;
    Ok(match plan {
        Some(p) => content_of(&p.content)?.goals.iter().map(|g| g.id).collect(),
        None => Vec::new(),
    })
}

fn parse_contact(
    input: &ContactInput,
    tz: &str,
    now: OffsetDateTime,
    goals: &[Uuid],
) -> Result<(OffsetDateTime, rules::ValidContactFields), FieldErrors> {
    let mut e = FieldErrors::new();
    let at =
        crate::intake::local_time_input(&mut e, tz, now, input.occurred_on.as_deref(), input.occurred_time.as_deref());
    let fields = input.fields.validate(&mut e, goals);
    match fields {
        Some(f) if e.is_empty() => Ok((at, f)),
        _ => Err(e),
    }
}

fn warnings_json(warnings: &[GuardrailWarning]) -> Option<String> {
    (!warnings.is_empty()).then(|| serde_json::to_string(warnings).unwrap_or_default())
}

/// Logs a contact: the note, the guardrail check, the person's next due date and, when it
/// re-engages them after a lapse, the time that took.
pub async fn log_contact(state: &AppState, actor: &Actor, person_id: Uuid, input: &ContactInput) -> AppResult<Logged> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let tz = org_tz(state, actor.org_id).await?;
    let now = state.clock.now();
    let goals = plan_goal_ids(state, actor.org_id, person_id).await?;
    let (occurred_at, fields) = parse_contact(input, &tz, now, &goals)?;
    let warnings = guardrails::check(&fields.note);
    // Read the person's status inside the write transaction, so a contact logged at the same
    // moment by someone else is seen rather than turned into a conflict.
    let txn = state.db.begin_write().await?;
    let mut status = status_or_new(&*txn, actor.org_id, person_id, now).await?;
    let expected = status.version;
    let program_id = opened
        .enrolments
        .iter()
        .find(|e| e.ended_on.is_none() && e.worker_id == Some(actor.staff_id))
        .or_else(|| opened.enrolments.iter().find(|e| e.ended_on.is_none()))
        .map(|e| e.program_id);
    let sign = input.sign;
    let contact = coaching_contact::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        person_id,
        program_id,
        worker_id: actor.staff_id,
        occurred_at,
        minutes: fields.minutes,
        mode: fields.mode.code().into(),
        setting: fields.setting.code().into(),
        present: fields.present.clone(),
        activities: rules::join_codes(&fields.activities),
        goals: fields.goals.iter().map(Uuid::to_string).collect::<Vec<_>>().join(";"),
        note: fields.note.clone(),
        status: if sign { NoteStatus::Signed } else { NoteStatus::Draft }.code().into(),
        signed_at: sign.then_some(now),
        signed_by: sign.then_some(actor.staff_id),
        warnings: warnings_json(&warnings),
        lapse_id: None,
        group_session_id: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut contact = contact;
    let mut reengaged = None;
    if input.reengagement {
        match status.open_lapse_id {
            Some(lapse_id) => {
                let lapse_on = status.open_lapse_on.unwrap_or(local_date(&tz, occurred_at));
                if local_date(&tz, occurred_at) < lapse_on {
                    return Err(FieldErrors::single("reengagement", "error-reengagement-before-lapse").into());
                }
                contact.lapse_id = Some(lapse_id);
                reengaged = Some((lapse_id, rules::days_to_reengage(lapse_on, local_date(&tz, occurred_at))));
            }
            None => return Err(FieldErrors::single("reengagement", "error-no-open-lapse").into()),
        }
    }
    if status.last_contact_at.is_none_or(|last| occurred_at > last) {
        status.last_contact_at = Some(occurred_at);
    }
    refresh_due(&mut status, &tz);
    if reengaged.is_some() {
        status.open_lapse_id = None;
        status.open_lapse_on = None;
    }
    status.updated_at = now;
    db::coaching::insert_contact(&txn, contact.clone()).await?;
    if let Some((lapse_id, days)) = reengaged {
        db::coaching::mark_reengaged(&txn, actor.org_id, lapse_id, contact.id, occurred_at, days as i32).await?;
    }
    db::coaching::save_status(&txn, status, Some(expected)).await?;
    let entry = actor_entry(actor, "person.contact.log").record("person", person_id).detail(json!({
        "contact_id": contact.id, "signed": sign, "warnings": warnings.iter().map(|w| &w.rule).collect::<Vec<_>>(),
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(Logged { contact, warnings })
}

/// Opens a contact for reading (audited as a view of the person's record).
pub async fn contact(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<(ContactView, records::Opened)> {
    let c = db::coaching::contact(state.db.conn(), actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    let opened = records::open(state, actor, c.person_id, Action::ViewPerson).await?;
    let addenda = db::coaching::addenda(state.db.conn(), actor.org_id, vec![c.id]).await?;
    Ok((ContactView { warnings: warnings_of(&c), addenda, contact: c }, opened))
}

/// Opens a draft for its author to change or sign; signed notes are refused with a clear message.
async fn open_draft(state: &AppState, actor: &Actor, id: Uuid, version: i32) -> AppResult<coaching_contact::Model> {
    let c = db::coaching::contact(state.db.conn(), actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    records::open(state, actor, c.person_id, Action::EditPerson).await?;
    if c.status == NoteStatus::Signed.code() {
        return Err(FieldErrors::single("note", "error-note-signed").into());
    }
    if c.worker_id != actor.staff_id {
        return Err(deny(state, actor, "EditOthersNote", Some(("person", c.person_id))).await);
    }
    if c.version != version {
        return Err(AppError::Conflict);
    }
    Ok(c)
}

/// Changes a draft note (its author only), optionally signing it.
pub async fn update_draft(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    input: &ContactInput,
) -> AppResult<Logged> {
    let old = open_draft(state, actor, id, version).await?;
    let tz = org_tz(state, actor.org_id).await?;
    let now = state.clock.now();
    let goals = plan_goal_ids(state, actor.org_id, old.person_id).await?;
    let (occurred_at, fields) = parse_contact(input, &tz, now, &goals)?;
    let warnings = guardrails::check(&fields.note);
    let mut c = old.clone();
    c.occurred_at = occurred_at;
    c.minutes = fields.minutes;
    c.mode = fields.mode.code().into();
    c.setting = fields.setting.code().into();
    c.present = fields.present;
    c.activities = rules::join_codes(&fields.activities);
    c.goals = fields.goals.iter().map(Uuid::to_string).collect::<Vec<_>>().join(";");
    c.note = fields.note;
    c.warnings = warnings_json(&warnings);
    if input.sign {
        c.status = NoteStatus::Signed.code().into();
        c.signed_at = Some(now);
        c.signed_by = Some(actor.staff_id);
    }
    c.version = old.version + 1;
    c.updated_at = now;
    let txn = state.db.begin_write().await?;
    let mut status = status_or_new(&*txn, actor.org_id, old.person_id, now).await?;
    let expected = status.version;
    // The latest of the person's other contacts: moving this draft earlier must not hide one
    // that now comes after it.
    let latest = db::coaching::contacts_for_person(&*txn, actor.org_id, old.person_id, 2).await?;
    let last_other = latest.iter().find(|c| c.id != old.id).map(|c| c.occurred_at);
    status.last_contact_at = Some(last_other.map_or(occurred_at, |l| l.max(occurred_at)));
    refresh_due(&mut status, &tz);
    status.updated_at = now;
    db::coaching::update_draft_contact(&txn, c.clone(), version).await?;
    db::coaching::save_status(&txn, status, Some(expected)).await?;
    let entry = actor_entry(actor, "person.contact.update").record("person", old.person_id).detail(json!({
        "contact_id": id, "signed": input.sign, "warnings": warnings.iter().map(|w| &w.rule).collect::<Vec<_>>(),
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(Logged { contact: c, warnings })
}

/// Signs a draft note as written: from now on it changes only by addenda.
pub async fn sign_contact(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
) -> AppResult<coaching_contact::Model> {
    let old = open_draft(state, actor, id, version).await?;
    let now = state.clock.now();
    let mut c = old.clone();
    c.status = NoteStatus::Signed.code().into();
    c.signed_at = Some(now);
    c.signed_by = Some(actor.staff_id);
    c.version = old.version + 1;
    c.updated_at = now;
    let txn = state.db.begin_write().await?;
    db::coaching::update_draft_contact(&txn, c.clone(), version).await?;
    let entry =
        actor_entry(actor, "person.contact.sign").record("person", old.person_id).detail(json!({ "contact_id": id }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(c)
}

/// Adds a correction or later information to a signed note.
pub async fn add_addendum(
    state: &AppState,
    actor: &Actor,
    contact_id: Uuid,
    text: &str,
) -> AppResult<contact_addendum::Model> {
    let c = db::coaching::contact(state.db.conn(), actor.org_id, contact_id).await?.ok_or(AppError::NotFound)?;
    records::open(state, actor, c.person_id, Action::EditPerson).await?;
    if c.status != NoteStatus::Signed.code() {
        return Err(FieldErrors::single("text", "error-addendum-draft").into());
    }
    let mut e = FieldErrors::new();
    let text = e.required("text", text, 4000);
    e.finish(())?;
    let now = state.clock.now();
    let addendum = contact_addendum::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        contact_id,
        person_id: c.person_id,
        text,
        written_by: actor.staff_id,
        written_at: now,
    };
    let txn = state.db.begin_write().await?;
    db::coaching::insert_addendum(&txn, addendum.clone()).await?;
    let entry = actor_entry(actor, "person.contact.addendum")
        .record("person", c.person_id)
        .detail(json!({ "contact_id": contact_id, "addendum_id": addendum.id }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(addendum)
}

// ---------- frequency and lapses ----------

/// Sets how often the person is contacted (their stage of recovery, raised monitoring).
pub async fn save_profile(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    version: i32,
    p: &ValidProfile,
) -> AppResult<coaching_status::Model> {
    records::open(state, actor, person_id, Action::EditPerson).await?;
    let tz = org_tz(state, actor.org_id).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let mut status = status_or_new(&*txn, actor.org_id, person_id, now).await?;
    status.stage = p.stage.map(|s| s.code().to_string());
    status.frequency = p.frequency.code().into();
    status.monitoring_raised = p.monitoring_raised;
    status.reason = p.reason.clone();
    status.updated_at = now;
    status.updated_by = Some(actor.staff_id);
    refresh_due(&mut status, &tz);
    let saved = db::coaching::save_status(&txn, status, Some(version)).await?;
    let entry = actor_entry(actor, "person.coaching-profile").record("person", person_id).detail(json!({
        "frequency": p.frequency.code(), "stage": p.stage.map(|s| s.code()), "monitoring_raised": p.monitoring_raised,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Records a return to use the person told us about; optionally contact weekly from now on.
pub async fn record_lapse(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    input: &LapseInput,
) -> AppResult<lapse::Model> {
    records::open(state, actor, person_id, Action::EditPerson).await?;
    let tz = org_tz(state, actor.org_id).await?;
    let l = input.validate(today(state, &tz))?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let mut status = status_or_new(&*txn, actor.org_id, person_id, now).await?;
    let expected = status.version;
    let lapse = lapse::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        person_id,
        lapse_on: l.lapse_on,
        note: l.note.clone(),
        reengaged_contact_id: None,
        reengaged_at: None,
        days_to_reengage: None,
        recorded_by: actor.staff_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    status.open_lapse_id = Some(lapse.id);
    status.open_lapse_on = Some(l.lapse_on);
    if l.raise_frequency {
        status.frequency = ContactFrequency::Weekly.code().into();
        status.stage = Some(RecoveryStage::AfterReturnToUse.code().into());
        refresh_due(&mut status, &tz);
    }
    status.updated_at = now;
    db::coaching::insert_lapse(&txn, lapse.clone()).await?;
    db::coaching::save_status(&txn, status, Some(expected)).await?;
    let entry = actor_entry(actor, "person.lapse")
        .record("person", person_id)
        .detail(json!({ "lapse_id": lapse.id, "raised_frequency": l.raise_frequency }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(lapse)
}

// ---------- mutual aid and natural supports ----------

/// The version a save is checked against: 0 inserts a new row; an update must name the version it
/// was based on (1 or more), so a form that lost it cannot overwrite someone else's change.
fn write_version(exists: bool, version: i32) -> AppResult<i32> {
    match (exists, version) {
        (true, v) if v < 1 => Err(AppError::Conflict),
        (true, v) => Ok(v),
        (false, _) => Ok(0),
    }
}

/// Adds (`id` None) or updates a mutual-aid connection.
pub async fn save_mutual_aid(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    id: Option<Uuid>,
    version: i32,
    input: &MutualAidInput,
) -> AppResult<mutual_aid_connection::Model> {
    records::open(state, actor, person_id, Action::EditPerson).await?;
    let tz = org_tz(state, actor.org_id).await?;
    let today = today(state, &tz);
    let m = input.validate(today)?;
    let now = state.clock.now();
    let existing = match id {
        Some(id) => {
            let old = db::coaching::mutual_aid_one(state.db.conn(), actor.org_id, id).await?;
            Some(old.filter(|o| o.person_id == person_id).ok_or(AppError::NotFound)?)
        }
        None => None,
    };
    let model = mutual_aid_connection::Model {
        id: existing.as_ref().map_or_else(Uuid::new_v4, |o| o.id),
        org_id: actor.org_id,
        person_id,
        fellowship: m.fellowship.code().into(),
        group_name: m.group_name.clone(),
        help: rules::join_codes(&m.help),
        connected_on: m.connected_on,
        attended: m.attended,
        still_going: m.still_going,
        // Dated when the answers about going change, not on every edit.
        checked_on: match &existing {
            Some(old) if old.attended == m.attended && old.still_going == m.still_going => old.checked_on,
            _ => (m.attended.is_some() || m.still_going.is_some()).then_some(today),
        },
        note: m.note.clone(),
        recorded_by: existing.as_ref().map_or(actor.staff_id, |o| o.recorded_by),
        version,
        created_at: existing.as_ref().map_or(now, |o| o.created_at),
        updated_at: now,
    };
    let version = write_version(existing.is_some(), version)?;
    let txn = state.db.begin_write().await?;
    db::coaching::save_mutual_aid(&txn, model.clone(), version).await?;
    let entry = actor_entry(actor, "person.mutual-aid")
        .record("person", person_id)
        .detail(json!({ "id": model.id, "fellowship": model.fellowship }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(mutual_aid_connection::Model { version: version + 1, ..model })
}

/// Adds (`id` None) or updates one of the person's natural supports.
pub async fn save_support(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    id: Option<Uuid>,
    version: i32,
    input: &SupportInput,
) -> AppResult<natural_support::Model> {
    records::open(state, actor, person_id, Action::EditPerson).await?;
    let s = input.validate()?;
    let tz = org_tz(state, actor.org_id).await?;
    let now = state.clock.now();
    let existing = match id {
        Some(id) => {
            let old = db::coaching::support(state.db.conn(), actor.org_id, id).await?;
            Some(old.filter(|o| o.person_id == person_id).ok_or(AppError::NotFound)?)
        }
        None => None,
    };
    // Consent is dated when first given and kept while it stands.
    let consent_on = match (&existing, s.consent_to_contact) {
        (_, false) => None,
        (Some(old), true) if old.consent_to_contact => old.consent_on,
        (_, true) => Some(today(state, &tz)),
    };
    let model = natural_support::Model {
        id: existing.as_ref().map_or_else(Uuid::new_v4, |o| o.id),
        org_id: actor.org_id,
        person_id,
        name: s.name.clone(),
        relationship: s.relationship.code().into(),
        phone: s.phone.clone(),
        engagement: s.engagement.code().into(),
        consent_to_contact: s.consent_to_contact,
        consent_on,
        note: s.note.clone(),
        active: true,
        recorded_by: existing.as_ref().map_or(actor.staff_id, |o| o.recorded_by),
        version,
        created_at: existing.as_ref().map_or(now, |o| o.created_at),
        updated_at: now,
    };
    let version = write_version(existing.is_some(), version)?;
    let txn = state.db.begin_write().await?;
    db::coaching::save_support(&txn, model.clone(), version).await?;
    // The name is personal data about a third party: the log keeps the id only.
    let entry = actor_entry(actor, "person.natural-support").record("person", person_id).detail(json!({
        "id": model.id, "relationship": model.relationship, "engagement": model.engagement, "consent": s.consent_to_contact,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(natural_support::Model { version: version + 1, ..model })
}

// ---------- caseloads and worklists ----------

/// One person on a caseload, with where they stand today.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CaseloadItem {
    pub person_id: Uuid,
    pub name: String,
    pub record_number: i64,
    pub worker_id: Uuid,
    pub frequency: ContactFrequency,
    pub last_contact_on: Option<Date>,
    /// Days since the last contact (None when never contacted).
    pub days_since_contact: Option<i64>,
    pub contact_due_on: Option<Date>,
    pub contact: Due,
    pub plan_status: Option<PlanStatus>,
    pub plan_review_due_on: Option<Date>,
    pub plan: Option<Due>,
    pub open_lapse_on: Option<Date>,
    pub monitoring_raised: bool,
    /// Safety concerns recorded on the 4.03 checklist.
    pub risk_flags: Vec<String>,
}

impl CaseloadItem {
    pub fn contact_overdue(&self) -> bool {
        matches!(self.contact, Due::Overdue(_))
    }
    pub fn no_recent_contact(&self) -> bool {
        self.days_since_contact.is_none_or(|d| d > rules::NO_CONTACT_DAYS)
    }
    pub fn plan_overdue(&self) -> bool {
        matches!(self.plan, Some(Due::Overdue(_)))
    }
    pub fn needs_plan(&self) -> bool {
        self.plan_status.is_none()
    }
    /// Sort key: most overdue first.
    fn urgency(&self) -> i64 {
        let contact = match self.contact {
            Due::Overdue(d) => 10_000 + d,
            Due::Soon(d) => 1000 - d,
            Due::Later => 0,
        };
        let plan = match self.plan {
            Some(Due::Overdue(d)) => 10_000 + d,
            _ => 0,
        };
        contact.max(plan)
    }
}

/// How far ahead the worklist looks for contacts and reviews coming due.
pub const DUE_WINDOW_DAYS: i64 = 7;

/// Where a due date stands today, with the worklist's look-ahead.
pub fn due_of(due: Date, today: Date) -> Due {
    rules::due_status(due, today, DUE_WINDOW_DAYS)
}
pub const PLAN_WINDOW_DAYS: i64 = 14;

fn item(row: db::coaching::CaseloadRow, tz: &str, today: Date) -> CaseloadItem {
    let frequency = row.frequency.as_deref().and_then(ContactFrequency::parse).unwrap_or(ContactFrequency::Monthly);
    let last_contact_on = row.last_contact_at.map(|at| local_date(tz, at));
    // Nobody contacted yet: due from the day they started.
    let contact_due_on = row.contact_due_on.unwrap_or_else(|| rules::next_contact_due(row.started_on, frequency));
    CaseloadItem {
        name: row.display_name(),
        person_id: row.person_id,
        record_number: row.record_number,
        worker_id: row.worker_id,
        frequency,
        days_since_contact: last_contact_on.map(|d| (today - d).whole_days()),
        last_contact_on,
        contact_due_on: Some(contact_due_on),
        contact: rules::due_status(contact_due_on, today, DUE_WINDOW_DAYS),
        plan_status: row.plan_status.as_deref().and_then(PlanStatus::parse),
        plan_review_due_on: row.plan_review_due_on,
        plan: row.plan_review_due_on.map(|d| rules::due_status(d, today, PLAN_WINDOW_DAYS)),
        open_lapse_on: row.open_lapse_on,
        monitoring_raised: row.monitoring_raised.unwrap_or(false),
        risk_flags: row
            .safety_flags
            .as_deref()
            .unwrap_or("")
            .split(';')
            .filter(|f| !f.is_empty())
            .map(String::from)
            .collect(),
    }
}

/// Whether the actor may see `worker_id`'s caseload: their own, a supervisee's, a worker in a
/// program they direct, or (read-only) the quality lead.
pub async fn may_view_caseload(state: &AppState, actor: &Actor, worker_id: Uuid) -> AppResult<bool> {
    if worker_id == actor.staff_id || actor.has(Role::QualityLead) {
        return Ok(true);
    }
    if actor.has(Role::Supervisor) && actor.supervisee_ids.contains(&worker_id) {
        return Ok(true);
    }
    if actor.has(Role::ProgramDirector) {
        let programs = db::org::staff_program_ids(state.db.conn(), actor.org_id, worker_id).await?;
        return Ok(programs.iter().any(|p| actor.program_ids.contains(p)));
    }
    Ok(false)
}

pub struct Caseload {
    pub worker: crate::db::entities::staff::Model,
    pub items: Vec<CaseloadItem>,
    pub today: Date,
}

/// A worker's caseload, most pressing first. Listing who is on it is audited (with the count).
pub async fn caseload(state: &AppState, actor: &Actor, worker_id: Uuid, tz: &str) -> AppResult<Caseload> {
    let worker = db::staff::get(state.db.conn(), actor.org_id, worker_id).await?.ok_or(AppError::NotFound)?;
    if !may_view_caseload(state, actor, worker_id).await? {
        return Err(deny(state, actor, "ViewCaseload", Some(("staff", worker_id))).await);
    }
    let today = today(state, tz);
    let mut rows = db::coaching::caseload(&state.db, actor.org_id, &[worker_id]).await?;
    // A director reaches the worker through the programs they direct: the people the worker
    // serves in other programs are not theirs to see (they could not open those records).
    let whole = worker_id == actor.staff_id
        || actor.has(Role::QualityLead)
        || (actor.has(Role::Supervisor) && actor.supervisee_ids.contains(&worker_id));
    if !whole {
        rows.retain(|r| actor.program_ids.contains(&r.program_id));
    }
    let mut items: Vec<CaseloadItem> = rows.into_iter().map(|r| item(r, tz, today)).collect();
    items.sort_by(|a, b| b.urgency().cmp(&a.urgency()).then_with(|| a.name.cmp(&b.name)));
    let entry = actor_entry(actor, "caseload.view").record("staff", worker_id).detail(json!({ "people": items.len() }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(Caseload { worker, items, today })
}

/// What a coach should do next, from their own caseload.
#[derive(Default)]
pub struct Worklist {
    pub overdue: Vec<CaseloadItem>,
    pub due_soon: Vec<CaseloadItem>,
    pub no_contact_30: Vec<CaseloadItem>,
    pub plans_due: Vec<CaseloadItem>,
    pub needs_plan: Vec<CaseloadItem>,
    pub open_lapses: Vec<CaseloadItem>,
    pub drafts: Vec<(coaching_contact::Model, String)>,
    pub caseload_size: usize,
    /// Outcome measures due on the coach's own caseload, most overdue first (`outcomes::measures`).
    pub measures_due: Vec<crate::outcomes::measures::DueLine>,
}

pub fn sort_into(items: Vec<CaseloadItem>) -> Worklist {
    let mut w = Worklist { caseload_size: items.len(), ..Default::default() };
    for i in items {
        if i.no_recent_contact() {
            w.no_contact_30.push(i.clone());
        }
        if matches!(i.plan, Some(Due::Overdue(_) | Due::Soon(_))) || i.plan_status == Some(PlanStatus::InReview) {
            w.plans_due.push(i.clone());
        }
        if i.needs_plan() || i.plan_status == Some(PlanStatus::Draft) {
            w.needs_plan.push(i.clone());
        }
        if i.open_lapse_on.is_some() {
            w.open_lapses.push(i.clone());
        }
        match i.contact {
            Due::Overdue(_) => w.overdue.push(i),
            Due::Soon(_) => w.due_soon.push(i),
            Due::Later => {}
        }
    }
    let by_contact = |a: &CaseloadItem, b: &CaseloadItem| a.contact_due_on.cmp(&b.contact_due_on);
    w.overdue.sort_by(by_contact);
    w.due_soon.sort_by(by_contact);
    w.no_contact_30.sort_by_key(|a| a.last_contact_on);
    w.plans_due.sort_by_key(|a| a.plan_review_due_on);
    w
}

/// The actor's own unsigned notes, oldest first, each with the person's name.
pub async fn own_drafts(state: &AppState, actor: &Actor) -> AppResult<Vec<(coaching_contact::Model, String)>> {
    let drafts = db::coaching::draft_contacts(state.db.conn(), actor.org_id, &[actor.staff_id]).await?;
    let names = db::intake::person_names(&state.db, actor.org_id, drafts.iter().map(|d| d.person_id).collect()).await?;
    Ok(drafts
        .into_iter()
        .map(|d| {
            let name = names.get(&d.person_id).cloned().unwrap_or_default();
            (d, name)
        })
        .collect())
}

/// The signed-in coach's worklist.
pub async fn worklist(state: &AppState, actor: &Actor, tz: &str) -> AppResult<Worklist> {
    if !actor.works_with_people() {
        return Ok(Worklist::default());
    }
    let today = today(state, tz);
    let rows = db::coaching::caseload(&state.db, actor.org_id, &[actor.staff_id]).await?;
    let items = rows.into_iter().map(|r| item(r, tz, today)).collect();
    let mut w = sort_into(items);
    w.drafts = own_drafts(state, actor).await?;
    w.measures_due = crate::outcomes::measures::caseload_due(state, actor).await?;
    let entry = actor_entry(actor, "caseload.worklist").detail(json!({ "people": w.caseload_size }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(w)
}

/// One worker's figures on the supervisor's page.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct WorkerCounts {
    pub worker_id: Uuid,
    pub name: String,
    pub people: usize,
    pub contacts_overdue: usize,
    pub no_contact_30: usize,
    pub plans_overdue: usize,
    pub without_plan: usize,
    pub open_lapses: usize,
    pub drafts: usize,
    /// Notes with guardrail warnings in the last 30 days.
    pub warnings_30: usize,
}

/// Counts across the workers the actor supervises (or, for a director, the workers in their
/// programs). Counts only: no one's name is listed, so it is not a view of any record.
pub async fn supervision(state: &AppState, actor: &Actor, tz: &str) -> AppResult<Vec<WorkerCounts>> {
    let staff = db::staff::active(&state.db, actor.org_id).await?;
    let names: std::collections::HashMap<Uuid, String> = staff.iter().map(|s| (s.id, s.display_name.clone())).collect();
    let mut workers: Vec<Uuid> = Vec::new();
    if actor.has(Role::Supervisor) {
        workers.extend(&actor.supervisee_ids);
    }
    if actor.has(Role::ProgramDirector) || actor.has(Role::QualityLead) {
        for s in &staff {
            let programs = db::org::staff_program_ids(state.db.conn(), actor.org_id, s.id).await?;
            if actor.has(Role::QualityLead) || programs.iter().any(|p| actor.program_ids.contains(p)) {
                workers.push(s.id);
            }
        }
    }
    workers.sort();
    workers.dedup();
    let oversees = actor.has(Role::Supervisor) || actor.has(Role::ProgramDirector) || actor.has(Role::QualityLead);
    if !oversees {
        return Err(deny(state, actor, "ViewSupervision", None).await);
    }
    if workers.is_empty() {
        // A supervisor without supervisees yet (the page is in their menu): nothing to count.
        return Ok(Vec::new());
    }
    let today = today(state, tz);
    let rows = db::coaching::caseload(&state.db, actor.org_id, &workers).await?;
    let drafts = db::coaching::draft_contacts(state.db.conn(), actor.org_id, &workers).await?;
    let since = state.clock.now() - time::Duration::days(30);
    let warned = db::coaching::warned_contacts(state.db.conn(), actor.org_id, &workers, since).await?;
    let mut out = Vec::new();
    for worker in workers {
        let items: Vec<CaseloadItem> =
            rows.iter().filter(|r| r.worker_id == worker).cloned().map(|r| item(r, tz, today)).collect();
        let people = items.len();
        let drafts = drafts.iter().filter(|d| d.worker_id == worker).count();
        let warnings_30 = warned.iter().filter(|d| d.worker_id == worker).count();
        if people == 0 && drafts == 0 {
            continue;
        }
        out.push(WorkerCounts {
            worker_id: worker,
            name: names.get(&worker).cloned().unwrap_or_default(),
            people,
            contacts_overdue: items.iter().filter(|i| i.contact_overdue()).count(),
            no_contact_30: items.iter().filter(|i| i.no_recent_contact()).count(),
            plans_overdue: items.iter().filter(|i| i.plan_overdue()).count(),
            without_plan: items.iter().filter(|i| i.needs_plan()).count(),
            open_lapses: items.iter().filter(|i| i.open_lapse_on.is_some()).count(),
            drafts,
            warnings_30,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Notes with guardrail warnings for a supervisor to talk through (supervisees' notes only).
pub async fn warned_notes(
    state: &AppState,
    actor: &Actor,
    days: i64,
) -> AppResult<Vec<(coaching_contact::Model, String, Vec<GuardrailWarning>)>> {
    let workers: Vec<Uuid> = if actor.has(Role::Supervisor) { actor.supervisee_ids.clone() } else { Vec::new() };
    if workers.is_empty() {
        return Err(deny(state, actor, "ViewGuardrailWarnings", None).await);
    }
    let since = state.clock.now() - time::Duration::days(days);
    let rows = db::coaching::warned_contacts(state.db.conn(), actor.org_id, &workers, since).await?;
    let names: std::collections::HashMap<Uuid, String> =
        db::staff::active(&state.db, actor.org_id).await?.into_iter().map(|s| (s.id, s.display_name)).collect();
    let entry = actor_entry(actor, "caseload.guardrail-review").detail(json!({ "notes": rows.len() }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let w = warnings_of(&c);
            let name = names.get(&c.worker_id).cloned().unwrap_or_default();
            (c, name, w)
        })
        .collect())
}

/// Moves a person to another coach; the move and its reason are kept in the person's history.
/// Returns what the new coach's training or certification leaves uncovered (warn policy; under
/// block the move is refused with a `worker_id` error naming the gaps).
pub async fn transfer(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    enrolment_id: Uuid,
    to_worker: Uuid,
    reason: Option<&str>,
) -> AppResult<Vec<Need>> {
    let opened = records::open(state, actor, person_id, Action::ReassignPerson).await?;
    let enrolment =
        opened.enrolments.iter().find(|e| e.id == enrolment_id && e.ended_on.is_none()).ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::new();
    let reason = e.optional("reason", reason, 1000);
    if db::staff::get(state.db.conn(), actor.org_id, to_worker).await?.filter(|w| w.active).is_none() {
        e.add("worker_id", "error-worker-not-allowed");
    }
    if enrolment.worker_id == Some(to_worker) {
        e.add("worker_id", "error-same-worker");
    }
    e.finish(())?;
    let assignment_gaps =
        crate::personnel::enforce_assignment(state, actor.org_id, to_worker, Assignment::Coach, "worker_id").await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    db::coaching::set_enrolment_worker(&txn, actor.org_id, enrolment_id, to_worker).await?;
    db::coaching::insert_transfer(
        &txn,
        caseload_transfer::Model {
            id: Uuid::new_v4(),
            org_id: actor.org_id,
            person_id,
            enrolment_id,
            from_worker: enrolment.worker_id,
            to_worker,
            reason: reason.clone(),
            transferred_by: actor.staff_id,
            transferred_at: now,
        },
    )
    .await?;
    let entry = actor_entry(actor, "person.reassign").record("person", person_id).detail(json!({
        "enrolment_id": enrolment_id, "from": enrolment.worker_id, "worker_id": to_worker,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(assignment_gaps)
}

// ---------- timeline ----------

/// What kind of event a timeline row is (the filter on the record).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    Request,
    Screen,
    Plan,
    Contact,
    Lapse,
    MutualAid,
    Support,
    Transfer,
    Referral,
}

impl EventKind {
    pub const ALL: [EventKind; 9] = [
        EventKind::Request,
        EventKind::Screen,
        EventKind::Plan,
        EventKind::Contact,
        EventKind::Lapse,
        EventKind::MutualAid,
        EventKind::Support,
        EventKind::Transfer,
        EventKind::Referral,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::Request => "request",
            EventKind::Screen => "screen",
            EventKind::Plan => "plan",
            EventKind::Contact => "contact",
            EventKind::Lapse => "lapse",
            EventKind::MutualAid => "mutual-aid",
            EventKind::Support => "support",
            EventKind::Transfer => "transfer",
            EventKind::Referral => "referral",
        }
    }

    pub fn parse(code: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One row of the person's timeline: when, what, a short summary (codes, not prose) and a link.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TimelineEvent {
    pub at: OffsetDateTime,
    pub kind: EventKind,
    /// A message id describing the event (e.g. `timeline-contact`).
    pub label: String,
    /// Short details: codes and numbers joined for display.
    pub detail: String,
    pub link: Option<String>,
}

/// The start of a day in the organisation's zone, for events that carry a date only (UTC midnight
/// would show as the evening before west of Greenwich).
fn day_start(tz: &str, day: Date) -> OffsetDateTime {
    crate::intake::at_local(tz, day, time::Time::MIDNIGHT).unwrap_or_else(|| day.midnight().assume_utc())
}

/// The person's history, newest first, optionally only some kinds of event.
pub async fn timeline(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    kinds: &[EventKind],
) -> AppResult<(records::Opened, Vec<TimelineEvent>)> {
    let opened = records::open(state, actor, person_id, Action::ViewPerson).await?;
    let tz = org_tz(state, actor.org_id).await?;
    let conn = state.db.conn();
    let org = actor.org_id;
    let wants = |k: EventKind| kinds.is_empty() || kinds.contains(&k);
    let mut out = Vec::new();
    if wants(EventKind::Request) {
        for r in db::intake::person_requests(conn, org, person_id).await? {
            out.push(TimelineEvent {
                at: r.received_at,
                kind: EventKind::Request,
                label: "timeline-request".into(),
                detail: format!("{} · {}", r.source, r.status),
                link: Some(format!("/intake/{}", r.id)),
            });
        }
    }
    if wants(EventKind::Screen) {
        for s in db::intake::person_screens(conn, org, person_id).await? {
            out.push(TimelineEvent {
                at: s.screened_at,
                kind: EventKind::Screen,
                label: "timeline-screen".into(),
                detail: format!("{} · {}", s.kind, s.level),
                link: Some(format!("/people/{person_id}/safety")),
            });
        }
    }
    if wants(EventKind::Plan) {
        for plan in db::coaching::plans(conn, org, person_id).await? {
            out.push(TimelineEvent {
                at: plan.created_at,
                kind: EventKind::Plan,
                label: "timeline-plan-started".into(),
                detail: if plan.family { "family".into() } else { String::new() },
                link: Some(format!("/plans/{}", plan.id)),
            });
            for v in db::coaching::plan_versions(conn, org, plan.id).await? {
                out.push(TimelineEvent {
                    at: v.created_at,
                    kind: EventKind::Plan,
                    label: format!("timeline-plan-{}", v.kind),
                    detail: format!("v{} · {} · {}", v.number, v.agreement, v.agreed_on),
                    link: Some(format!("/plans/{}?version={}", plan.id, v.number)),
                });
            }
        }
    }
    if wants(EventKind::Contact) {
        for c in db::coaching::contacts_for_person(conn, org, person_id, 5000).await? {
            out.push(TimelineEvent {
                at: c.occurred_at,
                kind: EventKind::Contact,
                label: if c.status == NoteStatus::Draft.code() { "timeline-contact-draft" } else { "timeline-contact" }
                    .into(),
                detail: format!("{} · {} · {} min", c.mode, c.setting, c.minutes),
                link: Some(format!("/contacts/{}", c.id)),
            });
        }
    }
    if wants(EventKind::Lapse) {
        for l in db::coaching::lapses(conn, org, person_id).await? {
            out.push(TimelineEvent {
                at: day_start(&tz, l.lapse_on),
                kind: EventKind::Lapse,
                label: "timeline-lapse".into(),
                detail: l.days_to_reengage.map(|d| format!("{d}")).unwrap_or_default(),
                link: None,
            });
        }
    }
    if wants(EventKind::MutualAid) {
        for m in db::coaching::mutual_aid(conn, org, person_id).await? {
            out.push(TimelineEvent {
                at: day_start(&tz, m.connected_on),
                kind: EventKind::MutualAid,
                label: "timeline-mutual-aid".into(),
                detail: m.fellowship.clone(),
                link: None,
            });
        }
    }
    if wants(EventKind::Support) {
        for s in db::coaching::supports(conn, org, person_id).await? {
            out.push(TimelineEvent {
                at: s.created_at,
                kind: EventKind::Support,
                label: "timeline-support".into(),
                detail: format!("{} · {}", s.relationship, s.engagement),
                link: None,
            });
        }
    }
    if wants(EventKind::Transfer) {
        for t in db::coaching::transfers(conn, org, person_id).await? {
            out.push(TimelineEvent {
                at: t.transferred_at,
                kind: EventKind::Transfer,
                label: "timeline-transfer".into(),
                detail: t.reason.unwrap_or_default(),
                link: None,
            });
        }
    }
    if wants(EventKind::Referral) {
        for (e, r) in crate::referrals::timeline_rows(conn, org, person_id).await? {
            out.push(TimelineEvent {
                at: e.at,
                kind: EventKind::Referral,
                label: "referral-timeline".into(),
                detail: format!("{} · {} · {}", e.status, r.need, r.resource_name),
                link: Some(format!("/people/{person_id}/referrals/{}", r.id)),
            });
        }
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.at));
    Ok((opened, out))
}
