//! Measure schedules per program (CSE 1.02; the PRSC expected outcomes): which instruments are taken
//! at intake, every N days and at discharge. Measurements themselves live in `outcome_measurements`
//! (the shared outcomes migration).

use super::{index, org_id, stamps};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Measures;

#[async_trait::async_trait]
impl MigrationTrait for Measures {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One schedule per program. A program without a row follows the built-in default (see
        // `domain::measures::default_schedule`) until someone saves one.
        m.create_table(
            stamps(
                Table::create()
                    .table("measure_schedules")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("program_id"))
                    .col(boolean("active").default(true))
                    .col(integer("every_days").check(Expr::col("every_days").between(7, 730)))
                    // JSON array of {"key", "intake", "periodic", "discharge"}.
                    .col(text("instruments"))
                    .col(uuid_null("updated_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            index("measure_schedules_program", "measure_schedules", &["org_id", "program_id"]).unique().to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("measure_schedules").if_exists().to_owned()).await?;
        Ok(())
    }
}
