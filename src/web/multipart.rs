//! Multipart forms that carry one file (curricula, certifications, training certificates): read as a
//! stream, never holding more of the file than its limit, so an oversize upload is named on the
//! form instead of failing the request.

use crate::error::{AppError, AppResult};
use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;

/// How one kind of form is read.
pub struct Limits {
    /// The name of the file part.
    pub file_part: &'static str,
    pub max_file_bytes: usize,
    /// Text fields kept; more are ignored.
    pub max_fields: usize,
    /// Characters kept of each text field.
    pub max_field_chars: usize,
}

pub struct FilePart {
    pub filename: String,
    /// The type the browser declared; callers check the bytes themselves.
    pub declared_type: String,
    pub data: Vec<u8>,
}

/// A form read: its text fields in order, and the file unless none was chosen or it was too large.
pub struct Received {
    pub fields: Vec<(String, String)>,
    pub file: Option<FilePart>,
    pub too_big: bool,
}

/// Room for the form around the file within the request limit.
const SLACK: usize = 64 * 1024;

/// Whether reading stopped at a body limit (the route's, or the application's).
fn over_limit(e: &MultipartError) -> bool {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return true;
    }
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = source {
        if err.to_string().contains("length limit exceeded") {
            return true;
        }
        source = err.source();
    }
    false
}

pub async fn receive(mut multipart: Multipart, limits: &Limits) -> AppResult<Received> {
    let mut received = Received { fields: Vec::new(), file: None, too_big: false };
    let unreadable =
        |e: MultipartError| if over_limit(&e) { AppError::TooLarge } else { AppError::BadRequest("error-bad-form") };
    loop {
        let next = match multipart.next_field().await {
            Ok(next) => next,
            // The body went past the request limit while the file was read.
            Err(e) if received.too_big && over_limit(&e) => break,
            Err(e) => return Err(unreadable(e)),
        };
        let Some(mut part) = next else { break };
        let name = part.name().unwrap_or("").to_string();
        if name == limits.file_part {
            let filename = part.file_name().unwrap_or("").to_string();
            let declared_type = part.content_type().unwrap_or("").to_string();
            let mut data = Vec::new();
            loop {
                match part.chunk().await {
                    Ok(Some(chunk)) => {
                        if data.len() + chunk.len() > limits.max_file_bytes {
                            received.too_big = true;
                            break;
                        }
                        data.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(e) if over_limit(&e) && data.len() + SLACK >= limits.max_file_bytes => {
                        received.too_big = true;
                        break;
                    }
                    Err(e) => return Err(unreadable(e)),
                }
            }
            if received.too_big {
                // The rest is not wanted; the message says why.
                break;
            }
            // A form sent with no file chosen has an empty part with no name.
            if !filename.is_empty() || !data.is_empty() {
                received.file = Some(FilePart { filename, declared_type, data });
            }
        } else if received.fields.len() < limits.max_fields {
            let value = part.text().await.map_err(unreadable)?;
            received.fields.push((name, value.chars().take(limits.max_field_chars).collect()));
        }
    }
    Ok(received)
}
