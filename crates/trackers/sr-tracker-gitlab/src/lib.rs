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
mod pulls;
mod read;
mod tracker;
mod upload;
mod webhook;
mod wire;

use sr_secrets::Secret;
use sr_tracker::kit::{self, LabelMap};
use sr_tracker::reqwest::Url;
use sr_tracker::{HttpClient, HttpSettings, Result, TrackerError, TrackerInfo};

pub use config::{DEFAULT_BASE_URL, GitLabConfig};
pub use factory::{GitLab, GitLabFactory};
pub use webhook::parse as parse_webhook;

/// The provider type in trackers.json.
pub const KIND: &str = "gitlab";
/// The provider's name in messages.
const PROVIDER: &str = "GitLab";
/// An issuable's description is at most 1 megabyte (GitLab's development
/// guide "Issuable-like Rails models", and the API docs change
/// gitlab-org/gitlab!18617: "1 megabyte, which is 1,048,576"). Rails
/// validates the length of the string, in characters.
pub const BODY_LIMIT: usize = 1_048_576;

/// One GitLab project as a tracker.
#[derive(Debug)]
pub struct GitLabTracker {
    info: TrackerInfo,
    http: HttpClient,
    project: String,
    default_labels: Vec<String>,
    map: LabelMap,
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
        let site = kit::base_url(
            name,
            base,
            &format!("{DEFAULT_BASE_URL} or your instance's address"),
        )?;
        let api = Url::parse(&format!("{}/api/v4", site.as_str().trim_end_matches('/')))
            .map_err(|e| bad(format!("config.base_url `{base}`: {e}")))?;
        let settings =
            kit::http_settings(PROVIDER, &api, config.ca_file.as_deref(), settings, |s| s);
        let http = kit::signed_client(name, settings, "private-token", token.expose())?;
        let host = kit::host_port(&site);
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
            project,
            default_labels: config.labels.clone(),
            map: config.label_map(),
        })
    }

    /// `…/projects/{project}/{rest…}`, the project URL-encoded as one segment.
    fn project_url(&self, rest: &[&str]) -> Url {
        let mut segments = vec!["projects", self.project.as_str()];
        segments.extend_from_slice(rest);
        self.http.endpoint(&segments)
    }

    /// The issue iid in an id (`7`, `#7`), or a validation error.
    fn iid(&self, id: &str) -> Result<u64> {
        kit::issue_number(PROVIDER, id, "GitLab issue number (iid)")
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
