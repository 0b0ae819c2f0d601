//! MySQL/MariaDB checks, from `information_schema.PROCESSLIST`, InnoDB's
//! transaction and lock-wait tables (MariaDB's `information_schema`, or
//! MySQL 8's `performance_schema.data_lock_waits`), the server status and
//! the replica status.

use std::time::{Duration, Instant};

use serde_json::json;
use sqlx::{MySqlPool, Row};

use super::verdict::{
    blocked_result, could_not_run, graded, human, long_running_result, saturation_result,
    truncate_query,
};
use super::{HealthCheckResult, HealthConfig, Severity};

type ProcessRow = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
);

/// Statements running at least the warning threshold (whole seconds, as
/// the process list counts), oldest first.
pub(super) async fn long_running(pool: &MySqlPool, config: &HealthConfig) -> HealthCheckResult {
    let started = Instant::now();
    let rows: Result<Vec<ProcessRow>, _> = sqlx::query_as(
        "SELECT CAST(ID AS SIGNED), USER, HOST, DB, CAST(TIME AS SIGNED), STATE, INFO \
         FROM information_schema.PROCESSLIST \
         WHERE COMMAND NOT IN ('Sleep', 'Daemon', 'Binlog Dump', 'Binlog Dump GTID') \
           AND ID <> CONNECTION_ID() AND INFO IS NOT NULL AND TIME >= ? \
         ORDER BY TIME DESC \
         LIMIT ?",
    )
    .bind(config.long_query_warning.as_secs_f64().floor() as i64)
    .bind(config.max_sessions as i64)
    .fetch_all(pool)
    .await;
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => return could_not_run("long_running_queries", "running queries", &e, started),
    };
    let sessions = rows
        .into_iter()
        .map(|(id, user, host, db, time, state, info)| {
            let query = truncate_query(info.as_deref().unwrap_or(""), config.query_text_limit);
            (
                time as f64,
                json!({"pid": id, "user": user, "host": host, "database": db,
                       "state": state, "running_s": time, "query": query}),
            )
        })
        .collect();
    long_running_result(sessions, config, started)
}

type WaitRow = (
    i64,
    Option<String>,
    Option<i64>,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// MariaDB (and MySQL 5.7): InnoDB's own lock-wait table.
const INNODB_WAITS: &str = "\
    SELECT CAST(r.trx_mysql_thread_id AS SIGNED), r.trx_query, \
           CAST(TIMESTAMPDIFF(SECOND, r.trx_wait_started, NOW()) AS SIGNED), \
           (SELECT CONCAT(l.lock_mode, ' ', l.lock_type, ' on ', l.lock_table) \
              FROM information_schema.INNODB_LOCKS l WHERE l.lock_id = w.requested_lock_id LIMIT 1), \
           CAST(b.trx_mysql_thread_id AS SIGNED), b.trx_query, b.trx_state, \
           CAST(TIMESTAMPDIFF(SECOND, b.trx_started, NOW()) AS SIGNED) \
    FROM information_schema.INNODB_LOCK_WAITS w \
    JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id \
    JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id \
    ORDER BY r.trx_wait_started \
    LIMIT ?";

/// MySQL 8: the performance schema's lock waits.
const PERFORMANCE_SCHEMA_WAITS: &str = "\
    SELECT CAST(r.trx_mysql_thread_id AS SIGNED), r.trx_query, \
           CAST(TIMESTAMPDIFF(SECOND, r.trx_wait_started, NOW()) AS SIGNED), \
           (SELECT CONCAT(l.LOCK_MODE, ' ', l.LOCK_TYPE, ' on ', l.OBJECT_SCHEMA, '.', l.OBJECT_NAME) \
              FROM performance_schema.data_locks l \
             WHERE l.ENGINE_LOCK_ID = w.REQUESTING_ENGINE_LOCK_ID LIMIT 1), \
           CAST(b.trx_mysql_thread_id AS SIGNED), b.trx_query, b.trx_state, \
           CAST(TIMESTAMPDIFF(SECOND, b.trx_started, NOW()) AS SIGNED) \
    FROM performance_schema.data_lock_waits w \
    JOIN information_schema.INNODB_TRX r ON r.trx_id = w.REQUESTING_ENGINE_TRANSACTION_ID \
    JOIN information_schema.INNODB_TRX b ON b.trx_id = w.BLOCKING_ENGINE_TRANSACTION_ID \
    ORDER BY r.trx_wait_started \
    LIMIT ?";

/// Transactions waiting on a row or table lock, each with the holder.
pub(super) async fn blocked_locks(pool: &MySqlPool, config: &HealthConfig) -> HealthCheckResult {
    let started = Instant::now();
    let limit = config.max_sessions as i64;
    let mut rows: Result<Vec<WaitRow>, _> = sqlx::query_as(INNODB_WAITS)
        .bind(limit)
        .fetch_all(pool)
        .await;
    if rows.is_err() {
        rows = sqlx::query_as(PERFORMANCE_SCHEMA_WAITS)
            .bind(limit)
            .fetch_all(pool)
            .await;
    }
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => return could_not_run("blocked_locks", "lock waits", &e, started),
    };
    let text = config.query_text_limit;
    let waits = rows
        .into_iter()
        .map(|(pid, query, waiting, lock, bpid, bquery, bstate, bxact)| {
            let waiting = waiting.unwrap_or(0).max(0);
            (
                waiting as f64,
                json!({
                    "blocked": {"pid": pid, "waiting_s": waiting, "waiting_for": lock,
                                "query": truncate_query(query.as_deref().unwrap_or(""), text)},
                    "blocking": {"pid": bpid, "state": bstate, "transaction_s": bxact,
                                 "query": truncate_query(bquery.as_deref().unwrap_or(""), text)},
                }),
            )
        })
        .collect();
    blocked_result(waits, config, started)
}

/// `Threads_connected` against `max_connections`.
pub(super) async fn saturation(pool: &MySqlPool, config: &HealthConfig) -> HealthCheckResult {
    let started = Instant::now();
    let result = async {
        let status = sqlx::raw_sql("SHOW GLOBAL STATUS LIKE 'Threads_connected'")
            .fetch_one(pool)
            .await?;
        let used: String = status.try_get(1)?;
        let max: i64 = sqlx::query_scalar("SELECT CAST(@@max_connections AS SIGNED)")
            .fetch_one(pool)
            .await?;
        Ok::<_, sqlx::Error>((used, max))
    }
    .await;
    match result {
        Ok((used, max)) => saturation_result(
            used.trim().parse().unwrap_or(0),
            max.max(0) as u64,
            json!({}),
            config,
            started,
        ),
        Err(e) => could_not_run("connection_saturation", "connection use", &e, started),
    }
}

/// On a replica, `Seconds_Behind_Master` and whether both replication
/// threads run; a server that is no replica is ok.
pub(super) async fn replication(pool: &MySqlPool, config: &HealthConfig) -> HealthCheckResult {
    let started = Instant::now();
    let mut rows = sqlx::raw_sql("SHOW REPLICA STATUS").fetch_all(pool).await;
    if rows.is_err() {
        rows = sqlx::raw_sql("SHOW SLAVE STATUS").fetch_all(pool).await;
    }
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => return could_not_run("replication_lag", "replication", &e, started),
    };
    let (severity, summary, evidence) = match rows.first() {
        None => (
            Severity::Ok,
            "not a replica: nothing to check".to_owned(),
            json!({"role": "primary", "skipped": true}),
        ),
        Some(row) => {
            let text = |names: &[&str]| {
                names
                    .iter()
                    .find_map(|n| row.try_get::<Option<String>, _>(*n).ok().flatten())
            };
            let number = |names: &[&str]| {
                names.iter().find_map(|n| {
                    row.try_get::<Option<i64>, _>(*n)
                        .ok()
                        .flatten()
                        .or_else(|| {
                            row.try_get::<Option<u64>, _>(*n)
                                .ok()
                                .flatten()
                                .map(|v| v as i64)
                        })
                })
            };
            let lag = number(&["Seconds_Behind_Master", "Seconds_Behind_Source"]);
            let io = text(&["Slave_IO_Running", "Replica_IO_Running"]);
            let sql = text(&["Slave_SQL_Running", "Replica_SQL_Running"]);
            let evidence = json!({"role": "replica", "lag_s": lag, "io_running": io,
                                  "sql_running": sql});
            if io.as_deref() != Some("Yes") || sql.as_deref() != Some("Yes") {
                (
                    Severity::Critical,
                    "replication is stopped on this replica".to_owned(),
                    evidence,
                )
            } else {
                let lag = lag.unwrap_or(0).max(0) as f64;
                (
                    graded(
                        lag,
                        config.replication_lag_warning.as_secs_f64(),
                        config.replication_lag_critical.as_secs_f64(),
                    ),
                    format!(
                        "replica is {} behind its primary",
                        human(Duration::from_secs_f64(lag))
                    ),
                    evidence,
                )
            }
        }
    };
    HealthCheckResult {
        check: "replication_lag".into(),
        severity,
        summary,
        evidence,
        duration: started.elapsed(),
    }
}
