//! HTML pages. Handlers are thin: extract → authorise → call domain/db → render.

pub mod account;
pub mod admin;
pub mod coaching;
pub mod community;
pub mod consents;
pub mod crisis;
pub mod curricula;
pub mod directory;
pub mod directory_import;
pub mod errors;
pub mod feedback;
pub mod group_evidence;
pub mod group_sessions;
pub mod groups;
pub mod hsds;
pub mod info_contacts;
pub mod instruments;
pub mod intake;
pub mod logic_models;
pub mod measures;
pub mod multipart;
pub mod outcome_exports;
pub mod outcomes;
pub mod participation;
pub mod people;
pub mod portal;
pub mod public;
pub mod readiness;
pub mod readiness_onsite;
pub mod referrals;
pub mod reminders;
pub mod safety;
pub mod shell;
pub mod signin;
pub mod staff_supervision;
pub mod team;
pub mod team_tabs;
pub mod training;
pub mod workload;

use crate::access::{self, Action, Actor, Reach};
use crate::app::AppState;
use crate::audit::{Entry, Outcome};
use crate::db::entities::{organisation, staff};
use crate::db::sessions::{ORG_KEY, STAFF_KEY};
use crate::domain::codes::UiLanguage;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;
use tower_sessions::Session;
use uuid::Uuid;

pub use shell::{FormErrors, Shell};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(shell::home))
        .route("/home/work", get(shell::home_work))
        .route("/crisis", get(shell::crisis))
        .route("/language", post(shell::switch_language))
        .route("/login", get(signin::login_page).post(signin::login))
        .route("/login/two-factor", get(signin::two_factor_page).post(signin::two_factor))
        .route("/logout", post(signin::logout))
        .merge(people::routes())
        .merge(intake::routes())
        .merge(coaching::routes())
        .merge(groups::routes())
        .merge(group_sessions::routes())
        .merge(group_evidence::routes())
        .merge(curricula::routes())
        .merge(directory::routes())
        .merge(directory_import::routes())
        .merge(hsds::routes())
        .merge(referrals::routes())
        .merge(info_contacts::routes())
        .merge(consents::routes())
        .merge(safety::routes())
        .merge(crisis::routes())
        .merge(public::routes())
        .merge(admin::routes())
        .merge(account::routes())
        .merge(team::routes())
        .merge(training::routes())
        .merge(staff_supervision::routes())
        .merge(workload::routes())
        .merge(reminders::routes())
        .merge(feedback::routes())
        .merge(participation::routes())
        .merge(community::routes())
        .merge(portal::routes())
        .merge(instruments::routes())
        .merge(measures::routes())
        .merge(logic_models::routes())
        .merge(outcomes::routes())
        .merge(outcome_exports::routes())
        .merge(readiness::routes())
        .merge(readiness_onsite::routes())
}

const SEEN_KEY: &str = "seen_at";
pub const CSRF_KEY: &str = "csrf";
pub const FLASH_KEY: &str = "flash";

/// Paths a user who still has to set up two-factor may use.
const TWO_FACTOR_SETUP_PATHS: &[&str] = &["/account/two-factor", "/logout", "/crisis", "/language"];

/// A signed-in staff member's request: who they are, their organisation, their language.
pub struct Ctx {
    pub state: AppState,
    pub session: Session,
    pub actor: Actor,
    pub account: staff::Model,
    pub org: organisation::Model,
    pub tr: Tr,
    pub path: String,
}

pub fn client_ip(parts: &Parts, behind_proxy: bool) -> Option<String> {
    if behind_proxy {
        let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        // The last entry is the one our proxy added; earlier ones come from the client.
        if let Some(last) = forwarded.and_then(|v| v.rsplit(',').next()) {
            return Some(last.trim().to_string());
        }
    }
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string())
}

/// The language for this request: the switch's cookie, then the account, then the organisation.
pub fn request_language(jar: &CookieJar, account: Option<&staff::Model>, org_default: Option<&str>) -> UiLanguage {
    jar.get("lang")
        .and_then(|c| UiLanguage::parse(c.value()))
        .or_else(|| account.and_then(|a| a.language.as_deref()).and_then(UiLanguage::parse))
        .or_else(|| org_default.and_then(UiLanguage::parse))
        .unwrap_or(UiLanguage::En)
}

pub async fn session_of(parts: &mut Parts, state: &AppState) -> AppResult<Session> {
    Session::from_request_parts(parts, state)
        .await
        .map_err(|(_, msg)| AppError::Internal(anyhow::anyhow!("session layer missing: {msg}")))
}

fn session_err(err: tower_sessions::session::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!("session: {err}"))
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Ctx> {
        let session = session_of(parts, state).await?;
        let staff_id: Option<Uuid> = session.get(STAFF_KEY).await.map_err(session_err)?;
        let org_id: Option<Uuid> = session.get(ORG_KEY).await.map_err(session_err)?;
        let (Some(staff_id), Some(org_id)) = (staff_id, org_id) else {
            return Err(AppError::Unauthenticated);
        };
        let facts = match state.access_cache.load(&state.db, org_id, staff_id).await? {
            Some(facts) if facts.account.active => facts,
            _ => {
                session.flush().await.map_err(session_err)?;
                return Err(AppError::Unauthenticated);
            }
        };
        let (account, org) = (facts.account.clone(), facts.org.clone());
        let path = parts.uri.path().to_string();
        let setup_path = TWO_FACTOR_SETUP_PATHS.iter().any(|p| path.starts_with(p));
        if account.must_change_password && !setup_path && path != "/account/password" {
            return Err(AppError::PasswordChangeRequired);
        }
        if org.require_totp && !account.totp_enabled && !setup_path {
            return Err(AppError::TwoFactorSetupRequired);
        }
        refresh_idle_timer(&session, state).await?;
        let ip = client_ip(parts, state.config.behind_tls);
        let actor = facts.actor(ip);
        let jar = CookieJar::from_headers(&parts.headers);
        let tr = Tr::new(request_language(&jar, Some(&account), Some(&org.default_language)));
        Ok(Ctx { state: state.clone(), session, actor, account, org, tr, path })
    }
}

/// Sessions end after a period of inactivity; re-saving at most every five minutes keeps the
/// idle timer moving without a database write on every request.
pub(crate) async fn refresh_idle_timer(session: &Session, state: &AppState) -> AppResult<()> {
    let now = state.clock.now().unix_timestamp();
    let seen: Option<i64> = session.get(SEEN_KEY).await.map_err(session_err)?;
    if seen.is_none_or(|s| now - s > 300) {
        session.insert(SEEN_KEY, now).await.map_err(session_err)?;
    }
    Ok(())
}

impl Ctx {
    /// Refuses (and records the refusal) unless the actor may take `action`.
    pub async fn authorize(&self, action: Action, reach: Reach, record: Option<(&'static str, Uuid)>) -> AppResult<()> {
        if access::allows(&self.actor, action, reach) {
            return Ok(());
        }
        let mut entry = self.entry("access.denied").outcome(Outcome::Denied);
        entry.detail = serde_json::json!({ "action": format!("{action:?}") });
        if let Some((kind, id)) = record {
            entry = entry.record(kind, id);
        }
        crate::db::audit::append_now(&self.state.db, entry, self.state.clock.now()).await?;
        Err(AppError::Forbidden)
    }

    /// An audit entry carrying who and from where.
    pub fn entry(&self, action: &'static str) -> Entry {
        actor_entry(&self.actor, action)
    }

    pub async fn shell(&self) -> AppResult<Shell> {
        Shell::for_user(self).await
    }

    pub async fn flash(&self, kind: &'static str, message_id: &str) -> AppResult<()> {
        shell::push_flash(&self.session, kind, self.tr.t(message_id)).await
    }

    pub fn today(&self) -> time::Date {
        crate::app::local_date(&self.org.time_zone, self.state.clock.now())
    }
}

pub fn actor_entry(actor: &Actor, action: &'static str) -> Entry {
    let mut entry = Entry::new(actor.org_id, action);
    entry.actor_id = Some(actor.staff_id);
    entry.actor_label = Some(actor.email.clone());
    entry.ip = actor.ip.clone();
    entry
}

/// A submitted form whose CSRF token matched the session's. Every POST handler takes one.
pub struct CsrfForm<T>(pub T);

/// The same, read as two shapes (e.g. a person's fields and where to place them).
pub struct CsrfFormPair<A, B>(pub A, pub B);

/// Reads a urlencoded body after checking its `csrf_token` against the session.
async fn checked_form_body(req: Request, state: &AppState) -> AppResult<Bytes> {
    let (mut parts, body) = req.into_parts();
    let session = session_of(&mut parts, state).await?;
    let bytes = Bytes::from_request(Request::from_parts(parts, body), state).await.map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest("error-bad-form")
        }
    })?;
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::BadRequest("error-bad-form"))?;
    let sent = pairs.iter().find(|(k, _)| k == "csrf_token").map(|(_, v)| v.as_str()).unwrap_or("");
    let expected: Option<String> = session.get(CSRF_KEY).await.map_err(session_err)?;
    if !expected.is_some_and(|e| crate::auth::tokens_match(&e, sent)) {
        return Err(AppError::Csrf);
    }
    Ok(bytes)
}

fn parse_form<T: DeserializeOwned>(bytes: &Bytes) -> AppResult<T> {
    serde_html_form::from_bytes(bytes).map_err(|_| AppError::BadRequest("error-bad-form"))
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> AppResult<Self> {
        let bytes = checked_form_body(req, state).await?;
        Ok(CsrfForm(parse_form(&bytes)?))
    }
}

impl<A: DeserializeOwned + Send, B: DeserializeOwned + Send> FromRequest<AppState> for CsrfFormPair<A, B> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> AppResult<Self> {
        let bytes = checked_form_body(req, state).await?;
        Ok(CsrfFormPair(parse_form(&bytes)?, parse_form(&bytes)?))
    }
}

/// The session's CSRF token, created on first use.
pub async fn csrf_token(session: &Session) -> AppResult<String> {
    if let Some(token) = session.get::<String>(CSRF_KEY).await.map_err(session_err)? {
        return Ok(token);
    }
    let token = crate::auth::random_token(32);
    session.insert(CSRF_KEY, token.clone()).await.map_err(session_err)?;
    Ok(token)
}

/// 303 See Other: after a POST, the browser GETs the next page.
pub fn see_other(to: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    axum::response::Redirect::to(to).into_response()
}

/// Accepts only local paths as a post-sign-in destination (no open redirects).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        // Browsers drop tabs and line breaks from URLs, so "/\t/host" would become "//host".
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    /// Pages open to everyone still know who is signed in, if anyone.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Option<Ctx>> {
        match <Ctx as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(ctx) => Ok(Some(ctx)),
            Err(AppError::Unauthenticated | AppError::TwoFactorSetupRequired | AppError::PasswordChangeRequired) => {
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/people?q=a")), "/people?q=a");
        for hostile in
            ["//evil.example/", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "/x\r\nSet-Cookie: a=b"]
        {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
