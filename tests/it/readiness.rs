//! Accreditation readiness through the pages and the API: who may see and rate, the catalogue
//! over JSON, applicability following the programs' services and the settings, suggestions
//! following the thresholds, self-ratings with validation and history, settings conflicts, and the
//! audit of every read. The harness's clock starts on 2026-11-18; the demo organisation's
//! programs deliver every kind of service.

use crate::helpers::{Client, TestApp};
use axum::http::{Method, StatusCode};
use mainstay::standards::rating::Thresholds;
use serde_json::{Value, json};

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("readiness").await;
    (client, token)
}

fn has_error(response: &Value, field: &str, code: &str) -> bool {
    response["errors"]
        .as_array()
        .is_some_and(|errors| errors.iter().any(|e| e["field"].as_str().unwrap_or("") == field && e["code"] == code))
}

fn standard<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["standards"].as_array().unwrap())
        .find(|st| st["id"] == id)
        .unwrap_or_else(|| panic!("{id} in the report"))
}

fn section<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["sections"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap_or_else(|| panic!("{id}"))
}

#[tokio::test]
async fn the_quality_lead_sees_every_standard_with_fundamental_practice_first_and_a_coach_is_refused() {
    let app = TestApp::spawn().await;
    let mut quality = app.signed_in("quality@demo.example").await;
    let page = quality.get("/readiness").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Fundamental Practice standards")
        .assert_contains("CSE 3.02")
        .assert_contains("CSE 6.03")
        .assert_contains("Which standards apply");
    let fp = page.body.find("id=\"fundamental\"").expect("fundamental section");
    let first_section = page.body.find("id=\"cse-1\"").expect("CSE 1 section");
    assert!(fp < first_section, "Fundamental Practice standards come first");
    assert!(app.audit_soon_contains("readiness.evidence.view").await);

    let mut director = app.signed_in("director@demo.example").await;
    director.get("/readiness?source=prsc").await.assert_status(StatusCode::OK).assert_contains("PRSC");

    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get("/readiness").await.assert_status(StatusCode::FORBIDDEN);
    let (mut coach_api, token) = api_user(&app, "coach@demo.example").await;
    coach_api.api(Method::GET, "/api/v1/readiness", &token, None).await.assert_status(StatusCode::FORBIDDEN);
    assert!(app.audit_actions().await.iter().any(|(action, outcome)| action == "access.denied" && outcome == "denied"));
}

#[tokio::test]
async fn the_catalogue_lists_four_sources_and_serves_each_in_full() {
    let app = TestApp::spawn().await;
    let (mut client, token) = api_user(&app, "quality@demo.example").await;
    let list = client.api(Method::GET, "/api/v1/standards", &token, None).await;
    list.assert_status(StatusCode::OK);
    let sources: Vec<String> =
        list.json().as_array().unwrap().iter().map(|s| s["source"].as_str().unwrap().to_string()).collect();
    assert_eq!(sources, ["cse-2024", "ca-cse-2022", "ca-cse-2020", "prsc"]);
    for source in &sources {
        let full = client.api(Method::GET, &format!("/api/v1/standards/{source}"), &token, None).await;
        full.assert_status(StatusCode::OK);
        assert!(!full.json()["section"].as_array().unwrap().is_empty(), "{source}");
    }
    let ca = client.api(Method::GET, "/api/v1/standards/ca-cse-2022", &token, None).await.json();
    let seven = ca["section"].as_array().unwrap().iter().find(|s| s["id"] == "CA-CSE 7").expect("CA-CSE 7");
    assert_eq!(seven["standard"][0]["id"], "CA-CSE 7.01", "the welcoming environment comes first in Canada");
    client.api(Method::GET, "/api/v1/standards/cse-1999", &token, None).await.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn applicability_follows_the_programs_services_and_the_screening_setting() {
    let app = TestApp::spawn().await;
    let (mut client, token) = api_user(&app, "quality@demo.example").await;
    let report = client.api(Method::GET, "/api/v1/readiness/applicability", &token, None).await.json();
    for id in ["CSE 1", "CSE 2", "CSE 3", "CSE 4", "CSE 5", "CSE 6", "CSE 7"] {
        assert_eq!(section(&report, id)["applicability"]["applies"], true, "{id} applies to the demo");
    }
    assert_eq!(standard(&report, "CSE 3.01")["applicability"]["applies"], true);

    // No program runs groups any more: CSE 5 is NA, with the reason.
    app.execute("UPDATE programs SET serves_groups = false").await;
    let report = client.api(Method::GET, "/api/v1/readiness/applicability", &token, None).await.json();
    let five = &section(&report, "CSE 5")["applicability"];
    assert_eq!(five["applies"], false);
    assert_eq!(five["reason"], "no-groups");

    // Screening contracted out: CSE 3.01 is NA.
    let saved = client
        .api(
            Method::PUT,
            "/api/v1/readiness/settings",
            &token,
            Some(json!({"version": 0, "full": "95", "minor": "80", "significant": "50", "screening_contracted": true})),
        )
        .await;
    saved.assert_status(StatusCode::OK);
    let report = client.api(Method::GET, "/api/v1/readiness/applicability", &token, None).await.json();
    assert_eq!(standard(&report, "CSE 3.01")["applicability"]["reason"], "screening-contracted");
    let page = app.signed_in("quality@demo.example").await.get("/readiness/applicability").await;
    page.assert_status(StatusCode::OK).assert_contains("screening contracted out");
}

#[tokio::test]
async fn each_measured_element_is_rated_by_its_weakest_share_against_the_thresholds() {
    let app = TestApp::spawn().await;
    let (mut client, token) = api_user(&app, "quality@demo.example").await;
    for (full, minor, significant) in [("95", "80", "50"), ("100", "99.5", "99")] {
        let current = client.api(Method::GET, "/api/v1/readiness/settings", &token, None).await.json();
        let body = json!({"version": current["version"], "full": full, "minor": minor, "significant": significant});
        client.api(Method::PUT, "/api/v1/readiness/settings", &token, Some(body)).await.assert_status(StatusCode::OK);
        let t = Thresholds::parse(full, minor, significant).unwrap();
        let report = client.api(Method::GET, "/api/v1/readiness", &token, None).await.json();
        let shares: std::collections::HashMap<String, Option<f64>> = report["measures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let (met, total) = (m["met"].as_f64().unwrap(), m["total"].as_f64().unwrap());
                (m["key"].as_str().unwrap().to_string(), (total > 0.0).then(|| met * 100.0 / total))
            })
            .collect();
        let mut checked = 0;
        for st in report["sections"].as_array().unwrap().iter().flat_map(|s| s["standards"].as_array().unwrap()) {
            let mut worst_standard: Option<u8> = None;
            for el in st["elements"].as_array().unwrap() {
                if el["applicability"]["applies"] != true || st["applicability"]["applies"] != true {
                    continue;
                }
                let measures = el["measures"].as_array().unwrap();
                let rating = if measures.is_empty() {
                    match el["standing"].as_str().unwrap() {
                        "minimal" => Some(4),
                        "full" => Some(1),
                        "minor-gaps" => Some(2),
                        _ => None,
                    }
                } else {
                    let worst = measures.iter().filter_map(|k| shares[k.as_str().unwrap()]).reduce(f64::min);
                    let expected = worst.map(|w| t.rating_for(w));
                    let standing = el["standing"].as_str().unwrap();
                    match expected {
                        Some(r) => assert_eq!(
                            standing,
                            ["full", "minor-gaps", "significant-gaps", "minimal"][usize::from(r) - 1],
                            "{}",
                            el["id"]
                        ),
                        None => assert_eq!(standing, "no-records", "{}", el["id"]),
                    }
                    checked += 1;
                    expected
                };
                worst_standard = worst_standard.max(rating);
            }
            if st["applicability"]["applies"] == true {
                assert_eq!(st["suggested"].as_u64().map(|r| r as u8), worst_standard, "{}", st["id"]);
            }
        }
        assert!(checked > 20, "the demo's records give most elements something to measure ({checked})");
        let summary = &report["summary"];
        let rated: u64 = summary["by_rating"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).sum();
        assert_eq!(rated + summary["unrated"].as_u64().unwrap(), summary["applicable"].as_u64().unwrap());
    }
}

#[tokio::test]
async fn a_self_rating_is_validated_kept_beside_the_suggestion_and_shown_in_the_history() {
    let app = TestApp::spawn().await;
    let mut quality = app.signed_in("quality@demo.example").await;
    // The demo's director rated CSE 3.02 twice this year: its history shows them.
    let demo = quality.get("/readiness/standard?source=cse-2024&id=CSE%203.02").await;
    demo.assert_status(StatusCode::OK).assert_contains("duty rota").assert_contains("Ratings over time");
    let path = "/readiness/standard?source=cse-2024&from=2025-11-19&to=2026-11-18&id=CSE%204.02";
    let page = quality.get(path).await;
    page.assert_status(StatusCode::OK).assert_contains("CSE 4.02").assert_contains("No rating recorded yet.");

    let refused = quality.post(path, &[("self_rating", "7"), ("note", "")]).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Choose a rating from 1 to 4.");

    quality
        .post(path, &[("self_rating", "2"), ("note", "Two late intakes in the spring; new triage rota since.")])
        .await
        .assert_redirect_to(path);
    let page = quality.get(path).await;
    page.assert_contains("2 · Minor gaps").assert_contains("new triage rota since");
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "readiness.rating.record"));

    app.advance(3600);
    let (mut client, token) = api_user(&app, "director@demo.example").await;
    let body = json!({"standard_id": "CSE 4.02", "self_rating": "1", "note": "Rota working."});
    let made = client.api(Method::POST, "/api/v1/readiness/ratings?source=cse-2024", &token, Some(body)).await;
    made.assert_status(StatusCode::CREATED);
    let history = client
        .api(Method::GET, "/api/v1/readiness/ratings?source=cse-2024&standard_id=CSE%204.02", &token, None)
        .await
        .json();
    let ratings: Vec<u64> = history.as_array().unwrap().iter().map(|r| r["self_rating"].as_u64().unwrap()).collect();
    assert_eq!(ratings.len(), 2);
    assert!(ratings.contains(&1) && ratings.contains(&2));
    let report = client.api(Method::GET, "/api/v1/readiness", &token, None).await.json();
    assert_eq!(standard(&report, "CSE 4.02")["self_rating"]["self_rating"], 1, "the latest rating is shown");

    // Unknown standards and a supervisor (who may look but not rate) are refused.
    let unknown = client
        .api(
            Method::POST,
            "/api/v1/readiness/ratings?source=cse-2024",
            &token,
            Some(json!({"standard_id": "CSE 9.99", "self_rating": "1"})),
        )
        .await;
    unknown.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&unknown.json(), "standard_id", "readiness-error-unknown-standard"));
    let (mut supervisor, token) = api_user(&app, "supervisor@demo.example").await;
    supervisor.api(Method::GET, "/api/v1/readiness/ratings", &token, None).await.assert_status(StatusCode::OK);
    supervisor
        .api(
            Method::POST,
            "/api/v1/readiness/ratings",
            &token,
            Some(json!({"standard_id": "CSE 3.02", "self_rating": "1"})),
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn settings_refuse_thresholds_out_of_order_and_a_stale_version() {
    let app = TestApp::spawn().await;
    let mut quality = app.signed_in("quality@demo.example").await;
    quality.get("/readiness/settings").await.assert_status(StatusCode::OK).assert_contains("95");
    let refused = quality
        .post("/readiness/settings", &[("version", "0"), ("full", "80"), ("minor", "90"), ("significant", "abc")])
        .await;
    refused
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Must be lower than the threshold above it.")
        .assert_contains("Enter a number from 1 to 100.");
    quality
        .post("/readiness/settings", &[("version", "0"), ("full", "90"), ("minor", "75"), ("significant", "40")])
        .await
        .assert_redirect_to("/readiness/settings");
    let stale = quality
        .post("/readiness/settings", &[("version", "0"), ("full", "99"), ("minor", "75"), ("significant", "40")])
        .await;
    stale.assert_status(StatusCode::CONFLICT).assert_contains("99");
    let (mut client, token) = api_user(&app, "quality@demo.example").await;
    let saved = client.api(Method::GET, "/api/v1/readiness/settings", &token, None).await.json();
    assert_eq!(saved["thresholds"]["full"], 90.0);
    assert_eq!(saved["version"], 1);
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "readiness.settings.update"));
    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    supervisor
        .post("/readiness/settings", &[("version", "1"), ("full", "99"), ("minor", "75"), ("significant", "40")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_measure_page_lists_the_failing_records_without_naming_anyone() {
    let app = TestApp::spawn().await;
    let (mut client, token) = api_user(&app, "quality@demo.example").await;
    let report = client.api(Method::GET, "/api/v1/readiness", &token, None).await.json();
    let failing = report["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["failing"].as_array().is_some_and(|f| f.iter().any(|r| r["kind"] == "person")))
        .expect("some person-level measure falls short in the demo");
    let key = failing["key"].as_str().unwrap();
    let one = client.api(Method::GET, &format!("/api/v1/readiness/measures/{key}"), &token, None).await;
    one.assert_status(StatusCode::OK);
    let record = one.json()["failing"].as_array().unwrap().iter().find(|r| r["kind"] == "person").unwrap().clone();
    assert!(record["label"].as_str().unwrap().starts_with('#'), "a person is shown by record number");
    let mut quality = app.signed_in("quality@demo.example").await;
    let page = quality.get(&format!("/readiness/measure?key={key}")).await;
    page.assert_status(StatusCode::OK).assert_contains(record["link"].as_str().unwrap());
    client.api(Method::GET, "/api/v1/readiness/measures/nope", &token, None).await.assert_status(StatusCode::NOT_FOUND);
    assert!(app.audit_soon_contains("readiness.measure.view").await);
}

/// The evidence runs four measures side by side; what lets it: SQLite built without its shared page
/// cache and allocation statistics (`.cargo/config.toml`), PostgreSQL sessions without JIT.
#[tokio::test]
async fn the_database_runs_without_what_would_serialise_or_slow_the_evidence() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = TestApp::spawn().await;
    let conn = app.db.conn();
    match conn.get_database_backend() {
        DbBackend::Postgres => {
            let row = conn.query_one_raw(Statement::from_string(DbBackend::Postgres, "SHOW jit")).await.unwrap();
            let jit: String = row.expect("a row").try_get_by_index(0).unwrap();
            assert_eq!(jit, "off");
        }
        _ => {
            let rows =
                conn.query_all_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA compile_options")).await.unwrap();
            let options: Vec<String> = rows.iter().map(|r| r.try_get_by_index(0).unwrap()).collect();
            assert!(options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"), "{options:?}");
            assert!(!options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"), "{options:?}");
        }
    }
}
