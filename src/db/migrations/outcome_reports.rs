//! How the organisation's de-identified outcome exports are made: dates shifted or reduced to the
//! month, and the secret behind the stable pseudonymous ids.

use super::{one_of, stamps};
use crate::domain::outcomes::ExportDates;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct OutcomeReports;

#[async_trait::async_trait]
impl MigrationTrait for OutcomeReports {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            stamps(
                Table::create()
                    .table("outcome_settings")
                    .col(uuid("org_id").primary_key())
                    .col(string("export_dates").check(one_of("export_dates", ExportDates::CODES)))
                    .col(integer("shift_max_days"))
                    // 32 random bytes, hex: keys the pseudonyms and date shifts. Never shown or logged.
                    .col(string("pseudonym_key"))
                    .col(timestamp_with_time_zone("key_created_at")),
            )
            .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("outcome_settings").if_exists().to_owned()).await
    }
}
