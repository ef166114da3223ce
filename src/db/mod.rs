//! The only place that knows SQL and backends. Plain functions per aggregate.

pub mod audit;
pub mod coaching;
pub mod entities;
pub mod intake;
pub mod migrations;
pub mod org;
pub mod people;
pub mod search;
pub mod sessions;
pub mod staff;
pub mod tokens;

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, Statement,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// A database handle. On SQLite, which allows one writer at a time, write transactions take an
/// in-process gate first so they queue instead of failing with "database is locked".
#[derive(Clone, Debug)]
pub struct Db {
    conn: DatabaseConnection,
    /// Where write transactions run: on SQLite a one-connection pool of its own, so a writer
    /// never queues behind readers for a connection; on PostgreSQL the shared pool.
    writer: DatabaseConnection,
    write_gate: Option<Arc<Mutex<()>>>,
    audit_queue: Option<audit::AuditQueue>,
}

/// Counts changes to what access decisions read (accounts, roles, supervision, program
/// membership, organisations, sessions), so in-memory caches of them drop stale entries at once.
static ACCESS_GENERATION: AtomicU64 = AtomicU64::new(0);

pub fn access_generation() -> u64 {
    ACCESS_GENERATION.load(Ordering::SeqCst)
}

pub fn access_changed() {
    ACCESS_GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// A write transaction (holding the SQLite write gate, if any, until commit or drop).
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _gate: Option<OwnedMutexGuard<()>>,
    changes_access: AtomicBool,
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTxn {
    /// Caches are invalidated after commit, so no request can re-cache the old state.
    pub async fn commit(self) -> Result<(), DbErr> {
        let changed = self.changes_access.load(Ordering::SeqCst);
        self.txn.commit().await?;
        if changed {
            access_changed();
        }
        Ok(())
    }

    /// Marks this transaction as changing what access decisions read.
    pub fn mark_access_change(&self) {
        self.changes_access.store(true, Ordering::SeqCst);
    }
}

/// Which database a URL selects; anything else is refused with a clear message.
/// Whether `url` names an SQLite file that does not exist yet.
pub fn is_new_sqlite_file(url: &str) -> bool {
    use std::str::FromStr;
    // sqlx gives an in-memory database a made-up file name, so those are told apart by the URL.
    if check_url(url) != Ok(DbBackend::Sqlite) || url.contains(":memory:") || url.contains("mode=memory") {
        return false;
    }
    match SqliteConnectOptions::from_str(url) {
        Ok(options) => {
            let file = options.get_filename();
            !file.as_os_str().is_empty() && !file.exists()
        }
        Err(_) => false,
    }
}

pub fn check_url(url: &str) -> Result<DbBackend, String> {
    if url.starts_with("sqlite:") {
        Ok(DbBackend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(DbBackend::Postgres)
    } else {
        Err(format!(
            "unsupported database URL scheme in {:?}: use sqlite://FILE or postgres://USER@HOST/DB",
            url.split(':').next().unwrap_or("")
        ))
    }
}

impl Db {
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        Self::connect_with(url, SqliteJournalMode::Wal).await
    }

    /// For filling a new SQLite file in one large transaction (the demo): pages go straight into
    /// the file instead of into the write-ahead log first and the file again at the checkpoint
    /// (the 50 000-person demo: 32 s before, 22 s after). The next ordinary connection turns
    /// write-ahead logging back on.
    pub async fn connect_new_for_bulk_load(url: &str) -> anyhow::Result<Db> {
        Self::connect_with(url, SqliteJournalMode::Delete).await
    }

    async fn connect_with(url: &str, journal: SqliteJournalMode) -> anyhow::Result<Db> {
        let backend = check_url(url).map_err(anyhow::Error::msg)?;
        let mut options = ConnectOptions::new(url.to_string());
        options.sqlx_logging(false).acquire_timeout(Duration::from_secs(15));
        let (conn, writer, write_gate) = match backend {
            DbBackend::Sqlite => {
                options.map_sqlx_sqlite_opts(move |o| {
                    o.create_if_missing(true)
                        .journal_mode(journal)
                        .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                        .busy_timeout(Duration::from_secs(15))
                        .pragma("cache_size", "-16000")
                });
                let mut write_options = options.clone();
                write_options.max_connections(1).min_connections(1);
                options.max_connections(4).min_connections(1);
                let writer = sea_orm::Database::connect(write_options).await?;
                let conn = sea_orm::Database::connect(options).await?;
                (conn, writer, Some(Arc::new(Mutex::new(()))))
            }
            _ => {
                // No JIT compilation: this application's queries are short, and PostgreSQL compiled
                // the readiness measures' plans for longer than they then ran (538 ms of JIT for a
                // 610 ms query; the PRSC evidence took 2.9 s with it).
                options.map_sqlx_postgres_opts(|o| o.options([("jit", "off")])).max_connections(16).min_connections(1);
                let conn = sea_orm::Database::connect(options).await?;
                (conn.clone(), conn, None)
            }
        };
        let for_queue =
            Db { conn: conn.clone(), writer: writer.clone(), write_gate: write_gate.clone(), audit_queue: None };
        Ok(Db { conn, writer, write_gate, audit_queue: Some(audit::AuditQueue::start(for_queue)) })
    }

    pub async fn migrate(&self) -> Result<(), DbErr> {
        // On the writer: its one SQLite connection sees each schema change the migration before made
        // (a pooled reader could still hold the old schema, and refuse to recreate a dropped index).
        migrations::Migrator::up(&self.writer, None).await?;
        self.optimize().await
    }

    /// Refreshes SQLite's planner statistics where they are missing or stale. Without them SQLite
    /// scans a whole organisation's people to apply a caseload filter instead of looking the
    /// caseload up by id (measured: 100 ms against 0.3 ms with 50 000 people). PostgreSQL's
    /// autovacuum keeps its own statistics.
    pub async fn optimize(&self) -> Result<(), DbErr> {
        if self.backend() == DbBackend::Sqlite {
            self.conn.execute_unprepared("PRAGMA optimize=0x10002").await?;
        }
        Ok(())
    }

    /// Drops secondary indexes before a bulk load inside `txn` and returns their definitions for
    /// [`Db::restore_indexes`]: building an index once from the loaded rows is several times
    /// quicker than keeping it sorted through hundreds of thousands of inserts.
    pub async fn defer_indexes(txn: &WriteTxn, names: &[&str]) -> Result<Vec<String>, DbErr> {
        let backend = txn.get_database_backend();
        let mut saved = Vec::new();
        for name in names {
            let (sql, value) = match backend {
                DbBackend::Postgres => ("SELECT indexdef AS def FROM pg_indexes WHERE indexname = $1", *name),
                _ => ("SELECT sql AS def FROM sqlite_master WHERE type = 'index' AND name = ?", *name),
            };
            let row = txn.query_one_raw(Statement::from_sql_and_values(backend, sql, [value.into()])).await?;
            let Some(def) = row.map(|r| r.try_get::<String>("", "def")).transpose()? else {
                continue;
            };
            txn.execute_unprepared(&format!("DROP INDEX \"{name}\"")).await?;
            saved.push(def);
        }
        Ok(saved)
    }

    /// Builds again the indexes [`Db::defer_indexes`] dropped.
    pub async fn restore_indexes(txn: &WriteTxn, definitions: Vec<String>) -> Result<(), DbErr> {
        for def in definitions {
            txn.execute_unprepared(&def).await?;
        }
        Ok(())
    }

    /// Full statistics after a bulk load, and on SQLite the write-ahead log folded back into the
    /// database file (one big transaction leaves a log as large as the data, which slows reads).
    pub async fn after_bulk_load(&self) -> Result<(), DbErr> {
        self.conn.execute_unprepared("ANALYZE").await?;
        if self.backend() == DbBackend::Sqlite {
            self.conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await?;
        }
        Ok(())
    }

    pub fn audit_queue(&self) -> Option<&audit::AuditQueue> {
        self.audit_queue.as_ref()
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    pub async fn begin_write(&self) -> Result<WriteTxn, DbErr> {
        let gate = match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        };
        Ok(WriteTxn { txn: self.writer.begin().await?, _gate: gate, changes_access: AtomicBool::new(false) })
    }

    pub async fn ping(&self) -> bool {
        self.conn.ping().await.is_ok()
    }

    pub async fn close(self) {
        let _ = self.conn.close().await;
        let _ = self.writer.close().await;
    }
}

/// A page of results and where it sits in the whole list.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            total: self.total,
        }
    }
}

/// Page request from a query string: 1-based page, bounded size.
#[derive(Clone, Copy, Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest { page: 1, per_page: 25 }
    }
}

impl PageRequest {
    pub fn clamp(self) -> PageRequest {
        PageRequest { page: self.page.clamp(1, 1_000_000), per_page: self.per_page.clamp(1, 100) }
    }

    pub fn offset(self) -> u64 {
        (self.page.max(1) - 1) * self.per_page
    }
}

/// Updates guarded by a version number fail with this when someone saved first.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the record was changed by someone else")]
    Conflict,
    #[error("not found")]
    NotFound,
    #[error("{field} is already taken")]
    Duplicate { field: &'static str },
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl WriteError {
    /// Maps a unique-constraint violation to the field it guards.
    pub fn from_db(err: DbErr, unique_field: &'static str) -> WriteError {
        match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => WriteError::Duplicate { field: unique_field },
            _ => WriteError::Db(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_bulk_loaded_file_returns_to_write_ahead_logging() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("new.db").display());
        assert!(is_new_sqlite_file(&url));
        assert!(!is_new_sqlite_file("sqlite::memory:"));
        assert!(!is_new_sqlite_file("sqlite://scratch?mode=memory"));
        assert!(!is_new_sqlite_file("postgres://mainstay@127.0.0.1/mainstay"));
        let journal = |db: Db| async move {
            let row =
                db.conn().query_one_raw(sea_orm::Statement::from_string(DbBackend::Sqlite, "PRAGMA journal_mode"));
            let mode: String = row.await.expect("pragma").expect("a row").try_get_by_index(0).expect("text");
            db.conn().clone().close().await.expect("close");
            mode
        };
        let bulk = Db::connect_new_for_bulk_load(&url).await.expect("connect");
        bulk.migrate().await.expect("migrate");
        assert!(!is_new_sqlite_file(&url), "the file exists once written");
        assert_eq!(journal(bulk).await, "delete");
        assert_eq!(journal(Db::connect(&url).await.expect("reconnect")).await, "wal");
    }
}
