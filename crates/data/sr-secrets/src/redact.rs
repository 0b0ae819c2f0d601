//! Redaction: the one way a secret is taken out of text before it reaches
//! a log, an error shown to the user or an issue body, with the one marker
//! [`REDACTED`]. A [`Redactor`] removes the secret values it was given
//! ([`Redactor::add`]) and whatever matches its patterns: the built-in ones
//! (passwords in URLs, `password=` and other secret-named settings, bearer
//! and basic authorization, GitHub, GitLab, Atlassian, AWS and Slack
//! tokens, private keys, JWTs) and a team's own regular expressions. In
//! JSON it also replaces the whole value of a key named like a secret.

use regex::Regex;
use serde_json::Value;

use crate::{Secret, SecretError};

/// What a redacted secret is replaced with.
pub const REDACTED: &str = "***";

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
pub struct Redactor {
    /// Known secret values, longest first.
    values: Vec<String>,
    patterns: Vec<Regex>,
    secret_key: Regex,
}

impl Redactor {
    /// The built-in patterns plus `extra_patterns` (regular expressions in
    /// the `regex` crate's syntax; a group named `secret` limits the
    /// redaction to that group).
    pub fn new(extra_patterns: &[String]) -> Result<Redactor, SecretError> {
        let mut patterns = Vec::with_capacity(BUILTIN.len() + extra_patterns.len());
        for (name, pattern) in BUILTIN {
            patterns.push(compile(pattern, &format!("built-in pattern {name}"))?);
        }
        for (i, pattern) in extra_patterns.iter().enumerate() {
            patterns.push(compile(pattern, &format!("secret pattern {}", i + 1))?);
        }
        Ok(Redactor {
            values: Vec::new(),
            patterns,
            secret_key: compile(SECRET_KEY, "built-in secret key pattern")?,
        })
    }

    /// Redacts `secret`'s value wherever it appears, whatever it looks
    /// like. Values shorter than four characters are not registered:
    /// replacing them would mangle ordinary text and hides nothing worth
    /// hiding.
    pub fn add(&mut self, secret: &Secret) {
        let v = secret.expose();
        if v.len() >= 4 && !self.values.iter().any(|x| x == v) {
            self.values.push(v.to_owned());
            // Longest first, so a secret that contains another is removed whole.
            self.values.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// `s` with every known secret and every match of a pattern replaced
    /// by [`REDACTED`].
    pub fn redact(&self, s: &str) -> String {
        let mut out = s.to_owned();
        for v in &self.values {
            if out.contains(v.as_str()) {
                out = out.replace(v.as_str(), REDACTED);
            }
        }
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
                let redacted = self.redact(s);
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

fn compile(pattern: &str, what: &str) -> Result<Regex, SecretError> {
    Regex::new(pattern).map_err(|e| SecretError::Pattern {
        what: what.to_owned(),
        message: e.to_string(),
    })
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;
