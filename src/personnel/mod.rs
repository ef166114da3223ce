//! Personnel records (CSE 2.01–2.08, PRSC staffing): the one place they are read and written, for
//! the pages and the JSON API alike. This module opens a staff member's record with the access
//! rules of `access::personnel_access`, loads the facts the pure rules in `domain::personnel` need
//! (for one person or a whole team in a fixed number of queries), reads the organisation's
//! personnel settings and checks assignments against them. Submodules hold the writes.

pub mod profile;
pub mod reminders;
pub mod supervision;
pub mod training;
pub mod workload;

use crate::access::{self, Actor, PersonnelAccess, StaffReach};
use crate::app::AppState;
use crate::db;
use crate::db::entities::{
    personnel_setting, program, program_intake_setting, staff, staff_certification, staff_degree, staff_profile,
    staff_program, supervision_session, training_record,
};
use crate::domain::codes::split_codes;
use crate::domain::personnel::{
    Assignment, CertificationFact, CertificationKind, DegreeFact, DegreeLevel, GapPolicy, Intervals, Need, Position,
    StaffFacts, SupervisionKind, TrainingFact, TrainingKind, TrainingPhase, WorkloadRules, assignment_gaps,
    positions_from_roles,
};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::web::actor_entry;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{HashMap, HashSet};
use time::Date;
use uuid::Uuid;

// ---------- settings ----------

/// The organisation's personnel settings; defaults until someone saves them.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub gap_policy: GapPolicy,
    pub intervals: Intervals,
    pub workload: WorkloadRules,
    /// 0 while the defaults apply.
    pub version: i32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            gap_policy: GapPolicy::Warn,
            intervals: Intervals::default(),
            workload: WorkloadRules::default(),
            version: 0,
        }
    }
}

impl Settings {
    pub fn from_row(row: &personnel_setting::Model) -> Settings {
        Settings {
            gap_policy: GapPolicy::parse(&row.gap_policy).unwrap_or(GapPolicy::Warn),
            intervals: Intervals {
                supervision_days: row.supervision_days as i64,
                mentoring_days: row.mentoring_days as i64,
                in_service_months: row.in_service_months as i64,
                pre_service_grace_days: row.pre_service_grace_days as i64,
            },
            workload: WorkloadRules {
                weight_high: row.weight_high,
                weight_moderate: row.weight_moderate,
                weight_low: row.weight_low,
                max_weighted_caseload: row.max_weighted_caseload,
                max_contacts_per_month: row.max_contacts_per_month,
                max_groups: row.max_groups,
                max_open_referrals: row.max_open_referrals,
                review_months: row.review_months,
            },
            version: row.version,
        }
    }
}

pub async fn settings(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Settings, DbErr> {
    Ok(personnel_setting::Entity::find_by_id(org_id)
        .one(conn)
        .await?
        .map(|r| Settings::from_row(&r))
        .unwrap_or_default())
}

/// Today in the organisation's time zone.
pub async fn today(state: &AppState, org_id: Uuid) -> Result<Date, DbErr> {
    let zone = db::org::get(state.db.conn(), org_id).await?.map(|o| o.time_zone).unwrap_or_else(|| "UTC".into());
    Ok(crate::app::local_date(&zone, state.clock.now()))
}

// ---------- opening one staff member's record ----------

/// A staff member's record as opened by an actor, with what the actor may do with it.
#[derive(Clone, Debug)]
pub struct StaffRecord {
    pub staff: staff::Model,
    pub programs: Vec<Uuid>,
    pub reach: StaffReach,
    pub access: PersonnelAccess,
}

pub async fn staff_programs(conn: &impl ConnectionTrait, org_id: Uuid, staff_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    Ok(staff_program::Entity::find()
        .filter(staff_program::Column::OrgId.eq(org_id))
        .filter(staff_program::Column::StaffId.eq(staff_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| m.program_id)
        .collect())
}

/// Writes `access.denied` for a refused personnel action and returns the 403.
pub async fn deny(state: &AppState, actor: &Actor, action: &str, staff_id: Uuid) -> AppError {
    crate::intake::deny(state, actor, action, Some(("staff", staff_id))).await
}

/// Opens a staff member's record for `action` (an audit action such as `personnel.training.add`),
/// refusing with 403 (audited) unless `allowed` says yes. A read (`allowed` is the view check)
/// writes `personnel.view`; writes are audited by the caller with the change.
pub async fn open(
    state: &AppState,
    actor: &Actor,
    staff_id: Uuid,
    action: &'static str,
    allowed: fn(&PersonnelAccess) -> bool,
) -> AppResult<StaffRecord> {
    let conn = state.db.conn();
    let Some(staff) = db::staff::get(conn, actor.org_id, staff_id).await? else { return Err(AppError::NotFound) };
    let programs = staff_programs(conn, actor.org_id, staff_id).await?;
    let reach = access::staff_reach(actor, staff_id, &programs);
    let access = access::personnel_access(actor, reach);
    if !allowed(&access) {
        return Err(deny(state, actor, action, staff_id).await);
    }
    if action == "personnel.view" {
        let entry = actor_entry(actor, "personnel.view").record("staff", staff_id);
        db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    }
    Ok(StaffRecord { staff, programs, reach, access })
}

/// The staff members an actor sees on the team views: everyone for administrators and the quality
/// lead; supervisees and the staff of directed programs (and themselves) for supervisors and
/// directors. Refuses (audited) anyone else.
pub async fn team(state: &AppState, actor: &Actor, action: &'static str) -> AppResult<Vec<staff::Model>> {
    if !access::may_view_team(actor) {
        return Err(deny(state, actor, action, actor.staff_id).await);
    }
    let conn = state.db.conn();
    let all = db::staff::active(&state.db, actor.org_id).await?;
    if access::sees_whole_team(actor) {
        return Ok(all);
    }
    let memberships =
        staff_program::Entity::find().filter(staff_program::Column::OrgId.eq(actor.org_id)).all(conn).await?;
    let mut programs: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for m in memberships {
        programs.entry(m.staff_id).or_default().push(m.program_id);
    }
    Ok(all
        .into_iter()
        .filter(|s| {
            let reach = access::staff_reach(actor, s.id, programs.get(&s.id).map_or(&[][..], |p| p.as_slice()));
            reach != StaffReach::Other
        })
        .collect())
}

/// Whose personnel records the actor may read: their own, and the team they see.
pub async fn readable_staff(state: &AppState, actor: &Actor) -> AppResult<HashSet<Uuid>> {
    let mut ids = HashSet::from([actor.staff_id]);
    if access::may_view_team(actor) {
        ids.extend(team(state, actor, "personnel.team").await?.into_iter().map(|s| s.id));
    }
    Ok(ids)
}

// ---------- the facts the rules need ----------

/// Positions from the profile, or from the sign-in roles while the profile names none.
pub fn positions_of(staff: &staff::Model, profile: Option<&staff_profile::Model>) -> Vec<Position> {
    let listed: Vec<Position> = profile.map(|p| split_codes(&p.positions)).unwrap_or_default();
    if listed.is_empty() { positions_from_roles(&db::staff::roles_from_text(&staff.roles)) } else { listed }
}

/// Rows for a set of staff: the whole organisation's when the set is large (one scan beats a long
/// `IN` list), else by id in chunks.
async fn rows_for<E, C>(
    conn: &impl ConnectionTrait,
    org_col: C,
    staff_col: C,
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    if ids.len() > 200 {
        return E::find().filter(org_col.eq(org_id)).all(conn).await;
    }
    let mut out = Vec::new();
    for chunk in ids.chunks(400) {
        out.extend(E::find().filter(org_col.eq(org_id)).filter(staff_col.is_in(chunk.to_vec())).all(conn).await?);
    }
    Ok(out)
}

/// Training records as the rules see them. A large team's are read joined into one row per person
/// (10 000 records decoded as 500 rows); a few people's, by id with only the columns the rules use.
async fn training_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<TrainingFact>>, DbErr> {
    if ids.len() > 200 {
        return training::training_facts(conn, org_id).await;
    }
    let mut out: HashMap<Uuid, Vec<TrainingFact>> = HashMap::new();
    for chunk in ids.chunks(400) {
        let rows: Vec<(Uuid, String, Date, String, String)> = training_record::Entity::find()
            .select_only()
            .columns([
                training_record::Column::StaffId,
                training_record::Column::Topics,
                training_record::Column::CompletedOn,
                training_record::Column::Phase,
                training_record::Column::Kind,
            ])
            .filter(training_record::Column::OrgId.eq(org_id))
            .filter(training_record::Column::StaffId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(conn)
            .await?;
        for (staff_id, topics, on, phase, kind) in rows {
            out.entry(staff_id).or_default().push(TrainingFact {
                topics: split_codes(&topics),
                on,
                phase: TrainingPhase::parse(&phase).unwrap_or(TrainingPhase::InService),
                kind: TrainingKind::parse(&kind).unwrap_or(TrainingKind::Completed),
            });
        }
    }
    Ok(out)
}

/// The latest session of each kind per person (the rules only ask how long ago the last one was).
async fn latest_supervision(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, String, Option<Date>)>, DbErr> {
    let query = || {
        supervision_session::Entity::find()
            .select_only()
            .column(supervision_session::Column::StaffId)
            .column(supervision_session::Column::Kind)
            .column_as(supervision_session::Column::HeldOn.max(), "held_on")
            .filter(supervision_session::Column::OrgId.eq(org_id))
            .group_by(supervision_session::Column::StaffId)
            .group_by(supervision_session::Column::Kind)
    };
    if ids.len() > 200 {
        return query().into_tuple().all(conn).await;
    }
    let mut out = Vec::new();
    for chunk in ids.chunks(400) {
        out.extend(
            query()
                .filter(supervision_session::Column::StaffId.is_in(chunk.to_vec()))
                .into_tuple::<(Uuid, String, Option<Date>)>()
                .all(conn)
                .await?,
        );
    }
    Ok(out)
}

/// Everything the rules need for each of `members`, in a fixed number of queries.
pub async fn facts(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    members: &[staff::Model],
) -> Result<HashMap<Uuid, StaffFacts>, DbErr> {
    let ids: Vec<Uuid> = members.iter().map(|s| s.id).collect();
    let wanted: HashSet<Uuid> = ids.iter().copied().collect();
    let profiles: HashMap<Uuid, staff_profile::Model> = rows_for::<staff_profile::Entity, _>(
        conn,
        staff_profile::Column::OrgId,
        staff_profile::Column::StaffId,
        org_id,
        &ids,
    )
    .await?
    .into_iter()
    .map(|p| (p.staff_id, p))
    .collect();
    let degrees = rows_for::<staff_degree::Entity, _>(
        conn,
        staff_degree::Column::OrgId,
        staff_degree::Column::StaffId,
        org_id,
        &ids,
    )
    .await?;
    let certifications = rows_for::<staff_certification::Entity, _>(
        conn,
        staff_certification::Column::OrgId,
        staff_certification::Column::StaffId,
        org_id,
        &ids,
    )
    .await?;
    let mut training = training_of(conn, org_id, &ids).await?;
    let latest_supervision = latest_supervision(conn, org_id, &ids).await?;
    let memberships = rows_for::<staff_program::Entity, _>(
        conn,
        staff_program::Column::OrgId,
        staff_program::Column::StaffId,
        org_id,
        &ids,
    )
    .await?;
    let programs: HashMap<Uuid, program::Model> = program::Entity::find()
        .filter(program::Column::OrgId.eq(org_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let prsc: HashSet<Uuid> = program_intake_setting::Entity::find()
        .filter(program_intake_setting::Column::OrgId.eq(org_id))
        .filter(program_intake_setting::Column::PrscPopulation.eq(true))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| s.program_id)
        .collect();
    // Whether someone supervises peers depends on their supervisees' positions, who may not be in
    // `members`: the organisation's staff and profiles are read for that.
    let everyone = staff::Entity::find().filter(staff::Column::OrgId.eq(org_id)).all(conn).await?;
    let all_profiles: HashMap<Uuid, staff_profile::Model> = if ids.len() > 200 {
        profiles.clone()
    } else {
        staff_profile::Entity::find()
            .filter(staff_profile::Column::OrgId.eq(org_id))
            .all(conn)
            .await?
            .into_iter()
            .map(|p| (p.staff_id, p))
            .collect()
    };
    let mut supervises_peers: HashSet<Uuid> = HashSet::new();
    for s in everyone.iter().filter(|s| s.active) {
        if let Some(boss) = s.supervisor_id
            && positions_of(s, all_profiles.get(&s.id)).contains(&Position::PeerSpecialist)
        {
            supervises_peers.insert(boss);
        }
    }

    let mut out: HashMap<Uuid, StaffFacts> = members
        .iter()
        .map(|s| {
            let profile = profiles.get(&s.id);
            let facts = StaffFacts {
                positions: positions_of(s, profile),
                start_date: profile.and_then(|p| p.start_date),
                experience_months: profile.and_then(|p| p.experience_months),
                lived_experience: profile.is_some_and(|p| p.lived_experience),
                shares_story: profile.and_then(|p| p.shares_story),
                job_description_acknowledged_on: profile.and_then(|p| p.job_description_acknowledged_on),
                role_understanding_confirmed_on: profile.and_then(|p| p.role_understanding_confirmed_on),
                supervises_peers: supervises_peers.contains(&s.id),
                ..StaffFacts::default()
            };
            (s.id, facts)
        })
        .collect();
    for d in degrees.iter().filter(|d| wanted.contains(&d.staff_id)) {
        if let (Some(f), Some(level)) = (out.get_mut(&d.staff_id), DegreeLevel::parse(&d.level)) {
            f.degrees.push(DegreeFact { level, human_services: d.human_services });
        }
    }
    for c in certifications.iter().filter(|c| wanted.contains(&c.staff_id)) {
        if let (Some(f), Some(kind)) = (out.get_mut(&c.staff_id), CertificationKind::parse(&c.kind)) {
            f.certifications.push(CertificationFact { kind, issued_on: c.issued_on, expires_on: c.expires_on });
        }
    }
    for (id, f) in out.iter_mut() {
        f.training = training.remove(id).unwrap_or_default();
    }
    for (staff_id, kind, held_on) in latest_supervision.into_iter().filter(|(id, ..)| wanted.contains(id)) {
        if let Some(f) = out.get_mut(&staff_id) {
            let slot = if SupervisionKind::parse(&kind) == Some(SupervisionKind::PeerMentoring) {
                &mut f.last_mentoring
            } else {
                &mut f.last_supervision
            };
            *slot = (*slot).max(held_on);
        }
    }
    let mut staff_programs: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for m in memberships.iter().filter(|m| wanted.contains(&m.staff_id)) {
        staff_programs.entry(m.staff_id).or_default().push(m.program_id);
    }
    for (id, f) in out.iter_mut() {
        let mine: Vec<&program::Model> =
            staff_programs.get(id).into_iter().flatten().filter_map(|p| programs.get(p)).collect();
        f.prsc = mine.iter().any(|p| prsc.contains(&p.id));
        f.referral_only =
            !mine.is_empty() && mine.iter().all(|p| p.serves_referral && !p.serves_individuals && !p.serves_groups);
    }
    Ok(out)
}

/// One staff member's facts.
pub async fn facts_of(conn: &impl ConnectionTrait, org_id: Uuid, member: &staff::Model) -> Result<StaffFacts, DbErr> {
    Ok(facts(conn, org_id, std::slice::from_ref(member)).await?.remove(&member.id).unwrap_or_default())
}

// ---------- assignments ----------

/// What assigning someone would leave uncovered, and whether the organisation lets it go ahead.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AssignmentCheck {
    pub gaps: Vec<Need>,
    pub blocked: bool,
}

/// Checks a staff member against an assignment on `today` under the organisation's policy.
pub async fn check_assignment(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    staff_id: Uuid,
    assignment: Assignment,
    today: Date,
) -> Result<AssignmentCheck, DbErr> {
    let Some(member) = db::staff::get(conn, org_id, staff_id).await? else { return Ok(AssignmentCheck::default()) };
    let settings = settings(conn, org_id).await?;
    let facts = facts_of(conn, org_id, &member).await?;
    let gaps = assignment_gaps(assignment, &facts, &settings.intervals, today);
    let blocked = !gaps.is_empty() && settings.gap_policy == GapPolicy::Block;
    Ok(AssignmentCheck { gaps, blocked })
}

/// As `check_assignment`, turning a block into a field error on `field` that names the gaps
/// (message `error-assignment-gaps` with `name` and `gaps`); a warning comes back as the gaps.
pub async fn enforce_assignment(
    state: &AppState,
    org_id: Uuid,
    staff_id: Uuid,
    assignment: Assignment,
    field: &str,
) -> AppResult<Vec<Need>> {
    let today = today(state, org_id).await?;
    let check = check_assignment(state.db.conn(), org_id, staff_id, assignment, today).await?;
    if check.blocked {
        let name = db::staff::get(state.db.conn(), org_id, staff_id).await?.map(|s| s.display_name).unwrap_or_default();
        let gaps = check.gaps.iter().map(|n| n.code()).collect::<Vec<_>>().join(", ");
        let mut errors = FieldErrors::new();
        errors.add_with(field, "error-assignment-gaps", vec![("name", name), ("gaps", gaps)]);
        return Err(errors.into());
    }
    Ok(check.gaps)
}
