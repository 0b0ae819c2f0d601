//! Adding, editing, testing and removing connection profiles, for the
//! connection manager and the CLI alike: connections.json is changed under
//! its lock (no edit by another process is lost), a typed password goes to
//! the keyring (never to the file), and the registry is reloaded at once.

use std::time::{Duration, Instant};

use serde::Serialize;
use sr_config::{ConnectionProfile, check_connection_name, dialect_name, update_connections};
use sr_db::Database;
use sr_secrets::{Persistence, Secret, SecretRef};

use crate::connections::{password_entry, profile_password};
use crate::{Engine, EngineError};

/// What a successful connection test found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectionTest {
    /// `sqlite`, `postgres` or `mysql`.
    pub dialect: String,
    /// The server's own version string (`PostgreSQL 16.4 …`).
    pub server_version: Option<String>,
    /// Connecting plus one round trip.
    pub connect_ms: u64,
    /// One `SELECT 1` on the open connection.
    pub round_trip_ms: f64,
}

/// A profile as the connection manager saves it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionEdit {
    /// The name it had before (a rename), or `None` for a new one.
    pub previous: Option<String>,
    pub profile: ConnectionProfile,
    /// A password typed now; kept as `connection/NAME` in the keyring, or
    /// in the encrypted secrets file when `encrypted` is set. `None` keeps
    /// what the profile refers to.
    pub password: Option<Secret>,
    pub encrypted: bool,
}

impl Engine {
    /// Checks and saves a profile (new, edited or renamed); the typed
    /// password is stored first. The registry reloads, so every feature
    /// sees the change at once. Returns how long a stored password lives
    /// (the kernel keyring forgets at reboot), when one was stored.
    pub async fn save_connection(
        &self,
        edit: ConnectionEdit,
    ) -> Result<Option<Persistence>, EngineError> {
        let ConnectionEdit {
            previous,
            mut profile,
            password,
            encrypted,
        } = edit;
        check_profile(&profile)?;
        let entry = password_entry(&profile.name);
        let fresh = if encrypted {
            SecretRef::Encrypted(entry.clone())
        } else {
            SecretRef::Keyring(entry.clone())
        };
        let mut stored = None;
        if let Some(secret) = password {
            stored = Some(self.store_secret(&profile.name, &fresh, secret).await?);
            profile.password = Some(fresh);
        } else if let Some(old) = previous.as_deref().filter(|p| *p != profile.name)
            && let Some(reference) = profile.password.clone()
            && reference.entry() == Some(password_entry(old).as_str())
        {
            // A rename takes its stored password along, where it was.
            let moved = match reference {
                SecretRef::Encrypted(_) => SecretRef::Encrypted(entry.clone()),
                _ => SecretRef::Keyring(entry.clone()),
            };
            if let Some(secret) = profile_password(old, &profile, self.resolver()).await? {
                stored = Some(self.store_secret(&profile.name, &moved, secret).await?);
                profile.password = Some(moved);
            }
        }
        let path = self.paths().connections_file();
        let name = profile.name.clone();
        let new_ref = profile.password.clone();
        let stale = tokio::task::spawn_blocking(move || {
            update_connections(&path, |file| {
                if previous.as_deref() != Some(name.as_str()) && file.find(&name).is_some() {
                    return Err(EngineError::ConnectionExists { name: name.clone() });
                }
                let old = previous.as_deref().and_then(|p| file.remove(p));
                file.upsert(profile);
                Ok(old)
            })
        })
        .await
        .map_err(|e| EngineError::Background(e.to_string()))??;
        // The old stored password goes when nothing refers to it now.
        if let Some(old) = stale.and_then(|p| p.password)
            && old.entry().is_some()
            && new_ref.as_ref() != Some(&old)
        {
            self.forget_secret(old).await;
        }
        self.reload_connections().await;
        Ok(stored)
    }

    /// Removes a profile and its stored password, and closes it.
    pub async fn remove_connection(&self, name: &str) -> Result<(), EngineError> {
        let path = self.paths().connections_file();
        let owned = name.to_owned();
        let known = self.connection_names();
        let removed = tokio::task::spawn_blocking(move || {
            update_connections(&path, |file| {
                file.remove(&owned)
                    .ok_or_else(|| crate::connections::unknown_connection(&owned, &known))
            })
        })
        .await
        .map_err(|e| EngineError::Background(e.to_string()))??;
        if let Some(reference) = removed.password.filter(|r| r.entry().is_some()) {
            self.forget_secret(reference).await;
        }
        self.reload_connections().await;
        Ok(())
    }

    /// Stores a connection's password where `reference` says.
    async fn store_secret(
        &self,
        connection: &str,
        reference: &SecretRef,
        secret: Secret,
    ) -> Result<Persistence, EngineError> {
        let resolver = self.resolver();
        let r = reference.clone();
        tokio::task::spawn_blocking(move || resolver.store(&r, &secret))
            .await
            .map_err(|e| EngineError::Background(e.to_string()))?
            .map_err(|source| EngineError::ConnectionSecret {
                name: connection.to_owned(),
                source,
            })
    }

    /// Deletes a stored password nothing refers to any more; failing to
    /// is only worth a warning in the log.
    async fn forget_secret(&self, reference: SecretRef) {
        let resolver = self.resolver();
        let shown = reference.describe();
        let done = tokio::task::spawn_blocking(move || resolver.forget(&reference)).await;
        if !matches!(done, Ok(Ok(()))) {
            tracing::warn!(secret = %shown, "a password no profile uses could not be removed");
        }
    }

    /// Connects with an unsaved profile (and a password typed now, else
    /// the one it refers to), runs one round trip and closes. The error
    /// names the cause and the fix.
    pub async fn test_connection(
        &self,
        profile: &ConnectionProfile,
        password: Option<Secret>,
    ) -> Result<ConnectionTest, EngineError> {
        check_profile(profile)?;
        let password = match password {
            Some(p) => Some(p),
            None => profile_password(&profile.name, profile, self.resolver()).await?,
        };
        let started = Instant::now();
        let db = crate::connections::open_profile_with(profile, password, self.resolver()).await?;
        let result = measure(&db, started).await;
        db.close().await;
        result
    }

    /// Closes a connection; the next use opens it again.
    pub async fn disconnect(&self, name: &str) {
        self.close_connections(&[name.to_owned()]).await;
    }
}

async fn measure(db: &Database, started: Instant) -> Result<ConnectionTest, EngineError> {
    let check = sr_db::health::connectivity(db, &sr_db::health::HealthConfig::default()).await;
    if let Some(error) = check.evidence.get("error") {
        return Err(EngineError::Background(format!(
            "{}: {error}",
            check.summary
        )));
    }
    let connect_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(ConnectionTest {
        dialect: db.dialect().as_str().to_owned(),
        server_version: check
            .evidence
            .get("server_version")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        connect_ms,
        round_trip_ms: check
            .evidence
            .get("latency_ms")
            .and_then(serde_json::Value::as_f64)
            .unwrap_or_else(|| Duration::ZERO.as_secs_f64()),
    })
}

/// A profile's name and URL, checked as connections.json checks them.
fn check_profile(profile: &ConnectionProfile) -> Result<(), EngineError> {
    check_connection_name(&profile.name).map_err(EngineError::BadConnection)?;
    if dialect_name(&profile.url).is_none() {
        return Err(EngineError::BadConnection(format!(
            "`{}` is not a database URL; write sqlite://PATH, postgres://USER@HOST:PORT/DB or mysql://USER@HOST:PORT/DB",
            sr_db::redact_url(&profile.url)
        )));
    }
    if sr_config::split_url_password(&profile.url).is_some() {
        return Err(EngineError::BadConnection(
            "the URL holds a password; type it in the password field instead, so it goes to the keyring"
                .into(),
        ));
    }
    Ok(())
}

/// What the connection manager asks for; answered by
/// [`ConnectionEvent`]s (a failure by `Event::Failed`).
#[derive(Debug, Clone)]
pub enum ConnectionCommand {
    /// Every connection; answered by [`ConnectionEvent::Listed`].
    Load,
    /// Saves a new, edited or renamed profile.
    Save { request: u64, edit: ConnectionEdit },
    /// Removes a profile and its keyring entry.
    Remove { request: u64, name: String },
    /// Tests an unsaved profile, with a password typed now (else the one
    /// it refers to).
    Test {
        request: u64,
        profile: ConnectionProfile,
        password: Option<Secret>,
    },
    /// Closes a connection; the next use opens it again.
    Disconnect { name: String },
}

impl ConnectionCommand {
    /// The command in a user's words.
    pub fn describe(&self) -> String {
        match self {
            ConnectionCommand::Save { edit, .. } => {
                format!("Save connection {}", edit.profile.name)
            }
            ConnectionCommand::Remove { name, .. } => format!("Remove connection {name}"),
            ConnectionCommand::Test { profile, .. } => format!("Test connection {}", profile.name),
            ConnectionCommand::Disconnect { name } => format!("Disconnect {name}"),
            ConnectionCommand::Load => "Load connections".into(),
        }
    }
}

/// The answers to [`ConnectionCommand`]s. An `crate::ConnectionEvent::Listed` with the
/// new list follows a save or a removal.
#[derive(Debug, Clone)]
pub enum ConnectionEvent {
    /// Every connection, and why connections.json could not be read when
    /// it could not (the connections read before stay listed). Sent for
    /// [`ConnectionCommand::Load`] and whenever the file changes.
    Listed {
        connections: Vec<crate::ConnectionInfo>,
        problem: Option<String>,
    },
    /// Saved; `until_reboot` when its password went to a keyring that
    /// forgets it at reboot (say so, and offer the encrypted file).
    Saved {
        request: u64,
        name: String,
        until_reboot: bool,
    },
    Removed {
        request: u64,
        name: String,
    },
    /// The test's findings, or the cause and the fix.
    Tested {
        request: u64,
        name: String,
        result: Result<ConnectionTest, String>,
    },
    Disconnected {
        name: String,
    },
}

pub(crate) async fn run(
    engine: &Engine,
    cmd: ConnectionCommand,
) -> Result<Vec<crate::Event>, EngineError> {
    Ok(match cmd {
        ConnectionCommand::Load => vec![crate::Event::Connection(ConnectionEvent::Listed {
            connections: engine.connections().await,
            problem: engine.connections_problem(),
        })],
        ConnectionCommand::Save { request, edit } => {
            let name = edit.profile.name.clone();
            let stored = engine.save_connection(edit).await?;
            vec![
                crate::Event::Connection(ConnectionEvent::Saved {
                    request,
                    name,
                    until_reboot: stored == Some(Persistence::UntilReboot),
                }),
                listed(engine).await,
            ]
        }
        ConnectionCommand::Remove { request, name } => {
            engine.remove_connection(&name).await?;
            vec![
                crate::Event::Connection(ConnectionEvent::Removed { request, name }),
                listed(engine).await,
            ]
        }
        ConnectionCommand::Test {
            request,
            profile,
            password,
        } => {
            let result = engine
                .test_connection(&profile, password)
                .await
                .map_err(|e| e.to_string());
            vec![crate::Event::Connection(ConnectionEvent::Tested {
                request,
                name: profile.name,
                result,
            })]
        }
        ConnectionCommand::Disconnect { name } => {
            engine.disconnect(&name).await;
            vec![crate::Event::Connection(ConnectionEvent::Disconnected {
                name,
            })]
        }
    })
}

/// The connection list as it stands, for the UI.
async fn listed(engine: &Engine) -> crate::Event {
    crate::Event::Connection(ConnectionEvent::Listed {
        connections: engine.connections().await,
        problem: engine.connections_problem(),
    })
}
