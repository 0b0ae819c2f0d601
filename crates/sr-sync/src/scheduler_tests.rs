//! The scheduler under paused tokio time: runs happen on their intervals,
//! never overlap, back off after failures and stop cleanly. No test
//! sleeps; time only moves when the runtime has nothing else to do.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use crate::scheduler::{Job, JobFailure, Schedule, Scheduler};

/// A job that records when each run started, takes `busy` per run, and
/// fails the runs whose index (from 0) is in `fail`.
struct Probe {
    start: Instant,
    interval: Duration,
    busy: Duration,
    fail: Vec<usize>,
    starts: Mutex<Vec<u64>>,
    running: AtomicU32,
    most_at_once: AtomicU32,
    stopped: AtomicU32,
}

impl Probe {
    fn new(interval: u64, busy: u64, fail: &[usize]) -> Arc<Probe> {
        Arc::new(Probe {
            start: Instant::now(),
            interval: Duration::from_secs(interval),
            busy: Duration::from_secs(busy),
            fail: fail.to_vec(),
            starts: Mutex::default(),
            running: AtomicU32::new(0),
            most_at_once: AtomicU32::new(0),
            stopped: AtomicU32::new(0),
        })
    }

    fn starts(&self) -> Vec<u64> {
        self.starts.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl Job for Probe {
    fn name(&self) -> String {
        "probe".into()
    }

    async fn schedule(&self) -> Schedule {
        Schedule {
            next: self.interval,
            backoff_base: Duration::from_secs(10),
            backoff_max: Duration::from_secs(40),
        }
    }

    async fn run(&self) -> Result<(), JobFailure> {
        let index = {
            let mut s = self.starts.lock().map_err(|_| JobFailure {
                message: "poisoned".into(),
                retry_at: None,
            })?;
            s.push(self.start.elapsed().as_secs());
            s.len() - 1
        };
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_at_once.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(self.busy).await;
        self.running.fetch_sub(1, Ordering::SeqCst);
        if self.fail.contains(&index) {
            return Err(JobFailure {
                message: format!("run {index} failed"),
                retry_at: None,
            });
        }
        Ok(())
    }

    async fn stop(&self) {
        self.stopped.fetch_add(1, Ordering::SeqCst);
    }
}

/// Lets every ready task run, then moves paused time on by `seconds`, one
/// second at a time, letting tasks run after each.
async fn tick(seconds: u64) {
    settle().await;
    for _ in 0..seconds {
        tokio::time::advance(Duration::from_secs(1)).await;
        settle().await;
    }
}

async fn settle() {
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
}

/// Runs `probe` for `seconds` of paused time and checks its start times.
async fn check(probe: Arc<Probe>, seconds: u64, expected_starts: &[u64]) -> Scheduler {
    let mut scheduler = Scheduler::new();
    scheduler.add(probe.clone());
    tick(seconds).await;
    assert_eq!(probe.starts(), expected_starts);
    assert_eq!(
        probe.most_at_once.load(Ordering::SeqCst),
        1,
        "a run overlapped"
    );
    scheduler
}

#[tokio::test(start_paused = true)]
async fn runs_at_once_then_every_interval() {
    check(Probe::new(60, 0, &[]), 185, &[0, 60, 120, 180]).await;
}

#[tokio::test(start_paused = true)]
async fn a_slow_run_delays_the_next_instead_of_overlapping() {
    // Each run takes 90 s of a 60 s interval: the next starts 60 s after
    // the previous one ended.
    check(Probe::new(60, 90, &[]), 400, &[0, 150, 300]).await;
}

#[tokio::test(start_paused = true)]
async fn failures_back_off_doubling_to_the_cap_then_recover() {
    // Runs 0–3 fail: waits 10, 20, 40, 40 (capped); run 4 succeeds and the
    // interval returns.
    let scheduler = check(
        Probe::new(100, 0, &[0, 1, 2, 3]),
        215,
        &[0, 10, 30, 70, 110, 210],
    )
    .await;
    let status = scheduler.status();
    assert_eq!(status.len(), 1);
    assert!(!status[0].degraded, "{status:?}");
    assert_eq!(status[0].last_error.as_deref(), Some("run 3 failed"));
}

#[tokio::test(start_paused = true)]
async fn a_failing_job_is_degraded_with_its_last_error() {
    let scheduler = check(Probe::new(100, 0, &[0, 1]), 15, &[0, 10]).await;
    let status = scheduler.status();
    assert_eq!(
        (status[0].failures, status[0].degraded, status[0].runs),
        (2, true, 2),
        "{status:?}"
    );
    assert_eq!(status[0].last_error.as_deref(), Some("run 1 failed"));
    assert_eq!(status[0].next_in, Some(Duration::from_secs(20)));
}

#[tokio::test(start_paused = true)]
async fn shutdown_stops_waiting_and_running_jobs() {
    let idle = Probe::new(60, 0, &[]);
    let busy = Arc::new(Probe {
        busy: Duration::from_secs(3600),
        ..Arc::into_inner(Probe::new(60, 0, &[])).expect("fresh probe")
    });
    let mut scheduler = Scheduler::new();
    scheduler.add(idle.clone());
    scheduler.add(busy.clone());
    tick(30).await;
    scheduler.shutdown().await;
    tick(300).await;
    assert_eq!(idle.starts(), vec![0]);
    assert_eq!(busy.starts(), vec![0]);
    assert_eq!(idle.stopped.load(Ordering::SeqCst), 1);
    assert_eq!(busy.stopped.load(Ordering::SeqCst), 1);
}
