//! Feedback and complaints (CSE 7.02 / CA-CSE 7.03) through the public form, the kiosk, the staff
//! pages and the API: the whole workflow from a public message to a published "you said, we did"
//! entry, the personal-data check on publishing, anonymous feedback, spam and flood protection,
//! attachment checks, who may read and handle what, edit conflicts, and the audit trail. The
//! harness's clock starts on 2026-11-18 and the demo organisation holds 25 feedback items.

use crate::helpers::{Client, MULTIPART_BOUNDARY, Response, TestApp, multipart_body};
use axum::http::{Method, StatusCode, header};
use mainstay::db::entities::{feedback_file, feedback_item, staff};
use mainstay::domain::feedback::FeedbackInput;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

async fn org_id(app: &TestApp) -> Uuid {
    mainstay::db::org::all(&app.db).await.unwrap()[0].id
}

async fn staff_of(app: &TestApp, email: &str) -> staff::Model {
    mainstay::db::staff::by_email(&app.db, email).await.unwrap().expect("demo account")
}

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no {name} in the page")) + marker.len();
    body[start..].split('"').next().unwrap().to_string()
}

/// A visitor who opened the public form (or the kiosk): the tokens it carries.
struct Visitor {
    client: Client,
    action: String,
    csrf: String,
    form_token: String,
}

async fn open_form(app: &TestApp, kiosk: bool) -> Visitor {
    let mut client = app.client();
    let start = client.get(if kiosk { "/have-your-say?kiosk=1" } else { "/have-your-say" }).await;
    assert_eq!(start.status, StatusCode::SEE_OTHER, "a one-organisation install redirects");
    let action = start.location().to_string();
    let form = client.get(&action).await;
    form.assert_status(StatusCode::OK).assert_contains("Have your say");
    Visitor { csrf: hidden(&form.body, "csrf_token"), form_token: hidden(&form.body, "form_token"), client, action }
}

impl Visitor {
    async fn send(&mut self, fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> Response {
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", &self.csrf), ("form_token", &self.form_token)];
        all.extend_from_slice(fields);
        let body = multipart_body(&all, "file", file);
        let content_type = format!("multipart/form-data; boundary={MULTIPART_BOUNDARY}");
        let body = String::from_utf8(body).expect("text bodies only");
        let action = self.action.clone();
        self.client.request(Method::POST, &action, Some(&content_type), body, &[]).await
    }
}

async fn items_with(app: &TestApp, body: &str) -> Vec<feedback_item::Model> {
    feedback_item::Entity::find().filter(feedback_item::Column::Body.eq(body)).all(app.db.conn()).await.unwrap()
}

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("feedback").await;
    (client, token)
}

fn has_error(response: &Value, field: &str, code: &str) -> bool {
    response["errors"]
        .as_array()
        .is_some_and(|errors| errors.iter().any(|e| e["field"].as_str().unwrap_or("") == field && e["code"] == code))
}

const COMPLAINT: &str = "The evening group room was locked and we waited outside in the rain.";

#[tokio::test]
async fn public_feedback_becomes_a_published_change_on_the_board() {
    let app = TestApp::spawn().await;
    let org = org_id(&app).await;
    let mut visitor = open_form(&app, false).await;
    app.advance(20);
    let fields = [
        ("kind", "complaint"),
        ("category", "groups"),
        ("body", COMPLAINT),
        ("wants_reply", "on"),
        ("name", "Avery Quinn"),
        ("email", "avery.quinn@example.org"),
    ];
    let sent = visitor.send(&fields, None).await;
    sent.assert_redirect_to(&format!("/have-your-say/{org}/thanks"));
    let thanks = visitor.client.get(sent.location()).await;
    thanks.assert_status(StatusCode::OK).assert_contains("What happens next").assert_contains("you said, we did");
    let item = items_with(&app, COMPLAINT).await.pop().expect("stored");
    assert_eq!((item.channel.as_str(), item.status.as_str()), ("public-form", "received"));
    assert_eq!(item.due_on.to_string(), "2026-11-28", "a complaint is due within 10 days");
    assert_eq!(item.email.as_deref(), Some("avery.quinn@example.org"));

    // A manager sees it, gives it an owner, responds, and closes it with its outcome.
    let mut director = app.signed_in("director@demo.example").await;
    let list = director.get("/voice/feedback?status=received&kind=complaint").await;
    list.assert_status(StatusCode::OK).assert_contains("The evening group room was locked");
    let page = director.get(&format!("/voice/feedback/{}", item.id)).await;
    page.assert_status(StatusCode::OK).assert_contains("Avery Quinn").assert_contains("avery.quinn@example.org");
    let coach = staff_of(&app, "coach@demo.example").await;
    let base = format!("/voice/feedback/{}", item.id);
    let owner = coach.id.to_string();
    director
        .post(&format!("{base}/assign"), &[("version", "1"), ("owner_id", &owner), ("due_on", "2026-11-25")])
        .await
        .assert_redirect_to(&base);
    let early = director.post(&format!("{base}/close"), &[("version", "2"), ("outcome", "change-made")]).await;
    early.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("record the response before closing");
    director
        .post(
            &format!("{base}/respond"),
            &[
                ("version", "2"),
                ("text", "We are sorry. The room is now unlocked 30 minutes early."),
                ("method", "email"),
            ],
        )
        .await
        .assert_redirect_to(&base);
    director
        .post(
            &format!("{base}/close"),
            &[("version", "3"), ("outcome", "change-made"), ("close_note", "Caretaker rota fixed")],
        )
        .await
        .assert_redirect_to(&base);
    let closed = director.get(&base).await;
    closed
        .assert_contains("Change made")
        .assert_contains("Caretaker rota fixed")
        .assert_contains("unlocked 30 minutes");
    let stored = feedback_item::Entity::find_by_id(item.id).one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!((stored.status.as_str(), stored.owner_id, stored.version), ("closed", Some(coach.id), 4));
    assert_eq!(stored.response_method.as_deref(), Some("email"));
    assert!(stored.response_emailed_at.is_none(), "no SMTP in tests: recorded as sent by e-mail, not sent from here");

    // The change it led to, published on the public board without personal data.
    let item_id = item.id.to_string();
    let created = director
        .post(
            "/voice/changes",
            &[
                ("you_said", "The group room was locked when people arrived for the evening group."),
                ("we_did", "The room is now unlocked 30 minutes before every group."),
                ("item_ids", &item_id),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let change_path = created.location().to_string();
    let mut public = app.client();
    public.get(&format!("/you-said-we-did/{org}")).await.assert_lacks("unlocked 30 minutes before every group");
    director
        .post(&format!("{change_path}/publish"), &[("version", "1"), ("publish", "1")])
        .await
        .assert_redirect_to(&change_path);
    let board = public.get("/you-said-we-did").await;
    assert_eq!(board.status, StatusCode::SEE_OTHER);
    let board = public.get(board.location()).await;
    board
        .assert_status(StatusCode::OK)
        .assert_contains("unlocked 30 minutes before every group")
        .assert_lacks("Avery")
        .assert_lacks("avery.quinn@example.org")
        .assert_lacks("draft");
    // The demo's draft entry stays off the board.
    board.assert_lacks("trialling opening until 8pm");
}

#[tokio::test]
async fn publishing_is_refused_while_the_words_carry_personal_data() {
    let app = TestApp::spawn().await;
    let mut visitor = open_form(&app, false).await;
    app.advance(10);
    let body = "Please could the Thursday session finish earlier, the last bus leaves at nine.";
    let fields = [
        ("kind", "suggestion"),
        ("body", body),
        ("wants_reply", "on"),
        ("name", "Avery Quinn"),
        ("phone", "(207) 555-0188"),
    ];
    visitor.send(&fields, None).await.assert_status(StatusCode::SEE_OTHER);
    let item = items_with(&app, body).await.pop().unwrap();
    let (mut client, token) = api_user(&app, "quality@demo.example").await;
    let created = client
        .api(
            Method::POST,
            "/api/v1/feedback/changes",
            &token,
            Some(json!({ "you_said": "Avery asked for an earlier finish", "we_did": "Thursday ends at 8pm", "item_ids": [item.id] })),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let change = created.json();
    let id = change["id"].as_str().unwrap().to_string();
    assert_eq!(change["item_ids"], json!([item.id]));
    let publish = |version: i64| json!({ "version": version, "published": true });
    let refused =
        client.api(Method::POST, &format!("/api/v1/feedback/changes/{id}/publish"), &token, Some(publish(1))).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&refused.json(), "you_said", "feedback-error-publish-name"), "{}", refused.body);

    let cases = [
        (
            "People asked for an earlier finish",
            "Questions to quinn@example.org",
            "we_did",
            "feedback-error-publish-email",
        ),
        (
            "People asked for an earlier finish",
            "Call us on 207 555 0188 with ideas",
            "we_did",
            "feedback-error-publish-phone",
        ),
        ("QUINN asked for an earlier finish", "Thursday ends at 8pm", "you_said", "feedback-error-publish-name"),
    ];
    let mut version = 1;
    for (you_said, we_did, field, code) in cases {
        let put = client
            .api(
                Method::PUT,
                &format!("/api/v1/feedback/changes/{id}"),
                &token,
                Some(json!({ "version": version, "you_said": you_said, "we_did": we_did })),
            )
            .await;
        put.assert_status(StatusCode::OK);
        version += 1;
        let refused = client
            .api(Method::POST, &format!("/api/v1/feedback/changes/{id}/publish"), &token, Some(publish(version)))
            .await;
        refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_error(&refused.json(), field, code), "{you_said} / {we_did}: {}", refused.body);
    }
    let fixed = client
        .api(
            Method::PUT,
            &format!("/api/v1/feedback/changes/{id}"),
            &token,
            Some(json!({ "version": version, "you_said": "People asked for an earlier finish", "we_did": "Thursday now ends at 8pm" })),
        )
        .await;
    fixed.assert_status(StatusCode::OK);
    let published = client
        .api(Method::POST, &format!("/api/v1/feedback/changes/{id}/publish"), &token, Some(publish(version + 1)))
        .await;
    published.assert_status(StatusCode::OK);
    assert_eq!(published.json()["published"], true);
    // Once published, an edit that brings a name back is refused too.
    let back = client
        .api(
            Method::PUT,
            &format!("/api/v1/feedback/changes/{id}"),
            &token,
            Some(json!({ "version": version + 2, "you_said": "Avery asked", "we_did": "Thursday now ends at 8pm" })),
        )
        .await;
    back.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    // The refusals are in the audit trail.
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|(a, o)| a == "feedback.change.publish" && o == "failure"));
    assert!(actions.iter().any(|(a, o)| a == "feedback.change.publish" && o == "success"));
    // The page shows the refusal on the form, naming what to remove.
    let mut director = app.signed_in("director@demo.example").await;
    director.get(&format!("/voice/changes/{id}")).await.assert_status(StatusCode::OK);
    let unpublished = director
        .post(&format!("/voice/changes/{id}/publish"), &[("version", &(version + 2).to_string()), ("publish", "0")])
        .await;
    unpublished.assert_redirect_to(&format!("/voice/changes/{id}"));
    director
        .post(
            &format!("/voice/changes/{id}"),
            &[
                ("version", &(version + 3).to_string()),
                ("you_said", "Avery asked"),
                ("we_did", "Mail avery@example.org"),
            ],
        )
        .await
        .assert_redirect_to(&format!("/voice/changes/{id}"));
    let page = director
        .post(&format!("/voice/changes/{id}/publish"), &[("version", &(version + 4).to_string()), ("publish", "1")])
        .await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Remove the name &#34;Avery&#34;")
        .assert_contains("Remove the e-mail address");
}

#[tokio::test]
async fn anonymous_feedback_keeps_no_contact_details() {
    let app = TestApp::spawn().await;
    let mut visitor = open_form(&app, false).await;
    app.advance(10);
    let body = "The new chairs in the lounge are much more comfortable, thank you.";
    // An address typed without asking for a reply is not kept.
    let fields = [("kind", "compliment"), ("body", body), ("email", "someone@example.org"), ("phone", "207 555 0100")];
    visitor.send(&fields, None).await.assert_status(StatusCode::SEE_OTHER);
    let item = items_with(&app, body).await.pop().unwrap();
    assert_eq!((item.submitter_name, item.email, item.phone, item.person_id), (None, None, None, None));
    assert!(!item.wants_reply);
    assert_eq!(item.due_on.to_string(), "2026-12-18", "a compliment is answered within 30 days");
    // Wanting a reply needs a way to reach them.
    let mut visitor = open_form(&app, false).await;
    app.advance(10);
    let page =
        visitor.send(&[("kind", "suggestion"), ("body", "More evening groups"), ("wants_reply", "on")], None).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("give an e-mail address or a phone number");
    assert!(items_with(&app, "More evening groups").await.is_empty());
}

#[tokio::test]
async fn robots_and_hurried_posts_leave_nothing_behind() {
    let app = TestApp::spawn().await;
    let org = org_id(&app).await;
    let mut visitor = open_form(&app, false).await;
    let quick = visitor.send(&[("kind", "suggestion"), ("body", "Sent too quickly")], None).await;
    quick.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("send it again");
    app.advance(10);
    let robot = visitor
        .send(&[("kind", "suggestion"), ("body", "Buy cheap pills"), ("website", "http://spam.example")], None)
        .await;
    robot.assert_redirect_to(&format!("/have-your-say/{org}/thanks"));
    let forged = Visitor { form_token: "1795000000.deadbeefdeadbeefdeadbeefdeadbeef".into(), ..visitor };
    let mut forged = forged;
    forged
        .send(&[("kind", "suggestion"), ("body", "Forged token")], None)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let mut no_csrf = forged;
    no_csrf.csrf = "wrong".into();
    no_csrf
        .send(&[("kind", "suggestion"), ("body", "No session token")], None)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    for body in ["Sent too quickly", "Buy cheap pills", "Forged token", "No session token"] {
        assert!(items_with(&app, body).await.is_empty(), "{body} was kept");
    }
}

#[tokio::test]
async fn a_flood_from_one_address_is_turned_away() {
    let app = TestApp::spawn().await;
    let mut visitor = open_form(&app, true).await;
    app.advance(10);
    for n in 0..20 {
        let body = format!("Kiosk message number {n}");
        visitor.send(&[("kind", "suggestion"), ("body", &body)], None).await.assert_status(StatusCode::SEE_OTHER);
    }
    let turned = visitor.send(&[("kind", "suggestion"), ("body", "One too many")], None).await;
    turned.assert_status(StatusCode::TOO_MANY_REQUESTS).assert_contains("try again later");
    assert!(items_with(&app, "One too many").await.is_empty());
    assert_eq!(items_with(&app, "Kiosk message number 7").await[0].channel, "kiosk");
    // An hour later the kiosk works again.
    app.advance(3601);
    let mut visitor = open_form(&app, true).await;
    app.advance(10);
    visitor
        .send(&[("kind", "suggestion"), ("body", "After the hour")], None)
        .await
        .assert_status(StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_kiosk_forgets_and_returns_to_a_fresh_form() {
    let app = TestApp::spawn().await;
    let org = org_id(&app).await;
    let mut visitor = open_form(&app, true).await;
    assert!(visitor.action.ends_with("?kiosk=1"));
    let form = visitor.client.get(&visitor.action.clone()).await;
    form.assert_contains("autocomplete=\"off\"").assert_lacks("type=\"file\"");
    assert_eq!(form.headers[header::CACHE_CONTROL], "no-store");
    app.advance(10);
    let sent = visitor.send(&[("kind", "compliment"), ("body", "Lovely welcome at the front desk today")], None).await;
    sent.assert_redirect_to(&format!("/have-your-say/{org}/thanks?kiosk=1"));
    let thanks = visitor.client.get(sent.location()).await;
    thanks.assert_status(StatusCode::OK).assert_contains("Start a new form").assert_lacks("<script>");
    let refresh = thanks.headers[header::REFRESH].to_str().unwrap();
    assert!(refresh.ends_with(&format!("url=/have-your-say/{org}?kiosk=1")), "{refresh}");
    let fresh = visitor.client.get(&format!("/have-your-say/{org}?kiosk=1")).await;
    fresh.assert_lacks("Lovely welcome at the front desk");
}

#[tokio::test]
async fn attachments_must_be_a_small_photo_or_pdf() {
    let app = TestApp::spawn().await;
    let mut visitor = open_form(&app, false).await;
    app.advance(10);
    let pdf: &[u8] = b"%PDF-1.7 synthetic photo of the broken step";
    let sent = visitor
        .send(
            &[("kind", "complaint"), ("category", "environment-safety"), ("body", "The front step is broken")],
            Some(("step.pdf", "application/pdf", pdf)),
        )
        .await;
    sent.assert_status(StatusCode::SEE_OTHER);
    let item = items_with(&app, "The front step is broken").await.pop().unwrap();
    let file =
        feedback_file::Entity::find_by_id(item.file_id.expect("file kept")).one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!(
        (file.content_type.as_str(), file.filename.as_str(), file.data.as_slice()),
        ("application/pdf", "step.pdf", pdf)
    );

    let html = visitor
        .send(
            &[("kind", "complaint"), ("body", "A page pretending to be a photo")],
            Some(("photo.png", "image/png", b"<html>not an image</html>")),
        )
        .await;
    html.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Attach a photo (PNG or JPEG) or a PDF");
    let big = vec![b'%'; 5 * 1024 * 1024 + 1];
    let too_big = visitor
        .send(&[("kind", "complaint"), ("body", "A very large scan")], Some(("scan.pdf", "application/pdf", &big)))
        .await;
    too_big.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("larger than 5 MB");
    for body in ["A page pretending to be a photo", "A very large scan"] {
        assert!(items_with(&app, body).await.is_empty());
    }
    // Staff download it from the item, as the type it was checked as.
    let mut director = app.signed_in("director@demo.example").await;
    let download = director.get(&format!("/voice/feedback/{}/file", item.id)).await;
    download.assert_status(StatusCode::OK);
    assert_eq!(download.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(download.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment"));
    let mut public = app.client();
    assert_eq!(public.get(&format!("/voice/feedback/{}/file", item.id)).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn coaches_log_feedback_but_only_owners_and_leads_handle_it() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get("/voice/feedback").await.assert_status(StatusCode::FORBIDDEN);
    coach.get("/voice/feedback/trends").await.assert_status(StatusCode::FORBIDDEN);
    coach.get("/voice/changes").await.assert_status(StatusCode::FORBIDDEN);
    // A coach logs what someone on their caseload told them.
    let person = app.person_of("coach@demo.example").await;
    let form = coach.get(&format!("/voice/feedback/new?person_id={person}")).await;
    form.assert_status(StatusCode::OK).assert_contains("will be linked to");
    let body = "Said the check-in calls at 8am are too early for them.";
    let person_id = person.to_string();
    let csrf = hidden(&form.body, "csrf_token");
    let multipart = multipart_body(
        &[
            ("csrf_token", &csrf),
            ("person_id", &person_id),
            ("kind", "suggestion"),
            ("category", "access-scheduling"),
            ("body", body),
        ],
        "file",
        None,
    );
    let content_type = format!("multipart/form-data; boundary={MULTIPART_BOUNDARY}");
    let logged = coach
        .request(Method::POST, "/voice/feedback", Some(&content_type), String::from_utf8(multipart).unwrap(), &[])
        .await;
    logged.assert_redirect_to("/voice/feedback/new");
    let item = items_with(&app, body).await.pop().unwrap();
    assert_eq!((item.channel.as_str(), item.person_id, item.recorded_by.is_some()), ("staff", Some(person), true));
    coach.get(&format!("/voice/feedback/{}", item.id)).await.assert_status(StatusCode::FORBIDDEN);

    // Once it is theirs, they handle it.
    let (mut lead, token) = api_user(&app, "supervisor@demo.example").await;
    let coach_id = staff_of(&app, "coach@demo.example").await.id;
    let assigned = lead
        .api(
            Method::POST,
            &format!("/api/v1/feedback/{}/assign", item.id),
            &token,
            Some(json!({ "version": 1, "owner_id": coach_id })),
        )
        .await;
    assigned.assert_status(StatusCode::OK);
    let page = coach.get(&format!("/voice/feedback/{}", item.id)).await;
    page.assert_status(StatusCode::OK).assert_lacks("id=\"assign-form\"");
    coach.get("/voice/feedback/mine").await.assert_status(StatusCode::OK).assert_contains("check-in calls at 8am");
    let base = format!("/voice/feedback/{}", item.id);
    coach
        .post(
            &format!("{base}/respond"),
            &[("version", "2"), ("text", "We moved your calls to 10am."), ("method", "in-person")],
        )
        .await
        .assert_redirect_to(&base);
    coach
        .post(&format!("{base}/assign"), &[("version", "3"), ("owner_id", &coach_id.to_string())])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    coach.post(&format!("{base}/close"), &[("version", "3"), ("outcome", "resolved")]).await.assert_redirect_to(&base);
    // Someone else's item stays closed to them.
    let other = feedback_item::Entity::find()
        .filter(feedback_item::Column::OwnerId.ne(coach_id))
        .one(app.db.conn())
        .await
        .unwrap()
        .unwrap();
    coach.get(&format!("/voice/feedback/{}", other.id)).await.assert_status(StatusCode::FORBIDDEN);
    // The home-page count.
    let today = time::macros::date!(2026 - 11 - 18);
    let (open, overdue) =
        mainstay::voice::feedback::open_count_for_owner(app.db.conn(), item.org_id, coach_id, today).await.unwrap();
    assert!(open >= 1 && overdue <= open, "{open} {overdue}");
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_not_an_overwrite() {
    let app = TestApp::spawn().await;
    let item = feedback_item::Entity::find()
        .filter(feedback_item::Column::Status.eq("received"))
        .filter(feedback_item::Column::WantsReply.eq(false))
        .one(app.db.conn())
        .await
        .unwrap()
        .unwrap();
    let base = format!("/voice/feedback/{}", item.id);
    let v = item.version.to_string();
    let mut director = app.signed_in("director@demo.example").await;
    director.get(&base).await.assert_status(StatusCode::OK);
    director
        .post(&format!("{base}/acknowledge"), &[("version", &v), ("ack_note", "Called them back")])
        .await
        .assert_redirect_to(&base);
    let late = director.post(&format!("{base}/close"), &[("version", &v), ("outcome", "explained")]).await;
    late.assert_status(StatusCode::CONFLICT).assert_contains("Someone updated this item");
    let (mut client, token) = api_user(&app, "director@demo.example").await;
    let stale = client
        .api(
            Method::POST,
            &format!("/api/v1/feedback/{}/close", item.id),
            &token,
            Some(json!({ "version": item.version, "outcome": "explained" })),
        )
        .await;
    stale.assert_status(StatusCode::CONFLICT);
    let stored = feedback_item::Entity::find_by_id(item.id).one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!((stored.status.as_str(), stored.version), ("acknowledged", item.version + 1));
}

#[tokio::test]
async fn the_api_covers_the_whole_workflow() {
    let app = TestApp::spawn().await;
    let (mut client, token) = api_user(&app, "quality@demo.example").await;
    let created = client
        .api(
            Method::POST,
            "/api/v1/feedback",
            &token,
            Some(json!({ "kind": "dissatisfaction", "category": "communication", "body": "Nobody told me the group was cancelled.",
                         "wants_reply": true, "phone": "(207) 555-0131", "from": "family" })),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let item = created.json();
    let id = item["id"].as_str().unwrap().to_string();
    assert_eq!(
        (item["channel"].as_str(), item["status"].as_str(), item["due_on"].as_str()),
        (Some("staff"), Some("received"), Some("2026-12-02"))
    );
    let bad = client.api(Method::POST, "/api/v1/feedback", &token, Some(json!({ "kind": "rant", "body": "" }))).await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        has_error(&bad.json(), "kind", "error-unknown-choice")
            && has_error(&bad.json(), "body", "feedback-error-body-required")
    );

    let list =
        client.api(Method::GET, "/api/v1/feedback?status=open&kind=dissatisfaction&per_page=100", &token, None).await;
    list.assert_status(StatusCode::OK);
    assert!(list.json()["items"].as_array().unwrap().iter().any(|i| i["id"] == id.as_str()));
    assert!(list.json()["items"][0].get("email").is_none(), "lists carry no contact details");
    let overdue = client.api(Method::GET, "/api/v1/feedback?overdue=1", &token, None).await.json();
    assert!(overdue["total"].as_u64().unwrap() >= 2, "the demo has items past their due date");
    assert!(overdue["items"].as_array().unwrap().iter().all(|i| i["overdue"] == true));

    let director = staff_of(&app, "director@demo.example").await;
    let assigned = client
        .api(
            Method::POST,
            &format!("/api/v1/feedback/{id}/assign"),
            &token,
            Some(json!({ "version": 1, "owner_id": director.id })),
        )
        .await;
    assigned.assert_status(StatusCode::OK);
    assert_eq!(assigned.json()["owner_name"], director.display_name.as_str());
    let by_email = client
        .api(
            Method::POST,
            &format!("/api/v1/feedback/{id}/respond"),
            &token,
            Some(json!({ "version": 2, "text": "Sorry", "method": "email" })),
        )
        .await;
    assert!(has_error(&by_email.json(), "method", "feedback-error-method-no-email"), "{}", by_email.body);
    let responded = client
        .api(
            Method::POST,
            &format!("/api/v1/feedback/{id}/respond"),
            &token,
            Some(json!({ "version": 2, "text": "We are sorry; cancellations now go out by text.", "method": "phone" })),
        )
        .await;
    responded.assert_status(StatusCode::OK);
    let closed = client
        .api(
            Method::POST,
            &format!("/api/v1/feedback/{id}/close"),
            &token,
            Some(json!({ "version": 3, "outcome": "change-made" })),
        )
        .await;
    closed.assert_status(StatusCode::OK);
    let got = client.api(Method::GET, &format!("/api/v1/feedback/{id}"), &token, None).await.json();
    assert_eq!(
        (got["status"].as_str(), got["outcome"].as_str(), got["phone"].as_str()),
        (Some("closed"), Some("change-made"), Some("(207) 555-0131"))
    );
    let steps: Vec<&str> = got["history"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(steps, vec!["received", "assigned", "responded", "closed"]);

    let trends = client.api(Method::GET, "/api/v1/feedback/trends", &token, None).await;
    trends.assert_status(StatusCode::OK);
    let t = trends.json();
    assert_eq!(t["months"].as_array().unwrap().len(), 12);
    let november = t["months"].as_array().unwrap().last().unwrap();
    assert_eq!(november["month"], "2026-11");
    assert!(t["total"].as_u64().unwrap() >= 26);
    assert!(t["on_time_share"].as_f64().is_some_and(|s| (0.0..=1.0).contains(&s)));
    assert!(t["median_days_to_response"].as_f64().is_some());
    let backwards =
        client.api(Method::GET, "/api/v1/feedback/trends?from=2026-11-10&to=2026-10-01", &token, None).await;
    assert!(has_error(&backwards.json(), "from", "feedback-error-period-order"));

    let changes = client.api(Method::GET, "/api/v1/feedback/changes", &token, None).await.json();
    let changes = changes.as_array().unwrap();
    assert_eq!(changes.iter().filter(|c| c["published"] == true).count(), 5);
    assert_eq!(changes.iter().filter(|c| c["published"] == false).count(), 1);
    let coach = api_user(&app, "coach@demo.example").await;
    let (mut coach_client, coach_token) = coach;
    coach_client.api(Method::GET, "/api/v1/feedback", &coach_token, None).await.assert_status(StatusCode::FORBIDDEN);
    coach_client
        .api(Method::GET, &format!("/api/v1/feedback/{id}"), &coach_token, None)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let logged = coach_client
        .api(
            Method::POST,
            "/api/v1/feedback",
            &coach_token,
            Some(json!({ "kind": "compliment", "body": "Great group tonight" })),
        )
        .await;
    logged.assert_status(StatusCode::CREATED);
    assert!(logged.json()["id"].is_string());
}

#[tokio::test]
async fn views_and_changes_are_in_the_audit_trail() {
    let app = TestApp::spawn().await;
    let mut visitor = open_form(&app, false).await;
    app.advance(10);
    visitor
        .send(&[("kind", "suggestion"), ("body", "Audit me please")], None)
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let item = items_with(&app, "Audit me please").await.pop().unwrap();
    let mut director = app.signed_in("director@demo.example").await;
    director.get("/voice/feedback").await.assert_status(StatusCode::OK);
    director.get(&format!("/voice/feedback/{}", item.id)).await.assert_status(StatusCode::OK);
    director
        .post(&format!("/voice/feedback/{}/note", item.id), &[("note", "Shared with the groups team")])
        .await
        .assert_redirect_to(&format!("/voice/feedback/{}", item.id));
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/voice/feedback/{}", item.id)).await.assert_status(StatusCode::FORBIDDEN);
    let actions = app.audit_actions().await;
    for expected in ["feedback.submit", "feedback.view", "feedback.note"] {
        assert!(actions.iter().any(|(a, o)| a == expected && o == "success"), "{expected} missing");
    }
    assert!(actions.iter().any(|(a, o)| a == "access.denied" && o == "denied"));
    assert!(app.audit_soon_contains("feedback.list").await);
    // A person's own portal feedback is audited against them, and shown back without notes.
    let person = app.person_of("coach@demo.example").await;
    let input = FeedbackInput {
        kind: "suggestion".into(),
        body: "Could plans be printed bigger?".into(),
        wants_reply: true,
        ..Default::default()
    };
    let id = mainstay::voice::feedback::submit_from_portal(&app.state, item.org_id, person, &input).await.unwrap();
    let own = mainstay::voice::feedback::for_person(app.db.conn(), item.org_id, person).await.unwrap();
    let mine = own.iter().find(|o| o.id == id).expect("their own item");
    assert_eq!(mine.body, "Could plans be printed bigger?");
    let stored = feedback_item::Entity::find_by_id(id).one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!((stored.channel.as_str(), stored.wants_reply), ("portal", true));
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "feedback.portal.submit"));
    let board = mainstay::voice::feedback::published_changes(app.db.conn(), item.org_id, None).await.unwrap();
    assert_eq!(board.len(), 5);
}

#[tokio::test]
async fn trends_and_the_public_pages_render_in_every_language() {
    let app = TestApp::spawn().await;
    let org = org_id(&app).await;
    let mut director = app.signed_in("director@demo.example").await;
    let trends = director.get("/voice/feedback/trends").await;
    trends.assert_status(StatusCode::OK).assert_contains("<svg").assert_contains("<rect").assert_contains("2026-11");
    let csv = director.get("/voice/feedback/trends.csv").await;
    csv.assert_status(StatusCode::OK);
    assert!(csv.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.body.starts_with("Month,Compliment,Suggestion"), "{}", csv.body);
    director.get("/voice/feedback?overdue=1").await.assert_status(StatusCode::OK).assert_contains("Overdue");
    director.get("/voice/changes").await.assert_status(StatusCode::OK).assert_contains("Draft");
    let mut public = app.client();
    for (lang, form_title, board_title) in [
        ("es", "Denos su opinión", "Ustedes dijeron, nosotros hicimos"),
        ("fr", "Donnez votre avis", "Vous avez dit, nous avons fait"),
    ] {
        let form = public
            .request(Method::GET, &format!("/have-your-say/{org}"), None, String::new(), &[("accept-language", lang)])
            .await;
        form.assert_status(StatusCode::OK).assert_contains(form_title);
        let board = public
            .request(Method::GET, &format!("/you-said-we-did/{org}"), None, String::new(), &[("accept-language", lang)])
            .await;
        board.assert_status(StatusCode::OK).assert_contains(board_title);
    }
    // Text people typed is escaped wherever it is shown.
    let mut visitor = open_form(&app, false).await;
    app.advance(10);
    visitor
        .send(&[("kind", "suggestion"), ("body", "<script>alert(1)</script> more chairs")], None)
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let list = director.get("/voice/feedback").await;
    list.assert_contains("&#60;script&#62;alert(1)").assert_lacks("<script>alert(1)");
    let program = mainstay::db::entities::feedback_change::Entity::find()
        .all(app.db.conn())
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.we_did.contains("6:30pm"))
        .and_then(|c| c.program_id)
        .expect("the demo's group change");
    let filtered = public.get(&format!("/you-said-we-did/{org}?program={program}")).await;
    filtered.assert_status(StatusCode::OK).assert_contains("6:30pm").assert_lacks("Spanish too");
}
