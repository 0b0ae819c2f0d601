//! IssueLinkManager: link, unlink, look up, create-and-link, search.

use std::sync::{Arc, RwLock};

use sr_model::{
    Issue, IssueDraft, IssueKey, IssueLink, LinkType, ObjectRef, SearchQuery, SyncDirection,
    SyncStatus,
};
use sr_store::{AuditAction, NewLink, Store, StoreError};
use sr_tracker::{ConnectionReport, IssueTracker, TrackerError, TrackerSet};
use tracing::Instrument;

use crate::object_label;

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error(transparent)]
    Tracker(#[from] TrackerError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "{object} is not linked to {issue}; nothing to unlink (see `scratchrobin links --object {object}`)"
    )]
    NotLinked { object: String, issue: String },
    #[error("issue {0} does not exist in its tracker")]
    NoSuchIssue(String),
}

/// How a link is recorded.
#[derive(Debug, Clone)]
pub struct LinkOptions {
    pub link_type: LinkType,
    pub sync_direction: SyncDirection,
    /// The user or component recorded as the author ("alice", "auto-issue").
    pub actor: String,
}

impl LinkOptions {
    pub fn manual(actor: impl Into<String>) -> Self {
        LinkOptions {
            link_type: LinkType::Manual,
            sync_direction: SyncDirection::Bidirectional,
            actor: actor.into(),
        }
    }

    pub fn auto_created(actor: impl Into<String>) -> Self {
        LinkOptions {
            link_type: LinkType::AutoCreated,
            ..LinkOptions::manual(actor)
        }
    }
}

/// Cheap to clone; the tracker set can be swapped when the configuration
/// changes without rebuilding the manager.
#[derive(Debug, Clone)]
pub struct IssueLinkManager {
    store: Store,
    trackers: Arc<RwLock<TrackerSet>>,
    /// After this long without a refresh a cached issue counts as stale.
    stale_after: chrono::Duration,
}

impl IssueLinkManager {
    pub fn new(store: Store, trackers: TrackerSet) -> Self {
        IssueLinkManager {
            store,
            trackers: Arc::new(RwLock::new(trackers)),
            stale_after: chrono::Duration::minutes(15),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Replaces the configured trackers (settings were saved).
    pub fn set_trackers(&self, trackers: TrackerSet) {
        *self.trackers.write().unwrap_or_else(|p| p.into_inner()) = trackers;
    }

    pub fn trackers(&self) -> TrackerSet {
        self.trackers
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn tracker(&self, name: &str) -> Result<Arc<dyn IssueTracker>, LinkError> {
        Ok(self.trackers().by_name(name)?.clone())
    }

    fn tracker_for(&self, key: &IssueKey) -> Result<Arc<dyn IssueTracker>, LinkError> {
        Ok(self.trackers().for_key(key)?.clone())
    }

    /// Links an object to an existing issue, fetching the issue so the cache
    /// holds its current state. Linking twice is a no-op that returns the
    /// existing link.
    pub async fn link_object(
        &self,
        object: &ObjectRef,
        issue: &IssueKey,
        opts: &LinkOptions,
    ) -> Result<IssueLink, LinkError> {
        let tracker = self.tracker_for(issue)?;
        let fetched = tracker
            .get_issue(&issue.id)
            .await?
            .ok_or_else(|| LinkError::NoSuchIssue(issue.to_string()))?;
        self.link_fetched(object, &fetched, opts).await
    }

    /// Links an object to an issue the caller already holds (just created,
    /// or picked from search results).
    pub async fn link_fetched(
        &self,
        object: &ObjectRef,
        issue: &Issue,
        opts: &LinkOptions,
    ) -> Result<IssueLink, LinkError> {
        let new = NewLink {
            object,
            issue,
            link_type: opts.link_type,
            created_by: &opts.actor,
            sync_direction: opts.sync_direction,
        };
        let (link, created) = self.store.link(&new).await?;
        if created {
            tracing::info!(object = %object.key(), issue = %issue.key(), "linked");
        }
        Ok(link)
    }

    /// Removes a link; a clear error when there is none.
    pub async fn unlink(
        &self,
        object: &ObjectRef,
        issue: &IssueKey,
        actor: &str,
    ) -> Result<(), LinkError> {
        match self.store.unlink(&object.key(), issue, actor).await {
            Ok(()) => Ok(()),
            Err(StoreError::NotLinked { .. }) => Err(LinkError::NotLinked {
                object: object_label(object),
                issue: issue.to_string(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// Every issue linked to the object, from the cache.
    pub async fn linked_issues(&self, object: &ObjectRef) -> Result<Vec<IssueLink>, LinkError> {
        Ok(self.store.links_for_object(&object.key()).await?)
    }

    /// Every object linked to the issue.
    pub async fn linked_objects(&self, issue: &IssueKey) -> Result<Vec<IssueLink>, LinkError> {
        Ok(self.store.links_for_issue(issue).await?)
    }

    pub async fn sync_status(&self, issue: &IssueKey) -> Result<SyncStatus, LinkError> {
        Ok(self.store.sync_status(issue, self.stale_after).await?)
    }

    /// Fetches an issue again and updates the cache; a failure is recorded
    /// on the cached copy and returned.
    pub async fn refresh(&self, issue: &IssueKey) -> Result<Issue, LinkError> {
        let tracker = self.tracker_for(issue)?;
        match tracker
            .get_issue(&issue.id)
            .instrument(call_span(&*tracker, "get_issue"))
            .await
        {
            Ok(Some(fetched)) => {
                self.store.upsert_issue(&fetched).await?;
                Ok(fetched)
            }
            Ok(None) => {
                self.store
                    .mark_issue_sync_error(issue, "the issue no longer exists in its tracker")
                    .await?;
                Err(LinkError::NoSuchIssue(issue.to_string()))
            }
            Err(e) => {
                self.store
                    .mark_issue_sync_error(issue, &e.to_string())
                    .await?;
                Err(e.into())
            }
        }
    }

    /// Changes an issue in its tracker (close, reopen, retitle, …) and
    /// caches the tracker's answer.
    pub async fn update(
        &self,
        issue: &IssueKey,
        update: &sr_model::IssueUpdate,
    ) -> Result<Issue, LinkError> {
        let tracker = self.tracker_for(issue)?;
        let updated = tracker
            .update_issue(&issue.id, update)
            .instrument(call_span(&*tracker, "update_issue"))
            .await?;
        self.store.upsert_issue(&updated).await?;
        Ok(updated)
    }

    /// Creates an issue in the named tracker, audits it, and (when `object`
    /// is given) links it.
    pub async fn create_and_link(
        &self,
        object: Option<&ObjectRef>,
        draft: &IssueDraft,
        tracker: &str,
        opts: &LinkOptions,
    ) -> Result<(Issue, Option<IssueLink>), LinkError> {
        let tracker = self.tracker(tracker)?;
        let issue = tracker
            .create_issue(draft)
            .instrument(call_span(&*tracker, "create_issue"))
            .await?;
        let key = issue.key().to_string();
        let object_key = object.map(|o| o.key());
        self.store
            .audit(
                &opts.actor,
                AuditAction::IssueCreated,
                object_key.as_deref(),
                Some(&key),
                &issue.reference.title,
            )
            .await?;
        tracing::info!(issue = %key, tracker = %tracker.info().name, "issue created");
        let link = match object {
            Some(o) => Some(self.link_fetched(o, &issue, opts).await?),
            None => {
                self.store.upsert_issue(&issue).await?;
                None
            }
        };
        Ok((issue, link))
    }

    /// Searches one tracker; what it returns is cached so that linking a
    /// result needs no second fetch.
    pub async fn search(
        &self,
        tracker: &str,
        query: &SearchQuery,
    ) -> Result<Vec<Issue>, LinkError> {
        let tracker = self.tracker(tracker)?;
        let found = tracker
            .search_issues(query)
            .instrument(call_span(&*tracker, "search_issues"))
            .await?;
        for issue in &found {
            self.store.upsert_issue(issue).await?;
        }
        Ok(found)
    }

    /// Checks a tracker's credentials and access.
    pub async fn test_connection(&self, tracker: &str) -> Result<ConnectionReport, LinkError> {
        let tracker = self.tracker(tracker)?;
        Ok(tracker
            .test_connection()
            .instrument(call_span(&*tracker, "test_connection"))
            .await?)
    }

    /// An issue by key: from its tracker, falling back to the cache when the
    /// tracker cannot be reached.
    pub async fn issue(&self, key: &IssueKey) -> Result<Issue, LinkError> {
        match self.refresh(key).await {
            Ok(issue) => Ok(issue),
            Err(LinkError::Tracker(e)) if e.is_transient() => match self.store.issue(key).await? {
                Some(cached) => {
                    tracing::warn!(issue = %key, error = %e, "tracker unreachable; showing the cached copy");
                    Ok(cached.issue)
                }
                None => Err(e.into()),
            },
            Err(e) => Err(e),
        }
    }
}

/// The span of one tracker call: which tracker and which operation (never
/// arguments, which may carry issue bodies).
fn call_span(tracker: &dyn IssueTracker, op: &'static str) -> tracing::Span {
    let info = tracker.info();
    tracing::info_span!("tracker", name = %info.name, provider = %info.provider, op)
}
