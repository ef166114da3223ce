//! Rules for the peer community (pure, no IO): opportunities a person is offered and takes
//! (CSE 7.03 / CA-CSE 7.04, 5.03d), the aims peer support serves (CSE 7.01 / CA-CSE 7.02) and the
//! welcoming-environment checklist of a site (CA-CSE 7.01), with the parsing of their forms.

use crate::domain::FieldErrors;
use time::{Date, Month};

text_code!(
    /// What kind of opportunity a person was offered or took.
    OpportunityKind {
        GivingPeerSupport => "giving-peer-support",
        ReceivingPeerSupport => "receiving-peer-support",
        Volunteering => "volunteering",
        LeadershipRole => "leadership-role",
        RecoveryEvent => "recovery-community-event",
        School => "school",
        Work => "work",
        LocalVolunteering => "local-volunteering",
        Recreation => "recreation",
        SkillsWorkshop => "skills-workshop",
    }
);

text_code!(
    /// How opportunities are grouped in reports.
    OpportunityGroup {
        RecoveryCommunity => "recovery-community",
        LocalCommunity => "local-community",
        Skills => "skills",
    }
);

impl OpportunityKind {
    pub fn group(self) -> OpportunityGroup {
        use OpportunityKind::*;
        match self {
            GivingPeerSupport | ReceivingPeerSupport | Volunteering | LeadershipRole | RecoveryEvent => {
                OpportunityGroup::RecoveryCommunity
            }
            School | Work | LocalVolunteering | Recreation => OpportunityGroup::LocalCommunity,
            SkillsWorkshop => OpportunityGroup::Skills,
        }
    }
}

impl OpportunityGroup {
    pub fn kinds(self) -> Vec<OpportunityKind> {
        OpportunityKind::ALL.iter().copied().filter(|k| k.group() == self).collect()
    }
}

text_code!(
    /// Where an opportunity stands.
    OpportunityStatus {
        Offered => "offered",
        Taken => "taken",
        Declined => "declined",
        Completed => "completed",
    }
);

impl OpportunityStatus {
    /// Taken up (ongoing or done): counts as taking part.
    pub fn took_part(self) -> bool {
        matches!(self, OpportunityStatus::Taken | OpportunityStatus::Completed)
    }
}

text_code!(
    /// The aims peer support serves (CSE 7.01 / CA-CSE 7.02).
    PeerAim {
        Resiliency => "resiliency",
        Recovery => "recovery",
        PersonalGrowth => "personal-growth",
        ExperientialLearning => "experiential-learning",
        Wellness => "wellness",
        SelfEfficacy => "self-efficacy",
        PersonalChoice => "personal-choice",
    }
);

text_code!(
    /// What an aims tag is attached to.
    AimSubject {
        Contact => "contact",
        Group => "group",
        GroupSession => "group_session",
        Opportunity => "opportunity",
    }
);

text_code!(
    /// One item of the welcoming-environment checklist (CA-CSE 7.01). Codes are stable: reviews keep them.
    WelcomeItem {
        NonDiscriminationPolicy => "non-discrimination-policy",
        DiverseImagery => "diverse-imagery",
        LgbtqSignals => "lgbtq-signals",
        AntiRacism => "anti-racism",
        StepFreeAccess => "step-free-access",
        AccessibleWashroom => "accessible-washroom",
        GenderNeutralWashroom => "gender-neutral-washroom",
        SignageLanguages => "signage-languages",
        PlainLanguage => "plain-language",
        QuietSpace => "quiet-space",
        CrisisRightsInfo => "crisis-rights-info",
        WelcomePoint => "welcome-point",
    }
);

impl WelcomeItem {
    /// The hint shown under the item on the form.
    pub fn hint_id(self) -> String {
        format!("{}-hint", self.message_id())
    }
}

text_code!(
    /// How far a site meets one checklist item.
    WelcomeAnswer {
        Met => "met",
        Partly => "partly",
        NotMet => "not-met",
        NotApplicable => "not-applicable",
    }
);

// ---------- limits ----------

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 2000;
pub const NOTE_MAX: usize = 1000;
pub const REVIEW_TEXT_MAX: usize = 4000;
pub const CAPTION_MAX: usize = 200;
pub const PARTICIPANTS_MAX: i32 = 500;
/// Reviews fall due this many months after the last one unless the organisation says otherwise.
pub const DEFAULT_REVIEW_MONTHS: u32 = 12;
pub const PHOTO_MAX_BYTES: usize = 5 * 1024 * 1024;
pub const PHOTOS_MAX: usize = 6;

// ---------- opportunities ----------

/// An opportunity as the form and the API send it (text, checked here).
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OpportunityInput {
    /// See `OpportunityKind`.
    pub kind: String,
    /// `offered`, `taken`, `declined` or `completed`.
    pub status: String,
    pub title: String,
    pub description: Option<String>,
    /// The program it is counted under; the person's current program when left out.
    pub program_id: Option<String>,
    /// YYYY-MM-DD; the day it was taken (or today) when left out.
    pub offered_on: Option<String>,
    /// Required when taken; not in the future.
    pub taken_on: Option<String>,
    /// Required when completed; not in the future.
    pub completed_on: Option<String>,
    /// Hours spent, at most 24 a day over the days it ran.
    #[serde(deserialize_with = "crate::groups::setup::number_or_text")]
    #[schema(value_type = Option<f64>)]
    pub hours: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidOpportunity {
    pub kind: OpportunityKind,
    pub status: OpportunityStatus,
    pub title: String,
    pub description: Option<String>,
    pub program_id: Option<uuid::Uuid>,
    pub offered_on: Date,
    pub taken_on: Option<Date>,
    pub completed_on: Option<Date>,
    pub hours: Option<f64>,
}

fn not_future(errors: &mut FieldErrors, field: &str, date: Option<Date>, today: Date) -> Option<Date> {
    match date {
        Some(d) if d > today => {
            errors.add_with(field, "community-error-future", vec![("today", today.to_string())]);
            None
        }
        other => other,
    }
}

/// Checks an opportunity; every mistake is named at once.
pub fn parse_opportunity(input: &OpportunityInput, today: Date) -> Result<ValidOpportunity, FieldErrors> {
    let mut errors = FieldErrors::new();
    let kind = errors.required_code("kind", &input.kind, OpportunityKind::parse);
    let status = errors.required_code("status", &input.status, OpportunityStatus::parse);
    let title = errors.required("title", &input.title, TITLE_MAX);
    let description = errors.optional("description", input.description.as_deref(), DESCRIPTION_MAX);
    let program_id = match input.program_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => match uuid::Uuid::parse_str(raw) {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("program_id", "error-unknown-choice");
                None
            }
        },
        None => None,
    };
    let offered_on = errors.optional_date("offered_on", input.offered_on.as_deref());
    let taken_on = errors.optional_date("taken_on", input.taken_on.as_deref());
    let completed_on = errors.optional_date("completed_on", input.completed_on.as_deref());
    let taken_on = not_future(&mut errors, "taken_on", taken_on, today);
    let completed_on = not_future(&mut errors, "completed_on", completed_on, today);
    let raw_taken = input.taken_on.as_deref().is_some_and(|s| !s.trim().is_empty());
    let raw_completed = input.completed_on.as_deref().is_some_and(|s| !s.trim().is_empty());
    match status {
        Some(OpportunityStatus::Taken) if !raw_taken => errors.add("taken_on", "community-error-taken-date"),
        Some(OpportunityStatus::Completed) if !raw_completed => {
            errors.add("completed_on", "community-error-completed-date")
        }
        _ => {}
    }
    // Dates that do not belong to the status are dropped, so a declined offer carries no taken date.
    let (taken_on, completed_on) = match status {
        Some(OpportunityStatus::Offered) | Some(OpportunityStatus::Declined) => (None, None),
        Some(OpportunityStatus::Taken) => (taken_on, None),
        _ => (taken_on, completed_on),
    };
    if let (Some(t), Some(c)) = (taken_on, completed_on)
        && c < t
    {
        errors.add("completed_on", "community-error-completed-before-taken");
    }
    let offered_on = offered_on.or(taken_on).or(completed_on).unwrap_or(today);
    if let Some(start) = taken_on.or(completed_on)
        && start < offered_on
    {
        errors.add("offered_on", "community-error-offered-after-taken");
    }
    let hours = match input.hours.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => {
            let days = match (taken_on, completed_on) {
                (Some(t), Some(c)) if c >= t => (c - t).whole_days() + 1,
                _ => 1,
            };
            let max = 24.0 * days as f64;
            match raw.parse::<f64>().ok().filter(|h| h.is_finite()) {
                Some(h) if (0.0..=max).contains(&h) => Some((h * 100.0).round() / 100.0),
                _ => {
                    errors.add_with(
                        "hours",
                        "community-error-hours",
                        vec![("max", number(max)), ("days", days.to_string())],
                    );
                    None
                }
            }
        }
    };
    match (kind, status) {
        (Some(kind), Some(status)) if errors.is_empty() => Ok(ValidOpportunity {
            kind,
            status,
            title,
            description,
            program_id,
            offered_on,
            taken_on,
            completed_on,
            hours,
        }),
        _ => Err(errors),
    }
}

/// A number as people read it: "12", "12.5".
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 { format!("{}", n as i64) } else { format!("{:.2}", n).trim_end_matches('0').to_string() }
}

/// The days a person took part: from the day taken (or completed) to the day completed, open-ended
/// while still taken.
pub fn took_part_between(
    status: OpportunityStatus,
    taken_on: Option<Date>,
    completed_on: Option<Date>,
    from: Date,
    to: Date,
) -> bool {
    match status {
        OpportunityStatus::Taken => taken_on.is_some_and(|t| t <= to),
        OpportunityStatus::Completed => {
            let start = taken_on.or(completed_on);
            start.is_some_and(|s| s <= to) && completed_on.is_some_and(|c| c >= from)
        }
        _ => false,
    }
}

// ---------- aims ----------

/// The aims chosen, each once, in the standard's order; an unknown code is an error.
pub fn parse_aims(codes: &[String]) -> Result<Vec<PeerAim>, FieldErrors> {
    let mut chosen = Vec::new();
    for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        match PeerAim::parse(code) {
            Some(aim) => chosen.push(aim),
            None => return Err(FieldErrors::single("aims", "community-error-unknown-aim")),
        }
    }
    Ok(PeerAim::ALL.iter().copied().filter(|a| chosen.contains(a)).collect())
}

// ---------- reporting period ----------

/// A span of days, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    /// The twelve months up to and including `today`.
    pub fn last_year(today: Date) -> Period {
        Period { from: add_months(today, -12).next_day().unwrap_or(today), to: today }
    }

    /// `from`/`to` as typed (YYYY-MM-DD); either may be left out (the last twelve months).
    pub fn parse(from: Option<&str>, to: Option<&str>, today: Date) -> Result<Period, FieldErrors> {
        let mut errors = FieldErrors::new();
        let f = errors.optional_date("from", from);
        let t = errors.optional_date("to", to);
        let default = Period::last_year(today);
        let to = t.unwrap_or(default.to);
        let from =
            f.unwrap_or_else(|| if t.is_some() { add_months(to, -12).next_day().unwrap_or(to) } else { default.from });
        if errors.is_empty() && from > to {
            errors.add("from", "community-error-period");
        }
        errors.finish(Period { from, to })
    }

    pub fn contains(&self, d: Date) -> bool {
        self.from <= d && d <= self.to
    }
}

/// `date` moved by whole months; the day is kept, or the month's last day when it has fewer.
pub fn add_months(date: Date, months: i32) -> Date {
    let total = date.year() * 12 + (date.month() as i32 - 1) + months;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last)).unwrap_or(date)
}

// ---------- welcoming environment ----------

/// One checklist answer as typed.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CheckInput {
    /// The item's code (see `WelcomeItem`).
    pub item: String,
    /// `met`, `partly`, `not-met` or `not-applicable`.
    pub answer: String,
    /// What was seen; for a 'not met' item, what is missing or what will be done.
    pub note: Option<String>,
}

/// A welcoming-environment review as the form and the API send it.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct WelcomeReviewInput {
    /// YYYY-MM-DD, not in the future.
    pub reviewed_on: String,
    /// How many people served took part in the review (0 when staff reviewed alone).
    #[serde(deserialize_with = "crate::groups::setup::number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub participants: Option<String>,
    pub notes: Option<String>,
    /// What will be done about the items not (fully) met, by whom and when.
    pub follow_up: Option<String>,
    /// YYYY-MM-DD, after the review; 12 months after it when left out.
    pub next_review_on: Option<String>,
    /// One answer per checklist item.
    pub checks: Vec<CheckInput>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidCheck {
    pub item: WelcomeItem,
    pub answer: WelcomeAnswer,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidWelcomeReview {
    pub reviewed_on: Date,
    pub participants: i32,
    pub notes: Option<String>,
    pub follow_up: Option<String>,
    pub next_review_on: Date,
    /// Every item, in checklist order.
    pub checks: Vec<ValidCheck>,
}

/// The form field of an item's answer and of its note.
pub fn answer_field(item: WelcomeItem) -> String {
    format!("answer-{}", item.code())
}

pub fn note_field(item: WelcomeItem) -> String {
    format!("note-{}", item.code())
}

/// Checks a review: the date, the count, and an answer to every item; a 'not met' item needs a
/// note saying what is missing or what will be done.
pub fn parse_welcome_review(input: &WelcomeReviewInput, today: Date) -> Result<ValidWelcomeReview, FieldErrors> {
    let mut errors = FieldErrors::new();
    let reviewed_on = if input.reviewed_on.trim().is_empty() {
        errors.add("reviewed_on", "error-required");
        None
    } else {
        errors.optional_date("reviewed_on", Some(&input.reviewed_on))
    };
    let reviewed_on = not_future(&mut errors, "reviewed_on", reviewed_on, today);
    let participants = match input.participants.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => 0,
        Some(raw) => match raw.parse::<i32>() {
            Ok(n) if (0..=PARTICIPANTS_MAX).contains(&n) => n,
            _ => {
                errors.add_with(
                    "participants",
                    "community-error-participants",
                    vec![("max", PARTICIPANTS_MAX.to_string())],
                );
                0
            }
        },
    };
    let notes = errors.optional("notes", input.notes.as_deref(), REVIEW_TEXT_MAX);
    let follow_up = errors.optional("follow_up", input.follow_up.as_deref(), REVIEW_TEXT_MAX);
    let next_review_on = errors.optional_date("next_review_on", input.next_review_on.as_deref());
    if let (Some(next), Some(on)) = (next_review_on, reviewed_on)
        && next <= on
    {
        errors.add("next_review_on", "community-error-next-review");
    }
    for c in &input.checks {
        if WelcomeItem::parse(&c.item).is_none() {
            errors.add("checks", "community-error-unknown-item");
            break;
        }
    }
    let mut checks = Vec::with_capacity(WelcomeItem::ALL.len());
    for item in WelcomeItem::ALL {
        let given = input.checks.iter().find(|c| WelcomeItem::parse(&c.item) == Some(*item));
        let answer_raw = given.map(|c| c.answer.trim()).unwrap_or("");
        let (answer_f, note_f) = (answer_field(*item), note_field(*item));
        let answer = if answer_raw.is_empty() {
            errors.add(&answer_f, "community-error-unanswered");
            None
        } else {
            let a = WelcomeAnswer::parse(answer_raw);
            if a.is_none() {
                errors.add(&answer_f, "error-unknown-choice");
            }
            a
        };
        let note = errors.optional(&note_f, given.and_then(|c| c.note.as_deref()), NOTE_MAX);
        if answer == Some(WelcomeAnswer::NotMet) && note.is_none() {
            errors.add(&note_f, "community-error-not-met-note");
        }
        if let Some(answer) = answer {
            checks.push(ValidCheck { item: *item, answer, note });
        }
    }
    match reviewed_on {
        Some(reviewed_on) if errors.is_empty() => Ok(ValidWelcomeReview {
            reviewed_on,
            participants,
            notes,
            follow_up,
            next_review_on: next_review_on.unwrap_or_else(|| add_months(reviewed_on, DEFAULT_REVIEW_MONTHS as i32)),
            checks,
        }),
        _ => Err(errors),
    }
}

/// How far a site meets the checklist: met items count whole, partly met half, over the items that
/// apply. None when nothing applies.
pub fn welcome_score(answers: &[WelcomeAnswer]) -> Option<f64> {
    let applicable = answers.iter().filter(|a| **a != WelcomeAnswer::NotApplicable).count();
    if applicable == 0 {
        return None;
    }
    let points: f64 = answers
        .iter()
        .map(|a| match a {
            WelcomeAnswer::Met => 1.0,
            WelcomeAnswer::Partly => 0.5,
            _ => 0.0,
        })
        .sum();
    Some(points / applicable as f64)
}

/// A score as a whole percentage.
pub fn percent(share: f64) -> u32 {
    (share * 100.0).round().clamp(0.0, 100.0) as u32
}

/// Where a site stands with its reviews.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewStanding {
    /// Never reviewed.
    Never,
    /// Next review falls due on this day (after today).
    Current(Date),
    /// Due on this day, which is today or earlier.
    Overdue(Date),
}

/// When the next review falls due: `months` after the last.
pub fn review_due(last_reviewed_on: Option<Date>, months: u32, today: Date) -> ReviewStanding {
    standing(last_reviewed_on.map(|last| add_months(last, months as i32)), today)
}

/// Where a site stands given the due date its last review set (None: never reviewed).
pub fn standing(due: Option<Date>, today: Date) -> ReviewStanding {
    match due {
        None => ReviewStanding::Never,
        Some(due) if due <= today => ReviewStanding::Overdue(due),
        Some(due) => ReviewStanding::Current(due),
    }
}

/// A photo's type, from its first bytes (never from its name or declared type).
pub fn photo_type(data: &[u8]) -> Option<(&'static str, &'static str)> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if data.len() >= 12 && &data[0..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some(("image/webp", "webp"))
    } else {
        None
    }
}

/// A photo's name kept for the download: its last path part, safe characters only, the extension
/// matching what the bytes are.
pub fn photo_filename(raw: &str, ext: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = base.rsplit_once('.').map(|(s, _)| s).unwrap_or(base);
    let clean: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .take(80)
        .collect();
    let clean = clean.trim_matches('-');
    format!("{}.{ext}", if clean.is_empty() { "photo" } else { clean })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 18);

    fn opp(status: &str) -> OpportunityInput {
        OpportunityInput {
            kind: "volunteering".into(),
            status: status.into(),
            title: "Front desk at the recovery café".into(),
            ..Default::default()
        }
    }

    fn fields(e: &FieldErrors) -> Vec<&str> {
        e.0.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn every_kind_belongs_to_one_report_group() {
        let total: usize = OpportunityGroup::ALL.iter().map(|g| g.kinds().len()).sum();
        assert_eq!(total, OpportunityKind::ALL.len());
        assert_eq!(OpportunityKind::School.group(), OpportunityGroup::LocalCommunity);
        assert_eq!(OpportunityKind::GivingPeerSupport.group(), OpportunityGroup::RecoveryCommunity);
        assert_eq!(OpportunityKind::SkillsWorkshop.group(), OpportunityGroup::Skills);
    }

    #[test]
    fn an_offer_defaults_to_today_and_drops_taken_dates() {
        let mut input = opp("offered");
        input.taken_on = Some("2026-11-01".into());
        let v = parse_opportunity(&input, TODAY).unwrap();
        assert_eq!(v.offered_on, TODAY);
        assert_eq!(v.taken_on, None);
    }

    #[test]
    fn taken_needs_a_date_and_not_in_the_future() {
        let e = parse_opportunity(&opp("taken"), TODAY).unwrap_err();
        assert_eq!(e.for_field("taken_on").unwrap().message_id, "community-error-taken-date");
        let mut input = opp("taken");
        input.taken_on = Some("2026-11-19".into());
        let e = parse_opportunity(&input, TODAY).unwrap_err();
        assert_eq!(e.for_field("taken_on").unwrap().message_id, "community-error-future");
        input.taken_on = Some("2026-11-10".into());
        let v = parse_opportunity(&input, TODAY).unwrap();
        assert_eq!((v.offered_on, v.taken_on), (date!(2026 - 11 - 10), Some(date!(2026 - 11 - 10))));
    }

    #[test]
    fn completed_needs_its_date_after_the_taken_date() {
        let e = parse_opportunity(&opp("completed"), TODAY).unwrap_err();
        assert_eq!(fields(&e), vec!["completed_on"]);
        let mut input = opp("completed");
        input.taken_on = Some("2026-11-10".into());
        input.completed_on = Some("2026-11-01".into());
        let e = parse_opportunity(&input, TODAY).unwrap_err();
        assert_eq!(e.for_field("completed_on").unwrap().message_id, "community-error-completed-before-taken");
    }

    #[test]
    fn hours_are_limited_to_24_a_day_over_the_days_it_ran() {
        let mut input = opp("completed");
        input.completed_on = Some("2026-11-10".into());
        input.hours = Some("25".into());
        let e = parse_opportunity(&input, TODAY).unwrap_err();
        assert_eq!(e.for_field("hours").unwrap().message_id, "community-error-hours");
        input.hours = Some("-1".into());
        assert!(parse_opportunity(&input, TODAY).is_err());
        input.hours = Some("abc".into());
        assert!(parse_opportunity(&input, TODAY).is_err());
        input.taken_on = Some("2026-11-08".into());
        input.hours = Some("40.5".into());
        assert_eq!(parse_opportunity(&input, TODAY).unwrap().hours, Some(40.5));
    }

    #[test]
    fn unknown_kind_status_and_program_are_named() {
        let input = OpportunityInput {
            kind: "skydiving".into(),
            status: "maybe".into(),
            program_id: Some("not-a-uuid".into()),
            ..Default::default()
        };
        let e = parse_opportunity(&input, TODAY).unwrap_err();
        assert_eq!(fields(&e), vec!["kind", "status", "title", "program_id"]);
    }

    #[test]
    fn taking_part_in_a_period() {
        let (from, to) = (date!(2026 - 01 - 01), date!(2026 - 06 - 30));
        let s = OpportunityStatus::Taken;
        assert!(took_part_between(s, Some(date!(2025 - 06 - 01)), None, from, to), "still ongoing");
        assert!(!took_part_between(s, Some(date!(2026 - 07 - 01)), None, from, to));
        let c = OpportunityStatus::Completed;
        assert!(!took_part_between(c, Some(date!(2025 - 06 - 01)), Some(date!(2025 - 12 - 31)), from, to));
        assert!(took_part_between(c, None, Some(date!(2026 - 03 - 01)), from, to));
        assert!(!took_part_between(OpportunityStatus::Offered, Some(date!(2026 - 03 - 01)), None, from, to));
    }

    #[test]
    fn aims_are_kept_in_order_once_and_unknown_ones_refused() {
        let aims = parse_aims(&["wellness".into(), "recovery".into(), "wellness".into(), " ".into()]).unwrap();
        assert_eq!(aims, vec![PeerAim::Recovery, PeerAim::Wellness]);
        assert!(parse_aims(&["happiness".into()]).is_err());
        assert!(parse_aims(&[]).unwrap().is_empty());
    }

    #[test]
    fn periods_default_to_the_last_twelve_months() {
        let p = Period::parse(None, None, TODAY).unwrap();
        assert_eq!(p, Period { from: date!(2025 - 11 - 19), to: TODAY });
        let e = Period::parse(Some("2026-05-01"), Some("2026-04-01"), TODAY).unwrap_err();
        assert_eq!(e.for_field("from").unwrap().message_id, "community-error-period");
        assert!(Period::parse(Some("May"), None, TODAY).is_err());
    }

    #[test]
    fn months_are_added_keeping_the_day_where_possible() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2025 - 11 - 18), 12), date!(2026 - 11 - 18));
        assert_eq!(add_months(date!(2026 - 03 - 15), -3), date!(2025 - 12 - 15));
    }

    fn full_review(answer: &str) -> WelcomeReviewInput {
        WelcomeReviewInput {
            reviewed_on: "2026-11-10".into(),
            participants: Some("3".into()),
            checks: WelcomeItem::ALL
                .iter()
                .map(|i| CheckInput { item: i.code().into(), answer: answer.into(), note: None })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn every_item_must_be_answered() {
        let mut input = full_review("met");
        input.checks.remove(3);
        let e = parse_welcome_review(&input, TODAY).unwrap_err();
        assert_eq!(fields(&e), vec![answer_field(WelcomeItem::ALL[3]).as_str()]);
        let v = parse_welcome_review(&full_review("met"), TODAY).unwrap();
        assert_eq!(v.checks.len(), WelcomeItem::ALL.len());
        assert_eq!(v.participants, 3);
        assert_eq!(v.next_review_on, date!(2027 - 11 - 10));
        let mut early = full_review("met");
        early.next_review_on = Some("2026-11-01".into());
        let e = parse_welcome_review(&early, TODAY).unwrap_err();
        assert_eq!(e.0[0].message_id, "community-error-next-review");
    }

    #[test]
    fn a_not_met_item_needs_a_note() {
        let mut input = full_review("met");
        input.checks[0].answer = "not-met".into();
        let e = parse_welcome_review(&input, TODAY).unwrap_err();
        assert_eq!(e.0[0].field, note_field(WelcomeItem::NonDiscriminationPolicy));
        assert_eq!(e.0[0].message_id, "community-error-not-met-note");
        input.checks[0].note = Some("Poster fell down; reprint by Friday".into());
        assert!(parse_welcome_review(&input, TODAY).is_ok());
    }

    #[test]
    fn review_date_and_count_are_checked() {
        let mut input = full_review("met");
        input.reviewed_on = "2026-12-01".into();
        input.participants = Some("-2".into());
        let e = parse_welcome_review(&input, TODAY).unwrap_err();
        assert_eq!(fields(&e), vec!["reviewed_on", "participants"]);
        input.reviewed_on = String::new();
        assert_eq!(parse_welcome_review(&input, TODAY).unwrap_err().0[0].message_id, "error-required");
        let mut bad = full_review("met");
        bad.checks.push(CheckInput { item: "unicorns".into(), answer: "met".into(), note: None });
        assert_eq!(fields(&parse_welcome_review(&bad, TODAY).unwrap_err()), vec!["checks"]);
    }

    #[test]
    fn score_counts_partly_as_half_and_skips_not_applicable() {
        use WelcomeAnswer::*;
        assert_eq!(welcome_score(&[Met, Partly, NotMet, NotApplicable]), Some(0.5));
        assert_eq!(welcome_score(&[NotApplicable]), None);
        assert_eq!(percent(welcome_score(&[Met, Met, Partly]).unwrap()), 83);
    }

    #[test]
    fn reviews_fall_due_after_the_interval() {
        assert_eq!(review_due(None, 12, TODAY), ReviewStanding::Never);
        assert_eq!(review_due(Some(date!(2026 - 01 - 10)), 12, TODAY), ReviewStanding::Current(date!(2027 - 01 - 10)));
        assert_eq!(review_due(Some(date!(2025 - 11 - 18)), 12, TODAY), ReviewStanding::Overdue(date!(2026 - 11 - 18)));
        assert_eq!(review_due(Some(date!(2026 - 03 - 01)), 6, TODAY), ReviewStanding::Overdue(date!(2026 - 09 - 01)));
    }

    #[test]
    fn photos_are_recognised_by_their_bytes() {
        assert_eq!(photo_type(b"\x89PNG\r\n\x1a\n rest").unwrap().0, "image/png");
        assert_eq!(photo_type(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap().0, "image/jpeg");
        assert_eq!(photo_type(b"RIFF\0\0\0\0WEBPVP8 ").unwrap().0, "image/webp");
        assert_eq!(photo_type(b"hello, this is text"), None);
        assert_eq!(photo_type(b"GIF89a"), None);
        assert_eq!(photo_filename("C:\\pics\\front door.PNG", "png"), "front-door.png");
        assert_eq!(photo_filename("../../etc/passwd", "jpg"), "passwd.jpg");
        assert_eq!(photo_filename("", "webp"), "photo.webp");
    }
}
