//! Rules for participation (pure, no IO): how participants shape the program (CSE 7.02 /
//! CA-CSE 7.03). Program-rule versions record how participants took part in drafting them and how
//! the rules are enforced together; advisory and community meetings carry topics, counts or named
//! attendees (only with their agreement) and decisions with follow-through; participant surveys
//! carry results. Input from forms and the API is parsed here into checked values, with one
//! specific message per field.

use super::validation::FieldErrors;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::HashSet;
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 60_000;
pub const NOTE_MAX: usize = 4000;
pub const TOPIC_MAX: usize = 300;
pub const TOPICS_MAX: usize = 30;
pub const DECISION_MAX: usize = 2000;
pub const QUESTION_MAX: usize = 500;
pub const RESULTS_MAX: usize = 60;
/// Counts of people above this are mistakes, not meetings.
pub const PEOPLE_MAX: i64 = 100_000;
pub const SCALE_MAX: f64 = 100.0;

text_code!(
    /// How participants took part in drafting a version of the program rules.
    ParticipationMethod {
        CommunityMeeting => "community-meeting",
        Survey => "survey",
        Vote => "vote",
        WorkingGroup => "working-group",
        SuggestionBox => "suggestion-box",
        Other => "other",
    }
);

impl ParticipationMethod {
    /// Every method but "other" counts the people who took part (at least one).
    pub fn needs_count(self) -> bool {
        self != ParticipationMethod::Other
    }
}

text_code!(
    /// How the rules are enforced. Everything but `staff-only` involves participants.
    RuleEnforcement {
        PeerLedReview => "peer-led-review",
        CommunityMeeting => "community-meeting",
        RestorativeConversation => "restorative-conversation",
        ParticipantPanel => "participant-panel",
        StaffOnly => "staff-only",
        Other => "other",
    }
);

impl RuleEnforcement {
    /// Whether participants take part in enforcing the rules (what CSE 7.02 asks for).
    pub fn participant_led(self) -> bool {
        self != RuleEnforcement::StaffOnly
    }
}

text_code!(
    /// What kind of meeting participants shaped the program in.
    AdvisoryMeetingKind {
        AdvisoryCouncil => "advisory-council",
        CommunityMeeting => "community-meeting",
        FocusGroup => "focus-group",
        ParticipantCommittee => "participant-committee",
    }
);

text_code!(
    /// Where a decision taken at a meeting stands.
    AdvisoryDecisionStatus {
        Open => "open",
        InProgress => "in-progress",
        Done => "done",
        NotGoingAhead => "not-going-ahead",
    }
);

impl AdvisoryDecisionStatus {
    /// Done, or not going ahead (with a reason): nothing more to follow through.
    pub fn is_closed(self) -> bool {
        matches!(self, AdvisoryDecisionStatus::Done | AdvisoryDecisionStatus::NotGoingAhead)
    }
}

/// A decision is overdue when it is still open or in progress and its due date has passed.
pub fn decision_overdue(status: AdvisoryDecisionStatus, due_on: Option<Date>, today: Date) -> bool {
    !status.is_closed() && due_on.is_some_and(|d| d < today)
}

text_code!(
    /// How a participant survey was given.
    SurveyMethod { Paper => "paper", Online => "online", Interview => "interview", Mixed => "mixed" }
);

text_code!(
    /// What one survey result holds: the percentage agreeing (0–100), an average score on a
    /// scale, a count of respondents, or themes from open answers as text.
    SurveyResultKind {
        Percent => "percent",
        Average => "average",
        Count => "count",
        Themes => "themes",
    }
);

/// Respondents as a percentage of those invited, to one decimal place; None when the number
/// invited is unknown or zero.
pub fn response_rate(invited: Option<i32>, respondents: i32) -> Option<f64> {
    let invited = invited.filter(|n| *n > 0)?;
    Some((f64::from(respondents) * 1000.0 / f64::from(invited)).round() / 10.0)
}

/// Reads a number sent as a JSON number or as form text (forms send everything as text).
pub fn number_or_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Float(f64),
        Text(String),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        None => None,
        Some(Raw::Int(n)) => Some(n.to_string()),
        Some(Raw::Float(n)) => Some(n.to_string()),
        Some(Raw::Text(t)) => Some(t),
    })
}

fn blank(raw: Option<&str>) -> bool {
    raw.is_none_or(|v| v.trim().is_empty())
}

/// A whole number from `min` to `max`; None (with the message) when it is not one.
fn whole(errors: &mut FieldErrors, field: &str, raw: Option<&str>, min: i64, max: i64) -> Option<i32> {
    let text = raw.map(str::trim).filter(|v| !v.is_empty())?;
    match text.parse::<i64>() {
        Ok(n) if n < min && min == 0 => {
            errors.add(field, "participation-error-negative");
            None
        }
        Ok(n) if n < min => {
            errors.add_with(field, "participation-error-at-least", vec![("min", min.to_string())]);
            None
        }
        Ok(n) if n > max => {
            errors.add_with(field, "participation-error-at-most", vec![("max", max.to_string())]);
            None
        }
        Ok(n) => Some(n as i32),
        Err(_) => {
            errors.add(field, "participation-error-whole-number");
            None
        }
    }
}

/// A number with at most two decimal places' worth of sense (e.g. 4.25).
fn decimal(errors: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<f64> {
    let text = raw.map(str::trim).filter(|v| !v.is_empty())?;
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Some(n),
        _ => {
            errors.add(field, "participation-error-number");
            None
        }
    }
}

fn required_date(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<Date> {
    if raw.trim().is_empty() {
        errors.add(field, "participation-error-date-required");
        None
    } else {
        errors.optional_date(field, Some(raw))
    }
}

// ---------- program rules ----------

/// One way participants took part in drafting a version: the method, how many took part, a note.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct DraftingInput {
    /// `community-meeting`, `survey`, `vote`, `working-group`, `suggestion-box` or `other`.
    pub method: String,
    /// How many participants took part (at least 1; may be left out for `other`).
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub participants: Option<String>,
    /// What they did (required for `other`).
    pub note: Option<String>,
}

/// A new version of the program rules as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct RuleVersionInput {
    pub title: String,
    /// The rules themselves, as plain text (one rule or paragraph a line).
    pub body: String,
    /// The day this version takes effect (YYYY-MM-DD), not before the previous version's.
    pub effective_from: String,
    /// How participants took part in drafting it: at least one method.
    pub drafting: Vec<DraftingInput>,
    /// Anything else about how participants shaped this version.
    pub drafting_notes: Option<String>,
    /// A vote's result, when there was one.
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub votes_for: Option<String>,
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub votes_against: Option<String>,
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub votes_abstain: Option<String>,
    /// `peer-led-review`, `community-meeting`, `restorative-conversation`, `participant-panel`,
    /// `staff-only` (not participant-led) or `other`.
    pub enforcement: String,
    /// How the rules are enforced together, in a few sentences.
    pub enforcement_description: String,
    /// The advisory or community meeting where it was drafted, if any.
    pub drafted_at_meeting_id: Option<Uuid>,
    /// What changed from the previous version and why.
    pub change_summary: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Drafting {
    pub method: ParticipationMethod,
    pub participants: Option<i32>,
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Votes {
    pub votes_for: i32,
    pub against: i32,
    pub abstain: i32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidRuleVersion {
    pub title: String,
    pub body: String,
    pub effective_from: Date,
    pub drafting: Vec<Drafting>,
    pub drafting_notes: Option<String>,
    pub votes: Option<Votes>,
    pub enforcement: RuleEnforcement,
    pub enforcement_description: String,
    pub drafted_at_meeting_id: Option<Uuid>,
    pub change_summary: Option<String>,
}

/// The field a drafting method's participant count is reported under (the form's input name).
pub fn participants_field(method: &str) -> String {
    format!("participants-{method}")
}

pub fn drafting_note_field(method: &str) -> String {
    format!("drafting-note-{method}")
}

/// Checks a new rules version. `previous_effective` is the current version's effective date.
pub fn validate_rule_version(
    input: &RuleVersionInput,
    previous_effective: Option<Date>,
) -> Result<ValidRuleVersion, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = errors.required("title", &input.title, TITLE_MAX);
    let body = errors.required("body", &input.body, BODY_MAX);
    let effective_from = required_date(&mut errors, "effective_from", &input.effective_from);
    if let (Some(d), Some(prev)) = (effective_from, previous_effective)
        && d < prev
    {
        errors.add_with(
            "effective_from",
            "participation-error-effective-before-previous",
            vec![("date", prev.to_string())],
        );
    }

    let mut drafting = Vec::new();
    let mut seen = HashSet::new();
    for row in &input.drafting {
        if row.method.trim().is_empty() && blank(row.participants.as_deref()) && blank(row.note.as_deref()) {
            continue;
        }
        let Some(method) = ParticipationMethod::parse(&row.method) else {
            errors.add("drafting", "participation-error-method-unknown");
            continue;
        };
        if !seen.insert(method) {
            errors.add("drafting", "participation-error-method-twice");
            continue;
        }
        let count_field = participants_field(method.code());
        let participants = if method.needs_count() && blank(row.participants.as_deref()) {
            errors.add(&count_field, "participation-error-participants-required");
            None
        } else {
            let min = if method.needs_count() { 1 } else { 0 };
            whole(&mut errors, &count_field, row.participants.as_deref(), min, PEOPLE_MAX)
        };
        let note_field = drafting_note_field(method.code());
        let note = errors.optional(&note_field, row.note.as_deref(), NOTE_MAX);
        if method == ParticipationMethod::Other && note.is_none() {
            errors.add(&note_field, "participation-error-other-note-required");
        }
        drafting.push(Drafting { method, participants, note });
    }
    if drafting.is_empty() && !errors.0.iter().any(|e| e.field == "drafting") {
        errors.add("drafting", "participation-error-method-required");
    }
    drafting.sort_by_key(|d| ParticipationMethod::ALL.iter().position(|m| *m == d.method));
    let drafting_notes = errors.optional("drafting_notes", input.drafting_notes.as_deref(), NOTE_MAX);

    let votes_raw = [
        ("votes_for", input.votes_for.as_deref()),
        ("votes_against", input.votes_against.as_deref()),
        ("votes_abstain", input.votes_abstain.as_deref()),
    ];
    let any_vote = votes_raw.iter().any(|(_, v)| !blank(*v));
    let counts: Vec<Option<i32>> =
        votes_raw.iter().map(|(field, raw)| whole(&mut errors, field, *raw, 0, PEOPLE_MAX)).collect();
    let vote_errors = errors.0.iter().any(|e| e.field.starts_with("votes_"));
    let votes = if any_vote {
        // A vote where nobody voted is a mistake.
        if !vote_errors && counts.iter().all(|c| c.unwrap_or(0) == 0) {
            errors.add("votes_for", "participation-error-votes-empty");
        }
        Some(Votes {
            votes_for: counts[0].unwrap_or(0),
            against: counts[1].unwrap_or(0),
            abstain: counts[2].unwrap_or(0),
        })
    } else {
        None
    };

    let enforcement = errors.required_code("enforcement", &input.enforcement, RuleEnforcement::parse);
    let enforcement_description = if input.enforcement_description.trim().is_empty() {
        errors.add("enforcement_description", "participation-error-enforcement-description");
        String::new()
    } else {
        errors.required("enforcement_description", &input.enforcement_description, NOTE_MAX)
    };
    let change_summary = errors.optional("change_summary", input.change_summary.as_deref(), NOTE_MAX);

    match (effective_from, enforcement) {
        (Some(effective_from), Some(enforcement)) if errors.is_empty() => Ok(ValidRuleVersion {
            title,
            body: normalise_body(&body),
            effective_from,
            drafting,
            drafting_notes,
            votes,
            enforcement,
            enforcement_description,
            drafted_at_meeting_id: input.drafted_at_meeting_id,
            change_summary,
        }),
        _ => Err(errors),
    }
}

/// Line endings as `\n` and no trailing spaces, so two versions compare line by line.
pub fn normalise_body(body: &str) -> String {
    body.replace("\r\n", "\n").replace('\r', "\n").lines().map(str::trim_end).collect::<Vec<_>>().join("\n")
}

// ---------- line diff ----------

/// One line of a comparison between two versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "change", content = "line", rename_all = "kebab-case")]
pub enum DiffLine {
    Same(String),
    Added(String),
    Removed(String),
}

impl DiffLine {
    pub fn text(&self) -> &str {
        match self {
            DiffLine::Same(t) | DiffLine::Added(t) | DiffLine::Removed(t) => t,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            DiffLine::Same(_) => "same",
            DiffLine::Added(_) => "added",
            DiffLine::Removed(_) => "removed",
        }
    }
}

/// Above this many cells the middle of two texts is shown as removed then added, not matched.
const DIFF_CELLS_MAX: usize = 4_000_000;

/// A line-by-line comparison (longest common subsequence) of `before` and `after`: unchanged
/// lines, removed lines before the lines that replace them.
pub fn line_diff(before: &str, after: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = if before.is_empty() { Vec::new() } else { before.lines().collect() };
    let b: Vec<&str> = if after.is_empty() { Vec::new() } else { after.lines().collect() };
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (a_mid, b_mid) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut out: Vec<DiffLine> = a[..prefix].iter().map(|l| DiffLine::Same((*l).into())).collect();
    let (n, m) = (a_mid.len(), b_mid.len());
    if n * m > DIFF_CELLS_MAX {
        out.extend(a_mid.iter().map(|l| DiffLine::Removed((*l).into())));
        out.extend(b_mid.iter().map(|l| DiffLine::Added((*l).into())));
    } else {
        // lcs[i][j]: the longest common subsequence of a_mid[i..] and b_mid[j..].
        let width = m + 1;
        let mut lcs = vec![0u32; (n + 1) * width];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * width + j] = if a_mid[i] == b_mid[j] {
                    lcs[(i + 1) * width + j + 1] + 1
                } else {
                    lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && a_mid[i] == b_mid[j] {
                out.push(DiffLine::Same(a_mid[i].into()));
                i += 1;
                j += 1;
            } else if i < n && (j == m || lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
                out.push(DiffLine::Removed(a_mid[i].into()));
                i += 1;
            } else {
                out.push(DiffLine::Added(b_mid[j].into()));
                j += 1;
            }
        }
    }
    out.extend(a[a.len() - suffix..].iter().map(|l| DiffLine::Same((*l).into())));
    out
}

// ---------- meetings ----------

/// A participant named in a meeting's record.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct AttendeeInput {
    pub person_id: Uuid,
    /// The person agreed to be named in this record (required to name them).
    pub agreed_to_be_named: bool,
}

/// An advisory council, community meeting, focus group or participant-led committee as the form
/// and the API send it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct MeetingInput {
    /// `advisory-council`, `community-meeting`, `focus-group` or `participant-committee`.
    pub kind: String,
    /// The program it concerned; left out for the whole organisation.
    pub program_id: Option<Uuid>,
    /// The day it was held (YYYY-MM-DD), not after today.
    pub held_on: String,
    pub place: Option<String>,
    /// Held online (or partly online).
    pub online: bool,
    /// How many participants (people served) took part, named or not.
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub participant_count: Option<String>,
    /// How many staff were there.
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub staff_count: Option<String>,
    /// What was discussed, one topic a line.
    pub topics: String,
    pub summary: Option<String>,
    /// Participants named in the record, each only with their agreement.
    pub attendees: Vec<AttendeeInput>,
    /// When they agreed to be named (YYYY-MM-DD); the meeting's day when left out.
    pub consent_on: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidMeeting {
    pub kind: AdvisoryMeetingKind,
    pub program_id: Option<Uuid>,
    pub held_on: Date,
    pub place: Option<String>,
    pub online: bool,
    pub participant_count: i32,
    pub staff_count: i32,
    pub topics: Vec<String>,
    pub summary: Option<String>,
    /// Named participants, each once.
    pub attendees: Vec<Uuid>,
    pub consent_on: Date,
}

pub fn validate_meeting(input: &MeetingInput, today: Date) -> Result<ValidMeeting, FieldErrors> {
    let mut errors = FieldErrors::new();
    let kind = errors.required_code("kind", &input.kind, AdvisoryMeetingKind::parse);
    let held_on = required_date(&mut errors, "held_on", &input.held_on);
    if held_on.is_some_and(|d| d > today) {
        errors.add_with("held_on", "participation-error-future", vec![("today", today.to_string())]);
    }
    let place = errors.optional("place", input.place.as_deref(), TITLE_MAX);
    let participant_count = if blank(input.participant_count.as_deref()) {
        errors.add("participant_count", "participation-error-count-required");
        None
    } else {
        whole(&mut errors, "participant_count", input.participant_count.as_deref(), 0, PEOPLE_MAX)
    };
    let staff_count = whole(&mut errors, "staff_count", input.staff_count.as_deref(), 0, PEOPLE_MAX);
    let topics = topic_lines(&input.topics);
    if topics.is_empty() {
        errors.add("topics", "participation-error-topics-required");
    } else if topics.len() > TOPICS_MAX {
        errors.add_with("topics", "participation-error-topics-too-many", vec![("max", TOPICS_MAX.to_string())]);
    } else if topics.iter().any(|t| t.chars().count() > TOPIC_MAX) {
        errors.add_with("topics", "participation-error-topic-too-long", vec![("max", TOPIC_MAX.to_string())]);
    }
    let summary = errors.optional("summary", input.summary.as_deref(), BODY_MAX);
    let mut attendees: Vec<Uuid> = Vec::new();
    for a in &input.attendees {
        if !attendees.contains(&a.person_id) {
            attendees.push(a.person_id);
        }
    }
    if input.attendees.iter().any(|a| !a.agreed_to_be_named) {
        errors.add("named_consent", "participation-error-named-consent");
    }
    if let Some(count) = participant_count
        && attendees.len() > count as usize
    {
        errors.add_with(
            "participant_count",
            "participation-error-named-over-count",
            vec![("named", attendees.len().to_string())],
        );
    }
    let consent_on = errors.optional_date("consent_on", input.consent_on.as_deref());
    if consent_on.is_some_and(|d| d > today) {
        errors.add_with("consent_on", "participation-error-future", vec![("today", today.to_string())]);
    }
    match (kind, held_on, participant_count) {
        (Some(kind), Some(held_on), Some(participant_count)) if errors.is_empty() => Ok(ValidMeeting {
            kind,
            program_id: input.program_id,
            held_on,
            place,
            online: input.online,
            participant_count,
            staff_count: staff_count.unwrap_or(0),
            topics,
            summary,
            attendees,
            consent_on: consent_on.unwrap_or(held_on),
        }),
        _ => Err(errors),
    }
}

/// Topics one a line, trimmed, blank lines and leading bullets dropped.
pub fn topic_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim().trim_start_matches(['-', '*', '•']).trim())
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

// ---------- decisions ----------

/// A decision taken at a meeting, or its follow-through, as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct AdvisoryDecisionInput {
    /// What was decided.
    pub text: String,
    /// The staff member who follows it through.
    pub owner_id: Option<Uuid>,
    /// When it should be done by (YYYY-MM-DD).
    pub due_on: Option<String>,
    /// `open` (the default), `in-progress`, `done` or `not-going-ahead`.
    pub status: String,
    /// What has been done so far, told back to participants.
    pub follow_through: Option<String>,
    /// Why it is not going ahead (required for `not-going-ahead`).
    pub reason: Option<String>,
    /// The day it was done (YYYY-MM-DD); today when left out on a `done` decision.
    pub done_on: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidDecision {
    pub text: String,
    pub owner_id: Option<Uuid>,
    pub due_on: Option<Date>,
    pub status: AdvisoryDecisionStatus,
    pub follow_through: Option<String>,
    pub reason: Option<String>,
    pub done_on: Option<Date>,
}

/// Checks a decision of a meeting held on `held_on`.
pub fn validate_decision(
    input: &AdvisoryDecisionInput,
    held_on: Date,
    today: Date,
) -> Result<ValidDecision, FieldErrors> {
    let mut errors = FieldErrors::new();
    let text = errors.required("text", &input.text, DECISION_MAX);
    let due_on = errors.optional_date("due_on", input.due_on.as_deref());
    if due_on.is_some_and(|d| d < held_on) {
        errors.add_with("due_on", "participation-error-due-before-meeting", vec![("date", held_on.to_string())]);
    }
    let status = if input.status.trim().is_empty() {
        Some(AdvisoryDecisionStatus::Open)
    } else {
        errors.required_code("status", &input.status, AdvisoryDecisionStatus::parse)
    };
    let follow_through = errors.optional("follow_through", input.follow_through.as_deref(), NOTE_MAX);
    let reason = errors.optional("reason", input.reason.as_deref(), NOTE_MAX);
    if status == Some(AdvisoryDecisionStatus::NotGoingAhead) && reason.is_none() {
        errors.add("reason", "participation-error-reason-required");
    }
    let mut done_on = errors.optional_date("done_on", input.done_on.as_deref());
    if let Some(d) = done_on {
        if d > today {
            errors.add_with("done_on", "participation-error-future", vec![("today", today.to_string())]);
        } else if d < held_on {
            errors.add_with("done_on", "participation-error-done-before-meeting", vec![("date", held_on.to_string())]);
        }
    }
    if status == Some(AdvisoryDecisionStatus::Done) {
        done_on = done_on.or(Some(today));
    } else {
        done_on = None;
    }
    match status {
        Some(status) if errors.is_empty() => Ok(ValidDecision {
            text,
            owner_id: input.owner_id,
            due_on,
            status,
            follow_through,
            reason: if status == AdvisoryDecisionStatus::NotGoingAhead { reason } else { None },
            done_on,
        }),
        _ => Err(errors),
    }
}

// ---------- surveys ----------

/// One result of a survey as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct SurveyResultInput {
    /// The question or statement asked.
    pub question: String,
    /// `percent` (agreeing, 0–100), `average` (a score with `scale_max`), `count` or `themes`.
    pub kind: String,
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<f64>)]
    pub value: Option<String>,
    /// The top of the scale for an average (e.g. 5).
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<f64>)]
    pub scale_max: Option<String>,
    /// Themes from open answers (for `themes`).
    pub themes: Option<String>,
    pub note: Option<String>,
}

impl SurveyResultInput {
    fn is_blank(&self) -> bool {
        self.question.trim().is_empty()
            && self.kind.trim().is_empty()
            && blank(self.value.as_deref())
            && blank(self.scale_max.as_deref())
            && blank(self.themes.as_deref())
            && blank(self.note.as_deref())
    }
}

/// A participant survey as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct SurveyInput {
    pub title: String,
    /// The program it asked about; left out for the whole organisation.
    pub program_id: Option<Uuid>,
    /// The period it ran (YYYY-MM-DD).
    pub period_start: String,
    pub period_end: String,
    /// `paper`, `online`, `interview` or `mixed`.
    pub method: String,
    /// How many people were invited (leave out if unknown).
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub invited: Option<String>,
    /// How many answered (no more than were invited).
    #[serde(deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub respondents: Option<String>,
    /// What the survey found, in words.
    pub findings: Option<String>,
    /// What the organisation did about it.
    pub actions_taken: Option<String>,
    /// Blank rows are ignored.
    pub results: Vec<SurveyResultInput>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidResult {
    pub question: String,
    pub kind: SurveyResultKind,
    pub value: Option<f64>,
    pub scale_max: Option<f64>,
    pub themes: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidSurvey {
    pub title: String,
    pub program_id: Option<Uuid>,
    pub period_start: Date,
    pub period_end: Date,
    pub method: SurveyMethod,
    pub invited: Option<i32>,
    pub respondents: i32,
    pub findings: Option<String>,
    pub actions_taken: Option<String>,
    pub results: Vec<ValidResult>,
}

/// The field name of a survey result's part, as the form names it (`result-0-value`).
pub fn result_field(row: usize, part: &str) -> String {
    format!("result-{row}-{part}")
}

pub fn validate_survey(input: &SurveyInput) -> Result<ValidSurvey, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = errors.required("title", &input.title, TITLE_MAX);
    let period_start = required_date(&mut errors, "period_start", &input.period_start);
    let period_end = required_date(&mut errors, "period_end", &input.period_end);
    if let (Some(s), Some(e)) = (period_start, period_end)
        && e < s
    {
        errors.add("period_end", "participation-error-period-order");
    }
    let method = errors.required_code("method", &input.method, SurveyMethod::parse);
    let invited = whole(&mut errors, "invited", input.invited.as_deref(), 0, PEOPLE_MAX);
    let respondents = if blank(input.respondents.as_deref()) {
        errors.add("respondents", "participation-error-respondents-required");
        None
    } else {
        whole(&mut errors, "respondents", input.respondents.as_deref(), 0, PEOPLE_MAX)
    };
    if let (Some(i), Some(r)) = (invited, respondents)
        && r > i
    {
        errors.add_with(
            "respondents",
            "participation-error-respondents-over-invited",
            vec![("invited", i.to_string())],
        );
    }
    let findings = errors.optional("findings", input.findings.as_deref(), BODY_MAX);
    let actions_taken = errors.optional("actions_taken", input.actions_taken.as_deref(), BODY_MAX);
    let mut results = Vec::new();
    for (i, row) in input.results.iter().enumerate() {
        if row.is_blank() {
            continue;
        }
        if let Some(r) = validate_result(&mut errors, i, row) {
            results.push(r);
        }
    }
    if results.len() > RESULTS_MAX {
        errors.add_with("results", "participation-error-results-too-many", vec![("max", RESULTS_MAX.to_string())]);
    }
    match (period_start, period_end, method, respondents) {
        (Some(period_start), Some(period_end), Some(method), Some(respondents)) if errors.is_empty() => {
            Ok(ValidSurvey {
                title,
                program_id: input.program_id,
                period_start,
                period_end,
                method,
                invited,
                respondents,
                findings,
                actions_taken,
                results,
            })
        }
        _ => Err(errors),
    }
}

fn validate_result(errors: &mut FieldErrors, i: usize, row: &SurveyResultInput) -> Option<ValidResult> {
    let before = errors.0.len();
    let question = errors.required(&result_field(i, "question"), &row.question, QUESTION_MAX);
    let kind = errors.required_code(&result_field(i, "kind"), &row.kind, SurveyResultKind::parse);
    let value_field = result_field(i, "value");
    let note = errors.optional(&result_field(i, "note"), row.note.as_deref(), NOTE_MAX);
    let (mut value, mut scale_max, mut themes) = (None, None, None);
    match kind {
        Some(SurveyResultKind::Percent) => {
            if blank(row.value.as_deref()) {
                errors.add(&value_field, "participation-error-value-required");
            } else if let Some(v) = decimal(errors, &value_field, row.value.as_deref()) {
                if !(0.0..=100.0).contains(&v) {
                    errors.add(&value_field, "participation-error-percent-range");
                }
                value = Some(v);
            }
        }
        Some(SurveyResultKind::Average) => {
            let scale_field = result_field(i, "scale_max");
            if blank(row.scale_max.as_deref()) {
                errors.add(&scale_field, "participation-error-scale-required");
            } else if let Some(s) = decimal(errors, &scale_field, row.scale_max.as_deref()) {
                if s <= 0.0 || s > SCALE_MAX {
                    errors.add_with(&scale_field, "participation-error-scale-range", vec![("max", "100".into())]);
                }
                scale_max = Some(s);
            }
            if blank(row.value.as_deref()) {
                errors.add(&value_field, "participation-error-value-required");
            } else if let Some(v) = decimal(errors, &value_field, row.value.as_deref()) {
                if v < 0.0 {
                    errors.add(&value_field, "participation-error-negative");
                } else if scale_max.is_some_and(|s| v > s) {
                    errors.add_with(
                        &value_field,
                        "participation-error-average-over-scale",
                        vec![("scale", number(scale_max.unwrap_or(0.0)))],
                    );
                }
                value = Some(v);
            }
        }
        Some(SurveyResultKind::Count) => {
            if blank(row.value.as_deref()) {
                errors.add(&value_field, "participation-error-value-required");
            } else {
                value = whole(errors, &value_field, row.value.as_deref(), 0, PEOPLE_MAX).map(f64::from);
            }
        }
        Some(SurveyResultKind::Themes) => {
            themes = errors.optional(&result_field(i, "themes"), row.themes.as_deref(), NOTE_MAX);
            if themes.is_none() {
                errors.add(&result_field(i, "themes"), "participation-error-themes-required");
            }
        }
        None => {}
    }
    match kind {
        Some(kind) if errors.0.len() == before => Some(ValidResult { question, kind, value, scale_max, themes, note }),
        _ => None,
    }
}

/// A number as people read it: "12", "4.2".
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 { format!("{}", n as i64) } else { format!("{}", (n * 100.0).round() / 100.0) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn codes(errors: &FieldErrors) -> Vec<(String, &'static str)> {
        errors.0.iter().map(|e| (e.field.clone(), e.message_id)).collect()
    }

    fn rules() -> RuleVersionInput {
        RuleVersionInput {
            title: "House agreements".into(),
            body: "Be kind.\nNo use on site.".into(),
            effective_from: "2026-03-01".into(),
            drafting: vec![DraftingInput {
                method: "community-meeting".into(),
                participants: Some("14".into()),
                note: None,
            }],
            enforcement: "peer-led-review".into(),
            enforcement_description: "Two peers and the person talk it through within a week.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_rules_version_needs_a_participation_method() {
        let mut input = rules();
        input.drafting.clear();
        let errors = validate_rule_version(&input, None).unwrap_err();
        assert_eq!(codes(&errors), vec![("drafting".into(), "participation-error-method-required")]);
        // A blank row is the same as none.
        input.drafting.push(DraftingInput::default());
        assert!(validate_rule_version(&input, None).is_err());
    }

    #[test]
    fn each_method_but_other_counts_at_least_one_participant() {
        let mut input = rules();
        input.drafting = vec![
            DraftingInput { method: "vote".into(), participants: Some("0".into()), note: None },
            DraftingInput { method: "survey".into(), participants: None, note: None },
            DraftingInput { method: "working-group".into(), participants: Some("three".into()), note: None },
            DraftingInput { method: "other".into(), participants: None, note: Some("Wall of ideas".into()) },
        ];
        let errors = validate_rule_version(&input, None).unwrap_err();
        assert_eq!(
            codes(&errors),
            vec![
                ("participants-vote".into(), "participation-error-at-least"),
                ("participants-survey".into(), "participation-error-participants-required"),
                ("participants-working-group".into(), "participation-error-whole-number"),
            ]
        );
        input.drafting.truncate(0);
        input.drafting.push(DraftingInput { method: "other".into(), participants: None, note: None });
        let errors = validate_rule_version(&input, None).unwrap_err();
        assert_eq!(codes(&errors), vec![("drafting-note-other".into(), "participation-error-other-note-required")]);
    }

    #[test]
    fn methods_are_kept_in_a_fixed_order_and_once() {
        let mut input = rules();
        input.drafting.insert(0, DraftingInput { method: "vote".into(), participants: Some("9".into()), note: None });
        let valid = validate_rule_version(&input, None).unwrap();
        assert_eq!(
            valid.drafting.iter().map(|d| d.method).collect::<Vec<_>>(),
            vec![ParticipationMethod::CommunityMeeting, ParticipationMethod::Vote]
        );
        input.drafting.push(DraftingInput { method: "vote".into(), participants: Some("2".into()), note: None });
        let errors = validate_rule_version(&input, None).unwrap_err();
        assert_eq!(codes(&errors), vec![("drafting".into(), "participation-error-method-twice")]);
    }

    #[test]
    fn votes_are_non_negative_and_not_all_empty() {
        let mut input = rules();
        input.votes_for = Some("-1".into());
        let errors = validate_rule_version(&input, None).unwrap_err();
        assert_eq!(codes(&errors), vec![("votes_for".into(), "participation-error-negative")]);
        input.votes_for = Some("0".into());
        input.votes_against = Some("0".into());
        let errors = validate_rule_version(&input, None).unwrap_err();
        assert_eq!(codes(&errors), vec![("votes_for".into(), "participation-error-votes-empty")]);
        input.votes_for = Some("11".into());
        input.votes_against = Some("2".into());
        let valid = validate_rule_version(&input, None).unwrap();
        assert_eq!(valid.votes, Some(Votes { votes_for: 11, against: 2, abstain: 0 }));
    }

    #[test]
    fn a_version_takes_effect_no_earlier_than_the_one_before() {
        let input = rules();
        let errors = validate_rule_version(&input, Some(date!(2026 - 04 - 01))).unwrap_err();
        assert_eq!(errors.0[0].message_id, "participation-error-effective-before-previous");
        assert_eq!(errors.0[0].args, vec![("date", "2026-04-01".to_string())]);
        assert!(validate_rule_version(&input, Some(date!(2026 - 03 - 01))).is_ok());
    }

    #[test]
    fn enforcement_needs_an_approach_and_a_description() {
        let mut input = rules();
        input.enforcement = "shouting".into();
        input.enforcement_description = " ".into();
        let errors = validate_rule_version(&input, None).unwrap_err();
        assert_eq!(
            codes(&errors),
            vec![
                ("enforcement".into(), "error-unknown-choice"),
                ("enforcement_description".into(), "participation-error-enforcement-description"),
            ]
        );
        assert!(!RuleEnforcement::StaffOnly.participant_led());
        assert!(RuleEnforcement::PeerLedReview.participant_led());
    }

    #[test]
    fn line_diff_marks_added_and_removed_lines() {
        let diff = line_diff("a\nb\nc\nd", "a\nc\nx\nd\ne");
        assert_eq!(
            diff,
            vec![
                DiffLine::Same("a".into()),
                DiffLine::Removed("b".into()),
                DiffLine::Same("c".into()),
                DiffLine::Added("x".into()),
                DiffLine::Same("d".into()),
                DiffLine::Added("e".into()),
            ]
        );
        assert_eq!(line_diff("", "one"), vec![DiffLine::Added("one".into())]);
        assert_eq!(line_diff("one", ""), vec![DiffLine::Removed("one".into())]);
        assert!(line_diff("same\ntext", "same\ntext").iter().all(|l| matches!(l, DiffLine::Same(_))));
    }

    #[test]
    fn line_diff_of_a_replaced_line_removes_before_adding() {
        let diff = line_diff("keep\nold rule\nend", "keep\nnew rule\nend");
        assert_eq!(diff.iter().map(DiffLine::code).collect::<Vec<_>>(), vec!["same", "removed", "added", "same"]);
    }

    #[test]
    fn bodies_compare_whatever_their_line_endings() {
        assert_eq!(normalise_body("a  \r\nb\r\n"), "a\nb");
    }

    fn meeting() -> MeetingInput {
        MeetingInput {
            kind: "advisory-council".into(),
            held_on: "2026-11-10".into(),
            participant_count: Some("9".into()),
            staff_count: Some("2".into()),
            topics: "- Evening hours\n\n* Peer-run café".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_meeting_counts_people_and_lists_topics() {
        let valid = validate_meeting(&meeting(), date!(2026 - 11 - 18)).unwrap();
        assert_eq!(valid.topics, vec!["Evening hours".to_string(), "Peer-run café".to_string()]);
        assert_eq!(valid.consent_on, date!(2026 - 11 - 10));
        let mut input = meeting();
        input.participant_count = Some("-3".into());
        input.staff_count = Some("-1".into());
        input.topics = "\n".into();
        input.held_on = "2026-12-01".into();
        let errors = validate_meeting(&input, date!(2026 - 11 - 18)).unwrap_err();
        assert_eq!(
            codes(&errors),
            vec![
                ("held_on".into(), "participation-error-future"),
                ("participant_count".into(), "participation-error-negative"),
                ("staff_count".into(), "participation-error-negative"),
                ("topics".into(), "participation-error-topics-required"),
            ]
        );
    }

    #[test]
    fn naming_an_attendee_needs_their_agreement() {
        let mut input = meeting();
        let person = Uuid::new_v4();
        input.attendees = vec![AttendeeInput { person_id: person, agreed_to_be_named: false }];
        let errors = validate_meeting(&input, date!(2026 - 11 - 18)).unwrap_err();
        assert_eq!(codes(&errors), vec![("named_consent".into(), "participation-error-named-consent")]);
        input.attendees[0].agreed_to_be_named = true;
        input.attendees.push(AttendeeInput { person_id: person, agreed_to_be_named: true });
        assert_eq!(validate_meeting(&input, date!(2026 - 11 - 18)).unwrap().attendees, vec![person]);
        input.participant_count = Some("0".into());
        let errors = validate_meeting(&input, date!(2026 - 11 - 18)).unwrap_err();
        assert_eq!(codes(&errors), vec![("participant_count".into(), "participation-error-named-over-count")]);
    }

    #[test]
    fn a_decision_not_going_ahead_needs_a_reason() {
        let held = date!(2026 - 10 - 01);
        let today = date!(2026 - 11 - 18);
        let mut input = AdvisoryDecisionInput {
            text: "Open on Saturdays".into(),
            status: "not-going-ahead".into(),
            ..Default::default()
        };
        let errors = validate_decision(&input, held, today).unwrap_err();
        assert_eq!(codes(&errors), vec![("reason".into(), "participation-error-reason-required")]);
        input.reason = Some("No volunteer to hold the keys yet".into());
        let valid = validate_decision(&input, held, today).unwrap();
        assert_eq!(valid.status, AdvisoryDecisionStatus::NotGoingAhead);
        assert_eq!(valid.done_on, None);
    }

    #[test]
    fn a_done_decision_is_dated_and_not_in_the_future() {
        let held = date!(2026 - 10 - 01);
        let today = date!(2026 - 11 - 18);
        let mut input =
            AdvisoryDecisionInput { text: "New chairs".into(), status: "done".into(), ..Default::default() };
        assert_eq!(validate_decision(&input, held, today).unwrap().done_on, Some(today));
        input.done_on = Some("2026-12-01".into());
        assert_eq!(
            codes(&validate_decision(&input, held, today).unwrap_err()),
            vec![("done_on".into(), "participation-error-future")]
        );
        input.done_on = Some("2026-09-01".into());
        input.due_on = Some("2026-09-01".into());
        assert_eq!(
            codes(&validate_decision(&input, held, today).unwrap_err()),
            vec![
                ("due_on".into(), "participation-error-due-before-meeting"),
                ("done_on".into(), "participation-error-done-before-meeting"),
            ]
        );
        let blank_status = AdvisoryDecisionInput { text: "x".into(), ..Default::default() };
        assert_eq!(validate_decision(&blank_status, held, today).unwrap().status, AdvisoryDecisionStatus::Open);
    }

    #[test]
    fn overdue_means_open_and_past_due() {
        let today = date!(2026 - 11 - 18);
        let past = Some(date!(2026 - 11 - 17));
        assert!(decision_overdue(AdvisoryDecisionStatus::Open, past, today));
        assert!(decision_overdue(AdvisoryDecisionStatus::InProgress, past, today));
        assert!(!decision_overdue(AdvisoryDecisionStatus::Done, past, today));
        assert!(!decision_overdue(AdvisoryDecisionStatus::NotGoingAhead, past, today));
        assert!(!decision_overdue(AdvisoryDecisionStatus::Open, Some(today), today));
        assert!(!decision_overdue(AdvisoryDecisionStatus::Open, None, today));
    }

    fn survey() -> SurveyInput {
        SurveyInput {
            title: "Spring survey".into(),
            period_start: "2026-04-01".into(),
            period_end: "2026-04-30".into(),
            method: "mixed".into(),
            invited: Some("60".into()),
            respondents: Some("42".into()),
            results: vec![
                SurveyResultInput {
                    question: "I feel welcome".into(),
                    kind: "percent".into(),
                    value: Some("88".into()),
                    ..Default::default()
                },
                SurveyResultInput::default(),
                SurveyResultInput {
                    question: "Staff listen".into(),
                    kind: "average".into(),
                    value: Some("4.3".into()),
                    scale_max: Some("5".into()),
                    ..Default::default()
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn a_survey_skips_blank_rows_and_computes_its_response_rate() {
        let valid = validate_survey(&survey()).unwrap();
        assert_eq!(valid.results.len(), 2);
        assert_eq!(response_rate(valid.invited, valid.respondents), Some(70.0));
        assert_eq!(response_rate(None, 5), None);
        assert_eq!(response_rate(Some(0), 0), None);
        assert_eq!(response_rate(Some(3), 1), Some(33.3));
    }

    #[test]
    fn survey_numbers_are_checked() {
        let mut input = survey();
        input.respondents = Some("61".into());
        input.period_end = "2026-03-01".into();
        input.results[0].value = Some("120".into());
        input.results[2].value = Some("6".into());
        input.results.push(SurveyResultInput { question: "".into(), kind: "themes".into(), ..Default::default() });
        let errors = validate_survey(&input).unwrap_err();
        assert_eq!(
            codes(&errors),
            vec![
                ("period_end".into(), "participation-error-period-order"),
                ("respondents".into(), "participation-error-respondents-over-invited"),
                ("result-0-value".into(), "participation-error-percent-range"),
                ("result-2-value".into(), "participation-error-average-over-scale"),
                ("result-3-question".into(), "error-required"),
                ("result-3-themes".into(), "participation-error-themes-required"),
            ]
        );
    }

    #[test]
    fn every_code_has_an_english_label() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/en/participation.ftl"))
            .expect("locale file");
        let ids: Vec<String> = ParticipationMethod::ALL
            .iter()
            .map(|c| c.message_id())
            .chain(RuleEnforcement::ALL.iter().map(|c| c.message_id()))
            .chain(AdvisoryMeetingKind::ALL.iter().map(|c| c.message_id()))
            .chain(AdvisoryDecisionStatus::ALL.iter().map(|c| c.message_id()))
            .chain(SurveyMethod::ALL.iter().map(|c| c.message_id()))
            .chain(SurveyResultKind::ALL.iter().map(|c| c.message_id()))
            .collect();
        for id in ids {
            assert!(text.lines().any(|l| l.starts_with(&format!("{id} ="))), "missing {id}");
        }
    }
}
