//! One piece of feedback or a complaint (CSE 7.02 / CA-CSE 7.03).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub kind: String,
    pub category: String,
    pub channel: String,
    pub status: String,
    pub program_id: Option<Uuid>,
    pub body: String,
    /// `person-served`, `family` or `other`, when said.
    pub submitted_by: Option<String>,
    pub submitter_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub wants_reply: bool,
    /// The person served it concerns or who gave it (portal, or linked by staff).
    pub person_id: Option<Uuid>,
    pub received_at: TimeDateTimeWithTimeZone,
    pub received_on: TimeDate,
    pub due_on: TimeDate,
    pub owner_id: Option<Uuid>,
    pub acknowledged_on: Option<TimeDate>,
    pub response: Option<String>,
    pub response_method: Option<String>,
    pub responded_on: Option<TimeDate>,
    pub responded_by: Option<Uuid>,
    pub response_emailed_at: Option<TimeDateTimeWithTimeZone>,
    pub outcome: Option<String>,
    pub outcome_note: Option<String>,
    pub closed_on: Option<TimeDate>,
    /// The "you said, we did" entry it led to.
    pub change_id: Option<Uuid>,
    pub file_id: Option<Uuid>,
    /// The staff member who logged it on someone's behalf.
    pub recorded_by: Option<Uuid>,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
