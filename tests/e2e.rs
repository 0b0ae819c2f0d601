//! The end-to-end tests as one binary: each file beside this one is a
//! module (one test binary keeps the test build's disk footprint small).

#[path = "../crates/app/sr-ui/tests/common/mod.rs"]
mod ui_common;

mod common;

mod api_schemathesis;
mod auto_issues;
mod channel_cli;
mod cli;
mod connections_everywhere;
mod connections_health;
mod connections_tls;
mod exports;
mod gui_smoke;
mod notify_kill;
mod pull_requests;
mod query_bench;
mod rules_cli;
mod secrets_cli;
mod serve_startup;
mod sync_cli;
mod team_jobs;
mod team_serve;
mod team_store;
mod traceability;
mod tracker_diagnosis;
mod tracker_diagnosis_azure;
mod tracker_diagnosis_jira_dc;
mod tracker_diagnosis_linear;
mod tracker_diagnosis_youtrack;
mod tracker_login;
mod tracker_redmine;
mod webhook_fixtures;
mod webhook_kill;
mod webhook_linear;
mod webhook_register;
mod whiteboard;
