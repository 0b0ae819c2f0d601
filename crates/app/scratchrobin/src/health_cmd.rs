//! `health --db CONN_OR_URL`: runs the database's health checks and prints
//! them; exits 0 when all are ok, 2 when any is a warning or critical, 1
//! on error. A database that cannot be reached is a critical
//! connectivity finding (exit 2), with the diagnosis as evidence.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;
use sr_db::DbError;
use sr_db::health::{self, BackupCheck, HealthCheckResult, HealthConfig, Severity};
use sr_engine::Engine;

use crate::db_target::{self, Target};
use crate::output;

/// The options of `health` beyond `--db`.
#[derive(Debug, Clone, Default)]
pub struct HealthArgs {
    pub json: bool,
    pub backup_file: Option<PathBuf>,
    pub backup_max_age_hours: Option<f64>,
    pub backup_command: Option<String>,
    /// Statements running longer than this many seconds are reported.
    pub long_query_seconds: Option<f64>,
}

/// The whole report, as `--json` prints it.
#[derive(Debug, Serialize)]
struct Report<'a> {
    connection: String,
    environment: Option<&'a str>,
    status: Severity,
    checks: &'a [HealthCheckResult],
}

/// Default age a backup file may reach when only `--backup-file` is given.
const DEFAULT_BACKUP_HOURS: f64 = 24.0;

fn config(args: &HealthArgs) -> anyhow::Result<HealthConfig> {
    let mut config = HealthConfig::default();
    if let Some(s) = args.long_query_seconds {
        config.long_query_warning = seconds(s, "--long-query-seconds")?;
    }
    if args.backup_max_age_hours.is_some() && args.backup_file.is_none() {
        anyhow::bail!("--backup-max-age-hours needs --backup-file PATH");
    }
    if let Some(path) = &args.backup_file {
        let hours = args.backup_max_age_hours.unwrap_or(DEFAULT_BACKUP_HOURS);
        config.backups.push(BackupCheck::File {
            path: path.clone(),
            max_age: seconds(hours * 3600.0, "--backup-max-age-hours")?,
        });
    }
    if let Some(command) = &args.backup_command {
        config.backups.push(BackupCheck::Command {
            command: command.clone(),
            timeout: Duration::from_secs(300),
        });
    }
    Ok(config)
}

fn seconds(value: f64, flag: &str) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| anyhow::anyhow!("{flag} takes a number of 0 or more, not {value}"))
}

pub async fn run(engine: &Engine, db: &str, args: HealthArgs) -> anyhow::Result<ExitCode> {
    let config = config(&args)?;
    let Some(target) = db_target::target(engine, db).await? else {
        return Err(db_target::unknown(engine, db).await);
    };
    let results = match db_target::connect(engine, &target).await {
        Ok(database) => health::run_checks(&database, &config).await,
        Err(e) => match db_target::db_error(&e) {
            // Unreachable is a finding, not an error of this command.
            Some(DbError::Connect { url, cause, fix }) => {
                unreachable_results(url, cause, fix, &config).await
            }
            _ => return Err(e),
        },
    };
    let status = health::worst(&results);
    if args.json {
        output::json(&Report {
            connection: target.label(),
            environment: target.environment(),
            status,
            checks: &results,
        })?;
    } else {
        print_text(&target, status, &results);
    }
    Ok(if status == Severity::Ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

async fn unreachable_results(
    url: &str,
    cause: &str,
    fix: &str,
    config: &HealthConfig,
) -> Vec<HealthCheckResult> {
    let started = Instant::now();
    let mut results = vec![HealthCheckResult {
        check: "connectivity".into(),
        severity: Severity::Critical,
        summary: format!("cannot connect to {url}: {cause}; {fix}"),
        evidence: json!({"url": url, "error": cause, "cause": cause, "fix": fix}),
        duration: started.elapsed(),
    }];
    for b in &config.backups {
        results.push(health::check_backup(b).await);
    }
    results
}

fn print_text(target: &Target, status: Severity, results: &[HealthCheckResult]) {
    println!("health of {}: {}", target.label(), status.as_str());
    for r in results {
        println!("  {:<8} {:<22} {}", r.severity.as_str(), r.check, r.summary);
    }
}
