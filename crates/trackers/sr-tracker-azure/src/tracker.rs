//! The [`IssueTracker`] methods over Azure DevOps's Work Item Tracking
//! endpoints: JSON Patch writes, WIQL reads ([`crate::read`]), comments.

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

use crate::config::category;
use crate::wire::{CommentPage, List, WireComment, WireItem};
use crate::{API_VERSION, AzureTracker, COMMENTS_API_VERSION, PROVIDER, invalid};

/// The media type of JSON Patch documents (RFC 6902), which the work item
/// endpoints take and nothing else.
const JSON_PATCH: &str = "application/json-patch+json";

/// One `add` of a field (an `add` replaces a field that has a value).
fn set(field: &str, value: Value) -> Value {
    json!({"op": "add", "path": format!("/fields/{field}"), "value": value})
}

/// Tags as Azure writes them: `a; b`, each once (Azure compares tags
/// without case).
fn tag_text(labels: &[String]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for l in labels.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(l)) {
            out.push(l);
        }
    }
    out.join("; ")
}

impl AzureTracker {
    /// The patch operations of an update; `state` is the state name
    /// already chosen for the work item's type.
    fn patch(&self, update: &IssueUpdate, state: Option<&str>) -> Vec<Value> {
        let mut ops = Vec::new();
        if let Some(t) = &update.title {
            ops.push(set("System.Title", json!(t.trim())));
        }
        if let Some(b) = &update.body {
            ops.push(set("System.Description", json!(crate::html::to_html(b))));
        }
        if let Some(p) = update.priority {
            ops.push(set(
                "Microsoft.VSTS.Common.Priority",
                json!(self.map.priority_value(p)),
            ));
        }
        if let Some(l) = &update.labels {
            ops.push(set("System.Tags", json!(tag_text(l))));
        }
        match &update.assignee {
            Some(Some(a)) => ops.push(set("System.AssignedTo", json!(a))),
            // An empty value clears the field.
            Some(None) => ops.push(set("System.AssignedTo", json!(""))),
            None => {}
        }
        if let Some(s) = state {
            ops.push(set("System.State", json!(s)));
        }
        ops
    }

    /// The state a work item of `kind` moves to for `state`: the
    /// configured one, else the type's first state in the category.
    async fn state_name(&self, kind: &str, state: IssueState) -> Result<String> {
        if let Some(s) = self.map.configured_state(kind, state) {
            return Ok(s.to_owned());
        }
        let types = self.work_item_types().await?;
        let t = types.iter().find(|t| t.name.eq_ignore_ascii_case(kind));
        let wanted = category(state);
        t.and_then(|t| {
            t.states
                .iter()
                .find(|s| s.category.eq_ignore_ascii_case(wanted))
        })
        .map(|s| s.name.clone())
        .ok_or_else(|| {
            let key = match state {
                IssueState::Open => "open",
                IssueState::InProgress => "in_progress",
                IssueState::Done => "done",
            };
            invalid(format!(
                "work item type `{kind}` has no state in category {wanted}; set config.states.{kind}.{key} to the state to use"
            ))
        })
    }

    async fn send_patch(
        &self,
        method: Method,
        url: sr_tracker::reqwest::Url,
        operation: &str,
        what: String,
        ops: Vec<Value>,
    ) -> Result<WireItem> {
        let req = ApiRequest::new(method, url, operation)
            .what(what)
            .header("content-type", JSON_PATCH)
            .json(Value::Array(ops));
        self.http.send(req).await?.json(PROVIDER)
    }
}

#[async_trait]
impl IssueTracker for AzureTracker {
    sr_tracker::http_tracker_accessors!();

    async fn initialize(&self) -> Result<()> {
        self.work_item_types().await.map(drop)
    }

    async fn test_connection(&self) -> Result<ConnectionReport> {
        let what = format!(
            "project {} of organization {}",
            self.project, self.organization
        );
        let req = ApiRequest::new(
            Method::GET,
            self.api(&["workitemtypes"], API_VERSION),
            "list work item types",
        )
        .what(what.clone())
        .attempts(1);
        let resp = self.http.send(req).await?;
        // Without valid credentials Azure DevOps answers 203 with its
        // sign-in page rather than 401.
        if resp.status.as_u16() == 203 {
            return Err(TrackerError::Unauthorized {
                provider: PROVIDER.into(),
            });
        }
        let types: List<crate::wire::WireType> = resp.json(PROVIDER)?;
        let mut checks = vec![format!("{what} is visible")];
        let Some(t) = types
            .value
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(&self.work_item_type))
        else {
            let names: Vec<&str> = types.value.iter().map(|t| t.name.as_str()).collect();
            return Err(TrackerError::config(
                &self.info.name,
                format!(
                    "project {} has no work item type `{}`; set config.work_item_type to one of: {}",
                    self.project,
                    self.work_item_type,
                    names.join(", ")
                ),
            ));
        };
        checks.push(format!("work item type {} can be created", t.name));
        self.types.set(types.value.clone()).ok();
        for s in [IssueState::Open, IssueState::InProgress, IssueState::Done] {
            self.state_name(&t.name, s)
                .await
                .map_err(|e| TrackerError::config(&self.info.name, e.to_string()))?;
        }
        checks.push(format!(
            "{} has states for open, in progress and done",
            t.name
        ));
        let paths: Vec<(&str, &str)> = [
            ("area_path", self.area_path.as_deref()),
            ("iteration_path", self.iteration_path.as_deref()),
        ]
        .into_iter()
        .filter_map(|(f, p)| p.map(|p| (f, p)))
        .collect();
        if !paths.is_empty() {
            let nodes = self.classification_paths().await?;
            for (field, path) in paths {
                if !nodes.iter().any(|n| n.eq_ignore_ascii_case(path)) {
                    return Err(TrackerError::config(
                        &self.info.name,
                        format!(
                            "config.{field} `{path}` does not exist in project {}; use one of: {}",
                            self.project,
                            nodes.join(", ")
                        ),
                    ));
                }
                checks.push(format!("{field} {path} exists"));
            }
        }
        Ok(ConnectionReport { user: None, checks })
    }

    async fn create_issue(&self, draft: &IssueDraft) -> Result<Issue> {
        if draft.title.trim().is_empty() {
            return Err(invalid(
                "the work item has no title; Azure DevOps needs one",
            ));
        }
        let mut labels = self.default_labels.clone();
        labels.extend(draft.labels.iter().cloned());
        let update = IssueUpdate {
            title: Some(draft.title.clone()),
            body: (!draft.body.trim().is_empty()).then(|| draft.body.clone()),
            priority: draft.priority,
            labels: (!labels.is_empty()).then_some(labels),
            assignee: draft.assignees.first().map(|a| Some(a.clone())),
            ..IssueUpdate::default()
        };
        let mut ops = self.patch(&update, None);
        if let Some(a) = &self.area_path {
            ops.push(set("System.AreaPath", json!(a)));
        }
        if let Some(i) = &self.iteration_path {
            ops.push(set("System.IterationPath", json!(i)));
        }
        let kind = draft.issue_type.as_deref().unwrap_or(&self.work_item_type);
        let url = self.api(&["workitems", &format!("${kind}")], API_VERSION);
        let item = self
            .send_patch(
                Method::POST,
                url,
                "create work item",
                format!("work item type {kind} of project {}", self.project),
                ops,
            )
            .await?;
        Ok(self.issue(&item))
    }

    async fn update_issue(&self, id: &str, update: &IssueUpdate) -> Result<Issue> {
        let id = self.id(id)?;
        if update.title.as_ref().is_some_and(|t| t.trim().is_empty()) {
            return Err(invalid("the new title is empty; Azure DevOps needs one"));
        }
        let mut state = None;
        if let Some(wanted) = update.state {
            let current = self.read_item(id).await?;
            if self.map.state_of(current.kind(), current.state()) != wanted {
                state = Some(self.state_name(current.kind(), wanted).await?);
            }
        }
        let ops = self.patch(update, state.as_deref());
        if ops.is_empty() {
            return Ok(self.issue(&self.read_item(id).await?));
        }
        // A patch sets values, so sending it again after a lost answer
        // leaves the same work item: it is retried like a read.
        let item = self
            .send_patch(
                Method::PATCH,
                self.api(&["workitems", &id.to_string()], API_VERSION),
                "update work item",
                Self::what(id),
                ops,
            )
            .await?;
        Ok(self.issue(&item))
    }

    async fn delete_issue(&self, id: &str) -> Result<()> {
        let id = self.id(id)?;
        let req = ApiRequest::new(
            Method::DELETE,
            self.api(&["workitems", &id.to_string()], API_VERSION),
            "delete work item",
        )
        .what(Self::what(id));
        self.http.send(req).await?;
        Ok(())
    }

    async fn get_issue(&self, id: &str) -> Result<Option<Issue>> {
        let id = self.id(id)?;
        match self.read_item(id).await {
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
        let mut url = self.api(
            &["workItems", &id.to_string(), "comments"],
            COMMENTS_API_VERSION,
        );
        url.query_pairs_mut().append_pair("format", "html");
        let req = ApiRequest::new(Method::POST, url, "add a comment")
            .what(Self::what(id))
            .json(json!({ "text": crate::html::to_html(text) }));
        let c: WireComment = self.http.send(req).await?.json(PROVIDER)?;
        Ok(c.to_comment())
    }

    async fn comments(&self, id: &str) -> Result<Vec<Comment>> {
        let id = self.id(id)?;
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut url = self.api(
                &["workItems", &id.to_string(), "comments"],
                COMMENTS_API_VERSION,
            );
            url.query_pairs_mut()
                .append_pair("$top", "200")
                .append_pair("order", "asc");
            if let Some(t) = &token {
                url.query_pairs_mut().append_pair("continuationToken", t);
            }
            let req = ApiRequest::new(Method::GET, url, "list comments").what(Self::what(id));
            let page: CommentPage = self.http.send(req).await?.json(PROVIDER)?;
            out.extend(
                page.comments
                    .iter()
                    .filter(|c| !c.is_deleted)
                    .map(WireComment::to_comment),
            );
            token = page.continuation_token.filter(|t| !t.is_empty());
            if token.is_none() {
                return Ok(out);
            }
        }
    }

    async fn attach_file(&self, id: &str, file: &AttachmentUpload) -> Result<Attachment> {
        let id = self.id(id)?;
        // Upload the bytes, then link them to the work item: an attachment
        // is a relation (`AttachedFile`) to the uploaded file's URL. The
        // upload is sent once; an unknown outcome leaves at most an
        // unlinked file, which Azure DevOps discards.
        let mut url = self.api(&["attachments"], API_VERSION);
        url.query_pairs_mut()
            .append_pair("fileName", &file.filename);
        let req = ApiRequest::new(Method::POST, url, "upload an attachment")
            .what(format!("attachments of project {}", self.project))
            .bytes("application/octet-stream", file.bytes.clone())
            .attempts(1);
        let uploaded: Value = self.http.send(req).await?.json(PROVIDER)?;
        let Some(link) = uploaded.get("url").and_then(Value::as_str) else {
            return Err(TrackerError::Provider {
                provider: PROVIDER.into(),
                status: 200,
                message: "the upload was answered without the attachment's url".into(),
            });
        };
        let mut relation = json!({"rel": "AttachedFile", "url": link});
        if !file.description.trim().is_empty() {
            relation["attributes"] = json!({"comment": file.description});
        }
        let op = json!({"op": "add", "path": "/relations/-", "value": relation});
        self.send_patch(
            Method::PATCH,
            self.api(&["workitems", &id.to_string()], API_VERSION),
            "attach a file",
            Self::what(id),
            vec![op],
        )
        .await?;
        Ok(Attachment {
            id: uploaded
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            filename: file.filename.clone(),
            size: file.bytes.len() as u64,
            url: Some(link.to_owned()),
        })
    }

    async fn projects(&self) -> Result<Vec<Project>> {
        // The Work Item Tracking API lists no projects; this tracker is
        // one project.
        Ok(vec![Project {
            id: self.project.clone(),
            key: self.project.clone(),
            name: self.project.clone(),
        }])
    }

    async fn labels(&self, _project: Option<&str>) -> Result<Vec<Label>> {
        let req = ApiRequest::new(Method::GET, self.api(&["tags"], API_VERSION), "list tags")
            .what(format!("tags of project {}", self.project));
        let list: List<Value> = self.http.send(req).await?.json(PROVIDER)?;
        Ok(list
            .value
            .iter()
            .filter_map(|t| t.get("name").and_then(Value::as_str))
            .map(|name| Label {
                name: name.to_owned(),
                color: None,
                description: None,
            })
            .collect())
    }

    async fn users(&self, _project: Option<&str>, _query: &str) -> Result<Vec<User>> {
        Err(TrackerError::Unsupported {
            provider: PROVIDER.into(),
            operation: "listing users through work item tracking; assign by the user's email"
                .into(),
        })
    }

    async fn register_webhook(&self, _config: &WebhookConfig) -> Result<WebhookRegistration> {
        Err(TrackerError::Unsupported {
            provider: PROVIDER.into(),
            operation: "registering service hooks from here; in Project settings → Service hooks add a Web Hooks subscription for work item created, updated and commented on, with ScratchRobin's URL and the webhook secret as the basic authentication password".into(),
        })
    }

    async fn unregister_webhook(&self, _webhook_id: &str) -> Result<()> {
        Err(TrackerError::Unsupported {
            provider: PROVIDER.into(),
            operation: "removing service hooks from here; remove the subscription in Project settings → Service hooks".into(),
        })
    }
}
