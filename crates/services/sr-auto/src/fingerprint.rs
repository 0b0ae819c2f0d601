//! Alert fingerprints (DESIGN.md): a hash of (rule, connection, object,
//! normalised finding). The same fingerprint never opens a second open
//! issue; every auto-issue carries it as a label and a hidden body marker,
//! so that after an unknown outcome the tracker can be asked whether the
//! issue exists.
//!
//! The finding is the event's `data` with the values that differ between
//! two sightings of the same problem left out: timestamps and measurements
//! (keys ending in `_at`, `_ms`, `_seconds`, `_minutes`, and `timestamp`,
//! `count`, `value`, `percentage`, `duration`, `observed`, `samples`). An
//! event may name its finding itself with a top-level `"fingerprint"`
//! string, which then replaces the data.

use serde_json::Value;
use sha2::{Digest, Sha256};

const VOLATILE_KEYS: &[&str] = &[
    "timestamp",
    "count",
    "value",
    "percentage",
    "duration",
    "observed",
    "samples",
];
const VOLATILE_SUFFIXES: &[&str] = &["_at", "_ms", "_seconds", "_minutes"];

/// The fingerprint of one alert: 64 hex digits.
pub fn fingerprint(rule: &str, connection: &str, object: Option<&str>, data: &Value) -> String {
    let finding = match data.get("fingerprint") {
        Some(Value::String(s)) => Value::String(s.clone()),
        _ => normalise(data),
    };
    let mut h = Sha256::new();
    for part in [
        rule.trim().to_lowercase(),
        connection.to_owned(),
        object.unwrap_or_default().to_owned(),
        canonical(&finding),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

/// The label every auto-issue carries: `sr-fp-` and the first 12 digits.
pub fn label(fingerprint: &str) -> String {
    format!("sr-fp-{}", &fingerprint[..fingerprint.len().min(12)])
}

/// The hidden marker at the end of every auto-issue's body.
pub fn body_marker(fingerprint: &str) -> String {
    format!("<!-- sr-fingerprint: {fingerprint} -->")
}

/// The hidden marker at the end of a comment, so a comment whose outcome
/// was unknown is found instead of written twice.
pub fn comment_marker(token: &str) -> String {
    format!("<!-- sr-comment: {token} -->")
}

/// `data` without volatile values, for hashing and for comparing two
/// occurrences.
pub fn normalise(data: &Value) -> Value {
    match data {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !is_volatile(k))
                .map(|(k, v)| (k.clone(), normalise(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalise).collect()),
        v => v.clone(),
    }
}

fn is_volatile(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    VOLATILE_KEYS.contains(&k.as_str()) || VOLATILE_SUFFIXES.iter().any(|s| k.ends_with(s))
}

/// JSON with object keys sorted, whatever map order serde_json was built
/// with.
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&m[k])))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        v => v.to_string(),
    }
}

/// What differs between two occurrences' data, one line per leaf:
/// `drift.severity: "medium" → "high"`.
pub fn changes(old: &Value, new: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff("", old, new, &mut out);
    out
}

fn diff(path: &str, old: &Value, new: &Value, out: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                diff(
                    &p,
                    a.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (a, b) if a != b => out.push(format!("{path}: {} → {}", short(a), short(b))),
        _ => {}
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check_same(a: Value, b: Value, same: bool) {
        let fa = fingerprint("Drift", "demo", Some("main.orders"), &a);
        let fb = fingerprint("Drift", "demo", Some("main.orders"), &b);
        assert_eq!(fa == fb, same, "{a} vs {b}");
    }

    #[test]
    fn volatile_values_do_not_change_the_fingerprint() {
        check_same(
            json!({"drift": {"severity": "high", "detected_at": "t1"}}),
            json!({"drift": {"severity": "high", "detected_at": "t2"}}),
            true,
        );
        check_same(
            json!({"regression": {"query": "q1", "percentage": 25}}),
            json!({"regression": {"query": "q1", "percentage": 40}}),
            true,
        );
        check_same(
            json!({"drift": {"severity": "high"}}),
            json!({"drift": {"severity": "low"}}),
            false,
        );
        check_same(
            json!({"fingerprint": "x", "a": 1}),
            json!({"fingerprint": "x", "a": 2}),
            true,
        );
        check_same(json!({"a": 1, "b": 2}), json!({"b": 2, "a": 1}), true);
    }

    #[test]
    fn rule_connection_and_object_are_part_of_it() {
        let d = json!({});
        let base = fingerprint("r", "demo", Some("main.orders"), &d);
        assert_eq!(base, fingerprint(" R ", "demo", Some("main.orders"), &d));
        assert_ne!(base, fingerprint("r2", "demo", Some("main.orders"), &d));
        assert_ne!(base, fingerprint("r", "prod", Some("main.orders"), &d));
        assert_ne!(base, fingerprint("r", "demo", Some("main.items"), &d));
        assert_eq!(label(&base).len(), "sr-fp-".len() + 12);
    }

    fn check_changes(a: Value, b: Value, expected: &[&str]) {
        assert_eq!(changes(&a, &b), expected);
    }

    #[test]
    fn changes_are_listed_per_leaf() {
        check_changes(
            json!({"d": {"s": "medium"}}),
            json!({"d": {"s": "high"}}),
            &["d.s: \"medium\" → \"high\""],
        );
        check_changes(json!({"a": 1}), json!({"a": 1}), &[]);
        check_changes(json!({}), json!({"n": 2}), &["n: null → 2"]);
    }
}
