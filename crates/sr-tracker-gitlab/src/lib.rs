//! The GitLab Issues adapter. It speaks GitLab's REST API v4 (gitlab.com or
//! a self-hosted instance) through sr-tracker's [`HttpClient`], keeps
//! GitLab's JSON in `wire` and converts it to sr-model explicitly.
//!
//! Keys are `gitlab:{host}/{project}:{iid}` (the project as configured,
//! path or numeric id), display keys `#iid`. Priorities, issue types and
//! "in progress" are labels, mapped by the tracker's configuration. The
//! project goes into every path URL-encoded (`group%2Fdb`), as GitLab asks.

mod config;
mod factory;
mod read;
mod tracker;
mod upload;
mod webhook;
mod wire;

use std::time::Duration;

use sr_secrets::Secret;
use sr_tracker::http::sensitive;
use sr_tracker::reqwest::header::{HeaderMap, HeaderValue};
use sr_tracker::reqwest::{Method, Url};
use sr_tracker::{ApiRequest, HttpClient, HttpSettings, Result, TrackerError, TrackerInfo};

pub use config::{Auth, DEFAULT_BASE_URL, GitLabConfig, Mapping};
pub use factory::GitLabFactory;
pub use webhook::parse as parse_webhook;

/// The provider type in trackers.json.
pub const KIND: &str = "gitlab";
/// The provider's name in messages.
const PROVIDER: &str = "GitLab";

/// One GitLab project as a tracker.
#[derive(Debug)]
pub struct GitLabTracker {
    info: TrackerInfo,
    http: HttpClient,
    /// A plain client for multipart uploads, which the JSON client cannot
    /// send; same token, User-Agent and timeouts.
    uploads: sr_tracker::reqwest::Client,
    request_timeout: Duration,
    project: String,
    default_labels: Vec<String>,
    map: Mapping,
}

impl GitLabTracker {
    /// Builds the adapter for `config` under the tracker name `name`, with
    /// the resolved token. `settings` adjusts the HTTP client (tests shorten
    /// the retry delays); `None` takes the defaults.
    pub fn new(
        name: &str,
        config: &GitLabConfig,
        token: &Secret,
        settings: Option<HttpSettings>,
    ) -> Result<GitLabTracker> {
        let bad = |m: String| TrackerError::config(name, m);
        let project = config.project.trim().trim_matches('/').to_owned();
        if project.is_empty() || project.split('/').any(str::is_empty) {
            return Err(bad(format!(
                "config.project `{}` must be the project's full path (`group/database`) or its numeric id",
                config.project
            )));
        }
        let base = config.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let site = Url::parse(base)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| bad(format!("config.base_url `{base}` is not an http(s) URL; use {DEFAULT_BASE_URL} or your instance's address")))?;
        let api = Url::parse(&format!("{}/api/v4", site.as_str().trim_end_matches('/')))
            .map_err(|e| bad(format!("config.base_url `{base}`: {e}")))?;
        let mut settings = settings.unwrap_or_else(|| HttpSettings::new(PROVIDER, api.clone()));
        settings.provider = PROVIDER.into();
        settings.base_url = api;
        settings.ca_file = config.ca_file.clone();
        let token = sensitive(token.expose())
            .map_err(|_| bad("the token holds characters a header cannot carry; copy it again without spaces or line breaks".into()))?;
        let mut headers = HeaderMap::new();
        headers.insert("private-token", token);
        headers.insert("accept", HeaderValue::from_static("application/json"));
        settings.headers.extend(headers.clone());
        let uploads = sr_tracker::with_ca_file(
            sr_tracker::reqwest::Client::builder().use_rustls_tls(),
            settings.ca_file.as_deref(),
        )
        .map_err(bad)?
        .user_agent(sr_tracker::USER_AGENT)
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.request_timeout)
        .default_headers(headers)
        .build()
        .map_err(|e| bad(format!("cannot build the HTTP client: {e}")))?;
        let request_timeout = settings.request_timeout;
        let http = HttpClient::new(settings)?;
        let host = site.host_str().unwrap_or_default();
        let host = match site.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_owned(),
        };
        let web = format!(
            "{}://{host}{}",
            site.scheme(),
            site.path().trim_end_matches('/')
        );
        Ok(GitLabTracker {
            info: TrackerInfo {
                name: name.to_owned(),
                provider: KIND.to_owned(),
                instance: format!("{host}/{project}"),
                web_url: Some(format!("{web}/{project}")),
            },
            http,
            uploads,
            request_timeout,
            project,
            default_labels: config.labels.clone(),
            map: Mapping::from_config(config),
        })
    }

    /// `…/projects/{project}/{rest…}`, the project URL-encoded as one segment.
    fn project_url(&self, rest: &[&str]) -> Url {
        let mut segments = vec!["projects", self.project.as_str()];
        segments.extend_from_slice(rest);
        self.http.endpoint(&segments)
    }

    fn request(&self, method: Method, url: Url, operation: &str) -> ApiRequest {
        ApiRequest::new(method, url, operation)
    }

    /// The issue iid in an id (`7`, `#7`), or a validation error.
    fn iid(&self, id: &str) -> Result<u64> {
        id.trim()
            .trim_start_matches('#')
            .parse::<u64>()
            .map_err(|_| TrackerError::Validation {
                provider: PROVIDER.into(),
                errors: vec![format!(
                    "`{id}` is not a GitLab issue number (iid); write it as 123 or #123"
                )],
            })
    }

    fn issue_what(&self, iid: u64) -> String {
        format!("issue #{iid} in project {}", self.project)
    }

    fn project_what(&self) -> String {
        format!("project {}", self.project)
    }
}

/// Rewrites what GitLab's own error shapes leave unclear: `{"error": …}`
/// bodies (which the shared classifier shows raw) and the OAuth
/// `insufficient_scope` answer of a token without the `api` scope.
pub(crate) fn explain(e: TrackerError) -> TrackerError {
    let error_field = |text: &str| -> Option<String> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        let e = v.get("error")?.as_str()?.to_owned();
        Some(match v.get("error_description").and_then(|d| d.as_str()) {
            Some(d) => format!("{e}: {d}"),
            None => e,
        })
    };
    match e {
        TrackerError::Forbidden { provider, detail } if detail.contains("insufficient_scope") => {
            TrackerError::Forbidden {
                provider,
                detail: "the token lacks the `api` scope; create a personal, group or project access token with the `api` scope".into(),
            }
        }
        TrackerError::Validation { provider, errors } => TrackerError::Validation {
            provider,
            errors: errors
                .into_iter()
                .map(|m| error_field(&m).unwrap_or(m))
                .collect(),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(project: &str, base: Option<&str>, expected: Result<(&str, &str), &str>) {
        let config: GitLabConfig = serde_json::from_value(serde_json::json!({
            "project": project, "base_url": base,
            "auth": {"type": "personal_token", "token": "${T}"}
        }))
        .expect("config");
        let got = GitLabTracker::new("GitLab", &config, &Secret::new("glpat-x"), None);
        match (got, expected) {
            (Ok(t), Ok((instance, url))) => {
                assert_eq!(t.info.instance, instance);
                assert_eq!(t.project_url(&["issues"]).as_str(), url);
            }
            (Err(e), Err(want)) => assert!(e.to_string().contains(want), "`{e}` lacks `{want}`"),
            (Ok(t), Err(want)) => panic!("built {:?}, want {want}", t.info),
            (Err(e), Ok(_)) => panic!("{e}"),
        }
    }

    #[test]
    fn projects_and_instances() {
        check(
            "group/db",
            None,
            Ok((
                "gitlab.com/group/db",
                "https://gitlab.com/api/v4/projects/group%2Fdb/issues",
            )),
        );
        check(
            "42",
            Some("https://git.example.com/gitlab/"),
            Ok((
                "git.example.com/42",
                "https://git.example.com/gitlab/api/v4/projects/42/issues",
            )),
        );
        check(
            "a/b/c",
            Some("http://127.0.0.1:8080"),
            Ok((
                "127.0.0.1:8080/a/b/c",
                "http://127.0.0.1:8080/api/v4/projects/a%2Fb%2Fc/issues",
            )),
        );
        check("a//b", None, Err("config.project `a//b` must be"));
        check(" ", None, Err("must be the project's full path"));
        check("g/d", Some("ftp://x"), Err("is not an http(s) URL"));
    }

    #[test]
    fn gitlab_error_shapes_are_explained() {
        let v = explain(TrackerError::Validation {
            provider: "GitLab".into(),
            errors: vec![r#"{"error":"title is missing"}"#.into()],
        });
        assert_eq!(
            v.to_string(),
            "GitLab rejected the request: title is missing"
        );
        let f = explain(TrackerError::Forbidden {
            provider: "GitLab".into(),
            detail: r#"x ({"error":"insufficient_scope"})"#.into(),
        });
        assert!(f.to_string().contains("lacks the `api` scope"), "{f}");
    }
}
