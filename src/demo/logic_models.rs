//! Demo logic models: one per demo program, citing a (fictional) county needs assessment, with
//! inputs, activities, counted outputs, outcomes with targets on the built-in measures, and impact.
//! The groups program's model is left incomplete on purpose (no long-term impact, outcomes in one
//! area only) so `/logic-models` shows what a gap looks like.

use super::OutcomesDemo;
use crate::db;
use crate::domain::logic_models::{
    Activity, EvidenceKind, Impact, ImpactLevel, Input, InputKind, ModelDoc, Need, Outcome, OutputKind, OutputPlan,
};
use crate::domain::outcomes::{OutcomeArea, Target, TargetKind};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

const ASSESSMENT: &str = "Harbour County Community Health Needs Assessment";

fn need(text: &str, kind: EvidenceKind, title: &str, date: &str, link: Option<&str>) -> Need {
    Need {
        text: text.into(),
        evidence_kind: Some(kind),
        evidence_title: Some(title.into()),
        evidence_date: Some(date.into()),
        evidence_link: link.map(str::to_string),
    }
}

fn input(kind: InputKind, text: &str) -> Input {
    Input { kind, text: text.into() }
}

fn activity(text: &str) -> Activity {
    Activity { text: text.into() }
}

fn output(kind: OutputKind, planned: Option<f64>) -> OutputPlan {
    OutputPlan { kind, planned }
}

fn outcome(statement: &str, area: OutcomeArea, key: &str, target: Target, timeframe: &str) -> Outcome {
    Outcome {
        id: None,
        statement: statement.into(),
        area,
        instrument_key: Some(key.into()),
        target: Some(target),
        timeframe: Some(timeframe.into()),
    }
}

fn reach(value: f64, share: f64) -> Target {
    Target { kind: TargetKind::ReachThreshold, value, share: Some(share) }
}

fn improve(value: f64, share: f64) -> Target {
    Target { kind: TargetKind::ImproveBy, value, share: Some(share) }
}

fn mean(value: f64) -> Target {
    Target { kind: TargetKind::MeanChange, value, share: None }
}

/// Planned people served for a program: about the people enrolled in it, rounded to tens.
fn planned_people(demo: &OutcomesDemo<'_>, program: usize, rng: &mut ChaCha8Rng) -> f64 {
    let enrolled = demo.members.iter().filter(|m| m.program == program).count() as f64;
    let aim = enrolled * rng.gen_range(1.05..1.25);
    ((aim / 10.0).round() * 10.0).max(10.0)
}

fn coaching(demo: &OutcomesDemo<'_>, rng: &mut ChaCha8Rng) -> ModelDoc {
    let people = planned_people(demo, 0, rng);
    ModelDoc {
        needs: vec![
            need(
                "Adults leaving treatment or jail have few people in recovery to walk alongside them; most relapses happen in the first 90 days.",
                EvidenceKind::NeedsAssessment,
                ASSESSMENT,
                "2025",
                Some("https://health.harbourcounty.example/chna-2025"),
            ),
            need(
                "Overdose deaths in the county rose for three years running.",
                EvidenceKind::LocalData,
                "Harbour County overdose surveillance report",
                "2025-06",
                None,
            ),
            need(
                "Peer recovery support is linked with better engagement and fewer returns to use.",
                EvidenceKind::Research,
                "Systematic review of peer recovery support services",
                "2016",
                Some("Eddie et al., Frontiers in Psychology"),
            ),
        ],
        inputs: vec![
            input(InputKind::Human, "Certified peer recovery coaches with lived experience, and a supervisor"),
            input(InputKind::Financial, "County opioid settlement grant and a state recovery support contract"),
            input(InputKind::Organisational, "Recovery centre, case records, supervision and training"),
            input(
                InputKind::Community,
                "Treatment providers, recovery residences, mutual-aid groups and the jail reentry team",
            ),
        ],
        activities: vec![
            activity("One-to-one coaching in person, by phone, video and text"),
            activity("Recovery planning built on the person's own goals"),
            activity("Warm hand-offs to housing, work, health care and mutual aid"),
            activity("Outreach after a missed contact or a lapse"),
        ],
        outputs: vec![
            output(OutputKind::PeopleServed, Some(people)),
            output(OutputKind::Contacts, Some((people * 20.0).round())),
            output(OutputKind::ContactHours, None),
            output(OutputKind::ReferralsMade, None),
            output(OutputKind::ReferralsConnected, None),
        ],
        outcomes: vec![
            outcome(
                "People build recovery capital",
                OutcomeArea::QualityOfLife,
                "barc-10",
                reach(47.0, 50.0),
                "Within 6 months of starting",
            ),
            outcome(
                "People feel better day to day",
                OutcomeArea::QualityOfLife,
                "who-5",
                improve(10.0, 50.0),
                "Within 6 months of starting",
            ),
            outcome(
                "People use substances on fewer days",
                OutcomeArea::HealthWelfareSafety,
                "use-days-30",
                mean(4.0),
                "Between first and latest check-in",
            ),
            outcome(
                "People have a stable place to live",
                OutcomeArea::PermanencyOfLifeSituation,
                "housing-stability",
                reach(4.0, 60.0),
                "By discharge",
            ),
            outcome(
                "People achieve the goals they set",
                OutcomeArea::GoalAchievement,
                "goal-achievement",
                reach(50.0, 50.0),
                "By discharge",
            ),
        ],
        impacts: vec![
            Impact {
                level: ImpactLevel::Community,
                text: "Fewer overdose deaths and returns to jail in the county".into(),
            },
            Impact {
                level: ImpactLevel::System,
                text: "Peer support is a standard part of every treatment discharge".into(),
            },
        ],
    }
}

fn family(demo: &OutcomesDemo<'_>, rng: &mut ChaCha8Rng) -> ModelDoc {
    let people = planned_people(demo, 1, rng);
    ModelDoc {
        needs: vec![
            need(
                "Families of people with substance use problems report isolation and nowhere to turn.",
                EvidenceKind::NeedsAssessment,
                ASSESSMENT,
                "2025",
                Some("https://health.harbourcounty.example/chna-2025"),
            ),
            need(
                "Family members asked for evening support they can reach by phone.",
                EvidenceKind::ParticipantFeedback,
                "Family listening sessions",
                "2024",
                None,
            ),
        ],
        inputs: vec![
            input(InputKind::Human, "Family recovery coaches who have supported a loved one"),
            input(InputKind::Financial, "Community foundation grant"),
            input(InputKind::Organisational, "Evening phone line and meeting rooms"),
            input(InputKind::Community, "Family support groups and school counsellors"),
        ],
        activities: vec![
            activity("Coaching for family members and chosen family"),
            activity("Connecting families with support groups and services"),
        ],
        outputs: vec![
            output(OutputKind::PeopleServed, Some(people)),
            output(OutputKind::Contacts, Some((people * 10.0).round())),
            output(OutputKind::ReferralsMade, None),
        ],
        outcomes: vec![
            outcome(
                "Family members feel less alone",
                OutcomeArea::QualityOfLife,
                "social-connectedness",
                improve(2.0, 50.0),
                "Within 3 months",
            ),
            outcome(
                "Family members' well-being improves",
                OutcomeArea::HealthWelfareSafety,
                "who-5",
                reach(52.0, 50.0),
                "Within 3 months",
            ),
        ],
        impacts: vec![Impact {
            level: ImpactLevel::Community,
            text: "Families stay together and support recovery at home".into(),
        }],
    }
}

/// Left incomplete on purpose: no long-term impact and outcomes in one area only.
fn groups() -> ModelDoc {
    ModelDoc {
        needs: vec![need(
            "People new to recovery have few recovery-oriented groups outside 12-step meetings.",
            EvidenceKind::NeedsAssessment,
            ASSESSMENT,
            "2025",
            None,
        )],
        inputs: vec![input(InputKind::Human, "Trained group facilitators with lived experience")],
        activities: vec![activity("Weekly recovery education and mutual support groups")],
        outputs: vec![
            output(OutputKind::GroupSessions, Some(200.0)),
            output(OutputKind::GroupAttendances, None),
            output(OutputKind::GroupHours, None),
        ],
        outcomes: vec![outcome(
            "Group members build recovery capital",
            OutcomeArea::QualityOfLife,
            "barc-10",
            improve(5.0, 50.0),
            "After 12 sessions",
        )],
        impacts: Vec::new(),
    }
}

fn information_line() -> ModelDoc {
    ModelDoc {
        needs: vec![need(
            "Callers do not know where to find treatment, housing or food help.",
            EvidenceKind::LocalData,
            "211 call data for Harbour County",
            "2025",
            None,
        )],
        inputs: vec![
            input(InputKind::Human, "Information and referral specialists"),
            input(InputKind::Organisational, "Resource directory kept up to date"),
        ],
        activities: vec![activity("Phone, text and walk-in information and referral")],
        outputs: vec![output(OutputKind::InfoContacts, Some(1500.0)), output(OutputKind::ReferralsMade, None)],
        outcomes: vec![outcome(
            "Callers get their basic needs met",
            OutcomeArea::HealthWelfareSafety,
            "basic-needs",
            reach(4.0, 50.0),
            "At follow-up",
        )],
        impacts: vec![Impact {
            level: ImpactLevel::System,
            text: "People reach the right service the first time".into(),
        }],
    }
}

pub(super) async fn insert(txn: &db::WriteTxn, rng: &mut ChaCha8Rng, demo: &OutcomesDemo<'_>) -> anyhow::Result<()> {
    let docs = [coaching(demo, rng), family(demo, rng), groups(), information_line()];
    for (program_id, doc) in demo.programs.iter().zip(docs) {
        let mut next_id = || super::uuid(rng);
        crate::outcomes::logic_models::insert_demo(
            txn,
            demo.org_id,
            *program_id,
            &doc,
            demo.team.director,
            demo.now,
            &mut next_id,
        )
        .await?;
    }
    Ok(())
}
