//! The participant portal: invitations by e-mail (a local SMTP server) and SMS (a local HTTP
//! gateway), choosing a password, signing in, the optional second factor (a code used once),
//! expired and used links, lock-out, suspension, plan suggestions the coach accepts or declines,
//! isolation (another person's ids answer 404; staff and portal sessions do not open each
//! other's pages), records without note text, the API, and the audit trail of the person's own
//! actions. The demo's three portal users (on the coach's caseload) are used where one will do.

use crate::helpers::{Client, PASSWORD, TestApp};
use axum::http::{Method, StatusCode};
use mainstay::app::AppState;
use mainstay::config::{SmsSettings, SmtpSettings};
use mainstay::db::entities::{
    audit_event, coaching_contact, enrolment, group_member, plan_suggestion, portal_account, portal_invitation,
    recovery_plan, staff,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use uuid::Uuid;

const ALEX: &str = "alex.portal@demo.example";
const BLAIR: &str = "blair.portal@demo.example";
const CASEY: &str = "casey.portal@demo.example";
const NEW_PASSWORD: &str = "lantern river morning";

async fn account(app: &TestApp, email: &str) -> portal_account::Model {
    portal_account::Entity::find()
        .filter(portal_account::Column::EmailKey.eq(email.to_lowercase()))
        .one(app.db.conn())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("portal account {email}"))
}

async fn staff_id(app: &TestApp, email: &str) -> Uuid {
    staff::Entity::find().filter(staff::Column::Email.eq(email)).one(app.db.conn()).await.unwrap().unwrap().id
}

/// A person on the coach's caseload with an open plan and no portal account yet.
async fn person_to_invite(app: &TestApp) -> Uuid {
    let coach = staff_id(app, "coach@demo.example").await;
    let taken: Vec<Uuid> =
        portal_account::Entity::find().all(app.db.conn()).await.unwrap().into_iter().map(|a| a.person_id).collect();
    let people: Vec<Uuid> = enrolment::Entity::find()
        .filter(enrolment::Column::WorkerId.eq(coach))
        .filter(enrolment::Column::EndedOn.is_null())
        .order_by_asc(enrolment::Column::Id)
        .all(app.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.person_id)
        .filter(|p| !taken.contains(p))
        .collect();
    for p in people {
        let plan = recovery_plan::Entity::find()
            .filter(recovery_plan::Column::PersonId.eq(p))
            .filter(recovery_plan::Column::Status.ne("closed"))
            .one(app.db.conn())
            .await
            .unwrap();
        if plan.is_some() {
            return p;
        }
    }
    panic!("the coach has someone with a plan and no portal account");
}

async fn portal_sign_in(app: &TestApp, email: &str, password: &str) -> (Client, crate::helpers::Response) {
    let mut client = app.client();
    client.get("/my/sign-in").await.assert_status(StatusCode::OK);
    let response = client.post("/my/sign-in", &[("email", email), ("password", password)]).await;
    (client, response)
}

async fn portal_client(app: &TestApp, email: &str) -> Client {
    let (client, response) = portal_sign_in(app, email, PASSWORD).await;
    response.assert_redirect_to("/my");
    client
}

/// The link in a message: `/my/invitation/<64 hex>`.
fn invitation_path(text: &str) -> String {
    let start = text.find("/my/invitation/").expect("an invitation link");
    let token: String = text[start + 15..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    assert_eq!(token.len(), 64, "{text}");
    format!("/my/invitation/{token}")
}

fn secret_on(page: &str) -> String {
    let marker = "<code class=\"portal-secret\">";
    let start = page.find(marker).expect("secret shown") + marker.len();
    page[start..start + page[start..].find('<').unwrap()].to_string()
}

/// Replaces the app's state (and router) with one whose settings are changed by `f`.
fn reconfigure(app: &mut TestApp, f: impl FnOnce(&mut mainstay::config::Config)) {
    let mut state: AppState = app.state.clone();
    let mut config = (*state.config).clone();
    f(&mut config);
    state.config = Arc::new(config);
    app.router = mainstay::app::router(state.clone());
    app.state = state;
}

async fn audit_of(app: &TestApp, action: &str) -> Vec<audit_event::Model> {
    audit_event::Entity::find().filter(audit_event::Column::Action.eq(action)).all(app.db.conn()).await.unwrap()
}

// ---------- a local SMTP server and SMS gateway ----------

#[derive(Clone, Debug)]
struct Mail {
    to: Vec<String>,
    data: String,
}

struct SmtpServer {
    port: u16,
    received: Arc<Mutex<Vec<Mail>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpServer {
    async fn start() -> SmtpServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let _ = converse(socket, store).await;
                });
            }
        });
        SmtpServer { port, received, task }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn converse(socket: tokio::net::TcpStream, store: Arc<Mutex<Vec<Mail>>>) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 test.localhost ESMTP ready\r\n").await?;
    let mut to = Vec::new();
    loop {
        let mut line = String::new();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") {
            write.write_all(b"250-test.localhost\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n").await?;
        } else if command.starts_with("HELO") || command.starts_with("NOOP") || command.starts_with("RSET") {
            write.write_all(b"250 OK\r\n").await?;
        } else if command.starts_with("MAIL FROM:") {
            to.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if command.starts_with("RCPT TO:") {
            to.push(line.trim_end()[8..].trim().trim_start_matches('<').trim_end_matches('>').to_string());
            write.write_all(b"250 OK\r\n").await?;
        } else if command == "DATA" {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut data = String::new();
            loop {
                let mut l = String::new();
                if lines.read_line(&mut l).await? == 0 {
                    return Ok(());
                }
                if l == ".\r\n" {
                    break;
                }
                data.push_str(&l);
            }
            store.lock().unwrap().push(Mail { to: std::mem::take(&mut to), data });
            write.write_all(b"250 OK queued\r\n").await?;
        } else if command == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"502 no\r\n").await?;
        }
    }
}

/// What the gateway was sent: the Authorization header and the JSON body.
type Texts = Arc<Mutex<Vec<(Option<String>, serde_json::Value)>>>;

/// An SMS gateway on a loopback port: keeps each JSON body and the Authorization header.
struct SmsGateway {
    port: u16,
    received: Texts,
    task: tokio::task::JoinHandle<()>,
}

impl SmsGateway {
    async fn start(status: StatusCode) -> SmsGateway {
        use axum::routing::post;
        let received: Texts = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        let router = axum::Router::new().route(
            "/sms",
            post(move |headers: axum::http::HeaderMap, axum::Json(body): axum::Json<serde_json::Value>| {
                let store = store.clone();
                async move {
                    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_string);
                    store.lock().unwrap().push((auth, body));
                    status
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        SmsGateway { port, received, task }
    }
}

impl Drop for SmsGateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

// ---------- invitations, passwords, second factor ----------

#[tokio::test]
async fn an_emailed_invitation_leads_to_a_password_a_sign_in_and_a_sign_in_code_used_once() {
    let mut app = TestApp::spawn().await;
    let smtp = SmtpServer::start().await;
    let port = smtp.port;
    reconfigure(&mut app, |c| {
        c.smtp =
            SmtpSettings::parse(Some(&format!("smtp://127.0.0.1:{port}?tls=none")), Some("Mainstay <m@demo.example>"))
                .unwrap();
        c.public_url = Some("https://mainstay.example.org".into());
    });
    let person = person_to_invite(&app).await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/people/{person}/portal")).await.assert_status(StatusCode::OK).assert_contains("Not invited");
    let bad = coach
        .post(&format!("/people/{person}/portal/invite"), &[("channel", "email"), ("email", "not an address")])
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("name@example.org");
    coach
        .post(&format!("/people/{person}/portal/invite"), &[("channel", "email"), ("email", "Jordan.Test@Example.org")])
        .await
        .assert_redirect_to(&format!("/people/{person}/portal"));
    let page = coach.get(&format!("/people/{person}/portal")).await;
    page.assert_contains("Invited").assert_contains("J•••@Example.org").assert_lacks("/my/invitation/");
    let mails = smtp.received.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, vec!["Jordan.Test@Example.org".to_string()]);
    assert!(mails[0].data.contains("https://mainstay.example.org/my/invitation/"), "{}", mails[0].data);
    let link = invitation_path(&mails[0].data.replace("=\r\n", ""));
    // The token itself is never stored.
    let stored = portal_invitation::Entity::find()
        .filter(portal_invitation::Column::PersonId.eq(person))
        .all(app.db.conn())
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!link.contains(&stored[0].token_digest) && stored[0].token_digest.len() == 64);

    // The person opens the link and chooses a password; weak ones are explained.
    let mut me = app.client();
    me.get(&link).await.assert_status(StatusCode::OK).assert_contains("Jordan.Test@Example.org");
    me.post(&link, &[("password", "short"), ("confirm_password", "short")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Use at least 10 characters");
    me.post(&link, &[("password", NEW_PASSWORD), ("confirm_password", "lantern river evening")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("not the same");
    me.post(&link, &[("password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD)]).await.assert_redirect_to("/my");
    me.get("/my").await.assert_status(StatusCode::OK).assert_contains("Your password is saved");
    // The link works once.
    app.client().get(&link).await.assert_status(StatusCode::GONE).assert_contains("does not work any more");
    me.post("/my/sign-out", &[]).await.assert_redirect_to("/my/sign-in");
    me.get("/my").await.assert_redirect_to("/my/sign-in?next=%2Fmy");

    // Signing in (the address in any case), then turning on sign-in codes.
    let (mut me, r) = portal_sign_in(&app, "jordan.test@example.org", NEW_PASSWORD).await;
    r.assert_redirect_to("/my");
    let setup = me.get("/my/two-factor").await;
    let secret = secret_on(&setup.body);
    me.post("/my/two-factor", &[("code", "000000")]).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let code = mainstay::auth::totp_code_at(&secret, "Jordan.Test@Example.org", app.now()).unwrap();
    me.post("/my/two-factor", &[("code", &code)]).await.assert_redirect_to("/my/two-factor");
    me.get("/my/two-factor").await.assert_contains("Sign-in codes are on");
    me.post("/my/sign-out", &[]).await;

    // Now a code is asked for after the password; the code just used does not work again.
    let (mut me, r) = portal_sign_in(&app, "jordan.test@example.org", NEW_PASSWORD).await;
    r.assert_redirect_to("/my/sign-in/code");
    me.get("/my").await.assert_redirect_to("/my/sign-in?next=%2Fmy");
    me.get("/my/sign-in/code").await;
    me.post("/my/sign-in/code", &[("code", &code)]).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    app.advance(30);
    let next = mainstay::auth::totp_code_at(&secret, "Jordan.Test@Example.org", app.now()).unwrap();
    me.post("/my/sign-in/code", &[("code", &next)]).await.assert_redirect_to("/my");
    me.get("/my/plan").await.assert_status(StatusCode::OK);
    let staff_view = coach.get(&format!("/people/{person}/portal")).await;
    staff_view.assert_contains("Active").assert_contains("Used");
}

#[tokio::test]
async fn an_sms_invitation_is_posted_to_the_gateway_with_its_token() {
    let mut app = TestApp::spawn().await;
    let gateway = SmsGateway::start(StatusCode::ACCEPTED).await;
    let port = gateway.port;
    reconfigure(&mut app, |c| {
        c.sms = SmsSettings::parse(Some(&format!("http://127.0.0.1:{port}/sms")), Some("gateway-secret")).unwrap();
        c.public_url = Some("https://mainstay.example.org".into());
    });
    let person = person_to_invite(&app).await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/people/{person}/portal")).await.assert_status(StatusCode::OK);
    coach
        .post(
            &format!("/people/{person}/portal/invite"),
            &[("channel", "sms"), ("email", "sam.sms@example.org"), ("phone", "")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("mobile number");
    coach
        .post(
            &format!("/people/{person}/portal/invite"),
            &[("channel", "sms"), ("email", "sam.sms@example.org"), ("phone", "+1 (555) 010-4321")],
        )
        .await
        .assert_redirect_to(&format!("/people/{person}/portal"));
    coach.get(&format!("/people/{person}/portal")).await.assert_contains("••• 4321").assert_contains("Sent");
    let received = gateway.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].0.as_deref(), Some("Bearer gateway-secret"));
    assert_eq!(received[0].1["to"], "+15550104321");
    let body = received[0].1["body"].as_str().unwrap().to_string();
    let link = invitation_path(&body);
    let mut me = app.client();
    me.get(&link).await;
    me.post(&link, &[("password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD)]).await.assert_redirect_to("/my");

    // A gateway that refuses: the staff member gets the link to pass on, and it is recorded.
    drop(gateway);
    let failing = SmsGateway::start(StatusCode::SERVICE_UNAVAILABLE).await;
    let port = failing.port;
    reconfigure(&mut app, |c| {
        c.sms = SmsSettings::parse(Some(&format!("http://127.0.0.1:{port}/sms")), None).unwrap();
    });
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/people/{person}/portal")).await;
    let page = coach
        .post(
            &format!("/people/{person}/portal/invite"),
            &[("channel", "sms"), ("email", "sam.sms@example.org"), ("phone", "555 010 4321")],
        )
        .await;
    page.assert_status(StatusCode::OK)
        .assert_contains("could not be sent")
        .assert_contains("https://mainstay.example.org/my/invitation/");
    assert_eq!(failing.received.lock().unwrap().len(), 1);
    let delivery = audit_of(&app, "portal.invite.delivery").await;
    assert!(delivery.iter().any(|e| e.outcome == "failure" && e.record_id == Some(person)));
}

#[tokio::test]
async fn without_e_mail_or_sms_set_up_the_link_is_shown_once_to_staff() {
    let app = TestApp::spawn().await;
    let person = person_to_invite(&app).await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/people/{person}/portal")).await.assert_contains("not set up on this server");
    let page = coach
        .post(&format!("/people/{person}/portal/invite"), &[("channel", "email"), ("email", "river@example.org")])
        .await;
    page.assert_status(StatusCode::OK).assert_contains("Pass this link on").assert_contains("shown only now");
    let link = invitation_path(&page.body);
    // Not shown again.
    coach
        .get(&format!("/people/{person}/portal"))
        .await
        .assert_lacks("/my/invitation/")
        .assert_contains("Link shown to staff");
    // A second invitation replaces the first link.
    let again = coach
        .post(&format!("/people/{person}/portal/invite"), &[("channel", "email"), ("email", "river@example.org")])
        .await;
    let second = invitation_path(&again.body);
    assert_ne!(link, second);
    app.client().get(&link).await.assert_status(StatusCode::GONE).assert_contains("newer link");
    app.client().get(&second).await.assert_status(StatusCode::OK);
    // Another person cannot take an address already in use.
    let other = person_to_invite(&app).await;
    coach
        .post(&format!("/people/{other}/portal/invite"), &[("channel", "email"), ("email", "RIVER@example.org")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("already used");
}

#[tokio::test]
async fn an_invitation_expires_after_three_days() {
    let app = TestApp::spawn().await;
    let person = person_to_invite(&app).await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/people/{person}/portal")).await;
    let page = coach
        .post(&format!("/people/{person}/portal/invite"), &[("channel", "email"), ("email", "late@example.org")])
        .await;
    let link = invitation_path(&page.body);
    app.advance(72 * 3600 + 1);
    let mut me = app.client();
    me.get(&link).await.assert_status(StatusCode::GONE).assert_contains("run out");
    me.post(&link, &[("password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD)])
        .await
        .assert_status(StatusCode::GONE);
    portal_sign_in(&app, "late@example.org", NEW_PASSWORD).await.1.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    app.client()
        .get("/my/invitation/not-a-token")
        .await
        .assert_status(StatusCode::GONE)
        .assert_contains("could not find");
}

#[tokio::test]
async fn wrong_passwords_lock_the_account_and_unknown_addresses_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let (_, unknown) = portal_sign_in(&app, "nobody@example.org", PASSWORD).await;
    unknown.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let (_, wrong) = portal_sign_in(&app, ALEX, "not the password").await;
    wrong.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let message = "The e-mail address or password is not right";
    unknown.assert_contains(message);
    wrong.assert_contains(message);
    // Staff accounts do not sign in to the portal either (same answer).
    portal_sign_in(&app, "coach@demo.example", PASSWORD).await.1.assert_contains(message);
    for _ in 0..4 {
        portal_sign_in(&app, ALEX, "not the password").await;
    }
    let locked = portal_sign_in(&app, ALEX, PASSWORD).await.1;
    locked.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Too many tries");
    assert!(account(&app, ALEX).await.locked_until.is_some());
    app.advance(61);
    portal_sign_in(&app, ALEX, PASSWORD).await.1.assert_redirect_to("/my");
    assert_eq!(account(&app, ALEX).await.failed_logins, 0);
}

#[tokio::test]
async fn a_suspended_account_cannot_sign_in_and_its_sessions_end() {
    let app = TestApp::spawn().await;
    let mut me = portal_client(&app, CASEY).await;
    me.get("/my").await.assert_status(StatusCode::OK);
    let casey = account(&app, CASEY).await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/people/{}/portal", casey.person_id)).await.assert_contains("Active");
    coach
        .post(&format!("/people/{}/portal/suspend", casey.person_id), &[("version", "1")])
        .await
        .assert_status(StatusCode::CONFLICT);
    coach
        .post(&format!("/people/{}/portal/suspend", casey.person_id), &[("version", &casey.version.to_string())])
        .await
        .assert_redirect_to(&format!("/people/{}/portal", casey.person_id));
    me.get("/my").await.assert_redirect_to("/my/sign-in?next=%2Fmy");
    portal_sign_in(&app, CASEY, PASSWORD).await.1.assert_contains("The e-mail address or password is not right");
    // No new link while suspended.
    coach
        .post(&format!("/people/{}/portal/invite", casey.person_id), &[("channel", "email"), ("email", CASEY)])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Reactivate");
    let suspended = account(&app, CASEY).await;
    coach
        .post(&format!("/people/{}/portal/reactivate", casey.person_id), &[("version", &suspended.version.to_string())])
        .await;
    portal_sign_in(&app, CASEY, PASSWORD).await.1.assert_redirect_to("/my");
    assert_eq!(audit_of(&app, "portal.suspend").await.len(), 1);
    assert_eq!(audit_of(&app, "portal.reactivate").await.len(), 1);
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let mut phone = portal_client(&app, CASEY).await;
    let mut laptop = portal_client(&app, CASEY).await;
    laptop.get("/my/password").await;
    laptop
        .post(
            "/my/password",
            &[("current_password", "wrong one here"), ("password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD)],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("current password is not right");
    laptop
        .post(
            "/my/password",
            &[("current_password", PASSWORD), ("password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD)],
        )
        .await
        .assert_redirect_to("/my");
    laptop.get("/my").await.assert_status(StatusCode::OK);
    phone.get("/my").await.assert_redirect_to("/my/sign-in?next=%2Fmy");
    portal_sign_in(&app, CASEY, NEW_PASSWORD).await.1.assert_redirect_to("/my");
}

// ---------- plan suggestions ----------

#[tokio::test]
async fn a_suggestion_goes_to_the_coach_who_accepts_or_declines_and_the_person_sees_the_answer() {
    let app = TestApp::spawn().await;
    let mut me = portal_client(&app, CASEY).await;
    let plan_page = me.get("/my/plan").await;
    plan_page.assert_status(StatusCode::OK).assert_contains("My goals").assert_contains("Suggest a change");
    let casey = account(&app, CASEY).await;
    let plan = recovery_plan::Entity::find()
        .filter(recovery_plan::Column::PersonId.eq(casey.person_id))
        .filter(recovery_plan::Column::Status.ne("closed"))
        .order_by_desc(recovery_plan::Column::CreatedAt)
        .one(app.db.conn())
        .await
        .unwrap()
        .unwrap();
    // A change must name one of the plan's goals.
    me.post("/my/plan/suggestions", &[("kind", "change"), ("goal_id", &Uuid::new_v4().to_string()), ("body", "x")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Choose the goal");
    me.post("/my/plan/suggestions", &[("kind", "new-goal"), ("goal_id", ""), ("body", "   ")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Fill this in");
    let sent = me
        .post(
            "/my/plan/suggestions",
            &[("kind", "new-goal"), ("goal_id", ""), ("body", "A goal about <cooking> for friends")],
        )
        .await;
    let path = sent.location().to_string();
    assert!(path.starts_with("/my/plan/suggestions/"), "{path}");
    me.get(&path).await.assert_contains("Waiting for your coach").assert_contains("A goal about &#60;cooking&#62;");
    let id: Uuid = path.rsplit('/').next().unwrap().parse().unwrap();

    let coach_id = staff_id(&app, "coach@demo.example").await;
    let waiting =
        mainstay::portal::pending_suggestions_for_worker(app.db.conn(), casey.org_id, coach_id).await.unwrap();
    assert_eq!(waiting, 3, "two from the demo's first user and this one");

    let mut coach = app.signed_in("coach@demo.example").await;
    let staff_plan = coach.get(&format!("/plans/{}", plan.id)).await;
    staff_plan.assert_contains("Suggestions from the person").assert_contains("A goal about &#60;cooking&#62;");
    // A decline needs a kind reply.
    coach
        .post(&format!("/plan-suggestions/{id}/decision"), &[("decision", "decline"), ("reply", ""), ("version", "1")])
        .await
        .assert_redirect_to(&format!("/plans/{}#suggestion-{id}", plan.id));
    coach.get(&format!("/plans/{}", plan.id)).await.assert_contains("Write a few kind words");
    coach
        .post(
            &format!("/plan-suggestions/{id}/decision"),
            &[("decision", "accept"), ("reply", "Yes, let's write it together."), ("version", "1")],
        )
        .await
        .assert_redirect_to(&format!("/plans/{}#suggestions", plan.id));
    coach.get(&format!("/plans/{}", plan.id)).await.assert_contains("Make this change in the plan");
    // Answering twice is a conflict.
    coach
        .post(
            &format!("/plan-suggestions/{id}/decision"),
            &[("decision", "decline"), ("reply", "No"), ("version", "1")],
        )
        .await
        .assert_status(StatusCode::CONFLICT);
    me.get(&path).await.assert_contains("Agreed").assert_contains("Yes, let&#39;s write it together.");
    me.get("/my").await.assert_contains("answered");
    assert_eq!(
        mainstay::portal::pending_suggestions_for_worker(app.db.conn(), casey.org_id, coach_id).await.unwrap(),
        2
    );

    // Withdrawing a pending one; an answered one cannot be withdrawn.
    let second =
        me.post("/my/plan/suggestions", &[("kind", "comment"), ("goal_id", ""), ("body", "Just a note")]).await;
    second.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    me.post(&format!("/my/plan/suggestions/{id}/withdraw"), &[]).await.assert_status(StatusCode::CONFLICT);

    // The audit shows the person's own actions with no staff actor, and the coach's answer.
    let created = audit_of(&app, "portal.suggestion.create").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].actor_id, None);
    assert_eq!(created[0].actor_label.as_deref(), Some(format!("portal:{}", casey.id).as_str()));
    assert_eq!(created[0].record_id, Some(casey.person_id));
    let accepted = audit_of(&app, "portal.suggestion.accept").await;
    assert_eq!(accepted[0].actor_id, Some(coach_id));
    let views = audit_of(&app, "portal.plan.view").await;
    assert!(views.iter().all(|v| v.actor_id.is_none() && v.record_id == Some(casey.person_id)));
}

// ---------- isolation ----------

#[tokio::test]
async fn another_persons_ids_answer_not_found_on_every_portal_route() {
    let app = TestApp::spawn().await;
    let alex = account(&app, ALEX).await;
    let casey = account(&app, CASEY).await;
    let conn = app.db.conn();
    let suggestion_of = |person: Uuid| async move {
        plan_suggestion::Entity::find()
            .filter(plan_suggestion::Column::PersonId.eq(person))
            .filter(plan_suggestion::Column::Status.eq("pending"))
            .one(conn)
            .await
            .unwrap()
    };
    let alex_suggestion = suggestion_of(alex.person_id).await.expect("the demo's first user has pending suggestions");
    let casey_plan = recovery_plan::Entity::find()
        .filter(recovery_plan::Column::PersonId.eq(casey.person_id))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let alex_plan = recovery_plan::Entity::find()
        .filter(recovery_plan::Column::PersonId.eq(alex.person_id))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let casey_suggestion = plan_suggestion::Entity::find()
        .filter(plan_suggestion::Column::PersonId.eq(casey.person_id))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    // A group Casey belongs to and Alex does not (made so if the demo has none).
    let alex_groups: Vec<Uuid> = group_member::Entity::find()
        .filter(group_member::Column::PersonId.eq(alex.person_id))
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.group_id)
        .collect();
    let group = mainstay::db::entities::support_group::Entity::find()
        .filter(mainstay::db::entities::support_group::Column::Status.ne("ended"))
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .find(|g| !alex_groups.contains(&g.id))
        .expect("a group Alex is not in");
    if group_member::Entity::find()
        .filter(group_member::Column::PersonId.eq(casey.person_id))
        .filter(group_member::Column::GroupId.eq(group.id))
        .one(conn)
        .await
        .unwrap()
        .is_none()
    {
        group_member::ActiveModel {
            id: Set(Uuid::new_v4()),
            org_id: Set(casey.org_id),
            group_id: Set(group.id),
            person_id: Set(casey.person_id),
            status: Set("active".into()),
            joined_on: Set(app.now().date()),
            left_on: Set(None),
            availability: Set(None),
            added_by: Set(staff_id(&app, "coach@demo.example").await),
            version: Set(1),
            created_at: Set(app.now()),
            updated_at: Set(app.now()),
        }
        .insert(conn)
        .await
        .unwrap();
    }

    // Casey sees her own.
    let mut casey_client = portal_client(&app, CASEY).await;
    casey_client.get(&format!("/my/plan/suggestions/{}", casey_suggestion.id)).await.assert_status(StatusCode::OK);
    casey_client.get(&format!("/my/plans/{}", casey_plan.id)).await.assert_status(StatusCode::OK);
    casey_client
        .get(&format!("/my/groups/{}", group.id))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains(&group.name);

    // Alex gets 404 for every one of Casey's ids, and for ids that exist nowhere.
    let mut alex_client = portal_client(&app, ALEX).await;
    alex_client.get(&format!("/my/plan/suggestions/{}", alex_suggestion.id)).await.assert_status(StatusCode::OK);
    alex_client.get(&format!("/my/plans/{}", alex_plan.id)).await.assert_status(StatusCode::OK);
    for path in [
        format!("/my/plan/suggestions/{}", casey_suggestion.id),
        format!("/my/plans/{}", casey_plan.id),
        format!("/my/groups/{}", group.id),
        format!("/my/plan/suggestions/{}", Uuid::new_v4()),
        format!("/my/plans/{}", Uuid::new_v4()),
        format!("/my/groups/{}", Uuid::new_v4()),
    ] {
        let r = alex_client.get(&path).await;
        r.assert_status(StatusCode::NOT_FOUND)
            .assert_contains("We could not find that page")
            .assert_lacks(&casey.email);
    }
    alex_client.get("/my").await;
    alex_client
        .post(&format!("/my/plan/suggestions/{}/withdraw", casey_suggestion.id), &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    // Casey's suggestion is untouched.
    let still = plan_suggestion::Entity::find_by_id(casey_suggestion.id).one(conn).await.unwrap().unwrap();
    assert_eq!(still.status, casey_suggestion.status);
    // "Me" never comes from the URL: there is no route that takes a person id.
    alex_client.get(&format!("/my/people/{}", casey.person_id)).await.assert_status(StatusCode::NOT_FOUND);
    let own = alex_client.get("/my/records/record.json").await;
    assert!(!own.body.contains(&casey.person_id.to_string()) && !own.body.contains(&casey_plan.id.to_string()));

    // Staff sessions do not open the portal; portal sessions do not open staff pages or the API.
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get("/my").await.assert_redirect_to("/my/sign-in?next=%2Fmy");
    coach.get(&format!("/my/plans/{}", casey_plan.id)).await.assert_status(StatusCode::SEE_OTHER);
    alex_client.get("/").await.assert_redirect_to("/login?next=%2F");
    alex_client.get(&format!("/people/{}", alex.person_id)).await.assert_status(StatusCode::SEE_OTHER);
    alex_client.get(&format!("/plans/{}", alex_plan.id)).await.assert_status(StatusCode::SEE_OTHER);
    alex_client.get(&format!("/people/{}/portal", alex.person_id)).await.assert_status(StatusCode::SEE_OTHER);
    alex_client.get("/api/v1/portal/accounts").await.assert_status(StatusCode::UNAUTHORIZED);
}

// ---------- records ----------

#[tokio::test]
async fn records_download_without_note_text_and_the_accounting_of_disclosures() {
    let app = TestApp::spawn().await;
    let alex = account(&app, ALEX).await;
    let coach = staff_id(&app, "coach@demo.example").await;
    coaching_contact::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(alex.org_id),
        person_id: Set(alex.person_id),
        program_id: Set(None),
        worker_id: Set(coach),
        occurred_at: Set(app.now() - time::Duration::days(3)),
        minutes: Set(47),
        mode: Set("phone".into()),
        setting: Set("remote".into()),
        present: Set(Some("Present: a sister, name withheld QX5512".into())),
        activities: Set(String::new()),
        goals: Set(String::new()),
        note: Set("Private working note QX7741 about the week".into()),
        status: Set("signed".into()),
        signed_at: Set(Some(app.now())),
        signed_by: Set(Some(coach)),
        warnings: Set(None),
        lapse_id: Set(None),
        group_session_id: Set(None),
        version: Set(1),
        created_at: Set(app.now()),
        updated_at: Set(app.now()),
    }
    .insert(app.db.conn())
    .await
    .unwrap();
    let mut me = portal_client(&app, ALEX).await;
    me.get("/my/records").await.assert_status(StatusCode::OK).assert_contains("/my/records/record.json");
    let json = me.get("/my/records/record.json").await;
    json.assert_status(StatusCode::OK);
    assert_eq!(json.headers["content-disposition"], "attachment; filename=\"my-record.json\"");
    let record = json.json();
    assert!(record["contacts"].as_array().unwrap().iter().any(|c| c["minutes"] == 47 && c["mode"] == "phone"));
    assert!(!record["plans"].as_array().unwrap().is_empty());
    for text in ["QX7741", "QX5512", "\"note\"", "\"present\""] {
        json.assert_lacks(text);
    }
    let html = me.get("/my/records/record.html").await;
    html.assert_status(StatusCode::OK).assert_contains("47 minutes").assert_lacks("QX7741").assert_lacks("QX5512");
    me.get("/my/contacts").await.assert_contains("47 minutes").assert_lacks("QX7741");
    me.get("/my/records/disclosures").await.assert_status(StatusCode::OK).assert_contains("shared");
    let csv = me.get("/my/records/disclosures.csv").await;
    csv.assert_status(StatusCode::OK);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.body.starts_with("When,Shared with,What,Why,How,Consent signed"));
    let downloads = audit_of(&app, "portal.records.download").await;
    assert!(downloads.iter().all(|d| d.actor_id.is_none() && d.record_id == Some(alex.person_id)));
    assert_eq!(downloads.len(), 2);
    assert_eq!(audit_of(&app, "portal.disclosures.view").await.len(), 2);
}

#[tokio::test]
async fn portal_pages_work_in_spanish_and_french_and_keep_the_crisis_line() {
    let app = TestApp::spawn().await;
    let mut me = portal_client(&app, ALEX).await;
    me.get("/my").await.assert_contains("tel:988");
    me.post("/my/language", &[("lang", "es"), ("back", "/my/plan")]).await.assert_redirect_to("/my/plan");
    me.get("/my/plan").await.assert_contains("Mi plan").assert_contains("lang=\"es\"");
    assert_eq!(account(&app, ALEX).await.language.as_deref(), Some("es"));
    me.post("/my/language", &[("lang", "fr"), ("back", "https://evil.example/")]).await.assert_redirect_to("/my");
    me.get("/my/records").await.assert_contains("Mon dossier");
    me.get("/my/nothing-here").await.assert_status(StatusCode::NOT_FOUND).assert_contains("pas trouvé cette page");
    let mut anon = app.client();
    anon.get("/my/sign-in").await.assert_contains("Forgotten your password?").assert_contains("new invitation link");
}

// ---------- the API ----------

#[tokio::test]
async fn the_api_invites_lists_suspends_and_answers_suggestions() {
    let app = TestApp::spawn().await;
    let mut director = app.signed_in("director@demo.example").await;
    let token = director.create_token("portal").await;
    let list = director.api(Method::GET, "/api/v1/portal/accounts", &token, None).await;
    list.assert_status(StatusCode::OK);
    assert_eq!(list.json().as_array().unwrap().len(), 3);
    list.assert_lacks("password").assert_lacks("totp_secret");
    let mut coach = app.signed_in("coach@demo.example").await;
    let coach_token = coach.create_token("portal").await;
    coach.api(Method::GET, "/api/v1/portal/accounts", &coach_token, None).await.assert_status(StatusCode::FORBIDDEN);

    let person = person_to_invite(&app).await;
    let bad = coach
        .api(
            Method::POST,
            &format!("/api/v1/people/{person}/portal/invitations"),
            &coach_token,
            Some(json!({"channel": "fax", "email": ""})),
        )
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> =
        bad.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect();
    assert!(fields.contains(&"channel".to_string()) && fields.contains(&"email".to_string()));
    let invited = coach
        .api(
            Method::POST,
            &format!("/api/v1/people/{person}/portal/invitations"),
            &coach_token,
            Some(json!({"channel": "email", "email": "api.person@example.org"})),
        )
        .await;
    invited.assert_status(StatusCode::CREATED);
    let body = invited.json();
    assert_eq!(body["account"]["status"], "invited");
    assert_eq!(body["not_sent"], "portal-not-sent-no-channel");
    assert!(body["link"].as_str().unwrap().starts_with("/my/invitation/"));
    let access = coach.api(Method::GET, &format!("/api/v1/people/{person}/portal"), &coach_token, None).await;
    access.assert_status(StatusCode::OK);
    assert_eq!(access.json()["invitations"][0]["destination"], "a•••@example.org");
    access.assert_lacks("token");
    let version = access.json()["account"]["version"].as_i64().unwrap();
    let suspended = coach
        .api(
            Method::POST,
            &format!("/api/v1/people/{person}/portal/suspend"),
            &coach_token,
            Some(json!({"version": version})),
        )
        .await;
    suspended.assert_status(StatusCode::OK);
    assert_eq!(suspended.json()["status"], "suspended");
    coach
        .api(
            Method::POST,
            &format!("/api/v1/people/{person}/portal/suspend"),
            &coach_token,
            Some(json!({"version": version})),
        )
        .await
        .assert_status(StatusCode::CONFLICT);

    // Suggestions: the demo's first user has two waiting.
    let alex = account(&app, ALEX).await;
    let pending = coach
        .api(
            Method::GET,
            &format!("/api/v1/people/{}/plan-suggestions?status=pending", alex.person_id),
            &coach_token,
            None,
        )
        .await;
    pending.assert_status(StatusCode::OK);
    let items = pending.json().as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    let id = items[0]["id"].as_str().unwrap();
    coach
        .api(
            Method::POST,
            &format!("/api/v1/plan-suggestions/{id}/decision"),
            &coach_token,
            Some(json!({"decision": "decline", "version": 1})),
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let declined = coach
        .api(
            Method::POST,
            &format!("/api/v1/plan-suggestions/{id}/decision"),
            &coach_token,
            Some(json!({"decision": "decline", "reply": "Let's talk about it on Thursday.", "version": 1})),
        )
        .await;
    declined.assert_status(StatusCode::OK);
    assert_eq!(declined.json()["status"], "declined");
    // Someone without access to the person cannot answer.
    let mut facilitator = app.signed_in("facilitator@demo.example").await;
    let f_token = facilitator.create_token("f").await;
    let other = items[1]["id"].as_str().unwrap();
    let refused = facilitator
        .api(
            Method::POST,
            &format!("/api/v1/plan-suggestions/{other}/decision"),
            &f_token,
            Some(json!({"decision": "accept", "version": 1})),
        )
        .await;
    assert!(matches!(refused.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", refused.status);
}

#[tokio::test]
async fn the_demo_user_with_sign_in_codes_needs_a_code_after_the_password() {
    let app = TestApp::spawn().await;
    let (mut client, r) = portal_sign_in(&app, BLAIR, PASSWORD).await;
    r.assert_redirect_to("/my/sign-in/code");
    client.get("/my/sign-in/code").await.assert_status(StatusCode::OK);
    client.post("/my/sign-in/code", &[("code", "123456")]).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let code = mainstay::auth::totp_code_at(mainstay::portal::DEMO_TOTP_SECRET, BLAIR, app.now()).unwrap();
    client.post("/my/sign-in/code", &[("code", &code)]).await.assert_redirect_to("/my");
    client.get("/my/two-factor").await.assert_contains("Sign-in codes are on");
    assert!(account(&app, BLAIR).await.last_sign_in_at.is_some());
    let signins = audit_of(&app, "portal.signin").await;
    assert_eq!(signins.len(), 1);
    assert_eq!(signins[0].actor_label.as_deref(), Some(format!("portal:{}", account(&app, BLAIR).await.id).as_str()));
}

#[tokio::test]
async fn home_page_counts_suggestions_and_feedback_waiting_for_the_reader() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let coach_id = staff_id(&app, "coach@demo.example").await;
    let waiting = mainstay::portal::accounts::pending_suggestions_for_worker(
        app.db.conn(),
        org_of(&app, coach_id).await,
        coach_id,
    )
    .await
    .unwrap();
    assert!(waiting > 0, "the demo leaves suggestions for the coach");
    coach.get("/").await.assert_status(StatusCode::OK).assert_contains("href=\"/plan-suggestions\"");
    let list = coach.get("/plan-suggestions").await;
    list.assert_status(StatusCode::OK).assert_contains("/plans/");
    let pending = plan_suggestion::Entity::find()
        .filter(plan_suggestion::Column::Status.eq("pending"))
        .all(app.db.conn())
        .await
        .unwrap();
    for s in pending.iter().filter(|s| list.body.contains(&s.id.to_string())) {
        assert!(list.body.contains(&format!("/plans/{}#suggestion-{}", s.plan_id, s.id)));
    }
    assert!(app.audit_soon_contains("portal.suggestion.list").await);

    // Someone with no caseload has nothing waiting and no card.
    let mut admin = app.signed_in("admin@demo.example").await;
    admin.get("/").await.assert_status(StatusCode::OK).assert_lacks("href=\"/plan-suggestions\"");
    admin.get("/plan-suggestions").await.assert_status(StatusCode::OK).assert_contains("Nothing is waiting");

    // The owner of open feedback sees it on their home page.
    let (owner, count) = feedback_owner(&app).await;
    assert!(count > 0);
    let mut owner_client = app.signed_in(&owner).await;
    owner_client
        .get("/")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("href=\"/voice/feedback/mine\"")
        .assert_contains("for you to handle");
}

/// A demo staff member who owns open feedback, and how many items.
async fn feedback_owner(app: &TestApp) -> (String, usize) {
    use mainstay::db::entities::feedback_item;
    let open: Vec<feedback_item::Model> = feedback_item::Entity::find()
        .filter(feedback_item::Column::Status.ne("closed"))
        .filter(feedback_item::Column::OwnerId.is_not_null())
        .all(app.db.conn())
        .await
        .unwrap();
    let owner = open.first().and_then(|i| i.owner_id).expect("the demo assigns open feedback");
    let email = staff::Entity::find_by_id(owner).one(app.db.conn()).await.unwrap().unwrap().email;
    (email, open.iter().filter(|i| i.owner_id == Some(owner)).count())
}

async fn org_of(app: &TestApp, staff_id: Uuid) -> Uuid {
    staff::Entity::find_by_id(staff_id).one(app.db.conn()).await.unwrap().unwrap().org_id
}

#[tokio::test]
async fn the_portal_lists_only_feedback_the_person_gave_themselves() {
    use mainstay::db::entities::feedback_item;
    let app = TestApp::spawn().await;
    let alex = account(&app, ALEX).await;
    let input = mainstay::domain::feedback::FeedbackInput {
        kind: "suggestion".into(),
        body: "Could the Tuesday group start a little later?".into(),
        ..Default::default()
    };
    let id =
        mainstay::voice::feedback::submit_from_portal(&app.state, alex.org_id, alex.person_id, &input).await.unwrap();
    let own = mainstay::voice::feedback::for_person(app.db.conn(), alex.org_id, alex.person_id).await.unwrap();
    assert!(own.iter().any(|f| f.id == id));
    // The same item as a family member's words, logged by staff: it stays with staff.
    let row = feedback_item::Entity::find_by_id(id).one(app.db.conn()).await.unwrap().unwrap();
    let mut row: feedback_item::ActiveModel = row.into();
    row.channel = Set("staff".into());
    row.submitted_by = Set(Some("family".into()));
    row.update(app.db.conn()).await.unwrap();
    let own = mainstay::voice::feedback::for_person(app.db.conn(), alex.org_id, alex.person_id).await.unwrap();
    assert!(!own.iter().any(|f| f.id == id));
}
