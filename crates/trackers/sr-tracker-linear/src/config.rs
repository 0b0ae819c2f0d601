//! The `config` object of a `linear` tracker in trackers.json, read
//! strictly (unknown fields are errors).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sr_tracker::kit::{AdapterConfig, SecretRef};

/// Linear's API, which serves every workspace.
pub const DEFAULT_BASE_URL: &str = "https://api.linear.app";

/// How the tracker signs in. Linear takes a personal API key as the whole
/// `Authorization` header and an OAuth access token as `Bearer <token>`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum LinearAuth {
    /// A personal API key (Settings, Security & access → API keys).
    ApiKey { token: SecretRef },
    /// An OAuth 2.0 access token of an application with the `read` and
    /// `write` scopes.
    Oauth { token: SecretRef },
}

impl LinearAuth {
    pub fn token(&self) -> &SecretRef {
        match self {
            LinearAuth::ApiKey { token } | LinearAuth::Oauth { token } => token,
        }
    }
}

/// One team's issues.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearConfig {
    /// The API root; `https://api.linear.app` unless set (the endpoint is
    /// `/graphql` under it).
    #[serde(default)]
    pub base_url: Option<String>,
    /// The team: its key (`DB`, the prefix of its issue identifiers) or id.
    pub team: String,
    /// A PEM file of certificate authorities to trust besides the public
    /// ones (a company proxy in front of the API).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    pub auth: LinearAuth,
    /// Labels added to every issue ScratchRobin creates.
    #[serde(default)]
    pub labels: Vec<String>,
    /// The label that stands for each issue type (`Bug` → `Bug`); Linear
    /// has no issue-type field, teams use labels.
    #[serde(default)]
    pub type_labels: BTreeMap<String, String>,
}

impl AdapterConfig for LinearConfig {
    fn token(&self) -> &SecretRef {
        self.auth.token()
    }

    fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }
}

impl LinearConfig {
    /// The type labels: the configuration over Linear's default
    /// `Bug`, `Feature` and `Improvement` labels.
    pub fn type_label_map(&self) -> BTreeMap<String, String> {
        let mut map: BTreeMap<String, String> = ["Bug", "Feature", "Improvement"]
            .into_iter()
            .map(|t| (t.to_owned(), t.to_owned()))
            .collect();
        map.extend(self.type_labels.clone());
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str, expected: Result<(), &str>) {
        sr_tracker::contract::factory::check_config::<LinearConfig>(json, expected)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn strict_config() {
        let key = r#""auth": {"type": "api_key", "token": "${LINEAR_API_KEY}"}"#;
        check(&format!(r#"{{"team": "DB", {key}}}"#), Ok(()));
        check(
            r#"{"team": "DB", "base_url": "https://api.linear.app", "labels": ["db"], "type_labels": {"Bug": "bug"}, "auth": {"type": "oauth", "token": "${LINEAR_OAUTH}"}}"#,
            Ok(()),
        );
        check(
            &format!(r#"{{"team": "DB", "project": "x", {key}}}"#),
            Err("unknown field `project`"),
        );
        check(r#"{"team": "DB"}"#, Err("missing field `auth`"));
        check(&format!("{{{key}}}"), Err("missing field `team`"));
        check(
            r#"{"team": "DB", "auth": {"type": "api_key", "token": "lin_api_plain"}}"#,
            Err("plain"),
        );
        check(
            r#"{"team": "DB", "auth": {"type": "personal_token", "token": "${T}"}}"#,
            Err("unknown variant `personal_token`"),
        );
    }

    #[test]
    fn type_labels_over_the_defaults() {
        let c: LinearConfig = serde_json::from_str(
            r#"{"team": "DB", "type_labels": {"Bug": "defect", "Task": "chore"}, "auth": {"type": "api_key", "token": "${T}"}}"#,
        )
        .expect("config");
        let m = c.type_label_map();
        assert_eq!(m["Bug"], "defect");
        assert_eq!(m["Task"], "chore");
        assert_eq!(m["Feature"], "Feature");
    }
}
