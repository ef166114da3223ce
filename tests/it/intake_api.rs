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

/// The item of a JSON array with this id.
fn with_id<'a>(items: &'a Value, id: &Value) -> Option<&'a Value> {
    items.as_array().unwrap().iter().find(|item| &item["id"] == id)
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
    let triaged = coach.api(Method::POST, &path("triage"), &token, Some(triage.clone())).await;
    triaged.assert_status(StatusCode::OK);
    assert_eq!((triaged.json()["urgency"].as_str(), triaged.json()["version"].as_i64()), (Some("urgent"), Some(2)));
    assert!(triaged.json()["triaged_at"].as_str().unwrap().ends_with('Z'));
    // The same change again is based on a stale version.
    let stale = coach.api(Method::POST, &path("triage"), &token, Some(triage)).await;
    stale.assert_status(StatusCode::CONFLICT);
    assert_eq!(stale.json()["errors"][0]["code"], "error-conflict");

    // The demo coaching program states who it is for, so fit with that population is recorded.
    let screening = json!({
        "fit": "fits", "program_id": program, "offer": "Weekly coaching", "informed": "yes", "version": 2,
        "population_fit": "self-identifies", "population_basis": "In recovery for two years",
    });
    let screened = coach.api(Method::POST, &path("screening"), &token, Some(screening)).await;
    screened.assert_status(StatusCode::OK);
    assert_eq!(screened.json()["status"], "screened");

    let (mut quality, quality_token) = api_user(&app, "quality@demo.example").await;
    let on_time = |report: &Value| {
        let groups = report["groups"].as_array().unwrap();
        let group = groups.iter().find(|g| g["program"] == "Peer Recovery Coaching" && g["urgency"] == "urgent");
        group.map_or(0, |g| g["served_on_time"].as_u64().unwrap())
    };
    let report_path = "/api/v1/reports/time-to-service";
    let before = on_time(&quality.api(Method::GET, report_path, &quality_token, None).await.json());

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
    // An enrolled request is no longer open.
    let again = coach.api(Method::POST, &path("accept"), &token, Some(accept)).await;
    again.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&again.json()), ["status"]);
    let fetched = coach.api(Method::GET, &format!("/api/v1/requests/{id}"), &token, None).await;
    fetched.assert_status(StatusCode::OK);
    assert_eq!(fetched.json()["version"], 4);
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "request.accept"));

    // Served the day it arrived: one more on time in the report (the last 365 days by default).
    let report = quality.api(Method::GET, report_path, &quality_token, None).await;
    report.assert_status(StatusCode::OK);
    let report = report.json();
    assert_eq!((report["from"].as_str(), report["to"].as_str()), (Some("2025-11-18"), Some("2026-11-18")));
    assert_eq!(on_time(&report), before + 1);
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
    let queue = coach.api(Method::GET, "/api/v1/requests?mine=true&per_page=100", &token, None).await;
    queue.assert_status(StatusCode::OK);
    let queue = queue.json();
    let items = queue["items"].as_array().unwrap();
    assert_eq!(queue["total"].as_u64().unwrap() as usize, items.len());
    // Emergencies, then urgent, then untriaged, then routine.
    let rank = |item: &Value| match item["urgency"].as_str() {
        Some("emergency") => 0,
        Some("urgent") => 1,
        None => 2,
        _ => 3,
    };
    let ranks: Vec<i32> = items.iter().map(rank).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    let at = |name: &str| items.iter().position(|i| i["who"] == name).expect(name);
    assert!(at("Emery") < at("Rowan"));
    let emery = &items[at("Emery")];
    assert_eq!(emery["status"], "new");
    assert_eq!(emery["received_on"], "2026-11-18");
    // Unrouted requests are held to the default targets: the same day for an emergency, ten days
    // for a routine request.
    assert_eq!(emery["due_on"], "2026-11-18");
    assert_eq!(items[at("Rowan")]["due_on"], "2026-11-28");
    assert_eq!((emery["days_waiting"].as_i64(), emery["overdue"].as_bool()), (Some(0), Some(false)));
    assert!(app.audit_soon_contains("request.list").await);

    // Someone new gets a record from the request, so they can be screened and accepted.
    let rowan = format!("/api/v1/requests/{}/person", routine["id"].as_str().unwrap());
    let details = json!({ "legal_given_name": "Rowan", "legal_family_name": "Ash", "version": 2 });
    let linked = coach.api(Method::POST, &rowan, &token, Some(details.clone())).await;
    linked.assert_status(StatusCode::CREATED);
    let person = linked.json()["person_id"].as_str().expect("linked to a record").to_string();
    assert_eq!(linked.json()["version"], 3);
    coach.api(Method::GET, &format!("/api/v1/people/{person}"), &token, None).await.assert_status(StatusCode::OK);
    let mut details = details;
    details["version"] = json!(3);
    let again = coach.api(Method::POST, &rowan, &token, Some(details)).await;
    again.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
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
        assert_eq!((placed.json()["priority"].as_str(), placed.json()["version"].as_i64()), (Some(priority), Some(1)));
        entries.push(placed.json());
        app.advance(60);
    }
    let list_path = format!("/api/v1/waitlist?program_id={program}");
    let list = coach.api(Method::GET, &list_path, &token, None).await;
    list.assert_status(StatusCode::OK);
    let list = list.json();
    // Everyone waiting for the program counts, in list order.
    let positions: Vec<u64> = list.as_array().unwrap().iter().map(|w| w["position"].as_u64().unwrap()).collect();
    assert_eq!(positions, (1..=positions.len() as u64).collect::<Vec<_>>());
    let sol = with_id(&list, &entries[1]["id"]).expect("Sol waits");
    let fern = with_id(&list, &entries[0]["id"]).expect("Fern waits");
    assert_eq!((sol["who"].as_str(), fern["who"].as_str()), (Some("Sol"), Some("Fern")));
    // High priority goes ahead of everyone normal, whoever was placed first.
    assert!(sol["position"].as_u64() < fern["position"].as_u64());
    assert_eq!(fern["program"], "Family Recovery Support");
    assert_eq!(fern["days_waited"], 0);
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
    let after = coach.api(Method::GET, &list_path, &token, None).await.json();
    assert_eq!(after.as_array().unwrap().len(), list.as_array().unwrap().len() - 1);
    assert!(with_id(&after, &entries[0]["id"]).is_none());
    assert_eq!(with_id(&after, &entries[1]["id"]).unwrap()["position"], sol["position"]);
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
    let screen = with_id(&safety["screens"], &created["id"]).expect("the screen");
    assert!(screen["closed_at"].is_string());
    assert_eq!(screen["responses"].as_array().unwrap().len(), 1);
    assert_eq!(screen["answers"]["q3"], true);
    assert!(screen["answers"]["q6_recent"].is_null());
    // A moderate suicide screen raises the 4.03 flag.
    assert!(safety["checklist"]["flags"].as_array().unwrap().contains(&json!("suicide-risk")));
    assert_eq!(safety["checklist_applies"], true);
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "person.risk-close"));
}

#[tokio::test]
async fn safety_plans_and_checklists_keep_versions() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let person = app.person_of("coach@demo.example").await;
    let safety_path = format!("/api/v1/people/{person}/safety");
    let current = coach.api(Method::GET, &safety_path, &token, None).await.json();
    let plan_version = current["safety_plan"]["version"].as_i64().unwrap_or(0);
    let checklist_version = current["checklist"]["version"].as_i64().unwrap_or(0);
    let path = format!("/api/v1/people/{person}/safety-plan");
    let plan = |version: i64| {
        json!({
            "warning_signs": "Not sleeping", "professionals": "Crisis line 988", "shared_on": "2026-11-18",
            "version": version,
        })
    };
    let incomplete = coach.api(Method::PUT, &path, &token, Some(json!({ "version": plan_version }))).await;
    incomplete.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&incomplete.json()), ["warning_signs", "professionals"]);
    let first = coach.api(Method::PUT, &path, &token, Some(plan(plan_version))).await;
    first.assert_status(StatusCode::OK);
    assert_eq!(first.json()["version"], plan_version + 1);
    assert_eq!(first.json()["shared_on"], "2026-11-18");
    let stale = coach.api(Method::PUT, &path, &token, Some(plan(plan_version))).await;
    stale.assert_status(StatusCode::CONFLICT);
    assert_eq!(stale.json()["errors"][0]["code"], "error-conflict");
    coach.api(Method::PUT, &path, &token, Some(plan(plan_version + 1))).await.assert_status(StatusCode::OK);

    let checklist = format!("/api/v1/people/{person}/safety-checklist");
    let body =
        json!({ "flags": ["trauma"], "steps": ["trauma-informed", "safety-plan"], "version": checklist_version });
    coach.api(Method::PUT, &checklist, &token, Some(body)).await.assert_status(StatusCode::NO_CONTENT);
    let safety = coach.api(Method::GET, &safety_path, &token, None).await.json();
    assert_eq!(safety["safety_plan"]["version"], plan_version + 2);
    assert_eq!(safety["safety_plan"]["warning_signs"], "Not sleeping");
    assert_eq!(safety["checklist"]["flags"], json!(["trauma"]));
    assert_eq!(safety["checklist"]["steps"], json!(["trauma-informed", "safety-plan"]));
    assert_eq!(safety["checklist"]["version"], checklist_version + 1);

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
    let open_path = "/api/v1/crisis-events?open_follow_up=true&per_page=100";
    let open = coach.api(Method::GET, open_path, &token, None).await;
    open.assert_status(StatusCode::OK);
    assert!(with_id(&open.json()["items"], &created["id"]).is_some());
    let fetched = coach.api(Method::GET, &format!("/api/v1/crisis-events/{id}"), &token, None).await;
    assert_eq!(fetched.json()["outcome"], "Safe with a friend");
    let follow_up = format!("/api/v1/crisis-events/{id}/follow-up");
    let done = json!({ "note": "Called back; doing better", "version": 1 });
    coach.api(Method::POST, &follow_up, &token, Some(done.clone())).await.assert_status(StatusCode::NO_CONTENT);
    let open = coach.api(Method::GET, open_path, &token, None).await.json();
    assert!(with_id(&open["items"], &created["id"]).is_none());
    // Only one follow-up per event.
    coach.api(Method::POST, &follow_up, &token, Some(done)).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let all = coach.api(Method::GET, "/api/v1/crisis-events?per_page=100", &token, None).await.json();
    let logged = with_id(&all["items"], &created["id"]).expect("listed");
    assert_eq!(logged["follow_up_note"], "Called back; doing better");

    // The demo organisation has written its procedure once; any member of staff reads it.
    let current = coach.api(Method::GET, "/api/v1/crisis-procedure", &token, None).await;
    current.assert_status(StatusCode::OK);
    let revision = current.json()["revision"].as_i64().unwrap();
    let procedure = json!({
        "intervention": "Stay with the person", "intensive_services": "Refer to the county team",
        "emergency_responders": "Call 911 when life is at risk", "domestic_violence": "Harbour House",
        "anonymous_callers": "Offer 988", "mandatory_reporting": "Report to child protection",
        "approved_by": "Board of directors", "approved_on": "2026-11-01", "based_on": revision,
    });
    coach
        .api(Method::POST, "/api/v1/crisis-procedure", &token, Some(procedure.clone()))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let (mut director, director_token) = api_user(&app, "director@demo.example").await;
    let saved = director.api(Method::POST, "/api/v1/crisis-procedure", &director_token, Some(procedure.clone())).await;
    saved.assert_status(StatusCode::CREATED);
    assert_eq!(saved.json()["revision"], revision + 1);
    // Saved again from the same revision: someone else saved first.
    director
        .api(Method::POST, "/api/v1/crisis-procedure", &director_token, Some(procedure))
        .await
        .assert_status(StatusCode::CONFLICT);
    let current = coach.api(Method::GET, "/api/v1/crisis-procedure", &token, None).await.json();
    assert_eq!(
        (current["revision"].as_i64(), current["approved_on"].as_str()),
        (Some(revision + 1), Some("2026-11-01"))
    );
    let revisions = coach.api(Method::GET, "/api/v1/crisis-procedure/revisions", &token, None).await.json();
    let numbers: Vec<i64> = revisions.as_array().unwrap().iter().map(|r| r["revision"].as_i64().unwrap()).collect();
    assert_eq!(numbers.first(), Some(&(revision + 1)));
    assert_eq!(numbers.len() as i64, revision + 1);
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
    let current = admin.api(Method::GET, &path, &admin_token, None).await;
    current.assert_status(StatusCode::OK);
    let version = current.json()["version"].as_i64().unwrap();
    let settings = |version: i64| {
        json!({
            "target_emergency_days": "0", "target_urgent_days": "1", "target_routine_days": "7",
            "checkin_days": "7", "version": version,
        })
    };
    admin.api(Method::PUT, &path, &admin_token, Some(settings(version))).await.assert_status(StatusCode::NO_CONTENT);
    admin.api(Method::PUT, &path, &admin_token, Some(settings(version))).await.assert_status(StatusCode::CONFLICT);
    let saved = quality.api(Method::GET, &path, &quality_token, None).await.json();
    assert_eq!((saved["version"].as_i64(), saved["target_routine_days"].as_i64()), (Some(version + 1), Some(7)));
    // Only administrators and program directors change them.
    quality
        .api(Method::PUT, &path, &quality_token, Some(settings(version + 1)))
        .await
        .assert_status(StatusCode::FORBIDDEN);
}
