//! One person's baseline and latest score on one measure, organisation-wide (`program_key` nil) or
//! within one program, maintained by `outcomes::summary` in every write transaction.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "outcome_person_summaries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub instrument_key: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub program_key: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: Uuid,
    pub first_on: TimeDate,
    pub first_score: f64,
    pub latest_on: TimeDate,
    pub latest_score: f64,
    pub measured_count: i32,
    pub latest_site: Option<Uuid>,
    pub latest_program: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
