//! Intake (CSE 3.01–3.03, 4.03): requests screened, time to first service, people not served
//! redirected, risk screening and the response to an elevated result.

use super::{Counted, Ctx, Sql, arg, measure, met, person_row, request_failing};
use crate::db::intake::{ProgramIntake, all_settings};
use crate::domain::codes::{RequestStatus, Urgency};
use crate::domain::intake::{IntakeTargets, urgency_rank};
use crate::domain::risk::RiskLevel;
use sea_orm::{DatabaseConnection, DbErr};
use uuid::Uuid;

/// Days allowed after a first enrolment (or first service) for the first risk screen.
const SCREEN_WITHIN_DAYS: i64 = 30;

/// `CASE` on the request's urgency rank giving its target in days.
fn targets_case(targets: IntakeTargets) -> String {
    let mut out = String::from("CASE r.urgency_rank");
    for urgency in [Some(Urgency::Emergency), Some(Urgency::Urgent), None, Some(Urgency::Routine)] {
        out.push_str(&format!(" WHEN {} THEN {}", urgency_rank(urgency), targets.days_for(urgency)));
    }
    out.push_str(&format!(" ELSE {} END", targets.days_for(None)));
    out
}

/// The requests received in the period, one row each: their decision fields, the day received in
/// the organisation's zone (`intake::received_on`) and the target of their program for their
/// urgency (`Context::settings`: saved settings, else the defaults).
async fn requests_in_period(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Sql, DbErr> {
    let settings = all_settings(conn, ctx.org_id).await?;
    let mut sql = ctx.sql();
    sql.push(
        "SELECT r.id, r.person_id, r.status, r.fit, r.offer, r.offer_from, r.referred_to, r.close_reason, \
         r.first_service_on, r.enrolment_id, r.received_at, ",
    );
    ctx.local_day(&mut sql, "r.received_at");
    sql.push(" AS received_on, CASE");
    let mut programs: Vec<(&Uuid, &ProgramIntake)> = settings.iter().collect();
    programs.sort_by_key(|(id, _)| **id);
    for (id, s) in programs {
        sql.push(" WHEN r.program_id = ").bind(*id).push(&format!(" THEN {}", targets_case(s.targets)));
    }
    sql.push(&format!(" ELSE {} END AS target_days", targets_case(ProgramIntake::defaults(Uuid::nil()).targets)));
    sql.push(" FROM service_requests r WHERE r.org_id = ").bind(ctx.org_id).push(" AND ");
    ctx.in_period(&mut sql, "r.received_at");
    Ok(sql)
}

fn status_in(statuses: &[RequestStatus]) -> String {
    let codes: Vec<String> = statuses.iter().map(|s| format!("'{}'", s.code())).collect();
    format!("({})", codes.join(", "))
}

/// Requests received in the period with a screening decision: fit recorded with what was offered
/// (an offer, a start date, a first service, or the place referred to), or closed or referred out
/// with a reason. An open request with no decision is not yet counted while it is still within its
/// intake target, since the decision is not due before the first service is.
pub(super) async fn requests_screened(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let inner = requests_in_period(conn, ctx).await?;
    let decided = format!(
        "((q.fit IS NOT NULL AND (q.offer IS NOT NULL OR q.offer_from IS NOT NULL OR q.first_service_on IS NOT NULL \
         OR q.referred_to IS NOT NULL)) OR q.close_reason IS NOT NULL OR q.status = '{}')",
        RequestStatus::ReferredOut.code()
    );
    let waited = ctx.days("q.received_on", &ctx.day(ctx.today));
    let mut sql = ctx.sql();
    sql.text = format!(
        "SELECT q.id, q.received_on, CASE WHEN q.fit IS NULL THEN 0 ELSE 1 END AS has_fit, {} FROM ({}) q \
         WHERE {decided} OR {waited} > q.target_days",
        met(&decided),
        inner.text
    );
    sql.values = inner.values;
    measure(conn, ctx, sql, "x.received_on, x.id", |row| {
        let id: Uuid = row.try_get("", "id")?;
        let has_fit: i32 = row.try_get("", "has_fit")?;
        let received: time::Date = row.try_get("", "received_on")?;
        let why = if has_fit == 1 { "readiness-why-request-no-offer" } else { "readiness-why-request-not-screened" };
        Ok(request_failing(id, why, vec![arg("received", received)]))
    })
    .await
}

/// Requests received in the period whose first service came within their program's target for
/// their urgency (`domain::intake::timeliness`). As in the time-to-service report, requests
/// referred out or closed without service are left out, and one still waiting within its target is
/// not yet due.
pub(super) async fn intake_timely(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let inner = requests_in_period(conn, ctx).await?;
    let taken = ctx.days("q.received_on", &format!("COALESCE(q.first_service_on, {})", ctx.day(ctx.today)));
    let mut sql = ctx.sql();
    sql.text = format!(
        "SELECT q.id, q.target_days, {taken} AS days_taken, \
         CASE WHEN q.first_service_on IS NULL THEN 0 ELSE 1 END AS served, {} FROM ({}) q \
         WHERE NOT (q.status IN {} AND q.first_service_on IS NULL) \
         AND (q.first_service_on IS NOT NULL OR {taken} > q.target_days)",
        met(&format!("q.first_service_on IS NOT NULL AND {taken} <= q.target_days")),
        inner.text,
        status_in(&[RequestStatus::ReferredOut, RequestStatus::Closed]),
    );
    sql.values = inner.values;
    measure(conn, ctx, sql, "x.days_taken - x.target_days DESC, x.id", |row| {
        let id: Uuid = row.try_get("", "id")?;
        let days: i64 = row.try_get::<Option<i64>>("", "days_taken")?.unwrap_or(0);
        let target: i32 = row.try_get("", "target_days")?;
        let served: i32 = row.try_get("", "served")?;
        let why = if served == 1 { "readiness-why-intake-late" } else { "readiness-why-intake-waiting" };
        Ok(request_failing(id, why, vec![arg("days", days), arg("target", target)]))
    })
    .await
}

/// Requests received in the period that we did not serve — found not a fit, referred out, or still
/// waiting past their target with no first service — that have a waiting-list place, a place
/// referred to at screening, or a referral made for the person since the request arrived. Requests
/// closed as withdrawn, duplicate, unreachable or information only were not turned away, so they
/// are left out.
pub(super) async fn unserved_redirected(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let inner = requests_in_period(conn, ctx).await?;
    let waited = ctx.days("q.received_on", &ctx.day(ctx.today));
    let mut sql = ctx.sql();
    sql.push("SELECT q.id, q.received_on, CASE WHEN q.referred_to IS NOT NULL OR EXISTS (SELECT 1 FROM waitlist_entries w WHERE w.org_id = ")
        .bind(ctx.org_id)
        .push(" AND w.request_id = q.id) OR EXISTS (SELECT 1 FROM referrals f WHERE f.org_id = ")
        .bind(ctx.org_id)
        .push(" AND f.person_id = q.person_id AND f.created_at >= q.received_at) THEN 1 ELSE 0 END AS met FROM (")
        .append(&inner)
        .push(&format!(
            ") q WHERE q.first_service_on IS NULL AND q.enrolment_id IS NULL AND (q.fit = 'does-not-fit' \
             OR q.status = '{}' OR (q.status IN {} AND {waited} > q.target_days))",
            RequestStatus::ReferredOut.code(),
            status_in(&[RequestStatus::New, RequestStatus::Screened, RequestStatus::Waiting]),
        ));
    measure(conn, ctx, sql, "x.received_on, x.id", |row| {
        let id: Uuid = row.try_get("", "id")?;
        let received: time::Date = row.try_get("", "received_on")?;
        Ok(request_failing(id, "readiness-why-request-not-redirected", vec![arg("received", received)]))
    })
    .await
}

/// People whose first enrolment or first service (the earlier) falls in the period, with a risk
/// screen by 30 days after it. Someone started within the last 30 days and not yet screened is not
/// yet due.
pub(super) async fn risk_screened(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let mut screened = ctx.sql();
    screened.push("EXISTS (SELECT 1 FROM risk_screens s WHERE s.org_id = p.org_id AND s.person_id = p.id AND ");
    ctx.local_day(&mut screened, "s.screened_at");
    screened.push(&format!(" <= {})", ctx.add_days("f.first_on", SCREEN_WITHIN_DAYS)));
    let mut sql = ctx.sql();
    sql.push("SELECT p.id AS person_id, p.record_number, f.first_on, CASE WHEN ")
        .append(&screened)
        .push(
            " THEN 1 ELSE 0 END AS met FROM (SELECT u.person_id, MIN(u.d) AS first_on FROM \
             (SELECT e.person_id, e.started_on AS d FROM enrolments e WHERE e.org_id = ",
        )
        .bind(ctx.org_id)
        .push(" UNION ALL SELECT r.person_id, r.first_service_on AS d FROM service_requests r WHERE r.org_id = ")
        .bind(ctx.org_id)
        .push(" AND r.person_id IS NOT NULL AND r.first_service_on IS NOT NULL) u GROUP BY u.person_id) f ")
        .push("JOIN people p ON p.org_id = ")
        .bind(ctx.org_id)
        .push(&format!(" AND p.id = f.person_id WHERE {} AND (", ctx.day_in_period("f.first_on")))
        .append(&screened)
        .push(&format!(
            " OR f.first_on < {})",
            ctx.day(ctx.today.saturating_sub(time::Duration::days(SCREEN_WITHIN_DAYS)))
        ));
    measure(conn, ctx, sql, "x.first_on, x.record_number", |row| {
        let first: time::Date = row.try_get("", "first_on")?;
        person_row(row, "readiness-why-risk-not-screened", vec![arg("started", first)])
    })
    .await
}

fn elevated() -> String {
    let codes: Vec<String> =
        RiskLevel::ALL.iter().filter(|l| l.needs_response()).map(|l| format!("'{}'", l.code())).collect();
    format!("({})", codes.join(", "))
}

/// Risk screens in the period with an elevated result (moderate or high: the levels
/// `RiskLevel::needs_response` holds to a recorded response) that have a response on record. Counted
/// per screen; the failing entry names the screen's person.
pub(super) async fn risk_responded(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let mut sql = ctx.sql();
    sql.push("SELECT s.id, s.person_id, p.record_number, s.screened_at, s.level, ")
        .push(&met("EXISTS (SELECT 1 FROM risk_responses r WHERE r.org_id = s.org_id AND r.screen_id = s.id)"))
        .push(" FROM risk_screens s JOIN people p ON p.org_id = s.org_id AND p.id = s.person_id WHERE s.org_id = ")
        .bind(ctx.org_id)
        .push(&format!(" AND s.level IN {} AND ", elevated()));
    ctx.in_period(&mut sql, "s.screened_at");
    measure(conn, ctx, sql, "x.screened_at, x.id", |row| {
        let level: String = row.try_get("", "level")?;
        person_row(row, "readiness-why-risk-no-response", vec![arg("level", level)])
    })
    .await
}

/// People with an elevated risk screen (moderate or high) in the period who have a safety plan.
pub(super) async fn safety_plan_when_at_risk(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let mut sql = ctx.sql();
    sql.push("SELECT p.id AS person_id, p.record_number, ")
        .push(&met("EXISTS (SELECT 1 FROM safety_plans sp WHERE sp.org_id = p.org_id AND sp.person_id = p.id)"))
        .push(" FROM people p WHERE p.org_id = ")
        .bind(ctx.org_id)
        .push(&format!(
            " AND EXISTS (SELECT 1 FROM risk_screens s WHERE s.org_id = p.org_id AND s.person_id = p.id \
             AND s.level IN {} AND ",
            elevated()
        ));
    ctx.in_period(&mut sql, "s.screened_at");
    sql.push(")");
    measure(conn, ctx, sql, "x.record_number", |row| person_row(row, "readiness-why-no-safety-plan", Vec::new())).await
}
