//! One answered (or declined) instrument or indicator for one person (CSE 1.02; PRSC expected outcomes).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "outcome_measurements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub person_id: Uuid,
    pub program_id: Option<Uuid>,
    pub site_id: Option<Uuid>,
    pub instrument_key: String,
    pub instrument_version: i32,
    pub occasion: String,
    pub source: String,
    pub status: String,
    pub taken_on: TimeDate,
    pub answers: String,
    pub score: Option<f64>,
    pub interpretation: Option<String>,
    pub note: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub portal_account_id: Option<Uuid>,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
