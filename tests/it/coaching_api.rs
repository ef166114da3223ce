//! The coaching API: plans (merge, conflicts, agreement, reviews, diffs), contacts and notes
//! (validation, drafts, signing, addenda, guardrail warnings), lapses and re-engagement, the
//! coaching profile, mutual aid and supports, caseloads, the worklist, supervision and transfers.
//! The clock is the harness's fixed one (2026-11-18 in America/New_York).

use crate::helpers::{Client, TestApp};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

const DAY: i64 = 86_400;

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("coaching").await;
    (client, token)
}

async fn program_id(client: &mut Client, token: &str, name: &str) -> String {
    let programs = client.api(Method::GET, "/api/v1/programs", token, None).await.json();
    let found = programs.as_array().unwrap().iter().find(|p| p["name"] == name).expect("demo program");
    found["id"].as_str().unwrap().to_string()
}

async fn staff_id(app: &TestApp, email: &str) -> String {
    mainstay::db::staff::by_email(&app.db, email).await.unwrap().expect("demo account").id.to_string()
}

/// A new person on the caller's caseload (so no demo record's coaching gets in the way).
async fn new_person(client: &mut Client, token: &str, given: &str) -> String {
    let program = program_id(client, token, "Peer Recovery Coaching").await;
    let created = client
        .api(
            Method::POST,
            "/api/v1/people",
            token,
            Some(json!({
                "program_id": program, "legal_given_name": given, "legal_family_name": "Coachingtest",
                "allow_duplicate": true,
            })),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    created.json()["id"].as_str().unwrap().to_string()
}

fn codes(response: &Value) -> Vec<(String, String)> {
    response["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap_or("").to_string(), e["code"].as_str().unwrap().to_string()))
        .collect()
}

fn has_error(response: &Value, field: &str, code: &str) -> bool {
    codes(response).iter().any(|(f, c)| f == field && c == code)
}

fn ids(items: &Value) -> Vec<String> {
    items.as_array().unwrap().iter().map(|i| i["person_id"].as_str().unwrap().to_string()).collect()
}

fn contact(note: &str) -> Value {
    json!({ "minutes": 45, "mode": "face-to-face", "setting": "community", "activities": ["coaching"], "note": note })
}

#[tokio::test]
async fn a_plan_is_merged_agreed_reviewed_and_compared() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let person = new_person(&mut coach, &token, "Marlow").await;
    let plans = format!("/api/v1/people/{person}/plans");

    // A plan needs a goal in the person's words.
    let empty = coach.api(Method::POST, &plans, &token, Some(json!({ "content": { "strengths": "Kind" } }))).await;
    empty.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&empty.json(), "goals", "error-plan-needs-goal"), "{}", empty.body);

    let goal = json!({ "domain": "housing", "in_own_words": "A place of my own" });
    let created = coach
        .api(Method::POST, &plans, &token, Some(json!({ "content": { "strengths": "Kind", "goals": [goal] } })))
        .await;
    created.assert_status(StatusCode::CREATED);
    let plan = created.json();
    assert_eq!(
        (plan["status"].as_str(), plan["number"].as_i64(), plan["version"].as_i64()),
        (Some("draft"), Some(1), Some(1))
    );
    assert!(plan["content"]["goals"][0]["id"].is_string(), "a new goal is given an id");
    let id = plan["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/plans/{id}");
    let base = plan["content"].clone();

    // Two people edit version 1: the second edit is merged with the first, which touched another field.
    let mut first = base.clone();
    first["strengths"] = json!("Kind, patient");
    let saved = coach.api(Method::PUT, &path, &token, Some(json!({ "version": 1, "content": first }))).await;
    saved.assert_status(StatusCode::OK);
    assert_eq!(saved.json()["version"], 2);
    let mut second = base.clone();
    second["barriers"] = json!("No ID");
    let merged = coach.api(Method::PUT, &path, &token, Some(json!({ "version": 1, "content": second }))).await;
    merged.assert_status(StatusCode::OK);
    let merged = merged.json();
    assert_eq!(merged["version"], 3);
    assert_eq!(
        (merged["content"]["strengths"].as_str(), merged["content"]["barriers"].as_str()),
        (Some("Kind, patient"), Some("No ID"))
    );

    // Both change the same field from version 3: 409 with the merge and both texts; nothing saved.
    let v3 = merged["content"].clone();
    let mut theirs = v3.clone();
    theirs["strengths"] = json!("Kind, funny");
    coach
        .api(Method::PUT, &path, &token, Some(json!({ "version": 3, "content": theirs })))
        .await
        .assert_status(StatusCode::OK);
    let mut mine = v3.clone();
    mine["strengths"] = json!("Generous");
    let clash = coach.api(Method::PUT, &path, &token, Some(json!({ "version": 3, "content": mine }))).await;
    clash.assert_status(StatusCode::CONFLICT);
    let clash = clash.json();
    assert_eq!(clash["errors"][0]["code"], "error-conflict");
    assert_eq!(clash["version"], 4);
    assert_eq!(clash["merged"]["strengths"], "Generous");
    assert_eq!(clash["merged"]["barriers"], "No ID");
    let conflicts = clash["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(
        (conflicts[0]["field"].as_str(), conflicts[0]["theirs"].as_str(), conflicts[0]["mine"].as_str()),
        (Some("plan-strengths"), Some("Kind, funny"), Some("Generous"))
    );
    let current = coach.api(Method::GET, &path, &token, None).await.json();
    assert_eq!((current["version"].as_i64(), current["content"]["strengths"].as_str()), (Some(4), Some("Kind, funny")));
    // A missing version is reported, not guessed.
    let unversioned = coach.api(Method::PUT, &path, &token, Some(json!({ "content": v3 }))).await;
    unversioned.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&unversioned.json(), "version", "error-required"));

    // Agreement: a signature needs the name signed; a stale version is a conflict.
    let agreement = format!("{path}/agreement");
    let unsigned =
        coach.api(Method::POST, &agreement, &token, Some(json!({ "agreement": "signature", "version": 4 }))).await;
    unsigned.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&unsigned.json(), "signed_name", "error-signature-name"));
    let signature = json!({ "agreement": "signature", "signed_name": "Marlow C.", "version": 3 });
    coach.api(Method::POST, &agreement, &token, Some(signature)).await.assert_status(StatusCode::CONFLICT);
    let signature = json!({ "agreement": "signature", "signed_name": "Marlow C.", "version": 4 });
    let agreed = coach.api(Method::POST, &agreement, &token, Some(signature)).await;
    agreed.assert_status(StatusCode::OK);
    let agreed = agreed.json();
    assert_eq!(agreed["status"], "agreed");
    assert_eq!(agreed["last_agreed_on"], "2026-11-18");
    // Reviewed at the latest 90 days after agreement.
    assert_eq!(agreed["review_due_on"], "2027-02-16");
    let versions = agreed["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(
        (versions[0]["number"].as_i64(), versions[0]["kind"].as_str(), versions[0]["agreement"].as_str()),
        (Some(1), Some("initial"), Some("signature"))
    );
    assert_eq!(
        (versions[0]["agreed_on"].as_str(), versions[0]["review_due_on"].as_str()),
        (Some("2026-11-18"), Some("2027-02-16"))
    );
    assert_eq!(versions[0]["content"]["strengths"], "Kind, funny");
    let status = coach.api(Method::GET, &format!("/api/v1/people/{person}/coaching"), &token, None).await.json();
    assert_eq!(status["plan_review_due_on"], "2027-02-16");
    assert_eq!(status["plan"]["status"], "agreed");
    assert_eq!(status["plan"]["goals"][0]["in_own_words"], "A place of my own");
    // Agreeing a version is a goal-achievement reading, kept in the person's outcome summary.
    app.assert_summaries_match_a_rebuild().await;

    // Editing the agreed plan starts its review: version number 2.
    let mut review = agreed["content"].clone();
    review["progress_evaluation"] = json!("Viewed two flats");
    review["goals"][0]["progress"] = json!("in-progress");
    let reviewed = coach.api(Method::PUT, &path, &token, Some(json!({ "version": 5, "content": review }))).await;
    reviewed.assert_status(StatusCode::OK);
    let reviewed = reviewed.json();
    assert_eq!((reviewed["status"].as_str(), reviewed["number"].as_i64()), (Some("in-review"), Some(2)));

    // The diff from the agreed version to the working copy (the default) lists the changes.
    let diff = coach.api(Method::GET, &format!("{path}/diff"), &token, None).await;
    diff.assert_status(StatusCode::OK);
    let fields: Vec<String> =
        diff.json().as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap().to_string()).collect();
    assert_eq!(fields, ["plan-progress-evaluation", "plan-goal"]);
    let goal_change = &diff.json()[1];
    assert_eq!(goal_change["goal"], "A place of my own");
    assert!(goal_change["after"].as_str().unwrap().contains("in-progress"));
    assert!(
        coach
            .api(Method::GET, &format!("{path}/diff?from=0&to=0"), &token, None)
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );
    coach.api(Method::GET, &format!("{path}/diff?from=7"), &token, None).await.assert_status(StatusCode::NOT_FOUND);

    // Agreeing to the review makes version 2; the diff between agreed versions matches.
    let verbal = json!({ "agreement": "verbal", "note": "Agreed on the phone", "version": 6 });
    let second = coach.api(Method::POST, &agreement, &token, Some(verbal)).await;
    second.assert_status(StatusCode::OK);
    let second = second.json();
    assert_eq!(second["versions"][1]["kind"], "review");
    assert_eq!(second["versions"][1]["number"], 2);
    let between = coach.api(Method::GET, &format!("{path}/diff?from=1&to=2"), &token, None).await.json();
    assert_eq!(between.as_array().unwrap().len(), 2);
    let listed = coach.api(Method::GET, &plans, &token, None).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["number"], 2);
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "person.plan.agree"));
}

#[tokio::test]
async fn contacts_are_checked_drafted_signed_and_corrected() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let person = new_person(&mut coach, &token, "Ashby").await;
    let contacts = format!("/api/v1/people/{person}/contacts");

    let mut future = contact("Met at the library.");
    future["occurred_on"] = json!("2026-11-19");
    let refused = coach.api(Method::POST, &contacts, &token, Some(future)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&refused.json(), "occurred_on", "error-date-in-future"), "{}", refused.body);
    for minutes in [json!(0), json!(-5), json!("0")] {
        let mut body = contact("Met at the library.");
        body["minutes"] = minutes.clone();
        let refused = coach.api(Method::POST, &contacts, &token, Some(body)).await;
        refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_error(&refused.json(), "minutes", "error-minutes-positive"), "{minutes}: {}", refused.body);
    }
    let mut idle = contact("Met at the library.");
    idle["activities"] = json!([]);
    let refused = coach.api(Method::POST, &contacts, &token, Some(idle)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&refused.json(), "activities", "error-activity-required"));
    assert!(coach.api(Method::GET, &contacts, &token, None).await.json().as_array().unwrap().is_empty());

    // A signed note cannot be changed; an addendum corrects it.
    let mut signed = contact("Walked to the housing office together.");
    signed["sign"] = json!(true);
    let signed = coach.api(Method::POST, &contacts, &token, Some(signed)).await;
    signed.assert_status(StatusCode::CREATED);
    let signed = signed.json();
    assert_eq!((signed["status"].as_str(), signed["occurred_on"].as_str()), (Some("signed"), Some("2026-11-18")));
    assert_eq!(signed["warnings"], json!([]));
    let signed_path = format!("/api/v1/contacts/{}", signed["id"].as_str().unwrap());
    let mut edit = contact("Changed my mind about what happened.");
    edit["version"] = json!(1);
    let refused = coach.api(Method::PUT, &signed_path, &token, Some(edit)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["code"], "error-note-signed");
    let addendum = coach
        .api(
            Method::POST,
            &format!("{signed_path}/addenda"),
            &token,
            Some(json!({ "text": "It was the county office." })),
        )
        .await;
    addendum.assert_status(StatusCode::CREATED);
    let fetched = coach.api(Method::GET, &signed_path, &token, None).await;
    fetched.assert_status(StatusCode::OK);
    let fetched = fetched.json();
    assert_eq!(fetched["note"], "Walked to the housing office together.");
    assert_eq!(fetched["addenda"][0]["text"], "It was the county office.");

    // A draft is changed by its author, then signed; then it is closed to changes.
    let draft = coach.api(Method::POST, &contacts, &token, Some(contact("Phone call about the week."))).await;
    draft.assert_status(StatusCode::CREATED);
    let draft = draft.json();
    assert_eq!(draft["status"], "draft");
    let draft_path = format!("/api/v1/contacts/{}", draft["id"].as_str().unwrap());
    let refused =
        coach.api(Method::POST, &format!("{draft_path}/addenda"), &token, Some(json!({ "text": "More" }))).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["code"], "error-addendum-draft");
    let mut edit = contact("Phone call about the week and the job fair.");
    edit["mode"] = json!("phone");
    edit["setting"] = json!("remote");
    edit["minutes"] = json!("20");
    let unversioned = coach.api(Method::PUT, &draft_path, &token, Some(edit.clone())).await;
    unversioned.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&unversioned.json(), "version", "error-required"));
    edit["version"] = json!(1);
    let edited = coach.api(Method::PUT, &draft_path, &token, Some(edit.clone())).await;
    edited.assert_status(StatusCode::OK);
    let edited = edited.json();
    assert_eq!(
        (edited["version"].as_i64(), edited["minutes"].as_i64(), edited["mode"].as_str()),
        (Some(2), Some(20), Some("phone"))
    );
    coach.api(Method::PUT, &draft_path, &token, Some(edit)).await.assert_status(StatusCode::CONFLICT);
    let signed_now =
        coach.api(Method::POST, &format!("{draft_path}/sign"), &token, Some(json!({ "version": 2 }))).await;
    signed_now.assert_status(StatusCode::OK);
    assert_eq!(
        (signed_now.json()["status"].as_str(), signed_now.json()["version"].as_i64()),
        (Some("signed"), Some(3))
    );
    let again = coach.api(Method::POST, &format!("{draft_path}/sign"), &token, Some(json!({ "version": 3 }))).await;
    again.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again.json()["errors"][0]["code"], "error-note-signed");

    // Guardrails: a warning comes back, is stored, and never blocks the note.
    let diagnosing =
        coach.api(Method::POST, &contacts, &token, Some(contact("I diagnosed him with depression."))).await;
    diagnosing.assert_status(StatusCode::CREATED);
    let diagnosing = diagnosing.json();
    let kinds: Vec<&str> =
        diagnosing["warnings"].as_array().unwrap().iter().map(|w| w["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"diagnosing"), "{diagnosing}");
    let stored =
        coach.api(Method::GET, &format!("/api/v1/contacts/{}", diagnosing["id"].as_str().unwrap()), &token, None).await;
    assert_eq!(stored.json()["warnings"], diagnosing["warnings"]);
    assert!(stored.json()["warnings"][0]["phrase"].as_str().unwrap().to_lowercase().contains("diagnos"));

    let listed = coach.api(Method::GET, &format!("{contacts}?limit=2"), &token, None).await;
    listed.assert_status(StatusCode::OK);
    assert_eq!(listed.json().as_array().unwrap().len(), 2);
    assert_eq!(coach.api(Method::GET, &contacts, &token, None).await.json().as_array().unwrap().len(), 3);
    // Someone outside the caseload cannot read or write notes.
    let (mut facilitator, facilitator_token) = api_user(&app, "facilitator@demo.example").await;
    facilitator.api(Method::GET, &signed_path, &facilitator_token, None).await.assert_status(StatusCode::FORBIDDEN);
    facilitator
        .api(Method::POST, &contacts, &facilitator_token, Some(contact("Hello")))
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn moving_a_draft_earlier_keeps_the_latest_contact() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let person = new_person(&mut coach, &token, "Linden").await;
    let contacts = format!("/api/v1/people/{person}/contacts");
    let mut earlier = contact("Coffee at the centre.");
    earlier["occurred_on"] = json!("2026-11-16");
    earlier["occurred_time"] = json!("10:00");
    earlier["sign"] = json!(true);
    coach.api(Method::POST, &contacts, &token, Some(earlier)).await.assert_status(StatusCode::CREATED);
    let draft = coach.api(Method::POST, &contacts, &token, Some(contact("Call."))).await.json();
    let status = |c: Value| c["last_contact_on"].as_str().map(str::to_string);
    let coaching = format!("/api/v1/people/{person}/coaching");
    assert_eq!(status(coach.api(Method::GET, &coaching, &token, None).await.json()).as_deref(), Some("2026-11-18"));
    // The draft was really two days before the coffee: the coffee is now the last contact.
    let mut moved = contact("Call.");
    moved["occurred_on"] = json!("2026-11-14");
    moved["occurred_time"] = json!("09:00");
    moved["version"] = json!(1);
    coach
        .api(Method::PUT, &format!("/api/v1/contacts/{}", draft["id"].as_str().unwrap()), &token, Some(moved))
        .await
        .assert_status(StatusCode::OK);
    let now = coach.api(Method::GET, &coaching, &token, None).await.json();
    assert_eq!(status(now.clone()).as_deref(), Some("2026-11-16"));
    assert_eq!(now["contact_due_on"], "2026-12-16");
}

#[tokio::test]
async fn a_lapse_and_the_contact_that_reengages() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let person = new_person(&mut coach, &token, "Perrin").await;
    let lapses = format!("/api/v1/people/{person}/lapses");
    let coaching = format!("/api/v1/people/{person}/coaching");

    let future = coach.api(Method::POST, &lapses, &token, Some(json!({ "lapse_on": "2026-11-19" }))).await;
    future.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&future.json(), "lapse_on", "error-date-in-future"));
    let mut reengage = contact("Met after the weekend.");
    reengage["reengagement"] = json!(true);
    let no_lapse =
        coach.api(Method::POST, &format!("/api/v1/people/{person}/contacts"), &token, Some(reengage.clone())).await;
    no_lapse.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&no_lapse.json(), "reengagement", "error-no-open-lapse"));

    let lapse = coach
        .api(Method::POST, &lapses, &token, Some(json!({ "lapse_on": "2026-11-15", "raise_frequency": true })))
        .await;
    lapse.assert_status(StatusCode::CREATED);
    let lapse = lapse.json();
    let status = coach.api(Method::GET, &coaching, &token, None).await.json();
    assert_eq!(
        (status["open_lapse_on"].as_str(), status["open_lapse_id"].as_str()),
        (Some("2026-11-15"), lapse["id"].as_str())
    );
    assert_eq!((status["frequency"].as_str(), status["stage"].as_str()), (Some("weekly"), Some("after-return-to-use")));

    let logged = coach.api(Method::POST, &format!("/api/v1/people/{person}/contacts"), &token, Some(reengage)).await;
    logged.assert_status(StatusCode::CREATED);
    let logged = logged.json();
    assert_eq!(logged["lapse_id"], lapse["id"]);
    let listed = coach.api(Method::GET, &lapses, &token, None).await.json();
    assert_eq!(listed[0]["days_to_reengage"], 3);
    assert_eq!(listed[0]["reengaged_contact_id"], logged["id"]);
    let status = coach.api(Method::GET, &coaching, &token, None).await.json();
    assert!(status["open_lapse_on"].is_null());
    assert_eq!(
        (status["last_contact_on"].as_str(), status["contact_due_on"].as_str()),
        (Some("2026-11-18"), Some("2026-11-25"))
    );
    assert_eq!(status["contact"], json!({ "soon": 7 }));
}

#[tokio::test]
async fn the_profile_mutual_aid_and_supports_take_versions() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let person = new_person(&mut coach, &token, "Quill").await;
    let profile = format!("/api/v1/people/{person}/coaching/profile");

    let before = coach.api(Method::GET, &format!("/api/v1/people/{person}/coaching"), &token, None).await.json();
    assert_eq!((before["version"].as_i64(), before["frequency"].as_str()), (Some(0), Some("monthly")));
    // Never contacted: due a month after the enrolment started.
    assert_eq!((before["contact_due_on"].as_str(), before["contact"].as_str()), (Some("2026-12-18"), Some("later")));
    let raised = json!({ "frequency": "monthly", "monitoring_raised": true });
    let refused = coach.api(Method::PUT, &profile, &token, Some(raised)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&refused.json(), "frequency", "error-monitoring-needs-weekly"));
    assert!(has_error(&refused.json(), "version", "error-required"));
    let weekly = json!({ "frequency": "weekly", "stage": "early", "monitoring_raised": true, "version": 0 });
    let saved = coach.api(Method::PUT, &profile, &token, Some(weekly.clone())).await;
    saved.assert_status(StatusCode::OK);
    let saved = saved.json();
    assert_eq!(
        (saved["version"].as_i64(), saved["frequency"].as_str(), saved["stage"].as_str()),
        (Some(1), Some("weekly"), Some("early"))
    );
    assert_eq!(saved["contact_due_on"], "2026-11-25");
    coach.api(Method::PUT, &profile, &token, Some(weekly)).await.assert_status(StatusCode::CONFLICT);

    let mutual_aid = format!("/api/v1/people/{person}/mutual-aid");
    let added = coach
        .api(
            Method::POST,
            &mutual_aid,
            &token,
            Some(json!({ "fellowship": "smart-recovery", "help": ["accompanied-first-meeting"], "attended": "yes" })),
        )
        .await;
    added.assert_status(StatusCode::CREATED);
    let added = added.json();
    assert_eq!((added["version"].as_i64(), added["attended"].as_bool()), (Some(1), Some(true)));
    assert_eq!(added["help"], json!(["accompanied-first-meeting"]));
    let one = format!("{mutual_aid}/{}", added["id"].as_str().unwrap());
    let update = json!({ "fellowship": "smart-recovery", "attended": "yes", "still_going": "yes", "version": 1 });
    let updated = coach.api(Method::PUT, &one, &token, Some(update.clone())).await;
    updated.assert_status(StatusCode::OK);
    assert_eq!((updated.json()["version"].as_i64(), updated.json()["still_going"].as_bool()), (Some(2), Some(true)));
    coach.api(Method::PUT, &one, &token, Some(update)).await.assert_status(StatusCode::CONFLICT);
    let other = coach.api(Method::POST, &mutual_aid, &token, Some(json!({ "fellowship": "other" }))).await;
    other.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&other.json(), "group_name", "error-name-other-group"));
    assert_eq!(coach.api(Method::GET, &mutual_aid, &token, None).await.json().as_array().unwrap().len(), 1);

    let supports = format!("/api/v1/people/{person}/supports");
    let support =
        json!({ "name": "Robin", "relationship": "sponsor", "engagement": "engaged", "consent_to_contact": true });
    let added = coach.api(Method::POST, &supports, &token, Some(support)).await;
    added.assert_status(StatusCode::CREATED);
    let added = added.json();
    assert_eq!((added["consent_on"].as_str(), added["relationship"].as_str()), (Some("2026-11-18"), Some("sponsor")));
    let one = format!("{supports}/{}", added["id"].as_str().unwrap());
    let change = json!({ "name": "Robin", "relationship": "sponsor", "engagement": "re-engaged", "version": 1 });
    let changed = coach.api(Method::PUT, &one, &token, Some(change)).await;
    changed.assert_status(StatusCode::OK);
    assert_eq!(
        (changed.json()["engagement"].as_str(), changed.json()["consent_on"].as_str()),
        (Some("re-engaged"), None)
    );
    assert_eq!(coach.api(Method::GET, &supports, &token, None).await.json()[0]["version"], 2);
}

#[tokio::test]
async fn the_worklist_shows_people_never_contacted() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let person = new_person(&mut coach, &token, "Wren").await;
    let worklist = coach.api(Method::GET, "/api/v1/worklist", &token, None).await;
    worklist.assert_status(StatusCode::OK);
    let worklist = worklist.json();
    assert_eq!(worklist["today"], "2026-11-18");
    assert!(ids(&worklist["no_contact_30"]).contains(&person));
    assert!(ids(&worklist["needs_plan"]).contains(&person));
    // Due a month after the enrolment started, so not yet overdue.
    assert!(!ids(&worklist["overdue"]).contains(&person));
    assert!(worklist["caseload_size"].as_u64().unwrap() >= 1);

    // Five weeks on, with still no contact, the person is overdue.
    app.advance(35 * DAY);
    let worklist = coach.api(Method::GET, "/api/v1/worklist", &token, None).await.json();
    assert_eq!(worklist["today"], "2026-12-23");
    let overdue = worklist["overdue"].as_array().unwrap();
    let item = overdue.iter().find(|i| i["person_id"] == person.as_str()).expect("overdue");
    assert_eq!((item["contact_due_on"].as_str(), item["last_contact_on"].as_str()), (Some("2026-12-18"), None));
    assert_eq!(item["contact"], json!({ "overdue": 5 }));

    // A draft note is listed until it is signed.
    let draft =
        coach.api(Method::POST, &format!("/api/v1/people/{person}/contacts"), &token, Some(contact("Call."))).await;
    draft.assert_status(StatusCode::CREATED);
    let worklist = coach.api(Method::GET, "/api/v1/worklist", &token, None).await.json();
    let drafts = worklist["drafts"].as_array().unwrap();
    assert!(drafts.iter().any(|d| d["contact_id"] == draft.json()["id"] && d["person_name"] == "Wren Coachingtest"));
    assert!(!ids(&worklist["overdue"]).contains(&person));
}

#[tokio::test]
async fn caseloads_are_for_the_worker_and_those_over_them() {
    let app = TestApp::spawn().await;
    let (mut admin, admin_token) = api_user(&app, "admin@demo.example").await;
    let program = program_id(&mut admin, &admin_token, "Peer Recovery Coaching").await;
    let other = admin
        .api(
            Method::POST,
            "/api/v1/staff",
            &admin_token,
            Some(json!({
                "display_name": "Other Coach", "email": "other.coach@example.org", "roles": ["coach"],
                "program_ids": [program], "active": true,
            })),
        )
        .await;
    other.assert_status(StatusCode::CREATED);
    let other = other.json()["id"].as_str().unwrap().to_string();

    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let person = new_person(&mut coach, &token, "Sorrel").await;
    let coach_id = staff_id(&app, "coach@demo.example").await;
    let denied = coach.api(Method::GET, &format!("/api/v1/caseloads/{other}"), &token, None).await;
    denied.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(denied.json()["errors"][0]["code"], "error-forbidden");
    // The refusal is in the audit log, naming the caseload asked for.
    {
        use mainstay::db::entities::audit_event::{Column, Entity};
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let refusals = Entity::find()
            .filter(Column::Action.eq("access.denied"))
            .filter(Column::RecordId.eq(uuid::Uuid::parse_str(&other).unwrap()))
            .all(app.db.conn())
            .await
            .unwrap();
        assert_eq!(refusals.len(), 1);
        assert_eq!(refusals[0].outcome, "denied");
        assert!(refusals[0].detail.contains("ViewCaseload"), "{}", refusals[0].detail);
        assert_eq!(refusals[0].actor_id.map(|a| a.to_string()), Some(coach_id.clone()));
    }
    let own = coach.api(Method::GET, &format!("/api/v1/caseloads/{coach_id}"), &token, None).await;
    own.assert_status(StatusCode::OK);
    assert!(ids(&own.json()["items"]).contains(&person));
    coach.api(Method::GET, "/api/v1/supervision", &token, None).await.assert_status(StatusCode::FORBIDDEN);

    let (mut supervisor, supervisor_token) = api_user(&app, "supervisor@demo.example").await;
    let theirs = supervisor.api(Method::GET, &format!("/api/v1/caseloads/{coach_id}"), &supervisor_token, None).await;
    theirs.assert_status(StatusCode::OK);
    let theirs = theirs.json();
    assert_eq!(theirs["worker_id"], coach_id.as_str());
    let item = theirs["items"].as_array().unwrap().iter().find(|i| i["person_id"] == person.as_str()).expect("listed");
    assert_eq!((item["frequency"].as_str(), item["contact"].as_str()), (Some("monthly"), Some("later")));
    assert!(app.audit_soon_contains("caseload.view").await);
    let counts = supervisor.api(Method::GET, "/api/v1/supervision", &supervisor_token, None).await;
    counts.assert_status(StatusCode::OK);
    let counts = counts.json();
    let row = counts.as_array().unwrap().iter().find(|r| r["worker_id"] == coach_id.as_str()).expect("coach counted");
    assert!(row["people"].as_u64().unwrap() >= 1);
    assert!(row["without_plan"].as_u64().unwrap() >= 1);
    // The new coach has no supervisor: the demo supervisor may not see their caseload either.
    supervisor
        .api(Method::GET, &format!("/api/v1/caseloads/{other}"), &supervisor_token, None)
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn every_move_between_workers_is_kept() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let person = new_person(&mut coach, &token, "Tamsin").await;
    let enrolment =
        coach.api(Method::GET, &format!("/api/v1/people/{person}"), &token, None).await.json()["enrolments"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
    let coach_id = staff_id(&app, "coach@demo.example").await;
    let referral = staff_id(&app, "referral@demo.example").await;
    let facilitator = staff_id(&app, "facilitator@demo.example").await;
    let transfers = format!("/api/v1/people/{person}/transfers");
    let body = |worker: &str, reason: Option<&str>| json!({ "enrolment_id": enrolment, "worker_id": worker, "reason": reason });

    // Coaches do not move people.
    coach.api(Method::POST, &transfers, &token, Some(body(&referral, None))).await.assert_status(StatusCode::FORBIDDEN);

    let (mut supervisor, supervisor_token) = api_user(&app, "supervisor@demo.example").await;
    let same = supervisor.api(Method::POST, &transfers, &supervisor_token, Some(body(&coach_id, None))).await;
    same.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&same.json(), "worker_id", "error-same-worker"));
    let moved = supervisor
        .api(Method::POST, &transfers, &supervisor_token, Some(body(&referral, Some("Closer to home"))))
        .await;
    moved.assert_status(StatusCode::OK);
    // The demo's referral specialist is trained for direct service, so nothing is missing; a worker
    // who lacks something is named in the same list (see tests/it/reminders.rs).
    assert_eq!(moved.json()["assignment_gaps"], json!([]));
    coach
        .api(Method::GET, &format!("/api/v1/people/{person}/coaching"), &token, None)
        .await
        .assert_status(StatusCode::FORBIDDEN);

    // The page's "change worker" form goes through the same transfer.
    app.advance(60);
    supervisor.get(&format!("/people/{person}")).await.assert_status(StatusCode::OK);
    supervisor
        .post(&format!("/people/{person}/reassign"), &[("enrolment_id", &enrolment), ("worker_id", &facilitator)])
        .await
        .assert_redirect_to(&format!("/people/{person}"));
    let history = supervisor.api(Method::GET, &transfers, &supervisor_token, None).await;
    history.assert_status(StatusCode::OK);
    let history = history.json();
    let moves: Vec<(Option<&str>, Option<&str>, Option<&str>)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["from_worker"].as_str(), t["to_worker"].as_str(), t["reason"].as_str()))
        .collect();
    assert_eq!(
        moves,
        [
            (Some(referral.as_str()), Some(facilitator.as_str()), None),
            (Some(coach_id.as_str()), Some(referral.as_str()), Some("Closer to home")),
        ]
    );
}
