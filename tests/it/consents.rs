//! Consent to share and the accounting of disclosures, through the pages and the API: every
//! element of a consent required, validity (end date, end event, revocation, signing), scope
//! (recipient, purpose, kinds of information), disclosures refused without a covering consent,
//! third-party packets with the redisclosure notice, the three-year accounting and its printout in
//! the person's language, access and concurrent revocation.

use crate::helpers::{Client, TestApp, first_program, person_fields};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

const YEAR: i64 = 365 * 86_400;

/// A new person on the coach's caseload.
async fn new_person(coach: &mut Client, given: &str) -> String {
    let form = coach.get("/people/new").await;
    let program = first_program(&form.body);
    let created = coach.post("/people", &person_fields(given, "Consenta", "1988-04-12", &program)).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    created.location().trim_start_matches("/people/").to_string()
}

fn local_today(app: &TestApp) -> time::Date {
    app.now().date()
}

/// The form fields of a complete consent to `recipient` for `categories` and `purposes`.
fn consent_form<'a>(
    recipient: &'a str,
    categories: &[&'a str],
    purposes: &[&'a str],
    signed_on: &'a str,
    expires_on: &'a str,
    event: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("action", "save"),
        ("recipient_name", recipient),
        ("information_detail", "Name and the dates I attended, nothing said in groups"),
        ("signed_on", signed_on),
        ("expires_on", expires_on),
        ("expiry_event", event),
        ("signer", "person"),
        ("signature_method", "paper"),
        ("revocation_explained", "on"),
    ];
    f.extend(categories.iter().map(|c| ("categories", *c)));
    f.extend(purposes.iter().map(|p| ("purposes", *p)));
    f
}

/// Records a consent through the form; returns its id.
async fn record_consent(client: &mut Client, person: &str, fields: &[(&str, &str)]) -> String {
    client.get(&format!("/people/{person}/consents/new")).await.assert_status(StatusCode::OK);
    let saved = client.post(&format!("/people/{person}/consents"), fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    saved.location().rsplit('/').next().unwrap().to_string()
}

fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {name}")) + marker.len();
    html[at..].split('"').next().expect("value").to_string()
}

fn has_error(body: &Value, field: &str, code: &str) -> bool {
    body["errors"].as_array().is_some_and(|errors| {
        errors.iter().any(|e| e["field"].as_str() == Some(field) && e["code"].as_str() == Some(code))
    })
}

async fn audited(app: &TestApp, action: &str, outcome: &str) -> bool {
    app.audit_actions().await.iter().any(|(a, o)| a == action && o == outcome)
}

/// Adds an organisation to the directory (as an HSDS import would).
async fn directory_org(app: &TestApp, id: &str, name: &str) {
    use mainstay::db::entities::organisation;
    use sea_orm::EntityTrait;
    let org = organisation::Entity::find().one(app.db.conn()).await.unwrap().expect("demo organisation");
    let table = mainstay::directory::hsds_tables::table("organization").expect("organization table");
    let mut row = mainstay::directory::rows::Row::new();
    row.insert("id".into(), json!(id));
    row.insert("name".into(), json!(name));
    row.insert("description".into(), json!("Housing help for people in recovery"));
    row.insert("website".into(), json!("https://eastside.example.org"));
    mainstay::directory::rows::upsert(app.db.conn(), org.id, table, &[row], app.now()).await.expect("upsert");
}

#[tokio::test]
async fn each_missing_element_is_refused_with_its_own_message() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Elementa").await;

    let form = coach.get(&format!("/people/{person}/consents/new")).await;
    form.assert_status(StatusCode::OK).assert_contains("US 42 CFR Part 2");
    // Only the defaults the organisation decides are kept: nothing else is filled in.
    let refused = coach
        .post(&format!("/people/{person}/consents"), &[("action", "save"), ("signed_on", ""), ("signer", "")])
        .await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Name who will receive the information",
        "Tick at least one kind of information",
        "Describe what information, and how much, may be shared.",
        "Tick at least one purpose.",
        "A consent under 42 CFR Part 2 must say when it ends",
        "Give the date the consent was signed.",
        "Say who signed: the person, a guardian or a personal representative.",
        "Say how it was signed: on paper or electronically.",
        "Confirm that the person was told they may revoke this consent.",
    ] {
        refused.assert_contains(message);
    }
    refused.assert_contains("href=\"#revocation_explained\"").assert_contains("href=\"#expires_on\"");

    // A guardian needs a name and authority; "other" needs the purpose in words; dates are checked.
    let today = local_today(&app).to_string();
    let tomorrow = (local_today(&app) + time::Duration::days(1)).to_string();
    let yesterday = (local_today(&app) - time::Duration::days(1)).to_string();
    let mut fields = consent_form("County Probation", &["identity"], &["other"], &today, &yesterday, "");
    fields.retain(|(k, _)| *k != "signer");
    fields.push(("signer", "guardian"));
    let refused = coach.post(&format!("/people/{person}/consents"), &fields).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    refused
        .assert_contains("Give the name of the guardian or representative who signed.")
        .assert_contains("Say what gives them authority to sign for the person.")
        .assert_contains("Describe the other purpose.")
        .assert_contains("The end date cannot be before the day it was signed.")
        // What was typed is kept.
        .assert_contains("County Probation");
    let future = consent_form("County Probation", &["identity"], &["legal"], &tomorrow, "", "When probation ends");
    coach
        .post(&format!("/people/{person}/consents"), &future)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("The signing date cannot be in the future.");

    // The API names each field with its code.
    let token = coach.create_token("consents").await;
    let api = coach.api(Method::POST, &format!("/api/v1/people/{person}/consents"), &token, Some(json!({}))).await;
    api.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let body = api.json();
    for (field, code) in [
        ("recipient_name", "consent-error-recipient-required"),
        ("categories", "consent-error-categories-required"),
        ("information_detail", "consent-error-information-required"),
        ("purposes", "consent-error-purposes-required"),
        ("expires_on", "consent-error-end-required-part2"),
        ("signed_on", "consent-error-signed-on-required"),
        ("signer", "consent-error-signer-required"),
        ("signature_method", "consent-error-signature-method-required"),
        ("revocation_explained", "consent-error-revocation-required"),
    ] {
        assert!(has_error(&body, field, code), "{field} {code} in {body}");
    }
    // Nothing was saved.
    let list = coach.api(Method::GET, &format!("/api/v1/people/{person}/consents"), &token, None).await;
    assert_eq!(list.json().as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn a_consent_is_recorded_shown_and_printed_in_the_persons_language() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Printa").await;
    directory_org(&app, "org-eastside-consents", "Eastside Housing Help").await;

    // The referral flow sends the directory organisation along.
    let form =
        coach.get(&format!("/people/{person}/consents/new?recipient_organization_id=org-eastside-consents")).await;
    form.assert_status(StatusCode::OK).assert_contains("Eastside Housing Help");
    // The search box finds it by part of its name, accents and case aside.
    let found = coach
        .post(
            &format!("/people/{person}/consents"),
            &[("action", "find"), ("recipient_query", "EASTSIDE hous"), ("information_detail", "Kept as typed")],
        )
        .await;
    found
        .assert_status(StatusCode::OK)
        .assert_contains("value=\"org-eastside-consents\"")
        .assert_contains("Kept as typed");

    let today = local_today(&app).to_string();
    let expires = (local_today(&app) + time::Duration::days(180)).to_string();
    let mut fields =
        consent_form("", &["identity", "contact-details"], &["referral"], &today, &expires, "When I move out");
    fields.retain(|(k, _)| *k != "recipient_name");
    fields.push(("recipient_organization_id", "org-eastside-consents"));
    let consent = record_consent(&mut coach, &person, &fields).await;
    let page = coach.get(&format!("/people/{person}/consents/{consent}")).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Eastside Housing Help")
        .assert_contains("From the directory")
        .assert_contains("In force")
        .assert_contains(&expires)
        .assert_contains("Referral to a service")
        .assert_contains("Contact details");
    coach.get(&format!("/people/{person}/consents")).await.assert_contains("In force").assert_contains("Eastside");
    assert!(audited(&app, "consent.create", "success").await);
    assert!(audited(&app, "consent.view", "success").await);

    // The person's copy in Spanish, and a form to sign in French.
    let es = coach.get(&format!("/people/{person}/consents/{consent}/print?lang=es")).await;
    es.assert_status(StatusCode::OK)
        .assert_contains("Consentimiento para compartir información")
        .assert_contains("Datos de contacto")
        .assert_contains("Puedo revocar este consentimiento");
    coach.get(&format!("/people/{person}/consents/new")).await;
    let draft = coach
        .post(
            &format!("/people/{person}/consents/print"),
            &[("recipient_name", "Clinique du Parc"), ("categories", "attendance"), ("print_language", "fr")],
        )
        .await;
    draft
        .assert_status(StatusCode::OK)
        .assert_contains("Consentement à la communication de renseignements")
        .assert_contains("Clinique du Parc")
        .assert_contains("☒ Présence");
    assert!(audited(&app, "consent.print", "success").await);
    // Printing for signature saves nothing.
    let token = coach.create_token("consents").await;
    let list = coach.api(Method::GET, &format!("/api/v1/people/{person}/consents"), &token, None).await.json();
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["recipient_organization_id"], "org-eastside-consents");
    assert_eq!(list[0]["status"], "in-force");
}

#[tokio::test]
async fn validity_follows_end_date_end_event_revocation_and_signing() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let token = coach.create_token("consents").await;
    let person = new_person(&mut coach, "Valida").await;
    let day = |d: i64| (local_today(&app) + time::Duration::days(d)).to_string();
    let signed = day(-10);
    let ends = day(20);
    let consent = record_consent(
        &mut coach,
        &person,
        &consent_form("County Probation", &["attendance"], &["legal"], &signed, &ends, ""),
    )
    .await;
    let check = format!("/api/v1/people/{person}/consents/check");
    let ask = |on: &str| json!({ "recipient_name": "county probation", "categories": ["attendance"], "purpose": "legal", "on": on });

    // The end date is included; the day after it is not; before signing it is not yet signed.
    let on_end = coach.api(Method::POST, &check, &token, Some(ask(&ends))).await;
    on_end.assert_status(StatusCode::OK);
    assert_eq!(on_end.json()["covered"], true);
    assert_eq!(on_end.json()["consent"]["id"], consent.as_str());
    let after = coach.api(Method::POST, &check, &token, Some(ask(&day(21)))).await.json();
    assert_eq!((after["covered"].as_bool(), after["gaps"][0]["gap"].as_str()), (Some(false), Some("expired")));
    let before = coach.api(Method::POST, &check, &token, Some(ask(&day(-11)))).await.json();
    assert_eq!(before["gaps"][0]["gap"], "not-yet-signed");

    // The consent's status moves with the clock: expired the day after its end date.
    app.advance(21 * 86_400);
    coach
        .get(&format!("/people/{person}/consents/{consent}"))
        .await
        .assert_contains("Expired")
        .assert_contains(&format!("ended on {ends}"));
    app.advance(-21 * 86_400);

    // Revocation: not before signing, not in the future; from that day nothing is covered.
    let page = coach.get(&format!("/people/{person}/consents/{consent}")).await;
    let version = value_of(&page.body, "version");
    let revoke = format!("/people/{person}/consents/{consent}/revoke");
    coach
        .post(&revoke, &[("version", &version), ("revoked_on", &day(-11))])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("The revocation date cannot be before the consent was signed.");
    coach
        .post(&revoke, &[("version", &version), ("revoked_on", &day(1))])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("The revocation date cannot be in the future.");
    coach
        .post(&revoke, &[("version", &version), ("revoked_on", &day(-2)), ("note", "By phone")])
        .await
        .assert_redirect_to(&format!("/people/{person}/consents/{consent}"));
    let shown = coach.get(&format!("/people/{person}/consents/{consent}")).await;
    shown.assert_contains("Revoked").assert_contains("By phone").assert_lacks("Revoke the consent</button>");
    let revoked = coach.api(Method::POST, &check, &token, Some(ask(&day(-2)))).await.json();
    assert_eq!(revoked["gaps"][0]["gap"], "revoked");
    let earlier = coach.api(Method::POST, &check, &token, Some(ask(&day(-3)))).await.json();
    assert_eq!(earlier["covered"], true, "covered until the day it was revoked");
    assert!(audited(&app, "consent.revoke", "success").await);

    // An end event: refused before signing or in the future; once recorded the consent has ended.
    let with_event = record_consent(
        &mut coach,
        &person,
        &consent_form("Hope Clinic", &["identity"], &["care-coordination"], &signed, "", "When I finish treatment"),
    )
    .await;
    let event = format!("/api/v1/consents/{with_event}/end-event");
    let early = coach.api(Method::POST, &event, &token, Some(json!({ "version": 1, "happened_on": day(-11) }))).await;
    early.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&early.json(), "happened_on", "consent-error-event-before-signed"));
    let late = coach.api(Method::POST, &event, &token, Some(json!({ "version": 1, "happened_on": day(3) }))).await;
    assert!(has_error(&late.json(), "happened_on", "consent-error-event-future"));
    let ended = coach.api(Method::POST, &event, &token, Some(json!({ "version": 1, "happened_on": day(0) }))).await;
    ended.assert_status(StatusCode::OK);
    let ended = ended.json();
    assert_eq!((ended["status"].as_str(), ended["ended_by_event"].as_bool()), (Some("expired"), Some(true)));
    let again = coach.api(Method::POST, &event, &token, Some(json!({ "version": 2 }))).await;
    assert!(has_error(&again.json(), "happened_on", "consent-error-end-event-recorded"));
    let gap = coach
        .api(
            Method::POST,
            &check,
            &token,
            Some(
                json!({ "recipient_name": "Hope Clinic", "categories": ["identity"], "purpose": "care-coordination" }),
            ),
        )
        .await
        .json();
    assert_eq!(gap["gaps"].as_array().map(|g| g.iter().any(|x| x["gap"] == "expired")), Some(true));
    // A consent without an end event has none to record.
    let none = coach
        .api(Method::POST, &format!("/api/v1/consents/{consent}/end-event"), &token, Some(json!({ "version": 2 })))
        .await;
    assert!(has_error(&none.json(), "happened_on", "consent-error-no-end-event"));
}

#[tokio::test]
async fn scope_is_recipient_purpose_and_kinds_of_information() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let token = coach.create_token("consents").await;
    let person = new_person(&mut coach, "Scopa").await;
    let today = local_today(&app).to_string();
    let consent = record_consent(
        &mut coach,
        &person,
        &consent_form(
            "Clínica Río Claro",
            &["identity", "attendance"],
            &["care-coordination"],
            &today,
            "",
            "End of care",
        ),
    )
    .await;
    let disclosures = format!("/api/v1/people/{person}/disclosures");
    let base = json!({
        "recipient_name": "clinica rio claro", "categories": ["identity"], "purpose": "care-coordination",
        "channel": "phone", "description": "Confirmed the first appointment by phone",
    });
    let refused = |field: &str, value: Value| {
        let mut body = base.clone();
        body[field] = value;
        body
    };
    for (field, value, code) in [
        ("recipient_name", json!("Another Clinic"), "consent-gap-other-recipient"),
        ("purpose", json!("legal"), "consent-gap-purpose"),
        ("categories", json!(["identity", "substance-use"]), "consent-gap-categories"),
    ] {
        let answer = coach.api(Method::POST, &disclosures, &token, Some(refused(field, value))).await;
        answer.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_error(&answer.json(), "consent_id", code), "{code}: {}", answer.body);
    }
    assert!(audited(&app, "disclosure.refused", "denied").await);
    // Within its terms (the name matched without case or accents) it is recorded under the consent.
    let made = coach.api(Method::POST, &disclosures, &token, Some(base.clone())).await;
    made.assert_status(StatusCode::CREATED);
    let made = made.json();
    assert_eq!((made["consent_id"].as_str(), made["channel"].as_str()), (Some(consent.as_str()), Some("phone")));
    assert_eq!(made["recipient_name"], "clinica rio claro");

    // Naming the consent checks that one; the recipient defaults to the consent's.
    let named = coach
        .api(
            Method::POST,
            &disclosures,
            &token,
            Some(json!({ "consent_id": consent, "categories": ["attendance"], "channel": "email",
                         "description": "Attendance dates for October", "notice_included": true })),
        )
        .await;
    named.assert_status(StatusCode::CREATED);
    assert_eq!(named.json()["recipient_name"], "Clínica Río Claro");
    assert_eq!(named.json()["purpose"], "care-coordination", "the consent's only purpose");
    let wrong = coach
        .api(
            Method::POST,
            &disclosures,
            &token,
            Some(json!({ "consent_id": consent, "categories": ["mental-health"], "channel": "email",
                         "description": "Diagnosis" })),
        )
        .await;
    assert!(has_error(&wrong.json(), "consent_id", "consent-gap-categories"));
    // A referral records its own disclosures; required fields are named.
    let incomplete = coach
        .api(Method::POST, &disclosures, &token, Some(json!({ "recipient_name": "x", "channel": "referral" })))
        .await;
    let body = incomplete.json();
    assert!(has_error(&body, "channel", "disclosure-error-channel-referral"));
    assert!(has_error(&body, "categories", "disclosure-error-categories-required"));
    assert!(has_error(&body, "purpose", "disclosure-error-purpose-required"));
    assert!(has_error(&body, "description", "disclosure-error-description-required"));
}

#[tokio::test]
async fn a_disclosure_without_a_consent_is_refused_and_one_with_it_is_accounted_for() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Nocona").await;
    let form = coach.get(&format!("/people/{person}/disclosures/new")).await;
    form.assert_status(StatusCode::OK);
    let fields = [
        ("recipient_name", "County Probation"),
        ("categories", "attendance"),
        ("purpose", "legal"),
        ("channel", "phone"),
        ("description", "Told the officer the dates attended"),
        ("notice_included", "on"),
    ];
    let refused = coach.post(&format!("/people/{person}/disclosures"), &fields).await;
    refused
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("This person has no consent on file. Record their signed consent first.")
        .assert_contains("Told the officer the dates attended");
    assert!(audited(&app, "disclosure.refused", "denied").await);
    coach.get(&format!("/people/{person}/disclosures")).await.assert_contains("Nothing was shared in this period.");

    let today = local_today(&app).to_string();
    record_consent(
        &mut coach,
        &person,
        &consent_form("County Probation", &["attendance"], &["legal"], &today, "", "When probation ends"),
    )
    .await;
    coach.get(&format!("/people/{person}/disclosures/new")).await;
    let yesterday = (local_today(&app) - time::Duration::days(1)).to_string();
    let before_signing: Vec<(&str, &str)> =
        fields.iter().copied().chain([("disclosed_on", yesterday.as_str()), ("disclosed_time", "10:00")]).collect();
    coach
        .post(&format!("/people/{person}/disclosures"), &before_signing)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("The consent is not signed yet on that date.");
    coach
        .post(&format!("/people/{person}/disclosures"), &fields)
        .await
        .assert_redirect_to(&format!("/people/{person}/disclosures"));
    let accounting = coach.get(&format!("/people/{person}/disclosures")).await;
    accounting
        .assert_contains("One disclosure")
        .assert_contains("County Probation")
        .assert_contains("Attendance — Told the officer the dates attended")
        .assert_contains("Phone call")
        .assert_contains("with the notice against further sharing")
        .assert_contains(&format!("Consent signed {today}"));
    assert!(audited(&app, "disclosure.record", "success").await);
    assert!(audited(&app, "disclosure.accounting", "success").await);
}

#[tokio::test]
async fn the_accounting_covers_three_years_and_prints_in_spanish() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let token = coach.create_token("consents").await;
    let person = new_person(&mut coach, "Trienia").await;
    let today = local_today(&app).to_string();
    let consent = record_consent(
        &mut coach,
        &person,
        &consent_form("Legal Aid Society", &["identity"], &["legal"], &today, "", "Case closed"),
    )
    .await;
    let disclose = |what: &str| json!({ "consent_id": consent, "categories": ["identity"], "channel": "email", "description": what });
    let disclosures = format!("/api/v1/people/{person}/disclosures");
    coach
        .api(Method::POST, &disclosures, &token, Some(disclose("Oldest letter")))
        .await
        .assert_status(StatusCode::CREATED);
    app.advance(YEAR);
    coach
        .api(Method::POST, &disclosures, &token, Some(disclose("Second letter")))
        .await
        .assert_status(StatusCode::CREATED);

    // A few days short of three years after the first: both are listed, newest first.
    app.advance(2 * YEAR - 2 * 86_400);
    let listed = coach.api(Method::GET, &disclosures, &token, None).await.json();
    let what: Vec<&str> =
        listed["disclosures"].as_array().unwrap().iter().map(|d| d["description"].as_str().unwrap()).collect();
    assert_eq!(what, vec!["Second letter", "Oldest letter"]);
    // A few days later the first one is more than three years old and leaves the accounting.
    app.advance(4 * 86_400);
    let listed = coach.api(Method::GET, &disclosures, &token, None).await.json();
    let what: Vec<&str> =
        listed["disclosures"].as_array().unwrap().iter().map(|d| d["description"].as_str().unwrap()).collect();
    assert_eq!(what, vec!["Second letter"]);
    assert_eq!(listed["until"].as_str().map(|u| u.len()), Some(10));

    // The person's copy follows their preferred language; giving it is audited, not a disclosure.
    app.execute("UPDATE people SET preferred_language = 'Spanish' WHERE legal_given_name = 'Trienia'").await;
    let print = coach.get(&format!("/people/{person}/disclosures/print")).await;
    print
        .assert_status(StatusCode::OK)
        .assert_contains("lang=\"es\"")
        .assert_contains("Con quién compartimos su información")
        .assert_contains("Legal Aid Society")
        .assert_contains("Nombre y fecha de nacimiento — Second letter")
        .assert_contains("Correo electrónico")
        .assert_lacks("Oldest letter");
    let english = coach.get(&format!("/people/{person}/disclosures/print?lang=en")).await;
    english.assert_contains("Who we shared your information with");
    assert!(audited(&app, "disclosure.accounting-print", "success").await);
    let after = coach.api(Method::GET, &disclosures, &token, None).await.json();
    assert_eq!(after["disclosures"].as_array().map(Vec::len), Some(1), "printing added nothing");
}

#[tokio::test]
async fn a_third_party_packet_records_a_disclosure_and_carries_the_notice() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Packeta").await;
    let packet = format!("/people/{person}/disclosures/packet");
    coach.get(&packet).await.assert_status(StatusCode::OK).assert_contains("No consent is in force today.");

    let today = local_today(&app).to_string();
    let consent = record_consent(
        &mut coach,
        &person,
        &consent_form("Probation Office", &["identity", "attendance"], &["legal"], &today, "", "When probation ends"),
    )
    .await;
    // Only the consent's kinds of information are offered.
    let form = coach.get(&packet).await;
    form.assert_status(StatusCode::OK).assert_contains("value=\"attendance\"").assert_lacks("value=\"substance-use\"");
    // Asking for more than the consent allows is refused and nothing is recorded.
    let more = coach
        .post(&packet, &[("consent_id", &consent), ("categories", "identity"), ("categories", "substance-use")])
        .await;
    more.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("The consent does not allow sharing some of this information.");

    let printed = coach
        .post(
            &packet,
            &[
                ("consent_id", &consent),
                ("categories", "identity"),
                ("categories", "attendance"),
                ("channel", "printout"),
            ],
        )
        .await;
    printed
        .assert_status(StatusCode::OK)
        .assert_contains("Information shared with Probation Office")
        .assert_contains("Packeta Consenta")
        .assert_contains("1988-04-12")
        .assert_contains("protected by Federal confidentiality rules (42 CFR part 2)")
        .assert_contains("What the person agreed to share")
        .assert_lacks("Contact details</h2>");
    let accounting = coach.get(&format!("/people/{person}/disclosures")).await;
    accounting.assert_contains("One disclosure").assert_contains("Printout").assert_contains("Probation Office");

    // The same packet as a data file, in French: the notice travels with it.
    coach.get(&packet).await;
    let export = coach
        .post(
            &packet,
            &[("consent_id", &consent), ("categories", "identity"), ("channel", "export"), ("language", "fr")],
        )
        .await;
    export.assert_status(StatusCode::OK);
    assert!(export.headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let doc = export.json();
    assert!(doc["redisclosure_notice"].as_str().unwrap().contains("42 CFR part 2"));
    assert_eq!(doc["identity"]["legal_name"], "Packeta Consenta");
    assert!(doc.get("attendance").is_none(), "only what was chosen");
    coach
        .get(&format!("/people/{person}/disclosures"))
        .await
        .assert_contains("2 disclosures")
        .assert_contains("Data export");

    // Once the consent is revoked, no packet can be prepared under it.
    let page = coach.get(&format!("/people/{person}/consents/{consent}")).await;
    let version = value_of(&page.body, "version");
    coach
        .post(&format!("/people/{person}/consents/{consent}/revoke"), &[("version", &version), ("revoked_on", &today)])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    coach.get(&packet).await.assert_contains("No consent is in force today.");
    coach
        .post(&packet, &[("consent_id", &consent), ("categories", "identity")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("The person revoked this consent.");
    // Past disclosures stay in the accounting.
    coach.get(&format!("/people/{person}/disclosures")).await.assert_contains("2 disclosures");
}

#[tokio::test]
async fn access_is_limited_to_the_caseload_and_the_quality_lead_only_reads() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Accessa").await;
    let today = local_today(&app).to_string();
    let consent = record_consent(
        &mut coach,
        &person,
        &consent_form("Food Bank", &["identity"], &["benefits"], &today, "", "Done"),
    )
    .await;

    // Someone else's person is refused, and the refusal is recorded.
    let elsewhere = app.person_of("facilitator@demo.example").await;
    let mut facilitator = app.signed_in("facilitator@demo.example").await;
    facilitator.get(&format!("/people/{person}/consents")).await.assert_status(StatusCode::FORBIDDEN);
    facilitator.get(&format!("/people/{person}/disclosures")).await.assert_status(StatusCode::FORBIDDEN);
    facilitator.get(&format!("/people/{elsewhere}/consents")).await.assert_status(StatusCode::OK);
    assert!(audited(&app, "access.denied", "denied").await);
    let token = facilitator.create_token("other").await;
    facilitator
        .api(Method::GET, &format!("/api/v1/consents/{consent}"), &token, None)
        .await
        .assert_status(StatusCode::FORBIDDEN);

    // The quality lead reads consents and the accounting but records nothing.
    let mut quality = app.signed_in("quality@demo.example").await;
    let list = quality.get(&format!("/people/{person}/consents")).await;
    list.assert_status(StatusCode::OK).assert_contains("Food Bank").assert_lacks("Record a consent</a>");
    quality
        .get(&format!("/people/{person}/consents/{consent}"))
        .await
        .assert_status(StatusCode::OK)
        .assert_lacks("Revoke the consent");
    quality.get(&format!("/people/{person}/disclosures")).await.assert_status(StatusCode::OK);
    quality.get(&format!("/people/{person}/consents/new")).await.assert_status(StatusCode::FORBIDDEN);
    quality.get(&format!("/people/{person}/disclosures/new")).await.assert_status(StatusCode::FORBIDDEN);
    quality.get(&format!("/people/{person}/consents")).await;
    quality
        .post(&format!("/people/{person}/consents"), &consent_form("X", &["identity"], &["benefits"], &today, "", "y"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    quality
        .post(&format!("/people/{person}/consents/{consent}/revoke"), &[("version", "1")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let qtoken = quality.create_token("read").await;
    quality
        .api(
            Method::POST,
            &format!("/api/v1/people/{person}/disclosures"),
            &qtoken,
            Some(json!({ "consent_id": consent, "categories": ["identity"], "channel": "phone", "description": "x" })),
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let read = quality.api(Method::GET, &format!("/api/v1/people/{person}/disclosures"), &qtoken, None).await;
    read.assert_status(StatusCode::OK);
    // The refused writes are in the audit trail with the consent untouched.
    let c = quality.api(Method::GET, &format!("/api/v1/consents/{consent}"), &qtoken, None).await.json();
    assert_eq!((c["consent"]["version"].as_i64(), c["consent"]["status"].as_str()), (Some(1), Some("in-force")));
}

#[tokio::test]
async fn concurrent_revocations_do_not_overwrite_each_other() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Concurra").await;
    let today = local_today(&app).to_string();
    let consent = record_consent(
        &mut coach,
        &person,
        &consent_form("Family Center", &["identity"], &["family-involvement"], &today, "", "Until I say"),
    )
    .await;
    // Two tabs open on the same consent (version 1).
    let mut other_tab = app.signed_in("coach@demo.example").await;
    let first = coach.get(&format!("/people/{person}/consents/{consent}")).await;
    let second = other_tab.get(&format!("/people/{person}/consents/{consent}")).await;
    let (v1, v2) = (value_of(&first.body, "version"), value_of(&second.body, "version"));
    assert_eq!(v1, v2);
    let revoke = format!("/people/{person}/consents/{consent}/revoke");
    coach.post(&revoke, &[("version", &v1), ("note", "In person")]).await.assert_status(StatusCode::SEE_OTHER);
    let stale = other_tab.post(&revoke, &[("version", &v2), ("note", "By letter")]).await;
    stale
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Someone changed this consent while you were looking at it.")
        .assert_contains("In person");

    // The API answers the same way.
    let token = coach.create_token("consents").await;
    let api = coach
        .api(Method::POST, &format!("/api/v1/consents/{consent}/revocation"), &token, Some(json!({ "version": 1 })))
        .await;
    api.assert_status(StatusCode::CONFLICT);
    assert_eq!(api.json()["errors"][0]["code"], "error-conflict");
    let current = coach.api(Method::GET, &format!("/api/v1/consents/{consent}"), &token, None).await.json();
    assert_eq!(current["consent"]["revocation_note"], "In person");
    assert_eq!(current["consent"]["version"], 2);
    let twice = coach
        .api(Method::POST, &format!("/api/v1/consents/{consent}/revocation"), &token, Some(json!({ "version": 2 })))
        .await;
    twice.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&twice.json(), "revoked_on", "consent-error-already-revoked"));
}

#[tokio::test]
async fn the_api_records_reads_revokes_and_explains_refusals() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let token = coach.create_token("consents").await;
    let person = new_person(&mut coach, "Apia").await;
    directory_org(&app, "org-eastside-api", "Eastside Housing Help").await;
    let today = local_today(&app).to_string();
    let created = coach
        .api(
            Method::POST,
            &format!("/api/v1/people/{person}/consents"),
            &token,
            Some(json!({
                "recipient_organization_id": "org-eastside-api",
                "categories": ["identity", "contact-details", "reason-for-referral"],
                "information_detail": "Name, phone and the housing need",
                "purposes": ["referral"],
                "expiry_event": "When housed",
                "signed_on": today,
                "signer": "guardian",
                "signer_name": "Rosa Apia",
                "signer_authority": "Court-appointed guardian",
                "signature_method": "electronic",
                "revocation_explained": true,
            })),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let c = created.json();
    assert_eq!(c["recipient_name"], "Eastside Housing Help");
    assert_eq!(c["law"], "us-part2", "from the organisation's country");
    assert_eq!(c["discloser"].as_str().map(|d| !d.is_empty()), Some(true));
    assert_eq!(
        (c["signer"].as_str(), c["signer_authority"].as_str()),
        (Some("guardian"), Some("Court-appointed guardian"))
    );
    assert_eq!(c["status"], "in-force");
    assert!(c["redisclosure_notice"].as_str().unwrap().contains("42 CFR part 2"));
    let id = c["id"].as_str().unwrap().to_string();

    // Coverage by directory id; another organisation is not covered.
    let check = format!("/api/v1/people/{person}/consents/check");
    let yes = coach
        .api(
            Method::POST,
            &check,
            &token,
            Some(json!({ "recipient_organization_id": "org-eastside-api", "categories": ["identity"], "purpose": "referral" })),
        )
        .await;
    yes.assert_status(StatusCode::OK);
    assert_eq!(
        (yes.json()["covered"].as_bool(), yes.json()["consent"]["id"].as_str()),
        (Some(true), Some(id.as_str()))
    );
    let no = coach
        .api(
            Method::POST,
            &check,
            &token,
            Some(
                json!({ "recipient_organization_id": "org-other", "categories": ["identity"], "purpose": "referral" }),
            ),
        )
        .await
        .json();
    assert_eq!(no["covered"], false);
    assert_eq!(no["gaps"][0]["gap"], "other-recipient");
    assert!(no["refusal"][0].as_str().unwrap().contains("does not name this recipient"));
    let bad = coach.api(Method::POST, &check, &token, Some(json!({ "categories": ["bogus"], "on": "tomorrow" }))).await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let bad = bad.json();
    assert!(has_error(&bad, "categories", "error-unknown-choice"));
    assert!(has_error(&bad, "on", "error-date-format"));
    assert!(has_error(&bad, "recipient_name", "disclosure-error-recipient-required"));

    // A disclosure, then the consent with it, then revocation.
    let made = coach
        .api(
            Method::POST,
            &format!("/api/v1/people/{person}/disclosures"),
            &token,
            Some(json!({ "recipient_organization_id": "org-eastside-api", "categories": ["contact-details"],
                         "purpose": "referral", "channel": "email", "description": "Sent phone number for intake",
                         "notice_included": true })),
        )
        .await;
    made.assert_status(StatusCode::CREATED);
    assert_eq!(made.json()["recipient_name"], "Eastside Housing Help");
    let detail = coach.api(Method::GET, &format!("/api/v1/consents/{id}"), &token, None).await.json();
    assert_eq!(detail["disclosures"].as_array().map(Vec::len), Some(1));
    assert_eq!(detail["disclosures"][0]["description"], "Sent phone number for intake");
    let revoked = coach
        .api(
            Method::POST,
            &format!("/api/v1/consents/{id}/revocation"),
            &token,
            Some(json!({ "version": 1, "note": "Asked to stop" })),
        )
        .await;
    revoked.assert_status(StatusCode::OK);
    assert_eq!((revoked.json()["status"].as_str(), revoked.json()["version"].as_i64()), (Some("revoked"), Some(2)));
    let after = coach
        .api(
            Method::POST,
            &format!("/api/v1/people/{person}/disclosures"),
            &token,
            Some(json!({ "consent_id": id, "categories": ["identity"], "channel": "phone", "description": "Again" })),
        )
        .await;
    after.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&after.json(), "consent_id", "consent-gap-revoked"));
    let accounting = coach.api(Method::GET, &format!("/api/v1/people/{person}/disclosures"), &token, None).await.json();
    assert_eq!(accounting["disclosures"].as_array().map(Vec::len), Some(1), "the earlier disclosure stays");

    // Errors: a missing version, an unknown consent, malformed JSON, an unknown directory organisation.
    let unversioned =
        coach.api(Method::POST, &format!("/api/v1/consents/{id}/revocation"), &token, Some(json!({}))).await;
    assert!(has_error(&unversioned.json(), "version", "error-required"));
    coach
        .api(Method::GET, &format!("/api/v1/consents/{}", uuid::Uuid::new_v4()), &token, None)
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let malformed = coach
        .request(
            Method::POST,
            &format!("/api/v1/people/{person}/consents"),
            Some("application/json"),
            "{".into(),
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await;
    malformed.assert_status(StatusCode::BAD_REQUEST);
    let unknown = coach
        .api(
            Method::POST,
            &format!("/api/v1/people/{person}/consents"),
            &token,
            Some(json!({ "recipient_organization_id": "no-such-org" })),
        )
        .await
        .json();
    assert!(has_error(&unknown, "recipient_organization_id", "consent-error-recipient-unknown"));

    // A consent naming an organisation as written covers it when asked by its directory id.
    directory_org(&app, "org-northside-api", "Northside Food Bank").await;
    let named = coach
        .api(
            Method::POST,
            &format!("/api/v1/people/{person}/consents"),
            &token,
            Some(json!({ "recipient_name": "Northside Food Bank", "categories": ["identity"],
                         "information_detail": "My name", "purposes": ["benefits"], "expires_on": today,
                         "signed_on": today, "signer": "person", "signature_method": "paper",
                         "revocation_explained": true })),
        )
        .await;
    named.assert_status(StatusCode::CREATED);
    let by_id = coach
        .api(
            Method::POST,
            &check,
            &token,
            Some(json!({ "recipient_organization_id": "org-northside-api", "categories": ["identity"], "purpose": "benefits" })),
        )
        .await
        .json();
    assert_eq!(by_id["covered"], true, "{by_id}");
}
