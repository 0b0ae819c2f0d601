//! The engine's side of webhooks: which trackers may receive them (with
//! their resolved secrets), and what a verified delivery does — normalise
//! it through the adapter's parser, then update the issue cache.

use std::net::SocketAddr;
use std::sync::Arc;

use async_trait::async_trait;
use sr_store::Delivery;
use sr_tracker::TrackerEvent;
use sr_webhook::{DeliveryHandler, HookTracker, ListenerConfig};

use crate::{Engine, EngineError};

impl Engine {
    /// The listener's configuration from trackers.json: every enabled
    /// tracker, its `sync.webhook_secret` resolved. A secret that cannot be
    /// resolved is an error naming the tracker, not an open door.
    pub async fn listener_config(&self, addr: SocketAddr) -> Result<ListenerConfig, EngineError> {
        let entries = self.tracker_entries();
        let resolver = self.resolver();
        let trackers = tokio::task::spawn_blocking(move || {
            entries
                .into_iter()
                .filter(|e| e.enabled)
                .map(|e| {
                    let secret = match &e.sync.webhook_secret {
                        Some(r) => Some(resolver.resolve(r).map_err(|err| {
                            sr_tracker::TrackerError::config(
                                &e.name,
                                format!("webhook secret: {err}"),
                            )
                        })?),
                        None => None,
                    };
                    Ok(HookTracker {
                        name: e.name.clone(),
                        provider: e.kind.clone(),
                        secret,
                        accept_unsigned: e.sync.accept_unsigned_webhooks,
                        timestamp_tolerance_s: Some(300),
                    })
                })
                .collect::<Result<Vec<_>, sr_tracker::TrackerError>>()
        })
        .await
        .map_err(|_| EngineError::Stopped)??;
        Ok(ListenerConfig::new(addr, trackers))
    }

    /// Applies one normalised event to the cache.
    async fn apply_tracker_event(&self, event: TrackerEvent) -> Result<&'static str, EngineError> {
        Ok(match event {
            TrackerEvent::Issue { issue, .. } => match self.store().upsert_issue(&issue).await? {
                sr_store::UpsertOutcome::Unchanged => "unchanged",
                sr_store::UpsertOutcome::Updated => "updated",
                sr_store::UpsertOutcome::Inserted => "inserted",
            },
            TrackerEvent::IssueDeleted { issue } => {
                self.store()
                    .mark_issue_sync_error(&issue, "the issue was deleted in its tracker")
                    .await?;
                "deleted"
            }
            TrackerEvent::Comment { .. } => "comment",
            TrackerEvent::Ping => "ping",
            TrackerEvent::Unknown { .. } => "ignored",
        })
    }
}

/// Processes deliveries for the listener.
pub struct EngineDeliveries {
    engine: Arc<Engine>,
}

impl EngineDeliveries {
    pub fn new(engine: Arc<Engine>) -> Arc<Self> {
        Arc::new(EngineDeliveries { engine })
    }
}

#[async_trait]
impl DeliveryHandler for EngineDeliveries {
    async fn process(&self, d: &Delivery) -> Result<(), String> {
        let engine = &self.engine;
        let entry = engine
            .tracker_entries()
            .into_iter()
            .find(|e| e.name == d.tracker)
            .ok_or_else(|| format!("tracker `{}` is no longer configured", d.tracker))?;
        let factory = engine
            .registry()
            .factory(&entry.kind)
            .ok_or_else(|| format!("unknown tracker type `{}`", entry.kind))?
            .clone();
        let tracker = engine
            .links()
            .tracker(&entry.name)
            .map_err(|e| e.to_string())?;
        let event = factory
            .parse_webhook(tracker.info(), &d.event, &d.body)
            .map_err(|e| e.to_string())?;
        let outcome = engine
            .apply_tracker_event(event)
            .await
            .map_err(|e| e.to_string())?;
        tracing::debug!(outcome, "delivery applied");
        Ok(())
    }
}
