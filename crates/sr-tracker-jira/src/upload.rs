//! Attachment uploads: Jira takes them as `multipart/form-data` with a
//! `file` part and the `X-Atlassian-Token: no-check` header (without it
//! Jira answers 403 for XSRF). The shared client sends JSON bodies only, so
//! this keeps its own client with the same credentials and timeouts, and
//! sends once: an upload whose outcome is unknown is reported, not resent.

use sr_tracker::classify::{FailurePhase, status_error, transport_error};
use sr_tracker::reqwest::{self, Url};
use sr_tracker::{HttpSettings, Result, TrackerError, USER_AGENT};
use tracing::Instrument;

#[derive(Debug, Clone)]
pub struct Uploader {
    client: reqwest::Client,
    timeout: std::time::Duration,
}

impl Uploader {
    pub fn new(settings: &HttpSettings) -> Result<Uploader> {
        let client = sr_tracker::with_ca_file(
            reqwest::Client::builder().use_rustls_tls(),
            settings.ca_file.as_deref(),
        )
        .map_err(|m| TrackerError::config(&settings.provider, m))?
        .user_agent(USER_AGENT)
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.request_timeout)
        .default_headers(settings.headers.clone())
        .build()
        .map_err(|e| {
            TrackerError::config(
                &settings.provider,
                format!("cannot build the HTTP client: {e}"),
            )
        })?;
        Ok(Uploader {
            client,
            timeout: settings.request_timeout,
        })
    }

    /// Posts one file as the `file` part; returns Jira's JSON answer.
    pub async fn post_file(
        &self,
        url: Url,
        what: &str,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<Vec<u8>> {
        let boundary = format!("scratchrobin-{:016x}", content_hash(bytes));
        let body = multipart_body(&boundary, filename, content_type, bytes);
        let span = tracing::debug_span!("tracker_request", provider = "Jira", method = "POST", path = %url.path());
        let resp = self
            .client
            .post(url.clone())
            .header("x-atlassian-token", "no-check")
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .instrument(span.clone())
            .await;
        let resp = match resp {
            Ok(r) => r,
            Err(e) => return Err(failed(&e, &url, self.timeout)),
        };
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .bytes()
            .instrument(span.clone())
            .await
            .map_err(|e| failed(&e, &url, self.timeout))?;
        span.in_scope(|| tracing::debug!(status = status.as_u16(), "answered"));
        if status.is_success() {
            Ok(body.to_vec())
        } else {
            Err(status_error("Jira", what, status, &headers, &body))
        }
    }
}

fn failed(e: &reqwest::Error, url: &Url, timeout: std::time::Duration) -> TrackerError {
    match transport_error(e, url.as_str(), timeout) {
        (error, FailurePhase::Connect) => error,
        (_, FailurePhase::AfterSend) => TrackerError::UnknownOutcome {
            provider: "Jira".into(),
            operation: "attach a file".into(),
        },
    }
}

/// The boundary's seed: a hash of the file (FNV-1a), so that the same
/// upload is framed the same way; a file containing its own hash is not a
/// worry worth more code.
fn content_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// One `file` part. Quotes and line breaks in the file name are replaced,
/// since they would end the header.
pub fn multipart_body(boundary: &str, filename: &str, content_type: &str, bytes: &[u8]) -> Vec<u8> {
    let name: String = filename
        .chars()
        .map(|c| {
            if matches!(c, '"' | '\r' | '\n' | '\\') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let content_type = if content_type.trim().is_empty() || content_type.contains(['\r', '\n']) {
        "application/octet-stream"
    } else {
        content_type
    };
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_part() {
        let body = multipart_body("B", "a\"b.sql", "", b"SELECT 1;");
        assert_eq!(
            String::from_utf8(body).expect("utf8"),
            "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a_b.sql\"\r\nContent-Type: application/octet-stream\r\n\r\nSELECT 1;\r\n--B--\r\n"
        );
    }
}
