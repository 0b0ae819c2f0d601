//! Keyset pages over the store's logs, for the team API: each page starts
//! after the last row of the one before (its id, or its time and id), so
//! rows added meanwhile neither repeat nor shift a page the way an offset
//! would. Newest first.

use sr_model::Timestamp;

use crate::issues::limit_i64;
use crate::{
    AutoIssueState, Delivery, DeliveryStatus, OutboxIntent, Result, Store, SyncOperationRow, time,
};

impl Store {
    /// Deliveries with an id below `before` (all when `None`), of one
    /// status or any, newest first, without bodies.
    pub async fn deliveries_page(
        &self,
        status: Option<DeliveryStatus>,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Delivery>> {
        let sql = format!(
            "SELECT {} FROM webhook_deliveries WHERE id < $1 AND ($2 IS NULL OR status = $2) \
             ORDER BY id DESC LIMIT $3",
            crate::deliveries::COLUMNS
        );
        let rows = sqlx::query(&sql)
            .bind(before.unwrap_or(i64::MAX))
            .bind(status.map(|s| s.as_str()))
            .bind(limit_i64(limit))
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(crate::deliveries::delivery_from_row)
            .collect()
    }

    /// Outbox rows with an id below `before`, newest first.
    pub async fn outbox_page(
        &self,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<OutboxIntent>> {
        let sql = format!(
            "SELECT {} FROM auto_issue_outbox WHERE id < $1 ORDER BY id DESC LIMIT $2",
            crate::outbox::OUTBOX_COLUMNS
        );
        let rows = sqlx::query(&sql)
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit_i64(limit))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(crate::outbox::intent_from_row).collect()
    }

    /// Auto-issue alerts seen before `before` (last seen, fingerprint),
    /// most recently seen first.
    pub async fn auto_issues_page(
        &self,
        before: Option<(Timestamp, String)>,
        limit: usize,
    ) -> Result<Vec<AutoIssueState>> {
        let (at, key) = split(before);
        let sql = format!(
            "SELECT {} FROM auto_issues WHERE last_seen < $1 OR (last_seen = $1 AND fingerprint < $2) \
             ORDER BY last_seen DESC, fingerprint DESC LIMIT $3",
            crate::auto_issues::STATE_COLUMNS
        );
        let rows = sqlx::query(&sql)
            .bind(at)
            .bind(key)
            .bind(limit_i64(limit))
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(crate::auto_issues::state_from_row)
            .collect()
    }

    /// Sync operations made before `before` (created, id), of one tracker
    /// or all, newest first.
    pub async fn sync_operations_page(
        &self,
        tracker: Option<&str>,
        before: Option<(Timestamp, String)>,
        limit: usize,
    ) -> Result<Vec<SyncOperationRow>> {
        let (at, key) = split(before);
        let sql = format!(
            "SELECT {} FROM sync_operations WHERE ($1 IS NULL OR tracker = $1) \
             AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
             ORDER BY created_at DESC, id DESC LIMIT $4",
            crate::sync::OPERATION_COLUMNS
        );
        let rows = sqlx::query(&sql)
            .bind(tracker)
            .bind(at)
            .bind(key)
            .bind(limit_i64(limit))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(crate::sync::operation_from_row).collect()
    }
}

/// A (time, key) cursor as bound values; `None` starts past every row (the
/// largest time, so the key never decides).
fn split(before: Option<(Timestamp, String)>) -> (i64, String) {
    match before {
        Some((at, key)) => (time::to_ms(at), key),
        None => (i64::MAX, String::new()),
    }
}
