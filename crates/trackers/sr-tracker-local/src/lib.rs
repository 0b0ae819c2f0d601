//! The built-in local tracker. Its issues live in the ScratchRobin store;
//! keys look like `local:default:7` and display as `LOCAL-7`. It implements
//! the whole [`IssueTracker`] trait, so every feature works offline and the
//! contract tests have a reference implementation.

mod factory;

use std::sync::Arc;

use async_trait::async_trait;
use sr_model::{
    Attachment, AttachmentUpload, Comment, Issue, IssueDraft, IssueRef, IssueState, IssueStatus,
    IssueUpdate, Label, Project, SearchQuery, StateFilter, User,
};
use sr_store::{LocalIssueFilter, LocalIssueRow, LocalStore, Store, StoreError};
use sr_tracker::{
    ConnectionReport, IssueTracker, Result, TrackerError, TrackerInfo, WebhookConfig,
    WebhookRegistration,
};

pub use factory::LocalFactory;

/// The provider type in trackers.json.
pub const KIND: &str = "local";

#[derive(Debug)]
pub struct LocalTracker {
    info: TrackerInfo,
    store: LocalStore,
    /// Who is recorded as the author of comments and audit entries.
    actor: String,
    /// Labels added to every new issue (trackers.json `config.labels`).
    default_labels: Vec<String>,
}

impl LocalTracker {
    pub fn new(name: &str, instance: &str, store: &Store, actor: &str) -> Arc<Self> {
        Self::with_labels(name, instance, store, actor, Vec::new())
    }

    pub fn with_labels(
        name: &str,
        instance: &str,
        store: &Store,
        actor: &str,
        default_labels: Vec<String>,
    ) -> Arc<Self> {
        Arc::new(LocalTracker {
            info: TrackerInfo {
                name: name.to_owned(),
                provider: KIND.to_owned(),
                instance: instance.to_owned(),
                web_url: None,
            },
            store: store.local(instance),
            actor: actor.to_owned(),
            default_labels,
        })
    }

    fn number(&self, id: &str) -> Result<i64> {
        id.trim_start_matches("LOCAL-")
            .parse::<i64>()
            .map_err(|_| TrackerError::Validation {
                provider: KIND.into(),
                errors: vec![format!(
                    "`{id}` is not a local issue number; local issues are numbered 1, 2, 3, …"
                )],
            })
    }

    fn to_issue(&self, row: LocalIssueRow) -> Issue {
        let key = self.info.key(row.number.to_string());
        Issue {
            reference: IssueRef {
                url: format!("scratchrobin://issue/{key}"),
                key,
                display_key: format!("LOCAL-{}", row.number),
                title: row.title,
                status: IssueStatus {
                    state: row.state,
                    name: row.status_name,
                    resolution: row.resolution,
                },
                priority: row.priority,
                labels: row.labels,
                assignee: row.assignee,
                created_at: row.created_at,
                updated_at: row.updated_at,
            },
            body: row.body,
            issue_type: row.issue_type,
            project: row.project,
        }
    }

    async fn existing(&self, id: &str) -> Result<LocalIssueRow> {
        let n = self.number(id)?;
        self.store
            .get(n)
            .await
            .map_err(storage)?
            .ok_or_else(|| TrackerError::not_found(KIND, format!("issue LOCAL-{n}")))
    }
}

/// Now, at the millisecond precision the store keeps, so that what
/// `create_issue` returns equals what `get_issue` reads back.
fn now_ms() -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    chrono::DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now)
}

fn storage(e: StoreError) -> TrackerError {
    TrackerError::Storage(e.to_string())
}

fn status_name(state: IssueState) -> &'static str {
    match state {
        IssueState::Open => "Open",
        IssueState::InProgress => "In Progress",
        IssueState::Done => "Closed",
    }
}

fn clean_labels(labels: &[String]) -> Vec<String> {
    let mut out: Vec<String> = labels
        .iter()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[async_trait]
impl IssueTracker for LocalTracker {
    fn info(&self) -> &TrackerInfo {
        &self.info
    }

    async fn initialize(&self) -> Result<()> {
        Ok(())
    }

    async fn test_connection(&self) -> Result<ConnectionReport> {
        let open = self
            .store
            .search(&LocalIssueFilter {
                state: Some(vec![IssueState::Open, IssueState::InProgress]),
                limit: 1000,
                ..Default::default()
            })
            .await
            .map_err(storage)?;
        Ok(ConnectionReport {
            user: Some(self.actor.clone()),
            checks: vec![format!(
                "local store is readable ({} open issues shown at most 1000)",
                open.len()
            )],
        })
    }

    async fn create_issue(&self, draft: &IssueDraft) -> Result<Issue> {
        if draft.title.trim().is_empty() {
            return Err(TrackerError::Validation {
                provider: KIND.into(),
                errors: vec!["title: an issue needs a title".into()],
            });
        }
        let now = now_ms();
        let row = LocalIssueRow {
            number: 0,
            title: draft.title.trim().to_owned(),
            body: draft.body.clone(),
            state: IssueState::Open,
            status_name: status_name(IssueState::Open).into(),
            resolution: None,
            priority: draft.priority,
            labels: clean_labels(
                &[draft.labels.as_slice(), self.default_labels.as_slice()].concat(),
            ),
            assignee: draft.assignees.first().cloned(),
            issue_type: draft.issue_type.clone(),
            project: draft.project.clone(),
            created_at: now,
            updated_at: now,
        };
        let created = self.store.create(&row).await.map_err(storage)?;
        Ok(self.to_issue(created))
    }

    async fn update_issue(&self, id: &str, update: &IssueUpdate) -> Result<Issue> {
        let mut row = self.existing(id).await?;
        if let Some(t) = &update.title {
            if t.trim().is_empty() {
                return Err(TrackerError::Validation {
                    provider: KIND.into(),
                    errors: vec!["title: cannot be empty".into()],
                });
            }
            row.title = t.trim().to_owned();
        }
        if let Some(b) = &update.body {
            row.body = b.clone();
        }
        if let Some(state) = update.state {
            row.state = state;
            row.status_name = status_name(state).into();
            row.resolution = match state {
                IssueState::Done => Some(
                    update
                        .resolution
                        .clone()
                        .unwrap_or_else(|| "completed".into()),
                ),
                _ => None,
            };
        }
        if let Some(p) = update.priority {
            row.priority = Some(p);
        }
        if let Some(labels) = &update.labels {
            row.labels = clean_labels(labels);
        }
        if let Some(a) = &update.assignee {
            row.assignee = a.clone();
        }
        row.updated_at = now_ms();
        self.store.update(&row).await.map_err(storage)?;
        Ok(self.to_issue(row))
    }

    async fn delete_issue(&self, id: &str) -> Result<()> {
        let n = self.number(id)?;
        if self.store.delete(n).await.map_err(storage)? {
            Ok(())
        } else {
            Err(TrackerError::not_found(KIND, format!("issue LOCAL-{n}")))
        }
    }

    async fn get_issue(&self, id: &str) -> Result<Option<Issue>> {
        let n = self.number(id)?;
        Ok(self
            .store
            .get(n)
            .await
            .map_err(storage)?
            .map(|r| self.to_issue(r)))
    }

    async fn search_issues(&self, query: &SearchQuery) -> Result<Vec<Issue>> {
        let state = match query.state {
            StateFilter::Open => Some(vec![IssueState::Open, IssueState::InProgress]),
            StateFilter::Closed => Some(vec![IssueState::Done]),
            StateFilter::All => None,
        };
        let mut words: Vec<String> = query.text.split_whitespace().map(str::to_owned).collect();
        // "LOCAL-7" or "#7" finds issue 7 directly.
        if let [w] = words.as_slice()
            && let Ok(n) = self.number(w.trim_start_matches('#'))
        {
            return Ok(self
                .store
                .get(n)
                .await
                .map_err(storage)?
                .map(|r| self.to_issue(r))
                .into_iter()
                .collect());
        }
        words.retain(|w| !w.is_empty());
        let filter = LocalIssueFilter {
            words,
            labels: query.labels.clone(),
            state,
            updated_since: query.updated_since,
            limit: query.limit,
        };
        let rows = self.store.search(&filter).await.map_err(storage)?;
        Ok(rows.into_iter().map(|r| self.to_issue(r)).collect())
    }

    async fn add_comment(&self, id: &str, text: &str) -> Result<Comment> {
        let row = self.existing(id).await?;
        let c = self
            .store
            .add_comment(row.number, &self.actor, text)
            .await
            .map_err(storage)?;
        Ok(Comment {
            id: c.id.to_string(),
            author: c.author,
            body: c.body,
            created_at: c.created_at,
            updated_at: None,
        })
    }

    async fn comments(&self, id: &str) -> Result<Vec<Comment>> {
        let row = self.existing(id).await?;
        let list = self.store.comments(row.number).await.map_err(storage)?;
        Ok(list
            .into_iter()
            .map(|c| Comment {
                id: c.id.to_string(),
                author: c.author,
                body: c.body,
                created_at: c.created_at,
                updated_at: None,
            })
            .collect())
    }

    async fn attach_file(&self, id: &str, file: &AttachmentUpload) -> Result<Attachment> {
        let row = self.existing(id).await?;
        let aid = self
            .store
            .attach(
                row.number,
                &file.filename,
                &file.content_type,
                &file.description,
                &file.bytes,
            )
            .await
            .map_err(storage)?;
        Ok(Attachment {
            id: aid.to_string(),
            filename: file.filename.clone(),
            size: file.bytes.len() as u64,
            url: None,
        })
    }

    async fn projects(&self) -> Result<Vec<Project>> {
        Ok(vec![Project {
            id: self.info.instance.clone(),
            key: "LOCAL".into(),
            name: self.info.name.clone(),
        }])
    }

    async fn labels(&self, _project: Option<&str>) -> Result<Vec<Label>> {
        let names = self.store.labels().await.map_err(storage)?;
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
        let mut names = self.store.assignees().await.map_err(storage)?;
        if !names.contains(&self.actor) {
            names.push(self.actor.clone());
        }
        let q = query.to_lowercase();
        Ok(names
            .into_iter()
            .filter(|n| n.to_lowercase().contains(&q))
            .map(|n| User {
                id: n.clone(),
                name: n,
                email: None,
            })
            .collect())
    }

    async fn register_webhook(&self, config: &WebhookConfig) -> Result<WebhookRegistration> {
        let id = self
            .store
            .add_webhook(&config.url, &config.events)
            .await
            .map_err(storage)?;
        Ok(WebhookRegistration {
            id: id.to_string(),
            url: config.url.clone(),
        })
    }

    async fn unregister_webhook(&self, webhook_id: &str) -> Result<()> {
        let id: i64 = webhook_id
            .parse()
            .map_err(|_| TrackerError::not_found(KIND, format!("webhook `{webhook_id}`")))?;
        if self.store.remove_webhook(id).await.map_err(storage)? {
            Ok(())
        } else {
            Err(TrackerError::not_found(
                KIND,
                format!("webhook `{webhook_id}`"),
            ))
        }
    }
}
