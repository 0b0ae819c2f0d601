//! Pull and merge requests linked to issues and to the objects their
//! migration files change. Everything here is idempotent: a delivery and a
//! poll of one request at once leave one row (the unique key decides), an
//! older report never replaces a newer one (`updated_at` decides), and
//! links are added with `ON CONFLICT DO NOTHING`.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use sr_model::{ObjectRef, PullRequest, PullState, Timestamp};

use crate::links::upsert_object_on;
use crate::{Result, Store, StoreError, time};

/// What one intake learnt about a request: the request itself, whether it
/// changes migration files, the issues it names and the objects it changes.
#[derive(Debug, Clone)]
pub struct PullRecord<'a> {
    pub pull: &'a PullRequest,
    pub migrations: bool,
    /// Issue keys (`local:default:12`) of linked issues it names.
    pub issues: &'a [String],
    pub objects: &'a [PullObject],
}

/// An object a request's SQL changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PullObject {
    pub object: ObjectRef,
    /// `create`, `alter` or `drop`.
    pub action: String,
    /// The migration file that changes it.
    pub file: String,
}

/// A stored request with its store id and what links it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredPull {
    pub id: i64,
    pub pull: PullRequest,
    pub migrations: bool,
    /// Set when the request is read for an object: what it does to it.
    pub action: Option<String>,
    pub file: Option<String>,
    /// Keys of the issues it names, sorted.
    pub issues: Vec<String>,
}

const PULL_COLUMNS: &str = "p.id, p.tracker, p.provider, p.repo, p.number, p.title, p.branch, \
     p.state, p.draft, p.merged_at, p.checks, p.review, p.url, p.updated_at, p.migrations";

impl Store {
    /// Writes a request and its links in one transaction; returns its id.
    /// The request's fields are replaced only by a report at least as new
    /// as the stored one; links only ever grow.
    pub async fn record_pull(&self, rec: &PullRecord<'_>) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id = upsert_pull_on(&mut tx, rec.pull, rec.migrations).await?;
        let now = time::to_ms(time::now());
        for issue in rec.issues {
            sqlx::query(
                "INSERT INTO pull_issue_links (pull_id, issue_key, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (pull_id, issue_key) DO NOTHING",
            )
            .bind(id)
            .bind(issue.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        for o in rec.objects {
            let object_id = upsert_object_on(&mut tx, &o.object).await?;
            sqlx::query(
                "INSERT INTO pull_object_links (pull_id, object_id, action, file, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (pull_id, object_id) \
                 DO UPDATE SET action = excluded.action, file = excluded.file",
            )
            .bind(id)
            .bind(object_id)
            .bind(o.action.as_str())
            .bind(o.file.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The stored request `number` of `repo` through `tracker`.
    pub async fn pull(&self, tracker: &str, repo: &str, number: u64) -> Result<Option<StoredPull>> {
        let sql = format!(
            "SELECT {PULL_COLUMNS}, CAST(NULL AS TEXT) AS action, CAST(NULL AS TEXT) AS file FROM pull_requests p \
             WHERE p.tracker = $1 AND p.repo = $2 AND p.number = $3"
        );
        let row = sqlx::query(&sql)
            .bind(tracker)
            .bind(repo)
            .bind(i64::try_from(number).unwrap_or(i64::MAX))
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(row) => Ok(Some(self.with_issues(pull_from_row(&row)?).await?)),
            None => Ok(None),
        }
    }

    /// The requests that change an object (`shop:table:public.orders`),
    /// most recently updated first.
    pub async fn pulls_for_object(&self, object_key: &str) -> Result<Vec<StoredPull>> {
        let sql = format!(
            "SELECT {PULL_COLUMNS}, l.action, l.file FROM pull_requests p \
             JOIN pull_object_links l ON l.pull_id = p.id JOIN objects o ON o.id = l.object_id \
             WHERE o.object_key = $1 ORDER BY p.updated_at DESC, p.id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(object_key)
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(self.with_issues(pull_from_row(row)?).await?);
        }
        Ok(out)
    }

    /// Merged requests that changed migration files, oldest merge first,
    /// each with the issues it names (the traceability report counts
    /// these).
    pub async fn merged_migration_pulls(&self) -> Result<Vec<StoredPull>> {
        let sql = format!(
            "SELECT {PULL_COLUMNS}, CAST(NULL AS TEXT) AS action, CAST(NULL AS TEXT) AS file FROM pull_requests p \
             WHERE p.state = 'merged' AND p.migrations = 1 ORDER BY p.merged_at, p.id"
        );
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(self.with_issues(pull_from_row(row)?).await?);
        }
        Ok(out)
    }

    /// The object keys (`shop:table:public.orders`) a request changes.
    pub async fn pull_object_keys(&self, pull_id: i64) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT o.object_key FROM pull_object_links l JOIN objects o ON o.id = l.object_id \
             WHERE l.pull_id = $1 ORDER BY o.object_key",
        )
        .bind(pull_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| r.try_get("object_key").map_err(StoreError::from))
            .collect()
    }

    /// Queues `body` as a workbench comment on `issue_key` (the comment
    /// outbox sends it) unless one was queued for this request and issue
    /// before: `true` when this call queued it. The mark and the comment
    /// commit together, so two processes handling one merge queue one.
    pub async fn queue_merge_comment(
        &self,
        pull_id: i64,
        issue_key: &str,
        author: &str,
        body: &str,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let now = time::to_ms(time::now());
        let marked = sqlx::query(
            "UPDATE pull_issue_links SET commented_at = $1 \
             WHERE pull_id = $2 AND issue_key = $3 AND commented_at IS NULL",
        )
        .bind(now)
        .bind(pull_id)
        .bind(issue_key)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if marked {
            sqlx::query(
                "INSERT INTO issue_comments (issue_key, author, body, created_at, written_after, state) \
                 VALUES ($1, $2, $3, $4, (SELECT updated_at FROM issues WHERE issue_key = $1), 'pending')",
            )
            .bind(issue_key)
            .bind(author)
            .bind(body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(marked)
    }

    /// Linked issues (linked to at least one object) whose display key is
    /// `display_key` (`DB-7`, `LOCAL-12`, `#12`; case ignored): their keys
    /// and whether they are open, for matching a request's mentions.
    pub async fn linked_issues_named(&self, display_key: &str) -> Result<Vec<(String, bool)>> {
        let rows = sqlx::query(
            "SELECT DISTINCT i.issue_key, i.state FROM issues i JOIN links l ON l.issue_id = i.id \
             WHERE UPPER(i.display_key) = UPPER($1) ORDER BY i.issue_key",
        )
        .bind(display_key)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let state: String = r.try_get("state")?;
                Ok((r.try_get("issue_key")?, state != "done"))
            })
            .collect()
    }

    async fn with_issues(&self, mut p: StoredPull) -> Result<StoredPull> {
        let rows = sqlx::query(
            "SELECT issue_key FROM pull_issue_links WHERE pull_id = $1 ORDER BY issue_key",
        )
        .bind(p.id)
        .fetch_all(self.pool())
        .await?;
        p.issues = rows
            .iter()
            .map(|r| r.try_get("issue_key"))
            .collect::<std::result::Result<_, _>>()?;
        Ok(p)
    }
}

/// Inserts the request or, when the stored one is not newer, replaces its
/// fields; `migrations` only ever turns on.
async fn upsert_pull_on(
    conn: &mut AnyConnection,
    p: &PullRequest,
    migrations: bool,
) -> Result<i64> {
    let number = i64::try_from(p.number).unwrap_or(i64::MAX);
    sqlx::query(
        "INSERT INTO pull_requests (tracker, provider, repo, number, title, branch, state, draft, \
         merged_at, checks, review, url, updated_at, migrations) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (tracker, repo, number) DO UPDATE SET title = excluded.title, \
         branch = excluded.branch, state = excluded.state, draft = excluded.draft, \
         merged_at = excluded.merged_at, checks = COALESCE(excluded.checks, pull_requests.checks), \
         review = COALESCE(excluded.review, pull_requests.review), url = excluded.url, \
         updated_at = excluded.updated_at, \
         migrations = CASE WHEN excluded.migrations = 1 THEN 1 ELSE pull_requests.migrations END \
         WHERE excluded.updated_at >= pull_requests.updated_at",
    )
    .bind(p.tracker.as_str())
    .bind(p.provider.as_str())
    .bind(p.repo.as_str())
    .bind(number)
    .bind(p.title.as_str())
    .bind(p.branch.as_str())
    .bind(p.state.as_str())
    .bind(i64::from(p.draft))
    .bind(p.merged_at.map(time::to_ms))
    .bind(p.checks.as_deref())
    .bind(p.review.as_deref())
    .bind(p.url.as_str())
    .bind(time::to_ms(p.updated_at))
    .bind(i64::from(migrations))
    .execute(&mut *conn)
    .await?;
    if migrations {
        // An older report may have been skipped above; what it learnt
        // about the files still counts.
        sqlx::query(
            "UPDATE pull_requests SET migrations = 1 WHERE tracker = $1 AND repo = $2 AND number = $3",
        )
        .bind(p.tracker.as_str())
        .bind(p.repo.as_str())
        .bind(number)
        .execute(&mut *conn)
        .await?;
    }
    let row = sqlx::query(
        "SELECT id FROM pull_requests WHERE tracker = $1 AND repo = $2 AND number = $3",
    )
    .bind(p.tracker.as_str())
    .bind(p.repo.as_str())
    .bind(number)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

fn pull_from_row(r: &AnyRow) -> Result<StoredPull> {
    let state: String = r.try_get("state")?;
    let state = PullState::parse(&state)
        .ok_or_else(|| StoreError::corrupt("pull_requests", format!("unknown state `{state}`")))?;
    let number: i64 = r.try_get("number")?;
    let merged_at: Option<i64> = r.try_get("merged_at")?;
    let merged_at: Option<Timestamp> = merged_at
        .map(|ms| time::from_ms(ms, "pull_requests"))
        .transpose()?;
    let draft: i64 = r.try_get("draft")?;
    let migrations: i64 = r.try_get("migrations")?;
    Ok(StoredPull {
        id: r.try_get("id")?,
        pull: PullRequest {
            tracker: r.try_get("tracker")?,
            provider: r.try_get("provider")?,
            repo: r.try_get("repo")?,
            number: u64::try_from(number)
                .map_err(|_| StoreError::corrupt("pull_requests", "negative number"))?,
            title: r.try_get("title")?,
            body: String::new(),
            branch: r.try_get("branch")?,
            state,
            draft: draft != 0,
            merged_at,
            checks: r.try_get("checks")?,
            review: r.try_get("review")?,
            url: r.try_get("url")?,
            updated_at: time::from_ms(r.try_get("updated_at")?, "pull_requests")?,
        },
        migrations: migrations != 0,
        action: r.try_get("action")?,
        file: r.try_get("file")?,
        issues: Vec::new(),
    })
}
