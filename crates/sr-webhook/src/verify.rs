//! Signature checks per provider, over the raw body, in constant time.
//! Pure functions: headers and body in, a verdict out.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The headers a verifier reads, looked up case-insensitively by the caller.
pub trait Headers {
    fn get(&self, name: &str) -> Option<&str>;
}

impl Headers for axum::http::HeaderMap {
    fn get(&self, name: &str) -> Option<&str> {
        axum::http::HeaderMap::get(self, name).and_then(|v| v.to_str().ok())
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

fn hmac_sha256(secret: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    #[allow(clippy::expect_used)]
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes keys of any length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().to_vec()
}

fn equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// `sha256=<hex>` of the body, as GitHub (`X-Hub-Signature-256`) and Jira
/// (`X-Hub-Signature`) send it.
fn check_sha256_prefixed(
    header: &'static str,
    value: Option<&str>,
    secret: &[u8],
    body: &[u8],
) -> Result<(), Rejection> {
    let value = value.ok_or(Rejection::Missing(header))?;
    let hex_sig = value
        .trim()
        .strip_prefix("sha256=")
        .ok_or(Rejection::Malformed(header))?;
    let given = hex::decode(hex_sig).map_err(|_| Rejection::Malformed(header))?;
    if equal(&given, &hmac_sha256(secret, &[body])) {
        Ok(())
    } else {
        Err(Rejection::Mismatch)
    }
}

/// GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`.
pub fn github(
    headers: &(impl Headers + ?Sized),
    secret: &[u8],
    body: &[u8],
) -> Result<(), Rejection> {
    check_sha256_prefixed(
        "X-Hub-Signature-256",
        headers.get("x-hub-signature-256"),
        secret,
        body,
    )
}

/// Jira admin webhooks with a secret: `X-Hub-Signature: sha256=<hex>`.
pub fn jira(
    headers: &(impl Headers + ?Sized),
    secret: &[u8],
    body: &[u8],
) -> Result<(), Rejection> {
    check_sha256_prefixed(
        "X-Hub-Signature",
        headers.get("x-hub-signature"),
        secret,
        body,
    )
}

/// GitLab: the Standard Webhooks signature when present (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature: v1,<base64>`), otherwise the
/// shared token in `X-Gitlab-Token`. `now` and `tolerance_s` bound the
/// timestamp when a tolerance is configured.
pub fn gitlab(
    headers: &(impl Headers + ?Sized),
    secret: &[u8],
    body: &[u8],
    now: i64,
    tolerance_s: Option<i64>,
) -> Result<(), Rejection> {
    if let Some(signature) = headers.get("webhook-signature") {
        return standard_webhooks(headers, signature, secret, body, now, tolerance_s);
    }
    let token = headers
        .get("x-gitlab-token")
        .ok_or(Rejection::Missing("X-Gitlab-Token"))?;
    if equal(token.as_bytes(), secret) {
        Ok(())
    } else {
        Err(Rejection::Mismatch)
    }
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
mod tests {
    use super::*;

    fn gh(sig: &str, body: &[u8]) -> Result<(), Rejection> {
        let h: &[(&str, &str)] = &[("X-Hub-Signature-256", sig)];
        github(h, b"secret", body)
    }

    #[test]
    fn github_signatures() {
        let body = b"{\"a\":1}";
        let good = format!("sha256={}", hex::encode(hmac_sha256(b"secret", &[body])));
        assert_eq!(gh(&good, body), Ok(()));
        assert_eq!(gh(&good, b"{\"a\":2}"), Err(Rejection::Mismatch));
        assert_eq!(
            gh(&good.replace("sha256=", "sha1="), body),
            Err(Rejection::Malformed("X-Hub-Signature-256"))
        );
        assert_eq!(
            gh("", body),
            Err(Rejection::Malformed("X-Hub-Signature-256"))
        );
        assert_eq!(
            gh("sha256=zz", body),
            Err(Rejection::Malformed("X-Hub-Signature-256"))
        );
        let none: &[(&str, &str)] = &[];
        assert_eq!(
            github(none, b"secret", body),
            Err(Rejection::Missing("X-Hub-Signature-256"))
        );
    }

    #[test]
    fn gitlab_tokens_and_standard_webhooks() {
        let body = b"{}";
        let h: &[(&str, &str)] = &[("X-Gitlab-Token", "tok")];
        assert_eq!(gitlab(h, b"tok", body, 0, None), Ok(()));
        assert_eq!(gitlab(h, b"other", body, 0, None), Err(Rejection::Mismatch));
        let sig =
            base64::engine::general_purpose::STANDARD.encode(hmac_sha256(b"k", &[b"id1.100.{}"]));
        let sig = format!("v1,{sig}");
        let h: &[(&str, &str)] = &[
            ("webhook-id", "id1"),
            ("webhook-timestamp", "100"),
            ("webhook-signature", &sig),
        ];
        assert_eq!(gitlab(h, b"k", body, 100, Some(300)), Ok(()));
        assert_eq!(
            gitlab(h, b"k", body, 1000, Some(300)),
            Err(Rejection::Stale(300))
        );
        assert_eq!(gitlab(h, b"k", b"{ }", 100, None), Err(Rejection::Mismatch));
    }
}
