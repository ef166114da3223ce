//! Intake storage: program intake settings, requests for service, waiting lists, risk screens
//! and responses, safety plans, the 4.03 checklist, crisis procedure revisions and crisis events.

use super::entities::{
    crisis_event, crisis_procedure, enrolment, person, person_safety, program_intake_setting, risk_response,
    risk_screen, safety_plan, service_request, waitlist_checkin, waitlist_entry,
};
use super::{Db, Page, PageRequest, WriteError, WriteTxn};
use crate::access::{PersonScope, RequestScope};
use crate::domain::codes::RequestStatus;
use crate::domain::intake::{IntakeTargets, ValidProgramIntake};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

// ---------- program intake settings ----------

/// A program's settings, or the defaults when none were saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramIntake {
    pub program_id: Uuid,
    pub population_statement: Option<String>,
    pub prsc_population: bool,
    pub targets: IntakeTargets,
    pub capacity: Option<i32>,
    pub checkin_days: i32,
    /// Days between plan reviews (at most 90).
    pub plan_review_days: i32,
    pub screen_everyone: bool,
    /// 0 when never saved.
    pub version: i32,
}

impl ProgramIntake {
    pub fn defaults(program_id: Uuid) -> ProgramIntake {
        ProgramIntake {
            program_id,
            population_statement: None,
            prsc_population: false,
            targets: IntakeTargets::default(),
            capacity: None,
            checkin_days: 14,
            plan_review_days: 90,
            screen_everyone: false,
            version: 0,
        }
    }

    /// Whether screening must record fit with a stated population.
    pub fn states_population(&self) -> bool {
        self.prsc_population || self.population_statement.is_some()
    }
}

impl From<program_intake_setting::Model> for ProgramIntake {
    fn from(m: program_intake_setting::Model) -> Self {
        ProgramIntake {
            program_id: m.program_id,
            population_statement: m.population_statement,
            prsc_population: m.prsc_population,
            targets: IntakeTargets {
                emergency_days: m.target_emergency_days,
                urgent_days: m.target_urgent_days,
                routine_days: m.target_routine_days,
            },
            capacity: m.capacity,
            checkin_days: m.checkin_days,
            plan_review_days: m.plan_review_days,
            screen_everyone: m.screen_everyone,
            version: m.version,
        }
    }
}

/// Every program's settings, keyed by program (programs without a row get defaults on lookup).
pub async fn all_settings(db: &impl ConnectionTrait, org_id: Uuid) -> Result<HashMap<Uuid, ProgramIntake>, DbErr> {
    let rows =
        program_intake_setting::Entity::find().filter(program_intake_setting::Column::OrgId.eq(org_id)).all(db).await?;
    Ok(rows.into_iter().map(|m| (m.program_id, ProgramIntake::from(m))).collect())
}

pub fn settings_of(all: &HashMap<Uuid, ProgramIntake>, program_id: Uuid) -> ProgramIntake {
    all.get(&program_id).cloned().unwrap_or_else(|| ProgramIntake::defaults(program_id))
}

pub async fn settings(db: &impl ConnectionTrait, org_id: Uuid, program_id: Uuid) -> Result<ProgramIntake, DbErr> {
    let row = program_intake_setting::Entity::find()
        .filter(program_intake_setting::Column::OrgId.eq(org_id))
        .filter(program_intake_setting::Column::ProgramId.eq(program_id))
        .one(db)
        .await?;
    Ok(row.map(ProgramIntake::from).unwrap_or_else(|| ProgramIntake::defaults(program_id)))
}

/// Saves settings edited from `version` (0 = never saved); a conflict if someone saved first.
pub async fn save_settings(
    txn: &WriteTxn,
    org_id: Uuid,
    program_id: Uuid,
    version: i32,
    s: &ValidProgramIntake,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let model = program_intake_setting::ActiveModel {
        org_id: Set(org_id),
        program_id: Set(program_id),
        population_statement: Set(s.population_statement.clone()),
        prsc_population: Set(s.prsc_population),
        target_emergency_days: Set(s.targets.emergency_days),
        target_urgent_days: Set(s.targets.urgent_days),
        target_routine_days: Set(s.targets.routine_days),
        capacity: Set(s.capacity),
        checkin_days: Set(s.checkin_days),
        plan_review_days: Set(s.plan_review_days),
        screen_everyone: Set(s.screen_everyone),
        version: Set(version + 1),
        updated_at: Set(now),
    };
    if version == 0 {
        return program_intake_setting::Entity::insert(model).exec_without_returning(&**txn).await.map(|_| ()).map_err(
            |e| match WriteError::from_db(e, "program_id") {
                WriteError::Duplicate { .. } => WriteError::Conflict,
                other => other,
            },
        );
    }
    let result = program_intake_setting::Entity::update_many()
        .set(model)
        .filter(program_intake_setting::Column::OrgId.eq(org_id))
        .filter(program_intake_setting::Column::ProgramId.eq(program_id))
        .filter(program_intake_setting::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    Ok(())
}

// ---------- requests for service ----------

/// A condition limiting `service_requests` to the scope, or None for everyone.
pub fn request_condition(scope: &RequestScope) -> Option<Condition> {
    use service_request::Column as C;
    match scope {
        RequestScope::Everyone => None,
        RequestScope::Nobody => Some(Condition::all().add(Expr::val(1).eq(0))),
        RequestScope::Team { workers, programs } => {
            let mut any = Condition::any().add(C::AssignedTo.is_in(workers.clone())).add(C::ProgramId.is_null());
            if !programs.is_empty() {
                any = any.add(C::ProgramId.is_in(programs.clone()));
            }
            Some(any)
        }
    }
}

fn scoped_requests(org_id: Uuid, scope: &RequestScope) -> sea_orm::Select<service_request::Entity> {
    let query = service_request::Entity::find().filter(service_request::Column::OrgId.eq(org_id));
    match request_condition(scope) {
        Some(c) => query.filter(c),
        None => query,
    }
}

pub const OPEN_STATUSES: [RequestStatus; 2] = [RequestStatus::New, RequestStatus::Screened];

fn codes(statuses: &[RequestStatus]) -> Vec<String> {
    statuses.iter().map(|s| s.code().to_string()).collect()
}

pub async fn insert_request(
    txn: &WriteTxn,
    model: service_request::ActiveModel,
) -> Result<service_request::Model, DbErr> {
    service_request::Entity::insert(model).exec_with_returning(&**txn).await
}

pub async fn request(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<service_request::Model>, DbErr> {
    service_request::Entity::find_by_id(id).filter(service_request::Column::OrgId.eq(org_id)).one(db).await
}

/// Saves changes made against `version`; a conflict if someone saved the request first.
pub async fn update_request(
    txn: &WriteTxn,
    org_id: Uuid,
    id: Uuid,
    version: i32,
    mut changes: service_request::ActiveModel,
    now: OffsetDateTime,
) -> Result<service_request::Model, WriteError> {
    changes.version = Set(version + 1);
    changes.updated_at = Set(now);
    let result = service_request::Entity::update_many()
        .set(changes)
        .filter(service_request::Column::OrgId.eq(org_id))
        .filter(service_request::Column::Id.eq(id))
        .filter(service_request::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    request(&**txn, org_id, id).await?.ok_or(WriteError::NotFound)
}

/// What lists of requests show (the queue, the waiting list): a few columns, cheap to read.
#[derive(Clone, Debug, sea_orm::FromQueryResult)]
pub struct QueueRow {
    pub id: Uuid,
    pub person_id: Option<Uuid>,
    pub anonymous: bool,
    pub source: String,
    pub received_at: OffsetDateTime,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub asked_for: String,
    pub program_id: Option<Uuid>,
    pub assigned_to: Option<Uuid>,
    pub status: String,
    pub urgency: Option<String>,
    pub version: i32,
}

const QUEUE_COLUMNS: [service_request::Column; 13] = [
    service_request::Column::Id,
    service_request::Column::PersonId,
    service_request::Column::Anonymous,
    service_request::Column::Source,
    service_request::Column::ReceivedAt,
    service_request::Column::GivenName,
    service_request::Column::FamilyName,
    service_request::Column::AskedFor,
    service_request::Column::ProgramId,
    service_request::Column::AssignedTo,
    service_request::Column::Status,
    service_request::Column::Urgency,
    service_request::Column::Version,
];

/// What the intake queue lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub assigned_to: Option<Uuid>,
    pub only_new: bool,
    /// A short preview (the home page) needs no total.
    pub skip_total: bool,
}

/// Open requests in scope, most urgent first and then longest waiting, one page.
pub async fn queue(
    db: &Db,
    org_id: Uuid,
    scope: &RequestScope,
    filter: QueueFilter,
    page: PageRequest,
) -> Result<Page<QueueRow>, DbErr> {
    use service_request::Column as C;
    let page = page.clamp();
    let statuses = if filter.only_new { vec![RequestStatus::New] } else { OPEN_STATUSES.to_vec() };
    let mut query = scoped_requests(org_id, scope).filter(C::Status.is_in(codes(&statuses)));
    if let Some(worker) = filter.assigned_to {
        query = query.filter(C::AssignedTo.eq(worker));
    }
    let total = if filter.skip_total { 0 } else { query.clone().count(db.conn()).await? };
    let items = query
        .order_by_asc(C::UrgencyRank)
        .order_by_asc(C::ReceivedAt)
        .offset(page.offset())
        .limit(page.per_page)
        .select_only()
        .columns(QUEUE_COLUMNS)
        .into_model()
        .all(db.conn())
        .await?;
    Ok(Page { items, page: page.page, per_page: page.per_page, total })
}

/// How many open requests in scope meet each of two conditions, in one pass (the home page's
/// counts).
pub async fn count_open_both(
    db: &Db,
    org_id: Uuid,
    scope: &RequestScope,
    first: Condition,
    second: Condition,
) -> Result<(u64, u64), DbErr> {
    use sea_orm::sea_query::CaseStatement;
    let sum = |c: Condition| Expr::expr(CaseStatement::new().case(c, Expr::val(1)).finally(Expr::val(0))).sum();
    let row: Option<(Option<i64>, Option<i64>)> = scoped_requests(org_id, scope)
        .filter(service_request::Column::Status.is_in(codes(&OPEN_STATUSES)))
        .select_only()
        .column_as(sum(first), "first")
        .column_as(sum(second), "second")
        .into_tuple()
        .one(db.conn())
        .await?;
    let count = |n: Option<i64>| n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
    Ok(row.map(|(a, b)| (count(a), count(b))).unwrap_or((0, 0)))
}

/// An active entry's 1-based place in its program's list (priority, then time placed).
pub async fn place_of(db: &Db, entry: &waitlist_entry::Model) -> Result<u64, DbErr> {
    use waitlist_entry::Column as C;
    let ahead =
        waitlist_entry::Entity::find()
            .filter(C::OrgId.eq(entry.org_id))
            .filter(C::RemovedAt.is_null())
            .filter(C::ProgramId.eq(entry.program_id))
            .filter(Condition::any().add(C::PriorityRank.lt(entry.priority_rank)).add(
                Condition::all().add(C::PriorityRank.eq(entry.priority_rank)).add(C::PlacedAt.lt(entry.placed_at)),
            ))
            .count(db.conn())
            .await?;
    Ok(ahead + 1)
}

/// One row of a waiting-list page: the entry, its request, the person's name, and the place.
pub struct WaitingRow {
    pub entry: waitlist_entry::Model,
    pub request: QueueRow,
    pub person_name: Option<String>,
    pub place: i64,
}

/// One page of the waiting list in scope, in list order, and how many entries the scope holds.
/// Places are numbered over everyone waiting inside the database, and the page's rows come back
/// with their request and name in the same statement.
pub async fn waiting_page(
    db: &Db,
    org_id: Uuid,
    program_id: Option<Uuid>,
    scope: &RequestScope,
    page_request: PageRequest,
) -> Result<(Vec<WaitingRow>, u64), DbErr> {
    let page_request = page_request.clamp();
    use sea_orm::sea_query::{Alias, Query as Sql};
    use sea_orm::{FromQueryResult, IdenStatic, Iterable};
    use waitlist_entry::Column as C;
    let mut numbered = Sql::select();
    numbered
        .column(C::Id)
        .expr_as(Expr::col(C::ProgramId), Alias::new("list_program"))
        .expr_as(Expr::col(C::AssignedTo), Alias::new("assignee"))
        .expr_as(
            Expr::cust("ROW_NUMBER() OVER (PARTITION BY program_id ORDER BY priority_rank, placed_at)"),
            Alias::new("place"),
        )
        .from(waitlist_entry::Entity)
        .and_where(C::OrgId.eq(org_id))
        .and_where(C::RemovedAt.is_null());
    if let Some(p) = program_id {
        numbered.and_where(C::ProgramId.eq(p));
    }
    let mut page = Sql::select();
    page.expr_as(Expr::col(Alias::new("id")), Alias::new("page_id"))
        .column(Alias::new("list_program"))
        .column(Alias::new("place"))
        .expr_as(Expr::cust("COUNT(*) OVER ()"), Alias::new("total"))
        .from_subquery(numbered, Alias::new("w"))
        .order_by(Alias::new("list_program"), sea_orm::Order::Asc)
        .order_by(Alias::new("place"), sea_orm::Order::Asc)
        .offset(page_request.offset())
        .limit(page_request.per_page);
    match scope {
        RequestScope::Everyone => {}
        RequestScope::Nobody => {
            page.and_where(Expr::val(1).eq(0));
        }
        RequestScope::Team { workers, programs } => {
            let mut any = Condition::any().add(Expr::col(Alias::new("assignee")).is_in(workers.clone()));
            if !programs.is_empty() {
                any = any.add(Expr::col(Alias::new("list_program")).is_in(programs.clone()));
            }
            page.cond_where(any);
        }
    }
    let (p, e, r) = (Alias::new("p"), Alias::new("e"), Alias::new("r"));
    let mut rows = Sql::select();
    rows.column((p.clone(), Alias::new("place"))).column((p.clone(), Alias::new("total")));
    for column in waitlist_entry::Column::iter() {
        rows.expr_as(Expr::col((e.clone(), column)), Alias::new(format!("e_{}", column.as_str())));
    }
    for column in QUEUE_COLUMNS {
        rows.expr_as(Expr::col((r.clone(), column)), Alias::new(format!("r_{}", column.as_str())));
    }
    rows.column((person::Entity, person::Column::LegalGivenName))
        .column((person::Entity, person::Column::LegalFamilyName))
        .column((person::Entity, person::Column::PreferredName))
        .from_subquery(page, p.clone())
        .join_as(
            sea_orm::JoinType::InnerJoin,
            waitlist_entry::Entity,
            e.clone(),
            Expr::col((e.clone(), C::Id)).equals((p.clone(), Alias::new("page_id"))),
        )
        .join_as(
            sea_orm::JoinType::InnerJoin,
            service_request::Entity,
            r.clone(),
            Expr::col((r.clone(), service_request::Column::Id)).equals((e.clone(), C::RequestId)),
        )
        .join(
            sea_orm::JoinType::LeftJoin,
            person::Entity,
            Expr::col((person::Entity, person::Column::Id)).equals((e.clone(), C::PersonId)),
        )
        .order_by((p.clone(), Alias::new("list_program")), sea_orm::Order::Asc)
        .order_by((p, Alias::new("place")), sea_orm::Order::Asc);
    let raw = db.conn().query_all_raw(db.backend().build(&rows)).await?;
    let mut total = 0;
    let mut out = Vec::with_capacity(raw.len());
    for row in raw {
        total = row.try_get::<i64>("", "total")?;
        let given: Option<String> = row.try_get("", "legal_given_name")?;
        let family: Option<String> = row.try_get("", "legal_family_name")?;
        let preferred: Option<String> = row.try_get("", "preferred_name")?;
        out.push(WaitingRow {
            entry: waitlist_entry::Model::from_query_result(&row, "e_")?,
            request: QueueRow::from_query_result(&row, "r_")?,
            person_name: match (preferred.or(given), family) {
                (Some(g), Some(f)) => Some(format!("{g} {f}")),
                _ => None,
            },
            place: row.try_get::<i64>("", "place")?,
        });
    }
    Ok((out, u64::try_from(total).unwrap_or(0)))
}

pub async fn waitlist_entries_by_ids(
    db: &Db,
    org_id: Uuid,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, waitlist_entry::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::OrgId.eq(org_id))
        .filter(waitlist_entry::Column::Id.is_in(ids))
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().map(|e| (e.id, e)).collect())
}

/// Requests received in [from, to) in scope, for the time-to-first-service report.
#[derive(Clone, Debug, sea_orm::FromQueryResult)]
pub struct TimingRow {
    pub id: Uuid,
    pub person_id: Option<Uuid>,
    pub program_id: Option<Uuid>,
    pub urgency: Option<String>,
    pub status: String,
    pub received_at: OffsetDateTime,
    pub first_service_on: Option<Date>,
}

pub async fn timing_rows(
    db: &Db,
    org_id: Uuid,
    scope: &RequestScope,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Vec<TimingRow>, DbErr> {
    use service_request::Column as C;
    scoped_requests(org_id, scope)
        .filter(C::ReceivedAt.gte(from))
        .filter(C::ReceivedAt.lt(to))
        .filter(C::Anonymous.eq(false))
        .select_only()
        .columns([C::Id, C::PersonId, C::ProgramId, C::Urgency, C::Status, C::ReceivedAt, C::FirstServiceOn])
        .into_model()
        .all(db.conn())
        .await
}

pub async fn requests_by_ids(db: &Db, org_id: Uuid, ids: Vec<Uuid>) -> Result<HashMap<Uuid, QueueRow>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<QueueRow> = service_request::Entity::find()
        .select_only()
        .columns(QUEUE_COLUMNS)
        .filter(service_request::Column::OrgId.eq(org_id))
        .filter(service_request::Column::Id.is_in(ids))
        .into_model()
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

/// Requests about a person, newest first.
pub async fn person_requests(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<service_request::Model>, DbErr> {
    service_request::Entity::find()
        .filter(service_request::Column::OrgId.eq(org_id))
        .filter(service_request::Column::PersonId.eq(person_id))
        .order_by_desc(service_request::Column::ReceivedAt)
        .all(db)
        .await
}

/// Whether any request about the person falls in the scope (intake reach to the record).
pub async fn person_has_request_in_scope(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
    scope: &RequestScope,
) -> Result<bool, DbErr> {
    use service_request::Column as C;
    let mut query = service_request::Entity::find().filter(C::OrgId.eq(org_id)).filter(C::PersonId.eq(person_id));
    if let Some(c) = request_condition(scope) {
        query = query.filter(c);
    }
    // A request opens the record only while it is being worked on; once the person is enrolled
    // (or the request ends) access follows enrolments alone, so reassignment really moves them.
    if let RequestScope::Team { .. } = scope {
        let mut live = codes(&OPEN_STATUSES);
        live.push(RequestStatus::Waiting.code().to_string());
        query = query.filter(C::Status.is_in(live));
    }
    Ok(query.count(db).await? > 0)
}

// ---------- waiting lists ----------

pub async fn insert_waitlist_entry(
    txn: &WriteTxn,
    model: waitlist_entry::ActiveModel,
) -> Result<waitlist_entry::Model, DbErr> {
    waitlist_entry::Entity::insert(model).exec_with_returning(&**txn).await
}

pub async fn waitlist_entry(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<waitlist_entry::Model>, DbErr> {
    waitlist_entry::Entity::find_by_id(id).filter(waitlist_entry::Column::OrgId.eq(org_id)).one(db).await
}

/// The open entry for a request, if it is waiting.
pub async fn active_entry_for_request(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    request_id: Uuid,
) -> Result<Option<waitlist_entry::Model>, DbErr> {
    waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::OrgId.eq(org_id))
        .filter(waitlist_entry::Column::RequestId.eq(request_id))
        .filter(waitlist_entry::Column::RemovedAt.is_null())
        .one(db)
        .await
}

pub async fn update_waitlist_entry(
    txn: &WriteTxn,
    org_id: Uuid,
    id: Uuid,
    version: i32,
    mut changes: waitlist_entry::ActiveModel,
    now: OffsetDateTime,
) -> Result<waitlist_entry::Model, WriteError> {
    changes.version = Set(version + 1);
    changes.updated_at = Set(now);
    let result = waitlist_entry::Entity::update_many()
        .set(changes)
        .filter(waitlist_entry::Column::OrgId.eq(org_id))
        .filter(waitlist_entry::Column::Id.eq(id))
        .filter(waitlist_entry::Column::Version.eq(version))
        .filter(waitlist_entry::Column::RemovedAt.is_null())
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    waitlist_entry(&**txn, org_id, id).await?.ok_or(WriteError::NotFound)
}

/// Everyone waiting for programs (or one program), in list order: priority, then time placed.
pub async fn waiting(db: &Db, org_id: Uuid, program_id: Option<Uuid>) -> Result<Vec<waitlist_entry::Model>, DbErr> {
    use waitlist_entry::Column as C;
    let mut query = waitlist_entry::Entity::find().filter(C::OrgId.eq(org_id)).filter(C::RemovedAt.is_null());
    if let Some(p) = program_id {
        query = query.filter(C::ProgramId.eq(p));
    }
    query.order_by_asc(C::ProgramId).order_by_asc(C::PriorityRank).order_by_asc(C::PlacedAt).all(db.conn()).await
}

/// Entries whose check-in is due by `today`, earliest first, joined to requests in scope.
pub async fn checkins_due(
    db: &Db,
    org_id: Uuid,
    scope: &RequestScope,
    today: Date,
    limit: u64,
) -> Result<Vec<(waitlist_entry::Model, QueueRow)>, DbErr> {
    use waitlist_entry::Column as C;
    let entries = waitlist_entry::Entity::find()
        .filter(C::OrgId.eq(org_id))
        .filter(C::RemovedAt.is_null())
        .filter(C::NextCheckinOn.lte(today))
        .order_by_asc(C::NextCheckinOn)
        .limit(limit * 4)
        .all(db.conn())
        .await?;
    let requests = requests_by_ids(db, org_id, entries.iter().map(|e| e.request_id).collect()).await?;
    Ok(entries
        .into_iter()
        .filter_map(|e| requests.get(&e.request_id).cloned().map(|r| (e, r)))
        .filter(|(_, r)| crate::access::request_in_scope(scope, r.assigned_to, r.program_id))
        .take(limit as usize)
        .collect())
}

pub async fn insert_checkin(txn: &WriteTxn, model: waitlist_checkin::ActiveModel) -> Result<(), DbErr> {
    waitlist_checkin::Entity::insert(model).exec_without_returning(&**txn).await.map(|_| ())
}

pub async fn checkins(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    entry_id: Uuid,
) -> Result<Vec<waitlist_checkin::Model>, DbErr> {
    waitlist_checkin::Entity::find()
        .filter(waitlist_checkin::Column::OrgId.eq(org_id))
        .filter(waitlist_checkin::Column::EntryId.eq(entry_id))
        .order_by_desc(waitlist_checkin::Column::CheckedAt)
        .all(db)
        .await
}

/// People enrolled in each program now (for "the program is full").
pub async fn open_enrolment_counts(db: &Db, org_id: Uuid) -> Result<HashMap<Uuid, i64>, DbErr> {
    let rows: Vec<(Uuid, i64)> = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::ProgramId)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(enrolment::Column::OrgId.eq(org_id))
        .filter(enrolment::Column::EndedOn.is_null())
        .group_by(enrolment::Column::ProgramId)
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().collect())
}

// ---------- enrolments ----------

pub async fn enrolment(db: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> Result<Option<enrolment::Model>, DbErr> {
    enrolment::Entity::find_by_id(id).filter(enrolment::Column::OrgId.eq(org_id)).one(db).await
}

pub async fn insert_enrolment(txn: &WriteTxn, model: enrolment::ActiveModel) -> Result<enrolment::Model, DbErr> {
    enrolment::Entity::insert(model).exec_with_returning(&**txn).await
}

/// Ends an open enrolment; a conflict when it was already ended.
pub async fn discharge(
    txn: &WriteTxn,
    org_id: Uuid,
    enrolment_id: Uuid,
    ended_on: Date,
    reason: &str,
    note: Option<String>,
) -> Result<(), WriteError> {
    let result = enrolment::Entity::update_many()
        .col_expr(enrolment::Column::EndedOn, Expr::value(ended_on))
        .col_expr(enrolment::Column::DischargeReason, Expr::value(reason.to_string()))
        .col_expr(enrolment::Column::DischargeNote, Expr::value(note))
        .filter(enrolment::Column::OrgId.eq(org_id))
        .filter(enrolment::Column::Id.eq(enrolment_id))
        .filter(enrolment::Column::EndedOn.is_null())
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    Ok(())
}

// ---------- risk screens ----------

pub async fn insert_screen(txn: &WriteTxn, model: risk_screen::ActiveModel) -> Result<risk_screen::Model, DbErr> {
    risk_screen::Entity::insert(model).exec_with_returning(&**txn).await
}

pub async fn screen(db: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> Result<Option<risk_screen::Model>, DbErr> {
    risk_screen::Entity::find_by_id(id).filter(risk_screen::Column::OrgId.eq(org_id)).one(db).await
}

pub async fn person_screens(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<risk_screen::Model>, DbErr> {
    risk_screen::Entity::find()
        .filter(risk_screen::Column::OrgId.eq(org_id))
        .filter(risk_screen::Column::PersonId.eq(person_id))
        .order_by_desc(risk_screen::Column::ScreenedAt)
        .all(db)
        .await
}

pub async fn responses(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    screen_ids: Vec<Uuid>,
) -> Result<Vec<risk_response::Model>, DbErr> {
    if screen_ids.is_empty() {
        return Ok(Vec::new());
    }
    risk_response::Entity::find()
        .filter(risk_response::Column::OrgId.eq(org_id))
        .filter(risk_response::Column::ScreenId.is_in(screen_ids))
        .order_by_asc(risk_response::Column::OccurredAt)
        .all(db)
        .await
}

pub async fn insert_response(txn: &WriteTxn, model: risk_response::ActiveModel) -> Result<risk_response::Model, DbErr> {
    risk_response::Entity::insert(model).exec_with_returning(&**txn).await
}

/// Closes an open screen edited from `version`.
pub async fn close_screen(
    txn: &WriteTxn,
    org_id: Uuid,
    id: Uuid,
    version: i32,
    by: Uuid,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let result = risk_screen::Entity::update_many()
        .col_expr(risk_screen::Column::ClosedAt, Expr::value(now))
        .col_expr(risk_screen::Column::ClosedBy, Expr::value(by))
        .col_expr(risk_screen::Column::Version, Expr::value(version + 1))
        .col_expr(risk_screen::Column::UpdatedAt, Expr::value(now))
        .filter(risk_screen::Column::OrgId.eq(org_id))
        .filter(risk_screen::Column::Id.eq(id))
        .filter(risk_screen::Column::Version.eq(version))
        .filter(risk_screen::Column::ClosedAt.is_null())
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    Ok(())
}

/// Moderate and high screens not yet closed, for people in scope (newest first).
pub async fn open_risk(
    db: &Db,
    org_id: Uuid,
    scope: &PersonScope,
    limit: u64,
) -> Result<Vec<risk_screen::Model>, DbErr> {
    use risk_screen::Column as C;
    let mut query = risk_screen::Entity::find()
        .filter(C::OrgId.eq(org_id))
        .filter(C::ClosedAt.is_null())
        .filter(C::Level.is_in(["moderate", "high"]));
    if let Some(c) = super::people::person_column_in_scope(org_id, scope, C::PersonId) {
        query = query.filter(c);
    }
    query.order_by_desc(C::ScreenedAt).limit(limit).all(db.conn()).await
}

// ---------- safety plans and the 4.03 checklist ----------

pub async fn safety_plan(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Option<safety_plan::Model>, DbErr> {
    safety_plan::Entity::find()
        .filter(safety_plan::Column::OrgId.eq(org_id))
        .filter(safety_plan::Column::PersonId.eq(person_id))
        .one(db)
        .await
}

/// Inserts (version 0 = new) or updates the person's plan; a conflict if someone saved first.
pub async fn save_safety_plan(
    txn: &WriteTxn,
    org_id: Uuid,
    person_id: Uuid,
    version: i32,
    mut model: safety_plan::ActiveModel,
    now: OffsetDateTime,
) -> Result<safety_plan::Model, WriteError> {
    model.version = Set(version + 1);
    model.updated_at = Set(now);
    if version == 0 {
        model.id = Set(Uuid::new_v4());
        model.org_id = Set(org_id);
        model.person_id = Set(person_id);
        model.created_at = Set(now);
        return safety_plan::Entity::insert(model).exec_with_returning(&**txn).await.map_err(|e| {
            match WriteError::from_db(e, "person_id") {
                WriteError::Duplicate { .. } => WriteError::Conflict,
                other => other,
            }
        });
    }
    let result = safety_plan::Entity::update_many()
        .set(model)
        .filter(safety_plan::Column::OrgId.eq(org_id))
        .filter(safety_plan::Column::PersonId.eq(person_id))
        .filter(safety_plan::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    safety_plan(&**txn, org_id, person_id).await?.ok_or(WriteError::NotFound)
}

pub async fn person_safety(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Option<person_safety::Model>, DbErr> {
    person_safety::Entity::find()
        .filter(person_safety::Column::OrgId.eq(org_id))
        .filter(person_safety::Column::PersonId.eq(person_id))
        .one(db)
        .await
}

pub async fn save_person_safety(
    txn: &WriteTxn,
    version: i32,
    mut model: person_safety::ActiveModel,
) -> Result<(), WriteError> {
    model.version = Set(version + 1);
    if version == 0 {
        return person_safety::Entity::insert(model).exec_without_returning(&**txn).await.map(|_| ()).map_err(|e| {
            match WriteError::from_db(e, "person_id") {
                WriteError::Duplicate { .. } => WriteError::Conflict,
                other => other,
            }
        });
    }
    let (org_id, person_id) = match (&model.org_id, &model.person_id) {
        (Set(o), Set(p)) => (*o, *p),
        _ => return Err(WriteError::NotFound),
    };
    let result = person_safety::Entity::update_many()
        .set(model)
        .filter(person_safety::Column::OrgId.eq(org_id))
        .filter(person_safety::Column::PersonId.eq(person_id))
        .filter(person_safety::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    Ok(())
}

// ---------- crisis procedure and events ----------

pub async fn crisis_procedures(db: &impl ConnectionTrait, org_id: Uuid) -> Result<Vec<crisis_procedure::Model>, DbErr> {
    crisis_procedure::Entity::find()
        .filter(crisis_procedure::Column::OrgId.eq(org_id))
        .order_by_desc(crisis_procedure::Column::Revision)
        .all(db)
        .await
}

pub async fn current_crisis_procedure(
    db: &impl ConnectionTrait,
    org_id: Uuid,
) -> Result<Option<crisis_procedure::Model>, DbErr> {
    crisis_procedure::Entity::find()
        .filter(crisis_procedure::Column::OrgId.eq(org_id))
        .order_by_desc(crisis_procedure::Column::Revision)
        .one(db)
        .await
}

/// Adds revision `based_on + 1`; the unique (org, revision) index turns a race into a conflict.
pub async fn add_crisis_procedure(
    txn: &WriteTxn,
    based_on: i32,
    mut model: crisis_procedure::ActiveModel,
) -> Result<crisis_procedure::Model, WriteError> {
    let org_id = match &model.org_id {
        Set(o) => *o,
        _ => return Err(WriteError::NotFound),
    };
    let current = current_crisis_procedure(&**txn, org_id).await?.map(|c| c.revision).unwrap_or(0);
    if current != based_on {
        return Err(WriteError::Conflict);
    }
    model.revision = Set(based_on + 1);
    crisis_procedure::Entity::insert(model).exec_with_returning(&**txn).await.map_err(|e| {
        match WriteError::from_db(e, "revision") {
            WriteError::Duplicate { .. } => WriteError::Conflict,
            other => other,
        }
    })
}

pub async fn insert_crisis_event(
    txn: &WriteTxn,
    model: crisis_event::ActiveModel,
) -> Result<crisis_event::Model, DbErr> {
    crisis_event::Entity::insert(model).exec_with_returning(&**txn).await
}

pub async fn crisis_event(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<crisis_event::Model>, DbErr> {
    crisis_event::Entity::find_by_id(id).filter(crisis_event::Column::OrgId.eq(org_id)).one(db).await
}

/// Crisis events the actor may see: anonymous ones, ones they reported, and ones about people in
/// scope; `open_follow_up` limits to follow-ups not yet done.
pub async fn crisis_events(
    db: &Db,
    org_id: Uuid,
    scope: &PersonScope,
    reporter: Uuid,
    open_follow_up: bool,
    page: PageRequest,
) -> Result<Page<crisis_event::Model>, DbErr> {
    use crisis_event::Column as C;
    let page = page.clamp();
    let mut query = crisis_event::Entity::find().filter(C::OrgId.eq(org_id));
    match scope {
        // Without a caseload (administrators): only what they reported themselves.
        PersonScope::Nobody => query = query.filter(C::ReportedBy.eq(reporter)),
        _ => {
            if let Some(c) = super::people::person_column_in_scope(org_id, scope, C::PersonId) {
                query =
                    query.filter(Condition::any().add(C::PersonId.is_null()).add(C::ReportedBy.eq(reporter)).add(c));
            }
        }
    }
    if open_follow_up {
        query = query.filter(C::FollowUpDue.is_not_null()).filter(C::FollowUpDoneAt.is_null());
    }
    // The home page's preview of open follow-ups needs no total.
    let total = if open_follow_up && page.per_page <= 5 { 0 } else { query.clone().count(db.conn()).await? };
    let order = if open_follow_up { C::FollowUpDue } else { C::OccurredAt };
    let query = if open_follow_up { query.order_by_asc(order) } else { query.order_by_desc(order) };
    let items = query.offset(page.offset()).limit(page.per_page).all(db.conn()).await?;
    Ok(Page { items, page: page.page, per_page: page.per_page, total })
}

pub async fn person_crisis_events(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<crisis_event::Model>, DbErr> {
    crisis_event::Entity::find()
        .filter(crisis_event::Column::OrgId.eq(org_id))
        .filter(crisis_event::Column::PersonId.eq(person_id))
        .order_by_desc(crisis_event::Column::OccurredAt)
        .all(db)
        .await
}

pub async fn complete_follow_up(
    txn: &WriteTxn,
    org_id: Uuid,
    id: Uuid,
    version: i32,
    note: String,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    let result = crisis_event::Entity::update_many()
        .col_expr(crisis_event::Column::FollowUpDoneAt, Expr::value(now))
        .col_expr(crisis_event::Column::FollowUpNote, Expr::value(note))
        .col_expr(crisis_event::Column::Version, Expr::value(version + 1))
        .col_expr(crisis_event::Column::UpdatedAt, Expr::value(now))
        .filter(crisis_event::Column::OrgId.eq(org_id))
        .filter(crisis_event::Column::Id.eq(id))
        .filter(crisis_event::Column::Version.eq(version))
        .filter(crisis_event::Column::FollowUpDoneAt.is_null())
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    Ok(())
}

/// Names for a set of people (lists show who, the record shows the rest).
pub async fn person_names(db: &Db, org_id: Uuid, ids: Vec<Uuid>) -> Result<HashMap<Uuid, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String, String, Option<String>)> = person::Entity::find()
        .select_only()
        .columns([
            person::Column::Id,
            person::Column::LegalGivenName,
            person::Column::LegalFamilyName,
            person::Column::PreferredName,
        ])
        .filter(person::Column::OrgId.eq(org_id))
        .filter(person::Column::Id.is_in(ids))
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, given, family, preferred)| (id, format!("{} {family}", preferred.unwrap_or(given))))
        .collect())
}
