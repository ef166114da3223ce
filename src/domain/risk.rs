//! Risk screening: the Columbia suicide screener (C-SSRS, screen version) plus the other dangers staff
//! ask about, and the rule that a moderate or high result is not closed without a response on record.

use super::validation::FieldErrors;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const NOTES_MAX: usize = 4000;

text_code!(
    /// Result of a screen. Variants are declared lowest first, so the derived order is the severity order.
    #[derive(PartialOrd, Ord)]
    RiskLevel { None => "none", Low => "low", Moderate => "moderate", High => "high" }
);

text_code!(
    /// Whether the screen is the one everybody gets or one asked for because of this person.
    ScreenKind { ProgramWide => "program-wide", Individual => "individual" }
);

text_code!(
    /// Why a person was screened individually rather than only by the program-wide screen.
    IndividualReason {
        Child => "child",
        VulnerableAdult => "vulnerable-adult",
        HistoryOfDanger => "history-of-danger",
        ProgramPolicy => "program-policy",
        StaffJudgement => "staff-judgement",
    }
);

text_code!(
    /// What staff did about a moderate or high result.
    ResponseKind {
        IntensiveService => "intensive-service",
        SafetyPlan => "safety-plan",
        EmergencyResponders => "emergency-responders",
        MobileCrisis => "mobile-crisis",
        CrisisLine => "crisis-line",
        Other => "other",
    }
);

text_code!(
    /// Dangers beyond suicide that a screen asks about.
    Concern {
        SelfInjury => "self-injury",
        Neglect => "neglect",
        Exploitation => "exploitation",
        ViolenceToOthers => "violence-to-others",
    }
);

impl RiskLevel {
    /// 0 (none) to 3 (high), for storage and reports that sort by severity.
    pub fn rank(self) -> u8 {
        match self {
            RiskLevel::None => 0,
            RiskLevel::Low => 1,
            RiskLevel::Moderate => 2,
            RiskLevel::High => 3,
        }
    }

    /// The more severe of the two.
    pub fn max(self, other: RiskLevel) -> RiskLevel {
        if other.rank() > self.rank() { other } else { self }
    }

    /// Moderate and high results need a response recorded before the screen is closed.
    pub fn needs_response(self) -> bool {
        matches!(self, RiskLevel::Moderate | RiskLevel::High)
    }
}

/// A yes/no question: None until it has been answered.
pub type Answer = Option<bool>;

/// Yes/no answers arrive as JSON booleans or as the strings radio buttons and checkboxes send.
///
/// Use on `Option<bool>` fields:
/// `#[serde(default, deserialize_with = "crate::domain::risk::yes_no::deserialize")]`.
pub mod yes_no {
    use serde::Deserializer;
    use serde::de::{self, Unexpected, Visitor};
    use std::fmt;

    /// Missing, null and empty all mean "not answered", so a blank radio group is reported as required,
    /// not read as "no".
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
        deserializer.deserialize_any(AnswerVisitor)
    }

    struct AnswerVisitor;

    impl<'de> Visitor<'de> for AnswerVisitor {
        type Value = Option<bool>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("yes, no, true, false, on, 1, 0 or an empty value")
        }

        fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
            Ok(Some(value))
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            match value.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "yes" | "true" | "on" | "1" => Ok(Some(true)),
                "no" | "false" | "0" => Ok(Some(false)),
                _ => Err(E::invalid_value(Unexpected::Str(value), &self)),
            }
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_any(self)
        }
    }
}

/// What a form or an API client sends for one screen. Answers stay optional so that a missing one is
/// reported beside its question instead of being taken as "no".
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct RiskScreenInput {
    /// program-wide or individual
    pub kind: String,
    /// child, vulnerable-adult, history-of-danger, program-policy or staff-judgement; needed for an individual screen
    pub individual_reason: Option<String>,
    /// C-SSRS 1, past month: wished to be dead, or to go to sleep and not wake up.
    #[serde(default, deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub q1_wish_dead: Option<bool>,
    /// C-SSRS 2, past month: any actual thoughts of killing oneself.
    #[serde(default, deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub q2_suicidal_thoughts: Option<bool>,
    /// C-SSRS 3, past month: thought about how (asked only after yes to 2).
    #[serde(default, deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub q3_method: Option<bool>,
    /// C-SSRS 4, past month: some intention of acting on the thoughts (asked only after yes to 2).
    #[serde(default, deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub q4_intent: Option<bool>,
    /// C-SSRS 5, past month: worked out details of a plan and intends to carry it out (asked only after yes to 2).
    #[serde(default, deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub q5_plan: Option<bool>,
    /// C-SSRS 6, lifetime: done, started or prepared to do anything to end one's life.
    #[serde(default, deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub q6_behaviour: Option<bool>,
    /// C-SSRS 6 follow-up: was that within the past three months (asked only after yes to 6).
    #[serde(default, deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub q6_past_three_months: Option<bool>,
    /// Required on an individual screen; optional (blank = no) on a program-wide one, like the next three.
    #[serde(default, deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub self_injury: Option<bool>,
    #[serde(default, deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub neglect: Option<bool>,
    #[serde(default, deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub exploitation: Option<bool>,
    #[serde(default, deserialize_with = "crate::domain::risk::yes_no::deserialize")]
    pub violence_to_others: Option<bool>,
    pub notes: Option<String>,
}

/// The screener's answers after skip logic: `q3`–`q5` are None exactly when q2 was no, and `q6_recent`
/// is Some exactly when q6 was yes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CssrsAnswers {
    pub q1: bool,
    pub q2: bool,
    pub q3: Option<bool>,
    pub q4: Option<bool>,
    pub q5: Option<bool>,
    pub q6: bool,
    /// Within the past three months.
    pub q6_recent: Option<bool>,
}

/// A screen that passed every rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidRiskScreen {
    pub kind: ScreenKind,
    pub individual_reason: Option<IndividualReason>,
    pub answers: CssrsAnswers,
    /// The concerns answered yes, in `Concern::ALL` order.
    pub concerns: Vec<Concern>,
    pub notes: Option<String>,
}

impl RiskScreenInput {
    /// Applies the screener's skip logic and the required-answer rules, reporting every problem at once.
    pub fn parse(&self) -> Result<ValidRiskScreen, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = e.required_code("kind", &self.kind, ScreenKind::parse);
        let reason = self.individual_reason.as_deref();
        let individual_reason = match kind {
            Some(ScreenKind::Individual) => {
                e.required_code("individual_reason", reason.unwrap_or(""), IndividualReason::parse)
            }
            // A reason left behind when the form was switched to program-wide means nothing.
            Some(ScreenKind::ProgramWide) => None,
            // The kind is already in error; still check a reason that was given so all mistakes show together.
            None => e.optional_code("individual_reason", reason, IndividualReason::parse),
        };

        let q1 = required_answer(&mut e, "q1_wish_dead", self.q1_wish_dead);
        let q2 = required_answer(&mut e, "q2_suicidal_thoughts", self.q2_suicidal_thoughts);
        let q3 = follow_up(&mut e, "q3_method", self.q2_suicidal_thoughts, self.q3_method);
        let q4 = follow_up(&mut e, "q4_intent", self.q2_suicidal_thoughts, self.q4_intent);
        let q5 = follow_up(&mut e, "q5_plan", self.q2_suicidal_thoughts, self.q5_plan);
        let q6 = required_answer(&mut e, "q6_behaviour", self.q6_behaviour);
        // Recency only matters, and is only asked, after a yes to q6.
        let q6_recent = match self.q6_behaviour {
            Some(true) => Some(required_answer(&mut e, "q6_past_three_months", self.q6_past_three_months)),
            _ => None,
        };

        // An individual screen must ask about every danger; the program-wide one may leave them blank.
        let concerns_required = kind == Some(ScreenKind::Individual);
        let items = [
            (Concern::SelfInjury, "self_injury", self.self_injury),
            (Concern::Neglect, "neglect", self.neglect),
            (Concern::Exploitation, "exploitation", self.exploitation),
            (Concern::ViolenceToOthers, "violence_to_others", self.violence_to_others),
        ];
        let mut concerns = Vec::new();
        for (concern, field, answer) in items {
            if concerns_required && answer.is_none() {
                e.add(field, "error-required");
            }
            if answer == Some(true) {
                concerns.push(concern);
            }
        }

        let notes = e.optional("notes", self.notes.as_deref(), NOTES_MAX);
        let Some(kind) = kind else {
            // required_code has recorded why there is no kind.
            return Err(e);
        };
        let answers = CssrsAnswers { q1, q2, q3, q4, q5, q6, q6_recent };
        e.finish(ValidRiskScreen { kind, individual_reason, answers, concerns, notes })
    }
}

/// Records a missing answer; the false returned in that case is never used because parsing fails.
fn required_answer(e: &mut FieldErrors, field: &str, answer: Option<bool>) -> bool {
    if answer.is_none() {
        e.add(field, "error-required");
    }
    answer.unwrap_or(false)
}

/// Questions 3–5 are asked only after a yes to question 2.
fn follow_up(e: &mut FieldErrors, field: &str, q2: Option<bool>, answer: Option<bool>) -> Option<bool> {
    match q2 {
        Some(true) => Some(required_answer(e, field, answer)),
        Some(false) => {
            // A yes to a question that should have been skipped contradicts q2, and staff must resolve which
            // is true; a no adds nothing.
            if answer == Some(true) {
                e.add(field, "error-risk-skipped-question");
            }
            None
        }
        // q2 is missing and already reported.
        None => answer,
    }
}

/// The screener's level from its most severe yes. Never a sum: two low answers stay low.
pub fn suicide_level(a: &CssrsAnswers) -> RiskLevel {
    let yes = |answer: Option<bool>| answer == Some(true);
    // Recency unknown is treated as recent: the cautious reading.
    let recent_behaviour = a.q6 && a.q6_recent != Some(false);
    let older_behaviour = a.q6 && a.q6_recent == Some(false);
    if yes(a.q4) || yes(a.q5) || recent_behaviour {
        RiskLevel::High
    } else if yes(a.q3) || older_behaviour {
        RiskLevel::Moderate
    } else if a.q1 || a.q2 {
        RiskLevel::Low
    } else {
        RiskLevel::None
    }
}

/// The suicide level, raised to at least moderate when any other danger was reported.
pub fn overall_level(screen: &ValidRiskScreen) -> RiskLevel {
    let level = suicide_level(&screen.answers);
    if screen.concerns.is_empty() { level } else { level.max(RiskLevel::Moderate) }
}

/// A moderate or high screen cannot be closed until at least one response is recorded.
pub fn check_close(level: RiskLevel, responses: &[ResponseKind]) -> Result<(), FieldErrors> {
    if level.needs_response() && responses.is_empty() {
        return Err(FieldErrors::single("responses", "error-risk-response-required"));
    }
    Ok(())
}

/// Why this person needs an individual screen, first matching reason wins; None when the program-wide screen
/// is enough. Staff judgement is never inferred: staff choose it.
pub fn individual_screen_reason(
    age: Option<i32>,
    vulnerable_adult: bool,
    history_of_danger: bool,
    program_requires_everyone: bool,
) -> Option<IndividualReason> {
    if age.is_some_and(|years| years < 18) {
        Some(IndividualReason::Child)
    } else if vulnerable_adult {
        Some(IndividualReason::VulnerableAdult)
    } else if history_of_danger {
        Some(IndividualReason::HistoryOfDanger)
    } else if program_requires_everyone {
        Some(IndividualReason::ProgramPolicy)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A complete individual screen with every answer no.
    fn individual() -> RiskScreenInput {
        RiskScreenInput {
            kind: "individual".into(),
            individual_reason: Some("child".into()),
            q1_wish_dead: Some(false),
            q2_suicidal_thoughts: Some(false),
            q6_behaviour: Some(false),
            self_injury: Some(false),
            neglect: Some(false),
            exploitation: Some(false),
            violence_to_others: Some(false),
            ..Default::default()
        }
    }

    fn program_wide(a: &CssrsAnswers) -> RiskScreenInput {
        RiskScreenInput {
            kind: "program-wide".into(),
            q1_wish_dead: Some(a.q1),
            q2_suicidal_thoughts: Some(a.q2),
            q3_method: a.q3,
            q4_intent: a.q4,
            q5_plan: a.q5,
            q6_behaviour: Some(a.q6),
            q6_past_three_months: a.q6_recent,
            ..Default::default()
        }
    }

    fn message(errors: &FieldErrors, field: &str) -> Option<&'static str> {
        errors.for_field(field).map(|e| e.message_id)
    }

    fn no_answers() -> CssrsAnswers {
        CssrsAnswers { q1: false, q2: false, q3: None, q4: None, q5: None, q6: false, q6_recent: None }
    }

    /// Written apart from `suicide_level`: each yes carries its own level and the worst one counts.
    fn expected_level(a: &CssrsAnswers) -> RiskLevel {
        let yes = |answer: Option<bool>| answer == Some(true);
        let items: [(bool, usize); 7] = [
            (a.q1, 1),
            (a.q2, 1),
            (yes(a.q3), 2),
            (yes(a.q4), 3),
            (yes(a.q5), 3),
            (a.q6 && a.q6_recent == Some(true), 3),
            (a.q6 && a.q6_recent == Some(false), 2),
        ];
        let worst = items.iter().filter(|(answered_yes, _)| *answered_yes).map(|(_, level)| *level).max();
        RiskLevel::ALL[worst.unwrap_or(0)]
    }

    #[test]
    fn levels_order_by_severity() {
        for &a in RiskLevel::ALL {
            for &b in RiskLevel::ALL {
                assert_eq!(a < b, a.rank() < b.rank(), "{a} {b}");
                assert_eq!(a.max(b).rank(), a.rank().max(b.rank()), "{a} {b}");
            }
        }
        assert_eq!(RiskLevel::ALL.iter().map(|l| l.rank()).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
        assert!(!RiskLevel::None.needs_response());
        assert!(!RiskLevel::Low.needs_response());
        assert!(RiskLevel::Moderate.needs_response());
        assert!(RiskLevel::High.needs_response());
        assert_eq!(RiskLevel::Moderate.message_id(), "risk-level-moderate");
    }

    #[test]
    fn suicide_level_over_every_answer_pattern() {
        let both = [false, true];
        let mut seen = 0;
        for q1 in both {
            for q2 in both {
                // q3–q5 exist only after a yes to q2.
                let follow_ups: &[Option<bool>] = if q2 { &[Some(false), Some(true)] } else { &[None] };
                for &q3 in follow_ups {
                    for &q4 in follow_ups {
                        for &q5 in follow_ups {
                            for q6 in both {
                                let recency: &[Option<bool>] = if q6 { &[Some(false), Some(true)] } else { &[None] };
                                for &q6_recent in recency {
                                    let answers = CssrsAnswers { q1, q2, q3, q4, q5, q6, q6_recent };
                                    assert_eq!(suicide_level(&answers), expected_level(&answers), "{answers:?}");
                                    // The same answers sent through the form give the same screen.
                                    let screen = program_wide(&answers).parse().expect("valid screen");
                                    assert_eq!(screen.answers, answers);
                                    assert_eq!(overall_level(&screen), expected_level(&answers));
                                    seen += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
        // q2 no: 2 (q1) x 3 (q6 no, or yes old/recent); q2 yes: 2 x 8 (q3–q5) x 3.
        assert_eq!(seen, 6 + 48);
    }

    #[test]
    fn suicide_level_examples() {
        let base = no_answers();
        assert_eq!(suicide_level(&base), RiskLevel::None);
        // Never a sum: both ideation questions yes is still low.
        assert_eq!(
            suicide_level(&CssrsAnswers { q1: true, q2: true, q3: Some(false), ..base.clone() }),
            RiskLevel::Low
        );
        let method = CssrsAnswers { q2: true, q3: Some(true), q4: Some(false), q5: Some(false), ..base.clone() };
        assert_eq!(suicide_level(&method), RiskLevel::Moderate);
        let intent = CssrsAnswers { q2: true, q3: Some(false), q4: Some(true), q5: Some(false), ..base.clone() };
        assert_eq!(suicide_level(&intent), RiskLevel::High);
        let plan = CssrsAnswers { q2: true, q3: Some(false), q4: Some(false), q5: Some(true), ..base.clone() };
        assert_eq!(suicide_level(&plan), RiskLevel::High);
        assert_eq!(suicide_level(&CssrsAnswers { q6: true, q6_recent: Some(true), ..base.clone() }), RiskLevel::High);
        assert_eq!(
            suicide_level(&CssrsAnswers { q6: true, q6_recent: Some(false), ..base.clone() }),
            RiskLevel::Moderate
        );
        // Unknown recency cannot come out of parse; if it is built by hand it reads as recent.
        assert_eq!(suicide_level(&CssrsAnswers { q6: true, q6_recent: None, ..base }), RiskLevel::High);
    }

    #[test]
    fn complete_individual_screen_is_accepted() {
        let screen = individual().parse().expect("valid screen");
        assert_eq!(screen.kind, ScreenKind::Individual);
        assert_eq!(screen.individual_reason, Some(IndividualReason::Child));
        assert_eq!(screen.answers, no_answers());
        assert!(screen.concerns.is_empty());
        assert_eq!(overall_level(&screen), RiskLevel::None);
    }

    #[test]
    fn kind_is_required_and_known() {
        let missing = RiskScreenInput { kind: " ".into(), ..individual() }.parse().unwrap_err();
        assert_eq!(message(&missing, "kind"), Some("error-required"));
        let unknown = RiskScreenInput { kind: "weekly".into(), ..individual() }.parse().unwrap_err();
        assert_eq!(message(&unknown, "kind"), Some("error-unknown-choice"));
        // The reason is still checked so both mistakes show together.
        let both =
            RiskScreenInput { kind: "weekly".into(), individual_reason: Some("astrology".into()), ..individual() };
        let errors = both.parse().unwrap_err();
        assert_eq!(message(&errors, "individual_reason"), Some("error-unknown-choice"));
    }

    #[test]
    fn individual_screen_needs_a_known_reason() {
        for blank in [None, Some(String::new()), Some("  ".to_string())] {
            let errors = RiskScreenInput { individual_reason: blank.clone(), ..individual() }.parse().unwrap_err();
            assert_eq!(message(&errors, "individual_reason"), Some("error-required"), "{blank:?}");
        }
        let unknown = RiskScreenInput { individual_reason: Some("astrology".into()), ..individual() };
        assert_eq!(message(&unknown.parse().unwrap_err(), "individual_reason"), Some("error-unknown-choice"));
        for reason in IndividualReason::ALL {
            let input = RiskScreenInput { individual_reason: Some(reason.code().into()), ..individual() };
            assert_eq!(input.parse().expect("valid screen").individual_reason, Some(*reason));
        }
    }

    #[test]
    fn program_wide_screen_ignores_the_reason() {
        let input = RiskScreenInput {
            kind: "program-wide".into(),
            individual_reason: Some("astrology".into()),
            ..individual()
        };
        assert_eq!(input.parse().expect("valid screen").individual_reason, None);
    }

    #[test]
    fn first_questions_and_q6_are_required_and_all_reported() {
        let input =
            RiskScreenInput { q1_wish_dead: None, q2_suicidal_thoughts: None, q6_behaviour: None, ..individual() };
        let errors = input.parse().unwrap_err();
        for field in ["q1_wish_dead", "q2_suicidal_thoughts", "q6_behaviour"] {
            assert_eq!(message(&errors, field), Some("error-required"), "{field}");
        }
        assert_eq!(errors.0.len(), 3);
    }

    #[test]
    fn yes_to_q2_requires_q3_to_q5() {
        let input = RiskScreenInput { q2_suicidal_thoughts: Some(true), ..individual() };
        let errors = input.parse().unwrap_err();
        for field in ["q3_method", "q4_intent", "q5_plan"] {
            assert_eq!(message(&errors, field), Some("error-required"), "{field}");
        }
        assert_eq!(errors.0.len(), 3);
    }

    #[test]
    fn no_to_q2_skips_q3_to_q5() {
        let contradicts = RiskScreenInput { q3_method: Some(true), q5_plan: Some(true), ..individual() };
        let errors = contradicts.parse().unwrap_err();
        assert_eq!(message(&errors, "q3_method"), Some("error-risk-skipped-question"));
        assert_eq!(message(&errors, "q5_plan"), Some("error-risk-skipped-question"));
        assert_eq!(message(&errors, "q4_intent"), None);
        // A no to a skipped question is simply dropped.
        let dropped = RiskScreenInput { q3_method: Some(false), q4_intent: Some(false), ..individual() };
        let answers = dropped.parse().expect("valid screen").answers;
        assert_eq!((answers.q3, answers.q4, answers.q5), (None, None, None));
    }

    #[test]
    fn recency_follows_q6() {
        let missing = RiskScreenInput { q6_behaviour: Some(true), ..individual() };
        assert_eq!(message(&missing.parse().unwrap_err(), "q6_past_three_months"), Some("error-required"));
        let recent = RiskScreenInput { q6_behaviour: Some(true), q6_past_three_months: Some(true), ..individual() };
        assert_eq!(recent.parse().expect("valid screen").answers.q6_recent, Some(true));
        let dropped = RiskScreenInput { q6_behaviour: Some(false), q6_past_three_months: Some(true), ..individual() };
        assert_eq!(dropped.parse().expect("valid screen").answers.q6_recent, None);
    }

    #[test]
    fn individual_screen_asks_every_concern() {
        let input = RiskScreenInput {
            self_injury: None,
            neglect: None,
            exploitation: None,
            violence_to_others: None,
            ..individual()
        };
        let errors = input.parse().unwrap_err();
        for field in ["self_injury", "neglect", "exploitation", "violence_to_others"] {
            assert_eq!(message(&errors, field), Some("error-required"), "{field}");
        }
        assert_eq!(errors.0.len(), 4);
        // Program-wide: blank concerns count as no.
        let program = RiskScreenInput { kind: "program-wide".into(), ..input };
        assert!(program.parse().expect("valid screen").concerns.is_empty());
    }

    #[test]
    fn concerns_keep_the_listed_order() {
        let input = RiskScreenInput { violence_to_others: Some(true), self_injury: Some(true), ..individual() };
        assert_eq!(input.parse().expect("valid screen").concerns, vec![Concern::SelfInjury, Concern::ViolenceToOthers]);
        let program = RiskScreenInput {
            kind: "program-wide".into(),
            self_injury: None,
            neglect: Some(true),
            exploitation: None,
            violence_to_others: None,
            ..individual()
        };
        assert_eq!(program.parse().expect("valid screen").concerns, vec![Concern::Neglect]);
    }

    #[test]
    fn notes_are_trimmed_and_bounded() {
        let input = RiskScreenInput { notes: Some("  seen at drop-in  ".into()), ..individual() };
        assert_eq!(input.parse().expect("valid screen").notes.as_deref(), Some("seen at drop-in"));
        let blank = RiskScreenInput { notes: Some("   ".into()), ..individual() };
        assert_eq!(blank.parse().expect("valid screen").notes, None);
        let long = RiskScreenInput { notes: Some("x".repeat(NOTES_MAX + 1)), ..individual() };
        assert_eq!(message(&long.parse().unwrap_err(), "notes"), Some("error-too-long"));
    }

    #[test]
    fn concerns_raise_the_overall_level_to_moderate() {
        for concern in Concern::ALL {
            let mut input = individual();
            match concern {
                Concern::SelfInjury => input.self_injury = Some(true),
                Concern::Neglect => input.neglect = Some(true),
                Concern::Exploitation => input.exploitation = Some(true),
                Concern::ViolenceToOthers => input.violence_to_others = Some(true),
            }
            let screen = input.parse().expect("valid screen");
            assert_eq!(screen.concerns, vec![*concern]);
            assert_eq!(suicide_level(&screen.answers), RiskLevel::None);
            assert_eq!(overall_level(&screen), RiskLevel::Moderate, "{concern}");
        }
        let low = RiskScreenInput { q1_wish_dead: Some(true), neglect: Some(true), ..individual() };
        assert_eq!(overall_level(&low.parse().expect("valid screen")), RiskLevel::Moderate);
        // A concern never lowers a high result.
        let high = RiskScreenInput {
            q6_behaviour: Some(true),
            q6_past_three_months: Some(true),
            neglect: Some(true),
            ..individual()
        };
        assert_eq!(overall_level(&high.parse().expect("valid screen")), RiskLevel::High);
    }

    #[test]
    fn closing_needs_a_response_for_moderate_and_high() {
        assert!(check_close(RiskLevel::None, &[]).is_ok());
        assert!(check_close(RiskLevel::Low, &[]).is_ok());
        for level in [RiskLevel::Moderate, RiskLevel::High] {
            let errors = check_close(level, &[]).unwrap_err();
            assert_eq!(message(&errors, "responses"), Some("error-risk-response-required"), "{level}");
        }
        for level in RiskLevel::ALL {
            for response in ResponseKind::ALL {
                assert!(check_close(*level, &[*response]).is_ok(), "{level} {response}");
            }
            assert!(check_close(*level, &[ResponseKind::SafetyPlan, ResponseKind::CrisisLine]).is_ok());
        }
    }

    #[test]
    fn individual_screen_reason_first_match_wins() {
        assert_eq!(individual_screen_reason(Some(17), true, true, true), Some(IndividualReason::Child));
        assert_eq!(individual_screen_reason(Some(18), true, true, true), Some(IndividualReason::VulnerableAdult));
        assert_eq!(individual_screen_reason(None, false, true, true), Some(IndividualReason::HistoryOfDanger));
        assert_eq!(individual_screen_reason(Some(40), false, false, true), Some(IndividualReason::ProgramPolicy));
        assert_eq!(individual_screen_reason(Some(40), false, false, false), None);
        // Unknown age is not taken as a child.
        assert_eq!(individual_screen_reason(None, false, false, false), None);
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Probe {
        #[serde(default, deserialize_with = "crate::domain::risk::yes_no::deserialize")]
        answer: Answer,
    }

    #[test]
    fn yes_no_reads_json() {
        let read = |json: &str| serde_json::from_str::<Probe>(json).map(|probe| probe.answer);
        let cases = [
            (r#"{"answer": true}"#, Some(true)),
            (r#"{"answer": false}"#, Some(false)),
            (r#"{"answer": null}"#, None),
            (r#"{}"#, None),
            (r#"{"answer": ""}"#, None),
            (r#"{"answer": "  "}"#, None),
            (r#"{"answer": "yes"}"#, Some(true)),
            (r#"{"answer": "Yes"}"#, Some(true)),
            (r#"{"answer": "true"}"#, Some(true)),
            (r#"{"answer": "on"}"#, Some(true)),
            (r#"{"answer": "1"}"#, Some(true)),
            (r#"{"answer": "no"}"#, Some(false)),
            (r#"{"answer": "false"}"#, Some(false)),
            (r#"{"answer": "0"}"#, Some(false)),
        ];
        for (json, expected) in cases {
            assert_eq!(read(json).expect(json), expected, "{json}");
        }
        for bad in [r#"{"answer": "maybe"}"#, r#"{"answer": 1}"#, r#"{"answer": [true]}"#, r#"{"answer": {}}"#] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn yes_no_reads_forms() {
        let read = |form: &str| serde_html_form::from_str::<Probe>(form).map(|probe| probe.answer);
        let cases = [
            ("answer=yes", Some(true)),
            ("answer=on", Some(true)),
            ("answer=true", Some(true)),
            ("answer=1", Some(true)),
            ("answer=no", Some(false)),
            ("answer=false", Some(false)),
            ("answer=0", Some(false)),
            ("answer=", None),
            ("", None),
        ];
        for (form, expected) in cases {
            assert_eq!(read(form).expect(form), expected, "{form}");
        }
        assert!(read("answer=maybe").is_err());
    }

    #[test]
    fn whole_screen_from_a_form() {
        let form = concat!(
            "kind=individual&individual_reason=vulnerable-adult",
            "&q1_wish_dead=yes&q2_suicidal_thoughts=no&q3_method=&q4_intent=&q5_plan=",
            "&q6_behaviour=on&q6_past_three_months=0",
            "&self_injury=no&neglect=yes&exploitation=no&violence_to_others=false",
            "&notes=+seen+at+drop-in+",
        );
        let input: RiskScreenInput = serde_html_form::from_str(form).expect("form reads");
        let screen = input.parse().expect("valid screen");
        assert_eq!(screen.individual_reason, Some(IndividualReason::VulnerableAdult));
        let expected = CssrsAnswers { q1: true, q6: true, q6_recent: Some(false), ..no_answers() };
        assert_eq!(screen.answers, expected);
        assert_eq!(screen.concerns, vec![Concern::Neglect]);
        assert_eq!(screen.notes.as_deref(), Some("seen at drop-in"));
        assert_eq!(overall_level(&screen), RiskLevel::Moderate);
    }

    #[test]
    fn whole_screen_from_json() {
        let json = r#"{
            "kind": "program-wide",
            "q1_wish_dead": true,
            "q2_suicidal_thoughts": "yes",
            "q3_method": false,
            "q4_intent": "no",
            "q5_plan": "1",
            "q6_behaviour": false,
            "q6_past_three_months": null
        }"#;
        let input: RiskScreenInput = serde_json::from_str(json).expect("json reads");
        let screen = input.parse().expect("valid screen");
        assert_eq!(screen.answers.q5, Some(true));
        assert_eq!(overall_level(&screen), RiskLevel::High);
        assert!(serde_json::from_str::<RiskScreenInput>(r#"{"q1_wish_dead": "perhaps"}"#).is_err());
    }
}
