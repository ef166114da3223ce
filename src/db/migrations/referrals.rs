//! Referrals to directory resources with their status history and closed-loop outcome, and
//! information-only contacts that log a need without a person record (CSE 6.01).

use super::{index, one_of, org_id, stamps};
use crate::domain::coaching::UnmetNeed;
use crate::domain::referral::{InfoChannel, NeedMet, ReferralHelp, ReferralStatus, ReferralUrgency};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Referrals;

#[async_trait::async_trait]
impl MigrationTrait for Referrals {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            stamps(
                Table::create()
                    .table("referrals")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("person_id"))
                    .col(uuid_null("program_id"))
                    .col(string("need").check(one_of("need", UnmetNeed::CODES)))
                    .col(text_null("need_detail"))
                    .col(date("need_identified_on"))
                    // The directory service (HSDS ids) and, as it was when referred, its name.
                    .col(string("service_id"))
                    .col(string_null("service_at_location_id"))
                    .col(string_null("resource_organization_id"))
                    .col(string("resource_name"))
                    .col(string("urgency").check(one_of("urgency", ReferralUrgency::CODES)))
                    .col(string("help").check(one_of("help", ReferralHelp::CODES)))
                    // Information kinds shared with the resource, joined with ';' (empty: nothing shared).
                    .col(text("shared_categories"))
                    .col(uuid_null("consent_id"))
                    .col(string("status").check(one_of("status", ReferralStatus::CODES)))
                    .col(date_null("referred_on"))
                    .col(date_null("follow_up_on"))
                    .col(boolean_null("connected"))
                    .col(date_null("connected_on"))
                    .col(
                        string_null("need_met")
                            .check(Expr::col("need_met").is_null().or(one_of("need_met", NeedMet::CODES))),
                    )
                    .col(text_null("outcome_note"))
                    .col(date_null("closed_on"))
                    .col(text_null("note"))
                    // The language the person's printout and message are written in.
                    .col(string_null("language"))
                    .col(uuid("made_by"))
                    // Who owes the follow-up.
                    .col(uuid("assigned_to")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("referrals_person", "referrals", &["org_id", "person_id"]).to_owned()).await?;
        m.create_index(
            index("referrals_follow_up", "referrals", &["org_id", "assigned_to", "follow_up_on"]).to_owned(),
        )
        .await?;
        m.create_index(index("referrals_service", "referrals", &["org_id", "service_id"]).to_owned()).await?;

        m.create_table(
            Table::create()
                .table("referral_events")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("referral_id"))
                .col(string("status").check(one_of("status", ReferralStatus::CODES)))
                .col(timestamp_with_time_zone("at"))
                .col(uuid("by_staff"))
                .col(date_null("follow_up_on"))
                .col(text_null("note"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("referral_events_referral", "referral_events", &["org_id", "referral_id", "at"]).to_owned(),
        )
        .await?;

        // An anonymous caller or walk-in: the need, what was given and any crisis signs; no person.
        m.create_table(
            Table::create()
                .table("info_contacts")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(timestamp_with_time_zone("at"))
                .col(uuid("staff_id"))
                .col(uuid_null("program_id"))
                .col(string("channel").check(one_of("channel", InfoChannel::CODES)))
                // Unmet-need codes joined with ';'.
                .col(text("needs"))
                .col(text_null("need_detail"))
                // Directory service ids given, joined with ';', and anything given from outside it.
                .col(text("service_ids"))
                .col(text_null("other_resources"))
                // Crisis flag codes joined with ';', and what was done about them.
                .col(text("crisis_flags"))
                .col(text_null("crisis_action"))
                .col(string_null("language"))
                // Town or postcode area only; never a name.
                .col(string_null("area"))
                .col(integer_null("minutes"))
                .col(text_null("note"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("info_contacts_at", "info_contacts", &["org_id", "at"]).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["info_contacts", "referral_events", "referrals"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
