//! `connection add|list|test|remove`: named database profiles kept in
//! `connections.json`, passwords in the OS keyring, the encrypted secrets
//! file (`--encrypted`) or `${ENV}`; a password the keyring would forget at
//! reboot is warned about when it is stored and when it is tested.

use std::process::ExitCode;

use serde::Serialize;
use sr_config::{
    ConnectionProfile, check_connection_name, dialect_name, load_connections, split_url_password,
};
use sr_db::DbError;
use sr_db::health::{self, HealthConfig};
use sr_engine::{ConnectionEdit, Engine, EngineError};
use sr_secrets::{Secret, SecretRef};

use crate::connection_ssh::SshArgs;
use crate::db_target::{connect, target, unknown};
use crate::output;

/// `connection add NAME URL [--env LABEL] [--password-env VAR] [--ssh …]`.
pub async fn add(
    engine: &Engine,
    name: &str,
    url: &str,
    environment: Option<String>,
    password_env: Option<String>,
    encrypted: bool,
    ssh_args: &SshArgs,
) -> anyhow::Result<()> {
    check_connection_name(name).map_err(|why| anyhow::anyhow!("{why}"))?;
    let ssh = ssh_args.settings()?;
    if ssh.is_some() && dialect_name(url) == Some("sqlite") {
        anyhow::bail!("an SQLite file is opened where it lies, not through SSH; leave out --ssh");
    }
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
    let (reference, typed) = match (in_url, password_env) {
        (Some(_), Some(_)) => anyhow::bail!(
            "the URL holds a password and --password-env names another; give the password one way"
        ),
        (Some(secret), None) => (None, Some(Secret::new(secret))),
        (None, Some(var)) => {
            let var = var.trim_start_matches('$').trim_matches(['{', '}']);
            if var.is_empty() || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                anyhow::bail!("--password-env takes a variable name such as SHOP_DB_PASSWORD");
            }
            (Some(SecretRef::Env(format!("${{{var}}}"))), None)
        }
        (None, None) if encrypted => {
            anyhow::bail!("--encrypted keeps the password from the URL; the URL holds none")
        }
        (None, None) => (None, None),
    };
    let previous = engine.connection_profile(name).map(|p| p.name);
    let stored = engine
        .save_connection(ConnectionEdit {
            previous,
            profile: ConnectionProfile {
                name: name.to_owned(),
                url: clean,
                password: reference,
                environment,
                ssh: ssh.map(Box::new),
            },
            password: typed,
            encrypted,
        })
        .await
        .map_err(|e| match e {
            EngineError::ConnectionSecret { .. } => {
                anyhow::anyhow!(
                    "{e}; the password could not be stored, use --password-env VAR instead"
                )
            }
            other => other.into(),
        })?;
    let kept = match engine.connection_profile(name).and_then(|p| p.password) {
        Some(SecretRef::Keyring(e)) => format!("; password in the keyring as {e}"),
        Some(SecretRef::Encrypted(e)) => {
            format!("; password in the encrypted secrets file as {e}")
        }
        Some(r) => format!("; password from {}", r.describe()),
        None => String::new(),
    };
    let via = engine
        .connection_profile(name)
        .and_then(|p| p.ssh)
        .map(|s| format!("; through SSH bastion {}@{}:{}", s.user, s.host, s.port))
        .unwrap_or_default();
    println!(
        "connection {name} saved to {}{kept}{via}",
        engine.paths().connections_file().display()
    );
    if let Some(lives) = stored {
        crate::secret_cmd::warn_if_forgotten(&format!("the password of `{name}`"), lives);
    }
    Ok(())
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
    // A broken file is an error here: listing is how a user finds it.
    let file = load_connections(&engine.paths().connections_file())?;
    let rows: Vec<Listed> = engine
        .connections()
        .await
        .into_iter()
        .map(|c| Listed {
            dialect: dialect_name(&c.url),
            password: file
                .find(&c.name)
                .and_then(|p| p.password.as_ref())
                .map(SecretRef::describe),
            name: c.name,
            url: c.url,
            environment: c.environment,
            builtin: c.builtin,
        })
        .collect();
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
    if engine.connection_profile(name).is_none() {
        let path = engine.paths().connections_file();
        let known: Vec<String> = load_connections(&path)?
            .connections
            .into_iter()
            .map(|c| c.name)
            .collect();
        anyhow::bail!(
            "no connection `{name}` in {} (known: {}); `scratchrobin connection list` shows them",
            path.display(),
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        );
    }
    engine.remove_connection(name).await?;
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
    /// Whether the connection went through the profile's SSH bastion.
    via_ssh: bool,
    /// The password lives only until reboot (the kernel keyring).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    until_reboot: bool,
}

/// `connection test NAME [--json]`: exit 0 when it connects and answers,
/// 1 with the diagnosis (cause and fix) when it does not.
pub async fn test(engine: &Engine, name: &str, json: bool) -> anyhow::Result<ExitCode> {
    let Some(target) = target(engine, name).await? else {
        return Err(unknown(engine, name).await);
    };
    let url = target.info.url.clone();
    let mut report = Tested {
        name: name.to_owned(),
        url,
        environment: target.environment().map(str::to_owned),
        ok: false,
        cause: None,
        fix: None,
        latency_ms: None,
        server_version: None,
        via_ssh: false,
        until_reboot: false,
    };
    // Only a profile has a stored password; its file says where it is.
    let password = load_connections(&engine.paths().connections_file())
        .ok()
        .and_then(|f| f.connections.into_iter().find(|c| c.name == name))
        .and_then(|p| p.password);
    if let Some(r) = password {
        report.until_reboot = !engine.until_reboot(vec![r]).await.is_empty();
    }
    match connect(engine, &target).await {
        Ok(db) => {
            let check = health::connectivity(&db, &HealthConfig::default()).await;
            report.ok = check.evidence.get("error").is_none();
            report.latency_ms = check.evidence.get("latency_ms").cloned();
            report.server_version = Some(db.server_version().into());
            report.via_ssh = db.tunnelled();
            if !report.ok {
                report.cause = Some(check.summary.clone());
                report.fix = Some("check the server's log and the user's privileges".into());
            }
        }
        Err(e) => {
            let (cause, fix) = diagnosis(&e, name);
            report.cause = Some(cause);
            report.fix = Some(fix);
        }
    }
    if json {
        output::json(&report)?;
    } else if report.ok {
        println!(
            "ok: {} ({}{}) answers in {} ms (round trip); {}",
            report.name,
            report.url,
            if report.via_ssh {
                ", through the SSH bastion"
            } else {
                ""
            },
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
    if report.until_reboot {
        eprintln!(
            "warning: {}",
            sr_engine::until_reboot_note(&format!("the password of `{name}`"))
        );
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The cause and the fix of a failed connection: the database's own
/// diagnosis, or why the profile's password could not be read.
fn diagnosis(e: &anyhow::Error, name: &str) -> (String, String) {
    if let Some(DbError::Connect { cause, fix, .. }) = crate::db_target::db_error(e) {
        return (cause.clone(), fix.clone());
    }
    match e.downcast_ref::<EngineError>() {
        Some(EngineError::ConnectionSecret { name, source }) => {
            sr_engine::password_problem(name, source)
        }
        _ => (
            format!("{e:#}"),
            format!("correct the connection with `scratchrobin connection add {name} URL`"),
        ),
    }
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
}
