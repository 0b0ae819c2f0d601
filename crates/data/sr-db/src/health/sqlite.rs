//! SQLite checks: `PRAGMA quick_check` (or `integrity_check`) and the
//! database's size from its page counts.

use std::time::Instant;

use serde_json::json;
use sqlx::SqlitePool;

use super::verdict::could_not_run;
use super::{HealthCheckResult, HealthConfig, Severity};

/// At most this many problem lines are kept as evidence.
const MAX_PROBLEMS: usize = 20;

/// `PRAGMA quick_check` (or the full `integrity_check` when configured):
/// `ok`, or the problems it lists (critical).
pub(super) async fn integrity(pool: &SqlitePool, config: &HealthConfig) -> HealthCheckResult {
    let started = Instant::now();
    let pragma = if config.sqlite_full_integrity_check {
        "integrity_check"
    } else {
        "quick_check"
    };
    let sql = format!("PRAGMA {pragma}({MAX_PROBLEMS})");
    let lines: Vec<String> = match sqlx::query_scalar(&sql).fetch_all(pool).await {
        Ok(lines) => lines,
        Err(e) if is_corruption(&e) => {
            return HealthCheckResult {
                check: "integrity".into(),
                severity: Severity::Critical,
                summary: format!(
                    "PRAGMA {pragma} stopped: {e}; restore from a backup or run .recover"
                ),
                evidence: json!({"pragma": pragma, "problems": [e.to_string()]}),
                duration: started.elapsed(),
            };
        }
        Err(e) => return could_not_run("integrity", "integrity", &e, started),
    };
    let ok = lines.len() == 1 && lines[0] == "ok";
    HealthCheckResult {
        check: "integrity".into(),
        severity: if ok { Severity::Ok } else { Severity::Critical },
        summary: if ok {
            format!("PRAGMA {pragma} found no problem")
        } else {
            format!(
                "PRAGMA {pragma} found {} problem(s); restore from a backup or run .recover",
                lines.len()
            )
        },
        evidence: json!({"pragma": pragma, "problems": if ok { Vec::new() } else { lines }}),
        duration: started.elapsed(),
    }
}

/// The database's size (pages × page size) and its free pages.
pub(super) async fn file_size(pool: &SqlitePool, config: &HealthConfig) -> HealthCheckResult {
    let started = Instant::now();
    let row: Result<(i64, i64, i64), _> = sqlx::query_as(
        "SELECT (SELECT page_count FROM pragma_page_count()), \
                (SELECT page_size FROM pragma_page_size()), \
                (SELECT freelist_count FROM pragma_freelist_count())",
    )
    .fetch_one(pool)
    .await;
    let (pages, page_size, free) = match row {
        Ok(row) => row,
        Err(e) => return could_not_run("file_size", "the file size", &e, started),
    };
    let bytes = (pages.max(0) as u64) * (page_size.max(0) as u64);
    let free_bytes = (free.max(0) as u64) * (page_size.max(0) as u64);
    let over = config
        .sqlite_size_warning_bytes
        .filter(|limit| bytes > *limit);
    HealthCheckResult {
        check: "file_size".into(),
        severity: if over.is_some() {
            Severity::Warning
        } else {
            Severity::Ok
        },
        summary: match over {
            Some(limit) => format!("the database holds {bytes} bytes, over the {limit} configured"),
            None => format!("the database holds {bytes} bytes ({free_bytes} free)"),
        },
        evidence: json!({"bytes": bytes, "free_bytes": free_bytes, "page_size": page_size,
                         "warning_bytes": config.sqlite_size_warning_bytes}),
        duration: started.elapsed(),
    }
}

/// SQLITE_CORRUPT (11) or SQLITE_NOTADB (26): the check itself hit a
/// damaged page.
fn is_corruption(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db)
        if matches!(db.code().as_deref(), Some("11" | "26")))
}
