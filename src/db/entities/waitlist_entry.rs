use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "waitlist_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub request_id: Uuid,
    pub person_id: Option<Uuid>,
    pub program_id: Uuid,
    pub assigned_to: Option<Uuid>,
    pub priority: String,
    pub priority_rank: i32,
    pub placed_at: TimeDateTimeWithTimeZone,
    pub placed_by: Uuid,
    pub next_checkin_on: TimeDate,
    pub last_checkin_at: Option<TimeDateTimeWithTimeZone>,
    pub referral_offered: Option<String>,
    pub note: Option<String>,
    pub removed_at: Option<TimeDateTimeWithTimeZone>,
    pub removed_by: Option<Uuid>,
    pub removed_reason: Option<String>,
    pub removed_note: Option<String>,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
