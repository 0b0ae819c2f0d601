//! Opening a profile: its password and SSH key passphrase read from where
//! the profile says (off the async threads: the keyring may wait on
//! D-Bus), its `ssh` object turned into sr-db's tunnel; and the words for
//! a password that cannot be read.

use std::sync::Arc;

use sr_config::{ConnectionProfile, SshSettings};
use sr_db::{ConnectOptions, Database, SshAuth, SshTunnel};
use sr_secrets::{Resolver, Secret};

use crate::EngineError;

/// Opens a profile: its password is read from the keyring or the
/// environment first (off the async threads: the keyring may wait on
/// D-Bus).
pub(crate) async fn open_profile(
    name: &str,
    profile: &ConnectionProfile,
    resolver: Arc<Resolver>,
) -> Result<Database, EngineError> {
    let password = profile_password(name, profile, resolver.clone()).await?;
    open_profile_with(profile, password, resolver).await
}

/// Opens a profile with its password already read; the SSH key's
/// passphrase, when the profile has a bastion, is read here.
pub(crate) async fn open_profile_with(
    profile: &ConnectionProfile,
    password: Option<Secret>,
    resolver: Arc<Resolver>,
) -> Result<Database, EngineError> {
    let ssh = match &profile.ssh {
        Some(ssh) => {
            let passphrase = match ssh.passphrase.clone() {
                Some(reference) => Some(resolve(&profile.name, reference, resolver).await?),
                None => None,
            };
            Some(ssh_tunnel(ssh, passphrase))
        }
        None => None,
    };
    let options = ConnectOptions {
        url: profile.url.clone(),
        password,
        ssh,
    };
    Ok(Database::open(&options).await?)
}

/// sr-db's tunnel for a profile's `ssh` object, its passphrase read.
pub fn ssh_tunnel(ssh: &SshSettings, passphrase: Option<Secret>) -> SshTunnel {
    SshTunnel {
        host: ssh.host.clone(),
        port: ssh.port,
        user: ssh.user.clone(),
        auth: match ssh.key_path() {
            Some(path) if !ssh.agent => SshAuth::KeyFile { path, passphrase },
            _ => SshAuth::Agent,
        },
        known_hosts: ssh.known_hosts_path(),
    }
}

/// Resolves a profile's password reference, when it has one.
pub(crate) async fn profile_password(
    name: &str,
    profile: &ConnectionProfile,
    resolver: Arc<Resolver>,
) -> Result<Option<Secret>, EngineError> {
    let Some(reference) = profile.password.clone() else {
        return Ok(None);
    };
    resolve(name, reference, resolver).await.map(Some)
}

/// Resolves one of a profile's secret references off the async threads.
async fn resolve(
    name: &str,
    reference: sr_secrets::SecretRef,
    resolver: Arc<Resolver>,
) -> Result<Secret, EngineError> {
    let name = name.to_owned();
    tokio::task::spawn_blocking(move || resolver.resolve(&reference))
        .await
        .map_err(|e| EngineError::Background(e.to_string()))?
        .map_err(|source| EngineError::ConnectionSecret { name, source })
}

/// The keyring entry that holds a profile's password.
pub fn password_entry(connection: &str) -> String {
    format!("connection/{connection}")
}

/// Why a connection's password cannot be read, and the fix: the one place
/// these words are built, for the CLI and the connection manager alike.
pub fn password_problem(connection: &str, error: &sr_secrets::SecretError) -> (String, String) {
    use sr_secrets::SecretError;
    let again = format!(
        "store it again with `scratchrobin connection add {connection} URL` (the password in the URL) or in the connection manager, or use --password-env VAR"
    );
    match error {
        SecretError::KeyringMissing(entry) => (
            format!("the keyring has no entry {entry} with the password"),
            again,
        ),
        SecretError::KeyringUnavailable { reason, .. } => (
            format!("the OS keyring cannot be used ({reason})"),
            format!("start a secret service (for example gnome-keyring), or {again}"),
        ),
        SecretError::EnvUnset(var) => (
            format!("the environment variable {var} that holds the password is not set"),
            format!("export {var}=... before running scratchrobin"),
        ),
        SecretError::EnvEmpty(var) => (
            format!("the environment variable {var} that holds the password is empty"),
            format!("give {var} the password's value"),
        ),
        // The encrypted file's own words carry their fix after the `;`.
        other @ (SecretError::EncryptedLocked { .. }
        | SecretError::EncryptedMissing { .. }
        | SecretError::EncryptedPassphrase { .. }
        | SecretError::EncryptedUnusable { .. }
        | SecretError::Pattern { .. }) => {
            let text = other.to_string();
            match text.split_once("; ") {
                Some((cause, fix)) => (cause.to_owned(), fix.to_owned()),
                None => (text, again),
            }
        }
    }
}
