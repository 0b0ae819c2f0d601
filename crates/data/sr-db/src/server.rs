//! Row estimates and object DDL on PostgreSQL and MySQL: estimates come
//! from the server's statistics, DDL from the snapshot through sr-schema's
//! renderer.

use sqlx::{MySqlPool, PgPool};
use sr_model::ObjectKind;

use crate::DbError;

fn query_error(url: &str, doing: String) -> impl FnOnce(sqlx::Error) -> DbError {
    let url = url.to_owned();
    move |source| DbError::Query { url, doing, source }
}

fn not_found(url: &str, kind: ObjectKind, schema: &str, name: &str) -> DbError {
    DbError::NotFound {
        kind,
        schema: schema.to_owned(),
        name: name.to_owned(),
        url: url.to_owned(),
    }
}

/// PostgreSQL's planner estimate; an exact count when the table was never
/// analysed (the estimate is then -1).
pub(crate) async fn pg_rows(
    pool: &PgPool,
    url: &str,
    schema: &str,
    table: &str,
) -> Result<u64, DbError> {
    let estimate: Option<f32> = sqlx::query_scalar(
        "SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'm')",
    )
    .bind(schema)
    .bind(table)
    .fetch_optional(pool)
    .await
    .map_err(query_error(
        url,
        format!("reading the row estimate of {schema}.{table}"),
    ))?;
    let Some(estimate) = estimate else {
        return Err(not_found(url, ObjectKind::Table, schema, table));
    };
    if estimate >= 0.0 {
        // Estimates are whole numbers well inside u64.
        return Ok(estimate.round() as u64);
    }
    let sql = format!(
        "SELECT count(*) FROM \"{}\".\"{}\"",
        schema.replace('"', "\"\""),
        table.replace('"', "\"\"")
    );
    let n: i64 = sqlx::query_scalar(&sql)
        .fetch_one(pool)
        .await
        .map_err(query_error(
            url,
            format!("counting the rows of {schema}.{table}"),
        ))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// `information_schema.TABLES.TABLE_ROWS`: exact for MyISAM and Aria,
/// an estimate for InnoDB.
pub(crate) async fn mysql_rows(
    pool: &MySqlPool,
    url: &str,
    schema: &str,
    table: &str,
) -> Result<u64, DbError> {
    let rows: Option<Option<u64>> = sqlx::query_scalar(
        "SELECT CAST(TABLE_ROWS AS UNSIGNED) FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND TABLE_TYPE = 'BASE TABLE'",
    )
    .bind(schema)
    .bind(table)
    .fetch_optional(pool)
    .await
    .map_err(query_error(
        url,
        format!("reading the row estimate of {schema}.{table}"),
    ))?;
    match rows {
        Some(n) => Ok(n.unwrap_or(0)),
        None => Err(not_found(url, ObjectKind::Table, schema, table)),
    }
}
