//! The crate's integration tests as one binary: each file beside this
//! one is a module (one test binary per crate keeps the test build's
//! disk footprint small).

mod activity;
mod api_tokens;
mod boards;
mod changes;
mod comments;
mod deliveries;
mod job_claims;
mod migrations;
mod notification_alerts;
mod notification_policy;
mod notifications;
mod outbox;
mod perf;
mod presence;
mod pulls;
mod schema_changes;
mod schema_version;
mod store;
mod sync;
