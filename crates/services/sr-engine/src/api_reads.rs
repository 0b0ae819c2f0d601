//! The reads the team HTTP API (sr-api) serves, a page at a time: the
//! engine's word for each, so the API never opens the store itself.

use sr_model::{IssueLink, Timestamp};
use sr_store::{
    AutoIssueState, CachedIssue, CachedIssueFilter, Delivery, DeliveryStats, DeliveryStatus,
    OutboxIntent, SyncOperationRow,
};

use crate::{Engine, EngineError};

impl Engine {
    /// The links of the object whose store key is `object_key`
    /// (`connection:kind:schema.name`), as stored: no live database is
    /// opened, so links of a connection that is down still show.
    pub async fn links_for_object_key(
        &self,
        object_key: &str,
    ) -> Result<Vec<IssueLink>, EngineError> {
        Ok(self.store().links_for_object(object_key).await?)
    }

    /// Cached issues matching `filter` with a row id above `after`.
    pub async fn cached_issues_page(
        &self,
        filter: &CachedIssueFilter,
        after: Option<i64>,
        limit: usize,
    ) -> Result<Vec<(i64, CachedIssue)>, EngineError> {
        Ok(self
            .store()
            .cached_issues_page(filter, after, limit)
            .await?)
    }

    /// Sync runs made before `before`, newest first.
    pub async fn sync_runs_page(
        &self,
        tracker: Option<&str>,
        before: Option<(Timestamp, String)>,
        limit: usize,
    ) -> Result<Vec<SyncOperationRow>, EngineError> {
        Ok(self
            .store()
            .sync_operations_page(tracker, before, limit)
            .await?)
    }

    /// One sync run with its progress, as last written.
    pub async fn sync_run(&self, id: &str) -> Result<Option<SyncOperationRow>, EngineError> {
        Ok(self.store().sync_operation(id).await?)
    }

    /// Webhook deliveries with an id below `before`, newest first.
    pub async fn deliveries_page(
        &self,
        status: Option<DeliveryStatus>,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Delivery>, EngineError> {
        Ok(self.store().deliveries_page(status, before, limit).await?)
    }

    /// Per tracker: deliveries by status and the newest one.
    pub async fn delivery_stats(&self) -> Result<Vec<DeliveryStats>, EngineError> {
        Ok(self.store().delivery_stats().await?)
    }

    /// Auto-issue outbox rows with an id below `before`, newest first.
    pub async fn outbox_page(
        &self,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<OutboxIntent>, EngineError> {
        Ok(self.store().outbox_page(before, limit).await?)
    }

    /// The auto-issue feed: alerts by when they were last seen.
    pub async fn auto_issues_page(
        &self,
        before: Option<(Timestamp, String)>,
        limit: usize,
    ) -> Result<Vec<AutoIssueState>, EngineError> {
        Ok(self.store().auto_issues_page(before, limit).await?)
    }
}
