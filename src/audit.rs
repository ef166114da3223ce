//! The audit trail: who did what to which record, when and from where. Events are appended to a
//! per-organisation hash chain, so a changed or removed row breaks the chain and is detected.

use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

/// Organisation-less events (e.g. a sign-in attempt for an unknown address) use this chain.
pub const SYSTEM_ORG: Uuid = Uuid::nil();

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Outcome of the audited action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// One event to append. `detail` never holds names, notes or secrets: field names and ids only.
#[derive(Clone, Debug)]
pub struct Entry {
    pub org_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub actor_label: Option<String>,
    pub action: &'static str,
    pub outcome: Outcome,
    pub record_type: Option<&'static str>,
    pub record_id: Option<Uuid>,
    pub ip: Option<String>,
    pub detail: Value,
}

impl Entry {
    pub fn new(org_id: Uuid, action: &'static str) -> Entry {
        Entry {
            org_id,
            actor_id: None,
            actor_label: None,
            action,
            outcome: Outcome::Success,
            record_type: None,
            record_id: None,
            ip: None,
            detail: Value::Object(Default::default()),
        }
    }

    pub fn record(mut self, record_type: &'static str, id: Uuid) -> Entry {
        self.record_type = Some(record_type);
        self.record_id = Some(id);
        self
    }

    pub fn outcome(mut self, outcome: Outcome) -> Entry {
        self.outcome = outcome;
        self
    }

    pub fn detail(mut self, detail: Value) -> Entry {
        self.detail = detail;
        self
    }
}

/// The fields a hash covers, in their stored form.
pub struct Chained<'a> {
    pub org_id: Uuid,
    pub seq: i64,
    pub occurred_at: OffsetDateTime,
    pub actor_id: Option<Uuid>,
    pub actor_label: Option<&'a str>,
    pub action: &'a str,
    pub outcome: &'a str,
    pub record_type: Option<&'a str>,
    pub record_id: Option<Uuid>,
    pub ip: Option<&'a str>,
    pub detail: &'a str,
    pub prev_hash: &'a str,
}

impl Chained<'_> {
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        let opt = |v: Option<String>| v.unwrap_or_default();
        // Length-prefixed fields, so no two different events can serialise the same way.
        for field in [
            self.prev_hash.to_string(),
            self.org_id.to_string(),
            self.seq.to_string(),
            (self.occurred_at.unix_timestamp_nanos() / 1000).to_string(),
            opt(self.actor_id.map(|a| a.to_string())),
            opt(self.actor_label.map(str::to_string)),
            self.action.to_string(),
            self.outcome.to_string(),
            opt(self.record_type.map(str::to_string)),
            opt(self.record_id.map(|r| r.to_string())),
            opt(self.ip.map(str::to_string)),
            self.detail.to_string(),
        ] {
            h.update((field.len() as u64).to_be_bytes());
            h.update(field.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

/// Timestamps are kept to the microsecond, the precision both databases store.
pub fn truncate_to_micros(at: OffsetDateTime) -> OffsetDateTime {
    let nanos = at.nanosecond();
    at.replace_nanosecond(nanos - nanos % 1000).unwrap_or(at)
}

/// What `mainstay audit verify` found for one chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    pub org_id: Uuid,
    pub events: u64,
    pub first_break: Option<(i64, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample<'a>(prev: &'a str, detail: &'a str) -> Chained<'a> {
        Chained {
            org_id: Uuid::nil(),
            seq: 1,
            occurred_at: OffsetDateTime::UNIX_EPOCH,
            actor_id: None,
            actor_label: Some("a"),
            action: "person.view",
            outcome: "success",
            record_type: None,
            record_id: None,
            ip: None,
            detail,
            prev_hash: prev,
        }
    }

    #[test]
    fn hash_depends_on_every_field_and_the_previous_hash() {
        let base = sample(GENESIS_HASH, "{}").hash();
        assert_eq!(base, sample(GENESIS_HASH, "{}").hash());
        assert_ne!(base, sample("1", "{}").hash());
        assert_ne!(base, sample(GENESIS_HASH, "{\"x\":1}").hash());
    }

    #[test]
    fn micros_truncation_is_stable() {
        let at = OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_789).unwrap();
        assert_eq!(truncate_to_micros(at).nanosecond() % 1000, 0);
        assert_eq!(truncate_to_micros(truncate_to_micros(at)), truncate_to_micros(at));
    }
}
