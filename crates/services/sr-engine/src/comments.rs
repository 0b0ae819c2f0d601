//! Issue comments for the linked-issues panel and the CLI: the cache's
//! list, read from the tracker on demand, and comments written here, kept
//! in the store first and sent at once (a sync sends whatever could not
//! be sent now; see sr-sync's `comments`).

use serde::Serialize;
use sr_model::IssueKey;
use sr_store::CachedComment;
use sr_sync::SyncResults;

use crate::{Engine, EngineError};

/// An issue's comments as the engine answers them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssueComments {
    pub issue: IssueKey,
    /// Oldest first; workbench comments not sent yet are `pending`.
    pub comments: Vec<CachedComment>,
    /// Why the tracker could not be read or written just now; the list is
    /// then the cache's, and pending comments are sent by the next sync.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl Engine {
    /// The issue's comments: read from the tracker first when `refresh` is
    /// set or they were never read, else the cache's.
    pub async fn issue_comments(
        &self,
        issue: &IssueKey,
        refresh: bool,
    ) -> Result<IssueComments, EngineError> {
        let text = issue.to_string();
        let never_read = self.store().comments_read(&text).await?.is_none();
        let mut problem = None;
        if refresh || never_read {
            let trackers = self.links().trackers();
            let tracker = trackers.for_key(issue)?;
            if let Err(e) = sr_sync::comments::refresh(self.store(), tracker.as_ref(), issue).await
            {
                problem = Some(e.to_string());
            }
        }
        Ok(IssueComments {
            issue: issue.clone(),
            comments: self.store().issue_comments(&text).await?,
            problem,
        })
    }

    /// Keeps a comment written here, then sends it. The comment is never
    /// lost: when the tracker cannot take it now, it stays pending (the
    /// answer's `problem` says why) and the next sync sends it.
    pub async fn add_comment(
        &self,
        issue: &IssueKey,
        body: &str,
    ) -> Result<IssueComments, EngineError> {
        self.comment_pending(issue, body).await?;
        self.send_comments(issue).await
    }

    /// Sends the issue's pending comments now; answers the list after.
    pub async fn send_comments(&self, issue: &IssueKey) -> Result<IssueComments, EngineError> {
        let trackers = self.links().trackers();
        let tracker = trackers.for_key(issue)?.clone();
        let mut results = SyncResults::default();
        sr_sync::comments::send_pending(self.store(), tracker.as_ref(), Some(issue), &mut results)
            .await?;
        Ok(IssueComments {
            issue: issue.clone(),
            comments: self.store().issue_comments(&issue.to_string()).await?,
            problem: results.errors.first().map(|e| e.error.clone()),
        })
    }

    /// Takes back a comment written here and not sent yet; answers the
    /// list after and the comment's text (to edit and send again).
    pub async fn take_back_comment(
        &self,
        issue: &IssueKey,
        comment: i64,
    ) -> Result<(IssueComments, String), EngineError> {
        let Some(body) = self.store().take_back_comment(comment).await? else {
            return Err(EngineError::CommentNotPending {
                issue: issue.to_string(),
            });
        };
        Ok((self.cached_comments(issue).await?, body))
    }

    /// The cache's comments of an issue, without asking the tracker.
    pub async fn cached_comments(&self, issue: &IssueKey) -> Result<IssueComments, EngineError> {
        Ok(IssueComments {
            issue: issue.clone(),
            comments: self.store().issue_comments(&issue.to_string()).await?,
            problem: None,
        })
    }

    /// Keeps a comment written here for sending, after checking it has
    /// text and its issue a tracker and a place in the cache; answers the
    /// comment as stored.
    pub async fn comment_pending(
        &self,
        issue: &IssueKey,
        body: &str,
    ) -> Result<CachedComment, EngineError> {
        let body = body.trim();
        if body.is_empty() {
            return Err(EngineError::EmptyComment {
                issue: issue.to_string(),
            });
        }
        self.links().trackers().for_key(issue)?;
        if self.store().issue(issue).await?.is_none() {
            return Err(EngineError::UnknownIssue {
                issue: issue.to_string(),
            });
        }
        Ok(self
            .store()
            .add_local_comment(&issue.to_string(), self.actor(), body)
            .await?)
    }
}
