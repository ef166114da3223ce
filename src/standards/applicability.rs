//! Which standards apply to the organisation, and why the others are NA.
//!
//! Applicability is worked out per active program from the services it declares, then rolled up:
//! a section, standard or element applies to the organisation when it applies to at least one
//! program. The rules (STANDARDS.md, "Applicability"): sections 1–3 apply to everyone, 4/5/6 by
//! service, 7 when any service is peer-delivered; I&R-only programs are NA for 1.02, 2.05 and 3.04;
//! programs serving people only once or occasionally are NA for 3.04; contracting screening out
//! makes 3.01 NA; the plan element is NA where no program tracks goals. PRSC applies to
//! peer-delivered individual coaching.

use crate::db::entities::program;
use crate::standards::catalogue::{Element, NaRule, Section, Service, Source, Standard};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

text_code!(
    /// Why something does not apply to a program or to the organisation.
    NaReason {
        NoActivePrograms => "no-active-programs",
        NoIndividualSupport => "no-individual-support",
        NoGroups => "no-groups",
        NoReferral => "no-referral",
        NoPeerDelivery => "no-peer-delivery",
        NoPeerCoaching => "no-peer-coaching",
        ReferralOnly => "referral-only",
        OccasionalOnly => "occasional-only",
        ScreeningContracted => "screening-contracted",
        NoGoalTracking => "no-goal-tracking",
    }
);

/// What the organisation delivers, as applicability needs it.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub programs: Vec<ProgramProfile>,
    pub screening_contracted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramProfile {
    pub id: Uuid,
    pub name: String,
    pub individual: bool,
    pub groups: bool,
    pub referral: bool,
    pub peer: bool,
    pub occasional: bool,
}

impl ProgramProfile {
    pub fn referral_only(&self) -> bool {
        self.referral && !self.individual && !self.groups
    }
}

impl Profile {
    /// Active programs only: a closed program is not reviewed.
    pub fn new(programs: &[program::Model], screening_contracted: bool) -> Profile {
        let programs = programs
            .iter()
            .filter(|p| p.active)
            .map(|p| ProgramProfile {
                id: p.id,
                name: p.name.clone(),
                individual: p.serves_individuals,
                groups: p.serves_groups,
                referral: p.serves_referral,
                peer: p.peer_delivered,
                occasional: p.occasional_only,
            })
            .collect();
        Profile { programs, screening_contracted }
    }
}

/// Whether something applies: to which programs, or why not; and each left-out program's reason.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Applicability {
    pub applies: bool,
    /// Programs it applies to (empty when NA).
    pub programs: Vec<Uuid>,
    /// Why it is NA for the whole organisation.
    pub reason: Option<NaReason>,
    /// Active programs it does not apply to, each with its reason.
    pub excluded: Vec<(Uuid, NaReason)>,
}

impl Applicability {
    fn from_programs(included: Vec<Uuid>, excluded: Vec<(Uuid, NaReason)>, fallback: NaReason) -> Applicability {
        let applies = !included.is_empty();
        let reason = (!applies).then(|| excluded.last().map(|(_, r)| *r).unwrap_or(fallback));
        Applicability { applies, programs: included, reason, excluded }
    }

    fn na(reason: NaReason) -> Applicability {
        Applicability { applies: false, programs: Vec::new(), reason: Some(reason), excluded: Vec::new() }
    }
}

/// Whether a program is in the section's service at all, or why not.
fn in_service(source: Source, service: Service, p: &ProgramProfile) -> Result<(), NaReason> {
    if source == Source::Prsc {
        return match (p.individual, p.peer) {
            (true, true) => Ok(()),
            (false, _) => Err(NaReason::NoIndividualSupport),
            (true, false) => Err(NaReason::NoPeerCoaching),
        };
    }
    match service {
        Service::All => Ok(()),
        Service::Individual if !p.individual => Err(NaReason::NoIndividualSupport),
        Service::Groups if !p.groups => Err(NaReason::NoGroups),
        Service::Referral if !p.referral => Err(NaReason::NoReferral),
        Service::Peer if !p.peer => Err(NaReason::NoPeerDelivery),
        _ => Ok(()),
    }
}

/// Whether a program escapes an NA rule, or the reason it is NA under it.
fn rule_keeps(rule: NaRule, p: &ProgramProfile) -> Result<(), NaReason> {
    match rule {
        NaRule::ReferralOnly if p.referral_only() => Err(NaReason::ReferralOnly),
        NaRule::OccasionalOnly if p.occasional => Err(NaReason::OccasionalOnly),
        NaRule::NoGoalTracking if !p.individual => Err(NaReason::NoGoalTracking),
        NaRule::NoGroups if !p.groups => Err(NaReason::NoGroups),
        NaRule::NoPeerDelivery if !p.peer => Err(NaReason::NoPeerDelivery),
        _ => Ok(()),
    }
}

fn service_fallback(source: Source, service: Service) -> NaReason {
    match (source, service) {
        (Source::Prsc, _) => NaReason::NoPeerCoaching,
        (_, Service::Individual) => NaReason::NoIndividualSupport,
        (_, Service::Groups) => NaReason::NoGroups,
        (_, Service::Referral) => NaReason::NoReferral,
        (_, Service::Peer) => NaReason::NoPeerDelivery,
        (_, Service::All) => NaReason::NoActivePrograms,
    }
}

/// Applicability under the section's service and the given NA rules (the standard's, then the element's).
fn under(profile: &Profile, source: Source, section: &Section, rules: &[NaRule]) -> Applicability {
    if rules.contains(&NaRule::ScreeningContracted) && profile.screening_contracted {
        return Applicability::na(NaReason::ScreeningContracted);
    }
    let mut included = Vec::new();
    let mut excluded = Vec::new();
    for p in &profile.programs {
        let verdict = in_service(source, section.service, p)
            .and_then(|()| rules.iter().try_for_each(|rule| rule_keeps(*rule, p)));
        match verdict {
            Ok(()) => included.push(p.id),
            Err(reason) => excluded.push((p.id, reason)),
        }
    }
    Applicability::from_programs(included, excluded, service_fallback(source, section.service))
}

pub fn section(profile: &Profile, source: Source, section: &Section) -> Applicability {
    under(profile, source, section, &[])
}

pub fn standard(profile: &Profile, source: Source, section: &Section, standard: &Standard) -> Applicability {
    under(profile, source, section, &standard.na)
}

pub fn element(
    profile: &Profile,
    source: Source,
    section: &Section,
    standard: &Standard,
    element: &Element,
) -> Applicability {
    let rules: Vec<NaRule> = standard.na.iter().chain(&element.na).copied().collect();
    under(profile, source, section, &rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(name: &str, individual: bool, groups: bool, referral: bool, peer: bool) -> ProgramProfile {
        ProgramProfile { id: Uuid::new_v4(), name: name.into(), individual, groups, referral, peer, occasional: false }
    }

    fn section_of(service: Service) -> Section {
        Section { id: "S".into(), title: "S".into(), service, standards: Vec::new() }
    }

    fn standard_with(na: &[NaRule]) -> Standard {
        Standard {
            id: "S 1.01".into(),
            title: "t".into(),
            summary: "s".into(),
            fundamental: false,
            na: na.to_vec(),
            elements: Vec::new(),
        }
    }

    #[test]
    fn an_information_and_referral_only_organisation_is_na_for_support_groups_and_peer_sections() {
        let ir = program("Helpline", false, false, true, false);
        let profile = Profile { programs: vec![ir.clone()], screening_contracted: false };
        let src = Source::Cse2024;
        assert!(section(&profile, src, &section_of(Service::All)).applies);
        assert!(section(&profile, src, &section_of(Service::Referral)).applies);
        let groups = section(&profile, src, &section_of(Service::Groups));
        assert_eq!(groups.reason, Some(NaReason::NoGroups));
        assert_eq!(groups.excluded, vec![(ir.id, NaReason::NoGroups)]);
        assert_eq!(
            section(&profile, src, &section_of(Service::Individual)).reason,
            Some(NaReason::NoIndividualSupport)
        );
        assert_eq!(section(&profile, src, &section_of(Service::Peer)).reason, Some(NaReason::NoPeerDelivery));
        // 1.02, 2.05 and 3.04 are NA for an I&R-only organisation.
        let only_ir = standard(&profile, src, &section_of(Service::All), &standard_with(&[NaRule::ReferralOnly]));
        assert_eq!(only_ir.reason, Some(NaReason::ReferralOnly));
        assert!(standard(&profile, src, &section_of(Service::All), &standard_with(&[])).applies);
        assert_eq!(
            section(&profile, Source::Prsc, &section_of(Service::Individual)).reason,
            Some(NaReason::NoIndividualSupport)
        );
    }

    #[test]
    fn a_groups_only_organisation_is_na_for_individual_support_and_referral() {
        let groups = program("Groups", false, true, false, false);
        let profile = Profile { programs: vec![groups], screening_contracted: false };
        let src = Source::CaCse2022;
        assert!(section(&profile, src, &section_of(Service::Groups)).applies);
        assert!(!section(&profile, src, &section_of(Service::Individual)).applies);
        assert!(!section(&profile, src, &section_of(Service::Referral)).applies);
        // Groups are not I&R-only, so 3.04 applies unless they serve people only occasionally.
        let progress = standard_with(&[NaRule::ReferralOnly, NaRule::OccasionalOnly]);
        assert!(standard(&profile, src, &section_of(Service::All), &progress).applies);
        let mut occasional = profile.clone();
        occasional.programs[0].occasional = true;
        assert_eq!(
            standard(&occasional, src, &section_of(Service::All), &progress).reason,
            Some(NaReason::OccasionalOnly)
        );
    }

    #[test]
    fn a_peer_delivered_mix_applies_everything_but_excludes_the_referral_only_program_where_the_rules_say() {
        let coaching = program("Coaching", true, true, false, true);
        let ir = program("Helpline", false, false, true, false);
        let profile = Profile { programs: vec![coaching.clone(), ir.clone()], screening_contracted: false };
        let src = Source::Cse2024;
        for service in Service::ALL {
            assert!(section(&profile, src, &section_of(*service)).applies, "{service}");
        }
        let outcomes = standard(&profile, src, &section_of(Service::All), &standard_with(&[NaRule::ReferralOnly]));
        assert!(outcomes.applies);
        assert_eq!(outcomes.programs, vec![coaching.id]);
        assert_eq!(outcomes.excluded, vec![(ir.id, NaReason::ReferralOnly)]);
        let prsc = section(&profile, Source::Prsc, &section_of(Service::Individual));
        assert_eq!(prsc.programs, vec![coaching.id]);
    }

    #[test]
    fn contracting_screening_out_makes_the_screening_standard_na() {
        let coaching = program("Coaching", true, false, false, true);
        let mut profile = Profile { programs: vec![coaching], screening_contracted: false };
        let screening = standard_with(&[NaRule::ScreeningContracted]);
        assert!(standard(&profile, Source::Cse2024, &section_of(Service::All), &screening).applies);
        profile.screening_contracted = true;
        assert_eq!(
            standard(&profile, Source::Cse2024, &section_of(Service::All), &screening).reason,
            Some(NaReason::ScreeningContracted)
        );
    }

    #[test]
    fn the_plan_element_is_na_where_no_program_tracks_goals_and_peer_coaching_needs_peers() {
        let groups = program("Groups", false, true, false, true);
        let profile = Profile { programs: vec![groups], screening_contracted: false };
        let st = standard_with(&[]);
        let plan = Element {
            id: "S 1.01.a".into(),
            text: "t".into(),
            concept: "c".into(),
            items: Vec::new(),
            na: vec![NaRule::NoGoalTracking],
            evidence: Vec::new(),
            measures: Vec::new(),
        };
        let all = section_of(Service::All);
        assert_eq!(element(&profile, Source::Cse2024, &all, &st, &plan).reason, Some(NaReason::NoGoalTracking));
        let not_peer =
            Profile { programs: vec![program("Coaching", true, false, false, false)], screening_contracted: false };
        assert_eq!(section(&not_peer, Source::Prsc, &all).reason, Some(NaReason::NoPeerCoaching));
        assert_eq!(section(&Profile::default(), Source::Cse2024, &all).reason, Some(NaReason::NoActivePrograms));
    }
}
