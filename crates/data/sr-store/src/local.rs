//! Storage of the built-in local tracker: issues numbered per instance,
//! their comments, attachments and webhook registrations. The tracker
//! semantics (keys, status names, search) live in sr-tracker-local.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use sr_model::{IssueState, Priority, Timestamp};

use crate::issues::{like_escape, limit_i64};
use crate::{Result, Store, StoreError, time};

/// A local issue row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalIssueRow {
    pub number: i64,
    pub title: String,
    pub body: String,
    pub state: IssueState,
    pub status_name: String,
    pub resolution: Option<String>,
    pub priority: Option<Priority>,
    pub labels: Vec<String>,
    pub assignee: Option<String>,
    pub issue_type: Option<String>,
    pub project: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalComment {
    pub id: i64,
    pub author: String,
    pub body: String,
    pub created_at: Timestamp,
}

/// Which local issues to list.
#[derive(Debug, Clone, Default)]
pub struct LocalIssueFilter {
    /// Words that must all appear in the title or body (case-insensitive).
    pub words: Vec<String>,
    pub labels: Vec<String>,
    pub state: Option<Vec<IssueState>>,
    pub updated_since: Option<Timestamp>,
    pub limit: usize,
}

/// The local tracker's tables for one instance.
#[derive(Debug, Clone)]
pub struct LocalStore {
    store: Store,
    instance: String,
}

const COLUMNS: &str = "number, title, body, state, status_name, resolution, priority, labels, assignee, \
     issue_type, project, created_at, updated_at";

impl Store {
    pub fn local(&self, instance: &str) -> LocalStore {
        LocalStore {
            store: self.clone(),
            instance: instance.to_owned(),
        }
    }
}

impl LocalStore {
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Creates an issue with the next number of this instance. Auditing is
    /// the caller's (the link manager audits every create, whatever tracker).
    pub async fn create(&self, row: &LocalIssueRow) -> Result<LocalIssueRow> {
        let mut tx = self.store.begin_write().await?;
        let number: i64 = sqlx::query(
            "INSERT INTO local_counters (instance, last) VALUES ($1, 1) \
             ON CONFLICT (instance) DO UPDATE SET last = local_counters.last + 1 RETURNING last",
        )
        .bind(&self.instance)
        .fetch_one(&mut *tx)
        .await?
        .try_get("last")?;
        let mut created = row.clone();
        created.number = number;
        insert_row(&mut tx, &self.instance, &created).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn get(&self, number: i64) -> Result<Option<LocalIssueRow>> {
        let sql = format!("SELECT {COLUMNS} FROM local_issues WHERE instance = $1 AND number = $2");
        let row = sqlx::query(&sql)
            .bind(&self.instance)
            .bind(number)
            .fetch_optional(self.store.pool())
            .await?;
        row.as_ref().map(row_from_db).transpose()
    }

    /// Writes every field of `row` (looked up by its number).
    pub async fn update(&self, row: &LocalIssueRow) -> Result<()> {
        let labels = labels_json(&row.labels)?;
        let done = sqlx::query(
            "UPDATE local_issues SET title = $1, body = $2, state = $3, status_name = $4, resolution = $5, \
             priority = $6, labels = $7, assignee = $8, issue_type = $9, project = $10, updated_at = $11 \
             WHERE instance = $12 AND number = $13",
        )
        .bind(&row.title)
        .bind(&row.body)
        .bind(row.state.as_str())
        .bind(&row.status_name)
        .bind(row.resolution.as_deref())
        .bind(row.priority.map(Priority::as_str))
        .bind(labels)
        .bind(row.assignee.as_deref())
        .bind(row.issue_type.as_deref())
        .bind(row.project.as_deref())
        .bind(time::to_ms(row.updated_at))
        .bind(&self.instance)
        .bind(row.number)
        .execute(self.store.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NoIssue(format!(
                "local:{}:{}",
                self.instance, row.number
            )));
        }
        Ok(())
    }

    /// Deletes an issue with its comments and attachments; false when there
    /// was none.
    pub async fn delete(&self, number: i64) -> Result<bool> {
        let mut tx = self.store.begin_write().await?;
        for table in ["local_comments", "local_attachments"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE instance = $1 AND issue_number = $2"
            ))
            .bind(&self.instance)
            .bind(number)
            .execute(&mut *tx)
            .await?;
        }
        let n = sqlx::query("DELETE FROM local_issues WHERE instance = $1 AND number = $2")
            .bind(&self.instance)
            .bind(number)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Issues matching the filter, most recently updated first.
    pub async fn search(&self, filter: &LocalIssueFilter) -> Result<Vec<LocalIssueRow>> {
        let mut sql = format!("SELECT {COLUMNS} FROM local_issues WHERE instance = $1");
        let mut binds: Vec<String> = vec![self.instance.clone()];
        for word in &filter.words {
            binds.push(format!("%{}%", like_escape(&word.to_lowercase())));
            let n = binds.len();
            sql.push_str(&format!(
                " AND (LOWER(title) LIKE ${n} OR LOWER(body) LIKE ${n})"
            ));
        }
        for label in &filter.labels {
            // Labels are a JSON array of strings; match the quoted element.
            binds.push(format!(
                "%{}%",
                like_escape(&serde_json::to_string(label).unwrap_or_default())
            ));
            sql.push_str(&format!(" AND labels LIKE ${}", binds.len()));
        }
        if let Some(states) = &filter.state {
            let list: Vec<String> = states.iter().map(|s| format!("'{}'", s.as_str())).collect();
            sql.push_str(&format!(" AND state IN ({})", list.join(", ")));
        }
        if let Some(since) = filter.updated_since {
            sql.push_str(&format!(" AND updated_at >= {}", time::to_ms(since)));
        }
        let limit = if filter.limit == 0 { 50 } else { filter.limit };
        sql.push_str(&format!(
            " ORDER BY updated_at DESC, number DESC LIMIT {}",
            limit_i64(limit)
        ));
        let mut q = sqlx::query(&sql);
        for b in &binds {
            q = q.bind(b.as_str());
        }
        let rows = q.fetch_all(self.store.pool()).await?;
        rows.iter().map(row_from_db).collect()
    }

    pub async fn add_comment(&self, number: i64, author: &str, body: &str) -> Result<LocalComment> {
        let mut tx = self.store.begin_write().await?;
        let at = time::now();
        let row = sqlx::query(
            "INSERT INTO local_comments (instance, issue_number, author, body, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&self.instance)
        .bind(number)
        .bind(author)
        .bind(body)
        .bind(time::to_ms(at))
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE local_issues SET updated_at = $1 WHERE instance = $2 AND number = $3")
            .bind(time::to_ms(at))
            .bind(&self.instance)
            .bind(number)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(LocalComment {
            id: row.try_get("id")?,
            author: author.to_owned(),
            body: body.to_owned(),
            created_at: at,
        })
    }

    pub async fn comments(&self, number: i64) -> Result<Vec<LocalComment>> {
        let rows = sqlx::query(
            "SELECT id, author, body, created_at FROM local_comments WHERE instance = $1 AND issue_number = $2 ORDER BY id",
        )
        .bind(&self.instance)
        .bind(number)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LocalComment {
                    id: r.try_get("id")?,
                    author: r.try_get("author")?,
                    body: r.try_get("body")?,
                    created_at: time::from_ms(r.try_get("created_at")?, "local_comments")?,
                })
            })
            .collect()
    }

    /// Stores a file with an issue; returns the attachment id.
    pub async fn attach(
        &self,
        number: i64,
        filename: &str,
        content_type: &str,
        description: &str,
        bytes: &[u8],
    ) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO local_attachments (instance, issue_number, filename, content_type, description, size, bytes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&self.instance)
        .bind(number)
        .bind(filename)
        .bind(content_type)
        .bind(description)
        .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
        .bind(bytes.to_vec())
        .bind(time::to_ms(time::now()))
        .fetch_one(self.store.pool())
        .await?;
        Ok(row.try_get("id")?)
    }

    /// (id, filename, size) of an issue's attachments.
    pub async fn attachments(&self, number: i64) -> Result<Vec<(i64, String, i64)>> {
        let rows = sqlx::query(
            "SELECT id, filename, size FROM local_attachments WHERE instance = $1 AND issue_number = $2 ORDER BY id",
        )
        .bind(&self.instance)
        .bind(number)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("filename")?, r.try_get("size")?)))
            .collect()
    }

    /// Distinct labels in use, sorted.
    pub async fn labels(&self) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT DISTINCT labels FROM local_issues WHERE instance = $1")
            .bind(&self.instance)
            .fetch_all(self.store.pool())
            .await?;
        let mut out = std::collections::BTreeSet::new();
        for r in rows {
            let json: String = r.try_get("labels")?;
            let labels: Vec<String> =
                serde_json::from_str(&json).map_err(|e| StoreError::corrupt("local_issues", e))?;
            out.extend(labels);
        }
        Ok(out.into_iter().collect())
    }

    /// Distinct assignees in use, sorted.
    pub async fn assignees(&self) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT DISTINCT assignee FROM local_issues WHERE instance = $1 AND assignee IS NOT NULL ORDER BY assignee",
        )
        .bind(&self.instance)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter().map(|r| Ok(r.try_get("assignee")?)).collect()
    }

    pub async fn add_webhook(&self, url: &str, events: &[String]) -> Result<i64> {
        let events =
            serde_json::to_string(events).map_err(|e| StoreError::corrupt("local_webhooks", e))?;
        let row = sqlx::query(
            "INSERT INTO local_webhooks (instance, url, events, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&self.instance)
        .bind(url)
        .bind(events)
        .bind(time::to_ms(time::now()))
        .fetch_one(self.store.pool())
        .await?;
        Ok(row.try_get("id")?)
    }

    pub async fn remove_webhook(&self, id: i64) -> Result<bool> {
        let n = sqlx::query("DELETE FROM local_webhooks WHERE instance = $1 AND id = $2")
            .bind(&self.instance)
            .bind(id)
            .execute(self.store.pool())
            .await?
            .rows_affected();
        Ok(n == 1)
    }
}

fn labels_json(labels: &[String]) -> Result<String> {
    serde_json::to_string(labels).map_err(|e| StoreError::corrupt("local_issues", e))
}

async fn insert_row(conn: &mut AnyConnection, instance: &str, row: &LocalIssueRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO local_issues (instance, number, title, body, state, status_name, resolution, priority, labels, \
         assignee, issue_type, project, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(instance)
    .bind(row.number)
    .bind(&row.title)
    .bind(&row.body)
    .bind(row.state.as_str())
    .bind(&row.status_name)
    .bind(row.resolution.as_deref())
    .bind(row.priority.map(Priority::as_str))
    .bind(labels_json(&row.labels)?)
    .bind(row.assignee.as_deref())
    .bind(row.issue_type.as_deref())
    .bind(row.project.as_deref())
    .bind(time::to_ms(row.created_at))
    .bind(time::to_ms(row.updated_at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn row_from_db(r: &AnyRow) -> Result<LocalIssueRow> {
    let t = "local_issues";
    let state: String = r.try_get("state")?;
    let priority: Option<String> = r.try_get("priority")?;
    let labels: String = r.try_get("labels")?;
    Ok(LocalIssueRow {
        number: r.try_get("number")?,
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        state: state
            .parse()
            .map_err(|e: String| StoreError::corrupt(t, e))?,
        status_name: r.try_get("status_name")?,
        resolution: r.try_get("resolution")?,
        priority: priority
            .map(|p| p.parse())
            .transpose()
            .map_err(|e: String| StoreError::corrupt(t, e))?,
        labels: serde_json::from_str(&labels).map_err(|e| StoreError::corrupt(t, e))?,
        assignee: r.try_get("assignee")?,
        issue_type: r.try_get("issue_type")?,
        project: r.try_get("project")?,
        created_at: time::from_ms(r.try_get("created_at")?, t)?,
        updated_at: time::from_ms(r.try_get("updated_at")?, t)?,
    })
}
