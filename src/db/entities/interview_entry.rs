//! Someone on the on-site interview roster: the program director, a staff member, a person served
//! or a family member, with their consent (people served and family) and needs.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "interview_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub kind: String,
    pub staff_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub family_name: Option<String>,
    pub relationship: Option<String>,
    pub language: Option<String>,
    pub accessibility: Option<String>,
    pub consent_on: Option<TimeDate>,
    pub consent_method: Option<String>,
    pub consent_recorded_by: Option<Uuid>,
    pub consent_note: Option<String>,
    pub withdrawn_on: Option<TimeDate>,
    pub withdrawn_by: Option<Uuid>,
    pub withdrawn_note: Option<String>,
    pub added_by: Uuid,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
