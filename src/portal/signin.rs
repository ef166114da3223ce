//! The person's side of portal access: opening an invitation link, choosing a password, signing
//! in (password, then the second factor when they turned it on), changing the password and
//! setting up the second factor. Failures never say whether an address has an account.

use super::Me;
use crate::app::AppState;
use crate::audit::{Entry, Outcome, SYSTEM_ORG};
use crate::auth;
use crate::db::entities::{person, portal_account, portal_invitation};
use crate::domain::FieldErrors;
use crate::domain::portal::{PortalStatus, check_password};
use crate::error::{AppError, AppResult};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

/// A link that works, with its account and person.
pub struct ValidInvitation {
    pub invitation: portal_invitation::Model,
    pub account: portal_account::Model,
    pub person: person::Model,
}

/// What an invitation link leads to.
pub enum Opening {
    /// The link works: the person chooses a password.
    Valid(Box<ValidInvitation>),
    /// The link was used already (or replaced by a newer one).
    Used,
    Expired,
    /// No such link, or the account is suspended.
    Unknown,
}

fn entry_for(account: &portal_account::Model, action: &'static str, ip: Option<&str>) -> Entry {
    let mut entry = Entry::new(account.org_id, action).record("person", account.person_id);
    entry.actor_label = Some(super::actor_label(account.id));
    entry.ip = ip.map(str::to_string);
    entry
}

pub async fn open_invitation(state: &AppState, token: &str) -> AppResult<Opening> {
    let conn = state.db.conn();
    let digest = auth::token_digest(token.trim());
    let Some(invitation) =
        portal_invitation::Entity::find().filter(portal_invitation::Column::TokenDigest.eq(digest)).one(conn).await?
    else {
        return Ok(Opening::Unknown);
    };
    let Some(account) = super::account(conn, invitation.account_id).await?.filter(|a| a.org_id == invitation.org_id)
    else {
        return Ok(Opening::Unknown);
    };
    if account.status == PortalStatus::Suspended.code() {
        return Ok(Opening::Unknown);
    }
    if invitation.used_at.is_some() || invitation.revoked_at.is_some() {
        return Ok(Opening::Used);
    }
    if invitation.expires_at <= state.clock.now() {
        return Ok(Opening::Expired);
    }
    let person = crate::db::people::get(conn, account.org_id, account.person_id).await?.ok_or(AppError::NotFound)?;
    Ok(Opening::Valid(Box::new(ValidInvitation { invitation, account, person })))
}

/// Accepts an invitation with the password the person chose: the link is used up, earlier
/// sessions end, and the account is active.
pub async fn accept(
    state: &AppState,
    token: &str,
    password: &str,
    confirm: &str,
    ip: Option<&str>,
) -> AppResult<portal_account::Model> {
    let Opening::Valid(valid) = open_invitation(state, token).await? else {
        return Err(AppError::NotFound);
    };
    let ValidInvitation { invitation, account, .. } = *valid;
    check_password(password, confirm, &account.email)?;
    let hash = auth::hash_password(password.to_string()).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    // Only one use, even if the link is opened twice at once.
    let used = portal_invitation::Entity::update_many()
        .col_expr(portal_invitation::Column::UsedAt, Expr::value(now))
        .filter(portal_invitation::Column::Id.eq(invitation.id))
        .filter(portal_invitation::Column::UsedAt.is_null())
        .filter(portal_invitation::Column::RevokedAt.is_null())
        .exec(&*txn)
        .await?;
    if used.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    portal_account::Entity::update_many()
        .col_expr(portal_account::Column::PasswordHash, Expr::value(hash))
        .col_expr(portal_account::Column::Status, Expr::value(PortalStatus::Active.code()))
        .col_expr(portal_account::Column::FailedLogins, Expr::value(0))
        .col_expr(portal_account::Column::LockedUntil, Expr::value(Option::<OffsetDateTime>::None))
        .col_expr(portal_account::Column::SessionEpoch, Expr::col(portal_account::Column::SessionEpoch).add(1))
        .col_expr(portal_account::Column::Version, Expr::col(portal_account::Column::Version).add(1))
        .col_expr(portal_account::Column::UpdatedAt, Expr::value(now))
        .filter(portal_account::Column::Id.eq(account.id))
        .filter(portal_account::Column::Status.ne(PortalStatus::Suspended.code()))
        .exec(&*txn)
        .await?;
    let entry = entry_for(&account, "portal.invitation.accept", ip).detail(json!({ "invitation_id": invitation.id }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    super::account(state.db.conn(), account.id).await?.ok_or(AppError::NotFound)
}

/// What a password sign-in came to.
pub enum SignIn {
    /// Signed in (the caller starts the session).
    Done(portal_account::Model),
    /// The password was right; the second factor is next.
    NeedsCode(portal_account::Model),
    /// Refused, with the one message to show (the same for an unknown address and a wrong password).
    Refused(&'static str),
}

pub fn is_locked(account: &portal_account::Model, now: OffsetDateTime) -> bool {
    account.locked_until.is_some_and(|until| until > now)
}

pub async fn sign_in(state: &AppState, email: &str, password: &str, ip: Option<&str>) -> AppResult<SignIn> {
    let now = state.clock.now();
    let address = ip.unwrap_or_default().to_string();
    if !state.signin_throttle.allows(&address, now) {
        let mut entry = Entry::new(SYSTEM_ORG, "portal.signin.throttled").outcome(Outcome::Denied);
        entry.ip = ip.map(str::to_string);
        crate::db::audit::append_now(&state.db, entry, now).await?;
        return Ok(SignIn::Refused("portal-signin-error-throttled"));
    }
    let account = super::account_by_email(state.db.conn(), email).await?;
    let usable = account.filter(|a| a.status == PortalStatus::Active.code() && a.password_hash.is_some());
    let Some(account) = usable else {
        // The same work and the same answer as a wrong password.
        auth::verify_password(password.to_string(), None).await;
        state.signin_throttle.record_failure(&address, now);
        let mut entry = Entry::new(SYSTEM_ORG, "portal.signin.failure").outcome(Outcome::Failure);
        entry.ip = ip.map(str::to_string);
        entry.detail = json!({ "reason": "no-usable-account" });
        crate::db::audit::append_now(&state.db, entry, now).await?;
        return Ok(SignIn::Refused("portal-signin-error-credentials"));
    };
    if is_locked(&account, now) {
        let entry = entry_for(&account, "portal.signin.locked", ip).outcome(Outcome::Denied);
        crate::db::audit::append_now(&state.db, entry, now).await?;
        return Ok(SignIn::Refused("portal-signin-error-locked"));
    }
    if !auth::verify_password(password.to_string(), account.password_hash.clone()).await {
        state.signin_throttle.record_failure(&address, now);
        record_failure(state, &account, ip, "password").await?;
        return Ok(SignIn::Refused("portal-signin-error-credentials"));
    }
    if account.totp_enabled && account.totp_secret.is_some() {
        return Ok(SignIn::NeedsCode(account));
    }
    Ok(SignIn::Done(account))
}

/// Counts a failure and locks the account for a while after five in a row (as for staff).
async fn record_failure(
    state: &AppState,
    account: &portal_account::Model,
    ip: Option<&str>,
    step: &str,
) -> AppResult<()> {
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let fresh = super::account(&*txn, account.id).await?.ok_or(AppError::NotFound)?;
    let failures = fresh.failed_logins + 1;
    let locked_until = auth::lockout_for(failures).map(|d| now + d);
    portal_account::Entity::update_many()
        .col_expr(portal_account::Column::FailedLogins, Expr::value(failures))
        .col_expr(portal_account::Column::LockedUntil, Expr::value(locked_until))
        .filter(portal_account::Column::Id.eq(account.id))
        .exec(&*txn)
        .await?;
    let entry = entry_for(account, "portal.signin.failure", ip)
        .outcome(Outcome::Failure)
        .detail(json!({ "step": step, "consecutive_failures": failures, "locked": locked_until.is_some() }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Checks a second-factor code; each 30-second step is accepted once only.
pub async fn check_code(state: &AppState, account_id: Uuid, code: &str, ip: Option<&str>) -> AppResult<SignIn> {
    let now = state.clock.now();
    let account = super::account(state.db.conn(), account_id)
        .await?
        .filter(|a| a.status == PortalStatus::Active.code())
        .ok_or(AppError::Unauthenticated)?;
    if is_locked(&account, now) {
        return Ok(SignIn::Refused("portal-signin-error-locked"));
    }
    let step = account.totp_secret.as_deref().and_then(|s| auth::totp_step(s, &account.email, code, now));
    if let Some(step) = step
        && use_step(state, &account, step).await?
    {
        return Ok(SignIn::Done(account));
    }
    record_failure(state, &account, ip, "two-factor").await?;
    Ok(SignIn::Refused("portal-signin-error-code"))
}

/// Marks a step used; false when it (or a later one) was used already.
async fn use_step(state: &AppState, account: &portal_account::Model, step: i64) -> AppResult<bool> {
    let txn = state.db.begin_write().await?;
    let result = portal_account::Entity::update_many()
        .col_expr(portal_account::Column::TotpLastStep, Expr::value(step))
        .filter(portal_account::Column::Id.eq(account.id))
        .filter(portal_account::Column::TotpLastStep.is_null().or(portal_account::Column::TotpLastStep.lt(step)))
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(result.rows_affected == 1)
}

/// Records a completed sign-in: failures cleared, the time kept for staff to see.
pub async fn signed_in(state: &AppState, account: &portal_account::Model, ip: Option<&str>) -> AppResult<()> {
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    portal_account::Entity::update_many()
        .col_expr(portal_account::Column::FailedLogins, Expr::value(0))
        .col_expr(portal_account::Column::LockedUntil, Expr::value(Option::<OffsetDateTime>::None))
        .col_expr(portal_account::Column::LastSignInAt, Expr::value(now))
        .filter(portal_account::Column::Id.eq(account.id))
        .exec(&*txn)
        .await?;
    crate::db::audit::append(&txn, entry_for(account, "portal.signin", ip), now).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn signed_out(state: &AppState, me: &Me) -> AppResult<()> {
    crate::db::audit::append_now(&state.db, me.entry("portal.signout"), state.clock.now()).await?;
    Ok(())
}

/// Changes the password (the current one first); other sessions end. Returns the new epoch.
pub async fn change_password(state: &AppState, me: &Me, current: &str, new: &str, confirm: &str) -> AppResult<i32> {
    let account = super::account(state.db.conn(), me.account_id).await?.ok_or(AppError::Unauthenticated)?;
    if !auth::verify_password(current.to_string(), account.password_hash.clone()).await {
        record_failure(state, &account, me.ip.as_deref(), "password-change").await?;
        return Err(FieldErrors::single("current_password", "portal-error-current-password").into());
    }
    let mut errors = match check_password(new, confirm, &account.email) {
        Ok(()) => FieldErrors::new(),
        Err(e) => e,
    };
    if errors.is_empty() && new == current {
        errors.add("password", "portal-error-password-unchanged");
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let hash = auth::hash_password(new.to_string()).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let epoch = account.session_epoch + 1;
    portal_account::Entity::update_many()
        .col_expr(portal_account::Column::PasswordHash, Expr::value(hash))
        .col_expr(portal_account::Column::SessionEpoch, Expr::value(epoch))
        .col_expr(portal_account::Column::Version, Expr::col(portal_account::Column::Version).add(1))
        .col_expr(portal_account::Column::UpdatedAt, Expr::value(now))
        .filter(portal_account::Column::Id.eq(account.id))
        .exec(&*txn)
        .await?;
    crate::db::audit::append(&txn, me.entry("portal.password.change"), now).await?;
    txn.commit().await?;
    Ok(epoch)
}

/// Turns the second factor on with a secret the person's app now holds, proven by a code.
pub async fn enable_two_factor(state: &AppState, me: &Me, secret: &str, code: &str) -> AppResult<()> {
    let account = super::account(state.db.conn(), me.account_id).await?.ok_or(AppError::Unauthenticated)?;
    let now = state.clock.now();
    let Some(step) = auth::totp_step(secret, &account.email, code, now) else {
        return Err(FieldErrors::single("code", "portal-error-code").into());
    };
    let txn = state.db.begin_write().await?;
    portal_account::Entity::update_many()
        .col_expr(portal_account::Column::TotpSecret, Expr::value(secret))
        .col_expr(portal_account::Column::TotpEnabled, Expr::value(true))
        .col_expr(portal_account::Column::TotpLastStep, Expr::value(step))
        .col_expr(portal_account::Column::Version, Expr::col(portal_account::Column::Version).add(1))
        .col_expr(portal_account::Column::UpdatedAt, Expr::value(now))
        .filter(portal_account::Column::Id.eq(account.id))
        .exec(&*txn)
        .await?;
    crate::db::audit::append(&txn, me.entry("portal.two-factor.enable"), now).await?;
    txn.commit().await?;
    Ok(())
}

/// Turns the second factor off (the password first).
pub async fn disable_two_factor(state: &AppState, me: &Me, password: &str) -> AppResult<()> {
    let account = super::account(state.db.conn(), me.account_id).await?.ok_or(AppError::Unauthenticated)?;
    if !auth::verify_password(password.to_string(), account.password_hash.clone()).await {
        record_failure(state, &account, me.ip.as_deref(), "two-factor-off").await?;
        return Err(FieldErrors::single("current_password", "portal-error-current-password").into());
    }
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    portal_account::Entity::update_many()
        .col_expr(portal_account::Column::TotpSecret, Expr::value(Option::<String>::None))
        .col_expr(portal_account::Column::TotpEnabled, Expr::value(false))
        .col_expr(portal_account::Column::Version, Expr::col(portal_account::Column::Version).add(1))
        .col_expr(portal_account::Column::UpdatedAt, Expr::value(now))
        .filter(portal_account::Column::Id.eq(account.id))
        .exec(&*txn)
        .await?;
    crate::db::audit::append(&txn, me.entry("portal.two-factor.disable"), now).await?;
    txn.commit().await?;
    Ok(())
}

/// Keeps the person's language choice on their account.
pub async fn set_language(state: &AppState, me: &Me, lang: &str) -> AppResult<()> {
    let txn = state.db.begin_write().await?;
    portal_account::Entity::update_many()
        .col_expr(portal_account::Column::Language, Expr::value(lang))
        .filter(portal_account::Column::Id.eq(me.account_id))
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
