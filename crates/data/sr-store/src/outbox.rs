//! The auto-issue outbox of tracker calls (the fingerprints' rows are in
//! [`crate::auto_issues`]). An occurrence and the calls it asks for are committed in
//! one transaction before any tracker is called; a worker claims the calls
//! (one per fingerprint at a time, oldest first), sends them and records
//! the outcome. Claims are leases (see [`crate::lease`]).

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use sr_model::Timestamp;

pub use crate::auto_issues::{AutoIssueState, Occurrence};
use crate::issues::limit_i64;
use crate::lease::WorkTable;
use crate::{Result, Store, StoreError, Takeover, time};

const OUTBOX_TABLE: &str = "auto_issue_outbox";

/// What an outbox row asks the tracker to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxAction {
    Create,
    Comment,
    Reopen,
    Close,
}

/// Where an outbox row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    Pending,
    Done,
    Failed,
}

names!(OutboxAction { Create => "create", Comment => "comment", Reopen => "reopen", Close => "close" });
names!(OutboxStatus { Pending => "pending", Done => "done", Failed => "failed" });

/// A tracker call to commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewIntent {
    pub rule: String,
    pub fingerprint: String,
    pub tracker: String,
    pub action: OutboxAction,
    /// Why (`create`, `occurrence`, `reopen`, `resolution`, `summary`).
    pub purpose: String,
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
    pub priority: Option<String>,
    pub assignee: Option<String>,
    /// The object a created issue is linked to (an `ObjectRef` as JSON).
    pub object: Option<String>,
    /// The issue a comment, reopen or close is for; `None` means the issue
    /// of the fingerprint, looked up when the call is sent.
    pub issue_key: Option<String>,
}

/// A committed tracker call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxIntent {
    pub id: i64,
    #[serde(flatten)]
    pub intent: NewIntent,
    pub status: OutboxStatus,
    /// Claims so far: more than one means an earlier send may have reached
    /// the tracker, so the worker looks before creating again.
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub done_at: Option<Timestamp>,
}

pub(crate) const OUTBOX_COLUMNS: &str = "id, rule, fingerprint, tracker, action, purpose, title, body, labels, priority, assignee, \
     object, status, attempts, last_error, issue_key, created_at, done_at";

impl Store {
    /// How many creates `rule` committed since `since`.
    pub async fn auto_issue_creations_since(&self, rule: &str, since: Timestamp) -> Result<u64> {
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM auto_issue_outbox WHERE rule = $1 AND action = 'create' AND created_at >= $2",
        )
        .bind(rule)
        .bind(time::to_ms(since))
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The newest create `rule` committed since `since`.
    pub async fn last_auto_issue_creation(
        &self,
        rule: &str,
        since: Timestamp,
    ) -> Result<Option<OutboxIntent>> {
        let sql = format!(
            "SELECT {OUTBOX_COLUMNS} FROM auto_issue_outbox WHERE rule = $1 AND action = 'create' \
             AND created_at >= $2 ORDER BY id DESC LIMIT 1"
        );
        let row = sqlx::query(&sql)
            .bind(rule)
            .bind(time::to_ms(since))
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(intent_from_row).transpose()
    }

    /// The unsent summary comment of `rule` since `since`, if any (further
    /// folded alerts are added to it rather than to a new comment).
    pub async fn pending_auto_issue_summary(
        &self,
        rule: &str,
        since: Timestamp,
    ) -> Result<Option<OutboxIntent>> {
        let sql = format!(
            "SELECT {OUTBOX_COLUMNS} FROM auto_issue_outbox WHERE rule = $1 AND purpose = 'summary' \
             AND status = 'pending' AND claimed_by IS NULL AND created_at >= $2 ORDER BY id DESC LIMIT 1"
        );
        let row = sqlx::query(&sql)
            .bind(rule)
            .bind(time::to_ms(since))
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(intent_from_row).transpose()
    }

    /// Rewrites the body of an unclaimed pending row; false when it was
    /// claimed or finished meanwhile.
    pub async fn rewrite_pending_intent(&self, id: i64, body: &str) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE auto_issue_outbox SET body = $1 WHERE id = $2 AND status = 'pending' AND claimed_by IS NULL",
        )
        .bind(body)
        .bind(id)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Claims up to `limit` pending calls for `claimant`: for each
    /// fingerprint only its oldest pending call, so a comment never
    /// overtakes the create it belongs to. Claiming counts an attempt.
    /// Claims of others are taken over as `takeover` says (see
    /// [`crate::lease`]).
    pub async fn claim_intents(
        &self,
        claimant: &str,
        limit: usize,
        takeover: &Takeover,
    ) -> Result<Vec<OutboxIntent>> {
        let table = WorkTable {
            name: OUTBOX_TABLE,
            in_order_by: &["fingerprint"],
            counts_attempts: true,
        };
        self.claim_work(
            table,
            claimant,
            limit,
            takeover,
            OUTBOX_COLUMNS,
            intent_from_row,
        )
        .await
    }

    /// Records the outcome of a claimed call. `Done` with an issue key
    /// from a create makes it the fingerprint's issue; `Pending` releases
    /// the claim for a later try.
    pub async fn finish_intent(
        &self,
        id: i64,
        status: OutboxStatus,
        error: Option<&str>,
        issue_key: Option<&str>,
    ) -> Result<()> {
        let now = time::to_ms(time::now());
        let mut tx = self.begin_write().await?;
        let done = (status == OutboxStatus::Done).then_some(now);
        let row = sqlx::query(
            "UPDATE auto_issue_outbox SET status = $1, last_error = $2, issue_key = COALESCE($3, issue_key), \
             done_at = $4, claimed_at = NULL, claimed_by = NULL WHERE id = $5 RETURNING fingerprint, action",
        )
        .bind(status.as_str())
        .bind(error)
        .bind(issue_key)
        .bind(done)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::corrupt(OUTBOX_TABLE, format!("no outbox row {id}")))?;
        let action: String = row.try_get("action")?;
        if status == OutboxStatus::Done && action == OutboxAction::Create.as_str() {
            let fingerprint: String = row.try_get("fingerprint")?;
            sqlx::query("UPDATE auto_issues SET issue_key = $1 WHERE fingerprint = $2")
                .bind(issue_key)
                .bind(fingerprint)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn outbox_intent(&self, id: i64) -> Result<Option<OutboxIntent>> {
        let sql = format!("SELECT {OUTBOX_COLUMNS} FROM auto_issue_outbox WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(intent_from_row).transpose()
    }

    /// Newest first.
    pub async fn outbox(&self, limit: usize) -> Result<Vec<OutboxIntent>> {
        let sql =
            format!("SELECT {OUTBOX_COLUMNS} FROM auto_issue_outbox ORDER BY id DESC LIMIT $1");
        let rows = sqlx::query(&sql)
            .bind(limit_i64(limit))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(intent_from_row).collect()
    }
}

pub(crate) async fn insert_intent(
    conn: &mut AnyConnection,
    i: &NewIntent,
    now: i64,
) -> Result<i64> {
    let labels = serde_json::to_string(&i.labels)
        .map_err(|e| StoreError::corrupt(OUTBOX_TABLE, format!("labels: {e}")))?;
    let id: i64 = sqlx::query(
        "INSERT INTO auto_issue_outbox (rule, fingerprint, tracker, action, purpose, title, body, labels, priority, \
         assignee, object, status, issue_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12, $13) RETURNING id",
    )
    .bind(&i.rule)
    .bind(&i.fingerprint)
    .bind(&i.tracker)
    .bind(i.action.as_str())
    .bind(&i.purpose)
    .bind(&i.title)
    .bind(&i.body)
    .bind(labels)
    .bind(i.priority.as_deref())
    .bind(i.assignee.as_deref())
    .bind(i.object.as_deref())
    .bind(i.issue_key.as_deref())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    Ok(id)
}

pub(crate) fn intent_from_row(r: &AnyRow) -> Result<OutboxIntent> {
    let t = OUTBOX_TABLE;
    let action: String = r.try_get("action")?;
    let status: String = r.try_get("status")?;
    let labels: String = r.try_get("labels")?;
    Ok(OutboxIntent {
        id: r.try_get("id")?,
        intent: NewIntent {
            rule: r.try_get("rule")?,
            fingerprint: r.try_get("fingerprint")?,
            tracker: r.try_get("tracker")?,
            action: OutboxAction::parse(&action)
                .ok_or_else(|| StoreError::corrupt(t, format!("unknown action {action}")))?,
            purpose: r.try_get("purpose")?,
            title: r.try_get("title")?,
            body: r.try_get("body")?,
            labels: serde_json::from_str(&labels)
                .map_err(|e| StoreError::corrupt(t, format!("labels: {e}")))?,
            priority: r.try_get("priority")?,
            assignee: r.try_get("assignee")?,
            object: r.try_get("object")?,
            issue_key: r.try_get("issue_key")?,
        },
        status: OutboxStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt(t, format!("unknown status {status}")))?,
        attempts: r.try_get("attempts")?,
        last_error: r.try_get("last_error")?,
        created_at: time::from_ms(r.try_get("created_at")?, t)?,
        done_at: r
            .try_get::<Option<i64>, _>("done_at")?
            .map(|x| time::from_ms(x, t))
            .transpose()?,
    })
}
