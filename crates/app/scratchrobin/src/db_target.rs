//! What a `--db CONN_OR_URL` argument names, and opening it, through the
//! engine's connection registry: a connection (`demo`, a profile of
//! `connections.json`), a database URL or an SQLite file. Every command
//! with a `--db` uses [`target`] and [`connect`], so each reaches the
//! database the way the workbench does (password from the keyring or the
//! environment, TLS, SSH).

use std::sync::Arc;

use sr_db::Database;
use sr_engine::{ConnectionInfo, Engine};

/// What a `--db` argument names, before connecting.
#[derive(Debug, Clone)]
pub struct Target {
    pub info: ConnectionInfo,
}

impl Target {
    /// The name reports use: the connection's name with its environment
    /// label (`shop (production)`), or the URL without its password.
    pub fn label(&self) -> String {
        match &self.info.environment {
            Some(env) => format!("{} ({env})", self.info.name),
            None => self.info.name.clone(),
        }
    }

    /// The environment label of a profile, if it has one.
    pub fn environment(&self) -> Option<&str> {
        self.info.environment.as_deref()
    }

    /// The name the registry knows it by (baselines are stored under it).
    pub fn name(&self) -> &str {
        &self.info.name
    }
}

/// Reads what `arg` names: a connection, a URL or an SQLite file. `None`
/// when it names none of these (the caller may try a snapshot file or a
/// directory).
pub async fn target(engine: &Engine, arg: &str) -> anyhow::Result<Option<Target>> {
    Ok(engine
        .connection_target(arg)
        .await
        .map(|info| Target { info }))
}

/// Opens what `arg` names: `demo`, a profile name, a database URL or an
/// SQLite file.
pub async fn open_database(engine: &Engine, arg: &str) -> anyhow::Result<Arc<Database>> {
    match target(engine, arg).await? {
        Some(t) => connect(engine, &t).await,
        None => Err(unknown(engine, arg).await),
    }
}

/// Connects to a target.
pub async fn connect(engine: &Engine, target: &Target) -> anyhow::Result<Arc<Database>> {
    Ok(engine.database(&target.info.name).await?)
}

pub(crate) async fn unknown(engine: &Engine, arg: &str) -> anyhow::Error {
    let known = engine.connection_names().join(", ");
    let problem = engine
        .connections_problem()
        .map(|p| format!("\nnote: connections.json was not read: {p}"))
        .unwrap_or_default();
    anyhow::anyhow!(
        "`{arg}` is neither a connection ({known}) nor a database URL (sqlite://, postgres://, mysql://) \
         nor an SQLite file; add it with `scratchrobin connection add NAME URL`{problem}"
    )
}

/// The database's own error inside `e`, when the failure is one.
pub fn db_error(e: &anyhow::Error) -> Option<&sr_db::DbError> {
    e.downcast_ref::<sr_db::DbError>()
        .or(match e.downcast_ref::<sr_engine::EngineError>() {
            Some(sr_engine::EngineError::Db(db)) => Some(db),
            _ => None,
        })
}
