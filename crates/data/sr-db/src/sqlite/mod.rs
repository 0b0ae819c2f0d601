//! SQLite: introspection into a snapshot, row counts and stored DDL.
//!
//! Pragmas report columns, keys and index columns; the CREATE statements in
//! `sqlite_schema` add what pragmas leave out (see `parse`). Only the `main`
//! schema is introspected; attached databases are not part of a connection
//! profile.

mod introspect;
pub(crate) mod lexer;
mod parse;
#[cfg(test)]
mod parse_tests;

use sqlx::SqlitePool;
use sr_model::ObjectKind;

use crate::DbError;

pub(crate) use introspect::introspect;

/// The schema objects live in.
pub(crate) const MAIN: &str = "main";

/// `name` as a double-quoted SQL identifier.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn query_error(url: &str, doing: impl Into<String>) -> impl FnOnce(sqlx::Error) -> DbError {
    let url = url.to_owned();
    let doing = doing.into();
    move |source| DbError::Query { url, doing, source }
}

/// The `sqlite_schema` type of an object kind, where SQLite has the kind.
fn schema_type(kind: ObjectKind) -> Option<&'static str> {
    match kind {
        ObjectKind::Table => Some("table"),
        ObjectKind::View => Some("view"),
        ObjectKind::Index => Some("index"),
        ObjectKind::Trigger => Some("trigger"),
        _ => None,
    }
}

/// Fails with `NotFound` unless SQLite keeps an object `kind` `schema.name`.
async fn require_object(
    pool: &SqlitePool,
    url: &str,
    kind: ObjectKind,
    schema: &str,
    name: &str,
) -> Result<(), DbError> {
    let not_found = || DbError::NotFound {
        kind,
        schema: schema.to_owned(),
        name: name.to_owned(),
        url: url.to_owned(),
    };
    let Some(ty) = schema_type(kind) else {
        return Err(not_found());
    };
    if !schema_exists(pool, url, schema).await? {
        return Err(not_found());
    }
    let sql = format!(
        "SELECT name FROM {}.sqlite_master WHERE type = ?1 AND name = ?2",
        quote_ident(schema)
    );
    let found: Option<String> = sqlx::query_scalar(&sql)
        .bind(ty)
        .bind(name)
        .fetch_optional(pool)
        .await
        .map_err(query_error(url, format!("looking up {schema}.{name}")))?;
    found.map(drop).ok_or_else(not_found)
}

/// The exact number of rows in `schema.table`.
pub(crate) async fn row_count(
    pool: &SqlitePool,
    url: &str,
    schema: &str,
    table: &str,
) -> Result<u64, DbError> {
    // Check the name first, so a typo is "does not exist", not an SQL error.
    require_object(pool, url, ObjectKind::Table, schema, table).await?;
    let sql = format!(
        "SELECT count(*) FROM {}.{}",
        quote_ident(schema),
        quote_ident(table)
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

async fn schema_exists(pool: &SqlitePool, url: &str, schema: &str) -> Result<bool, DbError> {
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_database_list")
        .fetch_all(pool)
        .await
        .map_err(query_error(url, "listing the attached databases"))?;
    Ok(names.iter().any(|n| n == schema))
}
