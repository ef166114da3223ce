//! Measures read from the organisation's own records: logic models, staff, groups, directory, crisis
//! procedure, feedback and participation.
//!
//! Every measure here reuses the rule its module already keeps (logic-model validity, the personnel
//! competency rules, facilitator readiness, the 12-month group schedule, the directory's six facts
//! and staleness, the feedback response target, …) and reads the organisation's own settings where
//! one sets the target. Counts over records that can be numerous (group sessions, directory
//! services, feedback items) run in SQL; staff, programs, groups and sites are few and are loaded.
//!
//! Dates: the measures that describe a standing state (a certification in force, a review not yet
//! overdue) judge it on `as_of` = the period's last day, or today when the period runs past it.
//! Failing records are named by program, group, site, resource or staff name, or the
//! organisation's; never by a person served.

mod directory;
mod groups;
mod staff;
mod voice;

use super::{Failing, MeasureKey, MeasureResult, RecordKind, Scope};
use crate::db::entities::organisation;
use crate::error::AppError;
use crate::outcomes::logic_models::validity;
use sea_orm::{DatabaseConnection, DbErr};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

pub const KEYS: &[MeasureKey] = &[
    MeasureKey::LogicModelsComplete,
    MeasureKey::LogicModelsTwoOutcomes,
    MeasureKey::StaffQualified,
    MeasureKey::SupervisorsQualified,
    MeasureKey::TrainingAllStaff,
    MeasureKey::TrainingGroupLeaders,
    MeasureKey::TrainingDirectService,
    MeasureKey::PeerStaffCertified,
    MeasureKey::PeerStaffRole,
    MeasureKey::PeerStaffSupervised,
    MeasureKey::PeerTraining,
    MeasureKey::WorkloadsReviewed,
    MeasureKey::PrscCompetencies,
    MeasureKey::GroupScheduleKept,
    MeasureKey::GroupCurricula,
    MeasureKey::SessionLogs,
    MeasureKey::MemberLeadership,
    MeasureKey::GroupFeedback,
    MeasureKey::ResourcesComplete,
    MeasureKey::ResourcesVerified,
    MeasureKey::CrisisProcedureCurrent,
    MeasureKey::WelcomingSites,
    MeasureKey::FeedbackAnswered,
    MeasureKey::ChangesPublished,
    MeasureKey::RulesCodrafted,
    MeasureKey::AdvisoryMeetings,
];

/// The measures asked of the personnel competency rules, which [`competencies`] answers together.
pub const COMPETENCY_KEYS: &[MeasureKey] = &[
    MeasureKey::StaffQualified,
    MeasureKey::SupervisorsQualified,
    MeasureKey::TrainingAllStaff,
    MeasureKey::TrainingDirectService,
    MeasureKey::PeerStaffCertified,
    MeasureKey::PeerStaffRole,
    MeasureKey::PeerStaffSupervised,
    MeasureKey::PeerTraining,
    MeasureKey::PrscCompetencies,
];

/// Several of [`COMPETENCY_KEYS`] from one read of the staff records, in the order asked.
pub async fn competencies(
    conn: &DatabaseConnection,
    keys: &[MeasureKey],
    scope: &Scope,
) -> Result<Vec<MeasureResult>, DbErr> {
    debug_assert!(keys.iter().all(|k| COMPETENCY_KEYS.contains(k)));
    staff::competency(conn, keys, scope).await
}

pub async fn run(conn: &DatabaseConnection, key: MeasureKey, scope: &Scope) -> Result<MeasureResult, DbErr> {
    use MeasureKey as K;
    match key {
        K::LogicModelsComplete => logic_models_complete(conn, scope).await,
        K::LogicModelsTwoOutcomes => logic_models_two_outcomes(conn, scope).await,
        _ if COMPETENCY_KEYS.contains(&key) => {
            let mut results = staff::competency(conn, &[key], scope).await?;
            Ok(results.remove(0))
        }
        K::TrainingGroupLeaders => staff::group_leaders(conn, scope).await,
        K::WorkloadsReviewed => staff::workloads_reviewed(conn, scope).await,
        K::GroupScheduleKept => groups::schedule_kept(conn, scope).await,
        K::GroupCurricula => groups::curricula(conn, scope).await,
        K::SessionLogs => groups::session_logs(conn, scope).await,
        K::MemberLeadership => groups::member_leadership(conn, scope).await,
        K::GroupFeedback => groups::group_feedback(conn, scope).await,
        K::ResourcesComplete => directory::complete(conn, scope).await,
        K::ResourcesVerified => directory::verified(conn, scope).await,
        K::CrisisProcedureCurrent => voice::crisis_procedure(conn, scope).await,
        K::WelcomingSites => voice::welcoming_sites(conn, scope).await,
        K::FeedbackAnswered => voice::feedback_answered(conn, scope).await,
        K::ChangesPublished => voice::changes_published(conn, scope).await,
        K::RulesCodrafted => voice::rules_codrafted(conn, scope).await,
        K::AdvisoryMeetings => voice::advisory_meetings(conn, scope).await,
        _ => Ok(MeasureResult::new(key, 0, 0, Vec::new())),
    }
}

// ---------- shared ----------

/// The day a standing state is judged on: the period's end, or today if the period runs past it.
fn as_of(scope: &Scope) -> Date {
    scope.period.to.min(scope.today)
}

/// The organisation (its name labels organisation-wide failings; its time zone turns the period's
/// days into instants).
async fn org_of(conn: &DatabaseConnection, org_id: Uuid) -> Result<organisation::Model, DbErr> {
    crate::db::org::get(conn, org_id).await?.ok_or_else(|| DbErr::RecordNotFound(format!("organisation {org_id}")))
}

/// The period as instants in the organisation's time zone: from the first day's midnight to the
/// midnight after the last day (exclusive).
fn instants(time_zone: &str, from: Date, to: Date) -> (OffsetDateTime, OffsetDateTime) {
    let start = crate::groups::evidence::local_midnight(time_zone, from);
    let end = crate::groups::evidence::local_midnight(time_zone, to.next_day().unwrap_or(to));
    (start, end)
}

/// A SQL count as an unsigned number.
fn count_of(n: Option<i64>) -> u64 {
    u64::try_from(n.unwrap_or(0)).unwrap_or(0)
}

/// The shared rules answer with `AppError`; a measure answers with `DbErr`.
fn db_err(e: AppError) -> DbErr {
    match e {
        AppError::Internal(inner) => DbErr::Custom(format!("{inner:#}")),
        other => DbErr::Custom(other.to_string()),
    }
}

fn failing(kind: RecordKind, id: Uuid, label: &str, why: &str, args: &[(&str, String)], link: String) -> Failing {
    Failing {
        kind,
        id,
        label: label.to_string(),
        why: why.to_string(),
        why_args: args.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        link,
    }
}

fn organisation_failing(org: &organisation::Model, why: &str, args: &[(&str, String)], link: &str) -> Failing {
    failing(RecordKind::Organisation, org.id, &org.name, why, args, link.to_string())
}

// ---------- CSE 1: logic models ----------

/// CSE 1.01. Total: active programs. Met: the logic model passes every check of
/// `outcomes::logic_models::validity` (each part present, enough outcome areas, every outcome
/// linked to an available measure with a target). Failing: the program, with the gap codes in
/// order (`gaps`) and how many there are.
async fn logic_models_complete(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    let programs: Vec<_> = validity(conn, scope.org_id).await?.into_iter().filter(|p| p.active).collect();
    let met = programs.iter().filter(|p| p.complete()).count() as u64;
    let failing = programs
        .iter()
        .filter(|p| !p.complete())
        .map(|p| {
            let (why, args) = if p.has_model {
                let codes: Vec<&str> = p.gaps.iter().map(|g| g.code).collect();
                (
                    "readiness-why-logic-model-gaps",
                    vec![("count", p.gaps.len().to_string()), ("gaps", codes.join(", "))],
                )
            } else {
                ("readiness-why-logic-model-missing", Vec::new())
            };
            let link = format!("/programs/{}/logic-model", p.program_id);
            failing(RecordKind::Program, p.program_id, &p.program_name, why, &args, link)
        })
        .collect();
    Ok(MeasureResult::new(MeasureKey::LogicModelsComplete, met, programs.len() as u64, failing))
}

/// CSE 1.02. Total: active programs that are not information-and-referral only. Met: a logic model
/// whose outcomes cover at least two outcome areas (the validity check's `too-few-areas` gap is
/// absent). Failing: the program, with the number of areas found (0 without a model).
async fn logic_models_two_outcomes(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    let programs: Vec<_> =
        validity(conn, scope.org_id).await?.into_iter().filter(|p| p.active && !p.referral_only).collect();
    let mut met = 0;
    let mut out = Vec::new();
    for p in &programs {
        let few = p.gaps.iter().find(|g| g.code == "too-few-areas");
        if p.has_model && few.is_none() {
            met += 1;
            continue;
        }
        let found = few.and_then(|g| g.args.iter().find(|(k, _)| *k == "found")).map_or("0".into(), |(_, v)| v.clone());
        let link = format!("/programs/{}/logic-model", p.program_id);
        let args = [("found", found)];
        out.push(failing(
            RecordKind::Program,
            p.program_id,
            &p.program_name,
            "readiness-why-outcome-areas-few",
            &args,
            link,
        ));
    }
    Ok(MeasureResult::new(MeasureKey::LogicModelsTwoOutcomes, met, programs.len() as u64, out))
}
