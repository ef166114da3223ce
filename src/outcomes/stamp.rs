//! The organisation's outcome generation: bumped in the same transaction as every write that can
//! change an outcome figure (a measurement, a logic-model target, a person's demographics), read by
//! the dashboard cache to know whether what it holds is still true.

use crate::db::entities::outcome_stamp;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use time::OffsetDateTime;
use uuid::Uuid;

/// Moves the organisation's generation on by one (creating it at 1). Call inside the write's transaction.
pub async fn bump(conn: &impl ConnectionTrait, org_id: Uuid, now: OffsetDateTime) -> Result<(), DbErr> {
    let table = Alias::new("outcome_stamps");
    let mut insert = Query::insert();
    insert.into_table(table.clone()).columns([
        Alias::new("org_id"),
        Alias::new("generation"),
        Alias::new("updated_at"),
    ]);
    insert.values_panic([org_id.into(), 1i64.into(), now.into()]);
    let mut on_conflict = OnConflict::column(Alias::new("org_id"));
    on_conflict.value(Alias::new("generation"), Expr::col((table, Alias::new("generation"))).add(1));
    on_conflict.update_column(Alias::new("updated_at"));
    insert.on_conflict(on_conflict);
    let statement = conn.get_database_backend().build(&insert);
    conn.execute_raw(statement).await?;
    Ok(())
}

/// The organisation's current generation (0 before any outcome data).
pub async fn current(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<i64, DbErr> {
    Ok(outcome_stamp::Entity::find_by_id(org_id).one(conn).await?.map(|s| s.generation).unwrap_or(0))
}
