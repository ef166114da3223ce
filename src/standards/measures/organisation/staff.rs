//! CSE 2 and the PRSC staffing requirements, from the personnel records: each measure asks the
//! competency rules of `domain::personnel` (fed by `personnel::facts`, the same facts the competency
//! matrix shows) about the staff its element concerns, on `as_of`. Staff are few: they are loaded.

use super::{as_of, db_err, failing};
use crate::db::entities::{group_facilitator, staff, staff_profile, support_group, workload_review};
use crate::domain::groups::GroupStatus;
use crate::domain::personnel::{Check, Need, Position, RequirementGroup, StaffFacts, Standing, evaluate};
use crate::groups::setup::{Who, readiness_of};
use crate::personnel::reminders::{carries_caseload, workload_review_due};
use crate::standards::measures::{Failing, MeasureKey, MeasureResult, RecordKind, Scope};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

async fn active_staff(conn: &DatabaseConnection, org_id: Uuid) -> Result<Vec<staff::Model>, DbErr> {
    staff::Entity::find()
        .filter(staff::Column::OrgId.eq(org_id))
        .filter(staff::Column::Active.eq(true))
        .order_by_asc(staff::Column::DisplayName)
        .all(conn)
        .await
}

fn is_peer(f: &StaffFacts) -> bool {
    f.positions.contains(&Position::PeerSpecialist)
}

fn direct_service(f: &StaffFacts) -> bool {
    f.positions.iter().any(|p| p.is_direct_service())
}

fn in_group(need: Need, group: RequirementGroup) -> bool {
    matches!(need, Need::Topic(r) if r.group() == group)
}

/// Who the measure is about.
fn concerns(key: MeasureKey, f: &StaffFacts) -> bool {
    use MeasureKey as K;
    match key {
        K::StaffQualified => direct_service(f),
        K::SupervisorsQualified => f.positions.contains(&Position::Supervisor),
        // The rules ask 2.03 of everyone holding a position (an account with none, such as an
        // administrator only, has no requirements on the matrix).
        K::TrainingAllStaff => !f.positions.is_empty(),
        // 2.05 is NA for staff who work only in information-and-referral programs.
        K::TrainingDirectService => direct_service(f) && !f.referral_only,
        K::PeerStaffCertified | K::PeerStaffRole | K::PeerStaffSupervised | K::PeerTraining => is_peer(f),
        // The PRSC areas are required of peer staff working in a program funded under PRSC.
        K::PrscCompetencies => is_peer(f) && f.prsc,
        _ => false,
    }
}

/// Which of the person's requirements the measure checks.
fn checks(key: MeasureKey, need: Need) -> bool {
    use MeasureKey as K;
    match key {
        K::StaffQualified => need == Need::Check(Check::Qualification),
        K::SupervisorsQualified => {
            matches!(need, Need::Check(Check::SupervisorExperience | Check::SupervisorDegree))
                || in_group(need, RequirementGroup::Cse202)
        }
        K::TrainingAllStaff => in_group(need, RequirementGroup::Cse203),
        K::TrainingDirectService => in_group(need, RequirementGroup::Cse205),
        K::PeerStaffCertified => need == Need::Check(Check::PeerCertification),
        K::PeerStaffRole => matches!(need, Need::Check(Check::JobDescription | Check::SharesStory)),
        K::PeerTraining => matches!(need, Need::Check(Check::PreService | Check::InService)),
        K::PrscCompetencies => {
            in_group(need, RequirementGroup::PrscKnowledge) || in_group(need, RequirementGroup::PrscSkills)
        }
        _ => false,
    }
}

fn codes(needs: &[Need]) -> String {
    needs.iter().map(|n| n.code()).collect::<Vec<_>>().join(", ")
}

/// The measures read straight off the competency rules, one staff member at a time:
///
/// - `staff-qualified` (2.01): active direct-service staff (direct service, peer, group facilitator
///   or referral positions) meeting the qualification check (human-services associate degree, or
///   training with a year's experience, or for peers training with lived experience).
/// - `supervisors-qualified` (2.02): active supervisors with two years' experience, the bachelor's
///   (or experience and supervision training in its place), supervision training, and, when they
///   supervise peer staff, training on trauma among peer workers.
/// - `training-all-staff` (2.03): active staff holding any position, with every 2.03 topic.
/// - `training-direct-service` (2.05): active direct-service staff not working only in I&R programs,
///   with every 2.05 topic.
/// - `peer-staff-certified` (2.06): active peer staff with a peer certification in force on `as_of`
///   (expiring soon still counts).
/// - `peer-staff-role` (2.06): active peer staff who acknowledged their job description and said
///   they are willing to share their recovery story.
/// - `peer-staff-supervised` (2.06d): active peer staff whose supervision or peer mentoring is current
///   on `as_of` under the organisation's personnel intervals (defaults: supervision every 30 days,
///   mentoring every 90), as the matrix's supervision and mentoring checks judge it. Adapted: the
///   definition's single 90-day window is the mentoring interval; supervision keeps its own.
/// - `peer-training` (2.07): active peer staff whose pre-service training covered the 2.07 topics and
///   whose in-service training is within the interval (a newcomer in their first year counts).
/// - `prsc-competencies` (PRSC): active peer staff in a PRSC-funded program covering the ten
///   knowledge areas and thirteen skills (training completed or skill demonstrated).
///
/// Failing: the staff member by name, with the missing requirement codes (`gaps`, joined by ", ").
pub(super) async fn competency(
    conn: &DatabaseConnection,
    keys: &[MeasureKey],
    scope: &Scope,
) -> Result<Vec<MeasureResult>, DbErr> {
    // One read of the staff and their records serves every competency measure asked for: each
    // read costs as much as all the evaluations after it.
    let members = active_staff(conn, scope.org_id).await?;
    let settings = crate::personnel::settings(conn, scope.org_id).await?;
    let facts = crate::personnel::facts(conn, scope.org_id, &members).await?;
    let as_of = as_of(scope);
    let evaluated: Vec<_> = members
        .iter()
        .filter_map(|member| facts.get(&member.id).map(|f| (member, f, evaluate(f, &settings.intervals, as_of))))
        .collect();
    let mut results = Vec::with_capacity(keys.len());
    for key in keys.iter().copied() {
        let (mut total, mut met) = (0u64, 0u64);
        let mut out = Vec::new();
        for (member, f, competency) in evaluated.iter().filter(|(_, f, _)| concerns(key, f)) {
            total += 1;
            let standing = |need: Need| competency.standing(need).unwrap_or(Standing::Missing);
            let failed = if key == MeasureKey::PeerStaffSupervised {
                let supervision = standing(Need::Check(Check::SupervisionCurrent));
                let mentoring = standing(Need::Check(Check::PeerMentoring));
                (supervision.is_gap() && mentoring.is_gap()).then(|| supervision_failing(member, f))
            } else {
                let gaps: Vec<Need> = competency.gaps().map(|i| i.need).filter(|n| checks(key, *n)).collect();
                (!gaps.is_empty()).then(|| gap_failing(key, member, &gaps, &standing))
            };
            match failed {
                Some(row) => out.push(row),
                None => met += 1,
            }
        }
        results.push(MeasureResult::new(key, met, total, out));
    }
    Ok(results)
}

fn gap_failing(key: MeasureKey, member: &staff::Model, gaps: &[Need], standing: &dyn Fn(Need) -> Standing) -> Failing {
    use MeasureKey as K;
    let id = member.id;
    let gap_args = vec![("count", gaps.len().to_string()), ("gaps", codes(gaps))];
    let (why, args, link) = match key {
        K::StaffQualified => ("readiness-why-staff-not-qualified", Vec::new(), format!("/team/{id}")),
        K::SupervisorsQualified => ("readiness-why-supervisor-gaps", gap_args, format!("/team/{id}")),
        K::PeerStaffCertified => match standing(Need::Check(Check::PeerCertification)) {
            Standing::Expired { since } => (
                "readiness-why-peer-certification-expired",
                vec![("since", since.map(|d| d.to_string()).unwrap_or_default())],
                format!("/team/{id}#certifications"),
            ),
            _ => ("readiness-why-peer-certification-missing", Vec::new(), format!("/team/{id}#certifications")),
        },
        K::PeerStaffRole => ("readiness-why-peer-role-gaps", gap_args, format!("/team/{id}")),
        K::PeerTraining => ("readiness-why-peer-training-gaps", gap_args, format!("/team/{id}/training")),
        K::PrscCompetencies => ("readiness-why-prsc-competency-gaps", gap_args, format!("/team/{id}/training")),
        _ => ("readiness-why-staff-missing-training", gap_args, format!("/team/{id}/training")),
    };
    failing(RecordKind::Staff, id, &member.display_name, why, &args, link)
}

fn supervision_failing(member: &staff::Model, f: &StaffFacts) -> Failing {
    let last = f.last_supervision.max(f.last_mentoring);
    let (why, args) = match last {
        Some(on) => ("readiness-why-peer-supervision-lapsed", vec![("last", on.to_string())]),
        None => ("readiness-why-peer-supervision-never", Vec::new()),
    };
    let link = format!("/team/{}/supervision", member.id);
    failing(RecordKind::Staff, member.id, &member.display_name, why, &args, link)
}

/// CSE 2.04. Total: everyone facilitating an active group, staff or peer volunteer, each once.
/// Met: ready by `groups::setup::readiness_of` (training or attestation covering all four
/// group-leadership skills). Failing: a staff facilitator by name (linked to their record), a
/// volunteer by the name the group lists (linked to the group's facilitators), with the missing
/// skill codes (`missing`).
pub(super) async fn group_leaders(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    let groups: Vec<Uuid> = support_group::Entity::find()
        .filter(support_group::Column::OrgId.eq(scope.org_id))
        .filter(support_group::Column::Status.eq(GroupStatus::Active.code()))
        .all(conn)
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    let mut rows = Vec::new();
    for chunk in groups.chunks(400) {
        rows.extend(
            group_facilitator::Entity::find()
                .filter(group_facilitator::Column::OrgId.eq(scope.org_id))
                .filter(group_facilitator::Column::GroupId.is_in(chunk.to_vec()))
                .order_by_asc(group_facilitator::Column::AddedAt)
                .all(conn)
                .await?,
        );
    }
    let names: HashMap<Uuid, String> = staff::Entity::find()
        .filter(staff::Column::OrgId.eq(scope.org_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect();
    // Each facilitator once, with the first group found for them.
    let mut who: Vec<(Who, &group_facilitator::Model)> = Vec::new();
    for row in &rows {
        let w = Who::of_facilitator(row);
        if !who.iter().any(|(x, _)| *x == w) {
            who.push((w, row));
        }
    }
    let keys: Vec<Who> = who.iter().map(|(w, _)| w.clone()).collect();
    let readiness = readiness_of(conn, scope.org_id, &keys).await.map_err(db_err)?;
    let mut met = 0;
    let mut out = Vec::new();
    for (w, row) in &who {
        let r = readiness.get(w).cloned().unwrap_or_default();
        if r.ready() {
            met += 1;
            continue;
        }
        let missing = r.missing.iter().map(|a| a.code()).collect::<Vec<_>>().join(", ");
        let args = [("missing", missing), ("count", r.missing.len().to_string())];
        let why = "readiness-why-facilitator-not-ready";
        out.push(match row.staff_id {
            Some(id) => {
                let name = names.get(&id).cloned().unwrap_or_default();
                failing(RecordKind::Staff, id, &name, why, &args, format!("/team/{id}/training"))
            }
            None => {
                let name = row.volunteer_name.clone().unwrap_or_default();
                let link = format!("/groups/{}#facilitators", row.group_id);
                failing(RecordKind::Group, row.group_id, &name, why, &args, link)
            }
        });
    }
    out.sort_by_key(|f| f.label.to_lowercase());
    Ok(MeasureResult::new(MeasureKey::TrainingGroupLeaders, met, who.len() as u64, out))
}

/// CSE 2.08. Total: active staff whose roles carry a caseload, groups or referrals
/// (`personnel::reminders::carries_caseload`). Met: their next workload review, worked out as the
/// reminders do (the organisation's review interval after the last review on or before `as_of`, or
/// the earlier date the reviewer set; after the start date when there has been none), falls after
/// `as_of`. Failing: the staff member, with the due date and days overdue.
pub(super) async fn workloads_reviewed(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    let as_of = as_of(scope);
    let members: Vec<staff::Model> =
        active_staff(conn, scope.org_id).await?.into_iter().filter(carries_caseload).collect();
    let rules = crate::personnel::settings(conn, scope.org_id).await?.workload;
    let starts: HashMap<Uuid, time::Date> = staff_profile::Entity::find()
        .filter(staff_profile::Column::OrgId.eq(scope.org_id))
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|p| p.start_date.map(|d| (p.staff_id, d)))
        .collect();
    let mut last: HashMap<Uuid, workload_review::Model> = HashMap::new();
    let reviews = workload_review::Entity::find()
        .filter(workload_review::Column::OrgId.eq(scope.org_id))
        .filter(workload_review::Column::ReviewedOn.lte(as_of))
        .order_by_desc(workload_review::Column::ReviewedOn)
        .order_by_desc(workload_review::Column::CreatedAt)
        .all(conn)
        .await?;
    for r in reviews {
        last.entry(r.staff_id).or_insert(r);
    }
    let mut met = 0;
    let mut out = Vec::new();
    for m in &members {
        let review = last.get(&m.id);
        let due = workload_review_due(m, starts.get(&m.id).copied(), review, &rules, as_of);
        if due > as_of {
            met += 1;
            continue;
        }
        let days = (as_of - due).whole_days().to_string();
        let why = if review.is_some() {
            "readiness-why-workload-review-overdue"
        } else {
            "readiness-why-workload-review-never"
        };
        let args = [("due", due.to_string()), ("days", days)];
        out.push(failing(RecordKind::Staff, m.id, &m.display_name, why, &args, format!("/team/{}/workload", m.id)));
    }
    Ok(MeasureResult::new(MeasureKey::WorkloadsReviewed, met, members.len() as u64, out))
}
