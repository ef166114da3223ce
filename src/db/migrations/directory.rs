//! The resource directory: every Open Referral HSDS 3.0 table with exactly its fields (see
//! `directory::hsds_tables`), plus what Mainstay keeps beside them: the organisation's directory
//! settings, verification history, import runs and the search index.

use super::{index, one_of, org_id, stamps};
use crate::directory::hsds_tables::{FieldKind, tables};
use crate::domain::directory::{DEFAULT_VERIFY_MONTHS, HsdsAccess};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Directory;

#[async_trait::async_trait]
impl MigrationTrait for Directory {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            let mut create = Table::create();
            create.table(table.sql).col(org_id());
            for field in table.fields {
                match (field.name, field.kind) {
                    // HSDS ids are kept as written so an export gives them back unchanged.
                    ("id", _) => create.col(string("id")),
                    (_, FieldKind::Number) => create.col(double_null(field.name)),
                    (_, _) => create.col(text_null(field.name)),
                };
            }
            // Bookkeeping beside the HSDS fields: optimistic concurrency and `modified_after`.
            create
                .col(integer("row_version").default(1))
                .col(timestamp_with_time_zone("row_updated_at"))
                .primary_key(Index::create().col("org_id").col("id"));
            m.create_table(create.to_owned()).await?;
            let linked = table
                .links
                .iter()
                .map(|(field, _)| *field)
                .chain(["link_id", "resource_id"].into_iter().filter(|name| table.field(name).is_some()));
            for field in linked {
                let name = format!("{}_{}", table.sql, field);
                m.create_index(index(&name, table.sql, &["org_id", field]).to_owned()).await?;
            }
            let name = format!("{}_updated", table.sql);
            m.create_index(index(&name, table.sql, &["org_id", "row_updated_at"]).to_owned()).await?;
        }

        m.create_table(
            stamps(
                Table::create()
                    .table("directory_settings")
                    .col(uuid("org_id").primary_key())
                    .col(integer("verify_months").default(DEFAULT_VERIFY_MONTHS))
                    .col(string("hsds_access").check(one_of("hsds_access", HsdsAccess::CODES)))
                    // SHA-256 of the token HSDS readers send; the token itself is shown once.
                    .col(string_null("hsds_token_hash")),
            )
            .to_owned(),
        )
        .await?;

        // Each time someone confirmed a service's details with the provider (6.02).
        m.create_table(
            Table::create()
                .table("directory_verifications")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(string("service_id"))
                .col(date("verified_on"))
                .col(uuid("verified_by"))
                .col(string_null("method"))
                .col(text_null("note"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("directory_verifications_service", "directory_verifications", &["org_id", "service_id"]).to_owned(),
        )
        .await?;

        // Every HSDS import, applied or refused, with its problem report.
        m.create_table(
            Table::create()
                .table("directory_imports")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(string("format"))
                .col(string_null("filename"))
                .col(string("status"))
                // JSON: rows added and updated per table.
                .col(text("counts"))
                // JSON: each problem with file, row and field.
                .col(text("problems"))
                .col(uuid("imported_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("directory_imports_at", "directory_imports", &["org_id", "created_at"]).to_owned())
            .await?;

        // Search index: the normalised words of each service (its own text, its organisation's,
        // taxonomy terms, languages), with a weight by where the word came from.
        m.create_table(
            Table::create()
                .table("directory_terms")
                .col(org_id())
                .col(string("term"))
                .col(string("service_id"))
                .col(integer("weight"))
                .primary_key(Index::create().col("org_id").col("term").col("service_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("directory_terms_service", "directory_terms", &["org_id", "service_id"]).to_owned())
            .await?;

        // Two services found to be the same resource: the one kept and the one folded into it.
        m.create_table(
            Table::create()
                .table("directory_merges")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(string("kept_service_id"))
                .col(string("merged_service_id"))
                .col(string("merged_name"))
                .col(uuid("merged_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("directory_merges_merged", "directory_merges", &["org_id", "merged_service_id"]).to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "directory_merges",
            "directory_terms",
            "directory_imports",
            "directory_verifications",
            "directory_settings",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for table in tables().iter().rev() {
            m.drop_table(Table::drop().table(table.sql).to_owned()).await?;
        }
        Ok(())
    }
}
