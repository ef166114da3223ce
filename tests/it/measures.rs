//! Measures (CSE 1.02; the PRSC expected outcomes): recording from the instrument's own form,
//! field messages for bad answers and dates, access, corrections and removals with versions and
//! reasons, program schedules, what is due (worklist, home card, discharge), portal self-completion
//! and the outcome stamp. The harness's clock starts on 2026-11-18.

use crate::helpers::{Client, PASSWORD, TestApp};
use axum::http::{Method, StatusCode};
use mainstay::db::entities::{audit_event, enrolment, outcome_measurement, person, portal_account, staff};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};
use time::macros::date;
use uuid::Uuid;

const COACH: &str = "coach@demo.example";
const DIRECTOR: &str = "director@demo.example";
const FACILITATOR: &str = "facilitator@demo.example";
const ALEX: &str = "alex.portal@demo.example";

fn has_error(body: &Value, field: &str) -> bool {
    body["errors"].as_array().is_some_and(|errors| errors.iter().any(|e| e["field"].as_str() == Some(field)))
}

async fn org_of(app: &TestApp, person_id: Uuid) -> Uuid {
    person::Entity::find_by_id(person_id).one(app.db.conn()).await.unwrap().unwrap().org_id
}

async fn stamp(app: &TestApp, person_id: Uuid) -> i64 {
    mainstay::outcomes::stamp::current(app.db.conn(), org_of(app, person_id).await).await.unwrap()
}

async fn measurements(app: &TestApp, person_id: Uuid) -> Vec<outcome_measurement::Model> {
    outcome_measurement::Entity::find()
        .filter(outcome_measurement::Column::PersonId.eq(person_id))
        .order_by_desc(outcome_measurement::Column::CreatedAt)
        .all(app.db.conn())
        .await
        .unwrap()
}

async fn clear(app: &TestApp, person_id: Uuid) {
    outcome_measurement::Entity::delete_many()
        .filter(outcome_measurement::Column::PersonId.eq(person_id))
        .exec(app.db.conn())
        .await
        .unwrap();
    mainstay::outcomes::summary::rebuild_everywhere(app.db.conn()).await.unwrap();
}

async fn audited(app: &TestApp, action: &str) -> Vec<audit_event::Model> {
    audit_event::Entity::find().filter(audit_event::Column::Action.eq(action)).all(app.db.conn()).await.unwrap()
}

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("measures").await;
    (client, token)
}

fn who5(q: [&'static str; 5]) -> Vec<(&'static str, &'static str)> {
    vec![("answers.q1", q[0]), ("answers.q2", q[1]), ("answers.q3", q[2]), ("answers.q4", q[3]), ("answers.q5", q[4])]
}

fn form<'a>(extra: &[(&'a str, &'a str)], answers: Vec<(&'a str, &'a str)>) -> Vec<(&'a str, &'a str)> {
    let mut f: Vec<(&str, &str)> = [("instrument_key", "who-5"), ("source", "staff"), ("occasion", "review")]
        .into_iter()
        .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k))
        .collect();
    f.extend_from_slice(extra);
    f.extend(answers);
    f
}

#[tokio::test]
async fn a_coach_records_a_who5_from_its_form_and_sees_a_calm_reading() {
    let app = TestApp::spawn().await;
    let person = app.person_of(COACH).await;
    clear(&app, person).await;
    let before = stamp(&app, person).await;
    let mut coach = app.signed_in(COACH).await;
    let page = coach.get(&format!("/people/{person}/measures/new?instrument=who-5")).await;
    page.assert_status(StatusCode::OK).assert_contains("WHO-5");
    assert_eq!(page.body.matches("<fieldset class=\"field measure-item").count(), 5, "one fieldset per item");
    assert_eq!(page.body.matches("type=\"radio\" name=\"answers.q1\"").count(), 6, "0–5 as radios");

    // All 2s: raw 10, ×4 = 40, at or below 50.
    let response = coach.post(&format!("/people/{person}/measures"), &form(&[], who5(["2", "2", "2", "2", "2"]))).await;
    let saved = measurements(&app, person).await;
    assert_eq!(saved.len(), 1);
    let m = &saved[0];
    response.assert_redirect_to(&format!("/people/{person}/measures/{}", m.id));
    assert_eq!((m.score, m.status.as_str(), m.source.as_str()), (Some(40.0), "complete", "staff"));
    assert_eq!(m.taken_on, date!(2026 - 11 - 18), "today when left out");
    assert!(m.program_id.is_some(), "the person's program");
    let answers: Value = serde_json::from_str(&m.answers).unwrap();
    assert_eq!(answers["q3"], "2");
    assert!(stamp(&app, person).await > before, "the outcome stamp moves with the write");
    coach
        .get(&format!("/people/{person}/measures/{}", m.id))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("talking with a doctor");
    let list = coach.get(&format!("/people/{person}/measures")).await;
    list.assert_status(StatusCode::OK).assert_contains("WHO-5").assert_contains("40");
    assert_eq!(audited(&app, "measures.record").await.len(), 1);
    assert!(!audited(&app, "measures.view").await.is_empty(), "reading the measures is audited");

    // A second, better one shows the change since the first, flagged as meaningful (10 points).
    coach.post(&format!("/people/{person}/measures"), &form(&[], who5(["5", "5", "3", "3", "3"]))).await;
    let list = coach.get(&format!("/people/{person}/measures")).await;
    list.assert_contains("+36").assert_contains("meaningful change");
}

#[tokio::test]
async fn out_of_range_and_missing_answers_get_field_messages() {
    let app = TestApp::spawn().await;
    let person = app.person_of(COACH).await;
    clear(&app, person).await;
    let mut coach = app.signed_in(COACH).await;
    coach.get(&format!("/people/{person}/measures/new?instrument=who-5")).await;
    let answers = vec![("answers.q1", "9"), ("answers.q2", "3"), ("answers.q3", "3"), ("answers.q4", "3")];
    let page = coach.post(&format!("/people/{person}/measures"), &form(&[], answers)).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("href=\"#answers.q1\""), "summary links to the item");
    assert!(page.body.contains("href=\"#answers.q5\""), "missing required item");
    assert!(page.body.contains("value=\"3\" checked"), "answers typed are kept");
    assert!(measurements(&app, person).await.is_empty());

    let (mut client, token) = api_user(&app, COACH).await;
    let body = json!({ "instrument_key": "barc-10", "source": "paper", "occasion": "intake",
        "answers": { "q1": 7, "q2": 0, "q3": 3 } });
    let response = client.api(Method::POST, &format!("/api/v1/people/{person}/measures"), &token, Some(body)).await;
    response.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let json = response.json();
    for field in ["answers.q1", "answers.q2", "answers.q4", "answers.q10"] {
        assert!(has_error(&json, field), "{field}: {json}");
    }
    let body = json!({ "instrument_key": "goal-achievement", "source": "staff", "occasion": "review", "answers": {} });
    let response = client.api(Method::POST, &format!("/api/v1/people/{person}/measures"), &token, Some(body)).await;
    response.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&response.json(), "instrument_key"), "derived indicators are not entered");
    assert!(measurements(&app, person).await.is_empty());
}

#[tokio::test]
async fn a_paper_form_may_be_dated_in_the_past_but_never_the_future() {
    let app = TestApp::spawn().await;
    let person = app.person_of(COACH).await;
    clear(&app, person).await;
    let mut coach = app.signed_in(COACH).await;
    coach.get(&format!("/people/{person}/measures/new?instrument=who-5")).await;
    let all3 = who5(["3", "3", "3", "3", "3"]);
    coach
        .post(
            &format!("/people/{person}/measures"),
            &form(&[("source", "paper"), ("taken_on", "2026-11-19")], all3.clone()),
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("cannot be in the future");
    coach
        .post(
            &format!("/people/{person}/measures"),
            &form(&[("source", "paper"), ("taken_on", "1900-01-01")], all3.clone()),
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("cannot be before");
    assert!(measurements(&app, person).await.is_empty());
    coach
        .post(&format!("/people/{person}/measures"), &form(&[("source", "paper"), ("taken_on", "2026-11-10")], all3))
        .await;
    let saved = measurements(&app, person).await;
    assert_eq!((saved[0].source.as_str(), saved[0].taken_on), ("paper", date!(2026 - 11 - 10)));
    // Declined: no answers, no score, still counted as offered.
    coach
        .post(
            &format!("/people/{person}/measures"),
            &[("instrument_key", "barc-10"), ("source", "staff"), ("occasion", "review"), ("declined", "on")],
        )
        .await;
    let saved = measurements(&app, person).await;
    let declined = saved.iter().find(|m| m.instrument_key == "barc-10").expect("saved");
    assert_eq!((declined.status.as_str(), declined.score, declined.answers.as_str()), ("declined", None, "{}"));
}

#[tokio::test]
async fn someone_outside_the_caseload_cannot_read_or_record_measures() {
    let app = TestApp::spawn().await;
    let person = app.person_of(COACH).await;
    let mut other = app.signed_in(FACILITATOR).await;
    other.get("/").await;
    let page = other.get(&format!("/people/{person}/measures")).await;
    assert!(matches!(page.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", page.status);
    let post = other.post(&format!("/people/{person}/measures"), &form(&[], who5(["3", "3", "3", "3", "3"]))).await;
    assert!(matches!(post.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", post.status);
    let (mut client, token) = api_user(&app, FACILITATOR).await;
    let response = client.api(Method::GET, &format!("/api/v1/people/{person}/measures"), &token, None).await;
    assert!(matches!(response.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND));
    let response = client.api(Method::GET, &format!("/api/v1/people/{}/measures", Uuid::new_v4()), &token, None).await;
    response.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_stale_correction_gets_409_and_corrections_and_removals_keep_their_reason() {
    let app = TestApp::spawn().await;
    let person = app.person_of(COACH).await;
    clear(&app, person).await;
    let (mut client, token) = api_user(&app, COACH).await;
    let path = format!("/api/v1/people/{person}/measures");
    let body =
        json!({ "instrument_key": "use-days-30", "source": "staff", "occasion": "review", "answers": { "days": 12 } });
    let created = client.api(Method::POST, &path, &token, Some(body)).await;
    created.assert_status(StatusCode::CREATED);
    let created = created.json();
    assert_eq!(created["score"], 12.0);
    let id = created["id"].as_str().unwrap().to_string();
    let one = format!("{path}/{id}");
    let s0 = stamp(&app, person).await;

    let fix = json!({ "version": 1, "reason": "Typed 12 for 2", "source": "staff", "occasion": "review", "answers": { "days": 2 } });
    let fixed = client.api(Method::PUT, &one, &token, Some(fix.clone())).await;
    fixed.assert_status(StatusCode::OK);
    assert_eq!((fixed.json()["score"].as_f64(), fixed.json()["version"].as_i64()), (Some(2.0), Some(2)));
    assert!(stamp(&app, person).await > s0);
    // The person's baseline and latest follow the correction in the same transaction.
    let kept: Vec<_> = app
        .outcome_summaries()
        .await
        .into_iter()
        .filter(|s| s.person_id == person && s.instrument_key == "use-days-30")
        .map(|s| (s.first_score, s.latest_score, s.measured_count))
        .collect();
    assert!(!kept.is_empty() && kept.iter().all(|k| *k == (2.0, 2.0, 1)), "{kept:?}");
    client.api(Method::PUT, &one, &token, Some(fix)).await.assert_status(StatusCode::CONFLICT);
    let no_reason = json!({ "version": 2, "source": "staff", "occasion": "review", "answers": { "days": 3 } });
    let response = client.api(Method::PUT, &one, &token, Some(no_reason)).await;
    response.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&response.json(), "reason"));
    let audit = audited(&app, "measures.correct").await;
    assert_eq!(audit.len(), 1);
    assert!(audit[0].detail.to_string().contains("Typed 12 for 2"), "{}", audit[0].detail);

    // The page shows the conflict message and keeps what was typed.
    let mut coach = app.signed_in(COACH).await;
    coach.get(&format!("/people/{person}/measures/{id}/edit")).await.assert_status(StatusCode::OK);
    let page = coach
        .post(
            &format!("/people/{person}/measures/{id}"),
            &[("version", "1"), ("source", "staff"), ("occasion", "review"), ("answers.days", "4"), ("reason", "x")],
        )
        .await;
    page.assert_status(StatusCode::CONFLICT).assert_contains("Someone changed this");

    let s1 = stamp(&app, person).await;
    let response = client.api(Method::DELETE, &one, &token, Some(json!({ "version": 2 }))).await;
    response.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    client
        .api(Method::DELETE, &one, &token, Some(json!({ "version": 1, "reason": "Wrong person" })))
        .await
        .assert_status(StatusCode::CONFLICT);
    client
        .api(Method::DELETE, &one, &token, Some(json!({ "version": 2, "reason": "Wrong person" })))
        .await
        .assert_status(StatusCode::NO_CONTENT);
    assert!(measurements(&app, person).await.is_empty());
    assert!(stamp(&app, person).await > s1);
    assert!(!app.outcome_summaries().await.iter().any(|s| s.person_id == person && s.instrument_key == "use-days-30"));
    app.assert_summaries_match_a_rebuild().await;
    let removed = audited(&app, "measures.remove").await;
    assert!(removed[0].detail.to_string().contains("Wrong person"));
    client.api(Method::GET, &one, &token, None).await.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn due_measures_show_on_the_worklist_and_the_home_card() {
    let app = TestApp::spawn().await;
    let person = app.person_of(COACH).await;
    clear(&app, person).await;
    let name = {
        let p = person::Entity::find_by_id(person).one(app.db.conn()).await.unwrap().unwrap();
        p.preferred_name.unwrap_or(p.legal_given_name)
    };
    let (mut client, token) = api_user(&app, COACH).await;
    let due = client.api(Method::GET, &format!("/api/v1/people/{person}/measures-due"), &token, None).await.json();
    let keys: Vec<&str> = due.as_array().unwrap().iter().map(|d| d["instrument_key"].as_str().unwrap()).collect();
    for key in ["barc-10", "who-5", "use-days-30"] {
        assert!(keys.contains(&key), "{key} due at intake under the default schedule: {due}");
    }
    assert!(due.as_array().unwrap().iter().all(|d| d["occasion"] == "intake"));
    let mine = client.api(Method::GET, "/api/v1/measures/due", &token, None).await.json();
    assert!(mine.as_array().unwrap().iter().any(|d| d["person_id"] == person.to_string()));

    let mut coach = app.signed_in(COACH).await;
    let caseload = coach.get("/caseload").await;
    caseload.assert_status(StatusCode::OK).assert_contains("Measures due");
    assert!(caseload.body.contains(&format!("/people/{person}/measures/new?instrument=barc-10")));
    assert!(caseload.body.contains(&name));
    coach.get("/").await.assert_contains("id=\"measures-due-card\"").assert_contains("due on your caseload");
    coach
        .get(&format!("/people/{person}/measures"))
        .await
        .assert_contains(&format!("/people/{person}/measures/new?instrument=who-5"));

    // Recording it takes it off the list.
    coach
        .post(&format!("/people/{person}/measures"), &form(&[("occasion", "intake")], who5(["3", "3", "3", "3", "3"])))
        .await;
    let due = client.api(Method::GET, &format!("/api/v1/people/{person}/measures-due"), &token, None).await.json();
    assert!(due.as_array().unwrap().iter().all(|d| d["instrument_key"] != "who-5"), "{due}");
}

#[tokio::test]
async fn an_ended_enrolment_makes_discharge_measures_due_for_a_while() {
    let app = TestApp::spawn().await;
    let person = app.person_of(COACH).await;
    clear(&app, person).await;
    let rows =
        enrolment::Entity::find().filter(enrolment::Column::PersonId.eq(person)).all(app.db.conn()).await.unwrap();
    for e in rows {
        let mut e: enrolment::ActiveModel = e.into();
        e.started_on = Set(date!(2026 - 01 - 05));
        e.ended_on = Set(Some(date!(2026 - 11 - 10)));
        e.update(app.db.conn()).await.unwrap();
    }
    let (mut client, token) = api_user(&app, COACH).await;
    let due = client.api(Method::GET, &format!("/api/v1/people/{person}/measures-due"), &token, None).await.json();
    let due = due.as_array().unwrap();
    assert!(!due.is_empty());
    assert!(due.iter().all(|d| d["occasion"] == "discharge" && d["state"] == "due"), "{due:?}");
    let body = json!({ "instrument_key": "who-5", "source": "staff", "occasion": "discharge", "taken_on": "2026-11-12",
        "answers": { "q1": 3, "q2": 3, "q3": 3, "q4": 3, "q5": 3 } });
    client
        .api(Method::POST, &format!("/api/v1/people/{person}/measures"), &token, Some(body))
        .await
        .assert_status(StatusCode::CREATED);
    let due = client.api(Method::GET, &format!("/api/v1/people/{person}/measures-due"), &token, None).await.json();
    assert!(due.as_array().unwrap().iter().all(|d| d["instrument_key"] != "who-5"));
}

#[tokio::test]
async fn program_schedules_start_from_the_default_and_are_versioned() {
    let app = TestApp::spawn().await;
    let mut director = app.signed_in(DIRECTOR).await;
    director
        .get("/outcomes/schedules")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Peer Recovery Coaching")
        .assert_contains("default");
    let (mut client, token) = api_user(&app, DIRECTOR).await;
    let list = client.api(Method::GET, "/api/v1/measure-schedules", &token, None).await.json();
    let first = &list.as_array().unwrap()[0];
    assert_eq!(first["is_default"], true);
    let program = first["program_id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/measure-schedules/{program}");
    let body = json!({ "every_days": 60, "instruments": [{ "key": "who-5", "intake": true, "periodic": true }] });
    let saved = client.api(Method::PUT, &path, &token, Some(body.clone())).await;
    saved.assert_status(StatusCode::OK);
    assert_eq!((saved.json()["version"].as_i64(), saved.json()["is_default"].as_bool()), (Some(1), Some(false)));
    client.api(Method::PUT, &path, &token, Some(body.clone())).await.assert_status(StatusCode::CONFLICT);
    let mut again = body.clone();
    again["version"] = json!(1);
    again["every_days"] = json!(3);
    let bad = client.api(Method::PUT, &path, &token, Some(again.clone())).await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&bad.json(), "every_days"));
    again["every_days"] = json!(120);
    again["instruments"] = json!([{ "key": "no-such-thing", "intake": true }]);
    let bad = client.api(Method::PUT, &path, &token, Some(again)).await;
    assert!(has_error(&bad.json(), "instruments.no-such-thing"));

    let (mut coach, coach_token) = api_user(&app, COACH).await;
    coach.api(Method::PUT, &path, &coach_token, Some(body)).await.assert_status(StatusCode::FORBIDDEN);
    coach.api(Method::GET, &path, &coach_token, None).await.assert_status(StatusCode::OK);
    director.get(&format!("/outcomes/schedules/{program}")).await.assert_contains("name=\"i.who-5.intake\" checked");
}

async fn portal_client(app: &TestApp, email: &str) -> Client {
    let mut client = app.client();
    client.get("/my/sign-in").await.assert_status(StatusCode::OK);
    client.post("/my/sign-in", &[("email", email), ("password", PASSWORD)]).await.assert_redirect_to("/my");
    client
}

#[tokio::test]
async fn a_person_completes_a_due_measure_in_the_portal_and_only_sees_their_own() {
    let app = TestApp::spawn().await;
    let account = portal_account::Entity::find()
        .filter(portal_account::Column::EmailKey.eq(ALEX))
        .one(app.db.conn())
        .await
        .unwrap()
        .expect("demo portal account");
    clear(&app, account.person_id).await;
    let before = stamp(&app, account.person_id).await;
    let mut me = portal_client(&app, ALEX).await;
    me.get("/my").await.assert_contains("/my/measures");
    let page = me.get("/my/measures").await;
    page.assert_status(StatusCode::OK).assert_contains("/my/measures/who-5");
    me.get("/my/measures/who-5").await.assert_status(StatusCode::OK).assert_contains("name=\"answers.q1\"");
    me.get("/my/measures/goal-achievement").await.assert_status(StatusCode::NOT_FOUND);

    let missing = me.post("/my/measures/who-5", &[("answers.q1", "4")]).await;
    missing.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Please answer this question");
    let response = me.post("/my/measures/who-5", &who5(["4", "4", "4", "4", "4"])).await;
    let saved = measurements(&app, account.person_id).await;
    assert_eq!(saved.len(), 1);
    let m = &saved[0];
    response.assert_redirect_to(&format!("/my/measures/results/{}", m.id));
    assert_eq!(
        (m.source.as_str(), m.portal_account_id, m.recorded_by, m.score),
        ("portal", Some(account.id), None, Some(80.0))
    );
    assert_eq!(m.occasion, "intake");
    assert!(stamp(&app, account.person_id).await > before);
    me.get(&format!("/my/measures/results/{}", m.id)).await.assert_status(StatusCode::OK).assert_contains("good range");
    let audit = audited(&app, "portal.measures.complete").await;
    assert_eq!(audit[0].actor_label.as_deref(), Some(format!("portal:{}", account.id).as_str()));
    assert_eq!(audit[0].actor_id, None, "the person's own action, not staff's");

    // Another person's measurement id answers 404, as does one that does not exist.
    let other = outcome_measurement::Entity::find()
        .filter(outcome_measurement::Column::PersonId.ne(account.person_id))
        .one(app.db.conn())
        .await
        .unwrap()
        .expect("the demo has other people's measurements");
    me.get(&format!("/my/measures/results/{}", other.id)).await.assert_status(StatusCode::NOT_FOUND);
    me.get(&format!("/my/measures/results/{}", Uuid::new_v4())).await.assert_status(StatusCode::NOT_FOUND);
    // Nothing staff-only: no note, no staff links.
    me.get("/my/measures").await.assert_lacks("/people/");

    // In Spanish, the page's own text is translated.
    let mut es = portal_client(&app, ALEX).await;
    es.get("/my").await;
    es.post("/my/language", &[("lang", "es")]).await;
    es.get("/my/measures").await.assert_contains("Mis seguimientos");
}

#[tokio::test]
async fn the_demo_has_repeated_measurements_with_change_over_time() {
    let app = TestApp::spawn().await;
    let rows = outcome_measurement::Entity::find().all(app.db.conn()).await.unwrap();
    let people: std::collections::HashSet<Uuid> = rows.iter().map(|r| r.person_id).collect();
    assert!(rows.len() >= people.len() * 4, "{} rows for {} people", rows.len(), people.len());
    let barc: Vec<f64> = rows.iter().filter(|r| r.instrument_key == "barc-10").filter_map(|r| r.score).collect();
    assert!(barc.iter().all(|s| (10.0..=60.0).contains(s)));
    let intake: Vec<f64> = rows
        .iter()
        .filter(|r| r.instrument_key == "barc-10" && r.occasion == "intake")
        .filter_map(|r| r.score)
        .collect();
    let mean = intake.iter().sum::<f64>() / intake.len() as f64;
    assert!((30.0..=45.0).contains(&mean), "intake BARC-10 mean {mean}");
    for source in ["staff", "paper"] {
        assert!(rows.iter().any(|r| r.source == source), "{source}");
    }
    assert!(rows.iter().any(|r| r.status == "declined"));
    let coach = staff::Entity::find().filter(staff::Column::Email.eq(COACH)).one(app.db.conn()).await.unwrap().unwrap();
    assert!(rows.iter().any(|r| r.recorded_by == Some(coach.id)));
}
