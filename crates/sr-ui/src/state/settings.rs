//! Settings → Issue trackers: the working copy of trackers.json, the
//! add/edit form built from a provider type's fields, connection tests and
//! saving. Typed secrets go to the keyring through the engine; the file
//! only ever gets `{"keyring": NAME}`.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};
use sr_config::TrackersFile;
use sr_engine::{Command, PendingSecret};
use sr_secrets::Secret;
use sr_tracker::{ConnectionReport, ProviderInfo, TrackerEntry};

use super::{Dialog, JobKind, Load, ToastLevel, UiState};

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
}

/// Adding or editing one tracker.
#[derive(Clone, Default)]
pub struct TrackerForm {
    /// The entry being edited; `None` adds one.
    pub editing: Option<usize>,
    pub kind: String,
    pub name: String,
    pub enabled: bool,
    /// What is typed per field key; secrets too (never printed: see Debug).
    pub values: BTreeMap<String, String>,
    /// The entry's `config` as it was, so keys the form does not show survive.
    pub base: Map<String, Value>,
    /// "Edit as JSON": the `config` object as text, which then stands for
    /// every field but the secrets (for settings the fields do not cover).
    pub json: Option<String>,
    pub testing: Option<u64>,
    pub test: Option<Result<ConnectionReport, String>>,
    pub error: Option<String>,
}

impl fmt::Debug for TrackerForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrackerForm")
            .field("editing", &self.editing)
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("fields", &self.values.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The keyring entry a tracker's secret field is stored under.
pub fn keyring_name(tracker: &str, field: &str) -> String {
    format!("tracker:{tracker}:{field}")
}

impl TrackerForm {
    /// A new tracker of `provider`'s type.
    pub fn add(provider: &ProviderInfo) -> Self {
        TrackerForm {
            kind: provider.kind.to_owned(),
            enabled: true,
            ..TrackerForm::default()
        }
    }

    /// The form for entry `index`; secret fields start empty ("keep").
    pub fn edit(index: usize, entry: &TrackerEntry, provider: Option<&ProviderInfo>) -> Self {
        let base = entry.config.as_object().cloned().unwrap_or_default();
        let config = Value::Object(base.clone());
        let values = provider
            .map(|p| field_values(&config, p))
            .unwrap_or_default();
        TrackerForm {
            editing: Some(index),
            kind: entry.kind.clone(),
            name: entry.name.clone(),
            enabled: entry.enabled,
            values,
            base,
            ..TrackerForm::default()
        }
    }

    /// Turns "Edit as JSON" on (the fields become the text) or off (the
    /// text becomes the fields again); off fails while the text is not a
    /// JSON object.
    pub fn set_json_mode(&mut self, provider: &ProviderInfo, on: bool) -> Result<(), String> {
        match (&self.json, on) {
            (None, true) => {
                let config = self.fields_config(provider);
                self.json = Some(serde_json::to_string_pretty(&config).unwrap_or_default());
            }
            (Some(text), false) => {
                self.base = parse_object(text)?;
                let config = Value::Object(self.base.clone());
                let secrets: BTreeMap<String, String> = provider
                    .fields
                    .iter()
                    .filter(|f| f.secret)
                    .filter_map(|f| Some((f.key.to_owned(), self.values.get(f.key)?.clone())))
                    .collect();
                self.values = field_values(&config, provider);
                self.values.extend(secrets);
                self.json = None;
            }
            _ => {}
        }
        Ok(())
    }

    /// The `config` the non-secret fields describe over `base`; secrets as
    /// stored.
    fn fields_config(&self, provider: &ProviderInfo) -> Value {
        let mut config = Value::Object(self.base.clone());
        for field in provider.fields.iter().filter(|f| !f.secret) {
            let typed = self.values.get(field.key).map(|v| v.trim()).unwrap_or("");
            if typed.is_empty() {
                remove_path(&mut config, field.key);
            } else {
                let value = typed_like(get_path(&config, field.key), typed);
                set_path(&mut config, field.key, value);
            }
        }
        config
    }

    /// Whether field `key` already has a stored secret reference.
    pub fn has_stored(&self, key: &str) -> bool {
        get_path(&Value::Object(self.base.clone()), key).is_some()
    }

    /// The entry the form describes and the secrets typed for it, or what
    /// is missing. `others` are the other trackers' names.
    pub fn entry(
        &self,
        provider: &ProviderInfo,
        others: &[&str],
        original: Option<&TrackerEntry>,
    ) -> Result<(TrackerEntry, Vec<PendingSecret>), String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err("Give the tracker a name.".into());
        }
        if others.contains(&name) {
            return Err(format!(
                "A tracker named {name} exists; choose another name."
            ));
        }
        let (mut config, from_fields) = match &self.json {
            Some(text) => (Value::Object(parse_object(text)?), false),
            None => (Value::Object(self.base.clone()), true),
        };
        let mut secrets = Vec::new();
        for field in &provider.fields {
            let typed = self.values.get(field.key).map(|v| v.trim()).unwrap_or("");
            if field.secret {
                if !typed.is_empty() {
                    let entry = keyring_name(name, field.key);
                    set_path(
                        &mut config,
                        field.key,
                        serde_json::json!({ "keyring": entry }),
                    );
                    secrets.push((entry, Secret::new(typed)));
                } else if get_path(&config, field.key).is_none() && field.required {
                    return Err(format!(
                        "Enter the {}; it is kept in the keyring.",
                        field.label
                    ));
                }
            } else if !from_fields {
                // The JSON text stands for this field; the adapter checks it.
            } else if typed.is_empty() {
                if field.required {
                    return Err(format!("{} is required.", field.label));
                }
                remove_path(&mut config, field.key);
            } else {
                let value = typed_like(get_path(&config, field.key), typed);
                set_path(&mut config, field.key, value);
            }
        }
        let mut entry = original.cloned().unwrap_or_else(sr_config::local_entry);
        entry.name = name.to_owned();
        entry.kind = self.kind.clone();
        entry.enabled = self.enabled;
        entry.config = config;
        if original.is_none() {
            entry.sync = Default::default();
        }
        Ok((entry, secrets))
    }
}

/// The text of each non-secret field of `provider` found in `config`;
/// lists are shown comma-separated.
fn field_values(config: &Value, provider: &ProviderInfo) -> BTreeMap<String, String> {
    provider
        .fields
        .iter()
        .filter(|f| !f.secret)
        .filter_map(|f| {
            let text = match get_path(config, f.key)? {
                Value::String(s) => s.clone(),
                Value::Array(items) => items
                    .iter()
                    .map(|i| match i {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            Some((f.key.to_owned(), text))
        })
        .collect()
}

/// A `config` object typed as JSON text.
fn parse_object(text: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("The configuration must be a JSON object: { … }.".into()),
        Err(e) => Err(format!("The configuration is not valid JSON: {e}.")),
    }
}

/// `typed` as the same JSON type as the value it replaces: a list stays a
/// list (comma-separated), a number or boolean stays one when it parses.
fn typed_like(old: Option<&Value>, typed: &str) -> Value {
    match old {
        Some(Value::Array(_)) => Value::Array(
            super::split_labels(typed)
                .into_iter()
                .map(Value::String)
                .collect(),
        ),
        Some(Value::Number(_) | Value::Bool(_)) => {
            serde_json::from_str(typed).unwrap_or_else(|_| Value::String(typed.to_owned()))
        }
        _ => Value::String(typed.to_owned()),
    }
}

fn get_path<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |at, key| at.get(key))
}

fn set_path(v: &mut Value, path: &str, value: Value) {
    let mut at = v;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        let Value::Object(map) = at else { return };
        if keys.peek().is_none() {
            map.insert(key.to_owned(), value);
            return;
        }
        at = map
            .entry(key.to_owned())
            .or_insert(Value::Object(Map::new()));
    }
}

fn remove_path(v: &mut Value, path: &str) {
    match path.rsplit_once('.') {
        None => {
            if let Value::Object(m) = v {
                m.remove(path);
            }
        }
        Some((parent, last)) => {
            if let Some(Value::Object(m)) = path_mut(v, parent) {
                m.remove(last);
            }
        }
    }
}

fn path_mut<'v>(v: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    path.split('.').try_fold(v, |at, key| at.get_mut(key))
}

impl UiState {
    /// Opens Settings → Issue trackers and loads the provider types and the
    /// file's entries.
    pub fn open_tracker_settings(&mut self) {
        self.dialog = Some(Dialog::Trackers(Box::default()));
        if !self.jobs.is_running(&JobKind::TrackerSettings) {
            self.send(Command::LoadTrackerSettings);
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
            d.form = Some(TrackerForm::add(p));
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
            d.form = Some(TrackerForm::edit(index, entry, provider));
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
        let result = form.entry(provider, &others, original);
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
        self.send(Command::TestTracker {
            request,
            entry,
            secrets,
        });
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
        let command = Command::SaveTrackers {
            request,
            file: TrackersFile {
                trackers: d.entries.clone(),
            },
            secrets: d.secrets.clone(),
        };
        self.send(command);
    }

    pub(super) fn tracker_settings_loaded(
        &mut self,
        providers: Vec<ProviderInfo>,
        file: TrackersFile,
    ) {
        self.jobs.finish(&JobKind::TrackerSettings);
        if let Some(d) = self.settings()
            && !d.dirty
        {
            d.providers = Load::Ready(providers);
            d.entries = file.trackers;
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
