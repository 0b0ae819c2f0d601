//! Test-only tracker types: permissive ones for the built-in types (the
//! real adapters live above this crate) and a strict one whose `config`
//! errors exercise the mapping of adapter positions into the file.

#![allow(dead_code, reason = "each test binary uses a part of this module")]

use serde::Deserialize;
use sr_config::TrackerTypes;
use sr_secrets::SecretRef;

/// Type `strict`: a GitHub-like config read with `deny_unknown_fields`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "read only to validate")]
struct StrictConfig {
    owner: String,
    repo: String,
    auth: StrictAuth,
    #[serde(default)]
    labels: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "read only to validate")]
struct StrictAuth {
    #[serde(rename = "type")]
    kind: String,
    token: SecretRef,
}

/// local, github, gitlab, jira, azure_devops, redmine, linear and youtrack accept
/// any JSON object as `config`;
/// strict reads a [`StrictConfig`] whose `auth.token` is a secret.
pub struct TestTypes;

const PERMISSIVE: [&str; 8] = [
    "local",
    "github",
    "gitlab",
    "jira",
    "azure_devops",
    "redmine",
    "linear",
    "youtrack",
];

impl TrackerTypes for TestTypes {
    fn known_types(&self) -> Vec<&'static str> {
        let mut kinds = PERMISSIVE.to_vec();
        kinds.push("strict");
        kinds.sort_unstable();
        kinds
    }

    fn check_config(&self, kind: &str, config_json: &str) -> Option<Result<(), serde_json::Error>> {
        if kind == "strict" {
            return Some(serde_json::from_str::<StrictConfig>(config_json).map(drop));
        }
        PERMISSIVE.contains(&kind).then(|| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(config_json)
                .map(drop)
        })
    }

    fn secret_fields(&self, kind: &str) -> Vec<&'static str> {
        if kind == "strict" {
            vec!["auth.token"]
        } else {
            Vec::new()
        }
    }
}

pub fn registry() -> TestTypes {
    TestTypes
}

/// Test-only channel types: `open` accepts any object; `hook` reads a
/// strict config whose `secret` must be a reference.
pub struct TestChannels;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "read only to validate")]
struct HookConfig {
    url: String,
    secret: SecretRef,
}

impl sr_config::ChannelTypes for TestChannels {
    fn known_types(&self) -> Vec<&'static str> {
        vec!["hook", "open"]
    }

    fn check_config(&self, kind: &str, config_json: &str) -> Option<Result<(), serde_json::Error>> {
        match kind {
            "hook" => Some(serde_json::from_str::<HookConfig>(config_json).map(drop)),
            "open" => Some(
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(config_json)
                    .map(drop),
            ),
            _ => None,
        }
    }

    fn secret_fields(&self, kind: &str) -> Vec<&'static str> {
        if kind == "hook" {
            vec!["secret"]
        } else {
            Vec::new()
        }
    }
}
