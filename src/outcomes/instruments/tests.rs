//! The built-in catalogue: every file parses, validates, and scores its boundary answers as published.

use super::*;
use crate::domain::instruments::{AnswerValue, Answers, InstrumentKind, Scoring};

fn answers(pairs: &[(&str, AnswerValue)]) -> Answers {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn all(def: &InstrumentDef, value: f64) -> Answers {
    def.items.iter().map(|i| (i.key.clone(), AnswerValue::Number(value))).collect()
}

#[test]
fn every_builtin_parses_and_validates() {
    assert_eq!(builtins().len(), CATALOGUE_FILES.len());
    for (def, (name, _)) in builtins().iter().zip(CATALOGUE_FILES) {
        assert_eq!(&def.key, name, "file name and key agree");
        def.validate().unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(def.built_in && def.active && def.version == 1);
    }
}

#[test]
fn the_keys_others_rely_on_are_there() {
    for key in [
        "barc-10",
        "who-5",
        "cssrs-screen",
        "housing-stability",
        "employment-education",
        "justice-involvement",
        "use-days-30",
        "basic-needs",
        "social-connectedness",
        "isolation",
        "hope-self-efficacy",
        "goal-achievement",
        "reengagement-days",
        "community-participation",
    ] {
        assert!(builtin(key).is_some(), "{key}");
    }
    for key in ["goal-achievement", "reengagement-days", "community-participation"] {
        let def = builtin(key).unwrap();
        assert_eq!(def.kind, InstrumentKind::Derived);
        assert!(!def.can_be_entered());
        assert!(def.computed_from.is_some());
    }
    assert!(!builtin("cssrs-screen").unwrap().can_be_entered());
    assert!(builtin("who-5").unwrap().can_be_entered());
}

#[test]
fn barc_10_runs_from_10_to_60_with_one_cut_off_at_47() {
    let barc = builtin("barc-10").unwrap();
    assert_eq!(barc.items.len(), 10);
    assert_eq!(barc.score(&all(barc, 1.0)).unwrap().score, 10.0);
    assert_eq!(barc.score(&all(barc, 6.0)).unwrap().score, 60.0);
    let mut a = all(barc, 5.0); // 50
    a.insert("q1".into(), AnswerValue::Number(1.0)); // 46
    let below = barc.score(&a).unwrap();
    assert_eq!(below.score, 46.0);
    assert!(below.interpretation.unwrap().starts_with("Below 47"));
    a.insert("q1".into(), AnswerValue::Number(2.0)); // 47
    let at = barc.score(&a).unwrap();
    assert_eq!(at.score, 47.0);
    assert!(at.interpretation.unwrap().starts_with("At or above 47"));
    assert_eq!(barc.meets_cut_off(47.0), Some(true));
    assert_eq!(barc.meets_cut_off(46.0), Some(false));
    assert_eq!(barc.interpretation.len(), 2, "no invented bands");
}

#[test]
fn who_5_multiplies_by_four_and_flags_50_or_below_gently() {
    let who = builtin("who-5").unwrap();
    assert_eq!(who.score(&all(who, 0.0)).unwrap().score, 0.0);
    assert_eq!(who.score(&all(who, 5.0)).unwrap().score, 100.0);
    let mut a = all(who, 2.0); // raw 10 → 40
    a.insert("q1".into(), AnswerValue::Number(5.0)); // raw 13 → 52
    let above = who.score(&a).unwrap();
    assert_eq!(above.score, 52.0);
    assert!(above.interpretation.unwrap().starts_with("Above 50"));
    a.insert("q1".into(), AnswerValue::Number(4.0)); // raw 12 → 48: the nearest score at or below 50
    let at = who.score(&a).unwrap();
    assert_eq!(at.score, 48.0);
    let text = at.interpretation.unwrap();
    assert!(text.starts_with("50 or below") && text.contains("doctor or clinician"), "{text}");
    // Raw sums step by 4, so 50 itself cannot be scored, but the rule includes it.
    assert!(who.interpret(50.0).unwrap().starts_with("50 or below"));
    assert!(who.interpret(52.0).unwrap().starts_with("Above 50"));
    assert_eq!(who.meaningful_change, Some(10.0));
    assert!(who.source.as_deref().unwrap().contains("Topp"));
    assert!(who.licence.as_deref().unwrap().contains("marked"));
}

#[test]
fn answers_out_of_range_missing_or_of_the_wrong_type_are_refused_by_item() {
    let barc = builtin("barc-10").unwrap();
    let mut a = all(barc, 3.0);
    a.insert("q2".into(), AnswerValue::Number(7.0));
    a.insert("q3".into(), AnswerValue::Text("lots".into()));
    a.insert("q4".into(), AnswerValue::Number(0.0));
    a.remove("q5");
    a.insert("q6".into(), AnswerValue::Text("  ".into()));
    a.insert("q99".into(), AnswerValue::Number(1.0));
    let e = barc.score(&a).unwrap_err();
    let id = |f: &str| e.for_field(f).map(|x| x.message_id);
    assert_eq!(id("answers.q2"), Some("instruments-error-not-on-scale"));
    assert_eq!(id("answers.q3"), Some("instruments-error-not-a-number"));
    assert_eq!(id("answers.q4"), Some("instruments-error-not-on-scale"));
    assert_eq!(id("answers.q5"), Some("error-required"));
    assert_eq!(id("answers.q6"), Some("error-required"));
    assert_eq!(id("answers.q99"), Some("instruments-error-unknown-item"));
    assert_eq!(id("answers.q1"), None);
    // A form sends numbers as text: that is fine.
    let text: Answers = barc.items.iter().map(|i| (i.key.clone(), AnswerValue::Text("4".into()))).collect();
    assert_eq!(barc.score(&text).unwrap().score, 40.0);
}

#[test]
fn the_columbia_screener_scores_through_the_risk_rule() {
    let c = builtin("cssrs-screen").unwrap();
    assert!(matches!(c.scoring, Scoring::CssrsScreen));
    let yes = || AnswerValue::Text("yes".into());
    let no = || AnswerValue::Text("no".into());
    let none = answers(&[("q1_wish_dead", no()), ("q2_suicidal_thoughts", no()), ("q6_behaviour", no())]);
    assert_eq!(c.score(&none).unwrap().score, 0.0);
    let low = answers(&[("q1_wish_dead", yes()), ("q2_suicidal_thoughts", no()), ("q6_behaviour", no())]);
    assert_eq!(c.score(&low).unwrap().score, 1.0);
    let moderate = answers(&[
        ("q1_wish_dead", yes()),
        ("q2_suicidal_thoughts", yes()),
        ("q3_method", yes()),
        ("q4_intent", no()),
        ("q5_plan", no()),
        ("q6_behaviour", no()),
    ]);
    let scored = c.score(&moderate).unwrap();
    assert_eq!(scored.score, 2.0);
    assert!(scored.interpretation.unwrap().starts_with("Moderate"));
    let high = answers(&[
        ("q1_wish_dead", no()),
        ("q2_suicidal_thoughts", no()),
        ("q6_behaviour", yes()),
        ("q6_past_three_months", yes()),
    ]);
    assert_eq!(c.score(&high).unwrap().score, 3.0);
    // Skip logic comes from the same rule: yes to q2 needs q3–q5.
    let incomplete = answers(&[("q1_wish_dead", yes()), ("q2_suicidal_thoughts", yes()), ("q6_behaviour", no())]);
    let e = c.score(&incomplete).unwrap_err();
    assert_eq!(e.for_field("answers.q3_method").map(|x| x.message_id), Some("error-required"));
}

#[test]
fn indicators_score_as_documented() {
    let n = |v: f64| AnswerValue::Number(v);
    let t = |s: &str| AnswerValue::Text(s.into());
    let h = builtin("housing-stability").unwrap();
    assert_eq!(h.score(&answers(&[("living_now", t("own-or-rent")), ("can_stay", n(3.0))])).unwrap().score, 6.0);
    assert_eq!(h.score(&answers(&[("living_now", t("shelter-or-none")), ("can_stay", n(0.0))])).unwrap().score, 0.0);
    let e = h.score(&answers(&[("living_now", t("castle")), ("can_stay", n(0.0))])).unwrap_err();
    assert_eq!(e.for_field("answers.living_now").unwrap().message_id, "error-unknown-choice");
    let w = builtin("employment-education").unwrap();
    assert_eq!(w.score(&answers(&[("work", t("none")), ("study", t("full-time"))])).unwrap().score, 3.0);
    assert_eq!(w.score(&answers(&[("work", t("casual")), ("study", t("none"))])).unwrap().score, 1.0);
    let j = builtin("justice-involvement").unwrap();
    let jail = answers(&[("arrested", t("yes")), ("court", t("no")), ("custody_nights", n(12.0))]);
    assert_eq!(j.score(&jail).unwrap().score, 2.0);
    let u = builtin("use-days-30").unwrap();
    assert_eq!(u.score(&answers(&[("days", n(0.0))])).unwrap().score, 0.0);
    assert_eq!(u.score(&answers(&[("days", n(30.0))])).unwrap().score, 30.0);
    let e = u.score(&answers(&[("days", n(31.0))])).unwrap_err();
    assert_eq!(e.for_field("answers.days").unwrap().message_id, "instruments-error-out-of-range");
    let e = u.score(&answers(&[("days", n(2.5))])).unwrap_err();
    assert_eq!(e.for_field("answers.days").unwrap().message_id, "instruments-error-whole-number");
    let b = builtin("basic-needs").unwrap();
    let e = b.score(&all(b, 2.0)).unwrap_err();
    assert_eq!(e.for_field("answers.food").unwrap().message_id, "instruments-error-yes-no");
    assert_eq!(b.score(&all(b, 1.0)).unwrap().score, 5.0);
    let hope = builtin("hope-self-efficacy").unwrap();
    let mixed = answers(&[("better", n(5.0)), ("goals", n(4.0)), ("handle", n(2.0)), ("way_through", n(3.0))]);
    assert_eq!(hope.score(&mixed).unwrap().score, 3.5);
    let derived = builtin("goal-achievement").unwrap();
    assert_eq!(derived.score(&Answers::new()).unwrap_err().0[0].message_id, "instruments-error-derived");
}

mod boundaries {
    use super::*;
    use proptest::prelude::*;

    /// Any answer on each item's scale, for an enterable built-in.
    fn on_scale(def: &'static InstrumentDef) -> impl Strategy<Value = Answers> {
        let per_item: Vec<BoxedStrategy<(String, AnswerValue)>> = def
            .items
            .iter()
            .map(|item| {
                let key = item.key.clone();
                let values: Vec<AnswerValue> = match &item.scale {
                    crate::domain::instruments::AnswerScale::Points { points } => {
                        points.iter().map(|p| AnswerValue::Number(p.value)).collect()
                    }
                    crate::domain::instruments::AnswerScale::YesNo => {
                        vec![AnswerValue::Text("yes".into()), AnswerValue::Text("no".into())]
                    }
                    crate::domain::instruments::AnswerScale::Count { min, max, .. } => {
                        (*min..=*max).map(|v| AnswerValue::Number(f64::from(v))).collect()
                    }
                    crate::domain::instruments::AnswerScale::Choice { options } => {
                        options.iter().map(|o| AnswerValue::Text(o.code.clone())).collect()
                    }
                };
                proptest::sample::select(values).prop_map(move |v| (key.clone(), v)).boxed()
            })
            .collect();
        per_item.prop_map(|pairs| pairs.into_iter().collect())
    }

    fn scoreable() -> Vec<&'static InstrumentDef> {
        builtins().iter().filter(|d| d.can_be_entered()).collect()
    }

    proptest! {
        #[test]
        fn every_enterable_builtin_scores_inside_its_range(
            (def, a) in proptest::sample::select(scoreable()).prop_flat_map(|d| (Just(d), on_scale(d)))
        ) {
            let scored = def.score(&a).unwrap();
            prop_assert!(scored.score >= def.score_min && scored.score <= def.score_max, "{} {}", def.key, scored.score);
            if !def.interpretation.is_empty() {
                prop_assert!(scored.interpretation.is_some());
            }
        }

        #[test]
        fn barc_10_is_the_plain_sum(values in proptest::collection::vec(1u8..=6, 10)) {
            let barc = builtin("barc-10").unwrap();
            let a: Answers = values.iter().enumerate()
                .map(|(i, v)| (format!("q{}", i + 1), AnswerValue::Number(f64::from(*v)))).collect();
            let total: u32 = values.iter().map(|v| u32::from(*v)).sum();
            let scored = barc.score(&a).unwrap();
            prop_assert_eq!(scored.score, f64::from(total));
            prop_assert_eq!(scored.interpretation.unwrap().starts_with("At or above"), total >= 47);
        }

        #[test]
        fn who_5_is_four_times_the_raw_sum(values in proptest::collection::vec(0u8..=5, 5)) {
            let who = builtin("who-5").unwrap();
            let a: Answers = values.iter().enumerate()
                .map(|(i, v)| (format!("q{}", i + 1), AnswerValue::Number(f64::from(*v)))).collect();
            let raw: u32 = values.iter().map(|v| u32::from(*v)).sum();
            let scored = who.score(&a).unwrap();
            prop_assert_eq!(scored.score, f64::from(raw * 4));
            prop_assert_eq!(scored.interpretation.unwrap().starts_with("50 or below"), raw * 4 <= 50);
        }

        #[test]
        fn an_answer_off_the_scale_is_refused_on_that_item(item in 1usize..=10, bad in prop_oneof![-100i32..=0, 7i32..100]) {
            let barc = builtin("barc-10").unwrap();
            let mut a = all(barc, 3.0);
            a.insert(format!("q{item}"), AnswerValue::Number(f64::from(bad)));
            let e = barc.score(&a).unwrap_err();
            prop_assert_eq!(e.0.len(), 1);
            prop_assert_eq!(e.0[0].field.clone(), format!("answers.q{item}"));
        }
    }
}
