//! Groups: creating and editing (with edit conflicts), focus areas per accreditation edition,
//! facilitator readiness, schedules with their validation and overlap warnings, cancelled, moved,
//! restored and extra sessions, members' availability, the public page of open groups and the
//! calendar feeds, and who may see what. The clock is the harness's (2026-11-18, a Wednesday, in
//! America/New_York).

use crate::helpers::{Client, Response, TestApp};
use axum::http::{Method, StatusCode, header};
use mainstay::db::entities::{curriculum, group_attendance, group_member, group_session, person, staff};
use mainstay::domain::codes::UiLanguage;
use mainstay::i18n::Tr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde_json::{Value, json};
use uuid::Uuid;

const GROUPS_PROGRAM: &str = "Recovery Education & Support Groups";

fn en(id: &str) -> String {
    Tr::new(UiLanguage::En).t(id)
}

/// As the templates escape text.
fn html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

async fn org_id(app: &TestApp) -> Uuid {
    mainstay::db::org::all(&app.db).await.unwrap()[0].id
}

async fn program_id(app: &TestApp, name: &str) -> Uuid {
    let org = org_id(app).await;
    mainstay::db::org::programs(app.db.conn(), org).await.unwrap().into_iter().find(|p| p.name == name).unwrap().id
}

async fn demo_site(app: &TestApp) -> (Uuid, String) {
    let org = org_id(app).await;
    let site = mainstay::db::org::sites(&app.db, org).await.unwrap().into_iter().next().unwrap();
    (site.id, site.name)
}

async fn staff_of(app: &TestApp, email: &str) -> staff::Model {
    mainstay::db::staff::by_email(&app.db, email).await.unwrap().expect("demo account")
}

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("groups").await;
    (client, token)
}

fn has_error(response: &Value, field: &str, code: &str) -> bool {
    response["errors"]
        .as_array()
        .is_some_and(|errors| errors.iter().any(|e| e["field"].as_str().unwrap_or("") == field && e["code"] == code))
}

fn group_json(program: Uuid, name: &str) -> Value {
    json!({
        "program_id": program, "name": name, "kind": "support", "focus_areas": ["transitions", "daily-stress"],
        "audience": ["individuals"], "membership": "open", "capacity": 12, "capacity_rule": "warn",
        "language": "English", "online_link": "https://meet.example.org/test-group", "status": "active",
    })
}

async fn create_group(client: &mut Client, token: &str, body: Value) -> Value {
    let created = client.api(Method::POST, "/api/v1/groups", token, Some(body)).await;
    created.assert_status(StatusCode::CREATED);
    created.json()
}

/// A weekly rule on the given days at the given time, starting on the harness's "today".
fn weekly(days: &[&str], time: &str) -> Value {
    json!({ "frequency": "weekly", "weekdays": days, "starts_on": "2026-11-18", "start_time": time, "minutes": "90" })
}

async fn add_schedule(client: &mut Client, token: &str, group: &str, body: Value) -> Value {
    let created = client.api(Method::POST, &format!("/api/v1/groups/{group}/schedules"), token, Some(body)).await;
    created.assert_status(StatusCode::CREATED);
    created.json()
}

async fn group(client: &mut Client, token: &str, id: &str) -> Value {
    let found = client.api(Method::GET, &format!("/api/v1/groups/{id}"), token, None).await;
    found.assert_status(StatusCode::OK);
    found.json()
}

fn form<'a>(pairs: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn group_form(program: Uuid, name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("program_id", program.to_string()),
        ("name", name.to_string()),
        ("kind", "education".into()),
        ("focus_areas", "goals".into()),
        ("focus_areas", "life-skills".into()),
        ("audience", "individuals".into()),
        ("audience", "families".into()),
        ("membership", "open".into()),
        ("capacity", "15".into()),
        ("capacity_rule", "refuse".into()),
        ("language", "English".into()),
        ("online_link", "https://meet.example.org/education".into()),
        ("status", "active".into()),
    ]
}

fn denied_count(actions: &[(String, String)]) -> usize {
    actions.iter().filter(|(a, o)| a == "access.denied" && o == "denied").count()
}

#[tokio::test]
async fn a_group_is_created_edited_and_a_stale_edit_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let program = program_id(&app, GROUPS_PROGRAM).await;
    let mut facilitator = app.signed_in("facilitator@demo.example").await;
    let list = facilitator.get("/groups").await;
    list.assert_status(StatusCode::OK).assert_contains("href=\"/groups/new\"");
    facilitator.get("/groups/new").await.assert_status(StatusCode::OK).assert_contains("name=\"focus_areas\"");

    // Specific messages for each mistake, and the form keeps what was typed.
    let mut bad = group_form(program, "Wednesday Learning Circle");
    bad.retain(|(k, _)| *k != "focus_areas");
    bad.iter_mut().for_each(|(k, v)| {
        if *k == "capacity" {
            *v = "900".into();
        }
        if *k == "online_link" {
            *v = "http://meet.example.org/x".into();
        }
    });
    let refused = facilitator.post("/groups/new", &form(&bad)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let capacity = Tr::new(UiLanguage::En).with_args("error-group-capacity", &[("max", "500".to_string())]);
    refused
        .assert_contains(&html(&en("error-group-focus-required")))
        .assert_contains(&html(&capacity))
        .assert_contains(&html(&en("error-group-online-link")))
        .assert_contains("Wednesday Learning Circle");

    let created = facilitator.post("/groups/new", &form(&group_form(program, "Wednesday Learning Circle"))).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let page_path = created.location().to_string();
    let id = page_path.trim_start_matches("/groups/").to_string();
    let page = facilitator.get(&page_path).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Wednesday Learning Circle")
        .assert_contains(&html(&en("focus-area-life-skills")))
        // The one who starts a group leads it.
        .assert_contains(&html(&en("facilitator-role-lead")))
        .assert_contains(&format!("/groups/{id}/edit"));

    // Edit with the version the form carried.
    let edit = facilitator.get(&format!("/groups/{id}/edit")).await;
    edit.assert_status(StatusCode::OK).assert_contains("name=\"version\" value=\"1\"");
    let mut renamed = group_form(program, "Wednesday Learning Circle (evening)");
    renamed.push(("version", "1".into()));
    facilitator.post(&format!("/groups/{id}/edit"), &form(&renamed)).await.assert_redirect_to(&page_path);

    // A second edit from the same old form is a conflict: nothing saved, the typing kept.
    let mut stale = group_form(program, "Stale Name From Another Tab");
    stale.push(("version", "1".into()));
    let conflict = facilitator.post(&format!("/groups/{id}/edit"), &form(&stale)).await;
    conflict.assert_status(StatusCode::CONFLICT);
    conflict
        .assert_contains("Stale Name From Another Tab")
        .assert_contains(&html(&en("group-conflict-explained")))
        .assert_contains("name=\"version\" value=\"2\"");
    facilitator.get(&page_path).await.assert_contains("Wednesday Learning Circle (evening)");
    let list = facilitator.get("/groups").await;
    list.assert_contains("Wednesday Learning Circle (evening)");

    // A coach may read groups but not start or edit them.
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get("/groups").await.assert_status(StatusCode::OK).assert_lacks("href=\"/groups/new\"");
    coach.get("/groups/new").await.assert_status(StatusCode::FORBIDDEN);
    coach.get(&page_path).await.assert_status(StatusCode::OK).assert_lacks(&format!("/groups/{id}/edit"));
    coach.get(&format!("/groups/{id}/edit")).await.assert_status(StatusCode::FORBIDDEN);
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|(a, _)| a == "group.create"));
    assert!(actions.iter().any(|(a, _)| a == "group.update"));
    assert!(denied_count(&actions) >= 2);
}

#[tokio::test]
async fn focus_areas_come_from_the_organisations_edition() {
    let app = TestApp::spawn().await;
    let program = program_id(&app, GROUPS_PROGRAM).await;
    let (mut director, token) = api_user(&app, "director@demo.example").await;

    // The 2024 edition has no "health and wellness" item.
    let mut body = group_json(program, "Wellness Hour");
    body["focus_areas"] = json!(["health-wellness"]);
    let refused = director.api(Method::POST, "/api/v1/groups", &token, Some(body.clone())).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&refused.json(), "focus_areas", "error-group-focus-edition"), "{}", refused.body);

    // A 2020 Canadian organisation has its own eight items.
    app.execute("UPDATE organisations SET country = 'CA', edition = 'ca-cse-2020'").await;
    let page = director.get("/groups/new").await;
    assert_eq!(page.body.matches("name=\"focus_areas\"").count(), 8);
    page.assert_contains(&html(&en("focus-area-health-wellness"))).assert_lacks("value=\"life-skills\"");
    let created = director.api(Method::POST, "/api/v1/groups", &token, Some(body)).await;
    created.assert_status(StatusCode::CREATED);
    assert_eq!(created.json()["focus_areas"], json!(["health-wellness"]));
    let mut outside = group_json(program, "Life Skills Lab");
    outside["focus_areas"] = json!(["transitions", "life-skills"]);
    let refused = director.api(Method::POST, "/api/v1/groups", &token, Some(outside)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&refused.json(), "focus_areas", "error-group-focus-edition"));
    let unknown = json!({ "focus_areas": ["juggling"], "program_id": program, "name": "X" });
    let refused = director.api(Method::POST, "/api/v1/groups", &token, Some(unknown)).await;
    assert!(has_error(&refused.json(), "focus_areas", "error-unknown-choice"));
}

#[tokio::test]
async fn facilitators_without_the_four_skills_are_flagged_until_attested() {
    let app = TestApp::spawn().await;
    let program = program_id(&app, GROUPS_PROGRAM).await;
    let (mut director, token) = api_user(&app, "director@demo.example").await;
    let g = create_group(&mut director, &token, group_json(program, "Tuesday Peer Circle")).await;
    let id = g["id"].as_str().unwrap().to_string();

    // A trained volunteer with nothing attested yet: the answer and the pages warn.
    let added = director
        .api(
            Method::POST,
            &format!("/api/v1/groups/{id}/facilitators"),
            &token,
            Some(json!({ "volunteer_name": "Quill Ashdown", "role": "co-facilitator" })),
        )
        .await;
    added.assert_status(StatusCode::CREATED);
    let added = added.json();
    assert_eq!(added["ready"], false);
    assert_eq!(added["readiness"]["missing"].as_array().unwrap().len(), 4);
    let twice = director
        .api(
            Method::POST,
            &format!("/api/v1/groups/{id}/facilitators"),
            &token,
            Some(json!({ "volunteer_name": "quill  ashdown", "role": "lead" })),
        )
        .await;
    assert!(has_error(&twice.json(), "volunteer_name", "error-group-facilitator-twice"), "{}", twice.body);

    let page = director.get(&format!("/groups/{id}")).await;
    page.assert_contains("Quill Ashdown").assert_contains(&html(&en("readiness-area-dynamics-safety")));
    page.assert_contains(&html(&en("group-readiness-heading")));
    let list = director.get("/groups").await;
    list.assert_contains(&html(&en("group-readiness-warning-tag")));

    // Adding through the page says at once what is missing.
    let coach = staff_of(&app, "coach@demo.example").await;
    director.get(&format!("/groups/{id}")).await;
    let staff_id = coach.id.to_string();
    let added = director
        .post(&format!("/groups/{id}/facilitators"), &[("staff_id", staff_id.as_str()), ("role", "lead")])
        .await;
    added.assert_redirect_to(&format!("/groups/{id}#facilitators"));
    director.get(&format!("/groups/{id}")).await.assert_contains(&html(&en("readiness-area-leading-discussion")));

    // A facilitator may not attest; a supervisor may.
    let (mut facilitator, fac_token) = api_user(&app, "facilitator@demo.example").await;
    let before = denied_count(&app.audit_actions().await);
    let attest = json!({ "volunteer_name": "Quill Ashdown", "areas": ["engaging-members"] });
    facilitator
        .api(Method::POST, "/api/v1/groups/readiness", &fac_token, Some(attest))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(denied_count(&app.audit_actions().await), before + 1);

    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    let page = supervisor.get("/groups/readiness").await;
    page.assert_status(StatusCode::OK).assert_contains("Quill Ashdown").assert_contains("name=\"areas\"");
    let partly = supervisor
        .post(
            "/groups/readiness",
            &[("who", "volunteer:quill ashdown"), ("areas", "engaging-members"), ("areas", "leading-discussion")],
        )
        .await;
    partly.assert_redirect_to("/groups/readiness");
    let page = director.get(&format!("/groups/{id}")).await;
    page.assert_contains(&html(&en("readiness-area-facilitating-activities")));
    let empty = supervisor.post("/groups/readiness", &[("who", "volunteer:quill ashdown")]).await;
    empty.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains(&html(&en("error-group-readiness-note")));
    let all = [
        ("who", "volunteer:quill ashdown"),
        ("areas", "engaging-members"),
        ("areas", "dynamics-safety"),
        ("areas", "leading-discussion"),
        ("areas", "facilitating-activities"),
        ("note", "Observed two sessions."),
    ];
    supervisor.post("/groups/readiness", &all).await.assert_redirect_to("/groups/readiness");
    let detail = group(&mut director, &token, &id).await;
    let quill = detail["facilitators"].as_array().unwrap().iter().find(|f| f["name"] == "Quill Ashdown").unwrap();
    assert_eq!(quill["ready"], true, "{quill}");
    let readiness = director.api(Method::GET, "/api/v1/groups/readiness", &token, None).await.json();
    let entry = readiness.as_array().unwrap().iter().find(|e| e["name"] == "Quill Ashdown").unwrap();
    assert_eq!(entry["history"].as_array().unwrap().len(), 2);
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "group.readiness.attest"));
}

#[tokio::test]
async fn schedule_mistakes_are_explained_on_the_form_and_in_the_api() {
    let app = TestApp::spawn().await;
    let program = program_id(&app, GROUPS_PROGRAM).await;
    let (mut director, token) = api_user(&app, "director@demo.example").await;
    let g = create_group(&mut director, &token, group_json(program, "Rule Check Group")).await;
    let id = g["id"].as_str().unwrap().to_string();
    let path = format!("/groups/{id}/schedules/new");
    director.get(&path).await.assert_status(StatusCode::OK).assert_contains("name=\"frequency\"");

    let no_days = [("frequency", "weekly"), ("starts_on", "2026-11-18"), ("start_time", "18:00"), ("minutes", "90")];
    let page = director.post(&path, &no_days).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains(&html(&en("error-schedule-weekdays")));
    let too_short = [("frequency", "once"), ("starts_on", "2026-11-18"), ("start_time", "18:00"), ("minutes", "2")];
    director.post(&path, &too_short).await.assert_contains("Enter a length from 5 to 720 minutes");
    let bad_rule = [
        ("frequency", "custom"),
        ("rrule", "FREQ=SOMETIMES"),
        ("starts_on", "2026-11-18"),
        ("start_time", "18:00"),
        ("minutes", "60"),
    ];
    let page = director.post(&path, &bad_rule).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("FREQ=SOMETIMES");
    page.assert_contains(&html(&en("error-summary-title")));

    let mut body = weekly(&["TU"], "18:00");
    body["until"] = json!("2026-12-31");
    body["count"] = json!("4");
    let refused = director.api(Method::POST, &format!("/api/v1/groups/{id}/schedules"), &token, Some(body)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("error-schedule-until-and-count"), "{}", refused.body);

    // A valid rule is described in words and ends on its last session.
    let mut body = weekly(&["TU", "TH"], "18:00");
    body["count"] = json!("4");
    let saved = add_schedule(&mut director, &token, &id, body).await;
    assert_eq!(saved["ends_on"], "2026-12-01");
    assert_eq!(saved["starts_on"], "2026-11-19");
    let page = director.get(&format!("/groups/{id}")).await;
    page.assert_contains("18:00").assert_contains(&html(&en("group-upcoming")));
    let detail = group(&mut director, &token, &id).await;
    assert_eq!(detail["upcoming"].as_array().unwrap().len(), 4);

    // Editing needs the version it was based on.
    let sid = saved["id"].as_str().unwrap();
    let edit = director.get(&format!("/groups/{id}/schedules/{sid}/edit")).await;
    edit.assert_status(StatusCode::OK).assert_contains("value=\"TH\" checked");
    let mut change = weekly(&["WE"], "17:00");
    change["version"] = json!(1);
    let changed =
        director.api(Method::PUT, &format!("/api/v1/groups/{id}/schedules/{sid}"), &token, Some(change.clone())).await;
    changed.assert_status(StatusCode::OK);
    assert_eq!(changed.json()["ends_on"], Value::Null);
    let stale = director.api(Method::PUT, &format!("/api/v1/groups/{id}/schedules/{sid}"), &token, Some(change)).await;
    stale.assert_status(StatusCode::CONFLICT);
    let ended = director
        .api(Method::POST, &format!("/api/v1/groups/{id}/schedules/{sid}/end"), &token, Some(json!({ "version": 2 })))
        .await;
    ended.assert_status(StatusCode::OK);
    assert_eq!(ended.json()["active"], false);
    assert!(group(&mut director, &token, &id).await["upcoming"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn overlapping_rooms_and_facilitators_are_shown_and_need_confirming() {
    let app = TestApp::spawn().await;
    let program = program_id(&app, GROUPS_PROGRAM).await;
    let (mut admin, admin_token) = api_user(&app, "admin@demo.example").await;
    let site = admin
        .api(
            Method::POST,
            "/api/v1/sites",
            &admin_token,
            Some(json!({ "name": "Overlap Test Hall", "setting_type": "community" })),
        )
        .await;
    site.assert_status(StatusCode::CREATED);
    let site = site.json()["id"].as_str().unwrap().to_string();
    let (mut director, token) = api_user(&app, "director@demo.example").await;
    let in_hall = |name: &str| {
        let mut body = group_json(program, name);
        body["site_id"] = json!(site);
        body["room"] = json!("Hall 1");
        body
    };
    let first = create_group(&mut director, &token, in_hall("Early Sunday Circle")).await;
    let second = create_group(&mut director, &token, in_hall("Sunday Sunrise Group")).await;
    let (first, second) = (first["id"].as_str().unwrap().to_string(), second["id"].as_str().unwrap().to_string());
    add_schedule(&mut director, &token, &first, weekly(&["SU"], "05:30")).await;

    // The same room at the same time: 422 on confirm_overlap with the sessions it clashes with.
    let refused = director
        .api(Method::POST, &format!("/api/v1/groups/{second}/schedules"), &token, Some(weekly(&["SU"], "06:00")))
        .await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.json();
    assert!(has_error(&body, "confirm_overlap", "error-group-overlap"), "{}", refused.body);
    let overlaps = body["overlaps"].as_array().unwrap();
    assert!(overlaps.len() >= 50, "a year of Sundays: {}", overlaps.len());
    assert_eq!(overlaps[0]["group_name"], "Early Sunday Circle");
    assert_eq!(overlaps[0]["kind"], "room");
    let mut confirmed = weekly(&["SU"], "06:00");
    confirmed["confirm_overlap"] = json!(true);
    add_schedule(&mut director, &token, &second, confirmed).await;
    // Another room in the same hall is no clash.
    let mut other_room = in_hall("Hall Two Group");
    other_room["room"] = json!("Hall 2");
    let third = create_group(&mut director, &token, other_room).await;
    add_schedule(&mut director, &token, third["id"].as_str().unwrap(), weekly(&["SU"], "05:30")).await;

    // On the form: the clash is listed and "save anyway" has to be ticked.
    let fourth = create_group(&mut director, &token, in_hall("Form Overlap Group")).await;
    let fourth = fourth["id"].as_str().unwrap().to_string();
    let path = format!("/groups/{fourth}/schedules/new");
    director.get(&path).await;
    let fields = [
        ("frequency", "weekly"),
        ("weekdays", "SU"),
        ("starts_on", "2026-11-18"),
        ("start_time", "05:45"),
        ("minutes", "30"),
    ];
    let page = director.post(&path, &fields).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(&html(&en("group-overlap-heading")))
        .assert_contains("Early Sunday Circle")
        .assert_contains("name=\"confirm_overlap\"");
    let mut confirmed: Vec<(&str, &str)> = fields.to_vec();
    confirmed.push(("confirm_overlap", "on"));
    director.post(&path, &confirmed).await.assert_redirect_to(&format!("/groups/{fourth}#schedules"));

    // A staff member facilitating two groups at once, wherever they meet.
    let coach = staff_of(&app, "coach@demo.example").await;
    let online = create_group(&mut director, &token, group_json(program, "Online Dawn Group")).await;
    let online = online["id"].as_str().unwrap().to_string();
    for group_id in [&first, &online] {
        director
            .api(
                Method::POST,
                &format!("/api/v1/groups/{group_id}/facilitators"),
                &token,
                Some(json!({ "staff_id": coach.id, "role": "lead" })),
            )
            .await
            .assert_status(StatusCode::CREATED);
    }
    let refused = director
        .api(Method::POST, &format!("/api/v1/groups/{online}/schedules"), &token, Some(weekly(&["SU"], "05:00")))
        .await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let overlaps = refused.json()["overlaps"].as_array().unwrap().clone();
    let shared = overlaps.iter().find(|o| o["group_name"] == "Early Sunday Circle").expect("the coach's other group");
    assert_eq!(shared["kind"], "facilitator");
    assert_eq!(shared["facilitator"], coach.display_name.as_str());

    // An extra session on top of another group's in the same room is warned about too.
    let extra = json!({ "date": "2026-11-22", "time": "05:30", "minutes": 60 });
    let refused =
        director.api(Method::POST, &format!("/api/v1/groups/{fourth}/sessions"), &token, Some(extra.clone())).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&refused.json(), "confirm_overlap", "error-group-overlap"));
    let mut extra = extra;
    extra["confirm_overlap"] = json!(true);
    director
        .api(Method::POST, &format!("/api/v1/groups/{fourth}/sessions"), &token, Some(extra))
        .await
        .assert_status(StatusCode::CREATED);
}

/// The first few coming sessions of a group, from the API.
async fn upcoming(client: &mut Client, token: &str, id: &str) -> Vec<Value> {
    group(client, token, id).await["upcoming"].as_array().unwrap().clone()
}

fn unix(rfc3339: &str) -> i64 {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339).unwrap().unix_timestamp()
}

#[tokio::test]
async fn sessions_are_cancelled_moved_restored_and_added() {
    let app = TestApp::spawn().await;
    let program = program_id(&app, GROUPS_PROGRAM).await;
    let (mut director, token) = api_user(&app, "director@demo.example").await;
    let g = create_group(&mut director, &token, group_json(program, "Thursday Skills Group")).await;
    let id = g["id"].as_str().unwrap().to_string();
    let schedule = add_schedule(&mut director, &token, &id, weekly(&["TH"], "18:30")).await;
    let sid = schedule["id"].as_str().unwrap().to_string();
    let slots = upcoming(&mut director, &token, &id).await;
    assert_eq!(slots.len(), 8);
    assert!(slots[0]["session_id"].is_null());
    let first_start = unix(slots[0]["occurrence_start"].as_str().unwrap());

    // An occurrence without a stored row is stored when it is first changed.
    let opened = director.get(&format!("/groups/{id}/occurrences/{sid}/{first_start}/change")).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    let change_path = opened.location().to_string();
    assert!(change_path.ends_with("/change"));
    let again = director.get(&format!("/groups/{id}/occurrences/{sid}/{first_start}/change")).await;
    assert_eq!(again.location(), change_path, "the same session each time");
    director
        .get(&format!("/groups/{id}/occurrences/{sid}/{}/change", first_start + 60))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    director.get(&change_path).await.assert_status(StatusCode::OK).assert_contains("name=\"reason\"");

    let no_reason = director.post(&change_path, &[("action", "cancel"), ("version", "1")]).await;
    no_reason.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains(&html(&en("error-group-cancel-reason")));
    let cancelled =
        director.post(&change_path, &[("action", "cancel"), ("version", "1"), ("reason", "Building closed")]).await;
    cancelled.assert_redirect_to(&format!("/groups/{id}#sessions"));
    let slots = upcoming(&mut director, &token, &id).await;
    assert_eq!(slots[0]["status"], "cancelled");
    let session_id = slots[0]["session_id"].as_str().unwrap().to_string();
    director.get(&format!("/groups/{id}")).await.assert_contains(&html(&en("session-status-cancelled")));
    director
        .post(&change_path, &[("action", "restore"), ("version", "2")])
        .await
        .assert_redirect_to(&format!("/groups/{id}#sessions"));
    assert_eq!(upcoming(&mut director, &token, &id).await[0]["status"], "scheduled");
    // A stale change is refused.
    let stale = director
        .api(
            Method::POST,
            &format!("/api/v1/groups/{id}/sessions/{session_id}/change"),
            &token,
            Some(json!({ "version": 1, "action": "cancel", "reason": "Snow" })),
        )
        .await;
    stale.assert_status(StatusCode::CONFLICT);

    // Moving keeps the occurrence it stands for.
    let second = slots[1]["occurrence_start"].as_str().unwrap().to_string();
    let moved = director
        .api(
            Method::POST,
            &format!("/api/v1/groups/{id}/occurrences/{sid}/{}/change", unix(&second)),
            &token,
            Some(json!({ "action": "move", "date": "2026-11-28", "time": "10:00", "minutes": 60, "room": "Room 4" })),
        )
        .await;
    moved.assert_status(StatusCode::OK);
    let moved = moved.json();
    assert_eq!(unix(moved["occurrence_start"].as_str().unwrap()), unix(&second));
    assert_eq!(moved["starts_at"], "2026-11-28T15:00:00Z");
    assert_eq!(moved["room"], "Room 4");
    let slots = upcoming(&mut director, &token, &id).await;
    let moved_slot = slots.iter().find(|s| s["moved"] == true).expect("a moved session");
    assert_eq!(moved_slot["starts_at"], "2026-11-28T15:00:00Z");
    director.get(&format!("/groups/{id}")).await.assert_contains(&html(&en("group-session-moved-tag")));
    let bad_move = director
        .api(
            Method::POST,
            &format!("/api/v1/groups/{id}/sessions/{session_id}/change"),
            &token,
            Some(json!({ "version": 3, "action": "move", "date": "28/11/2026", "time": "", "minutes": 60 })),
        )
        .await;
    bad_move.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad_move.json();
    assert!(has_error(&body, "date", "error-date-format") && has_error(&body, "time", "error-required"));

    // An extra one-off session.
    let path = format!("/groups/{id}/sessions/new");
    director.get(&path).await.assert_status(StatusCode::OK);
    let added = director
        .post(&path, &[("date", "2026-12-05"), ("time", "11:00"), ("minutes", "45"), ("topic", "Make-up session")])
        .await;
    added.assert_redirect_to(&format!("/groups/{id}#sessions"));
    let slots = upcoming(&mut director, &token, &id).await;
    let extra = slots.iter().find(|s| s["schedule_id"].is_null()).expect("the extra session");
    assert_eq!(extra["starts_at"], "2026-12-05T16:00:00Z");
    let actions = app.audit_actions().await;
    for action in ["group.session.cancel", "group.session.restore", "group.session.move", "group.session.extra"] {
        assert!(actions.iter().any(|(a, _)| a == action), "{action}");
    }

    // Only those who run the group change its sessions.
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&change_path).await.assert_status(StatusCode::FORBIDDEN);
    coach.get(&path).await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_session_with_attendance_cannot_be_cancelled() {
    let app = TestApp::spawn().await;
    let program = program_id(&app, GROUPS_PROGRAM).await;
    let (mut director, token) = api_user(&app, "director@demo.example").await;
    let g = create_group(&mut director, &token, group_json(program, "Attended Group")).await;
    let id = g["id"].as_str().unwrap().to_string();
    let schedule = add_schedule(&mut director, &token, &id, weekly(&["MO"], "12:00")).await;
    let sid = schedule["id"].as_str().unwrap().to_string();
    let start = unix(upcoming(&mut director, &token, &id).await[0]["occurrence_start"].as_str().unwrap());
    let opened = director.get(&format!("/groups/{id}/occurrences/{sid}/{start}/change")).await;
    let session_id: Uuid = opened.location().split('/').nth(4).unwrap().parse().unwrap();

    let director_id = staff_of(&app, "director@demo.example").await.id;
    let person = app.person_of("coach@demo.example").await;
    group_attendance::Entity::insert(group_attendance::ActiveModel {
        org_id: Set(org_id(&app).await),
        session_id: Set(session_id),
        person_id: Set(person),
        group_id: Set(id.parse().unwrap()),
        status: Set("present".into()),
        drop_in: Set(true),
        leadership: Set(None),
        contact_id: Set(None),
        recorded_by: Set(director_id),
        recorded_at: Set(app.now()),
        version: Set(1),
    })
    .exec_without_returning(app.db.conn())
    .await
    .unwrap();

    let refused = director
        .api(
            Method::POST,
            &format!("/api/v1/groups/{id}/sessions/{session_id}/change"),
            &token,
            Some(json!({ "version": 1, "action": "cancel", "reason": "Facilitator ill" })),
        )
        .await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&refused.json(), "action", "error-group-cancel-after-attendance"), "{}", refused.body);
    let page = director.get(&format!("/groups/{id}/sessions/{session_id}/change")).await;
    page.assert_contains(&html(&en("error-group-cancel-after-attendance"))).assert_lacks("value=\"cancel\"");

    // A head count of people who gave no name (or a log, or check-out answers) is a held session too.
    let next = unix(upcoming(&mut director, &token, &id).await[1]["occurrence_start"].as_str().unwrap());
    let opened = director.get(&format!("/groups/{id}/occurrences/{sid}/{next}/change")).await;
    let counted: Uuid = opened.location().split('/').nth(4).unwrap().parse().unwrap();
    group_session::Entity::update_many()
        .col_expr(group_session::Column::AnonymousCount, sea_orm::sea_query::Expr::value(4))
        .filter(group_session::Column::Id.eq(counted))
        .exec(app.db.conn())
        .await
        .unwrap();
    let refused = director
        .api(
            Method::POST,
            &format!("/api/v1/groups/{id}/sessions/{counted}/change"),
            &token,
            Some(json!({ "version": 1, "action": "cancel", "reason": "Facilitator ill" })),
        )
        .await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&refused.json(), "action", "error-group-cancel-after-attendance"), "{}", refused.body);
}

async fn add_members(app: &TestApp, group_id: Uuid, count: u64) -> Vec<Uuid> {
    let org = org_id(app).await;
    let director = staff_of(app, "director@demo.example").await.id;
    let people: Vec<Uuid> = person::Entity::find()
        .filter(person::Column::OrgId.eq(org))
        .select_only()
        .column(person::Column::Id)
        .limit(count)
        .into_tuple()
        .all(app.db.conn())
        .await
        .unwrap();
    let mut ids = Vec::new();
    for person_id in people {
        let id = Uuid::new_v4();
        group_member::Entity::insert(group_member::ActiveModel {
            id: Set(id),
            org_id: Set(org),
            group_id: Set(group_id),
            person_id: Set(person_id),
            status: Set("active".into()),
            joined_on: Set(time::macros::date!(2026 - 11 - 01)),
            left_on: Set(None),
            availability: Set(None),
            added_by: Set(director),
            version: Set(1),
            created_at: Set(app.now()),
            updated_at: Set(app.now()),
        })
        .exec_without_returning(app.db.conn())
        .await
        .unwrap();
        ids.push(id);
    }
    ids
}

#[tokio::test]
async fn members_availability_gives_the_best_slots_and_stays_with_the_roster() {
    let app = TestApp::spawn().await;
    let program = program_id(&app, GROUPS_PROGRAM).await;
    let (mut director, token) = api_user(&app, "director@demo.example").await;
    let g = create_group(&mut director, &token, group_json(program, "Availability Group")).await;
    let id = g["id"].as_str().unwrap().to_string();
    add_schedule(&mut director, &token, &id, weekly(&["WE"], "18:00")).await;
    let members = add_members(&app, id.parse().unwrap(), 3).await;

    let put = |slots: Value| json!({ "version": 1, "availability": slots });
    for (member, slots) in [(members[0], json!(["WE-evening", "SA-morning"])), (members[1], json!(["WE-evening"]))] {
        let saved = director
            .api(Method::PUT, &format!("/api/v1/groups/{id}/members/{member}/availability"), &token, Some(put(slots)))
            .await;
        saved.assert_status(StatusCode::OK);
    }
    let bad = director
        .api(
            Method::PUT,
            &format!("/api/v1/groups/{id}/members/{}/availability", members[2]),
            &token,
            Some(put(json!(["Someday-noon"]))),
        )
        .await;
    assert!(has_error(&bad.json(), "availability", "error-group-availability"));
    let summary = director.api(Method::GET, &format!("/api/v1/groups/{id}/availability"), &token, None).await.json();
    assert_eq!(summary["members"], 3);
    assert_eq!(summary["answered"], 2);
    assert_eq!(summary["best"][0], json!({ "slot": "WE-evening", "free": 2 }));
    assert_eq!(summary["schedules"][0]["slots"], json!(["WE-evening"]));
    assert_eq!(summary["schedules"][0]["free"], 2);

    // The pages: the grid for one member, then the counts.
    let member_path = format!("/groups/{id}/members/{}/availability", members[2]);
    director.get(&member_path).await.assert_status(StatusCode::OK).assert_contains("value=\"TU-afternoon\"");
    let saved = director.post(&member_path, &[("version", "1"), ("availability", "TU-afternoon")]).await;
    saved.assert_redirect_to(&format!("/groups/{id}/availability"));
    let page = director.get(&format!("/groups/{id}/availability")).await;
    page.assert_status(StatusCode::OK).assert_contains("Wednesday evening").assert_contains("3 of 3 members");
    let stale = director.post(&member_path, &[("version", "1"), ("availability", "MO-morning")]).await;
    assert_eq!(stale.status, StatusCode::SEE_OTHER);
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "group.member.availability"));

    // A coach outside the group, and an administrator (who manages groups but not rosters), see
    // no one's availability; each refusal is recorded.
    let before = denied_count(&app.audit_actions().await);
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/groups/{id}/availability")).await.assert_status(StatusCode::FORBIDDEN);
    coach.get(&member_path).await.assert_status(StatusCode::FORBIDDEN);
    let page = coach.get(&format!("/groups/{id}")).await;
    page.assert_status(StatusCode::OK)
        .assert_lacks(&html(&en("group-calendar-address")))
        .assert_lacks("/availability\"");
    let (mut admin, admin_token) = api_user(&app, "admin@demo.example").await;
    admin.get(&format!("/groups/{id}/edit")).await.assert_status(StatusCode::OK);
    admin.get(&format!("/groups/{id}/availability")).await.assert_status(StatusCode::FORBIDDEN);
    admin
        .api(Method::GET, &format!("/api/v1/groups/{id}/availability"), &admin_token, None)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let detail = group(&mut admin, &admin_token, &id).await;
    assert!(detail["member_count"].is_null() && detail["feed_path"].is_null());
    assert_eq!(detail["can_manage"], true);
    assert_eq!(denied_count(&app.audit_actions().await), before + 4);
    assert_eq!(group(&mut director, &token, &id).await["member_count"], 3);

    // The quality lead reads the roster for evidence but records nothing in it.
    let (mut quality, quality_token) = api_user(&app, "quality@demo.example").await;
    let page = quality.get(&member_path).await;
    page.assert_status(StatusCode::OK)
        .assert_contains(" disabled>")
        .assert_lacks("<button type=\"submit\">Save</button>");
    let saved = quality.post(&member_path, &[("version", "2"), ("availability", "FR-morning")]).await;
    saved.assert_status(StatusCode::FORBIDDEN);
    let body = json!({ "version": 2, "availability": ["FR-morning"] });
    let api_path = format!("/api/v1/groups/{id}/members/{}/availability", members[2]);
    quality.api(Method::PUT, &api_path, &quality_token, Some(body)).await.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(denied_count(&app.audit_actions().await), before + 6);
}

/// The VEVENTs of a feed, parsed back with the icalendar crate.
fn events(feed: &str) -> Vec<icalendar::parser::Component<'static>> {
    let unfolded = icalendar::parser::unfold(feed);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("a valid calendar");
    calendar
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .map(|c| icalendar::parser::Component {
            name: c.name.to_owned(),
            properties: c
                .properties
                .iter()
                .map(|p| icalendar::parser::Property {
                    name: p.name.to_owned(),
                    val: p.val.to_owned(),
                    params: Vec::new(),
                })
                .collect(),
            components: Vec::new(),
        })
        .collect()
}

fn prop(event: &icalendar::parser::Component<'_>, name: &str) -> Option<String> {
    event.find_prop(name).map(|p| p.val.as_str().to_string())
}

fn calendar_body(response: &Response) -> String {
    response.assert_status(StatusCode::OK);
    let kind = response.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert_eq!(kind, "text/calendar; charset=utf-8");
    response.body.clone()
}

#[tokio::test]
async fn the_public_page_and_feeds_show_open_groups_without_personal_data() {
    let app = TestApp::spawn().await;
    let org = org_id(&app).await;
    let program = program_id(&app, GROUPS_PROGRAM).await;
    let (site_id, site_name) = demo_site(&app).await;
    let (mut director, token) = api_user(&app, "director@demo.example").await;
    let mut open = group_json(program, "Harbour Open Circle");
    open["listed_publicly"] = json!(true);
    open["site_id"] = json!(site_id);
    open["room"] = json!("Quiet Wing 3");
    open["online_link"] = json!("https://meet.example.org/secret-circle-link");
    open["description"] = json!("Come as you are; tea from six.");
    let open = create_group(&mut director, &token, open).await;
    let open_id = open["id"].as_str().unwrap().to_string();
    let mut closed = group_json(program, "Closed Cohort Nine");
    closed["listed_publicly"] = json!(true);
    closed["membership"] = json!("closed");
    create_group(&mut director, &token, closed).await;
    create_group(&mut director, &token, group_json(program, "Unlisted Open Group")).await;
    director
        .api(
            Method::POST,
            &format!("/api/v1/groups/{open_id}/facilitators"),
            &token,
            Some(json!({ "volunteer_name": "Zed Volunteerson", "role": "lead" })),
        )
        .await
        .assert_status(StatusCode::CREATED);
    let schedule = add_schedule(&mut director, &token, &open_id, weekly(&["WE"], "19:00")).await;
    let sid = schedule["id"].as_str().unwrap().to_string();
    let slots = upcoming(&mut director, &token, &open_id).await;
    let (first, second) =
        (slots[0]["occurrence_start"].as_str().unwrap(), slots[1]["occurrence_start"].as_str().unwrap());
    director
        .api(
            Method::POST,
            &format!("/api/v1/groups/{open_id}/occurrences/{sid}/{}/change", unix(first)),
            &token,
            Some(json!({ "action": "cancel", "reason": "Holiday" })),
        )
        .await
        .assert_status(StatusCode::OK);
    director
        .api(
            Method::POST,
            &format!("/api/v1/groups/{open_id}/occurrences/{sid}/{}/change", unix(second)),
            &token,
            Some(json!({ "action": "move", "date": "2026-12-03", "time": "19:00", "minutes": 90 })),
        )
        .await
        .assert_status(StatusCode::OK);
    let extra = director
        .api(
            Method::POST,
            &format!("/api/v1/groups/{open_id}/sessions"),
            &token,
            Some(json!({ "date": "2026-12-12", "time": "10:00", "minutes": 60, "confirm_overlap": true })),
        )
        .await;
    extra.assert_status(StatusCode::CREATED);
    let extra_id = extra.json()["id"].as_str().unwrap().to_string();
    let members = add_members(&app, open_id.parse().unwrap(), 1).await;
    let member = group_member::Entity::find_by_id(members[0]).one(app.db.conn()).await.unwrap().unwrap();
    let member = person::Entity::find_by_id(member.person_id).one(app.db.conn()).await.unwrap().unwrap();
    let member_name = format!("{} {}", member.legal_given_name, member.legal_family_name);

    // No sign-in: the page lists open, listed, active groups only, and nothing about people.
    let mut visitor = app.client();
    let page = visitor.get(&format!("/groups/open/{org}")).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Harbour Open Circle")
        .assert_contains(&html("Come as you are; tea from six."))
        .assert_contains(&html(&site_name))
        .assert_contains(&format!("/calendar/{org}/open-groups.ics"))
        .assert_contains(&format!("/self-referral/{org}"))
        .assert_lacks("Closed Cohort Nine")
        .assert_lacks("Unlisted Open Group")
        .assert_lacks("Quiet Wing 3")
        .assert_lacks("secret-circle-link")
        .assert_lacks("Zed Volunteerson")
        .assert_lacks(&member_name)
        .assert_lacks("Sign out");
    visitor.get(&format!("/groups/open/{}", Uuid::new_v4())).await.assert_status(StatusCode::NOT_FOUND);
    let script = visitor.get("/groups/groups.js").await;
    script.assert_status(StatusCode::OK).assert_contains("data-copy");

    // The public feed: cancelled sessions as EXDATE, moved ones with RECURRENCE-ID, no link or room.
    let public = calendar_body(&visitor.get(&format!("/calendar/{org}/open-groups.ics")).await);
    let unfolded = icalendar::parser::unfold(&public);
    assert!(!unfolded.contains("secret-circle-link") && !unfolded.contains("Quiet Wing 3"));
    assert!(!unfolded.contains("Closed Cohort Nine") && !unfolded.contains("Unlisted Open Group"));
    let found = events(&public);
    let uid = format!("{sid}@mainstay");
    let series: Vec<_> = found.iter().filter(|e| prop(e, "UID").as_deref() == Some(uid.as_str())).collect();
    assert_eq!(series.len(), 2, "the series and its moved session");
    let main = series.iter().find(|e| e.find_prop("RRULE").is_some()).expect("the repeating event");
    assert_eq!(prop(main, "EXDATE").as_deref(), Some("20261118T190000"));
    assert!(prop(main, "SUMMARY").unwrap().contains("Harbour Open Circle"));
    let moved = series.iter().find(|e| e.find_prop("RECURRENCE-ID").is_some()).expect("the moved session");
    assert_eq!(prop(moved, "RECURRENCE-ID").as_deref(), Some("20261125T190000"));
    assert_eq!(prop(moved, "DTSTART").as_deref(), Some("20261203T190000"));
    let one_off = format!("{extra_id}@mainstay");
    assert!(found.iter().any(|e| prop(e, "UID").as_deref() == Some(one_off.as_str())), "the extra session");

    // The group's own feed, at its secret address, carries the link and the room.
    let detail = group(&mut director, &token, &open_id).await;
    let feed_path = detail["feed_path"].as_str().unwrap().to_string();
    director.get(&format!("/groups/{open_id}")).await.assert_contains(&feed_path).assert_contains("webcal://");
    let private = calendar_body(&visitor.get(&feed_path).await);
    let unfolded = icalendar::parser::unfold(&private);
    assert!(unfolded.contains("https://meet.example.org/secret-circle-link"));
    assert!(unfolded.contains("Quiet Wing 3"));
    assert!(events(&private).iter().any(|e| e.find_prop("RECURRENCE-ID").is_some()));
    let wrong = format!("/calendar/{org}/groups/{}.ics", "A".repeat(32));
    visitor.get(&wrong).await.assert_status(StatusCode::NOT_FOUND);
    visitor.get(&format!("/calendar/{org}/groups/not-a-token.ics")).await.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_api_lists_filters_and_updates_groups() {
    let app = TestApp::spawn().await;
    let program = program_id(&app, GROUPS_PROGRAM).await;
    let other_program = program_id(&app, "Family Recovery Support").await;
    let (mut director, token) = api_user(&app, "director@demo.example").await;
    let a = create_group(&mut director, &token, group_json(program, "API Alpha Group")).await;
    let mut paused = group_json(other_program, "API Beta Group");
    paused["status"] = json!("paused");
    create_group(&mut director, &token, paused).await;

    let list = director.api(Method::GET, &format!("/api/v1/groups?program_id={other_program}"), &token, None).await;
    let names: Vec<String> =
        list.json().as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap().to_string()).collect();
    assert!(names.contains(&"API Beta Group".to_string()) && !names.contains(&"API Alpha Group".to_string()));
    let paused = director.api(Method::GET, "/api/v1/groups?status=paused", &token, None).await.json();
    assert!(paused.as_array().unwrap().iter().all(|g| g["status"] == "paused"));
    let web = director.get(&format!("/groups?program_id={other_program}")).await;
    web.assert_contains("API Beta Group").assert_lacks("API Alpha Group");

    let id = a["id"].as_str().unwrap();
    let mut update = group_json(program, "API Alpha Group (renamed)");
    update["version"] = json!(1);
    update["capacity"] = json!("20");
    let updated = director.api(Method::PUT, &format!("/api/v1/groups/{id}"), &token, Some(update.clone())).await;
    updated.assert_status(StatusCode::OK);
    assert_eq!(updated.json()["capacity"], 20);
    assert_eq!(updated.json()["version"], 2);
    director
        .api(Method::PUT, &format!("/api/v1/groups/{id}"), &token, Some(update))
        .await
        .assert_status(StatusCode::CONFLICT);
    let missing = director
        .api(Method::PUT, &format!("/api/v1/groups/{id}"), &token, Some(group_json(program, "No version")))
        .await;
    assert!(has_error(&missing.json(), "version", "error-required"));

    // A group keeps the curriculum version it started with until moved to the current one.
    let curriculum = Uuid::new_v4();
    let director_id = staff_of(&app, "director@demo.example").await.id;
    curriculum::Entity::insert(curriculum::ActiveModel {
        id: Set(curriculum),
        org_id: Set(org_id(&app).await),
        title: Set("Skills for Recovery".into()),
        status: Set("active".into()),
        current_version: Set(1),
        created_by: Set(director_id),
        updated_by: Set(director_id),
        version: Set(1),
        created_at: Set(app.now()),
        updated_at: Set(app.now()),
    })
    .exec_without_returning(app.db.conn())
    .await
    .unwrap();
    let mut following = group_json(program, "API Alpha Group (renamed)");
    following["curriculum_id"] = json!(curriculum);
    following["version"] = json!(2);
    let saved = director.api(Method::PUT, &format!("/api/v1/groups/{id}"), &token, Some(following.clone())).await;
    assert_eq!(saved.json()["curriculum_version"], 1, "{}", saved.body);
    curriculum::Entity::update_many()
        .col_expr(curriculum::Column::CurrentVersion, sea_orm::sea_query::Expr::value(2))
        .filter(curriculum::Column::Id.eq(curriculum))
        .exec(app.db.conn())
        .await
        .unwrap();
    following["version"] = json!(3);
    let kept = director.api(Method::PUT, &format!("/api/v1/groups/{id}"), &token, Some(following.clone())).await;
    assert_eq!(kept.json()["curriculum_version"], 1);
    director.get(&format!("/groups/{id}/edit")).await.assert_contains("name=\"use_current_version\"");
    following["version"] = json!(4);
    following["use_current_version"] = json!(true);
    let moved = director.api(Method::PUT, &format!("/api/v1/groups/{id}"), &token, Some(following)).await;
    assert_eq!(moved.json()["curriculum_version"], 2);

    // A coach may read but not change or start groups.
    let (mut coach, coach_token) = api_user(&app, "coach@demo.example").await;
    coach.api(Method::GET, &format!("/api/v1/groups/{id}"), &coach_token, None).await.assert_status(StatusCode::OK);
    let mut body = group_json(program, "Coach Group");
    body["version"] = json!(5);
    coach
        .api(Method::PUT, &format!("/api/v1/groups/{id}"), &coach_token, Some(body.clone()))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    coach.api(Method::POST, "/api/v1/groups", &coach_token, Some(body)).await.assert_status(StatusCode::FORBIDDEN);
    let spec = director.api(Method::GET, "/api/v1/openapi.json", &token, None).await.json();
    assert!(spec["paths"]["/api/v1/groups/{id}/schedules"]["post"]["tags"][0] == "groups");
}

#[tokio::test]
async fn absurd_versions_starts_and_dates_are_refused_without_a_crash() {
    let app = TestApp::spawn().await;
    let program = program_id(&app, GROUPS_PROGRAM).await;
    let (mut director, token) = api_user(&app, "director@demo.example").await;
    let g = create_group(&mut director, &token, group_json(program, "Edge Case Group")).await;
    let id = g["id"].as_str().unwrap().to_string();
    let schedule = add_schedule(&mut director, &token, &id, weekly(&["FR"], "10:00")).await;
    let sid = schedule["id"].as_str().unwrap().to_string();

    // A version nobody saved is a conflict, even the largest number there is.
    let mut update = group_json(program, "Edge Case Group");
    update["version"] = json!(i32::MAX);
    let stale = director.api(Method::PUT, &format!("/api/v1/groups/{id}"), &token, Some(update)).await;
    stale.assert_status(StatusCode::CONFLICT);
    let mut rule = weekly(&["FR"], "11:00");
    rule["version"] = json!(i32::MAX);
    let path = format!("/api/v1/groups/{id}/schedules/{sid}");
    director.api(Method::PUT, &path, &token, Some(rule)).await.assert_status(StatusCode::CONFLICT);
    let end = json!({ "version": i32::MAX });
    director.api(Method::POST, &format!("{path}/end"), &token, Some(end)).await.assert_status(StatusCode::CONFLICT);
    let first = unix(upcoming(&mut director, &token, &id).await[0]["occurrence_start"].as_str().unwrap());
    let change = json!({ "version": i32::MAX, "action": "cancel", "reason": "Snow" });
    let opened = director.get(&format!("/groups/{id}/occurrences/{sid}/{first}/change")).await;
    let session_id = opened.location().split('/').nth(4).unwrap().to_string();
    let session_path = format!("/api/v1/groups/{id}/sessions/{session_id}/change");
    director.api(Method::POST, &session_path, &token, Some(change)).await.assert_status(StatusCode::CONFLICT);

    // The last second the calendar library can hold, and the year 9999, are not sessions.
    for start in [253_402_207_200_i64, 253_402_300_799, -62_135_596_800] {
        director.get(&format!("/groups/{id}/occurrences/{sid}/{start}")).await.assert_status(StatusCode::NOT_FOUND);
        director
            .get(&format!("/groups/{id}/occurrences/{sid}/{start}/change"))
            .await
            .assert_status(StatusCode::NOT_FOUND);
        let opened =
            director.api(Method::POST, &format!("/api/v1/groups/{id}/occurrences/{sid}/{start}"), &token, None).await;
        opened.assert_status(StatusCode::NOT_FOUND);
    }

    // Moved or extra sessions far in the future are explained, like a schedule's dates.
    let extra = json!({ "date": "9999-12-30", "time": "10:00", "minutes": 720 });
    let refused = director.api(Method::POST, &format!("/api/v1/groups/{id}/sessions"), &token, Some(extra)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&refused.json(), "date", "error-schedule-year"), "{}", refused.body);
    let far = json!({ "version": 1, "action": "move", "date": "9999-12-31", "time": "23:59", "minutes": 720 });
    let moved = director.api(Method::POST, &session_path, &token, Some(far)).await;
    moved.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&moved.json(), "date", "error-schedule-year"), "{}", moved.body);
}

#[tokio::test]
async fn administrators_set_groups_up_without_seeing_who_attends_or_the_link() {
    let app = TestApp::spawn().await;
    let program = program_id(&app, GROUPS_PROGRAM).await;
    let (mut admin, token) = api_user(&app, "admin@demo.example").await;
    let g = create_group(&mut admin, &token, group_json(program, "Admin Set Up Group")).await;
    let id = g["id"].as_str().unwrap().to_string();
    assert_eq!(g["online_link"], "https://meet.example.org/test-group", "who manages the group sees its link");
    assert!(g["feed_path"].is_null(), "but not the members' feed");

    // Naming themselves a facilitator would open the roster: refused and recorded.
    let admin_id = staff_of(&app, "admin@demo.example").await.id;
    let path = format!("/api/v1/groups/{id}/facilitators");
    let before = denied_count(&app.audit_actions().await);
    let myself = json!({ "staff_id": admin_id, "role": "lead" });
    admin.api(Method::POST, &path, &token, Some(myself)).await.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(denied_count(&app.audit_actions().await), before + 1);
    admin
        .api(Method::GET, &format!("/api/v1/groups/{id}/availability"), &token, None)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    // Someone who leads groups may be named.
    let facilitator_id = staff_of(&app, "facilitator@demo.example").await.id;
    let lead = json!({ "staff_id": facilitator_id, "role": "lead" });
    admin.api(Method::POST, &path, &token, Some(lead)).await.assert_status(StatusCode::CREATED);

    // Staff who neither run nor set up the group learn only that it meets online.
    let (mut coach, coach_token) = api_user(&app, "coach@demo.example").await;
    let seen = coach.api(Method::GET, &format!("/api/v1/groups/{id}"), &coach_token, None).await.json();
    assert!(seen["online_link"].is_null() && seen["feed_path"].is_null(), "{seen}");
    let listed = coach.api(Method::GET, "/api/v1/groups", &coach_token, None).await.json();
    let row = listed.as_array().unwrap().iter().find(|r| r["id"] == id.as_str()).unwrap().clone();
    assert!(row["online_link"].is_null());
    let (mut facilitator, facilitator_token) = api_user(&app, "facilitator@demo.example").await;
    let runs = facilitator.api(Method::GET, &format!("/api/v1/groups/{id}"), &facilitator_token, None).await.json();
    assert_eq!(runs["online_link"], "https://meet.example.org/test-group");
    assert!(runs["feed_path"].is_string());
}

async fn stored_sessions(app: &TestApp, group: &str) -> Vec<group_session::Model> {
    let mut rows = group_session::Entity::find()
        .filter(group_session::Column::GroupId.eq(Uuid::parse_str(group).unwrap()))
        .all(app.db.conn())
        .await
        .unwrap();
    rows.sort_by_key(|s| s.starts_at);
    rows
}

#[tokio::test]
async fn a_schedule_edit_keeps_moved_and_held_sessions_and_takes_the_others_along() {
    let app = TestApp::spawn().await;
    let program = program_id(&app, GROUPS_PROGRAM).await;
    let (mut director, token) = api_user(&app, "director@demo.example").await;
    let g = create_group(&mut director, &token, group_json(program, "Rescheduled Group")).await;
    let id = g["id"].as_str().unwrap().to_string();
    let schedule = add_schedule(&mut director, &token, &id, weekly(&["TH"], "18:30")).await;
    let sid = schedule["id"].as_str().unwrap().to_string();
    let slots = upcoming(&mut director, &token, &id).await;
    let start = |n: usize| unix(slots[n]["occurrence_start"].as_str().unwrap());
    let occurrence = |n: usize| format!("/api/v1/groups/{id}/occurrences/{sid}/{}/change", start(n));

    // Thursdays 19 Nov (opened, nothing done), 26 Nov (cancelled), 3 Dec (moved to the Friday)
    // and 10 Dec (opened, nothing done).
    for n in [0, 3] {
        let opened = director.get(&format!("/groups/{id}/occurrences/{sid}/{}/change", start(n))).await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER);
    }
    let cancel = json!({ "action": "cancel", "reason": "Holiday" });
    director.api(Method::POST, &occurrence(1), &token, Some(cancel)).await.assert_status(StatusCode::OK);
    let to_friday = json!({ "action": "move", "date": "2026-12-04", "time": "18:30", "minutes": 90 });
    director.api(Method::POST, &occurrence(2), &token, Some(to_friday)).await.assert_status(StatusCode::OK);
    assert_eq!(stored_sessions(&app, &id).await.len(), 4);

    // Shorter sessions: those as planned take the new length; the moved one keeps its own.
    let mut shorter = weekly(&["TH"], "18:30");
    shorter["minutes"] = json!("60");
    shorter["version"] = json!(1);
    let path = format!("/api/v1/groups/{id}/schedules/{sid}");
    director.api(Method::PUT, &path, &token, Some(shorter)).await.assert_status(StatusCode::OK);
    let lengths: Vec<i64> =
        stored_sessions(&app, &id).await.iter().map(|s| (s.ends_at - s.starts_at).whole_minutes()).collect();
    assert_eq!(lengths, [60, 60, 90, 60]);

    // Another weekday: what was only planned goes (the cancelled Thursday too); the session moved
    // on purpose stays, as a one-off.
    let mut fridays = weekly(&["FR"], "18:30");
    fridays["minutes"] = json!("60");
    fridays["version"] = json!(2);
    let saved = director.api(Method::PUT, &path, &token, Some(fridays)).await;
    saved.assert_status(StatusCode::OK);
    let left = stored_sessions(&app, &id).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].starts_at, time::macros::datetime!(2026-12-04 23:30 UTC));
    assert_eq!((left[0].schedule_id, left[0].occurrence_start), (None, None));
    let slots = upcoming(&mut director, &token, &id).await;
    assert!(slots.iter().any(|s| s["session_id"] == left[0].id.to_string().as_str()), "still listed: {slots:?}");

    // An ended schedule stays ended: changing it would fill the weeks since with sessions that
    // were neither held nor cancelled.
    let ended = director.api(Method::POST, &format!("{path}/end"), &token, Some(json!({ "version": 3 }))).await;
    ended.assert_status(StatusCode::OK);
    let mut revived = weekly(&["FR"], "18:30");
    revived["version"] = json!(4);
    let refused = director.api(Method::PUT, &path, &token, Some(revived)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&refused.json(), "frequency", "error-group-schedule-ended"), "{}", refused.body);
}

#[tokio::test]
async fn public_pages_carry_their_own_organisations_crisis_line() {
    let app = TestApp::spawn().await;
    let demo = org_id(&app).await;
    // Another organisation on the same server, listed first, in another country.
    let now = app.now();
    mainstay::db::entities::organisation::Entity::insert(mainstay::db::entities::organisation::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set("AAA Other Organisation".into()),
        country: Set("CA".into()),
        time_zone: Set("America/Toronto".into()),
        default_language: Set("en".into()),
        edition: Set("ca-cse-2020".into()),
        require_totp: Set(false),
        emergency_number: Set("911".into()),
        crisis_procedure: Set("Call.".into()),
        local_crisis_contacts: Set(None),
        next_record_number: Set(1),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(app.db.conn())
    .await
    .unwrap();
    let mut visitor = app.client();
    let page = visitor.get(&format!("/groups/open/{demo}")).await;
    page.assert_status(StatusCode::OK).assert_contains("· 988</a>").assert_lacks("9-8-8");
}
