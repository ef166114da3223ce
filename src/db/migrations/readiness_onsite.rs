//! Accreditation readiness on site: evidence documents (every uploaded version kept) attached to
//! catalogue elements, the interview roster with consent, and reviewer's samples of case records
//! (the seed and the rows drawn, so a sample can be shown again exactly as drawn).

use super::{index, one_of, org_id, stamps};
use crate::standards::catalogue::Source;
use crate::standards::documents::DocumentKind;
use crate::standards::interviews::{ConsentMethod, InterviewKind};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct ReadinessOnsite;

#[async_trait::async_trait]
impl MigrationTrait for ReadinessOnsite {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        documents(m).await?;
        interviews(m).await?;
        samples(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "case_sample_rows",
            "case_samples",
            "interview_entries",
            "evidence_document_elements",
            "evidence_document_files",
            "evidence_documents",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

async fn documents(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        stamps(
            Table::create()
                .table("evidence_documents")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(string("title"))
                .col(text_null("description"))
                .col(string("kind").check(one_of("kind", DocumentKind::CODES)))
                .col(date_null("review_due_on"))
                // The current version's file, copied here so lists need no join.
                .col(uuid("file_id"))
                .col(integer("file_number"))
                .col(string("filename"))
                .col(string("content_type"))
                .col(big_integer("size"))
                // The day (organisation's zone) the current version was uploaded.
                .col(date("uploaded_on"))
                .col(timestamp_with_time_zone_null("retired_at"))
                .col(uuid_null("retired_by"))
                .col(uuid("created_by")),
        )
        .to_owned(),
    )
    .await?;
    m.create_index(index("evidence_documents_org", "evidence_documents", &["org_id", "retired_at"]).to_owned()).await?;

    m.create_table(
        Table::create()
            .table("evidence_document_files")
            .col(pk_uuid("id"))
            .col(org_id())
            .col(uuid("document_id"))
            .col(integer("number"))
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
    m.create_index(
        index("evidence_document_files_document", "evidence_document_files", &["org_id", "document_id", "number"])
            .unique()
            .to_owned(),
    )
    .await?;

    m.create_table(
        Table::create()
            .table("evidence_document_elements")
            .col(org_id())
            .col(uuid("document_id"))
            .col(string("source").check(one_of("source", Source::CODES)))
            .col(string("element_id"))
            .primary_key(Index::create().col("org_id").col("document_id").col("source").col("element_id"))
            .to_owned(),
    )
    .await?;
    m.create_index(
        index("evidence_document_elements_element", "evidence_document_elements", &["org_id", "source", "element_id"])
            .to_owned(),
    )
    .await
}

async fn interviews(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        stamps(
            Table::create()
                .table("interview_entries")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(string("kind").check(one_of("kind", InterviewKind::CODES)))
                .col(uuid_null("staff_id"))
                // The person served; for a family member, the person they are family of.
                .col(uuid_null("person_id"))
                // A family member's name and relationship (not a person record of their own).
                .col(string_null("family_name"))
                .col(string_null("relationship"))
                .col(string_null("language"))
                .col(text_null("accessibility"))
                .col(date_null("consent_on"))
                // NULL passes a CHECK, so entries without consent (staff) need no special case.
                .col(string_null("consent_method").check(one_of("consent_method", ConsentMethod::CODES)))
                .col(uuid_null("consent_recorded_by"))
                .col(text_null("consent_note"))
                .col(date_null("withdrawn_on"))
                .col(uuid_null("withdrawn_by"))
                .col(text_null("withdrawn_note"))
                .col(uuid("added_by")),
        )
        .to_owned(),
    )
    .await?;
    m.create_index(index("interview_entries_org", "interview_entries", &["org_id", "kind"]).to_owned()).await
}

async fn samples(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table("case_samples")
            .col(pk_uuid("id"))
            .col(org_id())
            .col(string("source").check(one_of("source", Source::CODES)))
            .col(date("period_from"))
            .col(date("period_to"))
            .col(big_integer("seed"))
            .col(double("percent"))
            .col(integer("cap"))
            .col(integer("minimum"))
            .col(integer("frame_size"))
            .col(integer("sample_size"))
            // Per program: id, name, records in the frame, records drawn (JSON).
            .col(text("strata"))
            .col(uuid("drawn_by"))
            .col(timestamp_with_time_zone("drawn_at"))
            .to_owned(),
    )
    .await?;
    m.create_index(index("case_samples_org", "case_samples", &["org_id", "drawn_at"]).to_owned()).await?;

    m.create_table(
        Table::create()
            .table("case_sample_rows")
            .col(pk_uuid("id"))
            .col(org_id())
            .col(uuid("sample_id"))
            .col(uuid("program_id"))
            .col(uuid("person_id"))
            .col(integer("position"))
            .to_owned(),
    )
    .await?;
    m.create_index(
        index("case_sample_rows_sample", "case_sample_rows", &["org_id", "sample_id", "position"]).to_owned(),
    )
    .await
}
