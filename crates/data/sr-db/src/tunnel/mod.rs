//! SSH tunnels to database servers behind a bastion, through russh (never
//! the `ssh` binary).
//!
//! A [`Tunnel`] listens on a Unix socket in a private (0700) temporary
//! directory and forwards each accepted connection over an SSH
//! `direct-tcpip` channel to the database's host and port as the bastion
//! sees them. sqlx connects to that socket (`PgConnectOptions::socket`,
//! `MySqlConnectOptions::socket`) yet still checks TLS against the URL's
//! host, so `verify-full` works through a tunnel as it does without.
//!
//! The tunnel lives as long as the [`crate::Database`] holding it. A
//! session the bastion drops is logged as such and opened again for the
//! next connection the pool makes.

mod session;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::{UnixListener, UnixStream};
use tokio::task::{JoinHandle, JoinSet};

pub(crate) use session::Failure;
use session::{HostKey, Session, bastion_name, fingerprint, known_hosts_path};

use crate::BoxFuture;
use crate::DbError;
use crate::connect::SshTunnel;

/// A running tunnel: the socket sqlx connects to and the task forwarding
/// what arrives there.
#[derive(Debug)]
pub(crate) struct Tunnel {
    dir: tempfile::TempDir,
    socket: PathBuf,
    accept: JoinHandle<()>,
    shared: Arc<Shared>,
}

struct Shared {
    ssh: SshTunnel,
    target_host: String,
    target_port: u16,
    session: tokio::sync::Mutex<Option<Session>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("bastion", &bastion_name(&self.ssh))
            .field(
                "target",
                &format!("{}:{}", self.target_host, self.target_port),
            )
            .finish()
    }
}

impl Tunnel {
    /// Connects to the bastion, checks that it can reach
    /// `target_host:target_port`, and listens on a new socket named
    /// `socket_name` (`.s.PGSQL.5432` for PostgreSQL, whose client looks
    /// for that name in a directory).
    pub(crate) async fn open(
        ssh: &SshTunnel,
        target_host: &str,
        target_port: u16,
        socket_name: &str,
    ) -> Result<Tunnel, Failure> {
        let shared = Arc::new(Shared {
            ssh: ssh.clone(),
            target_host: target_host.to_owned(),
            target_port,
            session: tokio::sync::Mutex::new(None),
        });
        // One channel now, closed at once: a bastion that cannot reach the
        // database is reported here, not as a closed socket later.
        let probe = shared.channel().await?;
        probe.close().await.ok();

        let local = |e: std::io::Error| Failure {
            cause: format!("the tunnel's local socket cannot be created ({e})"),
            fix: "check that the temporary directory is writable (TMPDIR)".to_owned(),
        };
        // tempfile creates the directory 0700: only this user can reach
        // the socket, which gives the database to whoever connects.
        let dir = tempfile::Builder::new()
            .prefix("sr-tunnel-")
            .tempdir()
            .map_err(local)?;
        let socket = dir.path().join(socket_name);
        let listener = UnixListener::bind(&socket).map_err(local)?;
        let accept = tokio::spawn(accept_loop(listener, shared.clone()));
        tracing::debug!(
            bastion = %bastion_name(ssh),
            target = %format!("{target_host}:{target_port}"),
            socket = %socket.display(),
            "ssh tunnel open"
        );
        Ok(Tunnel {
            dir,
            socket,
            accept,
            shared,
        })
    }

    /// The directory holding the socket (what `PgConnectOptions::socket`
    /// takes).
    pub(crate) fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The socket itself (what `MySqlConnectOptions::socket` takes).
    pub(crate) fn socket(&self) -> &Path {
        &self.socket
    }

    /// Stops forwarding and ends the SSH session.
    pub(crate) async fn close(&self) {
        self.accept.abort();
        if let Some(s) = self.shared.session.lock().await.take() {
            s.handle
                .disconnect(russh::Disconnect::ByApplication, "", "en")
                .await
                .ok();
        }
    }
}

impl Drop for Tunnel {
    fn drop(&mut self) {
        // Aborting the accept task drops its JoinSet, which aborts every
        // forwarding task; the session ends with its last handle.
        self.accept.abort();
    }
}

async fn accept_loop(listener: UnixListener, shared: Arc<Shared>) {
    let mut forwards = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    forwards.spawn(forward(stream, shared.clone()));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "ssh tunnel: accepting a local connection failed");
                }
            },
            // Reap finished forwards so the set does not grow.
            Some(_) = forwards.join_next(), if !forwards.is_empty() => {}
        }
    }
}

/// Copies one database connection through its own channel.
async fn forward(mut local: UnixStream, shared: Arc<Shared>) {
    let channel = match shared.channel().await {
        Ok(c) => c,
        Err(f) => {
            // The client sees its socket close; the log says why.
            tracing::warn!(cause = %f.cause, fix = %f.fix, "ssh tunnel: no channel to the database");
            return;
        }
    };
    let mut remote = channel.into_stream();
    if let Err(e) = tokio::io::copy_bidirectional(&mut local, &mut remote).await {
        tracing::debug!(error = %e, "ssh tunnel: a forwarded connection ended with an error");
    }
}

impl Shared {
    /// A new `direct-tcpip` channel to the target, opening the session
    /// first when there is none or the last one ended.
    async fn channel(&self) -> Result<russh::Channel<russh::client::Msg>, Failure> {
        let mut slot = self.session.lock().await;
        for attempt in 0..2 {
            let live = slot.as_ref().is_some_and(|s| !s.handle.is_closed());
            if !live {
                if let Some(old) = slot.as_ref() {
                    let why = old
                        .ended
                        .lock()
                        .ok()
                        .and_then(|e| e.clone())
                        .unwrap_or_else(|| "the connection was lost".to_owned());
                    tracing::warn!(
                        bastion = %bastion_name(&self.ssh),
                        reason = %why,
                        "the SSH session to the bastion ended; opening a new one"
                    );
                }
                *slot = Some(session::connect(&self.ssh).await?);
            }
            let Some(session) = slot.as_mut() else {
                return Err(self.refused("no session"));
            };
            match session
                .handle
                .channel_open_direct_tcpip(
                    self.target_host.as_str(),
                    u32::from(self.target_port),
                    "127.0.0.1",
                    0,
                )
                .await
            {
                Ok(channel) => return Ok(channel),
                // The session died under us: once more on a new one.
                Err(_) if attempt == 0 && session.handle.is_closed() => continue,
                Err(e) => return Err(self.refused(&e.to_string())),
            }
        }
        Err(self.refused("the session closed twice in a row"))
    }

    fn refused(&self, why: &str) -> Failure {
        Failure {
            cause: format!(
                "the SSH bastion {} could not open a connection to {}:{} ({why})",
                bastion_name(&self.ssh),
                self.target_host,
                self.target_port
            ),
            fix: "check the URL's host and port as the bastion sees them (the name is resolved there), \
                  and that the bastion allows TCP forwarding (AllowTcpForwarding)"
                .to_owned(),
        }
    }
}

/// What `trust_host_key` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trusted {
    /// The key was added to the file.
    Added { fingerprint: String, file: PathBuf },
    /// The file already trusted it.
    AlreadyKnown { fingerprint: String, file: PathBuf },
}

/// Adds the bastion's host key to its known_hosts file, after checking
/// that the key the bastion presents now has `expected` as its SHA256
/// fingerprint (as shown in the refusal). A changed key is never replaced
/// here: the old line must be removed on purpose first.
pub fn trust_host_key<'a>(
    ssh: &'a SshTunnel,
    expected: &'a str,
) -> BoxFuture<'a, Result<Trusted, DbError>> {
    Box::pin(async move {
        let shown = format!("ssh://{}@{}", ssh.user, bastion_name(ssh));
        let fail = |f: Failure| DbError::Connect {
            url: shown.clone(),
            cause: f.cause,
            fix: f.fix,
        };
        let file = known_hosts_path(ssh);
        let expected = expected.trim();
        match session::host_key(ssh).await.map_err(fail)? {
            HostKey::Known => Ok(Trusted::AlreadyKnown {
                fingerprint: expected.to_owned(),
                file,
            }),
            HostKey::Unknown(key) => {
                let fp = fingerprint(&key);
                if fp != expected {
                    return Err(fail(Failure {
                        cause: format!(
                            "the SSH bastion {} presents the key {fp}, not {expected}",
                            bastion_name(ssh)
                        ),
                        fix: "do not trust it: ask the bastion's administrator which key it should present"
                            .to_owned(),
                    }));
                }
                russh::keys::known_hosts::learn_known_hosts_path(&ssh.host, ssh.port, &key, &file)
                    .map_err(|e| {
                        fail(Failure {
                            cause: format!("{} cannot be written ({e})", file.display()),
                            fix: "check that the file and its directory are writable".to_owned(),
                        })
                    })?;
                Ok(Trusted::Added {
                    fingerprint: fp,
                    file,
                })
            }
            HostKey::Changed { key, line } => Err(fail(Failure {
                cause: format!(
                    "the SSH bastion {} presents {} but line {line} of {} holds another key for it",
                    bastion_name(ssh),
                    fingerprint(&key),
                    file.display()
                ),
                fix: format!(
                    "a changed host key is never replaced silently: once its administrator confirms the change, \
                     remove the old key (`ssh-keygen -R '{}' -f {}`) and trust again",
                    session::known_hosts_entry(ssh),
                    file.display()
                ),
            })),
            HostKey::Unreadable(why) => Err(fail(Failure {
                cause: format!("{} cannot be read ({why})", file.display()),
                fix: "fix or remove the line it names".to_owned(),
            })),
        }
    })
}
