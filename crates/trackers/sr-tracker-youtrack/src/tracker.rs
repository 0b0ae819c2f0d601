//! The [`IssueTracker`] methods over YouTrack's REST endpoints: issues
//! written with their custom fields typed from the project's schema,
//! searches ([`crate::read`]), comments.

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

use crate::wire::{COMMENT_FIELDS, ISSUE_FIELDS, WireComment, WireIssue};
use crate::{PROVIDER, YouTrackTracker, invalid};

/// Tags once each (YouTrack compares tag names without case).
fn tags(labels: &[String]) -> Value {
    let mut out: Vec<&str> = Vec::new();
    for l in labels.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(l)) {
            out.push(l);
        }
    }
    Value::Array(out.into_iter().map(|n| json!({ "name": n })).collect())
}

impl YouTrackTracker {
    /// A custom field value to write: the field's name, the `$type` its
    /// schema gives, and the value (`None` clears a field that may be empty).
    async fn custom(&self, key: &str, value: Option<&str>) -> Result<Value> {
        let name = match key {
            "state" => &self.map.fields.state,
            "priority" => &self.map.fields.priority,
            "type" => &self.map.fields.kind,
            _ => &self.map.fields.assignee,
        };
        let f = self.field(name, key).await?;
        let Some(kind) = f.issue_type() else {
            return Err(TrackerError::config(
                &self.info.name,
                format!(
                    "custom field `{}` is a {} field, which ScratchRobin does not write; set config.fields.{key} to a single-value field",
                    f.field.name, f.field.field_type.id
                ),
            ));
        };
        let value = match value {
            None => Value::Null,
            Some(v) if kind == "SingleUserIssueCustomField" => json!({ "login": v }),
            Some(v) => {
                let values = f.values();
                if !values.is_empty() && !values.iter().any(|(n, _)| n == v) {
                    let names: Vec<&str> = values.iter().map(|(n, _)| n.as_str()).collect();
                    return Err(invalid(format!(
                        "`{v}` is not a value of field {} in project {}; use one of: {} (or set config.priorities / config.issue_type)",
                        f.field.name,
                        self.project,
                        names.join(", ")
                    )));
                }
                json!({ "name": v })
            }
        };
        Ok(json!({"name": f.field.name, "$type": kind, "value": value}))
    }

    /// The State value for `state`, from the State field's values.
    async fn state_value(&self, state: IssueState) -> Result<String> {
        let f = self.field(&self.map.fields.state.clone(), "state").await?;
        self.map.state_value(state, &f.values()).ok_or_else(|| {
            let key = match state {
                IssueState::Open => "open",
                IssueState::InProgress => "in_progress",
                IssueState::Done => "done",
            };
            let names: Vec<String> = f.values().into_iter().map(|(n, _)| n).collect();
            TrackerError::config(
                &self.info.name,
                format!(
                    "no State value of project {} is known for {key}; set config.states.{key} to one of: {}",
                    self.project,
                    names.join(", ")
                ),
            )
        })
    }

    /// The body of an update; `state` already chosen.
    async fn body(&self, update: &IssueUpdate, state: Option<&str>) -> Result<Value> {
        let mut body = json!({});
        if let Some(t) = &update.title {
            body["summary"] = json!(t.trim());
        }
        if let Some(b) = &update.body {
            body["description"] = json!(b);
        }
        if let Some(l) = &update.labels {
            body["tags"] = tags(l);
        }
        let mut fields = Vec::new();
        if let Some(p) = update.priority {
            fields.push(
                self.custom("priority", Some(self.map.priority_value(p)))
                    .await?,
            );
        }
        if let Some(a) = &update.assignee {
            fields.push(self.custom("assignee", a.as_deref()).await?);
        }
        if let Some(s) = state {
            fields.push(self.custom("state", Some(s)).await?);
        }
        if !fields.is_empty() {
            body["customFields"] = Value::Array(fields);
        }
        Ok(body)
    }

    fn what(id: &str) -> String {
        format!("issue {id}")
    }
}

#[async_trait]
impl IssueTracker for YouTrackTracker {
    sr_tracker::http_tracker_accessors!();

    async fn initialize(&self) -> Result<()> {
        self.schema().await.map(drop)
    }

    async fn test_connection(&self) -> Result<ConnectionReport> {
        let req = ApiRequest::new(
            Method::GET,
            self.api(&["users", "me"], "login,name"),
            "read the signed-in user",
        )
        .what("the token's user")
        .attempts(1);
        let me: Value = self.http.send(req).await?.json(PROVIDER)?;
        let user = me.get("login").and_then(Value::as_str).map(str::to_owned);
        let mut checks = vec![format!(
            "signed in as {}",
            user.as_deref().unwrap_or("the token's owner")
        )];
        self.schema().await?;
        checks.push(format!("project {} is visible", self.project));
        let m = self.map.fields.clone();
        for (name, key) in [
            (&m.state, "state"),
            (&m.priority, "priority"),
            (&m.kind, "type"),
            (&m.assignee, "assignee"),
        ] {
            let f = self.field(name, key).await?;
            if f.issue_type().is_none() {
                return Err(TrackerError::config(
                    &self.info.name,
                    format!(
                        "custom field `{name}` is a {} field; set config.fields.{key} to a single-value field",
                        f.field.field_type.id
                    ),
                ));
            }
        }
        checks.push(format!(
            "fields {}, {}, {} and {} found",
            m.state, m.priority, m.kind, m.assignee
        ));
        for s in [IssueState::Open, IssueState::InProgress, IssueState::Done] {
            self.state_value(s).await?;
        }
        checks.push(format!(
            "{} has values for open, in progress and done",
            m.state
        ));
        Ok(ConnectionReport { user, checks })
    }

    async fn create_issue(&self, draft: &IssueDraft) -> Result<Issue> {
        if draft.title.trim().is_empty() {
            return Err(invalid("the issue has no summary; YouTrack needs one"));
        }
        let mut labels = self.default_labels.clone();
        labels.extend(draft.labels.iter().cloned());
        let update = IssueUpdate {
            title: Some(draft.title.clone()),
            body: Some(draft.body.clone()),
            priority: draft.priority,
            labels: (!labels.is_empty()).then_some(labels),
            assignee: draft.assignees.first().map(|a| Some(a.clone())),
            ..IssueUpdate::default()
        };
        let schema = self.schema().await?;
        let mut body = self.body(&update, None).await?;
        body["project"] = json!({ "id": schema.project_id });
        if let Some(kind) = draft.issue_type.as_deref().or(self.issue_type.as_deref()) {
            let f = self.custom("type", Some(kind)).await?;
            match body.get_mut("customFields").and_then(Value::as_array_mut) {
                Some(a) => a.push(f),
                None => body["customFields"] = json!([f]),
            }
        }
        // Sent once: a lost answer is an unknown outcome, which the
        // outbox settles by searching for the summary.
        let req = ApiRequest::new(
            Method::POST,
            self.api(&["issues"], ISSUE_FIELDS),
            "create issue",
        )
        .what(format!("project {}", self.project))
        .json(body);
        let w: WireIssue = self.http.send(req).await?.json(PROVIDER)?;
        Ok(self.issue(&w))
    }

    async fn update_issue(&self, id: &str, update: &IssueUpdate) -> Result<Issue> {
        let id = self.id(id)?;
        if update.title.as_ref().is_some_and(|t| t.trim().is_empty()) {
            return Err(invalid("the new summary is empty; YouTrack needs one"));
        }
        let mut state = None;
        if let Some(wanted) = update.state {
            let current = self.read_issue(&id).await?;
            let (name, resolved) = current.state(&self.map);
            if self.map.state_of(&name, resolved) != wanted {
                state = Some(self.state_value(wanted).await?);
            }
        }
        let body = self.body(update, state.as_deref()).await?;
        if body.as_object().is_some_and(serde_json::Map::is_empty) {
            return Ok(self.issue(&self.read_issue(&id).await?));
        }
        // The body sets values, so sending it again after a lost answer
        // leaves the same issue: it is retried like a read.
        let req = ApiRequest::new(
            Method::POST,
            self.api(&["issues", &id], ISSUE_FIELDS),
            "update issue",
        )
        .what(Self::what(&id))
        .idempotent(true)
        .json(body);
        let w: WireIssue = self.http.send(req).await?.json(PROVIDER)?;
        Ok(self.issue(&w))
    }

    async fn delete_issue(&self, id: &str) -> Result<()> {
        let id = self.id(id)?;
        let url = self.http.endpoint(&["api", "issues", &id]);
        let req = ApiRequest::new(Method::DELETE, url, "delete issue").what(Self::what(&id));
        self.http.send(req).await?;
        Ok(())
    }

    async fn get_issue(&self, id: &str) -> Result<Option<Issue>> {
        let id = self.id(id)?;
        match self.read_issue(&id).await {
            Ok(w) => Ok(Some(self.issue(&w))),
            Err(TrackerError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn search_issues(&self, query: &SearchQuery) -> Result<Vec<Issue>> {
        self.search(query).await
    }

    async fn add_comment(&self, id: &str, text: &str) -> Result<Comment> {
        let id = self.id(id)?;
        if text.trim().is_empty() {
            return Err(invalid("the comment is empty"));
        }
        let req = ApiRequest::new(
            Method::POST,
            self.api(&["issues", &id, "comments"], COMMENT_FIELDS),
            "add a comment",
        )
        .what(Self::what(&id))
        .json(json!({ "text": text }));
        let c: WireComment = self.http.send(req).await?.json(PROVIDER)?;
        Ok(c.to_comment())
    }

    async fn comments(&self, id: &str) -> Result<Vec<Comment>> {
        let id = self.id(id)?;
        let mut out = Vec::new();
        let mut skip = 0;
        loop {
            let mut url = self.api(&["issues", &id, "comments"], COMMENT_FIELDS);
            url.query_pairs_mut()
                .append_pair("$skip", &skip.to_string())
                .append_pair("$top", &self.page.to_string());
            let req = ApiRequest::new(Method::GET, url, "list comments").what(Self::what(&id));
            let page: Vec<WireComment> = self.http.send(req).await?.json(PROVIDER)?;
            let n = page.len();
            out.extend(
                page.iter()
                    .filter(|c| !c.deleted)
                    .map(WireComment::to_comment),
            );
            skip += n;
            if n < self.page {
                return Ok(out);
            }
        }
    }

    async fn attach_file(&self, id: &str, file: &AttachmentUpload) -> Result<Attachment> {
        self.attach(id, file).await
    }

    async fn projects(&self) -> Result<Vec<Project>> {
        let p = self.find_project().await?;
        Ok(vec![Project {
            id: p.id,
            key: p.short_name,
            name: p.name,
        }])
    }

    async fn labels(&self, _project: Option<&str>) -> Result<Vec<Label>> {
        Err(TrackerError::Unsupported {
            provider: PROVIDER.into(),
            operation: "listing tags; type the tag's name".into(),
        })
    }

    async fn users(&self, _project: Option<&str>, query: &str) -> Result<Vec<User>> {
        let f = self
            .field(&self.map.fields.assignee.clone(), "assignee")
            .await?;
        let q = query.to_lowercase();
        Ok(f.bundle
            .iter()
            .flat_map(|b| b.users.iter())
            .filter(|u| u.login.to_lowercase().contains(&q))
            .map(|u| User {
                id: u.login.clone(),
                name: u.login.clone(),
                email: None,
            })
            .collect())
    }

    async fn register_webhook(&self, _config: &WebhookConfig) -> Result<WebhookRegistration> {
        Err(TrackerError::Unsupported {
            provider: PROVIDER.into(),
            operation: "webhooks: YouTrack has no standard signed webhook, so ScratchRobin polls it for changes".into(),
        })
    }

    async fn unregister_webhook(&self, _webhook_id: &str) -> Result<()> {
        Err(TrackerError::Unsupported {
            provider: PROVIDER.into(),
            operation: "webhooks: ScratchRobin polls YouTrack and registers none".into(),
        })
    }
}
