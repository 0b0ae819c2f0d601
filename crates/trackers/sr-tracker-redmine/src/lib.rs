//! The Redmine adapter. It speaks Redmine's REST API (`*.json` under the
//! site root, the key in `X-Redmine-API-Key`) through sr-tracker's
//! [`HttpClient`] and keeps Redmine's JSON in `wire`.
//!
//! Keys are `redmine:{host}/{project}:{id}`, display keys `#id`. Redmine's
//! trackers are issue types, its statuses (with their `is_closed` flag) the
//! workflow, its priorities the levels: all read from the server when the
//! adapter starts ([`schema`]), never assumed. Redmine has no labels: they
//! live in an issue custom field (`Labels` unless configured), a text
//! field holding them comma-separated. Bodies and comments are written in
//! the server's text formatting (Textile unless it uses Markdown), which
//! the adapter detects. Redmine has no webhooks: it is polled by
//! `updated_on`.

mod config;
mod factory;
mod read;
mod schema;
pub mod textile;
mod tracker;
mod wire;

use sr_secrets::Secret;
use sr_tracker::kit;
use sr_tracker::reqwest::Url;
use sr_tracker::{HttpClient, HttpSettings, Result, TrackerError, TrackerInfo};
use tokio::sync::Mutex;

pub use config::{DEFAULT_LABELS_FIELD, RedmineConfig, TextFormatting};
pub use factory::{Redmine, RedmineFactory};

/// The provider type in trackers.json.
pub const KIND: &str = "redmine";
/// The provider's name in messages.
const PROVIDER: &str = "Redmine";
/// Redmine stores descriptions and notes in `text` columns: 65,535 bytes
/// in MySQL, the tightest of its databases. Counted here in characters,
/// as the kit cuts bodies, so a quarter of it holds even if every
/// character took four bytes.
pub const BODY_LIMIT: usize = 16_383;

/// One Redmine project as a tracker.
#[derive(Debug)]
pub struct RedmineTracker {
    info: TrackerInfo,
    http: HttpClient,
    config: RedmineConfig,
    /// The project as configured (identifier or id).
    project: String,
    /// The site's web address, for issue links.
    web: String,
    /// What the server says about itself, read on first use.
    schema: Mutex<Option<std::sync::Arc<schema::Schema>>>,
}

impl RedmineTracker {
    /// Builds the adapter for `config` under the tracker name `name`, with
    /// the resolved API key. `settings` adjusts the HTTP client (tests
    /// shorten the retry delays); `None` takes the defaults.
    pub fn new(
        name: &str,
        config: &RedmineConfig,
        key: &Secret,
        settings: Option<HttpSettings>,
    ) -> Result<RedmineTracker> {
        let project = config.project.trim().to_owned();
        if project.is_empty() || project.contains('/') {
            return Err(TrackerError::config(
                name,
                format!(
                    "config.project `{}` must be the project's identifier (`db`, as in /projects/db) or its numeric id",
                    config.project
                ),
            ));
        }
        let site = kit::base_url(
            name,
            &config.base_url,
            "your Redmine's address, https://redmine.example.com",
        )?;
        // The API lives at the site root; a trailing slash makes
        // `endpoint` append under a sub-path rather than replace it.
        let root = Url::parse(&format!("{}/", site.as_str().trim_end_matches('/')))
            .map_err(|e| TrackerError::config(name, format!("config.base_url: {e}")))?;
        let settings =
            kit::http_settings(PROVIDER, &root, config.ca_file.as_deref(), settings, |s| s);
        let http = kit::signed_client(name, settings, "x-redmine-api-key", key.expose())?;
        let host = kit::host_port(&site);
        let web = format!(
            "{}://{host}{}",
            site.scheme(),
            site.path().trim_end_matches('/')
        );
        Ok(RedmineTracker {
            info: TrackerInfo {
                name: name.to_owned(),
                provider: KIND.to_owned(),
                instance: format!("{host}/{project}"),
                web_url: Some(format!("{web}/projects/{project}")),
            },
            http,
            config: config.clone(),
            project,
            web,
            schema: Mutex::new(None),
        })
    }

    /// `{site}/{segments…}`, the last segment carrying `.json`.
    fn url(&self, segments: &[&str]) -> Url {
        self.http.endpoint(segments)
    }

    /// The issue id in `id` (`7`, `#7`), or a validation error.
    fn issue_id(&self, id: &str) -> Result<u64> {
        kit::issue_number(PROVIDER, id, "Redmine issue number")
    }

    fn issue_what(&self, id: u64) -> String {
        format!("issue #{id} in project {}", self.project)
    }

    fn project_what(&self) -> String {
        format!("project {}", self.project)
    }
}

/// What Redmine's own answers leave unclear: a 401 when the key is right
/// but the REST API is off, and a 403 that names no cause.
pub(crate) fn explain(e: TrackerError) -> TrackerError {
    match e {
        TrackerError::Forbidden { provider, detail } if !detail.contains("role") => {
            TrackerError::Forbidden {
                provider,
                detail: format!(
                    "{detail}; the key's user lacks a permission in this project (a role with \"View issues\", \"Add issues\", \"Edit issues\" and \"Add notes\"), or the project is closed"
                ),
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(project: &str, base: &str, expected: std::result::Result<(&str, &str), &str>) {
        let config: RedmineConfig = serde_json::from_value(serde_json::json!({
            "project": project, "base_url": base,
            "auth": {"type": "personal_token", "token": "${K}"}
        }))
        .expect("config");
        let got = RedmineTracker::new("Redmine", &config, &Secret::new("0123abcd"), None);
        match (got, expected) {
            (Ok(t), Ok((instance, url))) => {
                assert_eq!(t.info.instance, instance);
                assert_eq!(t.url(&["issues", "7.json"]).as_str(), url);
            }
            (Err(e), Err(want)) => assert!(e.to_string().contains(want), "`{e}` lacks `{want}`"),
            (Ok(t), Err(want)) => panic!("built {:?}, want {want}", t.info),
            (Err(e), Ok(_)) => panic!("{e}"),
        }
    }

    #[test]
    fn projects_and_sites() {
        check(
            "db",
            "https://redmine.example.com",
            Ok((
                "redmine.example.com/db",
                "https://redmine.example.com/issues/7.json",
            )),
        );
        check(
            "12",
            "http://127.0.0.1:3000/redmine/",
            Ok((
                "127.0.0.1:3000/12",
                "http://127.0.0.1:3000/redmine/issues/7.json",
            )),
        );
        check("a/b", "https://h", Err("config.project `a/b` must be"));
        check("db", "redmine.example.com", Err("is not an http(s) URL"));
    }
}
