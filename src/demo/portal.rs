//! The demo organisation's participant-portal users: three people on the named coach's caseload
//! who have a plan, signed in with the demo password. The first has suggestions waiting for the
//! coach (and no sign-in code), the second uses a sign-in code (the secret below), the third has
//! had a suggestion accepted and one declined. The same whatever `--people` is; ids come from the seed.

use super::{VoiceDemo, uuid};
use crate::db;
use crate::db::entities::{enrolment, plan_suggestion, portal_account, portal_invitation, recovery_plan};
use crate::domain::coaching::PlanStatus;
use crate::domain::portal::{InvitationChannel, InvitationDelivery, PortalStatus, SuggestionKind, SuggestionStatus};
use crate::portal::{DEMO_TOTP_SECRET, DEMO_USERS};
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::Duration;
use uuid::Uuid;

pub(super) async fn insert(txn: &db::WriteTxn, rng: &mut ChaCha8Rng, demo: &VoiceDemo<'_>) -> anyhow::Result<()> {
    let coach = demo.team.coach;
    // People the coach still works with (an open enrolment), in caseload order.
    let open: Vec<Uuid> = enrolment::Entity::find()
        .filter(enrolment::Column::OrgId.eq(demo.org_id))
        .filter(enrolment::Column::WorkerId.eq(coach))
        .filter(enrolment::Column::EndedOn.is_null())
        .all(&**txn)
        .await?
        .into_iter()
        .map(|e| e.person_id)
        .collect();
    let people: Vec<Uuid> =
        demo.members.iter().filter(|m| m.worker == coach && open.contains(&m.person_id)).map(|m| m.person_id).collect();
    if people.is_empty() {
        return Ok(());
    }
    let plans = recovery_plan::Entity::find()
        .filter(recovery_plan::Column::OrgId.eq(demo.org_id))
        .filter(recovery_plan::Column::PersonId.is_in(people.clone()))
        .filter(recovery_plan::Column::Status.ne(PlanStatus::Closed.code()))
        .order_by_asc(recovery_plan::Column::CreatedAt)
        .order_by_asc(recovery_plan::Column::Id)
        .all(&**txn)
        .await?;
    // In caseload order, the first three people with an open plan.
    let chosen: Vec<&recovery_plan::Model> =
        people.iter().filter_map(|p| plans.iter().find(|plan| plan.person_id == *p)).take(DEMO_USERS.len()).collect();
    let hash = crate::auth::hash_password(super::DEMO_PASSWORD.to_string()).await?;
    let now = demo.now;
    let mut accounts = Vec::new();
    let mut invitations = Vec::new();
    let mut suggestions = Vec::new();
    for (i, plan) in chosen.into_iter().enumerate() {
        let email = DEMO_USERS[i].to_string();
        let account_id = uuid(rng);
        let joined = now - Duration::days(20 - 5 * i as i64);
        let two_factor = i == 1;
        accounts.push(portal_account::Model {
            id: account_id,
            org_id: demo.org_id,
            person_id: plan.person_id,
            email: email.clone(),
            email_key: email.clone(),
            password_hash: Some(hash.clone()),
            totp_secret: two_factor.then(|| DEMO_TOTP_SECRET.to_string()),
            totp_enabled: two_factor,
            totp_last_step: None,
            status: PortalStatus::Active.code().into(),
            failed_logins: 0,
            locked_until: None,
            last_sign_in_at: Some(joined + Duration::days(2)),
            language: None,
            session_epoch: 1,
            invited_by: coach,
            version: 2,
            created_at: joined,
            updated_at: joined,
        });
        invitations.push(portal_invitation::Model {
            id: uuid(rng),
            org_id: demo.org_id,
            account_id,
            person_id: plan.person_id,
            channel: InvitationChannel::Email.code().into(),
            destination_masked: crate::domain::portal::mask_email(&email),
            // A used link's digest: random, since the link itself was never kept.
            token_digest: crate::auth::token_digest(&uuid(rng).to_string()),
            delivery: InvitationDelivery::Sent.code().into(),
            expires_at: crate::domain::portal::invitation_expires(joined),
            used_at: Some(joined + Duration::hours(3)),
            revoked_at: None,
            sent_by: coach,
            created_at: joined,
        });
        let versions = crate::db::coaching::plan_versions(&**txn, demo.org_id, plan.id).await?;
        let raw = versions.iter().max_by_key(|v| v.number).map(|v| v.content.clone()).unwrap_or(plan.content.clone());
        let content: crate::domain::coaching::PlanContent = serde_json::from_str(&raw)?;
        let goal = content.goals.first();
        let mut suggestion =
            |kind: SuggestionKind, on_goal: bool, body: &str, answer: Option<(SuggestionStatus, &str)>, days: i64| {
                let at = now - Duration::days(days);
                plan_suggestion::Model {
                    id: uuid(rng),
                    org_id: demo.org_id,
                    person_id: plan.person_id,
                    plan_id: plan.id,
                    account_id,
                    kind: kind.code().into(),
                    goal_id: goal.filter(|_| on_goal).map(|g| g.id),
                    goal_words: goal.filter(|_| on_goal).map(|g| g.in_own_words.clone()),
                    body: body.into(),
                    status: answer.map_or(SuggestionStatus::Pending, |a| a.0).code().into(),
                    reply: answer.map(|a| a.1.to_string()),
                    decided_by: answer.map(|_| coach),
                    decided_at: answer.map(|_| at + Duration::days(1)),
                    version: if answer.is_some() { 2 } else { 1 },
                    created_at: at,
                    updated_at: at,
                }
            };
        match i {
            0 => {
                suggestions.push(suggestion(
                    SuggestionKind::Change,
                    true,
                    "I'd like this goal to be about two evenings a week, not every evening. Every evening felt like too much.",
                    None,
                    2,
                ));
                suggestions.push(suggestion(
                    SuggestionKind::NewGoal,
                    false,
                    "Could we add a goal about getting back to swimming? I used to love it.",
                    None,
                    1,
                ));
            }
            1 => suggestions.push(suggestion(
                SuggestionKind::Comment,
                true,
                "The first step is done - I went to the library session last week.",
                Some((
                    SuggestionStatus::Accepted,
                    "That's great news. I've marked the step as done; let's pick the next one together on Thursday.",
                )),
                6,
            )),
            _ => {
                suggestions.push(suggestion(
                    SuggestionKind::Change,
                    true,
                    "Can we take this goal off for now?",
                    Some((
                        SuggestionStatus::Declined,
                        "I hear you. Rather than take it off, could we set it aside for a month and look again at your review? I've kept it as it is until we talk.",
                    )),
                    9,
                ));
                suggestions.push(suggestion(
                    SuggestionKind::NewGoal,
                    false,
                    "I want a goal about keeping my own budget.",
                    Some((SuggestionStatus::Accepted, "Yes - let's write it in your words when we meet next week.")),
                    4,
                ));
            }
        }
    }
    super::insert_all::<portal_account::ActiveModel>(txn, super::active(accounts)).await?;
    super::insert_all::<portal_invitation::ActiveModel>(txn, super::active(invitations)).await?;
    super::insert_all::<plan_suggestion::ActiveModel>(txn, super::active(suggestions)).await?;
    Ok(())
}
