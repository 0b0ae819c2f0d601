//! Rules files in the product spec's `auto_issue_rules` format, read
//! strictly: unknown fields, a CEL syntax error, an unknown event kind,
//! tracker or template are errors at `FILE:LINE:COLUMN` naming the rule,
//! with a did-you-mean where one is close.

mod locate;
mod starter;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;
use sr_model::{EventKind, Priority};

use crate::condition::Condition;
use crate::error::{RuleError, RuleErrors};
use crate::suggest::suggestion;
use locate::{key_offset, line_col, offset_in, offset_of};
pub use starter::STARTER_RULES;

/// The fields a rule may have.
pub const RULE_FIELDS: &[&str] = &[
    "name",
    "event",
    "condition",
    "tracker",
    "template",
    "priority",
    "labels",
    "assignee",
    "enabled",
    "close_on_resolve",
    "reopen_window_hours",
    "max_per_hour",
    "include_rows",
    "starter",
    "notify",
    "file_issue",
];

/// Creations per rule and hour when a rule does not say.
pub const DEFAULT_MAX_PER_HOUR: u32 = 10;
/// How long after closing an alert's issue the same alert reopens it.
pub const DEFAULT_REOPEN_WINDOW_HOURS: u32 = 24;

/// One checked rule.
#[derive(Debug)]
pub struct Rule {
    pub name: String,
    pub event: EventKind,
    /// `None` matches every event of the kind.
    pub condition: Option<Condition>,
    pub tracker: String,
    pub template: String,
    pub priority: Option<Priority>,
    pub labels: Vec<String>,
    pub assignee: Option<String>,
    pub enabled: bool,
    /// For `drift.resolved` / `health.recovered` rules: close the alert's
    /// issue, not only comment on it.
    pub close_on_resolve: bool,
    pub reopen_window_hours: u32,
    pub max_per_hour: u32,
    /// Row data may reach the issue (it is stripped otherwise).
    pub include_rows: bool,
    /// One of the rules written on first run ([`STARTER_RULES`]): it files
    /// only for connections whose monitoring of its kind is on.
    pub starter: bool,
    /// Channels of channels.json the alert is also sent to.
    pub notify: Vec<String>,
    /// Whether the alert files (and comments on, closes) an issue; `false`
    /// makes a rule that only notifies.
    pub file_issue: bool,
}

/// The rules of one file, in file order.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub file: PathBuf,
    pub rules: Vec<Rule>,
    /// Extra regular expressions whose matches are redacted from every
    /// auto-issue (`"secret_patterns": ["…"]` beside the rules), on top of
    /// the built-in ones.
    pub secret_patterns: Vec<String>,
}

/// What rules may refer to: configured tracker, template and channel
/// names.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub trackers: Vec<String>,
    pub templates: Vec<String>,
    /// Channel names of channels.json.
    pub channels: Vec<String>,
}

#[derive(Deserialize)]
struct RawRule {
    name: String,
    event: String,
    #[serde(default)]
    condition: Option<String>,
    tracker: String,
    template: String,
    #[serde(default)]
    priority: Option<String>,
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    assignee: Option<String>,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    close_on_resolve: bool,
    #[serde(default)]
    reopen_window_hours: Option<u32>,
    #[serde(default)]
    max_per_hour: Option<u32>,
    #[serde(default)]
    include_rows: bool,
    #[serde(default)]
    starter: bool,
    #[serde(default)]
    notify: Vec<String>,
    #[serde(default = "yes")]
    file_issue: bool,
}

fn yes() -> bool {
    true
}

/// Reads a rules file; a missing file is an empty rule set.
pub fn load_rules(path: &Path, known: &Known) -> Result<RuleSet, RuleErrors> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_rules(path, &text, known),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(RuleSet {
            secret_patterns: Vec::new(),
            file: path.to_path_buf(),
            rules: Vec::new(),
        }),
        Err(e) => Err(RuleErrors(vec![RuleError {
            file: path.to_path_buf(),
            line: 1,
            column: 1,
            rule: None,
            message: format!("cannot read the rules file: {e}; check that it is a readable file"),
        }])),
    }
}

struct Doc<'a> {
    file: &'a Path,
    text: &'a str,
    errors: Vec<RuleError>,
}

impl Doc<'_> {
    fn error(&mut self, offset: usize, rule: Option<&str>, message: String) {
        let (line, column) = line_col(self.text, offset);
        self.errors.push(RuleError {
            file: self.file.to_path_buf(),
            line,
            column,
            rule: rule.map(str::to_owned),
            message,
        });
    }

    /// A serde error inside `slice` (at `base`), placed in the file.
    fn serde_error(&mut self, slice: &str, base: usize, rule: Option<&str>, e: &serde_json::Error) {
        let at = offset_in(slice, base, e.line(), e.column().max(1));
        let message = e.to_string();
        // serde appends " at line L column C" (relative to the slice).
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m)
            .to_owned();
        self.error(at, rule, message);
    }
}

/// Checks `text`, the contents of `path`; every problem, in file order.
pub fn parse_rules(path: &Path, text: &str, known: &Known) -> Result<RuleSet, RuleErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut doc = Doc {
        file: path,
        text,
        errors: Vec::new(),
    };
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Outline<'a> {
        #[serde(borrow)]
        auto_issue_rules: Vec<&'a RawValue>,
        #[serde(borrow, default)]
        secret_patterns: Vec<&'a RawValue>,
    }
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        doc.serde_error(text, 0, None, &e);
        return Err(RuleErrors(doc.errors));
    }
    let outline: Outline<'_> = match serde_json::from_str(text) {
        Ok(o) => o,
        Err(e) => {
            doc.serde_error(text, 0, None, &e);
            if let Some(last) = doc.errors.last_mut() {
                last.message
                    .push_str(r#"; a rules file is {"auto_issue_rules": [ {…}, … ]}"#);
            }
            return Err(RuleErrors(doc.errors));
        }
    };
    let mut secret_patterns = Vec::new();
    for raw in &outline.secret_patterns {
        let at = offset_of(text, raw);
        match serde_json::from_str::<String>(raw.get()) {
            Ok(p) => match sr_secrets::Redactor::new(std::slice::from_ref(&p)) {
                Ok(_) => secret_patterns.push(p),
                Err(e) => doc.error(at, None, format!("secret pattern: {e}")),
            },
            Err(_) => doc.error(
                at,
                None,
                "a secret pattern is a string holding a regular expression".into(),
            ),
        }
    }
    let mut rules = Vec::new();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for raw in outline.auto_issue_rules {
        let before = doc.errors.len();
        let Some(rule) = check_rule(&mut doc, raw, known) else {
            continue;
        };
        let at = offset_of(text, raw);
        if let Some(first) = names.get(&rule.name.to_lowercase()) {
            let (l, c) = line_col(text, *first);
            doc.error(
                at,
                Some(&rule.name),
                format!("a rule of this name is already defined at {l}:{c}; names identify rules in fingerprints, give each a unique one"),
            );
        } else {
            names.insert(rule.name.to_lowercase(), at);
        }
        if doc.errors.len() == before {
            rules.push(rule);
        }
    }
    if doc.errors.is_empty() {
        Ok(RuleSet {
            file: path.to_path_buf(),
            rules,
            secret_patterns,
        })
    } else {
        doc.errors.sort_by_key(|e| (e.line, e.column));
        Err(RuleErrors(doc.errors))
    }
}

fn check_rule(doc: &mut Doc<'_>, raw: &RawValue, known: &Known) -> Option<Rule> {
    let text = doc.text;
    let base = offset_of(text, raw);
    let fields: BTreeMap<String, &RawValue> = match serde_json::from_str(raw.get()) {
        Ok(f) => f,
        Err(_) => {
            doc.error(base, None, "a rule must be an object: {\"name\": …, \"event\": …, \"tracker\": …, \"template\": …}".into());
            return None;
        }
    };
    let name = fields
        .get("name")
        .and_then(|v| serde_json::from_str::<String>(v.get()).ok());
    let rule_name = name.as_deref();
    let at = |key: &str| fields.get(key).map_or(base, |v| offset_of(text, v));
    for (key, value) in &fields {
        if !RULE_FIELDS.contains(&key.as_str()) {
            let off = key_offset(text, key, offset_of(text, value));
            doc.error(
                off,
                rule_name,
                format!("unknown field \"{key}\"{}", suggestion(key, RULE_FIELDS)),
            );
        }
    }
    let parsed: RawRule = match serde_json::from_str(raw.get()) {
        Ok(r) => r,
        Err(e) => {
            doc.serde_error(raw.get(), base, rule_name, &e);
            return None;
        }
    };
    let before = doc.errors.len();
    if parsed.name.trim().is_empty() {
        doc.error(
            at("name"),
            None,
            "the rule's name is empty; name it (the name is part of every fingerprint)".into(),
        );
    }
    let event = match parsed.event.parse::<EventKind>() {
        Ok(k) => Some(k),
        Err(_) => {
            let kinds: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
            doc.error(
                at("event"),
                rule_name,
                format!(
                    "unknown event \"{}\"{}",
                    parsed.event,
                    suggestion(&parsed.event, &kinds)
                ),
            );
            None
        }
    };
    if !known
        .trackers
        .iter()
        .any(|t| t.eq_ignore_ascii_case(&parsed.tracker))
    {
        doc.error(
            at("tracker"),
            rule_name,
            format!(
                "unknown tracker \"{}\"{}; trackers are configured in trackers.json",
                parsed.tracker,
                suggestion(&parsed.tracker, &known.trackers)
            ),
        );
    }
    if !known.templates.contains(&parsed.template) {
        doc.error(
            at("template"),
            rule_name,
            format!(
                "unknown template \"{}\"{}",
                parsed.template,
                suggestion(&parsed.template, &known.templates)
            ),
        );
    }
    let priority = match parsed.priority.as_deref().map(str::parse::<Priority>) {
        Some(Err(e)) => {
            doc.error(at("priority"), rule_name, e);
            None
        }
        Some(Ok(p)) => Some(p),
        None => None,
    };
    if parsed.max_per_hour == Some(0) {
        doc.error(
            at("max_per_hour"),
            rule_name,
            "max_per_hour must be at least 1; set enabled to false to turn the rule off".into(),
        );
    }
    check_notify(doc, &fields, &parsed, known, rule_name);
    let condition = match parsed.condition.as_deref() {
        None => None,
        Some(src) => match Condition::compile(src) {
            Ok(c) => Some(c),
            Err(e) => {
                // Inside the JSON string: past its quote, then the CEL
                // position (exact unless the text uses escapes).
                let value = at("condition");
                let off = offset_in(src, value + 1, e.line, e.column);
                doc.error(
                    off.min(value + raw_len(fields.get("condition"))),
                    rule_name,
                    format!(
                        "condition is not valid CEL: {} (at {}:{} of the condition)",
                        e.message, e.line, e.column
                    ),
                );
                None
            }
        },
    };
    if doc.errors.len() != before {
        return None;
    }
    Some(Rule {
        name: parsed.name.trim().to_owned(),
        event: event?,
        condition,
        tracker: parsed.tracker,
        template: parsed.template,
        priority,
        labels: parsed.labels,
        assignee: parsed.assignee.filter(|a| !a.is_empty()),
        enabled: parsed.enabled,
        close_on_resolve: parsed.close_on_resolve,
        reopen_window_hours: parsed
            .reopen_window_hours
            .unwrap_or(DEFAULT_REOPEN_WINDOW_HOURS),
        max_per_hour: parsed.max_per_hour.unwrap_or(DEFAULT_MAX_PER_HOUR),
        include_rows: parsed.include_rows,
        starter: parsed.starter,
        notify: parsed.notify,
        file_issue: parsed.file_issue,
    })
}

/// Every channel named in `notify` must exist in channels.json (the exact
/// name: channels are looked up by it), and a rule must do something.
fn check_notify(
    doc: &mut Doc<'_>,
    fields: &BTreeMap<String, &RawValue>,
    parsed: &RawRule,
    known: &Known,
    rule_name: Option<&str>,
) {
    let text = doc.text;
    // The array's elements, to place an error at the name itself.
    let elements: Vec<&RawValue> = fields
        .get("notify")
        .and_then(|v| serde_json::from_str(v.get()).ok())
        .unwrap_or_default();
    for (i, channel) in parsed.notify.iter().enumerate() {
        if known.channels.contains(channel) {
            continue;
        }
        let at = elements.get(i).map_or_else(
            || fields.get("notify").map_or(0, |v| offset_of(text, v)),
            |v| offset_of(text, v),
        );
        doc.error(
            at,
            rule_name,
            format!(
                "unknown channel \"{channel}\"{}; channels are configured in channels.json",
                suggestion(channel, &known.channels)
            ),
        );
    }
    if !parsed.file_issue && parsed.notify.is_empty() {
        let at = fields.get("file_issue").map_or(0, |v| offset_of(text, v));
        doc.error(
            at,
            rule_name,
            "the rule does nothing: file_issue is false and notify names no channel; name channels in notify or drop file_issue".into(),
        );
    }
}

fn raw_len(v: Option<&&RawValue>) -> usize {
    v.map_or(0, |v| v.get().len().saturating_sub(1))
}

impl RuleSet {
    /// The enabled rules for an event kind, in file order.
    pub fn for_event(&self, kind: EventKind) -> impl Iterator<Item = &Rule> {
        self.rules
            .iter()
            .filter(move |r| r.enabled && r.event == kind)
    }
}
