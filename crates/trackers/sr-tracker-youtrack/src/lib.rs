//! The YouTrack adapter. It speaks YouTrack's REST API through
//! sr-tracker's [`HttpClient`], keeps YouTrack's JSON in [`wire`] and
//! converts it to sr-model explicitly.
//!
//! - Sign-in: a permanent token (`perm:…`) as `Authorization: Bearer`.
//! - Every request names the attributes it wants in `fields=`: without
//!   it YouTrack answers `$type` and ids only.
//! - Custom fields (State, Priority, Type, Assignee; names configurable)
//!   are read from the project's schema
//!   (`/api/admin/projects/{id}/customFields`) once: their values and
//!   the `$type` a write must carry (`StateIssueCustomField`,
//!   `SingleEnumIssueCustomField`, `SingleUserIssueCustomField`, …).
//! - Writes: `POST /api/issues` creates, `POST /api/issues/{id}` changes
//!   (the change sets values, so it is retried like a read).
//! - Reads: YouTrack's query syntax, paged by `$skip`/`$top` ([`read`]);
//!   sync by `updated` (epoch ms), filtered exactly here.
//! - Files: `POST /api/issues/{id}/attachments` as multipart/form-data,
//!   sent once ([`attach`]).
//! - Bodies: Markdown is YouTrack's own format, sent and read as is.
//! - Webhooks: YouTrack has none built in (workflows can post, but
//!   nothing standard to verify), so changes come by polling.
//!
//! Keys are `youtrack:{host}/{project}:{DB-12}`.

mod attach;
mod config;
mod factory;
pub mod read;
mod tracker;
pub mod wire;

use sr_secrets::Secret;
use sr_tracker::kit;
use sr_tracker::reqwest::Url;
use sr_tracker::reqwest::header::AUTHORIZATION;
use sr_tracker::{HttpClient, HttpSettings, Result, TrackerError, TrackerInfo};
use tokio::sync::OnceCell;

pub use config::{Auth, FieldNames, Mapping, StateNames, YouTrackConfig};
pub use factory::{YouTrack, YouTrackFactory};

/// The provider type in trackers.json.
pub const KIND: &str = "youtrack";
/// The provider's name in messages.
const PROVIDER: &str = "YouTrack";
/// Issues (and comments) asked for in one page.
pub const PAGE: usize = 100;

/// The project as read once: its entity id and custom field settings.
#[derive(Debug, Clone)]
pub struct Schema {
    pub project_id: String,
    pub fields: Vec<wire::ProjectField>,
}

/// One YouTrack project as a tracker.
#[derive(Debug)]
pub struct YouTrackTracker {
    info: TrackerInfo,
    http: HttpClient,
    project: String,
    issue_type: Option<String>,
    default_labels: Vec<String>,
    map: Mapping,
    /// Issues a page (tests make it small).
    page: usize,
    schema: OnceCell<Schema>,
}

impl YouTrackTracker {
    /// Builds the adapter for `config` under the tracker name `name`, with
    /// the resolved token. `settings` adjusts the HTTP client (tests shorten
    /// the retry delays); `None` takes the defaults.
    pub fn new(
        name: &str,
        config: &YouTrackConfig,
        token: &Secret,
        settings: Option<HttpSettings>,
    ) -> Result<YouTrackTracker> {
        let project = config.project.trim();
        if project.is_empty() || project.contains(['/', '\\', '?', '#', ' ']) {
            return Err(TrackerError::config(
                name,
                format!(
                    "config.project `{}` is not a project short name; use the prefix of its issue ids (DB in DB-12)",
                    config.project
                ),
            ));
        }
        let base_url = kit::base_url(name, &config.base_url, "https://acme.youtrack.cloud")?;
        let settings = kit::http_settings(
            PROVIDER,
            &base_url,
            config.ca_file.as_deref(),
            settings,
            |s| s,
        );
        let bearer = format!("Bearer {}", token.expose());
        let http = kit::signed_client(name, settings, AUTHORIZATION, &bearer)?;
        let site = base_url.as_str().trim_end_matches('/').to_owned();
        Ok(YouTrackTracker {
            info: TrackerInfo {
                name: name.to_owned(),
                provider: KIND.to_owned(),
                instance: format!("{}/{project}", kit::host_port(&base_url)),
                web_url: Some(format!("{site}/issues/{project}")),
            },
            http,
            project: project.to_owned(),
            issue_type: config.issue_type.clone(),
            default_labels: config.labels.clone(),
            map: Mapping::from_config(config),
            page: PAGE,
            schema: OnceCell::new(),
        })
    }

    /// Asks for `page` issues a request (tests use a small one).
    pub fn with_page(mut self, page: usize) -> Self {
        self.page = page.max(1);
        self
    }

    /// `{base}/api/{rest…}?fields={fields}`.
    fn api(&self, rest: &[&str], fields: &str) -> Url {
        let mut segments = vec!["api"];
        segments.extend_from_slice(rest);
        let mut url = self.http.endpoint(&segments);
        url.query_pairs_mut().append_pair("fields", fields);
        url
    }

    /// The instance's web root (`https://acme.youtrack.cloud`).
    fn site(&self) -> String {
        self.http
            .base_url()
            .as_str()
            .trim_end_matches('/')
            .to_owned()
    }

    /// An issue id as users write it: `DB-12` (a bare `12` is taken as
    /// this project's).
    fn id(&self, id: &str) -> Result<String> {
        let id = id.trim().trim_start_matches('#');
        if let Ok(n) = id.parse::<u64>() {
            return Ok(format!("{}-{n}", self.project));
        }
        match id.rsplit_once('-') {
            Some((p, n)) if !p.is_empty() && n.parse::<u64>().is_ok() => Ok(id.to_owned()),
            _ => Err(invalid(format!(
                "`{id}` is not a YouTrack issue id; write it as {}-12",
                self.project
            ))),
        }
    }
}

pub(crate) fn invalid(message: impl Into<String>) -> TrackerError {
    TrackerError::invalid(PROVIDER, message)
}
