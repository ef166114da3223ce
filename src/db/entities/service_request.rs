use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub person_id: Option<Uuid>,
    pub anonymous: bool,
    pub source: String,
    pub received_at: TimeDateTimeWithTimeZone,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub date_of_birth: Option<TimeDate>,
    pub safe_to_message: Option<bool>,
    pub referrer_name: Option<String>,
    pub referrer_organisation: Option<String>,
    pub asked_for: String,
    pub program_id: Option<Uuid>,
    pub assigned_to: Option<Uuid>,
    pub status: String,
    pub urgency: Option<String>,
    pub urgency_rank: i32,
    pub urgency_reason: Option<String>,
    pub critical_needs: Option<String>,
    pub needs_intensive: bool,
    pub intensive_note: Option<String>,
    pub triaged_at: Option<TimeDateTimeWithTimeZone>,
    pub triaged_by: Option<Uuid>,
    pub fit: Option<String>,
    pub population_fit: Option<String>,
    pub population_basis: Option<String>,
    pub offer: Option<String>,
    pub offer_from: Option<TimeDate>,
    pub informed_at: Option<TimeDateTimeWithTimeZone>,
    pub screened_at: Option<TimeDateTimeWithTimeZone>,
    pub screened_by: Option<Uuid>,
    pub referred_to: Option<String>,
    pub referral_reason: Option<String>,
    pub close_reason: Option<String>,
    pub close_note: Option<String>,
    pub closed_at: Option<TimeDateTimeWithTimeZone>,
    pub enrolment_id: Option<Uuid>,
    pub first_service_on: Option<TimeDate>,
    pub created_by: Option<Uuid>,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
