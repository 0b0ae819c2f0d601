//! The [`IssueTracker`] methods over GitLab's REST v4 endpoints.

use async_trait::async_trait;
use serde_json::{Value, json};
use sr_model::{
    Attachment, AttachmentUpload, Comment, Issue, IssueDraft, IssueState, IssueUpdate, Label,
    Project, SearchQuery, User,
};
use sr_tracker::ApiRequest;
use sr_tracker::reqwest::Method;
use sr_tracker::{
    ConnectionReport, IssueTracker, Result, TrackerError, WebhookConfig, WebhookRegistration,
};

use crate::read::PER_PAGE;
use crate::wire::{self, WireHook, WireIssue, WireNote, WireProject, WireUser};
use crate::{GitLabTracker, PROVIDER};
use sr_tracker::kit::WireLabel;

fn invalid(message: impl Into<String>) -> TrackerError {
    TrackerError::invalid(PROVIDER, message)
}

impl GitLabTracker {
    pub(crate) async fn note(&self, iid: u64, text: &str) -> Result<WireNote> {
        let req = ApiRequest::new(
            Method::POST,
            self.project_url(&["issues", &iid.to_string(), "notes"]),
            "add comment",
        )
        .json(json!({"body": text}))
        .what(self.issue_what(iid));
        self.send(req).await?.json(PROVIDER)
    }

    async fn project_info(&self, attempts: Option<u32>) -> Result<WireProject> {
        let mut req = ApiRequest::new(Method::GET, self.project_url(&[]), "read the project")
            .what(self.project_what());
        if let Some(n) = attempts {
            req = req.attempts(n);
        }
        self.send(req).await?.json(PROVIDER)
    }
}

#[async_trait]
impl IssueTracker for GitLabTracker {
    sr_tracker::http_tracker_accessors!(body_limit: crate::BODY_LIMIT);

    async fn initialize(&self) -> Result<()> {
        Ok(())
    }

    async fn test_connection(&self) -> Result<ConnectionReport> {
        let req = ApiRequest::new(
            Method::GET,
            self.http.endpoint(&["user"]),
            "read the token's user",
        )
        .what("the token's user")
        .attempts(1);
        let user: WireUser = self.send(req).await?.json(PROVIDER)?;
        let mut checks = vec![format!("the token belongs to {}", user.username)];
        let project = self.project_info(Some(1)).await?;
        if project.issues_enabled == Some(false) {
            return Err(TrackerError::Gone {
                provider: PROVIDER.into(),
                what: format!(
                    "issues of {} (turned off in the project's settings)",
                    self.project_what()
                ),
            });
        }
        checks.push(format!(
            "project {} (id {}) is visible",
            project.path_with_namespace, project.id
        ));
        let budget = self.http.budget();
        if let (Some(rem), Some(limit)) = (budget.remaining, budget.limit) {
            checks.push(format!("rate limit: {rem} of {limit} requests left"));
        }
        Ok(ConnectionReport {
            user: Some(user.username),
            checks,
        })
    }

    async fn create_issue(&self, draft: &IssueDraft) -> Result<Issue> {
        if draft.title.trim().is_empty() {
            return Err(invalid("title: an issue needs a title"));
        }
        let labels = self.map.for_new_issue(draft, &self.default_labels);
        let mut body = json!({
            "title": draft.title.trim(),
            "description": draft.body,
            "labels": wire::label_list(&labels).map_err(invalid)?,
        });
        if !draft.assignees.is_empty() {
            let mut ids = Vec::new();
            for a in &draft.assignees {
                ids.push(self.user_id(a).await?);
            }
            body["assignee_ids"] = json!(ids);
        }
        let req = ApiRequest::new(Method::POST, self.project_url(&["issues"]), "create issue")
            .json(body)
            .what(format!("issues of {}", self.project_what()));
        let w: WireIssue = self.send(req).await?.json(PROVIDER)?;
        Ok(self.convert(&w))
    }

    async fn update_issue(&self, id: &str, update: &IssueUpdate) -> Result<Issue> {
        let iid = self.iid(id)?;
        let current = self
            .wire_issue(iid)
            .await?
            .ok_or_else(|| TrackerError::not_found(PROVIDER, self.issue_what(iid)))?;
        let now = self.convert(&current);
        let common = self.map.update(PROVIDER, &now, update, "description")?;
        let mut body = common.fields;
        if let Some(labels) = common.labels {
            let list = wire::label_list(&labels).map_err(invalid)?;
            body.insert("labels".into(), json!(list));
        }
        match update.state {
            Some(IssueState::Done) if current.state != "closed" => {
                body.insert("state_event".into(), json!("close"));
            }
            Some(IssueState::Open | IssueState::InProgress) if current.state == "closed" => {
                body.insert("state_event".into(), json!("reopen"));
            }
            _ => {}
        }
        match &update.assignee {
            Some(Some(name)) => {
                body.insert("assignee_ids".into(), json!([self.user_id(name).await?]));
            }
            Some(None) => {
                body.insert("assignee_ids".into(), json!([]));
            }
            None => {}
        }
        // GitLab refuses an edit without a parameter; nothing to change is
        // the issue as it is.
        if body.is_empty() {
            return Ok(now);
        }
        let req = ApiRequest::new(
            Method::PUT,
            self.project_url(&["issues", &iid.to_string()]),
            "update issue",
        )
        .json(Value::Object(body))
        .what(self.issue_what(iid));
        let w: WireIssue = self.send(req).await?.json(PROVIDER)?;
        Ok(self.convert(&w))
    }

    async fn delete_issue(&self, id: &str) -> Result<()> {
        let iid = self.iid(id)?;
        let req = ApiRequest::new(
            Method::DELETE,
            self.project_url(&["issues", &iid.to_string()]),
            "delete issue",
        )
        .what(self.issue_what(iid));
        self.send(req).await.map(|_| ())
    }

    async fn get_issue(&self, id: &str) -> Result<Option<Issue>> {
        let iid = self.iid(id)?;
        Ok(self.wire_issue(iid).await?.map(|w| self.convert(&w)))
    }

    async fn search_issues(&self, query: &SearchQuery) -> Result<Vec<Issue>> {
        let limit = if query.limit == 0 { 50 } else { query.limit };
        if let Ok(n) = query.text.trim().trim_start_matches('#').parse::<u64>() {
            return Ok(self.get_issue(&n.to_string()).await?.into_iter().collect());
        }
        self.list(query, limit).await
    }

    async fn add_comment(&self, id: &str, text: &str) -> Result<Comment> {
        let iid = self.iid(id)?;
        if text.trim().is_empty() {
            return Err(invalid("body: a comment needs text"));
        }
        Ok(wire::to_comment(&self.note(iid, text).await?))
    }

    async fn comments(&self, id: &str) -> Result<Vec<Comment>> {
        let iid = self.iid(id)?;
        let mut url = self.project_url(&["issues", &iid.to_string(), "notes"]);
        url.query_pairs_mut()
            .append_pair("sort", "asc")
            .append_pair("order_by", "created_at")
            .append_pair("per_page", PER_PAGE);
        let req = ApiRequest::new(Method::GET, url, "list comments").what(self.issue_what(iid));
        let list: Vec<WireNote> = self.pages(req, 10_000).await?;
        Ok(list
            .iter()
            .filter(|n| !n.system)
            .map(wire::to_comment)
            .collect())
    }

    async fn attach_file(&self, id: &str, file: &AttachmentUpload) -> Result<Attachment> {
        let iid = self.iid(id)?;
        if file.filename.trim().is_empty() {
            return Err(invalid("file: the upload needs a file name"));
        }
        self.attach(iid, file).await
    }

    async fn projects(&self) -> Result<Vec<Project>> {
        let p = self.project_info(None).await?;
        Ok(vec![Project {
            id: p.id.to_string(),
            key: p.path_with_namespace.clone(),
            name: p.name.unwrap_or(p.path_with_namespace),
        }])
    }

    async fn labels(&self, _project: Option<&str>) -> Result<Vec<Label>> {
        let mut url = self.project_url(&["labels"]);
        url.query_pairs_mut().append_pair("per_page", PER_PAGE);
        let req = ApiRequest::new(Method::GET, url, "list labels")
            .what(format!("labels of {}", self.project_what()));
        let list: Vec<WireLabel> = self.pages(req, 10_000).await?;
        Ok(list.iter().map(WireLabel::to_label).collect())
    }

    async fn users(&self, _project: Option<&str>, query: &str) -> Result<Vec<User>> {
        let mut url = self.http.endpoint(&["users"]);
        {
            let mut q = url.query_pairs_mut();
            if !query.trim().is_empty() {
                q.append_pair("search", query.trim());
            }
            q.append_pair("active", "true");
            q.append_pair("per_page", PER_PAGE);
        }
        let req = ApiRequest::new(Method::GET, url, "search users").what("users".to_owned());
        let list: Vec<WireUser> = self.pages(req, 100).await?;
        Ok(list.iter().map(wire::to_user).collect())
    }

    async fn register_webhook(&self, config: &WebhookConfig) -> Result<WebhookRegistration> {
        let wants = |e: &str| {
            config.events.is_empty() || config.events.iter().any(|x| x.eq_ignore_ascii_case(e))
        };
        let body = json!({
            "url": config.url,
            "token": config.secret,
            "push_events": wants("push_events"),
            "issues_events": wants("issues_events"),
            "confidential_issues_events": wants("confidential_issues_events"),
            "note_events": wants("note_events"),
            "confidential_note_events": wants("confidential_note_events"),
            "enable_ssl_verification": true
        });
        // An empty list means the default set: issues and notes, not pushes.
        let mut body = body;
        if config.events.is_empty() {
            body["push_events"] = json!(false);
        }
        let req = ApiRequest::new(
            Method::POST,
            self.project_url(&["hooks"]),
            "register webhook",
        )
        .json(body)
        .what(format!("webhooks of {}", self.project_what()));
        let hook: WireHook = self.send(req).await?.json(PROVIDER)?;
        Ok(WebhookRegistration {
            id: hook.id.to_string(),
            url: hook.url.unwrap_or_else(|| config.url.clone()),
        })
    }

    async fn unregister_webhook(&self, webhook_id: &str) -> Result<()> {
        let what = format!("webhook {webhook_id} of {}", self.project_what());
        let id: u64 = webhook_id
            .trim()
            .parse()
            .map_err(|_| TrackerError::not_found(PROVIDER, what.clone()))?;
        let req = ApiRequest::new(
            Method::DELETE,
            self.project_url(&["hooks", &id.to_string()]),
            "remove webhook",
        )
        .what(what);
        self.send(req).await.map(|_| ())
    }
}
