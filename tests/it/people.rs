use crate::helpers::{TestApp, first_program, person_fields};
use axum::http::StatusCode;
use mainstay::db::entities::person;
use sea_orm::EntityTrait;

async fn new_person_form(client: &mut crate::helpers::Client) -> String {
    let form = client.get("/people/new").await;
    form.assert_status(StatusCode::OK);
    first_program(&form.body)
}

#[tokio::test]
async fn a_coach_adds_a_person_who_lands_on_their_caseload() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let program = new_person_form(&mut coach).await;
    let mut fields = person_fields("Wren", "Castellanos", "1994-05-17", &program);
    fields.extend([
        ("phone", "(207) 555-0188"),
        ("voicemail_ok", "no"),
        ("race", "asian"),
        ("race", "white"),
        ("interpreter_needed", "on"),
    ]);
    let created = coach.post("/people", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let page = coach.get(created.location()).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Wren Castellanos")
        .assert_contains("Person added.")
        .assert_contains("Asian, White")
        .assert_contains("Needs an interpreter");
    let list = coach.get("/people").await;
    list.assert_contains("Wren Castellanos");
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|(a, _)| a == "person.create"));
}

#[tokio::test]
async fn each_invalid_field_gets_its_own_message_and_the_input_is_kept() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let program = new_person_form(&mut coach).await;
    let page = coach
        .post(
            "/people",
            &[
                ("legal_given_name", ""),
                ("legal_family_name", "Okonkwo-Reyes"),
                ("date_of_birth", "2099-01-01"),
                ("phone", "12"),
                ("email", "not-an-address"),
                ("program_id", &program),
            ],
        )
        .await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("There is a problem")
        .assert_contains("href=\"#legal_given_name\"")
        .assert_contains("The date cannot be in the future")
        .assert_contains("at least 7 digits")
        .assert_contains("name@example.org")
        .assert_contains("value=\"Okonkwo-Reyes\"")
        .assert_contains("aria-invalid=\"true\"");
    let count = person::Entity::find().all(app.db.conn()).await.unwrap().len();
    assert_eq!(count, 40, "nothing was saved");
}

#[tokio::test]
async fn likely_duplicates_are_shown_before_saving() {
    let app = TestApp::spawn().await;
    let existing_id = app.person_of("coach@demo.example").await;
    let existing = person::Entity::find_by_id(existing_id).one(app.db.conn()).await.unwrap().unwrap();
    let dob = existing.date_of_birth.unwrap().to_string();
    let mut coach = app.signed_in("coach@demo.example").await;
    let program = new_person_form(&mut coach).await;
    // Same birth date, family name with one letter changed.
    let mut family = existing.legal_family_name.clone();
    family.push('e');
    let fields = person_fields(&existing.legal_given_name, &family, &dob, &program);
    let matches = coach.post("/people", &fields).await;
    matches.assert_status(StatusCode::OK).assert_contains("Possible matches").assert_contains(&existing_id.to_string());
    let before = person::Entity::find().all(app.db.conn()).await.unwrap().len();
    assert_eq!(before, 40);
    // "Create anyway" resubmits the same details with the confirmation.
    let mut confirmed = fields.clone();
    confirmed.push(("confirm_new", "1"));
    coach.post("/people", &confirmed).await.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(person::Entity::find().all(app.db.conn()).await.unwrap().len(), 41);
}

#[tokio::test]
async fn duplicates_on_another_caseload_are_flagged_without_revealing_them() {
    let app = TestApp::spawn().await;
    let theirs = app.person_of("referral@demo.example").await;
    let record = person::Entity::find_by_id(theirs).one(app.db.conn()).await.unwrap().unwrap();
    let mut coach = app.signed_in("coach@demo.example").await;
    let program = new_person_form(&mut coach).await;
    let dob = record.date_of_birth.unwrap().to_string();
    let page = coach
        .post("/people", &person_fields(&record.legal_given_name, &record.legal_family_name, &dob, &program))
        .await;
    page.assert_contains("Possible matches").assert_contains("another caseload").assert_lacks(&theirs.to_string());
}

#[tokio::test]
async fn search_forgives_typos_and_finds_phones_and_record_numbers() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let program = new_person_form(&mut coach).await;
    let mut fields = person_fields("Marisol", "Quintanilla", "1988-02-03", &program);
    fields.push(("phone", "(207) 555-0166"));
    let created = coach.post("/people", &fields).await;
    let id = created.location().trim_start_matches("/people/").to_string();
    for query in ["quintanila", "Quintanillo", "marisol quint", "QUINTANILLA", "555-0166", "5550166"] {
        let found = coach.get(&format!("/people?q={}", query.replace(' ', "+"))).await;
        found.assert_status(StatusCode::OK);
        assert!(found.body.contains(&id), "{query:?} did not find the person");
    }
    let record =
        person::Entity::find_by_id(uuid::Uuid::parse_str(&id).unwrap()).one(app.db.conn()).await.unwrap().unwrap();
    let by_number = coach.get(&format!("/people?q=MS-{:06}", record.record_number)).await;
    assert!(by_number.body.contains(&id));
    let nothing = coach.get("/people?q=zzzzqqq").await;
    nothing.assert_contains("Nobody matched");
    assert!(app.audit_soon_contains("person.search").await);
}

#[tokio::test]
async fn the_second_editor_is_told_the_record_changed_and_loses_nothing() {
    let app = TestApp::spawn().await;
    let id = app.person_of("coach@demo.example").await;
    let mut first = app.signed_in("coach@demo.example").await;
    let mut second = app.signed_in("supervisor@demo.example").await;
    first.get(&format!("/people/{id}/edit")).await;
    second.get(&format!("/people/{id}/edit")).await;
    let record = person::Entity::find_by_id(id).one(app.db.conn()).await.unwrap().unwrap();
    let version = record.version.to_string();
    first
        .post(
            &format!("/people/{id}"),
            &[("legal_given_name", "Avery"), ("legal_family_name", &record.legal_family_name), ("version", &version)],
        )
        .await
        .assert_redirect_to(&format!("/people/{id}"));
    let conflict = second
        .post(
            &format!("/people/{id}"),
            &[
                ("legal_given_name", &record.legal_given_name),
                ("legal_family_name", &record.legal_family_name),
                ("pronouns", "they/them"),
                ("version", &version),
            ],
        )
        .await;
    conflict
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Someone else saved a change")
        .assert_contains("value=\"they/them\"")
        .assert_contains("Avery");
    let saved = person::Entity::find_by_id(id).one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!(saved.legal_given_name, "Avery", "the first save stands");
    // Saving again from the conflict page (which carries the new version) succeeds.
    let new_version = saved.version.to_string();
    second
        .post(
            &format!("/people/{id}"),
            &[
                ("legal_given_name", "Avery"),
                ("legal_family_name", &record.legal_family_name),
                ("pronouns", "they/them"),
                ("version", &new_version),
            ],
        )
        .await
        .assert_redirect_to(&format!("/people/{id}"));
    let after = person::Entity::find_by_id(id).one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!((after.legal_given_name.as_str(), after.pronouns.as_deref()), ("Avery", Some("they/them")));
}

#[tokio::test]
async fn household_members_are_added_checked_and_removed() {
    let app = TestApp::spawn().await;
    let id = app.person_of("coach@demo.example").await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/people/{id}")).await;
    let bad = coach.post(&format!("/people/{id}/household"), &[("name", ""), ("relationship", "daughter")]).await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Enter this information");
    coach
        .post(
            &format!("/people/{id}/household"),
            &[("name", "Tala Brightwater"), ("relationship", "daughter"), ("takes_part", "on")],
        )
        .await
        .assert_redirect_to(&format!("/people/{id}#household"));
    let page = coach.get(&format!("/people/{id}")).await;
    page.assert_contains("Tala Brightwater");
    use mainstay::db::entities::household_member;
    use sea_orm::{ColumnTrait, QueryFilter};
    let member = household_member::Entity::find()
        .filter(household_member::Column::Name.eq("Tala Brightwater"))
        .one(app.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert!(member.takes_part);
    coach
        .post(&format!("/people/{id}/household/{}/remove", member.id), &[])
        .await
        .assert_redirect_to(&format!("/people/{id}#household"));
    coach.get(&format!("/people/{id}")).await.assert_lacks("Tala Brightwater");
}

#[tokio::test]
async fn each_view_is_recorded_and_listed_on_the_record() {
    let app = TestApp::spawn().await;
    let id = app.person_of("coach@demo.example").await;
    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    supervisor.get(&format!("/people/{id}")).await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let page = coach.get(&format!("/people/{id}")).await;
    page.assert_contains("Who has viewed this record")
        .assert_contains("supervisor@demo.example")
        .assert_contains("coach@demo.example");
    let views = app.audit_actions().await.into_iter().filter(|(a, _)| a == "person.view").count();
    assert_eq!(views, 2);
}

#[tokio::test]
async fn a_supervisor_moves_a_person_to_another_coach() {
    let app = TestApp::spawn().await;
    let id = app.person_of("coach@demo.example").await;
    let enrolment =
        mainstay::db::people::enrolments(app.db.conn(), mainstay_org(&app).await, id).await.unwrap().remove(0);
    let referral = mainstay::db::staff::by_email(&app.db, "referral@demo.example").await.unwrap().unwrap();
    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    supervisor.get(&format!("/people/{id}")).await.assert_contains("Change worker");
    supervisor
        .post(
            &format!("/people/{id}/reassign"),
            &[("enrolment_id", &enrolment.id.to_string()), ("worker_id", &referral.id.to_string())],
        )
        .await
        .assert_redirect_to(&format!("/people/{id}"));
    // The person has left the coach's caseload and joined the referral specialist's.
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/people/{id}")).await.assert_status(StatusCode::FORBIDDEN);
    let mut new_worker = app.signed_in("referral@demo.example").await;
    new_worker.get(&format!("/people/{id}")).await.assert_status(StatusCode::OK);
    // Coaches cannot move people.
    let mut other_coach = app.signed_in("coach@demo.example").await;
    other_coach.get("/").await;
    other_coach
        .post(
            &format!("/people/{id}/reassign"),
            &[("enrolment_id", &enrolment.id.to_string()), ("worker_id", &referral.id.to_string())],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

async fn mainstay_org(app: &TestApp) -> uuid::Uuid {
    mainstay::db::org::all(&app.db).await.unwrap()[0].id
}
