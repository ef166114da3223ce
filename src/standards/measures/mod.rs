//! Evidence measures. Each counts, over a period, the records an element is about (`total`) and
//! those that meet it (`met`), and names the records that fall short (at most [`FAILING_SHOWN`],
//! the count is always exact). Counting happens in SQL so a 50 000-person organisation with two
//! million contacts a year is measured in well under two seconds.
//!
//! Failing records are named by kind, id and a label that identifies nobody: a person is shown
//! by record number, never by name; following the link opens the record through the usual access
//! check and audit.
//!
//! `people` holds the measures read from person-level records (intake, plans, contacts, risk,
//! referrals); `organisation` those read from the organisation's own records (logic models, staff,
//! groups, directory, crisis procedure, feedback and participation).

mod organisation;
mod people;

use crate::domain::community::Period;
use sea_orm::{DatabaseConnection, DbErr};
use serde::Serialize;
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

/// How many failing records a measure names; the rest are counted.
pub const FAILING_SHOWN: usize = 200;

/// Measures computed side by side by [`run_all`].
const MEASURES_AT_ONCE: usize = 4;

/// The measures that take longest over a large organisation (`cargo bench --bench readiness`),
/// started first so that the short ones fill in around them rather than one long one finishing last.
const SLOWEST_FIRST: &[MeasureKey] = &[
    MeasureKey::ContactMonthly,
    MeasureKey::PlansPersonDriven,
    MeasureKey::GoalsEvaluated,
    MeasureKey::ProgressDocumented,
    MeasureKey::OutcomesMeasured,
    MeasureKey::PlansReviewedQuarterly,
    MeasureKey::PlansInPlace,
    MeasureKey::OpportunitiesOffered,
    MeasureKey::RiskScreened,
];

text_code!(
    /// Every evidence measure the catalogue can name. The code is stable: the catalogue files and
    /// the API use it.
    MeasureKey {
        // CSE 1: logic model
        LogicModelsComplete => "logic-models-complete",
        LogicModelsTwoOutcomes => "logic-models-two-outcomes",
        RaceEthnicityRecorded => "race-ethnicity-recorded",
        // CSE 2: personnel
        StaffQualified => "staff-qualified",
        SupervisorsQualified => "supervisors-qualified",
        TrainingAllStaff => "training-all-staff",
        TrainingGroupLeaders => "training-group-leaders",
        TrainingDirectService => "training-direct-service",
        PeerStaffCertified => "peer-staff-certified",
        PeerStaffRole => "peer-staff-role",
        PeerStaffSupervised => "peer-staff-supervised",
        PeerTraining => "peer-training",
        WorkloadsReviewed => "workloads-reviewed",
        PrscCompetencies => "prsc-competencies",
        // CSE 3: intake
        RequestsScreened => "requests-screened",
        IntakeTimely => "intake-timely",
        UnservedRedirected => "unserved-redirected",
        RiskScreened => "risk-screened",
        RiskResponded => "risk-responded",
        ProgressDocumented => "progress-documented",
        PlansInPlace => "plans-in-place",
        PlansPersonDriven => "plans-person-driven",
        PlansReviewedQuarterly => "plans-reviewed-quarterly",
        // CSE 4: individual support
        GoalsEvaluated => "goals-evaluated",
        SafetyPlanWhenAtRisk => "safety-plan-when-at-risk",
        MutualAidSupported => "mutual-aid-supported",
        // CSE 5: groups
        GroupScheduleKept => "group-schedule-kept",
        GroupCurricula => "group-curricula",
        SessionLogs => "session-logs",
        MemberLeadership => "member-leadership",
        GroupFeedback => "group-feedback",
        // CSE 6: information and referral
        ReferralsTimely => "referrals-timely",
        ReferralsFollowedUp => "referrals-followed-up",
        ResourcesComplete => "resources-complete",
        ResourcesVerified => "resources-verified",
        CrisisProcedureCurrent => "crisis-procedure-current",
        // CSE 7: peer support
        WelcomingSites => "welcoming-sites",
        FeedbackAnswered => "feedback-answered",
        ChangesPublished => "changes-published",
        RulesCodrafted => "rules-codrafted",
        AdvisoryMeetings => "advisory-meetings",
        OpportunitiesOffered => "opportunities-offered",
        // PRSC
        ContactMonthly => "contact-monthly",
        InPersonContact => "in-person-contact",
        NotesWithinScope => "notes-within-scope",
        OutcomesMeasured => "outcomes-measured",
    }
);

impl MeasureKey {
    /// Whether the measure reads person-level records (its failing records name people).
    pub fn reads_people(self) -> bool {
        people::KEYS.contains(&self)
    }
}

/// What a measure looks at: one organisation over a period, as of `today`.
#[derive(Clone, Copy, Debug)]
pub struct Scope {
    pub org_id: Uuid,
    pub period: Period,
    pub today: Date,
}

text_code!(
    /// The kind of record a failing entry names, for its link.
    RecordKind {
        Person => "person",
        Staff => "staff",
        Program => "program",
        Group => "group",
        GroupSession => "group-session",
        Resource => "resource",
        Site => "site",
        Request => "request",
        Referral => "referral",
        Feedback => "feedback",
        CrisisProcedure => "crisis-procedure",
        Organisation => "organisation",
    }
);

/// One record that falls short, and why.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Failing {
    pub kind: RecordKind,
    pub id: Uuid,
    /// Identifies nobody: "Record 1042" for a person, a program's or group's name, a staff
    /// member's name (staff records are not participant data).
    pub label: String,
    /// Message id in the locale files (`readiness-why-…`) and its arguments.
    pub why: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub why_args: Vec<(String, String)>,
    /// Where the record is opened, relative to the site root.
    pub link: String,
}

/// A measure's answer for a period.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct MeasureResult {
    pub key: MeasureKey,
    pub met: u64,
    pub total: u64,
    /// The first [`FAILING_SHOWN`] records that fall short, most telling first.
    pub failing: Vec<Failing>,
}

impl MeasureResult {
    pub fn new(key: MeasureKey, met: u64, total: u64, failing: Vec<Failing>) -> MeasureResult {
        let mut failing = failing;
        failing.truncate(FAILING_SHOWN);
        MeasureResult { key, met: met.min(total), total, failing }
    }

    /// Share met, 0–100; `None` when there was nothing to measure.
    pub fn percent(&self) -> Option<f64> {
        (self.total > 0).then(|| self.met as f64 * 100.0 / self.total as f64)
    }

    pub fn failing_count(&self) -> u64 {
        self.total - self.met
    }
}

/// Runs one measure.
pub async fn run(conn: &DatabaseConnection, key: MeasureKey, scope: &Scope) -> Result<MeasureResult, DbErr> {
    if people::KEYS.contains(&key) {
        people::run(conn, key, scope).await
    } else {
        debug_assert!(organisation::KEYS.contains(&key));
        organisation::run(conn, key, scope).await
    }
}

/// Runs several measures side by side on pooled connections, in the order given.
pub async fn run_all(
    conn: &DatabaseConnection,
    keys: &[MeasureKey],
    scope: &Scope,
) -> Result<Vec<MeasureResult>, DbErr> {
    // As many at once as SQLite has reading connections: more would only queue for one (and be
    // logged as slow to acquire), and PostgreSQL's pool is shared with the pages being served.
    let at_once = std::sync::Arc::new(tokio::sync::Semaphore::new(MEASURES_AT_ONCE));
    let mut tasks = tokio::task::JoinSet::new();
    // The competency measures share one read of the staff records, in one task of their own, started
    // with the slowest.
    type Batch = Vec<(usize, MeasureKey)>;
    let (shared, mut single): (Batch, Batch) =
        keys.iter().copied().enumerate().partition(|(_, key)| organisation::COMPETENCY_KEYS.contains(key));
    single.sort_by_key(|(_, key)| SLOWEST_FIRST.iter().position(|k| k == key).unwrap_or(SLOWEST_FIRST.len()));
    let mut batches: Vec<Batch> = single.into_iter().map(|one| vec![one]).collect();
    if !shared.is_empty() {
        batches.insert(0, shared);
    }
    for batch in batches {
        let (conn, scope, at_once) = (conn.clone(), *scope, at_once.clone());
        tasks.spawn(async move {
            let _permit = at_once.acquire_owned().await;
            let results = match batch.as_slice() {
                [(_, key)] => run(&conn, *key, &scope).await.map(|r| vec![r]),
                _ => {
                    let keys: Vec<MeasureKey> = batch.iter().map(|(_, key)| *key).collect();
                    organisation::competencies(&conn, &keys, &scope).await
                }
            };
            results.map(|results| batch.iter().map(|(i, _)| *i).zip(results).collect::<Vec<_>>())
        });
    }
    let mut out: Vec<Option<MeasureResult>> = vec![None; keys.len()];
    while let Some(joined) = tasks.join_next().await {
        let done = joined.map_err(|e| DbErr::Custom(format!("evidence measure task: {e}")))?;
        for (i, result) in done? {
            out[i] = Some(result);
        }
    }
    Ok(out.into_iter().flatten().collect())
}

/// A person named in a failing list: by record number only.
pub fn person_failing(id: Uuid, record_number: i64, why: &str, why_args: Vec<(String, String)>) -> Failing {
    Failing {
        kind: RecordKind::Person,
        id,
        label: format!("#{record_number}"),
        why: why.into(),
        why_args,
        link: format!("/people/{id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_measure_belongs_to_exactly_one_module() {
        for key in MeasureKey::ALL {
            let homes = [people::KEYS.contains(key), organisation::KEYS.contains(key)];
            assert_eq!(homes.iter().filter(|h| **h).count(), 1, "{key}");
        }
    }
}
