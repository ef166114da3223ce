//! Outcome measurements (shared by measures, logic models and dashboards), the per-organisation
//! stamp that tells cached dashboards new data arrived, and the person's gender for disaggregation.

use super::{index, one_of, org_id, stamps};
use crate::domain::codes::Gender;
use crate::domain::outcomes::{MeasureSource, MeasureStatus, Occasion};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Outcomes;

#[async_trait::async_trait]
impl MigrationTrait for Outcomes {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One answered (or declined) instrument or indicator for one person. The instrument is named by
        // its key and version, so built-in and organisation-defined ones are stored alike.
        m.create_table(
            stamps(
                Table::create()
                    .table("outcome_measurements")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("person_id"))
                    .col(uuid_null("program_id"))
                    .col(uuid_null("site_id"))
                    .col(string("instrument_key"))
                    .col(integer("instrument_version"))
                    .col(string("occasion").check(one_of("occasion", Occasion::CODES)))
                    .col(string("source").check(one_of("source", MeasureSource::CODES)))
                    .col(string("status").check(one_of("status", MeasureStatus::CODES)))
                    .col(date("taken_on"))
                    // JSON object: item key → answer.
                    .col(text("answers"))
                    .col(double_null("score"))
                    .col(string_null("interpretation"))
                    .col(text_null("note"))
                    .col(uuid_null("recorded_by"))
                    .col(uuid_null("portal_account_id")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            index("outcome_measurements_person", "outcome_measurements", &["org_id", "person_id", "taken_on"])
                .to_owned(),
        )
        .await?;
        // The dashboards read one instrument's scores across the organisation in person order.
        m.create_index(
            index(
                "outcome_measurements_instrument",
                "outcome_measurements",
                &["org_id", "instrument_key", "person_id", "taken_on", "score"],
            )
            .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("outcome_stamps")
                .col(uuid("org_id").primary_key())
                .col(big_integer("generation").default(0))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;

        for column in [
            string_null("gender").check(Expr::col("gender").is_null().or(one_of("gender", Gender::CODES))).to_owned(),
            string_null("gender_self_described").to_owned(),
        ] {
            m.alter_table(Table::alter().table("people").add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["gender_self_described", "gender"] {
            m.alter_table(Table::alter().table("people").drop_column(column).to_owned()).await?;
        }
        for table in ["outcome_stamps", "outcome_measurements"] {
            m.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
