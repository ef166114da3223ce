//! Staff accounts, their roles and the programs they work in.

use super::entities::{staff, staff_program};
use super::{Db, Page, PageRequest, WriteError, WriteTxn};
use crate::domain::codes::Role;
use crate::domain::setup::ValidStaff;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use time::OffsetDateTime;
use uuid::Uuid;

pub fn roles_to_text(roles: &[Role]) -> String {
    roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(";")
}

pub fn roles_from_text(text: &str) -> Vec<Role> {
    text.split(';').filter_map(Role::parse).collect()
}

pub async fn by_email(db: &Db, email: &str) -> Result<Option<staff::Model>, DbErr> {
    staff::Entity::find().filter(staff::Column::Email.eq(email.trim().to_lowercase())).one(db.conn()).await
}

pub async fn get(db: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> Result<Option<staff::Model>, DbErr> {
    staff::Entity::find_by_id(id).filter(staff::Column::OrgId.eq(org_id)).one(db).await
}

pub async fn list(db: &Db, org_id: Uuid, page: PageRequest) -> Result<Page<staff::Model>, DbErr> {
    let page = page.clamp();
    let query = staff::Entity::find().filter(staff::Column::OrgId.eq(org_id));
    let total = query.clone().count(db.conn()).await?;
    let items = query
        .order_by_desc(staff::Column::Active)
        .order_by_asc(staff::Column::DisplayName)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db.conn())
        .await?;
    Ok(Page { items, page: page.page, per_page: page.per_page, total })
}

/// Active staff (for pickers such as "assigned worker" or "supervisor").
pub async fn active(db: &Db, org_id: Uuid) -> Result<Vec<staff::Model>, DbErr> {
    staff::Entity::find()
        .filter(staff::Column::OrgId.eq(org_id))
        .filter(staff::Column::Active.eq(true))
        .order_by_asc(staff::Column::DisplayName)
        .all(db.conn())
        .await
}

/// Ids of the staff someone supervises directly.
pub async fn supervisee_ids(db: &impl ConnectionTrait, org_id: Uuid, supervisor: Uuid) -> Result<Vec<Uuid>, DbErr> {
    staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .filter(staff::Column::OrgId.eq(org_id))
        .filter(staff::Column::SupervisorId.eq(supervisor))
        .into_tuple()
        .all(db)
        .await
}

pub async fn create(
    txn: &WriteTxn,
    org_id: Uuid,
    s: &ValidStaff,
    password_hash: String,
    must_change_password: bool,
    now: OffsetDateTime,
) -> Result<staff::Model, WriteError> {
    txn.mark_access_change();
    let model = staff::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id),
        email: Set(s.email.clone()),
        display_name: Set(s.display_name.clone()),
        job_title: Set(s.job_title.clone()),
        roles: Set(roles_to_text(&s.roles)),
        password_hash: Set(password_hash),
        supervisor_id: Set(s.supervisor_id),
        active: Set(s.active),
        totp_secret: Set(None),
        totp_enabled: Set(false),
        totp_last_step: Set(None),
        failed_logins: Set(0),
        locked_until: Set(None),
        last_login_at: Set(None),
        password_changed_at: Set(now),
        must_change_password: Set(must_change_password),
        language: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let created =
        staff::Entity::insert(model).exec_with_returning(&**txn).await.map_err(|e| WriteError::from_db(e, "email"))?;
    set_programs(txn, org_id, created.id, &s.program_ids).await?;
    Ok(created)
}

pub async fn update(
    txn: &WriteTxn,
    org_id: Uuid,
    id: Uuid,
    version: i32,
    s: &ValidStaff,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    txn.mark_access_change();
    use staff::Column as C;
    let result = staff::Entity::update_many()
        .col_expr(C::Email, Expr::value(s.email.clone()))
        .col_expr(C::DisplayName, Expr::value(s.display_name.clone()))
        .col_expr(C::JobTitle, Expr::value(s.job_title.clone()))
        .col_expr(C::Roles, Expr::value(roles_to_text(&s.roles)))
        .col_expr(C::SupervisorId, Expr::value(s.supervisor_id))
        .col_expr(C::Active, Expr::value(s.active))
        .col_expr(C::Version, Expr::value(version + 1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::OrgId.eq(org_id))
        .filter(C::Id.eq(id))
        .filter(C::Version.eq(version))
        .exec(&**txn)
        .await
        .map_err(|e| WriteError::from_db(e, "email"))?;
    if result.rows_affected == 0 {
        return Err(WriteError::Conflict);
    }
    set_programs(txn, org_id, id, &s.program_ids).await?;
    Ok(())
}

async fn set_programs(txn: &WriteTxn, org_id: Uuid, staff_id: Uuid, program_ids: &[Uuid]) -> Result<(), DbErr> {
    txn.mark_access_change();
    staff_program::Entity::delete_many()
        .filter(staff_program::Column::OrgId.eq(org_id))
        .filter(staff_program::Column::StaffId.eq(staff_id))
        .exec(&**txn)
        .await?;
    if program_ids.is_empty() {
        return Ok(());
    }
    let rows = program_ids.iter().map(|p| staff_program::ActiveModel {
        org_id: Set(org_id),
        staff_id: Set(staff_id),
        program_id: Set(*p),
    });
    staff_program::Entity::insert_many(rows).exec_without_returning(&**txn).await?;
    Ok(())
}

/// A temporary password (set by an administrator) must be changed at the next sign-in.
pub async fn set_password(
    txn: &WriteTxn,
    org_id: Uuid,
    id: Uuid,
    hash: String,
    temporary: bool,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    txn.mark_access_change();
    staff::Entity::update_many()
        .col_expr(staff::Column::PasswordHash, Expr::value(hash))
        .col_expr(staff::Column::MustChangePassword, Expr::value(temporary))
        .col_expr(staff::Column::PasswordChangedAt, Expr::value(now))
        .col_expr(staff::Column::FailedLogins, Expr::value(0))
        .col_expr(staff::Column::LockedUntil, Expr::value(Option::<OffsetDateTime>::None))
        .filter(staff::Column::OrgId.eq(org_id))
        .filter(staff::Column::Id.eq(id))
        .exec(&**txn)
        .await?;
    Ok(())
}

/// Counts a failed sign-in in the database itself, so parallel guesses each count, and locks
/// the account for as long as `lock_for` says; returns the count and the lock.
pub async fn record_login_failure(
    txn: &WriteTxn,
    id: Uuid,
    lock_for: fn(i32) -> Option<time::Duration>,
    now: OffsetDateTime,
) -> Result<(i32, Option<OffsetDateTime>), DbErr> {
    staff::Entity::update_many()
        .col_expr(staff::Column::FailedLogins, Expr::col(staff::Column::FailedLogins).add(1))
        .filter(staff::Column::Id.eq(id))
        .exec(&**txn)
        .await?;
    let failures = staff::Entity::find_by_id(id).one(&**txn).await?.map(|s| s.failed_logins).unwrap_or(1);
    let locked_until = lock_for(failures).map(|d| now + d);
    if locked_until.is_some() {
        staff::Entity::update_many()
            .col_expr(staff::Column::LockedUntil, Expr::value(locked_until))
            .filter(staff::Column::Id.eq(id))
            .exec(&**txn)
            .await?;
    }
    Ok((failures, locked_until))
}

pub async fn record_login_success(txn: &WriteTxn, id: Uuid, now: OffsetDateTime) -> Result<(), DbErr> {
    staff::Entity::update_many()
        .col_expr(staff::Column::FailedLogins, Expr::value(0))
        .col_expr(staff::Column::LockedUntil, Expr::value(Option::<OffsetDateTime>::None))
        .col_expr(staff::Column::LastLoginAt, Expr::value(now))
        .filter(staff::Column::Id.eq(id))
        .exec(&**txn)
        .await?;
    Ok(())
}

/// Stores a pending or confirmed second-factor secret.
pub async fn set_totp(txn: &WriteTxn, id: Uuid, secret: Option<String>, enabled: bool) -> Result<(), DbErr> {
    txn.mark_access_change();
    staff::Entity::update_many()
        .col_expr(staff::Column::TotpSecret, Expr::value(secret))
        .col_expr(staff::Column::TotpEnabled, Expr::value(enabled))
        .filter(staff::Column::Id.eq(id))
        .exec(&**txn)
        .await?;
    Ok(())
}

/// Marks a second-factor time step as used; false if it (or a later one) was used already, so a
/// code seen over someone's shoulder cannot be entered again.
pub async fn use_totp_step(txn: &WriteTxn, id: Uuid, step: i64) -> Result<bool, DbErr> {
    let result = staff::Entity::update_many()
        .col_expr(staff::Column::TotpLastStep, Expr::value(step))
        .filter(staff::Column::Id.eq(id))
        .filter(
            sea_orm::Condition::any()
                .add(staff::Column::TotpLastStep.is_null())
                .add(staff::Column::TotpLastStep.lt(step)),
        )
        .exec(&**txn)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn set_language(txn: &WriteTxn, id: Uuid, language: &str) -> Result<(), DbErr> {
    txn.mark_access_change();
    staff::Entity::update_many()
        .col_expr(staff::Column::Language, Expr::value(language))
        .filter(staff::Column::Id.eq(id))
        .exec(&**txn)
        .await?;
    Ok(())
}

/// For the second sign-in step, before the organisation is known from the session.
pub async fn by_id_any_org(db: &Db, id: Uuid) -> Result<Option<staff::Model>, DbErr> {
    staff::Entity::find_by_id(id).one(db.conn()).await
}
