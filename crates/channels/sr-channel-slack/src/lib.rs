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
use sr_config::{ChannelEntry, ConfigField};
use sr_notify::http::{Post, classify, send};
use sr_notify::{
    BuildContext, ChannelFactory, Delivered, Message, Notifier, NotifyError, parse_config,
};
use sr_secrets::{Secret, SecretRef};

pub use blocks::message_json;
pub use mrkdwn::to_mrkdwn;

/// `type` in channels.json.
pub const KIND: &str = "slack";
const SERVICE: &str = "Slack";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SlackConfig {
    webhook_url: SecretRef,
}

/// The factory of Slack channels.
#[derive(Debug, Default)]
pub struct SlackFactory;

impl ChannelFactory for SlackFactory {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn display_name(&self) -> &'static str {
        "Slack"
    }

    fn fields(&self) -> Vec<ConfigField> {
        vec![ConfigField::text(
            "webhook_url",
            "Webhook URL",
            true,
            true,
            "The incoming webhook's URL Slack shows (https://hooks.slack.com/services/…); it is the credential.",
        )]
    }

    fn check_config(&self, config_json: &str) -> Result<(), serde_json::Error> {
        serde_json::from_str::<SlackConfig>(config_json).map(drop)
    }

    fn secret_fields(&self) -> Vec<&'static str> {
        vec!["webhook_url"]
    }

    fn build(
        &self,
        entry: &ChannelEntry,
        ctx: &BuildContext,
    ) -> Result<Arc<dyn Notifier>, NotifyError> {
        let config: SlackConfig = parse_config(entry)?;
        let url = ctx.secret(&entry.name, &config.webhook_url)?;
        if !url.expose().starts_with("https://") && !url.expose().starts_with("http://") {
            return Err(NotifyError::Config {
                channel: entry.name.clone(),
                message: "the webhook URL is not an http(s) URL; copy the whole URL Slack shows for the incoming webhook".into(),
            });
        }
        Ok(Arc::new(SlackChannel {
            channel: entry.name.clone(),
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
