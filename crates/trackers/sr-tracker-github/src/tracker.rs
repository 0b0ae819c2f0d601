//! The [`IssueTracker`] methods over GitHub's REST endpoints.

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
use crate::wire::{self, WireComment, WireHook, WireIssue, WireRepo, WireUser};
use crate::{GitHubTracker, PROVIDER};
use sr_tracker::kit::WireLabel;

fn invalid(message: &str) -> TrackerError {
    TrackerError::invalid(PROVIDER, message)
}

#[async_trait]
impl IssueTracker for GitHubTracker {
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
        let resp = self.http.send(req).await?;
        let user: WireUser = resp.json(PROVIDER)?;
        let mut checks = vec![format!("the token belongs to {}", user.login)];
        if let Some(scopes) = resp
            .headers
            .get("x-oauth-scopes")
            .and_then(|v| v.to_str().ok())
        {
            checks.push(format!(
                "classic token scopes: {}",
                if scopes.trim().is_empty() {
                    "none"
                } else {
                    scopes.trim()
                }
            ));
        }
        let what = format!("repository {}", self.full_name());
        let req = ApiRequest::new(Method::GET, self.repo_url(&[]), "read the repository")
            .what(what.clone())
            .attempts(1);
        let repo: WireRepo = self.http.send(req).await?.json(PROVIDER)?;
        if repo.has_issues == Some(false) {
            return Err(TrackerError::Gone {
                provider: PROVIDER.into(),
                what: format!("issues of {what} (turned off in the repository's settings)"),
            });
        }
        checks.push(format!("repository {} is visible", repo.full_name));
        match repo.permissions {
            Some(p) if p.push || p.triage => {
                checks.push("the token may create and label issues".into())
            }
            Some(_) => checks.push(
                "the token may read but not label or assign issues; ask for triage or write access"
                    .into(),
            ),
            None => {}
        }
        let budget = self.http.budget();
        if let (Some(rem), Some(limit)) = (budget.remaining, budget.limit) {
            checks.push(format!(
                "rate limit: {rem} of {limit} requests left this hour"
            ));
        }
        Ok(ConnectionReport {
            user: Some(user.login),
            checks,
        })
    }

    async fn create_issue(&self, draft: &IssueDraft) -> Result<Issue> {
        if draft.title.trim().is_empty() {
            return Err(invalid("title: an issue needs a title"));
        }
        let labels = self.map.for_new_issue(draft, &self.default_labels);
        self.ensure_labels(&labels).await?;
        let req = ApiRequest::new(Method::POST, self.repo_url(&["issues"]), "create issue")
            .json(wire::create_body(draft, &labels))
            .what(format!("issues of {}", self.full_name()));
        let w: WireIssue = self.http.send(req).await?.json(PROVIDER)?;
        Ok(self.convert(&w))
    }

    async fn update_issue(&self, id: &str, update: &IssueUpdate) -> Result<Issue> {
        let n = self.number(id)?;
        let current = self
            .wire_issue(n)
            .await?
            .ok_or_else(|| TrackerError::not_found(PROVIDER, self.issue_what(n)))?;
        let now = self.convert(&current);
        let common = self.map.update(PROVIDER, &now, update, "body")?;
        let mut body = common.fields;
        if let Some(labels) = common.labels {
            self.ensure_labels(&labels).await?;
            body.insert("labels".into(), json!(labels));
        }
        match update.state {
            Some(IssueState::Done) => {
                body.insert("state".into(), json!("closed"));
                body.insert(
                    "state_reason".into(),
                    json!(wire::state_reason(update.resolution.as_deref())),
                );
            }
            Some(IssueState::Open | IssueState::InProgress) if current.state == "closed" => {
                body.insert("state".into(), json!("open"));
                body.insert("state_reason".into(), json!("reopened"));
            }
            _ => {}
        }
        if let Some(a) = &update.assignee {
            body.insert("assignees".into(), json!(a.iter().collect::<Vec<_>>()));
        }
        let url = self.repo_url(&["issues", &n.to_string()]);
        self.http.forget(&url);
        let req = ApiRequest::new(Method::PATCH, url, "update issue")
            .json(Value::Object(body))
            .what(self.issue_what(n));
        let w: WireIssue = self.http.send(req).await?.json(PROVIDER)?;
        Ok(self.convert(&w))
    }

    async fn delete_issue(&self, _id: &str) -> Result<()> {
        Err(TrackerError::Unsupported {
            provider: PROVIDER.into(),
            operation: "deleting issues through the REST API; close the issue instead (a repository admin can delete it on github.com)".into(),
        })
    }

    async fn get_issue(&self, id: &str) -> Result<Option<Issue>> {
        if crate::advisory::is_advisory_id(id) {
            return self.security_advisory(id).await;
        }
        let n = self.number(id)?;
        Ok(self.wire_issue(n).await?.map(|w| self.convert(&w)))
    }

    async fn search_issues(&self, query: &SearchQuery) -> Result<Vec<Issue>> {
        let limit = if query.limit == 0 { 50 } else { query.limit };
        let text = query.text.trim();
        if let Ok(n) = text.trim_start_matches('#').parse::<u64>() {
            return Ok(self.get_issue(&n.to_string()).await?.into_iter().collect());
        }
        if text.is_empty() {
            self.list(query, limit).await
        } else {
            self.search(query, limit).await
        }
    }

    async fn add_comment(&self, id: &str, text: &str) -> Result<Comment> {
        let n = self.number(id)?;
        let req = ApiRequest::new(
            Method::POST,
            self.repo_url(&["issues", &n.to_string(), "comments"]),
            "add comment",
        )
        .json(json!({"body": text}))
        .what(self.issue_what(n));
        let c: WireComment = self.http.send(req).await?.json(PROVIDER)?;
        Ok(wire::to_comment(&c))
    }

    async fn comments(&self, id: &str) -> Result<Vec<Comment>> {
        let n = self.number(id)?;
        let mut url = self.repo_url(&["issues", &n.to_string(), "comments"]);
        url.query_pairs_mut().append_pair("per_page", PER_PAGE);
        let req = ApiRequest::new(Method::GET, url, "list comments").what(self.issue_what(n));
        let list: Vec<WireComment> = self.http.get_pages(req, 10_000).await?;
        Ok(list.iter().map(wire::to_comment).collect())
    }

    async fn attach_file(&self, _id: &str, _file: &AttachmentUpload) -> Result<Attachment> {
        Err(TrackerError::Unsupported {
            provider: PROVIDER.into(),
            operation: "issue attachments through the REST API; put the file somewhere reachable and link it in a comment".into(),
        })
    }

    async fn projects(&self) -> Result<Vec<Project>> {
        let req = ApiRequest::new(Method::GET, self.repo_url(&[]), "read the repository")
            .what(format!("repository {}", self.full_name()));
        let repo: WireRepo = self.http.send(req).await?.json(PROVIDER)?;
        Ok(vec![Project {
            id: repo.full_name.clone(),
            key: repo.name,
            name: repo.full_name,
        }])
    }

    async fn labels(&self, _project: Option<&str>) -> Result<Vec<Label>> {
        let req = ApiRequest::new(Method::GET, self.labels_url(), "list labels")
            .what(format!("labels of {}", self.full_name()));
        let list: Vec<WireLabel> = self.http.get_pages(req, 10_000).await?;
        Ok(list.iter().map(WireLabel::to_label).collect())
    }

    async fn users(&self, _project: Option<&str>, query: &str) -> Result<Vec<User>> {
        let mut url = self.repo_url(&["assignees"]);
        url.query_pairs_mut().append_pair("per_page", PER_PAGE);
        let req = ApiRequest::new(Method::GET, url, "list assignees")
            .what(format!("assignees of {}", self.full_name()));
        let list: Vec<WireUser> = self.http.get_pages(req, 10_000).await?;
        let q = query.to_lowercase();
        Ok(list
            .iter()
            .filter(|u| u.login.to_lowercase().contains(&q))
            .map(wire::to_user)
            .collect())
    }

    async fn register_webhook(&self, config: &WebhookConfig) -> Result<WebhookRegistration> {
        let events = if config.events.is_empty() {
            vec!["issues".to_owned(), "issue_comment".to_owned()]
        } else {
            config.events.clone()
        };
        let body = json!({
            "name": "web",
            "active": true,
            "events": events,
            "config": {"url": config.url, "content_type": "json", "secret": config.secret, "insecure_ssl": "0"}
        });
        let req = ApiRequest::new(Method::POST, self.repo_url(&["hooks"]), "register webhook")
            .json(body)
            .what(format!("webhooks of {}", self.full_name()));
        let hook: WireHook = self.http.send(req).await?.json(PROVIDER)?;
        Ok(WebhookRegistration {
            id: hook.id.to_string(),
            url: hook
                .config
                .and_then(|c| c.url)
                .unwrap_or_else(|| config.url.clone()),
        })
    }

    async fn pull_files(&self, number: u64) -> Result<Vec<sr_model::PullFile>> {
        self.files_of_pull(number).await
    }

    async fn unregister_webhook(&self, webhook_id: &str) -> Result<()> {
        let what = format!("webhook {webhook_id} of {}", self.full_name());
        let id: u64 = webhook_id
            .parse()
            .map_err(|_| TrackerError::not_found(PROVIDER, what.clone()))?;
        let req = ApiRequest::new(
            Method::DELETE,
            self.repo_url(&["hooks", &id.to_string()]),
            "remove webhook",
        )
        .what(what);
        self.http.send(req).await.map(|_| ())
    }
}
