//! The `config` object of a `gitlab` tracker in trackers.json, read
//! strictly (unknown fields are errors), with the optional mapping tables.

use std::collections::BTreeMap;

use serde::Deserialize;
use sr_model::Priority;
use sr_secrets::SecretRef;

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
    pub auth: Auth,
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

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Auth {
    /// A personal, group or project access token with the `api` scope,
    /// sent as `PRIVATE-TOKEN`.
    PersonalToken { token: SecretRef },
}

/// The label tables with their defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    pub priority_labels: BTreeMap<Priority, String>,
    pub type_labels: BTreeMap<String, String>,
    pub in_progress_label: String,
}

impl Default for Mapping {
    /// GitLab's scoped-label style: `priority::critical` …
    /// `priority::lowest`, no type labels, `workflow::in progress`.
    fn default() -> Self {
        Mapping {
            priority_labels: Priority::ALL
                .into_iter()
                .map(|p| (p, format!("priority::{}", p.label().to_lowercase())))
                .collect(),
            type_labels: BTreeMap::new(),
            in_progress_label: "workflow::in progress".into(),
        }
    }
}

impl Mapping {
    pub fn from_config(c: &GitLabConfig) -> Mapping {
        let mut m = Mapping::default();
        m.priority_labels.extend(c.priority_labels.clone());
        m.type_labels = c.type_labels.clone();
        if let Some(l) = &c.in_progress_label {
            m.in_progress_label = l.clone();
        }
        m
    }

    pub fn priority_of(&self, label: &str) -> Option<Priority> {
        self.priority_labels
            .iter()
            .find(|(_, l)| l.eq_ignore_ascii_case(label))
            .map(|(p, _)| *p)
    }

    pub fn type_of(&self, label: &str) -> Option<&str> {
        self.type_labels
            .iter()
            .find(|(_, l)| l.eq_ignore_ascii_case(label))
            .map(|(t, _)| t.as_str())
    }

    pub fn is_in_progress(&self, label: &str) -> bool {
        self.in_progress_label.eq_ignore_ascii_case(label)
    }

    /// Whether the label stands for a mapped field rather than being a
    /// plain label.
    pub fn is_mapped(&self, label: &str) -> bool {
        self.priority_of(label).is_some()
            || self.type_of(label).is_some()
            || self.is_in_progress(label)
    }
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
        let m = Mapping::from_config(&c);
        assert_eq!(m.priority_of("prio::high"), Some(Priority::P1));
        assert_eq!(m.priority_of("Priority::Critical"), Some(Priority::P0));
        assert!(m.is_in_progress("Workflow::In Progress"));
        assert!(!m.is_mapped("db"));
    }
}
