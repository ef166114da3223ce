//! A document held as evidence for one or more catalogue elements (a policy, a procedure, a job
//! description, the crisis procedure, a photo), with its current version's file facts.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evidence_documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub kind: String,
    pub review_due_on: Option<TimeDate>,
    pub file_id: Uuid,
    pub file_number: i32,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_on: TimeDate,
    pub retired_at: Option<TimeDateTimeWithTimeZone>,
    pub retired_by: Option<Uuid>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
