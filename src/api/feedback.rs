//! Feedback and complaints over JSON (CSE 7.02 / CA-CSE 7.03): items (list with filters, one
//! item with its history, logging on someone's behalf, assigning, responding, closing), trends,
//! and the "you said, we did" entries (list, create, edit, publish). Every call goes through
//! `crate::voice::feedback`, like the pages.

use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::db::entities::{feedback_change, feedback_item};
use crate::domain::feedback::{
    ChangeInput, FeedbackCategory, FeedbackChannel, FeedbackEventKind, FeedbackFrom, FeedbackInput, FeedbackKind,
    FeedbackOutcome, FeedbackStatus, RespondInput, ResponseMethod,
};
use crate::error::{AppError, AppResult};
use crate::voice::feedback::{
    self as service, AssignInput, ChangeRow, CloseInput, FilePart, ItemRow, ItemView, ListFilter, Trends, TrendsQuery,
};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_items, create_item))
        .routes(routes!(get_item))
        .routes(routes!(assign_item))
        .routes(routes!(respond_item))
        .routes(routes!(close_item))
        .routes(routes!(trends))
        .routes(routes!(list_changes, create_change))
        .routes(routes!(update_change))
        .routes(routes!(publish_change))
}

type Envelope = crate::web::errors::ErrorEnvelope;

// ---------- shapes ----------

/// A feedback item as a list shows it (no name or contact details).
#[derive(Serialize, ToSchema)]
pub struct FeedbackSummaryOut {
    pub id: Uuid,
    pub kind: FeedbackKind,
    pub category: FeedbackCategory,
    pub channel: FeedbackChannel,
    pub status: FeedbackStatus,
    pub program_id: Option<Uuid>,
    pub program_name: Option<String>,
    pub received_on: Date,
    pub due_on: Date,
    /// Past its due date and still waiting for a response.
    pub overdue: bool,
    pub owner_id: Option<Uuid>,
    pub owner_name: Option<String>,
    pub change_id: Option<Uuid>,
    /// Send it back with changes.
    pub version: i32,
}

fn parse<T: crate::domain::codes::TextCode>(code: &str) -> AppResult<T> {
    T::parse(code).ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown stored code {code:?}")))
}

impl FeedbackSummaryOut {
    fn new(r: &ItemRow) -> AppResult<FeedbackSummaryOut> {
        let i = &r.item;
        Ok(FeedbackSummaryOut {
            id: i.id,
            kind: parse(&i.kind)?,
            category: parse(&i.category)?,
            channel: parse(&i.channel)?,
            status: parse(&i.status)?,
            program_id: i.program_id,
            program_name: r.program_name.clone(),
            received_on: i.received_on,
            due_on: i.due_on,
            overdue: r.overdue,
            owner_id: i.owner_id,
            owner_name: r.owner_name.clone(),
            change_id: i.change_id,
            version: i.version,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct FeedbackPageOut {
    pub items: Vec<FeedbackSummaryOut>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// One line of an item's history.
#[derive(Serialize, ToSchema)]
pub struct FeedbackEventOut {
    pub kind: FeedbackEventKind,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub by_staff: Option<Uuid>,
    pub by_name: Option<String>,
    pub note: Option<String>,
    /// Codes and ids of the step (owner, due date, method, outcome, change).
    pub detail: Option<serde_json::Value>,
}

/// An item in full, for those who may handle it (the view is audited).
#[derive(Serialize, ToSchema)]
pub struct FeedbackOut {
    #[serde(flatten)]
    pub summary: FeedbackSummaryOut,
    pub body: String,
    pub submitted_by: Option<FeedbackFrom>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub wants_reply: bool,
    pub person_id: Option<Uuid>,
    pub acknowledged_on: Option<Date>,
    pub response: Option<String>,
    pub response_method: Option<ResponseMethod>,
    pub responded_on: Option<Date>,
    /// The response went out by e-mail from Mainstay.
    pub response_emailed: bool,
    pub outcome: Option<FeedbackOutcome>,
    pub outcome_note: Option<String>,
    pub closed_on: Option<Date>,
    /// The attachment's name and type, when one was sent (download it from the item's page).
    pub attachment: Option<AttachmentOut>,
    pub history: Vec<FeedbackEventOut>,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentOut {
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

fn item_out(v: &ItemView) -> AppResult<FeedbackOut> {
    let i = &v.item;
    let row = ItemRow {
        item: i.clone(),
        owner_name: v.owner_name.clone(),
        program_name: v.program_name.clone(),
        overdue: v.overdue,
    };
    Ok(FeedbackOut {
        summary: FeedbackSummaryOut::new(&row)?,
        body: i.body.clone(),
        submitted_by: i.submitted_by.as_deref().and_then(FeedbackFrom::parse),
        name: i.submitter_name.clone(),
        email: i.email.clone(),
        phone: i.phone.clone(),
        wants_reply: i.wants_reply,
        person_id: i.person_id,
        acknowledged_on: i.acknowledged_on,
        response: i.response.clone(),
        response_method: i.response_method.as_deref().and_then(ResponseMethod::parse),
        responded_on: i.responded_on,
        response_emailed: i.response_emailed_at.is_some(),
        outcome: i.outcome.as_deref().and_then(FeedbackOutcome::parse),
        outcome_note: i.outcome_note.clone(),
        closed_on: i.closed_on,
        attachment: v.file.as_ref().map(|f| AttachmentOut {
            filename: f.filename.clone(),
            content_type: f.content_type.clone(),
            size: f.size,
        }),
        history: v
            .events
            .iter()
            .map(|e| FeedbackEventOut {
                kind: e.kind(),
                at: e.event.at,
                by_staff: e.event.by_staff,
                by_name: e.by_name.clone(),
                note: e.event.note.clone(),
                detail: e.event.detail.as_deref().and_then(|d| serde_json::from_str(d).ok()),
            })
            .collect(),
    })
}

/// Feedback logged on someone's behalf (channel `staff`).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CreateFeedbackBody {
    #[serde(flatten)]
    pub feedback: FeedbackInput,
    /// A person the caller may open, to link the feedback to.
    pub person_id: Option<Uuid>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AssignBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub assign: AssignInput,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct RespondBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub response: RespondInput,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CloseBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub close: CloseInput,
}

/// A "you said, we did" entry.
#[derive(Serialize, ToSchema)]
pub struct ChangeOut {
    pub id: Uuid,
    pub program_id: Option<Uuid>,
    pub program_name: Option<String>,
    pub you_said: String,
    pub we_did: String,
    pub published: bool,
    pub published_on: Option<Date>,
    /// The feedback items it cites.
    pub item_ids: Vec<Uuid>,
    pub version: i32,
}

impl ChangeOut {
    fn new(c: &feedback_change::Model, program_name: Option<String>, items: &[feedback_item::Model]) -> ChangeOut {
        ChangeOut {
            id: c.id,
            program_id: c.program_id,
            program_name,
            you_said: c.you_said.clone(),
            we_did: c.we_did.clone(),
            published: c.published,
            published_on: c.published_on,
            item_ids: items.iter().map(|i| i.id).collect(),
            version: c.version,
        }
    }

    fn of(r: &ChangeRow) -> ChangeOut {
        ChangeOut::new(&r.change, r.program_name.clone(), &r.items)
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CreateChangeBody {
    #[serde(flatten)]
    pub change: ChangeInput,
    /// Feedback items this change answers.
    pub item_ids: Vec<Uuid>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct UpdateChangeBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub change: ChangeInput,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PublishBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    /// `true` to publish on the public board, `false` to take it down.
    pub published: bool,
}

fn version(v: Option<i32>) -> AppResult<i32> {
    super::intake::required_version(v)
}

// ---------- items ----------

/// Feedback and complaints, open ones first and soonest due first (leads: directors, supervisors,
/// quality leads, administrators).
#[utoipa::path(get, path = "/feedback", tag = "feedback", params(ListFilter),
    responses((status = 200, body = FeedbackPageOut), (status = 403, body = Envelope)))]
async fn list_items(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(filter): Query<ListFilter>,
) -> AppResult<Json<FeedbackPageOut>> {
    let page = service::list(&state, &actor, &filter).await?;
    Ok(Json(FeedbackPageOut {
        items: page.items.iter().map(FeedbackSummaryOut::new).collect::<AppResult<_>>()?,
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

/// Logs feedback on someone's behalf (any staff member). Anonymous unless a name or contact is
/// given; e-mail and phone are kept only when `wants_reply` is true.
#[utoipa::path(post, path = "/feedback", tag = "feedback", request_body = CreateFeedbackBody,
    responses((status = 201, body = FeedbackOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn create_item(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CreateFeedbackBody>,
) -> AppResult<(StatusCode, Json<serde_json::Value>)> {
    let id = service::record_for_someone(&state, &actor, &body.feedback, body.person_id, &FilePart::None).await?;
    if service::may_manage(&actor) {
        let v = service::get(&state, &actor, id).await?;
        return Ok((
            StatusCode::CREATED,
            Json(serde_json::to_value(item_out(&v)?).map_err(|e| AppError::Internal(e.into()))?),
        ));
    }
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

/// One item with its contact details, response, outcome and history (leads, or its owner).
#[utoipa::path(get, path = "/feedback/{id}", tag = "feedback",
    params(("id" = Uuid, Path, description = "Feedback item id")),
    responses((status = 200, body = FeedbackOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_item(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<FeedbackOut>> {
    Ok(Json(item_out(&service::get(&state, &actor, id).await?)?))
}

async fn after_change(state: &AppState, actor: &crate::access::Actor, id: Uuid) -> AppResult<Json<FeedbackOut>> {
    let item = service::get(state, actor, id).await?;
    Ok(Json(item_out(&item)?))
}

/// Gives the item an owner and, optionally, a new due date (leads). A stale `version` answers 409.
#[utoipa::path(post, path = "/feedback/{id}/assign", tag = "feedback", request_body = AssignBody,
    params(("id" = Uuid, Path, description = "Feedback item id")),
    responses((status = 200, body = FeedbackOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn assign_item(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<AssignBody>,
) -> AppResult<Json<FeedbackOut>> {
    service::assign(&state, &actor, id, version(body.version)?, &body.assign).await?;
    after_change(&state, &actor, id).await
}

/// Records the response given to the person (leads, or the owner). With `method` `email`, an
/// address on the item and SMTP configured, the response is e-mailed from here.
#[utoipa::path(post, path = "/feedback/{id}/respond", tag = "feedback", request_body = RespondBody,
    params(("id" = Uuid, Path, description = "Feedback item id")),
    responses((status = 200, body = FeedbackOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn respond_item(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<RespondBody>,
) -> AppResult<Json<FeedbackOut>> {
    service::respond(&state, &actor, id, version(body.version)?, &body.response).await?;
    after_change(&state, &actor, id).await
}

/// Closes the item with its outcome, optionally linking the "you said, we did" entry it led to
/// (leads, or the owner). When the person asked for a reply, respond first.
#[utoipa::path(post, path = "/feedback/{id}/close", tag = "feedback", request_body = CloseBody,
    params(("id" = Uuid, Path, description = "Feedback item id")),
    responses((status = 200, body = FeedbackOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn close_item(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<CloseBody>,
) -> AppResult<Json<FeedbackOut>> {
    service::close(&state, &actor, id, version(body.version)?, &body.close).await?;
    after_change(&state, &actor, id).await
}

/// Counts by month and kind, by category and program, the share responded to on time and the
/// median days to a response (leads).
#[utoipa::path(get, path = "/feedback/trends", tag = "feedback", params(TrendsQuery),
    responses((status = 200, body = Trends), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn trends(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<TrendsQuery>,
) -> AppResult<Json<Trends>> {
    Ok(Json(service::trends(&state, &actor, &q).await?))
}

// ---------- "you said, we did" ----------

/// Every entry, drafts first (leads).
#[utoipa::path(get, path = "/feedback/changes", tag = "feedback",
    responses((status = 200, body = Vec<ChangeOut>), (status = 403, body = Envelope)))]
async fn list_changes(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<Vec<ChangeOut>>> {
    Ok(Json(service::changes(&state, &actor).await?.iter().map(ChangeOut::of).collect()))
}

/// Creates a draft entry citing feedback items (leads).
#[utoipa::path(post, path = "/feedback/changes", tag = "feedback", request_body = CreateChangeBody,
    responses((status = 201, body = ChangeOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn create_change(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CreateChangeBody>,
) -> AppResult<(StatusCode, Json<ChangeOut>)> {
    let c = service::create_change(&state, &actor, &body.change, &body.item_ids).await?;
    let row = service::change(&state, &actor, c.id).await?;
    Ok((StatusCode::CREATED, Json(ChangeOut::of(&row))))
}

/// Edits an entry (leads; a published one by those who may publish, checked for personal data
/// again). A stale `version` answers 409.
#[utoipa::path(put, path = "/feedback/changes/{id}", tag = "feedback", request_body = UpdateChangeBody,
    params(("id" = Uuid, Path, description = "Entry id")),
    responses((status = 200, body = ChangeOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_change(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<UpdateChangeBody>,
) -> AppResult<Json<ChangeOut>> {
    service::update_change(&state, &actor, id, version(body.version)?, &body.change).await?;
    Ok(Json(ChangeOut::of(&service::change(&state, &actor, id).await?)))
}

/// Publishes an entry on the public board or takes it down (directors, quality leads,
/// administrators). Publishing refuses text with an e-mail address, a phone number or the name of
/// anyone linked to the cited feedback (422, naming what was found).
#[utoipa::path(post, path = "/feedback/changes/{id}/publish", tag = "feedback", request_body = PublishBody,
    params(("id" = Uuid, Path, description = "Entry id")),
    responses((status = 200, body = ChangeOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn publish_change(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<PublishBody>,
) -> AppResult<Json<ChangeOut>> {
    service::set_published(&state, &actor, id, version(body.version)?, body.published).await?;
    Ok(Json(ChangeOut::of(&service::change(&state, &actor, id).await?)))
}
