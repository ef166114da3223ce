//! Rating thresholds and the rule that suggests a 1–4 rating per standard.
//!
//! Each applicable element gets a level from its evidence:
//! - measured elements: the lowest share among their measures (over the records there were)
//!   against the thresholds: at least `full` % → 1, at least `minor` % → 2, at least
//!   `significant` % → 3, below → 4;
//! - elements shown by a document: a document whose review is current → 1, one past its review
//!   date → 2, none → 4 (no evidence held);
//! - elements only an on-site activity can show (interviews, observation) are left to the
//!   reviewer and not rated; so are measured elements with no records in the period.
//!
//! The standard's suggestion is its worst rated element: the rating guide's 1 means every part is
//! in place, so one element with significant gaps makes the whole standard a 3.

use crate::domain::validation::FieldErrors;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Shares (percent) at which an element counts as fully in place, with minor gaps, or with
/// significant gaps. Below `significant` there is minimal evidence.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Thresholds {
    pub full: f64,
    pub minor: f64,
    pub significant: f64,
}

impl Default for Thresholds {
    /// 95 % allows the odd late record a reviewer would still call full compliance; 80 % is
    /// "timeframes mostly met"; under 50 % the practice is not the norm.
    fn default() -> Self {
        Thresholds { full: 95.0, minor: 80.0, significant: 50.0 }
    }
}

impl Thresholds {
    /// Each between 1 and 100, strictly decreasing from `full` to `significant`.
    pub fn parse(full: &str, minor: &str, significant: &str) -> Result<Thresholds, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut read = |field: &str, raw: &str| match raw.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && (1.0..=100.0).contains(&v) => Some(v),
            _ => {
                errors.add(field, "readiness-error-threshold-range");
                None
            }
        };
        let (f, m, s) = (read("full", full), read("minor", minor), read("significant", significant));
        if let (Some(f), Some(m)) = (f, m)
            && m >= f
        {
            errors.add("minor", "readiness-error-threshold-order");
        }
        if let (Some(m), Some(s)) = (m, s)
            && s >= m
        {
            errors.add("significant", "readiness-error-threshold-order");
        }
        errors.finish(Thresholds { full: f.unwrap_or(0.0), minor: m.unwrap_or(0.0), significant: s.unwrap_or(0.0) })
    }

    /// The rating (1–4) a share earns.
    pub fn rating_for(&self, percent: f64) -> u8 {
        if percent >= self.full {
            1
        } else if percent >= self.minor {
            2
        } else if percent >= self.significant {
            3
        } else {
            4
        }
    }
}

/// The evidence an element has, as the rating rule sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum ElementEvidence {
    /// Shares of the element's measures; `None` where a measure had no records in the period.
    Measured(Vec<Option<f64>>),
    /// Documents attached: how many are current and how many are past their review date.
    Documents { current: usize, overdue: usize },
    /// Only an on-site activity shows it.
    OnSite,
}

text_code!(
    /// Where an element stands.
    Standing {
        Full => "full",
        MinorGaps => "minor-gaps",
        SignificantGaps => "significant-gaps",
        Minimal => "minimal",
        NoRecords => "no-records",
        ReviewerJudges => "reviewer-judges",
    }
);

impl Standing {
    pub fn from_rating(rating: u8) -> Standing {
        match rating {
            1 => Standing::Full,
            2 => Standing::MinorGaps,
            3 => Standing::SignificantGaps,
            _ => Standing::Minimal,
        }
    }

    /// The rating (1–4) this standing counts as, or `None` when it is not rated.
    pub fn rating(self) -> Option<u8> {
        match self {
            Standing::Full => Some(1),
            Standing::MinorGaps => Some(2),
            Standing::SignificantGaps => Some(3),
            Standing::Minimal => Some(4),
            Standing::NoRecords | Standing::ReviewerJudges => None,
        }
    }
}

/// An element's standing, and the share it was judged on when measured.
pub fn element_standing(evidence: &ElementEvidence, t: &Thresholds) -> (Standing, Option<f64>) {
    match evidence {
        ElementEvidence::Measured(shares) => match shares.iter().flatten().copied().reduce(f64::min) {
            Some(worst) => (Standing::from_rating(t.rating_for(worst)), Some(worst)),
            None => (Standing::NoRecords, None),
        },
        ElementEvidence::Documents { current, .. } if *current > 0 => (Standing::Full, None),
        ElementEvidence::Documents { overdue, .. } if *overdue > 0 => (Standing::MinorGaps, None),
        ElementEvidence::Documents { .. } => (Standing::Minimal, None),
        ElementEvidence::OnSite => (Standing::ReviewerJudges, None),
    }
}

/// The suggested rating of a standard: its worst rated element; `None` when nothing is rated.
pub fn suggest(standings: &[Standing]) -> Option<u8> {
    standings.iter().filter_map(|s| s.rating()).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_map_to_ratings_at_the_threshold_boundaries() {
        let t = Thresholds::default();
        assert_eq!(t.rating_for(100.0), 1);
        assert_eq!(t.rating_for(95.0), 1);
        assert_eq!(t.rating_for(94.99), 2);
        assert_eq!(t.rating_for(80.0), 2);
        assert_eq!(t.rating_for(79.99), 3);
        assert_eq!(t.rating_for(50.0), 3);
        assert_eq!(t.rating_for(49.99), 4);
        assert_eq!(t.rating_for(0.0), 4);
        let strict = Thresholds { full: 100.0, minor: 90.0, significant: 70.0 };
        assert_eq!(strict.rating_for(99.9), 2);
        assert_eq!(strict.rating_for(70.0), 3);
    }

    #[test]
    fn the_worst_measure_of_an_element_decides_and_empty_measures_are_not_rated() {
        let t = Thresholds::default();
        let e = ElementEvidence::Measured(vec![Some(100.0), Some(82.0), None]);
        assert_eq!(element_standing(&e, &t), (Standing::MinorGaps, Some(82.0)));
        assert_eq!(element_standing(&ElementEvidence::Measured(vec![None]), &t), (Standing::NoRecords, None));
        assert_eq!(element_standing(&ElementEvidence::Measured(vec![]), &t), (Standing::NoRecords, None));
    }

    #[test]
    fn documents_count_when_current_and_a_missing_one_is_minimal_evidence() {
        let t = Thresholds::default();
        let docs = |current, overdue| element_standing(&ElementEvidence::Documents { current, overdue }, &t).0;
        assert_eq!(docs(1, 3), Standing::Full);
        assert_eq!(docs(0, 1), Standing::MinorGaps);
        assert_eq!(docs(0, 0), Standing::Minimal);
        assert_eq!(element_standing(&ElementEvidence::OnSite, &t).0, Standing::ReviewerJudges);
    }

    #[test]
    fn a_standard_takes_its_worst_rated_element() {
        use Standing::*;
        assert_eq!(suggest(&[Full, Full]), Some(1));
        assert_eq!(suggest(&[Full, MinorGaps, ReviewerJudges]), Some(2));
        assert_eq!(suggest(&[Full, SignificantGaps, MinorGaps]), Some(3));
        assert_eq!(suggest(&[Minimal, Full]), Some(4));
        assert_eq!(suggest(&[NoRecords, ReviewerJudges]), None);
    }

    #[test]
    fn thresholds_must_fall_from_full_to_significant_within_one_to_a_hundred() {
        assert_eq!(Thresholds::parse("95", "80", "50").unwrap(), Thresholds::default());
        let errs = Thresholds::parse("80", "80", "50").unwrap_err();
        assert!(errs.for_field("minor").is_some());
        let errs = Thresholds::parse("101", "x", "0").unwrap_err();
        assert!(
            errs.for_field("full").is_some()
                && errs.for_field("minor").is_some()
                && errs.for_field("significant").is_some()
        );
        assert!(Thresholds::parse("95", "60", "60").unwrap_err().for_field("significant").is_some());
    }
}
