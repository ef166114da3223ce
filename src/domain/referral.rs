//! Information and referral (CSE 6): the codes a referral and an information-only contact carry.
//! The need itself is one of the unmet-need categories plans use (`coaching::UnmetNeed`).

text_code!(
    /// Where a referral stands; each change is kept in its history.
    ReferralStatus {
        Draft => "draft",
        Sent => "sent",
        Accepted => "accepted",
        Declined => "declined",
        InProgress => "in-progress",
        Completed => "completed",
        Cancelled => "cancelled",
        UnableToConnect => "unable-to-connect",
    }
);

impl ReferralStatus {
    /// No more follow-up is owed once a referral reaches one of these.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Declined | Self::Completed | Self::Cancelled | Self::UnableToConnect)
    }
}

text_code!(
    /// How much help the person gets to reach the resource (PRSC "walking them through").
    ReferralHelp {
        InformationGiven => "information-given",
        WarmHandoff => "warm-handoff",
        Accompanied => "accompanied",
    }
);

text_code!(
    /// How soon the person needs the resource.
    ReferralUrgency { Today => "today", ThisWeek => "this-week", Routine => "routine" }
);

text_code!(
    /// Whether the need behind a referral was met, recorded with its outcome.
    NeedMet { Yes => "yes", Partly => "partly", No => "no", Unknown => "unknown" }
);

text_code!(
    /// How an information-only contact reached us.
    InfoChannel { Phone => "phone", WalkIn => "walk-in", Text => "text", Email => "email", Outreach => "outreach" }
);

text_code!(
    /// Crisis signs noticed during an information-only contact (6.03).
    CrisisFlag {
        SuicideRisk => "suicide-risk",
        Overdose => "overdose",
        DomesticViolence => "domestic-violence",
        ChildSafety => "child-safety",
        MedicalEmergency => "medical-emergency",
        Homelessness => "homelessness",
    }
);
