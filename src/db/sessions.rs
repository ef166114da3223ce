//! Server-side sessions for tower-sessions, stored in our own database. The signed-in staff id is
//! copied into its own column so "sign out everywhere" can delete every session of a person.

use super::Db;
use super::entities::session::{self, Column, Entity as Session};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use time::OffsetDateTime;
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use uuid::Uuid;

pub const STAFF_KEY: &str = "staff_id";
pub const ORG_KEY: &str = "org_id";

/// Recently loaded or saved sessions, so a signed-in page does not read its session row every
/// time. Entries live at most ten seconds and drop as soon as access data changes (sign-out
/// everywhere bumps the generation), which bounds staleness when several servers share a database.
#[derive(Debug, Default)]
struct RecentSessions {
    entries: std::sync::Mutex<std::collections::HashMap<String, (Record, u64, std::time::Instant)>>,
}

const CACHE_FOR: std::time::Duration = std::time::Duration::from_secs(10);

impl RecentSessions {
    fn get(&self, id: &str) -> Option<Record> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let (record, generation, at) = entries.get(id)?;
        let fresh = *generation == super::access_generation() && at.elapsed() < CACHE_FOR;
        (fresh && record.expiry_date > OffsetDateTime::now_utc()).then(|| record.clone())
    }

    fn put(&self, record: &Record) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() > 10_000 {
            entries.clear();
        }
        entries.insert(record.id.to_string(), (record.clone(), super::access_generation(), std::time::Instant::now()));
    }

    fn forget(&self, id: &str) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
    }
}

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
    recent: std::sync::Arc<RecentSessions>,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        Self { db, recent: Default::default() }
    }
}

fn backend(err: impl std::fmt::Display) -> Error {
    Error::Backend(err.to_string())
}

fn uuid_in(record: &Record, key: &str) -> Option<Uuid> {
    record.data.get(key).and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok())
}

fn row(record: &Record) -> Result<session::ActiveModel> {
    Ok(session::ActiveModel {
        id: Set(record.id.to_string()),
        org_id: Set(uuid_in(record, ORG_KEY)),
        staff_id: Set(uuid_in(record, STAFF_KEY)),
        data: Set(serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?),
        expires_at: Set(record.expiry_date),
    })
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let txn = self.db.begin_write().await.map_err(backend)?;
        // Ids are random 128-bit values; on the rare collision, draw again.
        while Session::find_by_id(record.id.to_string()).one(&*txn).await.map_err(backend)?.is_some() {
            record.id = Id::default();
        }
        Session::insert(row(record)?).exec_without_returning(&*txn).await.map_err(backend)?;
        txn.commit().await.map_err(backend)?;
        self.recent.put(record);
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let txn = self.db.begin_write().await.map_err(backend)?;
        // Only an existing row is updated: a session ended meanwhile (sign out everywhere, a
        // password change) must not be brought back by a request that was still in flight.
        let result = Session::update_many()
            .set(row(record)?)
            .filter(Column::Id.eq(record.id.to_string()))
            .exec(&*txn)
            .await
            .map_err(backend)?;
        txn.commit().await.map_err(backend)?;
        if result.rows_affected > 0 {
            self.recent.put(record);
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        if let Some(record) = self.recent.get(&id.to_string()) {
            return Ok(Some(record));
        }
        let Some(found) = Session::find_by_id(id.to_string()).one(self.db.conn()).await.map_err(backend)? else {
            return Ok(None);
        };
        if found.expires_at <= OffsetDateTime::now_utc() {
            return Ok(None);
        }
        let data = serde_json::from_str(&found.data).map_err(|e| Error::Decode(e.to_string()))?;
        let record = Record { id: *id, data, expiry_date: found.expires_at };
        self.recent.put(&record);
        Ok(Some(record))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.recent.forget(&id.to_string());
        let txn = self.db.begin_write().await.map_err(backend)?;
        Session::delete_by_id(id.to_string()).exec(&*txn).await.map_err(backend)?;
        txn.commit().await.map_err(backend)
    }
}

/// Ends every session of a staff member (sign out everywhere, password change, deactivation).
pub async fn delete_for_staff(db: &Db, staff_id: Uuid) -> std::result::Result<u64, sea_orm::DbErr> {
    let txn = db.begin_write().await?;
    let result = Session::delete_many().filter(Column::StaffId.eq(staff_id)).exec(&*txn).await?;
    txn.mark_access_change();
    txn.commit().await?;
    Ok(result.rows_affected)
}

pub async fn count_for_staff(db: &Db, staff_id: Uuid) -> std::result::Result<u64, sea_orm::DbErr> {
    use sea_orm::PaginatorTrait;
    Session::find()
        .filter(Column::StaffId.eq(staff_id))
        .filter(Column::ExpiresAt.gt(OffsetDateTime::now_utc()))
        .count(db.conn())
        .await
}

/// Removes expired sessions (run periodically by the server).
pub async fn delete_expired(db: &Db) -> std::result::Result<u64, sea_orm::DbErr> {
    let txn = db.begin_write().await?;
    let result = Session::delete_many().filter(Column::ExpiresAt.lte(OffsetDateTime::now_utc())).exec(&*txn).await?;
    txn.commit().await?;
    Ok(result.rows_affected)
}
