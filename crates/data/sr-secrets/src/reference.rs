//! Secret references as they appear in configuration files, and `${VAR}`
//! expansion.

use serde::{Deserialize, Serialize};

use crate::SecretError;

/// Where a secret lives. In JSON: `"${GITHUB_TOKEN}"`,
/// `{"keyring": "github-token"}` or `{"encrypted": "github-token"}`. A plain
/// string is refused when the file is read, so a token can never sit in a
/// configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRef {
    /// A string with at least one `${VAR}` reference, expanded from the
    /// environment when used.
    Env(String),
    /// The name of an entry in the OS keyring.
    Keyring(String),
    /// The name of an entry in the encrypted secrets file of the data
    /// directory ([`crate::EncryptedFile`]).
    Encrypted(String),
}

impl SecretRef {
    /// A short description safe to show: `${GITHUB_TOKEN}`, `keyring:NAME`
    /// or `encrypted:NAME`.
    pub fn describe(&self) -> String {
        match self {
            SecretRef::Env(t) => t.clone(),
            SecretRef::Keyring(n) => format!("keyring:{n}"),
            SecretRef::Encrypted(n) => format!("encrypted:{n}"),
        }
    }

    /// The entry's name for a stored secret; `None` for an `${ENV}` one.
    pub fn entry(&self) -> Option<&str> {
        match self {
            SecretRef::Env(_) => None,
            SecretRef::Keyring(n) | SecretRef::Encrypted(n) => Some(n),
        }
    }

    /// The reference a `config` value holds, if it is one (`"${…}"`,
    /// `{"keyring": …}` or `{"encrypted": …}`).
    pub fn from_json(value: &serde_json::Value) -> Option<SecretRef> {
        match value {
            serde_json::Value::String(s) if !env_references(s).is_empty() => {
                Some(SecretRef::Env(s.clone()))
            }
            serde_json::Value::Object(_) => serde_json::from_value(value.clone()).ok(),
            _ => None,
        }
    }

    /// Every reference in a provider `config` object, in document order.
    pub fn all_in(value: &serde_json::Value) -> Vec<SecretRef> {
        let mut out = Vec::new();
        collect(value, &mut out);
        out
    }
}

fn collect(value: &serde_json::Value, out: &mut Vec<SecretRef>) {
    if let Some(r) = SecretRef::from_json(value) {
        out.push(r);
        return;
    }
    match value {
        serde_json::Value::Object(m) => m.values().for_each(|v| collect(v, out)),
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

impl Serialize for SecretRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SecretRef::Env(t) => s.serialize_str(t),
            SecretRef::Keyring(n) | SecretRef::Encrypted(n) => {
                use serde::ser::SerializeMap;
                let key = if matches!(self, SecretRef::Keyring(_)) {
                    "keyring"
                } else {
                    "encrypted"
                };
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry(key, n)?;
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for SecretRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        enum Stored {
            #[serde(rename = "keyring")]
            Keyring(String),
            #[serde(rename = "encrypted")]
            Encrypted(String),
        }
        let value = serde_json::Value::deserialize(d)?;
        match value {
            serde_json::Value::String(t) if env_references(&t).is_empty() => {
                Err(serde::de::Error::custom(
                    r#"secrets may not be written in plain text; write "${ENV_VAR}" and export the variable, or store it in the keyring and write {"keyring": "NAME"} (or in the encrypted secrets file: {"encrypted": "NAME"})"#,
                ))
            }
            serde_json::Value::String(t) => Ok(SecretRef::Env(t)),
            serde_json::Value::Object(ref m) if m.len() == 1 => {
                let stored: Stored = serde_json::from_value(value.clone()).map_err(|_| {
                    serde::de::Error::custom(
                        r#"a secret object must be exactly {"keyring": "NAME"} or {"encrypted": "NAME"}"#,
                    )
                })?;
                let (name, r) = match stored {
                    Stored::Keyring(n) => (n.clone(), SecretRef::Keyring(n)),
                    Stored::Encrypted(n) => (n.clone(), SecretRef::Encrypted(n)),
                };
                if name.trim().is_empty() {
                    return Err(serde::de::Error::custom("the secret entry name is empty"));
                }
                Ok(r)
            }
            serde_json::Value::Object(_) => Err(serde::de::Error::custom(
                r#"a secret object must be exactly {"keyring": "NAME"} or {"encrypted": "NAME"}"#,
            )),
            _ => Err(serde::de::Error::custom(
                r#"a secret must be a "${ENV_VAR}" string, {"keyring": "NAME"} or {"encrypted": "NAME"}"#,
            )),
        }
    }
}

/// The variable names a string references, in order.
pub fn env_references(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                names.push(after[..end].to_owned());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    names
}

/// Replaces every `${VAR}` in `text` with its value; an unset variable is an
/// error naming it. `$${` is a literal `${`.
pub fn expand_env(
    text: &str,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<String, SecretError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(t) = tail.strip_prefix("$${") {
            out.push_str("${");
            rest = t;
        } else if let Some(t) = tail.strip_prefix("${") {
            let end = t.find('}').unwrap_or(t.len());
            let name = &t[..end];
            let value = lookup(name).ok_or_else(|| SecretError::EnvUnset(name.to_owned()))?;
            out.push_str(&value);
            rest = t.get(end + 1..).unwrap_or("");
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<SecretRef, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn references_parse_and_plain_text_is_refused() {
        assert_eq!(
            parse(r#""${GITHUB_TOKEN}""#),
            Ok(SecretRef::Env("${GITHUB_TOKEN}".into()))
        );
        assert_eq!(
            parse(r#"{"keyring": "gh"}"#),
            Ok(SecretRef::Keyring("gh".into()))
        );
        assert!(
            parse(r#""ghp_plaintext""#)
                .unwrap_err()
                .contains("plain text")
        );
        assert!(
            parse(r#"{"keyring": "gh", "x": 1}"#)
                .unwrap_err()
                .contains("exactly")
        );
        assert!(parse("42").unwrap_err().contains("must be"));
        assert_eq!(
            parse(r#"{"encrypted": "gh"}"#),
            Ok(SecretRef::Encrypted("gh".into()))
        );
        assert!(
            parse(r#"{"encrypted": " "}"#)
                .unwrap_err()
                .contains("empty")
        );
        let back = serde_json::to_string(&SecretRef::Encrypted("gh".into())).unwrap();
        assert_eq!(back, r#"{"encrypted":"gh"}"#);
        let config =
            serde_json::json!({"auth": {"token": {"encrypted": "t"}}, "x": "${A}", "n": 1});
        assert_eq!(
            SecretRef::all_in(&config),
            vec![
                SecretRef::Encrypted("t".into()),
                SecretRef::Env("${A}".into())
            ]
        );
    }

    #[test]
    fn expansion() {
        let env = |n: &str| (n == "A").then(|| "1".to_owned());
        assert_eq!(expand_env("x${A}y${A}", env).unwrap(), "x1y1");
        assert_eq!(expand_env("cost $5 $${A}", env).unwrap(), "cost $5 ${A}");
        assert!(matches!(expand_env("${B}", env), Err(SecretError::EnvUnset(n)) if n == "B"));
        assert_eq!(env_references("${A} and ${B}"), vec!["A", "B"]);
    }
}
