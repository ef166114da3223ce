//! The resource directory: creating resources through the form and the API, searching them by
//! synonym, typo, language, age, cost, opening hours and distance; the six 6.02 facts; the stale
//! worklist and verification; edit conflicts; duplicates and merging (referrals follow); who may
//! edit, merge and configure; the settings. The harness's clock is 2026-11-18 11:06 UTC, a
//! Wednesday, 06:06 in the demo organisation's America/New_York. Every resource here has a
//! made-up word in its name, so the demo's own directory never changes what is asserted.

use crate::helpers::{Client, Response, TestApp};
use axum::http::{Method, StatusCode};
use mainstay::db::entities::{directory_merge, person, referral};
use mainstay::domain::coaching::UnmetNeed;
use mainstay::domain::referral::{ReferralHelp, ReferralStatus, ReferralUrgency};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use uuid::Uuid;

fn form<'a>(pairs: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// A full resource as the form sends it.
fn pantry_form(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_string()),
        ("organization_name", "Quillon Neighbours Trust".into()),
        ("description", "Groceries and fresh produce every week".into()),
        ("status", "active".into()),
        ("location_name", "Quillon Hall".into()),
        ("address_1", "12 Harbour Street".into()),
        ("city", "Port Alder".into()),
        ("state_province", "ME".into()),
        ("postal_code", "04101".into()),
        ("country", "US".into()),
        ("latitude", "43.6600".into()),
        ("longitude", "-70.2500".into()),
        ("phone", "(207) 555-0101".into()),
        ("contact_name", "Dana Whitcomb".into()),
        ("contact_title", "Pantry coordinator".into()),
        ("languages", "English".into()),
        ("languages", "Spanish".into()),
        ("other_languages", "Somali".into()),
        ("fee_kind", "free".into()),
        ("fees_description", "No charge".into()),
        ("minimum_age", "18".into()),
        ("eligibility_description", "Adults living in the county".into()),
        ("new_term", "Quillon emergency food".into()),
        ("open_WE", "on".into()),
        ("opens_WE", "06:00".into()),
        ("closes_WE", "20:00".into()),
        ("open_FR", "on".into()),
        ("opens_FR", "09:00".into()),
        ("closes_FR", "12:00".into()),
        ("url", "https://quillon.example.org".into()),
    ]
}

/// A resource far away, with a fee, for all ages, in English, open on Tuesdays only.
fn clinic_form(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_string()),
        ("organization_name", "Quillon Health Partners".into()),
        ("description", "Cleanings, fillings and urgent dental care".into()),
        ("status", "active".into()),
        ("address_1", "400 Summit Road".into()),
        ("city", "Bangor".into()),
        ("state_province", "ME".into()),
        ("postal_code", "04401".into()),
        ("country", "US".into()),
        ("latitude", "44.8012".into()),
        ("longitude", "-68.7778".into()),
        ("phone", "(207) 555-0199".into()),
        ("languages", "English".into()),
        ("fee_kind", "fee".into()),
        ("fee_amount", "40".into()),
        ("open_TU", "on".into()),
        ("opens_TU", "09:00".into()),
        ("closes_TU", "17:00".into()),
    ]
}

async fn create(client: &mut Client, fields: &[(&str, String)]) -> String {
    client.get("/directory/new").await.assert_status(StatusCode::OK);
    let created = client.post("/directory/new", &form(fields)).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body.chars().take(3000).collect::<String>());
    created.location().trim_start_matches("/directory/").to_string()
}

fn result_names(page: &Response) -> Vec<String> {
    page.body
        .split("class=\"result-name\" href=\"/directory/")
        .skip(1)
        .filter_map(|chunk| {
            chunk.split_once("\">").and_then(|(_, rest)| rest.split_once("</a>")).map(|(n, _)| n.to_string())
        })
        .collect()
}

async fn search(client: &mut Client, query: &str) -> Vec<String> {
    let page = client.get(&format!("/directory?{query}")).await;
    page.assert_status(StatusCode::OK);
    result_names(&page)
}

async fn api_user(app: &TestApp, email: &str) -> (Client, String) {
    let mut client = app.signed_in(email).await;
    let token = client.create_token("directory").await;
    (client, token)
}

fn has_error(response: &Value, field: &str, code: &str) -> bool {
    response["errors"]
        .as_array()
        .is_some_and(|errors| errors.iter().any(|e| e["field"].as_str().unwrap_or("") == field && e["code"] == code))
}

async fn org_id(app: &TestApp) -> Uuid {
    mainstay::db::org::all(&app.db).await.unwrap()[0].id
}

#[tokio::test]
async fn resources_are_found_by_synonym_typo_language_age_cost_hours_and_distance() {
    let app = TestApp::spawn().await;
    let mut referral = app.signed_in("referral@demo.example").await;
    create(&mut referral, &pantry_form("Quillon Community Pantry")).await;
    create(&mut referral, &clinic_form("Quillon Dental Clinic")).await;

    // "food" is not in the pantry's words: the synonym finds it; a typo still does.
    assert_eq!(search(&mut referral, "q=quillon+food").await, vec!["Quillon Community Pantry"]);
    assert_eq!(search(&mut referral, "q=quillon+fod").await, vec!["Quillon Community Pantry"]);
    assert_eq!(search(&mut referral, "q=quilon+dentist").await, vec!["Quillon Dental Clinic"]);
    let both = search(&mut referral, "q=quillon").await;
    assert_eq!(both.len(), 2, "{both:?}");

    // Filters: language by any name or code, age, free, open now (Wednesday 06:06), distance.
    for language in ["es", "Spanish"] {
        assert_eq!(
            search(&mut referral, &format!("q=quillon&language={language}")).await,
            vec!["Quillon Community Pantry"]
        );
    }
    assert_eq!(search(&mut referral, "q=quillon&age=12").await, vec!["Quillon Dental Clinic"]);
    assert_eq!(search(&mut referral, "q=quillon&age=30").await.len(), 2);
    assert_eq!(search(&mut referral, "q=quillon&free=on").await, vec!["Quillon Community Pantry"]);
    assert_eq!(search(&mut referral, "q=quillon&open_now=on").await, vec!["Quillon Community Pantry"]);
    assert_eq!(
        search(&mut referral, "q=quillon&lat=43.66&lon=-70.25&within=5").await,
        vec!["Quillon Community Pantry"],
        "Bangor is 190 km away"
    );
    // Near Bangor, with no limit: both, the nearer first.
    assert_eq!(
        search(&mut referral, "q=quillon&lat=44.80&lon=-68.78").await,
        vec!["Quillon Dental Clinic", "Quillon Community Pantry"]
    );
    let page = referral.get("/directory?q=quillon&lat=43.66&lon=-70.25").await;
    page.assert_contains("mi away").assert_contains("Open now").assert_contains("Closed now");

    // Bad filter values get a message, not an error page.
    let bad = referral.get("/directory?q=quillon&age=abc&lat=95&lon=10").await;
    bad.assert_status(StatusCode::OK);
    bad.assert_contains("Enter an age in whole years").assert_contains("Enter a latitude between -90 and 90");

    // The same through the API, with codes and numbers.
    let (mut client, token) = api_user(&app, "coach@demo.example").await;
    let found = client.api(Method::GET, "/api/v1/directory/services?q=quillon+food&language=spa", &token, None).await;
    found.assert_status(StatusCode::OK);
    let body = found.json();
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["name"], "Quillon Community Pantry");
    assert_eq!(body["items"][0]["fee_kind"], "free");
    assert_eq!(body["items"][0]["open_now"], true);
    let near = client
        .api(
            Method::GET,
            "/api/v1/directory/services?q=quillon&latitude=43.66&longitude=-70.25&within_km=5",
            &token,
            None,
        )
        .await
        .json();
    assert_eq!(near["total"], 1);
    assert!(near["items"][0]["distance_km"].as_f64().unwrap() < 1.0);
    let at =
        client.api(Method::GET, "/api/v1/directory/services?q=quillon&open_at=2026-11-17T10:00", &token, None).await;
    assert_eq!(at.json()["items"][0]["name"], "Quillon Dental Clinic", "Tuesday morning");
    let invalid = client
        .api(
            Method::GET,
            "/api/v1/directory/services?age=-3&latitude=1&within_km=x&open_at=soon&free=maybe",
            &token,
            None,
        )
        .await;
    invalid.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let errors = invalid.json();
    for (field, code) in [
        ("age", "directory-error-age"),
        ("longitude", "directory-error-coordinates-pair"),
        ("within_km", "directory-error-within"),
        ("open_at", "error-date-format"),
        ("free", "error-unknown-choice"),
    ] {
        assert!(has_error(&errors, field, code), "{field} {code}: {errors}");
    }
    let later = client
        .api(Method::GET, "/api/v1/directory/services?q=quillon&modified_after=2030-01-01T00:00:00Z", &token, None)
        .await;
    assert_eq!(later.json()["total"], 0);
}

#[tokio::test]
async fn a_persons_language_ranks_resources_and_each_offers_a_referral() {
    let app = TestApp::spawn().await;
    let mut referral = app.signed_in("referral@demo.example").await;
    let mut english = clinic_form("Quillon Harbour Food Bank");
    english.retain(|(k, _)| !k.ends_with("TU") && *k != "fee_kind" && *k != "fee_amount");
    create(&mut referral, &english).await;
    let mut spanish = english.clone();
    spanish[0].1 = "Quillon Valley Food Bank".into();
    spanish.retain(|(k, _)| *k != "languages");
    spanish.push(("languages", "Spanish".into()));
    let spanish_id = create(&mut referral, &spanish).await;
    // Without a person the names decide the tie.
    assert_eq!(
        search(&mut referral, "q=quillon+food+bank").await,
        vec!["Quillon Harbour Food Bank", "Quillon Valley Food Bank"]
    );

    let person = app.person_of("coach@demo.example").await;
    person::Entity::update_many()
        .col_expr(person::Column::PreferredLanguage, sea_orm::sea_query::Expr::val("Español"))
        .filter(person::Column::Id.eq(person))
        .exec(app.db.conn())
        .await
        .unwrap();
    let mut coach = app.signed_in("coach@demo.example").await;
    let page = coach.get(&format!("/directory?for_person={person}&q=quillon+food+bank")).await;
    page.assert_status(StatusCode::OK);
    assert_eq!(result_names(&page), vec!["Quillon Valley Food Bank", "Quillon Harbour Food Bank"]);
    page.assert_contains("Speaks their language");
    page.assert_contains(&format!("/people/{person}/referrals/new?service_id={spanish_id}"));
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "person.view"), "reading the person is audited");

    // Someone outside the coach's caseload cannot be searched for.
    let stranger = app.person_of("referral@demo.example").await;
    coach.get(&format!("/directory?for_person={stranger}&q=food")).await.assert_status(StatusCode::FORBIDDEN);
    // The resource page offers to refer someone, through a person search.
    let resource = coach.get(&format!("/directory/{spanish_id}")).await;
    resource.assert_contains(&format!("/directory/{spanish_id}/refer"));
    let refer = coach.get(&format!("/directory/{spanish_id}/refer")).await;
    refer.assert_status(StatusCode::OK);
    refer.assert_contains(&format!("/referrals/new?service_id={spanish_id}"));
}

#[tokio::test]
async fn the_six_facts_are_flagged_and_stale_records_wait_for_verification() {
    let app = TestApp::spawn().await;
    let mut referral = app.signed_in("referral@demo.example").await;
    let sparse = create(
        &mut referral,
        &[
            ("name", "Quillon Drop-in".to_string()),
            ("organization_name", "Quillon Outreach".to_string()),
            ("status", "active".to_string()),
        ],
    )
    .await;
    let page = referral.get(&format!("/directory/{sparse}")).await;
    page.assert_status(StatusCode::OK);
    page.assert_contains("6 of the six facts are missing")
        .assert_contains("Never verified")
        .assert_contains("Needs verifying");
    for fact in ["Name, location and phone", "Contact person", "Services", "Languages", "Fees", "Eligibility"] {
        page.assert_contains(fact);
    }
    let full = create(&mut referral, &pantry_form("Quillon Full Pantry")).await;
    let page = referral.get(&format!("/directory/{full}")).await;
    page.assert_lacks("facts are missing").assert_lacks("fact is missing");
    page.assert_contains("Dana Whitcomb").assert_contains("Ages 18 and over").assert_contains("Wed · 06:00–20:00");

    // Both are new, never verified: on the worklist.
    let (mut client, token) = api_user(&app, "referral@demo.example").await;
    let names = stale_names(&mut client, &token).await;
    assert!(names.contains(&"Quillon Drop-in".to_string()) && names.contains(&"Quillon Full Pantry".to_string()));
    referral.get("/directory/stale").await.assert_status(StatusCode::OK).assert_contains("never verified");
    referral.get(&format!("/directory/{full}/verify")).await.assert_status(StatusCode::OK);
    let future = referral
        .post(&format!("/directory/{full}/verify"), &[("verified_on", "2026-12-01"), ("method", "phone")])
        .await;
    future.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    future.assert_contains("The date cannot be in the future");
    let no_method =
        referral.post(&format!("/directory/{full}/verify"), &[("verified_on", "2026-11-18"), ("method", "")]).await;
    no_method.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    referral
        .post(
            &format!("/directory/{full}/verify"),
            &[("verified_on", "2026-11-18"), ("method", "phone"), ("note", "Spoke to Dana")],
        )
        .await
        .assert_redirect_to(&format!("/directory/{full}"));
    let page = referral.get(&format!("/directory/{full}")).await;
    page.assert_contains("Last verified 2026-11-18").assert_contains("Spoke to Dana").assert_lacks("Needs verifying");
    let names = stale_names(&mut client, &token).await;
    assert!(names.contains(&"Quillon Drop-in".to_string()) && !names.contains(&"Quillon Full Pantry".to_string()));
    referral.get("/directory/stale").await.assert_lacks("Quillon Full Pantry");
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "directory.verify"));

    // Thirteen months on, the verification has lapsed (default interval 12 months); never
    // verified records still come first.
    app.advance(395 * 86_400);
    let mut referral = app.signed_in("referral@demo.example").await;
    referral.get(&format!("/directory/{full}")).await.assert_contains("Needs verifying");
    let names = stale_names(&mut client, &token).await;
    let position = |name: &str| names.iter().position(|n| n == name).unwrap_or(usize::MAX);
    assert!(position("Quillon Full Pantry") < usize::MAX);
    assert!(position("Quillon Drop-in") < position("Quillon Full Pantry"), "never verified first");
    let list = client.api(Method::GET, "/api/v1/directory/stale", &token, None).await.json();
    assert!(list["never_verified"].as_u64().unwrap() >= 1);
    assert!(list["overdue"].as_u64().unwrap() >= 1);
}

/// Every name on the stale worklist, page by page.
async fn stale_names(client: &mut Client, token: &str) -> Vec<String> {
    let mut names = Vec::new();
    for page in 1..=200 {
        let list =
            client.api(Method::GET, &format!("/api/v1/directory/stale?per_page=100&page={page}"), token, None).await;
        list.assert_status(StatusCode::OK);
        let items = list.json()["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            break;
        }
        names.extend(items.iter().filter_map(|i| i["name"].as_str().map(str::to_string)));
    }
    names
}

#[tokio::test]
async fn a_stale_edit_answers_409_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let mut first = app.signed_in("referral@demo.example").await;
    let mut second = app.signed_in("supervisor@demo.example").await;
    let id = create(&mut first, &pantry_form("Quillon Corner Pantry")).await;
    let edit = first.get(&format!("/directory/{id}/edit")).await;
    edit.assert_status(StatusCode::OK).assert_contains("Quillon Corner Pantry").assert_contains("Dana Whitcomb");
    second.get(&format!("/directory/{id}/edit")).await.assert_status(StatusCode::OK);
    let version = edit.body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();

    let mut mine = pantry_form("Quillon Corner Pantry (renamed)");
    mine.push(("version", version.clone()));
    first.post(&format!("/directory/{id}/edit"), &form(&mine)).await.assert_redirect_to(&format!("/directory/{id}"));
    let mut theirs = pantry_form("Quillon Corner Pantry (their name)");
    theirs.push(("version", version));
    let conflict = second.post(&format!("/directory/{id}/edit"), &form(&theirs)).await;
    conflict.assert_status(StatusCode::CONFLICT);
    conflict.assert_contains("Quillon Corner Pantry (their name)").assert_contains("Someone saved this resource");
    let page = first.get(&format!("/directory/{id}")).await;
    page.assert_contains("Quillon Corner Pantry (renamed)").assert_lacks("their name");

    // Form validation keeps the input and names each problem.
    let mut bad = pantry_form("");
    bad.retain(|(k, _)| *k != "address_1" && *k != "longitude" && *k != "url");
    bad.extend([("minimum_age", "40".to_string()), ("maximum_age", "20".to_string()), ("url", "quillon".to_string())]);
    bad.retain(|(k, v)| *k != "minimum_age" || v == "40");
    let invalid = first.post("/directory/new", &form(&bad)).await;
    invalid.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Enter this information",
        "Enter this too, or leave the whole address empty",
        "Enter both latitude and longitude, or neither",
        "The oldest age cannot be below the youngest",
        "Enter a web address starting with https://",
    ] {
        invalid.assert_contains(message);
    }
    invalid.assert_contains("Quillon Hall");

    // The API: a stale version answers 409; a missing version 422.
    let (mut client, token) = api_user(&app, "referral@demo.example").await;
    let current = client.api(Method::GET, &format!("/api/v1/directory/services/{id}"), &token, None).await.json();
    let body =
        json!({ "version": current["version"].as_i64().unwrap() - 1, "name": "X", "new_organization_name": "Y" });
    let stale = client.api(Method::PUT, &format!("/api/v1/directory/services/{id}"), &token, Some(body)).await;
    stale.assert_status(StatusCode::CONFLICT);
    let missing = client
        .api(Method::PUT, &format!("/api/v1/directory/services/{id}"), &token, Some(json!({ "name": "X" })))
        .await;
    missing.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&missing.json(), "version", "error-required"));
}

#[tokio::test]
async fn duplicates_are_found_and_merging_moves_details_and_referrals() {
    let app = TestApp::spawn().await;
    let mut referral = app.signed_in("referral@demo.example").await;
    let kept = create(&mut referral, &pantry_form("Quillon Food Pantry")).await;
    let mut twin = clinic_form("Quillon Food Pantry Inc");
    twin.retain(|(k, _)| *k != "phone");
    twin.push(("phone", "207-555-0101".into()));
    twin.push(("contact_name", "Ravi Okonkwo".into()));
    let merged = create(&mut referral, &twin).await;

    let duplicates = referral.get("/directory/duplicates").await;
    duplicates.assert_status(StatusCode::OK).assert_contains("Quillon Food Pantry Inc").assert_contains("same phone");

    // A referral naming the duplicate, written straight into the table.
    let org = org_id(&app).await;
    let person = app.person_of("coach@demo.example").await;
    let coach = mainstay::db::staff::by_email(&app.db, "coach@demo.example").await.unwrap().unwrap();
    let referral_id = Uuid::new_v4();
    referral::ActiveModel {
        id: Set(referral_id),
        org_id: Set(org),
        person_id: Set(person),
        program_id: Set(None),
        need: Set(UnmetNeed::ALL[0].code().into()),
        need_detail: Set(None),
        need_identified_on: Set(app.now().date()),
        service_id: Set(merged.clone()),
        service_at_location_id: Set(None),
        resource_organization_id: Set(None),
        resource_name: Set("Quillon Food Pantry Inc".into()),
        urgency: Set(ReferralUrgency::Routine.code().into()),
        help: Set(ReferralHelp::InformationGiven.code().into()),
        shared_categories: Set(String::new()),
        consent_id: Set(None),
        status: Set(ReferralStatus::Draft.code().into()),
        referred_on: Set(None),
        follow_up_on: Set(None),
        connected: Set(None),
        connected_on: Set(None),
        need_met: Set(None),
        outcome_note: Set(None),
        closed_on: Set(None),
        note: Set(None),
        language: Set(None),
        made_by: Set(coach.id),
        assigned_to: Set(coach.id),
        version: Set(1),
        created_at: Set(app.now()),
        updated_at: Set(app.now()),
    }
    .insert(app.db.conn())
    .await
    .unwrap();

    let confirm = referral.get(&format!("/directory/merge?a={kept}&b={merged}")).await;
    confirm.assert_status(StatusCode::OK).assert_contains("Ravi Okonkwo");
    let version = |side: &str| {
        confirm
            .body
            .split(&format!("name=\"version_{side}\" value=\""))
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    let (va, vb) = (version("a"), version("b"));
    let none_chosen = referral
        .post(
            "/directory/merge",
            &[("a", kept.as_str()), ("b", merged.as_str()), ("version_a", &va), ("version_b", &vb)],
        )
        .await;
    none_chosen.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Choose which resource to keep");
    let done = referral
        .post(
            "/directory/merge",
            &[
                ("a", kept.as_str()),
                ("b", merged.as_str()),
                ("keep", kept.as_str()),
                ("version_a", &va),
                ("version_b", &vb),
            ],
        )
        .await;
    done.assert_redirect_to(&format!("/directory/{kept}"));
    let page = referral.get(&format!("/directory/{kept}")).await;
    page.assert_contains("1 referral now names the kept resource");
    // The contact the kept record lacked moved over; the same phone was not doubled.
    page.assert_contains("Ravi Okonkwo").assert_contains("Dana Whitcomb");
    assert_eq!(page.body.matches("555-0101").count(), 1, "one phone line for the shared number");
    referral.get(&format!("/directory/{merged}")).await.assert_status(StatusCode::NOT_FOUND);

    let moved = referral::Entity::find_by_id(referral_id).one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!(moved.service_id, kept);
    let merges = directory_merge::Entity::find()
        .filter(directory_merge::Column::MergedServiceId.eq(merged.clone()))
        .all(app.db.conn())
        .await
        .unwrap();
    assert_eq!(merges.len(), 1);
    assert_eq!(merges[0].kept_service_id, kept);
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "directory.merge"));
    assert_eq!(search(&mut referral, "q=quillon+pantry").await, vec!["Quillon Food Pantry"], "the index follows");

    // API merge errors: the same service twice, an unknown one.
    let (mut client, token) = api_user(&app, "referral@demo.example").await;
    let same = client
        .api(Method::POST, "/api/v1/directory/merges", &token, Some(json!({ "keep": kept, "merge": kept })))
        .await;
    same.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&same.json(), "merge", "directory-error-merge-same"));
    let unknown = client
        .api(Method::POST, "/api/v1/directory/merges", &token, Some(json!({ "keep": kept, "merge": "nope" })))
        .await;
    unknown.assert_status(StatusCode::NOT_FOUND);
    let pairs = client.api(Method::GET, "/api/v1/directory/duplicates", &token, None).await;
    pairs.assert_status(StatusCode::OK);
}

#[tokio::test]
async fn coaches_read_the_directory_but_cannot_edit_merge_or_configure() {
    let app = TestApp::spawn().await;
    let mut referral = app.signed_in("referral@demo.example").await;
    let id = create(&mut referral, &pantry_form("Quillon Open Pantry")).await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get("/directory").await.assert_status(StatusCode::OK).assert_lacks("href=\"/directory/new\"");
    let page = coach.get(&format!("/directory/{id}")).await;
    page.assert_status(StatusCode::OK).assert_lacks("/verify\"").assert_lacks("/edit\"");
    let before = app.audit_actions().await.iter().filter(|(a, o)| a == "access.denied" && o == "denied").count();
    for path in [
        "/directory/new".to_string(),
        format!("/directory/{id}/edit"),
        format!("/directory/{id}/verify"),
        "/directory/duplicates".into(),
        "/directory/settings".into(),
        format!("/directory/merge?a={id}&b=x"),
    ] {
        coach.get(&path).await.assert_status(StatusCode::FORBIDDEN);
    }
    coach.get("/directory").await;
    coach.post("/directory/new", &form(&pantry_form("Quillon Sneaky"))).await.assert_status(StatusCode::FORBIDDEN);
    coach
        .post(&format!("/directory/{id}/verify"), &[("verified_on", "2026-11-18"), ("method", "phone")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    coach
        .post("/directory/merge", &[("a", id.as_str()), ("b", id.as_str()), ("keep", id.as_str())])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    coach
        .post("/directory/settings", &[("verify_months", "6"), ("hsds_access", "public"), ("version", "0")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    coach.post("/directory/settings/token", &[]).await.assert_status(StatusCode::FORBIDDEN);
    let after = app.audit_actions().await.iter().filter(|(a, o)| a == "access.denied" && o == "denied").count();
    assert!(after >= before + 11, "every refusal is recorded ({before} → {after})");

    let (mut client, token) = api_user(&app, "coach@demo.example").await;
    client
        .api(Method::GET, &format!("/api/v1/directory/services/{id}"), &token, None)
        .await
        .assert_status(StatusCode::OK);
    let create = client
        .api(
            Method::POST,
            "/api/v1/directory/services",
            &token,
            Some(json!({ "name": "X", "new_organization_name": "Y" })),
        )
        .await;
    create.assert_status(StatusCode::FORBIDDEN);
    client.api(Method::GET, "/api/v1/directory/settings", &token, None).await.assert_status(StatusCode::FORBIDDEN);
    client.api(Method::GET, "/api/v1/directory/duplicates", &token, None).await.assert_status(StatusCode::FORBIDDEN);
    client
        .api(Method::POST, "/api/v1/directory/merges", &token, Some(json!({ "keep": id, "merge": "other" })))
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn settings_are_validated_and_a_token_is_shown_once() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in("admin@demo.example").await;
    let page = admin.get("/directory/settings").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("value=\"12\"")
        .assert_contains(&format!("/hsds/{}/", org_id(&app).await));
    for (months, message) in
        [("0", "from 1 to 60"), ("61", "from 1 to 60"), ("soon", "from 1 to 60"), ("", "Enter this information")]
    {
        let bad = admin
            .post("/directory/settings", &[("verify_months", months), ("hsds_access", "off"), ("version", "0")])
            .await;
        bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        bad.assert_contains(message);
    }
    let bad_access = admin
        .post("/directory/settings", &[("verify_months", "6"), ("hsds_access", "everyone"), ("version", "0")])
        .await;
    bad_access.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Choose one of the options shown");

    let saved =
        admin.post("/directory/settings", &[("verify_months", "6"), ("hsds_access", "token"), ("version", "0")]).await;
    saved.assert_status(StatusCode::OK);
    let token = saved.token_box();
    assert!(token.starts_with("hsds_"), "{token}");
    let again = admin.get("/directory/settings").await;
    again.assert_contains("value=\"6\"").assert_contains("An access token is set").assert_lacks(&token);
    let settings = mainstay::directory::settings::load(app.db.conn(), org_id(&app).await).await.unwrap();
    assert!(settings.admits(Some(&token)));
    // A stale version is refused.
    let stale =
        admin.post("/directory/settings", &[("verify_months", "9"), ("hsds_access", "public"), ("version", "0")]).await;
    stale.assert_status(StatusCode::CONFLICT);
    let fresh = admin.post("/directory/settings/token", &[]).await;
    fresh.assert_status(StatusCode::OK);
    let newer = fresh.token_box();
    assert_ne!(newer, token);
    let settings = mainstay::directory::settings::load(app.db.conn(), org_id(&app).await).await.unwrap();
    assert!(settings.admits(Some(&newer)) && !settings.admits(Some(&token)), "the old token stops working");
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "directory.settings"));

    // The API: a director reads and changes them.
    let (mut client, api_token) = api_user(&app, "director@demo.example").await;
    let current = client.api(Method::GET, "/api/v1/directory/settings", &api_token, None).await.json();
    assert_eq!(current["verify_months"], 6);
    assert_eq!(current["has_token"], true);
    let invalid = client
        .api(
            Method::PUT,
            "/api/v1/directory/settings",
            &api_token,
            Some(json!({ "version": current["version"], "verify_months": 100, "hsds_access": "public" })),
        )
        .await;
    invalid.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&invalid.json(), "verify_months", "directory-error-verify-months"));
    let ok = client
        .api(
            Method::PUT,
            "/api/v1/directory/settings",
            &api_token,
            Some(json!({ "version": current["version"], "verify_months": 24, "hsds_access": "public" })),
        )
        .await;
    ok.assert_status(StatusCode::OK);
    assert_eq!(ok.json()["hsds_access"], "public");
    // Twelve-month-old verifications are not stale under a 24-month interval.
    let mut referral = app.signed_in("referral@demo.example").await;
    let id = create(&mut referral, &pantry_form("Quillon Patient Pantry")).await;
    referral.get(&format!("/directory/{id}/verify")).await;
    referral
        .post(&format!("/directory/{id}/verify"), &[("verified_on", "2025-11-20"), ("method", "website")])
        .await
        .assert_redirect_to(&format!("/directory/{id}"));
    referral.get("/directory/stale").await.assert_lacks("Quillon Patient Pantry");
}

#[tokio::test]
async fn the_api_creates_reads_updates_and_verifies_resources() {
    let app = TestApp::spawn().await;
    let (mut client, token) = api_user(&app, "referral@demo.example").await;
    let body = json!({
        "name": "Quillon Recovery Cafe",
        "new_organization_name": "Quillon Recovery Community",
        "description": "Peer support and meals",
        "status": "active",
        "address_1": "3 Pier Road", "city": "Port Alder", "state_province": "ME", "postal_code": "04101", "country": "us",
        "latitude": 43.65, "longitude": -70.26,
        "phone": "207 555 0150",
        "contact_name": "Lee Park",
        "languages": ["English", "vie"],
        "fee_kind": "sliding", "fees_description": "Pay what you can",
        "minimum_age": 16,
        "taxonomy_term_ids": [],
        "hours": [{ "day": "WE", "opens": "06:00", "closes": "22:00" }, { "day": "SA", "opens": "22:00", "closes": "02:00" }]
    });
    let created = client.api(Method::POST, "/api/v1/directory/services", &token, Some(body.clone())).await;
    created.assert_status(StatusCode::CREATED);
    let r = created.json();
    let id = r["id"].as_str().unwrap().to_string();
    assert_eq!(r["languages"], json!(["English", "Vietnamese"]));
    assert_eq!(r["fee_kind"], "sliding");
    assert_eq!(r["open_now"], true);
    assert_eq!(r["stale"], true);
    assert_eq!(r["missing_facts"], json!([]));
    assert_eq!(r["hours"].as_array().unwrap().len(), 2);
    assert_eq!(r["places"][0]["address"], "3 Pier Road, Port Alder, ME 04101, US");

    let got = client.api(Method::GET, &format!("/api/v1/directory/services/{id}"), &token, None).await.json();
    let mut update = body.clone();
    update["version"] = got["version"].clone();
    update["name"] = json!("Quillon Recovery Café");
    update["languages"] = json!(["English"]);
    let updated = client.api(Method::PUT, &format!("/api/v1/directory/services/{id}"), &token, Some(update)).await;
    updated.assert_status(StatusCode::OK);
    assert_eq!(updated.json()["languages"], json!(["English"]));
    assert_eq!(updated.json()["name"], "Quillon Recovery Café");
    let found =
        client.api(Method::GET, "/api/v1/directory/services?q=quillon+cafe&language=vi", &token, None).await.json();
    assert_eq!(found["total"], 0, "no longer offered in Vietnamese");

    let verified = client
        .api(
            Method::POST,
            &format!("/api/v1/directory/services/{id}/verifications"),
            &token,
            Some(json!({ "verified_on": "2026-11-10", "method": "visit", "note": "Visited" })),
        )
        .await;
    verified.assert_status(StatusCode::CREATED);
    let v = verified.json();
    assert_eq!(v["assured_date"], "2026-11-10");
    assert_eq!(v["stale"], false);
    assert_eq!(v["verifications"][0]["method"], "visit");
    let bad = client
        .api(
            Method::POST,
            &format!("/api/v1/directory/services/{id}/verifications"),
            &token,
            Some(json!({ "verified_on": "10/11/2026", "method": "fax" })),
        )
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let errors = bad.json();
    assert!(
        has_error(&errors, "verified_on", "error-date-format") && has_error(&errors, "method", "error-unknown-choice"),
        "{errors}"
    );

    let invalid = client
        .api(Method::POST, "/api/v1/directory/services", &token,
            Some(json!({ "name": "", "latitude": 91, "longitude": 10, "languages": ["x"], "fee_kind": "cheap", "hours": [{ "day": "XX", "opens": "9", "closes": "5" }] })))
        .await;
    invalid.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let errors = invalid.json();
    for (field, code) in [
        ("name", "error-required"),
        ("organization_id", "directory-error-organization-required"),
        ("latitude", "directory-error-latitude"),
        ("fee_kind", "error-unknown-choice"),
        ("hours", "error-unknown-choice"),
    ] {
        assert!(has_error(&errors, field, code), "{field} {code}: {errors}");
    }
    let unknown_term = client
        .api(
            Method::POST,
            "/api/v1/directory/services",
            &token,
            Some(json!({ "name": "Quillon Z", "new_organization_name": "Q", "taxonomy_term_ids": ["no-such-term"] })),
        )
        .await;
    unknown_term.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&unknown_term.json(), "taxonomy_term_ids", "directory-error-term-unknown"));
    client
        .api(Method::GET, "/api/v1/directory/services/nothing-here", &token, None)
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let malformed = client
        .request(
            Method::POST,
            "/api/v1/directory/services",
            Some("application/json"),
            "{".into(),
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await;
    malformed.assert_status(StatusCode::BAD_REQUEST);
}
