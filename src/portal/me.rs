//! What the person reads about themselves. Everything is looked up with the organisation and
//! the person from the portal session; nothing staff write for themselves is read here: no contact
//! notes, no "who was present", no referral notes or outcome notes, no drafts.

use super::Me;
use crate::app::AppState;
use crate::db::entities::{
    coaching_contact, consent, disclosure, enrolment, group_attendance, group_facilitator, group_member, group_session,
    plan_suggestion, program, recovery_plan, recovery_plan_version, referral, safety_plan, site, staff, support_group,
};
use crate::domain::coaching::{NoteStatus, PlanContent, PlanStatus};
use crate::domain::groups::{GroupStatus, MemberStatus, SessionStatus};
use crate::error::{AppError, AppResult};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

/// How far ahead upcoming group sessions are shown.
const AHEAD_DAYS: i64 = 28;
/// How many past contacts the contacts page lists.
const RECENT_CONTACTS: usize = 10;

/// The plan the person sees: the last version they agreed to, else the plan being written with them.
pub async fn shown_content(
    conn: &impl ConnectionTrait,
    plan: &recovery_plan::Model,
) -> AppResult<(PlanContent, Option<recovery_plan_version::Model>)> {
    let versions = crate::db::coaching::plan_versions(conn, plan.org_id, plan.id).await?;
    let latest = versions.into_iter().max_by_key(|v| v.number);
    let raw = latest.as_ref().map(|v| v.content.clone()).unwrap_or_else(|| plan.content.clone());
    let content: PlanContent =
        serde_json::from_str(&raw).map_err(|e| AppError::Internal(anyhow::anyhow!("plan content: {e}")))?;
    Ok((content, latest))
}

pub async fn person(state: &AppState, me: &Me) -> AppResult<crate::db::entities::person::Model> {
    crate::db::people::get(state.db.conn(), me.org_id, me.person_id).await?.ok_or(AppError::NotFound)
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

fn person_today(tz: &str, now: OffsetDateTime) -> Date {
    crate::app::local_date(tz, now)
}

// ---------- home ----------

pub struct Home {
    pub name: String,
    pub coach: Option<String>,
    pub next_contact_due: Option<Date>,
    pub plan_review_due: Option<Date>,
    pub has_plan: bool,
    pub groups: Vec<MyGroup>,
    pub answered_suggestions: usize,
}

pub async fn home(state: &AppState, me: &Me, tz: &str) -> AppResult<Home> {
    let conn = state.db.conn();
    let person = person(state, me).await?;
    let status = crate::db::entities::coaching_status::Entity::find()
        .filter(crate::db::entities::coaching_status::Column::OrgId.eq(me.org_id))
        .filter(crate::db::entities::coaching_status::Column::PersonId.eq(me.person_id))
        .one(conn)
        .await?;
    let plan = crate::db::coaching::open_plan(conn, me.org_id, me.person_id).await?;
    let coach = coach_name(conn, me).await?;
    let groups = groups(state, me, tz, 1).await?;
    let answered_suggestions = super::suggestions_of(conn, me.org_id, me.person_id, None)
        .await?
        .iter()
        .filter(|s| s.decided_at.is_some_and(|d| d > state.clock.now() - Duration::days(30)))
        .count();
    crate::db::audit::append_now(&state.db, me.entry("portal.home.view"), state.clock.now()).await?;
    Ok(Home {
        name: person.preferred_name.clone().unwrap_or(person.legal_given_name.clone()),
        coach,
        next_contact_due: status.as_ref().and_then(|s| s.contact_due_on),
        plan_review_due: plan.as_ref().and_then(|p| p.review_due_on),
        has_plan: plan.is_some(),
        groups,
        answered_suggestions,
    })
}

/// The worker on the person's open enrolment, if any.
async fn coach_name(conn: &impl ConnectionTrait, me: &Me) -> AppResult<Option<String>> {
    let worker = enrolment::Entity::find()
        .filter(enrolment::Column::OrgId.eq(me.org_id))
        .filter(enrolment::Column::PersonId.eq(me.person_id))
        .filter(enrolment::Column::EndedOn.is_null())
        .order_by_desc(enrolment::Column::StartedOn)
        .all(conn)
        .await?
        .into_iter()
        .find_map(|e| e.worker_id);
    let Some(worker) = worker else { return Ok(None) };
    Ok(staff_names(conn, me.org_id, vec![worker]).await?.remove(&worker))
}

// ---------- plan ----------

pub struct MyPlan {
    pub plan: recovery_plan::Model,
    pub content: PlanContent,
    /// The agreed version shown; None while the first version is still being written.
    pub agreed: Option<recovery_plan_version::Model>,
    pub suggestions: Vec<plan_suggestion::Model>,
}

/// The person's current plan (not closed), or None.
pub async fn plan(state: &AppState, me: &Me) -> AppResult<Option<MyPlan>> {
    let conn = state.db.conn();
    let Some(plan) = crate::db::coaching::open_plan(conn, me.org_id, me.person_id).await? else {
        crate::db::audit::append_now(&state.db, me.entry("portal.plan.view"), state.clock.now()).await?;
        return Ok(None);
    };
    let view = plan_view(state, me, plan).await?;
    Ok(Some(view))
}

/// One of the person's plans by id (an earlier one, from their records), or not found.
pub async fn plan_by_id(state: &AppState, me: &Me, plan_id: Uuid) -> AppResult<MyPlan> {
    let plan = recovery_plan::Entity::find_by_id(plan_id)
        .filter(recovery_plan::Column::OrgId.eq(me.org_id))
        .filter(recovery_plan::Column::PersonId.eq(me.person_id))
        .one(state.db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    plan_view(state, me, plan).await
}

async fn plan_view(state: &AppState, me: &Me, plan: recovery_plan::Model) -> AppResult<MyPlan> {
    let conn = state.db.conn();
    let (content, agreed) = shown_content(conn, &plan).await?;
    let suggestions = super::suggestions_of(conn, me.org_id, me.person_id, Some(plan.id)).await?;
    let entry = me.entry("portal.plan.view").detail(json!({ "plan_id": plan.id }));
    crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(MyPlan { plan, content, agreed, suggestions })
}

// ---------- contacts ----------

/// A contact with the coach as the person sees it: when, how, where, with whom.
#[derive(Clone, Debug, Serialize)]
pub struct ContactLine {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub minutes: i32,
    /// `face-to-face`, `phone`, `video` or `text`.
    pub mode: String,
    pub setting: String,
    pub with: String,
}

/// A group session ahead.
#[derive(Clone, Debug, Serialize)]
pub struct SessionLine {
    pub group_id: Uuid,
    pub group: String,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub ends_at: OffsetDateTime,
    pub cancelled: bool,
    pub place: Option<String>,
    pub online_link: Option<String>,
    pub with: String,
}

pub struct Contacts {
    pub coach: Option<String>,
    pub next_contact_due: Option<Date>,
    pub sessions: Vec<SessionLine>,
    pub recent: Vec<ContactLine>,
}

async fn contact_lines(conn: &impl ConnectionTrait, me: &Me) -> AppResult<Vec<ContactLine>> {
    let rows = coaching_contact::Entity::find()
        .filter(coaching_contact::Column::OrgId.eq(me.org_id))
        .filter(coaching_contact::Column::PersonId.eq(me.person_id))
        .filter(coaching_contact::Column::Status.eq(NoteStatus::Signed.code()))
        .order_by_desc(coaching_contact::Column::OccurredAt)
        .all(conn)
        .await?;
    let names = staff_names(conn, me.org_id, rows.iter().map(|c| c.worker_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|c| ContactLine {
            at: c.occurred_at,
            minutes: c.minutes,
            mode: c.mode,
            setting: c.setting,
            with: names.get(&c.worker_id).cloned().unwrap_or_default(),
        })
        .collect())
}

pub async fn contacts(state: &AppState, me: &Me, tz: &str) -> AppResult<Contacts> {
    let conn = state.db.conn();
    let status = crate::db::entities::coaching_status::Entity::find()
        .filter(crate::db::entities::coaching_status::Column::OrgId.eq(me.org_id))
        .filter(crate::db::entities::coaching_status::Column::PersonId.eq(me.person_id))
        .one(conn)
        .await?;
    let mut recent = contact_lines(conn, me).await?;
    recent.truncate(RECENT_CONTACTS);
    let groups = groups(state, me, tz, 8).await?;
    let mut sessions: Vec<SessionLine> = groups.into_iter().flat_map(|g| g.sessions).collect();
    sessions.sort_by_key(|s| s.starts_at);
    crate::db::audit::append_now(&state.db, me.entry("portal.contacts.view"), state.clock.now()).await?;
    Ok(Contacts {
        coach: coach_name(conn, me).await?,
        next_contact_due: status.and_then(|s| s.contact_due_on),
        sessions,
        recent,
    })
}

// ---------- groups ----------

pub struct MyGroup {
    pub group: support_group::Model,
    pub place: Option<String>,
    pub facilitators: String,
    pub sessions: Vec<SessionLine>,
}

async fn member_group_ids(conn: &impl ConnectionTrait, me: &Me) -> Result<Vec<Uuid>, DbErr> {
    Ok(group_member::Entity::find()
        .filter(group_member::Column::OrgId.eq(me.org_id))
        .filter(group_member::Column::PersonId.eq(me.person_id))
        .filter(group_member::Column::Status.eq(MemberStatus::Active.code()))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| m.group_id)
        .collect())
}

/// The groups the person is an active member of, each with its next sessions (at most `per_group`).
pub async fn groups(state: &AppState, me: &Me, tz: &str, per_group: usize) -> AppResult<Vec<MyGroup>> {
    let conn = state.db.conn();
    let ids = member_group_ids(conn, me).await?;
    group_views(state, me, tz, &ids, per_group).await
}

/// One of the person's groups, or not found when they are not a member.
pub async fn group(state: &AppState, me: &Me, tz: &str, group_id: Uuid) -> AppResult<MyGroup> {
    let ids = member_group_ids(state.db.conn(), me).await?;
    if !ids.contains(&group_id) {
        return Err(AppError::NotFound);
    }
    let mut views = group_views(state, me, tz, &[group_id], 12).await?;
    let entry = me.entry("portal.group.view").detail(json!({ "group_id": group_id }));
    crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    views.pop().ok_or(AppError::NotFound)
}

async fn group_views(state: &AppState, me: &Me, tz: &str, ids: &[Uuid], per_group: usize) -> AppResult<Vec<MyGroup>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let conn = state.db.conn();
    let groups = support_group::Entity::find()
        .filter(support_group::Column::OrgId.eq(me.org_id))
        .filter(support_group::Column::Id.is_in(ids.to_vec()))
        .filter(support_group::Column::Status.ne(GroupStatus::Ended.code()))
        .order_by_asc(support_group::Column::Name)
        .all(conn)
        .await?;
    let sites: HashMap<Uuid, site::Model> = site::Entity::find()
        .filter(site::Column::OrgId.eq(me.org_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let facilitators = group_facilitator::Entity::find()
        .filter(group_facilitator::Column::OrgId.eq(me.org_id))
        .filter(group_facilitator::Column::GroupId.is_in(ids.to_vec()))
        .all(conn)
        .await?;
    let names = staff_names(conn, me.org_id, facilitators.iter().filter_map(|f| f.staff_id).collect()).await?;
    let now = state.clock.now();
    let slots = crate::groups::slots(conn, me.org_id, Some(ids), tz, now, now + Duration::days(AHEAD_DAYS)).await?;
    let mut out = Vec::new();
    for g in groups {
        let who: Vec<String> = facilitators
            .iter()
            .filter(|f| f.group_id == g.id)
            .filter_map(|f| f.staff_id.and_then(|id| names.get(&id).cloned()).or_else(|| f.volunteer_name.clone()))
            .collect();
        let site_name = g.site_id.and_then(|id| sites.get(&id)).map(|s| {
            let mut parts = vec![s.name.clone()];
            parts.extend(s.address_line.clone());
            parts.extend(s.locality.clone());
            parts.join(", ")
        });
        let place = match (&site_name, &g.room) {
            (Some(s), Some(r)) => Some(format!("{s} · {r}")),
            (Some(s), None) => Some(s.clone()),
            (None, Some(r)) => Some(r.clone()),
            (None, None) => None,
        };
        let with = who.join(", ");
        let sessions = slots
            .iter()
            .filter(|s| s.group_id == g.id && s.status != SessionStatus::Held)
            .take(per_group)
            .map(|s| SessionLine {
                group_id: g.id,
                group: g.name.clone(),
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                cancelled: s.status == SessionStatus::Cancelled,
                place: match (&site_name, s.room.as_ref().or(g.room.as_ref())) {
                    (Some(site), Some(room)) => Some(format!("{site} · {room}")),
                    (Some(site), None) => Some(site.clone()),
                    (None, room) => room.cloned(),
                },
                online_link: g.online_link.clone(),
                with: with.clone(),
            })
            .collect();
        out.push(MyGroup { place, facilitators: with.clone(), sessions, group: g });
    }
    Ok(out)
}

// ---------- records ----------

#[derive(Clone, Debug, Serialize)]
pub struct Details {
    pub record_number: i64,
    pub legal_given_name: String,
    pub legal_family_name: String,
    pub preferred_name: Option<String>,
    pub pronouns: Option<String>,
    pub date_of_birth: Option<Date>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address_line: Option<String>,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub preferred_contact: Option<String>,
    pub preferred_language: Option<String>,
    pub emergency_name: Option<String>,
    pub emergency_relationship: Option<String>,
    pub emergency_phone: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct EnrolmentLine {
    pub program: String,
    pub started_on: Date,
    pub ended_on: Option<Date>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PlanRecord {
    pub id: Uuid,
    pub number: i32,
    /// `draft`, `agreed`, `in-review` or `closed`.
    pub status: String,
    pub started_on: Date,
    pub last_agreed_on: Option<Date>,
    pub review_due_on: Option<Date>,
    pub content: PlanContent,
}

#[derive(Clone, Debug, Serialize)]
pub struct SafetyPlanRecord {
    pub warning_signs: String,
    pub coping_strategies: String,
    pub distractions: String,
    pub people_to_ask: String,
    pub professionals: String,
    pub safer_environment: String,
    pub reasons_for_living: String,
    pub shared_on: Option<Date>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AttendanceLine {
    pub group: String,
    #[serde(with = "time::serde::rfc3339")]
    pub session_at: OffsetDateTime,
    /// `present`, `absent` or `excused`.
    pub status: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReferralLine {
    pub resource_name: String,
    pub need: String,
    pub status: String,
    pub referred_on: Option<Date>,
    pub connected: Option<bool>,
    pub closed_on: Option<Date>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ConsentLine {
    pub recipient_name: String,
    pub law: String,
    pub categories: String,
    pub purposes: String,
    pub signed_on: Date,
    pub expires_on: Option<Date>,
    pub revoked_on: Option<Date>,
}

/// One line of the accounting of disclosures: when, to whom, what, why, how.
#[derive(Clone, Debug, Serialize)]
pub struct DisclosureLine {
    #[serde(with = "time::serde::rfc3339")]
    pub disclosed_at: OffsetDateTime,
    pub recipient_name: String,
    pub categories: String,
    pub purpose: String,
    pub channel: String,
    pub description: Option<String>,
    pub consent_signed_on: Option<Date>,
}

/// The person's own record, as they download it.
#[derive(Clone, Debug, Serialize)]
pub struct MyRecord {
    pub organisation: String,
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
    pub details: Details,
    pub enrolments: Vec<EnrolmentLine>,
    pub plans: Vec<PlanRecord>,
    pub safety_plan: Option<SafetyPlanRecord>,
    pub contacts: Vec<ContactLine>,
    pub group_attendance: Vec<AttendanceLine>,
    pub referrals: Vec<ReferralLine>,
    pub consents: Vec<ConsentLine>,
    pub disclosures: Vec<DisclosureLine>,
}

pub async fn record(state: &AppState, me: &Me, org_name: &str, tz: &str, format: &str) -> AppResult<MyRecord> {
    let conn = state.db.conn();
    let p = person(state, me).await?;
    let programs: HashMap<Uuid, String> = program::Entity::find()
        .filter(program::Column::OrgId.eq(me.org_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let enrolments = crate::db::people::enrolments(conn, me.org_id, me.person_id)
        .await?
        .into_iter()
        .map(|e: enrolment::Model| EnrolmentLine {
            program: programs.get(&e.program_id).cloned().unwrap_or_default(),
            started_on: e.started_on,
            ended_on: e.ended_on,
        })
        .collect();
    let mut plans = Vec::new();
    for plan in crate::db::coaching::plans(conn, me.org_id, me.person_id).await? {
        let (mut content, agreed) = shown_content(conn, &plan).await?;
        // Ids of other household members' records are ours, not the person's.
        content.household_member_ids.clear();
        plans.push(PlanRecord {
            id: plan.id,
            number: agreed.as_ref().map(|v| v.number).unwrap_or(plan.number),
            status: plan.status.clone(),
            started_on: plan.started_on,
            last_agreed_on: plan.last_agreed_on,
            review_due_on: plan.review_due_on,
            content,
        });
    }
    let safety_plan = safety_plan::Entity::find()
        .filter(safety_plan::Column::OrgId.eq(me.org_id))
        .filter(safety_plan::Column::PersonId.eq(me.person_id))
        .one(conn)
        .await?
        .map(|s| SafetyPlanRecord {
            warning_signs: s.warning_signs,
            coping_strategies: s.coping_strategies,
            distractions: s.distractions,
            people_to_ask: s.people_to_ask,
            professionals: s.professionals,
            safer_environment: s.safer_environment,
            reasons_for_living: s.reasons_for_living,
            shared_on: s.shared_on,
        });
    let attendance_rows = group_attendance::Entity::find()
        .filter(group_attendance::Column::OrgId.eq(me.org_id))
        .filter(group_attendance::Column::PersonId.eq(me.person_id))
        .all(conn)
        .await?;
    let session_ids: Vec<Uuid> = attendance_rows.iter().map(|a| a.session_id).collect();
    let sessions: HashMap<Uuid, group_session::Model> = if session_ids.is_empty() {
        HashMap::new()
    } else {
        group_session::Entity::find()
            .filter(group_session::Column::OrgId.eq(me.org_id))
            .filter(group_session::Column::Id.is_in(session_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect()
    };
    let group_names: HashMap<Uuid, String> = support_group::Entity::find()
        .filter(support_group::Column::OrgId.eq(me.org_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let mut group_attendance: Vec<AttendanceLine> = attendance_rows
        .into_iter()
        .filter_map(|a| {
            let session = sessions.get(&a.session_id)?;
            Some(AttendanceLine {
                group: group_names.get(&a.group_id).cloned().unwrap_or_default(),
                session_at: session.starts_at,
                status: a.status,
            })
        })
        .collect();
    group_attendance.sort_by_key(|a| std::cmp::Reverse(a.session_at));
    let referrals = referral::Entity::find()
        .filter(referral::Column::OrgId.eq(me.org_id))
        .filter(referral::Column::PersonId.eq(me.person_id))
        .filter(referral::Column::Status.ne("draft"))
        .order_by_desc(referral::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|r| ReferralLine {
            resource_name: r.resource_name,
            need: r.need,
            status: r.status,
            referred_on: r.referred_on,
            connected: r.connected,
            closed_on: r.closed_on,
        })
        .collect();
    let consent_rows = consent::Entity::find()
        .filter(consent::Column::OrgId.eq(me.org_id))
        .filter(consent::Column::PersonId.eq(me.person_id))
        .order_by_desc(consent::Column::SignedOn)
        .all(conn)
        .await?;
    let consents = consent_rows
        .iter()
        .map(|c| ConsentLine {
            recipient_name: c.recipient_name.clone(),
            law: c.law.clone(),
            categories: c.categories.clone(),
            purposes: c.purposes.clone(),
            signed_on: c.signed_on,
            expires_on: c.expires_on,
            revoked_on: c.revoked_on,
        })
        .collect();
    let disclosures = disclosure_lines(state, me, tz, &consent_rows).await?;
    let record = MyRecord {
        organisation: org_name.to_string(),
        generated_at: state.clock.now(),
        details: Details {
            record_number: p.record_number,
            legal_given_name: p.legal_given_name,
            legal_family_name: p.legal_family_name,
            preferred_name: p.preferred_name,
            pronouns: p.pronouns,
            date_of_birth: p.date_of_birth,
            phone: p.phone,
            email: p.email,
            address_line: p.address_line,
            locality: p.locality,
            region: p.region,
            postal_code: p.postal_code,
            preferred_contact: p.preferred_contact,
            preferred_language: p.preferred_language,
            emergency_name: p.emergency_name,
            emergency_relationship: p.emergency_relationship,
            emergency_phone: p.emergency_phone,
        },
        enrolments,
        plans,
        safety_plan,
        contacts: contact_lines(conn, me).await?,
        group_attendance,
        referrals,
        consents,
        disclosures,
    };
    let entry = me.entry("portal.records.download").detail(json!({ "format": format }));
    crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(record)
}

/// How many years the accounting of disclosures covers (as on the staff accounting page).
const ACCOUNTING_YEARS: i32 = 3;

fn years_before(day: Date, years: i32) -> Date {
    let year = day.year() - years;
    day.replace_year(year).or_else(|_| Date::from_calendar_date(year, day.month(), day.day() - 1)).unwrap_or(day)
}

async fn disclosure_lines(
    state: &AppState,
    me: &Me,
    tz: &str,
    consents: &[consent::Model],
) -> AppResult<Vec<DisclosureLine>> {
    let now = state.clock.now();
    let since = years_before(person_today(tz, now), ACCOUNTING_YEARS);
    let from = now - Duration::days(i64::from(ACCOUNTING_YEARS) * 366 + 2);
    let rows = disclosure::Entity::find()
        .filter(disclosure::Column::OrgId.eq(me.org_id))
        .filter(disclosure::Column::PersonId.eq(me.person_id))
        .filter(disclosure::Column::DisclosedAt.gte(from))
        .order_by_desc(disclosure::Column::DisclosedAt)
        .all(state.db.conn())
        .await?;
    Ok(rows
        .into_iter()
        .filter(|d| crate::app::local_date(tz, d.disclosed_at) >= since)
        .map(|d| DisclosureLine {
            consent_signed_on: consents.iter().find(|c| c.id == d.consent_id).map(|c| c.signed_on),
            disclosed_at: d.disclosed_at,
            recipient_name: d.recipient_name,
            categories: d.categories,
            purpose: d.purpose,
            channel: d.channel,
            description: d.description,
        })
        .collect())
}

/// The accounting of disclosures on its own (page and CSV): the last three years, newest first.
pub async fn disclosures(state: &AppState, me: &Me, tz: &str, format: &str) -> AppResult<(Date, Vec<DisclosureLine>)> {
    let consents = consent::Entity::find()
        .filter(consent::Column::OrgId.eq(me.org_id))
        .filter(consent::Column::PersonId.eq(me.person_id))
        .all(state.db.conn())
        .await?;
    let lines = disclosure_lines(state, me, tz, &consents).await?;
    let entry = me.entry("portal.disclosures.view").detail(json!({ "count": lines.len(), "format": format }));
    crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok((years_before(person_today(tz, state.clock.now()), ACCOUNTING_YEARS), lines))
}

/// Whether a plan status is one the person may comment on.
pub fn open_for_suggestions(plan: &recovery_plan::Model) -> bool {
    plan.status != PlanStatus::Closed.code()
}
