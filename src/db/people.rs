//! People (participants), their household members and their enrolments.

use super::entities::{enrolment, household_member, organisation, person, person_search_term};
use super::{Db, Page, PageRequest, WriteError, WriteTxn};
use crate::access::{Enrolment, PersonScope};
use crate::domain::person::{ValidHouseholdMember, ValidPerson};
use crate::domain::search::name_trigrams;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A condition limiting `people` to what the scope allows, or None for everyone.
pub fn scope_condition(org_id: Uuid, scope: &PersonScope) -> Option<Condition> {
    person_column_in_scope(org_id, scope, person::Column::Id)
}

/// The same limit applied to any table's person column (screens, plans, crisis events).
pub fn person_column_in_scope<C: ColumnTrait>(org_id: Uuid, scope: &PersonScope, column: C) -> Option<Condition> {
    match scope {
        PersonScope::Everyone => None,
        PersonScope::Nobody => Some(Condition::all().add(Expr::val(1).eq(0))),
        PersonScope::Enrolled { workers, programs } => {
            let mut reach = Condition::any().add(enrolment::Column::WorkerId.is_in(workers.clone()));
            if !programs.is_empty() {
                reach = reach.add(enrolment::Column::ProgramId.is_in(programs.clone()));
            }
            let subquery = Query::select()
                .column(enrolment::Column::PersonId)
                .from(enrolment::Entity)
                .and_where(enrolment::Column::OrgId.eq(org_id))
                .cond_where(reach)
                .to_owned();
            Some(Condition::all().add(column.in_subquery(subquery)))
        }
    }
}

fn scoped(org_id: Uuid, scope: &PersonScope) -> sea_orm::Select<person::Entity> {
    let query = person::Entity::find().filter(person::Column::OrgId.eq(org_id));
    match scope_condition(org_id, scope) {
        Some(condition) => query.filter(condition),
        None => query,
    }
}

pub async fn get(db: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> Result<Option<person::Model>, DbErr> {
    person::Entity::find_by_id(id).filter(person::Column::OrgId.eq(org_id)).one(db).await
}

/// Ids of the people in scope that also meet `condition` (a record number, an id).
async fn ids_in_scope(db: &Db, org_id: Uuid, scope: &PersonScope, condition: Condition) -> Result<Vec<Uuid>, DbErr> {
    scoped(org_id, scope).filter(condition).select_only().column(person::Column::Id).into_tuple().all(db.conn()).await
}

pub async fn by_record_number(db: &Db, org_id: Uuid, scope: &PersonScope, n: i64) -> Result<Vec<Uuid>, DbErr> {
    ids_in_scope(db, org_id, scope, Condition::all().add(person::Column::RecordNumber.eq(n))).await
}

pub async fn by_id_in_scope(db: &Db, org_id: Uuid, scope: &PersonScope, id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    ids_in_scope(db, org_id, scope, Condition::all().add(person::Column::Id.eq(id))).await
}

/// Whole records for `ids`, in the order given.
pub async fn in_order(db: &Db, org_id: Uuid, ids: &[Uuid]) -> Result<Vec<person::Model>, DbErr> {
    let mut people = by_ids(db, org_id, ids.to_vec()).await?;
    people.sort_by_key(|p| ids.iter().position(|id| *id == p.id));
    Ok(people)
}

/// What a list of people shows: name, record number, birth date, phone.
#[derive(Clone, Debug, sea_orm::FromQueryResult)]
pub struct PersonSummary {
    pub id: Uuid,
    pub record_number: i64,
    pub legal_given_name: String,
    pub legal_family_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: Option<time::Date>,
    pub phone: Option<String>,
}

const SUMMARY_COLUMNS: [person::Column; 7] = [
    person::Column::Id,
    person::Column::RecordNumber,
    person::Column::LegalGivenName,
    person::Column::LegalFamilyName,
    person::Column::PreferredName,
    person::Column::DateOfBirth,
    person::Column::Phone,
];

/// List rows for `ids`, in the order given (cheaper to read than whole records).
pub async fn summaries(db: &Db, org_id: Uuid, ids: &[Uuid]) -> Result<Vec<PersonSummary>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: Vec<PersonSummary> = person::Entity::find()
        .select_only()
        .columns(SUMMARY_COLUMNS)
        .filter(person::Column::OrgId.eq(org_id))
        .filter(person::Column::Id.is_in(ids.to_vec()))
        .into_model()
        .all(db.conn())
        .await?;
    rows.sort_by_key(|p| ids.iter().position(|id| *id == p.id));
    Ok(rows)
}

pub async fn by_ids(db: &Db, org_id: Uuid, ids: Vec<Uuid>) -> Result<Vec<person::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    person::Entity::find()
        .filter(person::Column::OrgId.eq(org_id))
        .filter(person::Column::Id.is_in(ids))
        .all(db.conn())
        .await
}

/// Ids of the people the scope allows, by family then given name, one page.
pub async fn list(db: &Db, org_id: Uuid, scope: &PersonScope, page: PageRequest) -> Result<Page<Uuid>, DbErr> {
    let page = page.clamp();
    let total = scoped(org_id, scope).count(db.conn()).await?;
    let items = scoped(org_id, scope)
        .order_by_asc(person::Column::LegalFamilyName)
        .order_by_asc(person::Column::LegalGivenName)
        .offset(page.offset())
        .limit(page.per_page)
        .select_only()
        .column(person::Column::Id)
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(Page { items, page: page.page, per_page: page.per_page, total })
}

/// The home page's figures: people in scope, how many lack an emergency contact or contact
/// preferences, and the most recently changed few — one query, the totals as window aggregates.
pub struct HomeOverview {
    pub total: u64,
    pub no_emergency: u64,
    pub no_preferences: u64,
    pub recent: Vec<PersonSummary>,
}

#[derive(sea_orm::FromQueryResult)]
struct OverviewRow {
    id: Uuid,
    record_number: i64,
    legal_given_name: String,
    legal_family_name: String,
    preferred_name: Option<String>,
    date_of_birth: Option<time::Date>,
    phone: Option<String>,
    total: i64,
    no_emergency: Option<i64>,
    no_preferences: Option<i64>,
}

pub async fn home_overview(db: &Db, org_id: Uuid, scope: &PersonScope, recent: u64) -> Result<HomeOverview, DbErr> {
    use person::Column as C;
    let rows: Vec<OverviewRow> = scoped(org_id, scope)
        .select_only()
        .columns(SUMMARY_COLUMNS)
        .column_as(Expr::cust("COUNT(*) OVER ()"), "total")
        .column_as(Expr::cust("SUM(CASE WHEN emergency_phone IS NULL THEN 1 ELSE 0 END) OVER ()"), "no_emergency")
        .column_as(
            Expr::cust("SUM(CASE WHEN voicemail_ok IS NULL AND text_ok IS NULL THEN 1 ELSE 0 END) OVER ()"),
            "no_preferences",
        )
        .order_by_desc(C::UpdatedAt)
        .limit(recent)
        .into_model()
        .all(db.conn())
        .await?;
    let count = |n: Option<i64>| n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
    let first = rows.first();
    Ok(HomeOverview {
        total: count(first.map(|r| r.total)),
        no_emergency: count(first.and_then(|r| r.no_emergency)),
        no_preferences: count(first.and_then(|r| r.no_preferences)),
        recent: rows
            .into_iter()
            .map(|r| PersonSummary {
                id: r.id,
                record_number: r.record_number,
                legal_given_name: r.legal_given_name,
                legal_family_name: r.legal_family_name,
                preferred_name: r.preferred_name,
                date_of_birth: r.date_of_birth,
                phone: r.phone,
            })
            .collect(),
    })
}

pub async fn count(db: &Db, org_id: Uuid, scope: &PersonScope) -> Result<u64, DbErr> {
    scoped(org_id, scope).count(db.conn()).await
}

/// Takes the organisation's next record number (the row update serialises concurrent creators).
async fn next_record_number(txn: &WriteTxn, org_id: Uuid) -> Result<i64, DbErr> {
    organisation::Entity::update_many()
        .col_expr(organisation::Column::NextRecordNumber, Expr::col(organisation::Column::NextRecordNumber).add(1))
        .filter(organisation::Column::Id.eq(org_id))
        .exec(&**txn)
        .await?;
    let org = organisation::Entity::find_by_id(org_id)
        .one(&**txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("organisation".into()))?;
    Ok(org.next_record_number - 1)
}

pub struct NewPerson<'a> {
    pub org_id: Uuid,
    pub person: &'a ValidPerson,
    /// None for someone known only through a request for service, not yet enrolled.
    pub program_id: Option<Uuid>,
    pub worker_id: Option<Uuid>,
    pub created_by: Uuid,
    pub started_on: Date,
}

pub async fn create(txn: &WriteTxn, new: NewPerson<'_>, now: OffsetDateTime) -> Result<person::Model, DbErr> {
    let id = Uuid::new_v4();
    let record_number = next_record_number(txn, new.org_id).await?;
    let mut model = active_model(new.person);
    model.id = Set(id);
    model.org_id = Set(new.org_id);
    model.record_number = Set(record_number);
    model.created_by = Set(Some(new.created_by));
    model.version = Set(1);
    model.created_at = Set(now);
    model.updated_at = Set(now);
    let created = person::Entity::insert(model).exec_with_returning(&**txn).await?;
    if let Some(program_id) = new.program_id {
        enrol(txn, new.org_id, id, program_id, new.worker_id, new.started_on, now).await?;
    }
    reindex(txn, &created).await?;
    Ok(created)
}

pub async fn enrol(
    txn: &WriteTxn,
    org_id: Uuid,
    person_id: Uuid,
    program_id: Uuid,
    worker_id: Option<Uuid>,
    started_on: Date,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    enrolment::Entity::insert(enrolment::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id),
        person_id: Set(person_id),
        program_id: Set(program_id),
        worker_id: Set(worker_id),
        started_on: Set(started_on),
        ended_on: Set(None),
        created_at: Set(now),
        discharge_reason: Set(None),
        discharge_note: Set(None),
        request_id: Set(None),
    })
    .exec_without_returning(&**txn)
    .await?;
    // A new enrolment moves the person into a program's outcome figures.
    crate::outcomes::stamp::bump(&**txn, org_id, now).await?;
    Ok(())
}

fn active_model(p: &ValidPerson) -> person::ActiveModel {
    person::ActiveModel {
        legal_given_name: Set(p.legal_given_name.clone()),
        legal_family_name: Set(p.legal_family_name.clone()),
        preferred_name: Set(p.preferred_name.clone()),
        pronouns: Set(p.pronouns.clone()),
        date_of_birth: Set(p.date_of_birth),
        phone: Set(p.phone.clone()),
        phone_digits: Set(p.phone_digits()),
        email: Set(p.email.clone()),
        address_line: Set(p.address_line.clone()),
        locality: Set(p.locality.clone()),
        region: Set(p.region.clone()),
        postal_code: Set(p.postal_code.clone()),
        preferred_contact: Set(p.preferred_contact.map(|c| c.code().to_string())),
        voicemail_ok: Set(p.voicemail_ok),
        text_ok: Set(p.text_ok),
        email_ok: Set(p.email_ok),
        contact_notes: Set(p.contact_notes.clone()),
        preferred_language: Set(p.preferred_language.clone()),
        interpreter_needed: Set(p.interpreter_needed),
        race_codes: Set(Some(p.race_codes.join(";")).filter(|s| !s.is_empty())),
        race_self_described: Set(p.race_self_described.clone()),
        ethnicity: Set(p.ethnicity.map(|e| e.code().to_string())),
        ethnicity_self_described: Set(p.ethnicity_self_described.clone()),
        gender: Set(p.gender.map(|g| g.code().to_string())),
        gender_self_described: Set(p.gender_self_described.clone()),
        emergency_name: Set(p.emergency_name.clone()),
        emergency_relationship: Set(p.emergency_relationship.clone()),
        emergency_phone: Set(p.emergency_phone.clone()),
        ..Default::default()
    }
}

/// Saves only if the record is still at `version`; otherwise the caller shows a conflict.
pub async fn update(
    txn: &WriteTxn,
    org_id: Uuid,
    id: Uuid,
    version: i32,
    p: &ValidPerson,
    now: OffsetDateTime,
) -> Result<person::Model, WriteError> {
    let mut model = active_model(p);
    model.version = Set(version + 1);
    model.updated_at = Set(now);
    let result = person::Entity::update_many()
        .set(model)
        .filter(person::Column::OrgId.eq(org_id))
        .filter(person::Column::Id.eq(id))
        .filter(person::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    let saved = get(&**txn, org_id, id).await?.ok_or(WriteError::NotFound)?;
    reindex(txn, &saved).await?;
    // Demographics split the outcome figures, so cached dashboards must see the change.
    crate::outcomes::stamp::bump(&**txn, org_id, now).await?;
    Ok(saved)
}

/// Search terms for a person: trigrams of every name (phone numbers are matched on their digits).
pub fn search_terms(p: &person::Model) -> Vec<String> {
    let names =
        format!("{} {} {}", p.legal_given_name, p.legal_family_name, p.preferred_name.as_deref().unwrap_or_default());
    name_trigrams(&names).into_iter().collect()
}

pub async fn reindex(txn: &WriteTxn, p: &person::Model) -> Result<(), DbErr> {
    person_search_term::Entity::delete_many()
        .filter(person_search_term::Column::OrgId.eq(p.org_id))
        .filter(person_search_term::Column::PersonId.eq(p.id))
        .exec(&**txn)
        .await?;
    let rows: Vec<_> = search_terms(p)
        .into_iter()
        .map(|term| person_search_term::ActiveModel { org_id: Set(p.org_id), term: Set(term), person_id: Set(p.id) })
        .collect();
    if !rows.is_empty() {
        person_search_term::Entity::insert_many(rows).exec_without_returning(&**txn).await?;
    }
    Ok(())
}

pub async fn enrolments(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<enrolment::Model>, DbErr> {
    enrolment::Entity::find()
        .filter(enrolment::Column::OrgId.eq(org_id))
        .filter(enrolment::Column::PersonId.eq(person_id))
        .order_by_desc(enrolment::Column::StartedOn)
        .all(db)
        .await
}

pub fn access_links(enrolments: &[enrolment::Model]) -> Vec<Enrolment> {
    enrolments.iter().map(|e| Enrolment { program_id: e.program_id, worker_id: e.worker_id }).collect()
}

pub async fn household(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<household_member::Model>, DbErr> {
    household_member::Entity::find()
        .filter(household_member::Column::OrgId.eq(org_id))
        .filter(household_member::Column::PersonId.eq(person_id))
        .order_by_asc(household_member::Column::CreatedAt)
        .all(db)
        .await
}

pub async fn add_household_member(
    txn: &WriteTxn,
    org_id: Uuid,
    person_id: Uuid,
    m: &ValidHouseholdMember,
    now: OffsetDateTime,
) -> Result<household_member::Model, DbErr> {
    household_member::Entity::insert(household_member::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id),
        person_id: Set(person_id),
        name: Set(m.name.clone()),
        relationship: Set(m.relationship.clone()),
        date_of_birth: Set(m.date_of_birth),
        phone: Set(m.phone.clone()),
        takes_part: Set(m.takes_part),
        created_at: Set(now),
    })
    .exec_with_returning(&**txn)
    .await
}

pub async fn remove_household_member(
    txn: &WriteTxn,
    org_id: Uuid,
    person_id: Uuid,
    member_id: Uuid,
) -> Result<bool, DbErr> {
    let result = household_member::Entity::delete_many()
        .filter(household_member::Column::OrgId.eq(org_id))
        .filter(household_member::Column::PersonId.eq(person_id))
        .filter(household_member::Column::Id.eq(member_id))
        .exec(&**txn)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Marks the record as changed (household members are separate rows, so no version bump).
pub async fn touch(txn: &WriteTxn, org_id: Uuid, person_id: Uuid, now: OffsetDateTime) -> Result<(), DbErr> {
    person::Entity::update_many()
        .col_expr(person::Column::UpdatedAt, Expr::value(now))
        .filter(person::Column::OrgId.eq(org_id))
        .filter(person::Column::Id.eq(person_id))
        .exec(&**txn)
        .await?;
    Ok(())
}
