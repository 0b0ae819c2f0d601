//! Other processes' changes on a team store, as engine events: the
//! store's change notices (PostgreSQL LISTEN) become
//! [`crate::Event::StoreChanged`] for the UI and `watch`, with no polling.

use std::sync::Arc;
use std::time::Duration;

use crate::{Engine, EngineError, Event};

/// Forwards change notices while it lives.
#[derive(Debug)]
pub struct ChangeFeed(tokio::task::JoinHandle<()>);

impl Drop for ChangeFeed {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Engine {
    /// Starts forwarding the store's change notices; `None` on a SQLite
    /// store, which only this process writes. A lost connection is retried
    /// every few seconds and announced as a `RESYNC` change.
    pub async fn start_change_feed(self: &Arc<Self>) -> Result<Option<ChangeFeed>, EngineError> {
        let Some(mut listener) = self.store().listen_changes().await? else {
            return Ok(None);
        };
        let engine = Arc::downgrade(self);
        let task = tokio::spawn(async move {
            loop {
                let change = listener.recv().await;
                let Some(engine) = engine.upgrade() else {
                    return;
                };
                match change {
                    Ok(change) => engine.notify(Event::StoreChanged(change)),
                    Err(e) => {
                        tracing::warn!(error = %e, "lost the store's change notices; reconnecting");
                        // Back off before reconnecting, so a down server
                        // is not hammered.
                        tokio::time::sleep(Duration::from_secs(3)).await;
                        match engine.store().listen_changes().await {
                            Ok(Some(l)) => {
                                listener = l;
                                engine.notify(Event::StoreChanged(sr_store::StoreChange {
                                    table: "*".into(),
                                    op: "RESYNC".into(),
                                    object: None,
                                    issue: None,
                                    rows: None,
                                }));
                            }
                            Ok(None) => return,
                            Err(e) => tracing::warn!(error = %e, "cannot listen to the store yet"),
                        }
                    }
                }
            }
        });
        Ok(Some(ChangeFeed(task)))
    }
}
