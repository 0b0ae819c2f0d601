//! The connection manager's dialog as plain data: New Connection…, Edit
//! and Duplicate. The fields map to a profile URL through
//! `model::connection_url`; the name is checked as connections.json checks
//! it. A typed password travels beside the profile to the engine, which
//! puts it in the keyring; the profile only ever names where it lives.

mod ssh;
#[cfg(test)]
mod tests;

pub use ssh::SshFields;

use sr_config::{ConnectionProfile, check_connection_name};
use sr_engine::{ConnectionEdit, ConnectionInfo, ConnectionTest};
use sr_secrets::{Secret, SecretRef};

use crate::model::connection_url::{
    Dialect, Field, Problem, UrlFields, build_url, parse_url, url_problems,
};

/// What a test of the form's profile found, for the URL it was run on.
#[derive(Debug, Clone, PartialEq)]
pub struct TestOutcome {
    /// The URL tested; a later edit makes the outcome stale.
    pub url: String,
    pub result: Result<ConnectionTest, String>,
}

/// A password as typed: the text box edits it, debug output hides it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Typed(pub String);

impl std::fmt::Debug for Typed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "***" })
    }
}

/// The New / Edit / Duplicate connection dialog.
#[derive(Debug, Clone, Default)]
pub struct ConnectionDialog {
    /// The profile's name before this edit; `None` for a new one.
    pub previous: Option<String>,
    pub name: String,
    /// A label such as `production`; empty for none.
    pub environment: String,
    pub fields: UrlFields,
    /// A password typed now (goes to the keyring on save).
    pub password: Typed,
    /// Where the profile's password lives now (a keyring entry or an
    /// `${ENV}` reference); kept when no password is typed. Never read
    /// back into the field.
    pub stored_password: Option<SecretRef>,
    /// The "Paste a URL" box.
    pub paste: String,
    /// What pasting did, or why it could not.
    pub paste_note: Option<Result<String, String>>,
    /// Test or Save was pressed: empty required fields are shown too.
    pub attempted: bool,
    /// The request id of the test in flight, and the URL it tests.
    pub testing: Option<u64>,
    pub testing_url: String,
    pub test: Option<TestOutcome>,
    /// The request id of the save in flight.
    pub saving: Option<u64>,
    /// Why the last save failed.
    pub error: Option<String>,
    /// A hint shown at the top (a duplicate's password).
    pub note: Option<String>,
    /// The SSH tunnel section (servers only).
    pub ssh: SshFields,
}

impl ConnectionDialog {
    /// A new PostgreSQL connection with nothing filled in.
    pub fn new() -> ConnectionDialog {
        ConnectionDialog::default()
    }

    /// Edits `info`'s profile; `None` when it has none (the demo
    /// database, URLs given on the command line).
    pub fn edit(info: &ConnectionInfo) -> Option<ConnectionDialog> {
        let profile = info.profile.as_ref()?;
        let mut d = ConnectionDialog::from_url(&profile.url);
        d.previous = Some(profile.name.clone());
        d.name = profile.name.clone();
        d.environment = profile.environment.clone().unwrap_or_default();
        d.stored_password = profile.password.clone();
        d.ssh = SshFields::from_settings(profile.ssh.as_deref());
        Some(d)
    }

    /// A new connection like `info`, under a free name. A keyring entry
    /// is not shared (removing either would take it from both), so the
    /// password is asked again; an `${ENV}` reference is kept.
    pub fn duplicate(info: &ConnectionInfo, taken: &[&str]) -> ConnectionDialog {
        let url = info.profile.as_ref().map_or(&info.url, |p| &p.url);
        let mut d = ConnectionDialog::from_url(url);
        d.name = free_name(&format!("{}-copy", info.name), taken);
        d.environment = info.environment.clone().unwrap_or_default();
        d.ssh = SshFields::from_settings(info.profile.as_ref().and_then(|p| p.ssh.as_deref()));
        match info.profile.as_ref().and_then(|p| p.password.clone()) {
            Some(SecretRef::Keyring(_) | SecretRef::Encrypted(_)) => {
                d.note = Some(format!(
                    "Type the password again: {} keeps its own in the keyring.",
                    d.name
                ));
            }
            env => d.stored_password = env,
        }
        d
    }

    fn from_url(url: &str) -> ConnectionDialog {
        let mut d = ConnectionDialog::new();
        match parse_url(url) {
            Ok(parsed) => d.fields = parsed.fields,
            // A profile the form cannot read is shown as a URL to fix.
            Err(e) => {
                d.paste = url.to_owned();
                d.paste_note = Some(Err(e));
            }
        }
        d
    }

    /// Reads the "Paste a URL" box into the fields; a password in it
    /// moves to the password field and leaves the box.
    pub fn paste_url(&mut self) {
        match parse_url(&self.paste) {
            Ok(parsed) => {
                self.fields = parsed.fields;
                let note = match parsed.password {
                    Some(p) => {
                        self.password = Typed(p);
                        "Read the URL; its password moved to the password field and goes to the keyring on save."
                    }
                    None => "Read the URL into the fields.",
                };
                self.paste_note = Some(Ok(note.into()));
                self.paste.clear();
            }
            Err(e) => self.paste_note = Some(Err(e)),
        }
    }

    /// Switches the dialect: the port and TLS mode of the old one go.
    pub fn set_dialect(&mut self, dialect: Dialect) {
        if dialect == self.fields.dialect {
            return;
        }
        let f = &mut self.fields;
        if f.port.trim().parse::<u16>().ok() == f.dialect.default_port() {
            f.port.clear();
        }
        f.tls_mode.clear();
        f.dialect = dialect;
    }

    /// Every problem of the form; `taken` are the names other connections
    /// have.
    pub fn problems(&self, taken: &[&str]) -> Vec<Problem> {
        let mut out = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            out.push(Problem::missing(Field::Name, "Give the connection a name."));
        } else if let Err(e) = check_connection_name(name) {
            out.push(Problem::new(Field::Name, capitalise(&e)));
        } else if self.previous.as_deref() != Some(name) && taken.contains(&name) {
            out.push(Problem::new(
                Field::Name,
                format!("A connection named \"{name}\" exists already; choose another name."),
            ));
        }
        out.extend(url_problems(&self.fields));
        if self.fields.dialect != Dialect::Sqlite {
            out.extend(self.ssh.problems());
        }
        out
    }

    /// The problems to show now: all once the user tried to test or save,
    /// before that only the ones about what was typed.
    pub fn shown_problems(&self, taken: &[&str]) -> Vec<Problem> {
        let mut problems = self.problems(taken);
        if !self.attempted {
            problems.retain(|p| !p.missing);
        }
        problems
    }

    /// The URL the fields make, when they make one.
    pub fn url(&self) -> Option<String> {
        build_url(&self.fields).ok()
    }

    /// The profile the form describes.
    pub fn profile(&self, taken: &[&str]) -> Result<ConnectionProfile, Vec<Problem>> {
        let problems = self.problems(taken);
        if !problems.is_empty() {
            return Err(problems);
        }
        let url = build_url(&self.fields)?;
        let ssh = match self.fields.dialect {
            Dialect::Sqlite => None,
            _ => self.ssh.settings()?,
        };
        let environment = self.environment.trim();
        Ok(ConnectionProfile {
            name: self.name.trim().to_owned(),
            url,
            // A typed password replaces the reference; the engine names
            // the keyring entry it stores it under.
            password: if self.password.0.is_empty() {
                self.stored_password.clone()
            } else {
                None
            },
            environment: (!environment.is_empty()).then(|| environment.to_owned()),
            ssh,
        })
    }

    /// The password typed now, if any.
    pub fn typed_password(&self) -> Option<Secret> {
        (!self.password.0.is_empty()).then(|| Secret::new(self.password.0.clone()))
    }

    /// What Save sends.
    pub fn edit_request(&self, taken: &[&str]) -> Result<ConnectionEdit, Vec<Problem>> {
        Ok(ConnectionEdit {
            previous: self.previous.clone(),
            profile: self.profile(taken)?,
            password: self.typed_password(),
            // A typed password goes where the old one was kept.
            encrypted: matches!(self.stored_password, Some(SecretRef::Encrypted(_))),
        })
    }

    /// The test outcome, unless the fields changed since.
    pub fn current_test(&self) -> Option<&TestOutcome> {
        let url = self.url()?;
        self.test.as_ref().filter(|t| t.url == url)
    }

    /// How the stored password is shown in place of its value.
    pub fn stored_password_label(&self) -> Option<String> {
        Some(match self.stored_password.as_ref()? {
            SecretRef::Keyring(_) => "saved in keyring".to_owned(),
            SecretRef::Encrypted(_) => "saved in the encrypted secrets file".to_owned(),
            SecretRef::Env(template) => format!("from the environment: {template}"),
        })
    }
}

/// `base`, or `base-2`, `base-3`… whichever is not taken.
fn free_name(base: &str, taken: &[&str]) -> String {
    if !taken.contains(&base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|n| !taken.contains(&n.as_str()))
        .unwrap_or_else(|| base.to_owned())
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
