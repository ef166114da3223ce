//! API bearer tokens: created by a user, shown once, stored as a SHA-256 hash, revocable.

use super::WriteTxn;
use super::entities::api_token::{self, Column, Entity as ApiToken};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;
use uuid::Uuid;

pub async fn create(
    txn: &WriteTxn,
    org_id: Uuid,
    staff_id: Uuid,
    name: &str,
    token_hash: String,
    prefix: String,
    now: OffsetDateTime,
) -> Result<api_token::Model, DbErr> {
    ApiToken::insert(api_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id),
        staff_id: Set(staff_id),
        name: Set(name.to_string()),
        token_hash: Set(token_hash),
        prefix: Set(prefix),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
    })
    .exec_with_returning(&**txn)
    .await
}

pub async fn for_staff(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    staff_id: Uuid,
) -> Result<Vec<api_token::Model>, DbErr> {
    ApiToken::find()
        .filter(Column::OrgId.eq(org_id))
        .filter(Column::StaffId.eq(staff_id))
        .order_by_desc(Column::CreatedAt)
        .all(db)
        .await
}

pub async fn by_hash(db: &impl ConnectionTrait, token_hash: &str) -> Result<Option<api_token::Model>, DbErr> {
    ApiToken::find().filter(Column::TokenHash.eq(token_hash)).filter(Column::RevokedAt.is_null()).one(db).await
}

pub async fn revoke(
    txn: &WriteTxn,
    org_id: Uuid,
    staff_id: Uuid,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<bool, DbErr> {
    let result = ApiToken::update_many()
        .col_expr(Column::RevokedAt, Expr::value(now))
        .filter(Column::OrgId.eq(org_id))
        .filter(Column::StaffId.eq(staff_id))
        .filter(Column::Id.eq(id))
        .filter(Column::RevokedAt.is_null())
        .exec(&**txn)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Revokes every live token of a staff member (after an administrator resets their password).
pub async fn revoke_all(txn: &WriteTxn, org_id: Uuid, staff_id: Uuid, now: OffsetDateTime) -> Result<u64, DbErr> {
    let result = ApiToken::update_many()
        .col_expr(Column::RevokedAt, Expr::value(now))
        .filter(Column::OrgId.eq(org_id))
        .filter(Column::StaffId.eq(staff_id))
        .filter(Column::RevokedAt.is_null())
        .exec(&**txn)
        .await?;
    Ok(result.rows_affected)
}

pub async fn mark_used(txn: &WriteTxn, id: Uuid, now: OffsetDateTime) -> Result<(), DbErr> {
    ApiToken::update_many()
        .col_expr(Column::LastUsedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .exec(&**txn)
        .await?;
    Ok(())
}
