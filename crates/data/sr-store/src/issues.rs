//! The issue cache: the last known state of every issue the product links or
//! shows, with the content hash that decides whether a fetch changed it.

use serde::Serialize;
use sqlx::any::AnyArguments;
use sqlx::any::AnyRow;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, Row};
use sr_model::{
    Issue, IssueKey, IssueRef, IssueStatus, Priority, SyncState, SyncStatus, Timestamp,
};

use crate::{Result, Store, StoreError, time};

/// A cached issue with what the store knows about its freshness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CachedIssue {
    #[serde(flatten)]
    pub issue: Issue,
    pub content_hash: String,
    pub synced_at: Option<Timestamp>,
    pub sync_error: Option<String>,
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertOutcome {
    Inserted,
    Updated,
    /// The content hash matched; only the sync time moved.
    Unchanged,
}

pub(crate) const ISSUE_COLUMNS: &str = "i.issue_key, i.display_key, i.url, i.title, i.state, i.status_name, \
     i.resolution, i.priority, i.labels, i.assignee, i.created_at, i.updated_at, i.body, i.issue_type, \
     i.project, i.content_hash, i.synced_at, i.sync_error";

impl Store {
    /// Writes a fetched issue into the cache. Nothing but `synced_at` is
    /// written when its content hash is unchanged.
    pub async fn upsert_issue(&self, issue: &Issue) -> Result<UpsertOutcome> {
        let mut conn = self.pool().acquire().await?;
        upsert_issue_on(&mut conn, issue, Some(time::now()))
            .await
            .map(|(_, o)| o)
    }

    pub async fn issue(&self, key: &IssueKey) -> Result<Option<CachedIssue>> {
        let sql = format!("SELECT {ISSUE_COLUMNS} FROM issues i WHERE i.issue_key = $1");
        let row = sqlx::query(&sql)
            .bind(key.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| cached_issue_from_row(&r)).transpose()
    }

    /// Records that refreshing an issue failed, keeping the cached copy.
    pub async fn mark_issue_sync_error(&self, key: &IssueKey, error: &str) -> Result<()> {
        sqlx::query("UPDATE issues SET sync_error = $1 WHERE issue_key = $2")
            .bind(error)
            .bind(key.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Cached issues whose title, display key or body contain `text`
    /// (case-insensitive), newest first.
    pub async fn search_cached_issues(&self, text: &str, limit: usize) -> Result<Vec<CachedIssue>> {
        let sql = format!(
            "SELECT {ISSUE_COLUMNS} FROM issues i WHERE LOWER(i.title) LIKE $1 OR LOWER(i.display_key) LIKE $1 \
             OR LOWER(i.body) LIKE $1 ORDER BY i.updated_at DESC LIMIT $2"
        );
        let pattern = format!("%{}%", like_escape(&text.to_lowercase()));
        let rows = sqlx::query(&sql)
            .bind(pattern)
            .bind(limit_i64(limit))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(cached_issue_from_row).collect()
    }

    /// The sync status of an issue: never synced when it is not cached.
    pub async fn sync_status(
        &self,
        key: &IssueKey,
        stale_after: chrono::Duration,
    ) -> Result<SyncStatus> {
        let row = sqlx::query(
            "SELECT i.content_hash, i.synced_at, i.sync_error, \
             (SELECT COUNT(*) FROM links l WHERE l.issue_id = i.id) AS n FROM issues i WHERE i.issue_key = $1",
        )
        .bind(key.to_string())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(SyncStatus {
                issue: key.clone(),
                state: SyncState::NeverSynced,
                last_synced_at: None,
                content_hash: None,
                last_error: None,
                linked_objects: 0,
            });
        };
        let synced_at = row
            .try_get::<Option<i64>, _>("synced_at")?
            .map(|t| time::from_ms(t, "issues"))
            .transpose()?;
        let last_error: Option<String> = row.try_get("sync_error")?;
        let state = match (&last_error, synced_at) {
            (Some(_), _) => SyncState::Error,
            (None, None) => SyncState::NeverSynced,
            (None, Some(t)) if time::now() - t > stale_after => SyncState::Stale,
            (None, Some(_)) => SyncState::Synced,
        };
        Ok(SyncStatus {
            issue: key.clone(),
            state,
            last_synced_at: synced_at,
            content_hash: Some(row.try_get("content_hash")?),
            last_error,
            linked_objects: u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0),
        })
    }
}

pub(crate) fn limit_i64(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

pub(crate) fn like_escape(s: &str) -> String {
    // Both engines treat `%` and `_` as wildcards; callers search for words,
    // so stray wildcards are simply dropped rather than escaped per engine.
    s.replace(['%', '_'], " ")
}

/// Inserts or updates one issue on an open connection or transaction and
/// returns its row id.
pub(crate) async fn upsert_issue_on(
    conn: &mut AnyConnection,
    issue: &Issue,
    synced_at: Option<Timestamp>,
) -> Result<(i64, UpsertOutcome)> {
    let r = &issue.reference;
    let key = r.key.to_string();
    let hash = issue.content_hash();
    let synced = synced_at.map(time::to_ms);
    // A concurrent writer (another process on a shared PostgreSQL store)
    // may insert the same key between our look and our insert; the insert
    // then does nothing and the second look finds its row to update.
    for _ in 0..2 {
        if let Some(done) = upsert_issue_once(conn, issue, &key, &hash, synced).await? {
            return Ok(done);
        }
    }
    Err(StoreError::corrupt(
        "issues",
        format!("{key} was neither insertable nor found"),
    ))
}

/// One look-then-write attempt; `None` when another writer inserted the key
/// first.
async fn upsert_issue_once(
    conn: &mut AnyConnection,
    issue: &Issue,
    key: &str,
    hash: &str,
    synced: Option<i64>,
) -> Result<Option<(i64, UpsertOutcome)>> {
    let r = &issue.reference;
    let existing = sqlx::query("SELECT id, content_hash FROM issues WHERE issue_key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    match existing {
        Some(row) => {
            let id: i64 = row.try_get("id")?;
            let old_hash: String = row.try_get("content_hash")?;
            if old_hash == hash {
                if synced.is_some() {
                    sqlx::query(
                        "UPDATE issues SET synced_at = $1, sync_error = NULL WHERE id = $2",
                    )
                    .bind(synced)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                }
                return Ok(Some((id, UpsertOutcome::Unchanged)));
            }
            let q = sqlx::query(
                "UPDATE issues SET display_key = $1, url = $2, title = $3, state = $4, status_name = $5, \
                 resolution = $6, priority = $7, labels = $8, assignee = $9, created_at = $10, updated_at = $11, \
                 body = $12, issue_type = $13, project = $14, content_hash = $15, \
                 synced_at = COALESCE($16, synced_at), sync_error = NULL WHERE id = $17",
            );
            bind_issue_content(q, issue, synced)?
                .bind(id)
                .execute(&mut *conn)
                .await?;
            Ok(Some((id, UpsertOutcome::Updated)))
        }
        None => {
            let q = sqlx::query(
                "INSERT INTO issues (issue_key, provider, instance, issue_id, display_key, url, title, state, \
                 status_name, resolution, priority, labels, assignee, created_at, updated_at, body, issue_type, \
                 project, content_hash, synced_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
                 ON CONFLICT (issue_key) DO NOTHING RETURNING id",
            )
            .bind(key)
            .bind(&r.key.provider)
            .bind(&r.key.instance)
            .bind(&r.key.id);
            let row = bind_issue_content(q, issue, synced)?
                .fetch_optional(&mut *conn)
                .await?;
            row.map(|row| Ok((row.try_get("id")?, UpsertOutcome::Inserted)))
                .transpose()
        }
    }
}

/// Binds an issue's cached fields in column order: display_key, url, title,
/// state, status_name, resolution, priority, labels, assignee, created_at,
/// updated_at, body, issue_type, project, content_hash, synced_at. Every
/// statement that writes the cache (single upsert and bulk import) uses it.
pub(crate) fn bind_issue_content<'q>(
    q: Query<'q, Any, AnyArguments<'q>>,
    issue: &'q Issue,
    synced_at: Option<i64>,
) -> Result<Query<'q, Any, AnyArguments<'q>>> {
    let r = &issue.reference;
    let labels = serde_json::to_string(&r.labels).map_err(|e| StoreError::corrupt("issues", e))?;
    Ok(q.bind(r.display_key.as_str())
        .bind(r.url.as_str())
        .bind(r.title.as_str())
        .bind(r.status.state.as_str())
        .bind(r.status.name.as_str())
        .bind(r.status.resolution.as_deref())
        .bind(r.priority.map(Priority::as_str))
        .bind(labels)
        .bind(r.assignee.as_deref())
        .bind(time::to_ms(r.created_at))
        .bind(time::to_ms(r.updated_at))
        .bind(issue.body.as_str())
        .bind(issue.issue_type.as_deref())
        .bind(issue.project.as_deref())
        .bind(issue.content_hash())
        .bind(synced_at))
}

/// Reads the columns of [`ISSUE_COLUMNS`] into an issue reference.
pub(crate) fn issue_ref_from_row(row: &AnyRow) -> Result<IssueRef> {
    let t = "issues";
    let key: String = row.try_get("issue_key")?;
    let key: IssueKey = key.parse().map_err(|e| StoreError::corrupt(t, e))?;
    let state: String = row.try_get("state")?;
    let priority: Option<String> = row.try_get("priority")?;
    let labels: String = row.try_get("labels")?;
    Ok(IssueRef {
        key,
        display_key: row.try_get("display_key")?,
        url: row.try_get("url")?,
        title: row.try_get("title")?,
        status: IssueStatus {
            state: state
                .parse()
                .map_err(|e: String| StoreError::corrupt(t, e))?,
            name: row.try_get("status_name")?,
            resolution: row.try_get("resolution")?,
        },
        priority: priority
            .map(|p| p.parse())
            .transpose()
            .map_err(|e: String| StoreError::corrupt(t, e))?,
        labels: serde_json::from_str(&labels).map_err(|e| StoreError::corrupt(t, e))?,
        assignee: row.try_get("assignee")?,
        created_at: time::from_ms(row.try_get("created_at")?, t)?,
        updated_at: time::from_ms(row.try_get("updated_at")?, t)?,
    })
}

pub(crate) fn cached_issue_from_row(row: &AnyRow) -> Result<CachedIssue> {
    Ok(CachedIssue {
        issue: Issue {
            reference: issue_ref_from_row(row)?,
            body: row.try_get("body")?,
            issue_type: row.try_get("issue_type")?,
            project: row.try_get("project")?,
        },
        content_hash: row.try_get("content_hash")?,
        synced_at: row
            .try_get::<Option<i64>, _>("synced_at")?
            .map(|t| time::from_ms(t, "issues"))
            .transpose()?,
        sync_error: row.try_get("sync_error")?,
    })
}
