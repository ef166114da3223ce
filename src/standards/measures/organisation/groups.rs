//! CSE 5: education and support groups. Groups are few and loaded; their sessions, attendance and
//! feedback are counted in SQL (a year of weekly groups is thousands of sessions), and the 12-month
//! schedule comes from the accreditation report `groups::evidence::build` itself.

use super::{as_of, count_of, db_err, failing, instants, org_of};
use crate::db::entities::{group_attendance, group_feedback, group_session, support_group};
use crate::domain::groups::{AttendanceStatus, GroupStatus, SessionStatus};
use crate::groups::evidence::{self, EvidenceStatus, ScheduleFilter};
use crate::standards::measures::{FAILING_SHOWN, MeasureKey, MeasureResult, RecordKind, Scope};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;
use uuid::Uuid;

async fn active_groups(conn: &DatabaseConnection, org_id: Uuid) -> Result<Vec<support_group::Model>, DbErr> {
    support_group::Entity::find()
        .filter(support_group::Column::OrgId.eq(org_id))
        .filter(support_group::Column::Status.eq(GroupStatus::Active.code()))
        .order_by_asc(support_group::Column::Name)
        .all(conn)
        .await
}

fn group_link(id: Uuid) -> String {
    format!("/groups/{id}")
}

/// CSE 5 evidence (the group schedule for the past 12 months). Total: active groups with at least
/// one session over by `as_of` in the 12 months up to it (sessions exist only from a group's first
/// schedule, so a newer group is judged since it started). Met: every such session is on record as
/// held with attendance (members, drop-ins or an anonymous count) or cancelled with a reason, as the
/// schedule report `groups::evidence::build` lays the schedules and stored sessions out. Sessions of
/// `as_of` itself, when it is today, are not yet due. Failing: the group, with how many of its past
/// sessions fall short and the date of the first.
pub(super) async fn schedule_kept(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    let org = org_of(conn, scope.org_id).await?;
    let as_of = as_of(scope);
    let groups = active_groups(conn, scope.org_id).await?;
    if groups.is_empty() {
        return Ok(MeasureResult::new(MeasureKey::GroupScheduleKept, 0, 0, Vec::new()));
    }
    let now = if as_of < scope.today {
        instants(&org.time_zone, as_of, as_of).1
    } else {
        evidence::local_midnight(&org.time_zone, as_of)
    };
    // The whole organisation's report (its cheapest form); inactive groups' lines are ignored.
    let filter = ScheduleFilter::year_to(as_of);
    let report = evidence::build(conn, scope.org_id, &org.time_zone, &evidence::Scope::All, &filter, now)
        .await
        .map_err(db_err)?;
    // Per group: past sessions, and those falling short with the first one's date.
    let mut seen: HashMap<Uuid, (u64, u64, Option<time::Date>)> = HashMap::new();
    for s in &report.sessions {
        let kept = match s.status {
            EvidenceStatus::Upcoming => continue,
            EvidenceStatus::Held => s.attendance > 0,
            EvidenceStatus::Cancelled => s.cancel_reason.as_deref().is_some_and(|r| !r.trim().is_empty()),
            EvidenceStatus::Unrecorded => false,
        };
        let entry = seen.entry(s.group_id).or_default();
        entry.0 += 1;
        if !kept {
            entry.1 += 1;
            entry.2 = Some(entry.2.map_or(s.date, |d| Ord::min(d, s.date)));
        }
    }
    let (mut total, mut met) = (0, 0);
    let mut out = Vec::new();
    for g in &groups {
        let Some((sessions, short, first)) = seen.get(&g.id) else { continue };
        total += 1;
        if *short == 0 {
            met += 1;
            continue;
        }
        let args = [
            ("missing", short.to_string()),
            ("sessions", sessions.to_string()),
            ("first", first.map(|d| d.to_string()).unwrap_or_default()),
        ];
        let link = format!("/groups/{}#sessions", g.id);
        out.push(failing(RecordKind::Group, g.id, &g.name, "readiness-why-group-schedule-gaps", &args, link));
    }
    Ok(MeasureResult::new(MeasureKey::GroupScheduleKept, met, total, out))
}

/// CSE 5.01. Total: active groups. Met: the group follows a curriculum. Failing: the group.
pub(super) async fn curricula(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    let groups = active_groups(conn, scope.org_id).await?;
    let met = groups.iter().filter(|g| g.curriculum_id.is_some()).count() as u64;
    let out = groups
        .iter()
        .filter(|g| g.curriculum_id.is_none())
        .map(|g| failing(RecordKind::Group, g.id, &g.name, "readiness-why-group-no-curriculum", &[], group_link(g.id)))
        .collect();
    Ok(MeasureResult::new(MeasureKey::GroupCurricula, met, groups.len() as u64, out))
}

/// A session log that says what was covered and how the group is going or was adapted.
const LOG_COMPLETE: &str = "(logged_at IS NOT NULL AND COALESCE(TRIM(topics_covered), '') <> '' \
     AND (COALESCE(TRIM(progress), '') <> '' OR COALESCE(TRIM(adaptations), '') <> ''))";

/// CSE 5.02 (logs). Total: sessions of any group held in the period (status held: attendance or a
/// log recorded). Met: a session log with the topics covered and the group's progress or the
/// adaptations made. Counted in SQL. Failing: the session (labelled by group and date), oldest first.
pub(super) async fn session_logs(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    use group_session::Column as C;
    let org = org_of(conn, scope.org_id).await?;
    let (start, end) = instants(&org.time_zone, scope.period.from, scope.period.to);
    let held = || {
        group_session::Entity::find()
            .filter(C::OrgId.eq(scope.org_id))
            .filter(C::Status.eq(SessionStatus::Held.code()))
            .filter(C::StartsAt.gte(start))
            .filter(C::StartsAt.lt(end))
    };
    let (total, met): (i64, Option<i64>) = held()
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "total")
        .column_as(Expr::cust(format!("SUM(CASE WHEN {LOG_COMPLETE} THEN 1 ELSE 0 END)")), "met")
        .into_tuple()
        .one(conn)
        .await?
        .unwrap_or((0, None));
    let rows: Vec<(Uuid, Uuid, OffsetDateTime, Option<OffsetDateTime>)> = held()
        .filter(Expr::cust(format!("NOT {LOG_COMPLETE}")))
        .select_only()
        .columns([C::Id, C::GroupId, C::StartsAt, C::LoggedAt])
        .order_by_asc(C::StartsAt)
        .order_by_asc(C::Id)
        .limit(FAILING_SHOWN as u64)
        .into_tuple()
        .all(conn)
        .await?;
    let names = group_names(conn, scope.org_id).await?;
    let out = rows
        .into_iter()
        .map(|(id, group_id, starts_at, logged_at)| {
            let date = crate::app::local_date(&org.time_zone, starts_at).to_string();
            let label = format!("{} · {date}", names.get(&group_id).map(String::as_str).unwrap_or_default());
            let why = if logged_at.is_some() {
                "readiness-why-session-log-incomplete"
            } else {
                "readiness-why-session-no-log"
            };
            let link = format!("/groups/{group_id}/sessions/{id}");
            failing(RecordKind::GroupSession, id, &label, why, &[("date", date)], link)
        })
        .collect();
    Ok(MeasureResult::new(MeasureKey::SessionLogs, count_of(met), count_of(Some(total)), out))
}

async fn group_names(conn: &DatabaseConnection, org_id: Uuid) -> Result<HashMap<Uuid, String>, DbErr> {
    Ok(support_group::Entity::find()
        .select_only()
        .columns([support_group::Column::Id, support_group::Column::Name])
        .filter(support_group::Column::OrgId.eq(org_id))
        .into_tuple::<(Uuid, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

/// Held sessions in the period per group (one grouped query).
async fn held_per_group(
    conn: &DatabaseConnection,
    org_id: Uuid,
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> Result<HashMap<Uuid, i64>, DbErr> {
    use group_session::Column as C;
    Ok(group_session::Entity::find()
        .select_only()
        .column(C::GroupId)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(C::OrgId.eq(org_id))
        .filter(C::Status.eq(SessionStatus::Held.code()))
        .filter(C::StartsAt.gte(start))
        .filter(C::StartsAt.lt(end))
        .group_by(C::GroupId)
        .into_tuple::<(Uuid, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

/// Active groups that held sessions in the period, with how many.
async fn meeting_groups(
    conn: &DatabaseConnection,
    scope: &Scope,
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> Result<Vec<(support_group::Model, i64)>, DbErr> {
    let held = held_per_group(conn, scope.org_id, start, end).await?;
    Ok(active_groups(conn, scope.org_id).await?.into_iter().filter_map(|g| held.get(&g.id).map(|n| (g, *n))).collect())
}

/// CSE 5.03. Total: active groups that held sessions in the period. Met: at a held session in the
/// period, a member marked present took on a responsibility or leadership role (co-facilitating,
/// welcoming newcomers, sharing their story, leading an activity, setting up, other), as the session
/// log records on the attendance. Failing: the group, with its sessions held.
pub(super) async fn member_leadership(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    use group_attendance::Column as A;
    use group_session::Column as S;
    let org = org_of(conn, scope.org_id).await?;
    let (start, end) = instants(&org.time_zone, scope.period.from, scope.period.to);
    let groups = meeting_groups(conn, scope, start, end).await?;
    let (a, s) = (Alias::new("a"), Alias::new("s"));
    let mut q = Query::select();
    q.distinct()
        .expr_as(Expr::col((a.clone(), A::GroupId)), Alias::new("group_id"))
        .from_as(group_attendance::Entity, a.clone())
        .join_as(
            sea_orm::JoinType::InnerJoin,
            group_session::Entity,
            s.clone(),
            Expr::col((s.clone(), S::Id))
                .equals((a.clone(), A::SessionId))
                .and(Expr::col((s.clone(), S::OrgId)).equals((a.clone(), A::OrgId))),
        )
        .and_where(Expr::col((a.clone(), A::OrgId)).eq(scope.org_id))
        .and_where(Expr::col((a.clone(), A::Status)).eq(AttendanceStatus::Present.code()))
        .and_where(Expr::col((a.clone(), A::Leadership)).is_not_null())
        .and_where(Expr::col((a.clone(), A::Leadership)).ne(""))
        .and_where(Expr::col((s.clone(), S::Status)).eq(SessionStatus::Held.code()))
        .and_where(Expr::col((s.clone(), S::StartsAt)).gte(start))
        .and_where(Expr::col((s.clone(), S::StartsAt)).lt(end));
    let mut led: HashSet<Uuid> = HashSet::new();
    for row in conn.query_all_raw(conn.get_database_backend().build(&q)).await? {
        led.insert(row.try_get("", "group_id")?);
    }
    Ok(per_group(MeasureKey::MemberLeadership, &groups, &led, "readiness-why-group-no-leadership"))
}

/// CSE 5.02 (member feedback). Total: active groups that held sessions in the period (a group that
/// did not meet has nothing to hear about; adapted from "active groups"). Met: member feedback (a
/// check-out answer, given by the member or recorded by the facilitator) recorded in the period.
/// Failing: the group, with its sessions held.
pub(super) async fn group_feedback(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    use group_feedback::Column as F;
    let org = org_of(conn, scope.org_id).await?;
    let (start, end) = instants(&org.time_zone, scope.period.from, scope.period.to);
    let groups = meeting_groups(conn, scope, start, end).await?;
    let heard: HashSet<Uuid> = group_feedback::Entity::find()
        .select_only()
        .column(F::GroupId)
        .distinct()
        .filter(F::OrgId.eq(scope.org_id))
        .filter(F::CreatedAt.gte(start))
        .filter(F::CreatedAt.lt(end))
        .into_tuple::<Uuid>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    Ok(per_group(MeasureKey::GroupFeedback, &groups, &heard, "readiness-why-group-no-feedback"))
}

fn per_group(key: MeasureKey, groups: &[(support_group::Model, i64)], met: &HashSet<Uuid>, why: &str) -> MeasureResult {
    let out = groups
        .iter()
        .filter(|(g, _)| !met.contains(&g.id))
        .map(|(g, n)| failing(RecordKind::Group, g.id, &g.name, why, &[("sessions", n.to_string())], group_link(g.id)))
        .collect();
    let count = groups.iter().filter(|(g, _)| met.contains(&g.id)).count() as u64;
    MeasureResult::new(key, count, groups.len() as u64, out)
}
