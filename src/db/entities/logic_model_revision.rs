//! A snapshot of a logic model as one save left it (JSON of `domain::logic_models::ModelDoc`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "logic_model_revisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub model_id: Uuid,
    pub program_id: Uuid,
    pub version: i32,
    pub saved_by: Uuid,
    pub saved_at: TimeDateTimeWithTimeZone,
    pub snapshot: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
