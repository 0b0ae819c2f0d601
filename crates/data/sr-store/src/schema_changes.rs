//! Schema changes (migration 14): drift a check found and migrations that
//! were applied, one row per change, kept for the traceability report.
//! The caller names each change by a key that leaves out when it was seen,
//! so recording one change twice (two processes, the next check finding
//! the same drift, a retry) keeps the first row.
//!
//! Also the whole-table read of the auto-issue rows the report needs.

use sqlx::Row;
use sqlx::any::AnyRow;
use sr_model::Timestamp;

use crate::auto_issues::{STATE_COLUMNS, state_from_row};
use crate::{AutoIssueState, Result, Store, StoreError, time};

const TABLE: &str = "schema_changes";

/// Where a schema change was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SchemaChangeKind {
    /// A drift check found the live schema differing from its baseline.
    Drift,
    /// A migration was applied (by the workbench or reported by an event).
    Migration,
}

impl SchemaChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaChangeKind::Drift => "drift",
            SchemaChangeKind::Migration => "migration",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "drift" => Ok(SchemaChangeKind::Drift),
            "migration" => Ok(SchemaChangeKind::Migration),
            other => Err(StoreError::corrupt(
                TABLE,
                format!("unknown kind `{other}`"),
            )),
        }
    }
}

/// A change to record.
#[derive(Debug, Clone)]
pub struct NewSchemaChange<'a> {
    /// The change's identity: equal for two sightings of one change.
    pub change_key: &'a str,
    pub kind: SchemaChangeKind,
    pub connection: &'a str,
    /// `schema.name`; `None` for a change of the whole database.
    pub object: Option<&'a str>,
    pub summary: &'a str,
    pub occurred_at: Timestamp,
}

/// A recorded change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaChange {
    pub id: i64,
    pub change_key: String,
    pub kind: SchemaChangeKind,
    pub connection: String,
    pub object: Option<String>,
    pub summary: String,
    pub occurred_at: Timestamp,
}

impl Store {
    /// Records a change; `false` when a change with its key is recorded
    /// already (the first sighting stays, with its time). The UNIQUE key
    /// decides, so two processes recording at once keep one row.
    pub async fn record_schema_change(&self, c: &NewSchemaChange<'_>) -> Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO schema_changes (change_key, kind, connection, object, summary, occurred_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (change_key) DO NOTHING",
        )
        .bind(c.change_key)
        .bind(c.kind.as_str())
        .bind(c.connection)
        .bind(c.object)
        .bind(c.summary)
        .bind(time::to_ms(c.occurred_at))
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(inserted > 0)
    }

    /// Every recorded change, of `connection` only when given; oldest
    /// first.
    pub async fn schema_changes(&self, connection: Option<&str>) -> Result<Vec<SchemaChange>> {
        let rows = sqlx::query(
            "SELECT id, change_key, kind, connection, object, summary, occurred_at FROM schema_changes \
             WHERE $1 IS NULL OR connection = $1 ORDER BY occurred_at, id",
        )
        .bind(connection)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(change_from_row).collect()
    }

    /// Every auto-issue row (one per alert fingerprint), of `connection`
    /// only when given; oldest first.
    pub async fn all_auto_issues(&self, connection: Option<&str>) -> Result<Vec<AutoIssueState>> {
        let sql = format!(
            "SELECT {STATE_COLUMNS} FROM auto_issues WHERE $1 IS NULL OR connection = $1 \
             ORDER BY first_seen, fingerprint"
        );
        let rows = sqlx::query(&sql)
            .bind(connection)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(state_from_row).collect()
    }

    /// The connections the store knows of from recorded changes and
    /// auto-issues (their profiles may be gone), sorted.
    pub async fn connections_with_history(&self) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT connection FROM schema_changes UNION SELECT connection FROM auto_issues \
             UNION SELECT connection FROM objects ORDER BY connection",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| r.try_get("connection").map_err(Into::into))
            .collect()
    }
}

fn change_from_row(r: &AnyRow) -> Result<SchemaChange> {
    Ok(SchemaChange {
        id: r.try_get("id")?,
        change_key: r.try_get("change_key")?,
        kind: SchemaChangeKind::parse(&r.try_get::<String, _>("kind")?)?,
        connection: r.try_get("connection")?,
        object: r.try_get("object")?,
        summary: r.try_get("summary")?,
        occurred_at: time::from_ms(r.try_get("occurred_at")?, TABLE)?,
    })
}
