//! Training: the catalogue (validation, edits with conflicts, archive and delete), training records
//! (completions from a course or ad hoc with a certificate upload, demonstrated competencies only by
//! a manager and never for oneself), what a completion does to a person's gaps, the competency
//! matrix for a small team created here (columns, cells, gap counts) and its CSV, who may see what,
//! and group readiness drawn from training records. The clock is the harness's (2026-11-18).

use crate::helpers::{Client, TestApp};
use axum::http::{Method, StatusCode, header};
use mainstay::db::entities::{personnel_setting, staff, staff_certification};
use mainstay::domain::codes::UiLanguage;
use mainstay::i18n::Tr;
use sea_orm::ActiveModelTrait;
use serde_json::{Value, json};
use uuid::Uuid;

const PROGRAM: &str = "Harbour Training Test Program";

fn en(id: &str) -> String {
    Tr::new(UiLanguage::En).t(id)
}

fn en_with(id: &str, args: &[(&str, &str)]) -> String {
    let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.to_string())).collect();
    Tr::new(UiLanguage::En).with_args(id, &args)
}

/// As the templates escape text.
fn html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn error_code(response: &Value, field: &str) -> Option<String> {
    response["errors"].as_array()?.iter().find(|e| e["field"] == field).map(|e| e["code"].as_str().unwrap().to_string())
}

fn error_detail(response: &Value, field: &str) -> String {
    response["errors"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["field"] == field))
        .map(|e| e["detail"].as_str().unwrap_or("").to_string())
        .unwrap_or_default()
}

async fn staff_of(app: &TestApp, email: &str) -> staff::Model {
    mainstay::db::staff::by_email(&app.db, email).await.unwrap().expect("demo account")
}

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("training").await;
    (client, token)
}

fn denied(actions: &[(String, String)]) -> usize {
    actions.iter().filter(|(a, o)| a == "access.denied" && o == "denied").count()
}

/// A program of our own and three staff in it (no profiles, so their positions follow their
/// roles): a peer coach, a group facilitator and a supervisor. Returns (program, [ada, bo, cy]).
async fn small_team(app: &TestApp) -> (Uuid, [Uuid; 3]) {
    let mut admin = app.signed_in("admin@demo.example").await;
    admin.get("/admin/programs/new").await;
    admin
        .post("/admin/programs", &[("name", PROGRAM), ("serves_individuals", "on"), ("active", "on")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let org = mainstay::db::org::all(&app.db).await.unwrap()[0].id;
    let program = mainstay::db::org::programs(app.db.conn(), org)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.name == PROGRAM)
        .expect("program created")
        .id
        .to_string();
    let supervisor = staff_of(app, "supervisor@demo.example").await.id.to_string();
    let people = [
        ("Ada Matrixtest", "ada.matrixtest@demo.example", "coach"),
        ("Bo Matrixtest", "bo.matrixtest@demo.example", "group-facilitator"),
        ("Cy Matrixtest", "cy.matrixtest@demo.example", "supervisor"),
    ];
    let mut ids = Vec::new();
    for (name, email, role) in people {
        admin.get("/admin/staff/new").await;
        let created = admin
            .post(
                "/admin/staff",
                &[
                    ("display_name", name),
                    ("email", email),
                    ("roles", role),
                    ("program_ids", &program),
                    ("supervisor_id", &supervisor),
                    ("active", "on"),
                ],
            )
            .await;
        created.assert_status(StatusCode::OK);
        ids.push(staff_of(app, email).await.id);
    }
    (Uuid::parse_str(&program).unwrap(), [ids[0], ids[1], ids[2]])
}

#[tokio::test]
async fn the_catalogue_explains_every_mistake_and_keeps_versions_straight() {
    let app = TestApp::spawn().await;
    let (mut director, token) = api_user(&app, "director@demo.example").await;

    // An unknown requirement code is named; hours must be above 0.
    let bad = json!({ "title": "Peer ethics refresher", "topics": ["cse-2-07-ethics-boundaries", "cse-9-99-made-up"],
                      "hours": 0 });
    let refused = director.api(Method::POST, "/api/v1/team/courses", &token, Some(bad)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.json();
    assert_eq!(error_code(&body, "topics").as_deref(), Some("error-training-unknown-requirement"), "{body}");
    assert!(error_detail(&body, "topics").contains("cse-9-99-made-up"), "{body}");
    assert_eq!(error_code(&body, "hours").as_deref(), Some("error-training-hours"));
    let negative = json!({ "title": "X", "topics": ["prsc-s-outreach"], "hours": "-1.5" });
    let refused = director.api(Method::POST, "/api/v1/team/courses", &token, Some(negative)).await;
    assert_eq!(error_code(&refused.json(), "hours").as_deref(), Some("error-training-hours"));
    let untitled = json!({ "topics": [], "phase": "sometime" });
    let refused = director.api(Method::POST, "/api/v1/team/courses", &token, Some(untitled)).await.json();
    assert_eq!(error_code(&refused, "title").as_deref(), Some("error-required"));
    assert_eq!(error_code(&refused, "topics").as_deref(), Some("error-training-topics-required"));
    assert_eq!(error_code(&refused, "phase").as_deref(), Some("error-unknown-choice"));

    // The form says the same, keeping what was typed.
    director.get("/team/courses/new").await.assert_status(StatusCode::OK).assert_contains("name=\"topics\"");
    let page = director
        .post(
            "/team/courses/new",
            &[("title", "Suicide risk: the first conversation"), ("topics", "cse-2-03-suicide-signs"), ("hours", "0")],
        )
        .await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(&html(&en_with("error-training-hours", &[("max", "1000")])))
        .assert_contains("Suicide risk: the first conversation");
    let saved = director
        .post(
            "/team/courses/new",
            &[
                ("title", "Suicide risk: the first conversation"),
                ("provider", "County crisis team"),
                ("topics", "cse-2-03-suicide-signs"),
                ("topics", "cse-2-03-trauma-signs"),
                ("phase", "pre-service"),
                ("hours", "3.5"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let list = director.get("/team/courses?requirement=cse-2-03-suicide-signs").await;
    list.assert_contains("Suicide risk: the first conversation")
        .assert_contains(&html(&en("requirement-cse-2-03-suicide-signs")))
        .assert_contains(&html(&en("requirement-group-cse-2-03")))
        .assert_contains(&html(&en("training-phase-pre-service")));
    director
        .get("/team/courses?requirement=prsc-s-outreach")
        .await
        .assert_lacks("Suicide risk: the first conversation");

    // Everyone on staff reads the catalogue; only administrators and directors change it.
    let (mut coach, coach_token) = api_user(&app, "coach@demo.example").await;
    coach.get("/team/courses").await.assert_status(StatusCode::OK).assert_lacks("/team/courses/new");
    let before = denied(&app.audit_actions().await);
    coach.get("/team/courses/new").await.assert_status(StatusCode::FORBIDDEN);
    let course = json!({ "title": "Coach's own course", "topics": ["prsc-s-outreach"] });
    coach
        .api(Method::POST, "/api/v1/team/courses", &coach_token, Some(course))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(denied(&app.audit_actions().await), before + 2);

    // Round trip through the API: create, read, change, a stale change, archive, restore, delete.
    let course = json!({ "title": "Motivational conversations", "topics": ["prsc-s-motivation", "prsc-s-listening"],
                         "phase": "in-service", "hours": 6 });
    let created = director.api(Method::POST, "/api/v1/team/courses", &token, Some(course)).await;
    created.assert_status(StatusCode::CREATED);
    let created = created.json();
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["topics"], json!(["prsc-s-motivation", "prsc-s-listening"]));
    assert_eq!((created["hours"].as_f64(), created["version"].as_i64()), (Some(6.0), Some(1)));
    let path = format!("/api/v1/team/courses/{id}");
    let change = json!({ "title": "Motivational conversations (2 days)", "topics": ["prsc-s-motivation"], "hours": "12",
                         "version": 1 });
    let changed = director.api(Method::PUT, &path, &token, Some(change.clone())).await;
    changed.assert_status(StatusCode::OK);
    assert_eq!(changed.json()["version"], 2);
    director.api(Method::PUT, &path, &token, Some(change)).await.assert_status(StatusCode::CONFLICT);
    let archived = director.api(Method::POST, &format!("{path}/archive"), &token, Some(json!({ "version": 2 }))).await;
    assert_eq!(archived.json()["active"], false);
    let listed = director.api(Method::GET, "/api/v1/team/courses", &token, None).await.json();
    assert!(!listed.as_array().unwrap().iter().any(|c| c["id"] == id.as_str()));
    let all = director.api(Method::GET, "/api/v1/team/courses?archived=true", &token, None).await.json();
    assert!(all.as_array().unwrap().iter().any(|c| c["id"] == id.as_str()));
    let unknown = director.api(Method::GET, "/api/v1/team/courses?requirement=juggling", &token, None).await;
    assert_eq!(error_code(&unknown.json(), "requirement").as_deref(), Some("error-training-unknown-requirement"));
    director
        .api(Method::POST, &format!("{path}/restore"), &token, Some(json!({ "version": 3 })))
        .await
        .assert_status(StatusCode::OK);
    director.api(Method::DELETE, &format!("{path}?version=3"), &token, None).await.assert_status(StatusCode::CONFLICT);
    director
        .api(Method::DELETE, &format!("{path}?version=4"), &token, None)
        .await
        .assert_status(StatusCode::NO_CONTENT);
    director.api(Method::GET, &path, &token, None).await.assert_status(StatusCode::NOT_FOUND);
    let actions: Vec<String> = app.audit_actions().await.into_iter().map(|(a, _)| a).collect();
    for action in [
        "personnel.course.create",
        "personnel.course.update",
        "personnel.course.archive",
        "personnel.course.restore",
        "personnel.course.delete",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} audited");
    }
}

#[tokio::test]
async fn a_completion_closes_a_gap_and_records_round_trip() {
    let app = TestApp::spawn().await;
    let (_program, [ada, _bo, _cy]) = small_team(&app).await;
    let (mut admin, token) = api_user(&app, "admin@demo.example").await;
    let path = format!("/api/v1/team/{ada}/training");

    let before = admin.api(Method::GET, &path, &token, None).await;
    before.assert_status(StatusCode::OK);
    let before = before.json();
    assert_eq!(before["positions"], json!(["peer-specialist"]));
    assert!(before["missing_topics"].as_array().unwrap().contains(&json!("cse-2-03-suicide-signs")));
    let gaps_before = before["gap_count"].as_u64().unwrap();

    // A course fills what the completion leaves out.
    let course = json!({ "title": "Suicide risk: signs and first steps", "topics": ["cse-2-03-suicide-signs"],
                         "phase": "in-service", "hours": 3, "provider": "County crisis team" });
    let course = admin.api(Method::POST, "/api/v1/team/courses", &token, Some(course)).await.json();
    // Far in the past (a typo, or a year no database stores) is refused as plainly as the future.
    let ancient = json!({ "course_id": course["id"], "completed_on": "-5000-01-01" });
    let refused = admin.api(Method::POST, &path, &token, Some(ancient)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&refused.json(), "completed_on").as_deref(), Some("error-training-date-too-old"));
    let future = json!({ "course_id": course["id"], "completed_on": "2026-11-19" });
    let refused = admin.api(Method::POST, &path, &token, Some(future)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&refused.json(), "completed_on").as_deref(), Some("error-training-date-future"));
    let no_hours = json!({ "title": "Ad hoc session", "topics": ["cse-2-03-referral"], "completed_on": "2026-10-01" });
    let refused = admin.api(Method::POST, &path, &token, Some(no_hours)).await.json();
    assert_eq!(error_code(&refused, "hours").as_deref(), Some("error-training-hours"));
    let unknown = json!({ "course_id": Uuid::new_v4(), "completed_on": "2026-10-01" });
    let refused = admin.api(Method::POST, &path, &token, Some(unknown)).await.json();
    assert_eq!(error_code(&refused, "course_id").as_deref(), Some("error-unknown-choice"));

    let done = json!({ "course_id": course["id"], "completed_on": "2026-10-01" });
    let created = admin.api(Method::POST, &path, &token, Some(done)).await;
    created.assert_status(StatusCode::CREATED);
    let record = created.json();
    assert_eq!(record["title"], "Suicide risk: signs and first steps");
    assert_eq!(record["topics"], json!(["cse-2-03-suicide-signs"]));
    assert_eq!((record["hours"].as_f64(), record["phase"].as_str()), (Some(3.0), Some("in-service")));
    assert_eq!(record["kind"], "completed");
    let after = admin.api(Method::GET, &path, &token, None).await.json();
    assert!(!after["missing_topics"].as_array().unwrap().contains(&json!("cse-2-03-suicide-signs")));
    assert_eq!(after["gap_count"].as_u64().unwrap(), gaps_before - 1);
    let item = after["competency"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["need"]["code"] == "cse-2-03-suicide-signs")
        .unwrap()
        .clone();
    assert_eq!(item["standing"], json!({ "status": "met", "on": "2026-10-01" }));

    // Change it (hours), a stale change is refused, then delete it: the gap is back.
    let rid = record["id"].as_str().unwrap();
    let one = format!("{path}/{rid}");
    let change = json!({ "title": "Suicide risk: signs and first steps", "topics": ["cse-2-03-suicide-signs"],
                         "completed_on": "2026-10-02", "hours": 2.5, "version": 1 });
    let changed = admin.api(Method::PUT, &one, &token, Some(change.clone())).await;
    changed.assert_status(StatusCode::OK);
    assert_eq!((changed.json()["hours"].as_f64(), changed.json()["version"].as_i64()), (Some(2.5), Some(2)));
    admin.api(Method::PUT, &one, &token, Some(change)).await.assert_status(StatusCode::CONFLICT);
    admin.api(Method::GET, &one, &token, None).await.assert_status(StatusCode::OK);
    admin.api(Method::DELETE, &format!("{one}?version=1"), &token, None).await.assert_status(StatusCode::CONFLICT);
    admin.api(Method::DELETE, &format!("{one}?version=2"), &token, None).await.assert_status(StatusCode::NO_CONTENT);
    let last = admin.api(Method::GET, &path, &token, None).await.json();
    assert_eq!(last["gap_count"].as_u64().unwrap(), gaps_before);
    let actions: Vec<String> = app.audit_actions().await.into_iter().map(|(a, _)| a).collect();
    for action in ["personnel.training.add", "personnel.training.update", "personnel.training.delete"] {
        assert!(actions.iter().any(|a| a == action), "{action} audited");
    }
}

/// A multipart body with text fields and one file part.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let content_type = format!("multipart/form-data; boundary={}", crate::helpers::MULTIPART_BOUNDARY);
    (content_type, crate::helpers::multipart_body(fields, "certificate", file))
}

fn csrf_of(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).expect("csrf field") + marker.len();
    page[start..start + page[start..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn staff_record_their_own_training_with_a_certificate_and_see_only_their_own() {
    let app = TestApp::spawn().await;
    let coach = staff_of(&app, "coach@demo.example").await;
    let facilitator = staff_of(&app, "facilitator@demo.example").await;
    let mut client = app.signed_in("coach@demo.example").await;
    let page = client.get(&format!("/team/{}/training", coach.id)).await;
    page.assert_status(StatusCode::OK)
        .assert_contains(&html(&en("training-completion-title")))
        .assert_contains("enctype=\"multipart/form-data\"")
        .assert_contains("href=\"/team/training.css\"")
        // A coach records their own training but does not attest their own competencies.
        .assert_lacks(&html(&en("training-demonstration-title")));
    let csrf = csrf_of(&page.body);
    let pdf = b"%PDF-1.7 synthetic certificate";
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("title", "Naloxone and overdose response"),
        ("topics", "cse-2-07-intensive-services"),
        ("topics", "prsc-s-crisis"),
        ("completed_on", "2026-09-14"),
        ("hours", "2"),
        ("phase", "in-service"),
    ];
    // A file that is not what it says is refused with the typed values kept.
    let (ct, body) = multipart(&fields, Some(("certificate.pdf", "application/pdf", b"GIF89a not a pdf")));
    let path = format!("/team/{}/training", coach.id);
    let refused = client.request(Method::POST, &path, Some(&ct), String::from_utf8_lossy(&body).to_string(), &[]).await;
    refused
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(&html(&en_with("training-error-certificate-type", &[("types", "PDF, PNG, JPEG")])))
        .assert_contains("Naloxone and overdose response");
    let (ct, body) = multipart(&fields, Some(("certificate.pdf", "application/pdf", pdf)));
    let saved = client.request(Method::POST, &path, Some(&ct), String::from_utf8_lossy(&body).to_string(), &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = client.get(&path).await;
    page.assert_contains("Naloxone and overdose response")
        .assert_contains(&html(&en("requirement-prsc-s-crisis")))
        .assert_contains(&html(&en("requirement-group-prsc-skills")))
        .assert_contains(&html(&en("training-certificate-download")));
    let start = page.body.find("/certificate\"").expect("certificate link");
    let link_start = page.body[..start].rfind("href=\"").unwrap() + 6;
    let link = format!("{}/certificate", &page.body[link_start..start]);
    let file = client.get(&link).await;
    file.assert_status(StatusCode::OK);
    assert_eq!(file.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(file.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment"));
    assert_eq!(file.body.as_bytes(), pdf);
    // A certificate over the application's 2 MB request limit, but within its own 5 MiB, is taken.
    let scan = [b"%PDF-1.7 ".as_slice(), &vec![b'a'; 3 * 1024 * 1024]].concat();
    let mut scanned = fields;
    scanned[1] = ("title", "Ethics and boundaries refresher");
    let (ct, body) = multipart(&scanned, Some(("scan.pdf", "application/pdf", &scan)));
    let saved = client.request(Method::POST, &path, Some(&ct), String::from_utf8_lossy(&body).to_string(), &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    // Not a colleague's record, nor the matrix; each refusal is audited.
    let before = denied(&app.audit_actions().await);
    client.get(&format!("/team/{}/training", facilitator.id)).await.assert_status(StatusCode::FORBIDDEN);
    client.get("/team/matrix").await.assert_status(StatusCode::FORBIDDEN);
    client.get("/team/matrix.csv").await.assert_status(StatusCode::FORBIDDEN);
    let token = client.create_token("training").await;
    client.api(Method::GET, "/api/v1/team/matrix", &token, None).await.assert_status(StatusCode::FORBIDDEN);
    let other = json!({ "title": "X", "topics": ["prsc-s-outreach"], "completed_on": "2026-10-01", "hours": 1 });
    client
        .api(Method::POST, &format!("/api/v1/team/{}/training", facilitator.id), &token, Some(other))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(denied(&app.audit_actions().await), before + 5);
    let matrix_refusal = {
        use mainstay::db::entities::audit_event::{Column, Entity};
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        Entity::find().filter(Column::Action.eq("access.denied")).all(app.db.conn()).await.unwrap()
    };
    assert!(matrix_refusal.iter().any(|e| e.detail.to_string().contains("personnel.matrix")));
    assert!(app.audit_soon_contains("personnel.view").await);
}

#[tokio::test]
async fn only_a_manager_attests_a_competency_and_never_their_own() {
    let app = TestApp::spawn().await;
    let coach = staff_of(&app, "coach@demo.example").await;
    let supervisor = staff_of(&app, "supervisor@demo.example").await;
    let facilitator = staff_of(&app, "facilitator@demo.example").await;
    let shown = json!({ "topics": ["prsc-s-listening", "prsc-s-emotional-support"],
                        "demonstration": "Observed two coaching conversations" });
    let (mut sup, sup_token) = api_user(&app, "supervisor@demo.example").await;

    // Missing how it was shown, then with it.
    let no_how = json!({ "topics": ["prsc-s-listening"] });
    let refused = sup
        .api(Method::POST, &format!("/api/v1/team/{}/training/demonstrated", coach.id), &sup_token, Some(no_how))
        .await;
    assert_eq!(error_code(&refused.json(), "demonstration").as_deref(), Some("error-training-demonstration-required"));
    let created = sup
        .api(Method::POST, &format!("/api/v1/team/{}/training/demonstrated", coach.id), &sup_token, Some(shown.clone()))
        .await;
    created.assert_status(StatusCode::CREATED);
    let created = created.json();
    assert_eq!(
        (created["kind"].as_str(), created["completed_on"].as_str()),
        (Some("demonstrated"), Some("2026-11-18"))
    );
    assert_eq!(created["attested_by"], supervisor.id.to_string());

    // Not for themselves; not by the staff member; not by someone who does not manage the record.
    let before = denied(&app.audit_actions().await);
    sup.api(
        Method::POST,
        &format!("/api/v1/team/{}/training/demonstrated", supervisor.id),
        &sup_token,
        Some(shown.clone()),
    )
    .await
    .assert_status(StatusCode::FORBIDDEN);
    let (mut coach_client, coach_token) = api_user(&app, "coach@demo.example").await;
    coach_client
        .api(
            Method::POST,
            &format!("/api/v1/team/{}/training/demonstrated", coach.id),
            &coach_token,
            Some(shown.clone()),
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    // Nor change the attestation about themselves.
    let rid = created["id"].as_str().unwrap();
    let edit = json!({ "topics": ["prsc-s-listening"], "demonstration": "Self-assessed", "version": 1 });
    coach_client
        .api(Method::PUT, &format!("/api/v1/team/{}/training/{rid}", coach.id), &coach_token, Some(edit))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let (mut quality, q_token) = api_user(&app, "quality@demo.example").await;
    quality
        .api(Method::POST, &format!("/api/v1/team/{}/training/demonstrated", facilitator.id), &q_token, Some(shown))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(denied(&app.audit_actions().await), before + 4);
    // The quality lead reads it, though.
    let read = quality.api(Method::GET, &format!("/api/v1/team/{}/training", coach.id), &q_token, None).await;
    read.assert_status(StatusCode::OK);
    assert!(read.json()["records"].as_array().unwrap().iter().any(|r| r["id"] == rid));
    assert_eq!(read.json()["may_attest"], false);

    // The supervisor's page offers the form; the demonstrated record shows who attested it.
    let page = sup.get(&format!("/team/{}/training", coach.id)).await;
    page.assert_contains(&html(&en("training-demonstration-title")))
        .assert_contains("Observed two coaching conversations")
        .assert_contains(&html(&en_with("training-attested-by", &[("name", &supervisor.display_name)])));
    let missing =
        sup.post(&format!("/team/{}/training/demonstrated", coach.id), &[("topics", "prsc-s-outreach")]).await;
    missing
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(&html(&en("error-training-demonstration-required")))
        .assert_contains("href=\"#d-demonstration\"");
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "personnel.training.attest"));
}

#[tokio::test]
async fn the_matrix_shows_what_each_role_needs_and_where_the_gaps_are() {
    let app = TestApp::spawn().await;
    let (program, [ada, bo, cy]) = small_team(&app).await;
    let (mut admin, token) = api_user(&app, "admin@demo.example").await;
    let done = json!({ "title": "Referral steps", "topics": ["cse-2-03-referral"], "completed_on": "2026-10-01",
                       "hours": 1.5, "phase": "in-service" });
    admin
        .api(Method::POST, &format!("/api/v1/team/{ada}/training"), &token, Some(done))
        .await
        .assert_status(StatusCode::CREATED);

    let m = admin.api(Method::GET, &format!("/api/v1/team/matrix?program={program}"), &token, None).await;
    m.assert_status(StatusCode::OK);
    let m = m.json();
    let columns: Vec<String> =
        m["columns"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap().into()).collect();
    let expected = [
        "qualification",
        "supervisor-experience",
        "supervisor-degree",
        "cse-2-02-supervision",
        "cse-2-03-referral",
        "cse-2-03-trauma-signs",
        "cse-2-03-suicide-signs",
        "cse-2-04-engaging",
        "cse-2-04-dynamics-safety",
        "cse-2-04-leading-discussion",
        "cse-2-04-facilitating-activities",
        "cse-2-05-development-family",
        "cse-2-05-evidence-based",
        "cse-2-05-person-in-environment",
        "cse-2-05-reaching-disengaged",
        "peer-certification",
        "lived-experience",
        "shares-story",
        "job-description",
        "role-understanding",
        "supervision-current",
        "peer-mentoring",
        "pre-service",
        "in-service",
        "cse-2-07-intensive-services",
        "cse-2-07-ethics-boundaries",
        "cse-2-07-wellness-trauma-informed",
        "cse-2-07-own-triggers",
        "cse-2-07-recovery-concepts",
    ];
    assert_eq!(columns, expected);
    let groups: Vec<(String, u64)> = m["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["heading"].as_str().unwrap().to_string(), g["span"].as_u64().unwrap()))
        .collect();
    assert_eq!(groups[0], (en("requirement-group-cse-2-01"), 1));
    assert_eq!(groups[1], (en("requirement-group-cse-2-02"), 3));
    assert_eq!(groups.iter().map(|g| g.1).sum::<u64>(), expected.len() as u64);
    let rows = m["rows"].as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Ada Matrixtest", "Bo Matrixtest", "Cy Matrixtest"]);
    let col = |code: &str| expected.iter().position(|c| *c == code).unwrap();
    let row = |id: Uuid| rows.iter().find(|r| r["staff_id"] == id.to_string()).unwrap();
    assert_eq!(row(ada)["cells"][col("cse-2-03-referral")], json!({ "status": "met", "on": "2026-10-01" }));
    assert_eq!(row(ada)["cells"][col("cse-2-03-trauma-signs")], json!({ "status": "missing" }));
    assert_eq!(row(bo)["cells"][col("peer-certification")], Value::Null);
    assert_eq!(row(bo)["cells"][col("cse-2-04-engaging")], json!({ "status": "missing" }));
    assert_eq!(row(cy)["cells"][col("cse-2-05-evidence-based")], Value::Null);
    // Ada: 22 needs, one met; Bo: 2.03, qualification, 2.05 and 2.04; Cy: 2.03 and the 2.02 three.
    assert_eq!(
        (row(ada)["gaps"].as_u64(), row(bo)["gaps"].as_u64(), row(cy)["gaps"].as_u64()),
        (Some(21), Some(12), Some(6))
    );
    let column_gaps = m["column_gaps"].as_array().unwrap();
    assert_eq!(column_gaps[col("cse-2-03-referral")], 2);
    assert_eq!(column_gaps[col("cse-2-03-trauma-signs")], 3);
    assert_eq!(column_gaps[col("qualification")], 2);
    assert_eq!(column_gaps[col("supervisor-degree")], 1);
    assert_eq!(column_gaps[col("peer-certification")], 1);

    // Filters: by position, and only people with gaps (everyone here).
    let supervisors = admin
        .api(Method::GET, &format!("/api/v1/team/matrix?program={program}&position=supervisor"), &token, None)
        .await
        .json();
    assert_eq!(supervisors["rows"].as_array().unwrap().len(), 1);
    assert_eq!(supervisors["columns"].as_array().unwrap().len(), 6);
    let bad = admin.api(Method::GET, "/api/v1/team/matrix?position=juggler", &token, None).await;
    assert_eq!(error_code(&bad.json(), "position").as_deref(), Some("error-unknown-choice"));

    // The page: sticky headings, gaps in words, the CSV link with the same filter.
    let page = admin.get(&format!("/team/matrix?program={program}&gaps=1")).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Ada Matrixtest")
        .assert_contains(&format!("href=\"/team/{bo}/training\""))
        .assert_contains(&html(&en("requirement-group-cse-2-04")))
        .assert_contains(&html(&en("requirement-cse-2-04-leading-discussion")))
        .assert_contains(&format!("<td class=\"gap\">{}</td>", en("matrix-missing")))
        .assert_contains("scope=\"colgroup\"");
    assert_eq!(page.body.matches("class=\"who\"><a href=\"/team/").count(), 3);
    let at = page.body.find("matrix.csv").expect("CSV link");
    assert!(
        page.body[at..].starts_with(&format!("matrix.csv?program={program}&#38;gaps=1\"")),
        "{}",
        &page.body[at - 40..at + 80]
    );

    // The CSV: one row per person, one column per need.
    let csv = admin.get(&format!("/team/matrix.csv?program={program}")).await;
    csv.assert_status(StatusCode::OK);
    assert!(csv.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("competency-matrix-2026-11-18.csv"));
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let head: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(head.len(), 3 + expected.len());
    assert!(head[3 + col("cse-2-03-referral")].ends_with("(cse-2-03-referral)"));
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 3);
    let ada_row = records.iter().find(|r| &r[0] == "Ada Matrixtest").unwrap();
    assert_eq!(&ada_row[2], "21");
    assert_eq!(&ada_row[3 + col("cse-2-03-referral")], "2026-10-01");
    assert_eq!(&ada_row[3 + col("cse-2-03-trauma-signs")], en("matrix-missing"));
    let bo_row = records.iter().find(|r| &r[0] == "Bo Matrixtest").unwrap();
    assert_eq!(&bo_row[3 + col("peer-certification")], "");

    // A supervisor sees only their supervisees (and themselves).
    let (mut sup, sup_token) = api_user(&app, "supervisor@demo.example").await;
    let theirs = sup.api(Method::GET, "/api/v1/team/matrix", &sup_token, None).await.json();
    let ids: Vec<&str> = theirs["rows"].as_array().unwrap().iter().map(|r| r["staff_id"].as_str().unwrap()).collect();
    assert!(ids.contains(&ada.to_string().as_str()));
    let director = staff_of(&app, "director@demo.example").await;
    assert!(!ids.contains(&director.id.to_string().as_str()));
    assert!(app.audit_soon_contains("personnel.matrix").await);
}

#[tokio::test]
async fn group_readiness_comes_from_training_records() {
    let app = TestApp::spawn().await;
    let (_program, [ada, bo, cy]) = small_team(&app).await;
    let org = mainstay::db::org::all(&app.db).await.unwrap()[0].id;
    let groups_program = mainstay::db::org::programs(app.db.conn(), org)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.serves_groups)
        .unwrap()
        .id;
    let (mut director, token) = api_user(&app, "director@demo.example").await;
    let group = json!({
        "program_id": groups_program, "name": "Readiness Check Circle", "kind": "support", "focus_areas": ["transitions"],
        "audience": ["individuals"], "membership": "open", "capacity": 12, "capacity_rule": "warn",
        "language": "English", "online_link": "https://meet.example.org/readiness", "status": "active",
    });
    let group = director.api(Method::POST, "/api/v1/groups", &token, Some(group)).await;
    group.assert_status(StatusCode::CREATED);
    let group = group.json();
    let gid = group["id"].as_str().unwrap().to_string();
    let added = director
        .api(
            Method::POST,
            &format!("/api/v1/groups/{gid}/facilitators"),
            &token,
            Some(json!({ "staff_id": bo, "role": "lead" })),
        )
        .await;
    added.assert_status(StatusCode::CREATED);
    assert_eq!(added.json()["readiness"]["missing"].as_array().unwrap().len(), 4);

    // A completed course covering two of the four skills counts.
    let (mut admin, admin_token) = api_user(&app, "admin@demo.example").await;
    let course = json!({ "title": "Group facilitation basics", "topics": ["cse-2-04-engaging", "cse-2-04-dynamics-safety"],
                         "completed_on": "2026-08-20", "hours": 6 });
    admin
        .api(Method::POST, &format!("/api/v1/team/{bo}/training"), &admin_token, Some(course))
        .await
        .assert_status(StatusCode::CREATED);
    let detail = director.api(Method::GET, &format!("/api/v1/groups/{gid}"), &token, None).await.json();
    let entry =
        detail["facilitators"].as_array().unwrap().iter().find(|f| f["name"] == "Bo Matrixtest").unwrap().clone();
    assert_eq!(entry["readiness"]["missing"], json!(["leading-discussion", "facilitating-activities"]));

    // Their supervisor attests the rest on the readiness page: it becomes a demonstrated competency.
    let mut sup = app.signed_in("supervisor@demo.example").await;
    let page = sup.get("/groups/readiness").await;
    page.assert_contains(&format!("href=\"/team/{bo}/training\"")).assert_contains(&format!("staff:{bo}"));
    let who = format!("staff:{bo}");
    let empty = sup.post("/groups/readiness", &[("who", who.as_str())]).await;
    empty
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(&html(&en("training-error-readiness-staff-empty")));
    sup.post(
        "/groups/readiness",
        &[("who", who.as_str()), ("areas", "leading-discussion"), ("areas", "facilitating-activities")],
    )
    .await
    .assert_redirect_to("/groups/readiness");
    let detail = director.api(Method::GET, &format!("/api/v1/groups/{gid}"), &token, None).await.json();
    let entry =
        detail["facilitators"].as_array().unwrap().iter().find(|f| f["name"] == "Bo Matrixtest").unwrap().clone();
    assert_eq!(entry["ready"], true, "{entry}");
    let training = admin.api(Method::GET, &format!("/api/v1/team/{bo}/training"), &admin_token, None).await.json();
    let demonstrated =
        training["records"].as_array().unwrap().iter().find(|r| r["kind"] == "demonstrated").unwrap().clone();
    assert_eq!(demonstrated["topics"], json!(["cse-2-04-leading-discussion", "cse-2-04-facilitating-activities"]));
    assert_eq!(demonstrated["demonstration"], "Observed leading a group");
    let readiness = director.api(Method::GET, "/api/v1/groups/readiness", &token, None).await.json();
    let bo_entry = readiness.as_array().unwrap().iter().find(|e| e["name"] == "Bo Matrixtest").unwrap().clone();
    assert_eq!(bo_entry["history"].as_array().unwrap().len(), 2, "{bo_entry}");
    // Bo's supervisor reads how the skill was shown.
    sup.get("/groups/readiness").await.assert_contains("Observed leading a group");
    // A colleague outside Bo's personnel record sees which skills are covered, not how they were shown.
    let (mut peer, peer_token) = api_user(&app, "facilitator@demo.example").await;
    let seen = peer.api(Method::GET, "/api/v1/groups/readiness", &peer_token, None).await;
    seen.assert_status(StatusCode::OK);
    let seen = seen.json();
    let bo_seen = seen.as_array().unwrap().iter().find(|e| e["name"] == "Bo Matrixtest").unwrap().clone();
    assert_eq!(bo_seen["history"].as_array().unwrap().len(), 2, "{bo_seen}");
    assert!(bo_seen["history"].as_array().unwrap().iter().all(|h| h["note"].is_null()), "{bo_seen}");
    peer.get("/groups/readiness").await.assert_status(StatusCode::OK).assert_lacks("Observed leading a group");
    let actions: Vec<String> = app.audit_actions().await.into_iter().map(|(a, _)| a).collect();
    assert!(actions.iter().any(|a| a == "group.readiness.attest"));
    assert!(actions.iter().any(|a| a == "personnel.training.attest"));

    // A facilitator whose peer certification lapsed is flagged on the group page.
    staff_certification::ActiveModel::from(staff_certification::Model {
        id: Uuid::new_v4(),
        org_id: org,
        staff_id: ada,
        kind: "peer-recovery".into(),
        name: "Certified Peer Recovery Specialist".into(),
        jurisdiction: "ME".into(),
        number: Some("CPRS-0001".into()),
        issued_on: time::macros::date!(2024 - 01 - 10),
        expires_on: Some(time::macros::date!(2026 - 10 - 31)),
        file_id: None,
        recorded_by: ada,
        version: 1,
        created_at: app.now(),
        updated_at: app.now(),
    })
    .insert(app.db.conn())
    .await
    .unwrap();
    director
        .api(
            Method::POST,
            &format!("/api/v1/groups/{gid}/facilitators"),
            &token,
            Some(json!({ "staff_id": ada, "role": "co-facilitator" })),
        )
        .await
        .assert_status(StatusCode::CREATED);
    let page = director.get(&format!("/groups/{gid}")).await;
    page.assert_contains(&html(&en_with("training-certification-lapsed", &[("date", "2026-10-31")])))
        .assert_contains(&html(&en("training-certification-lapsed-heading")));

    // Under the organisation's block policy, someone without group training is refused.
    personnel_setting::ActiveModel::from(personnel_setting::Model {
        org_id: org,
        gap_policy: "block".into(),
        supervision_days: 30,
        mentoring_days: 90,
        in_service_months: 12,
        pre_service_grace_days: 90,
        weight_high: 2.0,
        weight_moderate: 1.0,
        weight_low: 0.5,
        max_weighted_caseload: 30.0,
        max_contacts_per_month: 100,
        max_groups: 4,
        max_open_referrals: 40,
        review_months: 6,
        version: 1,
        updated_at: app.now(),
        updated_by: None,
    })
    .insert(app.db.conn())
    .await
    .unwrap();
    let refused = director
        .api(
            Method::POST,
            &format!("/api/v1/groups/{gid}/facilitators"),
            &token,
            Some(json!({ "staff_id": cy, "role": "co-facilitator" })),
        )
        .await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&refused.json(), "staff_id").as_deref(), Some("error-assignment-gaps"));
}

#[tokio::test]
async fn training_facts_read_in_one_row_per_person_match_the_records() {
    let app = TestApp::spawn().await;
    let (_program, [ada, bo, _cy]) = small_team(&app).await;
    let (mut admin, token) = api_user(&app, "admin@demo.example").await;
    for (who, body) in [
        (
            ada,
            json!({ "title": "Peer ethics | boundaries", "topics": ["cse-2-07-ethics-boundaries", "prsc-k-values"],
                      "completed_on": "2025-03-04", "hours": 6, "phase": "pre-service" }),
        ),
        (
            ada,
            json!({ "title": "Referral steps", "topics": ["cse-2-03-referral"], "completed_on": "2026-10-01", "hours": 1 }),
        ),
    ] {
        admin
            .api(Method::POST, &format!("/api/v1/team/{who}/training"), &token, Some(body))
            .await
            .assert_status(StatusCode::CREATED);
    }
    let shown = json!({ "topics": ["cse-2-04-leading-discussion"], "demonstration": "Observed" });
    let (mut sup, sup_token) = api_user(&app, "supervisor@demo.example").await;
    sup.api(Method::POST, &format!("/api/v1/team/{bo}/training/demonstrated"), &sup_token, Some(shown))
        .await
        .assert_status(StatusCode::CREATED);
    let org = mainstay::db::org::all(&app.db).await.unwrap()[0].id;
    let everyone = mainstay::db::staff::active(&app.db, org).await.unwrap();
    let slow = mainstay::personnel::facts(app.db.conn(), org, &everyone).await.unwrap();
    let fast = mainstay::personnel::training::training_facts(app.db.conn(), org).await.unwrap();
    let key = |t: &mainstay::domain::personnel::TrainingFact| {
        (t.on, t.phase.code(), t.kind.code(), format!("{:?}", t.topics))
    };
    let mut compared = 0;
    for member in &everyone {
        let mut a = slow[&member.id].training.clone();
        let mut b = fast.get(&member.id).cloned().unwrap_or_default();
        a.sort_by_key(key);
        b.sort_by_key(key);
        assert_eq!(a, b, "{}", member.display_name);
        compared += a.len();
    }
    assert!(compared >= 3);
    assert_eq!(fast[&ada].len(), 2);
}
