//! Evidence measures read from the organisation's own records, each with a known answer. Every test
//! builds a fresh organisation beside the demo one (so the demo's records never change what is
//! asserted) and measures the 12 months up to the harness's today, 2026-11-18 (America/New_York).

use crate::helpers::{TestApp, person_row};
use mainstay::access::Actor;
use mainstay::db::entities::{
    advisory_attendee, advisory_meeting, crisis_procedure, curriculum, facilitator_readiness, feedback_change,
    feedback_item, group_attendance, group_facilitator, group_feedback, group_session, logic_model, logic_model_item,
    logic_model_outcome, organisation, person, program, program_intake_setting, program_rule, site, staff,
    staff_certification, staff_degree, staff_profile, staff_program, supervision_session, support_group,
    training_record, welcome_check, welcome_review, workload_review,
};
use mainstay::directory::resources::{self, ResourceInput, VerifyInput};
use mainstay::domain::codes::Role;
use mainstay::domain::community::Period;
use mainstay::domain::personnel::{Requirement, RequirementGroup};
use mainstay::standards::measures::{self, MeasureKey, MeasureResult, RecordKind, Scope};
use sea_orm::EntityTrait;
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

macro_rules! insert {
    ($app:expr, $entity:ident, $model:expr) => {
        $entity::Entity::insert($entity::ActiveModel::from($model))
            .exec_without_returning($app.db.conn())
            .await
            .expect(stringify!($entity))
    };
}

const TODAY: Date = date!(2026 - 11 - 18);

fn scope(org_id: Uuid) -> Scope {
    Scope { org_id, period: Period { from: date!(2025 - 11 - 19), to: TODAY }, today: TODAY }
}

async fn measure(app: &TestApp, org: Uuid, key: MeasureKey) -> MeasureResult {
    let result = measures::run(app.db.conn(), key, &scope(org)).await.unwrap_or_else(|e| panic!("{key}: {e}"));
    assert_eq!(result.key, key);
    // Quarter measures name the organisation once, with the quarters it misses.
    let named = match key {
        MeasureKey::ChangesPublished | MeasureKey::AdvisoryMeetings => result.failing_count().min(1),
        _ => result.failing_count(),
    };
    assert_eq!(result.failing.len() as u64, named, "{key}: every failing record is named");
    result
}

fn labels(result: &MeasureResult) -> Vec<&str> {
    result.failing.iter().map(|f| f.label.as_str()).collect()
}

fn arg<'a>(result: &'a MeasureResult, label: &str, name: &str) -> &'a str {
    let row = result.failing.iter().find(|f| f.label == label).unwrap_or_else(|| panic!("{label} fails"));
    row.why_args.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("{name}"))
}

fn why<'a>(result: &'a MeasureResult, label: &str) -> &'a str {
    &result.failing.iter().find(|f| f.label == label).unwrap_or_else(|| panic!("{label} fails")).why
}

fn now(app: &TestApp) -> OffsetDateTime {
    app.now()
}

/// A new, empty organisation; its first staff member (an administrator) records everything.
async fn fresh_org(app: &TestApp, name: &str) -> (Uuid, Uuid) {
    let id = Uuid::new_v4();
    insert!(
        app,
        organisation,
        organisation::Model {
            id,
            name: name.into(),
            country: "US".into(),
            time_zone: "America/New_York".into(),
            default_language: "en".into(),
            edition: "cse-2024".into(),
            require_totp: false,
            emergency_number: "911".into(),
            crisis_procedure: "Stay with the person.".into(),
            local_crisis_contacts: None,
            next_record_number: 100,
            version: 1,
            created_at: now(app),
            updated_at: now(app),
        }
    );
    let admin = add_staff(app, id, "Zed Admin", &[Role::Administrator], None).await;
    (id, admin)
}

async fn add_staff(app: &TestApp, org: Uuid, name: &str, roles: &[Role], supervisor: Option<Uuid>) -> Uuid {
    let id = Uuid::new_v4();
    insert!(
        app,
        staff,
        staff::Model {
            id,
            org_id: org,
            email: format!("{id}@example.org"),
            display_name: name.into(),
            job_title: None,
            roles: mainstay::db::staff::roles_to_text(roles),
            password_hash: "x".into(),
            supervisor_id: supervisor,
            active: true,
            totp_secret: None,
            totp_enabled: false,
            totp_last_step: None,
            failed_logins: 0,
            locked_until: None,
            last_login_at: None,
            password_changed_at: now(app),
            must_change_password: false,
            language: None,
            version: 1,
            created_at: now(app),
            updated_at: now(app),
        }
    );
    id
}

struct Profile {
    positions: &'static str,
    start: Option<Date>,
    months: Option<i32>,
    lived: bool,
    story: Option<bool>,
    job_description: Option<Date>,
}

async fn add_profile(app: &TestApp, org: Uuid, staff_id: Uuid, p: Profile) {
    insert!(
        app,
        staff_profile,
        staff_profile::Model {
            org_id: org,
            staff_id,
            positions: p.positions.into(),
            start_date: p.start,
            experience_months: p.months,
            lived_experience: p.lived,
            lived_experience_attested_on: p.lived.then_some(date!(2025 - 01 - 02)),
            shares_story: p.story,
            job_description_version: None,
            job_description_acknowledged_on: p.job_description,
            role_understanding_confirmed_on: None,
            role_understanding_confirmed_by: None,
            updated_by: None,
            version: 1,
            created_at: now(app),
            updated_at: now(app),
        }
    );
}

async fn add_training(app: &TestApp, org: Uuid, staff_id: Uuid, topics: &[Requirement], on: Date, phase: &str) {
    let codes: Vec<&str> = topics.iter().map(|t| t.code()).collect();
    insert!(
        app,
        training_record,
        training_record::Model {
            id: Uuid::new_v4(),
            org_id: org,
            staff_id,
            course_id: None,
            title: "Course".into(),
            kind: "completed".into(),
            phase: phase.into(),
            topics: codes.join(";"),
            completed_on: on,
            hours: Some(6.0),
            provider: None,
            certificate_file_id: None,
            demonstration: None,
            attested_by: None,
            note: None,
            recorded_by: staff_id,
            version: 1,
            created_at: now(app),
            updated_at: now(app),
        }
    );
}

fn topics(groups: &[RequirementGroup]) -> Vec<Requirement> {
    groups.iter().flat_map(|g| g.topics()).collect()
}

async fn add_program(app: &TestApp, org: Uuid, name: &str, kinds: (bool, bool, bool), active: bool) -> Uuid {
    let id = Uuid::new_v4();
    insert!(
        app,
        program,
        program::Model {
            id,
            org_id: org,
            name: name.into(),
            description: None,
            serves_individuals: kinds.0,
            serves_groups: kinds.1,
            serves_referral: kinds.2,
            peer_delivered: true,
            occasional_only: false,
            active,
            version: 1,
            created_at: now(app),
            updated_at: now(app),
        }
    );
    id
}

async fn add_person(app: &TestApp, org: Uuid) -> Uuid {
    let id = Uuid::new_v4();
    insert!(app, person, person::Model { id, ..person_row(org, 7, "Pat", "Served", now(app)) });
    id
}

// ---------- CSE 1: logic models ----------

async fn add_model(app: &TestApp, org: Uuid, program_id: Uuid, parts: &[&str], areas: &[&str]) {
    let model_id = Uuid::new_v4();
    insert!(
        app,
        logic_model,
        logic_model::Model {
            id: model_id,
            org_id: org,
            program_id,
            updated_by: None,
            version: 1,
            created_at: now(app),
            updated_at: now(app),
        }
    );
    for (position, part) in parts.iter().enumerate() {
        let kind = match *part {
            "inputs" => Some("human"),
            "outputs" => Some("people-served"),
            "impact" => Some("community"),
            _ => None,
        };
        insert!(
            app,
            logic_model_item,
            logic_model_item::Model {
                id: Uuid::new_v4(),
                org_id: org,
                model_id,
                part: part.to_string(),
                position: position as i32,
                kind: kind.map(str::to_string),
                text: format!("Our {part}"),
                evidence_title: None,
                evidence_date: None,
                evidence_link: None,
                planned: Some(40.0),
            }
        );
    }
    for (position, area) in areas.iter().enumerate() {
        insert!(
            app,
            logic_model_outcome,
            logic_model_outcome::Model {
                id: Uuid::new_v4(),
                org_id: org,
                model_id,
                program_id,
                position: position as i32,
                statement: format!("People gain in {area}"),
                area: area.to_string(),
                instrument_key: Some("barc-10".into()),
                target_kind: Some("improve-by".into()),
                target_value: Some(5.0),
                target_share: Some(0.6),
                timeframe: None,
            }
        );
    }
}

#[tokio::test]
async fn logic_models_are_complete_and_name_two_outcome_areas() {
    let app = TestApp::spawn().await;
    let (org, _) = fresh_org(&app, "Logic Org").await;
    let all = ["needs", "inputs", "activities", "outputs", "impact"];
    let coaching = add_program(&app, org, "Coaching", (true, false, false), true).await;
    add_model(&app, org, coaching, &all, &["quality-of-life", "goal-achievement"]).await;
    add_program(&app, org, "Groups", (false, true, false), true).await;
    let info = add_program(&app, org, "Info Line", (false, false, true), true).await;
    add_model(&app, org, info, &["needs", "inputs", "activities", "outputs"], &["other"]).await;
    add_program(&app, org, "Closed Program", (true, false, false), false).await;

    let complete = measure(&app, org, MeasureKey::LogicModelsComplete).await;
    assert_eq!((complete.met, complete.total), (1, 3));
    assert_eq!(labels(&complete), vec!["Groups", "Info Line"]);
    assert_eq!(why(&complete, "Groups"), "readiness-why-logic-model-missing");
    assert_eq!(why(&complete, "Info Line"), "readiness-why-logic-model-gaps");
    assert_eq!(arg(&complete, "Info Line", "gaps"), "missing-part");
    let info_row = complete.failing.iter().find(|f| f.label == "Info Line").unwrap();
    assert_eq!((info_row.kind, info_row.link.clone()), (RecordKind::Program, format!("/programs/{info}/logic-model")));

    // The I&R-only program is NA for two outcome areas; the program without a model has none.
    let two = measure(&app, org, MeasureKey::LogicModelsTwoOutcomes).await;
    assert_eq!((two.met, two.total), (1, 2));
    assert_eq!(labels(&two), vec!["Groups"]);
    assert_eq!(arg(&two, "Groups", "found"), "0");
}

// ---------- CSE 2: personnel ----------

#[tokio::test]
async fn staff_measures_follow_the_competency_rules() {
    use RequirementGroup as G;
    let app = TestApp::spawn().await;
    let (org, admin) = fresh_org(&app, "Staff Org").await;
    let coaching = add_program(&app, org, "Coaching", (true, false, false), true).await;
    let info = add_program(&app, org, "Info Line", (false, false, true), true).await;
    insert!(
        app,
        program_intake_setting,
        program_intake_setting::Model {
            org_id: org,
            program_id: coaching,
            population_statement: None,
            prsc_population: true,
            target_emergency_days: 1,
            target_urgent_days: 3,
            target_routine_days: 14,
            capacity: None,
            checkin_days: 14,
            plan_review_days: 90,
            screen_everyone: true,
            version: 1,
            updated_at: now(&app),
        }
    );
    let in_program = |staff_id: Uuid, program_id: Uuid| staff_program::Model { org_id: org, staff_id, program_id };

    // Alex: a peer with everything in order.
    let alex = add_staff(&app, org, "Alex Peer", &[Role::Coach], None).await;
    insert!(app, staff_program, in_program(alex, coaching));
    let profile = Profile {
        positions: "peer-specialist",
        start: Some(date!(2025 - 01 - 01)),
        months: Some(6),
        lived: true,
        story: Some(true),
        job_description: Some(date!(2026 - 01 - 10)),
    };
    add_profile(&app, org, alex, profile).await;
    let pre = topics(&[G::Cse203, G::Cse205, G::Cse207]);
    add_training(&app, org, alex, &pre, date!(2025 - 01 - 15), "pre-service").await;
    add_training(&app, org, alex, &[Requirement::EthicsBoundaries], date!(2026 - 06 - 01), "in-service").await;
    add_training(&app, org, alex, &topics(&[G::PrscKnowledge, G::PrscSkills]), date!(2026 - 02 - 01), "in-service")
        .await;
    insert!(
        app,
        staff_certification,
        staff_certification::Model {
            id: Uuid::new_v4(),
            org_id: org,
            staff_id: alex,
            kind: "peer-recovery".into(),
            name: "Certified Peer Recovery Specialist".into(),
            jurisdiction: "ME".into(),
            number: None,
            issued_on: date!(2025 - 02 - 01),
            expires_on: Some(date!(2027 - 02 - 01)),
            file_id: None,
            recorded_by: admin,
            version: 1,
            created_at: now(&app),
            updated_at: now(&app),
        }
    );

    // Casey supervises Blair, a peer: Casey then needs training on trauma among peer workers.
    let casey = add_staff(&app, org, "Casey Supervisor", &[Role::Supervisor], None).await;
    let blair = add_staff(&app, org, "Blair Peer", &[Role::Coach], Some(casey)).await;
    insert!(app, staff_program, in_program(blair, coaching));
    let profile = Profile {
        positions: "peer-specialist",
        start: Some(date!(2025 - 06 - 01)),
        months: None,
        lived: true,
        story: None,
        job_description: None,
    };
    add_profile(&app, org, blair, profile).await;
    insert!(
        app,
        staff_certification,
        staff_certification::Model {
            id: Uuid::new_v4(),
            org_id: org,
            staff_id: blair,
            kind: "peer-support".into(),
            name: "Peer Support Specialist".into(),
            jurisdiction: "ME".into(),
            number: None,
            issued_on: date!(2023 - 01 - 01),
            expires_on: Some(date!(2025 - 01 - 01)),
            file_id: None,
            recorded_by: admin,
            version: 1,
            created_at: now(&app),
            updated_at: now(&app),
        }
    );
    for (who, on) in [(alex, date!(2026 - 11 - 01)), (blair, date!(2026 - 06 - 01))] {
        insert!(
            app,
            supervision_session,
            supervision_session::Model {
                id: Uuid::new_v4(),
                org_id: org,
                staff_id: who,
                led_by: casey,
                kind: "individual".into(),
                held_on: on,
                minutes: Some(60),
                topics: "caseload-review".into(),
                notes: None,
                follow_ups: None,
                follow_up_due: None,
                follow_up_done_on: None,
                people_discussed: String::new(),
                recorded_by: casey,
                version: 1,
                created_at: now(&app),
                updated_at: now(&app),
            }
        );
    }
    let supervisor = |start: Option<Date>, months: i32| Profile {
        positions: "supervisor",
        start,
        months: Some(months),
        lived: false,
        story: None,
        job_description: None,
    };
    add_profile(&app, org, casey, supervisor(None, 60)).await;
    let drew = add_staff(&app, org, "Drew Supervisor", &[Role::Supervisor], None).await;
    add_profile(&app, org, drew, supervisor(Some(date!(2026 - 08 - 01)), 30)).await;
    let mut supervision = topics(&[G::Cse203]);
    supervision.push(Requirement::Supervision);
    for (who, level) in [(casey, "bachelor"), (drew, "master")] {
        add_training(&app, org, who, &supervision, date!(2025 - 03 - 01), "in-service").await;
        insert!(
            app,
            staff_degree,
            staff_degree::Model {
                id: Uuid::new_v4(),
                org_id: org,
                staff_id: who,
                level: level.into(),
                field: "Social work".into(),
                human_services: true,
                institution: None,
                completed_year: Some(2010),
                recorded_by: admin,
                recorded_at: now(&app),
            }
        );
    }

    // Fran works only in I&R: 2.05 does not apply; an associate degree qualifies her.
    let fran = add_staff(&app, org, "Fran Referral", &[Role::ReferralSpecialist], None).await;
    insert!(app, staff_program, in_program(fran, info));
    let profile = Profile {
        positions: "referral-specialist",
        start: None,
        months: Some(3),
        lived: false,
        story: None,
        job_description: None,
    };
    add_profile(&app, org, fran, profile).await;
    add_training(&app, org, fran, &topics(&[G::Cse203]), date!(2026 - 03 - 01), "in-service").await;
    insert!(
        app,
        staff_degree,
        staff_degree::Model {
            id: Uuid::new_v4(),
            org_id: org,
            staff_id: fran,
            level: "associate".into(),
            field: "Human services".into(),
            human_services: true,
            institution: None,
            completed_year: Some(2020),
            recorded_by: admin,
            recorded_at: now(&app),
        }
    );

    // Workload reviews: Alex's and Fran's are recent, Casey's lapsed, Blair never had one, Drew
    // started in August and is not yet due.
    for (who, on) in [(alex, date!(2026 - 09 - 01)), (casey, date!(2026 - 01 - 10)), (fran, date!(2026 - 10 - 01))] {
        insert!(
            app,
            workload_review,
            workload_review::Model {
                id: Uuid::new_v4(),
                org_id: org,
                staff_id: who,
                reviewed_on: on,
                reviewed_by: admin,
                measures: "{}".into(),
                decision: "no-change".into(),
                notes: None,
                next_review_on: date!(2030 - 01 - 01),
                created_at: now(&app),
            }
        );
    }

    let qualified = measure(&app, org, MeasureKey::StaffQualified).await;
    assert_eq!((qualified.met, qualified.total), (2, 3));
    assert_eq!(labels(&qualified), vec!["Blair Peer"]);
    let row = &qualified.failing[0];
    assert_eq!((row.kind, row.id, row.link.clone()), (RecordKind::Staff, blair, format!("/team/{blair}")));

    let supervisors = measure(&app, org, MeasureKey::SupervisorsQualified).await;
    assert_eq!((supervisors.met, supervisors.total), (1, 2));
    assert_eq!(labels(&supervisors), vec!["Casey Supervisor"]);
    assert_eq!(arg(&supervisors, "Casey Supervisor", "gaps"), "cse-2-02-peer-trauma");

    // The administrator holds no position and is not counted.
    let all_staff = measure(&app, org, MeasureKey::TrainingAllStaff).await;
    assert_eq!((all_staff.met, all_staff.total), (4, 5));
    assert_eq!(labels(&all_staff), vec!["Blair Peer"]);
    assert_eq!(why(&all_staff, "Blair Peer"), "readiness-why-staff-missing-training");
    assert_eq!(arg(&all_staff, "Blair Peer", "count"), "3");

    let direct = measure(&app, org, MeasureKey::TrainingDirectService).await;
    assert_eq!((direct.met, direct.total), (1, 2), "Fran works only in I&R");
    assert_eq!(labels(&direct), vec!["Blair Peer"]);

    let certified = measure(&app, org, MeasureKey::PeerStaffCertified).await;
    assert_eq!((certified.met, certified.total), (1, 2));
    assert_eq!(why(&certified, "Blair Peer"), "readiness-why-peer-certification-expired");
    assert_eq!(arg(&certified, "Blair Peer", "since"), "2025-01-01");

    let role = measure(&app, org, MeasureKey::PeerStaffRole).await;
    assert_eq!((role.met, role.total), (1, 2));
    assert_eq!(arg(&role, "Blair Peer", "gaps"), "shares-story, job-description");

    let supervised = measure(&app, org, MeasureKey::PeerStaffSupervised).await;
    assert_eq!((supervised.met, supervised.total), (1, 2));
    assert_eq!(why(&supervised, "Blair Peer"), "readiness-why-peer-supervision-lapsed");
    assert_eq!(arg(&supervised, "Blair Peer", "last"), "2026-06-01");
    assert_eq!(supervised.failing[0].link, format!("/team/{blair}/supervision"));

    let training = measure(&app, org, MeasureKey::PeerTraining).await;
    assert_eq!((training.met, training.total), (1, 2));
    assert_eq!(arg(&training, "Blair Peer", "gaps"), "pre-service, in-service");

    let prsc = measure(&app, org, MeasureKey::PrscCompetencies).await;
    assert_eq!((prsc.met, prsc.total), (1, 2));
    assert_eq!(arg(&prsc, "Blair Peer", "count"), "23");

    let workloads = measure(&app, org, MeasureKey::WorkloadsReviewed).await;
    assert_eq!((workloads.met, workloads.total), (3, 5));
    assert_eq!(labels(&workloads), vec!["Blair Peer", "Casey Supervisor"]);
    assert_eq!(why(&workloads, "Blair Peer"), "readiness-why-workload-review-never");
    assert_eq!(arg(&workloads, "Blair Peer", "due"), "2025-12-01");
    assert_eq!(why(&workloads, "Casey Supervisor"), "readiness-why-workload-review-overdue");
    assert_eq!(arg(&workloads, "Casey Supervisor", "due"), "2026-07-10");
    assert_eq!(arg(&workloads, "Casey Supervisor", "days"), "131");
}

// ---------- CSE 5: groups ----------

async fn add_group(
    app: &TestApp,
    org: Uuid,
    program_id: Uuid,
    name: &str,
    status: &str,
    curriculum: Option<Uuid>,
) -> Uuid {
    let id = Uuid::new_v4();
    let admin = Uuid::new_v4();
    insert!(
        app,
        support_group,
        support_group::Model {
            id,
            org_id: org,
            program_id,
            name: name.into(),
            kind: "support".into(),
            focus_areas: "goals".into(),
            audience: "individuals".into(),
            description: None,
            membership: "open".into(),
            capacity: None,
            capacity_rule: "warn".into(),
            language: "en".into(),
            site_id: None,
            room: None,
            online_link: None,
            peer_led: true,
            listed_publicly: false,
            curriculum_id: curriculum,
            curriculum_version: curriculum.map(|_| 1),
            status: status.into(),
            feed_token: Uuid::new_v4().to_string(),
            created_by: admin,
            updated_by: admin,
            version: 1,
            created_at: now(app),
            updated_at: now(app),
        }
    );
    id
}

/// A stored session at `at` (UTC), lasting an hour.
async fn add_session(
    app: &TestApp,
    org: Uuid,
    group_id: Uuid,
    at: OffsetDateTime,
    status: &str,
    change: impl FnOnce(&mut group_session::Model),
) -> Uuid {
    let id = Uuid::new_v4();
    let mut s = group_session::Model {
        id,
        org_id: org,
        group_id,
        schedule_id: None,
        occurrence_start: None,
        starts_at: at,
        ends_at: at + time::Duration::hours(1),
        status: status.into(),
        cancel_reason: None,
        room: None,
        curriculum_session: None,
        topic: None,
        anonymous_count: 0,
        topics_covered: None,
        progress: None,
        adaptations: None,
        activities_offered: None,
        opportunities: None,
        safety_concerns: None,
        logged_by: None,
        logged_at: None,
        checkout_token: None,
        created_by: Uuid::nil(),
        updated_by: Uuid::nil(),
        version: 1,
        created_at: at,
        updated_at: at,
    };
    change(&mut s);
    insert!(app, group_session, s);
    id
}

fn full_log(s: &mut group_session::Model) {
    s.topics_covered = Some("Handling cravings".into());
    s.progress = Some("Members shared more".into());
    s.logged_at = Some(s.ends_at);
}

async fn attend(app: &TestApp, org: Uuid, group_id: Uuid, session_id: Uuid, person_id: Uuid, leadership: Option<&str>) {
    insert!(
        app,
        group_attendance,
        group_attendance::Model {
            org_id: org,
            session_id,
            person_id,
            group_id,
            status: "present".into(),
            drop_in: false,
            leadership: leadership.map(str::to_string),
            contact_id: None,
            recorded_by: Uuid::nil(),
            recorded_at: now(app),
            version: 1,
        }
    );
}

async fn facilitate(app: &TestApp, org: Uuid, group_id: Uuid, staff_id: Option<Uuid>, volunteer: Option<&str>) {
    insert!(
        app,
        group_facilitator,
        group_facilitator::Model {
            id: Uuid::new_v4(),
            org_id: org,
            group_id,
            staff_id,
            volunteer_name: volunteer.map(str::to_string),
            role: "lead".into(),
            added_by: Uuid::nil(),
            added_at: now(app),
        }
    );
}

async fn attest(app: &TestApp, org: Uuid, volunteer: &str, areas: &str, by: Uuid) {
    insert!(
        app,
        facilitator_readiness,
        facilitator_readiness::Model {
            id: Uuid::new_v4(),
            org_id: org,
            staff_id: None,
            volunteer_name: Some(volunteer.into()),
            areas: areas.into(),
            note: None,
            attested_by: by,
            attested_at: now(app),
        }
    );
}

#[tokio::test]
async fn group_measures_read_schedules_logs_leadership_feedback_and_facilitators() {
    let app = TestApp::spawn().await;
    let (org, admin) = fresh_org(&app, "Group Org").await;
    let program_id = add_program(&app, org, "Groups", (false, true, false), true).await;
    let curriculum_id = Uuid::new_v4();
    insert!(
        app,
        curriculum,
        curriculum::Model {
            id: curriculum_id,
            org_id: org,
            title: "Recovery skills".into(),
            status: "active".into(),
            current_version: 1,
            created_by: admin,
            updated_by: admin,
            version: 1,
            created_at: now(&app),
            updated_at: now(&app),
        }
    );
    let alder = add_group(&app, org, program_id, "Alder Circle", "active", Some(curriculum_id)).await;
    let birch = add_group(&app, org, program_id, "Birch Group", "active", None).await;
    let cedar = add_group(&app, org, program_id, "Cedar Group", "paused", None).await;
    let dogwood = add_group(&app, org, program_id, "Dogwood Group", "active", None).await;
    let member = add_person(&app, org).await;

    // Alder: held with attendance and a full log; held with a thin log (a member led); cancelled
    // with a reason.
    let s1 = add_session(&app, org, alder, datetime!(2026-10-06 18:00 UTC), "held", full_log).await;
    attend(&app, org, alder, s1, member, None).await;
    let s2 = add_session(&app, org, alder, datetime!(2026-10-13 18:00 UTC), "held", |s| {
        s.topics_covered = Some("Sleep".into());
        s.logged_at = Some(s.ends_at);
    })
    .await;
    attend(&app, org, alder, s2, member, Some("sharing-story")).await;
    add_session(&app, org, alder, datetime!(2026-10-20 18:00 UTC), "cancelled", |s| {
        s.cancel_reason = Some("Snow".into())
    })
    .await;
    // Birch: held without a log (with feedback), one left unrecorded, one cancelled with no reason.
    let s4 = add_session(&app, org, birch, datetime!(2026-10-07 18:00 UTC), "held", |_| {}).await;
    attend(&app, org, birch, s4, member, None).await;
    add_session(&app, org, birch, datetime!(2026-10-14 18:00 UTC), "scheduled", |_| {}).await;
    add_session(&app, org, birch, datetime!(2026-10-21 18:00 UTC), "cancelled", |_| {}).await;
    insert!(
        app,
        group_feedback,
        group_feedback::Model {
            id: Uuid::new_v4(),
            org_id: org,
            session_id: s4,
            group_id: birch,
            person_id: None,
            source: "member".into(),
            felt_safe: Some(5),
            useful: Some(4),
            comment: None,
            recorded_by: None,
            created_at: datetime!(2026-10-07 20:00 UTC),
        }
    );
    // Cedar is paused: its logged session still counts among sessions held.
    add_session(&app, org, cedar, datetime!(2026-10-08 18:00 UTC), "held", full_log).await;

    // Facilitators: Gale (trained in all four skills) runs Alder and Birch; Robin (two skills
    // attested) helps at Alder; Sky (all four) at Dogwood; Hal (untrained) only at paused Cedar.
    let gale = add_staff(&app, org, "Gale Facilitator", &[Role::GroupFacilitator], None).await;
    let skills = topics(&[RequirementGroup::Cse204]);
    add_training(&app, org, gale, &skills, date!(2026 - 01 - 05), "in-service").await;
    let hal = add_staff(&app, org, "Hal Facilitator", &[Role::GroupFacilitator], None).await;
    facilitate(&app, org, alder, Some(gale), None).await;
    facilitate(&app, org, birch, Some(gale), None).await;
    facilitate(&app, org, alder, None, Some("Robin Oak")).await;
    facilitate(&app, org, dogwood, None, Some("Sky Lane")).await;
    facilitate(&app, org, cedar, Some(hal), None).await;
    attest(&app, org, "Robin Oak", "engaging-members;dynamics-safety", admin).await;
    let all = "engaging-members;dynamics-safety;leading-discussion;facilitating-activities";
    attest(&app, org, "Sky Lane", all, admin).await;

    let kept = measure(&app, org, MeasureKey::GroupScheduleKept).await;
    assert_eq!((kept.met, kept.total), (1, 2), "Dogwood has no sessions yet");
    assert_eq!(labels(&kept), vec!["Birch Group"]);
    assert_eq!(arg(&kept, "Birch Group", "missing"), "2");
    assert_eq!(arg(&kept, "Birch Group", "sessions"), "3");
    assert_eq!(arg(&kept, "Birch Group", "first"), "2026-10-14");

    let curricula = measure(&app, org, MeasureKey::GroupCurricula).await;
    assert_eq!((curricula.met, curricula.total), (1, 3));
    assert_eq!(labels(&curricula), vec!["Birch Group", "Dogwood Group"]);

    let logs = measure(&app, org, MeasureKey::SessionLogs).await;
    assert_eq!((logs.met, logs.total), (2, 4));
    assert_eq!(labels(&logs), vec!["Birch Group · 2026-10-07", "Alder Circle · 2026-10-13"]);
    assert_eq!(logs.failing[0].why, "readiness-why-session-no-log");
    assert_eq!(logs.failing[1].why, "readiness-why-session-log-incomplete");
    assert_eq!(logs.failing[0].link, format!("/groups/{birch}/sessions/{s4}"));
    assert_eq!(logs.failing[0].kind, RecordKind::GroupSession);

    let leadership = measure(&app, org, MeasureKey::MemberLeadership).await;
    assert_eq!((leadership.met, leadership.total), (1, 2));
    assert_eq!(labels(&leadership), vec!["Birch Group"]);

    let feedback = measure(&app, org, MeasureKey::GroupFeedback).await;
    assert_eq!((feedback.met, feedback.total), (1, 2));
    assert_eq!(labels(&feedback), vec!["Alder Circle"]);
    assert_eq!(arg(&feedback, "Alder Circle", "sessions"), "2");

    let leaders = measure(&app, org, MeasureKey::TrainingGroupLeaders).await;
    assert_eq!((leaders.met, leaders.total), (2, 3), "Hal leads only a paused group");
    assert_eq!(labels(&leaders), vec!["Robin Oak"]);
    assert_eq!(arg(&leaders, "Robin Oak", "missing"), "leading-discussion, facilitating-activities");
    assert_eq!(leaders.failing[0].link, format!("/groups/{alder}#facilitators"));
}

// ---------- CSE 6: directory and crisis procedure ----------

fn resource(name: &str, status: &str, complete: bool) -> ResourceInput {
    let some = |s: &str| Some(s.to_string());
    let mut input = ResourceInput {
        name: name.into(),
        status: status.into(),
        new_organization_name: some("Zephyr Trust"),
        address_1: some("12 Harbour Street"),
        city: some("Port Alder"),
        state_province: some("ME"),
        postal_code: some("04101"),
        country: some("US"),
        phone: some("(207) 555-0101"),
        ..Default::default()
    };
    if complete {
        input.description = some("Groceries every week");
        input.contact_name = some("Dana Whitcomb");
        input.languages = vec!["English".into()];
        input.fee_kind = some("free");
        input.fees_description = some("No charge");
        input.eligibility_description = some("Adults in the county");
    }
    input
}

#[tokio::test]
async fn resources_are_complete_and_verified_and_the_crisis_procedure_current() {
    let app = TestApp::spawn().await;
    let (org, admin) = fresh_org(&app, "Directory Org").await;
    let actor = Actor {
        staff_id: admin,
        org_id: org,
        display_name: "Zed Admin".into(),
        email: "zed@example.org".into(),
        roles: vec![Role::Administrator],
        supervisee_ids: Vec::new(),
        program_ids: Vec::new(),
        ip: None,
    };
    let save = |input: ResourceInput| {
        let (state, actor) = (app.state.clone(), actor.clone());
        async move { resources::save(&state, &actor, None, &input).await.expect("saved").id }
    };
    let verify = |id: String, on: &'static str| {
        let (state, actor) = (app.state.clone(), actor.clone());
        async move {
            let input = VerifyInput { verified_on: on.into(), method: "phone".into(), note: None };
            resources::verify(&state, &actor, &id, &input, TODAY).await.expect("verified")
        }
    };
    let pantry = save(resource("Zephyr Pantry", "active", true)).await;
    verify(pantry.clone(), "2026-10-01").await;
    let clinic = save(resource("Zephyr Clinic", "active", false)).await;
    save(resource("Zephyr Closed", "defunct", false)).await;
    let shelter = save(resource("Zephyr Shelter", "temporarily closed", true)).await;
    verify(shelter.clone(), "2025-06-01").await;

    let complete = measure(&app, org, MeasureKey::ResourcesComplete).await;
    assert_eq!((complete.met, complete.total), (2, 3), "the defunct resource is not counted");
    assert_eq!(labels(&complete), vec!["Zephyr Clinic"]);
    assert_eq!(arg(&complete, "Zephyr Clinic", "facts"), "contact-person, services, languages, fees, eligibility");
    let row = &complete.failing[0];
    assert_eq!((row.kind, row.link.clone()), (RecordKind::Resource, format!("/directory/{clinic}")));

    let verified = measure(&app, org, MeasureKey::ResourcesVerified).await;
    assert_eq!((verified.met, verified.total), (1, 3));
    assert_eq!(labels(&verified), vec!["Zephyr Clinic", "Zephyr Shelter"], "never verified first");
    assert_eq!(why(&verified, "Zephyr Clinic"), "readiness-why-resource-never-verified");
    assert_eq!(arg(&verified, "Zephyr Shelter", "verified"), "2025-06-01");
    assert_eq!(arg(&verified, "Zephyr Shelter", "months"), "12");

    // The crisis procedure: none, then one approved too long ago, then a newer one with a section
    // left empty, then a complete current one.
    let crisis = measure(&app, org, MeasureKey::CrisisProcedureCurrent).await;
    assert_eq!((crisis.met, crisis.total), (0, 1));
    assert_eq!(crisis.failing[0].why, "readiness-why-crisis-procedure-missing");
    assert_eq!(crisis.failing[0].label, "Directory Org");
    assert_eq!(crisis.failing[0].link, "/crisis/procedure");
    for (revision, approved_on, domestic) in [
        (1, date!(2025 - 10 - 01), "Call the shelter line."),
        (2, date!(2026 - 05 - 01), " "),
        (3, date!(2026 - 05 - 02), "Call the shelter line."),
    ] {
        insert!(
            app,
            crisis_procedure,
            crisis_procedure::Model {
                id: Uuid::new_v4(),
                org_id: org,
                revision,
                intervention: "Stay with the person.".into(),
                intensive_services: "Refer to the mobile crisis team.".into(),
                emergency_responders: "Call 911.".into(),
                domestic_violence: domestic.into(),
                anonymous_callers: "Keep them on the line.".into(),
                mandatory_reporting: "Report to child protection.".into(),
                approved_by: "Board".into(),
                approved_on,
                created_by: admin,
                created_at: now(&app),
            }
        );
        let crisis = measure(&app, org, MeasureKey::CrisisProcedureCurrent).await;
        match revision {
            1 => {
                assert_eq!(crisis.failing[0].why, "readiness-why-crisis-procedure-old");
                assert_eq!(arg(&crisis, "Directory Org", "approved"), "2025-10-01");
            }
            2 => assert_eq!(arg(&crisis, "Directory Org", "sections"), "domestic-violence"),
            _ => assert_eq!((crisis.met, crisis.total, crisis.failing.len()), (1, 1, 0)),
        }
    }
}

// ---------- CSE 7: welcoming sites, feedback, changes, rules, advisory meetings ----------

async fn add_site(app: &TestApp, org: Uuid, name: &str, active: bool) -> Uuid {
    let id = Uuid::new_v4();
    insert!(
        app,
        site,
        site::Model {
            id,
            org_id: org,
            name: name.into(),
            setting_type: "peer-recovery-centre".into(),
            address_line: None,
            locality: None,
            region: None,
            postal_code: None,
            phone: None,
            notes: None,
            active,
            version: 1,
            created_at: now(app),
            updated_at: now(app),
        }
    );
    id
}

async fn review(app: &TestApp, org: Uuid, site_id: Uuid, on: Date, answers: &[&str], by: Uuid) {
    let id = Uuid::new_v4();
    insert!(
        app,
        welcome_review,
        welcome_review::Model {
            id,
            org_id: org,
            site_id,
            reviewed_on: on,
            reviewed_by: by,
            participants: 2,
            notes: None,
            follow_up: None,
            next_review_on: date!(2030 - 01 - 01),
            version: 1,
            created_at: now(app),
            updated_at: now(app),
        }
    );
    for (item, answer) in mainstay::domain::community::WelcomeItem::ALL.iter().zip(answers.iter().cycle()) {
        insert!(
            app,
            welcome_check,
            welcome_check::Model {
                id: Uuid::new_v4(),
                org_id: org,
                review_id: id,
                item: item.code().into(),
                answer: answer.to_string(),
                note: None,
            }
        );
    }
}

async fn feedback(app: &TestApp, org: Uuid, kind: &str, received: Date, due: Date, responded: Option<Date>) -> Uuid {
    let id = Uuid::new_v4();
    insert!(
        app,
        feedback_item,
        feedback_item::Model {
            id,
            org_id: org,
            kind: kind.into(),
            category: "other".into(),
            channel: "public-form".into(),
            status: if responded.is_some() { "responded" } else { "received" }.into(),
            program_id: None,
            body: "The room was cold".into(),
            submitted_by: None,
            submitter_name: Some("Pat Served".into()),
            email: None,
            phone: None,
            wants_reply: false,
            person_id: None,
            received_at: now(app),
            received_on: received,
            due_on: due,
            owner_id: None,
            acknowledged_on: None,
            response: responded.map(|_| "Thank you".into()),
            response_method: None,
            responded_on: responded,
            responded_by: None,
            response_emailed_at: None,
            outcome: None,
            outcome_note: None,
            closed_on: None,
            change_id: None,
            file_id: None,
            recorded_by: None,
            version: 1,
            created_at: now(app),
            updated_at: now(app),
        }
    );
    id
}

async fn rule(app: &TestApp, org: Uuid, program_id: Option<Uuid>, number: i32, drafting: &str, by: Uuid) -> Uuid {
    let id = Uuid::new_v4();
    insert!(
        app,
        program_rule,
        program_rule::Model {
            id,
            org_id: org,
            program_id,
            scope: program_id.map_or("organisation".into(), |p| p.to_string()),
            version_number: number,
            title: "House rules".into(),
            body: "Be kind.".into(),
            effective_from: date!(2026 - 01 - 01),
            drafting: drafting.into(),
            drafting_notes: None,
            votes_for: None,
            votes_against: None,
            votes_abstain: None,
            enforcement: "peer-led-review".into(),
            enforcement_description: "Members review breaches together.".into(),
            drafted_at_meeting_id: None,
            change_summary: None,
            recorded_by: by,
            recorded_at: now(app),
        }
    );
    id
}

#[tokio::test]
async fn voice_measures_read_sites_feedback_changes_rules_and_meetings() {
    let app = TestApp::spawn().await;
    let (org, admin) = fresh_org(&app, "Voice Org").await;

    // Welcoming sites: one fully met (an item not applicable), one reviewed too long ago, one with
    // an item only partly met, one never reviewed; an inactive site is not counted.
    let hall = add_site(&app, org, "Harbour Hall", true).await;
    review(&app, org, hall, date!(2026 - 03 - 01), &["met", "met", "not-applicable"], admin).await;
    let old = add_site(&app, org, "Old Mill", true).await;
    review(&app, org, old, date!(2025 - 09 - 01), &["met"], admin).await;
    let annex = add_site(&app, org, "Annex", true).await;
    review(&app, org, annex, date!(2025 - 12 - 01), &["met"], admin).await;
    review(&app, org, annex, date!(2026 - 04 - 01), &["met", "met", "met", "met", "met", "partly"], admin).await;
    add_site(&app, org, "New Store", true).await;
    let closed = add_site(&app, org, "Closed Depot", false).await;
    review(&app, org, closed, date!(2024 - 01 - 01), &["not-met"], admin).await;

    let sites = measure(&app, org, MeasureKey::WelcomingSites).await;
    assert_eq!((sites.met, sites.total), (1, 4));
    assert_eq!(labels(&sites), vec!["Annex", "New Store", "Old Mill"]);
    assert_eq!(why(&sites, "Annex"), "readiness-why-site-checklist-short");
    assert_eq!(arg(&sites, "Annex", "count"), "2", "twelve items, every sixth partly met");
    assert_eq!(why(&sites, "New Store"), "readiness-why-site-never-reviewed");
    assert_eq!(arg(&sites, "Old Mill", "reviewed"), "2025-09-01");
    assert_eq!(sites.failing[0].link, format!("/voice/welcome/{annex}"));

    // Feedback: answered on time; still within target (not yet due); answered late; never
    // answered; received before the period.
    feedback(&app, org, "complaint", date!(2026 - 10 - 01), date!(2026 - 10 - 11), Some(date!(2026 - 10 - 05))).await;
    feedback(&app, org, "suggestion", date!(2026 - 10 - 20), date!(2026 - 11 - 19), None).await;
    let late =
        feedback(&app, org, "complaint", date!(2026 - 09 - 01), date!(2026 - 09 - 11), Some(date!(2026 - 09 - 20)))
            .await;
    let never = feedback(&app, org, "dissatisfaction", date!(2026 - 08 - 01), date!(2026 - 08 - 15), None).await;
    feedback(&app, org, "complaint", date!(2025 - 01 - 01), date!(2025 - 01 - 11), None).await;
    let answered = measure(&app, org, MeasureKey::FeedbackAnswered).await;
    assert_eq!((answered.met, answered.total), (1, 3));
    assert_eq!(labels(&answered), vec!["2026-08-01 · dissatisfaction", "2026-09-01 · complaint"]);
    assert_eq!(answered.failing[0].id, never);
    assert_eq!(answered.failing[0].why, "readiness-why-feedback-unanswered");
    assert_eq!(arg(&answered, "2026-08-01 · dissatisfaction", "days"), "95");
    assert_eq!(answered.failing[1].id, late);
    assert_eq!(arg(&answered, "2026-09-01 · complaint", "days"), "9");
    assert_eq!(answered.failing[1].link, format!("/voice/feedback/{late}"));
    assert!(answered.failing.iter().all(|f| !f.label.contains("Pat")), "no one served is named");

    // "You said, we did": quarters 2025-Q4 to 2026-Q4; the running quarter counts once it has one.
    for (on, published) in [
        (date!(2025 - 12 - 05), true),
        (date!(2026 - 02 - 01), false),
        (date!(2026 - 05 - 10), true),
        (date!(2026 - 11 - 02), true),
    ] {
        insert!(
            app,
            feedback_change,
            feedback_change::Model {
                id: Uuid::new_v4(),
                org_id: org,
                program_id: None,
                you_said: "The room is cold".into(),
                we_did: "We fixed the heating".into(),
                published,
                published_on: Some(on),
                published_by: Some(admin),
                created_by: admin,
                version: 1,
                created_at: now(&app),
                updated_at: now(&app),
            }
        );
    }
    let changes = measure(&app, org, MeasureKey::ChangesPublished).await;
    assert_eq!((changes.met, changes.total), (3, 5));
    assert_eq!(changes.failing.len(), 1, "one line for the organisation");
    assert_eq!(changes.failing[0].kind, RecordKind::Organisation);
    assert_eq!(arg(&changes, "Voice Org", "quarters"), "2026-Q1, 2026-Q3");

    // Advisory meetings: Q1 with participants counted, Q2 with a participant named, Q3 staff only;
    // 2025-Q4 had none, and the running 2026-Q4 has none yet (not counted).
    let person_id = add_person(&app, org).await;
    for (on, participants) in [(date!(2026 - 01 - 15), 5), (date!(2026 - 04 - 10), 0), (date!(2026 - 07 - 10), 0)] {
        let id = Uuid::new_v4();
        insert!(
            app,
            advisory_meeting,
            advisory_meeting::Model {
                id,
                org_id: org,
                kind: "advisory-council".into(),
                program_id: None,
                held_on: on,
                place: None,
                online: false,
                participant_count: participants,
                staff_count: 2,
                topics: "Opening hours".into(),
                summary: None,
                recorded_by: admin,
                version: 1,
                created_at: now(&app),
                updated_at: now(&app),
            }
        );
        if on == date!(2026 - 04 - 10) {
            insert!(
                app,
                advisory_attendee,
                advisory_attendee::Model {
                    id: Uuid::new_v4(),
                    org_id: org,
                    meeting_id: id,
                    person_id,
                    consent_to_name_on: on,
                    recorded_by: admin,
                    recorded_at: now(&app),
                }
            );
        }
    }
    let meetings = measure(&app, org, MeasureKey::AdvisoryMeetings).await;
    assert_eq!((meetings.met, meetings.total), (2, 4));
    assert_eq!(arg(&meetings, "Voice Org", "quarters"), "2025-Q4, 2026-Q3");

    // Rules: Coaching's current version records no drafting; Groups' and the organisation's do;
    // a closed program's rules are not counted.
    let coaching = add_program(&app, org, "Coaching", (true, false, false), true).await;
    let groups = add_program(&app, org, "Groups", (false, true, false), true).await;
    let closed_program = add_program(&app, org, "Closed", (true, false, false), false).await;
    let drafted = r#"[{"method":"survey","participants":12,"note":null}]"#;
    rule(&app, org, Some(coaching), 1, drafted, admin).await;
    let current = rule(&app, org, Some(coaching), 2, "[]", admin).await;
    rule(&app, org, Some(groups), 1, drafted, admin).await;
    rule(&app, org, Some(closed_program), 1, "[]", admin).await;
    rule(&app, org, None, 1, r#"[{"method":"other","participants":null,"note":"Residents wrote them"}]"#, admin).await;
    let rules = measure(&app, org, MeasureKey::RulesCodrafted).await;
    assert_eq!((rules.met, rules.total), (2, 3));
    assert_eq!(labels(&rules), vec!["Coaching"]);
    assert_eq!(arg(&rules, "Coaching", "version"), "2");
    assert_eq!(rules.failing[0].link, format!("/voice/rules/{current}"));
}

/// Every organisation measure answers on the demo organisation (whose records are generated), with
/// consistent counts, and quickly enough when run side by side.
#[tokio::test]
async fn every_organisation_measure_runs_on_the_demo_organisation() {
    let app = TestApp::spawn().await;
    let org = mainstay::db::org::all(&app.db).await.unwrap()[0].id;
    let keys: Vec<MeasureKey> = MeasureKey::ALL.iter().copied().filter(|k| !k.reads_people()).collect();
    assert_eq!(keys.len(), 26);
    let started = std::time::Instant::now();
    let results = measures::run_all(app.db.conn(), &keys, &scope(org)).await.expect("measures");
    let took = started.elapsed();
    for r in &results {
        assert!(r.met <= r.total, "{}", r.key);
        assert!(r.failing.len() as u64 <= r.failing_count(), "{}", r.key);
        for f in &r.failing {
            assert!(f.why.starts_with("readiness-why-"), "{}: {}", r.key, f.why);
            assert!(f.link.starts_with('/'), "{}: {}", r.key, f.link);
            assert_ne!(f.kind, RecordKind::Person, "{}", r.key);
        }
    }
    assert!(took < std::time::Duration::from_secs(10), "took {took:?}");
}
