//! Whole-table reads for exports: every link, every cached issue and the
//! whole audit log, each optionally narrowed to one connection's objects.
//! Rows come in a stable order (oldest first, then by id) so two exports
//! of the same store are the same file.

use sr_model::IssueLink;

use crate::audit::{AuditEntry, audit_from_row};
use crate::issues::{CachedIssue, ISSUE_COLUMNS, cached_issue_from_row};
use crate::links::{LINK_COLUMNS, link_from_row};
use crate::{Result, Store};

impl Store {
    /// Every link, of the objects of `connection` only when one is given;
    /// oldest link first.
    pub async fn all_links(&self, connection: Option<&str>) -> Result<Vec<IssueLink>> {
        let sql = format!(
            "SELECT {LINK_COLUMNS}, {ISSUE_COLUMNS} FROM links l JOIN objects o ON o.id = l.object_id \
             JOIN issues i ON i.id = l.issue_id WHERE ($1 IS NULL OR o.connection = $1) \
             ORDER BY link_created_at, l.link_id"
        );
        let rows = sqlx::query(&sql)
            .bind(connection)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(link_from_row).collect()
    }

    /// Every cached issue, or with `connection` those linked to at least
    /// one of its objects; by issue key.
    pub async fn all_cached_issues(&self, connection: Option<&str>) -> Result<Vec<CachedIssue>> {
        let sql = format!(
            "SELECT {ISSUE_COLUMNS} FROM issues i WHERE $1 IS NULL OR EXISTS (SELECT 1 FROM links l \
             JOIN objects o ON o.id = l.object_id WHERE l.issue_id = i.id AND o.connection = $1) \
             ORDER BY i.issue_key"
        );
        let rows = sqlx::query(&sql)
            .bind(connection)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(cached_issue_from_row).collect()
    }

    /// The whole audit log, oldest first; with `connection`, the entries
    /// about one of its objects (their object key starts with
    /// `connection:`; `substr` rather than LIKE, as names may hold `_`).
    pub async fn all_audit_entries(&self, connection: Option<&str>) -> Result<Vec<AuditEntry>> {
        let prefix = connection.map(|c| format!("{c}:"));
        let rows = sqlx::query(
            "SELECT id, at, actor, action, object_key, issue_key, detail FROM audit_log \
             WHERE $1 IS NULL OR substr(object_key, 1, length($1)) = $1 ORDER BY id",
        )
        .bind(prefix)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(audit_from_row).collect()
    }

    /// Whether any linked object belongs to `connection` (an export may
    /// name a connection whose profile was removed since).
    pub async fn has_objects_of(&self, connection: &str) -> Result<bool> {
        let row = sqlx::query("SELECT 1 AS one FROM objects WHERE connection = $1 LIMIT 1")
            .bind(connection)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.is_some())
    }
}
