//! Issue comments, both ways (migration 9). The tracker's comments on the
//! issues the workbench follows are cached whole per issue, with the
//! issue's `updated_at` when they were read, so a poll reads them again
//! only when the issue changed. Comments written in the workbench wait as
//! `pending` rows until a sync sends them; the row then gains the
//! tracker's id and is an ordinary synced comment, matched by id on the
//! next read instead of added twice.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use sr_model::{Comment, Timestamp};

use crate::{Result, Store, time};

const TABLE: &str = "issue_comments";

/// One comment in the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CachedComment {
    /// The cache's row id (stable while the comment is cached).
    pub id: i64,
    pub issue_key: String,
    /// The tracker's id; `None` while a workbench comment waits to be sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_id: Option<String>,
    pub author: String,
    pub body: String,
    pub created_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// For a workbench comment: the issue's `updated_at` (the tracker's
    /// clock) when it was written, so the tracker's copy is no older.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written_after: Option<Timestamp>,
    /// Written in the workbench and not sent yet.
    pub pending: bool,
    /// Refused by the tracker for good (the issue is gone, the text was
    /// rejected): not sent again; take it back to keep its text.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub rejected: bool,
    /// Sends tried so far (pending comments).
    pub attempts: u32,
    /// Why the last send failed; it is tried again by the next sync.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// What a read of an issue's comments changed in the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CommentChanges {
    pub added: u64,
    pub updated: u64,
    pub removed: u64,
}

impl CommentChanges {
    pub fn total(&self) -> u64 {
        self.added + self.updated + self.removed
    }
}

const COLUMNS: &str = "id, issue_key, remote_id, author, body, created_at, updated_at, \
                       written_after, state, attempts, last_error";

impl Store {
    /// An issue's cached comments, oldest first, pending ones included.
    pub async fn issue_comments(&self, issue_key: &str) -> Result<Vec<CachedComment>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM issue_comments WHERE issue_key = $1 ORDER BY created_at, id"
        ))
        .bind(issue_key)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(comment_from_row).collect()
    }

    /// When the issue's comments were last read from the tracker, and the
    /// issue's `updated_at` then; `None` when they never were.
    pub async fn comments_read(&self, issue_key: &str) -> Result<Option<(Timestamp, Timestamp)>> {
        let row = sqlx::query(
            "SELECT issue_updated, read_at FROM issue_comment_reads WHERE issue_key = $1",
        )
        .bind(issue_key)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok((
                time::from_ms(r.try_get("issue_updated")?, TABLE)?,
                time::from_ms(r.try_get("read_at")?, TABLE)?,
            ))
        })
        .transpose()
    }

    /// The issues of one tracker (provider and instance) whose comments
    /// are due for a read, newest change first, at most `limit`: the
    /// workbench follows them (linked to an object, or read before) and
    /// they changed since their comments were last read (or never were).
    /// Each comes with the issue's cached `updated_at`. Driven by links and
    /// reads (the tracker is picked out of their rows, not by an issues
    /// index that would make SQLite walk every cached issue), so it costs
    /// nothing for issues nobody follows.
    pub async fn comments_due(
        &self,
        provider: &str,
        instance: &str,
        limit: usize,
    ) -> Result<Vec<(String, Timestamp)>> {
        let rows = sqlx::query(
            "SELECT i.issue_key, i.updated_at FROM links l JOIN issues i ON i.id = l.issue_id \
             LEFT JOIN issue_comment_reads r ON r.issue_key = i.issue_key WHERE r.issue_key IS NULL \
             UNION \
             SELECT i.issue_key, i.updated_at FROM issue_comment_reads r \
             JOIN issues i ON i.issue_key = r.issue_key WHERE r.issue_updated < i.updated_at",
        )
        .fetch_all(self.pool())
        .await?;
        let prefix = key_prefix(provider, instance);
        let mut due = Vec::new();
        for r in &rows {
            let key: String = r.try_get("issue_key")?;
            if key.starts_with(&prefix) {
                due.push((key, time::from_ms(r.try_get("updated_at")?, TABLE)?));
            }
        }
        due.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        due.truncate(limit);
        Ok(due)
    }

    /// The issues of one tracker whose comments the workbench follows
    /// (linked to an object, or read before), each with the issue's
    /// `updated_at` when its comments were last read (`None`: never).
    /// Driven by links and reads, like [`Store::comments_due`].
    pub async fn comment_follows(
        &self,
        provider: &str,
        instance: &str,
    ) -> Result<HashMap<String, Option<Timestamp>>> {
        let rows = sqlx::query(
            "SELECT i.issue_key, r.issue_updated FROM links l JOIN issues i ON i.id = l.issue_id \
             LEFT JOIN issue_comment_reads r ON r.issue_key = i.issue_key \
             UNION \
             SELECT r.issue_key, r.issue_updated FROM issue_comment_reads r",
        )
        .fetch_all(self.pool())
        .await?;
        let prefix = key_prefix(provider, instance);
        let mut out = HashMap::new();
        for r in &rows {
            let key: String = r.try_get("issue_key")?;
            if key.starts_with(&prefix) {
                let updated: Option<i64> = r.try_get("issue_updated")?;
                out.insert(key, updated.map(|ms| time::from_ms(ms, TABLE)).transpose()?);
            }
        }
        Ok(out)
    }

    /// A read of the issue's comments failed: they count as unread, so
    /// [`Store::comments_due`] lists the issue until a read succeeds.
    pub async fn comment_read_failed(&self, issue_key: &str) -> Result<()> {
        sqlx::query("UPDATE issue_comment_reads SET issue_updated = 0 WHERE issue_key = $1")
            .bind(issue_key)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Replaces an issue's synced comments with the tracker's list, as read
    /// when the issue's `updated_at` was `issue_updated`: new ones are
    /// added, edited ones updated, ones the tracker no longer has removed.
    /// Pending workbench comments are left alone.
    pub async fn replace_remote_comments(
        &self,
        issue_key: &str,
        remote: &[Comment],
        issue_updated: Timestamp,
    ) -> Result<CommentChanges> {
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(
            "SELECT id, remote_id, author, body, updated_at FROM issue_comments \
             WHERE issue_key = $1 AND state = 'synced'",
        )
        .bind(issue_key)
        .fetch_all(&mut *tx)
        .await?;
        let mut cached: HashMap<String, (i64, String, String, Option<i64>)> = HashMap::new();
        for r in &rows {
            let remote_id: Option<String> = r.try_get("remote_id")?;
            if let Some(rid) = remote_id {
                cached.insert(
                    rid,
                    (
                        r.try_get("id")?,
                        r.try_get("author")?,
                        r.try_get("body")?,
                        r.try_get("updated_at")?,
                    ),
                );
            }
        }
        let mut changes = CommentChanges::default();
        let mut seen = HashSet::new();
        for c in remote {
            if !seen.insert(c.id.as_str()) {
                continue;
            }
            let updated = c.updated_at.map(time::to_ms);
            match cached.get(&c.id) {
                Some((id, author, body, at))
                    if *author != c.author || *body != c.body || *at != updated =>
                {
                    sqlx::query(
                        "UPDATE issue_comments SET author = $1, body = $2, updated_at = $3 WHERE id = $4",
                    )
                    .bind(c.author.as_str())
                    .bind(c.body.as_str())
                    .bind(updated)
                    .bind(*id)
                    .execute(&mut *tx)
                    .await?;
                    changes.updated += 1;
                }
                Some(_) => {}
                None => {
                    sqlx::query(
                        "INSERT INTO issue_comments (issue_key, remote_id, author, body, created_at, updated_at, state) \
                         VALUES ($1, $2, $3, $4, $5, $6, 'synced') \
                         ON CONFLICT (issue_key, remote_id) DO NOTHING",
                    )
                    .bind(issue_key)
                    .bind(c.id.as_str())
                    .bind(c.author.as_str())
                    .bind(c.body.as_str())
                    .bind(time::to_ms(c.created_at))
                    .bind(updated)
                    .execute(&mut *tx)
                    .await?;
                    changes.added += 1;
                }
            }
        }
        for (rid, (id, ..)) in &cached {
            if !seen.contains(rid.as_str()) {
                sqlx::query("DELETE FROM issue_comments WHERE id = $1")
                    .bind(*id)
                    .execute(&mut *tx)
                    .await?;
                changes.removed += 1;
            }
        }
        sqlx::query(
            "INSERT INTO issue_comment_reads (issue_key, issue_updated, read_at) VALUES ($1, $2, $3) \
             ON CONFLICT (issue_key) DO UPDATE SET issue_updated = excluded.issue_updated, read_at = excluded.read_at",
        )
        .bind(issue_key)
        .bind(time::to_ms(issue_updated))
        .bind(time::to_ms(time::now()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(changes)
    }

    /// A comment a webhook reported created, edited (`deleted` false) or
    /// deleted, applied to an issue whose comments are cached (read
    /// before); returns whether it was. Other issues' comments are read
    /// whole when someone first looks.
    pub async fn apply_remote_comment(
        &self,
        issue_key: &str,
        comment: &Comment,
        deleted: bool,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let read = sqlx::query("SELECT 1 AS one FROM issue_comment_reads WHERE issue_key = $1")
            .bind(issue_key)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if !read {
            return Ok(false);
        }
        if deleted {
            sqlx::query("DELETE FROM issue_comments WHERE issue_key = $1 AND remote_id = $2")
                .bind(issue_key)
                .bind(comment.id.as_str())
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query(
                "INSERT INTO issue_comments (issue_key, remote_id, author, body, created_at, updated_at, state) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'synced') \
                 ON CONFLICT (issue_key, remote_id) DO UPDATE SET author = excluded.author, \
                 body = excluded.body, updated_at = excluded.updated_at",
            )
            .bind(issue_key)
            .bind(comment.id.as_str())
            .bind(comment.author.as_str())
            .bind(comment.body.as_str())
            .bind(time::to_ms(comment.created_at))
            .bind(comment.updated_at.map(time::to_ms))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Keeps a comment written in the workbench for the next sync to send.
    pub async fn add_local_comment(
        &self,
        issue_key: &str,
        author: &str,
        body: &str,
    ) -> Result<CachedComment> {
        let row = sqlx::query(&format!(
            "INSERT INTO issue_comments (issue_key, author, body, created_at, written_after, state) \
             VALUES ($1, $2, $3, $4, (SELECT updated_at FROM issues WHERE issue_key = $1), 'pending') \
             RETURNING {COLUMNS}"
        ))
        .bind(issue_key)
        .bind(author)
        .bind(body)
        .bind(time::to_ms(time::now()))
        .fetch_one(self.pool())
        .await?;
        comment_from_row(&row)
    }

    /// Workbench comments not sent yet whose issue key starts with
    /// `key_prefix` (`github:github.com/acme/db:`), oldest first.
    pub async fn pending_comments(&self, key_prefix: &str) -> Result<Vec<CachedComment>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM issue_comments WHERE state = 'pending' \
             AND SUBSTR(issue_key, 1, CAST($1 AS INTEGER)) = $2 ORDER BY created_at, id"
        ))
        .bind(i64::try_from(key_prefix.len()).unwrap_or(i64::MAX))
        .bind(key_prefix)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(comment_from_row).collect()
    }

    /// Claims a pending comment for sending until `until` and counts the
    /// attempt, before anything is sent: `false` when another process or
    /// task holds it (or it was sent meanwhile). A process that dies after
    /// sending leaves `attempts` above zero, so the next sender looks for
    /// the comment at the tracker first.
    pub async fn claim_comment_send(&self, id: i64, until: Timestamp) -> Result<bool> {
        let now = time::to_ms(time::now());
        let done = sqlx::query(
            "UPDATE issue_comments SET attempts = attempts + 1, claimed_until = $1 \
             WHERE id = $2 AND state = 'pending' AND (claimed_until IS NULL OR claimed_until < $3)",
        )
        .bind(time::to_ms(until))
        .bind(id)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A pending comment the tracker now holds as `remote`. A copy a read
    /// cached meanwhile (the send's answer was lost) gives way to it.
    pub async fn mark_comment_sent(&self, id: i64, remote: &Comment) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let key: String = sqlx::query("SELECT issue_key FROM issue_comments WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("issue_key")?;
        sqlx::query(
            "DELETE FROM issue_comments WHERE issue_key = $1 AND remote_id = $2 AND id <> $3",
        )
        .bind(key.as_str())
        .bind(remote.id.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE issue_comments SET remote_id = $1, author = $2, body = $3, created_at = $4, \
             updated_at = $5, state = 'synced', last_error = NULL, claimed_until = NULL WHERE id = $6",
        )
        .bind(remote.id.as_str())
        .bind(remote.author.as_str())
        .bind(remote.body.as_str())
        .bind(time::to_ms(remote.created_at))
        .bind(remote.updated_at.map(time::to_ms))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes back a workbench comment not sent yet (pending, or refused
    /// by the tracker): it is deleted and its text returned. `None` when it is being sent right now or was sent
    /// (or taken back) meanwhile. When an earlier send may have reached
    /// the tracker (`attempts` above zero), the tracker's copy shows up
    /// with the next read like any other comment.
    pub async fn take_back_comment(&self, id: i64) -> Result<Option<String>> {
        let now = time::to_ms(time::now());
        let row = sqlx::query(
            "DELETE FROM issue_comments WHERE id = $1 AND state IN ('pending', 'rejected') \
             AND (claimed_until IS NULL OR claimed_until < $2) RETURNING body",
        )
        .bind(id)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| Ok(r.try_get("body")?)).transpose()
    }

    /// A send the tracker refused for good: the comment is kept, with the
    /// reason, but never sent again.
    pub async fn mark_comment_rejected(&self, id: i64, error: &str) -> Result<()> {
        sqlx::query(
            "UPDATE issue_comments SET state = 'rejected', last_error = $1, claimed_until = NULL \
             WHERE id = $2 AND state = 'pending'",
        )
        .bind(error)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A send that failed; the comment stays pending with the reason and
    /// its claim is given up.
    pub async fn mark_comment_failed(&self, id: i64, error: &str) -> Result<()> {
        sqlx::query(
            "UPDATE issue_comments SET last_error = $1, claimed_until = NULL WHERE id = $2",
        )
        .bind(error)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

/// The start of every issue key of one tracker.
fn key_prefix(provider: &str, instance: &str) -> String {
    format!("{provider}:{instance}:")
}

fn comment_from_row(r: &AnyRow) -> Result<CachedComment> {
    let state: String = r.try_get("state")?;
    let updated: Option<i64> = r.try_get("updated_at")?;
    let attempts: i64 = r.try_get("attempts")?;
    let after: Option<i64> = r.try_get("written_after")?;
    Ok(CachedComment {
        id: r.try_get("id")?,
        issue_key: r.try_get("issue_key")?,
        remote_id: r.try_get("remote_id")?,
        author: r.try_get("author")?,
        body: r.try_get("body")?,
        created_at: time::from_ms(r.try_get("created_at")?, TABLE)?,
        updated_at: updated.map(|ms| time::from_ms(ms, TABLE)).transpose()?,
        written_after: after.map(|ms| time::from_ms(ms, TABLE)).transpose()?,
        pending: state == "pending",
        rejected: state == "rejected",
        attempts: u32::try_from(attempts.max(0)).unwrap_or(u32::MAX),
        last_error: r.try_get("last_error")?,
    })
}
