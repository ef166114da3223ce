//! Staff personnel records through the pages and the API: the profile (versions, the manager's part
//! refused to the staff member), degrees, certifications (validation, uploaded copies and who may
//! download them), the overview's competency checklist, the team list (who sees whom, filters, a
//! coach sent to their own record), the quality lead reading only, lapsed certifications flagged
//! where the person is assigned, and the audit events of each write.

use crate::helpers::{Client, Response, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use mainstay::db::entities::{audit_event, staff, staff_profile};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use tower::ServiceExt;
use uuid::Uuid;

const BOUNDARY: &str = crate::helpers::MULTIPART_BOUNDARY;
const PDF: &str = "%PDF-1.4\n% synthetic certificate for tests\n";

/// An uploaded file: (name, declared type, content).
type Attached<'a> = (&'a str, &'a str, &'a str);

/// A certification form's fields and file, and the message it is refused with.
type RefusedCertification = (Vec<(&'static str, &'static str)>, Option<Attached<'static>>, &'static str);

async fn staff_of(app: &TestApp, email: &str) -> staff::Model {
    mainstay::db::staff::by_email(&app.db, email).await.unwrap().expect("demo staff member")
}

/// A name as the pages print it (HTML-escaped).
fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&#34;").replace('\'', "&#39;")
}

fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at =
        html.find(&marker).unwrap_or_else(|| panic!("no {name} in:\n{}", &html[..html.len().min(3000)])) + marker.len();
    html[at..].split('"').next().expect("value").to_string()
}

fn error_codes(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["field"].as_str().unwrap_or("").to_string(), e["code"].as_str().unwrap_or("").to_string()))
        .collect()
}

/// The audit events with this action, oldest first: (outcome, record id, detail).
async fn events(app: &TestApp, action: &str) -> Vec<(String, Option<Uuid>, String)> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(action))
        .order_by_asc(audit_event::Column::OccurredAt)
        .order_by_asc(audit_event::Column::Seq)
        .all(app.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.outcome, e.record_id, e.detail))
        .collect()
}

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> Vec<u8> {
    crate::helpers::multipart_body(fields, "file", file)
}

/// Sends a certification form (multipart, text content only) with the CSRF token of `form_html`.
async fn post_certification(
    client: &mut Client,
    path: &str,
    form_html: &str,
    fields: &[(&str, &str)],
    file: Option<Attached<'_>>,
) -> Response {
    let csrf = value_of(form_html, "csrf_token");
    let mut all = vec![("csrf_token", csrf.as_str())];
    all.extend_from_slice(fields);
    let body = multipart(&all, file.map(|(n, t, d)| (n, t, d.as_bytes())));
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    client.request(Method::POST, path, Some(&content_type), String::from_utf8(body).expect("text"), &[]).await
}

/// A raw API request with a binary body.
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

fn cert_fields<'a>(name: &'a str, jurisdiction: &'a str, issued: &'a str, expires: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", "peer-recovery"),
        ("name", name),
        ("jurisdiction", jurisdiction),
        ("number", "CRC-55120"),
        ("issued_on", issued),
        ("expires_on", expires),
    ]
}

#[tokio::test]
async fn a_profile_is_saved_with_versions_and_the_manager_part_is_the_managers() {
    let app = TestApp::spawn().await;
    let coach = staff_of(&app, "coach@demo.example").await;
    let supervisor_account = staff_of(&app, "supervisor@demo.example").await;
    let mut supervisor = app.signed_in("supervisor@demo.example").await;

    let form = supervisor.get(&format!("/team/{}/profile", coach.id)).await;
    form.assert_status(StatusCode::OK)
        .assert_contains("name=\"manager_fields\"")
        .assert_contains("name=\"positions\" value=\"group-facilitator\"")
        .assert_contains("aria-current=\"page\">Overview");
    let version = value_of(&form.body, "version");
    let saved = supervisor
        .post(
            &format!("/team/{}/profile", coach.id),
            &[
                ("version", version.as_str()),
                ("manager_fields", "1"),
                ("positions", "peer-specialist"),
                ("positions", "group-facilitator"),
                ("start_date", "2025-02-03"),
                ("job_description_version", "PS-2026-01"),
                ("role_understanding_confirmed", "on"),
                ("experience_years", "2.5"),
                ("lived_experience", "yes"),
                ("shares_story", "no"),
            ],
        )
        .await;
    saved.assert_redirect_to(&format!("/team/{}", coach.id));
    let row = staff_profile::Entity::find_by_id((coach.org_id, coach.id)).one(app.db.conn()).await.unwrap().unwrap();
    let before: i32 = version.parse().unwrap();
    assert_eq!(row.version, before + 1);
    assert_eq!(row.positions, "peer-specialist;group-facilitator");
    assert_eq!(row.experience_months, Some(30));
    assert_eq!(row.shares_story, Some(false));
    assert_eq!(row.role_understanding_confirmed_by, Some(supervisor_account.id));
    assert_eq!(row.job_description_version.as_deref(), Some("PS-2026-01"));
    // A new job description version is not acknowledged until the staff member says so.
    assert_eq!(row.job_description_acknowledged_on, None);

    let overview = supervisor.get(&format!("/team/{}", coach.id)).await;
    overview
        .assert_status(StatusCode::OK)
        .assert_contains("Profile saved.")
        .assert_contains("2 years, 6 months")
        .assert_contains("Version PS-2026-01, not acknowledged yet")
        .assert_contains(&format!(
            "Confirmed on {} by {}",
            row.role_understanding_confirmed_on.expect("confirmed"),
            esc(&supervisor_account.display_name)
        ))
        .assert_contains("Group facilitator");

    // The same form again, still on the old version: refused, shown as it now stands.
    let stale = supervisor
        .post(&format!("/team/{}/profile", coach.id), &[("version", version.as_str()), ("experience_years", "9")])
        .await;
    stale.assert_status(StatusCode::CONFLICT).assert_contains("Someone else saved this profile");
    let row = staff_profile::Entity::find_by_id((coach.org_id, coach.id)).one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!(row.experience_months, Some(30));

    // The coach states their own part and acknowledges the job description…
    let mut own = app.signed_in("coach@demo.example").await;
    let form = own.get(&format!("/team/{}/profile", coach.id)).await;
    form.assert_status(StatusCode::OK)
        .assert_lacks("name=\"manager_fields\"")
        .assert_contains("I have read and understood job description version PS-2026-01");
    let version = value_of(&form.body, "version");
    own.post(
        &format!("/team/{}/profile", coach.id),
        &[
            ("version", version.as_str()),
            ("experience_years", "3"),
            ("lived_experience", "yes"),
            ("shares_story", "yes"),
            ("acknowledgement_shown", "1"),
            ("job_description_acknowledged", "on"),
        ],
    )
    .await
    .assert_redirect_to(&format!("/team/{}", coach.id));
    let row = staff_profile::Entity::find_by_id((coach.org_id, coach.id)).one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!((row.experience_months, row.shares_story), (Some(36), Some(true)));
    assert_eq!(row.job_description_acknowledged_on, Some(time::macros::date!(2026 - 11 - 18)));

    // …but cannot change their own positions: a clear message on the field, nothing saved.
    let form = own.get(&format!("/team/{}/profile", coach.id)).await;
    let version = value_of(&form.body, "version");
    let refused = own
        .post(
            &format!("/team/{}/profile", coach.id),
            &[
                ("version", version.as_str()),
                ("manager_fields", "1"),
                ("positions", "supervisor"),
                ("start_date", "2025-02-03"),
                ("job_description_version", "PS-2026-01"),
                ("role_understanding_confirmed", "on"),
                ("experience_years", "4"),
            ],
        )
        .await;
    refused
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Only their supervisor, the director of their program or an administrator can change this");
    let row = staff_profile::Entity::find_by_id((coach.org_id, coach.id)).one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!((row.positions.as_str(), row.experience_months), ("peer-specialist;group-facilitator", Some(36)));

    // Typing mistakes come back on the form.
    let bad = own
        .post(&format!("/team/{}/profile", coach.id), &[("version", version.as_str()), ("experience_years", "61")])
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Enter the years as a number from 0 to 60")
        .assert_contains("value=\"61\"");

    // Each save is audited with the names of the fields changed, never their values.
    let updates = events(&app, "personnel.profile.update").await;
    assert_eq!(updates.len(), 2, "{updates:?}");
    assert!(updates.iter().all(|(outcome, id, _)| outcome == "success" && *id == Some(coach.id)));
    let first: Value = serde_json::from_str(&updates[0].2).unwrap();
    let fields: Vec<&str> = first["fields"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    for f in ["positions", "job_description_version", "experience_months"] {
        assert!(fields.contains(&f), "{fields:?}");
    }
    assert!(!updates[0].2.contains("PS-2026-01") && !updates[0].2.contains("2025-02-03"), "{}", updates[0].2);
}

#[tokio::test]
async fn degrees_are_checked_added_and_removed() {
    let app = TestApp::spawn().await;
    let coach = staff_of(&app, "coach@demo.example").await;
    let mut own = app.signed_in("coach@demo.example").await;
    own.get(&format!("/team/{}/degrees/new", coach.id)).await.assert_status(StatusCode::OK);
    let path = format!("/team/{}/degrees", coach.id);
    let bad = own.post(&path, &[("level", "bachelor"), ("field", " "), ("completed_year", "1890")]).await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Enter this information")
        .assert_contains("Say whether the field of study is a human-services field")
        .assert_contains("Enter the year completed, from 1950 to 2026");
    let future = own
        .post(
            &path,
            &[("level", "bachelor"), ("field", "Social work"), ("human_services", "yes"), ("completed_year", "2027")],
        )
        .await;
    future.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("from 1950 to 2026");

    own.post(
        &path,
        &[
            ("level", "associate"),
            ("field", "Applied recovery studies"),
            ("human_services", "yes"),
            ("institution", "Kennebec Valley Community College"),
            ("completed_year", "2019"),
        ],
    )
    .await
    .assert_redirect_to(&format!("/team/{}#degrees", coach.id));
    let page = own.get(&format!("/team/{}", coach.id)).await;
    page.assert_contains("Associate degree · Applied recovery studies")
        .assert_contains("Human-services field · Kennebec Valley Community College · 2019");

    let added = events(&app, "personnel.degree.add").await;
    assert_eq!(added.len(), 1);
    let degree_id = serde_json::from_str::<Value>(&added[0].2).unwrap()["degree_id"].as_str().unwrap().to_string();
    own.post(&format!("/team/{}/degrees/{degree_id}/remove", coach.id), &[])
        .await
        .assert_redirect_to(&format!("/team/{}#degrees", coach.id));
    own.get(&format!("/team/{}", coach.id)).await.assert_lacks("Applied recovery studies");
    assert_eq!(events(&app, "personnel.degree.remove").await.len(), 1);
    // Removing it again: nothing there.
    let again = own.post(&format!("/team/{}/degrees/{degree_id}/remove", coach.id), &[]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn certifications_are_validated_and_their_copies_downloaded_only_by_those_who_may() {
    let app = TestApp::spawn().await;
    let coach = staff_of(&app, "coach@demo.example").await;
    let mut own = app.signed_in("coach@demo.example").await;
    let path = format!("/team/{}/certifications", coach.id);
    let form = own.get(&format!("{path}/new")).await;
    form.assert_status(StatusCode::OK).assert_contains("enctype=\"multipart/form-data\"");

    let cases: Vec<RefusedCertification> = vec![
        (
            cert_fields("Certified Recovery Coach", "ME", "2025-06-01", "2025-05-01"),
            None,
            "The expiry date must be after the issue date",
        ),
        (
            cert_fields("Certified Recovery Coach", "XQ", "2025-06-01", "2027-06-01"),
            None,
            "Enter the two-letter code of a US state or Canadian province",
        ),
        (
            cert_fields("Certified Recovery Coach", "ME", "2026-11-19", ""),
            None,
            "The issue date cannot be in the future",
        ),
        (
            cert_fields("Certified Recovery Coach", "ME", "2025-06-01", "2027-06-01"),
            Some(("certificate.pdf", "application/pdf", "GIF89a not really a PDF")),
            "Upload a PDF, PNG or JPEG file",
        ),
    ];
    for (fields, file, message) in cases {
        let refused = post_certification(&mut own, &path, &form.body, &fields, file).await;
        refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains(message);
    }
    assert!(events(&app, "personnel.certification.add").await.is_empty());

    // A good one, with its copy; the jurisdiction is upper-cased.
    let saved = post_certification(
        &mut own,
        &path,
        &form.body,
        &cert_fields("Certified Recovery Coach (synthetic)", "me", "2025-06-01", "2027-06-01"),
        Some(("crc.pdf", "application/pdf", PDF)),
    )
    .await;
    saved.assert_redirect_to(&format!("/team/{}#certifications", coach.id));
    let page = own.get(&format!("/team/{}", coach.id)).await;
    page.assert_contains("Certified Recovery Coach (synthetic)").assert_contains("Peer recovery · ME · No. CRC-55120");
    let card_at = page.body.find("Certified Recovery Coach (synthetic)").expect("the new certification");
    let href_at =
        card_at + page.body[card_at..].find(&format!("/team/{}/files/", coach.id)).expect("a link to the copy");
    let href = page.body[href_at..].split('"').next().unwrap().to_string();

    let download = own.get(&href).await;
    download.assert_status(StatusCode::OK);
    assert_eq!(download.body, PDF);
    assert_eq!(download.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(download.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(download.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    supervisor.get(&href).await.assert_status(StatusCode::OK);
    // A colleague with no say over the coach's record is refused, and the refusal recorded.
    let mut colleague = app.signed_in("referral@demo.example").await;
    colleague.get(&href).await.assert_status(StatusCode::FORBIDDEN);
    let downloads = events(&app, "personnel.file.download").await;
    assert_eq!(downloads.len(), 2);
    assert!(downloads.iter().all(|(_, id, _)| *id == Some(coach.id)));
    let denied = events(&app, "access.denied").await;
    assert!(
        denied.iter().any(|(o, id, d)| o == "denied" && *id == Some(coach.id) && d.contains("personnel.file.download"))
    );

    // Editing: a stale version is refused; removing the copy deletes it.
    let cert_id = serde_json::from_str::<Value>(&events(&app, "personnel.certification.add").await[0].2).unwrap()
        ["certification_id"]
        .as_str()
        .unwrap()
        .to_string();
    let edit = own.get(&format!("{path}/{cert_id}/edit")).await;
    edit.assert_status(StatusCode::OK).assert_contains("value=\"CRC-55120\"").assert_contains("crc.pdf");
    let mut fields = cert_fields("Certified Recovery Coach (synthetic)", "ME", "2025-06-01", "2027-12-01");
    fields.push(("version", "1"));
    fields.push(("remove_file", "on"));
    post_certification(&mut own, &format!("{path}/{cert_id}"), &edit.body, &fields, None)
        .await
        .assert_redirect_to(&format!("/team/{}#certifications", coach.id));
    let stale = post_certification(&mut own, &format!("{path}/{cert_id}"), &edit.body, &fields, None).await;
    stale.assert_status(StatusCode::CONFLICT).assert_contains("Someone else changed this certification");
    own.get(&href).await.assert_status(StatusCode::NOT_FOUND);
    let updates = events(&app, "personnel.certification.update").await;
    assert_eq!(updates.len(), 1);
    assert!(updates[0].2.contains("expires_on") && updates[0].2.contains("file"), "{}", updates[0].2);
    own.post(&format!("{path}/{cert_id}/remove"), &[("version", "2")])
        .await
        .assert_redirect_to(&format!("/team/{}#certifications", coach.id));
    own.get(&format!("/team/{}", coach.id)).await.assert_lacks("Certified Recovery Coach (synthetic)");
    assert_eq!(events(&app, "personnel.certification.remove").await.len(), 1);
}

#[tokio::test]
async fn the_overview_lists_what_the_role_requires_with_the_gaps() {
    let app = TestApp::spawn().await;
    let coach = staff_of(&app, "coach@demo.example").await;
    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    let form = supervisor.get(&format!("/team/{}/profile", coach.id)).await;
    let version = value_of(&form.body, "version");
    supervisor
        .post(
            &format!("/team/{}/profile", coach.id),
            &[
                ("version", version.as_str()),
                ("manager_fields", "1"),
                ("positions", "peer-specialist"),
                ("lived_experience", "yes"),
                ("shares_story", "no"),
            ],
        )
        .await
        .assert_redirect_to(&format!("/team/{}", coach.id));
    let page = supervisor.get(&format!("/team/{}", coach.id)).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("What their role requires")
        .assert_contains("CSE 2.06")
        .assert_contains("CSE 2.03")
        .assert_contains("<li id=\"need-shares-story\" class=\"row-overdue\">")
        .assert_contains("Willing to share their recovery story")
        .assert_contains("<li id=\"need-lived-experience\">")
        .assert_lacks("id=\"need-supervisor-degree\"");
    let gaps = page.body.matches("class=\"row-overdue\"").count();
    let summary = if gaps == 1 { "1 gap to close.".to_string() } else { format!("{gaps} gaps to close.") };
    page.assert_contains(&summary);
    assert!(app.audit_soon_contains("personnel.view").await);
}

#[tokio::test]
async fn the_team_list_shows_whom_each_role_oversees() {
    let app = TestApp::spawn().await;
    let name = |s: &staff::Model| esc(&s.display_name);
    let coach = staff_of(&app, "coach@demo.example").await;
    let facilitator = staff_of(&app, "facilitator@demo.example").await;
    let referral = staff_of(&app, "referral@demo.example").await;
    let director = staff_of(&app, "director@demo.example").await;
    let quality = staff_of(&app, "quality@demo.example").await;
    let admin = staff_of(&app, "admin@demo.example").await;

    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    let list = supervisor.get("/team").await;
    list.assert_status(StatusCode::OK);
    for s in [&coach, &facilitator, &referral] {
        list.assert_contains(&format!("<tr id=\"staff-{}\">", s.id)).assert_contains(&name(s));
    }
    for s in [&director, &quality, &admin] {
        list.assert_lacks(&format!("id=\"staff-{}\"", s.id));
    }
    let only_referral = supervisor.get("/team?position=referral-specialist").await;
    only_referral
        .assert_contains(&format!("id=\"staff-{}\"", referral.id))
        .assert_lacks(&format!("id=\"staff-{}\"", coach.id))
        .assert_contains("Show everyone");
    // Every row left by "gaps only" shows a gap count.
    let gaps_only = supervisor.get("/team?gaps=on").await;
    gaps_only.assert_status(StatusCode::OK).assert_lacks("tag tag-success\">No gaps");
    assert!(app.audit_soon_contains("personnel.team.list").await);

    // A coach has no team view: the list sends them to their own record.
    let mut own = app.signed_in("coach@demo.example").await;
    own.get("/team").await.assert_redirect_to(&format!("/team/{}", coach.id));
    own.get(&format!("/team/{}", coach.id)).await.assert_status(StatusCode::OK);
    own.get(&format!("/team/{}", facilitator.id)).await.assert_status(StatusCode::FORBIDDEN);

    // The administrator sees everyone.
    let mut administrator = app.signed_in("admin@demo.example").await;
    let all = administrator.get("/team").await;
    for s in [&coach, &director, &quality] {
        all.assert_contains(&format!("id=\"staff-{}\"", s.id));
    }
}

#[tokio::test]
async fn the_quality_lead_reads_records_but_changes_nothing() {
    let app = TestApp::spawn().await;
    let coach = staff_of(&app, "coach@demo.example").await;
    let mut quality = app.signed_in("quality@demo.example").await;
    quality.get("/team").await.assert_status(StatusCode::OK).assert_contains(&format!("id=\"staff-{}\"", coach.id));
    let page = quality.get(&format!("/team/{}", coach.id)).await;
    page.assert_status(StatusCode::OK)
        .assert_lacks(&format!("href=\"/team/{}/profile\"", coach.id))
        .assert_lacks("/certifications/new");
    quality.get(&format!("/team/{}/profile", coach.id)).await.assert_status(StatusCode::FORBIDDEN);
    let refused =
        quality.post(&format!("/team/{}/profile", coach.id), &[("version", "0"), ("experience_years", "4")]).await;
    refused.assert_status(StatusCode::FORBIDDEN);
    let degree = quality
        .post(
            &format!("/team/{}/degrees", coach.id),
            &[("level", "master"), ("field", "Social work"), ("human_services", "yes")],
        )
        .await;
    degree.assert_status(StatusCode::FORBIDDEN);
    let denied = events(&app, "access.denied").await;
    assert!(denied.iter().any(|(_, id, d)| *id == Some(coach.id) && d.contains("personnel.profile.update")));
    assert!(denied.iter().any(|(_, id, d)| *id == Some(coach.id) && d.contains("personnel.degree.add")));
    assert!(events(&app, "personnel.profile.update").await.is_empty());
}

#[tokio::test]
async fn a_lapsed_certification_is_flagged_where_the_worker_is_assigned() {
    let app = TestApp::spawn().await;
    let coach = staff_of(&app, "coach@demo.example").await;
    let person = app.person_of("coach@demo.example").await;
    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    let token = supervisor.create_token("team flags").await;

    // Clear whatever certifications the demo gave the coach, then record only a lapsed one.
    let record = supervisor.api(Method::GET, &format!("/api/v1/team/{}", coach.id), &token, None).await.json();
    for c in record["certifications"].as_array().unwrap() {
        let path =
            format!("/api/v1/team/{}/certifications/{}?version={}", coach.id, c["id"].as_str().unwrap(), c["version"]);
        supervisor.api(Method::DELETE, &path, &token, None).await.assert_status(StatusCode::NO_CONTENT);
    }
    let lapsed = json!({
        "kind": "peer-recovery", "name": "Certified Recovery Coach", "jurisdiction": "ME",
        "issued_on": "2023-10-01", "expires_on": "2025-10-01"
    });
    let created =
        supervisor.api(Method::POST, &format!("/api/v1/team/{}/certifications", coach.id), &token, Some(lapsed)).await;
    created.assert_status(StatusCode::CREATED);
    assert_eq!(created.json()["state"], "expired");

    let tag = "<span class=\"tag tag-danger\">Certification expired</span>";
    let on_person = format!("{} {tag}", esc(&coach.display_name));
    let on_supervision = format!("{}</a> {tag}", esc(&coach.display_name));
    supervisor.get(&format!("/people/{person}")).await.assert_status(StatusCode::OK).assert_contains(&on_person);
    supervisor.get("/supervision").await.assert_status(StatusCode::OK).assert_contains(&on_supervision);
    let list = supervisor.get("/team").await;
    let row_at = list.body.find(&format!("<tr id=\"staff-{}\">", coach.id)).expect("coach row");
    let row = &list.body[row_at..row_at + list.body[row_at..].find("</tr>").unwrap()];
    assert!(row.contains("Certification expired"), "{row}");

    // Renewed: the old one is superseded and the flag goes.
    let renewed = json!({
        "kind": "peer-recovery", "name": "Certified Recovery Coach", "jurisdiction": "ME",
        "issued_on": "2025-10-02", "expires_on": "2027-10-02"
    });
    supervisor
        .api(Method::POST, &format!("/api/v1/team/{}/certifications", coach.id), &token, Some(renewed))
        .await
        .assert_status(StatusCode::CREATED);
    supervisor.get(&format!("/people/{person}")).await.assert_status(StatusCode::OK).assert_lacks(&on_person);
    supervisor.get("/supervision").await.assert_status(StatusCode::OK).assert_lacks(&on_supervision);
    let record = supervisor.api(Method::GET, &format!("/api/v1/team/{}", coach.id), &token, None).await.json();
    let states: Vec<&str> =
        record["certifications"].as_array().unwrap().iter().map(|c| c["state"].as_str().unwrap()).collect();
    assert_eq!(states, vec!["in-force", "superseded"]);
}

#[tokio::test]
async fn the_api_reads_and_writes_the_same_record() {
    let app = TestApp::spawn().await;
    let coach = staff_of(&app, "coach@demo.example").await;
    let director = staff_of(&app, "director@demo.example").await;
    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    let token = supervisor.create_token("team api").await;

    let team = supervisor.api(Method::GET, "/api/v1/team", &token, None).await;
    team.assert_status(StatusCode::OK);
    let team = team.json();
    let ids: Vec<&str> = team.as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&coach.id.to_string().as_str()));
    assert!(!ids.contains(&director.id.to_string().as_str()));
    let member = team.as_array().unwrap().iter().find(|m| m["id"] == coach.id.to_string()).unwrap();
    assert!(member["gaps"].is_u64());
    let bad_filter = supervisor.api(Method::GET, "/api/v1/team?position=astronaut", &token, None).await;
    bad_filter.assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    let path = format!("/api/v1/team/{}", coach.id);
    let record = supervisor.api(Method::GET, &path, &token, None).await;
    record.assert_status(StatusCode::OK);
    let record = record.json();
    assert_eq!(record["access"], json!({ "edit": true, "manage": true }));
    assert!(
        record["competency"]["items"].as_array().unwrap().iter().any(|i| i["need"]["code"] == "peer-certification")
    );
    let version = record["profile"]["version"].as_i64().unwrap();

    let change = json!({
        "version": version,
        "positions": ["peer-specialist", "referral-specialist"],
        "experience_years": 4.5,
        "shares_story": "yes",
        "lived_experience": true
    });
    let saved = supervisor.api(Method::PUT, &format!("{path}/profile"), &token, Some(change.clone())).await;
    saved.assert_status(StatusCode::OK);
    let saved = saved.json();
    assert_eq!(saved["positions"], json!(["peer-specialist", "referral-specialist"]));
    assert_eq!(saved["profile"]["experience_months"], 54);
    assert_eq!(saved["profile"]["experience_years"], "4.5");
    assert_eq!(saved["profile"]["lived_experience"], true);
    assert!(saved["profile"]["lived_experience_attested_on"].is_string());
    assert_eq!(saved["profile"]["version"], version + 1);
    let stale = supervisor.api(Method::PUT, &format!("{path}/profile"), &token, Some(change)).await;
    stale.assert_status(StatusCode::CONFLICT);
    let unversioned =
        supervisor.api(Method::PUT, &format!("{path}/profile"), &token, Some(json!({ "shares_story": "no" }))).await;
    assert_eq!(error_codes(&unversioned.json()), vec![("version".into(), "error-required".into())]);

    // The coach's own token: their own part is theirs, their positions are not.
    let mut own = app.signed_in("coach@demo.example").await;
    let own_token = own.create_token("my record").await;
    let mine = json!({ "version": version + 1, "positions": ["supervisor"], "experience_years": "5" });
    let refused = own.api(Method::PUT, &format!("{path}/profile"), &own_token, Some(mine)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_codes(&refused.json()), vec![("positions".into(), "error-profile-manager-only".into())]);
    // Sending the positions back unchanged is not a change.
    let same = json!({
        "version": version + 1,
        "positions": ["referral-specialist", "peer-specialist"],
        "experience_years": "5"
    });
    own.api(Method::PUT, &format!("{path}/profile"), &own_token, Some(same)).await.assert_status(StatusCode::OK);

    // Degrees.
    let degree =
        json!({ "level": "bachelor", "field": "Human services", "human_services": true, "completed_year": 2016 });
    let added = supervisor.api(Method::POST, &format!("{path}/degrees"), &token, Some(degree)).await;
    added.assert_status(StatusCode::CREATED);
    let degree_id = added.json()["id"].as_str().unwrap().to_string();
    let bad = supervisor
        .api(Method::POST, &format!("{path}/degrees"), &token, Some(json!({ "level": "phd", "completed_year": 3000 })))
        .await;
    let codes = error_codes(&bad.json());
    for expected in [
        ("level", "error-unknown-choice"),
        ("field", "error-required"),
        ("human_services", "error-degree-human-services"),
        ("completed_year", "error-degree-year"),
    ] {
        assert!(codes.contains(&(expected.0.into(), expected.1.into())), "{codes:?}");
    }
    supervisor
        .api(Method::DELETE, &format!("{path}/degrees/{degree_id}"), &token, None)
        .await
        .assert_status(StatusCode::NO_CONTENT);

    // Certifications: validation, a copy uploaded, replaced details, download, removal.
    let bad = supervisor
        .api(
            Method::POST,
            &format!("{path}/certifications"),
            &token,
            Some(json!({ "kind": "family-peer", "name": "CFPS", "jurisdiction": "Ontario",
                         "issued_on": "2030-01-01", "expires_on": "2029-01-01" })),
        )
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let codes = error_codes(&bad.json());
    for expected in [
        ("jurisdiction", "error-certification-jurisdiction"),
        ("issued_on", "error-certification-issued-future"),
        ("expires_on", "error-certification-expiry-before-issue"),
    ] {
        assert!(codes.contains(&(expected.0.into(), expected.1.into())), "{codes:?}");
    }
    let cert = json!({ "kind": "family-peer", "name": "Certified Family Peer Specialist", "jurisdiction": "on",
                       "issued_on": "2024-03-15", "expires_on": "2026-12-31" });
    let created = supervisor.api(Method::POST, &format!("{path}/certifications"), &token, Some(cert.clone())).await;
    created.assert_status(StatusCode::CREATED);
    let created = created.json();
    assert_eq!((created["jurisdiction"].as_str(), created["state"].as_str()), (Some("ON"), Some("expiring")));
    let cid = created["id"].as_str().unwrap().to_string();

    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let file_path = format!("{path}/certifications/{cid}/file");
    let jpeg = b"\xFF\xD8\xFF\xE0\x00\x10JFIF synthetic".to_vec();
    let upload = multipart(&[("version", "1")], Some(("cpss.jpg", "image/jpeg", &jpeg)));
    let (status, _, out) = api_raw(&app, Method::POST, &file_path, &token, &content_type, upload).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&out));
    let out: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!((out["version"].as_i64(), out["file"]["content_type"].as_str()), (Some(2), Some("image/jpeg")));
    let url = out["file"]["url"].as_str().unwrap().to_string();
    let (status, headers, bytes) = api_raw(&app, Method::GET, &url, &token, "application/json", Vec::new()).await;
    assert_eq!((status, bytes), (StatusCode::OK, jpeg));
    assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
    let not_an_image = multipart(&[("version", "2")], Some(("cpss.jpg", "image/jpeg", b"<html>not an image</html>")));
    let (status, _, out) = api_raw(&app, Method::POST, &file_path, &token, &content_type, not_an_image).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error_codes(&serde_json::from_slice(&out).unwrap()),
        vec![("file".into(), "error-certification-file-type".into())]
    );

    let mut edit = cert.clone();
    edit["expires_on"] = json!("2028-12-31");
    edit["version"] = json!(2);
    let updated =
        supervisor.api(Method::PUT, &format!("{path}/certifications/{cid}"), &token, Some(edit.clone())).await;
    updated.assert_status(StatusCode::OK);
    let updated = updated.json();
    assert_eq!((updated["state"].as_str(), updated["version"].as_i64()), (Some("in-force"), Some(3)));
    assert_eq!(updated["file"]["url"], url);
    supervisor
        .api(Method::PUT, &format!("{path}/certifications/{cid}"), &token, Some(edit))
        .await
        .assert_status(StatusCode::CONFLICT);
    supervisor
        .api(Method::DELETE, &format!("{path}/certifications/{cid}?version=2"), &token, None)
        .await
        .assert_status(StatusCode::CONFLICT);
    supervisor
        .api(Method::DELETE, &format!("{path}/certifications/{cid}?version=3"), &token, None)
        .await
        .assert_status(StatusCode::NO_CONTENT);
    let (status, _, _) = api_raw(&app, Method::GET, &url, &token, "application/json", Vec::new()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Someone outside the record is refused.
    let mut colleague = app.signed_in("facilitator@demo.example").await;
    let colleague_token = colleague.create_token("not mine").await;
    colleague.api(Method::GET, &path, &colleague_token, None).await.assert_status(StatusCode::FORBIDDEN);
    colleague.api(Method::GET, "/api/v1/team", &colleague_token, None).await.assert_status(StatusCode::FORBIDDEN);

    for action in [
        "personnel.profile.update",
        "personnel.degree.add",
        "personnel.degree.remove",
        "personnel.certification.add",
        "personnel.certification.update",
        "personnel.certification.remove",
        "personnel.file.download",
    ] {
        assert!(!events(&app, action).await.is_empty(), "{action} recorded");
    }
}
