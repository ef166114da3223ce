//! Open Referral HSDS 3.0 import and export over the generic HSDS row storage.
//!
//! Import reads every official shape: nested service / organization / service_at_location /
//! location / taxonomy / taxonomy_term documents, arrays of them, the API's page wrapper, the
//! `tabular.json` form (`"<table>.csv": [rows]`), the API root description (`base.json`, which
//! holds no directory data), and the CSV Tabular Data Package (a zip, or a folder's files). Nested
//! objects are flattened into their tables with the parent link filled in. Everything is checked
//! before anything is written; the report names each problem's file, row (CSV line or JSON
//! pointer) and field. An import is all or nothing unless the caller asks for the valid rows only.
//! Re-importing updates rows with the same id; for nested documents, children of a parent that
//! the document no longer lists are removed.
//!
//! Export writes fully nested service documents (JSON) or the 21-table CSV package (zip), and
//! builds the nested and list documents the `/hsds/` API serves.

mod apply;
mod check;
mod export;
mod parse;

pub use apply::{ImportOptions, import, recent_imports, stored_import};
pub use export::{
    ListFilter, Page, export_csv_zip, export_json, location_document, modified_dates, organization_document,
    organization_list, page_ids, service_at_location_document, service_at_location_list,
    service_at_locations_near_postcode, service_document, service_documents, service_list, taxonomy_document,
    taxonomy_list, taxonomy_term_document, taxonomy_term_list, write_csv_package,
};

use super::hsds_tables::{self, Table};
use crate::i18n::Tr;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// The most an import may hold once uncompressed (all files together).
pub const MAX_IMPORT_BYTES: u64 = 100 * 1024 * 1024;
/// Files read from one zip at most (a package has 21 tables and a descriptor).
pub const MAX_ZIP_ENTRIES: usize = 200;
/// Problems kept in a report for one kind of problem in one file and field; the rest are counted.
const SAME_PROBLEM_SHOWN: usize = 20;
/// Problems kept in a report in all.
const PROBLEMS_SHOWN: usize = 1000;

/// How serious a problem is: errors stop the import (or skip the row), notices do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Notice,
}

/// One problem found in an import.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Problem {
    /// The file (for a zip, the file inside it).
    pub file: String,
    /// A CSV line number (1-based, the header is line 1) or a JSON pointer ("" is the whole
    /// document).
    pub row: String,
    /// The HSDS table the row belongs to, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub severity: Severity,
    /// A stable code, e.g. `missing-required`, `not-uuid`, `unknown-link`.
    pub code: String,
    /// The values the message names.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
}

impl Problem {
    pub fn new(severity: Severity, code: &str, file: &str, row: impl Into<String>) -> Problem {
        Problem {
            file: file.to_string(),
            row: row.into(),
            table: None,
            field: None,
            severity,
            code: code.to_string(),
            args: BTreeMap::new(),
        }
    }

    pub fn error(code: &str, file: &str, row: impl Into<String>) -> Problem {
        Problem::new(Severity::Error, code, file, row)
    }

    pub fn notice(code: &str, file: &str, row: impl Into<String>) -> Problem {
        Problem::new(Severity::Notice, code, file, row)
    }

    pub fn table(mut self, table: &str) -> Problem {
        self.table = Some(table.to_string());
        self
    }

    pub fn field(mut self, field: &str) -> Problem {
        self.field = Some(field.to_string());
        self
    }

    pub fn arg(mut self, name: &str, value: impl ToString) -> Problem {
        self.args.insert(name.to_string(), value.to_string());
        self
    }

    /// A value from the data, quoted and shortened (and never read as a number by the message).
    pub fn value(self, value: &str) -> Problem {
        let shown: String = value.chars().take(60).collect();
        let ellipsis = if value.chars().count() > 60 { "…" } else { "" };
        self.arg("value", format!("“{shown}{ellipsis}”"))
    }

    pub fn message_id(&self) -> String {
        format!("hsds-problem-{}", self.code)
    }

    /// The message in the reader's language (it may name the file, table and field too).
    pub fn message(&self, tr: &Tr) -> String {
        let mut args: Vec<(&str, String)> = self.args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        args.push(("file", self.file.clone()));
        args.push(("table", self.table.clone().unwrap_or_default()));
        args.push(("field", self.field.clone().unwrap_or_default()));
        tr.with_args(&self.message_id(), &args)
    }

    /// Where the problem is, as a reader says it: "line 12", "/contents/0/phones/1", "whole file".
    pub fn place(&self, tr: &Tr) -> String {
        if self.row.is_empty() {
            tr.t("hsds-place-whole")
        } else if self.row.starts_with('/') {
            self.row.clone()
        } else {
            tr.t1("hsds-place-line", "line", &self.row)
        }
    }
}

/// How an import treats rows with problems.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum HsdsImportMode {
    /// Any error refuses the whole import.
    #[default]
    #[serde(rename = "all-or-nothing")]
    AllOrNothing,
    /// Rows with errors, and rows depending on them, are skipped; the rest is written.
    #[serde(rename = "valid-rows-only")]
    ValidRowsOnly,
}

/// What became of an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum HsdsImportStatus {
    /// Every row written.
    #[serde(rename = "applied")]
    Applied,
    /// The valid rows written, the rows with problems (and rows depending on them) skipped.
    #[serde(rename = "partial")]
    Partial,
    /// Nothing written: the report says why.
    #[serde(rename = "refused")]
    Refused,
    /// The file holds no directory data (e.g. the API's root description).
    #[serde(rename = "no-data")]
    NoData,
}

impl HsdsImportMode {
    pub const ALL: &'static [HsdsImportMode] = &[HsdsImportMode::AllOrNothing, HsdsImportMode::ValidRowsOnly];

    pub fn code(self) -> &'static str {
        match self {
            HsdsImportMode::AllOrNothing => "all-or-nothing",
            HsdsImportMode::ValidRowsOnly => "valid-rows-only",
        }
    }

    pub fn parse(code: &str) -> Option<HsdsImportMode> {
        HsdsImportMode::ALL.iter().copied().find(|m| m.code() == code.trim())
    }

    pub fn message_id(self) -> String {
        format!("hsds-import-mode-{}", self.code())
    }
}

impl HsdsImportStatus {
    pub const ALL: &'static [HsdsImportStatus] =
        &[HsdsImportStatus::Applied, HsdsImportStatus::Partial, HsdsImportStatus::Refused, HsdsImportStatus::NoData];

    pub fn code(self) -> &'static str {
        match self {
            HsdsImportStatus::Applied => "applied",
            HsdsImportStatus::Partial => "partial",
            HsdsImportStatus::Refused => "refused",
            HsdsImportStatus::NoData => "no-data",
        }
    }

    pub fn parse(code: &str) -> Option<HsdsImportStatus> {
        HsdsImportStatus::ALL.iter().copied().find(|s| s.code() == code.trim())
    }

    pub fn message_id(self) -> String {
        format!("hsds-import-status-{}", self.code())
    }
}

/// Rows of one table an import added, updated (of which unchanged) and removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TableCounts {
    pub added: u64,
    /// Rows that already existed (same id) and now hold the imported values.
    pub updated: u64,
    /// Of the updated rows, those whose values were already the same (left untouched).
    #[serde(default)]
    pub unchanged: u64,
    /// Rows a nested document no longer lists under their parent.
    #[serde(default)]
    pub removed: u64,
    /// Rows left out because of their problems (valid-rows-only imports).
    #[serde(default)]
    pub skipped: u64,
}

impl TableCounts {
    pub fn is_empty(&self) -> bool {
        *self == TableCounts::default()
    }
}

/// One file handed to the importer.
#[derive(Clone, Debug)]
pub struct ImportFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What is imported: one file (JSON, a zip package, or a single CSV table) or a folder's files.
#[derive(Clone, Debug)]
pub enum Upload {
    File(ImportFile),
    Folder(Vec<ImportFile>),
    /// The request was larger than the limit and was not read to its end.
    TooBig {
        name: String,
    },
}

impl Upload {
    pub fn name(&self) -> Option<String> {
        match self {
            Upload::File(f) => Some(f.name.clone()),
            Upload::Folder(_) => None,
            Upload::TooBig { name } => Some(name.clone()),
        }
    }
}

/// An import's report, as stored in `directory_imports`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub id: Uuid,
    /// `json`, `csv` or `unknown`.
    pub format: String,
    pub filename: Option<String>,
    pub status: HsdsImportStatus,
    pub mode: HsdsImportMode,
    /// Per HSDS table, only tables the import touched.
    pub counts: BTreeMap<String, TableCounts>,
    /// Errors found (all of them, including those not listed).
    pub errors: u64,
    pub notices: u64,
    /// The problems, the most useful first (a long run of the same problem is summarised).
    pub problems: Vec<Problem>,
    pub imported_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl ImportReport {
    pub fn total(&self, pick: impl Fn(&TableCounts) -> u64) -> u64 {
        self.counts.values().map(pick).sum()
    }
}

/// Keeps a report readable: at most `SAME_PROBLEM_SHOWN` of one kind per file and field (then a
/// note of how many more), and `PROBLEMS_SHOWN` in all; errors before notices.
pub(crate) fn summarise(problems: Vec<Problem>) -> Vec<Problem> {
    let mut seen: BTreeMap<(String, String, Option<String>, Option<String>), usize> = BTreeMap::new();
    let mut kept = Vec::new();
    let mut sorted = problems;
    sorted.sort_by_key(|p| p.severity != Severity::Error);
    for problem in sorted {
        let key = (problem.file.clone(), problem.code.clone(), problem.table.clone(), problem.field.clone());
        let count = seen.entry(key).or_default();
        *count += 1;
        if *count <= SAME_PROBLEM_SHOWN {
            kept.push(problem);
        }
    }
    for ((file, code, table, field), count) in seen {
        if count > SAME_PROBLEM_SHOWN {
            let mut more =
                Problem::notice("more", &file, "").arg("count", count - SAME_PROBLEM_SHOWN).arg("code", &code);
            more.table = table;
            more.field = field;
            kept.push(more);
        }
    }
    if kept.len() > PROBLEMS_SHOWN {
        let rest = kept.len() - PROBLEMS_SHOWN;
        kept.truncate(PROBLEMS_SHOWN);
        kept.push(Problem::notice("more-all", "", "").arg("count", rest));
    }
    kept
}

// ---------- nesting ----------

/// How a nested key of an HSDS document relates to its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nest {
    /// An array of children, each naming the parent in `link` (e.g. `phones` → `phone.service_id`).
    Many { link: &'static str },
    /// One object the parent names in `parent_field` (e.g. `organization` → `service.organization_id`).
    One { parent_field: &'static str },
    /// Attributes: `link_id` (and `link_entity`) name the parent.
    Attributes,
    /// Metadata: `resource_id` (and `resource_type`) name the parent.
    Metadata,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Child {
    pub key: &'static str,
    pub table: &'static str,
    pub nest: Nest,
}

const fn many(key: &'static str, table: &'static str, link: &'static str) -> Child {
    Child { key, table, nest: Nest::Many { link } }
}

const fn one(key: &'static str, table: &'static str, parent_field: &'static str) -> Child {
    Child { key, table, nest: Nest::One { parent_field } }
}

const ATTRIBUTES: Child = Child { key: "attributes", table: "attribute", nest: Nest::Attributes };
const METADATA: Child = Child { key: "metadata", table: "metadata", nest: Nest::Metadata };

const ORGANIZATION: &[Child] = &[
    many("funding", "funding", "organization_id"),
    many("contacts", "contact", "organization_id"),
    many("phones", "phone", "organization_id"),
    many("locations", "location", "organization_id"),
    many("programs", "program", "organization_id"),
    many("organization_identifiers", "organization_identifier", "organization_id"),
    ATTRIBUTES,
    METADATA,
    many("services", "service", "organization_id"),
];

const SERVICE: &[Child] = &[
    many("phones", "phone", "service_id"),
    many("schedules", "schedule", "service_id"),
    many("service_areas", "service_area", "service_id"),
    many("service_at_locations", "service_at_location", "service_id"),
    many("languages", "language", "service_id"),
    one("organization", "organization", "organization_id"),
    many("funding", "funding", "service_id"),
    many("cost_options", "cost_option", "service_id"),
    one("program", "program", "program_id"),
    many("required_documents", "required_document", "service_id"),
    many("contacts", "contact", "service_id"),
    ATTRIBUTES,
    METADATA,
];

const SERVICE_AT_LOCATION: &[Child] = &[
    many("contacts", "contact", "service_at_location_id"),
    many("phones", "phone", "service_at_location_id"),
    many("schedules", "schedule", "service_at_location_id"),
    one("location", "location", "location_id"),
    ATTRIBUTES,
    METADATA,
    one("service", "service", "service_id"),
];

const LOCATION: &[Child] = &[
    many("languages", "language", "location_id"),
    many("addresses", "address", "location_id"),
    many("contacts", "contact", "location_id"),
    many("accessibility", "accessibility", "location_id"),
    many("phones", "phone", "location_id"),
    many("schedules", "schedule", "location_id"),
    ATTRIBUTES,
    METADATA,
];

const CONTACT: &[Child] = &[many("phones", "phone", "contact_id"), ATTRIBUTES, METADATA];
const PHONE: &[Child] = &[many("languages", "language", "phone_id"), ATTRIBUTES, METADATA];
const ATTRIBUTE: &[Child] = &[one("taxonomy_term", "taxonomy_term", "taxonomy_term_id"), METADATA];
const TAXONOMY_TERM: &[Child] = &[one("taxonomy_detail", "taxonomy", "taxonomy_id"), METADATA];
const ONLY_METADATA: &[Child] = &[METADATA];
const ATTRIBUTES_AND_METADATA: &[Child] = &[ATTRIBUTES, METADATA];

/// The nested keys of each HSDS object, in the order of the HSDS schemas.
pub fn children(table: &str) -> &'static [Child] {
    match table {
        "organization" => ORGANIZATION,
        "service" => SERVICE,
        "service_at_location" => SERVICE_AT_LOCATION,
        "location" => LOCATION,
        "contact" => CONTACT,
        "phone" => PHONE,
        "attribute" => ATTRIBUTE,
        "taxonomy_term" => TAXONOMY_TERM,
        "taxonomy" => ONLY_METADATA,
        "metadata" => &[],
        _ => ATTRIBUTES_AND_METADATA,
    }
}

/// The child found under `key` of an object of `table`.
pub fn child(table: &str, key: &str) -> Option<Child> {
    children(table).iter().find(|c| c.key == key).copied()
}

/// Whether nesting `child` inside an object of `parent` would lead back to the parent's kind
/// (a service inside an organization does not repeat the organization, and so on).
pub fn leads_back(child: &Child, parent_table: Option<&str>) -> bool {
    parent_table.is_some_and(|parent| child.table == parent)
}

/// Tables whose rows only make sense attached to a parent: a row linking to nothing is refused.
pub(crate) const DETAIL_TABLES: &[&str] = &[
    "phone",
    "contact",
    "schedule",
    "language",
    "address",
    "accessibility",
    "funding",
    "service_area",
    "required_document",
];

/// Links HSDS does not list as table links but that name rows all the same; a missing target is
/// only noted.
pub(crate) const SOFT_LINKS: &[(&str, &str, &str)] =
    &[("organization", "parent_organization_id", "organization"), ("taxonomy_term", "parent_id", "taxonomy_term")];

pub(crate) fn table_named(name: &str) -> Option<&'static Table> {
    hsds_tables::table(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nested_key_names_a_table_and_a_field_of_it() {
        for table in hsds_tables::tables() {
            for c in children(table.name) {
                let target = table_named(c.table).unwrap_or_else(|| panic!("{} → {}", table.name, c.table));
                match c.nest {
                    Nest::Many { link } => assert!(target.field(link).is_some(), "{}.{link}", c.table),
                    Nest::One { parent_field } => assert!(table.field(parent_field).is_some(), "{parent_field}"),
                    Nest::Attributes | Nest::Metadata => {}
                }
            }
        }
    }

    #[test]
    fn long_runs_of_one_problem_are_summarised() {
        let many: Vec<Problem> = (0..50)
            .map(|i| Problem::error("missing-required", "services.csv", (i + 2).to_string()).field("name"))
            .chain([Problem::notice("unknown-column", "services.csv", "1").field("colour")])
            .collect();
        let kept = summarise(many);
        assert_eq!(kept.iter().filter(|p| p.code == "missing-required").count(), SAME_PROBLEM_SHOWN);
        let more = kept.iter().find(|p| p.code == "more").expect("summary");
        assert_eq!(more.args["count"], "30");
        assert_eq!(kept[0].severity, Severity::Error);
        assert!(kept.iter().any(|p| p.code == "unknown-column"));
    }

    #[test]
    fn values_are_quoted_and_shortened() {
        let p = Problem::error("not-uuid", "f", "2").value(&"x".repeat(100));
        assert!(p.args["value"].starts_with('“') && p.args["value"].ends_with("…”"));
    }
}
