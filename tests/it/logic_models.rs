//! Logic models (CSE 1.01, 1.02) through the pages and the API: the validity overview, editing with
//! versions and history, bad input, access, the printable page, live outputs on hand-built records
//! with known answers, and outcome progress. The harness's clock starts on 2026-11-18.

use crate::helpers::{Client, Response, TestApp};
use axum::http::{Method, StatusCode};
use mainstay::db::entities::{
    coaching_contact, enrolment, group_attendance, group_session, info_contact, outcome_measurement, program, referral,
    support_group,
};
use mainstay::outcomes::logic_models::{Outputs, outputs, outputs_by_month};
use sea_orm::ActiveModelTrait;
use serde_json::{Value, json};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

const COACH: &str = "coach@demo.example";
const DIRECTOR: &str = "director@demo.example";
const QUALITY: &str = "quality@demo.example";

async fn org_and_staff(app: &TestApp, email: &str) -> (Uuid, Uuid) {
    let s = mainstay::db::staff::by_email(&app.db, email).await.unwrap().expect("demo account");
    (s.org_id, s.id)
}

async fn program_named(app: &TestApp, name: &str) -> Uuid {
    let (org_id, _) = org_and_staff(app, DIRECTOR).await;
    mainstay::db::org::programs(app.db.conn(), org_id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no program {name}"))
        .id
}

/// A new active program with no records, serving individuals (and referral when asked).
async fn new_program(app: &TestApp, name: &str, individuals: bool, referral: bool) -> Uuid {
    let (org_id, _) = org_and_staff(app, DIRECTOR).await;
    let id = Uuid::new_v4();
    let now = app.now();
    program::ActiveModel::from(program::Model {
        id,
        org_id,
        name: name.into(),
        description: None,
        serves_individuals: individuals,
        serves_groups: false,
        serves_referral: referral,
        peer_delivered: true,
        occasional_only: false,
        active: true,
        version: 1,
        created_at: now,
        updated_at: now,
    })
    .insert(app.db.conn())
    .await
    .unwrap();
    id
}

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("logic-models").await;
    (client, token)
}

fn has_error(body: &Value, field: &str, code: &str) -> bool {
    body["errors"]
        .as_array()
        .is_some_and(|errors| errors.iter().any(|e| e["field"].as_str() == Some(field) && e["code"] == code))
}

fn error_detail(body: &Value, field: &str) -> String {
    body["errors"]
        .as_array()
        .and_then(|errors| errors.iter().find(|e| e["field"].as_str() == Some(field)))
        .and_then(|e| e["detail"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// A complete model: all six parts, outcomes in two areas with targets on built-in measures.
fn complete_model() -> Value {
    json!({
        "needs": [{"text": "Few recovery supports", "evidence_kind": "needs-assessment",
                   "evidence_title": "County needs assessment", "evidence_date": "2025"}],
        "inputs": [{"kind": "human", "text": "Two peer coaches"}],
        "activities": [{"text": "Weekly coaching"}],
        "outputs": [{"kind": "people-served", "planned": 40}, {"kind": "contacts"}],
        "outcomes": [
            {"statement": "People build recovery capital", "area": "quality-of-life", "instrument_key": "barc-10",
             "target": {"kind": "reach-threshold", "value": 47, "share": 50}},
            {"statement": "People use on fewer days", "area": "health-welfare-safety", "instrument_key": "use-days-30",
             "target": {"kind": "mean-change", "value": 4}}
        ],
        "impacts": [{"level": "community", "text": "Fewer overdoses"}]
    })
}

async fn put(client: &mut Client, token: &str, program: Uuid, version: i32, model: Value) -> Response {
    client
        .api(
            Method::PUT,
            &format!("/api/v1/programs/{program}/logic-model"),
            token,
            Some(json!({ "version": version, "model": model })),
        )
        .await
}

async fn audited(app: &TestApp, action: &str) -> usize {
    app.audit_actions().await.iter().filter(|(a, o)| a == action && o == "success").count()
}

// ---------- the validity overview ----------

#[tokio::test]
async fn the_overview_shows_the_demo_groups_model_as_incomplete_and_the_referral_line_as_exempt() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in(COACH).await;
    let page = coach.get("/logic-models").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Recovery Education &#38; Support Groups")
        .assert_contains("Long-term impact: nothing recorded yet.")
        .assert_contains("Outcomes cover one outcome area; at least two are needed.")
        .assert_contains("Information and referral only: one outcome area is enough.");
    // Coaches read but are not offered editing.
    page.assert_lacks("Edit the logic model");

    let (mut client, token) = api_user(&app, QUALITY).await;
    let list = client.api(Method::GET, "/api/v1/logic-models", &token, None).await;
    list.assert_status(StatusCode::OK);
    let list = list.json();
    let by_name = |name: &str| list.as_array().unwrap().iter().find(|p| p["program_name"] == name).cloned().unwrap();
    assert_eq!(by_name("Peer Recovery Coaching")["standing"], "complete");
    assert_eq!(by_name("Information & Referral Line")["standing"], "complete");
    assert_eq!(by_name("Information & Referral Line")["referral_only"], true);
    let groups = by_name("Recovery Education & Support Groups");
    assert_eq!(groups["standing"], "incomplete");
    let codes: Vec<&str> = groups["gaps"].as_array().unwrap().iter().map(|g| g["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["missing-part", "too-few-areas"]);
    assert!(groups["gaps"][0]["message"].as_str().unwrap().contains("Long-term impact"));

    // A new program without a model is named as missing one.
    new_program(&app, "Aftercare Pilot", true, false).await;
    let list = client.api(Method::GET, "/api/v1/logic-models", &token, None).await.json();
    let pilot = list.as_array().unwrap().iter().find(|p| p["program_name"] == "Aftercare Pilot").cloned().unwrap();
    assert_eq!(pilot["standing"], "missing");
    assert_eq!(pilot["gaps"][0]["code"], "no-model");
    assert!(app.audit_soon_contains("logic_models.list").await);
}

// ---------- editing through the pages ----------

#[tokio::test]
async fn a_director_adds_rows_and_saves_the_form_and_the_history_keeps_each_version() {
    let app = TestApp::spawn().await;
    let program = program_named(&app, "Recovery Education & Support Groups").await;
    let mut director = app.signed_in(DIRECTOR).await;
    let edit = director.get(&format!("/programs/{program}/logic-model/edit")).await;
    edit.assert_status(StatusCode::OK).assert_contains("Need 1").assert_contains("Impact 1");
    assert!(edit.body.contains("People new to recovery have few recovery-oriented groups"));

    // The form as the browser would send it: the stored rows, plus a blank row per part.
    let base: Vec<(&str, &str)> = vec![
        ("version", "1"),
        ("needs.text", "People new to recovery have few recovery-oriented groups."),
        ("needs.evidence_kind", "needs-assessment"),
        ("needs.evidence_title", "Harbour County Community Health Needs Assessment"),
        ("needs.evidence_date", "2025"),
        ("needs.evidence_link", ""),
        ("inputs.kind", "human"),
        ("inputs.text", "Trained group facilitators"),
        ("activities.text", "Weekly groups"),
        ("outputs.kind", "group-sessions"),
        ("outputs.planned", "200"),
        ("outcomes.id", ""),
        ("outcomes.statement", "Group members build recovery capital"),
        ("outcomes.area", "quality-of-life"),
        ("outcomes.instrument_key", "barc-10"),
        ("outcomes.target_kind", "improve-by"),
        ("outcomes.target_value", "5"),
        ("outcomes.target_share", "50"),
        ("outcomes.timeframe", ""),
        ("outcomes.id", ""),
        ("outcomes.statement", "Members feel less isolated"),
        ("outcomes.area", "health-welfare-safety"),
        ("outcomes.instrument_key", "isolation"),
        ("outcomes.target_kind", "reach-threshold"),
        ("outcomes.target_value", "4"),
        ("outcomes.target_share", "60"),
        ("outcomes.timeframe", "After 12 sessions"),
        ("impact.level", ""),
        ("impact.text", ""),
    ];
    let path = format!("/programs/{program}/logic-model");

    // "Add another impact" keeps what was typed and shows one more row, without saving.
    let mut add = base.clone();
    add.push(("add", "impact"));
    let page = director.post(&path, &add).await;
    page.assert_status(StatusCode::OK).assert_contains("Impact 2").assert_contains("Members feel less isolated");

    // A target on a measure that does not exist is refused with its name.
    let mut bad = base.clone();
    let at = bad.iter().position(|(k, v)| *k == "outcomes.instrument_key" && *v == "isolation").unwrap();
    bad[at] = ("outcomes.instrument_key", "loneliness-scale");
    let page = director.post(&path, &bad).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("There is no available measure called &#34;loneliness-scale&#34;")
        .assert_contains("href=\"#outcomes.1.instrument_key\"");
    // A share over 100 and a word for a number are named on their fields.
    let mut bad = base.clone();
    let at = bad.iter().position(|(k, v)| *k == "outcomes.target_share" && *v == "60").unwrap();
    bad[at] = ("outcomes.target_share", "160");
    let page = director.post(&path, &bad).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("The share of people must be from 0 to 100.");
    let mut bad = base.clone();
    let at = bad.iter().position(|(k, _)| *k == "outputs.planned").unwrap();
    bad[at] = ("outputs.planned", "lots");
    director.post(&path, &bad).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Enter a number.");

    // Saved: impact filled in, a second outcome area — the model is now complete.
    let mut good = base.clone();
    let at = good.iter().position(|(k, _)| *k == "impact.level").unwrap();
    good[at] = ("impact.level", "community");
    good[at + 1] = ("impact.text", "A stronger recovery community in the county");
    director.post(&path, &good).await.assert_redirect_to(&path);
    let shown = director.get(&path).await;
    shown
        .assert_status(StatusCode::OK)
        .assert_contains("A stronger recovery community in the county")
        .assert_contains("Members feel less isolated")
        .assert_contains("Version 2");
    assert!(shown.body.contains(">Complete</span>"), "standing shown as complete");
    assert_eq!(audited(&app, "logic_models.update").await, 1);

    // History: both versions, the first still readable as it was.
    let history = director.get(&format!("{path}/history")).await;
    history.assert_status(StatusCode::OK).assert_contains("Version 2").assert_contains("Version 1");
    director
        .get(&format!("{path}/history/1"))
        .await
        .assert_status(StatusCode::OK)
        .assert_lacks("A stronger recovery community")
        .assert_contains("Group members build recovery capital");

    // Saving from the stale form again is a conflict that keeps what was typed.
    let page = director.post(&path, &good).await;
    page.assert_status(StatusCode::CONFLICT).assert_contains("Someone saved this logic model");
    assert!(page.body.contains("A stronger recovery community in the county"));
}

#[tokio::test]
async fn a_coach_reads_a_logic_model_but_cannot_change_it() {
    let app = TestApp::spawn().await;
    let program = program_named(&app, "Peer Recovery Coaching").await;
    let mut coach = app.signed_in(COACH).await;
    let path = format!("/programs/{program}/logic-model");
    coach
        .get(&path)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("People build recovery capital")
        .assert_lacks("Edit the logic model");
    coach.get(&format!("{path}/edit")).await.assert_status(StatusCode::FORBIDDEN);
    coach.post(&path, &[("version", "1"), ("activities.text", "x")]).await.assert_status(StatusCode::FORBIDDEN);
    let (mut client, token) = api_user(&app, COACH).await;
    client.api(Method::GET, &format!("/api/v1{path}"), &token, None).await.assert_status(StatusCode::OK);
    put(&mut client, &token, program, 1, complete_model()).await.assert_status(StatusCode::FORBIDDEN);
    assert!(app.audit_actions().await.iter().any(|(a, o)| a == "access.denied" && o == "denied"));
}

// ---------- the API ----------

#[tokio::test]
async fn bad_targets_get_a_message_on_their_field_and_a_stale_version_gets_409() {
    let app = TestApp::spawn().await;
    let program = new_program(&app, "Aftercare Pilot", true, false).await;
    let (mut client, token) = api_user(&app, QUALITY).await;

    let mut model = complete_model();
    model["outcomes"][0]["instrument_key"] = json!("barc-11");
    model["outcomes"][1]["target"] = json!({"kind": "improve-by", "value": 5, "share": 120});
    model["activities"][0]["text"] = json!("   ");
    model["impacts"][0]["text"] = json!("x".repeat(501));
    let r = put(&mut client, &token, program, 0, model).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.json();
    assert!(has_error(&body, "outcomes.0.instrument_key", "logic-models-error-unknown-measure"), "{body}");
    assert!(error_detail(&body, "outcomes.0.instrument_key").contains("barc-11"));
    assert!(has_error(&body, "outcomes.1.target_share", "logic-models-error-share-range"), "{body}");
    assert!(has_error(&body, "activities.0.text", "error-required"), "{body}");
    assert!(has_error(&body, "impacts.0.text", "error-too-long"), "{body}");

    // A BARC-10 threshold outside 10–60, and a screener judged on change.
    let mut model = complete_model();
    model["outcomes"][0]["target"] = json!({"kind": "reach-threshold", "value": 70, "share": 50});
    model["outcomes"][1] = json!({"statement": "Fewer people screen at risk", "area": "health-welfare-safety",
        "instrument_key": "cssrs-screen", "target": {"kind": "mean-change", "value": 1}});
    let body = put(&mut client, &token, program, 0, model).await.json();
    assert!(has_error(&body, "outcomes.0.target_value", "logic-models-error-value-range"), "{body}");
    assert!(error_detail(&body, "outcomes.0.target_value").contains("from 10 to 60"), "{body}");
    assert!(has_error(&body, "outcomes.1.target_kind", "logic-models-error-threshold-only"), "{body}");

    let r = put(&mut client, &token, program, 0, complete_model()).await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json()["version"], 1);
    // Someone else's copy from before the first save is now stale.
    put(&mut client, &token, program, 0, complete_model()).await.assert_status(StatusCode::CONFLICT);
    let r = put(&mut client, &token, program, 1, complete_model()).await;
    assert_eq!(r.json()["version"], 2);
    put(&mut client, &token, program, 1, complete_model()).await.assert_status(StatusCode::CONFLICT);

    let got = client.api(Method::GET, &format!("/api/v1/programs/{program}/logic-model"), &token, None).await.json();
    assert_eq!(got["version"], 2);
    assert_eq!(got["validity"]["standing"], "complete");
    assert_eq!(got["model"]["outcomes"][0]["instrument_key"], "barc-10");
    assert_eq!(got["period"]["from"], "2025-11-19");
    assert_eq!(got["period"]["to"], "2026-11-18");
    let revisions = client
        .api(Method::GET, &format!("/api/v1/programs/{program}/logic-model/revisions"), &token, None)
        .await
        .json();
    assert_eq!(revisions["revisions"].as_array().unwrap().len(), 2);
    let first =
        client.api(Method::GET, &format!("/api/v1/programs/{program}/logic-model/revisions/1"), &token, None).await;
    first.assert_status(StatusCode::OK);
    assert_eq!(first.json()["model"]["impacts"][0]["text"], "Fewer overdoses");
    assert_eq!(audited(&app, "logic_models.create").await, 1);
    assert_eq!(audited(&app, "logic_models.update").await, 1);
}

#[tokio::test]
async fn outcome_ids_stay_and_the_outcome_stamp_moves_only_when_targets_change() {
    let app = TestApp::spawn().await;
    let (org_id, _) = org_and_staff(&app, DIRECTOR).await;
    let program = new_program(&app, "Aftercare Pilot", true, false).await;
    let (mut client, token) = api_user(&app, DIRECTOR).await;
    let stamp = || async { mainstay::outcomes::stamp::current(app.db.conn(), org_id).await.unwrap() };
    let before = stamp().await;
    put(&mut client, &token, program, 0, complete_model()).await.assert_status(StatusCode::OK);
    let after_create = stamp().await;
    assert!(after_create > before, "new targets move the stamp");

    let path = format!("/api/v1/programs/{program}/logic-model");
    let got = client.api(Method::GET, &path, &token, None).await.json();
    let id = got["model"]["outcomes"][0]["id"].clone();
    let mut model = got["model"].clone();
    model["activities"][0]["text"] = json!("Coaching twice a week");
    put(&mut client, &token, program, 1, model.clone()).await.assert_status(StatusCode::OK);
    assert_eq!(stamp().await, after_create, "activities do not change outcome figures");

    model["outcomes"][0]["target"]["share"] = json!(60);
    put(&mut client, &token, program, 2, model).await.assert_status(StatusCode::OK);
    assert!(stamp().await > after_create);
    let got = client.api(Method::GET, &path, &token, None).await.json();
    assert_eq!(got["model"]["outcomes"][0]["id"], id, "an outcome keeps its id across saves");
    let targets = mainstay::outcomes::logic_models::targets(app.db.conn(), org_id, Some(program)).await.unwrap();
    assert_eq!(targets.len(), 2);
    assert_eq!(targets[0].target.share, Some(60.0));
    assert_eq!(targets[0].instrument_key, "barc-10");
}

#[tokio::test]
async fn an_information_and_referral_program_needs_only_one_outcome_area() {
    let app = TestApp::spawn().await;
    let line = new_program(&app, "Warm Line", false, true).await;
    let both = new_program(&app, "Coaching And Referral", true, true).await;
    let (mut client, token) = api_user(&app, DIRECTOR).await;
    let mut model = complete_model();
    model["outcomes"].as_array_mut().unwrap().truncate(1);
    put(&mut client, &token, line, 0, model.clone()).await.assert_status(StatusCode::OK);
    put(&mut client, &token, both, 0, model).await.assert_status(StatusCode::OK);
    let get = |p: Uuid| format!("/api/v1/programs/{p}/logic-model");
    let line_view = client.api(Method::GET, &get(line), &token, None).await.json();
    assert_eq!(line_view["validity"]["standing"], "complete");
    let both_view = client.api(Method::GET, &get(both), &token, None).await.json();
    assert_eq!(both_view["validity"]["standing"], "incomplete");
    assert_eq!(both_view["validity"]["gaps"][0]["code"], "too-few-areas");
}

// ---------- outputs on hand-built records ----------

struct Built {
    org_id: Uuid,
    program: Uuid,
}

async fn contact(
    app: &TestApp,
    b: &Built,
    (person, program): (Uuid, Uuid),
    when: OffsetDateTime,
    (minutes, mode): (i32, &str),
    session: Option<Uuid>,
) {
    let (_, worker) = org_and_staff(app, COACH).await;
    coaching_contact::ActiveModel::from(coaching_contact::Model {
        id: Uuid::new_v4(),
        org_id: b.org_id,
        person_id: person,
        program_id: Some(program),
        worker_id: worker,
        occurred_at: when,
        minutes,
        mode: mode.into(),
        setting: "community".into(),
        present: None,
        activities: String::new(),
        goals: String::new(),
        note: "test".into(),
        status: "signed".into(),
        signed_at: None,
        signed_by: None,
        warnings: None,
        lapse_id: None,
        group_session_id: session,
        version: 1,
        created_at: when,
        updated_at: when,
    })
    .insert(app.db.conn())
    .await
    .unwrap();
}

async fn session(
    app: &TestApp,
    b: &Built,
    group: Uuid,
    starts: OffsetDateTime,
    minutes: i64,
    status: &str,
    anonymous: i32,
) -> Uuid {
    let (_, staff) = org_and_staff(app, DIRECTOR).await;
    let id = Uuid::new_v4();
    group_session::ActiveModel::from(group_session::Model {
        id,
        org_id: b.org_id,
        group_id: group,
        schedule_id: None,
        occurrence_start: None,
        starts_at: starts,
        ends_at: starts + time::Duration::minutes(minutes),
        status: status.into(),
        cancel_reason: None,
        room: None,
        curriculum_session: None,
        topic: None,
        anonymous_count: anonymous,
        topics_covered: None,
        progress: None,
        adaptations: None,
        activities_offered: None,
        opportunities: None,
        safety_concerns: None,
        logged_by: None,
        logged_at: None,
        checkout_token: None,
        created_by: staff,
        updated_by: staff,
        version: 1,
        created_at: starts,
        updated_at: starts,
    })
    .insert(app.db.conn())
    .await
    .unwrap();
    id
}

async fn attend(app: &TestApp, b: &Built, group: Uuid, session: Uuid, person: Uuid, status: &str) {
    let (_, staff) = org_and_staff(app, DIRECTOR).await;
    group_attendance::ActiveModel::from(group_attendance::Model {
        org_id: b.org_id,
        session_id: session,
        person_id: person,
        group_id: group,
        status: status.into(),
        drop_in: false,
        leadership: None,
        contact_id: None,
        recorded_by: staff,
        recorded_at: app.now(),
        version: 1,
    })
    .insert(app.db.conn())
    .await
    .unwrap();
}

async fn refer(app: &TestApp, b: &Built, person: Uuid, on: Date, connected_on: Option<Date>) {
    let (_, staff) = org_and_staff(app, COACH).await;
    referral::ActiveModel::from(referral::Model {
        id: Uuid::new_v4(),
        org_id: b.org_id,
        person_id: person,
        program_id: Some(b.program),
        need: "legal".into(),
        need_detail: None,
        need_identified_on: on,
        service_id: "svc".into(),
        service_at_location_id: None,
        resource_organization_id: None,
        resource_name: "Shelter".into(),
        urgency: "routine".into(),
        help: "warm-handoff".into(),
        shared_categories: String::new(),
        consent_id: None,
        status: if connected_on.is_some() { "completed".into() } else { "sent".into() },
        referred_on: Some(on),
        follow_up_on: None,
        connected: connected_on.map(|_| true),
        connected_on,
        need_met: None,
        outcome_note: None,
        closed_on: None,
        note: None,
        language: None,
        made_by: staff,
        assigned_to: staff,
        version: 1,
        created_at: app.now(),
        updated_at: app.now(),
    })
    .insert(app.db.conn())
    .await
    .unwrap();
}

async fn info(app: &TestApp, b: &Built, when: OffsetDateTime) {
    let (_, staff) = org_and_staff(app, COACH).await;
    info_contact::ActiveModel::from(info_contact::Model {
        id: Uuid::new_v4(),
        org_id: b.org_id,
        at: when,
        staff_id: staff,
        program_id: Some(b.program),
        channel: "phone".into(),
        needs: "housing".into(),
        need_detail: None,
        service_ids: String::new(),
        other_resources: None,
        crisis_flags: String::new(),
        crisis_action: None,
        language: None,
        area: None,
        minutes: Some(10),
        note: None,
        created_at: when,
    })
    .insert(app.db.conn())
    .await
    .unwrap();
}

async fn enrol(app: &TestApp, b: &Built, person: Uuid, started: Date, ended: Option<Date>) {
    enrolment::ActiveModel::from(enrolment::Model {
        id: Uuid::new_v4(),
        org_id: b.org_id,
        person_id: person,
        program_id: b.program,
        worker_id: None,
        started_on: started,
        ended_on: ended,
        created_at: app.now(),
        discharge_reason: None,
        discharge_note: None,
        request_id: None,
    })
    .insert(app.db.conn())
    .await
    .unwrap();
}

/// March–April 2026 in a new program: every kind of record, some just outside the period or in
/// another program, so each figure has a known answer.
async fn build_records(app: &TestApp) -> (Built, [Uuid; 8]) {
    let (org_id, staff) = org_and_staff(app, DIRECTOR).await;
    let program = new_program(app, "Outputs Test", true, true).await;
    let other = program_named(app, "Peer Recovery Coaching").await;
    let b = Built { org_id, program };
    let p: [Uuid; 8] = std::array::from_fn(|_| Uuid::new_v4());
    let group = Uuid::new_v4();
    let now = app.now();
    support_group::ActiveModel::from(support_group::Model {
        id: group,
        org_id,
        program_id: program,
        name: "Test group".into(),
        kind: "support".into(),
        focus_areas: String::new(),
        audience: "individuals".into(),
        description: None,
        membership: "open".into(),
        capacity: None,
        capacity_rule: "warn".into(),
        language: "en".into(),
        site_id: None,
        room: None,
        online_link: None,
        peer_led: true,
        listed_publicly: false,
        curriculum_id: None,
        curriculum_version: None,
        status: "active".into(),
        feed_token: Uuid::new_v4().simple().to_string(),
        created_by: staff,
        updated_by: staff,
        version: 1,
        created_at: now,
        updated_at: now,
    })
    .insert(app.db.conn())
    .await
    .unwrap();

    contact(app, &b, (p[0], program), datetime!(2026-03-05 10:00 UTC), (60, "face-to-face"), None).await;
    contact(app, &b, (p[0], program), datetime!(2026-03-20 15:00 UTC), (30, "phone"), None).await;
    contact(app, &b, (p[1], program), datetime!(2026-04-02 09:00 UTC), (45, "video"), None).await;
    contact(app, &b, (p[1], program), datetime!(2026-02-28 23:59 UTC), (45, "video"), None).await; // before
    contact(app, &b, (p[7], program), datetime!(2026-05-01 00:00 UTC), (45, "phone"), None).await; // after
    contact(app, &b, (p[7], other), datetime!(2026-03-06 10:00 UTC), (45, "phone"), None).await; // other program

    let s1 = session(app, &b, group, datetime!(2026-03-10 10:00 UTC), 90, "held", 2).await;
    let s2 = session(app, &b, group, datetime!(2026-04-10 10:00 UTC), 60, "held", 0).await;
    let s3 = session(app, &b, group, datetime!(2026-04-17 10:00 UTC), 60, "cancelled", 0).await;
    attend(app, &b, group, s1, p[2], "present").await;
    attend(app, &b, group, s1, p[3], "present").await;
    attend(app, &b, group, s2, p[3], "absent").await;
    attend(app, &b, group, s2, p[0], "present").await;
    attend(app, &b, group, s3, p[7], "present").await;
    // Group attendance writes its own contact: counted as attendance, not as a coaching contact.
    contact(app, &b, (p[2], program), datetime!(2026-03-10 10:00 UTC), (90, "face-to-face"), Some(s1)).await;

    refer(app, &b, p[4], date!(2026 - 03 - 15), Some(date!(2026 - 04 - 01))).await;
    refer(app, &b, p[4], date!(2026 - 04 - 20), None).await;
    refer(app, &b, p[7], date!(2025 - 01 - 01), Some(date!(2025 - 02 - 01))).await;

    info(app, &b, datetime!(2026-03-02 12:00 UTC)).await;
    info(app, &b, datetime!(2026-03-31 23:00 UTC)).await;

    enrol(app, &b, p[5], date!(2026 - 01 - 01), None).await;
    enrol(app, &b, p[6], date!(2025 - 06 - 01), Some(date!(2025 - 12 - 31))).await;
    (b, p)
}

#[tokio::test]
async fn outputs_are_counted_live_from_records_for_the_period_and_month_by_month() {
    let app = TestApp::spawn().await;
    let (b, _) = build_records(&app).await;
    let conn = app.db.conn();
    let o = outputs(conn, b.org_id, Some(b.program), date!(2026 - 03 - 01), date!(2026 - 04 - 30)).await.unwrap();
    assert_eq!(
        o,
        Outputs {
            people_served: 6,
            contacts: 3,
            contacts_by_mode: vec![("face-to-face".into(), 1), ("phone".into(), 1), ("video".into(), 1)],
            contact_hours: 2.25,
            group_sessions: 2,
            group_attendances: 5,
            group_hours: 2.5,
            referrals_made: 2,
            referrals_connected: 1,
            info_contacts: 2,
        }
    );

    let months =
        outputs_by_month(conn, b.org_id, Some(b.program), date!(2026 - 02 - 15), date!(2026 - 04 - 30)).await.unwrap();
    let keys: Vec<Date> = months.iter().map(|(m, _)| *m).collect();
    assert_eq!(keys, [date!(2026 - 02 - 01), date!(2026 - 03 - 01), date!(2026 - 04 - 01)]);
    let (feb, mar, apr) = (&months[0].1, &months[1].1, &months[2].1);
    assert_eq!((feb.contacts, feb.people_served), (1, 2), "the late-February contact and the enrolment");
    assert_eq!(
        (
            mar.people_served,
            mar.contacts,
            mar.contact_hours,
            mar.group_sessions,
            mar.group_attendances,
            mar.group_hours
        ),
        (5, 2, 1.5, 1, 4, 1.5)
    );
    assert_eq!((mar.referrals_made, mar.referrals_connected, mar.info_contacts), (1, 0, 2));
    assert_eq!(
        (
            apr.people_served,
            apr.contacts,
            apr.contact_hours,
            apr.group_sessions,
            apr.group_attendances,
            apr.group_hours
        ),
        (4, 1, 0.75, 1, 1, 1.0)
    );
    assert_eq!((apr.referrals_made, apr.referrals_connected, apr.info_contacts), (1, 1, 0));

    // The whole organisation includes the other program's contact too.
    let org = outputs(conn, b.org_id, None, date!(2026 - 03 - 06), date!(2026 - 03 - 06)).await.unwrap();
    assert!(org.contacts >= 1);
    // A backwards span is empty rather than an error.
    let none = outputs(conn, b.org_id, Some(b.program), date!(2026 - 04 - 30), date!(2026 - 03 - 01)).await.unwrap();
    assert_eq!(none, Outputs::default());
}

#[tokio::test]
async fn the_page_print_and_api_show_the_outputs_counted_and_outcome_progress() {
    let app = TestApp::spawn().await;
    let (b, p) = build_records(&app).await;
    let (mut client, token) = api_user(&app, DIRECTOR).await;
    let mut model = complete_model();
    model["outputs"] =
        json!([{"kind": "people-served", "planned": 10}, {"kind": "group-attendances"}, {"kind": "contact-hours"}]);
    put(&mut client, &token, b.program, 0, model).await.assert_status(StatusCode::OK);

    // BARC-10 in the program: one person from 40 to 50, one at 45 → 1 of 2 reach 47 (50%: met).
    for (person, day, score) in
        [(p[0], date!(2026 - 03 - 01), 40.0), (p[0], date!(2026 - 04 - 01), 50.0), (p[1], date!(2026 - 03 - 03), 45.0)]
    {
        outcome_measurement::ActiveModel::from(outcome_measurement::Model {
            id: Uuid::new_v4(),
            org_id: b.org_id,
            person_id: person,
            program_id: Some(b.program),
            site_id: None,
            instrument_key: "barc-10".into(),
            instrument_version: 1,
            occasion: "review".into(),
            source: "staff".into(),
            status: "complete".into(),
            taken_on: day,
            answers: "{}".into(),
            score: Some(score),
            interpretation: None,
            note: None,
            recorded_by: None,
            portal_account_id: None,
            version: 1,
            created_at: app.now(),
            updated_at: app.now(),
        })
        .insert(app.db.conn())
        .await
        .unwrap();
        mainstay::outcomes::summary::refresh(app.db.conn(), b.org_id, person, "barc-10").await.unwrap();
    }

    let path = format!("/api/v1/programs/{}/logic-model?from=2026-03-01&to=2026-04-30", b.program);
    let view = client.api(Method::GET, &path, &token, None).await;
    view.assert_status(StatusCode::OK);
    let view = view.json();
    assert_eq!(view["outputs"]["people_served"], 6);
    let figures: Vec<(String, f64)> = view["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["kind"].as_str().unwrap().to_string(), f["actual"].as_f64().unwrap()))
        .collect();
    assert_eq!(
        figures,
        [("people-served".into(), 6.0), ("group-attendances".into(), 5.0), ("contact-hours".into(), 2.25)]
    );
    let barc = &view["progress"][0];
    assert_eq!(barc["status"], "met", "{view}");
    assert_eq!(barc["progress"]["n"], 2);
    assert_eq!(barc["progress"]["achieved"], 50.0);
    assert_eq!(view["progress"][1]["status"], "not-measured");

    let outputs = client
        .api(
            Method::GET,
            &format!("/api/v1/programs/{}/logic-model/outputs?from=2026-03-01&to=2026-04-30&by=month", b.program),
            &token,
            None,
        )
        .await;
    outputs.assert_status(StatusCode::OK);
    let outputs = outputs.json();
    assert_eq!(outputs["totals"]["group_sessions"], 2);
    assert_eq!(outputs["months"].as_array().unwrap().len(), 2);
    assert_eq!(outputs["months"][1]["month"], "2026-04-01");
    assert_eq!(outputs["months"][1]["outputs"]["referrals_connected"], 1);
    let bad = client
        .api(
            Method::GET,
            &format!("/api/v1/programs/{}/logic-model/outputs?from=2026-05-01&to=2026-04-30", b.program),
            &token,
            None,
        )
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&bad.json(), "to", "logic-models-error-period-backwards"));

    let mut director = app.signed_in(DIRECTOR).await;
    let page = director.get(&format!("/programs/{}/logic-model?from=2026-03-01&to=2026-04-30", b.program)).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("From 2026-03-01 to 2026-04-30")
        .assert_contains("Group attendances")
        .assert_contains("<strong>2.3</strong>")
        .assert_contains("Met · 50% of 2 people");
    let print = director.get(&format!("/programs/{}/logic-model/print?from=2026-03-01&to=2026-04-30", b.program)).await;
    print
        .assert_status(StatusCode::OK)
        .assert_contains("lm-columns")
        .assert_contains("Needs addressed")
        .assert_contains("Long-term impact")
        .assert_contains("County needs assessment (2025)")
        .assert_contains("<sup>1</sup>")
        .assert_contains("From 2026-03-01 to 2026-04-30");
    assert!(app.audit_soon_contains("logic_models.view").await);
}
