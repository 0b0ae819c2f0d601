//! Which `${VAR}` references of `trackers.json` cannot be resolved now. The
//! loader leaves references alone (secrets are resolved when an adapter is
//! built); this check lets `tracker list` warn before that, naming each
//! variable and where it is used.

use std::cell::RefCell;
use std::path::Path;

use sr_secrets::expand_env;

use crate::diagnose::{Doc, dotted, syntax_error};
use crate::error::{ConfigError, ConfigErrorKind};
use crate::spans;

/// Reads `path` and lists every reference to an unset or empty environment
/// variable in an enabled tracker. A missing file has none.
pub fn check_env(path: &Path) -> Vec<ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => check_env_text(path, &text, |name| std::env::var(name).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => vec![ConfigError::io(
            path,
            "read the trackers file",
            &e,
            "check that it is a readable UTF-8 file",
        )],
    }
}

/// [`check_env`] on `text`, the contents of `path`, with variables looked up
/// through `lookup`.
pub fn check_env_text(
    path: &Path,
    text: &str,
    lookup: impl Fn(&str) -> Option<String>,
) -> Vec<ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        return vec![syntax_error(path, text, &e)];
    }
    let Some(root) = spans::parse(text) else {
        return Vec::new();
    };
    let doc = Doc {
        file: path,
        text,
        root: &root,
    };
    let entries = root.member("trackers").map_or(&[][..], |m| m.value.items());
    let mut errors = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let disabled = entry
            .member("enabled")
            .is_some_and(|m| &text[m.value.start..m.value.end] == "false");
        if disabled {
            continue;
        }
        let tracker = match doc.entry_name("trackers", index) {
            Some(name) => format!("tracker \"{name}\""),
            None => format!("tracker entry {}", index + 1),
        };
        for (rel, node) in entry.strings() {
            let Some(value) = node.string(text) else {
                continue;
            };
            for var in references(&value) {
                let state = match lookup(&var) {
                    None => "is not set",
                    Some(v) if v.is_empty() => "is set but empty",
                    Some(_) => continue,
                };
                let raw = &text[node.start..node.end];
                let at = node.start + raw.find(&format!("${{{var}}}")).unwrap_or(0);
                let message = format!(
                    "environment variable {var} {state} (used by \"{}\" in {tracker}); export {var}=... before starting, or store the secret in the keyring and write {{\"keyring\": \"NAME\"}}",
                    dotted(&rel)
                );
                errors.push(doc.error_at(ConfigErrorKind::Env { var }, at, message));
            }
        }
    }
    errors
}

/// The variables `value` references, exactly as expansion will see them
/// (`$${` is a literal and references nothing).
fn references(value: &str) -> Vec<String> {
    let seen = RefCell::new(Vec::new());
    expand_env(value, |name| {
        seen.borrow_mut().push(name.to_owned());
        Some(String::new())
    })
    .ok();
    seen.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_follow_expansion_rules() {
        let cases: &[(&str, &[&str])] = &[
            ("${A}", &["A"]),
            ("x ${A} ${B}", &["A", "B"]),
            ("$${A}", &[]),
            ("cost $5", &[]),
            ("plain", &[]),
        ];
        for (value, expected) in cases {
            assert_eq!(references(value), *expected, "{value}");
        }
    }
}
