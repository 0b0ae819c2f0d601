//! The channels domain: Settings → Notification Channels. Its commands
//! (load, save, test), the events that answer them, and what the engine
//! does for each (the work itself is `channel_settings.rs`, shared with
//! the CLI).

use sr_config::{ChannelEntry, ChannelsFile};
use sr_notify::{ChannelInfo, Delivered};

use crate::{Engine, EngineError, Event, PendingSecret};

/// Commands of one domain; see [`crate::Command::Channels`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum ChannelCommand {
    /// The channel types and channels.json as it is on disk; answered by
    /// [`ChannelEvent::Loaded`].
    Load,
    /// Stores `secrets` where their references point and writes
    /// channels.json (checked as strictly as loading); answered by
    /// [`ChannelEvent::Saved`] and a fresh [`ChannelEvent::Loaded`].
    Save {
        request: u64,
        file: ChannelsFile,
        secrets: Vec<PendingSecret>,
    },
    /// Sends a real test message through `entry`, saved or not; `secrets`
    /// are typed values for its references, for this test only. Answered
    /// by [`ChannelEvent::Tested`], whether the service took it or not.
    Test {
        request: u64,
        entry: ChannelEntry,
        secrets: Vec<PendingSecret>,
    },
}

/// Events of one domain; see [`crate::Event::Channels`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum ChannelEvent {
    Loaded {
        types: Vec<ChannelInfo>,
        file: ChannelsFile,
        /// Where typed secrets can be kept and how long they live there.
        storage: crate::SecretStorage,
    },
    Saved {
        request: u64,
    },
    /// The service's answer to the test message, or the error naming the
    /// cause and the fix.
    Tested {
        request: u64,
        channel: String,
        result: Result<Delivered, String>,
    },
}

impl ChannelCommand {
    /// The command in a user's words; see [`crate::Command::describe`].
    pub fn describe(&self) -> String {
        match self {
            ChannelCommand::Load => "Load the notification channels".into(),
            ChannelCommand::Save { .. } => "Save channels.json".into(),
            ChannelCommand::Test { entry, .. } => format!("Test channel {}", entry.name),
        }
    }
}

/// What the engine does for one of this domain's commands.
pub(crate) async fn run(engine: &Engine, cmd: ChannelCommand) -> Result<Vec<Event>, EngineError> {
    Ok(match cmd {
        ChannelCommand::Load => vec![loaded(engine).await?],
        ChannelCommand::Save {
            request,
            file,
            secrets,
        } => {
            engine.save_channels(file, secrets).await?;
            vec![
                Event::Channels(ChannelEvent::Saved { request }),
                loaded(engine).await?,
            ]
        }
        ChannelCommand::Test {
            request,
            entry,
            secrets,
        } => {
            let channel = entry.name.clone();
            // A refused test is an answer, not a failure of the command.
            let result = engine
                .test_channel(entry, secrets)
                .await
                .map_err(|e| e.to_string());
            vec![Event::Channels(ChannelEvent::Tested {
                request,
                channel,
                result,
            })]
        }
    })
}

async fn loaded(engine: &Engine) -> Result<Event, EngineError> {
    Ok(Event::Channels(ChannelEvent::Loaded {
        types: engine.channel_types(),
        file: engine.channels_file().await?,
        storage: engine.secret_storage().await,
    }))
}
