//! Evidence documents: policies, procedures, job descriptions, the crisis procedure, photos — the
//! self-study and on-site documents a reviewer reads. Each is attached to one or more catalogue
//! elements, has a review-by date, keeps every uploaded version, and can be retired.
//!
//! A document is **current** while its review date has not passed (as of today, in the
//! organisation's zone) or, with no review date, when its latest version was uploaded within the
//! last twelve months; otherwise it is **overdue**. Elements rated from documents
//! (`readiness::element_evidence`) count both.

use crate::access::{Action, Actor};
use crate::app::AppState;
use crate::db;
use crate::db::entities::{
    evidence_document as doc, evidence_document_element as link, evidence_document_file as file,
};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::groups::curricula::{clean_filename, sha256_hex};
use crate::standards::catalogue::{self, Source};
use crate::standards::readiness::require;
use crate::web::actor_entry;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, Statement,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// The largest file accepted: the same as a staff member's uploaded certificate.
pub const MAX_FILE_BYTES: usize = crate::personnel::profile::MAX_FILE_BYTES;
pub const MAX_FILE_TEXT: &str = crate::personnel::profile::MAX_FILE_TEXT;
/// The file types accepted, as messages show them.
pub const ALLOWED_TYPES: &str = "PDF, DOC, DOCX, XLS, XLSX, PPT, PPTX, ODT, PNG, JPEG";

const TITLE_MAX: usize = 200;
const DESCRIPTION_MAX: usize = 2000;
const ELEMENTS_MAX: usize = 60;

text_code!(
    /// What a document is.
    DocumentKind {
        Policy => "policy",
        Procedure => "procedure",
        JobDescription => "job-description",
        CrisisProcedure => "crisis-procedure",
        Photo => "photo",
        Other => "other",
    }
);

impl DocumentKind {
    /// Message id of its label (prefixed, so it cannot clash with another area's).
    pub fn label_id(self) -> String {
        format!("readiness-doc-kind-{}", self.code())
    }
}

/// A file as received.
#[derive(Clone, Debug)]
pub struct Upload {
    pub filename: String,
    pub data: Vec<u8>,
}

/// An accepted file: the name kept (with an extension that fits) and the type it is served as.
#[derive(Debug, PartialEq, Eq)]
pub struct CheckedFile {
    pub filename: String,
    pub content_type: &'static str,
}

const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// (extensions, content type, looks right): known by extension, confirmed by the first bytes.
type Kind = (&'static [&'static str], &'static str, fn(&[u8]) -> bool);

const KINDS: &[Kind] = &[
    (&["pdf"], "application/pdf", |d| d.starts_with(b"%PDF-")),
    (&["docx"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document", |d| {
        d.starts_with(b"PK\x03\x04")
    }),
    (&["xlsx"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", |d| d.starts_with(b"PK\x03\x04")),
    (&["pptx"], "application/vnd.openxmlformats-officedocument.presentationml.presentation", |d| {
        d.starts_with(b"PK\x03\x04")
    }),
    (&["odt"], "application/vnd.oasis.opendocument.text", |d| d.starts_with(b"PK\x03\x04")),
    (&["doc"], "application/msword", |d| d.starts_with(OLE)),
    (&["xls"], "application/vnd.ms-excel", |d| d.starts_with(OLE)),
    (&["ppt"], "application/vnd.ms-powerpoint", |d| d.starts_with(OLE)),
    (&["png"], "image/png", |d| d.starts_with(b"\x89PNG\r\n\x1a\n")),
    (&["jpg", "jpeg"], "image/jpeg", |d| d.starts_with(&[0xFF, 0xD8, 0xFF])),
];

pub fn too_big() -> FieldErrors {
    let mut errors = FieldErrors::new();
    errors.add_with("file", "readiness-doc-error-file-too-big", vec![("max", MAX_FILE_TEXT.into())]);
    errors
}

/// Accepts a PDF, Office document or image of at most 5 MB whose first bytes match its extension.
pub fn check_file(upload: &Upload) -> Result<CheckedFile, FieldErrors> {
    if upload.data.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let filename = clean_filename(&upload.filename);
    if upload.data.is_empty() || filename.is_empty() {
        return Err(FieldErrors::single("file", "readiness-doc-error-file-empty"));
    }
    let extension = filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match KINDS.iter().find(|(exts, _, _)| exts.contains(&extension.as_str())) {
        Some((_, content_type, looks_right)) if looks_right(&upload.data) => Ok(CheckedFile { filename, content_type }),
        _ => {
            let mut errors = FieldErrors::new();
            errors.add_with("file", "readiness-doc-error-file-type", vec![("types", ALLOWED_TYPES.into())]);
            Err(errors)
        }
    }
}

/// Whether a document is current on `today`: its review date not passed, or with none, its latest
/// version uploaded within the last twelve months.
pub fn is_current(review_due_on: Option<Date>, uploaded_on: Date, today: Date) -> bool {
    match review_due_on {
        Some(due) => due >= today,
        None => uploaded_on >= year_before(today),
    }
}

/// The same day a year earlier (28 February for 29 February).
fn year_before(day: Date) -> Date {
    day.replace_year(day.year() - 1)
        .unwrap_or_else(|_| Date::from_calendar_date(day.year() - 1, day.month(), 28).unwrap_or(day))
}

// ---------- input ----------

/// A document's details as sent. `elements` are element ids ("CSE 3.03.a") of `source`, or
/// prefixed with another source's code ("prsc:PRSC 6.01.a").
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct DocumentInput {
    pub title: String,
    pub description: Option<String>,
    /// `policy`, `procedure`, `job-description`, `crisis-procedure`, `photo` or `other`.
    pub kind: String,
    /// YYYY-MM-DD; left out when the document has no review date.
    pub review_due_on: Option<String>,
    /// The source element ids without a prefix belong to (default: the organisation's edition).
    pub source: Option<String>,
    pub elements: Vec<String>,
}

struct Valid {
    title: String,
    description: Option<String>,
    kind: DocumentKind,
    review_due_on: Option<Date>,
    elements: Vec<(Source, String)>,
}

/// Element ids checked against the catalogue, each once, in the order given.
pub fn parse_elements(default: Source, raw: &[String], errors: &mut FieldErrors) -> Vec<(Source, String)> {
    let mut out: Vec<(Source, String)> = Vec::new();
    for item in raw.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let (source, id) = match item.split_once(':') {
            Some((code, id)) => (Source::parse(code), id.trim()),
            None => (Some(default), item),
        };
        match source.and_then(|s| catalogue::edition(s).element(id).map(|(_, _, e)| (s, e.id.clone()))) {
            Some(found) if !out.contains(&found) => out.push(found),
            Some(_) => {}
            None => errors.add_with("elements", "readiness-doc-error-unknown-element", vec![("element", item.into())]),
        }
    }
    if out.is_empty() && errors.for_field("elements").is_none() {
        errors.add("elements", "readiness-doc-error-no-element");
    } else if out.len() > ELEMENTS_MAX {
        errors.add_with("elements", "error-too-long", vec![("max", ELEMENTS_MAX.to_string())]);
    }
    out
}

async fn org_source(state: &AppState, org_id: Uuid) -> AppResult<Source> {
    let org = db::org::get(state.db.conn(), org_id).await?.ok_or(AppError::NotFound)?;
    let edition = crate::domain::codes::Edition::parse(&org.edition).unwrap_or(crate::domain::codes::Edition::Cse2024);
    Ok(catalogue::source_of(edition))
}

async fn validate(state: &AppState, actor: &Actor, input: &DocumentInput) -> AppResult<Result<Valid, FieldErrors>> {
    let mut e = FieldErrors::new();
    let title = e.required("title", &input.title, TITLE_MAX);
    let description = e.optional("description", input.description.as_deref(), DESCRIPTION_MAX);
    let kind = e.required_code("kind", &input.kind, DocumentKind::parse);
    let review_due_on = e.optional_date("review_due_on", input.review_due_on.as_deref());
    let default = match input.source.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => e.optional_code("source", Some(code), Source::parse),
        None => Some(org_source(state, actor.org_id).await?),
    };
    let elements = default.map(|d| parse_elements(d, &input.elements, &mut e)).unwrap_or_default();
    Ok(match kind {
        Some(kind) if e.is_empty() => Ok(Valid { title, description, kind, review_due_on, elements }),
        _ => Err(e),
    })
}

/// Field errors of the details and of the file together, so every mistake shows at once.
fn merged(
    valid: Result<Valid, FieldErrors>,
    checked: Option<Result<CheckedFile, FieldErrors>>,
) -> AppResult<(Valid, Option<CheckedFile>)> {
    let mut errors = FieldErrors::new();
    let valid = valid.map_err(|e| errors.0.extend(e.0)).ok();
    let checked = match checked {
        Some(Ok(c)) => Some(Some(c)),
        Some(Err(e)) => {
            errors.0.extend(e.0);
            None
        }
        None => Some(None),
    };
    match (valid, checked) {
        (Some(v), Some(c)) if errors.is_empty() => Ok((v, c)),
        _ => Err(AppError::Invalid(errors)),
    }
}

// ---------- writes ----------

fn file_row(
    actor: &Actor,
    document_id: Uuid,
    number: i32,
    checked: CheckedFile,
    data: Vec<u8>,
    now: OffsetDateTime,
) -> file::Model {
    file::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        document_id,
        number,
        filename: checked.filename,
        content_type: checked.content_type.to_string(),
        size: data.len() as i64,
        sha256: sha256_hex(&data),
        data,
        uploaded_by: actor.staff_id,
        uploaded_at: now,
    }
}

async fn write_links(
    txn: &db::WriteTxn,
    org_id: Uuid,
    document_id: Uuid,
    elements: &[(Source, String)],
) -> Result<(), DbErr> {
    link::Entity::delete_many()
        .filter(link::Column::OrgId.eq(org_id))
        .filter(link::Column::DocumentId.eq(document_id))
        .exec(&**txn)
        .await?;
    if elements.is_empty() {
        return Ok(());
    }
    let rows = elements.iter().map(|(source, id)| {
        link::ActiveModel::from(link::Model {
            org_id,
            document_id,
            source: source.code().into(),
            element_id: id.clone(),
        })
    });
    link::Entity::insert_many(rows).exec_without_returning(&**txn).await?;
    Ok(())
}

fn element_codes(elements: &[(Source, String)]) -> Vec<String> {
    elements.iter().map(|(s, id)| format!("{}:{id}", s.code())).collect()
}

/// Uploads a new document with its first version (audited as `readiness.document.add`).
pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: &DocumentInput,
    upload: Option<Upload>,
) -> AppResult<doc::Model> {
    require(state, actor, Action::ManageReadiness).await?;
    let checked = match &upload {
        Some(u) => Some(check_file(u)),
        None => Some(Err(FieldErrors::single("file", "readiness-doc-error-file-empty"))),
    };
    let (valid, checked) = merged(validate(state, actor, input).await?, checked)?;
    let (Some(checked), Some(upload)) = (checked, upload) else { return Err(AppError::BadRequest("error-bad-form")) };
    let now = state.clock.now();
    let today = crate::outcomes::analytics::today(state, actor.org_id).await?;
    let id = Uuid::new_v4();
    let stored = file_row(actor, id, 1, checked, upload.data, now);
    let row = doc::Model {
        id,
        org_id: actor.org_id,
        title: valid.title,
        description: valid.description,
        kind: valid.kind.code().into(),
        review_due_on: valid.review_due_on,
        file_id: stored.id,
        file_number: 1,
        filename: stored.filename.clone(),
        content_type: stored.content_type.clone(),
        size: stored.size,
        uploaded_on: today,
        retired_at: None,
        retired_by: None,
        created_by: actor.staff_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let txn = state.db.begin_write().await?;
    file::Entity::insert(file::ActiveModel::from(stored)).exec_without_returning(&*txn).await?;
    doc::Entity::insert(doc::ActiveModel::from(row.clone())).exec_without_returning(&*txn).await?;
    write_links(&txn, actor.org_id, id, &valid.elements).await?;
    let entry = actor_entry(actor, "readiness.document.add").record("evidence_document", id).detail(json!({
        "kind": row.kind,
        "elements": element_codes(&valid.elements),
        "file_id": row.file_id,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(row)
}

async fn load(conn: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> AppResult<doc::Model> {
    doc::Entity::find_by_id(id).filter(doc::Column::OrgId.eq(org_id)).one(conn).await?.ok_or(AppError::NotFound)
}

/// Saves `next` over the row at `version`; 409 when someone saved in between.
async fn save(txn: &db::WriteTxn, next: &doc::Model, version: i32) -> AppResult<()> {
    let result = doc::Entity::update_many()
        .set(doc::ActiveModel::from(next.clone()).reset_all())
        .filter(doc::Column::OrgId.eq(next.org_id))
        .filter(doc::Column::Id.eq(next.id))
        .filter(doc::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    Ok(())
}

/// Changes a document's details and the elements it is attached to (audited as
/// `readiness.document.update`); a retired document is not changed.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    input: &DocumentInput,
) -> AppResult<doc::Model> {
    require(state, actor, Action::ManageReadiness).await?;
    let current = load(state.db.conn(), actor.org_id, id).await?;
    let (valid, _) = merged(validate(state, actor, input).await?, None)?;
    if current.version != version || current.retired_at.is_some() {
        return Err(AppError::Conflict);
    }
    let now = state.clock.now();
    let mut next = current.clone();
    next.title = valid.title;
    next.description = valid.description;
    next.kind = valid.kind.code().into();
    next.review_due_on = valid.review_due_on;
    next.version = version + 1;
    next.updated_at = now;
    let txn = state.db.begin_write().await?;
    save(&txn, &next, version).await?;
    write_links(&txn, actor.org_id, id, &valid.elements).await?;
    let entry = actor_entry(actor, "readiness.document.update").record("evidence_document", id).detail(json!({
        "version": next.version,
        "elements": element_codes(&valid.elements),
        "review_due_on": next.review_due_on.map(|d| d.to_string()),
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(next)
}

/// Uploads a new version of a document's file, keeping the earlier ones, and optionally moves its
/// review date (audited as `readiness.document.replace`).
pub async fn replace_file(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    upload: Option<Upload>,
    review_due_on: Option<&str>,
) -> AppResult<doc::Model> {
    require(state, actor, Action::ManageReadiness).await?;
    let current = load(state.db.conn(), actor.org_id, id).await?;
    let mut errors = FieldErrors::new();
    let review = errors.optional_date("review_due_on", review_due_on);
    let checked = match &upload {
        Some(u) => check_file(u).map_err(|e| errors.0.extend(e.0)).ok(),
        None => {
            errors.add("file", "readiness-doc-error-file-empty");
            None
        }
    };
    let (Some(checked), Some(upload), true) = (checked, upload, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    if current.version != version || current.retired_at.is_some() {
        return Err(AppError::Conflict);
    }
    let now = state.clock.now();
    let today = crate::outcomes::analytics::today(state, actor.org_id).await?;
    let stored = file_row(actor, id, current.file_number + 1, checked, upload.data, now);
    let mut next = current.clone();
    next.file_id = stored.id;
    next.file_number = stored.number;
    next.filename = stored.filename.clone();
    next.content_type = stored.content_type.clone();
    next.size = stored.size;
    next.uploaded_on = today;
    if review.is_some() {
        next.review_due_on = review;
    }
    next.version = version + 1;
    next.updated_at = now;
    let txn = state.db.begin_write().await?;
    file::Entity::insert(file::ActiveModel::from(stored)).exec_without_returning(&*txn).await?;
    save(&txn, &next, version).await?;
    let entry = actor_entry(actor, "readiness.document.replace").record("evidence_document", id).detail(json!({
        "version": next.version,
        "file_id": next.file_id,
        "file_number": next.file_number,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(next)
}

/// Retires a document: it stays on record but no longer counts as evidence (audited as
/// `readiness.document.retire`).
pub async fn retire(state: &AppState, actor: &Actor, id: Uuid, version: i32) -> AppResult<doc::Model> {
    require(state, actor, Action::ManageReadiness).await?;
    let current = load(state.db.conn(), actor.org_id, id).await?;
    if current.version != version || current.retired_at.is_some() {
        return Err(AppError::Conflict);
    }
    let now = state.clock.now();
    let mut next = current.clone();
    next.retired_at = Some(now);
    next.retired_by = Some(actor.staff_id);
    next.version = version + 1;
    next.updated_at = now;
    let txn = state.db.begin_write().await?;
    save(&txn, &next, version).await?;
    let entry = actor_entry(actor, "readiness.document.retire")
        .record("evidence_document", id)
        .detail(json!({ "version": next.version }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(next)
}

// ---------- reads ----------

/// An element a document is attached to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ElementRef {
    pub source: Source,
    /// "CSE 3.03.b".
    pub element_id: String,
}

fn sort_elements(elements: &mut [ElementRef]) {
    elements.sort_by(|a, b| (a.source.code(), &a.element_id).cmp(&(b.source.code(), &b.element_id)));
}

/// A document in the index: what the evidence binder prints and the documents page lists.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DocumentSummary {
    pub id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub kind: DocumentKind,
    pub content_type: String,
    pub filename: String,
    pub size: i64,
    /// The current version's number (1 for the first upload).
    pub file_number: i32,
    pub elements: Vec<ElementRef>,
    pub review_due: Option<Date>,
    pub uploaded_on: Date,
    /// Past its review date (or, with none, uploaded more than twelve months ago).
    pub overdue: bool,
    pub retired: bool,
    pub version: i32,
}

impl DocumentSummary {
    fn of(row: doc::Model, elements: Vec<ElementRef>, today: Date) -> DocumentSummary {
        DocumentSummary {
            overdue: !is_current(row.review_due_on, row.uploaded_on, today),
            id: row.id,
            title: row.title,
            description: row.description,
            kind: DocumentKind::parse(&row.kind).unwrap_or(DocumentKind::Other),
            content_type: row.content_type,
            filename: row.filename,
            size: row.size,
            file_number: row.file_number,
            elements,
            review_due: row.review_due_on,
            uploaded_on: row.uploaded_on,
            retired: row.retired_at.is_some(),
            version: row.version,
        }
    }
}

/// Every document not retired, overdue first, then by review date and title; as of today by the
/// system clock in the organisation's zone. For the evidence binder; no access check.
pub async fn index(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Vec<DocumentSummary>, DbErr> {
    let zone = db::org::get(conn, org_id).await?.map(|o| o.time_zone).unwrap_or_else(|| "UTC".into());
    index_on(conn, org_id, crate::app::local_date(&zone, OffsetDateTime::now_utc()), false).await
}

/// The index as of `today`; with `retired`, retired documents follow the others.
pub async fn index_on(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    today: Date,
    retired: bool,
) -> Result<Vec<DocumentSummary>, DbErr> {
    let mut q = doc::Entity::find().filter(doc::Column::OrgId.eq(org_id));
    if !retired {
        q = q.filter(doc::Column::RetiredAt.is_null());
    }
    let rows = q.order_by_asc(doc::Column::Title).all(conn).await?;
    let mut links: HashMap<Uuid, Vec<ElementRef>> = HashMap::new();
    for l in link::Entity::find().filter(link::Column::OrgId.eq(org_id)).all(conn).await? {
        if let Some(source) = Source::parse(&l.source) {
            links.entry(l.document_id).or_default().push(ElementRef { source, element_id: l.element_id });
        }
    }
    let mut out: Vec<DocumentSummary> = rows
        .into_iter()
        .map(|row| {
            let mut elements = links.remove(&row.id).unwrap_or_default();
            sort_elements(&mut elements);
            DocumentSummary::of(row, elements, today)
        })
        .collect();
    out.sort_by(|a, b| {
        (a.retired, !a.overdue, a.review_due.is_none(), a.review_due, a.title.to_lowercase()).cmp(&(
            b.retired,
            !b.overdue,
            b.review_due.is_none(),
            b.review_due,
            b.title.to_lowercase(),
        ))
    });
    Ok(out)
}

/// The documents page's list, retired ones last.
pub async fn list(state: &AppState, actor: &Actor) -> AppResult<Vec<DocumentSummary>> {
    require(state, actor, Action::ViewReadiness).await?;
    let today = crate::outcomes::analytics::today(state, actor.org_id).await?;
    Ok(index_on(state.db.conn(), actor.org_id, today, true).await?)
}

/// One version of a document's file, without its bytes.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FileVersion {
    pub id: Uuid,
    pub number: i32,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub uploaded_at: OffsetDateTime,
}

/// One document with every version of its file, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DocumentDetail {
    #[serde(flatten)]
    pub summary: DocumentSummary,
    pub versions: Vec<FileVersion>,
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<DocumentDetail> {
    require(state, actor, Action::ViewReadiness).await?;
    let today = crate::outcomes::analytics::today(state, actor.org_id).await?;
    let conn = state.db.conn();
    let row = load(conn, actor.org_id, id).await?;
    let mut elements: Vec<ElementRef> = link::Entity::find()
        .filter(link::Column::OrgId.eq(actor.org_id))
        .filter(link::Column::DocumentId.eq(id))
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|l| Source::parse(&l.source).map(|source| ElementRef { source, element_id: l.element_id }))
        .collect();
    sort_elements(&mut elements);
    let versions = file::Entity::find()
        .select_only_heads()
        .filter(file::Column::OrgId.eq(actor.org_id))
        .filter(file::Column::DocumentId.eq(id))
        .order_by_desc(file::Column::Number)
        .into_model::<Head>()
        .all(conn)
        .await?
        .into_iter()
        .map(|h| FileVersion {
            id: h.id,
            number: h.number,
            filename: h.filename,
            content_type: h.content_type,
            size: h.size,
            uploaded_at: h.uploaded_at,
        })
        .collect();
    Ok(DocumentDetail { summary: DocumentSummary::of(row, elements, today), versions })
}

#[derive(sea_orm::FromQueryResult)]
struct Head {
    id: Uuid,
    number: i32,
    filename: String,
    content_type: String,
    size: i64,
    uploaded_at: OffsetDateTime,
}

trait Heads {
    fn select_only_heads(self) -> Self;
}

impl Heads for sea_orm::Select<file::Entity> {
    /// Every column but the bytes.
    fn select_only_heads(self) -> Self {
        use sea_orm::QuerySelect;
        self.select_only().columns([
            file::Column::Id,
            file::Column::Number,
            file::Column::Filename,
            file::Column::ContentType,
            file::Column::Size,
            file::Column::UploadedAt,
        ])
    }
}

/// A version's file with its bytes (the current one unless `file_id` names another), for those
/// who may see readiness; audited as `readiness.document.download`, a refusal as `access.denied`.
pub async fn download(state: &AppState, actor: &Actor, id: Uuid, file_id: Option<Uuid>) -> AppResult<file::Model> {
    require(state, actor, Action::ViewReadiness).await?;
    let row = load(state.db.conn(), actor.org_id, id).await?;
    let found = file::Entity::find_by_id(file_id.unwrap_or(row.file_id))
        .filter(file::Column::OrgId.eq(actor.org_id))
        .filter(file::Column::DocumentId.eq(id))
        .one(state.db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let entry = actor_entry(actor, "readiness.document.download")
        .record("evidence_document", id)
        .detail(json!({ "file_id": found.id, "number": found.number }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(found)
}

// ---------- for the readiness report and the standard page ----------

fn statement(backend: DbBackend, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    let text = if backend == DbBackend::Postgres {
        let mut n = 0;
        sql.chars()
            .map(|c| {
                if c == '?' {
                    n += 1;
                    format!("${n}")
                } else {
                    c.to_string()
                }
            })
            .collect()
    } else {
        sql.to_string()
    };
    Statement::from_sql_and_values(backend, text, values)
}

/// Per element of `source`: how many documents attached to it are current and how many overdue on
/// `today` (retired documents left out). One query.
pub async fn element_counts(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    source: Source,
    today: Date,
) -> Result<HashMap<String, (usize, usize)>, DbErr> {
    let sql = "SELECT l.element_id, d.review_due_on, d.uploaded_on FROM evidence_document_elements l \
               JOIN evidence_documents d ON d.org_id = l.org_id AND d.id = l.document_id \
               WHERE l.org_id = ? AND l.source = ? AND d.retired_at IS NULL";
    let rows = conn
        .query_all_raw(statement(conn.get_database_backend(), sql, vec![org_id.into(), source.code().into()]))
        .await?;
    let mut out: HashMap<String, (usize, usize)> = HashMap::new();
    for row in rows {
        let element: String = row.try_get("", "element_id")?;
        let review: Option<Date> = row.try_get("", "review_due_on")?;
        let uploaded: Date = row.try_get("", "uploaded_on")?;
        let counts = out.entry(element).or_default();
        if is_current(review, uploaded, today) {
            counts.0 += 1;
        } else {
            counts.1 += 1;
        }
    }
    Ok(out)
}

/// A document as an element on the standard page lists it.
#[derive(Clone, Debug)]
pub struct AttachedDocument {
    pub id: Uuid,
    pub title: String,
    pub review_due: Option<Date>,
    pub overdue: bool,
}

/// The documents (not retired) attached to each of `element_ids` of `source`.
pub async fn attached_to(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    source: Source,
    element_ids: &[String],
    today: Date,
) -> Result<BTreeMap<String, Vec<AttachedDocument>>, DbErr> {
    let links = link::Entity::find()
        .filter(link::Column::OrgId.eq(org_id))
        .filter(link::Column::Source.eq(source.code()))
        .filter(link::Column::ElementId.is_in(element_ids.iter().cloned()))
        .all(conn)
        .await?;
    if links.is_empty() {
        return Ok(BTreeMap::new());
    }
    let docs: HashMap<Uuid, doc::Model> = doc::Entity::find()
        .filter(doc::Column::OrgId.eq(org_id))
        .filter(doc::Column::RetiredAt.is_null())
        .filter(doc::Column::Id.is_in(links.iter().map(|l| l.document_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let mut out: BTreeMap<String, Vec<AttachedDocument>> = BTreeMap::new();
    for l in links {
        if let Some(d) = docs.get(&l.document_id) {
            out.entry(l.element_id).or_default().push(AttachedDocument {
                id: d.id,
                title: d.title.clone(),
                review_due: d.review_due_on,
                overdue: !is_current(d.review_due_on, d.uploaded_on, today),
            });
        }
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| a.title.cmp(&b.title));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn upload(name: &str, data: &[u8]) -> Upload {
        Upload { filename: name.into(), data: data.to_vec() }
    }

    #[test]
    fn files_are_known_by_extension_and_first_bytes() {
        assert_eq!(check_file(&upload("policy.pdf", b"%PDF-1.7 x")).unwrap().content_type, "application/pdf");
        assert!(check_file(&upload("jd.docx", b"PK\x03\x04rest")).is_ok());
        assert!(check_file(&upload("old.doc", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0])).is_ok());
        assert!(check_file(&upload("room.JPG", &[0xFF, 0xD8, 0xFF, 0xE0])).is_ok());
        let wrong = check_file(&upload("policy.pdf", b"MZ executable")).unwrap_err();
        assert_eq!(wrong.0[0].message_id, "readiness-doc-error-file-type");
        assert!(check_file(&upload("notes.txt", b"plain")).is_err());
        assert_eq!(check_file(&upload("x.pdf", b"")).unwrap_err().0[0].message_id, "readiness-doc-error-file-empty");
        let big = vec![b'%'; MAX_FILE_BYTES + 1];
        assert_eq!(check_file(&upload("x.pdf", &big)).unwrap_err().0[0].message_id, "readiness-doc-error-file-too-big");
    }

    #[test]
    fn a_document_is_current_until_its_review_date_or_a_year_after_upload() {
        let today = date!(2026 - 11 - 18);
        assert!(is_current(Some(today), date!(2020 - 01 - 01), today), "due today is not yet past");
        assert!(!is_current(Some(date!(2026 - 11 - 17)), today, today));
        assert!(is_current(None, date!(2025 - 11 - 18), today));
        assert!(!is_current(None, date!(2025 - 11 - 17), today));
        assert_eq!(year_before(date!(2028 - 02 - 29)), date!(2027 - 02 - 28));
    }

    #[test]
    fn elements_are_checked_against_the_catalogue() {
        let mut e = FieldErrors::new();
        let found = parse_elements(
            Source::Cse2024,
            &["CSE 3.03.a".into(), " prsc:PRSC 6.01.a ".into(), "CSE 3.03.a".into()],
            &mut e,
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(found, vec![(Source::Cse2024, "CSE 3.03.a".into()), (Source::Prsc, "PRSC 6.01.a".into())]);
        let mut e = FieldErrors::new();
        parse_elements(Source::Cse2024, &["CSE 9.99.z".into()], &mut e);
        assert_eq!(e.0[0].message_id, "readiness-doc-error-unknown-element");
        let mut e = FieldErrors::new();
        parse_elements(Source::Cse2024, &[], &mut e);
        assert_eq!(e.0[0].message_id, "readiness-doc-error-no-element");
    }
}
