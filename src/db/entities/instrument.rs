//! One version of an organisation-defined instrument or indicator (CSE 1.02). Built-ins are not
//! stored: they ship as data files. Each saved change to a used definition adds a row.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "instruments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub key: String,
    /// The definition's version (1, 2, …); `version` is the row's optimistic-locking counter.
    pub instrument_version: i32,
    pub name: String,
    pub kind: String,
    pub outcome_area: String,
    pub active: bool,
    /// The whole `domain::instruments::InstrumentDef` as JSON.
    pub definition: String,
    pub created_by: Option<Uuid>,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
