//! GitHub's OAuth device flow (RFC 8628 as GitHub runs it), for signing in
//! without pasting a token: ask for a code, show the user the code and the
//! page to enter it on, then poll until GitHub hands out the token.
//!
//! The polling honours GitHub's answers: `authorization_pending` (keep
//! waiting), `slow_down` (wait longer: the new `interval`, or five seconds
//! more), `expired_token`, `access_denied`, and a disabled device flow.
//! Storing the token (in the keyring) is the caller's business; the
//! [`DeviceFlow`] is this flow as GitHub's [`LoginFlow`].

use std::time::Duration;

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::json;
use sr_secrets::{Secret, SecretRef};
use sr_tracker::reqwest::header::{ACCEPT, HeaderValue};
use sr_tracker::reqwest::{Method, Url};
use sr_tracker::{
    ApiRequest, DeviceLogin, HttpClient, HttpSettings, LoginFlow, Result, TrackerError,
};

use crate::{DEFAULT_BASE_URL, PROVIDER};

/// `scratchrobin tracker login` for GitHub trackers: the device flow
/// against the tracker's server, the token kept as its `personal_token`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeviceFlow;

#[async_trait]
impl LoginFlow for DeviceFlow {
    fn client_id_env(&self) -> &'static str {
        "SCRATCHROBIN_GITHUB_CLIENT_ID"
    }

    /// `repo`: issues of private repositories too.
    fn default_scopes(&self) -> &'static [&'static str] {
        &["repo"]
    }

    async fn start(
        &self,
        tracker: &str,
        config: &serde_json::Value,
        client_id: &str,
        scopes: &[&str],
    ) -> Result<DeviceLogin> {
        let base = config
            .get("base_url")
            .and_then(serde_json::Value::as_str)
            .unwrap_or(DEFAULT_BASE_URL);
        let api = Url::parse(base).map_err(|e| {
            TrackerError::config(
                tracker,
                format!("config.base_url `{base}` is not a URL: {e}"),
            )
        })?;
        let web = web_root(&api);
        let code = start(&web, client_id, scopes).await?;
        let client_id = client_id.to_owned();
        Ok(DeviceLogin {
            user_code: code.user_code.clone(),
            verification_uri: code.verification_uri.clone(),
            expires_in: Duration::from_secs(code.expires_in),
            token: Box::pin(async move { wait_for_token(&web, &client_id, &code).await }),
        })
    }

    fn store_token(&self, config: &mut serde_json::Value, token: SecretRef) {
        config["auth"] = json!({"type": "personal_token", "token": token});
    }
}

/// What the user is shown, and what the poll needs.
#[derive(Debug, Clone, Deserialize)]
pub struct DeviceCode {
    /// Secret-ish: only this client should poll with it.
    device_code: String,
    /// The code the user types (`WDJB-MJHT`).
    pub user_code: String,
    /// Where the user types it (`https://github.com/login/device`).
    pub verification_uri: String,
    /// Seconds the code stays valid.
    pub expires_in: u64,
    /// Seconds to wait between polls.
    pub interval: u64,
}

/// The web root the device flow lives under: `https://github.com` for the
/// public API, the server itself for GitHub Enterprise (`…/api/v3` dropped).
pub fn web_root(api_base: &Url) -> Url {
    let mut web = api_base.clone();
    if web.host_str() == Some("api.github.com") {
        return Url::parse("https://github.com").unwrap_or(web);
    }
    let path = web
        .path()
        .trim_end_matches('/')
        .trim_end_matches("/api/v3")
        .to_owned();
    web.set_path(&path);
    web
}

fn client(web: &Url) -> Result<HttpClient> {
    let mut settings = HttpSettings::new(PROVIDER, web.clone());
    settings
        .headers
        .insert(ACCEPT, HeaderValue::from_static("application/json"));
    HttpClient::new(settings)
}

/// Asks for a device and user code for the OAuth app `client_id` with the
/// given scopes (`repo` for issues of private repositories).
pub async fn start(web: &Url, client_id: &str, scopes: &[&str]) -> Result<DeviceCode> {
    let http = client(web)?;
    let req = ApiRequest::new(
        Method::POST,
        http.endpoint(&["login", "device", "code"]),
        "start the device sign-in",
    )
    .json(json!({"client_id": client_id, "scope": scopes.join(" ")}))
    .idempotent(true)
    .what(format!("OAuth app {client_id}"));
    let body: serde_json::Value = http.send(req).await?.json(PROVIDER)?;
    if let Some(error) = body.get("error").and_then(|e| e.as_str()) {
        return Err(flow_error(error, client_id));
    }
    serde_json::from_value(body).map_err(|e| TrackerError::Provider {
        provider: PROVIDER.into(),
        status: 200,
        message: format!("the device code answer is not the one expected: {e}"),
    })
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    interval: Option<u64>,
}

/// What `slow_down` adds to the interval when GitHub's answer names no new
/// one (RFC 8628 §3.5; GitHub documents the same five seconds).
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// Polls until the user has entered the code (or declined, or the code
/// expired) and returns the access token.
pub async fn wait_for_token(web: &Url, client_id: &str, code: &DeviceCode) -> Result<Secret> {
    wait_for_token_with(web, client_id, code, SLOW_DOWN_STEP, |_| {}).await
}

/// [`wait_for_token`] with the `slow_down` step given (tests use a
/// millisecond, not GitHub's five seconds) and `on_wait` told each
/// interval before it is waited.
pub async fn wait_for_token_with(
    web: &Url,
    client_id: &str,
    code: &DeviceCode,
    slow_down_step: Duration,
    mut on_wait: impl FnMut(Duration) + Send,
) -> Result<Secret> {
    let http = client(web)?;
    let mut interval = Duration::from_secs(code.interval);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(code.expires_in);
    loop {
        on_wait(interval);
        tokio::time::sleep(interval).await;
        if tokio::time::Instant::now() > deadline {
            return Err(flow_error("expired_token", client_id));
        }
        let req = ApiRequest::new(
            Method::POST,
            http.endpoint(&["login", "oauth", "access_token"]),
            "finish the device sign-in",
        )
        .json(json!({
            "client_id": client_id,
            "device_code": code.device_code,
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code"
        }))
        .idempotent(true)
        .what(format!("OAuth app {client_id}"));
        let answer: TokenAnswer = http.send(req).await?.json(PROVIDER)?;
        match (answer.access_token, answer.error.as_deref()) {
            (Some(token), _) => return Ok(Secret::new(token)),
            (None, Some("authorization_pending")) => {}
            (None, Some("slow_down")) => {
                interval = answer
                    .interval
                    .map(Duration::from_secs)
                    .unwrap_or(interval + slow_down_step);
            }
            (None, Some(other)) => return Err(flow_error(other, client_id)),
            (None, None) => return Err(flow_error("no token and no error", client_id)),
        }
    }
}

fn flow_error(error: &str, client_id: &str) -> TrackerError {
    let provider = PROVIDER.to_owned();
    match error {
        "access_denied" => TrackerError::Forbidden {
            provider,
            detail: "the sign-in was declined on GitHub; start it again and choose Authorize".into(),
        },
        "expired_token" => TrackerError::Provider {
            provider,
            status: 200,
            message: "the code expired before it was entered; start the sign-in again and enter the new code within its time".into(),
        },
        "device_flow_disabled" => TrackerError::config(
            "GitHub",
            format!("the OAuth app {client_id} does not allow the device flow; enable \"Device Flow\" in the app's settings on GitHub"),
        ),
        "incorrect_client_credentials" => TrackerError::config("GitHub", format!("GitHub knows no OAuth app with the client id `{client_id}`; check it")),
        other => TrackerError::Provider { provider, status: 200, message: format!("the device sign-in failed: {other}") },
    }
}

#[cfg(test)]
#[path = "device_flow_tests.rs"]
mod tests;
