use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "info_contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub at: TimeDateTimeWithTimeZone,
    pub staff_id: Uuid,
    pub program_id: Option<Uuid>,
    pub channel: String,
    pub needs: String,
    pub need_detail: Option<String>,
    pub service_ids: String,
    pub other_resources: Option<String>,
    pub crisis_flags: String,
    pub crisis_action: Option<String>,
    pub language: Option<String>,
    pub area: Option<String>,
    pub minutes: Option<i32>,
    pub note: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
