//! Accreditation readiness on site, through the pages and the API: evidence documents (upload
//! with its validation, attach, replace, retire, download access) and how they move an element's
//! standing; the interview roster with consent and withdrawal; reviewer's samples (reproducible by
//! seed, stratified by program) and their checklist on hand-built records. The clock starts on
//! 2026-11-18.

use crate::helpers::{Client, MULTIPART_BOUNDARY, Response, TestApp, multipart_body, person_row};
use axum::http::{Method, StatusCode, header};
use mainstay::db::entities::{
    coaching_contact, enrolment, person, program, recovery_plan_version, risk_response, risk_screen, safety_plan, staff,
};
use mainstay::standards::samples::stratum_size;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use time::macros::{date, datetime};
use uuid::Uuid;

const DAY: i64 = 86_400;

fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {name}")) + marker.len();
    html[at..].split('"').next().expect("value").to_string()
}

fn has_error(body: &Value, field: &str, code: &str) -> bool {
    body["errors"].as_array().is_some_and(|errors| errors.iter().any(|e| e["field"] == field && e["code"] == code))
}

fn pdf(text: &str) -> String {
    format!("%PDF-1.7\n{text}\n%%EOF")
}

/// Posts a multipart form (text content) with the CSRF token of `form_html`.
async fn post_multipart(
    client: &mut Client,
    path: &str,
    form_html: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &str)>,
) -> Response {
    let csrf = value_of(form_html, "csrf_token");
    let mut all = vec![("csrf_token", csrf.as_str())];
    all.extend_from_slice(fields);
    let body = multipart_body(&all, "file", file.map(|(n, t, d)| (n, t, d.as_bytes())));
    let content_type = format!("multipart/form-data; boundary={MULTIPART_BOUNDARY}");
    client.request(Method::POST, path, Some(&content_type), String::from_utf8(body).expect("text"), &[]).await
}

/// A multipart API call with a bearer token.
async fn api_multipart(
    client: &mut Client,
    path: &str,
    token: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &str)>,
) -> Response {
    let body = multipart_body(fields, "file", file.map(|(n, t, d)| (n, t, d.as_bytes())));
    let content_type = format!("multipart/form-data; boundary={MULTIPART_BOUNDARY}");
    let auth = format!("Bearer {token}");
    client
        .request(
            Method::POST,
            path,
            Some(&content_type),
            String::from_utf8(body).expect("text"),
            &[("authorization", &auth)],
        )
        .await
}

/// The card of one element on the standard page.
fn element_card<'a>(page: &'a str, anchor: &str) -> &'a str {
    let start = page.find(&format!("id=\"{anchor}\"")).unwrap_or_else(|| panic!("{anchor} on the page"));
    let end = page[start..].find("</article>").map_or(page.len(), |e| start + e);
    &page[start..end]
}

const STANDARD: &str = "/readiness/standard?source=cse-2024&from=2025-11-19&to=2026-11-18&id=CSE%203.03";

async fn standing_of_3_03_a(client: &mut Client) -> String {
    let page = client.get(STANDARD).await;
    page.assert_status(StatusCode::OK);
    element_card(&page.body, "element-cse-3-03-a").to_string()
}

#[tokio::test]
async fn an_uploaded_document_is_validated_and_moves_its_element_from_minimal_to_full_to_minor_gaps() {
    let app = TestApp::spawn().await;
    let mut quality = app.signed_in("quality@demo.example").await;
    let before = standing_of_3_03_a(&mut quality).await;
    assert!(before.contains("Minimal evidence"), "{before}");
    assert!(before.contains("Attach a document to this element"));

    let form = quality.get("/readiness/documents?source=cse-2024&element=CSE%203.03.a").await;
    form.assert_status(StatusCode::OK).assert_contains("Upload a document").assert_contains("CSE 3.03.a");
    let fields = [
        ("title", "Suicide and self-harm risk procedure"),
        ("kind", "procedure"),
        ("review_due_on", "2026-12-31"),
        ("source", "cse-2024"),
        ("elements", "CSE 3.03.a"),
    ];
    let big = pdf(&"x".repeat(5 * 1024 * 1024));
    let refused = post_multipart(
        &mut quality,
        "/readiness/documents",
        &form.body,
        &fields,
        Some(("p.pdf", "application/pdf", &big)),
    )
    .await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("larger than 5 MB");
    let refused = post_multipart(
        &mut quality,
        "/readiness/documents",
        &form.body,
        &fields,
        Some(("p.pdf", "application/pdf", "MZ not a pdf")),
    )
    .await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("content must match its name");
    let mut unknown = fields.to_vec();
    unknown[4] = ("elements", "CSE 3.03.a\nCSE 9.99.z");
    let refused = post_multipart(
        &mut quality,
        "/readiness/documents",
        &form.body,
        &unknown,
        Some(("p.pdf", "application/pdf", &pdf("v1"))),
    )
    .await;
    refused
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("There is no element CSE 9.99.z")
        .assert_contains("Suicide and self-harm risk procedure");

    let saved = post_multipart(
        &mut quality,
        "/readiness/documents",
        &form.body,
        &fields,
        Some(("procedure.pdf", "application/pdf", &pdf("v1"))),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let doc_path = saved.location().to_string();
    let id = doc_path.rsplit('/').next().unwrap().to_string();

    let full = standing_of_3_03_a(&mut quality).await;
    assert!(full.contains("In place") && full.contains("Suicide and self-harm risk procedure"), "{full}");
    assert!(full.contains(&format!("/readiness/documents/{id}")) && full.contains("review by 2026-12-31"));

    // Past its review date, the element has minor gaps and the list flags the document first.
    app.advance(50 * DAY);
    let minor = standing_of_3_03_a(&mut quality).await;
    assert!(minor.contains("Minor gaps") && minor.contains("Review overdue"), "{minor}");
    let list = quality.get("/readiness/documents").await;
    list.assert_status(StatusCode::OK).assert_contains("Review overdue");

    // A new version with a new review date brings it back; both versions are kept.
    let page = quality.get(&doc_path).await;
    page.assert_status(StatusCode::OK).assert_contains("Version 1: procedure.pdf");
    let version = value_of(&page.body, "version");
    let replaced = post_multipart(
        &mut quality,
        &format!("{doc_path}/file"),
        &page.body,
        &[("version", version.as_str()), ("new_review_due_on", "2027-06-30")],
        Some(("procedure-2027.pdf", "application/pdf", &pdf("v2"))),
    )
    .await;
    replaced.assert_redirect_to(&doc_path);
    let page = quality.get(&doc_path).await;
    page.assert_contains("Version 2: procedure-2027.pdf")
        .assert_contains("Version 1: procedure.pdf")
        .assert_contains("2027-06-30");
    assert!(standing_of_3_03_a(&mut quality).await.contains("In place"));
    let stale = post_multipart(
        &mut quality,
        &format!("{doc_path}/file"),
        &page.body,
        &[("version", version.as_str())],
        Some(("again.pdf", "application/pdf", &pdf("v3"))),
    )
    .await;
    stale.assert_status(StatusCode::CONFLICT);

    // Retired, it no longer counts.
    let version = value_of(&page.body, "version");
    quality.post(&format!("{doc_path}/retire"), &[("version", version.as_str())]).await.assert_redirect_to(&doc_path);
    assert!(standing_of_3_03_a(&mut quality).await.contains("Minimal evidence"));
    let actions: Vec<String> = app.audit_actions().await.into_iter().map(|(a, _)| a).collect();
    for action in ["readiness.document.add", "readiness.document.replace", "readiness.document.retire"] {
        assert!(actions.iter().any(|a| a == action), "{action}");
    }
}

#[tokio::test]
async fn documents_over_the_api_are_checked_indexed_and_downloaded_only_by_readiness_roles() {
    let app = TestApp::spawn().await;
    let mut quality = app.signed_in("quality@demo.example").await;
    let token = quality.create_token("onsite").await;
    let fields =
        [("title", "Job description: peer recovery coach"), ("kind", "job-description"), ("elements", "CSE 2.08.a")];
    let wrong = api_multipart(
        &mut quality,
        "/api/v1/readiness/documents",
        &token,
        &fields,
        Some(("jd.docx", "application/pdf", "%PDF-1.4")),
    )
    .await;
    wrong.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&wrong.json(), "file", "readiness-doc-error-file-type"));
    let unknown = [("title", "x"), ("kind", "policy"), ("elements", "CSE 2.08.q")];
    let refused = api_multipart(
        &mut quality,
        "/api/v1/readiness/documents",
        &token,
        &unknown,
        Some(("p.pdf", "application/pdf", &pdf("p"))),
    )
    .await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&refused.json(), "elements", "readiness-doc-error-unknown-element"));
    let none = api_multipart(&mut quality, "/api/v1/readiness/documents", &token, &fields, None).await;
    assert!(has_error(&none.json(), "file", "readiness-doc-error-file-empty"));

    let created = api_multipart(
        &mut quality,
        "/api/v1/readiness/documents",
        &token,
        &fields,
        Some(("jd.pdf", "application/pdf", &pdf("jd"))),
    )
    .await;
    created.assert_status(StatusCode::CREATED);
    let doc = created.json();
    assert_eq!(doc["elements"][0]["element_id"], "CSE 2.08.a");
    assert_eq!(doc["elements"][0]["source"], "cse-2024");
    assert_eq!(doc["uploaded_on"], "2026-11-18");
    assert_eq!(doc["overdue"], false, "no review date: current for twelve months");
    let id = doc["id"].as_str().unwrap().to_string();

    let body = json!({ "version": 1, "title": "Job description: peer recovery coach", "kind": "job-description",
                       "elements": ["CSE 2.08.a", "prsc:PRSC 6.01.a"] });
    let updated =
        quality.api(Method::PUT, &format!("/api/v1/readiness/documents/{id}"), &token, Some(body.clone())).await;
    updated.assert_status(StatusCode::OK);
    assert_eq!(updated.json()["elements"].as_array().unwrap().len(), 2);
    quality
        .api(Method::PUT, &format!("/api/v1/readiness/documents/{id}"), &token, Some(body))
        .await
        .assert_status(StatusCode::CONFLICT);

    // The binder's index: a year on, a document with no review date is overdue.
    let org_id = staff_row(&app, "quality@demo.example").await.org_id;
    let index =
        mainstay::standards::documents::index_on(app.db.conn(), org_id, date!(2027 - 11 - 19), false).await.unwrap();
    assert_eq!(index.len(), 1);
    assert!(index[0].overdue);
    assert_eq!(index[0].elements.len(), 2);

    let download = quality.get(&format!("/readiness/documents/{id}/download")).await;
    download.assert_status(StatusCode::OK);
    assert_eq!(download.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(download.body.starts_with("%PDF-"));
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/readiness/documents/{id}/download")).await.assert_status(StatusCode::FORBIDDEN);
    coach.get("/readiness/documents").await.assert_status(StatusCode::FORBIDDEN);
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|(a, _)| a == "readiness.document.download"));
    assert!(actions.iter().any(|(a, o)| a == "access.denied" && o == "denied"));

    // A supervisor may read but not upload.
    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    let page = supervisor.get("/readiness/documents").await;
    page.assert_status(StatusCode::OK).assert_lacks("Upload a document");
    let refused = post_multipart(
        &mut supervisor,
        "/readiness/documents",
        &page.body,
        &fields,
        Some(("jd.pdf", "application/pdf", &pdf("x"))),
    )
    .await;
    refused.assert_status(StatusCode::FORBIDDEN);
}

async fn staff_row(app: &TestApp, email: &str) -> staff::Model {
    mainstay::db::staff::by_email(&app.db, email).await.unwrap().expect("demo staff member")
}

async fn record_number(app: &TestApp, id: Uuid) -> i64 {
    person::Entity::find_by_id(id).one(app.db.conn()).await.unwrap().unwrap().record_number
}

#[tokio::test]
async fn the_roster_records_consent_hides_names_from_those_who_may_not_see_them_and_drops_who_withdraws() {
    let app = TestApp::spawn().await;
    let person_id = app.person_of("coach@demo.example").await;
    let number = record_number(&app, person_id).await.to_string();
    let director = staff_row(&app, "director@demo.example").await;
    let mut quality = app.signed_in("quality@demo.example").await;
    quality
        .get("/readiness/interviews")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Nobody is on the roster yet");

    let missing =
        quality.post("/readiness/interviews", &[("kind", "person-served"), ("record_number", number.as_str())]).await;
    missing.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("consent_method-error");
    let added = quality
        .post(
            "/readiness/interviews",
            &[
                ("kind", "person-served"),
                ("record_number", number.as_str()),
                ("consent_method", "verbal"),
                ("consent_on", "2026-11-17"),
                ("language", "Spanish, interpreter needed"),
                ("accessibility", "Step-free room"),
            ],
        )
        .await;
    added.assert_redirect_to("/readiness/interviews");
    let director_id = director.id.to_string();
    quality
        .post("/readiness/interviews", &[("kind", "program-director"), ("staff_id", director_id.as_str())])
        .await
        .assert_redirect_to("/readiness/interviews");

    let person = person::Entity::find_by_id(person_id).one(app.db.conn()).await.unwrap().unwrap();
    let roster = quality.get("/readiness/interviews").await;
    roster
        .assert_contains(&person.legal_family_name)
        .assert_contains("2026-11-17, verbally, recorded by")
        .assert_contains("Spanish, interpreter needed")
        .assert_contains(&director.display_name);

    // The administrator may see readiness but not the person's record: a number, not a name.
    let mut admin = app.signed_in("admin@demo.example").await;
    let seen = admin.get("/readiness/interviews").await;
    seen.assert_status(StatusCode::OK)
        .assert_contains(&format!("Person #{number}"))
        .assert_lacks(&person.legal_family_name);
    assert!(app.audit_soon_contains("readiness.interview.list").await);

    // Withdrawn over the API, the person drops off the roster.
    let token = quality.create_token("roster").await;
    let list = quality.api(Method::GET, "/api/v1/readiness/interviews", &token, None).await.json();
    let entry = list.as_array().unwrap().iter().find(|e| e["kind"] == "person-served").unwrap().clone();
    assert_eq!(entry["consent_method"], "verbal");
    let path = format!("/api/v1/readiness/interviews/{}/withdraw", entry["id"].as_str().unwrap());
    let withdrawn =
        quality.api(Method::POST, &path, &token, Some(json!({ "version": 1, "note": "Changed their mind" }))).await;
    withdrawn.assert_status(StatusCode::OK);
    assert_eq!(withdrawn.json()["withdrawn_on"], "2026-11-18");
    quality.api(Method::POST, &path, &token, Some(json!({ "version": 1 }))).await.assert_status(StatusCode::CONFLICT);
    let page = quality.get("/readiness/interviews").await;
    let active = &page.body[..page.body.find("id=\"withdrawn\"").expect("withdrawn section")];
    assert!(!active.contains("Spanish, interpreter needed"), "no longer on the roster");
    page.assert_contains("Changed their mind");

    // Adding someone needs access to their record.
    let mut director_client = app.signed_in("director@demo.example").await;
    let token = director_client.create_token("roster").await;
    let body = json!({ "kind": "person-served", "record_number": "999999", "consent_method": "written" });
    let refused = director_client.api(Method::POST, "/api/v1/readiness/interviews", &token, Some(body)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&refused.json(), "record_number", "readiness-interview-error-no-person"));
}

/// Per program, the people with an enrolment open during the period.
async fn frames(app: &TestApp, from: time::Date, to: time::Date) -> BTreeMap<Uuid, BTreeSet<Uuid>> {
    let mut out: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
    for e in enrolment::Entity::find().all(app.db.conn()).await.unwrap() {
        if e.started_on <= to && e.ended_on.is_none_or(|d| d >= from) {
            out.entry(e.program_id).or_default().insert(e.person_id);
        }
    }
    out
}

fn drawn(sample: &Value) -> Vec<(String, String)> {
    sample["checklist"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["program_id"].as_str().unwrap().to_string(), r["person_id"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test]
async fn a_sample_is_stratified_by_program_and_the_same_seed_draws_the_same_records() {
    let app = TestApp::spawn().await;
    let mut quality = app.signed_in("quality@demo.example").await;
    let token = quality.create_token("samples").await;
    let ask = |seed: &str| json!({ "from": "2026-01-01", "to": "2026-10-31", "seed": seed, "percent": "50", "minimum": "3", "cap": "6" });
    let first = quality.api(Method::POST, "/api/v1/readiness/samples", &token, Some(ask("12345"))).await;
    first.assert_status(StatusCode::CREATED);
    let first = first.json();
    let again = quality.api(Method::POST, "/api/v1/readiness/samples", &token, Some(ask("12345"))).await.json();
    let other = quality.api(Method::POST, "/api/v1/readiness/samples", &token, Some(ask("54321"))).await.json();
    assert_eq!(first["seed"], 12345);
    assert_eq!(drawn(&first), drawn(&again), "same seed, same records");
    assert_ne!(drawn(&first), drawn(&other), "another seed, another sample");

    let frames = frames(&app, date!(2026 - 01 - 01), date!(2026 - 10 - 31)).await;
    let strata = first["strata"].as_array().unwrap();
    assert_eq!(strata.len(), frames.len());
    for stratum in strata {
        let program: Uuid = stratum["program_id"].as_str().unwrap().parse().unwrap();
        let frame = &frames[&program];
        assert_eq!(stratum["frame"], frame.len());
        let expected = stratum_size(frame.len(), 50.0, 3, 6);
        assert_eq!(stratum["drawn"], expected, "{}", stratum["program"]);
        let rows: Vec<Uuid> = drawn(&first)
            .into_iter()
            .filter(|(p, _)| *p == program.to_string())
            .map(|(_, person)| person.parse().unwrap())
            .collect();
        assert_eq!(rows.len(), expected);
        assert!(rows.iter().all(|p| frame.contains(p)), "drawn from the frame");
    }
    assert!(
        strata.iter().any(|s| s["drawn"].as_u64() < s["frame"].as_u64()),
        "some program was sampled, not taken whole"
    );

    // The page shows the seed and the checklist; opening it is audited like a list of people.
    let id = first["id"].as_str().unwrap();
    let page = quality.get(&format!("/readiness/samples/{id}")).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("12345")
        .assert_contains("Risk screen")
        .assert_contains("Person #");
    assert!(app.audit_soon_contains("readiness.sample.view").await);
    quality.get("/readiness/samples").await.assert_status(StatusCode::OK).assert_contains("12345");
    let drawn_form =
        quality.post("/readiness/samples", &[("from", "2026-01-01"), ("to", "2026-10-31"), ("cap", "2")]).await;
    drawn_form.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Must be at least the minimum");
    let ok = quality.post("/readiness/samples", &[("from", "2026-01-01"), ("to", "2026-10-31"), ("seed", "777")]).await;
    assert!(ok.location().starts_with("/readiness/samples/"), "{}", ok.body);
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/readiness/samples/{id}")).await.assert_status(StatusCode::FORBIDDEN);
}

/// A program of its own with two people: one whose record has everything, one with nothing.
async fn hand_built(app: &TestApp) -> (Uuid, Uuid, Uuid) {
    let quality = staff_row(app, "quality@demo.example").await;
    let (org_id, by) = (quality.org_id, quality.id);
    let conn = app.db.conn();
    let now = app.now();
    let program_id = Uuid::new_v4();
    program::ActiveModel::from(program::Model {
        id: program_id,
        org_id,
        name: "Checklist Coaching".into(),
        description: None,
        serves_individuals: true,
        serves_groups: false,
        serves_referral: false,
        peer_delivered: true,
        occasional_only: false,
        active: true,
        version: 1,
        created_at: now,
        updated_at: now,
    })
    .insert(conn)
    .await
    .unwrap();
    let mut ids = Vec::new();
    for (n, family) in [(970_001_i64, "Complete"), (970_002, "Empty")] {
        let id = Uuid::new_v4();
        let mut p: person::ActiveModel = person::Model { id, ..person_row(org_id, n, "Check", family, now) }.into();
        p = p.reset_all();
        p.insert(conn).await.unwrap();
        enrolment::ActiveModel::from(enrolment::Model {
            id: Uuid::new_v4(),
            org_id,
            person_id: id,
            program_id,
            worker_id: Some(by),
            started_on: date!(2026 - 06 - 01),
            ended_on: None,
            created_at: now,
            discharge_reason: None,
            discharge_note: None,
            request_id: None,
        })
        .insert(conn)
        .await
        .unwrap();
        ids.push(id);
    }
    let complete = ids[0];
    let screen_id = Uuid::new_v4();
    risk_screen::ActiveModel::from(risk_screen::Model {
        id: screen_id,
        org_id,
        person_id: complete,
        request_id: None,
        kind: "individual".into(),
        individual_reason: None,
        screened_at: datetime!(2026-06-05 15:00 UTC),
        screened_by: by,
        answers: "{}".into(),
        concerns: "".into(),
        suicide_level: "high".into(),
        level: "high".into(),
        notes: None,
        closed_at: None,
        closed_by: None,
        version: 1,
        created_at: now,
        updated_at: now,
    })
    .insert(conn)
    .await
    .unwrap();
    risk_response::ActiveModel::from(risk_response::Model {
        id: Uuid::new_v4(),
        org_id,
        screen_id,
        person_id: complete,
        kind: "safety-plan".into(),
        detail: "Made a safety plan together".into(),
        occurred_at: datetime!(2026-06-05 16:00 UTC),
        recorded_by: by,
        created_at: now,
    })
    .insert(conn)
    .await
    .unwrap();
    safety_plan::ActiveModel::from(safety_plan::Model {
        id: Uuid::new_v4(),
        org_id,
        person_id: complete,
        warning_signs: "x".into(),
        coping_strategies: "x".into(),
        distractions: "x".into(),
        people_to_ask: "x".into(),
        professionals: "x".into(),
        safer_environment: "x".into(),
        reasons_for_living: "x".into(),
        shared_on: None,
        updated_by: by,
        version: 1,
        created_at: now,
        updated_at: now,
    })
    .insert(conn)
    .await
    .unwrap();
    for (number, agreed, kind) in [(1, date!(2026 - 06 - 20), "initial"), (2, date!(2026 - 09 - 01), "review")] {
        recovery_plan_version::ActiveModel::from(recovery_plan_version::Model {
            id: Uuid::new_v4(),
            org_id,
            plan_id: Uuid::nil(),
            person_id: complete,
            number,
            kind: kind.into(),
            content: "{}".into(),
            goal_count: 0,
            has_strengths: false,
            has_barriers: false,
            has_progress: false,
            agreement: "verbal".into(),
            agreed_on: agreed,
            signed_name: None,
            agreement_note: Some("Agreed by phone".into()),
            review_due_on: None,
            recorded_by: by,
            created_at: now,
        })
        .insert(conn)
        .await
        .unwrap();
    }
    for month in [6u8, 7, 8, 9, 10] {
        let at = time::Date::from_calendar_date(2026, time::Month::try_from(month).unwrap(), 15)
            .unwrap()
            .with_hms(17, 0, 0)
            .unwrap()
            .assume_utc();
        coaching_contact::ActiveModel::from(coaching_contact::Model {
            id: Uuid::new_v4(),
            org_id,
            person_id: complete,
            program_id: Some(program_id),
            worker_id: by,
            occurred_at: at,
            minutes: 45,
            mode: "face-to-face".into(),
            setting: "community".into(),
            present: None,
            activities: "".into(),
            goals: "".into(),
            note: "Talked through the week and the next step.".into(),
            status: "signed".into(),
            signed_at: Some(at),
            signed_by: Some(by),
            warnings: None,
            lapse_id: None,
            group_session_id: None,
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .insert(conn)
        .await
        .unwrap();
    }
    (program_id, complete, ids[1])
}

#[tokio::test]
async fn the_checklist_marks_what_each_hand_built_record_has_and_lacks() {
    let app = TestApp::spawn().await;
    let (program_id, complete, empty) = hand_built(&app).await;
    let mut quality = app.signed_in("quality@demo.example").await;
    let token = quality.create_token("checklist").await;
    let ask = json!({ "source": "cse-2024", "from": "2026-06-01", "to": "2026-11-18", "seed": "1" });
    let sample = quality.api(Method::POST, "/api/v1/readiness/samples", &token, Some(ask)).await;
    sample.assert_status(StatusCode::CREATED);
    let sample = sample.json();
    let stratum = sample["strata"].as_array().unwrap().iter().find(|s| s["program"] == "Checklist Coaching").unwrap();
    assert_eq!(
        (stratum["frame"].as_u64(), stratum["drawn"].as_u64()),
        (Some(2), Some(2)),
        "a small frame is taken whole"
    );
    let columns: Vec<String> = sample["checklist"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["item"].as_str().unwrap().to_string())
        .collect();
    let marks = |person: Uuid| -> BTreeMap<String, String> {
        let row = sample["checklist"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["person_id"] == person.to_string() && r["program_id"] == program_id.to_string())
            .expect("drawn");
        columns
            .iter()
            .cloned()
            .zip(row["marks"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()))
            .collect()
    };
    let full = marks(complete);
    let none = marks(empty);
    for (item, has, lacks) in [
        ("screened", "missing", "missing"),
        ("risk-screened", "met", "missing"),
        ("risk-responded", "met", "na"),
        ("safety-plan", "met", "na"),
        ("plan-in-place", "met", "missing"),
        ("plan-reviewed", "met", "na"),
        ("contact-monthly", "met", "missing"),
        ("progress-notes", "met", "missing"),
        ("referral-followed-up", "na", "na"),
    ] {
        assert_eq!(full[item], has, "{item} for the complete record");
        assert_eq!(none[item], lacks, "{item} for the empty record");
    }

    // The printable page shows ✓ and ✗ with a link to each record.
    let page = quality.get(&format!("/readiness/samples/{}", sample["id"].as_str().unwrap())).await;
    page.assert_status(StatusCode::OK)
        .assert_contains(&format!("/people/{complete}"))
        .assert_contains("Person #970001")
        .assert_contains("✓")
        .assert_contains("✗");

    // Months later with no contact or review, the same record falls short.
    app.advance(120 * DAY);
    let later = json!({ "source": "cse-2024", "from": "2026-06-01", "to": "2027-03-18", "seed": "1" });
    let sample = quality.api(Method::POST, "/api/v1/readiness/samples", &token, Some(later)).await.json();
    let row = sample["checklist"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["person_id"] == complete.to_string())
        .unwrap();
    let cols: Vec<&str> =
        sample["checklist"]["columns"].as_array().unwrap().iter().map(|c| c["item"].as_str().unwrap()).collect();
    let at = |item: &str| row["marks"][cols.iter().position(|c| *c == item).unwrap()].as_str().unwrap().to_string();
    assert_eq!(at("plan-reviewed"), "missing");
    assert_eq!(at("contact-monthly"), "missing");
    let _ = person::Entity::find()
        .filter(person::Column::RecordNumber.eq(970_001))
        .one(app.db.conn())
        .await
        .unwrap()
        .unwrap();
}
