//! The alerts sent towards channels (migration 0015), one row per
//! (channel, fingerprint) beside the grouping state of
//! [`crate::notifications`]:
//!
//! - where the alert comes from (rule, connection, object, event kind and
//!   finding), so an event that clears a condition finds the alerts it
//!   clears and resolves them on the channels they went to;
//! - the notification as last seen, so a group holding a message can be
//!   decided again without the event that started it;
//! - `due_at`, when a held group must be decided again. A row is marked
//!   due (now) before its observation is decided and unmarked after, so a
//!   process that dies in between leaves it for the next scan rather than
//!   losing it; deciding twice is safe (the grouping step is a
//!   compare-and-set).

use sqlx::Row;
use sqlx::any::AnyRow;
use sr_model::Timestamp;

use crate::issues::limit_i64;
use crate::{Result, Store, time};

const TABLE: &str = "notification_alerts";

/// One alert on one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationAlert {
    pub channel: String,
    pub fingerprint: String,
    pub rule: String,
    pub connection: String,
    /// `schema.name`, or empty for the connection as a whole.
    pub object: String,
    /// The event kind that fires it (`drift.detected`).
    pub event: String,
    /// What the condition is about within its object (a health check's
    /// name), or empty.
    pub finding: String,
    pub firing: bool,
    /// sr-notify's `Notification` as JSON.
    pub notification: String,
    pub due_at: Option<Timestamp>,
}

/// Which alerts a clearing event clears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertSource<'a> {
    pub connection: &'a str,
    /// The kind of event the clearing one clears (`drift.detected`).
    pub event: &'a str,
    /// `None`: any object.
    pub object: Option<&'a str>,
    /// `None`: any finding.
    pub finding: Option<&'a str>,
}

const COLUMNS: &str =
    "channel, fingerprint, rule, connection, object, event, finding, firing, notification, due_at";

impl Store {
    /// Records `alert` as it is seen now (inserted or replaced whole).
    pub async fn put_notification_alert(&self, alert: &NotificationAlert) -> Result<()> {
        sqlx::query(&format!(
            "INSERT INTO notification_alerts ({COLUMNS}, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (channel, fingerprint) DO UPDATE SET rule = $3, connection = $4, \
             object = $5, event = $6, finding = $7, firing = $8, notification = $9, \
             due_at = $10, updated_at = $11"
        ))
        .bind(&alert.channel)
        .bind(&alert.fingerprint)
        .bind(&alert.rule)
        .bind(&alert.connection)
        .bind(&alert.object)
        .bind(&alert.event)
        .bind(&alert.finding)
        .bind(i64::from(alert.firing))
        .bind(&alert.notification)
        .bind(alert.due_at.map(time::to_ms))
        .bind(time::to_ms(time::now()))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Sets when the alert is decided again, if it still fires as
    /// `firing` (a clear that came meanwhile keeps its own mark). False
    /// when it does not.
    pub async fn set_notification_alert_due(
        &self,
        channel: &str,
        fingerprint: &str,
        firing: bool,
        due_at: Option<Timestamp>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE notification_alerts SET due_at = $1, updated_at = $2 \
             WHERE channel = $3 AND fingerprint = $4 AND firing = $5",
        )
        .bind(due_at.map(time::to_ms))
        .bind(time::to_ms(time::now()))
        .bind(channel)
        .bind(fingerprint)
        .bind(i64::from(firing))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks the firing alerts of `source` cleared and due now, and
    /// returns them (as they were, `firing` false). Of two processes
    /// clearing at once each marks what it found; the grouping step makes
    /// one resolve of it.
    pub async fn clear_notification_alerts(
        &self,
        source: &AlertSource<'_>,
        now: Timestamp,
    ) -> Result<Vec<NotificationAlert>> {
        let mut sql = String::from(
            "UPDATE notification_alerts SET firing = 0, due_at = $1, updated_at = $1 \
             WHERE connection = $2 AND event = $3 AND firing = 1",
        );
        let mut next = 4;
        for (column, value) in [("object", source.object), ("finding", source.finding)] {
            if value.is_some() {
                sql.push_str(&format!(" AND {column} = ${next}"));
                next += 1;
            }
        }
        sql.push_str(&format!(" RETURNING {COLUMNS}"));
        let mut query = sqlx::query(&sql)
            .bind(time::to_ms(now))
            .bind(source.connection)
            .bind(source.event);
        for value in [source.object, source.finding].into_iter().flatten() {
            query = query.bind(value);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(alert_from_row).collect()
    }

    /// Alerts due at `now` or before, oldest due first.
    pub async fn due_notification_alerts(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<NotificationAlert>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM notification_alerts WHERE due_at IS NOT NULL AND due_at <= $1 \
             ORDER BY due_at, channel, fingerprint LIMIT $2"
        ))
        .bind(time::to_ms(now))
        .bind(limit_i64(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(alert_from_row).collect()
    }

    /// One alert, if it was ever recorded.
    pub async fn notification_alert(
        &self,
        channel: &str,
        fingerprint: &str,
    ) -> Result<Option<NotificationAlert>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM notification_alerts WHERE channel = $1 AND fingerprint = $2"
        ))
        .bind(channel)
        .bind(fingerprint)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(alert_from_row).transpose()
    }
}

fn alert_from_row(r: &AnyRow) -> Result<NotificationAlert> {
    Ok(NotificationAlert {
        channel: r.try_get("channel")?,
        fingerprint: r.try_get("fingerprint")?,
        rule: r.try_get("rule")?,
        connection: r.try_get("connection")?,
        object: r.try_get("object")?,
        event: r.try_get("event")?,
        finding: r.try_get("finding")?,
        firing: r.try_get::<i64, _>("firing")? != 0,
        notification: r.try_get("notification")?,
        due_at: r
            .try_get::<Option<i64>, _>("due_at")?
            .map(|ms| time::from_ms(ms, TABLE))
            .transpose()?,
    })
}
