//! Microsoft Teams through a workflow webhook (Teams' "Post to a channel
//! when a webhook request is received"; the Office 365 connectors it
//! replaces are retired): each message is one Adaptive Card ([`card`])
//! with the title, the body, the facts (severity, source, time) and a
//! button per link. The workflow answers `202 Accepted`.
//!
//! channels.json: `{"type": "teams", "config": {"webhook_url":
//! "${TEAMS_WEBHOOK_URL}"}}`. The URL carries its signature (`sig=`), so it
//! is a secret reference and never appears in a message.
//!
//! Teams has no idempotency key: the outbox sends each message at most
//! once ([`sr_notify::Notifier::deduplicates`] is false).

pub mod card;

use std::sync::Arc;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use serde::Deserialize;
use sr_config::ConfigField;
use sr_notify::http::{Post, classify, send};
use sr_notify::{BuildContext, ChannelType, Delivered, Message, Notifier, NotifyError};
use sr_secrets::{Secret, SecretRef};

/// `type` in channels.json.
pub const KIND: &str = "teams";
const SERVICE: &str = "Microsoft Teams";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
/// The `config` of a channel of this type.
pub struct TeamsConfig {
    webhook_url: SecretRef,
}

/// The factory of Teams channels.
#[derive(Debug, Default)]
pub struct TeamsFactory;

impl ChannelType for TeamsFactory {
    const KIND: &'static str = KIND;
    const DISPLAY_NAME: &'static str = "Microsoft Teams";
    const SECRET_FIELDS: &'static [&'static str] = &["webhook_url"];
    type Config = TeamsConfig;

    fn config_fields(&self) -> Vec<ConfigField> {
        vec![ConfigField::text(
            "webhook_url",
            "Workflow URL",
            true,
            true,
            "The URL of the Teams workflow \"Post to a channel when a webhook request is received\"; it is the credential.",
        )]
    }

    fn notifier(
        &self,
        channel: &str,
        config: TeamsConfig,
        ctx: &BuildContext,
    ) -> Result<Arc<dyn Notifier>, NotifyError> {
        let fix = "copy the whole URL the workflow's trigger shows";
        let url = ctx.webhook_url(channel, &config.webhook_url, fix)?;
        let signed = reqwest::Url::parse(url.expose())
            .is_ok_and(|u| u.query_pairs().any(|(k, _)| k == "sig"));
        if !signed {
            return Err(NotifyError::Config {
                channel: channel.to_owned(),
                message: format!("the webhook URL has no `sig=` signature; {fix}, query included"),
            });
        }
        Ok(Arc::new(TeamsChannel {
            channel: channel.to_owned(),
            url,
            http: ctx.http.clone(),
        }))
    }
}

/// One Teams workflow webhook.
pub struct TeamsChannel {
    channel: String,
    url: Secret,
    http: reqwest::Client,
}

#[async_trait::async_trait]
impl Notifier for TeamsChannel {
    fn channel(&self) -> &str {
        &self.channel
    }

    async fn send(&self, message: &Message) -> Result<Delivered, NotifyError> {
        let body =
            serde_json::to_vec(&card::message_json(message)).map_err(|e| NotifyError::Config {
                channel: self.channel.clone(),
                message: format!("the card could not be written as JSON: {e}"),
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
            detail: "accepted by the workflow".into(),
        })
    }
}
