//! Slack through an incoming webhook: each message is Block Kit (a header,
//! the body converted from Markdown to Slack's mrkdwn, a context line with
//! severity and source, buttons for the links) with a plain `text` for
//! notifications and screen readers. Slack answers `ok`, or a word such
//! as `invalid_blocks` or `channel_is_archived` that the error carries.
//!
//! channels.json: `{"type": "slack", "config": {"webhook_url":
//! "${SLACK_WEBHOOK_URL}"}}`. The URL is the credential, so it is a secret
//! reference and never appears in a message.
//!
//! Slack has no idempotency key: the outbox sends each message at most
//! once ([`sr_notify::Notifier::deduplicates`] is false).

mod blocks;
mod mrkdwn;

use std::sync::Arc;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use serde::Deserialize;
use sr_config::ConfigField;
use sr_notify::http::{Post, classify, send};
use sr_notify::{BuildContext, ChannelType, Delivered, Message, Notifier, NotifyError};
use sr_secrets::{Secret, SecretRef};

pub use blocks::message_json;
pub use mrkdwn::to_mrkdwn;

/// `type` in channels.json.
pub const KIND: &str = "slack";
const SERVICE: &str = "Slack";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
/// The `config` of a channel of this type.
pub struct SlackConfig {
    webhook_url: SecretRef,
}

/// The factory of Slack channels.
#[derive(Debug, Default)]
pub struct SlackFactory;

impl ChannelType for SlackFactory {
    const KIND: &'static str = KIND;
    const DISPLAY_NAME: &'static str = "Slack";
    const SECRET_FIELDS: &'static [&'static str] = &["webhook_url"];
    type Config = SlackConfig;

    fn config_fields(&self) -> Vec<ConfigField> {
        vec![ConfigField::text(
            "webhook_url",
            "Webhook URL",
            true,
            true,
            "The incoming webhook's URL Slack shows (https://hooks.slack.com/services/…); it is the credential.",
        )]
    }

    fn notifier(
        &self,
        channel: &str,
        config: SlackConfig,
        ctx: &BuildContext,
    ) -> Result<Arc<dyn Notifier>, NotifyError> {
        let url = ctx.webhook_url(
            channel,
            &config.webhook_url,
            "copy the whole URL Slack shows for the incoming webhook",
        )?;
        Ok(Arc::new(SlackChannel {
            channel: channel.to_owned(),
            url,
            http: ctx.http.clone(),
        }))
    }
}

/// One Slack incoming webhook.
pub struct SlackChannel {
    channel: String,
    url: Secret,
    http: reqwest::Client,
}

#[async_trait::async_trait]
impl Notifier for SlackChannel {
    fn channel(&self) -> &str {
        &self.channel
    }

    async fn send(&self, message: &Message) -> Result<Delivered, NotifyError> {
        let body = serde_json::to_vec(&message_json(message)).map_err(|e| NotifyError::Config {
            channel: self.channel.clone(),
            message: format!("the message could not be written as JSON: {e}"),
        })?;
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let answer = send(
            &self.http,
            Post {
                channel: &self.channel,
                service: SERVICE,
                url: self.url.expose(),
                headers,
                body,
            },
        )
        .await?;
        let answer = classify(&self.channel, SERVICE, answer)?;
        Ok(Delivered {
            status: answer.status,
            detail: answer.body.trim().to_owned(),
        })
    }
}
