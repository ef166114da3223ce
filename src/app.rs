//! Application state, the router with its middleware, and the server's life cycle.

use crate::config::Config;
use crate::db::{self, Db};
use crate::domain::Clock;
use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: Clock,
    pub metrics: PrometheusHandle,
    pub signin_throttle: Arc<crate::auth::SigninThrottle>,
    /// Self-referrals accepted per address (the public form is open to anyone).
    pub referral_throttle: Arc<crate::auth::SigninThrottle>,
    /// Feedback accepted per address on the public form and kiosk.
    pub feedback_throttle: Arc<crate::auth::SigninThrottle>,
    pub access_cache: Arc<crate::auth::AccessCache>,
    pub intake_context: Arc<crate::intake::ContextCache>,
    pub outcome_cache: Arc<crate::outcomes::cache::OutcomeCache>,
}

/// The process-wide metrics recorder (installed once, shared by every app in tests).
fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

impl AppState {
    pub fn new(db: Db, config: Config, clock: Clock) -> AppState {
        AppState {
            db,
            config: Arc::new(config),
            clock,
            metrics: metrics_handle(),
            // 30 failed sign-ins per address per 15 minutes: generous for a shared office.
            signin_throttle: Arc::new(crate::auth::SigninThrottle::new(30, time::Duration::minutes(15))),
            referral_throttle: Arc::new(crate::auth::SigninThrottle::new(5, time::Duration::hours(1))),
            // A kiosk in a busy drop-in centre shares one address, so more than self-referrals.
            feedback_throttle: Arc::new(crate::auth::SigninThrottle::new(20, time::Duration::hours(1))),
            access_cache: Default::default(),
            intake_context: Default::default(),
            outcome_cache: Default::default(),
        }
    }
}

pub const SESSION_COOKIE: &str = "mainstay_session";

/// Content-Security-Policy: no inline script or style anywhere.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; \
                   base-uri 'none'; object-src 'none'";

pub fn router(state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(db::sessions::DbSessionStore::new(state.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_secure(state.config.behind_tls)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(state.config.session_idle_minutes)));
    let mut app = Router::new()
        .merge(crate::web::router())
        .merge(crate::api::router(state.clone()))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/static/{*path}", get(static_file))
        .fallback(not_found)
        // Inside the error renderer, so oversized bodies and slow requests get a page or the
        // JSON envelope like every other error.
        .layer(middleware::from_fn(limit_body))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(middleware::from_fn_with_state(state.clone(), crate::web::errors::render_errors))
        // Outside the error renderer, so error pages can use the session too. Sessions load
        // lazily, so API requests (which never touch them) pay nothing.
        .layer(sessions)
        .layer(middleware::from_fn(record_metrics))
        .layer(CompressionLayer::new())
        .layer(security_header("content-security-policy", CSP))
        .layer(security_header("x-frame-options", "DENY"))
        .layer(security_header("x-content-type-options", "nosniff"))
        .layer(security_header("referrer-policy", "same-origin"))
        // Person records must not linger in a shared computer's browser cache after sign-out;
        // static files set their own caching first.
        .layer(security_header("cache-control", "no-store"))
        .layer(security_header("permissions-policy", "camera=(), microphone=(), geolocation=()"));
    if state.config.behind_tls {
        app = app.layer(security_header("strict-transport-security", "max-age=63072000; includeSubDomains"));
    }
    app.layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
        // The path only: query strings can hold search terms, which can be names.
        tracing::info_span!("request", method = %req.method(), path = %loggable_path(req.uri().path()))
    }))
    .layer(PropagateRequestIdLayer::x_request_id())
    .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
    .with_state(state)
}

/// The request path as logged: the secrets in calendar-feed, check-out and portal invitation links are left out.
fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    let segments: Vec<&str> = path.split('/').collect();
    let secret_at = match segments.as_slice() {
        ["", "calendar", _, "groups", _] => 4,
        ["", "checkout", _, _, ..] => 3,
        ["", "my", "invitation", _, ..] => 3,
        _ => return std::borrow::Cow::Borrowed(path),
    };
    let mut redacted = segments;
    redacted[secret_at] = "(secret)";
    std::borrow::Cow::Owned(redacted.join("/"))
}

/// Request bodies are limited to 2 MB, curriculum uploads to one 10 MB file and its form, HSDS
/// directory imports to 100 MB and theirs. The body stays a stream: a declared length over the
/// limit is refused at once, a longer stream when read.
async fn limit_body(req: Request, next: Next) -> Response {
    let limit = if crate::web::curricula::is_upload(req.method(), req.uri().path()) {
        crate::web::curricula::UPLOAD_BODY_LIMIT
    } else if crate::web::directory_import::is_upload(req.method(), req.uri().path()) {
        crate::web::directory_import::UPLOAD_BODY_LIMIT
    } else if crate::web::team::is_upload(req.method(), req.uri().path()) {
        crate::web::team::UPLOAD_BODY_LIMIT
    } else if crate::web::feedback::is_upload(req.method(), req.uri().path()) {
        crate::web::feedback::UPLOAD_BODY_LIMIT
    } else if crate::web::community::is_upload(req.method(), req.uri().path()) {
        crate::web::community::UPLOAD_BODY_LIMIT
    } else if crate::web::readiness_onsite::is_upload(req.method(), req.uri().path()) {
        crate::web::readiness_onsite::UPLOAD_BODY_LIMIT
    } else {
        2 * 1024 * 1024
    };
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return crate::error::AppError::TooLarge.into_response();
    }
    next.run(req.map(|body| Body::new(http_body_util::Limited::new(body, limit)))).await
}

fn security_header(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(header::HeaderName::from_static(name), HeaderValue::from_static(value))
}

/// The few static files are built into the binary, so an install is one file.
async fn static_file(axum::extract::Path(path): axum::extract::Path<String>) -> Response {
    let (body, kind): (&'static [u8], &'static str) = match path.as_str() {
        "app.css" => (include_bytes!("../static/app.css"), "text/css; charset=utf-8"),
        "app.js" => (include_bytes!("../static/app.js"), "text/javascript; charset=utf-8"),
        "vendor/htmx.min.js" => (include_bytes!("../static/vendor/htmx.min.js"), "text/javascript; charset=utf-8"),
        "favicon.svg" => (include_bytes!("../static/favicon.svg"), "image/svg+xml"),
        _ => return crate::error::AppError::NotFound.into_response(),
    };
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

async fn not_found() -> crate::error::AppError {
    crate::error::AppError::NotFound
}

async fn healthz(State(state): State<AppState>) -> Response {
    if state.db.ping().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

async fn metrics_text(State(state): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}

/// Request counts and latencies by route template (never by concrete path, which holds ids).
async fn record_metrics(req: Request, next: Next) -> Response {
    let route =
        req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    response
}

/// The calendar date in the organisation's time zone.
pub fn local_date(time_zone: &str, at: OffsetDateTime) -> time::Date {
    let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let Ok(ts) = jiff::Timestamp::from_second(at.unix_timestamp()) else { return at.date() };
    let civil = ts.to_zoned(tz).date();
    time::Date::from_calendar_date(
        civil.year() as i32,
        time::Month::try_from(civil.month() as u8).unwrap_or(time::Month::January),
        civil.day() as u8,
    )
    .unwrap_or(at.date())
}

/// A timestamp as the organisation reads it: "2026-11-22 09:05".
pub fn format_local(time_zone: &str, at: OffsetDateTime) -> String {
    let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    match jiff::Timestamp::from_second(at.unix_timestamp()) {
        Ok(ts) => ts.to_zoned(tz).strftime("%Y-%m-%d %H:%M").to_string(),
        Err(_) => at.to_string(),
    }
}

/// Runs the server until Ctrl-C or SIGTERM, finishing requests in flight.
pub async fn serve(state: AppState) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(state.config.listen).await?;
    let sweeper_db = state.db.clone();
    let sweeper = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            if let Err(e) = db::sessions::delete_expired(&sweeper_db).await {
                tracing::warn!(error = %e, "could not remove expired sessions");
            }
            if let Err(e) = sweeper_db.optimize().await {
                tracing::warn!(error = %e, "could not refresh planner statistics");
            }
        }
    });
    // Personnel reminders at start-up, then hourly; a run never overlaps the next.
    let reminder_state = state.clone();
    let reminders = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            crate::personnel::reminders::run_logged(&reminder_state).await;
        }
    });
    let app = router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    sweeper.abort();
    reminders.abort();
    // List and search events may still be gathering: commit them before the pools close.
    if let Some(queue) = state.db.audit_queue()
        && let Err(e) = queue.flush().await
    {
        tracing::error!(error = %e, "could not write the last audit events");
    }
    state.db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut sig) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            sig.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_date_follows_the_time_zone() {
        // 03:00 UTC on the 23rd is still the 22nd in Vancouver.
        let at = time::macros::datetime!(2026-11-23 03:00 UTC);
        assert_eq!(local_date("America/Vancouver", at), time::macros::date!(2026 - 11 - 22));
        assert_eq!(local_date("Europe/Paris", at), time::macros::date!(2026 - 11 - 23));
        assert_eq!(format_local("America/Toronto", at), "2026-11-22 22:00");
    }

    #[test]
    fn secret_links_are_not_logged() {
        assert_eq!(loggable_path("/calendar/o1/groups/abc123.ics"), "/calendar/o1/groups/(secret)");
        assert_eq!(loggable_path("/checkout/o1/tok/thanks"), "/checkout/o1/(secret)/thanks");
        assert_eq!(loggable_path("/calendar/o1/open-groups.ics"), "/calendar/o1/open-groups.ics");
        assert_eq!(loggable_path("/people/42"), "/people/42");
        assert_eq!(loggable_path("/my/invitation/tok"), "/my/invitation/(secret)");
    }
}
