//! Measure schedules per program (CSE 1.02): which instruments are taken at intake, every N days and
//! at discharge. A program serving individuals that has not saved its own schedule follows
//! `domain::measures::default_schedule` (BARC-10, WHO-5 and days of use); other programs have none.
//!
//! Everyone may read schedules (`ViewOutcomeDesign`); directors and administrators change them
//! (`ConfigureMeasureSchedules`), with an optimistic version and an audit entry.

use crate::access::{self, Action, Actor, Reach};
use crate::app::AppState;
use crate::audit::Outcome;
use crate::db::entities::{measure_schedule, program};
use crate::domain::measures::{Schedule, ScheduleInput, ScheduledInstrument, check_schedule, default_schedule};
use crate::error::{AppError, AppResult};
use crate::web::actor_entry;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// A program's schedule as shown and edited.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProgramSchedule {
    pub program_id: Uuid,
    pub program_name: String,
    pub schedule: Schedule,
    /// True while the program follows the built-in default (nothing saved yet).
    pub is_default: bool,
    /// The saved version to send back with a change (None while nothing is saved).
    pub version: Option<i32>,
}

fn parse_instruments(raw: &str) -> Vec<ScheduledInstrument> {
    serde_json::from_str(raw).unwrap_or_default()
}

/// The schedule a program follows: its saved one, else the default for programs serving
/// individuals, else none.
fn effective_of(program: &program::Model, saved: Option<&measure_schedule::Model>) -> Option<Schedule> {
    match saved {
        Some(s) => Some(Schedule {
            active: s.active,
            every_days: s.every_days,
            instruments: parse_instruments(&s.instruments),
        }),
        None if program.serves_individuals && program.active => Some(default_schedule()),
        None => None,
    }
}

/// Every program's effective schedule, by program id (two queries, whatever the number of programs).
pub async fn effective(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<HashMap<Uuid, Schedule>, DbErr> {
    let programs = crate::db::org::programs(conn, org_id).await?;
    let saved = saved_of(conn, org_id).await?;
    Ok(programs.iter().filter_map(|p| effective_of(p, saved.get(&p.id)).map(|s| (p.id, s))).collect())
}

async fn saved_of(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<HashMap<Uuid, measure_schedule::Model>, DbErr> {
    Ok(measure_schedule::Entity::find()
        .filter(measure_schedule::Column::OrgId.eq(org_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.program_id, s))
        .collect())
}

fn shown(program: &program::Model, saved: Option<&measure_schedule::Model>) -> ProgramSchedule {
    let schedule = effective_of(program, saved).unwrap_or(Schedule {
        active: false,
        every_days: crate::domain::measures::DEFAULT_EVERY_DAYS,
        instruments: Vec::new(),
    });
    ProgramSchedule {
        program_id: program.id,
        program_name: program.name.clone(),
        schedule,
        is_default: saved.is_none(),
        version: saved.map(|s| s.version),
    }
}

/// Every program's schedule (saved or default), in program order.
pub async fn list(state: &AppState, actor: &Actor) -> AppResult<Vec<ProgramSchedule>> {
    require(state, actor, Action::ViewOutcomeDesign, None).await?;
    let conn = state.db.conn();
    let programs = crate::db::org::programs(conn, actor.org_id).await?;
    let saved = saved_of(conn, actor.org_id).await?;
    Ok(programs.iter().map(|p| shown(p, saved.get(&p.id))).collect())
}

/// One program's schedule.
pub async fn get(state: &AppState, actor: &Actor, program_id: Uuid) -> AppResult<ProgramSchedule> {
    require(state, actor, Action::ViewOutcomeDesign, None).await?;
    let program = crate::db::org::program(&state.db, actor.org_id, program_id).await?.ok_or(AppError::NotFound)?;
    let saved = measure_schedule::Entity::find()
        .filter(measure_schedule::Column::OrgId.eq(actor.org_id))
        .filter(measure_schedule::Column::ProgramId.eq(program_id))
        .one(state.db.conn())
        .await?;
    Ok(shown(&program, saved.as_ref()))
}

/// Whether the actor may change schedules (for showing the form).
pub fn may_configure(actor: &Actor) -> bool {
    access::allows(actor, Action::ConfigureMeasureSchedules, Reach::Outside)
}

/// Saves a program's schedule. `version` is the saved version the change was made against (None
/// when the program still followed the default); someone saving in between gives `Conflict`.
pub async fn save(
    state: &AppState,
    actor: &Actor,
    program_id: Uuid,
    version: Option<i32>,
    input: &ScheduleInput,
) -> AppResult<ProgramSchedule> {
    require(state, actor, Action::ConfigureMeasureSchedules, Some(program_id)).await?;
    let program = crate::db::org::program(&state.db, actor.org_id, program_id).await?.ok_or(AppError::NotFound)?;
    let instruments = crate::outcomes::instruments::available(state.db.conn(), actor.org_id).await?;
    let known: Vec<&str> = instruments.iter().filter(|i| i.can_be_entered()).map(|i| i.key.as_str()).collect();
    let schedule = check_schedule(input, &known).map_err(AppError::Invalid)?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let existing = measure_schedule::Entity::find()
        .filter(measure_schedule::Column::OrgId.eq(actor.org_id))
        .filter(measure_schedule::Column::ProgramId.eq(program_id))
        .one(&*txn)
        .await?;
    let body = serde_json::to_string(&schedule.instruments).unwrap_or_else(|_| "[]".into());
    let saved = match (existing, version) {
        (None, None) => {
            measure_schedule::ActiveModel {
                id: Set(Uuid::new_v4()),
                org_id: Set(actor.org_id),
                program_id: Set(program_id),
                active: Set(schedule.active),
                every_days: Set(schedule.every_days),
                instruments: Set(body),
                updated_by: Set(Some(actor.staff_id)),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&*txn)
            .await?
        }
        (Some(row), Some(v)) if row.version == v => {
            let result = measure_schedule::Entity::update_many()
                .set(measure_schedule::ActiveModel {
                    active: Set(schedule.active),
                    every_days: Set(schedule.every_days),
                    instruments: Set(body.clone()),
                    updated_by: Set(Some(actor.staff_id)),
                    version: Set(v + 1),
                    updated_at: Set(now),
                    ..Default::default()
                })
                .filter(measure_schedule::Column::Id.eq(row.id))
                .filter(measure_schedule::Column::OrgId.eq(actor.org_id))
                .filter(measure_schedule::Column::Version.eq(v))
                .exec(&*txn)
                .await?;
            if result.rows_affected == 0 {
                return Err(AppError::Conflict);
            }
            measure_schedule::Model {
                active: schedule.active,
                every_days: schedule.every_days,
                instruments: body,
                updated_by: Some(actor.staff_id),
                version: v + 1,
                updated_at: now,
                ..row
            }
        }
        _ => return Err(AppError::Conflict),
    };
    let entry = actor_entry(actor, "measures.schedule.save").detail(json!({
        "program_id": program_id,
        "version": saved.version,
        "active": saved.active,
        "every_days": saved.every_days,
        "instruments": schedule.instruments.iter().map(|i| i.key.clone()).collect::<Vec<_>>(),
    }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(shown(&program, Some(&saved)))
}

async fn require(state: &AppState, actor: &Actor, action: Action, program_id: Option<Uuid>) -> AppResult<()> {
    if access::allows(actor, action, Reach::Outside) {
        return Ok(());
    }
    let mut entry =
        actor_entry(actor, "access.denied").outcome(Outcome::Denied).detail(json!({ "action": format!("{action:?}") }));
    if let Some(id) = program_id {
        entry = entry.record("program", id);
    }
    crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Err(AppError::Forbidden)
}
