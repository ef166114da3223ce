//! Instruments and indicators (CSE 1.02): the pages, the API, versioning and access.

use crate::helpers::{Client, TestApp};
use axum::http::{Method, StatusCode};
use mainstay::db::entities::{instrument, outcome_measurement};
use mainstay::outcomes::instruments as service;
use sea_orm::{ActiveValue, EntityTrait};
use serde_json::{Value, json};
use uuid::Uuid;

const COACH: &str = "coach@demo.example";
const DIRECTOR: &str = "director@demo.example";
const QUALITY: &str = "quality@demo.example";

fn has_error(body: &Value, field: &str, code: &str) -> bool {
    body["errors"]
        .as_array()
        .is_some_and(|errors| errors.iter().any(|e| e["field"].as_str() == Some(field) && e["code"] == code))
}

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("instruments").await;
    (client, token)
}

async fn org_id(app: &TestApp) -> Uuid {
    instrument::Entity::find().one(app.db.conn()).await.unwrap().expect("the demo defines one").org_id
}

/// A small organisation-defined indicator as the API takes it.
fn confidence(key: &str) -> Value {
    let agree = json!({ "type": "points", "points": [
        { "value": 0, "label": "Not at all" }, { "value": 1, "label": "A little" },
        { "value": 2, "label": "Quite" }, { "value": 3, "label": "Very" } ] });
    json!({
        "key": key, "name": "Recovery confidence", "kind": "indicator",
        "description": "Two statements about confidence in staying well.",
        "measures": "Confidence in recovery.", "outcome_area": "quality-of-life",
        "higher_is_better": true, "score_min": 0, "score_max": 100,
        "items": [
            { "key": "stay_well", "text": "I am confident I can stay well this month.", "scale": agree },
            { "key": "ask_help", "text": "I am confident I can ask for help.", "scale": agree,
              "translations": { "es": "Tengo confianza en que puedo pedir ayuda." } }
        ],
        "scoring": { "method": "formula", "expression": "(stay_well + ask_help) / 6 * 100" },
        "interpretation": [ { "min": 50, "text": "Confident." }, { "text": "Not yet confident." } ]
    })
}

async fn measure(app: &TestApp, org: Uuid, key: &str, version: i32) {
    let person = app.person_of(COACH).await;
    let now = app.now();
    outcome_measurement::Entity::insert(outcome_measurement::ActiveModel {
        id: ActiveValue::Set(Uuid::new_v4()),
        org_id: ActiveValue::Set(org),
        person_id: ActiveValue::Set(person),
        program_id: ActiveValue::Set(None),
        site_id: ActiveValue::Set(None),
        instrument_key: ActiveValue::Set(key.into()),
        instrument_version: ActiveValue::Set(version),
        occasion: ActiveValue::Set("intake".into()),
        source: ActiveValue::Set("staff".into()),
        status: ActiveValue::Set("complete".into()),
        taken_on: ActiveValue::Set(now.date()),
        answers: ActiveValue::Set(r#"{"stay_well":3,"ask_help":3}"#.into()),
        score: ActiveValue::Set(Some(100.0)),
        interpretation: ActiveValue::Set(Some("Confident.".into())),
        note: ActiveValue::Set(None),
        recorded_by: ActiveValue::Set(None),
        portal_account_id: ActiveValue::Set(None),
        version: ActiveValue::Set(1),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
    })
    .exec(app.db.conn())
    .await
    .unwrap();
    mainstay::outcomes::summary::refresh(app.db.conn(), org, person, key).await.unwrap();
}

#[tokio::test]
async fn everyone_sees_the_built_in_and_own_instruments_but_only_designers_may_define_them() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in(COACH).await;
    let list = coach.get("/instruments").await;
    list.assert_status(StatusCode::OK)
        .assert_contains("Brief Assessment of Recovery Capital (BARC-10)")
        .assert_contains("WHO-5 Well-Being Index")
        .assert_contains("Columbia suicide screener")
        .assert_contains("Days of substance use (past 30 days)")
        .assert_contains("Goal achievement")
        .assert_contains("Peer connection")
        .assert_contains("href=\"/outcomes\"")
        .assert_lacks("Define an instrument");
    coach
        .get("/instruments/barc-10")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Drug and Alcohol Dependence 2017;177:71–76")
        .assert_contains("At or above 47, the published cut-off associated with sustained remission")
        .assert_contains("Strongly agree")
        .assert_lacks("Start from a copy");
    coach
        .get("/instruments/who-5")
        .await
        .assert_contains("Free to use with the source cited")
        .assert_contains("doctor or clinician")
        .assert_contains("Sum of the answers × 4");
    coach
        .get("/instruments/cssrs-screen")
        .await
        .assert_contains("The wording differs from the published instrument")
        .assert_lacks("/instruments/cssrs-screen/try");
    coach.get("/instruments/no-such-thing").await.assert_status(StatusCode::NOT_FOUND);
    coach.get("/instruments/new").await.assert_status(StatusCode::FORBIDDEN);
    coach.post("/instruments", &[("key", "mine"), ("name", "Mine")]).await.assert_status(StatusCode::FORBIDDEN);
    coach.post("/instruments/peer-connection/retire", &[]).await.assert_status(StatusCode::FORBIDDEN);

    let token = coach.create_token("instruments").await;
    coach
        .api(Method::POST, "/api/v1/instruments", &token, Some(confidence("recovery-confidence")))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let listed = coach.api(Method::GET, "/api/v1/instruments", &token, None).await;
    listed.assert_status(StatusCode::OK);
    let keys: Vec<String> =
        listed.json().as_array().unwrap().iter().map(|d| d["key"].as_str().unwrap().to_string()).collect();
    assert_eq!(&keys[..3], ["barc-10", "who-5", "cssrs-screen"]);
    assert!(keys.contains(&"peer-connection".to_string()));

    let mut quality = app.signed_in(QUALITY).await;
    quality.get("/instruments").await.assert_contains("Define an instrument");
    quality.get("/instruments/who-5").await.assert_contains("/instruments/new?from=who-5");
}

#[tokio::test]
async fn the_score_api_scores_boundaries_and_names_the_item_in_error() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, COACH).await;
    let all = |v: i32, n: usize| -> Value {
        (1..=n).map(|i| (format!("q{i}"), json!(v))).collect::<serde_json::Map<_, _>>().into()
    };
    let score = async |client: &mut Client, key: &str, answers: Value| {
        client
            .api(Method::POST, &format!("/api/v1/instruments/{key}/score"), &token, Some(json!({ "answers": answers })))
            .await
    };
    let top = score(&mut coach, "barc-10", all(6, 10)).await;
    top.assert_status(StatusCode::OK);
    assert_eq!(top.json()["score"], 60.0);
    assert_eq!(top.json()["meets_cut_off"], true);
    let bottom = score(&mut coach, "barc-10", all(1, 10)).await.json();
    assert_eq!((bottom["score"].as_f64(), bottom["meets_cut_off"].as_bool()), (Some(10.0), Some(false)));
    let who = score(&mut coach, "who-5", all(3, 5)).await.json();
    assert_eq!(who["score"], 60.0);
    assert!(who["interpretation"].as_str().unwrap().starts_with("Above 50"));

    let mut bad = all(3, 10);
    bad["q4"] = json!(7);
    bad["q7"] = json!("often");
    bad.as_object_mut().unwrap().remove("q9");
    let refused = score(&mut coach, "barc-10", bad).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.json();
    assert!(has_error(&body, "answers.q4", "instruments-error-not-on-scale"), "{body}");
    assert!(has_error(&body, "answers.q7", "instruments-error-not-a-number"), "{body}");
    assert!(has_error(&body, "answers.q9", "error-required"), "{body}");
    let detail =
        body["errors"].as_array().unwrap().iter().find(|e| e["field"] == "answers.q4").unwrap()["detail"].clone();
    assert!(detail.as_str().unwrap().contains("1 to 6"), "{detail}");

    let days = score(&mut coach, "use-days-30", json!({ "days": 31 })).await;
    assert!(has_error(&days.json(), "answers.days", "instruments-error-out-of-range"));
    let derived = score(&mut coach, "goal-achievement", json!({})).await;
    assert!(has_error(&derived.json(), "answers", "instruments-error-derived"));
    score(&mut coach, "nothing-here", json!({})).await.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn saving_a_used_instrument_makes_a_new_version_and_old_measurements_keep_theirs() {
    let app = TestApp::spawn().await;
    let (mut quality, token) = api_user(&app, QUALITY).await;
    let created =
        quality.api(Method::POST, "/api/v1/instruments", &token, Some(confidence("recovery-confidence"))).await;
    created.assert_status(StatusCode::CREATED);
    assert_eq!(created.json()["version"], 1);
    assert!(app.audit_actions().await.iter().any(|(a, o)| a == "instruments.create" && o == "success"));

    // Same key again, and a built-in's key, are refused.
    for key in ["recovery-confidence", "barc-10"] {
        let again = quality.api(Method::POST, "/api/v1/instruments", &token, Some(confidence(key))).await;
        again.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_error(&again.json(), "key", "instruments-error-key-taken"));
    }

    // An unused version is changed in place.
    let mut def = confidence("recovery-confidence");
    def["name"] = json!("Recovery confidence (local)");
    let body = json!({ "based_on": 1, "definition": def });
    let saved = quality.api(Method::POST, "/api/v1/instruments/recovery-confidence/versions", &token, Some(body)).await;
    saved.assert_status(StatusCode::OK);
    assert_eq!(
        (saved.json()["new_version"].as_bool(), saved.json()["def"]["version"].as_i64()),
        (Some(false), Some(1))
    );

    // Once measured, a change becomes version 2 and version 1 stays as it was.
    let org = org_id(&app).await;
    measure(&app, org, "recovery-confidence", 1).await;
    def["items"][0]["text"] = json!("I feel sure I can stay well this month.");
    let body = json!({ "based_on": 1, "definition": def.clone() });
    let saved = quality.api(Method::POST, "/api/v1/instruments/recovery-confidence/versions", &token, Some(body)).await;
    saved.assert_status(StatusCode::OK);
    assert_eq!((saved.json()["new_version"].as_bool(), saved.json()["def"]["version"].as_i64()), (Some(true), Some(2)));
    let v1 = service::find(app.db.conn(), org, "recovery-confidence", Some(1)).await.unwrap().unwrap();
    assert_eq!(v1.items[0].text, "I am confident I can stay well this month.");
    let latest = service::find(app.db.conn(), org, "recovery-confidence", None).await.unwrap().unwrap();
    assert_eq!((latest.version, latest.items[0].text.as_str()), (2, "I feel sure I can stay well this month."));
    let old = quality.api(Method::GET, "/api/v1/instruments/recovery-confidence?version=1", &token, None).await.json();
    assert_eq!(old["def"]["version"], 1);
    assert_eq!(old["latest_version"], 2);
    assert_eq!(old["versions"].as_array().unwrap().len(), 2);
    quality
        .get("/instruments/recovery-confidence?version=1")
        .await
        .assert_contains("You are looking at version 1.")
        .assert_contains("I am confident I can stay well this month.");

    // Starting from a stale version is a conflict.
    let stale = json!({ "based_on": 1, "definition": def });
    quality
        .api(Method::POST, "/api/v1/instruments/recovery-confidence/versions", &token, Some(stale))
        .await
        .assert_status(StatusCode::CONFLICT);

    // Built-ins cannot be changed.
    let barc = quality.api(Method::GET, "/api/v1/instruments/barc-10", &token, None).await.json()["def"].clone();
    let body = json!({ "based_on": 1, "definition": barc });
    quality
        .api(Method::POST, "/api/v1/instruments/barc-10/versions", &token, Some(body))
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    // Retiring hides it from what can be used; reactivating brings it back.
    quality
        .api(Method::POST, "/api/v1/instruments/recovery-confidence/retire", &token, None)
        .await
        .assert_status(StatusCode::OK);
    let usable = service::available(app.db.conn(), org).await.unwrap();
    assert!(!usable.iter().any(|d| d.key == "recovery-confidence"));
    assert!(usable.iter().any(|d| d.key == "peer-connection") && usable.iter().any(|d| d.key == "who-5"));
    let found = service::find(app.db.conn(), org, "recovery-confidence", Some(1)).await.unwrap().unwrap();
    assert!(!found.active, "retired definitions stay readable");
    quality
        .api(Method::POST, "/api/v1/instruments/recovery-confidence/reactivate", &token, None)
        .await
        .assert_status(StatusCode::OK);
    assert!(service::available(app.db.conn(), org).await.unwrap().iter().any(|d| d.key == "recovery-confidence"));
    let stamp = mainstay::outcomes::stamp::current(app.db.conn(), org).await.unwrap();
    assert!(stamp >= 5, "every instrument write moves the outcome stamp on ({stamp})");
}

#[tokio::test]
async fn bad_definitions_are_refused_with_clear_messages() {
    let app = TestApp::spawn().await;
    let (mut quality, token) = api_user(&app, QUALITY).await;
    let create = async |client: &mut Client, def: Value| {
        let r = client.api(Method::POST, "/api/v1/instruments", &token, Some(def)).await;
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        r.json()
    };
    let mut def = confidence("Bad Key");
    def["scoring"]["expression"] = json!("stay_well + confidence * 2");
    let body = create(&mut quality, def).await;
    assert!(has_error(&body, "key", "instruments-error-key-format"), "{body}");
    assert!(has_error(&body, "formula", "instruments-formula-unknown-item"), "{body}");
    let detail = body["errors"].as_array().unwrap().iter().find(|e| e["field"] == "formula").unwrap()["detail"].clone();
    assert!(detail.as_str().unwrap().contains("there is no item confidence"), "{detail}");

    let mut def = confidence("ok-key");
    def["scoring"]["expression"] = json!("stay_well ^ 2");
    let body = create(&mut quality, def).await;
    let detail = body["errors"][0]["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("At character 11") && detail.contains("^ is not allowed"), "{detail}");

    let mut def = confidence("ok-key");
    def["items"][1]["key"] = json!("stay_well");
    def["cut_off"] = json!(150);
    def["items"][0]["scale"]["points"][1]["value"] = json!(0);
    let body = create(&mut quality, def).await;
    assert!(has_error(&body, "items.2.key", "instruments-error-item-key-duplicate"), "{body}");
    assert!(has_error(&body, "cut_off", "instruments-error-cut-off-range"), "{body}");
    assert!(has_error(&body, "items.1.scale", "instruments-error-scale-duplicate"), "{body}");

    let mut def = confidence("ok-key");
    def["items"] = json!([]);
    assert!(has_error(&create(&mut quality, def).await, "items", "instruments-error-no-items"));

    let mut def = confidence("ok-key");
    def["scoring"] = json!({ "method": "sum" });
    let body = create(&mut quality, def).await;
    assert!(has_error(&body, "score_max", "instruments-error-score-range-items"), "{body}");

    // Division by zero is found when answers make it happen.
    let mut def = confidence("ratio");
    def["scoring"]["expression"] = json!("stay_well / ask_help");
    def["score_max"] = json!(3);
    def["interpretation"] = json!([]);
    quality.api(Method::POST, "/api/v1/instruments", &token, Some(def)).await.assert_status(StatusCode::CREATED);
    let r = quality
        .api(
            Method::POST,
            "/api/v1/instruments/ratio/score",
            &token,
            Some(json!({ "answers": { "stay_well": 2, "ask_help": 0 } })),
        )
        .await;
    assert!(has_error(&r.json(), "answers", "instruments-error-division-by-zero"));
}

#[tokio::test]
async fn a_quality_lead_defines_and_edits_an_instrument_on_the_pages() {
    let app = TestApp::spawn().await;
    let mut quality = app.signed_in(QUALITY).await;
    quality.get("/instruments/new").await.assert_status(StatusCode::OK).assert_contains("Add more item rows");
    let copy = quality.get("/instruments/new?from=housing-stability").await;
    copy.assert_contains("housing-stability-local")
        .assert_contains("Where are you living now?")
        .assert_contains("own-or-rent = My own or a rented home = 3");

    let mut fields = vec![
        ("key", "peer-ties"),
        ("name", "Peer ties"),
        ("kind", "indicator"),
        ("description", "Two questions about peers."),
        ("measures", "Ties with peers."),
        ("outcome_area", "quality-of-life"),
        ("higher_is_better", "yes"),
        ("item_0_key", "friends"),
        ("item_0_text", "How many friends in recovery do you see each week?"),
        ("item_0_required", "yes"),
        ("item_0_scale", "count"),
        ("item_0_min", "0"),
        ("item_0_max", "10"),
        ("item_1_key", "groups"),
        ("item_1_text", "How many groups did you go to this week?"),
        ("item_1_text_es", "¿A cuántos grupos fue esta semana?"),
        ("item_1_required", "no"),
        ("item_1_scale", ""),
        ("method", "formula"),
        ("formula", "friends + groups * 2 + outings"),
        ("score_min", "0"),
        ("score_max", "30"),
        ("interpretation", "10 | | Well connected.\n | | Fewer ties so far."),
    ];
    let refused = quality.post("/instruments", &fields).await;
    refused
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("there is no item outings")
        .assert_contains("Peer ties");
    fields.retain(|(k, _)| *k != "formula");
    fields.push(("formula", "friends + groups * 2"));
    quality.post("/instruments", &fields).await.assert_redirect_to("/instruments/peer-ties");
    let shown = quality.get("/instruments/peer-ties").await;
    shown
        .assert_contains("Peer ties")
        .assert_contains("Formula: friends + groups * 2")
        .assert_contains("¿A cuántos grupos fue esta semana?");

    // Try it: the second item uses the same scale as the first (0–10).
    quality
        .post("/instruments/peer-ties/try", &[("answer_friends", "3"), ("answer_groups", "11")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Enter a number from 0 to 10");
    quality
        .post("/instruments/peer-ties/try", &[("answer_friends", "4"), ("answer_groups", "3")])
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Score: 10")
        .assert_contains("Well connected.");

    // Edit: the form is filled from the stored definition and saves in place while unused.
    let edit = quality.get("/instruments/peer-ties/edit").await;
    edit.assert_status(StatusCode::OK).assert_contains("friends + groups * 2");
    fields.retain(|(k, _)| *k != "name" && *k != "key");
    fields.push(("name", "Peer ties (revised)"));
    fields.push(("based_on", "1"));
    quality.post("/instruments/peer-ties/edit", &fields).await.assert_redirect_to("/instruments/peer-ties");
    quality.get("/instruments/peer-ties").await.assert_contains("Peer ties (revised)").assert_contains("Version 1");

    // Retire from the page.
    quality.post("/instruments/peer-ties/retire", &[]).await.assert_redirect_to("/instruments/peer-ties");
    quality.get("/instruments/peer-ties").await.assert_contains("Retired: not offered for new measurements.");
    let mut director = app.signed_in(DIRECTOR).await;
    director.get("/instruments/who-5/try").await.assert_status(StatusCode::OK).assert_contains("At no time");
    director
        .post(
            "/instruments/who-5/try",
            &[("answer_q1", "5"), ("answer_q2", "5"), ("answer_q3", "1"), ("answer_q4", "1"), ("answer_q5", "1")],
        )
        .await
        .assert_contains("Score: 52");
}
