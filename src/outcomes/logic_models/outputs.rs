//! Outputs computed live from service records (CSE 1.01 "size and scope of services"): people served,
//! coaching contacts by mode and their hours, group sessions held with their attendance and hours,
//! referrals made and connected, and information-only contacts — for one program or the whole
//! organisation, over a span of days or month by month.
//!
//! The period and its months come from one pass over each source ([`outputs_with_months`]): counts
//! and hours are aggregated in SQL per month and summed for the period; people served are read as
//! one row per person with a bit per month they were served in (enrolments marked month by month
//! here), so distinct people per month and for the period are counted without expanding
//! enrolments into months in SQL. Month bucketing is the one place the dialects differ. Days are
//! UTC days (a contact at 23:30 local time west of Greenwich falls on the next UTC day).

use crate::domain::coaching::ContactMode;
use crate::domain::groups::{AttendanceStatus, SessionStatus};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use time::{Date, Month, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// The outputs over one span (a period or a month).
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Outputs {
    /// Distinct people with an individual or group contact, present at a group, referred, or
    /// enrolled (an enrolment overlapping the span) — in the program when one is chosen.
    pub people_served: u64,
    /// Individual coaching contacts (the automatic contacts group attendance writes are counted as
    /// group attendance instead).
    pub contacts: u64,
    /// Contacts by mode code (`face-to-face`, `phone`, `video`, `text`), largest first.
    pub contacts_by_mode: Vec<(String, u64)>,
    pub contact_hours: f64,
    /// Group sessions held (not scheduled or cancelled).
    pub group_sessions: u64,
    /// People marked present at a held session, plus the anonymous count recorded for it.
    pub group_attendances: u64,
    /// Hours of held sessions (each session's length, once).
    pub group_hours: f64,
    /// Referrals with a referral date in the span.
    pub referrals_made: u64,
    /// Referrals recorded as connected with a connection date in the span.
    pub referrals_connected: u64,
    /// Information-only contacts (no person record).
    pub info_contacts: u64,
}

/// The outputs for `program_id` (None: the whole organisation) from `from` to `to`, both included.
pub async fn outputs(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    program_id: Option<Uuid>,
    from: Date,
    to: Date,
) -> Result<Outputs, DbErr> {
    Ok(outputs_with_months(conn, org_id, program_id, from, to).await?.0)
}

/// The outputs month by month: one entry per calendar month touching `from..=to` (the first and last
/// clipped to the span), keyed by the month's first day, in order, months without records included.
pub async fn outputs_by_month(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    program_id: Option<Uuid>,
    from: Date,
    to: Date,
) -> Result<Vec<(Date, Outputs)>, DbErr> {
    Ok(outputs_with_months(conn, org_id, program_id, from, to).await?.1)
}

/// The first day of `day`'s month.
pub fn month_start(day: Date) -> Date {
    day.replace_day(1).unwrap_or(day)
}

fn next_month(day: Date) -> Date {
    let (y, m) = match day.month() {
        Month::December => (day.year() + 1, Month::January),
        m => (day.year(), m.next()),
    };
    Date::from_calendar_date(y, m, 1).unwrap_or(day)
}

fn month_key(day: Date) -> String {
    format!("{:04}-{:02}", day.year(), day.month() as u8)
}

/// Builds SQL written with `?` for the backend (PostgreSQL numbers its parameters).
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
        match self.backend {
            DbBackend::Postgres => {
                let n = self.values.len();
                self.text.push_str(&format!("${n}"));
            }
            _ => self.text.push('?'),
        }
        self
    }

    fn statement(&self) -> Statement {
        Statement::from_sql_and_values(self.backend, &self.text, self.values.clone())
    }
}

/// `YYYY-MM` of a date column, or of a timestamp column stored as UTC text on SQLite (both begin
/// with the year and month, and the queries already compare them as text).
fn month_of(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("to_char({column}, 'YYYY-MM')"),
        _ => format!("substr({column}, 1, 7)"),
    }
}

/// `YYYY-MM` of a timestamp column, read in UTC.
fn month_of_time(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => month_of(backend, &format!("({column} AT TIME ZONE 'UTC')")),
        _ => month_of(backend, column),
    }
}

/// Months counted from year 0: `year * 12 + month - 1`, so consecutive months differ by one.
fn month_index(day: Date) -> i64 {
    i64::from(day.year()) * 12 + i64::from(day.month() as u8) - 1
}

/// The bit of a column's month in a chunk's mask: `1 << (month index - base)`, a 64-bit integer.
fn month_bit(backend: DbBackend, column: &str, time: bool, base: i64) -> String {
    match backend {
        DbBackend::Postgres => {
            let col = if time { format!("({column} AT TIME ZONE 'UTC')") } else { column.to_string() };
            format!(
                "(CAST(1 AS BIGINT) << CAST(EXTRACT(YEAR FROM {col}) * 12 + EXTRACT(MONTH FROM {col}) - 1 - {base} AS INTEGER))"
            )
        }
        _ => format!(
            "(1 << (CAST(substr({column}, 1, 4) AS INTEGER) * 12 + CAST(substr({column}, 6, 2) AS INTEGER) - 1 - {base}))"
        ),
    }
}

/// The OR of a group's month bits (each bit once, so their sum), as a 64-bit integer.
fn month_mask(backend: DbBackend, column: &str, time: bool, base: i64) -> String {
    format!("CAST(SUM(DISTINCT {}) AS BIGINT)", month_bit(backend, column, time, base))
}

fn hours_between(backend: DbBackend, start: &str, end: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS DOUBLE PRECISION) / 3600.0"),
        _ => format!("(julianday({end}) - julianday({start})) * 24.0"),
    }
}

fn float(backend: DbBackend, expr: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("CAST({expr} AS DOUBLE PRECISION)"),
        _ => format!("CAST({expr} AS REAL)"),
    }
}

/// One query's rows.
async fn rows(conn: &impl ConnectionTrait, sql: &Sql) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
    conn.query_all_raw(sql.statement()).await
}

/// Months one people-served query marks as bits of one 64-bit mask; a longer period is read in
/// chunks of this many months.
const CHUNK_MONTHS: usize = 62;

/// The calendar months touching `from..=to`, each clipped to the period: (first day, last day).
fn month_spans(from: Date, to: Date) -> Vec<(Date, Date)> {
    let mut spans = Vec::new();
    if to < from {
        return spans;
    }
    let mut m = month_start(from);
    while m <= to {
        let next = next_month(m);
        let last = if next > m { next.previous_day().unwrap_or(m) } else { Date::MAX };
        spans.push((m.max(from), last.min(to)));
        if next <= m {
            break;
        }
        m = next;
    }
    spans
}

/// Midnight UTC starting `day`.
fn day_start(day: Date) -> OffsetDateTime {
    day.midnight().assume_utc()
}

/// Midnight UTC ending `day`.
fn day_end(day: Date) -> OffsetDateTime {
    day.next_day().unwrap_or(day).midnight().assume_utc()
}

/// The months of `spans` (one chunk, at most 64) an enrolment counts in: it started by the month's
/// last day and had not ended before its first.
fn enrolment_mask(spans: &[(Date, Date)], started: Date, ended: Option<Date>) -> u64 {
    spans
        .iter()
        .enumerate()
        .filter(|(_, (first, last))| started <= *last && ended.is_none_or(|e| e >= *first))
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

/// How many masks have each of the first `months` bits set.
fn bit_counts(masks: impl Iterator<Item = u64>, months: usize) -> Vec<u64> {
    let mut counts = vec![0; months];
    for mut mask in masks {
        while mask != 0 {
            let i = mask.trailing_zeros() as usize;
            if let Some(c) = counts.get_mut(i) {
                *c += 1;
            }
            mask &= mask - 1;
        }
    }
    counts
}

fn round_hours(hours: f64) -> f64 {
    (hours * 100.0).round() / 100.0
}

/// The period's outputs and the same month by month, from one pass over each source.
///
/// The months are those of [`outputs_by_month`]; they partition the period, so the period's counts
/// and hours are the months' sums (hours rounded once, after summing), and its people served are
/// everyone served in any month. People served are marked per person as one bit per month (in
/// chunks of [`CHUNK_MONTHS`]) rather than counted in SQL month by month.
pub async fn outputs_with_months(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    program_id: Option<Uuid>,
    from: Date,
    to: Date,
) -> Result<(Outputs, Vec<(Date, Outputs)>), DbErr> {
    if to < from {
        return Ok((Outputs::default(), Vec::new()));
    }
    let backend = conn.get_database_backend();
    let start = day_start(from);
    let end = day_end(to);
    let spans = month_spans(from, to);
    let keys: Vec<String> = spans.iter().map(|(first, _)| month_key(*first)).collect();
    let slot = |row: &sea_orm::QueryResult| -> Result<Option<usize>, DbErr> {
        let k: String = row.try_get_by_index(0)?;
        Ok(keys.iter().position(|x| *x == k))
    };
    // Counts and people served read side by side (separate pooled connections).
    let counts = async {
        let mut months = vec![Outputs::default(); spans.len()];
        let mut minutes = vec![0i64; spans.len()];
        let mut group_hours = vec![0f64; spans.len()];
        let held = SessionStatus::Held.code();
        let present = AttendanceStatus::Present.code();

        // Individual coaching contacts by mode, with minutes: per month, one aggregate row for each
        // (its own range of the covering index, no grouping sort), the modes counted side by side.
        let mut unknown_mode = false;
        for (c, chunk) in spans.chunks(CHUNK_MONTHS).enumerate() {
            let mut sql = Sql::new(backend);
            for (j, (first, last)) in chunk.iter().enumerate() {
                if j > 0 {
                    sql.push(" UNION ALL ");
                }
                sql.push(&format!(
                    "SELECT CAST({} AS BIGINT), COUNT(*), CAST(COALESCE(SUM(c.minutes), 0) AS BIGINT)",
                    c * CHUNK_MONTHS + j
                ));
                for mode in ContactMode::ALL {
                    let code = mode.code();
                    sql.push(&format!(
                        ", COUNT(*) FILTER (WHERE c.mode = '{code}'), \
                         CAST(COALESCE(SUM(c.minutes) FILTER (WHERE c.mode = '{code}'), 0) AS BIGINT)"
                    ));
                }
                sql.push(" FROM coaching_contacts c WHERE c.org_id = ")
                    .bind(org_id)
                    .push(" AND c.occurred_at >= ")
                    .bind(day_start(*first))
                    .push(" AND c.occurred_at < ")
                    .bind(day_end(*last))
                    .push(" AND c.group_session_id IS NULL");
                if let Some(p) = program_id {
                    sql.push(" AND c.program_id = ").bind(p);
                }
            }
            for row in rows(conn, &sql).await? {
                let i: i64 = row.try_get_by_index(0)?;
                let Some(o) = usize::try_from(i).ok().and_then(|i| months.get_mut(i)) else { continue };
                let count: i64 = row.try_get_by_index(1)?;
                let total: i64 = row.try_get_by_index(2)?;
                o.contacts = count as u64;
                minutes[i as usize] = total;
                let mut known = 0;
                for (m, mode) in ContactMode::ALL.iter().enumerate() {
                    let n: i64 = row.try_get_by_index(3 + 2 * m)?;
                    if n > 0 {
                        o.contacts_by_mode.push((mode.code().to_string(), n as u64));
                    }
                    known += n;
                }
                unknown_mode |= known != count;
            }
        }
        if unknown_mode {
            // A mode outside the known codes (the schema does not allow one): group by the stored mode.
            for o in &mut months {
                o.contacts = 0;
                o.contacts_by_mode.clear();
            }
            minutes.iter_mut().for_each(|m| *m = 0);
            let mut sql = Sql::new(backend);
            sql.push(&format!(
                "SELECT {} AS k, c.mode, COUNT(*), CAST(COALESCE(SUM(c.minutes), 0) AS BIGINT) FROM coaching_contacts c \
                 WHERE c.org_id = ",
                month_of_time(backend, "c.occurred_at")
            ))
            .bind(org_id)
            .push(" AND c.occurred_at >= ")
            .bind(start)
            .push(" AND c.occurred_at < ")
            .bind(end)
            .push(" AND c.group_session_id IS NULL");
            if let Some(p) = program_id {
                sql.push(" AND c.program_id = ").bind(p);
            }
            sql.push(" GROUP BY k, c.mode");
            for row in rows(conn, &sql).await? {
                let Some(i) = slot(&row)? else { continue };
                let mode: String = row.try_get_by_index(1)?;
                let count: i64 = row.try_get_by_index(2)?;
                let total: i64 = row.try_get_by_index(3)?;
                months[i].contacts += count as u64;
                months[i].contacts_by_mode.push((mode, count as u64));
                minutes[i] += total;
            }
        }

        // Group sessions held, their hours and anonymous attendance.
        let mut sql = Sql::new(backend);
        sql.push(&format!(
            "SELECT {} AS k, COUNT(*), {}, CAST(COALESCE(SUM(s.anonymous_count), 0) AS BIGINT) FROM group_sessions s \
             JOIN support_groups g ON g.org_id = s.org_id AND g.id = s.group_id WHERE s.org_id = ",
            month_of_time(backend, "s.starts_at"),
            float(backend, &format!("COALESCE(SUM({}), 0)", hours_between(backend, "s.starts_at", "s.ends_at"))),
        ))
        .bind(org_id)
        .push(" AND s.status = ")
        .bind(held)
        .push(" AND s.starts_at >= ")
        .bind(start)
        .push(" AND s.starts_at < ")
        .bind(end);
        if let Some(p) = program_id {
            sql.push(" AND g.program_id = ").bind(p);
        }
        sql.push(" GROUP BY k");
        for row in rows(conn, &sql).await? {
            let Some(i) = slot(&row)? else { continue };
            let sessions: i64 = row.try_get_by_index(1)?;
            let hours: f64 = row.try_get_by_index(2)?;
            let anonymous: i64 = row.try_get_by_index(3)?;
            months[i].group_sessions += sessions as u64;
            months[i].group_attendances += anonymous as u64;
            group_hours[i] += hours;
        }

        // People present at held sessions.
        let mut sql = Sql::new(backend);
        sql.push(&format!(
            "SELECT {} AS k, COUNT(*) FROM group_attendance a \
             JOIN group_sessions s ON s.org_id = a.org_id AND s.id = a.session_id \
             JOIN support_groups g ON g.org_id = s.org_id AND g.id = s.group_id WHERE a.org_id = ",
            month_of_time(backend, "s.starts_at")
        ))
        .bind(org_id)
        .push(" AND a.status = ")
        .bind(present)
        .push(" AND s.status = ")
        .bind(held)
        .push(" AND s.starts_at >= ")
        .bind(start)
        .push(" AND s.starts_at < ")
        .bind(end);
        if let Some(p) = program_id {
            sql.push(" AND g.program_id = ").bind(p);
        }
        sql.push(" GROUP BY k");
        for row in rows(conn, &sql).await? {
            let Some(i) = slot(&row)? else { continue };
            let count: i64 = row.try_get_by_index(1)?;
            months[i].group_attendances += count as u64;
        }

        // Referrals made (by referral date) and connected (by connection date).
        for (column, connected) in [("r.referred_on", false), ("r.connected_on", true)] {
            let mut sql = Sql::new(backend);
            sql.push(&format!(
                "SELECT {} AS k, COUNT(*) FROM referrals r WHERE r.org_id = ",
                month_of(backend, column)
            ))
            .bind(org_id)
            .push(&format!(" AND {column} >= "))
            .bind(from)
            .push(&format!(" AND {column} <= "))
            .bind(to);
            if connected {
                sql.push(" AND r.connected = ").bind(true);
            }
            if let Some(p) = program_id {
                sql.push(" AND r.program_id = ").bind(p);
            }
            sql.push(" GROUP BY k");
            for row in rows(conn, &sql).await? {
                let Some(i) = slot(&row)? else { continue };
                let count: i64 = row.try_get_by_index(1)?;
                if connected {
                    months[i].referrals_connected += count as u64;
                } else {
                    months[i].referrals_made += count as u64;
                }
            }
        }

        // Information-only contacts.
        let mut sql = Sql::new(backend);
        sql.push(&format!(
            "SELECT {} AS k, COUNT(*) FROM info_contacts i WHERE i.org_id = ",
            month_of_time(backend, "i.at")
        ))
        .bind(org_id)
        .push(" AND i.at >= ")
        .bind(start)
        .push(" AND i.at < ")
        .bind(end);
        if let Some(p) = program_id {
            sql.push(" AND i.program_id = ").bind(p);
        }
        sql.push(" GROUP BY k");
        for row in rows(conn, &sql).await? {
            let Some(i) = slot(&row)? else { continue };
            let count: i64 = row.try_get_by_index(1)?;
            months[i].info_contacts += count as u64;
        }
        Ok::<_, DbErr>((months, minutes, group_hours))
    };
    let served = people_served(conn, org_id, program_id, from, to, &spans);
    let ((mut months, minutes, group_hours), (people_served, per_month)) = tokio::try_join!(counts, served)?;
    for (o, n) in months.iter_mut().zip(per_month) {
        o.people_served = n;
    }

    // The period: the months' sums, hours rounded after summing.
    let mut period = Outputs { people_served, ..Outputs::default() };
    for o in &months {
        period.contacts += o.contacts;
        for (mode, n) in &o.contacts_by_mode {
            match period.contacts_by_mode.iter_mut().find(|(m, _)| m == mode) {
                Some((_, total)) => *total += n,
                None => period.contacts_by_mode.push((mode.clone(), *n)),
            }
        }
        period.group_sessions += o.group_sessions;
        period.group_attendances += o.group_attendances;
        period.referrals_made += o.referrals_made;
        period.referrals_connected += o.referrals_connected;
        period.info_contacts += o.info_contacts;
    }
    period.contact_hours = round_hours(minutes.iter().sum::<i64>() as f64 / 60.0);
    period.group_hours = round_hours(group_hours.iter().sum());
    let by_mode = |a: &(String, u64), b: &(String, u64)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
    period.contacts_by_mode.sort_by(by_mode);
    for (i, o) in months.iter_mut().enumerate() {
        o.contacts_by_mode.sort_by(by_mode);
        o.contact_hours = round_hours(minutes[i] as f64 / 60.0);
        o.group_hours = round_hours(group_hours[i]);
    }
    let months = spans.iter().map(|(first, _)| month_start(*first)).zip(months).collect();
    Ok((period, months))
}

/// People served in the period and in each of its months (`spans`): per person, a mask of the
/// months they were served in, from each source in turn (contacts of any kind, presence at held
/// sessions, referrals by referral date), then enrolments overlapping the period, marked here.
async fn people_served(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    program_id: Option<Uuid>,
    from: Date,
    to: Date,
    spans: &[(Date, Date)],
) -> Result<(u64, Vec<u64>), DbErr> {
    let backend = conn.get_database_backend();
    let held = SessionStatus::Held.code();
    let present = AttendanceStatus::Present.code();
    let mut per_month = vec![0u64; spans.len()];
    let mut sql = Sql::new(backend);
    sql.push("SELECT e.person_id, e.started_on, e.ended_on FROM enrolments e WHERE e.org_id = ")
        .bind(org_id)
        .push(" AND e.started_on <= ")
        .bind(to)
        .push(" AND (e.ended_on IS NULL OR e.ended_on >= ")
        .bind(from)
        .push(")");
    if let Some(p) = program_id {
        sql.push(" AND e.program_id = ").bind(p);
    }
    let mut enrolments: Vec<(Uuid, Date, Option<Date>)> = Vec::new();
    for row in rows(conn, &sql).await? {
        enrolments.push((row.try_get_by_index(0)?, row.try_get_by_index(1)?, row.try_get_by_index(2)?));
    }
    let chunks = spans.len().div_ceil(CHUNK_MONTHS);
    let mut everyone: HashSet<Uuid> = HashSet::new();
    let mut people_served = 0;
    for (c, chunk) in spans.chunks(CHUNK_MONTHS).enumerate() {
        let base = month_index(chunk[0].0);
        let first = chunk[0].0;
        let last = chunk[chunk.len() - 1].1;
        let in_chunk = if chunk.len() >= 64 { u64::MAX } else { (1u64 << chunk.len()) - 1 };
        let mut masks: HashMap<Uuid, u64> = HashMap::with_capacity(enrolments.len());
        let mut sql = Sql::new(backend);
        // Organisation-wide on SQLite, the person index answers the grouping in order, unsorted.
        let indexed =
            if backend == DbBackend::Sqlite && program_id.is_none() { " INDEXED BY contacts_person" } else { "" };
        sql.push(&format!(
            "SELECT c.person_id, {} FROM coaching_contacts c{indexed} WHERE c.org_id = ",
            month_mask(backend, "c.occurred_at", true, base)
        ))
        .bind(org_id)
        .push(" AND c.occurred_at >= ")
        .bind(day_start(first))
        .push(" AND c.occurred_at < ")
        .bind(day_end(last));
        if let Some(p) = program_id {
            sql.push(" AND c.program_id = ").bind(p);
        }
        sql.push(" GROUP BY c.person_id");
        let mut sources = vec![sql];
        let mut sql = Sql::new(backend);
        sql.push(&format!(
            "SELECT a.person_id, {} FROM group_attendance a \
             JOIN group_sessions s ON s.org_id = a.org_id AND s.id = a.session_id \
             JOIN support_groups g ON g.org_id = s.org_id AND g.id = s.group_id WHERE a.org_id = ",
            month_mask(backend, "s.starts_at", true, base)
        ))
        .bind(org_id)
        .push(" AND a.status = ")
        .bind(present)
        .push(" AND s.status = ")
        .bind(held)
        .push(" AND s.starts_at >= ")
        .bind(day_start(first))
        .push(" AND s.starts_at < ")
        .bind(day_end(last));
        if let Some(p) = program_id {
            sql.push(" AND g.program_id = ").bind(p);
        }
        sql.push(" GROUP BY a.person_id");
        sources.push(sql);
        let mut sql = Sql::new(backend);
        sql.push(&format!(
            "SELECT r.person_id, {} FROM referrals r WHERE r.org_id = ",
            month_mask(backend, "r.referred_on", false, base)
        ))
        .bind(org_id)
        .push(" AND r.referred_on >= ")
        .bind(first)
        .push(" AND r.referred_on <= ")
        .bind(last);
        if let Some(p) = program_id {
            sql.push(" AND r.program_id = ").bind(p);
        }
        sql.push(" GROUP BY r.person_id");
        sources.push(sql);
        for sql in &sources {
            for row in rows(conn, sql).await? {
                let person: Uuid = row.try_get_by_index(0)?;
                let mask: i64 = row.try_get_by_index(1)?;
                *masks.entry(person).or_default() |= mask as u64 & in_chunk;
            }
        }
        // Every enrolment read overlaps the period, so its person is served in it even when it
        // covers none of this chunk's months.
        for (person, started, ended) in &enrolments {
            *masks.entry(*person).or_default() |= enrolment_mask(chunk, *started, *ended);
        }
        let counts = bit_counts(masks.values().copied(), chunk.len());
        for (j, n) in counts.into_iter().enumerate() {
            per_month[c * CHUNK_MONTHS + j] = n;
        }
        if chunks == 1 {
            people_served = masks.len() as u64;
        } else {
            everyone.extend(masks.into_keys());
        }
    }
    if chunks > 1 {
        people_served = everyone.len() as u64;
    }
    Ok((people_served, per_month))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_roll_over_the_year_end() {
        assert_eq!(next_month(date!(2025 - 12 - 15)), date!(2026 - 01 - 01));
        assert_eq!(next_month(date!(2026 - 01 - 31)), date!(2026 - 02 - 01));
        assert_eq!(month_start(date!(2026 - 02 - 28)), date!(2026 - 02 - 01));
        assert_eq!(month_key(date!(2026 - 03 - 09)), "2026-03");
    }

    #[test]
    fn postgres_parameters_are_numbered_and_sqlite_ones_are_not() {
        let mut pg = Sql::new(DbBackend::Postgres);
        pg.push("a = ").bind(1i32).push(" AND b = ").bind(2i32);
        assert_eq!(pg.text, "a = $1 AND b = $2");
        let mut lite = Sql::new(DbBackend::Sqlite);
        lite.push("a = ").bind(1i32);
        assert_eq!(lite.text, "a = ?");
    }

    #[test]
    fn month_indexes_are_consecutive_across_years() {
        assert_eq!(month_index(date!(2025 - 12 - 31)) + 1, month_index(date!(2026 - 01 - 01)));
        assert_eq!(month_index(date!(2026 - 01 - 01)), 2026 * 12);
        assert_eq!(month_index(date!(2026 - 11 - 24)) - month_index(date!(2025 - 11 - 24)), 12);
    }

    #[test]
    fn months_are_clipped_to_the_period() {
        let spans = month_spans(date!(2025 - 11 - 24), date!(2026 - 01 - 10));
        assert_eq!(
            spans,
            vec![
                (date!(2025 - 11 - 24), date!(2025 - 11 - 30)),
                (date!(2025 - 12 - 01), date!(2025 - 12 - 31)),
                (date!(2026 - 01 - 01), date!(2026 - 01 - 10)),
            ]
        );
        assert_eq!(
            month_spans(date!(2026 - 02 - 03), date!(2026 - 02 - 03)),
            vec![(date!(2026 - 02 - 03), date!(2026 - 02 - 03))]
        );
        assert!(month_spans(date!(2026 - 02 - 03), date!(2026 - 02 - 02)).is_empty());
    }

    #[test]
    fn long_periods_are_chunked_so_month_bits_fit() {
        // 2020-01-15 ..= 2026-03-01: 75 months, a full chunk of 62 then 13.
        let spans = month_spans(date!(2020 - 01 - 15), date!(2026 - 03 - 01));
        assert_eq!(spans.len(), 75);
        let chunks: Vec<_> = spans.chunks(CHUNK_MONTHS).collect();
        assert_eq!(chunks.iter().map(|c| c.len()).collect::<Vec<_>>(), vec![62, 13]);
        for chunk in &chunks {
            let base = month_index(chunk[0].0);
            let top = month_index(chunk[chunk.len() - 1].0) - base;
            assert!(top < 63, "bit {top} would overflow a signed 64-bit mask");
        }
        assert_eq!(chunks[1][0].0, date!(2025 - 03 - 01));
        // A chunk's last month's bit is the highest the SQL can produce, and the masks count it.
        let every_month = enrolment_mask(chunks[0], date!(2019 - 06 - 01), None);
        assert_eq!(every_month, (1u64 << 62) - 1);
        assert_eq!(bit_counts([every_month, 1 << 61].into_iter(), 62)[61], 2);
    }

    #[test]
    fn the_month_bit_sql_matches_the_month_index() {
        let lite = month_bit(DbBackend::Sqlite, "c.occurred_at", true, 24310);
        assert_eq!(
            lite,
            "(1 << (CAST(substr(c.occurred_at, 1, 4) AS INTEGER) * 12 + CAST(substr(c.occurred_at, 6, 2) AS INTEGER) - 1 - 24310))"
        );
        assert_eq!(month_index(date!(2025 - 11 - 24)), 24310);
        let pg = month_bit(DbBackend::Postgres, "r.referred_on", false, 24310);
        assert!(pg.starts_with("(CAST(1 AS BIGINT) << CAST(EXTRACT(YEAR FROM r.referred_on)"));
        let pg = month_bit(DbBackend::Postgres, "s.starts_at", true, 24310);
        assert!(pg.contains("EXTRACT(MONTH FROM (s.starts_at AT TIME ZONE 'UTC'))"));
    }

    #[test]
    fn enrolments_count_in_each_month_they_overlap() {
        let spans = month_spans(date!(2025 - 11 - 24), date!(2026 - 03 - 10));
        // Open since before the period: every month.
        assert_eq!(enrolment_mask(&spans, date!(2024 - 01 - 01), None), 0b11111);
        // Started on the period's last day: the last month only.
        assert_eq!(enrolment_mask(&spans, date!(2026 - 03 - 10), None), 0b10000);
        // Started after the period: none.
        assert_eq!(enrolment_mask(&spans, date!(2026 - 03 - 11), None), 0);
        // Ended on the period's first day: the first (clipped) month only.
        assert_eq!(enrolment_mask(&spans, date!(2025 - 01 - 01), Some(date!(2025 - 11 - 24))), 0b00001);
        // Ended in November before the period began: none, though the month overlaps.
        assert_eq!(enrolment_mask(&spans, date!(2025 - 01 - 01), Some(date!(2025 - 11 - 23))), 0);
        // December 31 to February 1: December, January and February.
        assert_eq!(enrolment_mask(&spans, date!(2025 - 12 - 31), Some(date!(2026 - 02 - 01))), 0b01110);
    }

    #[test]
    fn people_are_counted_once_per_month_they_have_a_bit_in() {
        assert_eq!(bit_counts([0b101, 0b001, 0, 0b110].into_iter(), 3), vec![2, 1, 2]);
        // Bits beyond the chunk's months are not counted.
        assert_eq!(bit_counts([0b1001].into_iter(), 3), vec![1, 0, 0]);
    }

    #[test]
    fn hours_round_after_summing() {
        // Three months of 20 minutes each: 1.00 hour, not 3 x 0.33.
        let months = [20i64, 20, 20];
        assert_eq!(round_hours(months.iter().sum::<i64>() as f64 / 60.0), 1.0);
        assert_eq!(round_hours(20.0 / 60.0), 0.33);
    }
}
