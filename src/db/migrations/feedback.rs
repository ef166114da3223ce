//! Feedback and complaints (CSE 7.02 / CA-CSE 7.03): the items with their owner, due date,
//! response and outcome; their history; their attachments; and the "you said, we did" entries
//! items link to (`feedback_items.change_id`).

use super::{index, one_of, org_id, stamps};
use crate::domain::feedback::{
    FeedbackCategory, FeedbackChannel, FeedbackEventKind, FeedbackFrom, FeedbackKind, FeedbackOutcome, FeedbackStatus,
    ResponseMethod,
};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Feedback;

fn optional_one_of(column: &'static str, codes: &[&str]) -> SimpleExpr {
    Expr::col(column).is_null().or(one_of(column, codes))
}

#[async_trait::async_trait]
impl MigrationTrait for Feedback {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            stamps(
                Table::create()
                    .table("feedback_changes")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid_null("program_id"))
                    .col(text("you_said"))
                    .col(text("we_did"))
                    .col(boolean("published").default(false))
                    .col(date_null("published_on"))
                    .col(uuid_null("published_by"))
                    .col(uuid("created_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            index("feedback_changes_board", "feedback_changes", &["org_id", "published", "published_on"]).to_owned(),
        )
        .await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("feedback_items")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(string("kind").check(one_of("kind", FeedbackKind::CODES)))
                    .col(string("category").check(one_of("category", FeedbackCategory::CODES)))
                    .col(string("channel").check(one_of("channel", FeedbackChannel::CODES)))
                    .col(string("status").check(one_of("status", FeedbackStatus::CODES)))
                    .col(uuid_null("program_id"))
                    .col(text("body"))
                    .col(string_null("submitted_by").check(optional_one_of("submitted_by", FeedbackFrom::CODES)))
                    .col(string_null("submitter_name"))
                    .col(string_null("email"))
                    .col(string_null("phone"))
                    .col(boolean("wants_reply").default(false))
                    .col(uuid_null("person_id"))
                    .col(timestamp_with_time_zone("received_at"))
                    .col(date("received_on"))
                    .col(date("due_on"))
                    .col(uuid_null("owner_id"))
                    .col(date_null("acknowledged_on"))
                    .col(text_null("response"))
                    .col(
                        string_null("response_method").check(optional_one_of("response_method", ResponseMethod::CODES)),
                    )
                    .col(date_null("responded_on"))
                    .col(uuid_null("responded_by"))
                    .col(timestamp_with_time_zone_null("response_emailed_at"))
                    .col(string_null("outcome").check(optional_one_of("outcome", FeedbackOutcome::CODES)))
                    .col(text_null("outcome_note"))
                    .col(date_null("closed_on"))
                    .col(uuid_null("change_id"))
                    .col(uuid_null("file_id"))
                    .col(uuid_null("recorded_by"))
                    // A closed item always says how it ended.
                    .check(
                        Expr::col("status").ne(FeedbackStatus::Closed.code()).or(Expr::col("outcome").is_not_null()),
                    ),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("feedback_items_list", "feedback_items", &["org_id", "status", "received_at"]).to_owned())
            .await?;
        m.create_index(index("feedback_items_owner", "feedback_items", &["org_id", "owner_id", "status"]).to_owned())
            .await?;
        m.create_index(index("feedback_items_person", "feedback_items", &["org_id", "person_id"]).to_owned()).await?;
        m.create_index(index("feedback_items_change", "feedback_items", &["org_id", "change_id"]).to_owned()).await?;
        m.create_index(index("feedback_items_trends", "feedback_items", &["org_id", "received_on"]).to_owned()).await?;

        m.create_table(
            Table::create()
                .table("feedback_events")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("item_id"))
                .col(integer("seq"))
                .col(string("kind").check(one_of("kind", FeedbackEventKind::CODES)))
                .col(timestamp_with_time_zone("at"))
                .col(uuid_null("by_staff"))
                .col(text_null("note"))
                .col(text_null("detail"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("feedback_events_item", "feedback_events", &["org_id", "item_id", "seq"]).to_owned())
            .await?;

        // Read only through the item, by those who may handle it.
        m.create_table(
            Table::create()
                .table("feedback_files")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("item_id"))
                .col(string("filename"))
                .col(
                    string("content_type")
                        .check(one_of("content_type", &["application/pdf", "image/png", "image/jpeg"])),
                )
                .col(big_integer("size"))
                .col(string("sha256"))
                .col(blob("data"))
                .col(timestamp_with_time_zone("uploaded_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("feedback_files_item", "feedback_files", &["org_id", "item_id"]).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["feedback_files", "feedback_events", "feedback_items", "feedback_changes"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
