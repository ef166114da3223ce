//! Opportunities, peer-support aims and the welcoming environment (CSE 7.01, 7.03 / CA-CSE 7.01, 7.02, 7.04),
//! through the pages and the API. The harness's clock starts on 2026-11-18.

use crate::helpers::{Client, MULTIPART_BOUNDARY, Response, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use mainstay::db::entities::{coaching_contact, group_facilitator, opportunity, site, welcome_photo};
use mainstay::domain::community::{Period, WelcomeItem};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use time::macros::date;
use tower::ServiceExt;
use uuid::Uuid;

const COACH: &str = "coach@demo.example";
const DIRECTOR: &str = "director@demo.example";
const QUALITY: &str = "quality@demo.example";

fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {name} in page")) + marker.len();
    html[at..].split('"').next().expect("value").to_string()
}

fn has_error(body: &Value, field: &str, code: &str) -> bool {
    body["errors"]
        .as_array()
        .is_some_and(|errors| errors.iter().any(|e| e["field"].as_str() == Some(field) && e["code"] == code))
}

async fn staff_id(app: &TestApp, email: &str) -> Uuid {
    mainstay::db::staff::by_email(&app.db, email).await.unwrap().expect("demo account").id
}

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("community").await;
    (client, token)
}

async fn opportunities_of(app: &TestApp, person: Uuid) -> Vec<opportunity::Model> {
    opportunity::Entity::find()
        .filter(opportunity::Column::PersonId.eq(person))
        .order_by_desc(opportunity::Column::CreatedAt)
        .all(app.db.conn())
        .await
        .unwrap()
}

async fn audited(app: &TestApp, action: &str) -> usize {
    app.audit_actions().await.iter().filter(|(a, o)| a == action && o == "success").count()
}

// ---------- opportunities ----------

#[tokio::test]
async fn a_coach_records_an_opportunity_and_moves_it_from_offered_to_completed() {
    let app = TestApp::spawn().await;
    let person = app.person_of(COACH).await;
    let before = opportunities_of(&app, person).await.len();
    let mut coach = app.signed_in(COACH).await;
    let path = format!("/people/{person}/opportunities");
    coach.get(&path).await.assert_status(StatusCode::OK).assert_contains("Record an opportunity");

    // Taking part needs the day it started, and that day cannot be in the future.
    let page = coach
        .post(&path, &[("kind", "volunteering"), ("status", "taken"), ("title", "Welcome desk at the café")])
        .await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Enter the day the person started");
    assert!(page.body.contains("Welcome desk at the café"), "what was typed is kept");
    coach
        .post(
            &path,
            &[("kind", "volunteering"), ("status", "taken"), ("title", "Welcome desk"), ("taken_on", "2026-12-01")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("cannot be after today");
    coach
        .post(&path, &[("kind", "skydiving"), ("status", "offered"), ("title", "Jump"), ("hours", "30")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Choose one of the options shown")
        .assert_contains("Enter hours from 0 to 24");
    assert_eq!(opportunities_of(&app, person).await.len(), before, "nothing saved from a form with mistakes");

    coach
        .post(
            &path,
            &[
                ("kind", "skills-workshop"),
                ("status", "offered"),
                ("title", "Budgeting workshop <b>4 weeks</b>"),
                ("offered_on", "2026-11-02"),
                ("aims", "self-efficacy"),
                ("aims", "personal-growth"),
            ],
        )
        .await
        .assert_redirect_to(&path);
    let saved = opportunities_of(&app, person).await;
    assert_eq!(saved.len(), before + 1);
    let o = saved[0].clone();
    assert_eq!((o.kind.as_str(), o.status.as_str(), o.version), ("skills-workshop", "offered", 1));
    assert!(o.program_id.is_some(), "counted under the person's program");
    let page = coach.get(&path).await;
    page.assert_contains("Budgeting workshop &#60;b&#62;4 weeks").assert_lacks("<b>4 weeks</b>");
    page.assert_contains("Personal growth, Self-efficacy");

    // Taken on a day, then completed with hours.
    let status_path = format!("/people/{person}/opportunities/{}/status", o.id);
    coach
        .post(&status_path, &[("version", "1"), ("status", "taken"), ("on", "2026-11-09")])
        .await
        .assert_redirect_to(&format!("/people/{person}/opportunities#opportunity-{}", o.id));
    coach
        .post(&status_path, &[("version", "2"), ("status", "completed"), ("on", "2026-11-05"), ("hours", "6")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("on or after the day it started");
    coach
        .post(&status_path, &[("version", "2"), ("status", "completed"), ("on", "2026-11-16"), ("hours", "6")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let done = opportunities_of(&app, person).await[0].clone();
    assert_eq!(done.status, "completed");
    assert_eq!((done.taken_on, done.completed_on), (Some(date!(2026 - 11 - 09)), Some(date!(2026 - 11 - 16))));
    assert_eq!((done.hours, done.version), (Some(6.0), 3));

    // A stale version is refused, not silently applied.
    coach.post(&status_path, &[("version", "2"), ("status", "declined")]).await.assert_status(StatusCode::CONFLICT);
    let edit = format!("/people/{person}/opportunities/{}", o.id);
    let conflict = coach
        .post(
            &edit,
            &[
                ("version", "1"),
                ("kind", "skills-workshop"),
                ("status", "completed"),
                ("title", "Renamed"),
                ("completed_on", "2026-11-16"),
            ],
        )
        .await;
    conflict.assert_status(StatusCode::CONFLICT).assert_contains("Renamed");
    coach
        .post(
            &edit,
            &[
                ("version", "3"),
                ("kind", "skills-workshop"),
                ("status", "completed"),
                ("title", "Budgeting (4 weeks)"),
                ("taken_on", "2026-11-09"),
                ("completed_on", "2026-11-16"),
                ("hours", "6"),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(opportunities_of(&app, person).await[0].title, "Budgeting (4 weeks)");

    let page = coach.get(&path).await;
    page.assert_contains("Completed").assert_contains("Hours given");
    assert!(audited(&app, "community.opportunity.add").await >= 1);
    assert_eq!(audited(&app, "community.opportunity.update").await, 3);
    let views = app.audit_actions().await.iter().filter(|(a, _)| a == "person.view").count();
    assert!(views >= 3, "opening the list is a view of the person's record");
}

#[tokio::test]
async fn another_coachs_person_is_out_of_reach_on_pages_and_api() {
    let app = TestApp::spawn().await;
    let theirs = app.person_of("referral@demo.example").await;
    let (mut coach, token) = api_user(&app, COACH).await;
    let path = format!("/people/{theirs}/opportunities");
    coach.get(&path).await.assert_status(StatusCode::FORBIDDEN);
    coach
        .post(&path, &[("kind", "work"), ("status", "offered"), ("title", "Job club")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    coach.api(Method::GET, &format!("/api/v1{path}"), &token, None).await.assert_status(StatusCode::FORBIDDEN);
    coach
        .api(
            Method::POST,
            &format!("/api/v1{path}"),
            &token,
            Some(json!({"kind": "work", "status": "offered", "title": "x"})),
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    coach.get(&format!("/people/{}/opportunities", Uuid::new_v4())).await.assert_status(StatusCode::NOT_FOUND);
    assert!(opportunities_of(&app, theirs).await.iter().all(|o| o.title != "Job club"));
    let denied = app.audit_actions().await.iter().filter(|(a, o)| a == "access.denied" && o == "denied").count();
    assert!(denied >= 4);
}

#[tokio::test]
async fn opportunity_counts_show_who_took_part_among_people_served() {
    let app = TestApp::spawn().await;
    let org_id = mainstay::db::staff::by_email(&app.db, COACH).await.unwrap().unwrap().org_id;
    let period = Period { from: date!(2025 - 11 - 19), to: date!(2026 - 11 - 18) };
    let conn = app.db.conn();
    let before = mainstay::voice::community::took_part_share(conn, org_id, None, period).await.unwrap();
    assert!(before.people_served > 0);
    assert_eq!(before.share, Some(before.people_took_part as f64 / before.people_served as f64));

    // Someone on the coach's caseload who has not taken part in anything yet.
    let coach_id = staff_id(&app, COACH).await;
    let enrolments = mainstay::db::entities::enrolment::Entity::find()
        .filter(mainstay::db::entities::enrolment::Column::WorkerId.eq(coach_id))
        .filter(mainstay::db::entities::enrolment::Column::EndedOn.is_null())
        .all(conn)
        .await
        .unwrap();
    let mut fresh = None;
    for e in enrolments {
        if opportunities_of(&app, e.person_id).await.iter().all(|o| o.status == "offered" || o.status == "declined") {
            fresh = Some(e.person_id);
            break;
        }
    }
    let person = fresh.expect("a person who has not taken part");
    let (mut coach, token) = api_user(&app, COACH).await;
    let created = coach
        .api(
            Method::POST,
            &format!("/api/v1/people/{person}/opportunities"),
            &token,
            Some(json!({"kind": "giving-peer-support", "status": "taken", "title": "Buddy for a newcomer", "taken_on": "2026-10-01", "aims": ["resiliency"]})),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    assert_eq!(created.json()["group"], "recovery-community");
    let after = mainstay::voice::community::took_part_share(conn, org_id, None, period).await.unwrap();
    assert_eq!(after.people_took_part, before.people_took_part + 1);
    assert_eq!(after.people_served, before.people_served);

    // The same figure over the API and on the page (directors and coaches read aggregates).
    let (mut director, dtoken) = api_user(&app, DIRECTOR).await;
    let counts = director
        .api(Method::GET, "/api/v1/voice/opportunities/counts?from=2025-11-19&to=2026-11-18", &dtoken, None)
        .await;
    counts.assert_status(StatusCode::OK);
    let all = &counts.json()["programs"][0];
    assert!(all["program_id"].is_null());
    assert_eq!(all["taking_part"]["people_took_part"], after.people_took_part);
    assert_eq!(all["taking_part"]["people_served"], after.people_served);
    let recovery = all["by_group"].as_array().unwrap().iter().find(|g| g["group"] == "recovery-community").unwrap();
    assert!(recovery["people_took_part"].as_u64().unwrap() >= 1);
    director
        .api(Method::GET, "/api/v1/voice/opportunities/counts?from=2026-11-18&to=2026-01-01", &dtoken, None)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let page = director.get("/voice/opportunities?from=2025-11-19&to=2026-11-18").await;
    page.assert_status(StatusCode::OK).assert_contains("All programs").assert_contains("Recovery community");
    director
        .get("/voice/opportunities?from=2026-11-18&to=2026-01-01")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("on or before its end");
    coach.get("/voice/opportunities").await.assert_status(StatusCode::OK);
    assert!(app.audit_soon_contains("community.opportunities.counts").await);
}

#[tokio::test]
async fn opportunities_round_trip_over_the_api_with_version_checks() {
    let app = TestApp::spawn().await;
    let person = app.person_of(COACH).await;
    let (mut coach, token) = api_user(&app, COACH).await;
    let base = format!("/api/v1/people/{person}/opportunities");
    let bad = coach
        .api(
            Method::POST,
            &base,
            &token,
            Some(json!({"kind": "work", "status": "completed", "title": "", "hours": 99, "aims": ["joy"]})),
        )
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.json();
    assert!(has_error(&body, "title", "error-required"));
    assert!(has_error(&body, "completed_on", "community-error-completed-date"));
    assert!(has_error(&body, "aims", "community-error-unknown-aim"));

    let created = coach
        .api(
            Method::POST,
            &base,
            &token,
            Some(json!({"kind": "recreation", "status": "offered", "title": "Walking group", "aims": ["wellness"]})),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let o = created.json();
    let id = o["id"].as_str().unwrap().to_string();
    assert_eq!(o["aims"], json!(["wellness"]));
    assert_eq!(o["offered_on"], "2026-11-18");

    let put = coach
        .api(
            Method::PUT,
            &format!("{base}/{id}"),
            &token,
            Some(json!({"version": 1, "kind": "recreation", "status": "taken", "title": "Walking group (Saturdays)", "taken_on": "2026-11-18", "hours": "2"})),
        )
        .await;
    put.assert_status(StatusCode::OK);
    assert_eq!(put.json()["version"], 2);
    coach
        .api(
            Method::PUT,
            &format!("{base}/{id}"),
            &token,
            Some(json!({"version": 1, "kind": "recreation", "status": "declined", "title": "x"})),
        )
        .await
        .assert_status(StatusCode::CONFLICT);
    let status = coach
        .api(
            Method::POST,
            &format!("{base}/{id}/status"),
            &token,
            Some(json!({"version": 2, "status": "completed", "on": "2026-11-18"})),
        )
        .await;
    status.assert_status(StatusCode::OK);
    assert_eq!(status.json()["status"], "completed");
    let list = coach.api(Method::GET, &base, &token, None).await;
    list.assert_status(StatusCode::OK);
    let list = list.json();
    assert!(list["counts"]["completed"].as_u64().unwrap() >= 1);
    assert!(list["opportunities"].as_array().unwrap().iter().any(|o| o["id"] == id.as_str() && o["hours"] == 2.0));

    // The opportunity's aims through the aims endpoint.
    let aims = coach.api(Method::GET, &format!("/api/v1/voice/aims/opportunity/{id}"), &token, None).await;
    assert_eq!(aims.json()["aims"], json!(["wellness"]));
    let put = coach
        .api(
            Method::PUT,
            &format!("/api/v1/voice/aims/opportunity/{id}"),
            &token,
            Some(json!({"aims": ["personal-choice", "wellness"]})),
        )
        .await;
    put.assert_status(StatusCode::OK);
    assert_eq!(put.json()["aims"], json!(["wellness", "personal-choice"]));
    coach
        .api(Method::GET, &format!("/api/v1/voice/aims/planet/{id}"), &token, None)
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

// ---------- aims ----------

fn aim_count(spread: &Value, subject: &str, aim: &str) -> u64 {
    spread["subjects"].as_array().unwrap().iter().find(|s| s["subject"] == subject).unwrap()["per_aim"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["aim"] == aim)
        .unwrap()["count"]
        .as_u64()
        .unwrap()
}

fn subject_field(spread: &Value, subject: &str, field: &str) -> u64 {
    spread["subjects"].as_array().unwrap().iter().find(|s| s["subject"] == subject).unwrap()[field].as_u64().unwrap()
}

#[tokio::test]
async fn aims_tagged_on_a_contact_and_a_group_show_in_the_spread() {
    let app = TestApp::spawn().await;
    let coach_id = staff_id(&app, COACH).await;
    let contact = coaching_contact::Entity::find()
        .filter(coaching_contact::Column::WorkerId.eq(coach_id))
        .filter(coaching_contact::Column::OccurredAt.lte(app.now()))
        .order_by_desc(coaching_contact::Column::OccurredAt)
        .one(app.db.conn())
        .await
        .unwrap()
        .expect("the coach has contacts");
    let (mut quality, qtoken) = api_user(&app, QUALITY).await;
    let spread_path = "/api/v1/voice/aims/spread?from=2025-11-19&to=2026-11-18";
    let before = quality.api(Method::GET, spread_path, &qtoken, None).await.json();
    let (mut coach, token) = api_user(&app, COACH).await;
    let old: Vec<String> = coach
        .api(Method::GET, &format!("/api/v1/voice/aims/contact/{}", contact.id), &token, None)
        .await
        .json()["aims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();

    // The contact page carries the form; saving goes back to the contact.
    let page = coach.get(&format!("/contacts/{}", contact.id)).await;
    page.assert_status(StatusCode::OK).assert_contains("Aims of peer support").assert_contains("name=\"aims\"");
    coach
        .post(
            &format!("/voice/aims/contact/{}", contact.id),
            &[
                ("aims", "resiliency"),
                ("aims", "experiential-learning"),
                ("return_to", &format!("/contacts/{}#aims", contact.id)),
            ],
        )
        .await
        .assert_redirect_to(&format!("/contacts/{}#aims", contact.id));
    coach.get(&format!("/contacts/{}", contact.id)).await.assert_contains("Resiliency, Experiential learning");
    // An address elsewhere is never followed.
    coach
        .post(
            &format!("/voice/aims/contact/{}", contact.id),
            &[("aims", "resiliency"), ("aims", "experiential-learning"), ("return_to", "https://evil.example/")],
        )
        .await
        .assert_redirect_to("/");
    coach
        .post(&format!("/voice/aims/contact/{}", contact.id), &[("aims", "happiness")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    let after = quality.api(Method::GET, spread_path, &qtoken, None).await.json();
    for aim in ["resiliency", "experiential-learning", "wellness", "recovery"] {
        let was = old.iter().any(|a| a == aim) as i64;
        let now = matches!(aim, "resiliency" | "experiential-learning") as i64;
        assert_eq!(
            aim_count(&after, "contact", aim) as i64,
            aim_count(&before, "contact", aim) as i64 + now - was,
            "{aim}"
        );
    }
    assert_eq!(subject_field(&after, "contact", "total"), subject_field(&before, "contact", "total"));
    let untagged_change = if old.is_empty() { 1 } else { 0 };
    assert_eq!(
        subject_field(&after, "contact", "untagged") + untagged_change,
        subject_field(&before, "contact", "untagged")
    );

    // A group: its facilitator may tag it, a coach who does not run it may not.
    let facilitator_id = staff_id(&app, "facilitator@demo.example").await;
    let group_id = group_facilitator::Entity::find()
        .filter(group_facilitator::Column::StaffId.eq(facilitator_id))
        .one(app.db.conn())
        .await
        .unwrap()
        .expect("the facilitator runs a group")
        .group_id;
    coach
        .post(&format!("/voice/aims/group/{group_id}"), &[("aims", "wellness")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let mut facilitator = app.signed_in("facilitator@demo.example").await;
    facilitator.get(&format!("/groups/{group_id}")).await.assert_status(StatusCode::OK).assert_contains("Save aims");
    facilitator
        .post(
            &format!("/voice/aims/group/{group_id}"),
            &[("aims", "wellness"), ("aims", "recovery"), ("return_to", &format!("/groups/{group_id}#aims"))],
        )
        .await
        .assert_redirect_to(&format!("/groups/{group_id}#aims"));
    facilitator.get(&format!("/groups/{group_id}")).await.assert_contains("Recovery, Wellness");
    let view = quality.api(Method::GET, &format!("/api/v1/voice/aims/group/{group_id}"), &qtoken, None).await.json();
    assert_eq!(view["aims"], json!(["recovery", "wellness"]));
    assert_eq!(view["may_edit"], false);

    // The spread page: chart, table and CSV.
    let page = quality.get("/voice/aims?from=2025-11-19&to=2026-11-18").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("<svg")
        .assert_contains("Experiential learning")
        .assert_contains("Not tagged");
    let csv = quality.get("/voice/aims.csv?from=2025-11-19&to=2026-11-18").await;
    csv.assert_status(StatusCode::OK);
    assert!(csv.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    let line = csv.body.lines().find(|l| l.starts_with("resiliency,")).expect("a row per aim");
    assert!(line.contains(&format!(",{},", aim_count(&after, "contact", "resiliency"))));
    assert!(csv.body.lines().any(|l| l.starts_with("untagged,")));
    assert_eq!(audited(&app, "community.aims.set").await, 3);
    assert!(app.audit_soon_contains("community.aims.spread").await);
}

// ---------- welcoming environment ----------

/// A tiny valid PNG (1×1).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D,
    0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// A WebP header whose bytes are all text, so it can travel in the test client's string bodies.
fn webp(len: usize) -> String {
    let mut s = String::from("RIFF\u{1}\u{1}\u{1}\u{1}WEBPVP8 ");
    while s.len() < len {
        s.push('x');
    }
    s
}

fn all_answers(answer: &str) -> Vec<(String, String)> {
    WelcomeItem::ALL.iter().map(|i| (format!("answer-{}", i.code()), answer.to_string())).collect()
}

/// A multipart body with text fields and files `(part, filename, bytes)`.
fn multipart(fields: &[(String, String)], files: &[(String, String, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (part, filename, data) in files {
        body.extend_from_slice(
            format!(
                "--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name=\"{part}\"; filename=\"{filename}\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{MULTIPART_BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post_review(
    client: &mut Client,
    site_id: Uuid,
    fields: &[(String, String)],
    files: &[(String, String, Vec<u8>)],
) -> Response {
    let form = client.get(&format!("/voice/welcome/{site_id}/reviews/new")).await;
    form.assert_status(StatusCode::OK);
    let mut all = vec![("csrf_token".to_string(), value_of(&form.body, "csrf_token"))];
    all.extend_from_slice(fields);
    let body = String::from_utf8(multipart(&all, files)).expect("text-only test bodies");
    let ct = format!("multipart/form-data; boundary={MULTIPART_BOUNDARY}");
    client.request(Method::POST, &format!("/voice/welcome/{site_id}/reviews"), Some(&ct), body, &[]).await
}

async fn first_site(app: &TestApp) -> site::Model {
    site::Entity::find()
        .filter(site::Column::Active.eq(true))
        .order_by_asc(site::Column::Name)
        .one(app.db.conn())
        .await
        .unwrap()
        .expect("a site")
}

async fn photo_count(app: &TestApp) -> usize {
    welcome_photo::Entity::find().all(app.db.conn()).await.unwrap().len()
}

#[tokio::test]
async fn a_welcoming_review_needs_every_item_answered_and_a_note_for_gaps() {
    let app = TestApp::spawn().await;
    let site = first_site(&app).await;
    let mut director = app.signed_in(DIRECTOR).await;
    let list = director.get("/voice/welcome").await;
    list.assert_status(StatusCode::OK).assert_contains(&site.name);
    let form = director.get(&format!("/voice/welcome/{}/reviews/new", site.id)).await;
    form.assert_contains("Avoid faces of participants").assert_contains("Gender-neutral washroom");

    let mut fields = all_answers("met");
    fields.retain(|(k, _)| k != "answer-quiet-space");
    fields.push(("answer-lgbtq-signals".into(), "not-met".into()));
    fields.retain(|(k, v)| !(k == "answer-lgbtq-signals" && v == "met"));
    fields.push(("reviewed_on".into(), "2026-11-17".into()));
    fields.push(("participants".into(), "3".into()));
    let page = post_review(&mut director, site.id, &fields, &[]).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("Choose an answer for this item").assert_contains("Say what is missing");
    page.assert_contains("href=\"#answer-quiet-space\"").assert_contains("href=\"#note-lgbtq-signals\"");

    fields.push(("answer-quiet-space".into(), "partly".into()));
    fields.push(("note-lgbtq-signals".into(), "No visible signs; order stickers for the door.".into()));
    fields.push(("follow_up".into(), "Site lead orders signs by December.".into()));
    let saved = post_review(&mut director, site.id, &fields, &[]).await;
    saved.assert_status(StatusCode::SEE_OTHER);
    let review_path = saved.location().to_string();
    assert!(review_path.starts_with("/voice/welcome/reviews/"));
    let page = director.get(&review_path).await;
    // 10 met, 1 partly, 1 not met over 12: 10.5 / 12 = 88%.
    page.assert_status(StatusCode::OK)
        .assert_contains("88%")
        .assert_contains("order stickers")
        .assert_contains("3 people served took part");
    let list = director.get("/voice/welcome").await;
    list.assert_contains("2026-11-17").assert_contains("Due 2027-11-17");
    let site_page = director.get(&format!("/voice/welcome/{}", site.id)).await;
    site_page.assert_status(StatusCode::OK).assert_contains("10 met, 1 partly, 1 not met");
    assert_eq!(audited(&app, "community.welcome.review").await, 1);

    // Only those who review sites may record one; everyone on staff may read them.
    let mut coach = app.signed_in(COACH).await;
    coach.get("/voice/welcome").await.assert_status(StatusCode::OK);
    coach.get(&review_path).await.assert_status(StatusCode::OK);
    coach.get(&format!("/voice/welcome/{}/reviews/new", site.id)).await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn review_photos_are_checked_by_content_size_and_number() {
    let app = TestApp::spawn().await;
    let site = first_site(&app).await;
    let mut quality = app.signed_in(QUALITY).await;
    let mut fields = all_answers("met");
    fields.push(("reviewed_on".into(), "2026-11-18".into()));

    // A text file named .png is refused, and nothing is saved.
    let text = (String::from("photo-1"), String::from("door.png"), b"this is not a picture".to_vec());
    let page = post_review(&mut quality, site.id, &fields, &[text]).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("door.png is not a PNG, JPEG or WebP picture");
    page.assert_contains("choose them again");
    // Over 5 MB.
    let big = (String::from("photo-1"), String::from("big.webp"), webp(5 * 1024 * 1024 + 10).into_bytes());
    post_review(&mut quality, site.id, &fields, &[big])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("big.webp is larger than 5 MB");
    // More than six.
    let many: Vec<(String, String, Vec<u8>)> =
        (1..=7).map(|n| (format!("photo-{n}"), format!("p{n}.webp"), webp(64).into_bytes())).collect();
    post_review(&mut quality, site.id, &fields, &many)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Add at most 6 photos");
    assert_eq!(photo_count(&app).await, 0);

    // A valid photo with a caption is kept and shown from an authorised address.
    let mut with_caption = fields.clone();
    with_caption.push(("caption-1".into(), "Rainbow sticker on the front door".into()));
    let ok = (String::from("photo-1"), String::from("front door.webp"), webp(200).into_bytes());
    let saved = post_review(&mut quality, site.id, &with_caption, &[ok]).await;
    saved.assert_status(StatusCode::SEE_OTHER);
    let page = quality.get(saved.location()).await;
    page.assert_contains("Rainbow sticker on the front door").assert_contains("<img src=\"/voice/welcome/reviews/");
    let stored = welcome_photo::Entity::find().one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!(
        (stored.content_type.as_str(), stored.filename.as_str(), stored.size),
        ("image/webp", "front-door.webp", 200)
    );
    let photo_path = format!("/voice/welcome/reviews/{}/photos/{}", stored.review_id, stored.id);
    let photo = quality.get(&photo_path).await;
    photo.assert_status(StatusCode::OK);
    assert_eq!(photo.headers[header::CONTENT_TYPE], "image/webp");
    assert_eq!(photo.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    app.client().get(&photo_path).await.assert_status(StatusCode::SEE_OTHER);
    assert!(app.audit_soon_contains("community.welcome.photo").await);
}

/// A raw API request with a binary body.
async fn api_raw(app: &TestApp, path: &str, token: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, Vec<u8>) {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request");
    let response = app.router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    (status, response.into_body().collect().await.expect("body").to_bytes().to_vec())
}

#[tokio::test]
async fn welcoming_reviews_round_trip_over_the_api_with_png_photos() {
    let app = TestApp::spawn().await;
    let site = first_site(&app).await;
    let (mut director, token) = api_user(&app, DIRECTOR).await;
    let sites = director.api(Method::GET, "/api/v1/voice/welcome", &token, None).await;
    sites.assert_status(StatusCode::OK);
    assert!(sites.json().as_array().unwrap().iter().any(|s| s["site_id"] == site.id.to_string()));

    let mut checks: Vec<Value> = WelcomeItem::ALL.iter().map(|i| json!({"item": i.code(), "answer": "met"})).collect();
    checks.pop();
    let bad = director
        .api(
            Method::POST,
            &format!("/api/v1/voice/welcome/{}/reviews", site.id),
            &token,
            Some(json!({"reviewed_on": "2026-11-18", "checks": checks})),
        )
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&bad.json(), "answer-welcome-point", "community-error-unanswered"));
    checks.push(json!({"item": "welcome-point", "answer": "not-met", "note": "No greeter on Fridays"}));
    let created = director
        .api(
            Method::POST,
            &format!("/api/v1/voice/welcome/{}/reviews", site.id),
            &token,
            Some(json!({"reviewed_on": "2026-11-18", "participants": 2, "checks": checks})),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let review = created.json();
    let id = review["id"].as_str().unwrap().to_string();
    assert_eq!(review["not_met"], 1);
    assert_eq!(review["next_review_on"], "2027-11-18");

    let ct = format!("multipart/form-data; boundary={MULTIPART_BOUNDARY}");
    let photos_path = format!("/api/v1/voice/welcome/reviews/{id}/photos");
    let body = multipart(
        &[("caption".into(), "Accessible entrance".into())],
        &[("photo".into(), "ramp.png".into(), PNG.to_vec())],
    );
    let (status, bytes) = api_raw(&app, &photos_path, &token, &ct, body).await;
    assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&bytes));
    let heads: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(heads[0]["content_type"], "image/png");
    assert_eq!(heads[0]["caption"], "Accessible entrance");
    let url = heads[0]["download_url"].as_str().unwrap().to_string();
    let download = director.api(Method::GET, &url, &token, None).await;
    download.assert_status(StatusCode::OK);
    assert_eq!(download.headers[header::CONTENT_TYPE], "image/png");

    let renamed = multipart(&[], &[("photo".into(), "notes.png".into(), b"plain text, not a picture".to_vec())]);
    let (status, bytes) = api_raw(&app, &photos_path, &token, &ct, renamed).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&serde_json::from_slice(&bytes).unwrap(), "photo-1", "community-error-photo-type"));
    let six: Vec<(String, String, Vec<u8>)> =
        (0..6).map(|n| ("photo".into(), format!("p{n}.png"), PNG.to_vec())).collect();
    let (status, bytes) = api_raw(&app, &photos_path, &token, &ct, multipart(&[], &six)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "one already kept, six more would make seven");
    assert!(has_error(&serde_json::from_slice(&bytes).unwrap(), "photos", "community-error-photos-count"));

    let full = director.api(Method::GET, &format!("/api/v1/voice/welcome/reviews/{id}"), &token, None).await;
    full.assert_status(StatusCode::OK);
    let full = full.json();
    assert_eq!(full["checks"].as_array().unwrap().len(), WelcomeItem::ALL.len());
    assert_eq!(full["photos"].as_array().unwrap().len(), 1);
    assert_eq!(full["participants"], 2);
    let history = director.api(Method::GET, &format!("/api/v1/voice/welcome/{}/reviews", site.id), &token, None).await;
    assert_eq!(history.json()[0]["id"], id.as_str());

    // A coach reads but does not write.
    let (mut coach, ctoken) = api_user(&app, COACH).await;
    coach
        .api(Method::GET, &format!("/api/v1/voice/welcome/reviews/{id}"), &ctoken, None)
        .await
        .assert_status(StatusCode::OK);
    coach
        .api(
            Method::POST,
            &format!("/api/v1/voice/welcome/{}/reviews", site.id),
            &ctoken,
            Some(json!({"reviewed_on": "2026-11-18", "checks": checks})),
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let (status, _) =
        api_raw(&app, &photos_path, &ctoken, &ct, multipart(&[], &[("photo".into(), "x.png".into(), PNG.to_vec())]))
            .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(audited(&app, "community.welcome.photos").await, 1);
}

#[tokio::test]
async fn the_demo_has_opportunities_aims_and_reviews_for_every_site() {
    let app = TestApp::spawn().await;
    let conn = app.db.conn();
    let opportunities = opportunity::Entity::find().all(conn).await.unwrap();
    assert!(!opportunities.is_empty() && opportunities.len() <= 300);
    let tags = mainstay::db::entities::peer_aim_tag::Entity::find().all(conn).await.unwrap();
    assert!(tags.iter().any(|t| t.subject_kind == "contact") && tags.iter().any(|t| t.subject_kind == "group"));
    let sites = site::Entity::find().all(conn).await.unwrap();
    let reviews = mainstay::db::entities::welcome_review::Entity::find().all(conn).await.unwrap();
    assert!(sites.iter().all(|s| reviews.iter().any(|r| r.site_id == s.id)));
    let checks = mainstay::db::entities::welcome_check::Entity::find().all(conn).await.unwrap();
    assert_eq!(checks.len(), reviews.len() * WelcomeItem::ALL.len());
    assert!(checks.iter().filter(|c| c.answer == "not-met").all(|c| c.note.is_some()));
}
