//! Webhook deliveries: recorded once per (tracker, delivery id), processed
//! from the store, failed ones kept for replay.

mod write;

pub use write::{Committed, DeliveryWriter, Outcome};

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use sr_model::Timestamp;

use crate::issues::limit_i64;
use crate::lease::WorkTable;
use crate::{Result, Store, StoreError, Takeover, time};

const DELIVERIES: WorkTable = WorkTable {
    name: "webhook_deliveries",
    in_order_by: &[],
    counts_attempts: false,
};

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Verified and stored; waiting for the processor.
    Pending,
    Processed,
    /// Every attempt failed; the body is kept for `webhook replay`.
    Failed,
}

names!(DeliveryStatus { Pending => "pending", Processed => "processed", Failed => "failed" });

/// A delivery to record.
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    pub provider: &'a str,
    pub tracker: &'a str,
    pub event: &'a str,
    pub delivery_id: &'a str,
    pub body: &'a [u8],
    /// `Failed` for a verified delivery that cannot be parsed at all.
    pub status: DeliveryStatus,
    pub error: Option<&'a str>,
    /// A claimant that claims the delivery as it is recorded (the
    /// listener's own processor, which has it in memory already); `None`
    /// leaves it to whichever processor claims it from the store.
    pub claimed_by: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub id: i64,
    pub provider: String,
    pub tracker: String,
    pub event: String,
    pub delivery_id: String,
    pub received_at: Timestamp,
    /// Filled by [`Store::delivery`] and [`Store::claim_deliveries`]; empty
    /// in listings.
    #[serde(skip)]
    pub body: Vec<u8>,
    pub size: usize,
    pub status: DeliveryStatus,
    pub attempts: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processed_at: Option<Timestamp>,
}

/// Per tracker: counts by status and the newest delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryStats {
    pub tracker: String,
    pub pending: u64,
    pub processed: u64,
    pub failed: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_received_at: Option<Timestamp>,
}

/// The columns of a delivery row; bodies are read separately.
pub(crate) const COLUMNS: &str = "id, provider, tracker, event, delivery_id, received_at, size, status, attempts, last_error, processed_at";

impl Store {
    /// Claims up to `limit` of the oldest pending deliveries for the
    /// processor `claimant` (announced: [`Store::announce_process`]): a
    /// delivery is handed to one processor at a time, even when several
    /// processes share the store. Claims of others are taken over as
    /// `takeover` says (see [`crate::lease`]).
    pub async fn claim_deliveries(
        &self,
        claimant: &str,
        limit: usize,
        takeover: &Takeover,
    ) -> Result<Vec<Delivery>> {
        let mut claimed = self
            .claim_work(
                DELIVERIES,
                claimant,
                limit,
                takeover,
                COLUMNS,
                delivery_from_row,
            )
            .await?;
        self.fill_bodies(&mut claimed).await?;
        Ok(claimed)
    }

    /// Gives back the claims `claimant` holds on pending deliveries (a
    /// processor stopping before it finished them); how many.
    pub async fn release_delivery_claims(&self, claimant: &str) -> Result<u64> {
        self.release_work_claims(DELIVERIES, claimant).await
    }

    /// Puts a delivery back in the queue (`webhook replay`); false when
    /// there is no such delivery.
    pub async fn replay_delivery(&self, id: i64) -> Result<bool> {
        let n = sqlx::query("UPDATE webhook_deliveries SET status = 'pending', last_error = NULL, claimed_at = NULL, claimed_by = NULL WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?
            .rows_affected();
        Ok(n == 1)
    }

    pub async fn delivery(&self, id: i64) -> Result<Option<Delivery>> {
        let sql = format!("SELECT {COLUMNS} FROM webhook_deliveries WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        let mut found: Vec<Delivery> = row
            .as_ref()
            .map(delivery_from_row)
            .transpose()?
            .into_iter()
            .collect();
        self.fill_bodies(&mut found).await?;
        Ok(found.pop())
    }

    /// Reads the bodies of `deliveries` (one query).
    async fn fill_bodies(&self, deliveries: &mut [Delivery]) -> Result<()> {
        if deliveries.is_empty() {
            return Ok(());
        }
        let placeholders: Vec<String> = (1..=deliveries.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT id, body FROM webhook_delivery_bodies WHERE id IN ({})",
            placeholders.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for d in deliveries.iter() {
            q = q.bind(d.id);
        }
        for row in q.fetch_all(self.pool()).await? {
            let id: i64 = row.try_get("id")?;
            if let Some(d) = deliveries.iter_mut().find(|d| d.id == id) {
                d.body = row.try_get("body")?;
            }
        }
        Ok(())
    }

    /// Newest first, without bodies (read one with [`Store::delivery`]);
    /// only failed ones when `failed_only`.
    pub async fn deliveries(&self, failed_only: bool, limit: usize) -> Result<Vec<Delivery>> {
        let filter = if failed_only {
            "WHERE status = 'failed'"
        } else {
            ""
        };
        let sql =
            format!("SELECT {COLUMNS} FROM webhook_deliveries {filter} ORDER BY id DESC LIMIT $1");
        let rows = sqlx::query(&sql)
            .bind(limit_i64(limit))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(delivery_from_row).collect()
    }

    pub async fn delivery_stats(&self) -> Result<Vec<DeliveryStats>> {
        let rows = sqlx::query(
            "SELECT tracker, \
             SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS pending, \
             SUM(CASE WHEN status = 'processed' THEN 1 ELSE 0 END) AS processed, \
             SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed, \
             MAX(received_at) AS last FROM webhook_deliveries GROUP BY tracker ORDER BY tracker",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let n = |c: &str| -> Result<u64> {
                    Ok(u64::try_from(r.try_get::<i64, _>(c)?).unwrap_or(0))
                };
                Ok(DeliveryStats {
                    tracker: r.try_get("tracker")?,
                    pending: n("pending")?,
                    processed: n("processed")?,
                    failed: n("failed")?,
                    last_received_at: r
                        .try_get::<Option<i64>, _>("last")?
                        .map(|t| time::from_ms(t, "webhook_deliveries"))
                        .transpose()?,
                })
            })
            .collect()
    }
}

pub(crate) fn delivery_from_row(r: &AnyRow) -> Result<Delivery> {
    let t = "webhook_deliveries";
    let status: String = r.try_get("status")?;
    let size: i64 = r.try_get("size")?;
    Ok(Delivery {
        id: r.try_get("id")?,
        provider: r.try_get("provider")?,
        tracker: r.try_get("tracker")?,
        event: r.try_get("event")?,
        delivery_id: r.try_get("delivery_id")?,
        received_at: time::from_ms(r.try_get("received_at")?, t)?,
        size: usize::try_from(size).unwrap_or(0),
        body: Vec::new(),
        status: DeliveryStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt(t, format!("unknown status {status}")))?,
        attempts: r.try_get("attempts")?,
        last_error: r.try_get("last_error")?,
        processed_at: r
            .try_get::<Option<i64>, _>("processed_at")?
            .map(|x| time::from_ms(x, t))
            .transpose()?,
    })
}
