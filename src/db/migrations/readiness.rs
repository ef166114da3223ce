//! Accreditation readiness: the organisation's rating thresholds and applicability facts, and the
//! self-ratings the quality lead records beside each suggested rating (kept, never overwritten, so
//! their history shows progress).

use super::{index, one_of, org_id};
use crate::standards::catalogue::Source;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Readiness;

#[async_trait::async_trait]
impl MigrationTrait for Readiness {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row per organisation, written on first save; until then the defaults apply.
        m.create_table(
            Table::create()
                .table("readiness_settings")
                .col(pk_uuid("org_id"))
                .col(double("full_percent"))
                .col(double("minor_percent"))
                .col(double("significant_percent"))
                .col(boolean("screening_contracted").default(false))
                .col(uuid_null("updated_by"))
                .col(integer("version").default(1))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("standard_ratings")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(string("source").check(one_of("source", Source::CODES)))
                .col(string("standard_id"))
                .col(date("period_from"))
                .col(date("period_to"))
                // The suggestion shown when the self-rating was recorded (NULL: nothing to rate on).
                .col(integer_null("suggested"))
                .col(integer("self_rating").check(Expr::col("self_rating").between(1, 4)))
                .col(text_null("note"))
                .col(uuid("rated_by"))
                .col(timestamp_with_time_zone("rated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("standard_ratings_history", "standard_ratings", &["org_id", "source", "standard_id", "rated_at"])
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("standard_ratings").to_owned()).await?;
        m.drop_table(Table::drop().table("readiness_settings").to_owned()).await
    }
}
