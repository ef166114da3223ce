//! The reviewer's sample: a reproducible random sample of case records, stratified by program, as
//! an on-site reviewer draws it.
//!
//! - **Frame**: per program, the people with an enrolment in it open at some time during the
//!   period (started on or before its last day, not ended before its first), ordered by record
//!   number, so the frame does not depend on how the database returns rows.
//! - **Size** per program ([`stratum_size`]): `percent` of the frame rounded up, at least
//!   `minimum` and at most `cap`; a frame of `minimum` or fewer is taken whole. Defaults: 10 %,
//!   at least 5, at most 15 — a reviewer reads about one record in ten, never too few to judge a
//!   program by and never more than a day on site allows.
//! - **Draw**: a ChaCha8 generator seeded with the sample's seed, on a stream of its own per
//!   program (from the program's id), picks the records without replacement. The same seed over
//!   the same records draws the same sample; the seed is stored and shown.
//!
//! The drawn rows are stored, so a sample is shown as drawn even after the records change; the
//! checklist beside each row (`checklist`) is worked out live.

use crate::access::{Action, Actor};
use crate::app::AppState;
use crate::db;
use crate::db::entities::{case_sample, case_sample_row, enrolment, person};
use crate::domain::community::Period;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::standards::catalogue::{self, Source};
use crate::standards::checklist::{self, Checklist};
use crate::standards::readiness::require;
use crate::web::actor_entry;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

pub const DEFAULT_PERCENT: f64 = 10.0;
pub const DEFAULT_MINIMUM: i32 = 5;
pub const DEFAULT_CAP: i32 = 15;
/// Seeds are drawn below this, so they are short enough to read out and type back.
const SEED_RANGE: i64 = 1_000_000_000;

/// How many records to draw from a frame of `n`.
pub fn stratum_size(n: usize, percent: f64, minimum: usize, cap: usize) -> usize {
    if n <= minimum {
        return n;
    }
    let share = (n as f64 * percent / 100.0).ceil() as usize;
    share.clamp(minimum, cap.max(minimum)).min(n)
}

/// The positions (in frame order) drawn from a frame of `n` for one program.
pub fn draw(seed: i64, program_id: Uuid, n: usize, k: usize) -> Vec<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed as u64);
    let bytes = program_id.as_bytes();
    rng.set_stream(u64::from_be_bytes([
        bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
    ]));
    let mut picked = rand::seq::index::sample(&mut rng, n, k.min(n)).into_vec();
    picked.sort_unstable();
    picked
}

/// A draw as asked for; blanks take the defaults (a new seed is generated).
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct DrawInput {
    /// `cse-2024`, `ca-cse-2022`, `ca-cse-2020` or `prsc`: whose elements the checklist follows
    /// (default: the organisation's edition; PRSC's are always added).
    pub source: Option<String>,
    /// YYYY-MM-DD (default: twelve months before `to`).
    pub from: Option<String>,
    /// YYYY-MM-DD (default: today).
    pub to: Option<String>,
    /// Percent of each program's records (default 10).
    pub percent: Option<String>,
    /// At least this many per program, or all if fewer (default 5).
    pub minimum: Option<String>,
    /// At most this many per program (default 15).
    pub cap: Option<String>,
    /// A whole number from 0 to 999999999999; left out, one is generated.
    pub seed: Option<String>,
}

struct Valid {
    source: Source,
    period: Period,
    percent: f64,
    minimum: i32,
    cap: i32,
    seed: i64,
}

fn number<T: std::str::FromStr + PartialOrd>(
    e: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
    default: T,
    lo: T,
    hi: T,
) -> T {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => default,
        Some(text) => match text.parse::<T>() {
            Ok(v) if v >= lo && v <= hi => v,
            _ => {
                e.add(field, "readiness-sample-error-number");
                default
            }
        },
    }
}

fn validate(input: &DrawInput, own: Source, today: Date) -> Result<Valid, FieldErrors> {
    let mut e = FieldErrors::new();
    let source = e.optional_code("source", input.source.as_deref(), Source::parse).unwrap_or(own);
    let period = Period::parse(input.from.as_deref(), input.to.as_deref(), today).map_err(|p| e.0.extend(p.0)).ok();
    let percent = number(&mut e, "percent", input.percent.as_deref(), DEFAULT_PERCENT, 1.0, 100.0);
    let minimum = number(&mut e, "minimum", input.minimum.as_deref(), DEFAULT_MINIMUM, 1, 500);
    let cap = number(&mut e, "cap", input.cap.as_deref(), DEFAULT_CAP, 1, 500);
    if cap < minimum && e.for_field("cap").is_none() {
        e.add("cap", "readiness-sample-error-cap");
    }
    let seed = match input.seed.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => rand::random::<u32>() as i64 % SEED_RANGE,
        Some(text) => match text.parse::<i64>() {
            Ok(v) if (0..1_000_000_000_000).contains(&v) => v,
            _ => {
                e.add("seed", "readiness-sample-error-seed");
                0
            }
        },
    };
    match period {
        Some(period) if e.is_empty() => Ok(Valid { source, period, percent, minimum, cap, seed }),
        _ => Err(e),
    }
}

/// One program's part of a sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Stratum {
    pub program_id: Uuid,
    pub program: String,
    /// Records in the frame.
    pub frame: usize,
    /// Records drawn.
    pub drawn: usize,
}

/// The frame: per program, the people enrolled during the period, by record number.
async fn frame(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    period: &Period,
) -> Result<BTreeMap<Uuid, Vec<(i64, Uuid)>>, DbErr> {
    let enrolments = enrolment::Entity::find()
        .filter(enrolment::Column::OrgId.eq(org_id))
        .filter(enrolment::Column::StartedOn.lte(period.to))
        .filter(enrolment::Column::EndedOn.is_null().or(enrolment::Column::EndedOn.gte(period.from)))
        .all(conn)
        .await?;
    let numbers = record_numbers(conn, org_id, enrolments.iter().map(|e| e.person_id).collect()).await?;
    let mut out: BTreeMap<Uuid, Vec<(i64, Uuid)>> = BTreeMap::new();
    for e in enrolments {
        if let Some(n) = numbers.get(&e.person_id) {
            out.entry(e.program_id).or_default().push((*n, e.person_id));
        }
    }
    for list in out.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    Ok(out)
}

async fn record_numbers(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    mut ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, i64>, DbErr> {
    ids.sort_unstable();
    ids.dedup();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = person::Entity::find()
            .filter(person::Column::OrgId.eq(org_id))
            .filter(person::Column::Id.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        out.extend(rows.into_iter().map(|p| (p.id, p.record_number)));
    }
    Ok(out)
}

/// Draws and stores a sample (audited as `readiness.sample.draw`).
pub async fn draw_sample(state: &AppState, actor: &Actor, input: &DrawInput) -> AppResult<case_sample::Model> {
    require(state, actor, Action::ManageReadiness).await?;
    let today = crate::outcomes::analytics::today(state, actor.org_id).await?;
    let org = db::org::get(state.db.conn(), actor.org_id).await?.ok_or(AppError::NotFound)?;
    let own = catalogue::source_of(
        crate::domain::codes::Edition::parse(&org.edition).unwrap_or(crate::domain::codes::Edition::Cse2024),
    );
    let v = validate(input, own, today)?;
    let conn = state.db.conn();
    let frames = frame(conn, actor.org_id, &v.period).await?;
    let names: HashMap<Uuid, String> =
        db::org::programs(conn, actor.org_id).await?.into_iter().map(|p| (p.id, p.name)).collect();
    let (id, now) = (Uuid::new_v4(), state.clock.now());
    let mut strata = Vec::new();
    let mut rows = Vec::new();
    for (program_id, people) in &frames {
        let k = stratum_size(people.len(), v.percent, v.minimum as usize, v.cap as usize);
        for i in draw(v.seed, *program_id, people.len(), k) {
            rows.push(case_sample_row::Model {
                id: Uuid::new_v4(),
                org_id: actor.org_id,
                sample_id: id,
                program_id: *program_id,
                person_id: people[i].1,
                position: rows.len() as i32,
            });
        }
        let program = names.get(program_id).cloned().unwrap_or_default();
        strata.push(Stratum { program_id: *program_id, program, frame: people.len(), drawn: k });
    }
    strata.sort_by(|a, b| a.program.cmp(&b.program));
    let sample = case_sample::Model {
        id,
        org_id: actor.org_id,
        source: v.source.code().into(),
        period_from: v.period.from,
        period_to: v.period.to,
        seed: v.seed,
        percent: v.percent,
        cap: v.cap,
        minimum: v.minimum,
        frame_size: strata.iter().map(|s| s.frame).sum::<usize>() as i32,
        sample_size: rows.len() as i32,
        strata: serde_json::to_string(&strata).unwrap_or_else(|_| "[]".into()),
        drawn_by: actor.staff_id,
        drawn_at: now,
    };
    let txn = state.db.begin_write().await?;
    case_sample::Entity::insert(case_sample::ActiveModel::from(sample.clone())).exec_without_returning(&*txn).await?;
    for chunk in rows.chunks(200) {
        let batch = chunk.iter().cloned().map(case_sample_row::ActiveModel::from);
        case_sample_row::Entity::insert_many(batch).exec_without_returning(&*txn).await?;
    }
    let entry = actor_entry(actor, "readiness.sample.draw").record("case_sample", id).detail(json!({
        "seed": sample.seed,
        "from": sample.period_from.to_string(),
        "to": sample.period_to.to_string(),
        "size": sample.sample_size,
    }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(sample)
}

/// A sample's header.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SampleSummary {
    pub id: Uuid,
    pub source: Source,
    pub period_from: Date,
    pub period_to: Date,
    pub seed: i64,
    pub percent: f64,
    pub minimum: i32,
    pub cap: i32,
    pub frame_size: i32,
    pub sample_size: i32,
    pub strata: Vec<Stratum>,
    pub drawn_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub drawn_at: OffsetDateTime,
}

fn summary(s: case_sample::Model, names: &HashMap<Uuid, String>) -> SampleSummary {
    SampleSummary {
        id: s.id,
        source: Source::parse(&s.source).unwrap_or(Source::Cse2024),
        period_from: s.period_from,
        period_to: s.period_to,
        seed: s.seed,
        percent: s.percent,
        minimum: s.minimum,
        cap: s.cap,
        frame_size: s.frame_size,
        sample_size: s.sample_size,
        strata: serde_json::from_str(&s.strata).unwrap_or_default(),
        drawn_by: names.get(&s.drawn_by).cloned().unwrap_or_default(),
        drawn_at: s.drawn_at,
    }
}

async fn staff_names(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<HashMap<Uuid, String>, DbErr> {
    use crate::db::entities::staff;
    let rows = staff::Entity::find().filter(staff::Column::OrgId.eq(org_id)).all(conn).await?;
    Ok(rows.into_iter().map(|s| (s.id, s.display_name)).collect())
}

/// Every sample drawn, newest first (no people are shown).
pub async fn list(state: &AppState, actor: &Actor) -> AppResult<Vec<SampleSummary>> {
    require(state, actor, Action::ViewReadiness).await?;
    let conn = state.db.conn();
    let rows = case_sample::Entity::find()
        .filter(case_sample::Column::OrgId.eq(actor.org_id))
        .order_by_desc(case_sample::Column::DrawnAt)
        .all(conn)
        .await?;
    let names = staff_names(conn, actor.org_id).await?;
    Ok(rows.into_iter().map(|s| summary(s, &names)).collect())
}

/// One sample with its drawn records and each one's checklist, worked out now. Opening it is
/// audited as `readiness.sample.view` with the number of records shown, like a list of people.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SampleDetail {
    #[serde(flatten)]
    pub summary: SampleSummary,
    pub checklist: Checklist,
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<SampleDetail> {
    require(state, actor, Action::ViewReadiness).await?;
    let conn = state.db.conn();
    let sample = case_sample::Entity::find_by_id(id)
        .filter(case_sample::Column::OrgId.eq(actor.org_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = case_sample_row::Entity::find()
        .filter(case_sample_row::Column::OrgId.eq(actor.org_id))
        .filter(case_sample_row::Column::SampleId.eq(id))
        .order_by_asc(case_sample_row::Column::Position)
        .all(conn)
        .await?;
    let today = crate::outcomes::analytics::today(state, actor.org_id).await?;
    let names = staff_names(conn, actor.org_id).await?;
    let head = summary(sample, &names);
    let period = Period { from: head.period_from, to: head.period_to };
    let drawn: Vec<(Uuid, Uuid)> = rows.iter().map(|r| (r.program_id, r.person_id)).collect();
    let checklist = checklist::build(conn, actor.org_id, head.source, period, today, &drawn).await?;
    let entry = actor_entry(actor, "readiness.sample.view")
        .record("case_sample", id)
        .detail(json!({ "results": checklist.rows.len() }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(SampleDetail { summary: head, checklist })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_percent_with_a_floor_and_a_cap() {
        assert_eq!(stratum_size(3, 10.0, 5, 15), 3, "all of a small frame");
        assert_eq!(stratum_size(5, 10.0, 5, 15), 5);
        assert_eq!(stratum_size(20, 10.0, 5, 15), 5, "the floor");
        assert_eq!(stratum_size(120, 10.0, 5, 15), 12, "ten percent rounded up");
        assert_eq!(stratum_size(121, 10.0, 5, 15), 13);
        assert_eq!(stratum_size(1000, 10.0, 5, 15), 15, "the cap");
        assert_eq!(stratum_size(0, 10.0, 5, 15), 0);
    }

    #[test]
    fn the_same_seed_draws_the_same_records_and_programs_draw_apart() {
        let (a, b) = (Uuid::from_u128(1 << 70), Uuid::from_u128(2 << 70));
        assert_eq!(draw(42, a, 100, 10), draw(42, a, 100, 10));
        assert_ne!(draw(42, a, 100, 10), draw(43, a, 100, 10));
        assert_ne!(draw(42, a, 100, 10), draw(42, b, 100, 10));
        let picked = draw(7, a, 30, 12);
        assert_eq!(picked.len(), 12);
        assert!(picked.windows(2).all(|w| w[0] < w[1]) && picked.iter().all(|i| *i < 30));
        assert_eq!(draw(7, a, 4, 10).len(), 4);
    }

    #[test]
    fn blanks_take_the_defaults_and_a_seed_is_generated() {
        let today = time::macros::date!(2026 - 11 - 18);
        let v = validate(&DrawInput::default(), Source::Cse2024, today).ok().unwrap();
        assert_eq!((v.percent, v.minimum, v.cap), (DEFAULT_PERCENT, DEFAULT_MINIMUM, DEFAULT_CAP));
        assert!((0..SEED_RANGE).contains(&v.seed));
        let bad = DrawInput {
            cap: Some("2".into()),
            seed: Some("x".into()),
            percent: Some("0".into()),
            ..Default::default()
        };
        let e = validate(&bad, Source::Cse2024, today).err().unwrap();
        assert!(e.for_field("cap").is_some() && e.for_field("seed").is_some() && e.for_field("percent").is_some());
    }
}
