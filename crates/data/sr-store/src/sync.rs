//! What tracker sync keeps (migration 5): each tracker's poll cursor and
//! health, the SyncOperations that make the sync log (pruned after seven
//! days), workbench edits waiting to be pushed, issues a full sync no longer
//! found, and the bulk reads and writes of the issue cache a poll needs
//! (content hashes by key, many upserts in one transaction).

use std::collections::HashMap;

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use sr_model::{Issue, Timestamp};

use crate::issues::{limit_i64, upsert_issue_on};
use crate::{Result, Store, UpsertOutcome, time};

/// Keys per `IN (…)` list: SQLite's binding cost grows with the square of a
/// statement's parameters (see `import.rs`).
pub(crate) const KEYS_PER_STATEMENT: usize = 100;

/// Where one tracker's polling stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrackerSyncState {
    pub tracker: String,
    /// The newest `updated_at` a complete poll saw, on the tracker's clock.
    pub cursor: Option<Timestamp>,
    pub last_full: Option<Timestamp>,
    pub last_success: Option<Timestamp>,
    pub last_attempt: Option<Timestamp>,
    /// Failed polls in a row; zero when the last one succeeded.
    pub failures: u32,
    pub last_error: Option<String>,
}

impl TrackerSyncState {
    pub fn new(tracker: &str) -> Self {
        TrackerSyncState {
            tracker: tracker.to_owned(),
            ..TrackerSyncState::default()
        }
    }

    /// Degraded: the last poll failed.
    pub fn degraded(&self) -> bool {
        self.failures > 0
    }
}

/// One SyncOperation row; progress and results are JSON the sync crate owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncOperationRow {
    pub id: String,
    pub tracker: String,
    pub kind: String,
    pub origin: String,
    pub requested_by: String,
    pub include_closed: bool,
    pub status: String,
    pub progress: String,
    pub results: String,
    pub error: Option<String>,
    pub started_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A field edited in the workbench, waiting for the next sync to push it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalEdit {
    pub id: i64,
    pub issue_key: String,
    pub field: String,
    pub value: String,
    /// The value the edit started from.
    pub base: String,
    pub edited_at: Timestamp,
}

pub(crate) const OPERATION_COLUMNS: &str = "id, tracker, kind, origin, requested_by, include_closed, status, progress, \
     results, error, started_at, completed_at, created_at, updated_at";

fn opt_time(row: &AnyRow, col: &str, table: &'static str) -> Result<Option<Timestamp>> {
    row.try_get::<Option<i64>, _>(col)?
        .map(|t| time::from_ms(t, table))
        .transpose()
}

pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    pub async fn tracker_sync_state(&self, tracker: &str) -> Result<TrackerSyncState> {
        let row = sqlx::query("SELECT * FROM sync_trackers WHERE tracker = $1")
            .bind(tracker)
            .fetch_optional(self.pool())
            .await?;
        row.map_or_else(
            || Ok(TrackerSyncState::new(tracker)),
            |r| state_from_row(&r),
        )
    }

    pub async fn tracker_sync_states(&self) -> Result<Vec<TrackerSyncState>> {
        let rows = sqlx::query("SELECT * FROM sync_trackers ORDER BY tracker")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(state_from_row).collect()
    }

    pub async fn save_tracker_sync_state(&self, s: &TrackerSyncState) -> Result<()> {
        let ms = |t: Option<Timestamp>| t.map(time::to_ms);
        sqlx::query(
            "INSERT INTO sync_trackers (tracker, cursor_ms, last_full_ms, last_success_ms, last_attempt_ms, \
             health, failures, last_error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (tracker) DO UPDATE SET cursor_ms = excluded.cursor_ms, \
             last_full_ms = excluded.last_full_ms, last_success_ms = excluded.last_success_ms, \
             last_attempt_ms = excluded.last_attempt_ms, health = excluded.health, \
             failures = excluded.failures, last_error = excluded.last_error",
        )
        .bind(&s.tracker)
        .bind(ms(s.cursor))
        .bind(ms(s.last_full))
        .bind(ms(s.last_success))
        .bind(ms(s.last_attempt))
        .bind(if s.degraded() { "degraded" } else { "ok" })
        .bind(i64::from(s.failures))
        .bind(s.last_error.as_deref())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The cached content hashes of these issue keys (absent keys are left out).
    pub async fn issue_hashes(&self, keys: &[String]) -> Result<HashMap<String, String>> {
        let mut out = HashMap::with_capacity(keys.len());
        for chunk in keys.chunks(KEYS_PER_STATEMENT) {
            let sql = format!(
                "SELECT issue_key, content_hash FROM issues WHERE issue_key IN ({})",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for k in chunk {
                q = q.bind(k.as_str());
            }
            for row in q.fetch_all(self.pool()).await? {
                out.insert(row.try_get("issue_key")?, row.try_get("content_hash")?);
            }
        }
        Ok(out)
    }

    /// Every cached issue of one tracker instance that a full sync has not
    /// marked removed, with its content hash.
    pub async fn instance_issue_hashes(
        &self,
        provider: &str,
        instance: &str,
    ) -> Result<HashMap<String, String>> {
        let rows = sqlx::query(
            "SELECT i.issue_key, i.content_hash FROM issues i WHERE i.provider = $1 AND i.instance = $2 \
             AND NOT EXISTS (SELECT 1 FROM sync_removed r WHERE r.issue_key = i.issue_key)",
        )
        .bind(provider)
        .bind(instance)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("issue_key")?, r.try_get("content_hash")?)))
            .collect()
    }

    /// Writes fetched issues in one transaction: all or none, so a
    /// cancelled or failed sync leaves the cache as it was before the batch.
    /// An issue seen again is no longer marked removed.
    pub async fn upsert_issues(&self, issues: &[Issue]) -> Result<Vec<UpsertOutcome>> {
        let mut tx = self.begin_write().await?;
        let now = time::now();
        let mut out = Vec::with_capacity(issues.len());
        for issue in issues {
            out.push(upsert_issue_on(&mut tx, issue, Some(now)).await?.1);
        }
        for chunk in issues.chunks(KEYS_PER_STATEMENT) {
            let sql = format!(
                "DELETE FROM sync_removed WHERE issue_key IN ({})",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for i in chunk {
                q = q.bind(i.key().to_string());
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Marks issues the tracker no longer holds here: deleted (`None`) or
    /// moved to another key.
    pub async fn mark_issues_removed(&self, removed: &[(String, Option<String>)]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let now = time::to_ms(time::now());
        for (key, moved_to) in removed {
            sqlx::query(
                "INSERT INTO sync_removed (issue_key, moved_to, removed_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (issue_key) DO UPDATE SET moved_to = excluded.moved_to",
            )
            .bind(key.as_str())
            .bind(moved_to.as_deref())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The issues marked removed, with where they moved to.
    pub async fn removed_issues(&self) -> Result<Vec<(String, Option<String>)>> {
        let rows = sqlx::query("SELECT issue_key, moved_to FROM sync_removed ORDER BY issue_key")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("issue_key")?, r.try_get("moved_to")?)))
            .collect()
    }

    /// Records a new operation; false when the tracker already has an
    /// active one (pending or in progress, in any process sharing the store).
    pub async fn insert_sync_operation(&self, op: &SyncOperationRow) -> Result<bool> {
        let sql = format!(
            "INSERT INTO sync_operations ({OPERATION_COLUMNS}) VALUES ({}) ON CONFLICT DO NOTHING",
            placeholders(1, 14)
        );
        let done = bind_operation(sqlx::query(&sql), op)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The tracker's pending or running operation, if any.
    pub async fn active_sync_operation(&self, tracker: &str) -> Result<Option<SyncOperationRow>> {
        let sql = format!(
            "SELECT {OPERATION_COLUMNS} FROM sync_operations WHERE tracker = $1 \
             AND status IN ('pending', 'in_progress')"
        );
        let row = sqlx::query(&sql)
            .bind(tracker)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(operation_from_row).transpose()
    }

    pub async fn update_sync_operation(&self, op: &SyncOperationRow) -> Result<()> {
        sqlx::query(
            "UPDATE sync_operations SET status = $1, progress = $2, results = $3, error = $4, \
             started_at = $5, completed_at = $6, updated_at = $7 WHERE id = $8",
        )
        .bind(op.status.as_str())
        .bind(op.progress.as_str())
        .bind(op.results.as_str())
        .bind(op.error.as_deref())
        .bind(op.started_at.map(time::to_ms))
        .bind(op.completed_at.map(time::to_ms))
        .bind(time::to_ms(op.updated_at))
        .bind(op.id.as_str())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn sync_operation(&self, id: &str) -> Result<Option<SyncOperationRow>> {
        let sql = format!("SELECT {OPERATION_COLUMNS} FROM sync_operations WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(operation_from_row).transpose()
    }

    /// The newest operations, of one tracker or of all.
    pub async fn sync_operations(
        &self,
        tracker: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SyncOperationRow>> {
        let sql = format!(
            "SELECT {OPERATION_COLUMNS} FROM sync_operations WHERE ($1 IS NULL OR tracker = $1) \
             ORDER BY created_at DESC, id DESC LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(tracker)
            .bind(limit_i64(limit))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(operation_from_row).collect()
    }

    /// Operations whose process stopped (no progress written since
    /// `silent_since`): marked failed so they no longer count as active.
    /// Returns how many.
    pub async fn fail_abandoned_sync_operations(
        &self,
        silent_since: Timestamp,
        reason: &str,
    ) -> Result<u64> {
        let now = time::to_ms(time::now());
        let done = sqlx::query(
            "UPDATE sync_operations SET status = 'failed', error = $1, completed_at = $2, updated_at = $2 \
             WHERE status IN ('pending', 'in_progress') AND updated_at < $3",
        )
        .bind(reason)
        .bind(now)
        .bind(time::to_ms(silent_since))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    /// Deletes finished operations created before `before`; returns how many.
    pub async fn prune_sync_operations(&self, before: Timestamp) -> Result<u64> {
        let done = sqlx::query(
            "DELETE FROM sync_operations WHERE created_at < $1 AND status NOT IN ('pending', 'in_progress')",
        )
        .bind(time::to_ms(before))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    /// Records a field edited in the workbench for the next sync to push.
    pub async fn record_local_edit(
        &self,
        issue_key: &str,
        field: &str,
        value: &str,
        base: &str,
    ) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO sync_local_edits (issue_key, field, value, base, edited_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(issue_key)
        .bind(field)
        .bind(value)
        .bind(base)
        .bind(time::to_ms(time::now()))
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get("id")?)
    }

    /// Edits not pushed yet whose issue key starts with `key_prefix`
    /// (`github:github.com/acme/db:`), oldest first.
    pub async fn pending_local_edits(&self, key_prefix: &str) -> Result<Vec<LocalEdit>> {
        let rows = sqlx::query(
            "SELECT id, issue_key, field, value, base, edited_at FROM sync_local_edits \
             WHERE pushed_at IS NULL AND SUBSTR(issue_key, 1, CAST($1 AS INTEGER)) = $2 ORDER BY edited_at, id",
        )
        .bind(i64::try_from(key_prefix.len()).unwrap_or(i64::MAX))
        .bind(key_prefix)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LocalEdit {
                    id: r.try_get("id")?,
                    issue_key: r.try_get("issue_key")?,
                    field: r.try_get("field")?,
                    value: r.try_get("value")?,
                    base: r.try_get("base")?,
                    edited_at: time::from_ms(r.try_get("edited_at")?, "sync_local_edits")?,
                })
            })
            .collect()
    }

    pub async fn mark_local_edits_pushed(&self, ids: &[i64]) -> Result<()> {
        let now = time::to_ms(time::now());
        for chunk in ids.chunks(KEYS_PER_STATEMENT) {
            let sql = format!(
                "UPDATE sync_local_edits SET pushed_at = $1 WHERE id IN ({})",
                placeholders(2, chunk.len())
            );
            let mut q = sqlx::query(&sql).bind(now);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(self.pool()).await?;
        }
        Ok(())
    }

    /// When each tracker's webhook last delivered anything.
    pub async fn last_deliveries(&self) -> Result<HashMap<String, Timestamp>> {
        let rows = sqlx::query(
            "SELECT tracker, MAX(received_at) AS last FROM webhook_deliveries GROUP BY tracker",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("tracker")?,
                    time::from_ms(r.try_get("last")?, "webhook_deliveries")?,
                ))
            })
            .collect()
    }
}

fn state_from_row(r: &AnyRow) -> Result<TrackerSyncState> {
    let t = "sync_trackers";
    Ok(TrackerSyncState {
        tracker: r.try_get("tracker")?,
        cursor: opt_time(r, "cursor_ms", t)?,
        last_full: opt_time(r, "last_full_ms", t)?,
        last_success: opt_time(r, "last_success_ms", t)?,
        last_attempt: opt_time(r, "last_attempt_ms", t)?,
        failures: u32::try_from(r.try_get::<i64, _>("failures")?).unwrap_or(u32::MAX),
        last_error: r.try_get("last_error")?,
    })
}

fn bind_operation<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    op: &'q SyncOperationRow,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(op.id.as_str())
        .bind(op.tracker.as_str())
        .bind(op.kind.as_str())
        .bind(op.origin.as_str())
        .bind(op.requested_by.as_str())
        .bind(i64::from(op.include_closed))
        .bind(op.status.as_str())
        .bind(op.progress.as_str())
        .bind(op.results.as_str())
        .bind(op.error.as_deref())
        .bind(op.started_at.map(time::to_ms))
        .bind(op.completed_at.map(time::to_ms))
        .bind(time::to_ms(op.created_at))
        .bind(time::to_ms(op.updated_at))
}

pub(crate) fn operation_from_row(r: &AnyRow) -> Result<SyncOperationRow> {
    let t = "sync_operations";
    Ok(SyncOperationRow {
        id: r.try_get("id")?,
        tracker: r.try_get("tracker")?,
        kind: r.try_get("kind")?,
        origin: r.try_get("origin")?,
        requested_by: r.try_get("requested_by")?,
        include_closed: r.try_get::<i64, _>("include_closed")? != 0,
        status: r.try_get("status")?,
        progress: r.try_get("progress")?,
        results: r.try_get("results")?,
        error: r.try_get("error")?,
        started_at: opt_time(r, "started_at", t)?,
        completed_at: opt_time(r, "completed_at", t)?,
        created_at: time::from_ms(r.try_get("created_at")?, t)?,
        updated_at: time::from_ms(r.try_get("updated_at")?, t)?,
    })
}
