//! De-identified outcome exports and the funder report: what leaves, who may take it, and the log.

use crate::helpers::*;
use axum::http::{Method, StatusCode};
use mainstay::db::entities::{enrolment, outcome_measurement, person};
use sea_orm::{ActiveValue::Set, EntityTrait, QueryOrder};
use time::{Date, Month};
use uuid::Uuid;

fn day(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).unwrap()
}

/// A BARC-10 score stored as a measurement would be, for figures known in advance.
async fn measure(app: &TestApp, person: &person::Model, program_id: Uuid, on: Date, score: f64) {
    let now = app.now();
    outcome_measurement::Entity::insert(outcome_measurement::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(person.org_id),
        person_id: Set(person.id),
        program_id: Set(Some(program_id)),
        site_id: Set(None),
        instrument_key: Set("barc-10".into()),
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
    })
    .exec_without_returning(app.db.conn())
    .await
    .unwrap();
    // As every real write does, so summaries and cached dashboards see it.
    mainstay::outcomes::summary::refresh(app.db.conn(), person.org_id, person.id, "barc-10").await.unwrap();
    mainstay::outcomes::stamp::bump(app.db.conn(), person.org_id, now).await.unwrap();
}

/// Only the measurements a test writes; returns the first `n` enrolled people with their program.
async fn fresh(app: &TestApp, n: usize) -> Vec<(person::Model, Uuid)> {
    app.execute("DELETE FROM outcome_measurements").await;
    app.execute("DELETE FROM outcome_person_summaries").await;
    let enrolments =
        enrolment::Entity::find().order_by_asc(enrolment::Column::StartedOn).all(app.db.conn()).await.unwrap();
    let mut out: Vec<(person::Model, Uuid)> = Vec::new();
    for e in enrolments {
        if out.iter().any(|(p, _)| p.id == e.person_id) {
            continue;
        }
        let p = person::Entity::find_by_id(e.person_id).one(app.db.conn()).await.unwrap().unwrap();
        out.push((p, e.program_id));
        if out.len() == n {
            break;
        }
    }
    out
}

fn data_rows(body: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

#[tokio::test]
async fn quality_lead_downloads_outcomes_without_names_and_with_months() {
    let app = TestApp::spawn().await;
    let people = fresh(&app, 1).await;
    let (p, program) = &people[0];
    measure(&app, p, *program, day(2026, Month::January, 10), 30.0).await;
    measure(&app, p, *program, day(2026, Month::April, 12), 41.0).await;
    let mut quality = app.signed_in("quality@demo.example").await;
    let csv = quality.get("/outcomes/exports/outcomes.csv").await;
    csv.assert_status(StatusCode::OK);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert_eq!(csv.headers["cache-control"], "private, no-store");
    assert!(csv.body.starts_with("participant,program,age_band,gender,race,ethnicity,language,instrument,"));
    let rows = data_rows(&csv.body);
    assert_eq!(rows.len(), 2);
    assert!(rows[0][0].starts_with("P-"), "{:?}", rows[0]);
    assert_eq!(rows[0][0], rows[1][0], "one person, one pseudonym");
    // The month only, and the days since the first measurement survive.
    assert_eq!(&rows[0][13], "2026-01");
    assert_eq!(&rows[1][13], "2026-04");
    assert_eq!(&rows[1][14], "92");
    assert_eq!(&rows[1][15], "41");
    for forbidden in [&p.legal_given_name, &p.legal_family_name, &p.id.to_string(), &p.record_number.to_string()] {
        assert!(!csv.body.contains(forbidden.as_str()), "{forbidden} leaked");
    }
    if let Some(dob) = p.date_of_birth {
        assert!(!csv.body.contains(&dob.to_string()));
    }
    let people_csv = quality.get("/outcomes/exports/outcomes.csv?shape=people").await;
    let rows = data_rows(&people_csv.body);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][8], "2", "two measurements");
    assert_eq!(rows[0][14], "11", "change from 30 to 41");
    assert!(app.audit_actions().await.iter().filter(|(a, _)| a == "outcomes.export").count() >= 2);
}

#[tokio::test]
async fn shifted_dates_keep_intervals_and_a_new_key_changes_every_pseudonym() {
    let app = TestApp::spawn().await;
    let people = fresh(&app, 1).await;
    let (p, program) = &people[0];
    measure(&app, p, *program, day(2026, Month::March, 1), 30.0).await;
    measure(&app, p, *program, day(2026, Month::June, 1), 35.0).await;
    let mut quality = app.signed_in("quality@demo.example").await;
    quality.get("/outcomes/exports").await.assert_status(StatusCode::OK);
    let saved = quality
        .post("/outcomes/exports/settings", &[("dates", "shift"), ("shift_max_days", "20"), ("version", "0")])
        .await;
    saved.assert_redirect_to("/outcomes/exports");
    let first = data_rows(&quality.get("/outcomes/exports/outcomes.csv").await.body);
    let again = data_rows(&quality.get("/outcomes/exports/outcomes.csv").await.body);
    assert_eq!(first, again, "the same file twice");
    let a = Date::parse(&first[0][13], &time::format_description::well_known::Iso8601::DATE).unwrap();
    let b = Date::parse(&first[1][13], &time::format_description::well_known::Iso8601::DATE).unwrap();
    assert_eq!((b - a).whole_days(), 92, "the interval is kept");
    assert!((a - day(2026, Month::March, 1)).whole_days().abs() <= 20);

    let page = quality.get("/outcomes/exports").await;
    page.assert_contains("Replace the key");
    let refused = quality.post("/outcomes/exports/rotate", &[("version", "1")]).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains("Tick the box");
    quality
        .post("/outcomes/exports/rotate", &[("version", "1"), ("confirm", "yes")])
        .await
        .assert_redirect_to("/outcomes/exports");
    let rotated = data_rows(&quality.get("/outcomes/exports/outcomes.csv").await.body);
    assert_ne!(rotated[0][0], first[0][0]);
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|(a, _)| a == "outcomes.export-settings"));
    assert!(actions.iter().any(|(a, _)| a == "outcomes.export-key-rotated"));
}

#[tokio::test]
async fn only_directors_and_the_quality_lead_export() {
    let app = TestApp::spawn().await;
    for email in ["coach@demo.example", "supervisor@demo.example", "facilitator@demo.example", "admin@demo.example"] {
        let mut c = app.signed_in(email).await;
        c.get("/outcomes/exports/outcomes.csv").await.assert_status(StatusCode::FORBIDDEN);
        c.get("/outcomes/exports/funder-report").await.assert_status(StatusCode::FORBIDDEN);
    }
    // The administrator may still choose how exports are made.
    let mut admin = app.signed_in("admin@demo.example").await;
    admin.get("/outcomes/exports").await.assert_status(StatusCode::OK).assert_contains("How exports are made");
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get("/outcomes/exports").await.assert_status(StatusCode::FORBIDDEN);
    let mut director = app.signed_in("director@demo.example").await;
    director.get("/outcomes/exports/outcomes.csv").await.assert_status(StatusCode::OK);
    let other = Uuid::new_v4().to_string();
    director
        .get(&format!("/outcomes/exports/outcomes.csv?program_id={other}"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_export_requests_get_messages() {
    let app = TestApp::spawn().await;
    let mut quality = app.signed_in("quality@demo.example").await;
    let page = quality.get("/outcomes/exports/outcomes.csv?from=2026-13-01&to=2026-01-01").await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("error-summary");
    let page = quality.get("/outcomes/exports/outcomes.csv?from=2026-05-01&to=2026-01-01").await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("on or after the start date");
    let bad = quality
        .post("/outcomes/exports/settings", &[("dates", "week"), ("shift_max_days", "900"), ("version", "0")])
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("from 1 to 365");

    let token = quality.create_token("exports").await;
    let mut api = app.client();
    let r = api.api(Method::GET, "/api/v1/outcomes/exports/outcomes.csv?shape=rows", &token, None).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["field"], "shape");
    let r = api.api(Method::GET, "/api/v1/outcomes/exports/settings", &token, None).await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json()["version"], 0);
    assert!(r.json().get("pseudonym_key").is_none());
    let body = serde_json::json!({ "dates": "shift", "shift_max_days": "30", "version": 0 });
    api.api(Method::PUT, "/api/v1/outcomes/exports/settings", &token, Some(body.clone()))
        .await
        .assert_status(StatusCode::OK);
    let stale = api.api(Method::PUT, "/api/v1/outcomes/exports/settings", &token, Some(body)).await;
    stale.assert_status(StatusCode::CONFLICT);
}

#[tokio::test]
async fn funder_report_shows_change_only_behind_eleven_people() {
    let app = TestApp::spawn().await;
    let people = fresh(&app, 33).await;
    assert_eq!(people.len(), 33, "the demo has enough people");
    for (i, (p, program)) in people.iter().enumerate() {
        measure(&app, p, *program, day(2026, Month::February, 2), 30.0).await;
        measure(&app, p, *program, day(2026, Month::August, 2), 30.0 + (i % 3) as f64 * 10.0).await;
    }
    let mut quality = app.signed_in("quality@demo.example").await;
    let page = quality.get("/outcomes/exports/funder-report?from=2026-01-01&to=2026-11-18").await;
    page.assert_status(StatusCode::OK).assert_contains("What was delivered").assert_contains("BARC-10");
    let token = quality.create_token("report").await;
    let mut api = app.client();
    let r = api.api(Method::GET, "/api/v1/outcomes/funder-report?from=2026-01-01&to=2026-11-18", &token, None).await;
    r.assert_status(StatusCode::OK);
    let report = r.json();
    let barc = report["measures"].as_array().unwrap().iter().find(|m| m["key"] == "barc-10").unwrap().clone();
    assert_eq!(barc["measured"], 33);
    assert_eq!(barc["pairs"], 33);
    assert_eq!(barc["improved"], 22);
    assert_eq!(barc["mean_change"], 10.0);
    // 11 of 33 reach 47 or more (the people who went to 50).
    assert!((barc["reaching_cut_off"].as_f64().unwrap() - 100.0 / 3.0).abs() < 0.01);
    assert_eq!(barc["suppressed"], false);
    assert!(report["breakdowns"].as_array().unwrap().iter().any(|b| b["dimension"] == "race"));

    // Ten people: every figure is held back.
    app.execute("DELETE FROM outcome_measurements").await;
    app.execute("DELETE FROM outcome_person_summaries").await;
    for (p, program) in people.iter().take(10) {
        measure(&app, p, *program, day(2026, Month::February, 2), 30.0).await;
        measure(&app, p, *program, day(2026, Month::August, 2), 44.0).await;
    }
    let r = api.api(Method::GET, "/api/v1/outcomes/funder-report?from=2026-01-01&to=2026-11-18", &token, None).await;
    let barc = r.json()["measures"].as_array().unwrap().iter().find(|m| m["key"] == "barc-10").unwrap().clone();
    assert!(barc["measured"].is_null());
    assert!(barc["pairs"].is_null());
    assert!(barc["mean_change"].is_null());
    assert_eq!(barc["suppressed"], true);
    assert!(app.audit_actions().await.iter().filter(|(a, _)| a == "outcomes.export").count() >= 3);
}
