//! The adapter interface of the product spec, as one async trait.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use sr_model::{
    Attachment, AttachmentUpload, Comment, Issue, IssueDraft, IssueKey, IssueUpdate, Label,
    Project, SearchQuery, User,
};

use crate::Result;

/// Who a tracker is: its configured name, provider type and instance, which
/// together with an issue id make the issue's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackerInfo {
    /// The name in trackers.json ("Company Jira").
    pub name: String,
    /// The provider type ("jira", "github", "local").
    pub provider: String,
    /// The instance part of issue keys ("acme.atlassian.net",
    /// "github.com/acme/db", "default").
    pub instance: String,
    /// A URL a person can open to see the tracker, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_url: Option<String>,
}

impl TrackerInfo {
    pub fn key(&self, id: impl Into<String>) -> IssueKey {
        IssueKey::new(self.provider.clone(), self.instance.clone(), id)
    }
}

/// What a successful connection test found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionReport {
    /// Who the credentials belong to, as the tracker names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// One line per thing checked ("project DB is visible").
    pub checks: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookConfig {
    /// The public URL the tracker should deliver to.
    pub url: String,
    /// The shared secret the tracker signs deliveries with. Never logged.
    #[serde(skip_serializing)]
    pub secret: String,
    /// Provider event names to subscribe to; empty means the adapter's
    /// default set (issues and comments).
    #[serde(default)]
    pub events: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookRegistration {
    pub id: String,
    pub url: String,
}

/// The body limit of a tracker that names none: Jira's 32,767 characters,
/// the smallest of the shipped providers', which fits everywhere.
pub const DEFAULT_BODY_LIMIT: usize = 32_767;

/// One configured tracker. Issue ids are the provider's own (`123`,
/// `DB-123`), the last part of an [`IssueKey`].
///
/// Every method may be called from any task; implementations are cheap to
/// share behind an `Arc`.
#[async_trait]
pub trait IssueTracker: Send + Sync + 'static {
    fn info(&self) -> &TrackerInfo;

    /// The rate-limit budget the tracker last reported, for the engine to
    /// show; `None` for trackers without one (the local tracker).
    fn rate_budget(&self) -> Option<crate::RateBudget> {
        None
    }

    /// The longest issue or comment body the provider takes, in characters
    /// (Unicode scalar values, as providers count); longer bodies are cut
    /// with a note before they are sent.
    fn body_limit(&self) -> usize {
        DEFAULT_BODY_LIMIT
    }

    /// Loads what the adapter needs before first use (project ids, field
    /// maps). Idempotent.
    async fn initialize(&self) -> Result<()>;

    /// Checks credentials and access, with a diagnosis on failure.
    async fn test_connection(&self) -> Result<ConnectionReport>;

    async fn create_issue(&self, draft: &IssueDraft) -> Result<Issue>;
    async fn update_issue(&self, id: &str, update: &IssueUpdate) -> Result<Issue>;
    async fn delete_issue(&self, id: &str) -> Result<()>;
    /// `Ok(None)` when the tracker says the issue does not exist.
    async fn get_issue(&self, id: &str) -> Result<Option<Issue>>;

    async fn search_issues(&self, query: &SearchQuery) -> Result<Vec<Issue>>;
    async fn issues_by_label(&self, label: &str) -> Result<Vec<Issue>> {
        let query = SearchQuery {
            labels: vec![label.to_owned()],
            ..SearchQuery::default()
        };
        self.search_issues(&query).await
    }

    async fn add_comment(&self, id: &str, text: &str) -> Result<Comment>;
    async fn comments(&self, id: &str) -> Result<Vec<Comment>>;
    async fn attach_file(&self, id: &str, file: &AttachmentUpload) -> Result<Attachment>;

    async fn projects(&self) -> Result<Vec<Project>>;
    async fn labels(&self, project: Option<&str>) -> Result<Vec<Label>>;
    /// Users that can be assigned, filtered by `query` (name or login).
    async fn users(&self, project: Option<&str>, query: &str) -> Result<Vec<User>>;

    async fn register_webhook(&self, config: &WebhookConfig) -> Result<WebhookRegistration>;
    async fn unregister_webhook(&self, webhook_id: &str) -> Result<()>;

    /// The files pull or merge request `number` changes, with their diffs
    /// (GitHub's pull request files, GitLab's merge request diffs).
    /// Trackers without pull requests answer `Unsupported`.
    async fn pull_files(&self, number: u64) -> Result<Vec<sr_model::PullFile>> {
        let _ = number;
        Err(crate::TrackerError::Unsupported {
            provider: self.info().provider.clone(),
            operation: "reading a pull request's files".into(),
        })
    }
}
