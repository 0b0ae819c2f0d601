//! What happened per connection in a period, for the weekly report: the
//! alerts seen by kind (drift, regressions, health), auto-issues filed and
//! closed, and the issues open now. Read from the auto-issue tables and the
//! issue cache, the same on SQLite and PostgreSQL.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sr_model::Timestamp;

use crate::{Result, Store, time};

/// One connection's activity in a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionActivity {
    pub connection: String,
    /// Distinct alerts (fingerprints) seen in the period, by event type
    /// (`drift.detected`, `performance.regression`, `health.failed`, …).
    pub alerts: BTreeMap<String, i64>,
    /// Auto-issues opened (created or reopened) in the period.
    pub issues_filed: i64,
    /// Auto-issues closed in the period.
    pub issues_closed: i64,
    /// Issues open now that are linked to the connection's objects or were
    /// filed for it.
    pub open_issues: i64,
}

impl Store {
    /// Per connection, what happened from `since` (inclusive) to `until`
    /// (exclusive), by connection name.
    pub async fn activity(
        &self,
        since: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<ConnectionActivity>> {
        let (since, until) = (time::to_ms(since), time::to_ms(until));
        let mut by: BTreeMap<String, ConnectionActivity> = BTreeMap::new();
        let alerts = sqlx::query(
            "SELECT connection, event, COUNT(*) AS n FROM auto_issues \
             WHERE last_seen >= $1 AND last_seen < $2 GROUP BY connection, event",
        )
        .bind(since)
        .bind(until)
        .fetch_all(self.pool())
        .await?;
        let mut rows: Vec<(String, String, i64)> = Vec::new();
        for r in &alerts {
            rows.push((
                r.try_get("connection")?,
                r.try_get("event")?,
                r.try_get("n")?,
            ));
        }
        for (connection, event, n) in rows {
            get(&mut by, &connection).alerts.insert(event, n);
        }
        let done = sqlx::query(
            "SELECT a.connection AS connection, o.action AS action, COUNT(*) AS n \
             FROM auto_issue_outbox o JOIN auto_issues a ON a.fingerprint = o.fingerprint \
             WHERE o.status = 'done' AND o.action IN ('create', 'reopen', 'close') \
             AND o.done_at >= $1 AND o.done_at < $2 GROUP BY a.connection, o.action",
        )
        .bind(since)
        .bind(until)
        .fetch_all(self.pool())
        .await?;
        for r in &done {
            let connection: String = r.try_get("connection")?;
            let action: String = r.try_get("action")?;
            let n: i64 = r.try_get("n")?;
            let a = get(&mut by, &connection);
            if action == "close" {
                a.issues_closed += n;
            } else {
                a.issues_filed += n;
            }
        }
        let open = sqlx::query(
            "SELECT connection, COUNT(DISTINCT issue_key) AS n FROM ( \
               SELECT o.connection AS connection, i.issue_key AS issue_key FROM links l \
               JOIN objects o ON o.id = l.object_id JOIN issues i ON i.id = l.issue_id \
               WHERE i.state <> 'done' \
               UNION \
               SELECT a.connection AS connection, i.issue_key AS issue_key FROM auto_issues a \
               JOIN issues i ON i.issue_key = a.issue_key WHERE i.state <> 'done' \
             ) t GROUP BY connection",
        )
        .fetch_all(self.pool())
        .await?;
        for r in &open {
            let connection: String = r.try_get("connection")?;
            get(&mut by, &connection).open_issues = r.try_get("n")?;
        }
        Ok(by.into_values().collect())
    }
}

fn get<'a>(
    by: &'a mut BTreeMap<String, ConnectionActivity>,
    connection: &str,
) -> &'a mut ConnectionActivity {
    by.entry(connection.to_owned())
        .or_insert_with(|| ConnectionActivity {
            connection: connection.to_owned(),
            ..ConnectionActivity::default()
        })
}
