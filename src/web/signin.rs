//! Signing in (password, then the second factor when enabled) and signing out.

use super::{CsrfForm, Shell, client_ip, csrf_token, safe_next, see_other, session_err};
use crate::app::AppState;
use crate::audit::{Entry, Outcome, SYSTEM_ORG};
use crate::auth;
use crate::db::entities::staff;
use crate::db::sessions::{ORG_KEY, STAFF_KEY};
use crate::db::{self};
use crate::error::{AppError, AppResult};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

const PENDING_KEY: &str = "pending_staff_id";
const PENDING_NEXT_KEY: &str = "pending_next";

/// Where the request came from, for the audit log.
pub struct ClientIp(pub Option<String>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<ClientIp> {
        Ok(ClientIp(client_ip(parts, state.config.behind_tls)))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "signin/login.html")]
pub struct LoginPage {
    pub shell: Shell,
    pub email: String,
    pub next: String,
    pub error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_page(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> AppResult<LoginPage> {
    let shell = Shell::anonymous(&state, &session, &jar, &headers, "/login").await?;
    Ok(LoginPage { shell, email: String::new(), next: safe_next(q.next.as_deref()), error: None })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

fn signin_entry(org_id: Uuid, action: &'static str, ip: &ClientIp, account: Option<&staff::Model>) -> Entry {
    let mut entry = Entry::new(org_id, action);
    entry.ip = ip.0.clone();
    if let Some(a) = account {
        entry.actor_id = Some(a.id);
        entry.actor_label = Some(a.email.clone());
    }
    entry
}

pub async fn login(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    ip: ClientIp,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> AppResult<Response> {
    let now = state.clock.now();
    let next = safe_next(form.next.as_deref());
    let account = db::staff::by_email(&state.db, &form.email).await?.filter(|a| a.active);
    let page =
        LoginRetry { state: &state, session: &session, jar: &jar, headers: &headers, email: &form.email, next: &next };
    let address = ip.0.clone().unwrap_or_default();
    if !state.signin_throttle.allows(&address, now) {
        let entry = signin_entry(SYSTEM_ORG, "signin.throttled", &ip, None).outcome(Outcome::Denied);
        db::audit::append_now(&state.db, entry, now).await?;
        return page.render("error-too-many-attempts").await;
    }
    let Some(account) = account else {
        state.signin_throttle.record_failure(&address, now);
        auth::verify_password(form.password.clone(), None).await;
        let mut entry = signin_entry(SYSTEM_ORG, "signin.failure", &ip, None).outcome(Outcome::Failure);
        entry.detail = serde_json::json!({ "reason": "unknown-account" });
        db::audit::append_now(&state.db, entry, now).await?;
        return page.render("signin-error-credentials").await;
    };
    if auth::is_locked(&account, now) {
        let entry = signin_entry(account.org_id, "signin.locked", &ip, Some(&account)).outcome(Outcome::Denied);
        db::audit::append_now(&state.db, entry, now).await?;
        return page.render("signin-error-locked").await;
    }
    if !auth::verify_password(form.password.clone(), Some(account.password_hash.clone())).await {
        state.signin_throttle.record_failure(&address, now);
        record_failure(&state, &account, &ip, "password").await?;
        return page.render("signin-error-credentials").await;
    }
    session.cycle_id().await.map_err(session_err)?;
    if account.totp_enabled {
        session.insert(PENDING_KEY, account.id).await.map_err(session_err)?;
        session.insert(PENDING_NEXT_KEY, next).await.map_err(session_err)?;
        return Ok(see_other("/login/two-factor"));
    }
    complete_sign_in(&state, &session, jar, &account, &ip, &next).await
}

/// The sign-in form again, with the address kept and one message.
struct LoginRetry<'a> {
    state: &'a AppState,
    session: &'a Session,
    jar: &'a CookieJar,
    headers: &'a HeaderMap,
    email: &'a str,
    next: &'a str,
}

impl LoginRetry<'_> {
    async fn render(&self, message_id: &'static str) -> AppResult<Response> {
        let mut shell = Shell::anonymous(self.state, self.session, self.jar, self.headers, "/login").await?;
        shell.flash.clear();
        let error = Some(shell.tr.t(message_id));
        let page = LoginPage { shell, email: self.email.trim().to_string(), next: self.next.to_string(), error };
        Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    }
}

async fn record_failure(state: &AppState, account: &staff::Model, ip: &ClientIp, step: &str) -> AppResult<()> {
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let (failures, locked_until) = db::staff::record_login_failure(&txn, account.id, auth::lockout_for, now).await?;
    let mut entry = signin_entry(account.org_id, "signin.failure", ip, Some(account)).outcome(Outcome::Failure);
    entry.detail =
        serde_json::json!({ "step": step, "consecutive_failures": failures, "locked": locked_until.is_some() });
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(())
}

async fn complete_sign_in(
    state: &AppState,
    session: &Session,
    jar: CookieJar,
    account: &staff::Model,
    ip: &ClientIp,
    next: &str,
) -> AppResult<Response> {
    let now = state.clock.now();
    session.cycle_id().await.map_err(session_err)?;
    session.remove::<Uuid>(PENDING_KEY).await.map_err(session_err)?;
    // A participant left signed in to the portal on this browser is signed out of it.
    for key in [super::portal::PORTAL_KEY, super::portal::PORTAL_EPOCH_KEY, super::portal::PORTAL_PENDING_KEY] {
        session.remove_value(key).await.map_err(session_err)?;
    }
    session.remove_value(super::portal::PORTAL_TOTP_SETUP_KEY).await.map_err(session_err)?;
    session.insert(STAFF_KEY, account.id).await.map_err(session_err)?;
    session.insert(ORG_KEY, account.org_id).await.map_err(session_err)?;
    session.remove::<String>(super::CSRF_KEY).await.map_err(session_err)?;
    csrf_token(session).await?;
    let txn = state.db.begin_write().await?;
    db::staff::record_login_success(&txn, account.id, now).await?;
    db::audit::append(&txn, signin_entry(account.org_id, "signin.success", ip, Some(account)), now).await?;
    txn.commit().await?;
    let org = db::org::get(state.db.conn(), account.org_id).await?;
    let lang = account.language.clone().or(org.map(|o| o.default_language)).unwrap_or_else(|| "en".into());
    let jar = if jar.get("lang").is_none() {
        jar.add(Cookie::build(("lang", lang)).path("/").same_site(SameSite::Lax).permanent().build())
    } else {
        jar
    };
    Ok((jar, see_other(next)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "signin/two_factor.html")]
pub struct TwoFactorPage {
    pub shell: Shell,
    pub error: Option<String>,
}

pub async fn two_factor_page(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
) -> AppResult<Response> {
    if session.get::<Uuid>(PENDING_KEY).await.map_err(session_err)?.is_none() {
        return Ok(see_other("/login"));
    }
    let shell = Shell::anonymous(&state, &session, &jar, &headers, "/login/two-factor").await?;
    Ok(TwoFactorPage { shell, error: None }.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

pub async fn two_factor(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    ip: ClientIp,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> AppResult<Response> {
    let now = state.clock.now();
    let Some(pending) = session.get::<Uuid>(PENDING_KEY).await.map_err(session_err)? else {
        return Ok(see_other("/login"));
    };
    let account =
        db::staff::by_id_any_org(&state.db, pending).await?.filter(|a| a.active).ok_or(AppError::Unauthenticated)?;
    let locked = auth::is_locked(&account, now);
    let step = account.totp_secret.as_deref().and_then(|s| auth::totp_step(s, &account.email, &form.code, now));
    let valid = match step {
        Some(step) if !locked => {
            let txn = state.db.begin_write().await?;
            let fresh = db::staff::use_totp_step(&txn, account.id, step).await?;
            txn.commit().await?;
            fresh
        }
        _ => false,
    };
    if !valid {
        if !locked {
            record_failure(&state, &account, &ip, "two-factor").await?;
        }
        let shell = Shell::anonymous(&state, &session, &jar, &headers, "/login/two-factor").await?;
        let error = Some(shell.tr.t(if locked { "signin-error-locked" } else { "signin-error-code" }));
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, TwoFactorPage { shell, error }).into_response());
    }
    let next: String = session.get(PENDING_NEXT_KEY).await.map_err(session_err)?.unwrap_or_else(|| "/".into());
    complete_sign_in(&state, &session, jar, &account, &ip, &next).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LogoutForm {
    everywhere: Option<String>,
}

/// Signs out here, or on every device when `everywhere` is set.
pub async fn logout(
    State(state): State<AppState>,
    session: Session,
    ip: ClientIp,
    CsrfForm(form): CsrfForm<LogoutForm>,
) -> AppResult<Response> {
    let staff_id: Option<Uuid> = session.get(STAFF_KEY).await.map_err(session_err)?;
    let org_id: Option<Uuid> = session.get(ORG_KEY).await.map_err(session_err)?;
    if let (Some(staff_id), Some(org_id)) = (staff_id, org_id) {
        let everywhere = form.everywhere.is_some();
        let action = if everywhere { "signout.everywhere" } else { "signout" };
        let mut entry = Entry::new(org_id, action);
        entry.actor_id = Some(staff_id);
        entry.ip = ip.0;
        db::audit::append_now(&state.db, entry, state.clock.now()).await?;
        if everywhere {
            db::sessions::delete_for_staff(&state.db, staff_id).await?;
        }
    }
    session.flush().await.map_err(session_err)?;
    Ok(see_other("/login"))
}
