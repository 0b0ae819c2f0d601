//! Where Settings keeps typed secrets: the engine says how long the
//! keyring keeps them; where it forgets at reboot (no secret service), the
//! dialog says so and offers the encrypted secrets file, which a
//! passphrase typed here unlocks (or creates), or an environment variable.

use std::fmt;

use sr_engine::{Command, SecretStorage};
use sr_secrets::{MIN_PASSPHRASE_CHARS, Persistence, Secret};

use super::{SecretStore, TrackerSettingsDialog};
use crate::state::{Dialog, JobKind, UiState};
use sr_engine::SettingsCommand;

/// The passphrase as typed, twice when the file is new. Never printed.
#[derive(Clone, Default)]
pub struct PassphraseInput {
    pub text: String,
    pub again: String,
}

impl fmt::Debug for PassphraseInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PassphraseInput(***)")
    }
}

impl TrackerSettingsDialog {
    /// Whether the keyring here forgets at reboot, so the dialog warns and
    /// offers the persistent stores. (The in-memory keyring of tests is
    /// chosen on purpose and not warned about.)
    pub fn warn_until_reboot(&self) -> bool {
        self.storage.as_ref().is_some_and(|s| {
            matches!(
                s.keyring,
                Persistence::UntilReboot | Persistence::Unavailable
            )
        })
    }

    /// Whether the encrypted file needs a passphrase before secrets can go
    /// there.
    pub fn encrypted_locked(&self) -> bool {
        self.storage
            .as_ref()
            .and_then(|s| s.encrypted.as_ref())
            .is_some_and(|e| !e.unlocked)
    }

    /// Whether the encrypted file exists (else unlocking creates it).
    pub fn encrypted_exists(&self) -> bool {
        self.storage
            .as_ref()
            .and_then(|s| s.encrypted.as_ref())
            .is_some_and(|e| e.exists)
    }

    /// Where a new form keeps its secrets: the encrypted file where the
    /// keyring forgets and the file can be had, else the keyring.
    pub(super) fn default_store(&self) -> SecretStore {
        let has_file = self.storage.as_ref().is_some_and(|s| s.encrypted.is_some());
        if self.warn_until_reboot() && has_file {
            SecretStore::Encrypted
        } else {
            SecretStore::Keyring
        }
    }

    /// Why the form's secrets cannot be applied yet, if so.
    pub(super) fn store_problem(&self, store: SecretStore) -> Option<String> {
        (store == SecretStore::Encrypted && self.encrypted_locked()).then(|| {
            if self.encrypted_exists() {
                "Unlock the encrypted secrets file with its passphrase first.".to_owned()
            } else {
                "Choose a passphrase for the encrypted secrets file first (Create).".to_owned()
            }
        })
    }
}

impl UiState {
    /// Unlocks the encrypted secrets file with the typed passphrase, or
    /// creates it when it does not exist (the two entries must match).
    pub fn settings_unlock(&mut self) {
        let request = self.next_request();
        let Some(Dialog::Trackers(d)) = &mut self.dialog else {
            return;
        };
        if d.unlocking.is_some() {
            return;
        }
        let text = d.passphrase.text.clone();
        let problem = if text.is_empty() {
            Some("Type the passphrase.".to_owned())
        } else if !d.encrypted_exists() && text.chars().count() < MIN_PASSPHRASE_CHARS {
            Some(format!(
                "Choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters."
            ))
        } else if !d.encrypted_exists() && d.passphrase.again != text {
            Some("The two passphrases differ; type the same one twice.".to_owned())
        } else {
            None
        };
        d.unlock_error = problem;
        if d.unlock_error.is_some() {
            return;
        }
        d.unlocking = Some(request);
        d.passphrase = PassphraseInput::default();
        self.send(Command::Settings(SettingsCommand::UnlockSecrets {
            request,
            passphrase: Secret::new(text),
        }));
    }

    pub(crate) fn secret_storage_loaded(&mut self, request: u64, storage: SecretStorage) {
        self.jobs.finish(&JobKind::UnlockSecrets(request));
        if let Some(Dialog::Trackers(d)) = &mut self.dialog {
            if d.unlocking == Some(request) {
                d.unlocking = None;
                d.unlock_error = None;
            }
            d.storage = Some(storage);
        }
    }

    pub(crate) fn unlock_failed(&mut self, request: u64, message: &str) {
        if let Some(Dialog::Trackers(d)) = &mut self.dialog
            && d.unlocking == Some(request)
        {
            d.unlocking = None;
            d.unlock_error = Some(message.to_owned());
        }
    }
}
