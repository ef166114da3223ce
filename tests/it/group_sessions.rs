//! Group members, attendance, session logs and check-out, through the pages and the API: access,
//! capacity rules, closed and open groups, refusals for cancelled and far-future sessions,
//! "everyone present" then exceptions, attendance as a coaching contact, concurrent saves, the
//! log's leadership, and feedback from the facilitator and from members' own phones.
//! The clock is the harness's fixed one (2026-11-18, about 06:00 in America/New_York).

use crate::helpers::{Client, TestApp, first_program, person_fields};
use axum::http::{Method, StatusCode};
use mainstay::db::entities::{
    coaching_contact, coaching_status, curriculum_version, group_attendance, group_facilitator, group_schedule,
    group_session, person, staff, staff_program, support_group,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

const FACILITATOR: &str = "facilitator@demo.example";

struct Group {
    id: Uuid,
    org_id: Uuid,
}

async fn staff_of(app: &TestApp, email: &str) -> staff::Model {
    staff::Entity::find()
        .filter(staff::Column::Email.eq(email))
        .one(app.db.conn())
        .await
        .unwrap()
        .expect("demo account")
}

/// A weekly group led by the demo facilitator, every Wednesday at 09:00 from 2026-10-07.
async fn make_group(app: &TestApp, name: &str, membership: &str, capacity: Option<i32>, rule: &str) -> Group {
    let facilitator = staff_of(app, FACILITATOR).await;
    let program = staff_program::Entity::find()
        .filter(staff_program::Column::StaffId.eq(facilitator.id))
        .one(app.db.conn())
        .await
        .unwrap()
        .expect("facilitator works in a program")
        .program_id;
    let now = app.now();
    let id = Uuid::new_v4();
    let org_id = facilitator.org_id;
    support_group::Entity::insert(support_group::ActiveModel {
        id: Set(id),
        org_id: Set(org_id),
        program_id: Set(program),
        name: Set(name.into()),
        kind: Set("support".into()),
        focus_areas: Set("transitions".into()),
        audience: Set("individuals".into()),
        description: Set(None),
        membership: Set(membership.into()),
        capacity: Set(capacity),
        capacity_rule: Set(rule.into()),
        language: Set("en".into()),
        site_id: Set(None),
        room: Set(Some("Room 2".into())),
        online_link: Set(None),
        peer_led: Set(false),
        listed_publicly: Set(false),
        curriculum_id: Set(None),
        curriculum_version: Set(None),
        status: Set("active".into()),
        feed_token: Set(Uuid::new_v4().simple().to_string()),
        created_by: Set(facilitator.id),
        updated_by: Set(facilitator.id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(app.db.conn())
    .await
    .unwrap();
    group_facilitator::Entity::insert(group_facilitator::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id),
        group_id: Set(id),
        staff_id: Set(Some(facilitator.id)),
        volunteer_name: Set(None),
        role: Set("lead".into()),
        added_by: Set(facilitator.id),
        added_at: Set(now),
    })
    .exec_without_returning(app.db.conn())
    .await
    .unwrap();
    group_schedule::Entity::insert(group_schedule::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id),
        group_id: Set(id),
        rrule: Set(Some("FREQ=WEEKLY".into())),
        starts_on: Set(time::macros::date!(2026 - 10 - 07)),
        start_time: Set("09:00".into()),
        minutes: Set(90),
        ends_on: Set(None),
        room: Set(Some("Room 2".into())),
        active: Set(true),
        created_by: Set(facilitator.id),
        updated_by: Set(facilitator.id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(app.db.conn())
    .await
    .unwrap();
    Group { id, org_id }
}

/// Makes the group follow a three-session curriculum (its sessions read as the curricula helper stores them).
async fn follow_curriculum(app: &TestApp, group: &Group) {
    let curriculum_id = Uuid::new_v4();
    let facilitator = staff_of(app, FACILITATOR).await;
    let sessions = json!([
        { "number": 1, "topic": "Naming strengths" },
        { "number": 2, "topic": "Boundaries" },
        { "number": 3, "topic": "Planning ahead" },
    ]);
    curriculum_version::Entity::insert(curriculum_version::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(group.org_id),
        curriculum_id: Set(curriculum_id),
        number: Set(1),
        title: Set("Strengths first".into()),
        summary: Set(None),
        audience: Set(None),
        sessions: Set(sessions.to_string()),
        change_note: Set(None),
        created_by: Set(facilitator.id),
        created_at: Set(app.now()),
    })
    .exec_without_returning(app.db.conn())
    .await
    .unwrap();
    support_group::Entity::update_many()
        .col_expr(support_group::Column::CurriculumId, Expr::value(curriculum_id))
        .col_expr(support_group::Column::CurriculumVersion, Expr::value(1))
        .filter(support_group::Column::Id.eq(group.id))
        .exec(app.db.conn())
        .await
        .unwrap();
}

/// The occurrence `weeks` from this week's (0 = today's session, -1 = last week's), as
/// (schedule id, Unix start).
async fn occurrence(app: &TestApp, group: &Group, weeks: i64) -> (Uuid, i64) {
    let from = app.now() - time::Duration::days(60);
    let to = app.now() + time::Duration::days(60);
    let slots = mainstay::groups::slots(app.db.conn(), group.org_id, Some(&[group.id]), "America/New_York", from, to)
        .await
        .unwrap();
    let today = app.now().date();
    let this_week = slots.iter().position(|s| s.starts_at.date() >= today).expect("a session this week");
    let slot = &slots[(this_week as i64 + weeks) as usize];
    (slot.schedule_id.unwrap(), slot.occurrence_start.unwrap().unix_timestamp())
}

/// Opens an occurrence as someone who runs the group: the session is stored and its page's path returned.
async fn open_session(client: &mut Client, app: &TestApp, group: &Group, weeks: i64) -> String {
    let (schedule, start) = occurrence(app, group, weeks).await;
    let opened = client.get(&format!("/groups/{}/occurrences/{schedule}/{start}", group.id)).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    opened.location().to_string()
}

fn session_id(path: &str) -> Uuid {
    Uuid::parse_str(path.rsplit('/').next().unwrap()).unwrap()
}

fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {name}")) + marker.len();
    html[at..].split('"').next().unwrap().to_string()
}

/// A new person on the client's caseload (created through the pages).
async fn new_person(client: &mut Client, given: &str) -> Uuid {
    let form = client.get("/people/new").await;
    let program = first_program(&form.body);
    // Different birth dates keep the duplicate check quiet.
    let c = given.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    let dob = format!("19{}-{:02}-{:02}", 60 + c % 30, c % 12 + 1, c % 27 + 1);
    let created = client.post("/people", &person_fields(given, "Grouptest", &dob, &program)).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    Uuid::parse_str(created.location().trim_start_matches("/people/")).unwrap()
}

async fn record_number(app: &TestApp, person: Uuid) -> String {
    let p = person::Entity::find_by_id(person).one(app.db.conn()).await.unwrap().unwrap();
    format!("MS-{:06}", p.record_number)
}

async fn enrol(client: &mut Client, app: &TestApp, group: &Group, person: Uuid) {
    let number = record_number(app, person).await;
    client.get(&format!("/groups/{}/members", group.id)).await.assert_status(StatusCode::OK);
    // Members since October, so last week's session lists them.
    let done = client
        .post(&format!("/groups/{}/members", group.id), &[("record_number", &number), ("joined_on", "2026-10-01")])
        .await;
    done.assert_redirect_to(&format!("/groups/{}/members", group.id));
}

async fn group_contacts(app: &TestApp, person: Uuid) -> Vec<coaching_contact::Model> {
    coaching_contact::Entity::find()
        .filter(coaching_contact::Column::PersonId.eq(person))
        .filter(coaching_contact::Column::GroupSessionId.is_not_null())
        .all(app.db.conn())
        .await
        .unwrap()
}

async fn status_of(app: &TestApp, person: Uuid) -> Option<coaching_status::Model> {
    coaching_status::Entity::find()
        .filter(coaching_status::Column::PersonId.eq(person))
        .one(app.db.conn())
        .await
        .unwrap()
}

async fn cancel(app: &TestApp, session: Uuid) {
    group_session::Entity::update_many()
        .col_expr(group_session::Column::Status, Expr::value("cancelled"))
        .filter(group_session::Column::Id.eq(session))
        .exec(app.db.conn())
        .await
        .unwrap();
}

async fn count_action(app: &TestApp, action: &str) -> usize {
    app.audit_actions().await.iter().filter(|(a, _)| a == action).count()
}

#[tokio::test]
async fn members_are_enrolled_only_by_those_who_may_work_with_them() {
    let app = TestApp::spawn().await;
    let group = make_group(&app, "Tuesday Circle", "closed", None, "warn").await;
    let mut facilitator = app.signed_in(FACILITATOR).await;
    let mine = new_person(&mut facilitator, "Ada").await;
    enrol(&mut facilitator, &app, &group, mine).await;
    assert_eq!(count_action(&app, "group.member.enrol").await, 1);
    let page = facilitator.get(&format!("/groups/{}/members", group.id)).await;
    page.assert_status(StatusCode::OK).assert_contains("Ada Grouptest").assert_contains("No sessions held yet");
    assert!(app.audit_soon_contains("group.members.list").await);

    // Or picked from a search of the people the facilitator works with.
    let picked = new_person(&mut facilitator, "Abe").await;
    let found = facilitator.get(&format!("/groups/{}/members?q=Abe", group.id)).await;
    found.assert_contains("Abe Grouptest").assert_contains(&format!("name=\"person_id\" value=\"{picked}\""));
    let done = facilitator.post(&format!("/groups/{}/members", group.id), &[("person_id", &picked.to_string())]).await;
    done.assert_redirect_to(&format!("/groups/{}/members", group.id));
    assert!(app.audit_soon_contains("person.search").await);

    // Enrolling the same person again is refused with a message.
    let number = record_number(&app, mine).await;
    let again = facilitator.post(&format!("/groups/{}/members", group.id), &[("record_number", &number)]).await;
    again.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("already a member");
    let unknown = facilitator.post(&format!("/groups/{}/members", group.id), &[("record_number", "MS-999999")]).await;
    unknown.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("No record has this number");

    // Someone on another coach's caseload cannot be enrolled by the facilitator; the refusal is recorded.
    let theirs = app.person_of("coach@demo.example").await;
    let number = record_number(&app, theirs).await;
    let denied = facilitator.post(&format!("/groups/{}/members", group.id), &[("record_number", &number)]).await;
    denied.assert_status(StatusCode::FORBIDDEN).assert_contains("only add people you work with");
    assert!(app.audit_actions().await.iter().any(|(a, o)| a == "access.denied" && o == "denied"));

    // A coach who neither runs nor oversees the group sees no roster.
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/groups/{}/members", group.id)).await.assert_status(StatusCode::FORBIDDEN);
    // The quality lead reads the roster but has no enrol form.
    let mut quality = app.signed_in("quality@demo.example").await;
    quality
        .get(&format!("/groups/{}/members", group.id))
        .await
        .assert_status(StatusCode::OK)
        .assert_lacks("Enrol someone");

    // Leaving, then re-joining.
    let page = facilitator.get(&format!("/groups/{}/members", group.id)).await;
    let version = value_of(&page.body, "version");
    let left = facilitator
        .post(
            &format!("/groups/{}/members/{mine}/leave", group.id),
            &[("left_on", "2026-11-17"), ("version", &version)],
        )
        .await;
    left.assert_redirect_to(&format!("/groups/{}/members", group.id));
    facilitator
        .get(&format!("/groups/{}/members", group.id))
        .await
        .assert_contains("2026-11-17")
        .assert_contains("Re-join");
    let rejoined = facilitator.post(&format!("/groups/{}/members/{mine}/rejoin", group.id), &[]).await;
    rejoined.assert_redirect_to(&format!("/groups/{}/members", group.id));
    let page = facilitator.get(&format!("/groups/{}/members", group.id)).await;
    page.assert_contains("Nobody has left the group");
}

#[tokio::test]
async fn a_full_group_warns_or_refuses_by_its_rule() {
    let app = TestApp::spawn().await;
    let warn = make_group(&app, "Warned", "closed", Some(1), "warn").await;
    let refuse = make_group(&app, "Refused", "closed", Some(1), "refuse").await;
    let mut facilitator = app.signed_in(FACILITATOR).await;
    let a = new_person(&mut facilitator, "Bea").await;
    let b = new_person(&mut facilitator, "Cal").await;
    enrol(&mut facilitator, &app, &warn, a).await;
    enrol(&mut facilitator, &app, &refuse, a).await;

    let number = record_number(&app, b).await;
    facilitator.get(&format!("/groups/{}/members", warn.id)).await;
    let asked = facilitator.post(&format!("/groups/{}/members", warn.id), &[("record_number", &number)]).await;
    asked
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Enrol anyway")
        .assert_contains("group is full");
    let confirmed = facilitator
        .post(&format!("/groups/{}/members", warn.id), &[("record_number", &number), ("confirm_capacity", "on")])
        .await;
    confirmed.assert_redirect_to(&format!("/groups/{}/members", warn.id));

    let refused = facilitator
        .post(&format!("/groups/{}/members", refuse.id), &[("record_number", &number), ("confirm_capacity", "on")])
        .await;
    refused
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("does not take more members")
        .assert_lacks("Enrol anyway");

    // The API says the same with 422s.
    let token = facilitator.create_token("groups").await;
    let body = json!({ "person_id": b });
    let api = facilitator.api(Method::POST, &format!("/api/v1/groups/{}/members", refuse.id), &token, Some(body)).await;
    api.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(api.json()["errors"][0]["code"], "error-members-group-full");
}

#[tokio::test]
async fn closed_groups_take_no_drop_ins_or_head_counts_and_open_groups_do() {
    let app = TestApp::spawn().await;
    let closed = make_group(&app, "Closed circle", "closed", None, "warn").await;
    let open = make_group(&app, "Open circle", "open", None, "warn").await;
    let mut facilitator = app.signed_in(FACILITATOR).await;
    let member = new_person(&mut facilitator, "Dee").await;
    let visitor = new_person(&mut facilitator, "Eli").await;
    enrol(&mut facilitator, &app, &closed, member).await;
    let visitor_number = record_number(&app, visitor).await;

    let path = open_session(&mut facilitator, &app, &closed, -1).await;
    let page = facilitator.get(&path).await;
    page.assert_status(StatusCode::OK).assert_contains("Dee Grouptest").assert_lacks("name=\"drop_in\"");
    let version = value_of(&page.body, "version");
    let drop_in =
        facilitator.post(&format!("{path}/attendance"), &[("version", &version), ("drop_in", &visitor_number)]).await;
    drop_in.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("only its members can be marked present");
    let count =
        facilitator.post(&format!("{path}/attendance"), &[("version", &version), ("anonymous_count", "3")]).await;
    count.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("no count of people without a name");

    let path = open_session(&mut facilitator, &app, &open, -1).await;
    let page = facilitator.get(&path).await;
    let version = value_of(&page.body, "version");
    let saved = facilitator
        .post(
            &format!("{path}/attendance"),
            &[("version", &version), ("drop_in", &visitor_number), ("anonymous_count", "4")],
        )
        .await;
    saved.assert_redirect_to(&path);
    let page = facilitator.get(&path).await;
    page.assert_contains("Eli Grouptest").assert_contains("Drop-in").assert_contains("Came without giving a name: 4");
    let row = group_attendance::Entity::find()
        .filter(group_attendance::Column::PersonId.eq(visitor))
        .one(app.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert!(row.drop_in);
    assert_eq!(row.status, "present");
    let session = group_session::Entity::find_by_id(session_id(&path)).one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!((session.status.as_str(), session.anonymous_count), ("held", 4));

    // Someone the facilitator does not work with cannot be added as a drop-in.
    let stranger = record_number(&app, app.person_of("coach@demo.example").await).await;
    let version = value_of(&page.body, "version");
    let denied =
        facilitator.post(&format!("{path}/attendance"), &[("version", &version), ("drop_in", &stranger)]).await;
    denied.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn attendance_is_refused_for_cancelled_and_far_future_sessions() {
    let app = TestApp::spawn().await;
    let group = make_group(&app, "Refusals", "closed", None, "warn").await;
    let mut facilitator = app.signed_in(FACILITATOR).await;
    let member = new_person(&mut facilitator, "Fay").await;
    enrol(&mut facilitator, &app, &group, member).await;

    let path = open_session(&mut facilitator, &app, &group, -1).await;
    let version = value_of(&facilitator.get(&path).await.body, "version");
    cancel(&app, session_id(&path)).await;
    let page = facilitator.get(&path).await;
    page.assert_contains("This session is cancelled")
        .assert_contains(&format!("{path}/change"))
        .assert_lacks("Everyone present");
    let refused = facilitator
        .post(&format!("{path}/attendance"), &[("version", &version), (&format!("status-{member}"), "present")])
        .await;
    refused
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("attendance, a log or check-out answers cannot be recorded");
    let log = facilitator.post(&format!("{path}/log"), &[("version", &version), ("topics_covered", "Anything")]).await;
    log.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let marks = group_attendance::Entity::find()
        .filter(group_attendance::Column::SessionId.eq(session_id(&path)))
        .count(app.db.conn())
        .await
        .unwrap();
    assert_eq!(marks, 0);

    // Today's session (later this morning) may be taken; next week's may not.
    let today = open_session(&mut facilitator, &app, &group, 0).await;
    facilitator.get(&today).await.assert_contains("Everyone present");
    let next_week = open_session(&mut facilitator, &app, &group, 1).await;
    let page = facilitator.get(&next_week).await;
    page.assert_contains("more than a day away").assert_lacks("Save attendance");
    let early = facilitator
        .post(&format!("{next_week}/attendance"), &[("version", "1"), (&format!("status-{member}"), "present")])
        .await;
    early.assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    // The quality lead may read a session but opening an occurrence stores nothing for them.
    let stored = group_session::Entity::find().count(app.db.conn()).await.unwrap();
    let (schedule, start) = occurrence(&app, &group, -3).await;
    let mut quality = app.signed_in("quality@demo.example").await;
    let preview = quality.get(&format!("/groups/{}/occurrences/{schedule}/{start}", group.id)).await;
    preview.assert_status(StatusCode::OK).assert_contains("Nothing has been recorded").assert_lacks("Save attendance");
    assert_eq!(group_session::Entity::find().count(app.db.conn()).await.unwrap(), stored);
    // A start the schedule never produces is not a session.
    facilitator
        .get(&format!("/groups/{}/occurrences/{schedule}/{}", group.id, start + 60))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn everyone_present_then_exceptions_and_attendance_counts_as_a_contact() {
    let app = TestApp::spawn().await;
    let group = make_group(&app, "Wednesday Wellness", "closed", None, "warn").await;
    let mut facilitator = app.signed_in(FACILITATOR).await;
    let coached = new_person(&mut facilitator, "Gus").await;
    let other = new_person(&mut facilitator, "Hal").await;
    // Gus is in coaching (weekly contact); Hal is not.
    facilitator.get(&format!("/people/{coached}/coaching")).await;
    let profile = facilitator
        .post(&format!("/people/{coached}/coaching/profile"), &[("frequency", "weekly"), ("version", "0")])
        .await;
    assert_eq!(profile.status, StatusCode::SEE_OTHER, "{}", profile.body);
    enrol(&mut facilitator, &app, &group, coached).await;
    enrol(&mut facilitator, &app, &group, other).await;

    let path = open_session(&mut facilitator, &app, &group, -1).await;
    let sid = session_id(&path);
    let page = facilitator.get(&path).await;
    let version = value_of(&page.body, "version");
    let everyone =
        facilitator.post(&format!("{path}/attendance"), &[("version", &version), ("everyone", "present")]).await;
    everyone.assert_redirect_to(&path);
    let page = facilitator.get(&path).await;
    page.assert_contains("Present: 2");

    // One signed contact for the person in coaching, dated at the session, for its length.
    let contacts = group_contacts(&app, coached).await;
    assert_eq!(contacts.len(), 1);
    let session = group_session::Entity::find_by_id(sid).one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!(session.status, "held");
    let contact = &contacts[0];
    assert_eq!((contact.occurred_at, contact.minutes), (session.starts_at, 90));
    assert_eq!((contact.mode.as_str(), contact.setting.as_str()), ("face-to-face", "community"));
    assert_eq!((contact.activities.as_str(), contact.status.as_str()), ("recovery-community", "signed"));
    assert_eq!(contact.note, "Attended group session: Wednesday Wellness");
    assert_eq!(contact.group_session_id, Some(sid));
    assert!(group_contacts(&app, other).await.is_empty(), "not in coaching: no contact");
    let status = status_of(&app, coached).await.unwrap();
    assert_eq!(status.last_contact_at, Some(session.starts_at));
    let day = mainstay::app::local_date("America/New_York", session.starts_at);
    assert_eq!(status.contact_due_on, Some(day + time::Duration::days(7)));
    let row = group_attendance::Entity::find()
        .filter(group_attendance::Column::PersonId.eq(coached))
        .one(app.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.contact_id, Some(contact.id));

    // Saving the same marks again adds no second contact; the exception (Hal absent) is recorded.
    let version = value_of(&page.body, "version");
    let exception = facilitator
        .post(
            &format!("{path}/attendance"),
            &[("version", &version), (&format!("status-{coached}"), "present"), (&format!("status-{other}"), "absent")],
        )
        .await;
    exception.assert_redirect_to(&path);
    assert_eq!(group_contacts(&app, coached).await.len(), 1);
    facilitator.get(&path).await.assert_contains("Present: 1");

    // Correcting Gus to absent removes the automatic contact and his last contact with it.
    let page = facilitator.get(&path).await;
    let version = value_of(&page.body, "version");
    let corrected = facilitator
        .post(&format!("{path}/attendance"), &[("version", &version), (&format!("status-{coached}"), "absent")])
        .await;
    corrected.assert_redirect_to(&path);
    assert!(group_contacts(&app, coached).await.is_empty());
    let status = status_of(&app, coached).await.unwrap();
    assert_eq!((status.last_contact_at, status.contact_due_on), (None, None));
    let session = group_session::Entity::find_by_id(sid).one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!(session.status, "scheduled", "nobody present and no log: not held");

    // Every mark written is audited against the person.
    assert_eq!(count_action(&app, "group.attendance").await, 4);
    assert!(app.audit_soon_contains("group.attendance.view").await);
}

#[tokio::test]
async fn a_stale_save_gets_a_conflict_showing_both() {
    let app = TestApp::spawn().await;
    let group = make_group(&app, "Two facilitators", "closed", None, "warn").await;
    let mut facilitator = app.signed_in(FACILITATOR).await;
    let member = new_person(&mut facilitator, "Ivy").await;
    enrol(&mut facilitator, &app, &group, member).await;
    let path = open_session(&mut facilitator, &app, &group, -1).await;

    // The supervisor of the facilitator also runs the group.
    let mut supervisor = app.signed_in("supervisor@demo.example").await;
    let page = supervisor.get(&path).await;
    page.assert_status(StatusCode::OK);
    let stale = value_of(&page.body, "version");
    let page = facilitator.get(&path).await;
    let version = value_of(&page.body, "version");
    facilitator
        .post(&format!("{path}/attendance"), &[("version", &version), (&format!("status-{member}"), "present")])
        .await
        .assert_redirect_to(&path);
    let late = supervisor
        .post(&format!("{path}/attendance"), &[("version", &stale), (&format!("status-{member}"), "excused")])
        .await;
    late.assert_status(StatusCode::CONFLICT)
        .assert_contains("Someone else saved attendance first")
        .assert_contains("Yours");
    let row = group_attendance::Entity::find()
        .filter(group_attendance::Column::SessionId.eq(session_id(&path)))
        .one(app.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "present", "the earlier save stands");

    // The API answers a stale version with 409 too.
    let token = supervisor.create_token("sessions").await;
    let sid = session_id(&path);
    let body = json!({ "attendance": [{ "person_id": member, "status": "absent" }], "version": stale.parse::<i32>().unwrap() });
    let api = supervisor
        .api(Method::PUT, &format!("/api/v1/groups/{}/sessions/{sid}/attendance", group.id), &token, Some(body))
        .await;
    api.assert_status(StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_session_log_needs_topics_and_records_leadership() {
    let app = TestApp::spawn().await;
    let group = make_group(&app, "Logged group", "closed", None, "warn").await;
    follow_curriculum(&app, &group).await;
    let mut facilitator = app.signed_in(FACILITATOR).await;
    let came = new_person(&mut facilitator, "Jo").await;
    let missed = new_person(&mut facilitator, "Kit").await;
    enrol(&mut facilitator, &app, &group, came).await;
    enrol(&mut facilitator, &app, &group, missed).await;
    let path = open_session(&mut facilitator, &app, &group, -1).await;
    let page = facilitator.get(&path).await;
    let version = value_of(&page.body, "version");
    facilitator
        .post(
            &format!("{path}/attendance"),
            &[("version", &version), (&format!("status-{came}"), "present"), (&format!("status-{missed}"), "absent")],
        )
        .await
        .assert_redirect_to(&path);

    // The curriculum's first session is planned (none held before it) and offered in the log.
    facilitator.get(&path).await.assert_contains("Session 1 of 3: Naming strengths");
    let form = facilitator.get(&format!("{path}/log")).await;
    form.assert_status(StatusCode::OK).assert_contains("Jo Grouptest").assert_lacks("Kit Grouptest");
    assert_eq!(value_of(&form.body, "curriculum_session"), "1");
    let version = value_of(&form.body, "version");
    let beyond = facilitator
        .post(
            &format!("{path}/log"),
            &[("version", &version), ("topics_covered", "Strengths"), ("curriculum_session", "4")],
        )
        .await;
    beyond.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("from 1 to 3");
    let empty = facilitator.post(&format!("{path}/log"), &[("version", &version), ("topics_covered", "  ")]).await;
    empty.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("href=\"#topics_covered\"");
    let not_present = facilitator
        .post(
            &format!("{path}/log"),
            &[("version", &version), ("topics_covered", "Boundaries"), (&format!("leadership-{missed}"), "setting-up")],
        )
        .await;
    not_present
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("only be recorded for members marked present");
    let saved = facilitator
        .post(
            &format!("{path}/log"),
            &[
                ("version", &version),
                ("topics_covered", "Boundaries with family"),
                ("curriculum_session", "2"),
                ("progress", "More members speaking up"),
                ("adaptations", "Shorter check-in for a member who works late"),
                ("activities_offered", "Walking group on Saturday"),
                ("opportunities", "sharing-experience"),
                ("opportunities", "leadership"),
                ("safety_concerns", ""),
                ("present", &came.to_string()),
                (&format!("leadership-{came}"), "welcoming-newcomers"),
                (&format!("leadership-{came}"), "co-facilitating"),
            ],
        )
        .await;
    saved.assert_redirect_to(&path);
    let page = facilitator.get(&path).await;
    page.assert_contains("Boundaries with family").assert_contains("Walking group on Saturday");
    let session = group_session::Entity::find_by_id(session_id(&path)).one(app.db.conn()).await.unwrap().unwrap();
    assert_eq!(session.status, "held");
    assert!(session.logged_at.is_some() && session.logged_by.is_some());
    assert_eq!(session.opportunities.as_deref(), Some("sharing-experience;leadership"));
    assert_eq!((session.curriculum_session, session.topic.as_deref()), (Some(2), Some("Boundaries")));
    let row = group_attendance::Entity::find()
        .filter(group_attendance::Column::PersonId.eq(came))
        .one(app.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.leadership.as_deref(), Some("welcoming-newcomers;co-facilitating"));
    assert_eq!(count_action(&app, "group.session.log").await, 1);
    assert_eq!(count_action(&app, "group.attendance.leadership").await, 1);
    // A log saved from an old version is not written over the new one.
    let stale = facilitator.post(&format!("{path}/log"), &[("version", &version), ("topics_covered", "Other")]).await;
    stale.assert_status(StatusCode::CONFLICT).assert_contains("Boundaries with family");
}

#[tokio::test]
async fn check_out_is_recorded_by_the_facilitator_or_on_members_phones() {
    let app = TestApp::spawn().await;
    let group = make_group(&app, "Check-out group", "open", None, "warn").await;
    let mut facilitator = app.signed_in(FACILITATOR).await;
    let member = new_person(&mut facilitator, "Lou").await;
    enrol(&mut facilitator, &app, &group, member).await;
    // Today's session (later this morning): check-out can be prepared before it starts.
    let path = open_session(&mut facilitator, &app, &group, 0).await;

    facilitator.get(&format!("{path}/feedback")).await.assert_status(StatusCode::OK);
    let empty = facilitator.post(&format!("{path}/feedback"), &[("person_id", "")]).await;
    empty.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Answer at least one question");
    let recorded = facilitator
        .post(
            &format!("{path}/feedback"),
            &[("person_id", &member.to_string()), ("felt_safe", "5"), ("useful", "4"), ("comment", "Good pace")],
        )
        .await;
    recorded.assert_redirect_to(&format!("{path}/feedback"));

    // The phone link: opened once, then the same.
    facilitator.post(&format!("{path}/checkout"), &[]).await.assert_redirect_to(&format!("{path}/feedback#checkout"));
    let page = facilitator.get(&format!("{path}/feedback")).await;
    page.assert_contains("<svg");
    let url = page.token_box();
    let public_path = url[url.find("/checkout/").unwrap()..].to_string();
    let token = public_path.rsplit('/').next().unwrap().to_string();
    assert_eq!(token.len(), 32);

    // A member's phone, not signed in, sees the group's name and nothing about anyone.
    let mut phone = app.client();
    let form = phone.get(&public_path).await;
    form.assert_status(StatusCode::OK).assert_contains("Check-out group").assert_lacks("Lou Grouptest");
    let bad = phone.post(&public_path, &[("felt_safe", "9")]).await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let sent = phone.post(&public_path, &[("felt_safe", "3"), ("useful", "2"), ("comment", "Too loud")]).await;
    sent.assert_redirect_to(&format!("{public_path}/thanks"));
    phone.get(&format!("{public_path}/thanks")).await.assert_status(StatusCode::OK).assert_contains("Thank you");
    phone.get(&public_path.replace(&token, &"x".repeat(32))).await.assert_status(StatusCode::NOT_FOUND);

    // The session page sums it up for those who see the roster.
    let page = facilitator.get(&path).await;
    page.assert_contains("1 on their own phone")
        .assert_contains("4.0 / 5")
        .assert_contains("Too loud")
        .assert_contains("Good pace");

    // A day after the session ended the link closes.
    let session = group_session::Entity::find_by_id(session_id(&path)).one(app.db.conn()).await.unwrap().unwrap();
    let closes = session.ends_at + time::Duration::hours(24);
    app.advance((closes - app.now()).whole_seconds() + 60);
    assert!(app.now() > closes);
    phone.get(&public_path).await.assert_status(StatusCode::GONE).assert_contains("closed");
    let late = phone.post(&public_path, &[("felt_safe", "4")]).await;
    late.assert_status(StatusCode::GONE);
    let answers = mainstay::db::entities::group_feedback::Entity::find()
        .filter(mainstay::db::entities::group_feedback::Column::SessionId.eq(session.id))
        .count(app.db.conn())
        .await
        .unwrap();
    assert_eq!(answers, 2);
}

fn error_codes(response: &Value) -> Vec<String> {
    response["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn the_api_lists_enrols_takes_attendance_logs_and_collects_feedback() {
    let app = TestApp::spawn().await;
    let group = make_group(&app, "API group", "closed", None, "warn").await;
    let mut facilitator = app.signed_in(FACILITATOR).await;
    let person = new_person(&mut facilitator, "Max").await;
    facilitator.get(&format!("/people/{person}/coaching")).await;
    facilitator
        .post(&format!("/people/{person}/coaching/profile"), &[("frequency", "fortnightly"), ("version", "0")])
        .await;
    let token = facilitator.create_token("groups").await;
    let base = format!("/api/v1/groups/{}", group.id);

    let body = json!({ "person_id": person, "joined_on": "2026-10-01" });
    let enrolled = facilitator.api(Method::POST, &format!("{base}/members"), &token, Some(body)).await;
    enrolled.assert_status(StatusCode::CREATED);
    assert_eq!(enrolled.json()["status"], "active");
    let members = facilitator.api(Method::GET, &format!("{base}/members"), &token, None).await;
    members.assert_status(StatusCode::OK);
    assert_eq!(members.json()["active"][0]["name"], "Max Grouptest");

    let (schedule, start) = occurrence(&app, &group, -1).await;
    let opened = facilitator.api(Method::POST, &format!("{base}/occurrences/{schedule}/{start}"), &token, None).await;
    opened.assert_status(StatusCode::OK);
    let session = opened.json();
    let sid = session["id"].as_str().unwrap().to_string();
    let version = session["version"].as_i64().unwrap();

    // A closed group takes no head count.
    let counted = facilitator
        .api(
            Method::PUT,
            &format!("{base}/sessions/{sid}/attendance"),
            &token,
            Some(json!({ "attendance": [], "anonymous_count": 2, "version": version })),
        )
        .await;
    counted.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_codes(&counted.json()), vec!["error-attendance-anonymous-closed"]);

    let saved = facilitator
        .api(
            Method::PUT,
            &format!("{base}/sessions/{sid}/attendance"),
            &token,
            Some(json!({ "attendance": [{ "person_id": person, "status": "present" }], "version": version })),
        )
        .await;
    saved.assert_status(StatusCode::OK);
    let body = saved.json();
    assert_eq!(body["status"], "held");
    assert_eq!(body["attendance"][0]["status"], "present");
    assert!(body["attendance"][0]["contact_id"].is_string());
    let version = body["version"].as_i64().unwrap();

    let log = facilitator
        .api(
            Method::PUT,
            &format!("{base}/sessions/{sid}/log"),
            &token,
            Some(json!({
                "topics_covered": "Sleep and stress", "opportunities": ["building-relationships"],
                "leadership": [{ "person_id": person, "roles": ["sharing-story"] }], "version": version,
            })),
        )
        .await;
    log.assert_status(StatusCode::OK);
    let body = log.json();
    assert_eq!(body["log"]["topics_covered"], "Sleep and stress");
    assert_eq!(body["attendance"][0]["leadership"][0], "sharing-story");
    let missing = facilitator
        .api(Method::PUT, &format!("{base}/sessions/{sid}/log"), &token, Some(json!({ "version": body["version"] })))
        .await;
    missing.assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    let feedback = facilitator
        .api(
            Method::POST,
            &format!("{base}/sessions/{sid}/feedback"),
            &token,
            Some(json!({ "felt_safe": 4, "useful": 5 })),
        )
        .await;
    feedback.assert_status(StatusCode::CREATED);
    assert_eq!(feedback.json()["source"], "facilitator");
    // Last week's check-out has closed; today's can be opened, once.
    let late = facilitator.api(Method::POST, &format!("{base}/sessions/{sid}/checkout"), &token, None).await;
    late.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_codes(&late.json()), vec!["error-attendance-checkout-too-late"]);
    let (schedule, start) = occurrence(&app, &group, 0).await;
    let today = facilitator.api(Method::POST, &format!("{base}/occurrences/{schedule}/{start}"), &token, None).await;
    let today_id = today.json()["id"].as_str().unwrap().to_string();
    let checkout = facilitator.api(Method::POST, &format!("{base}/sessions/{today_id}/checkout"), &token, None).await;
    checkout.assert_status(StatusCode::OK);
    assert!(checkout.json()["path"].as_str().unwrap().ends_with(checkout.json()["token"].as_str().unwrap()));
    let again = facilitator.api(Method::POST, &format!("{base}/sessions/{today_id}/checkout"), &token, None).await;
    assert_eq!(checkout.json()["token"], again.json()["token"]);
    let fetched = facilitator.api(Method::GET, &format!("{base}/sessions/{sid}"), &token, None).await;
    let body = fetched.json();
    assert_eq!(body["feedback"]["answers"], 1);
    assert_eq!(body["checkout_open"], false);

    // The person's coaching shows the group session as their last contact.
    let coaching = facilitator.api(Method::GET, &format!("/api/v1/people/{person}/coaching"), &token, None).await;
    assert_eq!(coaching.json()["last_contact_at"], body["starts_at"]);

    // Someone who does not run the group is refused.
    let mut coach = app.signed_in("coach@demo.example").await;
    let coach_token = coach.create_token("groups").await;
    coach
        .api(Method::GET, &format!("{base}/sessions/{sid}"), &coach_token, None)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    coach
        .api(
            Method::PUT,
            &format!("{base}/sessions/{sid}/attendance"),
            &coach_token,
            Some(json!({ "attendance": [], "version": 1 })),
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert!(count_action(&app, "group.attendance").await >= 1);
}

#[tokio::test]
async fn exceptions_sent_with_everyone_present_win_and_a_moved_session_moves_its_contacts() {
    let app = TestApp::spawn().await;
    let group = make_group(&app, "Moving Circle", "closed", None, "warn").await;
    let mut facilitator = app.signed_in(FACILITATOR).await;
    let coached = new_person(&mut facilitator, "Nia").await;
    let away = new_person(&mut facilitator, "Oli").await;
    facilitator.get(&format!("/people/{coached}/coaching")).await;
    let profile = facilitator
        .post(&format!("/people/{coached}/coaching/profile"), &[("frequency", "weekly"), ("version", "0")])
        .await;
    assert_eq!(profile.status, StatusCode::SEE_OTHER, "{}", profile.body);
    enrol(&mut facilitator, &app, &group, coached).await;
    enrol(&mut facilitator, &app, &group, away).await;
    let token = facilitator.create_token("groups").await;
    let base = format!("/api/v1/groups/{}", group.id);
    let (schedule, start) = occurrence(&app, &group, -1).await;
    let opened = facilitator.api(Method::POST, &format!("{base}/occurrences/{schedule}/{start}"), &token, None).await;
    let session = opened.json();
    let sid = session["id"].as_str().unwrap().to_string();
    let version = session["version"].as_i64().unwrap();

    // More marks than a group can hold are refused.
    let flood: Vec<Value> =
        (0..1001).map(|_| json!({ "person_id": Uuid::new_v4(), "status": "absent", "drop_in": true })).collect();
    let refused = facilitator
        .api(
            Method::PUT,
            &format!("{base}/sessions/{sid}/attendance"),
            &token,
            Some(json!({ "attendance": flood, "version": version })),
        )
        .await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_codes(&refused.json()), vec!["error-attendance-too-many"]);

    // "Everyone present" with its exception in the same request: the exception stands.
    let body = json!({
        "everyone_present": true, "attendance": [{ "person_id": away, "status": "excused" }], "version": version,
    });
    let saved = facilitator.api(Method::PUT, &format!("{base}/sessions/{sid}/attendance"), &token, Some(body)).await;
    saved.assert_status(StatusCode::OK);
    let marks: Vec<(String, String)> = saved.json()["attendance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["person_id"].as_str().unwrap().to_string(), a["status"].as_str().unwrap().to_string()))
        .collect();
    assert!(marks.contains(&(away.to_string(), "excused".into())), "{marks:?}");
    assert!(marks.contains(&(coached.to_string(), "present".into())), "{marks:?}");
    let version = saved.json()["version"].as_i64().unwrap();

    // The session was really held an hour later and shorter: Nia's contact and last contact follow.
    let held =
        group_session::Entity::find_by_id(Uuid::parse_str(&sid).unwrap()).one(app.db.conn()).await.unwrap().unwrap();
    let day = mainstay::app::local_date("America/New_York", held.starts_at);
    let move_body =
        json!({ "version": version, "action": "move", "date": day.to_string(), "time": "10:00", "minutes": 60 });
    let moved = facilitator.api(Method::POST, &format!("{base}/sessions/{sid}/change"), &token, Some(move_body)).await;
    moved.assert_status(StatusCode::OK);
    let new_start = held.starts_at + time::Duration::hours(1);
    let contacts = group_contacts(&app, coached).await;
    assert_eq!(contacts.len(), 1);
    assert_eq!((contacts[0].occurred_at, contacts[0].minutes), (new_start, 60));
    let status = status_of(&app, coached).await.unwrap();
    assert_eq!(status.last_contact_at, Some(new_start));
    assert_eq!(count_action(&app, "group.attendance.contact-moved").await, 1);
}

#[tokio::test]
async fn a_logged_session_cannot_be_cancelled() {
    let app = TestApp::spawn().await;
    let group = make_group(&app, "Logged Circle", "open", None, "warn").await;
    let mut facilitator = app.signed_in(FACILITATOR).await;
    let token = facilitator.create_token("groups").await;
    let base = format!("/api/v1/groups/{}", group.id);
    let (schedule, start) = occurrence(&app, &group, -1).await;
    let opened = facilitator.api(Method::POST, &format!("{base}/occurrences/{schedule}/{start}"), &token, None).await;
    let sid = opened.json()["id"].as_str().unwrap().to_string();
    let log = json!({ "topics_covered": "Introductions", "version": opened.json()["version"] });
    let logged = facilitator.api(Method::PUT, &format!("{base}/sessions/{sid}/log"), &token, Some(log)).await;
    logged.assert_status(StatusCode::OK);
    let cancel = json!({ "version": logged.json()["version"], "action": "cancel", "reason": "Mistake" });
    let refused = facilitator.api(Method::POST, &format!("{base}/sessions/{sid}/change"), &token, Some(cancel)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_codes(&refused.json()), vec!["error-group-cancel-after-attendance"]);
}
