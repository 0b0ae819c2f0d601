//! The crate's integration tests as one binary: each file beside this
//! one is a module (one test binary per crate keeps the test build's
//! disk footprint small).

mod adapter_dependencies;
mod alert_issue;
mod auto_events;
mod boards;
mod channel_settings;
mod channels;
mod comments;
mod connections;
mod db_jobs;
mod monitoring;
mod new_tracker_type;
mod notify_engine;
mod notify_outbox;
mod notify_policy;
mod pull_mentions;
mod schema_change;
mod schema_changes;
mod schema_stream;
mod settings;
mod sync;
mod sync_window;
mod templates;
mod unusable_trackers;
mod webhook_notices;
mod weekly_report;
