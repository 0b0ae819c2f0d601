//! The [`IssueTracker`] methods over the [`FakeService`]: every call
//! checks the token first, as a provider would.

use async_trait::async_trait;
use sr_model::{
    Attachment, AttachmentUpload, Comment, Issue, IssueDraft, IssueState, IssueUpdate, Label,
    Project, SearchQuery, StateFilter, User,
};
use sr_secrets::Secret;
use sr_tracker::kit::{self, LabelMap};
use sr_tracker::{
    ConnectionReport, IssueTracker, Result, TrackerError, TrackerInfo, WebhookConfig,
    WebhookRegistration,
};

use crate::{FakeConfig, FakeIssue, FakeService, KIND, PROVIDER, to_issue};

/// One project of the fake service as a tracker.
#[derive(Debug)]
pub struct FakeTracker {
    info: TrackerInfo,
    token: Secret,
    default_labels: Vec<String>,
    map: LabelMap,
    service: FakeService,
}

impl FakeTracker {
    pub(crate) fn new(
        name: &str,
        config: &FakeConfig,
        token: &Secret,
        map: LabelMap,
        service: FakeService,
    ) -> FakeTracker {
        FakeTracker {
            info: TrackerInfo {
                name: name.to_owned(),
                provider: KIND.to_owned(),
                instance: config.project.trim().to_owned(),
                web_url: None,
            },
            token: token.clone(),
            default_labels: config.labels.clone(),
            map,
            service,
        }
    }

    fn signed_in(&self) -> Result<()> {
        if self.token.expose() == self.service.token {
            Ok(())
        } else {
            Err(TrackerError::Unauthorized {
                provider: PROVIDER.into(),
            })
        }
    }

    fn number(&self, id: &str) -> Result<u64> {
        kit::issue_number(PROVIDER, id, "fake issue number")
    }

    fn convert(&self, i: &FakeIssue) -> Issue {
        to_issue(i, &self.info, &self.map)
    }

    fn unsupported(operation: &str) -> TrackerError {
        TrackerError::Unsupported {
            provider: PROVIDER.into(),
            operation: operation.into(),
        }
    }
}

#[async_trait]
impl IssueTracker for FakeTracker {
    fn info(&self) -> &TrackerInfo {
        &self.info
    }

    async fn initialize(&self) -> Result<()> {
        Ok(())
    }

    async fn test_connection(&self) -> Result<ConnectionReport> {
        self.signed_in()?;
        Ok(ConnectionReport {
            user: Some("fake-user".into()),
            checks: vec![format!("project {} is visible", self.info.instance)],
        })
    }

    async fn create_issue(&self, draft: &IssueDraft) -> Result<Issue> {
        self.signed_in()?;
        if draft.title.trim().is_empty() {
            return Err(TrackerError::invalid(
                PROVIDER,
                "title: an issue needs a title",
            ));
        }
        let labels = self.map.for_new_issue(draft, &self.default_labels);
        let mut state = self.service.state();
        let number = state.issues.keys().next_back().map_or(1, |n| n + 1);
        let issue = FakeIssue {
            number,
            title: draft.title.trim().to_owned(),
            body: draft.body.clone(),
            labels,
            closed: false,
            updated_at: chrono::Utc::now(),
        };
        state.issues.insert(number, issue.clone());
        Ok(self.convert(&issue))
    }

    async fn update_issue(&self, id: &str, update: &IssueUpdate) -> Result<Issue> {
        self.signed_in()?;
        let n = self.number(id)?;
        let mut state = self.service.state();
        let issue = state
            .issues
            .get_mut(&n)
            .ok_or_else(|| TrackerError::not_found(PROVIDER, format!("issue {n}")))?;
        let now = to_issue(issue, &self.info, &self.map);
        if let Some(t) = &update.title {
            issue.title = t.trim().to_owned();
        }
        if let Some(b) = &update.body {
            issue.body = b.clone();
        }
        let state_now = update.state.unwrap_or(now.reference.status.state);
        let plain = update.labels.clone().unwrap_or(now.reference.labels);
        let priority = update.priority.or(now.reference.priority);
        issue.labels =
            self.map
                .outgoing(&plain, priority, None, state_now == IssueState::InProgress);
        issue.closed = state_now == IssueState::Done;
        issue.updated_at = chrono::Utc::now();
        let issue = issue.clone();
        Ok(self.convert(&issue))
    }

    async fn delete_issue(&self, _id: &str) -> Result<()> {
        Err(Self::unsupported("deleting issues"))
    }

    async fn get_issue(&self, id: &str) -> Result<Option<Issue>> {
        self.signed_in()?;
        let n = self.number(id)?;
        Ok(self.service.issue(n).map(|i| self.convert(&i)))
    }

    async fn search_issues(&self, query: &SearchQuery) -> Result<Vec<Issue>> {
        self.signed_in()?;
        let text = query.text.to_lowercase();
        let state = self.service.state();
        Ok(state
            .issues
            .values()
            .filter(|i| match query.state {
                StateFilter::Open => !i.closed,
                StateFilter::Closed => i.closed,
                StateFilter::All => true,
            })
            .filter(|i| query.updated_since.is_none_or(|t| i.updated_at >= t))
            .filter(|i| text.is_empty() || i.title.to_lowercase().contains(&text))
            .take(query.limit)
            .map(|i| self.convert(i))
            .collect())
    }

    async fn add_comment(&self, id: &str, text: &str) -> Result<Comment> {
        self.signed_in()?;
        let n = self.number(id)?;
        let mut state = self.service.state();
        let list = state.comments.entry(n).or_default();
        let comment = Comment {
            id: (list.len() + 1).to_string(),
            author: "fake-user".into(),
            body: text.to_owned(),
            created_at: chrono::Utc::now(),
            updated_at: None,
        };
        list.push(comment.clone());
        Ok(comment)
    }

    async fn comments(&self, id: &str) -> Result<Vec<Comment>> {
        self.signed_in()?;
        let n = self.number(id)?;
        Ok(self
            .service
            .state()
            .comments
            .get(&n)
            .cloned()
            .unwrap_or_default())
    }

    async fn attach_file(&self, _id: &str, _file: &AttachmentUpload) -> Result<Attachment> {
        Err(Self::unsupported("attachments"))
    }

    async fn projects(&self) -> Result<Vec<Project>> {
        let p = self.info.instance.clone();
        Ok(vec![Project {
            id: p.clone(),
            key: p.clone(),
            name: p,
        }])
    }

    async fn labels(&self, _project: Option<&str>) -> Result<Vec<Label>> {
        Ok(Vec::new())
    }

    async fn users(&self, _project: Option<&str>, _query: &str) -> Result<Vec<User>> {
        Ok(Vec::new())
    }

    async fn register_webhook(&self, _config: &WebhookConfig) -> Result<WebhookRegistration> {
        Err(Self::unsupported("registering webhooks"))
    }

    async fn unregister_webhook(&self, _webhook_id: &str) -> Result<()> {
        Err(Self::unsupported("removing webhooks"))
    }
}
