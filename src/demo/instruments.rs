//! The demo organisation's own instrument: a local "Peer connection" scale scored by a formula, so
//! the instrument pages, the measures and the dashboards have an organisation-defined definition to show.

use super::OutcomesDemo;
use crate::db;
use crate::db::entities::instrument;
use crate::domain::instruments::{
    AnswerScale, InstrumentDef, InstrumentKind, InterpretationRule, ItemDef, ScalePoint, Scoring,
};
use crate::domain::outcomes::OutcomeArea;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ActiveValue, EntityTrait};
use std::collections::BTreeMap;

/// Key of the demo's own instrument.
pub const PEER_CONNECTION: &str = "peer-connection";

/// The demo's "Peer connection" definition (version 1).
pub fn peer_connection() -> InstrumentDef {
    let agree = AnswerScale::Points {
        points: ["Strongly disagree", "Disagree", "Not sure", "Agree", "Strongly agree"]
            .iter()
            .zip(1..)
            .map(|(label, value)| ScalePoint { value: f64::from(value), label: label.to_string() })
            .collect(),
    };
    let item = |key: &str, text: &str, es: &str, required: bool| ItemDef {
        key: key.into(),
        text: text.into(),
        translations: BTreeMap::from([("es".to_string(), es.to_string())]),
        required,
        scale: agree.clone(),
    };
    InstrumentDef {
        key: PEER_CONNECTION.into(),
        version: 1,
        name: "Peer connection".into(),
        kind: InstrumentKind::Scale,
        built_in: false,
        active: true,
        description: "Four statements about the person's connection with peers in recovery, written by the \
                      program team. The score is the mean agreement times 20, so it reads from 20 to 100."
            .into(),
        measures: "How connected the person feels with peers in recovery.".into(),
        outcome_area: OutcomeArea::QualityOfLife,
        higher_is_better: true,
        score_min: 20.0,
        score_max: 100.0,
        cut_off: None,
        meaningful_change: Some(10.0),
        items: vec![
            item(
                "someone_to_call",
                "I have someone in recovery I can call when things are hard.",
                "Tengo a alguien en recuperación a quien llamar cuando las cosas se ponen difíciles.",
                true,
            ),
            item(
                "belong",
                "I feel I belong with the people here.",
                "Siento que pertenezco con la gente de aquí.",
                true,
            ),
            item(
                "noticed",
                "Someone here would notice if I stopped coming.",
                "Alguien aquí notaría si dejara de venir.",
                true,
            ),
            item(
                "helped",
                "This month I helped another person with their recovery.",
                "Este mes ayudé a otra persona en su recuperación.",
                false,
            ),
        ],
        scoring: Scoring::Formula { expression: "mean(someone_to_call, belong, noticed, helped) * 20".into() },
        interpretation: vec![
            InterpretationRule { min: Some(80.0), max: None, text: "Strong connection with peers.".into() },
            InterpretationRule {
                min: None,
                max: None,
                text: "Room to grow: talk with the person about peer groups and activities they might join.".into(),
            },
        ],
        computed_from: None,
        source: Some("Written by the program team (demo).".into()),
        licence: Some("Ours to use and adapt.".into()),
        wording_altered: false,
        copied_from: None,
    }
}

pub(super) async fn insert(txn: &db::WriteTxn, rng: &mut ChaCha8Rng, demo: &OutcomesDemo<'_>) -> anyhow::Result<()> {
    let def = peer_connection();
    let now = demo.now;
    instrument::Entity::insert(instrument::ActiveModel {
        id: ActiveValue::Set(super::uuid(rng)),
        org_id: ActiveValue::Set(demo.org_id),
        key: ActiveValue::Set(def.key.clone()),
        instrument_version: ActiveValue::Set(1),
        name: ActiveValue::Set(def.name.clone()),
        kind: ActiveValue::Set(def.kind.code().into()),
        outcome_area: ActiveValue::Set(def.outcome_area.code().into()),
        active: ActiveValue::Set(true),
        definition: ActiveValue::Set(serde_json::to_string(&def)?),
        created_by: ActiveValue::Set(Some(demo.team.director)),
        version: ActiveValue::Set(1),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
    })
    .exec(&**txn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::instruments::{AnswerValue, Answers};

    #[test]
    fn the_demo_instrument_is_valid_and_scores_by_its_formula() {
        let def = peer_connection();
        def.validate().unwrap();
        let all = |v: f64| -> Answers { def.items.iter().map(|i| (i.key.clone(), AnswerValue::Number(v))).collect() };
        assert_eq!(def.score(&all(1.0)).unwrap().score, 20.0);
        assert_eq!(def.score(&all(5.0)).unwrap().score, 100.0);
        let mut skipped = all(4.0);
        skipped.remove("helped");
        assert_eq!(def.score(&skipped).unwrap().score, 80.0);
    }
}
