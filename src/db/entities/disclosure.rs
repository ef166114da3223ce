use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "disclosures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub person_id: Uuid,
    pub consent_id: Uuid,
    pub disclosed_at: TimeDateTimeWithTimeZone,
    pub recipient_organization_id: Option<String>,
    pub recipient_name: String,
    pub categories: String,
    pub purpose: String,
    pub channel: String,
    pub referral_id: Option<Uuid>,
    pub notice_included: bool,
    pub description: Option<String>,
    pub disclosed_by: Uuid,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
