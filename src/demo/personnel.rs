//! The demo organisation's personnel records (CSE 2): a training catalogue whose courses cover every
//! requirement code, and for each staff member a profile (positions, start date, experience,
//! lived-experience attestation for peer staff, job description), degrees, certifications, a
//! realistic training history (pre-service courses around the start date, in-service courses each
//! year), monthly supervision, peer mentoring and a workload review. A few gaps are left on purpose:
//! the named coach's certification expires within 60 days, a handful of coaches have a lapsed or
//! soon-lapsing certification, an overdue in-service year, a missing course, no supervision for
//! several weeks or an overdue workload review. Everything is invented and the same for the same seed.

use super::{ORG_TIME_ZONE, Team, active, insert_all, uuid};
use crate::db::entities::{
    staff, staff_certification, staff_degree, staff_profile, supervision_session, training_course, training_record,
    workload_review,
};
use crate::db::{self};
use crate::domain::codes::{Role, join_codes};
use crate::domain::personnel::{
    CertificationKind, DegreeLevel, Position, Requirement, SupervisionKind, SupervisionTopic, TrainingKind,
    TrainingPhase, WorkloadDecision, positions_from_roles,
};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use Requirement as R;

/// The catalogue: (key, title, provider, phase, hours, topics). Together the courses cover all 41
/// requirement codes.
type Course = (&'static str, &'static str, &'static str, Option<TrainingPhase>, f64, &'static [Requirement]);

const COURSES: &[Course] = &[
    (
        "academy",
        "Peer recovery coach academy",
        "Maine Recovery Training Collaborative",
        Some(TrainingPhase::PreService),
        46.0,
        &[
            R::IntensiveServices,
            R::EthicsBoundaries,
            R::WellnessTraumaInformed,
            R::OwnTriggers,
            R::RecoveryConcepts,
            R::KnowScience,
            R::KnowRecoveryProcess,
            R::KnowValues,
            R::KnowPathways,
            R::KnowEthicsSelfCare,
            R::KnowCulture,
            R::KnowTrauma,
            R::KnowCommunityResources,
            R::KnowAgency,
            R::KnowPlanning,
        ],
    ),
    (
        "skills",
        "Recovery coaching skills lab",
        "Maine Recovery Training Collaborative",
        Some(TrainingPhase::PreService),
        16.0,
        &[
            R::SkillOutreach,
            R::SkillMotivation,
            R::SkillListening,
            R::SkillConflict,
            R::SkillCrisis,
            R::SkillReEngagement,
            R::SkillCommunication,
            R::SkillAdvocacy,
            R::SkillEmotionalSupport,
            R::SkillRecoveryCapital,
            R::SkillConnecting,
            R::SkillDiverseCultures,
            R::SkillCommunitySettings,
        ],
    ),
    ("referral", "Information and referral essentials", "In house", None, 3.0, &[R::ReferralProcedures]),
    (
        "trauma",
        "Recognising trauma and trauma-informed care",
        "Harbourview Trauma Network",
        None,
        6.0,
        &[R::TraumaSigns, R::WellnessTraumaInformed, R::KnowTrauma],
    ),
    (
        "suicide",
        "Suicide prevention gatekeeper training",
        "State suicide prevention program",
        None,
        3.0,
        &[R::SuicideRiskSigns, R::SkillCrisis],
    ),
    (
        "groups",
        "Leading support groups",
        "In house",
        Some(TrainingPhase::InService),
        12.0,
        &[R::EngagingMembers, R::GroupDynamicsSafety, R::LeadingDiscussion, R::FacilitatingActivities],
    ),
    (
        "families",
        "Families, development and the person in their environment",
        "Community College of Harbourview",
        None,
        6.0,
        &[R::DevelopmentFamily, R::PersonInEnvironment],
    ),
    ("evidence", "Evidence-based practice for peer workers", "In house", None, 3.0, &[R::EvidenceBasedPractice]),
    (
        "outreach",
        "Reaching people who have disengaged",
        "In house",
        None,
        4.0,
        &[R::ReachingDisengaged, R::SkillReEngagement, R::SkillOutreach],
    ),
    (
        "ethics",
        "Ethics, boundaries and confidentiality refresher",
        "In house",
        Some(TrainingPhase::InService),
        4.0,
        &[R::EthicsBoundaries, R::KnowEthicsSelfCare],
    ),
    (
        "annual",
        "Annual peer in-service: recovery, wellness and our own triggers",
        "In house",
        Some(TrainingPhase::InService),
        8.0,
        &[R::RecoveryConcepts, R::OwnTriggers, R::IntensiveServices, R::WellnessTraumaInformed],
    ),
    (
        "supervision",
        "Supervision in peer programs",
        "Northeast Peer Leadership Institute",
        None,
        12.0,
        &[R::Supervision],
    ),
    (
        "secondary",
        "Secondary trauma and burnout among peer workers",
        "Northeast Peer Leadership Institute",
        None,
        3.0,
        &[R::PeerWorkerTrauma],
    ),
    (
        "culture",
        "Cultural humility and cultures of recovery",
        "Harbourview Equity Council",
        Some(TrainingPhase::InService),
        4.0,
        &[R::KnowCulture, R::SkillDiverseCultures],
    ),
];

/// Pre-service courses for direct-service staff, taken in the weeks around the start date.
const PRE_SERVICE: &[&str] = &["referral", "trauma", "suicide", "families", "evidence", "outreach"];
/// What peer staff take on top, before they start.
const PEER_PRE_SERVICE: &[&str] = &["academy", "skills"];
/// In-service courses peer staff take each year.
const PEER_IN_SERVICE: &[&str] = &["annual", "ethics", "culture"];

const SUPERVISION_NOTES: &[&str] = &[
    "Talked through boundaries with a participant who calls after hours; agreed a plan to restate them kindly.",
    "Reviewed the worklist and the people overdue for a contact; planned outreach for the coming week.",
    "Checked in on self-care after a difficult week; discussed using the quiet room and taking a full lunch.",
    "Practised sharing their recovery story briefly and with purpose; talked about what to keep private.",
    "Debriefed a crisis call that went well; reinforced the steps of the crisis procedure.",
    "Discussed a trigger that came up at a group and the support plan for the next session.",
    "Set training goals for the quarter: motivational conversations and recovery capital.",
];

const MENTORING_NOTES: &[&str] = &[
    "Peer mentoring: how a more experienced coach keeps the relationship mutual and avoids doing for people.",
    "Peer mentoring: staying well while working in the same community where one is in recovery.",
    "Peer mentoring: finding community settings for outreach and walking someone into a first meeting.",
];

pub(super) struct Demo<'a> {
    pub rng: ChaCha8Rng,
    pub org_id: Uuid,
    pub team: &'a Team,
    pub now: OffsetDateTime,
}

#[derive(Default)]
struct Rows {
    profiles: Vec<staff_profile::Model>,
    degrees: Vec<staff_degree::Model>,
    certifications: Vec<staff_certification::Model>,
    training: Vec<training_record::Model>,
    supervision: Vec<supervision_session::Model>,
    reviews: Vec<workload_review::Model>,
}

impl Demo<'_> {
    pub async fn insert(mut self, txn: &db::WriteTxn) -> anyhow::Result<()> {
        let today = crate::app::local_date(ORG_TIME_ZONE, self.now);
        let members = staff::Entity::find()
            .filter(staff::Column::OrgId.eq(self.org_id))
            .order_by_asc(staff::Column::Email)
            .all(&**txn)
            .await?;
        let courses: Vec<training_course::Model> = COURSES
            .iter()
            .map(|(_, title, provider, phase, hours, topics)| training_course::Model {
                id: uuid(&mut self.rng),
                org_id: self.org_id,
                title: title.to_string(),
                provider: Some(provider.to_string()),
                description: None,
                topics: join_codes(topics),
                phase: phase.map(|p| p.code().to_string()),
                hours: Some(*hours),
                active: true,
                version: 1,
                created_at: self.now - Duration::days(3 * 365),
                updated_at: self.now - Duration::days(3 * 365),
            })
            .collect();
        let mut rows = Rows::default();
        // A senior peer mentors the others: the named group facilitator.
        let mentor = self.team.facilitator;
        let mut coach_number = 0usize;
        for member in &members {
            let roles = db::staff::roles_from_text(&member.roles);
            let mut positions = positions_from_roles(&roles);
            if roles.contains(&Role::GroupFacilitator) && !positions.contains(&Position::PeerSpecialist) {
                positions.insert(0, Position::PeerSpecialist);
            }
            if member.id == self.team.director {
                positions.push(Position::Supervisor);
            }
            if positions.is_empty() {
                continue;
            }
            let peer = positions.contains(&Position::PeerSpecialist);
            let extra_coach = member.email.starts_with("coach-");
            if extra_coach {
                coach_number += 1;
            }
            // Some coaches are chosen, by their number, for the gaps a real team has.
            let gap = |every: usize, offset: usize| extra_coach && coach_number % every == offset;
            let years_here: i64 = if member.id == self.team.coach {
                2
            } else if positions.contains(&Position::Supervisor) {
                self.rng.gen_range(5..9)
            } else {
                self.rng.gen_range(0..6)
            };
            let start = today - Duration::days(years_here * 365 + self.rng.gen_range(30..330));
            let prior_months = self.rng.gen_range(0..36);
            let experience = ((today - start).whole_days() / 30) as i32 + prior_months;
            let confirmed_by = member.supervisor_id;
            rows.profiles.push(staff_profile::Model {
                org_id: self.org_id,
                staff_id: member.id,
                positions: join_codes(&positions),
                start_date: Some(start),
                experience_months: Some(experience),
                lived_experience: peer,
                lived_experience_attested_on: peer.then_some(start),
                // One coach in thirty-seven has not said whether they would share their story.
                shares_story: (peer && !gap(37, 3)).then_some(true),
                job_description_version: Some("2025-01".into()),
                job_description_acknowledged_on: if gap(41, 5) { None } else { Some(start.max(date_of_version())) },
                role_understanding_confirmed_on: (peer && confirmed_by.is_some()).then(|| start + Duration::days(45)),
                role_understanding_confirmed_by: if peer { confirmed_by } else { None },
                updated_by: confirmed_by,
                version: 1,
                created_at: self.now,
                updated_at: self.now,
            });
            self.degrees(&mut rows, member.id, &positions, start);
            if peer {
                let expires = if member.id == self.team.coach {
                    // The named coach renews soon: the 60-day reminder is due.
                    today + Duration::days(45)
                } else if gap(43, 7) {
                    today - Duration::days(self.rng.gen_range(5..40))
                } else if gap(13, 2) {
                    today + Duration::days(self.rng.gen_range(10..30))
                } else {
                    today + Duration::days(self.rng.gen_range(90..700))
                };
                let issued = expires - Duration::days(2 * 365);
                rows.certifications.push(staff_certification::Model {
                    id: uuid(&mut self.rng),
                    org_id: self.org_id,
                    staff_id: member.id,
                    kind: CertificationKind::PeerRecovery.code().into(),
                    name: "Certified Peer Recovery Specialist".into(),
                    jurisdiction: "ME".into(),
                    number: Some(format!("CPRS-{:05}", self.rng.gen_range(1000..99999))),
                    issued_on: issued,
                    expires_on: Some(expires),
                    file_id: None,
                    recorded_by: self.team.admin,
                    version: 1,
                    created_at: self.now,
                    updated_at: self.now,
                });
            }
            if positions.contains(&Position::Supervisor) && member.id == self.team.supervisor {
                rows.certifications.push(staff_certification::Model {
                    id: uuid(&mut self.rng),
                    org_id: self.org_id,
                    staff_id: member.id,
                    kind: CertificationKind::PeerSupervisor.code().into(),
                    name: "Certified Peer Supervisor".into(),
                    jurisdiction: "ME".into(),
                    number: Some(format!("CPS-{:04}", self.rng.gen_range(100..9999))),
                    issued_on: today - Duration::days(400),
                    expires_on: Some(today + Duration::days(330)),
                    file_id: None,
                    recorded_by: self.team.admin,
                    version: 1,
                    created_at: self.now,
                    updated_at: self.now,
                });
            }

            // Training: pre-service around the start date, then in-service each year.
            let org_id = self.org_id;
            let take = |rows: &mut Rows, key: &str, on: Date, phase: TrainingPhase, rng: &mut ChaCha8Rng| {
                let (index, course) = COURSES.iter().enumerate().find(|(_, c)| c.0 == key).expect("course key");
                let at = OffsetDateTime::new_utc(on, time::Time::from_hms(17, 0, 0).expect("time"));
                rows.training.push(training_record::Model {
                    id: uuid(rng),
                    org_id,
                    staff_id: member.id,
                    course_id: Some(courses[index].id),
                    title: course.1.into(),
                    kind: TrainingKind::Completed.code().into(),
                    phase: phase.code().into(),
                    topics: join_codes(course.5),
                    completed_on: on.min(today),
                    hours: Some(course.4),
                    provider: Some(course.2.into()),
                    certificate_file_id: None,
                    demonstration: None,
                    attested_by: None,
                    note: None,
                    recorded_by: member.id,
                    version: 1,
                    created_at: at,
                    updated_at: at,
                });
            };
            let direct = positions.iter().any(|p| p.is_direct_service());
            let all_staff: &[&str] = &["referral", "trauma", "suicide"];
            let mut pre: Vec<&str> = if direct { PRE_SERVICE.to_vec() } else { all_staff.to_vec() };
            if peer {
                pre.extend(PEER_PRE_SERVICE);
            }
            if positions.contains(&Position::Supervisor) {
                pre.extend(["supervision", "secondary"]);
            }
            // One coach in thirty has still not done the evidence-based practice course.
            if gap(31, 4) {
                pre.retain(|k| *k != "evidence");
            }
            for key in pre {
                let on = start + Duration::days(self.rng.gen_range(-40..50));
                take(&mut rows, key, on, TrainingPhase::PreService, &mut self.rng);
            }
            if peer {
                // One coach in twenty-three missed this year's in-service.
                let skip_latest = gap(23, 1);
                let mut year = 1;
                while start + Duration::days(year * 365) <= today {
                    let due = start + Duration::days(year * 365);
                    let last = start + Duration::days((year + 1) * 365) > today;
                    if !(last && skip_latest) {
                        for key in PEER_IN_SERVICE {
                            let on = due - Duration::days(self.rng.gen_range(0..60));
                            take(&mut rows, key, on, TrainingPhase::InService, &mut self.rng);
                        }
                    }
                    year += 1;
                }
            }

            // Supervision each month for the last six, by their supervisor; mentoring every few months.
            if let Some(boss) = member.supervisor_id.filter(|_| direct || peer) {
                let lapsed = gap(47, 11);
                for month in 0..6 {
                    let back = if lapsed { 50 + month * 30 } else { 3 + month * 30 };
                    let held = today - Duration::days(back + self.rng.gen_range(0..8));
                    if held < start {
                        break;
                    }
                    let note = SUPERVISION_NOTES.choose(&mut self.rng).copied().unwrap_or_default();
                    rows.supervision.push(self.session(member.id, boss, SupervisionKind::Individual, held, note));
                }
                if peer {
                    // The mentor is mentored in turn by the named coach.
                    let mentor = if member.id == mentor { self.team.coach } else { mentor };
                    for quarter in 0..2 {
                        let held = today - Duration::days(20 + quarter * 75 + self.rng.gen_range(0..20));
                        if held < start {
                            break;
                        }
                        let note = MENTORING_NOTES.choose(&mut self.rng).copied().unwrap_or_default();
                        rows.supervision.push(self.session(
                            member.id,
                            mentor,
                            SupervisionKind::PeerMentoring,
                            held,
                            note,
                        ));
                    }
                }
            }
            if self.team.workers.contains(&member.id)
                && let Some(boss) = member.supervisor_id
            {
                let back = if gap(17, 6) { self.rng.gen_range(200..260) } else { self.rng.gen_range(30..170) };
                let reviewed = today - Duration::days(back);
                let decision = if back > 150 { WorkloadDecision::Redistribute } else { WorkloadDecision::NoChange };
                rows.reviews.push(workload_review::Model {
                    id: uuid(&mut self.rng),
                    org_id: self.org_id,
                    staff_id: member.id,
                    reviewed_on: reviewed,
                    reviewed_by: boss,
                    measures: serde_json::json!({ "note": "demo review" }).to_string(),
                    decision: decision.code().into(),
                    notes: Some("Caseload and contact pace reviewed together; supervision needs discussed.".into()),
                    next_review_on: reviewed + Duration::days(182),
                    created_at: OffsetDateTime::new_utc(reviewed, time::Time::from_hms(16, 0, 0).expect("time")),
                });
            }
        }
        insert_all::<training_course::ActiveModel>(txn, active(courses)).await?;
        insert_all::<staff_profile::ActiveModel>(txn, active(rows.profiles)).await?;
        insert_all::<staff_degree::ActiveModel>(txn, active(rows.degrees)).await?;
        insert_all::<staff_certification::ActiveModel>(txn, active(rows.certifications)).await?;
        insert_all::<training_record::ActiveModel>(txn, active(rows.training)).await?;
        insert_all::<supervision_session::ActiveModel>(txn, active(rows.supervision)).await?;
        insert_all::<workload_review::ActiveModel>(txn, active(rows.reviews)).await?;
        Ok(())
    }

    fn degrees(&mut self, rows: &mut Rows, staff_id: Uuid, positions: &[Position], start: Date) {
        let degree = if positions.contains(&Position::ProgramManager) {
            Some((DegreeLevel::Master, "Public health", true))
        } else if positions.contains(&Position::Supervisor) {
            Some((DegreeLevel::Bachelor, "Social work", true))
        } else {
            match self.rng.gen_range(0..10) {
                0..=2 => Some((DegreeLevel::Associate, "Human services", true)),
                3 => Some((DegreeLevel::Bachelor, "Business administration", false)),
                _ => None,
            }
        };
        if let Some((level, field, human_services)) = degree {
            rows.degrees.push(staff_degree::Model {
                id: uuid(&mut self.rng),
                org_id: self.org_id,
                staff_id,
                level: level.code().into(),
                field: field.into(),
                human_services,
                institution: Some("University of Southern Harbourview".into()),
                completed_year: Some(start.year() - self.rng.gen_range(1..12)),
                recorded_by: self.team.admin,
                recorded_at: self.now,
            });
        }
    }

    fn session(
        &mut self,
        staff_id: Uuid,
        led_by: Uuid,
        kind: SupervisionKind,
        held_on: Date,
        note: &str,
    ) -> supervision_session::Model {
        let mut topics = vec![SupervisionTopic::CaseloadReview, SupervisionTopic::SelfCare];
        if let Some(extra) = [
            SupervisionTopic::Triggers,
            SupervisionTopic::BoundariesEthics,
            SupervisionTopic::RecoveryStory,
            SupervisionTopic::Workload,
            SupervisionTopic::TrainingGoals,
        ]
        .choose(&mut self.rng)
        {
            topics.push(*extra);
        }
        if kind == SupervisionKind::PeerMentoring {
            topics = vec![SupervisionTopic::SelfCare, SupervisionTopic::RoleClarity];
        }
        let at = OffsetDateTime::new_utc(held_on, time::Time::from_hms(15, 0, 0).expect("time"));
        supervision_session::Model {
            id: uuid(&mut self.rng),
            org_id: self.org_id,
            staff_id,
            led_by,
            kind: kind.code().into(),
            held_on,
            minutes: Some(if kind == SupervisionKind::PeerMentoring { 45 } else { 60 }),
            topics: join_codes(&topics),
            notes: Some(note.into()),
            follow_ups: None,
            follow_up_due: None,
            follow_up_done_on: None,
            people_discussed: String::new(),
            recorded_by: led_by,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }
}

/// When the current job description (version 2025-01) was issued.
fn date_of_version() -> Date {
    Date::from_calendar_date(2025, time::Month::January, 6).expect("date")
}
