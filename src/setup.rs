//! Organisation set-up writes shared by the admin pages and the JSON API: each checks the
//! administrator role, saves in one transaction and records the change in the audit log.

use crate::access::{self, Action, Actor, Reach};
use crate::app::AppState;
use crate::audit::Outcome;
use crate::db::entities::{program, site, staff};
use crate::db::{self};
use crate::domain::FieldErrors;
use crate::domain::setup::{ValidOrganisation, ValidProgram, ValidSite, ValidStaff};
use crate::error::{AppError, AppResult};
use crate::web::actor_entry;
use crate::{auth, records};
use serde_json::json;
use uuid::Uuid;

/// Refuses (and records) unless the actor may take `action`; callers check before validating, so a
/// refused caller learns nothing from validation messages.
pub async fn require(state: &AppState, actor: &Actor, action: Action) -> AppResult<()> {
    if access::allows(actor, action, Reach::Outside) {
        return Ok(());
    }
    let entry =
        actor_entry(actor, "access.denied").outcome(Outcome::Denied).detail(json!({ "action": format!("{action:?}") }));
    records::record(state, entry).await?;
    Err(AppError::Forbidden)
}

pub async fn update_organisation(
    state: &AppState,
    actor: &Actor,
    version: i32,
    org: &ValidOrganisation,
) -> AppResult<()> {
    require(state, actor, Action::ConfigureOrganisation).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    db::org::update(&txn, actor.org_id, version, org, now).await?;
    db::audit::append(&txn, actor_entry(actor, "organisation.update").record("organisation", actor.org_id), now)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Creates (id None) or updates a program.
pub async fn save_program(
    state: &AppState,
    actor: &Actor,
    id: Option<Uuid>,
    version: i32,
    p: &ValidProgram,
) -> AppResult<program::Model> {
    require(state, actor, Action::ConfigureOrganisation).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let id = match id {
        Some(id) => {
            db::org::update_program(&txn, actor.org_id, id, version, p, now).await?;
            db::audit::append(&txn, actor_entry(actor, "program.update").record("program", id), now).await?;
            id
        }
        None => {
            let created = db::org::create_program(&txn, actor.org_id, p, now).await?;
            db::audit::append(&txn, actor_entry(actor, "program.create").record("program", created.id), now).await?;
            created.id
        }
    };
    txn.commit().await?;
    db::org::program(&state.db, actor.org_id, id).await?.ok_or(AppError::NotFound)
}

pub async fn save_site(
    state: &AppState,
    actor: &Actor,
    id: Option<Uuid>,
    version: i32,
    s: &ValidSite,
) -> AppResult<site::Model> {
    require(state, actor, Action::ConfigureOrganisation).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let id = match id {
        Some(id) => {
            db::org::update_site(&txn, actor.org_id, id, version, s, now).await?;
            db::audit::append(&txn, actor_entry(actor, "site.update").record("site", id), now).await?;
            id
        }
        None => {
            let created = db::org::create_site(&txn, actor.org_id, s, now).await?;
            db::audit::append(&txn, actor_entry(actor, "site.create").record("site", created.id), now).await?;
            created.id
        }
    };
    txn.commit().await?;
    db::org::site(&state.db, actor.org_id, id).await?.ok_or(AppError::NotFound)
}

/// Programs and supervisor must belong to this organisation.
async fn check_links(state: &AppState, actor: &Actor, s: &ValidStaff, self_id: Option<Uuid>) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    let programs = db::org::programs(state.db.conn(), actor.org_id).await?;
    if s.program_ids.iter().any(|id| !programs.iter().any(|p| p.id == *id)) {
        errors.add("program_ids", "error-unknown-choice");
    }
    if let Some(sup) = s.supervisor_id {
        let exists = db::staff::get(state.db.conn(), actor.org_id, sup).await?.is_some();
        if !exists || Some(sup) == self_id {
            errors.add("supervisor_id", "error-unknown-choice");
        }
    }
    errors.finish(()).map_err(AppError::Invalid)
}

/// Creates an account with a temporary password (returned once, to hand over in person).
pub async fn create_staff(state: &AppState, actor: &Actor, s: &ValidStaff) -> AppResult<(staff::Model, String)> {
    require(state, actor, Action::ManageStaff).await?;
    check_links(state, actor, s, None).await?;
    let temporary = crate::web::admin::temporary_password();
    let hash = auth::hash_password(temporary.clone()).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let created = db::staff::create(&txn, actor.org_id, s, hash, true, now).await?;
    let roles: Vec<&str> = s.roles.iter().map(|r| r.code()).collect();
    let entry = actor_entry(actor, "staff.create").record("staff", created.id).detail(json!({ "roles": roles }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok((created, temporary))
}

pub async fn update_staff(state: &AppState, actor: &Actor, id: Uuid, version: i32, s: &ValidStaff) -> AppResult<()> {
    require(state, actor, Action::ManageStaff).await?;
    check_links(state, actor, s, Some(id)).await?;
    let before = db::staff::get(state.db.conn(), actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    if id == actor.staff_id && (!s.active || !s.roles.contains(&crate::domain::codes::Role::Administrator)) {
        // Nobody removes their own administrator role by accident and locks the organisation out.
        return Err(AppError::Invalid(FieldErrors::single("roles", "error-keep-own-admin")));
    }
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    db::staff::update(&txn, actor.org_id, id, version, s, now).await?;
    let roles: Vec<&str> = s.roles.iter().map(|r| r.code()).collect();
    let entry = actor_entry(actor, "staff.update")
        .record("staff", id)
        .detail(json!({ "roles": roles, "active": s.active, "previous_roles": before.roles }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    if !s.active {
        db::sessions::delete_for_staff(&state.db, id).await?;
    }
    Ok(())
}
