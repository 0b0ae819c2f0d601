//! Auto-issues: one row per alert fingerprint (the issue it opened, how
//! often it came back, its last data), written together with the outbox
//! rows an occurrence asks for. A first occurrence inserts and loses to a
//! concurrent insert; a restart replaces only the row its caller read, so
//! two processes deciding at once never both open an issue.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use sr_model::Timestamp;

use crate::outbox::{NewIntent, insert_intent};
use crate::{Result, Store, time};

const STATE_TABLE: &str = "auto_issues";

/// One alert fingerprint: the issue it opened and how often it came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoIssueState {
    pub fingerprint: String,
    pub rule: String,
    pub tracker: String,
    pub event: String,
    pub connection: String,
    pub object: Option<String>,
    /// `None` while the create is still in the outbox.
    pub issue_key: Option<String>,
    pub previous_issue_key: Option<String>,
    pub occurrences: i64,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    /// The event data of the last occurrence (JSON), to say what changed.
    pub last_data: String,
}

/// The change one occurrence makes to its fingerprint's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Occurrence {
    /// A first occurrence, or one that starts a new issue after the old
    /// one closed long ago (`previous_issue_key`): the row starts over.
    /// `replaces` is the row as the caller read it: `None` when there was
    /// none, else its `issue_key`. When the row changed meanwhile (another
    /// process decided first) nothing is written.
    Start {
        state: Box<AutoIssueState>,
        replaces: Option<Option<String>>,
    },
    /// The same alert again: count it, remember its data.
    Again {
        fingerprint: String,
        at: Timestamp,
        data: String,
    },
    /// Nothing to record (a resolution or a folded alert).
    None,
}

pub(crate) const STATE_COLUMNS: &str = "fingerprint, rule, tracker, event, connection, object, issue_key, previous_issue_key, \
     occurrences, first_seen, last_seen, last_data";

impl Store {
    /// The row of one fingerprint.
    pub async fn auto_issue(&self, fingerprint: &str) -> Result<Option<AutoIssueState>> {
        let sql = format!("SELECT {STATE_COLUMNS} FROM auto_issues WHERE fingerprint = $1");
        let row = sqlx::query(&sql)
            .bind(fingerprint)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(state_from_row).transpose()
    }

    /// Fingerprints of `event` on one object whose issue exists (for a
    /// resolution event to find the alerts it clears).
    pub async fn auto_issues_for(
        &self,
        connection: &str,
        object: Option<&str>,
        event: &str,
    ) -> Result<Vec<AutoIssueState>> {
        let sql = format!(
            "SELECT {STATE_COLUMNS} FROM auto_issues WHERE connection = $1 AND event = $2 \
             AND COALESCE(object, '') = $3 ORDER BY first_seen"
        );
        let rows = sqlx::query(&sql)
            .bind(connection)
            .bind(event)
            .bind(object.unwrap_or_default())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(state_from_row).collect()
    }

    /// Records an occurrence and commits the calls it asks for, in one
    /// transaction; the new rows' ids in order. `None` when an
    /// [`Occurrence::Start`] found the row changed since it was read
    /// (nothing is written; read it again and decide again).
    pub async fn enqueue_auto_issue(
        &self,
        occurrence: &Occurrence,
        intents: &[NewIntent],
    ) -> Result<Option<Vec<i64>>> {
        let now = time::to_ms(time::now());
        let mut tx = self.begin_write().await?;
        match occurrence {
            Occurrence::Start { state: s, replaces } => {
                // A first occurrence inserts (and loses to a concurrent
                // insert); a restart updates only the row it read.
                let sql = match replaces {
                    None => {
                        "INSERT INTO auto_issues (fingerprint, rule, tracker, event, connection, object, issue_key, \
                         previous_issue_key, occurrences, first_seen, last_seen, last_data) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                         ON CONFLICT (fingerprint) DO NOTHING"
                    }
                    Some(_) => {
                        "UPDATE auto_issues SET rule = $2, tracker = $3, event = $4, connection = $5, object = $6, \
                         issue_key = $7, previous_issue_key = $8, occurrences = $9, first_seen = $10, \
                         last_seen = $11, last_data = $12 WHERE fingerprint = $1 AND COALESCE(issue_key, '') = $13"
                    }
                };
                let mut q = sqlx::query(sql)
                    .bind(&s.fingerprint)
                    .bind(&s.rule)
                    .bind(&s.tracker)
                    .bind(&s.event)
                    .bind(&s.connection)
                    .bind(s.object.as_deref())
                    .bind(s.issue_key.as_deref())
                    .bind(s.previous_issue_key.as_deref())
                    .bind(s.occurrences)
                    .bind(time::to_ms(s.first_seen))
                    .bind(time::to_ms(s.last_seen))
                    .bind(&s.last_data);
                if let Some(read) = replaces {
                    q = q.bind(read.clone().unwrap_or_default());
                }
                if q.execute(&mut *tx).await?.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(None);
                }
            }
            Occurrence::Again {
                fingerprint,
                at,
                data,
            } => {
                sqlx::query(
                    "UPDATE auto_issues SET occurrences = occurrences + 1, last_seen = $1, last_data = $2 \
                     WHERE fingerprint = $3",
                )
                .bind(time::to_ms(*at))
                .bind(data)
                .bind(fingerprint)
                .execute(&mut *tx)
                .await?;
            }
            Occurrence::None => {}
        }
        let mut ids = Vec::with_capacity(intents.len());
        for i in intents {
            ids.push(insert_intent(&mut tx, i, now).await?);
        }
        tx.commit().await?;
        Ok(Some(ids))
    }

    /// Whether a create for the fingerprint is waiting to be sent.
    pub async fn auto_issue_create_pending(&self, fingerprint: &str) -> Result<bool> {
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM auto_issue_outbox WHERE fingerprint = $1 AND action = 'create' \
             AND status = 'pending'",
        )
        .bind(fingerprint)
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        Ok(n > 0)
    }
}

pub(crate) fn state_from_row(r: &AnyRow) -> Result<AutoIssueState> {
    Ok(AutoIssueState {
        fingerprint: r.try_get("fingerprint")?,
        rule: r.try_get("rule")?,
        tracker: r.try_get("tracker")?,
        event: r.try_get("event")?,
        connection: r.try_get("connection")?,
        object: r.try_get("object")?,
        issue_key: r.try_get("issue_key")?,
        previous_issue_key: r.try_get("previous_issue_key")?,
        occurrences: r.try_get("occurrences")?,
        first_seen: time::from_ms(r.try_get("first_seen")?, STATE_TABLE)?,
        last_seen: time::from_ms(r.try_get("last_seen")?, STATE_TABLE)?,
        last_data: r.try_get("last_data")?,
    })
}
