//! What a `--db CONN_OR_URL` argument names, and opening it: a built-in
//! connection (`demo`), a profile from `connections.json` (its password
//! read from the keyring or the environment), a database URL, or an
//! SQLite file. [`open_database`] is the one resolver every command with a
//! `--db` uses.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use sr_config::{ConnectionProfile, load_connections};
use sr_db::Database;
use sr_engine::Engine;
use sr_secrets::Secret;

/// What a `--db` argument names, before connecting.
#[derive(Debug, Clone)]
pub enum Target {
    /// A connection the engine always has (`demo`).
    Builtin(String),
    /// A profile from `connections.json`.
    Profile(ConnectionProfile),
    /// A database URL given as is.
    Url(String),
}

impl Target {
    /// The name reports use: the profile's name with its environment
    /// label (`shop (production)`), the built-in name, or the URL without
    /// its password.
    pub fn label(&self) -> String {
        match self {
            Target::Builtin(name) => name.clone(),
            Target::Profile(p) => match &p.environment {
                Some(env) => format!("{} ({env})", p.name),
                None => p.name.clone(),
            },
            Target::Url(url) => sr_db::redact_url(url),
        }
    }

    /// The environment label of a profile, if it has one.
    pub fn environment(&self) -> Option<&str> {
        match self {
            Target::Profile(p) => p.environment.as_deref(),
            _ => None,
        }
    }
}

/// Reads what `arg` names: a built-in connection, a profile, a URL or an
/// SQLite file (`sqlite://` URL made of its path). `None` when it names
/// none of these (the caller may try a snapshot file or a directory).
pub async fn target(engine: &Engine, arg: &str) -> anyhow::Result<Option<Target>> {
    if engine.connections().await.iter().any(|c| c.name == arg) {
        return Ok(Some(Target::Builtin(arg.to_owned())));
    }
    let file = load_connections(&engine.paths().connections_file())?;
    if let Some(p) = file.find(arg) {
        return Ok(Some(Target::Profile(p.clone())));
    }
    if arg.contains("://") || arg.starts_with("sqlite:") {
        return Ok(Some(Target::Url(arg.to_owned())));
    }
    if is_sqlite_file(Path::new(arg)) {
        return Ok(Some(Target::Url(format!("sqlite://{arg}"))));
    }
    Ok(None)
}

/// Whether `path` is a file that starts with SQLite's header.
fn is_sqlite_file(path: &Path) -> bool {
    use std::io::Read;
    let mut header = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut header))
        .is_ok_and(|()| &header == b"SQLite format 3\0")
}

/// Opens what `arg` names: `demo`, a profile name, a database URL or an
/// SQLite file. A profile's password is read from the keyring or the
/// environment here.
pub async fn open_database(engine: &Engine, arg: &str) -> anyhow::Result<Arc<Database>> {
    match target(engine, arg).await? {
        Some(t) => connect(engine, &t).await,
        None => Err(unknown(engine, arg).await),
    }
}

/// Connects to a target.
pub async fn connect(engine: &Engine, target: &Target) -> anyhow::Result<Arc<Database>> {
    match target {
        Target::Builtin(name) => Ok(engine.database(name).await?),
        Target::Url(url) => Ok(Arc::new(Database::connect(url).await?)),
        Target::Profile(p) => {
            let password = profile_password(engine, p).await?;
            Ok(Arc::new(
                Database::connect_with_password(&p.url, password.as_ref()).await?,
            ))
        }
    }
}

/// Resolves a profile's password reference (blocking: the keyring may
/// talk to D-Bus).
async fn profile_password(
    engine: &Engine,
    p: &ConnectionProfile,
) -> anyhow::Result<Option<Secret>> {
    let Some(reference) = p.password.clone() else {
        return Ok(None);
    };
    let resolver = engine.resolver();
    let name = p.name.clone();
    tokio::task::spawn_blocking(move || resolver.resolve(&reference))
        .await?
        .map(Some)
        .with_context(|| format!("the password of connection `{name}` cannot be read"))
}

pub(crate) async fn unknown(engine: &Engine, arg: &str) -> anyhow::Error {
    let mut known: Vec<String> = engine
        .connections()
        .await
        .into_iter()
        .map(|c| c.name)
        .collect();
    if let Ok(file) = load_connections(&engine.paths().connections_file()) {
        known.extend(file.connections.into_iter().map(|c| c.name));
    }
    anyhow::anyhow!(
        "`{arg}` is neither a connection ({}) nor a database URL (sqlite://, postgres://, mysql://) \
         nor an SQLite file; add it with `scratchrobin connection add NAME URL`",
        known.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_files_are_told_by_their_header() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        std::fs::write(&db, b"SQLite format 3\0rest of the header").unwrap();
        let json = dir.path().join("snap.json");
        std::fs::write(&json, b"{\"format\": 1, \"objects\": []}").unwrap();
        assert!(is_sqlite_file(&db));
        assert!(!is_sqlite_file(&json));
        assert!(!is_sqlite_file(&dir.path().join("missing")));
        assert!(!is_sqlite_file(dir.path()));
    }
}
