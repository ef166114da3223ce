//! Personnel reminders: timing with the injected clock (60 and 30 days before a certification
//! expires and on expiry, each once however often the job runs; a renewal stops and closes them),
//! overdue training, supervision gaps and workload reviews (closed once the record shows them
//! done), dismissal, who sees whose reminders, e-mail through a local SMTP server started inside
//! the test (recipients, subject, no participant data, `emailed_at`, nothing sent twice, failed
//! sends retried), and assignment checks (warn or block) for a coach and a referral's follow-up.
//! Staff and their records are created here; nothing is asserted about the demo staff's own data.

use crate::helpers::{TestApp, first_program, person_fields};
use axum::http::{Method, StatusCode};
use mainstay::app::AppState;
use mainstay::config::SmtpSettings;
use mainstay::db::entities::{
    person, personnel_setting, staff_certification, staff_reminder, supervision_session, training_record,
    workload_review,
};
use mainstay::domain::setup::StaffInput;
use mainstay::personnel::reminders;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use std::sync::{Arc, Mutex};
use time::Date;
use time::macros::date;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use uuid::Uuid;

const DAY: i64 = 86_400;

/// As the templates escape text.
fn html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&#34;").replace('\'', "&#39;")
}

async fn org_id(app: &TestApp) -> Uuid {
    mainstay::db::org::all(&app.db).await.unwrap()[0].id
}

async fn staff_id(app: &TestApp, email: &str) -> Uuid {
    mainstay::db::staff::by_email(&app.db, email).await.unwrap().expect("demo account").id
}

/// A new staff member (signing in with the demo password), in the demo's first program.
async fn add_staff(app: &TestApp, name: &str, email: &str, roles: &[&str], supervisor: Option<Uuid>) -> Uuid {
    let org = org_id(app).await;
    let coach = mainstay::db::staff::by_email(&app.db, "coach@demo.example").await.unwrap().unwrap();
    let programs = mainstay::db::org::programs(app.db.conn(), org).await.unwrap();
    let valid = StaffInput {
        display_name: name.into(),
        email: email.into(),
        job_title: None,
        roles: roles.iter().map(|r| r.to_string()).collect(),
        supervisor_id: supervisor.map(|s| s.to_string()),
        program_ids: vec![programs[0].id.to_string()],
        active: true,
    }
    .parse()
    .expect("valid staff");
    let txn = app.db.begin_write().await.unwrap();
    let created = mainstay::db::staff::create(&txn, org, &valid, coach.password_hash, false, app.now())
        .await
        .unwrap_or_else(|_| panic!("create {email}"));
    txn.commit().await.unwrap();
    mainstay::db::access_changed();
    created.id
}

async fn add_certification(
    app: &TestApp,
    staff_id: Uuid,
    kind: &str,
    name: &str,
    issued_on: Date,
    expires_on: Option<Date>,
) -> Uuid {
    let id = Uuid::new_v4();
    staff_certification::ActiveModel {
        id: Set(id),
        org_id: Set(org_id(app).await),
        staff_id: Set(staff_id),
        kind: Set(kind.into()),
        name: Set(name.into()),
        jurisdiction: Set("ME".into()),
        number: Set(Some("PRS-1001".into())),
        issued_on: Set(issued_on),
        expires_on: Set(expires_on),
        file_id: Set(None),
        recorded_by: Set(staff_id),
        version: Set(1),
        created_at: Set(app.now()),
        updated_at: Set(app.now()),
    }
    .insert(app.db.conn())
    .await
    .expect("certification");
    id
}

async fn add_training(app: &TestApp, staff_id: Uuid, topics: &str, on: Date) {
    training_record::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id(app).await),
        staff_id: Set(staff_id),
        course_id: Set(None),
        title: Set("Referral and warning signs".into()),
        kind: Set("completed".into()),
        phase: Set("in-service".into()),
        topics: Set(topics.into()),
        completed_on: Set(on),
        hours: Set(Some(6.0)),
        provider: Set(Some("State peer network".into())),
        certificate_file_id: Set(None),
        demonstration: Set(None),
        attested_by: Set(None),
        note: Set(None),
        recorded_by: Set(staff_id),
        version: Set(1),
        created_at: Set(app.now()),
        updated_at: Set(app.now()),
    }
    .insert(app.db.conn())
    .await
    .expect("training record");
}

async fn add_supervision(app: &TestApp, staff_id: Uuid, led_by: Uuid, on: Date) {
    supervision_session::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id(app).await),
        staff_id: Set(staff_id),
        led_by: Set(led_by),
        kind: Set("individual".into()),
        held_on: Set(on),
        minutes: Set(Some(45)),
        topics: Set("self-care".into()),
        notes: Set(None),
        follow_ups: Set(None),
        follow_up_due: Set(None),
        follow_up_done_on: Set(None),
        people_discussed: Set(String::new()),
        recorded_by: Set(led_by),
        version: Set(1),
        created_at: Set(app.now()),
        updated_at: Set(app.now()),
    }
    .insert(app.db.conn())
    .await
    .expect("supervision session");
}

async fn add_workload_review(app: &TestApp, staff_id: Uuid, by: Uuid, on: Date, next: Date) {
    workload_review::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id(app).await),
        staff_id: Set(staff_id),
        reviewed_on: Set(on),
        reviewed_by: Set(by),
        measures: Set("{}".into()),
        decision: Set("no-change".into()),
        notes: Set(None),
        next_review_on: Set(next),
        created_at: Set(app.now()),
    }
    .insert(app.db.conn())
    .await
    .expect("workload review");
}

/// The organisation's gap policy (`warn` or `block`).
async fn set_gap_policy(app: &TestApp, policy: &str) {
    let org = org_id(app).await;
    personnel_setting::Entity::delete_by_id(org).exec(app.db.conn()).await.unwrap();
    personnel_setting::ActiveModel {
        org_id: Set(org),
        gap_policy: Set(policy.into()),
        supervision_days: Set(30),
        mentoring_days: Set(90),
        in_service_months: Set(12),
        pre_service_grace_days: Set(90),
        weight_high: Set(2.0),
        weight_moderate: Set(1.0),
        weight_low: Set(0.5),
        max_weighted_caseload: Set(30.0),
        max_contacts_per_month: Set(100),
        max_groups: Set(4),
        max_open_referrals: Set(40),
        review_months: Set(6),
        version: Set(1),
        updated_at: Set(app.now()),
        updated_by: Set(None),
    }
    .insert(app.db.conn())
    .await
    .expect("settings");
}

/// A staff member's reminders, oldest first.
async fn reminders_of(app: &TestApp, staff_id: Uuid) -> Vec<staff_reminder::Model> {
    staff_reminder::Entity::find()
        .filter(staff_reminder::Column::StaffId.eq(staff_id))
        .order_by_asc(staff_reminder::Column::CreatedAt)
        .order_by_asc(staff_reminder::Column::Stage)
        .all(app.db.conn())
        .await
        .unwrap()
}

/// A certification's reminder stages in the order they came, each with whether it is still open.
async fn stages(app: &TestApp, staff_id: Uuid, certification: Uuid) -> Vec<(String, bool)> {
    reminders_of(app, staff_id)
        .await
        .into_iter()
        .filter(|r| r.subject == certification.to_string())
        .map(|r| (r.stage, r.dismissed_at.is_none()))
        .collect()
}

fn open(stage: &str) -> (String, bool) {
    (stage.to_string(), true)
}

fn closed(stage: &str) -> (String, bool) {
    (stage.to_string(), false)
}

async fn run(app: &TestApp) -> reminders::RunReport {
    reminders::run(&app.state, app.now()).await
}

#[tokio::test]
async fn certification_reminders_come_60_and_30_days_ahead_and_on_expiry_once_each() {
    let app = TestApp::spawn().await;
    let supervisor = staff_id(&app, "supervisor@demo.example").await;
    let rae = add_staff(&app, "Rae Timing", "rae.timing@example.org", &["coach"], Some(supervisor)).await;
    // Today is 18 November 2026: 70 days to go.
    let cert = add_certification(
        &app,
        rae,
        "peer-recovery",
        "Timing Peer Recovery Specialist",
        date!(2024 - 01 - 27),
        Some(date!(2027 - 01 - 27)),
    )
    .await;
    run(&app).await;
    assert!(stages(&app, rae, cert).await.is_empty(), "nothing 70 days ahead");

    app.advance(10 * DAY); // 28 November: 60 days to go.
    let preview = reminders::dry_run(&app.state, app.now()).await;
    assert!(preview.dry_run && preview.created.iter().any(|n| n.subject == cert.to_string() && n.stage == "60"));
    assert!(stages(&app, rae, cert).await.is_empty(), "a dry run writes nothing");
    let first = run(&app).await;
    let noted: Vec<_> = first.created.iter().filter(|n| n.subject == cert.to_string()).collect();
    assert_eq!(noted.len(), 1);
    assert_eq!((noted[0].staff_name.as_str(), noted[0].due_on), ("Rae Timing", date!(2027 - 01 - 27)));
    let again = run(&app).await;
    assert!(again.created.iter().all(|n| n.staff_id != rae), "a second run the same day creates nothing");
    assert_eq!(stages(&app, rae, cert).await, vec![open("60")]);

    app.advance(29 * DAY); // 27 December: 31 days, still the 60-day stage.
    run(&app).await;
    assert_eq!(stages(&app, rae, cert).await, vec![open("60")]);

    app.advance(DAY); // 28 December: 30 days.
    run(&app).await;
    run(&app).await;
    assert_eq!(stages(&app, rae, cert).await, vec![closed("60"), open("30")]);

    app.advance(31 * DAY); // 28 January 2027: expired yesterday.
    run(&app).await;
    run(&app).await;
    assert_eq!(stages(&app, rae, cert).await, vec![closed("60"), closed("30"), open("expired")]);
    let expired = reminders_of(&app, rae).await.into_iter().find(|r| r.stage == "expired").unwrap();
    assert_eq!((expired.kind.as_str(), expired.due_on), ("certification-expired", date!(2027 - 01 - 27)));

    // The renewal is recorded: the old certification stops reminding and its reminder closes.
    let renewed = add_certification(
        &app,
        rae,
        "peer-recovery",
        "Timing Peer Recovery Specialist (renewed)",
        date!(2027 - 01 - 28),
        Some(date!(2029 - 01 - 27)),
    )
    .await;
    let after = run(&app).await;
    assert!(after.closed.iter().any(|n| n.reminder_id == expired.id));
    assert_eq!(stages(&app, rae, cert).await, vec![closed("60"), closed("30"), closed("expired")]);
    assert!(stages(&app, rae, renewed).await.is_empty());
    run(&app).await;
    assert_eq!(stages(&app, rae, cert).await.len(), 3, "nothing comes back");
}

#[tokio::test]
async fn a_certification_already_renewed_never_reminds() {
    let app = TestApp::spawn().await;
    let sam = add_staff(&app, "Sam Renewed", "sam.renewed@example.org", &["coach"], None).await;
    let old = add_certification(
        &app,
        sam,
        "peer-support",
        "Old Peer Support",
        date!(2024 - 12 - 01),
        Some(date!(2026 - 12 - 01)),
    )
    .await;
    let new = add_certification(
        &app,
        sam,
        "peer-support",
        "New Peer Support",
        date!(2026 - 11 - 10),
        Some(date!(2028 - 12 - 01)),
    )
    .await;
    // A different kind expiring at the same time still reminds.
    let other =
        add_certification(&app, sam, "other", "First Aid", date!(2024 - 12 - 01), Some(date!(2026 - 12 - 01))).await;
    run(&app).await;
    assert!(stages(&app, sam, old).await.is_empty());
    assert!(stages(&app, sam, new).await.is_empty());
    assert_eq!(stages(&app, sam, other).await, vec![open("30")]);
}

#[tokio::test]
async fn overdue_training_supervision_gaps_and_workload_reviews_remind_until_done() {
    let app = TestApp::spawn().await;
    let supervisor = staff_id(&app, "supervisor@demo.example").await;
    let kim = add_staff(&app, "Kim Overdue", "kim.overdue@example.org", &["coach"], Some(supervisor)).await;
    add_supervision(&app, kim, supervisor, date!(2026 - 10 - 01)).await;
    add_workload_review(&app, kim, supervisor, date!(2026 - 04 - 01), date!(2026 - 10 - 01)).await;
    run(&app).await;
    let find = |list: &[staff_reminder::Model], kind: &str, subject: &str| {
        list.iter().find(|r| r.kind == kind && r.subject == subject).cloned()
    };
    let list = reminders_of(&app, kim).await;
    let training = find(&list, "training-overdue", "cse-2-03-referral").expect("referral training reminder");
    assert_eq!(training.stage, "missing");
    let gap = find(&list, "supervision-gap", "").expect("supervision gap");
    assert_eq!((gap.stage.as_str(), gap.due_on), ("2026-10-31", date!(2026 - 10 - 31)));
    let review = find(&list, "workload-review-due", "").expect("workload review");
    assert_eq!(review.due_on, date!(2026 - 10 - 01));

    // Kim sees them in words, each linking to the page where it is dealt with.
    let mut client = app.signed_in("kim.overdue@example.org").await;
    let page = client.get("/reminders").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Supervision is overdue since 31 October 2026.")
        .assert_contains("A workload review has been due since 1 October 2026.")
        .assert_contains(&format!("/team/{kim}/supervision"))
        .assert_contains(&format!("/team/{kim}/workload"))
        .assert_contains(&format!("/team/{kim}/training"));

    // The training, supervision and review are recorded: their reminders close at the next run.
    add_training(&app, kim, "cse-2-03-referral;cse-2-03-trauma-signs;cse-2-03-suicide-signs", date!(2026 - 11 - 18))
        .await;
    add_supervision(&app, kim, supervisor, date!(2026 - 11 - 18)).await;
    add_workload_review(&app, kim, supervisor, date!(2026 - 11 - 18), date!(2027 - 05 - 18)).await;
    let report = run(&app).await;
    let list = reminders_of(&app, kim).await;
    for id in [training.id, gap.id, review.id] {
        let r = list.iter().find(|r| r.id == id).unwrap();
        assert!(r.dismissed_at.is_some(), "{} {} still open", r.kind, r.subject);
        assert!(report.closed.iter().any(|n| n.reminder_id == id));
    }
    assert!(find(&list, "training-overdue", "cse-2-03-trauma-signs").is_none_or(|r| r.dismissed_at.is_some()));
    assert!(list.iter().filter(|r| r.kind == "supervision-gap").all(|r| r.dismissed_at.is_some()));
    // Other training Kim still lacks keeps reminding.
    assert!(find(&list, "training-overdue", "cse-2-07-ethics-boundaries").is_some_and(|r| r.dismissed_at.is_none()));
}

#[tokio::test]
async fn staff_see_their_own_reminders_supervisors_their_teams_and_dismissal_sticks() {
    let app = TestApp::spawn().await;
    let supervisor = staff_id(&app, "supervisor@demo.example").await;
    let lee = add_staff(&app, "Lee Visible", "lee.visible@example.org", &["coach"], Some(supervisor)).await;
    let pat = add_staff(&app, "Pat Elsewhere", "pat.elsewhere@example.org", &["coach"], None).await;
    let lee_cert = add_certification(
        &app,
        lee,
        "peer-recovery",
        "Lee Peer Cert",
        date!(2024 - 12 - 10),
        Some(date!(2026 - 12 - 10)),
    )
    .await;
    add_certification(&app, pat, "peer-recovery", "Pat Peer Cert", date!(2024 - 12 - 12), Some(date!(2026 - 12 - 12)))
        .await;
    run(&app).await;
    let reminder = reminders_of(&app, lee).await.into_iter().find(|r| r.subject == lee_cert.to_string()).unwrap();

    let mut lee_client = app.signed_in("lee.visible@example.org").await;
    let home = lee_client.get("/").await;
    home.assert_status(StatusCode::OK).assert_contains("href=\"/reminders\"").assert_contains("reminders for you");
    let mine = lee_client.get("/reminders").await;
    mine.assert_status(StatusCode::OK)
        .assert_contains("Lee Peer Cert expires on 10 December 2026.")
        .assert_lacks("Pat Peer Cert")
        .assert_lacks("Your team&#39;s reminders");

    // A coach has no team view, and cannot dismiss a colleague's reminder.
    let mut pat_client = app.signed_in("pat.elsewhere@example.org").await;
    pat_client.get("/reminders").await.assert_contains("Pat Peer Cert").assert_lacks("Lee Peer Cert");
    let token = pat_client.create_token("reminders").await;
    pat_client.api(Method::GET, "/api/v1/reminders?team=true", &token, None).await.assert_status(StatusCode::FORBIDDEN);
    pat_client
        .api(Method::POST, &format!("/api/v1/reminders/{}/dismiss", reminder.id), &token, None)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    pat_client.get("/reminders").await;
    pat_client.post(&format!("/reminders/{}/dismiss", reminder.id), &[]).await.assert_status(StatusCode::FORBIDDEN);
    let mine = pat_client.api(Method::GET, "/api/v1/reminders", &token, None).await.json();
    let items = mine.as_array().unwrap();
    assert!(items.iter().all(|r| r["staff_id"] == pat.to_string() && r["own"] == true));
    assert!(
        items.iter().any(
            |r| r["text"] == "Pat Peer Cert expires on 12 December 2026. Record the renewal once it comes through."
        )
    );

    // Lee's supervisor and the director see Lee's reminder on their team list; not Pat's.
    let mut sup = app.signed_in("supervisor@demo.example").await;
    let page = sup.get("/reminders").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Your team&#39;s reminders")
        .assert_contains("Lee Visible")
        .assert_contains("Lee Peer Cert expires on 10 December 2026.")
        .assert_lacks("Pat Peer Cert");
    assert!(sup.get("/").await.body.contains("reminders for your team"));
    let sup_token = sup.create_token("team reminders").await;
    let team = sup.api(Method::GET, "/api/v1/reminders?team=true", &sup_token, None).await.json();
    let lee_item = team.as_array().unwrap().iter().find(|r| r["id"] == reminder.id.to_string()).expect("Lee's");
    assert_eq!(lee_item["own"], false);
    assert_eq!(lee_item["can_dismiss"], true);
    assert_eq!(lee_item["kind"], "certification-expiring");
    assert_eq!(lee_item["subject_label"], "Lee Peer Cert");
    assert_eq!(lee_item["link"], format!("/team/{lee}"));
    let bad = sup.api(Method::GET, "/api/v1/reminders?team=maybe", &sup_token, None).await;
    bad.assert_status(StatusCode::BAD_REQUEST);
    let mut director = app.signed_in("director@demo.example").await;
    director.get("/reminders").await.assert_contains("Lee Peer Cert");

    // Lee dismisses it: gone from the lists, audited, and not re-created by the next runs.
    lee_client.get("/reminders").await;
    lee_client.post(&format!("/reminders/{}/dismiss", reminder.id), &[]).await.assert_redirect_to("/reminders");
    let after = lee_client.get("/reminders").await;
    after.assert_contains("Reminder dismissed.").assert_lacks("Lee Peer Cert");
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "personnel.reminder.dismiss"));
    run(&app).await;
    app.advance(DAY);
    run(&app).await;
    let again: Vec<_> =
        reminders_of(&app, lee).await.into_iter().filter(|r| r.subject == lee_cert.to_string()).collect();
    assert_eq!(again.len(), 1);
    assert!(again[0].dismissed_at.is_some());
    sup.get("/reminders").await.assert_lacks("Lee Peer Cert");
    // Dismissing again through the API is harmless; an unknown id is 404.
    let lee_token = lee_client.create_token("mine").await;
    let twice =
        lee_client.api(Method::POST, &format!("/api/v1/reminders/{}/dismiss", reminder.id), &lee_token, None).await;
    twice.assert_status(StatusCode::OK);
    assert!(twice.json()["dismissed_at"].is_string());
    lee_client
        .api(Method::POST, &format!("/api/v1/reminders/{}/dismiss", Uuid::new_v4()), &lee_token, None)
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

// ---------- e-mail through a local SMTP server ----------

#[derive(Clone, Debug)]
struct Received {
    to: Vec<String>,
    data: String,
}

impl Received {
    fn header(&self, name: &str) -> String {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.data
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map_or(String::new(), |l| l[prefix.len()..].trim().to_string())
    }

    /// The body, quoted-printable decoded when it was sent that way.
    fn body(&self) -> String {
        let (_, body) = self.data.split_once("\r\n\r\n").unwrap_or(("", &self.data));
        if !self.header("Content-Transfer-Encoding").eq_ignore_ascii_case("quoted-printable") {
            return body.to_string();
        }
        let joined = body.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'='
                && i + 2 < bytes.len()
                && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
            {
                out.push(b);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).to_string()
    }
}

/// A mail server on a loopback port that accepts everything and keeps what it was sent.
struct SmtpServer {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpServer {
    async fn start() -> SmtpServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
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

    fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    fn to(&self, address: &str) -> Vec<Received> {
        self.messages().into_iter().filter(|m| m.to.iter().any(|t| t == address)).collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Enough SMTP for a client: greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT.
async fn converse(socket: tokio::net::TcpStream, store: Arc<Mutex<Vec<Received>>>) -> std::io::Result<()> {
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
        } else if command.starts_with("HELO") || command.starts_with("NOOP") {
            write.write_all(b"250 OK\r\n").await?;
        } else if command.starts_with("MAIL FROM:") {
            to.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if command.starts_with("RCPT TO:") {
            let address = line.trim_end()[8..].trim().trim_start_matches('<').trim_end_matches('>').to_string();
            to.push(address);
            write.write_all(b"250 OK\r\n").await?;
        } else if command == "DATA" {
            write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
            let mut data = String::new();
            loop {
                let mut l = String::new();
                if lines.read_line(&mut l).await? == 0 {
                    return Ok(());
                }
                if l == ".\r\n" || l == ".\n" {
                    break;
                }
                data.push_str(l.strip_prefix('.').filter(|_| l.starts_with("..")).unwrap_or(&l));
            }
            store.lock().unwrap().push(Received { to: std::mem::take(&mut to), data });
            write.write_all(b"250 OK queued\r\n").await?;
        } else if command == "RSET" {
            to.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if command == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"502 Command not implemented\r\n").await?;
        }
    }
}

/// The app's state with e-mail going to `port` on this machine.
fn with_smtp(app: &TestApp, port: u16) -> AppState {
    let mut state = app.state.clone();
    let mut config = (*state.config).clone();
    config.smtp = SmtpSettings::parse(
        Some(&format!("smtp://127.0.0.1:{port}?tls=none")),
        Some("Mainstay reminders <mainstay@demo.example>"),
    )
    .expect("settings");
    config.public_url = Some("https://mainstay.example.org".into());
    state.config = Arc::new(config);
    state
}

#[tokio::test]
async fn new_reminders_are_emailed_once_to_the_staff_member_and_their_supervisor() {
    let app = TestApp::spawn().await;
    let supervisor = staff_id(&app, "supervisor@demo.example").await;
    let zed = add_staff(&app, "Zed Mailer", "zed.mailer@example.org", &["coach"], Some(supervisor)).await;
    let cert = add_certification(
        &app,
        zed,
        "peer-recovery",
        "Zed Peer Cert",
        date!(2024 - 01 - 02),
        Some(date!(2027 - 01 - 02)),
    )
    .await;

    // The mail server is down at first: the reminder is recorded, the send fails and is kept for later.
    let closed_port = {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap().port()
    };
    let down = reminders::run(&with_smtp(&app, closed_port), app.now()).await;
    assert!(down.email_enabled && down.emails_failed > 0 && down.emails_sent == 0);
    let reminder = reminders_of(&app, zed).await.into_iter().find(|r| r.subject == cert.to_string()).unwrap();
    assert_eq!(reminder.stage, "60");
    assert!(reminder.emailed_at.is_none());

    // An hour later the server is up: the next run sends it.
    let server = SmtpServer::start().await;
    let state = with_smtp(&app, server.port);
    app.advance(3600);
    let up = reminders::run(&state, app.now()).await;
    assert!(up.emails_sent >= 2, "{up:?}");
    assert_eq!(up.emails_failed, 0);
    assert!(up.created.iter().all(|n| n.subject != cert.to_string()), "the reminder itself was not made again");

    let to_zed = server.to("zed.mailer@example.org");
    assert_eq!(to_zed.len(), 1, "one message per recipient");
    let mail = &to_zed[0];
    assert!(mail.header("Subject").contains("reminders from") || mail.header("Subject").contains("reminder from"));
    assert!(mail.header("From").contains("mainstay@demo.example"));
    let body = mail.body();
    assert!(body.contains("Hello Zed Mailer,"), "{body}");
    assert!(body.contains("Zed Peer Cert expires on 2 January 2027."), "{body}");
    assert!(body.contains("https://mainstay.example.org/reminders"), "{body}");
    assert!(body.contains("Training to complete:"), "{body}");

    let to_supervisor = server.to("supervisor@demo.example");
    assert_eq!(to_supervisor.len(), 1);
    let body = to_supervisor[0].body();
    assert!(body.contains("For your team:"), "{body}");
    assert!(body.contains("Zed Mailer: Zed Peer Cert expires on 2 January 2027."), "{body}");
    assert!(!body.contains("Zed Mailer: Training to complete"), "training gaps go to the staff member only");

    // Nothing about the people served: no participant's name or record number in any message.
    let people = person::Entity::find().all(app.db.conn()).await.unwrap();
    assert!(!people.is_empty());
    for m in server.messages() {
        let text = m.body();
        assert!(!text.contains("MS-0"), "record number in {text}");
        for p in &people {
            let name = format!("{} {}", p.legal_given_name, p.legal_family_name);
            assert!(!text.contains(&name), "{name} in a message");
        }
    }

    let reminder = staff_reminder::Entity::find_by_id(reminder.id).one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!(reminder.emailed_at, Some(app.now()));

    // Runs later the same day and the next send nothing new.
    let sent = server.messages().len();
    reminders::run(&state, app.now()).await;
    app.advance(DAY);
    let next_day = reminders::run(&state, app.now()).await;
    assert_eq!(next_day.emails_sent, 0, "{next_day:?}");
    assert_eq!(server.messages().len(), sent);

    // At 30 days the new stage goes out, once.
    app.advance(29 * DAY);
    reminders::run(&state, app.now()).await;
    reminders::run(&state, app.now()).await;
    let to_zed = server.to("zed.mailer@example.org");
    assert_eq!(to_zed.len(), 2);
    assert!(to_zed[1].body().contains("Zed Peer Cert expires on 2 January 2027."));
    assert!(!to_zed[1].body().contains("Training to complete"), "already sent");
}

// ---------- assignment checks ----------

async fn new_person_for(client: &mut crate::helpers::Client, given: &str, worker: Uuid) -> crate::helpers::Response {
    let form = client.get("/people/new").await;
    let program = first_program(&form.body);
    let worker = worker.to_string();
    let mut fields = person_fields(given, "Assignmenttest", "1990-05-06", &program);
    fields.push(("worker_id", &worker));
    fields.push(("confirm_new", "1"));
    client.post("/people", &fields).await
}

#[tokio::test]
async fn assigning_a_coach_without_a_peer_certification_warns_or_blocks() {
    let app = TestApp::spawn().await;
    let supervisor = staff_id(&app, "supervisor@demo.example").await;
    let una = add_staff(&app, "Una Uncertified", "una.uncertified@example.org", &["coach"], Some(supervisor)).await;
    let mut sup = app.signed_in("supervisor@demo.example").await;

    // Warn (the default): saved, with a warning naming the gap.
    let created = new_person_for(&mut sup, "Warned", una).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let page = sup.get(created.location()).await;
    page.assert_contains("notice-warning").assert_contains("Una Uncertified is missing what this work needs:");
    let label = mainstay::i18n::Tr::new(mainstay::domain::codes::UiLanguage::En).t("check-peer-certification");
    page.assert_contains(&html(&label));

    let token = sup.create_token("assign").await;
    let programs = mainstay::db::org::programs(app.db.conn(), org_id(&app).await).await.unwrap();
    let body = json!({"legal_given_name": "Apiwarned", "legal_family_name": "Assignmenttest", "date_of_birth": "1990-05-06",
        "program_id": programs[0].id, "worker_id": una, "allow_duplicate": true});
    let api = sup.api(Method::POST, "/api/v1/people", &token, Some(body.clone())).await;
    api.assert_status(StatusCode::CREATED);
    let gaps = api.json()["assignment_gaps"].clone();
    assert!(gaps.as_array().unwrap().contains(&json!({"type": "check", "code": "peer-certification"})), "{gaps}");

    // Block: refused on the worker field, naming the gap in words; nothing saved.
    set_gap_policy(&app, "block").await;
    let refused = new_person_for(&mut sup, "Blocked", una).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains("Una Uncertified is missing what this work needs:").assert_contains(&html(&label));
    assert!(!refused.body.contains("peer-certification,"), "codes are shown as words");
    let blocked =
        person::Entity::find().filter(person::Column::LegalGivenName.eq("Blocked")).all(app.db.conn()).await.unwrap();
    assert!(blocked.is_empty());
    let mut body = body;
    body["legal_given_name"] = json!("Apiblocked");
    let api = sup.api(Method::POST, "/api/v1/people", &token, Some(body)).await;
    api.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let errors = api.json()["errors"].clone();
    assert!(
        errors.as_array().unwrap().iter().any(|e| e["field"] == "worker_id" && e["code"] == "error-assignment-gaps")
    );

    // Certified, Una still lacks the peer training: still refused, now naming only that.
    add_certification(&app, una, "peer-recovery", "Una Peer Cert", date!(2026 - 11 - 01), Some(date!(2028 - 11 - 01)))
        .await;
    let refused = new_person_for(&mut sup, "Stillblocked", una).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_lacks(&html(&label));
    let topic =
        mainstay::i18n::Tr::new(mainstay::domain::codes::UiLanguage::En).t("requirement-cse-2-07-ethics-boundaries");
    refused.assert_contains(&html(&topic));

    // With the training recorded too, the same assignment goes through without a warning.
    for topics in [
        "cse-2-03-referral;cse-2-03-trauma-signs;cse-2-03-suicide-signs",
        "cse-2-05-development-family;cse-2-05-evidence-based;cse-2-05-person-in-environment;cse-2-05-reaching-disengaged",
        "cse-2-07-intensive-services;cse-2-07-ethics-boundaries;cse-2-07-wellness-trauma-informed;cse-2-07-own-triggers;\
         cse-2-07-recovery-concepts",
        "prsc-k-science;prsc-k-recovery-process;prsc-k-values;prsc-k-pathways;prsc-k-ethics-self-care;prsc-k-culture;\
         prsc-k-trauma;prsc-k-community-resources;prsc-k-agency;prsc-k-planning",
        "prsc-s-outreach;prsc-s-motivation;prsc-s-listening;prsc-s-conflict;prsc-s-crisis;prsc-s-re-engagement;\
         prsc-s-communication;prsc-s-advocacy;prsc-s-emotional-support;prsc-s-recovery-capital;prsc-s-connecting;\
         prsc-s-diverse-cultures;prsc-s-community-settings",
    ] {
        add_training(&app, una, topics, date!(2026 - 11 - 02)).await;
    }
    let accepted = new_person_for(&mut sup, "Certified", una).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    sup.get(accepted.location()).await.assert_lacks("notice-warning");
}

/// A request for service, logged and given a person record through the API; returns its id and version.
async fn request_with_person(client: &mut crate::helpers::Client, token: &str, given: &str) -> (String, i64) {
    let logged = client
        .api(
            Method::POST,
            "/api/v1/requests",
            token,
            Some(json!({"source": "walk-in", "given_name": given, "family_name": "Acceptance", "asked_for": "A peer coach"})),
        )
        .await;
    assert_eq!(logged.status, StatusCode::CREATED, "{}", logged.body);
    let logged = logged.json();
    let id = logged["id"].as_str().unwrap().to_string();
    let person = json!({"version": logged["version"], "legal_given_name": given, "legal_family_name": "Acceptance",
        "date_of_birth": "1988-02-03", "allow_duplicate": true});
    let linked = client.api(Method::POST, &format!("/api/v1/requests/{id}/person"), token, Some(person)).await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.body);
    (id, linked.json()["version"].as_i64().unwrap())
}

#[tokio::test]
async fn accepting_a_request_for_a_coach_without_a_peer_certification_warns_or_blocks() {
    let app = TestApp::spawn().await;
    let supervisor = staff_id(&app, "supervisor@demo.example").await;
    let una = add_staff(&app, "Una Uncertified", "una.uncertified@example.org", &["coach"], Some(supervisor)).await;
    let mut sup = app.signed_in("supervisor@demo.example").await;
    let token = sup.create_token("accept").await;
    let programs = mainstay::db::org::programs(app.db.conn(), org_id(&app).await).await.unwrap();
    let accept = |version: i64| {
        json!({"version": version, "program_id": programs[0].id, "worker_id": una,
            "started_on": "2026-11-18", "first_service_on": "2026-11-18"})
    };

    // Warn (the default): enrolled, and the answer names what is missing.
    let (id, version) = request_with_person(&mut sup, &token, "Warnedaccept").await;
    let accepted = sup.api(Method::POST, &format!("/api/v1/requests/{id}/accept"), &token, Some(accept(version))).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let accepted = accepted.json();
    assert_eq!(accepted["status"], "enrolled");
    let gaps = accepted["assignment_gaps"].as_array().cloned().unwrap_or_default();
    assert!(gaps.contains(&json!({"type": "check", "code": "peer-certification"})), "{gaps:?}");

    // Block: refused on the worker field, and the request stays open.
    set_gap_policy(&app, "block").await;
    let (id, version) = request_with_person(&mut sup, &token, "Blockedaccept").await;
    let refused = sup.api(Method::POST, &format!("/api/v1/requests/{id}/accept"), &token, Some(accept(version))).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let errors = refused.json()["errors"].clone();
    assert!(
        errors.as_array().unwrap().iter().any(|e| e["field"] == "worker_id" && e["code"] == "error-assignment-gaps"),
        "{errors}"
    );
    let request = sup.api(Method::GET, &format!("/api/v1/requests/{id}"), &token, None).await.json();
    assert_ne!(request["status"], "enrolled");
}

#[tokio::test]
async fn a_referral_follow_up_worker_without_the_training_warns_or_blocks() {
    let app = TestApp::spawn().await;
    let org = org_id(&app).await;
    let supervisor = staff_id(&app, "supervisor@demo.example").await;
    let val = add_staff(
        &app,
        "Val Untrained",
        "val.untrained@example.org",
        &["referral-specialist", "coach"],
        Some(supervisor),
    )
    .await;
    add_certification(&app, val, "peer-recovery", "Val Peer Cert", date!(2026 - 01 - 01), Some(date!(2028 - 01 - 01)))
        .await;
    let mut sup = app.signed_in("supervisor@demo.example").await;
    // A person on Val's caseload, so Val may follow up referrals for them.
    let created = new_person_for(&mut sup, "Referred", val).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let person: Uuid = created.location().trim_start_matches("/people/").parse().unwrap();

    // A directory service to refer to.
    let key = Uuid::new_v4().simple().to_string();
    let rows: Vec<(&str, serde_json::Value)> = vec![
        ("organization", json!({"id": format!("org-{key}"), "name": "Harbour Housing", "description": "Housing help"})),
        (
            "service",
            json!({"id": format!("svc-{key}"), "organization_id": format!("org-{key}"), "name": "Housing advice", "status": "active"}),
        ),
    ];
    for (table, value) in rows {
        let t = mainstay::directory::hsds_tables::table(table).expect("HSDS table");
        let serde_json::Value::Object(map) = value else { unreachable!() };
        mainstay::directory::rows::upsert(app.db.conn(), org, t, &[map], app.now()).await.expect("insert");
    }
    let service = format!("svc-{key}");
    let val_text = val.to_string();
    let fields = |assign: &str| -> Vec<(String, String)> {
        vec![
            ("service_id".into(), service.clone()),
            ("need".into(), "housing".into()),
            ("urgency".into(), "this-week".into()),
            ("help".into(), "information-given".into()),
            ("assigned_to".into(), assign.to_string()),
            ("action".into(), "draft".into()),
        ]
    };

    // Warn: saved as asked, with a warning naming the 2.03 training Val lacks.
    sup.get(&format!("/people/{person}/referrals/new?service_id={service}")).await.assert_status(StatusCode::OK);
    let form = fields(&val_text);
    let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = sup.post(&format!("/people/{person}/referrals"), &borrowed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let first_referral = saved.location().to_string();
    let label = mainstay::i18n::Tr::new(mainstay::domain::codes::UiLanguage::En).t("requirement-cse-2-03-referral");
    sup.get(saved.location())
        .await
        .assert_contains("Val Untrained is missing what this work needs:")
        .assert_contains(&html(&label));
    let token = sup.create_token("referrals").await;
    let api = sup
        .api(
            Method::POST,
            &format!("/api/v1/people/{person}/referrals"),
            &token,
            Some(json!({"service_id": service, "need": "housing", "urgency": "this-week", "help": "information-given",
                "assigned_to": val, "send": false})),
        )
        .await;
    api.assert_status(StatusCode::CREATED);
    let gaps = api.json()["assignment_gaps"].clone();
    assert!(gaps.as_array().unwrap().contains(&json!({"type": "topic", "code": "cse-2-03-referral"})), "{gaps}");
    assert!(!gaps.as_array().unwrap().contains(&json!({"type": "check", "code": "peer-certification"})));

    // Block: refused on the follow-up field.
    set_gap_policy(&app, "block").await;
    sup.get(&format!("/people/{person}/referrals/new?service_id={service}")).await;
    let refused = sup.post(&format!("/people/{person}/referrals"), &borrowed).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains("Val Untrained is missing what this work needs:");
    let api = sup
        .api(
            Method::POST,
            &format!("/api/v1/people/{person}/referrals"),
            &token,
            Some(json!({"service_id": service, "need": "housing", "urgency": "this-week", "help": "information-given",
                "assigned_to": val, "send": false})),
        )
        .await;
    api.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        api.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "assigned_to" && e["code"] == "error-assignment-gaps")
    );

    // With the training recorded, the block lifts.
    add_training(&app, val, "cse-2-03-referral;cse-2-03-trauma-signs;cse-2-03-suicide-signs", date!(2026 - 11 - 01))
        .await;
    add_training(
        &app,
        val,
        "cse-2-05-development-family;cse-2-05-evidence-based;cse-2-05-person-in-environment;cse-2-05-reaching-disengaged",
        date!(2026 - 11 - 02),
    )
    .await;
    sup.get(&format!("/people/{person}/referrals/new?service_id={service}")).await;
    let saved = sup.post(&format!("/people/{person}/referrals"), &borrowed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    // When Val's peer certification lapses, the referrals Val follows up say so.
    sup.get(&first_referral).await.assert_contains("Val Untrained").assert_lacks("peer certification lapsed");
    staff_certification::Entity::update_many()
        .col_expr(staff_certification::Column::ExpiresOn, sea_orm::sea_query::Expr::value(date!(2026 - 11 - 10)))
        .filter(staff_certification::Column::StaffId.eq(val))
        .exec(app.db.conn())
        .await
        .unwrap();
    sup.get(&first_referral).await.assert_contains("peer certification lapsed");
}
