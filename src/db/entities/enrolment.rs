use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enrolments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub person_id: Uuid,
    pub program_id: Uuid,
    pub worker_id: Option<Uuid>,
    pub started_on: TimeDate,
    pub ended_on: Option<TimeDate>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub discharge_reason: Option<String>,
    pub discharge_note: Option<String>,
    pub request_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
