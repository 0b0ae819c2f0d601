//! Scheduled jobs shared by several processes on one store. Before each
//! run a process claims the job's current interval; the claim moves
//! `next_due` one interval ahead in the same statement, so exactly one
//! process runs each interval, whichever asks first. When the run ends
//! the winner records its outcome and the next due time its own schedule
//! chose (its interval, or its backoff after a failure), which every
//! process then follows.
//!
//! The last runner, when announced (PostgreSQL), gets a head start of a
//! quarter interval on the next one, so a job stays with one process while
//! it lives (its in-memory
//! state, such as the drift seen last, stays meaningful) and passes to
//! another only when it fails to come back in time or is gone.
//!
//! The claim is a lease ([`Takeover::interval`], see [`crate::lease`]): a
//! claimant that died mid-run blocks nobody past its interval, while a
//! live announced claimant still running past it keeps the job, so two
//! runs never overlap.

use std::time::Duration;

use sqlx::Row;
use sr_model::Timestamp;

use crate::lease::Standing;
use crate::{Result, Store, Takeover, time};

/// The answer to [`Store::claim_job`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobClaim {
    /// This claimant runs the interval; nobody else may before `next_due`.
    Won { next_due: Timestamp },
    /// Another claimant holds the interval or already ran it: ask again at
    /// `next_due` (or an interval from now if that has passed, as when the
    /// holder is still running). `by` is the holder, else the last runner.
    Held {
        by: Option<String>,
        next_due: Timestamp,
    },
}

/// One job's row, for status displays and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    pub name: String,
    pub next_due: Timestamp,
    pub claimed_by: Option<String>,
    pub claimed_at: Option<Timestamp>,
    pub last_by: Option<String>,
    pub last_finished_at: Option<Timestamp>,
    pub last_error: Option<String>,
    /// Intervals claimed so far, by anyone.
    pub runs: i64,
}

const COLUMNS: &str =
    "name, next_due, claimed_by, claimed_at, last_by, last_finished_at, last_error, runs";

impl Store {
    /// Claims the interval of job `name` due at or before `now` for
    /// `claimant` (the id [`Store::announce`] returned, on PostgreSQL):
    /// one atomic statement, so of many claimers exactly one wins.
    pub async fn claim_job(
        &self,
        name: &str,
        interval: Duration,
        claimant: &str,
        now: Timestamp,
    ) -> Result<JobClaim> {
        let now_ms = time::to_ms(now);
        sqlx::query(
            "INSERT INTO job_claims (name, next_due, runs) VALUES ($1, $2, 0) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(now_ms)
        .execute(self.pool())
        .await?;
        let before = self.job_record(name).await?;
        let due = before.as_ref().is_some_and(|r| r.next_due <= now);
        let rule = Takeover::interval(interval);
        // Only others are judged, and only once the interval is due.
        let other = |o: Option<&String>| o.filter(|o| due && *o != claimant).cloned();
        let holder = other(before.as_ref().and_then(|r| r.claimed_by.as_ref()));
        let last = other(before.as_ref().and_then(|r| r.last_by.as_ref()));
        // A holder past its interval loses the claim unless it is alive
        // (announced, and its session holds).
        let stale = match self.judge(holder, &rule).await? {
            Some((owner, s)) if rule.may_take(s, due) => Some(owner),
            _ => None,
        };
        // The last runner keeps the job while it comes back in time, so a
        // job's in-memory state stays with one process; one that is not
        // alive waives its head start, as does an unannounced one (SQLite:
        // one desktop, where the last runner is most likely a closed session).
        let last = match self.judge(last, &rule).await? {
            Some((owner, s)) if s != Standing::Alive => Some(owner),
            _ => None,
        };
        let grace_ms = rule.timeout_ms() / 4;
        // The conditions are checked again on the row as it is when the
        // update runs: a concurrent winner's next_due makes them false.
        let won = sqlx::query(
            "UPDATE job_claims SET next_due = $1, claimed_by = $2, claimed_at = $3, runs = runs + 1 \
             WHERE name = $4 AND next_due <= $3 \
             AND (claimed_by IS NULL OR claimed_by = $2 OR claimed_by = $5) \
             AND (claimed_by = $5 OR last_by IS NULL OR last_by = $2 OR last_by = $6 OR next_due <= $7) \
             RETURNING next_due",
        )
        .bind(now_ms.saturating_add(rule.timeout_ms()))
        .bind(claimant)
        .bind(now_ms)
        .bind(name)
        .bind(stale.as_deref())
        .bind(last.as_deref())
        .bind(now_ms.saturating_sub(grace_ms))
        .fetch_optional(self.pool())
        .await?;
        if let Some(row) = won {
            if let Some(owner) = stale {
                tracing::info!(job = name, previous = %owner, "job taken over from a departed claimant");
            }
            return Ok(JobClaim::Won {
                next_due: time::from_ms(row.try_get("next_due")?, "job_claims")?,
            });
        }
        let held = self.job_record(name).await?.ok_or_else(|| {
            crate::StoreError::corrupt("job_claims", format!("job {name} vanished"))
        })?;
        // Due but kept for its last runner: ask again after its head start.
        let next_due = if held.next_due <= now && held.claimed_by.is_none() {
            held.next_due + chrono::Duration::milliseconds(grace_ms)
        } else {
            held.next_due
        };
        Ok(JobClaim::Held {
            by: held.claimed_by.or(held.last_by),
            next_due,
        })
    }

    /// Ends `claimant`'s run of `name`: records its outcome (`error`) and
    /// the time anyone may run the job next. False when the claim was no
    /// longer `claimant`'s (taken over while it ran); nothing changes then.
    pub async fn finish_job(
        &self,
        name: &str,
        claimant: &str,
        next_due: Timestamp,
        error: Option<&str>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE job_claims SET next_due = $1, claimed_by = NULL, claimed_at = NULL, last_by = $2, \
             last_finished_at = $3, last_error = $4 WHERE name = $5 AND claimed_by = $2",
        )
        .bind(time::to_ms(next_due))
        .bind(claimant)
        .bind(time::to_ms(time::now()))
        .bind(error)
        .bind(name)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Gives up `claimant`'s claim of `name` without a result (a run
    /// stopped by shutdown): the job is due at once for anyone else, with
    /// no head start for the last runner.
    pub async fn release_job(&self, name: &str, claimant: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE job_claims SET next_due = $1, claimed_by = NULL, claimed_at = NULL, last_by = NULL \
             WHERE name = $2 AND claimed_by = $3",
        )
        .bind(time::to_ms(time::now()))
        .bind(name)
        .bind(claimant)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Every scheduled job's row, by name.
    pub async fn job_records(&self) -> Result<Vec<JobRecord>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM job_claims ORDER BY name"))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(record_from_row).collect()
    }

    /// One job's row, if it was ever claimed.
    pub async fn job_record(&self, name: &str) -> Result<Option<JobRecord>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM job_claims WHERE name = $1"))
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(record_from_row).transpose()
    }
}

fn record_from_row(row: &sqlx::any::AnyRow) -> Result<JobRecord> {
    let at = |column: &str| -> Result<Option<Timestamp>> {
        row.try_get::<Option<i64>, _>(column)?
            .map(|ms| time::from_ms(ms, "job_claims"))
            .transpose()
    };
    Ok(JobRecord {
        name: row.try_get("name")?,
        next_due: time::from_ms(row.try_get("next_due")?, "job_claims")?,
        claimed_by: row.try_get("claimed_by")?,
        claimed_at: at("claimed_at")?,
        last_by: row.try_get("last_by")?,
        last_finished_at: at("last_finished_at")?,
        last_error: row.try_get("last_error")?,
        runs: row.try_get("runs")?,
    })
}
