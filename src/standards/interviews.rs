//! The interview roster for the on-site visit: the program director, staff by role, and people
//! served and family members who agreed to be interviewed. For people served and family members
//! the consent is recorded (day, verbal or written, who recorded it, a note) and can be withdrawn;
//! a withdrawn entry drops off the roster (it stays on record). Language and accessibility needs
//! are noted per entry.
//!
//! Adding a person served opens their record through `records::open` (role and caseload checked,
//! audited). The roster shows a person's name only to those who may view that person's record;
//! everyone else sees "Person #record number".

use crate::access::{self, Action, Actor};
use crate::app::AppState;
use crate::db;
use crate::db::entities::{interview_entry as entry, person, staff};
use crate::domain::codes::Role;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::standards::readiness::require;
use crate::web::actor_entry;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

const NAME_MAX: usize = 200;
const SHORT_MAX: usize = 100;
const NOTE_MAX: usize = 2000;

text_code!(
    /// Who an entry is.
    InterviewKind {
        ProgramDirector => "program-director",
        Staff => "staff",
        PersonServed => "person-served",
        FamilyMember => "family-member",
    }
);

text_code!(
    /// How consent to be interviewed was given.
    ConsentMethod { Verbal => "verbal", Written => "written" }
);

impl ConsentMethod {
    /// Message id of its label (prefixed, so it cannot clash with another area's).
    pub fn label_id(self) -> String {
        format!("readiness-interview-method-{}", self.code())
    }
}

impl InterviewKind {
    /// Message id of its label.
    pub fn label_id(self) -> String {
        format!("readiness-interview-kind-{}", self.code())
    }

    /// People served and their family members are asked for consent; staff are interviewed as
    /// part of their work.
    pub fn needs_consent(self) -> bool {
        matches!(self, InterviewKind::PersonServed | InterviewKind::FamilyMember)
    }

    fn is_staff(self) -> bool {
        matches!(self, InterviewKind::ProgramDirector | InterviewKind::Staff)
    }
}

/// A roster entry as sent.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct EntryInput {
    /// `program-director`, `staff`, `person-served` or `family-member`.
    pub kind: String,
    /// For the program director and staff.
    pub staff_id: Option<String>,
    /// The person served's record number; for a family member, the person they are family of.
    pub record_number: Option<String>,
    /// A family member's name.
    pub family_name: Option<String>,
    pub relationship: Option<String>,
    /// Language the interview should be held in (and whether an interpreter is needed).
    pub language: Option<String>,
    /// Accessibility needs (step-free room, large print, sign language, a support person…).
    pub accessibility: Option<String>,
    /// YYYY-MM-DD (people served and family members; default today).
    pub consent_on: Option<String>,
    /// `verbal` or `written` (people served and family members).
    pub consent_method: Option<String>,
    pub consent_note: Option<String>,
}

/// A withdrawal of consent as sent.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct WithdrawInput {
    /// YYYY-MM-DD (default today).
    pub withdrawn_on: Option<String>,
    pub note: Option<String>,
}

struct Valid {
    kind: InterviewKind,
    staff_id: Option<Uuid>,
    record_number: Option<i64>,
    family_name: Option<String>,
    relationship: Option<String>,
    language: Option<String>,
    accessibility: Option<String>,
    consent: Option<(Date, ConsentMethod, Option<String>)>,
}

fn validate(input: &EntryInput, today: Date) -> Result<Valid, FieldErrors> {
    let mut e = FieldErrors::new();
    let kind = e.required_code("kind", &input.kind, InterviewKind::parse);
    let language = e.optional("language", input.language.as_deref(), SHORT_MAX);
    let accessibility = e.optional("accessibility", input.accessibility.as_deref(), NOTE_MAX);
    let mut v = Valid {
        kind: kind.unwrap_or(InterviewKind::Staff),
        staff_id: None,
        record_number: None,
        family_name: None,
        relationship: None,
        language,
        accessibility,
        consent: None,
    };
    let Some(kind) = kind else { return Err(e) };
    if kind.is_staff() {
        match input.staff_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => e.add("staff_id", "error-required"),
            Some(raw) => match Uuid::parse_str(raw) {
                Ok(id) => v.staff_id = Some(id),
                Err(_) => e.add("staff_id", "error-unknown-choice"),
            },
        }
    } else {
        match input.record_number.as_deref().map(|s| s.trim().trim_start_matches('#')).filter(|s| !s.is_empty()) {
            None => e.add("record_number", "error-required"),
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if n > 0 => v.record_number = Some(n),
                _ => e.add("record_number", "readiness-interview-error-record-number"),
            },
        }
        if kind == InterviewKind::FamilyMember {
            v.family_name = Some(e.required("family_name", input.family_name.as_deref().unwrap_or(""), NAME_MAX));
            v.relationship = e.optional("relationship", input.relationship.as_deref(), SHORT_MAX);
        }
        let on = e.optional_date("consent_on", input.consent_on.as_deref()).unwrap_or(today);
        if on > today {
            e.add("consent_on", "readiness-interview-error-future");
        }
        let method =
            e.required_code("consent_method", input.consent_method.as_deref().unwrap_or(""), ConsentMethod::parse);
        let note = e.optional("consent_note", input.consent_note.as_deref(), NOTE_MAX);
        v.consent = method.map(|m| (on, m, note));
    }
    e.finish(v)
}

/// Adds someone to the roster (audited as `readiness.interview.add`). A person served (or the
/// person a family member belongs to) is opened through `records::open`, which checks that the
/// actor may see them and records the view.
pub async fn add(state: &AppState, actor: &Actor, input: &EntryInput) -> AppResult<entry::Model> {
    require(state, actor, Action::ManageReadiness).await?;
    let today = crate::outcomes::analytics::today(state, actor.org_id).await?;
    let v = validate(input, today)?;
    let conn = state.db.conn();
    let mut person_id = None;
    if let Some(number) = v.record_number {
        let found = person::Entity::find()
            .filter(person::Column::OrgId.eq(actor.org_id))
            .filter(person::Column::RecordNumber.eq(number))
            .one(conn)
            .await?;
        let Some(found) = found else {
            return Err(AppError::Invalid(FieldErrors::single("record_number", "readiness-interview-error-no-person")));
        };
        crate::records::open(state, actor, found.id, Action::ViewPerson).await?;
        person_id = Some(found.id);
    }
    if let Some(id) = v.staff_id {
        let found = staff::Entity::find_by_id(id).filter(staff::Column::OrgId.eq(actor.org_id)).one(conn).await?;
        if found.is_none_or(|s| !s.active) {
            return Err(AppError::Invalid(FieldErrors::single("staff_id", "error-unknown-choice")));
        }
    }
    let now = state.clock.now();
    let (consent_on, consent_method, consent_note) = match v.consent {
        Some((on, method, note)) => (Some(on), Some(method.code().to_string()), note),
        None => (None, None, None),
    };
    let row = entry::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        kind: v.kind.code().into(),
        staff_id: v.staff_id,
        person_id,
        family_name: v.family_name,
        relationship: v.relationship,
        language: v.language,
        accessibility: v.accessibility,
        consent_recorded_by: consent_on.map(|_| actor.staff_id),
        consent_on,
        consent_method,
        consent_note,
        withdrawn_on: None,
        withdrawn_by: None,
        withdrawn_note: None,
        added_by: actor.staff_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let txn = state.db.begin_write().await?;
    entry::Entity::insert(entry::ActiveModel::from(row.clone())).exec_without_returning(&*txn).await?;
    let mut audit = actor_entry(actor, "readiness.interview.add").detail(json!({
        "entry_id": row.id,
        "kind": row.kind,
        "staff_id": row.staff_id,
        "consent_method": row.consent_method,
    }));
    if let Some(pid) = person_id {
        audit = audit.record("person", pid);
    }
    db::audit::append(&txn, audit, now).await?;
    txn.commit().await?;
    Ok(row)
}

/// Records that someone withdrew (consent, or for staff, their availability); they drop off the
/// roster (audited as `readiness.interview.withdraw`).
pub async fn withdraw(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    input: &WithdrawInput,
) -> AppResult<entry::Model> {
    require(state, actor, Action::ManageReadiness).await?;
    let today = crate::outcomes::analytics::today(state, actor.org_id).await?;
    let mut e = FieldErrors::new();
    let on = e.optional_date("withdrawn_on", input.withdrawn_on.as_deref()).unwrap_or(today);
    if on > today {
        e.add("withdrawn_on", "readiness-interview-error-future");
    }
    let note = e.optional("note", input.note.as_deref(), NOTE_MAX);
    e.finish(())?;
    let current = entry::Entity::find_by_id(id)
        .filter(entry::Column::OrgId.eq(actor.org_id))
        .one(state.db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    if current.version != version || current.withdrawn_on.is_some() {
        return Err(AppError::Conflict);
    }
    let now = state.clock.now();
    let mut next = current.clone();
    next.withdrawn_on = Some(on);
    next.withdrawn_by = Some(actor.staff_id);
    next.withdrawn_note = note;
    next.version = version + 1;
    next.updated_at = now;
    let txn = state.db.begin_write().await?;
    let result = entry::Entity::update_many()
        .set(entry::ActiveModel::from(next.clone()).reset_all())
        .filter(entry::Column::OrgId.eq(actor.org_id))
        .filter(entry::Column::Id.eq(id))
        .filter(entry::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    let mut audit = actor_entry(actor, "readiness.interview.withdraw")
        .detail(json!({ "entry_id": id, "kind": next.kind, "version": next.version }));
    if let Some(pid) = next.person_id {
        audit = audit.record("person", pid);
    }
    db::audit::append(&txn, audit, now).await?;
    txn.commit().await?;
    Ok(next)
}

/// A roster entry as shown.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RosterEntry {
    pub id: Uuid,
    pub kind: InterviewKind,
    pub staff_id: Option<Uuid>,
    /// Staff: their sign-in roles (role codes), for grouping staff by role.
    pub roles: Vec<String>,
    pub person_id: Option<Uuid>,
    pub record_number: Option<i64>,
    /// The name: a staff member's; a person's only when the reader may view their record, else
    /// `None` (show "Person #record number"); a family member's when the reader may view the person.
    pub name: Option<String>,
    pub relationship: Option<String>,
    pub language: Option<String>,
    pub accessibility: Option<String>,
    pub consent_on: Option<Date>,
    pub consent_method: Option<ConsentMethod>,
    pub consent_recorded_by: Option<String>,
    pub consent_note: Option<String>,
    pub withdrawn_on: Option<Date>,
    pub withdrawn_note: Option<String>,
    pub version: i32,
}

/// The roster: people still on it first (director, staff by role, people served, family), then
/// those who withdrew. Reading it is audited as a list read when it shows people served.
pub async fn roster(state: &AppState, actor: &Actor) -> AppResult<Vec<RosterEntry>> {
    require(state, actor, Action::ViewReadiness).await?;
    let conn = state.db.conn();
    let rows = entry::Entity::find()
        .filter(entry::Column::OrgId.eq(actor.org_id))
        .order_by_asc(entry::Column::CreatedAt)
        .all(conn)
        .await?;
    let staff_rows: HashMap<Uuid, staff::Model> = staff::Entity::find()
        .filter(staff::Column::OrgId.eq(actor.org_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let person_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.person_id).collect();
    let visible = visible_people(conn, actor, &person_ids).await?;
    let mut out: Vec<RosterEntry> = rows.into_iter().map(|r| view(r, &staff_rows, &visible)).collect();
    out.sort_by_key(|e| {
        let rank = InterviewKind::ALL.iter().position(|k| *k == e.kind).unwrap_or(0);
        (e.withdrawn_on.is_some(), rank, e.roles.first().cloned().unwrap_or_default(), e.record_number)
    });
    if !person_ids.is_empty() {
        let audit = actor_entry(actor, "readiness.interview.list").detail(json!({ "results": person_ids.len() }));
        db::audit::append_soon(&state.db, audit, state.clock.now()).await?;
    }
    Ok(out)
}

/// Record numbers and, where the actor may view the person, their name.
async fn visible_people(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, (i64, Option<String>)>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let people = person::Entity::find()
        .filter(person::Column::OrgId.eq(actor.org_id))
        .filter(person::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    let enrolments = crate::db::entities::enrolment::Entity::find()
        .filter(crate::db::entities::enrolment::Column::OrgId.eq(actor.org_id))
        .filter(crate::db::entities::enrolment::Column::PersonId.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    let mut by_person: HashMap<Uuid, Vec<crate::db::entities::enrolment::Model>> = HashMap::new();
    for e in enrolments {
        by_person.entry(e.person_id).or_default().push(e);
    }
    Ok(people
        .into_iter()
        .map(|p| {
            let links = db::people::access_links(by_person.get(&p.id).map(Vec::as_slice).unwrap_or(&[]));
            let reach = access::reach(actor, &links);
            let name = access::allows(actor, Action::ViewPerson, reach).then(|| person_name(&p));
            (p.id, (p.record_number, name))
        })
        .collect())
}

fn person_name(p: &person::Model) -> String {
    let given = p.preferred_name.clone().unwrap_or_else(|| p.legal_given_name.clone());
    format!("{given} {}", p.legal_family_name)
}

fn view(
    r: entry::Model,
    staff_rows: &HashMap<Uuid, staff::Model>,
    visible: &HashMap<Uuid, (i64, Option<String>)>,
) -> RosterEntry {
    let kind = InterviewKind::parse(&r.kind).unwrap_or(InterviewKind::Staff);
    let member = r.staff_id.and_then(|id| staff_rows.get(&id));
    let person = r.person_id.and_then(|id| visible.get(&id));
    let roles: Vec<String> = member
        .map(|s| crate::domain::codes::split_codes::<Role>(&s.roles).iter().map(|r| r.code().to_string()).collect())
        .unwrap_or_default();
    let name = match kind {
        InterviewKind::ProgramDirector | InterviewKind::Staff => member.map(|s| s.display_name.clone()),
        InterviewKind::PersonServed => person.and_then(|(_, n)| n.clone()),
        InterviewKind::FamilyMember => person.and_then(|(_, n)| n.as_ref()).and(r.family_name.clone()),
    };
    RosterEntry {
        id: r.id,
        kind,
        staff_id: r.staff_id,
        roles,
        person_id: r.person_id,
        record_number: person.map(|(n, _)| *n),
        name,
        relationship: r.relationship,
        language: r.language,
        accessibility: r.accessibility,
        consent_on: r.consent_on,
        consent_method: r.consent_method.as_deref().and_then(ConsentMethod::parse),
        consent_recorded_by: r.consent_recorded_by.and_then(|id| staff_rows.get(&id)).map(|s| s.display_name.clone()),
        consent_note: r.consent_note,
        withdrawn_on: r.withdrawn_on,
        withdrawn_note: r.withdrawn_note,
        version: r.version,
    }
}

/// Active staff who can be put on the roster: (id, name, roles).
pub async fn staff_choices(state: &AppState, actor: &Actor) -> AppResult<Vec<(Uuid, String, String)>> {
    require(state, actor, Action::ViewReadiness).await?;
    let rows = staff::Entity::find()
        .filter(staff::Column::OrgId.eq(actor.org_id))
        .filter(staff::Column::Active.eq(true))
        .order_by_asc(staff::Column::DisplayName)
        .all(state.db.conn())
        .await?;
    Ok(rows.into_iter().map(|s| (s.id, s.display_name, s.roles)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn people_served_need_a_record_number_and_how_they_consented() {
        let today = date!(2026 - 11 - 18);
        let input = EntryInput { kind: "person-served".into(), ..Default::default() };
        let errors = validate(&input, today).err().unwrap();
        assert!(errors.for_field("record_number").is_some() && errors.for_field("consent_method").is_some());
        let input = EntryInput {
            kind: "family-member".into(),
            record_number: Some("#12".into()),
            consent_method: Some("written".into()),
            consent_on: Some("2026-11-19".into()),
            ..Default::default()
        };
        let errors = validate(&input, today).err().unwrap();
        assert!(errors.for_field("family_name").is_some() && errors.for_field("consent_on").is_some());
        let staff = EntryInput { kind: "staff".into(), staff_id: Some(Uuid::nil().to_string()), ..Default::default() };
        let v = validate(&staff, today).ok().unwrap();
        assert!(v.consent.is_none() && v.staff_id.is_some());
    }
}
