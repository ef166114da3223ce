//! Curriculum pages: the list, a curriculum at any version, writing a new version (sessions added,
//! removed and reordered with plain form fields, no script needed), a save based on an older
//! version refused with what changed, file uploads and downloads, retiring, the printable page
//! and the Markdown export.

use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::app::{AppState, format_local, local_date};
use crate::db::entities::curriculum;
use crate::domain::FieldErrors;
use crate::domain::groups::{CurriculumStatus, GroupStatus};
use crate::error::{AppError, AppResult};
use crate::groups::curricula::{
    self as service, Attach, Change, Content, CurriculumInput, FileHead, Follower, Loaded, MAX_FILE_BYTES, Material,
    MaterialInput, SessionInput, Upload,
};
use crate::i18n::Tr;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::borrow::Borrow;
use std::collections::HashMap;
use std::fmt::Display;
use uuid::Uuid;

/// The most an upload request may carry: one file at the limit plus the form around it. The
/// application-wide body limit must let these requests through (see `is_upload`).
pub const UPLOAD_BODY_LIMIT: usize = MAX_FILE_BYTES + 512 * 1024;

/// Whether a request is a curriculum file upload (page or API), which may be larger than others.
pub fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    method == axum::http::Method::POST
        && path
            .strip_prefix("/curricula/")
            .and_then(|rest| rest.strip_suffix("/files"))
            .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// Blank session rows a form offers, and how many more "More session rows" adds.
const BLANK_ROWS: usize = 2;
const MORE_ROWS: usize = 3;
/// Blank link rows under each session.
const BLANK_MATERIALS: usize = 2;
/// Form rows read at most (a form cannot make the server loop for long).
const MAX_ROWS: usize = 300;
const MAX_MATERIAL_ROWS: usize = 60;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/curricula", get(list_page).post(create))
        .route("/curricula/new", get(new_page))
        .route("/curricula/{id}", get(show_or_export))
        .route("/curricula/{id}/edit", get(edit_page).post(save))
        .route("/curricula/{id}/versions/{number}", get(version_page))
        .route("/curricula/{id}/print", get(print_page))
        .route("/curricula/{id}/retire", post(retire))
        .route("/curricula/{id}/reactivate", post(reactivate))
        .route("/curricula/{id}/files", post(upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)))
        .route("/curricula/{id}/files/{file_id}", get(download))
}

fn status_label(tr: &Tr, code: &str) -> String {
    CurriculumStatus::parse(code).map(|s| tr.t(&s.message_id())).unwrap_or_else(|| code.to_string())
}

fn group_status_label(tr: &Tr, code: &str) -> String {
    GroupStatus::parse(code).map(|s| tr.t(&s.message_id())).unwrap_or_else(|| code.to_string())
}

fn file_path(curriculum_id: Uuid, file_id: Uuid) -> String {
    format!("/curricula/{curriculum_id}/files/{file_id}")
}

// ---------- the list ----------

#[derive(Template, WebTemplate)]
#[template(path = "curricula/list.html")]
pub struct ListPage {
    pub shell: Shell,
    pub items: Vec<service::Summary>,
    pub filter: String,
    pub may_write: bool,
    pub zone: String,
}

impl ListPage {
    pub fn when(&self, at: impl Borrow<time::OffsetDateTime>) -> String {
        format_local(&self.zone, *at.borrow())
    }
    pub fn status(&self, c: &curriculum::Model) -> String {
        status_label(&self.shell.tr, &c.status)
    }
    pub fn filters(&self) -> Vec<(&'static str, String, &'static str)> {
        [("", "curricula-filter-all"), ("active", "curricula-filter-active"), ("retired", "curricula-filter-retired")]
            .into_iter()
            .map(|(code, id)| (code, self.shell.t(id), if self.filter == code { "page" } else { "false" }))
            .collect()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    status: String,
}

pub async fn list_page(ctx: Ctx, Query(q): Query<ListQuery>) -> AppResult<ListPage> {
    let status = CurriculumStatus::parse(&q.status);
    let items = service::list(&ctx.state, &ctx.actor, status).await?;
    Ok(ListPage {
        shell: ctx.shell().await?,
        items,
        filter: status.map(|s| s.code().to_string()).unwrap_or_default(),
        may_write: service::may_write(&ctx.actor),
        zone: ctx.org.time_zone.clone(),
    })
}

// ---------- writing: the form ----------

/// A material row of the form.
#[derive(Clone, Debug, Default)]
pub struct MaterialRow {
    pub label: String,
    pub url: String,
    pub file_id: String,
    pub remove: bool,
}

/// A session row of the form, as shown or as sent back.
#[derive(Clone, Debug, Default)]
pub struct SessionRow {
    pub id: String,
    pub number: Option<i32>,
    pub position: String,
    pub topic: String,
    pub objectives: String,
    pub activities: String,
    pub remove: bool,
    pub materials: Vec<MaterialRow>,
}

impl SessionRow {
    fn is_blank(&self) -> bool {
        self.id.is_empty()
            && self.position.trim().is_empty()
            && self.topic.trim().is_empty()
            && self.objectives.trim().is_empty()
            && self.activities.trim().is_empty()
            && self.materials.iter().all(MaterialRow::is_blank)
    }

    /// Ensures the row ends in enough blank link rows to add links without script.
    fn pad_materials(&mut self) {
        let trailing_blank = self.materials.iter().rev().take_while(|m| m.is_blank()).count();
        for _ in trailing_blank..BLANK_MATERIALS {
            self.materials.push(MaterialRow::default());
        }
    }
}

impl MaterialRow {
    fn is_blank(&self) -> bool {
        self.label.trim().is_empty() && self.url.trim().is_empty() && self.file_id.is_empty()
    }
}

/// Rows for a stored version's sessions.
fn rows_of(content: &Content) -> Vec<SessionRow> {
    content
        .sessions
        .iter()
        .map(|s| SessionRow {
            id: s.id.to_string(),
            number: Some(s.number),
            position: s.number.to_string(),
            topic: s.topic.clone(),
            objectives: s.objectives.clone(),
            activities: s.activities.clone(),
            remove: false,
            materials: s
                .materials
                .iter()
                .map(|m| MaterialRow {
                    label: m.label.clone(),
                    url: m.url.clone().unwrap_or_default(),
                    file_id: m.file_id.map(|f| f.to_string()).unwrap_or_default(),
                    remove: false,
                })
                .collect(),
        })
        .collect()
}

/// Adds blank rows after the last filled one (rows sent back keep their places, so messages
/// still point at the right row).
fn with_blank_rows(mut rows: Vec<SessionRow>, blanks: usize) -> Vec<SessionRow> {
    let trailing_blank = rows.iter().rev().take_while(|r| r.is_blank()).count();
    for _ in trailing_blank..blanks {
        rows.push(SessionRow::default());
    }
    for row in &mut rows {
        row.pad_materials();
    }
    rows
}

/// What the form sent: the input for the service, the rows to show again, the version the edit
/// started from, and whether more rows were asked for instead of a save.
struct Sent {
    input: CurriculumInput,
    rows: Vec<SessionRow>,
    base: i32,
    more: bool,
}

/// `session_3_topic` → (3, "topic"); `session_3_material_1_url` → (3, Some(1), "url").
fn row_key(name: &str) -> Option<(usize, Option<usize>, &str)> {
    let rest = name.strip_prefix("session_")?;
    let (i, rest) = rest.split_once('_')?;
    let i: usize = i.parse().ok()?;
    match rest.strip_prefix("material_") {
        Some(m) => {
            let (j, field) = m.split_once('_')?;
            Some((i, Some(j.parse().ok()?), field))
        }
        None => Some((i, None, rest)),
    }
}

fn read_form(form: &[(String, String)]) -> Sent {
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut rows: Vec<SessionRow> = Vec::new();
    for (name, value) in form {
        let Some((i, j, field)) = row_key(name) else { continue };
        if i >= MAX_ROWS || j.is_some_and(|j| j >= MAX_MATERIAL_ROWS) {
            continue;
        }
        if rows.len() <= i {
            rows.resize_with(i + 1, SessionRow::default);
        }
        let row = &mut rows[i];
        match j {
            Some(j) => {
                if row.materials.len() <= j {
                    row.materials.resize_with(j + 1, MaterialRow::default);
                }
                let m = &mut row.materials[j];
                match field {
                    "label" => m.label = value.clone(),
                    "url" => m.url = value.clone(),
                    "file_id" => m.file_id = value.clone(),
                    "remove" => m.remove = true,
                    _ => {}
                }
            }
            None => match field {
                "id" => row.id = value.clone(),
                "number" => row.number = value.parse().ok(),
                "position" => row.position = value.clone(),
                "topic" => row.topic = value.clone(),
                "objectives" => row.objectives = value.clone(),
                "activities" => row.activities = value.clone(),
                "remove" => row.remove = true,
                _ => {}
            },
        }
    }
    let sessions = rows
        .iter()
        .map(|r| SessionInput {
            id: Uuid::parse_str(&r.id).ok(),
            position: r.position.trim().parse().ok(),
            topic: r.topic.clone(),
            objectives: r.objectives.clone(),
            activities: r.activities.clone(),
            remove: r.remove,
            materials: r
                .materials
                .iter()
                .map(|m| MaterialInput {
                    label: m.label.clone(),
                    url: Some(m.url.clone()).filter(|u| !u.trim().is_empty()),
                    file_id: Uuid::parse_str(&m.file_id).ok(),
                    remove: m.remove,
                })
                .collect(),
        })
        .collect();
    let text = |k: &str| Some(get(k)).filter(|v| !v.trim().is_empty());
    Sent {
        input: CurriculumInput {
            title: get("title"),
            summary: text("summary"),
            audience: text("audience"),
            change_note: text("change_note"),
            sessions,
        },
        rows,
        base: get("version").parse().unwrap_or(0),
        more: form.iter().any(|(n, _)| n == "more"),
    }
}

/// The other save that got in first, and what it changed.
pub struct ConflictView {
    pub base: i32,
    pub current: i32,
    pub author: String,
    pub at: String,
    pub lines: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "curricula/form.html")]
pub struct FormPage {
    pub shell: Shell,
    pub action: String,
    pub curriculum: Option<curriculum::Model>,
    pub base_version: i32,
    pub title: String,
    pub summary: String,
    pub audience: String,
    pub change_note: String,
    pub rows: Vec<SessionRow>,
    pub errors: FormErrors,
    pub conflict: Option<ConflictView>,
    pub files: Vec<FileHead>,
    pub followers: Vec<Follower>,
}

impl FormPage {
    pub fn row_error(&self, i: impl Display, field: &str) -> Option<String> {
        self.errors.get(&format!("session_{i}_{field}")).map(String::from)
    }
    pub fn material_error(&self, i: impl Display, j: impl Display) -> Option<String> {
        let i = i.to_string();
        let j = j.to_string();
        self.errors
            .get(&format!("session_{i}_material_{j}_url"))
            .or_else(|| self.errors.get(&format!("session_{i}_material_{j}_label")))
            .map(String::from)
    }
    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.get(field).map(String::from)
    }
    pub fn file_name(&self, file_id: &str) -> String {
        self.files.iter().find(|f| f.id.to_string() == file_id).map(|f| f.filename.clone()).unwrap_or_default()
    }
    pub fn row_legend(&self, row: &SessionRow) -> String {
        match row.number {
            Some(n) if !row.id.is_empty() => {
                format!("{} · {}", self.shell.t1("curriculum-session-n", "number", n), row.topic)
            }
            _ => self.shell.t("curriculum-session-new"),
        }
    }
    pub fn is_new(&self) -> bool {
        self.curriculum.is_none()
    }
    pub fn curriculum_id(&self) -> String {
        self.curriculum.as_ref().map(|c| c.id.to_string()).unwrap_or_default()
    }
    pub fn conflict_text(&self, c: &ConflictView) -> String {
        self.shell.tr.with_args(
            "curriculum-conflict-lede",
            &[
                ("current", c.current.to_string()),
                ("base", c.base.to_string()),
                ("name", c.author.clone()),
                ("at", c.at.clone()),
            ],
        )
    }
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    ctx: &Ctx,
    curriculum: Option<curriculum::Model>,
    base_version: i32,
    input: &CurriculumInput,
    rows: Vec<SessionRow>,
    blanks: usize,
    errors: &FieldErrors,
    conflict: Option<ConflictView>,
) -> AppResult<FormPage> {
    let (files, followers) = match &curriculum {
        Some(c) => {
            let conn = ctx.state.db.conn();
            (
                service::files(conn, ctx.actor.org_id, c.id).await?,
                service::followers(conn, ctx.actor.org_id, c.id).await?,
            )
        }
        None => (Vec::new(), Vec::new()),
    };
    Ok(FormPage {
        shell: ctx.shell().await?,
        action: match &curriculum {
            Some(c) => format!("/curricula/{}/edit", c.id),
            None => "/curricula".into(),
        },
        curriculum,
        base_version,
        title: input.title.clone(),
        summary: input.summary.clone().unwrap_or_default(),
        audience: input.audience.clone().unwrap_or_default(),
        change_note: input.change_note.clone().unwrap_or_default(),
        rows: with_blank_rows(rows, blanks),
        errors: FormErrors::new(&ctx.tr, errors),
        conflict,
        files,
        followers,
    })
}

pub async fn new_page(ctx: Ctx) -> AppResult<FormPage> {
    service::require_write(&ctx.state, &ctx.actor, "curriculum.create", None).await?;
    form_page(&ctx, None, 0, &CurriculumInput::default(), Vec::new(), MORE_ROWS, &FieldErrors::new(), None).await
}

pub async fn create(ctx: Ctx, CsrfForm(form): CsrfForm<Vec<(String, String)>>) -> AppResult<Response> {
    let sent = read_form(&form);
    if sent.more {
        service::require_write(&ctx.state, &ctx.actor, "curriculum.create", None).await?;
        let blanks = BLANK_ROWS + MORE_ROWS;
        let page = form_page(&ctx, None, 0, &sent.input, sent.rows, blanks, &FieldErrors::new(), None).await?;
        return Ok(page.into_response());
    }
    match service::create(&ctx.state, &ctx.actor, &sent.input).await {
        Ok(c) => {
            ctx.flash("success", "curriculum-created").await?;
            Ok(see_other(&format!("/curricula/{}", c.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let page = form_page(&ctx, None, 0, &sent.input, sent.rows, BLANK_ROWS, &errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn edit_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<Response> {
    service::require_write(&ctx.state, &ctx.actor, "curriculum.save", Some(id)).await?;
    let loaded = service::load(&ctx.state, &ctx.actor, id, None).await?;
    if loaded.retired() {
        ctx.flash("error", "error-curriculum-retired").await?;
        return Ok(see_other(&format!("/curricula/{id}")));
    }
    let c = &loaded.content;
    let input = CurriculumInput {
        title: c.title.clone(),
        summary: c.summary.clone(),
        audience: c.audience.clone(),
        change_note: None,
        sessions: Vec::new(),
    };
    let base = loaded.curriculum.current_version;
    let rows = rows_of(c);
    let page =
        form_page(&ctx, Some(loaded.curriculum), base, &input, rows, BLANK_ROWS, &FieldErrors::new(), None).await?;
    Ok(page.into_response())
}

fn change_line(tr: &Tr, change: &Change) -> String {
    match change {
        Change::Detail { field, before, after } => tr.with_args(
            "curriculum-change-detail",
            &[
                ("field", tr.t(&format!("curriculum-{field}"))),
                ("before", if before.is_empty() { "—".into() } else { before.clone() }),
                ("after", if after.is_empty() { "—".into() } else { after.clone() }),
            ],
        ),
        Change::SessionAdded { number, topic } => {
            tr.with_args("curriculum-change-added", &[("number", number.to_string()), ("topic", topic.clone())])
        }
        Change::SessionRemoved { number, topic } => {
            tr.with_args("curriculum-change-removed", &[("number", number.to_string()), ("topic", topic.clone())])
        }
        Change::SessionChanged { number, before_number, topic, fields } => {
            let what = fields
                .iter()
                .map(|f| match *f {
                    "position" => tr.t1("curriculum-change-moved", "number", before_number),
                    other => tr.t(&format!("curriculum-field-{other}")),
                })
                .collect::<Vec<_>>()
                .join(", ");
            tr.with_args(
                "curriculum-change-changed",
                &[("number", number.to_string()), ("topic", topic.clone()), ("what", what)],
            )
        }
    }
}

/// What was saved since `base`, for a refused save.
async fn conflict_view(ctx: &Ctx, current: &curriculum::Model, base: i32) -> AppResult<ConflictView> {
    let conn = ctx.state.db.conn();
    let (latest, changes) = service::changes_since(conn, ctx.actor.org_id, current, base).await?;
    let names = service::staff_names(conn, ctx.actor.org_id, vec![latest.created_by]).await?;
    Ok(ConflictView {
        base,
        current: current.current_version,
        author: names.get(&latest.created_by).cloned().unwrap_or_default(),
        at: format_local(&ctx.org.time_zone, latest.created_at),
        lines: changes.iter().map(|c| change_line(&ctx.tr, c)).collect(),
    })
}

pub async fn save(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let sent = read_form(&form);
    if sent.more {
        service::require_write(&ctx.state, &ctx.actor, "curriculum.save", Some(id)).await?;
        let c = service::find(ctx.state.db.conn(), ctx.actor.org_id, id).await?;
        let blanks = BLANK_ROWS + MORE_ROWS;
        let page =
            form_page(&ctx, Some(c), sent.base, &sent.input, sent.rows, blanks, &FieldErrors::new(), None).await?;
        return Ok(page.into_response());
    }
    match service::update(&ctx.state, &ctx.actor, id, sent.base, &sent.input).await {
        Ok(c) => {
            ctx.flash("success", "curriculum-saved-notice").await?;
            Ok(see_other(&format!("/curricula/{}", c.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let c = service::find(ctx.state.db.conn(), ctx.actor.org_id, id).await?;
            let page = form_page(&ctx, Some(c), sent.base, &sent.input, sent.rows, BLANK_ROWS, &errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            // Nothing was saved: the form keeps what was typed, shows what the other save changed,
            // and now carries the current version, so saving again is a decision, not an accident.
            let c = service::find(ctx.state.db.conn(), ctx.actor.org_id, id).await?;
            let conflict = conflict_view(&ctx, &c, sent.base).await?;
            let current = c.current_version;
            let page = form_page(
                &ctx,
                Some(c),
                current,
                &sent.input,
                sent.rows,
                BLANK_ROWS,
                &FieldErrors::new(),
                Some(conflict),
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- reading: one version ----------

#[derive(Template, WebTemplate)]
#[template(path = "curricula/show.html")]
pub struct ShowPage {
    pub shell: Shell,
    pub loaded: Loaded,
    pub zone: String,
    pub upload_errors: FormErrors,
    pub upload_session: i32,
    pub upload_label: String,
    pub upload_note: String,
    pub upload_conflict: bool,
}

/// What a material links to and how it is described; shared by the page and the print.
fn material_view(loaded: &Loaded, m: &Material) -> (String, String) {
    match (m.file_id, &m.url) {
        (Some(file_id), _) => {
            let detail = match loaded.file(file_id) {
                Some(f) => format!("{} · {}", f.filename, service::human_size(f.size)),
                None => String::new(),
            };
            (file_path(loaded.curriculum.id, file_id), detail)
        }
        (None, Some(url)) => (url.clone(), url.clone()),
        (None, None) => (String::new(), String::new()),
    }
}

impl ShowPage {
    pub fn when(&self, at: impl Borrow<time::OffsetDateTime>) -> String {
        format_local(&self.zone, *at.borrow())
    }
    pub fn status(&self) -> String {
        status_label(&self.shell.tr, &self.loaded.curriculum.status)
    }
    pub fn group_status(&self, f: &Follower) -> String {
        group_status_label(&self.shell.tr, &f.status)
    }
    pub fn href(&self, m: &Material) -> String {
        material_view(&self.loaded, m).0
    }
    pub fn detail(&self, m: &Material) -> String {
        material_view(&self.loaded, m).1
    }
    pub fn is_file(&self, m: &Material) -> bool {
        m.file_id.is_some()
    }
    pub fn saved_by(&self) -> String {
        self.loaded
            .versions
            .iter()
            .find(|v| v.number == self.loaded.version.number)
            .map(|v| v.author.clone())
            .unwrap_or_default()
    }
    pub fn version_of(&self, f: &Follower) -> String {
        match f.version {
            Some(v) => self.shell.t1("curriculum-version-n", "number", v),
            None => "—".into(),
        }
    }
    pub fn follows_shown(&self, f: &Follower) -> bool {
        f.version == Some(self.loaded.version.number)
    }
    pub fn follows_older(&self, f: &Follower) -> bool {
        !f.ended() && f.version.is_some_and(|v| v < self.loaded.curriculum.current_version)
    }
    pub fn may_edit(&self) -> bool {
        self.loaded.may_write && !self.loaded.retired()
    }
    pub fn active_followers(&self) -> usize {
        self.loaded.followers.iter().filter(|f| !f.ended()).count()
    }
    pub fn upload_error(&self, field: &str) -> Option<String> {
        self.upload_errors.get(field).map(String::from)
    }
    pub fn size(&self, f: &FileHead) -> String {
        service::human_size(f.size)
    }
    pub fn short_hash(&self, f: &FileHead) -> String {
        f.sha256.chars().take(12).collect()
    }
    pub fn limits(&self) -> String {
        self.shell.tr.with_args(
            "curriculum-upload-limits",
            &[("max", service::human_size(MAX_FILE_BYTES as i64)), ("types", service::ALLOWED_TYPES.into())],
        )
    }
    pub fn accept(&self) -> &'static str {
        ".pdf,.docx,.pptx,.xlsx,.odt,.png,.jpg,.jpeg,.txt,.md"
    }
}

async fn show_page(ctx: &Ctx, id: Uuid, number: Option<i32>) -> AppResult<ShowPage> {
    let loaded = service::load(&ctx.state, &ctx.actor, id, number).await?;
    Ok(ShowPage {
        shell: ctx.shell().await?,
        upload_session: loaded.content.sessions.first().map_or(1, |s| s.number),
        loaded,
        zone: ctx.org.time_zone.clone(),
        upload_errors: FormErrors::default(),
        upload_label: String::new(),
        upload_note: String::new(),
        upload_conflict: false,
    })
}

/// `/curricula/{id}` shows the current version; `/curricula/{id}.md` exports it (the router has
/// no suffix parameters, so both arrive here).
pub async fn show_or_export(ctx: Ctx, Path(raw): Path<String>, Query(q): Query<VersionQuery>) -> AppResult<Response> {
    match raw.strip_suffix(".md") {
        Some(stem) => {
            let id = Uuid::parse_str(stem).map_err(|_| AppError::NotFound)?;
            markdown_export(&ctx, id, q.version).await
        }
        None => {
            let id = Uuid::parse_str(&raw).map_err(|_| AppError::NotFound)?;
            Ok(show_page(&ctx, id, None).await?.into_response())
        }
    }
}

pub async fn version_page(ctx: Ctx, Path((id, number)): Path<(Uuid, i32)>) -> AppResult<ShowPage> {
    show_page(&ctx, id, Some(number)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionQuery {
    version: Option<i32>,
}

// ---------- retiring ----------

async fn change_status(ctx: Ctx, id: Uuid, status: CurriculumStatus) -> AppResult<Response> {
    let c = service::set_status(&ctx.state, &ctx.actor, id, status).await?;
    ctx.flash(
        "success",
        match status {
            CurriculumStatus::Retired => "curriculum-retired-notice",
            CurriculumStatus::Active => "curriculum-reactivated",
        },
    )
    .await?;
    Ok(see_other(&format!("/curricula/{}", c.id)))
}

pub async fn retire(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    change_status(ctx, id, CurriculumStatus::Retired).await
}

pub async fn reactivate(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    change_status(ctx, id, CurriculumStatus::Active).await
}

// ---------- files ----------

/// A multipart upload read: its text fields, and the file unless it was missing or too large.
pub(crate) struct Received {
    pub fields: HashMap<String, String>,
    pub file: Option<Upload>,
    pub too_big: bool,
}

/// The file part is `file`; the form around it is small.
const FORM: super::multipart::Limits = super::multipart::Limits {
    file_part: "file",
    max_file_bytes: MAX_FILE_BYTES,
    max_fields: 20,
    max_field_chars: 2000,
};

pub(crate) async fn receive(multipart: Multipart) -> AppResult<Received> {
    let form = super::multipart::receive(multipart, &FORM).await?;
    Ok(Received {
        fields: form.fields.into_iter().collect(),
        file: form.file.map(|f| Upload { filename: f.filename, declared_type: f.declared_type, data: f.data }),
        too_big: form.too_big,
    })
}

impl Received {
    pub fn text(&self, name: &str) -> Option<String> {
        self.fields.get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
    }

    pub fn number(&self, name: &str) -> Option<i32> {
        self.text(name).and_then(|v| v.parse().ok())
    }

    /// The file, or the message saying why there is none.
    pub fn take_file(&mut self) -> Result<Upload, FieldErrors> {
        if self.too_big {
            return Err(service::too_big());
        }
        self.file.take().ok_or_else(|| FieldErrors::single("file", "error-curriculum-file-missing"))
    }
}

async fn csrf_matches(ctx: &Ctx, sent: Option<&str>) -> AppResult<bool> {
    let expected: Option<String> =
        ctx.session.get(super::CSRF_KEY).await.map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    Ok(expected.is_some_and(|e| crate::auth::tokens_match(&e, sent.unwrap_or(""))))
}

/// Adds a file to a session's materials, saved as the next version.
pub async fn upload(ctx: Ctx, Path(id): Path<Uuid>, multipart: Multipart) -> AppResult<Response> {
    let mut received = receive(multipart).await?;
    if !csrf_matches(&ctx, received.fields.get("csrf_token").map(String::as_str)).await? {
        return Err(AppError::Csrf);
    }
    let session = received.number("session").unwrap_or(0);
    let label = received.text("label");
    let note = received.text("change_note");
    let base = received.number("version").unwrap_or(0);
    let result = match received.take_file() {
        Ok(file) => {
            let attach = Attach { session, label: label.clone(), base, change_note: note.clone() };
            service::upload(&ctx.state, &ctx.actor, id, file, Some(attach)).await.map(|_| ())
        }
        Err(errors) => {
            // Access first, so a reader who may not write is refused before being told about the file.
            service::require_write(&ctx.state, &ctx.actor, "curriculum.upload", Some(id)).await?;
            Err(AppError::Invalid(errors))
        }
    };
    let status = match result {
        Ok(()) => {
            ctx.flash("success", "curriculum-file-added").await?;
            return Ok(see_other(&format!("/curricula/{id}#session-{session}")));
        }
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(AppError::Conflict) => (StatusCode::CONFLICT, FieldErrors::new()),
        Err(other) => return Err(other),
    };
    let mut page = show_page(&ctx, id, None).await?;
    page.upload_conflict = status.0 == StatusCode::CONFLICT;
    page.upload_errors = FormErrors::new(&ctx.tr, &status.1);
    page.upload_session = session;
    page.upload_label = label.unwrap_or_default();
    page.upload_note = note.unwrap_or_default();
    Ok((status.0, page).into_response())
}

/// `Content-Disposition: attachment` with the stored name (plain and RFC 8187 forms).
pub(crate) fn attachment(filename: &str) -> String {
    let plain: String = filename
        .chars()
        .map(|c| if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' { c } else { '_' })
        .collect();
    let mut encoded = String::new();
    for byte in filename.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}")
}

/// A stored file as a download, with the type it was checked as.
pub(crate) fn file_response(file: crate::db::entities::curriculum_file::Model) -> Response {
    (
        [(header::CONTENT_TYPE, file.content_type.clone()), (header::CONTENT_DISPOSITION, attachment(&file.filename))],
        file.data,
    )
        .into_response()
}

pub async fn download(ctx: Ctx, Path((id, file_id)): Path<(Uuid, Uuid)>) -> AppResult<Response> {
    Ok(file_response(service::file(&ctx.state, &ctx.actor, id, file_id).await?))
}

// ---------- print and export ----------

#[derive(Template, WebTemplate)]
#[template(path = "curricula/print.html")]
pub struct PrintPage {
    pub shell: Shell,
    pub loaded: Loaded,
    pub zone: String,
    pub printed_on: time::Date,
}

impl PrintPage {
    pub fn saved_on(&self) -> time::Date {
        local_date(&self.zone, self.loaded.version.created_at)
    }
    pub fn status(&self) -> String {
        status_label(&self.shell.tr, &self.loaded.curriculum.status)
    }
    pub fn href(&self, m: &Material) -> String {
        material_view(&self.loaded, m).0
    }
    pub fn detail(&self, m: &Material) -> String {
        material_view(&self.loaded, m).1
    }
    pub fn is_file(&self, m: &Material) -> bool {
        m.file_id.is_some()
    }
    pub fn version_of(&self, f: &Follower) -> String {
        match f.version {
            Some(v) => self.shell.t1("curriculum-version-n", "number", v),
            None => "—".into(),
        }
    }
    pub fn group_status(&self, f: &Follower) -> String {
        group_status_label(&self.shell.tr, &f.status)
    }
    pub fn active_followers(&self) -> Vec<&Follower> {
        self.loaded.followers.iter().filter(|f| !f.ended()).collect()
    }
}

/// A clean page for accreditation evidence; the browser prints it or saves it as PDF.
pub async fn print_page(ctx: Ctx, Path(id): Path<Uuid>, Query(q): Query<VersionQuery>) -> AppResult<PrintPage> {
    let loaded = service::load(&ctx.state, &ctx.actor, id, q.version).await?;
    Ok(PrintPage { shell: ctx.shell().await?, loaded, zone: ctx.org.time_zone.clone(), printed_on: ctx.today() })
}

/// Markdown keeps the multi-line objectives and activities and the lists of materials as they
/// were written, reads well as plain text, converts to a document and compares cleanly between
/// versions; a CSV would flatten all of that into quoted cells.
pub fn markdown(loaded: &Loaded, tr: &Tr, zone: &str) -> String {
    let c = &loaded.content;
    let v = &loaded.version;
    let mut out = format!("# {}\n\n", one_line(&c.title));
    out.push_str(&format!(
        "{} · {} · {}\n\n",
        tr.t1("curriculum-version-n", "number", v.number),
        tr.t1("curriculum-saved-on", "date", local_date(zone, v.created_at)),
        status_label(tr, &loaded.curriculum.status),
    ));
    if let Some(summary) = &c.summary {
        out.push_str(&format!("{summary}\n\n"));
    }
    if let Some(audience) = &c.audience {
        out.push_str(&format!("**{}:** {}\n\n", tr.t("curriculum-audience"), audience));
    }
    if let Some(note) = &v.change_note {
        out.push_str(&format!("**{}:** {}\n\n", tr.t("curriculum-change-note"), note));
    }
    for s in &c.sessions {
        out.push_str(&format!("## {}: {}\n\n", tr.t1("curriculum-session-n", "number", s.number), one_line(&s.topic)));
        if !s.objectives.is_empty() {
            out.push_str(&format!("### {}\n\n{}\n\n", tr.t("curriculum-objectives"), s.objectives));
        }
        if !s.activities.is_empty() {
            out.push_str(&format!("### {}\n\n{}\n\n", tr.t("curriculum-activities"), s.activities));
        }
        if !s.materials.is_empty() {
            out.push_str(&format!("### {}\n\n", tr.t("curriculum-materials")));
            for m in &s.materials {
                let (href, detail) = material_view(loaded, m);
                let label = m.label.replace('[', "\\[").replace(']', "\\]");
                match m.file_id {
                    Some(_) => out.push_str(&format!("- [{label}](<{href}>) ({detail})\n")),
                    None => out.push_str(&format!("- [{label}](<{href}>)\n")),
                }
            }
            out.push('\n');
        }
    }
    let following: Vec<&Follower> = loaded.followers.iter().filter(|f| !f.ended()).collect();
    out.push_str(&format!("## {}\n\n", tr.t("curriculum-groups-following")));
    if following.is_empty() {
        out.push_str(&format!("{}\n", tr.t("curriculum-no-groups")));
    }
    for f in following {
        let version = f.version.map(|n| tr.t1("curriculum-version-n", "number", n)).unwrap_or_else(|| "—".into());
        out.push_str(&format!("- {} · {}\n", one_line(&f.name), version));
    }
    out
}

fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

async fn markdown_export(ctx: &Ctx, id: Uuid, version: Option<i32>) -> AppResult<Response> {
    let loaded = service::load(&ctx.state, &ctx.actor, id, version).await?;
    let text = markdown(&loaded, &ctx.tr, &ctx.org.time_zone);
    let slug: String = loaded
        .content
        .title
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let name = format!("{}-v{}.md", if slug.is_empty() { "curriculum" } else { &slug }, loaded.version.number);
    Ok((
        [
            (header::CONTENT_TYPE, "text/markdown; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, attachment(&name)),
        ],
        text,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_paths_are_recognised_for_the_body_limit() {
        let post = axum::http::Method::POST;
        let id = Uuid::new_v4();
        assert!(is_upload(&post, &format!("/curricula/{id}/files")));
        assert!(is_upload(&post, &format!("/api/v1/curricula/{id}/files")));
        assert!(!is_upload(&axum::http::Method::GET, &format!("/curricula/{id}/files")));
        assert!(!is_upload(&post, &format!("/curricula/{id}/edit")));
        assert!(!is_upload(&post, "/curricula//files"));
        assert!(!is_upload(&post, &format!("/people/{id}/files")));
    }

    #[test]
    fn form_rows_are_read_by_their_numbers() {
        let form: Vec<(String, String)> = [
            ("title", "Wellness"),
            ("version", "3"),
            ("session_1_topic", "Sleep"),
            ("session_0_topic", "Food"),
            ("session_0_position", "2"),
            ("session_1_material_1_url", "https://example.org/sleep"),
            ("session_1_remove", "on"),
            ("session_9999_topic", "ignored"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let sent = read_form(&form);
        assert_eq!(sent.base, 3);
        assert!(!sent.more);
        assert_eq!(sent.rows.len(), 2);
        assert_eq!(sent.input.sessions[0].position, Some(2));
        assert!(sent.input.sessions[1].remove);
        assert_eq!(sent.input.sessions[1].materials[1].url.as_deref(), Some("https://example.org/sleep"));
        assert!(sent.input.sessions[1].materials[0].url.is_none());
    }

    #[test]
    fn blank_rows_are_added_after_the_filled_ones_only() {
        let filled = SessionRow { topic: "Sleep".into(), ..Default::default() };
        let rows = with_blank_rows(vec![SessionRow::default(), filled], 2);
        assert_eq!(rows.len(), 4);
        assert!(rows[0].is_blank() && !rows[1].is_blank() && rows[3].is_blank());
        assert_eq!(rows[1].materials.len(), BLANK_MATERIALS);
    }

    #[test]
    fn downloads_name_the_file_safely() {
        assert_eq!(attachment("Week 1.pdf"), "attachment; filename=\"Week 1.pdf\"; filename*=UTF-8''Week%201.pdf");
        let header = attachment("Séance \"2\".md");
        assert!(header.starts_with("attachment; filename=\"S_ance _2_.md\""), "{header}");
        assert!(header.ends_with("S%C3%A9ance%20%222%22.md"), "{header}");
    }
}
