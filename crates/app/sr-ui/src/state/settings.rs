//! Settings → Issue trackers: the working copy of trackers.json, the
//! add/edit form built from a provider type's fields, connection tests and
//! saving. Typed secrets go to the keyring or the encrypted secrets file
//! through the engine; the file only ever gets their references.

mod form;
mod storage;

use sr_config::TrackersFile;
use sr_engine::{Command, PendingSecret};
use sr_tracker::{ConnectionReport, ProviderInfo, TrackerEntry};

pub use form::{SecretStore, TrackerForm, keyring_name};
pub use storage::PassphraseInput;

use super::{Dialog, JobKind, Load, ToastLevel, UiState};
use sr_engine::{SettingsCommand, TrackerCommand};

/// The settings dialog: the trackers as they will be saved, and the form.
#[derive(Debug, Clone, Default)]
pub struct TrackerSettingsDialog {
    pub providers: Load<Vec<ProviderInfo>>,
    /// The working copy; `Save` writes it.
    pub entries: Vec<TrackerEntry>,
    pub form: Option<TrackerForm>,
    /// The entry whose removal waits for confirmation.
    pub confirm_remove: Option<usize>,
    /// Secrets typed in applied forms, written to the keyring on Save.
    pub secrets: Vec<PendingSecret>,
    /// The working copy differs from the file.
    pub dirty: bool,
    pub saving: Option<u64>,
    pub error: Option<String>,
    /// Where typed secrets can be kept and how long they live there.
    pub storage: Option<sr_engine::SecretStorage>,
    /// The encrypted file's passphrase being typed.
    pub passphrase: PassphraseInput,
    pub unlocking: Option<u64>,
    pub unlock_error: Option<String>,
}

impl UiState {
    /// Opens Settings → Issue trackers and loads the provider types and the
    /// file's entries.
    pub fn open_tracker_settings(&mut self) {
        self.dialog = Some(Dialog::Trackers(Box::default()));
        if !self.jobs.is_running(&JobKind::TrackerSettings) {
            self.send(Command::Settings(SettingsCommand::LoadTrackers));
        }
    }

    fn settings(&mut self) -> Option<&mut TrackerSettingsDialog> {
        match &mut self.dialog {
            Some(Dialog::Trackers(d)) => Some(d),
            _ => None,
        }
    }

    /// Starts the form for a new tracker of type `kind`.
    pub fn settings_add(&mut self, kind: &str) {
        if let Some(d) = self.settings()
            && let Some(p) = d
                .providers
                .ready()
                .and_then(|ps| ps.iter().find(|p| p.kind == kind))
        {
            let mut form = TrackerForm::add(p);
            form.store = d.default_store();
            d.form = Some(form);
        }
    }

    pub fn settings_edit(&mut self, index: usize) {
        if let Some(d) = self.settings()
            && let Some(entry) = d.entries.get(index)
        {
            let provider = d
                .providers
                .ready()
                .and_then(|ps| ps.iter().find(|p| p.kind == entry.kind));
            let mut form = TrackerForm::edit(index, entry, provider);
            form.store = d.default_store();
            d.form = Some(form);
        }
    }

    /// The form's entry and secrets, or the form's error set.
    fn settings_form_entry(&mut self) -> Option<(TrackerEntry, Vec<PendingSecret>)> {
        let d = self.settings()?;
        let form = d.form.as_ref()?;
        let provider = d
            .providers
            .ready()
            .and_then(|ps| ps.iter().find(|p| p.kind == form.kind))?;
        let others: Vec<&str> = d
            .entries
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != form.editing)
            .map(|(_, e)| e.name.as_str())
            .collect();
        let original = form.editing.and_then(|i| d.entries.get(i));
        let result = form.entry(provider, &others, original).and_then(|done| {
            match d.store_problem(form.store) {
                Some(p) if done.1.iter().any(|(r, _)| r.entry().is_some()) => Err(p),
                _ => Ok(done),
            }
        });
        let form = d.form.as_mut()?;
        match result {
            Ok(done) => {
                form.error = None;
                Some(done)
            }
            Err(e) => {
                form.error = Some(e);
                None
            }
        }
    }

    /// Turns the form's "Edit as JSON" on or off.
    pub fn settings_json_mode(&mut self, on: bool) {
        let Some(d) = self.settings() else { return };
        let Some(form) = d.form.as_mut() else { return };
        let Some(provider) = d
            .providers
            .ready()
            .and_then(|ps| ps.iter().find(|p| p.kind == form.kind))
        else {
            return;
        };
        form.error = form.set_json_mode(provider, on).err();
    }

    /// Puts the form's tracker into the working copy (Save writes it).
    pub fn settings_apply_form(&mut self) {
        let Some((entry, secrets)) = self.settings_form_entry() else {
            return;
        };
        let Some(d) = self.settings() else { return };
        let Some(form) = d.form.take() else { return };
        match form.editing.filter(|&i| i < d.entries.len()) {
            Some(i) => d.entries[i] = entry,
            None => d.entries.push(entry),
        }
        for (name, value) in secrets {
            d.secrets.retain(|(n, _)| *n != name);
            d.secrets.push((name, value));
        }
        d.dirty = true;
    }

    /// Tests the form's tracker as typed, before it is saved.
    pub fn settings_test(&mut self) {
        let request = self.next_request();
        let Some((entry, secrets)) = self.settings_form_entry() else {
            return;
        };
        if let Some(form) = self.settings().and_then(|d| d.form.as_mut()) {
            form.testing = Some(request);
            form.test = None;
        }
        self.send(Command::Trackers(TrackerCommand::Test {
            request,
            entry,
            secrets,
        }));
    }

    pub fn settings_remove(&mut self, index: usize, confirmed: bool) {
        let Some(d) = self.settings() else { return };
        if !confirmed {
            d.confirm_remove = Some(index);
            return;
        }
        d.confirm_remove = None;
        if index < d.entries.len() {
            d.entries.remove(index);
            d.dirty = true;
            d.form = None;
        }
    }

    /// Writes the working copy to trackers.json through the engine.
    pub fn settings_save(&mut self) {
        let request = self.next_request();
        let Some(d) = self.settings() else { return };
        if d.saving.is_some() {
            return;
        }
        d.saving = Some(request);
        d.error = None;
        let command = Command::Settings(SettingsCommand::SaveTrackers {
            request,
            file: TrackersFile {
                trackers: d.entries.clone(),
            },
            secrets: d.secrets.clone(),
        });
        self.send(command);
    }

    pub(super) fn tracker_settings_loaded(
        &mut self,
        providers: Vec<ProviderInfo>,
        file: TrackersFile,
        storage: sr_engine::SecretStorage,
    ) {
        self.jobs.finish(&JobKind::TrackerSettings);
        if let Some(d) = self.settings() {
            d.storage = Some(storage);
            if !d.dirty {
                d.providers = Load::Ready(providers);
                d.entries = file.trackers;
            }
        }
    }

    pub(super) fn tracker_tested(
        &mut self,
        request: u64,
        result: Result<ConnectionReport, String>,
    ) {
        self.jobs.finish(&JobKind::TestTracker(request));
        if let Some(form) = self.settings().and_then(|d| d.form.as_mut())
            && form.testing == Some(request)
        {
            form.testing = None;
            form.test = Some(result);
        }
    }

    pub(super) fn trackers_saved(&mut self, request: u64) {
        self.jobs.finish(&JobKind::SaveTrackers(request));
        if let Some(d) = self.settings()
            && d.saving == Some(request)
        {
            d.saving = None;
            d.dirty = false;
            d.secrets.clear();
        }
        let text = format!("Saved {}", self.trackers_file_label());
        self.toasts.push(ToastLevel::Success, text, None);
    }

    pub(super) fn settings_failed(&mut self, kind: &JobKind, message: &str) {
        let Some(d) = self.settings() else { return };
        match kind {
            JobKind::SaveTrackers(r) if d.saving == Some(*r) => {
                d.saving = None;
                d.error = Some(message.to_owned());
            }
            JobKind::TrackerSettings => d.providers = Load::Failed(message.to_owned()),
            _ => {}
        }
    }

    /// The trackers file's path, or its name when unknown.
    pub fn trackers_file_label(&self) -> String {
        if self.trackers_file.is_empty() {
            "trackers.json".into()
        } else {
            self.trackers_file.clone()
        }
    }
}

#[cfg(test)]
mod tests;
