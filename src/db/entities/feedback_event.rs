//! One line of a feedback item's history: received, assigned, acknowledged, responded, closed,
//! a note, or a link to a "you said, we did" entry.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub item_id: Uuid,
    /// Its place in the item's history (1 for "received").
    pub seq: i32,
    pub kind: String,
    pub at: TimeDateTimeWithTimeZone,
    /// The staff member; none for the person's own submission.
    pub by_staff: Option<Uuid>,
    /// What was written (a note, the outcome's explanation).
    pub note: Option<String>,
    /// Codes and ids (owner, due date, method, outcome, change) as JSON.
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
