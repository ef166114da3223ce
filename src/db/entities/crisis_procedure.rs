use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "crisis_procedures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub revision: i32,
    pub intervention: String,
    pub intensive_services: String,
    pub emergency_responders: String,
    pub domestic_violence: String,
    pub anonymous_callers: String,
    pub mandatory_reporting: String,
    pub approved_by: String,
    pub approved_on: TimeDate,
    pub created_by: Uuid,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
