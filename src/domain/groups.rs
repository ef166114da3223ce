//! Education and support groups: the codes groups, sessions, attendance and logs are recorded in,
//! and the focus-area list each accreditation edition uses.

use crate::domain::codes::Edition;

text_code!(
    /// What sort of group it is.
    GroupKind {
        Education => "education",
        Support => "support",
        PeerRecovery => "peer-recovery",
        Workshop => "workshop",
        Class => "class",
        HealthWellness => "health-wellness",
    }
);

text_code!(
    /// What a group works on. The 2024 US and 2022 Canadian editions share a ten-item list; the 2020
    /// Canadian edition has its own eight items, so some codes belong to one list only.
    FocusArea {
        CrisisRecovery => "crisis-recovery",
        Transitions => "transitions",
        Goals => "goals",
        LifeSkills => "life-skills",
        SupportNetworks => "support-networks",
        SupportiveResources => "supportive-resources",
        CommunityFamily => "community-family",
        DailyStress => "daily-stress",
        RoleCompetency => "role-competency",
        RelapsePreventionWellness => "relapse-prevention-wellness",
        RecoveryLifeGoals => "recovery-life-goals",
        NetworksResources => "networks-resources",
        HealthWellness => "health-wellness",
    }
);

/// The focus areas an organisation's edition offers, in the order the edition lists them.
pub fn focus_areas(edition: Edition) -> &'static [FocusArea] {
    use FocusArea::*;
    match edition {
        Edition::CaCse2020 => &[
            CrisisRecovery,
            Transitions,
            RecoveryLifeGoals,
            NetworksResources,
            CommunityFamily,
            DailyStress,
            RoleCompetency,
            HealthWellness,
        ],
        _ => &[
            CrisisRecovery,
            Transitions,
            Goals,
            LifeSkills,
            SupportNetworks,
            SupportiveResources,
            CommunityFamily,
            DailyStress,
            RoleCompetency,
            RelapsePreventionWellness,
        ],
    }
}

text_code!(
    /// Who a group is for.
    Audience {
        Individuals => "individuals",
        Families => "families",
        Youth => "youth",
        YoungAdults => "young-adults",
        OlderAdults => "older-adults",
        Women => "women",
        Men => "men",
        Lgbtq => "lgbtq",
        Veterans => "veterans",
        JusticeInvolved => "justice-involved",
    }
);

text_code!(
    /// Open groups take newcomers and drop-ins at any session; closed groups only enrolled members.
    Membership { Open => "open", Closed => "closed" }
);

text_code!(
    /// What happens when a group is full: a warning the facilitator may override, or a refusal.
    CapacityRule { Warn => "warn", Refuse => "refuse" }
);

text_code!(
    /// A group's life cycle.
    GroupStatus { Active => "active", Paused => "paused", Ended => "ended" }
);

text_code!(
    /// A session is scheduled until attendance or a log shows it was held, or it is cancelled.
    SessionStatus { Scheduled => "scheduled", Held => "held", Cancelled => "cancelled" }
);

text_code!(
    /// Whether a member came.
    AttendanceStatus { Present => "present", Absent => "absent", Excused => "excused" }
);

text_code!(
    /// A facilitator leads or co-facilitates.
    FacilitatorRole { Lead => "lead", CoFacilitator => "co-facilitator" }
);

text_code!(
    /// The group-leadership skills a facilitator needs before leading a group (2.04).
    ReadinessArea {
        EngagingMembers => "engaging-members",
        DynamicsSafety => "dynamics-safety",
        LeadingDiscussion => "leading-discussion",
        FacilitatingActivities => "facilitating-activities",
    }
);

text_code!(
    /// Responsibilities or leadership a member took on in a session (5.03).
    LeadershipRole {
        CoFacilitating => "co-facilitating",
        WelcomingNewcomers => "welcoming-newcomers",
        SharingStory => "sharing-story",
        LeadingActivity => "leading-activity",
        SettingUp => "setting-up",
        Other => "other",
    }
);

text_code!(
    /// The chances a session gave members (5.03), ticked in the session log.
    SessionOpportunity {
        SharingExperience => "sharing-experience",
        MeetingDifference => "meeting-difference",
        BuildingRelationships => "building-relationships",
        Leadership => "leadership",
        ActivitiesOfInterest => "activities-of-interest",
    }
);

text_code!(
    /// Who recorded a member's check-out answers.
    FeedbackSource { Facilitator => "facilitator", Member => "member" }
);

text_code!(
    /// Parts of the day members say they are free, for planning around their commitments (5.02).
    DayPart { Morning => "morning", Afternoon => "afternoon", Evening => "evening" }
);

text_code!(
    /// A curriculum in use or kept only for the record.
    CurriculumStatus { Active => "active", Retired => "retired" }
);

text_code!(
    /// A group member's standing.
    MemberStatus { Active => "active", Left => "left" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_edition_has_its_own_focus_list() {
        assert_eq!(focus_areas(Edition::Cse2024).len(), 10);
        assert_eq!(focus_areas(Edition::CaCse2022), focus_areas(Edition::Cse2024));
        let canada_2020 = focus_areas(Edition::CaCse2020);
        assert_eq!(canada_2020.len(), 8);
        assert!(canada_2020.contains(&FocusArea::HealthWellness));
        assert!(!canada_2020.contains(&FocusArea::LifeSkills));
    }
}
