//! Training pages: the catalogue of courses (`/team/courses`, with its form), a staff member's
//! training (`/team/{id}/training`: records newest first, what their role still needs, recording a
//! completion with a certificate and, for managers, a demonstrated competency; editing and
//! deleting), and the competency matrix (`/team/matrix`, people × requirements, with its CSV).
//! Every page works without JavaScript and fits a phone (the matrix scrolls sideways).

use super::intake::Values;
use super::team_tabs::RecordTabs;
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::app::AppState;
use crate::db::entities::{training_course, training_record};
use crate::domain::FieldErrors;
use crate::domain::codes::split_codes;
use crate::domain::personnel::{Need, Position, Requirement, RequirementGroup, Standing, TrainingKind, TrainingPhase};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::personnel::training::{
    self as service, Certificate, CertificateChange, CourseFilter, CourseInput, MAX_CERTIFICATE_BYTES, Matrix,
    MatrixFilter, Overview, TrainingInput, hours_text,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, RawQuery};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use std::fmt::{self, Display, Write as _};
use uuid::Uuid;

/// The certificate and the form around it.
const UPLOAD_BODY_LIMIT: usize = MAX_CERTIFICATE_BYTES + 256 * 1024;
const STYLES: &str = include_str!("../../templates/training/training.css");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/team/training.css", get(styles))
        .route("/team/courses", get(courses_page))
        .route("/team/courses/new", get(new_course_page).post(create_course))
        .route("/team/courses/{cid}/edit", get(edit_course_page).post(update_course))
        .route("/team/courses/{cid}/archive", post(archive_course))
        .route("/team/courses/{cid}/restore", post(restore_course))
        .route("/team/courses/{cid}/delete", post(delete_course))
        .route("/team/matrix", get(matrix_page))
        .route("/team/matrix.csv", get(matrix_csv))
        .route(
            "/team/{id}/training",
            get(training_page).post(record_completion).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/team/{id}/training/demonstrated", post(record_demonstration))
        .route(
            "/team/{id}/training/{rid}/edit",
            get(edit_record_page).post(update_record).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/team/{id}/training/{rid}/delete", post(delete_record))
        .route("/team/{id}/training/{rid}/certificate", get(download_certificate))
}

pub async fn styles() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLES)
        .into_response()
}

// ---------- helpers ----------

fn field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty())
}

fn fields(form: &[(String, String)], name: &str) -> Vec<String> {
    form.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect()
}

fn values_of(form: &[(String, String)]) -> Values {
    Values(form.iter().filter(|(k, _)| k != "csrf_token" && k != "topics").cloned().collect())
}

fn version_of(form: &[(String, String)]) -> i32 {
    field(form, "version").and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn session_error(e: tower_sessions::session::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!("session: {e}"))
}

async fn csrf_matches(ctx: &Ctx, sent: Option<&str>) -> AppResult<bool> {
    let expected: Option<String> = ctx.session.get(super::CSRF_KEY).await.map_err(session_error)?;
    Ok(expected.is_some_and(|e| crate::auth::tokens_match(&e, sent.unwrap_or(""))))
}

/// A topic's short label.
pub fn topic_label(tr: &Tr, r: Requirement) -> String {
    tr.t(&r.message_id())
}

/// A need's label: a topic's, or a check's (the team record's words).
pub fn need_label(tr: &Tr, n: Need) -> String {
    tr.t(&n.message_id())
}

/// Topics as readable labels under their standard's heading: `[(heading, "a, b")]`.
pub fn grouped_topics(tr: &Tr, topics: &[Requirement]) -> Vec<(String, String)> {
    RequirementGroup::ALL
        .iter()
        .filter_map(|g| {
            let labels: Vec<String> = topics.iter().filter(|t| t.group() == *g).map(|t| topic_label(tr, *t)).collect();
            (!labels.is_empty()).then(|| (tr.t(g.message_id()), labels.join(", ")))
        })
        .collect()
}

/// One standard's checkboxes in a topic picker.
pub struct PickerGroup {
    pub id: &'static str,
    pub heading: String,
    /// Open when something in it is chosen or still needed.
    pub open: bool,
    /// `(code, label, checked, still needed)`.
    pub options: Vec<(&'static str, String, bool, bool)>,
}

/// The requirement checkboxes, grouped by standard; `needed` marks topics the person still lacks.
pub fn topic_picker(tr: &Tr, chosen: &[String], needed: &[Requirement]) -> Vec<PickerGroup> {
    RequirementGroup::ALL
        .iter()
        .map(|g| {
            let options: Vec<(&'static str, String, bool, bool)> = g
                .topics()
                .map(|t| (t.code(), topic_label(tr, t), chosen.iter().any(|c| c == t.code()), needed.contains(&t)))
                .collect();
            PickerGroup {
                id: g.message_id(),
                heading: tr.t(g.message_id()),
                open: options.iter().any(|o| o.2 || o.3),
                options,
            }
        })
        .collect()
}

fn phase_options(tr: &Tr, selected: &str, blank_id: &str) -> Vec<(&'static str, String, bool)> {
    let mut out = vec![("", tr.t(blank_id), selected.is_empty() || selected == "either")];
    out.extend(TrainingPhase::ALL.iter().map(|p| (p.code(), tr.t(&p.message_id()), p.code() == selected)));
    out
}

fn phase_label(tr: &Tr, code: Option<&str>) -> String {
    match code.and_then(TrainingPhase::parse) {
        Some(p) => tr.t(&p.message_id()),
        None => tr.t("training-phase-either"),
    }
}

// ---------- the catalogue ----------

pub struct CourseRow {
    pub course: training_course::Model,
    pub topics: Vec<(String, String)>,
    pub phase: String,
    pub hours: Option<String>,
}

/// `(code, label, selected)` in the requirement filter.
pub type FilterOption = (&'static str, String, bool);

#[derive(Template, WebTemplate)]
#[template(path = "training/courses.html")]
pub struct CoursesPage {
    pub shell: Shell,
    pub rows: Vec<CourseRow>,
    /// `(heading, options)` for the requirement filter.
    pub filter_groups: Vec<(String, Vec<FilterOption>)>,
    pub requirement: String,
    pub archived: bool,
    pub may_manage: bool,
    pub unknown_filter: bool,
}

pub async fn courses_page(ctx: Ctx, RawQuery(raw): RawQuery) -> AppResult<CoursesPage> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
    let asked = field(&pairs, "requirement").unwrap_or_default();
    let requirement = Requirement::parse(&asked);
    let archived = field(&pairs, "archived").is_some();
    let found = service::courses(&ctx.state, &ctx.actor, CourseFilter { requirement, archived }).await?;
    let tr = ctx.tr;
    let rows = found
        .into_iter()
        .map(|c| CourseRow {
            topics: grouped_topics(&tr, &split_codes(&c.topics)),
            phase: phase_label(&tr, c.phase.as_deref()),
            hours: c.hours.map(|h| tr.t1("training-hours-n", "hours", hours_text(h))),
            course: c,
        })
        .collect();
    let selected = requirement.map(|r| r.code()).unwrap_or("");
    Ok(CoursesPage {
        rows,
        filter_groups: RequirementGroup::ALL
            .iter()
            .map(|g| {
                (
                    tr.t(g.message_id()),
                    g.topics().map(|t| (t.code(), topic_label(&tr, t), t.code() == selected)).collect(),
                )
            })
            .collect(),
        requirement: selected.to_string(),
        archived,
        may_manage: service::may_manage_catalogue(&ctx.actor),
        unknown_filter: !asked.is_empty() && requirement.is_none(),
        shell: ctx.shell().await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "training/course_form.html")]
pub struct CourseForm {
    pub shell: Shell,
    /// Set when editing.
    pub course: Option<training_course::Model>,
    pub values: Values,
    pub picker: Vec<PickerGroup>,
    pub errors: FormErrors,
    pub version: i32,
    pub conflict: bool,
    /// Training records naming the course (it can then only be archived).
    pub uses: u64,
}

impl CourseForm {
    pub fn phase_options(&self) -> Vec<(&'static str, String, bool)> {
        phase_options(&self.shell.tr, &self.values.v("phase"), "training-phase-either")
    }
    pub fn action(&self) -> String {
        match &self.course {
            Some(c) => format!("/team/courses/{}/edit", c.id),
            None => "/team/courses/new".into(),
        }
    }
}

fn course_values(c: &training_course::Model) -> (Values, Vec<String>) {
    let mut v = HashMap::new();
    v.insert("title".to_string(), c.title.clone());
    v.insert("provider".to_string(), c.provider.clone().unwrap_or_default());
    v.insert("description".to_string(), c.description.clone().unwrap_or_default());
    v.insert("phase".to_string(), c.phase.clone().unwrap_or_default());
    v.insert("hours".to_string(), c.hours.map(hours_text).unwrap_or_default());
    (Values(v), c.topics.split(';').filter(|t| !t.is_empty()).map(String::from).collect())
}

async fn course_form(
    ctx: &Ctx,
    course: Option<training_course::Model>,
    values: Values,
    topics: &[String],
    errors: &FieldErrors,
    version: i32,
    conflict: bool,
) -> AppResult<CourseForm> {
    let uses = match &course {
        Some(c) => service::course_uses(&ctx.state, &ctx.actor, c.id).await?,
        None => 0,
    };
    Ok(CourseForm {
        picker: topic_picker(&ctx.tr, topics, &[]),
        errors: FormErrors::new(&ctx.tr, errors),
        course,
        values,
        version,
        conflict,
        uses,
        shell: ctx.shell().await?,
    })
}

pub async fn new_course_page(ctx: Ctx) -> AppResult<CourseForm> {
    service::require_catalogue(&ctx.state, &ctx.actor, "personnel.course.create", None).await?;
    course_form(&ctx, None, Values(HashMap::new()), &[], &FieldErrors::new(), 0, false).await
}

fn course_input(form: &[(String, String)]) -> CourseInput {
    CourseInput {
        title: field(form, "title"),
        provider: field(form, "provider"),
        description: field(form, "description"),
        topics: fields(form, "topics"),
        phase: field(form, "phase"),
        hours: field(form, "hours"),
    }
}

pub async fn create_course(ctx: Ctx, CsrfForm(form): CsrfForm<Vec<(String, String)>>) -> AppResult<Response> {
    let input = course_input(&form);
    match service::create_course(&ctx.state, &ctx.actor, &input).await {
        Ok(saved) => {
            ctx.flash("success", "course-saved").await?;
            Ok(see_other(&format!("/team/courses#course-{}", saved.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let page = course_form(&ctx, None, values_of(&form), &input.topics, &errors, 0, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn edit_course_page(ctx: Ctx, Path(cid): Path<Uuid>) -> AppResult<CourseForm> {
    service::require_catalogue(&ctx.state, &ctx.actor, "personnel.course.update", Some(cid)).await?;
    let course = service::course(&ctx.state, &ctx.actor, cid).await?;
    let (values, topics) = course_values(&course);
    let version = course.version;
    course_form(&ctx, Some(course), values, &topics, &FieldErrors::new(), version, false).await
}

pub async fn update_course(
    ctx: Ctx,
    Path(cid): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = course_input(&form);
    let result = service::update_course(&ctx.state, &ctx.actor, cid, version_of(&form), &input).await;
    let (status, errors, conflict) = match result {
        Ok(saved) => {
            ctx.flash("success", "course-saved").await?;
            return Ok(see_other(&format!("/team/courses#course-{}", saved.id)));
        }
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, false),
        Err(AppError::Conflict) => (StatusCode::CONFLICT, FieldErrors::new(), true),
        Err(other) => return Err(other),
    };
    let course = service::course(&ctx.state, &ctx.actor, cid).await?;
    // After a conflict the form carries what was typed and the saved version, to save over it knowingly.
    let version = if conflict { course.version } else { version_of(&form) };
    let page = course_form(&ctx, Some(course), values_of(&form), &input.topics, &errors, version, conflict).await?;
    Ok((status, page).into_response())
}

async fn course_status(ctx: Ctx, cid: Uuid, form: &[(String, String)], active: bool) -> AppResult<Response> {
    match service::set_course_active(&ctx.state, &ctx.actor, cid, version_of(form), active).await {
        Ok(_) => {
            ctx.flash("success", if active { "course-restored" } else { "course-archived-notice" }).await?;
            Ok(see_other(&format!("/team/courses{}#course-{cid}", if active { "" } else { "?archived=1" })))
        }
        Err(AppError::Conflict) => {
            ctx.flash("error", "training-conflict").await?;
            Ok(see_other(&format!("/team/courses/{cid}/edit")))
        }
        Err(other) => Err(other),
    }
}

pub async fn archive_course(
    ctx: Ctx,
    Path(cid): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    course_status(ctx, cid, &form, false).await
}

pub async fn restore_course(
    ctx: Ctx,
    Path(cid): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    course_status(ctx, cid, &form, true).await
}

pub async fn delete_course(
    ctx: Ctx,
    Path(cid): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    match service::delete_course(&ctx.state, &ctx.actor, cid, version_of(&form)).await {
        Ok(()) => {
            ctx.flash("success", "course-deleted").await?;
            Ok(see_other("/team/courses"))
        }
        Err(AppError::Invalid(errors)) => {
            let course = service::course(&ctx.state, &ctx.actor, cid).await?;
            let (values, topics) = course_values(&course);
            let version = course.version;
            let page = course_form(&ctx, Some(course), values, &topics, &errors, version, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            ctx.flash("error", "training-conflict").await?;
            Ok(see_other(&format!("/team/courses/{cid}/edit")))
        }
        Err(other) => Err(other),
    }
}

// ---------- a staff member's training ----------

/// One record as listed.
pub struct RecordRow {
    pub record: training_record::Model,
    pub demonstrated: bool,
    pub topics: Vec<(String, String)>,
    pub phase: String,
    pub hours: Option<String>,
    /// "Attested by …" or "Recorded by …".
    pub by: String,
    /// `(link, file name, size)`.
    pub certificate: Option<(String, String, String)>,
    pub may_change: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "training/staff.html")]
pub struct StaffTrainingPage {
    pub shell: Shell,
    pub tabs: RecordTabs,
    pub overview: Overview,
    pub rows: Vec<RecordRow>,
    pub missing: Vec<(String, String)>,
    /// `(label, standing in words, tag class)` for pre-service and in-service training.
    pub checks: Vec<(String, String, &'static str)>,
    pub positions: String,
    /// The form being answered again after a mistake: `completion` or `demonstration`.
    pub open_form: &'static str,
    pub completion: Values,
    pub completion_picker: Vec<PickerGroup>,
    pub completion_errors: FormErrors,
    pub demonstration: Values,
    pub demonstration_picker: Vec<PickerGroup>,
    pub demonstration_errors: FormErrors,
}

impl StaffTrainingPage {
    pub fn course_options(&self) -> Vec<(String, String, bool)> {
        let chosen = self.completion.v("course_id");
        self.overview.courses.iter().map(|c| (c.id.to_string(), c.title.clone(), c.id.to_string() == chosen)).collect()
    }
    pub fn phase_options(&self) -> Vec<(&'static str, String, bool)> {
        phase_options(&self.shell.tr, &self.completion.v("phase"), "training-phase-from-course")
    }
    pub fn demonstration_phase_options(&self) -> Vec<(&'static str, String, bool)> {
        phase_options(&self.shell.tr, &self.demonstration.v("d-phase"), "training-phase-from-date")
    }
    /// The demonstration form's message for a field, if any.
    pub fn demo_error(&self, name: &str) -> String {
        self.demonstration_errors.get(&format!("{DEMO}{name}")).unwrap_or("").to_string()
    }
    pub fn limits(&self) -> String {
        self.shell.tr.with_args(
            "training-certificate-limits",
            &[("max", "5 MB".to_string()), ("types", service::CERTIFICATE_TYPES.to_string())],
        )
    }
}

fn standing_text(tr: &Tr, s: Standing) -> (String, &'static str) {
    match s {
        Standing::Met { on: Some(d) } => (tr.t1("training-standing-met-on", "date", d), "tag-success"),
        Standing::Met { on: None } => (tr.t("matrix-met"), "tag-success"),
        Standing::Expiring { until: Some(d) } => (tr.t1("training-standing-expiring-on", "date", d), "tag-warning"),
        Standing::Expiring { until: None } => (tr.t("matrix-expiring"), "tag-warning"),
        Standing::Expired { since: Some(d) } => (tr.t1("training-standing-expired-on", "date", d), "tag-danger"),
        Standing::Expired { since: None } => (tr.t("matrix-expired"), "tag-danger"),
        Standing::Missing => (tr.t("matrix-missing"), "tag-danger"),
    }
}

fn record_rows(tr: &Tr, overview: &Overview, actor_id: Uuid) -> Vec<RecordRow> {
    let staff_id = overview.record.staff.id;
    overview
        .records
        .iter()
        .map(|r| {
            let demonstrated = TrainingKind::parse(&r.kind) == Some(TrainingKind::Demonstrated);
            let name = |id: Uuid| overview.names.get(&id).cloned().unwrap_or_default();
            let by = match (demonstrated, r.attested_by) {
                (true, Some(a)) => tr.t1("training-attested-by", "name", name(a)),
                _ => tr.t1("training-recorded-by", "name", name(r.recorded_by)),
            };
            let certificate = r.certificate_file_id.and_then(|f| overview.files.get(&f)).map(|f| {
                (
                    format!("/team/{staff_id}/training/{}/certificate", r.id),
                    f.filename.clone(),
                    crate::groups::curricula::human_size(f.size),
                )
            });
            RecordRow {
                demonstrated,
                topics: grouped_topics(tr, &split_codes(&r.topics)),
                phase: phase_label(tr, Some(&r.phase)),
                hours: r.hours.map(|h| tr.t1("training-hours-n", "hours", hours_text(h))),
                by,
                certificate,
                may_change: if demonstrated {
                    overview.may_attest && actor_id != staff_id
                } else {
                    overview.may_record
                },
                record: r.clone(),
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn training_page_for(
    ctx: &Ctx,
    id: Uuid,
    open_form: &'static str,
    completion: Values,
    completion_topics: &[String],
    completion_errors: &FieldErrors,
    demonstration: Values,
    demonstration_topics: &[String],
    demonstration_errors: &FieldErrors,
) -> AppResult<StaffTrainingPage> {
    let overview = service::overview(&ctx.state, &ctx.actor, id).await?;
    let tr = ctx.tr;
    let needed = overview.missing_topics();
    let mut completion = completion;
    completion.0.entry("completed_on".into()).or_insert_with(|| overview.today.to_string());
    let mut demonstration = demonstration;
    demonstration.0.entry(format!("{DEMO}completed_on")).or_insert_with(|| overview.today.to_string());
    Ok(StaffTrainingPage {
        tabs: RecordTabs::new(&overview.record, "training"),
        rows: record_rows(&tr, &overview, ctx.actor.staff_id),
        missing: grouped_topics(&tr, &needed),
        checks: overview
            .training_checks()
            .into_iter()
            .map(|(c, s)| {
                let (text, class) = standing_text(&tr, s);
                (need_label(&tr, Need::Check(c)), text, class)
            })
            .collect(),
        positions: overview.positions.iter().map(|p| tr.t(&p.message_id())).collect::<Vec<_>>().join(", "),
        open_form,
        completion_picker: topic_picker(&tr, completion_topics, &needed),
        completion,
        completion_errors: FormErrors::new(&tr, completion_errors),
        demonstration_picker: topic_picker(&tr, demonstration_topics, &needed),
        demonstration,
        demonstration_errors: FormErrors::new(&tr, &prefixed(demonstration_errors, DEMO)),
        overview,
        shell: ctx.shell().await?,
    })
}

pub async fn training_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<StaffTrainingPage> {
    let none = FieldErrors::new();
    let blank = || Values(HashMap::new());
    training_page_for(&ctx, id, "", blank(), &[], &none, blank(), &[], &none).await
}

/// The certificate's part is `certificate`; topics come as many fields.
const FORM: super::multipart::Limits = super::multipart::Limits {
    file_part: "certificate",
    max_file_bytes: MAX_CERTIFICATE_BYTES,
    max_fields: 120,
    max_field_chars: 4000,
};

/// A multipart form read: its fields in order, and the certificate unless missing or too large.
struct Received {
    fields: Vec<(String, String)>,
    file: Option<Certificate>,
    too_big: bool,
}

async fn receive(multipart: Multipart) -> AppResult<Received> {
    let form = super::multipart::receive(multipart, &FORM).await?;
    Ok(Received {
        fields: form.fields,
        file: form.file.map(|f| Certificate { filename: f.filename, declared_type: f.declared_type, data: f.data }),
        too_big: form.too_big,
    })
}

/// The demonstration form shares the page with the completion form: its fields (but the topic
/// checkboxes) carry this prefix, so labels, ids and messages stay apart.
const DEMO: &str = "d-";

fn training_input(form: &[(String, String)], prefix: &str) -> TrainingInput {
    let get = |name: &str| field(form, &format!("{prefix}{name}"));
    TrainingInput {
        // Something that is no course id names an unknown course.
        course_id: get("course_id").map(|v| Uuid::parse_str(&v).unwrap_or(Uuid::nil())),
        title: get("title"),
        topics: fields(form, "topics"),
        completed_on: get("completed_on"),
        hours: get("hours"),
        provider: get("provider"),
        phase: get("phase"),
        demonstration: get("demonstration"),
        note: get("note"),
    }
}

/// Messages about the demonstration form, under its prefixed field names.
fn prefixed(errors: &FieldErrors, prefix: &str) -> FieldErrors {
    let mut out = errors.clone();
    for e in out.0.iter_mut() {
        e.field = format!("{prefix}{}", e.field);
    }
    out
}

pub async fn record_completion(ctx: Ctx, Path(id): Path<Uuid>, multipart: Multipart) -> AppResult<Response> {
    let received = receive(multipart).await?;
    if !csrf_matches(&ctx, field(&received.fields, "csrf_token").as_deref()).await? {
        return Err(AppError::Csrf);
    }
    let input = training_input(&received.fields, "");
    let result = if received.too_big {
        // Access first, so someone who may not write is refused before being told about the file.
        crate::personnel::open(&ctx.state, &ctx.actor, id, "personnel.training.add", |a| a.edit).await?;
        Err(AppError::Invalid(service::certificate_too_big()))
    } else {
        service::record_completion(&ctx.state, &ctx.actor, id, &input, received.file).await
    };
    match result {
        Ok(saved) => {
            ctx.flash("success", "training-recorded").await?;
            Ok(see_other(&format!("/team/{id}/training#record-{}", saved.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let none = FieldErrors::new();
            let blank = Values(HashMap::new());
            let values = values_of(&received.fields);
            let page =
                training_page_for(&ctx, id, "completion", values, &input.topics, &errors, blank, &[], &none).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn record_demonstration(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = TrainingInput { course_id: None, ..training_input(&form, DEMO) };
    match service::record_demonstration(&ctx.state, &ctx.actor, id, &input).await {
        Ok(saved) => {
            ctx.flash("success", "training-demonstration-recorded").await?;
            Ok(see_other(&format!("/team/{id}/training#record-{}", saved.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let none = FieldErrors::new();
            let blank = Values(HashMap::new());
            let values = values_of(&form);
            let page =
                training_page_for(&ctx, id, "demonstration", blank, &[], &none, values, &input.topics, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- changing one record ----------

#[derive(Template, WebTemplate)]
#[template(path = "training/record_form.html")]
pub struct RecordForm {
    pub shell: Shell,
    pub tabs: RecordTabs,
    pub record: training_record::Model,
    pub demonstrated: bool,
    pub values: Values,
    pub picker: Vec<PickerGroup>,
    pub courses: Vec<training_course::Model>,
    pub certificate: Option<(String, String)>,
    pub errors: FormErrors,
    pub version: i32,
    pub conflict: bool,
}

impl RecordForm {
    pub fn course_options(&self) -> Vec<(String, String, bool)> {
        let chosen = self.values.v("course_id");
        self.courses.iter().map(|c| (c.id.to_string(), c.title.clone(), c.id.to_string() == chosen)).collect()
    }
    pub fn phase_options(&self) -> Vec<(&'static str, String, bool)> {
        phase_options(&self.shell.tr, &self.values.v("phase"), "training-phase-from-course")
    }
    pub fn limits(&self) -> String {
        self.shell.tr.with_args(
            "training-certificate-limits",
            &[("max", "5 MB".to_string()), ("types", service::CERTIFICATE_TYPES.to_string())],
        )
    }
}

fn record_values(r: &training_record::Model) -> (Values, Vec<String>) {
    let mut v = HashMap::new();
    v.insert("course_id".to_string(), r.course_id.map(|c| c.to_string()).unwrap_or_default());
    v.insert("title".to_string(), r.title.clone());
    v.insert("completed_on".to_string(), r.completed_on.to_string());
    v.insert("hours".to_string(), r.hours.map(hours_text).unwrap_or_default());
    v.insert("provider".to_string(), r.provider.clone().unwrap_or_default());
    v.insert("phase".to_string(), r.phase.clone());
    v.insert("demonstration".to_string(), r.demonstration.clone().unwrap_or_default());
    v.insert("note".to_string(), r.note.clone().unwrap_or_default());
    (Values(v), r.topics.split(';').filter(|t| !t.is_empty()).map(String::from).collect())
}

#[allow(clippy::too_many_arguments)]
async fn record_form(
    ctx: &Ctx,
    id: Uuid,
    record: training_record::Model,
    values: Values,
    topics: &[String],
    errors: &FieldErrors,
    version: i32,
    conflict: bool,
) -> AppResult<RecordForm> {
    let overview = service::overview(&ctx.state, &ctx.actor, id).await?;
    let certificate = record
        .certificate_file_id
        .and_then(|f| overview.files.get(&f))
        .map(|f| (format!("/team/{id}/training/{}/certificate", record.id), f.filename.clone()));
    Ok(RecordForm {
        tabs: RecordTabs::new(&overview.record, "training"),
        demonstrated: TrainingKind::parse(&record.kind) == Some(TrainingKind::Demonstrated),
        picker: topic_picker(&ctx.tr, topics, &[]),
        courses: overview.courses,
        certificate,
        errors: FormErrors::new(&ctx.tr, errors),
        record,
        values,
        version,
        conflict,
        shell: ctx.shell().await?,
    })
}

pub async fn edit_record_page(ctx: Ctx, Path((id, rid)): Path<(Uuid, Uuid)>) -> AppResult<RecordForm> {
    let record = service::record(&ctx.state, &ctx.actor, id, rid, true).await?;
    let (values, topics) = record_values(&record);
    let version = record.version;
    record_form(&ctx, id, record, values, &topics, &FieldErrors::new(), version, false).await
}

pub async fn update_record(ctx: Ctx, Path((id, rid)): Path<(Uuid, Uuid)>, multipart: Multipart) -> AppResult<Response> {
    let received = receive(multipart).await?;
    if !csrf_matches(&ctx, field(&received.fields, "csrf_token").as_deref()).await? {
        return Err(AppError::Csrf);
    }
    let form = &received.fields;
    let input = training_input(form, "");
    let version = version_of(form);
    let result = if received.too_big {
        service::record(&ctx.state, &ctx.actor, id, rid, true).await?;
        Err(AppError::Invalid(service::certificate_too_big()))
    } else {
        let change = match (received.file, field(form, "remove_certificate").is_some()) {
            (Some(file), _) => CertificateChange::Replace(file),
            (None, true) => CertificateChange::Remove,
            (None, false) => CertificateChange::Keep,
        };
        service::update_record(&ctx.state, &ctx.actor, id, rid, version, &input, change).await
    };
    let (status, errors, conflict) = match result {
        Ok(saved) => {
            ctx.flash("success", "training-updated").await?;
            return Ok(see_other(&format!("/team/{id}/training#record-{}", saved.id)));
        }
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, false),
        Err(AppError::Conflict) => (StatusCode::CONFLICT, FieldErrors::new(), true),
        Err(other) => return Err(other),
    };
    let record = service::record(&ctx.state, &ctx.actor, id, rid, true).await?;
    let version = if conflict { record.version } else { version };
    let page = record_form(&ctx, id, record, values_of(form), &input.topics, &errors, version, conflict).await?;
    Ok((status, page).into_response())
}

pub async fn delete_record(
    ctx: Ctx,
    Path((id, rid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    match service::delete_record(&ctx.state, &ctx.actor, id, rid, version_of(&form)).await {
        Ok(()) => {
            ctx.flash("success", "training-deleted").await?;
            Ok(see_other(&format!("/team/{id}/training")))
        }
        Err(AppError::Conflict) => {
            ctx.flash("error", "training-conflict").await?;
            Ok(see_other(&format!("/team/{id}/training/{rid}/edit")))
        }
        Err(other) => Err(other),
    }
}

pub async fn download_certificate(ctx: Ctx, Path((id, rid)): Path<(Uuid, Uuid)>) -> AppResult<Response> {
    let file = service::certificate(&ctx.state, &ctx.actor, id, rid).await?;
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type.clone()),
            (header::CONTENT_DISPOSITION, super::curricula::attachment(&file.filename)),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        file.data,
    )
        .into_response())
}

// ---------- the competency matrix ----------

/// The words a matrix cell uses, escaped once for the whole page.
pub struct CellWords {
    met: String,
    expiring: String,
    expired: String,
    missing: String,
    not_required: String,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl CellWords {
    pub fn new(tr: &Tr) -> CellWords {
        CellWords {
            met: escape(&tr.t("matrix-met")),
            expiring: escape(&tr.t("matrix-expiring")),
            expired: escape(&tr.t("matrix-expired")),
            missing: escape(&tr.t("matrix-missing")),
            not_required: escape(&tr.t("matrix-not-required")),
        }
    }
}

/// One cell's HTML, written straight into the page (26 000 of them for 500 people).
pub struct Cell<'a> {
    words: &'a CellWords,
    standing: Option<Standing>,
}

impl Display for Cell<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self.words;
        match self.standing {
            None => write!(f, "<td class=\"na\">–<span class=\"vh\"> {}</span></td>", w.not_required),
            Some(Standing::Met { on: Some(d) }) => {
                write!(f, "<td class=\"ok\" title=\"{d}\">✓<span class=\"vh\"> {} {d}</span></td>", w.met)
            }
            Some(Standing::Met { on: None }) => {
                write!(f, "<td class=\"ok\">✓<span class=\"vh\"> {}</span></td>", w.met)
            }
            Some(Standing::Expiring { until }) => {
                f.write_str("<td class=\"soon\">")?;
                f.write_str(&w.expiring)?;
                if let Some(d) = until {
                    write!(f, " <small>{d}</small>")?;
                }
                f.write_str("</td>")
            }
            Some(Standing::Expired { since }) => {
                f.write_str("<td class=\"gap\">")?;
                f.write_str(&w.expired)?;
                if let Some(d) = since {
                    write!(f, " <small>{d}</small>")?;
                }
                f.write_str("</td>")
            }
            Some(Standing::Missing) => write!(f, "<td class=\"gap\">{}</td>", w.missing),
        }
    }
}

/// A column's heading: the short label, and the full one with its code for the tooltip.
pub struct ColumnHead {
    pub label: String,
    pub title: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "training/matrix.html")]
pub struct MatrixPage {
    pub shell: Shell,
    pub matrix: Matrix,
    pub heads: Vec<ColumnHead>,
    pub group_heads: Vec<(String, usize)>,
    pub words: CellWords,
    pub programs: Vec<(String, String, bool)>,
    pub positions: Vec<(&'static str, String, bool)>,
    pub gaps_only: bool,
    /// The filter as a query string, for the CSV link.
    pub query: String,
}

impl MatrixPage {
    pub fn cell(&self, standing: &Option<Standing>) -> Cell<'_> {
        Cell { words: &self.words, standing: *standing }
    }
    pub fn total_gaps(&self) -> usize {
        self.matrix.rows.iter().map(|r| r.gaps).sum()
    }
    pub fn with_gaps(&self) -> usize {
        self.matrix.rows.iter().filter(|r| r.gaps > 0).count()
    }
    pub fn summary(&self) -> String {
        self.shell.tr.with_args(
            "matrix-summary",
            &[
                ("shown", self.matrix.rows.len().to_string()),
                ("team", self.matrix.team_size.to_string()),
                ("gaps", self.with_gaps().to_string()),
            ],
        )
    }
    pub fn csv_link(&self) -> String {
        if self.query.is_empty() { "/team/matrix.csv".into() } else { format!("/team/matrix.csv?{}", self.query) }
    }
}

/// The filter read from the query string; also its canonical query text.
pub fn matrix_filter(raw: Option<&str>) -> (MatrixFilter, String) {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default();
    let filter = MatrixFilter {
        program: field(&pairs, "program").and_then(|p| Uuid::parse_str(&p).ok()),
        position: field(&pairs, "position").and_then(|p| Position::parse(&p)),
        gaps_only: field(&pairs, "gaps").is_some(),
    };
    let mut query: Vec<(&str, String)> = Vec::new();
    if let Some(p) = filter.program {
        query.push(("program", p.to_string()));
    }
    if let Some(p) = filter.position {
        query.push(("position", p.code().to_string()));
    }
    if filter.gaps_only {
        query.push(("gaps", "1".to_string()));
    }
    (filter, serde_urlencoded::to_string(query).unwrap_or_default())
}

/// The matrix page as the handler builds it (the bench renders it the same way).
pub fn matrix_page_of(
    shell: Shell,
    matrix: Matrix,
    programs: &[crate::db::entities::program::Model],
    filter: MatrixFilter,
    query: String,
) -> MatrixPage {
    let tr = shell.tr;
    let heads = matrix
        .columns
        .iter()
        .map(|n| {
            let label = need_label(&tr, *n);
            let mut title = String::new();
            let _ = write!(title, "{label} · {} ({})", n.standard(), n.code());
            ColumnHead { label, title }
        })
        .collect();
    let group_heads = matrix.groups.iter().map(|g| (tr.t(g.message_id), g.span)).collect();
    let selected_program = filter.program.map(|p| p.to_string()).unwrap_or_default();
    MatrixPage {
        heads,
        group_heads,
        words: CellWords::new(&tr),
        programs: programs
            .iter()
            .filter(|p| p.active)
            .map(|p| (p.id.to_string(), p.name.clone(), p.id.to_string() == selected_program))
            .collect(),
        positions: Position::ALL
            .iter()
            .map(|p| (p.code(), tr.t(&p.message_id()), filter.position == Some(*p)))
            .collect(),
        gaps_only: filter.gaps_only,
        query,
        matrix,
        shell,
    }
}

pub async fn matrix_page(ctx: Ctx, RawQuery(raw): RawQuery) -> AppResult<MatrixPage> {
    let (filter, query) = matrix_filter(raw.as_deref());
    let matrix = service::matrix(&ctx.state, &ctx.actor, filter).await?;
    let programs = crate::db::org::programs(ctx.state.db.conn(), ctx.actor.org_id).await?;
    Ok(matrix_page_of(ctx.shell().await?, matrix, &programs, filter, query))
}

pub async fn matrix_csv(ctx: Ctx, RawQuery(raw): RawQuery) -> AppResult<Response> {
    let (filter, _) = matrix_filter(raw.as_deref());
    let matrix = service::matrix(&ctx.state, &ctx.actor, filter).await?;
    let body = service::matrix_csv(&matrix, &ctx.tr)?;
    let name = format!("competency-matrix-{}.csv", matrix.today);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, super::curricula::attachment(&name)),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::codes::UiLanguage;
    use time::macros::date;

    #[test]
    fn cells_say_in_words_what_colour_shows() {
        let tr = Tr::new(UiLanguage::En);
        let words = CellWords::new(&tr);
        let cell = |s: Option<Standing>| Cell { words: &words, standing: s }.to_string();
        assert_eq!(cell(Some(Standing::Missing)), "<td class=\"gap\">Missing</td>");
        assert!(
            cell(Some(Standing::Expired { since: Some(date!(2026 - 11 - 01)) })).contains("Expired <small>2026-11-01")
        );
        assert!(cell(Some(Standing::Met { on: Some(date!(2026 - 01 - 02)) })).contains("Met 2026-01-02"));
        assert!(cell(None).contains("Not required"));
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn the_filter_reads_and_writes_the_query() {
        let program = Uuid::from_u128(5);
        let (f, q) = matrix_filter(Some(&format!("program={program}&position=supervisor&gaps=on&x=1")));
        assert_eq!(f, MatrixFilter { program: Some(program), position: Some(Position::Supervisor), gaps_only: true });
        assert_eq!(q, format!("program={program}&position=supervisor&gaps=1"));
        let (f, q) = matrix_filter(Some("position=juggler&program=nope"));
        assert_eq!((f, q.as_str()), (MatrixFilter::default(), ""));
    }

    #[test]
    fn topics_are_grouped_under_their_standard() {
        let tr = Tr::new(UiLanguage::En);
        let grouped = grouped_topics(
            &tr,
            &[Requirement::SkillOutreach, Requirement::ReferralProcedures, Requirement::TraumaSigns],
        );
        assert_eq!(grouped.len(), 2);
        assert_eq!(
            grouped[0].1,
            format!("{}, {}", tr.t("requirement-cse-2-03-referral"), tr.t("requirement-cse-2-03-trauma-signs"))
        );
        let picker = topic_picker(&tr, &["prsc-s-outreach".to_string()], &[Requirement::TraumaSigns]);
        assert_eq!(picker.iter().map(|g| g.options.len()).sum::<usize>(), 41);
        let open: Vec<&str> = picker.iter().filter(|g| g.open).map(|g| g.id).collect();
        assert_eq!(open, vec!["requirement-group-cse-2-03", "requirement-group-prsc-skills"]);
    }
}
