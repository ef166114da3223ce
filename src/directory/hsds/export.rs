//! HSDS documents from the stored rows: fully nested service, organization, service_at_location,
//! location, taxonomy and taxonomy_term documents, their "list" forms (one-to-one fields only),
//! pages of ids for the `/hsds/` API, and the whole directory as JSON or as a CSV package.

use super::{Nest, children, leads_back};
use crate::directory::hsds_tables::{FieldKind, Table, tables};
use crate::directory::rows::{self, Row};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, LikeExpr, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use time::OffsetDateTime;
use uuid::Uuid;

fn col(name: &str) -> Alias {
    Alias::new(name)
}

fn hsds(name: &str) -> &'static Table {
    super::table_named(name).expect("an HSDS table")
}

/// How much of an object a document shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// Everything nested in it.
    Full,
    /// One-to-one fields only: a service's organization and program, a service_at_location's
    /// location and service (the API's list form).
    List,
    /// Its own fields only.
    Bare,
}

/// The shape a nested key is shown in (or `None` when it is left out).
fn nested_shape(table: &str, key: &str, shape: Shape, services_full: bool) -> Option<Shape> {
    match shape {
        Shape::Bare => None,
        Shape::List => match (table, key) {
            ("service", "organization" | "program") => Some(Shape::Bare),
            ("service_at_location", "location") => Some(Shape::Bare),
            ("service_at_location", "service") => Some(Shape::List),
            ("taxonomy_term", "taxonomy_detail") => Some(Shape::Bare),
            _ => None,
        },
        Shape::Full if table == "organization" && key == "services" && !services_full => Some(Shape::Bare),
        Shape::Full => Some(Shape::Full),
    }
}

/// The fields children name their parents by (the only ones documents look rows up by).
const NESTING_FIELDS: &[&str] = &[
    "organization_id",
    "service_id",
    "location_id",
    "contact_id",
    "phone_id",
    "service_at_location_id",
    "link_id",
    "resource_id",
];

/// Rows loaded for building documents, indexed by the fields that name other rows.
#[derive(Default)]
struct Graph {
    rows: HashMap<&'static str, HashMap<String, Row>>,
    /// (table, field) → value → ids of the rows holding it, in id order.
    by_field: HashMap<(&'static str, &'static str), HashMap<String, Vec<String>>>,
    /// (table, field, value) already asked of the database.
    asked: HashSet<(&'static str, &'static str, String)>,
}

impl Graph {
    fn add(&mut self, table: &'static Table, row: Row) {
        let Some(id) = row.get("id").and_then(Value::as_str).map(str::to_string) else { return };
        let rows = self.rows.entry(table.name).or_default();
        if rows.contains_key(&id) {
            return;
        }
        for field in table.fields.iter().filter(|f| NESTING_FIELDS.contains(&f.name)) {
            if let Some(value) = row.get(field.name).and_then(Value::as_str) {
                let ids =
                    self.by_field.entry((table.name, field.name)).or_default().entry(value.to_string()).or_default();
                ids.push(id.clone());
            }
        }
        rows.insert(id, row);
    }

    /// Children in id order, whatever order they were loaded in.
    fn seal(&mut self) {
        for by_value in self.by_field.values_mut() {
            for ids in by_value.values_mut() {
                ids.sort_unstable();
            }
        }
    }

    /// Every row of the organisation's directory (one query per table): for whole exports.
    async fn load_all(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Graph, DbErr> {
        let mut graph = Graph::default();
        for table in tables() {
            for row in rows::load_all(conn, org_id, table).await? {
                graph.add(table, row);
            }
        }
        graph.seal();
        Ok(graph)
    }

    /// Loads the rows of `table` whose `field` is one of `values` (once per value); returns the
    /// ids of all such rows.
    async fn load(
        &mut self,
        conn: &impl ConnectionTrait,
        org_id: Uuid,
        table: &'static Table,
        field: &'static str,
        values: &[String],
    ) -> Result<Vec<String>, DbErr> {
        let missing: Vec<String> =
            values.iter().filter(|v| self.asked.insert((table.name, field, (*v).clone()))).cloned().collect();
        if !missing.is_empty() {
            for row in rows::load_where(conn, org_id, table, field, &missing).await? {
                self.add(table, row);
            }
        }
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for value in values {
            let found: Vec<String> = if field == "id" {
                self.rows
                    .get(table.name)
                    .filter(|r| r.contains_key(value))
                    .map(|_| vec![value.clone()])
                    .unwrap_or_default()
            } else {
                self.by_field.get(&(table.name, field)).and_then(|m| m.get(value)).cloned().unwrap_or_default()
            };
            out.extend(found.into_iter().filter(|id| seen.insert(id.clone())));
        }
        Ok(out)
    }

    fn children_of(&self, table: &str, field: &'static str, id: &str) -> Vec<String> {
        self.by_field.get(&(hsds(table).name, field)).and_then(|m| m.get(id)).cloned().unwrap_or_default()
    }

    /// Loads everything the documents of `ids` show, a level at a time (one query per kind of
    /// child and level, whatever the number of documents).
    async fn load_documents(
        &mut self,
        conn: &impl ConnectionTrait,
        org_id: Uuid,
        table: &'static Table,
        ids: &[String],
        shape: Shape,
        services_full: bool,
    ) -> Result<(), DbErr> {
        let mut queue: VecDeque<(&'static Table, Vec<String>, Option<&'static str>, Shape)> = VecDeque::new();
        queue.push_back((table, ids.to_vec(), None, shape));
        while let Some((table, ids, parent, shape)) = queue.pop_front() {
            let ids = self.load(conn, org_id, table, "id", &ids).await?;
            if ids.is_empty() {
                continue;
            }
            for child in children(table.name) {
                if leads_back(child, parent) {
                    continue;
                }
                let Some(child_shape) = nested_shape(table.name, child.key, shape, services_full) else {
                    continue;
                };
                let child_table = hsds(child.table);
                let child_ids = match child.nest {
                    Nest::Many { link } => self.load(conn, org_id, child_table, link, &ids).await?,
                    Nest::Attributes => self.load(conn, org_id, child_table, "link_id", &ids).await?,
                    Nest::Metadata => self.load(conn, org_id, child_table, "resource_id", &ids).await?,
                    Nest::One { parent_field } => {
                        let rows = &self.rows[table.name];
                        let mut values: Vec<String> = ids
                            .iter()
                            .filter_map(|id| rows.get(id)?.get(parent_field)?.as_str().map(str::to_string))
                            .collect();
                        values.sort();
                        values.dedup();
                        values
                    }
                };
                if !child_ids.is_empty() {
                    queue.push_back((child_table, child_ids, Some(table.name), child_shape));
                }
            }
        }
        self.seal();
        Ok(())
    }

    /// The document of one loaded row.
    fn build(
        &self,
        table: &'static Table,
        id: &str,
        parent: Option<&'static str>,
        shape: Shape,
        services_full: bool,
    ) -> Option<Value> {
        let row = self.rows.get(table.name)?.get(id)?;
        let mut object: Map<String, Value> = row.clone();
        for child in children(table.name) {
            if leads_back(child, parent) {
                continue;
            }
            let Some(child_shape) = nested_shape(table.name, child.key, shape, services_full) else {
                continue;
            };
            let child_table = hsds(child.table);
            let many = |field: &'static str| -> Vec<Value> {
                self.children_of(child.table, field, id)
                    .iter()
                    .filter_map(|child_id| {
                        self.build(child_table, child_id, Some(table.name), child_shape, services_full)
                    })
                    .collect()
            };
            let value = match child.nest {
                Nest::Many { link } => Value::Array(many(link)),
                Nest::Attributes => Value::Array(many("link_id")),
                Nest::Metadata => Value::Array(many("resource_id")),
                Nest::One { parent_field } => match row.get(parent_field).and_then(Value::as_str) {
                    Some(target) => self
                        .build(child_table, target, Some(table.name), child_shape, services_full)
                        .unwrap_or(Value::Null),
                    None => Value::Null,
                },
            };
            let empty = match &value {
                Value::Array(items) => items.is_empty(),
                other => other.is_null(),
            };
            if !empty {
                object.insert(child.key.to_string(), value);
            }
        }
        Some(Value::Object(object))
    }
}

async fn documents(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    table: &'static Table,
    ids: &[String],
    shape: Shape,
    services_full: bool,
) -> Result<Vec<Value>, DbErr> {
    let mut graph = Graph::default();
    graph.load_documents(conn, org_id, table, ids, shape, services_full).await?;
    Ok(ids.iter().filter_map(|id| graph.build(table, id, None, shape, services_full)).collect())
}

async fn document(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    table: &'static Table,
    id: &str,
    shape: Shape,
    services_full: bool,
) -> Result<Option<Value>, DbErr> {
    Ok(documents(conn, org_id, table, &[id.to_string()], shape, services_full).await?.into_iter().next())
}

/// A fully nested service (HSDS `compiled/service.json`).
pub async fn service_document(conn: &impl ConnectionTrait, org_id: Uuid, id: &str) -> Result<Option<Value>, DbErr> {
    document(conn, org_id, hsds("service"), id, Shape::Full, false).await
}

/// Fully nested services, in the order of `ids` (unknown ids are left out).
pub async fn service_documents(conn: &impl ConnectionTrait, org_id: Uuid, ids: &[String]) -> Result<Vec<Value>, DbErr> {
    documents(conn, org_id, hsds("service"), ids, Shape::Full, false).await
}

/// Services with their one-to-one fields only (HSDS `compiled/service_list.json`).
pub async fn service_list(conn: &impl ConnectionTrait, org_id: Uuid, ids: &[String]) -> Result<Vec<Value>, DbErr> {
    documents(conn, org_id, hsds("service"), ids, Shape::List, false).await
}

/// A fully nested organization; its services in brief unless `full_services`.
pub async fn organization_document(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    id: &str,
    full_services: bool,
) -> Result<Option<Value>, DbErr> {
    document(conn, org_id, hsds("organization"), id, Shape::Full, full_services).await
}

/// Organizations: their own fields, or fully nested with `full`.
pub async fn organization_list(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    ids: &[String],
    full: bool,
    full_services: bool,
) -> Result<Vec<Value>, DbErr> {
    let shape = if full { Shape::Full } else { Shape::Bare };
    documents(conn, org_id, hsds("organization"), ids, shape, full_services).await
}

/// A fully nested service_at_location, with its location and service.
pub async fn service_at_location_document(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    id: &str,
) -> Result<Option<Value>, DbErr> {
    document(conn, org_id, hsds("service_at_location"), id, Shape::Full, false).await
}

/// Services at locations in the list form (or fully nested with `full`).
pub async fn service_at_location_list(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    ids: &[String],
    full: bool,
) -> Result<Vec<Value>, DbErr> {
    let shape = if full { Shape::Full } else { Shape::List };
    documents(conn, org_id, hsds("service_at_location"), ids, shape, false).await
}

/// A fully nested location.
pub async fn location_document(conn: &impl ConnectionTrait, org_id: Uuid, id: &str) -> Result<Option<Value>, DbErr> {
    document(conn, org_id, hsds("location"), id, Shape::Full, false).await
}

pub async fn taxonomy_document(conn: &impl ConnectionTrait, org_id: Uuid, id: &str) -> Result<Option<Value>, DbErr> {
    document(conn, org_id, hsds("taxonomy"), id, Shape::Full, false).await
}

pub async fn taxonomy_list(conn: &impl ConnectionTrait, org_id: Uuid, ids: &[String]) -> Result<Vec<Value>, DbErr> {
    documents(conn, org_id, hsds("taxonomy"), ids, Shape::Bare, false).await
}

/// A taxonomy term with its taxonomy (`taxonomy_detail`).
pub async fn taxonomy_term_document(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    id: &str,
) -> Result<Option<Value>, DbErr> {
    document(conn, org_id, hsds("taxonomy_term"), id, Shape::Full, false).await
}

pub async fn taxonomy_term_list(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    ids: &[String],
) -> Result<Vec<Value>, DbErr> {
    documents(conn, org_id, hsds("taxonomy_term"), ids, Shape::List, false).await
}

// ---------- pages of ids ----------

/// Filters of the HSDS API's list endpoints; each applies only where it means something.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    /// Names containing this text (case-insensitive); services match on their own name.
    pub name_contains: Option<String>,
    pub organization_id: Option<String>,
    /// Services carrying any of these taxonomy terms (as attributes).
    pub taxonomy_term_ids: Vec<String>,
    /// Services carrying a term of this taxonomy; for terms, terms of this taxonomy.
    pub taxonomy_id: Option<String>,
    /// Rows changed on or after this instant (for services, anything in their document).
    pub modified_after: Option<OffsetDateTime>,
    /// Taxonomy terms under this parent.
    pub parent_id: Option<String>,
    /// Taxonomy terms without a parent.
    pub top_only: bool,
    /// Only these ids (e.g. search hits).
    pub ids: Option<Vec<String>>,
}

/// One page of ids and how many there are in all.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    pub total: u64,
    pub ids: Vec<String>,
}

fn subquery(table: &str, select: &str) -> SelectStatement {
    let mut query = Query::select();
    query.column(col(select)).from(col(hsds(table).sql));
    query
}

/// Services carrying any of these terms.
fn services_with_terms(org_id: Uuid, terms: SelectStatement) -> SelectStatement {
    let mut query = subquery("attribute", "link_id");
    query
        .and_where(Expr::col(col("org_id")).eq(org_id))
        .and_where(Expr::col(col("taxonomy_term_id")).in_subquery(terms));
    query
}

fn term_ids(org_id: Uuid, ids: &[String]) -> SelectStatement {
    let mut query = subquery("taxonomy_term", "id");
    query.and_where(Expr::col(col("org_id")).eq(org_id)).and_where(Expr::col(col("id")).is_in(ids.iter().cloned()));
    query
}

fn terms_of_taxonomy(org_id: Uuid, taxonomy_id: &str) -> SelectStatement {
    let mut query = subquery("taxonomy_term", "id");
    query.and_where(Expr::col(col("org_id")).eq(org_id)).and_where(Expr::col(col("taxonomy_id")).eq(taxonomy_id));
    query
}

/// `needle` lower-cased, with LIKE's wildcards escaped by a backslash.
fn like_literal(needle: &str) -> String {
    needle
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}

/// A LIKE pattern matching text containing `needle`.
fn contains_pattern(needle: &str) -> LikeExpr {
    LikeExpr::new(format!("%{}%", like_literal(needle))).escape('\\')
}

/// Ids of one page of a table's rows matching the filter, ordered by name then id.
pub async fn page_ids(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    table: &'static Table,
    filter: &ListFilter,
    limit: u64,
    offset: u64,
) -> Result<Page, DbErr> {
    let mut query = Query::select();
    query.from(col(table.sql)).and_where(Expr::col(col("org_id")).eq(org_id));
    // Conditions on the service a row is about: the service itself, or a service_at_location's.
    let service_column = match table.name {
        "service" => Some("id"),
        "service_at_location" => Some("service_id"),
        _ => None,
    };
    if let Some(ids) = &filter.ids {
        query.and_where(Expr::col(col("id")).is_in(ids.iter().cloned()));
    }
    if let Some(text) = filter.name_contains.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        match table.field("name") {
            Some(_) => {
                query.and_where(Expr::expr(Func::lower(Expr::col(col("name")))).like(contains_pattern(text)));
            }
            None if service_column.is_some() => {
                let mut named = subquery("service", "id");
                named
                    .and_where(Expr::col(col("org_id")).eq(org_id))
                    .and_where(Expr::expr(Func::lower(Expr::col(col("name")))).like(contains_pattern(text)));
                query.and_where(Expr::col(col(service_column.unwrap_or("id"))).in_subquery(named));
            }
            None => {}
        }
    }
    if let Some(service_column) = service_column {
        if let Some(organization) = &filter.organization_id {
            let mut of_org = subquery("service", "id");
            of_org
                .and_where(Expr::col(col("org_id")).eq(org_id))
                .and_where(Expr::col(col("organization_id")).eq(organization.as_str()));
            query.and_where(Expr::col(col(service_column)).in_subquery(of_org));
        }
        if !filter.taxonomy_term_ids.is_empty() {
            let terms = term_ids(org_id, &filter.taxonomy_term_ids);
            query.and_where(Expr::col(col(service_column)).in_subquery(services_with_terms(org_id, terms)));
        }
        if let Some(taxonomy) = &filter.taxonomy_id {
            let terms = terms_of_taxonomy(org_id, taxonomy);
            query.and_where(Expr::col(col(service_column)).in_subquery(services_with_terms(org_id, terms)));
        }
    }
    if table.name == "taxonomy_term" {
        if let Some(taxonomy) = &filter.taxonomy_id {
            query.and_where(Expr::col(col("taxonomy_id")).eq(taxonomy.as_str()));
        }
        if let Some(parent) = &filter.parent_id {
            query.and_where(Expr::col(col("parent_id")).eq(parent.as_str()));
        }
        if filter.top_only {
            query.and_where(Expr::col(col("parent_id")).is_null());
        }
    }
    if let Some(after) = filter.modified_after {
        query.and_where(Expr::col(col("row_updated_at")).gte(after));
    }
    let mut count = query.clone();
    count.expr_as(Expr::col(col("id")).count(), col("n"));
    let backend = conn.get_database_backend();
    let total = match conn.query_one_raw(backend.build(&count)).await? {
        Some(row) => u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or(0),
        None => 0,
    };
    query.column(col("id"));
    if table.field("name").is_some() {
        query.order_by(col("name"), Order::Asc);
    }
    query.order_by(col("id"), Order::Asc).limit(limit).offset(offset);
    let mut ids = Vec::new();
    for row in conn.query_all_raw(backend.build(&query)).await? {
        ids.push(row.try_get::<String>("", "id")?);
    }
    Ok(Page { total, ids })
}

/// When each row last changed (HSDS readers see it as `modified_date`).
pub async fn modified_dates(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    table: &'static Table,
    ids: &[String],
) -> Result<HashMap<String, OffsetDateTime>, DbErr> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(400) {
        let mut query = Query::select();
        query
            .columns([col("id"), col("row_updated_at")])
            .from(col(table.sql))
            .and_where(Expr::col(col("org_id")).eq(org_id))
            .and_where(Expr::col(col("id")).is_in(chunk.iter().cloned()));
        for row in conn.query_all_raw(conn.get_database_backend().build(&query)).await? {
            out.insert(row.try_get::<String>("", "id")?, row.try_get::<OffsetDateTime>("", "row_updated_at")?);
        }
    }
    Ok(out)
}

/// Great-circle distance in metres.
fn metres_between(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let (dlat, dlon) = ((b.0 - a.0).to_radians(), (b.1 - a.1).to_radians());
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

fn coordinates(row: &Row) -> Option<(f64, f64)> {
    Some((row.get("latitude")?.as_f64()?, row.get("longitude")?.as_f64()?))
}

/// Services at locations whose address has this postcode; with `proximity` (metres), those
/// within that distance of the postcode's centre instead (the middle of the directory's own
/// locations with that postcode: no geocoding service is needed).
pub async fn service_at_locations_near_postcode(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    postcode: &str,
    proximity: Option<f64>,
) -> Result<Vec<String>, DbErr> {
    let spellings = vec![postcode.trim().to_string(), postcode.trim().to_uppercase(), postcode.trim().to_lowercase()];
    let addresses = rows::load_where(conn, org_id, hsds("address"), "postal_code", &spellings).await?;
    let mut locations: Vec<String> =
        addresses.iter().filter_map(|a| a.get("location_id")?.as_str().map(str::to_string)).collect();
    if let Some(metres) = proximity {
        let at_postcode = rows::load_where(conn, org_id, hsds("location"), "id", &locations).await?;
        let points: Vec<(f64, f64)> = at_postcode.iter().filter_map(coordinates).collect();
        if !points.is_empty() {
            let n = points.len() as f64;
            let centre = (points.iter().map(|p| p.0).sum::<f64>() / n, points.iter().map(|p| p.1).sum::<f64>() / n);
            locations = rows::load_all(conn, org_id, hsds("location"))
                .await?
                .iter()
                .filter(|l| coordinates(l).is_some_and(|p| metres_between(centre, p) <= metres))
                .filter_map(|l| l.get("id")?.as_str().map(str::to_string))
                .collect();
        }
    }
    super::apply::column_values(conn, org_id, hsds("service_at_location"), "id", "location_id", &locations).await
}

// ---------- whole-directory exports ----------

/// Every service as a fully nested HSDS document: a JSON array, one document per line. The
/// directory is read whole (one query per table) and the documents built from memory.
pub async fn export_json(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Vec<u8>, DbErr> {
    let graph = Graph::load_all(conn, org_id).await?;
    let service = hsds("service");
    let mut services: Vec<(&str, &str)> = graph
        .rows
        .get("service")
        .map(|rows| {
            rows.iter().map(|(id, row)| (row.get("name").and_then(Value::as_str).unwrap_or(""), id.as_str())).collect()
        })
        .unwrap_or_default();
    services.sort_unstable();
    let mut out = b"[".to_vec();
    let mut first = true;
    for (_, id) in services {
        let Some(doc) = graph.build(service, id, None, Shape::Full, false) else { continue };
        out.extend_from_slice(if first { b"\n" } else { b",\n" });
        first = false;
        serde_json::to_writer(&mut out, &doc).map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    out.extend_from_slice(b"\n]\n");
    Ok(out)
}

/// A CSV cell: numbers as written back (18, not 18.0).
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn frictionless_type(kind: FieldKind) -> (&'static str, Option<&'static str>) {
    match kind {
        FieldKind::Text => ("string", None),
        FieldKind::Id => ("string", Some("uuid")),
        FieldKind::Number => ("number", None),
        FieldKind::Date => ("date", None),
        FieldKind::Time => ("time", None),
        FieldKind::DateTime => ("datetime", None),
        FieldKind::Email => ("string", Some("email")),
        FieldKind::Uri => ("string", Some("uri")),
    }
}

/// The package descriptor for our export: every table, its file and its fields (Frictionless
/// Tabular Data Package).
pub(crate) fn descriptor(now: OffsetDateTime) -> Value {
    let resources: Vec<Value> = tables()
        .iter()
        .map(|table| {
            let fields: Vec<Value> = table
                .fields
                .iter()
                .map(|field| {
                    let (kind, format) = frictionless_type(field.kind);
                    let mut f =
                        json!({ "name": field.name, "type": kind, "constraints": { "required": field.required } });
                    if let Some(format) = format {
                        f["format"] = json!(format);
                    }
                    f
                })
                .collect();
            json!({
                "name": table.name,
                "path": table.csv,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": { "primaryKey": "id", "fields": fields },
            })
        })
        .collect();
    json!({
        "profile": "tabular-data-package",
        "name": "mainstay-resource-directory",
        "title": "Resource directory (Open Referral HSDS 3.0)",
        "description": "Every table of the Human Services Data Specification 3.0, exported by Mainstay.",
        "created": now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "resources": resources,
    })
}

/// One table as CSV: the header in HSDS field order, then the rows.
fn table_csv(table: &Table, rows: &[Row]) -> Result<Vec<u8>, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(table.fields.iter().map(|f| f.name)).map_err(|e| e.to_string())?;
    for row in rows {
        writer.write_record(table.fields.iter().map(|f| cell(row.get(f.name)))).map_err(|e| e.to_string())?;
    }
    writer.into_inner().map_err(|e| e.to_string())
}

/// The whole directory as an HSDS CSV Tabular Data Package: a zip of the 21 tables (header in
/// HSDS field order) and `datapackage.json`.
pub async fn export_csv_zip(conn: &impl ConnectionTrait, org_id: Uuid, now: OffsetDateTime) -> Result<Vec<u8>, DbErr> {
    let mut files: Vec<(&'static str, Vec<u8>)> = Vec::new();
    for table in tables() {
        let rows = rows::load_all(conn, org_id, table).await?;
        files.push((table.csv, table_csv(table, &rows).map_err(|e| DbErr::Custom(format!("CSV: {e}")))?));
    }
    let descriptor = serde_json::to_vec_pretty(&descriptor(now)).map_err(|e| DbErr::Custom(e.to_string()))?;
    files.push(("datapackage.json", descriptor));
    tokio::task::spawn_blocking(move || zip_files(files))
        .await
        .map_err(|e| DbErr::Custom(format!("zip: {e}")))?
        .map_err(|e| DbErr::Custom(format!("zip: {e}")))
}

/// Rows held in memory (e.g. a synthetic directory, by table name) as an HSDS CSV package.
pub fn write_csv_package(rows: &BTreeMap<String, Vec<Row>>, now: OffsetDateTime) -> Result<Vec<u8>, String> {
    let mut files: Vec<(&'static str, Vec<u8>)> = Vec::new();
    for table in tables() {
        let table_rows = rows.get(table.name).map(Vec::as_slice).unwrap_or(&[]);
        files.push((table.csv, table_csv(table, table_rows)?));
    }
    files.push(("datapackage.json", serde_json::to_vec_pretty(&descriptor(now)).map_err(|e| e.to_string())?));
    zip_files(files).map_err(|e| e.to_string())
}

fn zip_files(files: Vec<(&'static str, Vec<u8>)>) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        writer.start_file(name, options)?;
        writer.write_all(&bytes)?;
    }
    Ok(writer.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_descriptor_lists_every_table_with_its_fields_in_order() {
        let d = descriptor(OffsetDateTime::UNIX_EPOCH);
        let resources = d["resources"].as_array().expect("resources");
        assert_eq!(resources.len(), 21);
        let services = resources.iter().find(|r| r["path"] == "services.csv").expect("services");
        let names: Vec<&str> = services["schema"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|f| f["name"].as_str())
            .collect();
        assert_eq!(names[..4], ["id", "organization_id", "program_id", "name"]);
        let assured = services["schema"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["name"] == "assured_date")
            .expect("field");
        assert_eq!(assured["type"], "date");
    }

    #[test]
    fn list_forms_keep_only_one_to_one_fields() {
        assert_eq!(nested_shape("service", "organization", Shape::List, false), Some(Shape::Bare));
        assert_eq!(nested_shape("service", "phones", Shape::List, false), None);
        assert_eq!(nested_shape("organization", "services", Shape::Full, false), Some(Shape::Bare));
        assert_eq!(nested_shape("organization", "services", Shape::Full, true), Some(Shape::Full));
    }

    #[test]
    fn distances_are_great_circle_metres() {
        let d = metres_between((43.6615, -70.2553), (43.6615, -70.2553 + 0.0124));
        assert!((d - 1000.0).abs() < 10.0, "{d}");
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_literal("50%_Off\\"), "50\\%\\_off\\\\");
    }
}
