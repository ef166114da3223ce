//! The editions as data. Each edition is a TOML file beside this module (`catalogue/*.toml`),
//! compiled into the binary and parsed once. Section → standard → element, with the Fundamental
//! Practice flag, the NA rules, the evidence each element calls for and the measures that test it.
//! Every text is the project's own short paraphrase; identifiers (numbers, letters) are facts.
//!
//! The crosswalk is the `concept` key every element carries: elements of different editions with
//! the same concept ask for the same practice.

use crate::standards::measures::MeasureKey;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;
use utoipa::ToSchema;

text_code!(
    /// A source the organisation can be reviewed against. PRSC is the state service definition,
    /// read beside whichever COA edition the organisation uses.
    Source { Cse2024 => "cse-2024", CaCse2022 => "ca-cse-2022", CaCse2020 => "ca-cse-2020", Prsc => "prsc" }
);

text_code!(
    /// Which service a section of the standards covers; `all` applies to every organisation.
    Service { All => "all", Individual => "individual", Groups => "groups", Referral => "referral", Peer => "peer" }
);

text_code!(
    /// Why a standard or element may not apply.
    // referral-only: the program only gives information and referral; occasional-only: it serves
    // people once or occasionally; screening-contracted: another organisation screens; no-goal-tracking:
    // no individual support, so no goals are tracked and no plan is kept; no-groups: the program runs
    // no groups (group leaders' training); no-peer-delivery: no peer staff deliver it (peer staffing).
    NaRule {
        ReferralOnly => "referral-only",
        OccasionalOnly => "occasional-only",
        ScreeningContracted => "screening-contracted",
        NoGoalTracking => "no-goal-tracking",
        NoGroups => "no-groups",
        NoPeerDelivery => "no-peer-delivery",
    }
);

text_code!(
    /// The three kinds of evidence a reviewer looks at.
    EvidenceKind { SelfStudy => "self-study", OnSiteDocument => "on-site-document", OnSiteActivity => "on-site-activity" }
);

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    pub source: Source,
    /// Our own name for the edition, e.g. "CSE (US), 2024 edition".
    pub name: String,
    /// When this data was last revised (the catalogue's own version, not the standards').
    pub data_version: String,
    #[serde(rename = "section")]
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// "CSE 1", "CA-CSE 7", "PRSC".
    pub id: String,
    pub title: String,
    pub service: Service,
    #[serde(rename = "standard")]
    pub standards: Vec<Standard>,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    /// "CSE 3.02", "CA-CSE 7.01", "PRSC 4".
    pub id: String,
    pub title: String,
    /// One or two sentences: what the standard expects, in our words.
    pub summary: String,
    #[serde(default)]
    pub fundamental: bool,
    #[serde(default)]
    pub na: Vec<NaRule>,
    #[serde(rename = "element")]
    pub elements: Vec<Element>,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Element {
    /// "CSE 3.02.a".
    pub id: String,
    pub text: String,
    /// Crosswalk key shared by equivalent elements across editions, e.g. "intake.urgent-first".
    pub concept: String,
    /// Closed lists the element names (e.g. the focus areas of 5.01), in our words.
    #[serde(default)]
    pub items: Vec<String>,
    #[serde(default)]
    pub na: Vec<NaRule>,
    #[serde(default)]
    pub evidence: Vec<EvidenceNeed>,
    #[serde(default)]
    pub measures: Vec<MeasureKey>,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceNeed {
    pub kind: EvidenceKind,
    pub what: String,
}

static EDITIONS: LazyLock<Vec<Edition>> = LazyLock::new(|| {
    [
        include_str!("catalogue/cse-2024.toml"),
        include_str!("catalogue/ca-cse-2022.toml"),
        include_str!("catalogue/ca-cse-2020.toml"),
        include_str!("catalogue/prsc.toml"),
    ]
    .iter()
    // The files are part of the source and checked by the tests below; a parse failure is a bug.
    .map(|text| toml::from_str(text).expect("standards catalogue parses"))
    .collect()
});

pub fn editions() -> &'static [Edition] {
    &EDITIONS
}

pub fn edition(source: Source) -> &'static Edition {
    EDITIONS.iter().find(|e| e.source == source).expect("every source has a catalogue file")
}

impl Edition {
    pub fn standards(&self) -> impl Iterator<Item = (&Section, &Standard)> {
        self.sections.iter().flat_map(|s| s.standards.iter().map(move |st| (s, st)))
    }

    pub fn standard(&self, id: &str) -> Option<(&Section, &Standard)> {
        self.standards().find(|(_, st)| st.id == id)
    }

    pub fn elements(&self) -> impl Iterator<Item = (&Section, &Standard, &Element)> {
        self.standards().flat_map(|(s, st)| st.elements.iter().map(move |e| (s, st, e)))
    }

    /// One element by its id ("CSE 3.02.a"), with its section and standard.
    pub fn element(&self, id: &str) -> Option<(&Section, &Standard, &Element)> {
        self.elements().find(|(_, _, el)| el.id == id)
    }
}

/// Elements of other sources asking for the same practice as `element`, by source.
pub fn crosswalk(element: &Element) -> BTreeMap<&'static str, Vec<&'static str>> {
    let mut out: BTreeMap<&'static str, Vec<&'static str>> = BTreeMap::new();
    for ed in editions() {
        for (_, _, other) in ed.elements() {
            if other.concept == element.concept && other.id != element.id {
                out.entry(ed.source.code()).or_default().push(other.id.as_str());
            }
        }
    }
    out
}

/// The COA edition's source for the organisation's edition setting.
pub fn source_of(edition: crate::domain::codes::Edition) -> Source {
    use crate::domain::codes::Edition as E;
    match edition {
        E::Cse2024 => Source::Cse2024,
        E::CaCse2022 => Source::CaCse2022,
        E::CaCse2020 => Source::CaCse2020,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, HashSet};

    /// Paraphrases stay short: one plain sentence, never a pasted paragraph.
    const LONGEST_TEXT: usize = 240;

    /// The COA editions (not the state definition).
    const COA: [Source; 3] = [Source::Cse2024, Source::CaCse2022, Source::CaCse2020];

    /// The id prefix of an edition's standards ("CSE ", "CA-CSE ", "PRSC ").
    fn prefix(source: Source) -> &'static str {
        match source {
            Source::Cse2024 => "CSE ",
            Source::CaCse2022 | Source::CaCse2020 => "CA-CSE ",
            Source::Prsc => "PRSC ",
        }
    }

    fn el(source: Source, id: &str) -> &'static Element {
        edition(source).element(id).unwrap_or_else(|| panic!("{} has {id}", source.code())).2
    }

    fn concepts(source: Source) -> BTreeSet<&'static str> {
        edition(source).elements().map(|(_, _, e)| e.concept.as_str()).collect()
    }

    fn is_welcoming(concept: &str) -> bool {
        concept.starts_with("welcoming.")
    }

    #[test]
    fn every_source_has_one_parsed_edition() {
        assert_eq!(editions().len(), Source::ALL.len());
        for source in Source::ALL {
            let ed = edition(*source);
            assert_eq!(editions().iter().filter(|e| e.source == *source).count(), 1, "{}", source.code());
            assert!(!ed.name.is_empty() && !ed.name.contains("placeholder"));
            assert_eq!(ed.data_version, "2026-11-24");
            assert!(!ed.sections.is_empty());
            for (section, st) in ed.standards() {
                assert!(!st.elements.is_empty(), "{} has elements", st.id);
                assert!(!section.title.is_empty() && !st.title.is_empty() && !st.summary.is_empty());
            }
        }
    }

    #[test]
    fn ids_are_unique_and_nested() {
        for ed in editions() {
            let p = prefix(ed.source);
            let mut seen = HashSet::new();
            for section in &ed.sections {
                assert!(section.id.starts_with(p), "{} starts with {p}", section.id);
                assert!(seen.insert(section.id.as_str()), "duplicate {}", section.id);
                for st in &section.standards {
                    assert!(st.id.starts_with(&format!("{}.", section.id)), "{} is in {}", st.id, section.id);
                    assert!(seen.insert(st.id.as_str()), "duplicate {}", st.id);
                    for (i, e) in st.elements.iter().enumerate() {
                        // Letters run a, b, c… in order under their standard.
                        let letter = char::from(b'a' + u8::try_from(i).unwrap());
                        assert_eq!(e.id, format!("{}.{letter}", st.id), "element {i} of {}", st.id);
                        assert!(seen.insert(e.id.as_str()), "duplicate {}", e.id);
                    }
                }
            }
        }
    }

    #[test]
    fn every_measure_is_used_where_it_belongs() {
        let used = |source: Source| -> HashSet<MeasureKey> {
            edition(source).elements().flat_map(|(_, _, e)| e.measures.iter().copied()).collect()
        };
        let all: HashSet<MeasureKey> =
            editions().iter().flat_map(|ed| ed.elements().flat_map(|(_, _, e)| e.measures.iter().copied())).collect();
        for key in MeasureKey::ALL {
            assert!(all.contains(key), "{} is used somewhere", key.code());
        }
        let prsc_only = [
            MeasureKey::PrscCompetencies,
            MeasureKey::ContactMonthly,
            MeasureKey::InPersonContact,
            MeasureKey::NotesWithinScope,
            MeasureKey::OutcomesMeasured,
        ];
        let (us, ca22, ca20, prsc) =
            (used(Source::Cse2024), used(Source::CaCse2022), used(Source::CaCse2020), used(Source::Prsc));
        for key in MeasureKey::ALL {
            if prsc_only.contains(key) {
                assert!(prsc.contains(key), "{} in prsc", key.code());
                assert!(!us.contains(key) && !ca22.contains(key) && !ca20.contains(key), "{} only in prsc", key.code());
            } else if *key == MeasureKey::WelcomingSites {
                // Only the 2022 Canadian edition has the welcoming-environment standard.
                assert!(ca22.contains(key) && !us.contains(key) && !ca20.contains(key));
            } else {
                for (source, keys) in [("cse-2024", &us), ("ca-cse-2022", &ca22), ("ca-cse-2020", &ca20)] {
                    assert!(keys.contains(key), "{} in {source}", key.code());
                }
            }
        }
    }

    #[test]
    fn fundamental_practice_flags_are_exactly_the_expected_standards() {
        for source in Source::ALL {
            let ed = edition(*source);
            let flagged: BTreeSet<&str> =
                ed.standards().filter(|(_, st)| st.fundamental).map(|(_, st)| st.id.as_str()).collect();
            let expected: BTreeSet<String> = if *source == Source::Prsc {
                BTreeSet::new()
            } else {
                ["3.02", "3.03", "4.03", "6.03"].iter().map(|n| format!("{}{n}", prefix(*source))).collect()
            };
            let expected: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
            assert_eq!(flagged, expected, "{}", source.code());
        }
    }

    #[test]
    fn na_rules_sit_on_the_expected_standards() {
        for source in COA {
            let ed = edition(source);
            let p = prefix(source);
            let rules = |n: &str| ed.standard(&format!("{p}{n}")).unwrap().1.na.clone();
            assert_eq!(rules("1.02"), vec![NaRule::ReferralOnly]);
            assert_eq!(rules("2.05"), vec![NaRule::ReferralOnly]);
            assert_eq!(rules("3.04"), vec![NaRule::ReferralOnly, NaRule::OccasionalOnly]);
            assert_eq!(rules("3.01"), vec![NaRule::ScreeningContracted]);
            assert_eq!(rules("2.04"), vec![NaRule::NoGroups]);
            assert_eq!(rules("2.06"), vec![NaRule::NoPeerDelivery]);
            assert_eq!(rules("2.07"), vec![NaRule::NoPeerDelivery]);
            let with_rules: BTreeSet<&str> =
                ed.standards().filter(|(_, st)| !st.na.is_empty()).map(|(_, st)| st.id.as_str()).collect();
            assert_eq!(with_rules.len(), 7, "{}: {with_rules:?}", source.code());
            // The plan is kept only where goals are tracked.
            let plan = el(source, &format!("{p}3.04.b"));
            assert_eq!(plan.concept, "plan.in-place");
            assert!(plan.na.contains(&NaRule::NoGoalTracking));
            assert!(el(source, &format!("{p}3.04.a")).na.is_empty(), "progress notes are kept regardless");
        }
        assert!(edition(Source::Prsc).elements().all(|(_, st, e)| st.na.is_empty() && e.na.is_empty()));
    }

    #[test]
    fn sections_cover_the_right_services() {
        for source in COA {
            let ed = edition(source);
            let services: Vec<Service> = ed.sections.iter().map(|s| s.service).collect();
            use Service::*;
            assert_eq!(services, vec![All, All, All, Individual, Groups, Referral, Peer], "{}", source.code());
        }
        let prsc = edition(Source::Prsc);
        assert_eq!(prsc.sections.len(), 8);
        assert!(prsc.sections.iter().all(|s| s.service == Service::Individual));
    }

    #[test]
    fn canada_2022_opens_peer_support_with_the_welcoming_environment() {
        let ca22 = edition(Source::CaCse2022);
        let (section, welcoming) = ca22.standard("CA-CSE 7.01").unwrap();
        assert_eq!(section.service, Service::Peer);
        assert!(welcoming.elements.iter().all(|e| is_welcoming(&e.concept)));
        assert!(welcoming.elements.iter().any(|e| e.concept == "welcoming.environment"));
        assert!(welcoming.elements.iter().any(|e| e.measures.contains(&MeasureKey::WelcomingSites)));
        // The rest of CA-CSE 7 is the US CSE 7 moved down by one.
        let us = edition(Source::Cse2024);
        for (us_n, ca_n) in [("7.01", "7.02"), ("7.02", "7.03"), ("7.03", "7.04")] {
            let us_concepts: Vec<&str> =
                us.standard(&format!("CSE {us_n}")).unwrap().1.elements.iter().map(|e| e.concept.as_str()).collect();
            let ca_concepts: Vec<&str> = ca22
                .standard(&format!("CA-CSE {ca_n}"))
                .unwrap()
                .1
                .elements
                .iter()
                .map(|e| e.concept.as_str())
                .collect();
            assert_eq!(us_concepts, ca_concepts, "CSE {us_n} is CA-CSE {ca_n}");
        }
        assert!(ca22.standard("CA-CSE 7.05").is_none());
        // 2020 has no welcoming-environment standard (our reading) and keeps the US numbers.
        let ca20 = edition(Source::CaCse2020);
        assert!(concepts(Source::CaCse2020).iter().all(|c| !is_welcoming(c)));
        assert_eq!(el(Source::CaCse2020, "CA-CSE 7.01.a").concept, el(Source::Cse2024, "CSE 7.01.a").concept);
        assert!(ca20.standard("CA-CSE 7.04").is_none());
    }

    #[test]
    fn group_focus_lists_differ_by_edition() {
        let focus = |source: Source, id: &str| {
            let e = el(source, id);
            assert_eq!(e.concept, "groups.focus-areas", "{id}");
            e.items.clone()
        };
        let us = focus(Source::Cse2024, "CSE 5.01.a");
        let ca22 = focus(Source::CaCse2022, "CA-CSE 5.01.a");
        let ca20 = focus(Source::CaCse2020, "CA-CSE 5.01.a");
        assert_eq!(us.len(), 10);
        assert_eq!(ca22, us);
        assert_eq!(ca20.len(), 8);
        // 2022 and 2024: the groups' list is the individual-support list of 4.01.
        assert_eq!(el(Source::Cse2024, "CSE 4.01.a").items, us);
        assert_eq!(el(Source::CaCse2022, "CA-CSE 4.01.a").items, ca22);
    }

    #[test]
    fn crisis_lines_are_national() {
        let line = |source: Source, id: &str| el(source, id).items.join(" ");
        assert!(line(Source::Cse2024, "CSE 3.03.d").contains("988"));
        for source in [Source::CaCse2022, Source::CaCse2020] {
            let items = line(source, "CA-CSE 3.03.d");
            assert!(items.contains("9-8-8") && !items.contains("(988)"), "{items}");
        }
    }

    #[test]
    fn crosswalk_finds_the_equivalents() {
        let us = edition(Source::Cse2024);
        let peer_aim = &us.element("CSE 7.01.a").unwrap().2;
        let found = crosswalk(peer_aim);
        assert_eq!(found.get("ca-cse-2022"), Some(&vec!["CA-CSE 7.02.a"]));
        assert_eq!(found.get("ca-cse-2020"), Some(&vec!["CA-CSE 7.01.a"]));
        assert!(!found.contains_key("cse-2024"), "an element is not its own equivalent");

        let urgent = crosswalk(el(Source::Cse2024, "CSE 3.02.c"));
        assert_eq!(urgent.get("ca-cse-2022"), Some(&vec!["CA-CSE 3.02.c"]));
        assert_eq!(urgent.get("ca-cse-2020"), Some(&vec!["CA-CSE 3.02.c"]));

        // The state definition's quarterly plan is the CSE 3.04 plan element.
        let plan = crosswalk(el(Source::Cse2024, "CSE 3.04.b"));
        assert_eq!(plan.get("prsc"), Some(&vec!["PRSC 6.01.a"]));
        assert_eq!(plan.get("ca-cse-2022"), Some(&vec!["CA-CSE 3.04.b"]));
        let back = crosswalk(el(Source::Prsc, "PRSC 6.01.a"));
        assert_eq!(back.get("cse-2024"), Some(&vec!["CSE 3.04.b"]));

        // Nothing in the US edition matches the welcoming environment.
        let welcoming = crosswalk(el(Source::CaCse2022, "CA-CSE 7.01.a"));
        assert!(welcoming.is_empty(), "{welcoming:?}");
    }

    #[test]
    fn concepts_are_unique_within_an_edition() {
        for ed in editions() {
            let mut seen = HashSet::new();
            for (_, _, e) in ed.elements() {
                assert!(!e.concept.is_empty() && !e.concept.contains(' '), "{}", e.id);
                assert!(seen.insert(e.concept.as_str()), "{} repeats concept {}", e.id, e.concept);
            }
        }
    }

    #[test]
    fn canadian_concepts_exist_in_the_us_edition() {
        let us = concepts(Source::Cse2024);
        for source in [Source::CaCse2022, Source::CaCse2020] {
            for concept in concepts(source) {
                assert!(us.contains(concept) || is_welcoming(concept), "{}: {concept}", source.code());
            }
            // And the other way round: Canada asks for every US practice.
            for concept in &us {
                assert!(concepts(source).contains(concept), "{} lacks {concept}", source.code());
            }
        }
        // PRSC shares concepts only with practices the US edition has; its own are "prsc.*".
        for concept in concepts(Source::Prsc) {
            assert!(concept.starts_with("prsc.") || us.contains(concept), "prsc: {concept}");
        }
    }

    #[test]
    fn texts_are_short_paraphrases() {
        let check = |what: &str, text: &str| {
            let n = text.chars().count();
            assert!(n > 0 && n <= LONGEST_TEXT, "{what} is {n} characters: {text}");
            assert!(!text.contains('\n') && text.trim() == text, "{what}: one line, trimmed");
            assert!(!text.contains("placeholder"), "{what}");
        };
        for ed in editions() {
            check(ed.source.code(), &ed.name);
            for section in &ed.sections {
                check(&section.id, &section.title);
                for st in &section.standards {
                    check(&st.id, &st.title);
                    check(&st.id, &st.summary);
                    for e in &st.elements {
                        check(&e.id, &e.text);
                        // One sentence: a single full stop, at the end.
                        assert!(e.text.ends_with('.') && e.text.matches(". ").count() == 0, "{}: {}", e.id, e.text);
                        e.items.iter().for_each(|item| check(&e.id, item));
                        e.evidence.iter().for_each(|ev| check(&e.id, &ev.what));
                    }
                }
            }
        }
    }

    #[test]
    fn every_element_says_what_a_reviewer_looks_at() {
        for ed in editions() {
            for (_, _, e) in ed.elements() {
                assert!(!e.evidence.is_empty(), "{} names its evidence", e.id);
                let mut keys = HashSet::new();
                assert!(e.measures.iter().all(|k| keys.insert(*k)), "{} repeats a measure", e.id);
            }
        }
    }
}
