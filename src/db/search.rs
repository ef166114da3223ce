//! Person search and duplicate detection over the trigram index.

use super::Db;
use super::entities::{person, person_search_term as term};
use super::people::{by_id_in_scope, by_ids, by_record_number, scope_condition};
use crate::access::PersonScope;
use crate::domain::person::ValidPerson;
use crate::domain::search::{
    CandidateNames, DuplicateSignals, MIN_NAME_SCORE, Query, full_name_similarity, name_score, name_trigrams,
};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query as Sql};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::BTreeSet;
use uuid::Uuid;

/// How many index candidates are re-ranked in memory.
const CANDIDATES: u64 = 300;

/// Ids of people sharing at least `min_shared` of `terms`, most shared first.
async fn candidates(
    db: &Db,
    org_id: Uuid,
    scope: &PersonScope,
    terms: &BTreeSet<String>,
    min_shared: usize,
) -> Result<Vec<Uuid>, DbErr> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = Sql::select();
    select
        .column(term::Column::PersonId)
        .from(term::Entity)
        .and_where(term::Column::OrgId.eq(org_id))
        .and_where(term::Column::Term.is_in(terms.iter().cloned()))
        .group_by_col(term::Column::PersonId)
        .and_having(Expr::col(term::Column::Term).count().gte(min_shared as i64))
        .order_by_expr(Expr::col(term::Column::Term).count(), Order::Desc)
        .limit(CANDIDATES);
    if let Some(condition) = scope_condition(org_id, scope) {
        // The scope condition names people.id; restate it over the index's person_id.
        let allowed = Sql::select()
            .column(person::Column::Id)
            .from(person::Entity)
            .and_where(person::Column::OrgId.eq(org_id))
            .cond_where(condition)
            .to_owned();
        select.and_where(term::Column::PersonId.in_subquery(allowed));
    }
    let statement = db.backend().build(&select);
    let rows = db.conn().query_all_raw(statement).await?;
    rows.iter().map(|row| row.try_get::<Uuid>("", "person_id")).collect()
}

/// A caseload this small is ranked in memory whole, without the trigram index.
const SMALL_SCOPE: u64 = 2000;

/// People matching the query, best first. Typos are forgiven; only people in scope are returned.
pub async fn search(db: &Db, org_id: Uuid, scope: &PersonScope, raw: &str, limit: usize) -> Result<Vec<Uuid>, DbErr> {
    let query = Query::parse(raw);
    match &query {
        Query::Empty => return Ok(Vec::new()),
        Query::RecordNumber(n) => return by_record_number(db, org_id, scope, *n).await,
        Query::Id(id) => return by_id_in_scope(db, org_id, scope, *id).await,
        Query::Phone(_) | Query::Name(_) => {}
    }
    // Ranking reads names only; callers load what they show for these ids, in this order.
    Ok(rank(&query, candidates_for(db, org_id, scope, &query).await?, limit).into_iter().map(|c| c.id).collect())
}

/// What ranking reads of a person.
trait Rankable {
    fn given(&self) -> &str;
    fn family(&self) -> &str;
    fn preferred(&self) -> Option<&str>;
    fn phone_digits(&self) -> Option<&str>;
}

impl Rankable for Candidate {
    fn given(&self) -> &str {
        &self.legal_given_name
    }
    fn family(&self) -> &str {
        &self.legal_family_name
    }
    fn preferred(&self) -> Option<&str> {
        self.preferred_name.as_deref()
    }
    fn phone_digits(&self) -> Option<&str> {
        self.phone_digits.as_deref()
    }
}

fn by_name<T: Rankable>(a: &T, b: &T) -> std::cmp::Ordering {
    a.family().cmp(b.family()).then_with(|| a.given().cmp(b.given()))
}

/// Phone queries: everyone whose number contains the digits, by name. Name queries: the best
/// matches first, those under the threshold left out.
fn rank<T: Rankable>(query: &Query, people: Vec<T>, limit: usize) -> Vec<T> {
    match query {
        Query::Phone(digits) => {
            let mut found: Vec<T> =
                people.into_iter().filter(|p| p.phone_digits().is_some_and(|d| d.contains(digits.as_str()))).collect();
            found.sort_by(by_name);
            found.truncate(limit);
            found
        }
        Query::Name(name) => {
            let mut scored: Vec<(f64, T)> = people
                .into_iter()
                .map(|p| {
                    let names = CandidateNames { given: p.given(), family: p.family(), preferred: p.preferred() };
                    (name_score(name, &names), p)
                })
                .filter(|(score, _)| *score >= MIN_NAME_SCORE)
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| by_name(&a.1, &b.1)));
            scored.into_iter().take(limit).map(|(_, p)| p).collect()
        }
        _ => Vec::new(),
    }
}

/// What ranking needs of a person.
#[derive(sea_orm::FromQueryResult)]
struct Candidate {
    id: Uuid,
    legal_given_name: String,
    legal_family_name: String,
    preferred_name: Option<String>,
    phone_digits: Option<String>,
}

fn candidate_select() -> sea_orm::Select<person::Entity> {
    use person::Column as C;
    person::Entity::find().select_only().columns([
        C::Id,
        C::LegalGivenName,
        C::LegalFamilyName,
        C::PreferredName,
        C::PhoneDigits,
    ])
}

/// A small caseload whole; otherwise the people sharing enough trigrams with the query.
async fn candidates_for(db: &Db, org_id: Uuid, scope: &PersonScope, query: &Query) -> Result<Vec<Candidate>, DbErr> {
    if let (PersonScope::Enrolled { .. }, Some(condition)) = (scope, scope_condition(org_id, scope)) {
        let whole: Vec<Candidate> = candidate_select()
            .filter(person::Column::OrgId.eq(org_id))
            .filter(condition)
            .limit(SMALL_SCOPE + 1)
            .into_model()
            .all(db.conn())
            .await?;
        if whole.len() as u64 <= SMALL_SCOPE {
            return Ok(whole);
        }
    }
    if let Query::Phone(digits) = query {
        // Phone trigrams are shared by nearly everyone (area codes, exchanges); scanning the
        // digits index is cheaper than counting them.
        let mut select = candidate_select()
            .filter(person::Column::OrgId.eq(org_id))
            .filter(person::Column::PhoneDigits.contains(digits.as_str()));
        if let Some(condition) = scope_condition(org_id, scope) {
            select = select.filter(condition);
        }
        return select.limit(500).into_model().all(db.conn()).await;
    }
    let ids = candidates(db, org_id, scope, &query.trigrams(), query.min_shared()).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    candidate_select()
        .filter(person::Column::OrgId.eq(org_id))
        .filter(person::Column::Id.is_in(ids))
        .into_model()
        .all(db.conn())
        .await
}

/// Existing records that may be the same person, across the whole organisation (the caller
/// decides how much of each it may show).
pub async fn likely_duplicates(
    db: &Db,
    org_id: Uuid,
    p: &ValidPerson,
    exclude: Option<Uuid>,
) -> Result<Vec<(person::Model, DuplicateSignals)>, DbErr> {
    let terms = name_trigrams(&format!("{} {}", p.legal_given_name, p.legal_family_name));
    let mut ids = candidates(db, org_id, &PersonScope::Everyone, &terms, (terms.len() / 2).max(1)).await?;
    let mut same_details = person::Entity::find().filter(person::Column::OrgId.eq(org_id));
    let mut any = sea_orm::Condition::any();
    if let Some(dob) = p.date_of_birth {
        any = any.add(person::Column::DateOfBirth.eq(dob));
    }
    let digits = p.phone_digits().filter(|d| d.len() >= 7);
    if let Some(d) = &digits {
        any = any.add(person::Column::PhoneDigits.eq(d.clone()));
    }
    if !any.is_empty() {
        same_details = same_details.filter(any);
        let extra: Vec<Uuid> =
            same_details.select_only().column(person::Column::Id).limit(500).into_tuple().all(db.conn()).await?;
        ids.extend(extra);
    }
    ids.sort();
    ids.dedup();
    ids.retain(|id| Some(*id) != exclude);
    let mut found: Vec<(person::Model, DuplicateSignals)> = by_ids(db, org_id, ids)
        .await?
        .into_iter()
        .filter_map(|existing| {
            let signals = DuplicateSignals {
                name_similarity: full_name_similarity(
                    &p.legal_given_name,
                    &p.legal_family_name,
                    &existing.legal_given_name,
                    &existing.legal_family_name,
                ),
                same_birth_date: p.date_of_birth.is_some() && p.date_of_birth == existing.date_of_birth,
                same_phone: digits.is_some() && digits == existing.phone_digits,
            };
            let both_dob = p.date_of_birth.is_some() && existing.date_of_birth.is_some();
            signals.is_likely_duplicate(both_dob).then_some((existing, signals))
        })
        .collect();
    found.sort_by(|a, b| b.1.name_similarity.total_cmp(&a.1.name_similarity));
    found.truncate(10);
    Ok(found)
}
