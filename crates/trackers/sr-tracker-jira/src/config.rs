//! The `config` object of a `jira` tracker in trackers.json, read strictly
//! (unknown fields are errors), with the priority and status tables.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use sr_model::{IssueState, Priority};
use sr_secrets::SecretRef;
use sr_tracker::kit::AdapterConfig;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JiraConfig {
    /// The site root: `https://acme.atlassian.net` for Jira Cloud, the
    /// server's base URL for Data Center.
    pub base_url: String,
    /// A PEM file of certificate authorities to trust besides the public
    /// ones (a company CA in front of a self-hosted instance).
    #[serde(default)]
    pub ca_file: Option<std::path::PathBuf>,
    /// The project issues are created in and searched (`DB`).
    pub project_key: String,
    /// The issue type of new issues when the draft names none.
    #[serde(default = "default_issue_type")]
    pub default_issue_type: String,
    /// Labels added to every issue ScratchRobin creates.
    #[serde(default)]
    pub labels: Vec<String>,
    pub auth: Auth,
    /// Jira's priority name for each level. Levels left out use Jira's
    /// default scheme: Highest, High, Medium, Low, Lowest.
    #[serde(default)]
    pub priorities: BTreeMap<Priority, String>,
    /// The status an issue moves to for "in progress", when the workflow
    /// has several in that category. Unset: the first such transition.
    #[serde(default)]
    pub in_progress_status: Option<String>,
    /// The REST API version: 3 for Jira Cloud (Atlassian Document Format,
    /// `/search/jql`), 2 for Jira Data Center (plain-text descriptions,
    /// `/search` with `startAt`, users by username).
    /// The settings dialog writes it as text (`"2"`), a hand-written file
    /// as a number; both are read.
    #[serde(default = "default_api_version", deserialize_with = "number_or_text")]
    pub api_version: u8,
}

fn default_api_version() -> u8 {
    3
}

fn number_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Number(u8),
        Text(String),
    }
    match Either::deserialize(d)? {
        Either::Number(n) => Ok(n),
        Either::Text(t) => t.trim().parse().map_err(|_| {
            serde::de::Error::custom(format!(
                "api_version `{t}` is not a number; use 3 (Cloud) or 2 (Data Center)"
            ))
        }),
    }
}

fn default_issue_type() -> String {
    "Task".into()
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Auth {
    /// Jira Cloud: the account's email and an API token, sent as Basic.
    ApiToken { email: String, token: SecretRef },
    /// Jira Data Center: a personal access token, sent as Bearer.
    Bearer { token: SecretRef },
    /// Jira Data Center (or Server) without personal access tokens: a
    /// username and its password, sent as Basic. The password is written
    /// `password` (or `token`, the settings dialog's secret field).
    Basic {
        username: String,
        #[serde(alias = "password")]
        token: SecretRef,
    },
}

impl Auth {
    pub fn token(&self) -> &SecretRef {
        match self {
            Auth::ApiToken { token, .. } | Auth::Bearer { token } | Auth::Basic { token, .. } => {
                token
            }
        }
    }
}

impl AdapterConfig for JiraConfig {
    fn token(&self) -> &SecretRef {
        self.auth.token()
    }

    fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }
}

/// The tables with their defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    pub priorities: BTreeMap<Priority, String>,
    pub in_progress_status: Option<String>,
}

impl Default for Mapping {
    fn default() -> Self {
        let names = ["Highest", "High", "Medium", "Low", "Lowest"];
        Mapping {
            priorities: Priority::ALL
                .into_iter()
                .zip(names)
                .map(|(p, n)| (p, n.to_owned()))
                .collect(),
            in_progress_status: None,
        }
    }
}

impl Mapping {
    pub fn from_config(c: &JiraConfig) -> Mapping {
        let mut m = Mapping::default();
        m.priorities.extend(c.priorities.clone());
        m.in_progress_status = c.in_progress_status.clone();
        m
    }

    pub fn priority_name(&self, p: Priority) -> &str {
        self.priorities
            .get(&p)
            .map(String::as_str)
            .unwrap_or("Medium")
    }

    pub fn priority_of(&self, name: &str) -> Option<Priority> {
        self.priorities
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(p, _)| *p)
    }
}

/// Jira's status category keys: `new` (To Do), `indeterminate` (In
/// Progress), `done`. Anything else (`undefined`) counts as open.
pub fn state_of_category(key: &str) -> IssueState {
    match key {
        "done" => IssueState::Done,
        "indeterminate" => IssueState::InProgress,
        _ => IssueState::Open,
    }
}

pub fn category_of_state(state: IssueState) -> &'static str {
    match state {
        IssueState::Open => "new",
        IssueState::InProgress => "indeterminate",
        IssueState::Done => "done",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str, expected: Result<(), &str>) {
        sr_tracker::contract::factory::check_config::<JiraConfig>(json, expected)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn strict_config() {
        let base = r#""base_url": "https://acme.atlassian.net", "project_key": "DB""#;
        let basic =
            r#""auth": {"type": "api_token", "email": "ada@acme.com", "token": "${JIRA_TOKEN}"}"#;
        check(&format!("{{{base}, {basic}}}"), Ok(()));
        check(
            &format!(
                r#"{{{base}, "default_issue_type": "Bug", "labels": ["db"], "priorities": {{"P0": "Blocker"}}, "in_progress_status": "Doing", {basic}}}"#
            ),
            Ok(()),
        );
        check(
            &format!(r#"{{{base}, "auth": {{"type": "bearer", "token": "${{JIRA_PAT}}"}}}}"#),
            Ok(()),
        );
        check(
            &format!(
                r#"{{{base}, "api_version": 2, "auth": {{"type": "bearer", "token": "${{JIRA_PAT}}"}}}}"#
            ),
            Ok(()),
        );
        check(
            &format!(r#"{{{base}, "api_version": "2", {basic}}}"#),
            Ok(()),
        );
        check(
            &format!(
                r#"{{{base}, "api_version": 2, "auth": {{"type": "basic", "username": "ada", "password": "${{JIRA_PASSWORD}}"}}}}"#
            ),
            Ok(()),
        );
        check(
            &format!(
                r#"{{{base}, "auth": {{"type": "basic", "username": "ada", "token": "${{JIRA_PASSWORD}}"}}}}"#
            ),
            Ok(()),
        );
        check(
            &format!(r#"{{{base}, "auth": {{"type": "basic", "password": "${{P}}"}}}}"#),
            Err("missing field `username`"),
        );
        check(
            &format!(r#"{{{base}, "api_version": "v2", {basic}}}"#),
            Err("api_version `v2` is not a number"),
        );
        check(
            &format!("{{{base}, {basic}, \"x\": 1}}"),
            Err("unknown field `x`"),
        );
        check(&format!("{{{base}}}"), Err("missing field `auth`"));
        check(
            &format!(r#"{{"base_url": "https://a.atlassian.net", {basic}}}"#),
            Err("missing field `project_key`"),
        );
        check(
            &format!(r#"{{{base}, "auth": {{"type": "api_token", "token": "${{T}}"}}}}"#),
            Err("missing field `email`"),
        );
        check(
            &format!(
                r#"{{{base}, "auth": {{"type": "api_token", "email": "a@b", "token": "plain"}}}}"#
            ),
            Err("plain"),
        );
        check(
            &format!(r#"{{{base}, "auth": {{"type": "oauth", "token": "${{T}}"}}}}"#),
            Err("unknown variant `oauth`"),
        );
        check(
            &format!(r#"{{{base}, "priorities": {{"P7": "x"}}, {basic}}}"#),
            Err("unknown variant `P7`"),
        );
    }

    #[test]
    fn priorities_and_categories() {
        let m = Mapping::default();
        for (p, name) in [
            (Priority::P0, "Highest"),
            (Priority::P2, "Medium"),
            (Priority::P4, "Lowest"),
        ] {
            assert_eq!(m.priority_name(p), name);
            assert_eq!(m.priority_of(&name.to_uppercase()), Some(p));
        }
        assert_eq!(m.priority_of("Blocker"), None);
        for (key, state) in [
            ("new", IssueState::Open),
            ("indeterminate", IssueState::InProgress),
            ("done", IssueState::Done),
            ("undefined", IssueState::Open),
        ] {
            assert_eq!(state_of_category(key), state, "{key}");
        }
        for s in [IssueState::Open, IssueState::InProgress, IssueState::Done] {
            assert_eq!(state_of_category(category_of_state(s)), s);
        }
    }
}
