//! Keeping secrets and row data out of issues. An auto-issue is written
//! into a tracker that many people (and sometimes the public) read, from
//! event data that may carry connection strings, error messages quoting
//! a DSN, or sample rows of customer data.
//!
//! [`Sanitiser`] redacts secrets in text and in JSON event data before a
//! template sees it; [`strip_rows`] replaces row data with a note saying it
//! was left out, so nothing disappears without a word. The built-in
//! patterns cover what this product handles (database URLs, `password=`,
//! bearer tokens, GitHub, GitLab, Atlassian and AWS credentials, private
//! keys, JWTs); a team adds its own with regular expressions.

use regex::Regex;
use serde_json::Value;

use crate::LinkError;

/// What a redacted secret is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// The keys whose values are row data.
pub const ROW_KEYS: &[&str] = &["rows", "sample_rows", "row_data", "sample_data"];

/// Built-in patterns. A pattern with a group named `secret` redacts only
/// that group; one without redacts the whole match.
const BUILTIN: &[(&str, &str)] = &[
    (
        "private key block",
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?s:.*?)-----END [A-Z ]*PRIVATE KEY-----",
    ),
    (
        "password in a URL",
        r"(?i)\b[a-z][a-z0-9+.\-]*://[^\s:/@]*:(?P<secret>[^\s@/]+)@",
    ),
    (
        "secret-named setting",
        r#"(?i)\b[a-z0-9_.\-]*(?:password|passwd|pwd|secret|token|api[_\-]?key|apikey|access[_\-]?key|credentials?)[a-z0-9_]*"?\s*[=:]\s*['"]?(?P<secret>[^\s'";&,}]+)"#,
    ),
    (
        "HTTP authorization",
        r"(?i)\b(?:bearer|basic)\s+(?P<secret>[A-Za-z0-9\-._~+/]{8,}=*)",
    ),
    (
        "GitHub token",
        r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}\b",
    ),
    (
        "GitHub fine-grained token",
        r"\bgithub_pat_[A-Za-z0-9_]{20,}\b",
    ),
    (
        "GitLab token",
        r"\bgl(?:pat|dt|rt|ptt|cbt|oas|soat|ft|imt)-[A-Za-z0-9_\-]{16,}",
    ),
    ("Atlassian API token", r"\bAT[AC]TT[A-Za-z0-9_\-=]{20,}"),
    ("AWS access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("Slack token", r"\bxox[abprs]-[A-Za-z0-9\-]{10,}"),
    (
        "JSON web token",
        r"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
    ),
];

/// Keys whose values are secrets whatever they look like.
const SECRET_KEY: &str = r"(?i)(password|passwd|^pwd$|secret|token|api[_\-]?key|apikey|access[_\-]?key|credentials?|private[_\-]?key)";

/// Redacts secrets from text and JSON. Built once (the patterns compile
/// then) and shared.
#[derive(Debug, Clone)]
pub struct Sanitiser {
    patterns: Vec<Regex>,
    secret_key: Regex,
}

impl Sanitiser {
    /// The built-in patterns plus `extra_patterns` (regular expressions in
    /// the `regex` crate's syntax; a group named `secret` limits the
    /// redaction to that group).
    pub fn new(extra_patterns: &[String]) -> Result<Sanitiser, LinkError> {
        let mut patterns = Vec::with_capacity(BUILTIN.len() + extra_patterns.len());
        for (name, pattern) in BUILTIN {
            patterns.push(compile(pattern, &format!("built-in pattern {name}"))?);
        }
        for (i, pattern) in extra_patterns.iter().enumerate() {
            patterns.push(compile(pattern, &format!("secret pattern {}", i + 1))?);
        }
        Ok(Sanitiser {
            patterns,
            secret_key: compile(SECRET_KEY, "built-in secret key pattern")?,
        })
    }

    /// `s` with every secret replaced by [`REDACTED`].
    pub fn redact_text(&self, s: &str) -> String {
        let mut out = s.to_owned();
        for re in &self.patterns {
            if !re.is_match(&out) {
                continue;
            }
            let has_group = re.capture_names().any(|n| n == Some("secret"));
            out = re
                .replace_all(&out, |caps: &regex::Captures<'_>| {
                    let whole = caps.get(0).map(|m| m.as_str()).unwrap_or_default();
                    match caps.name("secret").filter(|_| has_group) {
                        Some(secret) => {
                            let start = secret.start() - caps.get(0).map_or(0, |m| m.start());
                            let end = start + secret.len();
                            format!("{}{REDACTED}{}", &whole[..start], &whole[end..])
                        }
                        None => REDACTED.to_owned(),
                    }
                })
                .into_owned();
        }
        out
    }

    /// Redacts every string in `v`, and replaces the whole value of any key
    /// named like a secret (`password`, `api_key`, `token`, …).
    pub fn redact_value(&self, v: &mut Value) {
        match v {
            Value::String(s) => {
                let redacted = self.redact_text(s);
                if redacted != *s {
                    *s = redacted;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.redact_value(i)),
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    if self.secret_key.is_match(key) && is_scalar_secret(value) {
                        *value = Value::String(REDACTED.to_owned());
                    } else {
                        self.redact_value(value);
                    }
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

/// A value under a secret-named key is redacted when it could be a secret:
/// a non-empty string or a number (a PIN). `null`, booleans (`"token_set":
/// true`) and nested objects (walked instead) stay.
fn is_scalar_secret(v: &Value) -> bool {
    match v {
        Value::String(s) => !s.is_empty(),
        Value::Number(_) => true,
        _ => false,
    }
}

fn compile(pattern: &str, what: &str) -> Result<Regex, LinkError> {
    Regex::new(pattern).map_err(|e| LinkError::SecretPattern {
        what: what.to_owned(),
        message: e.to_string(),
    })
}

/// Replaces row data (the values of [`ROW_KEYS`], at any depth) in `v`
/// with a note saying how many rows were left out, and returns how many
/// values it replaced. Callers skip this when a rule opts in to rows.
pub fn strip_rows(v: &mut Value) -> usize {
    match v {
        Value::Array(items) => items.iter_mut().map(strip_rows).sum(),
        Value::Object(map) => {
            let mut stripped = 0;
            for (key, value) in map.iter_mut() {
                if ROW_KEYS.contains(&key.as_str()) && !matches!(value, Value::Null) {
                    *value = Value::String(rows_note(value));
                    stripped += 1;
                } else {
                    stripped += strip_rows(value);
                }
            }
            stripped
        }
        _ => 0,
    }
}

fn rows_note(rows: &Value) -> String {
    let what = match rows {
        Value::Array(a) if a.len() == 1 => "1 row".to_owned(),
        Value::Array(a) => format!("{} rows", a.len()),
        _ => "row data".to_owned(),
    };
    format!(
        "({what} left out: row data is not sent to trackers unless the auto-issue rule opts in)"
    )
}

#[cfg(test)]
#[path = "sanitise_tests.rs"]
mod tests;
