//! Settings → Notification Channels as data: the working copy of
//! channels.json, the add/edit form (the tracker settings' form over a
//! channel type's fields, its secrets kept under `channel:` keyring
//! entries), Test (a real message; the service's answer or the error
//! naming cause and fix), removal with confirmation, and saving through
//! the engine. Drawing is `ui/channels.rs`.

use sr_config::{ChannelEntry, ChannelsFile, Grouping};
use sr_engine::{ChannelCommand, ChannelInfo, Command, Delivered, PendingSecret};
use sr_tracker::ProviderInfo;

use super::{Dialog, JobKind, Load, SecretStore, ToastLevel, TrackerForm, UiState};

/// The channels dialog: the channels as they will be saved, and the form.
#[derive(Debug, Clone, Default)]
pub struct ChannelSettingsDialog {
    pub types: Load<Vec<ChannelInfo>>,
    /// The working copy; `Save` writes it.
    pub entries: Vec<ChannelEntry>,
    pub form: Option<ChannelForm>,
    /// The entry whose removal waits for confirmation.
    pub confirm_remove: Option<usize>,
    /// Secrets typed in applied forms, stored by the engine on Save.
    pub secrets: Vec<PendingSecret>,
    /// The working copy differs from the file.
    pub dirty: bool,
    pub saving: Option<u64>,
    pub error: Option<String>,
    /// Where typed secrets can be kept.
    pub storage: Option<sr_engine::SecretStorage>,
}

/// Adding or editing one channel: the tracker form's fields and secrets,
/// and the last test's answer.
#[derive(Debug, Clone, Default)]
pub struct ChannelForm {
    pub fields: TrackerForm,
    pub testing: Option<u64>,
    pub test: Option<Result<Delivered, String>>,
}

/// A channel type as the shared settings form takes it.
pub fn as_provider(info: &ChannelInfo) -> ProviderInfo {
    ProviderInfo {
        kind: info.kind,
        display_name: info.display_name,
        fields: info.fields.clone(),
    }
}

impl ChannelSettingsDialog {
    fn info(&self, kind: &str) -> Option<&ChannelInfo> {
        self.types.ready()?.iter().find(|t| t.kind == kind)
    }

    /// Whether secrets can go to the encrypted file now (it exists in this
    /// engine and is unlocked).
    pub fn encrypted_usable(&self) -> bool {
        self.storage
            .as_ref()
            .and_then(|s| s.encrypted.as_ref())
            .is_some_and(|e| e.unlocked)
    }

    /// The form's entry and typed secrets, or what is wrong (set on the form).
    fn form_entry(&mut self) -> Option<(ChannelEntry, Vec<PendingSecret>)> {
        let form = self.form.as_ref()?;
        let provider = as_provider(self.info(&form.fields.kind)?);
        let editing = form.fields.editing;
        let others: Vec<&str> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != editing)
            .map(|(_, e)| e.name.as_str())
            .collect();
        let original = editing.and_then(|i| self.entries.get(i));
        let result = form
            .fields
            .entry(&provider, &others, None)
            .map(|(tracker, secrets)| {
                let entry = ChannelEntry {
                    name: tracker.name,
                    kind: tracker.kind,
                    enabled: tracker.enabled,
                    config: tracker.config,
                    grouping: original.map_or_else(Grouping::default, |o| o.grouping.clone()),
                    // The form does not show them yet: an edit keeps them.
                    policy: original.map(|o| o.policy.clone()).unwrap_or_default(),
                    weekly_report: original.and_then(|o| o.weekly_report.clone()),
                };
                (entry, secrets)
            })
            // The tracker form's words name a tracker.
            .map_err(|e| e.replace("tracker", "channel"));
        let form = self.form.as_mut()?;
        match result {
            Ok(done) => {
                form.fields.error = None;
                Some(done)
            }
            Err(e) => {
                form.fields.error = Some(e);
                None
            }
        }
    }
}

impl UiState {
    /// Opens Settings → Notification Channels and loads the types and the
    /// file's channels.
    pub fn open_channel_settings(&mut self) {
        self.dialog = Some(Dialog::Channels(Box::default()));
        if !self.jobs.is_running(&JobKind::ChannelSettings) {
            self.send(Command::Channels(ChannelCommand::Load));
        }
    }

    fn channels(&mut self) -> Option<&mut ChannelSettingsDialog> {
        match &mut self.dialog {
            Some(Dialog::Channels(d)) => Some(d),
            _ => None,
        }
    }

    /// Starts the form for a new channel of type `kind`.
    pub fn channel_add(&mut self, kind: &str) {
        if let Some(d) = self.channels()
            && let Some(info) = d.info(kind)
        {
            let mut fields = TrackerForm::add(&as_provider(info));
            fields.for_channel = true;
            d.form = Some(ChannelForm {
                fields,
                ..ChannelForm::default()
            });
        }
    }

    pub fn channel_edit(&mut self, index: usize) {
        if let Some(d) = self.channels()
            && let Some(entry) = d.entries.get(index)
        {
            let provider = d.info(&entry.kind).map(as_provider);
            let as_tracker = sr_config::TrackerEntry {
                name: entry.name.clone(),
                kind: entry.kind.clone(),
                enabled: entry.enabled,
                config: entry.config.clone(),
                sync: Default::default(),
            };
            let mut fields = TrackerForm::edit(index, &as_tracker, provider.as_ref());
            fields.for_channel = true;
            d.form = Some(ChannelForm {
                fields,
                ..ChannelForm::default()
            });
        }
    }

    /// Chooses where the form keeps the secrets typed in it.
    pub fn channel_store(&mut self, store: SecretStore) {
        if let Some(form) = self.channels().and_then(|d| d.form.as_mut()) {
            form.fields.store = store;
        }
    }

    /// Puts the form's channel into the working copy (Save writes it).
    pub fn channel_apply_form(&mut self) {
        let Some(d) = self.channels() else { return };
        let Some((entry, secrets)) = d.form_entry() else {
            return;
        };
        let Some(form) = d.form.take() else { return };
        match form.fields.editing.filter(|&i| i < d.entries.len()) {
            Some(i) => d.entries[i] = entry,
            None => d.entries.push(entry),
        }
        for (reference, value) in secrets {
            d.secrets.retain(|(r, _)| *r != reference);
            d.secrets.push((reference, value));
        }
        d.dirty = true;
    }

    /// Sends a real test message through the form's channel as typed.
    pub fn channel_test(&mut self) {
        let request = self.next_request();
        let Some(d) = self.channels() else { return };
        let Some((entry, mut secrets)) = d.form_entry() else {
            return;
        };
        // Secrets typed in forms applied before and not saved yet count too.
        secrets.extend(
            d.secrets
                .iter()
                .filter(|(r, _)| !secrets.iter().any(|(s, _)| s == r))
                .cloned()
                .collect::<Vec<_>>(),
        );
        if let Some(form) = d.form.as_mut() {
            form.testing = Some(request);
            form.test = None;
        }
        self.send(Command::Channels(ChannelCommand::Test {
            request,
            entry,
            secrets,
        }));
    }

    pub fn channel_remove(&mut self, index: usize, confirmed: bool) {
        let Some(d) = self.channels() else { return };
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

    pub fn channel_cancel_remove(&mut self) {
        if let Some(d) = self.channels() {
            d.confirm_remove = None;
        }
    }

    pub fn channel_cancel_form(&mut self) {
        if let Some(d) = self.channels() {
            d.form = None;
        }
    }

    /// Writes the working copy to channels.json through the engine.
    pub fn channel_save(&mut self) {
        let request = self.next_request();
        let Some(d) = self.channels() else { return };
        if d.saving.is_some() {
            return;
        }
        d.saving = Some(request);
        d.error = None;
        let command = Command::Channels(ChannelCommand::Save {
            request,
            file: ChannelsFile {
                channels: d.entries.clone(),
            },
            secrets: d.secrets.clone(),
        });
        self.send(command);
    }

    pub(super) fn channels_loaded(
        &mut self,
        types: Vec<ChannelInfo>,
        file: ChannelsFile,
        storage: sr_engine::SecretStorage,
    ) {
        self.jobs.finish(&JobKind::ChannelSettings);
        if let Some(d) = self.channels() {
            d.storage = Some(storage);
            d.types = Load::Ready(types);
            if !d.dirty {
                d.entries = file.channels;
            }
        }
    }

    pub(super) fn channel_tested(&mut self, request: u64, result: Result<Delivered, String>) {
        self.jobs.finish(&JobKind::TestChannel(request));
        if let Some(form) = self.channels().and_then(|d| d.form.as_mut())
            && form.testing == Some(request)
        {
            form.testing = None;
            form.test = Some(result);
        }
    }

    pub(super) fn channels_saved(&mut self, request: u64) {
        self.jobs.finish(&JobKind::SaveChannels(request));
        if let Some(d) = self.channels()
            && d.saving == Some(request)
        {
            d.saving = None;
            d.dirty = false;
            d.secrets.clear();
        }
        self.toasts
            .push(ToastLevel::Success, "Saved channels.json".to_owned(), None);
    }

    pub(super) fn channels_failed(&mut self, kind: &JobKind, message: &str) {
        let Some(d) = self.channels() else { return };
        match kind {
            JobKind::SaveChannels(r) if d.saving == Some(*r) => {
                d.saving = None;
                d.error = Some(message.to_owned());
            }
            JobKind::ChannelSettings => d.types = Load::Failed(message.to_owned()),
            JobKind::TestChannel(r) => {
                if let Some(form) = d.form.as_mut()
                    && form.testing == Some(*r)
                {
                    form.testing = None;
                    form.test = Some(Err(message.to_owned()));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
#[path = "channels_tests.rs"]
mod tests;
