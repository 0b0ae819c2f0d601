//! The scheduler under paused tokio time: runs happen on their intervals,
//! never overlap, back off after failures and stop cleanly. No test
//! sleeps; time only moves when the runtime has nothing else to do.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use crate::gate::{JobGate, Turn};
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
    /// Its work is this process's own: never claimed.
    local: bool,
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
            local: false,
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

    async fn claim_key(&self) -> Option<String> {
        (!self.local).then(|| self.name())
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

#[tokio::test(start_paused = true)]
async fn a_removed_job_stops_and_cleans_up_while_others_go_on() {
    let kept = Probe::new(60, 0, &[]);
    let removed = Arc::new(Probe {
        busy: Duration::from_secs(3600),
        ..Arc::into_inner(Probe::new(60, 0, &[])).expect("fresh probe")
    });
    struct Named(Arc<Probe>);
    #[async_trait]
    impl Job for Named {
        fn name(&self) -> String {
            "other".into()
        }
        async fn schedule(&self) -> Schedule {
            self.0.schedule().await
        }
        async fn run(&self) -> Result<(), JobFailure> {
            self.0.run().await
        }
        async fn stop(&self) {
            self.0.stop().await
        }
    }
    let mut scheduler = Scheduler::new();
    scheduler.add(kept.clone());
    scheduler.add(Arc::new(Named(removed.clone())));
    tick(30).await;
    assert_eq!(scheduler.names(), ["probe", "other"]);
    // The removed job is mid-run: the run is dropped and its clean-up runs
    // before the removal completes.
    scheduler.remove("other").await;
    assert_eq!(removed.stopped.load(Ordering::SeqCst), 1);
    assert_eq!(scheduler.names(), ["probe"]);
    let names: Vec<String> = scheduler.status().into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["probe"]);
    tick(100).await;
    assert_eq!(kept.starts(), vec![0, 60, 120]);
    assert_eq!(removed.starts(), vec![0]);
    // Removing an unknown name does nothing.
    scheduler.remove("nothing").await;
    assert_eq!(kept.stopped.load(Ordering::SeqCst), 0);
}

/// Claims shared by several schedulers, as a store shared by several
/// processes keeps them (on paused tokio time): an interval is claimable
/// once it is due and its holder is idle or dead.
#[derive(Default)]
struct Claims {
    /// job → (next due, running holder)
    rows: Mutex<std::collections::HashMap<String, (Instant, Option<String>)>>,
    dead: Mutex<Vec<String>>,
    released: Mutex<Vec<String>>,
}

/// One process's view of [`Claims`].
struct FakeGate {
    me: String,
    claims: Arc<Claims>,
}

impl FakeGate {
    fn new(me: &str, claims: &Arc<Claims>) -> Arc<FakeGate> {
        Arc::new(FakeGate {
            me: me.into(),
            claims: claims.clone(),
        })
    }
}

#[async_trait]
impl JobGate for FakeGate {
    async fn claim(&self, job: &str, interval: Duration) -> Result<Turn, String> {
        let now = Instant::now();
        let dead = self.claims.dead.lock().map_err(|e| e.to_string())?.clone();
        let mut rows = self.claims.rows.lock().map_err(|e| e.to_string())?;
        let row = rows.entry(job.into()).or_insert((now, None));
        let free = row
            .1
            .as_ref()
            .is_none_or(|h| *h == self.me || dead.contains(h));
        if row.0 <= now && free {
            *row = (now + interval, Some(self.me.clone()));
            return Ok(Turn::Mine);
        }
        let retry_in = Some(row.0 - now)
            .filter(|d| !d.is_zero())
            .unwrap_or(interval);
        Ok(Turn::Theirs {
            by: row.1.clone().unwrap_or_else(|| "someone".into()),
            retry_in,
        })
    }

    async fn finish(&self, job: &str, next_in: Duration, _error: Option<&str>) {
        if let Ok(mut rows) = self.claims.rows.lock()
            && let Some(row) = rows.get_mut(job)
            && row.1.as_deref() == Some(self.me.as_str())
        {
            *row = (Instant::now() + next_in, None);
        }
    }

    async fn release(&self, job: &str) {
        if let Ok(mut rows) = self.claims.rows.lock()
            && let Some(row) = rows.get_mut(job)
        {
            *row = (Instant::now(), None);
        }
        if let Ok(mut released) = self.claims.released.lock() {
            released.push(format!("{}:{job}", self.me));
        }
    }
}

/// Starts a gated scheduler for process `me` running `probe`, and lets it
/// take its first turn before anyone else starts.
async fn process(me: &str, claims: &Arc<Claims>, probe: &Arc<Probe>) -> Scheduler {
    let mut scheduler = Scheduler::with_gate(FakeGate::new(me, claims));
    scheduler.add(probe.clone());
    settle().await;
    scheduler
}

fn merged(probes: &[&Arc<Probe>]) -> Vec<u64> {
    let mut all: Vec<u64> = probes.iter().flat_map(|p| p.starts()).collect();
    all.sort_unstable();
    all
}

#[tokio::test(start_paused = true)]
async fn two_processes_run_each_interval_once() {
    let claims = Arc::new(Claims::default());
    let (a, b) = (Probe::new(60, 5, &[]), Probe::new(60, 5, &[]));
    let first = process("a", &claims, &a).await;
    let second = process("b", &claims, &b).await;
    tick(250).await;
    // Each run ends at +5 and schedules the next 60 s later.
    assert_eq!(merged(&[&a, &b]), vec![0, 65, 130, 195]);
    assert_eq!(a.starts().first(), Some(&0));
    let skipped = second.status()[0].clone();
    assert!(skipped.skipped >= 1, "{skipped:?}");
    assert_eq!(skipped.last_error, None, "a skip is not an error");
    assert!(!skipped.degraded);
    // b either ran the last interval or says who did.
    let b_ran_last = b.starts().last() == Some(&195);
    let expected = (!b_ran_last).then(|| "run by another instance (a)".to_owned());
    assert_eq!(
        skipped.elsewhere,
        expected,
        "{:?} {:?}",
        a.starts(),
        b.starts()
    );
    first.shutdown().await;
    second.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_process_killed_mid_run_is_taken_over_within_one_interval() {
    let claims = Arc::new(Claims::default());
    let (a, b) = (Probe::new(60, 30, &[]), Probe::new(60, 0, &[]));
    let first = process("a", &claims, &a).await;
    let second = process("b", &claims, &b).await;
    tick(10).await;
    // SIGKILL: its tasks vanish without cleaning up, its session ends.
    drop(first);
    claims
        .dead
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push("a".into());
    tick(190).await;
    assert_eq!(a.starts(), vec![0]);
    assert_eq!(b.starts(), vec![60, 120, 180]);
    let status = second.status();
    assert_eq!((status[0].runs, status[0].elsewhere.clone()), (3, None));
    assert!(
        claims
            .released
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    );
    second.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn shutdown_mid_run_releases_the_claim_after_the_job_stopped() {
    let claims = Arc::new(Claims::default());
    let a = Arc::new(Probe {
        busy: Duration::from_secs(3600),
        ..Arc::into_inner(Probe::new(60, 0, &[])).expect("fresh probe")
    });
    let idle = Probe::new(60, 0, &[]);
    let first = process("a", &claims, &a).await;
    tick(30).await;
    first.shutdown().await;
    assert_eq!(a.stopped.load(Ordering::SeqCst), 1);
    assert_eq!(
        *claims.released.lock().unwrap_or_else(|e| e.into_inner()),
        vec!["a:probe".to_owned()]
    );
    // Due at once for the next process, not at the end of a's interval.
    let second = process("b", &claims, &idle).await;
    assert_eq!(idle.starts(), vec![30]);
    second.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn local_work_is_never_claimed_and_runs_in_every_process() {
    let claims = Arc::new(Claims::default());
    let local = || {
        Arc::new(Probe {
            local: true,
            ..Arc::into_inner(Probe::new(60, 0, &[])).expect("fresh probe")
        })
    };
    let (a, b) = (local(), local());
    let first = process("a", &claims, &a).await;
    let second = process("b", &claims, &b).await;
    tick(125).await;
    assert_eq!(
        (a.starts(), b.starts()),
        (vec![0, 60, 120], vec![0, 60, 120])
    );
    assert!(
        claims
            .rows
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    );
    first.shutdown().await;
    second.shutdown().await;
}
