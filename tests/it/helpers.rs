//! TestApp::spawn(): a fresh database (SQLite, or PostgreSQL when MAINSTAY_TEST_POSTGRES_URL is
//! set), the demo organisation in it, and a client that drives the router like a browser.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use mainstay::app::{self, AppState};
use mainstay::config::Config;
use mainstay::db::Db;
use mainstay::domain::Clock;
use sea_orm::{ConnectionTrait, DbBackend};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use time::OffsetDateTime;
use tower::ServiceExt;
use uuid::Uuid;

pub const PASSWORD: &str = "mainstay-demo";
pub const START: i64 = 1_795_000_000; // 2026-11-18, a fixed "now" that tests can move forward.

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub db: Db,
    now: Arc<AtomicI64>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// A new app over a new database holding the demo organisation (40 people, seed 1).
    pub async fn spawn() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let db_url = match std::env::var("MAINSTAY_TEST_POSTGRES_URL") {
            Ok(admin_url) if !admin_url.is_empty() => fresh_postgres_database(&admin_url).await,
            _ => format!("sqlite://{}", dir.path().join("test.db").display()),
        };
        let db = Db::connect(&db_url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let now = Arc::new(AtomicI64::new(START));
        let reader = now.clone();
        let clock = Clock::from_fn(move || {
            OffsetDateTime::from_unix_timestamp(reader.load(Ordering::SeqCst)).expect("valid time")
        });
        mainstay::demo::generate(&db, 40, 1, clock.now()).await.expect("demo");
        let state = AppState::new(db.clone(), Config::for_database(&db_url), clock);
        TestApp { router: app::router(state.clone()), state, db, now, _dir: dir }
    }

    pub fn advance(&self, seconds: i64) {
        self.now.fetch_add(seconds, Ordering::SeqCst);
    }

    pub fn now(&self) -> OffsetDateTime {
        self.state.clock.now()
    }

    pub fn is_postgres(&self) -> bool {
        self.db.backend() == DbBackend::Postgres
    }

    pub fn client(&self) -> Client {
        Client { router: self.router.clone(), cookies: HashMap::new(), csrf: None }
    }

    /// A client signed in as one of the demo accounts.
    pub async fn signed_in(&self, email: &str) -> Client {
        let mut client = self.client();
        client.sign_in(email, PASSWORD).await.assert_redirect_to("/");
        client
    }

    /// Changes the database behind the app's back, as an operator with SQL access would; the
    /// app's caches are told, as they would be after their ten-second lifetime.
    pub async fn execute(&self, sql: &str) {
        self.db.conn().execute_unprepared(sql).await.expect(sql);
        mainstay::db::access_changed();
    }

    /// Audit actions recorded so far, oldest first.
    pub async fn audit_actions(&self) -> Vec<(String, String)> {
        use mainstay::db::entities::audit_event::{Column, Entity};
        use sea_orm::{EntityTrait, QueryOrder};
        Entity::find()
            .order_by_asc(Column::OccurredAt)
            .order_by_asc(Column::Seq)
            .all(self.db.conn())
            .await
            .expect("audit")
            .into_iter()
            .map(|e| (e.action, e.outcome))
            .collect()
    }

    /// Whether an event with this action is committed within two seconds (list and search events
    /// are committed in gathered batches, without the request waiting).
    pub async fn audit_soon_contains(&self, action: &str) -> bool {
        for _ in 0..200 {
            if self.audit_actions().await.iter().any(|(a, _)| a == action) {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        false
    }

    /// Every outcome summary row, in key order (to compare what writes kept with a rebuild).
    pub async fn outcome_summaries(&self) -> Vec<mainstay::db::entities::outcome_person_summary::Model> {
        use mainstay::db::entities::outcome_person_summary as s;
        use sea_orm::{EntityTrait, QueryOrder};
        s::Entity::find()
            .order_by_asc(s::Column::OrgId)
            .order_by_asc(s::Column::InstrumentKey)
            .order_by_asc(s::Column::ProgramKey)
            .order_by_asc(s::Column::PersonId)
            .all(self.db.conn())
            .await
            .expect("summaries")
    }

    /// Asserts that the summaries every write kept equal the ones a full rebuild makes.
    pub async fn assert_summaries_match_a_rebuild(&self) {
        let kept = self.outcome_summaries().await;
        mainstay::outcomes::summary::rebuild_everywhere(self.db.conn()).await.expect("rebuild");
        let rebuilt = self.outcome_summaries().await;
        let key = |r: &mainstay::db::entities::outcome_person_summary::Model| {
            (r.org_id, r.instrument_key.clone(), r.program_key, r.person_id)
        };
        let missing: Vec<_> = kept.iter().filter(|k| !rebuilt.iter().any(|r| key(r) == key(k))).collect();
        let extra: Vec<_> = rebuilt.iter().filter(|r| !kept.iter().any(|k| key(r) == key(k))).collect();
        assert!(missing.is_empty() && extra.is_empty(), "kept only: {missing:?}; rebuilt only: {extra:?}");
        if let Some((k, r)) = kept.iter().zip(&rebuilt).find(|(k, r)| k != r) {
            panic!("summary rows kept by writes differ from a rebuild: {k:?} against {r:?}");
        }
    }

    /// A person on the given worker's caseload (by e-mail), for access tests.
    pub async fn person_of(&self, worker_email: &str) -> uuid::Uuid {
        use mainstay::db::entities::{enrolment, staff};
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let worker = staff::Entity::find()
            .filter(staff::Column::Email.eq(worker_email))
            .one(self.db.conn())
            .await
            .expect("query")
            .expect("worker exists");
        enrolment::Entity::find()
            .filter(enrolment::Column::WorkerId.eq(worker.id))
            .one(self.db.conn())
            .await
            .expect("query")
            .expect("worker has a caseload")
            .person_id
    }
}

async fn fresh_postgres_database(admin_url: &str) -> String {
    let admin = Db::connect(admin_url).await.expect("connect to PostgreSQL");
    let name = format!("mainstay_test_{}", uuid::Uuid::new_v4().simple());
    admin.conn().execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
    admin.close().await;
    let (base, _) = admin_url.rsplit_once('/').expect("URL has a database name");
    format!("{base}/{name}")
}

pub struct Client {
    router: Router,
    cookies: HashMap<String, String>,
    csrf: Option<String>,
}

#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Response {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    #[track_caller]
    pub fn assert_status(&self, status: StatusCode) -> &Self {
        assert_eq!(self.status, status, "unexpected status; body:\n{}", truncate(&self.body));
        self
    }

    #[track_caller]
    pub fn assert_redirect_to(&self, to: &str) -> &Self {
        assert_eq!(self.status, StatusCode::SEE_OTHER, "expected a redirect; body:\n{}", truncate(&self.body));
        assert_eq!(self.location(), to);
        self
    }

    #[track_caller]
    pub fn assert_contains(&self, text: &str) -> &Self {
        assert!(self.body.contains(text), "expected {text:?} in:\n{}", truncate(&self.body));
        self
    }

    #[track_caller]
    pub fn assert_lacks(&self, text: &str) -> &Self {
        assert!(!self.body.contains(text), "did not expect {text:?} in:\n{}", truncate(&self.body));
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", truncate(&self.body)))
    }

    /// The value of the first `<code class="token-box">`.
    pub fn token_box(&self) -> String {
        let start =
            self.body.find("<code class=\"token-box\">").expect("token box") + "<code class=\"token-box\">".len();
        let end = self.body[start..].find("</code>").expect("end of token box");
        self.body[start..start + end].to_string()
    }
}

fn truncate(body: &str) -> String {
    body.chars().take(3000).collect()
}

impl Client {
    pub async fn request(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: String,
        extra: &[(&str, &str)],
    ) -> Response {
        let mut builder = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            let cookie = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
            builder = builder.header(header::COOKIE, cookie);
        }
        if let Some(ct) = content_type {
            builder = builder.header(header::CONTENT_TYPE, ct);
        }
        for (name, value) in extra {
            builder = builder.header(*name, *value);
        }
        let response =
            self.router.clone().oneshot(builder.body(Body::from(body)).expect("request")).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        for set in headers.get_all(header::SET_COOKIE) {
            let text = set.to_str().unwrap_or("");
            let pair = text.split(';').next().unwrap_or("");
            if let Some((k, v)) = pair.split_once('=') {
                if text.contains("Max-Age=0") || v.is_empty() {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), v.to_string());
                }
            }
        }
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let body = String::from_utf8_lossy(&bytes).to_string();
        if let Some(token) = find_csrf(&body) {
            self.csrf = Some(token);
        }
        Response { status, headers, body }
    }

    pub async fn get(&mut self, path: &str) -> Response {
        self.request(Method::GET, path, None, String::new(), &[]).await
    }

    /// Posts a form, adding the CSRF token from the last page seen.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        if self.csrf.is_none() {
            self.get("/login").await;
        }
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone().unwrap_or_default();
        if !fields.iter().any(|(k, _)| *k == "csrf_token") {
            all.push(("csrf_token", &csrf));
        }
        let body = serde_urlencoded::to_string(&all).expect("encode form");
        self.request(Method::POST, path, Some("application/x-www-form-urlencoded"), body, &[]).await
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Response {
        self.get("/login").await;
        self.post("/login", &[("email", email), ("password", password)]).await
    }

    pub async fn api(&mut self, method: Method, path: &str, token: &str, body: Option<serde_json::Value>) -> Response {
        let auth = format!("Bearer {token}");
        let (ct, text) = match body {
            Some(json) => (Some("application/json"), json.to_string()),
            None => (None, String::new()),
        };
        let saved = std::mem::take(&mut self.cookies);
        let response = self.request(method, path, ct, text, &[("authorization", &auth)]).await;
        self.cookies = saved;
        response
    }

    /// Creates an API token through the account page and returns it.
    pub async fn create_token(&mut self, name: &str) -> String {
        self.get("/account/tokens").await;
        let page = self.post("/account/tokens", &[("name", name)]).await;
        page.assert_status(StatusCode::OK);
        page.token_box()
    }
}

fn find_csrf(body: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')?;
    Some(body[start..start + end].to_string())
}

/// The form fields of a minimal new person.
pub fn person_fields<'a>(
    given: &'a str,
    family: &'a str,
    dob: &'a str,
    program_id: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![("legal_given_name", given), ("legal_family_name", family), ("date_of_birth", dob), ("program_id", program_id)]
}

/// The first program in a `<select id="program_id">` on the new-person form.
pub fn first_program(form_html: &str) -> String {
    let start = form_html.find("id=\"program_id\"").expect("program select");
    let value_at = form_html[start..].find("value=\"").expect("option") + start + 7;
    form_html[value_at..value_at + 36].to_string()
}

/// The boundary `multipart_body` separates parts with.
pub const MULTIPART_BOUNDARY: &str = "----mainstay-test-boundary";

/// A multipart form body: the text fields, then, when given, a file `(filename, content type, bytes)`
/// in the part named `file_part`.
pub fn multipart_body(fields: &[(&str, &str)], file_part: &str, file: Option<(&str, &str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    if let Some((filename, content_type, data)) = file {
        body.extend_from_slice(
            format!(
                "--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name=\"{file_part}\"; \
                 filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{MULTIPART_BOUNDARY}--\r\n").as_bytes());
    body
}

/// A person with a name and record number and nothing else, for tests that insert records directly.
pub fn person_row(
    org_id: Uuid,
    record_number: i64,
    given: &str,
    family: &str,
    at: OffsetDateTime,
) -> mainstay::db::entities::person::Model {
    mainstay::db::entities::person::Model {
        id: Uuid::new_v4(),
        org_id,
        record_number,
        legal_given_name: given.into(),
        legal_family_name: family.into(),
        preferred_name: None,
        pronouns: None,
        date_of_birth: None,
        phone: None,
        phone_digits: None,
        email: None,
        address_line: None,
        locality: None,
        region: None,
        postal_code: None,
        preferred_contact: None,
        voicemail_ok: None,
        text_ok: None,
        email_ok: None,
        contact_notes: None,
        preferred_language: None,
        interpreter_needed: false,
        race_codes: None,
        race_self_described: None,
        ethnicity: None,
        ethnicity_self_described: None,
        gender: None,
        gender_self_described: None,
        emergency_name: None,
        emergency_relationship: None,
        emergency_phone: None,
        created_by: None,
        version: 1,
        created_at: at,
        updated_at: at,
    }
}
