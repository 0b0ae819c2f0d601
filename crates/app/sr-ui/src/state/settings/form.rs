//! The add/edit form of Settings → Issue trackers as data: the typed
//! fields of a provider type, or its `config` as JSON text, turned into a
//! trackers.json entry whose secrets are references: to the keyring, to
//! the encrypted secrets file, or to an environment variable, as the user
//! chose where the keyring would forget them at reboot.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};
use sr_config::FieldValue;
use sr_engine::PendingSecret;
use sr_secrets::{Secret, SecretRef};
use sr_tracker::{ConnectionReport, ProviderInfo, TrackerEntry};

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
    /// Where the secrets typed in this form are kept.
    pub store: SecretStore,
    /// The form edits a notification channel (Settings → Notification
    /// Channels), whose secrets are kept under `channel:` entries.
    pub for_channel: bool,
}

/// Where the form keeps a typed secret.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SecretStore {
    /// The OS keyring (where no secret service answers: the kernel
    /// keyring, until reboot).
    #[default]
    Keyring,
    /// The encrypted secrets file of the data directory.
    Encrypted,
    /// An environment variable: the secret fields take its name.
    Env,
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

/// The keyring entry a channel's secret field is stored under (the engine
/// forgets those no channel references when it saves channels.json).
pub fn channel_keyring_name(channel: &str, field: &str) -> String {
    format!("{}{channel}:{field}", sr_engine::CHANNEL_SECRET_PREFIX)
}

impl TrackerForm {
    /// A new tracker of `provider`'s type.
    pub fn add(provider: &ProviderInfo) -> Self {
        let values = provider
            .fields
            .iter()
            .filter_map(|f| Some((f.key.to_owned(), f.default?.to_owned())))
            .collect();
        TrackerForm {
            kind: provider.kind.to_owned(),
            enabled: true,
            values,
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
                let value = typed_like(get_path(&config, field.key), field.value, typed);
                set_path(&mut config, field.key, value);
            }
        }
        config
    }

    /// Whether field `key` already has a stored secret reference.
    pub fn has_stored(&self, key: &str) -> bool {
        get_path(&Value::Object(self.base.clone()), key).is_some()
    }

    /// Where field `key`'s stored secret is kept, in words ("in the
    /// keyring"), when it has one.
    pub fn stored_in(&self, key: &str) -> Option<&'static str> {
        let base = Value::Object(self.base.clone());
        Some(match SecretRef::from_json(get_path(&base, key)?)? {
            SecretRef::Keyring(_) => "in the keyring",
            SecretRef::Encrypted(_) => "in the encrypted secrets file",
            SecretRef::Env(_) => "as an environment variable",
        })
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
                    let entry = if self.for_channel {
                        channel_keyring_name(name, field.key)
                    } else {
                        keyring_name(name, field.key)
                    };
                    let reference = match self.store {
                        SecretStore::Keyring => SecretRef::Keyring(entry),
                        SecretStore::Encrypted => SecretRef::Encrypted(entry),
                        SecretStore::Env => SecretRef::Env(env_reference(field.label, typed)?),
                    };
                    let json = serde_json::to_value(&reference).unwrap_or_default();
                    set_path(&mut config, field.key, json);
                    if reference.entry().is_some() {
                        secrets.push((reference, Secret::new(typed)));
                    }
                } else if get_path(&config, field.key).is_none() && field.required {
                    return Err(match self.store {
                        SecretStore::Env => format!(
                            "Enter the name of the environment variable that holds the {}.",
                            field.label
                        ),
                        _ => format!("Enter the {}; it is kept in the keyring.", field.label),
                    });
                }
            } else if !from_fields {
                // The JSON text stands for this field; the adapter checks it.
            } else if typed.is_empty() {
                if field.required {
                    return Err(format!("{} is required.", field.label));
                }
                remove_path(&mut config, field.key);
            } else {
                let value = typed_like(get_path(&config, field.key), field.value, typed);
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

/// `${NAME}` for a variable name typed in a secret field, or why it is
/// not one.
fn env_reference(label: &str, typed: &str) -> Result<String, String> {
    let name = typed.trim_start_matches('$').trim_matches(['{', '}']);
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(format!("${{{name}}}"))
    } else {
        Err(format!(
            "With \"Environment variable\", the {label} field takes the variable's name (such as GITHUB_TOKEN), not the secret."
        ))
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

/// `typed` as the same JSON type as the value it replaces, or, for a new
/// value, as the field's type says: a list stays a list (comma-separated),
/// a number or boolean stays one when it parses.
fn typed_like(old: Option<&Value>, kind: FieldValue, typed: &str) -> Value {
    match (old, kind) {
        (None, FieldValue::List) => typed_like(Some(&Value::Array(Vec::new())), kind, typed),
        (None, FieldValue::Number) => typed_like(Some(&Value::from(0)), kind, typed),
        (old, _) => typed_like_value(old, typed),
    }
}

fn typed_like_value(old: Option<&Value>, typed: &str) -> Value {
    match old {
        Some(Value::Array(_)) => Value::Array(
            crate::state::split_labels(typed)
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
