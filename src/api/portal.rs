//! Participant-portal administration over JSON: invitations, portal accounts (list, suspend,
//! reactivate) and plan suggestions (list, accept, decline). Every call goes through
//! `crate::portal`, like the staff pages; passwords, second-factor secrets and link tokens are
//! never returned (a link comes back once, only when it could not be sent).

use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::db::entities::{plan_suggestion, portal_invitation};
use crate::error::AppResult;
use crate::portal::accounts::{self, AccountSummary, InviteInput};
use crate::portal::suggestions::{self, DecisionInput};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts))
        .routes(routes!(person_portal))
        .routes(routes!(invite))
        .routes(routes!(suspend))
        .routes(routes!(reactivate))
        .routes(routes!(person_suggestions))
        .routes(routes!(decide))
}

type Envelope = crate::web::errors::ErrorEnvelope;

/// One invitation as staff see it: where it went (masked) and what became of it.
#[derive(Serialize, ToSchema)]
pub struct InvitationOut {
    pub id: Uuid,
    /// `email` or `sms`.
    pub channel: String,
    /// The address or number, masked ("s•••@example.org", "••• 4321").
    pub destination: String,
    /// `sent`, `failed` or `shown`.
    pub delivery: String,
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub used_at: Option<OffsetDateTime>,
    /// Replaced by a newer invitation, or the account was suspended.
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    pub sent_by: Uuid,
}

impl From<&portal_invitation::Model> for InvitationOut {
    fn from(i: &portal_invitation::Model) -> Self {
        InvitationOut {
            id: i.id,
            channel: i.channel.clone(),
            destination: i.destination_masked.clone(),
            delivery: i.delivery.clone(),
            sent_at: i.created_at,
            expires_at: i.expires_at,
            used_at: i.used_at,
            revoked_at: i.revoked_at,
            sent_by: i.sent_by,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PortalAccessOut {
    pub person_id: Uuid,
    /// None until the person is first invited.
    pub account: Option<AccountSummary>,
    /// Newest first.
    pub invitations: Vec<InvitationOut>,
    /// Whether e-mail and SMS invitations can go out (else the link comes back to be passed on).
    pub email_ready: bool,
    pub sms_ready: bool,
}

#[derive(Serialize, ToSchema)]
pub struct InvitedOut {
    pub account: AccountSummary,
    pub invitation: InvitationOut,
    /// Why the link did not go out (`portal-not-sent-…`), when it did not.
    pub not_sent: Option<String>,
    /// The link, only when it could not be sent: pass it on to the person yourself. Shown once.
    pub link: Option<String>,
}

/// A plan suggestion the person made through the portal.
#[derive(Serialize, ToSchema)]
pub struct SuggestionOut {
    pub id: Uuid,
    pub person_id: Uuid,
    pub plan_id: Uuid,
    /// `change`, `comment` or `new-goal`.
    pub kind: String,
    pub goal_id: Option<Uuid>,
    /// The goal's words when the suggestion was made.
    pub goal_words: Option<String>,
    pub body: String,
    /// `pending`, `accepted`, `declined` or `withdrawn`.
    pub status: String,
    pub reply: Option<String>,
    pub decided_by: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Send it back with a decision.
    pub version: i32,
}

impl From<&plan_suggestion::Model> for SuggestionOut {
    fn from(s: &plan_suggestion::Model) -> Self {
        SuggestionOut {
            id: s.id,
            person_id: s.person_id,
            plan_id: s.plan_id,
            kind: s.kind.clone(),
            goal_id: s.goal_id,
            goal_words: s.goal_words.clone(),
            body: s.body.clone(),
            status: s.status.clone(),
            reply: s.reply.clone(),
            decided_by: s.decided_by,
            decided_at: s.decided_at,
            created_at: s.created_at,
            version: s.version,
        }
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct VersionBody {
    /// The account's version as read (a stale one answers 409).
    pub version: i32,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct SuggestionQuery {
    /// `pending` for those still waiting for an answer; all otherwise.
    pub status: Option<String>,
}

/// Every portal account of the organisation (program directors and administrators).
#[utoipa::path(get, path = "/portal/accounts", tag = "portal",
    responses((status = 200, body = Vec<AccountSummary>), (status = 403, body = Envelope)))]
async fn list_accounts(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<Json<Vec<AccountSummary>>> {
    Ok(Json(accounts::list(&state, &actor).await?))
}

/// One person's portal access: account and invitations (edit access to the person needed).
#[utoipa::path(get, path = "/people/{id}/portal", tag = "portal",
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = PortalAccessOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn person_portal(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<PortalAccessOut>> {
    let a = accounts::access(&state, &actor, id).await?;
    Ok(Json(PortalAccessOut {
        person_id: a.person.id,
        account: a.account.as_ref().map(AccountSummary::from),
        invitations: a.invitations.iter().map(InvitationOut::from).collect(),
        email_ready: a.email_ready,
        sms_ready: a.sms_ready,
    }))
}

/// Invites the person (or sends a new link, which also lets them choose a new password). Earlier
/// unused links stop working. The link goes out by e-mail or SMS when that channel is configured;
/// otherwise it comes back in `link`, once.
#[utoipa::path(post, path = "/people/{id}/portal/invitations", tag = "portal", request_body = InviteInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 201, body = InvitedOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn invite(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<InviteInput>,
) -> AppResult<(StatusCode, Json<InvitedOut>)> {
    let invited = accounts::invite(&state, &actor, id, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(InvitedOut {
            account: AccountSummary::from(&invited.account),
            invitation: InvitationOut::from(&invited.invitation),
            not_sent: invited.not_sent.map(|n| n.message_id().to_string()),
            link: invited.link,
        }),
    ))
}

/// Suspends the account: the person is signed out everywhere and cannot sign in; unused links stop working.
#[utoipa::path(post, path = "/people/{id}/portal/suspend", tag = "portal", request_body = VersionBody,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = AccountSummary), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope)))]
async fn suspend(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<VersionBody>,
) -> AppResult<Json<AccountSummary>> {
    let a = accounts::set_suspended(&state, &actor, id, true, body.version).await?;
    Ok(Json(AccountSummary::from(&a)))
}

/// Reactivates a suspended account (active again if a password was set, otherwise invited).
#[utoipa::path(post, path = "/people/{id}/portal/reactivate", tag = "portal", request_body = VersionBody,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = AccountSummary), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope)))]
async fn reactivate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<VersionBody>,
) -> AppResult<Json<AccountSummary>> {
    let a = accounts::set_suspended(&state, &actor, id, false, body.version).await?;
    Ok(Json(AccountSummary::from(&a)))
}

/// A person's plan suggestions, newest first (`?status=pending` for those waiting for an answer).
#[utoipa::path(get, path = "/people/{id}/plan-suggestions", tag = "portal", params(("id" = Uuid, Path, description = "Person id"), SuggestionQuery),
    responses((status = 200, body = Vec<SuggestionOut>), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn person_suggestions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    Query(q): Query<SuggestionQuery>,
) -> AppResult<Json<Vec<SuggestionOut>>> {
    let pending = q.status.as_deref() == Some("pending");
    let rows = suggestions::for_person(&state, &actor, id, pending).await?;
    Ok(Json(rows.iter().map(SuggestionOut::from).collect()))
}

/// Accepts or declines a pending suggestion (a decline needs a reply for the person). Accepting
/// records the answer; the change itself is made through the plan's normal edit.
#[utoipa::path(post, path = "/plan-suggestions/{id}/decision", tag = "portal", request_body = DecisionInput,
    params(("id" = Uuid, Path, description = "Suggestion id")),
    responses((status = 200, body = SuggestionOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn decide(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<DecisionInput>,
) -> AppResult<Json<SuggestionOut>> {
    let s = suggestions::decide(&state, &actor, id, &body).await?;
    Ok(Json(SuggestionOut::from(&s)))
}
