use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "crisis_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub person_id: Option<Uuid>,
    pub caller_description: Option<String>,
    pub occurred_at: TimeDateTimeWithTimeZone,
    pub reported_by: Uuid,
    pub what_happened: String,
    pub actions_taken: String,
    pub calls: String,
    pub calls_detail: Option<String>,
    pub outcome: String,
    pub follow_up_due: Option<TimeDate>,
    pub follow_up_done_at: Option<TimeDateTimeWithTimeZone>,
    pub follow_up_note: Option<String>,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
