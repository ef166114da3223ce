//! Groups on SQLite: 200 groups (weekly at different days and times, fortnightly, and monthly on
//! the first Saturday) with a year of stored sessions (mostly held with eight marks each, some
//! cancelled, some moved, some left without a record). Measures expanding a year of every
//! schedule (`groups::slots`), building and rendering the 12-month evidence report as HTML
//! (target: both together under 200 ms), the CSV, and loading one session's attendance page.
//! Run with `cargo bench --bench groups`; MAINSTAY_BENCH_GROUPS changes the number of groups.

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use mainstay::access::Actor;
use mainstay::app::AppState;
use mainstay::config::Config;
use mainstay::db::Db;
use mainstay::db::entities::{
    group_attendance, group_facilitator, group_schedule, group_session, person, program, support_group,
};
use mainstay::domain::Clock;
use mainstay::groups::evidence::{self, ScheduleFilter, Scope};
use mainstay::groups::{self, from_timestamp, rule_of, to_timestamp};
use mainstay::i18n::Tr;
use mainstay::web::Shell;
use mainstay::web::group_evidence::{SchedulePage, Words};
use mainstay::web::shell::ShellUser;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::hint::black_box;
use std::time::{Duration as StdDuration, Instant};
use time::{Duration, OffsetDateTime};
use tokio::runtime::Runtime;
use uuid::Uuid;

const TZ: &str = "America/New_York";
const MARKS: usize = 8;

struct Setup {
    state: AppState,
    org_id: Uuid,
    facilitator: Actor,
    filter: ScheduleFilter,
    session: (Uuid, Uuid),
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// The rule of the n-th group: most weekly, some fortnightly, some monthly.
fn rule_for(n: usize) -> (String, String, i32) {
    let day = ["MO", "TU", "WE", "TH", "FR", "SA"][n % 6];
    let time = ["10:00", "12:00", "14:00", "17:30", "18:00", "19:00"][(n / 6) % 6].to_string();
    match n % 8 {
        0 => ("FREQ=MONTHLY;BYDAY=1SA".into(), "10:00".into(), 120),
        1 => (format!("FREQ=WEEKLY;INTERVAL=2;BYDAY={day}"), time, 90),
        _ => (format!("FREQ=WEEKLY;BYDAY={day}"), time, 90),
    }
}

async fn insert_groups(db: &Db, org_id: Uuid, groups: usize, now: OffsetDateTime) -> (Uuid, Uuid, Uuid) {
    let conn = db.conn();
    // Only the bench's groups: the demo's own go first.
    for table in ["group_feedback", "group_attendance", "group_members", "group_sessions", "group_schedules"] {
        conn.execute_unprepared(&format!("DELETE FROM {table}")).await.expect("clear");
    }
    conn.execute_unprepared("DELETE FROM group_facilitators").await.expect("clear");
    conn.execute_unprepared("DELETE FROM support_groups").await.expect("clear");
    let program = program::Entity::find()
        .filter(program::Column::OrgId.eq(org_id))
        .filter(program::Column::ServesGroups.eq(true))
        .one(conn)
        .await
        .expect("programs")
        .expect("a groups program");
    let facilitator =
        mainstay::db::staff::by_email(db, "facilitator@demo.example").await.expect("query").expect("demo");
    let people: Vec<Uuid> = person::Entity::find()
        .filter(person::Column::OrgId.eq(org_id))
        .all(conn)
        .await
        .expect("people")
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (mut group_rows, mut facilitators, mut schedules) = (Vec::new(), Vec::new(), Vec::new());
    let (mut sessions, mut marks) = (Vec::new(), Vec::new());
    let year_ago = now - Duration::days(380);
    let mut first = None;
    for n in 0..groups {
        let id = Uuid::new_v4();
        group_rows.push(support_group::ActiveModel {
            id: Set(id),
            org_id: Set(org_id),
            program_id: Set(program.id),
            name: Set(format!("Bench group {n:03}")),
            kind: Set("support".into()),
            focus_areas: Set("transitions;goals".into()),
            audience: Set("individuals".into()),
            description: Set(None),
            membership: Set(if n % 3 == 0 { "open" } else { "closed" }.into()),
            capacity: Set(Some(12)),
            capacity_rule: Set("warn".into()),
            language: Set("en".into()),
            site_id: Set(None),
            room: Set(Some(format!("Room {}", n % 5 + 1))),
            online_link: Set(None),
            peer_led: Set(false),
            listed_publicly: Set(false),
            curriculum_id: Set(None),
            curriculum_version: Set(None),
            status: Set("active".into()),
            feed_token: Set(Uuid::new_v4().simple().to_string()),
            created_by: Set(facilitator.id),
            updated_by: Set(facilitator.id),
            version: Set(1),
            created_at: Set(year_ago),
            updated_at: Set(year_ago),
        });
        facilitators.push(group_facilitator::ActiveModel {
            id: Set(Uuid::new_v4()),
            org_id: Set(org_id),
            group_id: Set(id),
            staff_id: Set(Some(facilitator.id)),
            volunteer_name: Set(None),
            role: Set("lead".into()),
            added_by: Set(facilitator.id),
            added_at: Set(year_ago),
        });
        let (rrule, start_time, minutes) = rule_for(n);
        let schedule = group_schedule::Model {
            id: Uuid::new_v4(),
            org_id,
            group_id: id,
            rrule: Some(rrule),
            starts_on: year_ago.date(),
            start_time,
            minutes,
            ends_on: None,
            room: Some(format!("Room {}", n % 5 + 1)),
            active: true,
            created_by: facilitator.id,
            updated_by: facilitator.id,
            version: 1,
            created_at: year_ago,
            updated_at: year_ago,
        };
        let occurrences = rule_of(&schedule).occurrences(TZ, to_timestamp(year_ago), to_timestamp(now));
        for o in occurrences {
            let start = from_timestamp(o.starts_at);
            let end = from_timestamp(o.ends_at);
            let roll = rng.gen_range(0..100);
            if roll < 4 {
                continue; // left without a record
            }
            let (status, reason, shift) = match roll {
                4..8 => ("cancelled", Some("Holiday".to_string()), Duration::ZERO),
                8..10 => ("held", None, Duration::days(1)),
                _ => ("held", None, Duration::ZERO),
            };
            let session_id = Uuid::new_v4();
            let logged = status == "held" && rng.gen_bool(0.9);
            sessions.push(group_session::ActiveModel {
                id: Set(session_id),
                org_id: Set(org_id),
                group_id: Set(id),
                schedule_id: Set(Some(schedule.id)),
                occurrence_start: Set(Some(start)),
                starts_at: Set(start + shift),
                ends_at: Set(end + shift),
                status: Set(status.into()),
                cancel_reason: Set(reason),
                room: Set(schedule.room.clone()),
                curriculum_session: Set(None),
                topic: Set(Some("Staying well".into())),
                anonymous_count: Set(if n % 3 == 0 { rng.gen_range(0..4) } else { 0 }),
                topics_covered: Set(logged.then(|| "Check-in, topic, closing round.".to_string())),
                progress: Set(None),
                adaptations: Set(None),
                activities_offered: Set(None),
                opportunities: Set(None),
                safety_concerns: Set(None),
                logged_by: Set(logged.then_some(facilitator.id)),
                logged_at: Set(logged.then_some(end)),
                checkout_token: Set(None),
                created_by: Set(facilitator.id),
                updated_by: Set(facilitator.id),
                version: Set(1),
                created_at: Set(end),
                updated_at: Set(end),
            });
            if status == "held" {
                first.get_or_insert((id, session_id));
                for (k, p) in people.choose_multiple(&mut rng, MARKS).enumerate() {
                    marks.push(group_attendance::ActiveModel {
                        org_id: Set(org_id),
                        session_id: Set(session_id),
                        person_id: Set(*p),
                        group_id: Set(id),
                        status: Set(if k < 6 { "present" } else { "absent" }.into()),
                        drop_in: Set(n % 3 == 0 && k == 0),
                        leadership: Set(None),
                        contact_id: Set(None),
                        recorded_by: Set(facilitator.id),
                        recorded_at: Set(end),
                        version: Set(1),
                    });
                }
            }
        }
        schedules.push(group_schedule::ActiveModel::from(schedule));
    }
    let txn = db.begin_write().await.expect("write");
    support_group::Entity::insert_many(group_rows).exec_without_returning(&*txn).await.expect("groups");
    group_facilitator::Entity::insert_many(facilitators).exec_without_returning(&*txn).await.expect("facilitators");
    group_schedule::Entity::insert_many(schedules).exec_without_returning(&*txn).await.expect("schedules");
    for chunk in sessions.chunks(1000) {
        group_session::Entity::insert_many(chunk.to_vec()).exec_without_returning(&*txn).await.expect("sessions");
    }
    for chunk in marks.chunks(2500) {
        group_attendance::Entity::insert_many(chunk.to_vec()).exec_without_returning(&*txn).await.expect("marks");
    }
    txn.commit().await.expect("commit");
    let (group, session) = first.expect("a held session");
    (facilitator.id, group, session)
}

fn setup(rt: &Runtime) -> Setup {
    let groups = env_number("MAINSTAY_BENCH_GROUPS").unwrap_or(200) as usize;
    let path = std::env::temp_dir().join(format!("mainstay-bench-groups-{groups}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let url = format!("sqlite://{}", path.display());
    rt.block_on(async {
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let now = OffsetDateTime::now_utc();
        let summary = mainstay::demo::generate(&db, 500, 7, now).await.expect("demo");
        let (facilitator, group, session) = insert_groups(&db, summary.org_id, groups, now).await;
        db.after_bulk_load().await.expect("analyze");
        // Measure on fresh connections, as a server started after the load would have.
        db.close().await;
        let db = Db::connect(&url).await.expect("reconnect");
        let state = AppState::new(db.clone(), Config::for_database(&url), Clock::system());
        let facts = mainstay::auth::AccessCache::default()
            .load(&db, summary.org_id, facilitator)
            .await
            .expect("access facts")
            .expect("facilitator facts");
        let today = mainstay::app::local_date(TZ, now);
        let count = |table: &'static str| {
            let db = db.clone();
            async move {
                let row = db
                    .conn()
                    .query_one_raw(sea_orm::Statement::from_string(
                        db.backend(),
                        format!("SELECT COUNT(*) AS n FROM {table}"),
                    ))
                    .await
                    .expect("count")
                    .expect("row");
                row.try_get::<i64>("", "n").expect("n")
            }
        };
        println!(
            "{groups} groups, {} schedules, {} stored sessions, {} attendance marks",
            count("group_schedules").await,
            count("group_sessions").await,
            count("group_attendance").await
        );
        Setup {
            state,
            org_id: summary.org_id,
            facilitator: facts.actor(None),
            filter: ScheduleFilter::year_to(today),
            session: (group, session),
        }
    })
}

fn shell() -> Shell {
    Shell {
        tr: Tr::new(mainstay::domain::codes::UiLanguage::En),
        csrf: "x".repeat(43),
        user: Some(ShellUser {
            name: "Quality Lead".into(),
            sees_people: true,
            can_create_people: false,
            is_admin: false,
            sees_staff: true,
            sees_intake: true,
            sees_reports: true,
            sees_readiness: true,
        }),
        org_name: "Harbour Light Recovery Community".into(),
        crisis_line: "988".into(),
        emergency_number: "911".into(),
        flash: Vec::new(),
        path: "/groups/evidence/schedule".into(),
        languages: vec![("en", "English", true), ("fr", "Français", false), ("es", "Español", false)],
    }
}

/// The report built and rendered as the page handler does; returns the page's size.
async fn report_page(s: &Setup) -> usize {
    let conn = s.state.db.conn();
    let now = s.state.clock.now();
    let report = evidence::build(conn, s.org_id, TZ, &Scope::All, &s.filter, now).await.expect("report");
    let shell = shell();
    let words = Words::new(&shell);
    let page = SchedulePage { shell, report, errors: Default::default(), words, query: String::new() };
    askama::Template::render(&page).expect("render").len()
}

fn bench_groups(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let s = setup(&rt);
    let (start, end) = (
        evidence::local_midnight(TZ, s.filter.from),
        evidence::local_midnight(TZ, s.filter.to.next_day().expect("tomorrow")),
    );
    // One timed run of each step, printed plainly, before criterion's samples.
    rt.block_on(async {
        let conn = s.state.db.conn();
        let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let schedules = group_schedule::Entity::find()
            .filter(group_schedule::Column::OrgId.eq(s.org_id))
            .all(conn)
            .await
            .expect("schedules");
        let schedules_ms = ms(t);
        let t = Instant::now();
        let sessions = group_session::Entity::find()
            .filter(group_session::Column::OrgId.eq(s.org_id))
            .filter(group_session::Column::StartsAt.gte(start).and(group_session::Column::StartsAt.lt(end)))
            .all(conn)
            .await
            .expect("sessions");
        let sessions_ms = ms(t);
        let t = Instant::now();
        let expanded = groups::merge_slots(&schedules, &[], TZ, start, end);
        let expand_ms = ms(t);
        let t = Instant::now();
        let merged = groups::merge_slots(&schedules, &sessions, TZ, start, end);
        let merge_ms = ms(t);
        let t = Instant::now();
        let slots = groups::slots(conn, s.org_id, None, TZ, start, end).await.expect("slots");
        let slots_ms = ms(t);
        let t = Instant::now();
        let report =
            evidence::build(conn, s.org_id, TZ, &Scope::All, &s.filter, s.state.clock.now()).await.expect("report");
        let build_ms = ms(t);
        let t = Instant::now();
        let shell = shell();
        let words = Words::new(&shell);
        let page = SchedulePage { shell, report, errors: Default::default(), words, query: String::new() };
        let html = askama::Template::render(&page).expect("render");
        let render_ms = ms(t);
        println!(
            "{} occurrences ({} after laying {} sessions over them, {} from slots)\n\
             schedules query {schedules_ms:.1} ms, sessions query {sessions_ms:.1} ms, expanding the rules \
             {expand_ms:.1} ms, expanding and merging {merge_ms:.1} ms, slots {slots_ms:.1} ms\n\
             report build {build_ms:.1} ms, HTML render {render_ms:.1} ms ({} bytes)",
            expanded.len(),
            merged.len(),
            sessions.len(),
            slots.len(),
            html.len()
        );
    });
    let mut group = c.benchmark_group("groups");
    group.sample_size(20).sampling_mode(SamplingMode::Flat).measurement_time(StdDuration::from_secs(10));
    group.bench_function("slots_year_200_groups", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(groups::slots(s.state.db.conn(), s.org_id, None, TZ, start, end).await.expect("slots"))
        })
    });
    group.bench_function("evidence_report_build_and_render_html", |b| {
        b.to_async(&rt).iter(|| async { black_box(report_page(&s).await) })
    });
    group.bench_function("evidence_report_csv", |b| {
        b.to_async(&rt).iter(|| async {
            let now = s.state.clock.now();
            let report =
                evidence::build(s.state.db.conn(), s.org_id, TZ, &Scope::All, &s.filter, now).await.expect("report");
            black_box(evidence::csv(&report, &Tr::new(mainstay::domain::codes::UiLanguage::En)).expect("csv"))
        })
    });
    group.bench_function("attendance_page_data", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(
                mainstay::groups::attendance::session(&s.state, &s.facilitator, s.session.0, s.session.1)
                    .await
                    .expect("attendance"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench_groups);
criterion_main!(benches);
