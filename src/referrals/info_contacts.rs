//! Information-only contacts (CSE 6.01/6.03): an anonymous caller or walk-in asks for help, is
//! given resources, and any crisis signs are handled. No person record is made and no name is
//! kept; the log counts needs, channels and crisis flags for the report.

use crate::access::{self, Actor};
use crate::app::{AppState, local_date};
use crate::db::{self, entities::info_contact};
use crate::directory::{hsds_tables, rows, search};
use crate::domain::FieldErrors;
use crate::domain::coaching::UnmetNeed;
use crate::domain::codes::{Role, join_codes, split_codes};
use crate::domain::referral::{CrisisFlag, InfoChannel};
use crate::domain::validation::looks_like_email;
use crate::error::{AppError, AppResult};
use crate::web::actor_entry;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use time::{Date, OffsetDateTime, Time};
use utoipa::ToSchema;
use uuid::Uuid;

const TEXT_MAX: usize = 2000;
const AREA_MAX: usize = 60;
const LANGUAGE_MAX: usize = 60;
/// A call longer than ten hours is a typing slip.
pub const MINUTES_MAX: i32 = 600;
/// Directory services offered to one caller, at most.
pub const SERVICES_MAX: usize = 30;

/// Whether text seems to hold a phone number or an e-mail address (which would identify an
/// anonymous caller). Dates such as 2026-11-18 are not phone numbers.
pub fn looks_identifying(text: &str) -> bool {
    let email = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '<' | '>' | '"' | '\''))
        .map(|w| w.trim_end_matches(['.', ':', '!', '?']))
        .any(looks_like_email);
    email || phone_runs(text).iter().any(|run| is_phone(run))
}

/// Stretches of digits joined by the punctuation phone numbers use.
fn phone_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_ascii_digit()
            || (!current.is_empty() && matches!(c, ' ' | '-' | '.' | '(' | ')'))
            || c == '+'
            || c == '('
        {
            current.push(c);
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

fn is_phone(run: &str) -> bool {
    let run = run.trim_end_matches([' ', '-', '.', '(']);
    let digits = run.chars().filter(char::is_ascii_digit).count();
    if digits < 7 {
        return false;
    }
    // An ISO date (4-2-2 digits) is not a number to call.
    let groups: Vec<&str> = run.split('-').collect();
    let is_date = groups.len() == 3
        && groups.iter().map(|g| g.len()).eq([4, 2, 2])
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
    !is_date
}

/// A street address rather than a town or postcode area ("12 Main Street").
pub fn looks_like_street(area: &str) -> bool {
    const STREET: &[&str] = &[
        "street",
        "st",
        "road",
        "rd",
        "avenue",
        "ave",
        "av",
        "lane",
        "ln",
        "drive",
        "dr",
        "boulevard",
        "blvd",
        "way",
        "court",
        "ct",
        "place",
        "pl",
        "terrace",
        "apt",
        "unit",
        "suite",
        "calle",
        "avenida",
        "rue",
        "chemin",
    ];
    let normal = crate::domain::search::normalize(area);
    let words: Vec<&str> = normal.split(' ').collect();
    let has_number = words.iter().any(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()));
    has_number && words.iter().any(|w| STREET.contains(w))
}

/// A contact as typed on the quick form or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct InfoContactInput {
    /// The day of the contact (YYYY-MM-DD); today when absent.
    pub on: Option<String>,
    /// The time of the contact (HH:MM, the organisation's zone); now when absent.
    pub at_time: Option<String>,
    pub channel: String,
    /// Unmet-need codes (at least one).
    pub needs: Vec<String>,
    pub need_detail: Option<String>,
    /// Directory (HSDS) service ids given.
    pub service_ids: Vec<String>,
    /// Resources given that are not in the directory.
    pub other_resources: Option<String>,
    pub crisis_flags: Vec<String>,
    /// What was done about the crisis signs (required when any flag is set).
    pub crisis_action: Option<String>,
    /// The language the contact was held in.
    pub language: Option<String>,
    /// Town or postcode area only.
    pub area: Option<String>,
    pub minutes: Option<String>,
    pub note: Option<String>,
    pub program_id: Option<String>,
    /// The worker checked that what looks like a phone number or e-mail address does not identify the caller.
    pub identifiers_checked: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidInfoContact {
    pub on: Option<Date>,
    pub at_time: Option<Time>,
    pub channel: InfoChannel,
    pub needs: Vec<UnmetNeed>,
    pub need_detail: Option<String>,
    pub service_ids: Vec<String>,
    pub other_resources: Option<String>,
    pub crisis_flags: Vec<CrisisFlag>,
    pub crisis_action: Option<String>,
    pub language: Option<String>,
    pub area: Option<String>,
    pub minutes: Option<i32>,
    pub note: Option<String>,
    pub program_id: Option<Uuid>,
}

fn codes<T: crate::domain::codes::TextCode>(e: &mut FieldErrors, field: &str, raw: &[String]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for code in raw.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        match T::parse(code) {
            Some(c) => {
                if !out.iter().any(|o| o.code() == c.code()) {
                    out.push(c);
                }
            }
            None => {
                e.add(field, "error-unknown-choice");
                return out;
            }
        }
    }
    T::all().iter().copied().filter(|c| out.iter().any(|o| o.code() == c.code())).collect()
}

impl InfoContactInput {
    pub fn parse(&self) -> Result<ValidInfoContact, FieldErrors> {
        let mut e = FieldErrors::new();
        let on = e.optional_date("on", self.on.as_deref());
        let at_time = e.optional_time("at_time", self.at_time.as_deref());
        let channel = e.required_code("channel", &self.channel, InfoChannel::parse);
        let needs: Vec<UnmetNeed> = codes(&mut e, "needs", &self.needs);
        if needs.is_empty() && e.for_field("needs").is_none() {
            e.add("needs", "info-contact-error-need-required");
        }
        let need_detail = e.optional("need_detail", self.need_detail.as_deref(), TEXT_MAX);
        let mut service_ids: Vec<String> = Vec::new();
        for id in self.service_ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            if id.chars().count() > 200 {
                e.add("service_ids", "error-unknown-choice");
            } else if !service_ids.iter().any(|s| s == id) {
                service_ids.push(id.to_string());
            }
        }
        if service_ids.len() > SERVICES_MAX {
            e.add_with("service_ids", "error-too-many", vec![("max", SERVICES_MAX.to_string())]);
        }
        let other_resources = e.optional("other_resources", self.other_resources.as_deref(), TEXT_MAX);
        let crisis_flags: Vec<CrisisFlag> = codes(&mut e, "crisis_flags", &self.crisis_flags);
        let crisis_action = e.optional("crisis_action", self.crisis_action.as_deref(), TEXT_MAX);
        if !crisis_flags.is_empty() && crisis_action.is_none() {
            e.add("crisis_action", "info-contact-error-crisis-action");
        }
        let language = e.optional("language", self.language.as_deref(), LANGUAGE_MAX);
        let area = e.optional("area", self.area.as_deref(), AREA_MAX);
        if area.as_deref().is_some_and(looks_like_street) {
            e.add("area", "info-contact-error-area-street");
        }
        let minutes = match self.minutes.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            None => None,
            Some(m) => match m.parse::<i32>() {
                Ok(n) if (0..=MINUTES_MAX).contains(&n) => Some(n),
                Ok(_) => {
                    e.add_with("minutes", "info-contact-error-minutes", vec![("max", MINUTES_MAX.to_string())]);
                    None
                }
                Err(_) => {
                    e.add("minutes", "error-whole-number");
                    None
                }
            },
        };
        let note = e.optional("note", self.note.as_deref(), TEXT_MAX);
        let program_id = match self.program_id.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => None,
            Some(p) => match Uuid::parse_str(p) {
                Ok(id) => Some(id),
                Err(_) => {
                    e.add("program_id", "error-unknown-choice");
                    None
                }
            },
        };
        if !self.identifiers_checked {
            // Anonymous means anonymous: a number or address in free text is asked about first.
            for (field, value) in [
                ("note", &note),
                ("need_detail", &need_detail),
                ("other_resources", &other_resources),
                ("crisis_action", &crisis_action),
                ("area", &area),
            ] {
                if value.as_deref().is_some_and(looks_identifying) {
                    e.add(field, "info-contact-warning-identifiers");
                }
            }
        }
        match channel {
            Some(channel) if e.is_empty() => Ok(ValidInfoContact {
                on,
                at_time,
                channel,
                needs,
                need_detail,
                service_ids,
                other_resources,
                crisis_flags,
                crisis_action,
                language,
                area,
                minutes,
                note,
                program_id,
            }),
            _ => Err(e),
        }
    }
}

/// Logs an information-only contact. Audited without a person.
pub async fn create(state: &AppState, actor: &Actor, input: &InfoContactInput) -> AppResult<info_contact::Model> {
    if !access::may_log_info_contacts(actor) {
        return Err(crate::intake::deny(state, actor, "LogInfoContact", None).await);
    }
    let org = db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let valid = input.parse()?;
    let mut e = FieldErrors::new();
    let day = valid.on.unwrap_or_else(|| local_date(&org.time_zone, now));
    let at = match valid.at_time {
        Some(t) => crate::intake::at_local(&org.time_zone, day, t),
        None if valid.on.is_some() && valid.on != Some(local_date(&org.time_zone, now)) => {
            crate::intake::at_local(&org.time_zone, day, Time::from_hms(12, 0, 0).unwrap_or(Time::MIDNIGHT))
        }
        None => Some(now),
    };
    let at = at.unwrap_or(now);
    // A few minutes' grace for a phone's clock.
    if at > now + time::Duration::minutes(5) {
        e.add(if valid.at_time.is_some() { "at_time" } else { "on" }, "error-date-in-future");
    }
    let conn = state.db.conn();
    let service_table = hsds_tables::table("service")
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("HSDS service table missing")))?;
    let known = rows::existing_ids(conn, actor.org_id, service_table, &valid.service_ids).await?;
    if valid.service_ids.iter().any(|id| !known.contains(id)) {
        e.add("service_ids", "info-contact-error-unknown-service");
    }
    if let Some(p) = valid.program_id
        && db::org::program(&state.db, actor.org_id, p).await?.is_none_or(|p| !p.active)
    {
        e.add("program_id", "error-unknown-choice");
    }
    e.finish(())?;
    let model = info_contact::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        at,
        staff_id: actor.staff_id,
        program_id: valid.program_id,
        channel: valid.channel.code().to_string(),
        needs: join_codes(&valid.needs),
        need_detail: valid.need_detail,
        service_ids: valid.service_ids.join(";"),
        other_resources: valid.other_resources,
        crisis_flags: join_codes(&valid.crisis_flags),
        crisis_action: valid.crisis_action,
        language: valid.language,
        area: valid.area,
        minutes: valid.minutes,
        note: valid.note,
        created_at: now,
    };
    let txn = state.db.begin_write().await?;
    info_contact::Entity::insert(info_contact::ActiveModel::from(model.clone())).exec_without_returning(&*txn).await?;
    let entry = actor_entry(actor, "info-contact.create").record("info_contact", model.id).detail(json!({
        "channel": model.channel,
        "needs": model.needs,
        "crisis_flags": model.crisis_flags,
        "services": valid.service_ids.len(),
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(model)
}

/// Names of directory services by id (services since removed are left out).
pub async fn service_names(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    ids: &[String],
) -> Result<HashMap<String, String>, DbErr> {
    let table = hsds_tables::table("service").ok_or_else(|| DbErr::Custom("HSDS service table missing".into()))?;
    let rows = rows::load_where(conn, org_id, table, "id", ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let id = r.get("id")?.as_str()?.to_string();
            let name = r.get("name").and_then(|n| n.as_str()).unwrap_or(&id).to_string();
            Some((id, name))
        })
        .collect())
}

/// Directory services matching `text`, best first, as (id, name).
pub async fn find_services(
    state: &AppState,
    actor: &Actor,
    text: &str,
    limit: u64,
) -> AppResult<Vec<(String, String)>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let query = search::SearchQuery { text: text.chars().take(200).collect(), ..Default::default() };
    let (_, hits) = search::search(state.db.conn(), actor.org_id, &query, limit, 0).await?;
    let ids: Vec<String> = hits.iter().map(|h| h.service_id.clone()).collect();
    let names = service_names(state.db.conn(), actor.org_id, &ids).await?;
    Ok(ids.into_iter().filter_map(|id| names.get(&id).cloned().map(|n| (id, n))).collect())
}

/// One logged contact with the names of the services given.
#[derive(Clone, Debug)]
pub struct DayItem {
    pub contact: info_contact::Model,
    pub services: Vec<(String, String)>,
}

impl DayItem {
    pub fn needs(&self) -> Vec<UnmetNeed> {
        split_codes(&self.contact.needs)
    }
    pub fn flags(&self) -> Vec<CrisisFlag> {
        split_codes(&self.contact.crisis_flags)
    }
}

fn day_bounds(tz: &str, day: Date) -> (OffsetDateTime, OffsetDateTime) {
    let start = crate::intake::at_local(tz, day, Time::MIDNIGHT).unwrap_or(day.midnight().assume_utc());
    let next = day.next_day().unwrap_or(day);
    let end = crate::intake::at_local(tz, next, Time::MIDNIGHT).unwrap_or(next.midnight().assume_utc());
    (start, end)
}

/// The actor's own contacts on `day` (the organisation's zone), oldest first. Audited with the count.
pub async fn day_list(state: &AppState, actor: &Actor, tz: &str, day: Date) -> AppResult<Vec<DayItem>> {
    if !access::may_log_info_contacts(actor) {
        return Err(crate::intake::deny(state, actor, "ListInfoContacts", None).await);
    }
    let (start, end) = day_bounds(tz, day);
    let conn = state.db.conn();
    let contacts = info_contact::Entity::find()
        .filter(info_contact::Column::OrgId.eq(actor.org_id))
        .filter(info_contact::Column::StaffId.eq(actor.staff_id))
        .filter(info_contact::Column::At.gte(start))
        .filter(info_contact::Column::At.lt(end))
        .order_by_asc(info_contact::Column::At)
        .all(conn)
        .await?;
    let ids: Vec<String> = contacts.iter().flat_map(|c| split_ids(&c.service_ids)).collect();
    let names = service_names(conn, actor.org_id, &ids).await?;
    let entry = actor_entry(actor, "info-contact.list").detail(json!({ "day": day, "contacts": contacts.len() }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(contacts
        .into_iter()
        .map(|c| {
            let services = split_ids(&c.service_ids)
                .into_iter()
                .map(|id| {
                    let name = names.get(&id).cloned().unwrap_or_else(|| id.clone());
                    (id, name)
                })
                .collect();
            DayItem { contact: c, services }
        })
        .collect())
}

pub fn split_ids(joined: &str) -> Vec<String> {
    joined.split(';').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct NeedCount {
    pub need: UnmetNeed,
    pub count: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ChannelCount {
    pub channel: InfoChannel,
    pub count: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CrisisFlagCount {
    pub flag: CrisisFlag,
    pub count: usize,
}

/// Information-only contacts in a period: how many, how long, and what for.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Counts {
    pub contacts: usize,
    pub minutes: i64,
    pub with_crisis_flags: usize,
    pub by_need: Vec<NeedCount>,
    pub by_channel: Vec<ChannelCount>,
    pub by_crisis_flag: Vec<CrisisFlagCount>,
}

/// Counts over contacts (codes as stored); lists keep every code's place in its list, zeros left out.
pub fn count(contacts: &[info_contact::Model]) -> Counts {
    let needs: Vec<Vec<UnmetNeed>> = contacts.iter().map(|c| split_codes(&c.needs)).collect();
    let flags: Vec<Vec<CrisisFlag>> = contacts.iter().map(|c| split_codes(&c.crisis_flags)).collect();
    Counts {
        contacts: contacts.len(),
        minutes: contacts.iter().filter_map(|c| c.minutes).map(i64::from).sum(),
        with_crisis_flags: flags.iter().filter(|f| !f.is_empty()).count(),
        by_need: UnmetNeed::ALL
            .iter()
            .map(|n| NeedCount { need: *n, count: needs.iter().filter(|list| list.contains(n)).count() })
            .filter(|c| c.count > 0)
            .collect(),
        by_channel: InfoChannel::ALL
            .iter()
            .map(|ch| ChannelCount { channel: *ch, count: contacts.iter().filter(|c| c.channel == ch.code()).count() })
            .filter(|c| c.count > 0)
            .collect(),
        by_crisis_flag: CrisisFlag::ALL
            .iter()
            .map(|f| CrisisFlagCount { flag: *f, count: flags.iter().filter(|list| list.contains(f)).count() })
            .filter(|c| c.count > 0)
            .collect(),
    }
}

/// Counts for the referral report over [from, to]: the quality lead sees every contact, others
/// their own, their supervisees' and those logged for the programs they direct.
pub async fn counts(state: &AppState, actor: &Actor, tz: &str, from: Date, to: Date) -> AppResult<Counts> {
    let (start, _) = day_bounds(tz, from);
    let (_, end) = day_bounds(tz, to);
    let mut query = info_contact::Entity::find()
        .filter(info_contact::Column::OrgId.eq(actor.org_id))
        .filter(info_contact::Column::At.gte(start))
        .filter(info_contact::Column::At.lt(end));
    if !actor.has(Role::QualityLead) {
        let mut staff = vec![actor.staff_id];
        if actor.has(Role::Supervisor) {
            staff.extend(&actor.supervisee_ids);
        }
        let mut reach = Condition::any().add(info_contact::Column::StaffId.is_in(staff));
        if actor.has(Role::ProgramDirector) && !actor.program_ids.is_empty() {
            reach = reach.add(info_contact::Column::ProgramId.is_in(actor.program_ids.clone()));
        }
        query = query.filter(reach);
    }
    Ok(count(&query.all(state.db.conn()).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_and_emails_are_noticed_but_dates_are_not() {
        assert!(looks_identifying("call back on (207) 555-0134 tomorrow"));
        assert!(looks_identifying("number 2075550134"));
        assert!(looks_identifying("+1 207 555 0134"));
        assert!(looks_identifying("wrote from sam.k@example.org."));
        assert!(!looks_identifying("called on 2026-11-18 about rent, 3 kids"));
        assert!(!looks_identifying("needs food for 4 people by friday"));
        assert!(!looks_identifying("postcode 04101"));
    }

    #[test]
    fn an_area_is_a_town_or_postcode_not_a_street() {
        assert!(looks_like_street("12 Main Street"));
        assert!(looks_like_street("4 rue des Lilas"));
        assert!(!looks_like_street("Portland 04101"));
        assert!(!looks_like_street("Eastside"));
        assert!(!looks_like_street("K1A 0B1"));
    }

    fn input() -> InfoContactInput {
        InfoContactInput { channel: "phone".into(), needs: vec!["housing".into()], ..Default::default() }
    }

    #[test]
    fn crisis_flags_need_what_was_done() {
        let mut i = input();
        i.crisis_flags = vec!["suicide-risk".into()];
        let e = i.parse().expect_err("needs the action");
        assert_eq!(e.for_field("crisis_action").map(|e| e.message_id), Some("info-contact-error-crisis-action"));
        i.crisis_action = Some("Stayed on the line and called the crisis team together".into());
        assert_eq!(i.parse().expect("valid").crisis_flags, vec![CrisisFlag::SuicideRisk]);
    }

    #[test]
    fn identifiers_are_asked_about_until_checked() {
        let mut i = input();
        i.note = Some("caller gave 207-555-0134".into());
        let e = i.parse().expect_err("warned");
        assert_eq!(e.for_field("note").map(|e| e.message_id), Some("info-contact-warning-identifiers"));
        i.identifiers_checked = true;
        assert!(i.parse().is_ok());
    }

    #[test]
    fn a_need_and_a_sane_duration_are_required() {
        let mut i = input();
        i.needs.clear();
        i.minutes = Some("900".into());
        let e = i.parse().expect_err("invalid");
        assert!(e.for_field("needs").is_some());
        assert_eq!(e.for_field("minutes").map(|e| e.message_id), Some("info-contact-error-minutes"));
    }

    #[test]
    fn counts_by_need_channel_and_flag() {
        let make = |channel: &str, needs: &str, flags: &str, minutes: Option<i32>| info_contact::Model {
            id: Uuid::new_v4(),
            org_id: Uuid::nil(),
            at: OffsetDateTime::UNIX_EPOCH,
            staff_id: Uuid::nil(),
            program_id: None,
            channel: channel.into(),
            needs: needs.into(),
            need_detail: None,
            service_ids: String::new(),
            other_resources: None,
            crisis_flags: flags.into(),
            crisis_action: None,
            language: None,
            area: None,
            minutes,
            note: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
        };
        let c = count(&[
            make("phone", "housing;legal", "", Some(10)),
            make("phone", "housing", "overdose", Some(5)),
            make("walk-in", "dental", "", None),
        ]);
        assert_eq!((c.contacts, c.minutes, c.with_crisis_flags), (3, 15, 1));
        assert_eq!(c.by_need.iter().find(|n| n.need == UnmetNeed::Housing).map(|n| n.count), Some(2));
        assert_eq!(
            c.by_channel,
            vec![
                ChannelCount { channel: InfoChannel::Phone, count: 2 },
                ChannelCount { channel: InfoChannel::WalkIn, count: 1 }
            ]
        );
        assert_eq!(c.by_crisis_flag, vec![CrisisFlagCount { flag: CrisisFlag::Overdose, count: 1 }]);
    }
}
