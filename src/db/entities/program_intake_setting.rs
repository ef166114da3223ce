use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "program_intake_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub program_id: Uuid,
    pub population_statement: Option<String>,
    pub prsc_population: bool,
    pub target_emergency_days: i32,
    pub target_urgent_days: i32,
    pub target_routine_days: i32,
    pub capacity: Option<i32>,
    pub checkin_days: i32,
    pub plan_review_days: i32,
    pub screen_everyone: bool,
    pub version: i32,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
