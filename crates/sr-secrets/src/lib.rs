//! Credentials for trackers and databases.
//!
//! A secret in a configuration file is never plain text: it is either an
//! `${ENV}` reference or a `{"keyring": "NAME"}` entry in the OS keyring.
//! [`Secret`] holds a resolved value and never prints it; [`Redactor`]
//! removes known secret values from text before it reaches a log or an
//! issue body.

mod keyring_store;
mod redact;
mod reference;

pub use keyring_store::{Keyring, KeyringBackend};
pub use redact::Redactor;
pub use reference::{SecretRef, env_references, expand_env};

use std::fmt;

/// The service name under which every ScratchRobin keyring entry is kept.
pub const KEYRING_SERVICE: &str = "scratchrobin";

/// A resolved secret value. `Debug` and `Display` print `***`, so a secret
/// that ends up in a log line or an error message by mistake shows nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one place that must send it (an HTTP
    /// header, a database connection).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(
        "environment variable `{0}` is not set; export it (export {0}=...) or store the secret in the keyring instead"
    )]
    EnvUnset(String),
    #[error("environment variable `{0}` is set but empty; give it the secret's value")]
    EnvEmpty(String),
    #[error(
        "no keyring entry `{0}`; store it with `scratchrobin secret set {0}` or reference an environment variable instead"
    )]
    KeyringMissing(String),
    #[error(
        "the OS keyring could not be used for `{name}`: {reason}; reference the secret as ${{ENV}} instead, or start a secret service (for example gnome-keyring)"
    )]
    KeyringUnavailable { name: String, reason: String },
}

/// Looks up an environment variable by name.
type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Turns references into values: environment variables through `env`,
/// keyring entries through `keyring`.
pub struct Resolver {
    env: EnvLookup,
    keyring: Keyring,
}

impl fmt::Debug for Resolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolver")
            .field("keyring", &self.keyring)
            .finish_non_exhaustive()
    }
}

impl Resolver {
    /// Reads the process environment and the OS keyring.
    pub fn system() -> Self {
        Resolver {
            env: Box::new(|name| std::env::var(name).ok()),
            keyring: Keyring::system(),
        }
    }

    /// A resolver with its own environment, for tests and for `serve`
    /// processes that take secrets from a file of their own.
    pub fn with_env(
        env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
        keyring: Keyring,
    ) -> Self {
        Resolver {
            env: Box::new(env),
            keyring,
        }
    }

    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// Resolves a reference. Blocking: the keyring may talk to D-Bus, so
    /// async callers run this on a blocking thread.
    pub fn resolve(&self, reference: &SecretRef) -> Result<Secret, SecretError> {
        match reference {
            SecretRef::Env(template) => {
                let value = expand_env(template, |n| (self.env)(n))?;
                if value.is_empty() {
                    let name = env_references(template)
                        .into_iter()
                        .next()
                        .unwrap_or_default();
                    return Err(SecretError::EnvEmpty(name));
                }
                Ok(Secret(value))
            }
            SecretRef::Keyring(name) => self.keyring.get(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s} {s:?}"), "*** Secret(***)");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn env_references_resolve_or_name_the_variable() {
        let r = Resolver::with_env(
            |n| match n {
                "TOKEN" => Some("abc".into()),
                "EMPTY" => Some(String::new()),
                _ => None,
            },
            Keyring::in_memory(),
        );
        assert_eq!(
            r.resolve(&SecretRef::Env("${TOKEN}".into()))
                .unwrap()
                .expose(),
            "abc"
        );
        let err = r.resolve(&SecretRef::Env("${NOPE}".into())).unwrap_err();
        assert!(err.to_string().contains("`NOPE` is not set"), "{err}");
        let err = r.resolve(&SecretRef::Env("${EMPTY}".into())).unwrap_err();
        assert!(
            err.to_string().contains("`EMPTY` is set but empty"),
            "{err}"
        );
    }
}
