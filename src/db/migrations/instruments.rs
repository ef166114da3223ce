//! Organisation-defined instruments and indicators: one row per version of a definition (JSON).

use super::{index, one_of, org_id, stamps};
use crate::domain::instruments::InstrumentKind;
use crate::domain::outcomes::OutcomeArea;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Instruments;

#[async_trait::async_trait]
impl MigrationTrait for Instruments {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            stamps(
                Table::create()
                    .table("instruments")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(string("key"))
                    .col(integer("instrument_version"))
                    .col(string("name"))
                    .col(string("kind").check(one_of("kind", InstrumentKind::CODES)))
                    .col(string("outcome_area").check(one_of("outcome_area", OutcomeArea::CODES)))
                    .col(boolean("active").default(true))
                    .col(text("definition"))
                    .col(uuid_null("created_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            index("instruments_key_version", "instruments", &["org_id", "key", "instrument_version"])
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("instruments").if_exists().to_owned()).await?;
        Ok(())
    }
}
