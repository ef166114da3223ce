use crate::helpers::TestApp;
use axum::http::StatusCode;

#[tokio::test]
async fn health_and_metrics_answer() {
    let app = TestApp::spawn().await;
    let mut client = app.client();
    client.get("/healthz").await.assert_status(StatusCode::OK);
    client.get("/login").await;
    let metrics = client.get("/metrics").await;
    metrics.assert_status(StatusCode::OK).assert_contains("http_requests_total");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let mut client = app.client();
    for path in ["/login", "/crisis", "/no-such-page", "/api/v1/people"] {
        let response = client.get(path).await;
        let csp = response.headers.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(response.headers.get("x-frame-options").unwrap(), "DENY");
        assert_eq!(response.headers.get("x-content-type-options").unwrap(), "nosniff");
        assert!(response.headers.get("x-request-id").is_some());
        assert!(response.headers.get("strict-transport-security").is_none(), "no HSTS without TLS");
    }
}

#[tokio::test]
async fn the_crisis_page_is_one_click_away_even_when_signed_out() {
    let app = TestApp::spawn().await;
    let mut client = app.client();
    let page = client.get("/crisis").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("tel:988")
        .assert_contains("Stay with the person")
        .assert_contains("mobile crisis");
    client.get("/login").await.assert_contains("href=\"/crisis\"");
    // A Canadian organisation shows 9-8-8.
    app.execute("UPDATE organisations SET country = 'CA', edition = 'ca-cse-2022'").await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get("/").await.assert_contains("Crisis help · 9-8-8");
    coach.get("/crisis").await.assert_contains("tel:988").assert_contains("9-8-8");
}

#[tokio::test]
async fn the_shell_switches_to_french() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get("/").await;
    let switched = coach.post("/language", &[("lang", "fr"), ("back", "/people")]).await;
    switched.assert_redirect_to("/people");
    let cookie = switched.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.starts_with("lang=fr"));
    let page = coach.get("/people").await;
    page.assert_contains("lang=\"fr\"")
        .assert_contains("Aide en cas de crise")
        .assert_contains("Se déconnecter")
        .assert_contains("Personnes");
    // The choice follows the account to its next sign-in.
    let account = mainstay::db::staff::by_email(&app.db, "coach@demo.example").await.unwrap().unwrap();
    assert_eq!(account.language.as_deref(), Some("fr"));
}

#[tokio::test]
async fn unknown_pages_are_friendly_and_keep_the_crisis_button() {
    let app = TestApp::spawn().await;
    let mut client = app.client();
    let page = client.get("/no-such-page").await;
    page.assert_status(StatusCode::NOT_FOUND).assert_contains("Page not found").assert_contains("href=\"/crisis\"");
    let api = client.get("/api/v1/no-such-thing").await;
    api.assert_status(StatusCode::NOT_FOUND);
    assert_eq!(api.json()["errors"][0]["code"], "error-not-found");
    let coach_id = app.person_of("coach@demo.example").await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/people/{}", uuid::Uuid::new_v4())).await.assert_status(StatusCode::NOT_FOUND);
    coach
        .get("/people/not-a-uuid")
        .await
        .assert_status(StatusCode::BAD_REQUEST)
        .assert_contains("could not be understood");
    coach.get(&format!("/people/{coach_id}")).await.assert_status(StatusCode::OK);
}

#[tokio::test]
async fn the_demo_is_reproducible_from_its_seed() {
    let first = TestApp::spawn().await;
    let second = TestApp::spawn().await;
    let names = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            use mainstay::db::entities::person;
            use sea_orm::{EntityTrait, QueryOrder};
            person::Entity::find()
                .order_by_asc(person::Column::RecordNumber)
                .all(db.conn())
                .await
                .unwrap()
                .into_iter()
                .map(|p| (p.id, p.legal_given_name, p.legal_family_name, p.date_of_birth))
                .collect::<Vec<_>>()
        }
    };
    let (a, b) = (names(&first).await, names(&second).await);
    assert_eq!(a.len(), 40);
    assert_eq!(a, b);
    let ages_under_26 =
        a.iter().filter(|p| p.3.is_some_and(|d| (first.now().date() - d).whole_days() < 26 * 365)).count();
    assert!(ages_under_26 > 0, "transition-age youth are in the demo");
}

#[tokio::test]
async fn a_live_sqlite_database_can_be_backed_up() {
    let app = TestApp::spawn().await;
    if app.is_postgres() {
        let refused = mainstay::backup::backup_sqlite(&app.db, std::path::Path::new("/tmp/nope.db")).await;
        assert!(refused.is_err());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("copy.db");
    let bytes = mainstay::backup::backup_sqlite(&app.db, &target).await.unwrap();
    assert!(bytes > 0);
    let copy = mainstay::db::Db::connect(&format!("sqlite://{}", target.display())).await.unwrap();
    let people = mainstay::db::people::count(
        &copy,
        mainstay::db::org::all(&copy).await.unwrap()[0].id,
        &mainstay::access::PersonScope::Everyone,
    )
    .await
    .unwrap();
    assert_eq!(people, 40);
    assert!(mainstay::backup::backup_sqlite(&app.db, &target).await.is_err(), "never overwrites");
}
