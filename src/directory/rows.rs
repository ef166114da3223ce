//! Reading and writing HSDS rows generically, table by table, as JSON objects holding exactly the
//! HSDS fields (absent when empty). Import, export, the `/hsds/` API and the directory pages share it.

use super::hsds_tables::{FieldKind, Table};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Order, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DbErr, QueryResult};
use serde_json::{Map, Value};
use std::collections::HashSet;
use time::OffsetDateTime;
use uuid::Uuid;

/// One HSDS row: field name → value, only fields that hold something.
pub type Row = Map<String, Value>;

/// Rows per INSERT: the widest table has 24 fields, so 400 rows stay under every bind limit.
const BATCH: usize = 400;

fn col(name: &str) -> Alias {
    Alias::new(name)
}

fn read_row(table: &Table, result: &QueryResult) -> Result<Row, DbErr> {
    let mut row = Row::new();
    for field in table.fields {
        let value = match field.kind {
            FieldKind::Number => result.try_get::<Option<f64>>("", field.name)?.map(number),
            _ if field.name == "id" => Some(Value::String(result.try_get::<String>("", "id")?)),
            _ => result.try_get::<Option<String>>("", field.name)?.map(Value::String),
        };
        if let Some(value) = value {
            row.insert(field.name.to_string(), value);
        }
    }
    Ok(row)
}

/// Whole numbers come back as integers (an age of 18, not 18.0).
pub fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map(Value::Number).unwrap_or(Value::Null)
    }
}

/// The database value for one field of a row (NULL when absent or not of the field's kind).
fn db_value(kind: FieldKind, value: Option<&Value>) -> SimpleExpr {
    match (kind, value) {
        (FieldKind::Number, Some(Value::Number(n))) => Expr::val(n.as_f64()),
        (FieldKind::Number, _) => Expr::val(Option::<f64>::None),
        (_, Some(Value::String(s))) => Expr::val(s.clone()),
        (_, Some(other)) if !other.is_null() => Expr::val(other.to_string()),
        _ => Expr::val(Option::<String>::None),
    }
}

fn select(org_id: Uuid, table: &Table) -> sea_orm::sea_query::SelectStatement {
    let mut select = Query::select();
    select.from(col(table.sql)).and_where(Expr::col(col("org_id")).eq(org_id));
    for field in table.fields {
        select.column(col(field.name));
    }
    select
}

async fn run(
    conn: &impl ConnectionTrait,
    table: &Table,
    select: &sea_orm::sea_query::SelectStatement,
) -> Result<Vec<Row>, DbErr> {
    let statement = conn.get_database_backend().build(select);
    conn.query_all_raw(statement).await?.iter().map(|r| read_row(table, r)).collect()
}

/// Rows whose `field` is one of `values`, ordered by id.
pub async fn load_where(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    table: &Table,
    field: &str,
    values: &[String],
) -> Result<Vec<Row>, DbErr> {
    let mut out = Vec::new();
    for chunk in values.chunks(BATCH) {
        let mut select = select(org_id, table);
        select.and_where(Expr::col(col(field)).is_in(chunk.iter().cloned())).order_by(col("id"), Order::Asc);
        out.extend(run(conn, table, &select).await?);
    }
    Ok(out)
}

/// One row by id.
pub async fn load_one(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    table: &Table,
    id: &str,
) -> Result<Option<Row>, DbErr> {
    Ok(load_where(conn, org_id, table, "id", &[id.to_string()]).await?.into_iter().next())
}

/// Every row of the table for the organisation, ordered by id.
pub async fn load_all(conn: &impl ConnectionTrait, org_id: Uuid, table: &Table) -> Result<Vec<Row>, DbErr> {
    let mut select = select(org_id, table);
    select.order_by(col("id"), Order::Asc);
    run(conn, table, &select).await
}

/// Which of `ids` already exist in the table.
pub async fn existing_ids(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    table: &Table,
    ids: &[String],
) -> Result<HashSet<String>, DbErr> {
    let mut out = HashSet::new();
    for chunk in ids.chunks(BATCH) {
        let mut select = Query::select();
        select
            .column(col("id"))
            .from(col(table.sql))
            .and_where(Expr::col(col("org_id")).eq(org_id))
            .and_where(Expr::col(col("id")).is_in(chunk.iter().cloned()));
        let statement = conn.get_database_backend().build(&select);
        for row in conn.query_all_raw(statement).await? {
            out.insert(row.try_get::<String>("", "id")?);
        }
    }
    Ok(out)
}

/// Inserts the rows, or replaces every HSDS field of rows that already exist (same id), bumping
/// their `row_version`. Rows must carry a string `id`.
pub async fn upsert(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    table: &Table,
    rows: &[Row],
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    for chunk in rows.chunks(BATCH) {
        let mut insert = Query::insert();
        insert.into_table(col(table.sql));
        let mut columns = vec![col("org_id")];
        columns.extend(table.fields.iter().map(|f| col(f.name)));
        columns.push(col("row_updated_at"));
        insert.columns(columns);
        for row in chunk {
            let mut values: Vec<SimpleExpr> = vec![Expr::val(org_id)];
            values.extend(table.fields.iter().map(|f| db_value(f.kind, row.get(f.name))));
            values.push(Expr::val(now));
            insert.values_panic(values);
        }
        let mut on_conflict = OnConflict::columns([col("org_id"), col("id")]);
        on_conflict.update_columns(table.fields.iter().skip(1).map(|f| col(f.name)).chain([col("row_updated_at")]));
        on_conflict.value(col("row_version"), Expr::col((col(table.sql), col("row_version"))).add(1));
        insert.on_conflict(on_conflict);
        let statement = conn.get_database_backend().build(&insert);
        conn.execute_raw(statement).await?;
    }
    Ok(())
}

/// Deletes the rows whose `field` is one of `values`.
pub async fn delete_where(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    table: &Table,
    field: &str,
    values: &[String],
) -> Result<u64, DbErr> {
    let mut deleted = 0;
    for chunk in values.chunks(BATCH) {
        let mut delete = Query::delete();
        delete
            .from_table(col(table.sql))
            .and_where(Expr::col(col("org_id")).eq(org_id))
            .and_where(Expr::col(col(field)).is_in(chunk.iter().cloned()));
        let statement = conn.get_database_backend().build(&delete);
        deleted += conn.execute_raw(statement).await?.rows_affected();
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_read_back_as_integers() {
        assert_eq!(number(18.0), Value::from(18));
        assert_eq!(number(51.5072), serde_json::json!(51.5072));
        assert_eq!(number(-0.1276), serde_json::json!(-0.1276));
    }
}
