//! The [`IssueTracker`] methods over Redmine's REST endpoints. Redmine
//! answers an update with 204 and no body, so updates read the issue back.

use async_trait::async_trait;
use serde_json::{Map, Value, json};
use sr_model::{
    Attachment, AttachmentUpload, Comment, Issue, IssueDraft, IssueUpdate, Label, Project,
    SearchQuery, User,
};
use sr_tracker::ApiRequest;
use sr_tracker::reqwest::Method;
use sr_tracker::{
    ConnectionReport, IssueTracker, Result, TrackerError, WebhookConfig, WebhookRegistration,
};

use crate::schema::Schema;
use crate::wire::{AttachmentsEnvelope, IssueEnvelope, Memberships, UploadEnvelope, Users};
use crate::{PROVIDER, RedmineTracker};

fn invalid(message: impl Into<String>) -> TrackerError {
    TrackerError::invalid(PROVIDER, message)
}

/// Labels as the custom field holds them; a comma would split a label.
fn join_labels(labels: &[String]) -> Result<String> {
    if let Some(bad) = labels.iter().find(|l| l.contains(',')) {
        return Err(invalid(format!(
            "labels: `{bad}` holds a comma, which separates labels in Redmine's labels field; rename it"
        )));
    }
    Ok(labels.join(", "))
}

impl RedmineTracker {
    /// `custom_fields` carrying the labels, or an error when the project
    /// has no labels field and labels are asked for.
    fn labels_value(&self, schema: &Schema, labels: &[String]) -> Result<Option<Value>> {
        match schema.labels_field {
            Some(id) => Ok(Some(json!([{"id": id, "value": join_labels(labels)?}]))),
            None if labels.is_empty() => Ok(None),
            None => Err(self.no_labels_field()),
        }
    }

    /// A user id for `who`: a numeric id, or a project member's name, or
    /// (for an administrator's key) a login.
    async fn user_id(&self, who: &str) -> Result<u64> {
        let who = who.trim().trim_start_matches('@');
        if let Ok(id) = who.parse::<u64>() {
            return Ok(id);
        }
        if let Some(u) = self
            .members()
            .await?
            .into_iter()
            .find(|u| u.name.eq_ignore_ascii_case(who) || u.id.eq_ignore_ascii_case(who))
        {
            return u.id.parse().map_err(|_| invalid("assignee: bad user id"));
        }
        let mut url = self.url(&["users.json"]);
        url.query_pairs_mut().append_pair("name", who);
        let req = ApiRequest::new(Method::GET, url, "find user").what(format!("user {who}"));
        // Only administrators may list users; anyone else gets 403 here.
        if let Ok(resp) = self.send(req).await
            && let Ok(users) = resp.json::<Users>(PROVIDER)
            && let Some(u) = users.users.iter().find(|u| {
                u.login
                    .as_deref()
                    .is_some_and(|l| l.eq_ignore_ascii_case(who))
            })
        {
            return Ok(u.id);
        }
        Err(invalid(format!(
            "assignee: no member of project {} is named `{who}`; add them to the project or use their numeric user id",
            self.project
        )))
    }

    async fn members(&self) -> Result<Vec<User>> {
        let mut out: Vec<User> = Vec::new();
        let mut offset = 0usize;
        loop {
            let mut url = self.url(&["projects", &self.project, "memberships.json"]);
            url.query_pairs_mut()
                .append_pair("offset", &offset.to_string())
                .append_pair("limit", "100");
            let req = ApiRequest::new(Method::GET, url, "list members")
                .what(format!("members of {}", self.project_what()));
            let page: Memberships = self.send(req).await?.json(PROVIDER)?;
            let got = page.memberships.len();
            for m in page.memberships.into_iter().filter_map(|m| m.user) {
                if !out.iter().any(|u| u.id == m.id.to_string()) {
                    out.push(User {
                        id: m.id.to_string(),
                        name: m.name,
                        email: None,
                    });
                }
            }
            offset += got;
            if got < 100 {
                return Ok(out);
            }
        }
    }

    /// `PUT /issues/:id.json` with `fields`, then the issue as it is now.
    async fn put(&self, id: u64, fields: Map<String, Value>, once: bool) -> Result<()> {
        let req = ApiRequest::new(
            Method::PUT,
            self.url(&["issues", &format!("{id}.json")]),
            if once { "add to issue" } else { "update issue" },
        )
        .json(json!({"issue": Value::Object(fields)}))
        .what(self.issue_what(id))
        // Notes and uploads are appended: a PUT carrying them is not
        // sent twice.
        .idempotent(!once);
        self.send(req).await.map(drop)
    }
}

#[async_trait]
impl IssueTracker for RedmineTracker {
    sr_tracker::http_tracker_accessors!(body_limit: crate::BODY_LIMIT);

    async fn initialize(&self) -> Result<()> {
        self.schema().await.map(drop)
    }

    async fn test_connection(&self) -> Result<ConnectionReport> {
        let user = self.current_user(Some(1)).await?;
        let login = user.login.clone().unwrap_or_else(|| user.display());
        let mut checks = vec![format!("the API key belongs to {login}")];
        let schema = self.schema().await?;
        checks.push(format!(
            "project {} (id {}) is visible",
            schema.project.identifier, schema.project.id
        ));
        let names = |v: Vec<String>| v.join(", ");
        checks.push(format!(
            "trackers: {}",
            names(schema.trackers.iter().map(|t| t.name.clone()).collect())
        ));
        checks.push(format!(
            "statuses: {}",
            names(
                schema
                    .statuses
                    .iter()
                    .map(|s| format!("{}{}", s.name, if s.is_closed { " (closed)" } else { "" }))
                    .collect()
            )
        ));
        checks.push(match schema.labels_field {
            Some(id) => format!(
                "labels field: {} (custom field {id})",
                self.config.labels_field()
            ),
            None => self.no_labels_field().to_string(),
        });
        checks.push(if schema.formatting_detected {
            format!("text formatting: {:?}", schema.formatting)
        } else {
            "text formatting: not detectable (the server's preview needs a login); Textile assumed, set config.text_formatting if it uses Markdown".into()
        });
        Ok(ConnectionReport {
            user: Some(login),
            checks,
        })
    }

    async fn create_issue(&self, draft: &IssueDraft) -> Result<Issue> {
        if draft.title.trim().is_empty() {
            return Err(invalid("title: an issue needs a title"));
        }
        let schema = self.schema().await?;
        let mut issue = Map::new();
        issue.insert("project_id".into(), json!(schema.project.id));
        issue.insert("subject".into(), json!(draft.title.trim()));
        issue.insert(
            "description".into(),
            json!(self.outgoing_text(&schema, &draft.body)),
        );
        issue.insert(
            "tracker_id".into(),
            json!(schema.tracker_for(draft.issue_type.as_deref(), &self.config.type_trackers)?),
        );
        if let Some(p) = draft.priority {
            issue.insert(
                "priority_id".into(),
                json!(schema.priority_id(p, &self.config.priority_names())?),
            );
        }
        let mut labels = self.config.labels.clone();
        for l in &draft.labels {
            if !labels.contains(l) {
                labels.push(l.clone());
            }
        }
        if let Some(v) = self.labels_value(&schema, &labels)? {
            issue.insert("custom_fields".into(), v);
        }
        if let Some(a) = draft.assignees.first() {
            issue.insert("assigned_to_id".into(), json!(self.user_id(a).await?));
        }
        let req = ApiRequest::new(Method::POST, self.url(&["issues.json"]), "create issue")
            .json(json!({"issue": Value::Object(issue)}))
            .what(format!("issues of {}", self.project_what()));
        let w: IssueEnvelope = self.send(req).await?.json(PROVIDER)?;
        Ok(self.convert(&schema, &w.issue))
    }

    async fn update_issue(&self, id: &str, update: &IssueUpdate) -> Result<Issue> {
        let n = self.issue_id(id)?;
        let schema = self.schema().await?;
        let current = self.existing(n, false).await?;
        let mut fields = Map::new();
        if let Some(t) = &update.title {
            if t.trim().is_empty() {
                return Err(invalid("title: cannot be empty"));
            }
            fields.insert("subject".into(), json!(t.trim()));
        }
        if let Some(b) = &update.body {
            fields.insert("description".into(), json!(self.outgoing_text(&schema, b)));
        }
        if let Some(p) = update.priority {
            fields.insert(
                "priority_id".into(),
                json!(schema.priority_id(p, &self.config.priority_names())?),
            );
        }
        if let Some(labels) = &update.labels
            && let Some(v) = self.labels_value(&schema, labels)?
        {
            fields.insert("custom_fields".into(), v);
        }
        let in_progress = self.in_progress_name();
        let done = self
            .config
            .done_status
            .clone()
            .unwrap_or_else(|| "Closed".into());
        let target = match update.state {
            Some(state) if schema.state_of(current.status.id, &in_progress) != state => {
                let status = schema.status_for(state, current.tracker.id, &in_progress, &done)?;
                fields.insert("status_id".into(), json!(status));
                Some(status)
            }
            _ => None,
        };
        match &update.assignee {
            Some(Some(who)) => {
                fields.insert("assigned_to_id".into(), json!(self.user_id(who).await?));
            }
            Some(None) => {
                fields.insert("assigned_to_id".into(), json!(""));
            }
            None => {}
        }
        if !fields.is_empty() {
            self.put(n, fields, false).await?;
        }
        let now = self.existing(n, false).await?;
        // Redmine ignores a status its workflow does not allow the user's
        // role, answering 204 all the same.
        if let Some(want) = target
            && now.status.id != want
        {
            let name = |id: u64| {
                schema
                    .statuses
                    .iter()
                    .find(|s| s.id == id)
                    .map_or_else(|| id.to_string(), |s| s.name.clone())
            };
            return Err(invalid(format!(
                "status: Redmine kept issue #{n} at `{}` instead of `{}`: its workflow does not let the key's user move a {} from one to the other; allow it in Administration → Workflow for the user's role",
                name(now.status.id),
                name(want),
                now.tracker.name
            )));
        }
        Ok(self.convert(&schema, &now))
    }

    async fn delete_issue(&self, id: &str) -> Result<()> {
        let n = self.issue_id(id)?;
        self.existing(n, false).await?;
        let req = ApiRequest::new(
            Method::DELETE,
            self.url(&["issues", &format!("{n}.json")]),
            "delete issue",
        )
        .what(self.issue_what(n));
        self.send(req).await.map(drop)
    }

    async fn get_issue(&self, id: &str) -> Result<Option<Issue>> {
        let n = self.issue_id(id)?;
        let schema = self.schema().await?;
        Ok(self
            .wire_issue(n, false)
            .await?
            .map(|w| self.convert(&schema, &w)))
    }

    async fn search_issues(&self, query: &SearchQuery) -> Result<Vec<Issue>> {
        let limit = if query.limit == 0 { 50 } else { query.limit };
        if let Ok(n) = query.text.trim().trim_start_matches('#').parse::<u64>() {
            return Ok(self.get_issue(&n.to_string()).await?.into_iter().collect());
        }
        self.list(query, limit).await
    }

    async fn add_comment(&self, id: &str, text: &str) -> Result<Comment> {
        let n = self.issue_id(id)?;
        if text.trim().is_empty() {
            return Err(invalid("body: a comment needs text"));
        }
        let schema = self.schema().await?;
        self.existing(n, false).await?;
        let notes = self.outgoing_text(&schema, text);
        let mut fields = Map::new();
        fields.insert("notes".into(), json!(notes));
        self.put(n, fields, true).await?;
        // The answer is 204: the note is the newest journal of ours with
        // this text.
        let now = self.existing(n, true).await?;
        now.journals
            .iter()
            .rev()
            .filter(|j| j.user.as_ref().is_some_and(|u| u.id == schema.user.id))
            .find(|j| j.notes.as_deref() == Some(notes.as_str()))
            .and_then(|j| self.comment(&schema, j))
            .ok_or_else(|| TrackerError::Provider {
                provider: PROVIDER.into(),
                status: 204,
                message: format!("the note added to issue #{n} is not among its journals"),
            })
    }

    async fn comments(&self, id: &str) -> Result<Vec<Comment>> {
        let n = self.issue_id(id)?;
        let schema = self.schema().await?;
        let w = self.existing(n, true).await?;
        Ok(w.journals
            .iter()
            .filter_map(|j| self.comment(&schema, j))
            .collect())
    }

    async fn attach_file(&self, id: &str, file: &AttachmentUpload) -> Result<Attachment> {
        let n = self.issue_id(id)?;
        let name = file.filename.trim();
        if name.is_empty() {
            return Err(invalid("file: the upload needs a file name"));
        }
        self.existing(n, false).await?;
        // Redmine takes the bytes first (a token back), then the token on
        // the issue.
        let mut url = self.url(&["uploads.json"]);
        url.query_pairs_mut().append_pair("filename", name);
        let req = ApiRequest::new(Method::POST, url, "upload file")
            .bytes("application/octet-stream", file.bytes.clone())
            .what(format!("uploads for {}", self.issue_what(n)));
        let upload: UploadEnvelope = self.send(req).await?.json(PROVIDER)?;
        let mut entry = json!({"token": upload.upload.token, "filename": name});
        if !file.content_type.trim().is_empty() {
            entry["content_type"] = json!(file.content_type.trim());
        }
        if !file.description.trim().is_empty() {
            entry["description"] = json!(file.description.trim());
        }
        let mut fields = Map::new();
        fields.insert("uploads".into(), json!([entry]));
        // Attaching twice would attach twice: not repeated.
        self.put(n, fields, true).await?;
        let mut url = self.url(&["issues", &format!("{n}.json")]);
        url.query_pairs_mut().append_pair("include", "attachments");
        let req = ApiRequest::new(Method::GET, url, "read attachments").what(self.issue_what(n));
        let w: AttachmentsEnvelope = self.send(req).await?.json(PROVIDER)?;
        w.issue
            .attachments
            .iter()
            .rev()
            .find(|a| a.filename == name)
            .map(|a| Attachment {
                id: a.id.to_string(),
                filename: a.filename.clone(),
                size: a.filesize,
                url: a.content_url.clone(),
            })
            .ok_or_else(|| TrackerError::Provider {
                provider: PROVIDER.into(),
                status: 204,
                message: format!("the file attached to issue #{n} is not among its attachments"),
            })
    }

    async fn projects(&self) -> Result<Vec<Project>> {
        let p = self.project_info().await?;
        Ok(vec![Project {
            id: p.id.to_string(),
            key: p.identifier,
            name: p.name,
        }])
    }

    async fn labels(&self, _project: Option<&str>) -> Result<Vec<Label>> {
        // Redmine keeps no list of labels: they are what issues carry.
        let all = SearchQuery {
            limit: 500,
            ..SearchQuery::default()
        };
        let mut names: Vec<String> = Vec::new();
        for i in self.list(&all, 500).await? {
            for l in i.reference.labels {
                if !names.contains(&l) {
                    names.push(l);
                }
            }
        }
        names.sort();
        Ok(names
            .into_iter()
            .map(|name| Label {
                name,
                color: None,
                description: None,
            })
            .collect())
    }

    async fn users(&self, _project: Option<&str>, query: &str) -> Result<Vec<User>> {
        let q = query.trim().to_lowercase();
        Ok(self
            .members()
            .await?
            .into_iter()
            .filter(|u| q.is_empty() || u.name.to_lowercase().contains(&q))
            .collect())
    }

    async fn register_webhook(&self, _config: &WebhookConfig) -> Result<WebhookRegistration> {
        Err(TrackerError::Unsupported {
            provider: PROVIDER.into(),
            operation: "webhooks (Redmine has none; ScratchRobin polls it by updated_on)".into(),
        })
    }

    async fn unregister_webhook(&self, _webhook_id: &str) -> Result<()> {
        Err(TrackerError::Unsupported {
            provider: PROVIDER.into(),
            operation: "webhooks (Redmine has none; ScratchRobin polls it by updated_on)".into(),
        })
    }
}
