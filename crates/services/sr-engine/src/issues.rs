//! Issues and links as a user asks for them (the CLI's `issue`, `link`,
//! `links` and `tracker test`): create and link, show, close or reopen,
//! search, link and unlink, test a configured tracker. Each is the link
//! manager's operation run as the engine's actor, so the CLI never reaches
//! past the engine.

use sr_links::LinkOptions;
use sr_model::{Issue, IssueDraft, IssueKey, IssueLink, IssueUpdate, ObjectRef, SearchQuery};
use sr_tracker::ConnectionReport;

use crate::{Engine, EngineError};

impl Engine {
    /// Creates an issue in `tracker` from `draft`, linked to `object` when
    /// one is given (a manual link, by the engine's actor).
    pub async fn create_issue(
        &self,
        object: Option<&ObjectRef>,
        draft: &IssueDraft,
        tracker: &str,
    ) -> Result<(Issue, Option<IssueLink>), EngineError> {
        let opts = LinkOptions::manual(self.actor());
        Ok(self
            .links()
            .create_and_link(object, draft, tracker, &opts)
            .await?)
    }

    /// The issue as its tracker has it now (the cached copy when the
    /// tracker cannot be reached).
    pub async fn issue(&self, key: &IssueKey) -> Result<Issue, EngineError> {
        Ok(self.links().issue(key).await?)
    }

    /// Changes the issue on its tracker and in the cache.
    pub async fn update_issue(
        &self,
        key: &IssueKey,
        update: &IssueUpdate,
    ) -> Result<Issue, EngineError> {
        Ok(self.links().update(key, update).await?)
    }

    pub async fn search_issues(
        &self,
        tracker: &str,
        query: &SearchQuery,
    ) -> Result<Vec<Issue>, EngineError> {
        Ok(self.links().search(tracker, query).await?)
    }

    /// The issues linked to `object`.
    pub async fn linked_issues(&self, object: &ObjectRef) -> Result<Vec<IssueLink>, EngineError> {
        Ok(self.links().linked_issues(object).await?)
    }

    /// The objects linked to `issue`.
    pub async fn linked_objects(&self, issue: &IssueKey) -> Result<Vec<IssueLink>, EngineError> {
        Ok(self.links().linked_objects(issue).await?)
    }

    /// Links an existing issue to `object` (manually, by the engine's actor).
    pub async fn link_issue(
        &self,
        object: &ObjectRef,
        issue: &IssueKey,
    ) -> Result<IssueLink, EngineError> {
        let opts = LinkOptions::manual(self.actor());
        Ok(self.links().link_object(object, issue, &opts).await?)
    }

    pub async fn unlink_issue(
        &self,
        object: &ObjectRef,
        issue: &IssueKey,
    ) -> Result<(), EngineError> {
        Ok(self.links().unlink(object, issue, self.actor()).await?)
    }

    /// Tests the connection of the configured tracker `name` (as built
    /// from trackers.json; [`Engine::test_tracker`] tests an unsaved entry).
    pub async fn test_configured_tracker(
        &self,
        name: &str,
    ) -> Result<ConnectionReport, EngineError> {
        Ok(self.links().test_connection(name).await?)
    }
}
