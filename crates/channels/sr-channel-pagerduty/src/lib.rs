//! PagerDuty through the Events API v2 (`POST /v2/enqueue`): a trigger
//! opens an alert, acknowledge and resolve act on it; the `dedup_key` is
//! the notification's fingerprint, so every message about one condition
//! lands on one alert, a resend after a lost answer is absorbed by
//! PagerDuty, and a healed condition resolves its incident. Answers: 202
//! taken, 400 refused for good (PagerDuty's `errors` quoted), 429 and 5xx
//! retried later.
//!
//! channels.json: `{"type": "pagerduty", "config": {"routing_key":
//! "${PD_ROUTING_KEY}"}}`, and `"url"` for another endpoint (PagerDuty's
//! EU service region, a proxy).

mod event;

use std::sync::Arc;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use serde::Deserialize;
use sr_config::ConfigField;
use sr_notify::http::{Answer, Post, classify, send};
use sr_notify::{Action, BuildContext, ChannelType, Delivered, Message, Notifier, NotifyError};
use sr_secrets::{Secret, SecretRef};

pub use event::{dedup_key, event_json};

/// `type` in channels.json.
pub const KIND: &str = "pagerduty";
const SERVICE: &str = "PagerDuty";
/// The Events API v2 endpoint.
pub const DEFAULT_URL: &str = "https://events.pagerduty.com/v2/enqueue";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
/// The `config` of a PagerDuty channel.
pub struct PagerDutyConfig {
    routing_key: SecretRef,
    #[serde(default)]
    url: Option<url::Url>,
}

/// The factory of PagerDuty channels.
#[derive(Debug, Default)]
pub struct PagerDutyFactory;

impl ChannelType for PagerDutyFactory {
    const KIND: &'static str = KIND;
    const DISPLAY_NAME: &'static str = "PagerDuty";
    const SECRET_FIELDS: &'static [&'static str] = &["routing_key"];
    type Config = PagerDutyConfig;

    fn config_fields(&self) -> Vec<ConfigField> {
        vec![
            ConfigField::text(
                "routing_key",
                "Integration key",
                true,
                true,
                "The Events API v2 integration key of the PagerDuty service (its routing key).",
            ),
            ConfigField::text(
                "url",
                "Events API URL",
                false,
                false,
                "Leave empty for PagerDuty's own; set for an EU account or a proxy.",
            ),
        ]
    }

    fn notifier(
        &self,
        channel: &str,
        config: PagerDutyConfig,
        ctx: &BuildContext,
    ) -> Result<Arc<dyn Notifier>, NotifyError> {
        let routing_key = ctx.secret(channel, &config.routing_key)?;
        if routing_key.expose().chars().count() != 32 {
            return Err(NotifyError::Config {
                channel: channel.to_owned(),
                message: "the routing key is not 32 characters long; copy the Integration Key of the service's Events API v2 integration".into(),
            });
        }
        Ok(Arc::new(PagerDutyChannel {
            channel: channel.to_owned(),
            url: config
                .url
                .map_or_else(|| DEFAULT_URL.to_owned(), |u| u.to_string()),
            routing_key,
            http: ctx.http.clone(),
        }))
    }
}

/// One PagerDuty service integration.
pub struct PagerDutyChannel {
    channel: String,
    url: String,
    routing_key: Secret,
    http: reqwest::Client,
}

impl PagerDutyChannel {
    async fn post(&self, event: serde_json::Value) -> Result<Answer, NotifyError> {
        let body = serde_json::to_vec(&event).map_err(|e| NotifyError::Config {
            channel: self.channel.clone(),
            message: format!("the event could not be written as JSON: {e}"),
        })?;
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let answer = send(
            &self.http,
            Post {
                channel: &self.channel,
                service: SERVICE,
                url: &self.url,
                headers,
                body,
            },
        )
        .await?;
        if answer.status == 400 {
            return Err(self.invalid(&answer));
        }
        classify(&self.channel, SERVICE, answer)
    }

    /// PagerDuty's 400: its `errors` quoted, and the fix.
    fn invalid(&self, answer: &Answer) -> NotifyError {
        let parsed: Option<serde_json::Value> = serde_json::from_str(&answer.body).ok();
        let errors: Vec<String> = parsed
            .as_ref()
            .and_then(|v| v["errors"].as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|e| e.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let detail = if errors.is_empty() {
            answer.detail()
        } else {
            errors.join("; ")
        };
        let fix = if detail.contains("routing_key") {
            "the routing key is wrong; copy the Integration Key of the service's Events API v2 integration".to_owned()
        } else {
            sr_notify::http::refusal_fix(400, SERVICE)
        };
        NotifyError::Refused {
            channel: self.channel.clone(),
            service: SERVICE,
            status: 400,
            detail,
            fix,
        }
    }
}

#[async_trait::async_trait]
impl Notifier for PagerDutyChannel {
    fn channel(&self) -> &str {
        &self.channel
    }

    fn deduplicates(&self) -> bool {
        // A trigger on an open alert with the same dedup_key only adds to
        // it; an acknowledge or resolve twice changes nothing.
        true
    }

    async fn send(&self, message: &Message) -> Result<Delivered, NotifyError> {
        let key = self.routing_key.expose();
        let answer = self.post(event_json(key, message, message.action)).await?;
        if matches!(message.action, Action::Test | Action::Report) {
            // A test or a report must not leave an open alert paging
            // someone: resolve it at once (its own dedup_key, never a
            // real alert's).
            self.post(event_json(key, message, Action::Resolve)).await?;
        }
        let dedup = serde_json::from_str::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v["dedup_key"].as_str().map(str::to_owned))
            .unwrap_or_default();
        Ok(Delivered {
            status: answer.status,
            detail: format!("dedup_key {dedup}"),
        })
    }
}
