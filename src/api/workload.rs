//! Workload over JSON (CSE 2.08): the team's workload, one staff member's workload with their
//! reviews, recording a workload review, and the organisation's personnel settings. Every call
//! goes through `crate::personnel::workload`, like the pages.

use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::domain::codes::UiLanguage;
use crate::domain::personnel::{GapPolicy, OverThreshold, WorkloadDecision, WorkloadRules};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::personnel::Settings;
use crate::personnel::workload::{
    self, PersonnelSettingsInput, SortBy, WorkerLoad, WorkloadMeasures, WorkloadReviewInput,
};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(team_workload))
        .routes(routes!(staff_workload))
        .routes(routes!(add_review))
        .routes(routes!(get_settings, put_settings))
}

type Envelope = crate::web::errors::ErrorEnvelope;

// ---------- shapes ----------

/// What one worker carries today.
#[derive(Serialize, ToSchema)]
pub struct WorkloadOut {
    pub staff_id: Uuid,
    pub name: String,
    /// People on their caseload (open enrolments where they are the worker), each once.
    pub people: i32,
    pub people_high: i32,
    pub people_moderate: i32,
    pub people_low: i32,
    pub contacts_last_30_days: i32,
    /// Active groups they facilitate.
    pub groups: i32,
    /// Referrals assigned to them that still need follow-up.
    pub open_referrals: i32,
    /// People weighted by need level with the organisation's weights.
    pub weighted_caseload: f64,
    /// Thresholds exceeded.
    pub over: Vec<OverThreshold>,
    /// The same in words (English).
    pub over_text: Vec<String>,
    pub last_review_on: Option<Date>,
    /// The last review's next date, or today when there has been none.
    pub review_due_on: Date,
    /// The review is due today or earlier.
    pub review_overdue: bool,
}

fn limit(o: OverThreshold, r: &WorkloadRules) -> String {
    match o {
        OverThreshold::WeightedCaseload => crate::web::workload::number(r.max_weighted_caseload),
        OverThreshold::Contacts => r.max_contacts_per_month.to_string(),
        OverThreshold::Groups => r.max_groups.to_string(),
        OverThreshold::Referrals => r.max_open_referrals.to_string(),
    }
}

impl WorkloadOut {
    fn new(w: &WorkerLoad, rules: &WorkloadRules) -> WorkloadOut {
        let tr = Tr::new(UiLanguage::En);
        WorkloadOut {
            staff_id: w.staff.id,
            name: w.staff.display_name.clone(),
            people: w.counts.people(),
            people_high: w.counts.people_high,
            people_moderate: w.counts.people_moderate,
            people_low: w.counts.people_low,
            contacts_last_30_days: w.counts.contacts_last_30_days,
            groups: w.counts.groups,
            open_referrals: w.counts.open_referrals,
            weighted_caseload: w.weighted,
            over: w.over.clone(),
            over_text: w.over.iter().map(|o| tr.t1(o.message_id(), "limit", limit(*o, rules))).collect(),
            last_review_on: w.last_review.as_ref().map(|r| r.reviewed_on),
            review_due_on: w.review_due_on,
            review_overdue: w.review_overdue,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TeamWorkloadOut {
    pub today: Date,
    /// The weights and thresholds applied.
    pub rules: WorkloadRules,
    pub workers: Vec<WorkloadOut>,
}

/// A dated workload review with the measures as they stood.
#[derive(Serialize, ToSchema)]
pub struct WorkloadReviewOut {
    pub id: Uuid,
    pub staff_id: Uuid,
    pub reviewed_on: Date,
    pub reviewed_by: Uuid,
    pub reviewed_by_name: String,
    pub decision: WorkloadDecision,
    pub notes: Option<String>,
    pub next_review_on: Date,
    pub measures: Option<WorkloadMeasures>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl WorkloadReviewOut {
    fn new(r: &crate::db::entities::workload_review::Model, by: &str) -> AppResult<WorkloadReviewOut> {
        Ok(WorkloadReviewOut {
            id: r.id,
            staff_id: r.staff_id,
            reviewed_on: r.reviewed_on,
            reviewed_by: r.reviewed_by,
            reviewed_by_name: by.to_string(),
            decision: WorkloadDecision::parse(&r.decision)
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown stored decision {:?}", r.decision)))?,
            notes: r.notes.clone(),
            next_review_on: r.next_review_on,
            measures: WorkloadMeasures::parse(&r.measures),
            created_at: r.created_at,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct StaffWorkloadOut {
    pub workload: WorkloadOut,
    pub rules: WorkloadRules,
    /// Whether the caller may record a review (their supervisor, the director, an administrator).
    pub may_review: bool,
    /// Newest first.
    pub reviews: Vec<WorkloadReviewOut>,
}

/// The organisation's personnel settings (defaults until saved, `version` 0).
#[derive(Serialize, ToSchema)]
pub struct PersonnelSettingsOut {
    pub gap_policy: GapPolicy,
    pub supervision_days: i64,
    pub mentoring_days: i64,
    pub in_service_months: i64,
    pub pre_service_grace_days: i64,
    pub weight_high: f64,
    pub weight_moderate: f64,
    pub weight_low: f64,
    pub max_weighted_caseload: f64,
    pub max_contacts_per_month: i32,
    pub max_groups: i32,
    pub max_open_referrals: i32,
    pub review_months: i32,
    /// Send it with `PUT`.
    pub version: i32,
}

impl PersonnelSettingsOut {
    fn new(s: &Settings) -> PersonnelSettingsOut {
        PersonnelSettingsOut {
            gap_policy: s.gap_policy,
            supervision_days: s.intervals.supervision_days,
            mentoring_days: s.intervals.mentoring_days,
            in_service_months: s.intervals.in_service_months,
            pre_service_grace_days: s.intervals.pre_service_grace_days,
            weight_high: s.workload.weight_high,
            weight_moderate: s.workload.weight_moderate,
            weight_low: s.workload.weight_low,
            max_weighted_caseload: s.workload.max_weighted_caseload,
            max_contacts_per_month: s.workload.max_contacts_per_month,
            max_groups: s.workload.max_groups,
            max_open_referrals: s.workload.max_open_referrals,
            review_months: s.workload.review_months,
            version: s.version,
        }
    }
}

/// New settings made against `version` (send every field).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PersonnelSettingsBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub settings: PersonnelSettingsInput,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct TeamWorkloadQuery {
    /// `weighted` (heaviest first, the default), `name` or `review` (review due first).
    pub sort: Option<String>,
}

// ---------- handlers ----------

/// Workload for everyone the caller sees on team views who carries work, in one answer.
#[utoipa::path(get, path = "/team/workload", tag = "workload", params(TeamWorkloadQuery),
    responses((status = 200, body = TeamWorkloadOut), (status = 403, body = Envelope)))]
async fn team_workload(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<TeamWorkloadQuery>,
) -> AppResult<Json<TeamWorkloadOut>> {
    let team = workload::team_workload(&state, &actor, SortBy::parse(q.sort.as_deref())).await?;
    Ok(Json(TeamWorkloadOut {
        today: team.today,
        rules: team.rules,
        workers: team.rows.iter().map(|w| WorkloadOut::new(w, &team.rules)).collect(),
    }))
}

/// One staff member's workload, thresholds and reviews.
#[utoipa::path(get, path = "/team/{id}/workload", tag = "workload",
    params(("id" = Uuid, Path, description = "Staff member id")),
    responses((status = 200, body = StaffWorkloadOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn staff_workload(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<StaffWorkloadOut>> {
    let w = workload::staff_workload(&state, &actor, id).await?;
    let reviews = w
        .reviews
        .iter()
        .map(|r| WorkloadReviewOut::new(r, w.reviewer_names.get(&r.reviewed_by).map_or("", String::as_str)))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Json(StaffWorkloadOut {
        workload: WorkloadOut::new(&w.load, &w.rules),
        rules: w.rules,
        may_review: w.may_review,
        reviews,
    }))
}

/// Records a workload review (their supervisor, the director over their programs, an
/// administrator). The measures as they stand now are kept with it; `next_review_on` defaults to
/// the organisation's review interval after `reviewed_on`.
#[utoipa::path(post, path = "/team/{id}/workload/reviews", tag = "workload", request_body = WorkloadReviewInput,
    params(("id" = Uuid, Path, description = "Staff member id")),
    responses((status = 201, body = WorkloadReviewOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn add_review(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<WorkloadReviewInput>,
) -> AppResult<(StatusCode, Json<WorkloadReviewOut>)> {
    let review = workload::add_review(&state, &actor, id, &body).await?;
    Ok((StatusCode::CREATED, Json(WorkloadReviewOut::new(&review, &actor.display_name)?)))
}

/// The personnel settings (roles with team views, administrators and directors).
#[utoipa::path(get, path = "/team/settings", tag = "workload",
    responses((status = 200, body = PersonnelSettingsOut), (status = 403, body = Envelope)))]
async fn get_settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<Json<PersonnelSettingsOut>> {
    Ok(Json(PersonnelSettingsOut::new(&workload::read_settings(&state, &actor).await?)))
}

/// Replaces the personnel settings (administrators and program directors). A stale `version`
/// answers 409.
#[utoipa::path(put, path = "/team/settings", tag = "workload", request_body = PersonnelSettingsBody,
    responses((status = 200, body = PersonnelSettingsOut), (status = 403, body = Envelope), (status = 409, body = Envelope),
              (status = 422, body = Envelope)))]
async fn put_settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<PersonnelSettingsBody>,
) -> AppResult<Json<PersonnelSettingsOut>> {
    let version = super::intake::required_version(body.version)?;
    let saved = workload::update_settings(&state, &actor, version, &body.settings).await?;
    Ok(Json(PersonnelSettingsOut::new(&saved)))
}
