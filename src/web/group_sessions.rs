//! Group members, the session page (attendance on a phone: one tap per member, "everyone present"
//! then exceptions, drop-ins and a head count), the session log, check-out feedback recorded by
//! the facilitator, and the public check-out members answer on their own phone.

use super::groups::{field, fields, flash_errors, public_shell};
use super::intake::code_label;
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::app::{AppState, format_local};
use crate::db;
use crate::db::entities::{group_session, support_group};
use crate::domain::FieldErrors;
use crate::domain::groups::{AttendanceStatus, CapacityRule, LeadershipRole, Membership, SessionOpportunity};
use crate::domain::person::format_record_number;
use crate::error::{AppError, AppResult};
use crate::groups::attendance::{
    self, AttendanceEntry, AttendanceInput, AttendanceRow, Checkout, EnrolInput, FeedbackInput, FeedbackSummary,
    LeadershipEntry, LogInput, MemberRow, Occurrence, Planned, SessionView,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use std::borrow::Borrow;
use std::collections::HashMap;
use tower_sessions::Session;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/groups/{gid}/members", get(members_page).post(enrol))
        .route("/groups/{gid}/members/{person_id}/leave", post(leave))
        .route("/groups/{gid}/members/{person_id}/rejoin", post(rejoin))
        .route("/groups/{gid}/occurrences/{schedule_id}/{unix_start}", get(occurrence))
        .route("/groups/{gid}/sessions/{sid}", get(session_page))
        .route("/groups/{gid}/sessions/{sid}/attendance", post(save_attendance))
        .route("/groups/{gid}/sessions/{sid}/log", get(log_page).post(save_log))
        .route("/groups/{gid}/sessions/{sid}/feedback", get(feedback_page).post(record_feedback))
        .route("/groups/{gid}/sessions/{sid}/checkout", post(open_checkout))
        .route("/checkout/{org_id}/{token}", get(checkout_page).post(checkout_answer))
        .route("/checkout/{org_id}/{token}/thanks", get(checkout_thanks))
}

fn version_of(form: &[(String, String)]) -> Option<i32> {
    field(form, "version").and_then(|v| v.trim().parse().ok())
}

fn local_time(tz: &str, at: time::OffsetDateTime) -> String {
    let text = format_local(tz, at);
    text.split_once(' ').map(|(_, t)| t.to_string()).unwrap_or(text)
}

fn status_options(shell: &Shell) -> Vec<(&'static str, String)> {
    AttendanceStatus::ALL.iter().map(|s| (s.code(), shell.t(&s.message_id()))).collect()
}

/// The check-out's 1 to 5 answers with their words.
fn scale(shell: &Shell) -> Vec<(String, String)> {
    (1..=5).map(|n| (n.to_string(), shell.t(&format!("checkout-scale-{n}")))).collect()
}

fn one_decimal(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())
}

// ---------- members ----------

/// Who an enrolment was for, kept on the page while the facilitator confirms a full group.
pub struct Pending {
    pub person_id: String,
    pub record_number: String,
    pub joined_on: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "group_sessions/members.html")]
pub struct MembersPage {
    pub shell: Shell,
    pub group: support_group::Model,
    pub active: Vec<MemberRow>,
    pub past: Vec<MemberRow>,
    pub can_run: bool,
    pub query: String,
    pub results: Vec<db::people::PersonSummary>,
    pub searched: bool,
    pub errors: FormErrors,
    pub pending: Option<Pending>,
    pub today: time::Date,
}

impl MembersPage {
    pub fn record(&self, n: impl Borrow<i64>) -> String {
        format_record_number(*n.borrow())
    }
    pub fn rate(&self, m: &MemberRow) -> String {
        match m.rate() {
            Some(r) => self.shell.tr.with_args(
                "members-rate",
                &[("rate", r.to_string()), ("attended", m.attended.to_string()), ("held", m.held.to_string())],
            ),
            None => self.shell.t("members-rate-none"),
        }
    }
    pub fn capacity(&self) -> String {
        match self.group.capacity {
            Some(c) => self.shell.tr.with_args(
                "members-capacity",
                &[("active", self.active.len().to_string()), ("capacity", c.to_string())],
            ),
            None => self.shell.t1("members-capacity-none", "active", self.active.len()),
        }
    }
    pub fn full(&self) -> bool {
        self.group.capacity.is_some_and(|c| self.active.len() as i32 >= c)
    }
    pub fn refuses_when_full(&self) -> bool {
        self.group.capacity_rule == CapacityRule::Refuse.code()
    }
    pub fn name_of(&self, p: &db::people::PersonSummary) -> String {
        format!("{} {}", p.preferred_name.as_deref().unwrap_or(&p.legal_given_name), p.legal_family_name)
    }
    pub fn is_member(&self, id: &uuid::Uuid) -> bool {
        self.active.iter().any(|m| m.member.person_id == *id)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MembersQuery {
    q: String,
}

async fn members_view(
    ctx: &Ctx,
    group_id: Uuid,
    query: String,
    errors: &FieldErrors,
    pending: Option<Pending>,
) -> AppResult<MembersPage> {
    let roster = attendance::roster(&ctx.state, &ctx.actor, group_id).await?;
    let can_run = roster.loaded.access.run;
    let mut results = Vec::new();
    let searched = can_run && !query.trim().is_empty();
    if searched {
        let found = crate::records::list(&ctx.state, &ctx.actor, &query, Default::default()).await?;
        results = db::people::summaries(&ctx.state.db, ctx.actor.org_id, &found.items).await?;
    }
    Ok(MembersPage {
        shell: ctx.shell().await?,
        group: roster.loaded.group,
        active: roster.active,
        past: roster.past,
        can_run,
        query,
        results,
        searched,
        errors: FormErrors::new(&ctx.tr, errors),
        pending,
        today: roster.today,
    })
}

pub async fn members_page(ctx: Ctx, Path(gid): Path<Uuid>, Query(q): Query<MembersQuery>) -> AppResult<MembersPage> {
    members_view(&ctx, gid, q.q, &FieldErrors::new(), None).await
}

fn enrol_input(form: &[(String, String)]) -> EnrolInput {
    EnrolInput {
        person_id: field(form, "person_id").and_then(|v| Uuid::parse_str(v.trim()).ok()),
        record_number: field(form, "record_number"),
        joined_on: field(form, "joined_on"),
        confirm_capacity: field(form, "confirm_capacity").is_some(),
    }
}

async fn after_enrol(ctx: &Ctx, gid: Uuid, input: EnrolInput, result: AppResult<()>) -> AppResult<Response> {
    let errors = match result {
        Ok(()) => {
            ctx.flash("success", "members-enrolled").await?;
            return Ok(see_other(&format!("/groups/{gid}/members")));
        }
        Err(AppError::Invalid(errors)) => errors,
        // The record is outside what the actor may work with (the refusal is already recorded).
        Err(AppError::Forbidden) => {
            let errors = FieldErrors::single("person", "error-members-no-access");
            let page = members_view(ctx, gid, String::new(), &errors, None).await?;
            return Ok((StatusCode::FORBIDDEN, page).into_response());
        }
        Err(other) => return Err(other),
    };
    let pending = errors.for_field("confirm_capacity").map(|_| Pending {
        person_id: input.person_id.map(|p| p.to_string()).unwrap_or_default(),
        record_number: input.record_number.clone().unwrap_or_default(),
        joined_on: input.joined_on.clone().unwrap_or_default(),
    });
    let page = members_view(ctx, gid, String::new(), &errors, pending).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub async fn enrol(
    ctx: Ctx,
    Path(gid): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = enrol_input(&form);
    let result = attendance::enrol(&ctx.state, &ctx.actor, gid, &input).await.map(|_| ());
    after_enrol(&ctx, gid, input, result).await
}

pub async fn rejoin(
    ctx: Ctx,
    Path((gid, person_id)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = EnrolInput { person_id: Some(person_id), ..enrol_input(&form) };
    let result = attendance::enrol(&ctx.state, &ctx.actor, gid, &input).await.map(|_| ());
    after_enrol(&ctx, gid, input, result).await
}

pub async fn leave(
    ctx: Ctx,
    Path((gid, person_id)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let left_on = field(&form, "left_on");
    let result = attendance::leave(&ctx.state, &ctx.actor, gid, person_id, left_on.as_deref(), version_of(&form)).await;
    match result {
        Ok(_) => ctx.flash("success", "members-left").await?,
        Err(AppError::Invalid(errors)) => {
            super::shell::push_flash(&ctx.session, "error", flash_errors(&ctx.tr, &errors)).await?
        }
        Err(AppError::Conflict) => ctx.flash("error", "error-changed-meanwhile").await?,
        Err(other) => return Err(other),
    }
    Ok(see_other(&format!("/groups/{gid}/members")))
}

// ---------- the session page ----------

pub async fn occurrence(
    ctx: Ctx,
    Path((gid, schedule_id, unix_start)): Path<(Uuid, Uuid, i64)>,
) -> AppResult<Response> {
    match attendance::occurrence(&ctx.state, &ctx.actor, gid, schedule_id, unix_start).await? {
        Occurrence::Stored(sid) => Ok(see_other(&format!("/groups/{gid}/sessions/{sid}"))),
        Occurrence::Preview(view) => {
            let page = session_view(&ctx, *view, None, &FieldErrors::new(), false).await?;
            Ok(page.into_response())
        }
    }
}

/// One line of the attendance list as the form shows it.
pub struct Row {
    pub person_id: Uuid,
    pub name: String,
    pub record_number: i64,
    pub drop_in: bool,
    /// As stored.
    pub saved: Option<AttendanceStatus>,
    /// What the form shows checked: the stored mark, or the facilitator's own after a refusal.
    pub chosen: Option<AttendanceStatus>,
    pub leadership: Vec<LeadershipRole>,
    pub counted_as_contact: bool,
}

impl Row {
    pub fn is(&self, code: &str) -> bool {
        self.chosen.is_some_and(|s| s.code() == code)
    }
    pub fn differs(&self) -> bool {
        self.saved != self.chosen
    }
}

fn rows_of(view_rows: &[AttendanceRow], mine: Option<&HashMap<Uuid, AttendanceStatus>>) -> Vec<Row> {
    view_rows
        .iter()
        .map(|r| Row {
            person_id: r.person_id,
            name: r.name.clone(),
            record_number: r.record_number,
            drop_in: r.drop_in,
            saved: r.status,
            chosen: match mine {
                Some(m) => m.get(&r.person_id).copied().or(r.status),
                None => r.status,
            },
            leadership: r.leadership.clone(),
            counted_as_contact: r.contact_id.is_some(),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "group_sessions/session.html")]
pub struct SessionPage {
    pub shell: Shell,
    pub group: support_group::Model,
    pub session: group_session::Model,
    pub stored: bool,
    pub rows: Vec<Row>,
    pub planned: Option<Planned>,
    pub feedback: FeedbackSummary,
    pub can_run: bool,
    /// Why attendance cannot be taken (a message), for those who run the group.
    pub refusal: Option<String>,
    pub cancelled: bool,
    pub zone: String,
    pub site_name: Option<String>,
    pub logged_by: Option<String>,
    pub errors: FormErrors,
    /// Someone else saved first: the form shows the facilitator's marks against the saved ones.
    pub conflict: bool,
    pub anonymous_value: String,
}

impl SessionPage {
    pub fn when(&self) -> String {
        format!("{}–{}", format_local(&self.zone, self.session.starts_at), local_time(&self.zone, self.session.ends_at))
    }
    pub fn open(&self) -> bool {
        self.group.membership == Membership::Open.code()
    }
    pub fn statuses(&self) -> Vec<(&'static str, String)> {
        status_options(&self.shell)
    }
    pub fn status_label(&self, s: impl Borrow<Option<AttendanceStatus>>) -> String {
        match s.borrow() {
            Some(s) => self.shell.t(&s.message_id()),
            None => self.shell.t("attendance-not-marked"),
        }
    }
    pub fn record(&self, n: impl Borrow<i64>) -> String {
        format_record_number(*n.borrow())
    }
    pub fn present(&self) -> usize {
        self.rows.iter().filter(|r| r.saved == Some(AttendanceStatus::Present)).count()
    }
    pub fn total_present(&self) -> String {
        self.shell.tr.with_args(
            "attendance-total",
            &[("present", self.present().to_string()), ("anonymous", self.session.anonymous_count.to_string())],
        )
    }
    pub fn room(&self) -> String {
        self.session.room.clone().or_else(|| self.group.room.clone()).unwrap_or_default()
    }
    pub fn status(&self) -> String {
        code_label::<crate::domain::groups::SessionStatus>(&self.shell.tr, &self.session.status)
    }
    pub fn leadership(&self, roles: &[LeadershipRole]) -> String {
        roles.iter().map(|r| self.shell.t(&r.message_id())).collect::<Vec<_>>().join(", ")
    }
    pub fn opportunities(&self) -> String {
        self.session
            .opportunities
            .as_deref()
            .unwrap_or("")
            .split(';')
            .filter(|c| !c.is_empty())
            .map(|c| code_label::<SessionOpportunity>(&self.shell.tr, c))
            .collect::<Vec<_>>()
            .join(", ")
    }
    pub fn felt_safe(&self) -> String {
        one_decimal(self.feedback.felt_safe)
    }
    pub fn useful(&self) -> String {
        one_decimal(self.feedback.useful)
    }
    pub fn base(&self) -> String {
        format!("/groups/{}/sessions/{}", self.group.id, self.session.id)
    }
    pub fn planned_text(&self) -> Option<String> {
        let p = self.planned.as_ref()?;
        let text = self
            .shell
            .tr
            .with_args("attendance-planned-session", &[("number", p.number.to_string()), ("of", p.of.to_string())]);
        Some(match &p.topic {
            Some(topic) => format!("{text}: {topic}"),
            None => text,
        })
    }
    pub fn logged_text(&self) -> Option<String> {
        let at = self.session.logged_at?;
        let name = self.logged_by.clone().unwrap_or_default();
        Some(self.shell.tr.with_args("session-log-by", &[("name", name), ("at", format_local(&self.zone, at))]))
    }
}

async fn session_view(
    ctx: &Ctx,
    view: SessionView,
    mine: Option<&HashMap<Uuid, AttendanceStatus>>,
    errors: &FieldErrors,
    conflict: bool,
) -> AppResult<SessionPage> {
    let can_run = view.loaded.access.run;
    let refusal = view.refusal().filter(|_| can_run && view.stored).map(|id| ctx.tr.t(id));
    let site_name = match view.loaded.group.site_id {
        Some(site) => db::org::site(&ctx.state.db, ctx.actor.org_id, site).await?.map(|s| s.name),
        None => None,
    };
    let logged_by = match view.session.logged_by {
        Some(staff) => db::staff::get(ctx.state.db.conn(), ctx.actor.org_id, staff).await?.map(|s| s.display_name),
        None => None,
    };
    Ok(SessionPage {
        shell: ctx.shell().await?,
        rows: rows_of(&view.rows, mine),
        cancelled: view.cancelled(),
        group: view.loaded.group,
        anonymous_value: view.session.anonymous_count.to_string(),
        session: view.session,
        stored: view.stored,
        planned: view.planned,
        feedback: view.feedback,
        can_run,
        refusal,
        zone: view.time_zone,
        site_name,
        logged_by,
        errors: FormErrors::new(&ctx.tr, errors),
        conflict,
    })
}

pub async fn session_page(ctx: Ctx, Path((gid, sid)): Path<(Uuid, Uuid)>) -> AppResult<SessionPage> {
    let view = attendance::session(&ctx.state, &ctx.actor, gid, sid).await?;
    session_view(&ctx, view, None, &FieldErrors::new(), false).await
}

/// The marks a submitted attendance form holds (`status-<person id>` = code), with any drop-in.
async fn attendance_form(
    ctx: &Ctx,
    form: &[(String, String)],
) -> AppResult<(AttendanceInput, HashMap<Uuid, AttendanceStatus>, FieldErrors)> {
    let mut errors = FieldErrors::new();
    let mut marks = HashMap::new();
    for (name, value) in form {
        let Some(id) = name.strip_prefix("status-") else { continue };
        let (Ok(person_id), Some(status)) = (Uuid::parse_str(id), AttendanceStatus::parse(value)) else {
            return Err(AppError::BadRequest("error-bad-form"));
        };
        marks.insert(person_id, status);
    }
    let mut entries: Vec<AttendanceEntry> = marks
        .iter()
        .map(|(person_id, status)| AttendanceEntry { person_id: *person_id, status: *status, drop_in: false })
        .collect();
    if let Some(number) = field(form, "drop_in").filter(|v| !v.trim().is_empty()) {
        match attendance::person_by_number(&ctx.state, &ctx.actor, "drop_in", &number).await {
            Ok(person_id) => {
                entries.retain(|e| e.person_id != person_id);
                entries.push(AttendanceEntry { person_id, status: AttendanceStatus::Present, drop_in: true });
            }
            Err(AppError::Invalid(e)) => errors.0.extend(e.0),
            Err(other) => return Err(other),
        }
    }
    let anonymous_count = match field(form, "anonymous_count").map(|v| v.trim().to_string()) {
        Some(v) if v.is_empty() => Some(0),
        Some(v) => match v.parse::<i32>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.add("anonymous_count", "error-whole-number");
                None
            }
        },
        None => None,
    };
    let input = AttendanceInput {
        entries,
        anonymous_count,
        everyone_present: field(form, "everyone").is_some(),
        version: version_of(form).unwrap_or(0),
    };
    Ok((input, marks, errors))
}

pub async fn save_attendance(
    ctx: Ctx,
    Path((gid, sid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (input, marks, errors) = attendance_form(&ctx, &form).await?;
    let result = if errors.is_empty() {
        attendance::save_attendance(&ctx.state, &ctx.actor, gid, sid, &input).await.map(|_| ())
    } else {
        Err(AppError::Invalid(errors))
    };
    let (status, errors, conflict) = match result {
        Ok(()) => {
            let message = if input.everyone_present { "attendance-everyone-saved" } else { "attendance-saved" };
            ctx.flash("success", message).await?;
            return Ok(see_other(&format!("/groups/{gid}/sessions/{sid}")));
        }
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, false),
        Err(AppError::Conflict) => (StatusCode::CONFLICT, FieldErrors::new(), true),
        // A drop-in outside the people the facilitator works with (the refusal is recorded).
        Err(AppError::Forbidden) if input.entries.iter().any(|e| e.drop_in) => {
            (StatusCode::FORBIDDEN, FieldErrors::single("drop_in", "error-members-no-access"), false)
        }
        Err(other) => return Err(other),
    };
    // Shown again with the latest saved marks beside the facilitator's own.
    let fresh = attendance::session(&ctx.state, &ctx.actor, gid, sid).await?;
    if !fresh.loaded.access.run {
        return Err(AppError::Forbidden);
    }
    let mut page = session_view(&ctx, fresh, Some(&marks), &errors, conflict).await?;
    if let Some(n) = field(&form, "anonymous_count") {
        page.anonymous_value = n;
    }
    Ok((status, page).into_response())
}

// ---------- the session log ----------

#[derive(Template, WebTemplate)]
#[template(path = "group_sessions/log.html")]
pub struct LogPage {
    pub shell: Shell,
    pub group: support_group::Model,
    pub session: group_session::Model,
    pub zone: String,
    pub planned: Option<Planned>,
    pub present: Vec<Row>,
    pub values: HashMap<String, String>,
    pub opportunities: Vec<String>,
    pub leadership: HashMap<Uuid, Vec<String>>,
    pub errors: FormErrors,
    pub refusal: Option<String>,
    pub conflict: bool,
    pub version: i32,
}

impl LogPage {
    pub fn v(&self, key: &str) -> String {
        self.values.get(key).cloned().unwrap_or_default()
    }
    pub fn when(&self) -> String {
        format_local(&self.zone, self.session.starts_at)
    }
    pub fn opportunity_options(&self) -> Vec<(&'static str, String, bool)> {
        SessionOpportunity::ALL
            .iter()
            .map(|o| (o.code(), self.shell.t(&o.message_id()), self.opportunities.iter().any(|c| c == o.code())))
            .collect()
    }
    pub fn role_options(&self, person_id: &Uuid) -> Vec<(&'static str, String, bool)> {
        let on = self.leadership.get(person_id).cloned().unwrap_or_default();
        LeadershipRole::ALL
            .iter()
            .map(|r| (r.code(), self.shell.t(&r.message_id()), on.iter().any(|c| c == r.code())))
            .collect()
    }
    pub fn base(&self) -> String {
        format!("/groups/{}/sessions/{}", self.group.id, self.session.id)
    }
}

fn saved_values(s: &group_session::Model) -> HashMap<String, String> {
    let mut v = HashMap::new();
    let mut put = |k: &str, val: Option<String>| {
        if let Some(val) = val {
            v.insert(k.to_string(), val);
        }
    };
    put("topics_covered", s.topics_covered.clone());
    put("curriculum_session", s.curriculum_session.map(|n| n.to_string()));
    put("progress", s.progress.clone());
    put("adaptations", s.adaptations.clone());
    put("activities_offered", s.activities_offered.clone());
    put("safety_concerns", s.safety_concerns.clone());
    v
}

async fn log_view(
    ctx: &Ctx,
    view: SessionView,
    submitted: Option<(&[(String, String)], &LogInput)>,
    errors: &FieldErrors,
    conflict: bool,
) -> AppResult<LogPage> {
    if !view.loaded.access.run {
        return Err(AppError::Forbidden);
    }
    let present: Vec<Row> =
        rows_of(&view.rows, None).into_iter().filter(|r| r.saved == Some(AttendanceStatus::Present)).collect();
    let (mut values, opportunities, leadership) = match submitted {
        Some((form, input)) => (
            form.iter().filter(|(k, _)| k != "csrf_token").cloned().collect::<HashMap<_, _>>(),
            input.opportunities.clone(),
            input.leadership.iter().map(|l| (l.person_id, l.roles.clone())).collect(),
        ),
        None => (
            saved_values(&view.session),
            view.session
                .opportunities
                .as_deref()
                .unwrap_or("")
                .split(';')
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect(),
            present
                .iter()
                .map(|r| (r.person_id, r.leadership.iter().map(|l| l.code().to_string()).collect()))
                .collect(),
        ),
    };
    if !values.contains_key("curriculum_session")
        && let Some(p) = &view.planned
    {
        values.insert("curriculum_session".into(), p.number.to_string());
    }
    Ok(LogPage {
        shell: ctx.shell().await?,
        refusal: view.refusal().map(|id| ctx.tr.t(id)),
        group: view.loaded.group,
        version: view.session.version,
        session: view.session,
        zone: view.time_zone,
        planned: view.planned,
        present,
        values,
        opportunities,
        leadership,
        errors: FormErrors::new(&ctx.tr, errors),
        conflict,
    })
}

pub async fn log_page(ctx: Ctx, Path((gid, sid)): Path<(Uuid, Uuid)>) -> AppResult<LogPage> {
    let view = attendance::session(&ctx.state, &ctx.actor, gid, sid).await?;
    log_view(&ctx, view, None, &FieldErrors::new(), false).await
}

fn log_input(form: &[(String, String)]) -> (LogInput, FieldErrors) {
    let mut errors = FieldErrors::new();
    let curriculum_session = match field(form, "curriculum_session").map(|v| v.trim().to_string()) {
        Some(v) if !v.is_empty() => match v.parse::<i32>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.add("curriculum_session", "error-whole-number");
                None
            }
        },
        _ => None,
    };
    let mut leadership: Vec<LeadershipEntry> = Vec::new();
    for (name, value) in form {
        let Some(id) = name.strip_prefix("leadership-").and_then(|id| Uuid::parse_str(id).ok()) else { continue };
        match leadership.iter_mut().find(|l| l.person_id == id) {
            Some(l) => l.roles.push(value.clone()),
            None => leadership.push(LeadershipEntry { person_id: id, roles: vec![value.clone()] }),
        }
    }
    // People listed without a ticked role had theirs cleared.
    for id in fields(form, "present").iter().filter_map(|id| Uuid::parse_str(id).ok()) {
        if !leadership.iter().any(|l| l.person_id == id) {
            leadership.push(LeadershipEntry { person_id: id, roles: Vec::new() });
        }
    }
    let input = LogInput {
        topics_covered: field(form, "topics_covered").unwrap_or_default(),
        curriculum_session,
        progress: field(form, "progress"),
        adaptations: field(form, "adaptations"),
        activities_offered: field(form, "activities_offered"),
        opportunities: fields(form, "opportunities"),
        safety_concerns: field(form, "safety_concerns"),
        leadership,
        version: version_of(form),
    };
    (input, errors)
}

pub async fn save_log(
    ctx: Ctx,
    Path((gid, sid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (input, errors) = log_input(&form);
    let result = if errors.is_empty() {
        attendance::save_log(&ctx.state, &ctx.actor, gid, sid, &input).await.map(|_| ())
    } else {
        Err(AppError::Invalid(errors))
    };
    let (status, errors, conflict) = match result {
        Ok(()) => {
            ctx.flash("success", "session-log-saved").await?;
            return Ok(see_other(&format!("/groups/{gid}/sessions/{sid}")));
        }
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, false),
        Err(AppError::Conflict) => (StatusCode::CONFLICT, FieldErrors::new(), true),
        Err(other) => return Err(other),
    };
    let view = attendance::session(&ctx.state, &ctx.actor, gid, sid).await?;
    let page = log_view(&ctx, view, Some((&form, &input)), &errors, conflict).await?;
    Ok((status, page).into_response())
}

// ---------- check-out feedback ----------

#[derive(Template, WebTemplate)]
#[template(path = "group_sessions/feedback.html")]
pub struct FeedbackPage {
    pub shell: Shell,
    pub group: support_group::Model,
    pub session: group_session::Model,
    pub zone: String,
    pub people: Vec<Row>,
    pub summary: FeedbackSummary,
    pub values: HashMap<String, String>,
    pub errors: FormErrors,
    pub refusal: Option<String>,
    pub checkout_url: Option<String>,
    pub qr_svg: String,
}

impl FeedbackPage {
    pub fn v(&self, key: &str) -> String {
        self.values.get(key).cloned().unwrap_or_default()
    }
    pub fn when(&self) -> String {
        format_local(&self.zone, self.session.starts_at)
    }
    pub fn person_options(&self) -> Vec<(String, String, bool)> {
        let chosen = self.v("person_id");
        self.people
            .iter()
            .map(|r| (r.person_id.to_string(), r.name.clone(), r.person_id.to_string() == chosen))
            .collect()
    }
    pub fn scale(&self) -> Vec<(String, String)> {
        scale(&self.shell)
    }
    pub fn felt_safe(&self) -> String {
        one_decimal(self.summary.felt_safe)
    }
    pub fn useful(&self) -> String {
        one_decimal(self.summary.useful)
    }
    pub fn base(&self) -> String {
        format!("/groups/{}/sessions/{}", self.group.id, self.session.id)
    }
}

/// The address members open, built from the address this page was reached at.
fn checkout_url(ctx: &Ctx, headers: &HeaderMap, token: &str) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if ctx.state.config.behind_tls { "https" } else { "http" };
    format!("{scheme}://{host}/checkout/{}/{token}", ctx.actor.org_id)
}

async fn feedback_view(
    ctx: &Ctx,
    headers: &HeaderMap,
    view: SessionView,
    values: HashMap<String, String>,
    errors: &FieldErrors,
) -> AppResult<FeedbackPage> {
    if !view.loaded.access.run {
        return Err(AppError::Forbidden);
    }
    let checkout_url = view.session.checkout_token.as_deref().map(|t| checkout_url(ctx, headers, t));
    let qr_svg = checkout_url.as_deref().and_then(crate::auth::qr_svg).unwrap_or_default();
    Ok(FeedbackPage {
        shell: ctx.shell().await?,
        refusal: view.refusal().map(|id| ctx.tr.t(id)),
        people: rows_of(&view.rows, None),
        group: view.loaded.group,
        session: view.session,
        zone: view.time_zone,
        summary: view.feedback,
        values,
        errors: FormErrors::new(&ctx.tr, errors),
        checkout_url,
        qr_svg,
    })
}

pub async fn feedback_page(
    ctx: Ctx,
    headers: HeaderMap,
    Path((gid, sid)): Path<(Uuid, Uuid)>,
) -> AppResult<FeedbackPage> {
    let view = attendance::session(&ctx.state, &ctx.actor, gid, sid).await?;
    feedback_view(&ctx, &headers, view, HashMap::new(), &FieldErrors::new()).await
}

/// The three answers from a form; a choice that is not on the scale is reported on its field.
fn feedback_input(form: &[(String, String)], errors: &mut FieldErrors) -> FeedbackInput {
    let mut scale = |name: &str| match field(form, name).map(|v| v.trim().to_string()) {
        Some(v) if !v.is_empty() => match v.parse::<i16>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.add(name, "error-unknown-choice");
                None
            }
        },
        _ => None,
    };
    let felt_safe = scale("felt_safe");
    let useful = scale("useful");
    FeedbackInput {
        person_id: field(form, "person_id").and_then(|v| Uuid::parse_str(v.trim()).ok()),
        felt_safe,
        useful,
        comment: field(form, "comment"),
    }
}

pub async fn record_feedback(
    ctx: Ctx,
    headers: HeaderMap,
    Path((gid, sid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    let input = feedback_input(&form, &mut errors);
    let result = if errors.is_empty() {
        attendance::record_feedback(&ctx.state, &ctx.actor, gid, sid, &input).await.map(|_| ())
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(()) => {
            ctx.flash("success", "checkout-recorded").await?;
            Ok(see_other(&format!("/groups/{gid}/sessions/{sid}/feedback")))
        }
        Err(AppError::Invalid(errors)) => {
            let view = attendance::session(&ctx.state, &ctx.actor, gid, sid).await?;
            let values = form.into_iter().filter(|(k, _)| k != "csrf_token").collect();
            let page = feedback_view(&ctx, &headers, view, values, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn open_checkout(
    ctx: Ctx,
    Path((gid, sid)): Path<(Uuid, Uuid)>,
    CsrfForm(_form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    match attendance::checkout_token(&ctx.state, &ctx.actor, gid, sid).await {
        Ok(_) => ctx.flash("success", "checkout-link-ready").await?,
        Err(AppError::Invalid(errors)) => {
            super::shell::push_flash(&ctx.session, "error", flash_errors(&ctx.tr, &errors)).await?
        }
        Err(other) => return Err(other),
    }
    Ok(see_other(&format!("/groups/{gid}/sessions/{sid}/feedback#checkout")))
}

// ---------- the public check-out ----------

#[derive(Template, WebTemplate)]
#[template(path = "group_sessions/checkout.html")]
pub struct CheckoutPage {
    pub shell: Shell,
    pub group_name: String,
    pub day: String,
    pub action: String,
    pub values: HashMap<String, String>,
    pub errors: FormErrors,
}

impl CheckoutPage {
    pub fn v(&self, key: &str) -> String {
        self.values.get(key).cloned().unwrap_or_default()
    }
    pub fn scale(&self) -> Vec<(String, String)> {
        scale(&self.shell)
    }
}

/// The check-out has closed (too late, cancelled) or taken all the answers it can.
#[derive(Template, WebTemplate)]
#[template(path = "group_sessions/checkout_closed.html")]
pub struct CheckoutClosedPage {
    pub shell: Shell,
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "group_sessions/checkout_thanks.html")]
pub struct CheckoutThanksPage {
    pub shell: Shell,
}

fn day_of(info: &attendance::CheckoutInfo) -> String {
    let text = format_local(&info.time_zone, info.starts_at);
    text.split_once(' ').map(|(d, _)| d.to_string()).unwrap_or(text)
}

#[allow(clippy::too_many_arguments)]
async fn checkout_response(
    state: &AppState,
    session: &Session,
    jar: &CookieJar,
    headers: &HeaderMap,
    path: &str,
    checkout: Checkout,
    values: HashMap<String, String>,
    errors: &FieldErrors,
) -> AppResult<Response> {
    match checkout {
        Checkout::Open(info) => {
            let shell = public_shell(state, session, jar, headers, &info.org, path).await?;
            let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            let page = CheckoutPage {
                errors: FormErrors::new(&shell.tr, errors),
                day: day_of(&info),
                group_name: info.group_name,
                action: path.to_string(),
                values,
                shell,
            };
            Ok((status, page).into_response())
        }
        Checkout::Closed(org) => {
            let shell = public_shell(state, session, jar, headers, &org, path).await?;
            let page = CheckoutClosedPage { message: shell.t("checkout-closed"), shell };
            Ok((StatusCode::GONE, page).into_response())
        }
        Checkout::Full(org) => {
            let shell = public_shell(state, session, jar, headers, &org, path).await?;
            let page = CheckoutClosedPage { message: shell.t("checkout-full"), shell };
            Ok((StatusCode::GONE, page).into_response())
        }
    }
}

pub async fn checkout_page(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    Path((org_id, token)): Path<(Uuid, String)>,
) -> AppResult<Response> {
    let checkout = attendance::public_checkout(&state, org_id, &token).await?;
    let path = format!("/checkout/{org_id}/{token}");
    checkout_response(&state, &session, &jar, &headers, &path, checkout, HashMap::new(), &FieldErrors::new()).await
}

pub async fn checkout_answer(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    Path((org_id, token)): Path<(Uuid, String)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let path = format!("/checkout/{org_id}/{token}");
    let mut errors = FieldErrors::new();
    let input = FeedbackInput { person_id: None, ..feedback_input(&form, &mut errors) };
    if !errors.is_empty() {
        let checkout = attendance::public_checkout(&state, org_id, &token).await?;
        let values = form.into_iter().filter(|(k, _)| k != "csrf_token").collect();
        return checkout_response(&state, &session, &jar, &headers, &path, checkout, values, &errors).await;
    }
    match attendance::public_answer(&state, org_id, &token, &input).await {
        Ok(Checkout::Open(_)) => Ok(see_other(&format!("{path}/thanks"))),
        Ok(closed) => checkout_response(&state, &session, &jar, &headers, &path, closed, HashMap::new(), &errors).await,
        Err(AppError::Invalid(errors)) => {
            let checkout = attendance::public_checkout(&state, org_id, &token).await?;
            let values = form.into_iter().filter(|(k, _)| k != "csrf_token").collect();
            checkout_response(&state, &session, &jar, &headers, &path, checkout, values, &errors).await
        }
        Err(other) => Err(other),
    }
}

pub async fn checkout_thanks(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    Path((org_id, token)): Path<(Uuid, String)>,
) -> AppResult<CheckoutThanksPage> {
    // Only for a real link, so the page cannot be used to probe organisations.
    attendance::public_checkout(&state, org_id, &token).await?;
    let org = db::org::get(state.db.conn(), org_id).await?.ok_or(AppError::NotFound)?;
    let path = format!("/checkout/{org_id}/{token}/thanks");
    Ok(CheckoutThanksPage { shell: public_shell(&state, &session, &jar, &headers, &org, &path).await? })
}
