//! The GUI's way in: [`Command`]s, each in a [`Request`] with its id, go
//! to a background thread that owns a tokio runtime and the [`Engine`];
//! [`Event`]s come back as [`Answer`]s naming their request on a channel
//! the UI drains each frame without blocking. Every event also calls the
//! [`Repaint`] hook so the window wakes up.

use std::sync::Arc;
use std::sync::mpsc;

use sr_secrets::Resolver;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::{Answer, Engine, EngineOptions, Request};
use crate::{
    BoardCommand, BoardEvent, ConnectionCommand, IssueCommand, IssueEvent, LinkCommand, LinkEvent,
    QueryCommand, QueryEvent, SchemaCommand, SchemaEvent, SettingsCommand, SettingsEvent,
    TrackerCommand, TrackerEvent,
};

/// Called after every event; the GUI passes `ctx.request_repaint`.
pub type Repaint = Arc<dyn Fn() + Send + Sync>;

/// What the UI asks for. Each answer arrives as one or more [`Event`]s.
// A few commands a second at most, moved once each: their size does not
// matter, and boxing the large ones would only make them harder to build.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Command {
    /// A connection's schema and the designer's changes to it.
    Schema(SchemaCommand),
    /// Links between objects and issues, and the audit log.
    Links(LinkCommand),
    /// The trackers: status, projects, users, connection tests.
    Trackers(TrackerCommand),
    /// Issues and their comments.
    Issues(IssueCommand),
    /// Each connection's whiteboard.
    Boards(BoardCommand),
    /// Tracker settings, secret storage and issue templates.
    Settings(SettingsCommand),
    /// The SQL editor's statements.
    Query(QueryCommand),
    /// The monitoring panel's health, drift, performance and sync work.
    Monitoring(crate::MonitoringCommand),
    /// The Sync window: manual syncs, cancelling, the trackers' status.
    Sync(crate::SyncCommand),
    /// The connection manager: save, remove, test, disconnect.
    Connection(crate::ConnectionCommand),
    /// The auto-issue rules window.
    Rules(crate::RulesCommand),
    /// Settings → Notification Channels: load, save, test.
    Channels(crate::ChannelCommand),
}

/// What the engine tells the UI.
// As for commands: few, moved once; size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Event {
    /// A connection's schema and the designer's changes to it.
    Schema(SchemaEvent),
    /// Links between objects and issues, and the audit log.
    Links(LinkEvent),
    /// The trackers: status, projects, users, connection tests.
    Trackers(TrackerEvent),
    /// Issues and their comments.
    Issues(IssueEvent),
    /// Each connection's whiteboard.
    Boards(BoardEvent),
    /// Tracker settings, secret storage and issue templates.
    Settings(SettingsEvent),
    /// The SQL editor's statements.
    Query(QueryEvent),
    /// The engine is open and ready for commands.
    Ready,
    /// Another process changed the team store (links, issues, outbox).
    StoreChanged(sr_store::StoreChange),
    /// Auto-issue rules ran for an event (from any source).
    AutoIssues {
        event: String,
        connection: String,
        report: crate::EventReport,
        /// The event itself, for "File issue…" and "Make a rule from this".
        source: Box<sr_auto::DatabaseEvent>,
    },
    /// An answer to a [`Command::Monitoring`].
    Monitoring(crate::MonitoringEvent),
    /// An answer to a [`Command::Sync`], or a sync's progress or end
    /// (throttled to one per [`crate::PROGRESS_EVERY`] per operation).
    Sync(crate::SyncEvent),
    /// An answer to a [`Command::Connection`].
    Connection(crate::ConnectionEvent),
    /// An answer to a [`Command::Rules`].
    Rules(crate::RulesEvent),
    /// An answer to a [`Command::Channels`].
    Channels(crate::ChannelEvent),
    /// connections.json or monitoring.json changed on disk and the engine
    /// follows the new settings now (an [`crate::ConnectionEvent::Listed`] came first
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
                    // A first run gets the starter rules (written once).
                    match engine.install_starter_rules().await {
                        Ok(true) => tracing::info!("starter auto-issue rules written"),
                        Ok(false) => {}
                        Err(e) => {
                            tracing::warn!(error = %e, "starter auto-issue rules not written")
                        }
                    }
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
            Command::Connection(ConnectionCommand::Load) => "Load connections".into(),
            Command::Monitoring(m) => m.describe(),
            Command::Sync(s) => s.describe(),
            Command::Connection(c) => c.describe(),
            Command::Schema(c) => c.describe(),
            Command::Links(c) => c.describe(),
            Command::Trackers(c) => c.describe(),
            Command::Issues(c) => c.describe(),
            Command::Boards(c) => c.describe(),
            Command::Settings(c) => c.describe(),
            Command::Channels(c) => c.describe(),
            Command::Rules(c) => c.describe(),
            Command::Query(c) => c.describe(),
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
