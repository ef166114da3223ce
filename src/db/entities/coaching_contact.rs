use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coaching_contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub person_id: Uuid,
    pub program_id: Option<Uuid>,
    pub worker_id: Uuid,
    pub occurred_at: TimeDateTimeWithTimeZone,
    pub minutes: i32,
    pub mode: String,
    pub setting: String,
    pub present: Option<String>,
    pub activities: String,
    pub goals: String,
    pub note: String,
    pub status: String,
    pub signed_at: Option<TimeDateTimeWithTimeZone>,
    pub signed_by: Option<Uuid>,
    pub warnings: Option<String>,
    pub lapse_id: Option<Uuid>,
    pub group_session_id: Option<Uuid>,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
