//! Accreditation readiness on site: evidence documents (`documents`), the interview roster
//! (`interviews`) and the reviewer's sample of case records (`samples`). Pages call the functions
//! of `standards::{documents, interviews, samples}`, like the JSON API.

pub mod documents;
pub mod interviews;
pub mod samples;

use super::intake::Values;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use axum::Router;
use std::collections::HashMap;

/// Room for an uploaded document's form around the file.
pub const UPLOAD_BODY_LIMIT: usize = crate::standards::documents::MAX_FILE_BYTES + 256 * 1024;

/// Whether a request uploads an evidence document (page or API), which may be larger than others.
pub fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    if method != axum::http::Method::POST {
        return false;
    }
    let Some(rest) = path.strip_prefix("/readiness/documents") else { return false };
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [""] => true,
        ["", id, "file"] => !id.is_empty(),
        _ => false,
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().merge(documents::routes()).merge(interviews::routes()).merge(samples::routes())
}

pub(crate) fn field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// The form as typed, for showing it again.
pub(crate) fn values_of(form: &[(String, String)]) -> Values {
    let mut map: HashMap<String, String> = HashMap::new();
    for (k, v) in form.iter().filter(|(k, _)| k != "csrf_token") {
        map.entry(k.clone())
            .and_modify(|e| {
                e.push('\n');
                e.push_str(v)
            })
            .or_insert_with(|| v.clone());
    }
    Values(map)
}

pub(crate) fn version_of(form: &[(String, String)]) -> AppResult<i32> {
    field(form, "version").and_then(|v| v.trim().parse().ok()).ok_or(AppError::BadRequest("error-bad-form"))
}

#[cfg(test)]
mod tests {
    use super::is_upload;
    use axum::http::Method;

    #[test]
    fn only_document_uploads_may_be_large() {
        assert!(is_upload(&Method::POST, "/readiness/documents"));
        assert!(is_upload(&Method::POST, "/api/v1/readiness/documents"));
        assert!(is_upload(&Method::POST, "/readiness/documents/abc/file"));
        assert!(!is_upload(&Method::GET, "/readiness/documents"));
        assert!(!is_upload(&Method::POST, "/readiness/documents/abc"));
        assert!(!is_upload(&Method::POST, "/readiness/documents//file"));
        assert!(!is_upload(&Method::POST, "/readiness/documentsx"));
    }
}
