//! The connection dialog's SSH tunnel section as plain data: the bastion's
//! host, port and user, a key file or the running ssh-agent, where the
//! key's passphrase comes from, and the known_hosts file. It becomes the
//! profile's `ssh` object (sr-config's `SshSettings`). A passphrase is
//! only ever a reference: an `${ENV}` variable named here, or the keyring
//! entry the profile already has; its value never passes through the form.

use std::path::PathBuf;

use sr_config::SshSettings;
use sr_secrets::SecretRef;

use crate::model::connection_url::{Field, Problem};

/// The SSH section of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshFields {
    /// The connection goes through a bastion.
    pub enabled: bool,
    pub host: String,
    /// Empty: 22.
    pub port: String,
    pub user: String,
    /// Sign with the running ssh-agent instead of a key file.
    pub agent: bool,
    pub key_file: String,
    /// An environment variable holding the key's passphrase (`VAR` or
    /// `${VAR}`); empty for none (or the stored reference).
    pub passphrase_env: String,
    /// The passphrase reference the profile has now, kept unless a
    /// variable is named.
    pub stored_passphrase: Option<SecretRef>,
    /// Empty: `~/.ssh/known_hosts`.
    pub known_hosts: String,
}

impl Default for SshFields {
    fn default() -> Self {
        SshFields {
            enabled: false,
            host: String::new(),
            port: String::new(),
            user: String::new(),
            agent: false,
            key_file: "~/.ssh/id_ed25519".into(),
            passphrase_env: String::new(),
            stored_passphrase: None,
            known_hosts: String::new(),
        }
    }
}

impl SshFields {
    /// The section for a profile's `ssh` object (off when it has none).
    pub fn from_settings(ssh: Option<&SshSettings>) -> SshFields {
        let Some(s) = ssh else {
            return SshFields::default();
        };
        let path = |p: &Option<PathBuf>| {
            p.as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        };
        let (passphrase_env, stored_passphrase) = match &s.passphrase {
            Some(SecretRef::Env(template)) => (template.clone(), None),
            other => (String::new(), other.clone()),
        };
        SshFields {
            enabled: true,
            host: s.host.clone(),
            port: if s.port == 22 {
                String::new()
            } else {
                s.port.to_string()
            },
            user: s.user.clone(),
            agent: s.agent,
            key_file: path(&s.key_file),
            passphrase_env,
            stored_passphrase,
            known_hosts: path(&s.known_hosts),
        }
    }

    /// What keeps the section from making an `ssh` object.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if !self.enabled {
            return out;
        }
        let host = self.host.trim();
        if host.is_empty() {
            out.push(Problem::missing(
                Field::SshHost,
                "Enter the bastion's host name or address.",
            ));
        } else if host.contains(['/', '@', ' ']) || host.matches(':').count() == 1 {
            out.push(Problem::new(
                Field::SshHost,
                format!("\"{host}\" is not a host name; write the bastion's name or address only, and its user and port in their fields"),
            ));
        }
        let port = self.port.trim();
        if !port.is_empty() && !port.parse::<u16>().is_ok_and(|p| p > 0) {
            out.push(Problem::new(
                Field::SshPort,
                format!("\"{port}\" is not a port; write a number from 1 to 65535, or leave it empty for 22"),
            ));
        }
        if self.user.trim().is_empty() {
            out.push(Problem::missing(
                Field::SshUser,
                "Enter the user to log in to the bastion as.",
            ));
        }
        if !self.agent && self.key_file.trim().is_empty() {
            out.push(Problem::missing(
                Field::SshKey,
                "Choose the private key file, or sign with ssh-agent.",
            ));
        }
        if !self.passphrase_env.trim().is_empty() && env_template(&self.passphrase_env).is_none() {
            out.push(Problem::new(
                Field::SshPassphrase,
                format!(
                    "\"{}\" is not an environment variable name; write one such as SSH_KEY_PASSPHRASE",
                    self.passphrase_env.trim()
                ),
            ));
        }
        out
    }

    /// The profile's `ssh` object: `None` when the section is off.
    pub fn settings(&self) -> Result<Option<Box<SshSettings>>, Vec<Problem>> {
        if !self.enabled {
            return Ok(None);
        }
        let problems = self.problems();
        if !problems.is_empty() {
            return Err(problems);
        }
        let path = |text: &str| {
            let text = text.trim();
            (!text.is_empty()).then(|| PathBuf::from(text))
        };
        let passphrase = match env_template(&self.passphrase_env) {
            Some(template) => Some(SecretRef::Env(template)),
            None if self.agent => None,
            None => self.stored_passphrase.clone(),
        };
        Ok(Some(Box::new(SshSettings {
            host: self.host.trim().to_owned(),
            port: self.port.trim().parse().unwrap_or(22),
            user: self.user.trim().to_owned(),
            key_file: if self.agent {
                None
            } else {
                path(&self.key_file)
            },
            agent: self.agent,
            passphrase: if self.agent { None } else { passphrase },
            known_hosts: path(&self.known_hosts),
        })))
    }

    /// How the stored passphrase is shown in place of its value.
    pub fn stored_passphrase_label(&self) -> Option<&'static str> {
        match self.stored_passphrase.as_ref()? {
            SecretRef::Keyring(_) => Some("passphrase saved in keyring"),
            SecretRef::Encrypted(_) => Some("passphrase saved in the encrypted secrets file"),
            SecretRef::Env(_) => None,
        }
    }
}

/// `${VAR}` for `VAR` or `${VAR}`, when VAR is a variable name.
fn env_template(text: &str) -> Option<String> {
    let text = text.trim();
    let name = text
        .strip_prefix("${")
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(text);
    let mut chars = name.chars();
    let first = chars.next()?;
    let valid = (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| format!("${{{name}}}"))
}
