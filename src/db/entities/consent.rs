use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub person_id: Uuid,
    pub law: String,
    pub discloser: String,
    pub recipient_organization_id: Option<String>,
    pub recipient_name: String,
    pub recipient_detail: Option<String>,
    pub categories: String,
    pub information_detail: String,
    pub purposes: String,
    pub purpose_detail: Option<String>,
    pub expires_on: Option<TimeDate>,
    pub expiry_event: Option<String>,
    pub expiry_event_on: Option<TimeDate>,
    pub signed_on: TimeDate,
    pub signer: String,
    pub signer_name: String,
    pub signer_authority: Option<String>,
    pub signature_method: String,
    pub revocation_explained: bool,
    pub revoked_on: Option<TimeDate>,
    pub revoked_by: Option<Uuid>,
    pub revocation_note: Option<String>,
    pub recorded_by: Uuid,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
