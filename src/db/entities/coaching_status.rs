use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coaching_status")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: Uuid,
    pub stage: Option<String>,
    pub frequency: String,
    pub monitoring_raised: bool,
    pub reason: Option<String>,
    pub last_contact_at: Option<TimeDateTimeWithTimeZone>,
    pub contact_due_on: Option<TimeDate>,
    pub plan_id: Option<Uuid>,
    pub plan_status: Option<String>,
    pub plan_review_due_on: Option<TimeDate>,
    pub open_lapse_on: Option<TimeDate>,
    pub open_lapse_id: Option<Uuid>,
    pub version: i32,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub updated_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
