//! The public self-referral form: no sign-in, mobile-first, spam-protected (a hidden field people
//! never fill, a minimum fill time under a signed timestamp) and rate-limited per address.

use super::intake::Values;
use super::signin::ClientIp;
use super::{CsrfForm, FormErrors, Shell, see_other};
use crate::app::AppState;
use crate::db;
use crate::db::entities::organisation;
use crate::domain::FieldErrors;
use crate::domain::intake::SelfReferralInput;
use crate::error::{AppError, AppResult};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use tower_sessions::Session;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/self-referral", get(only_organisation))
        .route("/self-referral/{org_id}", get(form_page).post(submit))
        .route("/self-referral/{org_id}/thanks", get(thanks))
}

/// Robots post at once; people take longer than this to write a request.
pub const MIN_FILL_SECONDS: i64 = 3;
/// A form left open longer than this is sent again after a reload.
pub const MAX_FILL_SECONDS: i64 = 4 * 60 * 60;

/// Signs form timestamps; a restart invalidates open forms, which then ask to be sent again.
fn signing_key() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(|| crate::auth::random_token(32))
}

/// A token for one of the public forms (`purpose`: "self-referral", "feedback"…) of an
/// organisation, carrying the time it was issued, signed so it cannot be made up or moved to
/// another form or organisation.
pub fn sign_form(purpose: &str, org_id: Uuid, issued: i64) -> String {
    let digest = Sha256::digest(format!("{}:{purpose}:{org_id}:{issued}", signing_key()).as_bytes());
    format!("{issued}.{}", hex::encode(&digest[..16]))
}

/// Whether the token was issued by us for this form and organisation, long enough ago (people
/// take a few seconds to fill a form; robots do not) and not too long ago.
pub fn form_token_fresh(purpose: &str, token: &str, org_id: Uuid, now: i64) -> bool {
    let Some((issued, _)) = token.split_once('.') else { return false };
    let Ok(issued) = issued.parse::<i64>() else { return false };
    let age = now - issued;
    crate::auth::tokens_match(&sign_form(purpose, org_id, issued), token)
        && (MIN_FILL_SECONDS..=MAX_FILL_SECONDS).contains(&age)
}

fn sign(org_id: Uuid, issued: i64) -> String {
    sign_form("self-referral", org_id, issued)
}

/// Whether a self-referral form's token is ours and of the right age.
pub fn token_fresh(token: &str, org_id: Uuid, now: i64) -> bool {
    form_token_fresh("self-referral", token, org_id, now)
}

#[derive(Template, WebTemplate)]
#[template(path = "public/self_referral.html")]
pub struct SelfReferralPage {
    pub shell: Shell,
    pub org: organisation::Model,
    pub values: Values,
    pub errors: FormErrors,
    pub form_token: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/thanks.html")]
pub struct ThanksPage {
    pub shell: Shell,
    pub org: organisation::Model,
}

/// The shell of a public page: the organisation's name and emergency number, no one signed in.
pub async fn public_shell(
    state: &AppState,
    session: &Session,
    jar: &CookieJar,
    headers: &HeaderMap,
    org: &organisation::Model,
    path: &str,
) -> AppResult<Shell> {
    let mut shell = Shell::anonymous(state, session, jar, headers, path).await?;
    shell.org_name = org.name.clone();
    shell.emergency_number = org.emergency_number.clone();
    Ok(shell)
}

pub async fn organisation(state: &AppState, org_id: Uuid) -> AppResult<organisation::Model> {
    db::org::get(state.db.conn(), org_id).await?.ok_or(AppError::NotFound)
}

/// A one-organisation install (the usual case) has a short address for its form.
pub async fn only_organisation(State(state): State<AppState>) -> AppResult<Response> {
    let orgs = db::org::all(&state.db).await?;
    match orgs.as_slice() {
        [only] => Ok(see_other(&format!("/self-referral/{}", only.id))),
        _ => Err(AppError::NotFound),
    }
}

pub async fn form_page(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    Path(org_id): Path<Uuid>,
) -> AppResult<SelfReferralPage> {
    let org = organisation(&state, org_id).await?;
    let path = format!("/self-referral/{org_id}");
    Ok(SelfReferralPage {
        shell: public_shell(&state, &session, &jar, &headers, &org, &path).await?,
        form_token: sign(org_id, state.clock.now().unix_timestamp()),
        org,
        values: Values::default(),
        errors: FormErrors::default(),
    })
}

#[allow(clippy::too_many_arguments)]
pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Path(org_id): Path<Uuid>,
    CsrfForm(input): CsrfForm<SelfReferralInput>,
) -> AppResult<Response> {
    let org = organisation(&state, org_id).await?;
    let now = state.clock.now();
    let address = ip.unwrap_or_else(|| "unknown".into());
    if !state.referral_throttle.allows(&address, now) {
        return Err(AppError::BadRequest("error-self-referral-too-many"));
    }
    // A filled hidden field is a robot: thank it and keep nothing.
    if !input.website.trim().is_empty() {
        tracing::info!("self-referral dropped by the hidden-field check");
        return Ok(see_other(&format!("/self-referral/{org_id}/thanks")));
    }
    let mut errors = match input.parse() {
        Ok(valid) if token_fresh(&input.form_token, org_id, now.unix_timestamp()) => {
            state.referral_throttle.record_failure(&address, now);
            crate::intake::self_referral(&state, org_id, &valid, Some(address)).await?;
            return Ok(see_other(&format!("/self-referral/{org_id}/thanks")));
        }
        Ok(_) => FieldErrors::new(),
        Err(errors) => errors,
    };
    if errors.is_empty() {
        errors.add("form_token", "error-self-referral-resend");
    }
    let path = format!("/self-referral/{org_id}");
    let tr = crate::i18n::Tr::new(crate::web::request_language(&jar, None, Some(&org.default_language)));
    let values = Values::of(&SelfReferralEcho::from(&input));
    let page = SelfReferralPage {
        shell: public_shell(&state, &session, &jar, &headers, &org, &path).await?,
        form_token: sign(org_id, now.unix_timestamp() - MIN_FILL_SECONDS),
        errors: FormErrors::new(&tr, &errors),
        org,
        values,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// What the person typed, to show again (never the hidden field or the token).
#[derive(serde::Serialize)]
struct SelfReferralEcho {
    given_name: String,
    family_name: String,
    phone: String,
    email: String,
    asked_for: String,
    safe_to_message: bool,
    consent: bool,
}

impl From<&SelfReferralInput> for SelfReferralEcho {
    fn from(i: &SelfReferralInput) -> Self {
        SelfReferralEcho {
            given_name: i.given_name.clone(),
            family_name: i.family_name.clone().unwrap_or_default(),
            phone: i.phone.clone().unwrap_or_default(),
            email: i.email.clone().unwrap_or_default(),
            asked_for: i.asked_for.clone(),
            safe_to_message: i.safe_to_message == Some(true),
            consent: i.consent == Some(true),
        }
    }
}

pub async fn thanks(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    Path(org_id): Path<Uuid>,
) -> AppResult<ThanksPage> {
    let org = organisation(&state, org_id).await?;
    let path = format!("/self-referral/{org_id}/thanks");
    Ok(ThanksPage { shell: public_shell(&state, &session, &jar, &headers, &org, &path).await?, org })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_tokens_need_time_and_our_signature() {
        let org = Uuid::from_u128(7);
        let token = sign(org, 1_000);
        assert!(!token_fresh(&token, org, 1_001), "too quick for a person");
        assert!(token_fresh(&token, org, 1_010));
        assert!(!token_fresh(&token, org, 1_000 + MAX_FILL_SECONDS + 1), "too old");
        assert!(!token_fresh(&token, Uuid::from_u128(8), 1_010), "another organisation's form");
        assert!(!token_fresh("1000.deadbeef", org, 1_010), "forged");
        assert!(!token_fresh("garbage", org, 1_010));
    }

    #[test]
    fn a_token_belongs_to_one_form() {
        let org = Uuid::from_u128(7);
        let feedback = sign_form("feedback", org, 1_000);
        assert!(form_token_fresh("feedback", &feedback, org, 1_010));
        assert!(!form_token_fresh("self-referral", &feedback, org, 1_010), "not a self-referral token");
        assert!(!token_fresh(&feedback, org, 1_010));
    }
}
