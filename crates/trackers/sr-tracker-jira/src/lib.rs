//! The Jira Cloud adapter. It speaks Jira's REST API v3 through
//! sr-tracker's [`HttpClient`], keeps Jira's JSON in [`wire`] and converts
//! it to sr-model explicitly; descriptions and comments go through the
//! Markdown ↔ ADF converter in [`adf`].
//!
//! Keys are `jira:{host}:{KEY-123}`, display keys `KEY-123`. Searches use
//! `/rest/api/3/search/jql` with `nextPageToken` (the old `/search` is
//! gone); status changes go through the issue's transitions, chosen by
//! status category; priorities are Jira's priority names, mapped by the
//! tracker's configuration. Webhooks are admin webhooks
//! (`/rest/webhooks/1.0/webhook`), the kind that takes a secret (Jira
//! signs deliveries with it in `X-Hub-Signature: sha256=…`); registering
//! one needs the Jira administrator permission.
//!
//! Jira Data Center: a personal access token (`auth.type = "bearer"`) is
//! sent as `Authorization: Bearer …`, a username and password
//! (`auth.type = "basic"`) as `Basic …`, and `api_version: 2` switches to the
//! REST v2 paths Data Center serves ([`dc`]): `/rest/api/2/…`, searches
//! through `/rest/api/2/search` with `startAt`/`maxResults`, descriptions
//! and comments as wiki markup (converted from and to Markdown by
//! [`wiki`]), users by username.

pub mod adf;
mod calls;
mod config;
mod dc;
mod factory;
mod jql;
mod tracker;
mod webhook;
pub mod wiki;
mod wire;

use base64::Engine;
use sr_secrets::Secret;
use sr_tracker::kit;
use sr_tracker::reqwest::Url;
use sr_tracker::reqwest::header::AUTHORIZATION;
use sr_tracker::{HttpClient, HttpSettings, Result, TrackerError, TrackerInfo};

pub use config::{Auth, JiraConfig, Mapping};
pub use factory::{Jira, JiraFactory};
pub use webhook::parse as parse_webhook;

/// The provider type in trackers.json.
pub const KIND: &str = "jira";
/// The provider's name in messages.
const PROVIDER: &str = "Jira";
/// Jira Cloud: a description or comment is at most 32,767 characters; a
/// longer one is refused with 400 `CONTENT_LIMIT_EXCEEDED` (Atlassian's
/// JRACLOUD-78553, JRACLOUD-68949) or "The entered text is too long. It
/// exceeds the allowed limit of 32,767 characters." The count is of the
/// text, not of the ADF JSON that carries it over REST v3.
pub const BODY_LIMIT: usize = 32_767;

/// One Jira project as a tracker.
#[derive(Debug)]
pub struct JiraTracker {
    info: TrackerInfo,
    http: HttpClient,
    /// The site root, for browse URLs.
    site: String,
    project_key: String,
    default_issue_type: String,
    default_labels: Vec<String>,
    map: Mapping,
    /// REST v2 (Data Center) rather than v3 (Cloud).
    v2: bool,
}

/// The `Authorization` header value for `auth` with the resolved token.
fn authorization(auth: &Auth, token: &Secret) -> String {
    match auth {
        Auth::ApiToken { email: user, .. } | Auth::Basic { username: user, .. } => {
            let pair = format!("{user}:{}", token.expose());
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            )
        }
        Auth::Bearer { .. } => format!("Bearer {}", token.expose()),
    }
}

impl JiraTracker {
    /// Builds the adapter for `config` under the tracker name `name`, with
    /// the resolved token. `settings` adjusts the HTTP client (tests shorten
    /// the retry delays); `None` takes the defaults.
    pub fn new(
        name: &str,
        config: &JiraConfig,
        token: &Secret,
        settings: Option<HttpSettings>,
    ) -> Result<JiraTracker> {
        let bad = |m: String| TrackerError::config(name, m);
        let key = config.project_key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(bad(format!(
                "config.project_key `{}` is not a Jira project key; use the key issue keys start with (`DB` for DB-123)",
                config.project_key
            )));
        }
        if !matches!(config.api_version, 2 | 3) {
            return Err(bad(format!(
                "config.api_version {} is not one Jira serves; use 3 for Jira Cloud or 2 for Jira Data Center",
                config.api_version
            )));
        }
        let base_url = kit::base_url(name, &config.base_url, "https://YOUR-SITE.atlassian.net")?;
        let settings = kit::http_settings(
            PROVIDER,
            &base_url,
            config.ca_file.as_deref(),
            settings,
            |s| s,
        );
        let http = kit::signed_client(
            name,
            settings,
            AUTHORIZATION,
            &authorization(&config.auth, token),
        )?;
        let instance = kit::host_port(&base_url);
        let site = base_url.as_str().trim_end_matches('/').to_owned();
        Ok(JiraTracker {
            info: TrackerInfo {
                name: name.to_owned(),
                provider: KIND.to_owned(),
                instance,
                web_url: Some(format!("{site}/browse/{key}")),
            },
            http,
            site,
            project_key: key.to_owned(),
            default_issue_type: config.default_issue_type.clone(),
            default_labels: config.labels.clone(),
            map: Mapping::from_config(config),
            v2: config.api_version == 2,
        })
    }

    /// `…/rest/api/3/{rest…}` (`/2/` on Data Center).
    fn api(&self, rest: &[&str]) -> Url {
        let mut segments = vec!["rest", "api", if self.v2 { "2" } else { "3" }];
        segments.extend_from_slice(rest);
        self.http.endpoint(&segments)
    }

    /// The issue key in an id (`DB-7`, `db-7`), or a validation error.
    fn issue_key(&self, id: &str) -> Result<String> {
        let id = id.trim();
        let valid = id.split_once('-').is_some_and(|(p, n)| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit())
        }) || (!id.is_empty() && id.chars().all(|c| c.is_ascii_digit()));
        if !valid {
            return Err(TrackerError::Validation {
                provider: PROVIDER.into(),
                errors: vec![format!(
                    "`{id}` is not a Jira issue key; write it as PROJECT-123"
                )],
            });
        }
        Ok(id.to_ascii_uppercase())
    }

    fn issue_what(key: &str) -> String {
        format!("issue {key}")
    }
}
