//! How a provider signs and names its webhook deliveries ([`WebhookSpec`],
//! which each adapter's factory hands out) and the checks over them. The
//! listener knows no provider: it asks the tracker's spec. Everything here
//! is pure (headers and body in, a verdict out) and compares secrets in
//! constant time.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The headers a check reads, looked up case-insensitively.
pub trait Headers {
    fn get(&self, name: &str) -> Option<&str>;
}

impl Headers for reqwest::header::HeaderMap {
    fn get(&self, name: &str) -> Option<&str> {
        reqwest::header::HeaderMap::get(self, name).and_then(|v| v.to_str().ok())
    }
}

impl Headers for [(&str, &str)] {
    fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// Why a delivery was refused. Only logged; the sender sees a bare 401.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("the signature header {0} is missing")]
    Missing(&'static str),
    #[error("the signature header {0} is malformed")]
    Malformed(&'static str),
    #[error("the signature does not match the body")]
    Mismatch,
    #[error("the timestamp is outside the allowed window of {0} s")]
    Stale(i64),
}

/// One way a delivery proves it comes from the tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    /// `header: PREFIX<hex HMAC-SHA256(secret, body)>` (GitHub's
    /// `X-Hub-Signature-256: sha256=…`).
    HmacSha256Hex {
        header: &'static str,
        prefix: &'static str,
    },
    /// The shared secret itself in `header` (GitLab's `X-Gitlab-Token`).
    Token { header: &'static str },
    /// HTTP basic authentication whose password is the shared secret
    /// (`Authorization: Basic base64(user:secret)`, any user name): what
    /// Azure DevOps service hooks send when given a user and password.
    BasicPassword,
    /// `header: <hex HMAC-SHA256(secret, body)>` plus a send time in the
    /// body's top-level `field`, in epoch milliseconds, which must be
    /// within `window_s` of now (or the listener's tolerance when that is
    /// tighter: the provider's window is the most it allows) so that a
    /// captured delivery cannot be replayed later (Linear's
    /// `Linear-Signature` and `webhookTimestamp`, within a minute).
    HmacSha256HexBodyTime {
        header: &'static str,
        field: &'static str,
        window_s: i64,
    },
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp` and
    /// `webhook-signature: v1,<base64 HMAC-SHA256(id.timestamp.body)>`,
    /// the timestamp bounded by the tracker's tolerance.
    StandardWebhooks,
}

impl Signature {
    /// The header whose presence says a delivery carries this signature.
    pub fn header(&self) -> &'static str {
        match self {
            Signature::HmacSha256Hex { header, .. }
            | Signature::Token { header }
            | Signature::HmacSha256HexBodyTime { header, .. } => header,
            Signature::BasicPassword => "authorization",
            Signature::StandardWebhooks => "webhook-signature",
        }
    }

    /// Checks one delivery. `now` (Unix seconds) and `tolerance_s` bound
    /// timestamped signatures when a tolerance is set.
    pub fn verify(
        &self,
        headers: &(impl Headers + ?Sized),
        secret: &[u8],
        body: &[u8],
        now: i64,
        tolerance_s: Option<i64>,
    ) -> Result<(), Rejection> {
        let present = headers.get(self.header());
        match *self {
            Signature::HmacSha256Hex { header, prefix } => {
                let value = present.ok_or(Rejection::Missing(header))?;
                let hex_sig = value
                    .trim()
                    .strip_prefix(prefix)
                    .ok_or(Rejection::Malformed(header))?;
                let given = hex::decode(hex_sig).map_err(|_| Rejection::Malformed(header))?;
                matches(equal(&given, &hmac_sha256(secret, &[body])))
            }
            Signature::HmacSha256HexBodyTime {
                header,
                field,
                window_s,
            } => {
                let value = present.ok_or(Rejection::Missing(header))?;
                let given = hex::decode(value.trim()).map_err(|_| Rejection::Malformed(header))?;
                matches(equal(&given, &hmac_sha256(secret, &[body])))?;
                // Checked after the signature: the time is only trusted
                // once the body is known to be the tracker's.
                let window = tolerance_s.map_or(window_s, |t| t.min(window_s));
                let sent_ms = serde_json::from_slice::<serde_json::Value>(body)
                    .ok()
                    .and_then(|v| v.get(field).and_then(serde_json::Value::as_i64))
                    .ok_or(Rejection::Malformed(field))?;
                if (now.saturating_mul(1000) - sent_ms).abs() > window.saturating_mul(1000) {
                    return Err(Rejection::Stale(window));
                }
                Ok(())
            }
            Signature::Token { header } => {
                let token = present.ok_or(Rejection::Missing(header))?;
                matches(equal(token.as_bytes(), secret))
            }
            Signature::BasicPassword => {
                let value = present.ok_or(Rejection::Missing("Authorization"))?;
                let encoded = value
                    .trim()
                    .strip_prefix("Basic ")
                    .ok_or(Rejection::Malformed("Authorization"))?;
                let pair = base64::engine::general_purpose::STANDARD
                    .decode(encoded.trim())
                    .map_err(|_| Rejection::Malformed("Authorization"))?;
                let split = pair.iter().position(|b| *b == b':');
                let password = split
                    .map(|i| &pair[i + 1..])
                    .ok_or(Rejection::Malformed("Authorization"))?;
                matches(equal(password, secret))
            }
            Signature::StandardWebhooks => {
                let signatures = present.ok_or(Rejection::Missing("webhook-signature"))?;
                standard_webhooks(headers, signatures, secret, body, now, tolerance_s)
            }
        }
    }
}

/// What the listener needs to know about a provider's deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookSpec {
    /// The signatures a delivery may carry, by preference: the first whose
    /// header is present decides; when none is, the last reports its
    /// header missing.
    pub signatures: &'static [Signature],
    /// The header naming the event (`X-GitHub-Event`).
    pub event_header: Option<&'static str>,
    /// The top-level body field naming the event when no header does
    /// (Jira's `webhookEvent`).
    pub event_field: Option<&'static str>,
    /// Headers that carry the provider's delivery id, by preference.
    pub delivery_id_headers: &'static [&'static str],
    /// The field of an `application/x-www-form-urlencoded` delivery that
    /// holds the JSON (GitHub's `payload`); `None` refuses form bodies.
    pub form_field: Option<&'static str>,
}

impl WebhookSpec {
    /// Checks a delivery's signature with the tracker's secret.
    pub fn verify(
        &self,
        headers: &(impl Headers + ?Sized),
        secret: &[u8],
        body: &[u8],
        now: i64,
        tolerance_s: Option<i64>,
    ) -> Result<(), Rejection> {
        let chosen = self
            .signatures
            .iter()
            .find(|s| headers.get(s.header()).is_some())
            .or(self.signatures.last())
            // A spec without signatures cannot verify anything.
            .ok_or(Rejection::Missing("signature"))?;
        chosen.verify(headers, secret, body, now, tolerance_s)
    }

    /// Whether [`WebhookSpec::event_name`] needs the parsed body.
    pub fn event_in_body(&self) -> bool {
        self.event_field.is_some()
    }

    /// The event's name: from its header, else from the body field, else
    /// `unknown`.
    pub fn event_name(
        &self,
        headers: &(impl Headers + ?Sized),
        body: Option<&serde_json::Value>,
    ) -> String {
        let from_body = || {
            let field = self.event_field?;
            body?.get(field)?.as_str().map(str::to_owned)
        };
        self.event_header
            .and_then(|h| header_text(headers, h))
            .map(str::to_owned)
            .or_else(from_body)
            .unwrap_or_else(|| "unknown".into())
    }

    /// The provider's delivery id; a hash of the body when none is sent,
    /// so that an identical redelivery is still recognised.
    pub fn delivery_id(&self, headers: &(impl Headers + ?Sized), body: &[u8]) -> String {
        self.delivery_id_headers
            .iter()
            .find_map(|h| header_text(headers, h))
            .map(str::to_owned)
            .unwrap_or_else(|| body_hash(body))
    }
}

/// `sha256:<hex>` of a body: the delivery id of deliveries that carry none.
pub fn body_hash(body: &[u8]) -> String {
    use sha2::Digest;
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}

fn header_text<'a>(headers: &'a (impl Headers + ?Sized), name: &str) -> Option<&'a str> {
    headers.get(name).map(str::trim).filter(|s| !s.is_empty())
}

fn hmac_sha256(secret: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    #[allow(clippy::expect_used)]
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes keys of any length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().to_vec()
}

/// Constant time for equal lengths; the length of a signature is public.
fn equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

fn matches(ok: bool) -> Result<(), Rejection> {
    if ok { Ok(()) } else { Err(Rejection::Mismatch) }
}

fn standard_webhooks(
    headers: &(impl Headers + ?Sized),
    signatures: &str,
    secret: &[u8],
    body: &[u8],
    now: i64,
    tolerance_s: Option<i64>,
) -> Result<(), Rejection> {
    let id = headers
        .get("webhook-id")
        .ok_or(Rejection::Missing("webhook-id"))?;
    let ts = headers
        .get("webhook-timestamp")
        .ok_or(Rejection::Missing("webhook-timestamp"))?;
    let ts_num: i64 = ts
        .trim()
        .parse()
        .map_err(|_| Rejection::Malformed("webhook-timestamp"))?;
    if let Some(tol) = tolerance_s
        && (now - ts_num).abs() > tol
    {
        return Err(Rejection::Stale(tol));
    }
    // Secrets of the form `whsec_<base64>` carry their key in base64.
    let text = String::from_utf8_lossy(secret);
    let key = match text.strip_prefix("whsec_") {
        Some(b64) => base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|_| Rejection::Malformed("webhook secret"))?,
        None => secret.to_vec(),
    };
    let expected = hmac_sha256(&key, &[id.as_bytes(), b".", ts.as_bytes(), b".", body]);
    // The header may carry several space-separated `v1,<sig>` entries.
    let mut any = false;
    for entry in signatures.split_whitespace() {
        let Some(sig) = entry.strip_prefix("v1,") else {
            continue;
        };
        any = true;
        if let Ok(given) = base64::engine::general_purpose::STANDARD.decode(sig)
            && equal(&given, &expected)
        {
            return Ok(());
        }
    }
    if any {
        Err(Rejection::Mismatch)
    } else {
        Err(Rejection::Malformed("webhook-signature"))
    }
}

#[cfg(test)]
#[path = "webhook_tests.rs"]
mod tests;
