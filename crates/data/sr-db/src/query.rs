//! Running a user's statement for the SQL editor: every value comes back
//! as text (NULL kept apart), the rows stop at a limit, and a cancelled
//! statement is stopped on the server, not only abandoned.
//!
//! PostgreSQL and MySQL/MariaDB statements go through the simple (text)
//! protocol, so each value arrives as the server prints it, whatever its
//! type; SQLite values are typed and printed here.

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use sqlx::{Column, Decode, Either, Executor, Row, ValueRef};
use tokio::sync::watch;

use crate::DbError;
use crate::database::{BoxFuture, Database, DbPool};

/// A statement's answer: column names, rows of text cells, and what the
/// statement did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryOutput {
    pub columns: Vec<String>,
    /// Row-major cells, `columns.len()` per row; `None` is NULL.
    pub cells: Vec<Option<Box<str>>>,
    /// Rows changed by statements that change rows.
    pub rows_affected: u64,
    /// More rows were available than the limit let through.
    pub truncated: bool,
    pub elapsed: Duration,
}

impl QueryOutput {
    pub fn row_count(&self) -> usize {
        self.cells
            .len()
            .checked_div(self.columns.len())
            .unwrap_or(0)
    }

    /// Row `i`'s cells.
    pub fn row(&self, i: usize) -> &[Option<Box<str>>] {
        let n = self.columns.len();
        self.cells.get(i * n..(i + 1) * n).unwrap_or(&[])
    }
}

/// Stops a running statement: [`QueryCancel::cancel`] from any thread.
#[derive(Debug, Clone)]
pub struct QueryCancel(watch::Sender<bool>);

impl QueryCancel {
    pub fn new() -> (QueryCancel, watch::Receiver<bool>) {
        let (tx, rx) = watch::channel(false);
        (QueryCancel(tx), rx)
    }

    pub fn cancel(&self) {
        self.0.send_replace(true);
    }
}

impl Database {
    /// Runs `sql` (one statement or several; the rows of the first that
    /// returns any are kept) and keeps at most `max_rows` rows. When
    /// `cancel` fires the statement is cancelled on the server
    /// (`pg_cancel_backend`, `KILL QUERY`) and the answer is
    /// [`DbError::StatementCancelled`].
    pub fn run_query<'a>(
        &'a self,
        sql: &'a str,
        max_rows: usize,
        mut cancel: watch::Receiver<bool>,
    ) -> BoxFuture<'a, Result<QueryOutput, DbError>> {
        Box::pin(async move {
            let started = Instant::now();
            let fail = |source| DbError::Query {
                url: self.url().to_owned(),
                doing: "running the statement".into(),
                source,
            };
            let mut out = match self.pool() {
                DbPool::Sqlite(p) => {
                    let mut conn = p.acquire().await.map_err(fail)?;
                    let run = collect(&mut *conn, sql, max_rows, sqlite_text);
                    // Dropping the stream stops SQLite stepping the statement.
                    tokio::select! {
                        r = run => r.map_err(fail)?,
                        _ = cancelled(&mut cancel) => return Err(DbError::StatementCancelled {
                                url: self.url().to_owned(),
                            }),
                    }
                }
                DbPool::Postgres(p) => {
                    let mut conn = p.acquire().await.map_err(fail)?;
                    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(fail)?;
                    let run = collect(&mut *conn, sql, max_rows, pg_text);
                    tokio::select! {
                        r = run => r.map_err(fail)?,
                        _ = cancelled(&mut cancel) => {
                            // The connection is mid-statement: close it
                            // rather than return it, and stop the server.
                            conn.detach();
                            let _ = sqlx::query("SELECT pg_cancel_backend($1)")
                                .bind(pid)
                                .execute(p)
                                .await;
                            return Err(DbError::StatementCancelled {
                                url: self.url().to_owned(),
                            });
                        }
                    }
                }
                DbPool::MySql(p) => {
                    let mut conn = p.acquire().await.map_err(fail)?;
                    let id: u64 = sqlx::query_scalar("SELECT CONNECTION_ID()")
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(fail)?;
                    let run = collect(&mut *conn, sql, max_rows, mysql_text);
                    tokio::select! {
                        r = run => r.map_err(fail)?,
                        _ = cancelled(&mut cancel) => {
                            conn.detach();
                            let _ = sqlx::raw_sql(&format!("KILL QUERY {id}")).execute(p).await;
                            return Err(DbError::StatementCancelled {
                                url: self.url().to_owned(),
                            });
                        }
                    }
                }
            };
            out.elapsed = started.elapsed();
            Ok(out)
        })
    }

    /// The plan of `sql` as the dialect prints it (`EXPLAIN`, `EXPLAIN
    /// QUERY PLAN` on SQLite), one line per row. Never executes `sql`.
    pub fn explain<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<String, DbError>> {
        Box::pin(async move {
            let statement = match self.dialect() {
                crate::Dialect::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
                _ => format!("EXPLAIN {sql}"),
            };
            let (_, cancel) = QueryCancel::new();
            let out = self.run_query(&statement, 10_000, cancel).await?;
            let text_of = |c: &Option<Box<str>>| c.as_deref().unwrap_or("NULL").to_owned();
            let lines: Vec<String> = (0..out.row_count())
                .map(|i| {
                    let row = out.row(i);
                    match self.dialect() {
                        // id, parent, notused, detail: the detail says it.
                        crate::Dialect::Sqlite => row.last().map(text_of).unwrap_or_default(),
                        _ => row.iter().map(text_of).collect::<Vec<_>>().join(" | "),
                    }
                })
                .collect();
            let mut text = String::new();
            if self.dialect() == crate::Dialect::MySql {
                text.push_str(&out.columns.join(" | "));
                text.push('\n');
            }
            text.push_str(&lines.join("\n"));
            Ok(text)
        })
    }
}

/// Resolves once `cancel` turns true; never when its sender is gone.
async fn cancelled(cancel: &mut watch::Receiver<bool>) {
    if cancel.wait_for(|c| *c).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Runs `sql` as a raw (simple-protocol) batch and gathers its first row
/// set as text.
async fn collect<'c, E, DB>(
    executor: E,
    sql: &'c str,
    max_rows: usize,
    text: fn(&DB::Row, usize) -> Option<Box<str>>,
) -> Result<QueryOutput, sqlx::Error>
where
    E: Executor<'c, Database = DB>,
    DB: sqlx::Database,
{
    let mut out = QueryOutput::default();
    let mut stream = executor.fetch_many(sqlx::raw_sql(sql));
    let mut rows = 0usize;
    // Rows of later row sets (a second SELECT in the batch) are not shown.
    let mut set_done = false;
    while let Some(step) = stream.try_next().await? {
        match step {
            Either::Left(result) => {
                out.rows_affected += sqlx_rows_affected::<DB>(&result);
                if rows > 0 || !out.columns.is_empty() {
                    set_done = true;
                }
            }
            Either::Right(row) => {
                if set_done {
                    continue;
                }
                if out.columns.is_empty() {
                    out.columns = row.columns().iter().map(|c| c.name().to_owned()).collect();
                }
                if rows == max_rows {
                    out.truncated = true;
                    break;
                }
                out.cells
                    .extend((0..out.columns.len()).map(|i| text(&row, i)));
                rows += 1;
            }
        }
    }
    Ok(out)
}

fn sqlx_rows_affected<DB: sqlx::Database>(result: &DB::QueryResult) -> u64 {
    // Every sqlx backend's result type implements `Extend` of itself and
    // has `rows_affected`, but not through a shared trait; this asks the
    // concrete types.
    let any: &dyn std::any::Any = result;
    if let Some(r) = any.downcast_ref::<sqlx::sqlite::SqliteQueryResult>() {
        r.rows_affected()
    } else if let Some(r) = any.downcast_ref::<sqlx::postgres::PgQueryResult>() {
        r.rows_affected()
    } else if let Some(r) = any.downcast_ref::<sqlx::mysql::MySqlQueryResult>() {
        r.rows_affected()
    } else {
        0
    }
}

fn pg_text(row: &sqlx::postgres::PgRow, i: usize) -> Option<Box<str>> {
    let value = row.try_get_raw(i).ok()?;
    if value.is_null() {
        return None;
    }
    Some(match value.as_str() {
        Ok(s) => s.into(),
        Err(_) => hex(value.as_bytes().unwrap_or_default()).into(),
    })
}

fn mysql_text(row: &sqlx::mysql::MySqlRow, i: usize) -> Option<Box<str>> {
    let value = row.try_get_raw(i).ok()?;
    if value.is_null() {
        return None;
    }
    // The text protocol: the bytes are the server's rendering.
    let bytes = <&[u8] as Decode<sqlx::MySql>>::decode(value).unwrap_or_default();
    Some(match std::str::from_utf8(bytes) {
        Ok(s) => s.into(),
        Err(_) => hex(bytes).into(),
    })
}

fn sqlite_text(row: &sqlx::sqlite::SqliteRow, i: usize) -> Option<Box<str>> {
    let value = row.try_get_raw(i).ok()?;
    if value.is_null() {
        return None;
    }
    let kind = sqlx::TypeInfo::name(&*value.type_info()).to_ascii_uppercase();
    let text = match kind.as_str() {
        "INTEGER" | "BOOLEAN" | "INT8" => <i64 as Decode<sqlx::Sqlite>>::decode(value)
            .map(|v| v.to_string())
            .ok(),
        "REAL" => <f64 as Decode<sqlx::Sqlite>>::decode(value)
            .map(real_text)
            .ok(),
        "BLOB" => <Vec<u8> as Decode<sqlx::Sqlite>>::decode(value)
            .map(|v| hex(&v))
            .ok(),
        _ => <String as Decode<sqlx::Sqlite>>::decode(value).ok(),
    };
    Some(text.unwrap_or_default().into())
}

/// A REAL the way the sqlite3 shell prints it: whole numbers keep `.0`.
fn real_text(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.1}")
    } else {
        v.to_string()
    }
}

/// Binary values as `\x0a1b…`, the way psql prints bytea.
fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + bytes.len() * 2);
    s.push_str("\\x");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}
