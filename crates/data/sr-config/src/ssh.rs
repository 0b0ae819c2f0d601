//! The `ssh` object of a connection profile: the bastion a connection goes
//! through, and how to log in there (the agent, or a key file whose
//! passphrase is a keyring or `${ENV}` reference, never plain text).
//!
//! ```json
//! "ssh": {"host": "bastion.example.com", "user": "deploy",
//!         "key_file": "~/.ssh/id_ed25519", "passphrase": {"keyring": "ssh/deploy"}}
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sr_secrets::SecretRef;

use crate::diagnose::{Doc, serde_message};
use crate::error::{ConfigError, ConfigErrorKind};
use crate::spans::Node;

/// A profile's SSH bastion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SshSettings {
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    pub user: String,
    /// An OpenSSH private key (`~/` is the home directory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    /// Sign with the running ssh-agent instead of a key file.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub agent: bool,
    /// The key file's passphrase, as a reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passphrase: Option<SecretRef>,
    /// The known_hosts file to check the bastion's key against; default
    /// `~/.ssh/known_hosts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known_hosts: Option<PathBuf>,
}

fn default_port() -> u16 {
    22
}

impl SshSettings {
    /// The key file with `~/` expanded.
    pub fn key_path(&self) -> Option<PathBuf> {
        self.key_file.as_deref().map(expand_home)
    }

    /// The known_hosts file with `~/` expanded, if one is named.
    pub fn known_hosts_path(&self) -> Option<PathBuf> {
        self.known_hosts.as_deref().map(expand_home)
    }
}

/// `~/x` → `$HOME/x`; other paths as they are.
pub fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::home_dir()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

/// Checks the `ssh` object of a profile (already read by serde): the
/// passphrase is a reference, exactly one of `key_file` and `agent`, no
/// empty host or user, and no SSH for SQLite. Pushes what is wrong.
pub(crate) fn check_ssh(
    doc: &Doc<'_>,
    ssh: &SshSettings,
    node: &Node,
    connection: &str,
    sqlite: bool,
    errors: &mut Vec<ConfigError>,
) {
    let at = |key: &str| node.member(key).map_or(node.start, |m| m.value.start);
    let mut bad = |key: &str, why: String| {
        let place = if key.is_empty() { node.start } else { at(key) };
        let field = if key.is_empty() {
            "\"ssh\"".to_owned()
        } else {
            format!("\"ssh.{key}\"")
        };
        errors.push(doc.error_at(
            ConfigErrorKind::InvalidValue,
            place,
            format!("bad value for {field} of {connection}: {why}"),
        ));
    };
    if sqlite {
        bad(
            "",
            "an SQLite file is opened where it lies, not through SSH; remove \"ssh\"".into(),
        );
    }
    if ssh.host.trim().is_empty() {
        bad("host", "it is empty; write the bastion's host name".into());
    }
    if ssh.user.trim().is_empty() {
        bad(
            "user",
            "it is empty; write the user to log in as on the bastion".into(),
        );
    }
    if ssh.port == 0 {
        bad("port", "0 is not a port; leave it out for 22".into());
    }
    match (&ssh.key_file, ssh.agent) {
        (None, false) => bad(
            "",
            "it names no way to log in; write \"key_file\": \"~/.ssh/id_ed25519\" or \"agent\": true"
                .into(),
        ),
        (Some(_), true) => bad(
            "agent",
            "give \"key_file\" or \"agent\": true, not both".into(),
        ),
        (Some(path), false) if path.as_os_str().is_empty() => {
            bad("key_file", "it is empty; write the private key's path".into())
        }
        _ => {}
    }
    if ssh.agent && ssh.passphrase.is_some() {
        bad(
            "passphrase",
            "the agent holds its keys unlocked; a passphrase goes with \"key_file\" only".into(),
        );
    }
}

/// The passphrase on its own, so a plain-text one is reported at itself.
pub(crate) fn check_passphrase(doc: &Doc<'_>, node: &Node) -> Option<ConfigError> {
    let passphrase = node.member("passphrase")?;
    let slice = &doc.text[passphrase.value.start..passphrase.value.end];
    serde_json::from_str::<Option<SecretRef>>(slice)
        .err()
        .map(|e| doc.value_error(passphrase.value.start, &serde_message(&e)))
}
