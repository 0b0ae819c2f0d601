//! The auto-issue outbox worker as a background task of `serve` and the
//! workbench, with the channel notifications beside it (due groups decided
//! again, then the notification outbox sent): it sends what rules
//! committed (by any process on the store),
//! wakes when a change notice says the outbox grew, and otherwise looks
//! again every interval, so a crash or a tracker outage never strands a
//! call. Claims keep two processes from sending the same row.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::{Engine, Event};

/// How often the worker looks without being woken.
pub const OUTBOX_INTERVAL: Duration = Duration::from_secs(10);

/// The running worker; stops when shut down or dropped.
#[derive(Debug)]
pub struct EngineOutbox {
    stop: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl EngineOutbox {
    /// Starts the worker for `engine`, looking every `interval`.
    pub fn start(engine: &Arc<Engine>, interval: Duration) -> EngineOutbox {
        let stop = Arc::new(Notify::new());
        let stopped = stop.clone();
        let mut notices = engine.subscribe();
        let engine = engine.clone();
        let task = tokio::spawn(async move {
            let worker = engine.outbox_worker();
            loop {
                match worker.run_until_idle().await {
                    Ok(report) if !report.done.is_empty() || !report.failed.is_empty() => {
                        tracing::info!(
                            sent = report.done.len(),
                            failed = report.failed.len(),
                            waiting = report.retry.len(),
                            "outbox worked"
                        );
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "the outbox worker failed; trying again later")
                    }
                }
                // Channel alerts: groups whose wait is over are decided
                // again, then what is committed is sent.
                if let Err(e) = engine.notify_due(chrono::Utc::now()).await {
                    tracing::warn!(error = %e, "deciding due channel alerts failed; trying again later");
                }
                match engine.send_notifications().await {
                    Ok(report) if !report.sent.is_empty() || !report.failed.is_empty() => {
                        tracing::info!(
                            sent = report.sent.len(),
                            failed = report.failed.len(),
                            waiting = report.retry.len(),
                            "notifications worked"
                        );
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "the notification worker failed; trying again later")
                    }
                }
                let woken = async {
                    loop {
                        match notices.recv().await {
                            Ok(Event::StoreChanged(c))
                                if c.table == "auto_issue_outbox" || c.table == "*" =>
                            {
                                return;
                            }
                            Ok(_) => {}
                            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => return,
                            Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                                std::future::pending::<()>().await;
                            }
                        }
                    }
                };
                tokio::select! {
                    _ = stopped.notified() => return,
                    _ = tokio::time::sleep(interval) => {}
                    _ = woken => {}
                }
            }
        });
        EngineOutbox { stop, task }
    }

    /// Stops after the call in flight, if any, is recorded.
    pub async fn shutdown(self) {
        self.stop.notify_one();
        self.task.await.ok();
    }
}
