//! What keeps the cold outcome dashboard fast: one summary row per person and measure (baseline,
//! latest, count), kept up to date in every write transaction, and an index that answers the
//! monthly contact outputs without reading the contacts themselves.

use super::{index, org_id};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct OutcomeSpeed;

#[async_trait::async_trait]
impl MigrationTrait for OutcomeSpeed {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // `program_key` is the nil id for the whole organisation, or the program the person's
        // measurements were taken in (the baseline within a program is that program's first score).
        m.create_table(
            Table::create()
                .table("outcome_person_summaries")
                .col(org_id())
                .col(string("instrument_key"))
                .col(uuid("program_key"))
                .col(uuid("person_id"))
                .col(date("first_on"))
                .col(double("first_score"))
                .col(date("latest_on"))
                .col(double("latest_score"))
                .col(integer("measured_count"))
                .col(uuid_null("latest_site"))
                .col(uuid_null("latest_program"))
                .primary_key(Index::create().col("org_id").col("instrument_key").col("program_key").col("person_id"))
                .to_owned(),
        )
        .await?;
        // Dashboards group people by their pair of scores straight from this index, in its order.
        m.create_index(
            index(
                "outcome_person_summaries_pairs",
                "outcome_person_summaries",
                &[
                    "org_id",
                    "instrument_key",
                    "program_key",
                    "first_score",
                    "latest_score",
                    "measured_count",
                    "latest_on",
                ],
            )
            .to_owned(),
        )
        .await?;
        // Breakdowns and past periods look people up by the day of their latest score.
        m.create_index(
            index(
                "outcome_person_summaries_latest",
                "outcome_person_summaries",
                &["org_id", "instrument_key", "program_key", "latest_on"],
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "contacts_outputs",
                "coaching_contacts",
                &["org_id", "occurred_at", "group_session_id", "program_id", "mode", "minutes"],
            )
            .to_owned(),
        )
        .await?;
        crate::outcomes::summary::rebuild_everywhere(m.get_connection()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("contacts_outputs").table("coaching_contacts").to_owned()).await?;
        m.drop_table(Table::drop().table("outcome_person_summaries").if_exists().to_owned()).await
    }
}
