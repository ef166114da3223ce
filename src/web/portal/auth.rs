//! Signing in to the portal, invitations, the password and the second factor.

use super::{
    PORTAL_EPOCH_KEY, PORTAL_KEY, PORTAL_PENDING_KEY, PORTAL_TOTP_SETUP_KEY, PortalCtx, PortalShell, portal_errors,
    start_session,
};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::codes::UiLanguage;
use crate::error::{AppError, AppResult};
use crate::portal::signin::{self, Opening, SignIn};
use crate::web::signin::ClientIp;
use crate::web::{CsrfForm, FormErrors, safe_next, see_other, session_err};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

const PENDING_NEXT_KEY: &str = "portal_pending_next";

/// Only portal pages are followed after a portal sign-in.
fn portal_next(next: Option<&str>) -> String {
    let next = safe_next(next);
    if super::is_portal_path(next.split('?').next().unwrap_or_default()) { next } else { "/my".into() }
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/sign_in.html")]
pub struct SignInPage {
    pub shell: PortalShell,
    pub email: String,
    pub next: String,
    pub error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn sign_in_page(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    if session.get::<Uuid>(PORTAL_KEY).await.map_err(session_err)?.is_some()
        && session.get::<i32>(PORTAL_EPOCH_KEY).await.map_err(session_err)?.is_some()
    {
        return Ok(see_other("/my"));
    }
    let shell = PortalShell::anonymous(&state, &session, &jar, &headers, "/my/sign-in").await?;
    Ok(SignInPage { shell, email: String::new(), next: portal_next(q.next.as_deref()), error: None }.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignInForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    ip: ClientIp,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> AppResult<Response> {
    let next = portal_next(form.next.as_deref());
    match signin::sign_in(&state, &form.email, &form.password, ip.0.as_deref()).await? {
        SignIn::Done(account) => {
            signin::signed_in(&state, &account, ip.0.as_deref()).await?;
            start_session(&session, &account).await?;
            Ok(with_language(jar, account.language.as_deref(), see_other(&next)))
        }
        SignIn::NeedsCode(account) => {
            session.cycle_id().await.map_err(session_err)?;
            session.remove::<Uuid>(PORTAL_KEY).await.map_err(session_err)?;
            session.insert(PORTAL_PENDING_KEY, account.id).await.map_err(session_err)?;
            session.insert(PENDING_NEXT_KEY, next).await.map_err(session_err)?;
            Ok(see_other("/my/sign-in/code"))
        }
        SignIn::Refused(message) => {
            let mut shell = PortalShell::anonymous(&state, &session, &jar, &headers, "/my/sign-in").await?;
            shell.flash.clear();
            let error = Some(shell.t(message));
            let page = SignInPage { shell, email: form.email.trim().to_string(), next, error };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// Remembers the account's language in the switch's cookie, unless one was chosen already.
fn with_language(jar: CookieJar, lang: Option<&str>, response: Response) -> Response {
    match (lang.and_then(UiLanguage::parse), jar.get("lang")) {
        (Some(lang), None) => {
            let cookie = Cookie::build(("lang", lang.code())).path("/").same_site(SameSite::Lax).permanent().build();
            (jar.add(cookie), response).into_response()
        }
        _ => response,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/code.html")]
pub struct CodePage {
    pub shell: PortalShell,
    pub error: Option<String>,
}

pub async fn code_page(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
) -> AppResult<Response> {
    if session.get::<Uuid>(PORTAL_PENDING_KEY).await.map_err(session_err)?.is_none() {
        return Ok(see_other("/my/sign-in"));
    }
    let shell = PortalShell::anonymous(&state, &session, &jar, &headers, "/my/sign-in/code").await?;
    Ok(CodePage { shell, error: None }.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

pub async fn code(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    ip: ClientIp,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> AppResult<Response> {
    let Some(pending) = session.get::<Uuid>(PORTAL_PENDING_KEY).await.map_err(session_err)? else {
        return Ok(see_other("/my/sign-in"));
    };
    match signin::check_code(&state, pending, &form.code, ip.0.as_deref()).await? {
        SignIn::Done(account) => {
            let next: String =
                session.get(PENDING_NEXT_KEY).await.map_err(session_err)?.unwrap_or_else(|| "/my".into());
            signin::signed_in(&state, &account, ip.0.as_deref()).await?;
            start_session(&session, &account).await?;
            Ok(with_language(jar, account.language.as_deref(), see_other(&portal_next(Some(&next)))))
        }
        SignIn::NeedsCode(_) => Ok(see_other("/my/sign-in/code")),
        SignIn::Refused(message) => {
            let shell = PortalShell::anonymous(&state, &session, &jar, &headers, "/my/sign-in/code").await?;
            let error = Some(shell.t(message));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, CodePage { shell, error }).into_response())
        }
    }
}

pub async fn sign_out(
    session: Session,
    ctx: Option<PortalCtx>,
    CsrfForm(_form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    if let Some(ctx) = &ctx {
        signin::signed_out(&ctx.state, &ctx.me).await?;
    }
    session.flush().await.map_err(session_err)?;
    Ok(see_other("/my/sign-in"))
}

impl axum::extract::OptionalFromRequestParts<AppState> for PortalCtx {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> AppResult<Option<PortalCtx>> {
        use axum::extract::FromRequestParts;
        match <PortalCtx as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(ctx) => Ok(Some(ctx)),
            Err(AppError::Unauthenticated) => Ok(None),
            Err(other) => Err(other),
        }
    }
}

// ---------- invitations ----------

#[derive(Template, WebTemplate)]
#[template(path = "portal/invitation.html")]
pub struct InvitationPage {
    pub shell: PortalShell,
    /// "valid", "used", "expired" or "unknown".
    pub state: &'static str,
    pub token: String,
    pub name: String,
    pub email: String,
    pub errors: FormErrors,
}

async fn invitation_view(
    state: &AppState,
    session: &Session,
    jar: &CookieJar,
    headers: &HeaderMap,
    token: &str,
    errors: &FieldErrors,
) -> AppResult<InvitationPage> {
    let opening = signin::open_invitation(state, token).await?;
    let path = format!("/my/invitation/{token}");
    let shell = PortalShell::anonymous(state, session, jar, headers, &path).await?;
    let errors = portal_errors(&shell.tr, errors);
    let page = |kind, name: String, email: String| InvitationPage {
        state: kind,
        token: token.to_string(),
        name,
        email,
        errors,
        shell,
    };
    Ok(match opening {
        Opening::Valid(valid) => {
            let person = valid.person;
            page("valid", person.preferred_name.unwrap_or(person.legal_given_name), valid.account.email)
        }
        Opening::Used => page("used", String::new(), String::new()),
        Opening::Expired => page("expired", String::new(), String::new()),
        Opening::Unknown => page("unknown", String::new(), String::new()),
    })
}

pub async fn invitation_page(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let page = invitation_view(&state, &session, &jar, &headers, &token, &FieldErrors::new()).await?;
    let status = if page.state == "valid" { StatusCode::OK } else { StatusCode::GONE };
    Ok((status, page).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    password: String,
    confirm_password: String,
}

pub async fn accept_invitation(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    ip: ClientIp,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> AppResult<Response> {
    match signin::accept(&state, &token, &form.password, &form.confirm_password, ip.0.as_deref()).await {
        Ok(account) => {
            signin::signed_in(&state, &account, ip.0.as_deref()).await?;
            start_session(&session, &account).await?;
            let tr = crate::i18n::Tr::new(super::portal_language(&jar, Some(&account), None));
            crate::web::shell::push_flash(&session, "success", tr.t("portal-welcome-flash")).await?;
            Ok(with_language(jar, account.language.as_deref(), see_other("/my")))
        }
        Err(AppError::Invalid(errors)) => {
            let page = invitation_view(&state, &session, &jar, &headers, &token, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::NotFound) => {
            let page = invitation_view(&state, &session, &jar, &headers, &token, &FieldErrors::new()).await?;
            Ok((StatusCode::GONE, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- password ----------

#[derive(Template, WebTemplate)]
#[template(path = "portal/password.html")]
pub struct PasswordPage {
    pub shell: PortalShell,
    pub errors: FormErrors,
}

pub async fn password_page(ctx: PortalCtx) -> AppResult<PasswordPage> {
    Ok(PasswordPage { shell: ctx.shell().await?, errors: FormErrors::default() })
}

pub async fn change_password(ctx: PortalCtx, CsrfForm(form): CsrfForm<PasswordForm>) -> AppResult<Response> {
    match signin::change_password(&ctx.state, &ctx.me, &form.current_password, &form.password, &form.confirm_password)
        .await
    {
        Ok(epoch) => {
            ctx.session.cycle_id().await.map_err(session_err)?;
            ctx.session.insert(PORTAL_EPOCH_KEY, epoch).await.map_err(session_err)?;
            ctx.flash("success", "portal-password-changed").await?;
            Ok(see_other("/my"))
        }
        Err(AppError::Invalid(errors)) => {
            let page = PasswordPage { errors: ctx.errors(&errors), shell: ctx.shell().await? };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- second factor ----------

#[derive(Template, WebTemplate)]
#[template(path = "portal/two_factor.html")]
pub struct TwoFactorPage {
    pub shell: PortalShell,
    pub enabled: bool,
    pub secret: String,
    pub qr: String,
    pub errors: FormErrors,
}

async fn two_factor_view(ctx: &PortalCtx, errors: &FieldErrors) -> AppResult<TwoFactorPage> {
    let enabled = ctx.account.totp_enabled;
    let (secret, qr) = if enabled {
        (String::new(), String::new())
    } else {
        let secret = match ctx.session.get::<String>(PORTAL_TOTP_SETUP_KEY).await.map_err(session_err)? {
            Some(s) => s,
            None => {
                let s = crate::auth::new_totp_secret();
                ctx.session.insert(PORTAL_TOTP_SETUP_KEY, s.clone()).await.map_err(session_err)?;
                s
            }
        };
        let qr = crate::auth::totp_url(&secret, &ctx.account.email)
            .and_then(|u| crate::auth::qr_svg(&u))
            .unwrap_or_default();
        (secret, qr)
    };
    Ok(TwoFactorPage { shell: ctx.shell().await?, enabled, secret, qr, errors: ctx.errors(errors) })
}

pub async fn two_factor_page(ctx: PortalCtx) -> AppResult<TwoFactorPage> {
    two_factor_view(&ctx, &FieldErrors::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EnableForm {
    code: String,
}

pub async fn enable_two_factor(ctx: PortalCtx, CsrfForm(form): CsrfForm<EnableForm>) -> AppResult<Response> {
    let Some(secret) = ctx.session.get::<String>(PORTAL_TOTP_SETUP_KEY).await.map_err(session_err)? else {
        return Ok(see_other("/my/two-factor"));
    };
    match signin::enable_two_factor(&ctx.state, &ctx.me, &secret, &form.code).await {
        Ok(()) => {
            ctx.session.remove::<String>(PORTAL_TOTP_SETUP_KEY).await.map_err(session_err)?;
            ctx.flash("success", "portal-two-factor-on").await?;
            Ok(see_other("/my/two-factor"))
        }
        Err(AppError::Invalid(errors)) => {
            let page = two_factor_view(&ctx, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn disable_two_factor(ctx: PortalCtx, CsrfForm(form): CsrfForm<PasswordForm>) -> AppResult<Response> {
    match signin::disable_two_factor(&ctx.state, &ctx.me, &form.current_password).await {
        Ok(()) => {
            ctx.flash("success", "portal-two-factor-off").await?;
            Ok(see_other("/my/two-factor"))
        }
        Err(AppError::Invalid(errors)) => {
            let page = two_factor_view(&ctx, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- language ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LanguageForm {
    lang: String,
    back: Option<String>,
}

pub async fn switch_language(
    jar: CookieJar,
    ctx: Option<PortalCtx>,
    CsrfForm(form): CsrfForm<LanguageForm>,
) -> AppResult<Response> {
    let Some(lang) = UiLanguage::parse(&form.lang) else {
        return Err(AppError::BadRequest("error-unknown-choice"));
    };
    if let Some(ctx) = &ctx {
        signin::set_language(&ctx.state, &ctx.me, lang.code()).await?;
    }
    let cookie = Cookie::build(("lang", lang.code())).path("/").same_site(SameSite::Lax).permanent().build();
    Ok((jar.add(cookie), see_other(&portal_next(form.back.as_deref()))).into_response())
}
