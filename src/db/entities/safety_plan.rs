use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "safety_plans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub person_id: Uuid,
    pub warning_signs: String,
    pub coping_strategies: String,
    pub distractions: String,
    pub people_to_ask: String,
    pub professionals: String,
    pub safer_environment: String,
    pub reasons_for_living: String,
    pub shared_on: Option<TimeDate>,
    pub updated_by: Uuid,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
