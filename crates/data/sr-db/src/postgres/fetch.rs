//! Runs the catalog queries of one snapshot on several connections at
//! once, all reading the same state.
//!
//! The first connection opens a REPEATABLE READ, read-only transaction and
//! exports its snapshot (`pg_export_snapshot`); each further connection
//! opens its own and imports it (`SET TRANSACTION SNAPSHOT`), so every
//! query sees exactly what one transaction would. The queries do not
//! depend on each other: each connection takes the next one not yet
//! started until none is left. The exporting transaction stays open until
//! every query is done, which an imported snapshot needs. Where no further
//! connection is to be had at once (the pool is busy and full, or opening
//! one is slow) or the server cannot export a snapshot, everything runs on
//! the first connection.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::future::{join_all, try_join_all};
use sqlx::postgres::PgRow;
use sqlx::{Executor, PgConnection, PgPool, Postgres, Row, Transaction};

/// Connections one snapshot reads on, the first included.
const CONNECTIONS: usize = 3;

/// How long opening a further connection may take before the snapshot goes
/// on without it (the queries it would have run go to the others).
const EXTRA_WAIT: Duration = Duration::from_millis(200);

const BEGIN: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

/// The settings each transaction starts with. Names in definitions are
/// printed qualified or not by the search path: they are read under the
/// database's own default, whatever an earlier script did to a pooled
/// session (a pg_dump file empties it). The catalog queries are planned
/// with thousands of rows in view, which crosses `jit_above_cost`:
/// compiling the plans took 0.4 s of a 0.8 s snapshot of 2,000 tables, and
/// they run in milliseconds without.
const SETTINGS: &str = "SET LOCAL jit = off; SET LOCAL search_path TO DEFAULT";

/// One catalog query: its label (its rows are taken and its time reported
/// by it), its text and the `int8[]` values bound to `$1`, `$2`, ….
pub(super) struct Query {
    pub label: &'static str,
    pub sql: String,
    pub binds: Vec<Vec<i64>>,
}

impl Query {
    pub fn new(label: &'static str, sql: impl Into<String>) -> Self {
        Query {
            label,
            sql: sql.into(),
            binds: Vec::new(),
        }
    }

    /// With `values` bound to the next parameter.
    pub fn bind(mut self, values: Vec<i64>) -> Self {
        self.binds.push(values);
        self
    }
}

/// The rows of every query, by label.
#[derive(Default)]
pub(super) struct Catalog {
    rows: HashMap<&'static str, Vec<PgRow>>,
}

impl Catalog {
    /// The rows of the query `label` (none when it was not run).
    pub fn take(&mut self, label: &str) -> Vec<PgRow> {
        self.rows.remove(label).unwrap_or_default()
    }

    /// The rows of the query `label`, left in place.
    pub fn rows(&self, label: &str) -> &[PgRow] {
        self.rows.get(label).map_or(&[], Vec::as_slice)
    }
}

type Worker<'a> = Pin<Box<dyn Future<Output = Result<Rows, sqlx::Error>> + Send + 'a>>;
type Rows = Vec<(&'static str, Vec<PgRow>)>;

/// Runs the queries `make(server_version_num)` returns in one snapshot of
/// the database behind `pool`, then those `then` makes from their rows
/// (small look-ups bound to values the first ones found), on the first
/// connection.
pub(super) async fn fetch(
    pool: &PgPool,
    make: impl FnOnce(i32) -> Vec<Query>,
    then: impl FnOnce(&Catalog) -> Result<Vec<Query>, sqlx::Error>,
) -> Result<Catalog, sqlx::Error> {
    let started = Instant::now();
    // Further connections are opened while the first starts.
    let (first, extras) = tokio::join!(pool.begin_with(BEGIN), extras(pool, CONNECTIONS - 1));
    let mut first = first?;
    let mut extras = extras;
    let version = match first.server_version_num() {
        Some(v) => i32::try_from(v).unwrap_or(i32::MAX),
        None => {
            sqlx::query_scalar("SELECT current_setting('server_version_num')::int4")
                .fetch_one(&mut *first)
                .await?
        }
    };
    let snapshot = if extras.is_empty() {
        first.execute(SETTINGS).await?;
        None
    } else {
        let export = format!("{SETTINGS}; SELECT pg_export_snapshot()");
        match first.fetch_all(export.as_str()).await {
            Ok(rows) => rows
                .first()
                .and_then(|r| r.try_get::<String, _>(0).ok())
                .filter(|id| is_snapshot_id(id)),
            Err(e) => {
                // A server that cannot export one (a standby before 10,
                // some poolers): one connection reads everything.
                tracing::debug!("no exported snapshot, reading on one connection: {e}");
                first.rollback().await?;
                first = pool.begin_with(BEGIN).await?;
                first.execute(SETTINGS).await?;
                None
            }
        }
    };
    if snapshot.is_none() {
        // Dropped transactions are rolled back before their connection is
        // used again.
        extras.clear();
    }
    let queries = make(version);
    let queries = &queries;
    let next = AtomicUsize::new(0);
    let next = &next;
    let mut workers: Vec<Worker<'_>> = Vec::with_capacity(1 + extras.len());
    let first_ref = &mut first;
    workers.push(Box::pin(run(first_ref, queries, next)));
    let id = snapshot.unwrap_or_default();
    for tx in extras {
        workers.push(Box::pin(run_imported(tx, id.clone(), queries, next)));
    }
    let results = try_join_all(workers).await?;
    let mut catalog = Catalog::default();
    for (label, rows) in results.into_iter().flatten() {
        catalog.rows.insert(label, rows);
    }
    let follow = then(&catalog)?;
    let next = AtomicUsize::new(0);
    for (label, rows) in run(&mut first, &follow, &next).await? {
        catalog.rows.insert(label, rows);
    }
    first.rollback().await?;
    crate::timing::catalog_phase(started.elapsed());
    Ok(catalog)
}

/// Runs queries not yet taken by another connection until none is left.
async fn run(
    conn: &mut PgConnection,
    queries: &[Query],
    next: &AtomicUsize,
) -> Result<Rows, sqlx::Error> {
    let mut out = Vec::new();
    while let Some(q) = queries.get(next.fetch_add(1, Ordering::Relaxed)) {
        let mut query = sqlx::query(&q.sql);
        for values in &q.binds {
            query = query.bind(values);
        }
        let rows = crate::timing::timed(q.label, query.fetch_all(&mut *conn)).await?;
        out.push((q.label, rows));
    }
    Ok(out)
}

/// [`run`] on a further connection, in the snapshot `id`.
async fn run_imported(
    mut tx: Transaction<'static, Postgres>,
    id: String,
    queries: &[Query],
    next: &AtomicUsize,
) -> Result<Rows, sqlx::Error> {
    let import = format!("SET TRANSACTION SNAPSHOT '{id}'; {SETTINGS}");
    tx.execute(import.as_str()).await?;
    let rows = run(&mut tx, queries, next).await?;
    tx.rollback().await?;
    Ok(rows)
}

/// Up to `n` more transactions: idle connections at once, new ones while
/// the pool has room and they open quickly.
async fn extras(pool: &PgPool, n: usize) -> Vec<Transaction<'static, Postgres>> {
    let one = || async {
        if let Ok(Some(tx)) = pool.try_begin_with(BEGIN).await {
            return Some(tx);
        }
        if pool.size() >= pool.options().get_max_connections() {
            return None;
        }
        tokio::time::timeout(EXTRA_WAIT, pool.begin_with(BEGIN))
            .await
            .ok()?
            .ok()
    };
    join_all((0..n).map(|_| one()))
        .await
        .into_iter()
        .flatten()
        .collect()
}

/// What `pg_export_snapshot` returns (`00000003-0000001B-1`): checked
/// before it is written into `SET TRANSACTION SNAPSHOT`, which takes no
/// parameters.
fn is_snapshot_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::is_snapshot_id;

    #[test]
    fn snapshot_ids() {
        assert!(is_snapshot_id("00000003-0000001B-1"));
        assert!(!is_snapshot_id(""));
        assert!(!is_snapshot_id("1'; DROP TABLE t; --"));
    }
}
