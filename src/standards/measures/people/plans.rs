//! Recovery plans (CSE 3.04, 4.02; PRSC documentation): plans in place, written with the person,
//! reviewed quarterly, and goals evaluated at review. A plan's content is one JSON document per
//! version (`domain::coaching::PlanContent`); what these measures ask of it is kept beside it in
//! columns (`domain::coaching::PlanFacts`), so no document is parsed here.

use super::{Counted, Ctx, arg, measure, met, person_row};
use crate::domain::coaching::{Agreement, MAX_REVIEW_DAYS, PlanStatus, PlanVersionKind};
use sea_orm::{DatabaseConnection, DbErr};
use time::Duration;

/// Days in a program before a plan is expected.
const PLAN_AFTER_DAYS: i64 = 30;

/// An enrolment (alias `e`, of person `p`) in a program serving individuals that is not
/// occasional-only.
pub(super) const INDIVIDUAL_PROGRAM: &str = "EXISTS (SELECT 1 FROM programs g WHERE g.org_id = e.org_id \
     AND g.id = e.program_id AND g.serves_individuals = TRUE AND g.occasional_only = FALSE)";

/// People enrolled for at least 30 days during the period in a program serving individuals (not
/// occasional-only) who have an agreed recovery plan (any agreed version by the period's end).
pub(super) async fn plans_in_place(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let latest_start = ctx.asof.saturating_sub(Duration::days(PLAN_AFTER_DAYS));
    let mut sql = ctx.sql();
    sql.push("SELECT p.id AS person_id, p.record_number, ")
        .push(&met(&format!(
            "EXISTS (SELECT 1 FROM recovery_plan_versions v WHERE v.org_id = p.org_id AND v.person_id = p.id \
             AND v.agreed_on <= {})",
            ctx.day(ctx.asof)
        )))
        .push(" FROM people p WHERE p.org_id = ")
        .bind(ctx.org_id)
        .push(&format!(
            " AND EXISTS (SELECT 1 FROM enrolments e WHERE e.org_id = p.org_id AND e.person_id = p.id \
             AND {INDIVIDUAL_PROGRAM} AND e.started_on <= {} AND (e.ended_on IS NULL OR (e.ended_on >= {} \
             AND e.ended_on >= {})))",
            ctx.day(latest_start),
            ctx.day(ctx.from),
            ctx.add_days("e.started_on", PLAN_AFTER_DAYS)
        ));
    measure(conn, ctx, sql, "x.record_number", |row| person_row(row, "readiness-why-no-agreed-plan", Vec::new())).await
}

/// Each plan's latest version agreed in the period: goals in the person's own words (a plan's goals
/// are each written so, `PlanContent::validate`), at least one strength, barriers or unmet needs, and
/// the person's agreement on record (a signed name, or a note of how they agreed verbally). Counted
/// per plan; the failing entry names the first part missing.
pub(super) async fn plans_person_driven(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let participated = format!(
        "((v.agreement = '{}' AND TRIM(COALESCE(v.signed_name, '')) <> '') OR (v.agreement = '{}' \
         AND TRIM(COALESCE(v.agreement_note, '')) <> ''))",
        Agreement::Signature.code(),
        Agreement::Verbal.code()
    );
    let flag = |cond: &str, name: &str| format!("CASE WHEN {cond} THEN 1 ELSE 0 END AS {name}");
    let mut sql = ctx.sql();
    sql.push(&format!(
        "SELECT y.*, CASE WHEN y.goals_ok + y.strengths_ok + y.barriers_ok + y.agreed_ok = 4 THEN 1 ELSE 0 END AS met \
         FROM (SELECT v.plan_id, v.person_id, p.record_number, {}, {}, {}, {} FROM recovery_plan_versions v \
         JOIN people p ON p.org_id = v.org_id AND p.id = v.person_id WHERE v.org_id = ",
        flag("v.goal_count > 0", "goals_ok"),
        flag("v.has_strengths = TRUE", "strengths_ok"),
        flag("v.has_barriers = TRUE", "barriers_ok"),
        flag(&participated, "agreed_ok"),
    ))
    .bind(ctx.org_id)
    .push(&format!(
        " AND {} AND v.number = (SELECT MAX(n.number) FROM recovery_plan_versions n WHERE n.org_id = v.org_id \
         AND n.plan_id = v.plan_id AND {})) y",
        ctx.day_in_period("v.agreed_on"),
        ctx.day_in_period("n.agreed_on")
    ));
    measure(conn, ctx, sql, "x.record_number, x.plan_id", |row| {
        let parts = [
            ("goals_ok", "readiness-why-plan-no-goals"),
            ("strengths_ok", "readiness-why-plan-no-strengths"),
            ("barriers_ok", "readiness-why-plan-no-barriers"),
            ("agreed_ok", "readiness-why-plan-no-agreement"),
        ];
        let mut missing = Vec::new();
        for (column, why) in parts {
            let ok: i32 = row.try_get("", column)?;
            if ok == 0 {
                missing.push(why);
            }
        }
        let why = missing.first().copied().unwrap_or("readiness-why-plan-no-goals");
        person_row(row, why, vec![arg("others", missing.len().saturating_sub(1))])
    })
    .await
}

/// Agreed versions (not discharge) whose review fell due (`review_due_on`, from the program's review
/// interval) in the period, or before it with no review yet at its start on a plan still open, that
/// were followed by the next version within 90 days. One not yet reviewed but still within its 90
/// days is not yet late and is left out. Counted per version; the failing entry names the person and
/// the days past the 90.
pub(super) async fn plans_reviewed_quarterly(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let quarter = i64::from(MAX_REVIEW_DAYS);
    let deadline = ctx.add_days("v.agreed_on", quarter);
    let today = ctx.day(ctx.today);
    let mut sql = ctx.sql();
    sql.push(&format!(
        "SELECT v.id, v.person_id, p.record_number, v.review_due_on, {} AS days_over, \
         CASE WHEN n.id IS NULL THEN 0 ELSE 1 END AS reviewed, {} FROM recovery_plan_versions v \
         JOIN recovery_plans pl ON pl.org_id = v.org_id AND pl.id = v.plan_id \
         JOIN people p ON p.org_id = v.org_id AND p.id = v.person_id \
         LEFT JOIN recovery_plan_versions n ON n.org_id = v.org_id AND n.plan_id = v.plan_id AND n.number = v.number + 1 \
         WHERE v.org_id = ",
        ctx.days(&deadline, &format!("COALESCE(n.agreed_on, {today})")),
        met(&format!("n.id IS NOT NULL AND n.agreed_on <= {deadline}")),
    ))
    .bind(ctx.org_id)
    .push(&format!(
        " AND v.kind <> '{}' AND v.review_due_on IS NOT NULL AND v.review_due_on <= {} \
         AND (v.review_due_on >= {from} OR n.agreed_on >= {from} OR (n.id IS NULL AND pl.status <> '{}')) \
         AND (n.id IS NOT NULL OR {deadline} < {today})",
        PlanVersionKind::Discharge.code(),
        ctx.day(ctx.asof),
        PlanStatus::Closed.code(),
        from = ctx.day(ctx.from),
    ));
    measure(conn, ctx, sql, "x.days_over DESC, x.id", |row| {
        let days: i64 = row.try_get("", "days_over")?;
        let reviewed: i32 = row.try_get("", "reviewed")?;
        let why = if reviewed == 1 { "readiness-why-plan-review-late" } else { "readiness-why-plan-review-overdue" };
        person_row(row, why, vec![arg("days", days)])
    })
    .await
}

/// People with a plan agreed at least 90 days before the period's end (or today, while it runs),
/// not closed at discharge before the period, who have a review (or discharge) version agreed in the
/// period recording progress: an evaluation of how things went, or a goal's progress or note.
pub(super) async fn goals_evaluated(conn: &DatabaseConnection, ctx: &Ctx) -> Result<Counted, DbErr> {
    let agreed_by = ctx.asof.saturating_sub(Duration::days(i64::from(MAX_REVIEW_DAYS)));
    let progress = format!(
        "EXISTS (SELECT 1 FROM recovery_plan_versions w WHERE w.org_id = p.org_id AND w.person_id = p.id \
         AND w.kind IN ('{}', '{}') AND {} AND w.has_progress = TRUE)",
        PlanVersionKind::Review.code(),
        PlanVersionKind::Discharge.code(),
        ctx.day_in_period("w.agreed_on"),
    );
    // A plan's versions share its person: naming the person lets every probe here read the person's
    // versions from their index alone (by plan they would be read row by row, a third of a second
    // over 50 000 people).
    let mut sql = ctx.sql();
    sql.push(&format!("SELECT p.id AS person_id, p.record_number, {} FROM people p WHERE p.org_id = ", met(&progress)))
        .bind(ctx.org_id)
        .push(&format!(
            " AND EXISTS (SELECT 1 FROM recovery_plan_versions v WHERE v.org_id = p.org_id AND v.person_id = p.id \
             AND v.agreed_on <= {} AND NOT EXISTS (SELECT 1 FROM recovery_plan_versions d WHERE d.org_id = v.org_id \
             AND d.person_id = v.person_id AND d.plan_id = v.plan_id AND d.kind = '{}' AND d.agreed_on < {}))",
            ctx.day(agreed_by),
            PlanVersionKind::Discharge.code(),
            ctx.day(ctx.from),
        ));
    measure(conn, ctx, sql, "x.record_number", |row| person_row(row, "readiness-why-goals-not-evaluated", Vec::new()))
        .await
}
