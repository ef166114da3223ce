//! Running an import: read, check, then in one transaction write the rows (batched upserts),
//! remove children a nested document no longer lists, refresh the search index of the services
//! touched, and record the import with its report (refused imports too).

use super::parse::{self, Staged, Staging};
use super::{
    DETAIL_TABLES, HsdsImportMode, HsdsImportStatus, ImportReport, Nest, Problem, Severity, TableCounts, Upload, check,
    summarise, table_named,
};
use crate::access::Actor;
use crate::audit::{Entry, Outcome};
use crate::db::Db;
use crate::db::entities::directory_import;
use crate::directory::hsds_tables::{Table, tables};
use crate::directory::rows::{self, Row};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use time::OffsetDateTime;
use uuid::Uuid;

/// How to import, and who does it.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    pub mode: HsdsImportMode,
    /// The staff member importing; `None` from the command line.
    pub actor: Option<Actor>,
}

/// Imports larger than this many rows get a larger SQLite page cache while they are written.
const BIG_IMPORT_ROWS: usize = 20_000;

/// Tables whose rows are resources in their own right: a nested document that no longer lists
/// one under a parent does not remove it (other records may name it).
const ENTITY_TABLES: &[&str] = &["organization", "service", "location", "program", "taxonomy", "taxonomy_term"];

/// Reads, checks and (unless refused) writes an upload, and records the import. Only database
/// failures are errors; everything wrong with the upload is in the report.
pub async fn import(
    db: &Db,
    org_id: Uuid,
    upload: Upload,
    options: ImportOptions,
    now: OffsetDateTime,
) -> Result<ImportReport, DbErr> {
    let filename = upload.name();
    let started = std::time::Instant::now();
    // Unzipping and parsing up to 100 MB is CPU work: off the request threads.
    let staging = tokio::task::spawn_blocking(move || parse::stage(&upload))
        .await
        .map_err(|e| DbErr::Custom(format!("the import reader stopped: {e}")))?;
    tracing::debug!(rows = staging.rows.len(), ms = started.elapsed().as_millis() as u64, "HSDS import read");
    let big = db.backend() == DbBackend::Sqlite && staging.rows.len() > BIG_IMPORT_ROWS;
    let result = check_and_write(db, org_id, staging, filename, options, now, big).await;
    if big {
        // Back to the writer connection's usual page cache (it is a pool of one connection).
        let txn = db.begin_write().await?;
        txn.execute_unprepared("PRAGMA cache_size = -16000").await?;
        txn.commit().await?;
    }
    let report = result?;
    tracing::debug!(ms = started.elapsed().as_millis() as u64, status = report.status.code(), "HSDS import done");
    Ok(report)
}

async fn check_and_write(
    db: &Db,
    org_id: Uuid,
    mut staging: Staging,
    filename: Option<String>,
    options: ImportOptions,
    now: OffsetDateTime,
    big: bool,
) -> Result<ImportReport, DbErr> {
    let started = std::time::Instant::now();
    let txn = db.begin_write().await?;
    if big {
        // One large transaction: a page cache big enough that SQLite does not spill it midway.
        txn.execute_unprepared("PRAGMA cache_size = -1048576").await?;
    }
    check::check(&*txn, org_id, &mut staging, options.mode).await?;
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "HSDS import checked");
    let has_errors = staging.problems.iter().any(|(p, _)| p.severity == Severity::Error);
    if staging.rows.is_empty() && !has_errors && !staging.no_data {
        staging.problem(Problem::notice("no-data", filename.as_deref().unwrap_or(""), ""));
    }
    let usable = staging.rows.iter().filter(|r| !r.failed).count();
    let status = if staging.rows.is_empty() && !has_errors {
        HsdsImportStatus::NoData
    } else if usable == 0 || (has_errors && options.mode == HsdsImportMode::AllOrNothing) {
        HsdsImportStatus::Refused
    } else if has_errors {
        HsdsImportStatus::Partial
    } else {
        HsdsImportStatus::Applied
    };
    let errors = staging.problems.iter().filter(|(p, _)| p.severity == Severity::Error).count() as u64;
    let notices = staging.problems.len() as u64 - errors;
    let mut counts: BTreeMap<String, TableCounts> = BTreeMap::new();
    if matches!(status, HsdsImportStatus::Applied | HsdsImportStatus::Partial) {
        write(&txn, org_id, &staging, &mut counts, now).await?;
    }
    if options.mode == HsdsImportMode::ValidRowsOnly {
        for staged in staging.rows.iter().filter(|r| r.failed) {
            counts.entry(staged.table.name.to_string()).or_default().skipped += 1;
        }
    }
    counts.retain(|_, c| !c.is_empty());
    let problems = summarise(staging.problems.into_iter().map(|(p, _)| p).collect());
    let id = Uuid::new_v4();
    let report = ImportReport {
        id,
        format: staging.format.code().to_string(),
        filename,
        status,
        mode: options.mode,
        counts,
        errors,
        notices,
        problems,
        imported_by: options.actor.as_ref().map(|a| a.staff_id).unwrap_or(Uuid::nil()),
        created_at: now,
    };
    record(&txn, org_id, &report, options.actor.as_ref()).await?;
    txn.commit().await?;
    Ok(report)
}

async fn record(
    txn: &crate::db::WriteTxn,
    org_id: Uuid,
    report: &ImportReport,
    actor: Option<&Actor>,
) -> Result<(), DbErr> {
    let counts = json!({
        "mode": report.mode,
        "errors": report.errors,
        "notices": report.notices,
        "tables": report.counts,
    });
    directory_import::ActiveModel {
        id: Set(report.id),
        org_id: Set(org_id),
        format: Set(report.format.clone()),
        filename: Set(report.filename.clone()),
        status: Set(report.status.code().to_string()),
        counts: Set(counts.to_string()),
        problems: Set(serde_json::to_string(&report.problems).unwrap_or_else(|_| "[]".into())),
        imported_by: Set(report.imported_by),
        created_at: Set(report.created_at),
    }
    .insert(&**txn)
    .await?;
    let mut entry = Entry::new(org_id, "directory.import").record("directory_import", report.id);
    match actor {
        Some(actor) => {
            entry.actor_id = Some(actor.staff_id);
            entry.actor_label = Some(actor.email.clone());
            entry.ip = actor.ip.clone();
        }
        None => entry.actor_label = Some("command line".into()),
    }
    if report.status == HsdsImportStatus::Refused {
        entry.outcome = Outcome::Failure;
    }
    entry.detail = json!({
        "status": report.status.code(),
        "format": report.format,
        "mode": report.mode.code(),
        "added": report.total(|c| c.added),
        "updated": report.total(|c| c.updated),
        "removed": report.total(|c| c.removed),
        "skipped": report.total(|c| c.skipped),
        "errors": report.errors,
    });
    crate::db::audit::append(txn, entry, report.created_at).await
}

/// A stored import's report.
pub async fn stored_import(conn: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> Result<Option<ImportReport>, DbErr> {
    let found =
        directory_import::Entity::find_by_id(id).filter(directory_import::Column::OrgId.eq(org_id)).one(conn).await?;
    Ok(found.map(report_of))
}

/// The organisation's imports, newest first: the total and one page.
pub async fn recent_imports(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    limit: u64,
    offset: u64,
) -> Result<(u64, Vec<ImportReport>), DbErr> {
    let query = directory_import::Entity::find()
        .filter(directory_import::Column::OrgId.eq(org_id))
        .order_by_desc(directory_import::Column::CreatedAt)
        .order_by_desc(directory_import::Column::Id);
    let total = query.clone().count(conn).await?;
    let rows = query.limit(limit).offset(offset).all(conn).await?;
    Ok((total, rows.into_iter().map(report_of).collect()))
}

fn report_of(model: directory_import::Model) -> ImportReport {
    let counts: Value = serde_json::from_str(&model.counts).unwrap_or(Value::Null);
    let tables: BTreeMap<String, TableCounts> =
        counts.get("tables").cloned().and_then(|t| serde_json::from_value(t).ok()).unwrap_or_default();
    let mode = counts.get("mode").cloned().and_then(|m| serde_json::from_value(m).ok()).unwrap_or_default();
    ImportReport {
        id: model.id,
        format: model.format,
        filename: model.filename,
        status: HsdsImportStatus::parse(&model.status).unwrap_or(HsdsImportStatus::Refused),
        mode,
        counts: tables,
        errors: counts.get("errors").and_then(Value::as_u64).unwrap_or(0),
        notices: counts.get("notices").and_then(Value::as_u64).unwrap_or(0),
        problems: serde_json::from_str(&model.problems).unwrap_or_default(),
        imported_by: model.imported_by,
        created_at: model.created_at,
    }
}

// ---------- writing ----------

/// What an import changed that the search index reads: services directly, and organisations,
/// locations, services-at-location and taxonomy terms whose services must be found.
#[derive(Default)]
struct Touched {
    services: HashSet<String>,
    organizations: HashSet<String>,
    locations: HashSet<String>,
    service_at_locations: HashSet<String>,
    terms: HashSet<String>,
}

impl Touched {
    fn note(&mut self, table: &Table, row: &Row) {
        let text = |field: &str| row.get(field).and_then(Value::as_str).map(str::to_string);
        let Some(id) = text("id") else { return };
        match table.name {
            "service" => {
                self.services.insert(id);
            }
            "organization" => {
                self.organizations.insert(id);
            }
            "location" => {
                self.locations.insert(id);
            }
            "service_at_location" => {
                self.service_at_locations.insert(id);
            }
            "taxonomy_term" => {
                self.terms.insert(id);
            }
            "attribute" => self.services.extend(text("link_id")),
            _ => {}
        }
        if table.name != "service" {
            self.services.extend(text("service_id"));
        }
        if table.name != "location" && table.name != "service_at_location" {
            self.locations.extend(text("location_id"));
            self.service_at_locations.extend(text("service_at_location_id"));
        }
    }
}

/// Rows of the import to write, per table, in table order (parents first).
fn rows_by_table(staging: &Staging) -> Vec<(&'static Table, Vec<&Staged>)> {
    let mut by_table: HashMap<&'static str, Vec<&Staged>> = HashMap::new();
    for staged in staging.rows.iter().filter(|r| !r.failed && r.id().is_some()) {
        by_table.entry(staged.table.name).or_default().push(staged);
    }
    tables().iter().filter_map(|t| by_table.remove(t.name).map(|rows| (t, rows))).collect()
}

/// Only the table's fields, numbers as the store reads them back (so unchanged rows compare equal).
fn normalised(table: &Table, row: &Row) -> Row {
    let mut out = Row::new();
    for field in table.fields {
        if let Some(value) = row.get(field.name) {
            let value = match value {
                Value::Number(n) => n.as_f64().map(rows::number).unwrap_or(Value::Null),
                other => other.clone(),
            };
            if !Value::is_null(&value) {
                out.insert(field.name.to_string(), value);
            }
        }
    }
    out
}

async fn write(
    txn: &crate::db::WriteTxn,
    org_id: Uuid,
    staging: &Staging,
    counts: &mut BTreeMap<String, TableCounts>,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let conn = &**txn;
    let started = std::time::Instant::now();
    let mut touched = Touched::default();
    let mut written_services = HashSet::new();
    for (table, staged) in rows_by_table(staging) {
        let ids: Vec<String> = staged.iter().filter_map(|s| s.id().map(str::to_string)).collect();
        // A first import into an empty table has nothing to compare with.
        let stored: HashMap<String, Row> = if table_is_empty(conn, org_id, table).await? {
            HashMap::new()
        } else {
            rows::load_where(conn, org_id, table, "id", &ids)
                .await?
                .into_iter()
                .filter_map(|r| Some((r.get("id")?.as_str()?.to_string(), r)))
                .collect()
        };
        let count = counts.entry(table.name.to_string()).or_default();
        let mut changed = Vec::new();
        for s in staged {
            let row = normalised(table, &s.row);
            let id = s.id().unwrap_or_default();
            match stored.get(id) {
                None => count.added += 1,
                Some(old) if *old == row => {
                    count.updated += 1;
                    count.unchanged += 1;
                    continue;
                }
                Some(old) => {
                    count.updated += 1;
                    touched.note(table, old);
                }
            }
            touched.note(table, &row);
            if table.name == "service" {
                written_services.insert(id.to_string());
            }
            changed.push(row);
        }
        rows::upsert(conn, org_id, table, &changed, now).await?;
    }
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "HSDS import rows written");
    prune(conn, org_id, staging, counts, &mut touched, now).await?;
    let services = touched_services(conn, org_id, touched).await?;
    // Services written just now already carry this time.
    let unwritten: Vec<String> = services.iter().filter(|id| !written_services.contains(*id)).cloned().collect();
    mark_modified(conn, org_id, &unwritten, now).await?;
    tracing::debug!(ms = started.elapsed().as_millis() as u64, services = services.len(), "HSDS import pruned");
    crate::directory::search::reindex(conn, org_id, &services).await?;
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "HSDS import reindexed");
    Ok(())
}

/// Whether the organisation has no rows in the table yet.
async fn table_is_empty(conn: &impl ConnectionTrait, org_id: Uuid, table: &Table) -> Result<bool, DbErr> {
    let mut query = Query::select();
    query
        .column(Alias::new("id"))
        .from(Alias::new(table.sql))
        .and_where(Expr::col(Alias::new("org_id")).eq(org_id))
        .limit(1);
    Ok(conn.query_one_raw(conn.get_database_backend().build(&query)).await?.is_none())
}

/// Whether a row losing its link to a parent must go rather than stay linked to its others.
fn must_delete(table: &Table, field: &str, row: &Row) -> bool {
    if table.field(field).is_some_and(|f| f.required) || matches!(table.name, "attribute" | "metadata") {
        return true;
    }
    DETAIL_TABLES.contains(&table.name) && !table.links.iter().any(|(f, _)| *f != field && row.contains_key(*f))
}

/// For each parent in a nested document that lists a kind of child, the children of that kind it
/// no longer lists are unlinked from it (and removed when nothing else holds them).
async fn prune(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    staging: &Staging,
    counts: &mut BTreeMap<String, TableCounts>,
    touched: &mut Touched,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    // (child table, linking field) → parent id → the children it lists.
    let mut groups: BTreeMap<(&'static str, &'static str), HashMap<String, &HashSet<String>>> = BTreeMap::new();
    for prune in staging.prunes.values() {
        let parent_ok = staging
            .index
            .get(&(prune.parent_table, prune.parent_id.clone()))
            .is_some_and(|&position| !staging.rows[position].failed);
        if !parent_ok || ENTITY_TABLES.contains(&prune.child.table) {
            continue;
        }
        let field = match prune.child.nest {
            Nest::Many { link } => link,
            Nest::Attributes => "link_id",
            Nest::Metadata => "resource_id",
            Nest::One { .. } => continue,
        };
        groups.entry((prune.child.table, field)).or_default().insert(prune.parent_id.clone(), &prune.keep);
    }
    let mut doomed: VecDeque<(&'static Table, Vec<String>)> = VecDeque::new();
    for ((child_table, field), parents) in groups {
        let Some(table) = table_named(child_table) else { continue };
        let parent_ids: Vec<String> = parents.keys().cloned().collect();
        let mut unlinked = Vec::new();
        let mut deleted = Vec::new();
        for row in rows::load_where(conn, org_id, table, field, &parent_ids).await? {
            let (Some(id), Some(parent)) =
                (row.get("id").and_then(Value::as_str), row.get(field).and_then(Value::as_str))
            else {
                continue;
            };
            if parents.get(parent).is_none_or(|keep| keep.contains(id)) {
                continue;
            }
            touched.note(table, &row);
            if must_delete(table, field, &row) {
                deleted.push(id.to_string());
            } else {
                let mut row = row.clone();
                row.remove(field);
                unlinked.push(row);
            }
        }
        counts.entry(table.name.to_string()).or_default().updated += unlinked.len() as u64;
        rows::upsert(conn, org_id, table, &unlinked, now).await?;
        doomed.push_back((table, deleted));
    }
    remove(conn, org_id, doomed, counts, touched, now).await
}

/// Deletes rows, and what only they held: rows linking to them lose the link, or go too when
/// that was their only link (or a required one); their attributes and metadata go.
async fn remove(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    mut queue: VecDeque<(&'static Table, Vec<String>)>,
    counts: &mut BTreeMap<String, TableCounts>,
    touched: &mut Touched,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    while let Some((table, ids)) = queue.pop_front() {
        if ids.is_empty() {
            continue;
        }
        for row in rows::load_where(conn, org_id, table, "id", &ids).await? {
            touched.note(table, &row);
        }
        let removed = rows::delete_where(conn, org_id, table, "id", &ids).await?;
        counts.entry(table.name.to_string()).or_default().removed += removed;
        for dependent in tables() {
            let polymorphic = match dependent.name {
                "attribute" => Some("link_id"),
                "metadata" => Some("resource_id"),
                _ => None,
            };
            let fields: Vec<&'static str> = dependent
                .links
                .iter()
                .filter(|(_, target)| *target == table.name)
                .map(|(field, _)| *field)
                .chain(polymorphic)
                .collect();
            for field in fields {
                let mut deleted = Vec::new();
                let mut unlinked = Vec::new();
                for row in rows::load_where(conn, org_id, dependent, field, &ids).await? {
                    let Some(id) = row.get("id").and_then(Value::as_str).map(str::to_string) else { continue };
                    touched.note(dependent, &row);
                    if must_delete(dependent, field, &row) {
                        deleted.push(id);
                    } else {
                        let mut row = row.clone();
                        row.remove(field);
                        unlinked.push(row);
                    }
                }
                counts.entry(dependent.name.to_string()).or_default().updated += unlinked.len() as u64;
                rows::upsert(conn, org_id, dependent, &unlinked, now).await?;
                queue.push_back((dependent, deleted));
            }
        }
    }
    Ok(())
}

/// Distinct values of `select` in rows whose `field` is one of `values`.
pub(crate) async fn column_values(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    table: &Table,
    select: &str,
    field: &str,
    values: &[String],
) -> Result<Vec<String>, DbErr> {
    let mut out = HashSet::new();
    for chunk in values.chunks(400) {
        let mut query = Query::select();
        query
            .distinct()
            .column(Alias::new(select))
            .from(Alias::new(table.sql))
            .and_where(Expr::col(Alias::new("org_id")).eq(org_id))
            .and_where(Expr::col(Alias::new(field)).is_in(chunk.iter().cloned()))
            .and_where(Expr::col(Alias::new(select)).is_not_null());
        let statement = conn.get_database_backend().build(&query);
        for row in conn.query_all_raw(statement).await? {
            out.insert(row.try_get::<String>("", select)?);
        }
    }
    Ok(out.into_iter().collect())
}

async fn touched_services(conn: &impl ConnectionTrait, org_id: Uuid, touched: Touched) -> Result<Vec<String>, DbErr> {
    let table = |name| table_named(name).expect("HSDS table");
    let mut services = touched.services;
    let as_vec = |set: &HashSet<String>| set.iter().cloned().collect::<Vec<_>>();
    let organizations = as_vec(&touched.organizations);
    services.extend(column_values(conn, org_id, table("service"), "id", "organization_id", &organizations).await?);
    let locations = as_vec(&touched.locations);
    let sal = table("service_at_location");
    services.extend(column_values(conn, org_id, sal, "service_id", "location_id", &locations).await?);
    let service_at_locations = as_vec(&touched.service_at_locations);
    services.extend(column_values(conn, org_id, sal, "service_id", "id", &service_at_locations).await?);
    let terms = as_vec(&touched.terms);
    services.extend(column_values(conn, org_id, table("attribute"), "link_id", "taxonomy_term_id", &terms).await?);
    let mut services: Vec<String> = services.into_iter().collect();
    services.sort();
    Ok(services)
}

/// A service counts as modified (HSDS `modified_after`) when anything shown in its document changed.
async fn mark_modified(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    services: &[String],
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let Some(table) = table_named("service") else { return Ok(()) };
    for chunk in services.chunks(400) {
        let mut update = Query::update();
        update
            .table(Alias::new(table.sql))
            .value(Alias::new("row_updated_at"), now)
            .and_where(Expr::col(Alias::new("org_id")).eq(org_id))
            .and_where(Expr::col(Alias::new("id")).is_in(chunk.iter().cloned()));
        conn.execute_raw(conn.get_database_backend().build(&update)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(value: Value) -> Row {
        value.as_object().cloned().expect("object")
    }

    #[test]
    fn a_child_leaving_one_parent_goes_only_when_nothing_else_holds_it() {
        let phone = table_named("phone").expect("phone");
        let shared = row(json!({"id": "p", "service_id": "s", "location_id": "l", "number": "1"}));
        assert!(!must_delete(phone, "service_id", &shared));
        let only = row(json!({"id": "p", "service_id": "s", "number": "1"}));
        assert!(must_delete(phone, "service_id", &only));
        let cost = table_named("cost_option").expect("cost_option");
        assert!(must_delete(cost, "service_id", &row(json!({"id": "c", "service_id": "s"}))));
        let attribute = table_named("attribute").expect("attribute");
        assert!(must_delete(attribute, "link_id", &row(json!({"id": "a", "link_id": "s"}))));
    }

    #[test]
    fn stored_numbers_compare_equal_to_imported_ones() {
        let service = table_named("service").expect("service");
        let imported = row(json!({"id": "s", "minimum_age": 18.0, "name": "x", "colour": "red"}));
        assert_eq!(normalised(service, &imported), row(json!({"id": "s", "minimum_age": 18, "name": "x"})));
    }
}
