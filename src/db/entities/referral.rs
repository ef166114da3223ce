use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub person_id: Uuid,
    pub program_id: Option<Uuid>,
    pub need: String,
    pub need_detail: Option<String>,
    pub need_identified_on: TimeDate,
    pub service_id: String,
    pub service_at_location_id: Option<String>,
    pub resource_organization_id: Option<String>,
    pub resource_name: String,
    pub urgency: String,
    pub help: String,
    pub shared_categories: String,
    pub consent_id: Option<Uuid>,
    pub status: String,
    pub referred_on: Option<TimeDate>,
    pub follow_up_on: Option<TimeDate>,
    pub connected: Option<bool>,
    pub connected_on: Option<TimeDate>,
    pub need_met: Option<String>,
    pub outcome_note: Option<String>,
    pub closed_on: Option<TimeDate>,
    pub note: Option<String>,
    pub language: Option<String>,
    pub made_by: Uuid,
    pub assigned_to: Uuid,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
