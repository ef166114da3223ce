//! Coaching over JSON: a person's coaching status and contact frequency, recovery/wellness plans
//! (versions, agreement, three-way merge of concurrent edits, diffs), contacts and progress notes
//! (drafts, signing, addenda, guardrail warnings), lapses, mutual aid, natural supports,
//! caseloads, the worklist, supervision counts and transfers. Every call goes through
//! `crate::coaching`, which checks access and audits.

use super::intake::{VersionBody, parsed_with_version, required_version, time_zone};
use super::{ApiActor, ApiJson};
use crate::access::Action;
use crate::app::{AppState, local_date};
use crate::coaching::{self, CaseloadItem, ContactInput, NewPlan, PlanSave, WorkerCounts};
use crate::db;
use crate::db::entities::{
    caseload_transfer, coaching_contact, coaching_status, contact_addendum, enrolment, lapse, mutual_aid_connection,
    natural_support, recovery_plan, recovery_plan_version,
};
use crate::domain::coaching::{
    self as rules, Agreement, AgreementInput, CoachingActivity, ContactFrequency, ContactMode, ContactSetting, Due,
    Fellowship, GoalProgress, LapseInput, LifeDomain, MergeConflict, MutualAidHelp, MutualAidInput, NoteStatus,
    PlanChange, PlanContent, PlanStatus, PlanVersionKind, ProfileInput, RecoveryStage, SupportEngagement, SupportInput,
    SupportRelationship,
};
use crate::domain::codes::{TextCode, UiLanguage};
use crate::domain::guardrails::GuardrailWarning;
use crate::error::{AppError, AppResult};
use crate::records;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_coaching))
        .routes(routes!(save_profile))
        .routes(routes!(list_plans, start_plan))
        .routes(routes!(get_plan, save_plan))
        .routes(routes!(agree_plan))
        .routes(routes!(plan_diff))
        .routes(routes!(list_contacts, log_contact))
        .routes(routes!(get_contact, update_contact))
        .routes(routes!(sign_contact))
        .routes(routes!(add_addendum))
        .routes(routes!(list_lapses, record_lapse))
        .routes(routes!(list_mutual_aid, add_mutual_aid))
        .routes(routes!(update_mutual_aid))
        .routes(routes!(list_supports, add_support))
        .routes(routes!(update_support))
        .routes(routes!(get_caseload))
        .routes(routes!(get_worklist))
        .routes(routes!(get_supervision))
        .routes(routes!(list_transfers, transfer))
}

type Envelope = crate::web::errors::ErrorEnvelope;

// ---------- helpers ----------

/// A closed-list code as stored; the database's CHECK constraints make anything else a fault.
fn code<T: TextCode>(stored: &str) -> AppResult<T> {
    T::parse(stored).ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown stored code {stored:?}")))
}

fn uuid_list(stored: &str) -> Vec<Uuid> {
    stored.split(';').filter_map(|s| Uuid::parse_str(s.trim()).ok()).collect()
}

// ---------- a person's coaching status ----------

/// The open plan in a few words.
#[derive(Serialize, ToSchema)]
pub struct PlanHead {
    pub id: Uuid,
    pub person_id: Uuid,
    pub program_id: Option<Uuid>,
    /// A family plan, with household members taking part.
    pub family: bool,
    pub status: PlanStatus,
    /// The number of the agreed version this working copy is, or will become (1 for the first
    /// plan, 2 for the first review, …).
    pub number: i32,
    pub started_on: Date,
    pub last_agreed_on: Option<Date>,
    /// When the plan must next be reviewed (at most 90 days after agreement).
    pub review_due_on: Option<Date>,
    /// Send it with edits and agreement.
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl PlanHead {
    fn new(p: &recovery_plan::Model) -> AppResult<PlanHead> {
        Ok(PlanHead {
            id: p.id,
            person_id: p.person_id,
            program_id: p.program_id,
            family: p.family,
            status: code(&p.status)?,
            number: p.number,
            started_on: p.started_on,
            last_agreed_on: p.last_agreed_on,
            review_due_on: p.review_due_on,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct GoalSummaryOut {
    pub id: Uuid,
    pub domain: LifeDomain,
    pub in_own_words: String,
    pub progress: GoalProgress,
}

/// A plan with its goals in brief (lists and the coaching status).
#[derive(Serialize, ToSchema)]
pub struct PlanSummaryOut {
    #[serde(flatten)]
    pub plan: PlanHead,
    pub goals: Vec<GoalSummaryOut>,
}

impl PlanSummaryOut {
    fn new(p: &recovery_plan::Model) -> AppResult<PlanSummaryOut> {
        let goals = coaching::content_of(&p.content)?
            .goals
            .into_iter()
            .map(|g| GoalSummaryOut { id: g.id, domain: g.domain, in_own_words: g.in_own_words, progress: g.progress })
            .collect();
        Ok(PlanSummaryOut { plan: PlanHead::new(p)?, goals })
    }
}

/// Where a person's coaching stands today.
#[derive(Serialize, ToSchema)]
pub struct CoachingOut {
    pub person_id: Uuid,
    /// The coaching profile's version (0 until it is first saved); send it with
    /// `PUT /people/{id}/coaching/profile`.
    pub version: i32,
    /// The least often the person is contacted.
    pub frequency: ContactFrequency,
    /// What the stage and monitoring suggest (weekly when monitoring is raised).
    pub suggested_frequency: ContactFrequency,
    pub stage: Option<RecoveryStage>,
    /// Raised monitoring after a risk or trauma disclosure (4.03): weekly contact.
    pub monitoring_raised: bool,
    /// Why the frequency was chosen.
    pub reason: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_contact_at: Option<OffsetDateTime>,
    /// The last contact's day in the organisation's time zone.
    pub last_contact_on: Option<Date>,
    pub days_since_contact: Option<i64>,
    /// When the next contact is due (from the last contact, or from the start of the enrolment
    /// when there has been none). Absent without an open enrolment or contact.
    pub contact_due_on: Option<Date>,
    /// How that date stands today: `later`, `{"soon": days left}` or `{"overdue": days}`.
    pub contact: Option<Due>,
    pub plan_review_due_on: Option<Date>,
    /// How the plan review stands today (14 days' look-ahead).
    pub plan_review: Option<Due>,
    /// The lapse not yet followed by a re-engagement contact.
    pub open_lapse_id: Option<Uuid>,
    pub open_lapse_on: Option<Date>,
    /// The plan in use (not closed), if any.
    pub plan: Option<PlanSummaryOut>,
    /// Whether the caller may change this person's coaching records.
    pub can_edit: bool,
    /// Today in the organisation's time zone (what the due states are counted from).
    pub today: Date,
}

fn coaching_out(
    person_id: Uuid,
    status: Option<coaching_status::Model>,
    plan: Option<&recovery_plan::Model>,
    enrolments: &[enrolment::Model],
    tz: &str,
    today: Date,
    can_edit: bool,
) -> AppResult<CoachingOut> {
    let stage = match status.as_ref().and_then(|s| s.stage.as_deref()) {
        Some(s) => Some(code::<RecoveryStage>(s)?),
        None => None,
    };
    let frequency = match &status {
        Some(s) => code::<ContactFrequency>(&s.frequency)?,
        None => ContactFrequency::Monthly,
    };
    let monitoring_raised = status.as_ref().is_some_and(|s| s.monitoring_raised);
    let last_contact_at = status.as_ref().and_then(|s| s.last_contact_at);
    let last_contact_on = last_contact_at.map(|at| local_date(tz, at));
    // Nobody contacted yet: due from the day the earliest open enrolment started, as on the caseload.
    let started_on = enrolments.iter().filter(|e| e.ended_on.is_none()).map(|e| e.started_on).min();
    let contact_due_on = status
        .as_ref()
        .and_then(|s| s.contact_due_on)
        .or_else(|| started_on.filter(|_| last_contact_at.is_none()).map(|d| rules::next_contact_due(d, frequency)));
    let plan_review_due_on = status.as_ref().and_then(|s| s.plan_review_due_on);
    Ok(CoachingOut {
        person_id,
        version: status.as_ref().map_or(0, |s| s.version),
        frequency,
        suggested_frequency: rules::suggested_frequency(stage, monitoring_raised),
        stage,
        monitoring_raised,
        reason: status.as_ref().and_then(|s| s.reason.clone()),
        last_contact_at,
        last_contact_on,
        days_since_contact: last_contact_on.map(|d| (today - d).whole_days()),
        contact_due_on,
        contact: contact_due_on.map(|d| rules::due_status(d, today, coaching::DUE_WINDOW_DAYS)),
        plan_review_due_on,
        plan_review: plan_review_due_on.map(|d| rules::due_status(d, today, coaching::PLAN_WINDOW_DAYS)),
        open_lapse_id: status.as_ref().and_then(|s| s.open_lapse_id),
        open_lapse_on: status.as_ref().and_then(|s| s.open_lapse_on),
        plan: plan.map(PlanSummaryOut::new).transpose()?,
        can_edit,
        today,
    })
}

/// A person's coaching: frequency and stage, monitoring, last contact, next contact due, plan
/// review due, an open lapse and the open plan (the view is audited).
#[utoipa::path(get, path = "/people/{id}/coaching", tag = "coaching",
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = CoachingOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_coaching(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<CoachingOut>> {
    let tz = time_zone(&state, &actor).await?;
    let c = coaching::person_coaching(&state, &actor, id, 0).await?;
    let today = coaching::today(&state, &tz);
    Ok(Json(coaching_out(id, c.status, c.plan.as_ref(), &c.opened.enrolments, &tz, today, c.can_edit)?))
}

#[derive(Deserialize, ToSchema)]
pub struct ProfileBody {
    #[serde(flatten)]
    pub profile: ProfileInput,
    /// The coaching profile's version from `GET /people/{id}/coaching` (0 before the first save).
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Sets how often the person is contacted at least (`weekly`, `fortnightly`, `monthly`), their
/// stage of recovery and raised monitoring (which needs `weekly`). The next due date follows.
#[utoipa::path(put, path = "/people/{id}/coaching/profile", tag = "coaching", request_body = ProfileBody,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = CoachingOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn save_profile(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ProfileBody>,
) -> AppResult<Json<CoachingOut>> {
    // Access first: a caller who may not edit learns nothing from validation messages.
    let opened = records::open(&state, &actor, id, Action::EditPerson).await?;
    let (profile, version) = parsed_with_version(body.profile.validate(), body.version)?;
    let saved = coaching::save_profile(&state, &actor, id, version, &profile).await?;
    let tz = time_zone(&state, &actor).await?;
    let plan = db::coaching::open_plan(state.db.conn(), actor.org_id, id).await?;
    let today = coaching::today(&state, &tz);
    Ok(Json(coaching_out(id, Some(saved), plan.as_ref(), &opened.enrolments, &tz, today, true)?))
}

// ---------- plans ----------

/// An agreed version of a plan (or its closing at discharge).
#[derive(Serialize, ToSchema)]
pub struct PlanVersionOut {
    pub number: i32,
    pub kind: PlanVersionKind,
    pub agreed_on: Date,
    /// How the person agreed: `signature` or `verbal`.
    pub agreement: Agreement,
    pub signed_name: Option<String>,
    pub note: Option<String>,
    pub review_due_on: Option<Date>,
    pub recorded_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The plan as agreed.
    pub content: PlanContent,
}

impl PlanVersionOut {
    fn new(v: recovery_plan_version::Model) -> AppResult<PlanVersionOut> {
        Ok(PlanVersionOut {
            kind: code(&v.kind)?,
            agreement: code(&v.agreement)?,
            content: coaching::content_of(&v.content)?,
            number: v.number,
            agreed_on: v.agreed_on,
            signed_name: v.signed_name,
            note: v.agreement_note,
            review_due_on: v.review_due_on,
            recorded_by: v.recorded_by,
            created_at: v.created_at,
        })
    }
}

/// A plan: the working copy and its agreed versions, oldest first.
#[derive(Serialize, ToSchema)]
pub struct PlanOut {
    #[serde(flatten)]
    pub plan: PlanHead,
    /// The working copy.
    pub content: PlanContent,
    pub versions: Vec<PlanVersionOut>,
}

impl PlanOut {
    fn new(p: &recovery_plan::Model, versions: Vec<recovery_plan_version::Model>) -> AppResult<PlanOut> {
        Ok(PlanOut {
            plan: PlanHead::new(p)?,
            content: coaching::content_of(&p.content)?,
            versions: versions.into_iter().map(PlanVersionOut::new).collect::<AppResult<_>>()?,
        })
    }

    /// A plan just written (its versions read without another audited view).
    async fn load(state: &AppState, p: &recovery_plan::Model) -> AppResult<PlanOut> {
        let versions = db::coaching::plan_versions(state.db.conn(), p.org_id, p.id).await?;
        PlanOut::new(p, versions)
    }
}

/// A person's plans, newest first.
#[utoipa::path(get, path = "/people/{id}/plans", tag = "coaching",
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Vec<PlanSummaryOut>), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn list_plans(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<PlanSummaryOut>>> {
    let plans = coaching::plans(&state, &actor, id).await?;
    Ok(Json(plans.iter().map(PlanSummaryOut::new).collect::<AppResult<_>>()?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewPlanBody {
    /// A family plan: `content.household_member_ids` must name household members.
    #[serde(default)]
    pub family: bool,
    /// One of the person's open enrolments' programs; the first one when left out.
    #[serde(default)]
    pub program_id: Option<Uuid>,
    #[serde(default)]
    pub content: PlanContent,
}

/// Starts the person's recovery/wellness plan, a draft until they agree to it. It needs at least
/// one goal in the person's words (422 on `goals`); one plan is open at a time.
#[utoipa::path(post, path = "/people/{id}/plans", tag = "coaching", request_body = NewPlanBody,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 201, body = PlanOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn start_plan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<NewPlanBody>,
) -> AppResult<(StatusCode, Json<PlanOut>)> {
    let new = NewPlan { family: body.family, program_id: body.program_id, content: body.content };
    let plan = coaching::start_plan(&state, &actor, id, new).await?;
    Ok((StatusCode::CREATED, Json(PlanOut::new(&plan, Vec::new())?)))
}

/// One plan with its working copy and agreed versions (the view is audited).
#[utoipa::path(get, path = "/plans/{id}", tag = "coaching", params(("id" = Uuid, Path, description = "Plan id")),
    responses((status = 200, body = PlanOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_plan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<PlanOut>> {
    let view = coaching::plan(&state, &actor, id).await?;
    Ok(Json(PlanOut::new(&view.plan, view.versions)?))
}

#[derive(Deserialize, ToSchema)]
pub struct PlanSaveBody {
    /// The plan version the edit was based on.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    /// The whole working copy as edited.
    #[serde(default)]
    pub content: PlanContent,
}

/// The answer to an edit that clashed with one saved meanwhile. Nothing was saved.
#[derive(Serialize, ToSchema)]
pub struct PlanConflictOut {
    /// One item with the code `error-conflict`.
    pub errors: Vec<crate::web::errors::ErrorItem>,
    /// Both edits merged: what only one side changed is taken; where both changed the same part,
    /// the caller's text is kept.
    pub merged: PlanContent,
    /// The parts both changed, with the other writer's text (`theirs`) and the caller's (`mine`).
    pub conflicts: Vec<MergeConflict>,
    /// The plan's current version: reconcile `merged` and save it again with this version.
    pub version: i32,
}

/// Saves the working copy. An edit based on an older version is merged with what was saved since
/// when the two changed different parts; when they changed the same part the answer is 409 with
/// the merge and both texts. Editing an agreed plan starts its review (the next version number).
#[utoipa::path(put, path = "/plans/{id}", tag = "coaching", request_body = PlanSaveBody,
    params(("id" = Uuid, Path, description = "Plan id")),
    responses((status = 200, body = PlanOut),
              (status = 409, body = PlanConflictOut,
               description = "Both changed the same parts (`merged`, `conflicts`, `version`); or, with the plain \
                              envelope, the version the edit was based on is unknown"),
              (status = 403, body = Envelope), (status = 404, body = Envelope), (status = 422, body = Envelope)))]
async fn save_plan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<PlanSaveBody>,
) -> AppResult<Response> {
    let version = required_version(body.version)?;
    match coaching::save_plan(&state, &actor, id, version, body.content).await? {
        PlanSave::Saved(plan) => Ok(Json(PlanOut::load(&state, &plan).await?).into_response()),
        PlanSave::Conflict { merged, conflicts, version } => {
            let tr = crate::i18n::Tr::new(UiLanguage::En);
            let errors = vec![crate::web::errors::ErrorItem {
                field: None,
                detail: tr.t("error-conflict"),
                code: "error-conflict".into(),
            }];
            Ok((StatusCode::CONFLICT, Json(PlanConflictOut { errors, merged, conflicts, version })).into_response())
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct AgreementBody {
    #[serde(flatten)]
    pub agreement: AgreementInput,
    /// The plan version agreed to.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    /// Close the plan at discharge (needs `maintaining_gains` in the plan); no review falls due.
    #[serde(default)]
    pub discharge: bool,
}

/// Records the person's agreement (`signature` needs `signed_name`; `verbal` needs a `note`):
/// the working copy becomes an agreed version and the next review falls due (the program's
/// review interval, at most 90 days). With `discharge`, the plan closes instead.
#[utoipa::path(post, path = "/plans/{id}/agreement", tag = "coaching", request_body = AgreementBody,
    params(("id" = Uuid, Path, description = "Plan id")),
    responses((status = 200, body = PlanOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn agree_plan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<AgreementBody>,
) -> AppResult<Json<PlanOut>> {
    let version = required_version(body.version)?;
    let plan = coaching::agree_plan(&state, &actor, id, version, &body.agreement, body.discharge).await?;
    Ok(Json(PlanOut::load(&state, &plan).await?))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct DiffQuery {
    /// Agreed version number to compare from (0 = the working copy); the latest agreed version by
    /// default, or the working copy when none was agreed.
    pub from: Option<i32>,
    /// Agreed version number to compare to (0 = the working copy, the default).
    pub to: Option<i32>,
}

/// What changed between two versions of a plan, field by field and goal by goal.
#[utoipa::path(get, path = "/plans/{id}/diff", tag = "coaching", params(("id" = Uuid, Path, description = "Plan id"), DiffQuery),
    responses((status = 200, body = Vec<PlanChange>), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn plan_diff(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    Query(q): Query<DiffQuery>,
) -> AppResult<Json<Vec<PlanChange>>> {
    let from = match q.from {
        Some(from) => from,
        None => {
            let plan = db::coaching::plan(state.db.conn(), actor.org_id, id).await?.ok_or(AppError::NotFound)?;
            let versions = db::coaching::plan_versions(state.db.conn(), actor.org_id, plan.id).await?;
            versions.last().map_or(0, |v| v.number)
        }
    };
    let (_, changes) = coaching::plan_diff(&state, &actor, id, from, q.to.unwrap_or(0)).await?;
    Ok(Json(changes))
}

// ---------- contacts ----------

#[derive(Serialize, ToSchema)]
pub struct AddendumOut {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub text: String,
    pub written_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub written_at: OffsetDateTime,
}

impl From<contact_addendum::Model> for AddendumOut {
    fn from(a: contact_addendum::Model) -> Self {
        AddendumOut {
            id: a.id,
            contact_id: a.contact_id,
            text: a.text,
            written_by: a.written_by,
            written_at: a.written_at,
        }
    }
}

/// A contact and its progress note.
#[derive(Serialize, ToSchema)]
pub struct ContactOut {
    pub id: Uuid,
    pub person_id: Uuid,
    pub program_id: Option<Uuid>,
    /// Who met the person and wrote the note.
    pub worker_id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    /// The contact's day in the organisation's time zone.
    pub occurred_on: Date,
    pub minutes: i32,
    pub mode: ContactMode,
    pub setting: ContactSetting,
    /// Who else was there.
    pub present: Option<String>,
    pub activities: Vec<CoachingActivity>,
    /// Goals of the plan the contact worked on.
    pub goals: Vec<Uuid>,
    pub note: String,
    /// `draft` (its author may change it) or `signed` (changed only by addenda).
    pub status: NoteStatus,
    #[serde(with = "time::serde::rfc3339::option")]
    pub signed_at: Option<OffsetDateTime>,
    pub signed_by: Option<Uuid>,
    /// The lapse this contact re-engaged the person after.
    pub lapse_id: Option<Uuid>,
    /// Guardrail warnings about the note (never blocking): clinical, drug-testing, diagnosing,
    /// advice or doing-for, with the words that raised them.
    pub warnings: Vec<GuardrailWarning>,
    /// Corrections and later information, oldest first.
    pub addenda: Vec<AddendumOut>,
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl ContactOut {
    fn new(
        c: coaching_contact::Model,
        warnings: Vec<GuardrailWarning>,
        addenda: Vec<contact_addendum::Model>,
        tz: &str,
    ) -> AppResult<ContactOut> {
        Ok(ContactOut {
            occurred_on: local_date(tz, c.occurred_at),
            mode: code(&c.mode)?,
            setting: code(&c.setting)?,
            status: code(&c.status)?,
            activities: rules::split_codes(&c.activities),
            goals: uuid_list(&c.goals),
            warnings,
            addenda: addenda.into_iter().map(Into::into).collect(),
            id: c.id,
            person_id: c.person_id,
            program_id: c.program_id,
            worker_id: c.worker_id,
            occurred_at: c.occurred_at,
            minutes: c.minutes,
            present: c.present,
            note: c.note,
            signed_at: c.signed_at,
            signed_by: c.signed_by,
            lapse_id: c.lapse_id,
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        })
    }

    fn from_view(v: coaching::ContactView, tz: &str) -> AppResult<ContactOut> {
        ContactOut::new(v.contact, v.warnings, v.addenda, tz)
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct ContactsQuery {
    /// How many of the latest contacts (default 50, at most 500).
    pub limit: Option<u64>,
}

/// A person's contacts, newest first, with addenda and guardrail warnings (the view is audited).
#[utoipa::path(get, path = "/people/{id}/contacts", tag = "coaching",
    params(("id" = Uuid, Path, description = "Person id"), ContactsQuery),
    responses((status = 200, body = Vec<ContactOut>), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn list_contacts(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    Query(q): Query<ContactsQuery>,
) -> AppResult<Json<Vec<ContactOut>>> {
    let tz = time_zone(&state, &actor).await?;
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let c = coaching::person_coaching(&state, &actor, id, limit).await?;
    Ok(Json(c.contacts.into_iter().map(|v| ContactOut::from_view(v, &tz)).collect::<AppResult<_>>()?))
}

/// Logs a contact with its progress note (`sign: true` signs it at once). The note is checked
/// against the guardrails; warnings never block saving and come back in `warnings`. With
/// `reengagement: true` it closes the person's open lapse and records the days it took.
#[utoipa::path(post, path = "/people/{id}/contacts", tag = "coaching", request_body = ContactInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 201, body = ContactOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn log_contact(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ContactInput>,
) -> AppResult<(StatusCode, Json<ContactOut>)> {
    let tz = time_zone(&state, &actor).await?;
    let logged = coaching::log_contact(&state, &actor, id, &body).await?;
    Ok((StatusCode::CREATED, Json(ContactOut::new(logged.contact, logged.warnings, Vec::new(), &tz)?)))
}

/// One contact with its addenda (the view is audited).
#[utoipa::path(get, path = "/contacts/{id}", tag = "coaching", params(("id" = Uuid, Path, description = "Contact id")),
    responses((status = 200, body = ContactOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_contact(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<ContactOut>> {
    let tz = time_zone(&state, &actor).await?;
    let (view, _) = coaching::contact(&state, &actor, id).await?;
    Ok(Json(ContactOut::from_view(view, &tz)?))
}

#[derive(Deserialize, ToSchema)]
pub struct ContactDraftBody {
    #[serde(flatten)]
    pub contact: ContactInput,
    /// The contact's version.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Changes a draft note (its author only; `sign: true` also signs it). A signed note is refused
/// with 422 `error-note-signed`: add an addendum instead.
#[utoipa::path(put, path = "/contacts/{id}", tag = "coaching", request_body = ContactDraftBody,
    params(("id" = Uuid, Path, description = "Contact id")),
    responses((status = 200, body = ContactOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_contact(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ContactDraftBody>,
) -> AppResult<Json<ContactOut>> {
    let tz = time_zone(&state, &actor).await?;
    let version = required_version(body.version)?;
    let logged = coaching::update_draft(&state, &actor, id, version, &body.contact).await?;
    Ok(Json(ContactOut::new(logged.contact, logged.warnings, Vec::new(), &tz)?))
}

/// Signs a draft note as written (its author only); from then on it changes only by addenda.
#[utoipa::path(post, path = "/contacts/{id}/sign", tag = "coaching", request_body = VersionBody,
    params(("id" = Uuid, Path, description = "Contact id")),
    responses((status = 200, body = ContactOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn sign_contact(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<VersionBody>,
) -> AppResult<Json<ContactOut>> {
    let tz = time_zone(&state, &actor).await?;
    let version = required_version(body.version)?;
    let signed = coaching::sign_contact(&state, &actor, id, version).await?;
    let warnings = coaching::warnings_of(&signed);
    Ok(Json(ContactOut::new(signed, warnings, Vec::new(), &tz)?))
}

#[derive(Deserialize, ToSchema)]
pub struct AddendumBody {
    /// The correction or later information (up to 4000 characters).
    #[serde(default)]
    pub text: String,
}

/// Adds an addendum to a signed note (a draft is changed instead: 422 `error-addendum-draft`).
#[utoipa::path(post, path = "/contacts/{id}/addenda", tag = "coaching", request_body = AddendumBody,
    params(("id" = Uuid, Path, description = "Contact id")),
    responses((status = 201, body = AddendumOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn add_addendum(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<AddendumBody>,
) -> AppResult<(StatusCode, Json<AddendumOut>)> {
    let addendum = coaching::add_addendum(&state, &actor, id, &body.text).await?;
    Ok((StatusCode::CREATED, Json(addendum.into())))
}

// ---------- lapses ----------

#[derive(Serialize, ToSchema)]
pub struct LapseOut {
    pub id: Uuid,
    pub person_id: Uuid,
    /// The day of the return to use, as the person reported it.
    pub lapse_on: Date,
    pub note: Option<String>,
    /// The contact that re-engaged the person, once there is one.
    pub reengaged_contact_id: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub reengaged_at: Option<OffsetDateTime>,
    /// Days from the lapse to the re-engagement contact.
    pub days_to_reengage: Option<i32>,
    pub recorded_by: Uuid,
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<lapse::Model> for LapseOut {
    fn from(l: lapse::Model) -> Self {
        LapseOut {
            id: l.id,
            person_id: l.person_id,
            lapse_on: l.lapse_on,
            note: l.note,
            reengaged_contact_id: l.reengaged_contact_id,
            reengaged_at: l.reengaged_at,
            days_to_reengage: l.days_to_reengage,
            recorded_by: l.recorded_by,
            version: l.version,
            created_at: l.created_at,
        }
    }
}

/// A person's lapses, latest first (the view is audited).
#[utoipa::path(get, path = "/people/{id}/lapses", tag = "coaching", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Vec<LapseOut>), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn list_lapses(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<LapseOut>>> {
    let c = coaching::person_coaching(&state, &actor, id, 0).await?;
    Ok(Json(c.lapses.into_iter().map(Into::into).collect()))
}

/// Records a return to use the person told us about; it stays open until a contact with
/// `reengagement: true`. `raise_frequency` sets weekly contact from now on.
#[utoipa::path(post, path = "/people/{id}/lapses", tag = "coaching", request_body = LapseInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 201, body = LapseOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn record_lapse(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<LapseInput>,
) -> AppResult<(StatusCode, Json<LapseOut>)> {
    let lapse = coaching::record_lapse(&state, &actor, id, &body).await?;
    Ok((StatusCode::CREATED, Json(lapse.into())))
}

// ---------- mutual aid ----------

#[derive(Serialize, ToSchema)]
pub struct MutualAidOut {
    pub id: Uuid,
    pub person_id: Uuid,
    pub fellowship: Fellowship,
    pub group_name: Option<String>,
    /// How the coach helped the person connect.
    pub help: Vec<MutualAidHelp>,
    pub connected_on: Date,
    /// Whether they went (absent: not known yet).
    pub attended: Option<bool>,
    pub still_going: Option<bool>,
    /// When attendance was last checked.
    pub checked_on: Option<Date>,
    pub note: Option<String>,
    pub recorded_by: Uuid,
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl MutualAidOut {
    fn new(m: mutual_aid_connection::Model) -> AppResult<MutualAidOut> {
        Ok(MutualAidOut {
            fellowship: code(&m.fellowship)?,
            help: rules::split_codes(&m.help),
            id: m.id,
            person_id: m.person_id,
            group_name: m.group_name,
            connected_on: m.connected_on,
            attended: m.attended,
            still_going: m.still_going,
            checked_on: m.checked_on,
            note: m.note,
            recorded_by: m.recorded_by,
            version: m.version,
            updated_at: m.updated_at,
        })
    }
}

/// A person's mutual-aid connections, latest first (the view is audited).
#[utoipa::path(get, path = "/people/{id}/mutual-aid", tag = "coaching", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Vec<MutualAidOut>), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn list_mutual_aid(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<MutualAidOut>>> {
    let c = coaching::person_coaching(&state, &actor, id, 0).await?;
    Ok(Json(c.mutual_aid.into_iter().map(MutualAidOut::new).collect::<AppResult<_>>()?))
}

/// Adds a mutual-aid connection. `attended` and `still_going` are `"yes"`, `"no"` or empty.
#[utoipa::path(post, path = "/people/{id}/mutual-aid", tag = "coaching", request_body = MutualAidInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 201, body = MutualAidOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn add_mutual_aid(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<MutualAidInput>,
) -> AppResult<(StatusCode, Json<MutualAidOut>)> {
    let saved = coaching::save_mutual_aid(&state, &actor, id, None, 0, &body).await?;
    Ok((StatusCode::CREATED, Json(MutualAidOut::new(saved)?)))
}

#[derive(Deserialize, ToSchema)]
pub struct MutualAidBody {
    #[serde(flatten)]
    pub connection: MutualAidInput,
    /// The connection's version.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Replaces a mutual-aid connection (for example, whether they went and are still going).
#[utoipa::path(put, path = "/people/{id}/mutual-aid/{mid}", tag = "coaching", request_body = MutualAidBody,
    params(("id" = Uuid, Path, description = "Person id"), ("mid" = Uuid, Path, description = "Mutual-aid connection id")),
    responses((status = 200, body = MutualAidOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_mutual_aid(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, mid)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<MutualAidBody>,
) -> AppResult<Json<MutualAidOut>> {
    let version = required_version(body.version)?;
    let saved = coaching::save_mutual_aid(&state, &actor, id, Some(mid), version, &body.connection).await?;
    Ok(Json(MutualAidOut::new(saved)?))
}

// ---------- natural supports ----------

#[derive(Serialize, ToSchema)]
pub struct SupportOut {
    pub id: Uuid,
    pub person_id: Uuid,
    pub name: String,
    pub relationship: SupportRelationship,
    pub phone: Option<String>,
    pub engagement: SupportEngagement,
    /// The person agrees that we contact this support.
    pub consent_to_contact: bool,
    /// When that consent was first given (while it stands).
    pub consent_on: Option<Date>,
    pub note: Option<String>,
    pub active: bool,
    pub recorded_by: Uuid,
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl SupportOut {
    fn new(s: natural_support::Model) -> AppResult<SupportOut> {
        Ok(SupportOut {
            relationship: code(&s.relationship)?,
            engagement: code(&s.engagement)?,
            id: s.id,
            person_id: s.person_id,
            name: s.name,
            phone: s.phone,
            consent_to_contact: s.consent_to_contact,
            consent_on: s.consent_on,
            note: s.note,
            active: s.active,
            recorded_by: s.recorded_by,
            version: s.version,
            updated_at: s.updated_at,
        })
    }
}

/// A person's natural supports (the view is audited).
#[utoipa::path(get, path = "/people/{id}/supports", tag = "coaching", params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Vec<SupportOut>), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn list_supports(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<SupportOut>>> {
    let c = coaching::person_coaching(&state, &actor, id, 0).await?;
    Ok(Json(c.supports.into_iter().map(SupportOut::new).collect::<AppResult<_>>()?))
}

/// Adds one of the person's natural supports.
#[utoipa::path(post, path = "/people/{id}/supports", tag = "coaching", request_body = SupportInput,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 201, body = SupportOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn add_support(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<SupportInput>,
) -> AppResult<(StatusCode, Json<SupportOut>)> {
    let saved = coaching::save_support(&state, &actor, id, None, 0, &body).await?;
    Ok((StatusCode::CREATED, Json(SupportOut::new(saved)?)))
}

#[derive(Deserialize, ToSchema)]
pub struct SupportBody {
    #[serde(flatten)]
    pub support: SupportInput,
    /// The support's version.
    #[serde(default)]
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
}

/// Replaces one of the person's natural supports.
#[utoipa::path(put, path = "/people/{id}/supports/{sid}", tag = "coaching", request_body = SupportBody,
    params(("id" = Uuid, Path, description = "Person id"), ("sid" = Uuid, Path, description = "Natural support id")),
    responses((status = 200, body = SupportOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_support(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, sid)): Path<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<SupportBody>,
) -> AppResult<Json<SupportOut>> {
    let version = required_version(body.version)?;
    let saved = coaching::save_support(&state, &actor, id, Some(sid), version, &body.support).await?;
    Ok(Json(SupportOut::new(saved)?))
}

// ---------- caseloads, worklist, supervision ----------

#[derive(Serialize, ToSchema)]
pub struct CaseloadOut {
    pub worker_id: Uuid,
    pub worker_name: String,
    /// Today in the organisation's time zone.
    pub today: Date,
    /// Most pressing first.
    pub items: Vec<CaseloadItem>,
}

/// A worker's caseload with where each person stands today, most pressing first. Open to the
/// worker, their supervisor, the directors of their programs and the quality lead; others get
/// 403 (recorded in the audit log).
#[utoipa::path(get, path = "/caseloads/{staff_id}", tag = "coaching",
    params(("staff_id" = Uuid, Path, description = "Staff id of the worker")),
    responses((status = 200, body = CaseloadOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_caseload(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(staff_id): Path<Uuid>,
) -> AppResult<Json<CaseloadOut>> {
    let tz = time_zone(&state, &actor).await?;
    let c = coaching::caseload(&state, &actor, staff_id, &tz).await?;
    Ok(Json(CaseloadOut { worker_id: c.worker.id, worker_name: c.worker.display_name, today: c.today, items: c.items }))
}

/// A draft note waiting to be signed.
#[derive(Serialize, ToSchema)]
pub struct DraftOut {
    pub contact_id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    pub occurred_on: Date,
    /// The contact's version (to sign it).
    pub version: i32,
}

/// What to do next, from the caller's own caseload. A person can be in several lists.
#[derive(Serialize, ToSchema)]
pub struct WorklistOut {
    pub today: Date,
    pub caseload_size: usize,
    /// Contact overdue, most overdue first.
    pub overdue: Vec<CaseloadItem>,
    /// Contact due within 7 days.
    pub due_soon: Vec<CaseloadItem>,
    /// No contact in 30 days (or never).
    pub no_contact_30: Vec<CaseloadItem>,
    /// Plan review due within 14 days or overdue, or a review under way.
    pub plans_due: Vec<CaseloadItem>,
    /// No plan yet, or a draft not yet agreed.
    pub needs_plan: Vec<CaseloadItem>,
    pub open_lapses: Vec<CaseloadItem>,
    /// The caller's unsigned notes, oldest first.
    pub drafts: Vec<DraftOut>,
}

/// The caller's worklist (empty for roles without a caseload).
#[utoipa::path(get, path = "/worklist", tag = "coaching", responses((status = 200, body = WorklistOut)))]
async fn get_worklist(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<WorklistOut>> {
    let tz = time_zone(&state, &actor).await?;
    let w = coaching::worklist(&state, &actor, &tz).await?;
    let drafts = w
        .drafts
        .into_iter()
        .map(|(c, person_name)| DraftOut {
            contact_id: c.id,
            person_id: c.person_id,
            person_name,
            occurred_on: local_date(&tz, c.occurred_at),
            occurred_at: c.occurred_at,
            version: c.version,
        })
        .collect();
    Ok(Json(WorklistOut {
        today: coaching::today(&state, &tz),
        caseload_size: w.caseload_size,
        overdue: w.overdue,
        due_soon: w.due_soon,
        no_contact_30: w.no_contact_30,
        plans_due: w.plans_due,
        needs_plan: w.needs_plan,
        open_lapses: w.open_lapses,
        drafts,
    }))
}

/// Counts for each worker the caller supervises (directors: the workers in their programs; the
/// quality lead: everyone). Counts only, no names of people served. 403 for anyone else.
#[utoipa::path(get, path = "/supervision", tag = "coaching",
    responses((status = 200, body = Vec<WorkerCounts>), (status = 403, body = Envelope)))]
async fn get_supervision(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> AppResult<Json<Vec<WorkerCounts>>> {
    let tz = time_zone(&state, &actor).await?;
    Ok(Json(coaching::supervision(&state, &actor, &tz).await?))
}

// ---------- transfers ----------

#[derive(Serialize, ToSchema)]
pub struct TransferOut {
    pub id: Uuid,
    pub enrolment_id: Uuid,
    pub from_worker: Option<Uuid>,
    pub to_worker: Uuid,
    pub reason: Option<String>,
    pub transferred_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub transferred_at: OffsetDateTime,
}

impl From<caseload_transfer::Model> for TransferOut {
    fn from(t: caseload_transfer::Model) -> Self {
        TransferOut {
            id: t.id,
            enrolment_id: t.enrolment_id,
            from_worker: t.from_worker,
            to_worker: t.to_worker,
            reason: t.reason,
            transferred_by: t.transferred_by,
            transferred_at: t.transferred_at,
        }
    }
}

/// Every move of the person between workers, latest first (the view is audited).
#[utoipa::path(get, path = "/people/{id}/transfers", tag = "coaching",
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = Vec<TransferOut>), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn list_transfers(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<TransferOut>>> {
    records::open(&state, &actor, id, Action::ViewPerson).await?;
    let transfers = db::coaching::transfers(state.db.conn(), actor.org_id, id).await?;
    Ok(Json(transfers.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct TransferBody {
    /// One of the person's open enrolments.
    pub enrolment_id: Uuid,
    /// An active member of staff other than the current worker.
    pub worker_id: Uuid,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TransferResult {
    /// What the new worker's training or certification leaves uncovered for coaching; empty when
    /// nothing is missing (under the organisation's block policy the move is refused with 422 instead).
    pub assignment_gaps: Vec<crate::domain::personnel::Need>,
}

/// Moves one of the person's enrolments to another worker (supervisors for their own and their
/// supervisees' caseloads, directors for their programs). The move is kept in the person's
/// transfer history.
#[utoipa::path(post, path = "/people/{id}/transfers", tag = "coaching", request_body = TransferBody,
    params(("id" = Uuid, Path, description = "Person id")),
    responses((status = 200, body = TransferResult), (status = 403, body = Envelope), (status = 404, body = Envelope), (status = 422, body = Envelope)))]
async fn transfer(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<TransferBody>,
) -> AppResult<Json<TransferResult>> {
    let assignment_gaps =
        coaching::transfer(&state, &actor, id, body.enrolment_id, body.worker_id, body.reason.as_deref()).await?;
    Ok(Json(TransferResult { assignment_gaps }))
}
