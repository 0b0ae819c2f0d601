//! The Linear adapter. It speaks Linear's GraphQL API (one endpoint,
//! `POST /graphql`) through sr-tracker's [`HttpClient`], signed in with a
//! personal API key (sent as the whole `Authorization` header) or an OAuth
//! token (`Bearer …`). Linear's JSON stays in `wire`.
//!
//! Keys are `linear:{api host}/{team}:{identifier}` (`DB-7`; the team as
//! configured, key or id), display keys the identifier. Linear has native
//! priorities (0–4) and workflow states; the team's states are read once
//! ([`IssueTracker::initialize`]) and a product state maps to the first
//! state of its type by position (open: `unstarted`, else `backlog`; in
//! progress: `started`; done: `completed`, or `canceled` when the
//! resolution says so). Issue types are labels. Bodies are Markdown, which
//! Linear takes as it is. Files go to Linear's storage through a signed
//! URL and are linked as attachments ([`upload`]).
//!
//! [`IssueTracker::initialize`]: sr_tracker::IssueTracker::initialize

mod config;
mod factory;
mod read;
mod tracker;
mod upload;
mod webhook;
mod wire;

use std::collections::BTreeMap;

use sr_secrets::Secret;
use sr_tracker::kit;
use sr_tracker::reqwest::Url;
use sr_tracker::{HttpClient, HttpSettings, Result, TrackerError, TrackerInfo};

pub use config::{DEFAULT_BASE_URL, LinearAuth, LinearConfig};
pub use factory::{Linear, LinearFactory};
pub use webhook::parse as parse_webhook;

/// The provider type in trackers.json.
pub const KIND: &str = "linear";
/// The provider's name in messages.
const PROVIDER: &str = "Linear";
/// Linear keeps descriptions and comments as Markdown documents; it
/// publishes no length limit for them, so the product's default (Jira's
/// 32,767 characters, the smallest of the shipped providers') applies.
pub const BODY_LIMIT: usize = sr_tracker::DEFAULT_BODY_LIMIT;

/// One Linear team as a tracker.
#[derive(Debug)]
pub struct LinearTracker {
    info: TrackerInfo,
    http: HttpClient,
    /// For the signed upload URLs of Linear's file storage: the same
    /// client settings without Linear's credentials ([`upload`]).
    storage: HttpClient,
    /// The team as configured (key or id).
    team: String,
    default_labels: Vec<String>,
    types: BTreeMap<String, String>,
    /// The team's id, key and states, read once; labels by name, read
    /// again when one is missing.
    cache: tokio::sync::Mutex<read::Cache>,
}

impl LinearTracker {
    /// Builds the adapter for `config` under the tracker name `name`, with
    /// the resolved token. `settings` adjusts the HTTP client (tests shorten
    /// the retry delays); `None` takes the defaults.
    pub fn new(
        name: &str,
        config: &LinearConfig,
        token: &Secret,
        settings: Option<HttpSettings>,
    ) -> Result<LinearTracker> {
        let team = config.team.trim().to_owned();
        if team.is_empty() || team.contains(char::is_whitespace) {
            return Err(TrackerError::config(
                name,
                format!(
                    "config.team `{}` must be the team's key (`DB`, the prefix of its issue identifiers) or its id",
                    config.team
                ),
            ));
        }
        let base = config.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let api = kit::base_url(name, base, DEFAULT_BASE_URL)?;
        let settings =
            kit::http_settings(PROVIDER, &api, config.ca_file.as_deref(), settings, |s| s);
        let storage = HttpClient::new(settings.clone())?;
        let header = match &config.auth {
            LinearAuth::ApiKey { .. } => token.expose().to_owned(),
            LinearAuth::Oauth { .. } => format!("Bearer {}", token.expose()),
        };
        let http = kit::signed_client(name, settings, "authorization", &header)?;
        Ok(LinearTracker {
            info: TrackerInfo {
                name: name.to_owned(),
                provider: KIND.to_owned(),
                instance: format!("{}/{team}", kit::host_port(&api)),
                web_url: Some("https://linear.app".into()),
            },
            http,
            storage,
            team,
            default_labels: config.labels.clone(),
            types: config.type_label_map(),
            cache: tokio::sync::Mutex::default(),
        })
    }

    /// The GraphQL endpoint.
    fn endpoint(&self) -> Url {
        self.http.endpoint(&["graphql"])
    }

    fn team_what(&self) -> String {
        format!("team {}", self.team)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(team: &str, base: Option<&str>, auth: &str) -> Result<LinearTracker> {
        let config: LinearConfig = serde_json::from_value(serde_json::json!({
            "team": team, "base_url": base,
            "auth": {"type": auth, "token": "${T}"}
        }))
        .expect("config");
        LinearTracker::new("Linear", &config, &Secret::new("lin_api_x"), None)
    }

    #[test]
    fn teams_instances_and_endpoints() {
        let t = build("DB", None, "api_key").expect("tracker");
        assert_eq!(t.info.instance, "api.linear.app/DB");
        assert_eq!(t.endpoint().as_str(), "https://api.linear.app/graphql");
        let t = build("DB", Some("http://127.0.0.1:8080/"), "oauth").expect("tracker");
        assert_eq!(t.info.instance, "127.0.0.1:8080/DB");
        assert_eq!(t.endpoint().as_str(), "http://127.0.0.1:8080/graphql");
        let e = build("a team", None, "api_key").expect_err("spaces");
        assert!(
            e.to_string().contains("config.team `a team` must be"),
            "{e}"
        );
        let e = build("DB", Some("api.linear.app"), "api_key").expect_err("no scheme");
        assert!(e.to_string().contains("is not an http(s) URL"), "{e}");
    }
}
