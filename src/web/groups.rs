//! Group pages: the list, creating and editing a group, facilitators and their readiness,
//! schedules with overlap warnings, cancelling, moving and adding sessions, members'
//! availability and the best slots; and, open to everyone, the calendar feeds and the public
//! page of open groups.

use super::intake::code_label;
use super::people::PersonView;
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::app::{AppState, format_local};
use crate::db::entities::{facilitator_readiness, group_schedule, group_session, organisation, site, support_group};
use crate::domain::FieldErrors;
use crate::domain::codes::{Country, TextCode};
use crate::domain::groups::{
    Audience, CapacityRule, DayPart, FacilitatorRole, FocusArea, GroupKind, GroupStatus, Membership, ReadinessArea,
    SessionStatus,
};
use crate::domain::schedule::RuleInput;
use crate::error::{AppError, AppResult};
use crate::groups::setup::{
    self, AttestInput, AvailabilitySummary, Checked, DaySlot, ExtraSessionInput, FacilitatorInput, FacilitatorView,
    GroupInput, GroupRow, GroupView, ListFilter, MemberAvailability, Overlap, OverlapKind, ReadinessEntry,
    ScheduleInput, SessionChangeInput, WEEKDAYS, Who,
};
use crate::groups::{Slot, rule_of};
use crate::i18n::Tr;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use std::borrow::Borrow;
use time::OffsetDateTime;
use tower_sessions::Session;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/groups", get(list_page))
        .route("/groups/new", get(new_group).post(create_group))
        .route("/groups/readiness", get(readiness_page).post(attest))
        .route("/groups/groups.js", get(script))
        .route("/groups/open/{org_id}", get(public_page))
        .route("/groups/{id}", get(group_page))
        .route("/groups/{id}/edit", get(edit_group).post(update_group))
        .route("/groups/{id}/facilitators", axum::routing::post(add_facilitator))
        .route("/groups/{id}/facilitators/{fid}/remove", axum::routing::post(remove_facilitator))
        .route("/groups/{id}/schedules/new", get(new_schedule).post(create_schedule))
        .route("/groups/{id}/schedules/{sid}/edit", get(edit_schedule).post(update_schedule))
        .route("/groups/{id}/schedules/{sid}/end", axum::routing::post(end_schedule))
        .route("/groups/{id}/sessions/new", get(new_session).post(create_session))
        .route("/groups/{id}/sessions/{sid}/change", get(change_page).post(change_session))
        .route("/groups/{id}/occurrences/{schedule_id}/{start}/change", get(change_occurrence))
        .route("/groups/{id}/availability", get(availability_page))
        .route("/groups/{id}/members/{mid}/availability", get(member_availability).post(save_availability))
        .route("/calendar/{org_id}/groups/{file}", get(group_feed))
        .route("/calendar/{org_id}/open-groups.ics", get(open_groups_feed))
}

// ---------- helpers ----------

/// The first value sent under `name`.
pub(crate) fn field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

/// Every value sent under `name` (checkbox groups).
pub(crate) fn fields(form: &[(String, String)], name: &str) -> Vec<String> {
    form.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect()
}

fn text(form: &[(String, String)], name: &str) -> String {
    field(form, name).unwrap_or_default()
}

fn optional(form: &[(String, String)], name: &str) -> Option<String> {
    field(form, name).filter(|v| !v.trim().is_empty())
}

fn uuid_field(form: &[(String, String)], name: &str) -> Option<Uuid> {
    field(form, name).and_then(|v| Uuid::parse_str(v.trim()).ok())
}

fn version_of(form: &[(String, String)]) -> i32 {
    field(form, "version").and_then(|v| v.parse().ok()).unwrap_or(0)
}

pub(crate) fn flash_errors(tr: &Tr, errors: &FieldErrors) -> String {
    errors.0.iter().map(|e| tr.field_error(e)).collect::<Vec<_>>().join(" ")
}

fn options<T: TextCode>(tr: &Tr, selected: &[String]) -> Vec<(&'static str, String, bool)> {
    T::all().iter().map(|c| (c.code(), tr.t(&c.message_id()), selected.iter().any(|s| s == c.code()))).collect()
}

fn labels<T: TextCode>(tr: &Tr, joined: &str) -> String {
    joined.split(';').filter(|c| !c.is_empty()).map(|c| code_label::<T>(tr, c)).collect::<Vec<_>>().join(", ")
}

/// A schedule in words: "Weekly on Tuesday at 18:00, until 2027-06-30 · 90 minutes".
pub fn describe_schedule(tr: &Tr, schedule: &group_schedule::Model) -> String {
    let rule = rule_of(schedule);
    let (id, args) = rule.describe();
    let mut text = tr.with_args(id, &args);
    if let Some((id, args)) = rule.describe_end() {
        text.push_str(", ");
        text.push_str(&tr.with_args(id, &args));
    }
    text.push_str(" · ");
    text.push_str(&tr.t1("group-minutes", "minutes", schedule.minutes));
    text
}

fn describe_all(tr: &Tr, schedules: &[group_schedule::Model]) -> String {
    let active: Vec<String> = schedules.iter().filter(|s| s.active).map(|s| describe_schedule(tr, s)).collect();
    if active.is_empty() { tr.t("group-no-schedule") } else { active.join("; ") }
}

fn missing_text(tr: &Tr, f: &FacilitatorView) -> String {
    f.readiness.missing.iter().map(|a| tr.t(&a.message_id())).collect::<Vec<_>>().join(", ")
}

/// A session as the group page and the public page list it.
pub struct SlotView {
    pub when: String,
    pub until: String,
    pub status: String,
    pub cancelled: bool,
    pub moved: bool,
    pub room: Option<String>,
    pub link: String,
    pub change_link: String,
}

fn slot_view(tr: &Tr, zone: &str, s: &Slot) -> SlotView {
    let (base, change) = match (s.session_id, s.schedule_id, s.occurrence_start) {
        (Some(id), _, _) => {
            (format!("/groups/{}/sessions/{id}", s.group_id), format!("/groups/{}/sessions/{id}/change", s.group_id))
        }
        (None, Some(schedule), Some(at)) => {
            let link = format!("/groups/{}/occurrences/{schedule}/{}", s.group_id, at.unix_timestamp());
            (link.clone(), format!("{link}/change"))
        }
        _ => (format!("/groups/{}", s.group_id), format!("/groups/{}", s.group_id)),
    };
    let end = format_local(zone, s.ends_at);
    SlotView {
        when: format!("{} {}", weekday_name(tr, zone, s.starts_at), format_local(zone, s.starts_at)),
        until: end.split_once(' ').map(|(_, t)| t.to_string()).unwrap_or(end),
        status: tr.t(&s.status.message_id()),
        cancelled: s.status == SessionStatus::Cancelled,
        moved: s.moved,
        room: s.room.clone(),
        link: base,
        change_link: change,
    }
}

fn weekday_name(tr: &Tr, zone: &str, at: OffsetDateTime) -> String {
    let day = crate::app::local_date(zone, at).weekday().number_days_from_monday() as usize;
    tr.t(&format!("groups-weekday-short-{}", WEEKDAYS[day].to_lowercase()))
}

fn overlap_text(tr: &Tr, zone: &str, o: &Overlap) -> String {
    let when = format!("{} {}", weekday_name(tr, zone, o.starts_at), format_local(zone, o.starts_at));
    match (o.kind, &o.facilitator) {
        (OverlapKind::Facilitator, Some(name)) => tr.with_args(
            "group-overlap-facilitator",
            &[("group", o.group_name.clone()), ("when", when), ("name", name.clone())],
        ),
        _ => tr.with_args("group-overlap-room", &[("group", o.group_name.clone()), ("when", when)]),
    }
}

/// Overlaps shown on a form: at most this many, with a count of the rest.
const OVERLAPS_SHOWN: usize = 12;

fn overlap_lines(tr: &Tr, zone: &str, overlaps: &[Overlap]) -> Vec<String> {
    let mut lines: Vec<String> = overlaps.iter().take(OVERLAPS_SHOWN).map(|o| overlap_text(tr, zone, o)).collect();
    if overlaps.len() > OVERLAPS_SHOWN {
        lines.push(tr.t1("group-overlap-more", "count", overlaps.len() - OVERLAPS_SHOWN));
    }
    lines
}

/// The layout for a page anyone may open, in the colours of the organisation it is about (its
/// name and crisis numbers, not those of the first organisation on the server).
pub(crate) async fn public_shell(
    state: &AppState,
    session: &Session,
    jar: &CookieJar,
    headers: &HeaderMap,
    org: &organisation::Model,
    path: &str,
) -> AppResult<Shell> {
    let mut shell = Shell::anonymous(state, session, jar, headers, path).await?;
    shell.org_name = org.name.clone();
    shell.emergency_number = org.emergency_number.clone();
    shell.crisis_line = Country::parse(&org.country).unwrap_or(Country::Us).crisis_line().to_string();
    Ok(shell)
}

/// The address people subscribe to (this server, as the browser reached it).
fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if state.config.behind_tls { "https" } else { "http" };
    format!("{scheme}://{host}")
}

// ---------- the list ----------

#[derive(Template, WebTemplate)]
#[template(path = "groups/index.html")]
pub struct ListPage {
    pub shell: Shell,
    pub rows: Vec<GroupRow>,
    pub programs: Vec<(String, String, bool)>,
    pub statuses: Vec<(&'static str, String, bool)>,
    pub can_create: bool,
    pub can_attest: bool,
    pub zone: String,
    pub public_link: String,
    pub no_errors: FormErrors,
}

impl ListPage {
    pub fn kind(&self, code: &str) -> String {
        code_label::<GroupKind>(&self.shell.tr, code)
    }
    pub fn status(&self, code: &str) -> String {
        code_label::<GroupStatus>(&self.shell.tr, code)
    }
    pub fn schedule(&self, row: &GroupRow) -> String {
        describe_all(&self.shell.tr, &row.schedules)
    }
    pub fn next(&self, row: &GroupRow) -> String {
        match &row.next {
            Some(s) => slot_view(&self.shell.tr, &self.zone, s).when,
            None => "—".into(),
        }
    }
    pub fn facilitators(&self, row: &GroupRow) -> String {
        let names: Vec<String> = row.facilitators.iter().map(|f| f.name.clone()).collect();
        if names.is_empty() { self.shell.t("group-no-facilitators") } else { names.join(", ") }
    }
    pub fn warning(&self, row: &GroupRow) -> Option<String> {
        let unready = row.unready();
        if row.facilitators.is_empty() {
            return Some(self.shell.t("group-warning-no-facilitator"));
        }
        if unready.is_empty() {
            return None;
        }
        let lines: Vec<String> =
            unready.iter().map(|f| format!("{}: {}", f.name, missing_text(&self.shell.tr, f))).collect();
        Some(self.shell.t1("group-warning-readiness", "list", lines.join("; ")))
    }
}

pub async fn list_page(ctx: Ctx, axum::extract::RawQuery(raw): axum::extract::RawQuery) -> AppResult<ListPage> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
    let filter = ListFilter { program_id: uuid_field(&pairs, "program_id"), status: optional(&pairs, "status") };
    let rows = setup::list_groups(&ctx.state, &ctx.actor, &filter).await?;
    let choices = setup::choices(&ctx.state, &ctx.actor).await?;
    let selected_program = filter.program_id.map(|p| p.to_string()).unwrap_or_default();
    let selected_status = filter.status.clone().unwrap_or_default();
    let entry = ctx.entry("group.list").detail(serde_json::json!({ "results": rows.len() }));
    crate::db::audit::append_soon(&ctx.state.db, entry, ctx.state.clock.now()).await?;
    Ok(ListPage {
        can_create: !choices.creatable_programs(&ctx.actor).is_empty(),
        can_attest: crate::access::may_attest_readiness(&ctx.actor),
        programs: choices
            .programs
            .iter()
            .map(|p| (p.id.to_string(), p.name.clone(), p.id.to_string() == selected_program))
            .collect(),
        statuses: GroupStatus::ALL
            .iter()
            .map(|s| (s.code(), ctx.tr.t(&s.message_id()), s.code() == selected_status))
            .collect(),
        rows,
        zone: ctx.org.time_zone.clone(),
        public_link: format!("/groups/open/{}", ctx.org.id),
        no_errors: FormErrors::default(),
        shell: ctx.shell().await?,
    })
}

// ---------- creating and editing ----------

#[derive(Template, WebTemplate)]
#[template(path = "groups/form.html")]
pub struct GroupForm {
    pub shell: Shell,
    pub action: String,
    pub input: GroupInput,
    pub errors: FormErrors,
    /// Set when editing.
    pub group_id: Option<Uuid>,
    pub version: Option<i32>,
    /// Someone else saved first: the form keeps what was typed.
    pub conflict: bool,
    pub programs: Vec<(String, String, bool)>,
    pub sites: Vec<(String, String, bool)>,
    pub curricula: Vec<(String, String, bool)>,
    pub focus: Vec<(&'static str, String, bool)>,
    /// The current version of the curriculum when the group follows an older one.
    pub newer_version: Option<i32>,
}

impl GroupForm {
    pub fn kind_options(&self) -> Vec<(&'static str, String, bool)> {
        options::<GroupKind>(&self.shell.tr, std::slice::from_ref(&self.input.kind))
    }
    pub fn audience_options(&self) -> Vec<(&'static str, String, bool)> {
        options::<Audience>(&self.shell.tr, &self.input.audience)
    }
    pub fn membership_options(&self) -> Vec<(&'static str, String, bool)> {
        options::<Membership>(&self.shell.tr, std::slice::from_ref(&self.input.membership))
    }
    pub fn capacity_rule_options(&self) -> Vec<(&'static str, String, bool)> {
        options::<CapacityRule>(&self.shell.tr, std::slice::from_ref(&self.input.capacity_rule))
    }
    pub fn status_options(&self) -> Vec<(&'static str, String, bool)> {
        options::<GroupStatus>(&self.shell.tr, std::slice::from_ref(&self.input.status))
    }
    pub fn capacity(&self) -> String {
        self.input.capacity.clone().unwrap_or_default()
    }
    pub fn description(&self) -> String {
        self.input.description.clone().unwrap_or_default()
    }
    pub fn room(&self) -> String {
        self.input.room.clone().unwrap_or_default()
    }
    pub fn online_link(&self) -> String {
        self.input.online_link.clone().unwrap_or_default()
    }
}

async fn group_form(
    ctx: &Ctx,
    input: GroupInput,
    errors: &FieldErrors,
    editing: Option<(Uuid, i32)>,
    conflict: bool,
) -> AppResult<GroupForm> {
    let choices = setup::choices(&ctx.state, &ctx.actor).await?;
    let program = input.program_id.map(|p| p.to_string()).unwrap_or_default();
    let site = input.site_id.map(|p| p.to_string()).unwrap_or_default();
    let curriculum = input.curriculum_id.map(|p| p.to_string()).unwrap_or_default();
    // New groups go in programs the actor may start groups in; an edit keeps its own program.
    let programs = choices
        .programs
        .iter()
        .filter(|p| p.id.to_string() == program || (p.active && crate::access::may_create_group(&ctx.actor, p.id)))
        .map(|p| (p.id.to_string(), p.name.clone(), p.id.to_string() == program))
        .collect();
    let newer_version = match editing {
        Some((id, _)) => {
            let saved = crate::groups::load(&ctx.state, &ctx.actor, id).await?.group;
            let current =
                choices.curricula.iter().find(|c| Some(c.id) == saved.curriculum_id).map(|c| c.current_version);
            current.filter(|v| saved.curriculum_version.is_some_and(|mine| mine < *v))
        }
        None => None,
    };
    Ok(GroupForm {
        newer_version,
        action: match editing {
            Some((id, _)) => format!("/groups/{id}/edit"),
            None => "/groups/new".into(),
        },
        group_id: editing.map(|e| e.0),
        version: editing.map(|e| e.1),
        conflict,
        programs,
        sites: choices
            .sites
            .iter()
            .filter(|s| s.active || s.id.to_string() == site)
            .map(|s| (s.id.to_string(), s.name.clone(), s.id.to_string() == site))
            .collect(),
        curricula: choices
            .curricula
            .iter()
            .filter(|c| c.status == "active" || c.id.to_string() == curriculum)
            .map(|c| (c.id.to_string(), c.title.clone(), c.id.to_string() == curriculum))
            .collect(),
        focus: choices
            .focus
            .iter()
            .map(|f| (f.code(), ctx.tr.t(&f.message_id()), input.focus_areas.iter().any(|x| x == f.code())))
            .collect(),
        errors: FormErrors::new(&ctx.tr, errors),
        input,
        shell: ctx.shell().await?,
    })
}

fn group_input(form: &[(String, String)]) -> GroupInput {
    GroupInput {
        program_id: uuid_field(form, "program_id"),
        name: text(form, "name"),
        kind: text(form, "kind"),
        focus_areas: fields(form, "focus_areas"),
        audience: fields(form, "audience"),
        description: optional(form, "description"),
        membership: text(form, "membership"),
        capacity: optional(form, "capacity"),
        capacity_rule: text(form, "capacity_rule"),
        language: text(form, "language"),
        site_id: uuid_field(form, "site_id"),
        room: optional(form, "room"),
        online_link: optional(form, "online_link"),
        peer_led: field(form, "peer_led").is_some(),
        listed_publicly: field(form, "listed_publicly").is_some(),
        curriculum_id: uuid_field(form, "curriculum_id"),
        use_current_version: field(form, "use_current_version").is_some(),
        status: text(form, "status"),
    }
}

pub async fn new_group(ctx: Ctx) -> AppResult<GroupForm> {
    let choices = setup::choices(&ctx.state, &ctx.actor).await?;
    let creatable = choices.creatable_programs(&ctx.actor);
    if creatable.is_empty() {
        return Err(setup_denied(&ctx, "group.create").await);
    }
    let input = GroupInput {
        program_id: (creatable.len() == 1).then(|| creatable[0].id),
        membership: Membership::Open.code().into(),
        capacity_rule: CapacityRule::Warn.code().into(),
        status: GroupStatus::Active.code().into(),
        audience: vec![Audience::Individuals.code().into()],
        language: ctx.tr.t("group-default-language"),
        ..GroupInput::default()
    };
    group_form(&ctx, input, &FieldErrors::new(), None, false).await
}

async fn setup_denied(ctx: &Ctx, what: &str) -> AppError {
    let entry = ctx
        .entry("access.denied")
        .outcome(crate::audit::Outcome::Denied)
        .record("organisation", ctx.actor.org_id)
        .detail(serde_json::json!({ "action": what }));
    match crate::db::audit::append_now(&ctx.state.db, entry, ctx.state.clock.now()).await {
        Ok(()) => AppError::Forbidden,
        Err(e) => e.into(),
    }
}

pub async fn create_group(ctx: Ctx, CsrfForm(form): CsrfForm<Vec<(String, String)>>) -> AppResult<Response> {
    let input = group_input(&form);
    match setup::create_group(&ctx.state, &ctx.actor, &input).await {
        Ok(group) => {
            ctx.flash("success", "group-created").await?;
            Ok(see_other(&format!("/groups/{}", group.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let page = group_form(&ctx, input, &errors, None, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn edit_group(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<GroupForm> {
    let loaded = crate::groups::load(&ctx.state, &ctx.actor, id).await?;
    crate::groups::require(&ctx.state, &ctx.actor, loaded.access.manage, "group.update", id).await?;
    let input = GroupInput::of(&loaded.group);
    group_form(&ctx, input, &FieldErrors::new(), Some((id, loaded.group.version)), false).await
}

pub async fn update_group(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = group_input(&form);
    let version = version_of(&form);
    match setup::update_group(&ctx.state, &ctx.actor, id, version, &input).await {
        Ok(_) => {
            ctx.flash("success", "group-saved").await?;
            Ok(see_other(&format!("/groups/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let page = group_form(&ctx, input, &errors, Some((id, version)), false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            // Keep what was typed; saving again (after a look at the saved group) goes on top.
            let current = crate::groups::load(&ctx.state, &ctx.actor, id).await?;
            let page = group_form(&ctx, input, &FieldErrors::new(), Some((id, current.group.version)), true).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- the group page ----------

#[derive(Template, WebTemplate)]
#[template(path = "groups/show.html")]
pub struct GroupPage {
    pub shell: Shell,
    pub view: GroupView,
    pub group: support_group::Model,
    pub zone: String,
    pub schedules: Vec<(group_schedule::Model, String)>,
    pub upcoming: Vec<SlotView>,
    pub recent: Vec<SlotView>,
    pub staff_options: Vec<(String, String, bool)>,
    pub feed_url: String,
    pub webcal_url: String,
    pub public_link: String,
    pub errors: FormErrors,
    /// The aims of peer support this group serves (`community/_aims.html`).
    pub aims_panel: crate::web::community::AimsPanel,
}

impl GroupPage {
    pub fn kind(&self) -> String {
        code_label::<GroupKind>(&self.shell.tr, &self.group.kind)
    }
    pub fn status(&self) -> String {
        code_label::<GroupStatus>(&self.shell.tr, &self.group.status)
    }
    pub fn membership(&self) -> String {
        code_label::<Membership>(&self.shell.tr, &self.group.membership)
    }
    pub fn focus(&self) -> String {
        labels::<FocusArea>(&self.shell.tr, &self.group.focus_areas)
    }
    pub fn audience(&self) -> String {
        labels::<Audience>(&self.shell.tr, &self.group.audience)
    }
    pub fn capacity(&self) -> String {
        match self.group.capacity {
            Some(c) => format!("{} · {}", c, code_label::<CapacityRule>(&self.shell.tr, &self.group.capacity_rule)),
            None => self.shell.t("group-capacity-none"),
        }
    }
    pub fn place(&self) -> String {
        let mut parts = Vec::new();
        if let Some(site) = &self.view.site {
            parts.push(site.name.clone());
        }
        if let Some(room) = &self.group.room {
            parts.push(room.clone());
        }
        if self.group.online_link.is_some() {
            parts.push(self.shell.t("group-online"));
        }
        parts.join(" · ")
    }
    pub fn role(&self, code: &str) -> String {
        code_label::<FacilitatorRole>(&self.shell.tr, code)
    }
    pub fn missing(&self, f: &FacilitatorView) -> String {
        missing_text(&self.shell.tr, f)
    }
    pub fn lapsed_line(&self, f: &FacilitatorView, since: &time::Date) -> String {
        let date = since.to_string();
        self.shell.tr.with_args("training-certification-lapsed-line", &[("name", f.name.clone()), ("date", date)])
    }
    pub fn missing_line(&self, f: &FacilitatorView) -> String {
        self.shell.tr.with_args("group-readiness-missing", &[("name", f.name.clone()), ("missing", self.missing(f))])
    }
    pub fn curriculum(&self) -> Option<String> {
        let title = self.view.curriculum_title.clone()?;
        Some(match self.group.curriculum_version {
            Some(v) => format!("{title} ({})", self.shell.t1("group-curriculum-version", "version", v)),
            None => title,
        })
    }
    pub fn role_options(&self) -> Vec<(&'static str, String, bool)> {
        options::<FacilitatorRole>(&self.shell.tr, &[FacilitatorRole::Lead.code().to_string()])
    }
    pub fn when(&self, at: impl Borrow<OffsetDateTime>) -> String {
        format_local(&self.zone, *at.borrow())
    }
}

async fn group_page_for(ctx: &Ctx, headers: &HeaderMap, id: Uuid, errors: &FieldErrors) -> AppResult<GroupPage> {
    let view = setup::group_view(&ctx.state, &ctx.actor, id).await?;
    let tr = ctx.tr;
    let zone = ctx.org.time_zone.clone();
    let staff = crate::db::staff::active(&ctx.state.db, ctx.actor.org_id).await?;
    let taken: Vec<Uuid> = view.facilitators.iter().filter_map(|f| f.row.staff_id).collect();
    let path = format!("/calendar/{}/groups/{}.ics", ctx.org.id, view.group().feed_token);
    let base = base_url(&ctx.state, headers);
    let host = base.split_once("://").map(|(_, h)| h.to_string()).unwrap_or_default();
    let aims_panel = crate::web::community::aims_panel(
        ctx,
        crate::domain::community::AimSubject::Group,
        id,
        crate::web::community::may_tag_group(&view.loaded),
        &format!("/groups/{id}#aims"),
    )
    .await?;
    Ok(GroupPage {
        aims_panel,
        group: view.group().clone(),
        schedules: view.schedules.iter().map(|s| (s.clone(), describe_schedule(&tr, s))).collect(),
        upcoming: view.upcoming.iter().map(|s| slot_view(&tr, &zone, s)).collect(),
        recent: view.recent.iter().map(|s| slot_view(&tr, &zone, s)).collect(),
        staff_options: staff
            .into_iter()
            .filter(|s| !taken.contains(&s.id))
            .map(|s| (s.id.to_string(), s.display_name, false))
            .collect(),
        feed_url: format!("{base}{path}"),
        webcal_url: format!("webcal://{host}{path}"),
        public_link: format!("/groups/open/{}", ctx.org.id),
        errors: FormErrors::new(&tr, errors),
        zone,
        view,
        shell: ctx.shell().await?,
    })
}

pub async fn group_page(ctx: Ctx, headers: HeaderMap, Path(id): Path<Uuid>) -> AppResult<GroupPage> {
    group_page_for(&ctx, &headers, id, &FieldErrors::new()).await
}

pub async fn add_facilitator(
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = FacilitatorInput {
        staff_id: uuid_field(&form, "staff_id"),
        volunteer_name: optional(&form, "volunteer_name"),
        role: text(&form, "role"),
    };
    match setup::add_facilitator(&ctx.state, &ctx.actor, id, &input).await {
        Ok(added) if added.readiness.ready() => {
            ctx.flash("success", "group-facilitator-added").await?;
            Ok(see_other(&format!("/groups/{id}#facilitators")))
        }
        Ok(added) => {
            let text = ctx.tr.with_args(
                "group-facilitator-added-unready",
                &[("name", added.name.clone()), ("missing", missing_text(&ctx.tr, &added))],
            );
            super::shell::push_flash(&ctx.session, "warning", text).await?;
            Ok(see_other(&format!("/groups/{id}#facilitators")))
        }
        Err(AppError::Invalid(errors)) => {
            let page = group_page_for(&ctx, &headers, id, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn remove_facilitator(
    ctx: Ctx,
    Path((id, fid)): Path<(Uuid, Uuid)>,
    CsrfForm(_form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    setup::remove_facilitator(&ctx.state, &ctx.actor, id, fid).await?;
    ctx.flash("success", "group-facilitator-removed").await?;
    Ok(see_other(&format!("/groups/{id}#facilitators")))
}

// ---------- readiness ----------

#[derive(Template, WebTemplate)]
#[template(path = "groups/readiness.html")]
pub struct ReadinessPage {
    pub shell: Shell,
    pub entries: Vec<ReadinessEntry>,
    pub can_attest: bool,
    pub staff: Vec<(String, String, bool)>,
    pub errors: FormErrors,
    pub zone: String,
    pub names: std::collections::HashMap<Uuid, String>,
    pub selected: String,
}

impl ReadinessPage {
    pub fn area_options(&self) -> Vec<(&'static str, String, bool)> {
        options::<ReadinessArea>(&self.shell.tr, &[])
    }
    pub fn areas(&self, joined: &str) -> String {
        let text = labels::<ReadinessArea>(&self.shell.tr, joined);
        if text.is_empty() { self.shell.t("readiness-none") } else { text }
    }
    pub fn area_list(&self, e: &ReadinessEntry) -> String {
        e.readiness.areas.iter().map(|a| self.shell.t(&a.message_id())).collect::<Vec<_>>().join(", ")
    }
    pub fn missing_list(&self, e: &ReadinessEntry) -> String {
        e.readiness.missing.iter().map(|a| self.shell.t(&a.message_id())).collect::<Vec<_>>().join(", ")
    }
    pub fn when(&self, at: impl Borrow<OffsetDateTime>) -> String {
        format_local(&self.zone, *at.borrow())
    }
    pub fn by(&self, r: &facilitator_readiness::Model) -> String {
        self.names.get(&r.attested_by).cloned().unwrap_or_default()
    }
    pub fn key(&self, e: &ReadinessEntry) -> String {
        e.who.key()
    }
    /// A staff member's readiness comes from their training records: the page to see or change them.
    pub fn training_link(&self, e: &ReadinessEntry) -> Option<String> {
        match e.who {
            Who::Staff(id) => Some(format!("/team/{id}/training")),
            Who::Volunteer(_) => None,
        }
    }
    pub fn attest_link(&self, e: &ReadinessEntry) -> String {
        let query = serde_urlencoded::to_string([("who", e.who.key())]).unwrap_or_default();
        format!("/groups/readiness?{query}#attest")
    }
    /// Volunteers the page lists, for the attestation form.
    pub fn volunteers(&self) -> Vec<(String, String, bool)> {
        self.entries
            .iter()
            .filter(|e| e.volunteer)
            .map(|e| (e.who.key(), e.name.clone(), e.who.key() == self.selected))
            .collect()
    }
}

async fn readiness_page_for(ctx: &Ctx, errors: &FieldErrors, selected: String) -> AppResult<ReadinessPage> {
    let entries = setup::readiness_list(&ctx.state, &ctx.actor).await?;
    let can_attest = crate::access::may_attest_readiness(&ctx.actor);
    // A staff member's skills go into their personnel record: only those whose record the
    // attester manages (their supervisees, their programs' staff), never themselves.
    let staff = if can_attest && crate::access::may_view_team(&ctx.actor) {
        crate::personnel::team(&ctx.state, &ctx.actor, "group.readiness.attest")
            .await?
            .into_iter()
            .filter(|s| s.id != ctx.actor.staff_id)
            .collect()
    } else {
        Vec::new()
    };
    let names = setup::staff_names(&ctx.state, ctx.actor.org_id).await?;
    Ok(ReadinessPage {
        can_attest,
        staff: staff
            .into_iter()
            .map(|s| {
                let key = Who::Staff(s.id).key();
                (key.clone(), s.display_name, key == selected)
            })
            .collect(),
        entries,
        errors: FormErrors::new(&ctx.tr, errors),
        zone: ctx.org.time_zone.clone(),
        names,
        selected,
        shell: ctx.shell().await?,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct ReadinessQuery {
    #[serde(default)]
    who: Option<String>,
}

pub async fn readiness_page(ctx: Ctx, Query(q): Query<ReadinessQuery>) -> AppResult<ReadinessPage> {
    readiness_page_for(&ctx, &FieldErrors::new(), q.who.unwrap_or_default()).await
}

pub async fn attest(ctx: Ctx, CsrfForm(form): CsrfForm<Vec<(String, String)>>) -> AppResult<Response> {
    let who = text(&form, "who");
    let typed = optional(&form, "new_volunteer");
    let (staff_id, volunteer_name) = match (who.split_once(':'), typed) {
        (_, Some(name)) => (None, Some(name)),
        (Some(("staff", id)), None) => (Uuid::parse_str(id).ok(), None),
        (Some(("volunteer", _)), None) => {
            // The page offers volunteers by their key; the stored spelling comes from the list.
            let entries = setup::readiness_list(&ctx.state, &ctx.actor).await?;
            (None, entries.into_iter().find(|e| e.who.key() == who).map(|e| e.name))
        }
        _ => (None, None),
    };
    let input = AttestInput { staff_id, volunteer_name, areas: fields(&form, "areas"), note: optional(&form, "note") };
    match setup::attest(&ctx.state, &ctx.actor, &input).await {
        Ok(_) => {
            ctx.flash("success", "readiness-recorded").await?;
            Ok(see_other("/groups/readiness"))
        }
        Err(AppError::Invalid(mut errors)) => {
            // The form names the person in one field.
            for e in errors.0.iter_mut() {
                if e.field == "staff_id" || e.field == "volunteer_name" {
                    e.field = "who".into();
                }
            }
            let page = readiness_page_for(&ctx, &errors, who).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- schedules ----------

#[derive(Template, WebTemplate)]
#[template(path = "groups/schedule_form.html")]
pub struct ScheduleForm {
    pub shell: Shell,
    pub group: support_group::Model,
    pub action: String,
    pub rule: RuleInput,
    pub room: String,
    pub version: Option<i32>,
    pub errors: FormErrors,
    pub overlaps: Vec<String>,
    pub conflict: bool,
}

impl ScheduleForm {
    pub fn frequencies(&self) -> Vec<(&'static str, String, bool)> {
        ["once", "weekly", "monthly-weekday", "monthly-date", "custom"]
            .into_iter()
            .map(|f| (f, self.shell.t(&format!("schedule-form-frequency-{f}")), self.rule.frequency == f))
            .collect()
    }
    pub fn weekdays(&self) -> Vec<(&'static str, String, bool)> {
        WEEKDAYS
            .iter()
            .map(|d| {
                (
                    *d,
                    self.shell.t(&format!("groups-weekday-{}", d.to_lowercase())),
                    self.rule.weekdays.iter().any(|w| w == d),
                )
            })
            .collect()
    }
    pub fn weekday_options(&self) -> Vec<(&'static str, String, bool)> {
        WEEKDAYS
            .iter()
            .map(|d| (*d, self.shell.t(&format!("groups-weekday-{}", d.to_lowercase())), self.rule.weekday == *d))
            .collect()
    }
    pub fn week_options(&self) -> Vec<(&'static str, String, bool)> {
        ["1", "2", "3", "4", "-1"]
            .into_iter()
            .map(|w| {
                let id =
                    if w == "-1" { "schedule-form-week-last".to_string() } else { format!("schedule-form-week-{w}") };
                (w, self.shell.t(&id), self.rule.week_of_month == w)
            })
            .collect()
    }
}

async fn schedule_form(
    ctx: &Ctx,
    group_id: Uuid,
    (rule, room): (RuleInput, String),
    editing: Option<(Uuid, i32)>,
    errors: &FieldErrors,
    overlaps: &[Overlap],
    conflict: bool,
) -> AppResult<ScheduleForm> {
    let loaded = crate::groups::load(&ctx.state, &ctx.actor, group_id).await?;
    Ok(ScheduleForm {
        action: match editing {
            Some((sid, _)) => format!("/groups/{group_id}/schedules/{sid}/edit"),
            None => format!("/groups/{group_id}/schedules/new"),
        },
        group: loaded.group,
        rule,
        room,
        version: editing.map(|e| e.1),
        errors: FormErrors::new(&ctx.tr, errors),
        overlaps: overlap_lines(&ctx.tr, &ctx.org.time_zone, overlaps),
        conflict,
        shell: ctx.shell().await?,
    })
}

fn schedule_input(form: &[(String, String)]) -> ScheduleInput {
    ScheduleInput {
        rule: RuleInput {
            frequency: text(form, "frequency"),
            interval: text(form, "interval"),
            weekdays: fields(form, "weekdays"),
            week_of_month: text(form, "week_of_month"),
            weekday: text(form, "weekday"),
            month_day: text(form, "month_day"),
            rrule: text(form, "rrule"),
            starts_on: text(form, "starts_on"),
            start_time: text(form, "start_time"),
            minutes: text(form, "minutes"),
            until: text(form, "until"),
            count: text(form, "count"),
        },
        room: optional(form, "room"),
        confirm_overlap: field(form, "confirm_overlap").is_some(),
    }
}

async fn require_manage(ctx: &Ctx, group_id: Uuid, what: &str) -> AppResult<()> {
    let loaded = crate::groups::load(&ctx.state, &ctx.actor, group_id).await?;
    crate::groups::require(&ctx.state, &ctx.actor, loaded.access.manage, what, group_id).await
}

pub async fn new_schedule(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<ScheduleForm> {
    require_manage(&ctx, id, "group.schedule.create").await?;
    let rule = RuleInput {
        frequency: "weekly".into(),
        interval: "1".into(),
        starts_on: ctx.today().to_string(),
        start_time: "18:00".into(),
        minutes: "90".into(),
        ..RuleInput::default()
    };
    schedule_form(&ctx, id, (rule, String::new()), None, &FieldErrors::new(), &[], false).await
}

pub async fn create_schedule(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = schedule_input(&form);
    let room = input.room.clone().unwrap_or_default();
    match setup::create_schedule(&ctx.state, &ctx.actor, id, &input).await {
        Ok(Checked::Saved(_)) => {
            ctx.flash("success", "group-schedule-saved").await?;
            Ok(see_other(&format!("/groups/{id}#schedules")))
        }
        Ok(Checked::Overlaps(overlaps)) => {
            let page = schedule_form(&ctx, id, (input.rule, room), None, &FieldErrors::new(), &overlaps, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let page = schedule_form(&ctx, id, (input.rule, room), None, &errors, &[], false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn edit_schedule(ctx: Ctx, Path((id, sid)): Path<(Uuid, Uuid)>) -> AppResult<ScheduleForm> {
    require_manage(&ctx, id, "group.schedule.update").await?;
    let (_, schedule) = setup::schedule(&ctx.state, &ctx.actor, id, sid).await?;
    let rule = rule_of(&schedule).to_input();
    let room = schedule.room.clone().unwrap_or_default();
    schedule_form(&ctx, id, (rule, room), Some((sid, schedule.version)), &FieldErrors::new(), &[], false).await
}

pub async fn update_schedule(
    ctx: Ctx,
    Path((id, sid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = schedule_input(&form);
    let version = version_of(&form);
    let room = input.room.clone().unwrap_or_default();
    match setup::update_schedule(&ctx.state, &ctx.actor, id, sid, version, &input).await {
        Ok(Checked::Saved(_)) => {
            ctx.flash("success", "group-schedule-saved").await?;
            Ok(see_other(&format!("/groups/{id}#schedules")))
        }
        Ok(Checked::Overlaps(overlaps)) => {
            let page = schedule_form(
                &ctx,
                id,
                (input.rule, room),
                Some((sid, version)),
                &FieldErrors::new(),
                &overlaps,
                false,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let page = schedule_form(&ctx, id, (input.rule, room), Some((sid, version)), &errors, &[], false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let (_, current) = setup::schedule(&ctx.state, &ctx.actor, id, sid).await?;
            let page = schedule_form(
                &ctx,
                id,
                (input.rule, room),
                Some((sid, current.version)),
                &FieldErrors::new(),
                &[],
                true,
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn end_schedule(
    ctx: Ctx,
    Path((id, sid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    match setup::end_schedule(&ctx.state, &ctx.actor, id, sid, version_of(&form)).await {
        Ok(_) => ctx.flash("success", "group-schedule-ended").await?,
        Err(AppError::Conflict) => ctx.flash("error", "error-changed-meanwhile").await?,
        Err(other) => return Err(other),
    }
    Ok(see_other(&format!("/groups/{id}#schedules")))
}

// ---------- one session: cancel, move, restore; extra sessions ----------

#[derive(Template, WebTemplate)]
#[template(path = "groups/session_change.html")]
pub struct ChangePage {
    pub shell: Shell,
    pub group: support_group::Model,
    pub session: group_session::Model,
    pub when: String,
    pub original: Option<String>,
    pub action: String,
    pub values: SessionChangeInput,
    pub errors: FormErrors,
    pub overlaps: Vec<String>,
    pub cancelled: bool,
    pub attended: bool,
}

impl ChangePage {
    pub fn reason(&self) -> String {
        self.values.reason.clone().unwrap_or_default()
    }
    pub fn minutes(&self) -> String {
        self.values.minutes.clone().unwrap_or_default()
    }
    pub fn room(&self) -> String {
        self.values.room.clone().unwrap_or_default()
    }
    pub fn status(&self) -> String {
        code_label::<SessionStatus>(&self.shell.tr, &self.session.status)
    }
}

async fn change_page_for(
    ctx: &Ctx,
    id: Uuid,
    sid: Uuid,
    values: Option<SessionChangeInput>,
    errors: &FieldErrors,
    overlaps: &[Overlap],
) -> AppResult<ChangePage> {
    let (loaded, session) = setup::session(&ctx.state, &ctx.actor, id, sid).await?;
    crate::groups::require(&ctx.state, &ctx.actor, loaded.access.run, "group.session.change", id).await?;
    let zone = ctx.org.time_zone.clone();
    let values = values.unwrap_or_else(|| {
        let (date, time) = setup::local_parts(&zone, session.starts_at);
        SessionChangeInput {
            date: date.to_string(),
            time,
            minutes: Some(((session.ends_at - session.starts_at).whole_minutes()).to_string()),
            room: session.room.clone(),
            ..SessionChangeInput::default()
        }
    });
    let attended = setup::has_records(ctx.state.db.conn(), &session).await?;
    Ok(ChangePage {
        when: format!("{} {}", weekday_name(&ctx.tr, &zone, session.starts_at), format_local(&zone, session.starts_at)),
        original: session
            .occurrence_start
            .filter(|o| *o != session.starts_at)
            .map(|o| format!("{} {}", weekday_name(&ctx.tr, &zone, o), format_local(&zone, o))),
        action: format!("/groups/{id}/sessions/{sid}/change"),
        cancelled: session.status == SessionStatus::Cancelled.code(),
        attended,
        group: loaded.group,
        session,
        values,
        errors: FormErrors::new(&ctx.tr, errors),
        overlaps: overlap_lines(&ctx.tr, &zone, overlaps),
        shell: ctx.shell().await?,
    })
}

pub async fn change_page(ctx: Ctx, Path((id, sid)): Path<(Uuid, Uuid)>) -> AppResult<ChangePage> {
    change_page_for(&ctx, id, sid, None, &FieldErrors::new(), &[]).await
}

/// An occurrence with no stored row yet: store it, then change it like any other session.
pub async fn change_occurrence(
    ctx: Ctx,
    Path((id, schedule_id, start)): Path<(Uuid, Uuid, i64)>,
) -> AppResult<Response> {
    let at = OffsetDateTime::from_unix_timestamp(start).map_err(|_| AppError::NotFound)?;
    match setup::occurrence_session(&ctx.state, &ctx.actor, id, schedule_id, at).await {
        Ok(session) => Ok(see_other(&format!("/groups/{id}/sessions/{}/change", session.id))),
        Err(AppError::Invalid(_)) => Err(AppError::NotFound),
        Err(other) => Err(other),
    }
}

fn change_input(form: &[(String, String)]) -> SessionChangeInput {
    SessionChangeInput {
        action: text(form, "action"),
        reason: optional(form, "reason"),
        date: text(form, "date"),
        time: text(form, "time"),
        minutes: optional(form, "minutes"),
        room: optional(form, "room"),
        confirm_overlap: field(form, "confirm_overlap").is_some(),
    }
}

pub async fn change_session(
    ctx: Ctx,
    Path((id, sid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = change_input(&form);
    let version = version_of(&form);
    match setup::change_session(&ctx.state, &ctx.actor, id, sid, version, &input).await {
        Ok(Checked::Saved(_)) => {
            let message = match input.action.as_str() {
                "cancel" => "group-session-cancelled",
                "move" => "group-session-moved",
                _ => "group-session-restored",
            };
            ctx.flash("success", message).await?;
            Ok(see_other(&format!("/groups/{id}#sessions")))
        }
        Ok(Checked::Overlaps(overlaps)) => {
            let page = change_page_for(&ctx, id, sid, Some(input), &FieldErrors::new(), &overlaps).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let page = change_page_for(&ctx, id, sid, Some(input), &errors, &[]).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            ctx.flash("error", "error-changed-meanwhile").await?;
            Ok(see_other(&format!("/groups/{id}/sessions/{sid}/change")))
        }
        Err(other) => Err(other),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "groups/session_new.html")]
pub struct ExtraSessionPage {
    pub shell: Shell,
    pub group: support_group::Model,
    pub values: ExtraSessionInput,
    pub errors: FormErrors,
    pub overlaps: Vec<String>,
}

impl ExtraSessionPage {
    pub fn minutes(&self) -> String {
        self.values.minutes.clone().unwrap_or_default()
    }
    pub fn room(&self) -> String {
        self.values.room.clone().unwrap_or_default()
    }
    pub fn topic(&self) -> String {
        self.values.topic.clone().unwrap_or_default()
    }
}

async fn extra_page(
    ctx: &Ctx,
    id: Uuid,
    values: ExtraSessionInput,
    errors: &FieldErrors,
    overlaps: &[Overlap],
) -> AppResult<ExtraSessionPage> {
    let loaded = crate::groups::load(&ctx.state, &ctx.actor, id).await?;
    crate::groups::require(&ctx.state, &ctx.actor, loaded.access.run, "group.session.extra", id).await?;
    Ok(ExtraSessionPage {
        group: loaded.group,
        values,
        errors: FormErrors::new(&ctx.tr, errors),
        overlaps: overlap_lines(&ctx.tr, &ctx.org.time_zone, overlaps),
        shell: ctx.shell().await?,
    })
}

pub async fn new_session(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<ExtraSessionPage> {
    let values = ExtraSessionInput {
        date: ctx.today().to_string(),
        time: "18:00".into(),
        minutes: Some("90".into()),
        ..ExtraSessionInput::default()
    };
    extra_page(&ctx, id, values, &FieldErrors::new(), &[]).await
}

pub async fn create_session(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = ExtraSessionInput {
        date: text(&form, "date"),
        time: text(&form, "time"),
        minutes: optional(&form, "minutes"),
        room: optional(&form, "room"),
        topic: optional(&form, "topic"),
        confirm_overlap: field(&form, "confirm_overlap").is_some(),
    };
    match setup::add_extra_session(&ctx.state, &ctx.actor, id, &input).await {
        Ok(Checked::Saved(_)) => {
            ctx.flash("success", "group-session-added").await?;
            Ok(see_other(&format!("/groups/{id}#sessions")))
        }
        Ok(Checked::Overlaps(overlaps)) => {
            let page = extra_page(&ctx, id, input, &FieldErrors::new(), &overlaps).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let page = extra_page(&ctx, id, input, &errors, &[]).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- availability ----------

#[derive(Template, WebTemplate)]
#[template(path = "groups/availability.html")]
pub struct AvailabilityPage {
    pub shell: Shell,
    pub group: support_group::Model,
    pub members: Vec<MemberAvailability>,
    pub summary: AvailabilitySummary,
    pub schedules: Vec<(Uuid, String)>,
}

impl AvailabilityPage {
    pub fn day_parts(&self) -> Vec<String> {
        DayPart::ALL.iter().map(|p| self.shell.t(&p.message_id())).collect()
    }
    /// One row per weekday: its name and the count in each part of the day.
    pub fn grid(&self) -> Vec<(String, Vec<u32>)> {
        WEEKDAYS
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let counts = DayPart::ALL
                    .iter()
                    .map(|p| {
                        let code = DaySlot { day: i, part: *p }.code();
                        self.summary.counts.iter().find(|c| c.slot == code).map_or(0, |c| c.free)
                    })
                    .collect();
                (self.shell.t(&format!("groups-weekday-{}", d.to_lowercase())), counts)
            })
            .collect()
    }
    pub fn slot_name(&self, code: &str) -> String {
        slot_label(&self.shell.tr, code)
    }
    pub fn answered(&self) -> String {
        self.shell.tr.with_args(
            "group-availability-answered",
            &[("answered", self.summary.answered.to_string()), ("members", self.summary.members.to_string())],
        )
    }
    pub fn schedule_name(&self, id: &Uuid) -> String {
        self.schedules.iter().find(|(s, _)| s == id).map(|(_, d)| d.clone()).unwrap_or_default()
    }
    pub fn slots_text(&self, codes: &[String]) -> String {
        codes.iter().map(|c| slot_label(&self.shell.tr, c)).collect::<Vec<_>>().join(", ")
    }
    pub fn member_slots(&self, m: &MemberAvailability) -> String {
        if m.slots.is_empty() {
            return self.shell.t("group-availability-not-stated");
        }
        m.slots.iter().map(|s| slot_label(&self.shell.tr, &s.code())).collect::<Vec<_>>().join(", ")
    }
    pub fn name(&self, m: &MemberAvailability) -> String {
        m.person.display_name()
    }
}

fn slot_label(tr: &Tr, code: &str) -> String {
    match DaySlot::parse(code) {
        Some(s) => format!(
            "{} {}",
            tr.t(&format!("groups-weekday-{}", WEEKDAYS[s.day].to_lowercase())),
            tr.t(&s.part.message_id()).to_lowercase()
        ),
        None => code.to_string(),
    }
}

pub async fn availability_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<AvailabilityPage> {
    let (loaded, members, summary, schedules) = setup::availability(&ctx.state, &ctx.actor, id).await?;
    Ok(AvailabilityPage {
        group: loaded.group,
        members,
        summary,
        schedules: schedules.iter().map(|s| (s.id, describe_schedule(&ctx.tr, s))).collect(),
        shell: ctx.shell().await?,
    })
}

/// One tick box of a member's week: its code, its full label and the part of the day shown.
pub struct GridCell {
    pub code: String,
    pub label: String,
    pub part: String,
    pub on: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "groups/member_availability.html")]
pub struct MemberAvailabilityPage {
    pub shell: Shell,
    pub group: support_group::Model,
    pub member: MemberAvailability,
    pub errors: FormErrors,
    /// Those who run the group record availability; others with the roster only read it.
    pub can_save: bool,
}

impl MemberAvailabilityPage {
    pub fn day_parts(&self) -> Vec<String> {
        DayPart::ALL.iter().map(|p| self.shell.t(&p.message_id())).collect()
    }
    /// One row per weekday: its name and, per part of the day, the code and whether it is ticked.
    pub fn grid(&self) -> Vec<(String, Vec<GridCell>)> {
        WEEKDAYS
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let day = self.shell.t(&format!("groups-weekday-{}", d.to_lowercase()));
                let cells = DayPart::ALL
                    .iter()
                    .map(|p| {
                        let slot = DaySlot { day: i, part: *p };
                        let part = self.shell.t(&p.message_id());
                        let label = format!("{day} {}", part.to_lowercase());
                        GridCell { code: slot.code(), label, part, on: self.member.slots.contains(&slot) }
                    })
                    .collect();
                (day, cells)
            })
            .collect()
    }
    pub fn name(&self) -> String {
        self.member.person.display_name()
    }
}

pub async fn member_availability(ctx: Ctx, Path((id, mid)): Path<(Uuid, Uuid)>) -> AppResult<MemberAvailabilityPage> {
    let (loaded, member) = setup::member_availability(&ctx.state, &ctx.actor, id, mid).await?;
    Ok(MemberAvailabilityPage {
        can_save: loaded.access.run,
        group: loaded.group,
        member,
        errors: FormErrors::default(),
        shell: ctx.shell().await?,
    })
}

pub async fn save_availability(
    ctx: Ctx,
    Path((id, mid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let slots = fields(&form, "availability");
    match setup::save_availability(&ctx.state, &ctx.actor, id, mid, version_of(&form), &slots).await {
        Ok(_) => {
            ctx.flash("success", "group-availability-saved").await?;
            Ok(see_other(&format!("/groups/{id}/availability")))
        }
        Err(AppError::Invalid(errors)) => {
            super::shell::push_flash(&ctx.session, "error", flash_errors(&ctx.tr, &errors)).await?;
            Ok(see_other(&format!("/groups/{id}/members/{mid}/availability")))
        }
        Err(AppError::Conflict) => {
            ctx.flash("error", "error-changed-meanwhile").await?;
            Ok(see_other(&format!("/groups/{id}/members/{mid}/availability")))
        }
        Err(other) => Err(other),
    }
}

// ---------- open to everyone: feeds, the public page, the page script ----------

fn calendar_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/calendar; charset=utf-8"), (header::CACHE_CONTROL, "private, max-age=300")], body)
        .into_response()
}

/// One group's feed at its secret address (`{token}.ics`).
pub async fn group_feed(
    State(state): State<AppState>,
    Path((org_id, file)): Path<(Uuid, String)>,
) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    Ok(calendar_response(setup::group_feed(&state, org_id, token).await?))
}

pub async fn open_groups_feed(State(state): State<AppState>, Path(org_id): Path<Uuid>) -> AppResult<Response> {
    Ok(calendar_response(setup::open_groups_feed(&state, org_id).await?))
}

#[derive(Template, WebTemplate)]
#[template(path = "groups/public.html")]
pub struct PublicPage {
    pub shell: Shell,
    pub org: organisation::Model,
    pub groups: Vec<PublicGroupView>,
    pub feed_url: String,
    pub webcal_url: String,
}

pub struct PublicGroupView {
    pub name: String,
    pub kind: String,
    pub focus: String,
    pub audience: String,
    pub language: String,
    pub description: Option<String>,
    pub schedule: String,
    pub next: Vec<SlotView>,
    pub site: Option<site::Model>,
    pub online: bool,
}

pub async fn public_page(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    Path(org_id): Path<Uuid>,
) -> AppResult<PublicPage> {
    let page = setup::public_page(&state, org_id).await?;
    let path = format!("/groups/open/{org_id}");
    let shell = public_shell(&state, &session, &jar, &headers, &page.org, &path).await?;
    let tr = shell.tr;
    let zone = page.org.time_zone.clone();
    let groups = page
        .groups
        .into_iter()
        .map(|g| PublicGroupView {
            name: g.group.name.clone(),
            kind: code_label::<GroupKind>(&tr, &g.group.kind),
            focus: labels::<FocusArea>(&tr, &g.group.focus_areas),
            audience: labels::<Audience>(&tr, &g.group.audience),
            language: g.group.language.clone(),
            description: g.group.description.clone(),
            schedule: describe_all(&tr, &g.schedules),
            next: g.next.iter().map(|s| slot_view(&tr, &zone, s)).collect(),
            site: g.site,
            online: g.group.online_link.is_some(),
        })
        .collect();
    let base = base_url(&state, &headers);
    let feed_path = format!("/calendar/{org_id}/open-groups.ics");
    let host = base.split_once("://").map(|(_, h)| h.to_string()).unwrap_or_default();
    Ok(PublicPage {
        feed_url: format!("{base}{feed_path}"),
        webcal_url: format!("webcal://{host}{feed_path}"),
        org: page.org,
        groups,
        shell,
    })
}

/// Copy buttons and the schedule form's show-the-relevant-fields behaviour; the pages work
/// without it.
const SCRIPT: &str = r#"(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    source.select();
    var done = function () { button.textContent = button.getAttribute("data-copied") || button.textContent; };
    if (navigator.clipboard) { navigator.clipboard.writeText(source.value).then(done); } else { document.execCommand("copy"); done(); }
  });
  function applyFrequency(form) {
    var chosen = form.querySelector('input[name="frequency"]:checked');
    var value = chosen ? chosen.value : "";
    form.querySelectorAll("[data-frequency]").forEach(function (block) {
      block.hidden = block.getAttribute("data-frequency").split(" ").indexOf(value) < 0;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-schedule-form]").forEach(function (form) {
      applyFrequency(form);
      form.addEventListener("change", function () { applyFrequency(form); });
    });
  });
})();
"#;

pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        SCRIPT,
    )
        .into_response()
}
