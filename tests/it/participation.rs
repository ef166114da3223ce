//! Program rules, advisory meetings and participant surveys (CSE 7.02 / CA-CSE 7.03) through the
//! pages and the API: rule versions numbered per program with their history and comparison,
//! specific messages for bad input, meetings that name only consenting people from the
//! recorder's caseload (audited), decisions' follow-through and the overdue list, surveys with
//! their response rate, who may read and who may write, and stale versions answering 409. The
//! harness's clock starts on 2026-11-18; the demo holds rules for every program, eight meetings
//! (one decision overdue) and three surveys.

use crate::helpers::{Client, TestApp, first_program, person_fields};
use axum::http::{Method, StatusCode};
use mainstay::db::entities::{audit_event, program, program_rule, staff};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

const DIRECTOR: &str = "director@demo.example";
const SUPERVISOR: &str = "supervisor@demo.example";
const COACH: &str = "coach@demo.example";

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("participation").await;
    (client, token)
}

fn has_error(response: &Value, field: &str, code: &str) -> bool {
    response["errors"]
        .as_array()
        .is_some_and(|errors| errors.iter().any(|e| e["field"].as_str().unwrap_or("") == field && e["code"] == code))
}

async fn programs(app: &TestApp) -> Vec<program::Model> {
    let mut all = program::Entity::find().all(app.db.conn()).await.unwrap();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

async fn program_named(app: &TestApp, name: &str) -> Uuid {
    programs(app).await.into_iter().find(|p| p.name == name).expect("demo program").id
}

async fn audited(app: &TestApp, action: &str) -> Vec<audit_event::Model> {
    audit_event::Entity::find().filter(audit_event::Column::Action.eq(action)).all(app.db.conn()).await.unwrap()
}

/// A new person on the referral specialist's caseload, after the referral specialist stops
/// reporting to the supervisor: someone the supervisor does not reach. Created through the pages
/// (no request for service, so nobody reaches them through intake).
async fn person_outside_supervisor(app: &TestApp) -> Uuid {
    use sea_orm::sea_query::Expr;
    let worker = mainstay::db::staff::by_email(&app.db, "referral@demo.example").await.unwrap().unwrap();
    staff::Entity::update_many()
        .col_expr(staff::Column::SupervisorId, Expr::value(Option::<Uuid>::None))
        .filter(staff::Column::Id.eq(worker.id))
        .exec(app.db.conn())
        .await
        .unwrap();
    mainstay::db::access_changed();
    let mut client = app.signed_in("referral@demo.example").await;
    let form = client.get("/people/new").await;
    let program = first_program(&form.body);
    let created = client.post("/people", &person_fields("Outside", "Caseload", "1985-05-05", &program)).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    Uuid::parse_str(created.location().trim_start_matches("/people/")).unwrap()
}

fn rule_form<'a>(title: &'a str, effective: &'a str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("based_on", "0"),
        ("title", title),
        ("effective_from", effective),
        ("body", body),
        ("method-community-meeting", "on"),
        ("participants-community-meeting", "12"),
        ("method-vote", "on"),
        ("participants-vote", "10"),
        ("votes_for", "9"),
        ("votes_against", "1"),
        ("enforcement", "peer-led-review"),
        ("enforcement_description", "Two peers talk it through with the person the same day."),
    ]
}

#[tokio::test]
async fn rule_versions_are_numbered_per_program_and_compared_line_by_line() {
    let app = TestApp::spawn().await;
    let mut director = app.signed_in(DIRECTOR).await;

    // The demo holds three versions of the drop-in house agreements.
    let coaching = program_named(&app, "Peer Recovery Coaching").await;
    let history = director.get(&format!("/voice/rules/scope/{coaching}")).await;
    history.assert_status(StatusCode::OK).assert_contains("Version 3").assert_contains("Version 1");
    let form = director.get(&format!("/voice/rules/scope/{coaching}/new")).await;
    form.assert_status(StatusCode::OK)
        .assert_contains("This will be version 4")
        .assert_contains("restorative circle instead of being asked to leave")
        .assert_contains("name=\"based_on\" value=\"3\"");

    let body = "We treat each other with respect, whatever path to recovery someone takes.\n\
                What is shared here stays here, unless someone is at risk.\n\
                No alcohol or drugs on site.\n\
                No violence or threats.\n\
                Phones on silent in shared spaces.\n\
                Kitchen is cleaned by whoever used it.";
    let mut fields = rule_form("Drop-in house agreements", "2026-11-18", body);
    fields[0] = ("based_on", "3");
    let saved = director.post(&format!("/voice/rules/scope/{coaching}/new"), &fields).await;
    saved.assert_status(StatusCode::SEE_OTHER);
    let page = director.get(saved.location()).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Version 4")
        .assert_contains("Kitchen is cleaned by whoever used it.")
        .assert_contains("Community meeting")
        .assert_contains("9 for, 1 against, 0 abstained")
        .assert_contains("Peer-led review");

    let versions = program_rule::Entity::find()
        .filter(program_rule::Column::ProgramId.eq(coaching))
        .all(app.db.conn())
        .await
        .unwrap();
    let mut numbers: Vec<i32> = versions.iter().map(|v| v.version_number).collect();
    numbers.sort();
    assert_eq!(numbers, vec![1, 2, 3, 4]);
    let v3 = versions.iter().find(|v| v.version_number == 3).unwrap();
    let v4 = versions.iter().find(|v| v.version_number == 4).unwrap();
    assert!(v3.body.contains("restorative circle"), "the superseded version is kept unchanged");

    // The organisation-wide rules start at 1, separately from the programs'.
    let org = director
        .post("/voice/rules/scope/organisation/new", &rule_form("Agreements for everyone", "2026-11-18", "Be kind."))
        .await;
    org.assert_status(StatusCode::SEE_OTHER);
    director.get(org.location()).await.assert_contains("Version 1").assert_contains("Whole organisation");

    let cmp = director.get(&format!("/voice/rules/compare?from={}&to={}", v3.id, v4.id)).await;
    cmp.assert_status(StatusCode::OK)
        .assert_contains("<del role=\"listitem\"><span class=\"visually-hidden\">Removed: </span>For a first breach")
        .assert_contains("<ins role=\"listitem\"><span class=\"visually-hidden\">Added: </span>Kitchen is cleaned")
        .assert_contains("1 lines added, 2 lines removed.");

    let list = director.get("/voice/rules").await;
    list.assert_status(StatusCode::OK).assert_contains("All 4 versions").assert_contains("Agreements for everyone");
    assert_eq!(audited(&app, "participation.rule.create").await.len(), 2);
}

#[tokio::test]
async fn bad_rule_versions_get_specific_messages_and_stale_forms_a_conflict() {
    let app = TestApp::spawn().await;
    let mut director = app.signed_in(DIRECTOR).await;
    let groups = program_named(&app, "Recovery Education & Support Groups").await;
    let path = format!("/voice/rules/scope/{groups}/new");
    director.get(&path).await;

    let bad = director
        .post(
            &path,
            &[
                ("based_on", "3"),
                ("title", "Group guidelines"),
                ("effective_from", "2020-01-01"),
                ("body", "One person speaks at a time."),
                ("method-survey", "on"),
                ("participants-survey", "0"),
                ("votes_for", "-2"),
                ("enforcement", "staff-only"),
                ("enforcement_description", ""),
            ],
        )
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("There is a problem")
        .assert_contains("A new version cannot take effect before the current one")
        .assert_contains("This must be at least 1")
        .assert_contains("This cannot be less than 0")
        .assert_contains("Describe how participants enforce the rules together")
        .assert_contains("One person speaks at a time.");
    let none = director
        .post(
            &path,
            &[
                ("based_on", "3"),
                ("title", "Group guidelines"),
                ("effective_from", "2026-11-18"),
                ("body", "x"),
                ("enforcement", "peer-led-review"),
                ("enforcement_description", "Peers"),
            ],
        )
        .await;
    none.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Tick at least one way participants took part in drafting these rules");

    // Someone recorded version 4 meanwhile: the form written from version 3 is not saved over it.
    let mut fields = rule_form("Group guidelines", "2026-11-18", "Start on time.");
    fields[0] = ("based_on", "3");
    director.post(&path, &fields).await.assert_status(StatusCode::SEE_OTHER);
    let stale = director.post(&path, &fields).await;
    stale
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Someone recorded a new version while you were writing")
        .assert_contains("name=\"based_on\" value=\"4\"")
        .assert_contains("Start on time.");
    let count = program_rule::Entity::find()
        .filter(program_rule::Column::ProgramId.eq(groups))
        .all(app.db.conn())
        .await
        .unwrap()
        .len();
    assert_eq!(count, 4);
}

#[tokio::test]
async fn meetings_name_only_people_who_agreed_and_are_on_the_recorders_caseload() {
    let app = TestApp::spawn().await;
    let supervisor = mainstay::db::staff::by_email(&app.db, SUPERVISOR).await.unwrap().unwrap();
    let supervisees =
        mainstay::db::staff::supervisee_ids(app.db.conn(), supervisor.org_id, supervisor.id).await.unwrap();
    let coach = mainstay::db::staff::by_email(&app.db, COACH).await.unwrap().unwrap();
    assert!(supervisees.contains(&coach.id), "the demo supervisor supervises the coach");
    let person = app.person_of(COACH).await;
    let outsider = person_outside_supervisor(&app).await;

    let mut client = app.signed_in(SUPERVISOR).await;
    let form = client.get("/voice/meetings/new").await;
    form.assert_status(StatusCode::OK).assert_contains(&format!("value=\"{person}\""));
    assert!(!form.body.contains(&outsider.to_string()), "only people the recorder reaches are offered");
    let person_text = person.to_string();
    let base = vec![
        ("kind", "community-meeting"),
        ("held_on", "2026-11-10"),
        ("participant_count", "8"),
        ("staff_count", "2"),
        ("topics", "Kitchen rota\nSummer picnic"),
        ("attendee", person_text.as_str()),
    ];
    let refused = client.post("/voice/meetings", &base).await;
    refused
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Confirm that each person named agreed to be named");

    let outsider_text = outsider.to_string();
    let mut outside = base.clone();
    outside[5] = ("attendee", outsider_text.as_str());
    outside.push(("named_consent", "on"));
    client.post("/voice/meetings", &outside).await.assert_status(StatusCode::FORBIDDEN);
    assert!(audited(&app, "participation.meeting.create").await.is_empty(), "nothing was saved");

    let mut agreed = base.clone();
    agreed.push(("named_consent", "on"));
    let saved = client.post("/voice/meetings", &agreed).await;
    saved.assert_status(StatusCode::SEE_OTHER);
    let adds = audited(&app, "participation.meeting.attendee.add").await;
    assert_eq!(adds.len(), 1);
    assert_eq!(adds[0].record_id, Some(person));
    assert_eq!(adds[0].record_type.as_deref(), Some("person"));

    // Reading the meeting (any staff member may) is audited for the person it names.
    let mut coach_client = app.signed_in(COACH).await;
    let page = coach_client.get(saved.location()).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Kitchen rota")
        .assert_contains("agreed to be named on 2026-11-10");
    let views = audited(&app, "participation.meeting.view").await;
    assert!(views.iter().any(|v| v.record_id == Some(person) && v.actor_id == Some(coach.id)));

    // Naming more people than took part is a mistake.
    let mut too_many = agreed.clone();
    too_many[2] = ("participant_count", "0");
    client
        .post("/voice/meetings", &too_many)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("1 people are named, so there were at least that many participants");
}

#[tokio::test]
async fn decisions_are_followed_through_and_overdue_ones_stand_out() {
    let app = TestApp::spawn().await;
    let mut director = app.signed_in(DIRECTOR).await;

    // The demo has one overdue decision.
    let list = director.get("/voice/decisions").await;
    list.assert_status(StatusCode::OK)
        .assert_contains("1 decision is past its due date.")
        .assert_contains("Add large-print signs in English and Spanish at the entrance");

    director.get("/voice/meetings/new").await;
    let saved = director
        .post(
            "/voice/meetings",
            &[
                ("kind", "advisory-council"),
                ("held_on", "2026-10-01"),
                ("participant_count", "7"),
                ("topics", "Opening hours"),
            ],
        )
        .await;
    saved.assert_status(StatusCode::SEE_OTHER);
    let meeting_path = saved.location().to_string();
    let meeting_id = meeting_path.rsplit('/').next().unwrap().to_string();
    director.get(&meeting_path).await;
    let bad = director
        .post(&format!("{meeting_path}/decisions"), &[("text", "Open on Sundays"), ("due_on", "2026-09-01")])
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("The due date cannot be before the meeting (2026-10-01)");
    director
        .post(&format!("{meeting_path}/decisions"), &[("text", "Open on Sundays"), ("due_on", "2026-11-01")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let list = director.get("/voice/decisions").await;
    list.assert_contains("2 decisions are past their due date.").assert_contains("Open on Sundays");

    let decision = director.get(&meeting_path).await;
    let id_marker = format!("/voice/meetings/{meeting_id}/decisions/");
    let start = decision.body.find(&id_marker).expect("follow-through form") + id_marker.len();
    let decision_id = decision.body[start..start + 36].to_string();
    let update = format!("{meeting_path}/decisions/{decision_id}");
    let no_reason =
        director.post(&update, &[("version", "1"), ("text", "Open on Sundays"), ("status", "not-going-ahead")]).await;
    no_reason
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Say why it is not going ahead, so participants can be told")
        .assert_contains(&format!("href=\"#reason-{decision_id}\""));
    director
        .post(
            &update,
            &[
                ("version", "1"),
                ("text", "Open on Sundays"),
                ("status", "done"),
                ("follow_through", "Open 12 to 4 on Sundays since November; posted on the board."),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let page = director.get(&meeting_path).await;
    page.assert_contains("Open 12 to 4 on Sundays").assert_contains("done on 2026-11-18");
    director.get("/voice/decisions").await.assert_lacks("Open on Sundays").assert_contains("1 decision is past");

    // The same form sent again from version 1 is refused: someone saved in between.
    let stale = director
        .post(
            &update,
            &[("version", "1"), ("text", "Open on Sundays"), ("status", "open"), ("follow_through", "typed late")],
        )
        .await;
    stale.assert_status(StatusCode::CONFLICT).assert_contains("typed late");
    assert_eq!(audited(&app, "participation.decision.update").await.len(), 1);
}

#[tokio::test]
async fn surveys_keep_results_and_show_the_response_rate() {
    let app = TestApp::spawn().await;
    let mut director = app.signed_in(DIRECTOR).await;
    let list = director.get("/voice/surveys").await;
    list.assert_status(StatusCode::OK).assert_contains("Spring participant survey").assert_contains("70%");

    let form = director.get("/voice/surveys/new").await;
    form.assert_contains("result-2-question").assert_lacks("result-3-question");
    // More rows without JavaScript: the typed values come back with three more blank rows.
    let more = director.post("/voice/surveys", &[("rows", "3"), ("title", "Autumn check-in"), ("add_rows", "1")]).await;
    more.assert_status(StatusCode::OK).assert_contains("result-5-question").assert_contains("Autumn check-in");
    assert!(audited(&app, "participation.survey.create").await.is_empty());

    let fields = [
        ("rows", "6"),
        ("title", "Autumn check-in"),
        ("period_start", "2026-10-01"),
        ("period_end", "2026-10-31"),
        ("method", "paper"),
        ("invited", "40"),
        ("respondents", "50"),
        ("result-0-question", "I feel safe here"),
        ("result-0-kind", "percent"),
        ("result-0-value", "104"),
        ("result-4-question", "Staff listen"),
        ("result-4-kind", "average"),
        ("result-4-value", "4.5"),
        ("result-4-scale_max", "5"),
    ];
    let bad = director.post("/voice/surveys", &fields).await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("More people answered than were invited (40)")
        .assert_contains("A percentage is between 0 and 100")
        .assert_contains("href=\"#result-0-value\"");
    let mut good = fields.to_vec();
    good[6] = ("respondents", "30");
    good[9] = ("result-0-value", "90");
    let saved = director.post("/voice/surveys", &good).await;
    saved.assert_status(StatusCode::SEE_OTHER);
    let page = director.get(saved.location()).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("75% (30 of 40 invited)")
        .assert_contains("90% agreed")
        .assert_contains("4.5 out of 5 on average");
    let edit = director.get(&format!("{}/edit", saved.location())).await;
    edit.assert_contains("value=\"Staff listen\"").assert_contains("name=\"version\" value=\"1\"");
}

#[tokio::test]
async fn every_staff_member_reads_but_only_leads_write() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in(COACH).await;
    let hub = coach.get("/voice").await;
    hub.assert_status(StatusCode::OK)
        .assert_contains("href=\"/voice/feedback\"")
        .assert_contains("href=\"/voice/opportunities\"")
        .assert_contains("href=\"/voice/aims\"")
        .assert_contains("href=\"/voice/welcome\"")
        .assert_contains("/have-your-say/")
        .assert_contains("/you-said-we-did/")
        .assert_contains("open decisions (1 overdue)")
        .assert_contains("Latest: Group guidelines survey, 27 responses")
        .assert_lacks("Record a meeting");
    for path in ["/voice/rules", "/voice/meetings", "/voice/decisions", "/voice/surveys"] {
        coach.get(path).await.assert_status(StatusCode::OK);
    }
    coach.get("/voice/rules").await.assert_lacks("Record a new version");
    coach.get("/voice/meetings/new").await.assert_status(StatusCode::FORBIDDEN);
    coach.get("/voice/surveys/new").await.assert_status(StatusCode::FORBIDDEN);
    coach.get("/voice/rules/scope/organisation/new").await.assert_status(StatusCode::FORBIDDEN);
    coach
        .post(
            "/voice/meetings",
            &[("kind", "focus-group"), ("held_on", "2026-11-01"), ("participant_count", "3"), ("topics", "x")],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    coach
        .post("/voice/rules/scope/organisation/new", &rule_form("Mine", "2026-11-18", "x"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert!(audited(&app, "access.denied").await.len() >= 5);

    let mut token_client = app.signed_in(COACH).await;
    let token = token_client.create_token("read").await;
    token_client.api(Method::GET, "/api/v1/voice/meetings", &token, None).await.assert_status(StatusCode::OK);
    token_client
        .api(Method::POST, "/api/v1/voice/surveys", &token, Some(json!({ "title": "x" })))
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_api_round_trips_rules_meetings_decisions_and_surveys() {
    let app = TestApp::spawn().await;
    let (mut client, token) = api_user(&app, DIRECTOR).await;
    let rules = client.api(Method::GET, "/api/v1/voice/rules", &token, None).await;
    rules.assert_status(StatusCode::OK);
    let rows = rules.json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows[0]["scope"], "organisation");
    assert!(rows[0]["current"].is_null());
    let family = rows.iter().find(|r| r["program_name"] == "Family Recovery Support").unwrap();
    assert_eq!(family["versions"], 2);
    assert_eq!(family["current"]["participant_led"], true);
    let scope = family["scope"].as_str().unwrap().to_string();

    let bad = client
        .api(
            Method::POST,
            &format!("/api/v1/voice/rules/scope/{scope}"),
            &token,
            Some(json!({ "title": "Family session agreements", "body": "x", "effective_from": "2026-11-18",
                         "drafting": [{ "method": "survey" }, { "method": "other" }],
                         "enforcement": "peer-led-review", "enforcement_description": "Peers" })),
        )
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&bad.json(), "participants-survey", "participation-error-participants-required"));
    assert!(has_error(&bad.json(), "drafting-note-other", "participation-error-other-note-required"));

    let body = json!({ "based_on_version": 2, "title": "Family session agreements",
        "body": "Every family's story is theirs to tell.\nPhones welcome.", "effective_from": "2026-11-18",
        "drafting": [{ "method": "survey", "participants": 12 }, { "method": "other", "note": "Flip chart" }],
        "votes_for": "", "enforcement": "participant-panel", "enforcement_description": "A panel of families and staff." });
    let created =
        client.api(Method::POST, &format!("/api/v1/voice/rules/scope/{scope}"), &token, Some(body.clone())).await;
    created.assert_status(StatusCode::CREATED);
    let v3 = created.json();
    assert_eq!(v3["version_number"], 3);
    assert_eq!(v3["drafting"][0]["method"], "survey");
    assert_eq!(v3["drafting"][0]["participants"], 12);
    assert!(v3["votes"].is_null());
    client
        .api(Method::POST, &format!("/api/v1/voice/rules/scope/{scope}"), &token, Some(body))
        .await
        .assert_status(StatusCode::CONFLICT);
    let history = client.api(Method::GET, &format!("/api/v1/voice/rules/scope/{scope}"), &token, None).await.json();
    assert_eq!(history["versions"].as_array().unwrap().len(), 3);
    let v2 = history["versions"][1]["id"].as_str().unwrap().to_string();
    let cmp = client
        .api(
            Method::GET,
            &format!("/api/v1/voice/rules/compare?from={}&to={v2}", v3["id"].as_str().unwrap()),
            &token,
            None,
        )
        .await;
    cmp.assert_status(StatusCode::OK);
    let cmp = cmp.json();
    assert_eq!(cmp["from"]["version_number"], 2, "the older version comes first");
    assert_eq!(cmp["lines"][0], json!({ "change": "same", "line": "Every family's story is theirs to tell." }));
    assert_eq!(cmp["added"], 1);
    let one = client.api(Method::GET, &format!("/api/v1/voice/rules/{v2}"), &token, None).await;
    assert_eq!(one.json()["version_number"], 2);

    // Meetings and decisions.
    let meeting = client
        .api(
            Method::POST,
            "/api/v1/voice/meetings",
            &token,
            Some(json!({ "kind": "focus-group", "held_on": "2026-11-12", "participant_count": -1, "topics": "" })),
        )
        .await;
    meeting.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&meeting.json(), "participant_count", "participation-error-negative"));
    assert!(has_error(&meeting.json(), "topics", "participation-error-topics-required"));
    let meeting = client
        .api(
            Method::POST,
            "/api/v1/voice/meetings",
            &token,
            Some(json!({ "kind": "focus-group", "held_on": "2026-11-12", "participant_count": 6, "staff_count": "1",
                         "topics": "Text line greeting\nHours" })),
        )
        .await;
    meeting.assert_status(StatusCode::CREATED);
    let m = meeting.json();
    assert_eq!(m["topics"], json!(["Text line greeting", "Hours"]));
    let mid = m["id"].as_str().unwrap().to_string();
    let updated = client
        .api(
            Method::PUT,
            &format!("/api/v1/voice/meetings/{mid}"),
            &token,
            Some(json!({ "version": 1, "kind": "focus-group", "held_on": "2026-11-12", "participant_count": 7,
                         "topics": "Text line greeting" })),
        )
        .await;
    updated.assert_status(StatusCode::OK);
    assert_eq!(updated.json()["version"], 2);
    assert_eq!(updated.json()["participant_count"], 7);
    client
        .api(
            Method::PUT,
            &format!("/api/v1/voice/meetings/{mid}"),
            &token,
            Some(json!({ "version": 1, "kind": "focus-group", "held_on": "2026-11-12", "participant_count": 9, "topics": "x" })),
        )
        .await
        .assert_status(StatusCode::CONFLICT);

    let owner = staff::Entity::find().filter(staff::Column::Email.eq(COACH)).one(app.db.conn()).await.unwrap().unwrap();
    let decision = client
        .api(
            Method::POST,
            &format!("/api/v1/voice/meetings/{mid}/decisions"),
            &token,
            Some(json!({ "text": "Shorter greeting", "owner_id": owner.id, "due_on": "2026-11-15" })),
        )
        .await;
    decision.assert_status(StatusCode::CREATED);
    let d = decision.json();
    assert_eq!(d["status"], "open");
    assert_eq!(d["overdue"], true);
    let open = client.api(Method::GET, "/api/v1/voice/decisions", &token, None).await.json();
    assert_eq!(open[0]["overdue"], true, "overdue decisions come first");
    assert!(open.as_array().unwrap().iter().any(|x| x["id"] == d["id"]));
    let did = d["id"].as_str().unwrap();
    let done = client
        .api(
            Method::PUT,
            &format!("/api/v1/voice/decisions/{did}"),
            &token,
            Some(json!({ "version": 1, "text": "Shorter greeting", "status": "in-progress", "follow_through": "Drafted" })),
        )
        .await;
    done.assert_status(StatusCode::OK);
    assert_eq!(done.json()["status"], "in-progress");
    assert_eq!(done.json()["version"], 2);
    let read = client.api(Method::GET, &format!("/api/v1/voice/meetings/{mid}"), &token, None).await.json();
    assert_eq!(read["decisions"][0]["follow_through"], "Drafted");
    assert_eq!(read["decisions_count"], 1);

    // Surveys.
    let survey = client
        .api(
            Method::POST,
            "/api/v1/voice/surveys",
            &token,
            Some(json!({ "title": "Line callers", "period_start": "2026-10-01", "period_end": "2026-10-20",
                         "method": "interview", "invited": 20, "respondents": 15,
                         "results": [{ "question": "Greeting is too long", "kind": "percent", "value": 60 },
                                     { "question": "Ideas", "kind": "themes", "themes": "Say the line's name first" }] })),
        )
        .await;
    survey.assert_status(StatusCode::CREATED);
    let s = survey.json();
    assert_eq!(s["response_rate"], 75.0);
    assert_eq!(s["results"].as_array().unwrap().len(), 2);
    let sid = s["id"].as_str().unwrap();
    let put = client
        .api(
            Method::PUT,
            &format!("/api/v1/voice/surveys/{sid}"),
            &token,
            Some(
                json!({ "version": 1, "title": "Line callers", "period_start": "2026-10-01", "period_end": "2026-10-20",
                         "method": "interview", "respondents": 15,
                         "results": [{ "question": "Staff listen", "kind": "average", "value": 6, "scale_max": 5 }] }),
            ),
        )
        .await;
    put.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&put.json(), "result-0-value", "participation-error-average-over-scale"));
    let put = client
        .api(
            Method::PUT,
            &format!("/api/v1/voice/surveys/{sid}"),
            &token,
            Some(json!({ "version": 1, "title": "Line callers", "period_start": "2026-10-01", "period_end": "2026-10-20",
                         "method": "interview", "respondents": 15,
                         "results": [{ "question": "Staff listen", "kind": "average", "value": 4.5, "scale_max": 5 }] })),
        )
        .await;
    put.assert_status(StatusCode::OK);
    let s = put.json();
    assert!(s["response_rate"].is_null(), "unknown when nobody counted the invitations");
    assert_eq!(s["results"][0]["value"], 4.5);
    assert_eq!(s["version"], 2);
    let all = client.api(Method::GET, "/api/v1/voice/surveys", &token, None).await.json();
    assert_eq!(all.as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn the_portal_reads_current_rules_for_a_persons_programs() {
    let app = TestApp::spawn().await;
    let ids: Vec<Uuid> = programs(&app).await.iter().map(|p| p.id).collect();
    let org_id = programs(&app).await[0].org_id;
    let current = mainstay::voice::participation::current_rules(app.db.conn(), org_id, &ids[..1]).await.unwrap();
    assert_eq!(current.len(), 1);
    let all = mainstay::voice::participation::current_rules(app.db.conn(), org_id, &ids).await.unwrap();
    assert_eq!(all.len(), 4);
    assert!(all.iter().all(|r| {
        let versions =
            if r.title == "Family session agreements" || r.title == "How we answer the line" { 2 } else { 3 };
        r.version_number == versions
    }));
}
