use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub program_id: Uuid,
    pub name: String,
    pub kind: String,
    pub focus_areas: String,
    pub audience: String,
    pub description: Option<String>,
    pub membership: String,
    pub capacity: Option<i32>,
    pub capacity_rule: String,
    pub language: String,
    pub site_id: Option<Uuid>,
    pub room: Option<String>,
    pub online_link: Option<String>,
    pub peer_led: bool,
    pub listed_publicly: bool,
    pub curriculum_id: Option<Uuid>,
    pub curriculum_version: Option<i32>,
    pub status: String,
    pub feed_token: String,
    pub created_by: Uuid,
    pub updated_by: Uuid,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
