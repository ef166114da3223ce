use crate::helpers::TestApp;
use axum::http::StatusCode;
use mainstay::db;

#[tokio::test]
async fn the_audit_chain_verifies_and_a_modified_row_is_caught() {
    let app = TestApp::spawn().await;
    let person = app.person_of("coach@demo.example").await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/people/{person}")).await;
    let org = db::org::all(&app.db).await.unwrap()[0].id;
    let report = db::audit::verify_chain(&app.db, org).await.unwrap();
    assert!(report.first_break.is_none());
    assert!(report.events >= 3);

    // The database refuses changes to the log.
    let refused =
        sea_orm::ConnectionTrait::execute_unprepared(app.db.conn(), "UPDATE audit_events SET action = 'x'").await;
    assert!(refused.is_err(), "audit rows must not be updatable");

    // Someone with direct database access removes the guard and rewrites who viewed the record.
    if app.is_postgres() {
        app.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change").await;
    } else {
        app.execute("DROP TRIGGER audit_events_no_UPDATE").await;
    }
    app.execute("UPDATE audit_events SET actor_label = 'someone-else@demo.example' WHERE action = 'person.view'").await;
    let report = db::audit::verify_chain(&app.db, org).await.unwrap();
    let (seq, why) = report.first_break.expect("tampering detected");
    assert!(seq > 1);
    assert!(why.contains("changed"), "{why}");
}

#[tokio::test]
async fn removing_an_event_from_the_middle_breaks_the_chain() {
    let app = TestApp::spawn().await;
    app.signed_in("coach@demo.example").await;
    app.signed_in("supervisor@demo.example").await;
    let org = db::org::all(&app.db).await.unwrap()[0].id;
    if app.is_postgres() {
        app.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change").await;
    } else {
        app.execute("DROP TRIGGER audit_events_no_DELETE").await;
    }
    // The test database holds one organisation, so its chain is the only one with a second event.
    app.execute("DELETE FROM audit_events WHERE seq = 2").await;
    let report = db::audit::verify_chain(&app.db, org).await.unwrap();
    assert_eq!(report.first_break.map(|(seq, _)| seq), Some(3));
}

#[tokio::test]
async fn administrators_filter_the_audit_log() {
    let app = TestApp::spawn().await;
    let mut client = app.client();
    client.sign_in("coach@demo.example", "wrong-password-1").await;
    let mut admin = app.signed_in("admin@demo.example").await;
    let all = admin.get("/admin/audit").await;
    all.assert_status(StatusCode::OK).assert_contains("signin.failure").assert_contains("signin.success");
    let failures = admin.get("/admin/audit?action=signin.failure").await;
    failures.assert_contains("1 event").assert_lacks("<code>signin.success</code>");
    let bad_date = admin.get("/admin/audit?from=not-a-date").await;
    bad_date.assert_status(StatusCode::OK).assert_contains("Enter a real date");
}

#[tokio::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    let app = TestApp::spawn().await;
    let org = db::org::all(&app.db).await.unwrap()[0].id;
    let mut tasks = Vec::new();
    for n in 0..20 {
        let db = app.db.clone();
        let now = app.now();
        tasks.push(tokio::spawn(async move {
            let entry = mainstay::audit::Entry::new(org, "test.concurrent").detail(serde_json::json!({ "n": n }));
            db::audit::append_now(&db, entry, now).await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let report = db::audit::verify_chain(&app.db, org).await.unwrap();
    assert!(report.first_break.is_none(), "{:?}", report.first_break);
}

#[tokio::test]
async fn queued_list_events_are_committed_by_a_flush_before_shutdown() {
    let app = TestApp::spawn().await;
    let org = db::org::all(&app.db).await.unwrap()[0].id;
    db::audit::append_soon(&app.db, mainstay::audit::Entry::new(org, "test.soon"), app.now()).await.unwrap();
    app.db.audit_queue().expect("queue").flush().await.unwrap();
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "test.soon"));
}
