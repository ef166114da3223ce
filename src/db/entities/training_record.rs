use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "training_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub staff_id: Uuid,
    pub course_id: Option<Uuid>,
    pub title: String,
    pub kind: String,
    pub phase: String,
    pub topics: String,
    pub completed_on: TimeDate,
    pub hours: Option<f64>,
    pub provider: Option<String>,
    pub certificate_file_id: Option<Uuid>,
    pub demonstration: Option<String>,
    pub attested_by: Option<Uuid>,
    pub note: Option<String>,
    pub recorded_by: Uuid,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
