//! A reviewer's sample of case records: how it was drawn (period, sizes, seed) and per program
//! how many records the frame held and how many were drawn.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_samples")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub source: String,
    pub period_from: TimeDate,
    pub period_to: TimeDate,
    pub seed: i64,
    pub percent: f64,
    pub cap: i32,
    pub minimum: i32,
    pub frame_size: i32,
    pub sample_size: i32,
    pub strata: String,
    pub drawn_by: Uuid,
    pub drawn_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
