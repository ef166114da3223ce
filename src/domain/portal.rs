//! Rules for the participant portal (pure, no IO): account and invitation states, how long an
//! invitation lasts, what a portal password must be, how destinations are masked, and what a plan
//! suggestion may say.

use super::FieldErrors;
use time::{Duration, OffsetDateTime};

text_code!(
    /// Where a portal account stands.
    PortalStatus {
        Invited => "invited",
        Active => "active",
        Suspended => "suspended",
    }
);

text_code!(
    /// How an invitation link reaches the person.
    InvitationChannel {
        Email => "email",
        Sms => "sms",
    }
);

text_code!(
    /// What happened when the invitation was sent: handed to the mail server or SMS gateway;
    /// refused or unreachable (the link was shown instead); or no channel configured (the link was
    /// shown once to the staff member).
    InvitationDelivery {
        Sent => "sent",
        Failed => "failed",
        Shown => "shown",
    }
);

text_code!(
    /// A suggestion the person made about their plan, and the coach's answer.
    SuggestionStatus {
        Pending => "pending",
        Accepted => "accepted",
        Declined => "declined",
        Withdrawn => "withdrawn",
    }
);

text_code!(
    /// What a suggestion is about: a change to an existing goal (its words, its steps), a comment
    /// on a goal (no change asked for), or a new goal the person would like to add.
    SuggestionKind {
        Change => "change",
        Comment => "comment",
        NewGoal => "new-goal",
    }
);

/// An invitation link works for this long after it is sent.
pub const INVITATION_HOURS: i64 = 72;
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 200;
pub const SUGGESTION_MAX: usize = 2000;
pub const REPLY_MAX: usize = 2000;

pub fn invitation_expires(sent_at: OffsetDateTime) -> OffsetDateTime {
    sent_at + Duration::hours(INVITATION_HOURS)
}

/// The login address as compared: trimmed and lower-case.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks a password the person chose (twice). Messages say what to do, not what went wrong.
pub fn check_password(password: &str, confirm: &str, email: &str) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    let count = password.chars().count();
    if password.trim().is_empty() {
        e.add("password", "portal-error-password-required");
    } else if count < PASSWORD_MIN {
        e.add_with("password", "portal-error-password-short", vec![("min", PASSWORD_MIN.to_string())]);
    } else if count > PASSWORD_MAX {
        e.add_with("password", "portal-error-password-long", vec![("max", PASSWORD_MAX.to_string())]);
    } else if password.chars().all(|c| password.starts_with(c)) {
        e.add("password", "portal-error-password-repeated");
    } else if is_common(password) {
        e.add("password", "portal-error-password-common");
    } else {
        let local = email_key(email).split('@').next().unwrap_or_default().to_string();
        let lower = password.to_lowercase();
        if (!email.trim().is_empty() && lower.contains(&email_key(email)))
            || (local.len() >= 4 && lower.contains(&local))
        {
            e.add("password", "portal-error-password-email");
        }
    }
    if e.is_empty() && password != confirm {
        e.add("confirm_password", "portal-error-password-mismatch");
    }
    e.finish(())
}

/// A few passwords people reach for first; long enough to pass the length rule, easy to guess.
fn is_common(password: &str) -> bool {
    const COMMON: &[&str] = &[
        "1234567890",
        "0123456789",
        "12345678910",
        "password123",
        "password1234",
        "passwordpassword",
        "qwertyuiop",
        "1q2w3e4r5t",
        "qwerty12345",
        "iloveyou123",
        "abcdefghij",
        "letmein123",
        "welcome123",
        "recovery123",
        "mainstay123",
    ];
    let lower = password.to_lowercase();
    COMMON.contains(&lower.as_str())
}

/// An e-mail address as shown after sending: first letter and the domain ("s•••@example.org").
pub fn mask_email(email: &str) -> String {
    match email.trim().split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".into(),
    }
}

/// A phone number as shown after sending: its last four digits ("••• 4321").
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("••• {tail}")
}

/// A phone number for the SMS gateway: digits with a leading + kept, or None when it cannot be one.
pub fn sms_number(phone: &str) -> Option<String> {
    let trimmed = phone.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if !(7..=15).contains(&digits.len()) {
        return None;
    }
    Some(if trimmed.starts_with('+') { format!("+{digits}") } else { digits })
}

/// A suggestion as the person typed it: what it is about and the words.
pub struct SuggestionInput<'a> {
    pub kind: &'a str,
    pub goal_id: Option<&'a str>,
    pub body: &'a str,
}

#[derive(Debug)]
pub struct ValidSuggestion {
    pub kind: SuggestionKind,
    pub goal_id: Option<uuid::Uuid>,
    pub body: String,
}

/// Checks a suggestion against the goals the plan has (a change or comment names one of them).
pub fn check_suggestion(input: &SuggestionInput<'_>, goals: &[uuid::Uuid]) -> Result<ValidSuggestion, FieldErrors> {
    let mut e = FieldErrors::new();
    let kind = e.required_code("kind", input.kind, SuggestionKind::parse);
    let goal_id = input.goal_id.map(str::trim).filter(|g| !g.is_empty()).and_then(|g| uuid::Uuid::parse_str(g).ok());
    let body = e.required("body", input.body, SUGGESTION_MAX);
    let goal_id = match kind {
        Some(SuggestionKind::NewGoal) => None,
        Some(_) => match goal_id {
            Some(id) if goals.contains(&id) => Some(id),
            _ => {
                e.add("goal_id", "portal-error-choose-goal");
                None
            }
        },
        None => None,
    };
    let kind = kind.unwrap_or(SuggestionKind::Comment);
    e.finish(ValidSuggestion { kind, goal_id, body })
}

/// Checks the coach's answer: a decline always explains, kindly; an accept may say a few words.
pub fn check_reply(decision: &str, reply: Option<&str>) -> Result<(SuggestionStatus, Option<String>), FieldErrors> {
    let mut e = FieldErrors::new();
    let status = match decision.trim() {
        "accept" | "accepted" => Some(SuggestionStatus::Accepted),
        "decline" | "declined" => Some(SuggestionStatus::Declined),
        _ => {
            e.add("decision", "error-unknown-choice");
            None
        }
    };
    let reply = e.optional("reply", reply, REPLY_MAX);
    if status == Some(SuggestionStatus::Declined) && reply.is_none() {
        e.add("reply", "portal-error-decline-reply");
    }
    e.finish((status.unwrap_or(SuggestionStatus::Pending), reply))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_need_length_and_no_email_and_must_match() {
        assert!(check_password("river stone lamp", "river stone lamp", "sam@example.org").is_ok());
        let short = check_password("short", "short", "sam@example.org").unwrap_err();
        assert_eq!(short.0[0].message_id, "portal-error-password-short");
        let same = check_password("aaaaaaaaaaaa", "aaaaaaaaaaaa", "").unwrap_err();
        assert_eq!(same.0[0].message_id, "portal-error-password-repeated");
        let common = check_password("Password123", "Password123", "").unwrap_err();
        assert_eq!(common.0[0].message_id, "portal-error-password-common");
        let email = check_password("samuel-rocks-42", "samuel-rocks-42", "samuel@example.org").unwrap_err();
        assert_eq!(email.0[0].message_id, "portal-error-password-email");
        let mismatch = check_password("river stone lamp", "river stone lamb", "").unwrap_err();
        assert_eq!(mismatch.0[0].field, "confirm_password");
    }

    #[test]
    fn destinations_are_masked() {
        assert_eq!(mask_email("sam.rivera@example.org"), "s•••@example.org");
        assert_eq!(mask_phone("(555) 010-4321"), "••• 4321");
        assert_eq!(sms_number("+1 (555) 010-4321").as_deref(), Some("+15550104321"));
        assert_eq!(sms_number("12"), None);
    }

    #[test]
    fn suggestions_name_a_goal_unless_new() {
        let goal = uuid::Uuid::new_v4();
        let gid = goal.to_string();
        let ok =
            check_suggestion(&SuggestionInput { kind: "change", goal_id: Some(&gid), body: " More walks " }, &[goal])
                .unwrap();
        assert_eq!((ok.kind, ok.goal_id, ok.body.as_str()), (SuggestionKind::Change, Some(goal), "More walks"));
        let other = uuid::Uuid::new_v4().to_string();
        let err = check_suggestion(&SuggestionInput { kind: "comment", goal_id: Some(&other), body: "x" }, &[goal])
            .unwrap_err();
        assert_eq!(err.0[0].field, "goal_id");
        let new =
            check_suggestion(&SuggestionInput { kind: "new-goal", goal_id: None, body: "Learn to cook" }, &[]).unwrap();
        assert_eq!(new.goal_id, None);
        assert!(check_suggestion(&SuggestionInput { kind: "new-goal", goal_id: None, body: "  " }, &[]).is_err());
    }

    #[test]
    fn declines_explain() {
        assert_eq!(check_reply("accept", None).unwrap(), (SuggestionStatus::Accepted, None));
        assert_eq!(check_reply("decline", Some(" ")).unwrap_err().0[0].message_id, "portal-error-decline-reply");
        assert!(check_reply("maybe", None).is_err());
    }

    #[test]
    fn invitations_last_three_days() {
        let at = OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap();
        assert_eq!(invitation_expires(at) - at, Duration::hours(72));
    }
}
