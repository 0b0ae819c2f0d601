//! The [`IssueTracker`] methods over Jira's REST v3 endpoints (v2 on
//! Data Center, see [`crate::dc`]).

use async_trait::async_trait;
use serde_json::{Value, json};
use sr_model::{
    Attachment, AttachmentUpload, Comment, Issue, IssueDraft, IssueUpdate, Label, Project,
    SearchQuery, User,
};
use sr_tracker::ApiRequest;
use sr_tracker::reqwest::Method;
use sr_tracker::{
    ConnectionReport, FilePart, IssueTracker, Result, TrackerError, WebhookConfig,
    WebhookRegistration,
};

use crate::calls::{Created, PAGE, SearchPage, WireAttachment, invalid};
use crate::wire::{FIELDS, WireComment, WireProject, WireUser};
use crate::{JiraTracker, PROVIDER};

#[async_trait]
impl IssueTracker for JiraTracker {
    sr_tracker::http_tracker_accessors!(body_limit: crate::BODY_LIMIT);

    async fn initialize(&self) -> Result<()> {
        Ok(())
    }

    async fn test_connection(&self) -> Result<ConnectionReport> {
        let req = ApiRequest::new(
            Method::GET,
            self.api(&["myself"]),
            "read the signed-in user",
        )
        .what("the signed-in user")
        .attempts(1);
        let me: WireUser = self.http.send(req).await?.json(PROVIDER)?;
        let mut checks = vec![format!("signed in as {}", me.display_name)];
        let what = format!("project {}", self.project_key);
        let req = ApiRequest::new(
            Method::GET,
            self.api(&["project", &self.project_key]),
            "read the project",
        )
        .what(what.clone())
        .attempts(1);
        let project: WireProject = self.http.send(req).await?.json(PROVIDER)?;
        checks.push(format!(
            "project {} ({}) is visible",
            project.key, project.name
        ));
        let types = self.issue_types().await?;
        if !types
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&self.default_issue_type))
        {
            return Err(TrackerError::config(
                &self.info.name,
                format!(
                    "project {} has no issue type `{}`; set config.default_issue_type to one of: {}",
                    self.project_key,
                    self.default_issue_type,
                    types.join(", ")
                ),
            ));
        }
        checks.push(format!(
            "issue type {} can be created",
            self.default_issue_type
        ));
        let priorities = self.priorities().await?;
        let missing: Vec<&str> = self
            .map
            .priorities
            .values()
            .map(String::as_str)
            .filter(|p| !priorities.iter().any(|n| n.eq_ignore_ascii_case(p)))
            .collect();
        if !missing.is_empty() {
            return Err(TrackerError::config(
                &self.info.name,
                format!(
                    "the site has no priority {}; map P0–P4 in config.priorities to some of: {}",
                    missing.join(", "),
                    priorities.join(", ")
                ),
            ));
        }
        checks.push("every priority level maps to a Jira priority".into());
        Ok(ConnectionReport {
            user: Some(me.display_name),
            checks,
        })
    }

    async fn create_issue(&self, draft: &IssueDraft) -> Result<Issue> {
        if draft.title.trim().is_empty() {
            return Err(invalid(
                "the issue has no title; Jira needs a summary".into(),
            ));
        }
        let mut all_labels = self.default_labels.clone();
        all_labels.extend(draft.labels.iter().cloned());
        let update = IssueUpdate {
            title: Some(draft.title.clone()),
            body: (!draft.body.trim().is_empty()).then(|| draft.body.clone()),
            priority: draft.priority,
            labels: Some(all_labels),
            assignee: draft.assignees.first().map(|a| Some(a.clone())),
            ..IssueUpdate::default()
        };
        let mut fields = self.edit_fields(&update);
        let project = draft.project.as_deref().unwrap_or(&self.project_key);
        fields.insert("project".into(), json!({"key": project}));
        let kind = draft
            .issue_type
            .as_deref()
            .unwrap_or(&self.default_issue_type);
        fields.insert("issuetype".into(), json!({"name": kind}));
        let req = ApiRequest::new(Method::POST, self.api(&["issue"]), "create issue")
            .what(format!("project {project}"))
            .json(json!({"fields": fields}));
        let created: Created = self.http.send(req).await?.json(PROVIDER)?;
        self.read_issue(&created.key).await
    }

    async fn update_issue(&self, id: &str, update: &IssueUpdate) -> Result<Issue> {
        let key = self.issue_key(id)?;
        if update.title.as_ref().is_some_and(|t| t.trim().is_empty()) {
            return Err(invalid(
                "the new title is empty; Jira needs a summary".into(),
            ));
        }
        let fields = self.edit_fields(update);
        if !fields.is_empty() {
            let req = ApiRequest::new(Method::PUT, self.api(&["issue", &key]), "edit issue")
                .what(Self::issue_what(&key))
                .json(json!({"fields": fields}));
            self.http.send(req).await?;
        }
        if let Some(state) = update.state {
            let current = self.read_issue(&key).await?;
            if current.reference.status.state != state {
                self.transition(&key, state, update.resolution.as_deref())
                    .await?;
            }
        }
        self.read_issue(&key).await
    }

    async fn delete_issue(&self, id: &str) -> Result<()> {
        let key = self.issue_key(id)?;
        let req = ApiRequest::new(Method::DELETE, self.api(&["issue", &key]), "delete issue")
            .what(Self::issue_what(&key));
        self.http.send(req).await?;
        Ok(())
    }

    async fn get_issue(&self, id: &str) -> Result<Option<Issue>> {
        let key = self.issue_key(id)?;
        match self.read_issue(&key).await {
            Ok(i) => Ok(Some(i)),
            Err(TrackerError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn search_issues(&self, query: &SearchQuery) -> Result<Vec<Issue>> {
        let jql = crate::jql::search(&self.project_key, query);
        let limit = if query.limit == 0 {
            usize::MAX
        } else {
            query.limit
        };
        if self.v2 {
            return self.search_v2(query, limit).await;
        }
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({
                "jql": jql,
                "maxResults": PAGE.min(limit - out.len()),
                "fields": FIELDS,
            });
            if let Some(t) = &token {
                body["nextPageToken"] = json!(t);
            }
            let req = ApiRequest::new(Method::POST, self.api(&["search", "jql"]), "search issues")
                .what(format!("issues of project {}", self.project_key))
                // A search changes nothing.
                .idempotent(true)
                .json(body);
            let page: SearchPage = self.http.send(req).await?.json(PROVIDER)?;
            out.extend(
                page.issues
                    .iter()
                    .map(|w| w.to_issue(&self.info, &self.site, &self.map)),
            );
            token = page.next_page_token.filter(|t| !t.is_empty());
            if out.len() >= limit || token.is_none() || page.is_last == Some(true) {
                out.truncate(limit);
                return Ok(out);
            }
        }
    }

    async fn add_comment(&self, id: &str, text: &str) -> Result<Comment> {
        let key = self.issue_key(id)?;
        if text.trim().is_empty() {
            return Err(invalid("the comment is empty".into()));
        }
        let req = ApiRequest::new(
            Method::POST,
            self.api(&["issue", &key, "comment"]),
            "add a comment",
        )
        .what(Self::issue_what(&key))
        .json(json!({"body": self.body_value(text)}));
        let c: WireComment = self.http.send(req).await?.json(PROVIDER)?;
        Ok(c.to_comment())
    }

    async fn comments(&self, id: &str) -> Result<Vec<Comment>> {
        let key = self.issue_key(id)?;
        let list: Vec<WireComment> = self
            .offset_pages(&["issue", &key, "comment"], &[], &Self::issue_what(&key))
            .await?;
        Ok(list.iter().map(WireComment::to_comment).collect())
    }

    async fn attach_file(&self, id: &str, file: &AttachmentUpload) -> Result<Attachment> {
        let key = self.issue_key(id)?;
        // Jira answers 403 (XSRF) to uploads without `X-Atlassian-Token`.
        // Sent once: an upload whose outcome is unknown is reported.
        let req = ApiRequest::new(
            Method::POST,
            self.api(&["issue", &key, "attachments"]),
            "attach a file",
        )
        .file(FilePart {
            field: "file",
            filename: file.filename.clone(),
            content_type: file.content_type.clone(),
            bytes: file.bytes.clone(),
        })
        .header("x-atlassian-token", "no-check")
        .what(Self::issue_what(&key))
        .attempts(1);
        let body = self.http.send(req).await?.body;
        let list: Vec<WireAttachment> =
            serde_json::from_slice(&body).map_err(|e| TrackerError::Provider {
                provider: PROVIDER.into(),
                status: 200,
                message: format!(
                    "the answer to an upload is not the list of attachments expected ({e})"
                ),
            })?;
        let a = list
            .into_iter()
            .next()
            .ok_or_else(|| TrackerError::Provider {
                provider: PROVIDER.into(),
                status: 200,
                message: "the upload was answered with no attachment".into(),
            })?;
        Ok(Attachment {
            id: a.id,
            filename: a.filename,
            size: a.size,
            url: a.content,
        })
    }

    async fn projects(&self) -> Result<Vec<Project>> {
        if self.v2 {
            return self.projects_v2().await;
        }
        let list: Vec<WireProject> = self
            .offset_pages(&["project", "search"], &[], "projects")
            .await?;
        Ok(list
            .into_iter()
            .map(|p| Project {
                id: p.id,
                key: p.key,
                name: p.name,
            })
            .collect())
    }

    async fn labels(&self, _project: Option<&str>) -> Result<Vec<Label>> {
        // Jira's labels are global to the site, not per project.
        if self.v2 {
            return Err(self.no_label_list());
        }
        let list: Vec<String> = self.offset_pages(&["label"], &[], "labels").await?;
        Ok(list
            .into_iter()
            .map(|name| Label {
                name,
                color: None,
                description: None,
            })
            .collect())
    }

    async fn users(&self, project: Option<&str>, query: &str) -> Result<Vec<User>> {
        let project = project.unwrap_or(&self.project_key);
        if self.v2 {
            return self.users_v2(project, query).await;
        }
        let mut url = self.api(&["user", "assignable", "search"]);
        url.query_pairs_mut()
            .append_pair("project", project)
            .append_pair("query", query)
            .append_pair("maxResults", "50");
        let req = ApiRequest::new(Method::GET, url, "search assignable users")
            .what(format!("project {project}"));
        let list: Vec<WireUser> = self.http.send(req).await?.json(PROVIDER)?;
        Ok(list.iter().map(WireUser::to_user).collect())
    }

    async fn register_webhook(&self, config: &WebhookConfig) -> Result<WebhookRegistration> {
        let events = if config.events.is_empty() {
            crate::webhook::DEFAULT_EVENTS
                .iter()
                .map(|e| (*e).to_owned())
                .collect()
        } else {
            config.events.clone()
        };
        let body = json!({
            "name": format!("ScratchRobin: {}", self.info.name),
            "url": config.url,
            "events": events,
            "filters": {"issue-related-events-section": format!("project = {}", crate::jql::quote(&self.project_key))},
            "excludeBody": false,
            "secret": config.secret,
        });
        let url = self.http.endpoint(&["rest", "webhooks", "1.0", "webhook"]);
        let req = ApiRequest::new(Method::POST, url, "register a webhook")
            .what("admin webhooks (registering one needs the Jira administrator permission)")
            .json(body);
        let hook: Value = self.http.send(req).await?.json(PROVIDER)?;
        let id = hook
            .get("self")
            .and_then(Value::as_str)
            .and_then(|s| s.trim_end_matches('/').rsplit('/').next())
            .map(str::to_owned)
            .ok_or_else(|| TrackerError::Provider {
                provider: PROVIDER.into(),
                status: 201,
                message: "the new webhook's answer has no `self` URL to take its id from".into(),
            })?;
        Ok(WebhookRegistration {
            id,
            url: config.url.clone(),
        })
    }

    async fn unregister_webhook(&self, webhook_id: &str) -> Result<()> {
        if webhook_id.is_empty() || !webhook_id.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid(format!(
                "`{webhook_id}` is not a Jira webhook id (a number)"
            )));
        }
        let url = self
            .http
            .endpoint(&["rest", "webhooks", "1.0", "webhook", webhook_id]);
        let req = ApiRequest::new(Method::DELETE, url, "remove a webhook")
            .what(format!("webhook {webhook_id}"));
        self.http.send(req).await?;
        Ok(())
    }
}
