//! The Azure DevOps Boards adapter. It speaks the Work Item Tracking REST
//! API 7.1 through sr-tracker's [`HttpClient`], keeps Azure's JSON in
//! [`wire`] and converts it to sr-model explicitly.
//!
//! - Sign-in: a personal access token as HTTP Basic with an empty user, or
//!   a Microsoft Entra ID token as `Bearer`.
//! - Writes: work items are created (`POST …/workitems/$Type`) and changed
//!   (`PATCH …/workitems/{id}`) with JSON Patch documents
//!   (`application/json-patch+json`); a state change is a patch of
//!   `System.State`, to the state configured for the type or the type's
//!   first state in the wanted category.
//! - Reads: WIQL answers ids only; the work items come from
//!   `workitemsbatch`, at most 200 ids a request. WIQL stops at 20,000
//!   results, so long reads are windowed on `System.ChangedDate` (and the
//!   id among equal dates) — see [`read`].
//! - Bodies: Markdown is sent as HTML (`System.Description` and comments
//!   are HTML) and read back as Markdown ([`html`]).
//! - Comments: the 7.1-preview.4 comments endpoints.
//! - Limits: `Retry-After` (also on successful answers, while Azure delays
//!   a client) and the `X-RateLimit-*` headers, through the kit's client.
//! - Service hooks: `workitem.created`, `workitem.updated` and
//!   `workitem.commented`, verified by basic authentication or a shared
//!   secret header ([`webhook`]).
//!
//! Keys are `azure_devops:{host}/{organization}/{project}:{id}`.

mod config;
mod factory;
pub mod html;
pub mod read;
mod tracker;
pub mod webhook;
mod wiql;
mod wire;

use base64::Engine;
use sr_secrets::Secret;
use sr_tracker::kit;
use sr_tracker::reqwest::Url;
use sr_tracker::reqwest::header::AUTHORIZATION;
use sr_tracker::{HttpClient, HttpSettings, Result, TrackerError, TrackerInfo};
use tokio::sync::OnceCell;

pub use config::{Auth, AzureConfig, Mapping, StateNames};
pub use factory::{Azure, AzureFactory};

/// The provider type in trackers.json.
pub const KIND: &str = "azure_devops";
/// The provider's name in messages.
const PROVIDER: &str = "Azure DevOps";
/// The API version of the work item endpoints.
pub const API_VERSION: &str = "7.1";
/// The API version of the comments endpoints (still a preview in 7.1).
pub const COMMENTS_API_VERSION: &str = "7.1-preview.4";
/// The most results one WIQL query returns.
pub const WIQL_CAP: usize = 20_000;
/// The most ids one `workitemsbatch` request takes.
pub const BATCH: usize = 200;

/// One Azure DevOps project as a tracker.
#[derive(Debug)]
pub struct AzureTracker {
    info: TrackerInfo,
    http: HttpClient,
    organization: String,
    project: String,
    team: String,
    work_item_type: String,
    area_path: Option<String>,
    iteration_path: Option<String>,
    default_labels: Vec<String>,
    map: Mapping,
    /// The most ids a WIQL query is asked for (tests make it small).
    wiql_cap: usize,
    /// Each work item type's states with their categories, read once.
    types: OnceCell<Vec<wire::WireType>>,
}

/// The `Authorization` header value for `auth` with the resolved token.
fn authorization(auth: &Auth, token: &Secret) -> String {
    match auth {
        Auth::PersonalToken { .. } => {
            let pair = format!(":{}", token.expose());
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            )
        }
        Auth::Bearer { .. } => format!("Bearer {}", token.expose()),
    }
}

impl AzureTracker {
    /// Builds the adapter for `config` under the tracker name `name`, with
    /// the resolved token. `settings` adjusts the HTTP client (tests shorten
    /// the retry delays); `None` takes the defaults.
    pub fn new(
        name: &str,
        config: &AzureConfig,
        token: &Secret,
        settings: Option<HttpSettings>,
    ) -> Result<AzureTracker> {
        let bad = |m: String| TrackerError::config(name, m);
        let plain = |s: &str| !s.trim().is_empty() && !s.contains(['/', '\\', '?', '#']);
        if !plain(&config.organization) {
            return Err(bad(format!(
                "config.organization `{}` is not an organization name; use the name in dev.azure.com/NAME",
                config.organization
            )));
        }
        if !plain(&config.project) {
            return Err(bad(format!(
                "config.project `{}` is not a project name; use the name after the organization in the project's URL",
                config.project
            )));
        }
        for (field, path) in [
            ("area_path", &config.area_path),
            ("iteration_path", &config.iteration_path),
        ] {
            if let Some(p) = path {
                let root = p.split('\\').next().unwrap_or_default();
                if !root.eq_ignore_ascii_case(&config.project) {
                    return Err(bad(format!(
                        "config.{field} `{p}` is not under project {}; write it as {}\\NAME",
                        config.project, config.project
                    )));
                }
            }
        }
        let base_url = kit::base_url(name, &config.base_url, "https://dev.azure.com")?;
        let mut settings = kit::http_settings(
            PROVIDER,
            &base_url,
            config.ca_file.as_deref(),
            settings,
            |s| s,
        );
        // Azure DevOps slows a client down rather than refusing it when its
        // budget is used up, and says how long to wait in Retry-After.
        settings.hold_on_exhausted_budget = false;
        let http = kit::signed_client(
            name,
            settings,
            AUTHORIZATION,
            &authorization(&config.auth, token),
        )?;
        let site = base_url.as_str().trim_end_matches('/').to_owned();
        let instance = format!(
            "{}/{}/{}",
            kit::host_port(&base_url),
            config.organization,
            config.project
        );
        Ok(AzureTracker {
            info: TrackerInfo {
                name: name.to_owned(),
                provider: KIND.to_owned(),
                instance,
                web_url: Some(format!(
                    "{site}/{}/{}/_workitems",
                    config.organization, config.project
                )),
            },
            http,
            organization: config.organization.clone(),
            project: config.project.clone(),
            team: config
                .team
                .clone()
                .unwrap_or_else(|| format!("{} Team", config.project)),
            work_item_type: config.work_item_type.clone(),
            area_path: config.area_path.clone(),
            iteration_path: config.iteration_path.clone(),
            default_labels: config.labels.clone(),
            map: Mapping::from_config(config),
            wiql_cap: WIQL_CAP,
            types: OnceCell::new(),
        })
    }

    /// Asks WIQL for at most `cap` ids a query (Azure's is 20,000): tests
    /// use a small one to exercise the windows.
    pub fn with_wiql_cap(mut self, cap: usize) -> Self {
        self.wiql_cap = cap.max(1);
        self
    }

    /// `{base}/{organization}/{project}/_apis/wit/{rest…}?api-version=…`.
    fn api(&self, rest: &[&str], version: &str) -> Url {
        let mut segments = vec![
            self.organization.as_str(),
            self.project.as_str(),
            "_apis",
            "wit",
        ];
        segments.extend_from_slice(rest);
        let mut url = self.http.endpoint(&segments);
        url.query_pairs_mut().append_pair("api-version", version);
        url
    }

    /// A work item id as users write it (`7`, `#7`).
    fn id(&self, id: &str) -> Result<u64> {
        kit::issue_number(PROVIDER, id, "work item id")
    }

    fn what(id: u64) -> String {
        format!("work item {id}")
    }
}

pub(crate) fn invalid(message: impl Into<String>) -> TrackerError {
    TrackerError::invalid(PROVIDER, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_headers() {
        let pat = Auth::PersonalToken {
            token: serde_json::from_str("\"${T}\"").expect("ref"),
        };
        // base64(":t0ken"): an empty user and the token as the password.
        assert_eq!(authorization(&pat, &Secret::new("t0ken")), "Basic OnQwa2Vu");
        let bearer = Auth::Bearer {
            token: serde_json::from_str("\"${T}\"").expect("ref"),
        };
        assert_eq!(authorization(&bearer, &Secret::new("eyJ0")), "Bearer eyJ0");
    }
}
