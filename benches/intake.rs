//! Time to first service for a year of requests in a 50 000-person demo organisation on SQLite:
//! the database read plus grouping by program and urgency, as the report page does it.
//! Run with `cargo bench --bench intake`; MAINSTAY_BENCH_PEOPLE changes the size.

use criterion::{Criterion, criterion_group, criterion_main};
use mainstay::access::RequestScope;
use mainstay::db::{self, Db};
use mainstay::intake::{Context, summarise_timing};
use std::hint::black_box;
use tokio::runtime::Runtime;

fn setup(rt: &Runtime) -> (Db, uuid::Uuid) {
    let people: usize = std::env::var("MAINSTAY_BENCH_PEOPLE").ok().and_then(|v| v.parse().ok()).unwrap_or(50_000);
    let dir = std::env::temp_dir().join(format!("mainstay-bench-intake-{people}.db"));
    let _ = std::fs::remove_file(&dir);
    let url = format!("sqlite://{}", dir.display());
    rt.block_on(async {
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let summary = mainstay::demo::generate(&db, people, 7, time::OffsetDateTime::now_utc()).await.expect("demo");
        db.close().await;
        (Db::connect(&url).await.expect("reconnect"), summary.org_id)
    })
}

fn bench_time_to_service(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let (db, org_id) = setup(&rt);
    let now = time::OffsetDateTime::now_utc();
    let (from, to) = (now - time::Duration::days(365), now);
    let rows = rt.block_on(db::intake::timing_rows(&db, org_id, &RequestScope::Everyone, from, to)).expect("rows");
    println!("requests in the year: {}", rows.len());
    c.bench_function("time_to_service_year", |b| {
        b.to_async(&rt).iter(|| {
            let db = db.clone();
            async move {
                let programs = db::org::programs(db.conn(), org_id).await.expect("programs");
                let settings = db::intake::all_settings(db.conn(), org_id).await.expect("settings");
                let context = Context { programs, settings };
                let rows = db::intake::timing_rows(&db, org_id, &RequestScope::Everyone, from, to).await.expect("rows");
                black_box(summarise_timing(&context, "America/New_York", now.date(), from.date(), to.date(), rows))
            }
        })
    });
}

criterion_group!(benches, bench_time_to_service);
criterion_main!(benches);
