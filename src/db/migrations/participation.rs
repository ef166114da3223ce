//! Program rules, advisory meetings and participant surveys (CSE 7.02 / CA-CSE 7.03).
//!
//! Rule versions are written once and never changed: a new version supersedes the last. `scope`
//! is the program id as text, or `organisation` for rules that apply everywhere, so version
//! numbers are unique per program on both databases (NULLs would not collide in a unique index).

use super::{index, one_of, org_id, stamps};
use crate::domain::participation::{
    AdvisoryDecisionStatus, AdvisoryMeetingKind, RuleEnforcement, SurveyMethod, SurveyResultKind,
};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Participation;

#[async_trait::async_trait]
impl MigrationTrait for Participation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("program_rules")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid_null("program_id"))
                .col(string("scope"))
                .col(integer("version_number"))
                .col(string("title"))
                .col(text("body"))
                .col(date("effective_from"))
                // How participants took part: JSON list of {method, participants, note}.
                .col(text("drafting"))
                .col(text_null("drafting_notes"))
                .col(integer_null("votes_for"))
                .col(integer_null("votes_against"))
                .col(integer_null("votes_abstain"))
                .col(string("enforcement").check(one_of("enforcement", RuleEnforcement::CODES)))
                .col(text("enforcement_description"))
                .col(uuid_null("drafted_at_meeting_id"))
                .col(text_null("change_summary"))
                .col(uuid("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("program_rules_version", "program_rules", &["org_id", "scope", "version_number"]).unique().to_owned(),
        )
        .await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("advisory_meetings")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(string("kind").check(one_of("kind", AdvisoryMeetingKind::CODES)))
                    .col(uuid_null("program_id"))
                    .col(date("held_on"))
                    .col(string_null("place"))
                    .col(boolean("online").default(false))
                    .col(integer("participant_count"))
                    .col(integer("staff_count").default(0))
                    // One topic a line.
                    .col(text("topics"))
                    .col(text_null("summary"))
                    .col(uuid("recorded_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("advisory_meetings_held", "advisory_meetings", &["org_id", "held_on"]).to_owned()).await?;

        // Participants named in a meeting's record, each with the day they agreed to be named.
        m.create_table(
            Table::create()
                .table("advisory_attendees")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("meeting_id"))
                .col(uuid("person_id"))
                .col(date("consent_to_name_on"))
                .col(uuid("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("advisory_attendees_meeting", "advisory_attendees", &["org_id", "meeting_id", "person_id"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index("advisory_attendees_person", "advisory_attendees", &["org_id", "person_id"]).to_owned())
            .await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("advisory_decisions")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("meeting_id"))
                    .col(text("text"))
                    .col(uuid_null("owner_id"))
                    .col(date_null("due_on"))
                    .col(string("status").check(one_of("status", AdvisoryDecisionStatus::CODES)))
                    .col(text_null("follow_through"))
                    .col(text_null("reason"))
                    .col(date_null("done_on"))
                    .col(uuid("recorded_by"))
                    .col(uuid_null("updated_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("advisory_decisions_meeting", "advisory_decisions", &["org_id", "meeting_id"]).to_owned())
            .await?;
        m.create_index(
            index("advisory_decisions_status", "advisory_decisions", &["org_id", "status", "due_on"]).to_owned(),
        )
        .await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("participant_surveys")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(string("title"))
                    .col(uuid_null("program_id"))
                    .col(date("period_start"))
                    .col(date("period_end"))
                    .col(string("method").check(one_of("method", SurveyMethod::CODES)))
                    .col(integer_null("invited"))
                    .col(integer("respondents"))
                    .col(text_null("findings"))
                    .col(text_null("actions_taken"))
                    .col(uuid("recorded_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            index("participant_surveys_period", "participant_surveys", &["org_id", "period_end"]).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("survey_results")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("survey_id"))
                .col(integer("position"))
                .col(text("question"))
                .col(string("kind").check(one_of("kind", SurveyResultKind::CODES)))
                .col(double_null("value"))
                .col(double_null("scale_max"))
                .col(text_null("themes"))
                .col(text_null("note"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("survey_results_survey", "survey_results", &["org_id", "survey_id", "position"]).to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "survey_results",
            "participant_surveys",
            "advisory_decisions",
            "advisory_attendees",
            "advisory_meetings",
            "program_rules",
        ] {
            m.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
