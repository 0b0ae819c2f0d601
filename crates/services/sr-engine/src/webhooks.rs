//! The engine's side of webhooks: which trackers may receive them (with
//! their resolved secrets) and the listener's limits
//! (`CONFIG_DIR/listener.json`), and what a verified delivery does —
//! normalise it through the adapter's parser, then update the issue cache.
//! A body the adapter cannot parse, or a tracker no longer configured, is
//! unusable (failed at once, kept for replay); a store failure is
//! transient (retried).

use std::net::SocketAddr;
use std::sync::Arc;

use async_trait::async_trait;
use sr_secrets::{Secret, SecretRef};
use sr_store::Delivery;
use sr_tracker::{TrackerEvent, WebhookConfig, WebhookRegistration};
use sr_webhook::{
    DeliveryHandler, HookTracker, ListenerConfig, ListenerLimits, RunningListener, WebhookError,
};

use crate::IssueEvent;
use crate::{Engine, EngineError};

impl Engine {
    /// The listener's configuration: from trackers.json every enabled
    /// tracker with its type's webhook spec from the registry, its
    /// `sync.webhook_secret` resolved (a secret that cannot
    /// be resolved is an error naming the tracker, not an open door), and
    /// the limits of `CONFIG_DIR/listener.json` (the shipped ones when it
    /// is missing).
    pub async fn listener_config(&self, addr: SocketAddr) -> Result<ListenerConfig, EngineError> {
        let limits = ListenerLimits::load(&self.paths().config_dir.join("listener.json"))?;
        let entries = self.tracker_entries();
        let resolver = self.resolver();
        let registry = self.registry().clone();
        let trackers = tokio::task::spawn_blocking(move || {
            entries
                .into_iter()
                .filter(|e| e.enabled)
                .map(|e| {
                    let secret = match &e.sync.webhook_secret {
                        Some(r) => Some(resolver.resolve(r).map_err(|err| {
                            sr_tracker::TrackerError::secret(&e.name, "sync.webhook_secret", err)
                        })?),
                        None => None,
                    };
                    Ok(HookTracker {
                        name: e.name.clone(),
                        provider: e.kind.clone(),
                        webhook: registry.factory(&e.kind).and_then(|f| f.webhook()),
                        secret,
                        accept_unsigned: e.sync.accept_unsigned_webhooks,
                        timestamp_tolerance_s: Some(300),
                    })
                })
                .collect::<Result<Vec<_>, sr_tracker::TrackerError>>()
        })
        .await
        .map_err(|_| EngineError::Stopped)??;
        Ok(ListenerConfig {
            addr,
            limits,
            trackers,
        })
    }

    /// Starts the webhook listener on `addr` with [`Engine::listener_config`],
    /// its deliveries stored in the engine's store and applied by
    /// [`EngineDeliveries`].
    pub async fn start_listener(
        self: &Arc<Self>,
        addr: SocketAddr,
    ) -> Result<RunningListener, EngineError> {
        self.start_listener_with(addr, sr_webhook::ExtraRoutes::default())
            .await
    }

    /// [`Engine::start_listener`], also serving `extra` (the team API).
    pub async fn start_listener_with(
        self: &Arc<Self>,
        addr: SocketAddr,
        extra: sr_webhook::ExtraRoutes,
    ) -> Result<RunningListener, EngineError> {
        let config = self.listener_config(addr).await?;
        let store = self.store().clone();
        Ok(
            sr_webhook::start_with(config, store, EngineDeliveries::new(self.clone()), extra)
                .await?,
        )
    }

    /// Applies one normalised event to the cache.
    async fn apply_tracker_event(&self, event: TrackerEvent) -> Result<&'static str, EngineError> {
        Ok(match event {
            TrackerEvent::Issue { issue, .. } => {
                let outcome = self.store().upsert_issue(&issue).await?;
                if outcome == sr_store::UpsertOutcome::Unchanged {
                    "unchanged"
                } else {
                    self.notify(crate::Event::Issues(IssueEvent::Refreshed(*issue)));
                    "updated"
                }
            }
            TrackerEvent::IssueDeleted { issue } => {
                self.store()
                    .mark_issue_sync_error(&issue, "the issue was deleted in its tracker")
                    .await?;
                "deleted"
            }
            TrackerEvent::Comment {
                action,
                issue,
                comment,
            } => {
                let key = issue.to_string();
                let deleted = action == sr_tracker::CommentAction::Deleted;
                if self
                    .store()
                    .apply_remote_comment(&key, &comment, deleted)
                    .await?
                {
                    self.notify(crate::Event::StoreChanged(sr_store::StoreChange {
                        table: "issue_comments".into(),
                        op: if deleted { "DELETE" } else { "INSERT" }.into(),
                        object: None,
                        issue: Some(key),
                        rows: None,
                    }));
                    "comment"
                } else {
                    "comment (not followed)"
                }
            }
            TrackerEvent::PullRequest { pull, .. } => self.intake_pull(*pull).await?,
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
    async fn process(&self, d: &Delivery) -> Result<(), WebhookError> {
        let engine = &self.engine;
        let unusable = |why: String| WebhookError::Unusable(why);
        let entry = engine
            .tracker_entries()
            .into_iter()
            .find(|e| e.name == d.tracker)
            .ok_or_else(|| {
                unusable(format!(
                    "tracker `{}` is no longer configured; add it back to trackers.json, then replay the delivery",
                    d.tracker
                ))
            })?;
        let factory = engine
            .registry()
            .factory(&entry.kind)
            .ok_or_else(|| unusable(format!("unknown tracker type `{}`", entry.kind)))?
            .clone();
        let tracker = engine
            .links()
            .tracker(&entry.name)
            .map_err(|e| unusable(e.to_string()))?;
        let event = factory
            .parse_webhook(tracker.info(), &d.event, &d.body)
            .map_err(|e| unusable(e.to_string()))?;
        let outcome = engine
            .apply_tracker_event(event)
            .await
            .map_err(|e| WebhookError::Transient(e.to_string()))?;
        tracing::debug!(outcome, "delivery applied");
        Ok(())
    }
}

impl Engine {
    /// Registers a webhook for `tracker` that delivers to `public_url`: a new
    /// random secret goes to the keyring (never to trackers.json, which gets
    /// a `{"keyring": …}` reference and the hook's id), the hook is created
    /// through the adapter, and the listener will verify with that secret.
    pub async fn register_webhook(
        &self,
        tracker: &str,
        public_url: &str,
    ) -> Result<WebhookRegistration, EngineError> {
        let adapter = self.links().tracker(tracker)?;
        let name = adapter.info().name.clone();
        let secret = random_secret()?;
        let config = WebhookConfig {
            url: public_url.to_owned(),
            secret: secret.clone(),
            events: Vec::new(),
        };
        let registration = adapter.register_webhook(&config).await?;
        let keyring_name = format!("webhook/{name}");
        let mut file = self.trackers_file();
        if let Some(entry) = file.trackers.iter_mut().find(|e| e.name == name) {
            entry.sync.webhook_secret = Some(SecretRef::Keyring(keyring_name.clone()));
            entry.sync.webhook_id = Some(registration.id.clone());
        }
        if let Err(e) = self
            .save_trackers(
                file,
                vec![(SecretRef::Keyring(keyring_name), Secret::new(secret))],
            )
            .await
        {
            // The hook exists but its secret is lost: remove it again.
            if let Err(undo) = adapter.unregister_webhook(&registration.id).await {
                tracing::error!(error = %undo, hook = %registration.id, "could not remove the webhook after a failed save; remove it by hand");
            }
            return Err(e);
        }
        Ok(registration)
    }

    /// Removes the webhook `register_webhook` created, its keyring secret
    /// and its entries in trackers.json.
    pub async fn unregister_webhook(&self, tracker: &str) -> Result<String, EngineError> {
        let adapter = self.links().tracker(tracker)?;
        let name = adapter.info().name.clone();
        let mut file = self.trackers_file();
        let entry = file
            .trackers
            .iter_mut()
            .find(|e| e.name == name)
            .ok_or_else(|| {
                EngineError::Settings(format!("tracker `{name}` is not in trackers.json"))
            })?;
        let id = entry.sync.webhook_id.take().ok_or_else(|| {
            EngineError::Settings(format!(
                "ScratchRobin registered no webhook for `{name}`; register one with `scratchrobin webhook register`"
            ))
        })?;
        adapter.unregister_webhook(&id).await?;
        let old_secret = entry.sync.webhook_secret.take();
        self.save_trackers(file, Vec::new()).await?;
        if let Some(r) = old_secret {
            let resolver = self.resolver();
            tokio::task::spawn_blocking(move || resolver.forget(&r))
                .await
                .map_err(|_| EngineError::Stopped)??;
        }
        Ok(id)
    }
}

/// 32 random bytes as hex, from the operating system's generator.
fn random_secret() -> Result<String, EngineError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| EngineError::Settings(format!("the system random generator failed: {e}")))?;
    Ok(hex::encode(bytes))
}
