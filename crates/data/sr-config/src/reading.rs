//! What loading connections.json and trackers.json share: reading the
//! file as UTF-8 text (a missing file is no error), and the checks that
//! come before either file's own: not empty, JSON syntax, a readable
//! structure, no key written twice, an object at the root.

use std::path::Path;

use crate::diagnose::{Doc, describe_node, syntax_error};
use crate::error::{ConfigError, ConfigErrorKind};
use crate::spans::{self, Kind, Node};

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
