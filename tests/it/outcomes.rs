//! Outcome dashboards, disaggregation with small-cell suppression, a person's trajectory and the
//! dashboard cache, through the services, the pages and the API. Exact figures are checked on data
//! built here, in a program of its own, so the demo's measurements do not move them.

use crate::helpers::{Client, TestApp};
use axum::http::{Method, StatusCode};
use mainstay::db::entities::{enrolment, outcome_measurement, person, program, staff};
use mainstay::domain::disaggregation::{Dimension, is_small};
use mainstay::domain::outcomes::{Target, TargetKind, evaluate};
use mainstay::outcomes::analytics::{self, Filters, Scope};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};
use time::macros::date;
use time::{Date, Duration};
use uuid::Uuid;

const COACH: &str = "coach@demo.example";
const DIRECTOR: &str = "director@demo.example";
const SUPERVISOR: &str = "supervisor@demo.example";

async fn org_of(app: &TestApp) -> Uuid {
    staff::Entity::find()
        .filter(staff::Column::Email.eq(DIRECTOR))
        .one(app.db.conn())
        .await
        .unwrap()
        .expect("director")
        .org_id
}

/// A program of its own, so only the measurements recorded here fall in it.
async fn new_program(app: &TestApp, org_id: Uuid, name: &str) -> Uuid {
    let now = app.now();
    let id = Uuid::new_v4();
    program::ActiveModel {
        id: Set(id),
        org_id: Set(org_id),
        name: Set(name.into()),
        description: Set(None),
        serves_individuals: Set(true),
        serves_groups: Set(false),
        serves_referral: Set(false),
        peer_delivered: Set(true),
        occasional_only: Set(false),
        active: Set(true),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(app.db.conn())
    .await
    .expect("program");
    id
}

/// The demo organisation's people, in a stable order.
async fn people(app: &TestApp, org_id: Uuid) -> Vec<Uuid> {
    person::Entity::find()
        .filter(person::Column::OrgId.eq(org_id))
        .order_by_asc(person::Column::RecordNumber)
        .all(app.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect()
}

async fn measure(app: &TestApp, org_id: Uuid, person_id: Uuid, program_id: Uuid, key: &str, on: Date, score: f64) {
    let now = app.now();
    outcome_measurement::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id),
        person_id: Set(person_id),
        program_id: Set(Some(program_id)),
        site_id: Set(None),
        instrument_key: Set(key.into()),
        instrument_version: Set(1),
        occasion: Set("review".into()),
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
    }
    .insert(app.db.conn())
    .await
    .expect("measurement");
    // As every real write does.
    mainstay::outcomes::summary::refresh(app.db.conn(), org_id, person_id, key).await.expect("summary");
}

fn year(program_id: Uuid) -> Filters {
    Filters { program_id: Some(program_id), from: date!(2025 - 11 - 19), to: date!(2026 - 11 - 18) }
}

#[tokio::test]
async fn paired_change_counts_only_people_measured_twice_with_known_answers() {
    let app = TestApp::spawn().await;
    let org = org_of(&app).await;
    let program = new_program(&app, org, "Hand-built outcomes").await;
    let ids = people(&app, org).await;
    let d = date!(2026 - 03 - 01);
    // BARC-10: four pairs 30→40, 40→44, 50→50, 46→47; one person measured once (60); one pair
    // measured three times, 20→25→35 (first 20, latest 35).
    for (i, (first, latest)) in [(30.0, 40.0), (40.0, 44.0), (50.0, 50.0), (46.0, 47.0)].into_iter().enumerate() {
        measure(&app, org, ids[i], program, "barc-10", d, first).await;
        measure(&app, org, ids[i], program, "barc-10", d + Duration::days(90), latest).await;
    }
    measure(&app, org, ids[4], program, "barc-10", d, 60.0).await;
    for (k, score) in [20.0, 25.0, 35.0].into_iter().enumerate() {
        measure(&app, org, ids[5], program, "barc-10", d + Duration::days(30 * k as i64), score).await;
    }
    // Outside the period: ignored.
    measure(&app, org, ids[6], program, "barc-10", date!(2024 - 01 - 01), 10.0).await;
    measure(&app, org, ids[6], program, "barc-10", date!(2024 - 06 - 01), 60.0).await;

    let scope = Scope { program_id: Some(program), from: Some(date!(2025 - 11 - 19)), to: Some(date!(2026 - 11 - 18)) };
    let scores = analytics::person_scores(app.db.conn(), org, "barc-10", &scope).await.unwrap();
    assert_eq!(scores.len(), 6);
    assert_eq!(scores.iter().filter(|s| s.count >= 2).count(), 5);

    let dash = analytics::dashboard_figures(app.db.conn(), org, year(program)).await.unwrap();
    let barc = dash.measures.iter().find(|m| m.measure.key == "barc-10").expect("BARC-10 summary");
    assert_eq!(barc.measured, 6);
    assert_eq!(barc.change.n, 5);
    // First: 30 40 50 46 20 = 186 / 5; latest: 40 44 50 47 35 = 216 / 5; change 6.
    assert!((barc.change.mean_first - 37.2).abs() < 1e-9);
    assert!((barc.change.mean_latest - 43.2).abs() < 1e-9);
    assert!((barc.change.mean_change - 6.0).abs() < 1e-9);
    assert_eq!((barc.change.improved, barc.change.unchanged, barc.change.worsened), (4, 1, 0));
    // Latest at or above 47, of everyone measured: 50, 47, 60 → 3 of 6.
    let cut = barc.reaching_cut_off.expect("BARC-10 has a cut-off");
    assert_eq!((cut.count, cut.of), (Some(3), Some(6)));
    assert_eq!(cut.percent, Some(50.0));
    // At intake, of the pairs: 50 only.
    assert_eq!(barc.reaching_cut_off_first.unwrap().count, Some(1));
    // The distribution holds the five pairs at both points.
    let dist = dash.distributions.iter().find(|d| d.measure.key == "barc-10").expect("distribution");
    assert_eq!(dist.n, 5);
    assert_eq!(dist.first.iter().sum::<u64>(), 5);
    assert_eq!(dist.latest.iter().sum::<u64>(), 5);

    // Targets judged on the same people.
    let reach = Target { kind: TargetKind::ReachThreshold, value: 47.0, share: Some(50.0) };
    let p = evaluate(&reach, &scores, true);
    assert_eq!((p.n, p.meeting, p.met), (6, Some(3), Some(true)));
    let improve = Target { kind: TargetKind::ImproveBy, value: 10.0, share: Some(50.0) };
    let p = evaluate(&improve, &scores, true);
    // Gains 10, 4, 0, 1, 15: two of five.
    assert_eq!((p.n, p.meeting, p.met), (5, Some(2), Some(false)));
    let mean = Target { kind: TargetKind::MeanChange, value: 6.0, share: None };
    assert_eq!(evaluate(&mean, &scores, true).met, Some(true));
}

#[tokio::test]
async fn a_period_compares_each_latest_score_inside_it_with_the_baseline_even_from_before_it() {
    let app = TestApp::spawn().await;
    let org = org_of(&app).await;
    let program = new_program(&app, org, "Baselines").await;
    let ids = people(&app, org).await;
    // A: baseline before the period, follow-up inside it. B: three scores, the last after a past
    // period's end. C: measured only after that end. D: measured only before the year.
    measure(&app, org, ids[0], program, "barc-10", date!(2025 - 06 - 01), 30.0).await;
    measure(&app, org, ids[0], program, "barc-10", date!(2026 - 03 - 01), 40.0).await;
    for (day, score) in [(date!(2026 - 01 - 01), 20.0), (date!(2026 - 05 - 01), 25.0), (date!(2026 - 09 - 01), 45.0)] {
        measure(&app, org, ids[1], program, "barc-10", day, score).await;
    }
    measure(&app, org, ids[2], program, "barc-10", date!(2026 - 08 - 01), 50.0).await;
    measure(&app, org, ids[3], program, "barc-10", date!(2025 - 01 - 01), 12.0).await;

    let pairs = |scores: Vec<mainstay::domain::outcomes::PersonScores>| {
        let mut v: Vec<(f64, f64, u32)> = scores.into_iter().map(|s| (s.first, s.latest, s.count)).collect();
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v
    };
    let year = Scope { program_id: Some(program), from: Some(date!(2025 - 11 - 19)), to: Some(date!(2026 - 11 - 18)) };
    let scores = analytics::person_scores(app.db.conn(), org, "barc-10", &year).await.unwrap();
    assert_eq!(pairs(scores), vec![(20.0, 45.0, 3), (30.0, 40.0, 2), (50.0, 50.0, 1)]);

    // A past period ends before B's last score and C's only one: B counts with the score they had
    // by then, C not at all.
    let past = Scope { to: Some(date!(2026 - 06 - 30)), ..year.clone() };
    let scores = analytics::person_scores(app.db.conn(), org, "barc-10", &past).await.unwrap();
    assert_eq!(pairs(scores), vec![(20.0, 25.0, 2), (30.0, 40.0, 2)]);
    let dash = analytics::dashboard_figures(
        app.db.conn(),
        org,
        Filters { program_id: Some(program), from: date!(2025 - 11 - 19), to: date!(2026 - 06 - 30) },
    )
    .await
    .unwrap();
    let barc = dash.measures.iter().find(|m| m.measure.key == "barc-10").expect("BARC-10");
    assert_eq!((barc.measured, barc.change.n), (2, 2));
    assert!((barc.change.mean_change - 7.5).abs() < 1e-9);

    // The organisation-wide figures hold the same people under the same rules.
    let whole = Scope { program_id: None, ..past };
    let rows = analytics::person_rows(app.db.conn(), org, "barc-10", &whole).await.unwrap();
    for id in [ids[0], ids[1]] {
        assert!(rows.iter().any(|r| r.person_id == id && r.latest_on <= date!(2026 - 06 - 30)));
    }
    assert!(!rows.iter().any(|r| r.person_id == ids[2] || r.person_id == ids[3]));
    app.assert_summaries_match_a_rebuild().await;
}

#[tokio::test]
async fn who5_meaningful_change_uses_ten_points_either_way() {
    let app = TestApp::spawn().await;
    let org = org_of(&app).await;
    let program = new_program(&app, org, "Well-being").await;
    let ids = people(&app, org).await;
    let d = date!(2026 - 02 - 01);
    for (i, (first, latest)) in [(40.0, 52.0), (60.0, 48.0), (40.0, 48.0), (44.0, 54.0)].into_iter().enumerate() {
        measure(&app, org, ids[i], program, "who-5", d, first).await;
        measure(&app, org, ids[i], program, "who-5", d + Duration::days(60), latest).await;
    }
    let dash = analytics::dashboard_figures(app.db.conn(), org, year(program)).await.unwrap();
    let who = dash.measures.iter().find(|m| m.measure.key == "who-5").expect("WHO-5");
    assert_eq!(who.meaningful_improvement.unwrap().count, Some(2), "+12 and +10 are meaningful, +8 is not");
    assert_eq!(who.meaningful_worsening.unwrap().count, Some(1), "−12");
    assert_eq!(who.reaching_cut_off.unwrap().count, Some(2), "52 and 54 are above 50");
}

#[tokio::test]
async fn disaggregation_hides_small_cells_and_their_complements() {
    let app = TestApp::spawn().await;
    let org = org_of(&app).await;
    let program = new_program(&app, org, "Breakdown").await;
    let ids = people(&app, org).await;
    assert!(ids.len() >= 38, "the demo has 40 people");
    let d = date!(2026 - 01 - 10);
    // 26 women: 13 improved, 13 unchanged. 12 men: 6 improved, 6 worsened.
    for (i, id) in ids.iter().take(38).enumerate() {
        let gender = if i < 26 { "woman" } else { "man" };
        person::Entity::update_many()
            .col_expr(person::Column::Gender, sea_orm::sea_query::Expr::value(gender))
            .filter(person::Column::Id.eq(*id))
            .exec(app.db.conn())
            .await
            .unwrap();
        let latest = match i {
            0..13 | 26..32 => 45.0,
            13..26 => 30.0,
            _ => 25.0,
        };
        measure(&app, org, *id, program, "barc-10", d, 30.0).await;
        measure(&app, org, *id, program, "barc-10", d + Duration::days(90), latest).await;
    }
    let figures =
        analytics::disaggregation_figures(app.db.conn(), org, year(program), Dimension::Gender).await.unwrap();
    let barc = figures.measures.iter().find(|m| m.measure.key == "barc-10").expect("BARC-10");
    let row = |key: &str| barc.rows.iter().find(|r| r.category.key == key).expect(key).clone();
    let (woman, man) = (row("woman"), row("man"));
    assert_eq!((woman.n, man.n), (Some(26), Some(12)));
    assert_eq!((man.improved, man.worsened), (None, None), "6 and 6 are small");
    // The women's 13 improved would give the men's 6 away from the column total (19), and then the
    // women's 13 unchanged would give it back from their row: both go.
    assert_eq!((woman.improved, woman.unchanged, woman.worsened), (None, None, Some(0)));
    assert!(man.mean_change.is_some() && woman.mean_change.is_some(), "means of shown counts show");
    assert_eq!(barc.total.n, Some(38));
    assert_eq!(barc.total.improved, Some(19));
    assert_eq!(barc.total.worsened, None, "6 in all");
    // Nothing shown anywhere is from 1 to 10.
    for r in barc.rows.iter().chain(std::iter::once(&barc.total)) {
        for v in [r.n, r.improved, r.unchanged, r.worsened, r.measured, r.reaching].into_iter().flatten() {
            assert!(!is_small(v), "{v} shown for {:?}", r.category.key);
        }
    }
}

fn svg_well_formed(html: &str) -> bool {
    let opened = html.matches("<svg").count();
    opened > 0 && opened == html.matches("</svg>").count() && html.contains("<title")
}

async fn api(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("outcomes").await;
    (client, token)
}

#[tokio::test]
async fn a_coach_cannot_see_dashboards_but_a_director_can() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in(COACH).await;
    coach.get("/outcomes/dashboard").await.assert_status(StatusCode::FORBIDDEN);
    coach.get("/outcomes/disaggregation?by=race").await.assert_status(StatusCode::FORBIDDEN);
    // The hub shows the coach only what they may use.
    let hub = coach.get("/outcomes").await;
    hub.assert_status(StatusCode::OK).assert_contains("/logic-models").assert_lacks("/outcomes/dashboard");
    let (mut c, token) = api(&app, COACH).await;
    c.api(Method::GET, "/api/v1/outcomes/dashboard", &token, None).await.assert_status(StatusCode::FORBIDDEN);

    let mut director = app.signed_in(DIRECTOR).await;
    director.get("/outcomes").await.assert_status(StatusCode::OK).assert_contains("/outcomes/dashboard");
    let page = director.get("/outcomes/dashboard").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Outputs over time")
        .assert_contains("Scores at intake and latest");
    assert!(svg_well_formed(&page.body), "charts are SVG");
    let page = director.get("/outcomes/disaggregation?by=age-band").await;
    page.assert_status(StatusCode::OK).assert_contains("Outcomes by Age band");
    assert!(app.audit_soon_contains("outcomes.dashboard.view").await);
}

#[tokio::test]
async fn bad_dashboard_filters_get_messages_not_errors() {
    let app = TestApp::spawn().await;
    let mut director = app.signed_in(DIRECTOR).await;
    director
        .get("/outcomes/dashboard?from=2026-12-01&to=2026-01-01")
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    director
        .get("/outcomes/disaggregation?by=shoe-size")
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Choose what to break the results down by");
    let (mut c, token) = api(&app, DIRECTOR).await;
    let r = c.api(Method::GET, "/api/v1/outcomes/disaggregation?by=shoe-size", &token, None).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["field"], "by");
    let r = c.api(Method::GET, "/api/v1/outcomes/dashboard?program_id=nope", &token, None).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["field"], "program_id");
}

/// A person with no enrolment on the coach's caseload.
async fn person_not_on_caseload(app: &TestApp, email: &str) -> Uuid {
    let conn = app.db.conn();
    let worker = staff::Entity::find().filter(staff::Column::Email.eq(email)).one(conn).await.unwrap().unwrap();
    let mine: Vec<Uuid> = enrolment::Entity::find()
        .filter(enrolment::Column::WorkerId.eq(worker.id))
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.person_id)
        .collect();
    people(app, worker.org_id).await.into_iter().find(|p| !mine.contains(p)).expect("someone else's person")
}

#[tokio::test]
async fn a_persons_chart_needs_caseload_access_and_is_audited() {
    let app = TestApp::spawn().await;
    let org = org_of(&app).await;
    let program = new_program(&app, org, "Trajectory").await;
    let mine = app.person_of(COACH).await;
    let d = date!(2026 - 05 - 01);
    for (k, score) in [25.0, 38.0, 49.0].into_iter().enumerate() {
        measure(&app, org, mine, program, "barc-10", d + Duration::days(90 * k as i64), score).await;
    }
    let mut coach = app.signed_in(COACH).await;
    let page = coach.get(&format!("/people/{mine}/outcomes")).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Brief Assessment of Recovery Capital")
        .assert_contains("Cut-off 47");
    assert!(svg_well_formed(&page.body));
    assert!(page.body.contains("2026-05-01") && page.body.contains("49"), "the table beside the chart");
    let audits = app.audit_actions().await;
    assert!(audits.iter().any(|(a, o)| a == "outcomes.trajectory.view" && o == "success"));

    let other = person_not_on_caseload(&app, COACH).await;
    coach.get(&format!("/people/{other}/outcomes")).await.assert_status(StatusCode::FORBIDDEN);

    let (mut c, token) = api(&app, COACH).await;
    let r = c.api(Method::GET, &format!("/api/v1/people/{mine}/outcomes"), &token, None).await;
    r.assert_status(StatusCode::OK);
    let body = r.json();
    let barc = body["trajectories"].as_array().unwrap().iter().find(|t| t["measure"]["key"] == "barc-10").cloned();
    let barc = barc.expect("BARC-10 trajectory");
    // Hand-built points, plus any the demo recorded for this person.
    assert!(barc["points"].as_array().unwrap().len() >= 3);
    c.api(Method::GET, &format!("/api/v1/people/{other}/outcomes"), &token, None)
        .await
        .assert_status(StatusCode::FORBIDDEN);

    // The lead's embed: the same chart as a string.
    let svg = analytics::person_chart(
        app.db.conn(),
        org,
        mine,
        "barc-10",
        &mainstay::i18n::Tr::new(mainstay::domain::codes::UiLanguage::En),
    )
    .await
    .unwrap()
    .expect("chart");
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
}

fn measured(dashboard: &Value, key: &str) -> u64 {
    dashboard["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["measure"]["key"] == key)
        .map(|m| m["measured"].as_u64().unwrap())
        .unwrap_or(0)
}

#[tokio::test]
async fn the_dashboard_changes_as_soon_as_a_measurement_is_recorded() {
    let app = TestApp::spawn().await;
    // Someone on the coach's caseload with no WHO-5 yet.
    let person = app.person_of(COACH).await;
    outcome_measurement::Entity::delete_many()
        .filter(outcome_measurement::Column::PersonId.eq(person))
        .filter(outcome_measurement::Column::InstrumentKey.eq("who-5"))
        .exec(app.db.conn())
        .await
        .unwrap();
    mainstay::outcomes::summary::rebuild_everywhere(app.db.conn()).await.unwrap();
    let (mut d, dtoken) = api(&app, SUPERVISOR).await;
    let path = "/api/v1/outcomes/dashboard";
    let before = d.api(Method::GET, path, &dtoken, None).await;
    before.assert_status(StatusCode::OK);
    let before = before.json();
    // Served again from the cache: the same figures.
    assert_eq!(d.api(Method::GET, path, &dtoken, None).await.json(), before);
    assert!(!app.state.outcome_cache.is_empty());

    // They answer it through the API.
    let (mut c, ctoken) = api(&app, COACH).await;
    let answers = json!({ "q1": 3, "q2": 3, "q3": 4, "q4": 2, "q5": 3 });
    let r = c
        .api(
            Method::POST,
            &format!("/api/v1/people/{person}/measures"),
            &ctoken,
            Some(json!({ "instrument_key": "who-5", "source": "staff", "occasion": "review", "answers": answers })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let after = d.api(Method::GET, path, &dtoken, None).await.json();
    assert_ne!(after, before, "the cached figures were not reused");
    assert_eq!(measured(&after, "who-5"), measured(&before, "who-5") + 1);
}
