//! A desired outcome in a program's logic model, with the measure and target it is judged on.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "logic_model_outcomes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub model_id: Uuid,
    pub program_id: Uuid,
    pub position: i32,
    pub statement: String,
    pub area: String,
    pub instrument_key: Option<String>,
    pub target_kind: Option<String>,
    pub target_value: Option<f64>,
    pub target_share: Option<f64>,
    pub timeframe: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
