//! A dated welcoming-environment review of a site (CA-CSE 7.01).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "welcome_reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub site_id: Uuid,
    pub reviewed_on: TimeDate,
    pub reviewed_by: Uuid,
    pub participants: i32,
    pub notes: Option<String>,
    pub follow_up: Option<String>,
    pub next_review_on: TimeDate,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
