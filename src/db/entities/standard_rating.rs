//! A self-rating of one standard, with the suggestion shown at the time.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "standard_ratings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub source: String,
    pub standard_id: String,
    pub period_from: TimeDate,
    pub period_to: TimeDate,
    pub suggested: Option<i32>,
    pub self_rating: i32,
    pub note: Option<String>,
    pub rated_by: Uuid,
    pub rated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
