//! The SSH side of connection profiles on the command line: the `--ssh…`
//! options of `connection add`, `connection trust NAME SHA256:…` (adds a
//! bastion's host key to known_hosts once its fingerprint is confirmed).

use std::path::PathBuf;

use clap::Args;
use sr_config::{ConnectionProfile, SshSettings, load_connections};
use sr_db::Trusted;
use sr_engine::Engine;
use sr_secrets::SecretRef;

/// `--ssh USER@HOST[:PORT]` and how to log in there.
#[derive(Debug, Clone, Default, Args)]
pub struct SshArgs {
    /// Reach the database through this SSH bastion (USER@HOST[:PORT]).
    #[arg(long, value_name = "USER@HOST[:PORT]")]
    pub ssh: Option<String>,
    /// The private key to log in to the bastion with.
    #[arg(long, requires = "ssh", conflicts_with = "ssh_agent")]
    pub ssh_key: Option<PathBuf>,
    /// Log in to the bastion with the running ssh-agent.
    #[arg(long, requires = "ssh")]
    pub ssh_agent: bool,
    /// The environment variable holding the key's passphrase.
    #[arg(long, requires = "ssh_key")]
    pub ssh_passphrase_env: Option<String>,
    /// The known_hosts file to check the bastion against (default
    /// ~/.ssh/known_hosts).
    #[arg(long, requires = "ssh")]
    pub known_hosts: Option<PathBuf>,
}

impl SshArgs {
    /// The profile's `ssh` object, or `None` without `--ssh`.
    pub fn settings(&self) -> anyhow::Result<Option<SshSettings>> {
        let Some(target) = &self.ssh else {
            return Ok(None);
        };
        let (user, hostport) = target.split_once('@').ok_or_else(|| {
            anyhow::anyhow!("--ssh takes USER@HOST[:PORT], for example deploy@bastion.example.com")
        })?;
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') || h.starts_with('[') => (
                h.trim_matches(['[', ']']).to_owned(),
                p.parse::<u16>()
                    .map_err(|_| anyhow::anyhow!("--ssh: `{p}` is not a port"))?,
            ),
            _ => (hostport.trim_matches(['[', ']']).to_owned(), 22),
        };
        if user.is_empty() || host.is_empty() {
            anyhow::bail!("--ssh takes USER@HOST[:PORT], for example deploy@bastion.example.com");
        }
        if self.ssh_key.is_none() && !self.ssh_agent {
            anyhow::bail!("--ssh needs --ssh-key FILE or --ssh-agent to log in to the bastion");
        }
        let passphrase = match &self.ssh_passphrase_env {
            Some(var) => {
                let var = var.trim_start_matches('$').trim_matches(['{', '}']);
                if var.is_empty() || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    anyhow::bail!(
                        "--ssh-passphrase-env takes a variable name such as SSH_KEY_PASSPHRASE"
                    );
                }
                Some(SecretRef::Env(format!("${{{var}}}")))
            }
            None => None,
        };
        Ok(Some(SshSettings {
            host,
            port,
            user: user.to_owned(),
            key_file: self.ssh_key.clone(),
            agent: self.ssh_agent,
            passphrase,
            known_hosts: self.known_hosts.clone(),
        }))
    }
}

/// `connection trust NAME SHA256:…`.
pub async fn trust(engine: &Engine, name: &str, fingerprint: &str) -> anyhow::Result<()> {
    let path = engine.paths().connections_file();
    let file = load_connections(&path)?;
    let Some(ConnectionProfile { ssh: Some(ssh), .. }) = file.find(name) else {
        anyhow::bail!(
            "connection `{name}` in {} has no \"ssh\" bastion; there is no host key to trust",
            path.display()
        );
    };
    if !fingerprint.starts_with("SHA256:") {
        anyhow::bail!("give the fingerprint as the refusal printed it: SHA256:…");
    }
    match sr_db::trust_host_key(&sr_engine::ssh_tunnel(ssh, None), fingerprint).await? {
        Trusted::Added { fingerprint, file } => println!(
            "trusted {fingerprint} for {}:{} (added to {})",
            ssh.host,
            ssh.port,
            file.display()
        ),
        Trusted::AlreadyKnown { file, .. } => println!(
            "{}:{} is already trusted in {}",
            ssh.host,
            ssh.port,
            file.display()
        ),
    }
    Ok(())
}
