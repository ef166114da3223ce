//! Opportunities, peer-support aims and the welcoming environment (CSE 7.01, 7.03 / CA-CSE 7.01, 7.02, 7.04): JSON API.
//! Every call goes through `crate::voice::community`, like the pages.

use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::db::entities::{opportunity, welcome_review};
use crate::domain::community::{
    AimSubject, OpportunityInput, OpportunityKind, OpportunityStatus, PeerAim, Period, ReviewStanding, WelcomeAnswer,
    WelcomeItem, WelcomeReviewInput,
};
use crate::error::{AppError, AppResult};
use crate::voice::community::{self as service, PersonCounts, ProgramCounts, Spread, StatusChange};
use crate::web::community::{UPLOAD_BODY_LIMIT, photo_response, receive_review};
use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new().routes(routes!(add_photos)).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT));
    OpenApiRouter::new()
        .routes(routes!(list_opportunities, create_opportunity))
        .routes(routes!(update_opportunity))
        .routes(routes!(change_status))
        .routes(routes!(opportunity_counts))
        .routes(routes!(get_aims, put_aims))
        .routes(routes!(aims_spread))
        .routes(routes!(welcome_sites))
        .routes(routes!(site_reviews, create_review))
        .routes(routes!(get_review))
        .routes(routes!(get_photo))
        .merge(uploads)
}

type Envelope = crate::web::errors::ErrorEnvelope;

// ---------- opportunities ----------

#[derive(Serialize, ToSchema)]
pub struct OpportunityOut {
    pub id: Uuid,
    pub person_id: Uuid,
    pub program_id: Option<Uuid>,
    pub kind: OpportunityKind,
    /// `recovery-community`, `local-community` or `skills`.
    pub group: crate::domain::community::OpportunityGroup,
    pub status: OpportunityStatus,
    pub title: String,
    pub description: Option<String>,
    pub offered_on: Date,
    pub taken_on: Option<Date>,
    pub completed_on: Option<Date>,
    pub hours: Option<f64>,
    pub aims: Vec<PeerAim>,
    pub recorded_by: Uuid,
    /// Send it back with `PUT` (409 if it changed since).
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

fn opportunity_out(o: &opportunity::Model, aims: Vec<PeerAim>) -> AppResult<OpportunityOut> {
    let kind = OpportunityKind::parse(&o.kind)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown stored kind {:?}", o.kind)))?;
    Ok(OpportunityOut {
        id: o.id,
        person_id: o.person_id,
        program_id: o.program_id,
        kind,
        group: kind.group(),
        status: OpportunityStatus::parse(&o.status)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown stored status {:?}", o.status)))?,
        title: o.title.clone(),
        description: o.description.clone(),
        offered_on: o.offered_on,
        taken_on: o.taken_on,
        completed_on: o.completed_on,
        hours: o.hours,
        aims,
        recorded_by: o.recorded_by,
        version: o.version,
        updated_at: o.updated_at,
    })
}

#[derive(Serialize, ToSchema)]
pub struct PersonOpportunitiesOut {
    pub person_id: Uuid,
    pub counts: PersonCounts,
    /// Whether the caller may add and change them.
    pub may_edit: bool,
    /// Newest first.
    pub opportunities: Vec<OpportunityOut>,
}

/// A person's opportunities with their counts (opening them is an audited view of the record).
#[utoipa::path(get, path = "/people/{id}/opportunities", tag = "community",
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = PersonOpportunitiesOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn list_opportunities(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<PersonOpportunitiesOut>> {
    let mut o = service::person_opportunities(&state, &actor, id).await?;
    let opportunities = o
        .rows
        .iter()
        .map(|r| opportunity_out(r, o.aims.remove(&r.id).unwrap_or_default()))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Json(PersonOpportunitiesOut { person_id: id, counts: o.counts, may_edit: o.may_edit, opportunities }))
}

/// A new opportunity, with the aims it serves.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct OpportunityBody {
    #[serde(flatten)]
    pub opportunity: OpportunityInput,
    /// Aim codes, e.g. `["wellness", "self-efficacy"]`.
    pub aims: Vec<String>,
}

/// Records an opportunity offered to or taken by a person (those who may edit the person's record).
#[utoipa::path(post, path = "/people/{id}/opportunities", tag = "community", request_body = OpportunityBody,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 201, body = OpportunityOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn create_opportunity(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<OpportunityBody>,
) -> AppResult<(StatusCode, Json<OpportunityOut>)> {
    let saved = service::add_opportunity(&state, &actor, id, &body.opportunity, &body.aims).await?;
    let aims = service::stored_aims(state.db.conn(), actor.org_id, AimSubject::Opportunity, saved.id).await?;
    Ok((StatusCode::CREATED, Json(opportunity_out(&saved, aims)?)))
}

/// Every field of an opportunity, made against `version`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct OpportunityUpdateBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub opportunity: OpportunityInput,
}

/// Replaces an opportunity's details; a stale `version` answers 409.
#[utoipa::path(put, path = "/people/{id}/opportunities/{opportunity_id}", tag = "community",
    request_body = OpportunityUpdateBody,
    params(("id" = Uuid, Path, description = "Person id"), ("opportunity_id" = Uuid, Path, description = "Opportunity id")),
    responses((status = 200, body = OpportunityOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_opportunity(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, opportunity_id)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<OpportunityUpdateBody>,
) -> AppResult<Json<OpportunityOut>> {
    let version = super::intake::required_version(body.version)?;
    let saved = service::update_opportunity(&state, &actor, id, opportunity_id, version, &body.opportunity).await?;
    let aims = service::stored_aims(state.db.conn(), actor.org_id, AimSubject::Opportunity, saved.id).await?;
    Ok(Json(opportunity_out(&saved, aims)?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct StatusBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub change: StatusChange,
}

/// Moves an opportunity to another status (`taken` or `completed` on the day `on`, or `declined`).
#[utoipa::path(post, path = "/people/{id}/opportunities/{opportunity_id}/status", tag = "community",
    request_body = StatusBody,
    params(("id" = Uuid, Path, description = "Person id"), ("opportunity_id" = Uuid, Path, description = "Opportunity id")),
    responses((status = 200, body = OpportunityOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn change_status(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, opportunity_id)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<StatusBody>,
) -> AppResult<Json<OpportunityOut>> {
    let version = super::intake::required_version(body.version)?;
    let saved = service::change_status(&state, &actor, id, opportunity_id, version, &body.change).await?;
    let aims = service::stored_aims(state.db.conn(), actor.org_id, AimSubject::Opportunity, saved.id).await?;
    Ok(Json(opportunity_out(&saved, aims)?))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PeriodQuery {
    /// First day (YYYY-MM-DD); twelve months before `to` when left out.
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD); today when left out.
    pub to: Option<String>,
    /// One program only.
    pub program_id: Option<Uuid>,
}

impl PeriodQuery {
    async fn period(&self, state: &AppState, org_id: Uuid) -> AppResult<Period> {
        let org = crate::db::org::get(state.db.conn(), org_id).await?.ok_or(AppError::NotFound)?;
        let today = crate::app::local_date(&org.time_zone, state.clock.now());
        Period::parse(self.from.as_deref(), self.to.as_deref(), today).map_err(AppError::Invalid)
    }
}

#[derive(Serialize, ToSchema)]
pub struct CountsOut {
    pub from: Date,
    pub to: Date,
    /// The organisation first (no `program_id`) unless one program was asked for, then each program.
    pub programs: Vec<ProgramCounts>,
}

/// People offered and taking part in opportunities over a period, by program and kind, and the
/// share of people served who took part in any (no person is named).
#[utoipa::path(get, path = "/voice/opportunities/counts", tag = "community", params(PeriodQuery),
    responses((status = 200, body = CountsOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn opportunity_counts(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Json<CountsOut>> {
    let period = q.period(&state, actor.org_id).await?;
    let report = service::opportunity_counts(&state, &actor, q.program_id, period).await?;
    Ok(Json(CountsOut { from: period.from, to: period.to, programs: report.rows }))
}

// ---------- aims ----------

#[derive(Serialize, ToSchema)]
pub struct AimsOut {
    /// `contact`, `group`, `group_session` or `opportunity`.
    pub subject_kind: AimSubject,
    pub subject_id: Uuid,
    pub aims: Vec<PeerAim>,
    pub may_edit: bool,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AimsBody {
    /// Aim codes; an empty list clears them.
    pub aims: Vec<String>,
}

fn subject(kind: &str) -> AppResult<AimSubject> {
    AimSubject::parse(kind).ok_or(AppError::NotFound)
}

/// The aims a contact, group, group session or opportunity serves.
#[utoipa::path(get, path = "/voice/aims/{kind}/{id}", tag = "community",
    params(("kind" = String, Path, description = "`contact`, `group`, `group_session` or `opportunity`"),
           ("id" = Uuid, Path, description = "Its id")),
    responses((status = 200, body = AimsOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_aims(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((kind, id)): Path<(String, Uuid)>,
) -> AppResult<Json<AimsOut>> {
    let v = service::aims(&state, &actor, subject(&kind)?, id).await?;
    Ok(Json(AimsOut { subject_kind: v.subject, subject_id: v.subject_id, aims: v.aims, may_edit: v.may_edit }))
}

/// Replaces the aims of a contact, group, group session or opportunity (whoever may edit it).
#[utoipa::path(put, path = "/voice/aims/{kind}/{id}", tag = "community", request_body = AimsBody,
    params(("kind" = String, Path, description = "`contact`, `group`, `group_session` or `opportunity`"),
           ("id" = Uuid, Path, description = "Its id")),
    responses((status = 200, body = AimsOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn put_aims(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((kind, id)): Path<(String, Uuid)>,
    ApiJson(body): ApiJson<AimsBody>,
) -> AppResult<Json<AimsOut>> {
    let subject = subject(&kind)?;
    let aims = service::set_aims(&state, &actor, subject, id, &body.aims).await?;
    Ok(Json(AimsOut { subject_kind: subject, subject_id: id, aims, may_edit: true }))
}

/// The spread across the aims for a period: per kind of activity, how many carry each aim and
/// how many are untagged.
#[utoipa::path(get, path = "/voice/aims/spread", tag = "community", params(PeriodQuery),
    responses((status = 200, body = Spread), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn aims_spread(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Json<Spread>> {
    let period = q.period(&state, actor.org_id).await?;
    Ok(Json(service::aims_spread(&state, &actor, q.program_id, period).await?))
}

// ---------- welcoming environment ----------

#[derive(Serialize, ToSchema)]
pub struct ReviewSummaryOut {
    pub id: Uuid,
    pub site_id: Uuid,
    pub reviewed_on: Date,
    pub reviewed_by: Uuid,
    pub reviewed_by_name: String,
    pub participants: i32,
    /// Met items count whole, partly met half, over the items that apply (0–1).
    pub score: Option<f64>,
    pub met: usize,
    pub partly: usize,
    pub not_met: usize,
    pub photos: usize,
    pub next_review_on: Date,
    pub version: i32,
}

fn summary_out(s: &service::ReviewSummary) -> ReviewSummaryOut {
    ReviewSummaryOut {
        id: s.review.id,
        site_id: s.review.site_id,
        reviewed_on: s.review.reviewed_on,
        reviewed_by: s.review.reviewed_by,
        reviewed_by_name: s.reviewer.clone(),
        participants: s.review.participants,
        score: s.score,
        met: s.met,
        partly: s.partly,
        not_met: s.not_met,
        photos: s.photos,
        next_review_on: s.review.next_review_on,
        version: s.review.version,
    }
}

#[derive(Serialize, ToSchema)]
pub struct SiteWelcomeOut {
    pub site_id: Uuid,
    pub name: String,
    pub active: bool,
    pub last_review: Option<ReviewSummaryOut>,
    /// When the next review falls due (None when never reviewed).
    pub due_on: Option<Date>,
    /// Never reviewed, or due today or earlier.
    pub overdue: bool,
    pub reviews: usize,
}

fn due(s: &ReviewStanding) -> (Option<Date>, bool) {
    match s {
        ReviewStanding::Never => (None, true),
        ReviewStanding::Current(d) => (Some(*d), false),
        ReviewStanding::Overdue(d) => (Some(*d), true),
    }
}

/// Every site with its last welcoming-environment review and when the next falls due.
#[utoipa::path(get, path = "/voice/welcome", tag = "community",
    responses((status = 200, body = Vec<SiteWelcomeOut>), (status = 403, body = Envelope)))]
async fn welcome_sites(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<Json<Vec<SiteWelcomeOut>>> {
    let w = service::welcome_sites(&state, &actor).await?;
    Ok(Json(
        w.sites
            .iter()
            .map(|s| {
                let (due_on, overdue) = due(&s.standing);
                SiteWelcomeOut {
                    site_id: s.site.id,
                    name: s.site.name.clone(),
                    active: s.site.active,
                    last_review: s.last.as_ref().map(summary_out),
                    due_on,
                    overdue,
                    reviews: s.reviews,
                }
            })
            .collect(),
    ))
}

/// A site's reviews, newest first.
#[utoipa::path(get, path = "/voice/welcome/{site_id}/reviews", tag = "community",
    params(("site_id" = Uuid, Path, description = "Site id")),
    responses((status = 200, body = Vec<ReviewSummaryOut>), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn site_reviews(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(site_id): Path<Uuid>,
) -> AppResult<Json<Vec<ReviewSummaryOut>>> {
    let h = service::site_history(&state, &actor, site_id).await?;
    Ok(Json(h.reviews.iter().map(summary_out).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct CheckOut {
    pub item: WelcomeItem,
    pub answer: WelcomeAnswer,
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PhotoOut {
    pub id: Uuid,
    pub caption: Option<String>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// Where to fetch it with the same credentials.
    pub download_url: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewOut {
    #[serde(flatten)]
    pub summary: ReviewSummaryOut,
    pub site_name: String,
    pub notes: Option<String>,
    pub follow_up: Option<String>,
    pub checks: Vec<CheckOut>,
    pub photos: Vec<PhotoOut>,
}

fn photo_out(review_id: Uuid, p: &service::PhotoHead) -> PhotoOut {
    PhotoOut {
        id: p.id,
        caption: p.caption.clone(),
        filename: p.filename.clone(),
        content_type: p.content_type.clone(),
        size: p.size,
        sha256: p.sha256.clone(),
        download_url: format!("/api/v1/voice/welcome/reviews/{review_id}/photos/{}", p.id),
    }
}

async fn review_out(state: &AppState, actor: &crate::access::Actor, id: Uuid) -> AppResult<ReviewOut> {
    let d = service::review(state, actor, id).await?;
    Ok(ReviewOut {
        summary: summary_out(&d.summary),
        site_name: d.site.name.clone(),
        notes: d.summary.review.notes.clone(),
        follow_up: d.summary.review.follow_up.clone(),
        checks: d
            .checks
            .iter()
            .map(|(item, answer, note)| CheckOut { item: *item, answer: *answer, note: note.clone() })
            .collect(),
        photos: d.photos.iter().map(|p| photo_out(id, p)).collect(),
    })
}

/// One review with its checklist answers and its photos (listed with download addresses).
#[utoipa::path(get, path = "/voice/welcome/reviews/{id}", tag = "community",
    params(("id" = Uuid, Path, description = "Review id")),
    responses((status = 200, body = ReviewOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_review(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<ReviewOut>> {
    Ok(Json(review_out(&state, &actor, id).await?))
}

/// Records a site's review (JSON, without photos: add them with the photos endpoint). Every
/// checklist item must be answered; a `not-met` item needs a note.
#[utoipa::path(post, path = "/voice/welcome/{site_id}/reviews", tag = "community", request_body = WelcomeReviewInput,
    params(("site_id" = Uuid, Path, description = "Site id")),
    responses((status = 201, body = ReviewOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn create_review(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(site_id): Path<Uuid>,
    ApiJson(body): ApiJson<WelcomeReviewInput>,
) -> AppResult<(StatusCode, Json<ReviewOut>)> {
    let saved: welcome_review::Model = service::create_review(&state, &actor, site_id, &body, Vec::new()).await?;
    Ok((StatusCode::CREATED, Json(review_out(&state, &actor, saved.id).await?)))
}

/// The multipart form of review photos.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PhotosForm {
    /// PNG, JPEG or WebP, at most 5 MB each, known by its content; repeat the part for several.
    #[schema(value_type = Vec<String>, format = Binary)]
    photo: Vec<Vec<u8>>,
    /// What each photo shows, in the same order (optional).
    caption: Vec<String>,
}

/// Adds photos to a review (multipart/form-data, parts `photo` and `caption`), up to six per
/// review. Refused with 422 naming `photo-N` when one is over 5 MB or not an image, or `photos`
/// when there would be more than six.
#[utoipa::path(post, path = "/voice/welcome/reviews/{id}/photos", tag = "community",
    request_body(content = PhotosForm, content_type = "multipart/form-data"),
    params(("id" = Uuid, Path, description = "Review id")),
    responses((status = 201, body = Vec<PhotoOut>), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 413, body = Envelope), (status = 422, body = Envelope)))]
async fn add_photos(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    multipart: Multipart,
) -> AppResult<(StatusCode, Json<Vec<PhotoOut>>)> {
    if !service::may_review(&actor) {
        // Refused (and recorded) before the photos are read.
        service::add_photos(&state, &actor, id, Vec::new()).await?;
        return Err(AppError::Forbidden);
    }
    let received = receive_review(multipart).await?;
    let heads = service::add_photos(&state, &actor, id, received.photos).await?;
    Ok((StatusCode::CREATED, Json(heads.iter().map(|p| photo_out(id, p)).collect())))
}

/// A review photo's bytes.
#[utoipa::path(get, path = "/voice/welcome/reviews/{id}/photos/{photo_id}", tag = "community",
    params(("id" = Uuid, Path, description = "Review id"), ("photo_id" = Uuid, Path, description = "Photo id")),
    responses((status = 200, description = "The photo", content_type = "image/*"), (status = 403, body = Envelope),
              (status = 404, body = Envelope)))]
async fn get_photo(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, photo_id)): Path<(Uuid, Uuid)>,
) -> AppResult<Response> {
    Ok(photo_response(service::photo(&state, &actor, id, photo_id).await?))
}
