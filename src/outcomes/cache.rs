//! Dashboard figures kept between requests (`AppState.outcome_cache`).
//!
//! An entry is keyed by the organisation, what was asked (dashboard or a disaggregation, program,
//! period) and two things read cheaply on every request:
//! - the organisation's outcome generation (`stamp::current`), which every write that changes an
//!   outcome figure moves on in its own transaction (measurements, targets, instruments, people);
//! - a fingerprint of the record tables the outputs and derived indicators are counted from
//!   (contacts, group sessions and attendance, referrals, information contacts, enrolments, lapses,
//!   plan versions, opportunities): their row counts, read through the `org_id` indexes.
//!
//! So a new measurement or a new record shows on the next request. An edit to an existing contact,
//! plan or lapse changes neither, so entries also expire after [`MAX_AGE`]. The cache holds at most
//! [`CAPACITY`] entries, dropping the least recently used.

use crate::domain::disaggregation::Dimension;
use crate::outcomes::analytics::{Dashboard, Disaggregation, Filters};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How many entries are kept.
pub const CAPACITY: usize = 64;
/// How long an entry may be used when no generation or count has moved.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// The tables whose row counts make the fingerprint.
const COUNTED: &[&str] = &[
    "coaching_contacts",
    "group_sessions",
    "group_attendance",
    "referrals",
    "info_contacts",
    "enrolments",
    "lapses",
    "recovery_plan_versions",
    "opportunities",
];

/// What an entry holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Dashboard,
    Disaggregation(Dimension),
}

/// Everything an entry depends on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub org_id: Uuid,
    pub kind: Kind,
    pub filters: Filters,
    pub generation: i64,
    pub fingerprint: Vec<i64>,
}

#[derive(Clone)]
enum Held {
    Dashboard(Arc<Dashboard>),
    Disaggregation(Arc<Disaggregation>),
}

struct Entry {
    key: Key,
    value: Held,
    made: Instant,
    used: u64,
}

/// Dashboard figures kept between requests, keyed by the organisation's outcome generation.
#[derive(Default)]
pub struct OutcomeCache {
    entries: Mutex<Vec<Entry>>,
    clock: std::sync::atomic::AtomicU64,
}

impl OutcomeCache {
    fn get(&self, key: &Key) -> Option<Held> {
        let tick = self.clock.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        // Anything older than the generation or fingerprint asked for can never be used again.
        entries.retain(|e| {
            !(e.key.org_id == key.org_id
                && (e.key.generation != key.generation || e.key.fingerprint != key.fingerprint))
                && e.made.elapsed() < MAX_AGE
        });
        let entry = entries.iter_mut().find(|e| e.key == *key)?;
        entry.used = tick;
        Some(entry.value.clone())
    }

    fn put(&self, key: Key, value: Held) {
        let tick = self.clock.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|e| e.key != key);
        if entries.len() >= CAPACITY
            && let Some(oldest) = entries.iter().enumerate().min_by_key(|(_, e)| e.used).map(|(i, _)| i)
        {
            entries.swap_remove(oldest);
        }
        entries.push(Entry { key, value, made: Instant::now(), used: tick });
    }

    pub fn dashboard(&self, key: &Key) -> Option<Arc<Dashboard>> {
        match self.get(key)? {
            Held::Dashboard(d) => Some(d),
            Held::Disaggregation(_) => None,
        }
    }

    pub fn put_dashboard(&self, key: Key, value: Arc<Dashboard>) {
        self.put(key, Held::Dashboard(value));
    }

    pub fn disaggregation(&self, key: &Key) -> Option<Arc<Disaggregation>> {
        match self.get(key)? {
            Held::Disaggregation(d) => Some(d),
            Held::Dashboard(_) => None,
        }
    }

    pub fn put_disaggregation(&self, key: Key, value: Arc<Disaggregation>) {
        self.put(key, Held::Disaggregation(value));
    }

    /// How many entries are held now.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The record tables' row counts for the organisation, in one statement.
pub async fn fingerprint(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Vec<i64>, DbErr> {
    let backend = conn.get_database_backend();
    let parts: Vec<String> = COUNTED
        .iter()
        .enumerate()
        .map(|(i, table)| {
            let ph = match backend {
                DbBackend::Postgres => format!("${}", i + 1),
                _ => "?".to_string(),
            };
            format!("(SELECT COUNT(*) FROM {table} WHERE org_id = {ph})")
        })
        .collect();
    let sql = format!("SELECT {}", parts.join(", "));
    let values: Vec<Value> = COUNTED.iter().map(|_| org_id.into()).collect();
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?
        .ok_or_else(|| DbErr::Custom("fingerprint: no row".into()))?;
    (0..COUNTED.len()).map(|i| row.try_get_by_index::<i64>(i)).collect()
}

/// The key for `kind` over `filters` as the database stands now.
pub async fn key(conn: &impl ConnectionTrait, org_id: Uuid, kind: Kind, filters: Filters) -> Result<Key, DbErr> {
    let generation = crate::outcomes::stamp::current(conn, org_id).await?;
    let fingerprint = fingerprint(conn, org_id).await?;
    Ok(Key { org_id, kind, filters, generation, fingerprint })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn key(generation: i64, org: u128) -> Key {
        Key {
            org_id: Uuid::from_u128(org),
            kind: Kind::Dashboard,
            filters: Filters { program_id: None, from: date!(2026 - 01 - 01), to: date!(2026 - 12 - 31) },
            generation,
            fingerprint: vec![1, 2],
        }
    }

    fn dashboard(filters: Filters) -> Arc<Dashboard> {
        Arc::new(Dashboard {
            filters,
            program_name: None,
            months: vec![],
            outputs: Default::default(),
            measures: vec![],
            targets: vec![],
            distributions: vec![],
            participation: Default::default(),
        })
    }

    #[test]
    fn a_new_generation_misses_and_drops_the_old_entry() {
        let cache = OutcomeCache::default();
        cache.put_dashboard(key(1, 1), dashboard(key(1, 1).filters));
        assert!(cache.dashboard(&key(1, 1)).is_some());
        assert!(cache.dashboard(&key(2, 1)).is_none());
        assert_eq!(cache.len(), 0, "the stale entry is gone");
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        let cache = OutcomeCache::default();
        for org in 0..(CAPACITY as u128 + 10) {
            cache.put_dashboard(key(1, org), dashboard(key(1, org).filters));
        }
        assert_eq!(cache.len(), CAPACITY);
        assert!(cache.dashboard(&key(1, CAPACITY as u128 + 9)).is_some(), "the newest stays");
        assert!(cache.dashboard(&key(1, 0)).is_none(), "the oldest went");
    }

    #[test]
    fn a_disaggregation_is_not_a_dashboard() {
        let cache = OutcomeCache::default();
        cache.put_dashboard(key(1, 1), dashboard(key(1, 1).filters));
        let other = Key { kind: Kind::Disaggregation(Dimension::Race), ..key(1, 1) };
        assert!(cache.disaggregation(&other).is_none());
    }
}
