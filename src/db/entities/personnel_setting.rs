use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "personnel_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: Uuid,
    pub gap_policy: String,
    pub supervision_days: i32,
    pub mentoring_days: i32,
    pub in_service_months: i32,
    pub pre_service_grace_days: i32,
    pub weight_high: f64,
    pub weight_moderate: f64,
    pub weight_low: f64,
    pub max_weighted_caseload: f64,
    pub max_contacts_per_month: i32,
    pub max_groups: i32,
    pub max_open_referrals: i32,
    pub review_months: i32,
    pub version: i32,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub updated_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
