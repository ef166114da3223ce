//! Coaching storage: plans and their versions and saves, contacts and addenda, each person's
//! coaching status (frequency and due dates), lapses, mutual-aid connections, natural supports,
//! caseload transfers, and the caseload and timeline reads.

use super::entities::{
    caseload_transfer, coaching_contact, coaching_status, contact_addendum, enrolment, lapse, mutual_aid_connection,
    natural_support, person, person_safety, recovery_plan, recovery_plan_save, recovery_plan_version,
};
use super::{Db, WriteError, WriteTxn};
use crate::domain::coaching::PlanStatus;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

// ---------- coaching status ----------

pub async fn status(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Option<coaching_status::Model>, DbErr> {
    coaching_status::Entity::find_by_id((org_id, person_id)).one(db).await
}

/// Writes a person's status; `expected_version` guards edits made from a form (None for the
/// bookkeeping done inside another write, which already holds the write lock).
pub async fn save_status(
    txn: &WriteTxn,
    mut model: coaching_status::Model,
    expected_version: Option<i32>,
) -> Result<coaching_status::Model, WriteError> {
    let existing = status(&**txn, model.org_id, model.person_id).await?;
    match existing {
        None => {
            if expected_version.is_some_and(|v| v != 0) {
                return Err(WriteError::Conflict);
            }
            model.version = 1;
            let active: coaching_status::ActiveModel = model.clone().into();
            coaching_status::Entity::insert(active).exec_without_returning(&**txn).await.map_err(|e| {
                match WriteError::from_db(e, "person_id") {
                    WriteError::Duplicate { .. } => WriteError::Conflict,
                    other => other,
                }
            })?;
            Ok(model)
        }
        Some(old) => {
            if expected_version.is_some_and(|v| v != old.version) {
                return Err(WriteError::Conflict);
            }
            model.version = old.version + 1;
            // Every column is written: an ActiveModel made from a Model holds only `Unchanged`
            // values, which `update_many().set()` skips (the update would then do nothing).
            let mut active = coaching_status::ActiveModel::from(model.clone()).reset_all();
            active.org_id = sea_orm::ActiveValue::Unchanged(model.org_id);
            active.person_id = sea_orm::ActiveValue::Unchanged(model.person_id);
            let result = coaching_status::Entity::update_many()
                .set(active)
                .filter(coaching_status::Column::OrgId.eq(model.org_id))
                .filter(coaching_status::Column::PersonId.eq(model.person_id))
                .filter(coaching_status::Column::Version.eq(old.version))
                .exec(&**txn)
                .await?;
            if result.rows_affected == 0 {
                return Err(WriteError::Conflict);
            }
            Ok(model)
        }
    }
}

// ---------- plans ----------

pub async fn plan(db: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> Result<Option<recovery_plan::Model>, DbErr> {
    recovery_plan::Entity::find()
        .filter(recovery_plan::Column::OrgId.eq(org_id))
        .filter(recovery_plan::Column::Id.eq(id))
        .one(db)
        .await
}

/// A person's plans, newest first.
pub async fn plans(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<recovery_plan::Model>, DbErr> {
    recovery_plan::Entity::find()
        .filter(recovery_plan::Column::OrgId.eq(org_id))
        .filter(recovery_plan::Column::PersonId.eq(person_id))
        .order_by_desc(recovery_plan::Column::CreatedAt)
        .all(db)
        .await
}

/// The plan in use (not closed), if any.
pub async fn open_plan(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Option<recovery_plan::Model>, DbErr> {
    recovery_plan::Entity::find()
        .filter(recovery_plan::Column::OrgId.eq(org_id))
        .filter(recovery_plan::Column::PersonId.eq(person_id))
        .filter(recovery_plan::Column::Status.ne(PlanStatus::Closed.code()))
        .order_by_desc(recovery_plan::Column::CreatedAt)
        .one(db)
        .await
}

pub async fn insert_plan(txn: &WriteTxn, model: recovery_plan::Model) -> Result<(), DbErr> {
    recovery_plan::Entity::insert(recovery_plan::ActiveModel::from(model)).exec_without_returning(&**txn).await?;
    Ok(())
}

/// Replaces a plan row if nobody saved since `version`; the caller sets the new version.
pub async fn update_plan(txn: &WriteTxn, model: recovery_plan::Model, version: i32) -> Result<(), WriteError> {
    let (org_id, id) = (model.org_id, model.id);
    let result = recovery_plan::Entity::update_many()
        .set(recovery_plan::ActiveModel::from(model).reset_all())
        .filter(recovery_plan::Column::OrgId.eq(org_id))
        .filter(recovery_plan::Column::Id.eq(id))
        .filter(recovery_plan::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    Ok(())
}

pub async fn insert_plan_save(txn: &WriteTxn, save: recovery_plan_save::Model) -> Result<(), DbErr> {
    recovery_plan_save::Entity::insert(recovery_plan_save::ActiveModel::from(save))
        .exec_without_returning(&**txn)
        .await?;
    Ok(())
}

/// The working copy as it was saved at `version` (what a late edit was based on).
pub async fn plan_save(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    plan_id: Uuid,
    version: i32,
) -> Result<Option<recovery_plan_save::Model>, DbErr> {
    recovery_plan_save::Entity::find_by_id((org_id, plan_id, version)).one(db).await
}

pub async fn insert_plan_version(txn: &WriteTxn, v: recovery_plan_version::Model) -> Result<(), WriteError> {
    recovery_plan_version::Entity::insert(recovery_plan_version::ActiveModel::from(v))
        .exec_without_returning(&**txn)
        .await
        .map_err(|e| match WriteError::from_db(e, "number") {
            WriteError::Duplicate { .. } => WriteError::Conflict,
            other => other,
        })?;
    Ok(())
}

/// Agreed versions of a plan, oldest first.
pub async fn plan_versions(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    plan_id: Uuid,
) -> Result<Vec<recovery_plan_version::Model>, DbErr> {
    recovery_plan_version::Entity::find()
        .filter(recovery_plan_version::Column::OrgId.eq(org_id))
        .filter(recovery_plan_version::Column::PlanId.eq(plan_id))
        .order_by_asc(recovery_plan_version::Column::Number)
        .all(db)
        .await
}

// ---------- contacts ----------

pub async fn insert_contact(txn: &WriteTxn, c: coaching_contact::Model) -> Result<(), DbErr> {
    coaching_contact::Entity::insert(coaching_contact::ActiveModel::from(c)).exec_without_returning(&**txn).await?;
    Ok(())
}

pub async fn contact(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<coaching_contact::Model>, DbErr> {
    coaching_contact::Entity::find()
        .filter(coaching_contact::Column::OrgId.eq(org_id))
        .filter(coaching_contact::Column::Id.eq(id))
        .one(db)
        .await
}

/// Rewrites a draft contact if nobody saved since `version`; signed notes never match.
pub async fn update_draft_contact(txn: &WriteTxn, c: coaching_contact::Model, version: i32) -> Result<(), WriteError> {
    let (org_id, id) = (c.org_id, c.id);
    let result = coaching_contact::Entity::update_many()
        .set(coaching_contact::ActiveModel::from(c).reset_all())
        .filter(coaching_contact::Column::OrgId.eq(org_id))
        .filter(coaching_contact::Column::Id.eq(id))
        .filter(coaching_contact::Column::Version.eq(version))
        .filter(coaching_contact::Column::Status.eq("draft"))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    Ok(())
}

/// A person's contacts, newest first.
pub async fn contacts_for_person(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
    limit: u64,
) -> Result<Vec<coaching_contact::Model>, DbErr> {
    coaching_contact::Entity::find()
        .filter(coaching_contact::Column::OrgId.eq(org_id))
        .filter(coaching_contact::Column::PersonId.eq(person_id))
        .order_by_desc(coaching_contact::Column::OccurredAt)
        .limit(limit)
        .all(db)
        .await
}

/// The latest contact time for a person (a back-dated entry must not move it backwards).
pub async fn last_contact_at(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Option<OffsetDateTime>, DbErr> {
    coaching_contact::Entity::find()
        .select_only()
        .column(coaching_contact::Column::OccurredAt)
        .filter(coaching_contact::Column::OrgId.eq(org_id))
        .filter(coaching_contact::Column::PersonId.eq(person_id))
        .order_by_desc(coaching_contact::Column::OccurredAt)
        .limit(1)
        .into_tuple::<OffsetDateTime>()
        .one(db)
        .await
}

/// Unsigned notes written by these workers, oldest first.
pub async fn draft_contacts(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    workers: &[Uuid],
) -> Result<Vec<coaching_contact::Model>, DbErr> {
    coaching_contact::Entity::find()
        .filter(coaching_contact::Column::OrgId.eq(org_id))
        .filter(coaching_contact::Column::WorkerId.is_in(workers.to_vec()))
        .filter(coaching_contact::Column::Status.eq("draft"))
        .order_by_asc(coaching_contact::Column::OccurredAt)
        .limit(200)
        .all(db)
        .await
}

/// Notes (signed or draft) with guardrail warnings by these workers since `since`, newest first.
pub async fn warned_contacts(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    workers: &[Uuid],
    since: OffsetDateTime,
) -> Result<Vec<coaching_contact::Model>, DbErr> {
    coaching_contact::Entity::find()
        .filter(coaching_contact::Column::OrgId.eq(org_id))
        .filter(coaching_contact::Column::WorkerId.is_in(workers.to_vec()))
        .filter(coaching_contact::Column::OccurredAt.gte(since))
        .filter(coaching_contact::Column::Warnings.is_not_null())
        .order_by_desc(coaching_contact::Column::OccurredAt)
        .limit(200)
        .all(db)
        .await
}

pub async fn insert_addendum(txn: &WriteTxn, a: contact_addendum::Model) -> Result<(), DbErr> {
    contact_addendum::Entity::insert(contact_addendum::ActiveModel::from(a)).exec_without_returning(&**txn).await?;
    Ok(())
}

pub async fn addenda(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    contact_ids: Vec<Uuid>,
) -> Result<Vec<contact_addendum::Model>, DbErr> {
    if contact_ids.is_empty() {
        return Ok(Vec::new());
    }
    contact_addendum::Entity::find()
        .filter(contact_addendum::Column::OrgId.eq(org_id))
        .filter(contact_addendum::Column::ContactId.is_in(contact_ids))
        .order_by_asc(contact_addendum::Column::WrittenAt)
        .all(db)
        .await
}

// ---------- lapses ----------

pub async fn insert_lapse(txn: &WriteTxn, l: lapse::Model) -> Result<(), DbErr> {
    lapse::Entity::insert(lapse::ActiveModel::from(l)).exec_without_returning(&**txn).await?;
    Ok(())
}

pub async fn lapse(db: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> Result<Option<lapse::Model>, DbErr> {
    lapse::Entity::find().filter(lapse::Column::OrgId.eq(org_id)).filter(lapse::Column::Id.eq(id)).one(db).await
}

pub async fn lapses(db: &impl ConnectionTrait, org_id: Uuid, person_id: Uuid) -> Result<Vec<lapse::Model>, DbErr> {
    lapse::Entity::find()
        .filter(lapse::Column::OrgId.eq(org_id))
        .filter(lapse::Column::PersonId.eq(person_id))
        .order_by_desc(lapse::Column::LapseOn)
        .all(db)
        .await
}

/// Marks a lapse re-engaged by a contact (only once).
pub async fn mark_reengaged(
    txn: &WriteTxn,
    org_id: Uuid,
    lapse_id: Uuid,
    contact_id: Uuid,
    at: OffsetDateTime,
    days: i32,
) -> Result<(), WriteError> {
    let result = lapse::Entity::update_many()
        .col_expr(lapse::Column::ReengagedContactId, Expr::value(contact_id))
        .col_expr(lapse::Column::ReengagedAt, Expr::value(at))
        .col_expr(lapse::Column::DaysToReengage, Expr::value(days))
        .col_expr(lapse::Column::UpdatedAt, Expr::value(at))
        .col_expr(lapse::Column::Version, Expr::col(lapse::Column::Version).add(1))
        .filter(lapse::Column::OrgId.eq(org_id))
        .filter(lapse::Column::Id.eq(lapse_id))
        .filter(lapse::Column::ReengagedContactId.is_null())
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    Ok(())
}

/// Days to re-engagement for lapses re-engaged between two dates (for the outcome figures).
pub async fn reengagement_days(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    from: Date,
    to: Date,
) -> Result<Vec<i32>, DbErr> {
    lapse::Entity::find()
        .select_only()
        .column(lapse::Column::DaysToReengage)
        .filter(lapse::Column::OrgId.eq(org_id))
        .filter(lapse::Column::LapseOn.gte(from))
        .filter(lapse::Column::LapseOn.lte(to))
        .filter(lapse::Column::DaysToReengage.is_not_null())
        .into_tuple::<i32>()
        .all(db)
        .await
}

// ---------- mutual aid and natural supports ----------

pub async fn mutual_aid(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<mutual_aid_connection::Model>, DbErr> {
    mutual_aid_connection::Entity::find()
        .filter(mutual_aid_connection::Column::OrgId.eq(org_id))
        .filter(mutual_aid_connection::Column::PersonId.eq(person_id))
        .order_by_desc(mutual_aid_connection::Column::ConnectedOn)
        .all(db)
        .await
}

pub async fn mutual_aid_one(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<mutual_aid_connection::Model>, DbErr> {
    mutual_aid_connection::Entity::find()
        .filter(mutual_aid_connection::Column::OrgId.eq(org_id))
        .filter(mutual_aid_connection::Column::Id.eq(id))
        .one(db)
        .await
}

/// Inserts (version 0 → 1) or updates when nobody saved since `version`.
pub async fn save_mutual_aid(
    txn: &WriteTxn,
    mut m: mutual_aid_connection::Model,
    version: i32,
) -> Result<(), WriteError> {
    m.version = version + 1;
    let (org_id, id) = (m.org_id, m.id);
    if version == 0 {
        mutual_aid_connection::Entity::insert(mutual_aid_connection::ActiveModel::from(m))
            .exec_without_returning(&**txn)
            .await?;
        return Ok(());
    }
    let result = mutual_aid_connection::Entity::update_many()
        .set(mutual_aid_connection::ActiveModel::from(m).reset_all())
        .filter(mutual_aid_connection::Column::OrgId.eq(org_id))
        .filter(mutual_aid_connection::Column::Id.eq(id))
        .filter(mutual_aid_connection::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    Ok(())
}

pub async fn supports(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<natural_support::Model>, DbErr> {
    natural_support::Entity::find()
        .filter(natural_support::Column::OrgId.eq(org_id))
        .filter(natural_support::Column::PersonId.eq(person_id))
        .order_by_desc(natural_support::Column::Active)
        .order_by_asc(natural_support::Column::Name)
        .all(db)
        .await
}

pub async fn support(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<natural_support::Model>, DbErr> {
    natural_support::Entity::find()
        .filter(natural_support::Column::OrgId.eq(org_id))
        .filter(natural_support::Column::Id.eq(id))
        .one(db)
        .await
}

pub async fn save_support(txn: &WriteTxn, mut s: natural_support::Model, version: i32) -> Result<(), WriteError> {
    s.version = version + 1;
    let (org_id, id) = (s.org_id, s.id);
    if version == 0 {
        natural_support::Entity::insert(natural_support::ActiveModel::from(s)).exec_without_returning(&**txn).await?;
        return Ok(());
    }
    let result = natural_support::Entity::update_many()
        .set(natural_support::ActiveModel::from(s).reset_all())
        .filter(natural_support::Column::OrgId.eq(org_id))
        .filter(natural_support::Column::Id.eq(id))
        .filter(natural_support::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    Ok(())
}

// ---------- caseload ----------

pub async fn insert_transfer(txn: &WriteTxn, t: caseload_transfer::Model) -> Result<(), DbErr> {
    caseload_transfer::Entity::insert(caseload_transfer::ActiveModel::from(t)).exec_without_returning(&**txn).await?;
    Ok(())
}

pub async fn transfers(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<caseload_transfer::Model>, DbErr> {
    caseload_transfer::Entity::find()
        .filter(caseload_transfer::Column::OrgId.eq(org_id))
        .filter(caseload_transfer::Column::PersonId.eq(person_id))
        .order_by_desc(caseload_transfer::Column::TransferredAt)
        .all(db)
        .await
}

/// One person on a worker's caseload with what the worklist needs to know.
#[derive(Clone, Debug, FromQueryResult)]
pub struct CaseloadRow {
    pub person_id: Uuid,
    pub worker_id: Uuid,
    pub program_id: Uuid,
    pub started_on: Date,
    pub record_number: i64,
    pub legal_given_name: String,
    pub legal_family_name: String,
    pub preferred_name: Option<String>,
    pub frequency: Option<String>,
    pub monitoring_raised: Option<bool>,
    pub last_contact_at: Option<OffsetDateTime>,
    pub contact_due_on: Option<Date>,
    pub plan_status: Option<String>,
    pub plan_review_due_on: Option<Date>,
    pub open_lapse_on: Option<Date>,
    pub safety_flags: Option<String>,
}

impl CaseloadRow {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.preferred_name.as_deref().unwrap_or(&self.legal_given_name), self.legal_family_name)
    }
}

/// Everyone with an open enrolment held by one of `workers`: one slim query for the caseload,
/// the worklist and the supervisor's counts.
pub async fn caseload(db: &Db, org_id: Uuid, workers: &[Uuid]) -> Result<Vec<CaseloadRow>, DbErr> {
    if workers.is_empty() {
        return Ok(Vec::new());
    }
    let (e, p, s, f) = (Alias::new("e"), Alias::new("p"), Alias::new("s"), Alias::new("f"));
    let q = Query::select()
        .expr_as(Expr::col((e.clone(), enrolment::Column::PersonId)), Alias::new("person_id"))
        .expr_as(Expr::col((e.clone(), enrolment::Column::WorkerId)), Alias::new("worker_id"))
        .expr_as(Expr::col((e.clone(), enrolment::Column::ProgramId)), Alias::new("program_id"))
        .expr_as(Expr::col((e.clone(), enrolment::Column::StartedOn)), Alias::new("started_on"))
        .column((p.clone(), person::Column::RecordNumber))
        .column((p.clone(), person::Column::LegalGivenName))
        .column((p.clone(), person::Column::LegalFamilyName))
        .column((p.clone(), person::Column::PreferredName))
        .column((s.clone(), coaching_status::Column::Frequency))
        .column((s.clone(), coaching_status::Column::MonitoringRaised))
        .column((s.clone(), coaching_status::Column::LastContactAt))
        .column((s.clone(), coaching_status::Column::ContactDueOn))
        .column((s.clone(), coaching_status::Column::PlanStatus))
        .column((s.clone(), coaching_status::Column::PlanReviewDueOn))
        .column((s.clone(), coaching_status::Column::OpenLapseOn))
        .expr_as(Expr::col((f.clone(), person_safety::Column::Flags)), Alias::new("safety_flags"))
        .from_as(enrolment::Entity, e.clone())
        .join_as(
            sea_orm::JoinType::InnerJoin,
            person::Entity,
            p.clone(),
            Expr::col((p.clone(), person::Column::Id))
                .equals((e.clone(), enrolment::Column::PersonId))
                .and(Expr::col((p.clone(), person::Column::OrgId)).equals((e.clone(), enrolment::Column::OrgId))),
        )
        .join_as(
            sea_orm::JoinType::LeftJoin,
            coaching_status::Entity,
            s.clone(),
            Expr::col((s.clone(), coaching_status::Column::PersonId))
                .equals((e.clone(), enrolment::Column::PersonId))
                .and(
                    Expr::col((s.clone(), coaching_status::Column::OrgId))
                        .equals((e.clone(), enrolment::Column::OrgId)),
                ),
        )
        .join_as(
            sea_orm::JoinType::LeftJoin,
            person_safety::Entity,
            f.clone(),
            Expr::col((f.clone(), person_safety::Column::PersonId))
                .equals((e.clone(), enrolment::Column::PersonId))
                .and(
                    Expr::col((f.clone(), person_safety::Column::OrgId)).equals((e.clone(), enrolment::Column::OrgId)),
                ),
        )
        .and_where(Expr::col((e.clone(), enrolment::Column::OrgId)).eq(org_id))
        .and_where(Expr::col((e.clone(), enrolment::Column::WorkerId)).is_in(workers.iter().copied()))
        .and_where(Expr::col((e.clone(), enrolment::Column::EndedOn)).is_null())
        .to_owned();
    let rows = db.conn().query_all_raw(db.backend().build(&q)).await?;
    let mut out: Vec<CaseloadRow> = Vec::with_capacity(rows.len());
    for row in rows {
        let r = CaseloadRow::from_query_result(&row, "")?;
        // One row per person and worker, even when enrolled in two programs.
        if !out.iter().any(|o| o.person_id == r.person_id && o.worker_id == r.worker_id) {
            out.push(r);
        }
    }
    Ok(out)
}

/// Puts an enrolment on another worker's caseload.
pub async fn set_enrolment_worker(
    txn: &WriteTxn,
    org_id: Uuid,
    enrolment_id: Uuid,
    worker_id: Uuid,
) -> Result<(), WriteError> {
    let result = enrolment::Entity::update_many()
        .col_expr(enrolment::Column::WorkerId, Expr::value(worker_id))
        .filter(enrolment::Column::OrgId.eq(org_id))
        .filter(enrolment::Column::Id.eq(enrolment_id))
        .filter(enrolment::Column::EndedOn.is_null())
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::NotFound);
    }
    Ok(())
}

/// Fills a status row for a person who has none yet.
pub fn new_status(org_id: Uuid, person_id: Uuid, now: OffsetDateTime) -> coaching_status::Model {
    coaching_status::Model {
        org_id,
        person_id,
        stage: None,
        frequency: "monthly".into(),
        monitoring_raised: false,
        reason: None,
        last_contact_at: None,
        contact_due_on: None,
        plan_id: None,
        plan_status: None,
        plan_review_due_on: None,
        open_lapse_on: None,
        open_lapse_id: None,
        version: 0,
        updated_at: now,
        updated_by: None,
    }
}

/// Sets plan columns on a status (used by plan writes).
pub fn with_plan(mut s: coaching_status::Model, plan: &recovery_plan::Model) -> coaching_status::Model {
    if plan.status == PlanStatus::Closed.code() {
        s.plan_id = None;
        s.plan_status = None;
        s.plan_review_due_on = None;
    } else {
        s.plan_id = Some(plan.id);
        s.plan_status = Some(plan.status.clone());
        s.plan_review_due_on = plan.review_due_on;
    }
    s
}
