//! Rules for feedback and complaints (CSE 7.02 / CA-CSE 7.03), pure, no IO: the closed lists
//! (kinds, categories, channels, statuses, outcomes, response methods, history events), when a
//! response falls due, how the forms' input is checked, the attachment check, and the check that
//! keeps personal data off the public "you said, we did" board.
//!
//! Response times (our judgement, documented in docs/FEEDBACK.md): a complaint is answered within
//! 10 days, dissatisfaction within 14, a suggestion or a compliment within 30. The clock starts on
//! the day the feedback is received (in the organisation's time zone).

use super::validation::{FieldErrors, looks_like_email};
use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use utoipa::ToSchema;
use uuid::Uuid;

text_code!(
    /// What the feedback is.
    FeedbackKind {
        Compliment => "compliment",
        Suggestion => "suggestion",
        Dissatisfaction => "dissatisfaction",
        Complaint => "complaint",
    }
);

text_code!(
    /// What the feedback is about (for trends).
    FeedbackCategory {
        AccessScheduling => "access-scheduling",
        StaffConduct => "staff-conduct",
        ProgramContent => "program-content",
        Groups => "groups",
        EnvironmentSafety => "environment-safety",
        Privacy => "privacy",
        Communication => "communication",
        ReferralsResources => "referrals-resources",
        Other => "other",
    }
);

text_code!(
    /// How the feedback reached us.
    FeedbackChannel {
        PublicForm => "public-form",
        Kiosk => "kiosk",
        Portal => "portal",
        Staff => "staff",
    }
);

text_code!(
    /// Where an item stands: received → acknowledged → responded → closed.
    FeedbackStatus {
        Received => "received",
        Acknowledged => "acknowledged",
        Responded => "responded",
        Closed => "closed",
    }
);

text_code!(
    /// How an item ended.
    FeedbackOutcome {
        ChangeMade => "change-made",
        Explained => "explained",
        Resolved => "resolved",
        NotUpheld => "not-upheld",
        PassedOn => "passed-on",
    }
);

text_code!(
    /// How the response reached the person.
    ResponseMethod {
        Email => "email",
        Phone => "phone",
        Letter => "letter",
        InPerson => "in-person",
        Portal => "portal",
    }
);

text_code!(
    /// Who is giving the feedback.
    FeedbackFrom {
        PersonServed => "person-served",
        Family => "family",
        Other => "other",
    }
);

text_code!(
    /// One line of an item's history.
    FeedbackEventKind {
        Received => "received",
        Assigned => "assigned",
        Acknowledged => "acknowledged",
        Responded => "responded",
        Closed => "closed",
        Note => "note",
        Linked => "linked",
    }
);

pub const BODY_MAX: usize = 4000;
pub const BODY_MIN: usize = 3;
pub const NAME_MAX: usize = 120;
pub const RESPONSE_MAX: usize = 4000;
pub const NOTE_MAX: usize = 2000;
pub const CHANGE_TEXT_MAX: usize = 1000;
/// An attachment: a PNG, JPEG or PDF of at most 5 MiB.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_FILE_TEXT: &str = "5 MB";

impl FeedbackKind {
    /// Days from receipt by which a response is due.
    pub fn response_days(self) -> i64 {
        match self {
            FeedbackKind::Complaint => 10,
            FeedbackKind::Dissatisfaction => 14,
            FeedbackKind::Suggestion | FeedbackKind::Compliment => 30,
        }
    }
}

/// The day a response to feedback received on `received_on` falls due.
pub fn response_due(kind: FeedbackKind, received_on: Date) -> Date {
    received_on + Duration::days(kind.response_days())
}

impl FeedbackStatus {
    pub fn is_open(self) -> bool {
        self != FeedbackStatus::Closed
    }
}

/// Whether an open item is past its due date on `today` (due today is not yet overdue).
pub fn is_overdue(status: FeedbackStatus, due_on: Date, today: Date) -> bool {
    status.is_open() && status != FeedbackStatus::Responded && due_on < today
}

/// Whether a response was made by the due date.
pub fn responded_on_time(due_on: Date, responded_on: Date) -> bool {
    responded_on <= due_on
}

/// The median of whole-day counts (None for none), halves rounded to one decimal.
pub fn median_days(days: &mut [i64]) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    Some(if n % 2 == 1 { days[n / 2] as f64 } else { (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0 })
}

// ---------- input ----------

/// Feedback as the public form, the kiosk, the portal, the staff form and the API send it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct FeedbackInput {
    /// `compliment`, `suggestion`, `dissatisfaction` or `complaint`.
    pub kind: String,
    /// `access-scheduling`, `staff-conduct`, `program-content`, `groups`, `environment-safety`,
    /// `privacy`, `communication`, `referrals-resources` or `other` (the default).
    pub category: Option<String>,
    /// The program it is about, if any.
    pub program_id: Option<String>,
    /// What the person wants to tell us.
    pub body: String,
    /// The person would like a reply (then an e-mail address or a phone number is needed).
    pub wants_reply: bool,
    /// Optional; left out for anonymous feedback.
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// `person-served`, `family` or `other`.
    pub from: Option<String>,
}

/// Checked feedback. Contact details are kept only when a reply is wanted.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidFeedback {
    pub kind: FeedbackKind,
    pub category: FeedbackCategory,
    pub program_id: Option<Uuid>,
    pub body: String,
    pub wants_reply: bool,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub from: Option<FeedbackFrom>,
}

impl FeedbackInput {
    /// Checks every field at once. Without a reply wanted, an e-mail address or phone number typed
    /// is not kept (people are told so on the form).
    pub fn parse(&self) -> Result<ValidFeedback, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = if self.kind.trim().is_empty() {
            errors.add("kind", "feedback-error-kind-required");
            None
        } else {
            errors.optional_code("kind", Some(&self.kind), FeedbackKind::parse)
        };
        let category = errors
            .optional_code("category", self.category.as_deref(), FeedbackCategory::parse)
            .unwrap_or(FeedbackCategory::Other);
        let program_id = match self.program_id.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => None,
            Some(text) => match Uuid::parse_str(text) {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add("program_id", "error-unknown-choice");
                    None
                }
            },
        };
        let body = self.body.trim().to_string();
        if body.is_empty() {
            errors.add("body", "feedback-error-body-required");
        } else if body.chars().count() < BODY_MIN {
            errors.add("body", "feedback-error-body-short");
        } else if body.chars().count() > BODY_MAX {
            errors.add_with("body", "feedback-error-too-long", vec![("max", BODY_MAX.to_string())]);
        }
        let name = self.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
        if name.as_ref().is_some_and(|n| n.chars().count() > NAME_MAX) {
            errors.add_with("name", "feedback-error-too-long", vec![("max", NAME_MAX.to_string())]);
        }
        let email = self.email.as_deref().map(str::trim).filter(|e| !e.is_empty()).map(str::to_string);
        if let Some(e) = &email
            && (e.chars().count() > 254 || !looks_like_email(e))
        {
            errors.add("email", "feedback-error-email");
        }
        let phone = self.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
        if let Some(p) = &phone
            && !phone_shape(p)
        {
            errors.add("phone", "feedback-error-phone");
        }
        if self.wants_reply && email.is_none() && phone.is_none() {
            errors.add("email", "feedback-error-contact-needed");
        }
        let from = errors.optional_code("from", self.from.as_deref(), FeedbackFrom::parse);
        match kind {
            Some(kind) if errors.is_empty() => Ok(ValidFeedback {
                kind,
                category,
                program_id,
                body,
                wants_reply: self.wants_reply,
                name,
                email: if self.wants_reply { email } else { None },
                phone: if self.wants_reply { phone } else { None },
                from,
            }),
            _ => Err(errors),
        }
    }
}

/// A phone number as people type it: at least 7 digits, only the usual punctuation.
pub fn phone_shape(value: &str) -> bool {
    let allowed = |c: char| c.is_ascii_digit() || " ()+-.xext".contains(c);
    value.chars().count() <= 40 && value.chars().all(allowed) && value.chars().filter(char::is_ascii_digit).count() >= 7
}

/// A response to the person, as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct RespondInput {
    /// What was said to the person.
    pub text: String,
    /// `email`, `phone`, `letter`, `in-person` or `portal`.
    pub method: String,
    /// The day it was given (YYYY-MM-DD), not after today; today when left out.
    pub responded_on: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidResponse {
    pub text: String,
    pub method: ResponseMethod,
    pub responded_on: Date,
}

/// What the item offers to reach the person with.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reachable {
    pub email: bool,
    pub phone: bool,
    pub portal: bool,
}

impl RespondInput {
    pub fn parse(&self, reach: Reachable, received_on: Date, today: Date) -> Result<ValidResponse, FieldErrors> {
        let mut errors = FieldErrors::new();
        let text = self.text.trim().to_string();
        if text.is_empty() {
            errors.add("text", "feedback-error-response-required");
        } else if text.chars().count() > RESPONSE_MAX {
            errors.add_with("text", "feedback-error-too-long", vec![("max", RESPONSE_MAX.to_string())]);
        }
        let method = errors.required_code("method", &self.method, ResponseMethod::parse);
        match method {
            Some(ResponseMethod::Email) if !reach.email => errors.add("method", "feedback-error-method-no-email"),
            Some(ResponseMethod::Phone) if !reach.phone => errors.add("method", "feedback-error-method-no-phone"),
            Some(ResponseMethod::Portal) if !reach.portal => errors.add("method", "feedback-error-method-no-portal"),
            _ => {}
        }
        let on = errors.optional_date("responded_on", self.responded_on.as_deref()).unwrap_or(today);
        if on > today {
            errors.add("responded_on", "feedback-error-date-future");
        } else if on < received_on {
            errors.add("responded_on", "feedback-error-date-before-received");
        }
        match method {
            Some(method) if errors.is_empty() => Ok(ValidResponse { text, method, responded_on: on }),
            _ => Err(errors),
        }
    }
}

/// A "you said, we did" entry as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ChangeInput {
    /// What people told us, in general words (no names, no contact details).
    pub you_said: String,
    /// What we changed.
    pub we_did: String,
    /// The program it concerns; empty for the whole organisation.
    pub program_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidChange {
    pub you_said: String,
    pub we_did: String,
    pub program_id: Option<Uuid>,
}

impl ChangeInput {
    pub fn parse(&self) -> Result<ValidChange, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut text = |field: &str, raw: &str| {
            let value = raw.trim().to_string();
            if value.is_empty() {
                errors.add(field, "error-required");
            } else if value.chars().count() > CHANGE_TEXT_MAX {
                errors.add_with(field, "feedback-error-too-long", vec![("max", CHANGE_TEXT_MAX.to_string())]);
            }
            value
        };
        let you_said = text("you_said", &self.you_said);
        let we_did = text("we_did", &self.we_did);
        let program_id = match self.program_id.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => None,
            Some(t) => match Uuid::parse_str(t) {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add("program_id", "error-unknown-choice");
                    None
                }
            },
        };
        errors.finish(ValidChange { you_said, we_did, program_id })
    }
}

// ---------- attachments ----------

/// The three kinds of attachment accepted, known by their first bytes whatever the name says.
pub fn sniff(data: &[u8]) -> Option<(&'static str, &'static str)> {
    if data.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else {
        None
    }
}

/// An attachment that passed: a safe file name with an extension that fits, and its type.
#[derive(Debug, PartialEq, Eq)]
pub struct CheckedFile {
    pub filename: String,
    pub content_type: &'static str,
}

/// Accepts a PNG, JPEG or PDF of at most 5 MiB, by its content.
pub fn check_file(filename: &str, data: &[u8]) -> Result<CheckedFile, FieldErrors> {
    if data.len() > MAX_FILE_BYTES {
        return Err(file_too_big());
    }
    if data.is_empty() {
        return Err(FieldErrors::single("file", "feedback-error-file-empty"));
    }
    let Some((content_type, extension)) = sniff(data) else {
        return Err(FieldErrors::single("file", "feedback-error-file-type"));
    };
    let cleaned: String = filename
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .take(100)
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .to_string();
    let fits = cleaned.rsplit_once('.').is_some_and(|(_, ext)| {
        let ext = ext.to_ascii_lowercase();
        ext == extension || (extension == "jpg" && ext == "jpeg")
    });
    let filename = if cleaned.is_empty() {
        format!("attachment.{extension}")
    } else if fits {
        cleaned
    } else {
        format!("{cleaned}.{extension}")
    };
    Ok(CheckedFile { filename, content_type })
}

pub fn file_too_big() -> FieldErrors {
    let mut errors = FieldErrors::new();
    errors.add_with("file", "feedback-error-file-too-big", vec![("max", MAX_FILE_TEXT.into())]);
    errors
}

// ---------- personal data on the public board ----------

/// Something in a text meant for the public board that could identify someone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PersonalData {
    Email(String),
    Phone(String),
    /// One of the names of someone linked to the feedback the entry cites.
    Name(String),
}

fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
}

fn words(text: &str) -> Vec<String> {
    fold(text).split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

/// E-mail addresses: a run of non-space characters with an @ and a dotted domain.
fn emails_in(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '(' | ')' | '"' | '\'' | '[' | ']'))
        .map(|t| t.trim_matches(|c: char| matches!(c, '.' | ':' | '!' | '?')))
        .filter(|t| {
            t.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && domain.split('.').all(|part| !part.is_empty())
                    && !domain.contains('@')
            })
        })
        .map(str::to_string)
        .collect()
}

/// Phone numbers: runs of digits with the usual separators holding at least 7 digits. Years,
/// percentages and counts ("2026", "15 people") have fewer.
fn phones_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() || (chars[i] == '+' || chars[i] == '(') {
            let start = i;
            let mut digits = 0;
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_digit() || " ()+-.".contains(chars[j])) {
                if chars[j].is_ascii_digit() {
                    digits += 1;
                }
                j += 1;
            }
            if digits >= 7 {
                let found: String = chars[start..j].iter().collect();
                out.push(found.trim().trim_end_matches(|c: char| !c.is_ascii_digit()).to_string());
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// Whether `needle` (a name, possibly of several words) appears in `hay` as whole words, ignoring
/// case and accents.
fn contains_words(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// What in `text` could identify someone: any e-mail address or phone number, and any of `names`
/// (the given and family names of the people and contacts linked to the cited feedback). Names of
/// one letter are ignored. Each finding once, in the order found.
pub fn personal_data_in(text: &str, names: &[String]) -> Vec<PersonalData> {
    let mut found: Vec<PersonalData> = Vec::new();
    let mut push = |p: PersonalData| {
        if !found.contains(&p) {
            found.push(p);
        }
    };
    for e in emails_in(text) {
        push(PersonalData::Email(e));
    }
    let without_emails = emails_in(text).iter().fold(text.to_string(), |t, e| t.replace(e.as_str(), " "));
    for p in phones_in(&without_emails) {
        push(PersonalData::Phone(p));
    }
    // Names are looked for outside addresses, which are reported whole.
    let hay = words(&without_emails);
    for name in names {
        let needle = words(name);
        if needle.iter().map(|w| w.chars().count()).sum::<usize>() < 2 {
            continue;
        }
        if contains_words(&hay, &needle) {
            push(PersonalData::Name(name.trim().to_string()));
        }
    }
    found
}

/// The publication check for both texts of an entry: the field errors naming what to take out.
pub fn check_publishable(you_said: &str, we_did: &str, names: &[String]) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    for (field, text) in [("you_said", you_said), ("we_did", we_did)] {
        for p in personal_data_in(text, names) {
            match p {
                PersonalData::Email(e) => errors.add_with(field, "feedback-error-publish-email", vec![("found", e)]),
                PersonalData::Phone(n) => errors.add_with(field, "feedback-error-publish-phone", vec![("found", n)]),
                PersonalData::Name(n) => errors.add_with(field, "feedback-error-publish-name", vec![("found", n)]),
            }
        }
    }
    errors.finish(())
}

/// The single names to look for from a person's or contact's name as typed ("Mary-Ann O'Neil"
/// gives "Mary-Ann O'Neil", "Mary-Ann" and "O'Neil"); each part is checked as whole words.
pub fn name_parts(full: &str) -> Vec<String> {
    let full = full.trim();
    if full.is_empty() {
        return Vec::new();
    }
    let mut out = vec![full.to_string()];
    for part in full.split_whitespace() {
        let part = part.trim_matches(|c: char| !c.is_alphanumeric());
        if part.chars().count() >= 2 && !out.iter().any(|o| o == part) {
            out.push(part.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn input() -> FeedbackInput {
        FeedbackInput {
            kind: "suggestion".into(),
            body: "Could the Tuesday group start a little later?".into(),
            ..Default::default()
        }
    }

    #[test]
    fn every_code_has_an_english_label() {
        let tr = crate::i18n::Tr::new(crate::domain::codes::UiLanguage::En);
        let mut ids: Vec<String> = FeedbackKind::ALL.iter().map(|c| c.message_id()).collect();
        ids.extend(FeedbackCategory::ALL.iter().map(|c| c.message_id()));
        ids.extend(FeedbackChannel::ALL.iter().map(|c| c.message_id()));
        ids.extend(FeedbackStatus::ALL.iter().map(|c| c.message_id()));
        ids.extend(FeedbackOutcome::ALL.iter().map(|c| c.message_id()));
        ids.extend(ResponseMethod::ALL.iter().map(|c| c.message_id()));
        ids.extend(FeedbackFrom::ALL.iter().map(|c| c.message_id()));
        ids.extend(FeedbackEventKind::ALL.iter().map(|c| c.message_id()));
        for id in ids {
            assert_ne!(tr.t(&id), id, "{id} has no label");
        }
    }

    #[test]
    fn complaints_are_due_first() {
        let on = date!(2026 - 11 - 18);
        assert_eq!(response_due(FeedbackKind::Complaint, on), date!(2026 - 11 - 28));
        assert_eq!(response_due(FeedbackKind::Dissatisfaction, on), date!(2026 - 12 - 02));
        assert_eq!(response_due(FeedbackKind::Suggestion, on), date!(2026 - 12 - 18));
        assert_eq!(response_due(FeedbackKind::Compliment, on), date!(2026 - 12 - 18));
    }

    #[test]
    fn overdue_only_while_waiting_for_a_response() {
        let due = date!(2026 - 11 - 10);
        let today = date!(2026 - 11 - 18);
        assert!(is_overdue(FeedbackStatus::Received, due, today));
        assert!(is_overdue(FeedbackStatus::Acknowledged, due, today));
        assert!(!is_overdue(FeedbackStatus::Responded, due, today));
        assert!(!is_overdue(FeedbackStatus::Closed, due, today));
        assert!(!is_overdue(FeedbackStatus::Received, today, today), "due today is not late yet");
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median_days(&mut []), None);
        assert_eq!(median_days(&mut [5, 1, 3]), Some(3.0));
        assert_eq!(median_days(&mut [4, 1, 3, 10]), Some(3.5));
    }

    #[test]
    fn anonymous_feedback_needs_only_a_kind_and_words() {
        let valid = input().parse().unwrap();
        assert_eq!(valid.kind, FeedbackKind::Suggestion);
        assert_eq!(valid.category, FeedbackCategory::Other);
        assert_eq!((valid.name, valid.email, valid.phone), (None, None, None));
    }

    #[test]
    fn contact_details_are_kept_only_when_a_reply_is_wanted() {
        let mut i = input();
        i.email = Some("sam@example.org".into());
        i.phone = Some("(207) 555-0134".into());
        let valid = i.parse().unwrap();
        assert_eq!((valid.email, valid.phone), (None, None));
        i.wants_reply = true;
        let valid = i.parse().unwrap();
        assert_eq!(valid.email.as_deref(), Some("sam@example.org"));
        assert_eq!(valid.phone.as_deref(), Some("(207) 555-0134"));
    }

    type Case = (fn(&mut FeedbackInput), &'static str, &'static str);

    #[test]
    fn bad_input_is_named_field_by_field() {
        let cases: Vec<Case> = vec![
            (|i| i.kind = String::new(), "kind", "feedback-error-kind-required"),
            (|i| i.kind = "rant".into(), "kind", "error-unknown-choice"),
            (|i| i.category = Some("weather".into()), "category", "error-unknown-choice"),
            (|i| i.program_id = Some("not-an-id".into()), "program_id", "error-unknown-choice"),
            (|i| i.body = "   ".into(), "body", "feedback-error-body-required"),
            (|i| i.body = "ok".into(), "body", "feedback-error-body-short"),
            (|i| i.body = "x".repeat(BODY_MAX + 1), "body", "feedback-error-too-long"),
            (|i| i.name = Some("n".repeat(NAME_MAX + 1)), "name", "feedback-error-too-long"),
            (|i| i.email = Some("not an address".into()), "email", "feedback-error-email"),
            (|i| i.phone = Some("12-34".into()), "phone", "feedback-error-phone"),
            (|i| i.wants_reply = true, "email", "feedback-error-contact-needed"),
            (|i| i.from = Some("robot".into()), "from", "error-unknown-choice"),
        ];
        for (change, field, id) in cases {
            let mut i = input();
            change(&mut i);
            let errors = i.parse().unwrap_err();
            assert_eq!((errors.0[0].field.as_str(), errors.0[0].message_id), (field, id), "{field}");
        }
    }

    #[test]
    fn a_response_needs_a_way_to_reach_the_person() {
        let today = date!(2026 - 11 - 18);
        let received = date!(2026 - 11 - 10);
        let r =
            RespondInput { text: "Thank you; we moved the group.".into(), method: "email".into(), responded_on: None };
        let err = r.parse(Reachable::default(), received, today).unwrap_err();
        assert_eq!(err.0[0].message_id, "feedback-error-method-no-email");
        let ok = r.parse(Reachable { email: true, ..Default::default() }, received, today).unwrap();
        assert_eq!((ok.method, ok.responded_on), (ResponseMethod::Email, today));
        let in_person = RespondInput { method: "in-person".into(), responded_on: Some("2026-11-09".into()), ..r };
        let err = in_person.parse(Reachable::default(), received, today).unwrap_err();
        assert_eq!(err.0[0].message_id, "feedback-error-date-before-received");
    }

    #[test]
    fn attachments_are_known_by_their_content() {
        assert_eq!(check_file("scan.pdf", b"%PDF-1.7 x").unwrap().content_type, "application/pdf");
        let png = check_file("../../photo", b"\x89PNG\r\n\x1a\nrest").unwrap();
        assert_eq!(png, CheckedFile { filename: "photo.png".into(), content_type: "image/png" });
        assert_eq!(check_file("a.jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]).unwrap().filename, "a.jpeg");
        assert_eq!(check_file("page.pdf", b"<html>").unwrap_err().0[0].message_id, "feedback-error-file-type");
        assert_eq!(check_file("x.pdf", b"").unwrap_err().0[0].message_id, "feedback-error-file-empty");
        let big = vec![b'%'; MAX_FILE_BYTES + 1];
        assert_eq!(check_file("x.pdf", &big).unwrap_err().0[0].message_id, "feedback-error-file-too-big");
    }

    #[test]
    fn the_board_refuses_contact_details_and_linked_names() {
        let names: Vec<String> = ["Rosa Delgado", "José", "O'Neil"].iter().flat_map(|n| name_parts(n)).collect();
        let table: &[(&str, &[PersonalData])] = &[
            ("We moved the Tuesday group to 6pm.", &[]),
            ("In 2026 we added 15 seats and 3 evening groups.", &[]),
            ("Write to rosa.d@example.org for details", &[PersonalData::Email("rosa.d@example.org".into())]),
            ("Call (207) 555-0134.", &[PersonalData::Phone("(207) 555-0134".into())]),
            ("Call +1 207 555 0134", &[PersonalData::Phone("+1 207 555 0134".into())]),
            ("Rosa asked for later hours", &[PersonalData::Name("Rosa".into())]),
            ("thanks to DELGADO for the idea", &[PersonalData::Name("Delgado".into())]),
            ("Jose said the room was cold", &[PersonalData::Name("José".into())]),
            ("o'neil wanted more chairs", &[PersonalData::Name("O'Neil".into())]),
            ("Rosalind and Delgadoville are other words", &[]),
        ];
        for (text, expected) in table {
            let found = personal_data_in(text, &names);
            let found: Vec<PersonalData> =
                found.into_iter().filter(|f| !matches!(f, PersonalData::Name(n) if n.contains(' '))).collect();
            assert_eq!(&found, expected, "{text}");
        }
        let errors = check_publishable("Rosa asked", "We did it; call 207-555-0134", &names).unwrap_err();
        let ids: Vec<_> = errors.0.iter().map(|e| (e.field.as_str(), e.message_id)).collect();
        assert_eq!(ids, vec![("you_said", "feedback-error-publish-name"), ("we_did", "feedback-error-publish-phone")]);
        assert!(check_publishable("People asked for later hours", "We open until 8pm on Thursdays", &names).is_ok());
    }

    proptest! {
        #[test]
        fn any_email_address_is_caught(local in "[a-z][a-z0-9.]{0,10}", domain in "[a-z]{2,10}", tld in "[a-z]{2,4}",
                                       before in "[A-Za-z ]{0,30}", after in "[A-Za-z ]{0,30}") {
            let email = format!("{local}@{domain}.{tld}");
            let text = format!("{before} {email} {after}");
            prop_assert!(personal_data_in(&text, &[]).iter().any(|p| matches!(p, PersonalData::Email(_))));
            prop_assert!(check_publishable(&text, "We did", &[]).is_err());
        }

        #[test]
        fn any_phone_number_is_caught(area in 200u32..999, mid in 200u32..999, last in 0u32..9999,
                                      sep in prop::sample::select(vec!["-", " ", ".", ""]),
                                      before in "[A-Za-z ]{0,30}") {
            let phone = format!("({area}) {mid}{sep}{last:04}");
            let text = format!("{before} call {phone} today");
            prop_assert!(personal_data_in(&text, &[]).iter().any(|p| matches!(p, PersonalData::Phone(_))));
        }

        #[test]
        fn a_linked_name_is_caught_in_any_case(name in "[A-Z][a-z]{2,12}", before in "[a-z ]{0,30}",
                                               after in "[a-z ]{0,30}", upper in any::<bool>()) {
            let shown = if upper { name.to_uppercase() } else { name.to_lowercase() };
            let text = format!("{before} {shown}, {after}");
            prop_assert!(check_publishable(&text, "We did", std::slice::from_ref(&name)).is_err());
        }

        #[test]
        fn text_without_digits_at_signs_or_names_passes(text in "[A-Za-z ,.!]{0,200}") {
            prop_assert!(personal_data_in(&text, &["Zzqx".into()]).is_empty());
        }
    }
}
