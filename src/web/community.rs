//! Opportunities, peer-support aims and the welcoming environment (CSE 7.01, 7.03 / CA-CSE 7.01, 7.02, 7.04): pages.
//!
//! A person's opportunities (`/people/{id}/opportunities`), the counts over a period
//! (`/voice/opportunities`), the spread across the aims (`/voice/aims`, with CSV) and the small aims
//! form included on the coaching contact and group pages, and the welcoming-environment reviews of
//! each site (`/voice/welcome…`) with their photos. Everything goes through `voice::community`.

use super::intake::Values;
use super::people::PersonView;
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::app::AppState;
use crate::db::entities::{opportunity, program, site};
use crate::domain::FieldErrors;
use crate::domain::community::{
    AimSubject, CheckInput, OpportunityGroup, OpportunityInput, OpportunityKind, OpportunityStatus, PHOTO_MAX_BYTES,
    PHOTOS_MAX, PeerAim, Period, ReviewStanding, WelcomeAnswer, WelcomeItem, WelcomeReviewInput, answer_field,
    note_field, number, percent,
};
use crate::error::{AppError, AppResult};
use crate::voice::community::{
    self as service, CountsReport, PersonOpportunities, PhotoUpload, ReviewDetail, SiteHistory, Spread, StatusChange,
    WelcomeOverview,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use uuid::Uuid;

/// The largest request body an upload route here accepts (checked before the body is read): six
/// photos at the limit and the form around them.
pub const UPLOAD_BODY_LIMIT: usize = PHOTOS_MAX * PHOTO_MAX_BYTES + 512 * 1024;

/// Whether this request is one of this area's uploads, which get `UPLOAD_BODY_LIMIT`: a new
/// welcoming-environment review (page) or photos added to one (API).
pub fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    if method != axum::http::Method::POST {
        return false;
    }
    let (api, rest) = match path.strip_prefix("/api/v1") {
        Some(rest) => (true, rest),
        None => (false, path),
    };
    let Some(rest) = rest.strip_prefix("/voice/welcome/") else { return false };
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [site, "reviews"] if !api => !site.is_empty() && *site != "reviews",
        ["reviews", id, "photos"] if api => !id.is_empty(),
        _ => false,
    }
}

pub fn routes() -> Router<AppState> {
    let upload_limit = || DefaultBodyLimit::max(UPLOAD_BODY_LIMIT);
    Router::new()
        .route("/people/{id}/opportunities", get(person_page).post(add_opportunity))
        .route("/people/{id}/opportunities/{oid}/edit", get(edit_page))
        .route("/people/{id}/opportunities/{oid}", post(update_opportunity))
        .route("/people/{id}/opportunities/{oid}/status", post(change_status))
        .route("/voice/opportunities", get(counts_page))
        .route("/voice/aims", get(spread_page))
        .route("/voice/aims.csv", get(spread_csv))
        .route("/voice/aims/{kind}/{id}", post(set_aims))
        .route("/voice/welcome", get(welcome_page))
        .route("/voice/welcome/{site_id}", get(site_page))
        .route("/voice/welcome/{site_id}/reviews/new", get(new_review_page))
        .route("/voice/welcome/{site_id}/reviews", post(create_review).layer(upload_limit()))
        .route("/voice/welcome/reviews/{id}", get(review_page))
        .route("/voice/welcome/reviews/{id}/photos/{photo_id}", get(photo))
}

fn field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

fn values_of(form: &[(String, String)]) -> Values {
    Values(form.iter().filter(|(k, _)| k != "csrf_token").cloned().collect())
}

fn pct(share: Option<f64>) -> String {
    share.map(|s| format!("{}%", percent(s))).unwrap_or_else(|| "—".into())
}

fn program_options(programs: &[program::Model], selected: &str) -> Vec<(String, String, bool)> {
    programs.iter().map(|p| (p.id.to_string(), p.name.clone(), p.id.to_string() == selected)).collect()
}

/// A group's label and its kinds as `(code, label, selected)`, for an `<optgroup>`.
pub type KindGroup = (String, Vec<(&'static str, String, bool)>);

// ---------- a person's opportunities ----------

#[derive(Template, WebTemplate)]
#[template(path = "community/person.html")]
pub struct PersonPage {
    pub shell: Shell,
    pub o: PersonOpportunities,
    pub values: Values,
    pub chosen_aims: Vec<String>,
    pub errors: FormErrors,
    /// The opportunity whose status form failed, with its messages.
    pub status_for: Option<Uuid>,
    pub status_errors: FormErrors,
}

impl PersonPage {
    pub fn kind(&self, code: &str) -> String {
        super::intake::code_label::<OpportunityKind>(&self.shell.tr, code)
    }
    pub fn status(&self, code: &str) -> String {
        super::intake::code_label::<OpportunityStatus>(&self.shell.tr, code)
    }
    pub fn status_tag(&self, code: &str) -> &'static str {
        match OpportunityStatus::parse(code) {
            Some(OpportunityStatus::Completed) => "tag tag-success",
            Some(OpportunityStatus::Taken) => "tag",
            Some(OpportunityStatus::Declined) => "tag tag-muted",
            _ => "tag tag-warning",
        }
    }
    pub fn group_of(&self, code: &str) -> String {
        OpportunityKind::parse(code).map(|k| self.shell.t(&k.group().message_id())).unwrap_or_default()
    }
    /// Kinds under their group, for the select.
    pub fn kind_groups(&self) -> Vec<KindGroup> {
        let chosen = self.values.v("kind");
        OpportunityGroup::ALL
            .iter()
            .map(|g| {
                let kinds = g
                    .kinds()
                    .into_iter()
                    .map(|k| (k.code(), self.shell.t(&k.message_id()), k.code() == chosen))
                    .collect();
                (self.shell.t(&g.message_id()), kinds)
            })
            .collect()
    }
    pub fn status_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.values.v("status");
        let chosen = if chosen.is_empty() { "offered".to_string() } else { chosen };
        OpportunityStatus::ALL.iter().map(|s| (s.code(), self.shell.t(&s.message_id()), s.code() == chosen)).collect()
    }
    /// Statuses the row may move to.
    pub fn next_statuses(&self, current: &str) -> Vec<(&'static str, String)> {
        OpportunityStatus::ALL
            .iter()
            .filter(|s| s.code() != current && **s != OpportunityStatus::Offered)
            .map(|s| (s.code(), self.shell.t(&s.message_id())))
            .collect()
    }
    pub fn program_options(&self) -> Vec<(String, String, bool)> {
        let chosen = self.values.v("program_id");
        let chosen = if chosen.is_empty() && self.o.current_programs.len() == 1 {
            self.o.current_programs[0].to_string()
        } else {
            chosen
        };
        program_options(&self.o.programs, &chosen)
    }
    pub fn program(&self, id: &Option<Uuid>) -> String {
        self.o.program_name(*id)
    }
    pub fn aims_of(&self, id: &Uuid) -> String {
        self.o
            .aims
            .get(id)
            .map(|a| a.iter().map(|x| self.shell.t(&x.message_id())).collect::<Vec<_>>().join(", "))
            .unwrap_or_default()
    }
    pub fn aim_options(&self) -> Vec<(&'static str, String, bool)> {
        PeerAim::ALL
            .iter()
            .map(|a| (a.code(), self.shell.t(&a.message_id()), self.chosen_aims.iter().any(|c| c == a.code())))
            .collect()
    }
    pub fn hours(&self, h: &Option<f64>) -> String {
        h.map(number).unwrap_or_default()
    }
    pub fn total_hours(&self) -> String {
        number(self.o.counts.hours)
    }
    pub fn failed(&self, id: &Uuid) -> bool {
        self.status_for == Some(*id)
    }
}

async fn person_page_for(
    ctx: &Ctx,
    id: Uuid,
    values: Values,
    chosen_aims: Vec<String>,
    errors: &FieldErrors,
) -> AppResult<PersonPage> {
    let o = service::person_opportunities(&ctx.state, &ctx.actor, id).await?;
    Ok(PersonPage {
        shell: ctx.shell().await?,
        o,
        values,
        chosen_aims,
        errors: FormErrors::new(&ctx.tr, errors),
        status_for: None,
        status_errors: FormErrors::default(),
    })
}

pub async fn person_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<PersonPage> {
    person_page_for(&ctx, id, Values::default(), Vec::new(), &FieldErrors::new()).await
}

fn opportunity_input(form: &[(String, String)]) -> OpportunityInput {
    let get = |k: &str| field(form, k);
    OpportunityInput {
        kind: get("kind").unwrap_or_default(),
        status: get("status").unwrap_or_default(),
        title: get("title").unwrap_or_default(),
        description: get("description"),
        program_id: get("program_id"),
        offered_on: get("offered_on"),
        taken_on: get("taken_on"),
        completed_on: get("completed_on"),
        hours: get("hours"),
    }
}

fn aims_in(form: &[(String, String)]) -> Vec<String> {
    form.iter().filter(|(k, _)| k == "aims").map(|(_, v)| v.clone()).collect()
}

pub async fn add_opportunity(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let aims = aims_in(&form);
    match service::add_opportunity(&ctx.state, &ctx.actor, id, &opportunity_input(&form), &aims).await {
        Ok(_) => {
            ctx.flash("success", "community-opportunity-added").await?;
            Ok(see_other(&format!("/people/{id}/opportunities")))
        }
        Err(AppError::Invalid(errors)) => {
            let page = person_page_for(&ctx, id, values_of(&form), aims, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn change_status(
    ctx: Ctx,
    Path((id, oid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = field(&form, "version")
        .and_then(|v| v.trim().parse::<i32>().ok())
        .ok_or(AppError::BadRequest("error-bad-form"))?;
    let change = StatusChange {
        status: field(&form, "status").unwrap_or_default(),
        on: field(&form, "on"),
        hours: field(&form, "hours"),
    };
    match service::change_status(&ctx.state, &ctx.actor, id, oid, version, &change).await {
        Ok(_) => {
            ctx.flash("success", "community-opportunity-updated").await?;
            Ok(see_other(&format!("/people/{id}/opportunities#opportunity-{oid}")))
        }
        Err(AppError::Invalid(errors)) => {
            let mut page = person_page_for(&ctx, id, Values::default(), Vec::new(), &FieldErrors::new()).await?;
            page.status_for = Some(oid);
            page.status_errors = FormErrors::new(&ctx.tr, &errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "community/edit.html")]
pub struct EditPage {
    pub shell: Shell,
    pub person: crate::db::entities::person::Model,
    pub opportunity: opportunity::Model,
    pub programs: Vec<program::Model>,
    pub values: Values,
    pub version: i32,
    pub errors: FormErrors,
    pub conflict: bool,
}

impl EditPage {
    pub fn kind_groups(&self) -> Vec<KindGroup> {
        let chosen = self.values.v("kind");
        OpportunityGroup::ALL
            .iter()
            .map(|g| {
                let kinds = g
                    .kinds()
                    .into_iter()
                    .map(|k| (k.code(), self.shell.t(&k.message_id()), k.code() == chosen))
                    .collect();
                (self.shell.t(&g.message_id()), kinds)
            })
            .collect()
    }
    pub fn status_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.values.v("status");
        OpportunityStatus::ALL.iter().map(|s| (s.code(), self.shell.t(&s.message_id()), s.code() == chosen)).collect()
    }
    pub fn program_options(&self) -> Vec<(String, String, bool)> {
        program_options(&self.programs, &self.values.v("program_id"))
    }
}

fn values_of_opportunity(o: &opportunity::Model) -> Values {
    let mut v = Values::default();
    let mut put = |k: &str, val: String| {
        v.0.insert(k.into(), val);
    };
    put("kind", o.kind.clone());
    put("status", o.status.clone());
    put("title", o.title.clone());
    put("description", o.description.clone().unwrap_or_default());
    put("program_id", o.program_id.map(|p| p.to_string()).unwrap_or_default());
    put("offered_on", o.offered_on.to_string());
    put("taken_on", o.taken_on.map(|d| d.to_string()).unwrap_or_default());
    put("completed_on", o.completed_on.map(|d| d.to_string()).unwrap_or_default());
    put("hours", o.hours.map(number).unwrap_or_default());
    v
}

async fn edit_page_for(ctx: &Ctx, id: Uuid, oid: Uuid) -> AppResult<EditPage> {
    let o = service::person_opportunities(&ctx.state, &ctx.actor, id).await?;
    if !o.may_edit {
        return Err(AppError::Forbidden);
    }
    let opportunity = o.rows.iter().find(|r| r.id == oid).cloned().ok_or(AppError::NotFound)?;
    Ok(EditPage {
        shell: ctx.shell().await?,
        values: values_of_opportunity(&opportunity),
        version: opportunity.version,
        person: o.person,
        opportunity,
        programs: o.programs,
        errors: FormErrors::default(),
        conflict: false,
    })
}

pub async fn edit_page(ctx: Ctx, Path((id, oid)): Path<(Uuid, Uuid)>) -> AppResult<EditPage> {
    edit_page_for(&ctx, id, oid).await
}

pub async fn update_opportunity(
    ctx: Ctx,
    Path((id, oid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = field(&form, "version")
        .and_then(|v| v.trim().parse::<i32>().ok())
        .ok_or(AppError::BadRequest("error-bad-form"))?;
    match service::update_opportunity(&ctx.state, &ctx.actor, id, oid, version, &opportunity_input(&form)).await {
        Ok(_) => {
            ctx.flash("success", "community-opportunity-updated").await?;
            Ok(see_other(&format!("/people/{id}/opportunities#opportunity-{oid}")))
        }
        Err(AppError::Invalid(errors)) => {
            let mut page = edit_page_for(&ctx, id, oid).await?;
            page.values = values_of(&form);
            page.version = version;
            page.errors = FormErrors::new(&ctx.tr, &errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            // What was typed stays; the form now carries the saved version.
            let mut page = edit_page_for(&ctx, id, oid).await?;
            page.values = values_of(&form);
            page.conflict = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- period filters ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub program_id: Option<String>,
}

impl PeriodQuery {
    /// The period and program asked for, or the field errors (the page then shows the last twelve months).
    fn parse(&self, today: time::Date) -> (Period, Option<Uuid>, FieldErrors) {
        let mut errors = FieldErrors::new();
        let period = match Period::parse(self.from.as_deref(), self.to.as_deref(), today) {
            Ok(p) => p,
            Err(e) => {
                errors.0.extend(e.0);
                Period::last_year(today)
            }
        };
        let program = match self.program_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => match Uuid::parse_str(raw) {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add("program_id", "error-unknown-choice");
                    None
                }
            },
        };
        (period, program, errors)
    }

    fn values(&self, period: Period) -> Values {
        let mut v = Values::default();
        v.0.insert(
            "from".into(),
            self.from.clone().filter(|s| !s.trim().is_empty()).unwrap_or(period.from.to_string()),
        );
        v.0.insert("to".into(), self.to.clone().filter(|s| !s.trim().is_empty()).unwrap_or(period.to.to_string()));
        v.0.insert("program_id".into(), self.program_id.clone().unwrap_or_default());
        v
    }
}

/// An unknown program in the filter is a field error, not a 422 page.
fn unknown_program(result: AppError, errors: &mut FieldErrors) -> AppResult<()> {
    match result {
        AppError::Invalid(e) => {
            errors.0.extend(e.0);
            Ok(())
        }
        other => Err(other),
    }
}

// ---------- counts ----------

#[derive(Template, WebTemplate)]
#[template(path = "community/counts.html")]
pub struct CountsPage {
    pub shell: Shell,
    pub report: CountsReport,
    pub values: Values,
    pub errors: FormErrors,
}

impl CountsPage {
    pub fn program_options(&self) -> Vec<(String, String, bool)> {
        program_options(&self.report.programs, &self.values.v("program_id"))
    }
    pub fn row_name(&self, row: &service::ProgramCounts) -> String {
        if row.program_id.is_none() { self.shell.t("community-counts-all-programs") } else { row.name.clone() }
    }
    pub fn group(&self, g: &OpportunityGroup) -> String {
        self.shell.t(&g.message_id())
    }
    pub fn kind(&self, k: &OpportunityKind) -> String {
        self.shell.t(&k.message_id())
    }
    pub fn share(&self, row: &service::ProgramCounts) -> String {
        pct(row.taking_part.share)
    }
    pub fn period_text(&self) -> String {
        self.shell.tr.with_args(
            "community-period",
            &[("from", self.report.period.from.to_string()), ("to", self.report.period.to.to_string())],
        )
    }
}

pub async fn counts_page(ctx: Ctx, Query(q): Query<PeriodQuery>) -> AppResult<CountsPage> {
    let (period, program, mut errors) = q.parse(ctx.today());
    let report = match service::opportunity_counts(&ctx.state, &ctx.actor, program, period).await {
        Ok(r) => r,
        Err(e) => {
            unknown_program(e, &mut errors)?;
            service::opportunity_counts(&ctx.state, &ctx.actor, None, period).await?
        }
    };
    Ok(CountsPage {
        shell: ctx.shell().await?,
        values: q.values(period),
        report,
        errors: FormErrors::new(&ctx.tr, &errors),
    })
}

// ---------- the spread across the aims ----------

/// One bar of the chart, laid out on the server.
pub struct Bar {
    pub label: String,
    pub count: u64,
    pub share: String,
    pub y: u32,
    pub width: u32,
    pub text_x: u32,
}

#[derive(Template, WebTemplate)]
#[template(path = "community/aims.html")]
pub struct AimsPage {
    pub shell: Shell,
    pub spread: Spread,
    pub programs: Vec<program::Model>,
    pub values: Values,
    pub errors: FormErrors,
}

/// Chart geometry (SVG user units).
const CHART_LABEL_W: u32 = 170;
const CHART_BAR_W: u32 = 260;
const CHART_ROW_H: u32 = 34;

impl AimsPage {
    pub fn program_options(&self) -> Vec<(String, String, bool)> {
        program_options(&self.programs, &self.values.v("program_id"))
    }
    pub fn subject(&self, s: &AimSubject) -> String {
        self.shell.t(&format!("community-aims-subject-{}", s.code().replace('_', "-")))
    }
    pub fn aim(&self, a: &PeerAim) -> String {
        self.shell.t(&a.message_id())
    }
    pub fn cell(&self, count: &u64, share: &Option<f64>) -> String {
        format!("{count} ({})", pct(*share))
    }
    pub fn untagged_cell(&self, s: &service::SubjectSpread) -> String {
        format!("{} ({})", s.untagged, pct((s.total > 0).then(|| s.untagged as f64 / s.total as f64)))
    }
    pub fn bars(&self) -> Vec<Bar> {
        let max = self.spread.per_aim.iter().map(|a| a.count).max().unwrap_or(0).max(1);
        self.spread
            .per_aim
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let width = ((a.count as f64 / max as f64) * CHART_BAR_W as f64).round() as u32;
                Bar {
                    label: self.aim(&a.aim),
                    count: a.count,
                    share: pct(a.share),
                    y: i as u32 * CHART_ROW_H,
                    width,
                    text_x: CHART_LABEL_W + width + 6,
                }
            })
            .collect()
    }
    pub fn chart_height(&self) -> u32 {
        PeerAim::ALL.len() as u32 * CHART_ROW_H
    }
    pub fn chart_width(&self) -> u32 {
        CHART_LABEL_W + CHART_BAR_W + 90
    }
    pub fn label_w(&self) -> u32 {
        CHART_LABEL_W
    }
    pub fn chart_summary(&self) -> String {
        self.bars().iter().map(|b| format!("{}: {}", b.label, b.count)).collect::<Vec<_>>().join("; ")
    }
    pub fn csv_link(&self) -> String {
        let mut q = vec![format!("from={}", self.spread.from), format!("to={}", self.spread.to)];
        if let Some(p) = self.spread.program_id {
            q.push(format!("program_id={p}"));
        }
        format!("/voice/aims.csv?{}", q.join("&"))
    }
    pub fn period_text(&self) -> String {
        self.shell.tr.with_args(
            "community-period",
            &[("from", self.spread.from.to_string()), ("to", self.spread.to.to_string())],
        )
    }
}

async fn spread_for_query(ctx: &Ctx, q: &PeriodQuery) -> AppResult<(Spread, Period, FieldErrors)> {
    let (period, program, mut errors) = q.parse(ctx.today());
    let spread = match service::aims_spread(&ctx.state, &ctx.actor, program, period).await {
        Ok(s) => s,
        Err(e) => {
            unknown_program(e, &mut errors)?;
            service::aims_spread(&ctx.state, &ctx.actor, None, period).await?
        }
    };
    Ok((spread, period, errors))
}

pub async fn spread_page(ctx: Ctx, Query(q): Query<PeriodQuery>) -> AppResult<AimsPage> {
    let (spread, period, errors) = spread_for_query(&ctx, &q).await?;
    Ok(AimsPage {
        shell: ctx.shell().await?,
        programs: service::programs(&ctx.state, ctx.actor.org_id).await?,
        spread,
        values: q.values(period),
        errors: FormErrors::new(&ctx.tr, &errors),
    })
}

pub async fn spread_csv(ctx: Ctx, Query(q): Query<PeriodQuery>) -> AppResult<Response> {
    let (spread, _, errors) = spread_for_query(&ctx, &q).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let body = service::spread_csv(&spread, |id| ctx.tr.t(id));
    let name = format!("aims-spread-{}-{}.csv", spread.from, spread.to);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

// ---------- the aims form included on other pages ----------

/// The small aims form on the coaching contact and group pages (`community/_aims.html`).
pub struct AimsPanel {
    pub action: String,
    pub return_to: String,
    pub aims: Vec<PeerAim>,
    pub may_edit: bool,
    pub heading_id: &'static str,
}

impl AimsPanel {
    pub fn options(&self, shell: &Shell) -> Vec<(&'static str, String, bool)> {
        PeerAim::ALL.iter().map(|a| (a.code(), shell.t(&a.message_id()), self.aims.contains(a))).collect()
    }
    pub fn chosen(&self, shell: &Shell) -> String {
        self.aims.iter().map(|a| shell.t(&a.message_id())).collect::<Vec<_>>().join(", ")
    }
}

/// The panel for a subject the page has already opened (`may_edit` as the page decided).
pub async fn aims_panel(
    ctx: &Ctx,
    subject: AimSubject,
    id: Uuid,
    may_edit: bool,
    return_to: &str,
) -> AppResult<AimsPanel> {
    let aims = service::stored_aims(ctx.state.db.conn(), ctx.actor.org_id, subject, id).await?;
    Ok(AimsPanel {
        action: format!("/voice/aims/{}/{id}", subject.code()),
        return_to: return_to.to_string(),
        aims,
        may_edit,
        heading_id: "community-aims-heading",
    })
}

/// Whether the actor may tag a group (the group page's own access).
pub fn may_tag_group(loaded: &crate::groups::Loaded) -> bool {
    service::may_tag_group(loaded)
}

pub async fn set_aims(
    ctx: Ctx,
    Path((kind, id)): Path<(String, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let subject = AimSubject::parse(&kind).ok_or(AppError::NotFound)?;
    let back = super::safe_next(field(&form, "return_to").as_deref());
    service::set_aims(&ctx.state, &ctx.actor, subject, id, &aims_in(&form)).await?;
    ctx.flash("success", "community-aims-saved").await?;
    Ok(see_other(&back))
}

// ---------- the welcoming environment ----------

fn standing_text(shell: &Shell, s: &ReviewStanding) -> String {
    match s {
        ReviewStanding::Never => shell.t("community-welcome-never"),
        ReviewStanding::Current(d) => shell.t1("community-welcome-due-on", "date", d.to_string()),
        ReviewStanding::Overdue(d) => shell.t1("community-welcome-overdue", "date", d.to_string()),
    }
}

fn standing_tag(s: &ReviewStanding) -> &'static str {
    match s {
        ReviewStanding::Current(_) => "tag tag-success",
        _ => "tag tag-danger",
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "community/welcome.html")]
pub struct WelcomePage {
    pub shell: Shell,
    pub w: WelcomeOverview,
}

impl WelcomePage {
    pub fn standing(&self, s: &ReviewStanding) -> String {
        standing_text(&self.shell, s)
    }
    pub fn standing_tag(&self, s: &ReviewStanding) -> &'static str {
        standing_tag(s)
    }
    pub fn score(&self, s: &Option<f64>) -> String {
        pct(*s)
    }
    pub fn attention(&self) -> usize {
        self.w.sites.iter().filter(|s| !matches!(s.standing, ReviewStanding::Current(_))).count()
    }
}

pub async fn welcome_page(ctx: Ctx) -> AppResult<WelcomePage> {
    let w = service::welcome_sites(&ctx.state, &ctx.actor).await?;
    Ok(WelcomePage { shell: ctx.shell().await?, w })
}

#[derive(Template, WebTemplate)]
#[template(path = "community/site.html")]
pub struct SitePage {
    pub shell: Shell,
    pub h: SiteHistory,
}

impl SitePage {
    pub fn standing(&self) -> String {
        standing_text(&self.shell, &self.h.standing)
    }
    pub fn standing_tag(&self) -> &'static str {
        standing_tag(&self.h.standing)
    }
    pub fn score(&self, s: &Option<f64>) -> String {
        pct(*s)
    }
    pub fn tally(&self, r: &service::ReviewSummary) -> String {
        tally(&self.shell, r, r.photos)
    }
}

fn tally(shell: &Shell, r: &service::ReviewSummary, photos: usize) -> String {
    shell.tr.with_args(
        "community-welcome-tally",
        &[
            ("met", r.met.to_string()),
            ("partly", r.partly.to_string()),
            ("notmet", r.not_met.to_string()),
            ("photos", photos.to_string()),
        ],
    )
}

pub async fn site_page(ctx: Ctx, Path(site_id): Path<Uuid>) -> AppResult<SitePage> {
    let h = service::site_history(&ctx.state, &ctx.actor, site_id).await?;
    Ok(SitePage { shell: ctx.shell().await?, h })
}

/// One checklist row of the form.
pub struct ItemRow {
    pub code: &'static str,
    pub label: String,
    pub hint: String,
    pub answer_field: String,
    pub note_field: String,
    pub answer: String,
    pub note: String,
    pub answer_error: Option<String>,
    pub note_error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "community/review_form.html")]
pub struct ReviewFormPage {
    pub shell: Shell,
    pub site: site::Model,
    pub values: Values,
    pub errors: FormErrors,
    /// Photos were sent with a form that had mistakes: they are not kept and must be chosen again.
    pub photos_dropped: bool,
}

impl ReviewFormPage {
    pub fn items(&self) -> Vec<ItemRow> {
        WelcomeItem::ALL
            .iter()
            .map(|i| {
                let (a, n) = (answer_field(*i), note_field(*i));
                ItemRow {
                    code: i.code(),
                    label: self.shell.t(&i.message_id()),
                    hint: self.shell.t(&i.hint_id()),
                    answer: self.values.v(&a),
                    note: self.values.v(&n),
                    answer_error: self.errors.get(&a).map(str::to_string),
                    note_error: self.errors.get(&n).map(str::to_string),
                    answer_field: a,
                    note_field: n,
                }
            })
            .collect()
    }
    pub fn answers(&self) -> Vec<(&'static str, String)> {
        WelcomeAnswer::ALL.iter().map(|a| (a.code(), self.shell.t(&a.message_id()))).collect()
    }
    /// Photo slots: the first two shown, the rest behind "add more".
    pub fn slots(&self) -> Vec<usize> {
        (1..=PHOTOS_MAX).collect()
    }
    pub fn photo_error(&self, n: &usize) -> Option<String> {
        self.errors.get(&format!("photo-{n}")).or(self.errors.get(&format!("caption-{n}"))).map(str::to_string)
    }
    pub fn caption(&self, n: &usize) -> String {
        self.values.v(&format!("caption-{n}"))
    }
    pub fn photo_hint(&self) -> String {
        self.shell.tr.with_args(
            "community-welcome-photos-hint",
            &[("max", PHOTOS_MAX.to_string()), ("size", (PHOTO_MAX_BYTES / (1024 * 1024)).to_string())],
        )
    }
}

pub async fn new_review_page(ctx: Ctx, Path(site_id): Path<Uuid>) -> AppResult<ReviewFormPage> {
    let (site, today) = service::site_for_review(&ctx.state, &ctx.actor, site_id).await?;
    let mut values = Values::default();
    values.0.insert("reviewed_on".into(), today.to_string());
    Ok(ReviewFormPage { shell: ctx.shell().await?, site, values, errors: FormErrors::default(), photos_dropped: false })
}

/// A review form read: its fields and the photos chosen.
pub struct ReceivedReview {
    pub fields: Vec<(String, String)>,
    pub photos: Vec<PhotoUpload>,
}

/// Characters kept of each text field.
const FIELD_CHARS: usize = 5000;
/// Fields read at most (the checklist has two per item).
const MAX_FIELDS: usize = 80;

/// Reads a multipart review form: parts named `photo…` are photos (each read up to the limit,
/// never more); others are text. More photos than allowed are counted but not kept.
pub async fn receive_review(mut multipart: Multipart) -> AppResult<ReceivedReview> {
    use axum::extract::multipart::MultipartError;
    fn over_limit(e: &MultipartError) -> bool {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return true;
        }
        let mut source: Option<&dyn std::error::Error> = Some(e);
        while let Some(err) = source {
            if err.to_string().contains("length limit exceeded") {
                return true;
            }
            source = err.source();
        }
        false
    }
    let unreadable =
        |e: MultipartError| if over_limit(&e) { AppError::TooLarge } else { AppError::BadRequest("error-bad-form") };
    let mut fields = Vec::new();
    let mut photos: Vec<(String, PhotoUpload)> = Vec::new();
    while let Some(mut part) = multipart.next_field().await.map_err(unreadable)? {
        let name = part.name().unwrap_or("").to_string();
        if let Some(suffix) = name.strip_prefix("photo") {
            let suffix = suffix.to_string();
            let filename = part.file_name().unwrap_or("").to_string();
            let keep = photos.len() <= PHOTOS_MAX;
            let mut data = Vec::new();
            let mut too_big = false;
            while let Some(chunk) = part.chunk().await.map_err(unreadable)? {
                if !keep {
                    data.push(0);
                    continue;
                }
                if data.len() + chunk.len() > PHOTO_MAX_BYTES {
                    too_big = true;
                    // The rest of this part is skipped when the next one is read.
                    break;
                }
                data.extend_from_slice(&chunk);
            }
            // A file input left empty sends a part with no name and no bytes.
            if filename.is_empty() && data.is_empty() && !too_big {
                continue;
            }
            if !keep {
                data.clear();
            }
            photos.push((suffix, PhotoUpload { filename, caption: None, data, too_big }));
        } else if fields.len() < MAX_FIELDS {
            let value = part.text().await.map_err(unreadable)?;
            fields.push((name, value.chars().take(FIELD_CHARS).collect::<String>()));
        }
    }
    // Captions pair with their photo by the same suffix (`photo-2`, `caption-2`), else in order.
    let plain_captions: Vec<String> = fields.iter().filter(|(k, _)| k == "caption").map(|(_, v)| v.clone()).collect();
    let mut plain = plain_captions.into_iter();
    let photos = photos
        .into_iter()
        .map(|(suffix, mut p)| {
            p.caption = if suffix.is_empty() { plain.next() } else { field(&fields, &format!("caption{suffix}")) };
            p
        })
        .collect();
    Ok(ReceivedReview { fields, photos })
}

async fn csrf_matches(ctx: &Ctx, sent: Option<&str>) -> AppResult<bool> {
    let expected: Option<String> =
        ctx.session.get(super::CSRF_KEY).await.map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    Ok(expected.is_some_and(|e| crate::auth::tokens_match(&e, sent.unwrap_or(""))))
}

/// The review input from the form's fields.
pub fn review_input(fields: &[(String, String)]) -> WelcomeReviewInput {
    WelcomeReviewInput {
        reviewed_on: field(fields, "reviewed_on").unwrap_or_default(),
        participants: field(fields, "participants"),
        notes: field(fields, "notes"),
        follow_up: field(fields, "follow_up"),
        next_review_on: field(fields, "next_review_on"),
        checks: WelcomeItem::ALL
            .iter()
            .map(|i| CheckInput {
                item: i.code().into(),
                answer: field(fields, &answer_field(*i)).unwrap_or_default(),
                note: field(fields, &note_field(*i)),
            })
            .collect(),
    }
}

pub async fn create_review(ctx: Ctx, Path(site_id): Path<Uuid>, multipart: Multipart) -> AppResult<Response> {
    let received = receive_review(multipart).await?;
    if !csrf_matches(&ctx, field(&received.fields, "csrf_token").as_deref()).await? {
        return Err(AppError::Csrf);
    }
    let input = review_input(&received.fields);
    let photos_sent = received.photos.len();
    match service::create_review(&ctx.state, &ctx.actor, site_id, &input, received.photos).await {
        Ok(review) => {
            ctx.flash("success", "community-welcome-saved").await?;
            Ok(see_other(&format!("/voice/welcome/reviews/{}", review.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let (site, _) = service::site_for_review(&ctx.state, &ctx.actor, site_id).await?;
            let page = ReviewFormPage {
                shell: ctx.shell().await?,
                site,
                values: values_of(&received.fields),
                errors: FormErrors::new(&ctx.tr, &errors),
                photos_dropped: photos_sent > 0,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "community/review.html")]
pub struct ReviewPage {
    pub shell: Shell,
    pub d: ReviewDetail,
}

impl ReviewPage {
    pub fn item(&self, i: &WelcomeItem) -> String {
        self.shell.t(&i.message_id())
    }
    pub fn answer(&self, a: &WelcomeAnswer) -> String {
        self.shell.t(&a.message_id())
    }
    pub fn answer_tag(&self, a: &WelcomeAnswer) -> &'static str {
        match a {
            WelcomeAnswer::Met => "tag tag-success",
            WelcomeAnswer::Partly => "tag tag-warning",
            WelcomeAnswer::NotMet => "tag tag-danger",
            WelcomeAnswer::NotApplicable => "tag tag-muted",
        }
    }
    pub fn score(&self) -> String {
        pct(self.d.summary.score)
    }
    pub fn tally(&self) -> String {
        tally(&self.shell, &self.d.summary, self.d.photos.len())
    }
    pub fn size(&self, n: &i64) -> String {
        crate::groups::curricula::human_size(*n)
    }
    pub fn participants(&self) -> String {
        if self.d.summary.review.participants == 0 {
            self.shell.t("community-welcome-staff-only")
        } else {
            self.shell.t1("community-welcome-participants-n", "count", self.d.summary.review.participants)
        }
    }
}

pub async fn review_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<ReviewPage> {
    let d = service::review(&ctx.state, &ctx.actor, id).await?;
    Ok(ReviewPage { shell: ctx.shell().await?, d })
}

/// A photo, shown inline on the evidence page (its type was checked from its bytes on upload).
pub async fn photo(ctx: Ctx, Path((id, photo_id)): Path<(Uuid, Uuid)>) -> AppResult<Response> {
    let p = service::photo(&ctx.state, &ctx.actor, id, photo_id).await?;
    Ok(photo_response(p))
}

pub fn photo_response(p: crate::db::entities::welcome_photo::Model) -> Response {
    (
        [
            (header::CONTENT_TYPE, p.content_type.clone()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{}\"", p.filename.replace('"', ""))),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        p.data,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::is_upload;
    use axum::http::Method;

    #[test]
    fn only_review_forms_and_photo_uploads_get_the_large_limit() {
        assert!(is_upload(&Method::POST, "/voice/welcome/abc/reviews"));
        assert!(is_upload(&Method::POST, "/api/v1/voice/welcome/reviews/abc/photos"));
        assert!(!is_upload(&Method::GET, "/voice/welcome/abc/reviews"));
        assert!(!is_upload(&Method::POST, "/voice/welcome//reviews"));
        assert!(!is_upload(&Method::POST, "/voice/welcome/reviews/abc/photos"));
        assert!(!is_upload(&Method::POST, "/api/v1/voice/welcome/abc/reviews"));
        assert!(!is_upload(&Method::POST, "/voice/aims/contact/abc"));
    }
}
