//! The evidence binder: made for every source as HTML and PDF, through the pages, the API and the
//! command line; it holds every applicable standard and the applicability table, names no one the
//! organisation serves unless participant data is chosen (managers of readiness only, audited),
//! and every binder made is audited. The harness's clock starts on 2026-11-18.

use crate::helpers::{Client, TestApp};
use axum::http::{Method, StatusCode, header};
use clap::Parser;
use mainstay::db::entities::person;
use sea_orm::EntityTrait;
use serde_json::Value;

const SOURCES: [&str; 4] = ["cse-2024", "ca-cse-2022", "ca-cse-2020", "prsc"];

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("binder").await;
    (client, token)
}

fn standards(report: &Value) -> Vec<&Value> {
    report["sections"].as_array().unwrap().iter().flat_map(|s| s["standards"].as_array().unwrap()).collect()
}

fn content_type(r: &crate::helpers::Response) -> String {
    r.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

#[tokio::test]
async fn the_binder_is_made_for_every_source_as_html_and_pdf_with_every_applicable_standard() {
    let app = TestApp::spawn().await;
    let (mut api, token) = api_user(&app, "quality@demo.example").await;
    let mut quality = app.signed_in("quality@demo.example").await;
    for source in SOURCES {
        let report = api.api(Method::GET, &format!("/api/v1/readiness?source={source}"), &token, None).await.json();
        let page = quality.get(&format!("/readiness/binder?source={source}")).await;
        page.assert_status(StatusCode::OK)
            .assert_contains("Evidence binder")
            .assert_contains("Which standards apply")
            .assert_contains("Staff qualifications")
            .assert_contains("Group schedule")
            .assert_contains("Resource directory")
            .assert_contains("You said, we did")
            .assert_contains("Uploaded documents")
            .assert_contains(&format!("/readiness/binder.pdf?source={source}"));
        let html = quality.get(&format!("/readiness/binder.html?source={source}")).await;
        html.assert_status(StatusCode::OK).assert_contains("<!doctype html>").assert_contains("@media print");
        assert!(content_type(&html).starts_with("text/html"), "{source}");
        let all = standards(&report);
        for st in &all {
            let id = st["id"].as_str().unwrap();
            html.assert_contains(id);
            if st["applicability"]["applies"] == false {
                // Its row in the applicability table says why.
                assert!(html.body.contains("Not applicable"), "{source}: {id} is NA and the table says so");
            }
        }
        assert!(all.iter().any(|st| st["applicability"]["applies"] == true), "{source}");

        let pdf = quality.get(&format!("/readiness/binder.pdf?source={source}")).await;
        pdf.assert_status(StatusCode::OK);
        assert_eq!(content_type(&pdf), "application/pdf");
        assert!(pdf.body.starts_with("%PDF-"), "{source}: a PDF");
        assert!(pdf.body.len() > 30_000, "{source}: {} bytes", pdf.body.len());
        let pages: usize = pdf
            .body
            .split("/Count ")
            .skip(1)
            .filter_map(|s| s.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
            .max()
            .unwrap_or(0);
        assert!(pages >= 5, "{source}: {pages} pages");
        // The standards covered are in the PDF's own (uncompressed) metadata.
        let applicable = all.iter().find(|st| st["applicability"]["applies"] == true).unwrap();
        pdf.assert_contains(applicable["id"].as_str().unwrap());
        assert!(pdf.headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap().contains(".pdf"), "a download");
    }
    assert!(app.audit_actions().await.iter().any(|(a, o)| a == "readiness.binder.make" && o == "success"));
}

/// The first failing person of the CSE 2024 report (among those a binder lists), with their
/// record label and legal family name.
async fn a_failing_person(app: &TestApp, api: &mut Client, token: &str) -> (String, String) {
    let report = api.api(Method::GET, "/api/v1/readiness?source=cse-2024", token, None).await.json();
    for m in report["measures"].as_array().unwrap() {
        for f in m["failing"].as_array().unwrap().iter().take(mainstay::standards::binder::FAILING_LISTED) {
            if f["kind"] == "person" {
                let id: uuid::Uuid = f["id"].as_str().unwrap().parse().unwrap();
                let p = person::Entity::find_by_id(id).one(app.db.conn()).await.unwrap().unwrap();
                return (f["label"].as_str().unwrap().to_string(), p.legal_family_name);
            }
        }
    }
    panic!("the demo organisation has a person-level shortfall");
}

#[tokio::test]
async fn the_binder_names_no_one_served_unless_a_manager_chooses_participant_data_which_is_audited() {
    let app = TestApp::spawn().await;
    let (mut api, token) = api_user(&app, "quality@demo.example").await;
    let (label, family) = a_failing_person(&app, &mut api, &token).await;

    let mut quality = app.signed_in("quality@demo.example").await;
    let plain = quality.get("/readiness/binder?source=cse-2024").await;
    plain
        .assert_status(StatusCode::OK)
        .assert_lacks(&family)
        .assert_lacks(&format!("{label} "))
        .assert_contains("records short");
    let download = quality.get("/readiness/binder.html?source=cse-2024").await;
    download.assert_lacks(&family).assert_lacks(&format!("{label} "));
    let over_api = api.api(Method::GET, "/api/v1/readiness/binder?source=cse-2024", &token, None).await;
    over_api.assert_status(StatusCode::OK).assert_lacks(&family);
    assert!(!app.audit_actions().await.iter().any(|(a, _)| a == "readiness.binder.participant-data"));

    let named = quality.get("/readiness/binder?source=cse-2024&participant_data=on").await;
    named.assert_status(StatusCode::OK).assert_contains(&family).assert_contains(&label);
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "readiness.binder.participant-data"));
    let pdf = quality.get("/readiness/binder.pdf?source=cse-2024&participant_data=on").await;
    pdf.assert_status(StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF-"));
    let over_api = api
        .api(Method::GET, "/api/v1/readiness/binder?source=cse-2024&include_participant_data=true", &token, None)
        .await;
    over_api.assert_status(StatusCode::OK).assert_contains(&family);

    // A supervisor may read readiness and make the binder, but not with participant data.
    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    supervisor.get("/readiness/binder?source=cse-2024").await.assert_status(StatusCode::OK).assert_lacks(&family);
    supervisor
        .get("/readiness/binder?source=cse-2024&participant_data=on")
        .await
        .assert_status(StatusCode::FORBIDDEN)
        .assert_lacks(&family);
}

#[tokio::test]
async fn a_coach_may_not_make_the_binder_and_bad_input_is_refused() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get("/readiness/binder").await.assert_status(StatusCode::FORBIDDEN);
    coach.get("/readiness/binder.pdf").await.assert_status(StatusCode::FORBIDDEN);
    let (mut coach_api, token) = api_user(&app, "coach@demo.example").await;
    coach_api.api(Method::GET, "/api/v1/readiness/binder", &token, None).await.assert_status(StatusCode::FORBIDDEN);
    assert!(app.audit_actions().await.iter().any(|(a, o)| a == "access.denied" && o == "denied"));
    assert!(!app.audit_actions().await.iter().any(|(a, _)| a == "readiness.binder.make"));

    let (mut api, token) = api_user(&app, "quality@demo.example").await;
    let pdf = api.api(Method::GET, "/api/v1/readiness/binder?source=prsc&format=pdf", &token, None).await;
    pdf.assert_status(StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF-"));
    for bad in ["format=docx", "source=cse-1999", "from=2026-11-18&to=2025-01-01", "to=yesterday"] {
        api.api(Method::GET, &format!("/api/v1/readiness/binder?{bad}"), &token, None)
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[test]
fn the_command_line_reads_the_period_and_refuses_a_bad_one_clearly() {
    use mainstay::cli::{Cli, Command};
    let ok = Cli::try_parse_from([
        "mainstay",
        "evidence",
        "--edition",
        "ca-cse-2022",
        "--period",
        "2025-11-19..2026-11-18",
        "--format",
        "pdf",
    ])
    .expect("parses");
    let Command::Evidence(args) = ok.command else { panic!("the evidence command") };
    assert_eq!(args.period.from.to_string(), "2025-11-19");
    assert_eq!(args.period.to.to_string(), "2026-11-18");
    assert!(!args.include_participant_data);

    for (period, says) in
        [("2026-11-18", "FROM..TO"), ("2025-11-19..someday", "not a date"), ("2026-11-18..2025-11-19", "after it ends")]
    {
        let err =
            Cli::try_parse_from(["mainstay", "evidence", "--edition", "cse-2024", "--period", period]).unwrap_err();
        assert!(err.to_string().contains(says), "{period}: {err}");
        assert_ne!(err.exit_code(), 0);
    }
    assert!(
        Cli::try_parse_from(["mainstay", "evidence", "--edition", "cse-1999", "--period", "2025-11-19..2026-11-18"])
            .is_err()
    );

    // The binary itself: a clear message and a non-zero exit.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mainstay"))
        .args([
            "evidence",
            "--edition",
            "cse-2024",
            "--period",
            "2026-02-30..2026-03-01",
            "--database",
            "sqlite://unused.db",
        ])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--period") && stderr.contains("not a date"), "{stderr}");
}

#[tokio::test]
async fn the_command_line_writes_the_binder_and_audits_it() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("binder.html");
    let cli = mainstay::cli::Cli::try_parse_from([
        "mainstay",
        "evidence",
        "--edition",
        "cse-2024",
        "--period",
        "2025-11-19..2026-11-18",
        "--output",
        out.to_str().unwrap(),
        "--database",
        &app.state.config.database_url,
        "--organisation",
        "Harbour Light Recovery Community",
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    let result = mainstay::cli::run(cli).await;
    result.expect("the binder is written");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("CSE 3.02") && html.contains("2025-11-19 – 2026-11-18"));
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "readiness.binder.make"));
}
