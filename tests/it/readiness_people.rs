//! Evidence measures read from person-level records (`standards::measures`, people): each measure is
//! run on a fresh organisation (zone America/Toronto) holding hand-made records with known answers —
//! how many are counted, how many meet the element, and which records fall short and why. The
//! period is 2026-01-01 to 2026-10-31, judged on the harness's day, 2026-11-18.

use crate::helpers::{TestApp, person_row};
use mainstay::db::entities::{
    coaching_contact, contact_addendum, enrolment, mutual_aid_connection, opportunity, organisation,
    outcome_measurement, person, program, program_intake_setting, recovery_plan, recovery_plan_version, referral,
    risk_response, risk_screen, safety_plan, service_request, waitlist_entry,
};
use mainstay::domain::community::Period;
use mainstay::standards::measures::{self, MeasureKey, MeasureResult, RecordKind, Scope};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel};
use serde_json::json;
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

const TODAY: Date = date!(2026 - 11 - 18);

struct Org {
    conn: DatabaseConnection,
    id: Uuid,
    staff: Uuid,
    next_number: i64,
}

/// Noon in Toronto on `day` (17:00 UTC in winter, 16:00 in summer: the same local day either way).
fn noon(day: Date) -> OffsetDateTime {
    day.with_hms(17, 0, 0).unwrap().assume_utc()
}

async fn insert<A: ActiveModelTrait + Send>(conn: &DatabaseConnection, model: A) {
    <A::Entity as EntityTrait>::insert(model).exec_without_returning(conn).await.expect("insert");
}

impl Org {
    async fn new(app: &TestApp) -> Org {
        let conn = app.db.conn().clone();
        let id = Uuid::new_v4();
        let now = app.now();
        insert(
            &conn,
            organisation::Model {
                id,
                name: format!("Readiness {}", &id.simple().to_string()[..6]),
                country: "CA".into(),
                time_zone: "America/Toronto".into(),
                default_language: "en".into(),
                edition: "cse-2024".into(),
                require_totp: false,
                emergency_number: "911".into(),
                crisis_procedure: String::new(),
                local_crisis_contacts: None,
                next_record_number: 1,
                version: 1,
                created_at: now,
                updated_at: now,
            }
            .into_active_model(),
        )
        .await;
        Org { conn, id, staff: Uuid::new_v4(), next_number: 1 }
    }

    async fn run(&self, key: MeasureKey) -> MeasureResult {
        let scope = Scope {
            org_id: self.id,
            period: Period { from: date!(2026 - 01 - 01), to: date!(2026 - 10 - 31) },
            today: TODAY,
        };
        measures::run(&self.conn, key, &scope).await.expect("measure")
    }

    async fn program(&self, name: &str, peer: bool, individuals: bool, occasional: bool) -> Uuid {
        let id = Uuid::new_v4();
        insert(
            &self.conn,
            program::Model {
                id,
                org_id: self.id,
                name: name.into(),
                description: None,
                serves_individuals: individuals,
                serves_groups: false,
                serves_referral: false,
                peer_delivered: peer,
                occasional_only: occasional,
                active: true,
                version: 1,
                created_at: noon(date!(2025 - 01 - 01)),
                updated_at: noon(date!(2025 - 01 - 01)),
            }
            .into_active_model(),
        )
        .await;
        id
    }

    /// A person with the next record number, race recorded or not.
    async fn person(&mut self, race: Option<&str>, ethnicity: Option<&str>) -> (Uuid, i64) {
        let id = Uuid::new_v4();
        let number = self.next_number;
        self.next_number += 1;
        insert(
            &self.conn,
            person::Model {
                id,
                race_codes: race.map(String::from),
                ethnicity: ethnicity.map(String::from),
                ..person_row(self.id, number, "Test", &format!("Person {number}"), noon(date!(2025 - 01 - 01)))
            }
            .into_active_model(),
        )
        .await;
        (id, number)
    }

    async fn enrol(&self, person: Uuid, program: Uuid, started: Date, ended: Option<Date>) {
        insert(
            &self.conn,
            enrolment::Model {
                id: Uuid::new_v4(),
                org_id: self.id,
                person_id: person,
                program_id: program,
                worker_id: Some(self.staff),
                started_on: started,
                ended_on: ended,
                created_at: noon(started),
                discharge_reason: None,
                discharge_note: None,
                request_id: None,
            }
            .into_active_model(),
        )
        .await;
    }

    async fn contact(&self, person: Uuid, at: OffsetDateTime, mode: &str, warnings: Option<&str>) -> Uuid {
        let id = Uuid::new_v4();
        insert(
            &self.conn,
            coaching_contact::Model {
                id,
                org_id: self.id,
                person_id: person,
                program_id: None,
                worker_id: self.staff,
                occurred_at: at,
                minutes: 30,
                mode: mode.into(),
                setting: "community".into(),
                present: None,
                activities: "coaching".into(),
                goals: String::new(),
                note: "We talked about the week ahead.".into(),
                status: "signed".into(),
                signed_at: Some(at),
                signed_by: Some(self.staff),
                warnings: warnings.map(String::from),
                lapse_id: None,
                group_session_id: None,
                version: 1,
                created_at: at,
                updated_at: at,
            }
            .into_active_model(),
        )
        .await;
        id
    }
}

fn failing_ids(result: &MeasureResult) -> Vec<Uuid> {
    result.failing.iter().map(|f| f.id).collect()
}

fn counts(result: &MeasureResult) -> (u64, u64) {
    (result.met, result.total)
}

// ---------- intake ----------

struct Request<'a> {
    received_at: OffsetDateTime,
    urgency: Option<&'a str>,
    status: &'a str,
    fit: Option<&'a str>,
    offer: Option<&'a str>,
    referred_to: Option<&'a str>,
    close_reason: Option<&'a str>,
    first_service_on: Option<Date>,
}

impl Default for Request<'_> {
    fn default() -> Self {
        Request {
            received_at: noon(date!(2026 - 01 - 05)),
            urgency: Some("routine"),
            status: "new",
            fit: None,
            offer: None,
            referred_to: None,
            close_reason: None,
            first_service_on: None,
        }
    }
}

impl Org {
    async fn request(&self, program: Uuid, r: Request<'_>) -> Uuid {
        let id = Uuid::new_v4();
        let rank = match r.urgency {
            Some("emergency") => 0,
            Some("urgent") => 1,
            None => 2,
            _ => 3,
        };
        insert(
            &self.conn,
            service_request::Model {
                id,
                org_id: self.id,
                person_id: None,
                anonymous: true,
                source: "phone".into(),
                received_at: r.received_at,
                given_name: None,
                family_name: None,
                phone: None,
                email: None,
                date_of_birth: None,
                safe_to_message: None,
                referrer_name: None,
                referrer_organisation: None,
                asked_for: "Peer support".into(),
                program_id: Some(program),
                assigned_to: None,
                status: r.status.into(),
                urgency: r.urgency.map(String::from),
                urgency_rank: rank,
                urgency_reason: None,
                critical_needs: None,
                needs_intensive: false,
                intensive_note: None,
                triaged_at: None,
                triaged_by: None,
                fit: r.fit.map(String::from),
                population_fit: None,
                population_basis: None,
                offer: r.offer.map(String::from),
                offer_from: None,
                informed_at: None,
                screened_at: r.fit.map(|_| r.received_at),
                screened_by: None,
                referred_to: r.referred_to.map(String::from),
                referral_reason: r.referred_to.map(|_| "Needs a service we do not offer".into()),
                close_reason: r.close_reason.map(String::from),
                close_note: None,
                closed_at: None,
                enrolment_id: None,
                first_service_on: r.first_service_on,
                created_by: None,
                version: 1,
                created_at: r.received_at,
                updated_at: r.received_at,
            }
            .into_active_model(),
        )
        .await;
        id
    }

    async fn risk_screen(&self, person: Uuid, day: Date, level: &str) -> Uuid {
        let id = Uuid::new_v4();
        insert(
            &self.conn,
            risk_screen::Model {
                id,
                org_id: self.id,
                person_id: person,
                request_id: None,
                kind: "program-wide".into(),
                individual_reason: None,
                screened_at: noon(day),
                screened_by: self.staff,
                answers: "{}".into(),
                concerns: String::new(),
                suicide_level: level.into(),
                level: level.into(),
                notes: None,
                closed_at: None,
                closed_by: None,
                version: 1,
                created_at: noon(day),
                updated_at: noon(day),
            }
            .into_active_model(),
        )
        .await;
        id
    }
}

#[tokio::test]
async fn intake_measures_count_requests_against_their_program_targets() {
    let app = TestApp::spawn().await;
    let org = Org::new(&app).await;
    let program = org.program("Peer coaching", true, true, false).await;
    insert(
        &org.conn,
        program_intake_setting::Model {
            org_id: org.id,
            program_id: program,
            population_statement: None,
            prsc_population: false,
            target_emergency_days: 0,
            target_urgent_days: 3,
            target_routine_days: 30,
            capacity: None,
            checkin_days: 14,
            plan_review_days: 90,
            screen_everyone: false,
            version: 1,
            updated_at: app.now(),
        }
        .into_active_model(),
    )
    .await;
    let served =
        Request { status: "enrolled", fit: Some("fits"), offer: Some("Weekly coaching"), ..Request::default() };
    // Urgent, served in 2 days (target 3).
    let r1 = org
        .request(
            program,
            Request {
                received_at: noon(date!(2026 - 03 - 02)),
                urgency: Some("urgent"),
                first_service_on: Some(date!(2026 - 03 - 04)),
                ..served
            },
        )
        .await;
    // Routine, served in 44 days (target 30).
    let r2 = org
        .request(
            program,
            Request {
                received_at: noon(date!(2026 - 04 - 01)),
                first_service_on: Some(date!(2026 - 05 - 15)),
                ..Request {
                    status: "enrolled",
                    fit: Some("fits"),
                    offer: Some("Weekly coaching"),
                    ..Request::default()
                }
            },
        )
        .await;
    // Never screened, still waiting far past its target, sent nowhere.
    let r3 = org.request(program, Request { received_at: noon(date!(2026 - 05 - 01)), ..Request::default() }).await;
    // Not a fit: referred elsewhere at screening.
    let r4 = org
        .request(
            program,
            Request {
                received_at: noon(date!(2026 - 06 - 01)),
                status: "referred-out",
                fit: Some("does-not-fit"),
                referred_to: Some("County mental health"),
                ..Request::default()
            },
        )
        .await;
    // Screened and waiting past target, with a waiting-list place.
    let r5 = org
        .request(
            program,
            Request {
                received_at: noon(date!(2026 - 07 - 01)),
                status: "waiting",
                fit: Some("fits"),
                offer: Some("Coaching when a place opens"),
                ..Request::default()
            },
        )
        .await;
    insert(
        &org.conn,
        waitlist_entry::Model {
            id: Uuid::new_v4(),
            org_id: org.id,
            request_id: r5,
            person_id: None,
            program_id: program,
            assigned_to: None,
            priority: "normal".into(),
            priority_rank: 1,
            placed_at: noon(date!(2026 - 07 - 02)),
            placed_by: org.staff,
            next_checkin_on: date!(2026 - 07 - 16),
            last_checkin_at: None,
            referral_offered: None,
            note: None,
            removed_at: None,
            removed_by: None,
            removed_reason: None,
            removed_note: None,
            version: 1,
            created_at: noon(date!(2026 - 07 - 02)),
            updated_at: noon(date!(2026 - 07 - 02)),
        }
        .into_active_model(),
    )
    .await;
    // After the period: not counted.
    org.request(program, Request { received_at: noon(date!(2026 - 11 - 17)), ..Request::default() }).await;
    // Late in the period, untriaged (held to the routine 30 days), not yet due on the 18th.
    org.request(program, Request { received_at: noon(date!(2026 - 10 - 30)), urgency: None, ..Request::default() })
        .await;
    // Withdrawn: closed with a reason, no service owed.
    org.request(
        program,
        Request {
            received_at: noon(date!(2026 - 08 - 01)),
            status: "closed",
            close_reason: Some("withdrawn"),
            ..Request::default()
        },
    )
    .await;
    // Urgent, received at 22:00 on 1 March in Toronto (03:00 UTC on the 2nd), served on the 5th:
    // four local days against a target of three (three by the UTC day).
    let r9 = org
        .request(
            program,
            Request {
                received_at: datetime!(2026-03-02 03:00 UTC),
                urgency: Some("urgent"),
                first_service_on: Some(date!(2026 - 03 - 05)),
                ..Request {
                    status: "enrolled",
                    fit: Some("fits"),
                    offer: Some("Weekly coaching"),
                    ..Request::default()
                }
            },
        )
        .await;

    let screened = org.run(MeasureKey::RequestsScreened).await;
    assert_eq!(counts(&screened), (6, 7), "{screened:?}");
    assert_eq!(failing_ids(&screened), vec![r3]);
    let f = &screened.failing[0];
    assert_eq!((f.kind, f.why.as_str()), (RecordKind::Request, "readiness-why-request-not-screened"));
    assert_eq!(f.link, format!("/intake/{r3}"));
    assert_eq!(f.why_args, vec![("received".to_string(), "2026-05-01".to_string())]);

    let timely = org.run(MeasureKey::IntakeTimely).await;
    assert_eq!(counts(&timely), (1, 5), "{timely:?}");
    // Most overdue first: 201 days against 30, 140 against 30, 44 against 30, 4 against 3.
    assert_eq!(failing_ids(&timely), vec![r3, r5, r2, r9]);
    assert_eq!(timely.failing[0].why, "readiness-why-intake-waiting");
    assert_eq!(timely.failing[3].why, "readiness-why-intake-late");
    assert_eq!(timely.failing[3].why_args, vec![("days".into(), "4".into()), ("target".into(), "3".into())]);
    assert!(!failing_ids(&timely).contains(&r1));

    let redirected = org.run(MeasureKey::UnservedRedirected).await;
    assert_eq!(counts(&redirected), (2, 3), "{redirected:?}");
    assert_eq!(failing_ids(&redirected), vec![r3]);
    assert!(!failing_ids(&redirected).contains(&r4));
}

#[tokio::test]
async fn risk_measures_follow_first_service_and_elevated_results() {
    let app = TestApp::spawn().await;
    let mut org = Org::new(&app).await;
    let program = org.program("Peer coaching", true, true, false).await;
    // A: enrolled 1 Feb, screened on the 20th.
    let (a, _) = org.person(None, None).await;
    org.enrol(a, program, date!(2026 - 02 - 01), None).await;
    org.risk_screen(a, date!(2026 - 02 - 20), "none").await;
    org.risk_screen(a, date!(2026 - 03 - 20), "low").await;
    // B: enrolled 1 March, screened two months later (high, answered).
    let (b, b_number) = org.person(None, None).await;
    org.enrol(b, program, date!(2026 - 03 - 01), None).await;
    let b_screen = org.risk_screen(b, date!(2026 - 05 - 01), "high").await;
    insert(
        &org.conn,
        risk_response::Model {
            id: Uuid::new_v4(),
            org_id: org.id,
            screen_id: b_screen,
            person_id: b,
            kind: "safety-plan".into(),
            detail: "Safety plan written together".into(),
            occurred_at: noon(date!(2026 - 05 - 01)),
            recorded_by: org.staff,
            created_at: noon(date!(2026 - 05 - 01)),
        }
        .into_active_model(),
    )
    .await;
    insert(
        &org.conn,
        safety_plan::Model {
            id: Uuid::new_v4(),
            org_id: org.id,
            person_id: b,
            warning_signs: "Not sleeping".into(),
            coping_strategies: "Walks".into(),
            distractions: String::new(),
            people_to_ask: String::new(),
            professionals: String::new(),
            safer_environment: String::new(),
            reasons_for_living: String::new(),
            shared_on: None,
            updated_by: org.staff,
            version: 1,
            created_at: noon(date!(2026 - 05 - 01)),
            updated_at: noon(date!(2026 - 05 - 01)),
        }
        .into_active_model(),
    )
    .await;
    // C: first enrolled before the period.
    let (c, _) = org.person(None, None).await;
    org.enrol(c, program, date!(2025 - 06 - 01), Some(date!(2025 - 09 - 01))).await;
    org.enrol(c, program, date!(2026 - 04 - 01), None).await;
    // D: enrolled 24 days before today, not screened yet: not yet due.
    let (d, _) = org.person(None, None).await;
    org.enrol(d, program, date!(2026 - 10 - 25), None).await;
    // F: screened at intake before the enrolment (moderate, no response, no safety plan).
    let (f, f_number) = org.person(None, None).await;
    org.enrol(f, program, date!(2026 - 06 - 01), None).await;
    org.risk_screen(f, date!(2026 - 05 - 20), "moderate").await;

    let screened = org.run(MeasureKey::RiskScreened).await;
    assert_eq!(counts(&screened), (2, 3), "{screened:?}");
    assert_eq!(failing_ids(&screened), vec![b]);
    assert_eq!(screened.failing[0].label, format!("#{b_number}"));
    assert_eq!(screened.failing[0].link, format!("/people/{b}"));
    assert_eq!(screened.failing[0].why_args, vec![("started".to_string(), "2026-03-01".to_string())]);

    let responded = org.run(MeasureKey::RiskResponded).await;
    assert_eq!(counts(&responded), (1, 2), "{responded:?}");
    assert_eq!(failing_ids(&responded), vec![f]);
    assert_eq!(responded.failing[0].label, format!("#{f_number}"));
    assert_eq!(responded.failing[0].why_args, vec![("level".to_string(), "moderate".to_string())]);

    let safety = org.run(MeasureKey::SafetyPlanWhenAtRisk).await;
    assert_eq!(counts(&safety), (1, 2), "{safety:?}");
    assert_eq!(failing_ids(&safety), vec![f]);
}

// ---------- plans ----------

fn plan_content(strengths: &str, evaluation: &str, goal_progress: &str) -> String {
    json!({
        "why_came": "To get back on my feet",
        "strengths": strengths,
        "barriers": "No car",
        "unmet_needs": [],
        "goals": [{
            "id": Uuid::new_v4(),
            "domain": "housing",
            "in_own_words": "Find my own place",
            "progress": goal_progress,
            "progress_note": "",
            "steps": []
        }],
        "progress_evaluation": evaluation,
    })
    .to_string()
}

struct Version<'a> {
    number: i32,
    kind: &'a str,
    agreed_on: Date,
    content: String,
    verbal: bool,
}

impl Org {
    /// A plan with its agreed versions (review due 90 days after each, none after a discharge).
    async fn plan(&self, person: Uuid, status: &str, versions: Vec<Version<'_>>) -> Uuid {
        let id = Uuid::new_v4();
        let last = versions.last().expect("a version");
        insert(
            &self.conn,
            recovery_plan::Model {
                id,
                org_id: self.id,
                person_id: person,
                program_id: None,
                family: false,
                status: status.into(),
                content: last.content.clone(),
                number: last.number,
                started_on: versions[0].agreed_on,
                last_agreed_on: Some(last.agreed_on),
                review_due_on: None,
                created_by: self.staff,
                updated_by: self.staff,
                version: 1,
                created_at: noon(versions[0].agreed_on),
                updated_at: noon(last.agreed_on),
            }
            .into_active_model(),
        )
        .await;
        for v in versions {
            let facts = mainstay::domain::coaching::PlanFacts::of_json(&v.content);
            insert(
                &self.conn,
                recovery_plan_version::Model {
                    id: Uuid::new_v4(),
                    org_id: self.id,
                    plan_id: id,
                    person_id: person,
                    number: v.number,
                    kind: v.kind.into(),
                    content: v.content,
                    goal_count: facts.goal_count,
                    has_strengths: facts.has_strengths,
                    has_barriers: facts.has_barriers,
                    has_progress: facts.has_progress,
                    agreement: if v.verbal { "verbal" } else { "signature" }.into(),
                    agreed_on: v.agreed_on,
                    signed_name: (!v.verbal).then(|| "Test Person".into()),
                    agreement_note: v.verbal.then(|| "Agreed on the phone".into()),
                    review_due_on: (v.kind != "discharge").then(|| v.agreed_on + time::Duration::days(90)),
                    recorded_by: self.staff,
                    created_at: noon(v.agreed_on),
                }
                .into_active_model(),
            )
            .await;
        }
        id
    }
}

#[tokio::test]
async fn plan_measures_read_versions_and_their_content() {
    let app = TestApp::spawn().await;
    let mut org = Org::new(&app).await;
    let individual = org.program("Coaching", true, true, false).await;
    let occasional = org.program("Drop-in", true, true, true).await;
    let full = || plan_content("Determined, good with people", "", "not-started");
    // P1: enrolled since January; plan agreed 1 Feb, reviewed 1 May (strengths left empty, progress
    // evaluated), no review since.
    let (p1, p1_number) = org.person(None, None).await;
    org.enrol(p1, individual, date!(2026 - 01 - 10), None).await;
    org.plan(
        p1,
        "agreed",
        vec![
            Version { number: 1, kind: "initial", agreed_on: date!(2026 - 02 - 01), content: full(), verbal: false },
            Version {
                number: 2,
                kind: "review",
                agreed_on: date!(2026 - 05 - 01),
                content: plan_content("", "Found a room to rent", "not-started"),
                verbal: false,
            },
        ],
    )
    .await;
    // P2: enrolled since February with no plan.
    let (p2, _) = org.person(None, None).await;
    org.enrol(p2, individual, date!(2026 - 02 - 01), None).await;
    // P3: enrolled too recently; P4: occasional-only program; P5: enrolled for two weeks.
    let (p3, _) = org.person(None, None).await;
    org.enrol(p3, individual, date!(2026 - 10 - 15), None).await;
    let (p4, _) = org.person(None, None).await;
    org.enrol(p4, occasional, date!(2026 - 01 - 01), None).await;
    let (p5, _) = org.person(None, None).await;
    org.enrol(p5, individual, date!(2026 - 03 - 01), Some(date!(2026 - 03 - 15))).await;
    // P6: agreed 1 March (verbally), discharged 15 July (136 days later) with a goal in progress.
    let (p6, _) = org.person(None, None).await;
    org.plan(
        p6,
        "closed",
        vec![
            Version { number: 1, kind: "initial", agreed_on: date!(2026 - 03 - 01), content: full(), verbal: true },
            Version {
                number: 2,
                kind: "discharge",
                agreed_on: date!(2026 - 07 - 15),
                content: plan_content("Determined", "", "in-progress"),
                verbal: true,
            },
        ],
    )
    .await;
    // P7: agreed before the period and never reviewed.
    let (p7, _) = org.person(None, None).await;
    org.plan(
        p7,
        "agreed",
        vec![Version { number: 1, kind: "initial", agreed_on: date!(2025 - 12 - 01), content: full(), verbal: false }],
    )
    .await;
    // P8: agreed in September: complete, not yet due a review.
    let (p8, _) = org.person(None, None).await;
    org.plan(
        p8,
        "agreed",
        vec![Version { number: 1, kind: "initial", agreed_on: date!(2026 - 09 - 01), content: full(), verbal: false }],
    )
    .await;

    let in_place = org.run(MeasureKey::PlansInPlace).await;
    assert_eq!(counts(&in_place), (1, 2), "{in_place:?}");
    assert_eq!(failing_ids(&in_place), vec![p2]);

    let driven = org.run(MeasureKey::PlansPersonDriven).await;
    assert_eq!(counts(&driven), (2, 3), "{driven:?}");
    assert_eq!(failing_ids(&driven), vec![p1]);
    assert_eq!(driven.failing[0].label, format!("#{p1_number}"));
    assert_eq!(driven.failing[0].why, "readiness-why-plan-no-strengths");
    assert_eq!(driven.failing[0].why_args, vec![("others".to_string(), "0".to_string())]);

    let reviewed = org.run(MeasureKey::PlansReviewedQuarterly).await;
    assert_eq!(counts(&reviewed), (1, 4), "{reviewed:?}");
    // P7 262 days past the 90, P1's second version 111, P6 reviewed 46 days late.
    assert_eq!(failing_ids(&reviewed), vec![p7, p1, p6]);
    let whys: Vec<(&str, &str)> = reviewed.failing.iter().map(|f| (f.why.as_str(), f.why_args[0].1.as_str())).collect();
    assert_eq!(
        whys,
        vec![
            ("readiness-why-plan-review-overdue", "262"),
            ("readiness-why-plan-review-overdue", "111"),
            ("readiness-why-plan-review-late", "46"),
        ]
    );

    let evaluated = org.run(MeasureKey::GoalsEvaluated).await;
    assert_eq!(counts(&evaluated), (2, 3), "{evaluated:?}");
    assert_eq!(failing_ids(&evaluated), vec![p7]);
}

// ---------- contacts, opportunities, outcomes ----------

impl Org {
    async fn measurement(&self, person: Uuid, key: &str, day: Date) {
        insert(
            &self.conn,
            outcome_measurement::Model {
                id: Uuid::new_v4(),
                org_id: self.id,
                person_id: person,
                program_id: None,
                site_id: None,
                instrument_key: key.into(),
                instrument_version: 1,
                occasion: "other".into(),
                source: "staff".into(),
                status: "complete".into(),
                taken_on: day,
                answers: "{}".into(),
                score: Some(10.0),
                interpretation: None,
                note: None,
                recorded_by: Some(self.staff),
                portal_account_id: None,
                version: 1,
                created_at: noon(day),
                updated_at: noon(day),
            }
            .into_active_model(),
        )
        .await;
    }

    async fn opportunity(&self, person: Uuid, kind: &str, status: &str, offered: Date, taken: Option<Date>) {
        insert(
            &self.conn,
            opportunity::Model {
                id: Uuid::new_v4(),
                org_id: self.id,
                person_id: person,
                program_id: None,
                kind: kind.into(),
                status: status.into(),
                title: "Opportunity".into(),
                description: None,
                offered_on: offered,
                taken_on: taken,
                completed_on: None,
                hours: None,
                recorded_by: self.staff,
                version: 1,
                created_at: noon(offered),
                updated_at: noon(offered),
            }
            .into_active_model(),
        )
        .await;
    }

    async fn mutual_aid(&self, person: Uuid, day: Date, help: &str) {
        insert(
            &self.conn,
            mutual_aid_connection::Model {
                id: Uuid::new_v4(),
                org_id: self.id,
                person_id: person,
                fellowship: "aa".into(),
                group_name: None,
                help: help.into(),
                connected_on: day,
                attended: None,
                still_going: None,
                checked_on: None,
                note: None,
                recorded_by: self.staff,
                version: 1,
                created_at: noon(day),
                updated_at: noon(day),
            }
            .into_active_model(),
        )
        .await;
    }
}

#[tokio::test]
async fn contact_measures_count_people_served_contacted_and_measured() {
    let app = TestApp::spawn().await;
    let mut org = Org::new(&app).await;
    let peer = org.program("Peer coaching", true, true, false).await;
    let clinical = org.program("Case management", false, true, false).await;
    let warned = r#"[{"rule":"advice-told","kind":"advice","phrase":"told him to","start":0}]"#;

    // Q1: peer coaching all year; contacts every month but July (March's is at 22:00 on 31 March in
    // Toronto, 1 April in UTC), one face to face, one note warned and never answered.
    let (q1, _) = org.person(Some("white"), None).await;
    org.enrol(q1, peer, date!(2026 - 01 - 01), None).await;
    for month in [1u8, 2, 4, 5, 6, 8, 9, 10] {
        let day = Date::from_calendar_date(2026, time::Month::try_from(month).unwrap(), 12).unwrap();
        let mode = if month == 2 { "face-to-face" } else { "phone" };
        org.contact(q1, noon(day), mode, (month == 5).then_some(warned)).await;
    }
    org.contact(q1, datetime!(2026-04-01 02:00 UTC), "phone", None).await;
    org.mutual_aid(q1, date!(2026 - 04 - 10), "accompanied-first-meeting").await;
    org.opportunity(q1, "volunteering", "offered", date!(2026 - 03 - 01), None).await;
    for key in ["barc-10", "who-5", "use-days-30"] {
        org.measurement(q1, key, date!(2026 - 01 - 05)).await;
        org.measurement(q1, key, date!(2026 - 08 - 01)).await;
    }
    // Q2: peer coaching since 2025, ethnicity declined, never contacted, no measures.
    let (q2, _) = org.person(None, Some("declined")).await;
    org.enrol(q2, peer, date!(2025 - 06 - 01), None).await;
    org.mutual_aid(q2, date!(2026 - 05 - 10), "").await;
    org.opportunity(q2, "recreation", "offered", date!(2026 - 03 - 01), None).await;
    // Q3: no enrolment; one phone contact, warned but answered by an addendum.
    let (q3, _) = org.person(None, None).await;
    let q3_contact = org.contact(q3, noon(date!(2026 - 05 - 05)), "phone", Some(warned)).await;
    insert(
        &org.conn,
        contact_addendum::Model {
            id: Uuid::new_v4(),
            org_id: org.id,
            contact_id: q3_contact,
            person_id: q3,
            text: "Talked this through in supervision: offered options instead.".into(),
            written_by: org.staff,
            written_at: noon(date!(2026 - 05 - 06)),
        }
        .into_active_model(),
    )
    .await;
    org.mutual_aid(q3, date!(2025 - 12 - 01), "").await;
    // Q4: only a referral in the period.
    let (q4, _) = org.person(None, None).await;
    insert(&org.conn, referral_model(&org, q4, date!(2026 - 04 - 01), date!(2026 - 04 - 01), "sent", None)).await;
    // Q5: enrolment ended before the period.
    let (q5, _) = org.person(None, None).await;
    org.enrol(q5, peer, date!(2025 - 01 - 01), Some(date!(2025 - 11 - 30))).await;
    // Q7: case management (not peer-delivered), one face-to-face contact; intake measures taken,
    // only two of the three periodic ones.
    let (q7, _) = org.person(Some("black"), None).await;
    org.enrol(q7, clinical, date!(2026 - 02 - 01), None).await;
    org.contact(q7, noon(date!(2026 - 03 - 03)), "face-to-face", None).await;
    for key in ["barc-10", "who-5", "use-days-30"] {
        org.measurement(q7, key, date!(2026 - 02 - 01)).await;
    }
    for key in ["barc-10", "who-5"] {
        org.measurement(q7, key, date!(2026 - 09 - 01)).await;
    }
    // Q8: peer coaching since September, contacted by video in both months; a leadership role taken
    // before the period and still going.
    let (q8, _) = org.person(Some("another"), None).await;
    org.enrol(q8, peer, date!(2026 - 09 - 01), None).await;
    org.contact(q8, noon(date!(2026 - 09 - 10)), "video", None).await;
    org.contact(q8, noon(date!(2026 - 10 - 10)), "video", None).await;
    org.opportunity(q8, "leadership-role", "taken", date!(2025 - 10 - 01), Some(date!(2025 - 10 - 05))).await;

    let race = org.run(MeasureKey::RaceEthnicityRecorded).await;
    assert_eq!(counts(&race), (4, 6), "{race:?}");
    assert_eq!(failing_ids(&race), vec![q3, q4]);
    assert!(race.failing.iter().all(|f| f.label.starts_with('#') && !f.label.contains("Test")));

    let progress = org.run(MeasureKey::ProgressDocumented).await;
    assert_eq!(counts(&progress), (3, 4), "{progress:?}");
    assert_eq!(failing_ids(&progress), vec![q2]);

    let monthly = org.run(MeasureKey::ContactMonthly).await;
    assert_eq!(counts(&monthly), (1, 3), "{monthly:?}");
    assert_eq!(failing_ids(&monthly), vec![q1, q2]);
    assert_eq!(
        monthly.failing[0].why_args,
        vec![("count".to_string(), "1".to_string()), ("months".to_string(), "2026-07".to_string())]
    );
    assert_eq!(monthly.failing[1].why_args[0], ("count".to_string(), "10".to_string()));

    let in_person = org.run(MeasureKey::InPersonContact).await;
    assert_eq!(counts(&in_person), (2, 4), "{in_person:?}");
    assert_eq!(failing_ids(&in_person), vec![q3, q8]);

    let notes = org.run(MeasureKey::NotesWithinScope).await;
    assert_eq!(counts(&notes), (12, 13), "{notes:?}");
    assert_eq!(failing_ids(&notes), vec![q1]);
    assert_eq!(notes.failing[0].why_args, vec![("date".to_string(), "2026-05-12".to_string())]);

    let mutual = org.run(MeasureKey::MutualAidSupported).await;
    assert_eq!(counts(&mutual), (1, 2), "{mutual:?}");
    assert_eq!(failing_ids(&mutual), vec![q2]);

    let opportunities = org.run(MeasureKey::OpportunitiesOffered).await;
    assert_eq!(counts(&opportunities), (2, 3), "{opportunities:?}");
    assert_eq!(failing_ids(&opportunities), vec![q2]);

    let measured = org.run(MeasureKey::OutcomesMeasured).await;
    assert_eq!(counts(&measured), (1, 4), "{measured:?}");
    assert_eq!(failing_ids(&measured), vec![q2, q7, q8]);
    let whys: Vec<&str> = measured.failing.iter().map(|f| f.why.as_str()).collect();
    assert_eq!(
        whys,
        vec![
            "readiness-why-outcome-review-overdue",
            "readiness-why-outcome-review-overdue",
            "readiness-why-outcome-intake-missing"
        ]
    );
}

// ---------- referrals ----------

fn referral_model(
    org: &Org,
    person: Uuid,
    need: Date,
    referred: Date,
    status: &str,
    connected: Option<bool>,
) -> referral::ActiveModel {
    referral_with(org, person, need, Some(referred), status, "routine", connected)
}

fn referral_with(
    org: &Org,
    person: Uuid,
    need: Date,
    referred: Option<Date>,
    status: &str,
    urgency: &str,
    connected: Option<bool>,
) -> referral::ActiveModel {
    referral::Model {
        id: Uuid::new_v4(),
        org_id: org.id,
        person_id: person,
        program_id: None,
        need: "housing".into(),
        need_detail: None,
        need_identified_on: need,
        service_id: "svc-1".into(),
        service_at_location_id: None,
        resource_organization_id: None,
        resource_name: "Housing help desk".into(),
        urgency: urgency.into(),
        help: "information-given".into(),
        shared_categories: String::new(),
        consent_id: None,
        status: status.into(),
        referred_on: referred,
        follow_up_on: None,
        connected,
        connected_on: None,
        need_met: None,
        outcome_note: None,
        closed_on: None,
        note: None,
        language: None,
        made_by: org.staff,
        assigned_to: org.staff,
        version: 1,
        created_at: noon(need),
        updated_at: noon(need),
    }
    .into_active_model()
}

#[tokio::test]
async fn referral_measures_use_working_days_and_follow_up_intervals() {
    let app = TestApp::spawn().await;
    let mut org = Org::new(&app).await;
    let (person, number) = org.person(None, None).await;
    let add = |need: Date, referred: Option<Date>, status: &str, urgency: &str, connected: Option<bool>| {
        referral_with(&org, person, need, referred, status, urgency, connected)
    };
    // Monday → Wednesday: on time; routine, connected.
    let r1 = add(date!(2026 - 03 - 02), Some(date!(2026 - 03 - 04)), "completed", "routine", Some(true));
    // Thursday → Monday: two working days; same-day need, no outcome yet.
    let r2 = add(date!(2026 - 03 - 05), Some(date!(2026 - 03 - 09)), "sent", "today", None);
    // Friday → Wednesday: three working days, late; cancelled, so no follow-up owed.
    let r3 = add(date!(2026 - 03 - 06), Some(date!(2026 - 03 - 11)), "cancelled", "this-week", None);
    // A draft never sent, one sent before the period, one sent late in October and declined.
    let r4 = add(date!(2026 - 03 - 06), None, "draft", "routine", None);
    let r5 = add(date!(2025 - 12 - 18), Some(date!(2025 - 12 - 20)), "sent", "routine", None);
    let r7 = add(date!(2026 - 10 - 29), Some(date!(2026 - 10 - 30)), "declined", "routine", Some(false));
    let ids: Vec<Uuid> = [&r1, &r2, &r3].iter().map(|r| r.id.clone().unwrap()).collect();
    for r in [r1, r2, r3, r4, r5, r7] {
        insert(&org.conn, r).await;
    }

    let timely = org.run(MeasureKey::ReferralsTimely).await;
    assert_eq!(counts(&timely), (3, 4), "{timely:?}");
    assert_eq!(failing_ids(&timely), vec![ids[2]]);
    let f = &timely.failing[0];
    assert_eq!(f.kind, RecordKind::Referral);
    assert_eq!(f.label, format!("#{number} · Housing help desk"));
    assert_eq!(f.link, format!("/people/{person}/referrals/{}", ids[2]));
    assert_eq!(f.why_args, vec![("days".to_string(), "5".to_string())]);

    let followed = org.run(MeasureKey::ReferralsFollowedUp).await;
    assert_eq!(counts(&followed), (2, 3), "{followed:?}");
    assert_eq!(failing_ids(&followed), vec![ids[1]]);
    assert_eq!(followed.failing[0].why_args, vec![("days".to_string(), "252".to_string())]);
}
