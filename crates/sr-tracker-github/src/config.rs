//! The `config` object of a `github` tracker in trackers.json, read
//! strictly (unknown fields are errors), with the optional mapping tables.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use sr_model::Priority;
use sr_secrets::SecretRef;
use sr_tracker::kit::{AdapterConfig, LabelMap, TokenAuth};

/// The public API root.
pub const DEFAULT_BASE_URL: &str = "https://api.github.com";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitHubConfig {
    /// The user or organisation that owns the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The API root: `https://api.github.com`, or `https://HOST/api/v3` for
    /// GitHub Enterprise Server.
    #[serde(default)]
    pub base_url: Option<String>,
    /// A PEM file of certificate authorities to trust besides the public
    /// ones (a company CA in front of a self-hosted instance).
    #[serde(default)]
    pub ca_file: Option<std::path::PathBuf>,
    /// A personal access token (classic or fine-grained), or one from
    /// `scratchrobin tracker login`.
    pub auth: TokenAuth,
    /// Labels added to every issue ScratchRobin creates.
    #[serde(default)]
    pub labels: Vec<String>,
    /// The label that stands for each priority (GitHub has no priority
    /// field). Levels left out use `priority: critical` … `priority: lowest`.
    #[serde(default)]
    pub priority_labels: BTreeMap<Priority, String>,
    /// The label that stands for each issue type (`Bug` → `bug`).
    #[serde(default)]
    pub type_labels: BTreeMap<String, String>,
    /// The label that marks an open issue as in progress.
    #[serde(default)]
    pub in_progress_label: Option<String>,
}

impl AdapterConfig for GitHubConfig {
    fn token(&self) -> &SecretRef {
        self.auth.token()
    }

    fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }
}

/// GitHub's default labels: `priority: critical` … `priority: lowest`, no
/// type labels, `in progress`.
pub fn default_labels() -> LabelMap {
    LabelMap::with_defaults("priority: ", "in progress")
}

/// The label tables of a tracker: its configuration over the defaults.
pub fn label_map(c: &GitHubConfig) -> LabelMap {
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
        let got = serde_json::from_str::<GitHubConfig>(json)
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
        let auth = r#""auth": {"type": "personal_token", "token": "${GITHUB_TOKEN}"}"#;
        check(
            &format!(r#"{{"owner": "company", "repo": "db", {auth}}}"#),
            Ok(()),
        );
        check(
            &format!(
                r#"{{"owner": "company", "repo": "db", "base_url": "https://ghe.example.com/api/v3", "labels": ["a"], "priority_labels": {{"P1": "prio/high"}}, "type_labels": {{"Bug": "bug"}}, "in_progress_label": "doing", {auth}}}"#
            ),
            Ok(()),
        );
        check(
            &format!(r#"{{"owner": "c", "repo": "d", "colour": 1, {auth}}}"#),
            Err("unknown field `colour`"),
        );
        check(
            r#"{"owner": "c", "repo": "d"}"#,
            Err("missing field `auth`"),
        );
        check(
            r#"{"owner": "c", "repo": "d", "auth": {"type": "personal_token", "token": "ghp_plain"}}"#,
            Err("plain"),
        );
        check(
            r#"{"owner": "c", "repo": "d", "auth": {"type": "oauth", "token": "${T}"}}"#,
            Err("unknown variant `oauth`"),
        );
        check(
            r#"{"owner": "c", "repo": "d", "auth": {"type": "personal_token", "token": "${T}", "x": 1}}"#,
            Err("unknown field `x`"),
        );
        check(
            &format!(r#"{{"owner": "c", "repo": "d", "priority_labels": {{"P9": "x"}}, {auth}}}"#),
            Err("unknown variant `P9`"),
        );
    }

    #[test]
    fn githubs_default_labels() {
        let c: GitHubConfig = serde_json::from_str(
            r#"{"owner": "c", "repo": "d", "auth": {"type": "personal_token", "token": "${T}"}}"#,
        )
        .expect("config");
        let m = label_map(&c);
        assert_eq!(m.priority_of("Priority: Critical"), Some(Priority::P0));
        assert!(m.is_in_progress("In Progress"));
    }
}
