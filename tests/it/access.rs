//! Role × action × caseload, through the real pages and API.

use crate::helpers::TestApp;
use axum::http::StatusCode;

#[tokio::test]
async fn a_coach_opens_their_own_people_but_not_others_and_refusals_are_recorded() {
    let app = TestApp::spawn().await;
    let mine = app.person_of("coach@demo.example").await;
    let theirs = app.person_of("referral@demo.example").await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/people/{mine}")).await.assert_status(StatusCode::OK);
    coach.get(&format!("/people/{mine}/edit")).await.assert_status(StatusCode::OK);
    coach.get(&format!("/people/{theirs}")).await.assert_status(StatusCode::FORBIDDEN).assert_contains("recorded");
    coach.get(&format!("/people/{theirs}/edit")).await.assert_status(StatusCode::FORBIDDEN);
    coach
        .post(&format!("/people/{theirs}"), &[("legal_given_name", "X"), ("legal_family_name", "Y"), ("version", "1")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let denials = app.audit_actions().await.into_iter().filter(|(a, o)| a == "access.denied" && o == "denied").count();
    assert_eq!(denials, 3);
}

#[tokio::test]
async fn a_supervisor_reaches_supervisees_caseloads_but_not_other_teams() {
    let app = TestApp::spawn().await;
    let supervisee_person = app.person_of("coach@demo.example").await;
    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    supervisor.get(&format!("/people/{supervisee_person}")).await.assert_status(StatusCode::OK);
    // Once the referral specialist reports to someone else, their caseload is out of reach.
    app.execute("UPDATE staff SET supervisor_id = NULL WHERE email = 'referral@demo.example'").await;
    let other_team = app.person_of("referral@demo.example").await;
    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    supervisor.get(&format!("/people/{other_team}")).await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_program_director_reaches_everyone_in_the_programs_they_direct() {
    let app = TestApp::spawn().await;
    let mut director = app.signed_in("director@demo.example").await;
    for worker in ["coach@demo.example", "referral@demo.example", "facilitator@demo.example"] {
        let person = app.person_of(worker).await;
        director.get(&format!("/people/{person}")).await.assert_status(StatusCode::OK);
    }
    let list = director.get("/people").await;
    list.assert_contains("Page 1 of 2"); // all 40 demo people are in programs the director directs
}

#[tokio::test]
async fn the_quality_lead_reads_every_record_but_cannot_change_or_add() {
    let app = TestApp::spawn().await;
    let person = app.person_of("coach@demo.example").await;
    let mut quality = app.signed_in("quality@demo.example").await;
    quality.get(&format!("/people/{person}")).await.assert_status(StatusCode::OK).assert_lacks("Edit details");
    quality.get(&format!("/people/{person}/edit")).await.assert_status(StatusCode::FORBIDDEN);
    quality.get("/people/new").await.assert_status(StatusCode::FORBIDDEN);
    quality.get("/admin/organisation").await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_administrator_configures_but_does_not_read_person_records() {
    let app = TestApp::spawn().await;
    let person = app.person_of("coach@demo.example").await;
    let mut admin = app.signed_in("admin@demo.example").await;
    admin.get("/admin/organisation").await.assert_status(StatusCode::OK);
    admin.get(&format!("/people/{person}")).await.assert_status(StatusCode::FORBIDDEN);
    admin.get("/people").await.assert_status(StatusCode::FORBIDDEN);
    admin.get("/").await.assert_status(StatusCode::OK).assert_lacks("href=\"/people/");
}

#[tokio::test]
async fn lists_and_searches_only_show_people_in_scope() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let list = coach.get("/people").await;
    list.assert_status(StatusCode::OK);
    let theirs = app.person_of("referral@demo.example").await;
    list.assert_lacks(&theirs.to_string());
    // Searching for the other person's exact name still does not reveal them.
    use mainstay::db::entities::person;
    use sea_orm::EntityTrait;
    let record = person::Entity::find_by_id(theirs).one(app.db.conn()).await.unwrap().unwrap();
    let found = coach.get(&format!("/people?q={}", record.legal_family_name)).await;
    found.assert_lacks(&theirs.to_string());
}
