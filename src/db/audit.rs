//! Appending to and reading the audit chain.

use super::entities::audit_event::{self, Column, Entity as AuditEvent};
use super::{Db, Page, PageRequest, WriteTxn};
use crate::audit::{ChainReport, Chained, Entry, GENESIS_HASH, truncate_to_micros};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};
use std::collections::HashMap;
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

/// Appends inside the caller's transaction, so the event commits with the change it describes.
pub async fn append(txn: &WriteTxn, entry: Entry, now: OffsetDateTime) -> Result<(), DbErr> {
    append_many(txn, vec![(entry, now)]).await
}

/// Appends several events in order, reading each chain's tail once.
pub async fn append_many(txn: &WriteTxn, events: Vec<(Entry, OffsetDateTime)>) -> Result<(), DbErr> {
    let mut tails: HashMap<Uuid, (i64, String)> = HashMap::new();
    let mut rows = Vec::with_capacity(events.len());
    for (entry, now) in events {
        let (seq, prev_hash) = match tails.entry(entry.org_id) {
            std::collections::hash_map::Entry::Occupied(tail) => tail.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => slot.insert(chain_tail(txn, entry.org_id).await?),
        };
        *seq += 1;
        let row = chained_row(entry, *seq, prev_hash.clone(), now);
        *prev_hash = row.hash.clone().unwrap();
        rows.push(row);
    }
    if !rows.is_empty() {
        AuditEvent::insert_many(rows).exec_without_returning(&**txn).await?;
    }
    Ok(())
}

/// The last (seq, hash) of a chain, holding it for this transaction on PostgreSQL.
async fn chain_tail(txn: &WriteTxn, org_id: Uuid) -> Result<(i64, String), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        // Serialises appends per organisation across processes until this transaction ends.
        let key = i64::from_be_bytes(org_id.as_bytes()[..8].try_into().unwrap_or([0; 8]));
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [key.into()],
        ))
        .await?;
    }
    let tail =
        AuditEvent::find().filter(Column::OrgId.eq(org_id)).order_by_desc(Column::Seq).limit(1).one(&**txn).await?;
    Ok(match tail {
        Some(t) => (t.seq, t.hash),
        None => (0, GENESIS_HASH.to_string()),
    })
}

fn chained_row(entry: Entry, seq: i64, prev_hash: String, now: OffsetDateTime) -> audit_event::ActiveModel {
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
    audit_event::ActiveModel {
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
    }
}

/// An event, and where to report its commit when the caller waits for it.
/// No entry marks a flush: its waiter is answered once everything queued before it is committed.
type Pending = (Option<Entry>, OffsetDateTime, Option<oneshot::Sender<Result<(), String>>>);

/// Events that stand alone (views, searches, sign-ins) go through one writer task, which commits
/// concurrent requests' events together. A caller that waits (a record view, a refusal, a
/// sign-in) is answered after its event is durable, so a record is never shown without its view
/// being logged.
#[derive(Clone, Debug)]
pub struct AuditQueue {
    sender: mpsc::Sender<Pending>,
}

/// How long events nobody waits for may gather before they are committed. Every commit makes
/// SQLite's readers drop their page caches, so fewer, larger commits keep reads fast.
const GATHER_FOR: std::time::Duration = std::time::Duration::from_millis(25);
const BATCH: usize = 512;

fn drain(receiver: &mut mpsc::Receiver<Pending>, batch: &mut Vec<Pending>) {
    while batch.len() < BATCH {
        match receiver.try_recv() {
            Ok(next) => batch.push(next),
            Err(_) => break,
        }
    }
}

/// Waits for more events until the deadline, a waiting caller's event, or a full batch.
async fn gather(receiver: &mut mpsc::Receiver<Pending>, batch: &mut Vec<Pending>) {
    let deadline = tokio::time::sleep(GATHER_FOR);
    tokio::pin!(deadline);
    while batch.len() < BATCH {
        tokio::select! {
            _ = &mut deadline => break,
            next = receiver.recv() => match next {
                Some(pending) => {
                    let waited_for = pending.2.is_some();
                    batch.push(pending);
                    if waited_for {
                        break;
                    }
                }
                None => break,
            },
        }
    }
}

impl AuditQueue {
    /// Starts the writer task over `db` (a handle without a queue of its own).
    pub fn start(db: Db) -> AuditQueue {
        let (sender, mut receiver) = mpsc::channel::<Pending>(4096);
        tokio::spawn(async move {
            while let Some(first) = receiver.recv().await {
                let mut batch = vec![first];
                drain(&mut receiver, &mut batch);
                if batch.iter().all(|pending| pending.2.is_none()) {
                    gather(&mut receiver, &mut batch).await;
                    drain(&mut receiver, &mut batch);
                }
                let mut events = Vec::with_capacity(batch.len());
                let mut waiters = Vec::new();
                for (entry, at, waiter) in batch {
                    events.extend(entry.map(|e| (e, at)));
                    waiters.extend(waiter);
                }
                let result = write_batch(&db, events).await.map_err(|e| e.to_string());
                if let Err(e) = &result {
                    tracing::error!(error = %e, "could not write audit events");
                }
                for waiter in waiters {
                    let _ = waiter.send(result.clone());
                }
            }
        });
        AuditQueue { sender }
    }

    /// Queues without waiting for the commit (see `append_soon`).
    fn submit_soon(&self, entry: Entry, now: OffsetDateTime) -> Result<(), DbErr> {
        self.sender.try_send((Some(entry), now, None)).map_err(|_| DbErr::Custom("the audit queue is full".into()))
    }

    async fn submit(&self, entry: Entry, now: OffsetDateTime) -> Result<(), DbErr> {
        self.send_and_wait(Some(entry), now).await
    }

    /// Waits until every event queued so far is committed (before shutting down).
    pub async fn flush(&self) -> Result<(), DbErr> {
        self.send_and_wait(None, OffsetDateTime::now_utc()).await
    }

    async fn send_and_wait(&self, entry: Option<Entry>, now: OffsetDateTime) -> Result<(), DbErr> {
        let (done, wait) = oneshot::channel();
        let closed = || DbErr::Custom("the audit writer has stopped".into());
        self.sender.send((entry, now, Some(done))).await.map_err(|_| closed())?;
        wait.await.map_err(|_| closed())?.map_err(DbErr::Custom)
    }
}

async fn write_batch(db: &Db, events: Vec<(Entry, OffsetDateTime)>) -> Result<(), DbErr> {
    let txn = db.begin_write().await?;
    append_many(&txn, events).await?;
    txn.commit().await
}

/// Appends in a transaction of its own (for reads, sign-ins and refusals), through the group
/// commit queue when the handle has one.
pub async fn append_now(db: &Db, entry: Entry, now: OffsetDateTime) -> Result<(), DbErr> {
    match db.audit_queue() {
        Some(queue) => queue.submit(entry, now).await,
        None => write_batch(db, vec![(entry, now)]).await,
    }
}

/// Queues an event that names no person (a list or search: who, when, how many results) and
/// returns at once; it is committed with the next batch, within milliseconds. Views and changes of
/// a record never use this: they wait for their event to be durable.
pub async fn append_soon(db: &Db, entry: Entry, now: OffsetDateTime) -> Result<(), DbErr> {
    match db.audit_queue() {
        Some(queue) => match queue.submit_soon(entry.clone(), now) {
            Ok(()) => Ok(()),
            // Under a burst the queue may be full: then wait like any other event.
            Err(_) => queue.submit(entry, now).await,
        },
        None => write_batch(db, vec![(entry, now)]).await,
    }
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
