//! One error type for every handler. `into_response` records what went wrong; the
//! `render_errors` middleware turns it into an HTML page, an htmx fragment or the JSON envelope
//! depending on where the request was going.

use crate::domain::FieldErrors;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error("sign-in required")]
    Unauthenticated,
    #[error("two-factor set-up required")]
    TwoFactorSetupRequired,
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("invalid input")]
    Invalid(FieldErrors),
    #[error("edit conflict")]
    Conflict,
    #[error("form expired")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("request body too large")]
    TooLarge,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        AppError::Internal(err.into())
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Invalid(errors)
    }
}

impl From<crate::db::WriteError> for AppError {
    fn from(err: crate::db::WriteError) -> Self {
        use crate::db::WriteError as W;
        match err {
            W::Conflict => AppError::Conflict,
            W::NotFound => AppError::NotFound,
            W::Duplicate { field } => AppError::Invalid(FieldErrors::single(field, "error-already-taken")),
            W::Db(e) => e.into(),
        }
    }
}

/// Attached to error responses for the rendering middleware.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    /// Message id of the page title / JSON detail.
    pub message_id: &'static str,
    pub fields: FieldErrors,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::TwoFactorSetupRequired | AppError::PasswordChangeRequired => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict => StatusCode::CONFLICT,
            AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn message_id(&self) -> &'static str {
        match self {
            AppError::NotFound => "error-not-found",
            AppError::Forbidden => "error-forbidden",
            AppError::Unauthenticated => "error-unauthenticated",
            AppError::TwoFactorSetupRequired => "error-two-factor-required",
            AppError::PasswordChangeRequired => "error-password-change-required",
            AppError::Invalid(_) => "error-invalid",
            AppError::Conflict => "error-conflict",
            AppError::Csrf => "error-csrf",
            AppError::BadRequest(id) => id,
            AppError::TooLarge => "error-too-large",
            AppError::Internal(_) => "error-internal",
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(err) = &self {
            // Logged with context, never shown; messages never carry names or notes.
            tracing::error!(error = %format!("{err:#}"), "internal error");
        }
        let fields = match &self {
            AppError::Invalid(fields) => fields.clone(),
            _ => FieldErrors::new(),
        };
        let mut response = self.status().into_response();
        response.extensions_mut().insert(ErrorInfo { message_id: self.message_id(), fields });
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;
