//! The groups' accreditation evidence: the 12-month schedule (every session held, cancelled,
//! moved or left unrecorded, with attendance counts) on screen, as CSV, on paper and over the API;
//! who may see it; and the curricula page. The clock is the harness's fixed one, Wednesday
//! 2026-11-18 06:06 in America/New_York, so the default period (2025-11-19 to 2026-11-18) holds
//! 53 Wednesdays and crosses both daylight-saving changes.

use crate::helpers::{Client, TestApp};
use axum::http::{Method, StatusCode};
use mainstay::db::entities::{
    curriculum, curriculum_version, group_attendance, group_facilitator, group_member, group_schedule, group_session,
    person, program, support_group,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;
use time::macros::date;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const TZ: &str = "America/New_York";
/// Quotes and a comma, so the CSV has something to quote.
const GROUP_A: &str = "Wednesday \"Steps\", evening";
const GROUP_B: &str = "Saturday Family Circle";
const REASON: &str = "Holiday closure";

/// Whether a page shows group A's name (quotes escaped either way).
fn shows_a(body: &str) -> bool {
    ["&quot;", "&#34;"].iter().any(|q| body.contains(&format!("Wednesday {q}Steps{q}, evening")))
}

struct Fixture {
    group_a: Uuid,
    group_b: Uuid,
    groups_program: Uuid,
    other_program: Uuid,
    curriculum: Uuid,
    /// "Given Family" of everyone whose attendance was recorded.
    names: Vec<String>,
}

async fn staff_of(app: &TestApp, email: &str) -> Uuid {
    mainstay::db::staff::by_email(&app.db, email).await.expect("query").expect("demo account").id
}

fn group(id: Uuid, org: Uuid, program: Uuid, name: &str, by: Uuid, now: OffsetDateTime) -> support_group::ActiveModel {
    support_group::ActiveModel {
        id: Set(id),
        org_id: Set(org),
        program_id: Set(program),
        name: Set(name.into()),
        kind: Set("support".into()),
        focus_areas: Set("transitions".into()),
        audience: Set("individuals".into()),
        description: Set(None),
        membership: Set("open".into()),
        capacity: Set(Some(12)),
        capacity_rule: Set("warn".into()),
        language: Set("en".into()),
        site_id: Set(None),
        room: Set(None),
        online_link: Set(None),
        peer_led: Set(false),
        listed_publicly: Set(false),
        curriculum_id: Set(None),
        curriculum_version: Set(None),
        status: Set("active".into()),
        feed_token: Set(Uuid::new_v4().simple().to_string()),
        created_by: Set(by),
        updated_by: Set(by),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

fn schedule(
    group_id: Uuid,
    org: Uuid,
    rrule: &str,
    starts_on: time::Date,
    at: &str,
    by: Uuid,
    now: OffsetDateTime,
) -> group_schedule::ActiveModel {
    group_schedule::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org),
        group_id: Set(group_id),
        rrule: Set(Some(rrule.into())),
        starts_on: Set(starts_on),
        start_time: Set(at.into()),
        minutes: Set(90),
        ends_on: Set(None),
        room: Set(None),
        active: Set(true),
        created_by: Set(by),
        updated_by: Set(by),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

struct Stored<'a> {
    slot: &'a mainstay::groups::Slot,
    status: &'a str,
    starts_at: OffsetDateTime,
    reason: Option<&'a str>,
    anonymous: i32,
    logged: bool,
}

fn session(org: Uuid, by: Uuid, now: OffsetDateTime, s: Stored<'_>) -> group_session::ActiveModel {
    let length = s.slot.ends_at - s.slot.starts_at;
    group_session::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org),
        group_id: Set(s.slot.group_id),
        schedule_id: Set(s.slot.schedule_id),
        occurrence_start: Set(Some(s.slot.starts_at)),
        starts_at: Set(s.starts_at),
        ends_at: Set(s.starts_at + length),
        status: Set(s.status.into()),
        cancel_reason: Set(s.reason.map(str::to_string)),
        room: Set(Some("Room 2".into())),
        curriculum_session: Set(s.logged.then_some(3)),
        topic: Set(s.logged.then(|| "Handling triggers".to_string())),
        anonymous_count: Set(s.anonymous),
        topics_covered: Set(s.logged.then(|| "Triggers and plans".to_string())),
        progress: Set(None),
        adaptations: Set(None),
        activities_offered: Set(None),
        opportunities: Set(None),
        safety_concerns: Set(None),
        logged_by: Set(s.logged.then_some(by)),
        logged_at: Set(s.logged.then_some(s.starts_at + Duration::hours(2))),
        checkout_token: Set(None),
        created_by: Set(by),
        updated_by: Set(by),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

fn attended(
    org: Uuid,
    group: Uuid,
    session: Uuid,
    person: Uuid,
    status: &str,
    drop_in: bool,
    by: Uuid,
) -> group_attendance::ActiveModel {
    group_attendance::ActiveModel {
        org_id: Set(org),
        session_id: Set(session),
        person_id: Set(person),
        group_id: Set(group),
        status: Set(status.into()),
        drop_in: Set(drop_in),
        leadership: Set(None),
        contact_id: Set(None),
        recorded_by: Set(by),
        recorded_at: Set(OffsetDateTime::from_unix_timestamp(crate::helpers::START).unwrap()),
        version: Set(1),
    }
}

/// Group A (weekly on Wednesdays at 18:00, facilitated by the demo facilitator) with a year of
/// sessions: 30 held with attendance (20 logged), 3 cancelled, 2 moved a day later and held, 1
/// held with only an anonymous count, 16 past with no record, and today's still to come. Group B
/// (first Saturday monthly, another program, facilitated by the supervisor) has no records.
async fn fixture(app: &TestApp) -> Fixture {
    let conn = app.db.conn();
    let now = app.now();
    let facilitator = staff_of(app, "facilitator@demo.example").await;
    let supervisor = staff_of(app, "supervisor@demo.example").await;
    let programs = program::Entity::find().order_by_asc(program::Column::Name).all(conn).await.unwrap();
    let groups_program = programs.iter().find(|p| p.serves_groups).expect("a program serving groups");
    let other_program = programs.iter().find(|p| !p.serves_groups).expect("another program");
    let org = groups_program.org_id;
    let (group_a, group_b) = (Uuid::new_v4(), Uuid::new_v4());
    let curriculum_id = Uuid::new_v4();
    curriculum::Entity::insert(curriculum::ActiveModel {
        id: Set(curriculum_id),
        org_id: Set(org),
        title: Set("Evidence Skills Course".into()),
        status: Set("active".into()),
        current_version: Set(2),
        created_by: Set(facilitator),
        updated_by: Set(facilitator),
        version: Set(2),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(conn)
    .await
    .unwrap();
    for (number, sessions) in [
        (1, r#"[{"number": 1, "topic": "Old opening"}]"#),
        (
            2,
            r#"[{"number": 1, "topic": "Welcome and ground rules", "objectives": ["Agree how we talk to each other"],
                "activities": ["Circle introductions"], "materials": [{"label": "Ground rules handout", "url": "https://example.org/rules.pdf"},
                {"label": "Sneaky", "url": "javascript:alert(1)"}]},
               {"number": 2, "topic": "Handling triggers", "objectives": "Name three triggers\nMake a plan", "activities": []}]"#,
        ),
    ] {
        curriculum_version::Entity::insert(curriculum_version::ActiveModel {
            id: Set(Uuid::new_v4()),
            org_id: Set(org),
            curriculum_id: Set(curriculum_id),
            number: Set(number),
            title: Set("Evidence Skills Course".into()),
            summary: Set(Some("Eight weeks of practical recovery skills.".into())),
            audience: Set(None),
            sessions: Set(sessions.into()),
            change_note: Set(None),
            created_by: Set(facilitator),
            created_at: Set(now),
        })
        .exec_without_returning(conn)
        .await
        .unwrap();
    }
    let mut a = group(group_a, org, groups_program.id, GROUP_A, facilitator, now);
    a.room = Set(Some("Room 2".into()));
    a.curriculum_id = Set(Some(curriculum_id));
    a.curriculum_version = Set(Some(2));
    let mut b = group(group_b, org, other_program.id, GROUP_B, supervisor, now);
    b.online_link = Set(Some("https://meet.example.org/family".into()));
    support_group::Entity::insert_many([a, b]).exec_without_returning(conn).await.unwrap();
    let facilitators = [(group_a, facilitator), (group_b, supervisor)].map(|(g, s)| group_facilitator::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org),
        group_id: Set(g),
        staff_id: Set(Some(s)),
        volunteer_name: Set(None),
        role: Set("lead".into()),
        added_by: Set(s),
        added_at: Set(now),
    });
    group_facilitator::Entity::insert_many(facilitators).exec_without_returning(conn).await.unwrap();
    group_schedule::Entity::insert_many([
        schedule(group_a, org, "FREQ=WEEKLY;BYDAY=WE", date!(2025 - 09 - 03), "18:00", facilitator, now),
        schedule(group_b, org, "FREQ=MONTHLY;BYDAY=1SA", date!(2025 - 09 - 06), "10:00", supervisor, now),
    ])
    .exec_without_returning(conn)
    .await
    .unwrap();

    // Five people from the demo: four members (three come, one does not) and a drop-in.
    let people = person::Entity::find()
        .filter(person::Column::OrgId.eq(org))
        .order_by_asc(person::Column::RecordNumber)
        .limit(5)
        .all(conn)
        .await
        .unwrap();
    let names = people.iter().map(|p| format!("{} {}", p.legal_given_name, p.legal_family_name)).collect();
    let members = people[..4].iter().map(|p| group_member::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org),
        group_id: Set(group_a),
        person_id: Set(p.id),
        status: Set("active".into()),
        joined_on: Set(date!(2025 - 09 - 03)),
        left_on: Set(None),
        availability: Set(None),
        added_by: Set(facilitator),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    });
    group_member::Entity::insert_many(members).exec_without_returning(conn).await.unwrap();

    let start = mainstay::groups::evidence::local_midnight(TZ, date!(2025 - 11 - 19));
    let end = mainstay::groups::evidence::local_midnight(TZ, date!(2026 - 11 - 19));
    let slots = mainstay::groups::slots(conn, org, Some(&[group_a]), TZ, start, end).await.unwrap();
    assert_eq!(slots.len(), 53, "53 Wednesdays in the default period");
    let mut rows = Vec::new();
    let mut attendance = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        let base =
            Stored { slot, status: "held", starts_at: slot.starts_at, reason: None, anonymous: 0, logged: false };
        let stored = match i {
            0..30 => Stored { logged: i < 20, ..base },
            30..33 => Stored { status: "cancelled", reason: Some(REASON), ..base },
            33..35 => Stored { starts_at: slot.starts_at + Duration::days(1), ..base },
            35 => Stored { anonymous: 7, ..base },
            _ => continue,
        };
        let row = session(org, facilitator, now, stored);
        let id = row.id.clone().unwrap();
        match i {
            0..30 => {
                for (k, p) in people[..4].iter().enumerate() {
                    let status = if k == 3 { "absent" } else { "present" };
                    attendance.push(attended(org, group_a, id, p.id, status, false, facilitator));
                }
                if i % 5 == 0 {
                    attendance.push(attended(org, group_a, id, people[4].id, "present", true, facilitator));
                }
            }
            33..35 => {
                for p in &people[..2] {
                    attendance.push(attended(org, group_a, id, p.id, "present", false, facilitator));
                }
            }
            _ => {}
        }
        rows.push(row);
    }
    group_session::Entity::insert_many(rows).exec_without_returning(conn).await.unwrap();
    group_attendance::Entity::insert_many(attendance).exec_without_returning(conn).await.unwrap();
    Fixture {
        group_a,
        group_b,
        groups_program: groups_program.id,
        other_program: other_program.id,
        curriculum: curriculum_id,
        names,
    }
}

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("evidence").await;
    (client, token)
}

fn group_of(report: &Value, id: Uuid) -> Option<&Value> {
    report["groups"].as_array().unwrap().iter().find(|g| g["group_id"] == id.to_string())
}

fn sessions_of(report: &Value, id: Uuid) -> Vec<Value> {
    report["sessions"].as_array().unwrap().iter().filter(|s| s["group_id"] == id.to_string()).cloned().collect()
}

#[tokio::test]
async fn the_year_shows_every_session_held_cancelled_moved_or_unrecorded() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let (mut client, token) = api_user(&app, "quality@demo.example").await;
    let report = client.api(Method::GET, "/api/v1/groups/evidence/schedule", &token, None).await;
    report.assert_status(StatusCode::OK);
    let report = report.json();
    assert_eq!((report["from"].as_str(), report["to"].as_str()), (Some("2025-11-19"), Some("2026-11-18")));
    let a = group_of(&report, f.group_a).expect("group A in the report");
    let counts: Vec<i64> =
        ["sessions", "held", "cancelled", "moved", "unrecorded", "upcoming", "attendance", "logs_written"]
            .iter()
            .map(|k| a[*k].as_i64().unwrap())
            .collect();
    // 30×3 present + 6 drop-ins + 2×2 at the moved sessions + 7 counted anonymously.
    assert_eq!(counts, vec![53, 33, 3, 2, 16, 1, 107, 20]);
    assert_eq!(a["average_attendance"].as_f64(), Some(3.2));
    assert_eq!(a["logs_percent"].as_i64(), Some(61));
    assert_eq!(a["facilitators"], serde_json::json!(["Jordan Tsosie"]));
    assert_eq!(a["curriculum"], "Evidence Skills Course");
    let b = group_of(&report, f.group_b).expect("group B in the report");
    assert_eq!((b["sessions"].as_i64(), b["unrecorded"].as_i64(), b["held"].as_i64()), (Some(12), Some(12), Some(0)));
    assert!(report["totals"]["sessions"].as_i64().unwrap() >= 65);

    let sessions = sessions_of(&report, f.group_a);
    let cancelled: Vec<&Value> = sessions.iter().filter(|s| s["status"] == "cancelled").collect();
    assert_eq!(cancelled.len(), 3);
    assert!(cancelled.iter().all(|s| s["cancel_reason"] == REASON && s["attendance"] == 0));
    let moved: Vec<&Value> = sessions.iter().filter(|s| s["moved"] == true).collect();
    assert_eq!(moved.len(), 2);
    assert!(moved.iter().all(|s| s["status"] == "held" && s["moved_from"].as_str().unwrap().ends_with(" 18:00")));
    let anonymous = sessions.iter().find(|s| s["anonymous"] == 7).expect("the anonymous count");
    assert_eq!((anonymous["attendance"].as_i64(), anonymous["log_written"].as_bool()), (Some(7), Some(false)));
    let logged = sessions.iter().find(|s| s["log_written"] == true).unwrap();
    assert_eq!((logged["curriculum_session"].as_i64(), logged["topic"].as_str()), (Some(3), Some("Handling triggers")));
    let last = sessions.last().unwrap();
    assert_eq!((last["date"].as_str(), last["status"].as_str()), (Some("2026-11-18"), Some("upcoming")));

    // On screen: the same counts, the gaps flagged, links to the recorded sessions.
    let mut web = app.signed_in("quality@demo.example").await;
    let page = web.get(&format!("/groups/evidence/schedule?group={}", f.group_a)).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("16 past sessions have no attendance and no log")
        .assert_contains(REASON)
        .assert_contains("Moved from")
        .assert_contains("3.2")
        .assert_contains("61 %")
        .assert_contains(&format!("/groups/{}/sessions/", f.group_a))
        .assert_contains(&format!("schedule.csv?from=2025-11-19&#38;to=2026-11-18&#38;group={}", f.group_a));
    assert!(shows_a(&page.body));
    assert_eq!(page.body.matches("class=\"row-overdue\"").count(), 17, "16 gaps and the group's line");
    let print = web.get(&format!("/groups/evidence/schedule/print?group={}", f.group_a)).await;
    print.assert_status(StatusCode::OK).assert_contains("print-page").assert_contains(REASON).assert_lacks("site-nav");
    let print = web.get(&format!("/groups/evidence/schedule?print=1&group={}", f.group_a)).await;
    print.assert_status(StatusCode::OK).assert_contains("print-page");
}

#[tokio::test]
async fn the_csv_has_one_quoted_line_per_session_with_the_same_counts() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let mut web = app.signed_in("director@demo.example").await;
    let response = web.get(&format!("/groups/evidence/schedule.csv?group={}", f.group_a)).await;
    response.assert_status(StatusCode::OK);
    assert_eq!(response.headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        response.headers["content-disposition"],
        "attachment; filename=\"group-schedule-2025-11-19-to-2026-11-18.csv\""
    );
    assert!(response.body.contains("\"Wednesday \"\"Steps\"\", evening\""), "quotes doubled, comma quoted");
    let mut reader = csv::Reader::from_reader(response.body.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("column {name}"));
    let (status, total, group, reason, log) =
        (column("Status"), column("Attendance"), column("Group"), column("Reason cancelled"), column("Log written"));
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 53);
    let count = |label: &str| records.iter().filter(|r| &r[status] == label).count();
    assert_eq!((count("Held"), count("Cancelled"), count("No record"), count("Upcoming")), (33, 3, 16, 1));
    assert!(records.iter().all(|r| &r[group] == GROUP_A));
    let attendance: i64 = records.iter().filter_map(|r| r[total].parse::<i64>().ok()).sum();
    assert_eq!(attendance, 107);
    assert_eq!(records.iter().filter(|r| &r[reason] == REASON).count(), 3);
    assert_eq!(records.iter().filter(|r| &r[log] == "Yes").count(), 20);
    assert!(records.iter().all(|r| &r[column("Start")] == "18:00"));

    // The API's CSV is the same file.
    let token = web.create_token("csv").await;
    let api =
        web.api(Method::GET, &format!("/api/v1/groups/evidence/schedule.csv?group={}", f.group_a), &token, None).await;
    api.assert_status(StatusCode::OK);
    assert_eq!(api.body, response.body);
}

#[tokio::test]
async fn a_schedule_crossing_daylight_saving_keeps_its_local_time() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let (mut client, token) = api_user(&app, "supervisor@demo.example").await;
    let report = client
        .api(Method::GET, &format!("/api/v1/groups/evidence/schedule?group={}", f.group_a), &token, None)
        .await
        .json();
    let sessions = sessions_of(&report, f.group_a);
    assert_eq!(sessions.len(), 53);
    assert!(sessions.iter().all(|s| s["start_time"] == "18:00" && s["end_time"] == "19:30"), "18:00 all year");
    let utc_hours: std::collections::BTreeSet<String> =
        sessions.iter().map(|s| s["starts_at"].as_str().unwrap()[11..13].to_string()).collect();
    // 23:00 UTC in winter (EST), 22:00 UTC in summer (EDT).
    assert_eq!(utc_hours.into_iter().collect::<Vec<_>>(), vec!["22", "23"]);
    let march: Vec<&str> = sessions
        .iter()
        .filter(|s| s["date"].as_str().unwrap().starts_with("2026-03"))
        .map(|s| s["starts_at"].as_str().unwrap())
        .collect();
    assert_eq!(march[..2], ["2026-03-04T23:00:00Z", "2026-03-11T22:00:00Z"]);
}

#[tokio::test]
async fn filters_narrow_the_period_program_and_group() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let (mut client, token) = api_user(&app, "quality@demo.example").await;
    let mut get = async |query: String| {
        let r = client.api(Method::GET, &format!("/api/v1/groups/evidence/schedule?{query}"), &token, None).await;
        r.assert_status(StatusCode::OK);
        r.json()
    };
    let november = get(format!("from=2026-11-01&to=2026-11-18&group={}", f.group_a)).await;
    let dates: Vec<&str> =
        november["sessions"].as_array().unwrap().iter().map(|s| s["date"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2026-11-04", "2026-11-11", "2026-11-18"]);
    assert_eq!(november["totals"]["unrecorded"], 2);

    let groups_program = get(format!("program={}", f.groups_program)).await;
    assert!(group_of(&groups_program, f.group_a).is_some());
    assert!(group_of(&groups_program, f.group_b).is_none());
    assert!(sessions_of(&groups_program, f.group_b).is_empty());
    let other = get(format!("program={}", f.other_program)).await;
    assert!(group_of(&other, f.group_a).is_none());
    assert_eq!(group_of(&other, f.group_b).unwrap()["sessions"], 12);
    let only_b = get(format!("group={}", f.group_b)).await;
    assert_eq!(only_b["groups"].as_array().unwrap().len(), 1);
    assert_eq!(only_b["totals"]["sessions"], 12);
    // Both filters are still offered, whatever is chosen.
    assert!(only_b["group_choices"].as_array().unwrap().len() >= 2);

    // Bad input: clear messages, never a 500.
    for (query, field, code) in [
        ("from=2026-05-01&to=2026-04-01".to_string(), "from", "error-evidence-period-order"),
        ("from=2020-01-01&to=2026-01-01".to_string(), "from", "error-evidence-period-too-long"),
        ("from=yesterday".to_string(), "from", "error-date-format"),
        ("group=not-an-id".to_string(), "group", "error-evidence-unknown-group"),
        (format!("group={}", Uuid::new_v4()), "group", "error-evidence-unknown-group"),
        (format!("program={}", Uuid::new_v4()), "program", "error-evidence-unknown-program"),
    ] {
        let r = client.api(Method::GET, &format!("/api/v1/groups/evidence/schedule?{query}"), &token, None).await;
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        let errors = r.json()["errors"].clone();
        assert!(
            errors.as_array().unwrap().iter().any(|e| e["field"] == field && e["code"] == code),
            "{query}: {errors}"
        );
    }
    let mut web = app.signed_in("quality@demo.example").await;
    let page = web.get("/groups/evidence/schedule?from=2026-05-01&to=2026-04-01").await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("The first day must be on or before the last day.");
    web.get("/groups/evidence/schedule.csv?to=someday").await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn reporting_roles_see_every_group_and_facilitators_their_own() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    for email in ["quality@demo.example", "director@demo.example", "supervisor@demo.example", "admin@demo.example"] {
        let mut web = app.signed_in(email).await;
        let page = web.get("/groups/evidence/schedule").await;
        page.assert_status(StatusCode::OK).assert_contains(GROUP_B);
        assert!(shows_a(&page.body), "{email} sees group A");
    }
    // The facilitator: their own group only, and another's group is refused.
    let mut facilitator = app.signed_in("facilitator@demo.example").await;
    let page = facilitator.get("/groups/evidence/schedule").await;
    page.assert_status(StatusCode::OK).assert_lacks(GROUP_B);
    assert!(shows_a(&page.body));
    facilitator
        .get(&format!("/groups/evidence/schedule?group={}", f.group_b))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    facilitator.get(&format!("/groups/evidence/schedule.csv?group={}", f.group_a)).await.assert_status(StatusCode::OK);
    // A coach who facilitates nothing sees none of it.
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get("/groups/evidence/schedule").await.assert_status(StatusCode::FORBIDDEN);
    coach.get("/groups/evidence/schedule.csv").await.assert_status(StatusCode::FORBIDDEN);
    coach.get("/groups/evidence/schedule/print").await.assert_status(StatusCode::FORBIDDEN);
    let token = coach.create_token("evidence").await;
    coach.api(Method::GET, "/api/v1/groups/evidence/schedule", &token, None).await.assert_status(StatusCode::FORBIDDEN);
    assert!(app.audit_actions().await.iter().any(|(a, o)| a == "access.denied" && o == "denied"));
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "report.group-schedule"));
    // Signed out: nothing.
    let r = app.client().get("/groups/evidence/schedule").await;
    assert_ne!(r.status, StatusCode::OK);
    r.assert_lacks(GROUP_B);
}

#[tokio::test]
async fn the_report_names_nobody_the_groups_serve() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let mut web = app.signed_in("quality@demo.example").await;
    let token = web.create_token("names").await;
    let outputs = [
        web.get("/groups/evidence/schedule").await.body,
        web.get("/groups/evidence/schedule/print").await.body,
        web.get("/groups/evidence/schedule.csv").await.body,
        web.api(Method::GET, "/api/v1/groups/evidence/schedule", &token, None).await.body,
        web.get(&format!("/groups/evidence/schedule?group={}", f.group_a)).await.body,
    ];
    for name in &f.names {
        for output in &outputs {
            assert!(!output.contains(name.as_str()), "{name} appears in the report");
        }
    }
}

#[tokio::test]
async fn curricula_are_listed_with_their_current_version_and_printable_in_full() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    // No personal data: any staff member may read them.
    let mut coach = app.signed_in("coach@demo.example").await;
    let page = coach.get("/groups/evidence/curricula").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Evidence Skills Course")
        .assert_contains("Version 2")
        .assert_contains(&format!("/curricula/{}/print", f.curriculum))
        .assert_contains(&format!("/groups/{}", f.group_a));
    let print = coach.get("/groups/evidence/curricula/print").await;
    print
        .assert_status(StatusCode::OK)
        .assert_contains("Welcome and ground rules")
        .assert_contains("Agree how we talk to each other")
        .assert_contains("<li>Make a plan</li>")
        .assert_contains("href=\"https://example.org/rules.pdf\"")
        .assert_contains("Sneaky")
        .assert_lacks("javascript:")
        .assert_lacks("Old opening");
    let token = coach.create_token("curricula").await;
    let list = coach.api(Method::GET, "/api/v1/groups/evidence/curricula", &token, None).await.json();
    let ours = list.as_array().unwrap().iter().find(|c| c["id"] == f.curriculum.to_string()).expect("listed");
    assert_eq!((ours["current_version"].as_i64(), ours["session_count"].as_i64()), (Some(2), Some(2)));
    assert_eq!(ours["groups"][0]["name"], GROUP_A);
    assert_eq!(ours["sessions"][1]["objectives"], serde_json::json!(["Name three triggers", "Make a plan"]));
    let index = coach.get("/groups/evidence").await;
    index.assert_status(StatusCode::OK).assert_contains("/groups/evidence/schedule");
}
