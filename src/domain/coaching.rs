//! Peer recovery coaching: recovery/wellness plans, contacts and progress notes, minimum contact
//! frequency, lapses and re-engagement, mutual-aid connections and natural supports. Pure rules.

use crate::domain::FieldErrors;
use crate::domain::person::yes_no;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};
use uuid::Uuid;

text_code!(
    /// How a contact happened (face to face first, as the service definition prefers).
    ContactMode { FaceToFace => "face-to-face", Phone => "phone", Video => "video", Text => "text" }
);

text_code!(
    /// Where a contact happened: the settings the service definition names.
    ContactSetting {
        RecoveryCentre => "recovery-centre",
        Outpatient => "outpatient",
        Community => "community",
        Home => "home",
        Inpatient => "inpatient-detox",
        Justice => "jail-prison",
        EmergencyRoom => "emergency-room",
        PrimaryCare => "primary-care",
        Remote => "remote",
    }
);

text_code!(
    /// What the coach did with the person (the service definition's activity list).
    CoachingActivity {
        Education => "education",
        Coaching => "coaching",
        Linking => "linking",
        Accompanying => "accompanying",
        RecoveryCommunity => "recovery-community",
        NaturalSupports => "natural-supports",
        MutualAid => "mutual-aid",
        Advocacy => "advocacy",
        CrisisSupport => "crisis-support",
        Other => "other",
    }
);

text_code!(
    /// The life domains a recovery/wellness plan's goals belong to.
    LifeDomain {
        Housing => "housing",
        WorkSchool => "work-school",
        Health => "health",
        Relationships => "relationships",
        Recovery => "recovery",
        Legal => "legal",
        Money => "money",
        Community => "community",
        Purpose => "purpose",
    }
);

text_code!(
    /// Service needs a plan records as not yet met.
    UnmetNeed {
        MentalHealth => "mental-health",
        SubstanceUse => "substance-use",
        Legal => "legal",
        RecordExpungement => "record-expungement",
        Crisis => "crisis",
        PrimaryCare => "primary-care",
        Dental => "dental",
        EducationVocational => "education-vocational",
        Housing => "housing",
        Other => "other",
    }
);

text_code!(
    /// Where a goal stands.
    GoalProgress {
        NotStarted => "not-started",
        InProgress => "in-progress",
        Achieved => "achieved",
        SetAside => "set-aside",
    }
);

text_code!(
    /// A plan's life cycle: written, agreed with the person, under review, closed at discharge.
    PlanStatus { Draft => "draft", Agreed => "agreed", InReview => "in-review", Closed => "closed" }
);

text_code!(
    /// Why a version of a plan was made.
    PlanVersionKind { Initial => "initial", Review => "review", Discharge => "discharge" }
);

text_code!(
    /// How the person agreed to their plan.
    Agreement { Signature => "signature", Verbal => "verbal" }
);

text_code!(
    /// How often a person is contacted at least; never less than monthly.
    ContactFrequency { Weekly => "weekly", Fortnightly => "fortnightly", Monthly => "monthly" }
);

text_code!(
    /// Where the person says they are in their recovery; guides how often to meet.
    RecoveryStage {
        Exploring => "exploring",
        Early => "early",
        Ongoing => "ongoing",
        Sustained => "sustained",
        AfterReturnToUse => "after-return-to-use",
    }
);

text_code!(
    /// A progress note is a draft until signed; signed notes change only by addenda.
    NoteStatus { Draft => "draft", Signed => "signed" }
);

text_code!(
    /// Mutual-aid and self-help fellowships.
    Fellowship {
        Aa => "aa",
        Na => "na",
        SmartRecovery => "smart-recovery",
        Dbsa => "dbsa",
        SchizophrenicsAnonymous => "schizophrenics-anonymous",
        AlAnon => "al-anon",
        RecoveryDharma => "recovery-dharma",
        AllRecovery => "all-recovery",
        Other => "other",
    }
);

text_code!(
    /// How the coach helped someone connect with a mutual-aid group (more than a time and a place).
    MutualAidHelp {
        DiscussedWhatToExpect => "discussed-what-to-expect",
        AccompaniedFirstMeeting => "accompanied-first-meeting",
        IntroducedToMembers => "introduced-to-members",
        FollowedUp => "followed-up",
    }
);

text_code!(
    /// Who a natural support is to the person.
    SupportRelationship {
        Family => "family",
        Partner => "partner",
        Friend => "friend",
        Landlord => "landlord",
        Employer => "employer",
        Neighbour => "neighbour",
        Sponsor => "sponsor",
        FaithCommunity => "faith-community",
        Other => "other",
    }
);

text_code!(
    /// Whether a natural support takes part in the person's recovery.
    SupportEngagement {
        NotYet => "not-yet",
        Engaged => "engaged",
        ReEngaged => "re-engaged",
        NotWanted => "not-wanted",
    }
);

/// The longest a plan may go without review (the service definition asks for quarterly).
pub const MAX_REVIEW_DAYS: i32 = 90;
/// A contact longer than a working day is almost certainly a typing slip.
pub const MAX_CONTACT_MINUTES: i32 = 720;
/// "No contact in 30 days" on the worklist.
pub const NO_CONTACT_DAYS: i64 = 30;
const MAX_GOALS: usize = 15;
const MAX_STEPS: usize = 10;
const LONG_TEXT: usize = 4000;
const NOTE_TEXT: usize = 10_000;

// ---------- dates ----------

/// The same day one calendar month on, or the month's last day when it is shorter (31 Jan → 28/29 Feb).
pub fn add_one_month(day: Date) -> Date {
    let (year, month) = if day.month() == Month::December {
        (day.year() + 1, Month::January)
    } else {
        (day.year(), day.month().next())
    };
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, day.day().min(last)).unwrap_or(day)
}

/// When the next contact is due after one on `last`.
pub fn next_contact_due(last: Date, frequency: ContactFrequency) -> Date {
    match frequency {
        ContactFrequency::Weekly => last + Duration::days(7),
        ContactFrequency::Fortnightly => last + Duration::days(14),
        ContactFrequency::Monthly => add_one_month(last),
    }
}

/// When a plan agreed or reviewed on `agreed_on` must next be reviewed.
pub fn plan_review_due(agreed_on: Date, review_days: i32) -> Date {
    agreed_on + Duration::days(i64::from(review_days.clamp(1, MAX_REVIEW_DAYS)))
}

/// How a due date stands on `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Due {
    /// Due later than the look-ahead window.
    Later,
    /// Due within the window (days left, 0 = today).
    Soon(i64),
    /// Past the date by this many days.
    Overdue(i64),
}

pub fn due_status(due_on: Date, today: Date, window_days: i64) -> Due {
    let left = (due_on - today).whole_days();
    if left < 0 {
        Due::Overdue(-left)
    } else if left <= window_days {
        Due::Soon(left)
    } else {
        Due::Later
    }
}

/// The frequency a stage of recovery suggests; a raised-monitoring flag (4.03) means weekly.
pub fn suggested_frequency(stage: Option<RecoveryStage>, monitoring_raised: bool) -> ContactFrequency {
    if monitoring_raised {
        return ContactFrequency::Weekly;
    }
    match stage {
        Some(RecoveryStage::Early | RecoveryStage::AfterReturnToUse) => ContactFrequency::Weekly,
        Some(RecoveryStage::Exploring | RecoveryStage::Ongoing) => ContactFrequency::Fortnightly,
        Some(RecoveryStage::Sustained) | None => ContactFrequency::Monthly,
    }
}

// ---------- plan content ----------

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanStep {
    pub what: String,
    /// Who does it: the person, the coach, a support…
    #[serde(default)]
    pub who: String,
    #[serde(default)]
    pub target_on: Option<Date>,
    #[serde(default)]
    pub done: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanGoal {
    /// Stable across versions, so progress and contacts follow the goal. A new goal may leave it
    /// out and is given one.
    #[serde(default = "Uuid::new_v4")]
    pub id: Uuid,
    pub domain: LifeDomain,
    /// The goal in the person's own words.
    pub in_own_words: String,
    #[serde(default = "not_started")]
    pub progress: GoalProgress,
    #[serde(default)]
    pub progress_note: String,
    #[serde(default)]
    pub steps: Vec<PlanStep>,
}

fn not_started() -> GoalProgress {
    GoalProgress::NotStarted
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnmetNeedEntry {
    pub need: UnmetNeed,
    #[serde(default)]
    pub note: String,
}

/// Everything a plan says, stored as one JSON document per version so versions compare field by field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PlanContent {
    pub why_came: String,
    pub what_matters: String,
    /// Values, culture and way of life the plan respects.
    pub values_culture: String,
    pub strengths: String,
    pub barriers: String,
    pub unmet_needs: Vec<UnmetNeedEntry>,
    pub recovery_capital: String,
    pub coping_strategies: String,
    pub goals: Vec<PlanGoal>,
    /// How things went since the last version (at each review).
    pub progress_evaluation: String,
    /// At discharge: how the gains will be kept.
    pub maintaining_gains: String,
    /// Who took part in writing it (besides the person and the coach).
    pub participants: String,
    /// Household members taking part in a family plan.
    pub household_member_ids: Vec<Uuid>,
}

/// What the readiness evidence asks of an agreed version's content (CSE 3.04 person-driven plans,
/// goals evaluated at review), stored beside the version when it is agreed: counting a year of
/// plans then reads four columns instead of parsing every plan document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlanFacts {
    pub goal_count: i32,
    pub has_strengths: bool,
    /// Barriers written down, or at least one unmet need.
    pub has_barriers: bool,
    /// An evaluation of how things went, or a goal's progress moved or noted.
    pub has_progress: bool,
}

impl PlanFacts {
    /// From the stored JSON, field by field as the migration that filled the columns read them
    /// (a missing or malformed field counts as empty), so a partial document still answers.
    pub fn of_json(content: &str) -> PlanFacts {
        let doc: serde_json::Value = serde_json::from_str(content).unwrap_or_default();
        let text = |v: &serde_json::Value| v.as_str().is_some_and(|s| !s.trim().is_empty());
        let goals = doc.get("goals").and_then(|g| g.as_array());
        let not_started = GoalProgress::NotStarted.code();
        let goal_moved = |g: &serde_json::Value| {
            g.get("progress").and_then(|p| p.as_str()).is_some_and(|p| p != not_started)
                || g.get("progress_note").is_some_and(text)
        };
        PlanFacts {
            goal_count: goals.map_or(0, |g| g.len().min(i32::MAX as usize) as i32),
            has_strengths: doc.get("strengths").is_some_and(text),
            has_barriers: doc.get("barriers").is_some_and(text)
                || doc.get("unmet_needs").and_then(|u| u.as_array()).is_some_and(|u| !u.is_empty()),
            has_progress: doc.get("progress_evaluation").is_some_and(text)
                || goals.is_some_and(|g| g.iter().any(goal_moved)),
        }
    }
}

/// The text fields of a plan, in form order, with their message ids.
pub const PLAN_TEXT_FIELDS: &[(&str, &str)] = &[
    ("why_came", "plan-why-came"),
    ("what_matters", "plan-what-matters"),
    ("values_culture", "plan-values-culture"),
    ("strengths", "plan-strengths"),
    ("barriers", "plan-barriers"),
    ("recovery_capital", "plan-recovery-capital"),
    ("coping_strategies", "recovery-plan-coping-strategies"),
    ("progress_evaluation", "plan-progress-evaluation"),
    ("maintaining_gains", "plan-maintaining-gains"),
    ("participants", "plan-participants"),
];

impl PlanContent {
    pub fn text(&self, field: &str) -> &str {
        match field {
            "why_came" => &self.why_came,
            "what_matters" => &self.what_matters,
            "values_culture" => &self.values_culture,
            "strengths" => &self.strengths,
            "barriers" => &self.barriers,
            "recovery_capital" => &self.recovery_capital,
            "coping_strategies" => &self.coping_strategies,
            "progress_evaluation" => &self.progress_evaluation,
            "maintaining_gains" => &self.maintaining_gains,
            "participants" => &self.participants,
            _ => "",
        }
    }

    fn text_mut(&mut self, field: &str) -> Option<&mut String> {
        Some(match field {
            "why_came" => &mut self.why_came,
            "what_matters" => &mut self.what_matters,
            "values_culture" => &mut self.values_culture,
            "strengths" => &mut self.strengths,
            "barriers" => &mut self.barriers,
            "recovery_capital" => &mut self.recovery_capital,
            "coping_strategies" => &mut self.coping_strategies,
            "progress_evaluation" => &mut self.progress_evaluation,
            "maintaining_gains" => &mut self.maintaining_gains,
            "participants" => &mut self.participants,
            _ => return None,
        })
    }

    /// Checks a plan as written; a plan needs at least one goal in the person's words.
    pub fn validate(mut self) -> Result<PlanContent, FieldErrors> {
        let mut e = FieldErrors::new();
        for (field, _) in PLAN_TEXT_FIELDS {
            if let Some(value) = self.text_mut(field) {
                let trimmed = e.optional(field, Some(value), LONG_TEXT).unwrap_or_default();
                *value = trimmed;
            }
        }
        self.goals.retain(|g| !g.in_own_words.trim().is_empty() || g.steps.iter().any(|s| !s.what.trim().is_empty()));
        if self.goals.is_empty() {
            e.add("goals", "error-plan-needs-goal");
        }
        if self.goals.len() > MAX_GOALS {
            e.add_with("goals", "error-too-many", vec![("max", MAX_GOALS.to_string())]);
        }
        let mut seen = std::collections::HashSet::new();
        for (i, goal) in self.goals.iter_mut().enumerate() {
            let prefix = format!("goal_{i}");
            goal.in_own_words = e.required(&format!("{prefix}_words"), &goal.in_own_words, 1000);
            goal.progress_note =
                e.optional(&format!("{prefix}_progress_note"), Some(&goal.progress_note), 2000).unwrap_or_default();
            if !seen.insert(goal.id) {
                goal.id = Uuid::new_v4();
            }
            goal.steps.retain(|s| !s.what.trim().is_empty() || !s.who.trim().is_empty() || s.target_on.is_some());
            if goal.steps.len() > MAX_STEPS {
                e.add_with(&format!("{prefix}_steps"), "error-too-many", vec![("max", MAX_STEPS.to_string())]);
            }
            for (j, step) in goal.steps.iter_mut().enumerate() {
                step.what = e.required(&format!("{prefix}_step_{j}_what"), &step.what, 500);
                step.who = e.optional(&format!("{prefix}_step_{j}_who"), Some(&step.who), 200).unwrap_or_default();
            }
        }
        let mut needs = std::collections::HashSet::new();
        self.unmet_needs.retain(|n| needs.insert(n.need));
        for n in &mut self.unmet_needs {
            n.note = e.optional("unmet_needs", Some(&n.note), 1000).unwrap_or_default();
        }
        e.finish(self)
    }

    pub fn goal(&self, id: Uuid) -> Option<&PlanGoal> {
        self.goals.iter().find(|g| g.id == id)
    }
}

/// One difference between two versions of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PlanChange {
    /// Message id of the field (e.g. `plan-strengths`, `plan-goal`).
    pub field: String,
    /// For goal changes, the goal in the person's words.
    pub goal: Option<String>,
    pub before: String,
    pub after: String,
}

fn goal_text(g: &PlanGoal) -> String {
    let mut out = format!("[{}] {} — {}", g.domain.code(), g.in_own_words, g.progress.code());
    if !g.progress_note.is_empty() {
        out.push_str(&format!(" ({})", g.progress_note));
    }
    for s in &g.steps {
        out.push_str(&format!(
            "\n• {}{}{}{}",
            s.what,
            if s.who.is_empty() { String::new() } else { format!(" — {}", s.who) },
            s.target_on.map(|d| format!(" — {d}")).unwrap_or_default(),
            if s.done { " ✓" } else { "" }
        ));
    }
    out
}

fn needs_text(needs: &[UnmetNeedEntry]) -> String {
    needs
        .iter()
        .map(|n| if n.note.is_empty() { n.need.code().to_string() } else { format!("{}: {}", n.need.code(), n.note) })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What changed from `before` to `after`, field by field and goal by goal.
pub fn diff(before: &PlanContent, after: &PlanContent) -> Vec<PlanChange> {
    let mut out = Vec::new();
    for (field, message) in PLAN_TEXT_FIELDS {
        let (a, b) = (before.text(field), after.text(field));
        if a != b {
            out.push(PlanChange { field: message.to_string(), goal: None, before: a.into(), after: b.into() });
        }
    }
    if before.unmet_needs != after.unmet_needs {
        out.push(PlanChange {
            field: "plan-unmet-needs".into(),
            goal: None,
            before: needs_text(&before.unmet_needs),
            after: needs_text(&after.unmet_needs),
        });
    }
    for goal in &after.goals {
        match before.goal(goal.id) {
            Some(old) if old == goal => {}
            old => out.push(PlanChange {
                field: "plan-goal".into(),
                goal: Some(goal.in_own_words.clone()),
                before: old.map(goal_text).unwrap_or_default(),
                after: goal_text(goal),
            }),
        }
    }
    for old in before.goals.iter().filter(|g| after.goal(g.id).is_none()) {
        out.push(PlanChange {
            field: "plan-goal".into(),
            goal: Some(old.in_own_words.clone()),
            before: goal_text(old),
            after: String::new(),
        });
    }
    out
}

/// A field both writers changed in different ways; the merge keeps `mine` and shows `theirs`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MergeConflict {
    pub field: String,
    pub goal: Option<String>,
    pub theirs: String,
    pub mine: String,
}

fn pick<T: PartialEq + Clone>(base: &T, theirs: &T, mine: &T) -> Result<T, ()> {
    if mine == base || mine == theirs {
        Ok(theirs.clone())
    } else if theirs == base {
        Ok(mine.clone())
    } else {
        Err(())
    }
}

/// Three-way merge of two edits made from the same saved plan, so two people writing at once keep
/// each other's work: what only one changed is taken; what both changed differently is a conflict.
pub fn merge(base: &PlanContent, theirs: &PlanContent, mine: &PlanContent) -> (PlanContent, Vec<MergeConflict>) {
    let mut merged = mine.clone();
    let mut conflicts = Vec::new();
    for (field, message) in PLAN_TEXT_FIELDS {
        let (b, t, m) = (base.text(field).to_string(), theirs.text(field).to_string(), mine.text(field).to_string());
        match pick(&b, &t, &m) {
            Ok(v) => *merged.text_mut(field).expect("plan field") = v,
            Err(()) => conflicts.push(MergeConflict { field: message.to_string(), goal: None, theirs: t, mine: m }),
        }
    }
    match pick(&base.unmet_needs, &theirs.unmet_needs, &mine.unmet_needs) {
        Ok(v) => merged.unmet_needs = v,
        Err(()) => conflicts.push(MergeConflict {
            field: "plan-unmet-needs".into(),
            goal: None,
            theirs: needs_text(&theirs.unmet_needs),
            mine: needs_text(&mine.unmet_needs),
        }),
    }
    let mut members = theirs.household_member_ids.clone();
    for id in &mine.household_member_ids {
        let removed_by_them = base.household_member_ids.contains(id) && !theirs.household_member_ids.contains(id);
        if !members.contains(id) && !removed_by_them {
            members.push(*id);
        }
    }
    members.retain(|id| mine.household_member_ids.contains(id) || !base.household_member_ids.contains(id));
    merged.household_member_ids = members;

    // Goals: theirs in their order, then goals only I added; each goal merged as a whole.
    let mut goals = Vec::new();
    for t in &theirs.goals {
        let b = base.goal(t.id);
        match (b, mine.goal(t.id)) {
            (Some(b), Some(m)) => match pick(b, t, m) {
                Ok(g) => goals.push(g),
                Err(()) => {
                    conflicts.push(MergeConflict {
                        field: "plan-goal".into(),
                        goal: Some(m.in_own_words.clone()),
                        theirs: goal_text(t),
                        mine: goal_text(m),
                    });
                    goals.push(m.clone());
                }
            },
            // I removed it; keep it removed unless they changed it meanwhile.
            (Some(b), None) if b == t => {}
            (Some(_), None) => {
                conflicts.push(MergeConflict {
                    field: "plan-goal".into(),
                    goal: Some(t.in_own_words.clone()),
                    theirs: goal_text(t),
                    mine: String::new(),
                });
                goals.push(t.clone());
            }
            (None, Some(m)) => goals.push(m.clone()),
            (None, None) => goals.push(t.clone()),
        }
    }
    for m in &mine.goals {
        let in_theirs = theirs.goal(m.id).is_some();
        let removed_by_them = base.goal(m.id).is_some() && !in_theirs;
        if in_theirs {
            continue;
        }
        if removed_by_them {
            if base.goal(m.id) != Some(m) {
                conflicts.push(MergeConflict {
                    field: "plan-goal".into(),
                    goal: Some(m.in_own_words.clone()),
                    theirs: String::new(),
                    mine: goal_text(m),
                });
                goals.push(m.clone());
            }
        } else {
            goals.push(m.clone());
        }
    }
    merged.goals = goals;
    (merged, conflicts)
}

/// A new review starts from the agreed plan with the per-review fields emptied.
pub fn start_review(agreed: &PlanContent) -> PlanContent {
    PlanContent { progress_evaluation: String::new(), ..agreed.clone() }
}

// ---------- agreement ----------

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AgreementInput {
    /// `signature` or `verbal`.
    #[serde(default)]
    pub agreement: String,
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub agreed_on: Option<String>,
    /// The name the person signed with (for a signature).
    #[serde(default)]
    pub signed_name: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidAgreement {
    pub agreement: Agreement,
    pub agreed_on: Date,
    pub signed_name: Option<String>,
    pub note: Option<String>,
}

impl AgreementInput {
    pub fn validate(&self, today: Date, plan_started: Date) -> Result<ValidAgreement, FieldErrors> {
        let mut e = FieldErrors::new();
        let agreement = e.required_code("agreement", &self.agreement, Agreement::parse);
        let agreed_on = e.optional_date("agreed_on", self.agreed_on.as_deref()).unwrap_or(today);
        if agreed_on > today {
            e.add("agreed_on", "error-date-in-future");
        } else if agreed_on < plan_started {
            e.add("agreed_on", "error-agreed-before-plan");
        }
        let signed_name = e.optional("signed_name", self.signed_name.as_deref(), 200);
        if agreement == Some(Agreement::Signature) && signed_name.is_none() {
            e.add("signed_name", "error-signature-name");
        }
        let note = e.optional("note", self.note.as_deref(), 2000);
        if agreement == Some(Agreement::Verbal) && note.is_none() {
            e.add("note", "error-verbal-agreement-note");
        }
        match agreement {
            Some(agreement) if e.is_empty() => Ok(ValidAgreement { agreement, agreed_on, signed_name, note }),
            _ => Err(e),
        }
    }
}

// ---------- contacts ----------

/// A contact as typed; date and time are resolved in the organisation's zone by the caller.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ContactFields {
    /// Whole minutes, as a JSON number or text.
    #[serde(default, deserialize_with = "crate::domain::intake::text_or_number")]
    pub minutes: String,
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub setting: String,
    /// Who else was there.
    #[serde(default)]
    pub present: Option<String>,
    #[serde(default)]
    pub activities: Vec<String>,
    /// Ids of plan goals the contact worked on.
    #[serde(default)]
    pub goals: Vec<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidContactFields {
    pub minutes: i32,
    pub mode: ContactMode,
    pub setting: ContactSetting,
    pub present: Option<String>,
    pub activities: Vec<CoachingActivity>,
    pub goals: Vec<Uuid>,
    pub note: String,
}

impl ContactFields {
    /// `known_goals` are the goals of the person's plan; others are refused.
    pub fn validate(&self, e: &mut FieldErrors, known_goals: &[Uuid]) -> Option<ValidContactFields> {
        let minutes = match self.minutes.trim().parse::<i32>() {
            Ok(m) if m <= 0 => {
                e.add("minutes", "error-minutes-positive");
                None
            }
            Ok(m) if m > MAX_CONTACT_MINUTES => {
                e.add_with("minutes", "error-minutes-too-long", vec![("max", MAX_CONTACT_MINUTES.to_string())]);
                None
            }
            Ok(m) => Some(m),
            Err(_) if self.minutes.trim().is_empty() => {
                e.add("minutes", "error-required");
                None
            }
            Err(_) => {
                e.add("minutes", "error-whole-number");
                None
            }
        };
        let mode = e.required_code("mode", &self.mode, ContactMode::parse);
        let setting = e.required_code("setting", &self.setting, ContactSetting::parse);
        let present = e.optional("present", self.present.as_deref(), 500);
        let mut activities = Vec::new();
        for raw in self.activities.iter().filter(|a| !a.trim().is_empty()) {
            match CoachingActivity::parse(raw) {
                Some(a) if !activities.contains(&a) => activities.push(a),
                Some(_) => {}
                None => e.add("activities", "error-unknown-choice"),
            }
        }
        if activities.is_empty() {
            e.add("activities", "error-activity-required");
        }
        let mut goals = Vec::new();
        for raw in self.goals.iter().filter(|g| !g.trim().is_empty()) {
            match Uuid::parse_str(raw.trim()) {
                Ok(id) if known_goals.contains(&id) => {
                    if !goals.contains(&id) {
                        goals.push(id)
                    }
                }
                _ => e.add("goals", "error-unknown-goal"),
            }
        }
        let note = e.required("note", &self.note, NOTE_TEXT);
        Some(ValidContactFields { minutes: minutes?, mode: mode?, setting: setting?, present, activities, goals, note })
    }
}

// ---------- coaching profile (frequency) ----------

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ProfileInput {
    #[serde(default)]
    pub stage: Option<String>,
    #[serde(default)]
    pub frequency: String,
    #[serde(default)]
    pub monitoring_raised: bool,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidProfile {
    pub stage: Option<RecoveryStage>,
    pub frequency: ContactFrequency,
    pub monitoring_raised: bool,
    pub reason: Option<String>,
}

impl ProfileInput {
    pub fn validate(&self) -> Result<ValidProfile, FieldErrors> {
        let mut e = FieldErrors::new();
        let stage = e.optional_code("stage", self.stage.as_deref(), RecoveryStage::parse);
        let frequency = e.required_code("frequency", &self.frequency, ContactFrequency::parse);
        let reason = e.optional("reason", self.reason.as_deref(), 1000);
        // Raised monitoring (after a risk or trauma disclosure) means at least weekly.
        if self.monitoring_raised && frequency.is_some_and(|f| f != ContactFrequency::Weekly) {
            e.add("frequency", "error-monitoring-needs-weekly");
        }
        match frequency {
            Some(frequency) if e.is_empty() => {
                Ok(ValidProfile { stage, frequency, monitoring_raised: self.monitoring_raised, reason })
            }
            _ => Err(e),
        }
    }
}

// ---------- lapses ----------

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct LapseInput {
    /// The day of the return to use, as the person reported it (YYYY-MM-DD).
    #[serde(default)]
    pub lapse_on: String,
    #[serde(default)]
    pub note: Option<String>,
    /// Contact weekly from now on.
    #[serde(default)]
    pub raise_frequency: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidLapse {
    pub lapse_on: Date,
    pub note: Option<String>,
    pub raise_frequency: bool,
}

impl LapseInput {
    pub fn validate(&self, today: Date) -> Result<ValidLapse, FieldErrors> {
        let mut e = FieldErrors::new();
        if self.lapse_on.trim().is_empty() {
            e.add("lapse_on", "error-required");
        }
        let lapse_on = e.optional_date("lapse_on", Some(&self.lapse_on));
        if lapse_on.is_some_and(|d| d > today) {
            e.add("lapse_on", "error-date-in-future");
        }
        let note = e.optional("note", self.note.as_deref(), 2000);
        match lapse_on {
            Some(lapse_on) if e.is_empty() => Ok(ValidLapse { lapse_on, note, raise_frequency: self.raise_frequency }),
            _ => Err(e),
        }
    }
}

/// Days from a return to use to the re-engagement contact (0 on the same day).
pub fn days_to_reengage(lapse_on: Date, contact_on: Date) -> i64 {
    (contact_on - lapse_on).whole_days().max(0)
}

// ---------- mutual aid ----------

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct MutualAidInput {
    #[serde(default)]
    pub fellowship: String,
    /// The meeting or group (name, place, day).
    #[serde(default)]
    pub group_name: Option<String>,
    #[serde(default)]
    pub help: Vec<String>,
    #[serde(default)]
    pub connected_on: Option<String>,
    /// `yes`, `no` or empty (not known yet).
    #[serde(default)]
    pub attended: Option<String>,
    #[serde(default)]
    pub still_going: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidMutualAid {
    pub fellowship: Fellowship,
    pub group_name: Option<String>,
    pub help: Vec<MutualAidHelp>,
    pub connected_on: Date,
    pub attended: Option<bool>,
    pub still_going: Option<bool>,
    pub note: Option<String>,
}

impl MutualAidInput {
    pub fn validate(&self, today: Date) -> Result<ValidMutualAid, FieldErrors> {
        let mut e = FieldErrors::new();
        let fellowship = e.required_code("fellowship", &self.fellowship, Fellowship::parse);
        let group_name = e.optional("group_name", self.group_name.as_deref(), 300);
        if fellowship == Some(Fellowship::Other) && group_name.is_none() {
            e.add("group_name", "error-name-other-group");
        }
        let mut help = Vec::new();
        for raw in self.help.iter().filter(|h| !h.trim().is_empty()) {
            match MutualAidHelp::parse(raw) {
                Some(h) if !help.contains(&h) => help.push(h),
                Some(_) => {}
                None => e.add("help", "error-unknown-choice"),
            }
        }
        let connected_on = e.optional_date("connected_on", self.connected_on.as_deref()).unwrap_or(today);
        if connected_on > today {
            e.add("connected_on", "error-date-in-future");
        }
        let attended = yes_no(&mut e, "attended", self.attended.as_deref());
        let still_going = yes_no(&mut e, "still_going", self.still_going.as_deref());
        if still_going == Some(true) && attended == Some(false) {
            e.add("still_going", "error-still-going-not-attended");
        }
        let note = e.optional("note", self.note.as_deref(), 2000);
        match fellowship {
            Some(fellowship) if e.is_empty() => {
                Ok(ValidMutualAid { fellowship, group_name, help, connected_on, attended, still_going, note })
            }
            _ => Err(e),
        }
    }
}

// ---------- natural supports ----------

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SupportInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub relationship: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub engagement: String,
    /// The person agrees that we contact this support.
    #[serde(default)]
    pub consent_to_contact: bool,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidSupport {
    pub name: String,
    pub relationship: SupportRelationship,
    pub phone: Option<String>,
    pub engagement: SupportEngagement,
    pub consent_to_contact: bool,
    pub note: Option<String>,
}

impl SupportInput {
    pub fn validate(&self) -> Result<ValidSupport, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.required("name", &self.name, 200);
        let relationship = e.required_code("relationship", &self.relationship, SupportRelationship::parse);
        let phone = e.optional_phone("phone", self.phone.as_deref());
        let engagement = e.required_code("engagement", &self.engagement, SupportEngagement::parse);
        let note = e.optional("note", self.note.as_deref(), 2000);
        match (relationship, engagement) {
            (Some(relationship), Some(engagement)) if e.is_empty() => Ok(ValidSupport {
                name,
                relationship,
                phone,
                engagement,
                consent_to_contact: self.consent_to_contact,
                note,
            }),
            _ => Err(e),
        }
    }
}

/// Text codes joined for one column (`a;b;c`), and back.
pub fn join_codes<T: crate::domain::codes::TextCode>(items: &[T]) -> String {
    items.iter().map(|i| i.code()).collect::<Vec<_>>().join(";")
}

pub fn split_codes<T: crate::domain::codes::TextCode>(joined: &str) -> Vec<T> {
    joined.split(';').filter_map(T::parse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn monthly_due_dates_hold_at_month_ends_and_leap_years() {
        assert_eq!(add_one_month(date!(2024 - 01 - 31)), date!(2024 - 02 - 29));
        assert_eq!(add_one_month(date!(2023 - 01 - 31)), date!(2023 - 02 - 28));
        assert_eq!(add_one_month(date!(2024 - 02 - 29)), date!(2024 - 03 - 29));
        assert_eq!(add_one_month(date!(2024 - 03 - 31)), date!(2024 - 04 - 30));
        assert_eq!(add_one_month(date!(2024 - 12 - 31)), date!(2025 - 01 - 31));
        assert_eq!(add_one_month(date!(2025 - 08 - 15)), date!(2025 - 09 - 15));
        assert_eq!(next_contact_due(date!(2024 - 02 - 26), ContactFrequency::Weekly), date!(2024 - 03 - 04));
        assert_eq!(next_contact_due(date!(2023 - 02 - 26), ContactFrequency::Weekly), date!(2023 - 03 - 05));
        assert_eq!(next_contact_due(date!(2024 - 12 - 25), ContactFrequency::Fortnightly), date!(2025 - 01 - 08));
        assert_eq!(next_contact_due(date!(2024 - 01 - 30), ContactFrequency::Monthly), date!(2024 - 02 - 29));
    }

    #[test]
    fn plan_review_is_never_more_than_ninety_days() {
        // Across February: a leap year gives a day less of calendar.
        assert_eq!(plan_review_due(date!(2024 - 01 - 15), 90), date!(2024 - 04 - 14));
        assert_eq!(plan_review_due(date!(2023 - 01 - 15), 90), date!(2023 - 04 - 15));
        assert_eq!(plan_review_due(date!(2024 - 11 - 30), 90), date!(2025 - 02 - 28));
        assert_eq!(plan_review_due(date!(2024 - 01 - 01), 365), date!(2024 - 03 - 31), "capped at 90");
        assert_eq!(plan_review_due(date!(2024 - 01 - 01), 60), date!(2024 - 03 - 01));
    }

    #[test]
    fn due_status_counts_days() {
        let today = date!(2024 - 03 - 01);
        assert_eq!(due_status(date!(2024 - 02 - 28), today, 7), Due::Overdue(2));
        assert_eq!(due_status(today, today, 7), Due::Soon(0));
        assert_eq!(due_status(date!(2024 - 03 - 08), today, 7), Due::Soon(7));
        assert_eq!(due_status(date!(2024 - 03 - 09), today, 7), Due::Later);
    }

    #[test]
    fn stage_suggests_frequency_and_monitoring_means_weekly() {
        assert_eq!(suggested_frequency(Some(RecoveryStage::AfterReturnToUse), false), ContactFrequency::Weekly);
        assert_eq!(suggested_frequency(Some(RecoveryStage::Sustained), false), ContactFrequency::Monthly);
        assert_eq!(suggested_frequency(Some(RecoveryStage::Sustained), true), ContactFrequency::Weekly);
        let raised = ProfileInput { frequency: "monthly".into(), monitoring_raised: true, ..Default::default() };
        assert_eq!(raised.validate().unwrap_err().0[0].message_id, "error-monitoring-needs-weekly");
    }

    fn goal(words: &str) -> PlanGoal {
        PlanGoal {
            id: Uuid::new_v4(),
            domain: LifeDomain::Housing,
            in_own_words: words.into(),
            progress: GoalProgress::NotStarted,
            progress_note: String::new(),
            steps: vec![],
        }
    }

    #[test]
    fn a_plan_needs_a_goal_and_steps_need_words() {
        let empty = PlanContent { strengths: "Kind".into(), ..Default::default() };
        assert_eq!(empty.validate().unwrap_err().0[0].message_id, "error-plan-needs-goal");
        let mut g = goal("My own place");
        g.steps.push(PlanStep { who: "Me".into(), ..Default::default() });
        let plan = PlanContent { goals: vec![g], ..Default::default() };
        let errors = plan.validate().unwrap_err();
        assert_eq!(errors.0[0].field, "goal_0_step_0_what");
        let ok = PlanContent { goals: vec![goal("  Get back to work  ")], ..Default::default() }.validate().unwrap();
        assert_eq!(ok.goals[0].in_own_words, "Get back to work");
    }

    #[test]
    fn diff_lists_fields_and_goals() {
        let g = goal("My own place");
        let before = PlanContent { strengths: "Kind".into(), goals: vec![g.clone()], ..Default::default() };
        let mut after = before.clone();
        after.strengths = "Kind, funny".into();
        after.goals[0].progress = GoalProgress::Achieved;
        after.goals.push(goal("Call my sister"));
        let changes = diff(&before, &after);
        assert_eq!(changes.len(), 3);
        assert_eq!(changes[0].field, "plan-strengths");
        assert!(changes[1].after.contains("achieved"));
        assert!(changes[2].before.is_empty());
        assert!(diff(&after, &after).is_empty());
    }

    #[test]
    fn merge_keeps_both_writers_work() {
        let g1 = goal("My own place");
        let g2 = goal("Work");
        let base = PlanContent { strengths: "Kind".into(), goals: vec![g1.clone(), g2.clone()], ..Default::default() };
        let mut theirs = base.clone();
        theirs.barriers = "No ID".into();
        theirs.goals[0].progress = GoalProgress::InProgress;
        let mut mine = base.clone();
        mine.strengths = "Kind, patient".into();
        mine.goals.push(goal("See my kids"));
        mine.goals.retain(|g| g.id != g2.id);
        let (merged, conflicts) = merge(&base, &theirs, &mine);
        assert!(conflicts.is_empty(), "{conflicts:?}");
        assert_eq!(merged.barriers, "No ID");
        assert_eq!(merged.strengths, "Kind, patient");
        assert_eq!(merged.goals.len(), 2);
        assert_eq!(merged.goals[0].progress, GoalProgress::InProgress);
        assert_eq!(merged.goals[1].in_own_words, "See my kids");

        let mut clash = base.clone();
        clash.barriers = "Transport".into();
        let (merged, conflicts) = merge(&base, &theirs, &clash);
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].theirs, "No ID");
        assert_eq!(merged.barriers, "Transport");
    }

    #[test]
    fn contact_fields_refuse_bad_minutes_and_unknown_goals() {
        let known = [Uuid::from_u128(1)];
        let fields = |minutes: &str| ContactFields {
            minutes: minutes.into(),
            mode: "phone".into(),
            setting: "remote".into(),
            activities: vec!["coaching".into()],
            goals: vec![Uuid::from_u128(1).to_string()],
            note: "Talked about the week.".into(),
            ..Default::default()
        };
        for (minutes, message) in [
            ("0", "error-minutes-positive"),
            ("-5", "error-minutes-positive"),
            ("x", "error-whole-number"),
            ("900", "error-minutes-too-long"),
        ] {
            let mut e = FieldErrors::new();
            fields(minutes).validate(&mut e, &known);
            assert_eq!(e.0[0].message_id, message, "{minutes}");
        }
        let mut e = FieldErrors::new();
        let ok = fields("30").validate(&mut e, &known).unwrap();
        assert!(e.is_empty());
        assert_eq!(ok.goals, known.to_vec());
        let mut e = FieldErrors::new();
        let mut bad = fields("30");
        bad.goals = vec![Uuid::from_u128(2).to_string()];
        bad.activities.clear();
        bad.validate(&mut e, &known);
        let ids: Vec<_> = e.0.iter().map(|x| x.message_id).collect();
        assert_eq!(ids, ["error-activity-required", "error-unknown-goal"]);
    }

    #[test]
    fn agreement_rules() {
        let today = date!(2025 - 03 - 01);
        let input = |kind: &str, name: Option<&str>, note: Option<&str>| AgreementInput {
            agreement: kind.into(),
            signed_name: name.map(Into::into),
            note: note.map(Into::into),
            ..Default::default()
        };
        assert_eq!(
            input("signature", None, None).validate(today, today).unwrap_err().0[0].message_id,
            "error-signature-name"
        );
        assert_eq!(
            input("verbal", None, None).validate(today, today).unwrap_err().0[0].message_id,
            "error-verbal-agreement-note"
        );
        let ok = input("verbal", None, Some("Agreed by phone")).validate(today, today).unwrap();
        assert_eq!(ok.agreed_on, today);
        let future = AgreementInput { agreed_on: Some("2025-03-02".into()), ..input("signature", Some("A"), None) };
        assert_eq!(future.validate(today, today).unwrap_err().0[0].message_id, "error-date-in-future");
    }

    #[test]
    fn lapses_and_reengagement() {
        let today = date!(2025 - 03 - 01);
        let future = LapseInput { lapse_on: "2025-03-02".into(), ..Default::default() };
        assert_eq!(future.validate(today).unwrap_err().0[0].message_id, "error-date-in-future");
        assert_eq!(LapseInput::default().validate(today).unwrap_err().0[0].message_id, "error-required");
        assert_eq!(days_to_reengage(date!(2024 - 02 - 27), date!(2024 - 03 - 02)), 4);
        assert_eq!(days_to_reengage(date!(2023 - 02 - 27), date!(2023 - 03 - 02)), 3);
    }

    #[test]
    fn mutual_aid_and_supports() {
        let today = date!(2025 - 03 - 01);
        let other = MutualAidInput { fellowship: "other".into(), ..Default::default() };
        assert_eq!(other.validate(today).unwrap_err().0[0].message_id, "error-name-other-group");
        let odd = MutualAidInput {
            fellowship: "na".into(),
            attended: Some("no".into()),
            still_going: Some("yes".into()),
            ..Default::default()
        };
        assert_eq!(odd.validate(today).unwrap_err().0[0].field, "still_going");
        let ok = MutualAidInput {
            fellowship: "smart-recovery".into(),
            help: vec!["accompanied-first-meeting".into(), "accompanied-first-meeting".into()],
            attended: Some("yes".into()),
            ..Default::default()
        }
        .validate(today)
        .unwrap();
        assert_eq!(ok.help, vec![MutualAidHelp::AccompaniedFirstMeeting]);
        let support = SupportInput {
            name: "Sam".into(),
            relationship: "sponsor".into(),
            engagement: "engaged".into(),
            ..Default::default()
        };
        assert!(support.validate().is_ok());
        assert_eq!(SupportInput::default().validate().unwrap_err().0.len(), 3);
    }

    #[test]
    fn codes_round_trip() {
        let joined = join_codes(&[CoachingActivity::Linking, CoachingActivity::Advocacy]);
        assert_eq!(joined, "linking;advocacy");
        assert_eq!(
            split_codes::<CoachingActivity>(&joined),
            vec![CoachingActivity::Linking, CoachingActivity::Advocacy]
        );
    }

    #[test]
    fn plan_facts_read_each_field_and_count_a_partial_document() {
        let full = r#"{"strengths":" fixes things ","barriers":"","unmet_needs":[{"need":"housing"}],
            "goals":[{"progress":"not-started","progress_note":" "},{"progress":"some-progress"}],
            "progress_evaluation":""}"#;
        let facts = PlanFacts::of_json(full);
        assert_eq!(facts, PlanFacts { goal_count: 2, has_strengths: true, has_barriers: true, has_progress: true });
        let partial = PlanFacts::of_json(r#"{"goals":[{"progress_note":"Called the clinic"}],"strengths":"  "}"#);
        assert_eq!(partial, PlanFacts { goal_count: 1, has_strengths: false, has_barriers: false, has_progress: true });
        assert_eq!(PlanFacts::of_json("{}"), PlanFacts::default());
        assert_eq!(PlanFacts::of_json("not json"), PlanFacts::default());
    }
}
