//! The timed runs: one connection, a warm-up then N runs of the statement
//! (each in a transaction rolled back for writes), every run timed from
//! sending the statement to the last row received.
//!
//! Cancellation: the caller's [`CancellationToken`] is checked before each run
//! and raced against the statement in flight. What happens to that
//! statement depends on the server:
//! - PostgreSQL: `pg_cancel_backend(pid)` from a second connection, repeated
//!   until the statement returns (a cancel that lands a moment before the
//!   statement starts is lost, hence the repeat); the connection is then
//!   closed, not reused.
//! - MySQL/MariaDB: `KILL QUERY id` from a second connection, the same way.
//! - SQLite: the bench stops at once, but sqlx gives no safe handle on
//!   `sqlite3_interrupt`, so the statement in flight runs on in sqlx's
//!   worker thread until it next yields a row; the connection is closed.

use std::time::{Duration, Instant};

use sqlx::Executor;
use sqlx::pool::PoolConnection;
use sqlx::{
    MySql, MySqlConnection, MySqlPool, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection,
    SqlitePool,
};
use tokio::sync::mpsc::UnboundedSender;

use super::CancellationToken;
use crate::database::BoxFuture;

/// How often an in-flight statement is asked to stop, and for how long,
/// before the bench gives up waiting for it and drops the connection.
const CANCEL_RETRY: Duration = Duration::from_millis(200);
const CANCEL_PATIENCE: Duration = Duration::from_secs(10);

/// Progress of a bench, sent before each run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// 0-based; the warm-up runs come first.
    pub run: usize,
    /// Warm-up and timed runs together.
    pub of: usize,
    pub warm_up: bool,
}

/// What the runs need to know.
pub(crate) struct Job<'a> {
    pub sql: &'a str,
    pub write: bool,
    pub warmup: usize,
    pub runs: usize,
    pub cancel: &'a CancellationToken,
    pub progress: Option<&'a UnboundedSender<Progress>>,
}

/// Why the runs stopped early.
pub(crate) enum Stop {
    Cancelled,
    Sql(&'static str, sqlx::Error),
}

/// The timed runs' durations (ms) and the rows the last run returned.
pub(crate) struct Timed {
    pub samples_ms: Vec<f64>,
    pub rows: usize,
}

impl Job<'_> {
    fn starting(&self, run: usize) -> Result<(), Stop> {
        if self.cancel.is_cancelled() {
            return Err(Stop::Cancelled);
        }
        if let Some(p) = self.progress {
            // A caller that stopped listening does not stop the bench.
            p.send(Progress {
                run,
                of: self.warmup + self.runs,
                warm_up: run < self.warmup,
            })
            .ok();
        }
        Ok(())
    }
}

/// Expands to the loop shared by the three dialects: `$conn` is a pool
/// connection, `$interrupt` a future that asks the server to stop the
/// statement in flight (or does nothing), `$patience` how long to wait for
/// that statement to end once cancelled.
macro_rules! timed_runs {
    ($job:expr, $conn:expr, $fetch:ident, $interrupt:expr, $patience:expr) => {{
        let job = $job;
        let mut samples_ms = Vec::with_capacity(job.runs);
        let mut rows = 0;
        for run in 0..job.warmup + job.runs {
            job.starting(run)?;
            if job.write {
                $fetch(&mut *$conn, "BEGIN")
                    .await
                    .map_err(|e| Stop::Sql("starting a transaction", e))?;
            }
            let start = Instant::now();
            let result = {
                let fut = $fetch(&mut *$conn, job.sql);
                tokio::pin!(fut);
                tokio::select! {
                    biased;
                    r = &mut fut => r,
                    () = job.cancel.cancelled() => {
                        let deadline = Instant::now() + $patience;
                        loop {
                            $interrupt.await;
                            let wait = CANCEL_RETRY.min($patience);
                            if tokio::time::timeout(wait, &mut fut).await.is_ok()
                                || Instant::now() > deadline
                            {
                                break;
                            }
                        }
                        Err(sqlx::Error::PoolClosed)
                    }
                }
            };
            let elapsed = start.elapsed();
            if job.cancel.is_cancelled() {
                return Err(Stop::Cancelled);
            }
            let got = result.map_err(|e| Stop::Sql("running the statement", e))?;
            if job.write {
                $fetch(&mut *$conn, "ROLLBACK")
                    .await
                    .map_err(|e| Stop::Sql("rolling the write back", e))?;
            }
            rows = got;
            if run >= job.warmup {
                samples_ms.push(elapsed.as_secs_f64() * 1000.0);
            }
        }
        Ok(Timed { samples_ms, rows })
    }};
}

/// Runs `job` on `pool`; the connection is closed afterwards if the runs
/// did not end cleanly (a cancelled statement may leave it mid-reply).
async fn finish<DB: sqlx::Database>(
    mut conn: PoolConnection<DB>,
    result: Result<Timed, Stop>,
) -> Result<Timed, Stop> {
    if result.is_err() {
        conn.close_on_drop();
    }
    drop(conn);
    result
}

pub(crate) fn postgres<'a>(
    pool: &'a PgPool,
    job: &'a Job<'a>,
) -> BoxFuture<'a, Result<Timed, Stop>> {
    Box::pin(async move {
        let mut conn = pool
            .acquire()
            .await
            .map_err(|e| Stop::Sql("connecting", e))?;
        let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| Stop::Sql("reading the backend pid", e))?;
        let interrupt = || pg_cancel(pool, pid);
        let result: Result<Timed, Stop> =
            async { timed_runs!(job, conn, pg_fetch, interrupt(), CANCEL_PATIENCE) }.await;
        finish::<Postgres>(conn, result).await
    })
}

pub(crate) fn mysql<'a>(
    pool: &'a MySqlPool,
    job: &'a Job<'a>,
) -> BoxFuture<'a, Result<Timed, Stop>> {
    Box::pin(async move {
        let mut conn = pool
            .acquire()
            .await
            .map_err(|e| Stop::Sql("connecting", e))?;
        let id: u64 = sqlx::query_scalar("SELECT CONNECTION_ID()")
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| Stop::Sql("reading the connection id", e))?;
        let interrupt = || mysql_kill(pool, id);
        let result: Result<Timed, Stop> =
            async { timed_runs!(job, conn, mysql_fetch, interrupt(), CANCEL_PATIENCE) }.await;
        finish::<MySql>(conn, result).await
    })
}

pub(crate) fn sqlite<'a>(
    pool: &'a SqlitePool,
    job: &'a Job<'a>,
) -> BoxFuture<'a, Result<Timed, Stop>> {
    Box::pin(async move {
        let mut conn = pool
            .acquire()
            .await
            .map_err(|e| Stop::Sql("connecting", e))?;
        // Nothing to send: see the module comment.
        let interrupt = || std::future::ready(());
        let result: Result<Timed, Stop> =
            async { timed_runs!(job, conn, sqlite_fetch, interrupt(), Duration::ZERO) }.await;
        finish::<Sqlite>(conn, result).await
    })
}

// One function per connection type, each boxed where its lifetimes are
// concrete: through the macro's `select!` rustc cannot prove sqlx's
// higher-ranked executor futures `Send` otherwise.

/// Runs `sql` and counts the rows it returns.
fn pg_fetch<'c>(
    conn: &'c mut PgConnection,
    sql: &'c str,
) -> BoxFuture<'c, Result<usize, sqlx::Error>> {
    Box::pin(async move { Ok(conn.fetch_all(sql).await?.len()) })
}

fn mysql_fetch<'c>(
    conn: &'c mut MySqlConnection,
    sql: &'c str,
) -> BoxFuture<'c, Result<usize, sqlx::Error>> {
    Box::pin(async move { Ok(conn.fetch_all(sql).await?.len()) })
}

fn sqlite_fetch<'c>(
    conn: &'c mut SqliteConnection,
    sql: &'c str,
) -> BoxFuture<'c, Result<usize, sqlx::Error>> {
    Box::pin(async move { Ok(conn.fetch_all(sql).await?.len()) })
}

/// Asks PostgreSQL to cancel what backend `pid` runs. A failure leaves the
/// statement running; the retry loop and the closed connection are the
/// fallbacks, so it is only logged.
fn pg_cancel(pool: &PgPool, pid: i32) -> BoxFuture<'_, ()> {
    Box::pin(async move {
        if let Err(e) = sqlx::query("SELECT pg_cancel_backend($1)")
            .bind(pid)
            .execute(pool)
            .await
        {
            tracing::debug!(error = %e, pid, "pg_cancel_backend failed");
        }
    })
}

/// Asks MySQL/MariaDB to stop the statement of connection `id`.
fn mysql_kill(pool: &MySqlPool, id: u64) -> BoxFuture<'_, ()> {
    Box::pin(async move {
        if let Err(e) = sqlx::raw_sql(&format!("KILL QUERY {id}"))
            .execute(pool)
            .await
        {
            tracing::debug!(error = %e, id, "KILL QUERY failed");
        }
    })
}
