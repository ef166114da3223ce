//! The demo organisation's records for: Program rules, advisory meetings and participant surveys
//! (CSE 7.02 / CA-CSE 7.03). Each program's rules in two or three versions drafted with
//! participants and enforced by peers; eight meetings over the past year with decisions (some
//! done, some open, one overdue) and two participants named with their agreement; three surveys
//! with results. The same rows for every seed and size.

use super::{VoiceDemo, insert_all, uuid};
use crate::db;
use crate::db::entities::{
    advisory_attendee, advisory_decision, advisory_meeting, participant_survey, program_rule, survey_result,
};
use crate::domain::participation::{
    AdvisoryDecisionStatus as Status, AdvisoryMeetingKind as Kind, Drafting, ParticipationMethod as Method,
    RuleEnforcement, SurveyMethod, SurveyResultKind as ResultKind,
};
use crate::voice::participation::scope_of;
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration};
use uuid::Uuid;

/// A meeting: days ago, kind, program index (None: whole organisation), participants, staff,
/// topics, summary.
type MeetingSpec = (i64, Kind, Option<usize>, i32, i32, &'static str, &'static str);

const MEETINGS: [MeetingSpec; 8] = [
    (
        340,
        Kind::CommunityMeeting,
        Some(0),
        14,
        2,
        "House agreements for the drop-in room\nEvening hours",
        "People asked for agreements written in their own words, and for the room to stay open later on Thursdays.",
    ),
    (
        300,
        Kind::AdvisoryCouncil,
        None,
        7,
        2,
        "Welcome pack for new members\nPeer volunteer roles",
        "The council reviewed the welcome pack and asked for a peer to meet every new member at the door.",
    ),
    (
        250,
        Kind::FocusGroup,
        Some(1),
        6,
        1,
        "What families need from us\nMeeting times",
        "Families said weekday mornings are hard; Saturday sessions would help.",
    ),
    (
        200,
        Kind::ParticipantCommittee,
        Some(2),
        9,
        1,
        "Group guidelines review\nPhones during groups",
        "The committee rewrote the group guidelines and agreed phones stay on silent, not away.",
    ),
    (
        150,
        Kind::AdvisoryCouncil,
        None,
        8,
        2,
        "Survey results\nAccessibility of the front entrance",
        "The council went through the spring survey and asked for a ramp handrail and clearer signs.",
    ),
    (
        100,
        Kind::CommunityMeeting,
        Some(0),
        16,
        3,
        "Updating the house agreements\nCafé rota",
        "People proposed a restorative circle in place of being asked to leave for a first breach.",
    ),
    (
        60,
        Kind::FocusGroup,
        Some(3),
        5,
        1,
        "Text line hours\nWhat callers hear first",
        "Callers want the text line open until 9 pm and a shorter greeting.",
    ),
    (
        20,
        Kind::AdvisoryCouncil,
        None,
        9,
        2,
        "Recovery month events\nFollow-up on the handrail",
        "Plans for recovery month; the handrail is ordered.",
    ),
];

/// A decision: meeting index, text, status, due (days after the meeting), done (days after),
/// follow-through, reason.
type DecisionSpec = (usize, &'static str, Status, Option<i64>, Option<i64>, Option<&'static str>, Option<&'static str>);

const DECISIONS: [DecisionSpec; 11] = [
    (
        0,
        "Open the drop-in room until 8 pm on Thursdays",
        Status::Done,
        Some(30),
        Some(21),
        Some("Open late since the first Thursday of the next month; posted on the board."),
        None,
    ),
    (
        0,
        "Write the house agreements with members at the next two meetings",
        Status::Done,
        Some(45),
        Some(40),
        Some("Version 1 of the house agreements recorded."),
        None,
    ),
    (
        1,
        "A peer volunteer meets every new member at the door",
        Status::Done,
        Some(60),
        Some(50),
        Some("Rota of four peer volunteers in place."),
        None,
    ),
    (
        2,
        "Offer a Saturday morning family session",
        Status::NotGoingAhead,
        Some(60),
        None,
        None,
        Some("No building access on Saturdays yet; we asked the landlord and will bring it back to the council."),
    ),
    (
        3,
        "Publish the new group guidelines in every group room",
        Status::Done,
        Some(30),
        Some(14),
        Some("Posted in both rooms and read at the start of each group for a month."),
        None,
    ),
    (
        4,
        "Fit a handrail on the front ramp",
        Status::InProgress,
        Some(200),
        None,
        Some("Quote accepted; fitting booked."),
        None,
    ),
    (4, "Add large-print signs in English and Spanish at the entrance", Status::Open, Some(120), None, None, None),
    (
        5,
        "Try restorative circles for first breaches for three months",
        Status::InProgress,
        Some(120),
        None,
        Some("Two circles held so far, both led by peers."),
        None,
    ),
    (
        6,
        "Keep the text line open until 9 pm",
        Status::Done,
        Some(30),
        Some(25),
        Some("New hours since last month; callers told in the greeting."),
        None,
    ),
    (6, "Shorten the greeting callers hear first", Status::Open, Some(90), None, None, None),
    (7, "Plan three recovery month events with members", Status::Open, Some(60), None, None, None),
];

fn drafting(items: &[(Method, Option<i32>, Option<&str>)]) -> String {
    let list: Vec<Drafting> = items
        .iter()
        .map(|(method, participants, note)| Drafting {
            method: *method,
            participants: *participants,
            note: note.map(String::from),
        })
        .collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

/// A version of a program's rules: (days ago it took effect, title, body, drafting, votes,
/// enforcement, description, meeting index, change summary).
struct RuleSpec {
    days_ago: i64,
    title: &'static str,
    body: &'static str,
    drafting: Vec<(Method, Option<i32>, Option<&'static str>)>,
    votes: Option<(i32, i32, i32)>,
    enforcement: RuleEnforcement,
    description: &'static str,
    meeting: Option<usize>,
    change: Option<&'static str>,
}

const COACHING_V1: &str = "We treat each other with respect, whatever path to recovery someone takes.\n\
What is shared here stays here, unless someone is at risk.\n\
No alcohol or drugs on site.\n\
No violence or threats.\n\
If a rule is broken, you will be asked to leave for the day.";

const COACHING_V2: &str = "We treat each other with respect, whatever path to recovery someone takes.\n\
What is shared here stays here, unless someone is at risk.\n\
No alcohol or drugs on site.\n\
No violence or threats.\n\
Phones on silent in shared spaces.\n\
If a rule is broken, a peer talks it through with you the same day.";

const COACHING_V3: &str = "We treat each other with respect, whatever path to recovery someone takes.\n\
What is shared here stays here, unless someone is at risk.\n\
No alcohol or drugs on site.\n\
No violence or threats.\n\
Phones on silent in shared spaces.\n\
If a rule is broken, a peer talks it through with you the same day.\n\
For a first breach, you are invited to a restorative circle instead of being asked to leave.";

const FAMILY_V1: &str = "Every family's story is theirs to tell.\n\
We do not give advice unless asked.\n\
Children are welcome with an adult.";

const FAMILY_V2: &str = "Every family's story is theirs to tell.\n\
We listen first and share our own experience, not advice.\n\
Children are welcome with an adult; a play corner is set up at every session.\n\
Chosen family is family.";

const GROUPS_V1: &str = "Start and finish on time.\n\
One person speaks at a time.\n\
Share your own experience using \"I\".\n\
No cross-talk.";

const GROUPS_V2: &str = "Start and finish on time.\n\
One person speaks at a time.\n\
Share your own experience using \"I\".\n\
No cross-talk.\n\
Phones on silent, not away: some of us need to be reachable.";

const GROUPS_V3: &str = "Start and finish on time.\n\
One person speaks at a time.\n\
Share your own experience using \"I\".\n\
No cross-talk.\n\
Phones on silent, not away: some of us need to be reachable.\n\
Anyone can pass; nobody has to speak.";

const LINE_V1: &str = "Callers are greeted by a peer.\n\
We never pressure anyone to give their name.\n\
Calls are not recorded.";

const LINE_V2: &str = "Callers are greeted by a peer.\n\
We never pressure anyone to give their name.\n\
Calls are not recorded.\n\
The text line is open until 9 pm.";

fn rule_specs() -> Vec<(usize, Vec<RuleSpec>)> {
    let peer = "A peer volunteer and the person talk it through the same day and agree what happens next; staff join only if the person asks.";
    vec![
        (
            0,
            vec![
                RuleSpec {
                    days_ago: 290,
                    title: "Drop-in house agreements",
                    body: COACHING_V1,
                    drafting: vec![(Method::CommunityMeeting, Some(14), None), (Method::SuggestionBox, Some(11), None)],
                    votes: None,
                    enforcement: RuleEnforcement::ParticipantPanel,
                    description: "Two members and a staff member meet with the person within a week.",
                    meeting: Some(0),
                    change: None,
                },
                RuleSpec {
                    days_ago: 180,
                    title: "Drop-in house agreements",
                    body: COACHING_V2,
                    drafting: vec![(Method::Survey, Some(38), None), (Method::Vote, Some(21), None)],
                    votes: Some((18, 2, 1)),
                    enforcement: RuleEnforcement::PeerLedReview,
                    description: peer,
                    meeting: None,
                    change: Some("Phones rule added and peers now lead the review, as the survey asked."),
                },
                RuleSpec {
                    days_ago: 80,
                    title: "Drop-in house agreements",
                    body: COACHING_V3,
                    drafting: vec![
                        (Method::CommunityMeeting, Some(16), None),
                        (Method::WorkingGroup, Some(5), Some("Five members wrote the wording over two evenings.")),
                    ],
                    votes: Some((15, 0, 1)),
                    enforcement: RuleEnforcement::RestorativeConversation,
                    description: "A peer facilitates a restorative circle with the people affected; the community meeting reviews how it went each month.",
                    meeting: Some(5),
                    change: Some("Restorative circles for a first breach, proposed by members."),
                },
            ],
        ),
        (
            1,
            vec![
                RuleSpec {
                    days_ago: 320,
                    title: "Family session agreements",
                    body: FAMILY_V1,
                    drafting: vec![(Method::WorkingGroup, Some(4), None)],
                    votes: None,
                    enforcement: RuleEnforcement::CommunityMeeting,
                    description: "Families raise concerns at the monthly family meeting and decide together.",
                    meeting: None,
                    change: None,
                },
                RuleSpec {
                    days_ago: 230,
                    title: "Family session agreements",
                    body: FAMILY_V2,
                    drafting: vec![
                        (Method::CommunityMeeting, Some(6), None),
                        (Method::Other, None, Some("Comments on a flip chart over a month")),
                    ],
                    votes: None,
                    enforcement: RuleEnforcement::PeerLedReview,
                    description: "A family peer mentor talks it through with the family and agrees next steps.",
                    meeting: Some(2),
                    change: Some("Listening before advice, a play corner, and chosen family named."),
                },
            ],
        ),
        (
            2,
            vec![
                RuleSpec {
                    days_ago: 330,
                    title: "Group guidelines",
                    body: GROUPS_V1,
                    drafting: vec![(Method::CommunityMeeting, Some(12), None)],
                    votes: None,
                    enforcement: RuleEnforcement::PeerLedReview,
                    description: "The group's peer facilitator and two members review any breach with the person.",
                    meeting: None,
                    change: None,
                },
                RuleSpec {
                    days_ago: 190,
                    title: "Group guidelines",
                    body: GROUPS_V2,
                    drafting: vec![(Method::WorkingGroup, Some(9), None), (Method::Vote, Some(24), None)],
                    votes: Some((19, 3, 2)),
                    enforcement: RuleEnforcement::PeerLedReview,
                    description: "The group's peer facilitator and two members review any breach with the person.",
                    meeting: Some(3),
                    change: Some("Phones on silent rather than away."),
                },
                RuleSpec {
                    days_ago: 40,
                    title: "Group guidelines",
                    body: GROUPS_V3,
                    drafting: vec![(Method::Survey, Some(27), None)],
                    votes: None,
                    enforcement: RuleEnforcement::PeerLedReview,
                    description: "The group's peer facilitator and two members review any breach with the person.",
                    meeting: None,
                    change: Some("Anyone can pass, from the survey's comments."),
                },
            ],
        ),
        (
            3,
            vec![
                RuleSpec {
                    days_ago: 270,
                    title: "How we answer the line",
                    body: LINE_V1,
                    drafting: vec![(Method::SuggestionBox, Some(9), None)],
                    votes: None,
                    enforcement: RuleEnforcement::ParticipantPanel,
                    description: "The volunteer panel reviews any complaint about how a call was handled.",
                    meeting: None,
                    change: None,
                },
                RuleSpec {
                    days_ago: 35,
                    title: "How we answer the line",
                    body: LINE_V2,
                    drafting: vec![(Method::CommunityMeeting, Some(5), None)],
                    votes: None,
                    enforcement: RuleEnforcement::ParticipantPanel,
                    description: "The volunteer panel reviews any complaint about how a call was handled.",
                    meeting: Some(6),
                    change: Some("Text line hours, as callers asked."),
                },
            ],
        ),
    ]
}

/// A survey: days ago it ended, title, program index, method, invited, respondents, findings,
/// actions, results (question, kind, value, scale, themes).
type ResultSpec = (&'static str, ResultKind, Option<f64>, Option<f64>, Option<&'static str>);
type SurveySpec =
    (i64, &'static str, Option<usize>, SurveyMethod, Option<i32>, i32, &'static str, &'static str, Vec<ResultSpec>);

pub(super) async fn insert(txn: &db::WriteTxn, rng: &mut ChaCha8Rng, demo: &VoiceDemo<'_>) -> anyhow::Result<()> {
    let org_id = demo.org_id;
    let now = demo.now;
    let today: Date = now.date();
    let program = |i: Option<usize>| i.and_then(|i| demo.programs.get(i).copied());
    let recorder = demo.team.director;

    // Meetings.
    let mut meeting_ids: Vec<Uuid> = Vec::new();
    let mut meetings = Vec::new();
    for (days, kind, prog, participants, staff, topics, summary) in MEETINGS {
        let id = uuid(rng);
        meeting_ids.push(id);
        meetings.push(advisory_meeting::ActiveModel::from(advisory_meeting::Model {
            id,
            org_id,
            kind: kind.code().into(),
            program_id: program(prog),
            held_on: today - Duration::days(days),
            place: Some(if days % 3 == 0 { "Community room" } else { "Main drop-in room" }.into()),
            online: days == 250,
            participant_count: participants,
            staff_count: staff,
            topics: topics.into(),
            summary: Some(summary.into()),
            recorded_by: recorder,
            version: 1,
            created_at: now,
            updated_at: now,
        }));
    }
    insert_all(txn, meetings).await?;

    // Two people from the coach's caseload agreed to be named at the latest community meeting.
    let named: Vec<Uuid> =
        demo.members.iter().filter(|m| m.worker == demo.team.coach).take(2).map(|m| m.person_id).collect();
    let attendees = named
        .iter()
        .map(|person_id| {
            advisory_attendee::ActiveModel::from(advisory_attendee::Model {
                id: uuid(rng),
                org_id,
                meeting_id: meeting_ids[5],
                person_id: *person_id,
                consent_to_name_on: today - Duration::days(MEETINGS[5].0),
                recorded_by: demo.team.coach,
                recorded_at: now,
            })
        })
        .collect();
    insert_all(txn, attendees).await?;

    // Decisions, with owners among the named staff.
    let owners = [demo.team.director, demo.team.supervisor, demo.team.coach, demo.team.facilitator];
    let mut decisions = Vec::new();
    for (i, (meeting, text, status, due, done, follow, reason)) in DECISIONS.iter().enumerate() {
        let held_on = today - Duration::days(MEETINGS[*meeting].0);
        decisions.push(advisory_decision::ActiveModel::from(advisory_decision::Model {
            id: uuid(rng),
            org_id,
            meeting_id: meeting_ids[*meeting],
            text: (*text).into(),
            owner_id: Some(owners[i % owners.len()]),
            due_on: due.map(|d| held_on + Duration::days(d)),
            status: status.code().into(),
            follow_through: follow.map(String::from),
            reason: reason.map(String::from),
            done_on: done.map(|d| held_on + Duration::days(d)),
            recorded_by: recorder,
            updated_by: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }));
    }
    insert_all(txn, decisions).await?;

    // Rules: two or three versions for each program.
    let mut rules = Vec::new();
    for (prog, versions) in rule_specs() {
        let program_id = program(Some(prog));
        for (n, v) in versions.into_iter().enumerate() {
            rules.push(program_rule::ActiveModel::from(program_rule::Model {
                id: uuid(rng),
                org_id,
                program_id,
                scope: scope_of(program_id),
                version_number: n as i32 + 1,
                title: v.title.into(),
                body: v.body.into(),
                effective_from: today - Duration::days(v.days_ago),
                drafting: drafting(&v.drafting),
                drafting_notes: None,
                votes_for: v.votes.map(|x| x.0),
                votes_against: v.votes.map(|x| x.1),
                votes_abstain: v.votes.map(|x| x.2),
                enforcement: v.enforcement.code().into(),
                enforcement_description: v.description.into(),
                drafted_at_meeting_id: v.meeting.map(|m| meeting_ids[m]),
                change_summary: v.change.map(String::from),
                recorded_by: recorder,
                recorded_at: now - Duration::days(v.days_ago + 3),
            }));
        }
    }
    insert_all(txn, rules).await?;

    // Surveys.
    let surveys: [SurveySpec; 3] = [
        (
            210,
            "Spring participant survey",
            None,
            SurveyMethod::Mixed,
            Some(60),
            42,
            "Most people feel welcome and listened to; the front entrance and signs were the main complaints.",
            "Handrail and large-print signs taken to the advisory council; results posted on the board.",
            vec![
                ("I feel welcome here", ResultKind::Percent, Some(88.0), None, None),
                ("Staff and peers listen to me", ResultKind::Average, Some(4.4), Some(5.0), None),
                ("I had a say in the house agreements", ResultKind::Percent, Some(71.0), None, None),
                (
                    "What would make this a better place?",
                    ResultKind::Themes,
                    None,
                    None,
                    Some("Easier entrance; signs in Spanish; later hours"),
                ),
            ],
        ),
        (
            120,
            "Family session check-in",
            Some(1),
            SurveyMethod::Paper,
            Some(18),
            12,
            "Families value the sessions; weekday mornings are hard for many.",
            "Saturday sessions asked for; not possible yet (building access), told to families at the next session.",
            vec![
                ("Sessions help my family", ResultKind::Average, Some(4.6), Some(5.0), None),
                ("Families who could come on a Saturday", ResultKind::Count, Some(9.0), None, None),
            ],
        ),
        (
            30,
            "Group guidelines survey",
            Some(2),
            SurveyMethod::Online,
            None,
            27,
            "Members want to be able to pass without explaining.",
            "Guideline added: anyone can pass.",
            vec![
                ("The guidelines keep groups safe", ResultKind::Percent, Some(93.0), None, None),
                ("Members who asked for a right to pass", ResultKind::Count, Some(11.0), None, None),
            ],
        ),
    ];
    let mut survey_rows = Vec::new();
    let mut result_rows = Vec::new();
    for (days, title, prog, method, invited, respondents, findings, actions, results) in surveys {
        let id = uuid(rng);
        let end = today - Duration::days(days);
        survey_rows.push(participant_survey::ActiveModel::from(participant_survey::Model {
            id,
            org_id,
            title: title.into(),
            program_id: program(prog),
            period_start: end - Duration::days(21),
            period_end: end,
            method: method.code().into(),
            invited,
            respondents,
            findings: Some(findings.into()),
            actions_taken: Some(actions.into()),
            recorded_by: demo.team.director,
            version: 1,
            created_at: now,
            updated_at: now,
        }));
        for (i, (question, kind, value, scale, themes)) in results.into_iter().enumerate() {
            result_rows.push(survey_result::ActiveModel::from(survey_result::Model {
                id: uuid(rng),
                org_id,
                survey_id: id,
                position: i as i32,
                question: question.into(),
                kind: kind.code().into(),
                value,
                scale_max: scale,
                themes: themes.map(String::from),
                note: None,
            }));
        }
    }
    insert_all(txn, survey_rows).await?;
    insert_all(txn, result_rows).await?;
    Ok(())
}
