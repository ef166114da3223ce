//! A reproducible synthetic organisation: the same seed always gives the same people. Only
//! invented data: names are recombined from common given and family names, phone numbers use the
//! reserved 555-01xx range and e-mail addresses the reserved example.org domain.

use crate::db::entities::{
    coaching_contact, coaching_status, crisis_event, crisis_procedure, curriculum, curriculum_version, enrolment,
    facilitator_readiness, group_attendance, group_facilitator, group_feedback, group_member, group_schedule,
    group_session, household_member, lapse, mutual_aid_connection, natural_support, organisation, person,
    person_safety, person_search_term, program, program_intake_setting, recovery_plan, recovery_plan_save,
    recovery_plan_version, risk_response, risk_screen, safety_plan, service_request, site, staff, staff_program,
    support_group, training_record, waitlist_checkin, waitlist_entry,
};
use crate::db::{self, Db};
use crate::domain::coaching::{
    self as coaching_rules, Agreement, CoachingActivity, ContactFrequency, ContactMode, ContactSetting, Fellowship,
    GoalProgress, LifeDomain, MutualAidHelp, NoteStatus, PlanContent, PlanGoal, PlanStatus, PlanStep, PlanVersionKind,
    RecoveryStage, SupportEngagement, SupportRelationship, UnmetNeed, UnmetNeedEntry,
};
use crate::domain::codes::{
    CloseReason, CrisisCall, PopulationFit, ProgramFit, RequestSource, RequestStatus, Role, SafetyFlag, SafetyStep,
    SettingType, Urgency, WaitlistPriority, WaitlistRemoval,
};
use crate::domain::groups::{
    AttendanceStatus, Audience, CapacityRule, CurriculumStatus, DayPart, FacilitatorRole, FeedbackSource, FocusArea,
    GroupKind, GroupStatus, LeadershipRole, MemberStatus, Membership, ReadinessArea, SessionOpportunity, SessionStatus,
};
use crate::domain::intake as rules;
use crate::domain::personnel::{TrainingKind, TrainingPhase};
use crate::domain::risk::{self, Concern, CssrsAnswers, IndividualReason, ResponseKind, RiskLevel, ScreenKind};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, Iterable, QueryFilter};
use std::collections::{HashMap, HashSet};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

mod community;
mod directory;
mod feedback;
mod instruments;
mod logic_models;
mod measures;
mod participation;
mod personnel;
mod portal;
mod readiness;

pub use directory::{DIRECTORY_TOP_UP_VAR, directory_size, top_up_directory};

pub const DEMO_PASSWORD: &str = "mainstay-demo";

const ORG_TIME_ZONE: &str = "America/New_York";

/// The sign-ins printed by `serve --demo`: (role, e-mail).
pub const DEMO_SIGN_INS: &[(Role, &str)] = &[
    (Role::Administrator, "admin@demo.example"),
    (Role::ProgramDirector, "director@demo.example"),
    (Role::Supervisor, "supervisor@demo.example"),
    (Role::Coach, "coach@demo.example"),
    (Role::GroupFacilitator, "facilitator@demo.example"),
    (Role::ReferralSpecialist, "referral@demo.example"),
    (Role::QualityLead, "quality@demo.example"),
];

const GIVEN: &[&str] = &[
    "Aaliyah",
    "Abdi",
    "Adaeze",
    "Aiyana",
    "Alejandro",
    "Amara",
    "Amir",
    "Ana",
    "Andre",
    "Angela",
    "Anh",
    "Arjun",
    "Ayesha",
    "Bao",
    "Beatriz",
    "Brandon",
    "Camila",
    "Carlos",
    "Chen",
    "Chloe",
    "Daniel",
    "Darnell",
    "Deja",
    "Destiny",
    "Diego",
    "Dmitri",
    "Elena",
    "Elijah",
    "Emeka",
    "Emily",
    "Esperanza",
    "Fatima",
    "Felix",
    "Gabriel",
    "Grace",
    "Hana",
    "Hassan",
    "Hiroshi",
    "Imani",
    "Isabela",
    "Jamal",
    "Jasmine",
    "Javier",
    "Jin",
    "John",
    "Jordan",
    "Jose",
    "Joseph",
    "Kai",
    "Kateri",
    "Keisha",
    "Kenji",
    "Kwame",
    "Lakshmi",
    "Layla",
    "Leila",
    "Liam",
    "Lucia",
    "Luis",
    "Malik",
    "Maria",
    "Marisol",
    "Marcus",
    "Mateo",
    "Maya",
    "Mei",
    "Michael",
    "Miguel",
    "Mohammed",
    "Nadia",
    "Naomi",
    "Nia",
    "Noah",
    "Nour",
    "Olivia",
    "Omar",
    "Oyelaran",
    "Pablo",
    "Priya",
    "Quinn",
    "Rafael",
    "Rashid",
    "Renata",
    "Riley",
    "Rosa",
    "Ruth",
    "Samira",
    "Sarah",
    "Sebastian",
    "Sergei",
    "Shanice",
    "Sione",
    "Sofia",
    "Soo-ah",
    "Tamika",
    "Tariq",
    "Thanh",
    "Thomas",
    "Tiana",
    "Tomas",
    "Valentina",
    "Victor",
    "Wei",
    "Winona",
    "Xavier",
    "Yara",
    "Yusuf",
    "Zainab",
    "Zoe",
    "Aroha",
    "Bashir",
    "Cheveyo",
    "Dalia",
    "Emre",
    "Farah",
    "Guadalupe",
    "Ifeoma",
    "Joaquin",
    "Kalani",
    "Lwazi",
];

const FAMILY: &[&str] = &[
    "Abara",
    "Acosta",
    "Adeyemi",
    "Ahmed",
    "Ali",
    "Alvarez",
    "Anderson",
    "Begay",
    "Bennett",
    "Brown",
    "Castillo",
    "Chavez",
    "Chen",
    "Clark",
    "Cruz",
    "Davis",
    "Diaz",
    "Dubois",
    "Echohawk",
    "Edwards",
    "Flores",
    "Fofanah",
    "Garcia",
    "Gonzalez",
    "Gupta",
    "Haddad",
    "Hernandez",
    "Ho",
    "Hughes",
    "Ibrahim",
    "Iyer",
    "Jackson",
    "Jimenez",
    "Johnson",
    "Kahananui",
    "Kaur",
    "Kim",
    "Kowalski",
    "Lee",
    "Lefebvre",
    "Lopez",
    "Mahmoud",
    "Martin",
    "Martinez",
    "Mendoza",
    "Mensah",
    "Miller",
    "Morales",
    "Moreau",
    "Murphy",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Nwosu",
    "Obi",
    "Okafor",
    "Oliveira",
    "Ortiz",
    "Osei",
    "Park",
    "Patel",
    "Perez",
    "Petrov",
    "Pham",
    "Quispe",
    "Ramirez",
    "Ramos",
    "Reyes",
    "Rivera",
    "Robinson",
    "Rodriguez",
    "Romero",
    "Roy",
    "Sanchez",
    "Santos",
    "Shah",
    "Silva",
    "Singh",
    "Smith",
    "Sok",
    "Suzuki",
    "Tanaka",
    "Taylor",
    "Thomas",
    "Torres",
    "Tran",
    "Tsosie",
    "Vargas",
    "Vasquez",
    "Walker",
    "Washington",
    "White",
    "Williams",
    "Wilson",
    "Wong",
    "Yazzie",
    "Young",
    "Zhang",
    "Nakai",
    "Okonkwo",
    "Tremblay",
];

const LANGUAGES: &[(&str, u32)] = &[
    ("English", 690),
    ("Spanish", 150),
    ("French", 30),
    ("Vietnamese", 25),
    ("Arabic", 20),
    ("Tagalog", 15),
    ("Haitian Creole", 15),
    ("American Sign Language", 10),
    ("Somali", 10),
    ("Navajo", 10),
    ("Mandarin", 15),
    ("Portuguese", 10),
];

const PRONOUNS: &[(&str, u32)] = &[("she/her", 42), ("he/him", 42), ("they/them", 8), ("", 8)];
const RACE: &[&str] = &[
    "american-indian-alaska-native",
    "asian",
    "black-african-american",
    "middle-eastern-north-african",
    "native-hawaiian-pacific-islander",
    "white",
    "another",
    "declined",
];
const STREETS: &[&str] =
    &["Harbour St", "Maple Ave", "Front St", "Union Rd", "Mill Lane", "Ocean Blvd", "Elm St", "Pine Ct"];
const RELATIONSHIPS: &[&str] =
    &["partner", "daughter", "son", "mother", "father", "sister", "brother", "grandparent", "friend", "roommate"];

/// One of `items`, each as likely as its weight.
fn weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.gen_range(0..total);
    for (item, weight) in items {
        if pick < *weight {
            return *item;
        }
        pick -= weight;
    }
    items[0].0
}

fn uuid(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.r#gen()).into_uuid()
}

fn phone(rng: &mut ChaCha8Rng) -> String {
    format!("({}) 555-01{:02}", rng.gen_range(201..990), rng.gen_range(0..100))
}

pub struct DemoSummary {
    pub org_id: Uuid,
    pub people: usize,
    pub staff: usize,
    pub created: bool,
}

/// Writes the demo organisation unless it is already there.
pub async fn generate(db: &Db, people: usize, seed: u64, now: OffsetDateTime) -> anyhow::Result<DemoSummary> {
    if let Some(existing) = db::staff::by_email(db, DEMO_SIGN_INS[0].1).await? {
        if let Some(total) = std::env::var(TOP_UP_VAR).ok().and_then(|v| v.trim().parse().ok()) {
            top_up_contacts(db, total).await?;
        }
        if let Some(total) = std::env::var(DIRECTORY_TOP_UP_VAR).ok().and_then(|v| v.trim().parse().ok()) {
            top_up_directory(db, existing.org_id, total, seed, now).await?;
        }
        return Ok(DemoSummary { org_id: existing.org_id, people: 0, staff: 0, created: false });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Intake records draw from a stream of their own, so a seed gives the same people with or without them.
    let mut intake_rng = ChaCha8Rng::seed_from_u64(seed);
    intake_rng.set_stream(1);
    let org_id = uuid(&mut rng);
    let password_hash = crate::auth::hash_password(DEMO_PASSWORD.to_string()).await?;
    let txn = db.begin_write().await?;
    let sqlite = db.backend() == sea_orm::DbBackend::Sqlite;
    if sqlite {
        // One large transaction: a page cache big enough that SQLite never spills it midway.
        sea_orm::ConnectionTrait::execute_unprepared(&*txn, "PRAGMA cache_size = -1048576").await?;
    }
    // Indexes only read after the load (the outcome dashboard's, the readiness evidence's), built
    // once at the end.
    let deferred = Db::defer_indexes(&txn, DEFERRED_INDEXES).await?;
    let mut phases = Phases::start();
    insert_org(&txn, org_id, now).await?;
    let programs = insert_programs(&txn, &mut rng, org_id, now).await?;
    let sites = insert_sites(&txn, &mut rng, org_id, now).await?;
    let team = insert_staff(&txn, &mut rng, org_id, &programs, &password_hash, people, now).await?;
    phases.done("staff");
    let today = now.date();
    let members =
        insert_people(&txn, &mut rng, &mut intake_rng, org_id, &programs, &team.workers, people, today, now).await?;
    phases.done("people");
    let monitored = insert_intake(&txn, intake_rng, org_id, &programs, &team, &members, now).await?;
    phases.done("intake");
    // Coaching records draw from a third stream, so adding them left everything above unchanged.
    let mut coaching_rng = ChaCha8Rng::seed_from_u64(seed);
    coaching_rng.set_stream(2);
    let plan_needs = insert_coaching(&txn, coaching_rng, org_id, &programs, &team, &members, &monitored, now).await?;
    phases.done("coaching");
    // Groups draw from a fourth.
    let mut groups_rng = ChaCha8Rng::seed_from_u64(seed);
    groups_rng.set_stream(3);
    let facilitators =
        insert_groups(&txn, groups_rng, org_id, &programs, &sites, &team, &members, &password_hash, now).await?;
    phases.done("groups");
    // The resource directory, referrals, consents and information-only contacts draw from a fifth.
    let mut directory_rng = ChaCha8Rng::seed_from_u64(seed);
    directory_rng.set_stream(4);
    let referrals =
        directory::Demo { rng: directory_rng, org_id, programs: &programs, team: &team, members: &members, now };
    referrals.insert(&txn, &plan_needs, seed).await?;
    phases.done("directory and referrals");
    // Personnel records (profiles, certifications, training, supervision) draw from a sixth.
    let mut personnel_rng = ChaCha8Rng::seed_from_u64(seed);
    personnel_rng.set_stream(5);
    personnel::Demo { rng: personnel_rng, org_id, team: &team, now }.insert(&txn).await?;
    phases.done("personnel");
    // Participant voice (feedback, rules, meetings, opportunities, welcoming reviews, portal) a seventh.
    let mut voice_rng = ChaCha8Rng::seed_from_u64(seed);
    voice_rng.set_stream(6);
    let voice = VoiceDemo { org_id, programs: &programs, sites: &sites, team: &team, members: &members, now };
    voice.insert(&txn, &mut voice_rng).await?;
    phases.done("participant voice");
    // Outcomes (instruments, measurements, logic models) draw from streams 7, 8 and 9.
    let outcomes = OutcomesDemo { org_id, programs: &programs, sites: &sites, team: &team, members: &members, now };
    outcomes.insert(&txn, seed).await?;
    phases.done("outcomes");
    // Readiness history draws from a tenth stream.
    let mut readiness_rng = ChaCha8Rng::seed_from_u64(seed);
    readiness_rng.set_stream(10);
    readiness::insert(&txn, &mut readiness_rng, org_id, team.director, now).await?;
    let entry =
        crate::audit::Entry::new(org_id, "demo.generate").detail(serde_json::json!({ "people": people, "seed": seed }));
    db::audit::append(&txn, entry, now).await?;
    Db::restore_indexes(&txn, deferred).await?;
    phases.done("deferred indexes");
    txn.commit().await?;
    phases.done("commit");
    if sqlite {
        // Back to the connection's usual cache (the writer is a pool of one connection).
        let txn = db.begin_write().await?;
        sea_orm::ConnectionTrait::execute_unprepared(&*txn, "PRAGMA cache_size = -16000").await?;
        txn.commit().await?;
    }
    db.after_bulk_load().await?;
    Ok(DemoSummary { org_id, people, staff: team.workers.len() + 4 + facilitators, created: true })
}

/// Logs how long each part of the demo took (shown with `--log-json`), to see where time goes.
struct Phases(std::time::Instant);

impl Phases {
    fn start() -> Phases {
        Phases(std::time::Instant::now())
    }

    fn done(&mut self, phase: &'static str) {
        let now = std::time::Instant::now();
        tracing::info!(phase, seconds = (now - self.0).as_secs_f64(), "demo part written");
        self.0 = now;
    }
}

/// Secondary indexes the demo drops while it writes and builds again before it commits.
const DEFERRED_INDEXES: &[&str] =
    &["outcome_person_summaries_pairs", "outcome_person_summaries_latest", "contacts_outputs", "contacts_warned"];

/// What the participant-voice demo records draw on: the organisation's programs, sites, staff and people.
struct VoiceDemo<'a> {
    org_id: Uuid,
    programs: &'a [Uuid],
    sites: &'a [Uuid],
    team: &'a Team,
    members: &'a [Member],
    now: OffsetDateTime,
}

impl VoiceDemo<'_> {
    /// Each part keeps to a few hundred rows whatever the size of the demo, so `--people 50000` stays quick.
    async fn insert(&self, txn: &db::WriteTxn, rng: &mut ChaCha8Rng) -> anyhow::Result<()> {
        feedback::insert(txn, rng, self).await?;
        participation::insert(txn, rng, self).await?;
        community::insert(txn, rng, self).await?;
        portal::insert(txn, rng, self).await?;
        Ok(())
    }
}

/// What the outcome demo records draw on: the organisation's programs, sites, staff and people.
struct OutcomesDemo<'a> {
    org_id: Uuid,
    programs: &'a [Uuid],
    sites: &'a [Uuid],
    team: &'a Team,
    members: &'a [Member],
    now: OffsetDateTime,
}

impl OutcomesDemo<'_> {
    /// Instruments first (measurements use the organisation's own), then measurements, then logic
    /// models (whose targets name instruments). Each part has its own random stream.
    async fn insert(&self, txn: &db::WriteTxn, seed: u64) -> anyhow::Result<()> {
        let stream = |n| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(n);
            rng
        };
        instruments::insert(txn, &mut stream(7), self).await?;
        measures::insert(txn, &mut stream(8), self).await?;
        logic_models::insert(txn, &mut stream(9), self).await?;
        Ok(())
    }
}

/// For load tests (`scripts/load.sh`): `mainstay demo` on a database that already holds the demo,
/// with this set to a number, adds contacts until there are that many.
pub const TOP_UP_VAR: &str = "MAINSTAY_DEMO_TOP_UP_CONTACTS";

/// Copies the demo's contacts a year further back each round (signed, without their lapse links)
/// until the database holds `total` contacts, in one `INSERT … SELECT` per round so millions take
/// seconds. The contacts the demo wrote stay as they are, so due dates and worklists do not move.
/// Returns how many contacts there are now.
pub async fn top_up_contacts(db: &Db, total: u64) -> anyhow::Result<u64> {
    use sea_orm::{ConnectionTrait, DbBackend, QueryOrder, QuerySelect, Statement};
    let count = |db: &Db| {
        let conn = db.conn().clone();
        async move {
            let row = conn
                .query_one_raw(Statement::from_string(
                    conn.get_database_backend(),
                    "SELECT COUNT(*) AS n FROM coaching_contacts",
                ))
                .await?
                .ok_or_else(|| anyhow::anyhow!("no count"))?;
            anyhow::Ok(row.try_get::<i64>("", "n")? as u64)
        }
    };
    let started = std::time::Instant::now();
    let before = count(db).await?;
    let backend = db.backend();
    // Copies are older than every contact the demo wrote, so each round copies only those.
    let oldest: Option<OffsetDateTime> = coaching_contact::Entity::find()
        .select_only()
        .column(coaching_contact::Column::OccurredAt)
        .order_by_asc(coaching_contact::Column::OccurredAt)
        .limit(1)
        .into_tuple::<OffsetDateTime>()
        .one(db.conn())
        .await?;
    let Some(oldest) = oldest else { anyhow::bail!("no contacts to copy: generate the demo first") };
    let mut now_count = before;
    let mut years = 1;
    while now_count < total {
        let limit = total - now_count;
        let sql = match backend {
            DbBackend::Sqlite => {
                let shift = |column: &str| format!("strftime('%Y-%m-%dT%H:%M:%SZ', {column}, '-{years} years')");
                format!(
                    "INSERT INTO coaching_contacts (id, org_id, person_id, program_id, worker_id, occurred_at, minutes, \
                     mode, setting, present, activities, goals, note, status, signed_at, signed_by, warnings, lapse_id, \
                     group_session_id, version, created_at, updated_at) \
                     SELECT randomblob(16), org_id, person_id, program_id, worker_id, {}, minutes, mode, setting, \
                     present, activities, goals, note, 'signed', {}, COALESCE(signed_by, worker_id), warnings, NULL, \
                     NULL, 1, {}, {} FROM coaching_contacts WHERE occurred_at >= ? ORDER BY id LIMIT {limit}",
                    shift("occurred_at"),
                    shift("COALESCE(signed_at, created_at)"),
                    shift("created_at"),
                    shift("COALESCE(signed_at, created_at)"),
                )
            }
            _ => {
                let shift = |column: &str| format!("{column} - make_interval(years => {years})");
                format!(
                    "INSERT INTO coaching_contacts (id, org_id, person_id, program_id, worker_id, occurred_at, minutes, \
                     mode, setting, present, activities, goals, note, status, signed_at, signed_by, warnings, lapse_id, \
                     group_session_id, version, created_at, updated_at) \
                     SELECT gen_random_uuid(), org_id, person_id, program_id, worker_id, {}, minutes, mode, setting, \
                     present, activities, goals, note, 'signed', {}, COALESCE(signed_by, worker_id), warnings, NULL, \
                     NULL, 1, {}, {} FROM coaching_contacts WHERE occurred_at >= $1 ORDER BY id LIMIT {limit}",
                    shift("occurred_at"),
                    shift("COALESCE(signed_at, created_at)"),
                    shift("created_at"),
                    shift("COALESCE(signed_at, created_at)"),
                )
            }
        };
        let txn = db.begin_write().await?;
        if backend == DbBackend::Sqlite {
            txn.execute_unprepared("PRAGMA cache_size = -1048576").await?;
        }
        let result = txn.execute_raw(Statement::from_sql_and_values(backend, &sql, [oldest.into()])).await?;
        txn.commit().await?;
        if result.rows_affected() == 0 {
            break;
        }
        now_count += result.rows_affected();
        years += 1;
    }
    if backend == DbBackend::Sqlite {
        let txn = db.begin_write().await?;
        txn.execute_unprepared("PRAGMA cache_size = -16000").await?;
        txn.commit().await?;
    }
    db.after_bulk_load().await?;
    let after = count(db).await?;
    tracing::info!(before, after, seconds = started.elapsed().as_secs_f64(), "demo contacts topped up ({TOP_UP_VAR})");
    Ok(after)
}

async fn insert_org(txn: &db::WriteTxn, org_id: Uuid, now: OffsetDateTime) -> anyhow::Result<()> {
    organisation::Entity::insert(organisation::ActiveModel {
        id: Set(org_id),
        name: Set("Harbour Light Recovery Community".into()),
        country: Set("US".into()),
        time_zone: Set(ORG_TIME_ZONE.into()),
        default_language: Set("en".into()),
        edition: Set("cse-2024".into()),
        require_totp: Set(false),
        emergency_number: Set("911".into()),
        crisis_procedure: Set(CRISIS_PROCEDURE.into()),
        local_crisis_contacts: Set(Some(
            "County mobile crisis team: (207) 555-0142\nHarbour House domestic violence shelter: (207) 555-0177".into(),
        )),
        next_record_number: Set(1),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&**txn)
    .await?;
    Ok(())
}

const CRISIS_PROCEDURE: &str = "Stay with the person and keep your voice calm. Ask directly about thoughts of suicide or harming others.\n\
If anyone is in immediate danger, call the emergency number now and stay on the line.\n\
If the person is safe right now but struggling, call or text the crisis line together, or call the county mobile crisis team.\n\
If the person is experiencing domestic violence, offer the shelter line and plan a safe way to reach them; never leave messages that could put them at risk.\n\
For an anonymous caller who needs help now, keep them talking, ask where they are, and have a colleague call the emergency number.\n\
Tell your supervisor the same day and write a progress note. If you must make a mandatory report, tell the person first when it is safe to do so.";

async fn insert_programs(
    txn: &db::WriteTxn,
    rng: &mut ChaCha8Rng,
    org_id: Uuid,
    now: OffsetDateTime,
) -> anyhow::Result<Vec<Uuid>> {
    let specs = [
        (
            "Peer Recovery Coaching",
            "One-to-one coaching with a peer further along in recovery.",
            (true, false, false, true, false),
        ),
        (
            "Family Recovery Support",
            "Support for families and chosen family of people in recovery.",
            (true, false, false, true, false),
        ),
        (
            "Recovery Education & Support Groups",
            "Weekly education and mutual support groups.",
            (false, true, false, true, false),
        ),
        (
            "Information & Referral Line",
            "Phone, text and walk-in information and referral.",
            (false, false, true, false, true),
        ),
    ];
    let mut ids = Vec::new();
    let mut rows = Vec::new();
    for (name, description, (individuals, groups, referral, peer, occasional)) in specs {
        let id = uuid(rng);
        ids.push(id);
        rows.push(program::ActiveModel {
            id: Set(id),
            org_id: Set(org_id),
            name: Set(name.into()),
            description: Set(Some(description.into())),
            serves_individuals: Set(individuals),
            serves_groups: Set(groups),
            serves_referral: Set(referral),
            peer_delivered: Set(peer),
            occasional_only: Set(occasional),
            active: Set(true),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
    }
    program::Entity::insert_many(rows).exec_without_returning(&**txn).await?;
    Ok(ids)
}

async fn insert_sites(
    txn: &db::WriteTxn,
    rng: &mut ChaCha8Rng,
    org_id: Uuid,
    now: OffsetDateTime,
) -> anyhow::Result<Vec<Uuid>> {
    let specs = [
        ("Harbour Light Recovery Centre", SettingType::PeerRecoveryCentre),
        ("County Jail Reentry Outreach", SettingType::JailPrison),
        ("St. Brigid Emergency Department Bridge", SettingType::EmergencyPrimaryCare),
        ("Warmline (phone and text)", SettingType::PhoneElectronic),
        ("Eastside Library Drop-in", SettingType::Community),
    ];
    let rows: Vec<_> = specs
        .into_iter()
        .map(|(name, setting)| site::ActiveModel {
            id: Set(uuid(rng)),
            org_id: Set(org_id),
            name: Set(name.into()),
            setting_type: Set(setting.code().into()),
            address_line: Set(Some(format!(
                "{} {}",
                rng.gen_range(10..999),
                STREETS.choose(rng).copied().unwrap_or("Front St")
            ))),
            locality: Set(Some("Harbourview".into())),
            region: Set(Some("ME".into())),
            postal_code: Set(Some("04000".into())),
            phone: Set(Some(phone(rng))),
            notes: Set(None),
            active: Set(true),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    let ids = rows.iter().map(|r| r.id.clone().unwrap()).collect();
    site::Entity::insert_many(rows).exec_without_returning(&**txn).await?;
    Ok(ids)
}

struct StaffSpec {
    id: Uuid,
    email: String,
    name: String,
    roles: Vec<Role>,
    supervisor: Option<Uuid>,
    programs: Vec<Uuid>,
}

/// A demo staff account, signed in with the shared demo password.
fn staff_row(org_id: Uuid, s: &StaffSpec, hash: &str, now: OffsetDateTime) -> staff::ActiveModel {
    staff::ActiveModel {
        id: Set(s.id),
        org_id: Set(org_id),
        email: Set(s.email.clone()),
        display_name: Set(s.name.clone()),
        job_title: Set(Some(job_title(s.roles[0]).into())),
        roles: Set(db::staff::roles_to_text(&s.roles)),
        password_hash: Set(hash.to_string()),
        supervisor_id: Set(s.supervisor),
        active: Set(true),
        totp_secret: Set(None),
        totp_enabled: Set(false),
        totp_last_step: Set(None),
        failed_logins: Set(0),
        locked_until: Set(None),
        last_login_at: Set(None),
        password_changed_at: Set(now),
        must_change_password: Set(false),
        language: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// The demo accounts the intake records refer to, and everyone who carries a caseload.
struct Team {
    admin: Uuid,
    director: Uuid,
    supervisor: Uuid,
    coach: Uuid,
    facilitator: Uuid,
    referral: Uuid,
    /// Supervisor, coaches, then the facilitator and the referral specialist.
    workers: Vec<Uuid>,
}

/// The named demo accounts plus enough extra coaches for about 30 people each.
async fn insert_staff(
    txn: &db::WriteTxn,
    rng: &mut ChaCha8Rng,
    org_id: Uuid,
    programs: &[Uuid],
    hash: &str,
    people: usize,
    now: OffsetDateTime,
) -> anyhow::Result<Team> {
    let names =
        ["Alex Morgan", "Dana Whitfield", "Sam Okafor", "Rosa Delgado", "Jordan Tsosie", "Priya Raman", "Lee Tremblay"];
    let mut specs: Vec<StaffSpec> = DEMO_SIGN_INS
        .iter()
        .zip(names)
        .map(|((role, email), name)| StaffSpec {
            id: uuid(rng),
            email: email.to_string(),
            name: name.to_string(),
            roles: vec![*role],
            supervisor: None,
            programs: Vec::new(),
        })
        .collect();
    let supervisor = specs[2].id;
    specs[1].programs = programs.to_vec();
    specs[2].programs = programs[..2].to_vec();
    specs[2].supervisor = Some(specs[1].id);
    for i in [3, 4, 5] {
        specs[i].supervisor = Some(supervisor);
    }
    specs[3].programs = programs[..2].to_vec();
    specs[4].programs = vec![programs[2]];
    specs[5].programs = vec![programs[3]];
    let extra_coaches = (people / 30).saturating_sub(1);
    for n in 0..extra_coaches {
        let given = GIVEN.choose(rng).copied().unwrap_or("Sam");
        let family = FAMILY.choose(rng).copied().unwrap_or("Lee");
        specs.push(StaffSpec {
            id: uuid(rng),
            email: format!("coach-{:04}@demo.example", n + 2),
            name: format!("{given} {family}"),
            roles: vec![Role::Coach],
            // The demo supervisor looks after the first few; the rest report to the director.
            supervisor: Some(if n < 6 { supervisor } else { specs[1].id }),
            programs: programs[..2].to_vec(),
        });
    }
    let mut memberships = Vec::new();
    let rows: Vec<_> = specs
        .iter()
        .map(|s| {
            memberships.extend(s.programs.iter().map(|p| staff_program::ActiveModel {
                org_id: Set(org_id),
                staff_id: Set(s.id),
                program_id: Set(*p),
            }));
            staff_row(org_id, s, hash, now)
        })
        .collect();
    for chunk in rows.chunks(500) {
        staff::Entity::insert_many(chunk.to_vec()).exec_without_returning(&**txn).await?;
    }
    for chunk in memberships.chunks(2000) {
        staff_program::Entity::insert_many(chunk.to_vec()).exec_without_returning(&**txn).await?;
    }
    // People are spread over everyone who carries a caseload.
    let workers = specs
        .iter()
        .filter(|s| s.roles.iter().any(|r| matches!(r, Role::Coach | Role::Supervisor)))
        .map(|s| s.id)
        .chain([specs[4].id, specs[5].id])
        .collect();
    Ok(Team {
        admin: specs[0].id,
        director: specs[1].id,
        supervisor,
        coach: specs[3].id,
        facilitator: specs[4].id,
        referral: specs[5].id,
        workers,
    })
}

fn job_title(role: Role) -> &'static str {
    match role {
        Role::Administrator => "Operations manager",
        Role::ProgramDirector => "Program director",
        Role::Supervisor => "Peer support supervisor",
        Role::Coach => "Peer recovery coach",
        Role::GroupFacilitator => "Group facilitator",
        Role::ReferralSpecialist => "Information & referral specialist",
        Role::QualityLead => "Quality and accreditation lead",
    }
}

/// What the intake records need to know about one generated person and their enrolment.
struct Member {
    person_id: Uuid,
    enrolment_id: Uuid,
    /// Index into the demo programs.
    program: usize,
    worker: Uuid,
    started_on: Date,
    /// The request for service the enrolment came from, for people who started in the past year.
    request_id: Option<Uuid>,
    given_name: String,
    family_name: String,
    phone: Option<String>,
    email: Option<String>,
    date_of_birth: Option<Date>,
    /// The language they prefer, as they said it ("Spanish").
    language: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn insert_people(
    txn: &db::WriteTxn,
    rng: &mut ChaCha8Rng,
    intake_rng: &mut ChaCha8Rng,
    org_id: Uuid,
    programs: &[Uuid],
    workers: &[Uuid],
    count: usize,
    today: Date,
    now: OffsetDateTime,
) -> anyhow::Result<Vec<Member>> {
    let mut people = Vec::with_capacity(500);
    let mut terms = Vec::with_capacity(20_000);
    let mut enrolments = Vec::with_capacity(600);
    let mut household = Vec::with_capacity(300);
    let mut members = Vec::with_capacity(count);
    let (facilitator, referral) = (workers[workers.len() - 2], workers[workers.len() - 1]);
    for n in 0..count {
        let p = synthetic_person(rng, org_id, n as i64 + 1, today, now);
        let worker_index = n % workers.len();
        let worker = workers[worker_index];
        let program = if worker == facilitator {
            2
        } else if worker == referral {
            3
        } else {
            usize::from(rng.gen_bool(0.2))
        };
        let enrolment_id = uuid(rng);
        let started_on = today - Duration::days(rng.gen_range(1..720));
        // Most people who started in the past year came to us through a request for service.
        let request_id =
            ((today - started_on).whole_days() <= 330 && intake_rng.gen_bool(0.9)).then(|| uuid(intake_rng));
        enrolments.push(enrolment::ActiveModel {
            id: Set(enrolment_id),
            org_id: Set(org_id),
            person_id: Set(p.id),
            program_id: Set(programs[program]),
            worker_id: Set(Some(worker)),
            started_on: Set(started_on),
            ended_on: Set(None),
            created_at: Set(now),
            discharge_reason: Set(None),
            discharge_note: Set(None),
            request_id: Set(request_id),
        });
        members.push(Member {
            person_id: p.id,
            enrolment_id,
            program,
            worker,
            started_on,
            request_id,
            given_name: p.legal_given_name.clone(),
            family_name: p.legal_family_name.clone(),
            phone: p.phone.clone(),
            email: p.email.clone(),
            date_of_birth: p.date_of_birth,
            language: p.preferred_language.clone(),
        });
        if rng.gen_bool(0.25) {
            for _ in 0..rng.gen_range(1..=3) {
                household.push(household_member::ActiveModel {
                    id: Set(uuid(rng)),
                    org_id: Set(org_id),
                    person_id: Set(p.id),
                    name: Set(format!("{} {}", GIVEN.choose(rng).copied().unwrap_or("Sam"), p.legal_family_name)),
                    relationship: Set(RELATIONSHIPS.choose(rng).copied().unwrap_or("friend").into()),
                    date_of_birth: Set(None),
                    phone: Set(rng.gen_bool(0.5).then(|| phone(rng))),
                    takes_part: Set(rng.gen_bool(0.4)),
                    created_at: Set(now),
                });
            }
        }
        terms.extend(db::people::search_terms(&p).into_iter().map(|term| person_search_term::ActiveModel {
            org_id: Set(org_id),
            term: Set(term),
            person_id: Set(p.id),
        }));
        people.push(p);
        if people.len() == 500 || n + 1 == count {
            flush(txn, &mut people, &mut terms, &mut enrolments, &mut household).await?;
        }
    }
    organisation::Entity::update_many()
        .col_expr(organisation::Column::NextRecordNumber, sea_orm::sea_query::Expr::value(count as i64 + 1))
        .filter(organisation::Column::Id.eq(org_id))
        .exec(&**txn)
        .await?;
    Ok(members)
}

async fn flush(
    txn: &db::WriteTxn,
    people: &mut Vec<person::Model>,
    terms: &mut Vec<person_search_term::ActiveModel>,
    enrolments: &mut Vec<enrolment::ActiveModel>,
    household: &mut Vec<household_member::ActiveModel>,
) -> anyhow::Result<()> {
    insert_all::<person::ActiveModel>(txn, active(std::mem::take(people))).await?;
    insert_all(txn, std::mem::take(terms)).await?;
    insert_all(txn, std::mem::take(enrolments)).await?;
    insert_all(txn, std::mem::take(household)).await?;
    Ok(())
}

fn synthetic_person(
    rng: &mut ChaCha8Rng,
    org_id: Uuid,
    record_number: i64,
    today: Date,
    now: OffsetDateTime,
) -> person::Model {
    let given = GIVEN.choose(rng).copied().unwrap_or("Sam").to_string();
    let family = if rng.gen_bool(0.1) {
        format!("{}-{}", FAMILY.choose(rng).copied().unwrap_or("Lee"), FAMILY.choose(rng).copied().unwrap_or("Kim"))
    } else {
        FAMILY.choose(rng).copied().unwrap_or("Lee").to_string()
    };
    // About one in six is transition-age youth (16–25); the rest are adults up to 75.
    let age_days =
        if rng.gen_bool(0.17) { rng.gen_range(16 * 365..26 * 365) } else { rng.gen_range(26 * 365..75 * 365) };
    let language = weighted(rng, LANGUAGES).to_string();
    let phone_number = rng.gen_bool(0.9).then(|| phone(rng));
    let asked = rng.gen_bool(0.75);
    let race: Vec<&str> = if rng.gen_bool(0.85) {
        let mut picked = vec![*RACE.choose(rng).unwrap_or(&"declined")];
        if rng.gen_bool(0.1) {
            picked.push(RACE[rng.gen_range(0..6)]);
        }
        picked.sort();
        picked.dedup();
        picked
    } else {
        Vec::new()
    };
    let pronouns = weighted(rng, PRONOUNS);
    let emergency = rng.gen_bool(0.7).then(|| {
        let name =
            format!("{} {}", GIVEN.choose(rng).copied().unwrap_or("Sam"), FAMILY.choose(rng).copied().unwrap_or("Lee"));
        (name, phone(rng))
    });
    person::Model {
        id: uuid(rng),
        org_id,
        record_number,
        preferred_name: rng.gen_bool(0.12).then(|| GIVEN.choose(rng).copied().unwrap_or("Sam").to_string()),
        pronouns: (!pronouns.is_empty()).then(|| pronouns.to_string()),
        date_of_birth: Some(today - Duration::days(age_days)),
        phone_digits: phone_number.as_deref().map(crate::domain::validation::phone_digits),
        phone: phone_number,
        email: rng
            .gen_bool(0.4)
            .then(|| format!("{}.{}{}@example.org", given.to_lowercase(), family.to_lowercase(), record_number)),
        address_line: rng
            .gen_bool(0.7)
            .then(|| format!("{} {}", rng.gen_range(1..999), STREETS.choose(rng).copied().unwrap_or("Elm St"))),
        locality: Some("Harbourview".into()),
        region: Some("ME".into()),
        postal_code: Some(format!("040{:02}", rng.gen_range(0..100))),
        preferred_contact: asked
            .then(|| ["phone", "text", "email", "in-person"].choose(rng).copied().unwrap_or("phone").into()),
        voicemail_ok: asked.then(|| rng.gen_bool(0.7)),
        text_ok: asked.then(|| rng.gen_bool(0.8)),
        email_ok: asked.then(|| rng.gen_bool(0.5)),
        contact_notes: None,
        interpreter_needed: language != "English" && rng.gen_bool(0.5),
        preferred_language: Some(language),
        race_codes: (!race.is_empty()).then(|| race.join(";")),
        race_self_described: None,
        ethnicity: rng.gen_bool(0.85).then(|| {
            ["hispanic-latino", "not-hispanic-latino", "not-hispanic-latino", "declined"]
                .choose(rng)
                .copied()
                .unwrap_or("declined")
                .into()
        }),
        ethnicity_self_described: None,
        // From the pronouns already drawn, so the people of a seed stay the same.
        gender: match pronouns {
            "she/her" => Some("woman".into()),
            "he/him" => Some("man".into()),
            "they/them" => Some("non-binary".into()),
            _ => None,
        },
        gender_self_described: None,
        emergency_relationship: emergency
            .as_ref()
            .map(|_| RELATIONSHIPS.choose(rng).copied().unwrap_or("friend").into()),
        emergency_phone: emergency.as_ref().map(|e| e.1.clone()),
        emergency_name: emergency.map(|e| e.0),
        created_by: None,
        version: 1,
        created_at: now,
        updated_at: now,
        legal_given_name: given,
        legal_family_name: family,
    }
}

/// Checks the demo is present (used by `serve --demo` to decide whether to generate).
pub async fn present(db: &Db) -> anyhow::Result<bool> {
    Ok(staff::Entity::find().filter(staff::Column::Email.eq(DEMO_SIGN_INS[0].1)).one(db.conn()).await?.is_some())
}

// ---------- intake: requests, waiting lists, risk screens, safety plans, crisis records ----------

/// Days promised from request to first service (emergency, urgent, routine), program by program.
const TARGETS: [(i32, i32, i32); 4] = [(0, 2, 10), (0, 2, 10), (0, 3, 14), (0, 1, 3)];
/// Days between check-ins with people on a waiting list.
const CHECKIN_DAYS: i32 = 14;

const PRSC_POPULATION: &str = "Adults who live with a serious mental illness, a substance use disorder or both, \
including people who describe themselves that way without a diagnosis, and transition-age youth (16 to 25) facing \
the same challenges.";
const FAMILY_POPULATION: &str =
    "Relatives and chosen family of someone living with a substance use disorder or a serious mental illness.";

const SOURCES: &[(&str, u32)] =
    &[("walk-in", 20), ("phone", 30), ("text", 12), ("web-form", 12), ("partner-referral", 16), ("self-referral", 10)];
const PARTNERS: &[&str] = &[
    "St. Brigid Emergency Department",
    "County Probation Office",
    "Harbourview Community Health Centre",
    "Eastside Shelter",
    "County Jail Reentry Program",
];
const ASKED_FOR: [&[&str]; 4] = [
    &[
        "Wants a recovery coach after finishing a detox stay",
        "Looking for support to stay in recovery after release from county jail",
        "Would like someone to meet weekly while starting treatment",
        "Asked for help rebuilding a daily routine after a hospital stay",
        "Wants a peer who has been through it to help plan next steps",
        "Needs support getting back to work while in recovery",
    ],
    &[
        "Asking how to support a son in early recovery",
        "Wants help for the family after a daughter's overdose",
        "Partner is in treatment; looking for support for herself and the children",
    ],
    &["Interested in the weekly recovery education group", "Wants a support group on weekday evenings"],
    &["Wants regular check-in calls while waiting for treatment", "Asked for help finding recovery meetings nearby"],
];
const INFO_ASKED: &[(&str, &str)] = &[
    ("Asked for meeting times near the harbour", "Gave the meeting list and our opening hours"),
    ("Wanted to know what a recovery coach does", "Explained coaching; they will call back if interested"),
    ("Asked where to get naloxone for free", "Told them where to get naloxone and how to use it"),
    ("Asked whether we can find detox beds", "Gave the county withdrawal management line"),
    ("Asked about recovery housing in the county", "Shared the recovery housing list"),
];
const REFERRALS: &[(&str, &str, &str)] = &[
    ("Needs help finding an apartment", "County housing office", "Needs a housing search, which we do not offer"),
    (
        "Wants counselling for depression",
        "Harbourview Community Health Centre, counselling team",
        "Asked for clinical counselling; our coaches are not clinicians",
    ),
    (
        "Looking for a medically supervised detox bed",
        "St. Brigid withdrawal management unit",
        "Needs medically supervised withdrawal before peer support",
    ),
    (
        "Needs help with an eviction hearing",
        "Harbourview legal aid clinic",
        "Legal help with an eviction is outside what we offer",
    ),
];
const URGENCY_REASONS: [&[&str]; 3] = [
    &[
        "Overdosed two days ago and is alone at home with no supports",
        "Just left the emergency department and says they will use tonight without help",
    ],
    &[
        "Leaving detox in two days with no support lined up",
        "Eviction notice this week; worried about relapse",
        "Released from jail yesterday with no phone or housing",
    ],
    &[
        "Stable housing and supports; wants to plan next steps",
        "Steady for a few months and wants a coach for the long haul",
        "No immediate risk; wants support when a place opens",
    ],
];
const CRITICAL_NEEDS: &[&str] =
    &["Somewhere to sleep tonight", "Food and a working phone", "Transport to appointments", "A naloxone kit"];
const OFFERS: [&str; 4] = [
    "Weekly one-to-one coaching at the centre or by phone",
    "Family support sessions every other week",
    "Tuesday evening recovery education group",
    "Follow-up calls from the information and referral line",
];
const POPULATION_BASIS: &[(PopulationFit, &str)] = &[
    (PopulationFit::Meets, "Told us about a substance use disorder diagnosis from their treatment program"),
    (PopulationFit::Meets, "Has a serious mental illness diagnosis and sees a psychiatrist at the health centre"),
    (PopulationFit::SelfIdentifies, "Identifies as a person in recovery from alcohol use"),
    (PopulationFit::SelfIdentifies, "Describes themselves as living with depression and opioid use"),
];
const FAMILY_BASIS: &[&str] = &["Parent of a person in recovery", "Partner of someone in treatment"];
const WAITLIST_OFFERS: &[&str] = &[
    "Tuesday evening recovery group at the centre in the meantime",
    "Meeting list and the warmline number",
    "Monthly family education night",
];
const OTHER_CLOSES: &[(CloseReason, &str)] = &[
    (CloseReason::Withdrawn, "Said they found support through their church"),
    (CloseReason::Unreachable, "Three calls and a text over two weeks with no answer"),
    (CloseReason::Duplicate, "Same person also used the web form; kept the other request"),
];
const SCREEN_NOTES: &[&str] = &[
    "Asked after they mentioned feeling hopeless at a check-in",
    "Screened because of what was recorded at intake",
    "Screened at a home visit, with their grandmother present at their request",
];
const PLAN_TEXT: [&[&str]; 7] = [
    &[
        "Not sleeping, staying in my room, skipping meals",
        "Going back to the old neighbourhood; stopping calls with my sponsor",
        "Anniversaries of my brother's death; arguments at home",
    ],
    &[
        "Walk by the water, a cold shower, the breathing exercise from group",
        "Music with headphones, drawing, making tea",
        "Writing in my journal, playing with the dog",
    ],
    &[
        "Drop-in at the recovery centre; the library on Elm St",
        "The coffee shop near work; calling my cousin",
        "Afternoon group at the centre; the park on Union Rd",
    ],
    &["My sister; my sponsor", "My coach; my friend from group", "My grandmother; my partner"],
    &[
        "My coach at Harbour Light: (207) 555-0150; 988 at any time",
        "County mobile crisis team: (207) 555-0142; my counsellor at the health centre",
        "988 by phone or text; St. Brigid emergency department",
    ],
    &[
        "My sister keeps my medication and gives me a week at a time",
        "Cleared old supplies out of the flat; no alcohol at home",
        "My partner holds the car keys on bad nights",
    ],
    &["My kids", "Getting my licence back; my dog", "Seeing my niece grow up; finishing my course"],
];

/// A crisis scenario: what happened, what staff did, who was called (codes), call details, outcome.
type Scenario = (&'static str, &'static str, &'static [&'static str], Option<&'static str>, &'static str);

const PERSON_CRISES: &[Scenario] = &[
    (
        "Said during a phone check-in that they had been thinking about ending their life and had been drinking.",
        "Stayed on the line, asked directly about a plan, and made a three-way call to the crisis line.",
        &["crisis-line"],
        Some("The 988 counsellor stayed on the call for about 25 minutes."),
        "Agreed to stay with their sister tonight and to meet their coach tomorrow morning.",
    ),
    (
        "Found unresponsive in the drop-in bathroom.",
        "Gave two doses of naloxone, called 911 and stayed with them until the paramedics arrived.",
        &["emergency-services"],
        None,
        "Taken to St. Brigid emergency department, breathing on their own.",
    ),
    (
        "Arrived with bruises and said their partner had hurt them last night.",
        "Talked in a private room, planned where to go tonight and called the shelter line together.",
        &["dv-line"],
        Some("Harbour House shelter line."),
        "Has a bed at the shelter tonight and will not go home until there is a plan.",
    ),
    (
        "Became very angry in the lobby and threatened to hurt another member.",
        "Moved other members away, spoke calmly, and called the police when the threats continued.",
        &["emergency-services", "other"],
        Some("The centre manager came down to help."),
        "Left with the officers without anyone being hurt; welcome back after a meeting with the manager.",
    ),
    (
        "Said a new roommate takes their benefit money every month and will not let them go out alone.",
        "Listened, explained what a report would mean, and made the adult protection report with them present.",
        &["adult-protection"],
        None,
        "Report accepted; a caseworker will visit this week.",
    ),
    (
        "Texted that they were on the bridge and did not feel safe.",
        "Kept texting, asked where exactly they were, and called the crisis line and the mobile crisis team.",
        &["crisis-line", "mobile-crisis"],
        None,
        "The mobile crisis team met them on the bridge and took them to their mother's house.",
    ),
    (
        "Told their coach that their children had been left alone overnight while they were using.",
        "Explained our duty to report before making the call, then made the report together.",
        &["child-protection"],
        None,
        "Child protection will visit; the person asked us to keep supporting them through it.",
    ),
];
const ANONYMOUS_CRISES: &[(&str, Scenario)] = &[
    (
        "Caller in their twenties from the east side; would not give a name",
        (
            "Called the warmline saying they had taken more pills than prescribed.",
            "Kept them talking and asked where they were while a colleague called 911 on another line.",
            &["emergency-services"],
            None,
            "Paramedics found them at the address they gave and took them to hospital.",
        ),
    ),
    (
        "Adult texter who said they were near the harbour",
        (
            "Texted that they did not want to be alive any more.",
            "Answered straight away, asked about their safety and shared the crisis line; they agreed to text 988.",
            &["crisis-line"],
            None,
            "Said they were texting with 988 and would text us again tomorrow.",
        ),
    ),
    (
        "Parent calling about an adult son; no names given",
        (
            "Worried their son would overdose after leaving jail this week.",
            "Explained how to use naloxone and where to get it free, and gave the mobile crisis number.",
            &[],
            None,
            "Will pick up naloxone today and call the mobile crisis team if needed.",
        ),
    ),
];
const FOLLOW_UP_NOTES: &[&str] = &[
    "Called back; they are safe and came to group this week.",
    "Met in person; the safety plan was updated together.",
    "Spoke with them and their sister; doing better and sleeping again.",
];

/// Codes from `chosen` in the list's canonical order, `;`-joined as stored.
fn canonical(chosen: &[&str], all: &[&str]) -> String {
    all.iter().copied().filter(|code| chosen.contains(code)).collect::<Vec<_>>().join(";")
}

/// Screener answers whose most severe yes gives `level` (checked with `risk::suicide_level` by the caller).
fn answers_for(rng: &mut ChaCha8Rng, level: RiskLevel) -> CssrsAnswers {
    let none = CssrsAnswers { q1: false, q2: false, q3: None, q4: None, q5: None, q6: false, q6_recent: None };
    match level {
        RiskLevel::None => none,
        RiskLevel::Low => {
            let q2 = rng.gen_bool(0.4);
            let no = q2.then_some(false);
            CssrsAnswers { q1: true, q2, q3: no, q4: no, q5: no, ..none }
        }
        RiskLevel::Moderate if rng.gen_bool(0.6) => {
            CssrsAnswers { q1: true, q2: true, q3: Some(true), q4: Some(false), q5: Some(false), ..none }
        }
        RiskLevel::Moderate => CssrsAnswers { q1: rng.gen_bool(0.5), q6: true, q6_recent: Some(false), ..none },
        RiskLevel::High => match rng.gen_range(0..3) {
            0 => CssrsAnswers { q1: true, q2: true, q3: Some(true), q4: Some(true), q5: Some(false), ..none },
            1 => CssrsAnswers { q1: true, q2: true, q3: Some(true), q4: Some(true), q5: Some(true), ..none },
            _ => CssrsAnswers { q1: true, q6: true, q6_recent: Some(true), ..none },
        },
    }
}

/// Inserts rows in batches. On SQLite each batch travels as one JSON document that SQLite unpacks
/// itself (`jsonb_each`), several times faster than binding every value of a multi-row insert; the
/// stored values are the ones sea-orm would bind (UUIDs as 16-byte blobs, times as RFC 3339 text).
/// Elsewhere, multi-row inserts small enough for any database's limit on bound values.
async fn insert_all<A>(txn: &db::WriteTxn, rows: Vec<A>) -> anyhow::Result<()>
where
    A: ActiveModelTrait + Send,
{
    if rows.is_empty() {
        return Ok(());
    }
    use sea_orm::ConnectionTrait;
    if txn.get_database_backend() == sea_orm::DbBackend::Sqlite && rows.first().is_some_and(json_insertable) {
        return insert_json(txn, rows).await;
    }
    let columns = <<A as ActiveModelTrait>::Entity as EntityTrait>::Column::iter().count().max(1);
    let per_batch = (30_000 / columns).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(per_batch).collect();
        <A::Entity as EntityTrait>::insert_many(batch).exec_without_returning(&**txn).await?;
    }
    Ok(())
}

/// Whether every column of `row` is set to a kind of value `insert_json` writes.
fn json_insertable<A: ActiveModelTrait>(row: &A) -> bool {
    use sea_orm::Value as V;
    <A::Entity as EntityTrait>::Column::iter().all(|c| match row.get(c) {
        sea_orm::ActiveValue::Set(v) | sea_orm::ActiveValue::Unchanged(v) => matches!(
            v,
            V::Bool(_)
                | V::TinyInt(_)
                | V::SmallInt(_)
                | V::Int(_)
                | V::BigInt(_)
                | V::String(_)
                | V::Uuid(_)
                | V::TimeDate(_)
                | V::TimeDateTimeWithTimeZone(_)
        ),
        sea_orm::ActiveValue::NotSet => false,
    })
}

async fn insert_json<A>(txn: &db::WriteTxn, rows: Vec<A>) -> anyhow::Result<()>
where
    A: ActiveModelTrait + Send,
{
    use sea_orm::sea_query::ColumnType;
    use sea_orm::{ColumnTrait, ConnectionTrait, EntityName, IdenStatic, Value as V};
    const PER_BATCH: usize = 2000;
    let columns: Vec<_> = <A::Entity as EntityTrait>::Column::iter().collect();
    let names: Vec<String> = columns.iter().map(|c| format!("\"{}\"", c.as_str())).collect();
    let values: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| match c.def().get_column_type() {
            ColumnType::Uuid => format!("unhex(value->>{i})"),
            _ => format!("value->>{i}"),
        })
        .collect();
    let table = <A::Entity as Default>::default().table_name().to_string();
    let sql = format!(
        "INSERT INTO \"{table}\" ({}) SELECT {} FROM jsonb_each(jsonb(?))",
        names.join(", "),
        values.join(", ")
    );
    let mut rows = rows.into_iter().peekable();
    let mut json: Vec<u8> = Vec::with_capacity(1 << 20);
    while rows.peek().is_some() {
        json.clear();
        json.push(b'[');
        for (n, mut row) in rows.by_ref().take(PER_BATCH).enumerate() {
            if n > 0 {
                json.push(b',');
            }
            json.push(b'[');
            for (i, c) in columns.iter().enumerate() {
                if i > 0 {
                    json.push(b',');
                }
                let value = match row.take(*c) {
                    sea_orm::ActiveValue::Set(v) | sea_orm::ActiveValue::Unchanged(v) => v,
                    sea_orm::ActiveValue::NotSet => anyhow::bail!("{table}.{} not set", c.as_str()),
                };
                match value {
                    V::Bool(Some(b)) => json.extend_from_slice(if b { b"true" } else { b"false" }),
                    V::TinyInt(Some(n)) => json.extend_from_slice(n.to_string().as_bytes()),
                    V::SmallInt(Some(n)) => json.extend_from_slice(n.to_string().as_bytes()),
                    V::Int(Some(n)) => json.extend_from_slice(n.to_string().as_bytes()),
                    V::BigInt(Some(n)) => json.extend_from_slice(n.to_string().as_bytes()),
                    V::String(Some(s)) => serde_json::to_writer(&mut json, &s)?,
                    V::Uuid(Some(u)) => {
                        json.push(b'"');
                        json.extend_from_slice(u.simple().encode_lower(&mut uuid::Uuid::encode_buffer()).as_bytes());
                        json.push(b'"');
                    }
                    V::TimeDate(Some(d)) => {
                        let text = format!("\"{:04}-{:02}-{:02}\"", d.year(), u8::from(d.month()), d.day());
                        json.extend_from_slice(text.as_bytes());
                    }
                    V::TimeDateTimeWithTimeZone(Some(t)) => {
                        // As sqlx binds it.
                        let text = t.format(&time::format_description::well_known::Rfc3339)?;
                        serde_json::to_writer(&mut json, &text)?;
                    }
                    V::Bool(None)
                    | V::TinyInt(None)
                    | V::SmallInt(None)
                    | V::Int(None)
                    | V::BigInt(None)
                    | V::String(None)
                    | V::Uuid(None)
                    | V::TimeDate(None)
                    | V::TimeDateTimeWithTimeZone(None) => json.extend_from_slice(b"null"),
                    other => anyhow::bail!("{table}.{}: cannot write {other:?}", c.as_str()),
                }
            }
            json.push(b']');
        }
        json.push(b']');
        let text = String::from_utf8(std::mem::take(&mut json))?;
        let statement = sea_orm::Statement::from_sql_and_values(sea_orm::DbBackend::Sqlite, &sql, [text.into()]);
        txn.execute_raw(statement).await?;
        json = Vec::with_capacity(1 << 20);
    }
    Ok(())
}

fn active<M, A>(models: Vec<M>) -> Vec<A>
where
    A: From<M>,
{
    models.into_iter().map(A::from).collect()
}

/// Intake records for the demo organisation: settings, a year of requests, waiting lists, risk
/// screens with their responses and safety plans, the crisis procedure and crisis events. Returns
/// the people whose risk screen raised how closely they are followed.
async fn insert_intake(
    txn: &db::WriteTxn,
    rng: ChaCha8Rng,
    org_id: Uuid,
    programs: &[Uuid],
    team: &Team,
    members: &[Member],
    now: OffsetDateTime,
) -> anyhow::Result<HashSet<Uuid>> {
    let today = crate::app::local_date(ORG_TIME_ZONE, now);
    let mut g = Intake {
        rng,
        org_id,
        programs,
        team,
        members,
        now,
        today,
        requests: Vec::new(),
        entries: Vec::new(),
        checkins: Vec::new(),
        screens: Vec::new(),
        responses: Vec::new(),
        plans: Vec::new(),
        safety: Vec::new(),
        events: Vec::new(),
    };
    let n = members.len();
    g.enrolled_requests();
    g.open_requests(12.max(n * 3 / 200));
    g.waiting_requests(5.max(n / 80));
    g.removed_from_waitlist(2.max(n / 400));
    g.referred_requests(3.max(n * 6 / 100));
    g.closed_requests(3.max(n * 5 / 100), 2.max(n / 50));
    g.risk_screens();
    g.crisis_events(6.max(n / 500));

    let procedure_id = uuid(&mut g.rng);
    insert_all(txn, intake_settings(org_id, programs, members, now)).await?;
    crisis_procedure::Entity::insert(crisis_procedure_revision(procedure_id, org_id, team.admin, today, now))
        .exec_without_returning(&**txn)
        .await?;
    insert_all::<service_request::ActiveModel>(txn, active(g.requests)).await?;
    insert_all::<waitlist_entry::ActiveModel>(txn, active(g.entries)).await?;
    insert_all::<waitlist_checkin::ActiveModel>(txn, active(g.checkins)).await?;
    insert_all::<risk_screen::ActiveModel>(txn, active(g.screens)).await?;
    insert_all::<risk_response::ActiveModel>(txn, active(g.responses)).await?;
    insert_all::<safety_plan::ActiveModel>(txn, active(g.plans)).await?;
    let monitored = g
        .safety
        .iter()
        .filter(|s| s.steps_done.split(';').any(|step| step == SafetyStep::MonitoringRaised.code()))
        .map(|s| s.person_id)
        .collect();
    insert_all::<person_safety::ActiveModel>(txn, active(g.safety)).await?;
    insert_all::<crisis_event::ActiveModel>(txn, active(g.events)).await?;
    Ok(monitored)
}

fn intake_settings(
    org_id: Uuid,
    programs: &[Uuid],
    members: &[Member],
    now: OffsetDateTime,
) -> Vec<program_intake_setting::ActiveModel> {
    let mut enrolled = [0i32; 4];
    for m in members {
        enrolled[m.program] += 1;
    }
    programs
        .iter()
        .enumerate()
        .map(|(i, program_id)| {
            let (emergency, urgent, routine) = TARGETS[i];
            let (statement, prsc, capacity) = match i {
                // Coaching is full, which is why people wait for it.
                0 => (Some(PRSC_POPULATION), true, Some(enrolled[0].max(1))),
                1 => (Some(FAMILY_POPULATION), false, Some(enrolled[1] + (enrolled[1] / 10).max(2))),
                _ => (None, false, None),
            };
            program_intake_setting::ActiveModel {
                org_id: Set(org_id),
                program_id: Set(*program_id),
                population_statement: Set(statement.map(String::from)),
                prsc_population: Set(prsc),
                target_emergency_days: Set(emergency),
                target_urgent_days: Set(urgent),
                target_routine_days: Set(routine),
                capacity: Set(capacity),
                checkin_days: Set(CHECKIN_DAYS),
                plan_review_days: Set(90),
                // None of the demo programs serves young people, so the program-wide screen is enough.
                screen_everyone: Set(false),
                version: Set(1),
                updated_at: Set(now),
            }
        })
        .collect()
}

fn crisis_procedure_revision(
    id: Uuid,
    org_id: Uuid,
    admin: Uuid,
    today: Date,
    now: OffsetDateTime,
) -> crisis_procedure::ActiveModel {
    let approved_on = today - Duration::days(130);
    crisis_procedure::ActiveModel {
        id: Set(id),
        org_id: Set(org_id),
        revision: Set(1),
        intervention: Set("Stay with the person, keep your voice calm and slow, and ask plainly whether they are \
thinking about suicide or about hurting someone else. Listen more than you talk. Help them find one next step they \
can manage: somewhere safe to be tonight, someone to be with, a call to make together. Do not leave a person at high \
risk alone; ask a colleague to stay with you."
            .into()),
        intensive_services: Set("When someone needs more than peer support, connect them in person, not just with a \
phone number. Call the county mobile crisis team or the crisis line together, offer a warm hand-off to the health \
centre or the emergency department, and go with them if you can. Write down who you spoke to and what was agreed."
            .into()),
        emergency_responders: Set("Call 911 straight away when anyone is in immediate danger: an overdose, a weapon, \
an attempt in progress or a medical emergency. Give the address first, stay on the line, and follow the \
dispatcher's instructions. Use naloxone if you suspect an opioid overdose. Meet the responders at the door and tell \
them what you saw."
            .into()),
        domestic_violence: Set("Talk somewhere private and believe what you are told. Never leave messages, texts or \
letters that a partner could see unless the person has said it is safe. Offer the Harbour House shelter line and \
plan together how to reach it safely. Keep the person's location out of any conversation with the partner, and \
call 911 if anyone is in danger now."
            .into()),
        anonymous_callers: Set("People may call or text without giving a name, and that is their right. Keep them \
talking, ask where they are and whether they are safe right now, and offer the crisis line. If they are in danger, \
a colleague calls 911 on another line with whatever location you have. Log the event with what you know about the \
caller."
            .into()),
        mandatory_reporting: Set("When a child may be harmed or neglected, or an adult who cannot protect themselves \
is being abused or exploited, we must report it to child or adult protection. Tell the person before you report \
when it is safe to do so, and invite them to make the call with you. Tell your supervisor the same day and record \
the report in the crisis log."
            .into()),
        approved_by: Set("Board of directors".into()),
        approved_on: Set(approved_on),
        created_by: Set(admin),
        created_at: Set((approved_on.midnight().assume_utc() + Duration::hours(15)).min(now)),
    }
}

/// Gathers the intake rows before they are written in batches.
struct Intake<'a> {
    rng: ChaCha8Rng,
    org_id: Uuid,
    programs: &'a [Uuid],
    team: &'a Team,
    members: &'a [Member],
    now: OffsetDateTime,
    /// Today in the organisation's time zone.
    today: Date,
    requests: Vec<service_request::Model>,
    entries: Vec<waitlist_entry::Model>,
    checkins: Vec<waitlist_checkin::Model>,
    screens: Vec<risk_screen::Model>,
    responses: Vec<risk_response::Model>,
    plans: Vec<safety_plan::Model>,
    safety: Vec<person_safety::Model>,
    events: Vec<crisis_event::Model>,
}

/// The kinds of open request the queue cycles through; the first ten give the demo coach a mix.
#[derive(Clone, Copy)]
enum Open {
    Emergency,
    Untriaged,
    UntriagedOverdue,
    Urgent,
    UrgentScreenedOverdue,
    Routine,
    RoutineScreened,
    RoutineScreenedOverdue,
}

impl Intake<'_> {
    /// An instant in working hours on `day` in the organisation's zone (13:00–22:00 UTC is 08:00–18:00
    /// there, summer or winter), never later than now.
    fn at(&self, day: Date, minute: i64) -> OffsetDateTime {
        (day.midnight().assume_utc() + Duration::minutes(13 * 60 + minute.clamp(0, 539))).min(self.now)
    }

    fn some_time(&mut self, day: Date) -> OffsetDateTime {
        let minute = self.rng.gen_range(0..300);
        self.at(day, minute)
    }

    /// A moment `lo..=hi` minutes after `t`, never later than now.
    fn later(&mut self, t: OffsetDateTime, lo: i64, hi: i64) -> OffsetDateTime {
        (t + Duration::minutes(self.rng.gen_range(lo..=hi))).min(self.now)
    }

    fn days_ago(&self, days: i64) -> Date {
        self.today - Duration::days(days)
    }

    /// A day between `lo` and `hi` days ago.
    fn day_within(&mut self, lo: i64, hi: i64) -> Date {
        let days = self.rng.gen_range(lo..=hi);
        self.days_ago(days)
    }

    /// A working-hours moment on a day between `lo` and `hi` days ago.
    fn time_within(&mut self, lo: i64, hi: i64) -> OffsetDateTime {
        let day = self.day_within(lo, hi);
        self.some_time(day)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.gen_range(0..items.len())]
    }

    fn text(&mut self, items: &[&str]) -> Option<String> {
        Some(self.pick(items).to_string())
    }

    /// A colleague other than the demo coach who carries a caseload.
    fn colleague(&mut self) -> Uuid {
        let others: Vec<Uuid> = self.team.workers.iter().copied().filter(|w| *w != self.team.coach).collect();
        self.pick(&others)
    }

    fn blank_request(&mut self, received_at: OffsetDateTime, source: &str, logged_by: Uuid) -> service_request::Model {
        let online = source == RequestSource::WebForm.code() || source == RequestSource::SelfReferral.code();
        let partner = source == RequestSource::PartnerReferral.code();
        let referrer_name = partner.then(|| {
            let given = self.pick(GIVEN);
            let family = self.pick(FAMILY);
            format!("{given} {family}")
        });
        let referrer_organisation = if partner { self.text(PARTNERS) } else { None };
        service_request::Model {
            id: uuid(&mut self.rng),
            org_id: self.org_id,
            person_id: None,
            anonymous: false,
            source: source.to_string(),
            received_at,
            given_name: None,
            family_name: None,
            phone: None,
            email: None,
            date_of_birth: None,
            safe_to_message: None,
            referrer_name,
            referrer_organisation,
            asked_for: String::new(),
            program_id: None,
            assigned_to: None,
            status: RequestStatus::New.code().into(),
            urgency: None,
            urgency_rank: rules::urgency_rank(None),
            urgency_reason: None,
            critical_needs: None,
            needs_intensive: false,
            intensive_note: None,
            triaged_at: None,
            triaged_by: None,
            fit: None,
            population_fit: None,
            population_basis: None,
            offer: None,
            offer_from: None,
            informed_at: None,
            screened_at: None,
            screened_by: None,
            referred_to: None,
            referral_reason: None,
            close_reason: None,
            close_note: None,
            closed_at: None,
            enrolment_id: None,
            first_service_on: None,
            created_by: (!online).then_some(logged_by),
            version: 1,
            created_at: received_at,
            updated_at: received_at,
        }
    }

    /// Someone without a record yet: the details they gave.
    fn newcomer(&mut self, r: &mut service_request::Model) {
        let given = self.pick(GIVEN);
        let family = self.pick(FAMILY);
        r.email = self.rng.gen_bool(0.35).then(|| {
            format!("{}.{}{}@example.org", given.to_lowercase(), family.to_lowercase(), self.rng.gen_range(10..100))
        });
        r.given_name = Some(given.into());
        r.family_name = self.rng.gen_bool(0.9).then(|| family.into());
        r.phone = self.rng.gen_bool(0.85).then(|| phone(&mut self.rng));
        r.date_of_birth =
            self.rng.gen_bool(0.4).then(|| self.today - Duration::days(self.rng.gen_range(17 * 365..70 * 365)));
        r.safe_to_message = self.rng.gen_bool(0.7).then(|| self.rng.gen_bool(0.8));
    }

    fn triage(&mut self, r: &mut service_request::Model, urgency: Urgency, at: OffsetDateTime, by: Uuid) {
        let reasons = match urgency {
            Urgency::Emergency => URGENCY_REASONS[0],
            Urgency::Urgent => URGENCY_REASONS[1],
            Urgency::Routine => URGENCY_REASONS[2],
        };
        r.urgency = Some(urgency.code().into());
        r.urgency_rank = rules::urgency_rank(Some(urgency));
        r.urgency_reason = self.text(reasons);
        let critical = urgency != Urgency::Routine && self.rng.gen_bool(0.6);
        r.critical_needs = if critical { self.text(CRITICAL_NEEDS) } else { None };
        r.needs_intensive = match urgency {
            Urgency::Emergency => true,
            Urgency::Urgent => self.rng.gen_bool(0.15),
            Urgency::Routine => false,
        };
        r.intensive_note = r
            .needs_intensive
            .then(|| "Connected with the county mobile crisis team for an assessment the same day".into());
        r.triaged_at = Some(at);
        r.triaged_by = Some(by);
        r.version += 1;
        r.updated_at = at;
    }

    /// Screening found the request fits `program`; the person was told what we offer.
    fn screen_fit(&mut self, r: &mut service_request::Model, program: usize, at: OffsetDateTime, by: Uuid) {
        r.program_id = Some(self.programs[program]);
        r.fit = Some(if self.rng.gen_bool(0.9) { ProgramFit::Fits } else { ProgramFit::Partly }.code().into());
        let (fit, basis) = match program {
            0 => {
                let (fit, basis) = self.pick(POPULATION_BASIS);
                (Some(fit), Some(basis.to_string()))
            }
            1 => (Some(PopulationFit::Meets), self.text(FAMILY_BASIS)),
            _ => (None, None),
        };
        r.population_fit = fit.map(|f| f.code().into());
        r.population_basis = basis;
        r.offer = Some(OFFERS[program].into());
        r.offer_from = Some(at.date() + Duration::days(self.rng.gen_range(0..7)));
        r.informed_at = Some(at);
        r.screened_at = Some(at);
        r.screened_by = Some(by);
        r.status = RequestStatus::Screened.code().into();
        r.version += 1;
        r.updated_at = at;
    }

    fn refer_out(&mut self, r: &mut service_request::Model, to: &str, reason: &str, at: OffsetDateTime, by: Uuid) {
        r.fit = Some(ProgramFit::DoesNotFit.code().into());
        if self.rng.gen_bool(0.3) {
            r.population_fit = Some(PopulationFit::DoesNotMeet.code().into());
            r.population_basis = Some("Not living with a substance use disorder or mental illness".into());
        }
        r.referred_to = Some(to.into());
        r.referral_reason = Some(reason.into());
        r.informed_at = Some(at);
        r.screened_at = Some(at);
        r.screened_by = Some(by);
        r.status = RequestStatus::ReferredOut.code().into();
        r.closed_at = Some(at);
        r.version += 1;
        r.updated_at = at;
    }

    fn random_urgency(&mut self) -> Urgency {
        match self.rng.gen_range(0..100) {
            0..5 => Urgency::Emergency,
            5..30 => Urgency::Urgent,
            _ => Urgency::Routine,
        }
    }

    /// A waiting-list entry for `r`, placed at `placed_at`.
    fn waitlist_entry(
        &mut self,
        r: &service_request::Model,
        program: usize,
        placed_at: OffsetDateTime,
        by: Uuid,
    ) -> waitlist_entry::Model {
        let priority = match self.rng.gen_range(0..10) {
            0..2 => WaitlistPriority::High,
            2..8 => WaitlistPriority::Normal,
            _ => WaitlistPriority::Low,
        };
        let offered = self.rng.gen_bool(0.4);
        waitlist_entry::Model {
            id: uuid(&mut self.rng),
            org_id: self.org_id,
            request_id: r.id,
            person_id: r.person_id,
            program_id: self.programs[program],
            assigned_to: r.assigned_to,
            priority: priority.code().into(),
            priority_rank: rules::priority_rank(priority),
            placed_at,
            placed_by: by,
            next_checkin_on: rules::next_checkin(placed_at.date(), CHECKIN_DAYS),
            last_checkin_at: None,
            referral_offered: if offered { self.text(WAITLIST_OFFERS) } else { None },
            note: self.rng.gen_bool(0.25).then(|| "Prefers afternoons; a coach who speaks Spanish if possible".into()),
            removed_at: None,
            removed_by: None,
            removed_reason: None,
            removed_note: None,
            version: 1,
            created_at: placed_at,
            updated_at: placed_at,
        }
    }

    /// The request behind every enrolment that started in the past year, served on time or late.
    fn enrolled_requests(&mut self) {
        let members = self.members;
        for m in members {
            let Some(request_id) = m.request_id else { continue };
            let urgency = self.random_urgency();
            let (emergency, urgent, routine) = TARGETS[m.program];
            let target = i64::from(match urgency {
                Urgency::Emergency => emergency,
                Urgency::Urgent => urgent,
                Urgency::Routine => routine,
            });
            let late = self.rng.gen_bool(0.2);
            let delay =
                if late { self.rng.gen_range(target + 1..=target + 20) } else { self.rng.gen_range(0..=target) };
            let received_on = m.started_on - Duration::days(delay);
            let received_at = self.some_time(received_on);
            let source = weighted(&mut self.rng, SOURCES);
            let by = if self.rng.gen_bool(0.5) { self.team.referral } else { m.worker };
            let mut r = self.blank_request(received_at, source, by);
            r.id = request_id;
            r.person_id = Some(m.person_id);
            r.given_name = Some(m.given_name.clone());
            r.family_name = Some(m.family_name.clone());
            r.phone = m.phone.clone();
            r.email = m.email.clone();
            r.date_of_birth = m.date_of_birth;
            r.asked_for = self.pick(ASKED_FOR[m.program]).into();
            r.assigned_to = Some(m.worker);
            let triaged_at = self.later(received_at, 10, 120);
            self.triage(&mut r, urgency, triaged_at, by);
            let screened_on = received_on + Duration::days(self.rng.gen_range(0..=delay.min(3)));
            let screened_at = self.some_time(screened_on).max(self.later(triaged_at, 15, 60));
            self.screen_fit(&mut r, m.program, screened_at, m.worker);
            let accepted_at = self.at(m.started_on, 400).max(self.later(screened_at, 15, 60));
            // Late starts in the two programs with a waiting list usually waited on it.
            if late && m.program < 2 && self.rng.gen_bool(0.6) {
                let placed_at = self.later(screened_at, 5, 30);
                let mut entry = self.waitlist_entry(&r, m.program, placed_at, m.worker);
                entry.removed_at = Some(accepted_at);
                entry.removed_by = Some(m.worker);
                entry.removed_reason = Some(WaitlistRemoval::Enrolled.code().into());
                entry.version = 2;
                entry.updated_at = accepted_at;
                self.entries.push(entry);
                r.version += 1;
            }
            r.status = RequestStatus::Enrolled.code().into();
            r.enrolment_id = Some(m.enrolment_id);
            r.first_service_on = Some(m.started_on);
            r.closed_at = Some(accepted_at);
            r.version += 1;
            r.updated_at = accepted_at;
            self.requests.push(r);
        }
    }

    /// Requests still in the queue: new and screened, some urgent or overdue, for the demo coach,
    /// for colleagues and unassigned.
    fn open_requests(&mut self, count: usize) {
        // (kind, days since received, source, program, assigned: 0 demo coach, 1 nobody, 2 a colleague)
        let pattern: [(Open, i64, &str, Option<usize>, u8); 10] = [
            (Open::Emergency, 0, "phone", Some(0), 0),
            (Open::Untriaged, 0, "web-form", None, 1),
            (Open::Urgent, 1, "phone", Some(0), 0),
            (Open::UntriagedOverdue, 13, "self-referral", None, 1),
            (Open::RoutineScreened, 4, "walk-in", Some(0), 0),
            (Open::UrgentScreenedOverdue, 5, "partner-referral", Some(1), 1),
            (Open::Untriaged, 3, "phone", None, 0),
            (Open::Routine, 2, "text", Some(1), 2),
            (Open::RoutineScreenedOverdue, 16, "partner-referral", Some(0), 0),
            (Open::RoutineScreened, 6, "walk-in", Some(2), 2),
        ];
        for i in 0..count {
            let (kind, mut days, mut source, program, mut assigned) = pattern[i % pattern.len()];
            if i >= pattern.len() {
                // Beyond the first round, vary the details but keep each kind where it belongs.
                days = match kind {
                    Open::Emergency => 0,
                    Open::Untriaged | Open::Urgent => self.rng.gen_range(0..=2),
                    Open::Routine | Open::RoutineScreened => self.rng.gen_range(0..=8),
                    Open::UntriagedOverdue | Open::RoutineScreenedOverdue => self.rng.gen_range(12..=30),
                    Open::UrgentScreenedOverdue => self.rng.gen_range(3..=9),
                };
                source = weighted(&mut self.rng, SOURCES);
                assigned = self.rng.gen_range(0..3);
            }
            let worker = match assigned {
                0 => Some(self.team.coach),
                1 => None,
                _ => Some(self.colleague()),
            };
            let logged_by = worker.unwrap_or(self.team.referral);
            let received_at = if days == 0 {
                let minutes = self.rng.gen_range(15..=150);
                self.now - Duration::minutes(minutes)
            } else {
                let day = self.days_ago(days);
                self.some_time(day)
            };
            let mut r = self.blank_request(received_at, source, logged_by);
            self.newcomer(&mut r);
            r.assigned_to = worker;
            r.program_id = program.map(|p| self.programs[p]);
            r.asked_for = self.pick(ASKED_FOR[program.unwrap_or(0)]).into();
            let urgency = match kind {
                Open::Emergency => Some(Urgency::Emergency),
                Open::Urgent | Open::UrgentScreenedOverdue => Some(Urgency::Urgent),
                Open::Routine | Open::RoutineScreened | Open::RoutineScreenedOverdue => Some(Urgency::Routine),
                Open::Untriaged | Open::UntriagedOverdue => None,
            };
            if let Some(urgency) = urgency {
                let at = self.later(received_at, 5, 90);
                self.triage(&mut r, urgency, at, logged_by);
            }
            let screened =
                matches!(kind, Open::RoutineScreened | Open::RoutineScreenedOverdue | Open::UrgentScreenedOverdue);
            if let (true, Some(program), Some(triaged_at)) = (screened, program, r.triaged_at) {
                let at = self.later(triaged_at, 60, 24 * 60);
                self.screen_fit(&mut r, program, at, logged_by);
            }
            self.requests.push(r);
        }
    }

    /// Requests waiting for a place in coaching or family support, placed over the last 60 days; check-ins
    /// due for some, ahead for others.
    fn waiting_requests(&mut self, count: usize) {
        for i in 0..count {
            let program = if i % 4 == 3 { 1 } else { 0 };
            let every = i64::from(CHECKIN_DAYS);
            let due = i % 2 == 0;
            let placed_days = if due { self.rng.gen_range(every + 2..=60) } else { self.rng.gen_range(1..=60) };
            let placed_on = self.days_ago(placed_days);
            let received_on = placed_on - Duration::days(self.rng.gen_range(0..=5));
            let received_at = self.some_time(received_on);
            let worker = match i % 3 {
                0 => Some(self.team.coach),
                1 => None,
                _ => Some(self.colleague()),
            };
            let by = worker.unwrap_or(self.team.referral);
            let source = weighted(&mut self.rng, SOURCES);
            let mut r = self.blank_request(received_at, source, by);
            self.newcomer(&mut r);
            r.assigned_to = worker;
            r.asked_for = self.pick(ASKED_FOR[program]).into();
            let urgency = if self.rng.gen_bool(0.2) { Urgency::Urgent } else { Urgency::Routine };
            let triaged_at = self.later(received_at, 10, 120);
            self.triage(&mut r, urgency, triaged_at, by);
            let screened_at = self.some_time(placed_on).max(self.later(triaged_at, 10, 60));
            self.screen_fit(&mut r, program, screened_at, by);
            let placed_at = self.later(screened_at, 5, 30);
            r.status = RequestStatus::Waiting.code().into();
            r.offer = Some(format!("{} when a place opens", OFFERS[program]));
            r.version += 1;
            r.updated_at = placed_at;
            let mut entry = self.waitlist_entry(&r, program, placed_at, by);
            // Check-ins kept on schedule; the one now due (if any) not yet done.
            let fell_due = placed_days / every;
            let done = if due { fell_due - 1 } else { fell_due };
            for k in 1..=done {
                let day = placed_on + Duration::days(every * k);
                let checked_at = self.some_time(day);
                self.checkins.push(waitlist_checkin::Model {
                    id: uuid(&mut self.rng),
                    org_id: self.org_id,
                    entry_id: entry.id,
                    checked_at,
                    checked_by: by,
                    still_wanted: true,
                    note: self.rng.gen_bool(0.5).then(|| "Still wants a place; managing day to day".into()),
                });
                entry.last_checkin_at = Some(checked_at);
                entry.next_checkin_on = rules::next_checkin(day, CHECKIN_DAYS);
                entry.version += 1;
                entry.updated_at = checked_at;
            }
            self.entries.push(entry);
            self.requests.push(r);
        }
    }

    /// People who left a waiting list without a place: served elsewhere, no longer wanted, unreachable.
    fn removed_from_waitlist(&mut self, count: usize) {
        for i in 0..count {
            let placed_on = self.day_within(40, 120);
            let received_on = placed_on - Duration::days(self.rng.gen_range(0..=3));
            let received_at = self.some_time(received_on);
            let by = self.colleague();
            let source = weighted(&mut self.rng, SOURCES);
            let mut r = self.blank_request(received_at, source, by);
            self.newcomer(&mut r);
            r.assigned_to = Some(by);
            r.asked_for = self.pick(ASKED_FOR[0]).into();
            let triaged_at = self.later(received_at, 10, 120);
            self.triage(&mut r, Urgency::Routine, triaged_at, by);
            let screened_at = self.some_time(placed_on).max(self.later(triaged_at, 10, 60));
            self.screen_fit(&mut r, 0, screened_at, by);
            let placed_at = self.later(screened_at, 5, 30);
            let mut entry = self.waitlist_entry(&r, 0, placed_at, by);
            let removed_on = placed_on + Duration::days(self.rng.gen_range(10..=35));
            let removed_at = self.some_time(removed_on);
            let (reason, status, note) = match i % 3 {
                0 => (
                    WaitlistRemoval::ServedElsewhere,
                    RequestStatus::ReferredOut,
                    "Started with a coach at the health centre's recovery program",
                ),
                1 => (WaitlistRemoval::NoLongerWanted, RequestStatus::Closed, "Doing well with a mutual-help group"),
                _ => (WaitlistRemoval::Unreachable, RequestStatus::Closed, "Phone disconnected; no reply to e-mail"),
            };
            entry.removed_at = Some(removed_at);
            entry.removed_by = Some(by);
            entry.removed_reason = Some(reason.code().into());
            entry.removed_note = Some(note.into());
            entry.version = 2;
            entry.updated_at = removed_at;
            r.status = status.code().into();
            r.close_note = Some(note.into());
            r.closed_at = Some(removed_at);
            r.version += 2;
            r.updated_at = removed_at;
            self.entries.push(entry);
            self.requests.push(r);
        }
    }

    /// Requests for something we do not offer, referred on to the right place.
    fn referred_requests(&mut self, count: usize) {
        for _ in 0..count {
            let received_at = self.time_within(1, 364);
            let by = self.team.referral;
            let source = weighted(&mut self.rng, SOURCES);
            let mut r = self.blank_request(received_at, source, by);
            self.newcomer(&mut r);
            r.assigned_to = Some(by);
            let (asked, to, reason) = self.pick(REFERRALS);
            r.asked_for = asked.into();
            if self.rng.gen_bool(0.5) {
                let at = self.later(received_at, 5, 60);
                self.triage(&mut r, Urgency::Routine, at, by);
            }
            let at = self.later(r.triaged_at.unwrap_or(received_at), 10, 24 * 60);
            self.refer_out(&mut r, to, reason, at, by);
            self.requests.push(r);
        }
    }

    /// Anonymous information-only enquiries, and requests withdrawn, unreachable or duplicated.
    fn closed_requests(&mut self, information: usize, other: usize) {
        for i in 0..information + other {
            let received_at = self.time_within(1, 364);
            let by = if self.rng.gen_bool(0.7) { self.team.referral } else { self.colleague() };
            let mut r;
            if i < information {
                let source = self.pick(&["phone", "phone", "text", "walk-in"]);
                r = self.blank_request(received_at, source, by);
                r.anonymous = true;
                let (asked, note) = self.pick(INFO_ASKED);
                r.asked_for = asked.into();
                r.close_reason = Some(CloseReason::InformationOnly.code().into());
                r.close_note = Some(note.into());
                r.closed_at = Some(self.later(received_at, 3, 20));
            } else {
                let source = weighted(&mut self.rng, SOURCES);
                r = self.blank_request(received_at, source, by);
                self.newcomer(&mut r);
                r.assigned_to = Some(by);
                r.asked_for = self.pick(ASKED_FOR[0]).into();
                let (reason, note) = OTHER_CLOSES[(i - information) % OTHER_CLOSES.len()];
                r.close_reason = Some(reason.code().into());
                r.close_note = Some(note.into());
                r.closed_at = Some(self.later(received_at, 24 * 60, 14 * 24 * 60));
            }
            r.status = RequestStatus::Closed.code().into();
            r.version += 1;
            r.updated_at = r.closed_at.unwrap_or(received_at);
            self.requests.push(r);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn screen(
        &mut self,
        m: &Member,
        kind: ScreenKind,
        individual_reason: Option<IndividualReason>,
        answers: CssrsAnswers,
        concerns: Vec<Concern>,
        notes: Option<String>,
        screened_at: OffsetDateTime,
    ) -> risk_screen::Model {
        let suicide = risk::suicide_level(&answers);
        let valid = risk::ValidRiskScreen { kind, individual_reason, answers, concerns, notes };
        let level = risk::overall_level(&valid);
        let closed = !level.needs_response();
        let concerns: Vec<&str> = valid.concerns.iter().map(|c| c.code()).collect();
        risk_screen::Model {
            id: uuid(&mut self.rng),
            org_id: self.org_id,
            person_id: m.person_id,
            request_id: if kind == ScreenKind::ProgramWide { m.request_id } else { None },
            kind: kind.code().into(),
            individual_reason: individual_reason.map(|r| r.code().into()),
            screened_at,
            screened_by: m.worker,
            answers: serde_json::to_string(&valid.answers).unwrap_or_else(|_| "{}".into()),
            concerns: concerns.join(";"),
            suicide_level: suicide.code().into(),
            level: level.code().into(),
            notes: valid.notes,
            closed_at: closed.then_some(screened_at),
            closed_by: closed.then_some(m.worker),
            version: 1,
            created_at: screened_at,
            updated_at: screened_at,
        }
    }

    /// The program-wide screen at the start for most people; individual screens at moderate or high
    /// for a few, answered and closed, with safety plans; two still open on the demo coach's caseload.
    fn risk_screens(&mut self) {
        let members = self.members;
        for m in members {
            if !self.rng.gen_bool(0.6) {
                continue;
            }
            let level = if self.rng.gen_bool(0.85) { RiskLevel::None } else { RiskLevel::Low };
            let answers = answers_for(&mut self.rng, level);
            let day = (m.started_on + Duration::days(self.rng.gen_range(0..=7))).min(self.today);
            let at = self.some_time(day);
            let screen = self.screen(m, ScreenKind::ProgramWide, None, answers, Vec::new(), None, at);
            self.screens.push(screen);
        }

        let mut order: Vec<usize> = (0..members.len()).collect();
        order.shuffle(&mut self.rng);
        let coach = self.team.coach;
        let open: Vec<usize> = order.iter().copied().filter(|i| members[*i].worker == coach).take(2).collect();
        let extra_open: Vec<usize> =
            order.iter().copied().filter(|i| members[*i].worker != coach).take(members.len() / 1000).collect();
        let closed_count = 4.max(members.len() * 3 / 100);
        let closed: Vec<usize> =
            order.iter().copied().filter(|i| !open.contains(i) && !extra_open.contains(i)).take(closed_count).collect();
        for i in &open {
            self.individual_screen(&members[*i], RiskLevel::Moderate, false);
        }
        for (n, i) in extra_open.iter().enumerate() {
            let level = if n % 2 == 0 { RiskLevel::Moderate } else { RiskLevel::High };
            self.individual_screen(&members[*i], level, false);
        }
        for (n, i) in closed.iter().enumerate() {
            let level = if n % 3 == 0 { RiskLevel::High } else { RiskLevel::Moderate };
            self.individual_screen(&members[*i], level, true);
        }
    }

    /// An individual screen at `level`; `close` records the responses, a safety plan and the close.
    fn individual_screen(&mut self, m: &Member, level: RiskLevel, close: bool) {
        let age = m.date_of_birth.map(|d| crate::domain::person::age_on(d, self.today));
        let adult = age.is_none_or(|a| a >= 18);
        let vulnerable = adult && self.rng.gen_bool(0.5);
        let danger = adult && !vulnerable;
        let reason =
            risk::individual_screen_reason(age, vulnerable, danger, false).unwrap_or(IndividualReason::StaffJudgement);
        let concerns = match reason {
            IndividualReason::VulnerableAdult if self.rng.gen_bool(0.4) => {
                vec![if self.rng.gen_bool(0.5) { Concern::Neglect } else { Concern::Exploitation }]
            }
            IndividualReason::HistoryOfDanger if self.rng.gen_bool(0.3) => vec![Concern::ViolenceToOthers],
            IndividualReason::Child if self.rng.gen_bool(0.3) => vec![Concern::SelfInjury],
            _ => Vec::new(),
        };
        let answers = answers_for(&mut self.rng, level);
        let earliest = (self.today - m.started_on).whole_days().max(1);
        let days = if close { self.rng.gen_range(7..=200) } else { self.rng.gen_range(1..=5) }.min(earliest);
        let day = self.days_ago(days);
        let screened_at = self.some_time(day);
        let notes = self.text(SCREEN_NOTES);
        let mut screen =
            self.screen(m, ScreenKind::Individual, Some(reason), answers, concerns.clone(), notes, screened_at);
        let high = screen.level == RiskLevel::High.code();
        let mut steps: Vec<&str> = vec![SafetyStep::TraumaInformed.code()];
        let mut updated_at = screened_at;
        if close {
            let mut responses: Vec<(ResponseKind, &str)> = vec![(
                ResponseKind::SafetyPlan,
                "Wrote a safety plan together; they kept a copy on their phone and one at home.",
            )];
            if high || self.rng.gen_bool(0.5) {
                responses.push((
                    ResponseKind::CrisisLine,
                    "Called 988 together from the office; they agreed to call again if the thoughts return.",
                ));
            }
            if high {
                responses.push((
                    ResponseKind::IntensiveService,
                    "Warm hand-off to the county crisis stabilisation unit; the coach went along for the intake.",
                ));
            }
            let mut at = screened_at;
            for (kind, detail) in responses {
                at = self.later(at, 10, 60);
                self.responses.push(risk_response::Model {
                    id: uuid(&mut self.rng),
                    org_id: self.org_id,
                    screen_id: screen.id,
                    person_id: m.person_id,
                    kind: kind.code().into(),
                    detail: detail.into(),
                    occurred_at: at,
                    recorded_by: m.worker,
                    created_at: at,
                });
            }
            let closed_at = self.later(at, 10, 60);
            screen.closed_at = Some(closed_at);
            screen.closed_by = Some(m.worker);
            screen.version = 2;
            screen.updated_at = closed_at;
            updated_at = closed_at;
            let plan = |rng: &mut ChaCha8Rng, i: usize| PLAN_TEXT[i][rng.gen_range(0..PLAN_TEXT[i].len())].to_string();
            let rng = &mut self.rng;
            self.plans.push(safety_plan::Model {
                id: uuid(rng),
                org_id: self.org_id,
                person_id: m.person_id,
                warning_signs: plan(rng, 0),
                coping_strategies: plan(rng, 1),
                distractions: plan(rng, 2),
                people_to_ask: plan(rng, 3),
                professionals: plan(rng, 4),
                safer_environment: plan(rng, 5),
                reasons_for_living: plan(rng, 6),
                shared_on: Some(day),
                updated_by: m.worker,
                version: 1,
                created_at: screened_at,
                updated_at: closed_at,
            });
            steps.extend([SafetyStep::SafetyPlan.code(), SafetyStep::MonitoringRaised.code()]);
            if high {
                steps.push(SafetyStep::IntensiveOffered.code());
            }
            if self.rng.gen_bool(0.5) {
                steps.push(SafetyStep::OptionsExplained.code());
            }
            if self.rng.gen_bool(0.3) {
                steps.push(SafetyStep::TraumaEducation.code());
            }
            if concerns.iter().any(|c| matches!(c, Concern::Neglect | Concern::Exploitation)) {
                steps.push(SafetyStep::ReportingOffered.code());
            }
        }
        self.screens.push(screen);
        let mut flags = vec![SafetyFlag::SuicideRisk.code()];
        if self.rng.gen_bool(0.4) {
            flags.push(SafetyFlag::Trauma.code());
        }
        self.safety.push(person_safety::Model {
            org_id: self.org_id,
            person_id: m.person_id,
            flags: canonical(&flags, SafetyFlag::CODES),
            vulnerable_adult: vulnerable,
            history_of_danger: danger,
            steps_done: canonical(&steps, SafetyStep::CODES),
            note: self.rng.gen_bool(0.3).then(|| "Check in weekly, and more around hard anniversaries".into()),
            version: 1,
            updated_at,
            updated_by: Some(m.worker),
        });
    }

    /// A handful of crisis events over recent months; follow-ups open for the demo coach, one overdue.
    fn crisis_events(&mut self, count: usize) {
        let members = self.members;
        let coach = self.team.coach;
        let coach_people: Vec<&Member> = members.iter().filter(|m| m.worker == coach).collect();
        let screened: std::collections::HashSet<Uuid> = self.safety.iter().map(|s| s.person_id).collect();
        let with_screen: Vec<&Member> = members.iter().filter(|m| screened.contains(&m.person_id)).collect();
        let open_risk: Vec<Uuid> = self.screens.iter().filter(|s| s.closed_at.is_none()).map(|s| s.person_id).collect();
        for i in 0..count {
            // (days ago, follow-up due in days from today, follow-up done, about a person)
            let (days, due_in, done, about_person) = match i {
                0 => (2, Some(2), false, true),
                1 => (1, Some(1), false, false),
                2 => (8, Some(-3), false, true),
                3 => (self.rng.gen_range(20..=40), None, false, false),
                _ => {
                    let days = self.rng.gen_range(7..=180);
                    let follow_up = self.rng.gen_bool(0.6);
                    (days, follow_up.then(|| -(days - self.rng.gen_range(1..=3))), follow_up, i % 3 != 0)
                }
            };
            let day = self.days_ago(days);
            let occurred_at = self.some_time(day);
            let person = if !about_person {
                None
            } else if i < 3 && !coach_people.is_empty() {
                // The first event is about someone with an open screen; the overdue one about someone else.
                let first = coach_people.iter().position(|m| open_risk.contains(&m.person_id)).unwrap_or(0);
                let at = if i == 0 { first } else { (first + 1) % coach_people.len() };
                Some(coach_people[at])
            } else if members.is_empty() {
                None
            } else if !with_screen.is_empty() && self.rng.gen_bool(0.6) {
                Some(self.pick(&with_screen))
            } else {
                Some(&members[self.rng.gen_range(0..members.len())])
            };
            let (caller, scenario, reported_by) = match person {
                Some(m) => {
                    let scenario = match i {
                        0 => PERSON_CRISES[0],
                        2 => PERSON_CRISES[2],
                        _ => self.pick(PERSON_CRISES),
                    };
                    (None, scenario, if i < 3 { coach } else { m.worker })
                }
                None => {
                    let (caller, scenario) = if i == 1 { ANONYMOUS_CRISES[1] } else { self.pick(ANONYMOUS_CRISES) };
                    let by = if i < 3 { coach } else { self.team.referral };
                    (Some(caller.to_string()), scenario, by)
                }
            };
            let (what, actions, calls, calls_detail, outcome) = scenario;
            let follow_up_due = due_in.map(|d| self.today + Duration::days(d));
            let follow_up_done_at = match follow_up_due {
                Some(due) if done => Some(self.some_time(due.min(self.today)).max(occurred_at)),
                _ => None,
            };
            let follow_up_note = follow_up_done_at.and_then(|_| self.text(FOLLOW_UP_NOTES));
            let created_at = self.later(occurred_at, 15, 90);
            self.events.push(crisis_event::Model {
                id: uuid(&mut self.rng),
                org_id: self.org_id,
                person_id: person.map(|m| m.person_id),
                caller_description: caller,
                occurred_at,
                reported_by,
                what_happened: what.into(),
                actions_taken: actions.into(),
                calls: canonical(calls, CrisisCall::CODES),
                calls_detail: calls_detail.map(String::from),
                outcome: outcome.into(),
                follow_up_due,
                follow_up_done_at,
                follow_up_note,
                version: if follow_up_done_at.is_some() { 2 } else { 1 },
                created_at,
                updated_at: follow_up_done_at.unwrap_or(created_at).max(created_at),
            });
        }
    }
}

// ---------- coaching: plans, contacts and notes, lapses, mutual aid, natural supports ----------

/// The demo programs review plans every 90 days (`plan_review_days`).
const REVIEW_DAYS: i32 = 90;

/// How much coaching history the demo writes. The organisation moved its coaching records onto
/// Mainstay a while ago (people enrolled before then had their plan agreed again at the move):
/// a year ago for demos of up to 12 000 people in coaching; for larger ones more recently, down to
/// 120 days at 36 000 and more, and each person keeps only their most recent contacts (five at
/// 50 000 people, and any re-engagement after a lapse), so `mainstay demo --people 50000` stays under 30 seconds. The named coach's
/// caseload always keeps every contact.
fn history(coaching_people: usize) -> (i64, usize) {
    let n = coaching_people.max(1);
    let days = (365 * 12_000 / n).clamp(120, 365) as i64;
    let contacts = (250_000 / n).clamp(5, 60);
    (days, contacts)
}

const WHY_CAME: &[&str] = &[
    "I want to stay sober after detox and I can't do it alone this time.",
    "My probation officer told me about the centre, and I want more than just checking boxes.",
    "After my overdose in the spring I knew I needed people around me.",
    "I was drinking every day after my wife passed, and my son asked me to get help.",
    "I came out of the hospital with a new diagnosis and no idea where to start.",
    "I've been clean a few months and want to build a life, not just avoid using.",
    "My kids are in foster care and I want them home.",
    "I lost my job and my housing in the same month and started using again.",
    "A friend from meetings said a coach helped her more than anything else.",
    "I keep ending up in the emergency room and I'm tired of it.",
    "My son is in early recovery and I don't know how to help him without losing myself.",
];
const WHAT_MATTERS: &[&str] = &[
    "My kids, my faith, and being someone people can count on.",
    "Having my own place and a routine that keeps me busy.",
    "Getting healthy and staying out of jail.",
    "My mom. I want her to see me well.",
    "Music, my dog, and the friends I made at meetings.",
    "Being independent and not having to ask anyone for money.",
    "Working with my hands again.",
    "Peace at home and being there for my grandchildren.",
];
const VALUES_CULTURE: &[&str] = &[
    "Church on Sunday matters to me; please don't book anything Sunday mornings.",
    "I'm Diné. I'd like my aunt involved, and a talking circle when I'm ready.",
    "We speak Spanish at home; I prefer to talk about personal things in Spanish.",
    "I don't want anything faith-based.",
    "Family first. My grandmother raised me and I want her involved.",
    "I'm a veteran and I feel better around other vets.",
    "I keep halal and pray five times a day; afternoons after prayer are best.",
    "I'm Deaf and use ASL; please book an interpreter for meetings.",
    "I'm a private person; texts are better than calls at work.",
    "Being outdoors is how I stay well; walking meetings are good for me.",
];
const STRENGTHS: &[&str] = &[
    "I'm stubborn in a good way, and I show up when I say I will.",
    "Good with my hands; I can fix almost anything.",
    "I make people laugh and I'm a good listener.",
    "I stayed clean for two years before, so I know I can.",
    "Strong faith, and a sister who never gave up on me.",
    "I'm organised when I have a plan written down.",
    "Honest about what's going on, even when it's hard.",
    "I'm a good cook and I like looking after people.",
];
const BARRIERS: &[&str] = &[
    "No car, and the bus doesn't run on Sundays.",
    "My record makes it hard to get hired or rent.",
    "Most of my friends still use.",
    "I get anxious in groups and leave early.",
    "No phone half the month when my minutes run out.",
    "Back pain that makes it hard to sit or stand for long.",
    "Court dates and fines I haven't dealt with.",
    "My shifts change every week.",
    "Money is tight and the rent went up.",
];
const RECOVERY_CAPITAL: &[&str] = &[
    "A recovery house bed until June, my sponsor, and a part-time job.",
    "My sister's couch, a Medicaid card, and the Thursday meeting.",
    "Steady housing, a supportive partner, and two years clean in the past.",
    "My church family, a counsellor at the health centre, and my dog.",
    "A bus pass, the recovery centre, and my aunt nearby.",
    "My own apartment, my job at the warehouse, and my home group.",
];
const COPING: &[&str] = &[
    "Call my sponsor, go for a walk, play guitar.",
    "The breathing exercise from group, cold water on my face, text my coach.",
    "Go to the centre when I'm restless; stay away from the east side after dark.",
    "Write in my journal and make tea before bed.",
    "Pray, go to a meeting, sit with my grandmother.",
    "Headphones and a long walk by the harbour.",
    "Cook something, call my cousin, go to bed early.",
];
const PARTICIPANTS: &[&str] = &[
    "",
    "",
    "",
    "My sister",
    "My sponsor",
    "My partner",
    "My grandmother",
    "My case manager from the health centre (by phone)",
];
const PROGRESS_EVALUATION: &[&str] = &[
    "A steadier three months: more good weeks than bad, and the routine is holding.",
    "A hard stretch after the lapse, but I came back and I'm still here.",
    "Work took off and meetings slipped a bit; I want to get back to two a week.",
    "The housing came through, and everything feels more possible now.",
    "Slow progress on the legal goal; the rest is going well.",
    "Feeling more confident and ready for a new goal.",
    "Some days are still hard, but I ask for help sooner.",
];
const AGREED_VERBALLY: &[&str] = &[
    "Agreed by phone; will sign at the next visit.",
    "Read the plan aloud together at the centre; agreed but prefers not to sign.",
    "Agreed in person; does not sign documents for personal reasons.",
];
const MOVED_IN: &str = "Plan carried over from the paper record when we moved to Mainstay; reviewed and agreed again.";

/// Goals in the person's words and steps (what, who) for each life domain.
type DomainPhrases = (LifeDomain, &'static [&'static str], &'static [(&'static str, &'static str)]);

const GOALS: &[DomainPhrases] = &[
    (
        LifeDomain::Housing,
        &[
            "I want a place of my own where my kids can visit.",
            "Stay at the recovery house until I've saved a deposit.",
            "Keep my apartment and stay on top of the rent.",
            "Move out of the shelter before winter.",
        ],
        &[
            ("Fill in the housing authority application", "Me"),
            ("Call two landlords from the list", "Me, with my coach nearby"),
            ("Ask my old boss for a reference letter", "Me"),
            ("Set up a rent reminder on my phone", "Me and my coach"),
            ("Visit the tenant rights clinic", "Me, my coach comes along"),
        ],
    ),
    (
        LifeDomain::WorkSchool,
        &[
            "Get back to work, even part time.",
            "Finish my GED.",
            "Get my commercial licence back and drive again.",
            "Start the culinary course at the community college.",
        ],
        &[
            ("Update my résumé at the library", "Me, with my coach"),
            ("Go to the job centre on Tuesday", "Me"),
            ("Sign up for the evening GED class", "Me"),
            ("Practise interview questions", "Me and my coach"),
            ("Ask about the course fee waiver", "Me"),
        ],
    ),
    (
        LifeDomain::Health,
        &[
            "Get my blood pressure under control.",
            "Find a doctor I trust.",
            "Sleep through the night most nights.",
            "Get my teeth fixed so I can smile again.",
            "Keep taking my medication every day.",
        ],
        &[
            ("Book a check-up at the health centre", "Me"),
            ("Walk for twenty minutes after dinner", "Me"),
            ("Bring my questions to the doctor on paper", "Me, my coach helps me write the list"),
            ("Ask about the dental clinic's sliding scale", "Me"),
            ("Use the pill box my sister gave me", "Me"),
        ],
    ),
    (
        LifeDomain::Relationships,
        &[
            "Rebuild trust with my daughter.",
            "Spend Sundays with my family again.",
            "Be a better dad.",
            "Make friends who don't use.",
            "Set boundaries with my son without shutting him out.",
        ],
        &[
            ("Write my daughter a letter", "Me"),
            ("Invite my brother for coffee", "Me"),
            ("Go to the family night at the centre", "Me and my partner"),
            ("Practise saying no to old friends", "Me and my coach"),
        ],
    ),
    (
        LifeDomain::Recovery,
        &[
            "Stay sober one day at a time.",
            "Keep going to meetings, at least two a week.",
            "Stay on my buprenorphine and keep my appointments.",
            "Find a sponsor I can call any time.",
            "Get through the holidays without drinking.",
        ],
        &[
            ("Go to the Thursday meeting at the centre", "Me"),
            ("Ask someone at the meeting to be my sponsor", "Me"),
            ("Keep my clinic appointment every two weeks", "Me"),
            ("Make a plan for the holidays", "Me and my coach"),
            ("Call my sponsor when cravings hit", "Me"),
        ],
    ),
    (
        LifeDomain::Legal,
        &[
            "Finish probation without a violation.",
            "Get my driver's licence back.",
            "Clear my record so I can get a better job.",
        ],
        &[
            ("Keep every probation appointment", "Me"),
            ("Go to the legal aid clinic about the old charge", "Me, my coach comes along"),
            ("Pay the reinstatement fee in two parts", "Me"),
        ],
    ),
    (
        LifeDomain::Money,
        &[
            "Open a bank account and stick to a budget.",
            "Pay off my court fines.",
            "Apply for the benefits I'm entitled to.",
        ],
        &[
            ("Open an account at the credit union", "Me"),
            ("Write down everything I spend for a month", "Me"),
            ("Go to the benefits office with my documents", "Me, with my coach"),
        ],
    ),
    (
        LifeDomain::Community,
        &[
            "Volunteer at the food pantry.",
            "Join the church choir again.",
            "Go to the Friday dinner at the recovery centre.",
        ],
        &[
            ("Ask the pantry about Saturday shifts", "Me"),
            ("Talk to the choir director after the service", "Me"),
            ("Bring a dish to the Friday dinner", "Me"),
        ],
    ),
    (
        LifeDomain::Purpose,
        &["Make art again.", "Help others the way I was helped.", "Train to become a peer recovery coach."],
        &[
            ("Sign up for the open studio at the library", "Me"),
            ("Ask about the peer coach training dates", "Me and my coach"),
            ("Share my story at the Friday meeting", "Me"),
        ],
    ),
];
const IN_PROGRESS_NOTES: &[&str] = &[
    "Made a start and keeping at it.",
    "About halfway there.",
    "Harder than I thought, but I haven't given up.",
    "Two of the steps done.",
    "Back on track after a slow month.",
];
const ACHIEVED_NOTES: &[&str] =
    &["Done, and I'm proud of it.", "Got there; celebrated at group.", "Done. On to the next one."];
const UNMET_NOTES: &[(UnmetNeed, &str)] = &[
    (UnmetNeed::MentalHealth, "On the waiting list for counselling at the health centre"),
    (UnmetNeed::SubstanceUse, "Wants to start medication for opioid use disorder"),
    (UnmetNeed::Legal, "Outstanding fines from an old case"),
    (UnmetNeed::RecordExpungement, "An old charge shows up in background checks"),
    (UnmetNeed::PrimaryCare, "No regular doctor"),
    (UnmetNeed::Dental, "Broken tooth; can't afford the dentist"),
    (UnmetNeed::EducationVocational, "Wants a GED class with evening hours"),
    (UnmetNeed::Housing, "The recovery house stay ends in the summer"),
    (UnmetNeed::Other, "Needs a state ID"),
];

const FACE_TO_FACE_OPENERS: &[(ContactSetting, &[&str])] = &[
    (ContactSetting::RecoveryCentre, &["Met at the recovery centre.", "Coffee at the centre before group."]),
    (
        ContactSetting::Community,
        &[
            "Met at the library on Elm St.",
            "Walked by the harbour together.",
            "Met at the coffee shop near their work.",
        ],
    ),
    (ContactSetting::Home, &["Home visit.", "Visited at their apartment."]),
    (ContactSetting::Outpatient, &["Met after their appointment at the clinic."]),
    (ContactSetting::PrimaryCare, &["Met at the health centre after their check-up."]),
    (ContactSetting::Inpatient, &["Visited on the detox unit."]),
    (ContactSetting::Justice, &["Visit at the county jail."]),
    (ContactSetting::EmergencyRoom, &["Met in the emergency department at St. Brigid."]),
];
const PHONE_OPENERS: &[&str] = &["Phone check-in.", "Called as planned."];
const VIDEO_OPENERS: &[&str] = &["Video call."];
const TEXT_OPENERS: &[&str] = &["Texted back and forth through the afternoon.", "Check-in by text."];
const NOTE_BODIES: &[&str] = &[
    "Talked through the week; work is going well and they are sleeping better.",
    "They shared that cravings were strong at the weekend and what got them through.",
    "Went over the housing list together; they picked two places to call.",
    "Celebrated 90 days; they brought their chip to show me.",
    "Worked on the résumé; they wrote the cover letter themselves.",
    "They were low after an argument with their mother; we talked about what helps on days like that.",
    "Planned the first meeting: what to expect, where to sit, and that it is fine to leave early.",
    "They went to the meeting on their own this time and want to go back.",
    "Talked about money worries and the budget they started.",
    "Went through the goals in their plan; the work goal feels like the priority now.",
    "They practised what they want to say at the court date.",
    "Shared my own experience of going back to work early in recovery.",
    "They are back in touch with their daughter; a visit is planned.",
    "Talked about sleep and the evening routine they want to try.",
    "Went with them to the benefits office; they did the talking.",
    "Went through the meeting list and they chose a Saturday group.",
    "They got the job at the warehouse and start on Monday.",
    "A quiet visit; mostly they wanted company and a walk.",
    "Their brother's anniversary is next week; they have a plan for the day.",
    "Talked about boundaries with old friends who still use.",
    "They brought their sponsor along; a good conversation about support.",
    "Looked at the evening GED class together; they will enrol next week.",
    "They want to volunteer at the food pantry and asked about shifts.",
    "Proud of two months without missing a clinic appointment.",
    "Talked about the holidays and who they can spend them with.",
    "They were tired and short on time; a brief check-in.",
];
/// Wording peer coaching stays away from, so the guardrail warnings show up in supervision.
const NOTE_BODIES_WARNED: &[&str] = &[
    "Told them to stop seeing the old crowd.",
    "I advised them to take the first job they are offered.",
    "Filled out the housing application for them.",
    "Seems to have depression on top of everything else.",
    "Did a drug test at the start of the visit.",
    "Called the landlord for them about the late rent.",
];
const REENGAGEMENT_BODIES: &[&str] = &[
    "First contact since they used again; they are safe, embarrassed, and want to start again.",
    "They called after using at the weekend; talked about what happened without judgement and planned this week.",
    "Met the day after they left detox; agreed to meet weekly for now.",
    "Their sister let us know; reached them and they agreed to come in.",
];
const NOTE_ENDINGS: &[&str] = &[
    "",
    "",
    "Meeting again next week.",
    "They will text after the appointment on Thursday.",
    "They plan to go to the Tuesday meeting.",
    "Next visit at the centre in two weeks.",
    "They will call the landlord before Friday.",
    "Check in by phone on Monday.",
    "They will bring the paperwork next time.",
];
const PRESENT: &[&str] = &["Their sister", "Their partner", "Their sponsor", "A housing worker", "Their mother"];
const LAPSE_NOTES: &[&str] = &[
    "Drank at a family party; told me at our next visit.",
    "Used with an old friend after a hard week at work.",
    "Used after the eviction notice; their sister called us.",
    "Missed two visits, then told me they had been using again.",
];
const FELLOWSHIPS: &[(Fellowship, u32, &[&str])] = &[
    (Fellowship::Aa, 30, &["Tuesday night AA at St. Brigid hall", "Step Sisters women's AA, Saturdays"]),
    (Fellowship::Na, 25, &["Clean and Serene NA, Thursdays at the centre", "Eastside NA candlelight meeting"]),
    (Fellowship::SmartRecovery, 14, &["SMART Recovery online, Wednesdays", "SMART Recovery at the library"]),
    (Fellowship::AllRecovery, 8, &["All Recovery meeting at the centre, Fridays"]),
    (Fellowship::RecoveryDharma, 6, &["Recovery Dharma sitting group, Sundays"]),
    (Fellowship::Dbsa, 6, &["DBSA peer support, Mondays at the health centre"]),
    (Fellowship::SchizophrenicsAnonymous, 2, &["SA group at the health centre"]),
    (Fellowship::AlAnon, 4, &["Al-Anon family group, Monday evenings"]),
    (
        Fellowship::Other,
        5,
        &["Wellbriety talking circle at the community centre", "Celebrate Recovery at First Baptist"],
    ),
];
const MUTUAL_AID_NOTES: &[&str] = &[
    "Went with them the first time; they liked the speaker.",
    "Prefers the women's meeting.",
    "Found a home group and has a service job there.",
    "Nervous about groups; trying an online meeting first.",
];
const SUPPORT_RELATIONSHIPS: &[(SupportRelationship, u32)] = &[
    (SupportRelationship::Family, 30),
    (SupportRelationship::Partner, 12),
    (SupportRelationship::Friend, 22),
    (SupportRelationship::Sponsor, 12),
    (SupportRelationship::FaithCommunity, 6),
    (SupportRelationship::Employer, 4),
    (SupportRelationship::Neighbour, 5),
    (SupportRelationship::Landlord, 3),
    (SupportRelationship::Other, 6),
];
const SUPPORT_NOTES: &[&str] = &[
    "Drives them to appointments.",
    "Calls every evening.",
    "Wants to learn how to help.",
    "Keeps a spare key and checks in at weekends.",
];

/// What the named demo coach's worklist shows for one person; everyone else gets a random one.
#[derive(Clone, Copy, Debug, Default)]
struct Shape {
    /// Days from today to when the next contact is due (negative: overdue); None: as it falls.
    due_in: Option<i64>,
    /// Days since the last contact (over 30 puts them on the "no contact in 30 days" list).
    silent: Option<i64>,
    /// Returned to use this many days ago and not re-engaged yet.
    open_lapse: Option<i64>,
    /// A return to use earlier in the year, followed by a re-engagement contact.
    lapse: bool,
    /// Days from today to the plan's review date (negative: past review); None: as it falls.
    review_in: Option<i64>,
    /// The review has been started (the plan is in review).
    reviewing: bool,
    /// The latest note is an unsigned draft.
    draft: bool,
    /// One gap of more than 30 days somewhere in the year.
    gap: bool,
}

/// The named coach's caseload, oldest enrolment first: something on every worklist section.
const COACH_SHAPES: &[Shape] = &[
    Shape { open_lapse: Some(3), ..SHAPE },
    Shape { review_in: Some(-9), due_in: Some(12), ..SHAPE },
    Shape { due_in: Some(-4), ..SHAPE },
    Shape { due_in: Some(-11), lapse: true, ..SHAPE },
    Shape { silent: Some(38), ..SHAPE },
    Shape { due_in: Some(0), draft: true, ..SHAPE },
    Shape { due_in: Some(2), draft: true, ..SHAPE },
    Shape { due_in: Some(5), ..SHAPE },
    Shape { review_in: Some(6), reviewing: true, due_in: Some(3), ..SHAPE },
];
const SHAPE: Shape = Shape {
    due_in: None,
    silent: None,
    open_lapse: None,
    lapse: false,
    review_in: None,
    reviewing: false,
    draft: false,
    gap: false,
};

/// Where someone is in their recovery over the year: (from, stage), in date order.
#[derive(Clone)]
struct Stages(Vec<(Date, RecoveryStage)>);

impl Stages {
    /// A return to use on `on`: after-return-to-use until `until`, then ongoing.
    fn after_return(&mut self, on: Date, until: Date) {
        self.0.retain(|(from, _)| *from < on || *from > until);
        self.0.push((on, RecoveryStage::AfterReturnToUse));
        self.0.push((until, RecoveryStage::Ongoing));
        self.0.sort_by_key(|s| s.0);
    }

    fn at(&self, day: Date) -> RecoveryStage {
        self.0.iter().rev().find(|(from, _)| *from <= day).or(self.0.first()).map_or(RecoveryStage::Ongoing, |s| s.1)
    }
}

/// One agreed version of a plan.
struct Agreed {
    on: Date,
    at: OffsetDateTime,
    content: PlanContent,
    json: String,
}

fn nominal_days(frequency: ContactFrequency) -> i64 {
    match frequency {
        ContactFrequency::Weekly => 7,
        ContactFrequency::Fortnightly => 14,
        ContactFrequency::Monthly => 30,
    }
}

/// The last contact day that makes the next contact due on `due` (the reverse of `next_contact_due`).
fn last_contact_for(due: Date, frequency: ContactFrequency) -> Date {
    match frequency {
        ContactFrequency::Monthly => {
            let (year, month) = if due.month() == time::Month::January {
                (due.year() - 1, time::Month::December)
            } else {
                (due.year(), due.month().previous())
            };
            let day = due.day().min(time::util::days_in_month(month, year));
            Date::from_calendar_date(year, month, day).unwrap_or(due - Duration::days(30))
        }
        f => due - Duration::days(nominal_days(f)),
    }
}

/// Gathers one batch of coaching rows before they are written.
#[derive(Default)]
struct CoachingRows {
    statuses: Vec<coaching_status::Model>,
    plans: Vec<recovery_plan::Model>,
    versions: Vec<recovery_plan_version::Model>,
    saves: Vec<recovery_plan_save::Model>,
    contacts: Vec<coaching_contact::Model>,
    lapses: Vec<lapse::Model>,
    mutual_aid: Vec<mutual_aid_connection::Model>,
    supports: Vec<natural_support::Model>,
}

impl CoachingRows {
    async fn write(&mut self, txn: &db::WriteTxn) -> anyhow::Result<()> {
        insert_all::<coaching_status::ActiveModel>(txn, active(std::mem::take(&mut self.statuses))).await?;
        insert_all::<recovery_plan::ActiveModel>(txn, active(std::mem::take(&mut self.plans))).await?;
        insert_all::<recovery_plan_version::ActiveModel>(txn, active(std::mem::take(&mut self.versions))).await?;
        insert_all::<recovery_plan_save::ActiveModel>(txn, active(std::mem::take(&mut self.saves))).await?;
        insert_all::<coaching_contact::ActiveModel>(txn, active(std::mem::take(&mut self.contacts))).await?;
        insert_all::<lapse::ActiveModel>(txn, active(std::mem::take(&mut self.lapses))).await?;
        insert_all::<mutual_aid_connection::ActiveModel>(txn, active(std::mem::take(&mut self.mutual_aid))).await?;
        insert_all::<natural_support::ActiveModel>(txn, active(std::mem::take(&mut self.supports))).await?;
        Ok(())
    }
}

/// A year of peer recovery coaching for everyone in the two coaching programs: a plan agreed near
/// the start and reviewed about every 85 days, contacts at the frequency their stage of recovery
/// suggests, notes (a few with guardrail warnings), lapses and re-engagement, mutual aid, natural
/// supports, and the status rows the worklist reads. The named coach's caseload is shaped so their
/// worklist has something in every section today.
#[allow(clippy::too_many_arguments)]
async fn insert_coaching(
    txn: &db::WriteTxn,
    rng: ChaCha8Rng,
    org_id: Uuid,
    programs: &[Uuid],
    team: &Team,
    members: &[Member],
    monitored: &HashSet<Uuid>,
    now: OffsetDateTime,
) -> anyhow::Result<HashMap<Uuid, PlanNeeds>> {
    let today = crate::app::local_date(ORG_TIME_ZONE, now);
    let coaching: Vec<&Member> = members.iter().filter(|m| m.program < 2).collect();
    let (history_days, max_contacts) = history(coaching.len());
    let mut g = Coaching {
        rng,
        org_id,
        programs,
        now,
        today,
        history_days,
        max_contacts,
        warnings: HashMap::new(),
        rows: CoachingRows::default(),
        needs: HashMap::new(),
    };
    // The named coach's people with the longest history get the worklist's shapes.
    let mut coach_people: Vec<&Member> = coaching.iter().copied().filter(|m| m.worker == team.coach).collect();
    coach_people.sort_by_key(|m| (m.started_on, m.person_id));
    let shaped: HashMap<Uuid, Shape> =
        coach_people.iter().zip(COACH_SHAPES).map(|(m, shape)| (m.person_id, *shape)).collect();
    // A couple of people elsewhere are just back from a return to use too.
    let open_elsewhere = 1.max(coaching.len() / 20_000);
    let mut open_left = open_elsewhere;
    for (n, m) in coaching.iter().enumerate() {
        let shape = match shaped.get(&m.person_id) {
            Some(shape) => *shape,
            None if m.worker != team.coach
                && open_left > 0
                && (today - m.started_on).whole_days() > 60
                && g.rng.gen_bool(0.01) =>
            {
                open_left -= 1;
                Shape { open_lapse: Some(g.rng.gen_range(1..=6)), ..SHAPE }
            }
            None => g.random_shape(),
        };
        g.person(m, shape, monitored.contains(&m.person_id), m.worker == team.coach);
        if (n + 1) % 2000 == 0 {
            g.rows.write(txn).await?;
        }
    }
    g.rows.write(txn).await?;
    Ok(g.needs)
}

/// The unmet needs a person's first plan named, and the day it did (the referrals start there).
pub(crate) struct PlanNeeds {
    identified_on: Date,
    needs: Vec<UnmetNeedEntry>,
}

struct Coaching<'a> {
    rng: ChaCha8Rng,
    org_id: Uuid,
    programs: &'a [Uuid],
    now: OffsetDateTime,
    /// Today in the organisation's time zone.
    today: Date,
    /// How far back the records go, and the most contacts kept per person (see `history`).
    history_days: i64,
    max_contacts: usize,
    /// Guardrail warnings (JSON) by note text: the notes are built from a few hundred phrases.
    warnings: HashMap<String, Option<String>>,
    rows: CoachingRows,
    /// Each person's plan needs, for the referrals made about them.
    needs: HashMap<Uuid, PlanNeeds>,
}

impl Coaching<'_> {
    /// A moment in working hours on `day` (13:00–22:00 UTC is the same day in New York), never
    /// later than now.
    fn at(&self, day: Date, minute: i64) -> OffsetDateTime {
        (day.midnight().assume_utc() + Duration::minutes(13 * 60 + minute.clamp(0, 539))).min(self.now)
    }

    fn some_time(&mut self, day: Date) -> OffsetDateTime {
        let minute = self.rng.gen_range(0..480);
        self.at(day, minute)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.gen_range(0..items.len())]
    }

    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        weighted(&mut self.rng, items)
    }

    fn random_shape(&mut self) -> Shape {
        let mut shape = SHAPE;
        match self.rng.gen_range(0..100) {
            0..8 => shape.due_in = Some(-self.rng.gen_range(1..=14)),
            8..10 => shape.silent = Some(self.rng.gen_range(31..=70)),
            _ => {}
        }
        shape.lapse = self.rng.gen_bool(0.08);
        shape.gap = self.rng.gen_bool(0.05);
        shape
    }

    /// Stages of recovery from `start`, moving on as time passes.
    fn stages(&mut self, start: Date, moved_in: bool) -> Stages {
        let weights: &[(RecoveryStage, u32)] = if moved_in {
            &[
                (RecoveryStage::Exploring, 8),
                (RecoveryStage::Early, 12),
                (RecoveryStage::Ongoing, 55),
                (RecoveryStage::Sustained, 25),
            ]
        } else {
            &[
                (RecoveryStage::Exploring, 20),
                (RecoveryStage::Early, 40),
                (RecoveryStage::Ongoing, 30),
                (RecoveryStage::Sustained, 10),
            ]
        };
        let mut stage = self.weighted(weights);
        let mut from = start;
        let mut out = vec![(from, stage)];
        while from <= self.today {
            let (next, days) = match stage {
                RecoveryStage::Exploring => (RecoveryStage::Early, self.rng.gen_range(21..=60)),
                RecoveryStage::Early => (RecoveryStage::Ongoing, self.rng.gen_range(90..=150)),
                RecoveryStage::Ongoing | RecoveryStage::AfterReturnToUse => {
                    (RecoveryStage::Sustained, self.rng.gen_range(240..=400))
                }
                RecoveryStage::Sustained => break,
            };
            from += Duration::days(days);
            stage = next;
            out.push((from, stage));
        }
        Stages(out)
    }

    fn frequency(&self, stages: &Stages, day: Date, monitored: bool) -> ContactFrequency {
        // Raised monitoring came with a risk screen in the past few months.
        let raised = monitored && (self.today - day).whole_days() <= 90;
        coaching_rules::suggested_frequency(Some(stages.at(day)), raised)
    }

    /// Days to the next contact at `frequency`: mostly a little early, sometimes a little late.
    fn gap(&mut self, frequency: ContactFrequency) -> i64 {
        match frequency {
            ContactFrequency::Weekly => self.rng.gen_range(5..=8),
            ContactFrequency::Fortnightly => self.rng.gen_range(9..=15),
            ContactFrequency::Monthly => self.rng.gen_range(16..=31),
        }
    }

    fn new_goal(&mut self, domain: usize, from: Date) -> PlanGoal {
        let (domain, words, steps) = GOALS[domain];
        let mut order: Vec<usize> = (0..steps.len()).collect();
        order.shuffle(&mut self.rng);
        let count = self.rng.gen_range(1..=2).min(steps.len());
        let steps = order[..count]
            .iter()
            .map(|i| PlanStep {
                what: steps[*i].0.into(),
                who: steps[*i].1.into(),
                target_on: Some(from + Duration::days(self.rng.gen_range(14..=80))),
                done: false,
            })
            .collect();
        PlanGoal {
            id: uuid(&mut self.rng),
            domain,
            in_own_words: self.pick(words).into(),
            progress: GoalProgress::NotStarted,
            progress_note: String::new(),
            steps,
        }
    }

    fn new_plan(&mut self, m: &Member, on: Date) -> PlanContent {
        let mut domains: Vec<usize> = (0..GOALS.len()).collect();
        domains.shuffle(&mut self.rng);
        // Recovery is on most plans; the family program's plans lean on relationships.
        let favourite = if m.program == 1 { 3 } else { 4 };
        if self.rng.gen_bool(0.6) && !domains[..4].contains(&favourite) {
            domains[0] = favourite;
        }
        let count = match self.rng.gen_range(0..20) {
            0..10 => 2,
            10..19 => 3,
            _ => 4,
        };
        let goals = domains[..count].iter().map(|d| self.new_goal(*d, on)).collect();
        let mut needs: Vec<UnmetNeedEntry> = Vec::new();
        for _ in 0..self.weighted(&[(0, 5), (1, 4), (2, 1)]) {
            let (need, note) = self.pick(UNMET_NOTES);
            if !needs.iter().any(|n| n.need == need) {
                needs.push(UnmetNeedEntry { need, note: note.into() });
            }
        }
        PlanContent {
            why_came: self.pick(WHY_CAME).into(),
            what_matters: self.pick(WHAT_MATTERS).into(),
            values_culture: if self.rng.gen_bool(0.8) { self.pick(VALUES_CULTURE).into() } else { String::new() },
            strengths: self.pick(STRENGTHS).into(),
            barriers: self.pick(BARRIERS).into(),
            unmet_needs: needs,
            recovery_capital: self.pick(RECOVERY_CAPITAL).into(),
            coping_strategies: self.pick(COPING).into(),
            goals,
            progress_evaluation: String::new(),
            maintaining_gains: String::new(),
            participants: self.pick(PARTICIPANTS).into(),
            household_member_ids: Vec::new(),
        }
    }

    /// The plan as reviewed on `on`: progress on each goal, steps done, sometimes a new goal.
    fn review(&mut self, before: &PlanContent, on: Date) -> PlanContent {
        let mut after = coaching_rules::start_review(before);
        after.progress_evaluation = self.pick(PROGRESS_EVALUATION).into();
        for goal in &mut after.goals {
            if matches!(goal.progress, GoalProgress::Achieved | GoalProgress::SetAside) {
                continue;
            }
            for step in &mut goal.steps {
                if step.target_on.is_some_and(|t| t <= on) && self.rng.gen_bool(0.8) {
                    step.done = true;
                }
            }
            let all_done = goal.steps.iter().all(|s| s.done);
            goal.progress = match self.rng.gen_range(0..20) {
                0 => GoalProgress::SetAside,
                _ if all_done && self.rng.gen_bool(0.6) => GoalProgress::Achieved,
                _ => GoalProgress::InProgress,
            };
            goal.progress_note = match goal.progress {
                GoalProgress::Achieved => self.pick(ACHIEVED_NOTES).into(),
                GoalProgress::SetAside => "Not the right time; set aside for now.".into(),
                _ => self.pick(IN_PROGRESS_NOTES).into(),
            };
            if goal.progress == GoalProgress::InProgress && all_done && self.rng.gen_bool(0.5) {
                let (_, _, steps) = GOALS.iter().find(|(d, _, _)| *d == goal.domain).copied().unwrap_or(GOALS[0]);
                let (what, who) = self.pick(steps);
                if !goal.steps.iter().any(|s| s.what == what) && goal.steps.len() < 3 {
                    let target = on + Duration::days(self.rng.gen_range(14..=80));
                    goal.steps.push(PlanStep {
                        what: what.into(),
                        who: who.into(),
                        target_on: Some(target),
                        done: false,
                    });
                }
            }
        }
        let open = after.goals.iter().filter(|g| g.progress != GoalProgress::Achieved).count();
        if after.goals.len() < 4 && open == 0 {
            let taken: Vec<LifeDomain> = after.goals.iter().map(|g| g.domain).collect();
            let free: Vec<usize> = (0..GOALS.len()).filter(|i| !taken.contains(&GOALS[*i].0)).collect();
            if !free.is_empty() {
                let domain = self.pick(&free);
                let goal = self.new_goal(domain, on);
                after.goals.push(goal);
            }
        }
        after
    }

    /// Days the plan was agreed: the first near the start, then a review about every 85 days,
    /// mostly a little before the date and now and then late. Returns (started, agreements).
    fn agreement_days(&mut self, start: Date, shape: &Shape) -> Option<(Date, Vec<Date>)> {
        let started = start + Duration::days(self.rng.gen_range(0..=7));
        let fresh = (self.today - start).whole_days() < 7;
        if started > self.today || (fresh && self.rng.gen_bool(0.5)) {
            return None;
        }
        if let Some(review_in) = shape.review_in {
            // Worked back from the review date the worklist should show.
            let mut days = vec![self.today + Duration::days(review_in) - Duration::days(i64::from(REVIEW_DAYS))];
            while days[0] - Duration::days(i64::from(REVIEW_DAYS)) > started {
                let previous = days[0] - Duration::days(self.rng.gen_range(80..=90));
                days.insert(0, previous);
            }
            let started = (days[0] - Duration::days(self.rng.gen_range(0..=5))).max(start).min(days[0]);
            return Some((started, days));
        }
        let first = started + Duration::days(self.weighted(&[(0, 4), (1, 2), (3, 2), (7, 1), (10, 1)]));
        if first > self.today {
            return Some((started, Vec::new()));
        }
        let mut days = vec![first];
        loop {
            let due = coaching_rules::plan_review_due(*days.last().unwrap_or(&first), REVIEW_DAYS);
            let on = if self.rng.gen_bool(0.08) {
                due + Duration::days(self.rng.gen_range(3..=30))
            } else {
                due - Duration::days(self.rng.gen_range(0..=10))
            };
            if on > self.today {
                break;
            }
            days.push(on);
        }
        Some((started, days))
    }

    /// A note and its guardrail warnings. Only notes built from `NOTE_BODIES_WARNED` are checked:
    /// a test shows every other combination of phrases passes the guardrails.
    fn note(&mut self, opener: &str, body: &str, warned: bool) -> (String, Option<String>) {
        let ending = self.pick(NOTE_ENDINGS);
        let mut note = format!("{opener} {body}");
        if !ending.is_empty() {
            note.push(' ');
            note.push_str(ending);
        }
        if !warned {
            return (note, None);
        }
        let warnings = match self.warnings.get(&note) {
            Some(w) => w.clone(),
            None => {
                let found = crate::domain::guardrails::check(&note);
                let w = (!found.is_empty()).then(|| serde_json::to_string(&found).unwrap_or_default());
                self.warnings.insert(note.clone(), w.clone());
                w
            }
        };
        (note, warnings)
    }

    #[allow(clippy::too_many_arguments)]
    fn contact(
        &mut self,
        m: &Member,
        day: Date,
        goals: &[Uuid],
        lapse_id: Option<Uuid>,
        draft: bool,
    ) -> coaching_contact::Model {
        let reengaging = lapse_id.is_some();
        let mode = if reengaging {
            self.pick(&[ContactMode::FaceToFace, ContactMode::Phone])
        } else {
            self.weighted(&[
                (ContactMode::FaceToFace, 62),
                (ContactMode::Phone, 24),
                (ContactMode::Text, 9),
                (ContactMode::Video, 5),
            ])
        };
        let (setting, opener, minutes) = match mode {
            ContactMode::FaceToFace => {
                let setting = self.weighted(&[
                    (ContactSetting::RecoveryCentre, 40),
                    (ContactSetting::Community, 24),
                    (ContactSetting::Home, 10),
                    (ContactSetting::Outpatient, 8),
                    (ContactSetting::PrimaryCare, 5),
                    (ContactSetting::Inpatient, 4),
                    (ContactSetting::Justice, 4),
                    (ContactSetting::EmergencyRoom, 5),
                ]);
                let openers = FACE_TO_FACE_OPENERS.iter().find(|(s, _)| *s == setting).map_or(PHONE_OPENERS, |o| o.1);
                (setting, self.pick(openers), 5 * self.rng.gen_range(6..=18))
            }
            ContactMode::Phone => (ContactSetting::Remote, self.pick(PHONE_OPENERS), self.rng.gen_range(10..=40)),
            ContactMode::Video => (ContactSetting::Remote, self.pick(VIDEO_OPENERS), self.rng.gen_range(20..=50)),
            ContactMode::Text => (ContactSetting::Remote, self.pick(TEXT_OPENERS), self.rng.gen_range(5..=15)),
        };
        let mut activities: Vec<&str> = Vec::with_capacity(3);
        if self.rng.gen_bool(0.8) || reengaging {
            activities.push(CoachingActivity::Coaching.code());
        }
        if reengaging && self.rng.gen_bool(0.4) {
            activities.push(CoachingActivity::CrisisSupport.code());
        }
        for _ in 0..self.rng.gen_range(0..=2) {
            let activity = self.weighted(&[
                (CoachingActivity::Education, 15),
                (CoachingActivity::Linking, 15),
                (CoachingActivity::Accompanying, if mode == ContactMode::FaceToFace { 12 } else { 0 }),
                (CoachingActivity::RecoveryCommunity, 10),
                (CoachingActivity::NaturalSupports, 8),
                (CoachingActivity::MutualAid, 12),
                (CoachingActivity::Advocacy, 6),
                (CoachingActivity::Other, 2),
            ]);
            activities.push(activity.code());
        }
        if activities.is_empty() {
            activities.push(CoachingActivity::Education.code());
        }
        let touched: Vec<String> = match (goals.len(), self.rng.gen_range(0..20)) {
            (0, _) | (_, 0..7) => Vec::new(),
            (_, 7..16) => vec![self.pick(goals).to_string()],
            _ => {
                let a = self.pick(goals);
                let b = self.pick(goals);
                if a == b { vec![a.to_string()] } else { vec![a.to_string(), b.to_string()] }
            }
        };
        let warned = !reengaging && self.rng.gen_bool(0.015);
        let body = if reengaging {
            self.pick(REENGAGEMENT_BODIES)
        } else if warned {
            self.pick(NOTE_BODIES_WARNED)
        } else {
            self.pick(NOTE_BODIES)
        };
        let (note, warnings) = self.note(opener, body, warned);
        let occurred_at = self.some_time(day);
        let created_at =
            (occurred_at + Duration::minutes(i64::from(minutes) + self.rng.gen_range(5..=120))).min(self.now);
        let signed_at = (!draft).then(|| {
            if self.rng.gen_bool(0.85) {
                created_at
            } else {
                (created_at + Duration::minutes(self.rng.gen_range(30..=1440))).min(self.now)
            }
        });
        coaching_contact::Model {
            id: uuid(&mut self.rng),
            org_id: self.org_id,
            person_id: m.person_id,
            program_id: Some(self.programs[m.program]),
            worker_id: m.worker,
            occurred_at,
            minutes,
            mode: mode.code().into(),
            setting: setting.code().into(),
            present: self.rng.gen_bool(0.07).then(|| self.pick(PRESENT).to_string()),
            activities: canonical(&activities, CoachingActivity::CODES),
            goals: touched.join(";"),
            note,
            status: if draft { NoteStatus::Draft } else { NoteStatus::Signed }.code().into(),
            signed_at,
            signed_by: signed_at.map(|_| m.worker),
            warnings,
            lapse_id,
            group_session_id: None,
            version: 1,
            created_at,
            updated_at: signed_at.unwrap_or(created_at),
        }
    }

    /// Everything for one person in coaching.
    fn person(&mut self, m: &Member, shape: Shape, monitored: bool, showcase: bool) {
        let today = self.today;
        let moved_in = (today - m.started_on).whole_days() > self.history_days;
        let start = m.started_on.max(today - Duration::days(self.history_days));
        let mut stages = self.stages(start, moved_in);

        // The plan: agreed versions, then the working copy.
        let plan_days = self.agreement_days(start, &shape);
        let mut agreed: Vec<Agreed> = Vec::new();
        let mut draft_content = None;
        if let Some((started, days)) = &plan_days {
            let identified_on = days.first().copied().unwrap_or(*started);
            let mut content = self.new_plan(m, identified_on);
            if !content.unmet_needs.is_empty() {
                self.needs.insert(m.person_id, PlanNeeds { identified_on, needs: content.unmet_needs.clone() });
            }
            for (k, on) in days.iter().enumerate() {
                if k > 0 {
                    content = self.review(&content, *on);
                }
                let at = self.some_time(*on);
                let json = serde_json::to_string(&content).unwrap_or_else(|_| "{}".into());
                agreed.push(Agreed { on: *on, at, content: content.clone(), json });
            }
            if days.is_empty() {
                draft_content = Some(content);
            }
        }

        // Lapses: one earlier in the year for some, just now for a few. After a return to use the
        // person is seen weekly for about two months.
        let first = start + Duration::days(self.rng.gen_range(0..=3));
        let open_lapse_on = shape.open_lapse.map(|d| today - Duration::days(d));
        if let Some(on) = open_lapse_on {
            stages.after_return(on, today + Duration::days(70));
        }
        let span = (today - first).whole_days();
        let mut closed_lapse = None;
        let before_lapse = stages.clone();
        if shape.lapse && span > 75 {
            let on = first + Duration::days(self.rng.gen_range(21..=span - 45));
            let back = on + Duration::days(self.weighted(&[(0, 2), (1, 4), (2, 3), (4, 2), (7, 1), (10, 1)]));
            stages.after_return(on, on + Duration::days(self.rng.gen_range(56..=70)));
            closed_lapse = Some((on, back));
        }
        let frequency = self.frequency(&stages, today, monitored);
        let last = match (open_lapse_on, shape.silent, shape.due_in) {
            (Some(on), _, _) => on - Duration::days(self.rng.gen_range(1..=4)),
            (None, Some(days), _) => today - Duration::days(days),
            (None, None, Some(due_in)) => last_contact_for(today + Duration::days(due_in), frequency),
            (None, None, None) => today - Duration::days(self.rng.gen_range(0..nominal_days(frequency))),
        };
        let fresh_without_contact = span < 3 && self.rng.gen_bool(0.5);
        let last = if first > today || fresh_without_contact { None } else { Some(last.max(first)) };
        // A long silence can leave no room for the re-engagement contact: then there was no lapse.
        if let Some((on, _)) = closed_lapse
            && last.is_none_or(|l| (l - on).whole_days() < 15)
        {
            closed_lapse = None;
            stages = before_lapse;
        }
        let frequency = self.frequency(&stages, today, monitored);

        // Contact days, forwards from the first meeting to the last one.
        let mut days: Vec<(Date, bool)> = Vec::new();
        if let Some(last) = last {
            let mut gap_after = shape.gap.then(|| first + Duration::days(self.rng.gen_range(10..=200)));
            let mut pending_lapse = closed_lapse;
            let mut t = first;
            while (last - t).whole_days() > 2 {
                days.push((t, false));
                let mut next = t + Duration::days(self.gap(self.frequency(&stages, t, monitored)));
                if gap_after.is_some_and(|g| t >= g) {
                    next = t + Duration::days(self.rng.gen_range(35..=55));
                    gap_after = None;
                }
                if let Some((on, back)) = pending_lapse
                    && next > on
                {
                    let back = back.max(t + Duration::days(1));
                    days.push((back, true));
                    next = back + Duration::days(self.gap(ContactFrequency::Weekly));
                    pending_lapse = None;
                }
                t = next;
            }
            days.push((last, false));
            days.dedup_by_key(|d| d.0);
            let cap = if showcase { 60 } else { self.max_contacts };
            if days.len() > cap {
                let cut = days.len() - cap;
                let mut i = 0;
                days.retain(|(_, reengagement)| {
                    i += 1;
                    i > cut || *reengagement
                });
            }
        }

        // The contacts themselves, with the goals of the plan in force that day.
        let plan_id = plan_days.as_ref().map(|_| uuid(&mut self.rng));
        let lapse_id = closed_lapse.map(|_| uuid(&mut self.rng));
        let mut reengaged: Option<(Uuid, OffsetDateTime, Date, OffsetDateTime)> = None;
        let count = days.len();
        let started_on = plan_days.as_ref().map(|(s, _)| *s);
        for (i, (day, reengagement)) in days.into_iter().enumerate() {
            let content = agreed
                .iter()
                .rev()
                .find(|a| a.on <= day)
                .map(|a| &a.content)
                .or(draft_content.as_ref().filter(|_| started_on.is_some_and(|s| s <= day)));
            let goals: Vec<Uuid> = content
                .map(|c| c.goals.iter().filter(|g| g.progress != GoalProgress::SetAside).map(|g| g.id).collect())
                .unwrap_or_default();
            let draft = i + 1 == count && (shape.draft || ((today - day).whole_days() <= 3 && self.rng.gen_bool(0.01)));
            let lapse = if reengagement { lapse_id } else { None };
            let c = self.contact(m, day, &goals, lapse, draft);
            if reengagement {
                reengaged = Some((c.id, c.occurred_at, day, c.created_at));
            }
            self.rows.contacts.push(c);
        }
        let last_contact_at = self.rows.contacts.last().filter(|c| c.person_id == m.person_id).map(|c| c.occurred_at);
        let last_contact_made = self.rows.contacts.last().filter(|c| c.person_id == m.person_id).map(|c| c.updated_at);

        // Lapse records: the earlier one re-engaged, the open one not yet.
        let mut open_lapse_id = None;
        if let (Some((on, _)), Some(id), Some((contact_id, contact_at, contact_day, logged_at))) =
            (closed_lapse, lapse_id, reengaged)
        {
            let recorded = (contact_at - Duration::minutes(self.rng.gen_range(5..=30))).max(self.at(on, 0));
            let row = lapse::Model {
                id,
                org_id: self.org_id,
                person_id: m.person_id,
                lapse_on: on,
                note: self.rng.gen_bool(0.8).then(|| self.pick(LAPSE_NOTES).to_string()),
                reengaged_contact_id: Some(contact_id),
                reengaged_at: Some(contact_at),
                days_to_reengage: Some(coaching_rules::days_to_reengage(on, contact_day) as i32),
                recorded_by: m.worker,
                version: 2,
                created_at: recorded.min(logged_at),
                updated_at: logged_at,
            };
            self.rows.lapses.push(row);
        }
        if let Some(on) = open_lapse_on {
            let id = uuid(&mut self.rng);
            let recorded = self.some_time((on + Duration::days(1)).min(today));
            open_lapse_id = Some(id);
            let row = lapse::Model {
                id,
                org_id: self.org_id,
                person_id: m.person_id,
                lapse_on: on,
                note: Some("Their sister called: they have been using since the weekend and are not answering.".into()),
                reengaged_contact_id: None,
                reengaged_at: None,
                days_to_reengage: None,
                recorded_by: m.worker,
                version: 1,
                created_at: recorded,
                updated_at: recorded,
            };
            self.rows.lapses.push(row);
        }

        // The plan rows: versions and the saves they came from, then the plan itself.
        let mut plan_row = None;
        if let (Some((started, _)), Some(plan_id)) = (&plan_days, plan_id) {
            let created_at = self.some_time(*started).min(agreed.first().map_or(self.now, |a| a.at));
            let mut saves = 0;
            for (k, a) in agreed.iter().enumerate() {
                let verbal = self.rng.gen_bool(0.3);
                let moved_note = (k == 0 && moved_in).then(|| MOVED_IN.to_string());
                let facts = crate::domain::coaching::PlanFacts::of_json(&a.json);
                let row = recovery_plan_version::Model {
                    id: uuid(&mut self.rng),
                    org_id: self.org_id,
                    plan_id,
                    person_id: m.person_id,
                    number: k as i32 + 1,
                    kind: if k == 0 { PlanVersionKind::Initial } else { PlanVersionKind::Review }.code().into(),
                    content: a.json.clone(),
                    goal_count: facts.goal_count,
                    has_strengths: facts.has_strengths,
                    has_barriers: facts.has_barriers,
                    has_progress: facts.has_progress,
                    agreement: if verbal { Agreement::Verbal } else { Agreement::Signature }.code().into(),
                    agreed_on: a.on,
                    signed_name: (!verbal).then(|| format!("{} {}", m.given_name, m.family_name)),
                    agreement_note: if verbal { Some(self.pick(AGREED_VERBALLY).into()) } else { moved_note },
                    review_due_on: Some(coaching_rules::plan_review_due(a.on, REVIEW_DAYS)),
                    recorded_by: m.worker,
                    created_at: a.at,
                };
                self.rows.versions.push(row);
                saves += 1;
                self.rows.saves.push(recovery_plan_save::Model {
                    org_id: self.org_id,
                    plan_id,
                    version: saves,
                    content: a.json.clone(),
                    saved_by: m.worker,
                    saved_at: a.at,
                });
            }
            let review_due_on = agreed.last().map(|a| coaching_rules::plan_review_due(a.on, REVIEW_DAYS));
            let reviewing = match (agreed.last(), review_due_on) {
                (Some(_), Some(due)) => {
                    shape.reviewing
                        || (shape.review_in.is_none() && (due - today).whole_days() <= 14 && self.rng.gen_bool(0.3))
                }
                _ => false,
            };
            let (status, number, content, updated_at) = match (agreed.last(), reviewing) {
                (Some(last), true) => {
                    let on = (today - Duration::days(self.rng.gen_range(0..=6))).max(last.on);
                    let at = self.some_time(on).max(last.at);
                    let working = self.review(&last.content, on);
                    (
                        PlanStatus::InReview,
                        agreed.len() as i32 + 1,
                        serde_json::to_string(&working).unwrap_or_default(),
                        at,
                    )
                }
                (Some(last), false) => (PlanStatus::Agreed, agreed.len() as i32, last.json.clone(), last.at),
                (None, _) => {
                    let json = draft_content.as_ref().map(serde_json::to_string).transpose().ok().flatten();
                    (PlanStatus::Draft, 1, json.unwrap_or_else(|| "{}".into()), created_at)
                }
            };
            if status != PlanStatus::Agreed {
                saves += 1;
                self.rows.saves.push(recovery_plan_save::Model {
                    org_id: self.org_id,
                    plan_id,
                    version: saves,
                    content: content.clone(),
                    saved_by: m.worker,
                    saved_at: updated_at,
                });
            }
            let plan = recovery_plan::Model {
                id: plan_id,
                org_id: self.org_id,
                person_id: m.person_id,
                program_id: Some(self.programs[m.program]),
                family: false,
                status: status.code().into(),
                content,
                number,
                started_on: *started,
                last_agreed_on: agreed.last().map(|a| a.on),
                review_due_on,
                created_by: m.worker,
                updated_by: m.worker,
                version: saves,
                created_at,
                updated_at,
            };
            plan_row = Some((plan.id, status, review_due_on, updated_at));
            self.rows.plans.push(plan);
        }

        // Mutual aid for about four in ten.
        if self.rng.gen_bool(0.4) {
            let connections = if self.rng.gen_bool(0.8) { 1 } else { 2 };
            for _ in 0..connections {
                self.mutual_aid(m, start);
            }
        }
        for _ in 0..self.weighted(&[(1, 60), (2, 28), (3, 12)]) {
            self.support(m, start);
        }

        // The status row the worklist reads, as the service would have left it.
        let stage = stages.at(today);
        let frequency = if open_lapse_on.is_some() { ContactFrequency::Weekly } else { frequency };
        let raised = monitored && frequency == ContactFrequency::Weekly;
        let reason = if raised {
            Some("Weekly while the safety plan is new.".to_string())
        } else if open_lapse_on.is_some() {
            Some("Weekly after the return to use.".to_string())
        } else if stage == RecoveryStage::Early && self.rng.gen_bool(0.3) {
            Some("Early recovery: weekly for the first three months.".to_string())
        } else {
            None
        };
        let updated_at = [
            last_contact_made,
            plan_row.map(|p| p.3),
            self.rows.lapses.last().filter(|l| l.person_id == m.person_id).map(|l| l.updated_at),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or_else(|| self.at(start, 0));
        self.rows.statuses.push(coaching_status::Model {
            org_id: self.org_id,
            person_id: m.person_id,
            stage: Some(stage.code().into()),
            frequency: frequency.code().into(),
            monitoring_raised: raised,
            reason,
            last_contact_at,
            contact_due_on: last_contact_at
                .map(|at| coaching_rules::next_contact_due(crate::app::local_date(ORG_TIME_ZONE, at), frequency)),
            plan_id: plan_row.map(|p| p.0),
            plan_status: plan_row.map(|p| p.1.code().to_string()),
            plan_review_due_on: plan_row.and_then(|p| p.2),
            open_lapse_on,
            open_lapse_id,
            version: 1,
            updated_at,
            updated_by: Some(m.worker),
        });
    }

    fn mutual_aid(&mut self, m: &Member, start: Date) {
        let span = (self.today - start).whole_days();
        let connected_on = start + Duration::days(self.rng.gen_range(0..=span));
        let choices: Vec<(usize, u32)> = FELLOWSHIPS
            .iter()
            .enumerate()
            .map(|(i, (f, w, _))| (i, if m.program == 1 && *f == Fellowship::AlAnon { 120 } else { *w }))
            .collect();
        let (fellowship, _, groups) = FELLOWSHIPS[self.weighted(&choices)];
        let group_name =
            (fellowship == Fellowship::Other || self.rng.gen_bool(0.7)).then(|| self.pick(groups).to_string());
        let mut help: Vec<&str> = vec![MutualAidHelp::DiscussedWhatToExpect.code()];
        if self.rng.gen_bool(0.45) {
            help.push(MutualAidHelp::AccompaniedFirstMeeting.code());
        }
        if self.rng.gen_bool(0.3) {
            help.push(MutualAidHelp::IntroducedToMembers.code());
        }
        if self.rng.gen_bool(0.5) {
            help.push(MutualAidHelp::FollowedUp.code());
        }
        let age = (self.today - connected_on).whole_days();
        let attended = (age >= 7).then(|| self.rng.gen_bool(0.85));
        let still_going = match attended {
            Some(true) if age > 30 => match self.rng.gen_range(0..10) {
                0..7 => Some(true),
                7..9 => Some(false),
                _ => None,
            },
            _ => None,
        };
        let checked_on = (attended.is_some() || still_going.is_some())
            .then(|| (connected_on + Duration::days(self.rng.gen_range(7..=45))).min(self.today));
        let created_at = self.some_time(connected_on);
        let updated_at = checked_on.map_or(created_at, |d| self.some_time(d).max(created_at));
        let row = mutual_aid_connection::Model {
            id: uuid(&mut self.rng),
            org_id: self.org_id,
            person_id: m.person_id,
            fellowship: fellowship.code().into(),
            group_name,
            help: canonical(&help, MutualAidHelp::CODES),
            connected_on,
            attended,
            still_going,
            checked_on,
            note: self.rng.gen_bool(0.3).then(|| self.pick(MUTUAL_AID_NOTES).to_string()),
            recorded_by: m.worker,
            version: if checked_on.is_some() { 2 } else { 1 },
            created_at,
            updated_at,
        };
        self.rows.mutual_aid.push(row);
    }

    fn support(&mut self, m: &Member, start: Date) {
        let relationship = self.weighted(SUPPORT_RELATIONSHIPS);
        let given = self.pick(GIVEN);
        let name = match relationship {
            SupportRelationship::Family => format!("{given} {}", m.family_name),
            SupportRelationship::Sponsor | SupportRelationship::Friend => {
                format!("{given} {}.", &self.pick(FAMILY)[..1])
            }
            _ => format!("{given} {}", self.pick(FAMILY)),
        };
        let engagement = self.weighted(&[
            (SupportEngagement::Engaged, 50),
            (SupportEngagement::NotYet, 20),
            (SupportEngagement::ReEngaged, 15),
            (SupportEngagement::NotWanted, 15),
        ]);
        let span = (self.today - start).whole_days().min(60);
        let added_on = start + Duration::days(self.rng.gen_range(0..=span));
        let consent =
            matches!(engagement, SupportEngagement::Engaged | SupportEngagement::ReEngaged) && self.rng.gen_bool(0.6);
        let created_at = self.some_time(added_on);
        let row = natural_support::Model {
            id: uuid(&mut self.rng),
            org_id: self.org_id,
            person_id: m.person_id,
            name,
            relationship: relationship.code().into(),
            phone: self.rng.gen_bool(0.65).then(|| phone(&mut self.rng)),
            engagement: engagement.code().into(),
            consent_to_contact: consent,
            consent_on: consent.then_some(added_on),
            note: self.rng.gen_bool(0.25).then(|| self.pick(SUPPORT_NOTES).to_string()),
            active: self.rng.gen_bool(0.95),
            recorded_by: m.worker,
            version: 1,
            created_at,
            updated_at: created_at,
        };
        self.rows.supports.push(row);
    }
}

// ---------- groups: curricula, facilitators, a year of sessions, attendance and logs ----------

/// A curriculum the demo groups follow: sessions as (topic, objectives, activities, handout), one
/// objective or activity a line.
struct CurriculumSpec {
    title: &'static str,
    summary: &'static str,
    audience: &'static str,
    sessions: &'static [(&'static str, &'static str, &'static str, &'static str)],
}

const CURRICULA: &[CurriculumSpec] = &[
    CurriculumSpec {
        title: "Recovery Skills",
        summary: "Eight practical sessions on the skills that keep recovery going day to day.",
        audience: "Adults in early or ongoing recovery from substance use or mental health challenges.",
        sessions: &[
            (
                "What recovery means to us",
                "Agree how the group works together\nName one hope for the course",
                "Round of introductions\nGround rules agreed together",
                "Group agreement",
            ),
            (
                "Triggers and cravings",
                "Recognise personal triggers\nPractise one way to ride out a craving",
                "Trigger map in pairs\nUrge-surfing practice",
                "Trigger map worksheet",
            ),
            (
                "Building a daily routine",
                "Plan a week that supports recovery",
                "Weekly planner\nSharing what works",
                "Weekly planner",
            ),
            (
                "Coping with stress without using",
                "Try three coping skills\nChoose one to use this week",
                "Breathing exercise\nCoping skills menu",
                "Coping skills menu",
            ),
            (
                "Relationships and boundaries",
                "Practise saying no kindly\nSpot relationships that help",
                "Role-play in threes",
                "Boundaries handout",
            ),
            (
                "Asking for help",
                "Map your support network\nPlan who to call when it is hard",
                "Support network map\nMutual-aid meeting guide",
                "Support network map",
            ),
            (
                "Setbacks and getting back on track",
                "See a setback as something to learn from\nWrite a return-to-recovery plan",
                "Stories of coming back\nPlan writing",
                "Getting back on track plan",
            ),
            (
                "Planning the road ahead",
                "Set one goal for the next three months\nCelebrate progress",
                "Goal setting\nClosing circle",
                "Goal worksheet",
            ),
        ],
    },
    CurriculumSpec {
        title: "Family Education",
        summary: "Six sessions for families and chosen family of people in recovery.",
        audience: "Parents, partners, siblings and friends.",
        sessions: &[
            (
                "How substance use affects families",
                "Understand addiction as a health condition\nShare what the family has lived through",
                "Family stories circle",
                "Family guide to recovery",
            ),
            (
                "Communication that helps",
                "Practise listening without fixing\nUse I-statements",
                "Listening pairs\nI-statement practice",
                "Communication tips card",
            ),
            (
                "Boundaries and self-care",
                "Set one boundary\nPlan time for yourself",
                "Boundary scenarios\nSelf-care plan",
                "Self-care plan",
            ),
            (
                "Treatment and recovery supports",
                "Know the local options\nKnow how to find family support meetings",
                "Resource walk-through",
                "Local resources list",
            ),
            (
                "Supporting without enabling",
                "Tell support from rescuing",
                "Case discussion in small groups",
                "Support or enable? worksheet",
            ),
            (
                "Caring for the whole family",
                "Plan family time that is not about the illness",
                "Family plan\nClosing round",
                "Family plan template",
            ),
        ],
    },
    CurriculumSpec {
        title: "Wellness in Recovery",
        summary: "Six sessions on sleep, movement, food, stress and connection.",
        audience: "Anyone in recovery who wants to feel better in body and mind.",
        sessions: &[
            ("Sleep and rest", "Understand sleep habits\nTry a wind-down routine", "Sleep diary review", "Sleep diary"),
            ("Moving more", "Find movement you enjoy", "Gentle stretching\nWalking plan", "Walking plan"),
            (
                "Eating well on a budget",
                "Plan three simple meals",
                "Meal planning together\nFood bank information",
                "Budget meal ideas",
            ),
            ("Stress and relaxation", "Practise two relaxation skills", "Guided relaxation", "Relaxation audio guide"),
            (
                "Connecting with others",
                "Notice what connection does for wellbeing",
                "Community activity menu",
                "Community activities list",
            ),
            (
                "Your wellness plan",
                "Write a personal wellness plan",
                "Plan writing\nSharing round",
                "Wellness plan template",
            ),
        ],
    },
];

/// Where a demo group meets: a site (index into the demo sites) and room, or online.
#[derive(Clone, Copy)]
enum Place {
    Room(usize, &'static str),
    Online,
}

/// One demo group. Facilitators are indexes into `GroupStaff::people` (0 the named facilitator,
/// 1 and 2 the other facilitators, 3 the supervisor).
struct GroupSpec {
    name: &'static str,
    description: &'static str,
    kind: GroupKind,
    focus: &'static [FocusArea],
    audience: &'static [Audience],
    membership: Membership,
    capacity: i32,
    capacity_rule: CapacityRule,
    curriculum: Option<usize>,
    rrule: &'static str,
    start_time: &'static str,
    minutes: i32,
    place: Place,
    lead: usize,
    co: Option<usize>,
    volunteer: bool,
    peer_led: bool,
    listed: bool,
    /// How long ago the group started.
    days: i64,
}

const GROUP_SPECS: &[GroupSpec] = &[
    GroupSpec {
        name: "Tuesday Evening Recovery Skills",
        description: "An eight-week course on the everyday skills of recovery, run again and again.",
        kind: GroupKind::Education,
        focus: &[FocusArea::Goals, FocusArea::DailyStress, FocusArea::RelapsePreventionWellness],
        audience: &[Audience::Individuals],
        membership: Membership::Closed,
        capacity: 12,
        capacity_rule: CapacityRule::Warn,
        curriculum: Some(0),
        rrule: "FREQ=WEEKLY;BYDAY=TU",
        start_time: "18:00",
        minutes: 90,
        place: Place::Room(0, "Room 2"),
        lead: 0,
        co: None,
        volunteer: true,
        peer_led: false,
        listed: true,
        days: 370,
    },
    GroupSpec {
        name: "Open Recovery Circle",
        description: "A drop-in peer support circle at lunchtime: come when you can.",
        kind: GroupKind::PeerRecovery,
        focus: &[FocusArea::CrisisRecovery, FocusArea::Transitions, FocusArea::SupportNetworks],
        audience: &[Audience::Individuals],
        membership: Membership::Open,
        capacity: 20,
        capacity_rule: CapacityRule::Warn,
        curriculum: None,
        rrule: "FREQ=WEEKLY;BYDAY=TH",
        start_time: "12:00",
        minutes: 60,
        place: Place::Room(0, "Community room"),
        lead: 1,
        co: None,
        volunteer: false,
        peer_led: true,
        listed: true,
        days: 372,
    },
    GroupSpec {
        name: "Family Education Series",
        description: "Six evenings for families: what helps, what does not, and looking after yourself.",
        kind: GroupKind::Education,
        focus: &[FocusArea::SupportiveResources, FocusArea::CommunityFamily],
        audience: &[Audience::Families],
        membership: Membership::Closed,
        capacity: 14,
        capacity_rule: CapacityRule::Refuse,
        curriculum: Some(1),
        rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        start_time: "18:30",
        minutes: 90,
        place: Place::Room(0, "Room 1"),
        lead: 2,
        co: Some(3),
        volunteer: false,
        peer_led: false,
        listed: true,
        days: 365,
    },
    GroupSpec {
        name: "Wellness in Recovery",
        description: "Sleep, movement, food and stress: small changes that add up.",
        kind: GroupKind::HealthWellness,
        focus: &[FocusArea::LifeSkills, FocusArea::DailyStress, FocusArea::RelapsePreventionWellness],
        audience: &[Audience::Individuals, Audience::OlderAdults],
        membership: Membership::Closed,
        capacity: 12,
        capacity_rule: CapacityRule::Warn,
        curriculum: Some(2),
        rrule: "FREQ=WEEKLY;BYDAY=WE",
        start_time: "10:00",
        minutes: 75,
        place: Place::Room(4, "Meeting room B"),
        lead: 0,
        co: None,
        volunteer: false,
        peer_led: false,
        listed: true,
        days: 340,
    },
    GroupSpec {
        name: "Young Adults Online Check-in",
        description: "A weekly video check-in for people aged 18 to 25.",
        kind: GroupKind::Support,
        focus: &[FocusArea::Transitions, FocusArea::Goals, FocusArea::SupportNetworks],
        audience: &[Audience::YoungAdults],
        membership: Membership::Open,
        capacity: 15,
        capacity_rule: CapacityRule::Warn,
        curriculum: None,
        rrule: "FREQ=WEEKLY;BYDAY=FR",
        start_time: "17:00",
        minutes: 60,
        place: Place::Online,
        lead: 1,
        co: None,
        volunteer: false,
        peer_led: false,
        listed: false,
        days: 300,
    },
    GroupSpec {
        name: "Saturday Family Support Circle",
        description: "On the first Saturday of the month, families share what is working for them.",
        kind: GroupKind::Support,
        focus: &[FocusArea::CrisisRecovery, FocusArea::CommunityFamily],
        audience: &[Audience::Families],
        membership: Membership::Open,
        capacity: 20,
        capacity_rule: CapacityRule::Warn,
        curriculum: None,
        rrule: "FREQ=MONTHLY;BYDAY=1SA",
        start_time: "10:00",
        minutes: 120,
        place: Place::Room(0, "Community room"),
        lead: 2,
        co: None,
        volunteer: true,
        peer_led: false,
        listed: true,
        days: 368,
    },
    GroupSpec {
        name: "Women's Recovery Group",
        description: "A closed group for women in recovery.",
        kind: GroupKind::Support,
        focus: &[FocusArea::Transitions, FocusArea::SupportNetworks, FocusArea::RoleCompetency],
        audience: &[Audience::Women],
        membership: Membership::Closed,
        capacity: 10,
        capacity_rule: CapacityRule::Refuse,
        curriculum: None,
        rrule: "FREQ=WEEKLY;BYDAY=MO",
        start_time: "10:00",
        minutes: 90,
        place: Place::Room(0, "Room 1"),
        lead: 0,
        co: None,
        volunteer: false,
        peer_led: false,
        listed: false,
        days: 270,
    },
    GroupSpec {
        name: "Job Skills Workshop",
        description: "CVs, interviews and talking about gaps in your work history.",
        kind: GroupKind::Workshop,
        focus: &[FocusArea::Goals, FocusArea::LifeSkills, FocusArea::RoleCompetency],
        audience: &[Audience::Individuals, Audience::JusticeInvolved],
        membership: Membership::Open,
        capacity: 16,
        capacity_rule: CapacityRule::Warn,
        curriculum: None,
        rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
        start_time: "14:00",
        minutes: 120,
        place: Place::Room(4, "Meeting room B"),
        lead: 1,
        co: None,
        volunteer: false,
        peer_led: false,
        listed: true,
        days: 240,
    },
    GroupSpec {
        name: "Veterans Peer Support",
        description: "Veterans supporting veterans in recovery.",
        kind: GroupKind::PeerRecovery,
        focus: &[FocusArea::CrisisRecovery, FocusArea::Transitions, FocusArea::SupportNetworks],
        audience: &[Audience::Veterans],
        membership: Membership::Closed,
        capacity: 10,
        capacity_rule: CapacityRule::Warn,
        curriculum: None,
        rrule: "FREQ=WEEKLY;BYDAY=TU",
        start_time: "12:00",
        minutes: 90,
        place: Place::Room(0, "Room 2"),
        lead: 2,
        co: None,
        volunteer: true,
        peer_led: true,
        listed: false,
        days: 210,
    },
    GroupSpec {
        name: "Reentry Support Group",
        description: "For people coming home from jail or prison: the first months back.",
        kind: GroupKind::Support,
        focus: &[FocusArea::Transitions, FocusArea::SupportiveResources, FocusArea::DailyStress],
        audience: &[Audience::JusticeInvolved],
        membership: Membership::Closed,
        capacity: 12,
        capacity_rule: CapacityRule::Warn,
        curriculum: None,
        rrule: "FREQ=WEEKLY;BYDAY=WE",
        start_time: "18:00",
        minutes: 90,
        place: Place::Room(0, "Room 2"),
        lead: 0,
        co: Some(3),
        volunteer: false,
        peer_led: false,
        listed: false,
        days: 180,
    },
];

/// The peer volunteer who co-facilitates some groups (named only: volunteers have no sign-in).
const VOLUNTEER: &str = "Morgan Ellis";

/// The two facilitators added for groups: (e-mail, name).
const MORE_FACILITATORS: [(&str, &str); 2] =
    [("facilitator-02@demo.example", "Noor Haddad"), ("facilitator-03@demo.example", "Tomas Lindqvist")];

const GROUP_TOPICS: &[&str] = &[
    "Staying well through stressful weeks",
    "What keeps us coming back",
    "Sleep, routine and recovery",
    "Dealing with old friends and old places",
    "Making amends and rebuilding trust",
    "Money worries",
    "Finding meaning and purpose",
    "Handling anger",
    "Loneliness and connection",
    "Celebrating milestones",
];
const LOG_PROGRESS: &[&str] = &[
    "The group is settling into a rhythm; more members speak up in the first round.",
    "Members are supporting each other between sessions and said so tonight.",
    "Quieter session; two members said the week had been hard and the group made room for that.",
    "Good energy. Members are starting to challenge each other gently.",
    "Newer members joined in more than last time.",
    "The group is working well together and keeping to its agreement.",
];
const LOG_ADAPTATIONS: &[&str] = &[
    "Shortened the reading and spent longer on check-in because several members had a hard week.",
    "Offered the handout in large print and read it aloud.",
    "Added a short break halfway for members coming straight from work.",
    "Split into pairs for the exercise so quieter members had room to talk.",
    "Moved the role-play to the end after members asked for more time to talk first.",
    "Used the whiteboard instead of the worksheet; several members prefer not to write.",
];
const LOG_ACTIVITIES: &[&str] = &[
    "Invited members to the recovery centre's Saturday walk.",
    "Shared the community garden sign-up sheet.",
    "Told the group about the art night at the library.",
    "Passed round the volunteer roles for the centre's open day.",
    "Shared the dates of the recovery month picnic.",
];
const LOG_SAFETY: &[&str] = &[
    "A member left early and upset; the facilitator called that evening and they are safe.",
    "A member mentioned feeling unsafe at home; the facilitator followed up privately and offered coaching.",
];
const CHECKOUT_COMMENTS: &[&str] = &[
    "Good to hear how others handle this.",
    "I needed this today.",
    "Could we have more time for check-in?",
    "The handout was useful.",
    "Felt heard.",
    "A bit rushed at the end.",
];
const CANCEL_REASONS: &[&str] = &[
    "Facilitator unwell and no cover available.",
    "Snowstorm: the centre closed early.",
    "Room unavailable; the group took a week off.",
];
const HOLIDAY_REASON: &str = "Holiday: the centre is closed.";

/// The demo's facilitators: the named one, the two added here and the supervisor.
struct GroupStaff {
    people: [Uuid; 4],
    attested_by: Uuid,
    director: Uuid,
}

fn weekday_code(day: Date) -> &'static str {
    ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][day.weekday().number_days_from_monday() as usize]
}

/// Days the recovery centre is closed: New Year's Day, Memorial Day, Independence Day, Labor Day,
/// Thanksgiving and Christmas.
fn centre_closed(day: Date) -> bool {
    use time::{Month, Weekday};
    let (month, d, weekday) = (day.month(), day.day(), day.weekday());
    match month {
        Month::January => d == 1,
        Month::May => weekday == Weekday::Monday && d > 24,
        Month::July => d == 4,
        Month::September => weekday == Weekday::Monday && d <= 7,
        Month::November => weekday == Weekday::Thursday && (22..=28).contains(&d),
        Month::December => d == 25,
        _ => false,
    }
}

#[derive(Default)]
struct GroupRows {
    curricula: Vec<curriculum::Model>,
    versions: Vec<curriculum_version::Model>,
    groups: Vec<support_group::Model>,
    facilitators: Vec<group_facilitator::Model>,
    readiness: Vec<facilitator_readiness::Model>,
    /// Staff members' group skills, attested by a supervisor as demonstrated competencies (2.04).
    demonstrated: Vec<training_record::Model>,
    schedules: Vec<group_schedule::Model>,
    sessions: Vec<group_session::Model>,
    members: Vec<group_member::Model>,
    attendance: Vec<group_attendance::Model>,
    feedback: Vec<group_feedback::Model>,
    contacts: Vec<coaching_contact::Model>,
}

/// How many demo groups an organisation of `people` runs: six, and one more for every ten
/// thousand people, at most ten.
fn group_count(people: usize) -> usize {
    (6 + people / 10_000).min(GROUP_SPECS.len())
}

/// A year of education and support groups: three curricula, facilitators (one still missing a
/// group-leadership skill, so the readiness warning shows) and a peer volunteer, schedules from
/// about a year ago, members with their availability, and every past session stored: mostly held
/// with attendance, drop-ins, anonymous counts, logs and check-out answers, some cancelled for
/// holidays or moved, a few deliberately left without a record. Attendance by people in coaching
/// is a signed coaching contact, and their status shows it as their last contact.
#[allow(clippy::too_many_arguments)]
async fn insert_groups(
    txn: &db::WriteTxn,
    mut rng: ChaCha8Rng,
    org_id: Uuid,
    programs: &[Uuid],
    sites: &[Uuid],
    team: &Team,
    members: &[Member],
    hash: &str,
    now: OffsetDateTime,
) -> anyhow::Result<usize> {
    let today = crate::app::local_date(ORG_TIME_ZONE, now);
    let groups_program = programs[2];

    // Two more facilitators in the groups program, supervised like the named one.
    let mut added = Vec::new();
    for (email, name) in MORE_FACILITATORS {
        let id = uuid(&mut rng);
        added.push(id);
        let spec = StaffSpec {
            id,
            email: email.into(),
            name: name.into(),
            roles: vec![Role::GroupFacilitator],
            supervisor: Some(team.supervisor),
            programs: vec![groups_program],
        };
        staff::Entity::insert(staff_row(org_id, &spec, hash, now)).exec_without_returning(&**txn).await?;
        staff_program::Entity::insert(staff_program::ActiveModel {
            org_id: Set(org_id),
            staff_id: Set(id),
            program_id: Set(groups_program),
        })
        .exec_without_returning(&**txn)
        .await?;
    }
    let crew = GroupStaff {
        people: [team.facilitator, added[0], added[1], team.supervisor],
        attested_by: team.supervisor,
        director: team.director,
    };

    let mut g = GroupGen { rng, org_id, now, today, rows: GroupRows::default(), contact_at: HashMap::new() };
    let curricula = g.curricula(&crew);
    g.readiness(&crew);

    // Who may join: not the named coach's people (their worklist is shaped to the day) nor the
    // information line's callers, and nobody just back from a return to use.
    let pool: Vec<&Member> = members.iter().filter(|m| m.worker != team.coach && m.program != 3).collect();
    let candidates: Vec<&Member> = pool.choose_multiple(&mut g.rng, pool.len().min(400)).copied().collect();
    let statuses = coaching_status::Entity::find()
        .filter(coaching_status::Column::OrgId.eq(org_id))
        .filter(coaching_status::Column::PersonId.is_in(candidates.iter().map(|m| m.person_id)))
        .all(&**txn)
        .await?;
    let lapsed: HashSet<Uuid> = statuses.iter().filter(|s| s.open_lapse_on.is_some()).map(|s| s.person_id).collect();
    let in_coaching: HashSet<Uuid> = statuses.iter().map(|s| s.person_id).collect();
    let candidates: Vec<&Member> = candidates.into_iter().filter(|m| !lapsed.contains(&m.person_id)).collect();
    // The program a group contact is recorded under: the person's own enrolment.
    let program_of: HashMap<Uuid, Uuid> = candidates.iter().map(|m| (m.person_id, programs[m.program])).collect();

    for spec in &GROUP_SPECS[..group_count(members.len())] {
        let site = match spec.place {
            Place::Room(i, _) => sites.get(i).copied(),
            Place::Online => None,
        };
        g.group(spec, &crew, groups_program, site, &curricula, &candidates, &in_coaching, &program_of);
    }

    let rows = std::mem::take(&mut g.rows);
    insert_all::<curriculum::ActiveModel>(txn, active(rows.curricula)).await?;
    insert_all::<curriculum_version::ActiveModel>(txn, active(rows.versions)).await?;
    insert_all::<support_group::ActiveModel>(txn, active(rows.groups)).await?;
    insert_all::<group_facilitator::ActiveModel>(txn, active(rows.facilitators)).await?;
    insert_all::<facilitator_readiness::ActiveModel>(txn, active(rows.readiness)).await?;
    insert_all::<training_record::ActiveModel>(txn, active(rows.demonstrated)).await?;
    insert_all::<group_schedule::ActiveModel>(txn, active(rows.schedules)).await?;
    insert_all::<group_session::ActiveModel>(txn, active(rows.sessions)).await?;
    insert_all::<group_member::ActiveModel>(txn, active(rows.members)).await?;
    insert_all::<coaching_contact::ActiveModel>(txn, active(rows.contacts)).await?;
    insert_all::<group_attendance::ActiveModel>(txn, active(rows.attendance)).await?;
    insert_all::<group_feedback::ActiveModel>(txn, active(rows.feedback)).await?;

    // A group session can now be someone's last contact.
    for mut status in statuses {
        let Some(at) = g.contact_at.get(&status.person_id).copied() else { continue };
        if status.last_contact_at.is_some_and(|last| last >= at) {
            continue;
        }
        let frequency = ContactFrequency::parse(&status.frequency).unwrap_or(ContactFrequency::Monthly);
        let due = coaching_rules::next_contact_due(crate::app::local_date(ORG_TIME_ZONE, at), frequency);
        status.updated_at = status.updated_at.max(at);
        coaching_status::Entity::update_many()
            .col_expr(coaching_status::Column::LastContactAt, sea_orm::sea_query::Expr::value(at))
            .col_expr(coaching_status::Column::ContactDueOn, sea_orm::sea_query::Expr::value(due))
            .col_expr(coaching_status::Column::UpdatedAt, sea_orm::sea_query::Expr::value(status.updated_at))
            .filter(coaching_status::Column::OrgId.eq(org_id))
            .filter(coaching_status::Column::PersonId.eq(status.person_id))
            .exec(&**txn)
            .await?;
    }
    Ok(added.len())
}

struct GroupGen {
    rng: ChaCha8Rng,
    org_id: Uuid,
    now: OffsetDateTime,
    today: Date,
    rows: GroupRows,
    /// The latest group contact of each person in coaching.
    contact_at: HashMap<Uuid, OffsetDateTime>,
}

/// A curriculum's id, current version and its sessions' topics.
struct DemoCurriculum {
    id: Uuid,
    version: i32,
    topics: Vec<&'static str>,
}

impl GroupGen {
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.gen_range(0..items.len())]
    }

    /// A moment `minutes` after `at`, never later than now.
    fn after(&mut self, at: OffsetDateTime, minutes: std::ops::RangeInclusive<i64>) -> OffsetDateTime {
        (at + Duration::minutes(self.rng.gen_range(minutes))).min(self.now)
    }

    fn curricula(&mut self, crew: &GroupStaff) -> Vec<DemoCurriculum> {
        let written = self.now - Duration::days(400);
        let mut out = Vec::new();
        for (n, spec) in CURRICULA.iter().enumerate() {
            let id = uuid(&mut self.rng);
            let ids: Vec<Uuid> = spec.sessions.iter().map(|_| uuid(&mut self.rng)).collect();
            let slug: String = spec.title.to_lowercase().replace(' ', "-");
            let sessions_json = |count: usize| {
                let sessions: Vec<serde_json::Value> = spec.sessions[..count]
                    .iter()
                    .enumerate()
                    .map(|(i, (topic, objectives, activities, handout))| {
                        serde_json::json!({
                            "id": ids[i], "number": i + 1, "topic": topic, "objectives": objectives,
                            "activities": activities,
                            "materials": [{ "label": handout, "url": format!("https://example.org/materials/{slug}-{}.pdf", i + 1) }],
                        })
                    })
                    .collect();
                serde_json::Value::Array(sessions).to_string()
            };
            // The skills course gained its last session after members asked for it.
            let versions: Vec<(usize, Option<&str>)> = if n == 0 {
                vec![
                    (spec.sessions.len() - 1, None),
                    (spec.sessions.len(), Some("Added a closing session on planning ahead, as members asked.")),
                ]
            } else {
                vec![(spec.sessions.len(), None)]
            };
            for (k, (count, note)) in versions.iter().enumerate() {
                self.rows.versions.push(curriculum_version::Model {
                    id: uuid(&mut self.rng),
                    org_id: self.org_id,
                    curriculum_id: id,
                    number: k as i32 + 1,
                    title: spec.title.into(),
                    summary: Some(spec.summary.into()),
                    audience: Some(spec.audience.into()),
                    sessions: sessions_json(*count),
                    change_note: note.map(str::to_string),
                    created_by: crew.people[0],
                    created_at: written + Duration::days(30 * k as i64),
                });
            }
            let version = versions.len() as i32;
            let updated = written + Duration::days(30 * (version as i64 - 1));
            self.rows.curricula.push(curriculum::Model {
                id,
                org_id: self.org_id,
                title: spec.title.into(),
                status: CurriculumStatus::Active.code().into(),
                current_version: version,
                created_by: crew.people[0],
                updated_by: crew.people[0],
                version,
                created_at: written,
                updated_at: updated,
            });
            out.push(DemoCurriculum { id, version, topics: spec.sessions.iter().map(|s| s.0).collect() });
        }
        out
    }

    /// Facilitators' group-leadership skills (2.04): staff members' shown in practice and attested
    /// as demonstrated competencies, the peer volunteer's by attestation. The third facilitator is
    /// still waiting for the group dynamics and safety training.
    fn readiness(&mut self, crew: &GroupStaff) {
        let all: Vec<&str> = ReadinessArea::CODES.to_vec();
        let missing: Vec<&str> = all.iter().copied().filter(|a| *a != ReadinessArea::DynamicsSafety.code()).collect();
        let entries: [Attestation<'_>; 5] = [
            (Some(crew.people[0]), None, &all, None, crew.attested_by),
            (Some(crew.people[1]), None, &all, None, crew.attested_by),
            (
                Some(crew.people[2]),
                None,
                &missing,
                Some("Group dynamics and safety training booked for next month."),
                crew.attested_by,
            ),
            (Some(crew.people[3]), None, &all, None, crew.director),
            (None, Some(VOLUNTEER), &all, Some("Peer volunteer; completed the facilitator course."), crew.attested_by),
        ];
        for (staff_id, volunteer, areas, note, by) in entries {
            let at = self.now - Duration::days(self.rng.gen_range(380..420));
            let id = uuid(&mut self.rng);
            match staff_id {
                Some(staff_id) => self.rows.demonstrated.push(training_record::Model {
                    id,
                    org_id: self.org_id,
                    staff_id,
                    course_id: None,
                    title: "Group leadership observed".into(),
                    kind: TrainingKind::Demonstrated.code().into(),
                    phase: TrainingPhase::InService.code().into(),
                    topics: areas
                        .iter()
                        .map(|a| {
                            if *a == "engaging-members" {
                                "cse-2-04-engaging".to_string()
                            } else {
                                format!("cse-2-04-{a}")
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(";"),
                    completed_on: at.date(),
                    hours: None,
                    provider: None,
                    certificate_file_id: None,
                    demonstration: Some("Co-led two sessions observed by their supervisor".into()),
                    attested_by: Some(by),
                    note: note.map(str::to_string),
                    recorded_by: by,
                    version: 1,
                    created_at: at,
                    updated_at: at,
                }),
                None => self.rows.readiness.push(facilitator_readiness::Model {
                    id,
                    org_id: self.org_id,
                    staff_id: None,
                    volunteer_name: volunteer.map(str::to_string),
                    areas: areas.join(";"),
                    note: note.map(str::to_string),
                    attested_by: by,
                    attested_at: at,
                }),
            }
        }
    }

    /// Availability such as "TU-evening;SA-morning", usually including the group's own slot.
    fn availability(&mut self, own: &str) -> String {
        let parts = [DayPart::Morning, DayPart::Afternoon, DayPart::Evening];
        let mut slots = vec![own.to_string()];
        for _ in 0..self.rng.gen_range(0..=2) {
            let day = self.pick(&["MO", "TU", "WE", "TH", "FR", "SA", "SU"]);
            let part = self.pick(&parts);
            slots.push(format!("{day}-{}", part.code()));
        }
        if self.rng.gen_bool(0.1) {
            slots.remove(0);
        }
        slots.sort();
        slots.dedup();
        slots.join(";")
    }

    #[allow(clippy::too_many_arguments)]
    fn group(
        &mut self,
        spec: &GroupSpec,
        crew: &GroupStaff,
        program_id: Uuid,
        site_id: Option<Uuid>,
        curricula: &[DemoCurriculum],
        candidates: &[&Member],
        in_coaching: &HashSet<Uuid>,
        program_of: &HashMap<Uuid, Uuid>,
    ) {
        use crate::groups::{from_timestamp, rule_of, to_timestamp};
        let id = uuid(&mut self.rng);
        let lead = crew.people[spec.lead];
        let created = self.now - Duration::days(spec.days + 10);
        let curriculum = spec.curriculum.and_then(|c| curricula.get(c));
        let (room, online_link) = match spec.place {
            Place::Room(_, room) => (Some(room.to_string()), None),
            Place::Online => {
                (None, Some(format!("https://meet.example.org/harbour-light-{}", self.rng.gen_range(1000..9999))))
            }
        };
        self.rows.groups.push(support_group::Model {
            id,
            org_id: self.org_id,
            program_id,
            name: spec.name.into(),
            kind: spec.kind.code().into(),
            focus_areas: spec.focus.iter().map(|f| f.code()).collect::<Vec<_>>().join(";"),
            audience: spec.audience.iter().map(|a| a.code()).collect::<Vec<_>>().join(";"),
            description: Some(spec.description.into()),
            membership: spec.membership.code().into(),
            capacity: Some(spec.capacity),
            capacity_rule: spec.capacity_rule.code().into(),
            language: "en".into(),
            site_id,
            room: room.clone(),
            online_link,
            peer_led: spec.peer_led,
            listed_publicly: spec.listed,
            curriculum_id: curriculum.map(|c| c.id),
            curriculum_version: curriculum.map(|c| c.version),
            status: GroupStatus::Active.code().into(),
            feed_token: format!("{:032x}", self.rng.r#gen::<u128>()),
            created_by: crew.people[3],
            updated_by: lead,
            version: 1,
            created_at: created,
            updated_at: created,
        });
        let mut facilitators = vec![(Some(lead), None, FacilitatorRole::Lead)];
        if let Some(co) = spec.co {
            facilitators.push((Some(crew.people[co]), None, FacilitatorRole::CoFacilitator));
        }
        if spec.volunteer {
            facilitators.push((None, Some(VOLUNTEER), FacilitatorRole::CoFacilitator));
        }
        for (staff_id, volunteer, role) in facilitators {
            self.rows.facilitators.push(group_facilitator::Model {
                id: uuid(&mut self.rng),
                org_id: self.org_id,
                group_id: id,
                staff_id,
                volunteer_name: volunteer.map(str::to_string),
                role: role.code().into(),
                added_by: crew.people[3],
                added_at: created,
            });
        }
        let starts_on = self.today - Duration::days(spec.days);
        let schedule = group_schedule::Model {
            id: uuid(&mut self.rng),
            org_id: self.org_id,
            group_id: id,
            rrule: Some(spec.rrule.into()),
            starts_on,
            start_time: spec.start_time.into(),
            minutes: spec.minutes,
            ends_on: None,
            room: room.clone(),
            active: true,
            created_by: crew.people[3],
            updated_by: crew.people[3],
            version: 1,
            created_at: created,
            updated_at: created,
        };
        let occurrences = rule_of(&schedule).occurrences(
            ORG_TIME_ZONE,
            to_timestamp(starts_on.midnight().assume_utc() - Duration::days(1)),
            to_timestamp(self.now + Duration::days(60)),
        );
        self.rows.schedules.push(schedule.clone());

        // Members: closed groups fill most places; open groups have a core and drop-ins.
        let first_day = occurrences.first().map(|o| crate::app::local_date(ORG_TIME_ZONE, from_timestamp(o.starts_at)));
        let own_slot = {
            let hour: u32 = spec.start_time[..2].parse().unwrap_or(12);
            let part = match hour {
                0..12 => DayPart::Morning,
                12..17 => DayPart::Afternoon,
                _ => DayPart::Evening,
            };
            format!("{}-{}", first_day.map_or("MO", weekday_code), part.code())
        };
        let wanted = match spec.membership {
            Membership::Closed => (spec.capacity - self.rng.gen_range(1..=3)).max(4) as usize,
            Membership::Open => self.rng.gen_range(6..=10),
        };
        let chosen: Vec<&Member> =
            candidates.choose_multiple(&mut self.rng, wanted.min(candidates.len())).copied().collect();
        // (person, joined, left)
        let mut roster: Vec<(Uuid, Date, Option<Date>)> = Vec::new();
        for m in &chosen {
            let joined = if self.rng.gen_bool(0.7) {
                starts_on
            } else {
                starts_on + Duration::days(self.rng.gen_range(0..spec.days.max(1)))
            }
            .max(m.started_on + Duration::days(3));
            if joined > self.today {
                continue;
            }
            let left = (self.rng.gen_bool(0.1) && (self.today - joined).whole_days() > 60)
                .then(|| joined + Duration::days(self.rng.gen_range(30..(self.today - joined).whole_days())));
            let availability = self.availability(&own_slot);
            self.rows.members.push(group_member::Model {
                id: uuid(&mut self.rng),
                org_id: self.org_id,
                group_id: id,
                person_id: m.person_id,
                status: if left.is_some() { MemberStatus::Left } else { MemberStatus::Active }.code().into(),
                joined_on: joined,
                left_on: left,
                availability: Some(availability),
                added_by: lead,
                version: 1,
                created_at: joined.midnight().assume_utc() + Duration::hours(15),
                updated_at: left.unwrap_or(joined).midnight().assume_utc() + Duration::hours(15),
            });
            roster.push((m.person_id, joined, left));
        }
        let roster_ids: HashSet<Uuid> = roster.iter().map(|r| r.0).collect();
        let walk_ins: Vec<&Member> =
            candidates.iter().copied().filter(|m| !roster_ids.contains(&m.person_id)).collect();

        // Every past session, and the holidays ahead already cancelled.
        let past: Vec<usize> = occurrences
            .iter()
            .enumerate()
            .filter(|(_, o)| from_timestamp(o.ends_at) <= self.now)
            .map(|(i, _)| i)
            .collect();
        let latest = past.last().copied();
        let mut held = 0usize;
        let remote = spec.place.is_online();
        let (mode, setting, activity) = match (remote, spec.kind) {
            (true, _) => (ContactMode::Video, ContactSetting::Remote, CoachingActivity::RecoveryCommunity),
            (false, GroupKind::Education) => {
                (ContactMode::FaceToFace, ContactSetting::Community, CoachingActivity::Education)
            }
            (false, _) => (ContactMode::FaceToFace, ContactSetting::Community, CoachingActivity::RecoveryCommunity),
        };
        for (i, o) in occurrences.iter().enumerate() {
            let occurrence = from_timestamp(o.starts_at);
            let ends = from_timestamp(o.ends_at);
            let day = crate::app::local_date(ORG_TIME_ZONE, occurrence);
            let is_past = ends <= self.now;
            let base = group_session::Model {
                id: uuid(&mut self.rng),
                org_id: self.org_id,
                group_id: id,
                schedule_id: Some(schedule.id),
                occurrence_start: Some(occurrence),
                starts_at: occurrence,
                ends_at: ends,
                status: SessionStatus::Held.code().into(),
                cancel_reason: None,
                room: room.clone(),
                curriculum_session: None,
                topic: None,
                anonymous_count: 0,
                topics_covered: None,
                progress: None,
                adaptations: None,
                activities_offered: None,
                opportunities: None,
                safety_concerns: None,
                logged_by: None,
                logged_at: None,
                checkout_token: None,
                created_by: lead,
                updated_by: lead,
                version: 1,
                created_at: occurrence.min(self.now),
                updated_at: occurrence.min(self.now),
            };
            if !is_past {
                // Holidays in the next weeks are already called off; in-progress sessions wait.
                if occurrence > self.now && centre_closed(day) {
                    let at = self.now - Duration::days(self.rng.gen_range(1..10));
                    self.rows.sessions.push(group_session::Model {
                        status: SessionStatus::Cancelled.code().into(),
                        cancel_reason: Some(HOLIDAY_REASON.into()),
                        created_at: at,
                        updated_at: at,
                        ..base
                    });
                }
                continue;
            }
            let recent = Some(i) == latest;
            if centre_closed(day) {
                let at = occurrence - Duration::days(self.rng.gen_range(3..14));
                self.rows.sessions.push(group_session::Model {
                    status: SessionStatus::Cancelled.code().into(),
                    cancel_reason: Some(HOLIDAY_REASON.into()),
                    created_at: at,
                    updated_at: at,
                    ..base
                });
                continue;
            }
            let roll = if recent { 99 } else { self.rng.gen_range(0..100) };
            let mut session = match roll {
                0..2 => {
                    let at = occurrence - Duration::hours(self.rng.gen_range(3..48));
                    let reason = self.pick(CANCEL_REASONS);
                    self.rows.sessions.push(group_session::Model {
                        status: SessionStatus::Cancelled.code().into(),
                        cancel_reason: Some(reason.into()),
                        created_at: at,
                        updated_at: at,
                        ..base
                    });
                    continue;
                }
                // Left without a record on purpose: the evidence report flags these.
                2..5 => continue,
                5..7 if (self.now - occurrence).whole_days() > 3 => {
                    let shift = self.pick(&[Duration::days(1), Duration::days(-1), Duration::hours(2)]);
                    group_session::Model { starts_at: occurrence + shift, ends_at: ends + shift, ..base }
                }
                _ => base,
            };
            held += 1;
            let (number, topic) = match curriculum {
                Some(c) if !c.topics.is_empty() => {
                    let n = (held - 1) % c.topics.len();
                    (Some(n as i32 + 1), c.topics[n].to_string())
                }
                _ => (None, self.pick(GROUP_TOPICS).to_string()),
            };
            session.curriculum_session = number;
            session.topic = Some(topic.clone());
            if spec.membership == Membership::Open && self.rng.gen_bool(0.5) {
                session.anonymous_count = self.rng.gen_range(1..=4);
            }
            let finished = session.ends_at.min(self.now);
            let recorded_at = self.after(finished, 5..=90);
            session.created_at = recorded_at;
            session.updated_at = recorded_at;
            // Most sessions get a log; the most recent one may still be waiting for it.
            if self.rng.gen_bool(if recent { 0.5 } else { 0.9 }) {
                let mut opportunities: Vec<&str> =
                    SessionOpportunity::CODES.iter().copied().filter(|_| self.rng.gen_bool(0.5)).collect();
                if opportunities.is_empty() {
                    opportunities.push(SessionOpportunity::SharingExperience.code());
                }
                session.topics_covered = Some(format!("{topic}. Check-in round and closing round."));
                session.progress = Some(self.pick(LOG_PROGRESS).into());
                session.adaptations = self.rng.gen_bool(0.6).then(|| self.pick(LOG_ADAPTATIONS).into());
                session.activities_offered = self.rng.gen_bool(0.4).then(|| self.pick(LOG_ACTIVITIES).into());
                session.opportunities = Some(opportunities.join(";"));
                session.safety_concerns = self.rng.gen_bool(0.02).then(|| self.pick(LOG_SAFETY).into());
                session.logged_by = Some(lead);
                session.logged_at = Some(self.after(recorded_at, 0..=600));
                session.updated_at = session.logged_at.unwrap_or(recorded_at);
                session.version = 2;
            }

            // Attendance: members enrolled that day, and for open groups a few drop-ins.
            let mut present: Vec<Uuid> = Vec::new();
            for (person, joined, left) in &roster {
                if *joined > day || left.is_some_and(|l| l <= day) {
                    continue;
                }
                let status = match self.rng.gen_range(0..100) {
                    0..76 => AttendanceStatus::Present,
                    76..90 => AttendanceStatus::Absent,
                    _ => AttendanceStatus::Excused,
                };
                let how = Attend {
                    by: lead,
                    at: recorded_at,
                    shape: (mode, setting, activity),
                    group_name: spec.name,
                    in_coaching,
                    program_of,
                };
                self.attend(&session, *person, status, false, &how);
                if status == AttendanceStatus::Present {
                    present.push(*person);
                }
            }
            if spec.membership == Membership::Open && !walk_ins.is_empty() {
                let count = self.rng.gen_range(0..=2).min(walk_ins.len());
                let drop_ins: Vec<Uuid> = walk_ins.choose_multiple(&mut self.rng, count).map(|m| m.person_id).collect();
                for person in drop_ins {
                    let how = Attend {
                        by: lead,
                        at: recorded_at,
                        shape: (mode, setting, activity),
                        group_name: spec.name,
                        in_coaching,
                        program_of,
                    };
                    self.attend(&session, person, AttendanceStatus::Present, true, &how);
                    present.push(person);
                }
            }

            // Check-out answers for about half the sessions.
            if !present.is_empty() && self.rng.gen_bool(0.5) {
                let answers = self.rng.gen_range(1..=present.len().min(4));
                for person in present.choose_multiple(&mut self.rng, answers).copied().collect::<Vec<_>>() {
                    let by_member = self.rng.gen_bool(0.4);
                    let felt_safe = self.pick(&[3, 4, 4, 5, 5, 5]);
                    let useful = self.pick(&[2, 3, 4, 4, 5, 5]);
                    let comment = self.rng.gen_bool(0.3).then(|| self.pick(CHECKOUT_COMMENTS).to_string());
                    let at = self.after(finished, 0..=30);
                    self.rows.feedback.push(group_feedback::Model {
                        id: uuid(&mut self.rng),
                        org_id: self.org_id,
                        session_id: session.id,
                        group_id: id,
                        person_id: (!by_member).then_some(person),
                        source: if by_member { FeedbackSource::Member } else { FeedbackSource::Facilitator }
                            .code()
                            .into(),
                        felt_safe: Some(felt_safe),
                        useful: Some(useful),
                        comment,
                        recorded_by: (!by_member).then_some(lead),
                        created_at: at,
                    });
                }
            }
            self.rows.sessions.push(session);
        }
    }

    /// One attendance mark; present people in coaching get the signed contact it counts as.
    fn attend(
        &mut self,
        session: &group_session::Model,
        person_id: Uuid,
        status: AttendanceStatus,
        drop_in: bool,
        how: &Attend<'_>,
    ) {
        let Attend { by, at, shape: (mode, setting, activity), group_name, in_coaching, program_of } = *how;
        let present = status == AttendanceStatus::Present;
        let leadership = (present && self.rng.gen_bool(0.08)).then(|| self.pick(LeadershipRole::CODES).to_string());
        let mut contact_id = None;
        if present && in_coaching.contains(&person_id) {
            let id = uuid(&mut self.rng);
            contact_id = Some(id);
            let minutes = (session.ends_at - session.starts_at).whole_minutes().clamp(1, 24 * 60) as i32;
            self.rows.contacts.push(coaching_contact::Model {
                id,
                org_id: self.org_id,
                person_id,
                program_id: program_of.get(&person_id).copied(),
                worker_id: by,
                occurred_at: session.starts_at,
                minutes,
                mode: mode.code().into(),
                setting: setting.code().into(),
                present: None,
                activities: activity.code().into(),
                goals: String::new(),
                note: format!("Took part in the group session ({group_name})."),
                status: NoteStatus::Signed.code().into(),
                signed_at: Some(at),
                signed_by: Some(by),
                warnings: None,
                lapse_id: None,
                group_session_id: Some(session.id),
                version: 1,
                created_at: at,
                updated_at: at,
            });
            let last = self.contact_at.entry(person_id).or_insert(session.starts_at);
            *last = (*last).max(session.starts_at);
        }
        self.rows.attendance.push(group_attendance::Model {
            org_id: self.org_id,
            session_id: session.id,
            person_id,
            group_id: session.group_id,
            status: status.code().into(),
            drop_in,
            leadership,
            contact_id,
            recorded_by: by,
            recorded_at: at,
            version: 1,
        });
    }
}

/// Who recorded attendance, when, and what the contact it counts as looks like.
/// Who attested readiness: staff member or volunteer, the areas, a note, and by whom.
type Attestation<'a> = (Option<Uuid>, Option<&'a str>, &'a [&'a str], Option<&'a str>, Uuid);

#[derive(Clone, Copy)]
struct Attend<'a> {
    by: Uuid,
    at: OffsetDateTime,
    shape: (ContactMode, ContactSetting, CoachingActivity),
    group_name: &'a str,
    in_coaching: &'a HashSet<Uuid>,
    program_of: &'a HashMap<Uuid, Uuid>,
}

impl Place {
    fn is_online(self) -> bool {
        matches!(self, Place::Online)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screener_answers_give_the_level_they_were_built_for_and_follow_skip_logic() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for level in RiskLevel::ALL {
            for _ in 0..200 {
                let a = answers_for(&mut rng, *level);
                assert_eq!(risk::suicide_level(&a), *level, "{a:?}");
                assert_eq!((a.q3.is_some(), a.q4.is_some(), a.q5.is_some()), (a.q2, a.q2, a.q2), "{a:?}");
                assert_eq!(a.q6_recent.is_some(), a.q6, "{a:?}");
            }
        }
    }

    #[test]
    fn code_lists_are_known_and_stored_in_canonical_order() {
        assert_eq!(canonical(&["suicide-risk", "trauma"], SafetyFlag::CODES), "trauma;suicide-risk");
        assert_eq!(canonical(&[], CrisisCall::CODES), "");
        let scenarios = PERSON_CRISES.iter().chain(ANONYMOUS_CRISES.iter().map(|(_, s)| s));
        for (_, _, calls, _, _) in scenarios {
            assert_eq!(canonical(calls, CrisisCall::CODES).split(';').filter(|c| !c.is_empty()).count(), calls.len());
        }
        for (source, _) in SOURCES {
            assert!(RequestSource::parse(source).is_some(), "{source}");
        }
    }

    #[test]
    fn only_the_warned_note_phrases_trip_the_guardrails() {
        let openers: Vec<&str> = FACE_TO_FACE_OPENERS
            .iter()
            .flat_map(|(_, o)| o.iter().copied())
            .chain(PHONE_OPENERS.iter().copied())
            .chain(VIDEO_OPENERS.iter().copied())
            .chain(TEXT_OPENERS.iter().copied())
            .collect();
        for opener in &openers {
            for body in NOTE_BODIES.iter().chain(REENGAGEMENT_BODIES) {
                for ending in NOTE_ENDINGS {
                    let note = format!("{opener} {body} {ending}");
                    let found = crate::domain::guardrails::check(&note);
                    assert!(found.is_empty(), "{note}: {found:?}");
                }
            }
        }
        for body in NOTE_BODIES_WARNED {
            let note = format!("{} {body}", openers[0]);
            assert!(!crate::domain::guardrails::check(&note).is_empty(), "{note}");
        }
    }

    #[test]
    fn plan_phrases_are_valid_plans_and_shapes_reverse_due_dates() {
        for (domain, words, steps) in GOALS {
            assert!(!words.is_empty() && !steps.is_empty(), "{domain:?}");
        }
        let mut g = Coaching {
            rng: ChaCha8Rng::seed_from_u64(5),
            org_id: Uuid::nil(),
            programs: &[Uuid::nil(), Uuid::nil()],
            now: OffsetDateTime::UNIX_EPOCH,
            today: time::macros::date!(2026 - 03 - 31),
            history_days: 365,
            max_contacts: 60,
            warnings: HashMap::new(),
            rows: CoachingRows::default(),
            needs: HashMap::new(),
        };
        let member = Member {
            person_id: Uuid::nil(),
            enrolment_id: Uuid::nil(),
            program: 0,
            worker: Uuid::nil(),
            started_on: g.today,
            request_id: None,
            given_name: "Ana".into(),
            family_name: "Lee".into(),
            phone: None,
            email: None,
            date_of_birth: None,
            language: None,
        };
        let mut plan = g.new_plan(&member, g.today);
        for _ in 0..6 {
            plan = g.review(&plan, g.today);
            assert!((2..=4).contains(&plan.goals.len()), "{}", plan.goals.len());
            assert!(plan.clone().validate().is_ok());
        }
        for due in [time::macros::date!(2026 - 03 - 31), time::macros::date!(2026 - 03 - 15)] {
            for f in ContactFrequency::ALL {
                let last = last_contact_for(due, *f);
                let back = coaching_rules::next_contact_due(last, *f);
                assert!((back - due).whole_days().abs() <= 3, "{f:?} {due} {last} {back}");
            }
        }
    }

    #[tokio::test]
    async fn coaching_records_agree_and_the_demo_coach_has_a_full_worklist() {
        use crate::db::entities::staff as staff_entity;
        use sea_orm::{ConnectionTrait, QueryOrder};
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("demo.db").display());
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let now = OffsetDateTime::from_unix_timestamp(1_795_000_000).expect("time");
        let summary = generate(&db, 300, 1, now).await.expect("demo");
        let conn = db.conn();
        let today = crate::app::local_date(ORG_TIME_ZONE, now);

        let statuses = coaching_status::Entity::find().all(conn).await.expect("statuses");
        let contacts = coaching_contact::Entity::find()
            .order_by_asc(coaching_contact::Column::OccurredAt)
            .all(conn)
            .await
            .expect("contacts");
        let plans = recovery_plan::Entity::find().all(conn).await.expect("plans");
        let versions = recovery_plan_version::Entity::find().all(conn).await.expect("versions");
        let saves = recovery_plan_save::Entity::find().all(conn).await.expect("saves");
        let lapses = lapse::Entity::find().all(conn).await.expect("lapses");
        assert!(statuses.len() > 250, "{}", statuses.len());
        let mut last: HashMap<Uuid, OffsetDateTime> = HashMap::new();
        for c in &contacts {
            assert!(c.occurred_at <= now && c.created_at <= now && c.updated_at <= now);
            assert!(c.minutes > 0 && c.minutes <= coaching_rules::MAX_CONTACT_MINUTES);
            assert!(!c.activities.is_empty());
            assert_eq!(c.status == "signed", c.signed_at.is_some());
            let warnings = crate::domain::guardrails::check(&c.note);
            assert_eq!(c.warnings.is_some(), !warnings.is_empty(), "{}", c.note);
            last.insert(c.person_id, c.occurred_at);
        }
        for s in &statuses {
            assert_eq!(s.last_contact_at, last.get(&s.person_id).copied());
            let frequency = ContactFrequency::parse(&s.frequency).expect("frequency");
            let due = s
                .last_contact_at
                .map(|at| coaching_rules::next_contact_due(crate::app::local_date(ORG_TIME_ZONE, at), frequency));
            assert_eq!(s.contact_due_on, due);
            if s.monitoring_raised {
                assert_eq!(frequency, ContactFrequency::Weekly);
            }
        }
        for p in &plans {
            let mine: Vec<_> = versions.iter().filter(|v| v.plan_id == p.id).collect();
            let numbers: Vec<i32> = {
                let mut n: Vec<i32> = mine.iter().map(|v| v.number).collect();
                n.sort();
                n
            };
            assert_eq!(numbers, (1..=mine.len() as i32).collect::<Vec<_>>());
            let mut save_versions: Vec<i32> = saves.iter().filter(|s| s.plan_id == p.id).map(|s| s.version).collect();
            save_versions.sort();
            assert_eq!(save_versions, (1..=p.version).collect::<Vec<_>>());
            let content: PlanContent = serde_json::from_str(&p.content).expect("plan content");
            assert!(content.validate().is_ok());
            let newest = mine.iter().max_by_key(|v| v.number);
            assert_eq!(p.last_agreed_on, newest.map(|v| v.agreed_on));
            match p.status.as_str() {
                "agreed" => assert_eq!(p.number as usize, mine.len()),
                "in-review" => assert_eq!(p.number as usize, mine.len() + 1),
                _ => assert!(mine.is_empty()),
            }
            let status = statuses.iter().find(|s| s.person_id == p.person_id).expect("status");
            assert_eq!(status.plan_id, Some(p.id));
            assert_eq!(status.plan_review_due_on, p.review_due_on);
            // Contacts only touch goals of the person's plans.
            let goal_ids: HashSet<String> = mine
                .iter()
                .map(|v| v.content.as_str())
                .chain([p.content.as_str()])
                .flat_map(|c| serde_json::from_str::<PlanContent>(c).expect("content").goals)
                .map(|g| g.id.to_string())
                .collect();
            for c in contacts.iter().filter(|c| c.person_id == p.person_id) {
                for goal in c.goals.split(';').filter(|g| !g.is_empty()) {
                    assert!(goal_ids.contains(goal), "{goal}");
                }
            }
        }
        for l in &lapses {
            match l.reengaged_contact_id {
                Some(id) => {
                    let c = contacts.iter().find(|c| c.id == id).expect("re-engagement contact");
                    assert_eq!(c.lapse_id, Some(l.id));
                    let day = crate::app::local_date(ORG_TIME_ZONE, c.occurred_at);
                    assert_eq!(l.days_to_reengage, Some((day - l.lapse_on).whole_days() as i32));
                }
                None => {
                    let s = statuses.iter().find(|s| s.person_id == l.person_id).expect("status");
                    assert_eq!(s.open_lapse_id, Some(l.id));
                    assert_eq!(s.open_lapse_on, Some(l.lapse_on));
                }
            }
        }

        // The named coach's worklist has something in every section.
        let coach = staff_entity::Entity::find()
            .filter(staff_entity::Column::Email.eq("coach@demo.example"))
            .one(conn)
            .await
            .expect("query")
            .expect("coach");
        let actor = crate::access::Actor {
            staff_id: coach.id,
            org_id: summary.org_id,
            display_name: coach.display_name.clone(),
            email: coach.email.clone(),
            roles: vec![Role::Coach],
            supervisee_ids: Vec::new(),
            program_ids: Vec::new(),
            ip: None,
        };
        let state = crate::app::AppState::new(
            db.clone(),
            crate::config::Config::for_database(&url),
            crate::domain::Clock::fixed(now),
        );
        let w = crate::coaching::worklist(&state, &actor, ORG_TIME_ZONE).await.expect("worklist");
        assert!(w.overdue.len() >= 3, "overdue {}", w.overdue.len());
        assert!(!w.due_soon.is_empty(), "due soon");
        assert!(!w.no_contact_30.is_empty(), "no contact in 30 days");
        assert!(w.plans_due.iter().any(|i| i.plan_overdue()), "a plan past review");
        assert!(w.plans_due.iter().any(|i| i.plan_status == Some(PlanStatus::InReview)), "a plan in review");
        assert_eq!(w.open_lapses.len(), 1, "one open lapse");
        assert!(!w.drafts.is_empty(), "a draft note");
        assert!(w.open_lapses[0].open_lapse_on.is_some_and(|d| d < today));
        conn.execute_unprepared("SELECT 1").await.expect("still usable");
        db.close().await;
    }

    #[tokio::test]
    async fn a_year_of_groups_with_held_cancelled_moved_and_unrecorded_sessions() {
        use crate::groups::evidence::{self, ScheduleFilter, Scope};
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("demo.db").display());
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let now = OffsetDateTime::from_unix_timestamp(1_795_000_000).expect("time");
        let summary = generate(&db, 300, 1, now).await.expect("demo");
        let conn = db.conn();
        let groups = support_group::Entity::find().all(conn).await.expect("groups");
        assert_eq!(groups.len(), 6);
        assert_eq!(curriculum::Entity::find().all(conn).await.expect("curricula").len(), 3);
        assert!(groups.iter().any(|g| g.online_link.is_some() && g.site_id.is_none()), "one online group");
        for g in &groups {
            for code in g.focus_areas.split(';') {
                let area = FocusArea::parse(code).expect("focus code");
                assert!(crate::domain::groups::focus_areas(crate::domain::codes::Edition::Cse2024).contains(&area));
            }
        }
        let shown = training_record::Entity::find()
            .filter(training_record::Column::Kind.eq(TrainingKind::Demonstrated.code()))
            .all(conn)
            .await
            .expect("demonstrated skills");
        let short: Vec<_> = shown
            .iter()
            .filter(|r| r.topics.starts_with("cse-2-04") && r.topics.split(';').count() < ReadinessArea::ALL.len())
            .collect();
        assert_eq!(short.len(), 1, "one facilitator still misses a skill");

        let today = crate::app::local_date(ORG_TIME_ZONE, now);
        let report =
            evidence::build(conn, summary.org_id, ORG_TIME_ZONE, &Scope::All, &ScheduleFilter::year_to(today), now)
                .await
                .expect("report");
        let t = &report.totals;
        assert!(t.held > 150 && t.cancelled > 5 && t.moved > 0 && t.unrecorded > 0, "{t:?}");
        assert!(t.unrecorded * 10 < t.held && t.cancelled * 5 < t.held, "{t:?}");
        assert!(t.logs_percent.is_some_and(|p| p > 80), "{t:?}");
        assert!(report.sessions.iter().any(|s| s.drop_ins > 0) && report.sessions.iter().any(|s| s.anonymous > 0));
        assert!(report.groups.iter().all(|g| !g.facilitators.is_empty()));

        // Attendance by people in coaching is a signed contact for the session.
        let attendance = group_attendance::Entity::find().all(conn).await.expect("attendance");
        let contacts = coaching_contact::Entity::find()
            .filter(coaching_contact::Column::GroupSessionId.is_not_null())
            .all(conn)
            .await
            .expect("contacts");
        assert!(!contacts.is_empty());
        for c in &contacts {
            let a = attendance.iter().find(|a| a.contact_id == Some(c.id)).expect("attendance for the contact");
            assert_eq!(
                (a.person_id, a.status.as_str(), Some(a.session_id)),
                (c.person_id, "present", c.group_session_id)
            );
            assert_eq!(c.status, "signed");
        }
        let feedback = group_feedback::Entity::find().all(conn).await.expect("feedback");
        assert!(feedback.iter().all(|f| f.felt_safe.is_some_and(|v| (1..=5).contains(&v))));
        db.close().await;
    }

    /// A demo of `people` in a new SQLite database.
    async fn demo_db(people: usize, seed: u64) -> (tempfile::TempDir, Db, DemoSummary, OffsetDateTime) {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("demo.db").display());
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let now = OffsetDateTime::from_unix_timestamp(1_795_000_000).expect("time");
        let summary = generate(&db, people, seed, now).await.expect("demo");
        (dir, db, summary, now)
    }

    #[tokio::test]
    async fn referrals_share_only_under_a_covering_consent_and_follow_their_history() {
        use crate::db::entities::{
            consent, directory_verification, disclosure, info_contact, referral, referral_event,
        };
        use crate::domain::consent::{ConsentPurpose, DisclosureRequest, InfoCategory};
        use crate::domain::referral::{CrisisFlag, ReferralStatus};
        use sea_orm::QueryOrder;
        let (_dir, db, summary, now) = demo_db(300, 1).await;
        let conn = db.conn();
        let today = crate::app::local_date(ORG_TIME_ZONE, now);
        let org = summary.org_id;

        // The directory: its size, indexed for search, partly stale, partly incomplete.
        let services =
            crate::directory::rows::load_all(conn, org, crate::directory::hsds_tables::table("service").unwrap())
                .await
                .expect("services");
        assert_eq!(services.len(), directory_size(300));
        let ids: Vec<String> = services.iter().filter_map(|s| s["id"].as_str().map(str::to_string)).collect();
        let resources = crate::directory::resources::load_many(conn, org, &ids).await.expect("resources");
        let stale =
            resources.iter().filter(|r| crate::directory::resources::is_stale(r.assured_date(), 12, today)).count();
        assert!(stale * 10 > services.len() && stale * 2 < services.len(), "{stale} stale");
        assert!(resources.iter().any(|r| !r.missing_facts().is_empty()), "some records incomplete");
        let query = crate::directory::search::SearchQuery {
            text: "food".into(),
            language: Some("Spanish".into()),
            near: Some(crate::directory::search::Near {
                latitude: crate::directory::synthetic::CENTRE.0,
                longitude: crate::directory::synthetic::CENTRE.1,
                within_km: None,
            }),
            ..Default::default()
        };
        let (found, _) = crate::directory::search::search(conn, org, &query, 10, 0).await.expect("search");
        assert!(found > 0, "food in Spanish near the centre");
        let specialist = staff::Entity::find()
            .filter(staff::Column::Email.eq("referral@demo.example"))
            .one(conn)
            .await
            .expect("query")
            .expect("specialist");
        let verifications = directory_verification::Entity::find().all(conn).await.expect("verifications");
        assert!(!verifications.is_empty());
        for v in &verifications {
            assert_eq!(v.verified_by, specialist.id);
            let r = resources.iter().find(|r| r.id() == v.service_id).expect("verified service");
            assert_eq!(r.assured_date(), Some(v.verified_on), "the last verification is the assured date");
        }

        // Referrals: consent, disclosure, history and outcome agree.
        let referrals = referral::Entity::find().all(conn).await.expect("referrals");
        let events =
            referral_event::Entity::find().order_by_asc(referral_event::Column::At).all(conn).await.expect("events");
        let consents = consent::Entity::find().all(conn).await.expect("consents");
        let disclosures = disclosure::Entity::find().all(conn).await.expect("disclosures");
        assert!(referrals.len() > 60, "{} referrals", referrals.len());
        let mut seen = HashSet::new();
        for r in &referrals {
            let status = ReferralStatus::parse(&r.status).expect("status");
            seen.insert(status);
            let shared: Vec<InfoCategory> = crate::domain::codes::split_codes(&r.shared_categories);
            let mine: Vec<&disclosure::Model> = disclosures.iter().filter(|d| d.referral_id == Some(r.id)).collect();
            if shared.is_empty() || status == ReferralStatus::Draft {
                assert_eq!((r.consent_id, mine.len()), (None, 0), "nothing shared, nothing disclosed");
            } else {
                let c = consents.iter().find(|c| Some(c.id) == r.consent_id).expect("the consent");
                assert_eq!(c.person_id, r.person_id);
                let request = DisclosureRequest {
                    recipient_organization_id: r.resource_organization_id.as_deref(),
                    recipient_name: &r.resource_name,
                    categories: &shared,
                    purpose: ConsentPurpose::Referral,
                    on: r.referred_on.expect("sent"),
                };
                assert!(directory::consent_covers(c, &request), "{r:?} under {c:?}");
                assert_eq!(mine.len(), 1, "one disclosure");
                assert_eq!((mine[0].consent_id, &mine[0].categories), (c.id, &r.shared_categories));
                assert_eq!(mine[0].recipient_organization_id, r.resource_organization_id);
                assert_eq!(
                    mine[0].recipient_name, c.recipient_name,
                    "the consent and the accounting name the organisation"
                );
                assert_eq!(Some(crate::app::local_date(ORG_TIME_ZONE, mine[0].disclosed_at)), r.referred_on);
            }
            assert_eq!(r.referred_on.is_none(), status == ReferralStatus::Draft);
            assert!(r.need_identified_on <= r.referred_on.unwrap_or(today) && r.referred_on.unwrap_or(today) <= today);
            assert_eq!(status.is_closed(), r.closed_on.is_some(), "{r:?}");
            assert_eq!(status.is_closed(), r.follow_up_on.is_none(), "{r:?}");
            match status {
                ReferralStatus::Completed => assert!(r.connected == Some(true) && r.need_met.is_some(), "{r:?}"),
                ReferralStatus::UnableToConnect => assert_eq!(r.connected, Some(false)),
                ReferralStatus::InProgress => assert!(r.connected == Some(true) && r.connected_on.is_some()),
                _ => {}
            }
            let history: Vec<&referral_event::Model> = events.iter().filter(|e| e.referral_id == r.id).collect();
            assert_eq!(history.len(), r.version as usize);
            assert!(matches!(history[0].status.as_str(), "sent" | "draft"));
            let last = history.last().expect("history");
            assert_eq!((last.status.as_str(), last.follow_up_on), (r.status.as_str(), r.follow_up_on));
            assert!(history.iter().all(|e| e.at <= now && e.by_staff == r.made_by));
            for pair in history.windows(2) {
                let (from, to) = (ReferralStatus::parse(&pair[0].status), ReferralStatus::parse(&pair[1].status));
                let (Some(from), Some(to)) = (from, to) else { panic!("codes") };
                assert!(crate::referrals::may_move(from, to), "{from:?} to {to:?}");
            }
            assert!(matches!(r.language.as_deref(), Some("en" | "es" | "fr")));
        }
        for status in [
            ReferralStatus::Sent,
            ReferralStatus::InProgress,
            ReferralStatus::Completed,
            ReferralStatus::UnableToConnect,
            ReferralStatus::Cancelled,
        ] {
            assert!(seen.contains(&status), "some {status:?}");
        }
        let connected = referrals.iter().filter(|r| r.connected == Some(true)).count();
        assert!(connected * 2 > referrals.len(), "most connected");

        // The person's language is honoured where the directory allows.
        let people = person::Entity::find().all(conn).await.expect("people");
        let language_rows =
            crate::directory::rows::load_all(conn, org, crate::directory::hsds_tables::table("language").unwrap())
                .await
                .expect("languages");
        let spanish_services: HashSet<&str> =
            language_rows.iter().filter(|l| l["code"] == "es").filter_map(|l| l["service_id"].as_str()).collect();
        let spanish_people: HashSet<Uuid> =
            people.iter().filter(|p| p.preferred_language.as_deref() == Some("Spanish")).map(|p| p.id).collect();
        let for_spanish: Vec<&referral::Model> =
            referrals.iter().filter(|r| spanish_people.contains(&r.person_id)).collect();
        let in_spanish = for_spanish.iter().filter(|r| spanish_services.contains(r.service_id.as_str())).count();
        assert!(
            !for_spanish.is_empty() && in_spanish * 3 > for_spanish.len() * 2,
            "{in_spanish} of {}",
            for_spanish.len()
        );
        assert!(for_spanish.iter().all(|r| r.language.as_deref() == Some("es")), "printouts in Spanish");

        // Consents in force, expired and revoked; disclosures only under them.
        assert!(consents.iter().any(|c| c.expires_on.is_some_and(|e| e < today)), "an expired consent");
        assert!(consents.iter().any(|c| c.revoked_on.is_some() && c.revoked_by.is_some()), "a revoked consent");
        assert!(consents.iter().any(|c| c.expires_on.is_some_and(|e| e >= today) && c.revoked_on.is_none()));
        assert!(consents.iter().any(|c| c.expiry_event.is_some() && c.expires_on.is_none()), "an end event");
        assert!(consents.iter().any(|c| c.recipient_organization_id.is_none()), "a recipient outside the directory");
        for d in &disclosures {
            let c = consents.iter().find(|c| c.id == d.consent_id).expect("consent");
            assert_eq!(c.person_id, d.person_id);
            assert!(c.revoked_on.is_none_or(|r| r > crate::app::local_date(ORG_TIME_ZONE, d.disclosed_at)));
        }
        for c in &consents {
            assert!(c.revocation_explained && !c.signer_name.is_empty() && c.signed_on <= today);
            assert_eq!(c.signer == "person", c.signer_authority.is_none(), "{c:?}");
        }

        // The coach's worklist has referrals to follow up, and a Spanish speaker to refer; the
        // referral specialist has follow-ups too.
        let coach = staff::Entity::find()
            .filter(staff::Column::Email.eq("coach@demo.example"))
            .one(conn)
            .await
            .expect("query")
            .expect("coach");
        let open_for = |who: Uuid| referrals.iter().filter(move |r| r.assigned_to == who && r.follow_up_on.is_some());
        assert!(open_for(coach.id).any(|r| r.follow_up_on < Some(today)), "overdue for the coach");
        assert!(open_for(coach.id).any(|r| r.follow_up_on == Some(today)), "due today for the coach");
        assert!(open_for(specialist.id).any(|r| r.follow_up_on < Some(today)), "overdue for the specialist");
        let caseload: HashSet<Uuid> = enrolment::Entity::find()
            .filter(enrolment::Column::WorkerId.eq(coach.id))
            .all(conn)
            .await
            .expect("enrolments")
            .iter()
            .map(|e| e.person_id)
            .collect();
        assert!(caseload.iter().any(|p| spanish_people.contains(p)), "a Spanish speaker on the coach's caseload");

        // Information-only contacts: a few a week, some with crisis signs and what was done.
        let contacts = info_contact::Entity::find().all(conn).await.expect("info contacts");
        assert!((100..=400).contains(&contacts.len()), "{}", contacts.len());
        let ids: HashSet<&str> = ids.iter().map(String::as_str).collect();
        for c in &contacts {
            assert!(!c.needs.is_empty() && c.at <= now);
            assert!(c.service_ids.split(';').filter(|s| !s.is_empty()).all(|s| ids.contains(s)));
            let flags: Vec<CrisisFlag> = crate::domain::codes::split_codes(&c.crisis_flags);
            assert_eq!(flags.is_empty(), c.crisis_action.is_none());
        }
        assert!(contacts.iter().any(|c| !c.crisis_flags.is_empty()), "a crisis on the line");
        db.close().await;
    }

    #[tokio::test]
    async fn the_same_seed_gives_the_same_referrals_and_the_directory_tops_up() {
        use crate::db::entities::{consent, directory_term, referral};
        use sea_orm::{PaginatorTrait, QueryOrder, QuerySelect};
        let (_a, first, summary, now) = demo_db(40, 1).await;
        let (_b, second, _, _) = demo_db(40, 1).await;
        let rows = |db: Db| async move {
            let referrals =
                referral::Entity::find().order_by_asc(referral::Column::Id).all(db.conn()).await.expect("r");
            let consents = consent::Entity::find().order_by_asc(consent::Column::Id).all(db.conn()).await.expect("c");
            (referrals, consents)
        };
        let (a, b) = (rows(first.clone()).await, rows(second.clone()).await);
        assert!(!a.0.is_empty() && !a.1.is_empty());
        assert_eq!(a, b, "same seed, same referrals and consents");
        second.close().await;

        let table = crate::directory::hsds_tables::table("service").unwrap();
        let before = crate::directory::rows::load_all(first.conn(), summary.org_id, table).await.expect("services");
        assert_eq!(top_up_directory(&first, summary.org_id, 250, 1, now).await.expect("top up"), 250);
        let after = crate::directory::rows::load_all(first.conn(), summary.org_id, table).await.expect("services");
        assert_eq!(after.len(), 250);
        for row in &before {
            assert!(after.contains(row), "the demo's own services stay as they were");
        }
        let indexed = directory_term::Entity::find()
            .select_only()
            .column(directory_term::Column::ServiceId)
            .distinct()
            .filter(directory_term::Column::Weight.gt(0))
            .filter(directory_term::Column::ServiceId.ne(""))
            .count(first.conn())
            .await
            .expect("index");
        assert_eq!(indexed, 250, "every service is indexed");
        assert_eq!(top_up_directory(&first, summary.org_id, 100, 1, now).await.expect("again"), 250, "never shrinks");
        first.close().await;
    }

    #[test]
    fn targets_are_in_the_order_the_settings_form_requires() {
        for (emergency, urgent, routine) in TARGETS {
            assert!(emergency <= urgent && urgent <= routine && routine <= 90);
        }
    }

    #[tokio::test]
    async fn staff_have_training_histories_with_a_few_gaps_and_expiring_certifications() {
        use crate::domain::personnel::{Check, Need, Requirement, Standing, evaluate};
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("demo.db").display());
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let now = OffsetDateTime::from_unix_timestamp(1_795_000_000).expect("time");
        let summary = generate(&db, 600, 1, now).await.expect("demo");
        let conn = db.conn();
        let courses = crate::db::entities::training_course::Entity::find().all(conn).await.expect("courses");
        for requirement in Requirement::ALL {
            assert!(courses.iter().any(|c| c.topics.split(';').any(|t| t == requirement.code())), "{requirement:?}");
        }
        let everyone = staff::Entity::find().all(conn).await.expect("staff");
        let facts = crate::personnel::facts(conn, summary.org_id, &everyone).await.expect("facts");
        let today = crate::app::local_date(ORG_TIME_ZONE, now);
        let intervals = crate::domain::personnel::Intervals::default();
        let competency: HashMap<Uuid, _> = facts.iter().map(|(id, f)| (*id, evaluate(f, &intervals, today))).collect();
        let coach = everyone.iter().find(|s| s.email == "coach@demo.example").expect("coach");
        let certification = competency[&coach.id].standing(Need::Check(Check::PeerCertification));
        assert!(matches!(certification, Some(Standing::Expiring { .. })), "{certification:?}");
        assert_eq!(competency[&coach.id].gap_count(), 0, "the named coach is fully trained");
        let with_gaps = competency.values().filter(|c| c.gap_count() > 0).count();
        let detail: Vec<String> = everyone
            .iter()
            .filter(|s| competency.get(&s.id).is_some_and(|c| c.gap_count() > 0))
            .map(|s| format!("{} {:?}", s.email, competency[&s.id].gaps().map(|g| g.need.code()).collect::<Vec<_>>()))
            .collect();
        let peers =
            facts.values().filter(|f| f.positions.contains(&crate::domain::personnel::Position::PeerSpecialist));
        assert!(with_gaps >= 3 && with_gaps * 2 < peers.count(), "a few gaps, not many: {detail:#?}");
        let lapsed = competency
            .values()
            .filter(|c| matches!(c.standing(Need::Check(Check::PeerCertification)), Some(Standing::Expired { .. })))
            .count();
        assert!(lapsed >= 1, "a lapsed certification to renew");
        let facilitator = everyone.iter().find(|s| s.email == "facilitator@demo.example").expect("facilitator");
        assert!(
            competency[&facilitator.id]
                .standing(Need::Topic(Requirement::GroupDynamicsSafety))
                .is_some_and(|s| !s.is_gap())
        );
    }
}
