//! The workbench's state as plain data.
//!
//! [`UiState::apply`] folds engine events in; the action methods (in
//! `actions`) change it on the user's behalf and queue [`Command`]s, which
//! the app sends after the frame. Nothing here draws or blocks, so every
//! behaviour can be tested with events built by hand.

mod actions;
mod alerts;
mod apply;
mod channels;
mod comments;
mod connection_admin;
mod connection_dialog;
mod connections;
mod designer;
mod dialogs;
mod export;
mod jobs;
mod monitoring;
mod rules;
mod settings;
mod sql;
mod sql_issue;
mod sync;
mod table_editor;
mod templates;
mod toasts;
mod whiteboard;

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sr_engine::{Command, ConnectionInfo, DEMO_CONNECTION, Request, RequestId, TrackerStatus};
use sr_model::{IssueLink, IssueRef, ObjectRef};
use sr_schema::Snapshot;

use crate::model::explorer::{ExplorerSchema, explorer_tree, filter_tree};
use sr_engine::{ConnectionCommand, TrackerCommand};

pub use actions::{ViewTarget, can_file_issue};
pub use alerts::rule_for_event;
pub use channels::{ChannelForm, ChannelSettingsDialog, as_provider};
pub use comments::{CommentThread, CommentThreads};
pub use connection_dialog::{ConnectionDialog, SshFields, TestOutcome, Typed};
pub use designer::{DesignerSaved, Designers, MAX_ZOOM, MIN_ZOOM, place_new_tables};
pub use dialogs::{
    AlertFiling, CreateIssueDialog, Dialog, ISSUE_TYPES, LinkIssueDialog, split_labels,
};
pub use export::ExportDialog;
pub use jobs::{Job, JobKind, Jobs};
pub use monitoring::{
    Check, ConnectionMonitor, DiffLine, DriftObjectView, FeedRow, MAX_MINUTES, Monitoring,
    ScheduleForm, drift_view, feed_rows, schedule_summary,
};
pub use rules::{RuleForm, RulesEditor, Tried};
pub use settings::{
    PassphraseInput, SecretStore, TrackerForm, TrackerSettingsDialog, keyring_name,
};
pub use sql::{SqlAnswer, SqlEditor, SqlEditors, SqlText};
pub use sync::{SyncWindow, progress_fraction, progress_text};
pub use table_editor::{ColumnForm, ForeignKeyForm, IndexForm, TableEditor};
pub use templates::{TemplateEditor, TemplateOp, TemplateProblem};
pub use toasts::{Toast, ToastLevel, Toasts};
pub use whiteboard::{BoardTarget, Drag, REFRESH_EVERY, SAVE_AFTER, Tool, Whiteboard, Whiteboards};

/// Something loaded in the background.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Load<T> {
    #[default]
    Idle,
    Loading,
    Ready(T),
    Failed(String),
}

impl<T> Load<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Load::Ready(t) => Some(t),
            _ => None,
        }
    }
}

/// Where the engine stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineStatus {
    Starting,
    Ready,
    /// The engine could not start or stopped; nothing more will come.
    Fatal(String),
}

/// How many issues are linked to an object and how many of them are open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Badge {
    pub total: u32,
    pub open: u32,
}

/// One database connection in the explorer.
#[derive(Debug, Clone)]
pub struct ConnectionState {
    pub info: ConnectionInfo,
    pub schema: Load<Arc<Snapshot>>,
    /// Badges by object key.
    pub badges: HashMap<String, Badge>,
    /// The explorer rows for the current snapshot (or, while it is first
    /// read, the schemas and outlines streamed so far) and filter.
    pub tree: Vec<ExplorerSchema>,
    /// The database's own name, from the streamed schema list: the rows
    /// built before the snapshot name it in their object references.
    pub database: String,
    /// Closed by the user: the explorer waits for Connect instead of
    /// opening it again because its node is expanded.
    pub disconnected: bool,
}

impl ConnectionState {
    pub fn new(info: ConnectionInfo) -> Self {
        ConnectionState {
            info,
            schema: Load::Idle,
            badges: HashMap::new(),
            tree: Vec::new(),
            database: String::new(),
            disconnected: false,
        }
    }

    /// Builds the rows of a new snapshot.
    fn rebuild_tree(&mut self, filter: &str) {
        self.tree = match &self.schema {
            Load::Ready(s) => explorer_tree(&self.info.name, s, filter),
            _ => Vec::new(),
        };
    }

    /// Narrows the rows to a new filter without building them again.
    fn refilter(&mut self, filter: &str) {
        filter_tree(&mut self.tree, filter);
    }

    /// The environment label, when the profile has one.
    pub fn environment(&self) -> Option<&str> {
        self.info
            .environment
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
    }

    pub fn snapshot(&self) -> Option<&Arc<Snapshot>> {
        self.schema.ready()
    }
}

/// Auto-issue rules ran for one event.
#[derive(Debug, Clone)]
pub struct AutoActivity {
    pub event: String,
    pub connection: String,
    pub report: sr_engine::EventReport,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The event the rules ran over.
    pub source: Box<sr_auto::DatabaseEvent>,
}

/// How many auto-issue activities the feed keeps.
const AUTO_FEED_LEN: usize = 200;

/// A tab of the central area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Tab {
    /// The whiteboard of a connection.
    Whiteboard(String),
    /// An object's details: columns, keys, indexes, DDL.
    Object(ObjectRef),
    /// An issue of a tracker without a web page (the local tracker).
    Issue(IssueRef),
    /// A SQL editor, by its id in [`UiState::sql`].
    Sql(u32),
    /// Health, drift, performance and auto-issues of a connection.
    Monitoring(String),
    /// The ER designer of a connection.
    Designer(String),
    /// The issue template editor.
    Templates,
    /// The auto-issue rules.
    Rules,
}

impl Tab {
    pub fn title(&self) -> String {
        match self {
            Tab::Whiteboard(c) => format!("Whiteboard: {c}"),
            Tab::Object(o) => o.name.clone(),
            Tab::Issue(i) => i.display_key.clone(),
            Tab::Sql(id) => format!("SQL {id}"),
            Tab::Monitoring(c) => format!("Monitoring: {c}"),
            Tab::Designer(c) => format!("Designer: {c}"),
            Tab::Templates => "Issue Templates".into(),
            Tab::Rules => "Auto-issue Rules".into(),
        }
    }

    fn same(&self, other: &Tab) -> bool {
        match (self, other) {
            (Tab::Whiteboard(a), Tab::Whiteboard(b)) => a == b,
            (Tab::Object(a), Tab::Object(b)) => a.key() == b.key(),
            (Tab::Issue(a), Tab::Issue(b)) => a.key == b.key,
            (Tab::Sql(a), Tab::Sql(b)) => a == b,
            (Tab::Monitoring(a), Tab::Monitoring(b)) => a == b,
            (Tab::Designer(a), Tab::Designer(b)) => a == b,
            (Tab::Templates, Tab::Templates) | (Tab::Rules, Tab::Rules) => true,
            _ => false,
        }
    }
}

/// What the workbench keeps between runs. Every field has a default, so a
/// file saved by an older version still loads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Persisted {
    pub selection: Option<ObjectRef>,
    pub tabs: Vec<Tab>,
    pub active_tab: Option<usize>,
    /// The tab the next selection replaces.
    pub preview_tab: Option<usize>,
    pub filter: String,
    /// The SQL editors' connections and text, by id.
    pub sql: std::collections::BTreeMap<u32, SqlText>,
    /// The designers' positions, pan and zoom, by connection.
    pub designer: std::collections::BTreeMap<String, DesignerSaved>,
}

/// Everything the workbench shows.
#[derive(Debug, Clone)]
pub struct UiState {
    pub engine: EngineStatus,
    /// Why connections.json could not be read, when it could not.
    pub connections_problem: Option<String>,
    /// The webhook listener: `Ok(address)` when it runs, `Err(why not)`,
    /// `None` when none was asked for.
    pub listener: Option<Result<String, String>>,
    pub connections: Vec<ConnectionState>,
    pub trackers: Load<Vec<TrackerStatus>>,
    /// Linked issues by object key.
    pub links: HashMap<String, Load<Vec<IssueLink>>>,
    /// Comments of the linked issues, by issue.
    pub comments: CommentThreads,
    pub selection: Option<ObjectRef>,
    pub tabs: Vec<Tab>,
    pub active_tab: Option<usize>,
    /// The tab the next selection replaces (see `select`).
    pub preview_tab: Option<usize>,
    pub filter: String,
    pub dialog: Option<Dialog>,
    pub toasts: Toasts,
    pub jobs: Jobs,
    /// The last failure, for the status bar.
    pub last_error: Option<String>,
    /// Where trackers are configured, to tell the user.
    pub trackers_file: String,
    /// The explorer scrolls the selected row into view at the next frame
    /// (after the selection moved by keyboard).
    pub scroll_to_selection: bool,
    /// Open the first table of the next schema that arrives, when nothing
    /// is selected; the app sets it on a first start so the window is not
    /// empty.
    pub open_first_table: bool,
    pub sql: SqlEditors,
    pub monitoring: Monitoring,
    pub designer: Designers,
    /// What auto-issue rules did lately, newest last.
    pub auto_feed: Vec<AutoActivity>,
    pub whiteboards: Whiteboards,
    pub templates: TemplateEditor,
    pub rules: RulesEditor,
    /// The Sync window and the syncs running now.
    pub sync: SyncWindow,
    /// Where File → Export… proposes to write: the home directory.
    pub export_dir: std::path::PathBuf,
    next_request: u64,
    outbox: Vec<Request>,
}

impl UiState {
    /// The state at start-up, restored from `persisted`, with the first
    /// commands queued: connections, the demo schema and its badges,
    /// trackers, and the links of the restored selection.
    pub fn new(persisted: Persisted) -> Self {
        let mut state = UiState {
            engine: EngineStatus::Starting,
            connections_problem: None,
            listener: None,
            connections: Vec::new(),
            trackers: Load::Idle,
            links: HashMap::new(),
            comments: CommentThreads::new(),
            selection: None,
            tabs: persisted.tabs,
            active_tab: None,
            preview_tab: None,
            filter: persisted.filter,
            dialog: None,
            toasts: Toasts::default(),
            jobs: Jobs::default(),
            last_error: None,
            trackers_file: String::new(),
            scroll_to_selection: false,
            open_first_table: false,
            sql: SqlEditors::restore(persisted.sql),
            monitoring: Monitoring::default(),
            designer: Designers::restore(persisted.designer),
            auto_feed: Vec::new(),
            whiteboards: Whiteboards::default(),
            templates: TemplateEditor::default(),
            rules: RulesEditor::default(),
            sync: SyncWindow::default(),
            // HOME on Unix, USERPROFILE on Windows; the working directory
            // when neither is set.
            export_dir: std::env::var_os("HOME")
                .or_else(|| std::env::var_os("USERPROFILE"))
                .map(Into::into)
                .unwrap_or_default(),
            next_request: 0,
            outbox: Vec::new(),
        };
        state.active_tab = persisted.active_tab.filter(|&i| i < state.tabs.len());
        state.preview_tab = persisted.preview_tab.filter(|&i| i < state.tabs.len());
        state.send(Command::Connection(ConnectionCommand::Load));
        state.connections.push(ConnectionState::new(ConnectionInfo {
            dialect: "sqlite".into(),
            ..ConnectionInfo::named(DEMO_CONNECTION)
        }));
        state.load_connection(DEMO_CONNECTION);
        state.send(Command::Trackers(TrackerCommand::Load));
        if let Some(object) = persisted.selection {
            state.selection = Some(object.clone());
            state.load_links(&object);
        }
        state
    }

    /// What to keep for the next run.
    pub fn persisted(&self) -> Persisted {
        Persisted {
            selection: self.selection.clone(),
            tabs: self.tabs.clone(),
            active_tab: self.active_tab,
            preview_tab: self.preview_tab,
            filter: self.filter.clone(),
            sql: self.sql.saved(),
            designer: self.designer.saved.clone(),
        }
    }

    /// The requests queued since the last call, for the app to send.
    pub fn take_requests(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.outbox)
    }

    /// The commands queued since the last call, without their ids (for
    /// tests and benches that answer them by hand).
    pub fn take_commands(&mut self) -> Vec<Command> {
        self.take_requests()
            .into_iter()
            .map(|r| r.command)
            .collect()
    }

    /// Queues `command` under a new request id and counts it as a
    /// background job until it is answered.
    pub fn send(&mut self, command: Command) -> RequestId {
        let id = RequestId(self.next_request());
        self.jobs.start(Job::for_command(id, &command));
        self.outbox.push(Request { id, command });
        id
    }

    /// Answers the running job the engine would describe as `context`
    /// with a failure, by its request id, as the engine does.
    #[cfg(test)]
    pub(crate) fn fail_job(&mut self, context: String, message: String) {
        let id = self
            .jobs
            .iter()
            .find(|j| j.context == context)
            .map(|j| j.id)
            .unwrap_or_else(|| panic!("no job runs as {context:?}"));
        self.answer(sr_engine::Answer {
            request: Some(id),
            event: sr_engine::Event::Failed(sr_engine::Failure::new(
                sr_engine::FailureKind::Internal,
                context,
                message,
            )),
        });
    }

    /// Queues `command` without a job: background refreshes nobody waits
    /// for, or a cancel, whose effect is the answer of the statement it
    /// stops.
    pub(crate) fn send_untracked(&mut self, command: Command) {
        let id = RequestId(self.next_request());
        self.outbox.push(Request { id, command });
    }

    fn next_request(&mut self) -> u64 {
        self.next_request += 1;
        self.next_request
    }

    pub fn connection(&self, name: &str) -> Option<&ConnectionState> {
        self.connections.iter().find(|c| c.info.name == name)
    }

    fn connection_mut(&mut self, name: &str) -> &mut ConnectionState {
        let i = match self.connections.iter().position(|c| c.info.name == name) {
            Some(i) => i,
            None => {
                // Answers may overtake the connection list; keep them.
                self.connections
                    .push(ConnectionState::new(ConnectionInfo::named(name)));
                self.connections.len() - 1
            }
        };
        &mut self.connections[i]
    }

    /// The snapshot `object` lives in, when loaded.
    pub fn snapshot_of(&self, object: &ObjectRef) -> Option<&Arc<Snapshot>> {
        self.connection(&object.connection)?.snapshot()
    }

    /// The badge of an object, when it has linked issues.
    pub fn badge(&self, object: &ObjectRef) -> Option<Badge> {
        self.connection(&object.connection)?
            .badges
            .get(&object.key())
            .copied()
    }

    /// The issues linked to `object` as last loaded.
    pub fn links_of(&self, object: &ObjectRef) -> &Load<Vec<IssueLink>> {
        const IDLE: &Load<Vec<IssueLink>> = &Load::Idle;
        self.links.get(&object.key()).unwrap_or(IDLE)
    }

    /// Trackers that can be used now, by name.
    pub fn usable_trackers(&self) -> Vec<&TrackerStatus> {
        self.trackers
            .ready()
            .map(|t| t.iter().filter(|t| t.problem.is_none()).collect())
            .unwrap_or_default()
    }

    /// The tracker a new dialog starts with: "Local" when usable, else the
    /// first usable one.
    pub fn default_tracker(&self) -> String {
        let usable = self.usable_trackers();
        usable
            .iter()
            .find(|t| t.name == "Local")
            .or(usable.first())
            .map(|t| t.name.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
