//! The channel schedule as a background task of `serve`: once a minute
//! (cron's own resolution) it runs [`Engine::run_channel_schedule`], which
//! commits due weekly reports and policy summaries exactly once across
//! processes and sends them. A failed pass is logged and tried again at
//! the next tick, so a channel outage never loses a slot that is still
//! within its late limit.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::Engine;

/// How often the schedule looks.
pub const SCHEDULE_INTERVAL: Duration = Duration::from_secs(60);

/// The running schedule; stops when shut down.
#[derive(Debug)]
pub struct ChannelSchedule {
    stop: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl ChannelSchedule {
    /// Starts the schedule for `engine`, looking every `interval`.
    pub fn start(engine: &Arc<Engine>, interval: Duration) -> ChannelSchedule {
        let stop = Arc::new(Notify::new());
        let stopped = stop.clone();
        let engine = engine.clone();
        let task = tokio::spawn(async move {
            loop {
                match engine.run_channel_schedule(chrono::Utc::now()).await {
                    Ok(pass) if !pass.reports.is_empty() || !pass.summaries.is_empty() => {
                        tracing::info!(
                            reports = pass.reports.len(),
                            summaries = pass.summaries.len(),
                            "channel schedule committed"
                        );
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "the channel schedule failed; trying again at the next tick")
                    }
                }
                tokio::select! {
                    _ = stopped.notified() => return,
                    _ = tokio::time::sleep(interval) => {}
                }
            }
        });
        ChannelSchedule { stop, task }
    }

    /// Stops the schedule and waits for its pass in progress to end.
    pub async fn shutdown(self) {
        self.stop.notify_one();
        self.task.await.ok();
    }
}
