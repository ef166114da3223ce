//! The organisation outcome dashboard over 50 000 people and 400 000 measurements: cold (an empty
//! cache, every figure computed from the database) and warm (from the cache, after the generation
//! and record-count checks). Also a disaggregation by race, cold. Run with `cargo bench --bench
//! outcomes`. The demo generator writes the organisation (people, enrolments, contacts, its own
//! measurements); the measurements are then topped up to the total with batched inserts of the same
//! shape. MAINSTAY_BENCH_PEOPLE and MAINSTAY_BENCH_MEASUREMENTS change the sizes;
//! MAINSTAY_BENCH_POSTGRES_URL (an admin URL) runs it on a fresh PostgreSQL database instead.

use criterion::{Criterion, criterion_group, criterion_main};
use mainstay::access::Actor;
use mainstay::app::AppState;
use mainstay::config::Config;
use mainstay::db::Db;
use mainstay::db::entities::{enrolment, outcome_measurement};
use mainstay::domain::Clock;
use mainstay::domain::disaggregation::Dimension;
use mainstay::outcomes::analytics::{self, Filters};
use mainstay::outcomes::cache::OutcomeCache;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;
use time::{Duration, OffsetDateTime};
use tokio::runtime::Runtime;
use uuid::Uuid;

struct Setup {
    state: AppState,
    director: Actor,
    filters: Filters,
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Instruments the top-up spreads over, with their score ranges.
const MEASURES: &[(&str, f64, f64)] =
    &[("barc-10", 10.0, 60.0), ("who-5", 0.0, 100.0), ("housing-stability", 0.0, 4.0), ("use-days-30", 0.0, 30.0)];

/// Adds measurements until the organisation holds `total`: each person gets a run of scores on
/// each instrument every 90 days, drifting towards better with noise, with drop-out.
async fn top_up(db: &Db, org_id: Uuid, total: u64, now: OffsetDateTime) {
    let conn = db.conn();
    let have = outcome_measurement::Entity::find()
        .filter(outcome_measurement::Column::OrgId.eq(org_id))
        .count(conn)
        .await
        .expect("count");
    if have >= total {
        return;
    }
    let people: Vec<(Uuid, Uuid)> = enrolment::Entity::find()
        .select_only()
        .columns([enrolment::Column::PersonId, enrolment::Column::ProgramId])
        .filter(enrolment::Column::OrgId.eq(org_id))
        .into_tuple()
        .all(conn)
        .await
        .expect("people");
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let today = now.date();
    let mut left = total - have;
    let mut batch: Vec<outcome_measurement::ActiveModel> = Vec::with_capacity(500);
    let txn = db.begin_write().await.expect("txn");
    'outer: loop {
        for (person_id, program_id) in &people {
            for (key, lo, hi) in MEASURES {
                let start = today - Duration::days(rng.gen_range(30..360));
                let mut score = rng.gen_range(*lo..=*hi);
                let times = rng.gen_range(1..=3);
                for k in 0..times {
                    if left == 0 {
                        break 'outer;
                    }
                    let on = start + Duration::days(90 * k);
                    if on > today {
                        break;
                    }
                    let drift = (hi - lo) * 0.08;
                    score = (score + rng.gen_range(-drift..=drift * 2.0)).clamp(*lo, *hi).round();
                    batch.push(outcome_measurement::ActiveModel {
                        id: Set(Uuid::new_v4()),
                        org_id: Set(org_id),
                        person_id: Set(*person_id),
                        program_id: Set(Some(*program_id)),
                        site_id: Set(None),
                        instrument_key: Set((*key).into()),
                        instrument_version: Set(1),
                        occasion: Set(if k == 0 { "intake" } else { "review" }.into()),
                        source: Set("staff".into()),
                        status: Set("complete".into()),
                        taken_on: Set(on),
                        answers: Set("{}".into()),
                        score: Set(Some(score)),
                        interpretation: Set(None),
                        note: Set(None),
                        recorded_by: Set(None),
                        portal_account_id: Set(None),
                        version: Set(1),
                        created_at: Set(now),
                        updated_at: Set(now),
                    });
                    left -= 1;
                    if batch.len() == 500 {
                        outcome_measurement::Entity::insert_many(std::mem::take(&mut batch))
                            .exec(&*txn)
                            .await
                            .expect("insert");
                    }
                }
            }
        }
    }
    if !batch.is_empty() {
        outcome_measurement::Entity::insert_many(batch).exec(&*txn).await.expect("insert");
    }
    mainstay::outcomes::summary::rebuild(&*txn, org_id).await.expect("summaries");
    mainstay::outcomes::stamp::bump(&*txn, org_id, now).await.expect("bump");
    txn.commit().await.expect("commit");
}

async fn database() -> (Db, String) {
    match std::env::var("MAINSTAY_BENCH_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let admin = Db::connect(&admin_url).await.expect("connect to PostgreSQL");
            let name = format!("mainstay_bench_outcomes_{}", Uuid::new_v4().simple());
            admin.conn().execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
            admin.close().await;
            let (base, _) = admin_url.rsplit_once('/').expect("URL has a database name");
            let url = format!("{base}/{name}");
            (Db::connect(&url).await.expect("connect"), url)
        }
        _ => {
            let people = env_number("MAINSTAY_BENCH_PEOPLE").unwrap_or(50_000);
            let path = std::env::temp_dir().join(format!("mainstay-bench-outcomes-{people}.db"));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            let url = format!("sqlite://{}", path.display());
            (Db::connect(&url).await.expect("connect"), url)
        }
    }
}

fn setup(rt: &Runtime) -> Setup {
    let people = env_number("MAINSTAY_BENCH_PEOPLE").unwrap_or(50_000) as usize;
    let total = env_number("MAINSTAY_BENCH_MEASUREMENTS").unwrap_or(400_000);
    rt.block_on(async {
        let (db, url) = database().await;
        db.migrate().await.expect("migrate");
        let now = OffsetDateTime::now_utc();
        let started = Instant::now();
        let summary = mainstay::demo::generate(&db, people, 7, now).await.expect("demo");
        let demo_time = started.elapsed();
        let started = Instant::now();
        top_up(&db, summary.org_id, total, now).await;
        let top_up_time = started.elapsed();
        db.after_bulk_load().await.expect("analyze");
        let count = outcome_measurement::Entity::find()
            .filter(outcome_measurement::Column::OrgId.eq(summary.org_id))
            .count(db.conn())
            .await
            .expect("count");
        println!(
            "{people} people, {count} measurements ({}; demo {demo_time:.1?}, top-up {top_up_time:.1?})",
            db.backend().as_str_lossy()
        );
        // Measure on fresh connections, as a server started after the load would have.
        db.close().await;
        let db = Db::connect(&url).await.expect("reconnect");
        let _ = db.conn().execute_unprepared("SELECT 1").await;
        let state = AppState::new(db.clone(), Config::for_database(&url), Clock::system());
        let director = mainstay::db::staff::by_email(&db, "director@demo.example").await.expect("q").expect("director");
        let facts = mainstay::auth::AccessCache::default()
            .load(&db, summary.org_id, director.id)
            .await
            .expect("access facts")
            .expect("director facts");
        let today = analytics::today(&state, summary.org_id).await.expect("today");
        let period = mainstay::domain::community::Period::last_year(today);
        let filters = Filters { program_id: None, from: period.from, to: period.to };
        Setup { state, director: facts.actor(None), filters }
    })
}

trait BackendName {
    fn as_str_lossy(&self) -> &'static str;
}

impl BackendName for sea_orm::DbBackend {
    fn as_str_lossy(&self) -> &'static str {
        match self {
            sea_orm::DbBackend::Postgres => "PostgreSQL",
            _ => "SQLite",
        }
    }
}

/// The state with an empty cache: every figure comes from the database.
fn cold(state: &AppState) -> AppState {
    let mut fresh = state.clone();
    fresh.outcome_cache = Arc::new(OutcomeCache::default());
    fresh
}

fn bench_outcomes(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let s = setup(&rt);
    // One cold run reported outright, before criterion's repeated ones.
    let started = Instant::now();
    let first = rt.block_on(analytics::dashboard(&cold(&s.state), &s.director, s.filters)).expect("dashboard");
    println!(
        "first cold dashboard: {:.1?} ({} measures, {} people with BARC-10)",
        started.elapsed(),
        first.measures.len(),
        first.measures.iter().find(|m| m.measure.key == "barc-10").map(|m| m.measured).unwrap_or(0)
    );
    let mut group = c.benchmark_group("outcomes");
    group.sample_size(10);
    group.bench_function("org_dashboard_cold", |b| {
        b.to_async(&rt).iter(|| async {
            let state = cold(&s.state);
            black_box(analytics::dashboard(&state, &s.director, s.filters).await.expect("dashboard"))
        })
    });
    rt.block_on(analytics::dashboard(&s.state, &s.director, s.filters)).expect("warm up");
    group.bench_function("org_dashboard_warm", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(analytics::dashboard(&s.state, &s.director, s.filters).await.expect("dashboard"))
        })
    });
    group.bench_function("org_disaggregation_by_race_cold", |b| {
        b.to_async(&rt).iter(|| async {
            let state = cold(&s.state);
            black_box(
                analytics::disaggregation(&state, &s.director, s.filters, Dimension::Race).await.expect("breakdown"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench_outcomes);
criterion_main!(benches);
