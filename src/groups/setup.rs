//! Groups, facilitators and their readiness, schedules and session changes, members'
//! availability and the best slots, calendar feeds and the public list of open groups.
//!
//! Every page and API call about setting a group up comes through here: access is checked and
//! refusals and writes are audited in this module.

use super::{
    Loaded, Slot, blank_session, facilitators_of, from_timestamp, load, materialise, next_version, occurrence_at,
    org_of, require, rule_of, save_session, schedule_of, session_of, slots, to_timestamp,
};
use crate::access::{self, Actor, GroupAccess};
use crate::app::{AppState, local_date};
use crate::audit::Outcome;
use crate::calendar::{self, FeedEvent, FeedOverride};
use crate::db;
use crate::db::entities::{
    curriculum, facilitator_readiness, group_attendance, group_facilitator, group_feedback, group_member,
    group_schedule, group_session, organisation, person, program, site, staff, support_group, training_record,
};
use crate::domain::FieldErrors;
use crate::domain::codes::{Edition, Role};
use crate::domain::groups::{
    Audience, CapacityRule, DayPart, FacilitatorRole, FocusArea, GroupKind, GroupStatus, MemberStatus, Membership,
    ReadinessArea, SessionStatus, focus_areas,
};
use crate::domain::personnel::{Assignment, Check, Need, Requirement, Standing, evaluate};
use crate::domain::schedule::{Rule, RuleInput};
use crate::error::{AppError, AppResult};
use crate::personnel::training::{OBSERVED_LEADING, TrainingInput};
use crate::web::actor_entry;
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// Longest group name.
pub const NAME_MAX: usize = 200;
/// Largest capacity a group may set.
pub const CAPACITY_MAX: i32 = 500;
/// How far ahead overlaps with other groups are looked for.
pub const OVERLAP_DAYS: i64 = 365;
/// The group page's windows: sessions coming up and sessions just past.
pub const UPCOMING_DAYS: i64 = 56;
pub const RECENT_DAYS: i64 = 28;
/// The years a moved or extra session may fall in (as for schedules).
const SESSION_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;
/// Weekday codes in the order a week is shown, as RRULE and the availability grid spell them.
pub const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

// ---------- shared helpers ----------

/// Reads a number sent as JSON number or as form text (forms send everything as text).
pub fn number_or_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Float(f64),
        Text(String),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        None => None,
        Some(Raw::Int(n)) => Some(n.to_string()),
        Some(Raw::Float(n)) => Some(n.to_string()),
        Some(Raw::Text(t)) => Some(t),
    })
}

pub fn join_codes<T: Copy>(codes: &[T], code: fn(T) -> &'static str) -> String {
    codes.iter().map(|c| code(*c)).collect::<Vec<_>>().join(";")
}

pub fn split_codes<T>(joined: &str, parse: fn(&str) -> Option<T>) -> Vec<T> {
    joined.split(';').filter_map(|c| parse(c.trim())).collect()
}

pub fn edition_of(org: &organisation::Model) -> Edition {
    Edition::parse(&org.edition).unwrap_or(Edition::Cse2024)
}

/// Records a refusal that is not about one group (a new group in a program, an attestation).
async fn deny(state: &AppState, actor: &Actor, what: &str, record: (&'static str, Uuid)) -> AppError {
    let entry = actor_entry(actor, "access.denied")
        .outcome(Outcome::Denied)
        .record(record.0, record.1)
        .detail(json!({ "action": what }));
    match db::audit::append_now(&state.db, entry, state.clock.now()).await {
        Ok(()) => AppError::Forbidden,
        Err(e) => e.into(),
    }
}

/// A local date and time in the organisation's zone as an instant (the first of a repeated
/// fall-back hour; a spring-forward gap moves on by its length).
pub fn local_instant(time_zone: &str, date: time::Date, at: time::Time) -> Option<OffsetDateTime> {
    let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let day = jiff::civil::Date::new(date.year() as i16, date.month() as i8, date.day() as i8).ok()?;
    let local = day.to_datetime(jiff::civil::Time::new(at.hour() as i8, at.minute() as i8, 0, 0).ok()?);
    let ts = tz.to_ambiguous_timestamp(local).compatible().ok()?;
    Some(from_timestamp(ts))
}

/// The local wall-clock time of an instant: (date, "HH:MM").
pub fn local_parts(time_zone: &str, at: OffsetDateTime) -> (time::Date, String) {
    let text = crate::app::format_local(time_zone, at);
    let time = text.split_once(' ').map(|(_, t)| t.to_string()).unwrap_or_default();
    (local_date(time_zone, at), time)
}

fn trimmed(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

fn same_room(a: Option<&str>, b: Option<&str>) -> bool {
    let norm = |r: Option<&str>| r.map(|r| r.trim().to_lowercase()).unwrap_or_default();
    norm(a) == norm(b)
}

/// An online link people can follow safely: https with a host and no spaces.
pub fn valid_online_link(link: &str) -> bool {
    let Some(rest) = link.strip_prefix("https://") else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && host.contains('.') && !link.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn feed_token() -> String {
    rand::thread_rng().sample_iter(&rand::distributions::Alphanumeric).take(32).map(char::from).collect()
}

// ---------- what a group form may choose from ----------

/// The organisation's programs, sites, curricula and focus areas: what a group may name.
pub struct Choices {
    pub org: organisation::Model,
    pub programs: Vec<program::Model>,
    pub sites: Vec<site::Model>,
    pub curricula: Vec<curriculum::Model>,
    pub focus: &'static [FocusArea],
}

pub async fn choices(state: &AppState, actor: &Actor) -> AppResult<Choices> {
    let org = org_of(state, actor.org_id).await?;
    let programs = db::org::programs(state.db.conn(), actor.org_id).await?;
    let sites = db::org::sites(&state.db, actor.org_id).await?;
    let curricula = curriculum::Entity::find()
        .filter(curriculum::Column::OrgId.eq(actor.org_id))
        .order_by_asc(curriculum::Column::Title)
        .all(state.db.conn())
        .await?;
    let focus = focus_areas(edition_of(&org));
    Ok(Choices { org, programs, sites, curricula, focus })
}

impl Choices {
    /// Programs the actor may start a group in.
    pub fn creatable_programs(&self, actor: &Actor) -> Vec<&program::Model> {
        self.programs.iter().filter(|p| p.active && access::may_create_group(actor, p.id)).collect()
    }

    pub fn program_name(&self, id: Uuid) -> String {
        self.programs.iter().find(|p| p.id == id).map(|p| p.name.clone()).unwrap_or_default()
    }

    pub fn site_name(&self, id: Option<Uuid>) -> Option<String> {
        let id = id?;
        self.sites.iter().find(|s| s.id == id).map(|s| s.name.clone())
    }

    pub fn curriculum_title(&self, id: Option<Uuid>) -> Option<String> {
        let id = id?;
        self.curricula.iter().find(|c| c.id == id).map(|c| c.title.clone())
    }
}

// ---------- groups ----------

/// A group as the form and the API send it; codes as text so mistakes come back as field errors.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct GroupInput {
    /// One of the organisation's programs.
    pub program_id: Option<Uuid>,
    /// Required, at most 200 characters.
    pub name: String,
    /// `education`, `support`, `peer-recovery`, `workshop`, `class` or `health-wellness`.
    pub kind: String,
    /// At least one, from the list of the organisation's accreditation edition.
    pub focus_areas: Vec<String>,
    /// Who the group is for (at least one).
    pub audience: Vec<String>,
    /// The public description, shown on the page of open groups.
    pub description: Option<String>,
    /// `open` (newcomers and drop-ins welcome) or `closed`.
    pub membership: String,
    /// 1 to 500; none for no limit.
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub capacity: Option<String>,
    /// `warn` (the facilitator may go over) or `refuse`.
    pub capacity_rule: String,
    /// The language the group is held in.
    pub language: String,
    /// One of the organisation's sites.
    pub site_id: Option<Uuid>,
    pub room: Option<String>,
    /// An https link for online sessions (only ever in the members' own calendar feed).
    pub online_link: Option<String>,
    /// Led by peers: the peer-support standards then apply.
    pub peer_led: bool,
    /// Shown on the public page of open groups.
    pub listed_publicly: bool,
    /// A curriculum of the organisation; its current version is recorded with the group.
    pub curriculum_id: Option<Uuid>,
    /// Move a group that follows an older version of its curriculum to the current one.
    pub use_current_version: bool,
    /// `active`, `paused` or `ended`.
    pub status: String,
}

/// A group form that passed every check.
#[derive(Clone, Debug)]
pub struct GroupFields {
    pub program_id: Uuid,
    pub name: String,
    pub kind: GroupKind,
    pub focus_areas: Vec<FocusArea>,
    pub audience: Vec<Audience>,
    pub description: Option<String>,
    pub membership: Membership,
    pub capacity: Option<i32>,
    pub capacity_rule: CapacityRule,
    pub language: String,
    pub site_id: Option<Uuid>,
    pub room: Option<String>,
    pub online_link: Option<String>,
    pub peer_led: bool,
    pub listed_publicly: bool,
    pub curriculum: Option<(Uuid, i32)>,
    pub use_current_version: bool,
    pub status: GroupStatus,
}

impl GroupInput {
    pub fn validate(&self, choices: &Choices) -> Result<GroupFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let program_id = match self.program_id {
            None => {
                errors.add("program_id", "error-group-program-required");
                None
            }
            Some(id) if choices.programs.iter().any(|p| p.id == id) => Some(id),
            Some(_) => {
                errors.add("program_id", "error-unknown-choice");
                None
            }
        };
        let name = errors.required("name", &self.name, NAME_MAX);
        let kind = errors.required_code("kind", &self.kind, GroupKind::parse);
        let focus = self.focus(&mut errors, choices);
        let audience = self.audience(&mut errors);
        let description = errors.optional("description", self.description.as_deref(), 2000);
        let membership = errors.required_code("membership", &self.membership, Membership::parse);
        let capacity = match trimmed(self.capacity.as_deref()) {
            None => None,
            Some(raw) => match raw.parse::<i32>() {
                Ok(n) if (1..=CAPACITY_MAX).contains(&n) => Some(n),
                _ => {
                    errors.add_with("capacity", "error-group-capacity", vec![("max", CAPACITY_MAX.to_string())]);
                    None
                }
            },
        };
        let capacity_rule = match self.capacity_rule.trim() {
            "" => Some(CapacityRule::Warn),
            raw => errors.required_code("capacity_rule", raw, CapacityRule::parse),
        };
        let language = errors.required("language", &self.language, 60);
        let site_id = match self.site_id {
            Some(id) if !choices.sites.iter().any(|s| s.id == id) => {
                errors.add("site_id", "error-unknown-choice");
                None
            }
            other => other,
        };
        let room = errors.optional("room", self.room.as_deref(), 100);
        let online_link = errors.optional("online_link", self.online_link.as_deref(), 500);
        if let Some(link) = &online_link
            && !valid_online_link(link)
        {
            errors.add("online_link", "error-group-online-link");
        }
        if self.site_id.is_none() && online_link.is_none() && errors.for_field("online_link").is_none() {
            errors.add("site_id", "error-group-place-required");
        }
        if room.is_some() && self.site_id.is_none() && errors.for_field("room").is_none() {
            errors.add("room", "error-group-room-without-site");
        }
        let curriculum = match self.curriculum_id {
            None => None,
            Some(id) => match choices.curricula.iter().find(|c| c.id == id) {
                Some(c) => Some((c.id, c.current_version)),
                None => {
                    errors.add("curriculum_id", "error-unknown-choice");
                    None
                }
            },
        };
        let status = match self.status.trim() {
            "" => Some(GroupStatus::Active),
            raw => errors.required_code("status", raw, GroupStatus::parse),
        };
        let (Some(program_id), Some(kind), Some(membership), Some(capacity_rule), Some(status)) =
            (program_id, kind, membership, capacity_rule, status)
        else {
            return Err(errors);
        };
        errors.finish(GroupFields {
            program_id,
            name,
            kind,
            focus_areas: focus,
            audience,
            description,
            membership,
            capacity,
            capacity_rule,
            language,
            site_id,
            room,
            online_link,
            peer_led: self.peer_led,
            listed_publicly: self.listed_publicly,
            curriculum,
            use_current_version: self.use_current_version,
            status,
        })
    }

    fn focus(&self, errors: &mut FieldErrors, choices: &Choices) -> Vec<FocusArea> {
        let codes: Vec<&str> = self.focus_areas.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
        if codes.is_empty() {
            errors.add("focus_areas", "error-group-focus-required");
            return Vec::new();
        }
        let mut found = Vec::new();
        for code in codes {
            match FocusArea::parse(code) {
                Some(area) if choices.focus.contains(&area) => {
                    if !found.contains(&area) {
                        found.push(area);
                    }
                }
                Some(_) => {
                    let edition = edition_of(&choices.org);
                    errors.add_with(
                        "focus_areas",
                        "error-group-focus-edition",
                        vec![("edition", edition.code().to_string()), ("count", choices.focus.len().to_string())],
                    );
                    return Vec::new();
                }
                None => {
                    errors.add("focus_areas", "error-unknown-choice");
                    return Vec::new();
                }
            }
        }
        // Stored in the edition's own order, so every list reads the same way.
        choices.focus.iter().copied().filter(|a| found.contains(a)).collect()
    }

    fn audience(&self, errors: &mut FieldErrors) -> Vec<Audience> {
        let codes: Vec<&str> = self.audience.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
        if codes.is_empty() {
            errors.add("audience", "error-group-audience-required");
            return Vec::new();
        }
        let parsed: Vec<Audience> = codes.iter().filter_map(|c| Audience::parse(c)).collect();
        if parsed.len() != codes.len() {
            errors.add("audience", "error-unknown-choice");
            return Vec::new();
        }
        Audience::ALL.iter().copied().filter(|a| parsed.contains(a)).collect()
    }

    /// The form filled from a saved group (for editing).
    pub fn of(group: &support_group::Model) -> GroupInput {
        GroupInput {
            program_id: Some(group.program_id),
            name: group.name.clone(),
            kind: group.kind.clone(),
            focus_areas: group.focus_areas.split(';').filter(|c| !c.is_empty()).map(String::from).collect(),
            audience: group.audience.split(';').filter(|c| !c.is_empty()).map(String::from).collect(),
            description: group.description.clone(),
            membership: group.membership.clone(),
            capacity: group.capacity.map(|c| c.to_string()),
            capacity_rule: group.capacity_rule.clone(),
            language: group.language.clone(),
            site_id: group.site_id,
            room: group.room.clone(),
            online_link: group.online_link.clone(),
            peer_led: group.peer_led,
            listed_publicly: group.listed_publicly,
            curriculum_id: group.curriculum_id,
            use_current_version: false,
            status: group.status.clone(),
        }
    }
}

fn apply(model: &mut support_group::Model, f: &GroupFields) {
    model.program_id = f.program_id;
    model.name = f.name.clone();
    model.kind = f.kind.code().into();
    model.focus_areas = join_codes(&f.focus_areas, FocusArea::code);
    model.audience = join_codes(&f.audience, Audience::code);
    model.description = f.description.clone();
    model.membership = f.membership.code().into();
    model.capacity = f.capacity;
    model.capacity_rule = f.capacity_rule.code().into();
    model.language = f.language.clone();
    model.site_id = f.site_id;
    model.room = f.room.clone();
    model.online_link = f.online_link.clone();
    model.peer_led = f.peer_led;
    model.listed_publicly = f.listed_publicly;
    // A group keeps the curriculum version it started with until it names another curriculum or
    // asks for the current version.
    let keep =
        !f.use_current_version && model.curriculum_id.is_some() && model.curriculum_id == f.curriculum.map(|c| c.0);
    if !keep {
        model.curriculum_id = f.curriculum.map(|c| c.0);
        model.curriculum_version = f.curriculum.map(|c| c.1);
    }
    model.status = f.status.code().into();
}

/// Starts a group in a program the actor may start groups in.
pub async fn create_group(state: &AppState, actor: &Actor, input: &GroupInput) -> AppResult<support_group::Model> {
    // Someone who may start no group at all learns nothing from validation messages.
    if let Some(program_id) = input.program_id
        && !access::may_create_group(actor, program_id)
    {
        return Err(deny(state, actor, "group.create", ("program", program_id)).await);
    }
    let choices = choices(state, actor).await?;
    if choices.creatable_programs(actor).is_empty() {
        return Err(deny(state, actor, "group.create", ("organisation", actor.org_id)).await);
    }
    let fields = input.validate(&choices)?;
    let now = state.clock.now();
    let mut model = support_group::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        program_id: fields.program_id,
        name: String::new(),
        kind: String::new(),
        focus_areas: String::new(),
        audience: String::new(),
        description: None,
        membership: String::new(),
        capacity: None,
        capacity_rule: String::new(),
        language: String::new(),
        site_id: None,
        room: None,
        online_link: None,
        peer_led: false,
        listed_publicly: false,
        curriculum_id: None,
        curriculum_version: None,
        status: String::new(),
        feed_token: feed_token(),
        created_by: actor.staff_id,
        updated_by: actor.staff_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    apply(&mut model, &fields);
    // Whoever starts a group runs it until they hand it on, unless they oversee it anyway.
    let oversees = actor.has(Role::Administrator)
        || (actor.has(Role::ProgramDirector) && actor.program_ids.contains(&model.program_id));
    let txn = state.db.begin_write().await?;
    support_group::Entity::insert(support_group::ActiveModel::from(model.clone()))
        .exec_without_returning(&*txn)
        .await?;
    if !oversees {
        let lead = group_facilitator::Model {
            id: Uuid::new_v4(),
            org_id: actor.org_id,
            group_id: model.id,
            staff_id: Some(actor.staff_id),
            volunteer_name: None,
            role: FacilitatorRole::Lead.code().into(),
            added_by: actor.staff_id,
            added_at: now,
        };
        group_facilitator::Entity::insert(group_facilitator::ActiveModel::from(lead))
            .exec_without_returning(&*txn)
            .await?;
    }
    let entry = actor_entry(actor, "group.create")
        .record("group", model.id)
        .detail(json!({ "program_id": model.program_id, "kind": model.kind, "creator_leads": !oversees }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(model)
}

/// Saves changes to a group if nobody saved since `version`.
pub async fn update_group(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    input: &GroupInput,
) -> AppResult<support_group::Model> {
    let loaded = load(state, actor, id).await?;
    require(state, actor, loaded.access.manage, "group.update", id).await?;
    // Moving a group to another program needs the right to start groups there.
    if let Some(program_id) = input.program_id
        && program_id != loaded.group.program_id
        && !access::may_create_group(actor, program_id)
    {
        return Err(deny(state, actor, "group.move-program", ("program", program_id)).await);
    }
    let choices = choices(state, actor).await?;
    let fields = input.validate(&choices)?;
    let now = state.clock.now();
    let old = loaded.group;
    let mut model = old.clone();
    apply(&mut model, &fields);
    model.updated_by = actor.staff_id;
    model.updated_at = now;
    model.version = next_version(version, old.version)?;
    let changed = changed_fields(&old, &model);
    let txn = state.db.begin_write().await?;
    let result = support_group::Entity::update_many()
        .set(support_group::ActiveModel::from(model.clone()).reset_all())
        .filter(support_group::Column::OrgId.eq(actor.org_id))
        .filter(support_group::Column::Id.eq(id))
        .filter(support_group::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    let entry = actor_entry(actor, "group.update").record("group", id).detail(json!({ "fields": changed }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(model)
}

fn changed_fields(a: &support_group::Model, b: &support_group::Model) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut check = |name: &'static str, same: bool| {
        if !same {
            out.push(name);
        }
    };
    check("program_id", a.program_id == b.program_id);
    check("name", a.name == b.name);
    check("kind", a.kind == b.kind);
    check("focus_areas", a.focus_areas == b.focus_areas);
    check("audience", a.audience == b.audience);
    check("description", a.description == b.description);
    check("membership", a.membership == b.membership);
    check("capacity", a.capacity == b.capacity && a.capacity_rule == b.capacity_rule);
    check("language", a.language == b.language);
    check("place", a.site_id == b.site_id && a.room == b.room && a.online_link == b.online_link);
    check("peer_led", a.peer_led == b.peer_led);
    check("listed_publicly", a.listed_publicly == b.listed_publicly);
    check("curriculum", a.curriculum_id == b.curriculum_id && a.curriculum_version == b.curriculum_version);
    check("status", a.status == b.status);
    out
}

// ---------- facilitators and their readiness ----------

/// Who a facilitator is: a staff member, or a peer volunteer known by name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Who {
    Staff(Uuid),
    /// The name as compared: trimmed and lower-cased.
    Volunteer(String),
}

impl Who {
    pub fn volunteer(name: &str) -> Who {
        Who::Volunteer(name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase())
    }

    pub fn of_facilitator(f: &group_facilitator::Model) -> Who {
        match f.staff_id {
            Some(id) => Who::Staff(id),
            None => Who::volunteer(f.volunteer_name.as_deref().unwrap_or("")),
        }
    }

    pub fn of_attestation(r: &facilitator_readiness::Model) -> Who {
        match r.staff_id {
            Some(id) => Who::Staff(id),
            None => Who::volunteer(r.volunteer_name.as_deref().unwrap_or("")),
        }
    }

    /// The form value naming this facilitator on the readiness page.
    pub fn key(&self) -> String {
        match self {
            Who::Staff(id) => format!("staff:{id}"),
            Who::Volunteer(name) => format!("volunteer:{name}"),
        }
    }
}

/// How ready a facilitator is to lead groups (2.04): the skills attested and those missing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Readiness {
    pub areas: Vec<ReadinessArea>,
    pub missing: Vec<ReadinessArea>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub attested_at: Option<OffsetDateTime>,
}

impl Readiness {
    pub fn ready(&self) -> bool {
        self.missing.is_empty()
    }
}

/// The 2.04 requirement a group-leadership skill is.
pub fn area_topic(area: ReadinessArea) -> Requirement {
    match area {
        ReadinessArea::EngagingMembers => Requirement::EngagingMembers,
        ReadinessArea::DynamicsSafety => Requirement::GroupDynamicsSafety,
        ReadinessArea::LeadingDiscussion => Requirement::LeadingDiscussion,
        ReadinessArea::FacilitatingActivities => Requirement::FacilitatingActivities,
    }
}

/// Staff members' training records that cover a group-leadership skill (completed or
/// demonstrated), newest first: of the staff named, or of everyone.
async fn group_training(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    staff_ids: Option<&[Uuid]>,
) -> AppResult<Vec<training_record::Model>> {
    let query = || {
        training_record::Entity::find()
            .filter(training_record::Column::OrgId.eq(org_id))
            .filter(training_record::Column::Topics.contains("cse-2-04-"))
    };
    let mut rows = Vec::new();
    match staff_ids {
        None => rows = query().all(conn).await?,
        Some(ids) => {
            for chunk in ids.chunks(400) {
                rows.extend(query().filter(training_record::Column::StaffId.is_in(chunk.to_vec())).all(conn).await?);
            }
        }
    }
    rows.sort_by_key(|r| std::cmp::Reverse((r.created_at, r.completed_on)));
    Ok(rows)
}

/// The group-leadership skills a training record covers.
fn record_areas(r: &training_record::Model) -> Vec<ReadinessArea> {
    let topics: Vec<Requirement> = crate::domain::codes::split_codes(&r.topics);
    ReadinessArea::ALL.iter().copied().filter(|a| topics.contains(&area_topic(*a))).collect()
}

/// A staff member's training record as a readiness attestation, for the history the readiness
/// page and API show.
fn as_attestation(r: &training_record::Model) -> facilitator_readiness::Model {
    facilitator_readiness::Model {
        id: r.id,
        org_id: r.org_id,
        staff_id: Some(r.staff_id),
        volunteer_name: None,
        areas: join_codes(&record_areas(r), ReadinessArea::code),
        note: Some(r.demonstration.clone().unwrap_or_else(|| r.title.clone())),
        attested_by: r.attested_by.unwrap_or(r.recorded_by),
        attested_at: r.created_at,
    }
}

/// The one readiness check (2.04). A staff member is ready when their training records, completed
/// or demonstrated, together cover all four group-leadership skills; a peer volunteer (who has no
/// personnel record) when the latest attestation does.
pub async fn readiness_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    who: &[Who],
) -> AppResult<HashMap<Who, Readiness>> {
    let staff_ids: Vec<Uuid> = who
        .iter()
        .filter_map(|w| match w {
            Who::Staff(id) => Some(*id),
            Who::Volunteer(_) => None,
        })
        .collect();
    let mut trained: HashMap<Uuid, (Vec<ReadinessArea>, OffsetDateTime)> = HashMap::new();
    for r in group_training(conn, org_id, Some(&staff_ids)).await? {
        let areas = record_areas(&r);
        let entry = trained.entry(r.staff_id).or_insert_with(|| (Vec::new(), r.created_at));
        entry.0.extend(areas);
    }
    let mut rows = if who.iter().any(|w| matches!(w, Who::Volunteer(_))) {
        facilitator_readiness::Entity::find()
            .filter(facilitator_readiness::Column::OrgId.eq(org_id))
            .filter(facilitator_readiness::Column::StaffId.is_null())
            .all(conn)
            .await?
    } else {
        Vec::new()
    };
    // Compared as instants: stored text with and without fractions of a second sorts wrongly.
    rows.sort_by_key(|r| std::cmp::Reverse(r.attested_at));
    let mut latest: HashMap<Who, &facilitator_readiness::Model> = HashMap::new();
    for row in &rows {
        latest.entry(Who::of_attestation(row)).or_insert(row);
    }
    Ok(who
        .iter()
        .map(|w| {
            let (areas, attested_at) = match w {
                Who::Staff(id) => match trained.get(id) {
                    Some((shown, at)) => (shown.clone(), Some(*at)),
                    None => (Vec::new(), None),
                },
                Who::Volunteer(_) => match latest.get(w) {
                    Some(r) => (split_codes(&r.areas, ReadinessArea::parse), Some(r.attested_at)),
                    None => (Vec::new(), None),
                },
            };
            let areas: Vec<ReadinessArea> = ReadinessArea::ALL.iter().copied().filter(|a| areas.contains(a)).collect();
            let missing = ReadinessArea::ALL.iter().copied().filter(|a| !areas.contains(a)).collect();
            (w.clone(), Readiness { areas, missing, attested_at })
        })
        .collect())
}

/// A facilitator with their name and readiness.
#[derive(Clone, Debug)]
pub struct FacilitatorView {
    pub row: group_facilitator::Model,
    pub name: String,
    pub volunteer: bool,
    pub readiness: Readiness,
    /// A staff facilitator whose peer certification has lapsed: since when (2.06).
    pub certification_lapsed: Option<time::Date>,
}

pub async fn staff_names(state: &AppState, org_id: Uuid) -> AppResult<HashMap<Uuid, String>> {
    Ok(staff::Entity::find()
        .filter(staff::Column::OrgId.eq(org_id))
        .all(state.db.conn())
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect())
}

/// Staff facilitators whose peer certification has lapsed, with the day it did.
async fn lapsed_certifications(
    state: &AppState,
    org_id: Uuid,
    staff_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, time::Date>> {
    if staff_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let conn = state.db.conn();
    let members = staff::Entity::find()
        .filter(staff::Column::OrgId.eq(org_id))
        .filter(staff::Column::Id.is_in(staff_ids.to_vec()));
    let members = members.all(conn).await?;
    let facts = crate::personnel::facts(conn, org_id, &members).await?;
    let intervals = crate::personnel::settings(conn, org_id).await?.intervals;
    let today = crate::personnel::today(state, org_id).await?;
    Ok(facts
        .iter()
        .filter_map(|(id, f)| match evaluate(f, &intervals, today).standing(Need::Check(Check::PeerCertification)) {
            Some(Standing::Expired { since }) => Some((*id, since.unwrap_or(today))),
            _ => None,
        })
        .collect())
}

/// Facilitators with names and readiness; `certifications` also looks up lapsed peer
/// certifications (the group page and a new facilitator, not the list of every group).
async fn facilitator_views(
    state: &AppState,
    org_id: Uuid,
    rows: Vec<group_facilitator::Model>,
    names: &HashMap<Uuid, String>,
    certifications: bool,
) -> AppResult<Vec<FacilitatorView>> {
    let who: Vec<Who> = rows.iter().map(Who::of_facilitator).collect();
    let readiness = readiness_of(state.db.conn(), org_id, &who).await?;
    let lapsed = if certifications {
        let ids: Vec<Uuid> = rows.iter().filter_map(|f| f.staff_id).collect();
        lapsed_certifications(state, org_id, &ids).await?
    } else {
        HashMap::new()
    };
    Ok(rows
        .into_iter()
        .zip(who)
        .map(|(row, who)| FacilitatorView {
            name: match row.staff_id {
                Some(id) => names.get(&id).cloned().unwrap_or_default(),
                None => row.volunteer_name.clone().unwrap_or_default(),
            },
            volunteer: row.staff_id.is_none(),
            readiness: readiness.get(&who).cloned().unwrap_or_default(),
            certification_lapsed: row.staff_id.and_then(|id| lapsed.get(&id).copied()),
            row,
        })
        .collect())
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FacilitatorInput {
    /// An active staff member of the organisation; or leave out and give `volunteer_name`.
    pub staff_id: Option<Uuid>,
    /// A trained peer volunteer who has no sign-in.
    pub volunteer_name: Option<String>,
    /// `lead` or `co-facilitator`.
    pub role: String,
}

/// Adds a facilitator; the answer carries their readiness, so a missing skill is warned about.
pub async fn add_facilitator(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    input: &FacilitatorInput,
) -> AppResult<FacilitatorView> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.manage, "group.facilitator.add", group_id).await?;
    // Facilitating opens the roster: someone who sets groups up without seeing who attends (an
    // administrator) does not get to see it by naming themselves, unless they lead groups too.
    if input.staff_id == Some(actor.staff_id) && !loaded.access.run && !actor.has(Role::GroupFacilitator) {
        return Err(deny(state, actor, "group.facilitator.add-self", ("group", group_id)).await);
    }
    let mut errors = FieldErrors::new();
    let role = errors.required_code("role", &input.role, FacilitatorRole::parse);
    let volunteer = errors.optional("volunteer_name", input.volunteer_name.as_deref(), 120);
    match (input.staff_id, &volunteer) {
        (Some(_), Some(_)) => errors.add("staff_id", "error-group-facilitator-one"),
        (None, None) => errors.add("staff_id", "error-group-facilitator-required"),
        _ => {}
    }
    if let Some(id) = input.staff_id {
        let member = db::staff::get(state.db.conn(), actor.org_id, id).await?;
        if !member.is_some_and(|s| s.active) {
            errors.add("staff_id", "error-group-facilitator-staff");
        }
    }
    let who = match (input.staff_id, &volunteer) {
        (Some(id), _) => Some(Who::Staff(id)),
        (None, Some(name)) => Some(Who::volunteer(name)),
        _ => None,
    };
    if let Some(who) = &who
        && loaded.facilitators.iter().any(|f| Who::of_facilitator(f) == *who)
    {
        errors
            .add(if input.staff_id.is_some() { "staff_id" } else { "volunteer_name" }, "error-group-facilitator-twice");
    }
    let Some(role) = role else { return Err(errors.into()) };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    // Under the organisation's block policy a staff member missing group training or a peer
    // certification is refused here; under warn the answer's readiness and flags say what is missing.
    if let Some(id) = input.staff_id {
        crate::personnel::enforce_assignment(state, actor.org_id, id, Assignment::Facilitator, "staff_id").await?;
    }
    let now = state.clock.now();
    let row = group_facilitator::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        group_id,
        staff_id: input.staff_id,
        volunteer_name: if input.staff_id.is_some() { None } else { volunteer },
        role: role.code().into(),
        added_by: actor.staff_id,
        added_at: now,
    };
    let txn = state.db.begin_write().await?;
    group_facilitator::Entity::insert(group_facilitator::ActiveModel::from(row.clone()))
        .exec_without_returning(&*txn)
        .await?;
    let entry = actor_entry(actor, "group.facilitator.add")
        .record("group", group_id)
        .detail(json!({ "facilitator_id": row.id, "staff_id": row.staff_id, "role": row.role }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    let names = staff_names(state, actor.org_id).await?;
    let mut views = facilitator_views(state, actor.org_id, vec![row], &names, true).await?;
    views.pop().ok_or(AppError::NotFound)
}

pub async fn remove_facilitator(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    facilitator_id: Uuid,
) -> AppResult<()> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.manage, "group.facilitator.remove", group_id).await?;
    if !loaded.facilitators.iter().any(|f| f.id == facilitator_id) {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    group_facilitator::Entity::delete_many()
        .filter(group_facilitator::Column::OrgId.eq(actor.org_id))
        .filter(group_facilitator::Column::GroupId.eq(group_id))
        .filter(group_facilitator::Column::Id.eq(facilitator_id))
        .exec(&*txn)
        .await?;
    let entry = actor_entry(actor, "group.facilitator.remove")
        .record("group", group_id)
        .detail(json!({ "facilitator_id": facilitator_id }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(())
}

/// One facilitator on the readiness page: the groups they help run and every attestation.
#[derive(Clone, Debug)]
pub struct ReadinessEntry {
    pub who: Who,
    pub name: String,
    pub volunteer: bool,
    pub groups: Vec<(Uuid, String)>,
    pub readiness: Readiness,
    /// Newest first.
    pub history: Vec<facilitator_readiness::Model>,
}

/// Everyone who facilitates a group or has been attested, with their readiness and history.
pub async fn readiness_list(state: &AppState, actor: &Actor) -> AppResult<Vec<ReadinessEntry>> {
    let conn = state.db.conn();
    let names = staff_names(state, actor.org_id).await?;
    let facilitators =
        group_facilitator::Entity::find().filter(group_facilitator::Column::OrgId.eq(actor.org_id)).all(conn).await?;
    let groups: HashMap<Uuid, String> = support_group::Entity::find()
        .filter(support_group::Column::OrgId.eq(actor.org_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    // Volunteers' attestations, and for staff the training records covering group skills.
    let mut history = facilitator_readiness::Entity::find()
        .filter(facilitator_readiness::Column::OrgId.eq(actor.org_id))
        .filter(facilitator_readiness::Column::StaffId.is_null())
        .all(conn)
        .await?;
    history.extend(group_training(conn, actor.org_id, None).await?.iter().map(as_attestation));
    // How a colleague's skill was shown is part of their personnel record: the note stays with
    // those who may read that record; everyone sees which skills are covered.
    let readable = crate::personnel::readable_staff(state, actor).await?;
    for r in history.iter_mut().filter(|r| r.staff_id.is_some_and(|id| !readable.contains(&id))) {
        r.note = None;
    }
    history.sort_by_key(|r| std::cmp::Reverse(r.attested_at));
    let mut entries: BTreeMap<Who, ReadinessEntry> = BTreeMap::new();
    let mut add = |who: Who, display: String| {
        entries.entry(who.clone()).or_insert_with(|| ReadinessEntry {
            volunteer: matches!(who, Who::Volunteer(_)),
            who,
            name: display,
            groups: Vec::new(),
            readiness: Readiness::default(),
            history: Vec::new(),
        });
    };
    for f in &facilitators {
        let display = match f.staff_id {
            Some(id) => names.get(&id).cloned().unwrap_or_default(),
            None => f.volunteer_name.clone().unwrap_or_default(),
        };
        add(Who::of_facilitator(f), display);
    }
    for r in &history {
        let display = match r.staff_id {
            Some(id) => names.get(&id).cloned().unwrap_or_default(),
            None => r.volunteer_name.clone().unwrap_or_default(),
        };
        add(Who::of_attestation(r), display);
    }
    for f in &facilitators {
        if let Some(entry) = entries.get_mut(&Who::of_facilitator(f)) {
            let name = groups.get(&f.group_id).cloned().unwrap_or_default();
            if !entry.groups.iter().any(|(id, _)| *id == f.group_id) {
                entry.groups.push((f.group_id, name));
            }
        }
    }
    for r in history {
        if let Some(entry) = entries.get_mut(&Who::of_attestation(&r)) {
            entry.history.push(r);
        }
    }
    let who: Vec<Who> = entries.keys().cloned().collect();
    let readiness = readiness_of(conn, actor.org_id, &who).await?;
    let mut list: Vec<ReadinessEntry> = entries
        .into_values()
        .map(|mut e| {
            e.readiness = readiness.get(&e.who).cloned().unwrap_or_default();
            e
        })
        .collect();
    list.sort_by_key(|e| (e.readiness.ready(), e.name.to_lowercase()));
    Ok(list)
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AttestInput {
    /// The staff member attested; or leave out and give `volunteer_name`.
    pub staff_id: Option<Uuid>,
    pub volunteer_name: Option<String>,
    /// The skills shown: `engaging-members`, `dynamics-safety`, `leading-discussion`,
    /// `facilitating-activities`. An empty list withdraws readiness (a note is then needed).
    pub areas: Vec<String>,
    pub note: Option<String>,
}

/// Records that a supervisor or director saw a facilitator's group-leadership skills. For a
/// staff member this is a demonstrated competency in their training record (the areas as 2.04
/// topics, the note as how it was shown), which the answer echoes as an attestation; withdrawing
/// a staff member's readiness is done on their training page. A peer volunteer's latest
/// attestation counts, and an empty list with a note withdraws it.
pub async fn attest(state: &AppState, actor: &Actor, input: &AttestInput) -> AppResult<facilitator_readiness::Model> {
    if !access::may_attest_readiness(actor) {
        let record = input.staff_id.map_or(("organisation", actor.org_id), |id| ("staff", id));
        return Err(deny(state, actor, "group.readiness.attest", record).await);
    }
    let mut errors = FieldErrors::new();
    let volunteer = errors.optional("volunteer_name", input.volunteer_name.as_deref(), 120);
    match (input.staff_id, &volunteer) {
        (Some(_), Some(_)) => errors.add("staff_id", "error-group-facilitator-one"),
        (None, None) => errors.add("staff_id", "error-group-facilitator-required"),
        _ => {}
    }
    if let Some(id) = input.staff_id
        && db::staff::get(state.db.conn(), actor.org_id, id).await?.is_none()
    {
        errors.add("staff_id", "error-group-facilitator-staff");
    }
    let codes: Vec<&str> = input.areas.iter().map(|a| a.trim()).filter(|a| !a.is_empty()).collect();
    let areas: Vec<ReadinessArea> = codes.iter().filter_map(|c| ReadinessArea::parse(c)).collect();
    if areas.len() != codes.len() {
        errors.add("areas", "error-unknown-choice");
    }
    let note = errors.optional("note", input.note.as_deref(), 2000);
    if codes.is_empty() && input.staff_id.is_some() && volunteer.is_none() {
        errors.add("areas", "training-error-readiness-staff-empty");
    } else if codes.is_empty() && note.is_none() {
        errors.add("note", "error-group-readiness-note");
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let areas: Vec<ReadinessArea> = ReadinessArea::ALL.iter().copied().filter(|a| areas.contains(a)).collect();
    if let Some(staff_id) = input.staff_id {
        return attest_staff(state, actor, staff_id, &areas, note).await;
    }
    // The latest attestation counts, so a second one in the same instant must still come later.
    let who = Who::volunteer(volunteer.as_deref().unwrap_or(""));
    let latest = readiness_of(state.db.conn(), actor.org_id, std::slice::from_ref(&who))
        .await?
        .get(&who)
        .and_then(|r| r.attested_at);
    let now = match latest {
        Some(at) if at >= state.clock.now() => at + Duration::milliseconds(1),
        _ => state.clock.now(),
    };
    let row = facilitator_readiness::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        staff_id: None,
        volunteer_name: volunteer,
        areas: join_codes(&areas, ReadinessArea::code),
        note,
        attested_by: actor.staff_id,
        attested_at: now,
    };
    let txn = state.db.begin_write().await?;
    facilitator_readiness::Entity::insert(facilitator_readiness::ActiveModel::from(row.clone()))
        .exec_without_returning(&*txn)
        .await?;
    let entry = actor_entry(actor, "group.readiness.attest").detail(json!({ "id": row.id, "areas": row.areas }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(row)
}

/// A staff member's group skills seen by the actor, kept as a demonstrated competency (only by
/// someone who manages their personnel record, never by themselves).
async fn attest_staff(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    areas: &[ReadinessArea],
    note: Option<String>,
) -> AppResult<facilitator_readiness::Model> {
    let input = TrainingInput {
        title: Some("Group leadership attested".into()),
        topics: areas.iter().map(|a| area_topic(*a).code().to_string()).collect(),
        demonstration: Some(note.clone().unwrap_or_else(|| OBSERVED_LEADING.to_string())),
        ..Default::default()
    };
    let areas_text = join_codes(areas, ReadinessArea::code);
    let also = actor_entry(actor, "group.readiness.attest")
        .record("staff", staff_id)
        .detail(json!({ "areas": areas_text, "kept_as": "training-record" }));
    match crate::personnel::training::demonstrate(state, actor, staff_id, &input, Some(also)).await {
        Ok(saved) => Ok(as_attestation(&saved)),
        Err(AppError::Invalid(mut errors)) => {
            // The form speaks of skills and a note.
            for e in errors.0.iter_mut() {
                e.field = match e.field.as_str() {
                    "topics" => "areas".into(),
                    "demonstration" => "note".into(),
                    _ => e.field.clone(),
                };
            }
            Err(AppError::Invalid(errors))
        }
        Err(other) => Err(other),
    }
}

// ---------- one group, and the list ----------

/// Everything the group page shows.
pub struct GroupView {
    pub loaded: Loaded,
    pub facilitators: Vec<FacilitatorView>,
    pub schedules: Vec<group_schedule::Model>,
    pub upcoming: Vec<Slot>,
    pub recent: Vec<Slot>,
    /// Active members, only with roster access.
    pub member_count: Option<u64>,
    pub program_name: String,
    pub site: Option<site::Model>,
    pub curriculum_title: Option<String>,
    pub org: organisation::Model,
}

impl GroupView {
    pub fn access(&self) -> GroupAccess {
        self.loaded.access
    }

    pub fn group(&self) -> &support_group::Model {
        &self.loaded.group
    }

    pub fn unready(&self) -> Vec<&FacilitatorView> {
        self.facilitators.iter().filter(|f| !f.readiness.ready()).collect()
    }

    /// Staff facilitators whose peer certification has lapsed.
    pub fn lapsed(&self) -> Vec<&FacilitatorView> {
        self.facilitators.iter().filter(|f| f.certification_lapsed.is_some()).collect()
    }
}

pub async fn schedules_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    group_id: Uuid,
) -> AppResult<Vec<group_schedule::Model>> {
    Ok(group_schedule::Entity::find()
        .filter(group_schedule::Column::OrgId.eq(org_id))
        .filter(group_schedule::Column::GroupId.eq(group_id))
        .order_by_desc(group_schedule::Column::Active)
        .order_by_asc(group_schedule::Column::StartsOn)
        .all(conn)
        .await?)
}

async fn member_counts(conn: &impl ConnectionTrait, org_id: Uuid, group_ids: &[Uuid]) -> AppResult<HashMap<Uuid, u64>> {
    if group_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, i64)> = group_member::Entity::find()
        .select_only()
        .column(group_member::Column::GroupId)
        .column_as(group_member::Column::Id.count(), "n")
        .filter(group_member::Column::OrgId.eq(org_id))
        .filter(group_member::Column::GroupId.is_in(group_ids.iter().copied()))
        .filter(group_member::Column::Status.eq(MemberStatus::Active.code()))
        .group_by(group_member::Column::GroupId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|(g, n)| (g, n.max(0) as u64)).collect())
}

pub async fn group_view(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<GroupView> {
    let loaded = load(state, actor, id).await?;
    let conn = state.db.conn();
    let org = org_of(state, actor.org_id).await?;
    let names = staff_names(state, actor.org_id).await?;
    let facilitators = facilitator_views(state, actor.org_id, loaded.facilitators.clone(), &names, true).await?;
    let schedules = schedules_of(conn, actor.org_id, id).await?;
    let now = state.clock.now();
    let window = slots(
        conn,
        actor.org_id,
        Some(&[id]),
        &org.time_zone,
        now - Duration::days(RECENT_DAYS),
        now + Duration::days(UPCOMING_DAYS),
    )
    .await?;
    let (recent, upcoming): (Vec<Slot>, Vec<Slot>) = window.into_iter().partition(|s| s.ends_at <= now);
    let member_count = if loaded.access.roster {
        Some(member_counts(conn, actor.org_id, &[id]).await?.get(&id).copied().unwrap_or(0))
    } else {
        None
    };
    let program_name = db::org::programs(conn, actor.org_id)
        .await?
        .into_iter()
        .find(|p| p.id == loaded.group.program_id)
        .map(|p| p.name);
    let site = match loaded.group.site_id {
        Some(site_id) => db::org::site(&state.db, actor.org_id, site_id).await?,
        None => None,
    };
    let curriculum_title = match loaded.group.curriculum_id {
        Some(cid) => curriculum::Entity::find_by_id(cid)
            .filter(curriculum::Column::OrgId.eq(actor.org_id))
            .one(conn)
            .await?
            .map(|c| c.title),
        None => None,
    };
    Ok(GroupView {
        loaded,
        facilitators,
        schedules,
        upcoming,
        recent: recent.into_iter().rev().collect(),
        member_count,
        program_name: program_name.unwrap_or_default(),
        site,
        curriculum_title,
        org,
    })
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ListFilter {
    /// Only this program's groups.
    pub program_id: Option<Uuid>,
    /// `active`, `paused` or `ended`; all when left out.
    pub status: Option<String>,
}

/// A group in the list.
pub struct GroupRow {
    pub group: support_group::Model,
    pub access: GroupAccess,
    pub facilitators: Vec<FacilitatorView>,
    pub schedules: Vec<group_schedule::Model>,
    pub next: Option<Slot>,
    pub member_count: Option<u64>,
}

impl GroupRow {
    pub fn unready(&self) -> Vec<&FacilitatorView> {
        self.facilitators.iter().filter(|f| !f.readiness.ready()).collect()
    }
}

/// Every group of the organisation (each staff member may read them), filtered.
pub async fn list_groups(state: &AppState, actor: &Actor, filter: &ListFilter) -> AppResult<Vec<GroupRow>> {
    let conn = state.db.conn();
    let org = org_of(state, actor.org_id).await?;
    let mut query = support_group::Entity::find().filter(support_group::Column::OrgId.eq(actor.org_id));
    if let Some(program_id) = filter.program_id {
        query = query.filter(support_group::Column::ProgramId.eq(program_id));
    }
    if let Some(status) = filter.status.as_deref().and_then(GroupStatus::parse) {
        query = query.filter(support_group::Column::Status.eq(status.code()));
    }
    let groups = query.order_by_asc(support_group::Column::Name).all(conn).await?;
    let ids: Vec<Uuid> = groups.iter().map(|g| g.id).collect();
    let mut facilitators: HashMap<Uuid, Vec<group_facilitator::Model>> = HashMap::new();
    let mut schedules: HashMap<Uuid, Vec<group_schedule::Model>> = HashMap::new();
    if !ids.is_empty() {
        for f in group_facilitator::Entity::find()
            .filter(group_facilitator::Column::OrgId.eq(actor.org_id))
            .order_by_asc(group_facilitator::Column::AddedAt)
            .all(conn)
            .await?
        {
            facilitators.entry(f.group_id).or_default().push(f);
        }
        for s in group_schedule::Entity::find()
            .filter(group_schedule::Column::OrgId.eq(actor.org_id))
            .filter(group_schedule::Column::Active.eq(true))
            .order_by_asc(group_schedule::Column::StartsOn)
            .all(conn)
            .await?
        {
            schedules.entry(s.group_id).or_default().push(s);
        }
    }
    let now = state.clock.now();
    let upcoming = if ids.is_empty() {
        Vec::new()
    } else {
        slots(conn, actor.org_id, Some(&ids), &org.time_zone, now, now + Duration::days(UPCOMING_DAYS)).await?
    };
    let mut next: HashMap<Uuid, Slot> = HashMap::new();
    for slot in upcoming.into_iter().filter(|s| s.status != SessionStatus::Cancelled) {
        next.entry(slot.group_id).or_insert(slot);
    }
    let names = staff_names(state, actor.org_id).await?;
    let all_rows: Vec<group_facilitator::Model> = facilitators.values().flatten().cloned().collect();
    let views = facilitator_views(state, actor.org_id, all_rows, &names, false).await?;
    let mut views_by_group: HashMap<Uuid, Vec<FacilitatorView>> = HashMap::new();
    for v in views {
        views_by_group.entry(v.row.group_id).or_default().push(v);
    }
    let mut rows = Vec::new();
    let mut roster_ids = Vec::new();
    for group in groups {
        let facs = facilitators.remove(&group.id).unwrap_or_default();
        let staff: Vec<Uuid> = facs.iter().filter_map(|f| f.staff_id).collect();
        let access = access::group_access(actor, group.program_id, &staff);
        if access.roster {
            roster_ids.push(group.id);
        }
        let mut views = views_by_group.remove(&group.id).unwrap_or_default();
        views.sort_by_key(|v| v.row.added_at);
        rows.push(GroupRow {
            access,
            facilitators: views,
            schedules: schedules.remove(&group.id).unwrap_or_default(),
            next: next.remove(&group.id),
            member_count: None,
            group,
        });
    }
    let counts = member_counts(conn, actor.org_id, &roster_ids).await?;
    for row in rows.iter_mut().filter(|r| r.access.roster) {
        row.member_count = Some(counts.get(&row.group.id).copied().unwrap_or(0));
    }
    Ok(rows)
}

// ---------- overlaps ----------

/// Why another group's session clashes with one being planned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OverlapKind {
    /// Same site and room at the same time.
    Room,
    /// A staff facilitator of both groups.
    Facilitator,
}

/// Another group's session at the same time as one being planned.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Overlap {
    pub kind: OverlapKind,
    pub group_id: Uuid,
    pub group_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub ends_at: OffsetDateTime,
    /// The planned session it clashes with.
    #[serde(with = "time::serde::rfc3339")]
    pub planned_start: OffsetDateTime,
    /// The shared facilitator, for a facilitator clash.
    pub facilitator: Option<String>,
}

/// A save that may have met overlapping sessions: then nothing was saved, and the caller shows
/// the overlaps and asks again with `confirm_overlap`.
pub enum Checked<T> {
    Saved(T),
    Overlaps(Vec<Overlap>),
}

/// A session being planned: start, end and room (the group's room when None).
#[derive(Clone, Debug)]
pub struct Planned {
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub room: Option<String>,
}

/// Other groups' sessions (not cancelled) overlapping the planned ones in the same site and room,
/// or sharing a staff facilitator, over the next 12 months.
pub async fn find_overlaps(
    state: &AppState,
    org: &organisation::Model,
    group: &support_group::Model,
    planned: &[Planned],
    skip_session: Option<Uuid>,
) -> AppResult<Vec<Overlap>> {
    let now = state.clock.now();
    let (from, to) = (now, now + Duration::days(OVERLAP_DAYS));
    let planned: Vec<&Planned> = planned.iter().filter(|p| p.ends_at > from && p.starts_at < to).collect();
    if planned.is_empty() {
        return Ok(Vec::new());
    }
    let conn = state.db.conn();
    let ours: HashSet<Uuid> =
        facilitators_of(conn, org.id, group.id).await?.into_iter().filter_map(|f| f.staff_id).collect();
    let groups: HashMap<Uuid, support_group::Model> = support_group::Entity::find()
        .filter(support_group::Column::OrgId.eq(org.id))
        .filter(support_group::Column::Id.ne(group.id))
        .filter(support_group::Column::Status.ne(GroupStatus::Ended.code()))
        .all(conn)
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    let mut shared: HashMap<Uuid, Uuid> = HashMap::new();
    if !ours.is_empty() {
        for f in group_facilitator::Entity::find()
            .filter(group_facilitator::Column::OrgId.eq(org.id))
            .filter(group_facilitator::Column::StaffId.is_in(ours.iter().copied()))
            .all(conn)
            .await?
        {
            if let Some(staff_id) = f.staff_id
                && groups.contains_key(&f.group_id)
            {
                shared.entry(f.group_id).or_insert(staff_id);
            }
        }
    }
    let relevant: Vec<Uuid> = groups
        .values()
        .filter(|g| shared.contains_key(&g.id) || (group.site_id.is_some() && g.site_id == group.site_id))
        .map(|g| g.id)
        .collect();
    if relevant.is_empty() {
        return Ok(Vec::new());
    }
    let names = staff_names(state, org.id).await?;
    let theirs = slots(conn, org.id, Some(&relevant), &org.time_zone, from, to).await?;
    let mut found = Vec::new();
    for slot in theirs
        .iter()
        .filter(|s| s.status != SessionStatus::Cancelled && s.session_id.is_none_or(|id| Some(id) != skip_session))
    {
        let Some(other) = groups.get(&slot.group_id) else { continue };
        for p in &planned {
            if !(p.starts_at < slot.ends_at && slot.starts_at < p.ends_at) {
                continue;
            }
            let our_room = p.room.as_deref().or(group.room.as_deref());
            let their_room = slot.room.as_deref().or(other.room.as_deref());
            let kind = if group.site_id.is_some() && other.site_id == group.site_id && same_room(our_room, their_room) {
                Some(OverlapKind::Room)
            } else if shared.contains_key(&other.id) {
                Some(OverlapKind::Facilitator)
            } else {
                None
            };
            if let Some(kind) = kind {
                found.push(Overlap {
                    kind,
                    group_id: other.id,
                    group_name: other.name.clone(),
                    starts_at: slot.starts_at,
                    ends_at: slot.ends_at,
                    planned_start: p.starts_at,
                    facilitator: (kind == OverlapKind::Facilitator)
                        .then(|| shared.get(&other.id).and_then(|id| names.get(id)).cloned())
                        .flatten(),
                });
                break;
            }
        }
    }
    found.sort_by_key(|o| (o.planned_start, o.group_name.clone()));
    Ok(found)
}

// ---------- schedules ----------

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ScheduleInput {
    #[serde(flatten)]
    pub rule: RuleInput,
    /// The room for this schedule when it differs from the group's.
    pub room: Option<String>,
    /// Save even though other groups' sessions overlap (see the 422 answer's `overlaps`).
    pub confirm_overlap: bool,
}

/// The last day a rule can hold a session: from UNTIL, or the last of COUNT sessions; None when
/// it repeats for ever.
pub fn last_day(rule: &Rule, time_zone: &str) -> Option<time::Date> {
    let to_time = |d: jiff::civil::Date| {
        time::Date::from_calendar_date(i32::from(d.year()), time::Month::try_from(d.month() as u8).ok()?, d.day() as u8)
            .ok()
    };
    let Some(raw) = rule.rrule.as_deref() else { return to_time(rule.starts_on) };
    let upper = raw.to_ascii_uppercase();
    let has = |key: &str| upper.split(';').any(|part| part.trim().starts_with(key));
    if !has("UNTIL=") && !has("COUNT=") {
        return None;
    }
    // One expansion stops at MAX_OCCURRENCES (a daily rule runs past that within six years), so
    // carry on from the last one found until a batch comes back short.
    let mut from = rule.first_start(time_zone)?;
    let mut last = None;
    loop {
        let batch = rule.occurrences(time_zone, from, jiff::Timestamp::MAX);
        let Some(end) = batch.last() else { break };
        last = Some(end.starts_at);
        match end.starts_at.checked_add(jiff::SignedDuration::from_secs(1)) {
            Ok(next) if batch.len() >= crate::domain::schedule::MAX_OCCURRENCES => from = next,
            _ => break,
        }
    }
    Some(local_date(time_zone, from_timestamp(last?)))
}

fn validate_schedule(input: &ScheduleInput, tz: &str) -> Result<(Rule, Option<String>), FieldErrors> {
    let mut errors = match input.rule.validate(tz) {
        Ok(rule) => {
            let mut errors = FieldErrors::new();
            let room = errors.optional("room", input.room.as_deref(), 100);
            return errors.finish((rule, room));
        }
        Err(errors) => errors,
    };
    errors.optional("room", input.room.as_deref(), 100);
    Err(errors)
}

fn civil_to_time(d: jiff::civil::Date) -> time::Date {
    time::Date::from_calendar_date(
        i32::from(d.year()),
        time::Month::try_from(d.month() as u8).unwrap_or(time::Month::January),
        d.day() as u8,
    )
    .unwrap_or(time::Date::MIN)
}

fn hhmm(t: jiff::civil::Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

fn planned_of(rule: &Rule, tz: &str, room: Option<String>, from: OffsetDateTime) -> Vec<Planned> {
    let to = from + Duration::days(OVERLAP_DAYS);
    rule.occurrences(tz, to_timestamp(from), to_timestamp(to))
        .into_iter()
        .map(|o| Planned {
            starts_at: from_timestamp(o.starts_at),
            ends_at: from_timestamp(o.ends_at),
            room: room.clone(),
        })
        .collect()
}

/// Adds a schedule to a group (overlaps with other groups are shown first unless confirmed).
pub async fn create_schedule(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    input: &ScheduleInput,
) -> AppResult<Checked<group_schedule::Model>> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.manage, "group.schedule.create", group_id).await?;
    let org = org_of(state, actor.org_id).await?;
    let (rule, room) = validate_schedule(input, &org.time_zone)?;
    let now = state.clock.now();
    if !input.confirm_overlap {
        let planned = planned_of(&rule, &org.time_zone, room.clone(), now);
        let overlaps = find_overlaps(state, &org, &loaded.group, &planned, None).await?;
        if !overlaps.is_empty() {
            return Ok(Checked::Overlaps(overlaps));
        }
    }
    let model = group_schedule::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        group_id,
        rrule: rule.rrule.clone(),
        starts_on: civil_to_time(rule.starts_on),
        start_time: hhmm(rule.start_time),
        minutes: rule.minutes,
        ends_on: last_day(&rule, &org.time_zone),
        room,
        active: true,
        created_by: actor.staff_id,
        updated_by: actor.staff_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let txn = state.db.begin_write().await?;
    group_schedule::Entity::insert(group_schedule::ActiveModel::from(model.clone()))
        .exec_without_returning(&*txn)
        .await?;
    let entry = actor_entry(actor, "group.schedule.create")
        .record("group", group_id)
        .detail(json!({ "schedule_id": model.id, "overlaps_confirmed": input.confirm_overlap }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(Checked::Saved(model))
}

/// One schedule of a group the actor may read.
pub async fn schedule(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    schedule_id: Uuid,
) -> AppResult<(Loaded, group_schedule::Model)> {
    let loaded = load(state, actor, group_id).await?;
    let schedule = schedule_of(state.db.conn(), actor.org_id, group_id, schedule_id).await?;
    Ok((loaded, schedule))
}

/// Changes a schedule if nobody saved since `version`. Sessions already stored for occurrences
/// the new rule no longer produces are kept as one-off sessions (held ones are evidence), or
/// dropped when nothing was recorded for them.
pub async fn update_schedule(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    schedule_id: Uuid,
    version: i32,
    input: &ScheduleInput,
) -> AppResult<Checked<group_schedule::Model>> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.manage, "group.schedule.update", group_id).await?;
    let conn = state.db.conn();
    let old = schedule_of(conn, actor.org_id, group_id, schedule_id).await?;
    // Bringing an ended schedule back would fill the time since it ended with sessions that were
    // never held nor cancelled; a new schedule starts from its own first day.
    if !old.active {
        return Err(FieldErrors::single("frequency", "error-group-schedule-ended").into());
    }
    let org = org_of(state, actor.org_id).await?;
    let (rule, room) = validate_schedule(input, &org.time_zone)?;
    let now = state.clock.now();
    if !input.confirm_overlap {
        let planned = planned_of(&rule, &org.time_zone, room.clone(), now);
        let overlaps = find_overlaps(state, &org, &loaded.group, &planned, None).await?;
        if !overlaps.is_empty() {
            return Ok(Checked::Overlaps(overlaps));
        }
    }
    let model = group_schedule::Model {
        rrule: rule.rrule.clone(),
        starts_on: civil_to_time(rule.starts_on),
        start_time: hhmm(rule.start_time),
        minutes: rule.minutes,
        ends_on: last_day(&rule, &org.time_zone),
        room,
        active: true,
        updated_by: actor.staff_id,
        updated_at: now,
        version: next_version(version, old.version)?,
        ..old.clone()
    };
    let txn = state.db.begin_write().await?;
    let result = group_schedule::Entity::update_many()
        .set(group_schedule::ActiveModel::from(model.clone()).reset_all())
        .filter(group_schedule::Column::OrgId.eq(actor.org_id))
        .filter(group_schedule::Column::Id.eq(schedule_id))
        .filter(group_schedule::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    let rule_changed = old.rrule != model.rrule
        || old.starts_on != model.starts_on
        || old.start_time != model.start_time
        || old.minutes != model.minutes;
    let detached = if rule_changed || old.room != model.room {
        follow_rule(&txn, &org.time_zone, &old, &model, now).await?
    } else {
        0
    };
    let entry = actor_entry(actor, "group.schedule.update").record("group", group_id).detail(json!({
        "schedule_id": schedule_id,
        "rule_changed": rule_changed,
        "sessions_kept_as_one_off": detached,
        "overlaps_confirmed": input.confirm_overlap,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(Checked::Saved(model))
}

/// Brings a changed schedule's stored sessions in line with it. Those the new rule still
/// produces take its length and room, unless someone changed them by hand. Those it no longer
/// produces stay as one-off sessions when anything happened at them, when they are past or when
/// they were moved on purpose; a future session that was only ever planned (or cancelled) goes.
async fn follow_rule(
    txn: &db::WriteTxn,
    time_zone: &str,
    old: &group_schedule::Model,
    schedule: &group_schedule::Model,
    now: OffsetDateTime,
) -> AppResult<u64> {
    let sessions = group_session::Entity::find()
        .filter(group_session::Column::OrgId.eq(schedule.org_id))
        .filter(group_session::Column::ScheduleId.eq(schedule.id))
        .all(&**txn)
        .await?;
    let mut kept = 0;
    for s in sessions {
        let Some(occurrence) = s.occurrence_start else { continue };
        let moved = s.starts_at != occurrence;
        let version = s.version;
        if let Some(o) = occurrence_at(schedule, time_zone, occurrence) {
            let old_end = occurrence_at(old, time_zone, occurrence).map(|o| from_timestamp(o.ends_at));
            let ends_at = if !moved && old_end == Some(s.ends_at) { from_timestamp(o.ends_at) } else { s.ends_at };
            let room = if s.room == old.room { schedule.room.clone() } else { s.room.clone() };
            if s.starts_at >= now && (ends_at != s.ends_at || room != s.room) {
                let mut active = group_session::ActiveModel::from(s);
                active.ends_at = Set(ends_at);
                active.room = Set(room);
                active.updated_at = Set(now);
                active.version = Set(version + 1);
                group_session::Entity::update(active).exec(&**txn).await?;
            }
            continue;
        }
        let planned_only =
            s.starts_at >= now && !moved && s.status != SessionStatus::Held.code() && !has_records(&**txn, &s).await?;
        if planned_only {
            group_session::Entity::delete_by_id(s.id).exec(&**txn).await?;
        } else {
            let mut active = group_session::ActiveModel::from(s);
            active.schedule_id = Set(None);
            active.occurrence_start = Set(None);
            active.updated_at = Set(now);
            active.version = Set(version + 1);
            group_session::Entity::update(active).exec(&**txn).await?;
            kept += 1;
        }
    }
    Ok(kept)
}

/// Ends a schedule: no more sessions come from it; stored sessions stay as they are.
pub async fn end_schedule(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    schedule_id: Uuid,
    version: i32,
) -> AppResult<group_schedule::Model> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.manage, "group.schedule.end", group_id).await?;
    let old = schedule_of(state.db.conn(), actor.org_id, group_id, schedule_id).await?;
    let org = org_of(state, actor.org_id).await?;
    let now = state.clock.now();
    let today = local_date(&org.time_zone, now);
    let model = group_schedule::Model {
        active: false,
        ends_on: Some(old.ends_on.map_or(today, |d| d.min(today))),
        updated_by: actor.staff_id,
        updated_at: now,
        version: next_version(version, old.version)?,
        ..old
    };
    let txn = state.db.begin_write().await?;
    let result = group_schedule::Entity::update_many()
        .set(group_schedule::ActiveModel::from(model.clone()).reset_all())
        .filter(group_schedule::Column::OrgId.eq(actor.org_id))
        .filter(group_schedule::Column::Id.eq(schedule_id))
        .filter(group_schedule::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    let entry = actor_entry(actor, "group.schedule.end")
        .record("group", group_id)
        .detail(json!({ "schedule_id": schedule_id }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(model)
}

// ---------- session exceptions ----------

/// A change to one session: cancel it (with a reason), move it (same occurrence, another time
/// or room), or restore a cancelled one.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SessionChangeInput {
    /// `cancel`, `move` or `restore`.
    pub action: String,
    /// Why it is cancelled (required to cancel).
    pub reason: Option<String>,
    /// Move: the new local date (YYYY-MM-DD).
    pub date: String,
    /// Move: the new local start time (HH:MM).
    pub time: String,
    /// Move: the new length in minutes (5 to 720).
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub minutes: Option<String>,
    /// Move: the room (the group's when left out).
    pub room: Option<String>,
    /// Save even though other groups' sessions overlap.
    pub confirm_overlap: bool,
}

/// An extra, one-off session outside any schedule.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ExtraSessionInput {
    /// Local date (YYYY-MM-DD).
    pub date: String,
    /// Local start time (HH:MM).
    pub time: String,
    /// Length in minutes (5 to 720).
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub minutes: Option<String>,
    pub room: Option<String>,
    /// What the session is about.
    pub topic: Option<String>,
    pub confirm_overlap: bool,
}

/// When and where a moved or extra session takes place.
fn when_where(
    errors: &mut FieldErrors,
    tz: &str,
    date: &str,
    time: &str,
    minutes: Option<&str>,
    room: Option<&str>,
) -> Option<Planned> {
    let day = if date.trim().is_empty() {
        errors.add("date", "error-required");
        None
    } else {
        // The years a schedule may name: far-off dates would overflow the calendar arithmetic.
        errors.optional_date("date", Some(date)).filter(|d| {
            let fits = SESSION_YEARS.contains(&d.year());
            if !fits {
                let (min, max) = (SESSION_YEARS.start().to_string(), SESSION_YEARS.end().to_string());
                errors.add_with("date", "error-schedule-year", vec![("min", min), ("max", max)]);
            }
            fits
        })
    };
    let at = if time.trim().is_empty() {
        errors.add("time", "error-required");
        None
    } else {
        errors.optional_time("time", Some(time))
    };
    let minutes = match trimmed(minutes) {
        None => {
            errors.add("minutes", "error-required");
            None
        }
        Some(raw) => match raw.parse::<i32>() {
            Ok(m) if crate::domain::schedule::MINUTES.contains(&m) => Some(m),
            _ => {
                let (min, max) = (crate::domain::schedule::MINUTES.start(), crate::domain::schedule::MINUTES.end());
                errors.add_with(
                    "minutes",
                    "error-schedule-minutes",
                    vec![("min", min.to_string()), ("max", max.to_string())],
                );
                None
            }
        },
    };
    let room = errors.optional("room", room, 100);
    let (day, at, minutes) = (day?, at?, minutes?);
    let Some(starts_at) = local_instant(tz, day, at) else {
        errors.add("date", "error-date-format");
        return None;
    };
    Some(Planned { starts_at, ends_at: starts_at + Duration::minutes(i64::from(minutes)), room })
}

/// One stored session of a group, for the change form.
pub async fn session(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    session_id: Uuid,
) -> AppResult<(Loaded, group_session::Model)> {
    let loaded = load(state, actor, group_id).await?;
    let session = session_of(state.db.conn(), actor.org_id, group_id, session_id).await?;
    Ok((loaded, session))
}

/// Whether anything was recorded for a session: attendance, a head count, a log or check-out
/// answers. Such a session took place: it cannot be cancelled, and a schedule edit keeps it.
pub async fn has_records(conn: &impl ConnectionTrait, session: &group_session::Model) -> AppResult<bool> {
    if session.logged_at.is_some() || session.anonymous_count > 0 {
        return Ok(true);
    }
    let attendance = group_attendance::Entity::find()
        .filter(group_attendance::Column::OrgId.eq(session.org_id))
        .filter(group_attendance::Column::SessionId.eq(session.id))
        .count(conn)
        .await?;
    if attendance > 0 {
        return Ok(true);
    }
    let feedback = group_feedback::Entity::find()
        .filter(group_feedback::Column::OrgId.eq(session.org_id))
        .filter(group_feedback::Column::SessionId.eq(session.id))
        .count(conn)
        .await?;
    Ok(feedback > 0)
}

/// The stored session for an occurrence (created on first action), for changing it.
pub async fn occurrence_session(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    schedule_id: Uuid,
    occurrence_start: OffsetDateTime,
) -> AppResult<group_session::Model> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.run, "group.session.change", group_id).await?;
    let schedule = schedule_of(state.db.conn(), actor.org_id, group_id, schedule_id).await?;
    let org = org_of(state, actor.org_id).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let session = materialise(&txn, actor, &schedule, occurrence_start, &org.time_zone, now).await?;
    txn.commit().await?;
    Ok(session)
}

/// Cancels, moves or restores one session if nobody changed it since `version`.
pub async fn change_session(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    session_id: Uuid,
    version: i32,
    input: &SessionChangeInput,
) -> AppResult<Checked<group_session::Model>> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.run, "group.session.change", group_id).await?;
    let conn = state.db.conn();
    let old = session_of(conn, actor.org_id, group_id, session_id).await?;
    let org = org_of(state, actor.org_id).await?;
    let now = state.clock.now();
    let mut errors = FieldErrors::new();
    let mut model = old.clone();
    let action = input.action.trim();
    match action {
        "cancel" => {
            let reason = errors.optional("reason", input.reason.as_deref(), 500);
            if reason.is_none() && errors.for_field("reason").is_none() {
                errors.add("reason", "error-group-cancel-reason");
            }
            if old.status == SessionStatus::Cancelled.code() {
                errors.add("action", "error-group-already-cancelled");
            } else if has_records(conn, &old).await? {
                errors.add("action", "error-group-cancel-after-attendance");
            }
            model.status = SessionStatus::Cancelled.code().into();
            model.cancel_reason = reason;
        }
        "move" => {
            let planned = when_where(
                &mut errors,
                &org.time_zone,
                &input.date,
                &input.time,
                input.minutes.as_deref(),
                input.room.as_deref(),
            );
            if let Some(p) = planned {
                if !input.confirm_overlap && errors.is_empty() && old.status != SessionStatus::Cancelled.code() {
                    let overlaps =
                        find_overlaps(state, &org, &loaded.group, std::slice::from_ref(&p), Some(session_id)).await?;
                    if !overlaps.is_empty() {
                        return Ok(Checked::Overlaps(overlaps));
                    }
                }
                model.starts_at = p.starts_at;
                model.ends_at = p.ends_at;
                model.room = p.room.or(loaded.group.room.clone());
            }
        }
        "restore" => {
            if old.status != SessionStatus::Cancelled.code() {
                errors.add("action", "error-group-not-cancelled");
            }
            model.status = SessionStatus::Scheduled.code().into();
            model.cancel_reason = None;
        }
        "" => errors.add("action", "error-required"),
        _ => errors.add("action", "error-unknown-choice"),
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    model.updated_by = actor.staff_id;
    model.updated_at = now;
    model.version = next_version(version, old.version)?;
    let txn = state.db.begin_write().await?;
    // The version check also orders this against attendance being saved meanwhile: every
    // attendance save moves the session's version on.
    save_session(&txn, model.clone(), version).await?;
    let moved = model.starts_at != old.starts_at || model.ends_at != old.ends_at;
    if moved {
        // Attendance counted as coaching contacts happened at the session's new time.
        super::attendance::follow_moved_session(&txn, actor, &model, &org.time_zone, now).await?;
    }
    let audit_action = match action {
        "cancel" => "group.session.cancel",
        "move" => "group.session.move",
        _ => "group.session.restore",
    };
    let entry = actor_entry(actor, audit_action)
        .record("group", group_id)
        .detail(json!({ "session_id": session_id, "overlaps_confirmed": input.confirm_overlap }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(Checked::Saved(model))
}

/// Adds an extra, one-off session to a group.
pub async fn add_extra_session(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    input: &ExtraSessionInput,
) -> AppResult<Checked<group_session::Model>> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.run, "group.session.extra", group_id).await?;
    let org = org_of(state, actor.org_id).await?;
    let mut errors = FieldErrors::new();
    let planned = when_where(
        &mut errors,
        &org.time_zone,
        &input.date,
        &input.time,
        input.minutes.as_deref(),
        input.room.as_deref(),
    );
    let topic = errors.optional("topic", input.topic.as_deref(), 200);
    let Some(planned) = planned.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
    if !input.confirm_overlap {
        let overlaps = find_overlaps(state, &org, &loaded.group, std::slice::from_ref(&planned), None).await?;
        if !overlaps.is_empty() {
            return Ok(Checked::Overlaps(overlaps));
        }
    }
    let now = state.clock.now();
    let room = planned.room.or(loaded.group.room.clone());
    let session = group_session::Model {
        topic,
        ..blank_session(actor, group_id, None, None, (planned.starts_at, planned.ends_at), room, now)
    };
    let txn = state.db.begin_write().await?;
    group_session::Entity::insert(group_session::ActiveModel::from(session.clone()))
        .exec_without_returning(&*txn)
        .await?;
    let entry = actor_entry(actor, "group.session.extra")
        .record("group", group_id)
        .detail(json!({ "session_id": session.id, "overlaps_confirmed": input.confirm_overlap }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(Checked::Saved(session))
}

// ---------- availability ----------

/// One cell of the availability grid: a weekday (`MO`..`SU`) and a part of the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DaySlot {
    pub day: usize,
    pub part: DayPart,
}

impl Ord for DaySlot {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let part = |p: DayPart| DayPart::ALL.iter().position(|x| *x == p).unwrap_or(0);
        (self.day, part(self.part)).cmp(&(other.day, part(other.part)))
    }
}

impl PartialOrd for DaySlot {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl DaySlot {
    pub fn code(&self) -> String {
        format!("{}-{}", WEEKDAYS[self.day], self.part.code())
    }

    pub fn parse(raw: &str) -> Option<DaySlot> {
        let (day, part) = raw.trim().split_once('-')?;
        let day = WEEKDAYS.iter().position(|d| d.eq_ignore_ascii_case(day))?;
        Some(DaySlot { day, part: DayPart::parse(part)? })
    }

    pub fn all() -> Vec<DaySlot> {
        (0..7).flat_map(|day| DayPart::ALL.iter().map(move |part| DaySlot { day, part: *part })).collect()
    }

    /// The part of the day a start time falls in: morning before noon, afternoon before five.
    pub fn part_of(hour: i8) -> DayPart {
        match hour {
            h if h < 12 => DayPart::Morning,
            h if h < 17 => DayPart::Afternoon,
            _ => DayPart::Evening,
        }
    }
}

pub fn parse_availability(stored: Option<&str>) -> Vec<DaySlot> {
    let mut slots: Vec<DaySlot> = stored.unwrap_or("").split(';').filter_map(DaySlot::parse).collect();
    slots.sort();
    slots.dedup();
    slots
}

/// A member of the group and their stated availability.
pub struct MemberAvailability {
    pub member: group_member::Model,
    pub person: person::Model,
    pub slots: Vec<DaySlot>,
}

async fn member_of(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    member_id: Uuid,
) -> AppResult<(group_member::Model, person::Model)> {
    let conn = state.db.conn();
    let member = group_member::Entity::find_by_id(member_id)
        .filter(group_member::Column::OrgId.eq(actor.org_id))
        .filter(group_member::Column::GroupId.eq(group_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let person = person::Entity::find_by_id(member.person_id)
        .filter(person::Column::OrgId.eq(actor.org_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((member, person))
}

/// One member's availability (roster access; the view is audited).
pub async fn member_availability(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    member_id: Uuid,
) -> AppResult<(Loaded, MemberAvailability)> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.roster, "group.member.availability.view", group_id).await?;
    let (member, person) = member_of(state, actor, group_id, member_id).await?;
    let entry = actor_entry(actor, "group.member.availability.view")
        .record("person", person.id)
        .detail(json!({ "group_id": group_id }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    let slots = parse_availability(member.availability.as_deref());
    Ok((loaded, MemberAvailability { member, person, slots }))
}

/// Saves the slots a member is free in (`MO-evening` and so on) if nobody saved since `version`
/// (those who run the group; the roster alone only reads it).
pub async fn save_availability(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
    member_id: Uuid,
    version: i32,
    codes: &[String],
) -> AppResult<group_member::Model> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.run, "group.member.availability.save", group_id).await?;
    let (member, person) = member_of(state, actor, group_id, member_id).await?;
    let parsed: Vec<DaySlot> =
        codes.iter().filter(|c| !c.trim().is_empty()).filter_map(|c| DaySlot::parse(c)).collect();
    if parsed.len() != codes.iter().filter(|c| !c.trim().is_empty()).count() {
        return Err(FieldErrors::single("availability", "error-group-availability").into());
    }
    let mut slots = parsed;
    slots.sort();
    slots.dedup();
    let joined = slots.iter().map(DaySlot::code).collect::<Vec<_>>().join(";");
    let now = state.clock.now();
    let model = group_member::Model {
        availability: (!joined.is_empty()).then_some(joined),
        version: next_version(version, member.version)?,
        updated_at: now,
        ..member
    };
    let txn = state.db.begin_write().await?;
    let result = group_member::Entity::update_many()
        .set(group_member::ActiveModel::from(model.clone()).reset_all())
        .filter(group_member::Column::OrgId.eq(actor.org_id))
        .filter(group_member::Column::Id.eq(member_id))
        .filter(group_member::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    let entry = actor_entry(actor, "group.member.availability")
        .record("person", person.id)
        .detail(json!({ "group_id": group_id, "slots": slots.len() }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(model)
}

/// How many members are free in one slot.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SlotCount {
    /// `MO-evening` and so on.
    pub slot: String,
    pub free: u32,
}

/// How many members can make a schedule's usual time.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ScheduleFit {
    pub schedule_id: Uuid,
    /// The slots the schedule meets in (a weekly rule may meet on several days).
    pub slots: Vec<String>,
    /// Members free in every one of those slots.
    pub free: u32,
}

/// The availability of a group's active members, counted.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AvailabilitySummary {
    pub members: u32,
    /// Members who said when they are free.
    pub answered: u32,
    /// Every slot of the week in order.
    pub counts: Vec<SlotCount>,
    /// Slots most members can make, best first (only slots someone can make).
    pub best: Vec<SlotCount>,
    pub schedules: Vec<ScheduleFit>,
}

/// The slots a schedule meets in: its weekdays (or its first day's) and the part of the day
/// its start time falls in.
pub fn schedule_slots(rule: &Rule) -> Vec<DaySlot> {
    let part = DaySlot::part_of(rule.start_time.hour());
    let input = rule.to_input();
    let mut days: Vec<usize> =
        input.weekdays.iter().filter_map(|d| WEEKDAYS.iter().position(|w| w.eq_ignore_ascii_case(d))).collect();
    if days.is_empty() {
        days.push(rule.starts_on.weekday().to_monday_zero_offset() as usize);
    }
    days.into_iter().map(|day| DaySlot { day, part }).collect()
}

pub fn summarise(members: &[Vec<DaySlot>], schedules: &[group_schedule::Model]) -> AvailabilitySummary {
    let mut counts: BTreeMap<DaySlot, u32> = DaySlot::all().into_iter().map(|s| (s, 0)).collect();
    for slots in members {
        for slot in slots {
            *counts.entry(*slot).or_default() += 1;
        }
    }
    let as_list = |it: &mut dyn Iterator<Item = (&DaySlot, &u32)>| {
        it.map(|(s, n)| SlotCount { slot: s.code(), free: *n }).collect()
    };
    let all: Vec<SlotCount> = as_list(&mut counts.iter());
    let mut ranked: Vec<(&DaySlot, &u32)> = counts.iter().filter(|(_, n)| **n > 0).collect();
    ranked.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let best: Vec<SlotCount> = as_list(&mut ranked.into_iter().take(5));
    let fits = schedules
        .iter()
        .filter(|s| s.active)
        .map(|s| {
            let slots = schedule_slots(&rule_of(s));
            let free = members.iter().filter(|m| slots.iter().all(|slot| m.contains(slot))).count() as u32;
            ScheduleFit { schedule_id: s.id, slots: slots.iter().map(DaySlot::code).collect(), free }
        })
        .collect();
    AvailabilitySummary {
        members: members.len() as u32,
        answered: members.iter().filter(|m| !m.is_empty()).count() as u32,
        counts: all,
        best,
        schedules: fits,
    }
}

/// The group's members with their availability, counted per slot, and the best slots.
pub async fn availability(
    state: &AppState,
    actor: &Actor,
    group_id: Uuid,
) -> AppResult<(Loaded, Vec<MemberAvailability>, AvailabilitySummary, Vec<group_schedule::Model>)> {
    let loaded = load(state, actor, group_id).await?;
    require(state, actor, loaded.access.roster, "group.availability.view", group_id).await?;
    let conn = state.db.conn();
    let members = group_member::Entity::find()
        .filter(group_member::Column::OrgId.eq(actor.org_id))
        .filter(group_member::Column::GroupId.eq(group_id))
        .filter(group_member::Column::Status.eq(MemberStatus::Active.code()))
        .all(conn)
        .await?;
    let people: HashMap<Uuid, person::Model> = person::Entity::find()
        .filter(person::Column::OrgId.eq(actor.org_id))
        .filter(person::Column::Id.is_in(members.iter().map(|m| m.person_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut list: Vec<MemberAvailability> = members
        .into_iter()
        .filter_map(|m| {
            let person = people.get(&m.person_id)?.clone();
            let slots = parse_availability(m.availability.as_deref());
            Some(MemberAvailability { member: m, person, slots })
        })
        .collect();
    list.sort_by_key(|m| (m.person.legal_family_name.to_lowercase(), m.person.legal_given_name.to_lowercase()));
    let schedules = schedules_of(conn, actor.org_id, group_id).await?;
    let grid: Vec<Vec<DaySlot>> = list.iter().map(|m| m.slots.clone()).collect();
    let summary = summarise(&grid, &schedules);
    let entry = actor_entry(actor, "group.availability.view")
        .record("group", group_id)
        .detail(json!({ "members": list.len() }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok((loaded, list, summary, schedules))
}

// ---------- calendar feeds and the public page ----------

async fn group_by_token(state: &AppState, org_id: Uuid, token: &str) -> AppResult<support_group::Model> {
    // Tokens are 32 letters and digits; anything else cannot match and is not looked up.
    if token.len() != 32 || !token.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::NotFound);
    }
    let group = support_group::Entity::find()
        .filter(support_group::Column::OrgId.eq(org_id))
        .filter(support_group::Column::FeedToken.eq(token))
        .one(state.db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    if !crate::auth::tokens_match(&group.feed_token, token) {
        return Err(AppError::NotFound);
    }
    Ok(group)
}

/// A group's schedules and stored sessions as calendar events: one repeating event per active
/// schedule, with cancelled sessions as exceptions and moved ones as overrides, and extra
/// sessions as events of their own.
async fn feed_events(
    conn: &impl ConnectionTrait,
    org: &organisation::Model,
    groups: &[support_group::Model],
    sites: &HashMap<Uuid, site::Model>,
    private: bool,
) -> AppResult<Vec<FeedEvent>> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = groups.iter().map(|g| g.id).collect();
    let schedules = group_schedule::Entity::find()
        .filter(group_schedule::Column::OrgId.eq(org.id))
        .filter(group_schedule::Column::GroupId.is_in(ids.iter().copied()))
        .filter(group_schedule::Column::Active.eq(true))
        .all(conn)
        .await?;
    let sessions = group_session::Entity::find()
        .filter(group_session::Column::OrgId.eq(org.id))
        .filter(group_session::Column::GroupId.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    let by_id: HashMap<Uuid, &support_group::Model> = groups.iter().map(|g| (g.id, g)).collect();
    let tz = jiff::tz::TimeZone::get(&org.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let mut events = Vec::new();
    for s in &schedules {
        let Some(group) = by_id.get(&s.group_id) else { continue };
        let stored: Vec<&group_session::Model> = sessions.iter().filter(|x| x.schedule_id == Some(s.id)).collect();
        let exdates = stored
            .iter()
            .filter(|x| x.status == SessionStatus::Cancelled.code())
            .filter_map(|x| x.occurrence_start.map(to_timestamp))
            .collect();
        let overrides = stored
            .iter()
            .filter(|x| x.status != SessionStatus::Cancelled.code())
            .filter_map(|x| {
                let occurrence = x.occurrence_start?;
                let moved = occurrence != x.starts_at
                    || x.ends_at - x.starts_at != Duration::minutes(i64::from(s.minutes))
                    || (private && x.room != s.room);
                moved.then(|| FeedOverride {
                    original_start: to_timestamp(occurrence),
                    starts_at: to_timestamp(x.starts_at),
                    ends_at: to_timestamp(x.ends_at),
                    location: location(group, sites, x.room.as_deref(), private),
                    cancelled: false,
                })
            })
            .collect();
        let updated = stored.iter().map(|x| x.updated_at).chain([s.updated_at, group.updated_at]).max();
        events.push(FeedEvent {
            uid: format!("{}@mainstay", s.id),
            summary: group.name.clone(),
            description: event_description(group, private),
            location: location(group, sites, s.room.as_deref(), private),
            url: private.then(|| group.online_link.clone()).flatten(),
            rule: rule_of(s),
            exdates,
            overrides,
            sequence: s.version,
            updated_at: to_timestamp(updated.unwrap_or(s.updated_at)),
            cancelled: false,
        });
    }
    for x in sessions.iter().filter(|x| x.schedule_id.is_none()) {
        let Some(group) = by_id.get(&x.group_id) else { continue };
        let local = tz.to_datetime(to_timestamp(x.starts_at));
        let rule = Rule {
            rrule: None,
            starts_on: local.date(),
            start_time: local.time(),
            minutes: i32::try_from((x.ends_at - x.starts_at).whole_minutes()).unwrap_or(60),
        };
        events.push(FeedEvent {
            uid: format!("{}@mainstay", x.id),
            summary: group.name.clone(),
            description: event_description(group, private),
            location: location(group, sites, x.room.as_deref(), private),
            url: private.then(|| group.online_link.clone()).flatten(),
            rule,
            exdates: Vec::new(),
            overrides: Vec::new(),
            sequence: x.version,
            updated_at: to_timestamp(x.updated_at.max(group.updated_at)),
            cancelled: x.status == SessionStatus::Cancelled.code(),
        });
    }
    Ok(events)
}

fn event_description(group: &support_group::Model, private: bool) -> Option<String> {
    let mut text = group.description.clone().unwrap_or_default();
    if private && let Some(link) = &group.online_link {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(link);
    }
    (!text.is_empty()).then_some(text)
}

/// Where a session is held. The public feed names the site only: a room can say more about
/// who attends (a clinic's wing, a shelter's floor) than people who have not joined need.
fn location(
    group: &support_group::Model,
    sites: &HashMap<Uuid, site::Model>,
    room: Option<&str>,
    private: bool,
) -> Option<String> {
    let site = group.site_id.and_then(|id| sites.get(&id));
    let mut parts: Vec<String> = Vec::new();
    if let Some(site) = site {
        parts.push(site.name.clone());
        if let Some(address) = &site.address_line {
            parts.push(address.clone());
        }
        if let Some(locality) = &site.locality {
            parts.push(locality.clone());
        }
    }
    if private && let Some(room) = room.or(group.room.as_deref()) {
        parts.insert(usize::from(site.is_some()), room.to_string());
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

async fn sites_of(state: &AppState, org_id: Uuid) -> AppResult<HashMap<Uuid, site::Model>> {
    Ok(db::org::sites(&state.db, org_id).await?.into_iter().map(|s| (s.id, s)).collect())
}

/// The secret feed of one group (members and facilitators subscribe to it).
pub async fn group_feed(state: &AppState, org_id: Uuid, token: &str) -> AppResult<String> {
    let org = org_of(state, org_id).await?;
    let group = group_by_token(state, org_id, token).await?;
    let sites = sites_of(state, org_id).await?;
    let events = feed_events(state.db.conn(), &org, std::slice::from_ref(&group), &sites, true).await?;
    Ok(calendar::feed(&group.name, &org.time_zone, &events))
}

/// The groups anyone may see: active, open to newcomers and listed publicly.
pub async fn open_groups(state: &AppState, org_id: Uuid) -> AppResult<Vec<support_group::Model>> {
    Ok(support_group::Entity::find()
        .filter(support_group::Column::OrgId.eq(org_id))
        .filter(support_group::Column::Status.eq(GroupStatus::Active.code()))
        .filter(support_group::Column::Membership.eq(Membership::Open.code()))
        .filter(support_group::Column::ListedPublicly.eq(true))
        .order_by_asc(support_group::Column::Name)
        .all(state.db.conn())
        .await?)
}

/// The public feed of the organisation's open groups (no online links, no rooms).
pub async fn open_groups_feed(state: &AppState, org_id: Uuid) -> AppResult<String> {
    let org = org_of(state, org_id).await?;
    let groups = open_groups(state, org_id).await?;
    let sites = sites_of(state, org_id).await?;
    let events = feed_events(state.db.conn(), &org, &groups, &sites, false).await?;
    Ok(calendar::feed(&org.name, &org.time_zone, &events))
}

/// An open group as the public page shows it: nothing about who attends.
pub struct PublicGroup {
    pub group: support_group::Model,
    pub schedules: Vec<group_schedule::Model>,
    pub next: Vec<Slot>,
    pub site: Option<site::Model>,
}

pub struct PublicPage {
    pub org: organisation::Model,
    pub groups: Vec<PublicGroup>,
}

pub async fn public_page(state: &AppState, org_id: Uuid) -> AppResult<PublicPage> {
    let org = org_of(state, org_id).await?;
    let groups = open_groups(state, org_id).await?;
    let ids: Vec<Uuid> = groups.iter().map(|g| g.id).collect();
    let conn = state.db.conn();
    let sites = sites_of(state, org_id).await?;
    let now = state.clock.now();
    let (window, schedules) = if ids.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let window = slots(conn, org_id, Some(&ids), &org.time_zone, now, now + Duration::days(UPCOMING_DAYS)).await?;
        let schedules = group_schedule::Entity::find()
            .filter(group_schedule::Column::OrgId.eq(org_id))
            .filter(group_schedule::Column::GroupId.is_in(ids.iter().copied()))
            .filter(group_schedule::Column::Active.eq(true))
            .all(conn)
            .await?;
        (window, schedules)
    };
    let groups = groups
        .into_iter()
        .map(|g| PublicGroup {
            schedules: schedules.iter().filter(|s| s.group_id == g.id).cloned().collect(),
            next: window
                .iter()
                .filter(|s| s.group_id == g.id && s.status != SessionStatus::Cancelled)
                .take(4)
                .cloned()
                .collect(),
            site: g.site_id.and_then(|id| sites.get(&id)).cloned(),
            group: g,
        })
        .collect();
    Ok(PublicPage { org, groups })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_code_has_an_english_label() {
        use crate::domain::groups::*;
        let tr = crate::i18n::Tr::new(crate::domain::codes::UiLanguage::En);
        let mut ids: Vec<String> = Vec::new();
        macro_rules! all {
            ($($t:ty),*) => { $(ids.extend(<$t>::ALL.iter().map(|c| c.message_id()));)* };
        }
        all!(
            GroupKind,
            FocusArea,
            Audience,
            Membership,
            CapacityRule,
            GroupStatus,
            SessionStatus,
            AttendanceStatus,
            FacilitatorRole,
            ReadinessArea,
            LeadershipRole,
            SessionOpportunity,
            FeedbackSource,
            DayPart,
            CurriculumStatus,
            MemberStatus
        );
        for day in WEEKDAYS {
            ids.push(format!("groups-weekday-{}", day.to_lowercase()));
            ids.push(format!("groups-weekday-short-{}", day.to_lowercase()));
        }
        for frequency in ["once", "weekly", "monthly-weekday", "monthly-date", "custom"] {
            ids.push(format!("schedule-form-frequency-{frequency}"));
        }
        for id in ids {
            assert_ne!(tr.t(&id), id, "no English label for {id}");
        }
    }

    #[test]
    fn availability_round_trips_and_counts() {
        let slots = parse_availability(Some("SA-morning;MO-evening;bad;MO-evening"));
        assert_eq!(slots.iter().map(DaySlot::code).collect::<Vec<_>>(), ["MO-evening", "SA-morning"]);
        let members = vec![slots.clone(), vec![DaySlot::parse("MO-evening").unwrap()], vec![]];
        let summary = summarise(&members, &[]);
        assert_eq!(summary.members, 3);
        assert_eq!(summary.answered, 2);
        assert_eq!(summary.counts.len(), 21);
        assert_eq!(summary.best[0].slot, "MO-evening");
        assert_eq!(summary.best[0].free, 2);
        assert_eq!(summary.best.len(), 2);
    }

    #[test]
    fn day_parts_follow_the_start_time() {
        assert_eq!(DaySlot::part_of(9), DayPart::Morning);
        assert_eq!(DaySlot::part_of(12), DayPart::Afternoon);
        assert_eq!(DaySlot::part_of(16), DayPart::Afternoon);
        assert_eq!(DaySlot::part_of(17), DayPart::Evening);
    }

    #[test]
    fn online_links_must_be_https() {
        assert!(valid_online_link("https://meet.example.org/abc"));
        assert!(!valid_online_link("http://meet.example.org/abc"));
        assert!(!valid_online_link("https://"));
        assert!(!valid_online_link("javascript:alert(1)"));
        assert!(!valid_online_link("https://meet.example.org/a b"));
    }

    #[test]
    fn feed_tokens_are_url_safe() {
        let token = feed_token();
        assert_eq!(token.len(), 32);
        assert!(token.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(token, feed_token());
    }

    #[test]
    fn counted_rules_end_on_their_last_session() {
        let input = RuleInput {
            frequency: "weekly".into(),
            weekdays: vec!["TU".into()],
            starts_on: "2026-12-01".into(),
            start_time: "18:00".into(),
            minutes: "90".into(),
            count: "3".into(),
            ..RuleInput::default()
        };
        let rule = input.validate("America/New_York").unwrap();
        assert_eq!(last_day(&rule, "America/New_York"), Some(time::macros::date!(2026 - 12 - 15)));
        let forever = RuleInput { count: String::new(), ..input };
        assert_eq!(last_day(&forever.validate("America/New_York").unwrap(), "America/New_York"), None);
    }

    #[test]
    fn rules_longer_than_one_expansion_end_on_their_real_last_session() {
        let daily = RuleInput {
            frequency: "custom".into(),
            rrule: "FREQ=DAILY".into(),
            starts_on: "2026-12-01".into(),
            start_time: "18:00".into(),
            minutes: "60".into(),
            until: "2034-12-31".into(),
            ..RuleInput::default()
        };
        let rule = daily.validate("America/New_York").unwrap();
        assert_eq!(last_day(&rule, "America/New_York"), Some(time::macros::date!(2034 - 12 - 31)));
    }
}
