//! `trackers.json`: the product spec's `{"trackers": [...]}`, read strictly
//! (every problem placed at its file, line and column, with the fix) and
//! written atomically. Secrets stay references here; adapters resolve them.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::TrackerEntry;
use crate::atomic::write_atomically;
use crate::diagnose::Doc;
use crate::error::{ConfigError, ConfigErrorKind};
use crate::reading::{self, find, value_start};
use crate::spans::Node;

/// The name of the built-in tracker that exists when no file says otherwise.
pub const LOCAL_TRACKER_NAME: &str = "Local";
/// The `type` of the built-in tracker.
pub const LOCAL_TRACKER_TYPE: &str = "local";

/// The tracker types a trackers.json may name, and each type's own check
/// of its `config` object. This crate sits below the trackers, so it asks
/// through this trait; sr-tracker's `Registry` implements it.
pub trait TrackerTypes {
    /// The types known (`type` in trackers.json).
    fn known_types(&self) -> Vec<&'static str>;

    /// Checks `config_json`, the `config` object of an entry of type
    /// `kind`, strictly (serde's line and column are placed in the file);
    /// `None` when `kind` is not known.
    fn check_config(&self, kind: &str, config_json: &str) -> Option<Result<(), serde_json::Error>>;

    /// The dotted paths in `config` of the type's secret fields
    /// (`auth.token`), which must be references, never values.
    fn secret_fields(&self, kind: &str) -> Vec<&'static str>;
}

/// The contents of `trackers.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackersFile {
    pub trackers: Vec<TrackerEntry>,
}

impl TrackersFile {
    /// What a user without a `trackers.json` has: the built-in Local tracker.
    pub fn builtin() -> Self {
        TrackersFile {
            trackers: vec![local_entry()],
        }
    }

    pub fn find(&self, name: &str) -> Option<&TrackerEntry> {
        self.trackers.iter().find(|t| t.name == name)
    }
}

/// `{"name": "Local", "type": "local", "enabled": true, "config": {}}`.
pub fn local_entry() -> TrackerEntry {
    TrackerEntry {
        name: LOCAL_TRACKER_NAME.to_owned(),
        kind: LOCAL_TRACKER_TYPE.to_owned(),
        enabled: true,
        config: serde_json::Value::Object(serde_json::Map::new()),
        sync: Default::default(),
    }
}

/// Reads `path`. A missing file means [`TrackersFile::builtin`]; a file
/// without a tracker of type `local` gets the built-in Local tracker added.
/// The first problem found is returned; [`parse_trackers`] returns all.
pub fn load_trackers(path: &Path, types: &dyn TrackerTypes) -> Result<TrackersFile, ConfigError> {
    let Some(text) = reading::read_text(path, "the trackers file")? else {
        return Ok(TrackersFile::builtin());
    };
    parse_trackers(path, &text, types).map_err(|errors| reading::first(path, errors))
}

/// Checks `text`, the contents of `path`, and returns every problem found,
/// in file order (never an empty list).
pub fn parse_trackers(
    path: &Path,
    text: &str,
    types: &dyn TrackerTypes,
) -> Result<TrackersFile, Vec<ConfigError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = reading::parse_root(
        path,
        text,
        "trackers",
        r#"write {"trackers": []} (the built-in Local tracker is added), or delete the file"#,
    )?;
    let doc = Doc {
        file: path,
        text,
        root: &root,
    };
    let mut listed = reading::read_list(
        &doc,
        &["trackers"],
        "tracker",
        |t: &TrackerEntry| &t.name,
        |index, node, errors| check_entry(&doc, index, node, types, errors),
    )?;
    if listed.errors.is_empty() && !listed.entries.iter().any(|t| t.kind == LOCAL_TRACKER_TYPE) {
        match listed.names.get(LOCAL_TRACKER_NAME) {
            Some(at) => listed.errors.push(doc.error_at(
                ConfigErrorKind::DuplicateName,
                *at,
                format!(
                    "the name \"{LOCAL_TRACKER_NAME}\" belongs to the built-in local tracker; rename this tracker"
                ),
            )),
            None => listed.entries.push(local_entry()),
        }
    }
    listed.finish(|trackers| TrackersFile { trackers })
}

/// Reads one entry, checks its type, its provider `config` and its values;
/// pushes what is wrong onto `errors`.
fn check_entry(
    doc: &Doc<'_>,
    index: usize,
    node: &Node,
    types: &dyn TrackerTypes,
    errors: &mut Vec<ConfigError>,
) -> Option<TrackerEntry> {
    let objects = [Some(node), find(node, &["sync"]), find(node, &["config"])];
    if !reading::objects_only(doc, objects.into_iter().flatten(), errors) {
        return None;
    }
    // The sync block's webhook secret, and the `config` fields its
    // provider marks secret.
    let before = errors.len();
    let kind = find(node, &["type"]).and_then(|t| t.string(doc.text));
    let mut secrets = vec![vec!["sync", "webhook_secret"]];
    secrets.extend(reading::config_paths(
        kind.map(|k| types.secret_fields(&k)).unwrap_or_default(),
    ));
    reading::check_secret_refs(doc, node, &secrets, errors);
    if errors.len() > before {
        return None;
    }
    let slice = &doc.text[node.start..node.end];
    let entry: TrackerEntry = match serde_json::from_str(slice) {
        Ok(entry) => entry,
        Err(e) => {
            errors.push(doc.serde_error(&e, slice, node.start));
            return None;
        }
    };
    let typed = reading::TypedEntry {
        noun: "tracker",
        index,
        name: &entry.name,
        kind: &entry.kind,
        known: types.known_types(),
        example: "config/trackers.example.json",
    };
    typed.check(doc, node, |c| types.check_config(&entry.kind, c), errors);
    if entry.sync.poll_interval_minutes == 0 {
        errors.push(doc.error_at(
            ConfigErrorKind::InvalidValue,
            value_start(node, &["sync", "poll_interval_minutes"]),
            format!(
                "bad value for \"sync.poll_interval_minutes\" in tracker \"{}\": 0; write 1 or more, or \"mode\": \"manual\" to stop polling",
                entry.name
            ),
        ));
    }
    Some(entry)
}

/// Writes `file` to `path` as pretty JSON, atomically: a temporary file in
/// the same directory is written, flushed to disk, then renamed over `path`.
/// Only references to secrets are written, never their values.
pub fn save_trackers(path: &Path, file: &TrackersFile) -> Result<(), ConfigError> {
    let mut json = serde_json::to_string_pretty(file).map_err(|e| {
        ConfigError::at_file(
            ConfigErrorKind::InvalidValue,
            path,
            format!("cannot write the trackers as JSON: {e}"),
        )
    })?;
    json.push('\n');
    write_atomically(path, json.as_bytes(), ".trackers.")
}
