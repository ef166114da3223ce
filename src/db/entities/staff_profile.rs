use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_id: Uuid,
    pub positions: String,
    pub start_date: Option<TimeDate>,
    pub experience_months: Option<i32>,
    pub lived_experience: bool,
    pub lived_experience_attested_on: Option<TimeDate>,
    pub shares_story: Option<bool>,
    pub job_description_version: Option<String>,
    pub job_description_acknowledged_on: Option<TimeDate>,
    pub role_understanding_confirmed_on: Option<TimeDate>,
    pub role_understanding_confirmed_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
