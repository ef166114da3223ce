use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "group_schedules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub group_id: Uuid,
    pub rrule: Option<String>,
    pub starts_on: TimeDate,
    pub start_time: String,
    pub minutes: i32,
    pub ends_on: Option<TimeDate>,
    pub room: Option<String>,
    pub active: bool,
    pub created_by: Uuid,
    pub updated_by: Uuid,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
