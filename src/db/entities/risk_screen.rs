use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_screens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub person_id: Uuid,
    pub request_id: Option<Uuid>,
    pub kind: String,
    pub individual_reason: Option<String>,
    pub screened_at: TimeDateTimeWithTimeZone,
    pub screened_by: Uuid,
    pub answers: String,
    pub concerns: String,
    pub suicide_level: String,
    pub level: String,
    pub notes: Option<String>,
    pub closed_at: Option<TimeDateTimeWithTimeZone>,
    pub closed_by: Option<Uuid>,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
