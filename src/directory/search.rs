//! (being written by the directory work; `reindex`, `SearchQuery`, `Hit` and `search` signatures are
//! shared with import and the `/hsds/` API)

use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

/// Rebuilds the search index entries of these services from their stored HSDS rows (and drops the
/// entries of services that no longer exist). Import, edits and merges call it in their transaction.
pub async fn reindex(conn: &impl ConnectionTrait, org_id: Uuid, service_ids: &[String]) -> Result<(), DbErr> {
    let _ = (conn, org_id, service_ids);
    Ok(())
}

/// A place to measure distance from, and how far is too far.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Near {
    pub latitude: f64,
    pub longitude: f64,
    pub within_km: Option<f64>,
}

/// What a directory search asks for; empty fields do not filter.
#[derive(Clone, Debug, Default)]
pub struct SearchQuery {
    /// Free text: typos forgiven, synonyms followed ("food" finds "pantry").
    pub text: String,
    /// HSDS taxonomy term ids; a service with any of them matches.
    pub taxonomy_term_ids: Vec<String>,
    pub taxonomy_id: Option<String>,
    pub organization_id: Option<String>,
    /// Only services offering this language (a name or code: "Spanish", "es", "spa").
    pub language: Option<String>,
    /// Rank services offering this language first, without filtering (the person's language).
    pub prefer_language: Option<String>,
    pub free_or_low_cost: bool,
    /// Only services whose age eligibility admits this age.
    pub age: Option<u32>,
    /// Only services open at this local time (the organisation's time zone).
    pub open_at: Option<jiff::civil::DateTime>,
    pub near: Option<Near>,
    /// HSDS `modified_after`: services changed after this instant.
    pub modified_after: Option<time::OffsetDateTime>,
    /// Inactive and defunct services are left out unless asked for.
    pub include_inactive: bool,
}

/// One matching service, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub service_id: String,
    pub score: f64,
    pub distance_km: Option<f64>,
}

/// Matching services (total count and one page of hits, best first).
pub async fn search(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    query: &SearchQuery,
    limit: u64,
    offset: u64,
) -> Result<(u64, Vec<Hit>), DbErr> {
    let _ = (conn, org_id, query, limit, offset);
    Ok((0, Vec::new()))
}
