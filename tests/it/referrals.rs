//! Referrals with closed-loop follow-up: consent before anything is shared (none needed when
//! nothing is; refused without, or with a revoked or expired consent; sent with a covering one and
//! the disclosure recorded), the status history and outcome, the follow-up worklist, the measures,
//! edit conflicts, caseload limits, information-only contacts, the person's printout in Spanish,
//! the letter for the agency, and the API. Directory resources are inserted as HSDS rows. The
//! clock is the harness's (2026-11-18 in America/New_York).

use crate::helpers::{Client, TestApp, first_program, person_fields};
use axum::http::{Method, StatusCode};
use mainstay::db::entities::{consent, disclosure, info_contact, person, referral, referral_event};
use mainstay::domain::codes::UiLanguage;
use mainstay::i18n::Tr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Map, Value, json};
use time::macros::date;
use time::{Date, Duration};
use uuid::Uuid;

const DAY: i64 = 86_400;
const TODAY: Date = date!(2026 - 11 - 18);

fn en(id: &str) -> String {
    Tr::new(UiLanguage::En).t(id)
}

fn es(id: &str) -> String {
    Tr::new(UiLanguage::Es).t(id)
}

/// As the templates escape text.
fn html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&#34;").replace('\'', "&#39;")
}

async fn org_id(app: &TestApp) -> Uuid {
    mainstay::db::org::all(&app.db).await.unwrap()[0].id
}

async fn staff_id(app: &TestApp, email: &str) -> Uuid {
    mainstay::db::staff::by_email(&app.db, email).await.unwrap().expect("demo account").id
}

/// A directory resource: an organisation with one service at one location, with everything a
/// printout shows.
struct Resource {
    organization_id: String,
    organization_name: String,
    service_id: String,
}

fn row(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("rows are objects"),
    }
}

async fn add_resource(app: &TestApp, name: &str) -> Resource {
    let org = org_id(app).await;
    let key = Uuid::new_v4().simple().to_string();
    let id = |kind: &str| format!("{kind}-{key}");
    let organization_name = format!("{name} Society");
    let tables: Vec<(&str, Value)> = vec![
        (
            "organization",
            json!({"id": id("org"), "name": organization_name, "description": "A community agency", "email": "hello@example.org"}),
        ),
        (
            "service",
            json!({
                "id": id("svc"), "organization_id": id("org"), "name": name, "status": "active",
                "description": "Help for people in the area", "fees_description": "Free of charge",
                "eligibility_description": "Adults living in the county", "minimum_age": 18, "maximum_age": 64,
                "application_process": "Walk in and ask at the front desk",
            }),
        ),
        ("location", json!({"id": id("loc"), "location_type": "physical", "name": "Main office"})),
        ("service_at_location", json!({"id": id("sal"), "service_id": id("svc"), "location_id": id("loc")})),
        (
            "address",
            json!({
                "id": id("adr"), "location_id": id("loc"), "address_1": "12 Harbour Street", "city": "Portland",
                "state_province": "ME", "postal_code": "04101", "country": "US", "address_type": "physical",
            }),
        ),
        ("phone", json!({"id": id("ph"), "service_id": id("svc"), "number": "207-555-0199"})),
        (
            "schedule",
            json!({"id": id("sch"), "service_id": id("svc"), "freq": "WEEKLY", "byday": "MO,WE", "opens_at": "09:00", "closes_at": "17:00"}),
        ),
        ("language", json!({"id": id("lang"), "service_id": id("svc"), "name": "Spanish", "code": "es"})),
        ("required_document", json!({"id": id("doc"), "service_id": id("svc"), "document": "Photo ID"})),
        (
            "contact",
            json!({"id": id("con"), "service_id": id("svc"), "name": "Rosa Díaz", "title": "Intake coordinator"}),
        ),
    ];
    for (table, value) in tables {
        let t = mainstay::directory::hsds_tables::table(table).expect("HSDS table");
        mainstay::directory::rows::upsert(app.db.conn(), org, t, &[row(value)], app.now()).await.expect("insert");
    }
    // So the directory search (the information-only contact form uses it) finds the service.
    mainstay::directory::search::reindex(app.db.conn(), org, &[id("svc")]).await.expect("index");
    Resource { organization_id: id("org"), organization_name, service_id: id("svc") }
}

struct ConsentSpec<'a> {
    categories: &'a str,
    signed_on: Date,
    expires_on: Option<Date>,
    revoked_on: Option<Date>,
}

impl Default for ConsentSpec<'_> {
    fn default() -> Self {
        ConsentSpec {
            categories: "identity;contact-details;reason-for-referral",
            signed_on: date!(2026 - 10 - 01),
            expires_on: Some(date!(2027 - 10 - 01)),
            revoked_on: None,
        }
    }
}

/// A signed consent naming the resource's organisation, every element filled in.
async fn add_consent(app: &TestApp, person: Uuid, to: &Resource, spec: ConsentSpec<'_>) -> Uuid {
    let recorder = staff_id(app, "coach@demo.example").await;
    let id = Uuid::new_v4();
    consent::ActiveModel {
        id: Set(id),
        org_id: Set(org_id(app).await),
        person_id: Set(person),
        law: Set("us-part2".into()),
        discloser: Set("Demo Recovery Community Organization".into()),
        recipient_organization_id: Set(Some(to.organization_id.clone())),
        recipient_name: Set(to.organization_name.clone()),
        recipient_detail: Set(Some("Intake team".into())),
        categories: Set(spec.categories.into()),
        information_detail: Set("Name, phone number and what the referral is for".into()),
        purposes: Set("referral".into()),
        purpose_detail: Set(Some("To arrange services".into())),
        expires_on: Set(spec.expires_on),
        expiry_event: Set(None),
        expiry_event_on: Set(None),
        signed_on: Set(spec.signed_on),
        signer: Set("person".into()),
        signer_name: Set("The person".into()),
        signer_authority: Set(None),
        signature_method: Set("paper".into()),
        revocation_explained: Set(true),
        revoked_on: Set(spec.revoked_on),
        revoked_by: Set(spec.revoked_on.map(|_| recorder)),
        revocation_note: Set(spec.revoked_on.map(|_| "Asked to stop sharing".to_string())),
        recorded_by: Set(recorder),
        version: Set(1),
        created_at: Set(app.now()),
        updated_at: Set(app.now()),
    }
    .insert(app.db.conn())
    .await
    .expect("consent");
    id
}

/// A new person on the coach's caseload (no demo history in the way).
async fn new_person(coach: &mut Client, given: &str, language: Option<&str>) -> Uuid {
    let form = coach.get("/people/new").await;
    let program = first_program(&form.body);
    let mut fields = person_fields(given, "Referraltest", "1988-03-14", &program);
    if let Some(l) = language {
        fields.push(("preferred_language", l));
    }
    let created = coach.post("/people", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    created.location().trim_start_matches("/people/").parse().expect("person id")
}

/// Posts the new-referral form and returns the response.
async fn refer(coach: &mut Client, person: Uuid, to: &Resource, extra: &[(&str, &str)]) -> crate::helpers::Response {
    coach
        .get(&format!("/people/{person}/referrals/new?service_id={}", to.service_id))
        .await
        .assert_status(StatusCode::OK);
    let mut fields: Vec<(&str, &str)> = vec![
        ("service_id", to.service_id.as_str()),
        ("need", "housing"),
        ("urgency", "this-week"),
        ("help", "warm-handoff"),
    ];
    for (k, v) in extra {
        fields.retain(|(f, _)| f != k || *k == "shared");
        fields.push((k, v));
    }
    coach.post(&format!("/people/{person}/referrals"), &fields).await
}

fn referral_id(location: &str) -> Uuid {
    location.rsplit('/').next().and_then(|id| id.parse().ok()).unwrap_or_else(|| panic!("no referral in {location}"))
}

async fn stored(app: &TestApp, id: Uuid) -> referral::Model {
    referral::Entity::find_by_id(id).one(app.db.conn()).await.unwrap().expect("referral")
}

async fn disclosures_of(app: &TestApp, person: Uuid) -> Vec<disclosure::Model> {
    disclosure::Entity::find().filter(disclosure::Column::PersonId.eq(person)).all(app.db.conn()).await.unwrap()
}

#[tokio::test]
async fn a_referral_that_shares_nothing_needs_no_consent() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Noshare", None).await;
    let to = add_resource(&app, "Harbour Food Pantry").await;
    let form = coach.get(&format!("/people/{person}/referrals/new?service_id={}", to.service_id)).await;
    form.assert_status(StatusCode::OK).assert_contains("Harbour Food Pantry").assert_contains("12 Harbour Street");
    form.assert_contains("207-555-0199")
        .assert_contains("Photo ID")
        .assert_contains(&html(&en("referral-consents-none")));
    let sent = refer(&mut coach, person, &to, &[("action", "send"), ("note", "Call before going")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let r = stored(&app, referral_id(sent.location())).await;
    assert_eq!((r.status.as_str(), r.consent_id, r.shared_categories.as_str()), ("sent", None, ""));
    assert_eq!(r.referred_on, Some(TODAY));
    assert_eq!(r.follow_up_on, Some(TODAY + Duration::days(7)), "this week: a week to follow up");
    assert_eq!(r.resource_name, "Harbour Food Pantry");
    assert_eq!(r.resource_organization_id.as_deref(), Some(to.organization_id.as_str()));
    assert!(disclosures_of(&app, person).await.is_empty(), "nothing left the organisation");
    let events = referral_event::Entity::find()
        .filter(referral_event::Column::ReferralId.eq(r.id))
        .all(app.db.conn())
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].status, "sent");
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "referral.create"));
    let page = coach.get(sent.location()).await;
    page.assert_status(StatusCode::OK)
        .assert_contains(&html(&en("referral-sent")))
        .assert_contains(&html(&en("referral-consent-not-needed")));
    let list = coach.get(&format!("/people/{person}/referrals")).await;
    list.assert_status(StatusCode::OK)
        .assert_contains("Harbour Food Pantry")
        .assert_contains(&html(&en("referrals-consents-none")));
}

#[tokio::test]
async fn sharing_without_a_consent_is_refused_with_the_reason_and_can_wait_as_a_draft() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Noconsent", None).await;
    let to = add_resource(&app, "Eastside Housing Help").await;
    let refused = refer(
        &mut coach,
        person,
        &to,
        &[("action", "send"), ("shared", "identity"), ("shared", "reason-for-referral")],
    )
    .await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let message = Tr::new(UiLanguage::En).t1("referral-error-no-consent", "recipient", &to.organization_name);
    refused.assert_contains(&html(&message)).assert_contains(&html(&en("referral-consent-refused-title")));
    refused.assert_contains(&format!("/people/{person}/consents/new?recipient_organization_id={}", to.organization_id));
    // What was typed is kept.
    refused.assert_contains("value=\"reason-for-referral\" checked");
    let none =
        referral::Entity::find().filter(referral::Column::PersonId.eq(person)).count(app.db.conn()).await.unwrap();
    assert_eq!(none, 0, "nothing saved");
    assert!(app.audit_soon_contains("referral.refused").await, "the refusal is in the audit trail");
    let draft = refer(&mut coach, person, &to, &[("action", "draft"), ("shared", "identity")]).await;
    assert_eq!(draft.status, StatusCode::SEE_OTHER, "{}", draft.body);
    let r = stored(&app, referral_id(draft.location())).await;
    assert_eq!((r.status.as_str(), r.referred_on, r.consent_id), ("draft", None, None));
    assert!(disclosures_of(&app, person).await.is_empty());
    // Sending the draft later is refused the same way until a consent is on file.
    coach.get(draft.location()).await.assert_status(StatusCode::OK);
    let status_url = format!("/people/{person}/referrals/{}/status", r.id);
    let again = coach.post(&status_url, &[("version", "1"), ("status", "sent")]).await;
    again.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains(&html(&message));
    let consent = add_consent(&app, person, &to, ConsentSpec::default()).await;
    let sent = coach.post(&status_url, &[("version", "1"), ("status", "sent")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let r = stored(&app, r.id).await;
    assert_eq!((r.status.as_str(), r.consent_id, r.referred_on), ("sent", Some(consent), Some(TODAY)));
    let d = disclosures_of(&app, person).await;
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].channel.as_str(), d[0].referral_id, d[0].categories.as_str()),
        ("referral", Some(r.id), "identity")
    );
}

#[tokio::test]
async fn a_covering_consent_lets_it_go_and_the_disclosure_is_recorded() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Consented", None).await;
    let to = add_resource(&app, "Riverside Clinic").await;
    let consent = add_consent(&app, person, &to, ConsentSpec::default()).await;
    let form = coach.get(&format!("/people/{person}/referrals/new?service_id={}", to.service_id)).await;
    form.assert_contains(&html(&en("referral-consent-in-force")));
    let sent = refer(
        &mut coach,
        person,
        &to,
        &[("action", "send"), ("shared", "identity"), ("shared", "contact-details"), ("urgency", "today")],
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let r = stored(&app, referral_id(sent.location())).await;
    assert_eq!(r.consent_id, Some(consent));
    assert_eq!(r.shared_categories, "identity;contact-details");
    assert_eq!(r.follow_up_on, Some(TODAY + Duration::days(2)), "today: check within two days");
    let d = disclosures_of(&app, person).await;
    assert_eq!(d.len(), 1);
    let d = &d[0];
    assert_eq!((d.consent_id, d.referral_id, d.channel.as_str()), (consent, Some(r.id), "referral"));
    assert_eq!(d.recipient_organization_id.as_deref(), Some(to.organization_id.as_str()));
    assert_eq!(
        (d.categories.as_str(), d.purpose.as_str(), d.notice_included),
        ("identity;contact-details", "referral", true)
    );
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "disclosure.record"));
    // Sharing more than the consent allows is refused.
    let more = refer(&mut coach, person, &to, &[("action", "send"), ("shared", "substance-use")]).await;
    more.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains(&html(&en("referral-consent-refused-title")));
    assert_eq!(disclosures_of(&app, person).await.len(), 1);
}

#[tokio::test]
async fn revoked_and_expired_consents_refuse_with_each_reason() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let person = new_person(&mut coach, "Lapsed", None).await;
    let to = add_resource(&app, "Northside Legal Aid").await;
    add_consent(&app, person, &to, ConsentSpec { revoked_on: Some(date!(2026 - 11 - 01)), ..Default::default() }).await;
    let body = json!({"need": "legal", "service_id": to.service_id, "urgency": "routine", "help": "information-given",
        "shared": ["identity"], "send": true});
    let url = format!("/api/v1/people/{person}/referrals");
    let refused = coach.api(Method::POST, &url, &token, Some(body.clone())).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let json = refused.json();
    assert!(has_error(&json, "consent", "referral-error-consent-not-covering"), "{json}");
    assert!(has_error(&json, "consent", "consent-gap-revoked"), "{json}");
    add_consent(&app, person, &to, ConsentSpec { expires_on: Some(date!(2026 - 11 - 17)), ..Default::default() }).await;
    let refused = coach.api(Method::POST, &url, &token, Some(body.clone())).await.json();
    assert!(has_error(&refused, "consent", "consent-gap-revoked"), "{refused}");
    assert!(has_error(&refused, "consent", "consent-gap-expired"), "each consent's reason: {refused}");
    assert!(disclosures_of(&app, person).await.is_empty());
    // The page shows the same reasons.
    let page = refer(&mut coach, person, &to, &[("action", "send"), ("shared", "identity")]).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&html(&en("consent-gap-revoked"))).assert_contains(&html(&en("consent-gap-expired")));
    // Once a consent covers it, it goes.
    add_consent(&app, person, &to, ConsentSpec::default()).await;
    coach.api(Method::POST, &url, &token, Some(body)).await.assert_status(StatusCode::CREATED);
    assert_eq!(disclosures_of(&app, person).await.len(), 1);
}

#[tokio::test]
async fn the_status_history_closes_the_loop_with_the_outcome() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Loop", None).await;
    let to = add_resource(&app, "Westend Recovery Café").await;
    let sent = refer(&mut coach, person, &to, &[("action", "send")]).await;
    let id = referral_id(sent.location());
    let page = coach.get(sent.location()).await;
    page.assert_status(StatusCode::OK);
    let url = format!("/people/{person}/referrals/{id}/status");
    let bad = coach.post(&url, &[("version", "1"), ("status", "draft")]).await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains(&html(&en("referral-error-transition")));
    coach
        .post(&url, &[("version", "1"), ("status", "accepted"), ("note", "They called back")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    // A follow-up call keeps the status and moves the date.
    let follow = coach.post(&url, &[("version", "2"), ("status", "accepted")]).await;
    follow
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(&html(&en("referral-error-follow-up-empty")));
    coach
        .post(
            &url,
            &[("version", "2"), ("status", "accepted"), ("follow_up_on", "2026-12-01"), ("note", "First visit booked")],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(stored(&app, id).await.follow_up_on, Some(date!(2026 - 12 - 01)));
    let past = coach.post(&url, &[("version", "3"), ("status", "in-progress"), ("follow_up_on", "2026-11-01")]).await;
    past.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains(&html(&en("referral-error-follow-up-past")));
    coach.post(&url, &[("version", "3"), ("status", "in-progress")]).await.assert_status(StatusCode::SEE_OTHER);
    let incomplete = coach.post(&url, &[("version", "4"), ("status", "completed")]).await;
    incomplete.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    incomplete.assert_contains(&html(&en("referral-error-complete-needs-connection")));
    incomplete.assert_contains(&html(&en("referral-error-complete-needs-need-met")));
    let done = coach
        .post(
            &url,
            &[
                ("version", "4"),
                ("status", "completed"),
                ("connected", "yes"),
                ("connected_on", "2026-11-18"),
                ("need_met", "yes"),
                ("outcome_note", "Has a key worker now"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let r = stored(&app, id).await;
    assert_eq!(r.status, "completed");
    assert_eq!((r.connected, r.connected_on, r.need_met.as_deref()), (Some(true), Some(TODAY), Some("yes")));
    assert_eq!((r.closed_on, r.follow_up_on, r.version), (Some(TODAY), None, 5));
    let history: Vec<String> = referral_event::Entity::find()
        .filter(referral_event::Column::ReferralId.eq(id))
        .all(app.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(history, ["sent", "accepted", "accepted", "in-progress", "completed"]);
    let page = coach.get(&format!("/people/{person}/referrals/{id}")).await;
    page.assert_contains("First visit booked")
        .assert_contains("Has a key worker now")
        .assert_contains(&html(&en("need-met-yes")));
    // Correcting the outcome later.
    let outcome = format!("/people/{person}/referrals/{id}/outcome");
    let wrong = coach.post(&outcome, &[("version", "5"), ("connected", "no")]).await;
    wrong.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    coach
        .post(&outcome, &[("version", "5"), ("connected", "yes"), ("need_met", "partly")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(stored(&app, id).await.need_met.as_deref(), Some("partly"));
    // Reopened when the need came back.
    coach.post(&url, &[("version", "6"), ("status", "in-progress")]).await.assert_status(StatusCode::SEE_OTHER);
    let r = stored(&app, id).await;
    assert_eq!((r.status.as_str(), r.closed_on), ("in-progress", None));
    // The timeline shows the referral's changes.
    let timeline = coach.get(&format!("/people/{person}/timeline?kind=referral")).await;
    timeline.assert_status(StatusCode::OK).assert_contains(&format!("/people/{person}/referrals/{id}"));
    timeline.assert_contains("Westend Recovery Café").assert_contains(&html(&en("referral-status-completed")));
}

#[tokio::test]
async fn the_worklist_shows_follow_ups_that_are_due_and_not_closed() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Worklist", None).await;
    let due = add_resource(&app, "Dueday Dental Van").await;
    let later = add_resource(&app, "Laterday Job Club").await;
    let closed = add_resource(&app, "Closedday Shelter").await;
    refer(&mut coach, person, &due, &[("action", "send"), ("follow_up_on", "2026-11-18")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    refer(&mut coach, person, &later, &[("action", "send"), ("urgency", "today")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let c = refer(&mut coach, person, &closed, &[("action", "send"), ("follow_up_on", "2026-11-18")]).await;
    let closed_id = referral_id(c.location());
    coach
        .post(&format!("/people/{person}/referrals/{closed_id}/status"), &[("version", "1"), ("status", "cancelled")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let page = coach.get("/referrals").await;
    page.assert_status(StatusCode::OK);
    let mine =
        page.body.split("id=\"team-follow-ups\"").next().unwrap().split("id=\"open\"").next().unwrap().to_string();
    assert!(mine.contains("Dueday Dental Van"), "due today");
    assert!(!mine.contains("Laterday Job Club"), "not due yet");
    assert!(!mine.contains("Closedday Shelter"), "closed");
    page.assert_contains("Laterday Job Club");
    let caseload = coach.get("/caseload").await;
    caseload
        .assert_status(StatusCode::OK)
        .assert_contains(&html(&en("referrals-worklist")))
        .assert_contains("Dueday Dental Van");
    caseload.assert_lacks("Laterday Job Club");
    // Three days on, the other one is overdue too.
    app.advance(3 * DAY);
    let page = coach.get("/referrals").await;
    let mine = page.body.split("id=\"open\"").next().unwrap().to_string();
    assert!(mine.contains("Laterday Job Club"));
    assert!(mine.contains(&Tr::new(UiLanguage::En).t1("referrals-overdue-days", "days", 3)));
    assert!(!mine.contains("Closedday Shelter"));
    // The supervisor sees the coach's follow-ups with the team's.
    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    let team = supervisor.get("/referrals").await;
    team.assert_status(StatusCode::OK)
        .assert_contains(&html(&en("referrals-team-follow-ups")))
        .assert_contains("Dueday Dental Van");
    // Over the API too.
    let token = coach.create_token("worklist").await;
    let list = coach.api(Method::GET, "/api/v1/referrals/follow-ups", &token, None).await.json();
    let names: Vec<&str> = list.as_array().unwrap().iter().filter_map(|f| f["resource_name"].as_str()).collect();
    assert!(names.contains(&"Dueday Dental Van") && names.contains(&"Laterday Job Club"));
    assert!(!names.contains(&"Closedday Shelter"));
}

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("referrals").await;
    (client, token)
}

fn has_error(response: &Value, field: &str, code: &str) -> bool {
    response["errors"]
        .as_array()
        .is_some_and(|errors| errors.iter().any(|e| e["field"].as_str().unwrap_or("") == field && e["code"] == code))
}

fn count(report: &Value, key: &str) -> i64 {
    report["overall"][key].as_i64().unwrap_or_else(|| panic!("{key} in {report}"))
}

fn need_count(report: &Value, need: &str, key: &str) -> i64 {
    report["by_need"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["need"] == need)
        .map(|n| n["measures"][key].as_i64().unwrap())
        .unwrap_or(0)
}

#[tokio::test]
async fn time_to_referral_and_connected_share_on_a_known_set() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let (_quality, quality_token) = api_user(&app, "quality@demo.example").await;
    let person = new_person(&mut coach, "Measured", None).await;
    let to = add_resource(&app, "Measure Dental Clinic").await;
    let report_url = "/api/v1/referrals/report?from=2026-11-18&to=2026-11-18";
    let before = coach.api(Method::GET, report_url, &quality_token, None).await;
    before.assert_status(StatusCode::OK);
    let before = before.json();
    // Needs identified 0, 2, 5 and 10 days before the referral; outcomes yes, no, none, yes.
    let set =
        [("2026-11-18", Some(true)), ("2026-11-16", Some(false)), ("2026-11-13", None), ("2026-11-08", Some(true))];
    for (identified, connected) in set {
        let created = coach
            .api(
                Method::POST,
                &format!("/api/v1/people/{person}/referrals"),
                &token,
                Some(json!({"need": "dental", "need_identified_on": identified, "service_id": to.service_id,
                    "urgency": "routine", "help": "accompanied", "send": true})),
            )
            .await;
        created.assert_status(StatusCode::CREATED);
        let r = created.json();
        if let Some(c) = connected {
            let id = r["id"].as_str().unwrap();
            let status = if c { "completed" } else { "unable-to-connect" };
            let body = if c {
                json!({"version": 1, "status": status, "connected": true, "need_met": "yes"})
            } else {
                json!({"version": 1, "status": status, "note": "No answer after three calls"})
            };
            coach
                .api(Method::POST, &format!("/api/v1/people/{person}/referrals/{id}/status"), &token, Some(body))
                .await
                .assert_status(StatusCode::OK);
        }
    }
    let after = coach.api(Method::GET, report_url, &quality_token, None).await.json();
    let delta = |key: &str| count(&after, key) - count(&before, key);
    assert_eq!(delta("referrals"), 4);
    assert_eq!(delta("within_2_days"), 2, "0 and 2 days");
    assert_eq!(delta("within_7_days"), 3, "0, 2 and 5 days");
    assert_eq!(delta("with_outcome"), 3);
    assert_eq!(delta("connected"), 2);
    assert_eq!(delta("need_met_yes"), 2);
    let dental = |r: &Value, k: &str| need_count(r, "dental", k);
    assert_eq!(dental(&after, "referrals") - dental(&before, "referrals"), 4);
    assert_eq!(dental(&after, "connected") - dental(&before, "connected"), 2);
    // Measures need a reporting role; the coach is refused (and the refusal is recorded).
    coach.api(Method::GET, report_url, &token, None).await.assert_status(StatusCode::FORBIDDEN);
    // The page and its CSV.
    let mut quality = app.signed_in("quality@demo.example").await;
    let page = quality.get("/referrals/report?from=2026-11-18&to=2026-11-18").await;
    page.assert_status(StatusCode::OK)
        .assert_contains(&html(&en("referrals-report-title")))
        .assert_contains(&html(&en("unmet-need-dental")));
    let csv = quality.get("/referrals/report.csv?from=2026-11-18&to=2026-11-18").await;
    csv.assert_status(StatusCode::OK)
        .assert_contains(&html(&en("referrals-csv-overall")))
        .assert_contains(&html(&en("unmet-need-dental")));
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let bad = quality.get("/referrals/report?from=2026-12-01&to=2026-11-01").await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let mut coach_page = app.signed_in("coach@demo.example").await;
    coach_page.get("/referrals/report").await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_stale_edit_is_refused_not_overwritten() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Concurrent", None).await;
    let to = add_resource(&app, "Conflict Counselling").await;
    let id = referral_id(refer(&mut coach, person, &to, &[("action", "send")]).await.location());
    let url = format!("/people/{person}/referrals/{id}/status");
    coach.get(&format!("/people/{person}/referrals/{id}")).await;
    coach
        .post(&url, &[("version", "1"), ("status", "accepted"), ("note", "First save")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let late = coach.post(&url, &[("version", "1"), ("status", "declined"), ("note", "Second save")]).await;
    late.assert_status(StatusCode::CONFLICT).assert_contains(&html(&en("error-changed-meanwhile")));
    let r = stored(&app, id).await;
    assert_eq!((r.status.as_str(), r.version), ("accepted", 2));
    let outcome =
        coach.post(&format!("/people/{person}/referrals/{id}/outcome"), &[("version", "1"), ("connected", "no")]).await;
    outcome.assert_status(StatusCode::CONFLICT);
    let token = coach.create_token("conflict").await;
    let api_url = format!("/api/v1/people/{person}/referrals/{id}/status");
    let stale = coach.api(Method::POST, &api_url, &token, Some(json!({"version": 1, "status": "in-progress"}))).await;
    stale.assert_status(StatusCode::CONFLICT);
    let missing = coach.api(Method::POST, &api_url, &token, Some(json!({"status": "in-progress"}))).await;
    missing.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&missing.json(), "version", "error-required"));
    assert_eq!(stored(&app, id).await.version, 2);
}

#[tokio::test]
async fn people_outside_the_caseload_are_refused_and_the_refusal_recorded() {
    let app = TestApp::spawn().await;
    let mut facilitator = app.signed_in("facilitator@demo.example").await;
    let theirs = new_person(&mut facilitator, "Elsewhere", None).await;
    let to = add_resource(&app, "Outside Health Centre").await;
    let id = referral_id(refer(&mut facilitator, theirs, &to, &[("action", "send")]).await.location());
    let mut coach = app.signed_in("coach@demo.example").await;
    let denied_before = app.audit_actions().await.iter().filter(|(a, o)| a == "access.denied" && o == "denied").count();
    coach.get(&format!("/people/{theirs}/referrals")).await.assert_status(StatusCode::FORBIDDEN);
    coach.get(&format!("/people/{theirs}/referrals/{id}")).await.assert_status(StatusCode::FORBIDDEN);
    coach.get(&format!("/people/{theirs}/referrals/{id}/print")).await.assert_status(StatusCode::FORBIDDEN);
    coach.get("/people").await;
    let post = coach
        .post(
            &format!("/people/{theirs}/referrals"),
            &[
                ("service_id", to.service_id.as_str()),
                ("need", "housing"),
                ("urgency", "routine"),
                ("help", "warm-handoff"),
            ],
        )
        .await;
    post.assert_status(StatusCode::FORBIDDEN);
    let denied_after = app.audit_actions().await.iter().filter(|(a, o)| a == "access.denied" && o == "denied").count();
    assert_eq!(denied_after - denied_before, 4, "each refusal is in the audit trail");
    let token = coach.create_token("outside").await;
    coach
        .api(Method::GET, &format!("/api/v1/people/{theirs}/referrals"), &token, None)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    // The coach's worklist never lists someone they cannot open.
    let page = coach.get("/referrals").await;
    page.assert_lacks("Outside Health Centre");
    // A link to a resource no longer in the directory says so.
    let mut own = app.signed_in("coach@demo.example").await;
    let mine = new_person(&mut own, "Stalelink", None).await;
    let stale = own.get(&format!("/people/{mine}/referrals/new?service_id=gone")).await;
    stale.assert_status(StatusCode::OK).assert_contains(&html(&en("referral-error-unknown-service")));
    stale.assert_contains(&format!("/directory?for_person={mine}"));
    // An unknown person is 404, not 403.
    coach.get(&format!("/people/{}/referrals", Uuid::new_v4())).await.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_information_only_contact_makes_no_person_and_crisis_needs_an_action() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let to = add_resource(&app, "Anonymous Food Shelf").await;
    let people_before = person::Entity::find().count(app.db.conn()).await.unwrap();
    coach.get("/info-contacts/new").await.assert_status(StatusCode::OK).assert_contains("href=\"/crisis\"");
    let base: Vec<(&str, &str)> = vec![
        ("channel", "phone"),
        ("needs", "housing"),
        ("needs", "crisis"),
        ("service_ids", to.service_id.as_str()),
        ("crisis_flags", "homelessness"),
        ("minutes", "25"),
        ("area", "Portland 04101"),
        ("language", "Spanish"),
        ("action", "save"),
    ];
    let refused = coach.post("/info-contacts", &base).await;
    refused
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(&html(&en("info-contact-error-crisis-action")));
    let mut with_phone = base.clone();
    with_phone.push(("crisis_action", "Found a shelter bed for tonight together"));
    with_phone.push(("note", "Call back on 207-555-0134"));
    let warned = coach.post("/info-contacts", &with_phone).await;
    warned
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(&html(&en("info-contact-identifiers-checked")));
    let mut street = base.clone();
    street.retain(|(k, _)| *k != "area");
    street.push(("area", "12 Harbour Street"));
    street.push(("crisis_action", "Found a shelter bed for tonight together"));
    coach.post("/info-contacts", &street).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let mut ok = base.clone();
    ok.push(("crisis_action", "Found a shelter bed for tonight together"));
    ok.push(("note", "Asked about the bus to the pantry"));
    let saved = coach.post("/info-contacts", &ok).await;
    saved.assert_redirect_to("/info-contacts?day=2026-11-18");
    let day = coach.get("/info-contacts?day=2026-11-18").await;
    day.assert_status(StatusCode::OK)
        .assert_contains("Anonymous Food Shelf")
        .assert_contains(&html(&en("crisis-flag-homelessness")));
    day.assert_contains("Found a shelter bed for tonight together");
    assert_eq!(person::Entity::find().count(app.db.conn()).await.unwrap(), people_before, "no person record");
    let rows = info_contact::Entity::find()
        .filter(info_contact::Column::ServiceIds.eq(to.service_id.clone()))
        .all(app.db.conn())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].needs.as_str(), rows[0].crisis_flags.as_str(), rows[0].minutes),
        ("crisis;housing", "homelessness", Some(25))
    );
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "info-contact.create"));
    // Ticking that the number is a service's, not the caller's, lets it through.
    with_phone.push(("identifiers_checked", "on"));
    coach.post("/info-contacts", &with_phone).await.assert_status(StatusCode::SEE_OTHER);
    // The search box keeps what was typed and offers directory services.
    let mut searching: Vec<(&str, &str)> = vec![
        ("channel", "walk-in"),
        ("need_detail", "Needs groceries"),
        ("q", "Anonymous Food Shelf"),
        ("action", "search"),
    ];
    searching.push(("needs", "other"));
    let searched = coach.post("/info-contacts", &searching).await;
    searched.assert_status(StatusCode::OK).assert_contains("Needs groceries");
    searched.assert_contains(&format!("name=\"service_ids\" value=\"{}\"> Anonymous Food Shelf", to.service_id));
    // Over the API: refused without an action, then logged; the report counts it.
    let token = coach.create_token("info").await;
    let body = json!({"channel": "walk-in", "needs": ["dental"], "crisis_flags": ["overdose"], "minutes": 10});
    let refused = coach.api(Method::POST, "/api/v1/info-contacts", &token, Some(body)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&refused.json(), "crisis_action", "info-contact-error-crisis-action"));
    let body = json!({"channel": "walk-in", "needs": ["dental"], "crisis_flags": ["overdose"], "minutes": 10,
        "crisis_action": "Naloxone given, ambulance called", "service_ids": ["not-in-the-directory"]});
    let unknown = coach.api(Method::POST, "/api/v1/info-contacts", &token, Some(body.clone())).await;
    assert!(has_error(&unknown.json(), "service_ids", "info-contact-error-unknown-service"));
    let mut body = body;
    body["service_ids"] = json!([to.service_id]);
    let created = coach.api(Method::POST, "/api/v1/info-contacts", &token, Some(body)).await;
    created.assert_status(StatusCode::CREATED);
    assert_eq!(created.json()["crisis_flags"], json!(["overdose"]));
    let listed = coach.api(Method::GET, "/api/v1/info-contacts?day=2026-11-18", &token, None).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 3);
    let (_q, quality_token) = api_user(&app, "quality@demo.example").await;
    let report = coach
        .api(Method::GET, "/api/v1/referrals/report?from=2026-11-18&to=2026-11-18", &quality_token, None)
        .await
        .json();
    let flags = report["info_contacts"]["by_crisis_flag"].as_array().unwrap();
    assert!(flags.iter().any(|f| f["flag"] == "overdose" && f["count"].as_i64() >= Some(1)), "{report}");
    assert_eq!(person::Entity::find().count(app.db.conn()).await.unwrap(), people_before);
}

#[tokio::test]
async fn the_printout_is_in_the_persons_language_and_is_not_a_disclosure() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Lucía", Some("Spanish")).await;
    let to = add_resource(&app, "Centro Comunitario").await;
    let form = coach.get(&format!("/people/{person}/referrals/new?service_id={}", to.service_id)).await;
    form.assert_contains("<option value=\"es\" selected>");
    let sent = refer(&mut coach, person, &to, &[("action", "send")]).await;
    let id = referral_id(sent.location());
    assert_eq!(stored(&app, id).await.language.as_deref(), Some("es"));
    let print = coach.get(&format!("/people/{person}/referrals/{id}/print")).await;
    print.assert_status(StatusCode::OK).assert_contains("<html lang=\"es\">");
    print.assert_contains(&html(&es("referral-print-heading"))).assert_contains(&html(&es("referral-print-bring")));
    print.assert_contains("Photo ID").assert_contains("12 Harbour Street").assert_contains("207-555-0199");
    print.assert_contains("lunes").assert_contains("miércoles").assert_contains("De 18 a 64 años");
    print.assert_contains("Rosa Díaz").assert_contains("Spanish").assert_contains("Free of charge");
    print.assert_contains("25 de noviembre de 2026").assert_contains(&html(&es("referral-print-need-housing")));
    print.assert_contains(&html(&es("referral-print-help-warm-handoff")));
    print.assert_contains("Nos comunicaremos con usted el 25 de noviembre de 2026");
    assert_ne!(es("referral-print-heading"), en("referral-print-heading"));
    let french = coach.get(&format!("/people/{person}/referrals/{id}/print?lang=fr")).await;
    french.assert_status(StatusCode::OK).assert_contains("25 novembre 2026").assert_contains("lundi");
    assert!(disclosures_of(&app, person).await.is_empty(), "the person's own copy is not a disclosure");
    assert!(app.audit_soon_contains("referral.print").await);
}

#[tokio::test]
async fn the_letter_for_the_agency_needs_consent_and_is_accounted_for() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Lettered", None).await;
    let to = add_resource(&app, "Letterbox Housing Trust").await;
    let id = referral_id(
        refer(&mut coach, person, &to, &[("action", "send"), ("need_detail", "Behind on rent")]).await.location(),
    );
    let url = format!("/people/{person}/referrals/{id}/letter");
    coach.get(&format!("/people/{person}/referrals/{id}")).await.assert_contains(&html(&en("referral-letter-make")));
    let refused = coach.post(&url, &[]).await;
    refused
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(&html(&en("referral-consent-refused-title")));
    assert!(disclosures_of(&app, person).await.is_empty());
    let consent = add_consent(&app, person, &to, ConsentSpec::default()).await;
    let made = coach.post(&url, &[]).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let d = disclosures_of(&app, person).await;
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].channel.as_str(), d[0].consent_id, d[0].referral_id), ("printout", consent, Some(id)));
    assert_eq!(d[0].categories, "identity", "the referral shares nothing else, but the letter names the person");
    assert!(made.location().ends_with(&d[0].id.to_string()));
    let letter = coach.get(made.location()).await;
    letter
        .assert_status(StatusCode::OK)
        .assert_contains("Lettered Referraltest")
        .assert_contains("Letterbox Housing Trust Society");
    letter.assert_contains(&html(&en("disclosure-notice-us-part2")));
    letter.assert_lacks("Behind on rent");
    // Another person's disclosure id does not open the letter.
    coach.get(&format!("{url}/{}", Uuid::new_v4())).await.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_api_makes_follows_and_closes_referrals() {
    let app = TestApp::spawn().await;
    let (mut coach, token) = api_user(&app, "coach@demo.example").await;
    let person = new_person(&mut coach, "Apiperson", None).await;
    let to = add_resource(&app, "Api Wellness Hub").await;
    let url = format!("/api/v1/people/{person}/referrals");
    let bad = coach
        .api(
            Method::POST,
            &url,
            &token,
            Some(json!({"need": "snacks", "service_id": "nope", "urgency": "soon", "help": "",
            "need_identified_on": "2026-11-30", "send": true})),
        )
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let errors = bad.json();
    for (field, code) in [
        ("need", "error-unknown-choice"),
        ("urgency", "error-unknown-choice"),
        ("help", "error-required"),
        ("need_identified_on", "error-date-in-future"),
    ] {
        assert!(has_error(&errors, field, code), "{field} {code}: {errors}");
    }
    let unknown = coach
        .api(
            Method::POST,
            &url,
            &token,
            Some(json!({"need": "housing", "service_id": "nope", "urgency": "today", "help": "accompanied"})),
        )
        .await;
    assert!(has_error(&unknown.json(), "service_id", "referral-error-unknown-service"));
    coach.api(Method::POST, &url, &token, Some(json!("not an object"))).await.assert_status(StatusCode::BAD_REQUEST);
    let created = coach
        .api(
            Method::POST,
            &url,
            &token,
            Some(json!({"need": "mental-health", "need_detail": "Wants a counsellor who speaks Spanish",
                "service_id": to.service_id, "urgency": "today", "help": "accompanied", "send": false,
                "note": "Go together on Friday"})),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let r = created.json();
    assert_eq!((r["status"].as_str(), r["follow_up_on"].as_str()), (Some("draft"), Some("2026-11-20")));
    assert_eq!(r["resource_name"], "Api Wellness Hub");
    let id = r["id"].as_str().unwrap().to_string();
    let list = coach.api(Method::GET, &url, &token, None).await.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let one = coach.api(Method::GET, &format!("{url}/{id}"), &token, None).await;
    one.assert_status(StatusCode::OK);
    let one = one.json();
    assert_eq!(one["resource"]["phones"][0], "207-555-0199");
    assert_eq!(one["next_statuses"], json!(["draft", "sent", "cancelled"]));
    let early = coach
        .api(Method::PUT, &format!("{url}/{id}/outcome"), &token, Some(json!({"version": 1, "connected": true})))
        .await;
    assert!(has_error(&early.json(), "connected", "referral-error-outcome-draft"));
    let sent = coach
        .api(Method::POST, &format!("{url}/{id}/status"), &token, Some(json!({"version": 1, "status": "sent"})))
        .await;
    sent.assert_status(StatusCode::OK);
    assert_eq!(sent.json()["referred_on"], "2026-11-18");
    let outcome = coach
        .api(
            Method::PUT,
            &format!("{url}/{id}/outcome"),
            &token,
            Some(json!({"version": 2, "connected": true, "connected_on": "2026-11-18", "need_met": "unknown"})),
        )
        .await;
    outcome.assert_status(StatusCode::OK);
    assert_eq!((outcome.json()["connected"].as_bool(), outcome.json()["version"].as_i64()), (Some(true), Some(3)));
    let closed = coach
        .api(
            Method::POST,
            &format!("{url}/{id}/status"),
            &token,
            Some(json!({"version": 3, "status": "completed", "need_met": "yes", "outcome_note": "Seeing a counsellor weekly"})),
        )
        .await;
    closed.assert_status(StatusCode::OK);
    assert_eq!(
        (closed.json()["status"].as_str(), closed.json()["need_met"].as_str()),
        (Some("completed"), Some("yes"))
    );
    let detail = coach.api(Method::GET, &format!("{url}/{id}"), &token, None).await.json();
    let statuses: Vec<&str> =
        detail["events"].as_array().unwrap().iter().filter_map(|e| e["status"].as_str()).collect();
    assert_eq!(statuses, ["draft", "sent", "completed"]);
    coach
        .api(Method::GET, "/api/v1/referrals/follow-ups?whose=everyone", &token, None)
        .await
        .assert_status(StatusCode::BAD_REQUEST);
    coach
        .api(Method::GET, &format!("{url}/{}", Uuid::new_v4()), &token, None)
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let openapi = coach.get("/api/v1/openapi.json").await.json();
    assert!(openapi["paths"]["/api/v1/people/{id}/referrals"]["post"]["tags"][0] == "referrals", "documented");
    // Someone with a worker to reassign to: only staff who can edit the person.
    let admin = staff_id(&app, "admin@demo.example").await;
    let reassign = coach
        .api(
            Method::POST,
            &url,
            &token,
            Some(json!({"need": "housing", "service_id": to.service_id, "urgency": "today",
            "help": "accompanied", "assigned_to": admin.to_string()})),
        )
        .await;
    assert!(has_error(&reassign.json(), "assigned_to", "referral-error-assignee"));
}
