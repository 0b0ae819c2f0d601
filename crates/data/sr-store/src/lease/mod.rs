//! Leases on shared work: every claim in the store — a webhook delivery,
//! an auto-issue outbox call, a scheduled job's interval, a pending
//! comment's send — follows the identity and the takeover rule here. Only
//! the SQL that records a claim on its rows stays with its table.
//!
//! - Identity ([`process_claimant`]): `host:pid:start`, announced on a
//!   PostgreSQL store ([`Store::announce`], suffix `+p`) so that other
//!   processes, on any host, see when it dies.
//! - Standing of a holder: an announced one is alive while its session
//!   holds its lock and departed once it does not; an unannounced one is
//!   gone when it names a process of this host that is gone, and unknown
//!   otherwise.
//! - Takeover ([`Takeover`]): a claim whose holder is gone is free at
//!   once; one older than the timeout is free too, unless the lease keeps
//!   live holders and its holder is alive (a job's interval: two runs of
//!   one job never overlap, however long one takes).
//!
//! A pending comment's send claim records no holder (its table keeps only
//! `claimed_until`), so it lapses at its timeout alone.

mod claimant;
mod presence;

use std::time::Duration;

use sqlx::Row;
use sqlx::any::AnyRow;

pub use claimant::{holder_claimant, host, process_claimant, process_gone};

use crate::issues::limit_i64;
use crate::{Result, Store, time};

/// When a claim may be taken over from its holder.
#[derive(Debug, Clone, Copy)]
pub struct Takeover {
    timeout_ms: i64,
    /// Whether an announced holder that is alive keeps its claim past the
    /// timeout.
    live_keeps: bool,
    /// Whether an unannounced holder is gone.
    gone: fn(&str) -> bool,
}

/// How a claim's holder stands, as far as this process can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    /// Announced, and its session still holds its lock.
    Alive,
    /// Announced and departed, or a process of this host that is gone.
    Gone,
    /// Unannounced, and not a process of this host that is gone.
    Unknown,
}

impl Takeover {
    /// A claim on one piece of work (a delivery, an outbox call): free
    /// when its holder is gone, or after `timeout` whoever holds it, so a
    /// hung worker loses its work too.
    pub fn work(timeout: Duration) -> Takeover {
        Takeover {
            timeout_ms: millis(timeout),
            live_keeps: false,
            gone: process_gone,
        }
    }

    /// A claim on a job's interval: past the interval it is free unless
    /// its holder is announced and alive (still running).
    pub fn interval(interval: Duration) -> Takeover {
        Takeover {
            timeout_ms: millis(interval).max(1),
            live_keeps: true,
            gone: process_gone,
        }
    }

    /// Judges unannounced holders with `gone` instead of this host's
    /// processes (tests stand in for processes of other hosts with it).
    pub fn judging(self, gone: fn(&str) -> bool) -> Takeover {
        Takeover { gone, ..self }
    }

    pub(crate) fn timeout_ms(&self) -> i64 {
        self.timeout_ms
    }

    /// Claims made before this time (ms) are past the timeout.
    fn cutoff_ms(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(self.timeout_ms)
    }

    /// The rule: whether a claim whose holder stands so, and which is
    /// past its timeout (`lapsed`) or not, may be taken over.
    pub(crate) fn may_take(&self, holder: Standing, lapsed: bool) -> bool {
        match holder {
            Standing::Gone => true,
            Standing::Alive => lapsed && !self.live_keeps,
            Standing::Unknown => lapsed,
        }
    }
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// A table whose `pending` rows are claimed one by one (`claimed_by`,
/// `claimed_at`), oldest (lowest `id`) first.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WorkTable {
    pub name: &'static str,
    /// Rows that agree on these columns are claimed in order: only the
    /// oldest pending row of each group can be claimed, so a later call
    /// never overtakes an earlier one it depends on. Empty: any row.
    pub in_order_by: &'static [&'static str],
    /// Whether claiming counts an attempt (`attempts + 1`).
    pub counts_attempts: bool,
}

impl WorkTable {
    /// The one statement that claims a batch, bound to `$1` now (ms), `$2`
    /// the claimant, `$3` the cutoff before which claims have lapsed, `$4`
    /// the limit, returning `columns`. The outer conditions are checked
    /// again on each row, so two claimants never claim the same one.
    fn claim_sql(&self, columns: &str) -> String {
        let t = self.name;
        let attempts = if self.counts_attempts {
            ", attempts = attempts + 1"
        } else {
            ""
        };
        let in_order = if self.in_order_by.is_empty() {
            String::new()
        } else {
            let same: String = self
                .in_order_by
                .iter()
                .map(|c| format!("p.{c} = o.{c} AND "))
                .collect();
            format!(
                " AND NOT EXISTS (SELECT 1 FROM {t} p WHERE {same}p.status = 'pending' AND p.id < o.id)"
            )
        };
        format!(
            "UPDATE {t} SET claimed_at = $1, claimed_by = $2{attempts} \
             WHERE status = 'pending' AND (claimed_at IS NULL OR claimed_at < $3) AND id IN \
             (SELECT o.id FROM {t} o WHERE o.status = 'pending' \
              AND (o.claimed_at IS NULL OR o.claimed_at < $3){in_order} ORDER BY o.id LIMIT $4) \
             RETURNING {columns}"
        )
    }
}

impl Store {
    /// Announces this process's claimant ([`process_claimant`]); the id to
    /// claim under.
    pub async fn announce_process(&self) -> Result<String> {
        self.announce(process_claimant()).await
    }

    /// How each of `holders` stands.
    pub(crate) async fn standing(
        &self,
        holders: &[String],
        rule: &Takeover,
    ) -> Result<Vec<Standing>> {
        let departed = self.departed(holders).await?;
        Ok(holders
            .iter()
            .map(|h| {
                if h.ends_with(presence::SUFFIX) {
                    // Announced claimants are judged by their session alone.
                    if departed.contains(h) {
                        Standing::Gone
                    } else {
                        Standing::Alive
                    }
                } else if (rule.gone)(h) {
                    Standing::Gone
                } else {
                    Standing::Unknown
                }
            })
            .collect())
    }

    /// `holder` with its standing, if there is one.
    pub(crate) async fn judge(
        &self,
        holder: Option<String>,
        rule: &Takeover,
    ) -> Result<Option<(String, Standing)>> {
        let Some(holder) = holder else {
            return Ok(None);
        };
        let standing = self.standing(std::slice::from_ref(&holder), rule).await?;
        Ok(standing.first().map(|s| (holder, *s)))
    }

    /// Claims up to `limit` of `table`'s pending rows for `claimant`:
    /// frees the claims of gone holders, then claims the oldest claimable
    /// rows ([`WorkTable::claim_sql`]). The claimed rows' `columns` (which
    /// include `id`) read with `from_row`, oldest first.
    pub(crate) async fn claim_work<T>(
        &self,
        table: WorkTable,
        claimant: &str,
        limit: usize,
        takeover: &Takeover,
        columns: &str,
        from_row: impl Fn(&AnyRow) -> Result<T>,
    ) -> Result<Vec<T>> {
        let now = time::to_ms(time::now());
        self.free_gone_claims(table, claimant, takeover).await?;
        let rows = sqlx::query(&table.claim_sql(columns))
            .bind(now)
            .bind(claimant)
            .bind(takeover.cutoff_ms(now))
            .bind(limit_i64(limit))
            .fetch_all(self.pool())
            .await?;
        // RETURNING promises no order.
        let mut claimed = rows
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>("id")?, from_row(r)?)))
            .collect::<Result<Vec<_>>>()?;
        claimed.sort_by_key(|(id, _)| *id);
        Ok(claimed.into_iter().map(|(_, t)| t).collect())
    }

    /// Frees the claims on `table`'s pending rows whose holders (other
    /// than `me`) are gone; the claims past the timeout are taken by the
    /// table's own claim statement, through [`Takeover::cutoff_ms`].
    async fn free_gone_claims(&self, table: WorkTable, me: &str, rule: &Takeover) -> Result<()> {
        let t = table.name;
        let rows = sqlx::query(&format!(
            "SELECT DISTINCT claimed_by FROM {t} WHERE status = 'pending' \
             AND claimed_by IS NOT NULL AND claimed_by <> $1"
        ))
        .bind(me)
        .fetch_all(self.pool())
        .await?;
        let holders = rows
            .iter()
            .map(|row| row.try_get::<String, _>("claimed_by"))
            .collect::<std::result::Result<Vec<String>, _>>()?;
        let standing = self.standing(&holders, rule).await?;
        for (holder, s) in holders.iter().zip(standing) {
            if rule.may_take(s, false) {
                self.release_work_claims(table, holder).await?;
            }
        }
        Ok(())
    }

    /// Gives back the claims `holder` has on `table`'s pending rows; how
    /// many.
    pub(crate) async fn release_work_claims(&self, table: WorkTable, holder: &str) -> Result<u64> {
        let t = table.name;
        let done = sqlx::query(&format!(
            "UPDATE {t} SET claimed_at = NULL, claimed_by = NULL \
             WHERE status = 'pending' AND claimed_by = $1"
        ))
        .bind(holder)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule() {
        let work = Takeover::work(Duration::from_secs(60));
        let job = Takeover::interval(Duration::from_secs(60));
        for rule in [work, job] {
            assert!(rule.may_take(Standing::Gone, false));
            assert!(!rule.may_take(Standing::Unknown, false));
            assert!(rule.may_take(Standing::Unknown, true));
            assert!(!rule.may_take(Standing::Alive, false));
        }
        assert!(work.may_take(Standing::Alive, true), "a hung worker");
        assert!(!job.may_take(Standing::Alive, true), "a long run");
        assert_eq!(work.cutoff_ms(100_000), 40_000);
    }
}
