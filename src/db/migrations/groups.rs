//! Education and support groups: groups and their facilitators, facilitator readiness
//! attestations, versioned curricula with their files, recurring schedules, sessions (held,
//! cancelled, moved, one-off) with their logs, members with their availability, attendance and
//! check-out feedback.

use super::{index, one_of, org_id, stamps};
use crate::domain::groups::{
    AttendanceStatus, CapacityRule, CurriculumStatus, FacilitatorRole, FeedbackSource, GroupKind, GroupStatus,
    MemberStatus, Membership, SessionStatus,
};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Groups;

#[async_trait::async_trait]
impl MigrationTrait for Groups {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            stamps(
                Table::create()
                    .table("curricula")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(string("title"))
                    .col(string("status").check(one_of("status", CurriculumStatus::CODES)))
                    .col(integer("current_version").default(1))
                    .col(uuid("created_by"))
                    .col(uuid("updated_by")),
            )
            .to_owned(),
        )
        .await?;

        // Every save of a curriculum is a numbered version; groups name the version they follow.
        m.create_table(
            Table::create()
                .table("curriculum_versions")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("curriculum_id"))
                .col(integer("number"))
                .col(string("title"))
                .col(text_null("summary"))
                .col(text_null("audience"))
                // The sessions in order (JSON): topic, objectives, activities, materials.
                .col(text("sessions"))
                .col(text_null("change_note"))
                .col(uuid("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("curriculum_versions_number", "curriculum_versions", &["org_id", "curriculum_id", "number"])
                .unique()
                .to_owned(),
        )
        .await?;

        // Materials uploaded for a curriculum, kept in the database so a backup holds everything.
        m.create_table(
            Table::create()
                .table("curriculum_files")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("curriculum_id"))
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
            index("curriculum_files_curriculum", "curriculum_files", &["org_id", "curriculum_id"]).to_owned(),
        )
        .await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("support_groups")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("program_id"))
                    .col(string("name"))
                    .col(string("kind").check(one_of("kind", GroupKind::CODES)))
                    // Codes joined with ';' like a contact's activities.
                    .col(text("focus_areas"))
                    .col(text("audience"))
                    .col(text_null("description"))
                    .col(string("membership").check(one_of("membership", Membership::CODES)))
                    .col(integer_null("capacity"))
                    .col(string("capacity_rule").check(one_of("capacity_rule", CapacityRule::CODES)))
                    .col(string("language"))
                    .col(uuid_null("site_id"))
                    .col(string_null("room"))
                    .col(string_null("online_link"))
                    .col(boolean("peer_led").default(false))
                    .col(boolean("listed_publicly").default(false))
                    .col(uuid_null("curriculum_id"))
                    .col(integer_null("curriculum_version"))
                    .col(string("status").check(one_of("status", GroupStatus::CODES)))
                    // The secret in the group's calendar-feed address, shared with members.
                    .col(string("feed_token"))
                    .col(uuid("created_by"))
                    .col(uuid("updated_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("groups_program", "support_groups", &["org_id", "program_id", "status"]).to_owned())
            .await?;
        m.create_index(index("groups_feed_token", "support_groups", &["org_id", "feed_token"]).unique().to_owned())
            .await?;

        // Staff facilitators, or trained peer volunteers who have no sign-in (named only).
        m.create_table(
            Table::create()
                .table("group_facilitators")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("group_id"))
                .col(uuid_null("staff_id"))
                .col(string_null("volunteer_name"))
                .col(string("role").check(one_of("role", FacilitatorRole::CODES)))
                .col(uuid("added_by"))
                .col(timestamp_with_time_zone("added_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("facilitators_group", "group_facilitators", &["org_id", "group_id"]).to_owned()).await?;
        m.create_index(index("facilitators_staff", "group_facilitators", &["org_id", "staff_id"]).to_owned()).await?;

        // Who attested that a facilitator is ready to lead groups, for which skills. Append-only:
        // the latest row per facilitator is current, earlier rows are the history.
        m.create_table(
            Table::create()
                .table("facilitator_readiness")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid_null("staff_id"))
                .col(string_null("volunteer_name"))
                .col(text("areas"))
                .col(text_null("note"))
                .col(uuid("attested_by"))
                .col(timestamp_with_time_zone("attested_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("readiness_staff", "facilitator_readiness", &["org_id", "staff_id"]).to_owned()).await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("group_schedules")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("group_id"))
                    // RFC 5545 RRULE without DTSTART; NULL for a one-off session.
                    .col(text_null("rrule"))
                    .col(date("starts_on"))
                    .col(string("start_time"))
                    .col(integer("minutes"))
                    // Last day the rule can produce a session (from UNTIL/COUNT), so reports skip ended rules.
                    .col(date_null("ends_on"))
                    .col(string_null("room"))
                    .col(boolean("active").default(true))
                    .col(uuid("created_by"))
                    .col(uuid("updated_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("schedules_group", "group_schedules", &["org_id", "group_id"]).to_owned()).await?;

        // A session row exists once an occurrence is acted on (held, cancelled, moved, logged) or
        // for an extra session; other occurrences come from the schedule's rule.
        m.create_table(
            stamps(
                Table::create()
                    .table("group_sessions")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("group_id"))
                    .col(uuid_null("schedule_id"))
                    // The occurrence's start as the rule produced it (the calendar's RECURRENCE-ID).
                    .col(timestamp_with_time_zone_null("occurrence_start"))
                    .col(timestamp_with_time_zone("starts_at"))
                    .col(timestamp_with_time_zone("ends_at"))
                    .col(string("status").check(one_of("status", SessionStatus::CODES)))
                    .col(text_null("cancel_reason"))
                    .col(string_null("room"))
                    .col(integer_null("curriculum_session"))
                    .col(string_null("topic"))
                    .col(integer("anonymous_count").default(0))
                    .col(text_null("topics_covered"))
                    .col(text_null("progress"))
                    .col(text_null("adaptations"))
                    .col(text_null("activities_offered"))
                    .col(text_null("opportunities"))
                    .col(text_null("safety_concerns"))
                    .col(uuid_null("logged_by"))
                    .col(timestamp_with_time_zone_null("logged_at"))
                    // The secret in the link members open on their own phone to check out.
                    .col(string_null("checkout_token"))
                    .col(uuid("created_by"))
                    .col(uuid("updated_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("sessions_group", "group_sessions", &["org_id", "group_id", "starts_at"]).to_owned())
            .await?;
        m.create_index(index("sessions_starts", "group_sessions", &["org_id", "starts_at"]).to_owned()).await?;
        m.create_index(
            index("sessions_occurrence", "group_sessions", &["org_id", "schedule_id", "occurrence_start"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index("sessions_checkout", "group_sessions", &["org_id", "checkout_token"]).unique().to_owned())
            .await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("group_members")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("group_id"))
                    .col(uuid("person_id"))
                    .col(string("status").check(one_of("status", MemberStatus::CODES)))
                    .col(date("joined_on"))
                    .col(date_null("left_on"))
                    // Slots the member is free, e.g. "TU-evening;SA-morning".
                    .col(text_null("availability"))
                    .col(uuid("added_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            index("members_group_person", "group_members", &["org_id", "group_id", "person_id"]).unique().to_owned(),
        )
        .await?;
        m.create_index(index("members_person", "group_members", &["org_id", "person_id"]).to_owned()).await?;

        m.create_table(
            Table::create()
                .table("group_attendance")
                .col(org_id())
                .col(uuid("session_id"))
                .col(uuid("person_id"))
                .col(uuid("group_id"))
                .col(string("status").check(one_of("status", AttendanceStatus::CODES)))
                .col(boolean("drop_in").default(false))
                .col(text_null("leadership"))
                // The coaching contact this attendance counts as, for people in coaching.
                .col(uuid_null("contact_id"))
                .col(uuid("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(integer("version").default(1))
                .primary_key(Index::create().col("org_id").col("session_id").col("person_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("attendance_person", "group_attendance", &["org_id", "person_id"]).to_owned()).await?;
        m.create_index(index("attendance_group", "group_attendance", &["org_id", "group_id"]).to_owned()).await?;

        // The three-question check-out: felt safe, found it useful (1-5 each), and a comment.
        m.create_table(
            Table::create()
                .table("group_feedback")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("session_id"))
                .col(uuid("group_id"))
                .col(uuid_null("person_id"))
                .col(string("source").check(one_of("source", FeedbackSource::CODES)))
                .col(small_integer_null("felt_safe"))
                .col(small_integer_null("useful"))
                .col(text_null("comment"))
                .col(uuid_null("recorded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("feedback_session", "group_feedback", &["org_id", "session_id"]).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "group_feedback",
            "group_attendance",
            "group_members",
            "group_sessions",
            "group_schedules",
            "facilitator_readiness",
            "group_facilitators",
            "support_groups",
            "curriculum_files",
            "curriculum_versions",
            "curricula",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
