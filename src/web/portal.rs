//! The participant portal's pages under `/my` (their own layout: big text, large targets, the
//! crisis line on every page) and the staff page `/people/{id}/portal`.
//!
//! Portal sessions use the same session layer as staff but their own keys: a staff session does
//! not open `/my`, and a portal session does not open staff pages. Pages never take a person id
//! from the URL: "me" is always the signed-in account's person, and every id that does come in
//! (a suggestion, a group, a plan) is looked up with the organisation and that person.

mod auth;
mod measures;
mod pages;
mod records;
mod staff;

use super::shell::{Flash, push_flash};
use super::{CSRF_KEY, FLASH_KEY, FormErrors, client_ip, csrf_token, session_err, session_of};
use crate::app::AppState;
use crate::db::entities::{organisation, person, portal_account};
use crate::domain::FieldErrors;
use crate::domain::codes::{Country, UiLanguage};
use crate::domain::portal::PortalStatus;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::portal::Me;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use tower_sessions::Session;
use uuid::Uuid;

/// The signed-in portal account, in the session.
pub const PORTAL_KEY: &str = "portal_account_id";
/// The account's session epoch when the session began: a password change or suspension ends it.
pub const PORTAL_EPOCH_KEY: &str = "portal_epoch";
/// An account that passed the password and still owes a second-factor code.
pub const PORTAL_PENDING_KEY: &str = "portal_pending_id";
/// A second-factor secret being set up (not stored on the account until a code proves it).
pub const PORTAL_TOTP_SETUP_KEY: &str = "portal_totp_setup";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/my/portal.css", get(stylesheet))
        .route("/my", get(pages::home))
        .route("/my/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/my/sign-in/code", get(auth::code_page).post(auth::code))
        .route("/my/sign-out", post(auth::sign_out))
        .route("/my/invitation/{token}", get(auth::invitation_page).post(auth::accept_invitation))
        .route("/my/password", get(auth::password_page).post(auth::change_password))
        .route("/my/two-factor", get(auth::two_factor_page).post(auth::enable_two_factor))
        .route("/my/two-factor/off", post(auth::disable_two_factor))
        .route("/my/language", post(auth::switch_language))
        .route("/my/plan", get(pages::plan))
        .route("/my/plan/suggestions", post(pages::suggest))
        .route("/my/plan/suggestions/{id}", get(pages::suggestion))
        .route("/my/plan/suggestions/{id}/withdraw", post(pages::withdraw))
        .route("/my/plans/{id}", get(pages::earlier_plan))
        .route("/my/contacts", get(pages::contacts))
        .route("/my/groups", get(pages::groups))
        .route("/my/groups/{id}", get(pages::group))
        .route("/my/feedback", get(pages::feedback).post(pages::give_feedback))
        .route("/my/changes", get(pages::changes))
        .route("/my/records", get(records::records))
        .route("/my/records/record.html", get(records::record_html))
        .route("/my/records/record.json", get(records::record_json))
        .route("/my/records/disclosures", get(records::disclosures))
        .route("/my/records/disclosures.csv", get(records::disclosures_csv))
        .route("/people/{id}/portal", get(staff::access_page))
        .route("/people/{id}/portal/invite", post(staff::invite))
        .route("/people/{id}/portal/suspend", post(staff::suspend))
        .route("/people/{id}/portal/reactivate", post(staff::reactivate))
        .route("/plan-suggestions", get(staff::pending_page))
        .route("/plan-suggestions/{id}/decision", post(staff::decide))
        .merge(measures::routes())
}

/// Whether a path belongs to the portal (its own error pages and sign-in).
pub fn is_portal_path(path: &str) -> bool {
    path == "/my" || path.starts_with("/my/")
}

/// A signed-in person's portal request.
pub struct PortalCtx {
    pub state: AppState,
    pub session: Session,
    pub account: portal_account::Model,
    pub person: person::Model,
    pub org: organisation::Model,
    pub me: Me,
    pub tr: Tr,
    pub path: String,
}

/// The language: the switch's cookie, then the account, then the person's record, then the organisation.
fn portal_language(
    jar: &CookieJar,
    account: Option<&portal_account::Model>,
    org: Option<&organisation::Model>,
) -> UiLanguage {
    jar.get("lang")
        .and_then(|c| UiLanguage::parse(c.value()))
        .or_else(|| account.and_then(|a| a.language.as_deref()).and_then(UiLanguage::parse))
        .or_else(|| org.and_then(|o| UiLanguage::parse(&o.default_language)))
        .unwrap_or(UiLanguage::En)
}

impl FromRequestParts<AppState> for PortalCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<PortalCtx> {
        let session = session_of(parts, state).await?;
        let account_id: Option<Uuid> = session.get(PORTAL_KEY).await.map_err(session_err)?;
        let epoch: Option<i32> = session.get(PORTAL_EPOCH_KEY).await.map_err(session_err)?;
        let (Some(account_id), Some(epoch)) = (account_id, epoch) else {
            return Err(AppError::Unauthenticated);
        };
        let conn = state.db.conn();
        let account = crate::portal::account(conn, account_id).await?;
        let Some(account) = account.filter(|a| a.status == PortalStatus::Active.code() && a.session_epoch == epoch)
        else {
            // Suspended, or the password changed elsewhere: this session ends.
            session.flush().await.map_err(session_err)?;
            return Err(AppError::Unauthenticated);
        };
        let person =
            crate::db::people::get(conn, account.org_id, account.person_id).await?.ok_or(AppError::Unauthenticated)?;
        let org = crate::db::org::get(conn, account.org_id).await?.ok_or(AppError::Unauthenticated)?;
        crate::web::refresh_idle_timer(&session, state).await?;
        let jar = CookieJar::from_headers(&parts.headers);
        let tr = Tr::new(portal_language(&jar, Some(&account), Some(&org)));
        let ip = client_ip(parts, state.config.behind_tls);
        let me = Me::of(&account, ip);
        Ok(PortalCtx {
            state: state.clone(),
            session,
            account,
            person,
            org,
            me,
            tr,
            path: parts.uri.path().to_string(),
        })
    }
}

impl PortalCtx {
    pub async fn shell(&self) -> AppResult<PortalShell> {
        let name = self.person.preferred_name.clone().unwrap_or_else(|| self.person.legal_given_name.clone());
        PortalShell::build(&self.session, self.tr, Some(name), Some(&self.org), &self.path).await
    }

    pub async fn flash(&self, kind: &'static str, message_id: &str) -> AppResult<()> {
        push_flash(&self.session, kind, self.tr.t(message_id)).await
    }

    pub fn today(&self) -> time::Date {
        crate::app::local_date(&self.org.time_zone, self.state.clock.now())
    }

    pub fn errors(&self, errors: &FieldErrors) -> FormErrors {
        portal_errors(&self.tr, errors)
    }
}

/// Field messages in the portal's words: `portal-<id>` when the portal has its own (so the
/// messages are translated with the portal), else the shared message.
pub fn portal_errors(tr: &Tr, errors: &FieldErrors) -> FormErrors {
    let items = errors
        .0
        .iter()
        .map(|e| {
            let own = format!("portal-{}", e.message_id);
            let args: Vec<(&str, String)> = e.args.iter().map(|(k, v)| (*k, v.clone())).collect();
            let text = tr.with_args(&own, &args);
            let text = if text == own { tr.field_error(e) } else { text };
            (e.field.clone(), text)
        })
        .collect();
    FormErrors { items }
}

/// What the portal layout needs.
pub struct PortalShell {
    pub tr: Tr,
    pub csrf: String,
    /// The person's first name when signed in.
    pub name: Option<String>,
    pub org_name: String,
    pub crisis_line: String,
    pub emergency_number: String,
    pub flash: Vec<Flash>,
    pub path: String,
    pub languages: Vec<(&'static str, &'static str, bool)>,
}

async fn take_flash(session: &Session) -> AppResult<Vec<Flash>> {
    match session.get::<Vec<Flash>>(FLASH_KEY).await.map_err(session_err)? {
        Some(list) => {
            session.remove::<Vec<Flash>>(FLASH_KEY).await.map_err(session_err)?;
            Ok(list)
        }
        None => Ok(Vec::new()),
    }
}

impl PortalShell {
    pub async fn build(
        session: &Session,
        tr: Tr,
        name: Option<String>,
        org: Option<&organisation::Model>,
        path: &str,
    ) -> AppResult<PortalShell> {
        let country = org.and_then(|o| Country::parse(&o.country)).unwrap_or(Country::Us);
        Ok(PortalShell {
            tr,
            csrf: csrf_token(session).await?,
            name,
            org_name: org.map(|o| o.name.clone()).unwrap_or_else(|| "Mainstay".into()),
            crisis_line: country.crisis_line().to_string(),
            emergency_number: org.map(|o| o.emergency_number.clone()).unwrap_or_else(|| "911".into()),
            flash: take_flash(session).await?,
            path: path.to_string(),
            languages: UiLanguage::ALL.iter().map(|l| (l.code(), Tr::native_name(*l), *l == tr.lang)).collect(),
        })
    }

    /// Before signing in: the first organisation's crisis numbers (as on the staff sign-in page).
    pub async fn anonymous(
        state: &AppState,
        session: &Session,
        jar: &CookieJar,
        headers: &HeaderMap,
        path: &str,
    ) -> AppResult<PortalShell> {
        let org = crate::db::org::all(&state.db).await?.into_iter().next();
        let lang = match jar.get("lang").and_then(|c| UiLanguage::parse(c.value())) {
            Some(lang) => lang,
            None => match headers.get("accept-language").and_then(|v| v.to_str().ok()) {
                Some(h) => Tr::from_accept_language(h),
                None => portal_language(jar, None, org.as_ref()),
            },
        };
        PortalShell::build(session, Tr::new(lang), None, org.as_ref(), path).await
    }

    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }

    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        self.tr.t1(key, name, value)
    }

    /// `aria-current` for the navigation link of the page being shown.
    pub fn current(&self, prefix: &str) -> &'static str {
        let here = if prefix == "/my" { self.path == "/my" } else { self.path.starts_with(prefix) };
        if here { "page" } else { "false" }
    }

    pub fn crisis_tel(&self) -> String {
        self.crisis_line.chars().filter(char::is_ascii_digit).collect()
    }

    pub fn signed_in(&self) -> bool {
        self.name.is_some()
    }
}

/// The portal's own stylesheet (on top of the app's): larger text, full-width 48px targets.
async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../templates/portal/portal.css"),
    )
        .into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/error.html")]
pub struct PortalErrorPage {
    pub shell: PortalShell,
    pub title: String,
    pub explanation: String,
    pub status: u16,
}

/// Error pages for `/my…` in the portal's own style; a missing sign-in goes to the portal's sign-in.
#[allow(clippy::too_many_arguments)]
pub async fn error_response(
    state: &AppState,
    session: Option<Session>,
    jar: &CookieJar,
    headers: &HeaderMap,
    path: &str,
    query: Option<&str>,
    status: StatusCode,
    message_id: &'static str,
) -> Response {
    if status == StatusCode::UNAUTHORIZED {
        let next = match query {
            Some(q) => format!("{path}?{q}"),
            None => path.to_string(),
        };
        let target = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
        return super::see_other(&format!("/my/sign-in?{target}"));
    }
    let Some(session) = session else {
        return (status, "").into_response();
    };
    let shell = match PortalShell::anonymous(state, &session, jar, headers, path).await {
        Ok(shell) => shell,
        Err(_) => return (status, "").into_response(),
    };
    // Signed in or not, the error page says the same (and names no one).
    let own = format!("portal-{message_id}");
    let title = match shell.t(&own) {
        t if t == own => shell.t(message_id),
        t => t,
    };
    let explanation_id = format!("{own}-explanation");
    let explanation = match shell.t(&explanation_id) {
        t if t == explanation_id => shell.t(&format!("{message_id}-explanation")),
        t => t,
    };
    (status, PortalErrorPage { shell, title, explanation, status: status.as_u16() }).into_response()
}

/// Starts a portal session for an account: a new session id, no staff keys, a fresh CSRF token.
pub async fn start_session(session: &Session, account: &portal_account::Model) -> AppResult<()> {
    session.clear().await;
    session.cycle_id().await.map_err(session_err)?;
    session.insert(PORTAL_KEY, account.id).await.map_err(session_err)?;
    session.insert(PORTAL_EPOCH_KEY, account.session_epoch).await.map_err(session_err)?;
    session.remove::<String>(CSRF_KEY).await.map_err(session_err)?;
    csrf_token(session).await?;
    Ok(())
}
