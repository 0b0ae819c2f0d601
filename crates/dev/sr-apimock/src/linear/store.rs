//! The workspace's data: one team with Linear's default workflow (a state
//! of each type), labels, users, issues with comments, webhooks; and each
//! entity as the whole JSON object Linear's schema describes, for
//! [`super::gql::Checked::project`] to cut down to what was asked.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

/// `(id, name, type, position)`: Linear's default workflow.
pub(crate) const STATES: [(&str, &str, &str, f64); 6] = [
    ("state-backlog", "Backlog", "backlog", 0.0),
    ("state-todo", "Todo", "unstarted", 1.0),
    ("state-progress", "In Progress", "started", 2.0),
    ("state-review", "In Review", "started", 3.0),
    ("state-done", "Done", "completed", 4.0),
    ("state-canceled", "Canceled", "canceled", 5.0),
];

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub email: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Label {
    pub id: String,
    pub name: String,
    pub color: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Issue {
    pub id: String,
    pub number: u64,
    pub title: String,
    pub description: Option<String>,
    pub priority: i64,
    pub state: String,
    pub labels: Vec<String>,
    pub assignee: Option<String>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// Set by `issueDelete` (Linear moves deleted issues to the trash).
    pub trashed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Comment {
    pub id: String,
    pub issue: String,
    pub body: String,
    pub user: String,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub(crate) struct Webhook {
    pub id: String,
    pub url: String,
    pub resource_types: Vec<String>,
    pub secret: Option<String>,
}

#[derive(Debug)]
pub(crate) struct State {
    pub team_id: String,
    pub team_key: String,
    pub users: Vec<User>,
    pub labels: Vec<Label>,
    pub issues: Vec<Issue>,
    pub comments: Vec<Comment>,
    pub webhooks: Vec<Webhook>,
    pub uploads: Vec<super::files::Upload>,
    pub attachments: Vec<super::files::Attachment>,
    /// `http://127.0.0.1:PORT` of the server, for upload and asset URLs.
    pub base_url: String,
    pub next: u64,
    /// Requests answered, for the rate-limit headers.
    pub served: u64,
    /// Every change moves the clock one millisecond on from the last, so
    /// that `updatedAt` orders changes even within one real millisecond.
    pub clock: DateTime<Utc>,
}

impl State {
    pub fn new(team_key: &str) -> State {
        let user = |id: &str, name: &str, display: &str, email: &str| User {
            id: id.into(),
            name: name.into(),
            display_name: display.into(),
            email: email.into(),
        };
        State {
            team_id: format!("team-{}", team_key.to_ascii_lowercase()),
            team_key: team_key.to_owned(),
            users: vec![
                user("user-ada", "Ada Lovelace", "ada", "ada@acme.com"),
                user("user-grace", "Grace Hopper", "grace", "grace@acme.com"),
            ],
            labels: Vec::new(),
            issues: Vec::new(),
            comments: Vec::new(),
            webhooks: Vec::new(),
            uploads: Vec::new(),
            attachments: Vec::new(),
            base_url: String::new(),
            next: 1,
            served: 0,
            clock: Utc::now() - Duration::days(1),
        }
    }

    /// The next moment of the workspace's clock (never behind real time).
    pub fn tick(&mut self) -> DateTime<Utc> {
        self.clock = (self.clock + Duration::milliseconds(1)).max(Utc::now());
        self.clock
    }

    pub fn id(&mut self, kind: &str) -> String {
        let n = self.next;
        self.next += 1;
        format!("{kind}-{n:08x}-0000-4000-8000-{n:012x}")
    }

    pub fn identifier(&self, i: &Issue) -> String {
        format!("{}-{}", self.team_key, i.number)
    }

    /// An issue by its UUID or its identifier (`DB-7`), as `issue(id:)` finds it.
    pub fn find_issue(&self, id: &str) -> Option<usize> {
        self.issues
            .iter()
            .position(|i| i.id == id || self.identifier(i).eq_ignore_ascii_case(id))
    }

    pub fn label_named(&mut self, name: &str) -> String {
        if let Some(l) = self.labels.iter().find(|l| l.name == name) {
            return l.id.clone();
        }
        let id = self.id("label");
        self.labels.push(Label {
            id: id.clone(),
            name: name.to_owned(),
            color: "#bec2c8".into(),
        });
        id
    }

    pub fn seed(&mut self, title: &str, labels: &[&str]) -> String {
        let label_ids = labels.iter().map(|l| self.label_named(l)).collect();
        let now = self.tick();
        let id = self.id("issue");
        let number = self.issues.iter().map(|i| i.number).max().unwrap_or(0) + 1;
        self.issues.push(Issue {
            id,
            number,
            title: title.to_owned(),
            description: None,
            priority: 0,
            state: "state-todo".into(),
            labels: label_ids,
            assignee: None,
            created: now,
            updated: now,
            trashed_at: None,
        });
        format!("{}-{number}", self.team_key)
    }

    fn ts(t: DateTime<Utc>) -> String {
        t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }

    pub fn team_json(&self) -> Value {
        json!({
            "id": self.team_id, "key": self.team_key, "name": "Database",
            "displayName": "Database", "private": false,
            "createdAt": Self::ts(self.clock), "updatedAt": Self::ts(self.clock),
            "states": connection(STATES.iter().map(|s| self.state_json(s.0)).collect()),
            "labels": connection(self.labels.iter().map(|l| self.label_json(l)).collect()),
        })
    }

    pub fn state_json(&self, id: &str) -> Value {
        let (id, name, kind, position) = STATES
            .iter()
            .find(|s| s.0 == id)
            .copied()
            .unwrap_or(STATES[1]);
        json!({"id": id, "name": name, "type": kind, "position": position, "color": "#95a2b3",
               "team": {"id": self.team_id, "key": self.team_key, "name": "Database"}})
    }

    pub fn label_json(&self, l: &Label) -> Value {
        json!({"id": l.id, "name": l.name, "color": l.color, "isGroup": false,
               "team": {"id": self.team_id, "key": self.team_key}})
    }

    pub fn user_json(&self, id: &str) -> Value {
        self.users
            .iter()
            .find(|u| u.id == id)
            .map(|u| {
                json!({"id": u.id, "name": u.name, "displayName": u.display_name,
                       "email": u.email, "active": true, "admin": false, "isMe": u.id == "user-ada",
                       "url": format!("https://linear.app/acme/profiles/{}", u.display_name)})
            })
            .unwrap_or(Value::Null)
    }

    pub fn issue_json(&self, i: &Issue) -> Value {
        let identifier = self.identifier(i);
        let comments: Vec<Value> = self
            .comments
            .iter()
            .filter(|c| c.issue == i.id)
            .map(|c| self.comment_json(c))
            .collect();
        let labels: Vec<Value> = i
            .labels
            .iter()
            .filter_map(|id| self.labels.iter().find(|l| &l.id == id))
            .map(|l| self.label_json(l))
            .collect();
        let state = self.state_json(&i.state);
        let kind = state["type"].as_str().unwrap_or_default().to_owned();
        let priority_label = ["No priority", "Urgent", "High", "Medium", "Low"]
            .get(usize::try_from(i.priority).unwrap_or(0))
            .copied()
            .unwrap_or("No priority");
        json!({
            "id": i.id, "identifier": identifier, "number": i.number as f64,
            "title": i.title, "description": i.description,
            "priority": i.priority as f64,
            "priorityLabel": priority_label,
            "state": state,
            "labels": connection(labels),
            "labelIds": i.labels,
            "assignee": i.assignee.as_deref().map(|a| self.user_json(a)),
            "team": {"id": self.team_id, "key": self.team_key, "name": "Database"},
            "url": format!("https://linear.app/acme/issue/{}", identifier.to_ascii_lowercase()),
            "createdAt": Self::ts(i.created), "updatedAt": Self::ts(i.updated),
            "completedAt": (kind == "completed").then(|| Self::ts(i.updated)),
            "canceledAt": (kind == "canceled").then(|| Self::ts(i.updated)),
            "archivedAt": i.trashed_at.map(Self::ts),
            "trashed": i.trashed_at.map(|_| true),
            "comments": connection(comments),
        })
    }

    pub fn comment_json(&self, c: &Comment) -> Value {
        json!({"id": c.id, "body": c.body, "user": self.user_json(&c.user),
               "createdAt": Self::ts(c.created), "updatedAt": Self::ts(c.updated),
               "url": format!("https://linear.app/acme/comment/{}", c.id),
               "issue": {"id": c.issue}})
    }

    pub fn webhook_json(&self, w: &Webhook) -> Value {
        json!({"id": w.id, "url": w.url, "enabled": true, "resourceTypes": w.resource_types,
               "secret": w.secret, "allPublicTeams": false, "teamIds": [self.team_id],
               "createdAt": Self::ts(self.clock), "updatedAt": Self::ts(self.clock)})
    }
}

/// A connection holding every node, for nested connections the store does
/// not page (an issue's labels and comments are read whole).
pub(crate) fn connection(nodes: Vec<Value>) -> Value {
    json!({"nodes": nodes, "pageInfo": {"hasNextPage": false, "hasPreviousPage": false,
           "startCursor": null, "endCursor": null}})
}
