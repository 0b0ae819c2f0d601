//! Turns serde_json's errors into messages a person can act on: placed at
//! the start of the offending key or value in the file, naming the field and
//! the tracker or channel, and saying what to write instead (a did-you-mean for typos).

use std::path::Path;

use crate::error::{ConfigError, ConfigErrorKind, line_column, serde_offset};
use crate::spans::{Kind, Node, Seg};
use crate::suggest::suggestion;

/// A configuration file being checked: its name, text and span tree.
pub(crate) struct Doc<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub root: &'a Node,
}

impl Doc<'_> {
    pub fn error_at(&self, kind: ConfigErrorKind, offset: usize, message: String) -> ConfigError {
        ConfigError::at_offset(kind, self.file, self.text, offset, message)
    }

    /// `line:column` of `offset`, for messages that point at a second place.
    pub fn place(&self, offset: usize) -> String {
        let (line, column) = line_column(self.text, offset);
        format!("{line}:{column}")
    }

    /// "bad value for WHAT: DETAIL", placed at the value that starts at
    /// byte `start`.
    pub fn value_error(&self, start: usize, detail: &str) -> ConfigError {
        let (path, at) = self.root.locate(start);
        let message = format!("bad value for {}: {detail}", self.what(&path));
        self.error_at(ConfigErrorKind::InvalidValue, at, message)
    }

    /// An error serde_json raised while reading `slice`, which starts at byte
    /// `base` of the file.
    pub fn serde_error(&self, err: &serde_json::Error, slice: &str, base: usize) -> ConfigError {
        let offset = if err.line() == 0 {
            base
        } else {
            base + serde_offset(slice, err.line(), err.column())
        };
        let (path, start) = self.root.locate(offset);
        let (kind, message) = self.describe(&serde_message(err), &path);
        self.error_at(kind, start, message)
    }

    fn describe(&self, msg: &str, path: &[Seg]) -> (ConfigErrorKind, String) {
        if let Some(rest) = msg.strip_prefix("unknown field `") {
            let (name, expected) = split_quoted(rest);
            let container = &path[..path.len().saturating_sub(1)];
            let fix = suggestion(&name, &expected, "remove it");
            let where_ = self.in_phrase(container);
            return (
                ConfigErrorKind::UnknownField,
                format!("unknown field \"{name}\" {where_}; {fix}"),
            );
        }
        if let Some(rest) = msg.strip_prefix("unknown variant `") {
            let (value, expected) = split_quoted(rest);
            let fix = suggestion(&value, &expected, "");
            let what = self.what(path);
            return (
                ConfigErrorKind::InvalidValue,
                format!("unknown value \"{value}\" for {what}; {fix}"),
            );
        }
        if let Some(rest) = msg.strip_prefix("missing field `") {
            let name = rest.trim_end_matches('`');
            let where_ = self.in_phrase(path);
            return (
                ConfigErrorKind::MissingField,
                format!(
                    "missing field \"{name}\" {where_}; add \"{name}\": {}",
                    missing_hint(name, split_entry(path).map(|(list, ..)| list))
                ),
            );
        }
        if let Some(rest) = msg.strip_prefix("duplicate field `") {
            let name = rest.trim_end_matches('`');
            let where_ = self.in_phrase(&path[..path.len().saturating_sub(1)]);
            return (
                ConfigErrorKind::DuplicateKey,
                format!("field \"{name}\" is written twice {where_}; keep one"),
            );
        }
        let what = self.what(path);
        let detail = ["invalid type: ", "invalid value: "]
            .iter()
            .find_map(|p| msg.strip_prefix(p))
            .and_then(|rest| rest.split_once(", expected "))
            .map(|(found, expected)| {
                let secretish = path.last().is_some_and(looks_secret);
                let expected = readable_expected(expected);
                let hint = match expected.as_str() {
                    "a boolean" => "; write true or false",
                    "a whole number" => "; write a whole number such as 5",
                    "an object" if path.is_empty() => r#"; write {"trackers": [ ... ]}"#,
                    _ => "",
                };
                format!(
                    "expected {expected}, found {}{hint}",
                    readable_found(found, secretish)
                )
            })
            .unwrap_or_else(|| msg.to_owned());
        (
            ConfigErrorKind::InvalidValue,
            format!("bad value for {what}: {detail}"),
        )
    }

    /// The name of the entry at `LIST[index]` (`trackers`, `channels`),
    /// when it has one.
    pub fn entry_name(&self, list: &str, index: usize) -> Option<String> {
        let entry = self.root.member(list)?.value.items().get(index)?;
        entry.member("name")?.value.string(self.text)
    }

    fn entry_phrase(&self, list: &str, noun: &str, index: usize) -> String {
        match self.entry_name(list, index) {
            Some(name) => format!("{noun} \"{name}\""),
            None => format!("{noun} entry"),
        }
    }

    /// "in tracker "X"", "in "sync" of channel "X"", "at the top level".
    pub fn in_phrase(&self, container: &[Seg]) -> String {
        match split_entry(container) {
            Some((list, noun, index, [])) => {
                format!("in {}", self.entry_phrase(list, noun, index))
            }
            Some((list, noun, index, rest)) => format!(
                "in \"{}\" of {}",
                dotted(rest),
                self.entry_phrase(list, noun, index)
            ),
            None if container.is_empty() => "at the top level".to_owned(),
            None => format!("in \"{}\"", dotted(container)),
        }
    }

    /// ""enabled" in tracker "X"", "channel entry 2", ""trackers"".
    pub fn what(&self, path: &[Seg]) -> String {
        match split_entry(path) {
            Some((_, noun, index, [])) => format!("{noun} entry {}", index + 1),
            Some((list, noun, index, rest)) => format!(
                "\"{}\" in {}",
                dotted(rest),
                self.entry_phrase(list, noun, index)
            ),
            None if path.is_empty() => "the file".to_owned(),
            None => format!("\"{}\"", dotted(path)),
        }
    }
}

/// A syntax error: serde_json points at the last byte it read, which is the
/// offending one, or at the end of the text.
pub(crate) fn syntax_error(file: &Path, text: &str, err: &serde_json::Error) -> ConfigError {
    let mut msg = serde_message(err);
    let mut offset = if err.is_eof() {
        text.trim_end().len()
    } else {
        let past = serde_offset(text, err.line(), err.column());
        if err.column() == 0 {
            past
        } else {
            past.saturating_sub(1)
        }
    };
    let before = text[..offset.min(text.len())].trim_end();
    let closing = text[offset.min(text.len())..].chars().next();
    if before.ends_with(',') && matches!(closing, Some('}' | ']')) {
        offset = before.len() - 1;
        msg = "trailing comma".to_owned();
    }
    let hint = [
        ("trailing comma", "remove the comma after the last item"),
        ("key must be a string", "write keys in double quotes"),
        (
            "expected `,` or `}`",
            "a comma between fields or a closing `}` is missing",
        ),
        (
            "expected `,` or `]`",
            "a comma between items or a closing `]` is missing",
        ),
        ("expected `:`", "write a colon between a key and its value"),
        (
            "EOF while parsing",
            "the file ends before every `{` and `[` is closed",
        ),
        (
            "control character",
            "escape it (\\n, \\t) inside the string",
        ),
        (
            "expected value",
            "write a value: \"text\", a number, true, false, null, {...} or [...]",
        ),
        ("trailing characters", "remove what follows the closing `}`"),
    ]
    .iter()
    .find(|(pattern, _)| msg.contains(pattern))
    .map(|(_, hint)| format!("; {hint}"))
    .unwrap_or_default();
    ConfigError::at_offset(
        ConfigErrorKind::Syntax,
        file,
        text,
        offset,
        format!("invalid JSON: {msg}{hint}"),
    )
}

/// What a node is, in JSON's words: "an array", "the number 1", "null".
pub(crate) fn describe_node(node: &Node, text: &str) -> String {
    match &node.kind {
        Kind::Object(_) => "an object".to_owned(),
        Kind::Array(_) => "an array".to_owned(),
        Kind::Str => "a string".to_owned(),
        Kind::Other => match text.get(node.start..node.end) {
            Some(literal @ ("true" | "false" | "null")) => literal.to_owned(),
            Some(number) => format!("the number {number}"),
            None => "a value".to_owned(),
        },
    }
}

/// serde_json's message without its " at line L column C" suffix.
pub(crate) fn serde_message(err: &serde_json::Error) -> String {
    let full = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_owned()
}

/// Splits "`name`, expected one of `a`, `b`" into the name and the list.
fn split_quoted(rest: &str) -> (String, Vec<String>) {
    let (name, tail) = rest.split_once('`').unwrap_or((rest, ""));
    let expected = tail
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    (name.to_owned(), expected)
}

/// What to write for a missing `field` of the file, or of an entry of
/// `list` (`trackers`, `channels`).
fn missing_hint(field: &str, list: Option<&str>) -> &'static str {
    match field {
        "type" if list == Some("channels") => {
            "\"slack\", \"pagerduty\", \"webhook\" or another registered type"
        }
        "trackers" => "[ ... ] (a list of trackers; [] keeps only the built-in Local tracker)",
        "channels" => "[ ... ] (a list of notification channels; [] for none)",
        "name" => "\"a unique name\"",
        "type" => "\"local\", \"github\", \"gitlab\", \"jira\" or another registered type",
        _ => "its value (see config/README.md)",
    }
}

fn readable_expected(expected: &str) -> String {
    if expected.starts_with("struct ") || expected == "a map" {
        "an object".to_owned()
    } else if expected == "a sequence" {
        "an array".to_owned()
    } else if ["u8", "u16", "u32", "u64", "usize", "i32", "i64"].contains(&expected) {
        "a whole number".to_owned()
    } else {
        expected.to_owned()
    }
}

/// serde's description of what it found, in JSON's words; a string found
/// where a secret-looking field is is not repeated.
fn readable_found(found: &str, secretish: bool) -> String {
    if found.starts_with("string ") {
        return if secretish {
            "a string".to_owned()
        } else {
            format!("the {found}")
        };
    }
    for prefix in ["integer ", "floating point ", "boolean "] {
        if let Some(v) = found.strip_prefix(prefix) {
            let v = v.trim_matches('`');
            return if prefix == "boolean " {
                v.to_owned()
            } else {
                format!("the number {v}")
            };
        }
    }
    match found {
        "sequence" => "an array".to_owned(),
        "map" => "an object".to_owned(),
        "unit value" => "null".to_owned(),
        other => other.to_owned(),
    }
}

fn looks_secret(seg: &Seg) -> bool {
    let Seg::Key(key) = seg else { return false };
    let key = key.to_lowercase();
    [
        "token",
        "secret",
        "password",
        "passphrase",
        "credential",
        "api_key",
        "apikey",
    ]
    .iter()
    .any(|s| key.contains(s))
}

/// The files whose top level is a list of named entries: the list's key
/// and the noun for one entry.
const ENTRY_LISTS: [(&str, &str); 2] = [("trackers", "tracker"), ("channels", "channel")];

/// `trackers[i]` (or `channels[i]`): the list, its noun, the index and the
/// rest of the path under it.
pub(crate) fn split_entry(path: &[Seg]) -> Option<(&'static str, &'static str, usize, &[Seg])> {
    let [Seg::Key(k), Seg::Index(i), rest @ ..] = path else {
        return None;
    };
    let (list, noun) = ENTRY_LISTS.iter().find(|(list, _)| list == k)?;
    Some((list, noun, *i, rest))
}

/// `config.auth.token`, `labels[0]`.
pub(crate) fn dotted(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_values_read_like_json() {
        let cases = [
            (r#"string "yes""#, false, r#"the string "yes""#),
            (r#"string "ghp_abc""#, true, "a string"),
            ("integer `-1`", false, "the number -1"),
            ("floating point `1.5`", false, "the number 1.5"),
            ("boolean `true`", false, "true"),
            ("sequence", false, "an array"),
            ("map", false, "an object"),
            ("null", false, "null"),
        ];
        for (found, secretish, expected) in cases {
            assert_eq!(readable_found(found, secretish), expected, "{found}");
        }
        assert!(looks_secret(&Seg::Key("webhook_secret".into())));
        assert!(!looks_secret(&Seg::Key("project_key".into())));
    }

    #[test]
    fn quoted_lists() {
        assert_eq!(
            split_quoted("nmae`, expected one of `name`, `type`"),
            (
                "nmae".to_owned(),
                vec!["name".to_owned(), "type".to_owned()]
            )
        );
        assert_eq!(
            split_quoted("x`, expected `trackers`"),
            ("x".to_owned(), vec!["trackers".to_owned()])
        );
        assert_eq!(
            split_quoted("x`, there are no fields"),
            ("x".to_owned(), vec![])
        );
    }
}
