//! Program rules, advisory meetings and participant surveys (CSE 7.02 / CA-CSE 7.03): JSON API.
//! Every call goes through `crate::voice::participation`, like the pages: every staff member
//! reads; program directors, supervisors, quality leads and administrators write. Rule versions
//! are never changed (a new version supersedes); meetings, decisions and surveys carry a
//! `version` and a stale one answers 409.

use super::{ApiActor, ApiJson};
use crate::app::AppState;
use crate::db::entities::{advisory_decision, advisory_meeting, participant_survey, program_rule};
use crate::domain::participation::{
    AdvisoryDecisionInput, AdvisoryDecisionStatus, AdvisoryMeetingKind, DiffLine, Drafting, MeetingInput,
    RuleEnforcement, RuleVersionInput, SurveyInput, SurveyMethod, SurveyResultKind, Votes, response_rate, topic_lines,
};
use crate::error::{AppError, AppResult};
use crate::voice::participation::{self as svc, DecisionRow, ORGANISATION_SCOPE, RuleVersion};
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
        .routes(routes!(list_rules))
        .routes(routes!(compare_rules))
        .routes(routes!(rule_history, create_rule_version))
        .routes(routes!(get_rule))
        .routes(routes!(list_meetings, create_meeting))
        .routes(routes!(get_meeting, update_meeting))
        .routes(routes!(create_decision))
        .routes(routes!(open_decisions))
        .routes(routes!(update_decision))
        .routes(routes!(list_surveys, create_survey))
        .routes(routes!(get_survey, update_survey))
}

type Envelope = crate::web::errors::ErrorEnvelope;

fn scope_param(scope: &str) -> AppResult<Option<Uuid>> {
    if scope == ORGANISATION_SCOPE {
        Ok(None)
    } else {
        Uuid::parse_str(scope).map(Some).map_err(|_| AppError::NotFound)
    }
}

fn stored<T>(parsed: Option<T>, what: &str, code: &str) -> AppResult<T> {
    parsed.ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown stored {what} {code:?}")))
}

// ---------- shapes ----------

/// One version of a program's (or the organisation's) rules.
#[derive(Serialize, ToSchema)]
pub struct RuleVersionOut {
    pub id: Uuid,
    /// Null for organisation-wide rules.
    pub program_id: Option<Uuid>,
    pub version_number: i32,
    pub title: String,
    pub body: String,
    pub effective_from: Date,
    /// How participants took part in drafting it.
    pub drafting: Vec<Drafting>,
    pub drafting_notes: Option<String>,
    pub votes: Option<Votes>,
    pub enforcement: RuleEnforcement,
    /// False only for `staff-only` enforcement.
    pub participant_led: bool,
    pub enforcement_description: String,
    pub drafted_at_meeting_id: Option<Uuid>,
    pub change_summary: Option<String>,
    pub recorded_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

impl RuleVersionOut {
    fn new(v: &RuleVersion) -> RuleVersionOut {
        let r: &program_rule::Model = &v.rule;
        RuleVersionOut {
            id: r.id,
            program_id: r.program_id,
            version_number: r.version_number,
            title: r.title.clone(),
            body: r.body.clone(),
            effective_from: r.effective_from,
            drafting: v.drafting.clone(),
            drafting_notes: r.drafting_notes.clone(),
            votes: v.votes,
            enforcement: v.enforcement,
            participant_led: v.participant_led(),
            enforcement_description: r.enforcement_description.clone(),
            drafted_at_meeting_id: r.drafted_at_meeting_id,
            change_summary: r.change_summary.clone(),
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at,
        }
    }
}

/// The current rules of the organisation or one program.
#[derive(Serialize, ToSchema)]
pub struct RuleSummaryOut {
    pub program_id: Option<Uuid>,
    /// Null for organisation-wide rules.
    pub program_name: Option<String>,
    /// `organisation` or the program id: use it in `/voice/rules/scope/{scope}`.
    pub scope: String,
    pub versions: usize,
    /// Days since the current version took effect.
    pub age_days: Option<i64>,
    pub current: Option<RuleVersionOut>,
}

/// Every version, newest first.
#[derive(Serialize, ToSchema)]
pub struct RuleHistoryOut {
    pub program_id: Option<Uuid>,
    pub program_name: Option<String>,
    pub versions: Vec<RuleVersionOut>,
}

/// A new version (`based_on_version`: the version number it was written from, 0 for the first;
/// when given and another version was recorded meanwhile, 409).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct RuleVersionBody {
    pub based_on_version: Option<i32>,
    #[serde(flatten)]
    pub rules: RuleVersionInput,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// A version id.
    pub from: Uuid,
    /// Another version of the same rules.
    pub to: Uuid,
}

/// Two versions compared line by line (the older first).
#[derive(Serialize, ToSchema)]
pub struct RuleComparisonOut {
    pub from: RuleVersionOut,
    pub to: RuleVersionOut,
    pub title_changed: bool,
    pub added: usize,
    pub removed: usize,
    pub lines: Vec<DiffLine>,
}

/// A participant named in a meeting's record (with their agreement).
#[derive(Serialize, ToSchema)]
pub struct AttendeeOut {
    pub person_id: Uuid,
    pub name: String,
    pub consent_to_name_on: Date,
}

#[derive(Serialize, ToSchema)]
pub struct DecisionOut {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub meeting_held_on: Option<Date>,
    pub text: String,
    pub owner_id: Option<Uuid>,
    pub owner_name: Option<String>,
    pub due_on: Option<Date>,
    pub status: AdvisoryDecisionStatus,
    /// Open or in progress with its due date passed.
    pub overdue: bool,
    pub follow_through: Option<String>,
    pub reason: Option<String>,
    pub done_on: Option<Date>,
    /// Send it back with `PUT`.
    pub version: i32,
}

impl DecisionOut {
    fn of_row(r: &DecisionRow) -> DecisionOut {
        let mut out = DecisionOut::of_model(&r.decision, r.overdue);
        out.owner_name = r.owner_name.clone();
        out.meeting_held_on = Some(r.meeting_held_on);
        out.status = r.status;
        out
    }

    fn of_model(d: &advisory_decision::Model, overdue: bool) -> DecisionOut {
        DecisionOut {
            id: d.id,
            meeting_id: d.meeting_id,
            meeting_held_on: None,
            text: d.text.clone(),
            owner_id: d.owner_id,
            owner_name: None,
            due_on: d.due_on,
            status: AdvisoryDecisionStatus::parse(&d.status).unwrap_or(AdvisoryDecisionStatus::Open),
            overdue,
            follow_through: d.follow_through.clone(),
            reason: d.reason.clone(),
            done_on: d.done_on,
            version: d.version,
        }
    }
}

/// A meeting. `named` and `decisions` are filled in when one meeting is read.
#[derive(Serialize, ToSchema)]
pub struct MeetingOut {
    pub id: Uuid,
    pub kind: AdvisoryMeetingKind,
    pub program_id: Option<Uuid>,
    pub held_on: Date,
    pub place: Option<String>,
    pub online: bool,
    pub participant_count: i32,
    pub staff_count: i32,
    pub topics: Vec<String>,
    pub summary: Option<String>,
    pub named_count: usize,
    pub named: Vec<AttendeeOut>,
    pub decisions_count: usize,
    pub open_decisions: usize,
    pub overdue_decisions: usize,
    pub decisions: Vec<DecisionOut>,
    pub recorded_by: Uuid,
    /// Send it back with `PUT`.
    pub version: i32,
}

impl MeetingOut {
    fn new(m: &advisory_meeting::Model) -> AppResult<MeetingOut> {
        Ok(MeetingOut {
            id: m.id,
            kind: stored(AdvisoryMeetingKind::parse(&m.kind), "meeting kind", &m.kind)?,
            program_id: m.program_id,
            held_on: m.held_on,
            place: m.place.clone(),
            online: m.online,
            participant_count: m.participant_count,
            staff_count: m.staff_count,
            topics: topic_lines(&m.topics),
            summary: m.summary.clone(),
            named_count: 0,
            named: Vec::new(),
            decisions_count: 0,
            open_decisions: 0,
            overdue_decisions: 0,
            decisions: Vec::new(),
            recorded_by: m.recorded_by,
            version: m.version,
        })
    }
}

/// A meeting's changes made against `version`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct MeetingBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub meeting: MeetingInput,
}

/// A decision's follow-through made against `version`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DecisionBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub decision: AdvisoryDecisionInput,
}

#[derive(Serialize, ToSchema)]
pub struct SurveyResultOut {
    pub question: String,
    pub kind: SurveyResultKind,
    pub value: Option<f64>,
    pub scale_max: Option<f64>,
    pub themes: Option<String>,
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SurveyOut {
    pub id: Uuid,
    pub title: String,
    pub program_id: Option<Uuid>,
    pub period_start: Date,
    pub period_end: Date,
    pub method: SurveyMethod,
    pub invited: Option<i32>,
    pub respondents: i32,
    /// Respondents as a percentage of those invited (one decimal); null when unknown.
    pub response_rate: Option<f64>,
    pub findings: Option<String>,
    pub actions_taken: Option<String>,
    /// Filled in when one survey is read.
    pub results: Vec<SurveyResultOut>,
    pub version: i32,
}

impl SurveyOut {
    fn new(s: &participant_survey::Model) -> AppResult<SurveyOut> {
        Ok(SurveyOut {
            id: s.id,
            title: s.title.clone(),
            program_id: s.program_id,
            period_start: s.period_start,
            period_end: s.period_end,
            method: stored(SurveyMethod::parse(&s.method), "survey method", &s.method)?,
            invited: s.invited,
            respondents: s.respondents,
            response_rate: response_rate(s.invited, s.respondents),
            findings: s.findings.clone(),
            actions_taken: s.actions_taken.clone(),
            results: Vec::new(),
            version: s.version,
        })
    }
}

/// A survey's changes (results replaced) made against `version`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct SurveyBody {
    #[schema(value_type = i32, required = true)]
    pub version: Option<i32>,
    #[serde(flatten)]
    pub survey: SurveyInput,
}

// ---------- rules ----------

/// Current rules for the organisation and each program, with how many versions each has.
#[utoipa::path(get, path = "/voice/rules", tag = "participation",
    responses((status = 200, body = [RuleSummaryOut]), (status = 403, body = Envelope)))]
async fn list_rules(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<Vec<RuleSummaryOut>>> {
    let overview = svc::rules_overview(&state, &actor).await?;
    Ok(Json(
        overview
            .rows
            .iter()
            .map(|r| RuleSummaryOut {
                program_id: r.program_id,
                program_name: r.program_name.clone(),
                scope: svc::scope_of(r.program_id),
                versions: r.versions,
                age_days: r.age_days,
                current: r.current.as_ref().map(RuleVersionOut::new),
            })
            .collect(),
    ))
}

/// Every version of the organisation's rules (`scope` = `organisation`) or a program's (its id),
/// newest first.
#[utoipa::path(get, path = "/voice/rules/scope/{scope}", tag = "participation",
    params(("scope" = String, Path, description = "`organisation` or a program id")),
    responses((status = 200, body = RuleHistoryOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn rule_history(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(scope): Path<String>,
) -> AppResult<Json<RuleHistoryOut>> {
    let history = svc::rule_history(&state, &actor, scope_param(&scope)?).await?;
    Ok(Json(RuleHistoryOut {
        program_id: history.program_id,
        program_name: history.program_name,
        versions: history.versions.iter().map(RuleVersionOut::new).collect(),
    }))
}

/// Records a new version of the rules. It supersedes the current one; versions are never changed.
#[utoipa::path(post, path = "/voice/rules/scope/{scope}", tag = "participation", request_body = RuleVersionBody,
    params(("scope" = String, Path, description = "`organisation` or a program id")),
    responses((status = 201, body = RuleVersionOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn create_rule_version(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(scope): Path<String>,
    ApiJson(body): ApiJson<RuleVersionBody>,
) -> AppResult<(StatusCode, Json<RuleVersionOut>)> {
    let program_id = scope_param(&scope)?;
    let v = svc::record_rule_version(&state, &actor, program_id, body.based_on_version, &body.rules).await?;
    Ok((StatusCode::CREATED, Json(RuleVersionOut::new(&v))))
}

/// One version of the rules.
#[utoipa::path(get, path = "/voice/rules/{id}", tag = "participation",
    params(("id" = Uuid, Path, description = "Rule version id")),
    responses((status = 200, body = RuleVersionOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_rule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<RuleVersionOut>> {
    let view = svc::rule_version(&state, &actor, id).await?;
    Ok(Json(RuleVersionOut::new(&view.version)))
}

/// Two versions of the same rules compared line by line.
#[utoipa::path(get, path = "/voice/rules/compare", tag = "participation", params(CompareQuery),
    responses((status = 200, body = RuleComparisonOut), (status = 400, body = Envelope), (status = 403, body = Envelope),
              (status = 404, body = Envelope)))]
async fn compare_rules(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<CompareQuery>,
) -> AppResult<Json<RuleComparisonOut>> {
    let cmp = svc::compare_versions(&state, &actor, q.from, q.to).await?;
    Ok(Json(RuleComparisonOut {
        added: cmp.added(),
        removed: cmp.removed(),
        from: RuleVersionOut::new(&cmp.from),
        to: RuleVersionOut::new(&cmp.to),
        title_changed: cmp.title_changed,
        lines: cmp.lines,
    }))
}

// ---------- meetings ----------

/// Every meeting, newest first, with its decisions counted.
#[utoipa::path(get, path = "/voice/meetings", tag = "participation",
    responses((status = 200, body = [MeetingOut]), (status = 403, body = Envelope)))]
async fn list_meetings(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<Vec<MeetingOut>>> {
    let list = svc::meetings(&state, &actor).await?;
    let mut out = Vec::with_capacity(list.rows.len());
    for r in &list.rows {
        let mut m = MeetingOut::new(&r.meeting)?;
        m.named_count = r.named;
        m.decisions_count = r.decisions;
        m.open_decisions = r.open;
        m.overdue_decisions = r.overdue;
        out.push(m);
    }
    Ok(Json(out))
}

async fn meeting_out(state: &AppState, actor: &crate::access::Actor, id: Uuid) -> AppResult<MeetingOut> {
    let view = svc::meeting(state, actor, id).await?;
    let mut m = MeetingOut::new(&view.meeting)?;
    m.named = view
        .attendees
        .iter()
        .map(|a| AttendeeOut {
            person_id: a.row.person_id,
            name: a.name.clone(),
            consent_to_name_on: a.row.consent_to_name_on,
        })
        .collect();
    m.named_count = m.named.len();
    m.decisions = view.decisions.iter().map(DecisionOut::of_row).collect();
    m.decisions_count = m.decisions.len();
    m.open_decisions = view.decisions.iter().filter(|d| !d.status.is_closed()).count();
    m.overdue_decisions = view.decisions.iter().filter(|d| d.overdue).count();
    Ok(m)
}

/// One meeting with its named participants and decisions (reading it is audited for each person
/// named).
#[utoipa::path(get, path = "/voice/meetings/{id}", tag = "participation",
    params(("id" = Uuid, Path, description = "Meeting id")),
    responses((status = 200, body = MeetingOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_meeting(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<MeetingOut>> {
    Ok(Json(meeting_out(&state, &actor, id).await?))
}

/// Records a meeting. Named participants must be on the caller's caseload (or their
/// supervisees' / programs') and each must have agreed to be named.
#[utoipa::path(post, path = "/voice/meetings", tag = "participation", request_body = MeetingInput,
    responses((status = 201, body = MeetingOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn create_meeting(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<MeetingInput>,
) -> AppResult<(StatusCode, Json<MeetingOut>)> {
    let m = svc::create_meeting(&state, &actor, &body).await?;
    Ok((StatusCode::CREATED, Json(meeting_out(&state, &actor, m.id).await?)))
}

/// Replaces a meeting's record (people left out of `attendees` are no longer named).
#[utoipa::path(put, path = "/voice/meetings/{id}", tag = "participation", request_body = MeetingBody,
    params(("id" = Uuid, Path, description = "Meeting id")),
    responses((status = 200, body = MeetingOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_meeting(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<MeetingBody>,
) -> AppResult<Json<MeetingOut>> {
    let version = super::intake::required_version(body.version)?;
    svc::update_meeting(&state, &actor, id, version, &body.meeting).await?;
    Ok(Json(meeting_out(&state, &actor, id).await?))
}

/// Adds a decision taken at a meeting.
#[utoipa::path(post, path = "/voice/meetings/{id}/decisions", tag = "participation", request_body = AdvisoryDecisionInput,
    params(("id" = Uuid, Path, description = "Meeting id")),
    responses((status = 201, body = DecisionOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 422, body = Envelope)))]
async fn create_decision(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<AdvisoryDecisionInput>,
) -> AppResult<(StatusCode, Json<DecisionOut>)> {
    let d = svc::add_decision(&state, &actor, id, &body).await?;
    let today = svc::today(&state, actor.org_id).await?;
    let status = AdvisoryDecisionStatus::parse(&d.status).unwrap_or(AdvisoryDecisionStatus::Open);
    let overdue = crate::domain::participation::decision_overdue(status, d.due_on, today);
    Ok((StatusCode::CREATED, Json(DecisionOut::of_model(&d, overdue))))
}

/// Updates a decision's follow-through: status (a `not-going-ahead` decision needs a `reason`),
/// note, owner, dates.
#[utoipa::path(put, path = "/voice/decisions/{id}", tag = "participation", request_body = DecisionBody,
    params(("id" = Uuid, Path, description = "Decision id")),
    responses((status = 200, body = DecisionOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_decision(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> AppResult<Json<DecisionOut>> {
    let version = super::intake::required_version(body.version)?;
    let d = svc::update_decision(&state, &actor, id, version, &body.decision).await?;
    let today = svc::today(&state, actor.org_id).await?;
    let status = AdvisoryDecisionStatus::parse(&d.status).unwrap_or(AdvisoryDecisionStatus::Open);
    let overdue = crate::domain::participation::decision_overdue(status, d.due_on, today);
    Ok(Json(DecisionOut::of_model(&d, overdue)))
}

/// Decisions still open or in progress, overdue first.
#[utoipa::path(get, path = "/voice/decisions", tag = "participation",
    responses((status = 200, body = [DecisionOut]), (status = 403, body = Envelope)))]
async fn open_decisions(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<Vec<DecisionOut>>> {
    let rows = svc::open_decisions(&state, &actor).await?;
    Ok(Json(rows.iter().map(DecisionOut::of_row).collect()))
}

// ---------- surveys ----------

/// Every survey, the latest period first, with its response rate.
#[utoipa::path(get, path = "/voice/surveys", tag = "participation",
    responses((status = 200, body = [SurveyOut]), (status = 403, body = Envelope)))]
async fn list_surveys(State(state): State<AppState>, ApiActor(actor): ApiActor) -> AppResult<Json<Vec<SurveyOut>>> {
    let rows = svc::surveys(&state, &actor).await?;
    Ok(Json(rows.iter().map(|r| SurveyOut::new(&r.survey)).collect::<AppResult<Vec<_>>>()?))
}

async fn survey_out(state: &AppState, actor: &crate::access::Actor, id: Uuid) -> AppResult<SurveyOut> {
    let view = svc::survey(state, actor, id).await?;
    let mut s = SurveyOut::new(&view.survey)?;
    s.results = view
        .results
        .iter()
        .map(|(r, k)| SurveyResultOut {
            question: r.question.clone(),
            kind: *k,
            value: r.value,
            scale_max: r.scale_max,
            themes: r.themes.clone(),
            note: r.note.clone(),
        })
        .collect();
    Ok(s)
}

/// One survey with its results.
#[utoipa::path(get, path = "/voice/surveys/{id}", tag = "participation",
    params(("id" = Uuid, Path, description = "Survey id")),
    responses((status = 200, body = SurveyOut), (status = 403, body = Envelope), (status = 404, body = Envelope)))]
async fn get_survey(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
) -> AppResult<Json<SurveyOut>> {
    Ok(Json(survey_out(&state, &actor, id).await?))
}

/// Records a participant survey with its results.
#[utoipa::path(post, path = "/voice/surveys", tag = "participation", request_body = SurveyInput,
    responses((status = 201, body = SurveyOut), (status = 403, body = Envelope), (status = 422, body = Envelope)))]
async fn create_survey(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<SurveyInput>,
) -> AppResult<(StatusCode, Json<SurveyOut>)> {
    let s = svc::create_survey(&state, &actor, &body).await?;
    Ok((StatusCode::CREATED, Json(survey_out(&state, &actor, s.id).await?)))
}

/// Replaces a survey and its results.
#[utoipa::path(put, path = "/voice/surveys/{id}", tag = "participation", request_body = SurveyBody,
    params(("id" = Uuid, Path, description = "Survey id")),
    responses((status = 200, body = SurveyOut), (status = 403, body = Envelope), (status = 404, body = Envelope),
              (status = 409, body = Envelope), (status = 422, body = Envelope)))]
async fn update_survey(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<SurveyBody>,
) -> AppResult<Json<SurveyOut>> {
    let version = super::intake::required_version(body.version)?;
    svc::update_survey(&state, &actor, id, version, &body.survey).await?;
    Ok(Json(survey_out(&state, &actor, id).await?))
}
