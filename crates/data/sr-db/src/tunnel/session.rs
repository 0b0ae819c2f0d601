//! One SSH session to a bastion through russh: the TCP connection, the
//! host key checked against known_hosts (unknown → refused with its
//! SHA256 fingerprint, changed → refused loudly), then authentication with
//! the agent or a key file. Every failure becomes a [`Failure`]: what went
//! wrong and what to do.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use russh::client::{self, Handle};
use russh::keys::{HashAlg, PrivateKeyWithHashAlg, PublicKey, PublicKeyOrCertificate};
use tokio::net::TcpStream;

use crate::connect::{SshAuth, SshTunnel};

/// How long reaching and greeting a bastion may take.
const SSH_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the tunnel could not be set up, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub cause: String,
    pub fix: String,
}

impl Failure {
    fn new(cause: impl Into<String>, fix: impl Into<String>) -> Self {
        Failure {
            cause: cause.into(),
            fix: fix.into(),
        }
    }
}

/// What known_hosts said about the key the bastion presented.
#[derive(Debug, Clone)]
pub(crate) enum HostKey {
    Known,
    Unknown(PublicKey),
    /// known_hosts holds another key of the same type at `line`.
    Changed {
        key: PublicKey,
        line: usize,
    },
    Unreadable(String),
}

/// The russh client side: checks the host key, remembers the verdict so a
/// refusal can be explained, and notes how the session ended.
pub(crate) struct Client {
    host: String,
    port: u16,
    known_hosts: PathBuf,
    verdict: Arc<Mutex<Option<HostKey>>>,
    /// Set when the session ends; read by the tunnel to report a drop.
    ended: Arc<Mutex<Option<String>>>,
}

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        presented: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let key = match presented {
            PublicKeyOrCertificate::PublicKey { key, .. } => key.clone(),
            PublicKeyOrCertificate::Certificate(cert) => {
                PublicKey::new(cert.public_key().clone(), cert.comment())
            }
        };
        let verdict = match russh::keys::check_known_hosts_path(
            &self.host,
            self.port,
            &key,
            &self.known_hosts,
        ) {
            Ok(true) => HostKey::Known,
            Ok(false) => HostKey::Unknown(key),
            Err(russh::keys::Error::KeyChanged { line }) => HostKey::Changed { key, line },
            Err(e) => HostKey::Unreadable(e.to_string()),
        };
        let known = matches!(verdict, HostKey::Known);
        if let Ok(mut slot) = self.verdict.lock() {
            *slot = Some(verdict);
        }
        Ok(known)
    }

    async fn disconnected(
        &mut self,
        reason: client::DisconnectReason<Self::Error>,
    ) -> Result<(), Self::Error> {
        let why = match &reason {
            client::DisconnectReason::ReceivedDisconnect(info) => {
                format!("the bastion closed it ({:?})", info.reason_code)
            }
            client::DisconnectReason::Error(e) => e.to_string(),
        };
        if let Ok(mut slot) = self.ended.lock() {
            *slot = Some(why);
        }
        match reason {
            client::DisconnectReason::ReceivedDisconnect(_) => Ok(()),
            client::DisconnectReason::Error(e) => Err(e),
        }
    }
}

/// `host:port` as people write it (`[::1]:22` for IPv6).
pub(crate) fn bastion_name(ssh: &SshTunnel) -> String {
    if ssh.host.contains(':') {
        format!("[{}]:{}", ssh.host, ssh.port)
    } else {
        format!("{}:{}", ssh.host, ssh.port)
    }
}

/// The known_hosts file a tunnel checks: the one named, else
/// `~/.ssh/known_hosts`.
pub(crate) fn known_hosts_path(ssh: &SshTunnel) -> PathBuf {
    match &ssh.known_hosts {
        Some(path) => path.clone(),
        None => std::env::home_dir()
            .unwrap_or_default()
            .join(".ssh")
            .join("known_hosts"),
    }
}

/// The key's fingerprint as OpenSSH prints it (`SHA256:…`).
pub(crate) fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// A connected session, and where its end is reported.
pub(crate) struct Session {
    pub handle: Handle<Client>,
    pub ended: Arc<Mutex<Option<String>>>,
}

/// Reaches the bastion and runs the key exchange; returns the handle and
/// the host key verdict. Nothing is authenticated yet.
async fn greet(
    ssh: &SshTunnel,
) -> Result<
    (
        Result<Handle<Client>, russh::Error>,
        Option<HostKey>,
        Arc<Mutex<Option<String>>>,
    ),
    Failure,
> {
    let bastion = bastion_name(ssh);
    let tcp = match tokio::time::timeout(
        SSH_TIMEOUT,
        TcpStream::connect((ssh.host.as_str(), ssh.port)),
    )
    .await
    {
        Ok(Ok(tcp)) => tcp,
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            return Err(Failure::new(
                format!("the SSH bastion {bastion} refused the connection"),
                "check the \"ssh\" host and port of the connection, and that sshd runs there",
            ));
        }
        Ok(Err(e)) => {
            return Err(Failure::new(
                format!("the SSH bastion {bastion} cannot be reached ({e})"),
                "check the \"ssh\" host and port of the connection",
            ));
        }
        Err(_) => {
            return Err(Failure::new(
                format!(
                    "the SSH bastion {bastion} did not answer within {} s",
                    SSH_TIMEOUT.as_secs()
                ),
                "check the \"ssh\" host and port, and that no firewall drops the connection",
            ));
        }
    };
    tcp.set_nodelay(true).ok();
    let verdict = Arc::new(Mutex::new(None));
    let ended = Arc::new(Mutex::new(None));
    let handler = Client {
        host: ssh.host.clone(),
        port: ssh.port,
        known_hosts: known_hosts_path(ssh),
        verdict: verdict.clone(),
        ended: ended.clone(),
    };
    let config = Arc::new(client::Config {
        // Keepalives notice a dead bastion; no inactivity timeout, since a
        // pooled database connection may sit idle for long.
        keepalive_interval: Some(Duration::from_secs(15)),
        keepalive_max: 3,
        inactivity_timeout: None,
        ..client::Config::default()
    });
    let handle =
        match tokio::time::timeout(SSH_TIMEOUT, client::connect_stream(config, tcp, handler)).await
        {
            Ok(result) => result,
            Err(_) => {
                return Err(Failure::new(
                    format!(
                        "the SSH bastion {bastion} did not finish the handshake within {} s",
                        SSH_TIMEOUT.as_secs()
                    ),
                    "check that the \"ssh\" port is an SSH server's",
                ));
            }
        };
    let verdict = verdict.lock().ok().and_then(|v| v.clone());
    Ok((handle, verdict, ended))
}

/// Connects and authenticates: a session ready for channels.
pub(crate) async fn connect(ssh: &SshTunnel) -> Result<Session, Failure> {
    let (handle, verdict, ended) = greet(ssh).await?;
    let bastion = bastion_name(ssh);
    let known_hosts = known_hosts_path(ssh);
    let mut handle = match (handle, verdict) {
        (Ok(h), _) => h,
        (Err(_), Some(HostKey::Unknown(key))) => {
            let fp = fingerprint(&key);
            return Err(Failure::new(
                format!(
                    "the SSH bastion {bastion} presented a host key that {} does not know: {} {fp}",
                    known_hosts.display(),
                    key.algorithm()
                ),
                format!(
                    "compare {fp} with the bastion's own key (its administrator prints it with \
                     `ssh-keygen -lf /etc/ssh/ssh_host_{}_key.pub` on the bastion); if they match, \
                     trust it with `scratchrobin connection trust` followed by the connection's name and {fp}",
                    key_file_kind(&key)
                ),
            ));
        }
        (Err(_), Some(HostKey::Changed { key, line })) => {
            return Err(Failure::new(
                format!(
                    "THE SSH BASTION'S HOST KEY HAS CHANGED: {bastion} presented {} {}, but line {line} of {} holds another key for it; \
                     someone may be intercepting the connection",
                    key.algorithm(),
                    fingerprint(&key),
                    known_hosts.display()
                ),
                format!(
                    "do not connect until the bastion's administrator confirms the new key; if they do, remove the old one \
                     (`ssh-keygen -R '{}' -f {}`) and trust the new one with `scratchrobin connection trust`",
                    known_hosts_entry(ssh),
                    known_hosts.display()
                ),
            ));
        }
        (Err(_), Some(HostKey::Unreadable(why))) => {
            return Err(Failure::new(
                format!("{} cannot be read ({why})", known_hosts.display()),
                "fix or remove the line it names, or set \"known_hosts\" of the connection's \"ssh\" to another file",
            ));
        }
        (Err(e), _) => {
            return Err(Failure::new(
                format!("the SSH handshake with {bastion} failed ({e})"),
                "check that the \"ssh\" host and port are an SSH server's",
            ));
        }
    };
    authenticate(&mut handle, ssh, &bastion).await?;
    Ok(Session { handle, ended })
}

/// The key exchange alone, for trusting a host key: the key the bastion
/// presents and what known_hosts says of it.
pub(crate) async fn host_key(ssh: &SshTunnel) -> Result<HostKey, Failure> {
    let (handle, verdict, _) = greet(ssh).await?;
    if let Ok(h) = handle {
        h.disconnect(russh::Disconnect::ByApplication, "", "en")
            .await
            .ok();
    }
    verdict.ok_or_else(|| {
        Failure::new(
            format!(
                "the SSH bastion {} presented no host key",
                bastion_name(ssh)
            ),
            "check that the \"ssh\" host and port are an SSH server's",
        )
    })
}

/// `host` or `[host]:port`, as known_hosts names a server.
pub(crate) fn known_hosts_entry(ssh: &SshTunnel) -> String {
    if ssh.port == 22 {
        ssh.host.clone()
    } else {
        format!("[{}]:{}", ssh.host, ssh.port)
    }
}

/// `ed25519`, `ecdsa` or `rsa`: how the host key file is named on a
/// Debian-like bastion.
fn key_file_kind(key: &PublicKey) -> &'static str {
    match key.algorithm() {
        russh::keys::Algorithm::Ed25519 => "ed25519",
        russh::keys::Algorithm::Ecdsa { .. } => "ecdsa",
        _ => "rsa",
    }
}

async fn authenticate(
    handle: &mut Handle<Client>,
    ssh: &SshTunnel,
    bastion: &str,
) -> Result<(), Failure> {
    let refused = |what: &str| {
        Failure::new(
            format!(
                "the SSH bastion {bastion} refused {what} for user {}",
                ssh.user
            ),
            format!(
                "check the \"ssh\" user, and that the key's public half is in ~{}/.ssh/authorized_keys on the bastion",
                ssh.user
            ),
        )
    };
    let failed = |e: &dyn std::fmt::Display| {
        Failure::new(
            format!("SSH authentication with {bastion} failed ({e})"),
            "check the \"ssh\" settings of the connection",
        )
    };
    match &ssh.auth {
        SshAuth::KeyFile { path, passphrase } => {
            let key = russh::keys::load_secret_key(path, passphrase.as_ref().map(|p| p.expose()))
                .map_err(|e| key_file_failure(path, passphrase.is_some(), &e))?;
            let hash = handle
                .best_supported_rsa_hash()
                .await
                .map_err(|e| failed(&e))?
                .flatten();
            let key = PrivateKeyWithHashAlg::new(Arc::new(key), hash);
            let result = handle
                .authenticate_publickey(&ssh.user, key)
                .await
                .map_err(|e| failed(&e))?;
            if result.success() {
                Ok(())
            } else {
                Err(refused(&format!("the key {}", path.display())))
            }
        }
        SshAuth::Agent => {
            let mut agent = russh::keys::agent::client::AgentClient::connect_env()
                .await
                .map_err(|e| {
                    Failure::new(
                        format!("no SSH agent can be reached ({e})"),
                        "start ssh-agent and add your key (ssh-add), so SSH_AUTH_SOCK is set, \
                         or give the connection's \"ssh\" a \"key_file\"",
                    )
                })?;
            let identities = agent.request_identities().await.map_err(|e| {
                Failure::new(
                    format!("the SSH agent did not list its keys ({e})"),
                    "check that ssh-agent runs (ssh-add -l)",
                )
            })?;
            if identities.is_empty() {
                return Err(Failure::new(
                    "the SSH agent holds no key",
                    "add your key to the agent with ssh-add",
                ));
            }
            let hash = handle
                .best_supported_rsa_hash()
                .await
                .map_err(|e| failed(&e))?
                .flatten();
            for identity in identities {
                let key = identity.public_key().into_owned();
                let result = handle
                    .authenticate_publickey_with(&ssh.user, key, hash, &mut agent)
                    .await
                    .map_err(|e| failed(&e))?;
                if result.success() {
                    return Ok(());
                }
            }
            Err(refused("every key of the SSH agent"))
        }
    }
}

fn key_file_failure(
    path: &std::path::Path,
    has_passphrase: bool,
    e: &russh::keys::Error,
) -> Failure {
    let shown = path.display();
    match e {
        russh::keys::Error::IO(io) => Failure::new(
            format!("the SSH key file {shown} cannot be read ({io})"),
            "set \"key_file\" of the connection's \"ssh\" to your private key",
        ),
        russh::keys::Error::KeyIsEncrypted if !has_passphrase => Failure::new(
            format!("the SSH key file {shown} is protected by a passphrase"),
            "give \"passphrase\" as a keyring entry or ${ENV} reference, or use \"agent\": true with the key in ssh-agent",
        ),
        _ if has_passphrase => Failure::new(
            format!("the SSH key file {shown} cannot be opened ({e})"),
            "check the passphrase the connection's \"ssh\" \"passphrase\" refers to",
        ),
        _ => Failure::new(
            format!("the SSH key file {shown} is not a private key russh can read ({e})"),
            "use an OpenSSH private key (ed25519, ecdsa or rsa)",
        ),
    }
}
