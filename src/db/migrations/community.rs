//! Opportunities, peer-support aims and the welcoming environment (CSE 7.01, 7.03 / CA-CSE 7.01, 7.02, 7.04).

use super::{index, one_of, org_id, stamps};
use crate::domain::community::{AimSubject, OpportunityKind, OpportunityStatus, PeerAim, WelcomeAnswer, WelcomeItem};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Community;

#[async_trait::async_trait]
impl MigrationTrait for Community {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // What each person was offered and took part in; counted for outcomes.
        m.create_table(
            stamps(
                Table::create()
                    .table("opportunities")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("person_id"))
                    .col(uuid_null("program_id"))
                    .col(string("kind").check(one_of("kind", OpportunityKind::CODES)))
                    .col(string("status").check(one_of("status", OpportunityStatus::CODES)))
                    .col(string("title"))
                    .col(text_null("description"))
                    .col(date("offered_on"))
                    .col(date_null("taken_on"))
                    .col(date_null("completed_on"))
                    .col(double_null("hours"))
                    .col(uuid("recorded_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("opportunities_person", "opportunities", &["org_id", "person_id"]).to_owned()).await?;
        m.create_index(
            index("opportunities_program", "opportunities", &["org_id", "program_id", "offered_on"]).to_owned(),
        )
        .await?;

        // The aims a contact, group, group session or opportunity serves: one row per aim.
        m.create_table(
            Table::create()
                .table("peer_aim_tags")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(string("subject_kind").check(one_of("subject_kind", AimSubject::CODES)))
                .col(uuid("subject_id"))
                .col(string("aim").check(one_of("aim", PeerAim::CODES)))
                .col(uuid("tagged_by"))
                .col(timestamp_with_time_zone("tagged_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("peer_aim_tags_subject", "peer_aim_tags", &["org_id", "subject_kind", "subject_id", "aim"])
                .unique()
                .to_owned(),
        )
        .await?;

        // Dated reviews of a site against the welcoming-environment checklist.
        m.create_table(
            stamps(
                Table::create()
                    .table("welcome_reviews")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("site_id"))
                    .col(date("reviewed_on"))
                    .col(uuid("reviewed_by"))
                    // People served who took part in the review.
                    .col(integer("participants").default(0))
                    .col(text_null("notes"))
                    .col(text_null("follow_up"))
                    // Set from the review interval (12 months) unless the reviewer chose a date.
                    .col(date("next_review_on")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            index("welcome_reviews_site", "welcome_reviews", &["org_id", "site_id", "reviewed_on"]).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("welcome_checks")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("review_id"))
                .col(string("item").check(one_of("item", WelcomeItem::CODES)))
                .col(string("answer").check(one_of("answer", WelcomeAnswer::CODES)))
                .col(text_null("note"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("welcome_checks_review", "welcome_checks", &["org_id", "review_id", "item"]).unique().to_owned(),
        )
        .await?;

        // Photos kept as evidence; read only through an authorised route.
        m.create_table(
            Table::create()
                .table("welcome_photos")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("review_id"))
                .col(string_null("caption"))
                .col(string("filename"))
                .col(string("content_type"))
                .col(big_integer("size"))
                .col(string("sha256"))
                .col(blob("data"))
                .col(uuid("uploaded_by"))
                .col(timestamp_with_time_zone("uploaded_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("welcome_photos_review", "welcome_photos", &["org_id", "review_id"]).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["welcome_photos", "welcome_checks", "welcome_reviews", "peer_aim_tags", "opportunities"] {
            m.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
