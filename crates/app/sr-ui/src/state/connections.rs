//! The connection list as the engine reports it, and the answers of the
//! connection manager. Connections other than the demo database open
//! lazily: their schema loads when the explorer expands them or a tab or
//! the selection needs them, never for merely being listed. The
//! connection manager's actions are in `connection_admin`.
//!
//! A large database's tree comes in parts while it first loads
//! (PostgreSQL): its schemas, shown at once as being read, then each
//! schema's rows as its outline arrives; the snapshot then replaces them
//! with the same rows and their version hashes. A refresh keeps the tree
//! it has until the new snapshot.

use std::sync::Arc;

use sr_engine::{ConnectionInfo, DEMO_CONNECTION};
use sr_schema::SchemaOutline;

use super::{ConnectionState, Load, Tab, UiState};
use crate::model::explorer::{outline_rows, pending_schema};

impl UiState {
    /// Takes a new connection list: updates the ones known, adds new ones
    /// (not loaded), drops the ones that went, and reloads the ones whose
    /// definition changed and were loaded.
    pub(super) fn apply_connections(
        &mut self,
        connections: Vec<ConnectionInfo>,
        problem: Option<String>,
    ) {
        self.connections_problem = problem;
        let mut next = Vec::with_capacity(connections.len());
        let mut reload = Vec::new();
        for info in connections {
            let name = info.name.clone();
            let conn = match self.connections.iter().position(|c| c.info.name == name) {
                Some(i) => {
                    let mut conn = self.connections.swap_remove(i);
                    let changed = !conn.info.url.is_empty() && conn.info != info;
                    if changed && conn.schema != Load::Idle {
                        reload.push(name.clone());
                    }
                    conn.info = info;
                    conn
                }
                None => ConnectionState::new(info),
            };
            next.push(conn);
        }
        self.connections = next;
        for name in reload {
            self.load_connection(&name);
        }
        let wanted: Vec<String> = self
            .connections
            .iter()
            .filter(|c| c.schema == Load::Idle && self.needs_connection(&c.info.name))
            .map(|c| c.info.name.clone())
            .collect();
        for name in wanted {
            self.load_connection(&name);
        }
    }

    /// The connection `name` while its first load runs: the only time
    /// its tree comes in parts.
    fn first_loading(&mut self, name: &str) -> Option<&mut ConnectionState> {
        self.connections
            .iter_mut()
            .find(|c| c.info.name == name && c.schema == Load::Loading)
    }

    /// The schemas of a connection being read: each shown as being read.
    pub(super) fn schema_names(&mut self, connection: &str, database: String, schemas: &[String]) {
        if let Some(conn) = self.first_loading(connection) {
            conn.database = database;
            conn.tree = schemas.iter().map(|s| pending_schema(s)).collect();
        }
    }

    /// One schema's rows, from its outline, under the current filter.
    pub(super) fn schema_outline(&mut self, connection: &str, outline: &Arc<SchemaOutline>) {
        let filter = self.filter.clone();
        let Some(conn) = self.first_loading(connection) else {
            return;
        };
        let rows = outline_rows(connection, &conn.database, outline, &filter);
        match conn.tree.iter().position(|s| s.name >= outline.name) {
            Some(i) if conn.tree[i].name == outline.name => conn.tree[i] = rows,
            Some(i) => conn.tree.insert(i, rows),
            None => conn.tree.push(rows),
        }
    }

    /// Whether something on screen needs `name`'s schema now: the demo
    /// database (the first start shows it), the selection, or a tab.
    fn needs_connection(&self, name: &str) -> bool {
        name == DEMO_CONNECTION
            || self
                .selection
                .as_ref()
                .is_some_and(|o| o.connection == name)
            || self.tabs.iter().any(|t| match t {
                Tab::Object(o) => o.connection == name,
                Tab::Whiteboard(c) | Tab::Monitoring(c) | Tab::Designer(c) => c == name,
                Tab::Sql(_) | Tab::Issue(_) | Tab::Templates | Tab::Rules => false,
            })
    }

    /// Loads `name`'s schema unless it is loaded or loading: the explorer
    /// calls this when a connection is expanded.
    pub fn ensure_connection(&mut self, name: &str) {
        if self
            .connection(name)
            .is_some_and(|c| c.schema == Load::Idle && !c.disconnected)
        {
            self.load_connection(name);
        }
    }

    /// Another process (or an editor) changed the settings: monitoring
    /// tabs show the new ones.
    pub(super) fn config_reloaded(&mut self, change: sr_engine::ConfigChange) {
        if change.monitoring {
            let open: Vec<String> = self
                .monitoring
                .connections
                .iter()
                .filter(|(_, m)| m.settings != Load::Idle)
                .map(|(c, _)| c.clone())
                .collect();
            for connection in open {
                self.send(sr_engine::Command::Monitoring(
                    sr_engine::MonitoringCommand::LoadSettings { connection },
                ));
            }
        }
    }

    /// The connection `tab` works on, if it works on one.
    pub fn tab_connection<'a>(&'a self, tab: &'a Tab) -> Option<&'a str> {
        match tab {
            Tab::Object(o) => Some(&o.connection),
            Tab::Whiteboard(c) | Tab::Monitoring(c) | Tab::Designer(c) => Some(c),
            Tab::Sql(id) => self
                .sql
                .editors
                .get(id)
                .map(|e| e.saved.connection.as_str()),
            Tab::Issue(_) | Tab::Templates | Tab::Rules => None,
        }
    }

    /// The environment label of the connection `tab` works on, for its
    /// title.
    pub fn tab_environment(&self, tab: &Tab) -> Option<&str> {
        self.connection(self.tab_connection(tab)?)?.environment()
    }
}
