//! One version of a program's rules (or the organisation's, when `program_id` is empty). Never
//! changed once recorded; a new version supersedes it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "program_rules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub program_id: Option<Uuid>,
    /// The program id as text, or `organisation`.
    pub scope: String,
    pub version_number: i32,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub effective_from: TimeDate,
    /// JSON list of `{method, participants, note}`.
    #[sea_orm(column_type = "Text")]
    pub drafting: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub drafting_notes: Option<String>,
    pub votes_for: Option<i32>,
    pub votes_against: Option<i32>,
    pub votes_abstain: Option<i32>,
    pub enforcement: String,
    #[sea_orm(column_type = "Text")]
    pub enforcement_description: String,
    pub drafted_at_meeting_id: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub change_summary: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
