//! The scheduler: one tokio task per [`Job`] (a tracker's polling now, a
//! connection's drift and health checks later), each run in its own
//! tracing span. A job runs, then waits the delay its [`Schedule`] asks
//! for (or its backoff after a failure), so it never overlaps itself.
//! [`Scheduler::shutdown`] stops the waits, lets each job clean up and
//! returns when every task has ended.
//!
//! With a [`JobGate`] ([`Scheduler::with_gate`]) each run is claimed
//! first, so processes sharing a store run each interval once: a run
//! another process holds is skipped (not an error; the status says "run by
//! another instance") and the job asks again when that interval ends. The
//! outcome and next wait are recorded for everyone; a run stopped by
//! shutdown releases its claim.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;
use sr_model::Timestamp;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tracing::Instrument;

use crate::gate::{JobGate, Turn};
use crate::pacing::backoff;

/// When a job runs next after a success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The wait after a successful run (already paced).
    pub next: Duration,
    /// The first backoff after a failure; doubled per further failure.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
}

/// Why a run failed, and when the job may try again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFailure {
    pub message: String,
    /// The remote side asked to wait until then (a rate-limit reset).
    pub retry_at: Option<Timestamp>,
}

/// Work the scheduler repeats.
#[async_trait]
pub trait Job: Send + Sync + 'static {
    /// Unique among the scheduler's jobs ("tracker:GitHub", "drift:demo").
    fn name(&self) -> String;
    /// Asked before every wait: the job may read its configuration, the
    /// tracker's rate budget or its webhook's health.
    async fn schedule(&self) -> Schedule;
    async fn run(&self) -> Result<(), JobFailure>;
    /// The key processes sharing a store claim each run under (see
    /// [`JobGate`]): the same work has the same key everywhere. `None`
    /// when the work is this process's own (a file on this machine), so
    /// every process runs it. The job's name by default.
    async fn claim_key(&self) -> Option<String> {
        Some(self.name())
    }
    /// Called once when the scheduler stops, after any run was dropped.
    async fn stop(&self) {}
}

/// What the scheduler knows about one job.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JobStatus {
    pub name: String,
    pub runs: u64,
    /// Failed runs in a row.
    pub failures: u32,
    /// The last run failed; cleared by the next success.
    pub degraded: bool,
    pub last_error: Option<String>,
    pub running: bool,
    /// The wait chosen after the last run.
    pub next_in: Option<Duration>,
    /// Intervals run by another process sharing the store.
    pub skipped: u64,
    /// "run by another instance (ID)" while the last interval was not
    /// this process's; cleared when this process runs the job again.
    pub elsewhere: Option<String>,
}

type Statuses = Arc<Mutex<BTreeMap<String, JobStatus>>>;

/// A running scheduler.
pub struct Scheduler {
    /// Per job: its name, the signal that stops it, and one that says it
    /// ended.
    jobs: Vec<(String, watch::Sender<bool>, watch::Receiver<bool>)>,
    tasks: JoinSet<()>,
    statuses: Statuses,
    gate: Option<Arc<dyn JobGate>>,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("jobs", &self.status())
            .finish()
    }
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler::new()
    }
}

impl Scheduler {
    pub fn new() -> Self {
        Scheduler {
            jobs: Vec::new(),
            tasks: JoinSet::new(),
            statuses: Statuses::default(),
            gate: None,
        }
    }

    /// A scheduler that claims each run through `gate` before it starts.
    pub fn with_gate(gate: Arc<dyn JobGate>) -> Self {
        Scheduler {
            gate: Some(gate),
            ..Scheduler::new()
        }
    }

    /// Starts a job: it runs at once, then on its schedule.
    pub fn add(&mut self, job: Arc<dyn Job>) {
        let name = job.name();
        // Loops that ended (removed jobs) are reaped here.
        while self.tasks.try_join_next().is_some() {}
        if let Ok(mut s) = self.statuses.lock() {
            s.insert(
                name.clone(),
                JobStatus {
                    name: name.clone(),
                    ..JobStatus::default()
                },
            );
        }
        let (stop_tx, stop) = watch::channel(false);
        let (ended_tx, ended) = watch::channel(false);
        self.jobs.push((name.clone(), stop_tx, ended));
        let statuses = self.statuses.clone();
        let span = tracing::info_span!("sync_job", job = %name);
        let gate = self.gate.clone();
        self.tasks.spawn(
            async move {
                job_loop(job, gate, stop, statuses).await;
                ended_tx.send_replace(true);
            }
            .instrument(span),
        );
    }

    /// Stops the job called `name` and forgets its status; the returned
    /// future resolves once the job has cleaned up (a run in flight is
    /// dropped, its claim released), so a job added again under the same
    /// name never overlaps the old one. Nothing happens for an unknown
    /// name.
    pub fn remove(&mut self, name: &str) -> impl std::future::Future<Output = ()> + Send + use<> {
        let mut ended = Vec::new();
        self.jobs.retain(|(n, stop, done)| {
            if n != name {
                return true;
            }
            stop.send_replace(true);
            ended.push(done.clone());
            false
        });
        if let Ok(mut s) = self.statuses.lock() {
            s.remove(name);
        }
        async move {
            for mut done in ended {
                done.wait_for(|e| *e).await.ok();
            }
        }
    }

    /// The names of the jobs running now.
    pub fn names(&self) -> Vec<String> {
        self.jobs.iter().map(|(n, _, _)| n.clone()).collect()
    }

    /// Every job's status, by name.
    pub fn status(&self) -> Vec<JobStatus> {
        self.statuses
            .lock()
            .map(|s| s.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Stops every job and waits for their tasks to end.
    pub async fn shutdown(mut self) {
        for (_, stop, _) in &self.jobs {
            stop.send_replace(true);
        }
        while let Some(joined) = self.tasks.join_next().await {
            if let Err(e) = joined {
                tracing::warn!(error = %e, "a sync job ended abnormally");
            }
        }
    }
}

/// Changes a job's status; a removed job's has gone and stays gone.
fn update(statuses: &Statuses, name: &str, f: impl FnOnce(&mut JobStatus)) {
    if let Ok(mut s) = statuses.lock()
        && let Some(status) = s.get_mut(name)
    {
        f(status);
    }
}

async fn job_loop(
    job: Arc<dyn Job>,
    gate: Option<Arc<dyn JobGate>>,
    mut stop: watch::Receiver<bool>,
    statuses: Statuses,
) {
    let name = job.name();
    let mut failures = 0u32;
    let mut delay = Duration::ZERO;
    // The key this process holds a claim under while a run is in flight.
    let mut held: Option<String> = None;
    loop {
        tokio::select! {
            biased;
            _ = stop.wait_for(|s| *s) => break,
            () = tokio::time::sleep(delay) => {}
        }
        let key = match &gate {
            Some(_) => job.claim_key().await,
            None => None,
        };
        let claimed = match (&gate, &key) {
            (Some(gate), Some(key)) => gate.claim(key, job.schedule().await.next).await,
            _ => Ok(Turn::Mine),
        };
        let result = match claimed {
            Ok(Turn::Theirs { by, retry_in }) => {
                tracing::debug!(by = %by, "interval run by another instance");
                delay = retry_in;
                update(&statuses, &name, |s| {
                    s.skipped += 1;
                    s.elsewhere = Some(format!("run by another instance ({by})"));
                    s.next_in = Some(retry_in);
                });
                continue;
            }
            Ok(Turn::Later { retry_in }) => {
                delay = retry_in;
                continue;
            }
            Err(message) => Err(JobFailure {
                message,
                retry_at: None,
            }),
            Ok(Turn::Mine) => {
                held = key;
                update(&statuses, &name, |s| {
                    s.running = true;
                    s.elsewhere = None;
                });
                let run = tracing::info_span!("run");
                tokio::select! {
                    biased;
                    _ = stop.wait_for(|s| *s) => break,
                    r = job.run().instrument(run) => r,
                }
            }
        };
        let schedule = job.schedule().await;
        let now = chrono::Utc::now();
        delay = match &result {
            Ok(()) => {
                failures = 0;
                schedule.next
            }
            Err(f) => {
                failures = failures.saturating_add(1);
                tracing::warn!(error = %f.message, failures, "sync job failed; backing off");
                backoff(
                    failures,
                    schedule.backoff_base,
                    schedule.backoff_max,
                    f.retry_at,
                    now,
                )
            }
        };
        if let (Some(gate), Some(key)) = (&gate, held.take()) {
            let error = result.as_ref().err().map(|f| f.message.as_str());
            gate.finish(&key, delay, error).await;
        }
        update(&statuses, &name, |s| {
            s.runs += 1;
            s.running = false;
            s.failures = failures;
            s.degraded = failures > 0;
            if let Err(f) = &result {
                s.last_error = Some(f.message.clone());
            }
            s.next_in = Some(delay);
        });
    }
    update(&statuses, &name, |s| s.running = false);
    job.stop().await;
    // Released once the stopped run has cleaned up, so whoever takes the
    // job over never overlaps it.
    if let (Some(gate), Some(key)) = (&gate, held) {
        gate.release(&key).await;
    }
}
