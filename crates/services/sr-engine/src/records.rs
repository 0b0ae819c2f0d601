//! What the engine's store has recorded, as the CLI lists it: the audit
//! log, webhook deliveries (and queueing a failed one again), outbox rows,
//! query baselines; and closing the store when a command ends.

use sr_store::{AuditEntry, Delivery, OutboxIntent, QueryBaseline};

use crate::{Engine, EngineError};

impl Engine {
    /// The newest `limit` audit entries, newest first.
    pub async fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>, EngineError> {
        Ok(self.store().audit_log(limit).await?)
    }

    /// The newest `limit` webhook deliveries (the failed ones only when
    /// `failed_only`), newest first.
    pub async fn deliveries(
        &self,
        failed_only: bool,
        limit: usize,
    ) -> Result<Vec<Delivery>, EngineError> {
        Ok(self.store().deliveries(failed_only, limit).await?)
    }

    /// Queues delivery `id` to be processed again; false when there is no
    /// such delivery.
    pub async fn replay_delivery(&self, id: i64) -> Result<bool, EngineError> {
        Ok(self.store().replay_delivery(id).await?)
    }

    /// The newest `limit` auto-issue outbox rows, newest first.
    pub async fn outbox(&self, limit: usize) -> Result<Vec<OutboxIntent>, EngineError> {
        Ok(self.store().outbox(limit).await?)
    }

    /// The newest baseline of the query `fingerprint` on `connection`.
    pub async fn query_baseline(
        &self,
        connection: &str,
        fingerprint: &str,
    ) -> Result<Option<QueryBaseline>, EngineError> {
        Ok(self.store().query_baseline(connection, fingerprint).await?)
    }

    pub async fn save_query_baseline(&self, baseline: &QueryBaseline) -> Result<(), EngineError> {
        Ok(self.store().save_query_baseline(baseline).await?)
    }

    /// Ends this process's presence in the store (so others may take its
    /// claims at once) and closes its connections; the last thing a
    /// command does.
    pub async fn close(&self) {
        self.store().close().await;
    }
}
