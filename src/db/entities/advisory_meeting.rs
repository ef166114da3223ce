//! An advisory council, community meeting, focus group or participant-led committee.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "advisory_meetings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub kind: String,
    pub program_id: Option<Uuid>,
    pub held_on: TimeDate,
    pub place: Option<String>,
    pub online: bool,
    pub participant_count: i32,
    pub staff_count: i32,
    /// One topic a line.
    #[sea_orm(column_type = "Text")]
    pub topics: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub summary: Option<String>,
    pub recorded_by: Uuid,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
