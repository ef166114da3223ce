//! Workload (CSE 2.08): what each worker carries — people on their caseload by need level, coaching
//! contacts in the last 30 days, active groups they facilitate, open referrals assigned to them —
//! weighted by the organisation's weights and held against its thresholds; dated workload reviews
//! with the measures as they stood and the decision taken; and the organisation's personnel
//! settings (gap policy, intervals, weights, thresholds, review interval).
//!
//! Counts for a whole team come from a fixed number of grouped queries, never one per person.

use super::{Settings, deny, open, positions_of, settings, team, today};
use crate::access::{self, Actor};
use crate::app::AppState;
use crate::db;
use crate::db::entities::{
    coaching_contact, coaching_status, enrolment, group_facilitator, personnel_setting, referral, staff, staff_profile,
    support_group, workload_review,
};
use crate::domain::groups::GroupStatus;
use crate::domain::personnel::{
    GapPolicy, Intervals, NeedLevel, OverThreshold, WorkloadCounts, WorkloadDecision, WorkloadRules, need_level,
    over_thresholds, review_due,
};
use crate::domain::referral::ReferralStatus;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::groups::setup::number_or_text;
use crate::web::actor_entry;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// Contacts are counted over this many days.
pub const CONTACT_WINDOW_DAYS: i64 = 30;
pub const REVIEW_NOTES_MAX: usize = 4000;
/// Above this many staff, one scan of the organisation beats a long `IN` list.
const IN_LIST_MAX: usize = 200;

// ---------- counting ----------

/// `column IN ids` for a small set; nothing (the whole organisation) for a large one, which the
/// caller then filters.
fn among<C: ColumnTrait>(column: C, ids: &[Uuid]) -> Condition {
    if ids.len() > IN_LIST_MAX { Condition::all() } else { Condition::all().add(column.is_in(ids.to_vec())) }
}

#[derive(FromQueryResult)]
struct PeopleRow {
    worker_id: Uuid,
    stage: Option<String>,
    monitoring_raised: Option<bool>,
    open_lapse: i32,
    people: i64,
}

/// What each of `ids` carries on `now` (contacts over the last 30 days up to `now`). Five grouped
/// queries whatever the number of staff.
pub async fn counts(
    db: &db::Db,
    org_id: Uuid,
    ids: &[Uuid],
    now: OffsetDateTime,
) -> Result<HashMap<Uuid, WorkloadCounts>, DbErr> {
    let mut out: HashMap<Uuid, WorkloadCounts> = ids.iter().map(|id| (*id, WorkloadCounts::default())).collect();
    if ids.is_empty() {
        return Ok(out);
    }
    let conn = db.conn();

    // People: open enrolments held by the worker, each person once, by need level.
    let (e, s) = (Alias::new("e"), Alias::new("s"));
    // Written out so the select and the GROUP BY are the same text (bound literals would differ
    // on PostgreSQL) and decode as an integer on both backends.
    let lapse = || Expr::cust(r#"CASE WHEN "s"."open_lapse_on" IS NULL THEN 0 ELSE 1 END"#);
    let mut q = Query::select();
    q.expr_as(Expr::col((e.clone(), enrolment::Column::WorkerId)), Alias::new("worker_id"))
        .expr_as(Expr::col((s.clone(), coaching_status::Column::Stage)), Alias::new("stage"))
        .expr_as(Expr::col((s.clone(), coaching_status::Column::MonitoringRaised)), Alias::new("monitoring_raised"))
        .expr_as(lapse(), Alias::new("open_lapse"))
        .expr_as(Expr::col((e.clone(), enrolment::Column::PersonId)).count_distinct(), Alias::new("people"))
        .from_as(enrolment::Entity, e.clone())
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
        .and_where(Expr::col((e.clone(), enrolment::Column::OrgId)).eq(org_id))
        .and_where(Expr::col((e.clone(), enrolment::Column::EndedOn)).is_null())
        .and_where(Expr::col((e.clone(), enrolment::Column::WorkerId)).is_not_null())
        .add_group_by([
            Expr::col((e.clone(), enrolment::Column::WorkerId)),
            Expr::col((s.clone(), coaching_status::Column::Stage)),
            Expr::col((s.clone(), coaching_status::Column::MonitoringRaised)),
            lapse(),
        ]);
    if ids.len() <= IN_LIST_MAX {
        q.and_where(Expr::col((e.clone(), enrolment::Column::WorkerId)).is_in(ids.iter().copied()));
    }
    let rows = conn.query_all_raw(db.backend().build(&q)).await?;
    for row in rows {
        let r = PeopleRow::from_query_result(&row, "")?;
        let Some(c) = out.get_mut(&r.worker_id) else { continue };
        let n = r.people as i32;
        match need_level(r.stage.as_deref(), r.monitoring_raised.unwrap_or(false), r.open_lapse != 0) {
            NeedLevel::High => c.people_high += n,
            NeedLevel::Moderate => c.people_moderate += n,
            NeedLevel::Low => c.people_low += n,
        }
    }

    // Coaching contacts they made in the window.
    let contacts: Vec<(Uuid, i64)> = coaching_contact::Entity::find()
        .select_only()
        .column(coaching_contact::Column::WorkerId)
        .column_as(Expr::col(coaching_contact::Column::Id).count(), "n")
        .filter(coaching_contact::Column::OrgId.eq(org_id))
        .filter(coaching_contact::Column::OccurredAt.gt(now - Duration::days(CONTACT_WINDOW_DAYS)))
        .filter(coaching_contact::Column::OccurredAt.lte(now))
        .filter(among(coaching_contact::Column::WorkerId, ids))
        .group_by(coaching_contact::Column::WorkerId)
        .into_tuple()
        .all(conn)
        .await?;
    for (worker, n) in contacts {
        if let Some(c) = out.get_mut(&worker) {
            c.contacts_last_30_days = n as i32;
        }
    }

    // Active groups they facilitate (lead or co-facilitator).
    let (f, g) = (Alias::new("f"), Alias::new("g"));
    let mut q = Query::select();
    q.expr_as(Expr::col((f.clone(), group_facilitator::Column::StaffId)), Alias::new("staff_id"))
        .expr_as(Expr::col((f.clone(), group_facilitator::Column::GroupId)).count_distinct(), Alias::new("n"))
        .from_as(group_facilitator::Entity, f.clone())
        .join_as(
            sea_orm::JoinType::InnerJoin,
            support_group::Entity,
            g.clone(),
            Expr::col((g.clone(), support_group::Column::Id))
                .equals((f.clone(), group_facilitator::Column::GroupId))
                .and(
                    Expr::col((g.clone(), support_group::Column::OrgId))
                        .equals((f.clone(), group_facilitator::Column::OrgId)),
                ),
        )
        .and_where(Expr::col((f.clone(), group_facilitator::Column::OrgId)).eq(org_id))
        .and_where(Expr::col((f.clone(), group_facilitator::Column::StaffId)).is_not_null())
        .and_where(Expr::col((g.clone(), support_group::Column::Status)).eq(GroupStatus::Active.code()))
        .add_group_by([Expr::col((f.clone(), group_facilitator::Column::StaffId))]);
    if ids.len() <= IN_LIST_MAX {
        q.and_where(Expr::col((f.clone(), group_facilitator::Column::StaffId)).is_in(ids.iter().copied()));
    }
    for row in conn.query_all_raw(db.backend().build(&q)).await? {
        let staff_id: Uuid = row.try_get("", "staff_id")?;
        let n: i64 = row.try_get("", "n")?;
        if let Some(c) = out.get_mut(&staff_id) {
            c.groups = n as i32;
        }
    }

    // Referrals assigned to them that still need follow-up.
    let closed: Vec<&str> = ReferralStatus::ALL.iter().filter(|s| s.is_closed()).map(|s| s.code()).collect();
    let referrals: Vec<(Uuid, i64)> = referral::Entity::find()
        .select_only()
        .column(referral::Column::AssignedTo)
        .column_as(Expr::col(referral::Column::Id).count(), "n")
        .filter(referral::Column::OrgId.eq(org_id))
        .filter(referral::Column::Status.is_not_in(closed))
        .filter(among(referral::Column::AssignedTo, ids))
        .group_by(referral::Column::AssignedTo)
        .into_tuple()
        .all(conn)
        .await?;
    for (worker, n) in referrals {
        if let Some(c) = out.get_mut(&worker) {
            c.open_referrals = n as i32;
        }
    }
    Ok(out)
}

/// Each staff member's reviews, newest first.
async fn reviews_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<workload_review::Model>>, DbErr> {
    let rows = workload_review::Entity::find()
        .filter(workload_review::Column::OrgId.eq(org_id))
        .filter(among(workload_review::Column::StaffId, ids))
        .order_by_desc(workload_review::Column::ReviewedOn)
        .order_by_desc(workload_review::Column::CreatedAt)
        .all(conn)
        .await?;
    let mut out: HashMap<Uuid, Vec<workload_review::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.staff_id).or_default().push(r);
    }
    Ok(out)
}

// ---------- one worker's load ----------

/// What a worker carries, weighed against the organisation's rules.
#[derive(Clone, Debug)]
pub struct WorkerLoad {
    pub staff: staff::Model,
    pub counts: WorkloadCounts,
    pub weighted: f64,
    pub over: Vec<OverThreshold>,
    pub last_review: Option<workload_review::Model>,
    /// When the next review falls due (the same date the reminders use).
    pub review_due_on: Date,
    /// Due today or earlier.
    pub review_overdue: bool,
}

impl WorkerLoad {
    fn new(
        staff: staff::Model,
        counts: WorkloadCounts,
        last_review: Option<workload_review::Model>,
        start_date: Option<Date>,
        rules: &WorkloadRules,
        today: Date,
    ) -> WorkerLoad {
        let review_due_on =
            super::reminders::workload_review_due(&staff, start_date, last_review.as_ref(), rules, today);
        WorkerLoad {
            weighted: counts.weighted(rules),
            over: over_thresholds(&counts, rules),
            review_overdue: review_due_on <= today,
            staff,
            counts,
            last_review,
            review_due_on,
        }
    }

    pub fn is_over(&self, which: &OverThreshold) -> bool {
        self.over.contains(which)
    }

    /// Days since the review fell due (0 when due today).
    pub fn days_overdue(&self, today: Date) -> i64 {
        std::cmp::max((today - self.review_due_on).whole_days(), 0)
    }
}

/// The measures as they stood, kept with a review so it reads the same later.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WorkloadMeasures {
    pub people_high: i32,
    pub people_moderate: i32,
    pub people_low: i32,
    pub people: i32,
    pub contacts_last_30_days: i32,
    pub groups: i32,
    pub open_referrals: i32,
    pub weighted_caseload: f64,
    /// Thresholds it was over: `weighted-caseload`, `contacts`, `groups`, `referrals`.
    pub over: Vec<String>,
    pub rules: WorkloadMeasureRules,
}

/// The weights and thresholds in force when the measures were taken.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WorkloadMeasureRules {
    pub weight_high: f64,
    pub weight_moderate: f64,
    pub weight_low: f64,
    pub max_weighted_caseload: f64,
    pub max_contacts_per_month: i32,
    pub max_groups: i32,
    pub max_open_referrals: i32,
}

impl WorkloadMeasures {
    pub fn of(counts: &WorkloadCounts, rules: &WorkloadRules) -> WorkloadMeasures {
        WorkloadMeasures {
            people_high: counts.people_high,
            people_moderate: counts.people_moderate,
            people_low: counts.people_low,
            people: counts.people(),
            contacts_last_30_days: counts.contacts_last_30_days,
            groups: counts.groups,
            open_referrals: counts.open_referrals,
            weighted_caseload: counts.weighted(rules),
            over: over_thresholds(counts, rules).iter().map(|o| over_code(*o).to_string()).collect(),
            rules: WorkloadMeasureRules {
                weight_high: rules.weight_high,
                weight_moderate: rules.weight_moderate,
                weight_low: rules.weight_low,
                max_weighted_caseload: rules.max_weighted_caseload,
                max_contacts_per_month: rules.max_contacts_per_month,
                max_groups: rules.max_groups,
                max_open_referrals: rules.max_open_referrals,
            },
        }
    }

    /// The snapshot stored with a review (None if it cannot be read, which only hand edits cause).
    pub fn parse(text: &str) -> Option<WorkloadMeasures> {
        serde_json::from_str(text).ok()
    }
}

pub fn over_code(o: OverThreshold) -> &'static str {
    match o {
        OverThreshold::WeightedCaseload => "weighted-caseload",
        OverThreshold::Contacts => "contacts",
        OverThreshold::Groups => "groups",
        OverThreshold::Referrals => "referrals",
    }
}

/// Whether someone in these positions carries a workload worth showing: direct service, or any
/// work counted at all (a supervisor with a caseload).
fn carries_work(positions: &[crate::domain::personnel::Position], counts: &WorkloadCounts) -> bool {
    positions.iter().any(|p| p.is_direct_service())
        || counts.people() > 0
        || counts.contacts_last_30_days > 0
        || counts.groups > 0
        || counts.open_referrals > 0
}

// ---------- the team ----------

/// The workers the actor sees on team views and their loads.
#[derive(Clone, Debug)]
pub struct TeamWorkload {
    pub rows: Vec<WorkerLoad>,
    pub rules: WorkloadRules,
    pub today: Date,
}

/// How the team table is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortBy {
    Weighted,
    Name,
    ReviewDue,
}

impl SortBy {
    pub fn parse(text: Option<&str>) -> SortBy {
        match text {
            Some("name") => SortBy::Name,
            Some("review") => SortBy::ReviewDue,
            _ => SortBy::Weighted,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            SortBy::Weighted => "weighted",
            SortBy::Name => "name",
            SortBy::ReviewDue => "review",
        }
    }
}

/// Workload for everyone the actor sees who carries work, in a fixed number of queries.
pub async fn team_workload(state: &AppState, actor: &Actor, sort: SortBy) -> AppResult<TeamWorkload> {
    let members = team(state, actor, "personnel.workload.team").await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let today = today(state, org_id).await?;
    let rules = settings(conn, org_id).await?.workload;
    let ids: Vec<Uuid> = members.iter().map(|m| m.id).collect();
    let mut counts = counts(&state.db, org_id, &ids, state.clock.now()).await?;
    let mut reviews = reviews_of(conn, org_id, &ids).await?;
    let profiles: HashMap<Uuid, staff_profile::Model> = staff_profile::Entity::find()
        .filter(staff_profile::Column::OrgId.eq(org_id))
        .filter(among(staff_profile::Column::StaffId, &ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.staff_id, p))
        .collect();
    let mut rows: Vec<WorkerLoad> = members
        .into_iter()
        .filter_map(|m| {
            let c = counts.remove(&m.id).unwrap_or_default();
            if !carries_work(&positions_of(&m, profiles.get(&m.id)), &c) {
                return None;
            }
            let last = reviews.remove(&m.id).and_then(|r| r.into_iter().next());
            let start_date = profiles.get(&m.id).and_then(|p| p.start_date);
            Some(WorkerLoad::new(m, c, last, start_date, &rules, today))
        })
        .collect();
    sort_rows(&mut rows, sort);
    Ok(TeamWorkload { rows, rules, today })
}

pub fn sort_rows(rows: &mut [WorkerLoad], sort: SortBy) {
    let by_name =
        |a: &WorkerLoad, b: &WorkerLoad| a.staff.display_name.to_lowercase().cmp(&b.staff.display_name.to_lowercase());
    match sort {
        SortBy::Weighted => rows.sort_by(|a, b| b.weighted.total_cmp(&a.weighted).then_with(|| by_name(a, b))),
        SortBy::Name => rows.sort_by(by_name),
        SortBy::ReviewDue => rows.sort_by(|a, b| a.review_due_on.cmp(&b.review_due_on).then_with(|| by_name(a, b))),
    }
}

// ---------- one staff member ----------

/// One staff member's workload page: the load, every review, and whether the reader may review.
#[derive(Clone, Debug)]
pub struct StaffWorkload {
    pub record: super::StaffRecord,
    pub load: WorkerLoad,
    /// Newest first.
    pub reviews: Vec<workload_review::Model>,
    pub reviewer_names: HashMap<Uuid, String>,
    pub rules: WorkloadRules,
    pub may_review: bool,
    pub today: Date,
}

/// A staff member's workload, for those who may view their record.
pub async fn staff_workload(state: &AppState, actor: &Actor, staff_id: Uuid) -> AppResult<StaffWorkload> {
    let record = open(state, actor, staff_id, "personnel.view", |a| a.view).await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let today = today(state, org_id).await?;
    let rules = settings(conn, org_id).await?.workload;
    let c = counts(&state.db, org_id, &[staff_id], state.clock.now()).await?.remove(&staff_id).unwrap_or_default();
    let reviews = reviews_of(conn, org_id, &[staff_id]).await?.remove(&staff_id).unwrap_or_default();
    let mut reviewer_ids: Vec<Uuid> = reviews.iter().map(|r| r.reviewed_by).collect();
    reviewer_ids.sort();
    reviewer_ids.dedup();
    let reviewer_names: HashMap<Uuid, String> = if reviewer_ids.is_empty() {
        HashMap::new()
    } else {
        staff::Entity::find()
            .filter(staff::Column::OrgId.eq(org_id))
            .filter(staff::Column::Id.is_in(reviewer_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|s| (s.id, s.display_name))
            .collect()
    };
    let start_date = staff_profile::Entity::find()
        .filter(staff_profile::Column::OrgId.eq(org_id))
        .filter(staff_profile::Column::StaffId.eq(staff_id))
        .one(conn)
        .await?
        .and_then(|p| p.start_date);
    let load = WorkerLoad::new(record.staff.clone(), c, reviews.first().cloned(), start_date, &rules, today);
    let may_review = record.access.manage;
    Ok(StaffWorkload { record, load, reviews, reviewer_names, rules, may_review, today })
}

// ---------- reviews ----------

/// A workload review as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct WorkloadReviewInput {
    /// The day of the review (YYYY-MM-DD), not after today.
    pub reviewed_on: String,
    /// `no-change`, `reduce-caseload`, `redistribute`, `more-supervision`, `training` or
    /// `increase-caseload`.
    pub decision: String,
    pub notes: Option<String>,
    /// When to review again (YYYY-MM-DD), after `reviewed_on`; the organisation's review interval
    /// after it when left out.
    pub next_review_on: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidReview {
    pub reviewed_on: Date,
    pub decision: WorkloadDecision,
    pub notes: Option<String>,
    pub next_review_on: Date,
}

pub fn validate_review(
    input: &WorkloadReviewInput,
    rules: &WorkloadRules,
    today: Date,
) -> Result<ValidReview, FieldErrors> {
    let mut errors = FieldErrors::new();
    let reviewed_on = if input.reviewed_on.trim().is_empty() {
        errors.add("reviewed_on", "workload-error-date-required");
        None
    } else {
        errors.optional_date("reviewed_on", Some(&input.reviewed_on))
    };
    if let Some(d) = reviewed_on {
        if d > today {
            errors.add_with("reviewed_on", "workload-error-future", vec![("today", today.to_string())]);
        } else if d < today - Duration::days(3660) {
            errors.add("reviewed_on", "workload-error-too-old");
        }
    }
    let decision = if input.decision.trim().is_empty() {
        errors.add("decision", "workload-error-decision-required");
        None
    } else {
        let d = WorkloadDecision::parse(&input.decision);
        if d.is_none() {
            errors.add("decision", "workload-error-decision-unknown");
        }
        d
    };
    let notes = errors.optional("notes", input.notes.as_deref(), REVIEW_NOTES_MAX);
    let next = input
        .next_review_on
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .and_then(|d| errors.optional_date("next_review_on", Some(d)));
    if let (Some(next), Some(on)) = (next, reviewed_on)
        && next <= on
    {
        errors.add("next_review_on", "workload-error-next-not-after");
    }
    match (reviewed_on, decision) {
        (Some(reviewed_on), Some(decision)) if errors.is_empty() => Ok(ValidReview {
            reviewed_on,
            decision,
            notes,
            next_review_on: next.unwrap_or_else(|| review_due(Some(reviewed_on), rules, today)),
        }),
        _ => Err(errors),
    }
}

/// Records a workload review of a staff member by a manager (`PersonnelAccess::manage`), with the
/// measures as they stand now.
pub async fn add_review(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    input: &WorkloadReviewInput,
) -> AppResult<workload_review::Model> {
    open(state, actor, staff_id, "personnel.workload.review", |a| a.manage).await?;
    let org_id = actor.org_id;
    let today = today(state, org_id).await?;
    let rules = settings(state.db.conn(), org_id).await?.workload;
    let valid = validate_review(input, &rules, today)?;
    let now = state.clock.now();
    let c = counts(&state.db, org_id, &[staff_id], now).await?.remove(&staff_id).unwrap_or_default();
    let measures = WorkloadMeasures::of(&c, &rules);
    let model = workload_review::Model {
        id: Uuid::new_v4(),
        org_id,
        staff_id,
        reviewed_on: valid.reviewed_on,
        reviewed_by: actor.staff_id,
        measures: serde_json::to_string(&measures).map_err(|e| AppError::Internal(e.into()))?,
        decision: valid.decision.code().into(),
        notes: valid.notes,
        next_review_on: valid.next_review_on,
        created_at: now,
    };
    let txn = state.db.begin_write().await?;
    workload_review::Entity::insert(workload_review::ActiveModel::from(model.clone()))
        .exec_without_returning(&*txn)
        .await?;
    let entry = actor_entry(actor, "personnel.workload.review").record("staff", staff_id).detail(json!({
        "review_id": model.id,
        "reviewed_on": model.reviewed_on.to_string(),
        "decision": model.decision,
        "next_review_on": model.next_review_on.to_string(),
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(model)
}

// ---------- personnel settings ----------

/// The organisation's personnel settings as the form and the API send them; numbers as text or
/// JSON numbers.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct PersonnelSettingsInput {
    /// `warn` (assign, showing the gaps) or `block` (refuse until they are met).
    pub gap_policy: String,
    /// Supervision expected at least every so many days, 7 to 180.
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub supervision_days: Option<String>,
    /// Peer mentoring expected at least every so many days, 7 to 365.
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub mentoring_days: Option<String>,
    /// In-service training on the peer topics at least every so many months, 1 to 36.
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub in_service_months: Option<String>,
    /// Days after starting by which pre-service training must be done, 0 to 365.
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub pre_service_grace_days: Option<String>,
    /// Caseload weight of a person with high need, 0 to 10.
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<f64>)]
    pub weight_high: Option<String>,
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<f64>)]
    pub weight_moderate: Option<String>,
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<f64>)]
    pub weight_low: Option<String>,
    /// More than 0.
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<f64>)]
    pub max_weighted_caseload: Option<String>,
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub max_contacts_per_month: Option<String>,
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub max_groups: Option<String>,
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub max_open_referrals: Option<String>,
    /// Workload reviews at least every so many months, 1 to 24.
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub review_months: Option<String>,
}

impl PersonnelSettingsInput {
    /// The form filled with settings as they are.
    pub fn of(s: &Settings) -> PersonnelSettingsInput {
        let n = |v: i64| Some(v.to_string());
        let f = |v: f64| Some(v.to_string());
        PersonnelSettingsInput {
            gap_policy: s.gap_policy.code().into(),
            supervision_days: n(s.intervals.supervision_days),
            mentoring_days: n(s.intervals.mentoring_days),
            in_service_months: n(s.intervals.in_service_months),
            pre_service_grace_days: n(s.intervals.pre_service_grace_days),
            weight_high: f(s.workload.weight_high),
            weight_moderate: f(s.workload.weight_moderate),
            weight_low: f(s.workload.weight_low),
            max_weighted_caseload: f(s.workload.max_weighted_caseload),
            max_contacts_per_month: n(s.workload.max_contacts_per_month as i64),
            max_groups: n(s.workload.max_groups as i64),
            max_open_referrals: n(s.workload.max_open_referrals as i64),
            review_months: n(s.workload.review_months as i64),
        }
    }
}

/// A whole number in `min..=max`, or the field error saying which range.
fn whole(errors: &mut FieldErrors, field: &str, raw: &Option<String>, min: i64, max: i64) -> i64 {
    let text = raw.as_deref().map(str::trim).unwrap_or("");
    if text.is_empty() {
        errors.add(field, "error-required");
        return min;
    }
    match text.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => n,
        _ => {
            errors.add_with(
                field,
                "personnel-settings-error-range",
                vec![("min", min.to_string()), ("max", max.to_string())],
            );
            min
        }
    }
}

/// A decimal number: weights in 0..=10, thresholds above 0 and up to `max`.
fn decimal(errors: &mut FieldErrors, field: &str, raw: &Option<String>, threshold: bool, max: f64) -> f64 {
    let text = raw.as_deref().map(str::trim).unwrap_or("");
    if text.is_empty() {
        errors.add(field, "error-required");
        return 0.0;
    }
    let parsed = text.parse::<f64>().ok().filter(|n| n.is_finite());
    match parsed {
        Some(n) if threshold && n > 0.0 && n <= max => n,
        Some(n) if !threshold && (0.0..=max).contains(&n) => (n * 100.0).round() / 100.0,
        _ if threshold => {
            errors.add_with(field, "personnel-settings-error-threshold", vec![("max", max.to_string())]);
            0.0
        }
        _ => {
            errors.add_with(field, "personnel-settings-error-weight", vec![("max", max.to_string())]);
            0.0
        }
    }
}

/// Checks the settings form; every mistake is reported at once.
pub fn validate_settings(input: &PersonnelSettingsInput) -> Result<Settings, FieldErrors> {
    let mut errors = FieldErrors::new();
    let gap_policy = if input.gap_policy.trim().is_empty() {
        errors.add("gap_policy", "error-required");
        GapPolicy::Warn
    } else {
        GapPolicy::parse(&input.gap_policy).unwrap_or_else(|| {
            errors.add("gap_policy", "personnel-settings-error-gap-policy");
            GapPolicy::Warn
        })
    };
    let intervals = Intervals {
        supervision_days: whole(&mut errors, "supervision_days", &input.supervision_days, 7, 180),
        mentoring_days: whole(&mut errors, "mentoring_days", &input.mentoring_days, 7, 365),
        in_service_months: whole(&mut errors, "in_service_months", &input.in_service_months, 1, 36),
        pre_service_grace_days: whole(&mut errors, "pre_service_grace_days", &input.pre_service_grace_days, 0, 365),
    };
    let workload = WorkloadRules {
        weight_high: decimal(&mut errors, "weight_high", &input.weight_high, false, 10.0),
        weight_moderate: decimal(&mut errors, "weight_moderate", &input.weight_moderate, false, 10.0),
        weight_low: decimal(&mut errors, "weight_low", &input.weight_low, false, 10.0),
        max_weighted_caseload: decimal(
            &mut errors,
            "max_weighted_caseload",
            &input.max_weighted_caseload,
            true,
            1000.0,
        ),
        max_contacts_per_month: positive(&mut errors, "max_contacts_per_month", &input.max_contacts_per_month, 5000),
        max_groups: positive(&mut errors, "max_groups", &input.max_groups, 100),
        max_open_referrals: positive(&mut errors, "max_open_referrals", &input.max_open_referrals, 5000),
        review_months: whole(&mut errors, "review_months", &input.review_months, 1, 24) as i32,
    };
    errors.finish(Settings { gap_policy, intervals, workload, version: 0 })
}

/// A whole-number threshold: more than 0, at most `max`.
fn positive(errors: &mut FieldErrors, field: &str, raw: &Option<String>, max: i64) -> i32 {
    let text = raw.as_deref().map(str::trim).unwrap_or("");
    if text.is_empty() {
        errors.add(field, "error-required");
        return 1;
    }
    match text.parse::<i64>() {
        Ok(n) if n > 0 && n <= max => n as i32,
        _ => {
            errors.add_with(field, "personnel-settings-error-threshold-whole", vec![("max", max.to_string())]);
            1
        }
    }
}

/// Who may read the settings page: those with team views, and those who may change them.
pub fn may_read_settings(actor: &Actor) -> bool {
    access::may_view_team(actor) || access::may_manage_training_catalogue(actor)
}

/// The settings for the settings page; refuses (audited) roles without team views.
pub async fn read_settings(state: &AppState, actor: &Actor) -> AppResult<Settings> {
    if !may_read_settings(actor) {
        return Err(deny(state, actor, "personnel.settings.view", actor.staff_id).await);
    }
    Ok(settings(state.db.conn(), actor.org_id).await?)
}

/// Saves the personnel settings made against `version` (0 while the defaults apply); 409 when
/// someone saved in between. Administrators and program directors only.
pub async fn update_settings(
    state: &AppState,
    actor: &Actor,
    version: i32,
    input: &PersonnelSettingsInput,
) -> AppResult<Settings> {
    if !access::may_manage_training_catalogue(actor) {
        return Err(crate::intake::deny(state, actor, "personnel.settings.update", None).await);
    }
    let mut valid = validate_settings(input)?;
    let org_id = actor.org_id;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let existing = personnel_setting::Entity::find_by_id(org_id).one(&*txn).await?;
    let before = existing.as_ref().map(Settings::from_row).unwrap_or_default();
    if before.version != version {
        return Err(AppError::Conflict);
    }
    let row = personnel_setting::Model {
        org_id,
        gap_policy: valid.gap_policy.code().into(),
        supervision_days: valid.intervals.supervision_days as i32,
        mentoring_days: valid.intervals.mentoring_days as i32,
        in_service_months: valid.intervals.in_service_months as i32,
        pre_service_grace_days: valid.intervals.pre_service_grace_days as i32,
        weight_high: valid.workload.weight_high,
        weight_moderate: valid.workload.weight_moderate,
        weight_low: valid.workload.weight_low,
        max_weighted_caseload: valid.workload.max_weighted_caseload,
        max_contacts_per_month: valid.workload.max_contacts_per_month,
        max_groups: valid.workload.max_groups,
        max_open_referrals: valid.workload.max_open_referrals,
        review_months: valid.workload.review_months,
        version: version + 1,
        updated_at: now,
        updated_by: Some(actor.staff_id),
    };
    if existing.is_none() {
        personnel_setting::Entity::insert(personnel_setting::ActiveModel::from(row.clone()))
            .exec_without_returning(&*txn)
            .await
            .map_err(|e| match db::WriteError::from_db(e, "org_id") {
                db::WriteError::Duplicate { .. } => AppError::Conflict,
                other => other.into(),
            })?;
    } else {
        let result = personnel_setting::Entity::update_many()
            .set(personnel_setting::ActiveModel::from(row.clone()).reset_all())
            .filter(personnel_setting::Column::OrgId.eq(org_id))
            .filter(personnel_setting::Column::Version.eq(version))
            .exec(&*txn)
            .await?;
        if result.rows_affected == 0 {
            return Err(AppError::Conflict);
        }
    }
    valid.version = row.version;
    let entry = actor_entry(actor, "personnel.settings.update").detail(json!({
        "version": row.version,
        "fields": changed_settings(&before, &valid),
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(valid)
}

/// Names of the settings that changed, for the audit entry.
fn changed_settings(a: &Settings, b: &Settings) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut check = |name: &'static str, differs: bool| {
        if differs {
            out.push(name);
        }
    };
    check("gap_policy", a.gap_policy != b.gap_policy);
    check("supervision_days", a.intervals.supervision_days != b.intervals.supervision_days);
    check("mentoring_days", a.intervals.mentoring_days != b.intervals.mentoring_days);
    check("in_service_months", a.intervals.in_service_months != b.intervals.in_service_months);
    check("pre_service_grace_days", a.intervals.pre_service_grace_days != b.intervals.pre_service_grace_days);
    check("weight_high", a.workload.weight_high != b.workload.weight_high);
    check("weight_moderate", a.workload.weight_moderate != b.workload.weight_moderate);
    check("weight_low", a.workload.weight_low != b.workload.weight_low);
    check("max_weighted_caseload", a.workload.max_weighted_caseload != b.workload.max_weighted_caseload);
    check("max_contacts_per_month", a.workload.max_contacts_per_month != b.workload.max_contacts_per_month);
    check("max_groups", a.workload.max_groups != b.workload.max_groups);
    check("max_open_referrals", a.workload.max_open_referrals != b.workload.max_open_referrals);
    check("review_months", a.workload.review_months != b.workload.review_months);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 18);

    fn defaults() -> PersonnelSettingsInput {
        PersonnelSettingsInput::of(&Settings::default())
    }

    fn first_error(input: &PersonnelSettingsInput) -> Option<(String, &'static str)> {
        validate_settings(input).err().map(|e| (e.0[0].field.clone(), e.0[0].message_id))
    }

    #[test]
    fn every_code_has_an_english_label() {
        use crate::domain::personnel::NeedLevel;
        let tr = crate::i18n::Tr::new(crate::domain::codes::UiLanguage::En);
        let mut ids: Vec<String> = WorkloadDecision::ALL.iter().map(|d| d.message_id()).collect();
        ids.extend(NeedLevel::ALL.iter().map(|l| l.message_id()));
        ids.extend(GapPolicy::ALL.iter().map(|p| p.message_id()));
        for id in ids {
            assert_ne!(tr.t(&id), id, "{id} has no label");
        }
        for o in
            [OverThreshold::WeightedCaseload, OverThreshold::Contacts, OverThreshold::Groups, OverThreshold::Referrals]
        {
            let text = tr.t1(o.message_id(), "limit", "5");
            assert!(text.contains('5') && text != o.message_id(), "{text}");
        }
    }

    #[test]
    fn the_defaults_pass_and_round_trip() {
        let s = validate_settings(&defaults()).unwrap();
        assert_eq!(s.intervals, Intervals::default());
        assert_eq!(s.workload, WorkloadRules::default());
        assert_eq!(s.gap_policy, GapPolicy::Warn);
    }

    type Case = (fn(&mut PersonnelSettingsInput), &'static str, &'static str);

    #[test]
    fn settings_out_of_range_are_named() {
        let cases: Vec<Case> = vec![
            (|i| i.gap_policy = "ignore".into(), "gap_policy", "personnel-settings-error-gap-policy"),
            (|i| i.supervision_days = Some("6".into()), "supervision_days", "personnel-settings-error-range"),
            (|i| i.supervision_days = Some("181".into()), "supervision_days", "personnel-settings-error-range"),
            (|i| i.mentoring_days = Some("366".into()), "mentoring_days", "personnel-settings-error-range"),
            (|i| i.in_service_months = Some("0".into()), "in_service_months", "personnel-settings-error-range"),
            (
                |i| i.pre_service_grace_days = Some("-1".into()),
                "pre_service_grace_days",
                "personnel-settings-error-range",
            ),
            (|i| i.weight_high = Some("11".into()), "weight_high", "personnel-settings-error-weight"),
            (|i| i.weight_low = Some("lots".into()), "weight_low", "personnel-settings-error-weight"),
            (
                |i| i.max_weighted_caseload = Some("0".into()),
                "max_weighted_caseload",
                "personnel-settings-error-threshold",
            ),
            (|i| i.max_groups = Some("0".into()), "max_groups", "personnel-settings-error-threshold-whole"),
            (|i| i.review_months = Some("25".into()), "review_months", "personnel-settings-error-range"),
            (|i| i.review_months = None, "review_months", "error-required"),
        ];
        for (change, field, id) in cases {
            let mut input = defaults();
            change(&mut input);
            assert_eq!(first_error(&input), Some((field.to_string(), id)), "{field}");
        }
        let mut zero_weight = defaults();
        zero_weight.weight_low = Some("0".into());
        assert!(validate_settings(&zero_weight).is_ok(), "a weight of 0 leaves a level out");
    }

    #[test]
    fn a_review_defaults_its_next_date_and_checks_the_order() {
        let rules = WorkloadRules::default();
        let input = WorkloadReviewInput {
            reviewed_on: "2026-11-10".into(),
            decision: "no-change".into(),
            ..Default::default()
        };
        let valid = validate_review(&input, &rules, TODAY).unwrap();
        assert_eq!(valid.next_review_on, date!(2027 - 05 - 10));
        let before = WorkloadReviewInput { next_review_on: Some("2026-11-10".into()), ..input.clone() };
        let errors = validate_review(&before, &rules, TODAY).unwrap_err();
        assert_eq!(errors.0[0].message_id, "workload-error-next-not-after");
        let future = WorkloadReviewInput { reviewed_on: "2026-11-19".into(), ..input.clone() };
        assert_eq!(validate_review(&future, &rules, TODAY).unwrap_err().0[0].message_id, "workload-error-future");
        let unknown = WorkloadReviewInput { decision: "fire".into(), ..input };
        assert_eq!(
            validate_review(&unknown, &rules, TODAY).unwrap_err().0[0].message_id,
            "workload-error-decision-unknown"
        );
    }

    #[test]
    fn measures_keep_the_rules_they_were_taken_under() {
        let counts = WorkloadCounts {
            people_high: 10,
            people_moderate: 8,
            people_low: 6,
            contacts_last_30_days: 120,
            groups: 2,
            open_referrals: 3,
        };
        let m = WorkloadMeasures::of(&counts, &WorkloadRules::default());
        assert_eq!(m.weighted_caseload, 31.0);
        assert_eq!(m.over, vec!["weighted-caseload", "contacts"]);
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(WorkloadMeasures::parse(&text), Some(m));
    }
}
