//! The demo organisation's outcome measurements (CSE 1.02; the PRSC expected outcomes): for every
//! person in a program serving individuals, an intake measurement near the start and then one about
//! every 90 days (with jitter) until today, with some people dropping out along the way. Each
//! occasion takes BARC-10 and WHO-5 (nearly always), days of use (often) and the housing and
//! employment indicators (sometimes); a few are declined; staff, paper and portal sources are mixed.
//!
//! Answers are generated item by item from the built-in definitions so the scores follow a plausible
//! trajectory: BARC-10 starting around 35–40 and rising a few points a quarter with noise and a
//! ceiling, WHO-5 around 40–48 and rising, days of use falling, housing and work improving for some.
//! Each person has their own pace (a few get worse). About 8 measurements per person on average.
//!
//! The people with portal sign-ins have nothing in the last 100 days, so each has a measure due in the
//! portal. No demo enrolment has ended, so there are no discharge measurements.

use super::{OutcomesDemo, uuid};
use crate::db;
use crate::db::entities::{outcome_measurement, portal_account};
use crate::domain::instruments::{AnswerScale, AnswerValue, Answers, InstrumentDef};
use crate::domain::outcomes::{MeasureSource, MeasureStatus, Occasion};
use crate::outcomes::instruments::builtin;
use crate::outcomes::summary;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;
use time::{Date, Duration};
use uuid::Uuid;

/// One instrument's part in the demo: how often an occasion includes it, where a person starts
/// (as a share of the way from worst to best), and how far they move per quarter.
struct Plan {
    key: &'static str,
    taken: f64,
    start: (f64, f64),
    per_quarter: f64,
}

/// BARC-10 (10–60): 35–40 at the start is 0.50–0.60 of the way; +2.5 points a quarter is 0.05.
/// WHO-5 (0–100): 40–48 is 0.40–0.48; +4 a quarter. Days of use (0–30, lower is better): 8–14 days
/// is 0.53–0.73 of the way to none; about 2 fewer days a quarter.
const PLANS: [Plan; 5] = [
    Plan { key: "barc-10", taken: 0.96, start: (0.50, 0.60), per_quarter: 0.05 },
    Plan { key: "who-5", taken: 0.92, start: (0.40, 0.48), per_quarter: 0.04 },
    Plan { key: "use-days-30", taken: 0.40, start: (0.53, 0.73), per_quarter: 0.07 },
    Plan { key: "housing-stability", taken: 0.10, start: (0.35, 0.65), per_quarter: 0.05 },
    Plan { key: "employment-education", taken: 0.08, start: (0.20, 0.50), per_quarter: 0.04 },
];

/// A rough normal deviate (sum of uniforms), enough for noise.
fn noise(rng: &mut ChaCha8Rng, sd: f64) -> f64 {
    let s: f64 = (0..4).map(|_| rng.gen_range(-1.0..1.0)).sum();
    s * sd * 0.866
}

/// Answers whose score sits about `goodness` (0 worst, 1 best) of the way along the instrument,
/// each item with its own noise.
fn answers_for(rng: &mut ChaCha8Rng, def: &InstrumentDef, goodness: f64) -> Answers {
    let mut out = Answers::new();
    for item in &def.items {
        // Where along the item's own values to aim: higher values are better unless the measure
        // counts something bad (days of use).
        let aim = if def.higher_is_better { goodness } else { 1.0 - goodness };
        let aim = (aim + noise(rng, 0.08)).clamp(0.0, 1.0);
        let answer = match &item.scale {
            AnswerScale::Points { points } => {
                let mut values: Vec<f64> = points.iter().map(|p| p.value).collect();
                values.sort_by(f64::total_cmp);
                let i = (aim * (values.len() - 1) as f64).round() as usize;
                AnswerValue::Number(values[i.min(values.len() - 1)])
            }
            AnswerScale::YesNo => {
                AnswerValue::Text(if rng.gen_bool(aim.clamp(0.05, 0.95)) { "yes" } else { "no" }.into())
            }
            AnswerScale::Count { min, max, .. } => {
                let span = f64::from(max - min);
                AnswerValue::Number((f64::from(*min) + aim * span).round().clamp(f64::from(*min), f64::from(*max)))
            }
            AnswerScale::Choice { options } => {
                let mut sorted: Vec<_> = options.iter().collect();
                sorted.sort_by(|a, b| a.value.total_cmp(&b.value));
                let i = (aim * (sorted.len() - 1) as f64).round() as usize;
                AnswerValue::Text(sorted[i.min(sorted.len() - 1)].code.clone())
            }
        };
        out.insert(item.key.clone(), answer);
    }
    out
}

pub(super) async fn insert(txn: &db::WriteTxn, rng: &mut ChaCha8Rng, demo: &OutcomesDemo<'_>) -> anyhow::Result<()> {
    let defs: Vec<(&Plan, &InstrumentDef)> =
        PLANS.iter().filter_map(|p| builtin(p.key).filter(|d| d.can_be_entered()).map(|d| (p, d))).collect();
    if defs.is_empty() {
        return Ok(());
    }
    let today = crate::app::local_date(super::ORG_TIME_ZONE, demo.now);
    let accounts: HashMap<Uuid, Uuid> = portal_account::Entity::find()
        .filter(portal_account::Column::OrgId.eq(demo.org_id))
        .all(&**txn)
        .await?
        .into_iter()
        .map(|a| (a.person_id, a.id))
        .collect();
    // The programs serving individuals (the demo's first two) follow the default schedule.
    let individual = |program: usize| program < 2;
    let mut rows: Vec<outcome_measurement::ActiveModel> = Vec::with_capacity(600);
    for member in demo.members.iter().filter(|m| individual(m.program)) {
        let portal = accounts.get(&member.person_id).copied();
        // Each person's own pace: most improve, some stall, a few get worse.
        let pace = (1.0 + noise(rng, 0.7)).clamp(-0.6, 2.2);
        let drop_out = rng.gen_range(0.06..0.16);
        let starts: Vec<f64> = defs.iter().map(|(p, _)| rng.gen_range(p.start.0..p.start.1)).collect();
        // About one in twenty has not had their intake measures yet.
        let mut on = member.started_on + Duration::days(rng.gen_range(0..10));
        if rng.gen_bool(0.05) && (today - member.started_on).whole_days() < 45 {
            continue;
        }
        let mut quarter = 0.0;
        let last_allowed = if portal.is_some() { today - Duration::days(100) } else { today };
        while on <= last_allowed {
            let occasion = if quarter == 0.0 {
                Occasion::Intake
            } else if rng.gen_bool(0.03) {
                Occasion::Other
            } else {
                Occasion::Review
            };
            let source = if portal.is_some() && quarter > 0.0 && rng.gen_bool(0.5) {
                MeasureSource::Portal
            } else if rng.gen_bool(0.25) {
                MeasureSource::Paper
            } else {
                MeasureSource::Staff
            };
            let site = (source != MeasureSource::Portal && rng.gen_bool(0.6))
                .then(|| demo.sites[rng.gen_range(0..demo.sites.len())]);
            for ((plan, def), start) in defs.iter().zip(&starts) {
                if !rng.gen_bool(plan.taken) {
                    continue;
                }
                let declined = rng.gen_bool(0.02);
                let goodness = (start + plan.per_quarter * pace * quarter + noise(rng, 0.04)).clamp(0.0, 0.97);
                let (answers, scored) = if declined {
                    (Answers::new(), None)
                } else {
                    let answers = answers_for(rng, def, goodness);
                    match def.score(&answers) {
                        Ok(s) => (answers, Some(s)),
                        Err(_) => continue,
                    }
                };
                let ids = (uuid(rng), member.person_id, member.worker);
                rows.push(row(demo, ids, member.program, def, on, occasion, source, site, portal, answers, scored));
            }
            if rows.len() >= BATCH {
                write(txn, std::mem::take(&mut rows)).await?;
            }
            // Drop-out: some stop being measured (they stopped coming, or moved away).
            if quarter > 0.0 && rng.gen_bool(drop_out) {
                break;
            }
            quarter += 1.0;
            on += Duration::days(90 + rng.gen_range(-12..=15));
        }
    }
    write(txn, rows).await?;
    summary::add_measured_from_table(&**txn, demo.org_id).await?;
    summary::add_goals(&**txn, demo.org_id).await?;
    Ok(())
}

/// Rows written per statement.
const BATCH: usize = 2000;

/// Writes a batch: on SQLite as one JSON document expanded by `jsonb_each` (a 400 000-row demo in a
/// few seconds; the score column is a double, which the shared JSON path does not take), on
/// PostgreSQL as multi-row inserts of 500.
async fn write(txn: &db::WriteTxn, rows: Vec<outcome_measurement::ActiveModel>) -> anyhow::Result<()> {
    use sea_orm::ConnectionTrait;
    if rows.is_empty() {
        return Ok(());
    }
    if txn.get_database_backend() != sea_orm::DbBackend::Sqlite {
        for chunk in rows.chunks(500) {
            outcome_measurement::Entity::insert_many(chunk.to_vec()).exec_without_returning(&**txn).await?;
        }
        return Ok(());
    }
    let rows: Vec<outcome_measurement::Model> = rows.into_iter().map(model_of).collect::<anyhow::Result<_>>()?;
    let hex = |u: Uuid| u.simple().to_string();
    let opt_hex = |u: Option<Uuid>| u.map(hex);
    let stamp = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339);
    let mut doc = Vec::with_capacity(rows.len());
    for m in &rows {
        doc.push(serde_json::json!([
            hex(m.id),
            hex(m.org_id),
            hex(m.person_id),
            opt_hex(m.program_id),
            opt_hex(m.site_id),
            m.instrument_key,
            m.instrument_version,
            m.occasion,
            m.source,
            m.status,
            m.taken_on.to_string(),
            m.answers,
            m.score,
            m.interpretation,
            m.note,
            opt_hex(m.recorded_by),
            opt_hex(m.portal_account_id),
            m.version,
            stamp(m.created_at)?,
            stamp(m.updated_at)?,
        ]));
    }
    let sql = "INSERT INTO outcome_measurements (id, org_id, person_id, program_id, site_id, instrument_key, \
        instrument_version, occasion, source, status, taken_on, answers, score, interpretation, note, recorded_by, \
        portal_account_id, version, created_at, updated_at) \
        SELECT unhex(value->>0), unhex(value->>1), unhex(value->>2), unhex(value->>3), unhex(value->>4), value->>5, \
        value->>6, value->>7, value->>8, value->>9, value->>10, value->>11, value->>12, value->>13, value->>14, \
        unhex(value->>15), unhex(value->>16), value->>17, value->>18, value->>19 FROM jsonb_each(jsonb(?))";
    let text = serde_json::to_string(&doc)?;
    let statement = sea_orm::Statement::from_sql_and_values(sea_orm::DbBackend::Sqlite, sql, [text.into()]);
    txn.execute_raw(statement).await?;
    Ok(())
}

fn model_of(row: outcome_measurement::ActiveModel) -> anyhow::Result<outcome_measurement::Model> {
    use sea_orm::TryIntoModel;
    Ok(row.try_into_model()?)
}

#[allow(clippy::too_many_arguments)]
fn row(
    demo: &OutcomesDemo<'_>,
    (id, person_id, worker): (Uuid, Uuid, Uuid),
    program: usize,
    def: &InstrumentDef,
    on: Date,
    occasion: Occasion,
    source: MeasureSource,
    site: Option<Uuid>,
    portal: Option<Uuid>,
    answers: Answers,
    scored: Option<crate::domain::instruments::Scored>,
) -> outcome_measurement::ActiveModel {
    let at = demo.now - Duration::days((demo.now.date() - on).whole_days().max(0));
    let status = if scored.is_some() { MeasureStatus::Complete } else { MeasureStatus::Declined };
    outcome_measurement::ActiveModel {
        id: Set(id),
        org_id: Set(demo.org_id),
        person_id: Set(person_id),
        program_id: Set(Some(demo.programs[program])),
        site_id: Set(site),
        instrument_key: Set(def.key.clone()),
        instrument_version: Set(def.version),
        occasion: Set(occasion.code().into()),
        source: Set(source.code().into()),
        status: Set(status.code().into()),
        taken_on: Set(on),
        answers: Set(serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into())),
        score: Set(scored.as_ref().map(|s| s.score)),
        interpretation: Set(scored.and_then(|s| s.interpretation)),
        note: Set(None),
        recorded_by: Set((source != MeasureSource::Portal).then_some(worker)),
        portal_account_id: Set(if source == MeasureSource::Portal { portal } else { None }),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
    }
}
