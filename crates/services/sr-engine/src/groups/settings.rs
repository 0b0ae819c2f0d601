//! The settings domain: tracker settings, secret storage and issue templates.
//! Its commands, the events that answer them, and what the engine does for
//! each.

use sr_config::TrackersFile;
use sr_tracker::ProviderInfo;

use crate::TrackerEvent;
use crate::dispatch::template_event;
use crate::{Engine, EngineError, Event, PendingSecret};

/// Commands of one domain; see [`crate::Command::Settings`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SettingsCommand {
    /// The provider types of the registry and trackers.json as loaded.
    LoadTrackers,
    /// Stores `secrets` where their references point (keyring or encrypted
    /// file), writes trackers.json atomically and rebuilds the trackers.
    SaveTrackers {
        request: u64,
        file: TrackersFile,
        secrets: Vec<PendingSecret>,
    },
    /// Unlocks (or, when it does not exist yet, sets the passphrase of) the
    /// encrypted secrets file; answered by [`Event::SecretStorage`] and the
    /// trackers' statuses.
    UnlockSecrets {
        request: u64,
        passphrase: sr_secrets::Secret,
    },
    /// The text of an issue template: the user's override from
    /// `CONFIG_DIR/templates/NAME.hbs`, else the built-in one. Answered by
    /// [`Event::Template`].
    LoadTemplate { name: String },
    /// Checks `text` against the template's sample and writes it as the
    /// user's override, atomically. Answered by [`Event::Template`].
    SaveTemplate { name: String, text: String },
    /// Deletes the user's override of a template. Answered by
    /// [`Event::Template`] with the built-in text.
    ResetTemplate { name: String },
}

/// Events of one domain; see [`crate::Event::Settings`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SettingsEvent {
    Trackers {
        providers: Vec<ProviderInfo>,
        file: TrackersFile,
        /// Where typed secrets can be kept and how long they live there.
        storage: crate::SecretStorage,
    },
    /// The secret stores after [`Command::UnlockSecrets`].
    SecretStorage {
        request: u64,
        storage: crate::SecretStorage,
    },
    /// trackers.json was written; an [`Event::Trackers`] follows.
    TrackersSaved { request: u64 },
    /// An issue template's text as it now stands, answering
    /// [`Command::LoadTemplate`], [`Command::SaveTemplate`] and
    /// [`Command::ResetTemplate`].
    Template {
        name: String,
        text: String,
        /// Whether the text is the user's override.
        overridden: bool,
    },
}

impl SettingsCommand {
    /// The command in a user's words; see [`crate::Command::describe`].
    pub fn describe(&self) -> String {
        match self {
            SettingsCommand::LoadTrackers => "Load tracker settings".into(),
            SettingsCommand::SaveTrackers { .. } => "Save trackers.json".into(),
            SettingsCommand::UnlockSecrets { .. } => "Unlock the encrypted secrets file".into(),
            SettingsCommand::LoadTemplate { name } => {
                format!("Load the {name} template")
            }
            SettingsCommand::SaveTemplate { name, .. } => {
                format!("Save the {name} template")
            }
            SettingsCommand::ResetTemplate { name } => {
                format!("Reset the {name} template")
            }
        }
    }
}

/// What the engine does for one of this domain's commands.
pub(crate) async fn run(engine: &Engine, cmd: SettingsCommand) -> Result<Vec<Event>, EngineError> {
    Ok(match cmd {
        SettingsCommand::LoadTrackers => {
            vec![Event::Settings(SettingsEvent::Trackers {
                providers: engine.provider_types(),
                file: engine.trackers_file(),
                storage: engine.secret_storage().await,
            })]
        }
        SettingsCommand::UnlockSecrets {
            request,
            passphrase,
        } => vec![
            Event::Settings(SettingsEvent::SecretStorage {
                request,
                storage: engine.unlock_secrets(passphrase).await?,
            }),
            Event::Trackers(TrackerEvent::Statuses(engine.tracker_statuses().await)),
        ],
        SettingsCommand::SaveTrackers {
            request,
            file,
            secrets,
        } => {
            engine.save_trackers(file, secrets).await?;
            vec![
                Event::Settings(SettingsEvent::TrackersSaved { request }),
                Event::Trackers(TrackerEvent::Statuses(engine.tracker_statuses().await)),
            ]
        }
        SettingsCommand::LoadTemplate { name } => {
            vec![template_event(engine.load_template(&name).await?)]
        }
        SettingsCommand::SaveTemplate { name, text } => {
            vec![template_event(engine.save_template(&name, &text).await?)]
        }
        SettingsCommand::ResetTemplate { name } => {
            vec![template_event(engine.reset_template(&name).await?)]
        }
    })
}
