//! The intake API: requests through triage, screening and acceptance; waiting lists; risk
//! screens and safety plans; crisis events; time to first service; who may do what.

use crate::helpers::{Client, TestApp};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

/// A client signed in as a demo account, with an API token.
async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("intake").await;
    (client, token)
}

async fn program_id(client: &mut Client, token: &str, name: &str) -> String {
    let programs = client.api(Method::GET, "/api/v1/programs", token, None).await.json();
    let found = programs.as_array().unwrap().iter().find(|p| p["name"] == name).expect("demo program");
    found["id"].as_str().unwrap().to_string()
}

fn fields(response: &Value) -> Vec<String> {
    response["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap_or("").to_string()).collect()
}

/// Logs a request about someone new and returns it.
async fn new_request(client: &mut Client, token: &str, given_name: &str) -> Value {
    let created = client
        .api(
            Method::POST,
            "/api/v1/requests",
            token,
            Some(json!({ "source": "phone", "given_name": given_name, "asked_for": "A peer coach" })),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    created.json()
}

#[tokio::test]
async fn a_request_is_triaged_screened_and_accepted() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let program = program_id(&mut coach, &token, "Peer Recovery Coaching").await;
    let person = app.person_of("coach@demo.example").await;
    let created = coach
        .api(
            Method::POST,
            "/api/v1/requests",
            &token,
            Some(json!({ "source": "walk-in", "person_id": person, "asked_for": "Help finding housing" })),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let request = created.json();
    assert_eq!(request["status"], "new");
    assert_eq!(request["version"], 1);
    assert_eq!(request["received_on"], "2026-11-18");
    let id = request["id"].as_str().unwrap().to_string();
    let path = |action: &str| format!("/api/v1/requests/{id}/{action}");

    let triage = json!({ "urgency": "urgent", "urgency_reason": "Losing housing this week" });
    let missing = coach.api(Method::POST, &path("triage"), &token, Some(triage.clone())).await;
    missing.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(missing.json()["errors"][0]["field"], "version");
    assert_eq!(missing.json()["errors"][0]["code"], "error-required");
    let mut triage = triage;
    triage["version"] = json!(1);
    let triaged = coach.api(Method::POST, &path("triage"), &token, Some(triage)).await;
    triaged.assert_status(StatusCode::OK);
    assert_eq!(triaged.json()["urgency"], "urgent");
    assert!(triaged.json()["triaged_at"].as_str().unwrap().ends_with('Z'));

    let screening = json!({
        "fit": "fits", "program_id": program, "offer": "Weekly coaching", "informed": "yes", "version": 2,
    });
    let screened = coach.api(Method::POST, &path("screening"), &token, Some(screening)).await;
    screened.assert_status(StatusCode::OK);
    assert_eq!(screened.json()["status"], "screened");

    let early = json!({ "program_id": program, "first_service_on": "2026-11-17", "version": 3 });
    let refused = coach.api(Method::POST, &path("accept"), &token, Some(early)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&refused.json()), ["first_service_on"]);
    let accept = json!({ "program_id": program, "first_service_on": "2026-11-18", "version": 3 });
    let accepted = coach.api(Method::POST, &path("accept"), &token, Some(accept.clone())).await;
    accepted.assert_status(StatusCode::OK);
    let accepted = accepted.json();
    assert_eq!(accepted["status"], "enrolled");
    assert_eq!(accepted["first_service_on"], "2026-11-18");
    assert!(accepted["enrolment_id"].is_string());
    // The same change again is stale.
    coach.api(Method::POST, &path("accept"), &token, Some(accept)).await.assert_status(StatusCode::CONFLICT);
    let fetched = coach.api(Method::GET, &format!("/api/v1/requests/{id}"), &token, None).await;
    fetched.assert_status(StatusCode::OK);
    assert_eq!(fetched.json()["version"], 4);
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "request.accept"));

    // Served the day it arrived: on time in the report.
    let (mut quality, quality_token) = api_user(&app, "quality@demo.example").await;
    let report = quality.api(Method::GET, "/api/v1/reports/time-to-service", &quality_token, None).await;
    report.assert_status(StatusCode::OK);
    let report = report.json();
    assert_eq!(report["to"], "2026-11-18");
    assert_eq!(report["from"], "2025-11-18");
    let group = report["groups"].as_array().unwrap().iter().find(|g| g["urgency"] == "urgent").expect("group");
    assert_eq!(group["program"], "Peer Recovery Coaching");
    assert_eq!((group["served"].as_u64(), group["served_on_time"].as_u64()), (Some(1), Some(1)));
    let backwards = quality
        .api(Method::GET, "/api/v1/reports/time-to-service?from=2026-11-18&to=2026-11-01", &quality_token, None)
        .await;
    backwards.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&backwards.json()), ["from"]);
    coach.api(Method::GET, "/api/v1/reports/time-to-service", &token, None).await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_queue_puts_emergencies_before_routine_requests() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let routine = new_request(&mut coach, &token, "Rowan").await;
    app.advance(60);
    let emergency = new_request(&mut coach, &token, "Emery").await;
    for (request, urgency) in [(&routine, "routine"), (&emergency, "emergency")] {
        coach
            .api(
                Method::POST,
                &format!("/api/v1/requests/{}/triage", request["id"].as_str().unwrap()),
                &token,
                Some(json!({ "urgency": urgency, "urgency_reason": "Asked on the phone", "version": 1 })),
            )
            .await
            .assert_status(StatusCode::OK);
    }
    let queue = coach.api(Method::GET, "/api/v1/requests?mine=true", &token, None).await;
    queue.assert_status(StatusCode::OK);
    let queue = queue.json();
    assert_eq!(queue["total"], 2);
    let order: Vec<&str> = queue["items"].as_array().unwrap().iter().map(|i| i["who"].as_str().unwrap()).collect();
    assert_eq!(order, ["Emery", "Rowan"]);
    let first = &queue["items"][0];
    assert_eq!(first["urgency"], "emergency");
    assert_eq!(first["status"], "new");
    assert_eq!(first["received_on"], "2026-11-18");
    // An emergency is due the day it arrives, a routine request ten days later (the defaults).
    assert_eq!(first["due_on"], "2026-11-18");
    assert_eq!(queue["items"][1]["due_on"], "2026-11-28");
    assert_eq!((first["days_waiting"].as_i64(), first["overdue"].as_bool()), (Some(0), Some(false)));
    assert!(app.audit_soon_contains("request.list").await);
}

#[tokio::test]
async fn the_waiting_list_keeps_positions_and_removal_needs_a_reason() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let program = program_id(&mut coach, &token, "Family Recovery Support").await;
    let first = new_request(&mut coach, &token, "Fern").await;
    let second = new_request(&mut coach, &token, "Sol").await;
    let place = |priority: &str| json!({ "program_id": program, "priority": priority, "version": 1 });
    let mut entries = Vec::new();
    for (request, priority) in [(&first, "normal"), (&second, "high")] {
        let path = format!("/api/v1/requests/{}/waitlist", request["id"].as_str().unwrap());
        let placed = coach.api(Method::POST, &path, &token, Some(place(priority))).await;
        placed.assert_status(StatusCode::CREATED);
        assert_eq!(placed.json()["next_checkin_on"], "2026-12-02");
        entries.push(placed.json());
        app.advance(60);
    }
    let list = coach.api(Method::GET, &format!("/api/v1/waitlist?program_id={program}"), &token, None).await;
    list.assert_status(StatusCode::OK);
    let list = list.json();
    let places: Vec<(&str, u64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["who"].as_str().unwrap(), w["position"].as_u64().unwrap()))
        .collect();
    assert_eq!(places, [("Sol", 1), ("Fern", 2)]);
    assert_eq!(list[0]["program"], "Family Recovery Support");
    let request_path = format!("/api/v1/requests/{}", first["id"].as_str().unwrap());
    assert_eq!(coach.api(Method::GET, &request_path, &token, None).await.json()["status"], "waiting");

    let entry = entries[0]["id"].as_str().unwrap();
    let checkin = json!({ "still_wanted": true, "note": "Still keen", "version": 1 });
    coach
        .api(Method::POST, &format!("/api/v1/waitlist/{entry}/checkins"), &token, Some(checkin))
        .await
        .assert_status(StatusCode::NO_CONTENT);
    let remove = format!("/api/v1/waitlist/{entry}/remove");
    let no_reason = coach.api(Method::POST, &remove, &token, Some(json!({ "version": 2 }))).await;
    no_reason.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_reason.json()["errors"][0]["field"], "reason");
    assert_eq!(no_reason.json()["errors"][0]["code"], "error-waitlist-reason-required");
    let stale = json!({ "reason": "no-longer-wanted", "version": 1 });
    coach.api(Method::POST, &remove, &token, Some(stale)).await.assert_status(StatusCode::CONFLICT);
    let removed = json!({ "reason": "no-longer-wanted", "version": 2 });
    coach.api(Method::POST, &remove, &token, Some(removed)).await.assert_status(StatusCode::NO_CONTENT);
    let list = coach.api(Method::GET, "/api/v1/waitlist", &token, None).await.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!((list[0]["who"].as_str(), list[0]["position"].as_u64()), (Some("Sol"), Some(1)));
}

#[tokio::test]
async fn a_moderate_screen_closes_only_after_a_response() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let person = app.person_of("coach@demo.example").await;
    let screen = json!({
        "kind": "program-wide",
        "q1_wish_dead": true, "q2_suicidal_thoughts": "yes", "q3_method": true, "q4_intent": false,
        "q5_plan": false, "q6_behaviour": false,
    });
    let created = coach.api(Method::POST, &format!("/api/v1/people/{person}/risk-screens"), &token, Some(screen)).await;
    created.assert_status(StatusCode::CREATED);
    let created = created.json();
    assert_eq!((created["level"].as_str(), created["suicide_level"].as_str()), (Some("moderate"), Some("moderate")));
    assert!(created["closed_at"].is_null());
    let screen_id = created["id"].as_str().unwrap();

    let close = format!("/api/v1/risk-screens/{screen_id}/close");
    let refused = coach.api(Method::POST, &close, &token, Some(json!({ "version": 1 }))).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&refused.json()), ["responses"]);
    let response = json!({ "kind": "safety-plan", "detail": "Wrote a safety plan together" });
    let added =
        coach.api(Method::POST, &format!("/api/v1/risk-screens/{screen_id}/responses"), &token, Some(response)).await;
    added.assert_status(StatusCode::CREATED);
    assert_eq!(added.json()["kind"], "safety-plan");
    coach.api(Method::POST, &close, &token, Some(json!({ "version": 1 }))).await.assert_status(StatusCode::NO_CONTENT);

    let safety = coach.api(Method::GET, &format!("/api/v1/people/{person}/safety"), &token, None).await;
    safety.assert_status(StatusCode::OK);
    let safety = safety.json();
    let screen = &safety["screens"][0];
    assert!(screen["closed_at"].is_string());
    assert_eq!(screen["responses"].as_array().unwrap().len(), 1);
    assert_eq!(screen["answers"]["q3"], true);
    assert!(screen["answers"]["q6_recent"].is_null());
    // A moderate suicide screen raises the 4.03 flag.
    assert_eq!(safety["checklist"]["flags"], json!(["suicide-risk"]));
    assert_eq!(safety["checklist_applies"], true);
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "person.risk-close"));
}

#[tokio::test]
async fn safety_plans_and_checklists_keep_versions() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let person = app.person_of("coach@demo.example").await;
    let path = format!("/api/v1/people/{person}/safety-plan");
    let plan = |version: i64| {
        json!({
            "warning_signs": "Not sleeping", "professionals": "Crisis line 988", "shared_on": "2026-11-18",
            "version": version,
        })
    };
    let incomplete = coach.api(Method::PUT, &path, &token, Some(json!({ "version": 0 }))).await;
    incomplete.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&incomplete.json()), ["warning_signs", "professionals"]);
    let first = coach.api(Method::PUT, &path, &token, Some(plan(0))).await;
    first.assert_status(StatusCode::OK);
    assert_eq!(first.json()["version"], 1);
    assert_eq!(first.json()["shared_on"], "2026-11-18");
    let stale = coach.api(Method::PUT, &path, &token, Some(plan(0))).await;
    stale.assert_status(StatusCode::CONFLICT);
    assert_eq!(stale.json()["errors"][0]["code"], "error-conflict");
    coach.api(Method::PUT, &path, &token, Some(plan(1))).await.assert_status(StatusCode::OK);

    let checklist = format!("/api/v1/people/{person}/safety-checklist");
    let body = json!({ "flags": ["trauma"], "steps": ["trauma-informed", "safety-plan"], "version": 0 });
    coach.api(Method::PUT, &checklist, &token, Some(body)).await.assert_status(StatusCode::NO_CONTENT);
    let safety = coach.api(Method::GET, &format!("/api/v1/people/{person}/safety"), &token, None).await.json();
    assert_eq!(safety["safety_plan"]["version"], 2);
    assert_eq!(safety["checklist"]["steps"], json!(["trauma-informed", "safety-plan"]));
    assert_eq!(safety["checklist"]["version"], 1);

    // Someone else's caseload is out of reach.
    let theirs = app.person_of("referral@demo.example").await;
    coach
        .api(Method::PUT, &format!("/api/v1/people/{theirs}/safety-plan"), &token, Some(plan(0)))
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn crisis_events_and_the_crisis_procedure() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let event = json!({
        "caller_description": "Adult caller, east side",
        "what_happened": "Caller in distress", "actions_taken": "Stayed on the line",
        "calls": ["crisis-line"], "outcome": "Safe with a friend", "follow_up_due": "2026-11-19",
    });
    let created = coach.api(Method::POST, "/api/v1/crisis-events", &token, Some(event)).await;
    created.assert_status(StatusCode::CREATED);
    let created = created.json();
    assert!(created["person_id"].is_null());
    assert_eq!(created["calls"], json!(["crisis-line"]));
    let id = created["id"].as_str().unwrap();
    let open = coach.api(Method::GET, "/api/v1/crisis-events?open_follow_up=true", &token, None).await;
    open.assert_status(StatusCode::OK);
    assert_eq!(open.json()["total"], 1);
    assert_eq!(open.json()["items"][0]["id"], id);
    let fetched = coach.api(Method::GET, &format!("/api/v1/crisis-events/{id}"), &token, None).await;
    assert_eq!(fetched.json()["outcome"], "Safe with a friend");
    let follow_up = format!("/api/v1/crisis-events/{id}/follow-up");
    let done = json!({ "note": "Called back; doing better", "version": 1 });
    coach.api(Method::POST, &follow_up, &token, Some(done)).await.assert_status(StatusCode::NO_CONTENT);
    assert_eq!(
        coach.api(Method::GET, "/api/v1/crisis-events?open_follow_up=true", &token, None).await.json()["total"],
        0
    );
    assert_eq!(coach.api(Method::GET, "/api/v1/crisis-events", &token, None).await.json()["total"], 1);

    coach.api(Method::GET, "/api/v1/crisis-procedure", &token, None).await.assert_status(StatusCode::NOT_FOUND);
    let procedure = json!({
        "intervention": "Stay with the person", "intensive_services": "Refer to the county team",
        "emergency_responders": "Call 911 when life is at risk", "domestic_violence": "Harbour House",
        "anonymous_callers": "Offer 988", "mandatory_reporting": "Report to child protection",
        "approved_by": "Board of directors", "approved_on": "2026-11-01", "based_on": 0,
    });
    coach
        .api(Method::POST, "/api/v1/crisis-procedure", &token, Some(procedure.clone()))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let (mut director, director_token) = api_user(&app, "director@demo.example").await;
    let saved = director.api(Method::POST, "/api/v1/crisis-procedure", &director_token, Some(procedure.clone())).await;
    saved.assert_status(StatusCode::CREATED);
    assert_eq!(saved.json()["revision"], 1);
    director
        .api(Method::POST, "/api/v1/crisis-procedure", &director_token, Some(procedure))
        .await
        .assert_status(StatusCode::CONFLICT);
    let current = coach.api(Method::GET, "/api/v1/crisis-procedure", &token, None).await;
    current.assert_status(StatusCode::OK);
    assert_eq!(current.json()["approved_on"], "2026-11-01");
    let revisions = coach.api(Method::GET, "/api/v1/crisis-procedure/revisions", &token, None).await.json();
    assert_eq!(revisions.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn roles_without_intake_work_are_refused() {
    let app = TestApp::spawn().await;
    let (mut quality, quality_token) = api_user(&app, "quality@demo.example").await;
    let request = json!({ "source": "phone", "given_name": "Kai", "asked_for": "Information" });
    quality
        .api(Method::POST, "/api/v1/requests", &quality_token, Some(request))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    // Refused before validation too.
    quality
        .api(Method::POST, "/api/v1/requests", &quality_token, Some(json!({})))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    // The quality lead reads the queue.
    quality.api(Method::GET, "/api/v1/requests", &quality_token, None).await.assert_status(StatusCode::OK);

    let (mut admin, admin_token) = api_user(&app, "admin@demo.example").await;
    admin.api(Method::GET, "/api/v1/requests", &admin_token, None).await.assert_status(StatusCode::FORBIDDEN);
    admin.api(Method::GET, "/api/v1/waitlist", &admin_token, None).await.assert_status(StatusCode::FORBIDDEN);
    assert!(app.audit_actions().await.iter().any(|(a, o)| a == "access.denied" && o == "denied"));

    // Intake settings: anyone reads, the administrator saves (targets are sent as text).
    let program = program_id(&mut admin, &admin_token, "Peer Recovery Coaching").await;
    let path = format!("/api/v1/programs/{program}/intake-settings");
    let defaults = admin.api(Method::GET, &path, &admin_token, None).await;
    defaults.assert_status(StatusCode::OK);
    assert_eq!(
        (defaults.json()["version"].as_i64(), defaults.json()["target_routine_days"].as_i64()),
        (Some(0), Some(10))
    );
    let settings = json!({
        "target_emergency_days": "0", "target_urgent_days": "1", "target_routine_days": "7", "checkin_days": "7",
        "version": 0,
    });
    admin.api(Method::PUT, &path, &admin_token, Some(settings)).await.assert_status(StatusCode::NO_CONTENT);
    let saved = quality.api(Method::GET, &path, &quality_token, None).await.json();
    assert_eq!((saved["version"].as_i64(), saved["target_routine_days"].as_i64()), (Some(1), Some(7)));
}
