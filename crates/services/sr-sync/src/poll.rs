//! One sync of one tracker into the issue cache: fetch (everything, or what
//! changed since the cursor less an overlap), match by issue key and
//! compare content hashes, write only what changed in batches, and — for a
//! full sync — reconcile the issues the tracker no longer lists (deleted,
//! or moved: found under another key or by title in the same repository).
//!
//! The cursor moves only when a sync completes, so a failed or cancelled
//! sync is simply done again; every batch is one transaction, so the cache
//! is never half-written.

use std::collections::{HashMap, HashSet};

use chrono::Duration;
use sr_model::{Issue, IssueKey, IssueState, SearchQuery, StateFilter};
use sr_store::{Store, UpsertOutcome};
use sr_tracker::IssueTracker;

use crate::operation::{IssueError, SyncProgress, SyncResults, SyncStage};
use crate::{CancellationToken, ConflictPolicies, SyncError, SyncKind};

/// How a sync reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollOptions {
    /// Read again this far before the cursor: the tracker's clock may
    /// stamp two changes in one second, and its search index may lag.
    pub overlap: Duration,
    /// Issues per cache transaction (and per progress report).
    pub batch: usize,
}

impl Default for PollOptions {
    fn default() -> Self {
        PollOptions {
            overlap: Duration::seconds(60),
            batch: 200,
        }
    }
}

/// Where a running sync reports.
pub trait Report: Send + Sync {
    fn progress(&self, progress: &SyncProgress, results: &SyncResults);
    /// Issues a batch created or changed in the cache (not unchanged ones).
    fn changed(&self, _issues: &[Issue]) {}
}

impl<F: Fn(&SyncProgress, &SyncResults) + Send + Sync> Report for F {
    fn progress(&self, progress: &SyncProgress, results: &SyncResults) {
        self(progress, results)
    }
}

/// What one sync needs.
pub struct Poll<'a> {
    pub store: &'a Store,
    pub tracker: &'a dyn IssueTracker,
    pub options: &'a PollOptions,
    pub report: &'a dyn Report,
    pub cancel: &'a CancellationToken,
    /// Push pending workbench edits first, with these conflict policies;
    /// `None` for a tracker that only pulls.
    pub push: Option<&'a ConflictPolicies>,
}

struct Run<'a> {
    p: &'a Poll<'a>,
    name: String,
    progress: SyncProgress,
    results: SyncResults,
}

impl Poll<'_> {
    /// Runs one sync; a kind of `Incremental` without a cursor yet runs full.
    pub async fn run(
        &self,
        kind: SyncKind,
        include_closed: bool,
    ) -> Result<SyncResults, SyncError> {
        let name = self.tracker.info().name.clone();
        let mut state = self
            .store
            .tracker_sync_state(&name)
            .await
            .map_err(SyncError::store(&name))?;
        let full = kind == SyncKind::Full || state.cursor.is_none();
        let mut run = Run {
            p: self,
            name: name.clone(),
            progress: SyncProgress::default(),
            results: SyncResults::default(),
        };
        if let Some(policies) = self.push {
            let edits = crate::push::pending(self.store, self.tracker).await?;
            if !edits.is_empty() {
                run.stage(SyncStage::Pushing);
                crate::push::push(self.store, self.tracker, policies, edits, &mut run.results)
                    .await?;
                run.check_cancel()?;
            }
        }
        // Comments are sent whatever the field mode: writing one is an
        // explicit request to post it.
        crate::comments::send_pending(self.store, self.tracker, None, &mut run.results).await?;
        run.check_cancel()?;
        run.stage(SyncStage::Fetching);
        let query = SearchQuery {
            state: StateFilter::All,
            updated_since: (!full)
                .then_some(state.cursor)
                .flatten()
                .map(|c| c - self.options.overlap),
            limit: usize::MAX,
            ..SearchQuery::default()
        };
        let fetched = run
            .cancellable(self.tracker.search_issues(&query))
            .await?
            .map_err(SyncError::tracker(&name))?;
        let newest = fetched.iter().map(|i| i.reference.updated_at).max();
        let comments_due = crate::comments::due(self.store, self.tracker, &fetched).await?;
        let seen = run.apply(fetched, full, include_closed).await?;
        if let Some(seen) = seen {
            run.reconcile(seen).await?;
        }
        if !comments_due.is_empty() {
            run.stage(SyncStage::Comments);
            run.check_cancel()?;
            crate::comments::pull(self.store, self.tracker, comments_due, &mut run.results).await?;
        }
        let now = chrono::Utc::now();
        state.cursor = state.cursor.max(newest);
        if full {
            state.last_full = Some(now);
        }
        state.last_success = Some(now);
        state.last_attempt = Some(now);
        state.failures = 0;
        state.last_error = None;
        self.store
            .save_tracker_sync_state(&state)
            .await
            .map_err(SyncError::store(&name))?;
        run.report();
        Ok(run.results)
    }
}

impl Run<'_> {
    fn report(&self) {
        self.p.report.progress(&self.progress, &self.results);
    }

    fn stage(&mut self, stage: SyncStage) {
        self.progress.stage = stage;
        self.report();
    }

    fn check_cancel(&self) -> Result<(), SyncError> {
        if self.p.cancel.is_cancelled() {
            return Err(SyncError::Cancelled {
                tracker: self.name.clone(),
            });
        }
        Ok(())
    }

    /// Runs a tracker request unless the sync is cancelled first (dropping
    /// a read is harmless).
    async fn cancellable<T>(&self, f: impl Future<Output = T>) -> Result<T, SyncError> {
        tokio::select! {
            biased;
            () = self.p.cancel.cancelled() => Err(SyncError::Cancelled { tracker: self.name.clone() }),
            out = f => Ok(out),
        }
    }

    /// Matches fetched issues to the cache and writes what changed. For a
    /// full sync, returns the cached keys the tracker did not list and the
    /// issues it listed that were new, for [`Run::reconcile`].
    async fn apply(
        &mut self,
        fetched: Vec<Issue>,
        full: bool,
        include_closed: bool,
    ) -> Result<Option<Missing>, SyncError> {
        self.stage(SyncStage::Matching);
        let store = self.p.store;
        let mut unique = HashSet::with_capacity(fetched.len());
        let fetched: Vec<(String, Issue)> = fetched
            .into_iter()
            .map(|i| (i.key().to_string(), i))
            .filter(|(k, _)| unique.insert(k.clone()))
            .collect();
        self.progress.total = fetched.len() as u64;
        let info = self.p.tracker.info();
        let cached = if full {
            store
                .instance_issue_hashes(&info.provider, &info.instance)
                .await
        } else {
            let keys: Vec<String> = fetched.iter().map(|(k, _)| k.clone()).collect();
            store.issue_hashes(&keys).await
        }
        .map_err(SyncError::store(&self.name))?;
        let (mut create, mut update) = (Vec::new(), Vec::new());
        for (key, issue) in &fetched {
            match cached.get(key) {
                Some(h) if *h == issue.content_hash() => self.results.skipped += 1,
                Some(_) => update.push(issue.clone()),
                None if !include_closed && issue.reference.status.state == IssueState::Done => {
                    self.results.skipped += 1;
                }
                None => create.push(issue.clone()),
            }
        }
        self.progress.processed = self.results.skipped;
        self.write(SyncStage::Creating, &create).await?;
        self.write(SyncStage::Updating, &update).await?;
        if !full {
            return Ok(None);
        }
        let listed: HashSet<&str> = fetched.iter().map(|(k, _)| k.as_str()).collect();
        let mut gone: Vec<String> = cached
            .into_keys()
            .filter(|k| !listed.contains(k.as_str()))
            .collect();
        gone.sort();
        Ok(Some(Missing {
            gone,
            new_by_title: create
                .iter()
                .map(|i| (i.reference.title.clone(), i.key().to_string()))
                .collect(),
        }))
    }

    async fn write(&mut self, stage: SyncStage, issues: &[Issue]) -> Result<(), SyncError> {
        if issues.is_empty() {
            return Ok(());
        }
        self.stage(stage);
        for batch in issues.chunks(self.p.options.batch.max(1)) {
            self.check_cancel()?;
            self.progress.current = self.progress.processed + 1;
            let outcomes = self
                .p
                .store
                .upsert_issues(batch)
                .await
                .map_err(SyncError::store(&self.name))?;
            self.count(&outcomes);
            let changed: Vec<Issue> = batch
                .iter()
                .zip(&outcomes)
                .filter(|(_, o)| **o != UpsertOutcome::Unchanged)
                .map(|(i, _)| i.clone())
                .collect();
            if !changed.is_empty() {
                self.p.report.changed(&changed);
            }
            self.progress.processed += batch.len() as u64;
            self.report();
        }
        Ok(())
    }

    fn count(&mut self, outcomes: &[UpsertOutcome]) {
        for o in outcomes {
            match o {
                UpsertOutcome::Inserted => self.results.created += 1,
                UpsertOutcome::Updated => self.results.updated += 1,
                UpsertOutcome::Unchanged => self.results.skipped += 1,
            }
        }
    }

    /// Asks the tracker about each cached issue it no longer listed.
    async fn reconcile(&mut self, missing: Missing) -> Result<(), SyncError> {
        if missing.gone.is_empty() {
            return Ok(());
        }
        self.stage(SyncStage::Reconciling);
        let cached_titles = self.titles(&missing.gone).await?;
        let mut removed = Vec::new();
        for key in &missing.gone {
            self.check_cancel()?;
            let Ok(parsed) = key.parse::<IssueKey>() else {
                continue;
            };
            let answer = self
                .cancellable(self.p.tracker.get_issue(&parsed.id))
                .await?;
            match answer {
                Ok(Some(issue)) => {
                    let now_at = issue.key().to_string();
                    let outcomes = self
                        .p
                        .store
                        .upsert_issues(std::slice::from_ref(&issue))
                        .await
                        .map_err(SyncError::store(&self.name))?;
                    self.count(&outcomes);
                    if now_at != *key {
                        self.results.moved += 1;
                        removed.push((key.clone(), Some(now_at)));
                    }
                }
                Ok(None) => {
                    let moved_to = cached_titles
                        .get(key)
                        .and_then(|t| missing.new_by_title.get(t))
                        .cloned();
                    if moved_to.is_some() {
                        self.results.moved += 1;
                    } else {
                        self.results.removed += 1;
                    }
                    removed.push((key.clone(), moved_to));
                }
                Err(e) => {
                    self.results.failed += 1;
                    self.results.errors.push(IssueError {
                        issue_id: Some(parsed.id.clone()),
                        error: e.to_string(),
                    });
                }
            }
        }
        self.p
            .store
            .mark_issues_removed(&removed)
            .await
            .map_err(SyncError::store(&self.name))
    }

    async fn titles(&self, keys: &[String]) -> Result<HashMap<String, String>, SyncError> {
        let mut out = HashMap::new();
        for key in keys {
            let Ok(parsed) = key.parse::<IssueKey>() else {
                continue;
            };
            if let Some(c) = self
                .p
                .store
                .issue(&parsed)
                .await
                .map_err(SyncError::store(&self.name))?
            {
                out.insert(key.clone(), c.issue.reference.title);
            }
        }
        Ok(out)
    }
}

/// What a full sync did not find where the cache had it.
struct Missing {
    gone: Vec<String>,
    new_by_title: HashMap<String, String>,
}
