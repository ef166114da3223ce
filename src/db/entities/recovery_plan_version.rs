use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recovery_plan_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub plan_id: Uuid,
    pub person_id: Uuid,
    pub number: i32,
    pub kind: String,
    pub content: String,
    /// `domain::coaching::PlanFacts` of `content`, kept for the readiness evidence.
    pub goal_count: i32,
    pub has_strengths: bool,
    pub has_barriers: bool,
    pub has_progress: bool,
    pub agreement: String,
    pub agreed_on: TimeDate,
    pub signed_name: Option<String>,
    pub agreement_note: Option<String>,
    pub review_due_on: Option<TimeDate>,
    pub recorded_by: Uuid,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
