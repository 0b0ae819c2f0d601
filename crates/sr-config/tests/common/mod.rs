//! Test-only tracker factories: permissive ones for the built-in types (the
//! real adapters live in their own crates) and a strict one whose `config`
//! errors exercise the mapping of adapter positions into the file.

#![allow(dead_code, reason = "each test binary uses a part of this module")]

use std::sync::Arc;

use serde::Deserialize;
use sr_secrets::{Resolver, SecretRef};
use sr_tracker::{
    ConfigField, IssueTracker, ProviderInfo, Registry, TrackerEntry, TrackerError, TrackerFactory,
};

/// Accepts any JSON object as `config`.
pub struct Permissive(pub &'static str);

impl TrackerFactory for Permissive {
    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            kind: self.0,
            display_name: self.0,
            fields: Vec::new(),
        }
    }

    fn validate(&self, config_json: &str) -> Result<(), serde_json::Error> {
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(config_json).map(|_| ())
    }

    fn build(
        &self,
        entry: &TrackerEntry,
        _: &Resolver,
    ) -> sr_tracker::Result<Arc<dyn IssueTracker>> {
        Err(TrackerError::config(
            &entry.name,
            "test factories build nothing",
        ))
    }
}

/// Type `strict`: a GitHub-like config read with `deny_unknown_fields`.
pub struct Strict;

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

impl TrackerFactory for Strict {
    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            kind: "strict",
            display_name: "Strict",
            fields: vec![ConfigField {
                key: "auth.token",
                label: "Token",
                required: true,
                secret: true,
                help: "a personal access token",
                choices: &[],
                default: None,
            }],
        }
    }

    fn validate(&self, config_json: &str) -> Result<(), serde_json::Error> {
        serde_json::from_str::<StrictConfig>(config_json).map(|_| ())
    }

    fn build(
        &self,
        entry: &TrackerEntry,
        _: &Resolver,
    ) -> sr_tracker::Result<Arc<dyn IssueTracker>> {
        Err(TrackerError::config(
            &entry.name,
            "test factories build nothing",
        ))
    }
}

/// local, github, gitlab and jira (permissive) and strict.
pub fn registry() -> Registry {
    let mut r = Registry::new();
    for kind in ["local", "github", "gitlab", "jira"] {
        r.register(Permissive(kind));
    }
    r.register(Strict);
    r
}
