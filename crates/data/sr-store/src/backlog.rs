//! What is waiting, for operators' gauges: pending webhook deliveries and
//! auto-issue outbox calls, and how long the oldest of each has waited.

use serde::Serialize;
use sqlx::Row;

use crate::{Result, Store, time};

/// Counts of waiting work; ages in seconds, `None` when nothing waits.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Backlog {
    pub deliveries_pending: u64,
    pub deliveries_oldest_age_s: Option<f64>,
    pub outbox_pending: u64,
    pub outbox_oldest_age_s: Option<f64>,
}

impl Store {
    /// Two indexed reads (status first in both tables' indexes).
    pub async fn backlog(&self) -> Result<Backlog> {
        let now = time::to_ms(time::now());
        let age = |oldest: Option<i64>| oldest.map(|t| (now - t).max(0) as f64 / 1000.0);
        let d = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(received_at) AS oldest FROM webhook_deliveries WHERE status = 'pending'",
        )
        .fetch_one(self.pool())
        .await?;
        let o = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM auto_issue_outbox WHERE status = 'pending'",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(Backlog {
            deliveries_pending: u64::try_from(d.try_get::<i64, _>("n")?).unwrap_or(0),
            deliveries_oldest_age_s: age(d.try_get("oldest")?),
            outbox_pending: u64::try_from(o.try_get::<i64, _>("n")?).unwrap_or(0),
            outbox_oldest_age_s: age(o.try_get("oldest")?),
        })
    }
}
