//! GitHub as a tracker type: its settings fields, how a tracker is built
//! from its configuration, how its webhooks are signed and parsed, and its
//! device-flow sign-in. The kit's [`ConfigFactory`] does the rest.

use std::sync::Arc;

use sr_secrets::Secret;
use sr_tracker::kit::{Adapter, ConfigFactory, LabelMap, Webhooks, fields};
use sr_tracker::webhook::{Signature, WebhookSpec};
use sr_tracker::{ConfigField, IssueTracker, LoginFlow, ProviderInfo, Result};

use crate::{GitHubConfig, GitHubTracker, KIND};

/// Registered by the engine: `type: "github"`.
pub type GitHubFactory = ConfigFactory<GitHub>;

/// GitHub Issues, as the kit's [`Adapter`].
#[derive(Debug, Clone, Copy, Default)]
pub struct GitHub;

/// `X-Hub-Signature-256: sha256=<hex>`, `X-GitHub-Event`,
/// `X-GitHub-Delivery`; a form-encoded delivery carries the JSON in
/// `payload`.
const WEBHOOK: WebhookSpec = WebhookSpec {
    signatures: &[Signature::HmacSha256Hex {
        header: "X-Hub-Signature-256",
        prefix: "sha256=",
    }],
    event_header: Some("X-GitHub-Event"),
    event_field: None,
    delivery_id_headers: &["X-GitHub-Delivery"],
    form_field: Some("payload"),
};

impl Adapter for GitHub {
    type Config = GitHubConfig;
    type Mapping = LabelMap;

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
                fields::personal_token(
                    "`personal_token`: a personal access token (classic or fine-grained), or one from `scratchrobin tracker login`.",
                ),
                fields::token(
                    "A fine-grained token with Issues read and write on the repository, or a classic token with the `repo` scope.",
                ),
                fields::base_url(
                    "API URL",
                    false,
                    "https://api.github.com unless set; https://HOST/api/v3 for GitHub Enterprise Server.",
                ),
                fields::labels(),
            ],
        }
    }

    fn build(
        &self,
        name: &str,
        config: &GitHubConfig,
        token: &Secret,
    ) -> Result<Arc<dyn IssueTracker>> {
        Ok(Arc::new(GitHubTracker::new(name, config, token, None)?))
    }

    const WEBHOOKS: Option<Webhooks<LabelMap>> = Some(Webhooks {
        spec: WEBHOOK,
        parse: crate::pulls::parse,
    });

    fn mapping(&self, config: Option<&GitHubConfig>) -> LabelMap {
        config.map_or_else(GitHubConfig::default_labels, GitHubConfig::label_map)
    }

    fn login(&self) -> Option<Arc<dyn LoginFlow>> {
        Some(Arc::new(crate::device_flow::DeviceFlow))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sr_tracker::contract::factory;

    #[test]
    fn does_what_every_type_does() {
        let dir = tempfile::tempdir().expect("dir");
        let config = serde_json::json!({"owner": "company", "repo": "db", "auth": {"type": "personal_token", "token": "${GITHUB_TOKEN}"}});
        factory::check_common(
            &GitHubFactory::default(),
            config,
            "GITHUB_TOKEN",
            dir.path(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn builds_from_entries() {
        let auth = serde_json::json!({"type": "personal_token", "token": "${GITHUB_TOKEN}"});
        factory::check_builds(
            &GitHubFactory::default(),
            "GITHUB_TOKEN",
            vec![
                (serde_json::json!({"owner": "company", "repo": "db", "auth": auth}), Some("ghp_x"), Ok("github.com/company/db")),
                (serde_json::json!({"owner": "company", "repo": "db", "base_url": "https://ghe.example.com/api/v3", "auth": auth}), Some("ghp_x"), Ok("ghe.example.com/company/db")),
                (serde_json::json!({"owner": "company", "repo": "a/b", "auth": auth}), Some("t"), Err("config.repo `a/b` must be a single")),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
}

#[cfg(test)]
mod webhook_tests {
    use super::*;
    use sr_tracker::TrackerEvent;
    use sr_tracker::{TrackerFactory, contract};

    #[test]
    fn deliveries_use_the_built_trackers_labels() {
        let factory = GitHubFactory::default();
        let config = serde_json::json!({"owner": "Codertocat", "repo": "Hello-World", "priority_labels": {"P1": "bug"},
                       "auth": {"type": "personal_token", "token": "${GITHUB_TOKEN}"}});
        let tracker =
            contract::factory::build(&factory, config, "GITHUB_TOKEN", Some("t")).expect("build");
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

#[cfg(test)]
mod spec_tests {
    use super::*;
    use sr_tracker::{Rejection, TrackerFactory};

    /// GitHub's documented example ("Validating webhook deliveries").
    #[test]
    fn deliveries_are_checked_the_way_github_signs_them() {
        let spec = GitHubFactory::default()
            .webhook()
            .expect("GitHub has webhooks");
        let h: &[(&str, &str)] = &[
            (
                "X-Hub-Signature-256",
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            ),
            ("X-GitHub-Event", "issues"),
            ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
        ];
        let secret = b"It's a Secret to Everybody";
        assert_eq!(spec.verify(h, secret, b"Hello, World!", 0, None), Ok(()));
        assert_eq!(
            spec.verify(h, secret, b"Hello, World?", 0, None),
            Err(Rejection::Mismatch)
        );
        assert_eq!(spec.event_name(h, None), "issues");
        assert_eq!(
            spec.delivery_id(h, b""),
            "72d3162e-cc78-11e3-81ab-4c9367dc0958"
        );
        assert_eq!(spec.form_field, Some("payload"));
        assert!(GitHubFactory::default().login().is_some());
    }
}
