use crate::helpers::TestApp;
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn the_api_needs_a_valid_bearer_token() {
    let app = TestApp::spawn().await;
    let mut client = app.client();
    let response = client.api(Method::GET, "/api/v1/people", "", None).await;
    response.assert_status(StatusCode::UNAUTHORIZED);
    assert_eq!(response.json()["errors"][0]["code"], "error-unauthenticated");
    client.api(Method::GET, "/api/v1/people", "ms_0000", None).await.assert_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn framework_rejections_also_use_the_envelope() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let token = coach.create_token("x").await;
    let bad_id = coach.api(Method::GET, "/api/v1/people/not-a-uuid", &token, None).await;
    bad_id.assert_status(StatusCode::BAD_REQUEST);
    assert_eq!(bad_id.json()["errors"][0]["code"], "error-bad-request");
    let bad_page = coach.api(Method::GET, "/api/v1/people?page=minus-one", &token, None).await;
    bad_page.assert_status(StatusCode::BAD_REQUEST);
    assert_eq!(bad_page.json()["errors"][0]["code"], "error-bad-request");
    let huge = json!({ "legal_given_name": "x".repeat(3 * 1024 * 1024) });
    let too_large = coach.api(Method::POST, "/api/v1/people", &token, Some(huge)).await;
    too_large.assert_status(StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_large.json()["errors"][0]["code"], "error-too-large");
    // An administrator is refused before any validation or duplicate check runs.
    let mut admin = app.signed_in("admin@demo.example").await;
    let admin_token = admin.create_token("x").await;
    let refused = admin
        .api(
            Method::POST,
            "/api/v1/people",
            &admin_token,
            Some(json!({ "legal_given_name": "" , "program_id": uuid::Uuid::nil() })),
        )
        .await;
    refused.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_token_acts_with_its_owners_access_and_pages_through_people() {
    let app = TestApp::spawn().await;
    let mut director = app.signed_in("director@demo.example").await;
    let token = director.create_token("monthly report").await;
    assert!(token.starts_with("ms_"));
    let first = director.api(Method::GET, "/api/v1/people?per_page=15", &token, None).await;
    first.assert_status(StatusCode::OK);
    let body = first.json();
    assert_eq!(body["total"], 40);
    assert_eq!(body["items"].as_array().unwrap().len(), 15);
    let third = director.api(Method::GET, "/api/v1/people?per_page=15&page=3", &token, None).await.json();
    assert_eq!(third["items"].as_array().unwrap().len(), 10);

    let mut coach = app.signed_in("coach@demo.example").await;
    let coach_token = coach.create_token("phone").await;
    let mine = coach.api(Method::GET, "/api/v1/people", &coach_token, None).await.json();
    assert!(mine["total"].as_u64().unwrap() < 40);
    let theirs = app.person_of("referral@demo.example").await;
    coach
        .api(Method::GET, &format!("/api/v1/people/{theirs}"), &coach_token, None)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let own = app.person_of("coach@demo.example").await;
    let record = coach.api(Method::GET, &format!("/api/v1/people/{own}"), &coach_token, None).await;
    record.assert_status(StatusCode::OK);
    assert!(record.json()["record_number"].as_str().unwrap().starts_with("MS-"));
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "person.view"));
}

#[tokio::test]
async fn validation_errors_come_back_per_field_in_the_envelope() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let token = coach.create_token("integration").await;
    let programs = coach.api(Method::GET, "/api/v1/programs", &token, None).await.json();
    let program_id = programs[0]["id"].as_str().unwrap().to_string();
    let bad = coach
        .api(
            Method::POST,
            "/api/v1/people",
            &token,
            Some(json!({
                "legal_given_name": "",
                "legal_family_name": "Ferreira",
                "date_of_birth": "31/12/1990",
                "program_id": program_id,
            })),
        )
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let errors = bad.json()["errors"].as_array().unwrap().clone();
    let fields: Vec<&str> = errors.iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["legal_given_name", "date_of_birth"]);
    assert!(errors[1]["detail"].as_str().unwrap().contains("real date"));
    let malformed = coach.api(Method::POST, "/api/v1/people", &token, Some(json!({ "legal_given_name": 5 }))).await;
    malformed.assert_status(StatusCode::BAD_REQUEST);
    assert_eq!(malformed.json()["errors"][0]["code"], "error-bad-json");

    let created = coach
        .api(
            Method::POST,
            "/api/v1/people",
            &token,
            Some(json!({
                "legal_given_name": "Ines", "legal_family_name": "Ferreira", "date_of_birth": "1990-12-31",
                "program_id": program_id, "race": ["white"], "voicemail_ok": "yes", "interpreter_needed": true,
            })),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let person = created.json();
    assert_eq!(person["race"], json!(["white"]));
    assert_eq!(person["voicemail_ok"], true);
}

#[tokio::test]
async fn a_stale_version_conflicts_and_duplicates_need_confirmation() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let token = coach.create_token("integration").await;
    let id = app.person_of("coach@demo.example").await;
    let current = coach.api(Method::GET, &format!("/api/v1/people/{id}"), &token, None).await.json();
    let version = current["version"].as_i64().unwrap();
    let update = |pronouns: &str, version: i64| {
        json!({
            "version": version,
            "legal_given_name": current["legal_given_name"],
            "legal_family_name": current["legal_family_name"],
            "pronouns": pronouns,
        })
    };
    let ok = coach.api(Method::PUT, &format!("/api/v1/people/{id}"), &token, Some(update("she/her", version))).await;
    ok.assert_status(StatusCode::OK);
    assert_eq!(ok.json()["version"], version + 1);
    let stale = coach.api(Method::PUT, &format!("/api/v1/people/{id}"), &token, Some(update("he/him", version))).await;
    stale.assert_status(StatusCode::CONFLICT);
    assert_eq!(stale.json()["errors"][0]["code"], "error-conflict");

    let program_id = coach.api(Method::GET, "/api/v1/programs", &token, None).await.json()[0]["id"].clone();
    let again = json!({
        "legal_given_name": current["legal_given_name"], "legal_family_name": current["legal_family_name"],
        "date_of_birth": current["date_of_birth"], "program_id": program_id,
    });
    let refused = coach.api(Method::POST, "/api/v1/people", &token, Some(again.clone())).await;
    refused.assert_status(StatusCode::CONFLICT);
    assert_eq!(refused.json()["duplicates"][0]["id"], json!(id));
    let mut allowed = again;
    allowed["allow_duplicate"] = json!(true);
    coach.api(Method::POST, "/api/v1/people", &token, Some(allowed)).await.assert_status(StatusCode::CREATED);
}

#[tokio::test]
async fn a_revoked_token_stops_working() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let token = coach.create_token("old laptop").await;
    coach.api(Method::GET, "/api/v1/organisation", &token, None).await.assert_status(StatusCode::OK);
    let tokens = mainstay::db::tokens::for_staff(
        app.db.conn(),
        mainstay::db::org::all(&app.db).await.unwrap()[0].id,
        mainstay::db::staff::by_email(&app.db, "coach@demo.example").await.unwrap().unwrap().id,
    )
    .await
    .unwrap();
    coach.get("/account/tokens").await.assert_contains("old laptop");
    coach.post(&format!("/account/tokens/{}/revoke", tokens[0].id), &[]).await.assert_redirect_to("/account/tokens");
    coach.api(Method::GET, "/api/v1/organisation", &token, None).await.assert_status(StatusCode::UNAUTHORIZED);
    // The token itself is never stored.
    assert_ne!(tokens[0].token_hash, token);
    assert_eq!(tokens[0].token_hash, mainstay::auth::token_digest(&token));
}

#[tokio::test]
async fn a_password_reset_by_an_administrator_revokes_api_tokens() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let token = coach.create_token("laptop").await;
    coach.api(Method::GET, "/api/v1/people", &token, None).await.assert_status(StatusCode::OK);
    let account = mainstay::db::staff::by_email(&app.db, "coach@demo.example").await.unwrap().unwrap();
    let mut admin = app.signed_in("admin@demo.example").await;
    admin.get(&format!("/admin/staff/{}", account.id)).await;
    admin.post(&format!("/admin/staff/{}/reset-password", account.id), &[]).await.assert_status(StatusCode::OK);
    coach.api(Method::GET, "/api/v1/people", &token, None).await.assert_status(StatusCode::UNAUTHORIZED);
    coach.get("/").await.assert_redirect_to("/login?next=%2F");
}

#[tokio::test]
async fn administrators_manage_set_up_over_the_api() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in("admin@demo.example").await;
    let token = admin.create_token("provisioning").await;
    let site = admin
        .api(
            Method::POST,
            "/api/v1/sites",
            &token,
            Some(json!({ "name": "Mobile outreach van", "setting_type": "community", "active": true })),
        )
        .await;
    site.assert_status(StatusCode::CREATED);
    let site_id = site.json()["id"].as_str().unwrap().to_string();
    let renamed = admin
        .api(
            Method::PUT,
            &format!("/api/v1/sites/{site_id}"),
            &token,
            Some(json!({ "version": 1, "name": "Outreach van", "setting_type": "community", "active": true })),
        )
        .await;
    renamed.assert_status(StatusCode::OK);
    assert_eq!(renamed.json()["version"], 2);
    let staff = admin
        .api(
            Method::POST,
            "/api/v1/staff",
            &token,
            Some(
                json!({ "display_name": "Ari Fenn", "email": "ari@demo.example", "roles": ["coach"], "active": true }),
            ),
        )
        .await;
    staff.assert_status(StatusCode::CREATED);
    assert!(staff.json()["temporary_password"].as_str().unwrap().len() >= 16);
    let org = admin.api(Method::GET, "/api/v1/organisation", &token, None).await.json();
    assert_eq!(org["crisis_line"], "988");

    let mut coach = app.signed_in("coach@demo.example").await;
    let coach_token = coach.create_token("x").await;
    coach
        .api(Method::POST, "/api/v1/sites", &coach_token, Some(json!({ "name": "Nope", "setting_type": "other" })))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    coach.api(Method::GET, "/api/v1/staff", &coach_token, None).await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_openapi_document_is_generated_from_the_handlers() {
    let app = TestApp::spawn().await;
    let mut client = app.client();
    let doc = client.get("/api/v1/openapi.json").await;
    doc.assert_status(StatusCode::OK);
    let json = doc.json();
    assert!(json["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut paths: Vec<String> = json["paths"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(path, ops)| {
            format!("{} {}", path, ops.as_object().unwrap().keys().cloned().collect::<Vec<_>>().join(","))
        })
        .collect();
    paths.sort();
    insta::assert_json_snapshot!("openapi_paths", paths);
    client.get("/api/docs/").await.assert_status(StatusCode::OK);
}
