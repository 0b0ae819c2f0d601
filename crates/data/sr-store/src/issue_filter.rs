//! The issue cache read a page at a time under filters, for the team API:
//! ordered by the row id so a cursor (the last id seen) stays valid while
//! syncs add and update issues between pages.

use sqlx::Row;

use crate::issues::{ISSUE_COLUMNS, cached_issue_from_row, like_escape, limit_i64};
use crate::{CachedIssue, Result, Store, StoreError};

/// Filters over cached issues; `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CachedIssueFilter {
    /// `provider` or `provider:instance` (the start of the issue key).
    pub tracker: Option<String>,
    /// `open`, `in_progress` or `done`.
    pub state: Option<String>,
    pub assignee: Option<String>,
    /// One label, matched whole.
    pub label: Option<String>,
    /// Words in the title, display key or body (case-insensitive).
    pub text: Option<String>,
}

impl Store {
    /// Up to `limit` cached issues matching `filter` with a row id above
    /// `after`, with their row ids, in id order.
    pub async fn cached_issues_page(
        &self,
        filter: &CachedIssueFilter,
        after: Option<i64>,
        limit: usize,
    ) -> Result<Vec<(i64, CachedIssue)>> {
        let tracker = filter.tracker.as_deref().map(|t| match t.split_once(':') {
            Some((provider, instance)) => (provider.to_owned(), Some(instance.to_owned())),
            None => (t.to_owned(), None),
        });
        // The labels column is a JSON array; a label matches whole when its
        // JSON string (quotes included) occurs in it.
        let label = filter
            .label
            .as_deref()
            .map(|l| serde_json::to_string(l).map_err(|e| StoreError::corrupt("issues", e)))
            .transpose()?
            .map(|json| format!("%{}%", like_escape(&json)));
        let text = filter
            .text
            .as_deref()
            .map(|t| format!("%{}%", like_escape(&t.to_lowercase())));
        let sql = format!(
            "SELECT i.id AS row_id, {ISSUE_COLUMNS} FROM issues i WHERE i.id > $1 \
             AND ($2 IS NULL OR i.provider = $2) AND ($3 IS NULL OR i.instance = $3) \
             AND ($4 IS NULL OR i.state = $4) AND ($5 IS NULL OR i.assignee = $5) \
             AND ($6 IS NULL OR i.labels LIKE $6) \
             AND ($7 IS NULL OR LOWER(i.title) LIKE $7 OR LOWER(i.display_key) LIKE $7 OR LOWER(i.body) LIKE $7) \
             ORDER BY i.id LIMIT $8"
        );
        let rows = sqlx::query(&sql)
            .bind(after.unwrap_or(0))
            .bind(tracker.as_ref().map(|t| t.0.clone()))
            .bind(tracker.and_then(|t| t.1))
            .bind(filter.state.clone())
            .bind(filter.assignee.clone())
            .bind(label)
            .bind(text)
            .bind(limit_i64(limit))
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("row_id")?, cached_issue_from_row(r)?)))
            .collect()
    }
}
