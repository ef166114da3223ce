//! Personnel (CSE 2.01–2.08, PRSC staffing): staff profiles, degrees, certifications and their
//! files, the training catalogue and records, supervision and mentoring, workload reviews, the
//! organisation's personnel settings and the reminders sent. Group-leadership attestations of staff
//! members become demonstrated-competency training records.

use super::{index, one_of, org_id, stamps};
use crate::domain::personnel::{
    CertificationKind, DegreeLevel, GapPolicy, ReminderKind, SupervisionKind, TrainingKind, TrainingPhase,
    WorkloadDecision,
};
use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Personnel;

#[async_trait::async_trait]
impl MigrationTrait for Personnel {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            stamps(
                Table::create()
                    .table("staff_profiles")
                    .col(org_id())
                    .col(uuid("staff_id"))
                    // Position codes joined with ';'.
                    .col(text("positions"))
                    .col(date_null("start_date"))
                    .col(integer_null("experience_months"))
                    // Attested by the staff member; no details are asked for.
                    .col(boolean("lived_experience").default(false))
                    .col(date_null("lived_experience_attested_on"))
                    .col(boolean_null("shares_story"))
                    .col(string_null("job_description_version"))
                    .col(date_null("job_description_acknowledged_on"))
                    .col(date_null("role_understanding_confirmed_on"))
                    .col(uuid_null("role_understanding_confirmed_by"))
                    .col(uuid_null("updated_by"))
                    .primary_key(Index::create().col("org_id").col("staff_id")),
            )
            .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("staff_degrees")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("staff_id"))
                .col(string("level").check(one_of("level", DegreeLevel::CODES)))
                .col(string("field"))
                .col(boolean("human_services"))
                .col(string_null("institution"))
                .col(integer_null("completed_year"))
                .col(uuid("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("staff_degrees_staff", "staff_degrees", &["org_id", "staff_id"]).to_owned()).await?;

        // Uploaded copies of certificates; read only through the staff member's record.
        m.create_table(
            Table::create()
                .table("staff_files")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("staff_id"))
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
        m.create_index(index("staff_files_staff", "staff_files", &["org_id", "staff_id"]).to_owned()).await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("staff_certifications")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("staff_id"))
                    .col(string("kind").check(one_of("kind", CertificationKind::CODES)))
                    .col(string("name"))
                    // State or province that issued it (two-letter code).
                    .col(string("jurisdiction"))
                    .col(string_null("number"))
                    .col(date("issued_on"))
                    .col(date_null("expires_on"))
                    .col(uuid_null("file_id"))
                    .col(uuid("recorded_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("staff_certifications_staff", "staff_certifications", &["org_id", "staff_id"]).to_owned())
            .await?;
        m.create_index(
            index("staff_certifications_expiry", "staff_certifications", &["org_id", "expires_on"]).to_owned(),
        )
        .await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("training_courses")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(string("title"))
                    .col(string_null("provider"))
                    .col(text_null("description"))
                    // Requirement codes joined with ';'.
                    .col(text("topics"))
                    // Empty when a course may be taken either before or during service.
                    .col(
                        string_null("phase")
                            .check(Expr::col("phase").is_null().or(one_of("phase", TrainingPhase::CODES))),
                    )
                    .col(double_null("hours"))
                    .col(boolean("active").default(true)),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("training_courses_org", "training_courses", &["org_id", "title"]).to_owned()).await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("training_records")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(uuid("staff_id"))
                    .col(uuid_null("course_id"))
                    .col(string("title"))
                    .col(string("kind").check(one_of("kind", TrainingKind::CODES)))
                    .col(string("phase").check(one_of("phase", TrainingPhase::CODES)))
                    .col(text("topics"))
                    .col(date("completed_on"))
                    .col(double_null("hours"))
                    .col(string_null("provider"))
                    .col(uuid_null("certificate_file_id"))
                    // How a competency was shown (observed group, role play, …) and who attested it.
                    .col(text_null("demonstration"))
                    .col(uuid_null("attested_by"))
                    .col(text_null("note"))
                    .col(uuid("recorded_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            index("training_records_staff", "training_records", &["org_id", "staff_id", "completed_on"]).to_owned(),
        )
        .await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("supervision_sessions")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    // The staff member supervised or mentored, and who led the session.
                    .col(uuid("staff_id"))
                    .col(uuid("led_by"))
                    .col(string("kind").check(one_of("kind", SupervisionKind::CODES)))
                    .col(date("held_on"))
                    .col(integer_null("minutes"))
                    .col(text("topics"))
                    .col(text_null("notes"))
                    .col(text_null("follow_ups"))
                    .col(date_null("follow_up_due"))
                    .col(date_null("follow_up_done_on"))
                    // Person ids of cases reviewed, joined with ';'; shown only to those who may open them.
                    .col(text("people_discussed"))
                    .col(uuid("recorded_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            index("supervision_sessions_staff", "supervision_sessions", &["org_id", "staff_id", "held_on"]).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("workload_reviews")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("staff_id"))
                .col(date("reviewed_on"))
                .col(uuid("reviewed_by"))
                // The measures as they stood (JSON), so the review reads the same later.
                .col(text("measures"))
                .col(string("decision").check(one_of("decision", WorkloadDecision::CODES)))
                .col(text_null("notes"))
                .col(date("next_review_on"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("workload_reviews_staff", "workload_reviews", &["org_id", "staff_id", "reviewed_on"]).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("personnel_settings")
                .col(pk_uuid("org_id"))
                .col(string("gap_policy").check(one_of("gap_policy", GapPolicy::CODES)))
                .col(integer("supervision_days"))
                .col(integer("mentoring_days"))
                .col(integer("in_service_months"))
                .col(integer("pre_service_grace_days"))
                .col(double("weight_high"))
                .col(double("weight_moderate"))
                .col(double("weight_low"))
                .col(double("max_weighted_caseload"))
                .col(integer("max_contacts_per_month"))
                .col(integer("max_groups"))
                .col(integer("max_open_referrals"))
                .col(integer("review_months"))
                .col(integer("version").default(1))
                .col(timestamp_with_time_zone("updated_at"))
                .col(uuid_null("updated_by"))
                .to_owned(),
        )
        .await?;

        // One row per reminder stage, so each goes out once however often the job runs.
        m.create_table(
            Table::create()
                .table("staff_reminders")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("staff_id"))
                .col(string("kind").check(one_of("kind", ReminderKind::CODES)))
                .col(string("subject"))
                .col(string("stage"))
                .col(date("due_on"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("emailed_at"))
                .col(timestamp_with_time_zone_null("dismissed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("staff_reminders_once", "staff_reminders", &["org_id", "staff_id", "kind", "subject", "stage"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("staff_reminders_open", "staff_reminders", &["org_id", "staff_id", "dismissed_at"]).to_owned(),
        )
        .await?;

        // Attestations of staff members' group skills become demonstrated competencies; volunteers'
        // stay where they are. Area codes map one to one onto the 2.04 requirement codes.
        let backend = m.get_database_backend();
        let rows = m
            .get_connection()
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, org_id, staff_id, areas, note, attested_by, attested_at FROM facilitator_readiness \
                 WHERE staff_id IS NOT NULL",
            ))
            .await?;
        for row in rows {
            let id: uuid::Uuid = row.try_get("", "id")?;
            let org: uuid::Uuid = row.try_get("", "org_id")?;
            let staff: uuid::Uuid = row.try_get("", "staff_id")?;
            let areas: String = row.try_get("", "areas")?;
            let note: Option<String> = row.try_get("", "note")?;
            let by: uuid::Uuid = row.try_get("", "attested_by")?;
            let at: time::OffsetDateTime = row.try_get("", "attested_at")?;
            let topics: Vec<String> = areas
                .split(';')
                .filter(|a| !a.is_empty())
                .map(|a| format!("cse-2-04-{}", readiness_topic(a)))
                .collect();
            if topics.is_empty() {
                continue;
            }
            let insert = Query::insert()
                .into_table("training_records")
                .columns([
                    "id",
                    "org_id",
                    "staff_id",
                    "title",
                    "kind",
                    "phase",
                    "topics",
                    "completed_on",
                    "demonstration",
                    "attested_by",
                    "note",
                    "recorded_by",
                    "version",
                    "created_at",
                    "updated_at",
                ])
                .values_panic([
                    id.into(),
                    org.into(),
                    staff.into(),
                    "Group leadership attested".into(),
                    TrainingKind::Demonstrated.code().into(),
                    TrainingPhase::InService.code().into(),
                    topics.join(";").into(),
                    at.date().into(),
                    "Observed leading a group".into(),
                    by.into(),
                    note.into(),
                    by.into(),
                    1.into(),
                    at.into(),
                    at.into(),
                ])
                .to_owned();
            m.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "staff_reminders",
            "personnel_settings",
            "workload_reviews",
            "supervision_sessions",
            "training_records",
            "training_courses",
            "staff_certifications",
            "staff_files",
            "staff_degrees",
            "staff_profiles",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

/// The 2.04 requirement code's tail for a readiness area code.
fn readiness_topic(area: &str) -> &str {
    match area {
        "engaging-members" => "engaging",
        other => other,
    }
}
