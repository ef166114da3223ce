//! Consents to share a person's information and the accounting of every disclosure made under one.

use super::{index, one_of, org_id, stamps};
use crate::domain::consent::{ConsentLaw, ConsentPurpose, ConsentSigner, DisclosureChannel, SignatureMethod};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Consents;

#[async_trait::async_trait]
impl MigrationTrait for Consents {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            stamps(
                Table::create()
                    .table("consents")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("person_id"))
                    .col(string("law").check(one_of("law", ConsentLaw::CODES)))
                    // Who discloses: the organisation or the named program.
                    .col(string("discloser"))
                    // To whom: a directory organisation (HSDS id) or a recipient named on the form.
                    .col(string_null("recipient_organization_id"))
                    .col(string("recipient_name"))
                    .col(text_null("recipient_detail"))
                    // What and how much: kinds joined with ';' and the description on the form.
                    .col(text("categories"))
                    .col(text("information_detail"))
                    .col(text("purposes"))
                    .col(text_null("purpose_detail"))
                    .col(date_null("expires_on"))
                    .col(text_null("expiry_event"))
                    .col(date_null("expiry_event_on"))
                    .col(date("signed_on"))
                    .col(string("signer").check(one_of("signer", ConsentSigner::CODES)))
                    .col(string("signer_name"))
                    .col(string_null("signer_authority"))
                    .col(string("signature_method").check(one_of("signature_method", SignatureMethod::CODES)))
                    // The person was told they may revoke, and how.
                    .col(boolean("revocation_explained"))
                    .col(date_null("revoked_on"))
                    .col(uuid_null("revoked_by"))
                    .col(text_null("revocation_note"))
                    .col(uuid("recorded_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("consents_person", "consents", &["org_id", "person_id"]).to_owned()).await?;

        // The accounting of disclosures a person can ask for (kept at least three years).
        m.create_table(
            Table::create()
                .table("disclosures")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("person_id"))
                .col(uuid("consent_id"))
                .col(timestamp_with_time_zone("disclosed_at"))
                .col(string_null("recipient_organization_id"))
                .col(string("recipient_name"))
                .col(text("categories"))
                .col(string("purpose").check(one_of("purpose", ConsentPurpose::CODES)))
                .col(string("channel").check(one_of("channel", DisclosureChannel::CODES)))
                .col(uuid_null("referral_id"))
                // The redisclosure notice went with the information.
                .col(boolean("notice_included"))
                .col(text_null("description"))
                .col(uuid("disclosed_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("disclosures_person", "disclosures", &["org_id", "person_id", "disclosed_at"]).to_owned())
            .await?;
        m.create_index(index("disclosures_consent", "disclosures", &["org_id", "consent_id"]).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["disclosures", "consents"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
