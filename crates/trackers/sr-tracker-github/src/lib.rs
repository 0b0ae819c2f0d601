//! The GitHub Issues adapter. It speaks GitHub's REST API (v3, version
//! 2022-11-28) through sr-tracker's [`HttpClient`], keeps GitHub's JSON in
//! [`wire`] and converts it to sr-model explicitly.
//!
//! Keys are `github:{host}/{owner}/{repo}:{number}` (`github.com` for the
//! public service), display keys `#number`. GitHub has no priority or
//! issue-type field, so both are labels, mapped by the tracker's
//! configuration; "in progress" is a label too. Pull requests, which
//! GitHub's issue list includes, are left out everywhere.
//!
//! Never deletes issues or uploads files: GitHub's REST API offers neither,
//! and the adapter says so ([`sr_tracker::TrackerError::Unsupported`]).

mod advisory;
mod config;
pub mod device_flow;
mod factory;
mod pulls;
mod read;
mod tracker;
mod webhook;
mod wire;

use std::collections::HashSet;
use std::sync::Mutex;

use sr_secrets::Secret;
use sr_tracker::kit::{self, LabelMap};
use sr_tracker::reqwest::Url;
use sr_tracker::reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use sr_tracker::{HttpClient, HttpSettings, Result, TrackerError, TrackerInfo};

pub use config::{DEFAULT_BASE_URL, GitHubConfig};
pub use factory::{GitHub, GitHubFactory};
pub use webhook::parse as parse_webhook;

/// The provider type in trackers.json.
pub const KIND: &str = "github";
/// The provider's name in messages.
const PROVIDER: &str = "GitHub";
/// An issue or comment body is at most 65,536 characters; a longer one is
/// refused with 422 "body is too long (maximum is 65536 characters)".
pub const BODY_LIMIT: usize = 65_536;

/// One GitHub repository as a tracker.
#[derive(Debug)]
pub struct GitHubTracker {
    info: TrackerInfo,
    http: HttpClient,
    owner: String,
    repo: String,
    default_labels: Vec<String>,
    map: LabelMap,
    /// Label names known to exist (lower case), loaded on first need.
    known_labels: Mutex<Option<HashSet<String>>>,
}

impl GitHubTracker {
    /// Builds the adapter for `config` under the tracker name `name`, with
    /// the resolved token. `settings` adjusts the HTTP client (tests shorten
    /// the retry delays); `None` takes the defaults.
    pub fn new(
        name: &str,
        config: &GitHubConfig,
        token: &Secret,
        settings: Option<HttpSettings>,
    ) -> Result<GitHubTracker> {
        let bad = |m: String| TrackerError::config(name, m);
        for (field, value) in [("owner", &config.owner), ("repo", &config.repo)] {
            if value.trim().is_empty() || value.contains('/') {
                return Err(bad(format!(
                    "config.{field} `{value}` must be a single non-empty name (no `/`)"
                )));
            }
        }
        let base = config.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let base_url = kit::base_url(
            name,
            base,
            &format!("{DEFAULT_BASE_URL} or https://HOST/api/v3"),
        )?;
        // GitHub asks for serial requests and a second between writes.
        let mut settings = kit::http_settings(
            PROVIDER,
            &base_url,
            config.ca_file.as_deref(),
            settings,
            |s| HttpSettings {
                max_concurrent: 1,
                write_spacing: std::time::Duration::from_secs(1),
                ..s
            },
        );
        let headers = &mut settings.headers;
        headers.insert(
            ACCEPT,
            HeaderValue::from_static("application/vnd.github+json"),
        );
        headers.insert(
            "x-github-api-version",
            HeaderValue::from_static("2022-11-28"),
        );
        let bearer = format!("Bearer {}", token.expose());
        let http = kit::signed_client(name, settings, AUTHORIZATION, &bearer)?;
        let (site, web) = if base_url.host_str() == Some("api.github.com") {
            ("github.com".to_owned(), "https://github.com".to_owned())
        } else {
            let site = kit::host_port(&base_url);
            (site.clone(), format!("{}://{site}", base_url.scheme()))
        };
        Ok(GitHubTracker {
            info: TrackerInfo {
                name: name.to_owned(),
                provider: KIND.to_owned(),
                instance: format!("{site}/{}/{}", config.owner, config.repo),
                web_url: Some(format!("{web}/{}/{}", config.owner, config.repo)),
            },
            http,
            owner: config.owner.clone(),
            repo: config.repo.clone(),
            default_labels: config.labels.clone(),
            map: config.label_map(),
            known_labels: Mutex::new(None),
        })
    }

    fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.repo)
    }

    /// `…/repos/{owner}/{repo}/{rest…}`.
    fn repo_url(&self, rest: &[&str]) -> Url {
        let mut segments = vec!["repos", self.owner.as_str(), self.repo.as_str()];
        segments.extend_from_slice(rest);
        self.http.endpoint(&segments)
    }

    /// The issue number in an id (`7`, `#7`), or a validation error.
    fn number(&self, id: &str) -> Result<u64> {
        kit::issue_number(PROVIDER, id, "GitHub issue number")
    }

    fn issue_what(&self, n: u64) -> String {
        format!("issue #{n} in {}", self.full_name())
    }
}
