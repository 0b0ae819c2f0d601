//! The connection manager's actions: New Connection…, Edit, Duplicate,
//! Remove (after a confirmation), Test, Disconnect, and the engine's
//! answers to them. Each command carries a request id, so an answer finds
//! the dialog that asked and a stale one (the dialog was closed or asked
//! again) is told apart.

use sr_engine::{Command, ConnectionCommand, ConnectionEvent};

use super::{ConnectionDialog, Dialog, JobKind, Load, Tab, TestOutcome, ToastLevel, UiState};

impl UiState {
    /// The names other connections have, for the dialog's duplicate check.
    fn taken_names(&self) -> Vec<String> {
        self.connections
            .iter()
            .map(|c| c.info.name.clone())
            .collect()
    }

    fn connection_dialog(&mut self) -> Option<&mut ConnectionDialog> {
        match &mut self.dialog {
            Some(Dialog::Connection(d)) => Some(d),
            _ => None,
        }
    }

    /// File → New Connection… (Ctrl+Shift+N).
    pub fn open_new_connection(&mut self) {
        self.dialog = Some(Dialog::Connection(Box::new(ConnectionDialog::new())));
    }

    /// Edit: the connection's profile in the dialog (not for the demo
    /// database or URLs given on the command line).
    pub fn edit_connection(&mut self, name: &str) {
        let Some(conn) = self.connection(name) else {
            return;
        };
        match ConnectionDialog::edit(&conn.info) {
            Some(d) => self.dialog = Some(Dialog::Connection(Box::new(d))),
            None => self.report_error(format!(
                "{name} is built in, not a profile of connections.json; Duplicate it to make one you can edit"
            )),
        }
    }

    /// Duplicate: a new connection like `name`, under a free name.
    pub fn duplicate_connection(&mut self, name: &str) {
        let taken = self.taken_names();
        let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
        if let Some(conn) = self.connection(name) {
            let d = ConnectionDialog::duplicate(&conn.info, &taken);
            self.dialog = Some(Dialog::Connection(Box::new(d)));
        }
    }

    /// Remove: asks first (`confirmed` false), then removes the profile
    /// and its keyring entry.
    pub fn remove_connection(&mut self, name: &str, confirmed: bool) {
        if !confirmed {
            self.dialog = Some(Dialog::RemoveConnection(name.to_owned()));
            return;
        }
        if matches!(&self.dialog, Some(Dialog::RemoveConnection(n)) if n == name) {
            self.dialog = None;
        }
        let request = self.next_request();
        self.send(Command::Connection(ConnectionCommand::Remove {
            request,
            name: name.to_owned(),
        }));
    }

    /// Test of a saved connection (its context menu): the answer is a
    /// toast with the server version and round trip, or the cause.
    pub fn test_saved_connection(&mut self, name: &str) {
        let Some(profile) = self.connection(name).and_then(|c| c.info.profile.clone()) else {
            // The demo database and ad hoc URLs have no profile to test;
            // reading their schema again is the test.
            self.refresh_connection(name);
            return;
        };
        let request = self.next_request();
        self.send(Command::Connection(ConnectionCommand::Test {
            request,
            profile,
            password: None,
        }));
    }

    /// The dialog's Test: the profile as filled in, with the password
    /// typed (else the stored one).
    pub fn test_dialog_connection(&mut self) {
        let request = self.next_request();
        let taken = self.taken_names();
        let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
        let Some(d) = self.connection_dialog() else {
            return;
        };
        d.attempted = true;
        if d.testing.is_some() {
            return;
        }
        let Ok(profile) = d.profile(&taken) else {
            return;
        };
        d.testing = Some(request);
        d.testing_url = profile.url.clone();
        d.test = None;
        let password = d.typed_password();
        self.send(Command::Connection(ConnectionCommand::Test {
            request,
            profile,
            password,
        }));
    }

    /// The dialog's Save.
    pub fn save_dialog_connection(&mut self) {
        let request = self.next_request();
        let taken = self.taken_names();
        let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
        let Some(d) = self.connection_dialog() else {
            return;
        };
        d.attempted = true;
        if d.saving.is_some() {
            return;
        }
        let Ok(edit) = d.edit_request(&taken) else {
            return;
        };
        d.saving = Some(request);
        d.error = None;
        self.send(Command::Connection(ConnectionCommand::Save {
            request,
            edit,
        }));
    }

    /// Disconnect: closes the connection's pool; the explorer shows it
    /// closed until it is opened again.
    pub fn disconnect_connection(&mut self, name: &str) {
        if !self.jobs.is_running(&JobKind::Disconnect(name.to_owned())) {
            self.send(Command::Connection(ConnectionCommand::Disconnect {
                name: name.to_owned(),
            }));
        }
    }

    /// Opens a connection the user closed (or one never opened).
    pub fn connect(&mut self, name: &str) {
        if self
            .connection(name)
            .is_some_and(|c| c.schema == Load::Idle)
        {
            self.load_connection(name);
        }
    }

    pub(super) fn apply_connection_event(&mut self, event: ConnectionEvent) {
        match event {
            ConnectionEvent::Listed {
                connections,
                problem,
            } => {
                self.jobs.finish(&JobKind::Connections);
                self.apply_connections(connections, problem);
            }
            ConnectionEvent::Saved {
                request,
                name,
                until_reboot,
            } => {
                self.jobs.finish(&JobKind::ConnectionAdmin(request));
                let renamed = match self.connection_dialog() {
                    Some(d) if d.saving == Some(request) => Some(d.previous.clone()),
                    _ => None,
                };
                if let Some(previous) = renamed {
                    self.dialog = None;
                    if let Some(old) = previous.filter(|old| *old != name) {
                        self.follow_rename(&old, &name);
                    }
                }
                self.toasts.push(
                    ToastLevel::Success,
                    format!("Connection {name} saved"),
                    None,
                );
                if until_reboot {
                    self.toasts.push(
                        ToastLevel::Error,
                        sr_engine::until_reboot_note(&format!("the password of {name}")),
                        None,
                    );
                }
            }
            ConnectionEvent::Removed { request, name } => {
                self.jobs.finish(&JobKind::ConnectionAdmin(request));
                self.toasts.push(
                    ToastLevel::Success,
                    format!("Connection {name} removed"),
                    None,
                );
            }
            ConnectionEvent::Tested {
                request,
                name,
                result,
            } => {
                self.jobs.finish(&JobKind::ConnectionAdmin(request));
                if let Some(d) = self.connection_dialog()
                    && d.testing == Some(request)
                {
                    d.testing = None;
                    d.test = Some(TestOutcome {
                        url: std::mem::take(&mut d.testing_url),
                        result,
                    });
                    return;
                }
                let (level, text) = match result {
                    Ok(t) => (
                        ToastLevel::Success,
                        format!(
                            "{name}: {} answers in {:.1} ms",
                            t.server_version.as_deref().unwrap_or(&t.dialect),
                            t.round_trip_ms
                        ),
                    ),
                    Err(e) => (ToastLevel::Error, format!("{name}: {e}")),
                };
                self.toasts.push(level, text, None);
            }
            ConnectionEvent::Disconnected { name } => {
                self.jobs.finish(&JobKind::Disconnect(name.clone()));
                if let Some(c) = self.connections.iter_mut().find(|c| c.info.name == name) {
                    c.schema = Load::Idle;
                    c.tree.clear();
                    c.disconnected = true;
                }
            }
        }
    }

    /// A connection was renamed: the tabs, editors, selection and
    /// designer layout that worked on it follow it to its new name.
    fn follow_rename(&mut self, old: &str, new: &str) {
        let rename = |c: &mut String| {
            if c == old {
                *c = new.to_owned();
            }
        };
        for tab in &mut self.tabs {
            match tab {
                Tab::Object(o) => rename(&mut o.connection),
                Tab::Whiteboard(c) | Tab::Monitoring(c) | Tab::Designer(c) => rename(c),
                Tab::Sql(_) | Tab::Issue(_) | Tab::Templates | Tab::Rules => {}
            }
        }
        for editor in self.sql.editors.values_mut() {
            rename(&mut editor.saved.connection);
        }
        if let Some(o) = &mut self.selection {
            rename(&mut o.connection);
        }
        if let Some(saved) = self.designer.saved.remove(old) {
            self.designer.saved.insert(new.to_owned(), saved);
        }
    }

    /// A connection manager command failed (`Event::Failed`): the dialog
    /// that asked shows why.
    pub(super) fn connection_admin_failed(&mut self, request: u64, message: &str) {
        if let Some(d) = self.connection_dialog() {
            if d.saving == Some(request) {
                d.saving = None;
                d.error = Some(message.to_owned());
            } else if d.testing == Some(request) {
                d.testing = None;
            }
        }
    }
}
