//! `channels.json`: the notification channels (Slack, Teams, PagerDuty,
//! e-mail, outgoing webhooks), `{"channels": [...]}`, read as strictly as
//! trackers.json (every problem at its file, line and column, with the
//! fix) and written atomically. Each channel type checks its own `config`
//! through [`ChannelTypes`]; secrets stay references here.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::atomic::write_atomically;
use crate::channel_policy::{ClockTime, NoisePolicy, Schedule, TimeZone, WeeklyReport};
use crate::diagnose::{Doc, serde_message};
use crate::error::{ConfigError, ConfigErrorKind};
use crate::reading::{self, find, value_start};
use crate::spans::Node;

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
    /// Rate limit, quiet hours and daily cap; none by default.
    #[serde(default, skip_serializing_if = "NoisePolicy::is_default")]
    pub policy: NoisePolicy,
    /// A scheduled weekly summary to this channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly_report: Option<WeeklyReport>,
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
    let Some(text) = reading::read_text(path, "the channels file")? else {
        return Ok(ChannelsFile::default());
    };
    parse_channels(path, &text, types).map_err(|errors| reading::first(path, errors))
}

/// Checks `text`, the contents of `path`, and returns every problem found,
/// in file order (never an empty list).
pub fn parse_channels(
    path: &Path,
    text: &str,
    types: &dyn ChannelTypes,
) -> Result<ChannelsFile, Vec<ConfigError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = reading::parse_root(
        path,
        text,
        "channels",
        r#"write {"channels": []}, or delete the file"#,
    )?;
    let doc = Doc {
        file: path,
        text,
        root: &root,
    };
    reading::read_list(
        &doc,
        &["channels"],
        "channel",
        |c: &ChannelEntry| &c.name,
        |index, node, errors| check_entry(&doc, index, node, types, errors),
    )?
    .finish(|channels| ChannelsFile { channels })
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
    let objects = [
        Some(node),
        find(node, &["config"]),
        find(node, &["grouping"]),
        find(node, &["policy"]),
        find(node, &["policy", "rate_limit"]),
        find(node, &["policy", "quiet_hours"]),
        find(node, &["weekly_report"]),
    ];
    if !reading::objects_only(doc, objects.into_iter().flatten(), errors) {
        return None;
    }
    let before = errors.len();
    let kind = find(node, &["type"]).and_then(|t| t.string(doc.text));
    let secrets = reading::config_paths(kind.map(|k| types.secret_fields(&k)).unwrap_or_default());
    reading::check_secret_refs(doc, node, &secrets, errors);
    // The policy's typed values likewise, so that a wrong zone, time or
    // schedule is reported at the value, not at the object around it.
    check_value::<TimeZone>(doc, node, &["policy", "time_zone"], errors);
    check_value::<ClockTime>(doc, node, &["policy", "quiet_hours", "start"], errors);
    check_value::<ClockTime>(doc, node, &["policy", "quiet_hours", "end"], errors);
    check_value::<Schedule>(doc, node, &["weekly_report", "schedule"], errors);
    check_value::<TimeZone>(doc, node, &["weekly_report", "time_zone"], errors);
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
    let typed = reading::TypedEntry {
        noun: "channel",
        index,
        name: &entry.name,
        kind: &entry.kind,
        known: types.known_types(),
        example: "config/README.md",
    };
    typed.check(doc, node, |c| types.check_config(&entry.kind, c), errors);
    if entry.grouping.repeat_interval_minutes == 0 {
        errors.push(doc.error_at(
            ConfigErrorKind::InvalidValue,
            value_start(node, &["grouping", "repeat_interval_minutes"]),
            format!(
                "bad value for \"grouping.repeat_interval_minutes\" in channel \"{}\": 0 would repeat every alert at every check; write 1 or more",
                entry.name
            ),
        ));
    }
    check_policy(doc, node, &entry, errors);
    Some(entry)
}

/// Reads the value at `path` in `node`, if there, as a `T`; its error is
/// placed at the value.
fn check_value<T: serde::de::DeserializeOwned>(
    doc: &Doc<'_>,
    node: &Node,
    path: &[&str],
    errors: &mut Vec<ConfigError>,
) {
    if let Some(value) = find(node, path)
        && let Err(e) = serde_json::from_str::<T>(&doc.text[value.start..value.end])
    {
        errors.push(doc.value_error(value.start, &serde_message(&e)));
    }
}

/// The policy's values that parse but make no sense.
fn check_policy(doc: &Doc<'_>, node: &Node, entry: &ChannelEntry, errors: &mut Vec<ConfigError>) {
    let channel = format!("channel \"{}\"", entry.name);
    let mut bad = |path: &[&str], message: String| {
        errors.push(doc.error_at(
            ConfigErrorKind::InvalidValue,
            value_start(node, path),
            format!(
                "bad value for \"{}\" in {channel}: {message}",
                path.join(".")
            ),
        ));
    };
    let policy = &entry.policy;
    if let Some(rate) = policy.rate_limit {
        if rate.max == 0 {
            bad(
                &["policy", "rate_limit", "max"],
                "0 would hold back every message; write 1 or more, or disable the channel".into(),
            );
        }
        if rate.per_minutes == 0 {
            bad(
                &["policy", "rate_limit", "per_minutes"],
                "the window must be at least 1 minute".into(),
            );
        }
    }
    if policy.daily_cap == Some(0) {
        bad(
            &["policy", "daily_cap"],
            "0 would hold back every message; write 1 or more, or disable the channel".into(),
        );
    }
    if let Some(quiet) = policy.quiet_hours
        && quiet.start == quiet.end
    {
        bad(
            &["policy", "quiet_hours", "end"],
            "the quiet hours start and end at the same time; give a window such as \"22:00\" to \"07:00\", or remove quiet_hours".into(),
        );
    }
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
