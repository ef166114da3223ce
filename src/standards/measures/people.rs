//! Measures read from person-level records: intake, risk, plans, contacts, referrals, outcomes.
//!
//! Each measure writes one SQL query for its population (one row per record the element is about,
//! with a `met` flag), and [`measure`] wraps it once: the window aggregates give the exact total
//! and the number met, and the failing rows come first, at most [`FAILING_SHOWN`] of them. Nothing
//! is loaded per person into Rust, so the cost is that of the query plan (index probes per person,
//! or one pass over the period's rows).
//!
//! Days follow the organisation's time zone, as the rest of the application reads them: a timestamp's
//! day is its calendar day there (`app::local_date`), written in SQL as the UTC offsets in force
//! around the period, and a period runs from local midnight on its first day to local midnight after
//! its last.

mod contacts;
mod intake;
mod plans;
mod referrals;

use super::{FAILING_SHOWN, Failing, MeasureKey, MeasureResult, RecordKind, Scope};
use crate::db::entities::organisation;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryResult, Statement, Value};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

pub const KEYS: &[MeasureKey] = &[
    MeasureKey::RaceEthnicityRecorded,
    MeasureKey::RequestsScreened,
    MeasureKey::IntakeTimely,
    MeasureKey::UnservedRedirected,
    MeasureKey::RiskScreened,
    MeasureKey::RiskResponded,
    MeasureKey::ProgressDocumented,
    MeasureKey::PlansInPlace,
    MeasureKey::PlansPersonDriven,
    MeasureKey::PlansReviewedQuarterly,
    MeasureKey::GoalsEvaluated,
    MeasureKey::SafetyPlanWhenAtRisk,
    MeasureKey::MutualAidSupported,
    MeasureKey::ReferralsTimely,
    MeasureKey::ReferralsFollowedUp,
    MeasureKey::OpportunitiesOffered,
    MeasureKey::ContactMonthly,
    MeasureKey::InPersonContact,
    MeasureKey::NotesWithinScope,
    MeasureKey::OutcomesMeasured,
];

pub async fn run(conn: &DatabaseConnection, key: MeasureKey, scope: &Scope) -> Result<MeasureResult, DbErr> {
    let ctx = Ctx::load(conn, scope).await?;
    let out = match key {
        MeasureKey::RaceEthnicityRecorded => contacts::race_ethnicity_recorded(conn, &ctx).await?,
        MeasureKey::RequestsScreened => intake::requests_screened(conn, &ctx).await?,
        MeasureKey::IntakeTimely => intake::intake_timely(conn, &ctx).await?,
        MeasureKey::UnservedRedirected => intake::unserved_redirected(conn, &ctx).await?,
        MeasureKey::RiskScreened => intake::risk_screened(conn, &ctx).await?,
        MeasureKey::RiskResponded => intake::risk_responded(conn, &ctx).await?,
        MeasureKey::SafetyPlanWhenAtRisk => intake::safety_plan_when_at_risk(conn, &ctx).await?,
        MeasureKey::ProgressDocumented => contacts::progress_documented(conn, &ctx).await?,
        MeasureKey::PlansInPlace => plans::plans_in_place(conn, &ctx).await?,
        MeasureKey::PlansPersonDriven => plans::plans_person_driven(conn, &ctx).await?,
        MeasureKey::PlansReviewedQuarterly => plans::plans_reviewed_quarterly(conn, &ctx).await?,
        MeasureKey::GoalsEvaluated => plans::goals_evaluated(conn, &ctx).await?,
        MeasureKey::MutualAidSupported => contacts::mutual_aid_supported(conn, &ctx).await?,
        MeasureKey::ReferralsTimely => referrals::referrals_timely(conn, &ctx).await?,
        MeasureKey::ReferralsFollowedUp => referrals::referrals_followed_up(conn, &ctx).await?,
        MeasureKey::OpportunitiesOffered => contacts::opportunities_offered(conn, &ctx).await?,
        MeasureKey::ContactMonthly => contacts::contact_monthly(conn, &ctx).await?,
        MeasureKey::InPersonContact => contacts::in_person_contact(conn, &ctx).await?,
        MeasureKey::NotesWithinScope => contacts::notes_within_scope(conn, &ctx).await?,
        MeasureKey::OutcomesMeasured => contacts::outcomes_measured(conn, &ctx).await?,
        _ => Counted::default(),
    };
    Ok(MeasureResult::new(key, out.met, out.total, out.failing))
}

/// What one measure counted.
#[derive(Default)]
struct Counted {
    met: u64,
    total: u64,
    failing: Vec<Failing>,
}

/// SQL written with `?` placeholders, values bound in text order, so fragments can be built apart
/// and joined with [`Sql::append`]; PostgreSQL's numbered parameters are written out at the end.
/// (No query here has a `?` of its own, in a literal or an operator.)
struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn new(backend: DbBackend) -> Sql {
        Sql { backend, text: String::new(), values: Vec::new() }
    }

    fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    fn bind(&mut self, value: impl Into<Value>) -> &mut Sql {
        self.values.push(value.into());
        self.text.push('?');
        self
    }

    fn append(&mut self, other: &Sql) -> &mut Sql {
        self.text.push_str(&other.text);
        self.values.extend(other.values.iter().cloned());
        self
    }

    fn text_for_backend(&self) -> String {
        if self.backend != DbBackend::Postgres {
            return self.text.clone();
        }
        let mut out = String::with_capacity(self.text.len() + 16);
        let mut n = 0;
        for c in self.text.chars() {
            if c == '?' {
                n += 1;
                out.push_str(&format!("${n}"));
            } else {
                out.push(c);
            }
        }
        out
    }

    fn statement(&self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text_for_backend(), self.values.clone())
    }
}

/// A measure's scope with what its queries need: the backend, the organisation's zone and the
/// period's bounds as instants.
struct Ctx {
    backend: DbBackend,
    org_id: Uuid,
    from: Date,
    to: Date,
    today: Date,
    /// The last day the period is judged on: its end, or today while it is still running.
    asof: Date,
    /// Local midnight starting `from`, and local midnight after `to`.
    start: OffsetDateTime,
    end: OffsetDateTime,
    tz: String,
    /// The zone's UTC offset (seconds) before the first change, then each change from its instant on.
    first_offset: i64,
    changes: Vec<(OffsetDateTime, i64)>,
}

impl Ctx {
    async fn load(conn: &DatabaseConnection, scope: &Scope) -> Result<Ctx, DbErr> {
        let tz = organisation::Entity::find_by_id(scope.org_id)
            .one(conn)
            .await?
            .map(|o| o.time_zone)
            .unwrap_or_else(|| "UTC".into());
        Ok(Ctx::new(conn.get_database_backend(), scope, &tz))
    }

    fn new(backend: DbBackend, scope: &Scope, tz: &str) -> Ctx {
        let (from, to) = (scope.period.from, scope.period.to);
        let midnight = |day: Date| local_midnight(tz, day);
        let start = midnight(from);
        let end = midnight(to.next_day().unwrap_or(to));
        // Offsets a year either side: screens and reviews are judged some weeks around the period.
        let window_from = midnight(from.saturating_sub(Duration::days(400)));
        let window_to = midnight(to.max(scope.today).saturating_add(Duration::days(400)));
        let (first_offset, changes) = zone_offsets(tz, window_from, window_to);
        Ctx {
            backend,
            org_id: scope.org_id,
            from,
            to,
            today: scope.today,
            asof: to.min(scope.today),
            start,
            end,
            tz: tz.to_string(),
            first_offset,
            changes,
        }
    }

    /// Local midnight starting `day`.
    fn midnight(&self, day: Date) -> OffsetDateTime {
        local_midnight(&self.tz, day)
    }

    fn sql(&self) -> Sql {
        Sql::new(self.backend)
    }

    fn pg(&self) -> bool {
        self.backend == DbBackend::Postgres
    }

    /// A date constant (formatted from a `Date`, so safe to write inline).
    fn day(&self, day: Date) -> String {
        if self.pg() { format!("DATE '{day}'") } else { format!("'{day}'") }
    }

    /// A date expression moved by whole days.
    fn add_days(&self, expr: &str, days: i64) -> String {
        if self.pg() { format!("({expr} + {days})") } else { format!("date({expr}, '{days:+} days')") }
    }

    /// Whole days from `from` to `to` (both date expressions).
    fn days(&self, from: &str, to: &str) -> String {
        if self.pg() {
            format!("CAST(({to} - {from}) AS BIGINT)")
        } else {
            format!("CAST(julianday({to}) - julianday({from}) AS INTEGER)")
        }
    }

    /// Day of the week of a date expression, 0 = Sunday.
    fn weekday(&self, expr: &str) -> String {
        if self.pg() {
            format!("CAST(EXTRACT(DOW FROM {expr}) AS INTEGER)")
        } else {
            format!("CAST(strftime('%w', {expr}) AS INTEGER)")
        }
    }

    /// The organisation's calendar day of a timestamp column, as a date.
    fn local_day(&self, sql: &mut Sql, column: &str) {
        if self.pg() {
            sql.push(&format!("CAST(({column} AT TIME ZONE 'UTC') + ("));
            self.offset_of(sql, column);
            sql.push(") * INTERVAL '1 second' AS DATE)");
        } else {
            sql.push(&format!("date({column}, ("));
            self.offset_of(sql, column);
            sql.push(") || ' seconds')");
        }
    }

    fn offset_of(&self, sql: &mut Sql, column: &str) {
        if self.changes.is_empty() {
            sql.push(&self.first_offset.to_string());
            return;
        }
        sql.push("CASE");
        let mut current = self.first_offset;
        for (at, offset) in &self.changes {
            sql.push(&format!(" WHEN {column} < ")).bind(*at).push(&format!(" THEN {current}"));
            current = *offset;
        }
        sql.push(&format!(" ELSE {current} END"));
    }

    /// `column` (a timestamp) falls within the period.
    fn in_period(&self, sql: &mut Sql, column: &str) {
        sql.push(&format!("{column} >= ")).bind(self.start).push(&format!(" AND {column} < ")).bind(self.end);
    }

    /// `column` (a date) falls within the period.
    fn day_in_period(&self, column: &str) -> String {
        format!("{column} >= {} AND {column} <= {}", self.day(self.from), self.day(self.to))
    }
}

/// Midnight starting `day` in the zone (`intake::at_local`), UTC midnight if the zone cannot say.
fn local_midnight(tz: &str, day: Date) -> OffsetDateTime {
    crate::intake::at_local(tz, day, time::Time::MIDNIGHT).unwrap_or(day.midnight().assume_utc())
}

/// The zone's offset at `from` and each change up to `to` (`app::local_date` reads the same zone
/// data; an unknown zone is UTC there too).
fn zone_offsets(tz: &str, from: OffsetDateTime, to: OffsetDateTime) -> (i64, Vec<(OffsetDateTime, i64)>) {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    let Ok(start) = jiff::Timestamp::from_second(from.unix_timestamp()) else { return (0, Vec::new()) };
    let first = i64::from(zone.to_offset(start).seconds());
    let mut changes = Vec::new();
    for change in zone.following(start).take(64) {
        let second = change.timestamp().as_second();
        if second > to.unix_timestamp() {
            break;
        }
        if let Ok(at) = OffsetDateTime::from_unix_timestamp(second) {
            changes.push((at, i64::from(change.offset().seconds())));
        }
    }
    (first, changes)
}

/// Runs a population query (`met` is 1 or 0 per row) once: window aggregates over the whole
/// population give the exact counts on every row, and the rows come back failing first in `order`
/// (population columns prefixed `x.`), at most [`FAILING_SHOWN`] of them. One pass instead of a
/// count and a separate failing query halves the work over 50 000 people.
async fn measure(
    conn: &DatabaseConnection,
    ctx: &Ctx,
    population: Sql,
    order: &str,
    failing: impl Fn(&QueryResult) -> Result<Failing, DbErr>,
) -> Result<Counted, DbErr> {
    let mut sql = ctx.sql();
    sql.push("SELECT x.*, COUNT(*) OVER () AS n_total, CAST(SUM(x.met) OVER () AS BIGINT) AS n_met FROM (")
        .append(&population)
        .push(&format!(") x ORDER BY x.met, {order} LIMIT {FAILING_SHOWN}"));
    let rows = conn.query_all_raw(sql.statement()).await?;
    let Some(first) = rows.first() else { return Ok(Counted::default()) };
    let total: i64 = first.try_get("", "n_total")?;
    let met: i64 = first.try_get("", "n_met")?;
    let mut shown = Vec::new();
    for row in &rows {
        if row.try_get::<i32>("", "met")? != 0 {
            break;
        }
        shown.push(failing(row)?);
    }
    Ok(Counted { met: met.max(0) as u64, total: total.max(0) as u64, failing: shown })
}

/// For a population counted apart whose failing rows a query of their own finds (with `person_id`):
/// how many fail, and the first [`FAILING_SHOWN`] in `order` (columns prefixed `x.`) with their
/// people's record numbers, joined to those rows alone.
async fn measure_failing(
    conn: &DatabaseConnection,
    ctx: &Ctx,
    failing_rows: Sql,
    order: &str,
    failing: impl Fn(&QueryResult) -> Result<Failing, DbErr>,
) -> Result<(u64, Vec<Failing>), DbErr> {
    let mut sql = ctx.sql();
    sql.push("SELECT x.*, p.record_number FROM (SELECT x.*, COUNT(*) OVER () AS n_failing FROM (")
        .append(&failing_rows)
        .push(&format!(") x ORDER BY {order} LIMIT {FAILING_SHOWN}) x JOIN people p ON p.org_id = "))
        .bind(ctx.org_id)
        .push(&format!(" AND p.id = x.person_id ORDER BY {order}"));
    let rows = conn.query_all_raw(sql.statement()).await?;
    let count = match rows.first() {
        Some(row) => row.try_get::<i64>("", "n_failing")?.max(0) as u64,
        None => 0,
    };
    Ok((count, rows.iter().map(failing).collect::<Result<Vec<_>, _>>()?))
}

/// `CASE WHEN cond THEN 1 ELSE 0 END AS met`.
fn met(cond: &str) -> String {
    format!("CASE WHEN {cond} THEN 1 ELSE 0 END AS met")
}

/// A failing person from a row with `person_id` and `record_number`.
fn person_row(row: &QueryResult, why: &str, why_args: Vec<(String, String)>) -> Result<Failing, DbErr> {
    let id: Uuid = row.try_get("", "person_id")?;
    let number: i64 = row.try_get("", "record_number")?;
    Ok(super::person_failing(id, number, why, why_args))
}

fn arg(name: &str, value: impl ToString) -> (String, String) {
    (name.to_string(), value.to_string())
}

/// A request named by the start of its id (a request may be anonymous and has no number).
fn request_failing(id: Uuid, why: &str, why_args: Vec<(String, String)>) -> Failing {
    Failing {
        kind: RecordKind::Request,
        id,
        label: format!("#{}", &id.simple().to_string()[..8]),
        why: why.into(),
        why_args,
        link: format!("/intake/{id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::community::Period;
    use time::macros::date;

    fn ctx(backend: DbBackend, tz: &str) -> Ctx {
        let scope = Scope {
            org_id: Uuid::nil(),
            period: Period { from: date!(2026 - 01 - 01), to: date!(2026 - 12 - 31) },
            today: date!(2026 - 11 - 18),
        };
        Ctx::new(backend, &scope, tz)
    }

    #[test]
    fn the_period_runs_from_local_midnight_to_local_midnight() {
        let c = ctx(DbBackend::Sqlite, "America/Toronto");
        assert_eq!(c.start.unix_timestamp(), date!(2026 - 01 - 01).midnight().assume_utc().unix_timestamp() + 5 * 3600);
        assert_eq!(c.asof, date!(2026 - 11 - 18));
        // Two changes a year around the period, and the winter offset first.
        assert_eq!(c.first_offset, -5 * 3600);
        assert!(c.changes.len() >= 4 && c.changes.iter().any(|(_, o)| *o == -4 * 3600));
        let utc = ctx(DbBackend::Sqlite, "UTC");
        assert!(utc.changes.is_empty());
        assert_eq!(utc.first_offset, 0);
    }

    #[test]
    fn date_arithmetic_is_written_per_backend() {
        let lite = ctx(DbBackend::Sqlite, "UTC");
        let pg = ctx(DbBackend::Postgres, "UTC");
        assert_eq!(lite.add_days("e.started_on", 30), "date(e.started_on, '+30 days')");
        assert_eq!(lite.add_days("e.started_on", -30), "date(e.started_on, '-30 days')");
        assert_eq!(pg.add_days("e.started_on", 30), "(e.started_on + 30)");
        assert_eq!(pg.day(date!(2026 - 11 - 18)), "DATE '2026-11-18'");
        assert_eq!(lite.days("a", "b"), "CAST(julianday(b) - julianday(a) AS INTEGER)");
        let mut sql = Sql::new(DbBackend::Postgres);
        pg.local_day(&mut sql, "r.received_at");
        assert_eq!(sql.text, "CAST((r.received_at AT TIME ZONE 'UTC') + (0) * INTERVAL '1 second' AS DATE)");
        let mut sql = Sql::new(DbBackend::Sqlite);
        sql.push("a = ").bind(1i32);
        assert_eq!(sql.text_for_backend(), "a = ?");
        let mut sql = Sql::new(DbBackend::Postgres);
        let mut inner = Sql::new(DbBackend::Postgres);
        inner.push("b = ").bind(2i32);
        sql.push("a = ").bind(1i32).push(" AND ").append(&inner).push(" AND c = ").bind(3i32);
        assert_eq!(sql.text_for_backend(), "a = $1 AND b = $2 AND c = $3");
    }
}
