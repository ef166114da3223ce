//! One result of a participant survey: a percentage, an average on a scale, a count or themes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_results")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub survey_id: Uuid,
    pub position: i32,
    #[sea_orm(column_type = "Text")]
    pub question: String,
    pub kind: String,
    pub value: Option<f64>,
    pub scale_max: Option<f64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub themes: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
