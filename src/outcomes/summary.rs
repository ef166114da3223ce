//! Each person's baseline (first score), latest score and number of scores on each measure, for the
//! whole organisation and within each program they were measured in. The rows live in
//! `outcome_person_summaries` and are rewritten for the person in the same transaction as every
//! measurement or agreed plan version, so a cold dashboard groups ~50 000 small rows instead of
//! folding every measurement.
//!
//! A dashboard period counts the people whose latest score on or before its last day falls inside
//! it, compared with their baseline. When the period ends before someone's latest score (a past
//! period), that person's rows are folded from their measurements up to the period's end instead.

use crate::db::entities::{
    organisation, outcome_measurement, outcome_person_summary as summary, recovery_plan_version,
};
use crate::domain::coaching::GoalProgress;
use crate::domain::outcomes::PersonScores;
use crate::outcomes::analytics::{GOAL_ACHIEVEMENT, PersonRow, share_of};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};
use std::collections::{BTreeMap, HashMap};
use time::Date;
use uuid::Uuid;

/// The `program_key` of the organisation-wide rows.
pub const ORGANISATION: Uuid = Uuid::nil();

/// Rows per multi-row insert (11 values each, inside both backends' parameter limits).
const INSERT_CHUNK: usize = 1_000;

/// A score as stored: day, score, site and program.
type Reading = (Date, f64, Option<Uuid>, Option<Uuid>);

/// A measurement as read across people: person, day, score (None when declined), site, program.
type StoredRow = (Uuid, Date, Option<f64>, Option<Uuid>, Option<Uuid>);

fn readings_of(rows: Vec<StoredRow>) -> impl Iterator<Item = (Uuid, Reading)> {
    rows.into_iter().filter_map(|(p, d, s, site, prog)| s.map(|s| (p, (d, s, site, prog))))
}

/// Folds one person's readings (in day-then-score order) into a summary row.
fn fold(
    org_id: Uuid,
    instrument_key: &str,
    program_key: Uuid,
    person_id: Uuid,
    readings: &[Reading],
) -> Option<summary::Model> {
    let (first_on, first_score, _, _) = *readings.first()?;
    let (latest_on, latest_score, latest_site, latest_program) = *readings.last()?;
    Some(summary::Model {
        org_id,
        instrument_key: instrument_key.to_string(),
        program_key,
        person_id,
        first_on,
        first_score,
        latest_on,
        latest_score,
        measured_count: i32::try_from(readings.len()).unwrap_or(i32::MAX),
        latest_site,
        latest_program,
    })
}

/// The organisation-wide row and one row per program for one person's readings on one measure.
fn rows_for(org_id: Uuid, instrument_key: &str, person_id: Uuid, readings: &[Reading]) -> Vec<summary::Model> {
    let mut out: Vec<summary::Model> =
        fold(org_id, instrument_key, ORGANISATION, person_id, readings).into_iter().collect();
    let mut by_program: BTreeMap<Uuid, Vec<Reading>> = BTreeMap::new();
    for r in readings {
        if let Some(p) = r.3 {
            by_program.entry(p).or_default().push(*r);
        }
    }
    out.extend(by_program.iter().filter_map(|(p, rs)| fold(org_id, instrument_key, *p, person_id, rs)));
    out
}

async fn insert(conn: &impl ConnectionTrait, rows: Vec<summary::Model>) -> Result<(), DbErr> {
    let sqlite = conn.get_database_backend() == DbBackend::Sqlite;
    for chunk in rows.chunks(INSERT_CHUNK) {
        if sqlite {
            insert_sqlite(conn, chunk).await?;
        } else {
            let models = chunk.iter().cloned().map(summary::ActiveModel::from);
            summary::Entity::insert_many(models).exec_without_returning(conn).await?;
        }
    }
    Ok(())
}

/// On SQLite a chunk goes in as one JSON document expanded by `jsonb_each`: a rebuild writes a few
/// hundred thousand rows, several times faster than bound multi-row inserts.
async fn insert_sqlite(conn: &impl ConnectionTrait, rows: &[summary::Model]) -> Result<(), DbErr> {
    let hex = |u: Uuid| u.simple().to_string();
    let doc: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!([
                hex(r.org_id),
                r.instrument_key,
                hex(r.program_key),
                hex(r.person_id),
                r.first_on.to_string(),
                r.first_score,
                r.latest_on.to_string(),
                r.latest_score,
                r.measured_count,
                r.latest_site.map(hex),
                r.latest_program.map(hex),
            ])
        })
        .collect();
    let sql = "INSERT INTO outcome_person_summaries (org_id, instrument_key, program_key, person_id, first_on, \
        first_score, latest_on, latest_score, measured_count, latest_site, latest_program) \
        SELECT unhex(value->>0), value->>1, unhex(value->>2), unhex(value->>3), value->>4, value->>5, value->>6, \
        value->>7, value->>8, unhex(value->>9), unhex(value->>10) FROM jsonb_each(jsonb(?))";
    let text = serde_json::to_string(&doc).map_err(|e| DbErr::Custom(e.to_string()))?;
    conn.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, [text.into()])).await?;
    Ok(())
}

/// One person's readings on a measured instrument, in day-then-score order, optionally up to a day.
async fn measured_readings(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
    instrument_key: &str,
) -> Result<Vec<Reading>, DbErr> {
    use outcome_measurement::Column as C;
    outcome_measurement::Entity::find()
        .select_only()
        .columns([C::TakenOn, C::Score, C::SiteId, C::ProgramId])
        .filter(C::OrgId.eq(org_id))
        .filter(C::PersonId.eq(person_id))
        .filter(C::InstrumentKey.eq(instrument_key))
        .filter(C::Score.is_not_null())
        .order_by_asc(C::TakenOn)
        .order_by_asc(C::Score)
        .order_by_asc(C::Id)
        .into_tuple::<(Date, Option<f64>, Option<Uuid>, Option<Uuid>)>()
        .all(conn)
        .await
        .map(|rows| rows.into_iter().filter_map(|(d, s, site, p)| s.map(|s| (d, s, site, p))).collect())
}

/// Only what goal achievement reads from a plan version: each goal's progress. Everything else in
/// the document is skipped unparsed (a rebuild reads every version the organisation has agreed).
#[derive(serde::Deserialize)]
struct GoalsOnly {
    #[serde(default)]
    goals: Vec<GoalOnly>,
}

#[derive(serde::Deserialize)]
struct GoalOnly {
    #[serde(default = "not_started")]
    progress: GoalProgress,
}

fn not_started() -> GoalProgress {
    GoalProgress::NotStarted
}

/// The goal-achievement reading of one stored plan version (None without goals or when unreadable).
fn goal_share_of(content: &str) -> Option<f64> {
    let plan: GoalsOnly = serde_json::from_str(content).ok()?;
    share_of(plan.goals.iter().map(|g| g.progress))
}

/// Goal achievement readings (the share of goals achieved in each agreed plan version) for the
/// people whose versions are passed, in person, agreement-day, version order.
fn goal_readings(rows: Vec<(Uuid, Date, String)>) -> Vec<(Uuid, Reading)> {
    rows.into_iter()
        .filter_map(|(p, day, content)| goal_share_of(&content).map(|s| (p, (day, s, None, None))))
        .collect()
}

/// Rewrites one person's summaries on one measured instrument from their measurements. Call in the
/// transaction that changed them.
pub async fn refresh(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    person_id: Uuid,
    instrument_key: &str,
) -> Result<(), DbErr> {
    summary::Entity::delete_many()
        .filter(summary::Column::OrgId.eq(org_id))
        .filter(summary::Column::PersonId.eq(person_id))
        .filter(summary::Column::InstrumentKey.eq(instrument_key))
        .exec(conn)
        .await?;
    let readings = measured_readings(conn, org_id, person_id, instrument_key).await?;
    insert(conn, rows_for(org_id, instrument_key, person_id, &readings)).await
}

/// Rewrites one person's goal-achievement summary from their agreed plan versions. Call in the
/// transaction that agreed a version.
pub async fn refresh_goals(conn: &impl ConnectionTrait, org_id: Uuid, person_id: Uuid) -> Result<(), DbErr> {
    use recovery_plan_version::Column as C;
    summary::Entity::delete_many()
        .filter(summary::Column::OrgId.eq(org_id))
        .filter(summary::Column::PersonId.eq(person_id))
        .filter(summary::Column::InstrumentKey.eq(GOAL_ACHIEVEMENT))
        .exec(conn)
        .await?;
    let rows: Vec<(Uuid, Date, String)> = recovery_plan_version::Entity::find()
        .select_only()
        .columns([C::PersonId, C::AgreedOn, C::Content])
        .filter(C::OrgId.eq(org_id))
        .filter(C::PersonId.eq(person_id))
        .order_by_asc(C::AgreedOn)
        .order_by_asc(C::Number)
        .into_tuple()
        .all(conn)
        .await?;
    let readings: Vec<Reading> = goal_readings(rows).into_iter().map(|(_, r)| r).collect();
    let row = fold(org_id, GOAL_ACHIEVEMENT, ORGANISATION, person_id, &readings);
    insert(conn, row.into_iter().collect()).await
}

/// Folds `(person, reading)` pairs already in person order into one row per person (the
/// organisation-wide shape: goal achievement, and past-period people read for one selection).
fn rows_by_person(org_id: Uuid, instrument_key: &str, readings: &[(Uuid, Reading)]) -> Vec<summary::Model> {
    readings
        .chunk_by(|a, b| a.0 == b.0)
        .filter_map(|run| {
            let rs: Vec<Reading> = run.iter().map(|(_, r)| *r).collect();
            fold(org_id, instrument_key, ORGANISATION, run[0].0, &rs)
        })
        .collect()
}

/// Rewrites every summary of the organisation from its measurements and plan versions (after a bulk
/// load, and when the table is first made).
pub async fn rebuild(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<(), DbErr> {
    summary::Entity::delete_many().filter(summary::Column::OrgId.eq(org_id)).exec(conn).await?;
    add_measured_from_table(conn, org_id).await?;
    add_goals(conn, org_id).await
}

/// Writes the measured summaries of an organisation with none yet straight from its measurements,
/// in SQL (window functions in both backends): the bulk path of the demo and of `rebuild`. The
/// order within a person — day, then score, then id — is the one `refresh` folds in, so the two
/// agree row for row (the integration tests compare them). The latest row is the last in that same
/// order (`rn = n`), so the measurements are sorted once.
pub async fn add_measured_from_table(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<(), DbErr> {
    let backend = conn.get_database_backend();
    let p = |n: usize| match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_string(),
    };
    // The organisation-wide rows, then one per program a person was measured in.
    // Parameters in the order they appear (SQLite's are positional).
    for (program_key, org, partition, only_programs, values) in [
        (p(1), p(2), "", "", vec![ORGANISATION.into(), org_id.into()]),
        ("m.program_id".to_string(), p(1), "m.program_id, ", " AND m.program_id IS NOT NULL", vec![org_id.into()]),
    ] {
        let sql = format!(
            "INSERT INTO outcome_person_summaries (org_id, instrument_key, program_key, person_id, first_on, \
             first_score, latest_on, latest_score, measured_count, latest_site, latest_program) \
             SELECT org_id, instrument_key, program_key, person_id, first_on, first_score, taken_on, score, n, \
             site_id, program_id FROM (SELECT m.org_id, m.instrument_key, {program_key} AS program_key, \
             m.person_id, m.taken_on, m.score, m.site_id, m.program_id, \
             FIRST_VALUE(m.taken_on) OVER w AS first_on, FIRST_VALUE(m.score) OVER w AS first_score, \
             COUNT(*) OVER w AS n, ROW_NUMBER() OVER (PARTITION BY m.instrument_key, {partition}m.person_id \
             ORDER BY m.taken_on, m.score, m.id) AS rn \
             FROM outcome_measurements m WHERE m.org_id = {org} AND m.score IS NOT NULL{only_programs} \
             WINDOW w AS (PARTITION BY m.instrument_key, {partition}m.person_id ORDER BY m.taken_on, m.score, m.id \
             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) x WHERE rn = n"
        );
        conn.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    }
    Ok(())
}

/// Writes the goal-achievement summaries from the organisation's agreed plan versions (for an
/// organisation with none yet).
pub async fn add_goals(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<(), DbErr> {
    use recovery_plan_version::Column as C;
    let versions: Vec<(Uuid, Date, String)> = recovery_plan_version::Entity::find()
        .select_only()
        .columns([C::PersonId, C::AgreedOn, C::Content])
        .filter(C::OrgId.eq(org_id))
        .order_by_asc(C::PersonId)
        .order_by_asc(C::AgreedOn)
        .order_by_asc(C::Number)
        .into_tuple()
        .all(conn)
        .await?;
    insert(conn, rows_by_person(org_id, GOAL_ACHIEVEMENT, &goal_readings(versions))).await
}

/// [`rebuild`] for every organisation in the database.
pub async fn rebuild_everywhere(conn: &impl ConnectionTrait) -> Result<(), DbErr> {
    let orgs: Vec<Uuid> =
        organisation::Entity::find().select_only().column(organisation::Column::Id).into_tuple().all(conn).await?;
    for org_id in orgs {
        rebuild(conn, org_id).await?;
    }
    Ok(())
}

// ---------- reading ----------

/// Which summaries a figure reads: one measure, organisation-wide or within one program, over a
/// span of days on the latest score (either end open). `members_of` keeps only people ever enrolled
/// in that program (for goal achievement, whose plans carry no program).
#[derive(Clone, Debug)]
pub struct Selection<'a> {
    pub instrument_key: &'a str,
    pub program_key: Uuid,
    pub members_of: Option<Uuid>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Selection<'_> {
    /// The program the selection is limited to (by where scores were taken, or by enrolment).
    pub fn program(&self) -> Option<Uuid> {
        self.members_of.or((self.program_key != ORGANISATION).then_some(self.program_key))
    }
}

fn members_condition(program_id: Uuid) -> sea_orm::sea_query::SimpleExpr {
    use crate::db::entities::enrolment;
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(enrolment::Entity)
            .and_where(
                Expr::col((enrolment::Entity, enrolment::Column::OrgId))
                    .equals((summary::Entity, summary::Column::OrgId)),
            )
            .and_where(
                Expr::col((enrolment::Entity, enrolment::Column::PersonId))
                    .equals((summary::Entity, summary::Column::PersonId)),
            )
            .and_where(Expr::col((enrolment::Entity, enrolment::Column::ProgramId)).eq(program_id))
            .to_owned(),
    )
}

fn selected(org_id: Uuid, s: &Selection<'_>) -> sea_orm::Select<summary::Entity> {
    let mut q = summary::Entity::find()
        .filter(summary::Column::OrgId.eq(org_id))
        .filter(summary::Column::InstrumentKey.eq(s.instrument_key))
        .filter(summary::Column::ProgramKey.eq(s.program_key));
    if let Some(p) = s.members_of {
        q = q.filter(members_condition(p));
    }
    q
}

/// Everyone counted in the selection with their baseline and their latest score up to its end, in
/// person order.
pub async fn person_rows(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    s: &Selection<'_>,
) -> Result<Vec<PersonRow>, DbErr> {
    use summary::Column as C;
    let mut q = selected(org_id, s);
    if let Some(f) = s.from {
        q = q.filter(C::LatestOn.gte(f));
    }
    if let Some(t) = s.to {
        q = q.filter(C::LatestOn.lte(t));
    }
    type Row = (Uuid, f64, f64, i32, Date, Option<Uuid>, Option<Uuid>);
    let rows: Vec<Row> = q
        .select_only()
        .columns([
            C::PersonId,
            C::FirstScore,
            C::LatestScore,
            C::MeasuredCount,
            C::LatestOn,
            C::LatestSite,
            C::LatestProgram,
        ])
        .order_by_asc(C::PersonId)
        .into_tuple()
        .all(conn)
        .await?;
    let mut out: Vec<PersonRow> = rows
        .into_iter()
        .map(|(person_id, first, latest, count, latest_on, latest_site, latest_program)| PersonRow {
            person_id,
            scores: PersonScores { first, latest, count: u32::try_from(count).unwrap_or(0) },
            latest_on,
            latest_site,
            latest_program,
        })
        .collect();
    if s.to.is_some() {
        let earlier = past_period_rows(conn, org_id, s).await?;
        if !earlier.is_empty() {
            out.extend(earlier);
            out.sort_by_key(|r| r.person_id);
        }
    }
    Ok(out)
}

/// The people whose latest score comes after the selection's end but who were measured by then:
/// their rows are folded from their readings up to the end, and kept when the last falls inside.
async fn past_period_rows(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    s: &Selection<'_>,
) -> Result<Vec<PersonRow>, DbErr> {
    use summary::Column as C;
    let Some(to) = s.to else { return Ok(Vec::new()) };
    let people: Vec<Uuid> = selected(org_id, s)
        .select_only()
        .column(C::PersonId)
        .filter(C::LatestOn.gt(to))
        .filter(C::FirstOn.lte(to))
        .into_tuple()
        .all(conn)
        .await?;
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let program = (s.program_key != ORGANISATION).then_some(s.program_key);
    let mut readings: Vec<(Uuid, Reading)> = Vec::new();
    // Bounded lists keep each statement inside the backends' parameter limits.
    for chunk in people.chunks(INSERT_CHUNK) {
        if s.instrument_key == GOAL_ACHIEVEMENT {
            use recovery_plan_version::Column as V;
            let rows: Vec<(Uuid, Date, String)> = recovery_plan_version::Entity::find()
                .select_only()
                .columns([V::PersonId, V::AgreedOn, V::Content])
                .filter(V::OrgId.eq(org_id))
                .filter(V::PersonId.is_in(chunk.iter().copied()))
                .filter(V::AgreedOn.lte(to))
                .order_by_asc(V::PersonId)
                .order_by_asc(V::AgreedOn)
                .order_by_asc(V::Number)
                .into_tuple()
                .all(conn)
                .await?;
            readings.extend(goal_readings(rows));
        } else {
            use outcome_measurement::Column as M;
            let mut q = outcome_measurement::Entity::find()
                .select_only()
                .columns([M::PersonId, M::TakenOn, M::Score, M::SiteId, M::ProgramId])
                .filter(M::OrgId.eq(org_id))
                .filter(M::InstrumentKey.eq(s.instrument_key))
                .filter(M::PersonId.is_in(chunk.iter().copied()))
                .filter(M::Score.is_not_null())
                .filter(M::TakenOn.lte(to));
            if let Some(p) = program {
                q = q.filter(M::ProgramId.eq(p));
            }
            let rows: Vec<StoredRow> = q
                .order_by_asc(M::PersonId)
                .order_by_asc(M::TakenOn)
                .order_by_asc(M::Score)
                .order_by_asc(M::Id)
                .into_tuple()
                .all(conn)
                .await?;
            readings.extend(readings_of(rows));
        }
    }
    let rows = rows_by_person(org_id, s.instrument_key, &readings);
    Ok(rows
        .into_iter()
        .filter(|r| s.from.is_none_or(|f| r.latest_on >= f))
        .map(|r| PersonRow {
            person_id: r.person_id,
            scores: PersonScores {
                first: r.first_score,
                latest: r.latest_score,
                count: u32::try_from(r.measured_count).unwrap_or(0),
            },
            latest_on: r.latest_on,
            latest_site: r.latest_site,
            latest_program: r.latest_program,
        })
        .collect())
}

/// People counted per measure, program key and pair of scores (with their count of scores). On
/// SQLite the statement names the pairs index: with the period's days bound as parameters the
/// planner would otherwise pick the index on the latest day and sort the whole range.
async fn grouped_pairs(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    keys: &[&str],
    program_keys: &[Uuid],
    from: Date,
    to: Date,
) -> Result<Vec<(String, Uuid, f64, f64, i32, i64)>, DbErr> {
    let backend = conn.get_database_backend();
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut param = |v: sea_orm::Value| {
        values.push(v);
        match backend {
            DbBackend::Postgres => format!("${}", values.len()),
            _ => "?".to_string(),
        }
    };
    let org = param(org_id.into());
    let keys: Vec<String> = keys.iter().map(|k| param((*k).into())).collect();
    let programs: Vec<String> = program_keys.iter().map(|p| param((*p).into())).collect();
    let (from, to) = (param(from.into()), param(to.into()));
    let indexed = if backend == DbBackend::Sqlite { " INDEXED BY outcome_person_summaries_pairs" } else { "" };
    let sql = format!(
        "SELECT instrument_key, program_key, first_score, latest_score, measured_count, COUNT(*) \
         FROM outcome_person_summaries{indexed} WHERE org_id = {org} AND instrument_key IN ({}) \
         AND program_key IN ({}) AND latest_on >= {from} AND latest_on <= {to} \
         GROUP BY instrument_key, program_key, first_score, latest_score, measured_count",
        keys.join(", "),
        programs.join(", "),
    );
    let mut out = Vec::new();
    for row in conn.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await? {
        out.push((
            row.try_get_by_index(0)?,
            row.try_get_by_index(1)?,
            row.try_get_by_index(2)?,
            row.try_get_by_index(3)?,
            row.try_get_by_index(4)?,
            row.try_get_by_index(5)?,
        ));
    }
    Ok(out)
}

/// Scores of everyone counted in several selections at once, without naming anyone: one grouped
/// read over the organisation's summaries (people with the same pair of scores come back as one
/// row with a count), plus the past-period people of each selection. Keyed by instrument and
/// the program each selection is limited to; selections with `members_of` are read person by
/// person instead.
pub async fn scores(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    selections: &[Selection<'_>],
    from: Date,
    to: Date,
) -> Result<HashMap<(String, Option<Uuid>), Vec<PersonScores>>, DbErr> {
    let mut out: HashMap<(String, Option<Uuid>), Vec<PersonScores>> = HashMap::new();
    let grouped: Vec<&Selection<'_>> = selections.iter().filter(|s| s.members_of.is_none()).collect();
    if !grouped.is_empty() {
        let mut program_keys: Vec<Uuid> = grouped.iter().map(|s| s.program_key).collect();
        program_keys.sort();
        program_keys.dedup();
        let mut keys: Vec<&str> = grouped.iter().map(|s| s.instrument_key).collect();
        keys.sort();
        keys.dedup();
        let rows = grouped_pairs(conn, org_id, &keys, &program_keys, from, to).await?;
        for (key, program_key, first, latest, count, people) in rows {
            let wanted = grouped.iter().any(|s| s.instrument_key == key && s.program_key == program_key);
            if !wanted {
                continue;
            }
            let score = PersonScores { first, latest, count: u32::try_from(count).unwrap_or(0) };
            let program = (program_key != ORGANISATION).then_some(program_key);
            let list = out.entry((key, program)).or_default();
            list.extend(std::iter::repeat_n(score, usize::try_from(people).unwrap_or(0)));
        }
        for s in &grouped {
            let s = Selection { from: Some(from), to: Some(to), ..(*s).clone() };
            let earlier = past_period_rows(conn, org_id, &s).await?;
            out.entry((s.instrument_key.to_string(), s.program()))
                .or_default()
                .extend(earlier.into_iter().map(|r| r.scores));
        }
    }
    for s in selections.iter().filter(|s| s.members_of.is_some()) {
        use summary::Column as C;
        let s = Selection { from: Some(from), to: Some(to), ..s.clone() };
        let rows: Vec<(f64, f64, i32, i64)> = selected(org_id, &s)
            .filter(C::LatestOn.gte(from))
            .filter(C::LatestOn.lte(to))
            .select_only()
            .columns([C::FirstScore, C::LatestScore, C::MeasuredCount])
            .column_as(Expr::cust("COUNT(*)"), "people")
            .group_by(C::FirstScore)
            .group_by(C::LatestScore)
            .group_by(C::MeasuredCount)
            .into_tuple()
            .all(conn)
            .await?;
        let mut scores = Vec::new();
        for (first, latest, count, people) in rows {
            let score = PersonScores { first, latest, count: u32::try_from(count).unwrap_or(0) };
            scores.extend(std::iter::repeat_n(score, usize::try_from(people).unwrap_or(0)));
        }
        scores.extend(past_period_rows(conn, org_id, &s).await?.into_iter().map(|r| r.scores));
        out.insert((s.instrument_key.to_string(), s.program()), scores);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn reading(day: Date, score: f64, program: Option<Uuid>) -> Reading {
        (day, score, None, program)
    }

    #[test]
    fn the_organisation_row_spans_every_program_and_each_program_has_its_own_baseline() {
        let org = Uuid::from_u128(1);
        let person = Uuid::from_u128(2);
        let a = Uuid::from_u128(10);
        let b = Uuid::from_u128(11);
        let readings = [
            reading(date!(2026 - 01 - 01), 20.0, Some(a)),
            reading(date!(2026 - 03 - 01), 30.0, Some(b)),
            reading(date!(2026 - 06 - 01), 40.0, Some(a)),
            reading(date!(2026 - 09 - 01), 45.0, None),
        ];
        let rows = rows_for(org, "barc-10", person, &readings);
        assert_eq!(rows.len(), 3);
        let whole = &rows[0];
        assert_eq!(
            (whole.program_key, whole.first_score, whole.latest_score, whole.measured_count),
            (ORGANISATION, 20.0, 45.0, 4)
        );
        assert_eq!(whole.latest_on, date!(2026 - 09 - 01));
        let in_a = rows.iter().find(|r| r.program_key == a).unwrap();
        assert_eq!((in_a.first_score, in_a.latest_score, in_a.measured_count), (20.0, 40.0, 2));
        assert_eq!(in_a.latest_program, Some(a));
        let in_b = rows.iter().find(|r| r.program_key == b).unwrap();
        assert_eq!((in_b.first_score, in_b.latest_score, in_b.measured_count), (30.0, 30.0, 1));
    }

    #[test]
    fn goal_achievement_reads_only_the_goals_progress() {
        let plan = r#"{"why_came":"x","goals":[{"progress":"achieved","in_own_words":"a"},
            {"progress":"set-aside"},{"progress":"in-progress"},{"in_own_words":"no progress yet"}]}"#;
        // One of three counted goals (set aside left out, missing progress is not started).
        assert_eq!(goal_share_of(plan).map(|s| (s * 100.0).round() / 100.0), Some(33.33));
        assert_eq!(goal_share_of(r#"{"goals":[]}"#), None);
        assert_eq!(goal_share_of(r#"{"goals":[{"progress":"set-aside"}]}"#), None);
        assert_eq!(goal_share_of("not json"), None);
        let full = crate::domain::coaching::PlanContent::default();
        assert_eq!(goal_share_of(&serde_json::to_string(&full).unwrap()), None);
    }

    #[test]
    fn nobody_without_readings_gets_a_row() {
        assert!(rows_for(Uuid::nil(), "who-5", Uuid::from_u128(3), &[]).is_empty());
    }

    #[test]
    fn readings_are_grouped_person_by_person() {
        let org = Uuid::from_u128(1);
        let (p, q) = (Uuid::from_u128(2), Uuid::from_u128(3));
        let readings = vec![
            (p, reading(date!(2026 - 01 - 01), 10.0, None)),
            (p, reading(date!(2026 - 02 - 01), 20.0, None)),
            (q, reading(date!(2026 - 01 - 05), 50.0, None)),
        ];
        let rows = rows_by_person(org, GOAL_ACHIEVEMENT, &readings);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].person_id, rows[0].first_score, rows[0].latest_score, rows[0].measured_count),
            (p, 10.0, 20.0, 2)
        );
        assert_eq!((rows[1].person_id, rows[1].measured_count), (q, 1));
    }
}
