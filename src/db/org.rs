//! The organisation, its programs and its sites.

use super::entities::{organisation, program, site, staff_program};
use super::{Db, WriteError, WriteTxn};
use crate::domain::setup::{ValidOrganisation, ValidProgram, ValidSite};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use time::OffsetDateTime;
use uuid::Uuid;

pub async fn get(db: &impl ConnectionTrait, org_id: Uuid) -> Result<Option<organisation::Model>, DbErr> {
    organisation::Entity::find_by_id(org_id).one(db).await
}

pub async fn all(db: &Db) -> Result<Vec<organisation::Model>, DbErr> {
    organisation::Entity::find().order_by_asc(organisation::Column::Name).all(db.conn()).await
}

pub async fn create(
    txn: &WriteTxn,
    id: Uuid,
    org: &ValidOrganisation,
    now: OffsetDateTime,
) -> Result<organisation::Model, DbErr> {
    let model = organisation::ActiveModel {
        id: Set(id),
        name: Set(org.name.clone()),
        country: Set(org.country.code().into()),
        time_zone: Set(org.time_zone.clone()),
        default_language: Set(org.default_language.code().into()),
        edition: Set(org.edition.code().into()),
        require_totp: Set(org.require_totp),
        emergency_number: Set(org.emergency_number.clone()),
        crisis_procedure: Set(org.crisis_procedure.clone()),
        local_crisis_contacts: Set(org.local_crisis_contacts.clone()),
        next_record_number: Set(1),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    organisation::Entity::insert(model).exec_with_returning(&**txn).await
}

/// Saves only if nobody saved since `version` was read.
pub async fn update(
    txn: &WriteTxn,
    org_id: Uuid,
    version: i32,
    org: &ValidOrganisation,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    txn.mark_access_change();
    use organisation::Column as C;
    let result = organisation::Entity::update_many()
        .col_expr(C::Name, Expr::value(org.name.clone()))
        .col_expr(C::Country, Expr::value(org.country.code()))
        .col_expr(C::TimeZone, Expr::value(org.time_zone.clone()))
        .col_expr(C::DefaultLanguage, Expr::value(org.default_language.code()))
        .col_expr(C::Edition, Expr::value(org.edition.code()))
        .col_expr(C::RequireTotp, Expr::value(org.require_totp))
        .col_expr(C::EmergencyNumber, Expr::value(org.emergency_number.clone()))
        .col_expr(C::CrisisProcedure, Expr::value(org.crisis_procedure.clone()))
        .col_expr(C::LocalCrisisContacts, Expr::value(org.local_crisis_contacts.clone()))
        .col_expr(C::Version, Expr::value(version + 1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(org_id))
        .filter(C::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 { Err(WriteError::Conflict) } else { Ok(()) }
}

pub async fn programs(db: &impl ConnectionTrait, org_id: Uuid) -> Result<Vec<program::Model>, DbErr> {
    program::Entity::find().filter(program::Column::OrgId.eq(org_id)).order_by_asc(program::Column::Name).all(db).await
}

pub async fn program(db: &Db, org_id: Uuid, id: Uuid) -> Result<Option<program::Model>, DbErr> {
    program::Entity::find_by_id(id).filter(program::Column::OrgId.eq(org_id)).one(db.conn()).await
}

pub async fn create_program(
    txn: &WriteTxn,
    org_id: Uuid,
    p: &ValidProgram,
    now: OffsetDateTime,
) -> Result<program::Model, WriteError> {
    // Intake pages cache program names and settings under the access generation.
    txn.mark_access_change();
    let model = program::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id),
        name: Set(p.name.clone()),
        description: Set(p.description.clone()),
        serves_individuals: Set(p.serves_individuals),
        serves_groups: Set(p.serves_groups),
        serves_referral: Set(p.serves_referral),
        peer_delivered: Set(p.peer_delivered),
        occasional_only: Set(p.occasional_only),
        active: Set(p.active),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    program::Entity::insert(model).exec_with_returning(&**txn).await.map_err(|e| WriteError::from_db(e, "name"))
}

pub async fn update_program(
    txn: &WriteTxn,
    org_id: Uuid,
    id: Uuid,
    version: i32,
    p: &ValidProgram,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    // Intake pages cache program names and settings under the access generation.
    txn.mark_access_change();
    use program::Column as C;
    let result = program::Entity::update_many()
        .col_expr(C::Name, Expr::value(p.name.clone()))
        .col_expr(C::Description, Expr::value(p.description.clone()))
        .col_expr(C::ServesIndividuals, Expr::value(p.serves_individuals))
        .col_expr(C::ServesGroups, Expr::value(p.serves_groups))
        .col_expr(C::ServesReferral, Expr::value(p.serves_referral))
        .col_expr(C::PeerDelivered, Expr::value(p.peer_delivered))
        .col_expr(C::OccasionalOnly, Expr::value(p.occasional_only))
        .col_expr(C::Active, Expr::value(p.active))
        .col_expr(C::Version, Expr::value(version + 1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::OrgId.eq(org_id))
        .filter(C::Id.eq(id))
        .filter(C::Version.eq(version))
        .exec(&**txn)
        .await
        .map_err(|e| WriteError::from_db(e, "name"))?;
    if result.rows_affected == 0 { Err(WriteError::Conflict) } else { Ok(()) }
}

pub async fn sites(db: &Db, org_id: Uuid) -> Result<Vec<site::Model>, DbErr> {
    site::Entity::find().filter(site::Column::OrgId.eq(org_id)).order_by_asc(site::Column::Name).all(db.conn()).await
}

pub async fn site(db: &Db, org_id: Uuid, id: Uuid) -> Result<Option<site::Model>, DbErr> {
    site::Entity::find_by_id(id).filter(site::Column::OrgId.eq(org_id)).one(db.conn()).await
}

pub async fn create_site(
    txn: &WriteTxn,
    org_id: Uuid,
    s: &ValidSite,
    now: OffsetDateTime,
) -> Result<site::Model, WriteError> {
    let model = site::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id),
        name: Set(s.name.clone()),
        setting_type: Set(s.setting_type.code().into()),
        address_line: Set(s.address_line.clone()),
        locality: Set(s.locality.clone()),
        region: Set(s.region.clone()),
        postal_code: Set(s.postal_code.clone()),
        phone: Set(s.phone.clone()),
        notes: Set(s.notes.clone()),
        active: Set(s.active),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    site::Entity::insert(model).exec_with_returning(&**txn).await.map_err(|e| WriteError::from_db(e, "name"))
}

pub async fn update_site(
    txn: &WriteTxn,
    org_id: Uuid,
    id: Uuid,
    version: i32,
    s: &ValidSite,
    now: OffsetDateTime,
) -> Result<(), WriteError> {
    use site::Column as C;
    let result = site::Entity::update_many()
        .col_expr(C::Name, Expr::value(s.name.clone()))
        .col_expr(C::SettingType, Expr::value(s.setting_type.code()))
        .col_expr(C::AddressLine, Expr::value(s.address_line.clone()))
        .col_expr(C::Locality, Expr::value(s.locality.clone()))
        .col_expr(C::Region, Expr::value(s.region.clone()))
        .col_expr(C::PostalCode, Expr::value(s.postal_code.clone()))
        .col_expr(C::Phone, Expr::value(s.phone.clone()))
        .col_expr(C::Notes, Expr::value(s.notes.clone()))
        .col_expr(C::Active, Expr::value(s.active))
        .col_expr(C::Version, Expr::value(version + 1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::OrgId.eq(org_id))
        .filter(C::Id.eq(id))
        .filter(C::Version.eq(version))
        .exec(&**txn)
        .await
        .map_err(|e| WriteError::from_db(e, "name"))?;
    if result.rows_affected == 0 { Err(WriteError::Conflict) } else { Ok(()) }
}

/// Programs a staff member works in or directs.
pub async fn staff_program_ids(db: &impl ConnectionTrait, org_id: Uuid, staff_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    Ok(staff_program::Entity::find()
        .filter(staff_program::Column::OrgId.eq(org_id))
        .filter(staff_program::Column::StaffId.eq(staff_id))
        .all(db)
        .await?
        .into_iter()
        .map(|sp| sp.program_id)
        .collect())
}
