//! Linear as a tracker type: its settings fields, how a tracker is built
//! from its configuration, and how its webhooks are signed and parsed. The
//! kit's [`ConfigFactory`] does the rest.

use std::collections::BTreeMap;
use std::sync::Arc;

use sr_secrets::Secret;
use sr_tracker::kit::{Adapter, ConfigFactory, Webhooks, fields};
use sr_tracker::webhook::{Signature, WebhookSpec};
use sr_tracker::{ConfigField, IssueTracker, ProviderInfo, Result};

use crate::{KIND, LinearConfig, LinearTracker};

/// Registered by the engine: `type: "linear"`.
pub type LinearFactory = ConfigFactory<Linear>;

/// Linear, as the kit's [`Adapter`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Linear;

/// What a delivery is read with: the tracker's type labels and its team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub types: BTreeMap<String, String>,
    pub team: String,
}

/// Linear signs the raw body with the webhook's secret (hex HMAC-SHA256 in
/// `Linear-Signature`) and puts the send time in the body's
/// `webhookTimestamp` (epoch ms), which must be within a minute; the
/// event (`Issue`, `Comment`) is in `Linear-Event` and the body's `type`,
/// the delivery id in `Linear-Delivery`.
pub const WEBHOOK: WebhookSpec = WebhookSpec {
    signatures: &[Signature::HmacSha256HexBodyTime {
        header: "Linear-Signature",
        field: "webhookTimestamp",
        window_s: 60,
    }],
    event_header: Some("Linear-Event"),
    event_field: Some("type"),
    delivery_id_headers: &["Linear-Delivery"],
    form_field: None,
};

impl Adapter for Linear {
    type Config = LinearConfig;
    type Mapping = Mapping;

    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            kind: KIND,
            display_name: "Linear",
            fields: vec![
                ConfigField::text(
                    "team",
                    "Team",
                    true,
                    false,
                    "The team's key (`DB`, the prefix of its issue identifiers) or id.",
                ),
                ConfigField::choice(
                    "auth.type",
                    "Sign-in",
                    &["api_key", "oauth"],
                    "api_key",
                    "`api_key`: a personal API key (Settings, Security & access); `oauth`: an OAuth access token with the `read` and `write` scopes.",
                ),
                fields::token("The API key or OAuth access token."),
                fields::labels(),
                fields::base_url(
                    "API URL",
                    false,
                    "https://api.linear.app unless set (a proxy in front of Linear's API).",
                ),
            ],
        }
    }

    fn build(
        &self,
        name: &str,
        config: &LinearConfig,
        token: &Secret,
    ) -> Result<Arc<dyn IssueTracker>> {
        Ok(Arc::new(LinearTracker::new(name, config, token, None)?))
    }

    const WEBHOOKS: Option<Webhooks<Mapping>> = Some(Webhooks {
        spec: WEBHOOK,
        parse: crate::webhook::parse,
    });

    fn mapping(&self, config: Option<&LinearConfig>) -> Mapping {
        match config {
            Some(c) => Mapping {
                types: c.type_label_map(),
                team: c.team.trim().to_owned(),
            },
            None => Mapping {
                types: ["Bug", "Feature", "Improvement"]
                    .into_iter()
                    .map(|t| (t.to_owned(), t.to_owned()))
                    .collect(),
                team: String::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sr_tracker::contract::factory;

    #[test]
    fn does_what_every_type_does() {
        let dir = tempfile::tempdir().expect("dir");
        let config = serde_json::json!({"team": "DB", "auth": {"type": "api_key", "token": "${LINEAR_API_KEY}"}});
        factory::check_common(
            &LinearFactory::default(),
            config,
            "LINEAR_API_KEY",
            dir.path(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn builds_from_entries() {
        let key = serde_json::json!({"type": "api_key", "token": "${LINEAR_API_KEY}"});
        let oauth = serde_json::json!({"type": "oauth", "token": "${LINEAR_API_KEY}"});
        factory::check_builds(
            &LinearFactory::default(),
            "LINEAR_API_KEY",
            vec![
                (serde_json::json!({"team": "DB", "auth": key}), Some("lin_api_x"), Ok("api.linear.app/DB")),
                (serde_json::json!({"team": "ENG", "base_url": "https://linear-proxy.example.com", "auth": oauth}), Some("lin_oauth_x"), Ok("linear-proxy.example.com/ENG")),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
}
