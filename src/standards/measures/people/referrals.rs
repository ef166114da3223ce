//! Information and referral (CSE 6.01): referrals made promptly and followed up.

use super::{Counted, Ctx, arg, measure, met};
use crate::domain::referral::{ReferralStatus, ReferralUrgency};
use crate::referrals::follow_up_days;
use crate::standards::measures::{Failing, RecordKind};
use sea_orm::{DbErr, QueryResult};
use uuid::Uuid;

/// Working days from the need to the referral (no referral setting defines it).
const REFERRAL_WORKING_DAYS: u32 = 2;

/// Calendar days from a day of the week (0 = Sunday) to `n` working days (Monday to Friday) later.
fn working_days_after(weekday: u8, n: u32) -> i64 {
    let (mut day, mut left, mut days) = (weekday % 7, n, 0);
    while left > 0 {
        days += 1;
        day = (day + 1) % 7;
        if day != 0 && day != 6 {
            left -= 1;
        }
    }
    days
}

/// A referral, named by its person's record number and the resource (a directory entry, not a person).
fn referral_failing(row: &QueryResult, why: &str, why_args: Vec<(String, String)>) -> Result<Failing, DbErr> {
    let id: Uuid = row.try_get("", "id")?;
    let person: Uuid = row.try_get("", "person_id")?;
    let number: i64 = row.try_get("", "record_number")?;
    let resource: String = row.try_get("", "resource_name")?;
    Ok(Failing {
        kind: RecordKind::Referral,
        id,
        label: format!("#{number} · {resource}"),
        why: why.into(),
        why_args,
        link: format!("/people/{person}/referrals/{id}"),
    })
}

/// Referrals made (sent) in the period within two working days of the day the need was identified
/// (the referral's `need_identified_on`, which the referral form takes from the request or the
/// conversation). Two working days is the default: no setting in the directory or referrals
/// defines another.
pub(super) async fn referrals_timely(conn: &sea_orm::DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let mut offset = format!("CASE {}", ctx.weekday("r.need_identified_on"));
    for weekday in 0..7u8 {
        offset.push_str(&format!(" WHEN {weekday} THEN {}", working_days_after(weekday, REFERRAL_WORKING_DAYS)));
    }
    offset.push_str(&format!(" ELSE {} END", REFERRAL_WORKING_DAYS));
    let deadline = if ctx.pg() {
        format!("(r.need_identified_on + {offset})")
    } else {
        format!("date(r.need_identified_on, ({offset}) || ' days')")
    };
    let mut sql = ctx.sql();
    sql.push(&format!(
        "SELECT r.id, r.person_id, p.record_number, r.resource_name, r.referred_on, {} AS days_taken, {} \
         FROM referrals r JOIN people p ON p.org_id = r.org_id AND p.id = r.person_id WHERE r.org_id = ",
        ctx.days("r.need_identified_on", "r.referred_on"),
        met(&format!("r.referred_on <= {deadline}")),
    ))
    .bind(ctx.org_id)
    .push(&format!(" AND {}", ctx.day_in_period("r.referred_on")));
    measure(conn, ctx, sql, "x.days_taken DESC, x.id", |row| {
        let days: i64 = row.try_get("", "days_taken")?;
        referral_failing(row, "readiness-why-referral-late", vec![arg("days", days)])
    })
    .await
}

/// Referrals made in the period, not cancelled, whose first follow-up fell due by today (the
/// default interval for their urgency, `referrals::follow_up_days`, or an earlier follow-up date
/// set on them) and whose outcome — connected or not — is recorded.
pub(super) async fn referrals_followed_up(conn: &sea_orm::DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let mut interval = String::from("CASE r.urgency");
    for urgency in ReferralUrgency::ALL {
        interval.push_str(&format!(" WHEN '{}' THEN {}", urgency.code(), follow_up_days(*urgency)));
    }
    interval.push_str(&format!(" ELSE {} END", follow_up_days(ReferralUrgency::Routine)));
    let due = if ctx.pg() {
        format!("(r.referred_on + {interval})")
    } else {
        format!("date(r.referred_on, ({interval}) || ' days')")
    };
    let today = ctx.day(ctx.today);
    let mut sql = ctx.sql();
    sql.push(&format!(
        "SELECT r.id, r.person_id, p.record_number, r.resource_name, {} AS days_over, {} \
         FROM referrals r JOIN people p ON p.org_id = r.org_id AND p.id = r.person_id WHERE r.org_id = ",
        ctx.days(&due, &today),
        met("r.connected IS NOT NULL"),
    ))
    .bind(ctx.org_id)
    .push(&format!(
        " AND {} AND r.status <> '{}' AND ({due} <= {today} OR r.follow_up_on <= {today})",
        ctx.day_in_period("r.referred_on"),
        ReferralStatus::Cancelled.code(),
    ));
    measure(conn, ctx, sql, "x.days_over DESC, x.id", |row| {
        let days: i64 = row.try_get("", "days_over")?;
        referral_failing(row, "readiness-why-referral-no-outcome", vec![arg("days", days.max(0))])
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_working_days_skip_the_weekend() {
        // Sunday, Monday … Saturday.
        let days: Vec<i64> = (0..7).map(|d| working_days_after(d, 2)).collect();
        assert_eq!(days, vec![2, 2, 2, 2, 4, 4, 3]);
        assert_eq!(working_days_after(5, 1), 3);
    }
}
