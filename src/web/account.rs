//! The signed-in person's own account: password, second factor, API tokens, sessions.

use super::{CsrfForm, Ctx, FormErrors, Shell, see_other, session_err};
use crate::app::AppState;
use crate::auth;
use crate::db::entities::api_token;
use crate::db::{self};
use crate::domain::FieldErrors;
use crate::domain::setup::check_new_password;
use crate::error::{AppError, AppResult};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use uuid::Uuid;

const TOTP_PENDING_KEY: &str = "totp_pending";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(show_account))
        .route("/account/password", get(password_page).post(change_password))
        .route("/account/two-factor", get(two_factor_page).post(enable_two_factor))
        .route("/account/two-factor/disable", post(disable_two_factor))
        .route("/account/tokens", get(list_tokens).post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Template, WebTemplate)]
#[template(path = "account/index.html")]
pub struct AccountPage {
    pub shell: Shell,
    pub email: String,
    pub roles: Vec<String>,
    pub totp_enabled: bool,
    pub sessions: u64,
}

pub async fn show_account(ctx: Ctx) -> AppResult<AccountPage> {
    let roles = ctx.actor.roles.iter().map(|r| ctx.tr.t(&r.message_id())).collect();
    Ok(AccountPage {
        email: ctx.account.email.clone(),
        roles,
        totp_enabled: ctx.account.totp_enabled,
        sessions: db::sessions::count_for_staff(&ctx.state.db, ctx.account.id).await?,
        shell: ctx.shell().await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "account/password.html")]
pub struct PasswordPage {
    pub shell: Shell,
    pub errors: FormErrors,
    pub required: bool,
}

pub async fn password_page(ctx: Ctx) -> AppResult<PasswordPage> {
    Ok(PasswordPage {
        required: ctx.account.must_change_password,
        shell: ctx.shell().await?,
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

/// A wrong current password counts towards the account's lock-out, as at sign-in, so a left-open
/// session cannot be used to guess it.
async fn count_wrong_password(ctx: &Ctx) -> AppResult<()> {
    let now = ctx.state.clock.now();
    let txn = ctx.state.db.begin_write().await?;
    let (failures, locked_until) =
        db::staff::record_login_failure(&txn, ctx.account.id, auth::lockout_for, now).await?;
    let entry = ctx
        .entry("account.password-check")
        .outcome(crate::audit::Outcome::Failure)
        .record("staff", ctx.account.id)
        .detail(serde_json::json!({ "consecutive_failures": failures, "locked": locked_until.is_some() }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn change_password(ctx: Ctx, CsrfForm(form): CsrfForm<PasswordForm>) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    if !auth::verify_password(form.current_password.clone(), Some(ctx.account.password_hash.clone())).await {
        count_wrong_password(&ctx).await?;
        errors.add("current_password", "error-current-password");
    }
    if let Err(e) = check_new_password(&form.new_password, &ctx.account.email) {
        errors.0.extend(e.0);
    } else if form.new_password != form.confirm_password {
        errors.add("confirm_password", "error-password-mismatch");
    } else if form.new_password == form.current_password {
        errors.add("new_password", "error-password-unchanged");
    }
    if !errors.is_empty() {
        let page = PasswordPage {
            required: ctx.account.must_change_password,
            errors: FormErrors::new(&ctx.tr, &errors),
            shell: ctx.shell().await?,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = auth::hash_password(form.new_password).await?;
    let now = ctx.state.clock.now();
    let txn = ctx.state.db.begin_write().await?;
    db::staff::set_password(&txn, ctx.org.id, ctx.account.id, hash, false, now).await?;
    db::audit::append(&txn, ctx.entry("account.password-change").record("staff", ctx.account.id), now).await?;
    txn.commit().await?;
    // Other devices signed in with the old password are signed out; this one stays.
    db::sessions::delete_for_staff(&ctx.state.db, ctx.account.id).await?;
    ctx.session.cycle_id().await.map_err(session_err)?;
    ctx.flash("success", "password-changed").await?;
    Ok(see_other("/account"))
}

#[derive(Template, WebTemplate)]
#[template(path = "account/two_factor.html")]
pub struct TwoFactorSetupPage {
    pub shell: Shell,
    pub enabled: bool,
    pub required: bool,
    pub secret: String,
    pub qr_svg: String,
    pub errors: FormErrors,
}

async fn two_factor_setup(ctx: &Ctx, errors: &FieldErrors) -> AppResult<TwoFactorSetupPage> {
    let secret = match ctx.session.get::<String>(TOTP_PENDING_KEY).await.map_err(session_err)? {
        Some(secret) => secret,
        None => {
            let secret = auth::new_totp_secret();
            ctx.session.insert(TOTP_PENDING_KEY, secret.clone()).await.map_err(session_err)?;
            secret
        }
    };
    let qr_svg = auth::totp_url(&secret, &ctx.account.email).and_then(|u| auth::qr_svg(&u)).unwrap_or_default();
    Ok(TwoFactorSetupPage {
        shell: ctx.shell().await?,
        enabled: ctx.account.totp_enabled,
        required: ctx.org.require_totp,
        secret,
        qr_svg,
        errors: FormErrors::new(&ctx.tr, errors),
    })
}

pub async fn two_factor_page(ctx: Ctx) -> AppResult<TwoFactorSetupPage> {
    two_factor_setup(&ctx, &FieldErrors::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

pub async fn enable_two_factor(ctx: Ctx, CsrfForm(form): CsrfForm<CodeForm>) -> AppResult<Response> {
    if ctx.account.totp_enabled {
        // Replacing a second factor goes through turning it off, which asks for the password.
        return Err(AppError::BadRequest("two-factor-already-on"));
    }
    let pending: Option<String> = ctx.session.get(TOTP_PENDING_KEY).await.map_err(session_err)?;
    let now = ctx.state.clock.now();
    let confirmed =
        pending.and_then(|s| auth::totp_step(&s, &ctx.account.email, &form.code, now).map(|step| (s, step)));
    let Some((secret, step)) = confirmed else {
        let page = two_factor_setup(&ctx, &FieldErrors::single("code", "signin-error-code")).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let txn = ctx.state.db.begin_write().await?;
    db::staff::set_totp(&txn, ctx.account.id, Some(secret), true).await?;
    db::staff::use_totp_step(&txn, ctx.account.id, step).await?;
    db::audit::append(&txn, ctx.entry("account.two-factor.enable").record("staff", ctx.account.id), now).await?;
    txn.commit().await?;
    ctx.session.remove::<String>(TOTP_PENDING_KEY).await.map_err(session_err)?;
    ctx.flash("success", "two-factor-enabled").await?;
    Ok(see_other("/account"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmPasswordForm {
    current_password: String,
}

pub async fn disable_two_factor(ctx: Ctx, CsrfForm(form): CsrfForm<ConfirmPasswordForm>) -> AppResult<Response> {
    if ctx.org.require_totp {
        return Err(AppError::BadRequest("two-factor-required-by-org"));
    }
    if !auth::verify_password(form.current_password, Some(ctx.account.password_hash.clone())).await {
        count_wrong_password(&ctx).await?;
        let page = two_factor_setup(&ctx, &FieldErrors::single("current_password", "error-current-password")).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let now = ctx.state.clock.now();
    let txn = ctx.state.db.begin_write().await?;
    db::staff::set_totp(&txn, ctx.account.id, None, false).await?;
    db::audit::append(&txn, ctx.entry("account.two-factor.disable").record("staff", ctx.account.id), now).await?;
    txn.commit().await?;
    ctx.flash("success", "two-factor-disabled").await?;
    Ok(see_other("/account"))
}

#[derive(Template, WebTemplate)]
#[template(path = "account/tokens.html")]
pub struct TokensPage {
    pub shell: Shell,
    pub tokens: Vec<api_token::Model>,
    pub new_token: Option<String>,
    pub errors: FormErrors,
    pub tz: String,
}

impl TokensPage {
    pub fn when(&self, at: &time::OffsetDateTime) -> String {
        crate::app::format_local(&self.tz, *at)
    }
}

async fn tokens_page(ctx: &Ctx, new_token: Option<String>, errors: &FieldErrors) -> AppResult<TokensPage> {
    Ok(TokensPage {
        tokens: db::tokens::for_staff(ctx.state.db.conn(), ctx.org.id, ctx.account.id).await?,
        new_token,
        errors: FormErrors::new(&ctx.tr, errors),
        tz: ctx.org.time_zone.clone(),
        shell: ctx.shell().await?,
    })
}

pub async fn list_tokens(ctx: Ctx) -> AppResult<TokensPage> {
    tokens_page(&ctx, None, &FieldErrors::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    name: String,
}

pub async fn create_token(ctx: Ctx, CsrfForm(form): CsrfForm<TokenForm>) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    let name = errors.required("name", &form.name, 80);
    if !errors.is_empty() {
        let page = tokens_page(&ctx, None, &errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let (token, digest, prefix) = auth::new_api_token();
    let now = ctx.state.clock.now();
    let txn = ctx.state.db.begin_write().await?;
    let created = db::tokens::create(&txn, ctx.org.id, ctx.account.id, &name, digest, prefix, now).await?;
    db::audit::append(&txn, ctx.entry("account.token.create").record("api_token", created.id), now).await?;
    txn.commit().await?;
    Ok(tokens_page(&ctx, Some(token), &FieldErrors::new()).await?.into_response())
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn revoke_token(ctx: Ctx, Path(id): Path<Uuid>, CsrfForm(_): CsrfForm<Empty>) -> AppResult<Response> {
    let now = ctx.state.clock.now();
    let txn = ctx.state.db.begin_write().await?;
    if !db::tokens::revoke(&txn, ctx.org.id, ctx.account.id, id, now).await? {
        return Err(AppError::NotFound);
    }
    db::audit::append(&txn, ctx.entry("account.token.revoke").record("api_token", id), now).await?;
    txn.commit().await?;
    ctx.flash("success", "token-revoked").await?;
    Ok(see_other("/account/tokens"))
}
