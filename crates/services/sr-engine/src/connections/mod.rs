//! The connection registry: every database the engine can open, by name.
//! The bundled demo database is always there as `demo`; every profile of
//! `connections.json` joins it, and the CLI's ad hoc URLs and SQLite files
//! join for the process that named them. Every feature (links, the
//! designer, the SQL editor, monitoring, scheduled jobs, auto-issues)
//! reaches a database through [`Engine::database`] by name, so each works
//! on any connection.
//!
//! Connections open lazily, on first use, each behind its own lock: a
//! server that does not answer delays only the work on that connection.
//! [`Engine::reload_connections`] re-reads the file (the watcher calls it
//! when the file changes, whoever wrote it) and closes the connections
//! whose profile changed or went, so the next use opens them anew.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex as SyncMutex, RwLock};

use serde::Serialize;
use sr_config::{ConnectionProfile, ConnectionsFile, load_connections};
use sr_db::Database;

use crate::{Engine, EngineError};

/// The name of the bundled demo connection.
pub const DEMO_CONNECTION: &str = "demo";

/// One connection as the UI and the CLI list it. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionInfo {
    pub name: String,
    /// The URL with any password hidden.
    pub url: String,
    /// `sqlite`, `postgres` or `mysql`.
    pub dialect: String,
    /// A label such as `production`, shown as a tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The demo database, or a URL given for this process only: not in
    /// connections.json, so it cannot be edited or removed.
    pub builtin: bool,
    /// `user@bastion:port` when the connection goes through SSH.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssh: Option<String>,
    /// The profile as connections.json holds it, for the connection
    /// manager to edit (it holds no secret: the password is a reference).
    /// `None` for the demo database and ad hoc URLs.
    #[serde(skip)]
    pub profile: Option<ConnectionProfile>,
}

impl ConnectionInfo {
    /// A connection known by name only, until the list arrives.
    pub fn named(name: &str) -> ConnectionInfo {
        ConnectionInfo {
            name: name.to_owned(),
            url: String::new(),
            dialect: String::new(),
            environment: None,
            builtin: name == DEMO_CONNECTION,
            ssh: None,
            profile: None,
        }
    }
}

/// Where a connection's definition comes from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Source {
    Demo,
    Profile(ConnectionProfile),
    /// A URL the CLI was given (`--db postgres://…`), named by its
    /// password-free form.
    AdHoc {
        url: String,
    },
}

impl Source {
    fn info(&self, name: &str, demo_path: &Path) -> ConnectionInfo {
        match self {
            Source::Demo => ConnectionInfo {
                name: name.to_owned(),
                url: format!("sqlite://{}", demo_path.display()),
                dialect: "sqlite".into(),
                environment: None,
                builtin: true,
                ssh: None,
                profile: None,
            },
            Source::Profile(p) => ConnectionInfo {
                name: name.to_owned(),
                url: sr_db::redact_url(&p.url),
                dialect: p.dialect().unwrap_or("unknown").to_owned(),
                environment: p.environment.clone(),
                builtin: false,
                ssh: profile_ssh(p),
                profile: Some(p.clone()),
            },
            Source::AdHoc { url } => ConnectionInfo {
                name: name.to_owned(),
                url: sr_db::redact_url(url),
                dialect: sr_config::dialect_name(url).unwrap_or("unknown").to_owned(),
                environment: None,
                builtin: true,
                ssh: None,
                profile: None,
            },
        }
    }
}

/// How a profile reaches its database through SSH, for display.
fn profile_ssh(profile: &ConnectionProfile) -> Option<String> {
    profile
        .ssh
        .as_ref()
        .map(|s| format!("{}@{}:{}", s.user, s.host, s.port))
}

/// One connection's open database, opened at most once at a time.
#[derive(Debug)]
struct Slot {
    source: Source,
    open: tokio::sync::Mutex<Option<Arc<Database>>>,
}

/// The registry's state: the definitions and their slots.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    /// Definitions in list order: demo, the profiles, the ad hoc ones.
    sources: RwLock<Vec<(String, Source)>>,
    /// Why connections.json could not be read last time, if it could not;
    /// the profiles read before stay in use meanwhile.
    problem: RwLock<Option<String>>,
    slots: SyncMutex<HashMap<String, Arc<Slot>>>,
}

/// What a reload changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionsChanged {
    /// Connections added, changed or removed, by name.
    pub names: Vec<String>,
}

impl ConnectionsChanged {
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

impl Registry {
    pub(crate) fn new(file: Result<ConnectionsFile, String>) -> Registry {
        let registry = Registry::default();
        registry.replace_profiles(file);
        registry
    }

    /// Installs a new read of connections.json; returns the names whose
    /// definition changed. A failed read keeps the profiles as they were.
    fn replace_profiles(&self, file: Result<ConnectionsFile, String>) -> ConnectionsChanged {
        let file = match file {
            Ok(f) => {
                *write(&self.problem) = None;
                f
            }
            Err(problem) => {
                *write(&self.problem) = Some(problem);
                return ConnectionsChanged::default();
            }
        };
        let mut sources = write(&self.sources);
        let before: HashMap<String, Source> = sources.iter().cloned().collect();
        let ad_hoc: Vec<(String, Source)> = sources
            .iter()
            .filter(|(_, s)| matches!(s, Source::AdHoc { .. }))
            .cloned()
            .collect();
        let mut next = vec![(DEMO_CONNECTION.to_owned(), Source::Demo)];
        next.extend(
            file.connections
                .into_iter()
                .filter(|p| p.name != DEMO_CONNECTION)
                .map(|p| (p.name.clone(), Source::Profile(p))),
        );
        for (name, s) in ad_hoc {
            if !next.iter().any(|(n, _)| *n == name) {
                next.push((name, s));
            }
        }
        let mut changed: Vec<String> = next
            .iter()
            .filter(|(n, s)| before.get(n) != Some(s))
            .map(|(n, _)| n.clone())
            .collect();
        changed.extend(
            before
                .keys()
                .filter(|n| !next.iter().any(|(m, _)| m == *n))
                .cloned(),
        );
        changed.sort();
        *sources = next;
        ConnectionsChanged { names: changed }
    }

    fn source(&self, name: &str) -> Option<Source> {
        read(&self.sources)
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.clone())
    }

    fn names(&self) -> Vec<String> {
        read(&self.sources).iter().map(|(n, _)| n.clone()).collect()
    }

    /// The slot of `name` for `source`, a fresh one when the definition
    /// changed since the slot was made.
    fn slot(&self, name: &str, source: &Source) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        match slots.get(name) {
            Some(slot) if slot.source == *source => slot.clone(),
            _ => {
                let slot = Arc::new(Slot {
                    source: source.clone(),
                    open: tokio::sync::Mutex::new(None),
                });
                slots.insert(name.to_owned(), slot.clone());
                slot
            }
        }
    }

    /// Forgets the slots of `names`; returns their open databases to close.
    fn take(&self, names: &[String]) -> Vec<Arc<Slot>> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        names.iter().filter_map(|n| slots.remove(n)).collect()
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|p| p.into_inner())
}

/// Reads connections.json for the registry: the file, or why it cannot be
/// used.
pub(crate) fn read_profiles(path: &Path) -> Result<ConnectionsFile, String> {
    load_connections(path).map_err(|e| e.to_string())
}

impl Engine {
    /// Every connection, in the order the explorer lists them: the demo
    /// database, the profiles of connections.json, then URLs given ad hoc.
    pub async fn connections(&self) -> Vec<ConnectionInfo> {
        let demo = self.options().paths.demo_db_path();
        read(&self.connection_registry().sources)
            .iter()
            .map(|(name, source)| source.info(name, &demo))
            .collect()
    }

    /// Why connections.json could not be read, when it could not (the
    /// profiles read before stay in use).
    pub fn connections_problem(&self) -> Option<String> {
        read(&self.connection_registry().problem).clone()
    }

    /// The profile of `name` as connections.json has it.
    pub fn connection_profile(&self, name: &str) -> Option<ConnectionProfile> {
        match self.connection_registry().source(name)? {
            Source::Profile(p) => Some(p),
            _ => None,
        }
    }

    /// Re-reads connections.json. Connections whose profile changed or
    /// went are closed (and their cached schema dropped); the next use
    /// opens them with the new profile.
    pub async fn reload_connections(&self) -> ConnectionsChanged {
        let file = read_profiles(&self.paths().connections_file());
        let changed = self.connection_registry().replace_profiles(file);
        if !changed.is_empty() {
            tracing::info!(connections = ?changed.names, "connections changed");
            self.close_connections(&changed.names).await;
        }
        changed
    }

    /// Closes `names`' open databases and drops their cached schemas; the
    /// next use opens them again.
    pub async fn close_connections(&self, names: &[String]) {
        for slot in self.connection_registry().take(names) {
            if let Some(db) = slot.open.lock().await.take() {
                db.close().await;
            }
        }
        self.forget_snapshots(names).await;
    }

    /// The open database of a connection, opened on first use.
    pub async fn database(&self, connection: &str) -> Result<Arc<Database>, EngineError> {
        let registry = self.connection_registry();
        let Some(source) = registry.source(connection) else {
            return Err(unknown_connection(connection, &registry.names()));
        };
        let slot = registry.slot(connection, &source);
        let mut open = slot.open.lock().await;
        if let Some(db) = open.as_ref() {
            return Ok(db.clone());
        }
        let db = Arc::new(self.open_source(connection, &source).await?);
        *open = Some(db.clone());
        Ok(db)
    }

    async fn open_source(&self, name: &str, source: &Source) -> Result<Database, EngineError> {
        match source {
            Source::Demo => Ok(Database::open_sqlite(&self.demo_path().await?).await?),
            Source::AdHoc { url } => Ok(Database::connect(url).await?),
            Source::Profile(p) => open_profile(name, p, self.resolver()).await,
        }
    }

    /// What a `--db` argument names: a connection, or a database URL or
    /// SQLite file, which joins the registry for this process under its
    /// password-free URL. `None` when `arg` is none of these. Nothing is
    /// opened yet.
    pub async fn connection_target(&self, arg: &str) -> Option<ConnectionInfo> {
        let name = if self.connection_registry().source(arg).is_some() {
            arg.to_owned()
        } else {
            self.add_ad_hoc(&ad_hoc_url(arg)?)
        };
        self.connections()
            .await
            .into_iter()
            .find(|c| c.name == name)
    }

    /// Registers `url` for this process; returns the name it goes by.
    fn add_ad_hoc(&self, url: &str) -> String {
        let name = sr_db::redact_url(url);
        let mut sources = write(&self.connection_registry().sources);
        if !sources.iter().any(|(n, _)| *n == name) {
            sources.push((
                name.clone(),
                Source::AdHoc {
                    url: url.to_owned(),
                },
            ));
        }
        name
    }

    /// The names a user may give, for messages.
    pub fn connection_names(&self) -> Vec<String> {
        self.connection_registry().names()
    }
}

/// The URL `arg` names when it is a database URL or an SQLite file.
fn ad_hoc_url(arg: &str) -> Option<String> {
    if sr_config::dialect_name(arg).is_some() && (arg.contains("://") || arg.starts_with("sqlite:"))
    {
        return Some(arg.to_owned());
    }
    is_sqlite_file(Path::new(arg)).then(|| format!("sqlite://{arg}"))
}

/// Whether `path` is a file that starts with SQLite's header.
fn is_sqlite_file(path: &Path) -> bool {
    use std::io::Read;
    let mut header = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut header))
        .is_ok_and(|()| &header == b"SQLite format 3\0")
}

/// The error for a name no connection has, with the closest known name.
pub(crate) fn unknown_connection(name: &str, known: &[String]) -> EngineError {
    let suggestion = sr_tracker::unusable::did_you_mean(name, known);
    EngineError::UnknownConnection {
        name: name.to_owned(),
        known: known.join(", "),
        suggestion,
    }
}

mod open;
#[cfg(test)]
mod tests;

pub(crate) use open::{open_profile, open_profile_with, profile_password};
pub use open::{password_entry, password_problem, ssh_tunnel};
