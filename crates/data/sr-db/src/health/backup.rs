//! Whether the last backup succeeded: a file whose age must stay under a
//! limit, or a command whose exit status says so.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use serde_json::json;

use super::{BackupCheck, HealthCheckResult, Severity, human};

/// At most this many characters of a command's output are kept.
const OUTPUT_LIMIT: usize = 500;

/// Runs one backup check.
pub async fn check_backup(check: &BackupCheck) -> HealthCheckResult {
    let started = Instant::now();
    let (severity, summary, evidence) = match check {
        BackupCheck::File { path, max_age } => {
            let modified = std::fs::metadata(path).and_then(|m| m.modified());
            file_age_verdict(
                path,
                modified.map_err(|e| e.to_string()),
                *max_age,
                SystemTime::now(),
            )
        }
        BackupCheck::Command { command, timeout } => run_command(command, *timeout).await,
    };
    HealthCheckResult {
        check: "backup".into(),
        severity,
        summary,
        evidence,
        duration: started.elapsed(),
    }
}

/// The verdict on a backup file modified at `modified` (or unreadable),
/// seen at `now`: critical when missing or older than `max_age`.
pub(crate) fn file_age_verdict(
    path: &Path,
    modified: Result<SystemTime, String>,
    max_age: Duration,
    now: SystemTime,
) -> (Severity, String, serde_json::Value) {
    let shown = path.display().to_string();
    match modified {
        Err(e) => (
            Severity::Critical,
            format!(
                "the backup file {shown} cannot be read ({e}); check that the backup job runs and writes there"
            ),
            json!({"path": shown, "error": e, "max_age_hours": max_age.as_secs_f64() / 3600.0}),
        ),
        Ok(at) => {
            // A clock behind the file's time counts as a fresh backup.
            let age = now.duration_since(at).unwrap_or(Duration::ZERO);
            let evidence = json!({
                "path": shown,
                "age_hours": (age.as_secs_f64() / 36.0).round() / 100.0,
                "max_age_hours": max_age.as_secs_f64() / 3600.0,
            });
            if age > max_age {
                (
                    Severity::Critical,
                    format!(
                        "the last backup ({shown}) is {} old, over the {} allowed; check the backup job",
                        human(age),
                        human(max_age)
                    ),
                    evidence,
                )
            } else {
                (
                    Severity::Ok,
                    format!("the last backup ({shown}) is {} old", human(age)),
                    evidence,
                )
            }
        }
    }
}

/// Runs `sh -c command`: exit 0 is ok; another status, a failure to start
/// or a timeout is critical, with the end of its output as evidence.
async fn run_command(command: &str, timeout: Duration) -> (Severity, String, serde_json::Value) {
    let child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(timeout, child).await {
        Err(_) => (
            Severity::Critical,
            format!(
                "the backup check command did not finish within {}",
                human(timeout)
            ),
            json!({"command": command, "timeout_s": timeout.as_secs_f64()}),
        ),
        Ok(Err(e)) => (
            Severity::Critical,
            format!("the backup check command could not start: {e}"),
            json!({"command": command, "error": e.to_string()}),
        ),
        Ok(Ok(out)) => {
            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&out.stderr));
            let tail: String = {
                let chars: Vec<char> = text.trim().chars().collect();
                chars[chars.len().saturating_sub(OUTPUT_LIMIT)..]
                    .iter()
                    .collect()
            };
            let evidence =
                json!({"command": command, "exit_code": out.status.code(), "output": tail});
            if out.status.success() {
                (
                    Severity::Ok,
                    "the backup check command reports success".into(),
                    evidence,
                )
            } else {
                let status = out.status.code().map_or_else(
                    || "was killed by a signal".to_owned(),
                    |c| format!("exited {c}"),
                );
                (
                    Severity::Critical,
                    format!("the backup check command {status}: the last backup failed"),
                    evidence,
                )
            }
        }
    }
}
