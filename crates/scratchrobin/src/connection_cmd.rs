//! `connection add|list|test|remove`: named database profiles kept in
//! `connections.json`, passwords in the OS keyring (or `${ENV}`); and
//! [`open_database`], which every `--db CONN_OR_URL` argument goes
//! through: a built-in connection (`demo`), a profile, a database URL or
//! an SQLite file.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use serde::Serialize;
use sr_config::{
    ConnectionProfile, check_connection_name, dialect_name, load_connections, save_connections,
    split_url_password,
};
use sr_db::health::{self, HealthConfig};
use sr_db::{Database, DbError};
use sr_engine::Engine;
use sr_secrets::{Keyring, Secret, SecretRef};

use crate::output;

/// The keyring entry holding a profile's password.
pub fn keyring_entry(name: &str) -> String {
    format!("connection/{name}")
}

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

/// `connection add NAME URL [--env LABEL] [--password-env VAR]`.
pub async fn add(
    engine: &Engine,
    name: &str,
    url: &str,
    environment: Option<String>,
    password_env: Option<String>,
) -> anyhow::Result<()> {
    check_connection_name(name).map_err(|why| anyhow::anyhow!("{why}"))?;
    if dialect_name(url).is_none() {
        anyhow::bail!(
            "`{}` is not a database URL; write sqlite://PATH, postgres://USER@HOST:PORT/DB or mysql://USER@HOST:PORT/DB",
            sr_db::redact_url(url)
        );
    }
    if environment.as_deref().is_some_and(|e| e.trim().is_empty()) {
        anyhow::bail!("--env is empty; give a label such as production, or leave it out");
    }
    let (clean, in_url) = match split_url_password(url) {
        Some((clean, password)) => (clean, Some(percent_decode(&password))),
        None => (url.to_owned(), None),
    };
    let entry = keyring_entry(name);
    let keyring = engine.resolver().keyring().clone();
    let password = match (in_url, password_env) {
        (Some(_), Some(_)) => anyhow::bail!(
            "the URL holds a password and --password-env names another; give the password one way"
        ),
        (Some(secret), None) => {
            let e = entry.clone();
            tokio::task::spawn_blocking(move || keyring.set(&e, &Secret::new(secret)))
                .await?
                .context("the password could not be stored in the keyring; use --password-env VAR instead")?;
            Some(SecretRef::Keyring(entry.clone()))
        }
        (None, Some(var)) => {
            let var = var.trim_start_matches('$').trim_matches(['{', '}']);
            if var.is_empty() || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                anyhow::bail!("--password-env takes a variable name such as SHOP_DB_PASSWORD");
            }
            Some(SecretRef::Env(format!("${{{var}}}")))
        }
        (None, None) => None,
    };
    let path = engine.paths().connections_file();
    let mut file = load_connections(&path)?;
    let profile = ConnectionProfile {
        name: name.to_owned(),
        url: clean,
        password: password.clone(),
        environment,
    };
    let replaced = file.upsert(profile);
    save_connections(&path, &file)?;
    // A replaced profile's keyring entry that is no longer referenced goes.
    if replaced.is_some_and(|r| r.password == Some(SecretRef::Keyring(entry.clone())))
        && password != Some(SecretRef::Keyring(entry.clone()))
    {
        forget(engine, &entry).await;
    }
    let kept = match &password {
        Some(SecretRef::Keyring(e)) => format!("; password in the keyring as {e}"),
        Some(r) => format!("; password from {}", r.describe()),
        None => String::new(),
    };
    println!("connection {name} saved to {}{kept}", path.display());
    Ok(())
}

/// Removes a keyring entry; failing to is only worth a warning.
async fn forget(engine: &Engine, entry: &str) {
    let keyring: Keyring = engine.resolver().keyring().clone();
    let e = entry.to_owned();
    let removed = tokio::task::spawn_blocking(move || keyring.delete(&e)).await;
    if !matches!(removed, Ok(Ok(()))) {
        eprintln!("warning: the keyring entry {entry} could not be removed");
    }
}

/// One line of `connection list --json`.
#[derive(Debug, Serialize)]
struct Listed {
    name: String,
    dialect: Option<&'static str>,
    url: String,
    environment: Option<String>,
    password: Option<String>,
    builtin: bool,
}

/// `connection list [--json]`: the built-in connections, then the profiles.
pub async fn list(engine: &Engine, json: bool) -> anyhow::Result<()> {
    let mut rows: Vec<Listed> = engine
        .connections()
        .await
        .into_iter()
        .map(|c| Listed {
            dialect: dialect_name(&c.url),
            name: c.name,
            url: c.url,
            environment: None,
            password: None,
            builtin: true,
        })
        .collect();
    let file = load_connections(&engine.paths().connections_file())?;
    rows.extend(file.connections.into_iter().map(|p| Listed {
        dialect: dialect_name(&p.url),
        password: p.password.as_ref().map(SecretRef::describe),
        name: p.name,
        url: p.url,
        environment: p.environment,
        builtin: false,
    }));
    if json {
        return output::json(&rows);
    }
    for r in &rows {
        let env = r
            .environment
            .as_deref()
            .unwrap_or(if r.builtin { "built-in" } else { "-" });
        println!(
            "{:<16} {:<8} {:<12} {}{}",
            r.name,
            r.dialect.unwrap_or("?"),
            env,
            r.url,
            r.password
                .as_ref()
                .map(|p| format!("  (password: {p})"))
                .unwrap_or_default()
        );
    }
    Ok(())
}

/// `connection remove NAME`: the profile and its keyring entry.
pub async fn remove(engine: &Engine, name: &str) -> anyhow::Result<()> {
    let path = engine.paths().connections_file();
    let mut file = load_connections(&path)?;
    let Some(removed) = file.remove(name) else {
        let known: Vec<&str> = file.connections.iter().map(|c| c.name.as_str()).collect();
        anyhow::bail!(
            "no connection `{name}` in {} (known: {}); `scratchrobin connection list` shows them",
            path.display(),
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        );
    };
    save_connections(&path, &file)?;
    if let Some(SecretRef::Keyring(entry)) = &removed.password {
        forget(engine, entry).await;
    }
    println!("connection {name} removed");
    Ok(())
}

/// `connection test --json` output.
#[derive(Debug, Serialize)]
struct Tested {
    name: String,
    url: String,
    environment: Option<String>,
    ok: bool,
    cause: Option<String>,
    fix: Option<String>,
    latency_ms: Option<serde_json::Value>,
    server_version: Option<serde_json::Value>,
}

/// `connection test NAME [--json]`: exit 0 when it connects and answers,
/// 1 with the diagnosis (cause and fix) when it does not.
pub async fn test(engine: &Engine, name: &str, json: bool) -> anyhow::Result<ExitCode> {
    let Some(target) = target(engine, name).await? else {
        return Err(unknown(engine, name).await);
    };
    let url = match &target {
        Target::Builtin(n) => engine
            .connections()
            .await
            .into_iter()
            .find(|c| &c.name == n)
            .map(|c| c.url)
            .unwrap_or_default(),
        Target::Profile(p) => p.url.clone(),
        Target::Url(u) => sr_db::redact_url(u),
    };
    let mut report = Tested {
        name: name.to_owned(),
        url,
        environment: target.environment().map(str::to_owned),
        ok: false,
        cause: None,
        fix: None,
        latency_ms: None,
        server_version: None,
    };
    match connect(engine, &target).await {
        Ok(db) => {
            let check = health::connectivity(&db, &HealthConfig::default()).await;
            report.ok = check.evidence.get("error").is_none();
            report.latency_ms = check.evidence.get("latency_ms").cloned();
            report.server_version = check.evidence.get("server_version").cloned();
            if !report.ok {
                report.cause = Some(check.summary.clone());
                report.fix = Some("check the server's log and the user's privileges".into());
            }
        }
        Err(e) => {
            let (cause, fix) = match e.downcast_ref::<DbError>() {
                Some(DbError::Connect { cause, fix, .. }) => (cause.clone(), fix.clone()),
                _ => (
                    format!("{e:#}"),
                    "correct the connection with `scratchrobin connection add`".to_owned(),
                ),
            };
            report.cause = Some(cause);
            report.fix = Some(fix);
        }
    }
    if json {
        output::json(&report)?;
    } else if report.ok {
        println!(
            "ok: {} ({}) answers in {} ms; {}",
            report.name,
            report.url,
            report.latency_ms.clone().unwrap_or_default(),
            report
                .server_version
                .as_ref()
                .and_then(|v| v.as_str())
                .unwrap_or("unknown version")
        );
    } else {
        println!("FAILED: {} ({})", report.name, report.url);
        println!("  cause: {}", report.cause.as_deref().unwrap_or(""));
        println!("  fix:   {}", report.fix.as_deref().unwrap_or(""));
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Decodes `%XX` escapes (a URL's password is written percent-encoded).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let value = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(value as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_passwords_are_percent_decoded() {
        let cases = [
            ("plain", "plain"),
            ("p%40ss%3Aw", "p@ss:w"),
            ("100%", "100%"),
            ("%zz%41", "%zzA"),
            ("caf%C3%A9", "café"),
        ];
        for (given, expected) in cases {
            assert_eq!(percent_decode(given), expected, "{given}");
        }
    }

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
