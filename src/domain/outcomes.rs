//! The vocabulary every outcome part shares: the six outcome areas of CSE 1.02, when a measure is
//! taken, where its answers came from, and how a logic-model target is judged against people's scores.
//!
//! A target is judged on one instrument's scores: each person's first and latest measurement (paired,
//! so only people measured at least twice count for change), and the latest alone for thresholds.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

text_code!(
    /// The outcome areas a program's desired outcomes fall in (CSE 1.02; at least two per program).
    OutcomeArea {
        FunctionalStatus => "functional-status",
        HealthWelfareSafety => "health-welfare-safety",
        PermanencyOfLifeSituation => "permanency",
        QualityOfLife => "quality-of-life",
        GoalAchievement => "goal-achievement",
        Other => "other",
    }
);

text_code!(
    /// Why a measure was taken when it was.
    Occasion { Intake => "intake", Review => "review", Discharge => "discharge", Other => "other" }
);

text_code!(
    /// Who entered the answers: staff with the person, staff from a paper form, or the person in the portal.
    MeasureSource { Staff => "staff", Paper => "paper", Portal => "portal" }
);

text_code!(
    /// A measure is either answered or the person chose not to answer (which still counts as offered).
    MeasureStatus { Complete => "complete", Declined => "declined" }
);

text_code!(
    /// How a logic-model outcome's target is judged. Reach-threshold: at least `share` per cent of
    /// people have a latest score at or beyond `value`. Improve-by: at least `share` per cent of people
    /// measured twice moved `value` points or more the right way. Mean-change: the mean change (first
    /// to latest, the right way) is at least `value` points.
    TargetKind { ReachThreshold => "reach-threshold", ImproveBy => "improve-by", MeanChange => "mean-change" }
);

text_code!(
    /// How dates appear in de-identified exports: moved by a fixed number of days per person (keeps
    /// the intervals), or reduced to the month.
    ExportDates { Shift => "shift", Month => "month" }
);

text_code!(
    /// One row per measurement, or one row per person and measure (first, latest, change).
    ExportShape { Measurements => "measurements", People => "people" }
);

/// The largest per-person date shift an organisation may choose.
pub const SHIFT_MAX_DAYS_LIMIT: i32 = 365;

/// A target on one measure. `share` is a percentage (0–100) and is required except for `MeanChange`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Target {
    pub kind: TargetKind,
    pub value: f64,
    pub share: Option<f64>,
}

/// One person's first and latest score on one measure (the same when measured once).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PersonScores {
    pub first: f64,
    pub latest: f64,
    /// How many times the person was measured (1 means no pair yet).
    pub count: u32,
}

impl PersonScores {
    pub fn paired(&self) -> bool {
        self.count >= 2
    }

    /// Latest minus first, signed so that a positive number is always an improvement.
    pub fn gain(&self, higher_is_better: bool) -> f64 {
        let change = self.latest - self.first;
        if higher_is_better { change } else { -change }
    }
}

/// Whether `score` is at or beyond `threshold` in the measure's good direction.
pub fn reaches(score: f64, threshold: f64, higher_is_better: bool) -> bool {
    if higher_is_better { score >= threshold } else { score <= threshold }
}

/// First-to-latest change over the people measured at least twice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct PairedChange {
    /// People with a pair of measurements.
    pub n: u32,
    pub mean_first: f64,
    pub mean_latest: f64,
    /// Mean of latest minus first (raw direction, not signed by what is better).
    pub mean_change: f64,
    /// Sample standard deviation of the change (0 with fewer than two pairs).
    pub sd_change: f64,
    pub improved: u32,
    pub unchanged: u32,
    pub worsened: u32,
}

/// Paired change for everyone in `people` measured at least twice. Improvement follows the
/// measure's direction; any non-zero move counts as improved or worsened.
pub fn paired_change(people: &[PersonScores], higher_is_better: bool) -> PairedChange {
    let pairs: Vec<&PersonScores> = people.iter().filter(|p| p.paired()).collect();
    let n = pairs.len();
    if n == 0 {
        return PairedChange::default();
    }
    let nf = n as f64;
    let mean_first = pairs.iter().map(|p| p.first).sum::<f64>() / nf;
    let mean_latest = pairs.iter().map(|p| p.latest).sum::<f64>() / nf;
    let mean_change = mean_latest - mean_first;
    let sd_change = if n < 2 {
        0.0
    } else {
        let ss: f64 = pairs.iter().map(|p| (p.latest - p.first - mean_change).powi(2)).sum();
        (ss / (nf - 1.0)).sqrt()
    };
    let mut out = PairedChange { n: n as u32, mean_first, mean_latest, mean_change, sd_change, ..Default::default() };
    for p in pairs {
        let gain = p.gain(higher_is_better);
        if gain > 0.0 {
            out.improved += 1;
        } else if gain < 0.0 {
            out.worsened += 1;
        } else {
            out.unchanged += 1;
        }
    }
    out
}

/// How far a target has been reached.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, ToSchema)]
pub struct TargetProgress {
    /// People the target is judged on: everyone measured for `ReachThreshold`, pairs otherwise.
    pub n: u32,
    /// People meeting the per-person condition (None for `MeanChange`, judged on the mean).
    pub meeting: Option<u32>,
    /// The figure compared with the target: a percentage, or the mean change in points.
    pub achieved: Option<f64>,
    /// None when nobody could be judged yet.
    pub met: Option<bool>,
}

/// Judges `target` over `people`' scores on the target's measure.
pub fn evaluate(target: &Target, people: &[PersonScores], higher_is_better: bool) -> TargetProgress {
    match target.kind {
        TargetKind::ReachThreshold => {
            let meeting = people.iter().filter(|p| reaches(p.latest, target.value, higher_is_better)).count();
            share_progress(people.len(), meeting, target.share)
        }
        TargetKind::ImproveBy => {
            let pairs: Vec<&PersonScores> = people.iter().filter(|p| p.paired()).collect();
            let meeting = pairs.iter().filter(|p| p.gain(higher_is_better) >= target.value).count();
            share_progress(pairs.len(), meeting, target.share)
        }
        TargetKind::MeanChange => {
            let change = paired_change(people, higher_is_better);
            if change.n == 0 {
                return TargetProgress { n: 0, meeting: None, achieved: None, met: None };
            }
            let signed = if higher_is_better { change.mean_change } else { -change.mean_change };
            TargetProgress { n: change.n, meeting: None, achieved: Some(signed), met: Some(signed >= target.value) }
        }
    }
}

fn share_progress(n: usize, meeting: usize, share: Option<f64>) -> TargetProgress {
    if n == 0 {
        return TargetProgress { n: 0, meeting: Some(0), achieved: None, met: None };
    }
    let achieved = 100.0 * meeting as f64 / n as f64;
    TargetProgress {
        n: n as u32,
        meeting: Some(meeting as u32),
        achieved: Some(achieved),
        met: Some(achieved + 1e-9 >= share.unwrap_or(100.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(first: f64, latest: f64, count: u32) -> PersonScores {
        PersonScores { first, latest, count }
    }

    #[test]
    fn paired_change_uses_only_people_measured_twice() {
        let people = [p(30.0, 40.0, 2), p(40.0, 44.0, 3), p(50.0, 50.0, 1)];
        let c = paired_change(&people, true);
        assert_eq!(c.n, 2);
        assert_eq!(c.mean_first, 35.0);
        assert_eq!(c.mean_latest, 42.0);
        assert_eq!(c.mean_change, 7.0);
        // Changes 10 and 4 around a mean of 7: sample variance (9 + 9) / 1.
        assert!((c.sd_change - 18f64.sqrt()).abs() < 1e-9);
        assert_eq!((c.improved, c.unchanged, c.worsened), (2, 0, 0));
    }

    #[test]
    fn lower_is_better_turns_a_fall_into_an_improvement() {
        let people = [p(20.0, 4.0, 2), p(3.0, 5.0, 2), p(0.0, 0.0, 2)];
        let c = paired_change(&people, false);
        assert_eq!((c.improved, c.unchanged, c.worsened), (1, 1, 1));
        let t = Target { kind: TargetKind::MeanChange, value: 4.0, share: None };
        // Mean raw change (-16 + 2 + 0) / 3 = -4.67: an improvement of 4.67 days.
        let progress = evaluate(&t, &people, false);
        assert_eq!(progress.met, Some(true));
        assert!((progress.achieved.unwrap() - 14.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn reach_threshold_counts_latest_scores_at_or_beyond() {
        let people = [p(30.0, 47.0, 2), p(50.0, 46.0, 2), p(47.0, 47.0, 1), p(20.0, 30.0, 3)];
        let t = Target { kind: TargetKind::ReachThreshold, value: 47.0, share: Some(50.0) };
        let progress = evaluate(&t, &people, true);
        assert_eq!(progress.n, 4);
        assert_eq!(progress.meeting, Some(2));
        assert_eq!(progress.achieved, Some(50.0));
        assert_eq!(progress.met, Some(true));
        let t = Target { share: Some(51.0), ..t };
        assert_eq!(evaluate(&t, &people, true).met, Some(false));
    }

    #[test]
    fn improve_by_judges_pairs_only() {
        let people = [p(40.0, 50.0, 2), p(40.0, 49.0, 2), p(10.0, 90.0, 1)];
        let t = Target { kind: TargetKind::ImproveBy, value: 10.0, share: Some(50.0) };
        let progress = evaluate(&t, &people, true);
        assert_eq!((progress.n, progress.meeting, progress.met), (2, Some(1), Some(true)));
    }

    #[test]
    fn nobody_measured_means_not_yet_judged() {
        for kind in TargetKind::ALL {
            let t = Target { kind: *kind, value: 1.0, share: Some(50.0) };
            assert_eq!(evaluate(&t, &[], true).met, None, "{kind:?}");
        }
    }

    proptest! {
        #[test]
        fn improved_unchanged_worsened_add_up_to_n(
            scores in proptest::collection::vec((0u8..=60, 0u8..=60, 1u32..5), 0..60),
            higher in any::<bool>(),
        ) {
            let people: Vec<PersonScores> =
                scores.iter().map(|(a, b, c)| p(f64::from(*a), f64::from(*b), *c)).collect();
            let c = paired_change(&people, higher);
            prop_assert_eq!(c.improved + c.unchanged + c.worsened, c.n);
            prop_assert_eq!(c.n as usize, people.iter().filter(|p| p.count >= 2).count());
            prop_assert!(c.sd_change >= 0.0);
            prop_assert!((c.mean_latest - c.mean_first - c.mean_change).abs() < 1e-9);
        }
    }
}
