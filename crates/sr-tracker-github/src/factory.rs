//! Builds GitHub trackers from trackers.json entries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sr_secrets::Resolver;
use sr_tracker::{
    ConfigField, IssueTracker, ProviderInfo, Result, TrackerEntry, TrackerError, TrackerFactory,
};
use sr_tracker::{TrackerEvent, TrackerInfo, WebhookParseError};

use crate::{Auth, GitHubConfig, GitHubTracker, KIND, Mapping};

/// Registered by the engine: `type: "github"`. Remembers each built
/// tracker's label mapping, so that webhook deliveries read priorities and
/// types the way that tracker is configured.
#[derive(Debug, Clone, Default)]
pub struct GitHubFactory {
    mappings: Arc<Mutex<HashMap<String, Mapping>>>,
}

impl TrackerFactory for GitHubFactory {
    fn info(&self) -> ProviderInfo {
        let field = ConfigField::text;
        ProviderInfo {
            kind: KIND,
            display_name: "GitHub Issues",
            fields: vec![
                field(
                    "owner",
                    "Owner",
                    true,
                    false,
                    "The user or organisation that owns the repository (`company`).",
                ),
                field(
                    "repo",
                    "Repository",
                    true,
                    false,
                    "The repository's name (`database-schema`).",
                ),
                ConfigField::choice(
                    "auth.type",
                    "Sign-in",
                    &["personal_token"],
                    "personal_token",
                    "`personal_token`: a personal access token (classic or fine-grained), or one from `scratchrobin tracker login`.",
                ),
                field(
                    "auth.token",
                    "Token",
                    true,
                    true,
                    "A fine-grained token with Issues read and write on the repository, or a classic token with the `repo` scope.",
                ),
                field(
                    "base_url",
                    "API URL",
                    false,
                    false,
                    "https://api.github.com unless set; https://HOST/api/v3 for GitHub Enterprise Server.",
                ),
                field(
                    "labels",
                    "Labels",
                    false,
                    false,
                    "Labels added to every issue ScratchRobin creates.",
                ),
            ],
        }
    }

    fn validate(&self, config_json: &str) -> std::result::Result<(), serde_json::Error> {
        let config = serde_json::from_str::<GitHubConfig>(config_json)?;
        match &config.ca_file {
            Some(path) => sr_tracker::ca_certificates(path)
                .map(drop)
                .map_err(<serde_json::Error as serde::de::Error>::custom),
            None => Ok(()),
        }
    }

    fn build(&self, entry: &TrackerEntry, secrets: &Resolver) -> Result<Arc<dyn IssueTracker>> {
        let config: GitHubConfig = serde_json::from_value(entry.config.clone())
            .map_err(|e| TrackerError::config(&entry.name, e.to_string()))?;
        let Auth::PersonalToken { token } = &config.auth;
        let token = secrets
            .resolve(token)
            .map_err(|e| TrackerError::secret(&entry.name, "config.auth.token", e))?;
        let tracker = GitHubTracker::new(&entry.name, &config, &token, None)?;
        if let Ok(mut m) = self.mappings.lock() {
            m.insert(tracker.info.instance.clone(), Mapping::from_config(&config));
        }
        Ok(Arc::new(tracker))
    }

    fn parse_webhook(
        &self,
        info: &TrackerInfo,
        event: &str,
        body: &[u8],
    ) -> std::result::Result<TrackerEvent, WebhookParseError> {
        let map = self
            .mappings
            .lock()
            .ok()
            .and_then(|m| m.get(&info.instance).cloned())
            .unwrap_or_default();
        crate::webhook::parse(info, &map, event, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sr_secrets::Keyring;
    use sr_tracker::ErrorKind;

    fn entry(config: serde_json::Value) -> TrackerEntry {
        serde_json::from_value(
            serde_json::json!({"name": "GitHub Issues", "type": "github", "config": config}),
        )
        .expect("entry")
    }

    fn resolver(token: Option<&'static str>) -> Resolver {
        Resolver::with_env(
            move |n| {
                (n == "GITHUB_TOKEN")
                    .then(|| token.map(str::to_owned))
                    .flatten()
            },
            Keyring::in_memory(),
        )
    }

    fn check(config: serde_json::Value, token: Option<&'static str>, expected: Result<&str, &str>) {
        let got = GitHubFactory::default().build(&entry(config), &resolver(token));
        match (got, expected) {
            (Ok(t), Ok(instance)) => assert_eq!(t.info().instance, instance),
            (Err(e), Err(want)) => {
                assert_eq!(e.kind(), ErrorKind::Config);
                assert!(e.to_string().contains(want), "`{e}` lacks `{want}`");
            }
            (Ok(t), Err(want)) => panic!("built {:?}, want error {want}", t.info()),
            (Err(e), Ok(_)) => panic!("{e}"),
        }
    }

    #[test]
    fn builds_from_entries() {
        let auth = serde_json::json!({"type": "personal_token", "token": "${GITHUB_TOKEN}"});
        check(
            serde_json::json!({"owner": "company", "repo": "db", "auth": auth}),
            Some("ghp_x"),
            Ok("github.com/company/db"),
        );
        check(
            serde_json::json!({"owner": "company", "repo": "db", "base_url": "https://ghe.example.com/api/v3", "auth": auth}),
            Some("ghp_x"),
            Ok("ghe.example.com/company/db"),
        );
        check(
            serde_json::json!({"owner": "company", "repo": "db", "auth": auth}),
            None,
            Err(
                "cannot read its secret config.auth.token: environment variable `GITHUB_TOKEN` is not set",
            ),
        );
        check(
            serde_json::json!({"owner": "company", "repo": "a/b", "auth": auth}),
            Some("t"),
            Err("config.repo `a/b` must be a single"),
        );
        check(
            serde_json::json!({"owner": "company", "repo": "db", "base_url": "ftp://x", "auth": auth}),
            Some("t"),
            Err("is not an http(s) URL"),
        );
        check(
            serde_json::json!({"owner": "company", "repo": "db", "auth": auth}),
            Some("bad\ntoken"),
            Err("characters a header cannot carry"),
        );
    }

    #[test]
    fn validate_is_strict_and_positioned() {
        let e = GitHubFactory::default()
            .validate("{\n  \"owner\": \"c\",\n  \"repoo\": \"d\"\n}")
            .expect_err("unknown field");
        assert_eq!(
            (e.line(), e.to_string().contains("unknown field `repoo`")),
            (3, true),
            "{e}"
        );
    }

    #[test]
    fn the_token_is_a_secret_field() {
        let info = GitHubFactory::default().info();
        let secret: Vec<_> = info
            .fields
            .iter()
            .filter(|f| f.secret)
            .map(|f| f.key)
            .collect();
        assert_eq!(secret, ["auth.token"]);
        assert_eq!(info.kind, "github");
    }
}

#[cfg(test)]
mod webhook_tests {
    use super::*;
    use sr_secrets::Keyring;

    #[test]
    fn deliveries_use_the_built_trackers_labels() {
        let factory = GitHubFactory::default();
        let entry: TrackerEntry = serde_json::from_value(serde_json::json!({
            "name": "GitHub", "type": "github",
            "config": {"owner": "Codertocat", "repo": "Hello-World", "priority_labels": {"P1": "bug"},
                       "auth": {"type": "personal_token", "token": "${GITHUB_TOKEN}"}}
        }))
        .expect("entry");
        let secrets = Resolver::with_env(|_| Some("t".into()), Keyring::in_memory());
        let tracker = factory.build(&entry, &secrets).expect("build");
        let body = serde_json::json!({
            "action": "labeled",
            "repository": {"full_name": "Codertocat/Hello-World"},
            "issue": {"number": 5, "title": "t", "state": "open", "html_url": "https://github.com/Codertocat/Hello-World/issues/5",
                      "labels": [{"name": "bug"}], "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}
        });
        let event = factory
            .parse_webhook(tracker.info(), "issues", body.to_string().as_bytes())
            .expect("parse");
        match event {
            TrackerEvent::Issue { issue, .. } => {
                assert_eq!(issue.reference.priority, Some(sr_model::Priority::P1));
                assert!(issue.reference.labels.is_empty());
            }
            other => panic!("{other:?}"),
        }
    }
}
