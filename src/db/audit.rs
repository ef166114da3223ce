//! Appending to and reading the audit chain.

use super::entities::audit_event::{self, Column, Entity as AuditEvent};
use super::{Db, Page, PageRequest, WriteTxn};
use crate::audit::{ChainReport, Chained, Entry, GENESIS_HASH, truncate_to_micros};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};
use time::OffsetDateTime;
use uuid::Uuid;

/// Appends inside the caller's transaction, so the event commits with the change it describes.
pub async fn append(txn: &WriteTxn, entry: Entry, now: OffsetDateTime) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        // Serialises appends per organisation across processes until this transaction ends.
        let key = i64::from_be_bytes(entry.org_id.as_bytes()[..8].try_into().unwrap_or([0; 8]));
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [key.into()],
        ))
        .await?;
    }
    let tail = AuditEvent::find()
        .filter(Column::OrgId.eq(entry.org_id))
        .order_by_desc(Column::Seq)
        .limit(1)
        .one(&**txn)
        .await?;
    let (seq, prev_hash) = match tail {
        Some(t) => (t.seq + 1, t.hash),
        None => (1, GENESIS_HASH.to_string()),
    };
    let occurred_at = truncate_to_micros(now);
    let detail = entry.detail.to_string();
    let hash = Chained {
        org_id: entry.org_id,
        seq,
        occurred_at,
        actor_id: entry.actor_id,
        actor_label: entry.actor_label.as_deref(),
        action: entry.action,
        outcome: entry.outcome.code(),
        record_type: entry.record_type,
        record_id: entry.record_id,
        ip: entry.ip.as_deref(),
        detail: &detail,
        prev_hash: &prev_hash,
    }
    .hash();
    AuditEvent::insert(audit_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(entry.org_id),
        seq: Set(seq),
        occurred_at: Set(occurred_at),
        actor_id: Set(entry.actor_id),
        actor_label: Set(entry.actor_label),
        action: Set(entry.action.to_string()),
        outcome: Set(entry.outcome.code().to_string()),
        record_type: Set(entry.record_type.map(str::to_string)),
        record_id: Set(entry.record_id),
        ip: Set(entry.ip),
        detail: Set(detail),
        prev_hash: Set(prev_hash),
        hash: Set(hash),
    })
    .exec_without_returning(&**txn)
    .await?;
    Ok(())
}

/// Appends in a transaction of its own (for reads, sign-ins and refusals).
pub async fn append_now(db: &Db, entry: Entry, now: OffsetDateTime) -> Result<(), DbErr> {
    let txn = db.begin_write().await?;
    append(&txn, entry, now).await?;
    txn.commit().await
}

/// Filters for browsing the log.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    pub actor_id: Option<Uuid>,
    pub record_id: Option<Uuid>,
    /// Action or action prefix, e.g. `person.` or `signin.failure`.
    pub action: Option<String>,
    pub outcome: Option<String>,
    pub from: Option<time::Date>,
    pub to: Option<time::Date>,
}

pub async fn list(
    db: &Db,
    org_id: Uuid,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<Page<audit_event::Model>, DbErr> {
    let page = page.clamp();
    let mut query = AuditEvent::find().filter(Column::OrgId.eq(org_id));
    if let Some(actor) = filter.actor_id {
        query = query.filter(Column::ActorId.eq(actor));
    }
    if let Some(record) = filter.record_id {
        query = query.filter(Column::RecordId.eq(record));
    }
    if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        query = query.filter(Column::Action.starts_with(action));
    }
    if let Some(outcome) = filter.outcome.as_deref().filter(|a| !a.is_empty()) {
        query = query.filter(Column::Outcome.eq(outcome));
    }
    if let Some(from) = filter.from {
        query = query.filter(Column::OccurredAt.gte(from.midnight().assume_utc()));
    }
    if let Some(to) = filter.to {
        query = query.filter(Column::OccurredAt.lt(to.next_day().unwrap_or(to).midnight().assume_utc()));
    }
    let total = query.clone().count(db.conn()).await?;
    let items = query.order_by_desc(Column::Seq).offset(page.offset()).limit(page.per_page).all(db.conn()).await?;
    Ok(Page { items, page: page.page, per_page: page.per_page, total })
}

/// Recent views of one record, newest first.
pub async fn recent_views(
    db: &Db,
    org_id: Uuid,
    record_id: Uuid,
    limit: u64,
) -> Result<Vec<audit_event::Model>, DbErr> {
    AuditEvent::find()
        .filter(Column::OrgId.eq(org_id))
        .filter(Column::RecordId.eq(record_id))
        .filter(Column::Action.eq("person.view"))
        .order_by_desc(Column::Seq)
        .limit(limit)
        .all(db.conn())
        .await
}

/// Every chain in the database: the organisations' and the system one.
pub async fn chains(db: &Db) -> Result<Vec<Uuid>, DbErr> {
    AuditEvent::find().select_only().column(Column::OrgId).distinct().into_tuple::<Uuid>().all(db.conn()).await
}

/// Walks one chain in order, recomputing each hash.
pub async fn verify_chain(db: &Db, org_id: Uuid) -> Result<ChainReport, DbErr> {
    let mut expected_prev = GENESIS_HASH.to_string();
    let mut expected_seq = 1;
    let mut events = 0;
    loop {
        let batch = AuditEvent::find()
            .filter(Column::OrgId.eq(org_id))
            .filter(Column::Seq.gte(expected_seq))
            .order_by_asc(Column::Seq)
            .limit(2000)
            .all(db.conn())
            .await?;
        if batch.is_empty() {
            return Ok(ChainReport { org_id, events, first_break: None });
        }
        for event in batch {
            let broken =
                |why: &str| Ok(ChainReport { org_id, events, first_break: Some((event.seq, why.to_string())) });
            if event.seq != expected_seq {
                return broken("an event is missing before this one");
            }
            if event.prev_hash != expected_prev {
                return broken("the link to the previous event does not match");
            }
            let recomputed = Chained {
                org_id: event.org_id,
                seq: event.seq,
                occurred_at: event.occurred_at,
                actor_id: event.actor_id,
                actor_label: event.actor_label.as_deref(),
                action: &event.action,
                outcome: &event.outcome,
                record_type: event.record_type.as_deref(),
                record_id: event.record_id,
                ip: event.ip.as_deref(),
                detail: &event.detail,
                prev_hash: &event.prev_hash,
            }
            .hash();
            if recomputed != event.hash {
                return broken("the event's contents were changed after it was written");
            }
            expected_prev = event.hash;
            expected_seq += 1;
            events += 1;
        }
    }
}
