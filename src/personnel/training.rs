//! Training (CSE 2.02–2.07 and the PRSC knowledge areas and skills): the organisation's catalogue
//! of courses with topics mapped to requirement codes, each staff member's training records
//! (completions, with an optional certificate, and competencies a manager saw demonstrated), and
//! the competency matrix (people × requirements) with its CSV export. Pages and the JSON API call
//! the same functions; access is checked, refusals and writes are audited here.

use super::{StaffRecord, facts, facts_of, open, settings, team, today};
use crate::access::{self, Actor};
use crate::app::AppState;
use crate::audit::Entry;
use crate::db;
use crate::db::WriteTxn;
use crate::db::entities::{staff, staff_file, staff_profile, staff_program, training_course, training_record};
use crate::domain::FieldErrors;
use crate::domain::codes::{join_codes, split_codes};
use crate::domain::personnel::{
    Check, Competency, Need, Position, Requirement, RequirementGroup, Standing, TrainingFact, TrainingKind,
    TrainingPhase, evaluate,
};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::web::actor_entry;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// Longest course or record title.
pub const TITLE_MAX: usize = 200;
/// Longest provider name.
pub const PROVIDER_MAX: usize = 200;
/// Longest course description.
pub const DESCRIPTION_MAX: usize = 4000;
/// Longest note, and longest account of how a competency was shown.
pub const TEXT_MAX: usize = 2000;
/// Most hours one record or course may claim.
pub const HOURS_MAX: f64 = 1000.0;
/// Largest certificate copy accepted.
pub const MAX_CERTIFICATE_BYTES: usize = 5 * 1024 * 1024;
/// The certificate types accepted, as shown in messages.
pub const CERTIFICATE_TYPES: &str = "PDF, PNG, JPEG";
/// How a group-leadership attestation was shown when the attester wrote nothing.
pub const OBSERVED_LEADING: &str = "Observed leading a group";
/// The title of a demonstrated competency when none is given.
pub const DEMONSTRATED_TITLE: &str = "Demonstrated competency";

// ---------- shared parsing ----------

/// Requirement codes as chosen (a list, or one text with `;` or `,` between codes): unknown codes
/// are named in one message, repeats dropped, the rest put in catalogue order. At least one.
pub fn parse_topics(e: &mut FieldErrors, field: &str, raw: &[String]) -> Vec<Requirement> {
    let mut chosen = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for code in raw.iter().flat_map(|v| v.split([';', ','])).map(str::trim).filter(|v| !v.is_empty()) {
        match Requirement::parse(code) {
            Some(r) => chosen.push(r),
            None if unknown.len() < 5 => unknown.push(code.chars().take(60).collect()),
            None => {}
        }
    }
    if !unknown.is_empty() {
        e.add_with(field, "error-training-unknown-requirement", vec![("code", unknown.join(", "))]);
    } else if chosen.is_empty() {
        e.add(field, "error-training-topics-required");
    }
    Requirement::ALL.iter().copied().filter(|r| chosen.contains(r)).collect()
}

/// Hours as typed ("1.5" or "1,5"): above 0 and at most `HOURS_MAX`.
fn parse_hours(e: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<f64> {
    let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
    match value.replace(',', ".").parse::<f64>() {
        Ok(h) if h.is_finite() && h > 0.0 && h <= HOURS_MAX => Some((h * 100.0).round() / 100.0),
        _ => {
            e.add_with(field, "error-training-hours", vec![("max", (HOURS_MAX as i64).to_string())]);
            None
        }
    }
}

/// A phase code; empty or `either` means the course may be taken before or during service.
fn parse_phase(e: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<TrainingPhase> {
    let value = raw.map(str::trim).filter(|v| !v.is_empty() && *v != "either")?;
    e.optional_code(field, Some(value), TrainingPhase::parse)
}

/// The phase of a record that names none (nor its course): before the start date it is
/// pre-service, else in-service.
fn inferred_phase(on: Date, start: Option<Date>) -> TrainingPhase {
    match start {
        Some(start) if on < start => TrainingPhase::PreService,
        _ => TrainingPhase::InService,
    }
}

/// Text of a number of hours without a needless ".0".
pub fn hours_text(hours: f64) -> String {
    if hours.fract() == 0.0 { format!("{}", hours as i64) } else { format!("{hours}") }
}

// ---------- the catalogue ----------

/// A course as sent by the form or the API.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CourseInput {
    /// Required, up to 200 characters.
    pub title: Option<String>,
    pub provider: Option<String>,
    pub description: Option<String>,
    /// Requirement codes the course covers (at least one), e.g. `cse-2-03-referral`, `prsc-s-outreach`.
    pub topics: Vec<String>,
    /// `pre-service`, `in-service`, or empty (`either`) when it may be taken at either time.
    pub phase: Option<String>,
    /// Usual length in hours (above 0) when known; a completion takes it unless told otherwise.
    #[serde(deserialize_with = "crate::groups::setup::number_or_text")]
    #[schema(value_type = Option<f64>)]
    pub hours: Option<String>,
}

/// A checked course, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidCourse {
    pub title: String,
    pub provider: Option<String>,
    pub description: Option<String>,
    pub topics: Vec<Requirement>,
    pub phase: Option<TrainingPhase>,
    pub hours: Option<f64>,
}

impl CourseInput {
    pub fn validate(&self) -> Result<ValidCourse, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = e.required("title", self.title.as_deref().unwrap_or(""), TITLE_MAX);
        let provider = e.optional("provider", self.provider.as_deref(), PROVIDER_MAX);
        let description = e.optional("description", self.description.as_deref(), DESCRIPTION_MAX);
        let topics = parse_topics(&mut e, "topics", &self.topics);
        let phase = parse_phase(&mut e, "phase", self.phase.as_deref());
        let hours = parse_hours(&mut e, "hours", self.hours.as_deref());
        e.finish(ValidCourse { title, provider, description, topics, phase, hours })
    }
}

/// Which courses the catalogue lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CourseFilter {
    /// Only courses covering this requirement.
    pub requirement: Option<Requirement>,
    /// Archived courses too.
    pub archived: bool,
}

/// Refuses (audited) anyone who may not change the catalogue.
pub async fn require_catalogue(state: &AppState, actor: &Actor, action: &str, course: Option<Uuid>) -> AppResult<()> {
    if access::may_manage_training_catalogue(actor) {
        return Ok(());
    }
    Err(crate::intake::deny(state, actor, action, course.map(|id| ("training_course", id))).await)
}

/// Whether the actor may add to and change the catalogue (administrators and directors).
pub fn may_manage_catalogue(actor: &Actor) -> bool {
    access::may_manage_training_catalogue(actor)
}

/// The catalogue, by title; everyone on staff may read it.
pub async fn courses(state: &AppState, actor: &Actor, filter: CourseFilter) -> AppResult<Vec<training_course::Model>> {
    let mut query = training_course::Entity::find().filter(training_course::Column::OrgId.eq(actor.org_id));
    if !filter.archived {
        query = query.filter(training_course::Column::Active.eq(true));
    }
    let mut rows = query.all(state.db.conn()).await?;
    if let Some(r) = filter.requirement {
        rows.retain(|c| split_codes::<Requirement>(&c.topics).contains(&r));
    }
    rows.sort_by_cached_key(|c| (!c.active, c.title.to_lowercase()));
    Ok(rows)
}

async fn load_course(conn: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> AppResult<training_course::Model> {
    training_course::Entity::find_by_id(id)
        .filter(training_course::Column::OrgId.eq(org_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn course(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<training_course::Model> {
    load_course(state.db.conn(), actor.org_id, id).await
}

/// How many training records name the course (a course in use is archived, not deleted).
pub async fn course_uses(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<u64> {
    Ok(uses_of(state.db.conn(), actor.org_id, id).await?)
}

async fn uses_of(conn: &impl ConnectionTrait, org_id: Uuid, course_id: Uuid) -> Result<u64, sea_orm::DbErr> {
    use sea_orm::PaginatorTrait;
    training_record::Entity::find()
        .filter(training_record::Column::OrgId.eq(org_id))
        .filter(training_record::Column::CourseId.eq(course_id))
        .count(conn)
        .await
}

fn course_detail(c: &training_course::Model) -> serde_json::Value {
    json!({ "course_id": c.id, "title": c.title, "topics": c.topics, "phase": c.phase, "hours": c.hours,
            "active": c.active })
}

pub async fn create_course(state: &AppState, actor: &Actor, input: &CourseInput) -> AppResult<training_course::Model> {
    require_catalogue(state, actor, "personnel.course.create", None).await?;
    let valid = input.validate()?;
    let now = state.clock.now();
    let row = training_course::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        title: valid.title,
        provider: valid.provider,
        description: valid.description,
        topics: join_codes(&valid.topics),
        phase: valid.phase.map(|p| p.code().to_string()),
        hours: valid.hours,
        active: true,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let txn = state.db.begin_write().await?;
    let saved = training_course::ActiveModel::from(row).insert(&*txn).await?;
    let entry = actor_entry(actor, "personnel.course.create").record("training_course", saved.id);
    db::audit::append(&txn, entry.detail(course_detail(&saved)), now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Writes a changed course only if nobody saved it since `version`.
async fn save_course(txn: &WriteTxn, row: training_course::Model, version: i32) -> AppResult<training_course::Model> {
    let (org_id, id) = (row.org_id, row.id);
    let result = training_course::Entity::update_many()
        .set(training_course::ActiveModel::from(row).reset_all())
        .filter(training_course::Column::OrgId.eq(org_id))
        .filter(training_course::Column::Id.eq(id))
        .filter(training_course::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    load_course(&**txn, org_id, id).await
}

pub async fn update_course(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    input: &CourseInput,
) -> AppResult<training_course::Model> {
    require_catalogue(state, actor, "personnel.course.update", Some(id)).await?;
    let current = load_course(state.db.conn(), actor.org_id, id).await?;
    let valid = input.validate()?;
    if current.version != version {
        return Err(AppError::Conflict);
    }
    let now = state.clock.now();
    let changed = training_course::Model {
        title: valid.title,
        provider: valid.provider,
        description: valid.description,
        topics: join_codes(&valid.topics),
        phase: valid.phase.map(|p| p.code().to_string()),
        hours: valid.hours,
        version: version + 1,
        updated_at: now,
        ..current
    };
    let txn = state.db.begin_write().await?;
    let saved = save_course(&txn, changed, version).await?;
    let entry = actor_entry(actor, "personnel.course.update").record("training_course", id);
    db::audit::append(&txn, entry.detail(course_detail(&saved)), now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Archives a course (no longer offered for new records; records keep it) or brings it back.
pub async fn set_course_active(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    active: bool,
) -> AppResult<training_course::Model> {
    let action = if active { "personnel.course.restore" } else { "personnel.course.archive" };
    require_catalogue(state, actor, action, Some(id)).await?;
    let current = load_course(state.db.conn(), actor.org_id, id).await?;
    if current.version != version {
        return Err(AppError::Conflict);
    }
    let now = state.clock.now();
    let changed = training_course::Model { active, version: version + 1, updated_at: now, ..current };
    let txn = state.db.begin_write().await?;
    let saved = save_course(&txn, changed, version).await?;
    let entry = actor_entry(actor, action).record("training_course", id);
    db::audit::append(&txn, entry.detail(course_detail(&saved)), now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Deletes a course no record names (one that was used is archived instead).
pub async fn delete_course(state: &AppState, actor: &Actor, id: Uuid, version: i32) -> AppResult<()> {
    require_catalogue(state, actor, "personnel.course.delete", Some(id)).await?;
    let current = load_course(state.db.conn(), actor.org_id, id).await?;
    if current.version != version {
        return Err(AppError::Conflict);
    }
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    // Checked inside the write, so a record saved meanwhile cannot be left naming a deleted course.
    if uses_of(&*txn, actor.org_id, id).await? > 0 {
        return Err(FieldErrors::single("course", "course-error-in-use").into());
    }
    let result = training_course::Entity::delete_many()
        .filter(training_course::Column::OrgId.eq(actor.org_id))
        .filter(training_course::Column::Id.eq(id))
        .filter(training_course::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    let entry = actor_entry(actor, "personnel.course.delete").record("training_course", id);
    db::audit::append(&txn, entry.detail(course_detail(&current)), now).await?;
    txn.commit().await?;
    Ok(())
}

// ---------- training records ----------

/// A completion, a demonstrated competency, or a change to either, as sent by a form or the API.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TrainingInput {
    /// A catalogue course (completions only): its title, topics, hours, provider and phase fill
    /// whatever is left out.
    pub course_id: Option<Uuid>,
    /// Required for a completion without a course, up to 200 characters.
    pub title: Option<String>,
    /// Requirement codes covered (at least one, or the course's).
    pub topics: Vec<String>,
    /// The day it was completed or shown (YYYY-MM-DD, not in the future). Required for a
    /// completion; today for a demonstrated competency when left out.
    pub completed_on: Option<String>,
    /// Hours (above 0; required for a completion unless the course gives them).
    #[serde(deserialize_with = "crate::groups::setup::number_or_text")]
    #[schema(value_type = Option<f64>)]
    pub hours: Option<String>,
    pub provider: Option<String>,
    /// `pre-service` or `in-service`; left out, the course's, else worked out from the start date.
    pub phase: Option<String>,
    /// How the competency was shown (observed session, role play, case review…). Required for a
    /// demonstrated competency.
    pub demonstration: Option<String>,
    pub note: Option<String>,
}

/// A checked record, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidRecord {
    pub course_id: Option<Uuid>,
    pub title: String,
    pub topics: Vec<Requirement>,
    pub completed_on: Date,
    pub hours: Option<f64>,
    pub provider: Option<String>,
    pub phase: TrainingPhase,
    pub demonstration: Option<String>,
    pub note: Option<String>,
}

fn blank(raw: &Option<String>) -> bool {
    raw.as_deref().is_none_or(|v| v.trim().is_empty())
}

impl TrainingInput {
    /// Checks a record of `kind`; `course` is the catalogue course named (already found), `start`
    /// the staff member's start date (for the phase when none is given).
    pub fn validate(
        &self,
        kind: TrainingKind,
        course: Option<&training_course::Model>,
        start: Option<Date>,
        today: Date,
    ) -> Result<ValidRecord, FieldErrors> {
        let mut e = FieldErrors::new();
        let completed = kind == TrainingKind::Completed;
        let course = course.filter(|_| completed);
        let title_raw = match (&self.title, course) {
            (t, Some(c)) if blank(t) => c.title.clone(),
            (t, None) if blank(t) && !completed => DEMONSTRATED_TITLE.to_string(),
            (t, _) => t.clone().unwrap_or_default(),
        };
        let title = e.required("title", &title_raw, TITLE_MAX);
        let chosen: Vec<String> = self.topics.iter().filter(|t| !t.trim().is_empty()).cloned().collect();
        let topics = match course {
            Some(c) if chosen.is_empty() => split_codes::<Requirement>(&c.topics),
            _ => parse_topics(&mut e, "topics", &chosen),
        };
        let typed_date = !blank(&self.completed_on);
        let completed_on = match e.optional_date("completed_on", self.completed_on.as_deref()) {
            Some(d) if d > today => {
                e.add("completed_on", "error-training-date-future");
                None
            }
            // Also keeps dates within what both databases store.
            Some(d) if d.year() < super::profile::FIRST_DEGREE_YEAR => {
                e.add("completed_on", "error-training-date-too-old");
                None
            }
            Some(d) => Some(d),
            None if !typed_date && completed => {
                e.add("completed_on", "error-required");
                None
            }
            None if !typed_date => Some(today),
            None => None,
        };
        let hours = match (blank(&self.hours), course.and_then(|c| c.hours)) {
            (true, Some(h)) => Some(h),
            (true, None) if completed => {
                e.add_with("hours", "error-training-hours", vec![("max", (HOURS_MAX as i64).to_string())]);
                None
            }
            _ => parse_hours(&mut e, "hours", self.hours.as_deref()),
        };
        let provider = match course.and_then(|c| c.provider.clone()) {
            Some(p) if blank(&self.provider) => Some(p),
            _ => e.optional("provider", self.provider.as_deref(), PROVIDER_MAX),
        };
        let phase = parse_phase(&mut e, "phase", self.phase.as_deref())
            .or_else(|| course.and_then(|c| c.phase.as_deref().and_then(TrainingPhase::parse)));
        let demonstration = e.optional("demonstration", self.demonstration.as_deref(), TEXT_MAX);
        if !completed && demonstration.is_none() && e.for_field("demonstration").is_none() {
            e.add("demonstration", "error-training-demonstration-required");
        }
        let note = e.optional("note", self.note.as_deref(), TEXT_MAX);
        let Some(completed_on) = completed_on else { return Err(e) };
        e.finish(ValidRecord {
            course_id: course.map(|c| c.id),
            title,
            topics,
            completed_on,
            hours,
            provider,
            phase: phase.unwrap_or_else(|| inferred_phase(completed_on, start)),
            demonstration: if completed { None } else { demonstration },
            note,
        })
    }
}

/// A certificate copy as uploaded.
#[derive(Clone, Debug)]
pub struct Certificate {
    pub filename: String,
    pub declared_type: String,
    pub data: Vec<u8>,
}

/// What an edit does to the certificate on file.
#[derive(Clone, Debug)]
pub enum CertificateChange {
    Keep,
    Replace(Certificate),
    Remove,
}

/// The size-limit message for a certificate (also used when the upload stopped at the limit).
pub fn certificate_too_big() -> FieldErrors {
    let mut e = FieldErrors::new();
    e.add_with("certificate", "training-error-certificate-too-big", vec![("max", "5 MB".into())]);
    e
}

/// Accepts a PDF, PNG or JPEG up to 5 MiB whose name, declared type and first bytes agree;
/// returns the cleaned file name and the type it is served as.
pub fn check_certificate(c: &Certificate) -> Result<(String, &'static str), FieldErrors> {
    let filename = crate::groups::curricula::clean_filename(&c.filename);
    if c.data.len() > MAX_CERTIFICATE_BYTES {
        return Err(certificate_too_big());
    }
    let type_error = || {
        let mut e = FieldErrors::new();
        e.add_with("certificate", "training-error-certificate-type", vec![("types", CERTIFICATE_TYPES.into())]);
        e
    };
    if filename.is_empty() || c.data.is_empty() {
        return Err(type_error());
    }
    let extension = filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let (content_type, also, magic): (&'static str, &[&str], &[u8]) = match extension.as_str() {
        "pdf" => ("application/pdf", &["application/x-pdf"], b"%PDF-"),
        "png" => ("image/png", &[], b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => ("image/jpeg", &["image/pjpeg", "image/jpg"], &[0xFF, 0xD8, 0xFF]),
        _ => return Err(type_error()),
    };
    let declared = c.declared_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let declared_fits = declared.is_empty()
        || declared == "application/octet-stream"
        || declared == content_type
        || also.contains(&declared.as_str());
    if !declared_fits || !c.data.starts_with(magic) {
        return Err(type_error());
    }
    Ok((filename, content_type))
}

/// The facts about a stored certificate the pages show (never its bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileHead {
    pub id: Uuid,
    pub filename: String,
    pub size: i64,
}

async fn start_date(conn: &impl ConnectionTrait, org_id: Uuid, staff_id: Uuid) -> AppResult<Option<Date>> {
    Ok(staff_profile::Entity::find()
        .filter(staff_profile::Column::OrgId.eq(org_id))
        .filter(staff_profile::Column::StaffId.eq(staff_id))
        .one(conn)
        .await?
        .and_then(|p| p.start_date))
}

async fn course_for(
    state: &AppState,
    actor: &Actor,
    input: &TrainingInput,
) -> AppResult<Option<training_course::Model>> {
    let Some(id) = input.course_id else { return Ok(None) };
    match load_course(state.db.conn(), actor.org_id, id).await {
        Ok(c) => Ok(Some(c)),
        Err(AppError::NotFound) => Err(FieldErrors::single("course_id", "error-unknown-choice").into()),
        Err(other) => Err(other),
    }
}

fn record_detail(r: &training_record::Model) -> serde_json::Value {
    json!({ "record_id": r.id, "kind": r.kind, "title": r.title, "topics": r.topics, "phase": r.phase,
            "completed_on": r.completed_on.to_string(), "hours": r.hours, "course_id": r.course_id,
            "certificate": r.certificate_file_id.is_some() })
}

fn staff_file_row(
    actor: &Actor,
    staff_id: Uuid,
    c: &Certificate,
    filename: String,
    content_type: &str,
    now: OffsetDateTime,
) -> staff_file::Model {
    staff_file::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        staff_id,
        filename,
        content_type: content_type.to_string(),
        size: c.data.len() as i64,
        sha256: hex::encode(Sha256::digest(&c.data)),
        data: c.data.clone(),
        uploaded_by: actor.staff_id,
        uploaded_at: now,
    }
}

/// Opens the record for a demonstrated competency: the actor manages the staff member's record
/// and is not the staff member.
async fn open_for_attest(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    action: &'static str,
) -> AppResult<StaffRecord> {
    if staff_id == actor.staff_id {
        if db::staff::get(state.db.conn(), actor.org_id, staff_id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        return Err(super::deny(state, actor, action, staff_id).await);
    }
    open(state, actor, staff_id, action, |a| a.manage).await
}

/// Records a completed training for a staff member (themselves, or someone whose record the
/// actor keeps), with an optional certificate copy.
pub async fn record_completion(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    input: &TrainingInput,
    certificate: Option<Certificate>,
) -> AppResult<training_record::Model> {
    open(state, actor, staff_id, "personnel.training.add", |a| a.edit).await?;
    let course = course_for(state, actor, input).await?;
    let start = start_date(state.db.conn(), actor.org_id, staff_id).await?;
    let today = today(state, actor.org_id).await?;
    let checked = input.validate(TrainingKind::Completed, course.as_ref(), start, today);
    let file = certificate.as_ref().map(check_certificate);
    let (valid, file) = match (checked, file.transpose()) {
        (Ok(v), Ok(f)) => (v, f),
        (Err(mut e), f) => {
            if let Err(fe) = f {
                e.0.extend(fe.0);
            }
            return Err(e.into());
        }
        (Ok(_), Err(fe)) => return Err(fe.into()),
    };
    let now = state.clock.now();
    let file_row = match (&certificate, file) {
        (Some(c), Some((name, content_type))) => Some(staff_file_row(actor, staff_id, c, name, content_type, now)),
        _ => None,
    };
    let row = new_record(actor, staff_id, TrainingKind::Completed, valid, file_row.as_ref().map(|f| f.id), now);
    insert_record(state, actor, row, file_row, "personnel.training.add", None).await
}

/// Records a competency the actor saw the staff member demonstrate (their supervisor or the
/// director of their program; never their own).
pub async fn record_demonstration(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    input: &TrainingInput,
) -> AppResult<training_record::Model> {
    demonstrate(state, actor, staff_id, input, None).await
}

/// As `record_demonstration`, appending `also` to the audit trail in the same transaction.
pub(crate) async fn demonstrate(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    input: &TrainingInput,
    also: Option<Entry>,
) -> AppResult<training_record::Model> {
    open_for_attest(state, actor, staff_id, "personnel.training.attest").await?;
    let start = start_date(state.db.conn(), actor.org_id, staff_id).await?;
    let today = today(state, actor.org_id).await?;
    let valid = input.validate(TrainingKind::Demonstrated, None, start, today)?;
    let now = state.clock.now();
    let row = new_record(actor, staff_id, TrainingKind::Demonstrated, valid, None, now);
    insert_record(state, actor, row, None, "personnel.training.attest", also).await
}

fn new_record(
    actor: &Actor,
    staff_id: Uuid,
    kind: TrainingKind,
    valid: ValidRecord,
    file_id: Option<Uuid>,
    now: OffsetDateTime,
) -> training_record::Model {
    training_record::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        staff_id,
        course_id: valid.course_id,
        title: valid.title,
        kind: kind.code().into(),
        phase: valid.phase.code().into(),
        topics: join_codes(&valid.topics),
        completed_on: valid.completed_on,
        hours: valid.hours,
        provider: valid.provider,
        certificate_file_id: file_id,
        demonstration: valid.demonstration,
        attested_by: (kind == TrainingKind::Demonstrated).then_some(actor.staff_id),
        note: valid.note,
        recorded_by: actor.staff_id,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

async fn insert_record(
    state: &AppState,
    actor: &Actor,
    row: training_record::Model,
    file: Option<staff_file::Model>,
    action: &'static str,
    also: Option<Entry>,
) -> AppResult<training_record::Model> {
    let now = row.created_at;
    let staff_id = row.staff_id;
    let txn = state.db.begin_write().await?;
    if let Some(file) = file {
        staff_file::Entity::insert(staff_file::ActiveModel::from(file)).exec_without_returning(&*txn).await?;
    }
    let saved = training_record::ActiveModel::from(row).insert(&*txn).await?;
    let entry = actor_entry(actor, action).record("staff", staff_id).detail(record_detail(&saved));
    let mut events = vec![(entry, now)];
    if let Some(also) = also {
        events.push((also, now));
    }
    db::audit::append_many(&txn, events).await?;
    txn.commit().await?;
    Ok(saved)
}

async fn load_record(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    staff_id: Uuid,
    id: Uuid,
) -> AppResult<training_record::Model> {
    training_record::Entity::find_by_id(id)
        .filter(training_record::Column::OrgId.eq(org_id))
        .filter(training_record::Column::StaffId.eq(staff_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// One of a staff member's records, opened for reading (or for `edit`ing, with the right the
/// record's kind needs: completions by whoever may add to the record, demonstrated competencies
/// by a manager other than the staff member).
pub async fn record(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    id: Uuid,
    edit: bool,
) -> AppResult<training_record::Model> {
    // Whether the staff member exists and is in reach comes first, so a stranger learns nothing.
    let opened = open(state, actor, staff_id, "personnel.training.read", |a| a.view).await?;
    let row = load_record(state.db.conn(), actor.org_id, staff_id, id).await?;
    if edit {
        let kind = TrainingKind::parse(&row.kind).unwrap_or(TrainingKind::Completed);
        let allowed = match kind {
            TrainingKind::Completed => opened.access.edit,
            TrainingKind::Demonstrated => opened.access.manage && staff_id != actor.staff_id,
        };
        if !allowed {
            return Err(super::deny(state, actor, "personnel.training.update", staff_id).await);
        }
    }
    Ok(row)
}

/// Changes a record if nobody saved it since `version`. A demonstrated competency becomes the
/// editing manager's attestation.
pub async fn update_record(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    id: Uuid,
    version: i32,
    input: &TrainingInput,
    certificate: CertificateChange,
) -> AppResult<training_record::Model> {
    let current = record(state, actor, staff_id, id, true).await?;
    let kind = TrainingKind::parse(&current.kind).unwrap_or(TrainingKind::Completed);
    if kind == TrainingKind::Demonstrated && !matches!(certificate, CertificateChange::Keep) {
        return Err(FieldErrors::single("certificate", "training-error-certificate-demonstrated").into());
    }
    let course = course_for(state, actor, input).await?;
    let start = start_date(state.db.conn(), actor.org_id, staff_id).await?;
    let today = today(state, actor.org_id).await?;
    let mut errors = FieldErrors::new();
    let valid = match input.validate(kind, course.as_ref(), start, today) {
        Ok(v) => Some(v),
        Err(e) => {
            errors = e;
            None
        }
    };
    let now = state.clock.now();
    let new_file = match &certificate {
        CertificateChange::Replace(c) => match check_certificate(c) {
            Ok((name, content_type)) => Some(staff_file_row(actor, staff_id, c, name, content_type, now)),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        },
        _ => None,
    };
    let Some(valid) = valid.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
    if current.version != version {
        return Err(AppError::Conflict);
    }
    let old_file = current.certificate_file_id;
    let file_id = match &certificate {
        CertificateChange::Keep => old_file,
        CertificateChange::Replace(_) => new_file.as_ref().map(|f| f.id),
        CertificateChange::Remove => None,
    };
    let changed = training_record::Model {
        course_id: valid.course_id,
        title: valid.title,
        phase: valid.phase.code().into(),
        topics: join_codes(&valid.topics),
        completed_on: valid.completed_on,
        hours: valid.hours,
        provider: valid.provider,
        certificate_file_id: file_id,
        demonstration: valid.demonstration,
        attested_by: if kind == TrainingKind::Demonstrated { Some(actor.staff_id) } else { current.attested_by },
        note: valid.note,
        version: version + 1,
        updated_at: now,
        ..current
    };
    let txn = state.db.begin_write().await?;
    let result = training_record::Entity::update_many()
        .set(training_record::ActiveModel::from(changed).reset_all())
        .filter(training_record::Column::OrgId.eq(actor.org_id))
        .filter(training_record::Column::Id.eq(id))
        .filter(training_record::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    if let Some(file) = new_file {
        staff_file::Entity::insert(staff_file::ActiveModel::from(file)).exec_without_returning(&*txn).await?;
    }
    if old_file != file_id
        && let Some(old) = old_file
    {
        delete_file(&txn, actor.org_id, old).await?;
    }
    let saved = load_record(&*txn, actor.org_id, staff_id, id).await?;
    let entry = actor_entry(actor, "personnel.training.update").record("staff", staff_id).detail(record_detail(&saved));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(saved)
}

async fn delete_file(txn: &WriteTxn, org_id: Uuid, id: Uuid) -> AppResult<()> {
    staff_file::Entity::delete_many()
        .filter(staff_file::Column::OrgId.eq(org_id))
        .filter(staff_file::Column::Id.eq(id))
        .exec(&**txn)
        .await?;
    Ok(())
}

/// Deletes a record (and its certificate copy) if nobody changed it since `version`.
pub async fn delete_record(state: &AppState, actor: &Actor, staff_id: Uuid, id: Uuid, version: i32) -> AppResult<()> {
    let current = record(state, actor, staff_id, id, true).await?;
    if current.version != version {
        return Err(AppError::Conflict);
    }
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let result = training_record::Entity::delete_many()
        .filter(training_record::Column::OrgId.eq(actor.org_id))
        .filter(training_record::Column::Id.eq(id))
        .filter(training_record::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    if let Some(file) = current.certificate_file_id {
        delete_file(&txn, actor.org_id, file).await?;
    }
    let entry =
        actor_entry(actor, "personnel.training.delete").record("staff", staff_id).detail(record_detail(&current));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(())
}

/// The certificate copy of a record, for download by those who may read the staff member's record.
pub async fn certificate(state: &AppState, actor: &Actor, staff_id: Uuid, id: Uuid) -> AppResult<staff_file::Model> {
    let row = record(state, actor, staff_id, id, false).await?;
    let Some(file_id) = row.certificate_file_id else { return Err(AppError::NotFound) };
    let file = staff_file::Entity::find_by_id(file_id)
        .filter(staff_file::Column::OrgId.eq(actor.org_id))
        .filter(staff_file::Column::StaffId.eq(staff_id))
        .one(state.db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let entry = actor_entry(actor, "personnel.training.certificate")
        .record("staff", staff_id)
        .detail(json!({ "record_id": id, "file_id": file_id }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(file)
}

// ---------- training records as the rules see them ----------

/// One person's training records joined into one text (one record a line: date, phase, kind,
/// topics, `|` between), read back.
fn parse_joined(joined: &str) -> Vec<TrainingFact> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    joined
        .split('\n')
        .filter_map(|line| {
            let mut parts = line.splitn(4, '|');
            let on = Date::parse(parts.next()?.get(..10)?, format).ok()?;
            let phase = TrainingPhase::parse(parts.next()?).unwrap_or(TrainingPhase::InService);
            let kind = TrainingKind::parse(parts.next()?).unwrap_or(TrainingKind::Completed);
            Some(TrainingFact { topics: split_codes(parts.next()?), on, phase, kind })
        })
        .collect()
}

/// Every staff member's training records as the rules see them, for a whole organisation: one row
/// per person (the database joins their records into one text), so 10 000 records cost 500 rows
/// rather than 10 000 decoded models. `personnel::facts` reads a large team's this way.
pub async fn training_facts(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
) -> Result<HashMap<Uuid, Vec<TrainingFact>>, sea_orm::DbErr> {
    use sea_orm::{DbBackend, Statement};
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT staff_id, string_agg(completed_on::text || '|' || phase || '|' || kind || '|' || topics, \
             E'\\n') AS joined FROM training_records WHERE org_id = $1 GROUP BY staff_id"
        }
        _ => {
            "SELECT staff_id, group_concat(completed_on || '|' || phase || '|' || kind || '|' || topics, \
             char(10)) AS joined FROM training_records WHERE org_id = ? GROUP BY staff_id"
        }
    };
    let rows = conn.query_all_raw(Statement::from_sql_and_values(backend, sql, [org_id.into()])).await?;
    let mut out = HashMap::with_capacity(rows.len());
    for row in rows {
        let staff_id: Uuid = row.try_get("", "staff_id")?;
        let joined: Option<String> = row.try_get("", "joined")?;
        out.insert(staff_id, joined.as_deref().map(parse_joined).unwrap_or_default());
    }
    Ok(out)
}

// ---------- one staff member's training ----------

/// Everything a staff member's training page and `GET /team/{id}/training` show.
pub struct Overview {
    pub record: StaffRecord,
    pub positions: Vec<Position>,
    /// Newest first.
    pub records: Vec<training_record::Model>,
    pub competency: Competency,
    pub names: HashMap<Uuid, String>,
    pub files: HashMap<Uuid, FileHead>,
    /// Active courses, for recording a completion.
    pub courses: Vec<training_course::Model>,
    pub today: Date,
    /// May record completions (their own record, or one they keep).
    pub may_record: bool,
    /// May record demonstrated competencies (a manager, not on their own record).
    pub may_attest: bool,
}

impl Overview {
    /// Required topics not yet covered by any record, in catalogue order.
    pub fn missing_topics(&self) -> Vec<Requirement> {
        self.competency
            .gaps()
            .filter_map(|i| match i.need {
                Need::Topic(r) => Some(r),
                Need::Check(_) => None,
            })
            .collect()
    }

    /// Where the training checks (pre-service, in-service) stand, when the role asks for them.
    pub fn training_checks(&self) -> Vec<(Check, Standing)> {
        [Check::PreService, Check::InService]
            .into_iter()
            .filter_map(|c| self.competency.standing(Need::Check(c)).map(|s| (c, s)))
            .collect()
    }
}

pub async fn overview(state: &AppState, actor: &Actor, staff_id: Uuid) -> AppResult<Overview> {
    let record = open(state, actor, staff_id, "personnel.view", |a| a.view).await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let mut records = training_record::Entity::find()
        .filter(training_record::Column::OrgId.eq(org_id))
        .filter(training_record::Column::StaffId.eq(staff_id))
        .all(conn)
        .await?;
    records.sort_by_key(|r| std::cmp::Reverse((r.completed_on, r.created_at)));
    let settings = settings(conn, org_id).await?;
    let today = today(state, org_id).await?;
    let facts = facts_of(conn, org_id, &record.staff).await?;
    let competency = evaluate(&facts, &settings.intervals, today);
    let names: HashMap<Uuid, String> = staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::DisplayName)
        .filter(staff::Column::OrgId.eq(org_id))
        .into_tuple::<(Uuid, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let file_ids: Vec<Uuid> = records.iter().filter_map(|r| r.certificate_file_id).collect();
    let files: HashMap<Uuid, FileHead> = if file_ids.is_empty() {
        HashMap::new()
    } else {
        staff_file::Entity::find()
            .select_only()
            .column(staff_file::Column::Id)
            .column(staff_file::Column::Filename)
            .column(staff_file::Column::Size)
            .filter(staff_file::Column::OrgId.eq(org_id))
            .filter(staff_file::Column::StaffId.eq(staff_id))
            .filter(staff_file::Column::Id.is_in(file_ids))
            .into_tuple::<(Uuid, String, i64)>()
            .all(conn)
            .await?
            .into_iter()
            .map(|(id, filename, size)| (id, FileHead { id, filename, size }))
            .collect()
    };
    let courses = courses(state, actor, CourseFilter::default()).await?;
    let may_record = record.access.edit;
    let may_attest = record.access.manage && staff_id != actor.staff_id;
    Ok(Overview {
        positions: facts.positions.clone(),
        record,
        records,
        competency,
        names,
        files,
        courses,
        today,
        may_record,
        may_attest,
    })
}

// ---------- the competency matrix ----------

/// Which staff the matrix shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MatrixFilter {
    pub program: Option<Uuid>,
    pub position: Option<Position>,
    /// Only people with at least one gap.
    pub gaps_only: bool,
}

/// A heading over a run of columns: the standard (or PRSC part) they belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnGroup {
    /// Message id of the heading.
    pub message_id: &'static str,
    pub span: usize,
}

/// One person's row: how each column's need stands, `None` where their role does not ask for it.
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixRow {
    pub staff_id: Uuid,
    pub name: String,
    pub positions: Vec<Position>,
    pub cells: Vec<Option<Standing>>,
    pub gaps: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    pub columns: Vec<Need>,
    pub groups: Vec<ColumnGroup>,
    pub rows: Vec<MatrixRow>,
    /// How many of the rows have a gap in each column.
    pub column_gaps: Vec<usize>,
    pub today: Date,
    /// The staff in the actor's view before the filter.
    pub team_size: usize,
}

/// The column group a need is shown under: checks and topics of one standard together, the PRSC
/// knowledge areas and skills apart.
pub fn column_group(need: Need) -> (u8, &'static str) {
    match need {
        Need::Check(Check::Qualification) => (0, "requirement-group-cse-2-01"),
        Need::Check(Check::SupervisorExperience | Check::SupervisorDegree) => (1, "requirement-group-cse-2-02"),
        Need::Check(Check::PreService | Check::InService) => (6, "requirement-group-cse-2-07"),
        Need::Check(_) => (5, "requirement-group-cse-2-06"),
        Need::Topic(r) => match r.group() {
            RequirementGroup::Cse202 => (1, "requirement-group-cse-2-02"),
            RequirementGroup::Cse203 => (2, "requirement-group-cse-2-03"),
            RequirementGroup::Cse204 => (3, "requirement-group-cse-2-04"),
            RequirementGroup::Cse205 => (4, "requirement-group-cse-2-05"),
            RequirementGroup::Cse207 => (6, "requirement-group-cse-2-07"),
            RequirementGroup::PrscKnowledge => (7, "requirement-group-prsc-knowledge"),
            RequirementGroup::PrscSkills => (8, "requirement-group-prsc-skills"),
        },
    }
}

/// Puts needs in matrix order: by standard, and within one in `Need` order.
pub fn matrix_order(needs: &mut [Need]) {
    needs.sort_by_key(|n| (column_group(*n).0, *n));
}

/// The competency matrix of the staff the actor sees on team views (refused, audited, to others).
pub async fn matrix(state: &AppState, actor: &Actor, filter: MatrixFilter) -> AppResult<Matrix> {
    let members = team(state, actor, "personnel.matrix").await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let settings = settings(conn, org_id).await?;
    let today = today(state, org_id).await?;
    let team_size = members.len();
    let in_program: Option<HashSet<Uuid>> = match filter.program {
        Some(program) => Some(
            staff_program::Entity::find()
                .select_only()
                .column(staff_program::Column::StaffId)
                .filter(staff_program::Column::OrgId.eq(org_id))
                .filter(staff_program::Column::ProgramId.eq(program))
                .into_tuple::<Uuid>()
                .all(conn)
                .await?
                .into_iter()
                .collect(),
        ),
        None => None,
    };
    let members: Vec<staff::Model> =
        members.into_iter().filter(|s| in_program.as_ref().is_none_or(|p| p.contains(&s.id))).collect();
    let all_facts = facts(conn, org_id, &members).await?;
    let mut evaluated: Vec<(staff::Model, Vec<Position>, Competency)> = Vec::with_capacity(members.len());
    for member in members {
        let Some(f) = all_facts.get(&member.id) else { continue };
        if filter.position.is_some_and(|p| !f.positions.contains(&p)) {
            continue;
        }
        let competency = evaluate(f, &settings.intervals, today);
        if filter.gaps_only && competency.gap_count() == 0 {
            continue;
        }
        evaluated.push((member, f.positions.clone(), competency));
    }
    let mut columns: Vec<Need> = evaluated
        .iter()
        .flat_map(|(_, _, c)| c.items.iter().map(|i| i.need))
        .collect::<HashSet<Need>>()
        .into_iter()
        .collect();
    matrix_order(&mut columns);
    let index: HashMap<Need, usize> = columns.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut column_gaps = vec![0usize; columns.len()];
    let mut rows = Vec::with_capacity(evaluated.len());
    for (member, positions, competency) in evaluated {
        let mut cells: Vec<Option<Standing>> = vec![None; columns.len()];
        for item in &competency.items {
            let i = index[&item.need];
            cells[i] = Some(item.standing);
            if item.standing.is_gap() {
                column_gaps[i] += 1;
            }
        }
        rows.push(MatrixRow {
            staff_id: member.id,
            name: member.display_name,
            positions,
            gaps: competency.gap_count(),
            cells,
        });
    }
    rows.sort_by_cached_key(|r| r.name.to_lowercase());
    let mut groups: Vec<ColumnGroup> = Vec::new();
    for need in &columns {
        let id = column_group(*need).1;
        match groups.last_mut() {
            Some(g) if g.message_id == id => g.span += 1,
            _ => groups.push(ColumnGroup { message_id: id, span: 1 }),
        }
    }
    let entry = actor_entry(actor, "personnel.matrix").detail(json!({
        "rows": rows.len(), "program": filter.program, "position": filter.position.map(|p| p.code()),
        "gaps_only": filter.gaps_only,
    }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(Matrix { columns, groups, rows, column_gaps, today, team_size })
}

/// A cell of the CSV: the date met, expiring or expired with the date, missing, or empty when the
/// role does not ask for it.
fn csv_cell(tr: &Tr, standing: Option<Standing>) -> String {
    let dated = |id: &str, d: Option<Date>| match d {
        Some(d) => format!("{} {d}", tr.t(id)),
        None => tr.t(id),
    };
    match standing {
        None => String::new(),
        Some(Standing::Met { on: Some(d) }) => d.to_string(),
        Some(Standing::Met { on: None }) => tr.t("matrix-met"),
        Some(Standing::Expiring { until }) => dated("matrix-expiring", until),
        Some(Standing::Expired { since }) => dated("matrix-expired", since),
        Some(Standing::Missing) => tr.t("matrix-missing"),
    }
}

/// Spreadsheets run cells that start like a formula; a leading apostrophe keeps them text.
fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() }
}

/// The matrix as CSV: one row per person, one column per need (headed by its label and code).
pub fn matrix_csv(m: &Matrix, tr: &Tr) -> AppResult<Vec<u8>> {
    let fail = |e: csv::Error| AppError::Internal(anyhow::anyhow!("csv: {e}"));
    let mut w = csv::Writer::from_writer(Vec::with_capacity(m.rows.len() * (m.columns.len() * 6 + 60) + 4096));
    let mut head = vec![tr.t("matrix-csv-name"), tr.t("matrix-csv-positions"), tr.t("matrix-csv-gaps")];
    head.extend(m.columns.iter().map(|n| format!("{} ({})", tr.t(&n.message_id()), n.code())));
    w.write_record(&head).map_err(fail)?;
    for row in &m.rows {
        let positions = row.positions.iter().map(|p| tr.t(&p.message_id())).collect::<Vec<_>>().join("; ");
        let mut record = vec![text_cell(&row.name), positions, row.gaps.to_string()];
        record.extend(row.cells.iter().map(|c| csv_cell(tr, *c)));
        w.write_record(&record).map_err(fail)?;
    }
    w.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 18);

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn topics_name_unknown_codes_and_need_one() {
        let mut e = FieldErrors::new();
        let got =
            parse_topics(&mut e, "topics", &strings(&["prsc-s-outreach", "cse-2-03-referral", "cse-2-03-referral"]));
        assert_eq!(got, vec![Requirement::ReferralProcedures, Requirement::SkillOutreach]);
        assert!(e.is_empty());
        parse_topics(&mut e, "topics", &strings(&["cse-2-03-referral;cse-9-99-made-up"]));
        assert_eq!(e.0[0].message_id, "error-training-unknown-requirement");
        assert_eq!(e.0[0].args, vec![("code", "cse-9-99-made-up".to_string())]);
        let mut e = FieldErrors::new();
        parse_topics(&mut e, "topics", &strings(&["", " "]));
        assert_eq!(e.0[0].message_id, "error-training-topics-required");
    }

    #[test]
    fn courses_check_hours_and_phase() {
        let input = CourseInput {
            title: Some("  Suicide risk: signs and first steps ".into()),
            topics: strings(&["cse-2-03-suicide-signs"]),
            phase: Some("either".into()),
            hours: Some("3,5".into()),
            ..Default::default()
        };
        let valid = input.validate().expect("valid");
        assert_eq!(valid.title, "Suicide risk: signs and first steps");
        assert_eq!((valid.phase, valid.hours), (None, Some(3.5)));
        for bad in ["0", "-2", "lots", "1001"] {
            let wrong = CourseInput { hours: Some(bad.into()), ..input.clone() };
            let e = wrong.validate().unwrap_err();
            assert_eq!(e.for_field("hours").map(|e| e.message_id), Some("error-training-hours"), "{bad}");
        }
        let e = CourseInput { title: Some("x".repeat(201)), ..input.clone() }.validate().unwrap_err();
        assert_eq!(e.for_field("title").map(|e| e.message_id), Some("error-too-long"));
        let e = CourseInput { phase: Some("sometime".into()), ..input }.validate().unwrap_err();
        assert_eq!(e.for_field("phase").map(|e| e.message_id), Some("error-unknown-choice"));
    }

    fn course() -> training_course::Model {
        training_course::Model {
            id: Uuid::from_u128(1),
            org_id: Uuid::from_u128(2),
            title: "Ethics and boundaries for peer staff".into(),
            provider: Some("State peer network".into()),
            description: None,
            topics: "cse-2-07-ethics-boundaries;prsc-k-ethics-self-care".into(),
            phase: Some("pre-service".into()),
            hours: Some(6.0),
            active: true,
            version: 1,
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_completion_takes_what_it_leaves_out_from_its_course() {
        let input = TrainingInput { completed_on: Some("2026-10-01".into()), ..Default::default() };
        let valid = input.validate(TrainingKind::Completed, Some(&course()), None, TODAY).expect("valid");
        assert_eq!(valid.title, "Ethics and boundaries for peer staff");
        assert_eq!(valid.topics, vec![Requirement::EthicsBoundaries, Requirement::KnowEthicsSelfCare]);
        assert_eq!((valid.hours, valid.phase), (Some(6.0), TrainingPhase::PreService));
        assert_eq!(valid.provider.as_deref(), Some("State peer network"));
        assert_eq!(valid.course_id, Some(Uuid::from_u128(1)));
        let own = TrainingInput {
            topics: strings(&["cse-2-07-ethics-boundaries"]),
            hours: Some("2".into()),
            phase: Some("in-service".into()),
            ..input
        };
        let valid = own.validate(TrainingKind::Completed, Some(&course()), None, TODAY).expect("valid");
        assert_eq!(valid.topics, vec![Requirement::EthicsBoundaries]);
        assert_eq!((valid.hours, valid.phase), (Some(2.0), TrainingPhase::InService));
    }

    #[test]
    fn an_ad_hoc_completion_needs_title_topics_date_and_hours() {
        let e = TrainingInput::default().validate(TrainingKind::Completed, None, None, TODAY).unwrap_err();
        let ids: Vec<(&str, &str)> = e.0.iter().map(|e| (e.field.as_str(), e.message_id)).collect();
        assert!(ids.contains(&("title", "error-required")), "{ids:?}");
        assert!(ids.contains(&("topics", "error-training-topics-required")), "{ids:?}");
        assert!(ids.contains(&("completed_on", "error-required")), "{ids:?}");
        assert!(ids.contains(&("hours", "error-training-hours")), "{ids:?}");
        let future = TrainingInput {
            title: Some("Trauma-informed care".into()),
            topics: strings(&["cse-2-07-wellness-trauma-informed"]),
            completed_on: Some("2026-11-19".into()),
            hours: Some("4".into()),
            ..Default::default()
        };
        let e = future.clone().validate(TrainingKind::Completed, None, None, TODAY).unwrap_err();
        assert_eq!(e.for_field("completed_on").map(|e| e.message_id), Some("error-training-date-future"));
        // Before the start date it counts as pre-service unless told otherwise.
        let before = TrainingInput { completed_on: Some("2026-01-10".into()), ..future };
        let valid = before.validate(TrainingKind::Completed, None, Some(date!(2026 - 02 - 01)), TODAY).expect("valid");
        assert_eq!(valid.phase, TrainingPhase::PreService);
    }

    #[test]
    fn a_demonstration_needs_how_it_was_shown() {
        let input = TrainingInput { topics: strings(&["cse-2-04-leading-discussion"]), ..Default::default() };
        let e = input.clone().validate(TrainingKind::Demonstrated, None, None, TODAY).unwrap_err();
        assert_eq!(e.for_field("demonstration").map(|e| e.message_id), Some("error-training-demonstration-required"));
        let shown = TrainingInput { demonstration: Some("Led two sessions, observed".into()), ..input };
        let valid = shown.validate(TrainingKind::Demonstrated, Some(&course()), None, TODAY).expect("valid");
        assert_eq!((valid.completed_on, valid.title.as_str()), (TODAY, DEMONSTRATED_TITLE));
        assert_eq!((valid.course_id, valid.hours), (None, None));
    }

    #[test]
    fn certificates_are_pdf_png_or_jpeg_and_what_they_claim() {
        let cert = |name: &str, ty: &str, data: &[u8]| Certificate {
            filename: name.into(),
            declared_type: ty.into(),
            data: data.to_vec(),
        };
        assert_eq!(
            check_certificate(&cert("c:\\docs\\cert.PDF", "application/pdf", b"%PDF-1.7 x")).unwrap(),
            ("cert.PDF".to_string(), "application/pdf")
        );
        assert!(check_certificate(&cert("scan.jpg", "", &[0xFF, 0xD8, 0xFF, 0xE0])).is_ok());
        for bad in [
            cert("cert.pdf", "application/pdf", b"GIF89a"),
            cert("cert.png", "application/pdf", b"\x89PNG\r\n\x1a\n"),
            cert("cert.docx", "", b"PK\x03\x04"),
            cert("", "", b""),
        ] {
            let e = check_certificate(&bad).unwrap_err();
            assert_eq!(e.0[0].message_id, "training-error-certificate-type", "{}", bad.filename);
        }
        let big = cert("big.pdf", "application/pdf", &[b'%'; MAX_CERTIFICATE_BYTES + 1]);
        assert_eq!(check_certificate(&big).unwrap_err().0[0].message_id, "training-error-certificate-too-big");
    }

    #[test]
    fn matrix_columns_go_by_standard() {
        let mut needs = vec![
            Need::Topic(Requirement::SkillOutreach),
            Need::Check(Check::InService),
            Need::Topic(Requirement::OwnTriggers),
            Need::Topic(Requirement::Supervision),
            Need::Check(Check::PeerCertification),
            Need::Check(Check::SupervisorDegree),
            Need::Topic(Requirement::ReferralProcedures),
            Need::Check(Check::Qualification),
            Need::Topic(Requirement::KnowScience),
        ];
        matrix_order(&mut needs);
        let codes: Vec<&str> = needs.iter().map(|n| n.code()).collect();
        assert_eq!(
            codes,
            vec![
                "qualification",
                "supervisor-degree",
                "cse-2-02-supervision",
                "cse-2-03-referral",
                "peer-certification",
                "in-service",
                "cse-2-07-own-triggers",
                "prsc-k-science",
                "prsc-s-outreach",
            ]
        );
    }

    #[test]
    fn csv_cells_say_how_each_need_stands() {
        let tr = Tr::new(crate::domain::codes::UiLanguage::En);
        let m = Matrix {
            columns: vec![Need::Check(Check::PeerCertification), Need::Topic(Requirement::ReferralProcedures)],
            groups: Vec::new(),
            rows: vec![MatrixRow {
                staff_id: Uuid::nil(),
                name: "=Robin, \"Bo\" Ash".into(),
                positions: vec![Position::PeerSpecialist],
                cells: vec![Some(Standing::Expired { since: Some(date!(2026 - 11 - 01)) }), None],
                gaps: 1,
            }],
            column_gaps: vec![1, 0],
            today: TODAY,
            team_size: 1,
        };
        let text = String::from_utf8(matrix_csv(&m, &tr).unwrap()).unwrap();
        let mut lines = text.lines();
        assert!(lines.next().unwrap().ends_with("(cse-2-03-referral)"));
        let row = lines.next().unwrap();
        assert!(row.starts_with("\"'=Robin, \"\"Bo\"\" Ash\","), "{row}");
        assert!(row.ends_with(",1,Expired 2026-11-01,"), "{row}");
        assert_eq!(csv_cell(&tr, Some(Standing::Met { on: Some(date!(2026 - 01 - 02)) })), "2026-01-02");
        assert_eq!(csv_cell(&tr, Some(Standing::Missing)), "Missing");
        assert_eq!(
            csv_cell(&tr, Some(Standing::Expiring { until: Some(date!(2026 - 12 - 20)) })),
            "Expiring 2026-12-20"
        );
    }
}
