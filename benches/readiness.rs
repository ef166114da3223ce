//! Accreditation readiness over a 50 000-person organisation with 2 000 000 contacts: the whole
//! evidence report for a year (every applicable measure of CSE 2024, then of PRSC), computed from
//! the database each time, and the evidence binder as a PDF (built from the same report, then
//! typeset). Run with `cargo bench --bench readiness`; the setup also prints each
//! measure's own time, slowest first. The demo generator writes the organisation; its contacts are
//! then copied further back (as `scripts/load.sh` does) up to the total. MAINSTAY_BENCH_PEOPLE and
//! MAINSTAY_BENCH_CONTACTS change the sizes; MAINSTAY_BENCH_POSTGRES_URL (an admin URL) runs it on
//! a fresh PostgreSQL database instead.

use criterion::{Criterion, criterion_group, criterion_main};
use mainstay::access::Actor;
use mainstay::app::AppState;
use mainstay::config::Config;
use mainstay::db::Db;
use mainstay::domain::Clock;
use mainstay::domain::community::Period;
use mainstay::i18n::Tr;
use mainstay::standards::binder::{self, Format};
use mainstay::standards::catalogue::Source;
use mainstay::standards::measures::{self, MeasureKey, Scope};
use mainstay::standards::readiness;
use sea_orm::ConnectionTrait;
use std::hint::black_box;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::runtime::Runtime;
use uuid::Uuid;

struct Setup {
    db: Db,
    state: AppState,
    quality: Actor,
    org_id: Uuid,
    period: Period,
    today: time::Date,
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

async fn database() -> (Db, String) {
    match std::env::var("MAINSTAY_BENCH_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let admin = Db::connect(&admin_url).await.expect("connect to PostgreSQL");
            let name = format!("mainstay_bench_readiness_{}", Uuid::new_v4().simple());
            admin.conn().execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
            admin.close().await;
            let (base, _) = admin_url.rsplit_once('/').expect("URL has a database name");
            let url = format!("{base}/{name}");
            (Db::connect(&url).await.expect("connect"), url)
        }
        _ => {
            let people = env_number("MAINSTAY_BENCH_PEOPLE").unwrap_or(50_000);
            let path = std::env::temp_dir().join(format!("mainstay-bench-readiness-{people}.db"));
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
    let contacts = env_number("MAINSTAY_BENCH_CONTACTS").unwrap_or(2_000_000);
    rt.block_on(async {
        let (db, url) = database().await;
        db.migrate().await.expect("migrate");
        let now = OffsetDateTime::now_utc();
        let started = Instant::now();
        let summary = mainstay::demo::generate(&db, people, 7, now).await.expect("demo");
        let demo_time = started.elapsed();
        let started = Instant::now();
        let total = mainstay::demo::top_up_contacts(&db, contacts).await.expect("top up");
        db.after_bulk_load().await.expect("analyze");
        println!("{people} people, {total} contacts (demo {demo_time:.1?}, top-up {:.1?})", started.elapsed());
        // Measure on fresh connections, as a server started after the load would have.
        db.close().await;
        let db = Db::connect(&url).await.expect("reconnect");
        let today = now.date();
        let state = AppState::new(db.clone(), Config::for_database(&url), Clock::system());
        let lead = mainstay::db::staff::by_email(&db, "quality@demo.example").await.expect("q").expect("quality lead");
        let facts = mainstay::auth::AccessCache::default()
            .load(&db, summary.org_id, lead.id)
            .await
            .expect("access facts")
            .expect("quality lead facts");
        Setup { db, state, quality: facts.actor(None), org_id: summary.org_id, period: Period::last_year(today), today }
    })
}

/// Each measure alone, slowest first, to show where the report's time goes.
async fn per_measure(s: &Setup) {
    let scope = Scope { org_id: s.org_id, period: s.period, today: s.today };
    let mut times: Vec<(Duration, MeasureKey, u64, u64)> = Vec::new();
    for key in MeasureKey::ALL {
        let started = Instant::now();
        let r = measures::run(s.db.conn(), *key, &scope).await.expect("measure");
        times.push((started.elapsed(), *key, r.met, r.total));
    }
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    let sum: Duration = times.iter().map(|t| t.0).sum();
    println!("measures one after another: {sum:.1?} in all");
    for (time, key, met, total) in times.iter().take(12) {
        println!("  {time:>9.1?}  {key}  ({met} / {total})");
    }
}

fn bench_readiness(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let s = setup(&rt);
    rt.block_on(per_measure(&s));
    let report = |source| readiness::report_for(s.db.conn(), s.org_id, source, s.period, s.today);
    let started = Instant::now();
    let first = rt.block_on(report(Source::Cse2024)).expect("report");
    println!(
        "first report: {:.1?} ({} measures, {} standards apply)",
        started.elapsed(),
        first.measures.len(),
        first.summary.applicable
    );
    let mut group = c.benchmark_group("readiness");
    group.sample_size(10);
    group.bench_function("evidence_cse_2024_year", |b| {
        b.iter(|| black_box(rt.block_on(report(Source::Cse2024)).expect("report")))
    });
    group.bench_function("evidence_prsc_year", |b| {
        b.iter(|| black_box(rt.block_on(report(Source::Prsc)).expect("report")))
    });
    let binder_request = binder::Request {
        source: Source::Cse2024,
        period: s.period,
        format: Format::Pdf,
        include_participant_data: false,
        tr: Tr::new(mainstay::domain::codes::UiLanguage::En),
    };
    let make_pdf = || {
        let made = rt.block_on(binder::build(&s.state, &s.quality, &binder_request)).expect("binder");
        binder::render(&made, Format::Pdf).expect("pdf")
    };
    let started = Instant::now();
    let (pdf, _, _) = make_pdf();
    println!("first binder PDF: {:.1?} ({} KiB)", started.elapsed(), pdf.len() / 1024);
    group.bench_function("binder_pdf_cse_2024_year", |b| b.iter(|| black_box(make_pdf())));
    group.finish();
}

criterion_group!(benches, bench_readiness);
criterion_main!(benches);
