//! The notification outbox, grouping state and feed (migration 0011).
//!
//! - Grouping state per (channel, fingerprint) is opaque JSON (sr-notify's
//!   `GroupState`; this crate sits below it) with a version: a step is
//!   applied only if the version read is still current, so of two
//!   processes observing one alert at once one decides and the other reads
//!   again (a compare-and-set that behaves alike on SQLite and PostgreSQL).
//! - A step commits, in one transaction, the new state, the message to
//!   send (with its idempotency id) and a feed entry saying why.
//! - A channel's noise-policy state (migration 0013) is versioned the
//!   same way and, when a step carries it, replaced in the same
//!   transaction: a message let through past a rate limit or cap is
//!   decided by one process only.
//! - [`Store::enqueue_notification_once`] commits a message whose
//!   idempotency id is derived from what it is (a report's schedule slot):
//!   the second commit of the same id writes nothing.
//! - Messages are claimed as leases ([`crate::lease`]), one per (channel,
//!   fingerprint) at a time and oldest first, so a resolve never overtakes
//!   its trigger. `attempts` above one tells the sender a previous attempt
//!   may have reached the service.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use sr_model::Timestamp;

use crate::issues::limit_i64;
use crate::lease::WorkTable;
use crate::{Result, Store, StoreError, Takeover, time};

const OUTBOX: &str = "notification_outbox";
const FEED: &str = "notification_feed";

/// A channel's grouping state for one alert (or its noise-policy state),
/// as last written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub state: String,
    pub version: i64,
}

/// A message to commit with a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewNotification {
    /// The idempotency key.
    pub message_id: String,
    /// `trigger`, `resolve`, …
    pub action: String,
    /// The whole message as JSON (sr-notify's `Message`).
    pub message: String,
}

/// One decision about one alert on one channel, applied atomically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationStep {
    pub channel: String,
    pub fingerprint: String,
    /// The version read with the state; `None` when there was no state.
    pub expected_version: Option<i64>,
    /// The state to keep; `None` leaves the state as it is.
    pub state: Option<String>,
    /// The message to send, if the decision is to send.
    pub send: Option<NewNotification>,
    /// The channel's noise-policy state to keep, when the step consulted
    /// it; replaced only on the version read, like `state`.
    pub policy: Option<ChannelStateWrite>,
    /// The action the feed names (`trigger`, `resolve`).
    pub action: String,
    /// For the feed: `queued` with a message, else `held`.
    pub outcome: FeedOutcome,
    pub reason: String,
}

/// A channel's new noise-policy state and the version it was decided on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelStateWrite {
    /// `None` when the channel had no state yet.
    pub expected_version: Option<i64>,
    pub state: String,
}

/// What became of a notification, for the monitoring feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedOutcome {
    /// Committed to the outbox.
    Queued,
    /// The service accepted it.
    Sent,
    /// Not sent, by a grouping rule (the reason says which).
    Held,
    /// Sending failed for good, or was not retried (unknown outcome on a
    /// channel that cannot deduplicate).
    Failed,
}

/// Where an outbox message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationStatus {
    Pending,
    Sent,
    Failed,
}

names!(FeedOutcome { Queued => "queued", Sent => "sent", Held => "held", Failed => "failed" });
names!(NotificationStatus { Pending => "pending", Sent => "sent", Failed => "failed" });

/// A committed message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxNotification {
    pub id: i64,
    pub channel: String,
    pub fingerprint: String,
    #[serde(flatten)]
    pub new: NewNotification,
    pub status: NotificationStatus,
    /// Claims whose outcome is not known to be "not delivered"; above one
    /// at a claim, an earlier attempt may have reached the service.
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub done_at: Option<Timestamp>,
}

/// One line of the monitoring feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedEntry {
    pub id: i64,
    pub at: Timestamp,
    pub channel: String,
    pub fingerprint: String,
    pub action: String,
    pub outcome: FeedOutcome,
    pub reason: String,
    pub message_id: Option<String>,
}

const OUTBOX_COLUMNS: &str = "id, message_id, channel, fingerprint, action, message, status, attempts, \
     last_error, created_at, done_at";

impl Store {
    /// The grouping state of `fingerprint` on `channel`, with its version.
    pub async fn notification_group(
        &self,
        channel: &str,
        fingerprint: &str,
    ) -> Result<Option<GroupRow>> {
        let row = sqlx::query(
            "SELECT state, version FROM notification_groups WHERE channel = $1 AND fingerprint = $2",
        )
        .bind(channel)
        .bind(fingerprint)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(GroupRow {
                state: r.try_get("state")?,
                version: r.try_get("version")?,
            })
        })
        .transpose()
    }

    /// Applies `step` if the group's version is still the one it was
    /// decided on: the new state, the message and the feed entry in one
    /// transaction. `Ok(None)` when another process changed the state
    /// first (nothing was written: read again and decide again);
    /// otherwise the outbox id of the message, if one was committed.
    pub async fn apply_notification_step(
        &self,
        step: &NotificationStep,
    ) -> Result<Option<Option<i64>>> {
        let now = time::to_ms(time::now());
        let mut tx = self.begin_write().await?;
        if let Some(state) = &step.state {
            let won = match step.expected_version {
                None => sqlx::query(
                    "INSERT INTO notification_groups (channel, fingerprint, state, version, updated_at) \
                     VALUES ($1, $2, $3, 1, $4) ON CONFLICT (channel, fingerprint) DO NOTHING",
                )
                .bind(&step.channel)
                .bind(&step.fingerprint)
                .bind(state)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
                Some(v) => sqlx::query(
                    "UPDATE notification_groups SET state = $1, version = version + 1, updated_at = $2 \
                     WHERE channel = $3 AND fingerprint = $4 AND version = $5",
                )
                .bind(state)
                .bind(now)
                .bind(&step.channel)
                .bind(&step.fingerprint)
                .bind(v)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            };
            if won != 1 {
                tx.rollback().await?;
                return Ok(None);
            }
        }
        if let Some(policy) = &step.policy {
            let won = match policy.expected_version {
                None => sqlx::query(
                    "INSERT INTO notification_channels (channel, state, version, updated_at) \
                     VALUES ($1, $2, 1, $3) ON CONFLICT (channel) DO NOTHING",
                )
                .bind(&step.channel)
                .bind(&policy.state)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
                Some(v) => sqlx::query(
                    "UPDATE notification_channels SET state = $1, version = version + 1, updated_at = $2 \
                     WHERE channel = $3 AND version = $4",
                )
                .bind(&policy.state)
                .bind(now)
                .bind(&step.channel)
                .bind(v)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            };
            if won != 1 {
                tx.rollback().await?;
                return Ok(None);
            }
        }
        let mut id = None;
        if let Some(n) = &step.send {
            let row = sqlx::query(
                "INSERT INTO notification_outbox (message_id, channel, fingerprint, action, message, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 'pending', $6) RETURNING id",
            )
            .bind(&n.message_id)
            .bind(&step.channel)
            .bind(&step.fingerprint)
            .bind(&n.action)
            .bind(&n.message)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            id = Some(row.try_get::<i64, _>("id")?);
        }
        insert_feed(
            &mut tx,
            now,
            &step.channel,
            &step.fingerprint,
            &step.action,
            step.outcome,
            &step.reason,
            step.send.as_ref().map(|n| n.message_id.as_str()),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// The noise-policy state of `channel`, with its version.
    pub async fn notification_channel(&self, channel: &str) -> Result<Option<GroupRow>> {
        let row =
            sqlx::query("SELECT state, version FROM notification_channels WHERE channel = $1")
                .bind(channel)
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| {
            Ok(GroupRow {
                state: r.try_get("state")?,
                version: r.try_get("version")?,
            })
        })
        .transpose()
    }

    /// Commits `new` to the outbox for `channel` unless a message with its
    /// id is there already, with a `queued` feed entry saying `reason`.
    /// The outbox id when committed now; `None` when it was committed
    /// before (by this process or another): the id names the intent.
    pub async fn enqueue_notification_once(
        &self,
        channel: &str,
        fingerprint: &str,
        new: &NewNotification,
        reason: &str,
    ) -> Result<Option<i64>> {
        let now = time::to_ms(time::now());
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO notification_outbox (message_id, channel, fingerprint, action, message, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'pending', $6) ON CONFLICT (message_id) DO NOTHING RETURNING id",
        )
        .bind(&new.message_id)
        .bind(channel)
        .bind(fingerprint)
        .bind(&new.action)
        .bind(&new.message)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(None);
        };
        let id = row.try_get::<i64, _>("id")?;
        insert_feed(
            &mut tx,
            now,
            channel,
            fingerprint,
            &new.action,
            FeedOutcome::Queued,
            reason,
            Some(&new.message_id),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Claims up to `limit` pending messages for `claimant`: per (channel,
    /// fingerprint) only the oldest, so a resolve never overtakes its
    /// trigger. Claiming counts an attempt.
    pub async fn claim_notifications(
        &self,
        claimant: &str,
        limit: usize,
        takeover: &Takeover,
    ) -> Result<Vec<OutboxNotification>> {
        let table = WorkTable {
            name: OUTBOX,
            in_order_by: &["channel", "fingerprint"],
            counts_attempts: true,
        };
        self.claim_work(
            table,
            claimant,
            limit,
            takeover,
            OUTBOX_COLUMNS,
            notification_from_row,
        )
        .await
    }

    /// Records the outcome of `claimant`'s claimed message `id`, with a
    /// feed entry. `Pending` gives the claim back for a later try, writes
    /// no feed entry and uncounts the attempt: the sender says so only
    /// when the message certainly did not arrive (or may arrive twice), so
    /// `attempts` above one at a claim means an earlier one ended unknown. False when the claim was no longer
    /// `claimant`'s (taken over): nothing is written then.
    pub async fn finish_notification(
        &self,
        id: i64,
        claimant: &str,
        status: NotificationStatus,
        reason: &str,
    ) -> Result<bool> {
        let now = time::to_ms(time::now());
        let mut tx = self.begin_write().await?;
        let done = (status != NotificationStatus::Pending).then_some(now);
        let error = (status != NotificationStatus::Sent).then_some(reason);
        let row = sqlx::query(
            "UPDATE notification_outbox SET status = $1, last_error = $2, done_at = $3, \
             attempts = CASE WHEN $1 = 'pending' THEN attempts - 1 ELSE attempts END, \
             claimed_at = NULL, claimed_by = NULL WHERE id = $4 AND claimed_by = $5 AND status = 'pending' \
             RETURNING channel, fingerprint, action, message_id",
        )
        .bind(status.as_str())
        .bind(error)
        .bind(done)
        .bind(id)
        .bind(claimant)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(false);
        };
        let outcome = match status {
            NotificationStatus::Sent => Some(FeedOutcome::Sent),
            NotificationStatus::Failed => Some(FeedOutcome::Failed),
            NotificationStatus::Pending => None,
        };
        if let Some(outcome) = outcome {
            let channel: String = row.try_get("channel")?;
            let fingerprint: String = row.try_get("fingerprint")?;
            let action: String = row.try_get("action")?;
            let message_id: String = row.try_get("message_id")?;
            insert_feed(
                &mut tx,
                now,
                &channel,
                &fingerprint,
                &action,
                outcome,
                reason,
                Some(&message_id),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Outbox messages, newest first.
    pub async fn notification_outbox(&self, limit: usize) -> Result<Vec<OutboxNotification>> {
        let sql =
            format!("SELECT {OUTBOX_COLUMNS} FROM notification_outbox ORDER BY id DESC LIMIT $1");
        let rows = sqlx::query(&sql)
            .bind(limit_i64(limit))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(notification_from_row).collect()
    }

    /// The monitoring feed, newest first.
    pub async fn notification_feed(&self, limit: usize) -> Result<Vec<FeedEntry>> {
        let rows = sqlx::query(
            "SELECT id, at, channel, fingerprint, action, outcome, reason, message_id \
             FROM notification_feed ORDER BY id DESC LIMIT $1",
        )
        .bind(limit_i64(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let outcome: String = r.try_get("outcome")?;
                Ok(FeedEntry {
                    id: r.try_get("id")?,
                    at: time::from_ms(r.try_get("at")?, FEED)?,
                    channel: r.try_get("channel")?,
                    fingerprint: r.try_get("fingerprint")?,
                    action: r.try_get("action")?,
                    outcome: FeedOutcome::parse(&outcome).ok_or_else(|| {
                        StoreError::corrupt(FEED, format!("unknown outcome {outcome}"))
                    })?,
                    reason: r.try_get("reason")?,
                    message_id: r.try_get("message_id")?,
                })
            })
            .collect()
    }
}

#[allow(clippy::too_many_arguments, reason = "one row's columns")]
async fn insert_feed(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    now: i64,
    channel: &str,
    fingerprint: &str,
    action: &str,
    outcome: FeedOutcome,
    reason: &str,
    message_id: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO notification_feed (at, channel, fingerprint, action, outcome, reason, message_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now)
    .bind(channel)
    .bind(fingerprint)
    .bind(action)
    .bind(outcome.as_str())
    .bind(reason)
    .bind(message_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn notification_from_row(r: &AnyRow) -> Result<OutboxNotification> {
    let status: String = r.try_get("status")?;
    Ok(OutboxNotification {
        id: r.try_get("id")?,
        channel: r.try_get("channel")?,
        fingerprint: r.try_get("fingerprint")?,
        new: NewNotification {
            message_id: r.try_get("message_id")?,
            action: r.try_get("action")?,
            message: r.try_get("message")?,
        },
        status: NotificationStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt(OUTBOX, format!("unknown status {status}")))?,
        attempts: r.try_get("attempts")?,
        last_error: r.try_get("last_error")?,
        created_at: time::from_ms(r.try_get("created_at")?, OUTBOX)?,
        done_at: r
            .try_get::<Option<i64>, _>("done_at")?
            .map(|x| time::from_ms(x, OUTBOX))
            .transpose()?,
    })
}
