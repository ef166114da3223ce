//! Workload (CSE 2.08) through the pages and the API: counts for a worker set up here (people by
//! need level, contacts in the last 30 days, active groups facilitated, open referrals), weights
//! and thresholds from the organisation's settings, workload reviews and "review overdue" as the
//! clock moves, and the personnel settings' validation, access and edit conflicts. The harness's
//! clock starts on 2026-11-18.

use crate::helpers::{Client, TestApp, person_row};
use axum::http::{Method, StatusCode};
use mainstay::db::entities::{
    coaching_contact, coaching_status, enrolment, group_facilitator, person, referral, staff, staff_profile,
    staff_program, support_group,
};
use mainstay::domain::codes::Role;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

const DAY: i64 = 86_400;

async fn staff_of(app: &TestApp, email: &str) -> staff::Model {
    mainstay::db::staff::by_email(&app.db, email).await.unwrap().expect("demo account")
}

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("workload").await;
    (client, token)
}

fn has_error(response: &Value, field: &str, code: &str) -> bool {
    response["errors"]
        .as_array()
        .is_some_and(|errors| errors.iter().any(|e| e["field"].as_str().unwrap_or("") == field && e["code"] == code))
}

/// What one worker was given here, to count against.
struct Worker {
    staff: staff::Model,
    other_program: Uuid,
}

/// Inserts a whole row.
macro_rules! insert {
    ($conn:expr, $module:ident, $model:expr) => {
        $module::Entity::insert($module::ActiveModel::from($model)).exec_without_returning($conn).await.unwrap()
    };
}

fn enrolment_row(p: &person::Model, program: Uuid, worker: Uuid, ended: Option<Date>) -> enrolment::Model {
    enrolment::Model {
        id: Uuid::new_v4(),
        org_id: p.org_id,
        person_id: p.id,
        program_id: program,
        worker_id: Some(worker),
        started_on: Date::from_calendar_date(2026, time::Month::March, 2).unwrap(),
        ended_on: ended,
        created_at: p.created_at,
        discharge_reason: None,
        discharge_note: None,
        request_id: None,
    }
}

fn status_row(p: &person::Model, stage: Option<&str>, raised: bool, lapse: bool) -> coaching_status::Model {
    coaching_status::Model {
        org_id: p.org_id,
        person_id: p.id,
        stage: stage.map(String::from),
        frequency: "monthly".into(),
        monitoring_raised: raised,
        reason: None,
        last_contact_at: None,
        contact_due_on: None,
        plan_id: None,
        plan_status: None,
        plan_review_due_on: None,
        open_lapse_on: lapse.then(|| Date::from_calendar_date(2026, time::Month::November, 2).unwrap()),
        open_lapse_id: None,
        version: 1,
        updated_at: p.created_at,
        updated_by: None,
    }
}

fn contact_row(p: &person::Model, worker: Uuid, at: OffsetDateTime) -> coaching_contact::Model {
    coaching_contact::Model {
        id: Uuid::new_v4(),
        org_id: p.org_id,
        person_id: p.id,
        program_id: None,
        worker_id: worker,
        occurred_at: at,
        minutes: 30,
        mode: "phone".into(),
        setting: mainstay::domain::coaching::ContactSetting::ALL[0].code().into(),
        present: None,
        activities: String::new(),
        goals: String::new(),
        note: "Check-in call".into(),
        status: "signed".into(),
        signed_at: Some(at),
        signed_by: Some(worker),
        warnings: None,
        lapse_id: None,
        group_session_id: None,
        version: 1,
        created_at: at,
        updated_at: at,
    }
}

fn group_row(
    org_id: Uuid,
    program: Uuid,
    name: &str,
    status: &str,
    by: Uuid,
    now: OffsetDateTime,
) -> support_group::Model {
    support_group::Model {
        id: Uuid::new_v4(),
        org_id,
        program_id: program,
        name: name.into(),
        kind: mainstay::domain::groups::GroupKind::ALL[0].code().into(),
        focus_areas: String::new(),
        audience: "individuals".into(),
        description: None,
        membership: "open".into(),
        capacity: None,
        capacity_rule: "warn".into(),
        language: "English".into(),
        site_id: None,
        room: None,
        online_link: None,
        peer_led: true,
        listed_publicly: false,
        curriculum_id: None,
        curriculum_version: None,
        status: status.into(),
        feed_token: Uuid::new_v4().simple().to_string(),
        created_by: by,
        updated_by: by,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

fn referral_row(p: &person::Model, worker: Uuid, status: &str, now: OffsetDateTime) -> referral::Model {
    referral::Model {
        id: Uuid::new_v4(),
        org_id: p.org_id,
        person_id: p.id,
        program_id: None,
        need: mainstay::domain::coaching::UnmetNeed::ALL[0].code().into(),
        need_detail: None,
        need_identified_on: Date::from_calendar_date(2026, time::Month::November, 1).unwrap(),
        service_id: "svc-workload-test".into(),
        service_at_location_id: None,
        resource_organization_id: None,
        resource_name: "Harbor Food Pantry".into(),
        urgency: "routine".into(),
        help: mainstay::domain::referral::ReferralHelp::ALL[0].code().into(),
        shared_categories: String::new(),
        consent_id: None,
        status: status.into(),
        referred_on: None,
        follow_up_on: None,
        connected: None,
        connected_on: None,
        need_met: None,
        outcome_note: None,
        closed_on: None,
        note: None,
        language: None,
        made_by: worker,
        assigned_to: worker,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// A new coach supervised by the demo supervisor (signed in with the demo password), with:
/// people — two of high need (raised monitoring; an open lapse), two moderate (early recovery,
/// enrolled twice; no status yet), one low (sustained), one whose enrolment ended; three contacts
/// in the last 30 days (and one older, and one by someone else); two active groups and an ended
/// one; two open referrals and a completed one.
async fn set_up_worker(app: &TestApp) -> Worker {
    let conn = app.db.conn();
    let template = staff_of(app, "coach@demo.example").await;
    let supervisor = staff_of(app, "supervisor@demo.example").await;
    let other = staff_of(app, "referral@demo.example").await;
    let org_id = template.org_id;
    let now = app.now();
    let programs = mainstay::db::org::programs(conn, org_id).await.unwrap();
    let (program, other_program) = (programs[0].id, programs[1].id);
    let worker = staff::Model {
        id: Uuid::new_v4(),
        email: "wren.load@demo.example".into(),
        display_name: "Wren Loadbearer".into(),
        roles: mainstay::db::staff::roles_to_text(&[Role::Coach, Role::GroupFacilitator]),
        supervisor_id: Some(supervisor.id),
        last_login_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
        ..template.clone()
    };
    insert!(conn, staff, worker.clone());
    insert!(conn, staff_program, staff_program::Model { org_id, staff_id: worker.id, program_id: program });
    // Started a year ago: without a review the first one fell due six months in.
    let profile = staff_profile::Model {
        org_id,
        staff_id: worker.id,
        positions: String::new(),
        start_date: Some(time::macros::date!(2025 - 11 - 18)),
        experience_months: None,
        lived_experience: false,
        lived_experience_attested_on: None,
        shares_story: None,
        job_description_version: None,
        job_description_acknowledged_on: None,
        role_understanding_confirmed_on: None,
        role_understanding_confirmed_by: None,
        updated_by: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    insert!(conn, staff_profile, profile);
    mainstay::db::access_changed();

    let w = worker.id;
    let people: Vec<person::Model> =
        (0..6).map(|i| person_row(org_id, 990_001 + i, "Workload", &format!("Loadtest{i}"), now)).collect();
    for p in &people {
        insert!(conn, person, p.clone());
    }
    let ended = Some(Date::from_calendar_date(2026, time::Month::October, 1).unwrap());
    for (i, p) in people.iter().enumerate() {
        insert!(conn, enrolment, enrolment_row(p, program, w, if i == 5 { ended } else { None }));
    }
    // Enrolled in a second program with the same worker: still one person.
    insert!(conn, enrolment, enrolment_row(&people[2], other_program, w, None));
    insert!(conn, coaching_status, status_row(&people[0], Some("ongoing"), true, false));
    insert!(conn, coaching_status, status_row(&people[1], Some("sustained"), false, true));
    insert!(conn, coaching_status, status_row(&people[2], Some("early"), false, false));
    insert!(conn, coaching_status, status_row(&people[4], Some("sustained"), false, false));
    insert!(conn, coaching_status, status_row(&people[5], Some("exploring"), true, false));

    for days in [1, 10, 29] {
        insert!(conn, coaching_contact, contact_row(&people[0], w, now - Duration::days(days)));
    }
    insert!(conn, coaching_contact, contact_row(&people[1], w, now - Duration::days(40)));
    insert!(conn, coaching_contact, contact_row(&people[1], other.id, now - Duration::days(2)));

    for (name, status, role) in [
        ("Wren's Tuesday circle", "active", "lead"),
        ("Wren's family night", "active", "co-facilitator"),
        ("Old group", "ended", "lead"),
    ] {
        let g = group_row(org_id, program, name, status, w, now);
        insert!(conn, support_group, g.clone());
        let f = group_facilitator::Model {
            id: Uuid::new_v4(),
            org_id,
            group_id: g.id,
            staff_id: Some(w),
            volunteer_name: None,
            role: role.into(),
            added_by: w,
            added_at: now,
        };
        insert!(conn, group_facilitator, f);
    }

    for status in ["sent", "in-progress", "completed"] {
        insert!(conn, referral, referral_row(&people[0], w, status, now));
    }
    Worker { staff: worker, other_program }
}

#[tokio::test]
async fn counts_follow_what_the_worker_carries_and_the_thresholds_come_from_settings() {
    let app = TestApp::spawn().await;
    let worker = set_up_worker(&app).await;
    let id = worker.staff.id;
    let (mut sup, token) = api_user(&app, "supervisor@demo.example").await;

    let one = sup.api(Method::GET, &format!("/api/v1/team/{id}/workload"), &token, None).await;
    one.assert_status(StatusCode::OK);
    let w = &one.json()["workload"];
    assert_eq!(
        (w["people_high"].clone(), w["people_moderate"].clone(), w["people_low"].clone(), w["people"].clone()),
        (json!(2), json!(2), json!(1), json!(5)),
        "{w}"
    );
    assert_eq!(w["contacts_last_30_days"], 3);
    assert_eq!(w["groups"], 2);
    assert_eq!(w["open_referrals"], 2);
    // 2 × 2 + 2 × 1 + 1 × 0.5 with the default weights.
    assert_eq!(w["weighted_caseload"], 6.5);
    assert_eq!(w["over"], json!([]));
    assert_eq!(one.json()["may_review"], true);

    // The team table has the same row, in a fixed number of queries.
    let team = sup.api(Method::GET, "/api/v1/team/workload", &token, None).await.json();
    let row = team["workers"].as_array().unwrap().iter().find(|r| r["staff_id"] == json!(id)).cloned().unwrap();
    assert_eq!(row["weighted_caseload"], 6.5);
    assert_eq!(row["groups"], 2);

    // New weights and thresholds from the director: over on caseload and groups.
    let (mut director, dtoken) = api_user(&app, "director@demo.example").await;
    let mut settings = director.api(Method::GET, "/api/v1/team/settings", &dtoken, None).await.json();
    settings["weight_high"] = json!(3);
    settings["max_weighted_caseload"] = json!(8);
    settings["max_groups"] = json!(1);
    director.api(Method::PUT, "/api/v1/team/settings", &dtoken, Some(settings)).await.assert_status(StatusCode::OK);
    let w = sup.api(Method::GET, &format!("/api/v1/team/{id}/workload"), &token, None).await.json()["workload"].clone();
    assert_eq!(w["weighted_caseload"], 8.5);
    assert_eq!(w["over"], json!(["weighted-caseload", "groups"]));
    assert_eq!(w["over_text"][0], "Weighted caseload over the threshold of 8");

    // The page says it in words and in colour; the team table flags the row.
    let mut page_client = app.signed_in("supervisor@demo.example").await;
    let page = page_client.get(&format!("/team/{id}/workload")).await;
    page.assert_status(StatusCode::OK).assert_contains("Weighted caseload over the threshold of 8");
    page.assert_contains("Active groups over the threshold of 1")
        .assert_contains("tag tag-danger")
        .assert_contains("8.5");
    page.assert_lacks("Loadtest0");
    let table = page_client.get("/team/workload?sort=weighted").await;
    table.assert_status(StatusCode::OK).assert_contains("Wren Loadbearer").assert_contains("row-overdue");
    table.assert_contains("2 high · 2 moderate · 1 low");
    let by_name = page_client.get("/team/workload?sort=name").await;
    by_name.assert_status(StatusCode::OK).assert_contains("<strong aria-current=\"true\">Name</strong>");

    // The worker reads their own; a colleague may not; a coach has no team view.
    let mut own = app.signed_in("wren.load@demo.example").await;
    own.get(&format!("/team/{id}/workload"))
        .await
        .assert_status(StatusCode::OK)
        .assert_lacks("Record a workload review");
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/team/{id}/workload")).await.assert_status(StatusCode::FORBIDDEN);
    coach.get("/team/workload").await.assert_status(StatusCode::FORBIDDEN);
    let _ = worker.other_program;
}

#[tokio::test]
async fn reviews_are_dated_keep_their_measures_and_fall_due_again() {
    let app = TestApp::spawn().await;
    let worker = set_up_worker(&app).await;
    let id = worker.staff.id;
    let (mut sup, token) = api_user(&app, "supervisor@demo.example").await;
    let w = sup.api(Method::GET, &format!("/api/v1/team/{id}/workload"), &token, None).await.json();
    assert_eq!(w["workload"]["review_overdue"], true, "never reviewed: a review is due");
    assert_eq!(w["workload"]["review_due_on"], "2026-05-18", "six months after the start date");
    assert_eq!(w["workload"]["last_review_on"], Value::Null);

    // Bad input is named.
    let bad = sup
        .api(
            Method::POST,
            &format!("/api/v1/team/{id}/workload/reviews"),
            &token,
            Some(json!({"reviewed_on": "2026-11-18", "decision": "fire", "next_review_on": "2026-11-01"})),
        )
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&bad.json(), "decision", "workload-error-decision-unknown"));
    assert!(has_error(&bad.json(), "next_review_on", "workload-error-next-not-after"));
    let future = sup
        .api(
            Method::POST,
            &format!("/api/v1/team/{id}/workload/reviews"),
            &token,
            Some(json!({"reviewed_on": "2026-12-01", "decision": "no-change"})),
        )
        .await;
    assert!(has_error(&future.json(), "reviewed_on", "workload-error-future"));

    // The supervisor reviews through the form; the next review defaults to six months on.
    let mut page_client = app.signed_in("supervisor@demo.example").await;
    let page = page_client.get(&format!("/team/{id}/workload")).await;
    page.assert_contains("No review yet: one has been due since 2026-05-18")
        .assert_contains("Record a workload review");
    let saved = page_client
        .post(
            &format!("/team/{id}/workload/reviews"),
            &[
                ("reviewed_on", "2026-11-18"),
                ("decision", "redistribute"),
                ("notes", "Move two people to the new coach"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = page_client.get(&format!("/team/{id}/workload")).await;
    page.assert_contains("Redistribute work").assert_contains("Move two people to the new coach");
    page.assert_contains("Next review by 2027-05-18").assert_contains("weighted caseload 6.5, 5 people");

    let w = sup.api(Method::GET, &format!("/api/v1/team/{id}/workload"), &token, None).await.json();
    assert_eq!(w["workload"]["review_overdue"], false);
    assert_eq!(w["workload"]["review_due_on"], "2027-05-18");
    let review = &w["reviews"][0];
    assert_eq!(review["decision"], "redistribute");
    assert_eq!(review["reviewed_by_name"], "Sam Okafor");
    assert_eq!(review["measures"]["people"], 5);
    assert_eq!(review["measures"]["weighted_caseload"], 6.5);
    assert_eq!(review["measures"]["rules"]["max_weighted_caseload"], 30.0);

    // Six months on it is overdue again, on the page and in the team table.
    app.advance(182 * DAY);
    let w = sup.api(Method::GET, &format!("/api/v1/team/{id}/workload"), &token, None).await.json();
    assert_eq!(w["workload"]["review_overdue"], true);
    let page = page_client.get(&format!("/team/{id}/workload")).await;
    page.assert_contains("Review overdue since 2027-05-18");
    page_client.get("/team/workload?sort=review").await.assert_contains("Review overdue since 2027-05-18");

    // Only a manager reviews: not the worker, not the quality lead; the refusals are audited.
    let denied_before = app.audit_actions().await.iter().filter(|(a, _)| a == "access.denied").count();
    for email in ["wren.load@demo.example", "quality@demo.example"] {
        let (mut c, t) = api_user(&app, email).await;
        let refused = c
            .api(
                Method::POST,
                &format!("/api/v1/team/{id}/workload/reviews"),
                &t,
                Some(json!({"reviewed_on": "2027-05-20", "decision": "no-change"})),
            )
            .await;
        refused.assert_status(StatusCode::FORBIDDEN);
    }
    let denied_after = app.audit_actions().await.iter().filter(|(a, _)| a == "access.denied").count();
    assert_eq!(denied_after, denied_before + 2);
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "personnel.workload.review"));
}

#[tokio::test]
async fn settings_are_validated_kept_by_directors_and_administrators_and_never_silently_overwritten() {
    let app = TestApp::spawn().await;
    let (mut director, token) = api_user(&app, "director@demo.example").await;
    let current = director.api(Method::GET, "/api/v1/team/settings", &token, None).await;
    current.assert_status(StatusCode::OK);
    let defaults = current.json();
    assert_eq!(defaults["version"], 0);
    assert_eq!(defaults["supervision_days"], 30);
    assert_eq!(defaults["gap_policy"], "warn");

    let cases = [
        ("supervision_days", json!(5), "personnel-settings-error-range"),
        ("mentoring_days", json!(400), "personnel-settings-error-range"),
        ("in_service_months", json!(0), "personnel-settings-error-range"),
        ("pre_service_grace_days", json!(-3), "personnel-settings-error-range"),
        ("weight_high", json!(12), "personnel-settings-error-weight"),
        ("max_weighted_caseload", json!(0), "personnel-settings-error-threshold"),
        ("max_contacts_per_month", json!("many"), "personnel-settings-error-threshold-whole"),
        ("review_months", json!(30), "personnel-settings-error-range"),
        ("gap_policy", json!("shrug"), "personnel-settings-error-gap-policy"),
    ];
    for (field, value, code) in cases {
        let mut body = defaults.clone();
        body[field] = value;
        let answer = director.api(Method::PUT, "/api/v1/team/settings", &token, Some(body)).await;
        answer.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_error(&answer.json(), field, code), "{field}: {}", answer.body);
    }

    let mut body = defaults.clone();
    body["gap_policy"] = json!("block");
    body["weight_low"] = json!(0.25);
    let saved = director.api(Method::PUT, "/api/v1/team/settings", &token, Some(body.clone())).await;
    saved.assert_status(StatusCode::OK);
    assert_eq!(saved.json()["version"], 1);
    assert_eq!(saved.json()["gap_policy"], "block");
    assert_eq!(saved.json()["weight_low"], 0.25);
    // The same edit again, made against version 0: refused, nothing overwritten.
    body["gap_policy"] = json!("warn");
    director.api(Method::PUT, "/api/v1/team/settings", &token, Some(body)).await.assert_status(StatusCode::CONFLICT);
    let now = director.api(Method::GET, "/api/v1/team/settings", &token, None).await.json();
    assert_eq!(now["gap_policy"], "block");
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "personnel.settings.update"));

    // Supervisors may read, not change; coaches have no team views at all.
    let (mut sup, stoken) = api_user(&app, "supervisor@demo.example").await;
    sup.api(Method::GET, "/api/v1/team/settings", &stoken, None).await.assert_status(StatusCode::OK);
    sup.api(Method::PUT, "/api/v1/team/settings", &stoken, Some(now.clone()))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get("/team/settings").await.assert_status(StatusCode::FORBIDDEN);
    let mut quality = app.signed_in("quality@demo.example").await;
    quality
        .get("/team/settings")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Only administrators and program directors");

    // The form: a message in words, typed values kept; a stale form keeps what was typed.
    let mut admin = app.signed_in("admin@demo.example").await;
    let form = admin.get("/team/settings").await;
    form.assert_status(StatusCode::OK).assert_contains("name=\"version\" value=\"1\"");
    let fields = |version: &'static str, weight: &'static str| {
        vec![
            ("version", version),
            ("gap_policy", "warn"),
            ("supervision_days", "21"),
            ("mentoring_days", "60"),
            ("in_service_months", "12"),
            ("pre_service_grace_days", "90"),
            ("weight_high", weight),
            ("weight_moderate", "1"),
            ("weight_low", "0.5"),
            ("max_weighted_caseload", "28"),
            ("max_contacts_per_month", "90"),
            ("max_groups", "3"),
            ("max_open_referrals", "35"),
            ("review_months", "6"),
        ]
    };
    let bad = admin.post("/team/settings", &fields("1", "11")).await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Enter a weight from 0 to 10")
        .assert_contains("value=\"21\"");
    let stale = admin.post("/team/settings", &fields("0", "2.5")).await;
    stale
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Someone else saved the settings")
        .assert_contains("value=\"2.5\"");
    stale.assert_contains("name=\"version\" value=\"1\"");
    let ok = admin.post("/team/settings", &fields("1", "2.5")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let after = director.api(Method::GET, "/api/v1/team/settings", &token, None).await.json();
    assert_eq!(
        (after["version"].clone(), after["supervision_days"].clone(), after["weight_high"].clone()),
        (json!(2), json!(21), json!(2.5))
    );
}
