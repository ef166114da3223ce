//! The staff side of portal accounts: invite a person (e-mail or SMS link), send a new link
//! (which is also how a forgotten password is reset), suspend and reactivate. A staff member
//! needs edit access to the person's record; directors and administrators see every account.

use super::delivery::{self, NotSent};
use crate::access::{self, Action, Actor, Reach};
use crate::app::AppState;
use crate::db::entities::{enrolment, organisation, person, plan_suggestion, portal_account, portal_invitation};
use crate::domain::FieldErrors;
use crate::domain::codes::UiLanguage;
use crate::domain::portal::{
    INVITATION_HOURS, InvitationChannel, InvitationDelivery, PortalStatus, SuggestionStatus, email_key,
    invitation_expires, mask_email, mask_phone, sms_number,
};
use crate::domain::validation::looks_like_email;
use crate::error::{AppError, AppResult};
use crate::records;
use crate::web::actor_entry;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// A person's portal access as staff see it.
pub struct PortalAccess {
    pub person: person::Model,
    pub account: Option<portal_account::Model>,
    pub invitations: Vec<portal_invitation::Model>,
    /// Whether SMS and e-mail can go out (else the link is shown to the staff member).
    pub email_ready: bool,
    pub sms_ready: bool,
}

/// Staff open portal access through the person's record, with edit access.
pub async fn access(state: &AppState, actor: &Actor, person_id: Uuid) -> AppResult<PortalAccess> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let conn = state.db.conn();
    let account = super::account_of_person(conn, actor.org_id, person_id).await?;
    let invitations = match &account {
        Some(a) => super::invitations(conn, actor.org_id, a.id).await?,
        None => Vec::new(),
    };
    let entry = actor_entry(actor, "portal.access.view").record("person", person_id);
    crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(PortalAccess {
        person: opened.person,
        account,
        invitations,
        email_ready: state.config.smtp.is_some() && state.config.public_url.is_some(),
        sms_ready: state.config.sms.is_some() && state.config.public_url.is_some(),
    })
}

/// What the invitation form and the API send.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct InviteInput {
    /// `email` or `sms`: where the link goes.
    pub channel: String,
    /// The address the person will sign in with (and where an e-mail invitation goes).
    pub email: String,
    /// For an SMS invitation: the mobile number the link is texted to.
    pub phone: Option<String>,
}

/// The outcome of an invitation.
pub struct Invited {
    pub account: portal_account::Model,
    pub invitation: portal_invitation::Model,
    pub delivery: InvitationDelivery,
    /// Why the link did not go out; then `link` holds it, to be shown once to the staff member.
    pub not_sent: Option<NotSent>,
    pub link: Option<String>,
}

struct ValidInvite {
    channel: InvitationChannel,
    email: String,
    phone: Option<String>,
}

fn validate(input: &InviteInput) -> Result<ValidInvite, FieldErrors> {
    let mut e = FieldErrors::new();
    let channel = e.required_code("channel", &input.channel, InvitationChannel::parse);
    let email = e.required("email", &input.email, 254);
    if !email.is_empty() && !looks_like_email(&email) {
        e.add("email", "portal-error-email");
    }
    let phone = match channel {
        Some(InvitationChannel::Sms) => match input.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => {
                e.add("phone", "portal-error-phone-required");
                None
            }
            Some(raw) => match sms_number(raw) {
                Some(number) => Some(number),
                None => {
                    e.add("phone", "portal-error-phone");
                    None
                }
            },
        },
        _ => None,
    };
    e.finish(ValidInvite { channel: channel.unwrap_or(InvitationChannel::Email), email, phone })
}

/// Invites a person, or sends a new link to someone already invited or active (which lets them
/// choose a new password). Earlier unused links stop working. The link goes out by the chosen
/// channel when it is configured; otherwise it comes back to be shown once.
pub async fn invite(state: &AppState, actor: &Actor, person_id: Uuid, input: &InviteInput) -> AppResult<Invited> {
    let opened = records::open(state, actor, person_id, Action::EditPerson).await?;
    let valid = validate(input)?;
    let now = state.clock.now();
    let key = email_key(&valid.email);
    let token = crate::auth::random_token(32);
    let txn = state.db.begin_write().await?;
    let existing = super::account_of_person(&*txn, actor.org_id, person_id).await?;
    if existing.as_ref().is_some_and(|a| a.status == PortalStatus::Suspended.code()) {
        return Err(FieldErrors::single("channel", "portal-error-suspended-first").into());
    }
    if let Some(other) = super::account_by_email(&*txn, &key).await?
        && existing.as_ref().is_none_or(|a| a.id != other.id)
    {
        return Err(FieldErrors::single("email", "portal-error-email-taken").into());
    }
    let account = match existing {
        Some(a) => {
            let version = a.version;
            let mut active: portal_account::ActiveModel = a.into();
            active.email = Set(valid.email.clone());
            active.email_key = Set(key.clone());
            active.version = Set(version + 1);
            active.updated_at = Set(now);
            portal_account::Entity::update(active).exec(&*txn).await?
        }
        None => {
            let model = portal_account::Model {
                id: Uuid::new_v4(),
                org_id: actor.org_id,
                person_id,
                email: valid.email.clone(),
                email_key: key.clone(),
                password_hash: None,
                totp_secret: None,
                totp_enabled: false,
                totp_last_step: None,
                status: PortalStatus::Invited.code().into(),
                failed_logins: 0,
                locked_until: None,
                last_sign_in_at: None,
                language: opened
                    .person
                    .preferred_language
                    .as_deref()
                    .and_then(UiLanguage::parse)
                    .map(|l| l.code().into()),
                session_epoch: 0,
                invited_by: actor.staff_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            portal_account::Entity::insert(portal_account::ActiveModel::from(model.clone()))
                .exec_without_returning(&*txn)
                .await?;
            model
        }
    };
    portal_invitation::Entity::update_many()
        .col_expr(portal_invitation::Column::RevokedAt, Expr::value(now))
        .filter(portal_invitation::Column::OrgId.eq(actor.org_id))
        .filter(portal_invitation::Column::AccountId.eq(account.id))
        .filter(portal_invitation::Column::UsedAt.is_null())
        .filter(portal_invitation::Column::RevokedAt.is_null())
        .exec(&*txn)
        .await?;
    let destination_masked = match (valid.channel, &valid.phone) {
        (InvitationChannel::Sms, Some(phone)) => mask_phone(phone),
        _ => mask_email(&valid.email),
    };
    let invitation = portal_invitation::Model {
        id: Uuid::new_v4(),
        org_id: actor.org_id,
        account_id: account.id,
        person_id,
        channel: valid.channel.code().into(),
        destination_masked,
        token_digest: crate::auth::token_digest(&token),
        delivery: InvitationDelivery::Shown.code().into(),
        expires_at: invitation_expires(now),
        used_at: None,
        revoked_at: None,
        sent_by: actor.staff_id,
        created_at: now,
    };
    portal_invitation::Entity::insert(portal_invitation::ActiveModel::from(invitation.clone()))
        .exec_without_returning(&*txn)
        .await?;
    let entry = actor_entry(actor, "portal.invite")
        .record("person", person_id)
        .detail(json!({ "account_id": account.id, "invitation_id": invitation.id, "channel": valid.channel.code() }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;

    let org = crate::db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)?;
    let path = format!("/my/invitation/{token}");
    let sent = deliver(state, &org, &opened.person, &account, &valid, &path).await;
    let (delivery, not_sent) = match sent {
        Ok(()) => (InvitationDelivery::Sent, None),
        Err(NotSent::Failed) => (InvitationDelivery::Failed, Some(NotSent::Failed)),
        Err(other) => (InvitationDelivery::Shown, Some(other)),
    };
    let txn = state.db.begin_write().await?;
    portal_invitation::Entity::update_many()
        .col_expr(portal_invitation::Column::Delivery, Expr::value(delivery.code()))
        .filter(portal_invitation::Column::OrgId.eq(actor.org_id))
        .filter(portal_invitation::Column::Id.eq(invitation.id))
        .exec(&*txn)
        .await?;
    let outcome = if delivery == InvitationDelivery::Failed {
        crate::audit::Outcome::Failure
    } else {
        crate::audit::Outcome::Success
    };
    let entry = actor_entry(actor, "portal.invite.delivery")
        .record("person", person_id)
        .outcome(outcome)
        .detail(json!({ "invitation_id": invitation.id, "delivery": delivery.code() }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    let link = not_sent.map(|_| state.config.link(&path));
    Ok(Invited {
        account,
        invitation: portal_invitation::Model { delivery: delivery.code().into(), ..invitation },
        delivery,
        not_sent,
        link,
    })
}

/// The person's language for the message: their account's, their record's, else the organisation's.
fn language_for(account: &portal_account::Model, person: &person::Model, org: &organisation::Model) -> UiLanguage {
    account
        .language
        .as_deref()
        .and_then(UiLanguage::parse)
        .or_else(|| person.preferred_language.as_deref().and_then(UiLanguage::parse))
        .or_else(|| UiLanguage::parse(&org.default_language))
        .unwrap_or(UiLanguage::En)
}

async fn deliver(
    state: &AppState,
    org: &organisation::Model,
    person: &person::Model,
    account: &portal_account::Model,
    valid: &ValidInvite,
    path: &str,
) -> Result<(), NotSent> {
    let configured = match valid.channel {
        InvitationChannel::Email => state.config.smtp.is_some(),
        InvitationChannel::Sms => state.config.sms.is_some(),
    };
    if !configured {
        return Err(NotSent::NoChannel);
    }
    if state.config.public_url.is_none() {
        return Err(NotSent::NoPublicUrl);
    }
    let link = state.config.link(path);
    let name = person.preferred_name.as_deref().unwrap_or(&person.legal_given_name);
    let text = delivery::Invitation {
        tr: crate::i18n::Tr::new(language_for(account, person, org)),
        org_name: &org.name,
        name,
        link: &link,
        hours: INVITATION_HOURS,
    };
    let result = match (valid.channel, &state.config.smtp, &state.config.sms, &valid.phone) {
        (InvitationChannel::Email, Some(smtp), _, _) => delivery::send_email(smtp, &valid.email, &text).await,
        (InvitationChannel::Sms, _, Some(sms), Some(phone)) => delivery::send_sms(sms, phone, &text.sms_body()).await,
        _ => return Err(NotSent::NoChannel),
    };
    result.map_err(|error| {
        // Which account and why; never the address, the number, the link or the message.
        tracing::warn!(org_id = %org.id, account_id = %account.id, channel = valid.channel.code(), %error,
            "portal: invitation not sent; the link was shown to the staff member instead");
        NotSent::Failed
    })
}

/// Suspends (signs the person out everywhere, refuses sign-in) or reactivates an account.
pub async fn set_suspended(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    suspend: bool,
    version: i32,
) -> AppResult<portal_account::Model> {
    records::open(state, actor, person_id, Action::EditPerson).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let account = super::account_of_person(&*txn, actor.org_id, person_id).await?.ok_or(AppError::NotFound)?;
    if account.version != version {
        return Err(AppError::Conflict);
    }
    let status = match (suspend, account.password_hash.is_some()) {
        (true, _) => PortalStatus::Suspended,
        (false, true) => PortalStatus::Active,
        (false, false) => PortalStatus::Invited,
    };
    let epoch = account.session_epoch + i32::from(suspend);
    let result = portal_account::Entity::update_many()
        .col_expr(portal_account::Column::Status, Expr::value(status.code()))
        .col_expr(portal_account::Column::SessionEpoch, Expr::value(epoch))
        .col_expr(portal_account::Column::Version, Expr::value(version + 1))
        .col_expr(portal_account::Column::UpdatedAt, Expr::value(now))
        .filter(portal_account::Column::OrgId.eq(actor.org_id))
        .filter(portal_account::Column::Id.eq(account.id))
        .filter(portal_account::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    if suspend {
        // Unused links stop working too.
        portal_invitation::Entity::update_many()
            .col_expr(portal_invitation::Column::RevokedAt, Expr::value(now))
            .filter(portal_invitation::Column::OrgId.eq(actor.org_id))
            .filter(portal_invitation::Column::AccountId.eq(account.id))
            .filter(portal_invitation::Column::UsedAt.is_null())
            .filter(portal_invitation::Column::RevokedAt.is_null())
            .exec(&*txn)
            .await?;
    }
    let action = if suspend { "portal.suspend" } else { "portal.reactivate" };
    let entry = actor_entry(actor, action).record("person", person_id).detail(json!({ "account_id": account.id }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    let saved = super::account(state.db.conn(), account.id).await?.ok_or(AppError::NotFound)?;
    Ok(saved)
}

/// One account in the organisation's list (no password, secret or link).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AccountSummary {
    pub id: Uuid,
    pub person_id: Uuid,
    pub email: String,
    /// `invited`, `active` or `suspended`.
    pub status: String,
    pub two_factor: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_sign_in_at: Option<time::OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    pub version: i32,
}

impl From<&portal_account::Model> for AccountSummary {
    fn from(a: &portal_account::Model) -> Self {
        AccountSummary {
            id: a.id,
            person_id: a.person_id,
            email: a.email.clone(),
            status: a.status.clone(),
            two_factor: a.totp_enabled,
            last_sign_in_at: a.last_sign_in_at,
            created_at: a.created_at,
            version: a.version,
        }
    }
}

/// Every portal account of the organisation: directors and administrators only.
pub async fn list(state: &AppState, actor: &Actor) -> AppResult<Vec<AccountSummary>> {
    if !access::allows(actor, Action::ManagePortalAccounts, Reach::Outside) {
        let entry = actor_entry(actor, "access.denied")
            .outcome(crate::audit::Outcome::Denied)
            .detail(json!({ "action": "ManagePortalAccounts" }));
        crate::db::audit::append_now(&state.db, entry, state.clock.now()).await?;
        return Err(AppError::Forbidden);
    }
    let rows = portal_account::Entity::find()
        .filter(portal_account::Column::OrgId.eq(actor.org_id))
        .all(state.db.conn())
        .await?;
    let entry = actor_entry(actor, "portal.account.list").detail(json!({ "results": rows.len() }));
    crate::db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(rows.iter().map(AccountSummary::from).collect())
}

/// The people a worker is assigned to through open enrolments, each once.
async fn caseload_people(conn: &impl ConnectionTrait, org_id: Uuid, staff_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    Ok(enrolment::Entity::find()
        .filter(enrolment::Column::OrgId.eq(org_id))
        .filter(enrolment::Column::WorkerId.eq(staff_id))
        .filter(enrolment::Column::EndedOn.is_null())
        .all(conn)
        .await?
        .into_iter()
        .map(|e| e.person_id)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect())
}

fn pending_of(org_id: Uuid, people: Vec<Uuid>) -> sea_orm::Select<plan_suggestion::Entity> {
    plan_suggestion::Entity::find()
        .filter(plan_suggestion::Column::OrgId.eq(org_id))
        .filter(plan_suggestion::Column::Status.eq(SuggestionStatus::Pending.code()))
        .filter(plan_suggestion::Column::PersonId.is_in(people))
}

/// Pending plan suggestions from the people a worker is assigned to (open enrolments), for the
/// worker's home page.
pub async fn pending_suggestions_for_worker(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    staff_id: Uuid,
) -> Result<u64, DbErr> {
    let people = caseload_people(conn, org_id, staff_id).await?;
    let mut total = 0;
    for chunk in people.chunks(400) {
        total += pending_of(org_id, chunk.to_vec()).count(conn).await?;
    }
    Ok(total)
}

/// A suggestion waiting for the worker's answer, with whose it is.
pub struct PendingSuggestion {
    pub suggestion: plan_suggestion::Model,
    pub person_name: String,
}

/// The worker's own caseload's pending suggestions, oldest first (the list behind the home-page
/// count). Names people, so the list is audited with how many it showed.
pub async fn pending_suggestions_list(state: &AppState, actor: &Actor) -> AppResult<Vec<PendingSuggestion>> {
    let conn = state.db.conn();
    let people = caseload_people(conn, actor.org_id, actor.staff_id).await?;
    let mut rows = Vec::new();
    for chunk in people.chunks(400) {
        rows.extend(pending_of(actor.org_id, chunk.to_vec()).all(conn).await?);
    }
    rows.sort_by_key(|s| s.created_at);
    let ids: Vec<Uuid> = rows.iter().map(|s| s.person_id).collect();
    let names: std::collections::HashMap<Uuid, String> = crate::db::people::summaries(&state.db, actor.org_id, &ids)
        .await?
        .into_iter()
        .map(|p| {
            let given = p.preferred_name.unwrap_or(p.legal_given_name);
            (p.id, format!("{given} {}", p.legal_family_name))
        })
        .collect();
    let entry = actor_entry(actor, "portal.suggestion.list").detail(json!({ "results": rows.len() }));
    crate::db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(rows
        .into_iter()
        .map(|s| PendingSuggestion { person_name: names.get(&s.person_id).cloned().unwrap_or_default(), suggestion: s })
        .collect())
}
