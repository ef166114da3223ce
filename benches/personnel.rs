//! The competency matrix on SQLite: 500 staff (peer coaches, group facilitators, referral
//! specialists and supervisors across the demo's programs), each with a profile, a degree or two,
//! one or two certifications (some lapsed), about 20 training records and a year of supervision.
//! Measures the whole matrix page — the service (`personnel::training::matrix`: the team, every
//! person's facts in a fixed number of queries, the rules) and the HTML render — against the
//! target of 100 ms for 500 staff × 40 requirements, and the CSV export.
//! Run with `cargo bench --bench personnel`; MAINSTAY_BENCH_STAFF changes the number of staff.

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use mainstay::access::Actor;
use mainstay::app::AppState;
use mainstay::config::Config;
use mainstay::db::Db;
use mainstay::db::entities::{
    program, staff, staff_certification, staff_degree, staff_profile, staff_program, supervision_session,
    training_record,
};
use mainstay::domain::Clock;
use mainstay::domain::personnel::{Requirement, RequirementGroup};
use mainstay::i18n::Tr;
use mainstay::personnel::training::{self, MatrixFilter};
use mainstay::web::Shell;
use mainstay::web::shell::ShellUser;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use std::hint::black_box;
use std::time::{Duration as StdDuration, Instant};
use time::{Date, Duration, OffsetDateTime};
use tokio::runtime::Runtime;
use uuid::Uuid;

const RECORDS_PER_PERSON: usize = 20;

struct Setup {
    state: AppState,
    actor: Actor,
    programs: Vec<program::Model>,
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

fn topics_of(group: RequirementGroup) -> Vec<Requirement> {
    group.topics().collect()
}

/// Training a person of this kind would have taken: the groups their role asks for.
fn groups_for(role: &str) -> Vec<RequirementGroup> {
    match role {
        "coach" => vec![
            RequirementGroup::Cse203,
            RequirementGroup::Cse205,
            RequirementGroup::Cse207,
            RequirementGroup::PrscKnowledge,
            RequirementGroup::PrscSkills,
        ],
        "group-facilitator" => vec![RequirementGroup::Cse203, RequirementGroup::Cse204, RequirementGroup::Cse205],
        "referral-specialist" => vec![RequirementGroup::Cse203, RequirementGroup::Cse205],
        _ => vec![RequirementGroup::Cse202, RequirementGroup::Cse203, RequirementGroup::Cse207],
    }
}

async fn insert_staff(db: &Db, org_id: Uuid, count: usize, now: OffsetDateTime) {
    let conn = db.conn();
    let programs: Vec<Uuid> = program::Entity::find()
        .filter(program::Column::OrgId.eq(org_id))
        .all(conn)
        .await
        .expect("programs")
        .into_iter()
        .map(|p| p.id)
        .collect();
    let admin = mainstay::db::staff::by_email(db, "admin@demo.example").await.expect("query").expect("demo admin");
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let today = now.date();
    let (mut staff_rows, mut memberships, mut profiles, mut degrees) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut certifications, mut records, mut sessions) = (Vec::new(), Vec::new(), Vec::new());
    let mut supervisors: Vec<Uuid> = Vec::new();
    let given = ["Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Harper", "Jordan", "Kendall", "Logan"];
    let family = ["Ashdown", "Birch", "Calder", "Dunmore", "Elwood", "Fairley", "Garrow", "Holt", "Ingram", "Juniper"];
    for n in 0..count {
        let id = Uuid::new_v4();
        let role = match n % 10 {
            0 => "supervisor",
            1 | 2 => "group-facilitator",
            3 => "referral-specialist",
            _ => "coach",
        };
        if role == "supervisor" {
            supervisors.push(id);
        }
        let supervisor = supervisors.choose(&mut rng).copied().filter(|s| *s != id);
        let name = format!("{} {} {n:03}", given[n % 10], family[(n / 10) % 10]);
        staff_rows.push(staff::ActiveModel {
            id: Set(id),
            org_id: Set(org_id),
            email: Set(format!("bench-staff-{n:03}@demo.example")),
            display_name: Set(name),
            job_title: Set(None),
            roles: Set(role.into()),
            password_hash: Set("!bench".into()),
            supervisor_id: Set(supervisor),
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
        });
        for p in programs.choose_multiple(&mut rng, 1 + n % 2) {
            memberships.push(staff_program::ActiveModel {
                org_id: Set(org_id),
                staff_id: Set(id),
                program_id: Set(*p),
            });
        }
        let start = today - Duration::days(rng.gen_range(60..3000));
        let peer = role == "coach";
        let positions = match role {
            "coach" => "peer-specialist",
            "group-facilitator" => "peer-specialist;group-facilitator",
            "referral-specialist" => "referral-specialist",
            _ => "supervisor",
        };
        profiles.push(staff_profile::ActiveModel {
            org_id: Set(org_id),
            staff_id: Set(id),
            positions: Set(positions.into()),
            start_date: Set(Some(start)),
            experience_months: Set(Some(rng.gen_range(3..120))),
            lived_experience: Set(peer || rng.gen_bool(0.5)),
            lived_experience_attested_on: Set(Some(start)),
            shares_story: Set(Some(rng.gen_bool(0.9))),
            job_description_version: Set(Some("2025-1".into())),
            job_description_acknowledged_on: Set(rng.gen_bool(0.9).then_some(start)),
            role_understanding_confirmed_on: Set(rng.gen_bool(0.85).then_some(start + Duration::days(30))),
            role_understanding_confirmed_by: Set(supervisor),
            updated_by: Set(Some(admin.id)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        degrees.push(staff_degree::ActiveModel {
            id: Set(Uuid::new_v4()),
            org_id: Set(org_id),
            staff_id: Set(id),
            level: Set(["associate", "bachelor", "certificate", "master"][n % 4].into()),
            field: Set("Human services".into()),
            human_services: Set(n % 3 != 0),
            institution: Set(Some("Community College".into())),
            completed_year: Set(Some(2010 + (n % 14) as i32)),
            recorded_by: Set(admin.id),
            recorded_at: Set(now),
        });
        for c in 0..(1 + n % 2) {
            let issued = today - Duration::days(rng.gen_range(30..1500));
            certifications.push(staff_certification::ActiveModel {
                id: Set(Uuid::new_v4()),
                org_id: Set(org_id),
                staff_id: Set(id),
                kind: Set(if c == 0 { "peer-recovery" } else { "other" }.into()),
                name: Set("Certified Peer Recovery Specialist".into()),
                jurisdiction: Set("ME".into()),
                number: Set(Some(format!("CPRS-{n:04}-{c}"))),
                issued_on: Set(issued),
                expires_on: Set(Some(issued + Duration::days(730))),
                file_id: Set(None),
                recorded_by: Set(admin.id),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
        let wanted: Vec<Requirement> = groups_for(role).into_iter().flat_map(topics_of).collect();
        for r in 0..RECORDS_PER_PERSON {
            // Mostly what the role needs, a few topics missed, a few from elsewhere.
            let mut topics: Vec<Requirement> = wanted.choose_multiple(&mut rng, 3).copied().collect();
            if r % 7 == 0 {
                topics.push(*Requirement::ALL.choose(&mut rng).expect("requirements"));
            }
            topics.sort_by_key(|t| Requirement::ALL.iter().position(|x| x == t));
            topics.dedup();
            let on: Date = today - Duration::days(rng.gen_range(1..1100));
            let demonstrated = r % 9 == 0;
            records.push(training_record::ActiveModel {
                id: Set(Uuid::new_v4()),
                org_id: Set(org_id),
                staff_id: Set(id),
                course_id: Set(None),
                title: Set(format!("Training session {r}")),
                kind: Set(if demonstrated { "demonstrated" } else { "completed" }.into()),
                phase: Set(if on < start { "pre-service" } else { "in-service" }.into()),
                topics: Set(topics.iter().map(|t| t.code()).collect::<Vec<_>>().join(";")),
                completed_on: Set(on),
                hours: Set((!demonstrated).then_some(f64::from(rng.gen_range(1..8)))),
                provider: Set(Some("Maine Recovery Training Collaborative".into())),
                certificate_file_id: Set(None),
                demonstration: Set(demonstrated.then(|| "Observed in supervision".to_string())),
                attested_by: Set(demonstrated.then_some(supervisor.unwrap_or(admin.id))),
                note: Set(None),
                recorded_by: Set(admin.id),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
        for m in 0..12 {
            sessions.push(supervision_session::ActiveModel {
                id: Set(Uuid::new_v4()),
                org_id: Set(org_id),
                staff_id: Set(id),
                led_by: Set(supervisor.unwrap_or(admin.id)),
                kind: Set(if m % 3 == 2 { "peer-mentoring" } else { "individual" }.into()),
                held_on: Set(today - Duration::days(15 + 30 * m + rng.gen_range(0..20))),
                minutes: Set(Some(60)),
                topics: Set("caseload-review;self-care".into()),
                notes: Set(None),
                follow_ups: Set(None),
                follow_up_due: Set(None),
                follow_up_done_on: Set(None),
                people_discussed: Set(String::new()),
                recorded_by: Set(supervisor.unwrap_or(admin.id)),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
    }
    let txn = db.begin_write().await.expect("write");
    for chunk in staff_rows.chunks(500) {
        staff::Entity::insert_many(chunk.to_vec()).exec_without_returning(&*txn).await.expect("staff");
    }
    staff_program::Entity::insert_many(memberships).exec_without_returning(&*txn).await.expect("memberships");
    for chunk in profiles.chunks(500) {
        staff_profile::Entity::insert_many(chunk.to_vec()).exec_without_returning(&*txn).await.expect("profiles");
    }
    staff_degree::Entity::insert_many(degrees).exec_without_returning(&*txn).await.expect("degrees");
    for chunk in certifications.chunks(500) {
        staff_certification::Entity::insert_many(chunk.to_vec()).exec_without_returning(&*txn).await.expect("certs");
    }
    for chunk in records.chunks(1000) {
        training_record::Entity::insert_many(chunk.to_vec()).exec_without_returning(&*txn).await.expect("records");
    }
    for chunk in sessions.chunks(1000) {
        supervision_session::Entity::insert_many(chunk.to_vec()).exec_without_returning(&*txn).await.expect("sessions");
    }
    txn.commit().await.expect("commit");
}

fn setup(rt: &Runtime) -> Setup {
    let count = env_number("MAINSTAY_BENCH_STAFF").unwrap_or(500) as usize;
    let path = std::env::temp_dir().join(format!("mainstay-bench-personnel-{count}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let url = format!("sqlite://{}", path.display());
    rt.block_on(async {
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let now = OffsetDateTime::now_utc();
        let summary = mainstay::demo::generate(&db, 40, 7, now).await.expect("demo");
        insert_staff(&db, summary.org_id, count, now).await;
        db.after_bulk_load().await.expect("analyze");
        db.close().await;
        let db = Db::connect(&url).await.expect("reconnect");
        let state = AppState::new(db.clone(), Config::for_database(&url), Clock::system());
        let admin = mainstay::db::staff::by_email(&db, "admin@demo.example").await.expect("query").expect("admin");
        let facts = mainstay::auth::AccessCache::default()
            .load(&db, summary.org_id, admin.id)
            .await
            .expect("access facts")
            .expect("admin facts");
        let programs = mainstay::db::org::programs(db.conn(), summary.org_id).await.expect("programs");
        Setup { state, actor: facts.actor(None), programs }
    })
}

fn shell() -> Shell {
    Shell {
        tr: Tr::new(mainstay::domain::codes::UiLanguage::En),
        csrf: "x".repeat(43),
        user: Some(ShellUser {
            name: "Administrator".into(),
            sees_people: true,
            can_create_people: true,
            is_admin: true,
            sees_staff: true,
            sees_intake: true,
            sees_reports: true,
            sees_readiness: true,
        }),
        org_name: "Harbour Light Recovery Community".into(),
        crisis_line: "988".into(),
        emergency_number: "911".into(),
        flash: Vec::new(),
        path: "/team/matrix".into(),
        languages: vec![("en", "English", true), ("fr", "Français", false), ("es", "Español", false)],
    }
}

/// The matrix page as its handler builds it: the service, the programs for the filter, the render.
async fn matrix_page(s: &Setup) -> usize {
    let filter = MatrixFilter::default();
    let matrix = training::matrix(&s.state, &s.actor, filter).await.expect("matrix");
    let programs = mainstay::db::org::programs(s.state.db.conn(), s.actor.org_id).await.expect("programs");
    let page = mainstay::web::training::matrix_page_of(shell(), matrix, &programs, filter, String::new());
    askama::Template::render(&page).expect("render").len()
}

fn bench_matrix(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let s = setup(&rt);
    // One timed run of each step, printed plainly, before criterion's samples.
    rt.block_on(async {
        let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;
        let conn = s.state.db.conn();
        let t = Instant::now();
        let team = mainstay::personnel::team(&s.state, &s.actor, "bench").await.expect("team");
        let team_ms = ms(t);
        let t = Instant::now();
        let facts = mainstay::personnel::facts(conn, s.actor.org_id, &team).await.expect("facts");
        let facts_ms = ms(t);
        // What each table costs read whole, beside what `facts` reads (only the columns it uses).
        let mut reads = Vec::new();
        macro_rules! read {
            ($name:literal, $entity:ty, $col:expr) => {{
                let t = Instant::now();
                let rows = <$entity>::find().filter($col.eq(s.actor.org_id)).all(conn).await.expect($name);
                reads.push(format!("{} {} rows {:.1} ms", $name, rows.len(), ms(t)));
            }};
        }
        read!("staff", staff::Entity, staff::Column::OrgId);
        read!("profiles", staff_profile::Entity, staff_profile::Column::OrgId);
        read!("degrees", staff_degree::Entity, staff_degree::Column::OrgId);
        read!("certifications", staff_certification::Entity, staff_certification::Column::OrgId);
        read!("training", training_record::Entity, training_record::Column::OrgId);
        read!("supervision", supervision_session::Entity, supervision_session::Column::OrgId);
        read!("memberships", staff_program::Entity, staff_program::Column::OrgId);
        println!("whole rows: {}", reads.join(", "));
        let t = Instant::now();
        let matrix = training::matrix(&s.state, &s.actor, MatrixFilter::default()).await.expect("matrix");
        let matrix_ms = ms(t);
        let cells = matrix.rows.len() * matrix.columns.len();
        let records: usize = facts.values().map(|f| f.training.len()).sum();
        let t = Instant::now();
        let page = mainstay::web::training::matrix_page_of(shell(), matrix.clone(), &s.programs, MatrixFilter::default(), String::new());
        let html = askama::Template::render(&page).expect("render");
        let render_ms = ms(t);
        let t = Instant::now();
        let csv = training::matrix_csv(&matrix, &Tr::new(mainstay::domain::codes::UiLanguage::En)).expect("csv");
        let csv_ms = ms(t);
        let t = Instant::now();
        let size = matrix_page(&s).await;
        let whole_ms = ms(t);
        println!(
            "{} staff × {} requirements ({cells} cells; {records} training records)\n\
             team {team_ms:.1} ms, facts {facts_ms:.1} ms, matrix service {matrix_ms:.1} ms, \
             render {render_ms:.1} ms ({} bytes), CSV {csv_ms:.1} ms ({} bytes), whole page {whole_ms:.1} ms ({size} bytes)",
            matrix.rows.len(),
            matrix.columns.len(),
            html.len(),
            csv.len()
        );
    });
    let mut group = c.benchmark_group("personnel");
    group.sample_size(20).sampling_mode(SamplingMode::Flat).measurement_time(StdDuration::from_secs(10));
    group.bench_function("matrix_page_500_staff", |b| {
        b.to_async(&rt).iter(|| async { black_box(matrix_page(&s).await) })
    });
    group.bench_function("matrix_service_500_staff", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(training::matrix(&s.state, &s.actor, MatrixFilter::default()).await.expect("matrix"))
        })
    });
    group.bench_function("matrix_csv_500_staff", |b| {
        b.to_async(&rt).iter(|| async {
            let m = training::matrix(&s.state, &s.actor, MatrixFilter::default()).await.expect("matrix");
            black_box(training::matrix_csv(&m, &Tr::new(mainstay::domain::codes::UiLanguage::En)).expect("csv"))
        })
    });
    group.finish();
}

criterion_group!(benches, bench_matrix);
criterion_main!(benches);
