//! Reading an upload into staged HSDS rows: zip packages, CSV tables, and every JSON shape, with
//! nested objects flattened into their tables. Nothing here touches the database.

use super::{Child, ImportFile, MAX_IMPORT_BYTES, MAX_ZIP_ENTRIES, Nest, Problem, Upload, children, table_named};
use crate::directory::hsds_tables::{Field, FieldKind, Table, table_for_csv, tables};
use crate::directory::rows::{Row, number};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;

/// One row waiting to be checked and written.
#[derive(Clone, Debug)]
pub(crate) struct Staged {
    pub table: &'static Table,
    pub row: Row,
    pub file: String,
    /// CSV line or JSON pointer of its first appearance.
    pub at: String,
    /// Fields filled from the nesting rather than written in the file.
    pub filled: Vec<&'static str>,
    /// Left out: it has an error, or depends on a row that has one.
    pub failed: bool,
}

impl Staged {
    pub fn id(&self) -> Option<&str> {
        self.row.get("id").and_then(Value::as_str)
    }

    pub fn text(&self, field: &str) -> Option<&str> {
        self.row.get(field).and_then(Value::as_str)
    }
}

/// Children a nested document lists under one parent: the parent's other children of that kind
/// are removed when the document is written.
#[derive(Clone, Debug)]
pub(crate) struct Prune {
    pub parent_table: &'static str,
    pub parent_id: String,
    pub child: Child,
    pub keep: HashSet<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Unknown,
    Json,
    Csv,
}

impl Format {
    pub fn code(self) -> &'static str {
        match self {
            Format::Unknown => "unknown",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

/// Everything read from an upload.
#[derive(Debug)]
pub(crate) struct Staging {
    pub rows: Vec<Staged>,
    /// (table, id) → the row holding that id.
    pub index: HashMap<(&'static str, String), usize>,
    /// Problems, with the row they make fail (if any).
    pub problems: Vec<(Problem, Option<usize>)>,
    pub prunes: BTreeMap<(&'static str, String, &'static str), Prune>,
    pub format: Format,
    /// A file said it holds no directory data (the API's root description).
    pub no_data: bool,
    unknown_columns: HashSet<(String, &'static str, String)>,
}

impl Staging {
    fn new() -> Staging {
        Staging {
            rows: Vec::new(),
            index: HashMap::new(),
            problems: Vec::new(),
            prunes: BTreeMap::new(),
            format: Format::Unknown,
            no_data: false,
            unknown_columns: HashSet::new(),
        }
    }

    pub fn problem(&mut self, problem: Problem) {
        self.problems.push((problem, None));
    }

    /// An error that makes a row fail.
    pub fn row_problem(&mut self, problem: Problem, row: usize) {
        self.problems.push((problem, Some(row)));
    }

    fn set_format(&mut self, format: Format) {
        if self.format == Format::Unknown {
            self.format = format;
        }
    }

    fn unknown_column(&mut self, file: &str, table: &'static Table, column: &str, at: &str) {
        if self.unknown_columns.insert((file.to_string(), table.name, column.to_string())) {
            self.problem(Problem::notice("unknown-column", file, at).table(table.name).field(column));
        }
    }

    /// A row of a flat form (CSV, tabular JSON): a second row with the same id is an error.
    fn add_flat(&mut self, table: &'static Table, row: Row, file: &str, at: String, problems: Vec<Problem>) {
        let position = self.rows.len();
        let id = row.get("id").and_then(Value::as_str).map(str::to_string);
        self.rows.push(Staged {
            table,
            row,
            file: file.to_string(),
            at: at.clone(),
            filled: Vec::new(),
            failed: false,
        });
        for p in problems {
            self.row_problem(p, position);
        }
        if let Some(id) = id {
            match self.index.get(&(table.name, id.clone())) {
                Some(&first) => {
                    let first_at = place_words(&self.rows[first].file, &self.rows[first].at);
                    self.row_problem(
                        Problem::error("duplicate-id", file, at)
                            .table(table.name)
                            .field("id")
                            .value(&id)
                            .arg("first", first_at),
                        position,
                    );
                }
                None => {
                    self.index.insert((table.name, id), position);
                }
            }
        }
    }

    /// A row of a nested document: the same object may appear several times (a phone under the
    /// service and under its location); the appearances are merged into one row.
    fn add_nested(
        &mut self,
        table: &'static Table,
        row: Row,
        filled: Vec<&'static str>,
        file: &str,
        at: String,
    ) -> usize {
        let id = row.get("id").and_then(Value::as_str).map(str::to_string);
        let existing = id.as_ref().and_then(|id| self.index.get(&(table.name, id.clone())).copied());
        let Some(first) = existing else {
            let position = self.rows.len();
            self.rows.push(Staged { table, row, file: file.to_string(), at, filled, failed: false });
            if let Some(id) = id {
                self.index.insert((table.name, id), position);
            }
            return position;
        };
        let mut conflicts = Vec::new();
        for (key, value) in row {
            let stored = &mut self.rows[first];
            match stored.row.get(&key) {
                None => {
                    if let Some(field) = filled.iter().find(|f| **f == key) {
                        stored.filled.push(field);
                    }
                    stored.row.insert(key, value);
                }
                Some(old) if same_value(old, &value) => {}
                Some(old) => {
                    let link = filled.iter().any(|f| *f == key) || stored.filled.iter().any(|f| *f == key);
                    conflicts.push((key, old.clone(), value, link));
                }
            }
        }
        let first_at = place_words(&self.rows[first].file, &self.rows[first].at);
        for (key, old, new, link) in conflicts {
            let shown = display(&new);
            if link {
                let p = Problem::notice("link-conflict", file, at.clone())
                    .table(table.name)
                    .field(&key)
                    .value(&shown)
                    .arg("kept", display(&old));
                self.problem(p);
            } else {
                let p = Problem::error("conflicting-values", file, at.clone())
                    .table(table.name)
                    .field(&key)
                    .value(&shown)
                    .arg("first", first_at.clone());
                self.row_problem(p, first);
            }
        }
        first
    }
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn display(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// "services.csv line 4" / "service.json /phones/0", for messages pointing at another row.
fn place_words(file: &str, at: &str) -> String {
    if at.starts_with('/') || at.is_empty() {
        format!("{file} {at}").trim().to_string()
    } else {
        format!("{file}:{at}")
    }
}

/// Reads an upload. Problems found on the way are kept; nothing is refused here.
pub(crate) fn stage(upload: &Upload) -> Staging {
    let mut staging = Staging::new();
    match upload {
        Upload::TooBig { name } => staging.problem(too_big(name)),
        Upload::File(file) => {
            if file.bytes.len() as u64 > MAX_IMPORT_BYTES {
                staging.problem(too_big(&file.name));
            } else if is_zip(&file.bytes) {
                stage_zip(&mut staging, file);
            } else {
                stage_files(&mut staging, std::slice::from_ref(file), true);
            }
        }
        Upload::Folder(files) => {
            let total: u64 = files.iter().map(|f| f.bytes.len() as u64).sum();
            if total > MAX_IMPORT_BYTES {
                staging.problem(too_big(""));
            } else {
                stage_files(&mut staging, files, false);
            }
        }
    }
    staging
}

fn too_big(name: &str) -> Problem {
    Problem::error("too-big", name, "").arg("limit", MAX_IMPORT_BYTES / (1024 * 1024))
}

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Unpacks a zip, never holding more than the import limit however large its entries claim
/// (or hide) to be.
fn stage_zip(staging: &mut Staging, file: &ImportFile) {
    staging.set_format(Format::Csv);
    let mut archive = match zip::ZipArchive::new(std::io::Cursor::new(file.bytes.as_slice())) {
        Ok(archive) => archive,
        Err(e) => {
            staging.problem(Problem::error("not-zip", &file.name, "").arg("detail", e.to_string()));
            return;
        }
    };
    if archive.len() > MAX_ZIP_ENTRIES {
        staging.problem(Problem::error("too-many-files", &file.name, "").arg("count", archive.len()));
        return;
    }
    let mut budget = MAX_IMPORT_BYTES;
    let mut files = Vec::new();
    let mut names = HashSet::new();
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(entry) => entry,
            Err(e) => {
                staging.problem(Problem::error("zip-entry-unreadable", &file.name, "").arg("detail", e.to_string()));
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let full_name = entry.name().to_string();
        let name = full_name.rsplit('/').next().unwrap_or("").to_string();
        if name.is_empty() || name.starts_with('.') || full_name.starts_with("__MACOSX/") {
            continue;
        }
        let mut data = Vec::new();
        match (&mut entry).take(budget + 1).read_to_end(&mut data) {
            Ok(_) if data.len() as u64 > budget => {
                staging.problem(too_big(&file.name));
                return;
            }
            Ok(_) => {}
            Err(e) => {
                staging.problem(Problem::error("zip-entry-unreadable", &full_name, "").arg("detail", e.to_string()));
                continue;
            }
        }
        budget -= data.len() as u64;
        if !names.insert(name.clone()) {
            staging.problem(Problem::error("duplicate-file", &full_name, ""));
            continue;
        }
        files.push(ImportFile { name, bytes: data });
    }
    if files.is_empty() {
        staging.problem(Problem::error("empty", &file.name, ""));
        return;
    }
    stage_files(staging, &files, false);
}

/// Files of a package or folder (or one uploaded file): CSV tables, the package descriptor, and
/// JSON documents.
fn stage_files(staging: &mut Staging, files: &[ImportFile], single: bool) {
    let mut descriptor = None;
    for file in files {
        let lower = file.name.to_ascii_lowercase();
        if lower == "datapackage.json" && !single {
            descriptor = Some(file);
        } else if lower.ends_with(".csv") {
            staging.set_format(Format::Csv);
            stage_csv(staging, file);
        } else if lower.ends_with(".json") || single {
            staging.set_format(Format::Json);
            stage_json(staging, file);
        } else {
            staging.problem(Problem::notice("ignored-file", &file.name, ""));
        }
    }
    if let Some(descriptor) = descriptor {
        check_descriptor(staging, descriptor, files);
    }
}

/// The package descriptor is not needed (file names say which table is which), but what it
/// promises should be there.
fn check_descriptor(staging: &mut Staging, descriptor: &ImportFile, files: &[ImportFile]) {
    let parsed: Option<Value> = std::str::from_utf8(&descriptor.bytes).ok().and_then(|t| serde_json::from_str(t).ok());
    let Some(resources) = parsed.as_ref().and_then(|d| d.get("resources")).and_then(Value::as_array) else {
        staging.problem(Problem::notice("descriptor-unreadable", &descriptor.name, ""));
        return;
    };
    let present: HashSet<&str> = files.iter().map(|f| f.name.as_str()).collect();
    for resource in resources {
        let Some(path) = resource.get("path").and_then(Value::as_str) else { continue };
        let name = path.rsplit('/').next().unwrap_or(path);
        if !present.contains(name) {
            staging.problem(Problem::notice("descriptor-missing-file", &descriptor.name, "").arg("name", name));
        }
    }
}

/// The text of a file, or the byte offset of its first invalid UTF-8 sequence.
fn utf8<'a>(staging: &mut Staging, file: &'a ImportFile) -> Option<&'a str> {
    match std::str::from_utf8(&file.bytes) {
        Ok(text) => Some(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Err(e) => {
            staging.problem(Problem::error("bad-utf8", &file.name, "").arg("offset", e.valid_up_to()));
            None
        }
    }
}

// ---------- values ----------

/// A CSV cell or JSON value as the field's kind stores it; `Ok(None)` when empty.
fn coerce(field: &Field, value: &Value) -> Result<Option<Value>, &'static str> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) if field.kind == FieldKind::Number => match s.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Some(number(n))),
            _ => Err("not-number"),
        },
        Value::String(s) => Ok(Some(Value::String(s.clone()))),
        Value::Number(n) if field.kind == FieldKind::Number => Ok(Some(number(n.as_f64().unwrap_or(0.0)))),
        // tabular.json writes some identifiers as numbers; the field is text.
        Value::Number(n) => Ok(Some(Value::String(n.to_string()))),
        Value::Bool(_) if field.kind == FieldKind::Number => Err("not-number"),
        Value::Bool(b) => Ok(Some(Value::String(b.to_string()))),
        Value::Array(_) | Value::Object(_) => Err("not-scalar"),
    }
}

fn value_problem(code: &str, file: &str, at: &str, table: &Table, field: &Field, value: &Value) -> Problem {
    Problem::error(code, file, at).table(table.name).field(field.name).value(&display(value))
}

// ---------- CSV ----------

fn stage_csv(staging: &mut Staging, file: &ImportFile) {
    let Some(table) = table_for_csv(&file.name) else {
        staging.problem(Problem::notice("unknown-table", &file.name, ""));
        return;
    };
    let Some(text) = utf8(staging, file) else { return };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(e) => {
            staging.problem(Problem::error("not-csv", &file.name, "1").arg("detail", e.to_string()));
            return;
        }
    };
    if headers.is_empty() || headers.iter().all(|h| h.trim().is_empty()) {
        staging.problem(Problem::error("empty", &file.name, ""));
        return;
    }
    let mut columns: Vec<Option<&'static Field>> = Vec::new();
    let mut seen = HashSet::new();
    for header in headers.iter() {
        let name = header.trim();
        let field = table.fields.iter().find(|f| f.name == name);
        if field.is_none() {
            staging.unknown_column(&file.name, table, name, "1");
        }
        if !seen.insert(name.to_string()) {
            staging.problem(Problem::error("duplicate-column", &file.name, "1").table(table.name).field(name));
            return;
        }
        columns.push(field);
    }
    for result in reader.records() {
        let record = match result {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map(|p| p.line().to_string()).unwrap_or_default();
                staging.problem(Problem::error("not-csv", &file.name, line).arg("detail", e.to_string()));
                return;
            }
        };
        let at = record.position().map(|p| p.line()).unwrap_or(0).to_string();
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let mut problems = Vec::new();
        if record.len() != columns.len() {
            problems.push(
                Problem::error("wrong-field-count", &file.name, at.clone())
                    .table(table.name)
                    .arg("found", record.len())
                    .arg("expected", columns.len()),
            );
        }
        let mut row = Row::new();
        for (cell, column) in record.iter().zip(&columns) {
            let Some(field) = column else { continue };
            let value = Value::String(cell.to_string());
            match coerce(field, &value) {
                Ok(Some(v)) => {
                    row.insert(field.name.to_string(), v);
                }
                Ok(None) => {}
                Err(code) => problems.push(value_problem(code, &file.name, &at, table, field, &value)),
            }
        }
        staging.add_flat(table, row, &file.name, at, problems);
    }
}

// ---------- JSON ----------

/// A JSON pointer segment (RFC 6901).
fn segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn stage_json(staging: &mut Staging, file: &ImportFile) {
    let Some(text) = utf8(staging, file) else { return };
    if text.trim().is_empty() {
        staging.problem(Problem::error("empty", &file.name, ""));
        return;
    }
    let document: Value = match serde_json::from_str(text) {
        Ok(document) => document,
        Err(e) => {
            staging.problem(
                Problem::error("not-json", &file.name, "")
                    .arg("line", e.line())
                    .arg("column", e.column())
                    .arg("detail", e.to_string()),
            );
            return;
        }
    };
    let stem = file.name.rsplit('/').next().unwrap_or(&file.name).trim_end_matches(".json").to_ascii_lowercase();
    match &document {
        Value::Array(items) => stage_documents(staging, file, items, "", &stem),
        Value::Object(object) if is_tabular(object) => stage_tabular(staging, file, object),
        Value::Object(object) if is_api_root(object) => {
            staging.no_data = true;
            staging.problem(Problem::notice("no-data", &file.name, ""));
        }
        Value::Object(object) => match object.get("contents") {
            Some(Value::Array(items)) if !object.contains_key("id") => {
                stage_documents(staging, file, items, "/contents", &stem)
            }
            _ => stage_document(staging, file, object, String::new(), &stem),
        },
        _ => staging.problem(Problem::error("not-document", &file.name, "")),
    }
}

/// `{"version": "3.0", "profile": …, "openapi_url": …}`: what an HSDS API says about itself.
fn is_api_root(object: &Map<String, Value>) -> bool {
    !object.contains_key("id") && (object.contains_key("openapi_url") || object.contains_key("profile"))
}

/// `{"services.csv": [rows], …}`.
fn is_tabular(object: &Map<String, Value>) -> bool {
    !object.is_empty() && object.keys().all(|k| k.ends_with(".csv"))
}

fn stage_documents(staging: &mut Staging, file: &ImportFile, items: &[Value], prefix: &str, stem: &str) {
    if items.is_empty() {
        staging.no_data = true;
        staging.problem(Problem::notice("no-data", &file.name, prefix));
    }
    for (i, item) in items.iter().enumerate() {
        let at = format!("{prefix}/{i}");
        match item {
            Value::Object(object) => stage_document(staging, file, object, at, stem),
            _ => staging.problem(Problem::error("not-object", &file.name, at)),
        }
    }
}

fn stage_document(staging: &mut Staging, file: &ImportFile, object: &Map<String, Value>, at: String, stem: &str) {
    match document_table(object, stem) {
        Some(table) => {
            flatten(staging, &file.name, table, object, at, None);
        }
        None => staging.problem(Problem::error("unknown-document", &file.name, at)),
    }
}

/// Which HSDS object a document is, from its keys (and, to break a tie, its file name): the
/// table whose fields and nested keys explain the most keys and leave the fewest unexplained.
pub(crate) fn document_table(object: &Map<String, Value>, stem: &str) -> Option<&'static Table> {
    const PREFERRED: &[&str] =
        &["service", "organization", "service_at_location", "location", "taxonomy_term", "taxonomy"];
    let mut best: Option<(f64, &'static Table)> = None;
    for table in tables() {
        let mut score = 0.0;
        for key in object.keys() {
            if table.field(key).is_some() || children(table.name).iter().any(|c| c.key == key) {
                score += 1.0;
            } else {
                score -= 2.0;
            }
        }
        if stem.starts_with(table.name) {
            score += 0.5 + table.name.len() as f64 / 100.0;
        }
        let rank = PREFERRED.iter().position(|p| *p == table.name).unwrap_or(PREFERRED.len());
        score -= rank as f64 / 1000.0;
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, table));
        }
    }
    best.filter(|(score, _)| *score > 0.0).map(|(_, table)| table)
}

fn stage_tabular(staging: &mut Staging, file: &ImportFile, object: &Map<String, Value>) {
    for (name, rows) in object {
        let at = format!("/{}", segment(name));
        let Some(table) = table_for_csv(name) else {
            staging.problem(Problem::notice("unknown-table", &file.name, at).arg("name", name));
            continue;
        };
        let Value::Array(rows) = rows else {
            staging.problem(Problem::error("not-array", &file.name, at));
            continue;
        };
        for (i, item) in rows.iter().enumerate() {
            let row_at = format!("{at}/{i}");
            let Value::Object(item) = item else {
                staging.problem(Problem::error("not-object", &file.name, row_at));
                continue;
            };
            let mut row = Row::new();
            let mut problems = Vec::new();
            for (key, value) in item {
                match table.field(key) {
                    Some(field) => match coerce(field, value) {
                        Ok(Some(v)) => {
                            row.insert(key.clone(), v);
                        }
                        Ok(None) => {}
                        Err(code) => problems.push(value_problem(code, &file.name, &row_at, table, field, value)),
                    },
                    None => staging.unknown_column(&file.name, table, key, &row_at),
                }
            }
            staging.add_flat(table, row, &file.name, row_at, problems);
        }
    }
}

/// Where a nested object sits: its parent, and how the parent holds it.
struct Parent<'a> {
    table: &'static str,
    id: Option<&'a str>,
    nest: Nest,
    /// Fields the parent passes down beyond the link (a service's program belongs to the
    /// service's organization).
    inherited: Vec<(&'static str, String)>,
}

/// Sets a field the nesting implies, unless the object says otherwise (then notes the conflict).
fn fill(
    row: &mut Row,
    filled: &mut Vec<&'static str>,
    field: &'static str,
    value: &str,
    problems: &mut Vec<Problem>,
    p: Problem,
) {
    match row.get(field).and_then(Value::as_str) {
        None => {
            row.insert(field.to_string(), Value::String(value.to_string()));
            filled.push(field);
        }
        Some(stated) if stated == value => {}
        Some(stated) => problems.push(p.field(field).value(value).arg("kept", stated)),
    }
}

/// Flattens one nested object (and everything inside it) into staged rows; returns its id.
fn flatten(
    staging: &mut Staging,
    file: &str,
    table: &'static Table,
    object: &Map<String, Value>,
    at: String,
    parent: Option<Parent<'_>>,
) -> Option<String> {
    let mut row = Row::new();
    let mut problems: Vec<Problem> = Vec::new();
    let mut notices: Vec<Problem> = Vec::new();
    let mut nested: Vec<(Child, &Value)> = Vec::new();
    for (key, value) in object {
        if let Some(field) = table.field(key) {
            match coerce(field, value) {
                Ok(Some(v)) => {
                    row.insert(key.clone(), v);
                }
                Ok(None) => {}
                Err(code) => problems.push(value_problem(code, file, &at, table, field, value)),
            }
        } else if let Some(child) = children(table.name).iter().find(|c| c.key == key) {
            nested.push((*child, value));
        } else {
            staging.unknown_column(file, table, key, &at);
        }
    }
    let mut filled = Vec::new();
    let conflict = || Problem::notice("link-conflict", file, at.clone()).table(table.name);
    if let Some(parent) = &parent {
        if let Some(parent_id) = parent.id {
            match parent.nest {
                Nest::Many { link } => fill(&mut row, &mut filled, link, parent_id, &mut notices, conflict()),
                Nest::Attributes => {
                    fill(&mut row, &mut filled, "link_id", parent_id, &mut notices, conflict());
                    fill(&mut row, &mut filled, "link_entity", parent.table, &mut notices, conflict());
                }
                Nest::Metadata => {
                    fill(&mut row, &mut filled, "resource_id", parent_id, &mut notices, conflict());
                    fill(&mut row, &mut filled, "resource_type", parent.table, &mut notices, conflict());
                }
                Nest::One { .. } => {}
            }
        }
        for (field, value) in &parent.inherited {
            if !row.contains_key(*field) {
                row.insert(field.to_string(), Value::String(value.clone()));
                filled.push(field);
            }
        }
    }
    // Objects the row names (its organization, program, location…) first: their ids fill its links.
    for (child, value) in &nested {
        let Nest::One { parent_field } = child.nest else { continue };
        let child_at = format!("{at}/{}", segment(child.key));
        let Some(child_table) = table_named(child.table) else { continue };
        match value {
            Value::Null => {}
            Value::Object(object) => {
                let inherited = match (table.name, child.key, row.get("organization_id").and_then(Value::as_str)) {
                    ("service", "program", Some(org)) => vec![("organization_id", org.to_string())],
                    _ => Vec::new(),
                };
                let id = row.get("id").and_then(Value::as_str).map(str::to_string);
                let context = Parent { table: table.name, id: id.as_deref(), nest: child.nest, inherited };
                if let Some(child_id) = flatten(staging, file, child_table, object, child_at, Some(context)) {
                    fill(&mut row, &mut filled, parent_field, &child_id, &mut notices, conflict());
                }
            }
            _ => problems.push(Problem::error("not-object", file, child_at).table(child.table)),
        }
    }
    let id = row.get("id").and_then(Value::as_str).map(str::to_string);
    let position = staging.add_nested(table, row, filled, file, at.clone());
    for p in problems {
        staging.row_problem(p, position);
    }
    for p in notices {
        staging.problem(p);
    }
    for (child, value) in &nested {
        if matches!(child.nest, Nest::One { .. }) {
            continue;
        }
        let child_at = format!("{at}/{}", segment(child.key));
        let Some(child_table) = table_named(child.table) else { continue };
        let items = match value {
            Value::Null => continue,
            Value::Array(items) => items,
            _ => {
                staging.row_problem(Problem::error("not-array", file, child_at).table(child.table), position);
                continue;
            }
        };
        let mut keep = HashSet::new();
        for (i, item) in items.iter().enumerate() {
            let item_at = format!("{child_at}/{i}");
            let Value::Object(object) = item else {
                staging.problem(Problem::error("not-object", file, item_at).table(child.table));
                continue;
            };
            let context = Parent { table: table.name, id: id.as_deref(), nest: child.nest, inherited: Vec::new() };
            if let Some(child_id) = flatten(staging, file, child_table, object, item_at, Some(context)) {
                keep.insert(child_id);
            }
        }
        if let Some(id) = &id {
            let prune = staging.prunes.entry((table.name, id.clone(), child.key)).or_insert_with(|| Prune {
                parent_table: table.name,
                parent_id: id.clone(),
                child: *child,
                keep: HashSet::new(),
            });
            prune.keep.extend(keep);
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json_file(name: &str, value: Value) -> Upload {
        Upload::File(ImportFile { name: name.into(), bytes: value.to_string().into_bytes() })
    }

    fn rows_of<'a>(staging: &'a Staging, table: &str) -> Vec<&'a Staged> {
        staging.rows.iter().filter(|r| r.table.name == table).collect()
    }

    const SERVICE: &str = "9a3c3b1e-8f7b-4c55-9d7e-0d7e0f1a2b01";
    const ORG: &str = "9a3c3b1e-8f7b-4c55-9d7e-0d7e0f1a2b02";
    const PHONE: &str = "9a3c3b1e-8f7b-4c55-9d7e-0d7e0f1a2b03";
    const LOCATION: &str = "9a3c3b1e-8f7b-4c55-9d7e-0d7e0f1a2b04";
    const SAL: &str = "9a3c3b1e-8f7b-4c55-9d7e-0d7e0f1a2b05";

    #[test]
    fn nested_children_get_their_parent_links() {
        let doc = json!({
            "id": SERVICE, "name": "Pantry", "status": "active",
            "organization": {"id": ORG, "name": "Org", "description": "d"},
            "program": {"id": "9a3c3b1e-8f7b-4c55-9d7e-0d7e0f1a2b06", "name": "P", "description": "d"},
            "phones": [{"id": PHONE, "number": "555-0100"}],
            "service_at_locations": [{"id": SAL, "location": {"id": LOCATION, "location_type": "physical",
                "phones": [{"id": PHONE, "number": "555-0100"}]}}],
            "attributes": [{"id": "9a3c3b1e-8f7b-4c55-9d7e-0d7e0f1a2b07",
                "taxonomy_term": {"id": "9a3c3b1e-8f7b-4c55-9d7e-0d7e0f1a2b08", "name": "Food", "description": "d",
                    "taxonomy_detail": {"id": "9a3c3b1e-8f7b-4c55-9d7e-0d7e0f1a2b09", "name": "T", "description": "d"}}}],
            "metadata": [{"id": "9a3c3b1e-8f7b-4c55-9d7e-0d7e0f1a2b0a", "last_action_date": "2024-01-01",
                "last_action_type": "update", "field_name": "name", "previous_value": "a", "replacement_value": "b",
                "updated_by": "x"}]
        });
        let staging = stage(&json_file("x.json", doc));
        assert!(staging.problems.is_empty(), "{:?}", staging.problems);
        let service = rows_of(&staging, "service")[0];
        assert_eq!(service.text("organization_id"), Some(ORG));
        assert_eq!(service.text("program_id"), Some("9a3c3b1e-8f7b-4c55-9d7e-0d7e0f1a2b06"));
        let program = rows_of(&staging, "program")[0];
        assert_eq!(program.text("organization_id"), Some(ORG), "a service's program belongs to its organization");
        let phones = rows_of(&staging, "phone");
        assert_eq!(phones.len(), 1, "one phone listed twice is one row");
        assert_eq!(phones[0].text("service_id"), Some(SERVICE));
        assert_eq!(phones[0].text("location_id"), Some(LOCATION));
        let sal = rows_of(&staging, "service_at_location")[0];
        assert_eq!((sal.text("service_id"), sal.text("location_id")), (Some(SERVICE), Some(LOCATION)));
        let attribute = rows_of(&staging, "attribute")[0];
        assert_eq!(attribute.text("link_id"), Some(SERVICE));
        assert_eq!(attribute.text("link_entity"), Some("service"));
        assert_eq!(attribute.text("taxonomy_term_id"), Some("9a3c3b1e-8f7b-4c55-9d7e-0d7e0f1a2b08"));
        let term = rows_of(&staging, "taxonomy_term")[0];
        assert_eq!(term.text("taxonomy_id"), Some("9a3c3b1e-8f7b-4c55-9d7e-0d7e0f1a2b09"));
        let metadata = rows_of(&staging, "metadata")[0];
        assert_eq!((metadata.text("resource_id"), metadata.text("resource_type")), (Some(SERVICE), Some("service")));
        assert!(staging.prunes.contains_key(&("service", SERVICE.to_string(), "phones")));
        assert!(!staging.prunes.contains_key(&("service", SERVICE.to_string(), "contacts")), "only listed kinds");
    }

    #[test]
    fn documents_are_recognised_by_their_keys() {
        let table = |v: Value, stem: &str| document_table(v.as_object().expect("object"), stem).map(|t| t.name);
        assert_eq!(table(json!({"id": "x", "name": "n", "status": "active"}), "export"), Some("service"));
        assert_eq!(table(json!({"id": "x", "location_type": "physical"}), ""), Some("location"));
        assert_eq!(
            table(json!({"id": "x", "name": "n", "description": "d", "uri": "u", "version": "1"}), ""),
            Some("taxonomy")
        );
        assert_eq!(table(json!({"id": "x", "taxonomy_detail": {}, "name": "n"}), ""), Some("taxonomy_term"));
        assert_eq!(
            table(json!({"id": "x", "description": "d", "location": {}, "service": {}}), ""),
            Some("service_at_location")
        );
        assert_eq!(table(json!({"id": "x", "name": "n", "year_incorporated": 1999}), ""), Some("organization"));
        assert_eq!(table(json!({"colour": "red"}), ""), None);
    }

    #[test]
    fn csv_rows_report_lines_bad_values_and_duplicates() {
        let csv = format!(
            "id,organization_id,name,status,minimum_age,colour\n{SERVICE},{ORG},A,active,twelve,red\n\"{SERVICE}\",{ORG},\"B\nsecond line\",active,,\n"
        );
        let staging = stage(&Upload::Folder(vec![ImportFile { name: "services.csv".into(), bytes: csv.into_bytes() }]));
        let codes: Vec<(&str, &str, Option<&str>)> =
            staging.problems.iter().map(|(p, _)| (p.code.as_str(), p.row.as_str(), p.field.as_deref())).collect();
        assert!(codes.contains(&("unknown-column", "1", Some("colour"))), "{codes:?}");
        assert!(codes.contains(&("not-number", "2", Some("minimum_age"))), "{codes:?}");
        assert!(codes.contains(&("duplicate-id", "3", Some("id"))), "{codes:?}");
        assert_eq!(staging.rows.len(), 2);
    }

    #[test]
    fn bad_utf8_is_reported_with_its_offset() {
        let mut bytes = b"id,name\n".to_vec();
        bytes.extend_from_slice(&[b'a', 0xff, b'b']);
        let staging = stage(&Upload::Folder(vec![ImportFile { name: "services.csv".into(), bytes }]));
        let (problem, _) = &staging.problems[0];
        assert_eq!((problem.code.as_str(), problem.args["offset"].as_str()), ("bad-utf8", "9"));
    }

    #[test]
    fn a_zip_bomb_stops_at_the_limit() {
        use std::io::Write;
        let mut buffer = std::io::Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut buffer);
            let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            writer.start_file("services.csv", options).expect("start");
            let zeros = vec![b'0'; 1024 * 1024];
            for _ in 0..=(MAX_IMPORT_BYTES / (1024 * 1024)) {
                writer.write_all(&zeros).expect("write");
            }
            writer.finish().expect("finish");
        }
        let bytes = buffer.into_inner();
        assert!(bytes.len() < 1024 * 1024, "compressed small: {}", bytes.len());
        let staging = stage(&Upload::File(ImportFile { name: "bomb.zip".into(), bytes }));
        assert_eq!(staging.problems[0].0.code, "too-big");
        assert!(staging.rows.is_empty());
    }

    #[test]
    fn the_api_root_holds_no_data() {
        let staging = stage(&json_file("base.json", json!({"version": "3.0", "profile": "p", "openapi_url": "u"})));
        assert!(staging.no_data && staging.rows.is_empty());
        assert_eq!(staging.problems[0].0.code, "no-data");
    }
}
