//! The demo organisation's feedback and complaints (CSE 7.02 / CA-CSE 7.03): 25 items of every
//! kind, channel and status across the programs (a few past their due date), their history, five
//! published "you said, we did" entries and one draft. The same whatever `--people` is; ids come
//! from the seed. Every name, address and number is invented (555 numbers, example.org addresses).

use super::{ORG_TIME_ZONE, VoiceDemo, active, insert_all, uuid};
use crate::db;
use crate::db::entities::{feedback_change, feedback_event, feedback_item};
use crate::domain::feedback::{
    FeedbackCategory as Cat, FeedbackChannel as Ch, FeedbackEventKind, FeedbackKind as K, FeedbackOutcome as O,
    FeedbackStatus as S, ResponseMethod as M, response_due,
};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Who a demo item is from.
#[derive(Clone, Copy)]
enum Giver {
    Anonymous,
    /// A name and an address given with "I'd like a reply".
    Named(&'static str, &'static str),
    /// The n-th person of the demo (portal or logged by staff).
    Person(usize),
}

/// Who handles it: the named demo accounts.
#[derive(Clone, Copy)]
enum Owner {
    Nobody,
    Director,
    Supervisor,
    Coach,
    Admin,
}

struct Spec {
    kind: K,
    category: Cat,
    channel: Ch,
    /// Index into the demo programs, if about one.
    program: Option<usize>,
    days_ago: i64,
    status: S,
    owner: Owner,
    from: Giver,
    body: &'static str,
    /// The response (method, days after receipt, text) once responded.
    response: Option<(M, i64, &'static str)>,
    outcome: Option<O>,
    /// Index into CHANGES this item led to.
    change: Option<usize>,
}

/// (program index, you said, we did, days ago published; None for the draft).
const CHANGES: &[(Option<usize>, &str, &str, Option<i64>)] = &[
    (
        Some(2),
        "The Tuesday evening group started too early for people coming from work.",
        "We moved the Tuesday group to 6:30pm from September.",
        Some(70),
    ),
    (
        None,
        "The waiting area was cold and there was nowhere quiet to sit.",
        "We fixed the heating and set up a quiet corner with soft chairs.",
        Some(45),
    ),
    (
        Some(3),
        "It was hard to get through to the information line at lunchtime.",
        "The line is now staffed through lunch, and calls are returned the same day.",
        Some(30),
    ),
    (
        Some(0),
        "People wanted to choose between meeting in person and by phone.",
        "Coaching sessions can now be by phone, video or in person, as you prefer.",
        Some(20),
    ),
    (
        Some(1),
        "Families asked for information in Spanish.",
        "Our family handbook and group flyers are now in Spanish too.",
        Some(8),
    ),
    (
        None,
        "Several people asked for evening hours on Thursdays.",
        "We are trialling opening until 8pm on Thursdays from next month.",
        None,
    ),
];

fn specs() -> Vec<Spec> {
    use Giver::*;
    use Owner::*;
    let s = |kind, category, channel, program, days_ago, status, owner, from, body| Spec {
        kind,
        category,
        channel,
        program,
        days_ago,
        status,
        owner,
        from,
        body,
        response: None,
        outcome: None,
        change: None,
    };
    let done = |mut spec: Spec, response: Option<(M, i64, &'static str)>, outcome: Option<O>, change: Option<usize>| {
        spec.response = response;
        spec.outcome = outcome;
        spec.change = change;
        spec
    };
    vec![
        // Waiting: new, some past their due date.
        s(
            K::Complaint,
            Cat::StaffConduct,
            Ch::PublicForm,
            Some(0),
            16,
            S::Received,
            Nobody,
            Named("Jamie Rivers", "jamie.rivers@example.org"),
            "I waited 40 minutes for my appointment and nobody told me it was running late.",
        ),
        s(
            K::Dissatisfaction,
            Cat::AccessScheduling,
            Ch::Kiosk,
            Some(2),
            19,
            S::Acknowledged,
            Supervisor,
            Anonymous,
            "The group room was locked when we arrived and we stood outside for 15 minutes.",
        ),
        s(
            K::Complaint,
            Cat::Privacy,
            Ch::Staff,
            Some(0),
            12,
            S::Acknowledged,
            Director,
            Person(1),
            "My appointment details were read out loud at the front desk where others could hear.",
        ),
        s(
            K::Suggestion,
            Cat::Groups,
            Ch::Portal,
            Some(2),
            3,
            S::Received,
            Nobody,
            Person(2),
            "Could there be a group just for people in their first month?",
        ),
        s(
            K::Compliment,
            Cat::StaffConduct,
            Ch::Kiosk,
            Some(0),
            1,
            S::Received,
            Nobody,
            Anonymous,
            "My coach really listened and never judged me. Thank you.",
        ),
        s(
            K::Suggestion,
            Cat::EnvironmentSafety,
            Ch::PublicForm,
            None,
            6,
            S::Received,
            Admin,
            Anonymous,
            "A bike rack outside would help those of us who cycle in.",
        ),
        s(
            K::Dissatisfaction,
            Cat::Communication,
            Ch::PublicForm,
            Some(3),
            9,
            S::Acknowledged,
            Coach,
            Named("Morgan Lee", "(207) 555-0119"),
            "I left two voicemails on the information line and did not hear back.",
        ),
        s(
            K::Complaint,
            Cat::ReferralsResources,
            Ch::Staff,
            Some(3),
            25,
            S::Received,
            Nobody,
            Anonymous,
            "The food bank I was sent to had closed months ago.",
        ),
        // Responded, not yet closed.
        done(
            s(
                K::Dissatisfaction,
                Cat::ProgramContent,
                Ch::Portal,
                Some(2),
                20,
                S::Responded,
                Supervisor,
                Person(3),
                "The relapse prevention session felt rushed.",
            ),
            Some((M::Portal, 6, "Thank you for telling us. We have split that session into two weeks.")),
            None,
            None,
        ),
        done(
            s(
                K::Complaint,
                Cat::AccessScheduling,
                Ch::PublicForm,
                Some(1),
                15,
                S::Responded,
                Director,
                Named("Casey Brooks", "casey.brooks@example.org"),
                "I was turned away from the family group because I was five minutes late.",
            ),
            Some((M::Email, 4, "We are sorry. Latecomers are welcome; we have reminded all facilitators.")),
            None,
            None,
        ),
        done(
            s(
                K::Suggestion,
                Cat::Communication,
                Ch::Kiosk,
                None,
                11,
                S::Responded,
                Admin,
                Anonymous,
                "Put the group timetable on the website, please.",
            ),
            Some((M::InPerson, 3, "Shared at the community meeting: the timetable is now online.")),
            None,
            None,
        ),
        // Closed, with outcomes.
        done(
            s(
                K::Suggestion,
                Cat::Groups,
                Ch::PublicForm,
                Some(2),
                95,
                S::Closed,
                Supervisor,
                Anonymous,
                "The Tuesday evening group starts before I can get there from work.",
            ),
            None,
            Some(O::ChangeMade),
            Some(0),
        ),
        done(
            s(
                K::Dissatisfaction,
                Cat::Groups,
                Ch::Kiosk,
                Some(2),
                90,
                S::Closed,
                Supervisor,
                Anonymous,
                "Evening group is too early for people who work days.",
            ),
            None,
            Some(O::ChangeMade),
            Some(0),
        ),
        done(
            s(
                K::Complaint,
                Cat::EnvironmentSafety,
                Ch::Staff,
                None,
                60,
                S::Closed,
                Director,
                Person(4),
                "The waiting room is freezing and very noisy.",
            ),
            Some((M::Phone, 5, "We have booked the heating repair and are making a quiet corner.")),
            Some(O::ChangeMade),
            Some(1),
        ),
        done(
            s(
                K::Dissatisfaction,
                Cat::AccessScheduling,
                Ch::PublicForm,
                Some(3),
                50,
                S::Closed,
                Admin,
                Named("Riley Chen", "riley.chen@example.org"),
                "Impossible to reach the line at lunchtime.",
            ),
            Some((M::Email, 7, "Thank you. From next week the line is staffed over lunch.")),
            Some(O::ChangeMade),
            Some(2),
        ),
        done(
            s(
                K::Suggestion,
                Cat::ProgramContent,
                Ch::Portal,
                Some(0),
                40,
                S::Closed,
                Coach,
                Person(5),
                "I would like to meet my coach by phone sometimes.",
            ),
            Some((M::Portal, 2, "Yes, we can do that. Phone and video are now options for everyone.")),
            Some(O::ChangeMade),
            Some(3),
        ),
        done(
            s(
                K::Suggestion,
                Cat::Communication,
                Ch::Staff,
                Some(1),
                30,
                S::Closed,
                Director,
                Anonymous,
                "My mother reads Spanish better than English; the handbook is only in English.",
            ),
            None,
            Some(O::ChangeMade),
            Some(4),
        ),
        done(
            s(
                K::Compliment,
                Cat::Groups,
                Ch::Kiosk,
                Some(2),
                35,
                S::Closed,
                Supervisor,
                Anonymous,
                "The mindfulness group has helped me sleep again.",
            ),
            None,
            Some(O::PassedOn),
            None,
        ),
        done(
            s(
                K::Complaint,
                Cat::StaffConduct,
                Ch::PublicForm,
                Some(0),
                75,
                S::Closed,
                Director,
                Named("Drew Patel", "(207) 555-0163"),
                "A staff member was short with me on the phone.",
            ),
            Some((M::Phone, 8, "We listened to your concerns and talked with the staff member.")),
            Some(O::Resolved),
            None,
        ),
        done(
            s(
                K::Dissatisfaction,
                Cat::ReferralsResources,
                Ch::Staff,
                Some(3),
                55,
                S::Closed,
                Admin,
                Anonymous,
                "The housing list I was given was out of date.",
            ),
            None,
            Some(O::Explained),
            None,
        ),
        done(
            s(
                K::Complaint,
                Cat::Other,
                Ch::PublicForm,
                None,
                120,
                S::Closed,
                Director,
                Anonymous,
                "Parking fines near the centre are unfair.",
            ),
            None,
            Some(O::PassedOn),
            None,
        ),
        done(
            s(
                K::Suggestion,
                Cat::AccessScheduling,
                Ch::Kiosk,
                None,
                28,
                S::Closed,
                Admin,
                Anonymous,
                "Open later on Thursdays.",
            ),
            None,
            Some(O::ChangeMade),
            Some(5),
        ),
        done(
            s(
                K::Dissatisfaction,
                Cat::ProgramContent,
                Ch::Portal,
                Some(0),
                65,
                S::Closed,
                Coach,
                Person(6),
                "My plan had goals I did not choose.",
            ),
            Some((M::InPerson, 4, "We went through your plan together and rewrote the goals in your words.")),
            Some(O::Resolved),
            None,
        ),
        done(
            s(
                K::Complaint,
                Cat::Privacy,
                Ch::PublicForm,
                Some(1),
                150,
                S::Closed,
                Director,
                Anonymous,
                "Someone saw my name on a sign-in sheet.",
            ),
            None,
            Some(O::NotUpheld),
            None,
        ),
        done(
            s(
                K::Compliment,
                Cat::ReferralsResources,
                Ch::PublicForm,
                Some(3),
                100,
                S::Closed,
                Admin,
                Named("Sam Ortiz", "sam.ortiz@example.org"),
                "The referral to the dental clinic was exactly what I needed.",
            ),
            Some((M::Email, 10, "Thank you for letting us know; we have shared this with the team.")),
            Some(O::PassedOn),
            None,
        ),
    ]
}

pub(super) async fn insert(txn: &db::WriteTxn, rng: &mut ChaCha8Rng, demo: &VoiceDemo<'_>) -> anyhow::Result<()> {
    let now: OffsetDateTime = demo.now;
    let today = crate::app::local_date(ORG_TIME_ZONE, now);
    let program = |i: Option<usize>| i.and_then(|i| demo.programs.get(i).copied());
    let team = demo.team;

    let mut changes: Vec<feedback_change::Model> = Vec::new();
    for (program_index, you_said, we_did, published) in CHANGES {
        let created = now - Duration::days(published.unwrap_or(2) + 5);
        changes.push(feedback_change::Model {
            id: uuid(rng),
            org_id: demo.org_id,
            program_id: program(*program_index),
            you_said: (*you_said).into(),
            we_did: (*we_did).into(),
            published: published.is_some(),
            published_on: published.map(|d| today - Duration::days(d)),
            published_by: published.map(|_| team.director),
            created_by: team.supervisor,
            version: if published.is_some() { 2 } else { 1 },
            created_at: created,
            updated_at: published.map(|d| now - Duration::days(d)).unwrap_or(created),
        });
    }

    let mut items: Vec<feedback_item::Model> = Vec::new();
    let mut events: Vec<feedback_event::Model> = Vec::new();
    for (n, spec) in specs().into_iter().enumerate() {
        let received_at = now - Duration::days(spec.days_ago) - Duration::minutes(37 * n as i64);
        let received_on = today - Duration::days(spec.days_ago);
        let owner = match spec.owner {
            Owner::Nobody => None,
            Owner::Director => Some(team.director),
            Owner::Supervisor => Some(team.supervisor),
            Owner::Coach => Some(team.coach),
            Owner::Admin => Some(team.admin),
        };
        let (name, email, phone, person_id) = match spec.from {
            Giver::Anonymous => (None, None, None, None),
            Giver::Named(name, contact) if contact.contains('@') => {
                (Some(name.to_string()), Some(contact.to_string()), None, None)
            }
            Giver::Named(name, contact) => (Some(name.to_string()), None, Some(contact.to_string()), None),
            Giver::Person(i) => (None, None, None, demo.members.get(i).map(|m| m.person_id)),
        };
        let wants_reply = email.is_some() || phone.is_some() || person_id.is_some();
        let id = uuid(rng);
        let mut seq = 0;
        let mut event =
            |kind: FeedbackEventKind, days: i64, by: Option<Uuid>, note: Option<&str>, detail: serde_json::Value| {
                seq += 1;
                events.push(feedback_event::Model {
                    id: uuid(rng),
                    org_id: demo.org_id,
                    item_id: id,
                    seq,
                    kind: kind.code().into(),
                    at: received_at + Duration::days(days) + Duration::hours(2),
                    by_staff: by,
                    note: note.map(str::to_string),
                    detail: Some(detail.to_string()),
                });
            };
        event(FeedbackEventKind::Received, 0, None, None, json!({ "channel": spec.channel.code() }));
        let due_on = response_due(spec.kind, received_on);
        if let Some(o) = owner {
            event(
                FeedbackEventKind::Assigned,
                1,
                Some(team.director),
                None,
                json!({ "owner_id": o, "due_on": due_on.to_string() }),
            );
        }
        let acknowledged = spec.status != S::Received;
        if acknowledged {
            event(
                FeedbackEventKind::Acknowledged,
                1,
                owner,
                Some("Thanked them and said when we would reply."),
                json!({}),
            );
        }
        let responded_on = spec.response.map(|(_, d, _)| received_on + Duration::days(d));
        if let Some((method, d, _)) = spec.response {
            event(FeedbackEventKind::Responded, d, owner, None, json!({ "method": method.code(), "emailed": false }));
        }
        let closed_on =
            (spec.status == S::Closed).then(|| received_on + Duration::days(spec.response.map_or(12, |r| r.1 + 2)));
        if let Some(outcome) = spec.outcome {
            let days = (closed_on.unwrap_or(today) - received_on).whole_days();
            event(
                FeedbackEventKind::Closed,
                days,
                owner,
                Some("Discussed at the monthly quality meeting."),
                json!({ "outcome": outcome.code() }),
            );
        }
        let change_id = spec.change.and_then(|c| changes.get(c)).map(|c| c.id);
        if let Some(c) = change_id {
            let days = (closed_on.unwrap_or(today) - received_on).whole_days();
            event(FeedbackEventKind::Linked, days, Some(team.supervisor), None, json!({ "change_id": c }));
        }
        items.push(feedback_item::Model {
            id,
            org_id: demo.org_id,
            kind: spec.kind.code().into(),
            category: spec.category.code().into(),
            channel: spec.channel.code().into(),
            status: spec.status.code().into(),
            program_id: program(spec.program),
            body: spec.body.into(),
            submitted_by: person_id.map(|_| "person-served".to_string()),
            submitter_name: name,
            email,
            phone,
            wants_reply,
            person_id,
            received_at,
            received_on,
            due_on,
            owner_id: owner,
            acknowledged_on: acknowledged.then(|| received_on + Duration::days(1)),
            response: spec.response.map(|(_, _, text)| text.to_string()),
            response_method: spec.response.map(|(m, _, _)| m.code().to_string()),
            responded_on,
            responded_by: spec.response.and(owner),
            response_emailed_at: None,
            outcome: spec.outcome.map(|o| o.code().to_string()),
            outcome_note: spec.outcome.map(|_| "Discussed at the monthly quality meeting.".to_string()),
            closed_on,
            change_id,
            file_id: None,
            recorded_by: (spec.channel == Ch::Staff).then_some(team.coach),
            // One version per step after it was received.
            version: events.iter().filter(|e| e.item_id == id).count() as i32,
            created_at: received_at,
            updated_at: received_at,
        });
    }
    insert_all::<feedback_change::ActiveModel>(txn, active(changes)).await?;
    insert_all::<feedback_item::ActiveModel>(txn, active(items)).await?;
    insert_all::<feedback_event::ActiveModel>(txn, active(events)).await?;
    Ok(())
}
