//! `connections.json`: named database connection profiles, read strictly
//! (every problem placed at its file, line and column, with the fix) and
//! written atomically. A profile's URL never holds a password: the password
//! is a [`SecretRef`] (`${ENV}` or a keyring entry). TLS settings live in
//! the URL's query; an SSH bastion in `ssh` ([`SshSettings`]).
//!
//! ```json
//! {"connections": [
//!   {"name": "shop-prod", "url": "postgres://app@db.example.com:5432/shop?sslmode=verify-full",
//!    "password": {"keyring": "connection/shop-prod"}, "environment": "production",
//!    "ssh": {"host": "bastion.example.com", "user": "deploy", "agent": true}}
//! ]}
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};
use sr_secrets::SecretRef;

use crate::atomic::write_atomically;
use crate::diagnose::{Doc, serde_message};
use crate::error::{ConfigError, ConfigErrorKind};
use crate::reading::{self, value_start};
use crate::spans::Node;
use crate::ssh::{SshSettings, check_passphrase, check_ssh};

/// Names a profile may not take: connections the workbench always has.
pub const RESERVED_CONNECTION_NAMES: &[&str] = &["demo"];

/// One named connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionProfile {
    /// Unique; used as `--db NAME` and in object keys (`NAME:schema.table`).
    pub name: String,
    /// `sqlite://PATH`, `postgres://USER@HOST:PORT/DB`,
    /// `mysql://…` or `mariadb://…`, without a password.
    pub url: String,
    /// Where the password lives; `None` for SQLite or password-less logins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<SecretRef>,
    /// A label such as `production`, shown in drift and health reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The SSH bastion the connection goes through, if any (boxed: most
    /// profiles have none, and profiles are kept in enums and maps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh: Option<Box<SshSettings>>,
}

impl ConnectionProfile {
    /// `sqlite`, `postgres` or `mysql`, from the URL's scheme.
    pub fn dialect(&self) -> Option<&'static str> {
        dialect_name(&self.url)
    }
}

/// The contents of `connections.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionsFile {
    pub connections: Vec<ConnectionProfile>,
}

impl ConnectionsFile {
    pub fn find(&self, name: &str) -> Option<&ConnectionProfile> {
        self.connections.iter().find(|c| c.name == name)
    }

    /// Adds `profile`, or replaces the one of the same name; returns the
    /// replaced one.
    pub fn upsert(&mut self, profile: ConnectionProfile) -> Option<ConnectionProfile> {
        match self.connections.iter_mut().find(|c| c.name == profile.name) {
            Some(existing) => Some(std::mem::replace(existing, profile)),
            None => {
                self.connections.push(profile);
                None
            }
        }
    }

    /// Removes the profile called `name`, returning it.
    pub fn remove(&mut self, name: &str) -> Option<ConnectionProfile> {
        let at = self.connections.iter().position(|c| c.name == name)?;
        Some(self.connections.remove(at))
    }
}

/// `sqlite`, `postgres` or `mysql` for a URL whose scheme names one.
pub fn dialect_name(url: &str) -> Option<&'static str> {
    let scheme = url.split_once(':')?.0.to_ascii_lowercase();
    match scheme.as_str() {
        "sqlite" => Some("sqlite"),
        "postgres" | "postgresql" => Some("postgres"),
        "mysql" | "mariadb" => Some("mysql"),
        _ => None,
    }
}

/// Splits the password out of a URL: the `user:PASSWORD@` of its authority
/// or a `password=` query parameter. Returns the URL without it and the
/// password (still percent-encoded as written), or `None` when the URL
/// holds none.
pub fn split_url_password(url: &str) -> Option<(String, String)> {
    if let Some(scheme_end) = url.find("://") {
        let auth_start = scheme_end + 3;
        let rest = &url[auth_start..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@')
            && let Some(colon) = rest[..at].find(':')
        {
            let password = rest[colon + 1..at].to_owned();
            let mut out = url.to_owned();
            out.replace_range(auth_start + colon..auth_start + at, "");
            return Some((out, password));
        }
    }
    let (head, query) = url.split_once('?')?;
    let mut password = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.split_once('=') {
            Some((k, v)) if k.eq_ignore_ascii_case("password") => {
                password = Some(v.to_owned());
                false
            }
            _ => true,
        })
        .collect();
    let password = password?;
    let url = if kept.is_empty() {
        head.to_owned()
    } else {
        format!("{head}?{}", kept.join("&"))
    };
    Some((url, password))
}

/// Why `name` cannot name a profile, if it cannot: empty, reserved, or
/// holding characters object keys use as separators.
pub fn check_connection_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("the name is empty; give the connection a unique name".into());
    }
    if RESERVED_CONNECTION_NAMES.contains(&name) {
        return Err(format!(
            "\"{name}\" is the built-in demo connection; choose another name"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!(
            "the name \"{name}\" contains {c:?}; use letters, digits, '-', '_' and '.' only"
        ));
    }
    Ok(())
}

/// Reads `path`; a missing file means no profiles. The first problem found
/// is returned; [`parse_connections`] returns all.
pub fn load_connections(path: &Path) -> Result<ConnectionsFile, ConfigError> {
    let Some(text) = reading::read_text(path, "the connections file")? else {
        return Ok(ConnectionsFile::default());
    };
    parse_connections(path, &text).map_err(|errors| reading::first(path, errors))
}

/// Checks `text`, the contents of `path`, and returns every problem found,
/// in file order (never an empty list).
pub fn parse_connections(path: &Path, text: &str) -> Result<ConnectionsFile, Vec<ConfigError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = reading::parse_root(
        path,
        text,
        "connections",
        r#"write {"connections": []}, or delete the file"#,
    )?;
    let doc = Doc {
        file: path,
        text,
        root: &root,
    };
    reading::read_list(
        &doc,
        &["connections"],
        "connection",
        |p: &ConnectionProfile| &p.name,
        |_, node, errors| check_entry(&doc, node, errors),
    )?
    .finish(|connections| ConnectionsFile { connections })
}

/// Reads one profile and checks its values; pushes what is wrong onto
/// `errors`.
fn check_entry(
    doc: &Doc<'_>,
    node: &Node,
    errors: &mut Vec<ConfigError>,
) -> Option<ConnectionProfile> {
    if !reading::objects_only(doc, [node], errors) {
        return None;
    }
    // The password on its own, so a plain-text one is reported at itself.
    if let Some(password) = node.member("password") {
        let slice = &doc.text[password.value.start..password.value.end];
        if let Err(e) = serde_json::from_str::<Option<SecretRef>>(slice) {
            errors.push(doc.value_error(password.value.start, &serde_message(&e)));
            return None;
        }
    }
    let ssh_node = node.member("ssh").map(|m| &m.value);
    if let Some(e) = ssh_node.and_then(|n| check_passphrase(doc, n)) {
        errors.push(e);
        return None;
    }
    let slice = &doc.text[node.start..node.end];
    let profile: ConnectionProfile = match serde_json::from_str(slice) {
        Ok(p) => p,
        Err(e) => {
            errors.push(doc.serde_error(&e, slice, node.start));
            return None;
        }
    };
    let connection = format!("connection \"{}\"", profile.name);
    if let Err(why) = check_connection_name(&profile.name) {
        errors.push(doc.error_at(
            ConfigErrorKind::InvalidValue,
            value_start(node, &["name"]),
            format!("bad value for \"name\" of {connection}: {why}"),
        ));
    }
    let url_at = value_start(node, &["url"]);
    if dialect_name(&profile.url).is_none() {
        errors.push(doc.error_at(
            ConfigErrorKind::InvalidValue,
            url_at,
            format!(
                "bad value for \"url\" of {connection}: the scheme is not sqlite, postgres, mysql or mariadb; \
                 write sqlite://PATH, postgres://USER@HOST:PORT/DB or mysql://USER@HOST:PORT/DB"
            ),
        ));
    } else if split_url_password(&profile.url).is_some() {
        errors.push(doc.error_at(
            ConfigErrorKind::InvalidValue,
            url_at,
            format!(
                "bad value for \"url\" of {connection}: the URL holds a password; remove it from the URL and \
                 write \"password\": \"${{ENV_VAR}}\" or {{\"keyring\": \"NAME\"}} \
                 (`scratchrobin connection add` moves it into the keyring for you)"
            ),
        ));
    }
    if profile
        .environment
        .as_deref()
        .is_some_and(|e| e.trim().is_empty())
    {
        errors.push(doc.error_at(
            ConfigErrorKind::InvalidValue,
            value_start(node, &["environment"]),
            format!(
                "bad value for \"environment\" of {connection}: it is empty; write a label such as \"production\" or remove the field"
            ),
        ));
    }
    if let (Some(ssh), Some(ssh_node)) = (&profile.ssh, ssh_node) {
        let sqlite = profile.dialect() == Some("sqlite");
        check_ssh(doc, ssh, ssh_node, &connection, sqlite, errors);
    }
    Some(profile)
}

/// Writes `file` to `path` as pretty JSON, atomically. Only references to
/// passwords are written, never their values.
pub fn save_connections(path: &Path, file: &ConnectionsFile) -> Result<(), ConfigError> {
    let mut json = serde_json::to_string_pretty(file).map_err(|e| {
        ConfigError::at_file(
            ConfigErrorKind::InvalidValue,
            path,
            format!("cannot write the connections as JSON: {e}"),
        )
    })?;
    json.push('\n');
    write_atomically(path, json.as_bytes(), ".connections.")
}

/// Reads `path`, lets `change` edit the profiles, and writes the result
/// atomically, all under an exclusive lock on `connections.json.lock`
/// beside it: the CLI, the workbench and `serve` may edit the file at the
/// same moment and no edit is lost. `change` returning an error leaves
/// the file as it was.
pub fn update_connections<T, E>(
    path: &Path,
    change: impl FnOnce(&mut ConnectionsFile) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<ConfigError>,
{
    let _lock = crate::atomic::lock_beside(path)?;
    let mut file = load_connections(path)?;
    let out = change(&mut file)?;
    save_connections(path, &file)?;
    Ok(out)
}
