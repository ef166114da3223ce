//! Person search over a 50 000-person demo organisation on SQLite: the database candidate query
//! plus in-memory re-ranking, for everyone (quality lead) and for one coach's caseload.
//! Run with `cargo bench --bench search`; MAINSTAY_BENCH_PEOPLE changes the size.

use criterion::{Criterion, criterion_group, criterion_main};
use mainstay::access::PersonScope;
use mainstay::db::{self, Db};
use mainstay::domain::search::{CandidateNames, name_score};
use std::hint::black_box;
use tokio::runtime::Runtime;

const QUERIES: &[&str] = &["garcia", "okafro", "maria lopez", "nguyen", "5550142", "MS-001234", "jonh smth"];

fn setup(rt: &Runtime) -> (Db, uuid::Uuid, PersonScope) {
    let people: usize = std::env::var("MAINSTAY_BENCH_PEOPLE").ok().and_then(|v| v.parse().ok()).unwrap_or(50_000);
    let dir = std::env::temp_dir().join(format!("mainstay-bench-{people}.db"));
    let url = format!("sqlite://{}", dir.display());
    rt.block_on(async {
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let summary = mainstay::demo::generate(&db, people, 7, time::OffsetDateTime::now_utc()).await.expect("demo");
        // Measure on fresh connections, as a server started after the load would have.
        db.close().await;
        let db = Db::connect(&url).await.expect("reconnect");
        let coach = db::staff::by_email(&db, "coach@demo.example").await.expect("query").expect("coach");
        let scope = PersonScope::Enrolled { workers: vec![coach.id], programs: Vec::new() };
        (db, summary.org_id, scope)
    })
}

fn bench_search(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let (db, org_id, coach_scope) = setup(&rt);
    let mut group = c.benchmark_group("person_search");
    group.bench_function("everyone", |b| {
        let mut i = 0;
        b.to_async(&rt).iter(|| {
            i += 1;
            let query = QUERIES[i % QUERIES.len()];
            let db = db.clone();
            async move {
                black_box(db::search::search(&db, org_id, &PersonScope::Everyone, query, 50).await.expect("search"))
            }
        })
    });
    group.bench_function("coach_caseload", |b| {
        let mut i = 0;
        b.to_async(&rt).iter(|| {
            i += 1;
            let query = QUERIES[i % QUERIES.len()];
            let (db, scope) = (db.clone(), coach_scope.clone());
            async move { black_box(db::search::search(&db, org_id, &scope, query, 50).await.expect("search")) }
        })
    });
    group.finish();
}

fn bench_ranking(c: &mut Criterion) {
    let names = CandidateNames { given: "Oyelaran", family: "Okafor-Mensah", preferred: Some("Laran") };
    c.bench_function("name_score", |b| b.iter(|| name_score(black_box("okafro mensa"), black_box(&names))));
}

criterion_group!(benches, bench_ranking, bench_search);
criterion_main!(benches);
