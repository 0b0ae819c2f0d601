//! Who runs a job's next interval when several processes (`serve`
//! instances, workbenches) share one store. Before each run the
//! [`Scheduler`](crate::Scheduler) asks its [`JobGate`]; [`StoreGate`]
//! claims the interval in the store (see `sr_store::Store::claim_job`),
//! so exactly one process runs it. Without a gate every run is this
//! process's.

use std::time::Duration;

use async_trait::async_trait;
use sr_store::{JobClaim, Store, StoreError};

/// The answer to [`JobGate::claim`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Turn {
    /// This process runs the interval.
    Mine,
    /// Another process holds or ran it: ask again after `retry_in`.
    Theirs { by: String, retry_in: Duration },
    /// This process itself ran it (a timer that woke a moment early).
    Later { retry_in: Duration },
}

/// Decides, before each run, whether this process runs it.
#[async_trait]
pub trait JobGate: Send + Sync + 'static {
    /// Claims `job`'s interval of length `interval`, due now.
    async fn claim(&self, job: &str, interval: Duration) -> Result<Turn, String>;
    /// The run ended: anyone may run `job` again after `next_in`.
    async fn finish(&self, job: &str, next_in: Duration, error: Option<&str>);
    /// The run was stopped (shutdown): `job` is due at once for others.
    async fn release(&self, job: &str);
}

/// Claims jobs in a shared store under this process's claimant.
#[derive(Debug, Clone)]
pub struct StoreGate {
    store: Store,
    base: String,
    /// `base`, announced (on PostgreSQL its session then shows others this
    /// process is alive; see `Store::announce`) on the first claim.
    claimant: std::sync::Arc<tokio::sync::OnceCell<String>>,
}

impl StoreGate {
    /// A gate claiming under a claimant of its own
    /// ([`sr_store::lease::holder_claimant`]), so two gates in one process
    /// never both run an interval.
    pub fn new(store: Store) -> StoreGate {
        StoreGate {
            store,
            base: sr_store::lease::holder_claimant(),
            claimant: Default::default(),
        }
    }

    /// The id this process claims under, announced on first use.
    pub async fn claimant(&self) -> Result<&str, StoreError> {
        self.claimant
            .get_or_try_init(|| self.store.announce(&self.base))
            .await
            .map(String::as_str)
    }
}

/// How long until `next_due`; `fallback` when it has passed (the holder
/// is still running).
fn until(next_due: sr_model::Timestamp, fallback: Duration) -> Duration {
    (next_due - chrono::Utc::now())
        .to_std()
        .ok()
        .filter(|d| !d.is_zero())
        .unwrap_or(fallback)
}

#[async_trait]
impl JobGate for StoreGate {
    async fn claim(&self, job: &str, interval: Duration) -> Result<Turn, String> {
        let fail = |e: StoreError| format!("cannot claim the job in the store: {e}");
        let me = self.claimant().await.map_err(fail)?;
        let claim = self
            .store
            .claim_job(job, interval, me, chrono::Utc::now())
            .await
            .map_err(fail)?;
        Ok(match claim {
            JobClaim::Won { .. } => Turn::Mine,
            JobClaim::Held { by, next_due } => {
                let retry_in = until(next_due, interval);
                match by {
                    Some(by) if by != me => Turn::Theirs { by, retry_in },
                    _ => Turn::Later { retry_in },
                }
            }
        })
    }

    async fn finish(&self, job: &str, next_in: Duration, error: Option<&str>) {
        let Some(me) = self.claimant.get() else {
            return;
        };
        let next_due = chrono::Duration::from_std(next_in)
            .ok()
            .and_then(|d| chrono::Utc::now().checked_add_signed(d))
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC);
        match self.store.finish_job(job, me, next_due, error).await {
            Ok(true) => {}
            Ok(false) => tracing::warn!("the job's claim was taken over while it ran"),
            Err(e) => tracing::warn!(error = %e, "the job's outcome was not recorded"),
        }
    }

    async fn release(&self, job: &str) {
        let Some(me) = self.claimant.get() else {
            return;
        };
        if let Err(e) = self.store.release_job(job, me).await {
            tracing::warn!(error = %e, "the job's claim was not released; it lapses after its interval");
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    /// What a gate's claim turned into, with the wait rounded to seconds.
    fn summary(turn: Turn) -> (String, u64) {
        match turn {
            Turn::Mine => ("mine".into(), 0),
            Turn::Theirs { by, retry_in } => (
                format!("theirs:{by}"),
                retry_in.as_secs_f64().round() as u64,
            ),
            Turn::Later { retry_in } => ("later".into(), retry_in.as_secs_f64().round() as u64),
        }
    }

    #[tokio::test]
    async fn store_claims_become_turns() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_file(&dir.path().join("store.db"))
            .await
            .unwrap();
        let a = StoreGate::new(store.clone());
        let b = StoreGate::new(store);
        let check = |turn: Turn, expected: (&str, u64)| {
            let got = summary(turn);
            assert_eq!((got.0.as_str(), got.1), expected);
        };
        check(a.claim("job", MINUTE).await.unwrap(), ("mine", 0));
        let theirs = format!("theirs:{}", a.claimant().await.unwrap());
        assert_ne!(a.claimant().await.unwrap(), b.claimant().await.unwrap());
        check(b.claim("job", MINUTE).await.unwrap(), (&theirs, 60));
        check(a.claim("job", MINUTE).await.unwrap(), ("later", 60));
        a.finish("job", Duration::from_secs(600), Some("boom"))
            .await;
        check(b.claim("job", MINUTE).await.unwrap(), (&theirs, 600));
        a.release("job").await;
        // Nothing to release once finished: the finished schedule holds.
        check(b.claim("job", MINUTE).await.unwrap(), (&theirs, 600));
    }
}
