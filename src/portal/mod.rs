//! The participant portal: a person served sees and shapes their own record, and only theirs.
//!
//! - `accounts`: staff invite people (e-mail or SMS link), resend, suspend and reactivate.
//! - `delivery`: the invitation message through the SMTP mailer or the SMS gateway.
//! - `signin`: the person accepts an invitation, signs in (password, optional second factor).
//! - `me`: what the person reads about themselves (plan, contacts, groups, records, disclosures).
//! - `suggestions`: plan suggestions the person makes and the coach accepts or declines.
//!
//! Every function on the person's side takes a [`Me`], built only from the signed-in portal
//! session: nothing here takes a person id from the outside, and every id that does come in (a
//! suggestion, a group, a plan) is looked up with the organisation AND the person.

pub mod accounts;
pub mod delivery;
pub mod me;
pub mod signin;
pub mod suggestions;

use crate::audit::Entry;
use crate::db::entities::{plan_suggestion, portal_account, portal_invitation};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

pub use accounts::pending_suggestions_for_worker;

/// The signed-in person using the portal. Built only by the portal session extractor.
#[derive(Clone, Debug)]
pub struct Me {
    pub account_id: Uuid,
    pub org_id: Uuid,
    pub person_id: Uuid,
    pub ip: Option<String>,
}

impl Me {
    pub fn of(account: &portal_account::Model, ip: Option<String>) -> Me {
        Me { account_id: account.id, org_id: account.org_id, person_id: account.person_id, ip }
    }

    /// An audit entry for the person's own action: no staff actor, the account as the label.
    pub fn entry(&self, action: &'static str) -> Entry {
        let mut entry = Entry::new(self.org_id, action).record("person", self.person_id);
        entry.actor_label = Some(actor_label(self.account_id));
        entry.ip = self.ip.clone();
        entry
    }
}

/// How portal actions are labelled in the audit log.
pub fn actor_label(account_id: Uuid) -> String {
    format!("portal:{account_id}")
}

pub async fn account(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<portal_account::Model>, DbErr> {
    portal_account::Entity::find_by_id(id).one(conn).await
}

pub async fn account_of_person(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
) -> Result<Option<portal_account::Model>, DbErr> {
    portal_account::Entity::find()
        .filter(portal_account::Column::OrgId.eq(org_id))
        .filter(portal_account::Column::PersonId.eq(person_id))
        .one(conn)
        .await
}

pub async fn account_by_email(
    conn: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<portal_account::Model>, DbErr> {
    let key = crate::domain::portal::email_key(email);
    if key.is_empty() {
        return Ok(None);
    }
    portal_account::Entity::find().filter(portal_account::Column::EmailKey.eq(key)).one(conn).await
}

pub async fn invitations(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    account_id: Uuid,
) -> Result<Vec<portal_invitation::Model>, DbErr> {
    portal_invitation::Entity::find()
        .filter(portal_invitation::Column::OrgId.eq(org_id))
        .filter(portal_invitation::Column::AccountId.eq(account_id))
        .order_by_desc(portal_invitation::Column::CreatedAt)
        .all(conn)
        .await
}

/// A person's suggestions (newest first), optionally for one plan.
pub async fn suggestions_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
    plan_id: Option<Uuid>,
) -> Result<Vec<plan_suggestion::Model>, DbErr> {
    let mut q = plan_suggestion::Entity::find()
        .filter(plan_suggestion::Column::OrgId.eq(org_id))
        .filter(plan_suggestion::Column::PersonId.eq(person_id));
    if let Some(plan_id) = plan_id {
        q = q.filter(plan_suggestion::Column::PlanId.eq(plan_id));
    }
    q.order_by_desc(plan_suggestion::Column::CreatedAt).all(conn).await
}

/// The demo's portal sign-ins (`mainstay demo`; the demo password). The first has plan
/// suggestions waiting for the coach; the second also needs a code from an authenticator app set
/// up with [`DEMO_TOTP_SECRET`]; the third has had suggestions answered.
pub const DEMO_USERS: &[&str] = &["alex.portal@demo.example", "blair.portal@demo.example", "casey.portal@demo.example"];

/// The second demo portal user's sign-in code secret (base32), for an authenticator app.
pub const DEMO_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
