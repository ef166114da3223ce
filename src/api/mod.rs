//! The JSON API under /api/v1: bearer tokens, the error envelope, OpenAPI from the handlers.

pub mod coaching;
pub mod community;
pub mod consents;
pub mod curricula;
pub mod directory;
pub mod directory_import;
pub mod feedback;
pub mod group_evidence;
pub mod group_sessions;
pub mod groups;
pub mod instruments;
pub mod intake;
pub mod logic_models;
pub mod measures;
pub mod outcome_exports;
pub mod outcomes;
pub mod participation;
pub mod people;
pub mod portal;
pub mod readiness;
pub mod readiness_onsite;
pub mod referrals;
pub mod reminders;
pub mod setup;
pub mod staff_supervision;
pub mod team;
pub mod training;
pub mod workload;

use crate::access::Actor;
use crate::app::AppState;
use crate::auth;
use crate::db;
use crate::error::{AppError, AppResult};
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Mainstay API", version = "1", description = "Organisation set-up, person records and intake: requests for service, \
        triage and screening, waiting lists, risk screens and safety plans, the crisis procedure and crisis \
        events, and time to first service; coaching: recovery/wellness plans, contacts and progress notes, \
        contact frequency, lapses, mutual aid, natural supports, caseloads and worklists. \
        Authenticate with `Authorization: Bearer <token>` (create a token under Account → API tokens). \
        Errors use the envelope `{\"errors\":[{\"field\":…,\"detail\":…,\"code\":…}]}`."),
    tags((name = "coaching", description = "Peer recovery coaching: a person's coaching status and contact \
        frequency, recovery/wellness plans (versions, agreement, merged concurrent edits, diffs), contacts and \
        progress notes (drafts, signing, addenda, guardrail warnings), lapses, mutual aid, natural supports, \
        transfers, caseloads, the worklist and supervision counts."),
        (name = "groups", description = "Education and support groups: groups, facilitators and their readiness, \
        recurring schedules with exceptions, members' availability and the best slots, calendar feeds."),
        (name = "group-sessions", description = "Group sessions: members, attendance (counted as coaching contacts), \
        session logs and check-out feedback."),
        (name = "group-evidence", description = "Accreditation evidence for groups: the 12-month schedule with \
        attendance counts, and the curricula."),
        (name = "curricula", description = "Versioned curricula: sessions with topics, objectives, activities and \
        materials, reusable across groups."),
        (name = "directory", description = "The resource directory (CSE 6.02, Open Referral HSDS 3.0): search by need \
        with typos and synonyms, language, cost, age, hours and distance; resources with the six facts flagged when \
        missing; verification and the stale worklist; duplicates and merging; directory settings."),
        (name = "directory-import", description = "HSDS 3.0 import (JSON documents or the CSV package; a report \
        of every problem by file, row and field; all or nothing, or valid rows only) and export of the directory."),
        (name = "referrals", description = "Referrals with closed-loop follow-up (consent checked and the \
        disclosure recorded when details are shared), status history, outcomes, the follow-up worklist, referral \
        measures and information-only contacts."),
        (name = "consents", description = "Consent to share a person's information (42 CFR Part 2, HIPAA, \
        Canadian express consent): record, revoke, end event, coverage checks, and the accounting of disclosures."),
        (name = "personnel", description = "Staff personnel records (CSE 2.01, 2.02, 2.06): positions, degrees, \
        experience, lived-experience attestation, job description, certifications with expiry, and each person's \
        competency against what their positions require."),
        (name = "training", description = "The training catalogue with topics mapped to requirement codes (CSE \
        2.02–2.07 and the PRSC knowledge areas and skills), training records and demonstrated competencies, and \
        the competency matrix."),
        (name = "supervision-log", description = "Supervision and peer-mentoring sessions (CSE 2.06), and staff \
        with no supervision in the organisation's interval."),
        (name = "workload", description = "Caseload and workload per worker weighted by need (CSE 2.08), \
        thresholds, dated workload reviews, and the organisation's personnel settings."),
        (name = "reminders", description = "Reminders for expiring certifications, overdue training, supervision \
        gaps and workload reviews."),
        (name = "feedback", description = "Feedback and complaints from the people served (CSE 7.02): intake from \
        the public form, the portal or staff, owners, due dates, responses and outcomes, trends by category and \
        program, and the \"you said, we did\" changes published without personal data."),
        (name = "participation", description = "How participants shape the program (CSE 7.02): versioned program \
        rules with how participants drafted and enforce them, advisory and community meetings with decisions and \
        follow-through, and participant surveys with results."),
        (name = "community", description = "Peer community (CSE 7.01, 7.03; CA-CSE 7.01): opportunities offered and \
        taken per person, the peer-support aims contacts, groups and activities serve, and each site's \
        welcoming-environment reviews with photos."),
        (name = "portal", description = "Participant portal administration: invitations, portal accounts and the \
        plan suggestions people make through the portal, for their coach to accept or decline."),
        (name = "instruments", description = "Outcome instruments and indicators as versioned data (CSE 1.02; PRSC \
        expected outcomes): the built-in BARC-10, WHO-5, Columbia screener and outcome indicators, and the \
        organisation's own, with items, answer scales, score formulas and interpretation."),
        (name = "measures", description = "Measurements of a person on an instrument or indicator (staff, paper or \
        portal), with scores, and the per-program schedules (intake, every N days, discharge) that make them due."),
        (name = "logic-models", description = "Per-program logic models (CSE 1.01, 1.02): needs with their \
        evidence, inputs, activities, outputs computed live from records, outcomes linked to measures with \
        targets, long-term impact, and the validity checks of the rating guide."),
        (name = "outcomes", description = "Outcome dashboards: paired first-to-latest change, share reaching \
        targets, distributions, disaggregation with small-cell suppression, and the de-identified exports."),
        (name = "readiness", description = "Accreditation readiness: the standards of CSE 2024, CA-CSE 2022, \
        CA-CSE 2020 and the PRSC service definition as data (our paraphrase) with their crosswalk, which apply to \
        each program and why not, live evidence per element with the failing records, suggested ratings 1–4 with \
        configurable thresholds, self-ratings with their history, evidence documents, the interview roster and \
        reviewer's samples of case records.")),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(crate::web::errors::ErrorEnvelope, crate::web::errors::ErrorItem))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API routes and the OpenAPI document generated from them.
pub fn api_router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(
            "/api/v1",
            setup::routes()
                .merge(people::routes())
                .merge(intake::routes())
                .merge(coaching::routes())
                .merge(groups::routes())
                .merge(group_sessions::routes())
                .merge(group_evidence::routes())
                .merge(curricula::routes())
                .merge(directory::routes())
                .merge(directory_import::routes())
                .merge(referrals::routes())
                .merge(consents::routes())
                .merge(team::routes())
                .merge(training::routes())
                .merge(staff_supervision::routes())
                .merge(workload::routes())
                .merge(reminders::routes())
                .merge(feedback::routes())
                .merge(participation::routes())
                .merge(community::routes())
                .merge(portal::routes())
                .merge(instruments::routes())
                .merge(measures::routes())
                .merge(logic_models::routes())
                .merge(outcomes::routes())
                .merge(outcome_exports::routes())
                .merge(readiness::routes())
                .merge(readiness_onsite::routes()),
        )
        .split_for_parts()
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    api_router().1
}

pub fn router(_state: AppState) -> Router<AppState> {
    let (router, doc) = api_router();
    let doc_json = doc.clone();
    router
        .route("/api/v1/openapi.json", axum::routing::get(move || async move { axum::Json(doc_json) }))
        .merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi-ui.json", doc))
}

/// The caller of an API request, from its bearer token.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<ApiActor> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
        let Some(token) = header.strip_prefix("Bearer ").map(str::trim).filter(|t| !t.is_empty()) else {
            return Err(AppError::Unauthenticated);
        };
        let Some(found) = db::tokens::by_hash(state.db.conn(), &auth::token_digest(token)).await? else {
            return Err(AppError::Unauthenticated);
        };
        let facts = state
            .access_cache
            .load(&state.db, found.org_id, found.staff_id)
            .await?
            .filter(|f| f.account.active)
            .ok_or(AppError::Unauthenticated)?;
        if facts.account.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        let now = state.clock.now();
        // Recording use once a minute is enough to show which tokens are alive.
        if found.last_used_at.is_none_or(|t| now - t > time::Duration::minutes(1)) {
            let txn = state.db.begin_write().await?;
            db::tokens::mark_used(&txn, found.id, now).await?;
            txn.commit().await?;
        }
        let ip = crate::web::client_ip(parts, state.config.behind_tls);
        Ok(ApiActor(facts.actor(ip)))
    }
}

/// A JSON body; malformed JSON becomes the error envelope, not a plain-text rejection.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> AppResult<Self> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::TooLarge)
            }
            Err(_) => Err(AppError::BadRequest("error-bad-json")),
        }
    }
}
