//! Coaching through the pages: plans (versions, agreement, review, concurrent edits), contacts
//! (quick log, refusals, drafts, signing and addenda, guardrails), lapses and re-engagement, the
//! worklist and caseload access.

use crate::helpers::{Client, TestApp, first_program, person_fields};
use axum::http::StatusCode;

/// A new person on the coach's caseload, with no coaching history.
async fn new_person(coach: &mut Client, given: &str) -> String {
    let form = coach.get("/people/new").await;
    let program = first_program(&form.body);
    let created = coach.post("/people", &person_fields(given, "Tester", "1990-02-28", &program)).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    created.location().trim_start_matches("/people/").to_string()
}

fn value_of(html: &str, name: &str) -> String {
    let at = html.find(&format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("no {name}")) + name.len() + 15;
    html[at..].split('"').next().expect("value").to_string()
}

async fn start_plan(coach: &mut Client, person: &str) -> String {
    coach.get(&format!("/people/{person}/plans/new")).await.assert_status(StatusCode::OK);
    let created = coach
        .post(
            &format!("/people/{person}/plans/new"),
            &[
                ("why_came", "I want my life back"),
                ("strengths", "Stubborn in a good way"),
                ("unmet_needs", "record-expungement"),
                ("need_record-expungement_note", "Old charge stops job offers"),
                ("goal_0_domain", "housing"),
                ("goal_0_words", "A place of my own by spring"),
                ("goal_0_step_0_what", "Call the housing office"),
                ("goal_0_step_0_who", "Me, with my coach"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    created.location().trim_start_matches("/plans/").to_string()
}

#[tokio::test]
async fn a_plan_is_written_agreed_reviewed_and_compared() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Plania").await;

    // A plan without any goal is refused with a message on the form.
    coach.get(&format!("/people/{person}/plans/new")).await;
    let empty = coach.post(&format!("/people/{person}/plans/new"), &[("strengths", "Kind")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    empty.assert_contains("href=\"#goals\"");

    let plan = start_plan(&mut coach, &person).await;
    let page = coach.get(&format!("/plans/{plan}")).await;
    page.assert_status(StatusCode::OK).assert_contains("A place of my own by spring");
    // A signature needs the name the person signed with.
    let version = value_of(&page.body, "version");
    let refused =
        coach.post(&format!("/plans/{plan}/agreement"), &[("agreement", "signature"), ("version", &version)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let agreed = coach
        .post(
            &format!("/plans/{plan}/agreement"),
            &[("agreement", "signature"), ("signed_name", "Plania Tester"), ("version", &version)],
        )
        .await;
    assert_eq!(agreed.status, StatusCode::SEE_OTHER, "{}", agreed.body);
    // The review falls due 90 days after agreement.
    let today = app.now().date();
    let due = today + time::Duration::days(90);
    coach.get(&format!("/plans/{plan}")).await.assert_contains(&due.to_string());

    // Editing an agreed plan starts its review; the agreed version stays as it was.
    let form = coach.get(&format!("/plans/{plan}/edit")).await;
    let base = value_of(&form.body, "base_version");
    let goal_id = value_of(&form.body, "goal_0_id");
    let saved = coach
        .post(
            &format!("/plans/{plan}/edit"),
            &[
                ("base_version", &base),
                ("why_came", "I want my life back"),
                ("strengths", "Stubborn in a good way, and funny"),
                ("goal_0_id", &goal_id),
                ("goal_0_domain", "housing"),
                ("goal_0_words", "A place of my own by spring"),
                ("goal_0_progress", "in-progress"),
                ("progress_evaluation", "Viewed two flats"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let changes = coach.get(&format!("/plans/{plan}/changes?from=1&to=0")).await;
    changes
        .assert_status(StatusCode::OK)
        .assert_contains("Stubborn in a good way, and funny")
        .assert_contains("in-progress");
    coach.get(&format!("/plans/{plan}?version=1")).await.assert_lacks("and funny");
    let actions = app.audit_actions().await;
    for action in ["person.plan.start", "person.plan.agree", "person.plan.save"] {
        assert!(actions.iter().any(|(a, _)| a == action), "{action} audited");
    }
}

#[tokio::test]
async fn two_coaches_editing_a_plan_keep_each_others_work() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Mergia").await;
    let plan = start_plan(&mut coach, &person).await;
    let form = coach.get(&format!("/plans/{plan}/edit")).await;
    let base = value_of(&form.body, "base_version");
    let goal_id = value_of(&form.body, "goal_0_id");
    let goal = |words: &'static str| vec![("goal_0_domain", "housing"), ("goal_0_words", words)];
    // First save: barriers.
    let mut first =
        vec![("base_version", base.as_str()), ("goal_0_id", goal_id.as_str()), ("strengths", "Stubborn in a good way")];
    first.extend(goal("A place of my own by spring"));
    first.push(("barriers", "No ID yet"));
    first.push(("why_came", "I want my life back"));
    assert_eq!(coach.post(&format!("/plans/{plan}/edit"), &first).await.status, StatusCode::SEE_OTHER);
    // A second edit from the same starting point changes only the strengths: merged, nothing lost.
    let mut second = vec![("base_version", base.as_str()), ("goal_0_id", goal_id.as_str()), ("strengths", "Patient")];
    second.extend(goal("A place of my own by spring"));
    second.push(("why_came", "I want my life back"));
    let merged = coach.post(&format!("/plans/{plan}/edit"), &second).await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", merged.body);
    let page = coach.get(&format!("/plans/{plan}")).await;
    page.assert_contains("No ID yet").assert_contains("Patient");
    // A third edit from the same old base that also changes the barriers is shown as a conflict.
    let mut third =
        vec![("base_version", base.as_str()), ("goal_0_id", goal_id.as_str()), ("strengths", "Stubborn in a good way")];
    third.extend(goal("A place of my own by spring"));
    third.push(("barriers", "Transport"));
    third.push(("why_came", "I want my life back"));
    let conflict = coach.post(&format!("/plans/{plan}/edit"), &third).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    conflict.assert_contains("No ID yet").assert_contains("Transport");
}

#[tokio::test]
async fn a_contact_is_logged_signed_and_corrected_only_by_addenda() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Contacta").await;
    let form = coach.get(&format!("/people/{person}/contacts/new")).await;
    form.assert_status(StatusCode::OK).assert_contains("name=\"minutes\" value=\"30\"");
    let post = |minutes: &'static str, day: &'static str| {
        vec![
            ("occurred_on", day),
            ("minutes", minutes),
            ("mode", "face-to-face"),
            ("setting", "community"),
            ("activities", "coaching"),
            ("note", "Met at the library; talked through the week."),
        ]
    };
    // Zero or negative minutes, and a contact in the future, are refused with messages.
    for (minutes, day) in [("0", ""), ("-10", ""), ("30", "2999-01-01")] {
        let refused = coach.post(&format!("/people/{person}/contacts"), &post(minutes, day)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{minutes} {day}");
        refused.assert_contains("error-message");
    }
    // Saved as a draft, then signed; a signed note cannot be edited.
    let mut draft = post("45", "");
    draft.push(("sign", "draft"));
    let saved = coach.post(&format!("/people/{person}/contacts"), &draft).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let contact_id = {
        use mainstay::db::entities::coaching_contact;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        coaching_contact::Entity::find()
            .filter(coaching_contact::Column::PersonId.eq(uuid::Uuid::parse_str(&person).unwrap()))
            .one(app.db.conn())
            .await
            .unwrap()
            .expect("contact stored")
            .id
    };
    let page = coach.get(&format!("/contacts/{contact_id}")).await;
    let version = value_of(&page.body, "version");
    let signed = coach.post(&format!("/contacts/{contact_id}/sign"), &[("version", &version)]).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    let mut edit = post("50", "");
    edit.push(("version", "2"));
    let refused = coach.post(&format!("/contacts/{contact_id}/edit"), &edit).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let added = coach.post(&format!("/contacts/{contact_id}/addenda"), &[("text", "It was the branch library.")]).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    coach
        .get(&format!("/contacts/{contact_id}"))
        .await
        .assert_contains("Met at the library")
        .assert_contains("It was the branch library.");
    // The person is now contacted; the next contact is due a month on.
    let coaching = coach.get(&format!("/people/{person}/coaching")).await;
    let next = mainstay::domain::coaching::add_one_month(app.now().date());
    coaching.assert_contains(&next.to_string());
}

#[tokio::test]
async fn a_note_that_reads_like_clinical_work_gets_a_kind_warning_and_is_kept() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Warnia").await;
    coach.get(&format!("/people/{person}/contacts/new")).await;
    let saved = coach
        .post(
            &format!("/people/{person}/contacts"),
            &[
                ("minutes", "30"),
                ("mode", "phone"),
                ("setting", "remote"),
                ("activities", "coaching"),
                ("note", "I diagnosed him with depression and told him he should stop seeing his brother."),
                ("sign", "sign"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(saved.location().starts_with("/contacts/"), "shown the note with its warning");
    let page = coach.get(saved.location()).await;
    page.assert_contains("notice-warning").assert_contains("diagnosed him");
}

#[tokio::test]
async fn a_return_to_use_raises_frequency_and_reengagement_is_timed() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Lapsia").await;
    coach.get(&format!("/people/{person}/coaching")).await;
    let yesterday = (app.now().date() - time::Duration::days(2)).to_string();
    let recorded =
        coach.post(&format!("/people/{person}/lapses"), &[("lapse_on", &yesterday), ("raise_frequency", "on")]).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER);
    let page = coach.get(&format!("/people/{person}/coaching")).await;
    page.assert_contains("tag-warning");
    coach.get(&format!("/people/{person}/contacts/new")).await.assert_contains("name=\"reengagement\"");
    let logged = coach
        .post(
            &format!("/people/{person}/contacts"),
            &[
                ("minutes", "20"),
                ("mode", "phone"),
                ("setting", "remote"),
                ("activities", "coaching"),
                ("note", "Checked in after the weekend."),
                ("reengagement", "on"),
                ("sign", "sign"),
            ],
        )
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", logged.body);
    use mainstay::db::entities::lapse;
    use sea_orm::EntityTrait;
    let lapses = lapse::Entity::find().all(app.db.conn()).await.unwrap();
    let mine = lapses.iter().find(|l| l.person_id.to_string() == person).expect("lapse stored");
    assert_eq!(mine.days_to_reengage, Some(2));
}

#[tokio::test]
async fn the_worklist_shows_who_is_due_and_caseloads_are_private() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Duella").await;
    let _ = person;
    // Never contacted: due a month after starting; 40 days on it is overdue and in "no contact in 30 days".
    app.advance(40 * 24 * 3600);
    let page = coach.get("/caseload").await;
    page.assert_status(StatusCode::OK).assert_contains("Duella Tester").assert_contains("tag-danger");
    // Another coach's caseload is refused, and the refusal is audited.
    let supervisor_id = {
        use mainstay::db::entities::staff;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        staff::Entity::find()
            .filter(staff::Column::Email.eq("referral@demo.example"))
            .one(app.db.conn())
            .await
            .unwrap()
            .unwrap()
            .id
    };
    coach.get(&format!("/caseload/{supervisor_id}")).await.assert_status(StatusCode::FORBIDDEN);
    assert!(app.audit_actions().await.iter().any(|(a, o)| a == "access.denied" && o == "denied"));
    // The supervisor sees counts across supervisees.
    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    supervisor.get("/supervision").await.assert_status(StatusCode::OK);
}

#[tokio::test]
async fn the_timeline_lists_the_persons_history_and_filters() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let person = new_person(&mut coach, "Tima").await;
    start_plan(&mut coach, &person).await;
    coach.get(&format!("/people/{person}/coaching")).await;
    coach
        .post(
            &format!("/people/{person}/mutual-aid"),
            &[("fellowship", "smart-recovery"), ("help", "accompanied-first-meeting"), ("attended", "yes")],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let all = coach.get(&format!("/people/{person}/timeline")).await;
    all.assert_status(StatusCode::OK).assert_contains("timeline-plan").assert_contains("timeline-mutual-aid");
    let only_plans = coach.get(&format!("/people/{person}/timeline?kind=plan")).await;
    only_plans.assert_lacks("timeline-item timeline-mutual-aid");
}
