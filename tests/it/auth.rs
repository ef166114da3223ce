use crate::helpers::{PASSWORD, TestApp};
use axum::http::StatusCode;

#[tokio::test]
async fn every_demo_role_can_sign_in_and_sees_a_home_page() {
    let app = TestApp::spawn().await;
    for (_, email) in mainstay::demo::DEMO_SIGN_INS {
        let mut client = app.signed_in(email).await;
        let home = client.get("/").await;
        home.assert_status(StatusCode::OK).assert_contains("<h1").assert_contains("Crisis help");
    }
    let actions = app.audit_actions().await;
    assert_eq!(actions.iter().filter(|(a, o)| a == "signin.success" && o == "success").count(), 7);
}

#[tokio::test]
async fn wrong_password_is_refused_with_a_message_and_recorded() {
    let app = TestApp::spawn().await;
    let mut client = app.client();
    let page = client.sign_in("coach@demo.example", "not-the-password").await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("not right").assert_contains("role=\"alert\"");
    client.get("/").await.assert_redirect_to("/login?next=%2F");
    let unknown = client.sign_in("nobody@demo.example", "whatever-password").await;
    unknown.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("not right");
    let failures = app.audit_actions().await.into_iter().filter(|(a, _)| a == "signin.failure").count();
    assert_eq!(failures, 2);
}

#[tokio::test]
async fn repeated_failures_lock_the_account_until_the_back_off_passes() {
    let app = TestApp::spawn().await;
    let mut client = app.client();
    for _ in 0..5 {
        client.sign_in("coach@demo.example", "wrong-password").await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Locked: even the right password is refused for now.
    client.sign_in("coach@demo.example", PASSWORD).await.assert_contains("paused");
    app.advance(61);
    client.sign_in("coach@demo.example", PASSWORD).await.assert_redirect_to("/");
    assert!(app.audit_actions().await.iter().any(|(a, o)| a == "signin.locked" && o == "denied"));
}

#[tokio::test]
async fn a_form_without_the_session_csrf_token_is_refused() {
    let app = TestApp::spawn().await;
    let mut client = app.signed_in("coach@demo.example").await;
    let refused = client.post("/people", &[("csrf_token", "forged"), ("legal_given_name", "A")]).await;
    refused.assert_status(StatusCode::FORBIDDEN).assert_contains("This form has expired");
}

#[tokio::test]
async fn protected_pages_send_you_to_sign_in_and_back() {
    let app = TestApp::spawn().await;
    let mut client = app.client();
    client.get("/people?q=ana").await.assert_redirect_to("/login?next=%2Fpeople%3Fq%3Dana");
    client.get("/login?next=/people").await;
    client
        .post("/login", &[("email", "coach@demo.example"), ("password", PASSWORD), ("next", "/people")])
        .await
        .assert_redirect_to("/people");
    // Only local paths are followed after sign-in.
    let mut other = app.client();
    other.get("/login").await;
    other
        .post("/login", &[("email", "coach@demo.example"), ("password", PASSWORD), ("next", "//evil.example/")])
        .await
        .assert_redirect_to("/");
}

#[tokio::test]
async fn session_cookie_is_http_only_and_sign_in_changes_the_session_id() {
    let app = TestApp::spawn().await;
    let mut client = app.client();
    let before = client.get("/login").await;
    let cookie_before =
        before.headers.get("set-cookie").map(|c| c.to_str().unwrap_or("").to_string()).unwrap_or_default();
    assert!(cookie_before.contains("HttpOnly"), "{cookie_before}");
    let after = client.post("/login", &[("email", "coach@demo.example"), ("password", PASSWORD)]).await;
    let cookie_after =
        after.headers.get("set-cookie").map(|c| c.to_str().unwrap_or("").to_string()).unwrap_or_default();
    assert_ne!(cookie_before.split(';').next(), cookie_after.split(';').next());
}

#[tokio::test]
async fn sign_out_everywhere_ends_sessions_on_other_devices() {
    let app = TestApp::spawn().await;
    let mut phone = app.signed_in("coach@demo.example").await;
    let mut laptop = app.signed_in("coach@demo.example").await;
    laptop.get("/account").await.assert_contains("Signed in on 2 devices");
    phone.get("/account").await;
    phone.post("/logout", &[("everywhere", "1")]).await.assert_redirect_to("/login");
    laptop.get("/").await.assert_redirect_to("/login?next=%2F");
    assert!(app.audit_actions().await.iter().any(|(a, _)| a == "signout.everywhere"));
}

#[tokio::test]
async fn plain_sign_out_ends_only_this_session() {
    let app = TestApp::spawn().await;
    let mut phone = app.signed_in("coach@demo.example").await;
    let mut laptop = app.signed_in("coach@demo.example").await;
    phone.get("/").await;
    phone.post("/logout", &[]).await.assert_redirect_to("/login");
    phone.get("/").await.assert_redirect_to("/login?next=%2F");
    laptop.get("/").await.assert_status(StatusCode::OK);
}

#[tokio::test]
async fn two_step_sign_in_when_the_organisation_requires_it() {
    let app = TestApp::spawn().await;
    app.execute("UPDATE organisations SET require_totp = TRUE").await;
    let mut client = app.signed_in("coach@demo.example").await;
    // Everything leads to the set-up page until it is done.
    client.get("/people").await.assert_redirect_to("/account/two-factor");
    let setup = client.get("/account/two-factor").await;
    setup.assert_status(StatusCode::OK).assert_contains("<svg");
    let secret = setup.token_box();
    client.post("/account/two-factor", &[("code", "000000")]).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let code = mainstay::auth::totp_code_at(&secret, "coach@demo.example", app.now()).expect("code");
    client.post("/account/two-factor", &[("code", &code)]).await.assert_redirect_to("/account");
    client.get("/people").await.assert_status(StatusCode::OK);
    client.post("/logout", &[]).await;

    // Next time the password alone is not enough, and a code already used does not work again.
    let used = code.clone();
    app.advance(30);
    let mut again = app.client();
    again.sign_in("coach@demo.example", PASSWORD).await.assert_redirect_to("/login/two-factor");
    again.get("/").await.assert_redirect_to("/login?next=%2F");
    again.get("/login/two-factor").await;
    again.post("/login/two-factor", &[("code", "123456")]).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    again.post("/login/two-factor", &[("code", &used)]).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let code = mainstay::auth::totp_code_at(&secret, "coach@demo.example", app.now()).expect("code");
    again.post("/login/two-factor", &[("code", &code)]).await.assert_redirect_to("/");
    again.get("/").await.assert_status(StatusCode::OK);
}

#[tokio::test]
async fn a_temporary_password_must_be_changed_at_first_sign_in() {
    let app = TestApp::spawn().await;
    let mut admin = app.signed_in("admin@demo.example").await;
    admin.get("/admin/staff/new").await;
    let created = admin
        .post(
            "/admin/staff",
            &[("display_name", "Robin Vale"), ("email", "robin@demo.example"), ("roles", "coach"), ("active", "on")],
        )
        .await;
    created.assert_status(StatusCode::OK).assert_contains("temporary password");
    let temporary = created.token_box();

    let mut robin = app.client();
    robin.sign_in("robin@demo.example", &temporary).await.assert_redirect_to("/");
    robin.get("/").await.assert_redirect_to("/account/password");
    robin.get("/account/password").await.assert_contains("temporary password");
    let weak = robin
        .post(
            "/account/password",
            &[("current_password", &temporary), ("new_password", "short"), ("confirm_password", "short")],
        )
        .await;
    weak.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("at least 12 characters");
    robin
        .post(
            "/account/password",
            &[
                ("current_password", &temporary),
                ("new_password", "harbour lantern tide"),
                ("confirm_password", "harbour lantern tide"),
            ],
        )
        .await
        .assert_redirect_to("/account");
    robin.get("/").await.assert_status(StatusCode::OK);
    let mut later = app.client();
    later.sign_in("robin@demo.example", "harbour lantern tide").await.assert_redirect_to("/");
}
