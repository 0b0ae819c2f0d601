//! `trackers.json`: the product spec's `{"trackers": [...]}`, read strictly
//! (every problem placed at its file, line and column, with the fix) and
//! written atomically. Secrets stay references here; adapters resolve them.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sr_secrets::SecretRef;

use crate::TrackerEntry;
use crate::atomic::write_atomically;
use crate::diagnose::{Doc, describe_node, serde_message};
use crate::error::{ConfigError, ConfigErrorKind};
use crate::reading;
use crate::spans::{Kind, Node};
use crate::suggest::closest;

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
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Outline<'a> {
        #[serde(borrow)]
        #[allow(dead_code, reason = "read only to check the outline")]
        trackers: Vec<&'a RawValue>,
    }
    if let Err(e) = serde_json::from_str::<Outline<'_>>(text) {
        return Err(vec![doc.serde_error(&e, text, 0)]);
    }

    let mut errors = Vec::new();
    let mut trackers = Vec::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    let nodes = root.member("trackers").map_or(&[][..], |m| m.value.items());
    for (index, node) in nodes.iter().enumerate() {
        let before = errors.len();
        let Some(entry) = check_entry(&doc, index, node, types, &mut errors) else {
            continue;
        };
        let name_at = value_start(node, &["name"]);
        if let Some(first) = names.get(&entry.name) {
            let message = format!(
                "duplicate tracker name \"{}\" (first used at {}); give each tracker a unique name",
                entry.name,
                doc.place(*first)
            );
            errors.push(doc.error_at(ConfigErrorKind::DuplicateName, name_at, message));
        } else {
            names.insert(entry.name.clone(), name_at);
        }
        if errors.len() == before {
            trackers.push(entry);
        }
    }

    if errors.is_empty() && !trackers.iter().any(|t| t.kind == LOCAL_TRACKER_TYPE) {
        match names.get(LOCAL_TRACKER_NAME) {
            Some(at) => errors.push(doc.error_at(
                ConfigErrorKind::DuplicateName,
                *at,
                format!(
                    "the name \"{LOCAL_TRACKER_NAME}\" belongs to the built-in local tracker; rename this tracker"
                ),
            )),
            None => trackers.push(local_entry()),
        }
    }
    if errors.is_empty() {
        Ok(TrackersFile { trackers })
    } else {
        errors.sort_by_key(|e| (e.line, e.column));
        Err(errors)
    }
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
    // serde would read an array as a struct, field by field; the format
    // has objects only.
    let before = errors.len();
    for object in [Some(node), find(node, &["sync"]), find(node, &["config"])]
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
    check_secrets(doc, node, types, errors);
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
    let tracker = format!("tracker \"{}\"", entry.name);
    if entry.name.trim().is_empty() {
        errors.push(doc.error_at(
            ConfigErrorKind::InvalidValue,
            value_start(node, &["name"]),
            format!(
                "bad value for \"name\" in tracker entry {}: the name is empty; give the tracker a unique name",
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
                    "unknown tracker type \"{}\" in {tracker}; {guess}known types: {known}",
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
                    "{tracker} has no \"config\" and type \"{}\" needs one ({e}); add \"config\": {{ ... }} as config/trackers.example.json shows",
                    entry.kind
                ),
            )),
        },
    }
    if entry.sync.poll_interval_minutes == 0 {
        errors.push(doc.error_at(
            ConfigErrorKind::InvalidValue,
            value_start(node, &["sync", "poll_interval_minutes"]),
            format!(
                "bad value for \"sync.poll_interval_minutes\" in {tracker}: 0; write 1 or more, or \"mode\": \"manual\" to stop polling"
            ),
        ));
    }
    Some(entry)
}

/// Checks every secret of the entry (the sync block's webhook secret, and
/// the `config` fields its provider marks secret) on its own, so that a
/// plain-text secret is reported at the secret itself: serde_json places
/// the error of a nested value at the end of the enclosing object.
fn check_secrets(
    doc: &Doc<'_>,
    node: &Node,
    types: &dyn TrackerTypes,
    errors: &mut Vec<ConfigError>,
) {
    let mut paths = vec![vec!["sync".to_owned(), "webhook_secret".to_owned()]];
    let kind = find(node, &["type"]).and_then(|t| t.string(doc.text));
    for field in kind.map(|k| types.secret_fields(&k)).unwrap_or_default() {
        let mut path = vec!["config".to_owned()];
        path.extend(field.split('.').map(str::to_owned));
        paths.push(path);
    }
    for path in paths {
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        if let Some(value) = find(node, &keys) {
            let slice = &doc.text[value.start..value.end];
            if let Err(e) = serde_json::from_str::<SecretRef>(slice) {
                errors.push(doc.value_error(value.start, &serde_message(&e)));
            }
        }
    }
}

/// The value at `keys` under `node`.
pub(crate) fn find<'n>(node: &'n Node, keys: &[&str]) -> Option<&'n Node> {
    keys.iter()
        .try_fold(node, |at, key| at.member(key).map(|m| &m.value))
}

/// Where the value at `keys` under `node` starts; the node's start if absent.
pub(crate) fn value_start(node: &Node, keys: &[&str]) -> usize {
    find(node, keys).map_or(node.start, |n| n.start)
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
