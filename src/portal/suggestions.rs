//! Plan suggestions: the person proposes a change to a goal, comments on one, or asks for a new
//! goal; the coach accepts (a few words back, then the change goes in through the normal plan
//! edit) or declines with a kind reply; the person sees the outcome.

use super::Me;
use crate::access::{Action, Actor};
use crate::app::AppState;
use crate::db::entities::{plan_suggestion, recovery_plan};
use crate::domain::coaching::PlanContent;
use crate::domain::portal::{SuggestionInput, SuggestionStatus, check_reply, check_suggestion};
use crate::error::{AppError, AppResult};
use crate::records;
use crate::web::actor_entry;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// A suggestion of this person, or not found: the only way the portal loads one.
pub async fn own(conn: &impl ConnectionTrait, me: &Me, id: Uuid) -> AppResult<plan_suggestion::Model> {
    plan_suggestion::Entity::find_by_id(id)
        .filter(plan_suggestion::Column::OrgId.eq(me.org_id))
        .filter(plan_suggestion::Column::PersonId.eq(me.person_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// The form's fields.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SuggestionForm {
    pub kind: String,
    pub goal_id: Option<String>,
    pub body: String,
}

/// Makes a suggestion on the person's current plan.
pub async fn suggest(state: &AppState, me: &Me, form: &SuggestionForm) -> AppResult<plan_suggestion::Model> {
    let conn = state.db.conn();
    let plan = crate::db::coaching::open_plan(conn, me.org_id, me.person_id).await?.ok_or(AppError::NotFound)?;
    let content = super::me::shown_content(conn, &plan).await?.0;
    let goals: Vec<Uuid> = content.goals.iter().map(|g| g.id).collect();
    let valid = check_suggestion(
        &SuggestionInput { kind: &form.kind, goal_id: form.goal_id.as_deref(), body: &form.body },
        &goals,
    )?;
    let now = state.clock.now();
    let model = plan_suggestion::Model {
        id: Uuid::new_v4(),
        org_id: me.org_id,
        person_id: me.person_id,
        plan_id: plan.id,
        account_id: me.account_id,
        kind: valid.kind.code().into(),
        goal_id: valid.goal_id,
        goal_words: valid.goal_id.and_then(|g| content.goal(g)).map(|g| g.in_own_words.clone()),
        body: valid.body,
        status: SuggestionStatus::Pending.code().into(),
        reply: None,
        decided_by: None,
        decided_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let txn = state.db.begin_write().await?;
    plan_suggestion::Entity::insert(plan_suggestion::ActiveModel::from(model.clone()))
        .exec_without_returning(&*txn)
        .await?;
    let entry = me
        .entry("portal.suggestion.create")
        .detail(json!({ "suggestion_id": model.id, "plan_id": plan.id, "kind": model.kind }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(model)
}

/// The person takes back a suggestion the coach has not answered yet.
pub async fn withdraw(state: &AppState, me: &Me, id: Uuid) -> AppResult<()> {
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let s = own(&*txn, me, id).await?;
    if s.status != SuggestionStatus::Pending.code() {
        return Err(AppError::Conflict);
    }
    let result = plan_suggestion::Entity::update_many()
        .col_expr(plan_suggestion::Column::Status, Expr::value(SuggestionStatus::Withdrawn.code()))
        .col_expr(plan_suggestion::Column::Version, Expr::value(s.version + 1))
        .col_expr(plan_suggestion::Column::UpdatedAt, Expr::value(now))
        .filter(plan_suggestion::Column::Id.eq(s.id))
        .filter(plan_suggestion::Column::OrgId.eq(me.org_id))
        .filter(plan_suggestion::Column::PersonId.eq(me.person_id))
        .filter(plan_suggestion::Column::Version.eq(s.version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    crate::db::audit::append(
        &txn,
        me.entry("portal.suggestion.withdraw").detail(json!({ "suggestion_id": s.id })),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

// ---------- the coach's side ----------

/// Suggestions on a plan, for the staff plan page (the caller has opened the person already).
pub async fn for_plan(
    state: &AppState,
    actor: &Actor,
    plan: &recovery_plan::Model,
) -> AppResult<Vec<plan_suggestion::Model>> {
    Ok(super::suggestions_of(state.db.conn(), actor.org_id, plan.person_id, Some(plan.id)).await?)
}

/// A person's suggestions for staff (the API): opened through the record, audited as a view.
pub async fn for_person(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    pending_only: bool,
) -> AppResult<Vec<plan_suggestion::Model>> {
    records::open(state, actor, person_id, Action::ViewPerson).await?;
    let mut rows = super::suggestions_of(state.db.conn(), actor.org_id, person_id, None).await?;
    if pending_only {
        rows.retain(|s| s.status == SuggestionStatus::Pending.code());
    }
    Ok(rows)
}

/// The coach's answer, as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DecisionInput {
    /// `accept` or `decline`.
    pub decision: String,
    /// Words for the person; required when declining.
    pub reply: Option<String>,
    /// The suggestion's version as read (a stale one answers 409).
    pub version: i32,
}

/// Accepts or declines a pending suggestion. Accepting records the answer; the change itself is
/// made in the plan's normal edit, where versions and agreement are kept.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    input: &DecisionInput,
) -> AppResult<plan_suggestion::Model> {
    let conn = state.db.conn();
    let s = plan_suggestion::Entity::find_by_id(id)
        .filter(plan_suggestion::Column::OrgId.eq(actor.org_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    records::open(state, actor, s.person_id, Action::EditPerson).await?;
    let (status, reply) = check_reply(&input.decision, input.reply.as_deref())?;
    if s.status != SuggestionStatus::Pending.code() || s.version != input.version {
        return Err(AppError::Conflict);
    }
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let result = plan_suggestion::Entity::update_many()
        .col_expr(plan_suggestion::Column::Status, Expr::value(status.code()))
        .col_expr(plan_suggestion::Column::Reply, Expr::value(reply.clone()))
        .col_expr(plan_suggestion::Column::DecidedBy, Expr::value(actor.staff_id))
        .col_expr(plan_suggestion::Column::DecidedAt, Expr::value(now))
        .col_expr(plan_suggestion::Column::Version, Expr::value(s.version + 1))
        .col_expr(plan_suggestion::Column::UpdatedAt, Expr::value(now))
        .filter(plan_suggestion::Column::Id.eq(s.id))
        .filter(plan_suggestion::Column::OrgId.eq(actor.org_id))
        .filter(plan_suggestion::Column::Version.eq(s.version))
        .filter(plan_suggestion::Column::Status.eq(SuggestionStatus::Pending.code()))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    let action =
        if status == SuggestionStatus::Accepted { "portal.suggestion.accept" } else { "portal.suggestion.decline" };
    let entry = actor_entry(actor, action)
        .record("person", s.person_id)
        .detail(json!({ "suggestion_id": s.id, "plan_id": s.plan_id }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(plan_suggestion::Model {
        status: status.code().into(),
        reply,
        decided_by: Some(actor.staff_id),
        decided_at: Some(now),
        version: s.version + 1,
        updated_at: now,
        ..s
    })
}

/// Where in the plan's edit form a suggestion's goal is (`goal_{index}_words`), for the coach's link.
pub fn edit_anchor(content: &PlanContent, suggestion: &plan_suggestion::Model) -> String {
    match suggestion.goal_id.and_then(|g| content.goals.iter().position(|x| x.id == g)) {
        Some(i) => format!("goal_{i}_words"),
        None => "goals".into(),
    }
}
