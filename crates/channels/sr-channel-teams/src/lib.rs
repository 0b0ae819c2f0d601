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
use sr_config::{ChannelEntry, ConfigField};
use sr_notify::http::{Post, classify, send};
use sr_notify::{
    BuildContext, ChannelFactory, Delivered, Message, Notifier, NotifyError, parse_config,
};
use sr_secrets::{Secret, SecretRef};

/// `type` in channels.json.
pub const KIND: &str = "teams";
const SERVICE: &str = "Microsoft Teams";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TeamsConfig {
    webhook_url: SecretRef,
}

/// The factory of Teams channels.
#[derive(Debug, Default)]
pub struct TeamsFactory;

impl ChannelFactory for TeamsFactory {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn display_name(&self) -> &'static str {
        "Microsoft Teams"
    }

    fn fields(&self) -> Vec<ConfigField> {
        vec![ConfigField::text(
            "webhook_url",
            "Workflow URL",
            true,
            true,
            "The URL of the Teams workflow \"Post to a channel when a webhook request is received\"; it is the credential.",
        )]
    }

    fn check_config(&self, config_json: &str) -> Result<(), serde_json::Error> {
        serde_json::from_str::<TeamsConfig>(config_json).map(drop)
    }

    fn secret_fields(&self) -> Vec<&'static str> {
        vec!["webhook_url"]
    }

    fn build(
        &self,
        entry: &ChannelEntry,
        ctx: &BuildContext,
    ) -> Result<Arc<dyn Notifier>, NotifyError> {
        let config: TeamsConfig = parse_config(entry)?;
        let url = ctx.secret(&entry.name, &config.webhook_url)?;
        let bad = |message: &str| NotifyError::Config {
            channel: entry.name.clone(),
            message: message.into(),
        };
        let parsed = reqwest::Url::parse(url.expose()).map_err(|_| {
            bad("the webhook URL is not a URL; copy the whole URL the workflow's trigger shows")
        })?;
        if !matches!(parsed.scheme(), "https" | "http") {
            return Err(bad(
                "the webhook URL is not an http(s) URL; copy the whole URL the workflow's trigger shows",
            ));
        }
        if !parsed.query_pairs().any(|(k, _)| k == "sig") {
            return Err(bad(
                "the webhook URL has no `sig=` signature; copy the whole URL the workflow's trigger shows, query included",
            ));
        }
        Ok(Arc::new(TeamsChannel {
            channel: entry.name.clone(),
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
