//! The one HTTP exchange the web channels share: POST a body, read the
//! answer, and classify it into success or a [`NotifyError`] that names
//! the cause and the fix. URLs never reach a message: a Slack or Teams
//! incoming-webhook URL carries its own credential.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::NotifyError;

/// The longest piece of a service's answer quoted in a message.
const DETAIL_CHARS: usize = 300;

/// One POST to a channel's service.
#[derive(Debug)]
pub struct Post<'a> {
    /// The channel's name in channels.json, for messages.
    pub channel: &'a str,
    /// The service's name in messages (`Slack`, `PagerDuty`).
    pub service: &'static str,
    pub url: &'a str,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// What the service answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    /// `Retry-After`, in seconds or as an HTTP date.
    pub retry_after: Option<Duration>,
}

impl Answer {
    /// The answer's body, shortened for a message.
    pub fn detail(&self) -> String {
        let body = self.body.trim();
        if body.is_empty() {
            return "no explanation in the answer".to_owned();
        }
        let mut detail: String = body.chars().take(DETAIL_CHARS).collect();
        if detail.len() < body.len() {
            detail.push('…');
        }
        detail
    }
}

/// The HTTP client the channels use: rustls, a timeout per request (a hung
/// service must not hold the outbox), no redirects to other hosts with our
/// headers (reqwest drops sensitive headers across hosts).
pub fn client() -> Result<reqwest::Client, NotifyError> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("ScratchRobin/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| NotifyError::Client {
            detail: error_chain(&e.without_url()),
        })
}

/// Sends `post`; any answer comes back (classify it with [`classify`]), no
/// answer is [`NotifyError::Unreachable`].
pub async fn send(client: &reqwest::Client, post: Post<'_>) -> Result<Answer, NotifyError> {
    let unreachable = |e: reqwest::Error| NotifyError::Unreachable {
        channel: post.channel.to_owned(),
        service: post.service,
        detail: describe(e),
    };
    let response = client
        .post(post.url)
        .headers(post.headers.clone())
        .body(post.body.clone())
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    let body = response.text().await.map_err(unreachable)?;
    Ok(Answer {
        status,
        body,
        retry_after,
    })
}

/// A 2xx answer is `Ok`; anything else the error that says what it means.
pub fn classify(
    channel: &str,
    service: &'static str,
    answer: Answer,
) -> Result<Answer, NotifyError> {
    let status = answer.status;
    if (200..300).contains(&status) {
        return Ok(answer);
    }
    let channel = channel.to_owned();
    match status {
        429 => Err(NotifyError::RateLimited {
            channel,
            service,
            retry_after: answer.retry_after,
        }),
        408 | 500..=599 => Err(NotifyError::Unavailable {
            channel,
            service,
            status,
            detail: answer.detail(),
        }),
        _ => Err(NotifyError::Refused {
            channel,
            service,
            status,
            detail: answer.detail(),
            fix: refusal_fix(status, service),
        }),
    }
}

/// What to do about a refusal, by status.
pub fn refusal_fix(status: u16, service: &str) -> String {
    match status {
        401 | 403 => format!(
            "the key or webhook URL is wrong or was revoked; create a new one in {service} and store it (Settings → Channels, or `scratchrobin secret set`)"
        ),
        404 | 410 => format!(
            "the webhook or integration no longer exists in {service}; create a new one and store its URL"
        ),
        413 => {
            format!("the message is larger than {service} accepts; shorten the channel's template")
        }
        _ => format!(
            "{service} does not accept what ScratchRobin sent; this is a bug in the channel, please report it with this message"
        ),
    }
}

/// `Retry-After` as seconds, or as an HTTP date (RFC 7231) from now.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// A reqwest error without its URL, with its causes (the part that says
/// "certificate unknown" or "connection refused").
fn describe(e: reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "no answer in time"
    } else if e.is_connect() {
        "the connection failed"
    } else {
        "the request failed"
    };
    format!("{what} ({})", error_chain(&e.without_url()))
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}
