use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub staff_id: Uuid,
    pub led_by: Uuid,
    pub kind: String,
    pub held_on: TimeDate,
    pub minutes: Option<i32>,
    pub topics: String,
    pub notes: Option<String>,
    pub follow_ups: Option<String>,
    pub follow_up_due: Option<TimeDate>,
    pub follow_up_done_on: Option<TimeDate>,
    pub people_discussed: String,
    pub recorded_by: Uuid,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
