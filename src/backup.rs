//! A consistent copy of a SQLite database taken while the server is running.

use crate::db::Db;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::path::Path;

/// Writes a transactionally consistent copy to `target` with SQLite's `VACUUM INTO`, which reads
/// one snapshot while other connections keep writing.
pub async fn backup_sqlite(db: &Db, target: &Path) -> anyhow::Result<u64> {
    if db.backend() != DbBackend::Sqlite {
        anyhow::bail!("backup copies SQLite databases; for PostgreSQL use pg_dump");
    }
    if target.exists() {
        anyhow::bail!("{} already exists; choose a new file name", target.display());
    }
    let path = target.to_str().ok_or_else(|| anyhow::anyhow!("the backup path must be valid UTF-8"))?;
    db.conn().execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, "VACUUM INTO ?", [path.into()])).await?;
    Ok(std::fs::metadata(target)?.len())
}
