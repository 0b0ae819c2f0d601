//! The append-only audit log: who did what to which object and issue, when.
//! Rows are written in the same transaction as the change they record; the
//! table's triggers refuse updates and deletes.

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use sr_model::Timestamp;

use crate::{Result, Store, StoreError, issues::limit_i64, time};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    IssueCreated,
    IssueUpdated,
    IssueDeleted,
    CommentAdded,
    Linked,
    Unlinked,
}

names!(AuditAction {
    IssueCreated => "issue_created",
    IssueUpdated => "issue_updated",
    IssueDeleted => "issue_deleted",
    CommentAdded => "comment_added",
    Linked => "linked",
    Unlinked => "unlinked",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor: String,
    pub action: AuditAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

impl Store {
    /// Records an action that happened outside a store transaction (an
    /// issue created in a remote tracker).
    pub async fn audit(
        &self,
        actor: &str,
        action: AuditAction,
        object: Option<&str>,
        issue: Option<&str>,
        detail: &str,
    ) -> Result<()> {
        let mut conn = self.pool().acquire().await?;
        audit_on(&mut conn, actor, action, object, issue, detail).await
    }

    /// The newest `limit` entries, newest first.
    pub async fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT id, at, actor, action, object_key, issue_key, detail FROM audit_log ORDER BY id DESC LIMIT $1",
        )
        .bind(limit_i64(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(audit_from_row).collect()
    }
}

/// Reads one row of `id, at, actor, action, object_key, issue_key, detail`.
pub(crate) fn audit_from_row(r: &sqlx::any::AnyRow) -> Result<AuditEntry> {
    let action: String = r.try_get("action")?;
    Ok(AuditEntry {
        id: r.try_get("id")?,
        at: time::from_ms(r.try_get("at")?, "audit_log")?,
        actor: r.try_get("actor")?,
        action: AuditAction::parse(&action)
            .ok_or_else(|| StoreError::corrupt("audit_log", format!("unknown action {action}")))?,
        object: r.try_get("object_key")?,
        issue: r.try_get("issue_key")?,
        detail: r.try_get("detail")?,
    })
}

pub(crate) async fn audit_on(
    conn: &mut AnyConnection,
    actor: &str,
    action: AuditAction,
    object: Option<&str>,
    issue: Option<&str>,
    detail: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO audit_log (at, actor, action, object_key, issue_key, detail) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(time::to_ms(time::now()))
        .bind(actor)
        .bind(action.as_str())
        .bind(object)
        .bind(issue)
        .bind(detail)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
