//! Outputs computed live from service records (CSE 1.01 "size and scope of services"): people served,
//! coaching contacts by mode and their hours, group sessions held with their attendance and hours,
//! referrals made and connected, and information-only contacts — for one program or the whole
//! organisation, over a span of days or month by month.
//!
//! Everything is aggregated in SQL; month bucketing is the one place the dialects differ. Days are
//! UTC days (a contact at 23:30 local time west of Greenwich falls on the next UTC day).

use crate::domain::groups::{AttendanceStatus, SessionStatus};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};
use serde::Serialize;
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
    let mut rows = compute(conn, org_id, program_id, from, to, false).await?;
    Ok(rows.pop().map(|(_, o)| o).unwrap_or_default())
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
    compute(conn, org_id, program_id, from, to, true).await
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

/// `YYYY-MM` of a timestamp or date column.
fn month_of(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("to_char({column}, 'YYYY-MM')"),
        _ => format!("strftime('%Y-%m', {column})"),
    }
}

/// `YYYY-MM` of a timestamp column, read in UTC.
fn month_of_time(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => month_of(backend, &format!("({column} AT TIME ZONE 'UTC')")),
        _ => month_of(backend, column),
    }
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

/// One query's aggregated rows: optional month key, then its numbers.
async fn rows(conn: &impl ConnectionTrait, sql: &Sql) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
    conn.query_all_raw(sql.statement()).await
}

async fn compute(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    program_id: Option<Uuid>,
    from: Date,
    to: Date,
    by_month: bool,
) -> Result<Vec<(Date, Outputs)>, DbErr> {
    if to < from {
        return Ok(if by_month { Vec::new() } else { vec![(from, Outputs::default())] });
    }
    let backend = conn.get_database_backend();
    let start: OffsetDateTime = from.midnight().assume_utc();
    let end: OffsetDateTime = to.next_day().unwrap_or(to).midnight().assume_utc();

    // The spans results fall in: months, or the whole period under one key.
    let mut spans: Vec<(String, Date, Date)> = Vec::new();
    if by_month {
        let mut m = month_start(from);
        while m <= to {
            let last = next_month(m).previous_day().unwrap_or(m);
            spans.push((month_key(m), m.max(from), last.min(to)));
            m = next_month(m);
        }
    } else {
        spans.push((String::new(), from, to));
    }
    let mut out: Vec<(Date, Outputs)> = spans.iter().map(|(_, s, _)| (*s, Outputs::default())).collect();
    let slot = |key: &str| if by_month { spans.iter().position(|(k, _, _)| k == key) } else { Some(0) };
    let key = |column: &str, time: bool| -> String {
        if !by_month {
            return String::new();
        }
        let k = if time { month_of_time(backend, column) } else { month_of(backend, column) };
        format!("{k} AS k, ")
    };
    let group = |extra: &str| -> String {
        match (by_month, extra.is_empty()) {
            (true, true) => " GROUP BY k".to_string(),
            (true, false) => format!(" GROUP BY k, {extra}"),
            (false, true) => String::new(),
            (false, false) => format!(" GROUP BY {extra}"),
        }
    };
    let read_key = |row: &sea_orm::QueryResult| -> Result<Option<usize>, DbErr> {
        if by_month {
            let k: String = row.try_get_by_index(0)?;
            Ok(slot(&k))
        } else {
            Ok(Some(0))
        }
    };
    let first = usize::from(by_month);
    let held = SessionStatus::Held.code();
    let present = AttendanceStatus::Present.code();

    // Individual coaching contacts by mode, with minutes.
    let mut sql = Sql::new(backend);
    sql.push(&format!(
        "SELECT {}c.mode, COUNT(*), CAST(COALESCE(SUM(c.minutes), 0) AS BIGINT) FROM coaching_contacts c \
         WHERE c.org_id = ",
        key("c.occurred_at", true)
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
    sql.push(&group("c.mode"));
    for row in rows(conn, &sql).await? {
        let Some(i) = read_key(&row)? else { continue };
        let mode: String = row.try_get_by_index(first)?;
        let count: i64 = row.try_get_by_index(first + 1)?;
        let minutes: i64 = row.try_get_by_index(first + 2)?;
        let o = &mut out[i].1;
        o.contacts += count as u64;
        o.contact_hours += minutes as f64 / 60.0;
        o.contacts_by_mode.push((mode, count as u64));
    }

    // Group sessions held, their hours and anonymous attendance.
    let mut sql = Sql::new(backend);
    sql.push(&format!(
        "SELECT {}COUNT(*), {}, CAST(COALESCE(SUM(s.anonymous_count), 0) AS BIGINT) FROM group_sessions s \
         JOIN support_groups g ON g.org_id = s.org_id AND g.id = s.group_id WHERE s.org_id = ",
        key("s.starts_at", true),
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
    sql.push(&group(""));
    for row in rows(conn, &sql).await? {
        let Some(i) = read_key(&row)? else { continue };
        let sessions: i64 = row.try_get_by_index(first)?;
        let hours: f64 = row.try_get_by_index(first + 1)?;
        let anonymous: i64 = row.try_get_by_index(first + 2)?;
        let o = &mut out[i].1;
        o.group_sessions += sessions as u64;
        o.group_hours += hours;
        o.group_attendances += anonymous as u64;
    }

    // People present at held sessions.
    let mut sql = Sql::new(backend);
    sql.push(&format!(
        "SELECT {}COUNT(*) FROM group_attendance a \
         JOIN group_sessions s ON s.org_id = a.org_id AND s.id = a.session_id \
         JOIN support_groups g ON g.org_id = s.org_id AND g.id = s.group_id WHERE a.org_id = ",
        key("s.starts_at", true)
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
    sql.push(&group(""));
    for row in rows(conn, &sql).await? {
        let Some(i) = read_key(&row)? else { continue };
        let count: i64 = row.try_get_by_index(first)?;
        out[i].1.group_attendances += count as u64;
    }

    // Referrals made (by referral date) and connected (by connection date).
    for (column, connected) in [("r.referred_on", false), ("r.connected_on", true)] {
        let mut sql = Sql::new(backend);
        sql.push(&format!("SELECT {}COUNT(*) FROM referrals r WHERE r.org_id = ", key(column, false)))
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
        sql.push(&group(""));
        for row in rows(conn, &sql).await? {
            let Some(i) = read_key(&row)? else { continue };
            let count: i64 = row.try_get_by_index(first)?;
            if connected {
                out[i].1.referrals_connected += count as u64;
            } else {
                out[i].1.referrals_made += count as u64;
            }
        }
    }

    // Information-only contacts.
    let mut sql = Sql::new(backend);
    sql.push(&format!("SELECT {}COUNT(*) FROM info_contacts i WHERE i.org_id = ", key("i.at", true)))
        .bind(org_id)
        .push(" AND i.at >= ")
        .bind(start)
        .push(" AND i.at < ")
        .bind(end);
    if let Some(p) = program_id {
        sql.push(" AND i.program_id = ").bind(p);
    }
    sql.push(&group(""));
    for row in rows(conn, &sql).await? {
        let Some(i) = read_key(&row)? else { continue };
        let count: i64 = row.try_get_by_index(first)?;
        out[i].1.info_contacts += count as u64;
    }

    // People served: distinct people over every kind of service, per span. Enrolments are joined
    // to the spans themselves (written out as rows) so an enrolment counts in each month it covers.
    let date_literal = |d: Date| match backend {
        DbBackend::Postgres => format!("DATE '{d}'"),
        _ => format!("'{d}'"),
    };
    let span_rows: Vec<String> = spans
        .iter()
        .enumerate()
        .map(|(i, (_, s, e))| format!("SELECT {i} AS n, {} AS s, {} AS e", date_literal(*s), date_literal(*e)))
        .collect();
    let spans_sql = span_rows.join(" UNION ALL ");
    let span_of = |column: &str, time: bool| -> String {
        if by_month {
            let k = if time { month_of_time(backend, column) } else { month_of(backend, column) };
            format!("{k} AS k")
        } else {
            "'' AS k".to_string()
        }
    };
    let mut sql = Sql::new(backend);
    sql.push(&format!("SELECT x.k, COUNT(DISTINCT x.person_id) FROM (SELECT {}, c.person_id FROM coaching_contacts c WHERE c.org_id = ", span_of("c.occurred_at", true)))
        .bind(org_id)
        .push(" AND c.occurred_at >= ")
        .bind(start)
        .push(" AND c.occurred_at < ")
        .bind(end);
    if let Some(p) = program_id {
        sql.push(" AND c.program_id = ").bind(p);
    }
    sql.push(&format!(
        " UNION ALL SELECT {}, a.person_id FROM group_attendance a \
         JOIN group_sessions s ON s.org_id = a.org_id AND s.id = a.session_id \
         JOIN support_groups g ON g.org_id = s.org_id AND g.id = s.group_id WHERE a.org_id = ",
        span_of("s.starts_at", true)
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
    sql.push(&format!(
        " UNION ALL SELECT {}, r.person_id FROM referrals r WHERE r.org_id = ",
        span_of("r.referred_on", false)
    ))
    .bind(org_id)
    .push(" AND r.referred_on >= ")
    .bind(from)
    .push(" AND r.referred_on <= ")
    .bind(to);
    if let Some(p) = program_id {
        sql.push(" AND r.program_id = ").bind(p);
    }
    let span_key = if by_month {
        // The span's month key, rebuilt from its first day.
        month_of(backend, "m.s")
    } else {
        "''".to_string()
    };
    sql.push(&format!(
        " UNION ALL SELECT {span_key} AS k, e.person_id FROM ({spans_sql}) m \
         JOIN enrolments e ON e.started_on <= m.e AND (e.ended_on IS NULL OR e.ended_on >= m.s) WHERE e.org_id = "
    ))
    .bind(org_id)
    .push(" AND e.started_on <= ")
    .bind(to);
    if let Some(p) = program_id {
        sql.push(" AND e.program_id = ").bind(p);
    }
    sql.push(") x GROUP BY x.k");
    for row in rows(conn, &sql).await? {
        let k: String = row.try_get_by_index(0)?;
        let Some(i) = (if by_month { slot(&k) } else { Some(0) }) else { continue };
        let count: i64 = row.try_get_by_index(1)?;
        out[i].1.people_served = count as u64;
    }

    for (_, o) in &mut out {
        o.contacts_by_mode.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        o.contact_hours = (o.contact_hours * 100.0).round() / 100.0;
        o.group_hours = (o.group_hours * 100.0).round() / 100.0;
    }
    if by_month {
        for ((_, start, _), (date, _)) in spans.iter().zip(out.iter_mut()) {
            *date = month_start(*start);
        }
    }
    Ok(out)
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
}
