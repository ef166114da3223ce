//! Intake through the pages: the queue's order, screening and acceptance rules, the waiting
//! list, risk screens that need a response, the public self-referral form and who may do what.

use crate::helpers::{Client, TestApp};
use axum::http::StatusCode;

/// The first `<option value="…uuid…">` after `id="{select}"`.
fn option_after(html: &str, select: &str) -> String {
    let start = html.find(&format!("id=\"{select}\"")).unwrap_or_else(|| panic!("no {select} in {html}"));
    let rest = &html[start..];
    let mut from = 0;
    while let Some(at) = rest[from..].find("value=\"") {
        let value_at = from + at + 7;
        let candidate = &rest[value_at..value_at + 36];
        if uuid::Uuid::parse_str(candidate).is_ok() {
            return candidate.to_string();
        }
        from = value_at;
    }
    panic!("no option with an id after {select}");
}

fn version_in(html: &str) -> String {
    let at = html.find("name=\"version\" value=\"").expect("version field") + 22;
    html[at..].split('"').next().expect("value").to_string()
}

async fn log_request(client: &mut Client, given: &str, asked: &str) -> String {
    client.get("/intake/new").await.assert_status(StatusCode::OK);
    let created = client
        .post("/intake", &[("source", "phone"), ("given_name", given), ("family_name", "Tester"), ("asked_for", asked)])
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    created.location().trim_start_matches("/intake/").to_string()
}

async fn triage(client: &mut Client, id: &str, urgency: &str) {
    let page = client.get(&format!("/intake/{id}")).await;
    let version = version_in(&page.body);
    let done = client
        .post(
            &format!("/intake/{id}/triage"),
            &[("urgency", urgency), ("urgency_reason", "Said so on the phone"), ("version", &version)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}

#[tokio::test]
async fn the_queue_puts_emergencies_first_then_the_longest_waiting() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let routine = log_request(&mut coach, "Routina", "Help finding a meeting").await;
    app.advance(60);
    let untriaged = log_request(&mut coach, "Pendley", "Not sure yet").await;
    app.advance(60);
    let emergency = log_request(&mut coach, "Urgela", "Lost housing tonight").await;
    triage(&mut coach, &routine, "routine").await;
    triage(&mut coach, &emergency, "emergency").await;
    let queue = coach.get("/intake?mine=1").await;
    queue.assert_status(StatusCode::OK);
    let at = |name: &str| queue.body.find(name).unwrap_or_else(|| panic!("{name} in queue"));
    assert!(at("Urgela") < at("Pendley"), "emergency before untriaged");
    assert!(at("Pendley") < at("Routina"), "untriaged before routine");
    let _ = untriaged;
    // A day later the emergency (due the same day) is overdue and shown in red.
    app.advance(24 * 3600);
    let queue = coach.get("/intake?mine=1").await;
    let row_start = queue.body.find("row-overdue").expect("an overdue row");
    assert!(row_start < at("Urgela") + 400, "the emergency row is marked overdue");
    // The home page's work queue counts it among urgent and overdue requests.
    let work = coach.get("/home/work").await;
    work.assert_status(StatusCode::OK).assert_contains("stat-urgent").assert_contains("stat-overdue");
    assert!(app.audit_soon_contains("request.list").await);
}

#[tokio::test]
async fn a_request_that_does_not_fit_ends_with_a_referral_and_reason() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let id = log_request(&mut coach, "Noor", "Clinical therapy").await;
    let page = coach.get(&format!("/intake/{id}")).await;
    let version = version_in(&page.body);
    let refused = coach
        .post(&format!("/intake/{id}/screening"), &[("fit", "does-not-fit"), ("informed", "on"), ("version", &version)])
        .await;
    refused
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("href=\"#referred_to\"")
        .assert_contains("Clinical therapy");
    let done = coach
        .post(
            &format!("/intake/{id}/screening"),
            &[
                ("fit", "does-not-fit"),
                ("informed", "on"),
                ("referred_to", "County counselling centre"),
                ("referral_reason", "Asks for therapy, which we do not offer"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = coach.get(&format!("/intake/{id}")).await;
    page.assert_contains("County counselling centre").assert_lacks("id=\"triage\"");
}

#[tokio::test]
async fn first_service_cannot_come_before_the_request_and_acceptance_enrols() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let id = log_request(&mut coach, "Ada", "A peer coach").await;
    let page = coach.get(&format!("/intake/{id}")).await;
    let made = coach
        .post(
            &format!("/intake/{id}/person"),
            &[("given_name", "Ada"), ("family_name", "Tester"), ("version", &version_in(&page.body))],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let page = coach.get(&format!("/intake/{id}")).await;
    let program = option_after(&page.body[page.body.find("action=\"/intake/").unwrap()..], "program_id");
    let version = version_in(&page.body);
    let early = coach
        .post(
            &format!("/intake/{id}/accept"),
            &[("program_id", &program), ("first_service_on", "2026-11-01"), ("version", &version)],
        )
        .await;
    early.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("the day the request came in");
    let ok = coach
        .post(
            &format!("/intake/{id}/accept"),
            &[("program_id", &program), ("first_service_on", "2026-11-18"), ("version", &version)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let people = coach.get("/people?q=Ada+Tester").await;
    people.assert_contains("Ada Tester");
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|(a, _)| a == "person.enrol"));
}

#[tokio::test]
async fn the_waiting_list_keeps_order_and_needs_a_reason_to_remove() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let first = log_request(&mut coach, "Firsta", "Coaching").await;
    let second = log_request(&mut coach, "Secondo", "Coaching").await;
    for (id, priority) in [(&first, "normal"), (&second, "high")] {
        let page = coach.get(&format!("/intake/{id}")).await;
        let program = option_after(&page.body[page.body.find("id=\"waitlist\"").unwrap()..], "program_id");
        let placed = coach
            .post(
                &format!("/intake/{id}/waitlist"),
                &[("program_id", &program), ("priority", priority), ("version", &version_in(&page.body))],
            )
            .await;
        assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);
    }
    let list = coach.get("/waiting-list").await;
    list.assert_status(StatusCode::OK);
    let high = list.body.find("Secondo").expect("second listed");
    let normal = list.body.find("Firsta").expect("first listed");
    assert!(high < normal, "high priority waits ahead");
    let entry_at = list.body[..normal].rfind("/waiting-list/").unwrap() + "/waiting-list/".len();
    let entry = &list.body[entry_at..entry_at + 36];
    let entry_page = coach.get(&format!("/waiting-list/{entry}")).await;
    // Behind the high-priority entry, whatever else the demo has on the list.
    entry_page.assert_status(StatusCode::OK).assert_contains("Firsta");
    let place_at = entry_page.body.find("<dt>#</dt><dd>").expect("place shown") + "<dt>#</dt><dd>".len();
    let place: usize = entry_page.body[place_at..].split('<').next().unwrap().parse().unwrap();
    let second_at = list.body[..high].rfind("<td data-label=\"#\">").unwrap() + "<td data-label=\"#\">".len();
    let second_place: usize = list.body[second_at..].split('<').next().unwrap().parse().unwrap();
    assert!(place > second_place, "the normal-priority entry waits behind the high one");
    let version = version_in(&entry_page.body);
    let refused = coach.post(&format!("/waiting-list/{entry}/remove"), &[("reason", ""), ("version", &version)]).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Choose why");
    let removed = coach
        .post(&format!("/waiting-list/{entry}/remove"), &[("reason", "no-longer-wanted"), ("version", &version)])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    coach.get("/waiting-list").await.assert_lacks("Firsta");
}

#[tokio::test]
async fn a_moderate_screen_needs_a_response_before_it_closes() {
    let app = TestApp::spawn().await;
    let person = app.person_of("coach@demo.example").await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get(&format!("/people/{person}/risk-screens/new")).await.assert_status(StatusCode::OK);
    let skipped = coach
        .post(
            &format!("/people/{person}/risk-screens"),
            &[("kind", "program-wide"), ("q1_wish_dead", "yes"), ("q2_suicidal_thoughts", "no"), ("q3_method", "yes")],
        )
        .await;
    skipped.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("href=\"#q3_method\"");
    let saved = coach
        .post(
            &format!("/people/{person}/risk-screens"),
            &[
                ("kind", "program-wide"),
                ("q1_wish_dead", "yes"),
                ("q2_suicidal_thoughts", "yes"),
                ("q3_method", "yes"),
                ("q4_intent", "no"),
                ("q5_plan", "no"),
                ("q6_behaviour", "no"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let safety = coach.get(&format!("/people/{person}/safety")).await;
    safety.assert_contains("risk-moderate");
    let screen_at = safety.body.find("action=\"/risk-screens/").unwrap() + "action=\"/risk-screens/".len();
    let screen = safety.body[screen_at..screen_at + 36].to_string();
    let version = version_in(&safety.body[safety.body.find("/close\"").unwrap()..]);
    let refused = coach.post(&format!("/risk-screens/{screen}/close"), &[("version", &version)]).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("before closing");
    let responded = coach
        .post(
            &format!("/risk-screens/{screen}/responses"),
            &[("kind", "safety-plan"), ("detail", "Wrote a safety plan together")],
        )
        .await;
    assert_eq!(responded.status, StatusCode::SEE_OTHER, "{}", responded.body);
    let closed = coach.post(&format!("/risk-screens/{screen}/close"), &[("version", &version)]).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    // The suicide-risk flag brings up the 4.03 checklist.
    coach.get(&format!("/people/{person}/safety")).await.assert_contains("name=\"steps\"");
}

#[tokio::test]
async fn the_safety_plan_saves_once_per_version_and_prints() {
    let app = TestApp::spawn().await;
    let person = app.person_of("coach@demo.example").await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let fields = [
        ("warning_signs", "Not sleeping\nSkipping meals"),
        ("coping_strategies", "Walk by the river"),
        ("people_to_ask", "My sister Jo"),
        ("version", "0"),
    ];
    coach.get(&format!("/people/{person}/safety-plan")).await.assert_status(StatusCode::OK);
    let saved = coach.post(&format!("/people/{person}/safety-plan"), &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stale = coach.post(&format!("/people/{person}/safety-plan"), &fields).await;
    stale.assert_status(StatusCode::CONFLICT).assert_contains("Walk by the river");
    let print = coach.get(&format!("/people/{person}/safety-plan/print")).await;
    print.assert_status(StatusCode::OK).assert_contains("Skipping meals").assert_contains("988");
}

#[tokio::test]
async fn the_public_form_is_spam_resistant_and_lands_in_the_shared_inbox() {
    let app = TestApp::spawn().await;
    let mut visitor = app.client();
    let start = visitor.get("/self-referral").await;
    assert_eq!(start.status, StatusCode::SEE_OTHER);
    let form = visitor.get(start.location()).await;
    form.assert_status(StatusCode::OK);
    let action = start.location().to_string();
    let token_at = form.body.find("name=\"form_token\" value=\"").unwrap() + 25;
    let token = form.body[token_at..].split('"').next().unwrap().to_string();
    let fields = |name: &'static str| {
        vec![
            ("given_name", name),
            ("phone", "555 010 2030"),
            ("asked_for", "I want a recovery coach"),
            ("consent", "on"),
        ]
    };
    let mut quick = fields("Quickly");
    quick.push(("form_token", &token));
    visitor.post(&action, &quick).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    app.advance(10);
    let mut robot = fields("Robot");
    robot.extend([("form_token", token.as_str()), ("website", "http://spam.example")]);
    assert_eq!(visitor.post(&action, &robot).await.status, StatusCode::SEE_OTHER);
    let mut person = fields("Selma");
    person.push(("form_token", &token));
    let sent = visitor.post(&action, &person).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let mut coach = app.signed_in("coach@demo.example").await;
    let queue = coach.get("/intake").await;
    queue.assert_contains("Selma").assert_lacks("Robot").assert_lacks("Quickly");
}

#[tokio::test]
async fn who_may_do_what_in_intake() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let id = log_request(&mut coach, "Private", "Support").await;
    let mut admin = app.signed_in("admin@demo.example").await;
    admin.get("/intake").await.assert_status(StatusCode::FORBIDDEN);
    admin.get(&format!("/intake/{id}")).await.assert_status(StatusCode::FORBIDDEN);
    let mut quality = app.signed_in("quality@demo.example").await;
    let page = quality.get(&format!("/intake/{id}")).await;
    page.assert_status(StatusCode::OK).assert_lacks("id=\"triage\"");
    let tried = quality
        .post(&format!("/intake/{id}/triage"), &[("urgency", "urgent"), ("urgency_reason", "x"), ("version", "1")])
        .await;
    tried.assert_status(StatusCode::FORBIDDEN);
    quality.get("/reports/time-to-service").await.assert_status(StatusCode::OK);
    coach.get("/reports/time-to-service").await.assert_status(StatusCode::FORBIDDEN);
    // Anyone on staff may log a crisis, even without a caseload.
    let logged = admin
        .post(
            "/crisis/events",
            &[
                ("caller_description", "Adult caller, east side"),
                ("what_happened", "Caller in distress"),
                ("actions_taken", "Stayed on the line, gave 988"),
                ("calls", "crisis-line"),
                ("outcome", "Caller agreed to call 988"),
            ],
        )
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", logged.body);
}

#[tokio::test]
async fn the_crisis_procedure_is_versioned_and_shown_to_staff() {
    let app = TestApp::spawn().await;
    let mut director = app.signed_in("director@demo.example").await;
    let form = director.get("/crisis/procedure").await;
    form.assert_status(StatusCode::OK);
    let based_on = {
        let marker = "name=\"based_on\" value=\"";
        let at = form.body.find(marker).unwrap() + marker.len();
        form.body[at..].split('"').next().unwrap().to_string()
    };
    let fields = |text: &'static str| {
        vec![
            ("intervention", text),
            ("intensive_services", "Call the county crisis team."),
            ("emergency_responders", "Call 911 when life is in danger."),
            ("domestic_violence", "Meet somewhere safe; never leave messages."),
            ("anonymous_callers", "Stay on the line; offer 988."),
            ("mandatory_reporting", "Tell your supervisor the same day."),
            ("approved_by", "Board of directors"),
            ("approved_on", "2026-11-01"),
        ]
    };
    let mut first = fields("Stay calm and listen.");
    first.push(("based_on", &based_on));
    let saved = director.post("/crisis/procedure", &first).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stale = director.post("/crisis/procedure", &first).await;
    stale.assert_status(StatusCode::CONFLICT);
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get("/crisis").await.assert_contains("Stay calm and listen.");
    app.client().get("/crisis").await.assert_status(StatusCode::OK).assert_lacks("Stay calm and listen.");
    coach.get("/crisis/procedure").await.assert_status(StatusCode::FORBIDDEN);
}
