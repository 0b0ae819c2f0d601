//! Credentials for trackers and databases.
//!
//! A secret in a configuration file is never plain text: it is an `${ENV}`
//! reference, a `{"keyring": "NAME"}` entry in the OS keyring, or an
//! `{"encrypted": "NAME"}` entry in the encrypted secrets file (for
//! machines whose keyring forgets at reboot). [`Secret`] holds a resolved
//! value and never prints it; [`Redactor`] takes secrets (known values and
//! the patterns of secrets) out of text and JSON before they reach a log or
//! an issue body, the one redaction of the workspace.

mod encrypted;
mod keyring_store;
mod redact;
mod reference;

pub use encrypted::{EncryptedFile, EncryptedStatus, MIN_PASSPHRASE_CHARS, PASSPHRASE_ENV};
pub use keyring_store::{Keyring, KeyringBackend, Persistence};
pub use redact::{REDACTED, Redactor};
pub use reference::{SecretRef, env_references, expand_env};

use std::fmt;
use std::sync::Arc;

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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error(
        "environment variable `{0}` is not set; export it (export {0}=...) or store the secret in the keyring instead"
    )]
    EnvUnset(String),
    #[error("environment variable `{0}` is set but empty; give it the secret's value")]
    EnvEmpty(String),
    #[error(
        "no keyring entry `{0}`; store it with `scratchrobin secret set {0}` (the value on standard input) or reference an environment variable instead"
    )]
    KeyringMissing(String),
    #[error(
        "the OS keyring could not be used for `{name}`: {reason}; reference the secret as ${{ENV}} instead, or start a secret service (for example gnome-keyring)"
    )]
    KeyringUnavailable { name: String, reason: String },
    #[error(
        "the secret `{name}` is in the encrypted secrets file {path}, which is locked; set {PASSPHRASE_ENV} to its passphrase, or unlock it in the workbench (Settings → Issue trackers)"
    )]
    EncryptedLocked { name: String, path: String },
    #[error(
        "the encrypted secrets file {path} has no entry `{name}`; store it with `scratchrobin secret set {name} --encrypted` (the value on standard input)"
    )]
    EncryptedMissing { name: String, path: String },
    #[error(
        "the passphrase does not open the encrypted secrets file {path}; give the one it was created with{}",
        if *.from_env { format!(" in {PASSPHRASE_ENV}") } else { String::new() }
    )]
    EncryptedPassphrase { path: String, from_env: bool },
    #[error("the encrypted secrets file {path} cannot be used: {reason}")]
    EncryptedUnusable { path: String, reason: String },
    #[error(
        "the {what} is not a valid regular expression: {message}; fix it in the auto-issue settings"
    )]
    Pattern { what: String, message: String },
}

impl SecretError {
    /// A stable word for the cause, for scripts and tests.
    pub fn code(&self) -> &'static str {
        match self {
            SecretError::EnvUnset(_) => "env_unset",
            SecretError::EnvEmpty(_) => "env_empty",
            SecretError::KeyringMissing(_) => "keyring_missing",
            SecretError::KeyringUnavailable { .. } => "keyring_unavailable",
            SecretError::EncryptedLocked { .. } => "encrypted_locked",
            SecretError::EncryptedMissing { .. } => "encrypted_missing",
            SecretError::EncryptedPassphrase { .. } => "encrypted_passphrase",
            SecretError::EncryptedUnusable { .. } => "encrypted_unusable",
            SecretError::Pattern { .. } => "secret_pattern",
        }
    }
}

/// Looks up an environment variable by name.
type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Turns references into values: environment variables through `env`,
/// keyring entries through `keyring`, encrypted entries through the
/// encrypted file when there is one.
pub struct Resolver {
    env: EnvLookup,
    keyring: Keyring,
    encrypted: Option<Arc<EncryptedFile>>,
    /// Values typed but not stored yet, answered before any store (a
    /// connection test of unsaved settings).
    pending: Vec<(SecretRef, Secret)>,
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
            encrypted: None,
            pending: Vec::new(),
        }
    }

    /// [`Resolver::system`] with the encrypted secrets file at `path`,
    /// unlocked by [`PASSPHRASE_ENV`] when the environment has it.
    pub fn system_with_file(path: impl Into<std::path::PathBuf>) -> Self {
        let file = EncryptedFile::from_env(path, |n| std::env::var(n).ok());
        Resolver::system().with_encrypted(Arc::new(file))
    }

    /// A resolver that answers `pending` references with the values given
    /// and everything else as `base` does; nothing is stored.
    pub fn overlay(base: &Arc<Resolver>, pending: Vec<(SecretRef, Secret)>) -> Resolver {
        let env = base.clone();
        Resolver {
            env: Box::new(move |name| env.env_var(name)),
            keyring: base.keyring.clone(),
            encrypted: base.encrypted.clone(),
            pending,
        }
    }

    /// This resolver with an encrypted secrets file.
    pub fn with_encrypted(mut self, file: Arc<EncryptedFile>) -> Self {
        self.encrypted = Some(file);
        self
    }

    pub fn encrypted(&self) -> Option<&Arc<EncryptedFile>> {
        self.encrypted.as_ref()
    }

    /// Looks up one environment variable as this resolver sees it.
    pub fn env_var(&self, name: &str) -> Option<String> {
        (self.env)(name)
    }

    /// Stores `value` where `reference` points: the keyring or the
    /// encrypted file. Answers how long it lives there. An `${ENV}`
    /// reference cannot be written to. Blocking.
    pub fn store(&self, reference: &SecretRef, value: &Secret) -> Result<Persistence, SecretError> {
        match reference {
            SecretRef::Keyring(name) => self.keyring.set(name, value),
            SecretRef::Encrypted(name) => {
                self.encrypted_file(name)?.set(name, value)?;
                Ok(Persistence::Persistent)
            }
            SecretRef::Env(template) => Err(SecretError::EnvUnset(
                env_references(template)
                    .into_iter()
                    .next()
                    .unwrap_or_default(),
            )),
        }
    }

    /// Removes the entry `reference` points to; nothing for `${ENV}`.
    /// Blocking.
    pub fn forget(&self, reference: &SecretRef) -> Result<(), SecretError> {
        match reference {
            SecretRef::Keyring(name) => self.keyring.delete(name),
            SecretRef::Encrypted(name) => self.encrypted_file(name)?.delete(name),
            SecretRef::Env(_) => Ok(()),
        }
    }

    /// How long the secret `reference` points to lives where it is now:
    /// `None` when it is not stored (or is an `${ENV}` reference, which
    /// lives as long as whoever exports it decides). Blocking.
    pub fn persistence_of(&self, reference: &SecretRef) -> Option<Persistence> {
        match reference {
            SecretRef::Keyring(name) => self.keyring.locate(name),
            SecretRef::Encrypted(_) => Some(Persistence::Persistent),
            SecretRef::Env(_) => None,
        }
    }

    fn encrypted_file(&self, name: &str) -> Result<&EncryptedFile, SecretError> {
        self.encrypted
            .as_deref()
            .ok_or_else(|| SecretError::EncryptedUnusable {
                path: String::from("(none)"),
                reason: format!(
                    "this process has no encrypted secrets file, so `{name}` cannot be read from one"
                ),
            })
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
            encrypted: None,
            pending: Vec::new(),
        }
    }

    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// Resolves a reference. Blocking: the keyring may talk to D-Bus, so
    /// async callers run this on a blocking thread.
    pub fn resolve(&self, reference: &SecretRef) -> Result<Secret, SecretError> {
        if let Some((_, value)) = self.pending.iter().find(|(r, _)| r == reference) {
            return Ok(value.clone());
        }
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
            SecretRef::Encrypted(name) => self.encrypted_file(name)?.get(name),
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
