//! Outgoing webhooks per the Standard Webhooks specification: each message
//! is POSTed as the JSON body documented in config/README.md
//! ([`body::payload`]) with `webhook-id` (the message's idempotency key,
//! the same on every retry, so a receiver drops a repeat),
//! `webhook-timestamp` (the attempt's time in Unix seconds: receivers
//! refuse old ones, so each retry is signed anew) and `webhook-signature`
//! (`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under the
//! channel's `whsec_` secret).
//!
//! channels.json: `{"type": "webhook", "config": {"url": "https://…",
//! "secret": "${HOOK_SECRET}"}}`, the secret a reference only.

pub mod body;

use std::sync::Arc;

use base64::Engine as _;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use sr_config::ConfigField;
use sr_notify::http::{Post, classify, send};
use sr_notify::{BuildContext, ChannelType, Delivered, Message, Notifier, NotifyError};
use sr_secrets::SecretRef;
use standardwebhooks::Webhook;

/// `type` in channels.json.
pub const KIND: &str = "webhook";
/// The receiver, as messages name it.
const SERVICE: &str = "The webhook receiver";
/// The shortest key the specification allows (24 bytes, 192 bits).
const MIN_KEY_BYTES: usize = 24;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
/// The `config` of a webhook channel.
pub struct WebhookConfig {
    url: url::Url,
    secret: SecretRef,
}

/// The factory of webhook channels.
#[derive(Debug, Default)]
pub struct WebhookFactory;

impl ChannelType for WebhookFactory {
    const KIND: &'static str = KIND;
    const DISPLAY_NAME: &'static str = "Outgoing webhook";
    const SECRET_FIELDS: &'static [&'static str] = &["secret"];
    type Config = WebhookConfig;

    fn config_fields(&self) -> Vec<ConfigField> {
        vec![
            ConfigField::text(
                "url",
                "URL",
                true,
                false,
                "Where each notification is posted, signed per the Standard Webhooks specification.",
            ),
            ConfigField::text(
                "secret",
                "Signing secret",
                true,
                true,
                "The receiver's Standard Webhooks secret (whsec_…).",
            ),
        ]
    }

    fn notifier(
        &self,
        channel: &str,
        config: WebhookConfig,
        ctx: &BuildContext,
    ) -> Result<Arc<dyn Notifier>, NotifyError> {
        let secret = ctx.secret(channel, &config.secret)?;
        let signer = signer(channel, secret.expose())?;
        Ok(Arc::new(WebhookChannel {
            channel: channel.to_owned(),
            url: config.url,
            signer,
            http: ctx.http.clone(),
        }))
    }
}

/// The signer for a `whsec_…` secret, refusing one that is not base64 or
/// shorter than the specification allows.
fn signer(channel: &str, secret: &str) -> Result<Webhook, NotifyError> {
    let fix = "generate one with `openssl rand -base64 32`, prefix it with whsec_ and store it where \"secret\" points";
    let bad = |why: &str| NotifyError::Config {
        channel: channel.to_owned(),
        message: format!("the webhook secret {why}; {fix}"),
    };
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    let key = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| bad("is not base64 (whsec_ then base64)"))?;
    if key.len() < MIN_KEY_BYTES {
        return Err(bad(&format!(
            "is {} bytes long; Standard Webhooks asks for 24 to 64",
            key.len()
        )));
    }
    Webhook::from_bytes(key).map_err(|_| bad("cannot be used as a key"))
}

/// One outgoing webhook.
pub struct WebhookChannel {
    channel: String,
    url: url::Url,
    signer: Webhook,
    http: reqwest::Client,
}

impl WebhookChannel {
    /// The headers of one attempt at `message` with `body`, signed at
    /// `timestamp` (Unix seconds).
    pub fn headers(
        &self,
        message: &Message,
        timestamp: i64,
        body: &[u8],
    ) -> Result<HeaderMap, NotifyError> {
        let signature = self
            .signer
            .sign(&message.id, timestamp, body)
            .map_err(|e| NotifyError::Config {
                channel: self.channel.clone(),
                message: format!("the message could not be signed: {e}"),
            })?;
        let mut headers = HeaderMap::new();
        let mut set = |name: &'static str, value: &str| -> Result<(), NotifyError> {
            let value = HeaderValue::from_str(value).map_err(|_| NotifyError::Config {
                channel: self.channel.clone(),
                message: format!("the {name} header cannot hold {value:?}; message ids are ASCII"),
            })?;
            headers.insert(HeaderName::from_static(name), value);
            Ok(())
        };
        set("webhook-id", &message.id)?;
        set("webhook-timestamp", &timestamp.to_string())?;
        set("webhook-signature", &signature)?;
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Ok(headers)
    }
}

#[async_trait::async_trait]
impl Notifier for WebhookChannel {
    fn channel(&self) -> &str {
        &self.channel
    }

    fn deduplicates(&self) -> bool {
        // Receivers are asked to drop a webhook-id they have processed.
        true
    }

    async fn send(&self, message: &Message) -> Result<Delivered, NotifyError> {
        let body =
            serde_json::to_vec(&body::payload(message)).map_err(|e| NotifyError::Config {
                channel: self.channel.clone(),
                message: format!("the body could not be written as JSON: {e}"),
            })?;
        let headers = self.headers(message, chrono::Utc::now().timestamp(), &body)?;
        let answer = send(
            &self.http,
            Post {
                channel: &self.channel,
                service: SERVICE,
                url: self.url.as_str(),
                headers,
                body,
            },
        )
        .await?;
        let answer = classify(&self.channel, SERVICE, answer)?;
        Ok(Delivered {
            status: answer.status,
            detail: format!("webhook-id {}", message.id),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_checked_for_shape_and_length() {
        let short = signer("h", "whsec_c2VjcmV0").err().expect("6 bytes");
        assert!(
            short
                .to_string()
                .contains("is 6 bytes long; Standard Webhooks asks for 24 to 64"),
            "{short}"
        );
        let bad = signer("h", "whsec_not base64!").err().expect("not base64");
        assert!(bad.to_string().contains("is not base64"), "{bad}");
        // 32 bytes, with and without the prefix.
        let key = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw+e9Jo4AKXQQ=";
        assert!(signer("h", &format!("whsec_{key}")).is_ok());
        assert!(signer("h", key).is_ok());
    }
}
