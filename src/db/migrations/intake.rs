//! Intake: requests for service, screening, waiting lists, risk screens, safety plans, the
//! versioned crisis procedure and crisis events; discharge details on enrolments.

use super::{index, one_of, org_id, stamps};
use crate::domain::codes::{
    CloseReason, DischargeReason, PopulationFit, ProgramFit, RequestSource, RequestStatus, Urgency, WaitlistPriority,
    WaitlistRemoval,
};
use crate::domain::risk::{IndividualReason, ResponseKind, RiskLevel, ScreenKind};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Intake;

fn optional_one_of(column: &'static str, codes: &[&str]) -> SimpleExpr {
    Expr::col(column).is_null().or(one_of(column, codes))
}

#[async_trait::async_trait]
impl MigrationTrait for Intake {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Per-program intake rules: who the program is for, timeliness targets, capacity.
        m.create_table(
            Table::create()
                .table("program_intake_settings")
                .col(org_id())
                .col(uuid("program_id"))
                .col(text_null("population_statement"))
                .col(boolean("prsc_population").default(false))
                .col(integer("target_emergency_days").default(0))
                .col(integer("target_urgent_days").default(2))
                .col(integer("target_routine_days").default(10))
                .col(integer_null("capacity"))
                .col(integer("checkin_days").default(14))
                .col(boolean("screen_everyone").default(false))
                .col(integer("version").default(1))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(Index::create().col("org_id").col("program_id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("service_requests")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid_null("person_id"))
                    .col(boolean("anonymous").default(false))
                    .col(string("source").check(one_of("source", RequestSource::CODES)))
                    .col(timestamp_with_time_zone("received_at"))
                    .col(string_null("given_name"))
                    .col(string_null("family_name"))
                    .col(string_null("phone"))
                    .col(string_null("email"))
                    .col(date_null("date_of_birth"))
                    .col(boolean_null("safe_to_message"))
                    .col(string_null("referrer_name"))
                    .col(string_null("referrer_organisation"))
                    .col(text("asked_for"))
                    .col(uuid_null("program_id"))
                    .col(uuid_null("assigned_to"))
                    .col(string("status").check(one_of("status", RequestStatus::CODES)))
                    .col(string_null("urgency").check(optional_one_of("urgency", Urgency::CODES)))
                    // Queue order: emergency 0, urgent 1, not yet triaged 2, routine 3.
                    .col(integer("urgency_rank").default(2))
                    .col(text_null("urgency_reason"))
                    .col(text_null("critical_needs"))
                    .col(boolean("needs_intensive").default(false))
                    .col(text_null("intensive_note"))
                    .col(timestamp_with_time_zone_null("triaged_at"))
                    .col(uuid_null("triaged_by"))
                    .col(string_null("fit").check(optional_one_of("fit", ProgramFit::CODES)))
                    .col(string_null("population_fit").check(optional_one_of("population_fit", PopulationFit::CODES)))
                    .col(text_null("population_basis"))
                    .col(text_null("offer"))
                    .col(date_null("offer_from"))
                    .col(timestamp_with_time_zone_null("informed_at"))
                    .col(timestamp_with_time_zone_null("screened_at"))
                    .col(uuid_null("screened_by"))
                    .col(text_null("referred_to"))
                    .col(text_null("referral_reason"))
                    .col(string_null("close_reason").check(optional_one_of("close_reason", CloseReason::CODES)))
                    .col(text_null("close_note"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .col(uuid_null("enrolment_id"))
                    .col(date_null("first_service_on"))
                    .col(uuid_null("created_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            // Covers the queue's counts and scope checks without reading the rows.
            index(
                "requests_queue",
                "service_requests",
                &["org_id", "status", "urgency_rank", "received_at", "program_id", "assigned_to"],
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("requests_person", "service_requests", &["org_id", "person_id"]).to_owned()).await?;
        m.create_index(index("requests_received", "service_requests", &["org_id", "received_at"]).to_owned()).await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("waitlist_entries")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("request_id"))
                    .col(uuid_null("person_id"))
                    .col(uuid("program_id"))
                    // The request's worker, copied so the list is scoped without a join.
                    .col(uuid_null("assigned_to"))
                    .col(string("priority").check(one_of("priority", WaitlistPriority::CODES)))
                    .col(integer("priority_rank"))
                    .col(timestamp_with_time_zone("placed_at"))
                    .col(uuid("placed_by"))
                    .col(date("next_checkin_on"))
                    .col(timestamp_with_time_zone_null("last_checkin_at"))
                    .col(text_null("referral_offered"))
                    .col(text_null("note"))
                    .col(timestamp_with_time_zone_null("removed_at"))
                    .col(uuid_null("removed_by"))
                    .col(string_null("removed_reason").check(optional_one_of("removed_reason", WaitlistRemoval::CODES)))
                    .col(text_null("removed_note")),
            )
            .to_owned(),
        )
        .await?;
        // List order, covering what numbering places and checking scope read.
        m.create_index(
            index(
                "waitlist_order",
                "waitlist_entries",
                &["org_id", "removed_at", "program_id", "priority_rank", "placed_at", "assigned_to", "id"],
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("waitlist_request", "waitlist_entries", &["org_id", "request_id"]).to_owned()).await?;

        m.create_table(
            Table::create()
                .table("waitlist_checkins")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("entry_id"))
                .col(timestamp_with_time_zone("checked_at"))
                .col(uuid("checked_by"))
                .col(boolean("still_wanted"))
                .col(text_null("note"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("checkins_entry", "waitlist_checkins", &["org_id", "entry_id"]).to_owned()).await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("risk_screens")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("person_id"))
                    .col(uuid_null("request_id"))
                    .col(string("kind").check(one_of("kind", ScreenKind::CODES)))
                    .col(
                        string_null("individual_reason")
                            .check(optional_one_of("individual_reason", IndividualReason::CODES)),
                    )
                    .col(timestamp_with_time_zone("screened_at"))
                    .col(uuid("screened_by"))
                    // The answers as given (JSON), so the screen can be shown exactly as taken.
                    .col(text("answers"))
                    .col(string("concerns"))
                    .col(string("suicide_level").check(one_of("suicide_level", RiskLevel::CODES)))
                    .col(string("level").check(one_of("level", RiskLevel::CODES)))
                    .col(text_null("notes"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .col(uuid_null("closed_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("risk_person", "risk_screens", &["org_id", "person_id", "screened_at"]).to_owned())
            .await?;
        m.create_index(index("risk_open", "risk_screens", &["org_id", "closed_at", "level"]).to_owned()).await?;

        m.create_table(
            Table::create()
                .table("risk_responses")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("screen_id"))
                .col(uuid("person_id"))
                .col(string("kind").check(one_of("kind", ResponseKind::CODES)))
                .col(text("detail"))
                .col(timestamp_with_time_zone("occurred_at"))
                .col(uuid("recorded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("responses_screen", "risk_responses", &["org_id", "screen_id"]).to_owned()).await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("safety_plans")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("person_id"))
                    .col(text("warning_signs"))
                    .col(text("coping_strategies"))
                    .col(text("distractions"))
                    .col(text("people_to_ask"))
                    .col(text("professionals"))
                    .col(text("safer_environment"))
                    .col(text("reasons_for_living"))
                    .col(date_null("shared_on"))
                    .col(uuid("updated_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("safety_plans_person", "safety_plans", &["org_id", "person_id"]).unique().to_owned())
            .await?;

        // Trauma and safety (4.03): why the checklist applies and which steps were taken.
        m.create_table(
            Table::create()
                .table("person_safety")
                .col(org_id())
                .col(uuid("person_id"))
                .col(string("flags"))
                .col(boolean("vulnerable_adult").default(false))
                .col(boolean("history_of_danger").default(false))
                .col(string("steps_done"))
                .col(text_null("note"))
                .col(integer("version").default(1))
                .col(timestamp_with_time_zone("updated_at"))
                .col(uuid_null("updated_by"))
                .primary_key(Index::create().col("org_id").col("person_id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("crisis_procedures")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(integer("revision"))
                .col(text("intervention"))
                .col(text("intensive_services"))
                .col(text("emergency_responders"))
                .col(text("domestic_violence"))
                .col(text("anonymous_callers"))
                .col(text("mandatory_reporting"))
                .col(string("approved_by"))
                .col(date("approved_on"))
                .col(uuid("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("crisis_procedure_rev", "crisis_procedures", &["org_id", "revision"]).unique().to_owned())
            .await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("crisis_events")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid_null("person_id"))
                    .col(string_null("caller_description"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(uuid("reported_by"))
                    .col(text("what_happened"))
                    .col(text("actions_taken"))
                    .col(string("calls"))
                    .col(text_null("calls_detail"))
                    .col(text("outcome"))
                    .col(date_null("follow_up_due"))
                    .col(timestamp_with_time_zone_null("follow_up_done_at"))
                    .col(text_null("follow_up_note")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("crisis_events_time", "crisis_events", &["org_id", "occurred_at"]).to_owned()).await?;
        m.create_index(index("crisis_events_person", "crisis_events", &["org_id", "person_id"]).to_owned()).await?;

        // SQLite adds one column per statement.
        let mut columns = vec![
            string_null("discharge_reason")
                .check(optional_one_of("discharge_reason", DischargeReason::CODES))
                .to_owned(),
            text_null("discharge_note"),
            uuid_null("request_id"),
        ];
        for column in &mut columns {
            m.alter_table(Table::alter().table("enrolments").add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["request_id", "discharge_note", "discharge_reason"] {
            m.alter_table(Table::alter().table("enrolments").drop_column(column).to_owned()).await?;
        }
        for table in [
            "crisis_events",
            "crisis_procedures",
            "person_safety",
            "safety_plans",
            "risk_responses",
            "risk_screens",
            "waitlist_checkins",
            "waitlist_entries",
            "service_requests",
            "program_intake_settings",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
