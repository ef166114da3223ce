//! A program's logic model (CSE 1.01, 1.02) as pure rules: its six parts, what a well-formed model
//! holds, and the checks that mirror the rating guide (every active program has a model with all six
//! parts and outcomes in at least two outcome areas, each linked to a measure with a target;
//! information-and-referral-only programs are exempt from the outcome-area rule).

use crate::domain::outcomes::{OutcomeArea, Target, TargetKind};
use crate::domain::validation::FieldErrors;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Longest statement, need, input, activity or impact (characters).
pub const MAX_TEXT: usize = 500;
/// Longest evidence title, link or note, and timeframe.
pub const MAX_SHORT: usize = 200;
/// Most rows in one part.
pub const MAX_ROWS: usize = 40;

text_code!(
    /// The six parts of a logic model, in the order the classic layout reads them.
    Part {
        Needs => "needs",
        Inputs => "inputs",
        Activities => "activities",
        Outputs => "outputs",
        Outcomes => "outcomes",
        Impact => "impact",
    }
);

text_code!(
    /// What a need's evidence is.
    EvidenceKind {
        NeedsAssessment => "needs-assessment",
        Research => "research",
        LocalData => "local-data",
        ParticipantFeedback => "participant-feedback",
        Other => "other",
    }
);

text_code!(
    /// The four kinds of input 1.01 names: staff, money, organisation, community.
    InputKind { Human => "human", Financial => "financial", Organisational => "organisational", Community => "community" }
);

text_code!(
    /// Where a long-term impact lands.
    ImpactLevel { Organisation => "organisation", Community => "community", System => "system" }
);

text_code!(
    /// The outputs a program can count, each computed live from records for a period.
    OutputKind {
        PeopleServed => "people-served",
        Contacts => "contacts",
        ContactHours => "contact-hours",
        GroupSessions => "group-sessions",
        GroupAttendances => "group-attendances",
        GroupHours => "group-hours",
        ReferralsMade => "referrals-made",
        ReferralsConnected => "referrals-connected",
        InfoContacts => "info-contacts",
    }
);

/// A need the program addresses, with the evidence it draws on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Need {
    pub text: String,
    #[serde(default)]
    pub evidence_kind: Option<EvidenceKind>,
    /// The source's title, e.g. "County community health needs assessment".
    #[serde(default)]
    pub evidence_title: Option<String>,
    /// Its date or year as written (e.g. "2025" or "2025-03").
    #[serde(default)]
    pub evidence_date: Option<String>,
    /// A link or a short note on where to find it.
    #[serde(default)]
    pub evidence_link: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Input {
    pub kind: InputKind,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Activity {
    pub text: String,
}

/// An output the program counts, with an optional planned figure for a year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OutputPlan {
    pub kind: OutputKind,
    #[serde(default)]
    pub planned: Option<f64>,
}

/// A desired outcome for people, linked to a measure (instrument or indicator key) with a target.
/// Measure and target may be left out while a model is drafted; the validity check names them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Outcome {
    /// Kept across saves so dashboards can refer to one outcome; absent for a new one.
    #[serde(default)]
    pub id: Option<Uuid>,
    pub statement: String,
    pub area: OutcomeArea,
    #[serde(default)]
    pub instrument_key: Option<String>,
    #[serde(default)]
    pub target: Option<Target>,
    /// E.g. "within 6 months of starting".
    #[serde(default)]
    pub timeframe: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Impact {
    pub level: ImpactLevel,
    pub text: String,
}

/// The whole of one program's logic model as it is edited and saved.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ModelDoc {
    #[serde(default)]
    pub needs: Vec<Need>,
    #[serde(default)]
    pub inputs: Vec<Input>,
    #[serde(default)]
    pub activities: Vec<Activity>,
    #[serde(default)]
    pub outputs: Vec<OutputPlan>,
    #[serde(default)]
    pub outcomes: Vec<Outcome>,
    #[serde(default)]
    pub impacts: Vec<Impact>,
}

impl ModelDoc {
    /// How many rows a part holds.
    pub fn count(&self, part: Part) -> usize {
        match part {
            Part::Needs => self.needs.len(),
            Part::Inputs => self.inputs.len(),
            Part::Activities => self.activities.len(),
            Part::Outputs => self.outputs.len(),
            Part::Outcomes => self.outcomes.len(),
            Part::Impact => self.impacts.len(),
        }
    }

    /// The distinct outcome areas, in `OutcomeArea::ALL` order.
    pub fn areas(&self) -> Vec<OutcomeArea> {
        OutcomeArea::ALL.iter().copied().filter(|a| self.outcomes.iter().any(|o| o.area == *a)).collect()
    }
}

/// What the rules need to know about a measure a target names.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasureInfo {
    pub key: String,
    pub name: String,
    /// Screeners and derived measures are judged on where people stand, so only reach-threshold targets fit.
    pub threshold_only: bool,
    pub score_min: f64,
    pub score_max: f64,
}

/// Checks a model before it is saved and returns it tidied (text trimmed, empty optionals dropped).
/// `measures` are the organisation's available (built-in and active) measures. Errors are keyed by
/// part and row, e.g. `outcomes.1.target_value`.
pub fn validate(doc: ModelDoc, measures: &[MeasureInfo]) -> Result<ModelDoc, FieldErrors> {
    let mut errors = FieldErrors::new();
    for part in Part::ALL {
        if doc.count(*part) > MAX_ROWS {
            errors.add_with(part.code(), "logic-models-error-too-many", vec![("max", MAX_ROWS.to_string())]);
        }
    }
    let needs = doc
        .needs
        .iter()
        .enumerate()
        .map(|(i, n)| Need {
            text: errors.required(&format!("needs.{i}.text"), &n.text, MAX_TEXT),
            evidence_kind: n.evidence_kind,
            evidence_title: errors.optional(
                &format!("needs.{i}.evidence_title"),
                n.evidence_title.as_deref(),
                MAX_SHORT,
            ),
            evidence_date: errors.optional(&format!("needs.{i}.evidence_date"), n.evidence_date.as_deref(), 40),
            evidence_link: errors.optional(&format!("needs.{i}.evidence_link"), n.evidence_link.as_deref(), MAX_SHORT),
        })
        .collect::<Vec<_>>();
    for (i, n) in needs.iter().enumerate() {
        if n.evidence_kind.is_some() && n.evidence_title.is_none() {
            errors.add(&format!("needs.{i}.evidence_title"), "logic-models-error-evidence-title");
        }
        if n.evidence_kind.is_none() && (n.evidence_title.is_some() || n.evidence_link.is_some()) {
            errors.add(&format!("needs.{i}.evidence_kind"), "logic-models-error-evidence-kind");
        }
    }
    let inputs = doc
        .inputs
        .iter()
        .enumerate()
        .map(|(i, x)| Input { kind: x.kind, text: errors.required(&format!("inputs.{i}.text"), &x.text, MAX_TEXT) })
        .collect();
    let activities = doc
        .activities
        .iter()
        .enumerate()
        .map(|(i, x)| Activity { text: errors.required(&format!("activities.{i}.text"), &x.text, MAX_TEXT) })
        .collect();
    let mut outputs: Vec<OutputPlan> = Vec::new();
    for (i, o) in doc.outputs.iter().enumerate() {
        if outputs.iter().any(|x| x.kind == o.kind) {
            errors.add(&format!("outputs.{i}.kind"), "logic-models-error-output-twice");
            continue;
        }
        if let Some(p) = o.planned
            && (!p.is_finite() || !(0.0..=10_000_000.0).contains(&p))
        {
            errors.add(&format!("outputs.{i}.planned"), "logic-models-error-planned");
        }
        outputs.push(o.clone());
    }
    let mut outcomes = Vec::new();
    for (i, o) in doc.outcomes.iter().enumerate() {
        let statement = errors.required(&format!("outcomes.{i}.statement"), &o.statement, MAX_TEXT);
        let timeframe = errors.optional(&format!("outcomes.{i}.timeframe"), o.timeframe.as_deref(), MAX_SHORT);
        let key = o.instrument_key.as_deref().map(str::trim).filter(|k| !k.is_empty()).map(str::to_string);
        let measure = key.as_deref().and_then(|k| measures.iter().find(|m| m.key == k));
        if let Some(k) = &key
            && measure.is_none()
        {
            errors.add_with(
                &format!("outcomes.{i}.instrument_key"),
                "logic-models-error-unknown-measure",
                vec![("key", k.clone())],
            );
        }
        if let Some(target) = &o.target {
            if key.is_none() {
                errors.add(&format!("outcomes.{i}.instrument_key"), "logic-models-error-target-needs-measure");
            }
            check_target(&mut errors, i, target, measure);
        }
        outcomes.push(Outcome { id: o.id, statement, area: o.area, instrument_key: key, target: o.target, timeframe });
    }
    let impacts = doc
        .impacts
        .iter()
        .enumerate()
        .map(|(i, x)| Impact { level: x.level, text: errors.required(&format!("impacts.{i}.text"), &x.text, MAX_TEXT) })
        .collect();
    errors.finish(ModelDoc { needs, inputs, activities, outputs, outcomes, impacts })
}

fn check_target(errors: &mut FieldErrors, i: usize, target: &Target, measure: Option<&MeasureInfo>) {
    let field = |name: &str| format!("outcomes.{i}.{name}");
    if !target.value.is_finite() {
        errors.add(&field("target_value"), "logic-models-error-number");
        return;
    }
    match (target.kind, target.share) {
        (TargetKind::MeanChange, _) => {}
        (_, None) => errors.add(&field("target_share"), "logic-models-error-share-required"),
        (_, Some(share)) if !share.is_finite() || !(0.0..=100.0).contains(&share) => {
            errors.add(&field("target_share"), "logic-models-error-share-range")
        }
        _ => {}
    }
    let Some(m) = measure else { return };
    if m.threshold_only && target.kind != TargetKind::ReachThreshold {
        errors.add_with(&field("target_kind"), "logic-models-error-threshold-only", vec![("measure", m.name.clone())]);
        return;
    }
    let range = m.score_max - m.score_min;
    let (ok, min, max) = match target.kind {
        TargetKind::ReachThreshold => ((m.score_min..=m.score_max).contains(&target.value), m.score_min, m.score_max),
        // A change must be a real move the right way, and no bigger than the whole scale.
        TargetKind::ImproveBy | TargetKind::MeanChange => (target.value > 0.0 && target.value <= range, 0.0, range),
    };
    if !ok {
        errors.add_with(
            &field("target_value"),
            "logic-models-error-value-range",
            vec![("measure", m.name.clone()), ("min", trim_number(min)), ("max", trim_number(max))],
        );
    }
}

/// A number as people write it: no trailing ".0".
pub fn trim_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n:.1}") }
}

/// What the validity check knows about one program.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgramFacts {
    pub active: bool,
    pub serves_individuals: bool,
    pub serves_groups: bool,
    pub serves_referral: bool,
    /// None when the program has no logic model.
    pub model: Option<ModelDoc>,
    /// The keys of the organisation's available measures.
    pub measure_keys: Vec<String>,
}

impl ProgramFacts {
    /// Information and referral only: NA for the outcome-area rule (CSE 1.02).
    pub fn referral_only(&self) -> bool {
        self.serves_referral && !self.serves_individuals && !self.serves_groups
    }
}

/// One thing missing from a program's model, as a message id with its values.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Gap {
    /// A stable code, e.g. `missing-part`.
    pub code: &'static str,
    /// The part concerned, if one.
    pub part: Option<Part>,
    #[serde(skip)]
    pub message_id: &'static str,
    #[serde(skip)]
    pub args: Vec<(&'static str, String)>,
}

impl Gap {
    fn new(code: &'static str, part: Option<Part>, message_id: &'static str, args: Vec<(&'static str, String)>) -> Gap {
        Gap { code, part, message_id, args }
    }
}

/// Where a program stands against the rating guide's checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    /// All checks pass.
    Complete,
    /// A model exists but something is missing.
    Incomplete,
    /// No model at all.
    Missing,
    /// The program is not active, so it is not checked.
    Inactive,
}

impl Standing {
    pub fn message_id(self) -> &'static str {
        match self {
            Standing::Complete => "logic-models-standing-complete",
            Standing::Incomplete => "logic-models-standing-incomplete",
            Standing::Missing => "logic-models-standing-missing",
            Standing::Inactive => "logic-models-standing-inactive",
        }
    }
}

/// The checks mirroring the rating guide, in reading order. Inactive programs are not checked.
pub fn check(facts: &ProgramFacts) -> (Standing, Vec<Gap>) {
    if !facts.active {
        return (Standing::Inactive, Vec::new());
    }
    let Some(model) = &facts.model else {
        return (Standing::Missing, vec![Gap::new("no-model", None, "logic-models-gap-no-model", Vec::new())]);
    };
    let mut gaps = Vec::new();
    for part in Part::ALL {
        if model.count(*part) == 0 {
            gaps.push(Gap::new(
                "missing-part",
                Some(*part),
                "logic-models-gap-missing-part",
                vec![("part", part.code().to_string())],
            ));
        }
    }
    let areas = model.areas().len();
    if areas < 2 && !facts.referral_only() {
        gaps.push(Gap::new(
            "too-few-areas",
            Some(Part::Outcomes),
            "logic-models-gap-too-few-areas",
            vec![("found", areas.to_string())],
        ));
    }
    for o in &model.outcomes {
        let statement = ("statement", o.statement.clone());
        match &o.instrument_key {
            None => {
                gaps.push(Gap::new("no-measure", Some(Part::Outcomes), "logic-models-gap-no-measure", vec![statement]))
            }
            Some(key) if !facts.measure_keys.iter().any(|k| k == key) => gaps.push(Gap::new(
                "measure-gone",
                Some(Part::Outcomes),
                "logic-models-gap-measure-gone",
                vec![statement, ("key", key.clone())],
            )),
            Some(_) if o.target.is_none() => {
                gaps.push(Gap::new("no-target", Some(Part::Outcomes), "logic-models-gap-no-target", vec![statement]))
            }
            Some(_) => {}
        }
    }
    let standing = if gaps.is_empty() { Standing::Complete } else { Standing::Incomplete };
    (standing, gaps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measures() -> Vec<MeasureInfo> {
        vec![
            MeasureInfo {
                key: "barc-10".into(),
                name: "BARC-10".into(),
                threshold_only: false,
                score_min: 10.0,
                score_max: 60.0,
            },
            MeasureInfo {
                key: "cssrs-screen".into(),
                name: "Columbia".into(),
                threshold_only: true,
                score_min: 0.0,
                score_max: 3.0,
            },
            MeasureInfo {
                key: "who-5".into(),
                name: "WHO-5".into(),
                threshold_only: false,
                score_min: 0.0,
                score_max: 100.0,
            },
        ]
    }

    fn outcome(area: OutcomeArea, key: &str, target: Option<Target>) -> Outcome {
        Outcome {
            id: None,
            statement: format!("People improve on {key}"),
            area,
            instrument_key: Some(key.to_string()),
            target,
            timeframe: None,
        }
    }

    fn reach(value: f64, share: f64) -> Option<Target> {
        Some(Target { kind: TargetKind::ReachThreshold, value, share: Some(share) })
    }

    fn full_model() -> ModelDoc {
        ModelDoc {
            needs: vec![Need { text: "Few recovery supports in the county".into(), ..Default::default() }],
            inputs: vec![Input { kind: InputKind::Human, text: "Four peer coaches".into() }],
            activities: vec![Activity { text: "Weekly coaching".into() }],
            outputs: vec![OutputPlan { kind: OutputKind::PeopleServed, planned: Some(120.0) }],
            outcomes: vec![
                outcome(OutcomeArea::FunctionalStatus, "barc-10", reach(47.0, 60.0)),
                outcome(OutcomeArea::QualityOfLife, "who-5", reach(52.0, 50.0)),
            ],
            impacts: vec![Impact { level: ImpactLevel::Community, text: "Fewer overdoses".into() }],
        }
    }

    fn facts(model: Option<ModelDoc>) -> ProgramFacts {
        ProgramFacts {
            active: true,
            serves_individuals: true,
            serves_groups: false,
            serves_referral: false,
            model,
            measure_keys: measures().into_iter().map(|m| m.key).collect(),
        }
    }

    fn codes(f: &ProgramFacts) -> Vec<&'static str> {
        check(f).1.iter().map(|g| g.code).collect()
    }

    #[test]
    fn a_model_with_all_six_parts_and_two_areas_is_complete() {
        assert_eq!(check(&facts(Some(full_model()))), (Standing::Complete, Vec::new()));
    }

    #[test]
    fn an_active_program_without_a_model_is_missing_and_an_inactive_one_is_not_checked() {
        assert_eq!(check(&facts(None)).0, Standing::Missing);
        assert_eq!(codes(&facts(None)), ["no-model"]);
        let inactive = ProgramFacts { active: false, ..facts(None) };
        assert_eq!(check(&inactive), (Standing::Inactive, Vec::new()));
    }

    #[test]
    fn each_missing_part_is_named() {
        let mut model = full_model();
        model.activities.clear();
        model.outputs.clear();
        model.impacts.clear();
        let (standing, gaps) = check(&facts(Some(model)));
        assert_eq!(standing, Standing::Incomplete);
        let parts: Vec<Option<Part>> = gaps.iter().map(|g| g.part).collect();
        assert_eq!(parts, [Some(Part::Activities), Some(Part::Outputs), Some(Part::Impact)]);
    }

    #[test]
    fn one_outcome_area_is_too_few_unless_the_program_is_information_and_referral_only() {
        let mut model = full_model();
        model.outcomes[1].area = OutcomeArea::FunctionalStatus;
        assert_eq!(codes(&facts(Some(model.clone()))), ["too-few-areas"]);
        let ir = ProgramFacts { serves_individuals: false, serves_referral: true, ..facts(Some(model.clone())) };
        assert!(ir.referral_only());
        assert_eq!(check(&ir).0, Standing::Complete);
        // Referral plus individual coaching is not I&R only: the rule applies.
        let mixed = ProgramFacts { serves_referral: true, ..facts(Some(model.clone())) };
        assert_eq!(codes(&mixed), ["too-few-areas"]);
        let with_groups = ProgramFacts {
            serves_individuals: false,
            serves_groups: true,
            serves_referral: true,
            ..facts(Some(model))
        };
        assert_eq!(codes(&with_groups), ["too-few-areas"]);
    }

    #[test]
    fn every_outcome_needs_an_existing_measure_and_a_target() {
        let mut model = full_model();
        model.outcomes.push(Outcome { instrument_key: None, ..outcome(OutcomeArea::Other, "x", None) });
        model.outcomes.push(outcome(OutcomeArea::Other, "retired-scale", reach(1.0, 50.0)));
        model.outcomes.push(outcome(OutcomeArea::Other, "who-5", None));
        let gaps = check(&facts(Some(model))).1;
        let codes: Vec<_> = gaps.iter().map(|g| g.code).collect();
        assert_eq!(codes, ["no-measure", "measure-gone", "no-target"]);
        assert!(gaps[1].args.contains(&("key", "retired-scale".to_string())));
    }

    #[test]
    fn a_complete_model_passes_validation_unchanged_apart_from_trimming() {
        let mut doc = full_model();
        doc.needs[0].text = "  Few recovery supports in the county ".into();
        doc.needs[0].evidence_title = Some("   ".into());
        let saved = validate(doc, &measures()).unwrap();
        assert_eq!(saved.needs[0].text, "Few recovery supports in the county");
        assert_eq!(saved.needs[0].evidence_title, None);
    }

    fn error_ids(doc: ModelDoc) -> Vec<(String, &'static str)> {
        validate(doc, &measures()).unwrap_err().0.into_iter().map(|e| (e.field, e.message_id)).collect()
    }

    #[test]
    fn a_target_on_an_unknown_measure_names_it() {
        let mut doc = full_model();
        doc.outcomes[0].instrument_key = Some("barc-11".into());
        let errors = validate(doc, &measures()).unwrap_err();
        let e = errors.for_field("outcomes.0.instrument_key").unwrap();
        assert_eq!(e.message_id, "logic-models-error-unknown-measure");
        assert_eq!(e.args, vec![("key", "barc-11".to_string())]);
    }

    #[test]
    fn shares_must_lie_between_0_and_100_and_values_within_the_scale() {
        let mut doc = full_model();
        doc.outcomes[0].target = reach(47.0, 120.0);
        doc.outcomes[1].target = reach(101.0, 50.0);
        assert_eq!(
            error_ids(doc),
            [
                ("outcomes.0.target_share".to_string(), "logic-models-error-share-range"),
                ("outcomes.1.target_value".to_string(), "logic-models-error-value-range"),
            ]
        );
        let mut doc = full_model();
        doc.outcomes[0].target = Some(Target { kind: TargetKind::ImproveBy, value: 51.0, share: Some(50.0) });
        doc.outcomes[1].target = Some(Target { kind: TargetKind::MeanChange, value: -5.0, share: None });
        let ids = error_ids(doc);
        assert_eq!(ids.len(), 2, "{ids:?}");
        assert!(ids.iter().all(|(_, id)| *id == "logic-models-error-value-range"));
        let mut doc = full_model();
        doc.outcomes[0].target = Some(Target { kind: TargetKind::ImproveBy, value: 5.0, share: None });
        assert_eq!(error_ids(doc), [("outcomes.0.target_share".to_string(), "logic-models-error-share-required")]);
    }

    #[test]
    fn a_screener_takes_only_a_reach_threshold_target() {
        let mut doc = full_model();
        doc.outcomes[0].instrument_key = Some("cssrs-screen".into());
        doc.outcomes[0].target = Some(Target { kind: TargetKind::MeanChange, value: 1.0, share: None });
        assert_eq!(
            error_ids(doc.clone()),
            [("outcomes.0.target_kind".to_string(), "logic-models-error-threshold-only")]
        );
        doc.outcomes[0].target = reach(0.0, 90.0);
        assert!(validate(doc, &measures()).is_ok());
    }

    #[test]
    fn empty_and_too_long_text_is_refused() {
        let mut doc = full_model();
        doc.activities[0].text = "   ".into();
        doc.outcomes[0].statement = "x".repeat(MAX_TEXT + 1);
        assert_eq!(
            error_ids(doc),
            [
                ("activities.0.text".to_string(), "error-required"),
                ("outcomes.0.statement".to_string(), "error-too-long"),
            ]
        );
    }

    #[test]
    fn an_output_counted_twice_or_a_negative_plan_is_refused() {
        let mut doc = full_model();
        doc.outputs.push(OutputPlan { kind: OutputKind::PeopleServed, planned: None });
        doc.outputs.push(OutputPlan { kind: OutputKind::Contacts, planned: Some(-1.0) });
        assert_eq!(
            error_ids(doc),
            [
                ("outputs.1.kind".to_string(), "logic-models-error-output-twice"),
                ("outputs.2.planned".to_string(), "logic-models-error-planned"),
            ]
        );
    }

    #[test]
    fn evidence_needs_a_kind_and_a_title_together() {
        let mut doc = full_model();
        doc.needs[0].evidence_kind = Some(EvidenceKind::NeedsAssessment);
        assert_eq!(
            error_ids(doc.clone()),
            [("needs.0.evidence_title".to_string(), "logic-models-error-evidence-title")]
        );
        doc.needs[0].evidence_kind = None;
        doc.needs[0].evidence_link = Some("https://example.org".into());
        assert_eq!(error_ids(doc), [("needs.0.evidence_kind".to_string(), "logic-models-error-evidence-kind")]);
    }
}
