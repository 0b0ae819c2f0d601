//! The GUI's way in: [`Command`]s, each in a [`Request`] with its id, go
//! to a background thread that owns a tokio runtime and the [`Engine`];
//! [`Event`]s come back as [`Answer`]s naming their request on a channel
//! the UI drains each frame without blocking. Every event also calls the
//! [`Repaint`] hook so the window wakes up.

use std::sync::Arc;
use std::sync::mpsc;

use sr_config::TrackersFile;
use sr_model::{
    AttachmentUpload, Issue, IssueDraft, IssueKey, IssueLink, ObjectRef, Project, SearchQuery, User,
};
use sr_schema::Snapshot;
use sr_secrets::Resolver;
use sr_store::AuditEntry;
use sr_tracker::{ConnectionReport, ProviderInfo, TrackerEntry};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::query::QueryAnswer;
use crate::{Answer, ConnectionInfo, Engine, EngineOptions, PendingSecret, Request, TrackerStatus};

/// Called after every event; the GUI passes `ctx.request_repaint`.
pub type Repaint = Arc<dyn Fn() + Send + Sync>;

/// What the UI asks for. Each answer arrives as one or more [`Event`]s.
// A few commands a second at most, moved once each: their size does not
// matter, and boxing the large ones would only make them harder to build.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Command {
    LoadConnections,
    LoadSchema {
        connection: String,
        refresh: bool,
    },
    LoadLinks {
        object: ObjectRef,
    },
    LoadLinkCounts {
        connection: String,
    },
    LoadTrackers,
    LoadAudit {
        limit: usize,
    },
    CreateIssue {
        request: u64,
        tracker: String,
        object: Option<ObjectRef>,
        draft: IssueDraft,
        /// Attach this object's DDL to the new issue as `NAME.sql`.
        attach_ddl: Option<ObjectRef>,
        /// Files attached as they are (the designer's ER diagram as SVG).
        attachments: Vec<AttachmentUpload>,
    },
    LinkIssue {
        object: ObjectRef,
        issue: IssueKey,
    },
    Unlink {
        object: ObjectRef,
        issue: IssueKey,
    },
    Search {
        request: u64,
        tracker: String,
        query: SearchQuery,
    },
    RefreshIssue {
        issue: IssueKey,
    },
    /// The issue's comments, read from its tracker first when `refresh` is
    /// set or they were never read; answered by [`Event::Comments`].
    LoadComments {
        issue: IssueKey,
        refresh: bool,
    },
    /// Keeps a comment written here and sends it; answered by an
    /// [`Event::Comments`] with it pending, then one after the send.
    AddComment {
        issue: IssueKey,
        body: String,
    },
    /// Takes back a comment written here and not sent yet (`comment`: its
    /// cache id); answered by [`Event::CommentTakenBack`].
    TakeBackComment {
        issue: IssueKey,
        comment: i64,
    },
    ReloadTrackers,
    /// The whiteboard saved for `connection`; answered by [`Event::Board`].
    LoadBoard {
        connection: String,
    },
    /// Saves the whiteboard of `connection` (its JSON document) made from
    /// `version` (0: none was stored); answered by [`Event::BoardSaved`],
    /// or a failure when it was saved elsewhere in between.
    SaveBoard {
        connection: String,
        board_json: String,
        version: i64,
    },
    /// A title and body from issue template `template` over `event` (the
    /// `events emit` form), answered by [`Event::IssueDraft`] for `object`
    /// (what the Create Issue dialog was opened for).
    DraftFromTemplate {
        request: u64,
        object: ObjectRef,
        template: String,
        event: serde_json::Value,
    },
    /// A title and body for a new issue about `object`, from the
    /// `object_context` template.
    DraftIssue {
        request: u64,
        object: ObjectRef,
    },
    /// The provider types of the registry and trackers.json as loaded.
    LoadTrackerSettings,
    /// The projects of a tracker, for the Create Issue dialog.
    LoadProjects {
        tracker: String,
    },
    /// Users of a tracker that can be assigned, matching `query`.
    SearchUsers {
        request: u64,
        tracker: String,
        project: Option<String>,
        query: String,
    },
    /// Builds an unsaved entry and tests its connection; `secrets` are
    /// typed values for its secret references, used for this test only.
    TestTracker {
        request: u64,
        entry: TrackerEntry,
        secrets: Vec<PendingSecret>,
    },
    /// Stores `secrets` where their references point (keyring or encrypted
    /// file), writes trackers.json atomically and rebuilds the trackers.
    SaveTrackers {
        request: u64,
        file: TrackersFile,
        secrets: Vec<PendingSecret>,
    },
    /// Unlocks (or, when it does not exist yet, sets the passphrase of) the
    /// encrypted secrets file; answered by [`Event::SecretStorage`] and the
    /// trackers' statuses.
    UnlockSecrets {
        request: u64,
        passphrase: sr_secrets::Secret,
    },
    /// Runs a statement from the SQL editor (`explain`: only its plan).
    RunQuery {
        request: u64,
        connection: String,
        sql: String,
        explain: bool,
    },
    /// Stops the statement of `request` on the server.
    CancelQuery {
        request: u64,
    },
    /// The monitoring panel's health, drift, performance and sync work.
    Monitoring(crate::MonitoringCommand),
    /// A schema-change issue about `object` from the `schema_change`
    /// template, proposing `ddl`; answered by [`Event::IssueDraft`].
    DraftSchemaChange {
        request: u64,
        object: ObjectRef,
        ddl: String,
        impact: crate::SchemaImpact,
    },
    /// Runs the designer's migration on `connection`, then reads its
    /// schema again.
    ApplySchemaChange {
        request: u64,
        /// The table changed; the script runs on its connection.
        object: ObjectRef,
        script: sr_schema::MigrationScript,
    },
    /// The text of an issue template: the user's override from
    /// `CONFIG_DIR/templates/NAME.hbs`, else the built-in one. Answered by
    /// [`Event::Template`].
    LoadTemplate {
        name: String,
    },
    /// Checks `text` against the template's sample and writes it as the
    /// user's override, atomically. Answered by [`Event::Template`].
    SaveTemplate {
        name: String,
        text: String,
    },
    /// Deletes the user's override of a template. Answered by
    /// [`Event::Template`] with the built-in text.
    ResetTemplate {
        name: String,
    },
    /// The Sync window: manual syncs, cancelling, the trackers' status.
    Sync(crate::SyncCommand),
    /// The connection manager: save, remove, test, disconnect.
    Connection(crate::ConnectionCommand),
}

/// What the engine tells the UI.
// As for commands: few, moved once; size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Event {
    /// The engine is open and ready for commands.
    Ready,
    /// Every connection, and why connections.json could not be read when
    /// it could not (the connections read before stay listed). Sent for
    /// [`Command::LoadConnections`] and whenever the file changes.
    Connections {
        connections: Vec<ConnectionInfo>,
        problem: Option<String>,
    },
    /// The answer to [`Command::LoadSchema`]: the connection's full
    /// snapshot. On a database that streams its tree (PostgreSQL), its
    /// [`Event::SchemaNames`] and one [`Event::SchemaOutline`] per schema
    /// come first.
    Schema {
        connection: String,
        snapshot: Arc<Snapshot>,
    },
    /// A connection's schemas, listed before anything else is read.
    SchemaNames {
        connection: String,
        /// The database's own name, as object references carry it.
        database: String,
        schemas: Vec<String>,
    },
    /// One schema's object names, while the full snapshot is still read.
    SchemaOutline {
        connection: String,
        outline: Arc<sr_schema::SchemaOutline>,
    },
    Links {
        object: ObjectRef,
        links: Vec<IssueLink>,
    },
    LinkCounts {
        connection: String,
        counts: Vec<(String, u32, u32)>,
    },
    Trackers(Vec<TrackerStatus>),
    Audit(Vec<AuditEntry>),
    IssueCreated {
        request: u64,
        issue: Issue,
        link: Option<IssueLink>,
    },
    Linked(IssueLink),
    Unlinked {
        object: ObjectRef,
        issue: IssueKey,
    },
    SearchResults {
        request: u64,
        issues: Vec<Issue>,
    },
    IssueRefreshed(Issue),
    /// An issue's comments (pending workbench ones included), with the
    /// reason the tracker could not be reached, if it could not.
    Comments(crate::IssueComments),
    /// A pending comment was taken back: the list after, and its text.
    CommentTakenBack {
        comments: crate::IssueComments,
        body: String,
    },
    /// A connection's whiteboard: its JSON document and version, or none
    /// (version 0) when it was never saved.
    Board {
        connection: String,
        board_json: Option<String>,
        version: i64,
    },
    /// A whiteboard was saved as `version`.
    BoardSaved {
        connection: String,
        version: i64,
    },
    IssueDraft {
        request: u64,
        object: ObjectRef,
        title: String,
        body: String,
    },
    TrackerSettings {
        providers: Vec<ProviderInfo>,
        file: TrackersFile,
        /// Where typed secrets can be kept and how long they live there.
        storage: crate::SecretStorage,
    },
    /// The secret stores after [`Command::UnlockSecrets`].
    SecretStorage {
        request: u64,
        storage: crate::SecretStorage,
    },
    Projects {
        tracker: String,
        projects: Vec<Project>,
    },
    Users {
        request: u64,
        users: Vec<User>,
    },
    /// The answer to a connection test: the report, or the adapter's
    /// diagnosis of what is wrong.
    TrackerTested {
        request: u64,
        result: Result<ConnectionReport, String>,
    },
    /// trackers.json was written; an [`Event::Trackers`] follows.
    TrackersSaved {
        request: u64,
    },
    /// A statement's rows, or its plan as text when it was an EXPLAIN.
    QueryFinished {
        request: u64,
        result: Result<QueryAnswer, String>,
    },
    /// Another process changed the team store (links, issues, outbox).
    StoreChanged(sr_store::StoreChange),
    /// Auto-issue rules ran for an event (from any source).
    AutoIssues {
        event: String,
        connection: String,
        report: crate::EventReport,
    },
    /// The answer to [`Command::ApplySchemaChange`]; an [`Event::Schema`]
    /// follows a success.
    SchemaApplied {
        request: u64,
        connection: String,
        result: Result<(), String>,
    },
    /// An issue template's text as it now stands, answering
    /// [`Command::LoadTemplate`], [`Command::SaveTemplate`] and
    /// [`Command::ResetTemplate`].
    Template {
        name: String,
        text: String,
        /// Whether the text is the user's override.
        overridden: bool,
    },
    /// An answer to a [`Command::Monitoring`].
    Monitoring(crate::MonitoringEvent),
    /// An answer to a [`Command::Sync`], or a sync's progress or end
    /// (throttled to one per [`crate::PROGRESS_EVERY`] per operation).
    Sync(crate::SyncEvent),
    /// An answer to a [`Command::Connection`].
    Connection(crate::ConnectionEvent),
    /// connections.json or monitoring.json changed on disk and the engine
    /// follows the new settings now (an [`Event::Connections`] came first
    /// when the connections changed).
    ConfigReloaded(crate::ConfigChange),
    /// The webhook listener started on `address`, or could not (`problem`).
    Listener {
        address: Option<String>,
        problem: Option<String>,
    },
    /// A command (or a step of it, named by the failure's `context`)
    /// failed; the [`crate::Answer`] carrying it names the request.
    Failed(crate::Failure),
    /// The engine could not start or stopped; nothing more will come.
    Fatal(String),
}

/// The UI's handle: sending never blocks.
#[derive(Debug, Clone)]
pub struct EngineHandle {
    commands: UnboundedSender<Request>,
    /// Ids for [`EngineHandle::request`].
    next_id: Arc<std::sync::atomic::AtomicU64>,
}

impl EngineHandle {
    /// Starts the engine on its own thread and runtime. Opening happens in
    /// the background; [`Event::Ready`] or [`Event::Fatal`] says how it went.
    pub fn spawn(
        options: EngineOptions,
        repaint: Repaint,
    ) -> std::io::Result<(EngineHandle, mpsc::Receiver<Answer>)> {
        let resolver = Resolver::system_with_file(options.paths.secrets_file());
        EngineHandle::spawn_with(options, Arc::new(resolver), repaint)
    }

    /// [`EngineHandle::spawn`] with its own secret resolver (tests keep
    /// secrets in an in-memory keyring).
    pub fn spawn_with(
        options: EngineOptions,
        resolver: Arc<Resolver>,
        repaint: Repaint,
    ) -> std::io::Result<(EngineHandle, mpsc::Receiver<Answer>)> {
        let (cmd_tx, mut cmd_rx) = unbounded_channel::<Request>();
        let (ev_tx, ev_rx) = mpsc::channel::<Answer>();
        let answer: Arc<dyn Fn(Answer) + Send + Sync> = Arc::new(move |a| {
            // The UI may have closed; then nobody listens and that is fine.
            if ev_tx.send(a).is_ok() {
                repaint();
            }
        });
        // Notices answer no request.
        let notify = answer.clone();
        let emit: Arc<dyn Fn(Event) + Send + Sync> = Arc::new(move |e| notify(Answer::notice(e)));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("sr-engine")
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name("sr-engine-main".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let engine = match Engine::open_with(options, resolver).await {
                        Ok(e) => Arc::new(e),
                        Err(e) => {
                            emit(Event::Fatal(e.to_string()));
                            return;
                        }
                    };
                    emit(Event::Ready);
                    // A team store's changes by other workbenches.
                    let _changes = match engine.start_change_feed().await {
                        Ok(feed) => feed,
                        Err(e) => {
                            tracing::warn!(error = %e, "no change notices from the store");
                            None
                        }
                    };
                    // Auto-issue calls committed here or by other processes.
                    let outbox = crate::EngineOutbox::start(&engine, crate::OUTBOX_INTERVAL);
                    // Issues changed by webhooks reach the UI too.
                    let mut notices = engine.subscribe();
                    let forward = emit.clone();
                    tokio::spawn(async move {
                        loop {
                            match notices.recv().await {
                                Ok(event) => forward(event),
                                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                                    tracing::warn!(missed = n, "the UI missed engine notices");
                                }
                                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                            }
                        }
                    });
                    let _listener = match engine.options().listen {
                        Some(addr) => match start_listener(&engine, addr).await {
                            Ok(l) => {
                                emit(Event::Listener {
                                    address: Some(l.local_addr.to_string()),
                                    problem: None,
                                });
                                Some(l)
                            }
                            Err(problem) => {
                                emit(Event::Listener {
                                    address: None,
                                    problem: Some(problem),
                                });
                                None
                            }
                        },
                        None => None,
                    };
                    // Trackers are polled in the background while the window is open.
                    let sync = crate::EngineSync::start(&engine).await;
                    let progress = tokio::spawn(crate::sync_ops::forward_progress(
                        sync.updates(),
                        emit.clone(),
                    ));
                    while let Some(request) = cmd_rx.recv().await {
                        let engine = engine.clone();
                        let answer = answer.clone();
                        let manager = sync.manager().clone();
                        tokio::spawn(async move {
                            crate::dispatch::handle(&engine, Some(&manager), request, &*answer)
                                .await
                        });
                    }
                    sync.shutdown().await;
                    progress.abort();
                    outbox.shutdown().await;
                    engine.store().close().await;
                });
            })?;
        Ok((
            EngineHandle {
                commands: cmd_tx,
                next_id: Arc::new(std::sync::atomic::AtomicU64::new(1)),
            },
            ev_rx,
        ))
    }

    /// Queues a request whose id the caller chose (the GUI's state does,
    /// to start the job before the request leaves). Returns false when
    /// the engine has stopped.
    pub fn send(&self, request: Request) -> bool {
        self.commands.send(request).is_ok()
    }

    /// Queues `command` under an id this handle picks; `None` when the
    /// engine has stopped. A caller uses this or [`EngineHandle::send`],
    /// not both, so ids never meet.
    pub fn request(&self, command: Command) -> Option<crate::RequestId> {
        let id = crate::RequestId(
            self.next_id
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        );
        self.send(Request { id, command }).then_some(id)
    }
}

impl Command {
    /// The command in a user's words ("Create issue in Local"); also the
    /// `context` of the [`crate::Failure`] that answers it.
    pub fn describe(&self) -> String {
        match self {
            Command::LoadConnections => "Load connections".into(),
            Command::LoadSchema { connection, .. } => format!("Load schema of {connection}"),
            Command::LoadLinks { object } => format!("Load issues linked to {}", object.name()),
            Command::LoadLinkCounts { connection } => {
                format!("Count linked issues in {connection}")
            }
            Command::LoadTrackers => "Load trackers".into(),
            Command::LoadAudit { .. } => "Load audit log".into(),
            Command::CreateIssue { tracker, .. } => format!("Create issue in {tracker}"),
            Command::LinkIssue { issue, .. } => format!("Link {issue}"),
            Command::Unlink { issue, .. } => format!("Unlink {issue}"),
            Command::Search { tracker, .. } => format!("Search {tracker}"),
            Command::RefreshIssue { issue } => format!("Sync {issue}"),
            Command::LoadComments { issue, .. } => format!("Load the comments of {issue}"),
            Command::AddComment { issue, .. } => format!("Comment on {issue}"),
            Command::TakeBackComment { issue, .. } => {
                format!("Take back a comment on {issue}")
            }
            Command::ReloadTrackers => "Reload trackers".into(),
            Command::LoadBoard { connection } => format!("Load the whiteboard of {connection}"),
            Command::SaveBoard { connection, .. } => format!("Save the whiteboard of {connection}"),
            Command::DraftFromTemplate { template, .. } => {
                format!("Render the {template} template")
            }
            Command::DraftIssue { object, .. } => format!("Describe {}", object.name()),
            Command::LoadTrackerSettings => "Load tracker settings".into(),
            Command::LoadProjects { tracker } => format!("Load projects of {tracker}"),
            Command::SearchUsers { tracker, .. } => format!("Search users of {tracker}"),
            Command::TestTracker { entry, .. } => format!("Test {}", entry.name),
            Command::SaveTrackers { .. } => "Save trackers.json".into(),
            Command::UnlockSecrets { .. } => "Unlock the encrypted secrets file".into(),
            Command::RunQuery { connection, .. } => format!("Run a statement on {connection}"),
            Command::CancelQuery { .. } => "Cancel the statement".into(),
            Command::Monitoring(m) => m.describe(),
            Command::DraftSchemaChange { object, .. } => {
                format!("Describe the change of {}", object.name())
            }
            Command::ApplySchemaChange { object, .. } => {
                format!("Apply the schema change to {}", object.connection)
            }
            Command::LoadTemplate { name } => format!("Load the {name} template"),
            Command::SaveTemplate { name, .. } => format!("Save the {name} template"),
            Command::ResetTemplate { name } => format!("Reset the {name} template"),
            Command::Sync(s) => s.describe(),
            Command::Connection(c) => c.describe(),
        }
    }
}

/// Starts the webhook listener inside the GUI's engine.
async fn start_listener(
    engine: &Arc<Engine>,
    addr: std::net::SocketAddr,
) -> Result<sr_webhook::RunningListener, String> {
    let config = engine
        .listener_config(addr)
        .await
        .map_err(|e| e.to_string())?;
    sr_webhook::start(
        config,
        engine.store().clone(),
        crate::EngineDeliveries::new(engine.clone()),
    )
    .await
    .map_err(|e| e.to_string())
}
