//! A program's measure schedule: which instruments are taken at intake, every `every_days` days and
//! at discharge (CSE 1.02). `instruments` is a JSON array of `domain::measures::ScheduledInstrument`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "measure_schedules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub program_id: Uuid,
    pub active: bool,
    pub every_days: i32,
    pub instruments: String,
    pub updated_by: Option<Uuid>,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
