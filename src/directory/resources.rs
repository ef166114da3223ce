//! A resource of the directory (CSE 6.02): one HSDS service with its organisation, places,
//! phones, contacts, languages, fees, eligibility, hours and taxonomy terms, assembled from the
//! stored HSDS rows; the six facts 6.02 asks for (each present or flagged missing); verification
//! and staleness; the one form that creates and edits a resource; verifying; the stale worklist;
//! likely duplicates and merging them; and the directory settings.
//!
//! Everything here writes plain HSDS rows (`rows::upsert`), so imports, exports and the `/hsds/`
//! API see exactly what the pages show.

use super::hsds_tables::{self, Table};
use super::rows::{self, Row};
use super::search::{self, Hours};
use super::settings::{self, Settings};
use crate::access::{self, Actor};
use crate::app::AppState;
use crate::audit::{Entry, Outcome};
use crate::db::entities::{directory_merge, directory_setting, directory_verification, referral, staff};
use crate::domain::FieldErrors;
use crate::domain::directory::{HsdsAccess, ResourceFact};
use crate::domain::search::normalize;
use crate::domain::validation::phone_digits;
use crate::error::{AppError, AppResult};
use crate::web::actor_entry;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

pub(crate) fn table(name: &str) -> &'static Table {
    hsds_tables::table(name).unwrap_or_else(|| panic!("HSDS table {name} is defined"))
}

/// A text field of a row, trimmed; None when absent or blank.
pub fn text<'a>(row: &'a Row, field: &str) -> Option<&'a str> {
    match row.get(field) {
        Some(Value::String(s)) => Some(s.trim()).filter(|s| !s.is_empty()),
        _ => None,
    }
}

/// A number field of a row (numbers written as text are read too).
pub fn num(row: &Row, field: &str) -> Option<f64> {
    match row.get(field) {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|n: &f64| n.is_finite())
}

fn owned(row: &Row, field: &str) -> Option<String> {
    text(row, field).map(str::to_string)
}

fn put(row: &mut Row, field: &str, value: Option<String>) {
    match value.filter(|v| !v.trim().is_empty()) {
        Some(v) => row.insert(field.to_string(), Value::String(v)),
        None => row.remove(field),
    };
}

fn put_number(row: &mut Row, field: &str, value: Option<f64>) {
    match value {
        Some(n) => row.insert(field.to_string(), rows::number(n)),
        None => row.remove(field),
    };
}

fn new_id() -> String {
    Uuid::new_v4().to_string()
}

/// HSDS timestamps (`last_modified`) are RFC 3339.
fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

pub fn parse_date(value: &str) -> Option<Date> {
    let head = value.trim().get(..10)?;
    Date::parse(head, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

pub fn format_date(date: Date) -> String {
    date.format(time::macros::format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

/// The same day `months` later (the 31st becomes the month's last day).
pub fn add_months(date: Date, months: i32) -> Date {
    let total = date.year() * 12 + (date.month() as i32 - 1) + months;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = time::Month::try_from(month0 as u8 + 1).unwrap_or(time::Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, Ord::min(date.day(), last)).unwrap_or(date)
}

/// An audit record id for an HSDS id (HSDS ids are UUIDs; imported ones may not be).
pub fn record_uuid(id: &str) -> Option<Uuid> {
    Uuid::parse_str(id.trim()).ok()
}

fn service_entry(actor: &Actor, action: &'static str, service_id: &str) -> Entry {
    let mut entry = actor_entry(actor, action).detail(json!({ "service_id": service_id }));
    if let Some(id) = record_uuid(service_id) {
        entry = entry.record("service", id);
    }
    entry
}

/// Refuses, and records the refusal.
async fn deny(state: &AppState, actor: &Actor, what: &str) -> AppError {
    let entry = actor_entry(actor, "access.denied")
        .outcome(Outcome::Denied)
        .record("organisation", actor.org_id)
        .detail(json!({ "action": what }));
    match crate::db::audit::append_now(&state.db, entry, state.clock.now()).await {
        Ok(()) => AppError::Forbidden,
        Err(e) => e.into(),
    }
}

pub async fn require_editor(state: &AppState, actor: &Actor, what: &str) -> AppResult<()> {
    if access::may_edit_directory(actor) { Ok(()) } else { Err(deny(state, actor, what).await) }
}

pub async fn require_configurer(state: &AppState, actor: &Actor, what: &str) -> AppResult<()> {
    if access::may_configure_directory(actor) { Ok(()) } else { Err(deny(state, actor, what).await) }
}

// ---------- the assembled resource ----------

/// Where a phone, contact, language or schedule row hangs: on the service itself, on one of
/// its places, or on the organisation that runs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    Service,
    Place,
    Organization,
}

#[derive(Clone, Debug)]
pub struct Linked {
    pub row: Row,
    pub source: Source,
}

/// A place the service is delivered: the HSDS service_at_location, its location and addresses.
#[derive(Clone, Debug)]
pub struct Place {
    pub link: Row,
    pub location: Row,
    pub addresses: Vec<Row>,
}

impl Place {
    pub fn location_id(&self) -> &str {
        text(&self.location, "id").unwrap_or_default()
    }

    pub fn coordinates(&self) -> Option<(f64, f64)> {
        let (lat, lon) = (num(&self.location, "latitude")?, num(&self.location, "longitude")?);
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
    }

    /// The street address people go to (physical first).
    pub fn address(&self) -> Option<&Row> {
        self.addresses
            .iter()
            .find(|a| text(a, "address_type") == Some("physical"))
            .or_else(|| self.addresses.iter().find(|a| text(a, "address_type") != Some("virtual")))
            .or(self.addresses.first())
    }

    pub fn address_line(&self) -> Option<String> {
        self.address().map(address_line).filter(|s| !s.is_empty())
    }

    pub fn is_virtual(&self) -> bool {
        text(&self.location, "location_type") == Some("virtual")
    }
}

/// "12 Main St, Suite 2, Springfield, IL 62701, US".
pub fn address_line(a: &Row) -> String {
    let region =
        [text(a, "state_province"), text(a, "postal_code")].into_iter().flatten().collect::<Vec<_>>().join(" ");
    [text(a, "address_1"), text(a, "address_2"), text(a, "city"), Some(region.as_str()), text(a, "country")]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Term {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    pub taxonomy_id: Option<String>,
    /// The taxonomy's name (or the term's `taxonomy` text).
    pub taxonomy: Option<String>,
}

/// How a service charges, as the form and the filters see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FeeKind {
    Free,
    Sliding,
    Fee,
}

impl FeeKind {
    pub const ALL: [FeeKind; 3] = [FeeKind::Free, FeeKind::Sliding, FeeKind::Fee];

    pub fn code(self) -> &'static str {
        match self {
            FeeKind::Free => "free",
            FeeKind::Sliding => "sliding",
            FeeKind::Fee => "fee",
        }
    }

    pub fn parse(code: &str) -> Option<FeeKind> {
        FeeKind::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    /// What a cost option row says (`option` "Free" / "Sliding scale" / "Fee").
    fn option_text(self) -> &'static str {
        match self {
            FeeKind::Free => "Free",
            FeeKind::Sliding => "Sliding scale",
            FeeKind::Fee => "Fee",
        }
    }
}

/// Words in fee texts that mean no charge or a reduced one (English, Spanish, French).
const FREE_WORDS: &[&str] = &["free", "no cost", "no charge", "gratis", "gratuit", "gratuite", "sin costo", "no fee"];
const SLIDING_WORDS: &[&str] = &["sliding", "income based", "low cost", "reduced", "donation", "pay what"];

fn says_any(text: &str, words: &[&str]) -> bool {
    let padded = format!(" {} ", normalize(text));
    words.iter().any(|w| padded.contains(&format!(" {w} ")) || padded.contains(&format!(" {w}")))
}

/// Every HSDS service status; inactive and defunct ones are left out of searches unless asked.
pub const STATUSES: [&str; 4] = ["active", "temporarily closed", "inactive", "defunct"];

#[derive(Clone, Debug, Default)]
pub struct Resource {
    pub service: Row,
    pub organization: Option<Row>,
    pub places: Vec<Place>,
    pub phones: Vec<Linked>,
    pub contacts: Vec<Linked>,
    pub languages: Vec<Linked>,
    pub cost_options: Vec<Row>,
    pub schedules: Vec<Linked>,
    pub service_areas: Vec<Row>,
    pub required_documents: Vec<Row>,
    pub terms: Vec<Term>,
    /// The service row's version, for optimistic concurrency.
    pub version: i32,
    pub updated_at: Option<OffsetDateTime>,
}

impl Resource {
    pub fn id(&self) -> &str {
        text(&self.service, "id").unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        text(&self.service, "name").unwrap_or_default()
    }

    pub fn field(&self, name: &str) -> Option<&str> {
        text(&self.service, name)
    }

    pub fn status(&self) -> &str {
        text(&self.service, "status").unwrap_or("active")
    }

    pub fn is_listed(&self) -> bool {
        !matches!(self.status(), "inactive" | "defunct")
    }

    pub fn organization_id(&self) -> Option<&str> {
        text(&self.service, "organization_id")
    }

    pub fn organization_name(&self) -> Option<&str> {
        self.organization.as_ref().and_then(|o| text(o, "name"))
    }

    pub fn min_age(&self) -> Option<f64> {
        num(&self.service, "minimum_age")
    }

    pub fn max_age(&self) -> Option<f64> {
        num(&self.service, "maximum_age")
    }

    pub fn has_location(&self) -> bool {
        self.places.iter().any(|p| {
            p.address().and_then(|a| text(a, "address_1")).is_some()
                || p.coordinates().is_some()
                || (p.is_virtual() && (text(&p.location, "url").is_some() || self.field("url").is_some()))
        })
    }

    pub fn has_phone(&self) -> bool {
        self.phones.iter().any(|p| text(&p.row, "number").is_some())
    }

    /// Contacts with a name: the service's and its places' first, else the organisation's.
    pub fn named_contacts(&self) -> Vec<&Linked> {
        let own: Vec<&Linked> = self
            .contacts
            .iter()
            .filter(|c| c.source != Source::Organization && text(&c.row, "name").is_some())
            .collect();
        if !own.is_empty() {
            return own;
        }
        self.contacts.iter().filter(|c| text(&c.row, "name").is_some()).collect()
    }

    /// Which of the six 6.02 facts the record does not hold.
    pub fn missing_facts(&self) -> Vec<ResourceFact> {
        let mut missing = Vec::new();
        if self.name().is_empty() || !self.has_location() || !self.has_phone() {
            missing.push(ResourceFact::NameLocationPhone);
        }
        if self.named_contacts().is_empty() {
            missing.push(ResourceFact::ContactPerson);
        }
        if self.field("description").is_none() && self.terms.is_empty() {
            missing.push(ResourceFact::Services);
        }
        if self.languages.is_empty() {
            missing.push(ResourceFact::Languages);
        }
        if self.field("fees_description").is_none() && self.field("fees").is_none() && self.cost_options.is_empty() {
            missing.push(ResourceFact::Fees);
        }
        if self.field("eligibility_description").is_none() && self.min_age().is_none() && self.max_age().is_none() {
            missing.push(ResourceFact::Eligibility);
        }
        missing
    }

    /// Language names offered (the service's and its places'), each once, alphabetically.
    pub fn language_names(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for l in &self.languages {
            let name = language_row_name(&l.row);
            let Some(name) = name else { continue };
            let key = search::language_key(&name).unwrap_or_else(|| normalize(&name));
            if seen.insert(key) {
                out.push(name);
            }
        }
        out.sort_by_key(|n| n.to_lowercase());
        out
    }

    /// Canonical language keys offered (for filters).
    pub fn language_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .languages
            .iter()
            .flat_map(|l| {
                [text(&l.row, "code"), text(&l.row, "name")].into_iter().flatten().filter_map(search::language_key)
            })
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// How the service charges, read from its cost options and fee texts.
    pub fn fee_kind(&self) -> Option<FeeKind> {
        let mut kinds = BTreeSet::new();
        for option in &self.cost_options {
            let words = [text(option, "option"), text(option, "amount_description")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            match num(option, "amount") {
                Some(a) if a <= 0.0 => kinds.insert(0),
                _ if says_any(&words, SLIDING_WORDS) => kinds.insert(1),
                _ if says_any(&words, FREE_WORDS) => kinds.insert(0),
                _ => kinds.insert(2),
            };
        }
        if kinds.is_empty() {
            let words = [self.field("fees_description"), self.field("fees")].into_iter().flatten().collect::<Vec<_>>();
            if words.is_empty() {
                return None;
            }
            let words = words.join(" ");
            if says_any(&words, SLIDING_WORDS) {
                kinds.insert(1);
            } else if says_any(&words, FREE_WORDS) {
                kinds.insert(0);
            } else {
                kinds.insert(2);
            }
        }
        // A service free for some and charging others is described by its cheapest option.
        kinds.first().map(|k| [FeeKind::Free, FeeKind::Sliding, FeeKind::Fee][*k])
    }

    /// The amount of the one fee option the form edits.
    pub fn fee_amount(&self) -> Option<f64> {
        self.cost_options.iter().find_map(|o| num(o, "amount")).filter(|a| *a > 0.0)
    }

    /// Opening hours: the service's own schedules, else its places', else its locations'.
    pub fn hours(&self) -> Vec<Hours> {
        for source in [Source::Service, Source::Place, Source::Organization] {
            let hours: Vec<Hours> =
                self.schedules.iter().filter(|s| s.source == source).filter_map(|s| Hours::from_row(&s.row)).collect();
            if !hours.is_empty() {
                return hours;
            }
        }
        Vec::new()
    }

    pub fn points(&self) -> Vec<(f64, f64)> {
        self.places.iter().filter_map(Place::coordinates).collect()
    }

    /// HSDS `assured_date`: the last time the details were confirmed with the provider.
    pub fn assured_date(&self) -> Option<Date> {
        self.field("assured_date").and_then(parse_date)
    }

    /// When the record last changed (HSDS `last_modified`, or when we last stored it).
    pub fn last_modified(&self) -> Option<OffsetDateTime> {
        let stated = self
            .field("last_modified")
            .and_then(|v| OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339).ok());
        match (stated, self.updated_at) {
            (Some(a), Some(b)) => Some(Ord::max(a, b)),
            (a, b) => a.or(b),
        }
    }

    /// Stale: never verified, or verified longer ago than the organisation's interval.
    pub fn is_stale(&self, settings: &Settings, today: Date) -> bool {
        is_stale(self.assured_date(), settings.verify_months, today)
    }

    /// The weekly hours the form edits: simple weekly schedules of the service itself.
    pub fn weekly_hours(&self) -> Vec<DayHours> {
        let mut out: Vec<DayHours> = Vec::new();
        for s in self.schedules.iter().filter(|s| s.source == Source::Service) {
            let Some(h) = Hours::from_row(&s.row) else { continue };
            if !h.is_simple_weekly() {
                continue;
            }
            for day in h.weekdays() {
                if !out.iter().any(|d| d.day == day) {
                    out.push(DayHours { day: day.to_string(), opens: h.opens_text(), closes: h.closes_text() });
                }
            }
        }
        out.sort_by_key(|d| search::WEEKDAY_CODES.iter().position(|c| *c == d.day));
        out
    }
}

/// The oldest verification date still current: anything verified before it is stale.
pub fn stale_cutoff(verify_months: i32, today: Date) -> Date {
    add_months(today, -verify_months)
}

pub fn is_stale(assured: Option<Date>, verify_months: i32, today: Date) -> bool {
    assured.is_none_or(|date| date < stale_cutoff(verify_months, today))
}

/// A language row's display name: its name, else the name its code stands for.
fn language_row_name(row: &Row) -> Option<String> {
    if let Some(name) = text(row, "name") {
        return Some(name.to_string());
    }
    let code = text(row, "code")?;
    Some(search::language_name(code).map(str::to_string).unwrap_or_else(|| code.to_string()))
}

fn group_by(rows: Vec<Row>, field: &str) -> HashMap<String, Vec<Row>> {
    let mut map: HashMap<String, Vec<Row>> = HashMap::new();
    for row in rows {
        if let Some(key) = owned(&row, field) {
            map.entry(key).or_default().push(row);
        }
    }
    map
}

fn by_id(rows: Vec<Row>) -> HashMap<String, Row> {
    rows.into_iter().filter_map(|r| owned(&r, "id").map(|id| (id, r))).collect()
}

fn unique(values: impl IntoIterator<Item = String>) -> Vec<String> {
    let set: BTreeSet<String> = values.into_iter().collect();
    set.into_iter().collect()
}

/// Each service row's version and when it was stored.
async fn versions(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    ids: &[String],
) -> Result<HashMap<String, (i32, OffsetDateTime)>, DbErr> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(400) {
        let mut select = Query::select();
        select
            .columns([Alias::new("id"), Alias::new("row_version"), Alias::new("row_updated_at")])
            .from(Alias::new("hsds_service"))
            .and_where(Expr::col(Alias::new("org_id")).eq(org_id))
            .and_where(Expr::col(Alias::new("id")).is_in(chunk.iter().cloned()));
        for row in conn.query_all_raw(conn.get_database_backend().build(&select)).await? {
            let id: String = row.try_get("", "id")?;
            out.insert(id, (row.try_get("", "row_version")?, row.try_get("", "row_updated_at")?));
        }
    }
    Ok(out)
}

/// One resource by service id.
pub async fn load(conn: &impl ConnectionTrait, org_id: Uuid, id: &str) -> Result<Option<Resource>, DbErr> {
    Ok(load_many(conn, org_id, &[id.to_string()]).await?.into_iter().next())
}

/// Reads one HSDS row the way `rows` stores them.
fn read_row(t: &Table, result: &sea_orm::QueryResult) -> Result<Row, DbErr> {
    let mut row = Row::new();
    for field in t.fields {
        let value = match field.kind {
            hsds_tables::FieldKind::Number => result.try_get::<Option<f64>>("", field.name)?.map(rows::number),
            _ if field.name == "id" => Some(Value::String(result.try_get::<String>("", "id")?)),
            _ => result.try_get::<Option<String>>("", field.name)?.map(Value::String),
        };
        if let Some(value) = value {
            row.insert(field.name.to_string(), value);
        }
    }
    Ok(row)
}

/// Link fields that tie a row to one service or place (absent on organisation-wide rows).
const NARROWER_LINKS: [&str; 3] = ["service_id", "location_id", "service_at_location_id"];

fn organisation_wide(t: &Table, row: &Row) -> bool {
    NARROWER_LINKS.iter().all(|f| t.field(f).is_none() || text(row, f).is_none())
}

/// Rows whose `field` is one of `values`, through the (org_id, field) index: no ORDER BY, so
/// SQLite never prefers walking the primary key in order, with or without statistics.
async fn select_rows(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    t: &'static Table,
    field: &str,
    values: &[String],
    only_organisation_wide: bool,
) -> Result<Vec<Row>, DbErr> {
    let mut out = Vec::new();
    for chunk in values.chunks(400) {
        let mut select = Query::select();
        select
            .from(Alias::new(t.sql))
            .and_where(Expr::col(Alias::new("org_id")).eq(org_id))
            .and_where(Expr::col(Alias::new(field)).is_in(chunk.iter().cloned()));
        for f in t.fields {
            select.column(Alias::new(f.name));
        }
        if only_organisation_wide {
            for f in NARROWER_LINKS.iter().filter(|f| t.field(f).is_some()) {
                select.and_where(Expr::col(Alias::new(*f)).is_null());
            }
        }
        for result in conn.query_all_raw(conn.get_database_backend().build(&select)).await? {
            out.push(read_row(t, &result)?);
        }
    }
    out.sort_by(|a, b| text(a, "id").cmp(&text(b, "id")));
    Ok(out)
}

/// Above this many services a load reads each table once instead of looking rows up by key.
const BULK_LOAD: usize = 1500;

/// Fetches rows for `load_many`: indexed lookups for a page of services, or each table once
/// (kept for the other link fields) when reindexing thousands.
struct Loader<'c, C> {
    conn: &'c C,
    org_id: Uuid,
    bulk: bool,
    tables: HashMap<&'static str, Vec<Row>>,
}

impl<C: ConnectionTrait> Loader<'_, C> {
    async fn rows(&mut self, t: &'static str, field: &str, values: &[String], wide: bool) -> Result<Vec<Row>, DbErr> {
        let tbl = table(t);
        if values.is_empty() || tbl.field(field).is_none() {
            return Ok(Vec::new());
        }
        if !self.bulk {
            return select_rows(self.conn, self.org_id, tbl, field, values, wide).await;
        }
        if !self.tables.contains_key(t) {
            let all = rows::load_all(self.conn, self.org_id, tbl).await?;
            self.tables.insert(t, all);
        }
        let wanted: HashSet<&str> = values.iter().map(String::as_str).collect();
        Ok(self.tables[t]
            .iter()
            .filter(|r| text(r, field).is_some_and(|v| wanted.contains(v)) && (!wide || organisation_wide(tbl, r)))
            .cloned()
            .collect())
    }

    /// Rows of a table hanging on these services, places, locations and organisations.
    async fn linked(&mut self, t: &'static str, keys: &Keys) -> Result<Linkage, DbErr> {
        Ok((
            group_by(self.rows(t, "service_id", &keys.services, false).await?, "service_id"),
            group_by(self.rows(t, "service_at_location_id", &keys.links, false).await?, "service_at_location_id"),
            group_by(self.rows(t, "location_id", &keys.locations, false).await?, "location_id"),
            group_by(self.rows(t, "organization_id", &keys.organizations, true).await?, "organization_id"),
        ))
    }
}

struct Keys {
    services: Vec<String>,
    links: Vec<String>,
    locations: Vec<String>,
    organizations: Vec<String>,
}

type Linkage =
    (HashMap<String, Vec<Row>>, HashMap<String, Vec<Row>>, HashMap<String, Vec<Row>>, HashMap<String, Vec<Row>>);

/// Resources for these service ids, in the order given (unknown ids are skipped). A fixed
/// number of queries whatever the count: search results and reindexing load pages at once.
pub async fn load_many(conn: &impl ConnectionTrait, org_id: Uuid, ids: &[String]) -> Result<Vec<Resource>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = unique(ids.iter().cloned());
    let mut loader = Loader { conn, org_id, bulk: ids.len() > BULK_LOAD, tables: HashMap::new() };
    let services = by_id(loader.rows("service", "id", &ids, false).await?);
    let found: Vec<String> = ids.iter().filter(|id| services.contains_key(*id)).cloned().collect();
    let org_ids = unique(services.values().filter_map(|s| owned(s, "organization_id")));
    let organizations = by_id(loader.rows("organization", "id", &org_ids, false).await?);
    let links = loader.rows("service_at_location", "service_id", &found, false).await?;
    let link_ids = unique(links.iter().filter_map(|l| owned(l, "id")));
    let location_ids = unique(links.iter().filter_map(|l| owned(l, "location_id")));
    let locations = by_id(loader.rows("location", "id", &location_ids, false).await?);
    let addresses = group_by(loader.rows("address", "location_id", &location_ids, false).await?, "location_id");

    // Rows hanging on the service, its places (service_at_location or location) or its organisation.
    let keys = Keys { services: found.clone(), links: link_ids, locations: location_ids, organizations: org_ids };
    let phones = loader.linked("phone", &keys).await?;
    let contacts = loader.linked("contact", &keys).await?;
    let languages = loader.linked("language", &keys).await?;
    let schedules = loader.linked("schedule", &keys).await?;
    let costs = group_by(loader.rows("cost_option", "service_id", &found, false).await?, "service_id");
    let areas = group_by(loader.rows("service_area", "service_id", &found, false).await?, "service_id");
    let documents = group_by(loader.rows("required_document", "service_id", &found, false).await?, "service_id");
    let attributes = group_by(loader.rows("attribute", "link_id", &found, false).await?, "link_id");
    let term_ids = unique(attributes.values().flatten().filter_map(|a| owned(a, "taxonomy_term_id")));
    let terms = by_id(loader.rows("taxonomy_term", "id", &term_ids, false).await?);
    let taxonomy_ids = unique(terms.values().filter_map(|t| owned(t, "taxonomy_id")));
    let taxonomies = by_id(loader.rows("taxonomy", "id", &taxonomy_ids, false).await?);
    let versions = versions(conn, org_id, &found).await?;
    let links_by_service = group_by(links, "service_id");

    let mut out = Vec::with_capacity(found.len());
    for id in &found {
        let service = services[id].clone();
        let org_id_of = owned(&service, "organization_id");
        let my_links = links_by_service.get(id).cloned().unwrap_or_default();
        let mut places = Vec::new();
        for link in &my_links {
            let Some(location) = text(link, "location_id").and_then(|l| locations.get(l)) else { continue };
            let addresses = text(location, "id").and_then(|l| addresses.get(l)).cloned().unwrap_or_default();
            places.push(Place { link: link.clone(), location: location.clone(), addresses });
        }
        let gather = |(by_service, by_link, by_location, by_org): &Linkage, with_org: bool| {
            let mut seen = HashSet::new();
            let mut out: Vec<Linked> = Vec::new();
            let mut push = |rows: Option<&Vec<Row>>, source: Source| {
                // A row naming another service belongs to that one, wherever it is.
                let mine = |r: &&Row| text(r, "service_id").is_none_or(|s| s == id);
                for row in rows.into_iter().flatten().filter(mine) {
                    if seen.insert(owned(row, "id").unwrap_or_default()) {
                        out.push(Linked { row: row.clone(), source });
                    }
                }
            };
            push(by_service.get(id), Source::Service);
            for place in &places {
                push(text(&place.link, "id").and_then(|l| by_link.get(l)), Source::Place);
                push(by_location.get(place.location_id()), Source::Place);
            }
            if with_org {
                // Organisation-wide rows only (the loader leaves out those tied to a service or place).
                push(org_id_of.as_ref().and_then(|o| by_org.get(o)), Source::Organization);
            }
            out
        };
        let phones = gather(&phones, true);
        let contacts = gather(&contacts, true);
        let languages = gather(&languages, false);
        // Location-wide hours count only when neither the service nor its places state any.
        let schedules: Vec<Linked> = {
            let (by_service, by_link, by_location, _) = &schedules;
            let mut v: Vec<Linked> = by_service
                .get(id)
                .into_iter()
                .flatten()
                .map(|r| Linked { row: r.clone(), source: Source::Service })
                .collect();
            for place in &places {
                for r in text(&place.link, "id").and_then(|l| by_link.get(l)).into_iter().flatten() {
                    v.push(Linked { row: r.clone(), source: Source::Place });
                }
                for r in by_location.get(place.location_id()).into_iter().flatten() {
                    if text(r, "service_id").is_none() && text(r, "service_at_location_id").is_none() {
                        v.push(Linked { row: r.clone(), source: Source::Organization });
                    }
                }
            }
            let mut seen = HashSet::new();
            v.retain(|l| seen.insert(owned(&l.row, "id").unwrap_or_default()));
            v
        };
        let mut my_terms: Vec<Term> = attributes
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|a| text(a, "taxonomy_term_id").and_then(|t| terms.get(t)))
            .map(|t| {
                let taxonomy_id = owned(t, "taxonomy_id");
                let taxonomy = taxonomy_id
                    .as_deref()
                    .and_then(|x| taxonomies.get(x))
                    .and_then(|x| owned(x, "name"))
                    .or_else(|| owned(t, "taxonomy"));
                Term {
                    id: owned(t, "id").unwrap_or_default(),
                    name: owned(t, "name").unwrap_or_default(),
                    code: owned(t, "code"),
                    taxonomy_id,
                    taxonomy,
                }
            })
            .collect();
        my_terms.sort_by_key(|a| a.name.to_lowercase());
        my_terms.dedup_by(|a, b| a.id == b.id);
        let (version, updated_at) = versions.get(id).map(|(v, at)| (*v, Some(*at))).unwrap_or((1, None));
        out.push(Resource {
            organization: org_id_of.as_deref().and_then(|o| organizations.get(o)).cloned(),
            places,
            phones,
            contacts,
            languages,
            cost_options: costs.get(id).cloned().unwrap_or_default(),
            schedules,
            service_areas: areas.get(id).cloned().unwrap_or_default(),
            required_documents: documents.get(id).cloned().unwrap_or_default(),
            terms: my_terms,
            version,
            updated_at,
            service,
        });
    }
    Ok(out)
}

/// Who verified a service, when and how (newest first), with the verifier's name.
pub struct Verification {
    pub row: directory_verification::Model,
    pub verified_by_name: String,
}

pub async fn verifications(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    service_id: &str,
) -> Result<Vec<Verification>, DbErr> {
    let rows = directory_verification::Entity::find()
        .filter(directory_verification::Column::OrgId.eq(org_id))
        .filter(directory_verification::Column::ServiceId.eq(service_id))
        .order_by_desc(directory_verification::Column::VerifiedOn)
        .order_by_desc(directory_verification::Column::CreatedAt)
        .all(conn)
        .await?;
    let names = staff_names(conn, org_id, rows.iter().map(|r| r.verified_by).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|row| Verification { verified_by_name: names.get(&row.verified_by).cloned().unwrap_or_default(), row })
        .collect())
}

async fn staff_names(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff::Entity::find()
        .filter(staff::Column::OrgId.eq(org_id))
        .filter(staff::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect())
}

// ---------- the form ----------

/// Numbers may come as JSON numbers or as text (forms send text).
fn flexible<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    Ok(match value {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// Opening hours on one weekday (`MO`…`SU`), `HH:MM` local time. A closing time before the
/// opening time runs past midnight.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DayHours {
    pub day: String,
    pub opens: String,
    pub closes: String,
}

/// The one form that creates and edits a resource (also the API body).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ResourceInput {
    pub name: String,
    pub description: Option<String>,
    /// `active`, `temporarily closed`, `inactive` or `defunct`.
    pub status: String,
    /// An HSDS organization of the directory; leave empty and give `new_organization_name` for a new one.
    pub organization_id: Option<String>,
    pub new_organization_name: Option<String>,
    pub location_name: Option<String>,
    pub address_1: Option<String>,
    pub address_2: Option<String>,
    pub city: Option<String>,
    pub state_province: Option<String>,
    pub postal_code: Option<String>,
    /// Two-letter country code.
    pub country: Option<String>,
    #[serde(deserialize_with = "flexible")]
    #[schema(value_type = Option<f64>)]
    pub latitude: Option<String>,
    #[serde(deserialize_with = "flexible")]
    #[schema(value_type = Option<f64>)]
    pub longitude: Option<String>,
    /// The service's own phone number.
    pub phone: Option<String>,
    pub contact_name: Option<String>,
    pub contact_title: Option<String>,
    pub contact_email: Option<String>,
    /// Languages the service is offered in, by name or code.
    pub languages: Vec<String>,
    /// `free`, `sliding` or `fee`.
    pub fee_kind: Option<String>,
    #[serde(deserialize_with = "flexible")]
    #[schema(value_type = Option<f64>)]
    pub fee_amount: Option<String>,
    pub fees_description: Option<String>,
    #[serde(deserialize_with = "flexible")]
    #[schema(value_type = Option<u32>)]
    pub minimum_age: Option<String>,
    #[serde(deserialize_with = "flexible")]
    #[schema(value_type = Option<u32>)]
    pub maximum_age: Option<String>,
    pub eligibility_description: Option<String>,
    /// HSDS taxonomy term ids of the directory.
    pub taxonomy_term_ids: Vec<String>,
    /// A new taxonomy term to add and attach.
    pub new_term: Option<String>,
    /// Weekly opening hours, one entry per open day.
    pub hours: Vec<DayHours>,
    pub url: Option<String>,
    pub email: Option<String>,
}

impl ResourceInput {
    /// The form as a stored resource fills it.
    pub fn of(r: &Resource) -> ResourceInput {
        let place = r.places.first();
        let address = place.and_then(Place::address);
        let a = |f: &str| address.and_then(|a| owned(a, f));
        let own_phone = r.phones.iter().find(|p| p.source == Source::Service);
        let own_contact = r.contacts.iter().find(|c| c.source == Source::Service);
        let c = |f: &str| own_contact.and_then(|c| owned(&c.row, f));
        let age = |v: Option<f64>| v.map(|v| rows::number(v).to_string());
        ResourceInput {
            name: r.name().to_string(),
            description: owned(&r.service, "description"),
            status: r.status().to_string(),
            organization_id: r.organization_id().map(str::to_string),
            new_organization_name: None,
            location_name: place.and_then(|p| owned(&p.location, "name")),
            address_1: a("address_1"),
            address_2: a("address_2"),
            city: a("city"),
            state_province: a("state_province"),
            postal_code: a("postal_code"),
            country: a("country"),
            latitude: place.and_then(|p| num(&p.location, "latitude")).map(|v| v.to_string()),
            longitude: place.and_then(|p| num(&p.location, "longitude")).map(|v| v.to_string()),
            phone: own_phone.and_then(|p| owned(&p.row, "number")),
            contact_name: c("name"),
            contact_title: c("title"),
            contact_email: c("email"),
            languages: r
                .languages
                .iter()
                .filter(|l| l.source == Source::Service)
                .filter_map(|l| language_row_name(&l.row))
                .collect(),
            fee_kind: r.fee_kind().map(|k| k.code().to_string()),
            fee_amount: r.fee_amount().map(|v| rows::number(v).to_string()),
            fees_description: owned(&r.service, "fees_description"),
            minimum_age: age(r.min_age()),
            maximum_age: age(r.max_age()),
            eligibility_description: owned(&r.service, "eligibility_description"),
            taxonomy_term_ids: r.terms.iter().map(|t| t.id.clone()).collect(),
            new_term: None,
            hours: r.weekly_hours(),
            url: owned(&r.service, "url"),
            email: owned(&r.service, "email"),
        }
    }
}

struct ValidAddress {
    address_1: String,
    address_2: Option<String>,
    city: String,
    state_province: String,
    postal_code: String,
    country: String,
}

struct Valid {
    name: String,
    description: Option<String>,
    status: String,
    organization_id: Option<String>,
    new_organization: Option<String>,
    location_name: Option<String>,
    address: Option<ValidAddress>,
    coordinates: Option<(f64, f64)>,
    phone: Option<String>,
    contact_name: Option<String>,
    contact_title: Option<String>,
    contact_email: Option<String>,
    /// (name as typed, code when known).
    languages: Vec<(String, Option<String>)>,
    fee: Option<(FeeKind, Option<f64>)>,
    fees_description: Option<String>,
    minimum_age: Option<f64>,
    maximum_age: Option<f64>,
    eligibility_description: Option<String>,
    term_ids: Vec<String>,
    new_term: Option<String>,
    /// (day, opens, closes) in minutes.
    hours: Vec<(usize, u16, u16)>,
    url: Option<String>,
    email: Option<String>,
}

impl Valid {
    fn has_place(&self) -> bool {
        self.location_name.is_some() || self.address.is_some() || self.coordinates.is_some()
    }
}

fn coordinate(e: &mut FieldErrors, field: &str, raw: Option<&str>, limit: f64, message: &'static str) -> Option<f64> {
    let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
    match value.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= limit => Some(v),
        _ => {
            e.add(field, message);
            None
        }
    }
}

fn age(e: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<f64> {
    let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
    match value.parse::<u32>() {
        Ok(v) if v <= 120 => Some(v as f64),
        _ => {
            e.add(field, "directory-error-age");
            None
        }
    }
}

fn web_address(e: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<String> {
    let value = e.optional(field, raw, 500)?;
    let lower = value.to_ascii_lowercase();
    let host = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    if !host.is_some_and(|h| h.contains('.') && !h.starts_with('.') && !h.chars().any(char::is_whitespace)) {
        e.add(field, "directory-error-url");
    }
    Some(value)
}

fn validate(input: &ResourceInput) -> Result<Valid, FieldErrors> {
    let mut e = FieldErrors::new();
    let name = e.required("name", &input.name, 200);
    let description = e.optional("description", input.description.as_deref(), 4000);
    let status = input.status.trim().to_lowercase();
    let status = if status.is_empty() { "active".to_string() } else { status };
    if !STATUSES.contains(&status.as_str()) {
        e.add("status", "error-unknown-choice");
    }
    let organization_id =
        input.organization_id.as_deref().map(str::trim).filter(|v| !v.is_empty() && *v != "new").map(str::to_string);
    let new_organization = if organization_id.is_none() {
        let name = e.optional("new_organization_name", input.new_organization_name.as_deref(), 200);
        if name.is_none() && e.for_field("new_organization_name").is_none() {
            e.add("organization_id", "directory-error-organization-required");
        }
        name
    } else {
        None
    };
    let location_name = e.optional("location_name", input.location_name.as_deref(), 200);
    let fields = ["address_1", "address_2", "city", "state_province", "postal_code", "country"];
    let values: Vec<Option<String>> =
        [&input.address_1, &input.address_2, &input.city, &input.state_province, &input.postal_code, &input.country]
            .iter()
            .zip(fields)
            .map(|(v, f)| e.optional(f, v.as_deref(), 200))
            .collect();
    // The country is filled in for you, so it alone does not make an address.
    let address = if values[..5].iter().any(Option::is_some) {
        for (i, field) in fields.iter().enumerate() {
            if *field != "address_2" && values[i].is_none() && e.for_field(field).is_none() {
                e.add(field, "directory-error-address-part");
            }
        }
        let country = values[5].clone().unwrap_or_default().to_ascii_uppercase();
        if !country.is_empty() && (country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase())) {
            e.add("country", "directory-error-country");
        }
        Some(ValidAddress {
            address_1: values[0].clone().unwrap_or_default(),
            address_2: values[1].clone(),
            city: values[2].clone().unwrap_or_default(),
            state_province: values[3].clone().unwrap_or_default(),
            postal_code: values[4].clone().unwrap_or_default(),
            country,
        })
    } else {
        None
    };
    let latitude = coordinate(&mut e, "latitude", input.latitude.as_deref(), 90.0, "directory-error-latitude");
    let longitude = coordinate(&mut e, "longitude", input.longitude.as_deref(), 180.0, "directory-error-longitude");
    let lat_given = input.latitude.as_deref().is_some_and(|v| !v.trim().is_empty());
    let lon_given = input.longitude.as_deref().is_some_and(|v| !v.trim().is_empty());
    if lat_given != lon_given {
        let missing = if lat_given { "longitude" } else { "latitude" };
        e.add(missing, "directory-error-coordinates-pair");
    }
    let phone = e.optional_phone("phone", input.phone.as_deref());
    let contact_name = e.optional("contact_name", input.contact_name.as_deref(), 200);
    let contact_title = e.optional("contact_title", input.contact_title.as_deref(), 200);
    let contact_email = e.optional_email("contact_email", input.contact_email.as_deref());
    if contact_name.is_none() && (contact_title.is_some() || contact_email.is_some()) {
        e.add("contact_name", "directory-error-contact-name");
    }
    let mut languages: Vec<(String, Option<String>)> = Vec::new();
    let mut keys = HashSet::new();
    let typed: Vec<String> = input
        .languages
        .iter()
        .flat_map(|l| l.split([',', ';']).map(|s| s.trim().to_string()).collect::<Vec<_>>())
        .filter(|l| !l.is_empty())
        .collect();
    for language in typed {
        if language.chars().count() > 60 {
            e.add_with("languages", "error-too-long", vec![("max", "60".into())]);
            break;
        }
        let Some(key) = search::language_key(&language) else { continue };
        if keys.insert(key.clone()) {
            let known = search::language_name(&language);
            // A known language is stored under its English name and code; others as typed.
            let name = known.map(str::to_string).unwrap_or(language);
            languages.push((name, known.map(|_| key)));
        }
    }
    if languages.len() > 30 {
        e.add_with("languages", "directory-error-languages-many", vec![("max", "30".into())]);
    }
    let fee_kind = e.optional_code("fee_kind", input.fee_kind.as_deref(), FeeKind::parse);
    let fee_amount = match input.fee_amount.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(raw) => match raw.trim_start_matches(['$', '€', '£']).replace(',', "").parse::<f64>() {
            Ok(v) if v.is_finite() && (0.0..=1.0e7).contains(&v) => Some((v * 100.0).round() / 100.0),
            _ => {
                e.add("fee_amount", "directory-error-amount");
                None
            }
        },
    };
    if fee_kind == Some(FeeKind::Free) && fee_amount.is_some_and(|a| a > 0.0) {
        e.add("fee_amount", "directory-error-amount-free");
    }
    let fee = match (fee_kind, fee_amount) {
        (Some(kind), amount) => Some((kind, amount.filter(|a| *a > 0.0))),
        (None, Some(amount)) if amount > 0.0 => Some((FeeKind::Fee, Some(amount))),
        (None, Some(_)) => Some((FeeKind::Free, None)),
        (None, None) => None,
    };
    let fees_description = e.optional("fees_description", input.fees_description.as_deref(), 2000);
    let minimum_age = age(&mut e, "minimum_age", input.minimum_age.as_deref());
    let maximum_age = age(&mut e, "maximum_age", input.maximum_age.as_deref());
    if let (Some(min), Some(max)) = (minimum_age, maximum_age)
        && min > max
    {
        e.add("maximum_age", "directory-error-age-order");
    }
    let eligibility_description = e.optional("eligibility_description", input.eligibility_description.as_deref(), 2000);
    let term_ids: Vec<String> =
        unique(input.taxonomy_term_ids.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()));
    let new_term = e.optional("new_term", input.new_term.as_deref(), 100);
    let mut hours = Vec::new();
    for h in &input.hours {
        let day = h.day.trim().to_ascii_uppercase();
        let Some(index) = search::WEEKDAY_CODES.iter().position(|c| *c == day) else {
            e.add("hours", "error-unknown-choice");
            continue;
        };
        let parse = |v: &str| Some(v.trim()).filter(|v| v.len() >= 4 && v.contains(':')).and_then(search::parse_clock);
        let (opens, closes) = (parse(&h.opens), parse(&h.closes));
        let field = |what: &str| format!("{what}_{day}");
        if opens.is_none() {
            e.add(
                &field("opens"),
                if h.opens.trim().is_empty() { "directory-error-hours-missing" } else { "error-time-format" },
            );
        }
        if closes.is_none() {
            e.add(
                &field("closes"),
                if h.closes.trim().is_empty() { "directory-error-hours-missing" } else { "error-time-format" },
            );
        }
        if let (Some(o), Some(c)) = (opens, closes)
            && !hours.iter().any(|(d, _, _)| *d == index)
        {
            hours.push((index, o, c));
        }
    }
    hours.sort();
    let url = web_address(&mut e, "url", input.url.as_deref());
    let email = e.optional_email("email", input.email.as_deref());
    e.finish(Valid {
        name,
        description,
        status,
        organization_id,
        new_organization,
        location_name,
        address,
        coordinates: latitude.zip(longitude),
        phone,
        contact_name,
        contact_title,
        contact_email,
        languages,
        fee,
        fees_description,
        minimum_age,
        maximum_age,
        eligibility_description,
        term_ids,
        new_term,
        hours,
        url,
        email,
    })
}

/// Locks a service row for the rest of the transaction (PostgreSQL holds the row lock; SQLite
/// has one writer). With `version`, only that version: 0 rows then means someone saved first.
async fn lock_service(conn: &impl ConnectionTrait, org_id: Uuid, id: &str, version: Option<i32>) -> AppResult<()> {
    let mut update = Query::update();
    update
        .table(Alias::new("hsds_service"))
        .value(Alias::new("row_version"), Expr::col(Alias::new("row_version")))
        .and_where(Expr::col(Alias::new("org_id")).eq(org_id))
        .and_where(Expr::col(Alias::new("id")).eq(id));
    if let Some(v) = version {
        update.and_where(Expr::col(Alias::new("row_version")).eq(v));
    }
    let done = conn.execute_raw(conn.get_database_backend().build(&update)).await?.rows_affected();
    if done == 1 {
        return Ok(());
    }
    let exists = !rows::existing_ids(conn, org_id, table("service"), &[id.to_string()]).await?.is_empty();
    Err(if exists { AppError::Conflict } else { AppError::NotFound })
}

fn hours_changed(existing: &[DayHours], wanted: &[(usize, u16, u16)]) -> bool {
    let current: Vec<(usize, u16, u16)> = existing
        .iter()
        .filter_map(|d| {
            let day = search::WEEKDAY_CODES.iter().position(|c| *c == d.day)?;
            let h = Hours::parse(None, Some(&d.day), Some(&d.opens), Some(&d.closes), None, None)?;
            Some((day, h.opens, h.closes))
        })
        .collect();
    current != wanted
}

fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}:00", minutes / 60, minutes % 60)
}

/// What a save wrote, for the caller's answer.
pub struct Saved {
    pub id: String,
    pub version: i32,
}

/// Creates a resource, or (with `existing` = service id and version) replaces what the form
/// edits, in one transaction. Rows the form does not show (other places, phones, schedules
/// with dates, imported details) are kept.
pub async fn save(
    state: &AppState,
    actor: &Actor,
    existing: Option<(&str, i32)>,
    input: &ResourceInput,
) -> AppResult<Saved> {
    let what = if existing.is_some() { "directory.update" } else { "directory.create" };
    require_editor(state, actor, what).await?;
    let valid = validate(input)?;
    let org = actor.org_id;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let conn = &*txn;
    if let Some((id, version)) = existing {
        lock_service(conn, org, id, Some(version)).await?;
    }
    let current = match existing {
        Some((id, _)) => Some(load(conn, org, id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };

    // Checks that need the directory: the organisation and terms chosen must exist.
    let mut errors = FieldErrors::new();
    if let Some(id) = &valid.organization_id
        && rows::existing_ids(conn, org, table("organization"), std::slice::from_ref(id)).await?.is_empty()
    {
        errors.add("organization_id", "directory-error-organization-unknown");
    }
    let known_terms = rows::existing_ids(conn, org, table("taxonomy_term"), &valid.term_ids).await?;
    if valid.term_ids.iter().any(|t| !known_terms.contains(t)) {
        errors.add("taxonomy_term_ids", "directory-error-term-unknown");
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }

    let service_id = current.as_ref().map(|r| r.id().to_string()).unwrap_or_else(new_id);
    let organization_id = match (&valid.organization_id, &valid.new_organization) {
        (Some(id), _) => id.clone(),
        (None, Some(name)) => organization_for(conn, org, name, now).await?,
        (None, None) => return Err(AppError::Invalid(FieldErrors::single("organization_id", "error-required"))),
    };

    // The service row: the form's fields over what is stored.
    let mut service = current.as_ref().map(|r| r.service.clone()).unwrap_or_default();
    service.insert("id".into(), Value::String(service_id.clone()));
    put(&mut service, "organization_id", Some(organization_id.clone()));
    put(&mut service, "name", Some(valid.name.clone()));
    put(&mut service, "description", valid.description.clone());
    put(&mut service, "status", Some(valid.status.clone()));
    put(&mut service, "fees_description", valid.fees_description.clone());
    put(&mut service, "eligibility_description", valid.eligibility_description.clone());
    put_number(&mut service, "minimum_age", valid.minimum_age);
    put_number(&mut service, "maximum_age", valid.maximum_age);
    put(&mut service, "url", valid.url.clone());
    put(&mut service, "email", valid.email.clone());
    put(&mut service, "last_modified", Some(rfc3339(now)));
    rows::upsert(conn, org, table("service"), &[service], now).await?;

    save_place(conn, org, &service_id, current.as_ref(), &valid, now).await?;
    save_phone(conn, org, &service_id, current.as_ref(), &valid, now).await?;
    save_contact(conn, org, &service_id, current.as_ref(), &valid, now).await?;
    save_languages(conn, org, &service_id, current.as_ref(), &valid, now).await?;
    save_fees(conn, org, &service_id, current.as_ref(), &valid, now).await?;
    save_terms(conn, org, &service_id, current.as_ref(), &valid, now).await?;
    save_hours(conn, org, &service_id, current.as_ref(), &valid, now).await?;

    search::reindex(conn, org, std::slice::from_ref(&service_id)).await?;
    let changed: Vec<&str> = if current.is_some() { vec!["edited"] } else { vec!["created"] };
    let entry =
        service_entry(actor, if existing.is_some() { "directory.update" } else { "directory.create" }, &service_id)
            .detail(json!({ "service_id": service_id, "change": changed }));
    crate::db::audit::append(&txn, entry, now).await?;
    let version =
        versions(conn, org, std::slice::from_ref(&service_id)).await?.get(&service_id).map(|v| v.0).unwrap_or(1);
    txn.commit().await?;
    Ok(Saved { id: service_id, version })
}

/// The organisation by this name if the directory has it (compared loosely), else a new one.
async fn organization_for(
    conn: &impl ConnectionTrait,
    org: Uuid,
    name: &str,
    now: OffsetDateTime,
) -> Result<String, DbErr> {
    let wanted = normalize(name);
    let mut select = Query::select();
    select
        .columns([Alias::new("id"), Alias::new("name")])
        .from(Alias::new("hsds_organization"))
        .and_where(Expr::col(Alias::new("org_id")).eq(org));
    for row in conn.query_all_raw(conn.get_database_backend().build(&select)).await? {
        let existing: String = row.try_get("", "name")?;
        if normalize(&existing) == wanted {
            return row.try_get("", "id");
        }
    }
    let id = new_id();
    let mut row = Row::new();
    row.insert("id".into(), Value::String(id.clone()));
    row.insert("name".into(), Value::String(name.to_string()));
    // HSDS asks every organisation for a description; the name is the honest minimum.
    row.insert("description".into(), Value::String(name.to_string()));
    rows::upsert(conn, org, table("organization"), &[row], now).await?;
    Ok(id)
}

/// The first place: its location (name, coordinates) and street address.
async fn save_place(
    conn: &impl ConnectionTrait,
    org: Uuid,
    service_id: &str,
    current: Option<&Resource>,
    valid: &Valid,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let place = current.and_then(|r| r.places.first());
    if !valid.has_place() {
        if let Some(place) = place {
            let link = owned(&place.link, "id").unwrap_or_default();
            rows::delete_where(conn, org, table("service_at_location"), "id", std::slice::from_ref(&link)).await?;
            remove_orphan_location(conn, org, place.location_id()).await?;
        }
        return Ok(());
    }
    let mut location = place.map(|p| p.location.clone()).unwrap_or_default();
    let location_id = owned(&location, "id").unwrap_or_else(new_id);
    location.insert("id".into(), Value::String(location_id.clone()));
    if text(&location, "location_type").is_none() {
        location.insert("location_type".into(), Value::String("physical".into()));
    }
    put(&mut location, "name", valid.location_name.clone());
    put_number(&mut location, "latitude", valid.coordinates.map(|c| c.0));
    put_number(&mut location, "longitude", valid.coordinates.map(|c| c.1));
    rows::upsert(conn, org, table("location"), &[location], now).await?;
    if place.is_none() {
        let mut link = Row::new();
        link.insert("id".into(), Value::String(new_id()));
        link.insert("service_id".into(), Value::String(service_id.to_string()));
        link.insert("location_id".into(), Value::String(location_id.clone()));
        rows::upsert(conn, org, table("service_at_location"), &[link], now).await?;
    }
    let stored = place.and_then(Place::address);
    match (&valid.address, stored) {
        (Some(a), stored) => {
            let mut row = stored.cloned().unwrap_or_default();
            if text(&row, "id").is_none() {
                row.insert("id".into(), Value::String(new_id()));
                row.insert("address_type".into(), Value::String("physical".into()));
            }
            row.insert("location_id".into(), Value::String(location_id.clone()));
            put(&mut row, "address_1", Some(a.address_1.clone()));
            put(&mut row, "address_2", a.address_2.clone());
            put(&mut row, "city", Some(a.city.clone()));
            put(&mut row, "state_province", Some(a.state_province.clone()));
            put(&mut row, "postal_code", Some(a.postal_code.clone()));
            put(&mut row, "country", Some(a.country.clone()));
            rows::upsert(conn, org, table("address"), &[row], now).await?;
        }
        (None, Some(stored)) => {
            let id = owned(stored, "id").unwrap_or_default();
            rows::delete_where(conn, org, table("address"), "id", &[id]).await?;
        }
        (None, None) => {}
    }
    Ok(())
}

/// A location no service is delivered at any more goes, with what hangs on it.
async fn remove_orphan_location(conn: &impl ConnectionTrait, org: Uuid, location_id: &str) -> Result<(), DbErr> {
    let ids = [location_id.to_string()];
    if !rows::load_where(conn, org, table("service_at_location"), "location_id", &ids).await?.is_empty() {
        return Ok(());
    }
    for t in ["address", "phone", "language", "schedule", "accessibility", "contact"] {
        rows::delete_where(conn, org, table(t), "location_id", &ids).await?;
    }
    rows::delete_where(conn, org, table("location"), "id", &ids).await?;
    Ok(())
}

/// The service's own row of a one-per-service table (its phone, its contact person): filled in by
/// `fill` when the form has a value (created when there was none), deleted when the field was cleared.
async fn save_one_linked(
    conn: &impl ConnectionTrait,
    org: Uuid,
    service_id: &str,
    table_name: &str,
    stored: Option<&Linked>,
    fill: Option<impl FnOnce(&mut Row, bool)>,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    match (fill, stored) {
        (Some(fill), stored) => {
            let mut row = stored.map(|l| l.row.clone()).unwrap_or_default();
            let created = text(&row, "id").is_none();
            if created {
                row.insert("id".into(), Value::String(new_id()));
                row.insert("service_id".into(), Value::String(service_id.to_string()));
            }
            fill(&mut row, created);
            rows::upsert(conn, org, table(table_name), &[row], now).await
        }
        (None, Some(stored)) => {
            let id = owned(&stored.row, "id").unwrap_or_default();
            rows::delete_where(conn, org, table(table_name), "id", &[id]).await.map(|_| ())
        }
        (None, None) => Ok(()),
    }
}

async fn save_phone(
    conn: &impl ConnectionTrait,
    org: Uuid,
    service_id: &str,
    current: Option<&Resource>,
    valid: &Valid,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let stored = current.and_then(|r| r.phones.iter().find(|p| p.source == Source::Service));
    let fill = |row: &mut Row, created: bool| {
        if created {
            row.insert("type".into(), Value::String("voice".into()));
        }
        put(row, "number", valid.phone.clone());
    };
    save_one_linked(conn, org, service_id, "phone", stored, valid.phone.is_some().then_some(fill), now).await
}

async fn save_contact(
    conn: &impl ConnectionTrait,
    org: Uuid,
    service_id: &str,
    current: Option<&Resource>,
    valid: &Valid,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let stored = current.and_then(|r| r.contacts.iter().find(|c| c.source == Source::Service));
    let fill = |row: &mut Row, _created: bool| {
        put(row, "name", valid.contact_name.clone());
        put(row, "title", valid.contact_title.clone());
        put(row, "email", valid.contact_email.clone());
    };
    save_one_linked(conn, org, service_id, "contact", stored, valid.contact_name.is_some().then_some(fill), now).await
}

async fn save_languages(
    conn: &impl ConnectionTrait,
    org: Uuid,
    service_id: &str,
    current: Option<&Resource>,
    valid: &Valid,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let stored: Vec<&Linked> =
        current.map(|r| r.languages.iter().filter(|l| l.source == Source::Service).collect()).unwrap_or_default();
    let key_of = |row: &Row| {
        [text(row, "code"), text(row, "name")].into_iter().flatten().find_map(search::language_key).unwrap_or_default()
    };
    let wanted: Vec<(String, &(String, Option<String>))> = valid
        .languages
        .iter()
        .map(|l| (search::language_key(l.1.as_deref().unwrap_or(&l.0)).unwrap_or_default(), l))
        .collect();
    let mut remove = Vec::new();
    for l in &stored {
        if !wanted.iter().any(|(k, _)| *k == key_of(&l.row)) {
            remove.push(owned(&l.row, "id").unwrap_or_default());
        }
    }
    rows::delete_where(conn, org, table("language"), "id", &remove).await?;
    let mut add = Vec::new();
    for (key, (name, code)) in wanted {
        if stored.iter().any(|l| key_of(&l.row) == key) {
            continue;
        }
        let mut row = Row::new();
        row.insert("id".into(), Value::String(new_id()));
        row.insert("service_id".into(), Value::String(service_id.to_string()));
        row.insert("name".into(), Value::String(name.clone()));
        put(&mut row, "code", code.clone());
        add.push(row);
    }
    rows::upsert(conn, org, table("language"), &add, now).await
}

async fn save_fees(
    conn: &impl ConnectionTrait,
    org: Uuid,
    service_id: &str,
    current: Option<&Resource>,
    valid: &Valid,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let before = current.and_then(|r| r.fee_kind().map(|k| (k, r.fee_amount())));
    if current.is_some() && before == valid.fee {
        // Unchanged: imported cost options (several, with conditions) stay as they are.
        return Ok(());
    }
    if let Some(r) = current {
        let ids: Vec<String> = r.cost_options.iter().filter_map(|o| owned(o, "id")).collect();
        rows::delete_where(conn, org, table("cost_option"), "id", &ids).await?;
    }
    let Some((kind, amount)) = valid.fee else { return Ok(()) };
    let mut row = Row::new();
    row.insert("id".into(), Value::String(new_id()));
    row.insert("service_id".into(), Value::String(service_id.to_string()));
    row.insert("option".into(), Value::String(kind.option_text().into()));
    match (kind, amount) {
        (FeeKind::Free, _) => put_number(&mut row, "amount", Some(0.0)),
        (_, Some(a)) => put_number(&mut row, "amount", Some(a)),
        _ => {}
    }
    if row.contains_key("amount") {
        let country = crate::db::org::get(conn, org).await?.map(|o| o.country).unwrap_or_default();
        let currency = if country.eq_ignore_ascii_case("CA") { "CAD" } else { "USD" };
        row.insert("currency".into(), Value::String(currency.into()));
    }
    put(&mut row, "amount_description", valid.fees_description.clone());
    rows::upsert(conn, org, table("cost_option"), &[row], now).await
}

async fn save_terms(
    conn: &impl ConnectionTrait,
    org: Uuid,
    service_id: &str,
    current: Option<&Resource>,
    valid: &Valid,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let mut wanted = valid.term_ids.clone();
    if let Some(name) = &valid.new_term {
        wanted.push(term_for(conn, org, name, now).await?);
    }
    let attributes = rows::load_where(conn, org, table("attribute"), "link_id", &[service_id.to_string()]).await?;
    let had: Vec<String> = current.map(|r| r.terms.iter().map(|t| t.id.clone()).collect()).unwrap_or_default();
    let mut remove = Vec::new();
    for a in &attributes {
        let term = text(a, "taxonomy_term_id").unwrap_or_default();
        if had.iter().any(|t| t == term) && !wanted.iter().any(|t| t == term) {
            remove.push(owned(a, "id").unwrap_or_default());
        }
    }
    rows::delete_where(conn, org, table("attribute"), "id", &remove).await?;
    let mut add = Vec::new();
    for term in unique(wanted) {
        if attributes.iter().any(|a| text(a, "taxonomy_term_id") == Some(term.as_str())) {
            continue;
        }
        let mut row = Row::new();
        row.insert("id".into(), Value::String(new_id()));
        row.insert("link_id".into(), Value::String(service_id.to_string()));
        row.insert("link_entity".into(), Value::String("service".into()));
        row.insert("taxonomy_term_id".into(), Value::String(term));
        add.push(row);
    }
    rows::upsert(conn, org, table("attribute"), &add, now).await
}

/// The taxonomy term by this name if the directory has it, else a new local term.
async fn term_for(conn: &impl ConnectionTrait, org: Uuid, name: &str, now: OffsetDateTime) -> Result<String, DbErr> {
    let wanted = normalize(name);
    for t in rows::load_all(conn, org, table("taxonomy_term")).await? {
        if text(&t, "name").is_some_and(|n| normalize(n) == wanted) {
            return Ok(owned(&t, "id").unwrap_or_default());
        }
    }
    let id = new_id();
    let mut row = Row::new();
    row.insert("id".into(), Value::String(id.clone()));
    row.insert("name".into(), Value::String(name.to_string()));
    row.insert("description".into(), Value::String(name.to_string()));
    row.insert("taxonomy".into(), Value::String("local".into()));
    rows::upsert(conn, org, table("taxonomy_term"), &[row], now).await?;
    Ok(id)
}

async fn save_hours(
    conn: &impl ConnectionTrait,
    org: Uuid,
    service_id: &str,
    current: Option<&Resource>,
    valid: &Valid,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let existing = current.map(Resource::weekly_hours).unwrap_or_default();
    if !hours_changed(&existing, &valid.hours) {
        return Ok(());
    }
    if let Some(r) = current {
        let simple: Vec<String> = r
            .schedules
            .iter()
            .filter(|s| s.source == Source::Service)
            .filter(|s| Hours::from_row(&s.row).is_some_and(|h| h.is_simple_weekly()))
            .filter_map(|s| owned(&s.row, "id"))
            .collect();
        rows::delete_where(conn, org, table("schedule"), "id", &simple).await?;
    }
    // One HSDS schedule per distinct opening time, listing its days.
    let mut by_time: BTreeMap<(u16, u16), Vec<&str>> = BTreeMap::new();
    for (day, opens, closes) in &valid.hours {
        by_time.entry((*opens, *closes)).or_default().push(search::WEEKDAY_CODES[*day]);
    }
    let mut add = Vec::new();
    for ((opens, closes), days) in by_time {
        let mut row = Row::new();
        row.insert("id".into(), Value::String(new_id()));
        row.insert("service_id".into(), Value::String(service_id.to_string()));
        row.insert("freq".into(), Value::String("WEEKLY".into()));
        row.insert("wkst".into(), Value::String("MO".into()));
        row.insert("byday".into(), Value::String(days.join(",")));
        row.insert("opens_at".into(), Value::String(clock(opens)));
        row.insert("closes_at".into(), Value::String(clock(closes)));
        add.push(row);
    }
    rows::upsert(conn, org, table("schedule"), &add, now).await
}

// ---------- verification ----------

/// How the details were confirmed with the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum VerifyMethod {
    Phone,
    Email,
    Website,
    Visit,
}

impl VerifyMethod {
    pub const ALL: &'static [VerifyMethod] =
        &[VerifyMethod::Phone, VerifyMethod::Email, VerifyMethod::Website, VerifyMethod::Visit];

    pub fn code(self) -> &'static str {
        match self {
            VerifyMethod::Phone => "phone",
            VerifyMethod::Email => "email",
            VerifyMethod::Website => "website",
            VerifyMethod::Visit => "visit",
        }
    }

    pub fn parse(code: &str) -> Option<VerifyMethod> {
        VerifyMethod::ALL.iter().copied().find(|m| m.code() == code.trim())
    }

    pub fn message_id(self) -> String {
        format!("directory-verify-method-{}", self.code())
    }
}

impl crate::domain::codes::TextCode for VerifyMethod {
    fn all() -> &'static [Self] {
        VerifyMethod::ALL
    }
    fn code(self) -> &'static str {
        VerifyMethod::code(self)
    }
    fn message_id(self) -> String {
        VerifyMethod::message_id(self)
    }
    fn parse(code: &str) -> Option<Self> {
        VerifyMethod::parse(code)
    }
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct VerifyInput {
    /// `YYYY-MM-DD`; not in the future.
    pub verified_on: String,
    /// `phone`, `email`, `website` or `visit`.
    pub method: String,
    pub note: Option<String>,
}

/// Records that someone confirmed the service's details with the provider: a verification row,
/// and the service's HSDS `assured_date` moved to the latest verification.
pub async fn verify(
    state: &AppState,
    actor: &Actor,
    service_id: &str,
    input: &VerifyInput,
    today: Date,
) -> AppResult<()> {
    require_editor(state, actor, "directory.verify").await?;
    let mut e = FieldErrors::new();
    let verified_on = if input.verified_on.trim().is_empty() {
        e.add("verified_on", "error-required");
        None
    } else {
        e.optional_date("verified_on", Some(&input.verified_on))
    };
    if verified_on.is_some_and(|d| d > today) {
        e.add("verified_on", "error-date-in-future");
    }
    if verified_on.is_some_and(|d| d.year() < 1990) {
        e.add("verified_on", "directory-error-verified-too-old");
    }
    let method = e.required_code("method", &input.method, VerifyMethod::parse);
    let note = e.optional("note", input.note.as_deref(), 2000);
    let (Some(verified_on), Some(method)) = (verified_on, method) else { return Err(AppError::Invalid(e)) };
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let org = actor.org_id;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let conn = &*txn;
    lock_service(conn, org, service_id, None).await?;
    let mut service = rows::load_one(conn, org, table("service"), service_id).await?.ok_or(AppError::NotFound)?;
    let latest = text(&service, "assured_date").and_then(parse_date).is_none_or(|d| verified_on >= d);
    if latest {
        service.insert("assured_date".into(), Value::String(format_date(verified_on)));
        put(&mut service, "assurer_email", Some(actor.email.clone()));
    }
    service.insert("last_modified".into(), Value::String(rfc3339(now)));
    rows::upsert(conn, org, table("service"), &[service], now).await?;
    directory_verification::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org),
        service_id: Set(service_id.to_string()),
        verified_on: Set(verified_on),
        verified_by: Set(actor.staff_id),
        method: Set(Some(method.code().to_string())),
        note: Set(note),
        created_at: Set(now),
    }
    .insert_into(conn)
    .await?;
    search::reindex(conn, org, &[service_id.to_string()]).await?;
    let entry = service_entry(actor, "directory.verify", service_id)
        .detail(json!({ "service_id": service_id, "method": method.code(), "verified_on": format_date(verified_on) }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(())
}

trait InsertInto {
    async fn insert_into(self, conn: &impl ConnectionTrait) -> Result<(), DbErr>;
}

impl InsertInto for directory_verification::ActiveModel {
    async fn insert_into(self, conn: &impl ConnectionTrait) -> Result<(), DbErr> {
        directory_verification::Entity::insert(self).exec_without_returning(conn).await.map(|_| ())
    }
}

// ---------- the stale worklist ----------

/// A service whose verification is due.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StaleItem {
    pub service_id: String,
    pub name: String,
    pub organization_name: Option<String>,
    pub status: String,
    /// None: never verified.
    pub assured_date: Option<Date>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StaleList {
    pub items: Vec<StaleItem>,
    pub page: u64,
    pub per_page: u64,
    /// Services due for verification (never verified, or before `cutoff`).
    pub total: u64,
    pub never_verified: u64,
    pub overdue: u64,
    /// Verified before this date means stale.
    pub cutoff: Date,
    pub verify_months: i32,
}

/// Services due for verification, never verified first, then oldest first. Defunct services
/// are left out.
pub async fn stale(state: &AppState, actor: &Actor, today: Date, page: u64, per_page: u64) -> AppResult<StaleList> {
    let conn = state.db.conn();
    let org = actor.org_id;
    let settings = settings::load(conn, org).await?;
    let cutoff = stale_cutoff(settings.verify_months, today);
    let c = |name: &str| Expr::col(Alias::new(name));
    let due = c("assured_date").is_null().or(c("assured_date").lt(format_date(cutoff)));
    let listed = c("status").is_null().or(c("status").ne("defunct"));
    let count = |never: bool| {
        let mut q = Query::select();
        q.expr_as(Expr::col(Alias::new("id")).count(), Alias::new("n"))
            .from(Alias::new("hsds_service"))
            .and_where(c("org_id").eq(org))
            .and_where(listed.clone())
            .and_where(if never { c("assured_date").is_null() } else { due.clone() });
        q
    };
    let read_count = |q: sea_orm::sea_query::SelectStatement| async move {
        let row = conn.query_one_raw(conn.get_database_backend().build(&q)).await?;
        Ok::<u64, DbErr>(row.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0) as u64)
    };
    let total = read_count(count(false)).await?;
    let never_verified = read_count(count(true)).await?;
    let per_page = per_page.clamp(1, 100);
    let page = Ord::max(page, 1);
    let mut q = Query::select();
    q.columns([
        Alias::new("id"),
        Alias::new("name"),
        Alias::new("organization_id"),
        Alias::new("status"),
        Alias::new("assured_date"),
    ])
    .from(Alias::new("hsds_service"))
    .and_where(c("org_id").eq(org))
    .and_where(listed)
    .and_where(due)
    .order_by_expr(c("assured_date").is_null(), Order::Desc)
    .order_by(Alias::new("assured_date"), Order::Asc)
    .order_by(Alias::new("name"), Order::Asc)
    .order_by(Alias::new("id"), Order::Asc)
    .limit(per_page)
    .offset((page - 1) * per_page);
    let found = conn.query_all_raw(conn.get_database_backend().build(&q)).await?;
    let mut items = Vec::new();
    let mut org_ids = Vec::new();
    let mut org_of = Vec::new();
    for row in found {
        let organization: Option<String> = row.try_get("", "organization_id")?;
        org_of.push(organization.clone());
        org_ids.extend(organization);
        items.push(StaleItem {
            service_id: row.try_get("", "id")?,
            name: row.try_get::<Option<String>>("", "name")?.unwrap_or_default(),
            organization_name: None,
            status: row.try_get::<Option<String>>("", "status")?.unwrap_or_else(|| "active".into()),
            assured_date: row.try_get::<Option<String>>("", "assured_date")?.as_deref().and_then(parse_date),
        });
    }
    let orgs = by_id(rows::load_where(conn, org, table("organization"), "id", &unique(org_ids)).await?);
    for (item, organization) in items.iter_mut().zip(org_of) {
        item.organization_name = organization.and_then(|o| orgs.get(&o)).and_then(|o| owned(o, "name"));
    }
    Ok(StaleList {
        items,
        page,
        per_page,
        total,
        never_verified,
        overdue: total - never_verified,
        cutoff,
        verify_months: settings.verify_months,
    })
}

// ---------- duplicates ----------

/// One side of a likely duplicate pair.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Brief {
    pub service_id: String,
    pub name: String,
    pub organization_id: Option<String>,
    pub organization_name: Option<String>,
    pub status: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// Two services that look like one resource, and why.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DuplicatePair {
    pub a: Brief,
    pub b: Brief,
    /// Name similarity, 0–1 (normalised names).
    pub similarity: f64,
    pub same_phone: bool,
    pub same_address: bool,
    pub same_organization: bool,
}

/// How alike two names are, word order aside.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (normalize(a), normalize(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let sorted = |s: &str| {
        let mut words: Vec<&str> = s.split(' ').collect();
        words.sort();
        words.join(" ")
    };
    strsim::jaro_winkler(&a, &b).max(strsim::jaro_winkler(&sorted(&a), &sorted(&b)))
}

/// The duplicate rule: similar names and the same phone, the same address, or (very similar
/// names) the same organisation.
pub fn is_likely_duplicate(similarity: f64, same_phone: bool, same_address: bool, same_organization: bool) -> bool {
    (same_phone && similarity >= 0.80)
        || (same_address && similarity >= 0.85)
        || (same_organization && similarity >= 0.92)
}

/// The last ten digits of a phone number (country prefixes aside); None for short numbers.
fn phone_key(number: &str) -> Option<String> {
    let digits = phone_digits(number);
    (digits.len() >= 7).then(|| digits[digits.len().saturating_sub(10)..].to_string())
}

fn address_key(a: &Row) -> Option<String> {
    let street = normalize(text(a, "address_1")?);
    let place = text(a, "postal_code").or_else(|| text(a, "city")).map(normalize)?;
    (!street.is_empty()).then(|| format!("{street}|{place}"))
}

/// Pairs within one block: all of them for small blocks, else each with its neighbours by name
/// (a large organisation's services are compared with the alphabetically nearest ones).
fn block_pairs(members: &mut Vec<usize>, names: &[String], out: &mut HashSet<(usize, usize)>) {
    const ALL_PAIRS_UP_TO: usize = 60;
    const WINDOW: usize = 8;
    members.sort_by(|a, b| names[*a].cmp(&names[*b]));
    members.dedup();
    for i in 0..members.len() {
        let end = if members.len() <= ALL_PAIRS_UP_TO { members.len() } else { (i + 1 + WINDOW).min(members.len()) };
        for j in i + 1..end {
            let (a, b) = (members[i].min(members[j]), members[i].max(members[j]));
            out.insert((a, b));
        }
    }
}

/// Likely duplicate services, most alike first (at most `limit`).
pub async fn duplicates(state: &AppState, actor: &Actor, limit: usize) -> AppResult<Vec<DuplicatePair>> {
    let conn = state.db.conn();
    let org = actor.org_id;
    let mut q = Query::select();
    q.columns([Alias::new("id"), Alias::new("name"), Alias::new("organization_id"), Alias::new("status")])
        .from(Alias::new("hsds_service"))
        .and_where(Expr::col(Alias::new("org_id")).eq(org))
        .order_by(Alias::new("id"), Order::Asc);
    let mut services: Vec<(String, String, Option<String>, String)> = Vec::new();
    for row in conn.query_all_raw(conn.get_database_backend().build(&q)).await? {
        services.push((
            row.try_get("", "id")?,
            row.try_get::<Option<String>>("", "name")?.unwrap_or_default(),
            row.try_get("", "organization_id")?,
            row.try_get::<Option<String>>("", "status")?.unwrap_or_else(|| "active".into()),
        ));
    }
    let index: HashMap<&str, usize> = services.iter().enumerate().map(|(i, s)| (s.0.as_str(), i)).collect();
    let names: Vec<String> = services.iter().map(|s| normalize(&s.1)).collect();
    let links = rows::load_all(conn, org, table("service_at_location")).await?;
    let mut locations_of: HashMap<String, Vec<usize>> = HashMap::new();
    for l in &links {
        if let (Some(s), Some(loc)) = (text(l, "service_id").and_then(|s| index.get(s)), text(l, "location_id")) {
            locations_of.entry(loc.to_string()).or_default().push(*s);
        }
    }
    let mut phones: Vec<Vec<String>> = vec![Vec::new(); services.len()];
    let mut shown_phone: Vec<Option<String>> = vec![None; services.len()];
    for p in rows::load_all(conn, org, table("phone")).await? {
        let Some(number) = text(&p, "number") else { continue };
        let Some(key) = phone_key(number) else { continue };
        let mut owners: Vec<usize> = text(&p, "service_id").and_then(|s| index.get(s)).copied().into_iter().collect();
        if let Some(loc) = text(&p, "location_id") {
            owners.extend(locations_of.get(loc).into_iter().flatten());
        }
        for o in owners {
            phones[o].push(key.clone());
            shown_phone[o].get_or_insert_with(|| number.to_string());
        }
    }
    let mut addresses: Vec<Vec<String>> = vec![Vec::new(); services.len()];
    let mut shown_address: Vec<Option<String>> = vec![None; services.len()];
    for a in rows::load_all(conn, org, table("address")).await? {
        let (Some(loc), Some(key)) = (text(&a, "location_id"), address_key(&a)) else { continue };
        for o in locations_of.get(loc).into_iter().flatten() {
            addresses[*o].push(key.clone());
            shown_address[*o].get_or_insert_with(|| address_line(&a));
        }
    }
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, s) in services.iter().enumerate() {
        for key in &phones[i] {
            blocks.entry(format!("p:{key}")).or_default().push(i);
        }
        for key in &addresses[i] {
            blocks.entry(format!("a:{key}")).or_default().push(i);
        }
        if let Some(o) = &s.2 {
            blocks.entry(format!("o:{o}")).or_default().push(i);
        }
    }
    let mut candidates = HashSet::new();
    for members in blocks.values_mut() {
        if members.len() > 1 {
            block_pairs(members, &names, &mut candidates);
        }
    }
    let orgs = by_id(rows::load_all(conn, org, table("organization")).await?);
    let brief = |i: usize| {
        let s = &services[i];
        Brief {
            service_id: s.0.clone(),
            name: s.1.clone(),
            organization_id: s.2.clone(),
            organization_name: s.2.as_ref().and_then(|o| orgs.get(o)).and_then(|o| owned(o, "name")),
            status: s.3.clone(),
            phone: shown_phone[i].clone(),
            address: shown_address[i].clone(),
        }
    };
    let mut pairs = Vec::new();
    for (a, b) in candidates {
        let similarity = name_similarity(&services[a].1, &services[b].1);
        let same_phone = phones[a].iter().any(|k| phones[b].contains(k));
        let same_address = addresses[a].iter().any(|k| addresses[b].contains(k));
        let same_organization = services[a].2.is_some() && services[a].2 == services[b].2;
        if is_likely_duplicate(similarity, same_phone, same_address, same_organization) {
            pairs.push(DuplicatePair {
                a: brief(a),
                b: brief(b),
                similarity,
                same_phone,
                same_address,
                same_organization,
            });
        }
    }
    let strength = |p: &DuplicatePair| {
        p.similarity + 0.1 * (p.same_phone as u8 + p.same_address as u8 + p.same_organization as u8) as f64
    };
    pairs.sort_by(|x, y| {
        strength(y).partial_cmp(&strength(x)).unwrap_or(std::cmp::Ordering::Equal).then(x.a.name.cmp(&y.a.name))
    });
    pairs.truncate(limit);
    Ok(pairs)
}

// ---------- merging ----------

/// What a merge did.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MergeOutcome {
    pub kept_service_id: String,
    pub merged_service_id: String,
    /// Rows of the merged service moved to the kept one, by HSDS table.
    pub moved: BTreeMap<String, usize>,
    /// Referrals that named the merged service and now name the kept one.
    pub referrals_repointed: u64,
}

/// What makes two rows of a table the same fact (the kept service's copy wins).
fn sameness(table_name: &str, row: &Row) -> String {
    let t = |f: &str| text(row, f).map(normalize).unwrap_or_default();
    match table_name {
        "phone" => text(row, "number").and_then(phone_key).unwrap_or_else(|| t("number")),
        "contact" => format!("{}|{}", t("name"), t("email")),
        "language" => [text(row, "code"), text(row, "name")]
            .into_iter()
            .flatten()
            .find_map(search::language_key)
            .unwrap_or_default(),
        "schedule" => Hours::from_row(row)
            .map(|h| format!("{:?}", (h.weekdays(), h.opens, h.closes, h.valid_from, h.valid_to)))
            .unwrap_or_else(|| format!("{}|{}", t("description"), t("byday"))),
        "service_area" => format!("{}|{}", t("name"), t("extent")),
        "cost_option" => format!("{}|{}|{}", t("option"), num(row, "amount").unwrap_or(-1.0), t("amount_description")),
        "required_document" => t("document"),
        "funding" => t("source"),
        _ => owned(row, "id").unwrap_or_default(),
    }
}

/// Tables whose rows hang on a service by `service_id`.
const SERVICE_CHILDREN: &[&str] =
    &["phone", "contact", "schedule", "service_area", "language", "funding", "cost_option", "required_document"];

/// Folds `merged_id` into `kept_id`: the kept service's empty fields are filled from the merged
/// one; the merged one's places, phones, contacts, languages, hours, fees, areas, documents,
/// funding and taxonomy terms that the kept one lacks move to it; referrals and verification
/// history follow; the merged service's remaining rows are removed. One transaction.
pub async fn merge(
    state: &AppState,
    actor: &Actor,
    kept_id: &str,
    merged_id: &str,
    versions_seen: Option<(i32, i32)>,
) -> AppResult<MergeOutcome> {
    require_editor(state, actor, "directory.merge").await?;
    if kept_id.trim() == merged_id.trim() {
        return Err(AppError::Invalid(FieldErrors::single("merge", "directory-error-merge-same")));
    }
    let org = actor.org_id;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let conn = &*txn;
    lock_service(conn, org, kept_id, versions_seen.map(|v| v.0)).await?;
    lock_service(conn, org, merged_id, versions_seen.map(|v| v.1)).await?;
    let kept = load(conn, org, kept_id).await?.ok_or(AppError::NotFound)?;
    let merged = load(conn, org, merged_id).await?.ok_or(AppError::NotFound)?;
    let mut moved: BTreeMap<String, usize> = BTreeMap::new();

    // The service row: the kept one's values, gaps filled from the merged one.
    let mut service = kept.service.clone();
    for field in table("service").fields {
        if service.get(field.name).is_none_or(|v| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()))
            && let Some(value) = merged.service.get(field.name)
        {
            service.insert(field.name.to_string(), value.clone());
        }
    }
    if let (Some(a), Some(b)) = (kept.assured_date(), merged.assured_date()) {
        service.insert("assured_date".into(), Value::String(format_date(Ord::max(a, b))));
    }
    service.insert("last_modified".into(), Value::String(rfc3339(now)));
    rows::upsert(conn, org, table("service"), &[service], now).await?;

    // Places: one at a location (or street address) the kept service already has is dropped,
    // and whatever hung on it moves to the kept service's place there.
    let mut link_map: HashMap<String, String> = HashMap::new();
    let mut moved_links = Vec::new();
    for place in &merged.places {
        let link_id = owned(&place.link, "id").unwrap_or_default();
        let same = kept.places.iter().find(|k| {
            k.location_id() == place.location_id()
                || (place.address().and_then(address_key).is_some()
                    && k.address().and_then(address_key) == place.address().and_then(address_key))
        });
        match same {
            Some(k) => {
                link_map.insert(link_id, owned(&k.link, "id").unwrap_or_default());
            }
            None => {
                let mut link = place.link.clone();
                link.insert("service_id".into(), Value::String(kept_id.to_string()));
                moved_links.push(link);
            }
        }
    }
    *moved.entry("service_at_location".into()).or_default() += moved_links.len();
    rows::upsert(conn, org, table("service_at_location"), &moved_links, now).await?;

    // Rows on the merged service (or on its dropped places) that the kept service lacks move.
    let dropped_links: Vec<String> = link_map.keys().cloned().collect();
    for t in SERVICE_CHILDREN {
        let tbl = table(t);
        let mut theirs = rows::load_where(conn, org, tbl, "service_id", &[merged_id.to_string()]).await?;
        if tbl.field("service_at_location_id").is_some() && !dropped_links.is_empty() {
            let on_links = rows::load_where(conn, org, tbl, "service_at_location_id", &dropped_links).await?;
            theirs.extend(on_links.into_iter().filter(|r| text(r, "service_id").is_none()));
        }
        let mine = rows::load_where(conn, org, tbl, "service_id", &[kept_id.to_string()]).await?;
        let mut keys: HashSet<String> = mine.iter().map(|r| sameness(t, r)).collect();
        let mut keep_rows = Vec::new();
        let mut drop_ids = Vec::new();
        for mut row in theirs {
            let key = sameness(t, &row);
            if keys.insert(key) {
                if text(&row, "service_id").is_some() {
                    row.insert("service_id".into(), Value::String(kept_id.to_string()));
                }
                if let Some(new_link) = text(&row, "service_at_location_id").and_then(|l| link_map.get(l)).cloned() {
                    row.insert("service_at_location_id".into(), Value::String(new_link));
                }
                keep_rows.push(row);
            } else {
                drop_ids.push(owned(&row, "id").unwrap_or_default());
            }
        }
        *moved.entry(t.to_string()).or_default() += keep_rows.len();
        rows::upsert(conn, org, tbl, &keep_rows, now).await?;
        rows::delete_where(conn, org, tbl, "id", &drop_ids).await?;
    }
    // Taxonomy terms.
    let attributes = rows::load_where(conn, org, table("attribute"), "link_id", &[merged_id.to_string()]).await?;
    let mut moved_attributes = Vec::new();
    let mut drop_attributes = Vec::new();
    let mut have: HashSet<String> = kept.terms.iter().map(|t| t.id.clone()).collect();
    for mut a in attributes {
        if have.insert(text(&a, "taxonomy_term_id").unwrap_or_default().to_string()) {
            a.insert("link_id".into(), Value::String(kept_id.to_string()));
            moved_attributes.push(a);
        } else {
            drop_attributes.push(owned(&a, "id").unwrap_or_default());
        }
    }
    *moved.entry("attribute".into()).or_default() += moved_attributes.len();
    rows::upsert(conn, org, table("attribute"), &moved_attributes, now).await?;
    rows::delete_where(conn, org, table("attribute"), "id", &drop_attributes).await?;
    // What still hangs on the dropped places or the merged service goes with them.
    rows::delete_where(conn, org, table("service_at_location"), "id", &dropped_links).await?;
    rows::delete_where(conn, org, table("service"), "id", &[merged_id.to_string()]).await?;
    moved.retain(|_, n| *n > 0);

    // Referrals and the verification history follow the resource.
    let organization_id = text(&kept.service, "organization_id").map(str::to_string);
    let repointed = referral::Entity::update_many()
        .col_expr(referral::Column::ServiceId, Expr::val(kept_id.to_string()))
        .col_expr(referral::Column::ResourceOrganizationId, Expr::val(organization_id))
        .filter(referral::Column::OrgId.eq(org))
        .filter(referral::Column::ServiceId.eq(merged_id))
        .exec(conn)
        .await?
        .rows_affected;
    for (old, new) in &link_map {
        referral::Entity::update_many()
            .col_expr(referral::Column::ServiceAtLocationId, Expr::val(new.clone()))
            .filter(referral::Column::OrgId.eq(org))
            .filter(referral::Column::ServiceAtLocationId.eq(old.clone()))
            .exec(conn)
            .await?;
    }
    directory_verification::Entity::update_many()
        .col_expr(directory_verification::Column::ServiceId, Expr::val(kept_id.to_string()))
        .filter(directory_verification::Column::OrgId.eq(org))
        .filter(directory_verification::Column::ServiceId.eq(merged_id))
        .exec(conn)
        .await?;
    directory_merge::Entity::insert(directory_merge::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org),
        kept_service_id: Set(kept_id.to_string()),
        merged_service_id: Set(merged_id.to_string()),
        merged_name: Set(merged.name().to_string()),
        merged_by: Set(actor.staff_id),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    search::reindex(conn, org, &[kept_id.to_string(), merged_id.to_string()]).await?;
    let entry = service_entry(actor, "directory.merge", kept_id).detail(json!({
        "kept_service_id": kept_id,
        "merged_service_id": merged_id,
        "moved": moved,
        "referrals_repointed": repointed,
    }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(MergeOutcome {
        kept_service_id: kept_id.to_string(),
        merged_service_id: merged_id.to_string(),
        moved,
        referrals_repointed: repointed,
    })
}

// ---------- settings ----------

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SettingsInput {
    /// Months a verification lasts, 1–60.
    #[serde(deserialize_with = "flexible")]
    #[schema(value_type = u32)]
    pub verify_months: Option<String>,
    /// `off`, `public` or `token`.
    pub hsds_access: String,
}

/// Saves the settings. Choosing token access with no token yet makes one: it is returned (to
/// show once) and only its digest is stored.
pub async fn save_settings(
    state: &AppState,
    actor: &Actor,
    version: i32,
    input: &SettingsInput,
) -> AppResult<(Settings, Option<String>)> {
    require_configurer(state, actor, "directory.settings").await?;
    let mut e = FieldErrors::new();
    let months = match input.verify_months.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => {
            e.add("verify_months", "error-required");
            None
        }
        Some(raw) => match raw.parse::<i32>() {
            Ok(m) if (1..=60).contains(&m) => Some(m),
            _ => {
                e.add("verify_months", "directory-error-verify-months");
                None
            }
        },
    };
    let access = e.required_code("hsds_access", &input.hsds_access, HsdsAccess::parse);
    let (Some(months), Some(access)) = (months, access) else { return Err(AppError::Invalid(e)) };
    let org = actor.org_id;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let current = settings::load(&*txn, org).await?;
    if current.version != version {
        return Err(AppError::Conflict);
    }
    let mut token = None;
    let mut hash = current.hsds_token_hash.clone();
    if access == HsdsAccess::Token && hash.is_none() {
        let (plain, digest) = settings::new_hsds_token();
        token = Some(plain);
        hash = Some(digest);
    }
    write_settings(&txn, org, &current, months, access, hash, now).await?;
    let entry = actor_entry(actor, "directory.settings").record("organisation", org).detail(json!({
        "verify_months": months,
        "hsds_access": access.code(),
        "token_created": token.is_some(),
    }));
    crate::db::audit::append(&txn, entry, now).await?;
    let saved = settings::load(&*txn, org).await?;
    txn.commit().await?;
    Ok((saved, token))
}

/// A new `/hsds/` token replacing any earlier one (which stops working at once). Shown once.
pub async fn new_token(state: &AppState, actor: &Actor) -> AppResult<(Settings, String)> {
    require_configurer(state, actor, "directory.token").await?;
    let org = actor.org_id;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let current = settings::load(&*txn, org).await?;
    let (plain, digest) = settings::new_hsds_token();
    write_settings(&txn, org, &current, current.verify_months, current.hsds_access, Some(digest), now).await?;
    let entry = actor_entry(actor, "directory.token").record("organisation", org);
    crate::db::audit::append(&txn, entry, now).await?;
    let saved = settings::load(&*txn, org).await?;
    txn.commit().await?;
    Ok((saved, plain))
}

async fn write_settings(
    txn: &crate::db::WriteTxn,
    org: Uuid,
    current: &Settings,
    months: i32,
    access: HsdsAccess,
    hash: Option<String>,
    now: OffsetDateTime,
) -> AppResult<()> {
    if current.version == 0 {
        directory_setting::Entity::insert(directory_setting::ActiveModel {
            org_id: Set(org),
            verify_months: Set(months),
            hsds_access: Set(access.code().to_string()),
            hsds_token_hash: Set(hash),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(&**txn)
        .await
        .map_err(|e| match e.sql_err() {
            // Someone saved the first settings at the same moment.
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict,
            _ => e.into(),
        })?;
        return Ok(());
    }
    let done = directory_setting::Entity::update_many()
        .col_expr(directory_setting::Column::VerifyMonths, Expr::val(months))
        .col_expr(directory_setting::Column::HsdsAccess, Expr::val(access.code()))
        .col_expr(directory_setting::Column::HsdsTokenHash, Expr::val(hash))
        .col_expr(directory_setting::Column::Version, Expr::val(current.version + 1))
        .col_expr(directory_setting::Column::UpdatedAt, Expr::val(now))
        .filter(directory_setting::Column::OrgId.eq(org))
        .filter(directory_setting::Column::Version.eq(current.version))
        .exec(&**txn)
        .await?
        .rows_affected;
    if done == 0 { Err(AppError::Conflict) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        parse_date(text).expect("date")
    }

    #[test]
    fn months_are_added_without_overflowing_the_month() {
        assert_eq!(add_months(date("2026-01-31"), 1), date("2026-02-28"));
        assert_eq!(add_months(date("2026-11-18"), -12), date("2025-11-18"));
        assert_eq!(add_months(date("2026-03-15"), -3), date("2025-12-15"));
    }

    #[test]
    fn stale_after_the_interval_or_never_verified() {
        let today = date("2026-11-18");
        assert!(is_stale(None, 12, today));
        assert!(!is_stale(Some(date("2025-11-18")), 12, today));
        assert!(is_stale(Some(date("2025-11-17")), 12, today));
        assert!(!is_stale(Some(date("2026-06-01")), 6, today));
        assert!(is_stale(Some(date("2026-05-17")), 6, today));
    }

    #[test]
    fn duplicate_rule_needs_a_shared_detail() {
        assert!(name_similarity("Riverside Food Bank", "Riverside Foodbank") > 0.9);
        assert!(name_similarity("Food Bank Riverside", "Riverside Food Bank") > 0.99);
        assert!(name_similarity("Riverside Food Bank", "Smile Dental") < 0.7);
        assert!(is_likely_duplicate(0.85, true, false, false));
        assert!(!is_likely_duplicate(0.99, false, false, false), "same name elsewhere is a different place");
        assert!(!is_likely_duplicate(0.88, false, false, true));
        assert!(is_likely_duplicate(0.95, false, false, true));
    }

    #[test]
    fn six_facts_are_flagged_when_missing() {
        let mut r = Resource { service: Row::new(), ..Resource::default() };
        r.service.insert("name".into(), json!("Somewhere"));
        assert_eq!(r.missing_facts().len(), 6);
        r.service.insert("description".into(), json!("Hot meals"));
        r.service.insert("fees_description".into(), json!("Free"));
        r.service.insert("minimum_age".into(), json!(18));
        r.languages.push(Linked {
            row: serde_json::from_value(json!({"id": "l", "name": "English"})).unwrap(),
            source: Source::Service,
        });
        r.contacts.push(Linked {
            row: serde_json::from_value(json!({"id": "c", "name": "Ana"})).unwrap(),
            source: Source::Organization,
        });
        assert_eq!(r.missing_facts(), vec![ResourceFact::NameLocationPhone]);
        r.phones.push(Linked {
            row: serde_json::from_value(json!({"id": "p", "number": "555-0100"})).unwrap(),
            source: Source::Service,
        });
        r.places.push(Place {
            link: Row::new(),
            location: serde_json::from_value(
                json!({"id": "x", "location_type": "physical", "latitude": 40.0, "longitude": -74.0}),
            )
            .unwrap(),
            addresses: Vec::new(),
        });
        assert!(r.missing_facts().is_empty());
        assert_eq!(r.fee_kind(), Some(FeeKind::Free));
    }

    #[test]
    fn the_form_checks_what_it_is_given() {
        let input = ResourceInput {
            name: " ".into(),
            latitude: Some("91".into()),
            longitude: None,
            city: Some("Springfield".into()),
            minimum_age: Some("30".into()),
            maximum_age: Some("18".into()),
            fee_kind: Some("free".into()),
            fee_amount: Some("12".into()),
            url: Some("example.org".into()),
            hours: vec![DayHours { day: "MO".into(), opens: "9:00".into(), closes: "".into() }],
            ..ResourceInput::default()
        };
        let errors = validate(&input).err().expect("invalid");
        let has = |field: &str, id: &str| errors.0.iter().any(|e| e.field == field && e.message_id == id);
        assert!(has("name", "error-required"));
        assert!(has("organization_id", "directory-error-organization-required"));
        assert!(has("latitude", "directory-error-latitude"));
        assert!(has("longitude", "directory-error-coordinates-pair"));
        assert!(has("address_1", "directory-error-address-part"));
        assert!(has("maximum_age", "directory-error-age-order"));
        assert!(has("fee_amount", "directory-error-amount-free"));
        assert!(has("url", "directory-error-url"));
        assert!(has("closes_MO", "directory-error-hours-missing"));
        let fine = ResourceInput {
            name: "Pantry".into(),
            new_organization_name: Some("Helpers".into()),
            languages: vec!["Spanish, english".into(), "es".into()],
            hours: vec![DayHours { day: "mo".into(), opens: "09:00".into(), closes: "17:00".into() }],
            ..ResourceInput::default()
        };
        let valid = validate(&fine).expect("valid");
        assert_eq!(
            valid.languages,
            vec![("Spanish".to_string(), Some("es".to_string())), ("English".to_string(), Some("en".to_string()))]
        );
        assert_eq!(valid.hours, vec![(0, 540, 1020)]);
        assert_eq!(valid.status, "active");
    }
}
