//! Per-program logic models (CSE 1.01, 1.02): one model per program, its rows (needs with evidence,
//! inputs, activities, counted outputs, long-term impact), its desired outcomes with their measure and
//! target, and a snapshot of every save.

use super::{index, one_of, org_id, stamps};
use crate::domain::logic_models::Part;
use crate::domain::outcomes::{OutcomeArea, TargetKind};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct LogicModels;

#[async_trait::async_trait]
impl MigrationTrait for LogicModels {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One model per program; `version` guards concurrent edits.
        m.create_table(
            stamps(
                Table::create()
                    .table("logic_models")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("program_id"))
                    .col(uuid_null("updated_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("logic_models_program", "logic_models", &["org_id", "program_id"]).unique().to_owned())
            .await?;

        // The rows of the needs, inputs, activities, outputs and impact parts, in `position` order.
        // `kind` is the evidence kind (needs), input kind, output kind or impact level.
        let item_parts: Vec<&str> = Part::CODES.iter().copied().filter(|p| *p != "outcomes").collect();
        m.create_table(
            Table::create()
                .table("logic_model_items")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("model_id"))
                .col(string("part").check(one_of("part", &item_parts)))
                .col(integer("position"))
                .col(string_null("kind"))
                .col(text("text"))
                .col(string_null("evidence_title"))
                .col(string_null("evidence_date"))
                .col(string_null("evidence_link"))
                .col(double_null("planned"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("logic_model_items_model", "logic_model_items", &["org_id", "model_id", "part", "position"])
                .to_owned(),
        )
        .await?;

        // Desired outcomes: ids stay the same across saves so dashboards can point at one.
        m.create_table(
            Table::create()
                .table("logic_model_outcomes")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("model_id"))
                .col(uuid("program_id"))
                .col(integer("position"))
                .col(text("statement"))
                .col(string("area").check(one_of("area", OutcomeArea::CODES)))
                .col(string_null("instrument_key"))
                .col(
                    string_null("target_kind")
                        .check(Expr::col("target_kind").is_null().or(one_of("target_kind", TargetKind::CODES))),
                )
                .col(double_null("target_value"))
                .col(double_null("target_share"))
                .col(string_null("timeframe"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("logic_model_outcomes_model", "logic_model_outcomes", &["org_id", "model_id", "position"]).to_owned(),
        )
        .await?;
        m.create_index(
            index("logic_model_outcomes_program", "logic_model_outcomes", &["org_id", "program_id"]).to_owned(),
        )
        .await?;

        // Every save's whole model as JSON, to show who changed what and when.
        m.create_table(
            Table::create()
                .table("logic_model_revisions")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("model_id"))
                .col(uuid("program_id"))
                .col(integer("version"))
                .col(uuid("saved_by"))
                .col(timestamp_with_time_zone("saved_at"))
                .col(text("snapshot"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("logic_model_revisions_model", "logic_model_revisions", &["org_id", "model_id", "version"])
                .unique()
                .to_owned(),
        )
        .await?;

        // Live outputs read contacts by time across a program or the whole organisation; the
        // existing contact indexes lead with a person or a worker.
        m.create_index(index("contacts_time", "coaching_contacts", &["org_id", "occurred_at"]).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("contacts_time").table("coaching_contacts").to_owned()).await?;
        for table in ["logic_model_revisions", "logic_model_outcomes", "logic_model_items", "logic_models"] {
            m.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
