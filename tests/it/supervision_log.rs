//! The supervision and mentoring log (CSE 2.06d) through the pages and the API: who may log which
//! kind of session (and never for themselves), specific messages for bad input, edit conflicts and
//! follow-ups, that participants' names, record numbers and supervision notes never reach readers
//! who may not see them, and the supervision gap list as the clock moves. The harness's clock
//! starts on 2026-11-18.

use crate::helpers::{Client, Response, TestApp};
use axum::http::{Method, StatusCode};
use mainstay::db::entities::{person, staff, staff_profile, staff_program};
use mainstay::domain::codes::Role;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

const DAY: i64 = 86_400;

async fn staff_of(app: &TestApp, email: &str) -> staff::Model {
    mainstay::db::staff::by_email(&app.db, email).await.unwrap().expect("demo account")
}

/// Sets a staff member's positions (the demo may later give them a profile of its own).
async fn set_positions(app: &TestApp, email: &str, positions: &str) {
    let member = staff_of(app, email).await;
    staff_profile::Entity::delete_many()
        .filter(staff_profile::Column::OrgId.eq(member.org_id))
        .filter(staff_profile::Column::StaffId.eq(member.id))
        .exec(app.db.conn())
        .await
        .unwrap();
    let now = app.now();
    let row = staff_profile::Model {
        org_id: member.org_id,
        staff_id: member.id,
        positions: positions.into(),
        start_date: None,
        experience_months: None,
        lived_experience: false,
        lived_experience_attested_on: None,
        shares_story: None,
        job_description_version: None,
        job_description_acknowledged_on: None,
        role_understanding_confirmed_on: None,
        role_understanding_confirmed_by: None,
        updated_by: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    staff_profile::Entity::insert(staff_profile::ActiveModel::from(row))
        .exec_without_returning(app.db.conn())
        .await
        .unwrap();
}

/// A new coach supervised by the demo supervisor, signed in with the demo password; no history.
async fn new_coach(app: &TestApp, email: &str, name: &str) -> staff::Model {
    let template = staff_of(app, "coach@demo.example").await;
    let supervisor = staff_of(app, "supervisor@demo.example").await;
    let now = app.now();
    let model = staff::Model {
        id: Uuid::new_v4(),
        email: email.into(),
        display_name: name.into(),
        job_title: Some("Peer recovery coach".into()),
        roles: mainstay::db::staff::roles_to_text(&[Role::Coach]),
        supervisor_id: Some(supervisor.id),
        last_login_at: None,
        failed_logins: 0,
        locked_until: None,
        version: 1,
        created_at: now,
        updated_at: now,
        ..template.clone()
    };
    staff::Entity::insert(staff::ActiveModel::from(model.clone())).exec_without_returning(app.db.conn()).await.unwrap();
    let programs = mainstay::db::org::programs(app.db.conn(), template.org_id).await.unwrap();
    let membership = staff_program::Model { org_id: template.org_id, staff_id: model.id, program_id: programs[0].id };
    staff_program::Entity::insert(staff_program::ActiveModel::from(membership))
        .exec_without_returning(app.db.conn())
        .await
        .unwrap();
    mainstay::db::access_changed();
    model
}

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("supervision").await;
    (client, token)
}

fn has_error(response: &Value, field: &str, code: &str) -> bool {
    response["errors"]
        .as_array()
        .is_some_and(|errors| errors.iter().any(|e| e["field"].as_str().unwrap_or("") == field && e["code"] == code))
}

async fn denied(app: &TestApp) -> usize {
    app.audit_actions().await.iter().filter(|(a, o)| a == "access.denied" && o == "denied").count()
}

fn session_json(kind: &str, notes: &str) -> Value {
    json!({
        "kind": kind, "held_on": "2026-11-17", "minutes": 50, "topics": ["self-care", "triggers"],
        "notes": notes, "follow_ups": "Try the grounding exercise before home visits", "follow_up_due": "2026-11-28",
    })
}

async fn post_session(client: &mut Client, token: &str, staff_id: Uuid, body: Value) -> Response {
    client.api(Method::POST, &format!("/api/v1/team/{staff_id}/supervision"), token, Some(body)).await
}

/// A person's record number and their name as the log shows it.
async fn record_number(app: &TestApp, id: Uuid) -> (String, String) {
    let p = person::Entity::find_by_id(id).one(app.db.conn()).await.unwrap().unwrap();
    let name = match p.preferred_name.as_deref() {
        Some(pref) if !pref.is_empty() && pref != p.legal_given_name => {
            format!("{pref} ({}) {}", p.legal_given_name, p.legal_family_name)
        }
        _ => format!("{} {}", p.legal_given_name, p.legal_family_name),
    };
    (mainstay::domain::person::format_record_number(p.record_number), name)
}

/// As the templates escape text.
fn html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

async fn person_views(app: &TestApp) -> usize {
    app.audit_actions().await.iter().filter(|(a, _)| a == "person.view").count()
}

#[tokio::test]
async fn supervisors_log_supervision_peers_log_mentoring_and_nobody_logs_for_themselves() {
    let app = TestApp::spawn().await;
    set_positions(&app, "coach@demo.example", "peer-specialist").await;
    set_positions(&app, "referral@demo.example", "referral-specialist").await;
    let coach = staff_of(&app, "coach@demo.example").await;
    let facilitator = staff_of(&app, "facilitator@demo.example").await;
    let supervisor = staff_of(&app, "supervisor@demo.example").await;

    // The supervisor logs individual supervision for a supervisee through the form.
    let mut sup = app.signed_in("supervisor@demo.example").await;
    let page = sup.get(&format!("/team/{}/supervision", coach.id)).await;
    page.assert_status(StatusCode::OK).assert_contains("Log a session").assert_contains("Personal triggers");
    let saved = sup
        .post(
            &format!("/team/{}/supervision", coach.id),
            &[
                ("kind", "individual"),
                ("held_on", "2026-11-16"),
                ("minutes", "45"),
                ("topics", "self-care"),
                ("topics", "triggers"),
                ("notes", "Talked about rest days after hard calls."),
                ("follow_ups", "Book two rest days"),
                ("follow_up_due", "2026-11-30"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let log = sup.get(&format!("/team/{}/supervision", coach.id)).await;
    log.assert_contains("Individual supervision").assert_contains("Talked about rest days after hard calls.");
    log.assert_contains("Led by Sam Okafor").assert_contains("45 min").assert_contains("Due 2026-11-30");

    // A colleague coach may not log supervision for someone they do not supervise; it is recorded.
    let before = denied(&app).await;
    let mut peer = app.signed_in("coach@demo.example").await;
    peer.get(&format!("/team/{}/supervision", facilitator.id)).await.assert_status(StatusCode::OK);
    let refused = peer
        .post(
            &format!("/team/{}/supervision", facilitator.id),
            &[("kind", "individual"), ("held_on", "2026-11-17"), ("topics", "workload")],
        )
        .await;
    refused.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(denied(&app).await, before + 1, "the refusal is audited");

    // The same peer specialist may log peer mentoring for the colleague, chosen from their own log.
    peer.get(&format!("/team/{}/supervision", coach.id)).await.assert_contains("Mentor a colleague");
    peer.get(&format!("/team/supervision/mentee?staff_id={}", facilitator.id))
        .await
        .assert_redirect_to(&format!("/team/{}/supervision?log=1#log", facilitator.id));
    let page = peer.get(&format!("/team/{}/supervision", facilitator.id)).await;
    page.assert_contains("Peer mentoring").assert_lacks("value=\"individual\"");
    let mentored = peer
        .post(
            &format!("/team/{}/supervision", facilitator.id),
            &[
                ("kind", "peer-mentoring"),
                ("held_on", "2026-11-17"),
                ("topics", "recovery-story"),
                ("notes", "Shared how I tell my story"),
            ],
        )
        .await;
    assert_eq!(mentored.status, StatusCode::SEE_OTHER, "{}", mentored.body);
    // The mentor reads the session they led, notes included.
    peer.get(&format!("/team/{}/supervision", facilitator.id))
        .await
        .assert_contains("Shared how I tell my story")
        .assert_contains("You see only the mentoring sessions you led.");

    // Someone who is not a peer specialist may not mentor; nobody logs for themselves.
    let mut referral = app.signed_in("referral@demo.example").await;
    referral.get("/").await;
    let not_peer = referral
        .post(
            &format!("/team/{}/supervision", facilitator.id),
            &[("kind", "peer-mentoring"), ("held_on", "2026-11-17"), ("topics", "self-care")],
        )
        .await;
    not_peer.assert_status(StatusCode::FORBIDDEN);
    let own = peer
        .post(
            &format!("/team/{}/supervision", coach.id),
            &[("kind", "peer-mentoring"), ("held_on", "2026-11-17"), ("topics", "self-care")],
        )
        .await;
    own.assert_status(StatusCode::FORBIDDEN);
    let (mut api, token) = api_user(&app, "supervisor@demo.example").await;
    post_session(&mut api, &token, supervisor.id, session_json("individual", "Self-supervision"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(denied(&app).await, before + 4);

    // The director logs group supervision for the supervisor over the API.
    let (mut director, token) = api_user(&app, "director@demo.example").await;
    let created = post_session(&mut director, &token, supervisor.id, session_json("group", "Group check-in")).await;
    created.assert_status(StatusCode::CREATED);
    let body = created.json();
    assert_eq!(body["kind"], "group");
    assert_eq!(body["topics"], json!(["self-care", "triggers"]));
    assert_eq!(body["minutes"], 50);
    assert_eq!(body["notes"], "Group check-in");
    assert_eq!(body["version"], 1);

    let actions = app.audit_actions().await;
    assert_eq!(actions.iter().filter(|(a, _)| a == "personnel.supervision.add").count(), 3);
    assert!(app.audit_soon_contains("personnel.supervision.view").await);
}

#[tokio::test]
async fn bad_input_gets_a_specific_message() {
    let app = TestApp::spawn().await;
    let coach = staff_of(&app, "coach@demo.example").await;
    let (mut api, token) = api_user(&app, "supervisor@demo.example").await;
    let cases = [
        (json!({"held_on": "2026-11-19"}), "held_on", "supervision-log-error-future"),
        (json!({"minutes": 0}), "minutes", "supervision-log-error-minutes"),
        (json!({"minutes": "an hour"}), "minutes", "supervision-log-error-minutes"),
        (json!({"minutes": 900}), "minutes", "supervision-log-error-minutes-long"),
        (json!({"topics": ["self-care", "gossip"]}), "topics", "supervision-log-error-topic-unknown"),
        (json!({"topics": []}), "topics", "supervision-log-error-topics-required"),
        (json!({"kind": "coffee"}), "kind", "supervision-log-error-kind-unknown"),
        (json!({"follow_up_due": "2026-11-01"}), "follow_up_due", "supervision-log-error-due-before-session"),
        (json!({"people_discussed": ["nobody"]}), "people_discussed", "supervision-log-error-person-unknown"),
    ];
    for (change, field, code) in cases {
        let mut body = session_json("individual", "Notes");
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let answer = post_session(&mut api, &token, coach.id, body).await;
        answer.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_error(&answer.json(), field, code), "{field} {code}: {}", answer.body);
    }
    let unknown = post_session(
        &mut api,
        &token,
        coach.id,
        json!({"kind": "individual", "held_on": "2026-11-17", "topics": ["gossip"]}),
    )
    .await;
    let detail = unknown.json()["errors"][0]["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("gossip"), "the unknown code is named: {detail}");

    // The form says it in words, keeps what was typed and saves nothing.
    let mut sup = app.signed_in("supervisor@demo.example").await;
    sup.get(&format!("/team/{}/supervision", coach.id)).await;
    let page = sup
        .post(
            &format!("/team/{}/supervision", coach.id),
            &[
                ("kind", "individual"),
                ("held_on", "2026-12-01"),
                ("minutes", "-5"),
                ("notes", "Kept while fixing the date"),
            ],
        )
        .await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("The session cannot be after today (2026-11-18)");
    page.assert_contains("Enter the minutes as a whole number more than 0");
    page.assert_contains("Choose at least one topic you covered");
    page.assert_contains("Kept while fixing the date");
    assert!(!app.audit_actions().await.iter().any(|(a, _)| a == "personnel.supervision.add"));
}

#[tokio::test]
async fn a_stale_edit_is_refused_and_follow_ups_are_marked_done() {
    let app = TestApp::spawn().await;
    let coach = staff_of(&app, "coach@demo.example").await;
    let (mut api, token) = api_user(&app, "supervisor@demo.example").await;
    let created = post_session(&mut api, &token, coach.id, session_json("individual", "First notes")).await.json();
    let sid = created["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/team/{}/supervision/{sid}", coach.id);

    let mut changed = session_json("individual", "Second notes");
    changed["topics"] = json!(["caseload-review"]);
    let saved = api.api(Method::PUT, &path, &token, Some(json!({"version": 1, "session": changed}))).await;
    saved.assert_status(StatusCode::OK);
    assert_eq!(saved.json()["version"], 2);
    assert_eq!(saved.json()["topics"], json!(["caseload-review"]));
    let stale = api
        .api(Method::PUT, &path, &token, Some(json!({"version": 1, "session": session_json("group", "Lost?")})))
        .await;
    stale.assert_status(StatusCode::CONFLICT);
    let missing =
        api.api(Method::PUT, &path, &token, Some(json!({"session": session_json("group", "No version")}))).await;
    missing.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let log = api.api(Method::GET, &format!("/api/v1/team/{}/supervision", coach.id), &token, None).await.json();
    assert_eq!(log["sessions"][0]["notes"], "Second notes", "the stale edit changed nothing");

    // The form keeps what was typed after a conflict and shows the saved session beside it.
    let mut sup = app.signed_in("supervisor@demo.example").await;
    let edit = sup.get(&format!("/team/{}/supervision/{sid}/edit", coach.id)).await;
    edit.assert_status(StatusCode::OK).assert_contains("Second notes");
    let conflict = sup
        .post(
            &format!("/team/{}/supervision/{sid}", coach.id),
            &[
                ("version", "1"),
                ("kind", "individual"),
                ("held_on", "2026-11-17"),
                ("topics", "workload"),
                ("notes", "Typed during the conflict"),
            ],
        )
        .await;
    conflict.assert_status(StatusCode::CONFLICT);
    conflict.assert_contains("Typed during the conflict").assert_contains("Second notes");

    // The staff member marks the follow-ups done; a date before the session is refused.
    let mut own = app.signed_in("coach@demo.example").await;
    own.get(&format!("/team/{}/supervision", coach.id)).await.assert_contains("Mark follow-ups done");
    let early = own
        .post(
            &format!("/team/{}/supervision/{sid}/follow-up", coach.id),
            &[("version", "2"), ("done", "yes"), ("done_on", "2026-11-01")],
        )
        .await;
    early.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("cannot be done before the session");
    let done = own
        .post(
            &format!("/team/{}/supervision/{sid}/follow-up", coach.id),
            &[("version", "2"), ("done", "yes"), ("done_on", "2026-11-18")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    own.get(&format!("/team/{}/supervision", coach.id)).await.assert_contains("Done 2026-11-18");
    // The staff member may not rewrite what their supervisor logged.
    let (mut own_api, own_token) = api_user(&app, "coach@demo.example").await;
    let rewrite = own_api
        .api(
            Method::PUT,
            &path,
            &own_token,
            Some(json!({"version": 3, "session": session_json("individual", "Mine now")})),
        )
        .await;
    rewrite.assert_status(StatusCode::FORBIDDEN);
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|(a, _)| a == "personnel.supervision.update"));
    assert!(actions.iter().any(|(a, _)| a == "personnel.supervision.follow-up"));
}

#[tokio::test]
async fn participants_data_never_leaks_into_supervision_views() {
    let app = TestApp::spawn().await;
    set_positions(&app, "coach@demo.example", "peer-specialist").await;
    let coach = staff_of(&app, "coach@demo.example").await;
    let facilitator = staff_of(&app, "facilitator@demo.example").await;
    let on_coach = app.person_of("coach@demo.example").await;
    let on_referral = app.person_of("referral@demo.example").await;
    let on_facilitator = app.person_of("facilitator@demo.example").await;
    let (coach_number, coach_name) = record_number(&app, on_coach).await;
    let (referral_number, referral_name) = record_number(&app, on_referral).await;
    let (facilitator_number, _) = record_number(&app, on_facilitator).await;
    let person_views_before = person_views(&app).await;

    // The supervisor reviews a case of the coach's and one of another supervisee's.
    let (mut sup, token) = api_user(&app, "supervisor@demo.example").await;
    let mut body = session_json("individual", "NOTE-ABOUT-BOUNDARIES");
    body["topics"] = json!(["caseload-review"]);
    body["people_discussed"] = json!([on_coach, on_referral]);
    let created = post_session(&mut sup, &token, coach.id, body).await;
    created.assert_status(StatusCode::CREATED);
    assert_eq!(created.json()["people_discussed"].as_array().unwrap().len(), 2, "the supervisor reaches both");
    let mut body = session_json("individual", "FACILITATOR-PRIVATE-NOTE");
    body["people_discussed"] = json!([on_facilitator]);
    post_session(&mut sup, &token, facilitator.id, body).await.assert_status(StatusCode::CREATED);

    // The staff member sees the person on their own caseload, and only a count for the other.
    let mut own = app.signed_in("coach@demo.example").await;
    let page = own.get(&format!("/team/{}/supervision", coach.id)).await;
    page.assert_contains(&coach_number).assert_contains(&html(&coach_name)).assert_contains("NOTE-ABOUT-BOUNDARIES");
    page.assert_lacks(&referral_number)
        .assert_lacks(&html(&referral_name))
        .assert_contains("1 person on another caseload");

    // As a mentor of the facilitator, the coach sees none of the supervisor's session.
    let mentor_view = own.get(&format!("/team/{}/supervision", facilitator.id)).await;
    mentor_view.assert_status(StatusCode::OK);
    mentor_view.assert_lacks("FACILITATOR-PRIVATE-NOTE").assert_lacks(&facilitator_number);
    mentor_view.assert_lacks(&on_facilitator.to_string()).assert_lacks("Where things stand");
    // Nor may a mentor name someone outside their caseload.
    let (mut mentor_api, mentor_token) = api_user(&app, "coach@demo.example").await;
    let mut naming = session_json("peer-mentoring", "Mentoring");
    naming["people_discussed"] = json!([on_facilitator]);
    let refused = post_session(&mut mentor_api, &mentor_token, facilitator.id, naming).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&refused.json(), "people_discussed", "supervision-log-error-person-not-reachable"));

    // The quality lead and an administrator read dates and topics: no names, numbers or notes.
    for email in ["quality@demo.example", "admin@demo.example"] {
        let mut reader = app.signed_in(email).await;
        let page = reader.get(&format!("/team/{}/supervision", coach.id)).await;
        page.assert_status(StatusCode::OK).assert_contains("Caseload review");
        page.assert_lacks("NOTE-ABOUT-BOUNDARIES").assert_lacks("grounding exercise");
        page.assert_lacks(&coach_number).assert_lacks(&html(&coach_name)).assert_lacks(&referral_number);
        page.assert_lacks(&on_coach.to_string()).assert_lacks(&on_referral.to_string());
        page.assert_contains("2 people on other caseloads").assert_contains("Notes are private");
        let (mut api, token) = api_user(&app, email).await;
        let log = api.api(Method::GET, &format!("/api/v1/team/{}/supervision", coach.id), &token, None).await;
        log.assert_status(StatusCode::OK).assert_lacks("NOTE-ABOUT-BOUNDARIES").assert_lacks(&coach_name);
        let session = &log.json()["sessions"][0];
        assert_eq!(session["notes"], Value::Null);
        assert_eq!(session["follow_ups"], Value::Null);
        assert_eq!(session["people_discussed"], json!([]));
        assert_eq!(session["people_on_other_caseloads"], 2);
    }

    // Team-wide views carry neither notes nor people.
    app.advance(40 * DAY);
    let mut sup_page = app.signed_in("supervisor@demo.example").await;
    let gaps = sup_page.get("/team/supervision").await;
    gaps.assert_status(StatusCode::OK).assert_contains(&coach.display_name);
    gaps.assert_lacks("NOTE-ABOUT-BOUNDARIES").assert_lacks(&html(&coach_name)).assert_lacks(&coach_number);
    gaps.assert_lacks("grounding exercise");
    let api_gaps = sup.api(Method::GET, "/api/v1/team/supervision/gaps", &token, None).await;
    api_gaps.assert_lacks("NOTE-ABOUT-BOUNDARIES").assert_lacks(&coach_name).assert_lacks("grounding");
    // Viewing a log writes one audit event, not a person.view per person named.
    assert_eq!(person_views(&app).await, person_views_before);
}

#[tokio::test]
async fn the_gap_list_follows_the_clock_and_the_interval() {
    let app = TestApp::spawn().await;
    let quinn = new_coach(&app, "quinn.gap@demo.example", "Quinn Gapfinder").await;
    let (mut sup, token) = api_user(&app, "supervisor@demo.example").await;
    let find =
        |body: &Value, id: Uuid| body["staff"].as_array().unwrap().iter().find(|r| r["staff_id"] == json!(id)).cloned();

    // Never supervised: listed first among the never-supervised, with no date.
    let gaps = sup.api(Method::GET, "/api/v1/team/supervision/gaps", &token, None).await;
    gaps.assert_status(StatusCode::OK);
    let row = find(&gaps.json(), quinn.id).expect("a new coach without supervision is listed");
    assert_eq!(row["supervision_gap"], true);
    assert_eq!(row["last_supervision"], Value::Null);
    assert_eq!(row["peer_specialist"], true);
    assert_eq!(gaps.json()["supervision_days"], 30);

    // Supervision and mentoring today take them off the list.
    let mut s = session_json("individual", "First supervision");
    s["held_on"] = json!("2026-11-18");
    s["follow_up_due"] = json!("2026-11-25");
    post_session(&mut sup, &token, quinn.id, s).await.assert_status(StatusCode::CREATED);
    let listed = find(&sup.api(Method::GET, "/api/v1/team/supervision/gaps", &token, None).await.json(), quinn.id);
    let row = listed.expect("still listed for peer mentoring");
    assert_eq!((row["supervision_gap"].clone(), row["mentoring_gap"].clone()), (json!(false), json!(true)));
    let mut m = session_json("peer-mentoring", "Mentoring");
    m["held_on"] = json!("2026-11-18");
    m["follow_ups"] = Value::Null;
    m["follow_up_due"] = Value::Null;
    post_session(&mut sup, &token, quinn.id, m).await.assert_status(StatusCode::CREATED);
    let gaps = sup.api(Method::GET, "/api/v1/team/supervision/gaps", &token, None).await.json();
    assert!(find(&gaps, quinn.id).is_none(), "supervised and mentored today: {gaps}");

    // A week on, the follow-up is overdue; 31 days on, supervision has lapsed.
    app.advance(8 * DAY);
    let row =
        find(&sup.api(Method::GET, "/api/v1/team/supervision/gaps", &token, None).await.json(), quinn.id).unwrap();
    assert_eq!(row["overdue_follow_ups"], 1);
    assert_eq!(row["supervision_gap"], false);
    app.advance(23 * DAY);
    let row =
        find(&sup.api(Method::GET, "/api/v1/team/supervision/gaps", &token, None).await.json(), quinn.id).unwrap();
    assert_eq!(row["supervision_gap"], true);
    assert_eq!(row["days_since_supervision"], 31);
    assert_eq!(row["last_supervision"], "2026-11-18");
    let mut page_client = app.signed_in("supervisor@demo.example").await;
    let page = page_client.get("/team/supervision").await;
    page.assert_contains("Quinn Gapfinder")
        .assert_contains("31 days ago")
        .assert_contains("No supervision in the last 30 days");

    // A longer interval set by the director: within it again.
    let (mut director, dtoken) = api_user(&app, "director@demo.example").await;
    let current = director.api(Method::GET, "/api/v1/team/settings", &dtoken, None).await.json();
    let mut settings = current.clone();
    settings["supervision_days"] = json!(45);
    let saved = director.api(Method::PUT, "/api/v1/team/settings", &dtoken, Some(settings)).await;
    saved.assert_status(StatusCode::OK);
    let row =
        find(&sup.api(Method::GET, "/api/v1/team/supervision/gaps", &token, None).await.json(), quinn.id).unwrap();
    assert_eq!(row["supervision_gap"], false, "31 days is within 45");
    assert_eq!(row["overdue_follow_ups"], 1);

    // Roles without team views may not see the list.
    let (mut coach, ctoken) = api_user(&app, "coach@demo.example").await;
    coach.api(Method::GET, "/api/v1/team/supervision/gaps", &ctoken, None).await.assert_status(StatusCode::FORBIDDEN);
}
