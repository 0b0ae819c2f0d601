//! `channels.json`: the notification channels (Slack, Teams, PagerDuty,
//! e-mail, outgoing webhooks), `{"channels": [...]}`, read as strictly as
//! trackers.json (every problem at its file, line and column, with the
//! fix) and written atomically. Each channel type checks its own `config`
//! through [`ChannelTypes`]; secrets stay references here.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sr_secrets::SecretRef;

use crate::atomic::write_atomically;
use crate::diagnose::{Doc, describe_node, serde_message, syntax_error};
use crate::error::{ConfigError, ConfigErrorKind};
use crate::spans::{self, Kind, Node};
use crate::suggest::closest;
use crate::trackers::{find, value_start};

/// The channel types a channels.json may name, and each type's own check of
/// its `config` object. This crate sits below the channels, so it asks
/// through this trait; sr-notify's `ChannelRegistry` implements it.
pub trait ChannelTypes {
    /// The types known (`type` in channels.json).
    fn known_types(&self) -> Vec<&'static str>;

    /// Checks `config_json`, the `config` object of an entry of type
    /// `kind`, strictly; `None` when `kind` is not known.
    fn check_config(&self, kind: &str, config_json: &str) -> Option<Result<(), serde_json::Error>>;

    /// The dotted paths in `config` of the type's secret fields
    /// (`webhook_url`, `routing_key`), which must be references.
    fn secret_fields(&self, kind: &str) -> Vec<&'static str>;
}

/// The contents of `channels.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelsFile {
    pub channels: Vec<ChannelEntry>,
}

impl ChannelsFile {
    pub fn find(&self, name: &str) -> Option<&ChannelEntry> {
        self.channels.iter().find(|c| c.name == name)
    }
}

/// One channel of the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelEntry {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "empty_object")]
    pub config: serde_json::Value,
    #[serde(default, skip_serializing_if = "Grouping::is_default")]
    pub grouping: Grouping,
}

/// How alerts with one fingerprint are grouped before they reach the
/// channel, as Alertmanager does: the first message waits `group_wait`
/// seconds (a flapping check sends nothing), the same alert is not sent
/// again within `repeat_interval`, and the clearing of the condition sends
/// a resolve message when `send_resolved`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Grouping {
    pub group_wait_seconds: u32,
    pub repeat_interval_minutes: u32,
    pub send_resolved: bool,
}

impl Default for Grouping {
    fn default() -> Self {
        // Alertmanager's defaults: 30 s group wait, a 4 h repeat interval.
        Grouping {
            group_wait_seconds: 30,
            repeat_interval_minutes: 240,
            send_resolved: true,
        }
    }
}

impl Grouping {
    pub fn is_default(&self) -> bool {
        *self == Grouping::default()
    }
}

fn yes() -> bool {
    true
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// Reads `path`. A missing file means no channels. The first problem found
/// is returned; [`parse_channels`] returns all.
pub fn load_channels(path: &Path, types: &dyn ChannelTypes) -> Result<ChannelsFile, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ChannelsFile::default()),
        Err(e) => {
            return Err(ConfigError::io(
                path,
                "read the channels file",
                &e,
                "check that it is a readable UTF-8 file",
            ));
        }
    };
    parse_channels(path, &text, types).map_err(|errors| {
        errors.into_iter().next().unwrap_or_else(|| {
            ConfigError::at_file(ConfigErrorKind::Syntax, path, "the file could not be read")
        })
    })
}

/// Checks `text`, the contents of `path`, and returns every problem found,
/// in file order (never an empty list).
pub fn parse_channels(
    path: &Path,
    text: &str,
    types: &dyn ChannelTypes,
) -> Result<ChannelsFile, Vec<ConfigError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(vec![ConfigError::at_offset(
            ConfigErrorKind::Syntax,
            path,
            text,
            0,
            r#"the file is empty; write {"channels": []}, or delete the file"#,
        )]);
    }
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        return Err(vec![syntax_error(path, text, &e)]);
    }
    let root = spans::parse(text).ok_or_else(|| {
        vec![ConfigError::at_file(
            ConfigErrorKind::Syntax,
            path,
            "the JSON structure could not be read; check the file with a JSON validator",
        )]
    })?;
    let doc = Doc {
        file: path,
        text,
        root: &root,
    };
    let duplicates: Vec<ConfigError> = root
        .duplicate_keys()
        .into_iter()
        .map(|d| {
            let message = format!(
                "field \"{}\" is written twice {} (first at {}); keep one",
                d.key,
                doc.in_phrase(&d.container),
                doc.place(d.first)
            );
            doc.error_at(ConfigErrorKind::DuplicateKey, d.start, message)
        })
        .collect();
    if !duplicates.is_empty() {
        return Err(duplicates);
    }
    if !matches!(root.kind, Kind::Object(_)) {
        let found = describe_node(&root, text);
        let detail = format!(r#"expected an object, found {found}; write {{"channels": [ ... ]}}"#);
        return Err(vec![doc.value_error(root.start, &detail)]);
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Outline<'a> {
        #[serde(borrow)]
        #[allow(dead_code, reason = "read only to check the outline")]
        channels: Vec<&'a RawValue>,
    }
    if let Err(e) = serde_json::from_str::<Outline<'_>>(text) {
        return Err(vec![doc.serde_error(&e, text, 0)]);
    }

    let mut errors = Vec::new();
    let mut channels = Vec::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    let nodes = root.member("channels").map_or(&[][..], |m| m.value.items());
    for (index, node) in nodes.iter().enumerate() {
        let before = errors.len();
        let Some(entry) = check_entry(&doc, index, node, types, &mut errors) else {
            continue;
        };
        let name_at = value_start(node, &["name"]);
        if let Some(first) = names.get(&entry.name) {
            let message = format!(
                "duplicate channel name \"{}\" (first used at {}); give each channel a unique name",
                entry.name,
                doc.place(*first)
            );
            errors.push(doc.error_at(ConfigErrorKind::DuplicateName, name_at, message));
        } else {
            names.insert(entry.name.clone(), name_at);
        }
        if errors.len() == before {
            channels.push(entry);
        }
    }
    if errors.is_empty() {
        Ok(ChannelsFile { channels })
    } else {
        errors.sort_by_key(|e| (e.line, e.column));
        Err(errors)
    }
}

/// Reads one entry, checks its type, its `config` and its values; pushes
/// what is wrong onto `errors`.
fn check_entry(
    doc: &Doc<'_>,
    index: usize,
    node: &Node,
    types: &dyn ChannelTypes,
    errors: &mut Vec<ConfigError>,
) -> Option<ChannelEntry> {
    let before = errors.len();
    // serde would read an array as a struct, field by field; the format
    // has objects only.
    for object in [
        Some(node),
        find(node, &["config"]),
        find(node, &["grouping"]),
    ]
    .into_iter()
    .flatten()
    {
        if !matches!(object.kind, Kind::Object(_)) {
            let found = describe_node(object, doc.text);
            errors
                .push(doc.value_error(object.start, &format!("expected an object, found {found}")));
        }
    }
    if errors.len() > before {
        return None;
    }
    // Each secret is checked on its own so that a plain-text one is
    // reported at the secret itself, not at the end of `config`.
    let kind = find(node, &["type"]).and_then(|t| t.string(doc.text));
    for field in kind.map(|k| types.secret_fields(&k)).unwrap_or_default() {
        let mut keys = vec!["config"];
        keys.extend(field.split('.'));
        if let Some(value) = find(node, &keys) {
            let slice = &doc.text[value.start..value.end];
            if let Err(e) = serde_json::from_str::<SecretRef>(slice) {
                errors.push(doc.value_error(value.start, &serde_message(&e)));
            }
        }
    }
    if errors.len() > before {
        return None;
    }
    let slice = &doc.text[node.start..node.end];
    let entry: ChannelEntry = match serde_json::from_str(slice) {
        Ok(entry) => entry,
        Err(e) => {
            errors.push(doc.serde_error(&e, slice, node.start));
            return None;
        }
    };
    let channel = format!("channel \"{}\"", entry.name);
    if entry.name.trim().is_empty() {
        errors.push(doc.error_at(
            ConfigErrorKind::InvalidValue,
            value_start(node, &["name"]),
            format!(
                "bad value for \"name\" in channel entry {}: the name is empty; give the channel a unique name",
                index + 1
            ),
        ));
    }
    let config = node
        .member("config")
        .map(|c| (&doc.text[c.value.start..c.value.end], c.value.start));
    match types.check_config(&entry.kind, config.map_or("{}", |(text, _)| text)) {
        None => {
            let known = types.known_types();
            let guess = closest(&entry.kind, known.iter().copied())
                .map(|k| format!("did you mean \"{k}\"? "))
                .unwrap_or_default();
            let known = if known.is_empty() {
                "none are registered".to_owned()
            } else {
                known.join(", ")
            };
            errors.push(doc.error_at(
                ConfigErrorKind::UnknownType,
                value_start(node, &["type"]),
                format!(
                    "unknown channel type \"{}\" in {channel}; {guess}known types: {known}",
                    entry.kind
                ),
            ));
        }
        Some(Ok(())) => {}
        Some(Err(e)) => match config {
            Some((text, start)) => errors.push(doc.serde_error(&e, text, start)),
            None => errors.push(doc.error_at(
                ConfigErrorKind::MissingField,
                node.start,
                format!(
                    "{channel} has no \"config\" and type \"{}\" needs one ({e}); add \"config\": {{ ... }} as config/README.md shows",
                    entry.kind
                ),
            )),
        },
    }
    if entry.grouping.repeat_interval_minutes == 0 {
        errors.push(doc.error_at(
            ConfigErrorKind::InvalidValue,
            value_start(node, &["grouping", "repeat_interval_minutes"]),
            format!(
                "bad value for \"grouping.repeat_interval_minutes\" in {channel}: 0 would repeat every alert at every check; write 1 or more"
            ),
        ));
    }
    Some(entry)
}

/// Writes `file` to `path` as pretty JSON, atomically (a temporary file
/// renamed over `path`). Only references to secrets are written.
pub fn save_channels(path: &Path, file: &ChannelsFile) -> Result<(), ConfigError> {
    let mut json = serde_json::to_string_pretty(file).map_err(|e| {
        ConfigError::at_file(
            ConfigErrorKind::InvalidValue,
            path,
            format!("cannot write the channels as JSON: {e}"),
        )
    })?;
    json.push('\n');
    write_atomically(path, json.as_bytes(), ".channels.")
}
