//! Peer recovery coaching: recovery/wellness plans (versioned), contacts and progress notes with
//! addenda, each person's contact frequency and due dates, lapses, mutual-aid connections,
//! natural supports, and caseload transfers.

use super::{index, one_of, org_id, stamps};
use crate::domain::coaching::{
    Agreement, ContactFrequency, ContactMode, ContactSetting, Fellowship, NoteStatus, PlanStatus, PlanVersionKind,
    RecoveryStage, SupportEngagement, SupportRelationship,
};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Coaching;

fn optional_one_of(column: &'static str, codes: &[&str]) -> SimpleExpr {
    Expr::col(column).is_null().or(one_of(column, codes))
}

#[async_trait::async_trait]
impl MigrationTrait for Coaching {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // How often a program's plans are reviewed (never more than 90 days).
        m.alter_table(
            Table::alter()
                .table("program_intake_settings")
                .add_column(integer("plan_review_days").default(90))
                .to_owned(),
        )
        .await?;

        // One row per person in coaching: their contact frequency and the due dates the worklist
        // reads, kept current by every contact, plan and lapse write.
        m.create_table(
            Table::create()
                .table("coaching_status")
                .col(org_id())
                .col(uuid("person_id"))
                .col(string_null("stage").check(optional_one_of("stage", RecoveryStage::CODES)))
                .col(string("frequency").check(one_of("frequency", ContactFrequency::CODES)))
                .col(boolean("monitoring_raised").default(false))
                .col(text_null("reason"))
                .col(timestamp_with_time_zone_null("last_contact_at"))
                .col(date_null("contact_due_on"))
                .col(uuid_null("plan_id"))
                .col(string_null("plan_status").check(optional_one_of("plan_status", PlanStatus::CODES)))
                .col(date_null("plan_review_due_on"))
                .col(date_null("open_lapse_on"))
                .col(uuid_null("open_lapse_id"))
                .col(integer("version").default(1))
                .col(timestamp_with_time_zone("updated_at"))
                .col(uuid_null("updated_by"))
                .primary_key(Index::create().col("org_id").col("person_id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("recovery_plans")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("person_id"))
                    .col(uuid_null("program_id"))
                    .col(boolean("family").default(false))
                    .col(string("status").check(one_of("status", PlanStatus::CODES)))
                    // The working copy (JSON); agreed versions are kept in recovery_plan_versions.
                    .col(text("content"))
                    .col(integer("number").default(1))
                    .col(date("started_on"))
                    .col(date_null("last_agreed_on"))
                    .col(date_null("review_due_on"))
                    .col(uuid("created_by"))
                    .col(uuid("updated_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("plans_person", "recovery_plans", &["org_id", "person_id", "status"]).to_owned()).await?;

        // Every save of the working copy, so a late writer's edit merges with what it was based on.
        m.create_table(
            Table::create()
                .table("recovery_plan_saves")
                .col(org_id())
                .col(uuid("plan_id"))
                .col(integer("version"))
                .col(text("content"))
                .col(uuid("saved_by"))
                .col(timestamp_with_time_zone("saved_at"))
                .primary_key(Index::create().col("org_id").col("plan_id").col("version"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("recovery_plan_versions")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("plan_id"))
                .col(uuid("person_id"))
                .col(integer("number"))
                .col(string("kind").check(one_of("kind", PlanVersionKind::CODES)))
                .col(text("content"))
                .col(string("agreement").check(one_of("agreement", Agreement::CODES)))
                .col(date("agreed_on"))
                .col(string_null("signed_name"))
                .col(text_null("agreement_note"))
                .col(date_null("review_due_on"))
                .col(uuid("recorded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("plan_versions_number", "recovery_plan_versions", &["org_id", "plan_id", "number"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index("plan_versions_person", "recovery_plan_versions", &["org_id", "person_id"]).to_owned())
            .await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("coaching_contacts")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("person_id"))
                    .col(uuid_null("program_id"))
                    .col(uuid("worker_id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(integer("minutes").check(Expr::col("minutes").gt(0)))
                    .col(string("mode").check(one_of("mode", ContactMode::CODES)))
                    .col(string("setting").check(one_of("setting", ContactSetting::CODES)))
                    .col(text_null("present"))
                    .col(string("activities"))
                    .col(text("goals"))
                    .col(text("note"))
                    .col(string("status").check(one_of("status", NoteStatus::CODES)))
                    .col(timestamp_with_time_zone_null("signed_at"))
                    .col(uuid_null("signed_by"))
                    // Guardrail warnings shown when the note was written (JSON), for supervision.
                    .col(text_null("warnings"))
                    .col(uuid_null("lapse_id"))
                    .col(uuid_null("group_session_id")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            index("contacts_person", "coaching_contacts", &["org_id", "person_id", "occurred_at"]).to_owned(),
        )
        .await?;
        m.create_index(
            index("contacts_worker", "coaching_contacts", &["org_id", "worker_id", "status", "occurred_at"]).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("contact_addenda")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("contact_id"))
                .col(uuid("person_id"))
                .col(text("text"))
                .col(uuid("written_by"))
                .col(timestamp_with_time_zone("written_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("addenda_contact", "contact_addenda", &["org_id", "contact_id"]).to_owned()).await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("lapses")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("person_id"))
                    .col(date("lapse_on"))
                    .col(text_null("note"))
                    .col(uuid_null("reengaged_contact_id"))
                    .col(timestamp_with_time_zone_null("reengaged_at"))
                    .col(integer_null("days_to_reengage"))
                    .col(uuid("recorded_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("lapses_person", "lapses", &["org_id", "person_id", "lapse_on"]).to_owned()).await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("mutual_aid_connections")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("person_id"))
                    .col(string("fellowship").check(one_of("fellowship", Fellowship::CODES)))
                    .col(string_null("group_name"))
                    .col(string("help"))
                    .col(date("connected_on"))
                    .col(boolean_null("attended"))
                    .col(boolean_null("still_going"))
                    .col(date_null("checked_on"))
                    .col(text_null("note"))
                    .col(uuid("recorded_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("mutual_aid_person", "mutual_aid_connections", &["org_id", "person_id"]).to_owned())
            .await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("natural_supports")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("person_id"))
                    .col(string("name"))
                    .col(string("relationship").check(one_of("relationship", SupportRelationship::CODES)))
                    .col(string_null("phone"))
                    .col(string("engagement").check(one_of("engagement", SupportEngagement::CODES)))
                    .col(boolean("consent_to_contact").default(false))
                    .col(date_null("consent_on"))
                    .col(text_null("note"))
                    .col(boolean("active").default(true))
                    .col(uuid("recorded_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("supports_person", "natural_supports", &["org_id", "person_id"]).to_owned()).await?;

        m.create_table(
            Table::create()
                .table("caseload_transfers")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("person_id"))
                .col(uuid("enrolment_id"))
                .col(uuid_null("from_worker"))
                .col(uuid("to_worker"))
                .col(text_null("reason"))
                .col(uuid("transferred_by"))
                .col(timestamp_with_time_zone("transferred_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("transfers_person", "caseload_transfers", &["org_id", "person_id"]).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "caseload_transfers",
            "natural_supports",
            "mutual_aid_connections",
            "lapses",
            "contact_addenda",
            "coaching_contacts",
            "recovery_plan_versions",
            "recovery_plan_saves",
            "recovery_plans",
            "coaching_status",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.alter_table(Table::alter().table("program_intake_settings").drop_column("plan_review_days").to_owned()).await
    }
}
