//! An opportunity offered to or taken by a person (CSE 7.03 / CA-CSE 7.04, 5.03d).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "opportunities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub person_id: Uuid,
    pub program_id: Option<Uuid>,
    pub kind: String,
    pub status: String,
    pub title: String,
    pub description: Option<String>,
    pub offered_on: TimeDate,
    pub taken_on: Option<TimeDate>,
    pub completed_on: Option<TimeDate>,
    pub hours: Option<f64>,
    pub recorded_by: Uuid,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
