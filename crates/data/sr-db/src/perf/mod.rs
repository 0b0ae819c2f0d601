//! Query performance: run one statement N times (after a warm-up) off the
//! caller's thread, with cancellation; median, 95th percentile and noise
//! (MAD) of the runs; the plan with rows scanned and index usage; what
//! PostgreSQL's `pg_stat_statements` knows of it; a fingerprint to keep
//! baselines by; and the rule that says whether a run regressed.
//!
//! - [`fingerprint()`]/[`normalize`]: literals to `?`, case and whitespace
//!   folded, hashed;
//! - [`classify`]: SELECT, write, DDL — what is safe to run and explain;
//! - `runner`: the timed runs and cancelling the statement in flight;
//! - `explain`: EXPLAIN (ANALYZE only for a plain SELECT) per dialect and
//!   `pg_stat_statements`;
//! - [`plan`]: plan summaries from each dialect's plan format (pure);
//! - [`Stats`], [`compare`]: the figures and the regression rule (pure).

mod explain;
mod fingerprint;
pub mod plan;
mod regression;
mod runner;
mod statement;
mod stats;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc::UnboundedSender;

pub use explain::StatStatements;
pub use fingerprint::{fingerprint, normalize};
pub use plan::PlanSummary;
pub use regression::{
    Comparison, DEFAULT_THRESHOLD, NOISE_FACTOR, Series, Verdict, compare, decide,
};
pub use runner::Progress;
pub use statement::{StatementKind, classify};
pub use stats::Stats;
/// Cancels a running bench; every clone sees the same cancel.
pub use tokio_util::sync::CancellationToken;

use crate::database::{BoxFuture, Database, DbPool};
use crate::{DbError, Dialect};
use runner::{Job, Stop, Timed};

/// Timed runs when not told otherwise.
pub const DEFAULT_RUNS: usize = 10;

/// How to run a bench.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Timed runs (at least 1).
    pub runs: usize,
    /// Untimed runs first, to warm caches and plans.
    pub warmup: usize,
    /// Told before each run, for a progress bar.
    pub progress: Option<UnboundedSender<Progress>>,
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions {
            runs: DEFAULT_RUNS,
            warmup: 1,
            progress: None,
        }
    }
}

/// What a bench measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    pub dialect: Dialect,
    /// The statement as run (trailing `;` removed).
    pub sql: String,
    pub normalized: String,
    pub fingerprint: String,
    pub statement: StatementKind,
    /// True for writes: each run was rolled back.
    pub rolled_back: bool,
    /// Each timed run, in order (ms).
    pub runs_ms: Vec<f64>,
    pub stats: Stats,
    /// Rows the statement returned (the last run).
    pub rows_returned: usize,
    pub plan: PlanSummary,
    pub pg_stat_statements: StatStatements,
}

impl Database {
    /// Benches `sql` (one statement) on this database. A write is run in a
    /// transaction rolled back each time and explained without ANALYZE; DDL
    /// and other statements are refused. Returns [`DbError::Cancelled`]
    /// once `cancel` fires, after stopping the statement in flight where
    /// the server allows it (see `runner`).
    pub fn bench<'a>(
        &'a self,
        sql: &'a str,
        options: &'a BenchOptions,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<BenchReport, DbError>> {
        Box::pin(self.bench_inner(sql, options, cancel))
    }

    async fn bench_inner(
        &self,
        sql: &str,
        options: &BenchOptions,
        cancel: &CancellationToken,
    ) -> Result<BenchReport, DbError> {
        let refuse = |reason: String| DbError::Bench {
            url: self.url().to_owned(),
            reason,
        };
        let sql = sql.trim().trim_end_matches(';').trim_end();
        let statement = classify(sql).map_err(refuse)?;
        let write = match statement {
            StatementKind::Select => false,
            StatementKind::Write => true,
            StatementKind::Ddl => {
                return Err(refuse(
                    "it changes the schema (DDL), which cannot be timed and rolled back; \
                     bench queries and INSERT/UPDATE/DELETE only"
                        .into(),
                ));
            }
            StatementKind::Other => {
                return Err(refuse(
                    "it is neither a query nor an INSERT/UPDATE/DELETE".into(),
                ));
            }
        };
        let job = Job {
            sql,
            write,
            warmup: options.warmup,
            runs: options.runs.max(1),
            cancel,
            progress: options.progress.as_ref(),
        };
        let timed = match self.pool() {
            DbPool::Postgres(p) => runner::postgres(p, &job).await,
            DbPool::MySql(p) => runner::mysql(p, &job).await,
            DbPool::Sqlite(p) => runner::sqlite(p, &job).await,
        };
        let Timed { samples_ms, rows } = timed.map_err(|stop| self.stopped(stop))?;
        if cancel.is_cancelled() {
            return Err(self.stopped(Stop::Cancelled));
        }
        let failed = |doing: &str| {
            let url = self.url().to_owned();
            let doing = doing.to_owned();
            move |source| DbError::Query { url, doing, source }
        };
        let analyze = !write;
        let (mut plan, stat) = match self.pool() {
            DbPool::Postgres(p) => {
                let (plan, queryid) = explain::postgres(p, sql, analyze)
                    .await
                    .map_err(failed("explaining the statement"))?;
                (plan, explain::stat_statements(p, queryid).await)
            }
            DbPool::MySql(p) => (
                explain::mysql(p, sql, analyze)
                    .await
                    .map_err(failed("explaining the statement"))?,
                StatStatements::NotPostgres,
            ),
            DbPool::Sqlite(p) => (
                explain::sqlite(p, sql)
                    .await
                    .map_err(failed("explaining the statement"))?,
                StatStatements::NotPostgres,
            ),
        };
        if write {
            plan.notes.push(
                "a write: explained without ANALYZE (which would execute it); \
                 the timed runs were rolled back"
                    .into(),
            );
        }
        Ok(BenchReport {
            dialect: self.dialect(),
            sql: sql.to_owned(),
            normalized: normalize(sql),
            fingerprint: fingerprint(sql),
            statement,
            rolled_back: write,
            stats: Stats::of(&samples_ms),
            runs_ms: samples_ms,
            rows_returned: rows,
            plan,
            pg_stat_statements: stat,
        })
    }

    fn stopped(&self, stop: Stop) -> DbError {
        match stop {
            Stop::Cancelled => DbError::Cancelled {
                url: self.url().to_owned(),
            },
            Stop::Sql(doing, source) => DbError::Query {
                url: self.url().to_owned(),
                doing: doing.to_owned(),
                source,
            },
        }
    }
}

/// Runs [`Database::bench`] on a tokio task, so the caller's thread (a UI
/// thread) never waits; cancel through `cancel`, await the handle for the
/// report.
pub fn spawn_bench(
    db: Database,
    sql: String,
    options: BenchOptions,
    cancel: CancellationToken,
) -> tokio::task::JoinHandle<Result<BenchReport, DbError>> {
    tokio::spawn(async move { db.bench(&sql, &options, &cancel).await })
}
