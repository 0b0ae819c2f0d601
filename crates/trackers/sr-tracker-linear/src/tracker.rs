//! The [`IssueTracker`] methods over Linear's GraphQL API.

use async_trait::async_trait;
use serde_json::{Map, Value, json};
use sr_model::{
    Attachment, AttachmentUpload, Comment, Issue, IssueDraft, IssueState, IssueUpdate, Label,
    Project, SearchQuery, StateFilter, User,
};
use sr_tracker::{
    ConnectionReport, IssueTracker, Result, TrackerError, WebhookConfig, WebhookRegistration,
};

use crate::read::{Call, Team};
use crate::wire::{self, WireComment, WireIssue, WireUser, WireWebhook};
use crate::{LinearTracker, PROVIDER};

fn invalid(message: impl Into<String>) -> TrackerError {
    TrackerError::invalid(PROVIDER, message)
}

/// Resolutions that mean "won't be done" and so a `canceled` state.
const CANCELED: [&str; 5] = ["canceled", "cancelled", "won't do", "wontfix", "duplicate"];

#[derive(serde::Deserialize)]
struct IssuePayload {
    issue: Option<WireIssue>,
}

impl LinearTracker {
    fn convert(&self, w: &WireIssue) -> Issue {
        wire::to_issue(w, &self.info, &self.types, &self.team)
    }

    /// The state an issue moves to for `target`, from the team's states.
    fn state_for(
        &self,
        team: &Team,
        target: IssueState,
        resolution: Option<&str>,
    ) -> Result<String> {
        let canceled = resolution.is_some_and(|r| CANCELED.contains(&r.to_lowercase().as_str()));
        let kinds: &[&str] = match target {
            IssueState::Open => &["unstarted", "backlog", "triage"],
            IssueState::InProgress => &["started"],
            IssueState::Done if canceled => &["canceled", "completed"],
            IssueState::Done => &["completed"],
        };
        team.state_of(kinds).map(|s| s.id.clone()).ok_or_else(|| {
            TrackerError::config(
                &self.info.name,
                format!(
                    "team {} has no workflow state of type {}; add one in the team's workflow settings",
                    team.key,
                    kinds.join(" or ")
                ),
            )
        })
    }

    /// Whether a search text is an issue of this team (`DB-7`, `#7`,
    /// `7`) rather than words.
    fn names_an_issue(&self, text: &str) -> bool {
        let t = text.trim_start_matches('#');
        let number = |n: &str| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit());
        number(t)
            || t.rsplit_once('-')
                .is_some_and(|(key, n)| key.eq_ignore_ascii_case(&self.team) && number(n))
    }

    /// The labels an issue carries: its plain labels plus its type's label.
    fn with_type(&self, labels: &[String], issue_type: Option<&str>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for l in labels
            .iter()
            .cloned()
            .chain(issue_type.and_then(|t| self.types.get(t).cloned()))
        {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(&l)) {
                out.push(l);
            }
        }
        out
    }

    /// A user's id by display name, name or email.
    async fn user_id(&self, who: &str) -> Result<String> {
        let who = who.trim().trim_start_matches('@');
        let filter = json!({"or": [
            {"displayName": {"eqIgnoreCase": who}},
            {"name": {"eqIgnoreCase": who}},
            {"email": {"eqIgnoreCase": who}}
        ]});
        let users: Vec<WireUser> = self
            .pages(
                wire::USERS,
                json!({"filter": filter}),
                "users",
                2,
                &format!("user {who}"),
            )
            .await?;
        users
            .first()
            .map(|u| u.id.clone())
            .ok_or_else(|| invalid(format!("assignee: no Linear user is named `{who}`")))
    }

    fn payload(&self, data: Map<String, Value>, key: &str) -> Result<Issue> {
        let payload: IssuePayload = data
            .get(key)
            .cloned()
            .and_then(|v| serde_json::from_value(v).ok())
            .ok_or_else(|| TrackerError::Provider {
                provider: PROVIDER.into(),
                status: 200,
                message: format!("the answer has no `{key}.issue`"),
            })?;
        payload
            .issue
            .map(|w| self.convert(&w))
            .ok_or_else(|| TrackerError::Provider {
                provider: PROVIDER.into(),
                status: 200,
                message: format!("{key} succeeded without the issue"),
            })
    }
}

#[async_trait]
impl IssueTracker for LinearTracker {
    sr_tracker::http_tracker_accessors!(body_limit: crate::BODY_LIMIT);

    async fn initialize(&self) -> Result<()> {
        self.team().await.map(|_| ())
    }

    async fn test_connection(&self) -> Result<ConnectionReport> {
        #[derive(serde::Deserialize)]
        struct Data {
            viewer: WireUser,
        }
        let data: Data = self
            .gql(
                wire::VIEWER,
                json!({}),
                Call::Read,
                "read the key's user",
                "the token's user",
            )
            .await?;
        let who = wire::user_name(&data.viewer);
        let mut checks = vec![format!("signed in as {who}")];
        let team = self.team().await?;
        checks.push(format!("team {} ({}) is visible", team.key, team.name));
        let missing: Vec<&str> = ["unstarted", "started", "completed"]
            .into_iter()
            .filter(|k| team.state_of(&[k]).is_none())
            .collect();
        if !missing.is_empty() && team.state_of(&["backlog"]).is_none() {
            return Err(TrackerError::config(
                &self.info.name,
                format!(
                    "team {} has no workflow state of type {}; add one in the team's workflow settings",
                    team.key,
                    missing.join(", ")
                ),
            ));
        }
        let names = |kinds: &[&str]| {
            team.state_of(kinds)
                .map(|s| s.name.clone())
                .unwrap_or_default()
        };
        checks.push(format!(
            "states: open is {}, in progress {}, done {}",
            names(&["unstarted", "backlog"]),
            names(&["started"]),
            names(&["completed"])
        ));
        let budget = self.http.budget();
        if let (Some(rem), Some(limit)) = (budget.remaining, budget.limit) {
            checks.push(format!("rate limit: {rem} of {limit} requests left"));
        }
        Ok(ConnectionReport {
            user: Some(who),
            checks,
        })
    }

    async fn create_issue(&self, draft: &IssueDraft) -> Result<Issue> {
        if draft.title.trim().is_empty() {
            return Err(invalid("title: an issue needs a title"));
        }
        let team = self.team().await?;
        let mut labels = draft.labels.clone();
        for l in &self.default_labels {
            if !labels.contains(l) {
                labels.push(l.clone());
            }
        }
        let labels = self.with_type(&labels, draft.issue_type.as_deref());
        let mut input = json!({
            "teamId": team.id,
            "title": draft.title.trim(),
            "description": draft.body,
            "labelIds": self.label_ids(&team, &labels).await?,
            "stateId": self.state_for(&team, IssueState::Open, None)?,
        });
        if let Some(p) = draft.priority {
            input["priority"] = json!(wire::priority_to_linear(p));
        }
        if let Some(a) = draft.assignees.first() {
            input["assigneeId"] = json!(self.user_id(a).await?);
        }
        let data: Map<String, Value> = self
            .gql(
                &wire::with_issue(wire::ISSUE_CREATE),
                json!({"input": input}),
                Call::Create,
                "create issue",
                &format!("issues of team {}", team.key),
            )
            .await?;
        self.payload(data, "issueCreate")
    }

    async fn update_issue(&self, id: &str, update: &IssueUpdate) -> Result<Issue> {
        let current = self.existing(id).await?;
        let now = self.convert(&current);
        let team = self.team().await?;
        let mut input = Map::new();
        if let Some(t) = &update.title {
            if t.trim().is_empty() {
                return Err(invalid("title: cannot be empty"));
            }
            input.insert("title".into(), json!(t.trim()));
        }
        if let Some(b) = &update.body {
            input.insert("description".into(), json!(b));
        }
        if let Some(p) = update.priority {
            input.insert("priority".into(), json!(wire::priority_to_linear(p)));
        }
        if let Some(labels) = &update.labels {
            let labels = self.with_type(labels, now.issue_type.as_deref());
            input.insert(
                "labelIds".into(),
                json!(self.label_ids(&team, &labels).await?),
            );
        }
        if let Some(target) = update.state {
            let canceled_now = current.state.kind == "canceled";
            let wanted_canceled = update
                .resolution
                .as_deref()
                .is_some_and(|r| CANCELED.contains(&r.to_lowercase().as_str()));
            // An issue already in a state of the wanted kind stays there
            // (a second "In Progress" state is not left for the first).
            if now.reference.status.state != target
                || (target == IssueState::Done && canceled_now != wanted_canceled)
            {
                let state = self.state_for(&team, target, update.resolution.as_deref())?;
                input.insert("stateId".into(), json!(state));
            }
        }
        match &update.assignee {
            Some(Some(who)) => {
                input.insert("assigneeId".into(), json!(self.user_id(who).await?));
            }
            Some(None) => {
                input.insert("assigneeId".into(), Value::Null);
            }
            None => {}
        }
        if input.is_empty() {
            return Ok(now);
        }
        let data: Map<String, Value> = self
            .gql(
                &wire::with_issue(wire::ISSUE_UPDATE),
                json!({"id": current.id, "input": input}),
                Call::Write,
                "update issue",
                &format!("issue {}", current.identifier),
            )
            .await?;
        self.payload(data, "issueUpdate")
    }

    async fn delete_issue(&self, id: &str) -> Result<()> {
        let current = self.existing(id).await?;
        let _: Value = self
            .gql(
                wire::ISSUE_DELETE,
                json!({"id": current.id}),
                Call::Write,
                "delete issue",
                &format!("issue {}", current.identifier),
            )
            .await?;
        Ok(())
    }

    async fn get_issue(&self, id: &str) -> Result<Option<Issue>> {
        Ok(self.wire_issue(id).await?.map(|w| self.convert(&w)))
    }

    async fn search_issues(&self, query: &SearchQuery) -> Result<Vec<Issue>> {
        let limit = if query.limit == 0 { 50 } else { query.limit };
        let text = query.text.trim();
        if self.names_an_issue(text) {
            return Ok(self.get_issue(text).await?.into_iter().collect());
        }
        let team = self.team().await?;
        let mut and = vec![json!({"team": {"id": {"eq": team.id}}})];
        match query.state {
            StateFilter::Open => {
                and.push(json!({"state": {"type": {"nin": ["completed", "canceled"]}}}))
            }
            StateFilter::Closed => {
                and.push(json!({"state": {"type": {"in": ["completed", "canceled"]}}}))
            }
            StateFilter::All => {}
        }
        for l in &query.labels {
            and.push(json!({"labels": {"some": {"name": {"eqIgnoreCase": l}}}}));
        }
        if !text.is_empty() {
            and.push(json!({"or": [
                {"title": {"containsIgnoreCase": text}},
                {"description": {"containsIgnoreCase": text}}
            ]}));
        }
        if let Some(since) = query.updated_since {
            and.push(json!({"updatedAt": {"gte": since.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)}}));
        }
        let variables = json!({"filter": {"and": and}, "first": limit.min(100)});
        let list: Vec<WireIssue> = self
            .pages(
                &wire::with_issue(wire::ISSUES),
                variables,
                "issues",
                limit,
                &format!("issues of team {}", team.key),
            )
            .await?;
        Ok(list
            .iter()
            .filter(|w| !w.gone())
            .map(|w| self.convert(w))
            .collect())
    }

    async fn add_comment(&self, id: &str, text: &str) -> Result<Comment> {
        if text.trim().is_empty() {
            return Err(invalid("body: a comment needs text"));
        }
        let current = self.existing(id).await?;
        #[derive(serde::Deserialize)]
        struct Data {
            #[serde(rename = "commentCreate")]
            created: Created,
        }
        #[derive(serde::Deserialize)]
        struct Created {
            comment: WireComment,
        }
        let data: Data = self
            .gql(
                wire::COMMENT_CREATE,
                json!({"input": {"issueId": current.id, "body": text}}),
                Call::Create,
                "add comment",
                &format!("issue {}", current.identifier),
            )
            .await?;
        Ok(wire::to_comment(&data.created.comment))
    }

    async fn comments(&self, id: &str) -> Result<Vec<Comment>> {
        let current = self.existing(id).await?;
        let filter = json!({"issue": {"id": {"eq": current.id}}});
        let list: Vec<WireComment> = self
            .pages(
                wire::COMMENTS,
                json!({"filter": filter}),
                "comments",
                10_000,
                &format!("comments of issue {}", current.identifier),
            )
            .await?;
        let mut out: Vec<Comment> = list.iter().map(wire::to_comment).collect();
        out.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    async fn attach_file(&self, id: &str, file: &AttachmentUpload) -> Result<Attachment> {
        self.attach(id, file).await
    }

    async fn projects(&self) -> Result<Vec<Project>> {
        let t = self.team().await?;
        Ok(vec![Project {
            id: t.id,
            key: t.key,
            name: t.name,
        }])
    }

    async fn labels(&self, _project: Option<&str>) -> Result<Vec<Label>> {
        let team = self.team().await?;
        Ok(self
            .wire_labels(&team)
            .await?
            .iter()
            .map(wire::to_label)
            .collect())
    }

    async fn users(&self, _project: Option<&str>, query: &str) -> Result<Vec<User>> {
        let q = query.trim();
        let filter = if q.is_empty() {
            json!({"active": {"eq": true}})
        } else {
            json!({"and": [{"active": {"eq": true}}, {"or": [
                {"displayName": {"containsIgnoreCase": q}},
                {"name": {"containsIgnoreCase": q}},
                {"email": {"containsIgnoreCase": q}}
            ]}]})
        };
        let users: Vec<WireUser> = self
            .pages(
                wire::USERS,
                json!({"filter": filter}),
                "users",
                100,
                "users",
            )
            .await?;
        Ok(users.iter().map(wire::to_user).collect())
    }

    async fn register_webhook(&self, config: &WebhookConfig) -> Result<WebhookRegistration> {
        let team = self.team().await?;
        let types: Vec<String> = if config.events.is_empty() {
            vec!["Issue".into(), "Comment".into()]
        } else {
            config.events.clone()
        };
        #[derive(serde::Deserialize)]
        struct Data {
            #[serde(rename = "webhookCreate")]
            created: Created,
        }
        #[derive(serde::Deserialize)]
        struct Created {
            webhook: WireWebhook,
        }
        let input = json!({"url": config.url, "teamId": team.id, "resourceTypes": types,
                           "secret": config.secret, "label": "ScratchRobin"});
        let data: Data = self
            .gql(
                wire::WEBHOOK_CREATE,
                json!({"input": input}),
                Call::Create,
                "register webhook",
                &format!("webhooks of team {}", team.key),
            )
            .await?;
        Ok(WebhookRegistration {
            id: data.created.webhook.id,
            url: data
                .created
                .webhook
                .url
                .unwrap_or_else(|| config.url.clone()),
        })
    }

    async fn unregister_webhook(&self, webhook_id: &str) -> Result<()> {
        let _: Value = self
            .gql(
                wire::WEBHOOK_DELETE,
                json!({"id": webhook_id.trim()}),
                Call::Write,
                "remove webhook",
                &format!("webhook {webhook_id}"),
            )
            .await?;
        Ok(())
    }
}
