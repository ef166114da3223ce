//! Staff profiles, degrees and certifications (CSE 2.01, 2.02, 2.06): one staff member's record
//! as the overview shows it (with their competency), the team list, and every write to the
//! profile, degrees, certifications and their uploaded copies. Pages and the JSON API both call
//! these functions; each write is one transaction with its audit event.

use super::{StaffRecord, facts, facts_of, open, positions_of, settings, today};
use crate::access::{Actor, PersonnelAccess};
use crate::app::AppState;
use crate::db;
use crate::db::entities::{
    program, staff, staff_certification, staff_degree, staff_file, staff_profile, staff_program,
};
use crate::domain::codes::join_codes;
use crate::domain::personnel::{
    CertificationFact, CertificationKind, Competency, DegreeLevel, EXPIRING_SOON_DAYS, Position, evaluate,
};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::groups::curricula::{clean_filename, sha256_hex};
use crate::web::actor_entry;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use time::{Date, Duration};
use utoipa::ToSchema;
use uuid::Uuid;

/// The largest uploaded copy of a certificate.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// The limit as messages show it.
pub const MAX_FILE_TEXT: &str = "5 MB";
/// Years of relevant experience accepted.
pub const MAX_EXPERIENCE_YEARS: f64 = 60.0;
/// The first year a degree may have been completed in.
pub const FIRST_DEGREE_YEAR: i32 = 1950;

const NAME_MAX: usize = 200;
const NUMBER_MAX: usize = 80;
const VERSION_TEXT_MAX: usize = 40;

/// Two-letter codes of the US states, DC and territories, and the Canadian provinces and
/// territories: the authorities that issue peer certifications.
pub const JURISDICTIONS: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
    "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR",
    "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI", "AB",
    "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
];

// ---------- input shapes ----------

/// Accepts a JSON string or number (forms send text; API clients often send `2.5` or `2019`).
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Number(serde_json::Number),
    }
    Ok(Option::<Raw>::deserialize(d)?.map(|raw| match raw {
        Raw::Text(s) => s,
        Raw::Number(n) => n.to_string(),
    }))
}

/// Changes to a staff profile. A field left out (or `null`) is left as it is; an empty string
/// clears a text or date field. The first four are the manager's (supervisor, director of their
/// program, administrator); someone who may only edit (the staff member themselves) is refused
/// with a field error `error-profile-manager-only` if they would change one.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ProfileInput {
    /// Manager: position codes (`direct-service`, `peer-specialist`, `group-facilitator`,
    /// `referral-specialist`, `supervisor`, `program-manager`). Empty: follow the sign-in roles.
    pub positions: Option<Vec<String>>,
    /// Manager: the first day in the role (YYYY-MM-DD).
    pub start_date: Option<String>,
    /// Manager: the version of the job description now in force ("2026-01", "v3"). Changing it
    /// clears an earlier acknowledgement.
    pub job_description_version: Option<String>,
    /// Manager: the staff member's understanding of the peer role is confirmed (stores today and
    /// who confirmed it).
    pub role_understanding_confirmed: Option<bool>,
    /// Years of relevant experience, decimals allowed ("2.5"), 0 to 60.
    #[serde(deserialize_with = "text_or_number")]
    #[schema(value_type = Option<String>, example = "2.5")]
    pub experience_years: Option<String>,
    /// The staff member attests lived experience of recovery (no details are asked for or kept).
    pub lived_experience: Option<bool>,
    /// Willing to share their recovery story where it helps: `yes`, `no` or `not-said`.
    pub shares_story: Option<String>,
    /// The current job description has been read and acknowledged (stores today's date).
    pub job_description_acknowledged: Option<bool>,
}

/// A degree as sent.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct DegreeInput {
    /// `certificate`, `associate`, `bachelor`, `master` or `doctorate`.
    pub level: Option<String>,
    /// Field of study (required).
    pub field: Option<String>,
    /// Whether the field is a human-services field (required).
    pub human_services: Option<bool>,
    pub institution: Option<String>,
    /// Year completed, 1950 to this year.
    #[serde(deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i32>, example = 2014)]
    pub completed_year: Option<String>,
}

/// A certification as sent (the uploaded copy travels apart).
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct CertificationInput {
    /// `peer-recovery`, `peer-support`, `family-peer`, `peer-supervisor` or `other`.
    pub kind: Option<String>,
    /// Its name as on the certificate ("Certified Recovery Coach").
    pub name: Option<String>,
    /// The issuing US state or Canadian province, as its two-letter code (`ME`, `ON`).
    pub jurisdiction: Option<String>,
    /// The certificate number.
    pub number: Option<String>,
    /// The day it was issued (YYYY-MM-DD), not in the future.
    pub issued_on: Option<String>,
    /// The day it expires (YYYY-MM-DD), after the issue date; left out when it does not expire.
    pub expires_on: Option<String>,
    /// On an edit: remove the uploaded copy.
    pub remove_file: bool,
}

/// An uploaded copy as received.
#[derive(Clone, Debug)]
pub struct Upload {
    pub filename: String,
    pub data: Vec<u8>,
}

// ---------- certification states ----------

/// Where a certification stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CertificationState {
    InForce,
    /// In force, but it expires within 60 days.
    Expiring,
    Expired,
    /// A newer certification of the same kind replaced it.
    Superseded,
}

impl CertificationState {
    pub fn code(self) -> &'static str {
        match self {
            CertificationState::InForce => "in-force",
            CertificationState::Expiring => "expiring",
            CertificationState::Expired => "expired",
            CertificationState::Superseded => "superseded",
        }
    }

    pub fn message_id(self) -> String {
        format!("certification-state-{}", self.code())
    }

    /// The tag colour pages show it in.
    pub fn tag_class(self) -> &'static str {
        match self {
            CertificationState::InForce => "tag-success",
            CertificationState::Expiring => "tag-warning",
            CertificationState::Expired => "tag-danger",
            CertificationState::Superseded => "tag-muted",
        }
    }
}

/// The state of `cert` among all of the person's certifications `all` on `today`.
pub fn certification_state(cert: &CertificationFact, all: &[CertificationFact], today: Date) -> CertificationState {
    let superseded = all.iter().any(|o| o.kind == cert.kind && o.issued_on > cert.issued_on && o.issued_on <= today);
    if superseded {
        return CertificationState::Superseded;
    }
    match cert.expires_on {
        Some(until) if until < today => CertificationState::Expired,
        Some(until) if until - today <= Duration::days(EXPIRING_SOON_DAYS) => CertificationState::Expiring,
        _ => CertificationState::InForce,
    }
}

/// The flag the team list shows: expired beats expiring; superseded certifications do not count.
pub fn certification_flag(all: &[CertificationFact], today: Date) -> Option<CertificationState> {
    let states: Vec<CertificationState> = all.iter().map(|c| certification_state(c, all, today)).collect();
    if states.contains(&CertificationState::Expired) {
        Some(CertificationState::Expired)
    } else if states.contains(&CertificationState::Expiring) {
        Some(CertificationState::Expiring)
    } else {
        None
    }
}

/// Whether someone held a peer certification that has lapsed, with none in force now.
pub fn peer_certification_lapsed(all: &[CertificationFact], today: Date) -> bool {
    let peer: Vec<&CertificationFact> = all.iter().filter(|c| c.kind.is_peer() && c.issued_on <= today).collect();
    let in_force = peer.iter().any(|c| c.expires_on.is_none_or(|until| until >= today));
    !peer.is_empty() && !in_force
}

fn fact_of(row: &staff_certification::Model) -> Option<CertificationFact> {
    CertificationKind::parse(&row.kind).map(|kind| CertificationFact {
        kind,
        issued_on: row.issued_on,
        expires_on: row.expires_on,
    })
}

/// Staff among `staff_ids` whose peer certification has lapsed with no newer one in force on
/// `today`, to flag them wherever they are assigned. One query for any number of staff.
pub async fn expired_certification_staff(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    staff_ids: &[Uuid],
    today: Date,
) -> Result<HashSet<Uuid>, DbErr> {
    let mut by_staff: HashMap<Uuid, Vec<CertificationFact>> = HashMap::new();
    for chunk in staff_ids.chunks(400) {
        let rows = staff_certification::Entity::find()
            .filter(staff_certification::Column::OrgId.eq(org_id))
            .filter(staff_certification::Column::StaffId.is_in(chunk.to_vec()))
            .all(conn)
            .await?;
        for row in rows {
            if let Some(fact) = fact_of(&row) {
                by_staff.entry(row.staff_id).or_default().push(fact);
            }
        }
    }
    Ok(by_staff.into_iter().filter(|(_, certs)| peer_certification_lapsed(certs, today)).map(|(id, _)| id).collect())
}

// ---------- one staff member's record ----------

/// An uploaded file without its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileHead {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

/// A certification with its state and uploaded copy.
#[derive(Clone, Debug)]
pub struct Certification {
    pub row: staff_certification::Model,
    pub state: CertificationState,
    pub file: Option<FileHead>,
}

/// Everything the overview shows about one staff member.
#[derive(Clone, Debug)]
pub struct Record {
    pub opened: StaffRecord,
    /// None until someone saves the profile.
    pub profile: Option<staff_profile::Model>,
    pub positions: Vec<Position>,
    /// (id, name) of the programs they work in.
    pub programs: Vec<(Uuid, String)>,
    pub supervisor: Option<(Uuid, String)>,
    /// Who confirmed their understanding of the peer role.
    pub role_confirmed_by: Option<String>,
    pub degrees: Vec<staff_degree::Model>,
    /// Newest first.
    pub certifications: Vec<Certification>,
    pub competency: Competency,
    pub today: Date,
}

impl Record {
    /// The profile's version to send with a change (0 while there is no profile).
    pub fn profile_version(&self) -> i32 {
        self.profile.as_ref().map_or(0, |p| p.version)
    }
}

async fn load_profile(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    staff_id: Uuid,
) -> Result<Option<staff_profile::Model>, DbErr> {
    staff_profile::Entity::find_by_id((org_id, staff_id)).one(conn).await
}

async fn staff_name(conn: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> Result<Option<String>, DbErr> {
    Ok(db::staff::get(conn, org_id, id).await?.map(|s| s.display_name))
}

async fn file_heads(conn: &impl ConnectionTrait, org_id: Uuid, ids: Vec<Uuid>) -> Result<Vec<FileHead>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = staff_file::Entity::find()
        .select_only()
        .columns([
            staff_file::Column::Id,
            staff_file::Column::Filename,
            staff_file::Column::ContentType,
            staff_file::Column::Size,
        ])
        .filter(staff_file::Column::OrgId.eq(org_id))
        .filter(staff_file::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, String, String, i64)>()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, filename, content_type, size)| FileHead { id, filename, content_type, size })
        .collect())
}

async fn certifications_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    staff_id: Uuid,
    today: Date,
) -> Result<Vec<Certification>, DbErr> {
    let rows = staff_certification::Entity::find()
        .filter(staff_certification::Column::OrgId.eq(org_id))
        .filter(staff_certification::Column::StaffId.eq(staff_id))
        .order_by_desc(staff_certification::Column::IssuedOn)
        .order_by_desc(staff_certification::Column::CreatedAt)
        .all(conn)
        .await?;
    let facts: Vec<CertificationFact> = rows.iter().filter_map(fact_of).collect();
    let files = file_heads(conn, org_id, rows.iter().filter_map(|r| r.file_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let state = fact_of(&row).map_or(CertificationState::InForce, |f| certification_state(&f, &facts, today));
            let file = row.file_id.and_then(|id| files.iter().find(|f| f.id == id).cloned());
            Certification { row, state, file }
        })
        .collect())
}

/// A staff member's record for the overview (and the API), audited as `personnel.view`.
pub async fn record(state: &AppState, actor: &Actor, staff_id: Uuid) -> AppResult<Record> {
    let opened = open(state, actor, staff_id, "personnel.view", |a| a.view).await?;
    load_record(state, actor, opened).await
}

async fn load_record(state: &AppState, actor: &Actor, opened: StaffRecord) -> AppResult<Record> {
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let staff_id = opened.staff.id;
    let today = today(state, org_id).await?;
    let profile = load_profile(conn, org_id, staff_id).await?;
    let positions = positions_of(&opened.staff, profile.as_ref());
    let all_programs = db::org::programs(conn, org_id).await?;
    let programs =
        all_programs.iter().filter(|p| opened.programs.contains(&p.id)).map(|p| (p.id, p.name.clone())).collect();
    let supervisor = match opened.staff.supervisor_id {
        Some(id) => staff_name(conn, org_id, id).await?.map(|name| (id, name)),
        None => None,
    };
    let role_confirmed_by = match profile.as_ref().and_then(|p| p.role_understanding_confirmed_by) {
        Some(id) => staff_name(conn, org_id, id).await?,
        None => None,
    };
    let degrees = staff_degree::Entity::find()
        .filter(staff_degree::Column::OrgId.eq(org_id))
        .filter(staff_degree::Column::StaffId.eq(staff_id))
        .order_by_desc(staff_degree::Column::CompletedYear)
        .order_by_asc(staff_degree::Column::RecordedAt)
        .all(conn)
        .await?;
    let certifications = certifications_of(conn, org_id, staff_id, today).await?;
    let rules = settings(conn, org_id).await?;
    let facts = facts_of(conn, org_id, &opened.staff).await?;
    let competency = evaluate(&facts, &rules.intervals, today);
    Ok(Record {
        opened,
        profile,
        positions,
        programs,
        supervisor,
        role_confirmed_by,
        degrees,
        certifications,
        competency,
        today,
    })
}

/// A record opened for a change the access rule `allowed` permits (refusals audited as `action`),
/// without the view event.
pub async fn record_for(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    action: &'static str,
    allowed: fn(&PersonnelAccess) -> bool,
) -> AppResult<Record> {
    let opened = open(state, actor, staff_id, action, allowed).await?;
    load_record(state, actor, opened).await
}

// ---------- the team list ----------

/// What the team list is narrowed to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TeamFilter {
    pub program_id: Option<Uuid>,
    pub position: Option<Position>,
    pub gaps_only: bool,
}

/// One staff member on the team list.
#[derive(Clone, Debug)]
pub struct TeamRow {
    pub staff: staff::Model,
    pub positions: Vec<Position>,
    pub programs: Vec<(Uuid, String)>,
    pub supervisor: Option<(Uuid, String)>,
    pub gaps: usize,
    /// Expired or expiring certifications (superseded ones aside).
    pub certification: Option<CertificationState>,
}

pub struct TeamList {
    pub rows: Vec<TeamRow>,
    /// The organisation's programs, for the filter.
    pub programs: Vec<program::Model>,
    pub today: Date,
}

/// The staff the actor sees on team views (see `personnel::team`), each with their positions,
/// programs, supervisor, number of gaps and certification flag, narrowed by `filter`.
pub async fn team_list(state: &AppState, actor: &Actor, filter: &TeamFilter) -> AppResult<TeamList> {
    let members = super::team(state, actor, "personnel.team.list").await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let today = today(state, org_id).await?;
    let rules = settings(conn, org_id).await?;
    let all_facts = facts(conn, org_id, &members).await?;
    let programs = db::org::programs(conn, org_id).await?;
    let program_names: HashMap<Uuid, String> = programs.iter().map(|p| (p.id, p.name.clone())).collect();
    let mut memberships: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for m in staff_program::Entity::find().filter(staff_program::Column::OrgId.eq(org_id)).all(conn).await? {
        memberships.entry(m.staff_id).or_default().push(m.program_id);
    }
    let names: HashMap<Uuid, String> = staff::Entity::find()
        .filter(staff::Column::OrgId.eq(org_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect();
    let mut rows = Vec::new();
    for member in members {
        let facts = all_facts.get(&member.id).cloned().unwrap_or_default();
        let mine = memberships.get(&member.id).cloned().unwrap_or_default();
        if filter.program_id.is_some_and(|p| !mine.contains(&p)) {
            continue;
        }
        if filter.position.is_some_and(|p| !facts.positions.contains(&p)) {
            continue;
        }
        let gaps = evaluate(&facts, &rules.intervals, today).gap_count();
        if filter.gaps_only && gaps == 0 {
            continue;
        }
        let mut member_programs: Vec<(Uuid, String)> =
            mine.iter().filter_map(|p| program_names.get(p).map(|n| (*p, n.clone()))).collect();
        member_programs.sort_by(|a, b| a.1.cmp(&b.1));
        rows.push(TeamRow {
            supervisor: member.supervisor_id.and_then(|id| names.get(&id).map(|n| (id, n.clone()))),
            positions: facts.positions.clone(),
            programs: member_programs,
            gaps,
            certification: certification_flag(&facts.certifications, today),
            staff: member,
        });
    }
    let entry = actor_entry(actor, "personnel.team.list").detail(json!({ "results": rows.len() }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(TeamList { rows, programs, today })
}

// ---------- the profile ----------

/// `yes`, `no` or `not-said` for willingness to share a recovery story.
pub fn story_code(shares: Option<bool>) -> &'static str {
    match shares {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not-said",
    }
}

fn parse_story(raw: &str) -> Option<Option<bool>> {
    match raw.trim() {
        "yes" => Some(Some(true)),
        "no" => Some(Some(false)),
        "not-said" | "" => Some(None),
        _ => None,
    }
}

/// Years of experience as typed ("2.5", "2,5", "3") to whole months.
pub fn parse_experience(raw: &str) -> Result<Option<i32>, &'static str> {
    let value = raw.trim().replace(',', ".");
    if value.is_empty() {
        return Ok(None);
    }
    match value.parse::<f64>() {
        Ok(years) if years.is_finite() && (0.0..=MAX_EXPERIENCE_YEARS).contains(&years) => {
            Ok(Some((years * 12.0).round() as i32))
        }
        _ => Err("error-profile-experience"),
    }
}

/// Months of experience as years for a form ("2.5", "3").
pub fn experience_text(months: Option<i32>) -> String {
    match months {
        None => String::new(),
        Some(m) if m % 12 == 0 => (m / 12).to_string(),
        Some(m) => {
            let text = format!("{:.2}", m as f64 / 12.0);
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }
}

/// A profile with nothing recorded yet.
fn blank_profile(org_id: Uuid, staff_id: Uuid, now: time::OffsetDateTime) -> staff_profile::Model {
    staff_profile::Model {
        org_id,
        staff_id,
        positions: String::new(),
        start_date: None,
        experience_months: None,
        lived_experience: false,
        lived_experience_attested_on: None,
        shares_story: None,
        job_description_version: None,
        job_description_acknowledged_on: None,
        role_understanding_confirmed_on: None,
        role_understanding_confirmed_by: None,
        updated_by: None,
        version: 0,
        created_at: now,
        updated_at: now,
    }
}

/// Applies `input` to `current`; returns the new profile and the names of the fields changed.
/// `effective` are the positions in force (from the profile or the sign-in roles).
fn apply_profile(
    input: &ProfileInput,
    current: &staff_profile::Model,
    effective: &[Position],
    access: &PersonnelAccess,
    actor: Uuid,
    today: Date,
) -> Result<(staff_profile::Model, Vec<&'static str>), FieldErrors> {
    let mut e = FieldErrors::new();
    let mut next = current.clone();
    let mut changed: Vec<&'static str> = Vec::new();
    let manager_change = |e: &mut FieldErrors, field: &'static str, differs: bool| -> bool {
        if !differs {
            return false;
        }
        if access.manage {
            true
        } else {
            e.add(field, "error-profile-manager-only");
            false
        }
    };

    // The manager's part.
    if let Some(codes) = &input.positions {
        let mut positions: Vec<Position> = Vec::new();
        for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            match Position::parse(code) {
                Some(p) if !positions.contains(&p) => positions.push(p),
                Some(_) => {}
                None => e.add("positions", "error-unknown-choice"),
            }
        }
        positions.sort_by_key(|p| Position::ALL.iter().position(|x| x == p));
        let mut shown = effective.to_vec();
        shown.sort_by_key(|p| Position::ALL.iter().position(|x| x == p));
        if manager_change(&mut e, "positions", positions != shown) {
            next.positions = join_codes(&positions);
            changed.push("positions");
        }
    }
    if let Some(raw) = &input.start_date {
        let start = e.optional_date("start_date", Some(raw));
        if let Some(d) = start
            && (d.year() < FIRST_DEGREE_YEAR || d > today + Duration::days(366))
        {
            e.add("start_date", "error-profile-start-date-range");
        }
        let unreadable = !raw.trim().is_empty() && start.is_none();
        if !unreadable && manager_change(&mut e, "start_date", start != current.start_date) {
            next.start_date = start;
            changed.push("start_date");
        }
    }
    let mut version_changed = false;
    if let Some(raw) = &input.job_description_version {
        let version = e.optional("job_description_version", Some(raw), VERSION_TEXT_MAX);
        if manager_change(&mut e, "job_description_version", version != current.job_description_version) {
            next.job_description_version = version;
            // An acknowledgement was of the earlier version.
            next.job_description_acknowledged_on = None;
            version_changed = true;
            changed.push("job_description_version");
        }
    }
    if let Some(confirmed) = input.role_understanding_confirmed
        && manager_change(
            &mut e,
            "role_understanding_confirmed",
            confirmed != current.role_understanding_confirmed_on.is_some(),
        )
    {
        next.role_understanding_confirmed_on = confirmed.then_some(today);
        next.role_understanding_confirmed_by = confirmed.then_some(actor);
        changed.push("role_understanding_confirmed");
    }

    // What the staff member states (or a manager records for them).
    if let Some(raw) = &input.experience_years {
        match parse_experience(raw) {
            Ok(months) if months != current.experience_months => {
                next.experience_months = months;
                changed.push("experience_months");
            }
            Ok(_) => {}
            Err(id) => e.add_with("experience_years", id, vec![("max", format!("{MAX_EXPERIENCE_YEARS}"))]),
        }
    }
    if let Some(attested) = input.lived_experience
        && attested != current.lived_experience
    {
        next.lived_experience = attested;
        next.lived_experience_attested_on = attested.then_some(today);
        changed.push("lived_experience");
    }
    if let Some(raw) = &input.shares_story {
        match parse_story(raw) {
            Some(shares) if shares != current.shares_story => {
                next.shares_story = shares;
                changed.push("shares_story");
            }
            Some(_) => {}
            None => e.add("shares_story", "error-unknown-choice"),
        }
    }
    if let Some(acknowledged) = input.job_description_acknowledged {
        let was = current.job_description_acknowledged_on.is_some();
        // A box still ticked for the earlier version is not an acknowledgement of a new one.
        let carried_over = version_changed && was;
        if acknowledged && !carried_over {
            if next.job_description_version.is_none() {
                e.add("job_description_acknowledged", "error-profile-no-job-description");
            } else if !was || version_changed {
                next.job_description_acknowledged_on = Some(today);
                changed.push("job_description_acknowledged");
            }
        } else if !acknowledged && was && !version_changed {
            next.job_description_acknowledged_on = None;
            changed.push("job_description_acknowledged");
        }
    }
    e.finish((next, changed))
}

/// Saves changes to a staff member's profile if nobody saved since `version` (0 while there is no
/// profile: it is created). Audited as `personnel.profile.update` with the names of the fields
/// changed (no values).
pub async fn save_profile(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    input: &ProfileInput,
    version: i32,
) -> AppResult<staff_profile::Model> {
    let opened = open(state, actor, staff_id, "personnel.profile.update", |a| a.edit).await?;
    let org_id = actor.org_id;
    let today = today(state, org_id).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let stored = load_profile(&*txn, org_id, staff_id).await?;
    if stored.as_ref().map_or(0, |p| p.version) != version {
        return Err(AppError::Conflict);
    }
    let current = stored.clone().unwrap_or_else(|| blank_profile(org_id, staff_id, now));
    let effective = positions_of(&opened.staff, stored.as_ref());
    let (mut next, changed) = apply_profile(input, &current, &effective, &opened.access, actor.staff_id, today)?;
    if changed.is_empty() {
        return Ok(current);
    }
    next.version = version + 1;
    next.updated_by = Some(actor.staff_id);
    next.updated_at = now;
    if stored.is_none() {
        next.created_at = now;
        if let Err(err) = staff_profile::ActiveModel::from(next.clone()).insert(&*txn).await {
            drop(txn);
            // Someone created the profile meanwhile.
            if load_profile(state.db.conn(), org_id, staff_id).await?.is_some() {
                return Err(AppError::Conflict);
            }
            return Err(err.into());
        }
    } else {
        let result = staff_profile::Entity::update_many()
            .set(staff_profile::ActiveModel::from(next.clone()).reset_all())
            .filter(staff_profile::Column::OrgId.eq(org_id))
            .filter(staff_profile::Column::StaffId.eq(staff_id))
            .filter(staff_profile::Column::Version.eq(version))
            .exec(&*txn)
            .await?;
        if result.rows_affected == 0 {
            return Err(AppError::Conflict);
        }
    }
    let entry = actor_entry(actor, "personnel.profile.update")
        .record("staff", staff_id)
        .detail(json!({ "fields": changed, "version": next.version }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(next)
}

// ---------- degrees ----------

/// A checked degree.
struct ValidDegree {
    level: DegreeLevel,
    field: String,
    human_services: bool,
    institution: Option<String>,
    completed_year: Option<i32>,
}

fn validate_degree(input: &DegreeInput, today: Date) -> Result<ValidDegree, FieldErrors> {
    let mut e = FieldErrors::new();
    let level = e.required_code("level", input.level.as_deref().unwrap_or(""), DegreeLevel::parse);
    let field = e.required("field", input.field.as_deref().unwrap_or(""), NAME_MAX);
    if input.human_services.is_none() {
        e.add("human_services", "error-degree-human-services");
    }
    let institution = e.optional("institution", input.institution.as_deref(), NAME_MAX);
    let year = match input.completed_year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => None,
        Some(raw) => match raw.parse::<i32>() {
            Ok(y) if (FIRST_DEGREE_YEAR..=today.year()).contains(&y) => Some(y),
            _ => {
                e.add_with(
                    "completed_year",
                    "error-degree-year",
                    vec![("min", FIRST_DEGREE_YEAR.to_string()), ("max", today.year().to_string())],
                );
                None
            }
        },
    };
    match (level, e.is_empty()) {
        (Some(level), true) => Ok(ValidDegree {
            level,
            field,
            human_services: input.human_services.unwrap_or(false),
            institution,
            completed_year: year,
        }),
        _ => Err(e),
    }
}

/// Records a degree (audited as `personnel.degree.add`).
pub async fn add_degree(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    input: &DegreeInput,
) -> AppResult<staff_degree::Model> {
    open(state, actor, staff_id, "personnel.degree.add", |a| a.edit).await?;
    let today = today(state, actor.org_id).await?;
    let valid = validate_degree(input, today)?;
    let now = state.clock.now();
    let row = staff_degree::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        staff_id,
        level: valid.level.code().into(),
        field: valid.field,
        human_services: valid.human_services,
        institution: valid.institution,
        completed_year: valid.completed_year,
        recorded_by: actor.staff_id,
        recorded_at: now,
    };
    let txn = state.db.begin_write().await?;
    let saved = staff_degree::ActiveModel::from(row).insert(&*txn).await?;
    let entry = actor_entry(actor, "personnel.degree.add")
        .record("staff", staff_id)
        .detail(json!({ "degree_id": saved.id, "level": saved.level, "human_services": saved.human_services }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Removes a degree recorded in error (audited as `personnel.degree.remove`).
pub async fn remove_degree(state: &AppState, actor: &Actor, staff_id: Uuid, degree_id: Uuid) -> AppResult<()> {
    open(state, actor, staff_id, "personnel.degree.remove", |a| a.edit).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let result = staff_degree::Entity::delete_many()
        .filter(staff_degree::Column::OrgId.eq(actor.org_id))
        .filter(staff_degree::Column::StaffId.eq(staff_id))
        .filter(staff_degree::Column::Id.eq(degree_id))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    let entry = actor_entry(actor, "personnel.degree.remove")
        .record("staff", staff_id)
        .detail(json!({ "degree_id": degree_id }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(())
}

// ---------- certifications ----------

/// A checked certification.
struct ValidCertification {
    kind: CertificationKind,
    name: String,
    jurisdiction: String,
    number: Option<String>,
    issued_on: Date,
    expires_on: Option<Date>,
}

fn validate_certification(input: &CertificationInput, today: Date) -> Result<ValidCertification, FieldErrors> {
    let mut e = FieldErrors::new();
    let kind = e.required_code("kind", input.kind.as_deref().unwrap_or(""), CertificationKind::parse);
    let name = e.required("name", input.name.as_deref().unwrap_or(""), NAME_MAX);
    let jurisdiction = input.jurisdiction.as_deref().unwrap_or("").trim().to_ascii_uppercase();
    if jurisdiction.is_empty() {
        e.add("jurisdiction", "error-required");
    } else if !JURISDICTIONS.contains(&jurisdiction.as_str()) {
        e.add("jurisdiction", "error-certification-jurisdiction");
    }
    let number = e.optional("number", input.number.as_deref(), NUMBER_MAX);
    let issued_on = match input.issued_on.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => {
            e.add("issued_on", "error-required");
            None
        }
        Some(raw) => e.optional_date("issued_on", Some(raw)),
    };
    if issued_on.is_some_and(|d| d > today) {
        e.add("issued_on", "error-certification-issued-future");
    } else if issued_on.is_some_and(|d| d.year() < FIRST_DEGREE_YEAR) {
        e.add("issued_on", "error-date-too-old");
    }
    let expires_on = e.optional_date("expires_on", input.expires_on.as_deref());
    if let (Some(issued), Some(expires)) = (issued_on, expires_on)
        && expires <= issued
    {
        e.add("expires_on", "error-certification-expiry-before-issue");
    }
    match (kind, issued_on, e.is_empty()) {
        (Some(kind), Some(issued_on), true) => {
            Ok(ValidCertification { kind, name, jurisdiction, number, issued_on, expires_on })
        }
        _ => Err(e),
    }
}

/// The three kinds of copy accepted, known by their first bytes whatever the name says.
fn sniff(data: &[u8]) -> Option<(&'static str, &'static str)> {
    if data.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else {
        None
    }
}

/// A copy that passed the checks: its cleaned name (with an extension that fits) and type.
#[derive(Debug, PartialEq, Eq)]
pub struct CheckedFile {
    pub filename: String,
    pub content_type: &'static str,
}

/// Accepts a PDF, PNG or JPEG of at most 5 MB, by its content.
pub fn check_file(upload: &Upload) -> Result<CheckedFile, FieldErrors> {
    if upload.data.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    if upload.data.is_empty() {
        return Err(FieldErrors::single("file", "error-certification-file-empty"));
    }
    let Some((content_type, extension)) = sniff(&upload.data) else {
        return Err(FieldErrors::single("file", "error-certification-file-type"));
    };
    let mut filename = clean_filename(&upload.filename);
    let fits = filename.rsplit_once('.').is_some_and(|(_, ext)| {
        let ext = ext.to_ascii_lowercase();
        ext == extension || (extension == "jpg" && ext == "jpeg")
    });
    if filename.is_empty() {
        filename = format!("certificate.{extension}");
    } else if !fits {
        filename = format!("{filename}.{extension}");
    }
    Ok(CheckedFile { filename, content_type })
}

pub fn too_big() -> FieldErrors {
    let mut errors = FieldErrors::new();
    errors.add_with("file", "error-certification-file-too-big", vec![("max", MAX_FILE_TEXT.into())]);
    errors
}

fn file_row(
    actor: &Actor,
    staff_id: Uuid,
    checked: CheckedFile,
    data: Vec<u8>,
    now: time::OffsetDateTime,
) -> staff_file::Model {
    staff_file::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        staff_id,
        filename: checked.filename,
        content_type: checked.content_type.to_string(),
        size: data.len() as i64,
        sha256: sha256_hex(&data),
        data,
        uploaded_by: actor.staff_id,
        uploaded_at: now,
    }
}

/// The checks on a certification and its copy together, so every mistake shows at once.
fn validate_with_file(
    input: &CertificationInput,
    file: Option<&Upload>,
    today: Date,
) -> Result<(ValidCertification, Option<CheckedFile>), FieldErrors> {
    let valid = validate_certification(input, today);
    let checked = file.map(check_file).transpose();
    match (valid, checked) {
        (Ok(valid), Ok(checked)) => Ok((valid, checked)),
        (valid, checked) => {
            let mut errors = FieldErrors::new();
            if let Err(e) = valid {
                errors.0.extend(e.0);
            }
            if let Err(e) = checked {
                errors.0.extend(e.0);
            }
            Err(errors)
        }
    }
}

async fn load_certification(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    staff_id: Uuid,
    id: Uuid,
) -> AppResult<staff_certification::Model> {
    staff_certification::Entity::find_by_id(id)
        .filter(staff_certification::Column::OrgId.eq(org_id))
        .filter(staff_certification::Column::StaffId.eq(staff_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// One certification of a staff member, for its edit form.
pub async fn certification(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    id: Uuid,
) -> AppResult<(StaffRecord, Certification)> {
    let opened = open(state, actor, staff_id, "personnel.certification.update", |a| a.edit).await?;
    let today = today(state, actor.org_id).await?;
    let found = certifications_of(state.db.conn(), actor.org_id, staff_id, today).await?;
    let cert = found.into_iter().find(|c| c.row.id == id).ok_or(AppError::NotFound)?;
    Ok((opened, cert))
}

/// Records a certification, with its uploaded copy if one is given (audited as
/// `personnel.certification.add`).
pub async fn add_certification(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    input: &CertificationInput,
    file: Option<Upload>,
) -> AppResult<staff_certification::Model> {
    open(state, actor, staff_id, "personnel.certification.add", |a| a.edit).await?;
    let today = today(state, actor.org_id).await?;
    let (valid, checked) = validate_with_file(input, file.as_ref(), today)?;
    let now = state.clock.now();
    let stored_file = match (checked, file) {
        (Some(checked), Some(upload)) => Some(file_row(actor, staff_id, checked, upload.data, now)),
        _ => None,
    };
    let row = staff_certification::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        staff_id,
        kind: valid.kind.code().into(),
        name: valid.name,
        jurisdiction: valid.jurisdiction,
        number: valid.number,
        issued_on: valid.issued_on,
        expires_on: valid.expires_on,
        file_id: stored_file.as_ref().map(|f| f.id),
        recorded_by: actor.staff_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let txn = state.db.begin_write().await?;
    if let Some(f) = stored_file {
        staff_file::Entity::insert(staff_file::ActiveModel::from(f)).exec_without_returning(&*txn).await?;
    }
    let saved = staff_certification::ActiveModel::from(row).insert(&*txn).await?;
    let entry = actor_entry(actor, "personnel.certification.add").record("staff", staff_id).detail(json!({
        "certification_id": saved.id,
        "kind": saved.kind,
        "file_id": saved.file_id,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// What a certification change does with the uploaded copy.
pub enum FileChange {
    Keep,
    Replace(Upload),
    Remove,
}

/// Changes a certification if nobody saved since `version` (audited as
/// `personnel.certification.update` with the names of the fields changed). A replaced or removed
/// copy is deleted.
pub async fn update_certification(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    id: Uuid,
    input: &CertificationInput,
    file: FileChange,
    version: i32,
) -> AppResult<staff_certification::Model> {
    open(state, actor, staff_id, "personnel.certification.update", |a| a.edit).await?;
    let today = today(state, actor.org_id).await?;
    let current = load_certification(state.db.conn(), actor.org_id, staff_id, id).await?;
    let upload = match &file {
        FileChange::Replace(upload) => Some(upload),
        _ => None,
    };
    let (valid, checked) = validate_with_file(input, upload, today)?;
    if current.version != version {
        return Err(AppError::Conflict);
    }
    let now = state.clock.now();
    let mut next = current.clone();
    next.kind = valid.kind.code().into();
    next.name = valid.name;
    next.jurisdiction = valid.jurisdiction;
    next.number = valid.number;
    next.issued_on = valid.issued_on;
    next.expires_on = valid.expires_on;
    let new_file = match (checked, file) {
        (Some(checked), FileChange::Replace(upload)) => Some(file_row(actor, staff_id, checked, upload.data, now)),
        (_, FileChange::Remove) => {
            next.file_id = None;
            None
        }
        _ => None,
    };
    if let Some(f) = &new_file {
        next.file_id = Some(f.id);
    }
    let mut changed: Vec<&str> = Vec::new();
    for (name, differs) in [
        ("kind", next.kind != current.kind),
        ("name", next.name != current.name),
        ("jurisdiction", next.jurisdiction != current.jurisdiction),
        ("number", next.number != current.number),
        ("issued_on", next.issued_on != current.issued_on),
        ("expires_on", next.expires_on != current.expires_on),
        ("file", next.file_id != current.file_id),
    ] {
        if differs {
            changed.push(name);
        }
    }
    if changed.is_empty() {
        return Ok(current);
    }
    next.version = version + 1;
    next.updated_at = now;
    let txn = state.db.begin_write().await?;
    if let Some(f) = new_file {
        staff_file::Entity::insert(staff_file::ActiveModel::from(f)).exec_without_returning(&*txn).await?;
    }
    let result = staff_certification::Entity::update_many()
        .set(staff_certification::ActiveModel::from(next.clone()).reset_all())
        .filter(staff_certification::Column::OrgId.eq(actor.org_id))
        .filter(staff_certification::Column::Id.eq(id))
        .filter(staff_certification::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    if let Some(old) = current.file_id.filter(|old| next.file_id != Some(*old)) {
        delete_file(&txn, actor.org_id, old).await?;
    }
    let entry = actor_entry(actor, "personnel.certification.update")
        .record("staff", staff_id)
        .detail(json!({ "certification_id": id, "fields": changed, "version": next.version }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(next)
}

async fn delete_file(txn: &db::WriteTxn, org_id: Uuid, file_id: Uuid) -> Result<(), DbErr> {
    staff_file::Entity::delete_many()
        .filter(staff_file::Column::OrgId.eq(org_id))
        .filter(staff_file::Column::Id.eq(file_id))
        .exec(&**txn)
        .await?;
    Ok(())
}

/// Uploads (or replaces) the copy of a certification, if nobody changed it since `version`
/// (audited as `personnel.certification.update` with the field `file`).
pub async fn attach_file(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    id: Uuid,
    upload: Upload,
    version: i32,
) -> AppResult<staff_certification::Model> {
    open(state, actor, staff_id, "personnel.certification.update", |a| a.edit).await?;
    let current = load_certification(state.db.conn(), actor.org_id, staff_id, id).await?;
    // Only the copy is checked: the certification itself stays as it was recorded.
    let checked = check_file(&upload)?;
    if current.version != version {
        return Err(AppError::Conflict);
    }
    let now = state.clock.now();
    let stored = file_row(actor, staff_id, checked, upload.data, now);
    let mut next = current.clone();
    next.file_id = Some(stored.id);
    next.version = version + 1;
    next.updated_at = now;
    let txn = state.db.begin_write().await?;
    staff_file::Entity::insert(staff_file::ActiveModel::from(stored)).exec_without_returning(&*txn).await?;
    let result = staff_certification::Entity::update_many()
        .set(staff_certification::ActiveModel::from(next.clone()).reset_all())
        .filter(staff_certification::Column::OrgId.eq(actor.org_id))
        .filter(staff_certification::Column::Id.eq(id))
        .filter(staff_certification::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    if let Some(old) = current.file_id {
        delete_file(&txn, actor.org_id, old).await?;
    }
    let entry = actor_entry(actor, "personnel.certification.update").record("staff", staff_id).detail(json!({
        "certification_id": id,
        "fields": ["file"],
        "version": next.version,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(next)
}

/// Removes a certification recorded in error, and its copy, if nobody changed it since `version`
/// (audited as `personnel.certification.remove`).
pub async fn remove_certification(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    id: Uuid,
    version: i32,
) -> AppResult<()> {
    open(state, actor, staff_id, "personnel.certification.remove", |a| a.edit).await?;
    let current = load_certification(state.db.conn(), actor.org_id, staff_id, id).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let result = staff_certification::Entity::delete_many()
        .filter(staff_certification::Column::OrgId.eq(actor.org_id))
        .filter(staff_certification::Column::Id.eq(id))
        .filter(staff_certification::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    if let Some(file_id) = current.file_id {
        delete_file(&txn, actor.org_id, file_id).await?;
    }
    let entry = actor_entry(actor, "personnel.certification.remove")
        .record("staff", staff_id)
        .detail(json!({ "certification_id": id, "kind": current.kind }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(())
}

/// An uploaded copy with its bytes, for those who may view the record; every download is audited
/// as `personnel.file.download`, every refusal as `access.denied`.
pub async fn file(state: &AppState, actor: &Actor, staff_id: Uuid, file_id: Uuid) -> AppResult<staff_file::Model> {
    open(state, actor, staff_id, "personnel.file.download", |a| a.view).await?;
    let found = staff_file::Entity::find_by_id(file_id)
        .filter(staff_file::Column::OrgId.eq(actor.org_id))
        .filter(staff_file::Column::StaffId.eq(staff_id))
        .one(state.db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let entry = actor_entry(actor, "personnel.file.download")
        .record("staff", staff_id)
        .detail(json!({ "file_id": file_id, "size": found.size }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 18);

    fn cert(kind: CertificationKind, issued: Date, expires: Option<Date>) -> CertificationFact {
        CertificationFact { kind, issued_on: issued, expires_on: expires }
    }

    #[test]
    fn certification_states_follow_expiry_and_renewal() {
        let old = cert(CertificationKind::PeerRecovery, date!(2022 - 01 - 10), Some(date!(2024 - 01 - 10)));
        let renewed = cert(CertificationKind::PeerRecovery, date!(2024 - 01 - 05), Some(date!(2026 - 12 - 31)));
        let other = cert(CertificationKind::Other, date!(2020 - 05 - 01), None);
        let all = vec![old.clone(), renewed.clone(), other.clone()];
        assert_eq!(certification_state(&old, &all, TODAY), CertificationState::Superseded);
        assert_eq!(certification_state(&renewed, &all, TODAY), CertificationState::Expiring);
        assert_eq!(certification_state(&other, &all, TODAY), CertificationState::InForce);
        assert_eq!(certification_flag(&all, TODAY), Some(CertificationState::Expiring));
        assert!(!peer_certification_lapsed(&all, TODAY));

        // The last day is still in force; the day after it has expired.
        let last_day = cert(CertificationKind::PeerSupport, date!(2024 - 11 - 18), Some(TODAY));
        assert_eq!(
            certification_state(&last_day, std::slice::from_ref(&last_day), TODAY),
            CertificationState::Expiring
        );
        let lapsed = cert(CertificationKind::PeerSupport, date!(2024 - 11 - 17), Some(date!(2026 - 11 - 17)));
        assert_eq!(certification_state(&lapsed, std::slice::from_ref(&lapsed), TODAY), CertificationState::Expired);
        assert!(peer_certification_lapsed(std::slice::from_ref(&lapsed), TODAY));
        assert_eq!(certification_flag(std::slice::from_ref(&lapsed), TODAY), Some(CertificationState::Expired));
        let far = cert(CertificationKind::PeerSupport, date!(2025 - 01 - 01), Some(TODAY + Duration::days(61)));
        assert_eq!(certification_state(&far, std::slice::from_ref(&far), TODAY), CertificationState::InForce);

        // Another peer certification in force means nothing has lapsed; an `other` one does not count.
        assert!(!peer_certification_lapsed(&[lapsed.clone(), renewed.clone()], TODAY));
        assert!(peer_certification_lapsed(&[lapsed, other.clone()], TODAY));
        assert!(!peer_certification_lapsed(&[other], TODAY));
        assert!(!peer_certification_lapsed(&[], TODAY));
    }

    #[test]
    fn experience_is_typed_in_years() {
        assert_eq!(parse_experience("2.5"), Ok(Some(30)));
        assert_eq!(parse_experience(" 2,5 "), Ok(Some(30)));
        assert_eq!(parse_experience("0"), Ok(Some(0)));
        assert_eq!(parse_experience("60"), Ok(Some(720)));
        assert_eq!(parse_experience(""), Ok(None));
        for bad in ["61", "-1", "two", "NaN", "inf"] {
            assert_eq!(parse_experience(bad), Err("error-profile-experience"), "{bad}");
        }
        assert_eq!(experience_text(Some(30)), "2.5");
        assert_eq!(experience_text(Some(36)), "3");
        assert_eq!(experience_text(Some(31)), "2.58");
        assert_eq!(experience_text(None), "");
    }

    fn access(manage: bool) -> PersonnelAccess {
        PersonnelAccess { view: true, edit: true, manage, supervision: true, supervise: manage }
    }

    fn blank() -> staff_profile::Model {
        blank_profile(Uuid::nil(), Uuid::nil(), time::OffsetDateTime::UNIX_EPOCH)
    }

    #[test]
    fn staff_state_their_own_part_and_managers_the_rest() {
        let me = Uuid::from_u128(5);
        let peer = [Position::PeerSpecialist];
        let own = ProfileInput {
            experience_years: Some("2.5".into()),
            lived_experience: Some(true),
            shares_story: Some("yes".into()),
            // Unchanged positions are not a manager's change.
            positions: Some(vec!["peer-specialist".into()]),
            ..ProfileInput::default()
        };
        let (next, changed) = apply_profile(&own, &blank(), &peer, &access(false), me, TODAY).unwrap();
        assert_eq!(changed, vec!["experience_months", "lived_experience", "shares_story"]);
        assert_eq!((next.experience_months, next.lived_experience_attested_on), (Some(30), Some(TODAY)));
        assert_eq!(next.shares_story, Some(true));
        assert_eq!(next.positions, "");

        let manager_fields = ProfileInput {
            positions: Some(vec!["supervisor".into()]),
            start_date: Some("2025-01-06".into()),
            role_understanding_confirmed: Some(true),
            ..ProfileInput::default()
        };
        let refused = apply_profile(&manager_fields, &blank(), &peer, &access(false), me, TODAY).unwrap_err();
        let fields: Vec<&str> = refused.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["positions", "start_date", "role_understanding_confirmed"]);
        assert!(refused.0.iter().all(|e| e.message_id == "error-profile-manager-only"));

        let (next, changed) = apply_profile(&manager_fields, &blank(), &peer, &access(true), me, TODAY).unwrap();
        assert_eq!(changed, vec!["positions", "start_date", "role_understanding_confirmed"]);
        assert_eq!(next.positions, "supervisor");
        assert_eq!(
            (next.role_understanding_confirmed_on, next.role_understanding_confirmed_by),
            (Some(TODAY), Some(me))
        );
    }

    #[test]
    fn a_job_description_is_acknowledged_per_version() {
        let me = Uuid::from_u128(5);
        let nothing_to_acknowledge = ProfileInput { job_description_acknowledged: Some(true), ..Default::default() };
        let refused = apply_profile(&nothing_to_acknowledge, &blank(), &[], &access(false), me, TODAY).unwrap_err();
        assert_eq!(refused.0[0].message_id, "error-profile-no-job-description");

        let mut v1 = blank();
        v1.job_description_version = Some("v1".into());
        let (acked, _) = apply_profile(&nothing_to_acknowledge, &v1, &[], &access(false), me, TODAY).unwrap();
        assert_eq!(acked.job_description_acknowledged_on, Some(TODAY));

        // A new version clears the acknowledgement, even with the old box still ticked.
        let mut earlier = acked.clone();
        earlier.job_description_acknowledged_on = Some(date!(2025 - 01 - 06));
        let new_version = ProfileInput {
            job_description_version: Some("v2".into()),
            job_description_acknowledged: Some(true),
            ..Default::default()
        };
        let (next, changed) = apply_profile(&new_version, &earlier, &[], &access(true), me, TODAY).unwrap();
        assert_eq!(next.job_description_acknowledged_on, None);
        assert_eq!(changed, vec!["job_description_version"]);
        let untick = ProfileInput { job_description_acknowledged: Some(false), ..Default::default() };
        let (next, _) = apply_profile(&untick, &earlier, &[], &access(false), me, TODAY).unwrap();
        assert_eq!(next.job_description_acknowledged_on, None);
    }

    #[test]
    fn certifications_are_checked() {
        let good = CertificationInput {
            kind: Some("peer-recovery".into()),
            name: Some("Certified Recovery Coach".into()),
            jurisdiction: Some("me".into()),
            issued_on: Some("2025-03-01".into()),
            expires_on: Some("2027-03-01".into()),
            ..Default::default()
        };
        let valid = validate_certification(&good, TODAY).unwrap();
        assert_eq!(valid.jurisdiction, "ME");
        let codes = |input: CertificationInput| -> Vec<(String, &'static str)> {
            validate_certification(&input, TODAY)
                .err()
                .unwrap()
                .0
                .into_iter()
                .map(|e| (e.field, e.message_id))
                .collect()
        };
        assert_eq!(
            codes(CertificationInput { expires_on: Some("2025-02-01".into()), ..good.clone() }),
            vec![("expires_on".into(), "error-certification-expiry-before-issue")]
        );
        assert_eq!(
            codes(CertificationInput { jurisdiction: Some("ZZ".into()), ..good.clone() }),
            vec![("jurisdiction".into(), "error-certification-jurisdiction")]
        );
        assert_eq!(
            codes(CertificationInput { issued_on: Some("2026-11-19".into()), expires_on: None, ..good.clone() }),
            vec![("issued_on".into(), "error-certification-issued-future")]
        );
        assert_eq!(JURISDICTIONS.len(), 69);
    }

    #[test]
    fn copies_are_known_by_their_content() {
        let upload = |name: &str, data: &[u8]| Upload { filename: name.into(), data: data.to_vec() };
        let pdf = check_file(&upload("cert.PDF", b"%PDF-1.7 synthetic")).unwrap();
        assert_eq!(pdf, CheckedFile { filename: "cert.PDF".into(), content_type: "application/pdf" });
        let renamed = check_file(&upload("scan.pdf", b"\xFF\xD8\xFF\xE0 synthetic")).unwrap();
        assert_eq!(renamed.filename, "scan.pdf.jpg");
        assert_eq!(renamed.content_type, "image/jpeg");
        assert_eq!(
            check_file(&upload("x.png", b"GIF89a")).unwrap_err().0[0].message_id,
            "error-certification-file-type"
        );
        let big = vec![b'%'; MAX_FILE_BYTES + 1];
        assert_eq!(check_file(&upload("x.pdf", &big)).unwrap_err().0[0].message_id, "error-certification-file-too-big");
    }
}
