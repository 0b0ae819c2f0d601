//! The engine: one place that opens the store, builds the configured
//! trackers through the adapter registry, opens user databases, and offers
//! the operations the GUI and the CLI share.
//!
//! The CLI calls [`Engine`] directly from its own runtime, through the
//! same services the GUI's commands run (never the store or the link
//! manager itself). The GUI talks to
//! an [`EngineHandle`]: it sends [`Command`]s and drains [`Event`]s, so its
//! thread never waits on a database or a tracker.

mod alert_issue;
mod api;
mod api_reads;
mod api_tokens;
mod auto;
mod boards;
mod changes;
mod channel_settings;
mod comments;
mod connection_admin;
mod connections;
mod db_jobs;
mod dispatch;
mod engine;
mod error;
pub mod export;
mod groups;
mod issues;
pub mod monitoring;
mod notify;
mod outbox_loop;
pub mod pulls;
mod query;
mod records;
mod registry;
mod request;
mod rules_file;
mod schedule_loop;
mod schema_change;
mod schema_stream;
mod secrets;
mod settings;
mod sync;
mod sync_ops;
mod templates;
pub mod traceability;
mod watch;
mod webhooks;
mod weekly_report;

pub use alert_issue::{Alert, AlertDraft, AlertFiled, RuleSource, alert_event};
pub use api::{Command, EngineHandle, Event, Repaint};
pub use api_tokens::{ApiCaller, CreatedToken, TokenScope, parse_expiry, token_hash};
pub use auto::EventReport;
pub use changes::ChangeFeed;
pub use channel_settings::{CHANNEL_SECRET_PREFIX, test_message};
pub use comments::IssueComments;
pub use connection_admin::{ConnectionCommand, ConnectionEdit, ConnectionEvent, ConnectionTest};
pub use connections::{
    ConnectionInfo, ConnectionsChanged, DEMO_CONNECTION, password_entry, password_problem,
    ssh_tunnel,
};
pub use db_jobs::{
    ConnectionMonitoring, DatabaseJob, DbCheck, MonitoringConfig, database_jobs,
    load_monitoring_config,
};
pub use engine::{Engine, EngineOptions, TrackerStatus};
pub use error::EngineError;
pub use groups::{
    BoardCommand, BoardEvent, ChannelCommand, ChannelEvent, IssueCommand, IssueEvent, LinkCommand,
    LinkEvent, QueryCommand, QueryEvent, RulesCommand, RulesEvent, SchemaCommand, SchemaEvent,
    SettingsCommand, SettingsEvent, TrackerCommand, TrackerEvent,
};
pub use monitoring::{
    DriftCheck, MonitoringCommand, MonitoringEvent, PerfSeries, TrackedQueries, TrackerMonitor,
};
pub use notify::Notified;
pub use outbox_loop::{EngineOutbox, OUTBOX_INTERVAL};
pub use query::{MAX_ROWS, QueryAnswer, QueryOutput};
pub use registry::{channels, registry};
pub use request::{Answer, Failure, FailureKind, Request, RequestId};
pub use rules_file::RuleEdit;
pub use schedule_loop::{ChannelSchedule, SCHEDULE_INTERVAL};
pub use schema_change::{SchemaImpact, impact_markdown};
pub use secrets::{SecretStorage, until_reboot_note};
pub use settings::{IssueDraftText, PendingSecret};
pub use sr_notify::outbox::NotifyReport;
pub use sr_notify::{ChannelInfo, Delivered};
pub use sr_store::{ApiTokenRow, CachedComment, QueryBaseline, StoreChange};
pub use sync::EngineSync;
pub use sync_ops::{
    ConflictEntry, PROGRESS_EVERY, ProgressThrottle, StartedSync, SyncCommand, SyncEvent,
    SyncOverview, SyncState, TrackerSync,
};
pub use templates::{TemplateText, load_template, reset_template, save_template};
pub use watch::{ConfigChange, WATCHED_FILES};
pub use webhooks::EngineDeliveries;
pub use weekly_report::{
    LATE_LIMIT, SchedulePass, WeeklyReport, due_slot, notification as weekly_notification,
};
