//! Checking staged rows before anything is written: ids, required fields, value formats, and links
//! to rows that exist in the import or the directory. In valid-rows-only mode, rows with errors
//! and the rows depending on them are marked to be left out.

use super::parse::Staging;
use super::{DETAIL_TABLES, HsdsImportMode, Problem, SOFT_LINKS, table_named};
use crate::directory::hsds_tables::{FieldKind, Table};
use crate::directory::rows;
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub(crate) fn is_uuid(s: &str) -> bool {
    s.len() == 36 && Uuid::try_parse(s).is_ok()
}

pub(crate) fn is_date(s: &str) -> bool {
    s.len() == 10 && time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).is_ok()
}

/// `HH:MM` or `HH:MM:SS` (with optional fraction), optionally with `Z` or an offset.
pub(crate) fn is_time(s: &str) -> bool {
    let clock = s.strip_suffix('Z').unwrap_or(s);
    let clock = match clock.len().checked_sub(6).and_then(|at| clock.get(at..).map(|tail| (at, tail))) {
        Some((at, tail)) if (tail.starts_with('+') || tail.starts_with('-')) && two_digit_pair(&tail[1..], 23) => {
            &clock[..at]
        }
        _ => clock,
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let number = |p: &str, max: u32| {
        p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u32>().is_ok_and(|n| n <= max)
    };
    match parts.as_slice() {
        [h, m] => number(h, 23) && number(m, 59),
        [h, m, sec] => {
            let (whole, fraction) = sec.split_once('.').unwrap_or((sec, "0"));
            number(h, 23)
                && number(m, 59)
                && number(whole, 60)
                && !fraction.is_empty()
                && fraction.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

fn two_digit_pair(s: &str, max_hour: u32) -> bool {
    let Some((h, m)) = s.split_once(':') else { return false };
    h.len() == 2
        && m.len() == 2
        && h.parse::<u32>().is_ok_and(|h| h <= max_hour)
        && m.parse::<u32>().is_ok_and(|m| m < 60)
}

/// RFC 3339, or a date and time without an offset.
pub(crate) fn is_datetime(s: &str) -> bool {
    use time::format_description::well_known::Rfc3339;
    if time::OffsetDateTime::parse(s, &Rfc3339).is_ok() {
        return true;
    }
    let Some((date, clock)) = s.split_once(['T', ' ']) else { return false };
    is_date(date) && is_time(clock)
}

pub(crate) fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

/// An absolute URI: a scheme, a colon, and something after it.
pub(crate) fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else { return false };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(char::is_whitespace)
}

/// The format problem of a value of this kind, if any.
fn format_problem(kind: FieldKind, value: &str) -> Option<&'static str> {
    let ok = match kind {
        FieldKind::Text | FieldKind::Number => true,
        FieldKind::Id => is_uuid(value),
        FieldKind::Date => is_date(value),
        FieldKind::Time => is_time(value),
        FieldKind::DateTime => is_datetime(value),
        FieldKind::Email => is_email(value),
        FieldKind::Uri => is_uri(value),
    };
    (!ok).then_some(match kind {
        FieldKind::Id => "not-uuid",
        FieldKind::Date => "not-date",
        FieldKind::Time => "not-time",
        FieldKind::DateTime => "not-datetime",
        FieldKind::Email => "not-email",
        _ => "not-uri",
    })
}

/// A field of a row that names another row: (field, target table, required target).
struct LinkRef {
    field: &'static str,
    target: &'static Table,
    /// A missing target is an error (otherwise a notice: the link is kept as given).
    strict: bool,
}

fn link_refs(staged_table: &'static Table, row: &rows::Row) -> Vec<LinkRef> {
    let mut out = Vec::new();
    for (field, target) in staged_table.links {
        if let Some(target) = table_named(target) {
            let strict = staged_table.field(field).is_some_and(|f| f.required);
            out.push(LinkRef { field, target, strict });
        }
    }
    for (table, field, target) in SOFT_LINKS {
        if *table == staged_table.name
            && let Some(target) = table_named(target)
        {
            out.push(LinkRef { field, target, strict: false });
        }
    }
    // Attributes and metadata name their table; only a known table can be checked.
    let polymorphic = match staged_table.name {
        "attribute" => Some(("link_id", "link_entity", true)),
        "metadata" => Some(("resource_id", "resource_type", false)),
        _ => None,
    };
    if let Some((field, entity, strict)) = polymorphic
        && let Some(target) = row.get(entity).and_then(Value::as_str).and_then(table_named)
    {
        out.push(LinkRef { field, target, strict });
    }
    out
}

/// Checks every staged row, adding problems; then marks rows to leave out in valid-rows-only
/// mode (rows with errors and, transitively, rows linking to them).
pub(crate) async fn check(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    staging: &mut Staging,
    mode: HsdsImportMode,
) -> Result<(), DbErr> {
    let mut found: Vec<(Problem, Option<usize>)> = Vec::new();
    for (position, staged) in staging.rows.iter().enumerate() {
        let (table, file, at) = (staged.table, staged.file.as_str(), staged.at.as_str());
        for field in table.fields {
            let problem = |code: &str| Problem::error(code, file, at).table(table.name).field(field.name);
            match staged.row.get(field.name) {
                None if field.required => found.push((problem("missing-required"), Some(position))),
                None => {}
                Some(Value::String(s)) => {
                    if let Some(code) = format_problem(field.kind, s) {
                        found.push((problem(code).value(s), Some(position)));
                    }
                }
                Some(Value::Number(n)) => {
                    let range = match field.name {
                        "latitude" => Some(90.0),
                        "longitude" => Some(180.0),
                        _ => None,
                    };
                    if let (Some(limit), Some(v)) = (range, n.as_f64())
                        && v.abs() > limit
                    {
                        let p = Problem::notice("out-of-range", file, at).table(table.name).field(field.name);
                        found.push((p.value(&n.to_string()).arg("limit", limit), None));
                    }
                }
                Some(_) => {}
            }
        }
    }

    // Links to rows neither in the import nor in the directory.
    let mut wanted: HashMap<&'static str, HashSet<String>> = HashMap::new();
    for staged in &staging.rows {
        for link in link_refs(staged.table, &staged.row) {
            if let Some(value) = staged.text(link.field)
                && !staging.index.contains_key(&(link.target.name, value.to_string()))
            {
                wanted.entry(link.target.name).or_default().insert(value.to_string());
            }
        }
    }
    let mut in_directory: HashMap<&'static str, HashSet<String>> = HashMap::new();
    for (target, values) in wanted {
        let Some(table) = table_named(target) else { continue };
        let values: Vec<String> = values.into_iter().collect();
        in_directory.insert(target, rows::existing_ids(conn, org_id, table, &values).await?);
    }
    let exists = |staging: &Staging, target: &'static str, value: &str| {
        staging.index.contains_key(&(target, value.to_string()))
            || in_directory.get(target).is_some_and(|ids| ids.contains(value))
    };
    for (position, staged) in staging.rows.iter().enumerate() {
        let (table, file, at) = (staged.table, staged.file.as_str(), staged.at.as_str());
        let mut attached = false;
        for link in link_refs(table, &staged.row) {
            let Some(value) = staged.text(link.field) else { continue };
            if exists(staging, link.target.name, value) {
                attached = attached || table.links.iter().any(|(f, _)| *f == link.field);
                continue;
            }
            let code = if link.strict { "unknown-link" } else { "dangling-link" };
            let p = Problem::new(
                if link.strict { super::Severity::Error } else { super::Severity::Notice },
                code,
                file,
                at,
            )
            .table(table.name)
            .field(link.field)
            .value(value)
            .arg("target", link.target.name);
            found.push((p, link.strict.then_some(position)));
        }
        if DETAIL_TABLES.contains(&table.name) && !attached {
            found.push((Problem::error("orphan", file, at).table(table.name), Some(position)));
        }
    }
    staging.problems.extend(found);

    for (problem, row) in &staging.problems {
        if let Some(row) = row
            && problem.severity == super::Severity::Error
        {
            staging.rows[*row].failed = true;
        }
    }
    if mode == HsdsImportMode::ValidRowsOnly {
        skip_dependents(staging);
    }
    Ok(())
}

/// Rows linking to a row that is left out are left out too, until nothing changes.
fn skip_dependents(staging: &mut Staging) {
    loop {
        let failed: HashSet<(&'static str, String)> = staging
            .index
            .iter()
            .filter(|(_, position)| staging.rows[**position].failed)
            .map(|(key, _)| key.clone())
            .collect();
        let mut newly = Vec::new();
        for (position, staged) in staging.rows.iter().enumerate() {
            if staged.failed {
                continue;
            }
            let hit = link_refs(staged.table, &staged.row).into_iter().find_map(|link| {
                let value = staged.text(link.field)?;
                failed.contains(&(link.target.name, value.to_string())).then(|| (link.target.name, value.to_string()))
            });
            if let Some((target, value)) = hit {
                let p = Problem::error("skipped-dependent", &staged.file, staged.at.clone())
                    .table(staged.table.name)
                    .value(&value)
                    .arg("target", target);
                newly.push((position, p));
            }
        }
        if newly.is_empty() {
            return;
        }
        for (position, problem) in newly {
            staging.rows[position].failed = true;
            staging.problems.push((problem, Some(position)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_checked_as_hsds_writes_them() {
        assert!(is_uuid("ac148810-d857-441c-9679-408f346de14b"));
        assert!(!is_uuid("ac148810d857441c9679408f346de14b") && !is_uuid("12"));
        assert!(is_date("2024-02-29") && !is_date("2023-02-29") && !is_date("2024-2-1") && !is_date("01/02/2024"));
        assert!(is_time("09:00") && is_time("18:00:00") && is_time("18:00:00.5") && is_time("09:30+01:00"));
        assert!(is_time("09:30Z") && !is_time("25:00") && !is_time("9am") && !is_time("09:60"));
        assert!(is_datetime("2023-03-15T10:30:45.123Z") && is_datetime("2023-03-15T10:30:45"));
        assert!(!is_datetime("2023-03-15") && !is_datetime("yesterday"));
        assert!(is_email("email@example.com") && !is_email("no-at.example.com") && !is_email("a@b@c"));
        assert!(!is_email("a b@example.com"));
        assert!(is_uri("http://example.com") && is_uri("mailto:a@b.c") && !is_uri("example.com"));
        assert!(!is_uri("http://exa mple.com") && !is_uri("1http://x"));
    }
}
