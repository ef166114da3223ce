use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "group_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub group_id: Uuid,
    pub schedule_id: Option<Uuid>,
    pub occurrence_start: Option<TimeDateTimeWithTimeZone>,
    pub starts_at: TimeDateTimeWithTimeZone,
    pub ends_at: TimeDateTimeWithTimeZone,
    pub status: String,
    pub cancel_reason: Option<String>,
    pub room: Option<String>,
    pub curriculum_session: Option<i32>,
    pub topic: Option<String>,
    pub anonymous_count: i32,
    pub topics_covered: Option<String>,
    pub progress: Option<String>,
    pub adaptations: Option<String>,
    pub activities_offered: Option<String>,
    pub opportunities: Option<String>,
    pub safety_concerns: Option<String>,
    pub logged_by: Option<Uuid>,
    pub logged_at: Option<TimeDateTimeWithTimeZone>,
    pub checkout_token: Option<String>,
    pub created_by: Uuid,
    pub updated_by: Uuid,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
