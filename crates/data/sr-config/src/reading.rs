//! What loading connections.json, trackers.json and channels.json share:
//! reading the file as UTF-8 text (a missing file is no error), the checks
//! that come before each file's own (not empty, JSON syntax, a readable
//! structure, no key written twice, an object at the root holding only its
//! list), the list's entries with their names, and the checks of a typed
//! entry (objects only, secrets as references, a known type whose `config`
//! it accepts).

use std::collections::HashMap;
use std::path::Path;

use sr_secrets::SecretRef;

use crate::diagnose::{Doc, describe_node, serde_message, syntax_error};
use crate::error::{ConfigError, ConfigErrorKind};
use crate::spans::{self, Kind, Node};
use crate::suggest::closest;

/// The text of `path`, `None` when there is no such file; `what` names it
/// in the error ("the trackers file").
pub(crate) fn read_text(path: &Path, what: &str) -> Result<Option<String>, ConfigError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ConfigError::io(
                path,
                &format!("read {what}"),
                &e,
                "check that it is a readable file",
            ));
        }
    };
    String::from_utf8(bytes).map(Some).map_err(|e| {
        ConfigError::at_file(
            ConfigErrorKind::Syntax,
            path,
            format!(
                "the file is not UTF-8 text (bad byte at offset {}); save it as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// The first of the problems a parser found, for loaders that report one.
pub(crate) fn first(path: &Path, errors: Vec<ConfigError>) -> ConfigError {
    errors.into_iter().next().unwrap_or_else(|| {
        ConfigError::at_file(ConfigErrorKind::Syntax, path, "the file could not be read")
    })
}

/// The span tree of `text`, the contents of `path`, once the checks
/// every file starts with hold. `list` is the file's one key
/// (`"trackers"`); `if_empty` says what to write in an empty file.
pub(crate) fn parse_root(
    path: &Path,
    text: &str,
    list: &str,
    if_empty: &str,
) -> Result<Node, Vec<ConfigError>> {
    if text.trim().is_empty() {
        return Err(vec![ConfigError::at_offset(
            ConfigErrorKind::Syntax,
            path,
            text,
            0,
            format!("the file is empty; {if_empty}"),
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
        let detail = format!(r#"expected an object, found {found}; write {{"{list}": [ ... ]}}"#);
        return Err(vec![doc.value_error(root.start, &detail)]);
    }
    Ok(root)
}

/// Reads the one list of a file whose root holds only it
/// (`{"trackers": [...]}`, `key` = `["trackers"]`, as serde names the
/// field it expects): the outline strictly, then each entry with `entry`
/// (its index and node); a name used twice is an error at the second
/// (`noun`: "tracker"). An outline that does not hold is the one error.
pub(crate) fn read_list<E>(
    doc: &Doc<'_>,
    key: &'static [&'static str],
    noun: &str,
    name_of: fn(&E) -> &str,
    mut entry: impl FnMut(usize, &Node, &mut Vec<ConfigError>) -> Option<E>,
) -> Result<Listed<E>, Vec<ConfigError>> {
    let list = key.first().copied().unwrap_or_default();
    let mut de = serde_json::Deserializer::from_str(doc.text);
    if let Err(e) = serde::de::DeserializeSeed::deserialize(Outline(key), &mut de) {
        return Err(vec![doc.serde_error(&e, doc.text, 0)]);
    }
    let mut listed = Listed {
        entries: Vec::new(),
        names: HashMap::new(),
        errors: Vec::new(),
    };
    let nodes = doc.root.member(list).map_or(&[][..], |m| m.value.items());
    for (index, node) in nodes.iter().enumerate() {
        let before = listed.errors.len();
        let Some(e) = entry(index, node, &mut listed.errors) else {
            continue;
        };
        let name = name_of(&e);
        let name_at = value_start(node, &["name"]);
        if let Some(first) = listed.names.get(name) {
            let message = format!(
                "duplicate {noun} name \"{name}\" (first used at {}); give each {noun} a unique name",
                doc.place(*first)
            );
            let error = doc.error_at(ConfigErrorKind::DuplicateName, name_at, message);
            listed.errors.push(error);
        } else {
            listed.names.insert(name.to_owned(), name_at);
        }
        if listed.errors.len() == before {
            listed.entries.push(e);
        }
    }
    Ok(listed)
}

/// What [`read_list`] found.
pub(crate) struct Listed<E> {
    /// The entries without problems, in file order.
    pub entries: Vec<E>,
    /// Where each name was first used.
    pub names: HashMap<String, usize>,
    pub errors: Vec<ConfigError>,
}

impl<E> Listed<E> {
    /// The file made of the entries when nothing was wrong; otherwise every
    /// problem, in file order.
    pub(crate) fn finish<T>(self, file: impl FnOnce(Vec<E>) -> T) -> Result<T, Vec<ConfigError>> {
        let mut errors = self.errors;
        if errors.is_empty() {
            Ok(file(self.entries))
        } else {
            errors.sort_by_key(|e| (e.line, e.column));
            Err(errors)
        }
    }
}

/// The root of a one-list file read as serde reads a struct that has only
/// the list and denies other fields (the same messages, placed the same
/// way), whatever the list's key: serde's derive needs the key at compile
/// time, and the three files each have their own.
struct Outline(&'static [&'static str]);

impl<'de> serde::de::DeserializeSeed<'de> for Outline {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Outline {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("struct Outline")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let list = self.0.first().copied().unwrap_or_default();
        let mut seen = false;
        while let Some(key) = map.next_key::<String>()? {
            if key != list {
                return Err(serde::de::Error::unknown_field(&key, self.0));
            }
            map.next_value::<Vec<serde::de::IgnoredAny>>()?;
            seen = true;
        }
        if seen {
            Ok(())
        } else {
            Err(serde::de::Error::missing_field(list))
        }
    }
}

/// Reports each node that is not an object (serde would read an array as
/// a struct, field by field; the files have objects only); whether all
/// were objects.
pub(crate) fn objects_only<'n>(
    doc: &Doc<'_>,
    nodes: impl IntoIterator<Item = &'n Node>,
    errors: &mut Vec<ConfigError>,
) -> bool {
    let before = errors.len();
    for object in nodes {
        if !matches!(object.kind, Kind::Object(_)) {
            let found = describe_node(object, doc.text);
            errors
                .push(doc.value_error(object.start, &format!("expected an object, found {found}")));
        }
    }
    errors.len() == before
}

/// Checks each secret at `paths` under `node` on its own, so that a
/// plain-text secret is reported at the secret itself: serde_json places
/// the error of a nested value at the end of the enclosing object.
pub(crate) fn check_secret_refs(
    doc: &Doc<'_>,
    node: &Node,
    paths: &[Vec<&str>],
    errors: &mut Vec<ConfigError>,
) {
    for keys in paths {
        if let Some(value) = find(node, keys) {
            let slice = &doc.text[value.start..value.end];
            if let Err(e) = serde_json::from_str::<SecretRef>(slice) {
                errors.push(doc.value_error(value.start, &serde_message(&e)));
            }
        }
    }
}

/// The `config` paths of a type's secret fields (dotted: `auth.token`),
/// for [`check_secret_refs`].
pub(crate) fn config_paths(fields: Vec<&'static str>) -> Vec<Vec<&'static str>> {
    fields
        .into_iter()
        .map(|f| std::iter::once("config").chain(f.split('.')).collect())
        .collect()
}

/// The checks of a typed entry (a tracker, a channel) that the files
/// share: a name that is not empty, a `type` that is known (with the
/// closest known one suggested), and a `config` its type accepts. `noun`
/// is "tracker", `example` where a `config` is shown.
pub(crate) struct TypedEntry<'a> {
    pub noun: &'a str,
    pub index: usize,
    pub name: &'a str,
    pub kind: &'a str,
    pub known: Vec<&'static str>,
    pub example: &'a str,
}

impl TypedEntry<'_> {
    /// `check` reads the entry's `config` text as its type does (`None`:
    /// the type is unknown).
    pub(crate) fn check(
        &self,
        doc: &Doc<'_>,
        node: &Node,
        check: impl FnOnce(&str) -> Option<Result<(), serde_json::Error>>,
        errors: &mut Vec<ConfigError>,
    ) {
        let TypedEntry { noun, kind, .. } = *self;
        let this = format!("{noun} \"{}\"", self.name);
        if self.name.trim().is_empty() {
            errors.push(doc.error_at(
                ConfigErrorKind::InvalidValue,
                value_start(node, &["name"]),
                format!(
                    "bad value for \"name\" in {noun} entry {}: the name is empty; give the {noun} a unique name",
                    self.index + 1
                ),
            ));
        }
        let config = node
            .member("config")
            .map(|c| (&doc.text[c.value.start..c.value.end], c.value.start));
        match check(config.map_or("{}", |(text, _)| text)) {
            None => {
                let guess = closest(kind, self.known.iter().copied())
                    .map(|k| format!("did you mean \"{k}\"? "))
                    .unwrap_or_default();
                let known = if self.known.is_empty() {
                    "none are registered".to_owned()
                } else {
                    self.known.join(", ")
                };
                errors.push(doc.error_at(
                    ConfigErrorKind::UnknownType,
                    value_start(node, &["type"]),
                    format!("unknown {noun} type \"{kind}\" in {this}; {guess}known types: {known}"),
                ));
            }
            Some(Ok(())) => {}
            Some(Err(e)) => match config {
                Some((text, start)) => errors.push(doc.serde_error(&e, text, start)),
                None => errors.push(doc.error_at(
                    ConfigErrorKind::MissingField,
                    node.start,
                    format!(
                        "{this} has no \"config\" and type \"{kind}\" needs one ({e}); add \"config\": {{ ... }} as {} shows",
                        self.example
                    ),
                )),
            },
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
