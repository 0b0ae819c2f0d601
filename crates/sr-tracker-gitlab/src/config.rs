//! The `config` object of a `gitlab` tracker in trackers.json, read
//! strictly (unknown fields are errors), with the optional mapping tables.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use sr_model::Priority;
use sr_secrets::SecretRef;
use sr_tracker::kit::{AdapterConfig, LabelMap, TokenAuth};

/// The public instance.
pub const DEFAULT_BASE_URL: &str = "https://gitlab.com";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitLabConfig {
    /// The instance (`https://gitlab.com` or a self-hosted one); the REST
    /// API lives under `/api/v4` of it.
    #[serde(default)]
    pub base_url: Option<String>,
    /// A PEM file of certificate authorities to trust besides the public
    /// ones (a company CA in front of a self-hosted instance).
    #[serde(default)]
    pub ca_file: Option<std::path::PathBuf>,
    /// The project's full path (`group/database`) or numeric id.
    pub project: String,
    /// A personal, group or project access token with the `api` scope,
    /// sent as `PRIVATE-TOKEN`.
    pub auth: TokenAuth,
    /// Labels added to every issue ScratchRobin creates.
    #[serde(default)]
    pub labels: Vec<String>,
    /// The label that stands for each priority (GitLab Free has no priority
    /// field). Levels left out use `priority::critical` … `priority::lowest`.
    #[serde(default)]
    pub priority_labels: BTreeMap<Priority, String>,
    /// The label that stands for each issue type (`Bug` → `type::bug`).
    #[serde(default)]
    pub type_labels: BTreeMap<String, String>,
    /// The label that marks an open issue as in progress.
    #[serde(default)]
    pub in_progress_label: Option<String>,
}

impl AdapterConfig for GitLabConfig {
    fn token(&self) -> &SecretRef {
        self.auth.token()
    }

    fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }
}

/// GitLab's scoped-label defaults: `priority::critical` …
/// `priority::lowest`, no type labels, `workflow::in progress`.
pub fn default_labels() -> LabelMap {
    LabelMap::with_defaults("priority::", "workflow::in progress")
}

/// The label tables of a tracker: its configuration over the defaults.
pub fn label_map(c: &GitLabConfig) -> LabelMap {
    default_labels().configured(
        &c.priority_labels,
        &c.type_labels,
        c.in_progress_label.as_deref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str, expected: Result<(), &str>) {
        let got = serde_json::from_str::<GitLabConfig>(json)
            .map(|_| ())
            .map_err(|e| e.to_string());
        match (got, expected) {
            (Ok(()), Ok(())) => {}
            (Err(e), Err(want)) => assert!(e.contains(want), "{json}: `{e}` lacks `{want}`"),
            (got, want) => panic!("{json}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn strict_config() {
        let auth = r#""auth": {"type": "personal_token", "token": "${GITLAB_TOKEN}"}"#;
        check(&format!(r#"{{"project": "group/db", {auth}}}"#), Ok(()));
        check(
            &format!(
                r#"{{"project": "42", "base_url": "https://gitlab.example.com", "labels": ["a"], "priority_labels": {{"P1": "prio::high"}}, "type_labels": {{"Bug": "bug"}}, "in_progress_label": "doing", {auth}}}"#
            ),
            Ok(()),
        );
        check(
            &format!(r#"{{"project": "g/d", "repo": "x", {auth}}}"#),
            Err("unknown field `repo`"),
        );
        check(r#"{"project": "g/d"}"#, Err("missing field `auth`"));
        check(&format!("{{{auth}}}"), Err("missing field `project`"));
        check(
            r#"{"project": "g/d", "auth": {"type": "personal_token", "token": "glpat-plain"}}"#,
            Err("plain"),
        );
        check(
            r#"{"project": "g/d", "auth": {"type": "api_token", "token": "${T}"}}"#,
            Err("unknown variant `api_token`"),
        );
    }

    #[test]
    fn default_and_configured_labels() {
        let c: GitLabConfig = serde_json::from_str(
            r#"{"project": "g/d", "priority_labels": {"P1": "prio::high"}, "auth": {"type": "personal_token", "token": "${T}"}}"#,
        )
        .expect("config");
        let m = label_map(&c);
        assert_eq!(m.priority_of("prio::high"), Some(Priority::P1));
        assert_eq!(m.priority_of("Priority::Critical"), Some(Priority::P0));
        assert!(m.is_in_progress("Workflow::In Progress"));
        assert!(!m.is_mapped("db"));
    }
}
