//! What lets the readiness evidence read the period's contacts and plans without reading the rows
//! themselves (the rows carry notes and plan documents): the contact-outputs index also names the
//! person, guardrail warnings have an index of their own (few contacts have one), a person's plan
//! versions are indexed with the day agreed and their kind, and each version keeps beside its
//! content the four facts about it the evidence counts (`domain::coaching::PlanFacts`).

use super::index;
use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

const FACT_COLUMNS: &[&str] = &["goal_count", "has_strengths", "has_barriers", "has_progress"];

/// The facts of the versions already stored, read from their JSON as `PlanFacts::of_json` reads it.
fn fill_plan_facts(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => {
            "UPDATE recovery_plan_versions SET \
             goal_count = COALESCE(jsonb_array_length(CAST(content AS jsonb) -> 'goals'), 0), \
             has_strengths = TRIM(COALESCE(CAST(content AS jsonb) ->> 'strengths', '')) <> '', \
             has_barriers = TRIM(COALESCE(CAST(content AS jsonb) ->> 'barriers', '')) <> '' \
               OR COALESCE(jsonb_array_length(CAST(content AS jsonb) -> 'unmet_needs'), 0) > 0, \
             has_progress = TRIM(COALESCE(CAST(content AS jsonb) ->> 'progress_evaluation', '')) <> '' \
               OR EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(CAST(content AS jsonb) -> 'goals', '[]'::jsonb)) \
               AS g(value) WHERE COALESCE(g.value ->> 'progress', 'not-started') <> 'not-started' \
               OR TRIM(COALESCE(g.value ->> 'progress_note', '')) <> '')"
        }
        _ => {
            "UPDATE recovery_plan_versions SET \
             goal_count = COALESCE(json_array_length(content, '$.goals'), 0), \
             has_strengths = TRIM(COALESCE(json_extract(content, '$.strengths'), '')) <> '', \
             has_barriers = TRIM(COALESCE(json_extract(content, '$.barriers'), '')) <> '' \
               OR COALESCE(json_array_length(content, '$.unmet_needs'), 0) > 0, \
             has_progress = TRIM(COALESCE(json_extract(content, '$.progress_evaluation'), '')) <> '' \
               OR EXISTS (SELECT 1 FROM json_each(content, '$.goals') g \
               WHERE COALESCE(json_extract(g.value, '$.progress'), 'not-started') <> 'not-started' \
               OR TRIM(COALESCE(json_extract(g.value, '$.progress_note'), '')) <> '') \
             WHERE json_valid(content)"
        }
    }
}

#[derive(DeriveMigrationName)]
pub struct ReadinessSpeed;

const OUTPUTS: &[&str] = &["org_id", "occurred_at", "group_session_id", "program_id", "mode", "minutes"];

async fn replace_index(
    m: &SchemaManager<'_>,
    name: &str,
    table: &'static str,
    columns: &[&'static str],
) -> Result<(), DbErr> {
    m.get_connection().execute_unprepared(&format!("DROP INDEX \"{name}\"")).await?;
    m.create_index(index(name, table, columns).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for ReadinessSpeed {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut outputs = OUTPUTS.to_vec();
        outputs.push("person_id");
        replace_index(m, "contacts_outputs", "coaching_contacts", &outputs).await?;
        // Partial: the index holds only the contacts with a warning (both databases accept it).
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX contacts_warned ON coaching_contacts (org_id, occurred_at) WHERE warnings IS NOT NULL",
            )
            .await?;
        // One column per statement: SQLite adds no more at a time.
        for column in FACT_COLUMNS {
            let mut def = if *column == "goal_count" { integer(*column) } else { boolean(*column) };
            if *column == "goal_count" {
                def.default(0);
            } else {
                def.default(false);
            }
            m.alter_table(Table::alter().table("recovery_plan_versions").add_column(&mut def).to_owned()).await?;
        }
        let backend = m.get_database_backend();
        m.get_connection().execute_unprepared(fill_plan_facts(backend)).await?;
        // A person's versions by day agreed answer "a plan by then", "a review with progress in the
        // period" and, through the plan, "not discharged before it" from the index alone.
        replace_index(
            m,
            "plan_versions_person",
            "recovery_plan_versions",
            &["org_id", "person_id", "agreed_on", "kind", "has_progress", "plan_id"],
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in FACT_COLUMNS {
            m.alter_table(Table::alter().table("recovery_plan_versions").drop_column(*column).to_owned()).await?;
        }
        replace_index(m, "plan_versions_person", "recovery_plan_versions", &["org_id", "person_id"]).await?;
        m.get_connection().execute_unprepared("DROP INDEX contacts_warned").await?;
        replace_index(m, "contacts_outputs", "coaching_contacts", OUTPUTS).await
    }
}
