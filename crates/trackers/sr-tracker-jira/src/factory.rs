//! Jira as a tracker type: its settings fields, how a tracker is built
//! from its configuration, and how its admin webhooks are signed and
//! parsed. The kit's [`ConfigFactory`] does the rest.

use std::sync::Arc;

use sr_secrets::Secret;
use sr_tracker::kit::{Adapter, ConfigFactory, Webhooks, fields};
use sr_tracker::webhook::{Signature, WebhookSpec};
use sr_tracker::{ConfigField, IssueTracker, ProviderInfo, Result};

use crate::{JiraConfig, JiraTracker, KIND, Mapping};

/// Registered by the engine: `type: "jira"`.
pub type JiraFactory = ConfigFactory<Jira>;

/// Jira Cloud and Data Center, as the kit's [`Adapter`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Jira;

/// Admin webhooks with a secret: `X-Hub-Signature: sha256=<hex>`; the
/// event is the body's `webhookEvent`; the delivery id
/// `X-Atlassian-Webhook-Identifier`.
const WEBHOOK: WebhookSpec = WebhookSpec {
    signatures: &[Signature::HmacSha256Hex {
        header: "X-Hub-Signature",
        prefix: "sha256=",
    }],
    event_header: None,
    event_field: Some("webhookEvent"),
    delivery_id_headers: &["X-Atlassian-Webhook-Identifier"],
    form_field: None,
};

impl Adapter for Jira {
    type Config = JiraConfig;
    type Mapping = Mapping;

    fn info(&self) -> ProviderInfo {
        let field = ConfigField::text;
        ProviderInfo {
            kind: KIND,
            display_name: "Jira",
            fields: vec![
                fields::base_url(
                    "Site URL",
                    true,
                    "https://YOUR-SITE.atlassian.net for Jira Cloud; the server's base URL for Data Center.",
                ),
                field(
                    "project_key",
                    "Project key",
                    true,
                    false,
                    "The key issue keys start with (`DB` for DB-123).",
                ),
                field(
                    "auth.email",
                    "Email",
                    false,
                    false,
                    "Jira Cloud: the email of the account the API token belongs to.",
                ),
                ConfigField::choice(
                    "api_version",
                    "REST API",
                    &["3", "2"],
                    "3",
                    "3 for Jira Cloud; 2 for Jira Data Center (REST v2, wiki markup).",
                ),
                ConfigField::choice(
                    "auth.type",
                    "Sign-in",
                    &["api_token", "bearer", "basic"],
                    "api_token",
                    "`api_token` for Jira Cloud (email + API token); `bearer` for a Data Center personal access token; `basic` for a Data Center username and password.",
                ),
                field(
                    "auth.username",
                    "Username",
                    false,
                    false,
                    "Data Center with sign-in `basic`: the username the password belongs to.",
                ),
                fields::token(
                    "Jira Cloud: an API token from id.atlassian.com (auth type `api_token`); Data Center: a personal access token (auth type `bearer`) or the user's password (auth type `basic`).",
                ),
                field(
                    "default_issue_type",
                    "Issue type",
                    false,
                    false,
                    "The type of new issues; `Task` unless set.",
                ),
                fields::labels(),
            ],
        }
    }

    fn build(
        &self,
        name: &str,
        config: &JiraConfig,
        token: &Secret,
    ) -> Result<Arc<dyn IssueTracker>> {
        Ok(Arc::new(JiraTracker::new(name, config, token, None)?))
    }

    const WEBHOOKS: Option<Webhooks<Mapping>> = Some(Webhooks {
        spec: WEBHOOK,
        parse: crate::webhook::parse,
    });

    fn mapping(&self, config: Option<&JiraConfig>) -> Mapping {
        config.map_or_else(Mapping::default, Mapping::from_config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sr_tracker::TrackerEvent;
    use sr_tracker::TrackerFactory;
    use sr_tracker::contract::factory;

    #[test]
    fn does_what_every_type_does() {
        let dir = tempfile::tempdir().expect("dir");
        // Bearer: an API token goes into the header base64-encoded, so
        // any characters pass.
        let config = serde_json::json!({"base_url": "https://jira.example.com", "project_key": "DB", "auth": {"type": "bearer", "token": "${JIRA_TOKEN}"}});
        factory::check_common(&JiraFactory::default(), config, "JIRA_TOKEN", dir.path())
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn builds_from_entries() {
        let basic = serde_json::json!({"type": "api_token", "email": "ada@acme.com", "token": "${JIRA_TOKEN}"});
        factory::check_builds(
            &JiraFactory::default(),
            "JIRA_TOKEN",
            vec![
                (serde_json::json!({"base_url": "https://acme.atlassian.net", "project_key": "DB", "auth": basic}), Some("t0ken"), Ok("acme.atlassian.net")),
                (serde_json::json!({"base_url": "http://127.0.0.1:8080/", "project_key": "DB", "auth": {"type": "bearer", "token": "${JIRA_TOKEN}"}}), Some("pat"), Ok("127.0.0.1:8080")),
                (serde_json::json!({"base_url": "https://acme.atlassian.net", "project_key": "DB-1", "auth": basic}), Some("t"), Err("is not a Jira project key")),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }

    /// Webhook deliveries read priorities the way the built tracker maps
    /// them.
    #[test]
    fn webhooks_use_the_trackers_priority_names() {
        let f = JiraFactory::default();
        let config = serde_json::json!({
            "base_url": "https://acme.atlassian.net", "project_key": "DB",
            "priorities": {"P0": "Blocker"},
            "auth": {"type": "bearer", "token": "${JIRA_TOKEN}"}
        });
        let t = factory::build(&f, config, "JIRA_TOKEN", Some("pat")).expect("tracker");
        let body = serde_json::json!({"webhookEvent": "jira:issue_created", "issue": {
            "key": "DB-1", "self": "https://acme.atlassian.net/rest/api/2/issue/10001",
            "fields": {"summary": "x", "priority": {"name": "Blocker"}}}});
        let event = f
            .parse_webhook(t.info(), "", body.to_string().as_bytes())
            .expect("parsed");
        match event {
            TrackerEvent::Issue { issue, .. } => {
                assert_eq!(issue.reference.priority, Some(sr_model::Priority::P0))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn auth_headers() {
        use sr_secrets::Secret;
        let basic = crate::Auth::ApiToken {
            email: "ada@acme.com".into(),
            token: serde_json::from_str("\"${T}\"").expect("ref"),
        };
        // base64("ada@acme.com:t0ken")
        assert_eq!(
            crate::authorization(&basic, &Secret::new("t0ken")),
            "Basic YWRhQGFjbWUuY29tOnQwa2Vu"
        );
        let bearer = crate::Auth::Bearer {
            token: serde_json::from_str("\"${T}\"").expect("ref"),
        };
        assert_eq!(
            crate::authorization(&bearer, &Secret::new("pat")),
            "Bearer pat"
        );
        let password = crate::Auth::Basic {
            username: "ada".into(),
            token: serde_json::from_str("\"${T}\"").expect("ref"),
        };
        // base64("ada:s3cret")
        assert_eq!(
            crate::authorization(&password, &Secret::new("s3cret")),
            "Basic YWRhOnMzY3JldA=="
        );
    }
}

#[cfg(test)]
mod spec_tests {
    use super::*;
    use sr_tracker::{Rejection, TrackerFactory};

    /// Jira signs admin webhooks like WebSub: `X-Hub-Signature: sha256=`
    /// and the hex HMAC-SHA256 of the body (RFC 4231's test case 2 here);
    /// the event is named in the body.
    #[test]
    fn deliveries_are_checked_the_way_jira_signs_them() {
        let spec = JiraFactory::default().webhook().expect("Jira has webhooks");
        let h: &[(&str, &str)] = &[
            (
                "X-Hub-Signature",
                "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            ("X-Atlassian-Webhook-Identifier", "42"),
        ];
        let body = b"what do ya want for nothing?";
        assert_eq!(spec.verify(h, b"Jefe", body, 0, None), Ok(()));
        assert_eq!(
            spec.verify(h, b"jefe", body, 0, None),
            Err(Rejection::Mismatch)
        );
        assert!(spec.event_in_body());
        let parsed = serde_json::json!({"webhookEvent": "jira:issue_updated"});
        assert_eq!(spec.event_name(h, Some(&parsed)), "jira:issue_updated");
        assert_eq!(spec.delivery_id(h, body), "42");
    }
}
