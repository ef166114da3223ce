//! Versioned curricula shared across groups. Every save is a new numbered version (earlier ones
//! stay readable); groups name the version they follow and only change it on their own edit page,
//! so saving here never changes what a group follows. Materials are links or uploaded files kept
//! in the database. Curricula carry no personal data: every staff member reads them, the roles in
//! `access::may_write_curricula` write them, and each write is audited like other set-up changes.

use crate::access::{self, Actor};
use crate::app::AppState;
use crate::audit::Outcome;
use crate::db::entities::{curriculum, curriculum_file, curriculum_version, staff, support_group};
use crate::domain::FieldErrors;
use crate::domain::groups::{CurriculumStatus, GroupStatus};
use crate::error::{AppError, AppResult};
use crate::web::actor_entry;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

pub use content::*;

/// The pure part: what a version holds, how input becomes a version, what changed between two
/// versions, and which uploads are accepted.
pub mod content {
    use super::*;

    /// The largest file accepted as a material.
    pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
    pub const MAX_SESSIONS: usize = 100;
    pub const MAX_MATERIALS: usize = 30;
    const TITLE_MAX: usize = 200;
    const LONG_TEXT_MAX: usize = 8000;
    const SHORT_TEXT_MAX: usize = 1000;
    const LABEL_MAX: usize = 200;
    const URL_MAX: usize = 2000;

    /// A link (`url`) or an uploaded file of this curriculum (`file_id`), with what to call it.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    pub struct Material {
        pub label: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub file_id: Option<Uuid>,
    }

    /// One session of a curriculum, as stored in `curriculum_versions.sessions`.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    pub struct Session {
        /// Stays the same across versions while the session is kept, so changes can be shown
        /// session by session even when sessions are reordered.
        pub id: Uuid,
        /// Position in the sequence, from 1.
        pub number: i32,
        pub topic: String,
        #[serde(default)]
        pub objectives: String,
        #[serde(default)]
        pub activities: String,
        #[serde(default)]
        pub materials: Vec<Material>,
    }

    /// What one version says (the sessions in order).
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct Content {
        pub title: String,
        pub summary: Option<String>,
        pub audience: Option<String>,
        pub sessions: Vec<Session>,
    }

    #[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
    #[serde(default)]
    pub struct MaterialInput {
        /// What the material is called; the address or file name when left out.
        pub label: String,
        /// An `http://` or `https://` address.
        pub url: Option<String>,
        /// A file uploaded to this curriculum (`POST /curricula/{id}/files`).
        pub file_id: Option<Uuid>,
        /// Drop this material (forms).
        pub remove: bool,
    }

    #[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
    #[serde(default)]
    pub struct SessionInput {
        /// The session's id from the version the edit is based on; leave out for a new session.
        pub id: Option<Uuid>,
        /// Where the session goes. Sessions are sorted by it; on a tie the later one goes first,
        /// so giving a session another session's position moves it there. Without it the given
        /// order is kept.
        pub position: Option<i32>,
        pub topic: String,
        pub objectives: String,
        pub activities: String,
        pub materials: Vec<MaterialInput>,
        /// Drop this session (forms).
        pub remove: bool,
    }

    impl SessionInput {
        /// A blank form row, which is ignored.
        fn is_blank(&self) -> bool {
            self.topic.trim().is_empty()
                && self.objectives.trim().is_empty()
                && self.activities.trim().is_empty()
                && self.materials.iter().all(MaterialInput::is_blank)
        }
    }

    impl MaterialInput {
        fn is_blank(&self) -> bool {
            self.remove
                || (self.label.trim().is_empty()
                    && self.url.as_deref().is_none_or(|u| u.trim().is_empty())
                    && self.file_id.is_none())
        }
    }

    /// A curriculum as written in a form or sent to the API.
    #[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
    #[serde(default)]
    pub struct CurriculumInput {
        pub title: String,
        pub summary: Option<String>,
        /// Who the curriculum is for, in words.
        pub audience: Option<String>,
        /// What this version changes (kept with the version).
        pub change_note: Option<String>,
        pub sessions: Vec<SessionInput>,
    }

    /// A checked curriculum, ready to be saved as a version.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct ValidCurriculum {
        pub content: Content,
        pub change_note: Option<String>,
    }

    impl CurriculumInput {
        /// Checks the input; `files` are the ids of the files uploaded to this curriculum.
        /// Messages name the session by its place in the input (`session_0_topic`, …), so a
        /// form row and an API array element are pointed at alike.
        pub fn validate(&self, files: &[Uuid]) -> Result<ValidCurriculum, FieldErrors> {
            let mut errors = FieldErrors::new();
            let title = errors.required("title", &self.title, TITLE_MAX);
            let summary = errors.optional("summary", self.summary.as_deref(), LONG_TEXT_MAX);
            let audience = errors.optional("audience", self.audience.as_deref(), SHORT_TEXT_MAX);
            let change_note = errors.optional("change_note", self.change_note.as_deref(), SHORT_TEXT_MAX);
            let mut kept: Vec<(i32, i64, Session)> = Vec::new();
            for (i, row) in self.sessions.iter().enumerate() {
                if row.remove || row.is_blank() {
                    continue;
                }
                let field = |name: &str| format!("session_{i}_{name}");
                let topic = errors.required(&field("topic"), &row.topic, TITLE_MAX);
                let objectives =
                    errors.optional(&field("objectives"), Some(&row.objectives), LONG_TEXT_MAX).unwrap_or_default();
                let activities =
                    errors.optional(&field("activities"), Some(&row.activities), LONG_TEXT_MAX).unwrap_or_default();
                let mut materials = Vec::new();
                for (j, m) in row.materials.iter().enumerate() {
                    if m.is_blank() {
                        continue;
                    }
                    let field = |name: &str| format!("session_{i}_material_{j}_{name}");
                    if let Some(m) = material(&mut errors, &field("label"), &field("url"), m, files) {
                        materials.push(m);
                    }
                }
                if materials.len() > MAX_MATERIALS {
                    errors.add_with(
                        &field("materials"),
                        "error-curriculum-too-many-materials",
                        vec![("max", MAX_MATERIALS.to_string())],
                    );
                }
                // Ties: the later row first, so a row given another row's position takes it
                // whether it moves up or down; rows without a position keep their order at the end.
                let (position, tie) = match row.position {
                    Some(p) => (p, -(i as i64)),
                    None => (i32::MAX, i as i64),
                };
                kept.push((
                    position,
                    tie,
                    Session {
                        id: row.id.unwrap_or_else(Uuid::new_v4),
                        number: 0,
                        topic,
                        objectives,
                        activities,
                        materials,
                    },
                ));
            }
            if kept.is_empty() && errors.is_empty() {
                errors.add("sessions", "error-curriculum-no-sessions");
            }
            if kept.len() > MAX_SESSIONS {
                errors.add_with(
                    "sessions",
                    "error-curriculum-too-many-sessions",
                    vec![("max", MAX_SESSIONS.to_string())],
                );
            }
            kept.sort_by_key(|(position, tie, _)| (*position, *tie));
            let mut sessions: Vec<Session> = kept.into_iter().map(|(_, _, s)| s).collect();
            // An id sent twice (a copied row) would make two sessions one in the change list.
            let mut seen = std::collections::HashSet::new();
            for (n, s) in sessions.iter_mut().enumerate() {
                s.number = n as i32 + 1;
                if !seen.insert(s.id) {
                    s.id = Uuid::new_v4();
                }
            }
            errors.finish(ValidCurriculum { content: Content { title, summary, audience, sessions }, change_note })
        }
    }

    fn material(
        errors: &mut FieldErrors,
        label_field: &str,
        url_field: &str,
        m: &MaterialInput,
        files: &[Uuid],
    ) -> Option<Material> {
        let label = errors.optional(label_field, Some(&m.label), LABEL_MAX);
        if let Some(file_id) = m.file_id {
            if !files.contains(&file_id) {
                errors.add(url_field, "error-curriculum-file-unknown");
                return None;
            }
            return Some(Material { label: label.unwrap_or_default(), url: None, file_id: Some(file_id) });
        }
        let url = m.url.as_deref().map(str::trim).unwrap_or("");
        if url.is_empty() {
            errors.add(url_field, "error-curriculum-link-missing");
            return None;
        }
        if url.chars().count() > URL_MAX {
            errors.add_with(url_field, "error-too-long", vec![("max", URL_MAX.to_string())]);
            return None;
        }
        if !is_web_link(url) {
            errors.add(url_field, "error-curriculum-link");
            return None;
        }
        Some(Material { label: label.unwrap_or_else(|| url.to_string()), url: Some(url.to_string()), file_id: None })
    }

    /// An `http://` or `https://` address with a host and nothing a browser would silently drop.
    pub fn is_web_link(url: &str) -> bool {
        let lower = url.to_ascii_lowercase();
        let rest = match (lower.strip_prefix("https://"), lower.strip_prefix("http://")) {
            (Some(rest), _) | (None, Some(rest)) => rest,
            _ => return false,
        };
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit('@').next().unwrap_or("");
        let host = host.split(':').next().unwrap_or("");
        !host.is_empty()
            && host.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-')
            && !url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
    }

    /// Reads a version's stored sessions.
    pub fn parse_sessions(stored: &str) -> Result<Vec<Session>, serde_json::Error> {
        serde_json::from_str(stored)
    }

    pub fn store_sessions(sessions: &[Session]) -> String {
        serde_json::to_string(sessions).unwrap_or_else(|_| "[]".into())
    }

    /// One difference between two versions (what a conflict page shows).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
    #[serde(tag = "kind", rename_all = "kebab-case")]
    pub enum Change {
        /// `field` is `title`, `summary` or `audience`.
        Detail {
            field: &'static str,
            before: String,
            after: String,
        },
        SessionAdded {
            number: i32,
            topic: String,
        },
        SessionRemoved {
            number: i32,
            topic: String,
        },
        /// `fields` lists what changed: `position`, `topic`, `objectives`, `activities`, `materials`.
        SessionChanged {
            number: i32,
            before_number: i32,
            topic: String,
            fields: Vec<&'static str>,
        },
    }

    /// What `after` changes against `before`, details first, then sessions in `after`'s order,
    /// then removed sessions.
    pub fn changes(before: &Content, after: &Content) -> Vec<Change> {
        let mut out = Vec::new();
        let details = [
            ("title", Some(&before.title), Some(&after.title)),
            ("summary", before.summary.as_ref(), after.summary.as_ref()),
            ("audience", before.audience.as_ref(), after.audience.as_ref()),
        ];
        for (field, b, a) in details {
            if b != a {
                out.push(Change::Detail {
                    field,
                    before: b.cloned().unwrap_or_default(),
                    after: a.cloned().unwrap_or_default(),
                });
            }
        }
        let old: HashMap<Uuid, &Session> = before.sessions.iter().map(|s| (s.id, s)).collect();
        for s in &after.sessions {
            match old.get(&s.id) {
                None => out.push(Change::SessionAdded { number: s.number, topic: s.topic.clone() }),
                Some(o) => {
                    let mut fields = Vec::new();
                    if o.number != s.number {
                        fields.push("position");
                    }
                    if o.topic != s.topic {
                        fields.push("topic");
                    }
                    if o.objectives != s.objectives {
                        fields.push("objectives");
                    }
                    if o.activities != s.activities {
                        fields.push("activities");
                    }
                    if o.materials != s.materials {
                        fields.push("materials");
                    }
                    if !fields.is_empty() {
                        out.push(Change::SessionChanged {
                            number: s.number,
                            before_number: o.number,
                            topic: s.topic.clone(),
                            fields,
                        });
                    }
                }
            }
        }
        let kept: std::collections::HashSet<Uuid> = after.sessions.iter().map(|s| s.id).collect();
        for o in before.sessions.iter().filter(|o| !kept.contains(&o.id)) {
            out.push(Change::SessionRemoved { number: o.number, topic: o.topic.clone() });
        }
        out
    }

    /// An accepted upload: the file name to keep and the content type to serve it with.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct CheckedFile {
        pub filename: String,
        pub content_type: &'static str,
    }

    struct Kind {
        extensions: &'static [&'static str],
        content_type: &'static str,
        /// Types browsers send for it besides `content_type`.
        also_sent_as: &'static [&'static str],
        looks_right: fn(&[u8]) -> bool,
    }

    fn zip(data: &[u8]) -> bool {
        data.starts_with(b"PK\x03\x04")
    }

    fn text(data: &[u8]) -> bool {
        std::str::from_utf8(data).is_ok() && !data.contains(&0)
    }

    const KINDS: &[Kind] = &[
        Kind {
            extensions: &["pdf"],
            content_type: "application/pdf",
            also_sent_as: &["application/x-pdf"],
            looks_right: |d| d.starts_with(b"%PDF-"),
        },
        Kind {
            extensions: &["docx"],
            content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            also_sent_as: &["application/zip"],
            looks_right: zip,
        },
        Kind {
            extensions: &["pptx"],
            content_type: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            also_sent_as: &["application/zip"],
            looks_right: zip,
        },
        Kind {
            extensions: &["xlsx"],
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            also_sent_as: &["application/zip"],
            looks_right: zip,
        },
        Kind {
            extensions: &["odt"],
            content_type: "application/vnd.oasis.opendocument.text",
            also_sent_as: &["application/zip"],
            looks_right: zip,
        },
        Kind {
            extensions: &["png"],
            content_type: "image/png",
            also_sent_as: &[],
            looks_right: |d| d.starts_with(b"\x89PNG\r\n\x1a\n"),
        },
        Kind {
            extensions: &["jpg", "jpeg"],
            content_type: "image/jpeg",
            also_sent_as: &["image/pjpeg"],
            looks_right: |d| d.starts_with(&[0xFF, 0xD8, 0xFF]),
        },
        Kind {
            extensions: &["txt"],
            content_type: "text/plain; charset=utf-8",
            also_sent_as: &["text/plain"],
            looks_right: text,
        },
        Kind {
            extensions: &["md"],
            content_type: "text/markdown; charset=utf-8",
            also_sent_as: &["text/markdown", "text/x-markdown", "text/plain"],
            looks_right: text,
        },
    ];

    /// The file types accepted, as shown in messages.
    pub const ALLOWED_TYPES: &str = "PDF, DOCX, PPTX, XLSX, ODT, PNG, JPEG, TXT, MD";

    /// Only the name's last part, without control characters or quotes (it goes into a header).
    pub fn clean_filename(raw: &str) -> String {
        let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
        let cleaned: String =
            base.chars().filter(|c| !c.is_control() && *c != '"').collect::<String>().trim().to_string();
        cleaned.chars().take(LABEL_MAX).collect()
    }

    /// Accepts a file only when its extension is allowed, the type the browser declared fits the
    /// extension (or says nothing), and its first bytes are what that type starts with.
    pub fn check_upload(filename: &str, declared_type: &str, data: &[u8]) -> Result<CheckedFile, FieldErrors> {
        let filename = clean_filename(filename);
        if filename.is_empty() || data.is_empty() {
            return Err(FieldErrors::single("file", "error-curriculum-file-missing"));
        }
        if data.len() > MAX_FILE_BYTES {
            return Err(too_big());
        }
        let extension = filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        let Some(kind) = KINDS.iter().find(|k| k.extensions.contains(&extension.as_str())) else {
            let mut errors = FieldErrors::new();
            errors.add_with("file", "error-curriculum-file-type", vec![("types", ALLOWED_TYPES.into())]);
            return Err(errors);
        };
        let declared = declared_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let canonical = kind.content_type.split(';').next().unwrap_or("");
        let declared_fits = declared.is_empty()
            || declared == "application/octet-stream"
            || declared == canonical
            || kind.also_sent_as.contains(&declared.as_str());
        if !declared_fits || !(kind.looks_right)(data) {
            let mut errors = FieldErrors::new();
            errors.add_with("file", "error-curriculum-file-mismatch", vec![("extension", extension)]);
            return Err(errors);
        }
        Ok(CheckedFile { filename, content_type: kind.content_type })
    }

    pub fn too_big() -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.add_with("file", "error-curriculum-file-too-big", vec![("max", "10 MB".into())]);
        errors
    }

    pub fn sha256_hex(data: &[u8]) -> String {
        hex::encode(Sha256::digest(data))
    }

    /// `size` bytes in words a reader knows (`12 KB`, `3.4 MB`).
    pub fn human_size(size: i64) -> String {
        match size {
            s if s < 1024 => format!("{s} B"),
            s if s < 1024 * 1024 => format!("{} KB", (s + 1023) / 1024),
            s => format!("{:.1} MB", s as f64 / (1024.0 * 1024.0)),
        }
    }
}

// ---------- reading ----------

/// A curriculum in the list.
#[derive(Clone, Debug)]
pub struct Summary {
    pub curriculum: curriculum::Model,
    pub sessions: usize,
    /// Groups naming it that have not ended.
    pub groups: usize,
}

/// A group that names a curriculum, and the version it follows.
#[derive(Clone, Debug)]
pub struct Follower {
    pub group_id: Uuid,
    pub name: String,
    pub version: Option<i32>,
    pub status: String,
}

impl Follower {
    pub fn ended(&self) -> bool {
        self.status == GroupStatus::Ended.code()
    }
}

/// A version in the version list (without its sessions).
#[derive(Clone, Debug)]
pub struct VersionHead {
    pub number: i32,
    pub title: String,
    pub change_note: Option<String>,
    pub created_by: Uuid,
    pub author: String,
    pub created_at: OffsetDateTime,
}

/// A file of the curriculum, without its bytes.
#[derive(Clone, Debug)]
pub struct FileHead {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: Uuid,
    pub uploaded_at: OffsetDateTime,
}

/// One version of a curriculum with everything its page shows.
pub struct Loaded {
    pub curriculum: curriculum::Model,
    pub version: curriculum_version::Model,
    pub content: Content,
    pub versions: Vec<VersionHead>,
    pub followers: Vec<Follower>,
    pub files: Vec<FileHead>,
    pub may_write: bool,
}

impl Loaded {
    pub fn is_current(&self) -> bool {
        self.version.number == self.curriculum.current_version
    }

    pub fn retired(&self) -> bool {
        self.curriculum.status == CurriculumStatus::Retired.code()
    }

    pub fn file(&self, id: Uuid) -> Option<&FileHead> {
        self.files.iter().find(|f| f.id == id)
    }
}

pub fn may_write(actor: &Actor) -> bool {
    access::may_write_curricula(actor)
}

/// Every curriculum of the organisation (active first, then by title), optionally one status only.
pub async fn list(state: &AppState, actor: &Actor, status: Option<CurriculumStatus>) -> AppResult<Vec<Summary>> {
    let conn = state.db.conn();
    let mut query = curriculum::Entity::find().filter(curriculum::Column::OrgId.eq(actor.org_id));
    if let Some(status) = status {
        query = query.filter(curriculum::Column::Status.eq(status.code()));
    }
    let curricula = query.order_by_asc(curriculum::Column::Title).all(conn).await?;
    if curricula.is_empty() {
        return Ok(Vec::new());
    }
    // Only the current versions' sessions are read, not every version's.
    let mut current = Condition::any();
    for c in &curricula {
        current = current.add(
            Condition::all()
                .add(curriculum_version::Column::CurriculumId.eq(c.id))
                .add(curriculum_version::Column::Number.eq(c.current_version)),
        );
    }
    let sessions: HashMap<Uuid, usize> = curriculum_version::Entity::find()
        .select_only()
        .column(curriculum_version::Column::CurriculumId)
        .column(curriculum_version::Column::Sessions)
        .filter(curriculum_version::Column::OrgId.eq(actor.org_id))
        .filter(current)
        .into_tuple::<(Uuid, String)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(id, stored)| (id, parse_sessions(&stored).map(|s| s.len()).unwrap_or(0)))
        .collect();
    let mut groups: HashMap<Uuid, usize> = HashMap::new();
    for (curriculum_id, status) in support_group::Entity::find()
        .select_only()
        .column(support_group::Column::CurriculumId)
        .column(support_group::Column::Status)
        .filter(support_group::Column::OrgId.eq(actor.org_id))
        .filter(support_group::Column::CurriculumId.is_not_null())
        .into_tuple::<(Option<Uuid>, String)>()
        .all(conn)
        .await?
    {
        if let Some(id) = curriculum_id
            && status != GroupStatus::Ended.code()
        {
            *groups.entry(id).or_default() += 1;
        }
    }
    let mut out: Vec<Summary> = curricula
        .into_iter()
        .map(|c| Summary {
            sessions: sessions.get(&c.id).copied().unwrap_or(0),
            groups: groups.get(&c.id).copied().unwrap_or(0),
            curriculum: c,
        })
        .collect();
    out.sort_by_key(|s| s.curriculum.status != CurriculumStatus::Active.code());
    Ok(out)
}

pub async fn find(conn: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> AppResult<curriculum::Model> {
    curriculum::Entity::find_by_id(id)
        .filter(curriculum::Column::OrgId.eq(org_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn version_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    id: Uuid,
    number: i32,
) -> AppResult<curriculum_version::Model> {
    curriculum_version::Entity::find()
        .filter(curriculum_version::Column::OrgId.eq(org_id))
        .filter(curriculum_version::Column::CurriculumId.eq(id))
        .filter(curriculum_version::Column::Number.eq(number))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// A stored version's content.
pub fn content_of(v: &curriculum_version::Model) -> AppResult<Content> {
    let sessions = parse_sessions(&v.sessions)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("curriculum version {} sessions: {e}", v.id)))?;
    Ok(Content { title: v.title.clone(), summary: v.summary.clone(), audience: v.audience.clone(), sessions })
}

/// What was saved since version `base` (a refused save shows it): the current version and the
/// changes from `base` to it (everything, when `base` is no version at all).
pub async fn changes_since(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    current: &curriculum::Model,
    base: i32,
) -> AppResult<(curriculum_version::Model, Vec<Change>)> {
    let latest = version_of(conn, org_id, current.id, current.current_version).await?;
    let before = match version_of(conn, org_id, current.id, base).await {
        Ok(v) => content_of(&v)?,
        Err(AppError::NotFound) => Content::default(),
        Err(other) => return Err(other),
    };
    let changes = changes(&before, &content_of(&latest)?);
    Ok((latest, changes))
}

/// The groups that name the curriculum, by name.
pub async fn followers(conn: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> AppResult<Vec<Follower>> {
    Ok(support_group::Entity::find()
        .filter(support_group::Column::OrgId.eq(org_id))
        .filter(support_group::Column::CurriculumId.eq(id))
        .order_by_asc(support_group::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .map(|g| Follower { group_id: g.id, name: g.name, version: g.curriculum_version, status: g.status })
        .collect())
}

pub async fn files(conn: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> AppResult<Vec<FileHead>> {
    let rows = curriculum_file::Entity::find()
        .select_only()
        .columns([
            curriculum_file::Column::Id,
            curriculum_file::Column::Filename,
            curriculum_file::Column::ContentType,
            curriculum_file::Column::Size,
            curriculum_file::Column::Sha256,
            curriculum_file::Column::UploadedBy,
            curriculum_file::Column::UploadedAt,
        ])
        .filter(curriculum_file::Column::OrgId.eq(org_id))
        .filter(curriculum_file::Column::CurriculumId.eq(id))
        .order_by_asc(curriculum_file::Column::UploadedAt)
        .into_tuple::<(Uuid, String, String, i64, String, Uuid, OffsetDateTime)>()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, filename, content_type, size, sha256, uploaded_by, uploaded_at)| FileHead {
            id,
            filename,
            content_type,
            size,
            sha256,
            uploaded_by,
            uploaded_at,
        })
        .collect())
}

async fn file_ids(conn: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(curriculum_file::Entity::find()
        .select_only()
        .column(curriculum_file::Column::Id)
        .filter(curriculum_file::Column::OrgId.eq(org_id))
        .filter(curriculum_file::Column::CurriculumId.eq(id))
        .into_tuple::<Uuid>()
        .all(conn)
        .await?)
}

/// Every version, oldest first, with who saved it.
pub async fn versions(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<Vec<VersionHead>> {
    let conn = state.db.conn();
    find(conn, actor.org_id, id).await?;
    let rows = curriculum_version::Entity::find()
        .select_only()
        .columns([
            curriculum_version::Column::Number,
            curriculum_version::Column::Title,
            curriculum_version::Column::ChangeNote,
            curriculum_version::Column::CreatedBy,
            curriculum_version::Column::CreatedAt,
        ])
        .filter(curriculum_version::Column::OrgId.eq(actor.org_id))
        .filter(curriculum_version::Column::CurriculumId.eq(id))
        .order_by_asc(curriculum_version::Column::Number)
        .into_tuple::<(i32, String, Option<String>, Uuid, OffsetDateTime)>()
        .all(conn)
        .await?;
    let names = staff_names(conn, actor.org_id, rows.iter().map(|r| r.3).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|(number, title, change_note, created_by, created_at)| VersionHead {
            number,
            title,
            change_note,
            author: names.get(&created_by).cloned().unwrap_or_default(),
            created_by,
            created_at,
        })
        .collect())
}

/// Staff names (staff who have left included) for "saved by".
pub async fn staff_names(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    mut ids: Vec<Uuid>,
) -> AppResult<HashMap<Uuid, String>> {
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::DisplayName)
        .filter(staff::Column::OrgId.eq(org_id))
        .filter(staff::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

/// A curriculum at one version (the current one when `number` is None).
pub async fn load(state: &AppState, actor: &Actor, id: Uuid, number: Option<i32>) -> AppResult<Loaded> {
    let conn = state.db.conn();
    let curriculum = find(conn, actor.org_id, id).await?;
    let version = version_of(conn, actor.org_id, id, number.unwrap_or(curriculum.current_version)).await?;
    let content = content_of(&version)?;
    Ok(Loaded {
        versions: versions(state, actor, id).await?,
        followers: followers(conn, actor.org_id, id).await?,
        files: files(conn, actor.org_id, id).await?,
        may_write: may_write(actor),
        curriculum,
        version,
        content,
    })
}

/// A file with its bytes, for download (any staff member).
pub async fn file(state: &AppState, actor: &Actor, id: Uuid, file_id: Uuid) -> AppResult<curriculum_file::Model> {
    curriculum_file::Entity::find_by_id(file_id)
        .filter(curriculum_file::Column::OrgId.eq(actor.org_id))
        .filter(curriculum_file::Column::CurriculumId.eq(id))
        .one(state.db.conn())
        .await?
        .ok_or(AppError::NotFound)
}

// ---------- writing ----------

/// Refuses (and audits the refusal) unless the actor may write curricula.
pub async fn require_write(state: &AppState, actor: &Actor, what: &str, id: Option<Uuid>) -> AppResult<()> {
    if may_write(actor) {
        return Ok(());
    }
    let mut entry = actor_entry(actor, "access.denied").outcome(Outcome::Denied).detail(json!({ "action": what }));
    if let Some(id) = id {
        entry = entry.record("curriculum", id);
    }
    crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Err(AppError::Forbidden)
}

fn retired_error() -> AppError {
    AppError::Invalid(FieldErrors::single("status", "error-curriculum-retired"))
}

/// Starts a curriculum at version 1.
pub async fn create(state: &AppState, actor: &Actor, input: &CurriculumInput) -> AppResult<curriculum::Model> {
    require_write(state, actor, "curriculum.create", None).await?;
    let valid = input.validate(&[])?;
    let now = state.clock.now();
    let id = Uuid::new_v4();
    let txn = state.db.begin_write().await?;
    let model = curriculum::Model {
        id,
        org_id: actor.org_id,
        title: valid.content.title.clone(),
        status: CurriculumStatus::Active.code().into(),
        current_version: 1,
        created_by: actor.staff_id,
        updated_by: actor.staff_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    curriculum::Entity::insert(curriculum::ActiveModel::from(model.clone())).exec_without_returning(&*txn).await?;
    insert_version(&txn, actor, id, 1, &valid, now).await?;
    let entry = actor_entry(actor, "curriculum.save").record("curriculum", id).detail(json!({ "version": 1 }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(model)
}

async fn insert_version(
    txn: &crate::db::WriteTxn,
    actor: &Actor,
    id: Uuid,
    number: i32,
    valid: &ValidCurriculum,
    now: OffsetDateTime,
) -> AppResult<()> {
    let c = &valid.content;
    let row = curriculum_version::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        curriculum_id: id,
        number,
        title: c.title.clone(),
        summary: c.summary.clone(),
        audience: c.audience.clone(),
        sessions: store_sessions(&c.sessions),
        change_note: valid.change_note.clone(),
        created_by: actor.staff_id,
        created_at: now,
    };
    curriculum_version::Entity::insert(curriculum_version::ActiveModel::from(row))
        .exec_without_returning(&**txn)
        .await
        .map_err(|e| match e.sql_err() {
            // Another save took the number first.
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict,
            _ => e.into(),
        })?;
    Ok(())
}

/// Moves the curriculum from `base` to the next version number; 409 when `base` is no longer
/// the current version (someone saved meanwhile), so nothing is ever overwritten.
async fn advance(
    txn: &crate::db::WriteTxn,
    actor: &Actor,
    c: &curriculum::Model,
    base: i32,
    title: &str,
    now: OffsetDateTime,
) -> AppResult<i32> {
    if c.current_version != base {
        return Err(AppError::Conflict);
    }
    use curriculum::Column as C;
    let result = curriculum::Entity::update_many()
        .col_expr(C::Title, Expr::value(title.to_string()))
        .col_expr(C::CurrentVersion, Expr::value(base + 1))
        .col_expr(C::Version, Expr::value(c.version + 1))
        .col_expr(C::UpdatedBy, Expr::value(actor.staff_id))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::OrgId.eq(actor.org_id))
        .filter(C::Id.eq(c.id))
        .filter(C::CurrentVersion.eq(base))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 { Err(AppError::Conflict) } else { Ok(base + 1) }
}

/// Saves an edit as a new version. `base` is the version number the edit started from.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    base: i32,
    input: &CurriculumInput,
) -> AppResult<curriculum::Model> {
    require_write(state, actor, "curriculum.save", Some(id)).await?;
    let conn = state.db.conn();
    let current = find(conn, actor.org_id, id).await?;
    let valid = input.validate(&file_ids(conn, actor.org_id, id).await?)?;
    if current.status == CurriculumStatus::Retired.code() {
        return Err(retired_error());
    }
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    // Read again inside the write: the check and the update see the same row.
    let current = find(&*txn, actor.org_id, id).await?;
    let number = advance(&txn, actor, &current, base, &valid.content.title, now).await?;
    insert_version(&txn, actor, id, number, &valid, now).await?;
    let entry = actor_entry(actor, "curriculum.save").record("curriculum", id).detail(json!({ "version": number }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    find(state.db.conn(), actor.org_id, id).await
}

/// Retires a curriculum (kept for the record, no longer offered) or makes it active again.
/// Groups that follow it keep following their version.
pub async fn set_status(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    status: CurriculumStatus,
) -> AppResult<curriculum::Model> {
    let action = match status {
        CurriculumStatus::Retired => "curriculum.retire",
        CurriculumStatus::Active => "curriculum.reactivate",
    };
    require_write(state, actor, action, Some(id)).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let current = find(&*txn, actor.org_id, id).await?;
    if current.status != status.code() {
        use curriculum::Column as C;
        curriculum::Entity::update_many()
            .col_expr(C::Status, Expr::value(status.code()))
            .col_expr(C::Version, Expr::value(current.version + 1))
            .col_expr(C::UpdatedBy, Expr::value(actor.staff_id))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .filter(C::OrgId.eq(actor.org_id))
            .filter(C::Id.eq(id))
            .exec(&*txn)
            .await?;
        crate::db::audit::append(&txn, actor_entry(actor, action).record("curriculum", id), now).await?;
    }
    txn.commit().await?;
    find(state.db.conn(), actor.org_id, id).await
}

/// An upload as received: the name and type the sender gave and the bytes.
pub struct Upload {
    pub filename: String,
    pub declared_type: String,
    pub data: Vec<u8>,
}

/// Where an uploaded file goes: a material of session `session` (its number) in a new version
/// saved from `base`.
pub struct Attach {
    pub session: i32,
    pub label: Option<String>,
    pub base: i32,
    pub change_note: Option<String>,
}

/// Stores a file for the curriculum and, with `attach`, adds it to a session's materials in a new
/// version (in the same transaction, so a refused version leaves no stray file).
pub async fn upload(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    upload: Upload,
    attach: Option<Attach>,
) -> AppResult<(FileHead, Option<i32>)> {
    require_write(state, actor, "curriculum.upload", Some(id)).await?;
    let conn = state.db.conn();
    let current = find(conn, actor.org_id, id).await?;
    if current.status == CurriculumStatus::Retired.code() {
        return Err(retired_error());
    }
    let (checked, mut errors) = match check_upload(&upload.filename, &upload.declared_type, &upload.data) {
        Ok(checked) => (Some(checked), FieldErrors::new()),
        Err(errors) => (None, errors),
    };
    let mut next: Option<(ValidCurriculum, &Attach)> = None;
    if let Some(attach) = &attach {
        if attach.base != current.current_version {
            return Err(AppError::Conflict);
        }
        let mut content = content_of(&version_of(conn, actor.org_id, id, current.current_version).await?)?;
        let label = errors.optional("label", attach.label.as_deref(), 200);
        let change_note = errors.optional("change_note", attach.change_note.as_deref(), 1000);
        match content.sessions.iter_mut().find(|s| s.number == attach.session) {
            None => errors.add("session", "error-curriculum-session-unknown"),
            Some(session) if session.materials.len() >= MAX_MATERIALS => errors.add_with(
                "session",
                "error-curriculum-too-many-materials",
                vec![("max", MAX_MATERIALS.to_string())],
            ),
            Some(session) => session.materials.push(Material {
                label: label.or_else(|| checked.as_ref().map(|c| c.filename.clone())).unwrap_or_default(),
                url: None,
                // Filled in once the file has its id.
                file_id: None,
            }),
        }
        next = Some((ValidCurriculum { content, change_note }, attach));
    }
    let checked = match checked {
        Some(checked) if errors.is_empty() => checked,
        _ => return Err(AppError::Invalid(errors)),
    };
    let now = state.clock.now();
    let file = curriculum_file::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        curriculum_id: id,
        filename: checked.filename,
        content_type: checked.content_type.to_string(),
        size: upload.data.len() as i64,
        sha256: sha256_hex(&upload.data),
        data: upload.data,
        uploaded_by: actor.staff_id,
        uploaded_at: now,
    };
    let head = FileHead {
        id: file.id,
        filename: file.filename.clone(),
        content_type: file.content_type.clone(),
        size: file.size,
        sha256: file.sha256.clone(),
        uploaded_by: file.uploaded_by,
        uploaded_at: now,
    };
    let txn = state.db.begin_write().await?;
    let current = find(&*txn, actor.org_id, id).await?;
    curriculum_file::Entity::insert(curriculum_file::ActiveModel::from(file)).exec_without_returning(&*txn).await?;
    let mut saved = None;
    match next {
        Some((mut valid, attach)) => {
            if let Some(m) = valid
                .content
                .sessions
                .iter_mut()
                .find(|s| s.number == attach.session)
                .and_then(|s| s.materials.last_mut())
            {
                m.file_id = Some(head.id);
            }
            let number = advance(&txn, actor, &current, attach.base, &valid.content.title, now).await?;
            insert_version(&txn, actor, id, number, &valid, now).await?;
            let entry = actor_entry(actor, "curriculum.save")
                .record("curriculum", id)
                .detail(json!({ "version": number, "file_id": head.id }));
            crate::db::audit::append(&txn, entry, now).await?;
            saved = Some(number);
        }
        None => {
            let entry =
                actor_entry(actor, "curriculum.upload").record("curriculum", id).detail(json!({ "file_id": head.id }));
            crate::db::audit::append(&txn, entry, now).await?;
        }
    }
    txn.commit().await?;
    Ok((head, saved))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(topic: &str) -> SessionInput {
        SessionInput { topic: topic.into(), ..Default::default() }
    }

    fn input(sessions: Vec<SessionInput>) -> CurriculumInput {
        CurriculumInput { title: "Relapse prevention".into(), sessions, ..Default::default() }
    }

    fn ids(errors: &FieldErrors) -> Vec<(String, &'static str)> {
        errors.0.iter().map(|e| (e.field.clone(), e.message_id)).collect()
    }

    #[test]
    fn sessions_are_numbered_in_order_and_blank_rows_ignored() {
        let valid = input(vec![row("Triggers"), SessionInput::default(), row("Coping plans")]).validate(&[]).unwrap();
        let topics: Vec<(i32, &str)> = valid.content.sessions.iter().map(|s| (s.number, s.topic.as_str())).collect();
        assert_eq!(topics, vec![(1, "Triggers"), (2, "Coping plans")]);
    }

    #[test]
    fn a_title_and_a_session_are_needed_and_every_session_needs_a_topic() {
        let errors = CurriculumInput::default().validate(&[]).unwrap_err();
        assert_eq!(ids(&errors), vec![("title".into(), "error-required")]);
        let errors = input(Vec::new()).validate(&[]).unwrap_err();
        assert_eq!(ids(&errors), vec![("sessions".into(), "error-curriculum-no-sessions")]);
        let nameless = SessionInput { objectives: "Name three triggers".into(), ..Default::default() };
        let errors = input(vec![row("Triggers"), nameless]).validate(&[]).unwrap_err();
        assert_eq!(ids(&errors), vec![("session_1_topic".into(), "error-required")]);
    }

    #[test]
    fn positions_move_sessions_up_and_down_and_removed_rows_go() {
        let at = |topic: &str, position: i32| SessionInput { position: Some(position), ..row(topic) };
        let order = |rows: Vec<SessionInput>| -> Vec<String> {
            input(rows).validate(&[]).unwrap().content.sessions.into_iter().map(|s| s.topic).collect()
        };
        // The fourth session moved to 2.
        assert_eq!(order(vec![at("a", 1), at("b", 2), at("c", 3), at("d", 2)]), ["a", "d", "b", "c"]);
        // The first session moved to 3.
        assert_eq!(order(vec![at("a", 3), at("b", 2), at("c", 3), at("d", 4)]), ["b", "c", "a", "d"]);
        // A new row without a position goes last; a removed row goes.
        let removed = SessionInput { remove: true, ..at("b", 2) };
        assert_eq!(order(vec![at("a", 1), removed, row("new"), at("c", 3)]), ["a", "c", "new"]);
    }

    #[test]
    fn links_must_be_web_addresses_and_files_must_belong_to_the_curriculum() {
        let with = |m: MaterialInput| SessionInput { materials: vec![m], ..row("Triggers") };
        let link = |url: &str| MaterialInput { url: Some(url.into()), ..Default::default() };
        for bad in ["javascript:alert(1)", "ftp://example.org/x", "https://", "https://exa mple.org", "example.org"] {
            let errors = input(vec![with(link(bad))]).validate(&[]).unwrap_err();
            assert_eq!(ids(&errors), vec![("session_0_material_0_url".into(), "error-curriculum-link")], "{bad}");
        }
        let valid = input(vec![with(link(" https://example.org/handout?x=1 "))]).validate(&[]).unwrap();
        let m = &valid.content.sessions[0].materials[0];
        assert_eq!(
            (m.label.as_str(), m.url.as_deref()),
            ("https://example.org/handout?x=1", Some("https://example.org/handout?x=1"))
        );
        let labelled = MaterialInput { label: "Workbook".into(), ..Default::default() };
        let errors = input(vec![with(labelled)]).validate(&[]).unwrap_err();
        assert_eq!(ids(&errors), vec![("session_0_material_0_url".into(), "error-curriculum-link-missing")]);
        let file = Uuid::new_v4();
        let attached = MaterialInput { label: "Slides".into(), file_id: Some(file), ..Default::default() };
        assert!(input(vec![with(attached.clone())]).validate(&[file]).is_ok());
        let errors = input(vec![with(attached)]).validate(&[]).unwrap_err();
        assert_eq!(ids(&errors), vec![("session_0_material_0_url".into(), "error-curriculum-file-unknown")]);
    }

    #[test]
    fn changes_follow_sessions_by_id() {
        let before = input(vec![row("Triggers"), row("Coping"), row("Supports")]).validate(&[]).unwrap().content;
        let mut after = before.clone();
        after.title = "Relapse prevention, 2nd ed.".into();
        let moved = after.sessions.remove(2);
        after.sessions.insert(0, moved);
        after.sessions.remove(2);
        after.sessions[1].objectives = "Name three triggers".into();
        for (n, s) in after.sessions.iter_mut().enumerate() {
            s.number = n as i32 + 1;
        }
        let new_id = Uuid::new_v4();
        after.sessions.push(Session {
            id: new_id,
            number: 3,
            topic: "Review".into(),
            objectives: String::new(),
            activities: String::new(),
            materials: Vec::new(),
        });
        assert_eq!(
            changes(&before, &after),
            vec![
                Change::Detail {
                    field: "title",
                    before: "Relapse prevention".into(),
                    after: "Relapse prevention, 2nd ed.".into()
                },
                Change::SessionChanged {
                    number: 1,
                    before_number: 3,
                    topic: "Supports".into(),
                    fields: vec!["position"]
                },
                Change::SessionChanged {
                    number: 2,
                    before_number: 1,
                    topic: "Triggers".into(),
                    fields: vec!["position", "objectives"]
                },
                Change::SessionAdded { number: 3, topic: "Review".into() },
                Change::SessionRemoved { number: 2, topic: "Coping".into() },
            ]
        );
        assert!(changes(&before, &before).is_empty());
    }

    #[test]
    fn sessions_round_trip_through_storage() {
        let content = input(vec![row("Triggers")]).validate(&[]).unwrap().content;
        let stored = store_sessions(&content.sessions);
        assert!(stored.contains("\"number\":1") && stored.contains("\"materials\":[]"), "{stored}");
        assert_eq!(parse_sessions(&stored).unwrap(), content.sessions);
    }

    #[test]
    fn uploads_are_checked_by_extension_declared_type_and_content() {
        let pdf = b"%PDF-1.7 synthetic";
        let ok = check_upload("C:\\fakepath\\Week 1 \"slides\".pdf", "application/pdf", pdf).unwrap();
        assert_eq!(ok, CheckedFile { filename: "Week 1 slides.pdf".into(), content_type: "application/pdf" });
        assert!(check_upload("notes.md", "application/octet-stream", b"# Notes").is_ok());
        assert!(check_upload("photo.JPG", "image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]).is_ok());
        let code = |r: Result<CheckedFile, FieldErrors>| r.unwrap_err().0[0].message_id;
        assert_eq!(code(check_upload("run.exe", "application/octet-stream", b"MZ")), "error-curriculum-file-type");
        assert_eq!(code(check_upload("page.html", "text/html", b"<p>")), "error-curriculum-file-type");
        assert_eq!(code(check_upload("fake.pdf", "text/html", pdf)), "error-curriculum-file-mismatch");
        assert_eq!(code(check_upload("fake.pdf", "application/pdf", b"<html>")), "error-curriculum-file-mismatch");
        assert_eq!(code(check_upload("binary.txt", "text/plain", &[0, 159, 146])), "error-curriculum-file-mismatch");
        assert_eq!(code(check_upload("empty.pdf", "application/pdf", b"")), "error-curriculum-file-missing");
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        assert_eq!(code(check_upload("big.txt", "text/plain", &big)), "error-curriculum-file-too-big");
        assert!(check_upload("exact.txt", "text/plain", &big[..MAX_FILE_BYTES]).is_ok());
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(900), "900 B");
        assert_eq!(human_size(2048), "2 KB");
        assert_eq!(human_size(3 * 1024 * 1024 + 400_000), "3.4 MB");
    }
}
