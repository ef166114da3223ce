//! Coaching reads in a 50 000-person demo organisation on SQLite: one person's coaching page and
//! whole timeline with 500 events (contacts, plan versions, lapses), and a coach's worklist over a
//! caseload of 60. Run with `cargo bench --bench coaching`; MAINSTAY_BENCH_PEOPLE changes the size
//! and MAINSTAY_BENCH_CONTACTS first tops the database up to that many contacts (as load.sh does).

use criterion::{Criterion, criterion_group, criterion_main};
use mainstay::access::Actor;
use mainstay::app::AppState;
use mainstay::coaching::{self, ContactInput, PlanSave};
use mainstay::config::Config;
use mainstay::db::{self, Db};
use mainstay::domain::Clock;
use mainstay::domain::coaching::{AgreementInput, ContactFields, LapseInput};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::hint::black_box;
use time::{Date, Duration};
use tokio::runtime::Runtime;
use uuid::Uuid;

const TZ: &str = "America/New_York";
const CASELOAD: i64 = 60;
const EVENTS: usize = 500;
const LAPSES: i64 = 12;
const REVIEWS: i64 = 16;

struct Setup {
    state: AppState,
    coach: Actor,
    person: Uuid,
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

fn contact(day: Date, minutes: &str, note: &str, reengagement: bool) -> ContactInput {
    ContactInput {
        occurred_on: Some(day.to_string()),
        occurred_time: Some("10:30".into()),
        fields: ContactFields {
            minutes: minutes.into(),
            mode: "face-to-face".into(),
            setting: "recovery-centre".into(),
            activities: vec!["coaching".into()],
            note: note.into(),
            ..Default::default()
        },
        sign: true,
        reengagement,
    }
}

async fn scalar(db: &Db, sql: &str, values: Vec<sea_orm::Value>) -> i64 {
    let row = db
        .conn()
        .query_one_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, values))
        .await
        .expect(sql)
        .expect("a row");
    row.try_get::<i64>("", "n").expect("n")
}

/// A person with `EVENTS` timeline events, written through the service as a coach would.
async fn fill_timeline(state: &AppState, coach: &Actor, person: Uuid) {
    let today = coaching::today(state, TZ);
    let (_, events) = coaching::timeline(state, coach, person, &[]).await.expect("timeline");
    let plan = db::coaching::open_plan(state.db.conn(), coach.org_id, person).await.expect("plan").expect("a plan");
    // Plan reviews: an edit and an agreement each, on days after the plan started.
    let mut version = plan.version;
    for n in 0..REVIEWS {
        let view = coaching::plan(state, coach, plan.id).await.expect("plan view");
        let mut content = view.content.clone();
        content.progress_evaluation = format!("Review {n}: steadier, and the routine is holding.");
        match coaching::save_plan(state, coach, plan.id, version, content).await.expect("save plan") {
            PlanSave::Saved(saved) => version = saved.version,
            PlanSave::Conflict { .. } => panic!("plan conflict"),
        }
        let span = (today - plan.started_on).whole_days().max(1);
        let agreed_on = plan.started_on + Duration::days(span * (n + 1) / (REVIEWS + 1));
        let agreement = AgreementInput {
            agreement: "verbal".into(),
            agreed_on: Some(agreed_on.to_string()),
            note: Some("Agreed by phone".into()),
            ..Default::default()
        };
        version = coaching::agree_plan(state, coach, plan.id, version, &agreement, false).await.expect("agree").version;
    }
    // Lapses, each followed by a re-engagement contact a few days later.
    for n in 0..LAPSES {
        let lapse_on = today - Duration::days(900 - n * 60);
        let lapse =
            LapseInput { lapse_on: lapse_on.to_string(), note: Some("Used at a party".into()), raise_frequency: true };
        coaching::record_lapse(state, coach, person, &lapse).await.expect("lapse");
        let back =
            contact(lapse_on + Duration::days(3), "45", "Back in touch after using; made a plan for the week.", true);
        coaching::log_contact(state, coach, person, &back).await.expect("re-engagement");
    }
    // Contacts fill the rest, about every other day back from yesterday.
    let written = events.len() + REVIEWS as usize + 2 * LAPSES as usize;
    for n in 0..EVENTS.saturating_sub(written) {
        let day = today - Duration::days(1 + 2 * n as i64);
        let note = "Met at the centre. Talked through the week and the job application.";
        coaching::log_contact(state, coach, person, &contact(day, "50", note, false)).await.expect("contact");
    }
}

fn setup(rt: &Runtime) -> Setup {
    let people = env_number("MAINSTAY_BENCH_PEOPLE").unwrap_or(50_000) as usize;
    let path = std::env::temp_dir().join(format!("mainstay-bench-coaching-{people}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let url = format!("sqlite://{}", path.display());
    rt.block_on(async {
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let summary = mainstay::demo::generate(&db, people, 7, time::OffsetDateTime::now_utc()).await.expect("demo");
        if let Some(total) = env_number("MAINSTAY_BENCH_CONTACTS") {
            mainstay::demo::top_up_contacts(&db, total).await.expect("top up");
        }
        let coach = db::staff::by_email(&db, "coach@demo.example").await.expect("query").expect("coach");
        // Grow the demo coach's caseload to 60 with people from other coaches' caseloads.
        let open = "SELECT COUNT(*) AS n FROM enrolments WHERE worker_id = ? AND ended_on IS NULL";
        let have = scalar(&db, open, vec![coach.id.into()]).await;
        let move_people = "UPDATE enrolments SET worker_id = ? WHERE id IN (SELECT e.id FROM enrolments e \
            JOIN coaching_status s ON s.person_id = e.person_id AND s.org_id = e.org_id \
            WHERE e.worker_id <> ? AND e.ended_on IS NULL ORDER BY e.person_id LIMIT ?)";
        db.conn()
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                move_people,
                [coach.id.into(), coach.id.into(), (CASELOAD - have).max(0).into()],
            ))
            .await
            .expect("move people");
        db.after_bulk_load().await.expect("analyze");
        // Measure on fresh connections, as a server started after the load would have.
        db.close().await;
        let db = Db::connect(&url).await.expect("reconnect");
        let state = AppState::new(db.clone(), Config::for_database(&url), Clock::system());
        let facts = mainstay::auth::AccessCache::default()
            .load(&db, summary.org_id, coach.id)
            .await
            .expect("access facts")
            .expect("coach facts");
        let actor = facts.actor(None);
        let caseload = db::coaching::caseload(&db, summary.org_id, &[coach.id]).await.expect("caseload");
        let mut with_plan = Vec::new();
        for row in &caseload {
            if db::coaching::open_plan(db.conn(), summary.org_id, row.person_id).await.expect("plan").is_some() {
                with_plan.push(row.person_id);
            }
        }
        with_plan.sort();
        let person = *with_plan.first().expect("someone on the caseload has a plan");
        fill_timeline(&state, &actor, person).await;
        let (_, events) = coaching::timeline(&state, &actor, person, &[]).await.expect("timeline");
        let contacts = scalar(&db, "SELECT COUNT(*) AS n FROM coaching_contacts", Vec::new()).await;
        println!(
            "{people} people, {contacts} contacts; caseload {}; timeline of one person: {} events",
            caseload.len(),
            events.len()
        );
        Setup { state, coach: actor, person }
    })
}

fn bench_coaching(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let s = setup(&rt);
    let mut group = c.benchmark_group("coaching");
    group.bench_function("person_page_500_events", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(coaching::person_coaching(&s.state, &s.coach, s.person, 20).await.expect("coaching page"))
        })
    });
    group.bench_function("person_timeline_500_events", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(coaching::timeline(&s.state, &s.coach, s.person, &[]).await.expect("timeline"))
        })
    });
    group.bench_function("worklist_60_people", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(coaching::worklist(&s.state, &s.coach, TZ).await.expect("worklist")) })
    });
    group.finish();
}

criterion_group!(benches, bench_coaching);
criterion_main!(benches);
