//! `query bench`: time a query on a database, show its plan, compare it with
//! the baseline stored for (connection, query fingerprint), and optionally
//! save this run as the new baseline. Exit 0, 2 on a regression against the
//! stored baseline, 1 on error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Subcommand;
use serde::Serialize;
use sr_db::Database;
use sr_db::perf::{
    self, BenchOptions, BenchReport, CancellationToken, Comparison, StatStatements, Verdict,
};
use sr_engine::Engine;
use sr_engine::QueryBaseline;

use crate::db_target;
use crate::output;

#[derive(Debug, Subcommand)]
pub enum QueryCommand {
    /// Time a query N times (after a warm-up), show its plan and compare it
    /// with the stored baseline. Exits 0, 2 when it regressed against the
    /// baseline, 1 on error. Writes are run in a transaction that is rolled
    /// back; DDL is refused.
    Bench {
        /// A connection name (demo, a profile) or a database URL.
        #[arg(long)]
        db: String,
        /// A file holding one SQL statement.
        #[arg(long)]
        sql: PathBuf,
        /// Timed runs.
        #[arg(long, default_value_t = perf::DEFAULT_RUNS)]
        runs: usize,
        #[arg(long)]
        json: bool,
        /// Store this run as the baseline for the query on this connection.
        #[arg(long)]
        save_baseline: bool,
        /// How much slower (percent) the median may get before it counts as
        /// a regression (it must also exceed the measured noise).
        #[arg(long, default_value_t = perf::DEFAULT_THRESHOLD * 100.0)]
        threshold: f64,
    },
}

pub async fn run(engine: &Engine, command: QueryCommand) -> anyhow::Result<ExitCode> {
    match command {
        QueryCommand::Bench {
            db,
            sql,
            runs,
            json,
            save_baseline,
            threshold,
        } => bench(engine, &db, &sql, runs, json, save_baseline, threshold).await,
    }
}

/// What `--db` names (through the one resolver, `db_target`), opened, and
/// the key baselines are stored under: the connection's or profile's name,
/// or the URL without its password.
async fn open(engine: &Engine, conn_or_url: &str) -> anyhow::Result<(Arc<Database>, String)> {
    let Some(target) = db_target::target(engine, conn_or_url).await? else {
        return Err(db_target::unknown(engine, conn_or_url).await);
    };
    Ok((
        db_target::connect(engine, &target).await?,
        target.name().to_owned(),
    ))
}

/// What `--json` prints.
#[derive(Debug, Serialize)]
struct Output<'a> {
    connection: &'a str,
    fingerprint: &'a str,
    normalized: &'a str,
    statement: perf::StatementKind,
    rolled_back: bool,
    runs: &'a [f64],
    median_ms: f64,
    p95_ms: f64,
    spread: Spread,
    rows_returned: usize,
    plan: PlanOut<'a>,
    pg_stat_statements: &'a StatStatements,
    /// `None` when no baseline was stored for this query and connection.
    baseline: Option<BaselineOut>,
    baseline_saved: bool,
}

#[derive(Debug, Serialize)]
struct Spread {
    mad_ms: f64,
    min_ms: f64,
    max_ms: f64,
    mean_ms: f64,
}

#[derive(Debug, Serialize)]
struct PlanOut<'a> {
    analyzed: bool,
    seq_scans: &'a [String],
    index_scans: &'a [String],
    rows_scanned: Option<f64>,
    notes: &'a [String],
}

#[derive(Debug, Serialize)]
struct BaselineOut {
    recorded_at: String,
    runs: u32,
    #[serde(flatten)]
    comparison: Comparison,
}

#[allow(clippy::too_many_arguments)]
async fn bench(
    engine: &Engine,
    db: &str,
    sql_file: &Path,
    runs: usize,
    json: bool,
    save_baseline: bool,
    threshold_pct: f64,
) -> anyhow::Result<ExitCode> {
    if !(threshold_pct.is_finite() && threshold_pct >= 0.0) {
        anyhow::bail!("--threshold {threshold_pct} is not a percentage; give e.g. 20 for 20 %");
    }
    if runs == 0 {
        anyhow::bail!("--runs 0 measures nothing; give at least 1");
    }
    let sql = std::fs::read_to_string(sql_file)
        .map_err(|e| anyhow::anyhow!("cannot read the SQL file {}: {e}", sql_file.display()))?;
    let (database, connection) = open(engine, db).await?;
    let cancel = CancellationToken::new();
    // Ctrl-C cancels the bench and the statement in flight.
    let on_interrupt = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        })
    };
    let options = BenchOptions {
        runs,
        ..BenchOptions::default()
    };
    let handle = perf::spawn_bench((*database).clone(), sql, options, cancel);
    let result = handle.await;
    on_interrupt.abort();
    let report = result??;

    let stored = engine
        .query_baseline(&connection, &report.fingerprint)
        .await?;
    let comparison = stored.as_ref().map(|b| BaselineOut {
        recorded_at: b.recorded_at.to_rfc3339(),
        runs: b.runs,
        comparison: perf::decide(
            perf::Series {
                median_ms: b.median_ms,
                mad_ms: b.mad_ms,
                min_ms: b.min_ms,
                max_ms: b.max_ms,
            },
            (&report.stats).into(),
            threshold_pct / 100.0,
        ),
    });
    if save_baseline {
        engine
            .save_query_baseline(&to_baseline(&connection, &report)?)
            .await?;
    }
    let regressed = comparison
        .as_ref()
        .is_some_and(|c| c.comparison.verdict == Verdict::Regressed);
    if json {
        output::json(&Output {
            connection: &connection,
            fingerprint: &report.fingerprint,
            normalized: &report.normalized,
            statement: report.statement,
            rolled_back: report.rolled_back,
            runs: &report.runs_ms,
            median_ms: report.stats.median_ms,
            p95_ms: report.stats.p95_ms,
            spread: Spread {
                mad_ms: report.stats.mad_ms,
                min_ms: report.stats.min_ms,
                max_ms: report.stats.max_ms,
                mean_ms: report.stats.mean_ms,
            },
            rows_returned: report.rows_returned,
            plan: PlanOut {
                analyzed: report.plan.analyzed,
                seq_scans: &report.plan.seq_scans,
                index_scans: &report.plan.index_scans,
                rows_scanned: report.plan.rows_scanned,
                notes: &report.plan.notes,
            },
            pg_stat_statements: &report.pg_stat_statements,
            baseline: comparison,
            baseline_saved: save_baseline,
        })?;
    } else {
        print!(
            "{}",
            text(&connection, &report, comparison.as_ref(), save_baseline)
        );
    }
    Ok(if regressed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn to_baseline(connection: &str, r: &BenchReport) -> anyhow::Result<QueryBaseline> {
    let plan = serde_json::json!({
        "analyzed": r.plan.analyzed,
        "seq_scans": r.plan.seq_scans,
        "index_scans": r.plan.index_scans,
        "rows_scanned": r.plan.rows_scanned,
    });
    Ok(QueryBaseline {
        connection: connection.to_owned(),
        fingerprint: r.fingerprint.clone(),
        sql: r.sql.clone(),
        runs: u32::try_from(r.stats.runs).unwrap_or(u32::MAX),
        median_ms: r.stats.median_ms,
        p95_ms: r.stats.p95_ms,
        mad_ms: r.stats.mad_ms,
        min_ms: r.stats.min_ms,
        max_ms: r.stats.max_ms,
        plan: serde_json::to_string(&plan)?,
        recorded_at: chrono::Utc::now(),
    })
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

fn text(connection: &str, r: &BenchReport, baseline: Option<&BaselineOut>, saved: bool) -> String {
    let s = &r.stats;
    let mut out = format!(
        "query {} on {connection}: {} runs{}\n",
        r.fingerprint,
        s.runs,
        if r.rolled_back {
            " (a write: each run rolled back)"
        } else {
            ""
        }
    );
    out += &format!(
        "  median {:.3} ms  p95 {:.3} ms  MAD {:.3} ms  min {:.3} ms  max {:.3} ms  rows {}\n",
        s.median_ms, s.p95_ms, s.mad_ms, s.min_ms, s.max_ms, r.rows_returned
    );
    let p = &r.plan;
    out += &format!(
        "  plan ({}): indexes {}; sequential scans {}",
        if p.analyzed { "measured" } else { "estimated" },
        list(&p.index_scans),
        list(&p.seq_scans)
    );
    if let Some(rows) = p.rows_scanned {
        out += &format!("; rows scanned {rows}");
    }
    out.push('\n');
    for n in &p.notes {
        out += &format!("  note: {n}\n");
    }
    out += &match &r.pg_stat_statements {
        StatStatements::NotPostgres => String::new(),
        StatStatements::Found { calls, mean_ms, .. } => {
            format!("  pg_stat_statements: {calls} calls, mean {mean_ms:.3} ms\n")
        }
        StatStatements::NotInstalled { hint } => format!("  pg_stat_statements: {hint}\n"),
        StatStatements::Unavailable { reason } => {
            format!("  pg_stat_statements cannot be read: {reason}\n")
        }
        StatStatements::NoQueryId { hint } => format!("  pg_stat_statements: {hint}\n"),
        StatStatements::NotRecorded { queryid } => {
            format!("  pg_stat_statements has no entry for query id {queryid}\n")
        }
    };
    match baseline {
        Some(b) => {
            let verdict = match b.comparison.verdict {
                Verdict::Regressed => "REGRESSED",
                Verdict::Improved => "improved",
                Verdict::Unchanged => "unchanged",
            };
            out += &format!(
                "  against the baseline of {}: {verdict}: {}\n",
                b.recorded_at, b.comparison.reason
            );
        }
        None => out += "  no baseline stored for this query on this connection\n",
    }
    if saved {
        out += "  saved as the new baseline\n";
    }
    out
}
