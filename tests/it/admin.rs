use crate::helpers::TestApp;
use axum::http::StatusCode;

#[tokio::test]
async fn an_administrator_sets_up_programs_sites_and_staff() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in("admin@demo.example").await;
    admin.get("/admin/programs/new").await.assert_status(StatusCode::OK);
    let none = admin.post("/admin/programs", &[("name", "Jail Reentry Coaching")]).await;
    none.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("at least one service");
    admin
        .post(
            "/admin/programs",
            &[
                ("name", "Jail Reentry Coaching"),
                ("serves_individuals", "on"),
                ("peer_delivered", "on"),
                ("active", "on"),
            ],
        )
        .await
        .assert_redirect_to("/admin/programs");
    let duplicate = admin.post("/admin/programs", &[("name", "Jail Reentry Coaching"), ("serves_groups", "on")]).await;
    duplicate.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("already in use");
    admin.get("/admin/programs").await.assert_contains("Jail Reentry Coaching");

    admin.get("/admin/sites/new").await.assert_contains("Jail or prison");
    let bad_site =
        admin.post("/admin/sites", &[("name", "Cumberland County Jail"), ("setting_type", "moon-base")]).await;
    bad_site.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Choose one of the options");
    admin
        .post("/admin/sites", &[("name", "Cumberland County Jail"), ("setting_type", "jail-prison"), ("active", "on")])
        .await
        .assert_redirect_to("/admin/sites");
    admin.get("/admin/sites").await.assert_contains("Cumberland County Jail").assert_contains("Jail or prison");

    let staff = admin
        .post(
            "/admin/staff",
            &[
                ("display_name", "Kit Marsh"),
                ("email", "kit@demo.example"),
                ("roles", "coach"),
                ("roles", "group-facilitator"),
                ("active", "on"),
            ],
        )
        .await;
    staff.assert_status(StatusCode::OK).assert_contains("temporary password");
    let taken = admin
        .post("/admin/staff", &[("display_name", "Kit Again"), ("email", "KIT@demo.example"), ("roles", "coach")])
        .await;
    taken.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("already in use");
    admin.get("/admin/staff").await.assert_contains("Kit Marsh").assert_contains("Group facilitator");
    let actions: Vec<String> = app.audit_actions().await.into_iter().map(|(a, _)| a).collect();
    for expected in ["program.create", "site.create", "staff.create"] {
        assert!(actions.iter().any(|a| a == expected), "{expected} not audited");
    }
}

#[tokio::test]
async fn organisation_settings_are_validated_and_protected_from_lost_updates() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in("admin@demo.example").await;
    admin.get("/admin/organisation").await.assert_contains("Harbour Light");
    let fields = |edition: &'static str, version: &'static str| {
        vec![
            ("name", "Harbour Light Recovery Community"),
            ("country", "CA"),
            ("time_zone", "America/Halifax"),
            ("default_language", "fr"),
            ("edition", edition),
            ("emergency_number", "911"),
            ("crisis_procedure", "Stay with the person."),
            ("version", version),
        ]
    };
    let wrong = admin.post("/admin/organisation", &fields("cse-2024", "1")).await;
    wrong.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("CSE 2024 for the US");
    admin.post("/admin/organisation", &fields("ca-cse-2022", "1")).await.assert_redirect_to("/admin/organisation");
    // A second administrator still holding version 1 is told, and nothing is overwritten.
    let stale = admin.post("/admin/organisation", &fields("ca-cse-2020", "1")).await;
    stale.assert_status(StatusCode::CONFLICT).assert_contains("Someone else saved");
    let org = mainstay::db::org::all(&app.db).await.unwrap().remove(0);
    assert_eq!((org.country.as_str(), org.edition.as_str()), ("CA", "ca-cse-2022"));
}

#[tokio::test]
async fn staff_without_the_administrator_role_cannot_open_administration() {
    let app = TestApp::spawn().await;
    for email in ["director@demo.example", "supervisor@demo.example", "coach@demo.example", "quality@demo.example"] {
        let mut client = app.signed_in(email).await;
        for path in ["/admin/organisation", "/admin/programs", "/admin/staff", "/admin/audit"] {
            client.get(path).await.assert_status(StatusCode::FORBIDDEN);
        }
    }
}

#[tokio::test]
async fn deactivating_a_staff_member_signs_them_out() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let account = mainstay::db::staff::by_email(&app.db, "coach@demo.example").await.unwrap().unwrap();
    let mut admin = app.signed_in("admin@demo.example").await;
    admin.get(&format!("/admin/staff/{}", account.id)).await.assert_contains("Signed in on 1 device");
    let version = account.version.to_string();
    admin
        .post(
            &format!("/admin/staff/{}", account.id),
            &[
                ("display_name", "Rosa Delgado"),
                ("email", "coach@demo.example"),
                ("roles", "coach"),
                ("version", &version),
            ],
        )
        .await
        .assert_redirect_to("/admin/staff");
    coach.get("/").await.assert_redirect_to("/login?next=%2F");
    let mut again = app.client();
    again.sign_in("coach@demo.example", crate::helpers::PASSWORD).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
}
