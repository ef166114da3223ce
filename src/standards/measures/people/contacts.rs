//! Service to people (CSE 1.02, 3.04, 4.04, 7.03; PRSC frequency, delivery, exclusions and
//! outcomes): who was served, contacted and measured.

use super::plans::INDIVIDUAL_PROGRAM;
use super::{Counted, Ctx, Sql, arg, measure, measure_failing, met, person_row};
use crate::domain::coaching::ContactMode;
use crate::domain::community::OpportunityKind;
use crate::domain::groups::{AttendanceStatus, SessionStatus};
use crate::domain::measures::{INTAKE_GRACE_DAYS, INTAKE_LOOKBACK_DAYS, PERIODIC_GRACE_DAYS};
use crate::outcomes::logic_models::month_start;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use time::{Date, Duration};
use uuid::Uuid;

/// Months one contact-frequency query marks as bits of one 64-bit mask; a longer period is judged on
/// its latest months.
const MAX_MONTHS: usize = 62;

/// A peer-delivered program of individual coaching (alias `g`, for enrolment `e`).
const PEER_COACHING: &str = "EXISTS (SELECT 1 FROM programs g WHERE g.org_id = e.org_id AND g.id = e.program_id \
     AND g.peer_delivered = TRUE AND g.serves_individuals = TRUE AND g.occasional_only = FALSE)";

/// An enrolment of person `p` open at some time in the period.
fn enrolment_open(ctx: &Ctx, program: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM enrolments e WHERE e.org_id = p.org_id AND e.person_id = p.id AND e.started_on <= {} \
         AND (e.ended_on IS NULL OR e.ended_on >= {}) AND {program})",
        ctx.day(ctx.to),
        ctx.day(ctx.from)
    )
}

/// An individual contact with person `p` in the period, with an extra condition.
fn contact_in_period(ctx: &Ctx, extra: &str) -> Sql {
    let mut sql = ctx.sql();
    sql.push("EXISTS (SELECT 1 FROM coaching_contacts c WHERE c.org_id = p.org_id AND c.person_id = p.id AND ");
    ctx.in_period(&mut sql, "c.occurred_at");
    sql.push(&format!(" AND c.group_session_id IS NULL{extra})"));
    sql
}

/// People served in the period — as `outcomes::logic_models` counts them: a contact of any kind, presence
/// at a held group session, a referral made, or an enrolment open during the period — with race or
/// ethnicity recorded (a "declined" answer is a recorded answer).
pub(super) async fn race_ethnicity_recorded(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let recorded = "COALESCE(p.race_codes, '') <> '' OR COALESCE(p.ethnicity, '') <> '' \
         OR COALESCE(p.race_self_described, '') <> '' OR COALESCE(p.ethnicity_self_described, '') <> ''";
    let mut sql = ctx.sql();
    sql.push(&format!("SELECT p.id AS person_id, p.record_number, {} FROM people p WHERE p.org_id = ", met(recorded)))
        .bind(ctx.org_id)
        .push(&format!(
            " AND ({} OR EXISTS (SELECT 1 FROM coaching_contacts c WHERE c.org_id = p.org_id ",
            enrolment_open(ctx, "1 = 1")
        ))
        .push("AND c.person_id = p.id AND ");
    ctx.in_period(&mut sql, "c.occurred_at");
    sql.push(&format!(
        ") OR EXISTS (SELECT 1 FROM group_attendance a JOIN group_sessions s ON s.org_id = a.org_id \
         AND s.id = a.session_id WHERE a.org_id = p.org_id AND a.person_id = p.id AND a.status = '{}' \
         AND s.status = '{}' AND ",
        AttendanceStatus::Present.code(),
        SessionStatus::Held.code()
    ));
    ctx.in_period(&mut sql, "s.starts_at");
    sql.push(&format!(
        ") OR EXISTS (SELECT 1 FROM referrals r WHERE r.org_id = p.org_id AND r.person_id = p.id AND {}))",
        ctx.day_in_period("r.referred_on")
    ));
    measure(conn, ctx, sql, "x.record_number", |row| person_row(row, "readiness-why-race-not-recorded", Vec::new()))
        .await
}

/// People with an enrolment open during the period in a program serving individuals (not
/// occasional-only) who have an individual contact with a note in the period.
pub(super) async fn progress_documented(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let noted = contact_in_period(ctx, " AND TRIM(c.note) <> ''");
    let mut sql = ctx.sql();
    sql.push("SELECT p.id AS person_id, p.record_number, CASE WHEN ")
        .append(&noted)
        .push(" THEN 1 ELSE 0 END AS met FROM people p WHERE p.org_id = ")
        .bind(ctx.org_id)
        .push(&format!(" AND {}", enrolment_open(ctx, INDIVIDUAL_PROGRAM)));
    measure(conn, ctx, sql, "x.record_number", |row| person_row(row, "readiness-why-no-progress-note", Vec::new()))
        .await
}

/// Mutual-aid connections made in the period where the coach did more than name a time and place:
/// the data model records that help as one or more `MutualAidHelp` codes (discussed what to
/// expect, went to the first meeting, introduced to members, followed up).
pub(super) async fn mutual_aid_supported(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let mut sql = ctx.sql();
    sql.push(&format!(
        "SELECT m.id, m.person_id, p.record_number, m.connected_on, {} FROM mutual_aid_connections m \
         JOIN people p ON p.org_id = m.org_id AND p.id = m.person_id WHERE m.org_id = ",
        met("TRIM(m.help) <> ''")
    ))
    .bind(ctx.org_id)
    .push(&format!(" AND {}", ctx.day_in_period("m.connected_on")));
    measure(conn, ctx, sql, "x.connected_on, x.id", |row| {
        let on: Date = row.try_get("", "connected_on")?;
        person_row(row, "readiness-why-mutual-aid-time-place-only", vec![arg("date", on)])
    })
    .await
}

/// People with an enrolment open during the period in a peer-delivered program who were offered,
/// or took part in, an opportunity to give back during it: giving peer support, volunteering (with
/// us or in the local community) or a leadership role.
pub(super) async fn opportunities_offered(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let kinds: Vec<String> = [
        OpportunityKind::GivingPeerSupport,
        OpportunityKind::Volunteering,
        OpportunityKind::LocalVolunteering,
        OpportunityKind::LeadershipRole,
    ]
    .iter()
    .map(|k| format!("'{}'", k.code()))
    .collect();
    let offered = format!(
        "EXISTS (SELECT 1 FROM opportunities o WHERE o.org_id = p.org_id AND o.person_id = p.id AND o.kind IN ({}) \
         AND ({} OR (o.status IN ('taken', 'completed') AND COALESCE(o.taken_on, o.completed_on) <= {} \
         AND (o.completed_on IS NULL OR o.completed_on >= {}))))",
        kinds.join(", "),
        ctx.day_in_period("o.offered_on"),
        ctx.day(ctx.to),
        ctx.day(ctx.from),
    );
    let peer = "EXISTS (SELECT 1 FROM programs g WHERE g.org_id = e.org_id AND g.id = e.program_id \
         AND g.peer_delivered = TRUE)";
    let mut sql = ctx.sql();
    sql.push(&format!("SELECT p.id AS person_id, p.record_number, {} FROM people p WHERE p.org_id = ", met(&offered)))
        .bind(ctx.org_id)
        .push(&format!(" AND {}", enrolment_open(ctx, peer)));
    measure(conn, ctx, sql, "x.record_number", |row| person_row(row, "readiness-why-no-opportunity", Vec::new())).await
}

/// The calendar months lying wholly within `from..=to`: (first day, last day).
fn whole_months(from: Date, to: Date) -> Vec<(Date, Date)> {
    let mut months = Vec::new();
    let mut m = month_start(from);
    if m < from {
        m = crate::domain::coaching::add_one_month(m);
    }
    loop {
        let next = crate::domain::coaching::add_one_month(m);
        let Some(last) = next.previous_day() else { break };
        if last > to || next <= m {
            break;
        }
        months.push((m, last));
        m = next;
    }
    if months.len() > MAX_MONTHS {
        months.drain(..months.len() - MAX_MONTHS);
    }
    months
}

/// People enrolled in a peer-delivered individual coaching program contacted (an individual contact)
/// at least once in every calendar month that lies wholly within the period (up to today) and that
/// one of those enrolments covered from its first day to its last. Failing entries list the months
/// missed.
///
/// Each month is one bit. Two grouped passes build the masks, the months each person's enrolments
/// cover and the months with a contact (`SUM(DISTINCT bit)` is their union), and a person misses
/// `need & ~have`: a probe per person and month took 3 s over 50 000 people, the passes a fifth of it.
pub(super) async fn contact_monthly(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let months = whole_months(ctx.from, ctx.asof);
    let (Some(first), Some(last)) = (months.first(), months.last()) else { return Ok(Counted::default()) };
    let mut sql = ctx.sql();
    sql.push("WITH m (bit, first_day, last_day, starts, ends) AS (VALUES ");
    for (i, (m_first, m_last)) in months.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push(&format!("(CAST({} AS BIGINT), {}, {}, ", 1i64 << i, ctx.day(*m_first), ctx.day(*m_last)))
            .bind(ctx.midnight(*m_first))
            .push(", ")
            .bind(ctx.midnight(m_last.next_day().unwrap_or(*m_last)))
            .push(")");
    }
    sql.push(
        "), need AS (SELECT e.person_id, CAST(SUM(DISTINCT m.bit) AS BIGINT) AS need FROM enrolments e \
         JOIN m ON e.started_on <= m.first_day AND (e.ended_on IS NULL OR e.ended_on >= m.last_day) \
         WHERE e.org_id = ",
    )
    .bind(ctx.org_id)
    .push(&format!(
        " AND {PEER_COACHING} GROUP BY e.person_id), \
         have AS (SELECT c.person_id, CAST(SUM(DISTINCT m.bit) AS BIGINT) AS have FROM coaching_contacts c \
         JOIN m ON c.occurred_at >= m.starts AND c.occurred_at < m.ends WHERE c.org_id = "
    ))
    .bind(ctx.org_id)
    .push(" AND c.occurred_at >= ")
    .bind(ctx.midnight(first.0))
    .push(" AND c.occurred_at < ")
    .bind(ctx.midnight(last.1.next_day().unwrap_or(last.1)))
    .push(
        " AND c.group_session_id IS NULL GROUP BY c.person_id) \
         SELECT y.*, CASE WHEN y.missed = 0 THEN 1 ELSE 0 END AS met FROM (SELECT p.id AS person_id, \
         p.record_number, n.need, n.need & ~COALESCE(h.have, 0) AS missed FROM need n \
         JOIN people p ON p.org_id = ",
    )
    .bind(ctx.org_id)
    .push(" AND p.id = n.person_id LEFT JOIN have h ON h.person_id = n.person_id) y");
    let names: Vec<String> = months.iter().map(|(m, _)| format!("{:04}-{:02}", m.year(), m.month() as u8)).collect();
    measure(conn, ctx, sql, "x.record_number", |row| {
        let missed: i64 = row.try_get("", "missed")?;
        let list: Vec<&str> =
            names.iter().enumerate().filter(|(i, _)| missed & (1i64 << i) != 0).map(|(_, n)| n.as_str()).collect();
        person_row(
            row,
            "readiness-why-contact-months-missed",
            vec![arg("count", list.len()), arg("months", list.join(", "))],
        )
    })
    .await
}

/// People with an individual contact in the period who had at least one face to face. One grouped
/// pass over the period's contacts, read from the contact-outputs index alone.
pub(super) async fn in_person_contact(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let mut sql = ctx.sql();
    sql.push(&format!(
        "SELECT p.id AS person_id, p.record_number, c.met FROM (SELECT c.person_id, \
         MAX(CASE WHEN c.mode = '{}' THEN 1 ELSE 0 END) AS met FROM coaching_contacts c WHERE c.org_id = ",
        ContactMode::FaceToFace.code()
    ))
    .bind(ctx.org_id)
    .push(" AND ");
    ctx.in_period(&mut sql, "c.occurred_at");
    sql.push(" AND c.group_session_id IS NULL GROUP BY c.person_id) c JOIN people p ON p.org_id = ")
        .bind(ctx.org_id)
        .push(" AND p.id = c.person_id");
    measure(conn, ctx, sql, "x.record_number", |row| person_row(row, "readiness-why-no-face-to-face", Vec::new())).await
}

/// Individual contacts in the period whose note raised no guardrail warning (the PRSC exclusions:
/// clinical work, drug testing, diagnosing, advice, doing for) left unresolved. Warnings are not
/// marked resolved in the data model: a draft's clear on rewriting it, and a signed note is answered
/// by an addendum, so a warned note with an addendum counts as resolved. Counted per contact; the
/// failing entry names the contact's person.
///
/// Nearly every contact passes, so the total is counted from the contact-outputs index and only the
/// warned contacts (their own partial index) are read: one query over every contact's row took
/// half a second over 2 000 000 contacts.
pub(super) async fn notes_within_scope(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let individual = |sql: &mut Sql| {
        sql.bind(ctx.org_id).push(" AND ");
        ctx.in_period(sql, "c.occurred_at");
        sql.push(" AND c.group_session_id IS NULL");
    };
    let mut total = ctx.sql();
    total.push("SELECT COUNT(*) AS n FROM coaching_contacts c WHERE c.org_id = ");
    individual(&mut total);
    let mut failing = ctx.sql();
    failing.push("SELECT c.id, c.person_id, c.occurred_at FROM coaching_contacts c WHERE c.org_id = ");
    individual(&mut failing);
    failing.push(
        " AND c.warnings IS NOT NULL AND c.warnings NOT IN ('', '[]') AND NOT EXISTS (SELECT 1 FROM contact_addenda a \
         WHERE a.org_id = c.org_id AND a.contact_id = c.id)",
    );
    let (total, (failing_count, failing)) = tokio::try_join!(
        conn.query_one_raw(total.statement()),
        measure_failing(conn, ctx, failing, "x.occurred_at, x.id", |row| {
            let at: time::OffsetDateTime = row.try_get("", "occurred_at")?;
            person_row(row, "readiness-why-note-guardrail", vec![arg("date", at.date())])
        })
    )?;
    let total = match total {
        Some(row) => row.try_get::<i64>("", "n")?.max(0) as u64,
        None => 0,
    };
    Ok(Counted { met: total.saturating_sub(failing_count), total, failing })
}

/// People with an enrolment open during the period in a program with an active measure schedule
/// (`outcomes::schedules::effective`: saved, or the default for programs serving individuals) who
/// had a measure due and overdue by the period's end, and have it, by the rules of
/// `domain::measures`: the intake instruments when the enrolment started in the period (any
/// measurement from 30 days before the start on, overdue 14 days after it), and each periodic one
/// for an enrolment still open, once `every_days` plus the 14 days' grace have run since the start
/// (taken within that span before the period's end). Discharge measures are not part of this element.
pub(super) async fn outcomes_measured(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let schedules = crate::outcomes::schedules::effective(conn, ctx.org_id).await?;
    let mut programs: Vec<(Uuid, crate::domain::measures::Schedule)> =
        schedules.into_iter().filter(|(_, s)| s.active && !s.instruments.is_empty()).collect();
    programs.sort_by_key(|(id, _)| *id);
    let mut branches = ctx.sql();
    let intake_by = ctx.asof.saturating_sub(Duration::days(INTAKE_GRACE_DAYS));
    for (program_id, schedule) in &programs {
        let intake: Vec<String> = schedule.instruments.iter().filter(|i| i.intake).map(|i| i.key.clone()).collect();
        let periodic: Vec<String> = schedule.instruments.iter().filter(|i| i.periodic).map(|i| i.key.clone()).collect();
        let since = ctx.asof.saturating_sub(Duration::days(i64::from(schedule.every_days) + PERIODIC_GRACE_DAYS));
        let intake_due = if intake.is_empty() {
            "1 = 0".to_string()
        } else {
            format!("e.started_on >= {} AND e.started_on <= {}", ctx.day(ctx.from), ctx.day(intake_by))
        };
        let periodic_due = if periodic.is_empty() {
            "1 = 0".to_string()
        } else {
            format!(
                "(e.ended_on IS NULL OR e.ended_on >= {}) AND e.started_on <= {}",
                ctx.day(ctx.asof),
                ctx.day(since)
            )
        };
        // Every instrument taken since `after`: one index probe each (a `COUNT(DISTINCT …)` over
        // them sorted per enrolment and cost nearly twice as much).
        let taken = |keys: &[String], after: &str| {
            let mut s = ctx.sql();
            s.push("(1 = 1");
            for key in keys {
                s.push(
                    " AND EXISTS (SELECT 1 FROM outcome_measurements m WHERE m.org_id = e.org_id \
                     AND m.person_id = e.person_id AND m.instrument_key = ",
                )
                .bind(key.clone())
                .push(&format!(" AND m.taken_on >= {after})"));
            }
            s.push(")");
            s
        };
        if !branches.text.is_empty() {
            branches.push(" UNION ALL ");
        }
        branches
            .push(&format!("SELECT e.person_id, CASE WHEN {intake_due} AND NOT "))
            .append(&taken(&intake, &ctx.add_days("e.started_on", -INTAKE_LOOKBACK_DAYS)))
            .push(&format!(" THEN 1 ELSE 0 END AS intake_missing, CASE WHEN {periodic_due} AND NOT "))
            .append(&taken(&periodic, &ctx.day(since)))
            .push(" THEN 1 ELSE 0 END AS review_missing FROM enrolments e WHERE e.org_id = ")
            .bind(ctx.org_id)
            .push(" AND e.program_id = ")
            .bind(*program_id)
            .push(&format!(
                " AND e.started_on <= {} AND (e.ended_on IS NULL OR e.ended_on >= {}) AND (({intake_due}) OR ({periodic_due}))",
                ctx.day(ctx.to),
                ctx.day(ctx.from)
            ));
    }
    if programs.is_empty() {
        return Ok(Counted::default());
    }
    let mut sql = ctx.sql();
    sql.push(
        "SELECT p.id AS person_id, p.record_number, MAX(d.intake_missing) AS intake_missing, \
         MAX(d.review_missing) AS review_missing, CASE WHEN MAX(d.intake_missing) + MAX(d.review_missing) = 0 \
         THEN 1 ELSE 0 END AS met FROM (",
    )
    .append(&branches)
    .push(") d JOIN people p ON p.org_id = ")
    .bind(ctx.org_id)
    .push(" AND p.id = d.person_id GROUP BY p.id, p.record_number");
    measure(conn, ctx, sql, "x.record_number", |row| {
        let intake: i32 = row.try_get("", "intake_missing")?;
        let why =
            if intake == 1 { "readiness-why-outcome-intake-missing" } else { "readiness-why-outcome-review-overdue" };
        person_row(row, why, Vec::new())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn only_whole_months_inside_the_period_count() {
        let months = whole_months(date!(2025 - 11 - 19), date!(2026 - 11 - 18));
        assert_eq!(months.first(), Some(&(date!(2025 - 12 - 01), date!(2025 - 12 - 31))));
        assert_eq!(months.last(), Some(&(date!(2026 - 10 - 01), date!(2026 - 10 - 31))));
        assert_eq!(months.len(), 11);
        assert_eq!(whole_months(date!(2026 - 02 - 01), date!(2026 - 02 - 28)).len(), 1);
        assert!(whole_months(date!(2026 - 02 - 02), date!(2026 - 02 - 28)).is_empty());
    }
}
