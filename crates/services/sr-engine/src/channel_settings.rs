//! The notification channels as Settings and `scratchrobin channel` see
//! them: channels.json with the channel types' fields, saving it (checked
//! as strictly as loading, secrets stored where their references point,
//! never in the file) and a real test message through a channel, saved or
//! not, whose answer or error comes back as the service gave it.

use std::sync::Arc;

use sr_config::{ChannelEntry, ChannelsFile};
use sr_notify::{Action, BuildContext, ChannelInfo, Delivered, Message, Notification, Severity};
use sr_secrets::{Resolver, SecretRef};

use crate::{Engine, EngineError, PendingSecret};

/// The prefix of the keyring and encrypted-file entries the settings
/// dialog makes for channel secrets (`channel:NAME:FIELD`).
pub const CHANNEL_SECRET_PREFIX: &str = "channel:";

impl Engine {
    /// Every channel type this build can configure, with its fields.
    pub fn channel_types(&self) -> Vec<ChannelInfo> {
        crate::channels().types()
    }

    /// channels.json as it is on disk now (read on a blocking thread);
    /// an absent file is no channels.
    pub async fn channels_file(&self) -> Result<ChannelsFile, EngineError> {
        let path = self.paths().channels_file();
        tokio::task::spawn_blocking(move || sr_config::load_channels(&path, &crate::channels()))
            .await
            .map_err(|_| EngineError::Stopped)?
            .map_err(EngineError::from)
    }

    /// Stores `secrets` where their references point, checks `file` as if
    /// it were read from disk (the same checks, every problem named) and
    /// writes channels.json atomically under its lock, so that two saves
    /// at once write one after the other. Secret entries the dialog made
    /// (`channel:…`) that no channel references any more are forgotten.
    pub async fn save_channels(
        &self,
        file: ChannelsFile,
        secrets: Vec<PendingSecret>,
    ) -> Result<(), EngineError> {
        let path = self.paths().channels_file();
        let resolver = self.resolver();
        tokio::task::spawn_blocking(move || -> Result<(), EngineError> {
            let registry = crate::channels();
            let text = serde_json::to_string_pretty(&file).map_err(|e| {
                EngineError::Channels(format!("the channels cannot be written as JSON: {e}"))
            })?;
            if let Err(errors) = sr_config::parse_channels(&path, &text, &registry) {
                let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
                return Err(EngineError::Channels(all.join("; ")));
            }
            let _lock = sr_config::lock_beside(&path)?;
            // What the file held before this save, read under the lock:
            // another process may have saved since this one loaded it.
            let before = sr_config::load_channels(&path, &registry)
                .map(|f| stored_refs(&f.channels))
                .unwrap_or_default();
            for (reference, value) in &secrets {
                let lives = resolver.store(reference, value)?;
                if !lives.survives_reboot() {
                    tracing::warn!(entry = %reference.describe(), ?lives, "a secret was stored where it does not survive a reboot");
                }
            }
            sr_config::save_channels(&path, &file)?;
            let after = stored_refs(&file.channels);
            for r in before.iter().filter(|r| {
                r.entry()
                    .is_some_and(|n| n.starts_with(CHANNEL_SECRET_PREFIX))
                    && !after.contains(r)
            }) {
                if let Err(e) = resolver.forget(r) {
                    tracing::warn!(entry = %r.describe(), error = %e, "an unused secret entry stays");
                }
            }
            Ok(())
        })
        .await
        .map_err(|_| EngineError::Stopped)?
    }

    /// Builds `entry` (saved or not) and sends it one real test message
    /// ([`Action::Test`]). `secrets` are values typed for its references,
    /// used for this test only and written nowhere. The answer is what the
    /// service said; an error names the cause and the fix.
    pub async fn test_channel(
        &self,
        mut entry: ChannelEntry,
        secrets: Vec<PendingSecret>,
    ) -> Result<Delivered, EngineError> {
        // A disabled channel can still be tested before it is turned on.
        entry.enabled = true;
        let base = self.resolver();
        let name = entry.name.clone();
        let notifier = tokio::task::spawn_blocking(move || {
            let resolver = Arc::new(Resolver::overlay(&base, secrets));
            let ctx = BuildContext::new(resolver)?;
            crate::channels().build(&entry, &ctx)
        })
        .await
        .map_err(|_| EngineError::Stopped)??;
        Ok(notifier.send(&test_message(&name)).await?)
    }
}

/// The message Test sends: its own id each time (a test is never a retry),
/// informational, saying where it comes from.
pub fn test_message(channel: &str) -> Message {
    let now = chrono::Utc::now();
    Message {
        id: format!("test-{}", uuid_like(now)),
        action: Action::Test,
        notification: Notification {
            fingerprint: format!("test:{channel}"),
            severity: Severity::Info,
            title: format!("Test message to {channel} from ScratchRobin"),
            body: format!(
                "This is a test of the channel **{channel}**. When you can read it, alerts sent to this channel arrive."
            ),
            source: "ScratchRobin settings".into(),
            links: Vec::new(),
            occurred_at: now,
        },
    }
}

/// A unique id from the clock and random bytes (a receiver that
/// deduplicates must take each test as new).
fn uuid_like(now: chrono::DateTime<chrono::Utc>) -> String {
    let mut bytes = [0u8; 8];
    // Without randomness the clock alone still differs from test to test.
    getrandom::fill(&mut bytes).ok();
    format!(
        "{}-{}",
        now.timestamp_nanos_opt().unwrap_or_default(),
        hex::encode(bytes)
    )
}

/// Every keyring and encrypted-file reference in `channels`' configs.
fn stored_refs(channels: &[ChannelEntry]) -> Vec<SecretRef> {
    channels
        .iter()
        .flat_map(|c| SecretRef::all_in(&c.config))
        .filter(|r| r.entry().is_some())
        .collect()
}
