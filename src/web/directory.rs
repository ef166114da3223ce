//! Resource directory pages: search (with a person's language when opened from their record),
//! a resource with its six 6.02 facts and verification history, the one create/edit form,
//! verifying, the stale worklist, likely duplicates and merging, referring someone, and the
//! directory settings. Everyone on staff searches and reads; editing is for `may_edit_directory`,
//! settings for `may_configure_directory`.

use super::groups::{field, fields};
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::access::{self, Action, PersonScope};
use crate::app::AppState;
use crate::db::PageRequest;
use crate::directory::resources::{
    self, DayHours, DuplicatePair, FeeKind, Resource, ResourceInput, STATUSES, SettingsInput, Source, StaleList,
    Verification, VerifyInput, VerifyMethod,
};
use crate::directory::search::{self, Hit, Near, SearchQuery, Summary, WEEKDAY_CODES};
use crate::directory::settings::Settings;
use crate::domain::FieldErrors;
use crate::domain::directory::{HsdsAccess, ResourceFact};
use crate::domain::search::normalize;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/directory", get(search_page))
        .route("/directory/new", get(new_page).post(create))
        .route("/directory/stale", get(stale_page))
        .route("/directory/duplicates", get(duplicates_page))
        .route("/directory/merge", get(merge_page).post(merge))
        .route("/directory/settings", get(settings_page).post(save_settings))
        .route("/directory/settings/token", post(new_token))
        .route("/directory/{id}", get(resource_page))
        .route("/directory/{id}/edit", get(edit_page).post(update))
        .route("/directory/{id}/verify", get(verify_page).post(verify))
        .route("/directory/{id}/refer", get(refer_page))
}

const PER_PAGE: u64 = 20;

fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default()
}

fn text(form: &[(String, String)], name: &str) -> String {
    field(form, name).map(|v| v.trim().to_string()).unwrap_or_default()
}

fn optional(form: &[(String, String)], name: &str) -> Option<String> {
    field(form, name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

fn encode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)]).unwrap_or_default().trim_start_matches("v=").to_string()
}

/// The link to a resource (HSDS ids may hold characters that need escaping).
pub fn resource_link(id: &str) -> String {
    format!("/directory/{}", encode(id))
}

/// Miles where the organisation works in miles.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Km,
    Mi,
}

const KM_PER_MILE: f64 = 1.609_344;

impl Unit {
    fn of(ctx: &Ctx) -> Unit {
        if ctx.org.country.eq_ignore_ascii_case("US") { Unit::Mi } else { Unit::Km }
    }

    fn to_km(self, value: f64) -> f64 {
        match self {
            Unit::Km => value,
            Unit::Mi => value * KM_PER_MILE,
        }
    }

    fn distance(self, tr: &Tr, km: f64) -> String {
        let (value, id) = match self {
            Unit::Km => (km, "directory-distance-km"),
            Unit::Mi => (km / KM_PER_MILE, "directory-distance-mi"),
        };
        let rounded = if value < 10.0 { (value * 10.0).round() / 10.0 } else { value.round() };
        tr.t1(id, "distance", rounded)
    }
}

fn weekday_label(tr: &Tr, code: &str) -> String {
    tr.t(&format!("directory-day-{}", code.to_lowercase()))
}

/// "Mon, Tue, Wed · 09:00–17:00" for each schedule the service states.
pub fn hours_lines(tr: &Tr, r: &Resource) -> Vec<String> {
    r.hours()
        .iter()
        .map(|h| {
            let days: Vec<String> = if h.days.iter().any(|(n, _)| *n != 0) {
                h.days
                    .iter()
                    .map(|(n, d)| {
                        let day = weekday_label(tr, WEEKDAY_CODES[*d as usize]);
                        if *n == 0 {
                            day
                        } else {
                            tr.with_args("directory-day-nth", &[("n", n.to_string()), ("day", day)])
                        }
                    })
                    .collect()
            } else {
                h.weekdays().iter().map(|d| weekday_label(tr, d)).collect()
            };
            let times = if h.opens == h.closes {
                tr.t("directory-all-day")
            } else {
                format!("{}–{}", h.opens_text(), h.closes_text())
            };
            let mut line = format!("{} · {}", days.join(", "), times);
            if let Some(from) = h.valid_from {
                line.push_str(&format!(" · {}", tr.t1("directory-valid-from", "date", from.to_string())));
            }
            if let Some(to) = h.valid_to {
                line.push_str(&format!(" · {}", tr.t1("directory-valid-to", "date", to.to_string())));
            }
            line
        })
        .collect()
}

fn fee_text(tr: &Tr, kind: FeeKind, amount: Option<f64>) -> String {
    let label = tr.t(&format!("directory-fee-{}", kind.code()));
    match amount.filter(|_| kind == FeeKind::Fee) {
        Some(amount) => format!("{label} · {amount:.2}"),
        None => label,
    }
}

fn fee_label(tr: &Tr, r: &Resource) -> Option<String> {
    r.fee_kind().map(|kind| fee_text(tr, kind, r.fee_amount()))
}

fn status_label(tr: &Tr, status: &str) -> String {
    let id = format!("directory-status-{}", status.replace(' ', "-"));
    let label = tr.t(&id);
    if label == id { status.to_string() } else { label }
}

fn fact_label(tr: &Tr, fact: ResourceFact) -> String {
    tr.t(&fact.message_id())
}

fn is_open_now(ctx: &Ctx, r: &Resource) -> Option<bool> {
    let hours = r.hours();
    (!hours.is_empty()).then(|| search::open_at(&hours, search::local_now(&ctx.org.time_zone, ctx.state.clock.now())))
}

async fn deny(ctx: &Ctx, what: &str) -> AppError {
    let entry = ctx
        .entry("access.denied")
        .outcome(crate::audit::Outcome::Denied)
        .record("organisation", ctx.actor.org_id)
        .detail(serde_json::json!({ "action": what }));
    match crate::db::audit::append_now(&ctx.state.db, entry, ctx.state.clock.now()).await {
        Ok(()) => AppError::Forbidden,
        Err(e) => e.into(),
    }
}

fn may_refer(ctx: &Ctx) -> bool {
    access::person_scope(&ctx.actor) != PersonScope::Nobody && ctx.actor.works_with_people()
}

// ---------- search ----------

/// The search form's values, as typed.
#[derive(Clone, Debug, Default)]
pub struct Params {
    pub q: String,
    pub terms: Vec<String>,
    pub language: String,
    pub free: bool,
    pub age: String,
    pub open_now: bool,
    pub lat: String,
    pub lon: String,
    pub within: String,
    pub organization: String,
    pub include_inactive: bool,
    pub for_person: Option<Uuid>,
    pub page: u64,
}

impl Params {
    fn read(pairs: &[(String, String)]) -> Params {
        Params {
            q: text(pairs, "q").chars().take(200).collect(),
            terms: fields(pairs, "term").into_iter().filter(|t| !t.trim().is_empty()).take(20).collect(),
            language: text(pairs, "language"),
            free: field(pairs, "free").is_some(),
            age: text(pairs, "age"),
            open_now: field(pairs, "open_now").is_some(),
            lat: text(pairs, "lat"),
            lon: text(pairs, "lon"),
            within: text(pairs, "within"),
            organization: text(pairs, "organization"),
            include_inactive: field(pairs, "include_inactive").is_some(),
            for_person: optional(pairs, "for_person").and_then(|v| Uuid::parse_str(&v).ok()),
            page: text(pairs, "page").parse().unwrap_or(1).clamp(1, 10_000),
        }
    }

    /// The same search on another page.
    pub fn link(&self, page: u64) -> String {
        let mut out: Vec<(&str, String)> = Vec::new();
        let mut add = |k: &'static str, v: &str| {
            if !v.is_empty() {
                out.push((k, v.to_string()));
            }
        };
        add("q", &self.q);
        for t in &self.terms {
            add("term", t);
        }
        add("language", &self.language);
        add("free", if self.free { "on" } else { "" });
        add("age", &self.age);
        add("open_now", if self.open_now { "on" } else { "" });
        add("lat", &self.lat);
        add("lon", &self.lon);
        add("within", &self.within);
        add("organization", &self.organization);
        add("include_inactive", if self.include_inactive { "on" } else { "" });
        let person = self.for_person.map(|p| p.to_string()).unwrap_or_default();
        add("for_person", &person);
        let page = page.to_string();
        add("page", &page);
        format!("/directory?{}", serde_urlencoded::to_string(&out).unwrap_or_default())
    }

    /// The search the form asks for, or what is wrong with it.
    fn query(&self, unit: Unit) -> Result<SearchQuery, FieldErrors> {
        let mut e = FieldErrors::new();
        let age = match self.age.as_str() {
            "" => None,
            raw => match raw.parse::<u32>() {
                Ok(a) if a <= 120 => Some(a),
                _ => {
                    e.add("age", "directory-error-age");
                    None
                }
            },
        };
        let coordinate = |e: &mut FieldErrors, field: &str, raw: &str, limit: f64, id: &'static str| match raw {
            "" => None,
            raw => match raw.parse::<f64>() {
                Ok(v) if v.is_finite() && v.abs() <= limit => Some(v),
                _ => {
                    e.add(field, id);
                    None
                }
            },
        };
        let lat = coordinate(&mut e, "lat", &self.lat, 90.0, "directory-error-latitude");
        let lon = coordinate(&mut e, "lon", &self.lon, 180.0, "directory-error-longitude");
        if self.lat.is_empty() != self.lon.is_empty() {
            e.add(if self.lat.is_empty() { "lat" } else { "lon" }, "directory-error-coordinates-pair");
        }
        let within = match self.within.as_str() {
            "" => None,
            raw => match raw.parse::<f64>() {
                Ok(v) if v > 0.0 && v <= 1000.0 => Some(unit.to_km(v)),
                _ => {
                    e.add("within", "directory-error-within");
                    None
                }
            },
        };
        if within.is_some() && lat.is_none() && self.lat.is_empty() {
            e.add("lat", "directory-error-within-needs-place");
        }
        e.finish(SearchQuery {
            text: self.q.clone(),
            taxonomy_term_ids: self.terms.clone(),
            organization_id: Some(self.organization.clone()).filter(|o| !o.is_empty()),
            language: Some(self.language.clone()).filter(|l| !l.is_empty()),
            free_or_low_cost: self.free,
            age,
            near: lat.zip(lon).map(|(latitude, longitude)| Near { latitude, longitude, within_km: within }),
            include_inactive: self.include_inactive,
            ..SearchQuery::default()
        })
    }
}

/// One result as the list shows it.
pub struct ResultRow {
    pub link: String,
    pub name: String,
    pub organization: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub distance: Option<String>,
    pub languages: String,
    pub fees: Option<String>,
    /// None: no hours on record.
    pub open_now: Option<bool>,
    pub missing: Vec<String>,
    pub stale: bool,
    /// Shown when not simply active.
    pub status: Option<String>,
    pub speaks_preferred: bool,
    pub refer_link: Option<String>,
}

fn result_row(
    ctx: &Ctx,
    hit: &Hit,
    summary: &Summary,
    verify_months: i32,
    unit: Unit,
    person: Option<&PersonFocus>,
) -> ResultRow {
    let tr = &ctx.tr;
    let preferred = person.and_then(|p| p.language.as_deref()).and_then(search::language_key);
    let now = search::local_now(&ctx.org.time_zone, ctx.state.clock.now());
    ResultRow {
        link: resource_link(&hit.service_id),
        name: summary.name.clone(),
        organization: summary.organization_name.clone(),
        address: summary.address.clone(),
        phone: summary.phone.clone(),
        distance: hit.distance_km.map(|d| unit.distance(tr, d)),
        languages: summary.languages.join(", "),
        fees: summary.fee.map(|(kind, amount)| fee_text(tr, kind, amount)),
        open_now: (!summary.hours.is_empty()).then(|| search::open_at(&summary.hours, now)),
        missing: summary.missing.iter().map(|f| fact_label(tr, *f)).collect(),
        stale: resources::is_stale(summary.assured, verify_months, ctx.today()),
        status: (summary.status != "active").then(|| status_label(tr, &summary.status)),
        speaks_preferred: preferred.as_ref().is_some_and(|p| {
            summary.languages.iter().filter_map(|l| search::language_key(l)).any(|k| search::language_matches(&k, p))
        }),
        refer_link: person.map(|p| {
            let query = serde_urlencoded::to_string([("service_id", hit.service_id.as_str())]).unwrap_or_default();
            format!("/people/{}/referrals/new?{query}", p.id)
        }),
    }
}

/// The person a search is for (opened from their record).
pub struct PersonFocus {
    pub id: Uuid,
    pub name: String,
    pub language: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "directory/index.html")]
pub struct SearchPage {
    pub shell: Shell,
    pub params: Params,
    pub errors: FormErrors,
    pub searched: bool,
    pub results: Vec<ResultRow>,
    pub total: u64,
    pub pages: u64,
    pub terms: Vec<(String, String, bool)>,
    pub languages: Vec<(String, String, bool)>,
    pub within_options: Vec<(String, String, bool)>,
    pub person: Option<PersonFocus>,
    pub organization_name: Option<String>,
    pub can_edit: bool,
    pub can_configure: bool,
    pub directory_size: usize,
}

impl SearchPage {
    pub fn page_link(&self, page: u64) -> String {
        self.params.link(page)
    }
    pub fn refer_label(&self) -> String {
        match &self.person {
            Some(p) => self.shell.t1("directory-refer-person", "name", p.name.clone()),
            None => String::new(),
        }
    }
    pub fn clear_organization_link(&self) -> String {
        let mut p = self.params.clone();
        p.organization.clear();
        p.link(1)
    }
}

pub async fn search_page(ctx: Ctx, RawQuery(raw): RawQuery) -> AppResult<SearchPage> {
    let pairs = pairs(raw.as_deref());
    let params = Params::read(&pairs);
    let unit = Unit::of(&ctx);
    let conn = ctx.state.db.conn();
    let org = ctx.actor.org_id;
    let person = match params.for_person {
        Some(id) => {
            let opened = crate::records::open(&ctx.state, &ctx.actor, id, Action::ViewPerson).await?;
            use crate::web::people::PersonView;
            Some(PersonFocus {
                id,
                name: opened.person.display_name(),
                language: opened.person.preferred_language.clone().filter(|l| !l.trim().is_empty()),
            })
        }
        None => None,
    };
    let settings = crate::directory::settings::load(conn, org).await?;
    let searched = pairs.iter().any(|(k, v)| k != "for_person" && k != "page" && !v.trim().is_empty());
    let (mut results, mut total, mut errors) = (Vec::new(), 0, FieldErrors::new());
    match params.query(unit) {
        Ok(mut query) => {
            query.prefer_language = person.as_ref().and_then(|p| p.language.clone());
            query.today = Some(ctx.today());
            if params.open_now {
                query.open_at = Some(search::local_now(&ctx.org.time_zone, ctx.state.clock.now()));
            }
            let offset = (params.page - 1) * PER_PAGE;
            let (count, found) = search::search_summaries(conn, org, &query, PER_PAGE, offset).await?;
            total = count;
            results = found
                .iter()
                .map(|(hit, summary)| result_row(&ctx, hit, summary, settings.verify_months, unit, person.as_ref()))
                .collect();
        }
        Err(e) => errors = e,
    }
    let facets = search::facets(conn, org).await?;
    let term_names =
        term_names(conn, org, facets.term_ids.iter().map(|(id, _)| id.clone()).take(300).collect()).await?;
    let mut terms: Vec<(String, String, bool)> = term_names
        .into_iter()
        .map(|(id, name)| {
            let selected = params.terms.contains(&id);
            (id, name, selected)
        })
        .collect();
    terms.sort_by_key(|a| a.1.to_lowercase());
    let mut languages: Vec<(String, String, bool)> = facets
        .languages
        .iter()
        .map(|(key, _)| {
            let name = search::language_name(key).map(str::to_string).unwrap_or_else(|| key.clone());
            (key.clone(), name, search::language_key(&params.language).as_deref() == Some(key.as_str()))
        })
        .collect();
    languages.sort_by(|a, b| a.1.cmp(&b.1));
    let within_options = [1, 2, 5, 10, 25, 50]
        .iter()
        .map(|n| {
            let id = if unit == Unit::Mi { "directory-within-mi" } else { "directory-within-km" };
            (n.to_string(), ctx.tr.t1(id, "distance", n), params.within == n.to_string())
        })
        .collect();
    let organization_name = match params.organization.as_str() {
        "" => None,
        id => crate::directory::rows::load_one(conn, org, resources::table("organization"), id)
            .await?
            .and_then(|o| resources::text(&o, "name").map(str::to_string)),
    };
    Ok(SearchPage {
        errors: FormErrors::new(&ctx.tr, &errors),
        searched,
        pages: total.div_ceil(PER_PAGE).max(1),
        results,
        total,
        terms,
        languages,
        within_options,
        person,
        organization_name,
        can_edit: access::may_edit_directory(&ctx.actor),
        can_configure: access::may_configure_directory(&ctx.actor),
        directory_size: facets.services,
        params,
        shell: ctx.shell().await?,
    })
}

async fn term_names(
    conn: &impl sea_orm::ConnectionTrait,
    org: Uuid,
    ids: Vec<String>,
) -> AppResult<Vec<(String, String)>> {
    let rows = crate::directory::rows::load_where(conn, org, resources::table("taxonomy_term"), "id", &ids).await?;
    Ok(rows
        .iter()
        .filter_map(|t| Some((resources::text(t, "id")?.to_string(), resources::text(t, "name")?.to_string())))
        .collect())
}

// ---------- one resource ----------

/// One of the six facts as the resource page shows it.
pub struct FactRow {
    pub label: String,
    pub missing: bool,
    pub lines: Vec<String>,
    /// What part is absent (e.g. "No phone number"), when the fact is partly there.
    pub hint: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "directory/show.html")]
pub struct ResourcePage {
    pub shell: Shell,
    pub id: String,
    pub link: String,
    pub name: String,
    pub status: Option<String>,
    pub alert: Option<String>,
    pub organization: Option<(String, String)>,
    pub facts: Vec<FactRow>,
    pub missing_count: usize,
    pub details: Vec<(String, String)>,
    pub hours: Vec<String>,
    pub open_now: Option<bool>,
    pub url: Option<String>,
    pub email: Option<String>,
    pub assured: Option<String>,
    pub verified_by: Option<String>,
    pub stale: bool,
    pub verify_months: i32,
    pub verifications: Vec<Verification>,
    pub can_edit: bool,
    pub can_refer: bool,
}

impl ResourcePage {
    pub fn method(&self, v: &Verification) -> String {
        v.row.method.as_deref().and_then(VerifyMethod::parse).map(|m| self.shell.t(&m.message_id())).unwrap_or_default()
    }
}

fn fact_rows(tr: &Tr, r: &Resource) -> Vec<FactRow> {
    let missing = r.missing_facts();
    let row = |fact: ResourceFact, lines: Vec<String>, hint: Option<String>| FactRow {
        label: fact_label(tr, fact),
        missing: missing.contains(&fact),
        lines,
        hint,
    };
    let mut place_lines = vec![r.name().to_string()];
    for p in &r.places {
        let name = resources::text(&p.location, "name");
        let line = [name.map(str::to_string), p.address_line()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
        if !line.is_empty() {
            place_lines.push(line);
        } else if p.is_virtual() {
            place_lines.push(tr.t("directory-virtual-place"));
        }
    }
    for p in &r.phones {
        let Some(number) = resources::text(&p.row, "number") else { continue };
        let mut line = number.to_string();
        if let Some(ext) = resources::num(&p.row, "extension") {
            line.push_str(&format!(" {} {}", tr.t("directory-extension"), crate::directory::rows::number(ext)));
        }
        if let Some(d) = resources::text(&p.row, "description") {
            line.push_str(&format!(" ({d})"));
        }
        if p.source == Source::Organization {
            line.push_str(&format!(" · {}", tr.t("directory-phone-organization")));
        }
        place_lines.push(line);
    }
    let place_hint = match (r.has_location(), r.has_phone()) {
        (false, false) => Some(tr.t("directory-missing-location-phone")),
        (false, true) => Some(tr.t("directory-missing-location")),
        (true, false) => Some(tr.t("directory-missing-phone")),
        _ => None,
    };
    let contacts = r
        .named_contacts()
        .iter()
        .map(|c| {
            [
                resources::text(&c.row, "name"),
                resources::text(&c.row, "title"),
                resources::text(&c.row, "department"),
                resources::text(&c.row, "email"),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ")
        })
        .collect();
    let mut services: Vec<String> = r.field("description").map(|d| vec![d.to_string()]).unwrap_or_default();
    if !r.terms.is_empty() {
        services.push(r.terms.iter().map(|t| t.name.clone()).collect::<Vec<_>>().join(", "));
    }
    let languages = if r.languages.is_empty() { Vec::new() } else { vec![r.language_names().join(", ")] };
    let mut fees: Vec<String> = fee_label(tr, r).into_iter().collect();
    for o in &r.cost_options {
        let parts: Vec<String> = [
            resources::text(o, "option").map(str::to_string),
            resources::num(o, "amount")
                .map(|a| format!("{a:.2} {}", resources::text(o, "currency").unwrap_or_default()).trim().to_string()),
            resources::text(o, "amount_description").map(str::to_string),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !parts.is_empty() {
            fees.push(parts.join(" · "));
        }
    }
    fees.extend(r.field("fees_description").map(str::to_string));
    fees.dedup();
    let mut eligibility = Vec::new();
    match (r.min_age(), r.max_age()) {
        (Some(min), Some(max)) => eligibility
            .push(tr.with_args("directory-ages-between", &[("min", min.to_string()), ("max", max.to_string())])),
        (Some(min), None) => eligibility.push(tr.t1("directory-ages-from", "min", min)),
        (None, Some(max)) => eligibility.push(tr.t1("directory-ages-to", "max", max)),
        (None, None) => {}
    }
    eligibility.extend(r.field("eligibility_description").map(str::to_string));
    vec![
        row(ResourceFact::NameLocationPhone, place_lines, place_hint),
        row(ResourceFact::ContactPerson, contacts, None),
        row(ResourceFact::Services, services, None),
        row(ResourceFact::Languages, languages, None),
        row(ResourceFact::Fees, fees, None),
        row(ResourceFact::Eligibility, eligibility, None),
    ]
}

async fn resource_view(ctx: &Ctx, id: &str) -> AppResult<ResourcePage> {
    let conn = ctx.state.db.conn();
    let org = ctx.actor.org_id;
    let r = resources::load(conn, org, id).await?.ok_or(AppError::NotFound)?;
    let settings = crate::directory::settings::load(conn, org).await?;
    let verifications = resources::verifications(conn, org, id).await?;
    let tr = ctx.tr;
    let assured = r.assured_date();
    let verified_by =
        assured.and_then(|d| verifications.iter().find(|v| v.row.verified_on == d).map(|v| v.verified_by_name.clone()));
    let mut details = Vec::new();
    let mut detail = |id: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            details.push((tr.t(id), v));
        }
    };
    detail("directory-alternate-name", r.field("alternate_name").map(str::to_string));
    detail("directory-application-process", r.field("application_process").map(str::to_string));
    detail("directory-wait-time", r.field("wait_time").map(str::to_string));
    detail("directory-interpretation", r.field("interpretation_services").map(str::to_string));
    detail(
        "directory-service-areas",
        Some(r.service_areas.iter().filter_map(|a| resources::text(a, "name")).collect::<Vec<_>>().join(", ")),
    );
    detail(
        "directory-required-documents",
        Some(r.required_documents.iter().filter_map(|d| resources::text(d, "document")).collect::<Vec<_>>().join(", ")),
    );
    detail("directory-accreditations", r.field("accreditations").map(str::to_string));
    detail("directory-licenses", r.field("licenses").map(str::to_string));
    detail("directory-last-modified", r.last_modified().map(|t| crate::app::format_local(&ctx.org.time_zone, t)));
    let facts = fact_rows(&tr, &r);
    Ok(ResourcePage {
        id: r.id().to_string(),
        link: resource_link(r.id()),
        name: r.name().to_string(),
        status: (r.status() != "active").then(|| status_label(&tr, r.status())),
        alert: r.field("alert").map(str::to_string),
        organization: r.organization_id().map(|o| {
            (
                format!("/directory?{}", serde_urlencoded::to_string([("organization", o)]).unwrap_or_default()),
                r.organization_name().unwrap_or(o).to_string(),
            )
        }),
        missing_count: facts.iter().filter(|f| f.missing).count(),
        facts,
        details,
        hours: hours_lines(&tr, &r),
        open_now: is_open_now(ctx, &r),
        url: r.field("url").map(str::to_string).filter(|u| u.starts_with("http://") || u.starts_with("https://")),
        email: r.field("email").map(str::to_string),
        assured: assured.map(resources::format_date),
        verified_by,
        stale: r.is_stale(&settings, ctx.today()),
        verify_months: settings.verify_months,
        verifications,
        can_edit: access::may_edit_directory(&ctx.actor),
        can_refer: may_refer(ctx),
        shell: ctx.shell().await?,
    })
}

pub async fn resource_page(ctx: Ctx, Path(id): Path<String>) -> AppResult<ResourcePage> {
    resource_view(&ctx, &id).await
}

// ---------- the form ----------

/// Languages offered as boxes to tick on the form (others are typed).
const FORM_LANGUAGES: &[&str] = &["en", "es", "fr", "zh", "vi", "ar", "tl", "ht", "ase", "pt", "ru", "ko", "so"];

pub struct DayRow {
    pub code: &'static str,
    pub opens_field: String,
    pub closes_field: String,
    pub label: String,
    pub open: bool,
    pub opens: String,
    pub closes: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "directory/form.html")]
pub struct ResourceForm {
    pub shell: Shell,
    pub action: String,
    pub editing: Option<(String, i32)>,
    pub back: String,
    pub conflict: bool,
    pub input: ResourceInput,
    pub organization_name: String,
    pub organizations: Vec<String>,
    pub errors: FormErrors,
    pub statuses: Vec<(&'static str, String, bool)>,
    pub fee_kinds: Vec<(&'static str, String, bool)>,
    pub terms: Vec<(String, String, bool)>,
    pub common_languages: Vec<(String, String, bool)>,
    pub other_languages: String,
    pub days: Vec<DayRow>,
}

impl ResourceForm {
    pub fn value(&self, v: &Option<String>) -> String {
        v.clone().unwrap_or_default()
    }
}

/// The form's organisation field: the name typed (an existing organisation is reused by name).
fn organization_errors(errors: FieldErrors) -> FieldErrors {
    FieldErrors(
        errors
            .0
            .into_iter()
            .map(|mut e| {
                if e.field == "organization_id" || e.field == "new_organization_name" {
                    e.field = "organization_name".into();
                }
                if e.field.starts_with("taxonomy_term_ids") {
                    e.field = "terms".into();
                }
                e
            })
            .collect(),
    )
}

async fn resource_form(
    ctx: &Ctx,
    input: ResourceInput,
    organization_name: String,
    errors: &FieldErrors,
    editing: Option<(String, i32)>,
    conflict: bool,
) -> AppResult<ResourceForm> {
    let conn = ctx.state.db.conn();
    let org = ctx.actor.org_id;
    let tr = ctx.tr;
    let mut organizations: Vec<String> = Vec::new();
    {
        let mut q = sea_orm::sea_query::Query::select();
        use sea_orm::sea_query::{Alias, Expr, ExprTrait};
        q.column(Alias::new("name"))
            .from(Alias::new("hsds_organization"))
            .and_where(Expr::col(Alias::new("org_id")).eq(org))
            .order_by(Alias::new("name"), sea_orm::sea_query::Order::Asc)
            .limit(500);
        for row in sea_orm::ConnectionTrait::query_all_raw(conn, conn.get_database_backend().build(&q)).await? {
            if let Ok(Some(name)) = row.try_get::<Option<String>>("", "name") {
                organizations.push(name);
            }
        }
    }
    let facets = search::facets(conn, org).await?;
    let mut ids: Vec<String> = facets.term_ids.iter().map(|(id, _)| id.clone()).take(200).collect();
    ids.extend(input.taxonomy_term_ids.iter().cloned());
    let mut terms: Vec<(String, String, bool)> = term_names(conn, org, ids)
        .await?
        .into_iter()
        .map(|(id, name)| {
            let on = input.taxonomy_term_ids.contains(&id);
            (id, name, on)
        })
        .collect();
    terms.sort_by_key(|a| a.1.to_lowercase());
    terms.dedup_by(|a, b| a.0 == b.0);
    let typed_keys: Vec<(String, String)> =
        input.languages.iter().map(|l| (search::language_key(l).unwrap_or_default(), l.clone())).collect();
    let common_languages: Vec<(String, String, bool)> = FORM_LANGUAGES
        .iter()
        .map(|key| {
            let name = search::language_name(key).unwrap_or(key).to_string();
            let on = typed_keys.iter().any(|(k, _)| k == key);
            (name.clone(), name, on)
        })
        .collect();
    let other_languages = typed_keys
        .iter()
        .filter(|(k, _)| !FORM_LANGUAGES.contains(&k.as_str()))
        .map(|(_, l)| l.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let days = WEEKDAY_CODES
        .iter()
        .map(|code| {
            let found = input.hours.iter().find(|h| h.day.eq_ignore_ascii_case(code));
            DayRow {
                code,
                opens_field: format!("opens_{code}"),
                closes_field: format!("closes_{code}"),
                label: tr.t(&format!("directory-day-long-{}", code.to_lowercase())),
                open: found.is_some(),
                opens: found.map(|h| h.opens.chars().take(5).collect()).unwrap_or_default(),
                closes: found.map(|h| h.closes.chars().take(5).collect()).unwrap_or_default(),
            }
        })
        .collect();
    let status = input.status.clone();
    let fee = input.fee_kind.clone().unwrap_or_default();
    Ok(ResourceForm {
        action: match &editing {
            Some((id, _)) => format!("{}/edit", resource_link(id)),
            None => "/directory/new".into(),
        },
        back: match &editing {
            Some((id, _)) => resource_link(id),
            None => "/directory".into(),
        },
        editing,
        conflict,
        organization_name,
        organizations,
        errors: FormErrors::new(&tr, errors),
        statuses: STATUSES.iter().map(|s| (*s, status_label(&tr, s), *s == status)).collect(),
        fee_kinds: FeeKind::ALL
            .iter()
            .map(|k| (k.code(), tr.t(&format!("directory-fee-{}", k.code())), k.code() == fee))
            .collect(),
        terms,
        common_languages,
        other_languages,
        days,
        input,
        shell: ctx.shell().await?,
    })
}

/// Reads the form. The organisation is chosen by name: the current one is kept when the name
/// is unchanged, else an organisation with that name is reused or created.
fn read_form(form: &[(String, String)], current: Option<&Resource>) -> (ResourceInput, String) {
    let organization_name = text(form, "organization_name");
    let keep_current = current
        .and_then(|r| r.organization_name().map(|n| (r.organization_id(), n)))
        .filter(|(_, n)| !organization_name.is_empty() && normalize(n) == normalize(&organization_name))
        .and_then(|(id, _)| id.map(str::to_string));
    let mut languages = fields(form, "languages");
    languages.extend(optional(form, "other_languages"));
    let hours = WEEKDAY_CODES
        .iter()
        .filter_map(|code| {
            let opens = text(form, &format!("opens_{code}"));
            let closes = text(form, &format!("closes_{code}"));
            let open = field(form, &format!("open_{code}")).is_some();
            (open || !opens.is_empty() || !closes.is_empty()).then(|| DayHours { day: code.to_string(), opens, closes })
        })
        .collect();
    let input = ResourceInput {
        name: text(form, "name"),
        description: optional(form, "description"),
        status: text(form, "status"),
        organization_id: keep_current.clone(),
        new_organization_name: if keep_current.is_some() {
            None
        } else {
            Some(organization_name.clone()).filter(|n| !n.is_empty())
        },
        location_name: optional(form, "location_name"),
        address_1: optional(form, "address_1"),
        address_2: optional(form, "address_2"),
        city: optional(form, "city"),
        state_province: optional(form, "state_province"),
        postal_code: optional(form, "postal_code"),
        country: optional(form, "country"),
        latitude: optional(form, "latitude"),
        longitude: optional(form, "longitude"),
        phone: optional(form, "phone"),
        contact_name: optional(form, "contact_name"),
        contact_title: optional(form, "contact_title"),
        contact_email: optional(form, "contact_email"),
        languages,
        fee_kind: optional(form, "fee_kind"),
        fee_amount: optional(form, "fee_amount"),
        fees_description: optional(form, "fees_description"),
        minimum_age: optional(form, "minimum_age"),
        maximum_age: optional(form, "maximum_age"),
        eligibility_description: optional(form, "eligibility_description"),
        taxonomy_term_ids: fields(form, "terms"),
        new_term: optional(form, "new_term"),
        hours,
        url: optional(form, "url"),
        email: optional(form, "email"),
    };
    (input, organization_name)
}

pub async fn new_page(ctx: Ctx) -> AppResult<ResourceForm> {
    if !access::may_edit_directory(&ctx.actor) {
        return Err(deny(&ctx, "directory.create").await);
    }
    let input = ResourceInput {
        status: "active".into(),
        country: Some(ctx.org.country.to_ascii_uppercase()).filter(|c| c.len() == 2),
        ..ResourceInput::default()
    };
    resource_form(&ctx, input, String::new(), &FieldErrors::new(), None, false).await
}

pub async fn create(ctx: Ctx, CsrfForm(form): CsrfForm<Vec<(String, String)>>) -> AppResult<Response> {
    let (input, organization_name) = read_form(&form, None);
    match resources::save(&ctx.state, &ctx.actor, None, &input).await {
        Ok(saved) => {
            ctx.flash("success", "directory-created").await?;
            Ok(see_other(&resource_link(&saved.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let page = resource_form(&ctx, input, organization_name, &organization_errors(errors), None, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn edit_page(ctx: Ctx, Path(id): Path<String>) -> AppResult<ResourceForm> {
    if !access::may_edit_directory(&ctx.actor) {
        return Err(deny(&ctx, "directory.update").await);
    }
    let r = resources::load(ctx.state.db.conn(), ctx.actor.org_id, &id).await?.ok_or(AppError::NotFound)?;
    let organization_name = r.organization_name().unwrap_or_default().to_string();
    resource_form(&ctx, ResourceInput::of(&r), organization_name, &FieldErrors::new(), Some((id, r.version)), false)
        .await
}

pub async fn update(
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let current = resources::load(ctx.state.db.conn(), ctx.actor.org_id, &id).await?.ok_or(AppError::NotFound)?;
    let (input, organization_name) = read_form(&form, Some(&current));
    let version: i32 = text(&form, "version").parse().unwrap_or(0);
    match resources::save(&ctx.state, &ctx.actor, Some((&id, version)), &input).await {
        Ok(_) => {
            ctx.flash("success", "directory-saved").await?;
            Ok(see_other(&resource_link(&id)))
        }
        Err(AppError::Invalid(errors)) => {
            let page =
                resource_form(&ctx, input, organization_name, &organization_errors(errors), Some((id, version)), false)
                    .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            // Keep what was typed; saving again (after a look at the saved record) goes on top.
            let page =
                resource_form(&ctx, input, organization_name, &FieldErrors::new(), Some((id, current.version)), true)
                    .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- verifying ----------

#[derive(Template, WebTemplate)]
#[template(path = "directory/verify.html")]
pub struct VerifyPage {
    pub shell: Shell,
    pub link: String,
    pub name: String,
    pub assured: Option<String>,
    pub verified_on: String,
    pub methods: Vec<(&'static str, String, bool)>,
    pub note: String,
    pub today: String,
    pub errors: FormErrors,
}

async fn verify_form(ctx: &Ctx, id: &str, input: &VerifyInput, errors: &FieldErrors) -> AppResult<VerifyPage> {
    let r = resources::load(ctx.state.db.conn(), ctx.actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    Ok(VerifyPage {
        link: resource_link(id),
        name: r.name().to_string(),
        assured: r.assured_date().map(resources::format_date),
        verified_on: input.verified_on.clone(),
        methods: VerifyMethod::ALL
            .iter()
            .map(|m| (m.code(), ctx.tr.t(&m.message_id()), m.code() == input.method))
            .collect(),
        note: input.note.clone().unwrap_or_default(),
        today: resources::format_date(ctx.today()),
        errors: FormErrors::new(&ctx.tr, errors),
        shell: ctx.shell().await?,
    })
}

pub async fn verify_page(ctx: Ctx, Path(id): Path<String>) -> AppResult<VerifyPage> {
    if !access::may_edit_directory(&ctx.actor) {
        return Err(deny(&ctx, "directory.verify").await);
    }
    let input = VerifyInput {
        verified_on: resources::format_date(ctx.today()),
        method: VerifyMethod::Phone.code().into(),
        note: None,
    };
    verify_form(&ctx, &id, &input, &FieldErrors::new()).await
}

pub async fn verify(
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = VerifyInput {
        verified_on: text(&form, "verified_on"),
        method: text(&form, "method"),
        note: optional(&form, "note"),
    };
    match resources::verify(&ctx.state, &ctx.actor, &id, &input, ctx.today()).await {
        Ok(()) => {
            ctx.flash("success", "directory-verified").await?;
            let back =
                optional(&form, "back").filter(|b| b == "/directory/stale").unwrap_or_else(|| resource_link(&id));
            Ok(see_other(&back))
        }
        Err(AppError::Invalid(errors)) => {
            let page = verify_form(&ctx, &id, &input, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- the stale worklist ----------

#[derive(Template, WebTemplate)]
#[template(path = "directory/stale.html")]
pub struct StalePage {
    pub shell: Shell,
    pub list: StaleList,
    pub pages: u64,
    pub can_edit: bool,
}

impl StalePage {
    pub fn link(&self, id: &str) -> String {
        resource_link(id)
    }
    pub fn status(&self, status: &str) -> Option<String> {
        (status != "active").then(|| status_label(&self.shell.tr, status))
    }
}

pub async fn stale_page(ctx: Ctx, RawQuery(raw): RawQuery) -> AppResult<StalePage> {
    let pairs = pairs(raw.as_deref());
    let page = PageRequest { page: text(&pairs, "page").parse().unwrap_or(1), per_page: 50 }.clamp();
    let list = resources::stale(&ctx.state, &ctx.actor, ctx.today(), page.page, page.per_page).await?;
    Ok(StalePage {
        pages: list.total.div_ceil(list.per_page).max(1),
        list,
        can_edit: access::may_edit_directory(&ctx.actor),
        shell: ctx.shell().await?,
    })
}

// ---------- duplicates and merging ----------

#[derive(Template, WebTemplate)]
#[template(path = "directory/duplicates.html")]
pub struct DuplicatesPage {
    pub shell: Shell,
    pub pairs: Vec<DuplicatePair>,
}

impl DuplicatesPage {
    pub fn link(&self, id: &str) -> String {
        resource_link(id)
    }
    pub fn merge_link(&self, p: &DuplicatePair) -> String {
        format!(
            "/directory/merge?{}",
            serde_urlencoded::to_string([("a", &p.a.service_id), ("b", &p.b.service_id)]).unwrap_or_default()
        )
    }
    pub fn percent(&self, p: &DuplicatePair) -> String {
        format!("{:.0}", p.similarity * 100.0)
    }
    pub fn reasons(&self, p: &DuplicatePair) -> String {
        let mut out = Vec::new();
        if p.same_phone {
            out.push(self.shell.t("directory-duplicate-same-phone"));
        }
        if p.same_address {
            out.push(self.shell.t("directory-duplicate-same-address"));
        }
        if p.same_organization {
            out.push(self.shell.t("directory-duplicate-same-organization"));
        }
        out.join(", ")
    }
}

pub async fn duplicates_page(ctx: Ctx) -> AppResult<DuplicatesPage> {
    if !access::may_edit_directory(&ctx.actor) {
        return Err(deny(&ctx, "directory.duplicates").await);
    }
    let pairs = resources::duplicates(&ctx.state, &ctx.actor, 200).await?;
    Ok(DuplicatesPage { pairs, shell: ctx.shell().await? })
}

/// One side of the merge confirmation.
pub struct MergeSide {
    pub id: String,
    pub link: String,
    pub name: String,
    pub organization: Option<String>,
    pub version: i32,
    pub facts: Vec<FactRow>,
    pub missing: usize,
    pub assured: Option<String>,
    pub keep: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "directory/merge.html")]
pub struct MergePage {
    pub shell: Shell,
    pub sides: Vec<MergeSide>,
    pub errors: FormErrors,
}

async fn merge_view(ctx: &Ctx, a: &str, b: &str, keep: Option<&str>, errors: &FieldErrors) -> AppResult<MergePage> {
    let conn = ctx.state.db.conn();
    let org = ctx.actor.org_id;
    let mut loaded = Vec::new();
    for id in [a, b] {
        loaded.push(resources::load(conn, org, id).await?.ok_or(AppError::NotFound)?);
    }
    // Suggest keeping the more complete record, then the more recently verified.
    let suggested = {
        let rank = |r: &Resource| (std::cmp::Reverse(r.missing_facts().len()), r.assured_date());
        if rank(&loaded[1]) > rank(&loaded[0]) { loaded[1].id().to_string() } else { loaded[0].id().to_string() }
    };
    let keep = keep.map(str::to_string).unwrap_or(suggested);
    let sides = loaded
        .iter()
        .map(|r| MergeSide {
            id: r.id().to_string(),
            link: resource_link(r.id()),
            name: r.name().to_string(),
            organization: r.organization_name().map(str::to_string),
            version: r.version,
            facts: fact_rows(&ctx.tr, r),
            missing: r.missing_facts().len(),
            assured: r.assured_date().map(resources::format_date),
            keep: r.id() == keep,
        })
        .collect();
    Ok(MergePage { sides, errors: FormErrors::new(&ctx.tr, errors), shell: ctx.shell().await? })
}

pub async fn merge_page(ctx: Ctx, RawQuery(raw): RawQuery) -> AppResult<MergePage> {
    if !access::may_edit_directory(&ctx.actor) {
        return Err(deny(&ctx, "directory.merge").await);
    }
    let pairs = pairs(raw.as_deref());
    let (a, b) = (text(&pairs, "a"), text(&pairs, "b"));
    if a.is_empty() || b.is_empty() || a == b {
        return Err(AppError::BadRequest("directory-error-merge-pair"));
    }
    merge_view(&ctx, &a, &b, None, &FieldErrors::new()).await
}

pub async fn merge(ctx: Ctx, CsrfForm(form): CsrfForm<Vec<(String, String)>>) -> AppResult<Response> {
    let (a, b) = (text(&form, "a"), text(&form, "b"));
    let keep = text(&form, "keep");
    let version = |name: &str| text(&form, name).parse::<i32>().unwrap_or(0);
    let (kept, merged, versions) = if keep == b {
        (b.clone(), a.clone(), (version("version_b"), version("version_a")))
    } else if keep == a {
        (a.clone(), b.clone(), (version("version_a"), version("version_b")))
    } else {
        if !access::may_edit_directory(&ctx.actor) {
            return Err(deny(&ctx, "directory.merge").await);
        }
        let page = merge_view(&ctx, &a, &b, None, &FieldErrors::single("keep", "directory-error-merge-keep")).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    match resources::merge(&ctx.state, &ctx.actor, &kept, &merged, Some(versions)).await {
        Ok(outcome) => {
            let message = ctx.tr.t1("directory-merged", "referrals", outcome.referrals_repointed);
            super::shell::push_flash(&ctx.session, "success", message).await?;
            Ok(see_other(&resource_link(&kept)))
        }
        Err(AppError::Conflict) => {
            let page =
                merge_view(&ctx, &a, &b, Some(&keep), &FieldErrors::single("keep", "directory-error-merge-changed"))
                    .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let page = merge_view(&ctx, &a, &b, Some(&keep), &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- referring someone ----------

#[derive(Template, WebTemplate)]
#[template(path = "directory/refer.html")]
pub struct ReferPage {
    pub shell: Shell,
    pub link: String,
    pub name: String,
    pub q: String,
    pub people: Vec<(String, String, String)>,
    pub searched: bool,
}

pub async fn refer_page(ctx: Ctx, Path(id): Path<String>, RawQuery(raw): RawQuery) -> AppResult<ReferPage> {
    if !may_refer(&ctx) {
        return Err(deny(&ctx, "directory.refer").await);
    }
    let r = resources::load(ctx.state.db.conn(), ctx.actor.org_id, &id).await?.ok_or(AppError::NotFound)?;
    let pairs = pairs(raw.as_deref());
    let q = text(&pairs, "q");
    let found = crate::records::list(&ctx.state, &ctx.actor, &q, PageRequest { page: 1, per_page: 25 }).await?;
    let people = crate::db::people::summaries(&ctx.state.db, ctx.actor.org_id, &found.items).await?;
    let service = serde_urlencoded::to_string([("service_id", r.id())]).unwrap_or_default();
    use crate::web::people::PersonView;
    Ok(ReferPage {
        link: resource_link(r.id()),
        name: r.name().to_string(),
        searched: !q.is_empty(),
        q,
        people: people
            .iter()
            .map(|p| (format!("/people/{}/referrals/new?{service}", p.id), p.display_name(), p.record_number_text()))
            .collect(),
        shell: ctx.shell().await?,
    })
}

// ---------- settings ----------

#[derive(Template, WebTemplate)]
#[template(path = "directory/settings.html")]
pub struct SettingsPage {
    pub shell: Shell,
    pub verify_months: String,
    pub access: Vec<(&'static str, String, bool)>,
    pub version: i32,
    pub has_token: bool,
    pub new_token: Option<String>,
    pub hsds_url: String,
    pub errors: FormErrors,
}

fn base_url(ctx: &Ctx, headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if ctx.state.config.behind_tls { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// What the settings form shows: the values typed (or saved) and a token made just now.
struct SettingsShown {
    months: String,
    access: String,
    new_token: Option<String>,
}

fn settings_view(
    ctx: &Ctx,
    headers: &HeaderMap,
    settings: &Settings,
    shown: SettingsShown,
    errors: &FieldErrors,
    shell: Shell,
) -> SettingsPage {
    SettingsPage {
        verify_months: shown.months,
        access: HsdsAccess::ALL
            .iter()
            .map(|a| (a.code(), ctx.tr.t(&format!("directory-hsds-access-{}", a.code())), a.code() == shown.access))
            .collect(),
        version: settings.version,
        has_token: settings.hsds_token_hash.is_some(),
        new_token: shown.new_token,
        hsds_url: format!("{}/hsds/{}/", base_url(ctx, headers), ctx.org.id),
        errors: FormErrors::new(&ctx.tr, errors),
        shell,
    }
}

fn saved_values(settings: &Settings, new_token: Option<String>) -> SettingsShown {
    SettingsShown {
        months: settings.verify_months.to_string(),
        access: settings.hsds_access.code().to_string(),
        new_token,
    }
}

pub async fn settings_page(ctx: Ctx, headers: HeaderMap) -> AppResult<SettingsPage> {
    if !access::may_configure_directory(&ctx.actor) {
        return Err(deny(&ctx, "directory.settings").await);
    }
    let settings = crate::directory::settings::load(ctx.state.db.conn(), ctx.actor.org_id).await?;
    let shell = ctx.shell().await?;
    Ok(settings_view(&ctx, &headers, &settings, saved_values(&settings, None), &FieldErrors::new(), shell))
}

pub async fn save_settings(
    ctx: Ctx,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input =
        SettingsInput { verify_months: optional(&form, "verify_months"), hsds_access: text(&form, "hsds_access") };
    let version: i32 = text(&form, "version").parse().unwrap_or(-1);
    match resources::save_settings(&ctx.state, &ctx.actor, version, &input).await {
        Ok((settings, token)) => {
            if token.is_none() {
                ctx.flash("success", "directory-settings-saved").await?;
                return Ok(see_other("/directory/settings"));
            }
            let shell = ctx.shell().await?;
            let page =
                settings_view(&ctx, &headers, &settings, saved_values(&settings, token), &FieldErrors::new(), shell);
            Ok(page.into_response())
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict)) => {
            let settings = crate::directory::settings::load(ctx.state.db.conn(), ctx.actor.org_id).await?;
            let (status, errors) = match e {
                AppError::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
                _ => (StatusCode::CONFLICT, FieldErrors::single("verify_months", "directory-error-settings-changed")),
            };
            let shell = ctx.shell().await?;
            let shown = SettingsShown {
                months: input.verify_months.clone().unwrap_or_default(),
                access: input.hsds_access.clone(),
                new_token: None,
            };
            let page = settings_view(&ctx, &headers, &settings, shown, &errors, shell);
            Ok((status, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn new_token(
    ctx: Ctx,
    headers: HeaderMap,
    CsrfForm(_form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<SettingsPage> {
    let (settings, token) = resources::new_token(&ctx.state, &ctx.actor).await?;
    let shell = ctx.shell().await?;
    Ok(settings_view(&ctx, &headers, &settings, saved_values(&settings, Some(token)), &FieldErrors::new(), shell))
}
