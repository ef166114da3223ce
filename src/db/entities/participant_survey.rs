//! A participant survey: who was asked, how many answered, what it found and what was done.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "participant_surveys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub title: String,
    pub program_id: Option<Uuid>,
    pub period_start: TimeDate,
    pub period_end: TimeDate,
    pub method: String,
    pub invited: Option<i32>,
    pub respondents: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub findings: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub actions_taken: Option<String>,
    pub recorded_by: Uuid,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
