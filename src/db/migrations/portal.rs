//! The participant portal: accounts, invitations and plan suggestions.

use super::{index, one_of, org_id, stamps};
use crate::domain::portal::{InvitationChannel, InvitationDelivery, PortalStatus, SuggestionKind, SuggestionStatus};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Portal;

#[async_trait::async_trait]
impl MigrationTrait for Portal {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One account per person; the password, second factor and lock-out are the portal's own.
        m.create_table(
            stamps(
                Table::create()
                    .table("portal_accounts")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("person_id"))
                    .col(string("email"))
                    // Lower-case, trimmed: sign-in is by address alone, so it is unique everywhere.
                    .col(string("email_key"))
                    .col(string_null("password_hash"))
                    .col(string_null("totp_secret"))
                    .col(boolean("totp_enabled").default(false))
                    .col(big_integer_null("totp_last_step"))
                    .col(string("status").check(one_of("status", PortalStatus::CODES)))
                    .col(integer("failed_logins").default(0))
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(timestamp_with_time_zone_null("last_sign_in_at"))
                    .col(string_null("language"))
                    // Bumped when the password changes or the account is suspended: older sessions end.
                    .col(integer("session_epoch").default(0))
                    .col(uuid("invited_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            index("portal_accounts_person", "portal_accounts", &["org_id", "person_id"]).unique().to_owned(),
        )
        .await?;
        m.create_index(index("portal_accounts_email", "portal_accounts", &["email_key"]).unique().to_owned()).await?;

        // The link's token is never stored, only its digest; the destination only masked.
        m.create_table(
            Table::create()
                .table("portal_invitations")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("account_id"))
                .col(uuid("person_id"))
                .col(string("channel").check(one_of("channel", InvitationChannel::CODES)))
                .col(string("destination_masked"))
                .col(string("token_digest"))
                .col(string("delivery").check(one_of("delivery", InvitationDelivery::CODES)))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                // A newer invitation replaces this one.
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(uuid("sent_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("portal_invitations_token", "portal_invitations", &["token_digest"]).unique().to_owned())
            .await?;
        m.create_index(index("portal_invitations_account", "portal_invitations", &["org_id", "account_id"]).to_owned())
            .await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("plan_suggestions")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("person_id"))
                    .col(uuid("plan_id"))
                    .col(uuid("account_id"))
                    .col(string("kind").check(one_of("kind", SuggestionKind::CODES)))
                    .col(uuid_null("goal_id"))
                    // The goal's words when the suggestion was made (goals change later).
                    .col(text_null("goal_words"))
                    .col(text("body"))
                    .col(string("status").check(one_of("status", SuggestionStatus::CODES)))
                    .col(text_null("reply"))
                    .col(uuid_null("decided_by"))
                    .col(timestamp_with_time_zone_null("decided_at")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            index("plan_suggestions_person", "plan_suggestions", &["org_id", "person_id", "status"]).to_owned(),
        )
        .await?;
        m.create_index(index("plan_suggestions_plan", "plan_suggestions", &["org_id", "plan_id", "status"]).to_owned())
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["plan_suggestions", "portal_invitations", "portal_accounts"] {
            m.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
