//! CSE 6.02: the resource directory, counted in SQL (a directory can hold 20 000 services).
//!
//! "Active" resources are the listed ones: every service whose HSDS status is not `inactive` or
//! `defunct` (a temporarily closed service stays on the resource list 6.02 asks for).

use super::{as_of, failing};
use crate::directory::resources::{self, format_date, parse_date, record_uuid, stale_cutoff};
use crate::domain::directory::ResourceFact;
use crate::standards::measures::{FAILING_SHOWN, MeasureKey, MeasureResult, RecordKind, Scope};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, QueryResult};
use uuid::Uuid;

/// The search index keeps, per service, which of the six facts `Resource::missing_facts` found
/// missing (one bit each in `ResourceFact::ALL` order) as the weight of this term; every write to
/// the directory reindexes the service in its transaction.
const MISSING_TERM: &str = "#missing";

fn c(table: &str, column: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

/// Listed services of the organisation (`s`), with their index entry for the missing facts (`t`,
/// absent for a service never indexed).
fn listed(org_id: Uuid) -> SelectStatement {
    let mut q = Query::select();
    q.from_as(Alias::new("hsds_service"), Alias::new("s"))
        .join_as(
            sea_orm::JoinType::LeftJoin,
            Alias::new("directory_terms"),
            Alias::new("t"),
            c("t", "org_id")
                .equals((Alias::new("s"), Alias::new("org_id")))
                .and(c("t", "service_id").equals((Alias::new("s"), Alias::new("id"))))
                .and(c("t", "term").eq(MISSING_TERM)),
        )
        .and_where(c("s", "org_id").eq(org_id))
        .and_where(c("s", "status").is_null().or(c("s", "status").is_not_in(["inactive", "defunct"])));
    q
}

async fn rows(conn: &DatabaseConnection, q: &SelectStatement) -> Result<Vec<QueryResult>, DbErr> {
    conn.query_all_raw(conn.get_database_backend().build(q)).await
}

fn count(rows: &[QueryResult], column: &str) -> Result<u64, DbErr> {
    let n: Option<i64> = match rows.first() {
        Some(r) => r.try_get("", column)?,
        None => None,
    };
    Ok(super::count_of(n))
}

fn resource_failing(id: &str, name: &str, why: &str, args: &[(&str, String)]) -> crate::standards::measures::Failing {
    let uuid = record_uuid(id).unwrap_or(Uuid::nil());
    failing(RecordKind::Resource, uuid, name, why, args, format!("/directory/{id}"))
}

fn facts_text(facts: &[ResourceFact]) -> String {
    facts.iter().map(|f| f.code()).collect::<Vec<_>>().join(", ")
}

/// CSE 6.02 (complete). Total: listed resources. Met: none of the six 6.02 facts (name, location and
/// phone; contact person; services; languages; fees; eligibility) is missing, by the directory's own
/// rule `Resource::missing_facts`, read from the search index where every save records it; a
/// service the index has never seen is loaded and checked directly. Failing: the resource, with the
/// missing fact codes (`facts`), by name.
pub(super) async fn complete(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    let mut totals = listed(scope.org_id);
    totals
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("total"))
        .expr_as(Expr::cust("SUM(CASE WHEN t.weight = 0 THEN 1 ELSE 0 END)"), Alias::new("met"));
    let found = rows(conn, &totals).await?;
    let (total, mut met) = (count(&found, "total")?, count(&found, "met")?);

    // Never indexed (a bulk load that bypassed the index): checked with the rule itself.
    let mut unindexed = listed(scope.org_id);
    unindexed.column((Alias::new("s"), Alias::new("id"))).and_where(c("t", "weight").is_null());
    let mut ids = Vec::new();
    for row in rows(conn, &unindexed).await? {
        ids.push(row.try_get::<String>("", "id")?);
    }
    let mut out = Vec::new();
    for resource in resources::load_many(conn, scope.org_id, &ids).await? {
        let missing = resource.missing_facts();
        if missing.is_empty() {
            met += 1;
        } else if out.len() < FAILING_SHOWN {
            let args = [("facts", facts_text(&missing)), ("count", missing.len().to_string())];
            out.push(resource_failing(resource.id(), resource.name(), "readiness-why-resource-missing-facts", &args));
        }
    }

    let mut short = listed(scope.org_id);
    short
        .column((Alias::new("s"), Alias::new("id")))
        .column((Alias::new("s"), Alias::new("name")))
        .expr_as(c("t", "weight"), Alias::new("missing"))
        .and_where(c("t", "weight").ne(0))
        .order_by((Alias::new("s"), Alias::new("name")), Order::Asc)
        .order_by((Alias::new("s"), Alias::new("id")), Order::Asc)
        .limit(FAILING_SHOWN as u64);
    for row in rows(conn, &short).await? {
        let id: String = row.try_get("", "id")?;
        let name: Option<String> = row.try_get("", "name")?;
        let bits: i32 = row.try_get("", "missing")?;
        let missing: Vec<ResourceFact> =
            ResourceFact::ALL.iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, f)| *f).collect();
        let args = [("facts", facts_text(&missing)), ("count", missing.len().to_string())];
        out.push(resource_failing(
            &id,
            name.as_deref().unwrap_or_default(),
            "readiness-why-resource-missing-facts",
            &args,
        ));
    }
    Ok(MeasureResult::new(MeasureKey::ResourcesComplete, met, total, out))
}

/// CSE 6.02 (up to date). Total: listed resources. Met: verified (HSDS `assured_date`) no longer ago
/// than the directory's verification interval (`directory_settings.verify_months`, 12 by default),
/// judged on `as_of` with the stale worklist's own cutoff. Failing: never-verified resources first,
/// then the oldest verification, with its date.
pub(super) async fn verified(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    let months = crate::directory::settings::load(conn, scope.org_id).await?.verify_months;
    let cutoff = format_date(stale_cutoff(months, as_of(scope)));
    let current = c("s", "assured_date").is_not_null().and(c("s", "assured_date").gte(cutoff.clone()));
    let mut totals = listed(scope.org_id);
    totals.expr_as(Expr::cust("COUNT(*)"), Alias::new("total"));
    let mut fresh = listed(scope.org_id);
    fresh.expr_as(Expr::cust("COUNT(*)"), Alias::new("met")).and_where(current.clone());
    let total = count(&rows(conn, &totals).await?, "total")?;
    let met = count(&rows(conn, &fresh).await?, "met")?;

    let mut stale = listed(scope.org_id);
    stale
        .column((Alias::new("s"), Alias::new("id")))
        .column((Alias::new("s"), Alias::new("name")))
        .column((Alias::new("s"), Alias::new("assured_date")))
        .and_where(current.not())
        .order_by_expr(c("s", "assured_date").is_null(), Order::Desc)
        .order_by((Alias::new("s"), Alias::new("assured_date")), Order::Asc)
        .order_by((Alias::new("s"), Alias::new("name")), Order::Asc)
        .limit(FAILING_SHOWN as u64);
    let mut out = Vec::new();
    for row in rows(conn, &stale).await? {
        let id: String = row.try_get("", "id")?;
        let name: Option<String> = row.try_get("", "name")?;
        let name = name.as_deref().unwrap_or_default();
        let assured: Option<String> = row.try_get("", "assured_date")?;
        out.push(match assured.as_deref().and_then(parse_date) {
            Some(on) => resource_failing(
                &id,
                name,
                "readiness-why-resource-verification-stale",
                &[("verified", on.to_string()), ("months", months.to_string())],
            ),
            None => resource_failing(&id, name, "readiness-why-resource-never-verified", &[]),
        });
    }
    Ok(MeasureResult::new(MeasureKey::ResourcesVerified, met, total, out))
}
