//! Capturing a statement's plan, and PostgreSQL's own statistics of it.
//!
//! EXPLAIN ANALYZE executes the statement, so it runs only for a plain
//! SELECT ([`StatementKind::Select`]); a write is explained without
//! ANALYZE, which plans it and runs nothing.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{Executor, MySqlPool, PgPool, Row, SqlitePool};

use super::plan::{self, PlanSummary};
use crate::database::BoxFuture;

/// PostgreSQL's `pg_stat_statements` for the benched query, or why there
/// is nothing to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum StatStatements {
    /// Only PostgreSQL has it.
    NotPostgres,
    /// The extension is not installed in this database.
    NotInstalled { hint: String },
    /// Installed, but the view cannot be read (e.g. the library is not in
    /// `shared_preload_libraries`, or the role may not read it).
    Unavailable { reason: String },
    /// The server computed no query identifier to look the query up by.
    NoQueryId { hint: String },
    /// Readable, but it holds no entry for this query (yet).
    NotRecorded { queryid: i64 },
    Found {
        queryid: i64,
        calls: i64,
        mean_ms: f64,
        total_ms: f64,
        rows: i64,
    },
}

/// The plan of `sql` on PostgreSQL, and the query identifier it reports
/// (for `pg_stat_statements`).
pub(crate) fn postgres<'a>(
    pool: &'a PgPool,
    sql: &'a str,
    analyze: bool,
) -> BoxFuture<'a, Result<(PlanSummary, Option<i64>), sqlx::Error>> {
    Box::pin(async move {
        let options = if analyze {
            "ANALYZE, BUFFERS, VERBOSE, FORMAT JSON"
        } else {
            "VERBOSE, FORMAT JSON"
        };
        let row = sqlx::query(&format!("EXPLAIN ({options}) {sql}"))
            .fetch_one(pool)
            .await?;
        let json: sqlx::types::Json<Value> = row.try_get(0)?;
        let queryid = json
            .0
            .as_array()
            .and_then(|a| a.first())
            .and_then(|p| p.get("Query Identifier"))
            .and_then(Value::as_i64)
            .filter(|id| *id != 0);
        Ok((plan::postgres(&json.0, analyze), queryid))
    })
}

/// `pg_stat_statements` for `queryid` in the current database.
pub(crate) fn stat_statements(
    pool: &PgPool,
    queryid: Option<i64>,
) -> BoxFuture<'_, StatStatements> {
    Box::pin(async move {
        let installed: Result<bool, sqlx::Error> = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements')",
        )
        .fetch_one(pool)
        .await;
        match installed {
            Ok(true) => {}
            Ok(false) => {
                return StatStatements::NotInstalled {
                    hint: "pg_stat_statements is not installed in this database; add it to \
                       shared_preload_libraries, restart the server and run \
                       CREATE EXTENSION pg_stat_statements"
                        .into(),
                };
            }
            Err(e) => {
                return StatStatements::Unavailable {
                    reason: e.to_string(),
                };
            }
        }
        let Some(queryid) = queryid else {
            return StatStatements::NoQueryId {
                hint: "the server reported no query identifier; set compute_query_id = on \
                   (or auto with pg_stat_statements preloaded)"
                    .into(),
            };
        };
        let row = sqlx::query(
        "SELECT sum(calls)::bigint AS calls, sum(total_exec_time)::float8 AS total_ms, \
                sum(rows)::bigint AS rows \
         FROM pg_stat_statements \
         WHERE queryid = $1 AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .bind(queryid)
    .fetch_one(pool)
    .await;
        let read = row.and_then(|r| {
            Ok((
                r.try_get::<Option<i64>, _>("calls")?,
                r.try_get::<Option<f64>, _>("total_ms")?,
                r.try_get::<Option<i64>, _>("rows")?,
            ))
        });
        match read {
            Ok((Some(calls), Some(total_ms), rows)) if calls > 0 => StatStatements::Found {
                queryid,
                calls,
                mean_ms: total_ms / calls as f64,
                total_ms,
                rows: rows.unwrap_or(0),
            },
            Ok(_) => StatStatements::NotRecorded { queryid },
            Err(e) => StatStatements::Unavailable {
                reason: e.to_string(),
            },
        }
    })
}

/// The plan of `sql` on MariaDB (`ANALYZE FORMAT=JSON` for a SELECT, which
/// runs it) or MySQL (no JSON ANALYZE: `EXPLAIN FORMAT=JSON`, noted).
pub(crate) fn mysql<'a>(
    pool: &'a MySqlPool,
    sql: &'a str,
    analyze: bool,
) -> BoxFuture<'a, Result<PlanSummary, sqlx::Error>> {
    Box::pin(async move {
        let text = |r: sqlx::mysql::MySqlRow| -> Result<Value, sqlx::Error> {
            let s: String = r.try_get(0)?;
            serde_json::from_str(&s).map_err(|e| sqlx::Error::Decode(Box::new(e)))
        };
        if analyze {
            match sqlx::raw_sql(&format!("ANALYZE FORMAT=JSON {sql}"))
                .fetch_one(pool)
                .await
            {
                Ok(r) => return Ok(plan::mysql(&text(r)?, true)),
                Err(e) => {
                    let r = sqlx::raw_sql(&format!("EXPLAIN FORMAT=JSON {sql}"))
                        .fetch_one(pool)
                        .await?;
                    let mut s = plan::mysql(&text(r)?, false);
                    s.notes.push(format!(
                        "ANALYZE FORMAT=JSON is not supported here ({e}); the plan is estimated"
                    ));
                    return Ok(s);
                }
            }
        }
        let r = sqlx::raw_sql(&format!("EXPLAIN FORMAT=JSON {sql}"))
            .fetch_one(pool)
            .await?;
        Ok(plan::mysql(&text(r)?, false))
    })
}

/// `EXPLAIN QUERY PLAN` on SQLite (it has no ANALYZE of a single query).
pub(crate) fn sqlite<'a>(
    pool: &'a SqlitePool,
    sql: &'a str,
) -> BoxFuture<'a, Result<PlanSummary, sqlx::Error>> {
    Box::pin(async move {
        let mut conn = pool.acquire().await?;
        // EXPLAIN QUERY PLAN reads nothing from the file, so a connection
        // would plan with the schema it last loaded (missing an index made
        // since); reading the schema table first makes it check.
        conn.fetch_all("SELECT count(*) FROM sqlite_schema").await?;
        let rows = conn
            .fetch_all(format!("EXPLAIN QUERY PLAN {sql}").as_str())
            .await?;
        let details = rows
            .iter()
            .map(|r| r.try_get::<String, _>("detail"))
            .collect::<Result<Vec<_>, _>>()?;
        let mut s = plan::sqlite(&details);
        s.notes
            .push("SQLite's EXPLAIN QUERY PLAN names scans and indexes but counts no rows".into());
        Ok(s)
    })
}
