//! The crate's integration tests as one binary: each file beside this
//! one is a module (one test binary per crate keeps the test build's
//! disk footprint small).

mod alert_issue;
mod azure_settings;
mod channel_settings;
mod common;
mod connections;
mod connections_ssh;
mod designer;
mod export_dialog;
mod github_settings;
mod jira_dc_settings;
mod linear_settings;
mod monitoring;
mod redmine_issue_flow;
mod redmine_settings;
mod rules_window;
mod secret_storage;
mod sql_editor;
mod sync_window;
mod template_editor;
mod workbench;
mod youtrack_settings;
