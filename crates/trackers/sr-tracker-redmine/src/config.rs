//! The `config` object of a `redmine` tracker in trackers.json, read
//! strictly (unknown fields are errors). Redmine has its own trackers,
//! statuses and priorities, read from the server; the tables here only say
//! which of the server's names stand for ScratchRobin's levels and states
//! when the defaults (Redmine's own English names) do not fit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sr_model::Priority;
use sr_tracker::kit::{AdapterConfig, SecretRef, TokenAuth};

/// The issue custom field that holds labels unless `labels_field` says
/// otherwise: Redmine has no labels of its own.
pub const DEFAULT_LABELS_FIELD: &str = "Labels";

/// How the server formats text (Administration → Settings → General →
/// Text formatting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextFormatting {
    /// Redmine's default: Textile.
    Textile,
    /// CommonMark (Redmine 5) or the older Markdown (Redcarpet): both
    /// take our Markdown as it is.
    #[serde(alias = "common_mark")]
    Markdown,
    /// No formatting: text is shown as written.
    None,
}

/// One Redmine project's issues.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedmineConfig {
    /// The Redmine's address (`https://redmine.example.com`, with its
    /// sub-path if it has one).
    pub base_url: String,
    /// The project's identifier (`db`) or numeric id.
    pub project: String,
    /// A PEM file of certificate authorities to trust besides the public
    /// ones.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// The user's API key (My account → API access key), sent as
    /// `X-Redmine-API-Key`.
    pub auth: TokenAuth,
    /// Labels added to every issue ScratchRobin creates.
    #[serde(default)]
    pub labels: Vec<String>,
    /// The issue custom field (a text field, used as a filter) that holds
    /// labels, comma-separated.
    #[serde(default)]
    pub labels_field: Option<String>,
    /// The server's priority name for each level; levels left out use
    /// Redmine's defaults (Immediate, Urgent, High, Normal, Low).
    #[serde(default)]
    pub priorities: BTreeMap<Priority, String>,
    /// The Redmine tracker for each issue type (`Bug` → `Defect`); types
    /// left out use the tracker of the same name.
    #[serde(default)]
    pub type_trackers: BTreeMap<String, String>,
    /// The open status that means "in progress" (`In Progress` unless set).
    #[serde(default)]
    pub in_progress_status: Option<String>,
    /// The closed status an issue is closed with (`Closed` unless set).
    #[serde(default)]
    pub done_status: Option<String>,
    /// How the server formats text; detected from the server unless set.
    #[serde(default)]
    pub text_formatting: Option<TextFormatting>,
}

impl AdapterConfig for RedmineConfig {
    fn token(&self) -> &SecretRef {
        self.auth.token()
    }

    fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }
}

/// Redmine's default priority names (its English default data), highest
/// first.
pub(crate) const DEFAULT_PRIORITIES: [(Priority, &str); 5] = [
    (Priority::P0, "Immediate"),
    (Priority::P1, "Urgent"),
    (Priority::P2, "High"),
    (Priority::P3, "Normal"),
    (Priority::P4, "Low"),
];

impl RedmineConfig {
    /// The server's priority name for each level: configured, else the
    /// default.
    ///
    /// A default name another level is configured with is that level's
    /// only: `{"P4": "Normal"}` leaves P3 without a name, so that reading
    /// `Normal` back gives P4.
    pub(crate) fn priority_names(&self) -> Vec<(Priority, String)> {
        let taken = |name: &str| {
            self.priorities
                .values()
                .any(|v| v.trim().eq_ignore_ascii_case(name))
        };
        DEFAULT_PRIORITIES
            .iter()
            .filter_map(|(p, name)| match self.priorities.get(p) {
                Some(configured) => Some((*p, configured.clone())),
                None if taken(name) => None,
                None => Some((*p, (*name).to_owned())),
            })
            .collect()
    }

    pub(crate) fn labels_field(&self) -> &str {
        self.labels_field.as_deref().unwrap_or(DEFAULT_LABELS_FIELD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str, expected: Result<(), &str>) {
        sr_tracker::contract::factory::check_config::<RedmineConfig>(json, expected)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn strict_config() {
        let auth = r#""auth": {"type": "personal_token", "token": "${REDMINE_KEY}"}"#;
        let base = r#""base_url": "https://redmine.example.com""#;
        check(&format!(r#"{{"project": "db", {base}, {auth}}}"#), Ok(()));
        check(
            &format!(
                r#"{{"project": "db", {base}, "labels": ["sr"], "labels_field": "Tags", "priorities": {{"P1": "Hoch"}}, "type_trackers": {{"Bug": "Defect"}}, "in_progress_status": "Doing", "done_status": "Resolved", "text_formatting": "common_mark", {auth}}}"#
            ),
            Ok(()),
        );
        check(
            &format!(r#"{{"project": "db", {base}, "repo": "x", {auth}}}"#),
            Err("unknown field `repo`"),
        );
        check(
            &format!(r#"{{"project": "db", {auth}}}"#),
            Err("missing field `base_url`"),
        );
        check(
            &format!(r#"{{"project": "db", {base}, "text_formatting": "rdoc", {auth}}}"#),
            Err("unknown variant `rdoc`"),
        );
        check(
            &format!(
                r#"{{"project": "db", {base}, "auth": {{"type": "personal_token", "token": "plainkey"}}}}"#
            ),
            Err("plain"),
        );
    }

    #[test]
    fn priority_names_over_the_defaults() {
        let c: RedmineConfig = serde_json::from_str(
            r#"{"project": "db", "base_url": "http://h", "priorities": {"P1": "Hoch"}, "auth": {"type": "personal_token", "token": "${K}"}}"#,
        )
        .expect("config");
        let names = c.priority_names();
        assert_eq!(names[1], (Priority::P1, "Hoch".to_owned()));
        assert_eq!(names[2], (Priority::P2, "High".to_owned()));
        let c: RedmineConfig = serde_json::from_str(
            r#"{"project": "db", "base_url": "http://h", "priorities": {"P4": "Normal"}, "auth": {"type": "personal_token", "token": "${K}"}}"#,
        )
        .expect("config");
        let names = c.priority_names();
        assert!(!names.iter().any(|(p, _)| *p == Priority::P3), "{names:?}");
        assert!(names.contains(&(Priority::P4, "Normal".to_owned())));
        assert_eq!(c.labels_field(), "Labels");
    }
}
