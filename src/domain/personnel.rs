//! Personnel rules (CSE 2.01–2.08 and the PRSC staffing requirements), pure: the closed lists,
//! the training requirements as data, what each position needs, how a person's records meet it,
//! workload weighting and when reminders fall due. No IO; `personnel/` loads the facts.

use serde::Serialize;
use time::{Date, Duration};
use utoipa::ToSchema;

text_code!(
    /// What a staff member does; a person may hold several positions.
    Position {
        DirectService => "direct-service",
        PeerSpecialist => "peer-specialist",
        GroupFacilitator => "group-facilitator",
        ReferralSpecialist => "referral-specialist",
        Supervisor => "supervisor",
        ProgramManager => "program-manager",
    }
);

impl Position {
    /// Positions that deliver services to people directly (2.01, 2.05).
    pub fn is_direct_service(self) -> bool {
        matches!(
            self,
            Position::DirectService
                | Position::PeerSpecialist
                | Position::GroupFacilitator
                | Position::ReferralSpecialist
        )
    }
}

text_code!(
    /// Highest level of a degree.
    DegreeLevel {
        Certificate => "certificate",
        Associate => "associate",
        Bachelor => "bachelor",
        Master => "master",
        Doctorate => "doctorate",
    }
);

impl DegreeLevel {
    fn rank(self) -> u8 {
        match self {
            DegreeLevel::Certificate => 0,
            DegreeLevel::Associate => 1,
            DegreeLevel::Bachelor => 2,
            DegreeLevel::Master => 3,
            DegreeLevel::Doctorate => 4,
        }
    }

    pub fn at_least(self, other: DegreeLevel) -> bool {
        self.rank() >= other.rank()
    }
}

text_code!(
    /// What a certification certifies. Only a peer certification counts for 2.06.
    CertificationKind {
        PeerRecovery => "peer-recovery",
        PeerSupport => "peer-support",
        FamilyPeer => "family-peer",
        PeerSupervisor => "peer-supervisor",
        Other => "other",
    }
);

impl CertificationKind {
    pub fn is_peer(self) -> bool {
        !matches!(self, CertificationKind::Other)
    }
}

text_code!(
    /// Whether a training was taken before starting the role or while in it (2.07).
    TrainingPhase { PreService => "pre-service", InService => "in-service" }
);

text_code!(
    /// A course completed, or a skill shown in practice and attested by a supervisor.
    TrainingKind { Completed => "completed", Demonstrated => "demonstrated" }
);

text_code!(
    /// What happens when someone is assigned work their training does not yet cover.
    GapPolicy { Warn => "warn", Block => "block" }
);

text_code!(
    /// Kinds of supervision and support (2.06d).
    SupervisionKind {
        Individual => "individual",
        Group => "group",
        PeerMentoring => "peer-mentoring",
    }
);

text_code!(
    /// What a supervision or mentoring session covered.
    SupervisionTopic {
        CaseloadReview => "caseload-review",
        SelfCare => "self-care",
        Triggers => "triggers",
        BoundariesEthics => "boundaries-ethics",
        RecoveryStory => "recovery-story",
        CrisisDebrief => "crisis-debrief",
        Workload => "workload",
        TrainingGoals => "training-goals",
        RoleClarity => "role-clarity",
        Other => "other",
    }
);

text_code!(
    /// What a workload review decided (2.08).
    WorkloadDecision {
        NoChange => "no-change",
        ReduceCaseload => "reduce-caseload",
        Redistribute => "redistribute",
        MoreSupervision => "more-supervision",
        Training => "training",
        IncreaseCaseload => "increase-caseload",
    }
);

text_code!(
    /// How much of a worker's time a person needs, for weighting a caseload.
    NeedLevel { High => "high", Moderate => "moderate", Low => "low" }
);

text_code!(
    /// What a reminder is about.
    ReminderKind {
        CertificationExpiring => "certification-expiring",
        CertificationExpired => "certification-expired",
        TrainingOverdue => "training-overdue",
        SupervisionGap => "supervision-gap",
        WorkloadReviewDue => "workload-review-due",
    }
);

text_code!(
    /// Training topics a course or a demonstration can cover, each tied to the requirement it serves.
    Requirement {
        Supervision => "cse-2-02-supervision",
        PeerWorkerTrauma => "cse-2-02-peer-trauma",
        ReferralProcedures => "cse-2-03-referral",
        TraumaSigns => "cse-2-03-trauma-signs",
        SuicideRiskSigns => "cse-2-03-suicide-signs",
        EngagingMembers => "cse-2-04-engaging",
        GroupDynamicsSafety => "cse-2-04-dynamics-safety",
        LeadingDiscussion => "cse-2-04-leading-discussion",
        FacilitatingActivities => "cse-2-04-facilitating-activities",
        DevelopmentFamily => "cse-2-05-development-family",
        EvidenceBasedPractice => "cse-2-05-evidence-based",
        PersonInEnvironment => "cse-2-05-person-in-environment",
        ReachingDisengaged => "cse-2-05-reaching-disengaged",
        IntensiveServices => "cse-2-07-intensive-services",
        EthicsBoundaries => "cse-2-07-ethics-boundaries",
        WellnessTraumaInformed => "cse-2-07-wellness-trauma-informed",
        OwnTriggers => "cse-2-07-own-triggers",
        RecoveryConcepts => "cse-2-07-recovery-concepts",
        KnowScience => "prsc-k-science",
        KnowRecoveryProcess => "prsc-k-recovery-process",
        KnowValues => "prsc-k-values",
        KnowPathways => "prsc-k-pathways",
        KnowEthicsSelfCare => "prsc-k-ethics-self-care",
        KnowCulture => "prsc-k-culture",
        KnowTrauma => "prsc-k-trauma",
        KnowCommunityResources => "prsc-k-community-resources",
        KnowAgency => "prsc-k-agency",
        KnowPlanning => "prsc-k-planning",
        SkillOutreach => "prsc-s-outreach",
        SkillMotivation => "prsc-s-motivation",
        SkillListening => "prsc-s-listening",
        SkillConflict => "prsc-s-conflict",
        SkillCrisis => "prsc-s-crisis",
        SkillReEngagement => "prsc-s-re-engagement",
        SkillCommunication => "prsc-s-communication",
        SkillAdvocacy => "prsc-s-advocacy",
        SkillEmotionalSupport => "prsc-s-emotional-support",
        SkillRecoveryCapital => "prsc-s-recovery-capital",
        SkillConnecting => "prsc-s-connecting",
        SkillDiverseCultures => "prsc-s-diverse-cultures",
        SkillCommunitySettings => "prsc-s-community-settings",
    }
);

/// The group of requirements a topic belongs to, for headings and the matrix's column groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RequirementGroup {
    Cse202,
    Cse203,
    Cse204,
    Cse205,
    Cse207,
    PrscKnowledge,
    PrscSkills,
}

impl RequirementGroup {
    pub const ALL: [RequirementGroup; 7] = [
        RequirementGroup::Cse202,
        RequirementGroup::Cse203,
        RequirementGroup::Cse204,
        RequirementGroup::Cse205,
        RequirementGroup::Cse207,
        RequirementGroup::PrscKnowledge,
        RequirementGroup::PrscSkills,
    ];

    /// The standard's number as shown ("2.03"), or "PRSC".
    pub fn standard(self) -> &'static str {
        match self {
            RequirementGroup::Cse202 => "2.02",
            RequirementGroup::Cse203 => "2.03",
            RequirementGroup::Cse204 => "2.04",
            RequirementGroup::Cse205 => "2.05",
            RequirementGroup::Cse207 => "2.07",
            RequirementGroup::PrscKnowledge | RequirementGroup::PrscSkills => "PRSC",
        }
    }

    pub fn message_id(self) -> &'static str {
        match self {
            RequirementGroup::Cse202 => "requirement-group-cse-2-02",
            RequirementGroup::Cse203 => "requirement-group-cse-2-03",
            RequirementGroup::Cse204 => "requirement-group-cse-2-04",
            RequirementGroup::Cse205 => "requirement-group-cse-2-05",
            RequirementGroup::Cse207 => "requirement-group-cse-2-07",
            RequirementGroup::PrscKnowledge => "requirement-group-prsc-knowledge",
            RequirementGroup::PrscSkills => "requirement-group-prsc-skills",
        }
    }

    pub fn topics(self) -> impl Iterator<Item = Requirement> {
        Requirement::ALL.iter().copied().filter(move |r| r.group() == self)
    }
}

impl Requirement {
    pub fn group(self) -> RequirementGroup {
        let code = self.code();
        if code.starts_with("cse-2-02") {
            RequirementGroup::Cse202
        } else if code.starts_with("cse-2-03") {
            RequirementGroup::Cse203
        } else if code.starts_with("cse-2-04") {
            RequirementGroup::Cse204
        } else if code.starts_with("cse-2-05") {
            RequirementGroup::Cse205
        } else if code.starts_with("cse-2-07") {
            RequirementGroup::Cse207
        } else if code.starts_with("prsc-k") {
            RequirementGroup::PrscKnowledge
        } else {
            RequirementGroup::PrscSkills
        }
    }
}

/// A check on a person's record that is not a training topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// 2.01: associate degree in human services, or training with experience (peers: with lived experience).
    Qualification,
    /// 2.02: two years delivering these services.
    SupervisorExperience,
    /// 2.02: a human-services bachelor's, or experience and training in its place.
    SupervisorDegree,
    /// 2.06: a peer certification in force.
    PeerCertification,
    /// 2.06 and PRSC: lived experience attested.
    LivedExperience,
    /// 2.06: willing to share their recovery story.
    SharesStory,
    /// 2.06: current job description acknowledged.
    JobDescription,
    /// 2.06: understanding of the peer role confirmed by a supervisor.
    RoleUnderstanding,
    /// 2.06: supervision within the organisation's interval.
    SupervisionCurrent,
    /// 2.06: mentoring by an experienced peer within the organisation's interval.
    PeerMentoring,
    /// 2.07: pre-service training on the peer topics before or soon after starting.
    PreService,
    /// 2.07: in-service training on the peer topics within the last year.
    InService,
}

impl Check {
    pub const ALL: [Check; 12] = [
        Check::Qualification,
        Check::SupervisorExperience,
        Check::SupervisorDegree,
        Check::PeerCertification,
        Check::LivedExperience,
        Check::SharesStory,
        Check::JobDescription,
        Check::RoleUnderstanding,
        Check::SupervisionCurrent,
        Check::PeerMentoring,
        Check::PreService,
        Check::InService,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Check::Qualification => "qualification",
            Check::SupervisorExperience => "supervisor-experience",
            Check::SupervisorDegree => "supervisor-degree",
            Check::PeerCertification => "peer-certification",
            Check::LivedExperience => "lived-experience",
            Check::SharesStory => "shares-story",
            Check::JobDescription => "job-description",
            Check::RoleUnderstanding => "role-understanding",
            Check::SupervisionCurrent => "supervision-current",
            Check::PeerMentoring => "peer-mentoring",
            Check::PreService => "pre-service",
            Check::InService => "in-service",
        }
    }

    pub fn standard(self) -> &'static str {
        match self {
            Check::Qualification => "2.01",
            Check::SupervisorExperience | Check::SupervisorDegree => "2.02",
            Check::PreService | Check::InService => "2.07",
            _ => "2.06",
        }
    }

    pub fn message_id(self) -> String {
        format!("check-{}", self.code())
    }
}

/// One thing a position needs: a training topic or a check on the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(tag = "type", content = "code", rename_all = "kebab-case")]
pub enum Need {
    Check(Check),
    Topic(Requirement),
}

impl Ord for Need {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for Need {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Need {
    /// Column order: checks first, then topics in catalogue order.
    fn rank(self) -> usize {
        match self {
            Need::Check(c) => c as usize,
            Need::Topic(r) => Check::ALL.len() + Requirement::ALL.iter().position(|x| *x == r).unwrap_or(0),
        }
    }

    /// Every need in the matrix's column order: checks, then topics by standard.
    pub fn all() -> Vec<Need> {
        Check::ALL.iter().map(|c| Need::Check(*c)).chain(Requirement::ALL.iter().map(|r| Need::Topic(*r))).collect()
    }

    pub fn code(self) -> &'static str {
        match self {
            Need::Check(c) => c.code(),
            Need::Topic(r) => r.code(),
        }
    }

    pub fn parse(code: &str) -> Option<Need> {
        Check::ALL
            .iter()
            .find(|c| c.code() == code)
            .map(|c| Need::Check(*c))
            .or_else(|| Requirement::parse(code).map(Need::Topic))
    }

    pub fn standard(self) -> &'static str {
        match self {
            Need::Check(c) => c.standard(),
            Need::Topic(r) => r.group().standard(),
        }
    }

    pub fn message_id(self) -> String {
        match self {
            Need::Check(c) => c.message_id(),
            Need::Topic(r) => r.message_id(),
        }
    }
}

/// A degree as the rules see it.
#[derive(Clone, Debug, PartialEq)]
pub struct DegreeFact {
    pub level: DegreeLevel,
    pub human_services: bool,
}

/// A certification as the rules see it.
#[derive(Clone, Debug, PartialEq)]
pub struct CertificationFact {
    pub kind: CertificationKind,
    pub issued_on: Date,
    pub expires_on: Option<Date>,
}

/// A training record as the rules see it.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainingFact {
    pub topics: Vec<Requirement>,
    pub on: Date,
    pub phase: TrainingPhase,
    pub kind: TrainingKind,
}

/// Everything the rules need to know about one staff member.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StaffFacts {
    pub positions: Vec<Position>,
    pub start_date: Option<Date>,
    pub experience_months: Option<i32>,
    pub degrees: Vec<DegreeFact>,
    pub lived_experience: bool,
    pub shares_story: Option<bool>,
    pub job_description_acknowledged_on: Option<Date>,
    pub role_understanding_confirmed_on: Option<Date>,
    pub certifications: Vec<CertificationFact>,
    pub training: Vec<TrainingFact>,
    pub last_supervision: Option<Date>,
    pub last_mentoring: Option<Date>,
    /// Supervises at least one peer staff member (2.02: trauma among peer workers).
    pub supervises_peers: bool,
    /// Works in a program funded under the PRSC definition.
    pub prsc: bool,
    /// Every program they work in is information and referral only (2.05 is NA).
    pub referral_only: bool,
}

/// The organisation's intervals the rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Intervals {
    pub supervision_days: i64,
    pub mentoring_days: i64,
    pub in_service_months: i64,
    /// Pre-service training may be finished up to this many days after the start date.
    pub pre_service_grace_days: i64,
}

impl Default for Intervals {
    fn default() -> Self {
        Intervals { supervision_days: 30, mentoring_days: 90, in_service_months: 12, pre_service_grace_days: 90 }
    }
}

/// Days before expiry when reminders go out.
pub const EXPIRY_REMINDER_DAYS: [i64; 2] = [60, 30];
/// A certification expiring within this many days is shown as expiring.
pub const EXPIRING_SOON_DAYS: i64 = 60;
/// Months of experience a supervisor needs (2.02).
pub const SUPERVISOR_MONTHS: i32 = 24;
/// Experience that stands in for a human-services bachelor's (two more years than required).
pub const DEGREE_SUBSTITUTE_MONTHS: i32 = 48;
/// Experience that, with training, stands in for an associate degree (2.01).
pub const QUALIFICATION_MONTHS: i32 = 12;

/// How one need stands for one person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Standing {
    /// Met; `on` is when (a completion, an attestation, a certification's issue), if known.
    Met {
        #[serde(with = "crate::domain::personnel::opt_date")]
        #[schema(value_type = Option<String>, format = Date)]
        on: Option<Date>,
    },
    /// Met, but it lapses soon (a certification, supervision, in-service training).
    Expiring {
        #[serde(with = "crate::domain::personnel::opt_date")]
        #[schema(value_type = Option<String>, format = Date)]
        until: Option<Date>,
    },
    /// It was met and has lapsed.
    Expired {
        #[serde(with = "crate::domain::personnel::opt_date")]
        #[schema(value_type = Option<String>, format = Date)]
        since: Option<Date>,
    },
    Missing,
}

impl Standing {
    /// A gap: something to act on before it counts.
    pub fn is_gap(self) -> bool {
        matches!(self, Standing::Missing | Standing::Expired { .. })
    }

    pub fn code(self) -> &'static str {
        match self {
            Standing::Met { .. } => "met",
            Standing::Expiring { .. } => "expiring",
            Standing::Expired { .. } => "expired",
            Standing::Missing => "missing",
        }
    }
}

pub(crate) mod opt_date {
    use serde::Serializer;
    use time::Date;

    pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => s.serialize_some(&d.to_string()),
            None => s.serialize_none(),
        }
    }
}

/// What a set of positions requires, in column order, for someone with these circumstances.
pub fn required(positions: &[Position], facts: &StaffFacts) -> Vec<Need> {
    let mut needs: Vec<Need> = Vec::new();
    let topics = |group: RequirementGroup| group.topics().map(Need::Topic).collect::<Vec<_>>();
    if positions.is_empty() {
        return needs;
    }
    // 2.03 applies to all personnel.
    needs.extend(topics(RequirementGroup::Cse203));
    let peer = positions.contains(&Position::PeerSpecialist);
    if positions.iter().any(|p| p.is_direct_service()) {
        needs.push(Need::Check(Check::Qualification));
        if !facts.referral_only {
            needs.extend(topics(RequirementGroup::Cse205));
        }
    }
    if positions.contains(&Position::GroupFacilitator) {
        needs.extend(topics(RequirementGroup::Cse204));
    }
    if peer {
        needs.extend(
            [
                Check::PeerCertification,
                Check::LivedExperience,
                Check::SharesStory,
                Check::JobDescription,
                Check::RoleUnderstanding,
                Check::SupervisionCurrent,
                Check::PeerMentoring,
                Check::PreService,
                Check::InService,
            ]
            .map(Need::Check),
        );
        needs.extend(topics(RequirementGroup::Cse207));
        if facts.prsc {
            needs.extend(topics(RequirementGroup::PrscKnowledge));
            needs.extend(topics(RequirementGroup::PrscSkills));
        }
    }
    if positions.contains(&Position::Supervisor) {
        needs.push(Need::Check(Check::SupervisorExperience));
        needs.push(Need::Check(Check::SupervisorDegree));
        needs.push(Need::Topic(Requirement::Supervision));
        if facts.supervises_peers {
            needs.push(Need::Topic(Requirement::PeerWorkerTrauma));
        }
    }
    needs.sort();
    needs.dedup();
    needs
}

/// One person's competency: every need of their positions and how it stands.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Competency {
    pub items: Vec<CompetencyItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CompetencyItem {
    pub need: Need,
    pub standing: Standing,
}

impl Competency {
    pub fn gaps(&self) -> impl Iterator<Item = &CompetencyItem> {
        self.items.iter().filter(|i| i.standing.is_gap())
    }

    pub fn gap_count(&self) -> usize {
        self.gaps().count()
    }

    pub fn standing(&self, need: Need) -> Option<Standing> {
        self.items.iter().find(|i| i.need == need).map(|i| i.standing)
    }
}

/// Works out a person's competency on `today` against what their positions require.
pub fn evaluate(facts: &StaffFacts, intervals: &Intervals, today: Date) -> Competency {
    evaluate_for(&facts.positions, facts, intervals, today)
}

/// As `evaluate`, for a chosen set of positions (an assignment asks about one role).
pub fn evaluate_for(positions: &[Position], facts: &StaffFacts, intervals: &Intervals, today: Date) -> Competency {
    let items = required(positions, facts)
        .into_iter()
        .map(|need| CompetencyItem { need, standing: standing(need, facts, intervals, today) })
        .collect();
    Competency { items }
}

fn met(on: Option<Date>) -> Standing {
    Standing::Met { on }
}

/// The latest date any training covered a topic.
fn topic_covered(facts: &StaffFacts, topic: Requirement) -> Option<Date> {
    facts.training.iter().filter(|t| t.topics.contains(&topic)).map(|t| t.on).max()
}

/// A lapse date: met until `until`, expiring within `soon` days of it, expired after.
fn lapsing(from: Option<Date>, until: Option<Date>, today: Date, soon: i64) -> Standing {
    match until {
        None => met(from),
        Some(until) if until < today => Standing::Expired { since: Some(until) },
        Some(until) if until - today <= Duration::days(soon) => Standing::Expiring { until: Some(until) },
        Some(_) => met(from),
    }
}

fn add_months(date: Date, months: i64) -> Date {
    let total = date.year() as i64 * 12 + (date.month() as i64 - 1) + months;
    let (year, month) = (total.div_euclid(12) as i32, (total.rem_euclid(12) + 1) as u8);
    let month = time::Month::try_from(month).unwrap_or(time::Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last)).unwrap_or(date)
}

fn standing(need: Need, facts: &StaffFacts, intervals: &Intervals, today: Date) -> Standing {
    let months = facts.experience_months.unwrap_or(0);
    let trained = !facts.training.is_empty();
    let peer_topics: Vec<Requirement> = RequirementGroup::Cse207.topics().collect();
    match need {
        Need::Topic(topic) => topic_covered(facts, topic).map_or(Standing::Missing, |on| met(Some(on))),
        Need::Check(Check::Qualification) => {
            let degree = facts.degrees.iter().any(|d| d.human_services && d.level.at_least(DegreeLevel::Associate));
            let peer = facts.positions.contains(&Position::PeerSpecialist);
            if degree || (trained && (months >= QUALIFICATION_MONTHS || (peer && facts.lived_experience))) {
                met(None)
            } else {
                Standing::Missing
            }
        }
        Need::Check(Check::SupervisorExperience) => {
            if months >= SUPERVISOR_MONTHS {
                met(None)
            } else {
                Standing::Missing
            }
        }
        Need::Check(Check::SupervisorDegree) => {
            let degree = facts.degrees.iter().any(|d| d.human_services && d.level.at_least(DegreeLevel::Bachelor));
            // Experience and supervision training stand in for the degree, as they may in peer programs.
            let substitute =
                months >= DEGREE_SUBSTITUTE_MONTHS && topic_covered(facts, Requirement::Supervision).is_some();
            if degree || substitute { met(None) } else { Standing::Missing }
        }
        Need::Check(Check::PeerCertification) => {
            let peer: Vec<&CertificationFact> =
                facts.certifications.iter().filter(|c| c.kind.is_peer() && c.issued_on <= today).collect();
            if peer.is_empty() {
                return Standing::Missing;
            }
            // The certification that lasts longest decides: no expiry beats any date.
            let best = peer.iter().max_by_key(|c| c.expires_on.map_or((1, Date::MAX), |d| (0, d))).copied();
            best.map_or(Standing::Missing, |c| lapsing(Some(c.issued_on), c.expires_on, today, EXPIRING_SOON_DAYS))
        }
        Need::Check(Check::LivedExperience) => {
            if facts.lived_experience {
                met(None)
            } else {
                Standing::Missing
            }
        }
        Need::Check(Check::SharesStory) => {
            if facts.shares_story == Some(true) {
                met(None)
            } else {
                Standing::Missing
            }
        }
        Need::Check(Check::JobDescription) => {
            facts.job_description_acknowledged_on.map_or(Standing::Missing, |d| met(Some(d)))
        }
        Need::Check(Check::RoleUnderstanding) => {
            facts.role_understanding_confirmed_on.map_or(Standing::Missing, |d| met(Some(d)))
        }
        Need::Check(Check::SupervisionCurrent) => match facts.last_supervision {
            None => Standing::Missing,
            Some(on) => {
                let until = on + Duration::days(intervals.supervision_days);
                lapsing(Some(on), Some(until), today, (intervals.supervision_days / 4).max(3))
            }
        },
        Need::Check(Check::PeerMentoring) => match facts.last_mentoring {
            None => Standing::Missing,
            Some(on) => {
                let until = on + Duration::days(intervals.mentoring_days);
                lapsing(Some(on), Some(until), today, (intervals.mentoring_days / 4).max(3))
            }
        },
        Need::Check(Check::PreService) => {
            // Pre-service training counts when it is marked so, or was taken before the start date
            // (or within the grace period after it), and together covers every peer topic.
            let deadline = facts.start_date.map(|s| s + Duration::days(intervals.pre_service_grace_days));
            let counts =
                |t: &&TrainingFact| t.phase == TrainingPhase::PreService || deadline.is_some_and(|d| t.on <= d);
            let pre: Vec<&TrainingFact> = facts.training.iter().filter(counts).collect();
            let covered = peer_topics.iter().all(|topic| pre.iter().any(|t| t.topics.contains(topic)));
            if covered { met(pre.iter().map(|t| t.on).max()) } else { Standing::Missing }
        }
        Need::Check(Check::InService) => {
            let latest = facts
                .training
                .iter()
                .filter(|t| t.phase == TrainingPhase::InService && t.topics.iter().any(|r| peer_topics.contains(r)))
                .map(|t| t.on)
                .max();
            match latest {
                // Someone who has only just started has until their first year is out.
                None => match facts.start_date {
                    Some(start) if add_months(start, intervals.in_service_months) >= today => {
                        Standing::Expiring { until: Some(add_months(start, intervals.in_service_months)) }
                    }
                    _ => Standing::Missing,
                },
                Some(on) => lapsing(Some(on), Some(add_months(on, intervals.in_service_months)), today, 60),
            }
        }
    }
}

/// What an assignment asks of the person assigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Assignment {
    /// The worker on a person's enrolment.
    Coach,
    /// A group's facilitator.
    Facilitator,
    /// Who follows a referral up.
    ReferralFollowUp,
}

impl Assignment {
    /// The positions whose needs the assignment checks. A coach counts as a peer specialist when they
    /// hold that position, as a direct-service worker otherwise.
    pub fn positions(self, held: &[Position]) -> Vec<Position> {
        match self {
            Assignment::Coach if held.contains(&Position::PeerSpecialist) => vec![Position::PeerSpecialist],
            Assignment::Coach => vec![Position::DirectService],
            Assignment::Facilitator => vec![Position::GroupFacilitator],
            Assignment::ReferralFollowUp => vec![Position::ReferralSpecialist],
        }
    }
}

/// The gaps that matter for an assignment: missing or lapsed certifications and training.
/// Checks that depend on supervision or paperwork are left to the matrix.
pub fn assignment_gaps(assignment: Assignment, facts: &StaffFacts, intervals: &Intervals, today: Date) -> Vec<Need> {
    let positions = assignment.positions(&facts.positions);
    evaluate_for(&positions, facts, intervals, today)
        .gaps()
        .map(|i| i.need)
        .filter(|n| matches!(n, Need::Topic(_) | Need::Check(Check::PeerCertification)))
        .collect()
}

/// Positions implied by sign-in roles, for staff whose profile does not list any yet.
pub fn positions_from_roles(roles: &[crate::domain::codes::Role]) -> Vec<Position> {
    use crate::domain::codes::Role;
    let mut out: Vec<Position> = roles
        .iter()
        .filter_map(|r| match r {
            Role::Coach => Some(Position::PeerSpecialist),
            Role::GroupFacilitator => Some(Position::GroupFacilitator),
            Role::ReferralSpecialist => Some(Position::ReferralSpecialist),
            Role::Supervisor => Some(Position::Supervisor),
            Role::ProgramDirector => Some(Position::ProgramManager),
            Role::Administrator | Role::QualityLead => None,
        })
        .collect();
    out.sort_by_key(|p| Position::ALL.iter().position(|x| x == p));
    out.dedup();
    out
}

// ---------- workload (2.08) ----------

/// Weights by need level and the organisation's thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, ToSchema)]
pub struct WorkloadRules {
    pub weight_high: f64,
    pub weight_moderate: f64,
    pub weight_low: f64,
    pub max_weighted_caseload: f64,
    pub max_contacts_per_month: i32,
    pub max_groups: i32,
    pub max_open_referrals: i32,
    pub review_months: i32,
}

impl Default for WorkloadRules {
    fn default() -> Self {
        WorkloadRules {
            weight_high: 2.0,
            weight_moderate: 1.0,
            weight_low: 0.5,
            max_weighted_caseload: 30.0,
            max_contacts_per_month: 100,
            max_groups: 4,
            max_open_referrals: 40,
            review_months: 6,
        }
    }
}

/// What a worker carries now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct WorkloadCounts {
    pub people_high: i32,
    pub people_moderate: i32,
    pub people_low: i32,
    pub contacts_last_30_days: i32,
    pub groups: i32,
    pub open_referrals: i32,
}

impl WorkloadCounts {
    pub fn people(&self) -> i32 {
        self.people_high + self.people_moderate + self.people_low
    }

    pub fn weighted(&self, rules: &WorkloadRules) -> f64 {
        let w = self.people_high as f64 * rules.weight_high
            + self.people_moderate as f64 * rules.weight_moderate
            + self.people_low as f64 * rules.weight_low;
        (w * 10.0).round() / 10.0
    }
}

/// Which thresholds a workload is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OverThreshold {
    WeightedCaseload,
    Contacts,
    Groups,
    Referrals,
}

impl OverThreshold {
    pub fn message_id(self) -> &'static str {
        match self {
            OverThreshold::WeightedCaseload => "workload-over-caseload",
            OverThreshold::Contacts => "workload-over-contacts",
            OverThreshold::Groups => "workload-over-groups",
            OverThreshold::Referrals => "workload-over-referrals",
        }
    }
}

pub fn over_thresholds(counts: &WorkloadCounts, rules: &WorkloadRules) -> Vec<OverThreshold> {
    let mut over = Vec::new();
    if counts.weighted(rules) > rules.max_weighted_caseload {
        over.push(OverThreshold::WeightedCaseload);
    }
    if counts.contacts_last_30_days > rules.max_contacts_per_month {
        over.push(OverThreshold::Contacts);
    }
    if counts.groups > rules.max_groups {
        over.push(OverThreshold::Groups);
    }
    if counts.open_referrals > rules.max_open_referrals {
        over.push(OverThreshold::Referrals);
    }
    over
}

/// When the next workload review is due after one on `last` (or now, if there has been none).
pub fn review_due(last: Option<Date>, rules: &WorkloadRules, today: Date) -> Date {
    last.map_or(today, |d| add_months(d, rules.review_months as i64))
}

/// A person's need level from their coaching status: a raised-monitoring flag or an open lapse
/// needs the most time; someone exploring, early on or after a return to use, more than someone
/// whose recovery is ongoing or sustained.
pub fn need_level(stage: Option<&str>, monitoring_raised: bool, open_lapse: bool) -> NeedLevel {
    if monitoring_raised || open_lapse {
        NeedLevel::High
    } else {
        match stage {
            Some("ongoing") | Some("sustained") => NeedLevel::Low,
            _ => NeedLevel::Moderate,
        }
    }
}

// ---------- reminders ----------

/// A reminder that is due: what about, which stage (so each goes out once), and the date it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueReminder {
    pub kind: ReminderKind,
    /// What it is about: a certification id, a requirement code, or empty.
    pub subject: String,
    /// "60", "30", "expired", "overdue" or the due date, so a reminder is sent once per stage.
    pub stage: String,
    pub on: Date,
}

/// A certification as reminders see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificationDue {
    pub id: String,
    pub expires_on: Option<Date>,
    /// Replaced by a newer certification of the same kind: no more reminders.
    pub superseded: bool,
}

/// The reminders due on `today` for one person.
pub fn due_reminders(
    certifications: &[CertificationDue],
    competency: &Competency,
    workload_review_due: Option<Date>,
    today: Date,
) -> Vec<DueReminder> {
    let mut out = Vec::new();
    for c in certifications.iter().filter(|c| !c.superseded) {
        let Some(expires) = c.expires_on else { continue };
        let left = (expires - today).whole_days();
        if left < 0 {
            out.push(DueReminder {
                kind: ReminderKind::CertificationExpired,
                subject: c.id.clone(),
                stage: "expired".into(),
                on: expires,
            });
        } else if let Some(stage) = EXPIRY_REMINDER_DAYS.iter().rev().find(|d| left <= **d) {
            out.push(DueReminder {
                kind: ReminderKind::CertificationExpiring,
                subject: c.id.clone(),
                stage: stage.to_string(),
                on: expires,
            });
        }
    }
    for item in competency.gaps() {
        match item.need {
            Need::Topic(_) | Need::Check(Check::PreService) | Need::Check(Check::InService) => {
                let since = match item.standing {
                    Standing::Expired { since } => since,
                    _ => None,
                };
                out.push(DueReminder {
                    kind: ReminderKind::TrainingOverdue,
                    subject: item.need.code().into(),
                    stage: since.map_or("missing".into(), |d| d.to_string()),
                    on: since.unwrap_or(today),
                });
            }
            Need::Check(Check::SupervisionCurrent) => {
                let since = match item.standing {
                    Standing::Expired { since } => since,
                    _ => None,
                };
                out.push(DueReminder {
                    kind: ReminderKind::SupervisionGap,
                    subject: String::new(),
                    stage: since.map_or("never".into(), |d| d.to_string()),
                    on: since.unwrap_or(today),
                });
            }
            _ => {}
        }
    }
    if let Some(due) = workload_review_due
        && due <= today
    {
        out.push(DueReminder {
            kind: ReminderKind::WorkloadReviewDue,
            subject: String::new(),
            stage: due.to_string(),
            on: due,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 18);

    fn training(topics: &[Requirement], on: Date, phase: TrainingPhase) -> TrainingFact {
        TrainingFact { topics: topics.to_vec(), on, phase, kind: TrainingKind::Completed }
    }

    fn all_topics(group: RequirementGroup) -> Vec<Requirement> {
        group.topics().collect()
    }

    fn peer() -> StaffFacts {
        StaffFacts {
            positions: vec![Position::PeerSpecialist],
            start_date: Some(date!(2025 - 01 - 06)),
            experience_months: Some(6),
            lived_experience: true,
            shares_story: Some(true),
            job_description_acknowledged_on: Some(date!(2025 - 01 - 06)),
            role_understanding_confirmed_on: Some(date!(2025 - 02 - 01)),
            certifications: vec![CertificationFact {
                kind: CertificationKind::PeerRecovery,
                issued_on: date!(2024 - 06 - 01),
                expires_on: Some(date!(2028 - 06 - 01)),
            }],
            training: vec![
                training(&all_topics(RequirementGroup::Cse203), date!(2024 - 12 - 01), TrainingPhase::PreService),
                training(&all_topics(RequirementGroup::Cse205), date!(2025 - 03 - 01), TrainingPhase::InService),
                training(&all_topics(RequirementGroup::Cse207), date!(2024 - 12 - 15), TrainingPhase::PreService),
                training(&all_topics(RequirementGroup::Cse207)[..2], date!(2026 - 05 - 01), TrainingPhase::InService),
            ],
            last_supervision: Some(date!(2026 - 11 - 02)),
            last_mentoring: Some(date!(2026 - 10 - 01)),
            ..StaffFacts::default()
        }
    }

    fn gaps(facts: &StaffFacts) -> Vec<&'static str> {
        evaluate(facts, &Intervals::default(), TODAY).gaps().map(|i| i.need.code()).collect()
    }

    #[test]
    fn every_requirement_belongs_to_its_standard() {
        assert_eq!(Requirement::ALL.len(), 41);
        let count = |g: RequirementGroup| g.topics().count();
        assert_eq!(count(RequirementGroup::Cse202), 2);
        assert_eq!(count(RequirementGroup::Cse203), 3);
        assert_eq!(count(RequirementGroup::Cse204), 4);
        assert_eq!(count(RequirementGroup::Cse205), 4);
        assert_eq!(count(RequirementGroup::Cse207), 5);
        assert_eq!(count(RequirementGroup::PrscKnowledge), 10);
        assert_eq!(count(RequirementGroup::PrscSkills), 13);
        for need in Need::all() {
            assert_eq!(Need::parse(need.code()), Some(need));
        }
        assert_eq!(Need::parse("cse-9-99-made-up"), None);
    }

    /// Qualification rules per position, as a table: (positions, what is changed, gaps expected).
    #[test]
    fn qualification_rules_per_position() {
        type Change = fn(&mut StaffFacts);
        let cases: Vec<(&str, Vec<Position>, Change, Vec<&str>)> = vec![
            ("a fully trained peer has no gaps", vec![Position::PeerSpecialist], |_| {}, vec![]),
            (
                "a peer without lived experience fails 2.01 and 2.06",
                vec![Position::PeerSpecialist],
                |f| f.lived_experience = false,
                vec!["qualification", "lived-experience"],
            ),
            (
                "a peer whose certification lapsed",
                vec![Position::PeerSpecialist],
                |f| f.certifications[0].expires_on = Some(date!(2026 - 11 - 01)),
                vec!["peer-certification"],
            ),
            (
                "a peer not willing to share their story, without job description",
                vec![Position::PeerSpecialist],
                |f| {
                    f.shares_story = Some(false);
                    f.job_description_acknowledged_on = None;
                },
                vec!["shares-story", "job-description"],
            ),
            (
                "a peer with no supervision for two months",
                vec![Position::PeerSpecialist],
                |f| f.last_supervision = Some(date!(2026 - 09 - 15)),
                vec!["supervision-current"],
            ),
            (
                "a peer whose last in-service training is over a year old",
                vec![Position::PeerSpecialist],
                |f| f.training[3].on = date!(2025 - 10 - 01),
                vec!["in-service"],
            ),
            (
                "a peer in a PRSC program needs the ten areas and thirteen skills",
                vec![Position::PeerSpecialist],
                |f| f.prsc = true,
                RequirementGroup::PrscKnowledge
                    .topics()
                    .chain(RequirementGroup::PrscSkills.topics())
                    .map(|r| r.code())
                    .collect(),
            ),
            (
                "a facilitator needs the four group skills",
                vec![Position::PeerSpecialist, Position::GroupFacilitator],
                |_| {},
                RequirementGroup::Cse204.topics().map(|r| r.code()).collect(),
            ),
            (
                "a direct-service worker with training but under a year's experience and no degree",
                vec![Position::DirectService],
                |f| f.lived_experience = false,
                vec!["qualification"],
            ),
            (
                "a direct-service worker with an associate degree in human services",
                vec![Position::DirectService],
                |f| {
                    f.experience_months = Some(0);
                    f.training.clear();
                    f.training.push(training(
                        &all_topics(RequirementGroup::Cse203)
                            .into_iter()
                            .chain(all_topics(RequirementGroup::Cse205))
                            .collect::<Vec<_>>(),
                        date!(2025 - 01 - 01),
                        TrainingPhase::PreService,
                    ));
                    f.degrees.push(DegreeFact { level: DegreeLevel::Associate, human_services: true });
                },
                vec![],
            ),
            (
                "a referral specialist in an information-only program is not asked for 2.05",
                vec![Position::ReferralSpecialist],
                |f| {
                    f.referral_only = true;
                    f.training.retain(|t| !t.topics.contains(&Requirement::DevelopmentFamily));
                    f.experience_months = Some(18);
                },
                vec![],
            ),
            (
                "a supervisor with a year's experience and no degree",
                vec![Position::Supervisor],
                |f| f.experience_months = Some(12),
                vec!["supervisor-experience", "supervisor-degree", "cse-2-02-supervision"],
            ),
            (
                "a supervisor of peers with four years and supervision training substitutes for the degree",
                vec![Position::Supervisor],
                |f| {
                    f.experience_months = Some(50);
                    f.supervises_peers = true;
                    f.training.push(training(
                        &[Requirement::Supervision, Requirement::PeerWorkerTrauma],
                        date!(2026 - 01 - 10),
                        TrainingPhase::InService,
                    ));
                },
                vec![],
            ),
            (
                "a supervisor of peers without training on trauma among peer workers",
                vec![Position::Supervisor],
                |f| {
                    f.experience_months = Some(30);
                    f.supervises_peers = true;
                    f.degrees.push(DegreeFact { level: DegreeLevel::Bachelor, human_services: true });
                    f.training.push(training(
                        &[Requirement::Supervision],
                        date!(2026 - 01 - 10),
                        TrainingPhase::InService,
                    ));
                },
                vec!["cse-2-02-peer-trauma"],
            ),
            (
                "a bachelor's outside human services does not count",
                vec![Position::Supervisor],
                |f| {
                    f.experience_months = Some(30);
                    f.degrees.push(DegreeFact { level: DegreeLevel::Master, human_services: false });
                    f.training.push(training(
                        &[Requirement::Supervision],
                        date!(2026 - 01 - 10),
                        TrainingPhase::InService,
                    ));
                },
                vec!["supervisor-degree"],
            ),
            (
                "a program manager needs 2.03 only",
                vec![Position::ProgramManager],
                |f| f.training.clear(),
                RequirementGroup::Cse203.topics().map(|r| r.code()).collect(),
            ),
            ("no position, no requirements", vec![], |f| f.training.clear(), vec![]),
        ];
        for (name, positions, change, expected) in cases {
            let mut facts = peer();
            facts.positions = positions;
            change(&mut facts);
            let mut got = gaps(&facts);
            let mut want = expected.clone();
            got.sort();
            want.sort();
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn a_demonstrated_skill_counts_like_a_completion() {
        let mut facts = peer();
        facts.positions.push(Position::GroupFacilitator);
        facts.training.push(TrainingFact {
            topics: all_topics(RequirementGroup::Cse204),
            on: date!(2026 - 03 - 03),
            phase: TrainingPhase::InService,
            kind: TrainingKind::Demonstrated,
        });
        assert!(gaps(&facts).is_empty());
    }

    #[test]
    fn certifications_and_supervision_show_as_expiring_before_they_lapse() {
        let mut facts = peer();
        facts.certifications[0].expires_on = Some(date!(2026 - 12 - 20));
        let c = evaluate(&facts, &Intervals::default(), TODAY);
        assert_eq!(
            c.standing(Need::Check(Check::PeerCertification)),
            Some(Standing::Expiring { until: Some(date!(2026 - 12 - 20)) })
        );
        facts.last_supervision = Some(date!(2026 - 10 - 22));
        let c = evaluate(&facts, &Intervals::default(), TODAY);
        assert!(matches!(c.standing(Need::Check(Check::SupervisionCurrent)), Some(Standing::Expiring { .. })));
        assert_eq!(c.gap_count(), 0);
    }

    #[test]
    fn a_newer_certification_replaces_a_lapsed_one() {
        let mut facts = peer();
        facts.certifications[0].expires_on = Some(date!(2026 - 01 - 01));
        facts.certifications.push(CertificationFact {
            kind: CertificationKind::PeerRecovery,
            issued_on: date!(2026 - 01 - 02),
            expires_on: Some(date!(2028 - 01 - 02)),
        });
        assert!(gaps(&facts).is_empty());
    }

    #[test]
    fn assignment_gaps_name_training_and_certification_only() {
        let mut facts = peer();
        facts.shares_story = None;
        facts.certifications.clear();
        let today = TODAY;
        let coach = assignment_gaps(Assignment::Coach, &facts, &Intervals::default(), today);
        assert_eq!(coach, vec![Need::Check(Check::PeerCertification)]);
        let facilitator = assignment_gaps(Assignment::Facilitator, &facts, &Intervals::default(), today);
        assert_eq!(facilitator, RequirementGroup::Cse204.topics().map(Need::Topic).collect::<Vec<_>>());
        assert!(assignment_gaps(Assignment::ReferralFollowUp, &facts, &Intervals::default(), today).is_empty());
    }

    #[test]
    fn reminder_timing_follows_the_calendar() {
        let facts = peer();
        let competency = evaluate(&facts, &Intervals::default(), TODAY);
        let cert = |days: i64| CertificationDue {
            id: "c1".into(),
            expires_on: Some(TODAY + Duration::days(days)),
            superseded: false,
        };
        let stages = |days: i64| -> Vec<String> {
            due_reminders(&[cert(days)], &competency, None, TODAY).into_iter().map(|r| r.stage).collect()
        };
        assert!(stages(61).is_empty());
        assert_eq!(stages(60), vec!["60"]);
        assert_eq!(stages(31), vec!["60"]);
        assert_eq!(stages(30), vec!["30"]);
        assert_eq!(stages(0), vec!["30"]);
        assert_eq!(stages(-1), vec!["expired"]);
        let superseded = CertificationDue { superseded: true, ..cert(-5) };
        assert!(due_reminders(&[superseded], &competency, None, TODAY).is_empty());
        let review = due_reminders(&[], &competency, Some(TODAY), TODAY);
        assert_eq!(review[0].kind, ReminderKind::WorkloadReviewDue);
        assert!(due_reminders(&[], &competency, Some(TODAY + Duration::days(1)), TODAY).is_empty());

        let mut lapsed = facts.clone();
        lapsed.last_supervision = Some(date!(2026 - 09 - 01));
        let competency = evaluate(&lapsed, &Intervals::default(), TODAY);
        let due = due_reminders(&[], &competency, None, TODAY);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].kind, ReminderKind::SupervisionGap);
        assert_eq!(due[0].stage, "2026-10-01");
    }

    #[test]
    fn workload_weights_and_thresholds() {
        let rules = WorkloadRules::default();
        let counts = WorkloadCounts {
            people_high: 10,
            people_moderate: 8,
            people_low: 6,
            contacts_last_30_days: 120,
            groups: 2,
            open_referrals: 3,
        };
        assert_eq!(counts.people(), 24);
        assert_eq!(counts.weighted(&rules), 31.0);
        assert_eq!(over_thresholds(&counts, &rules), vec![OverThreshold::WeightedCaseload, OverThreshold::Contacts]);
        assert_eq!(review_due(Some(date!(2026 - 05 - 31)), &rules, TODAY), date!(2026 - 11 - 30));
        assert_eq!(review_due(None, &rules, TODAY), TODAY);
        assert_eq!(need_level(Some("sustained"), true, false), NeedLevel::High);
        assert_eq!(need_level(Some("sustained"), false, false), NeedLevel::Low);
        assert_eq!(need_level(None, false, false), NeedLevel::Moderate);
    }

    #[test]
    fn positions_follow_roles_until_a_profile_says_otherwise() {
        use crate::domain::codes::Role;
        assert_eq!(
            positions_from_roles(&[Role::GroupFacilitator, Role::Coach, Role::Administrator]),
            vec![Position::PeerSpecialist, Position::GroupFacilitator]
        );
    }
}
