//! One set of migrations for SQLite and PostgreSQL. Enums are text with CHECK constraints; ids are
//! UUIDs; every table carries `org_id` (the shard key for a distributed PostgreSQL).

use crate::domain::codes::{ContactMethod, Country, Edition, Ethnicity, SettingType, UiLanguage};
use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

mod coaching;
mod community;
mod consents;
mod directory;
mod feedback;
mod groups;
mod instruments;
mod intake;
mod logic_models;
mod measures;
mod outcome_reports;
mod outcome_speed;
mod outcomes;
mod participation;
mod personnel;
mod portal;
mod readiness;
mod readiness_onsite;
mod readiness_speed;
mod referrals;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(Foundation),
            Box::new(intake::Intake),
            Box::new(coaching::Coaching),
            Box::new(groups::Groups),
            Box::new(directory::Directory),
            Box::new(consents::Consents),
            Box::new(referrals::Referrals),
            Box::new(personnel::Personnel),
            Box::new(feedback::Feedback),
            Box::new(participation::Participation),
            Box::new(community::Community),
            Box::new(portal::Portal),
            Box::new(outcomes::Outcomes),
            Box::new(instruments::Instruments),
            Box::new(measures::Measures),
            Box::new(logic_models::LogicModels),
            Box::new(outcome_reports::OutcomeReports),
            Box::new(outcome_speed::OutcomeSpeed),
            Box::new(readiness::Readiness),
            Box::new(readiness_onsite::ReadinessOnsite),
            Box::new(readiness_speed::ReadinessSpeed),
        ]
    }
}

#[derive(DeriveMigrationName)]
struct Foundation;

fn one_of(column: &'static str, codes: &[&str]) -> SimpleExpr {
    Expr::col(column).is_in(codes.iter().map(|c| String::from(*c)))
}

fn org_id() -> ColumnDef {
    uuid("org_id")
}

fn stamps(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(integer("version").default(1))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
}

fn index(name: &str, table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(*column);
    }
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Foundation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            stamps(
                Table::create()
                    .table("organisations")
                    .col(pk_uuid("id"))
                    .col(string("name"))
                    .col(string("country").check(one_of("country", Country::CODES)))
                    .col(string("time_zone"))
                    .col(string("default_language").check(one_of("default_language", UiLanguage::CODES)))
                    .col(string("edition").check(one_of("edition", Edition::CODES)))
                    .col(boolean("require_totp").default(false))
                    .col(string("emergency_number"))
                    .col(text("crisis_procedure"))
                    .col(text_null("local_crisis_contacts"))
                    .col(big_integer("next_record_number").default(1)),
            )
            .to_owned(),
        )
        .await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("programs")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(string("name"))
                    .col(text_null("description"))
                    .col(boolean("serves_individuals"))
                    .col(boolean("serves_groups"))
                    .col(boolean("serves_referral"))
                    .col(boolean("peer_delivered"))
                    .col(boolean("occasional_only"))
                    .col(boolean("active")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("programs_org_name", "programs", &["org_id", "name"]).unique().to_owned()).await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("sites")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(string("name"))
                    .col(string("setting_type").check(one_of("setting_type", SettingType::CODES)))
                    .col(string_null("address_line"))
                    .col(string_null("locality"))
                    .col(string_null("region"))
                    .col(string_null("postal_code"))
                    .col(string_null("phone"))
                    .col(text_null("notes"))
                    .col(boolean("active")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("sites_org_name", "sites", &["org_id", "name"]).unique().to_owned()).await?;

        m.create_table(
            stamps(
                Table::create()
                    .table("staff")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(string("email"))
                    .col(string("display_name"))
                    .col(string_null("job_title"))
                    .col(string("roles"))
                    .col(string("password_hash"))
                    .col(uuid_null("supervisor_id"))
                    .col(boolean("active"))
                    .col(string_null("totp_secret"))
                    .col(boolean("totp_enabled").default(false))
                    .col(big_integer_null("totp_last_step"))
                    .col(integer("failed_logins").default(0))
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(timestamp_with_time_zone_null("last_login_at"))
                    .col(timestamp_with_time_zone("password_changed_at"))
                    .col(boolean("must_change_password").default(false))
                    .col(string_null("language")),
            )
            .to_owned(),
        )
        .await?;
        // Sign-in is by e-mail alone, so an address belongs to one account across organisations.
        m.create_index(index("staff_email", "staff", &["email"]).unique().to_owned()).await?;
        m.create_index(index("staff_org", "staff", &["org_id", "display_name"]).to_owned()).await?;

        m.create_table(
            Table::create()
                .table("staff_programs")
                .col(org_id())
                .col(uuid("staff_id"))
                .col(uuid("program_id"))
                .primary_key(Index::create().col("org_id").col("staff_id").col("program_id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("sessions")
                .col(string("id").primary_key())
                .col(uuid_null("org_id"))
                .col(uuid_null("staff_id"))
                .col(text("data"))
                .col(timestamp_with_time_zone("expires_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sessions_staff", "sessions", &["staff_id"]).to_owned()).await?;

        m.create_table(
            Table::create()
                .table("api_tokens")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("staff_id"))
                .col(string("name"))
                .col(string("token_hash"))
                .col(string("prefix"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("api_tokens_hash", "api_tokens", &["token_hash"]).unique().to_owned()).await?;

        self.create_people(m).await?;
        self.create_audit(m).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "audit_events",
            "person_search_terms",
            "enrolments",
            "household_members",
            "people",
            "api_tokens",
            "sessions",
            "staff_programs",
            "staff",
            "sites",
            "programs",
            "organisations",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

impl Foundation {
    async fn create_people(&self, m: &SchemaManager<'_>) -> Result<(), DbErr> {
        m.create_table(
            stamps(
                Table::create()
                    .table("people")
                    .col(pk_uuid("id"))
                    .col(org_id())
                    .col(big_integer("record_number"))
                    .col(string("legal_given_name"))
                    .col(string("legal_family_name"))
                    .col(string_null("preferred_name"))
                    .col(string_null("pronouns"))
                    .col(date_null("date_of_birth"))
                    .col(string_null("phone"))
                    .col(string_null("phone_digits"))
                    .col(string_null("email"))
                    .col(string_null("address_line"))
                    .col(string_null("locality"))
                    .col(string_null("region"))
                    .col(string_null("postal_code"))
                    .col(string_null("preferred_contact").check(
                        Expr::col("preferred_contact").is_null().or(one_of("preferred_contact", ContactMethod::CODES)),
                    ))
                    .col(boolean_null("voicemail_ok"))
                    .col(boolean_null("text_ok"))
                    .col(boolean_null("email_ok"))
                    .col(text_null("contact_notes"))
                    .col(string_null("preferred_language"))
                    .col(boolean("interpreter_needed").default(false))
                    .col(string_null("race_codes"))
                    .col(string_null("race_self_described"))
                    .col(
                        string_null("ethnicity")
                            .check(Expr::col("ethnicity").is_null().or(one_of("ethnicity", Ethnicity::CODES))),
                    )
                    .col(string_null("ethnicity_self_described"))
                    .col(string_null("emergency_name"))
                    .col(string_null("emergency_relationship"))
                    .col(string_null("emergency_phone"))
                    .col(uuid_null("created_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("people_org_number", "people", &["org_id", "record_number"]).unique().to_owned()).await?;
        m.create_index(
            index("people_org_name", "people", &["org_id", "legal_family_name", "legal_given_name"]).to_owned(),
        )
        .await?;
        m.create_index(index("people_org_dob", "people", &["org_id", "date_of_birth"]).to_owned()).await?;
        m.create_index(index("people_org_phone", "people", &["org_id", "phone_digits"]).to_owned()).await?;

        m.create_table(
            Table::create()
                .table("household_members")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("person_id"))
                .col(string("name"))
                .col(string("relationship"))
                .col(date_null("date_of_birth"))
                .col(string_null("phone"))
                .col(boolean("takes_part").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("household_person", "household_members", &["org_id", "person_id"]).to_owned()).await?;

        // A person's place on a program and a worker's caseload; access follows open enrolments.
        m.create_table(
            Table::create()
                .table("enrolments")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(uuid("person_id"))
                .col(uuid("program_id"))
                .col(uuid_null("worker_id"))
                .col(date("started_on"))
                .col(date_null("ended_on"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("enrolments_person", "enrolments", &["org_id", "person_id"]).to_owned()).await?;
        m.create_index(index("enrolments_worker", "enrolments", &["org_id", "worker_id", "person_id"]).to_owned())
            .await?;
        m.create_index(index("enrolments_program", "enrolments", &["org_id", "program_id", "person_id"]).to_owned())
            .await?;

        m.create_table(
            Table::create()
                .table("person_search_terms")
                .col(org_id())
                .col(string("term"))
                .col(uuid("person_id"))
                .primary_key(Index::create().col("org_id").col("term").col("person_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("search_terms_person", "person_search_terms", &["org_id", "person_id"]).to_owned())
            .await?;
        Ok(())
    }

    async fn create_audit(&self, m: &SchemaManager<'_>) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("audit_events")
                .col(pk_uuid("id"))
                .col(org_id())
                .col(big_integer("seq"))
                .col(timestamp_with_time_zone("occurred_at"))
                .col(uuid_null("actor_id"))
                .col(string_null("actor_label"))
                .col(string("action"))
                .col(string("outcome"))
                .col(string_null("record_type"))
                .col(uuid_null("record_id"))
                .col(string_null("ip"))
                .col(text("detail"))
                .col(string("prev_hash"))
                .col(string("hash"))
                .to_owned(),
        )
        .await?;
        // The unique sequence makes concurrent appends to one chain fail instead of forking it.
        m.create_index(index("audit_org_seq", "audit_events", &["org_id", "seq"]).unique().to_owned()).await?;
        m.create_index(index("audit_org_record", "audit_events", &["org_id", "record_id", "seq"]).to_owned()).await?;
        m.create_index(index("audit_org_actor", "audit_events", &["org_id", "actor_id", "seq"]).to_owned()).await?;

        // Append-only: the database itself refuses to change or remove a row.
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Sqlite => {
                for op in ["UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER audit_events_no_{op} BEFORE {op} ON audit_events \
                         BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
                    ))
                    .await?;
                }
            }
            _ => {
                db.execute_unprepared(
                    "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events \
                     FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events \
                     FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
                )
                .await?;
            }
        }
        Ok(())
    }
}
