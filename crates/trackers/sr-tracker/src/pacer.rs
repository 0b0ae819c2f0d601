//! Pacing a tracker's requests the way providers ask: at most a few at a
//! time (GitHub: "make requests serially"), and writes spaced apart
//! (GitHub: "wait at least one second between POST, PATCH, PUT or DELETE
//! requests"), so bulk work does not trip secondary rate limits.

use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

#[derive(Debug)]
pub struct Pacer {
    permits: Semaphore,
    spacing: Duration,
    /// When the latest write was (or is scheduled to be) sent.
    last_write: Mutex<Option<Instant>>,
}

impl Pacer {
    /// `concurrent` requests at once (at least one); writes at least
    /// `spacing` apart.
    pub fn new(concurrent: usize, spacing: Duration) -> Self {
        Pacer {
            permits: Semaphore::new(concurrent.max(1)),
            spacing,
            last_write: Mutex::new(None),
        }
    }

    /// Waits for a turn; the request runs while the permit is held.
    pub async fn admit(&self, write: bool) -> Option<SemaphorePermit<'_>> {
        let permit = self.permits.acquire().await.ok();
        if write && !self.spacing.is_zero() {
            let slot = {
                let now = Instant::now();
                let mut last = self.last_write.lock().unwrap_or_else(|p| p.into_inner());
                let slot = last.map_or(now, |l| (l + self.spacing).max(now));
                *last = Some(slot);
                slot
            };
            tokio::time::sleep_until(slot).await;
        }
        permit
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// Admits each request in turn (holding it for `hold`) and returns the
    /// seconds at which each was admitted.
    async fn check(concurrent: usize, spacing: u64, requests: &[(bool, u64)], expected: &[f64]) {
        let pacer = Arc::new(Pacer::new(concurrent, Duration::from_secs(spacing)));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for (i, (write, hold)) in requests.iter().copied().enumerate() {
            let pacer = pacer.clone();
            tasks.push(tokio::spawn(async move {
                // Start in order.
                tokio::time::sleep(Duration::from_millis(i as u64)).await;
                let _permit = pacer.admit(write).await;
                let at = start.elapsed().as_secs_f64();
                tokio::time::sleep(Duration::from_secs(hold)).await;
                at
            }));
        }
        let mut got = Vec::new();
        for t in tasks {
            got.push((t.await.expect("task") * 10.0).round() / 10.0);
        }
        assert_eq!(got, expected, "{requests:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn writes_are_spaced_and_requests_limited() {
        // Writes one second apart; reads in between are not held back.
        check(
            4,
            1,
            &[(true, 0), (true, 0), (false, 0), (true, 0)],
            &[0.0, 1.0, 0.0, 2.0],
        )
        .await;
        // One at a time: each waits for the one before.
        check(
            1,
            0,
            &[(false, 3), (false, 2), (false, 0)],
            &[0.0, 3.0, 5.0],
        )
        .await;
        // No spacing, plenty of permits: nothing waits.
        check(8, 0, &[(true, 1), (true, 1), (true, 1)], &[0.0, 0.0, 0.0]).await;
    }
}
