//! GitLab as a tracker type: its settings fields, how a tracker is built
//! from its configuration, and how its webhooks are signed and parsed. The
//! kit's [`ConfigFactory`] does the rest.

use std::sync::Arc;

use sr_secrets::Secret;
use sr_tracker::kit::{Adapter, ConfigFactory, LabelMap, Webhooks, fields};
use sr_tracker::webhook::{Signature, WebhookSpec};
use sr_tracker::{ConfigField, IssueTracker, ProviderInfo, Result};

use crate::{GitLabConfig, GitLabTracker, KIND};

/// Registered by the engine: `type: "gitlab"`.
pub type GitLabFactory = ConfigFactory<GitLab>;

/// GitLab Issues, as the kit's [`Adapter`].
#[derive(Debug, Clone, Copy, Default)]
pub struct GitLab;

/// The Standard Webhooks signature when the delivery carries one, else the
/// shared token in `X-Gitlab-Token`; the event in `X-Gitlab-Event`; the
/// delivery id in `Idempotency-Key` (kept across retries), else
/// `X-Gitlab-Event-UUID`, else `webhook-id`.
const WEBHOOK: WebhookSpec = WebhookSpec {
    signatures: &[
        Signature::StandardWebhooks,
        Signature::Token {
            header: "X-Gitlab-Token",
        },
    ],
    event_header: Some("X-Gitlab-Event"),
    event_field: None,
    delivery_id_headers: &["Idempotency-Key", "X-Gitlab-Event-UUID", "webhook-id"],
    form_field: None,
};

impl Adapter for GitLab {
    type Config = GitLabConfig;
    type Mapping = LabelMap;

    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            kind: KIND,
            display_name: "GitLab Issues",
            fields: vec![
                fields::base_url(
                    "GitLab URL",
                    false,
                    "https://gitlab.com unless set; your instance's address for self-hosted GitLab.",
                ),
                ConfigField::text(
                    "project",
                    "Project",
                    true,
                    false,
                    "The project's full path (`group/database`) or numeric id.",
                ),
                fields::personal_token(
                    "`personal_token`: a personal, group or project access token with the `api` scope.",
                ),
                fields::token("A personal, group or project access token with the `api` scope."),
                fields::labels(),
            ],
        }
    }

    fn build(
        &self,
        name: &str,
        config: &GitLabConfig,
        token: &Secret,
    ) -> Result<Arc<dyn IssueTracker>> {
        Ok(Arc::new(GitLabTracker::new(name, config, token, None)?))
    }

    const WEBHOOKS: Option<Webhooks<LabelMap>> = Some(Webhooks {
        spec: WEBHOOK,
        parse: crate::pulls::parse,
    });

    fn mapping(&self, config: Option<&GitLabConfig>) -> LabelMap {
        config.map_or_else(GitLabConfig::default_labels, GitLabConfig::label_map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sr_tracker::contract::factory;

    #[test]
    fn does_what_every_type_does() {
        let dir = tempfile::tempdir().expect("dir");
        let config = serde_json::json!({"project": "company/db", "auth": {"type": "personal_token", "token": "${GITLAB_TOKEN}"}});
        factory::check_common(
            &GitLabFactory::default(),
            config,
            "GITLAB_TOKEN",
            dir.path(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn builds_from_entries() {
        let auth = serde_json::json!({"type": "personal_token", "token": "${GITLAB_TOKEN}"});
        factory::check_builds(
            &GitLabFactory::default(),
            "GITLAB_TOKEN",
            vec![
                (serde_json::json!({"project": "company/db", "auth": auth}), Some("glpat-x"), Ok("gitlab.com/company/db")),
                (serde_json::json!({"project": "17", "base_url": "https://git.example.com", "auth": auth}), Some("glpat-x"), Ok("git.example.com/17")),
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
        let factory = GitLabFactory::default();
        let config = serde_json::json!({"project": "gitlabhq/gitlab-test", "base_url": "http://example.com",
                       "priority_labels": {"P1": "API"},
                       "auth": {"type": "personal_token", "token": "${GITLAB_TOKEN}"}});
        let tracker =
            contract::factory::build(&factory, config, "GITLAB_TOKEN", Some("t")).expect("build");
        let body = include_bytes!("../tests/fixtures/webhooks/issue.json");
        let event = factory
            .parse_webhook(tracker.info(), "Issue Hook", body)
            .expect("parse");
        match event {
            TrackerEvent::Issue { issue, .. } => {
                assert_eq!(issue.reference.priority, Some(sr_model::Priority::P1));
                assert!(issue.reference.labels.is_empty());
                assert_eq!(
                    issue.reference.key.to_string(),
                    "gitlab:example.com/gitlabhq/gitlab-test:23"
                );
            }
            other => panic!("{other:?}"),
        }
        let other = factory
            .parse_webhook(tracker.info(), "Pipeline Hook", b"not even json")
            .expect("unknown");
        assert_eq!(
            other,
            TrackerEvent::Unknown {
                event: "Pipeline Hook".into()
            }
        );
    }
}

#[cfg(test)]
mod spec_tests {
    use super::*;
    use sr_tracker::{Rejection, TrackerFactory};

    /// GitLab signs with the Standard Webhooks scheme when the hook has a
    /// signing token (the example is the scheme's own), else sends the
    /// secret token as it is.
    #[test]
    fn deliveries_are_checked_the_way_gitlab_signs_them() {
        let spec = GitLabFactory::default()
            .webhook()
            .expect("GitLab has webhooks");
        let signed: &[(&str, &str)] = &[
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
            ("webhook-timestamp", "1614265330"),
            (
                "webhook-signature",
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            ),
            ("X-Gitlab-Event", "Issue Hook"),
            ("X-Gitlab-Event-UUID", "uuid-1"),
            ("Idempotency-Key", "key-1"),
        ];
        let secret = b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            spec.verify(signed, secret, body, 1_614_265_330, Some(300)),
            Ok(())
        );
        assert_eq!(
            spec.verify(signed, secret, body, 1_614_265_330 + 600, Some(300)),
            Err(Rejection::Stale(300))
        );
        assert_eq!(spec.event_name(signed, None), "Issue Hook");
        assert_eq!(spec.delivery_id(signed, body), "key-1");
        let token: &[(&str, &str)] = &[("X-Gitlab-Token", "tok"), ("X-Gitlab-Event-UUID", "u")];
        assert_eq!(spec.verify(token, b"tok", body, 0, None), Ok(()));
        assert_eq!(
            spec.verify(token, b"other", body, 0, None),
            Err(Rejection::Mismatch)
        );
        assert_eq!(spec.delivery_id(token, body), "u");
        assert_eq!(spec.form_field, None);
    }
}
