//! A reproducible synthetic organisation: the same seed always gives the same people. Only
//! invented data: names are recombined from common given and family names, phone numbers use the
//! reserved 555-01xx range and e-mail addresses the reserved example.org domain.

use crate::db::entities::{
    enrolment, household_member, organisation, person, person_search_term, program, site, staff, staff_program,
};
use crate::db::{self, Db};
use crate::domain::codes::{Role, SettingType};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

pub const DEMO_PASSWORD: &str = "mainstay-demo";

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

fn weighted<'a>(rng: &mut ChaCha8Rng, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.gen_range(0..total);
    for (item, weight) in items {
        if pick < *weight {
            return item;
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
        return Ok(DemoSummary { org_id: existing.org_id, people: 0, staff: 0, created: false });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let org_id = uuid(&mut rng);
    let password_hash = crate::auth::hash_password(DEMO_PASSWORD.to_string()).await?;
    let txn = db.begin_write().await?;
    insert_org(&txn, org_id, now).await?;
    let programs = insert_programs(&txn, &mut rng, org_id, now).await?;
    insert_sites(&txn, &mut rng, org_id, now).await?;
    let workers = insert_staff(&txn, &mut rng, org_id, &programs, &password_hash, people, now).await?;
    let today = now.date();
    insert_people(&txn, &mut rng, org_id, &programs, &workers, people, today, now).await?;
    let entry =
        crate::audit::Entry::new(org_id, "demo.generate").detail(serde_json::json!({ "people": people, "seed": seed }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    db.after_bulk_load().await?;
    Ok(DemoSummary { org_id, people, staff: workers.len() + 4, created: true })
}

async fn insert_org(txn: &db::WriteTxn, org_id: Uuid, now: OffsetDateTime) -> anyhow::Result<()> {
    organisation::Entity::insert(organisation::ActiveModel {
        id: Set(org_id),
        name: Set("Harbour Light Recovery Community".into()),
        country: Set("US".into()),
        time_zone: Set("America/New_York".into()),
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
) -> anyhow::Result<()> {
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
    site::Entity::insert_many(rows).exec_without_returning(&**txn).await?;
    Ok(())
}

struct StaffSpec {
    id: Uuid,
    email: String,
    name: String,
    roles: Vec<Role>,
    supervisor: Option<Uuid>,
    programs: Vec<Uuid>,
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
) -> anyhow::Result<Vec<Uuid>> {
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
        })
        .collect();
    for chunk in rows.chunks(500) {
        staff::Entity::insert_many(chunk.to_vec()).exec_without_returning(&**txn).await?;
    }
    for chunk in memberships.chunks(2000) {
        staff_program::Entity::insert_many(chunk.to_vec()).exec_without_returning(&**txn).await?;
    }
    // People are spread over everyone who carries a caseload.
    Ok(specs
        .iter()
        .filter(|s| s.roles.iter().any(|r| matches!(r, Role::Coach | Role::Supervisor)))
        .map(|s| s.id)
        .chain([specs[4].id, specs[5].id])
        .collect())
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

#[allow(clippy::too_many_arguments)]
async fn insert_people(
    txn: &db::WriteTxn,
    rng: &mut ChaCha8Rng,
    org_id: Uuid,
    programs: &[Uuid],
    workers: &[Uuid],
    count: usize,
    today: Date,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let mut people = Vec::with_capacity(500);
    let mut terms = Vec::with_capacity(20_000);
    let mut enrolments = Vec::with_capacity(600);
    let mut household = Vec::with_capacity(300);
    let (facilitator, referral) = (workers[workers.len() - 2], workers[workers.len() - 1]);
    for n in 0..count {
        let p = synthetic_person(rng, org_id, n as i64 + 1, today, now);
        let worker_index = n % workers.len();
        let worker = workers[worker_index];
        let program = if worker == facilitator {
            programs[2]
        } else if worker == referral {
            programs[3]
        } else {
            programs[usize::from(rng.gen_bool(0.2))]
        };
        enrolments.push(enrolment::ActiveModel {
            id: Set(uuid(rng)),
            org_id: Set(org_id),
            person_id: Set(p.id),
            program_id: Set(program),
            worker_id: Set(Some(worker)),
            started_on: Set(today - Duration::days(rng.gen_range(1..720))),
            ended_on: Set(None),
            created_at: Set(now),
            discharge_reason: Set(None),
            discharge_note: Set(None),
            request_id: Set(None),
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
    Ok(())
}

async fn flush(
    txn: &db::WriteTxn,
    people: &mut Vec<person::Model>,
    terms: &mut Vec<person_search_term::ActiveModel>,
    enrolments: &mut Vec<enrolment::ActiveModel>,
    household: &mut Vec<household_member::ActiveModel>,
) -> anyhow::Result<()> {
    let rows: Vec<person::ActiveModel> = people.drain(..).map(Into::into).collect();
    if !rows.is_empty() {
        person::Entity::insert_many(rows).exec_without_returning(&**txn).await?;
    }
    for chunk in terms.chunks(5000) {
        person_search_term::Entity::insert_many(chunk.to_vec()).exec_without_returning(&**txn).await?;
    }
    terms.clear();
    if !enrolments.is_empty() {
        enrolment::Entity::insert_many(std::mem::take(enrolments)).exec_without_returning(&**txn).await?;
    }
    if !household.is_empty() {
        household_member::Entity::insert_many(std::mem::take(household)).exec_without_returning(&**txn).await?;
    }
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
