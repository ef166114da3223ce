//! Turns error responses into what the caller understands: the JSON envelope under /api, an
//! htmx fragment for htmx requests, otherwise a friendly page with the shell (and crisis button).

use super::Shell;
use crate::app::AppState;
use crate::error::ErrorInfo;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use serde::Serialize;

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub shell: Shell,
    pub title: String,
    pub explanation: String,
    pub status: u16,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorEnvelope {
    pub errors: Vec<ErrorItem>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorItem {
    /// The field the message is about; absent for errors about the whole request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub detail: String,
    /// Stable machine-readable code (the message id).
    pub code: String,
}

pub async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let headers = req.headers().clone();
    let session = req.extensions().get::<tower_sessions::Session>().cloned();
    let response = next.run(req).await;
    let status = response.status();
    let info = match response.extensions().get::<ErrorInfo>() {
        Some(info) => info.clone(),
        // Framework rejections (a malformed id in the path, a wrong content type) arrive as plain
        // text; give them the same page or envelope as our own errors.
        None if (status.is_client_error() || status.is_server_error()) && is_plain_text(&response) => {
            ErrorInfo { message_id: generic_message(status), fields: Default::default() }
        }
        None => return response,
    };
    let jar = CookieJar::from_headers(&headers);
    let lang = super::request_language(&jar, None, None);
    let tr = crate::i18n::Tr::new(match jar.get("lang") {
        Some(_) => lang,
        None => headers
            .get("accept-language")
            .and_then(|v| v.to_str().ok())
            .map(crate::i18n::Tr::from_accept_language)
            .unwrap_or(lang),
    });
    if path.starts_with("/api/") {
        return json_error(status, &info, &tr);
    }
    if super::portal::is_portal_path(&path) && !headers.contains_key("hx-request") {
        let q = query.as_deref();
        return super::portal::error_response(&state, session, &jar, &headers, &path, q, status, info.message_id).await;
    }
    match status {
        StatusCode::UNAUTHORIZED => {
            let next_path = match &query {
                Some(q) => format!("{path}?{q}"),
                None => path.clone(),
            };
            let target = serde_urlencoded::to_string([("next", next_path)]).unwrap_or_default();
            return super::see_other(&format!("/login?{target}"));
        }
        StatusCode::FORBIDDEN if info.message_id == "error-two-factor-required" => {
            return super::see_other("/account/two-factor");
        }
        StatusCode::FORBIDDEN if info.message_id == "error-password-change-required" => {
            return super::see_other("/account/password");
        }
        _ => {}
    }
    html_error(&state, session, &jar, &headers, &path, status, &info, tr).await
}

fn is_plain_text(response: &Response) -> bool {
    response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| ct.starts_with("text/plain"))
}

fn generic_message(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "error-not-found",
        StatusCode::PAYLOAD_TOO_LARGE => "error-too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "error-bad-json",
        StatusCode::METHOD_NOT_ALLOWED => "error-method",
        s if s.is_server_error() => "error-internal",
        _ => "error-bad-request",
    }
}

fn json_error(status: StatusCode, info: &ErrorInfo, tr: &crate::i18n::Tr) -> Response {
    let mut errors: Vec<ErrorItem> = info
        .fields
        .0
        .iter()
        .map(|e| ErrorItem { field: Some(e.field.clone()), detail: tr.field_error(e), code: e.message_id.to_string() })
        .collect();
    if errors.is_empty() {
        errors.push(ErrorItem { field: None, detail: tr.t(info.message_id), code: info.message_id.to_string() });
    }
    (status, axum::Json(ErrorEnvelope { errors })).into_response()
}

#[allow(clippy::too_many_arguments)]
async fn html_error(
    state: &AppState,
    session: Option<tower_sessions::Session>,
    jar: &CookieJar,
    headers: &HeaderMap,
    path: &str,
    status: StatusCode,
    info: &ErrorInfo,
    tr: crate::i18n::Tr,
) -> Response {
    let title = tr.t(info.message_id);
    let explanation = tr.t(&format!("{}-explanation", info.message_id));
    if headers.contains_key("hx-request") {
        // htmx swaps this into the page's message area.
        let fragment = format!("<div class=\"notice notice-error\" role=\"alert\">{}</div>", askama_escape(&title));
        return (status, axum::response::Html(fragment)).into_response();
    }
    let shell = match session {
        Some(session) => Shell::anonymous(state, &session, jar, headers, path).await.ok(),
        None => None,
    };
    let Some(mut shell) = shell else {
        return (status, title).into_response();
    };
    shell.tr = tr;
    (status, ErrorPage { shell, title, explanation, status: status.as_u16() }).into_response()
}

fn askama_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
