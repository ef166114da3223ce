//! HSDS import and export on SQLite: a synthetic directory of 20 000 services (organisations,
//! locations, addresses, phones, contacts, languages, fees, hours, taxonomy attributes — about
//! 15 rows a service) as a CSV Tabular Data Package zip, imported into a fresh database each time
//! (target: under 20 s, the search index rebuilt inside the same transaction), then the whole
//! directory exported as fully nested JSON and as the CSV package.
//! Run with `cargo bench --bench directory`; MAINSTAY_BENCH_DIRECTORY_SERVICES changes the size.

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use mainstay::db::Db;
use mainstay::directory::hsds::{self, HsdsImportStatus, ImportFile, ImportOptions, Upload};
use mainstay::directory::synthetic;
use std::hint::black_box;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::runtime::Runtime;
use uuid::Uuid;

// The allocator the `mainstay` binary runs with (src/main.rs), so the figures are the product's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn services() -> usize {
    std::env::var("MAINSTAY_BENCH_DIRECTORY_SERVICES").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(20_000)
}

/// A fresh, migrated SQLite database in its own folder.
async fn fresh_db() -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("directory.db").display());
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate");
    (db, dir)
}

/// Imports the package into a new organisation of a fresh database; the time of the import alone.
async fn timed_import(package: &[u8], now: OffsetDateTime) -> (Duration, Db, Uuid, tempfile::TempDir) {
    let (db, dir) = fresh_db().await;
    let org = Uuid::new_v4();
    let upload = Upload::File(ImportFile { name: "directory.zip".into(), bytes: package.to_vec() });
    let started = Instant::now();
    let report = hsds::import(&db, org, upload, ImportOptions::default(), now).await.expect("import");
    let elapsed = started.elapsed();
    assert_eq!(report.status, HsdsImportStatus::Applied, "{:#?}", report.problems);
    (elapsed, db, org, dir)
}

fn bench_directory(c: &mut Criterion) {
    // MAINSTAY_LOG=mainstay=debug shows where an import spends its time.
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("MAINSTAY_LOG") {
        let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
    }
    let rt = Runtime::new().expect("runtime");
    let now = OffsetDateTime::now_utc();
    let count = services();
    let started = Instant::now();
    let directory = synthetic::generate(count, 1, now.date());
    let package = hsds::write_csv_package(&directory.by_name(), now).expect("package");
    println!(
        "{count} services, {} rows in {} tables, {:.1} MB zipped (built in {:.1} s)",
        directory.row_count(),
        directory.tables.iter().filter(|(_, rows)| !rows.is_empty()).count(),
        package.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    // One timed run of each step, printed plainly, before criterion's samples.
    let (db, org, _dir) = rt.block_on(async {
        let (elapsed, db, org, dir) = timed_import(&package, now).await;
        println!("import into a fresh database: {:.2} s", elapsed.as_secs_f64());
        let t = Instant::now();
        let json = hsds::export_json(db.conn(), org).await.expect("JSON export");
        println!("JSON export: {:.2} s ({:.1} MB)", t.elapsed().as_secs_f64(), json.len() as f64 / 1e6);
        let t = Instant::now();
        let zip = hsds::export_csv_zip(db.conn(), org, now).await.expect("CSV export");
        println!("CSV package export: {:.2} s ({:.1} MB)", t.elapsed().as_secs_f64(), zip.len() as f64 / 1e6);
        (db, org, dir)
    });

    let mut group = c.benchmark_group("directory");
    group.sample_size(10).sampling_mode(SamplingMode::Flat).measurement_time(Duration::from_secs(60));
    group.bench_function(format!("import_{count}_services_csv_package_fresh_sqlite"), |b| {
        b.to_async(&rt).iter_custom(|iterations| {
            let package = package.clone();
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let (elapsed, db, _, _dir) = timed_import(&package, now).await;
                    total += elapsed;
                    db.close().await;
                }
                total
            }
        })
    });
    group.bench_function(format!("export_{count}_services_json"), |b| {
        b.to_async(&rt).iter(|| async { black_box(hsds::export_json(db.conn(), org).await.expect("export").len()) })
    });
    group.bench_function(format!("export_{count}_services_csv_package"), |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(hsds::export_csv_zip(db.conn(), org, now).await.expect("export").len()) })
    });
    group.finish();
}

criterion_group!(benches, bench_directory);
criterion_main!(benches);
