//! One row of a logic model's needs, inputs, activities, outputs or impact part.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "logic_model_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub model_id: Uuid,
    pub part: String,
    pub position: i32,
    /// Evidence kind (needs), input kind, output kind or impact level.
    pub kind: Option<String>,
    pub text: String,
    pub evidence_title: Option<String>,
    pub evidence_date: Option<String>,
    pub evidence_link: Option<String>,
    /// An output's planned figure.
    pub planned: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
