//! Consents to share a person's information outside the organisation, and the accounting of
//! disclosures. Anything that sends a person's details out (a referral with shared details, a
//! printout for a third party, an export) asks `covering` first and calls `record_disclosure` in
//! the same transaction as the write that discloses.

use crate::access::Actor;
use crate::db::WriteTxn;
use crate::db::entities::{consent, disclosure};
use crate::domain::codes::{join_codes, split_codes};
use crate::domain::consent::{
    ConsentGap, ConsentPurpose, ConsentTerms, DisclosureChannel, DisclosureRequest, InfoCategory, covers,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use time::OffsetDateTime;
use uuid::Uuid;

/// What a stored consent says, for the coverage rule.
pub struct StoredTerms {
    categories: Vec<InfoCategory>,
    purposes: Vec<ConsentPurpose>,
}

impl StoredTerms {
    pub fn of(row: &consent::Model) -> StoredTerms {
        StoredTerms { categories: split_codes(&row.categories), purposes: split_codes(&row.purposes) }
    }

    pub fn terms<'a>(&'a self, row: &'a consent::Model) -> ConsentTerms<'a> {
        ConsentTerms {
            recipient_organization_id: row.recipient_organization_id.as_deref(),
            recipient_name: &row.recipient_name,
            categories: &self.categories,
            purposes: &self.purposes,
            signed_on: row.signed_on,
            expires_on: row.expires_on,
            expiry_event_on: row.expiry_event_on,
            revoked_on: row.revoked_on,
        }
    }
}

/// The person's consent that covers the disclosure (the most recently signed when several do), or,
/// when none does, why each of their consents falls short (empty: they have none).
pub async fn covering(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
    request: &DisclosureRequest<'_>,
) -> Result<Result<consent::Model, Vec<(consent::Model, ConsentGap)>>, DbErr> {
    let rows = consent::Entity::find()
        .filter(consent::Column::OrgId.eq(org_id))
        .filter(consent::Column::PersonId.eq(person_id))
        .order_by_desc(consent::Column::SignedOn)
        .order_by_desc(consent::Column::CreatedAt)
        .all(conn)
        .await?;
    let mut gaps = Vec::new();
    for row in rows {
        let stored = StoredTerms::of(&row);
        match covers(&stored.terms(&row), request) {
            Ok(()) => return Ok(Ok(row)),
            Err(gap) => gaps.push((row, gap)),
        }
    }
    Ok(Err(gaps))
}

/// A disclosure about to be made under `consent_id`.
pub struct NewDisclosure<'a> {
    pub person_id: Uuid,
    pub consent_id: Uuid,
    pub recipient_organization_id: Option<&'a str>,
    pub recipient_name: &'a str,
    pub categories: &'a [InfoCategory],
    pub purpose: ConsentPurpose,
    pub channel: DisclosureChannel,
    pub referral_id: Option<Uuid>,
    /// Whether the redisclosure notice travels with the information.
    pub notice_included: bool,
    pub description: Option<&'a str>,
}

/// Adds the disclosure to the person's accounting, with an audit event, inside the caller's write.
pub async fn record_disclosure(
    txn: &WriteTxn,
    actor: &Actor,
    d: &NewDisclosure<'_>,
    now: OffsetDateTime,
) -> Result<Uuid, DbErr> {
    let id = Uuid::new_v4();
    disclosure::ActiveModel {
        id: Set(id),
        org_id: Set(actor.org_id),
        person_id: Set(d.person_id),
        consent_id: Set(d.consent_id),
        disclosed_at: Set(now),
        recipient_organization_id: Set(d.recipient_organization_id.map(str::to_string)),
        recipient_name: Set(d.recipient_name.to_string()),
        categories: Set(join_codes(d.categories)),
        purpose: Set(d.purpose.code().to_string()),
        channel: Set(d.channel.code().to_string()),
        referral_id: Set(d.referral_id),
        notice_included: Set(d.notice_included),
        description: Set(d.description.map(str::to_string)),
        disclosed_by: Set(actor.staff_id),
        created_at: Set(now),
    }
    .insert(&**txn)
    .await?;
    let entry =
        crate::web::actor_entry(actor, "disclosure.record").record("person", d.person_id).detail(serde_json::json!({
            "disclosure_id": id,
            "consent_id": d.consent_id,
            "channel": d.channel.code(),
            "categories": join_codes(d.categories),
        }));
    crate::db::audit::append(txn, entry, now).await?;
    Ok(id)
}
