//! Curricula through the pages and the API: writing and versioning, saves based on an older
//! version, validation, file uploads and downloads, print and export, retiring, who may write,
//! and the audit events of saves.

use crate::helpers::{Client, Response, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use mainstay::db::entities::{audit_event, curriculum, curriculum_file, support_group};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tower::ServiceExt;
use uuid::Uuid;

const BOUNDARY: &str = crate::helpers::MULTIPART_BOUNDARY;

fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {name}")) + marker.len();
    html[at..].split('"').next().expect("value").to_string()
}

/// Creates a two-session curriculum through the form and returns its id.
async fn create(client: &mut Client, title: &str) -> String {
    client.get("/curricula/new").await.assert_status(StatusCode::OK);
    let created = client
        .post(
            "/curricula",
            &[
                ("title", title),
                ("summary", "Skills to notice and handle cravings."),
                ("audience", "Adults in early recovery"),
                ("session_0_topic", "Triggers"),
                ("session_0_objectives", "Name three personal triggers"),
                ("session_0_activities", "Pair sharing; trigger map"),
                ("session_0_material_0_label", "Trigger worksheet"),
                ("session_0_material_0_url", "https://example.org/trigger-worksheet"),
                ("session_1_topic", "Coping plans"),
                ("session_1_objectives", "Write a one-page coping plan"),
                ("session_2_topic", ""),
            ],
        )
        .await;
    created.assert_status(StatusCode::SEE_OTHER);
    created.location().trim_start_matches("/curricula/").to_string()
}

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> Vec<u8> {
    crate::helpers::multipart_body(fields, "file", file)
}

/// Uploads through the page's form (text files only: the test client sends text bodies).
async fn upload_page(
    client: &mut Client,
    id: &str,
    csrf: &str,
    fields: &[(&str, &str)],
    file: (&str, &str, &str),
) -> Response {
    let mut all = vec![("csrf_token", csrf)];
    all.extend_from_slice(fields);
    let body = multipart(&all, Some((file.0, file.1, file.2.as_bytes())));
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    client
        .request(
            Method::POST,
            &format!("/curricula/{id}/files"),
            Some(&content_type),
            String::from_utf8(body).expect("text upload"),
            &[],
        )
        .await
}

/// A raw request with a bearer token and a binary body.
async fn api_raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request");
    let response = app.router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body").to_bytes().to_vec();
    (status, headers, bytes)
}

async fn titled(app: &TestApp, titles: &[&str]) -> u64 {
    let titles: Vec<String> = titles.iter().map(|t| t.to_string()).collect();
    curriculum::Entity::find().filter(curriculum::Column::Title.is_in(titles)).count(app.db.conn()).await.unwrap()
}

async fn saves_recorded(app: &TestApp, id: &str) -> u64 {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("curriculum.save"))
        .filter(audit_event::Column::RecordType.eq("curriculum"))
        .filter(audit_event::Column::RecordId.eq(Uuid::parse_str(id).unwrap()))
        .count(app.db.conn())
        .await
        .unwrap()
}

async fn stored(app: &TestApp, id: &str) -> curriculum::Model {
    curriculum::Entity::find_by_id(Uuid::parse_str(id).unwrap()).one(app.db.conn()).await.unwrap().unwrap()
}

async fn file_count(app: &TestApp, id: &str) -> u64 {
    curriculum_file::Entity::find()
        .filter(curriculum_file::Column::CurriculumId.eq(Uuid::parse_str(id).unwrap()))
        .count(app.db.conn())
        .await
        .unwrap()
}

/// A group (made directly in the database) that follows the curriculum at `version`.
async fn follow(app: &TestApp, curriculum_id: &str, version: i32, name: &str) {
    let staff = mainstay::db::staff::by_email(&app.db, "facilitator@demo.example").await.unwrap().unwrap();
    let program = mainstay::db::org::programs(app.db.conn(), staff.org_id).await.unwrap()[0].id;
    let now = app.now();
    let group = support_group::Model {
        id: Uuid::new_v4(),
        org_id: staff.org_id,
        program_id: program,
        name: name.into(),
        kind: "education".into(),
        focus_areas: "transitions".into(),
        audience: "individuals".into(),
        description: None,
        membership: "open".into(),
        capacity: None,
        capacity_rule: "warn".into(),
        language: "en".into(),
        site_id: None,
        room: None,
        online_link: None,
        peer_led: false,
        listed_publicly: false,
        curriculum_id: Some(Uuid::parse_str(curriculum_id).unwrap()),
        curriculum_version: Some(version),
        status: "active".into(),
        feed_token: Uuid::new_v4().simple().to_string(),
        created_by: staff.id,
        updated_by: staff.id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    support_group::Entity::insert(support_group::ActiveModel::from(group))
        .exec_without_returning(app.db.conn())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_curriculum_is_written_versioned_printed_and_exported() {
    let app = TestApp::spawn().await;
    let mut facilitator = app.signed_in("facilitator@demo.example").await;
    facilitator.get("/curricula").await.assert_status(StatusCode::OK).assert_contains("href=\"/curricula/new\"");
    let id = create(&mut facilitator, "Relapse prevention").await;
    assert_eq!(saves_recorded(&app, &id).await, 1);

    let page = facilitator.get(&format!("/curricula/{id}")).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Relapse prevention")
        .assert_contains("Session 1: Triggers")
        .assert_contains("Session 2: Coping plans")
        .assert_contains("href=\"https://example.org/trigger-worksheet\"")
        .assert_contains("Version 1");

    // Version 2: the second session moves first, a third is added, the title changes.
    let form = facilitator.get(&format!("/curricula/{id}/edit")).await;
    form.assert_status(StatusCode::OK);
    assert_eq!(value_of(&form.body, "version"), "1");
    let first_id = value_of(&form.body, "session_0_id");
    let second_id = value_of(&form.body, "session_1_id");
    let saved = facilitator
        .post(
            &format!("/curricula/{id}/edit"),
            &[
                ("version", "1"),
                ("title", "Relapse prevention (revised)"),
                ("summary", "Skills to notice and handle cravings."),
                ("audience", "Adults in early recovery"),
                ("session_0_id", &first_id),
                ("session_0_position", "2"),
                ("session_0_topic", "Triggers"),
                ("session_0_material_0_label", "Trigger worksheet"),
                ("session_0_material_0_url", "https://example.org/trigger-worksheet"),
                ("session_1_id", &second_id),
                ("session_1_position", "1"),
                ("session_1_topic", "Coping plans"),
                ("session_2_topic", "Support networks"),
                ("session_2_activities", "Map who you can call"),
                ("change_note", "Coping first; support networks added"),
            ],
        )
        .await;
    saved.assert_redirect_to(&format!("/curricula/{id}"));
    let page = facilitator.get(&format!("/curricula/{id}")).await;
    page.assert_contains("Relapse prevention (revised)")
        .assert_contains("Session 1: Coping plans")
        .assert_contains("Session 2: Triggers")
        .assert_contains("Session 3: Support networks")
        .assert_contains("Coping first; support networks added")
        .assert_contains(&format!("href=\"/curricula/{id}/versions/1\""));
    assert_eq!(stored(&app, &id).await.current_version, 2);
    assert_eq!(saves_recorded(&app, &id).await, 2);

    // Version 1 is still there as it was.
    let v1 = facilitator.get(&format!("/curricula/{id}/versions/1")).await;
    v1.assert_status(StatusCode::OK)
        .assert_contains("Session 1: Triggers")
        .assert_contains("earlier version")
        .assert_lacks("Support networks");

    // The list shows the current version and its sessions.
    let list = facilitator.get("/curricula").await;
    list.assert_contains("Relapse prevention (revised)");
    let row = &list.body[list.body.find("Relapse prevention (revised)").unwrap()..];
    assert!(row.contains(">2</td>") && row.contains(">3</td>"), "{row}");

    // The print page holds every session with its parts; an older version prints too.
    follow(&app, &id, 2, "Tuesday Evening Skills").await;
    let print = facilitator.get(&format!("/curricula/{id}/print")).await;
    print
        .assert_status(StatusCode::OK)
        .assert_contains("class=\"print-page\"")
        .assert_contains("Version 2")
        .assert_contains("Adults in early recovery")
        .assert_contains("Coping plans")
        .assert_contains("Triggers")
        .assert_contains("Support networks")
        .assert_contains("Map who you can call")
        .assert_contains("https://example.org/trigger-worksheet")
        .assert_contains("Tuesday Evening Skills");
    facilitator
        .get(&format!("/curricula/{id}/print?version=1"))
        .await
        .assert_contains("Version 1")
        .assert_lacks("Support networks");

    let md = facilitator.get(&format!("/curricula/{id}.md")).await;
    md.assert_status(StatusCode::OK);
    assert!(md.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/markdown"));
    assert!(md.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("relapse-prevention-revised-v2.md"));
    md.assert_contains("# Relapse prevention (revised)")
        .assert_contains("## Session 1: Coping plans")
        .assert_contains("## Session 3: Support networks")
        .assert_contains("- [Trigger worksheet](<https://example.org/trigger-worksheet>)")
        .assert_contains("- Tuesday Evening Skills · Version 2");
    facilitator.get(&format!("/curricula/{id}.md?version=1")).await.assert_lacks("Support networks");
    facilitator.get("/curricula/not-an-id.md").await.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_save_based_on_an_older_version_is_refused_and_shows_what_changed() {
    let app = TestApp::spawn().await;
    let mut facilitator = app.signed_in("facilitator@demo.example").await;
    let id = create(&mut facilitator, "Family recovery").await;
    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    let theirs = supervisor.get(&format!("/curricula/{id}/edit")).await;
    let mine = facilitator.get(&format!("/curricula/{id}/edit")).await;
    let session_0 = value_of(&mine.body, "session_0_id");
    let (version, theirs_0, theirs_1) = (
        value_of(&theirs.body, "version"),
        value_of(&theirs.body, "session_0_id"),
        value_of(&theirs.body, "session_1_id"),
    );

    supervisor
        .post(
            &format!("/curricula/{id}/edit"),
            &[
                ("version", version.as_str()),
                ("title", "Family recovery"),
                ("session_0_id", theirs_0.as_str()),
                ("session_0_topic", "Triggers at home"),
                ("session_1_id", theirs_1.as_str()),
                ("session_1_topic", "Coping plans"),
            ],
        )
        .await
        .assert_redirect_to(&format!("/curricula/{id}"));

    let refused = facilitator
        .post(
            &format!("/curricula/{id}/edit"),
            &[
                ("version", "1"),
                ("title", "Family recovery, my edit"),
                ("session_0_id", &session_0),
                ("session_0_topic", "Triggers"),
                ("session_0_objectives", "My new objective"),
            ],
        )
        .await;
    refused
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Someone saved this curriculum while you were editing")
        .assert_contains("Session 1 (Triggers at home): topic, objectives, activities, materials changed")
        .assert_contains("Summary changed from")
        .assert_contains("value=\"Family recovery, my edit\"")
        .assert_contains("My new objective");
    // The form now carries the current version, so a second save is a deliberate one.
    assert_eq!(value_of(&refused.body, "version"), "2");
    let current = stored(&app, &id).await;
    assert_eq!((current.current_version, current.title.as_str()), (2, "Family recovery"));
    facilitator
        .get(&format!("/curricula/{id}"))
        .await
        .assert_contains("Triggers at home")
        .assert_lacks("My new objective");

    facilitator
        .post(
            &format!("/curricula/{id}/edit"),
            &[
                ("version", "2"),
                ("title", "Family recovery, my edit"),
                ("session_0_id", &session_0),
                ("session_0_topic", "Triggers at home"),
                ("session_0_objectives", "My new objective"),
            ],
        )
        .await
        .assert_redirect_to(&format!("/curricula/{id}"));
    assert_eq!(stored(&app, &id).await.current_version, 3);
}

#[tokio::test]
async fn bad_input_is_refused_with_clear_messages() {
    let app = TestApp::spawn().await;
    let mut facilitator = app.signed_in("facilitator@demo.example").await;
    facilitator.get("/curricula/new").await;

    let untitled = facilitator.post("/curricula", &[("title", " "), ("session_0_topic", "Triggers")]).await;
    untitled.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("href=\"#title\"");
    let empty = facilitator.post("/curricula", &[("title", "Empty")]).await;
    empty.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Add at least one session with a topic");
    let topicless = facilitator
        .post(
            "/curricula",
            &[("title", "Grief"), ("session_0_topic", "Loss"), ("session_1_objectives", "Talk about a memory")],
        )
        .await;
    topicless
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("href=\"#session_1_topic\"")
        .assert_contains("Talk about a memory");
    for bad in ["javascript:alert(1)", "ftp://example.org/file", "example.org/handout"] {
        let link = facilitator
            .post(
                "/curricula",
                &[
                    ("title", "Grief"),
                    ("session_0_topic", "Loss"),
                    ("session_0_material_0_label", "Handout"),
                    ("session_0_material_0_url", bad),
                ],
            )
            .await;
        link.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("href=\"#session_0_material_0_url\"")
            .assert_contains("starting with http:// or https://");
    }
    assert_eq!(titled(&app, &["Grief", "Empty"]).await, 0);

    // More rows without a script: the form comes back with what was typed and more blank rows.
    let more = facilitator.post("/curricula", &[("title", "Grief"), ("session_0_topic", "Loss"), ("more", "1")]).await;
    more.assert_status(StatusCode::OK).assert_contains("value=\"Loss\"").assert_contains("name=\"session_5_topic\"");
    assert_eq!(titled(&app, &["Grief", "Empty"]).await, 0);
}

#[tokio::test]
async fn files_are_checked_attached_in_a_new_version_and_downloaded() {
    let app = TestApp::spawn().await;
    let mut facilitator = app.signed_in("facilitator@demo.example").await;
    let id = create(&mut facilitator, "Wellness basics").await;
    let page = facilitator.get(&format!("/curricula/{id}")).await;
    page.assert_contains("enctype=\"multipart/form-data\"");
    let csrf = value_of(&page.body, "csrf_token");

    let handout = "%PDF-1.4 synthetic handout for session two";
    let added = upload_page(
        &mut facilitator,
        &id,
        &csrf,
        &[("version", "1"), ("session", "2"), ("label", "Coping plan handout")],
        ("coping plan.pdf", "application/pdf", handout),
    )
    .await;
    added.assert_redirect_to(&format!("/curricula/{id}#session-2"));
    assert_eq!(stored(&app, &id).await.current_version, 2);
    assert_eq!(saves_recorded(&app, &id).await, 2);
    let file = curriculum_file::Entity::find()
        .filter(curriculum_file::Column::CurriculumId.eq(Uuid::parse_str(&id).unwrap()))
        .one(app.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(file.sha256, mainstay::groups::curricula::sha256_hex(handout.as_bytes()));
    assert_eq!((file.filename.as_str(), file.content_type.as_str()), ("coping plan.pdf", "application/pdf"));

    let page = facilitator.get(&format!("/curricula/{id}")).await;
    page.assert_contains("Coping plan handout").assert_contains(&format!("/curricula/{id}/files/{}", file.id));
    let download = facilitator.get(&format!("/curricula/{id}/files/{}", file.id)).await;
    download.assert_status(StatusCode::OK);
    assert_eq!(download.body, handout);
    assert_eq!(download.headers[header::CONTENT_TYPE], "application/pdf");
    let disposition = download.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\"coping plan.pdf\""), "{disposition}");
    // Files are found only under their own curriculum.
    let other = create(&mut facilitator, "Other").await;
    facilitator.get(&format!("/curricula/{other}/files/{}", file.id)).await.assert_status(StatusCode::NOT_FOUND);

    // Refused files: a type not accepted, a file that is not what its name says, nothing chosen.
    let csrf = value_of(&facilitator.get(&format!("/curricula/{id}")).await.body, "csrf_token");
    let fields = [("version", "2"), ("session", "1")];
    let exe = upload_page(&mut facilitator, &id, &csrf, &fields, ("setup.exe", "application/octet-stream", "MZ")).await;
    exe.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("cannot be added").assert_contains("PDF, DOCX");
    let fake = upload_page(&mut facilitator, &id, &csrf, &fields, ("slides.pdf", "application/pdf", "<html>")).await;
    fake.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("is not a .pdf file");
    let none = upload_page(&mut facilitator, &id, &csrf, &fields, ("", "application/octet-stream", "")).await;
    none.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Choose a file to upload");
    // Larger than 10 MB: refused (by the upload check, or by the request limit before it).
    let big = "a".repeat(10 * 1024 * 1024 + 10);
    let too_big = upload_page(&mut facilitator, &id, &csrf, &fields, ("big.txt", "text/plain", &big)).await;
    assert!(
        [StatusCode::UNPROCESSABLE_ENTITY, StatusCode::PAYLOAD_TOO_LARGE].contains(&too_big.status),
        "{}",
        too_big.status
    );
    // A form based on an older version adds nothing.
    let stale = upload_page(
        &mut facilitator,
        &id,
        &csrf,
        &[("version", "1"), ("session", "1")],
        ("notes.md", "text/markdown", "# Notes"),
    )
    .await;
    stale.assert_status(StatusCode::CONFLICT).assert_contains("Someone saved a new version meanwhile");
    assert_eq!(file_count(&app, &id).await, 1);
    assert_eq!(stored(&app, &id).await.current_version, 2);
    // Without the form's token nothing is stored.
    let forged = upload_page(&mut facilitator, &id, "forged", &fields, ("notes.md", "text/markdown", "# Notes")).await;
    forged.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(file_count(&app, &id).await, 1);

    // Editing keeps the file among the session's materials.
    let form = facilitator.get(&format!("/curricula/{id}/edit")).await;
    form.assert_contains(&format!("value=\"{}\"", file.id)).assert_contains("coping plan.pdf");
    let mut fields: Vec<(String, String)> = Vec::new();
    for name in [
        "version",
        "title",
        "session_0_id",
        "session_0_topic",
        "session_1_id",
        "session_1_topic",
        "session_1_material_0_label",
        "session_1_material_0_file_id",
    ] {
        fields.push((name.to_string(), value_of(&form.body, name)));
    }
    fields.push(("change_note".into(), "Wording".into()));
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    facilitator.post(&format!("/curricula/{id}/edit"), &borrowed).await.assert_redirect_to(&format!("/curricula/{id}"));
    facilitator
        .get(&format!("/curricula/{id}/print"))
        .await
        .assert_contains("Coping plan handout")
        .assert_contains("coping plan.pdf");
}

#[tokio::test]
async fn staff_who_do_not_write_curricula_read_them_only() {
    let app = TestApp::spawn().await;
    let mut director = app.signed_in("director@demo.example").await;
    let id = create(&mut director, "Job skills").await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach
        .get("/curricula")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Job skills")
        .assert_lacks("href=\"/curricula/new\"");
    let page = coach.get(&format!("/curricula/{id}")).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Session 1: Triggers")
        .assert_lacks(&format!("href=\"/curricula/{id}/edit\""))
        .assert_lacks("multipart/form-data")
        .assert_lacks("/retire\"");
    coach.get(&format!("/curricula/{id}/print")).await.assert_status(StatusCode::OK);
    coach.get("/curricula/new").await.assert_status(StatusCode::FORBIDDEN);
    coach.get(&format!("/curricula/{id}/edit")).await.assert_status(StatusCode::FORBIDDEN);
    coach.get("/curricula").await;
    coach
        .post("/curricula", &[("title", "Mine"), ("session_0_topic", "One")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    coach
        .post(&format!("/curricula/{id}/edit"), &[("version", "1"), ("title", "Hijacked"), ("session_0_topic", "One")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    coach.post(&format!("/curricula/{id}/retire"), &[]).await.assert_status(StatusCode::FORBIDDEN);
    let csrf = value_of(&coach.get("/curricula").await.body, "csrf_token");
    upload_page(&mut coach, &id, &csrf, &[("version", "1"), ("session", "1")], ("a.txt", "text/plain", "hello"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let current = stored(&app, &id).await;
    assert_eq!((current.current_version, current.title.as_str()), (1, "Job skills"));
    assert_eq!(file_count(&app, &id).await, 0);
    let denied = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("access.denied"))
        .filter(audit_event::Column::RecordId.eq(Uuid::parse_str(&id).unwrap()))
        .count(app.db.conn())
        .await
        .unwrap();
    assert!(denied >= 3, "{denied}");

    // Every role that writes curricula can.
    for email in ["admin@demo.example", "supervisor@demo.example", "facilitator@demo.example"] {
        let mut writer = app.signed_in(email).await;
        create(&mut writer, email).await;
    }
}

#[tokio::test]
async fn retiring_keeps_groups_on_their_version_and_stops_changes() {
    let app = TestApp::spawn().await;
    let mut facilitator = app.signed_in("facilitator@demo.example").await;
    let id = create(&mut facilitator, "Healthy routines").await;
    follow(&app, &id, 1, "Morning Wellness Circle").await;
    let page = facilitator.get(&format!("/curricula/{id}")).await;
    page.assert_contains("Morning Wellness Circle").assert_contains("One group still follows it");

    facilitator.post(&format!("/curricula/{id}/retire"), &[]).await.assert_redirect_to(&format!("/curricula/{id}"));
    assert_eq!(stored(&app, &id).await.status, "retired");
    let retired = facilitator.get(&format!("/curricula/{id}")).await;
    retired.assert_contains("Make active again").assert_lacks(&format!("href=\"/curricula/{id}/edit\""));
    facilitator.get("/curricula?status=retired").await.assert_contains("Healthy routines");
    facilitator.get("/curricula?status=active").await.assert_lacks("Healthy routines");
    facilitator.get(&format!("/curricula/{id}/edit")).await.assert_redirect_to(&format!("/curricula/{id}"));
    let refused = facilitator
        .post(&format!("/curricula/{id}/edit"), &[("version", "1"), ("title", "Changed"), ("session_0_topic", "One")])
        .await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("make it active again");
    // The group still follows version 1.
    let group = support_group::Entity::find()
        .filter(support_group::Column::Name.eq("Morning Wellness Circle"))
        .one(app.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(group.curriculum_version, Some(1));

    facilitator.post(&format!("/curricula/{id}/reactivate"), &[]).await.assert_redirect_to(&format!("/curricula/{id}"));
    assert_eq!(stored(&app, &id).await.status, "active");
    let actions: Vec<String> = app.audit_actions().await.into_iter().map(|(a, _)| a).collect();
    assert!(
        actions.contains(&"curriculum.retire".to_string()) && actions.contains(&"curriculum.reactivate".to_string())
    );
}

fn error_codes(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap_or("").to_string(), e["code"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test]
async fn the_api_writes_versions_and_files() {
    let app = TestApp::spawn().await;
    let mut facilitator = app.signed_in("facilitator@demo.example").await;
    let token = facilitator.create_token("curricula").await;
    let body = json!({
        "title": "Peer leadership",
        "audience": "Members ready to co-facilitate",
        "sessions": [
            { "topic": "What a peer leader does", "objectives": "Describe the role",
              "materials": [{ "label": "Role card", "url": "https://example.org/role" }] },
            { "topic": "Listening", "activities": "Practice in threes" }
        ]
    });
    let created = facilitator.api(Method::POST, "/api/v1/curricula", &token, Some(body)).await;
    created.assert_status(StatusCode::CREATED);
    let c = created.json();
    let id = c["id"].as_str().unwrap().to_string();
    assert_eq!((c["version"].as_i64(), c["current_version"].as_i64()), (Some(1), Some(1)));
    assert_eq!(c["sessions"][0]["number"], 1);
    assert_eq!(c["sessions"][0]["materials"][0], json!({ "label": "Role card", "url": "https://example.org/role" }));
    assert_eq!(c["sessions"][1]["topic"], "Listening");

    // Validation names the place in the arrays.
    let bad = json!({ "title": "", "sessions": [
        { "topic": "One", "materials": [{ "label": "x", "url": "javascript:alert(1)" }] },
        { "objectives": "no topic" } ] });
    let refused = facilitator.api(Method::POST, "/api/v1/curricula", &token, Some(bad)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let codes = error_codes(&refused.json());
    for expected in [
        ("title", "error-required"),
        ("session_0_material_0_url", "error-curriculum-link"),
        ("session_1_topic", "error-required"),
    ] {
        assert!(codes.contains(&(expected.0.to_string(), expected.1.to_string())), "{codes:?}");
    }

    // A stored file, then a version naming it.
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR synthetic".to_vec();
    let upload = multipart(&[("label", "Seating chart")], Some(("seating.png", "image/png", &png)));
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let files = format!("/api/v1/curricula/{id}/files");
    let (status, _, out) = api_raw(&app, Method::POST, &files, &token, &content_type, upload).await;
    assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&out));
    let out: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(out["version"], Value::Null);
    let file_id = out["file"]["id"].as_str().unwrap().to_string();
    assert_eq!(out["file"]["content_type"], "image/png");
    assert_eq!(out["file"]["size"], png.len());
    let wrong = multipart(
        &[],
        Some(("notes.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"plain text")),
    );
    let (status, _, out) = api_raw(&app, Method::POST, &files, &token, &content_type, wrong).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error_codes(&serde_json::from_slice(&out).unwrap()),
        vec![("file".into(), "error-curriculum-file-mismatch".into())]
    );

    let mut update = c.clone();
    update["version"] = json!(1);
    update["sessions"][1]["materials"] = json!([{ "label": "Seating chart", "file_id": file_id }]);
    update["change_note"] = json!("Seating chart added");
    let saved = facilitator.api(Method::PUT, &format!("/api/v1/curricula/{id}"), &token, Some(update.clone())).await;
    saved.assert_status(StatusCode::OK);
    let v2 = saved.json();
    assert_eq!((v2["version"].as_i64(), v2["change_note"].as_str()), (Some(2), Some("Seating chart added")));
    assert_eq!(v2["sessions"][1]["id"], c["sessions"][1]["id"]);
    assert_eq!(v2["sessions"][1]["materials"][0]["file_id"], file_id);

    // The same edit again, still based on version 1: refused, with what changed meanwhile.
    update["title"] = json!("Peer leadership II");
    let stale = facilitator.api(Method::PUT, &format!("/api/v1/curricula/{id}"), &token, Some(update.clone())).await;
    stale.assert_status(StatusCode::CONFLICT);
    let conflict = stale.json();
    assert_eq!(conflict["current_version"], 2);
    assert_eq!(conflict["errors"][0]["code"], "error-conflict");
    assert_eq!(conflict["changes"][0]["kind"], "session-changed");
    assert_eq!(conflict["changes"][0]["fields"], json!(["materials"]));
    update.as_object_mut().unwrap().remove("version");
    let unversioned = facilitator.api(Method::PUT, &format!("/api/v1/curricula/{id}"), &token, Some(update)).await;
    unversioned.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_codes(&unversioned.json()), vec![("version".into(), "error-required".into())]);

    let v1 = facilitator.api(Method::GET, &format!("/api/v1/curricula/{id}?version=1"), &token, None).await.json();
    assert_eq!((v1["version"].as_i64(), v1["current_version"].as_i64()), (Some(1), Some(2)));
    assert_eq!(v1["sessions"][1]["materials"], json!([]));
    let versions = facilitator.api(Method::GET, &format!("/api/v1/curricula/{id}/versions"), &token, None).await.json();
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(versions[1]["change_note"], "Seating chart added");

    let (status, headers, bytes) =
        api_raw(&app, Method::GET, &format!("{files}/{file_id}"), &token, "application/json", Vec::new()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, png);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert!(headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment"));

    // Attaching on upload makes the next version.
    let attach = multipart(&[("session", "1"), ("version", "2")], Some(("agenda.md", "text/markdown", b"# Agenda")));
    let (status, _, out) = api_raw(&app, Method::POST, &files, &token, &content_type, attach).await;
    assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&out));
    assert_eq!(serde_json::from_slice::<Value>(&out).unwrap()["version"], 3);
    let list = facilitator.api(Method::GET, "/api/v1/curricula", &token, None).await.json();
    let item = list.as_array().unwrap().iter().find(|i| i["id"] == id.as_str()).unwrap().clone();
    assert_eq!((item["current_version"].as_i64(), item["sessions"].as_i64()), (Some(3), Some(2)));

    // Retired: listed as such and no longer changed.
    let retired = facilitator.api(Method::POST, &format!("/api/v1/curricula/{id}/retire"), &token, None).await;
    retired.assert_status(StatusCode::OK);
    assert_eq!(retired.json()["status"], "retired");
    let mut again = v2.clone();
    again["version"] = json!(3);
    let refused = facilitator.api(Method::PUT, &format!("/api/v1/curricula/{id}"), &token, Some(again)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_codes(&refused.json()), vec![("status".into(), "error-curriculum-retired".into())]);
    let retired_list = facilitator.api(Method::GET, "/api/v1/curricula?status=retired", &token, None).await.json();
    assert_eq!(retired_list.as_array().unwrap().len(), 1);
    facilitator
        .api(Method::POST, &format!("/api/v1/curricula/{id}/reactivate"), &token, None)
        .await
        .assert_status(StatusCode::OK);
    assert_eq!(saves_recorded(&app, &id).await, 3);

    // A coach reads but does not write.
    let mut coach = app.signed_in("coach@demo.example").await;
    let coach_token = coach.create_token("read").await;
    coach.api(Method::GET, &format!("/api/v1/curricula/{id}"), &coach_token, None).await.assert_status(StatusCode::OK);
    coach
        .api(
            Method::POST,
            "/api/v1/curricula",
            &coach_token,
            Some(json!({ "title": "x", "sessions": [{ "topic": "y" }] })),
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    coach
        .api(Method::POST, &format!("/api/v1/curricula/{id}/retire"), &coach_token, None)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let upload = multipart(&[], Some(("a.txt", "text/plain", b"hello")));
    let (status, _, _) = api_raw(&app, Method::POST, &files, &coach_token, &content_type, upload).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The document describes the endpoints.
    let doc = facilitator.api(Method::GET, "/api/v1/openapi.json", &token, None).await.json();
    for path in [
        "/api/v1/curricula",
        "/api/v1/curricula/{id}",
        "/api/v1/curricula/{id}/files",
        "/api/v1/curricula/{id}/files/{file_id}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
}

/// Needs the application's 2 MB body limit lifted for upload requests
/// (`mainstay::web::curricula::is_upload`, `UPLOAD_BODY_LIMIT`); until then such files get 413.
#[tokio::test]
async fn files_up_to_10_mb_are_accepted_and_larger_ones_refused_with_a_message() {
    let app = TestApp::spawn().await;
    let mut facilitator = app.signed_in("facilitator@demo.example").await;
    let id = create(&mut facilitator, "Large handouts").await;
    let csrf = value_of(&facilitator.get(&format!("/curricula/{id}")).await.body, "csrf_token");
    let handbook = format!("%PDF-1.4 {}", "b".repeat(3 * 1024 * 1024));
    let fields = [("version", "1"), ("session", "1")];
    upload_page(&mut facilitator, &id, &csrf, &fields, ("handbook.pdf", "application/pdf", &handbook))
        .await
        .assert_redirect_to(&format!("/curricula/{id}#session-1"));
    let csrf = value_of(&facilitator.get(&format!("/curricula/{id}")).await.body, "csrf_token");
    let fields = [("version", "2"), ("session", "1")];
    let big = "a".repeat(10 * 1024 * 1024 + 10);
    upload_page(&mut facilitator, &id, &csrf, &fields, ("big.txt", "text/plain", &big))
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("larger than 10 MB");
    assert_eq!(file_count(&app, &id).await, 1);
    // Other forms keep the usual limit.
    let long = "a".repeat(3 * 1024 * 1024);
    let form = facilitator.post(&format!("/curricula/{id}/edit"), &[("title", &long)]).await;
    assert_eq!(form.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_demo_curricula_read_print_and_export() {
    let app = TestApp::spawn().await;
    let mut quality = app.signed_in("quality@demo.example").await;
    let list = quality.get("/curricula").await;
    list.assert_status(StatusCode::OK).assert_contains("Recovery Skills");
    let at = list.body.find("Recovery Skills").unwrap();
    let href = list.body[..at].rsplit("href=\"/curricula/").next().unwrap().split('"').next().unwrap().to_string();
    let page = quality.get(&format!("/curricula/{href}")).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Session 1:")
        .assert_contains("Groups following this curriculum");
    let print = quality.get(&format!("/curricula/{href}/print")).await;
    print.assert_status(StatusCode::OK);
    quality.get(&format!("/curricula/{href}.md")).await.assert_status(StatusCode::OK).assert_contains("## Session 1:");
    quality.get(&format!("/curricula/{href}/versions/1")).await.assert_status(StatusCode::OK);
    let mut facilitator = app.signed_in("facilitator@demo.example").await;
    let form = facilitator.get(&format!("/curricula/{href}/edit")).await;
    form.assert_status(StatusCode::OK);
}
