//! PostgreSQL checks, from `pg_stat_activity`, `pg_blocking_pids`,
//! `pg_stat_database` and the replication views.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::PgPool;

use super::verdict::{
    blocked_result, could_not_run, graded, human, long_running_result, saturation_result,
    truncate_query,
};
use super::{HealthCheckResult, HealthConfig, Severity};

type ActivityRow = (
    i32,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<String>,
);

/// Statements running longer than the warning threshold, oldest first.
pub(super) async fn long_running(pool: &PgPool, config: &HealthConfig) -> HealthCheckResult {
    let started = Instant::now();
    let rows: Result<Vec<ActivityRow>, _> = sqlx::query_as(
        "SELECT pid, usename::text, datname::text, application_name, state, \
                EXTRACT(EPOCH FROM (clock_timestamp() - query_start))::float8, query \
         FROM pg_stat_activity \
         WHERE state = 'active' AND pid <> pg_backend_pid() \
           AND backend_type = 'client backend' AND query_start IS NOT NULL \
           AND EXTRACT(EPOCH FROM (clock_timestamp() - query_start)) > $1 \
         ORDER BY query_start \
         LIMIT $2",
    )
    .bind(config.long_query_warning.as_secs_f64())
    .bind(config.max_sessions as i64)
    .fetch_all(pool)
    .await;
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => return could_not_run("long_running_queries", "running queries", &e, started),
    };
    let sessions: Vec<(f64, Value)> = rows
        .into_iter()
        .map(|(pid, user, database, app, state, seconds, query)| {
            let seconds = seconds.unwrap_or(0.0);
            let query = truncate_query(query.as_deref().unwrap_or(""), config.query_text_limit);
            (
                seconds,
                json!({"pid": pid, "user": user, "database": database, "application": app,
                       "state": state, "running_s": round3(seconds), "query": query}),
            )
        })
        .collect();
    long_running_result(sessions, config, started)
}

type BlockedRow = (
    i32,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<String>,
    i32,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<f64>,
);

/// Sessions waiting on a lock, each with the session that holds it.
pub(super) async fn blocked_locks(pool: &PgPool, config: &HealthConfig) -> HealthCheckResult {
    let started = Instant::now();
    let rows: Result<Vec<BlockedRow>, _> = sqlx::query_as(
        "SELECT w.pid, w.usename::text, w.query, \
                EXTRACT(EPOCH FROM (clock_timestamp() - w.query_start))::float8, \
                (SELECT l.locktype || ' ' || l.mode || \
                        COALESCE(' on ' || l.relation::regclass::text, '') \
                   FROM pg_locks l WHERE l.pid = w.pid AND NOT l.granted LIMIT 1), \
                b.pid, b.usename::text, b.state, b.query, \
                EXTRACT(EPOCH FROM (clock_timestamp() - b.xact_start))::float8 \
         FROM pg_stat_activity w \
         CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS bp(pid) \
         JOIN pg_stat_activity b ON b.pid = bp.pid \
         WHERE w.pid <> pg_backend_pid() \
         ORDER BY 4 DESC NULLS LAST \
         LIMIT $1",
    )
    .bind(config.max_sessions as i64)
    .fetch_all(pool)
    .await;
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => return could_not_run("blocked_locks", "lock waits", &e, started),
    };
    let limit = config.query_text_limit;
    let waits: Vec<(f64, Value)> = rows
        .into_iter()
        .map(|(pid, user, query, waiting, lock, bpid, buser, bstate, bquery, bxact)| {
            let waiting = waiting.unwrap_or(0.0);
            (
                waiting,
                json!({
                    "blocked": {"pid": pid, "user": user, "waiting_s": round3(waiting),
                                "query": truncate_query(query.as_deref().unwrap_or(""), limit),
                                "waiting_for": lock},
                    "blocking": {"pid": bpid, "user": buser, "state": bstate,
                                 "transaction_s": bxact.map(round3),
                                 "query": truncate_query(bquery.as_deref().unwrap_or(""), limit)},
                }),
            )
        })
        .collect();
    blocked_result(waits, config, started)
}

/// Backends of every database against `max_connections`.
pub(super) async fn saturation(pool: &PgPool, config: &HealthConfig) -> HealthCheckResult {
    let started = Instant::now();
    let row: Result<(i64, i64, i64), _> = sqlx::query_as(
        "SELECT (SELECT COALESCE(sum(numbackends), 0)::int8 FROM pg_stat_database), \
                current_setting('max_connections')::int8, \
                current_setting('superuser_reserved_connections')::int8",
    )
    .fetch_one(pool)
    .await;
    match row {
        Ok((used, max, reserved)) => saturation_result(
            used.max(0) as u64,
            max.max(0) as u64,
            json!({"superuser_reserved_connections": reserved}),
            config,
            started,
        ),
        Err(e) => could_not_run("connection_saturation", "connection use", &e, started),
    }
}

/// On a standby, how old the last replayed transaction is; on a primary,
/// the replay lag of each attached replica; neither is ok.
pub(super) async fn replication(pool: &PgPool, config: &HealthConfig) -> HealthCheckResult {
    let started = Instant::now();
    let result = async {
        let standby: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()")
            .fetch_one(pool)
            .await?;
        if standby {
            let (lag, received, replayed): (Option<f64>, Option<String>, Option<String>) =
                sqlx::query_as(
                    "SELECT EXTRACT(EPOCH FROM (clock_timestamp() - pg_last_xact_replay_timestamp()))::float8, \
                            pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text",
                )
                .fetch_one(pool)
                .await?;
            return Ok::<_, sqlx::Error>(standby_result(lag, received, replayed, config));
        }
        let replicas: Vec<ReplicaRow> =
            sqlx::query_as(
                "SELECT application_name, client_addr::text, state, \
                        EXTRACT(EPOCH FROM replay_lag)::float8 \
                 FROM pg_stat_replication ORDER BY application_name",
            )
            .fetch_all(pool)
            .await?;
        Ok(primary_result(replicas, config))
    }
    .await;
    match result {
        Ok((severity, summary, evidence)) => HealthCheckResult {
            check: "replication_lag".into(),
            severity,
            summary,
            evidence,
            duration: started.elapsed(),
        },
        Err(e) => could_not_run("replication_lag", "replication", &e, started),
    }
}

pub(super) fn standby_result(
    lag: Option<f64>,
    received: Option<String>,
    replayed: Option<String>,
    config: &HealthConfig,
) -> (Severity, String, Value) {
    let caught_up = received.is_some() && received == replayed;
    let evidence = json!({"role": "standby", "lag_s": lag.map(round3),
                          "receive_lsn": received, "replay_lsn": replayed,
                          "caught_up": caught_up});
    match lag {
        // An idle primary sends nothing to replay: everything received
        // is applied, so the age of the last transaction is not lag.
        _ if caught_up => (
            Severity::Ok,
            "standby has replayed everything it received".into(),
            evidence,
        ),
        None => (
            Severity::Warning,
            "standby has received changes but replayed no transaction yet".into(),
            evidence,
        ),
        Some(lag) => (
            graded(
                lag,
                config.replication_lag_warning.as_secs_f64(),
                config.replication_lag_critical.as_secs_f64(),
            ),
            format!(
                "standby replays {} behind the primary",
                human(Duration::from_secs_f64(lag.max(0.0)))
            ),
            evidence,
        ),
    }
}

pub(super) type ReplicaRow = (Option<String>, Option<String>, Option<String>, Option<f64>);

pub(super) fn primary_result(
    replicas: Vec<ReplicaRow>,
    config: &HealthConfig,
) -> (Severity, String, Value) {
    if replicas.is_empty() {
        return (
            Severity::Ok,
            "not a standby, and no replica is attached: nothing to check".into(),
            json!({"role": "primary", "replicas": [], "skipped": true}),
        );
    }
    let worst = replicas.iter().filter_map(|r| r.3).fold(0.0, f64::max);
    let list: Vec<Value> = replicas
        .iter()
        .map(|(name, addr, state, lag)| {
            json!({"application": name, "client_addr": addr, "state": state,
                   "replay_lag_s": lag.map(round3)})
        })
        .collect();
    (
        graded(
            worst,
            config.replication_lag_warning.as_secs_f64(),
            config.replication_lag_critical.as_secs_f64(),
        ),
        format!(
            "{} replica(s) attached; the furthest behind replays {} late",
            replicas.len(),
            human(Duration::from_secs_f64(worst))
        ),
        json!({"role": "primary", "replicas": list}),
    )
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}
