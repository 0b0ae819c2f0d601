//! The outbox worker: claims committed tracker calls and sends them. A
//! create that may already have reached the tracker (an unknown outcome,
//! or a claim taken over from a killed worker) is first looked for by its
//! fingerprint label and body marker, and adopted when found; a comment is
//! looked for by its hidden marker. Every created issue is linked to its
//! object (AUTO_CREATED) and audited.

use std::sync::Arc;

use serde::Serialize;
use sr_links::{IssueLinkManager, LinkOptions};
use sr_model::{
    Issue, IssueDraft, IssueKey, IssueState, IssueUpdate, ObjectRef, Priority, SearchQuery,
    StateFilter,
};
use sr_store::{AuditAction, OutboxAction, OutboxIntent, OutboxStatus, Takeover};
use sr_tracker::{ErrorKind, IssueTracker, TrackerError};
use tracing::Instrument;

use crate::AutoError;
use crate::fingerprint::{body_marker, label};

/// Claims after which a call that keeps failing transiently is given up.
pub const MAX_ATTEMPTS: i64 = 10;

/// A claim older than this is taken over even when its process lives.
const CLAIM_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

/// What one run did, by outbox row id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WorkReport {
    pub done: Vec<i64>,
    pub failed: Vec<(i64, String)>,
    /// Kept for a later try (transient failure, unknown outcome).
    pub retry: Vec<(i64, String)>,
}

type Hook = Arc<dyn Fn(&OutboxIntent) + Send + Sync>;

/// Sends the outbox. Cheap to clone.
#[derive(Clone)]
pub struct OutboxWorker {
    links: IssueLinkManager,
    actor: String,
    after_send: Option<Hook>,
}

impl std::fmt::Debug for OutboxWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxWorker")
            .field("claimant", &sr_store::lease::process_claimant())
            .finish()
    }
}

enum Failure {
    Retry(String),
    Fail(String),
}

impl OutboxWorker {
    pub fn new(links: IssueLinkManager, actor: impl Into<String>) -> OutboxWorker {
        OutboxWorker {
            links,
            actor: actor.into(),
            after_send: None,
        }
    }

    /// Runs `hook` after a tracker call succeeded and before its outcome is
    /// recorded (crash tests kill the process there).
    pub fn after_send(mut self, hook: impl Fn(&OutboxIntent) + Send + Sync + 'static) -> Self {
        self.after_send = Some(Arc::new(hook));
        self
    }

    /// Sends what can be sent until nothing is left but calls waiting on a
    /// failure. A call that failed transiently (or whose outcome is
    /// unknown) gets one more try in the same run, which for a create
    /// first looks for the issue; after that it waits for the next run.
    /// Each call is tried at most [`MAX_ATTEMPTS`] times in all.
    pub async fn run_until_idle(&self) -> Result<WorkReport, AutoError> {
        let mut report = WorkReport::default();
        let mut idle_rounds = 0;
        loop {
            let round = self.run_once().await?;
            let settled = !round.done.is_empty() || !round.failed.is_empty();
            let retried = !round.retry.is_empty();
            report.done.extend(round.done);
            report.failed.extend(round.failed);
            // Only the last word on a row counts.
            for (id, e) in round.retry {
                report.retry.retain(|(i, _)| *i != id);
                report.retry.push((id, e));
            }
            report.retry.retain(|(id, _)| {
                !report.done.contains(id) && !report.failed.iter().any(|(f, _)| f == id)
            });
            if settled {
                idle_rounds = 0;
            } else if retried && idle_rounds == 0 {
                idle_rounds = 1;
            } else {
                return Ok(report);
            }
        }
    }

    /// Claims one batch and sends it.
    pub async fn run_once(&self) -> Result<WorkReport, AutoError> {
        let store = self.links.store();
        let batch = store
            .claim_intents(
                &store.announce_process().await?,
                32,
                &Takeover::work(CLAIM_TIMEOUT),
            )
            .await?;
        let mut report = WorkReport::default();
        for intent in batch {
            let span = tracing::info_span!(
                "outbox",
                id = intent.id,
                action = intent.intent.action.as_str(),
                attempt = intent.attempts
            );
            let result = self.send(&intent).instrument(span).await;
            match result {
                Ok(key) => {
                    if let Some(hook) = &self.after_send {
                        hook(&intent);
                    }
                    store
                        .finish_intent(intent.id, OutboxStatus::Done, None, key.as_deref())
                        .await?;
                    report.done.push(intent.id);
                }
                Err(Failure::Retry(e)) if intent.attempts < MAX_ATTEMPTS => {
                    tracing::warn!(id = intent.id, error = %e, "outbox call failed; it stays queued");
                    store
                        .finish_intent(intent.id, OutboxStatus::Pending, Some(&e), None)
                        .await?;
                    report.retry.push((intent.id, e));
                }
                Err(Failure::Retry(e) | Failure::Fail(e)) => {
                    tracing::warn!(id = intent.id, error = %e, "outbox call failed for good");
                    store
                        .finish_intent(intent.id, OutboxStatus::Failed, Some(&e), None)
                        .await?;
                    report.failed.push((intent.id, e));
                }
            }
        }
        Ok(report)
    }

    async fn send(&self, intent: &OutboxIntent) -> Result<Option<String>, Failure> {
        let outcome = match intent.intent.action {
            OutboxAction::Create => self.create(intent).await.map(Some),
            OutboxAction::Comment => self.comment(intent).await.map(|()| None),
            OutboxAction::Reopen => self
                .set_state(intent, IssueState::Open)
                .await
                .map(|()| None),
            OutboxAction::Close => self
                .set_state(intent, IssueState::Done)
                .await
                .map(|()| None),
        };
        outcome.map_err(|e| match &e {
            AutoError::Tracker(t) | AutoError::Link(sr_links::LinkError::Tracker(t))
                if retryable(t) =>
            {
                Failure::Retry(e.to_string())
            }
            _ => Failure::Fail(e.to_string()),
        })
    }

    async fn create(&self, intent: &OutboxIntent) -> Result<String, AutoError> {
        let i = &intent.intent;
        let tracker = self.links.tracker(&i.tracker)?;
        if intent.attempts > 1
            && let Some(found) = find_by_marker(&*tracker, &i.fingerprint).await?
        {
            return self
                .created(
                    intent,
                    &found,
                    "found by its fingerprint after an interrupted send",
                )
                .await;
        }
        let draft = IssueDraft {
            title: i.title.clone(),
            body: i.body.clone(),
            priority: i
                .priority
                .as_deref()
                .and_then(|p| p.parse::<Priority>().ok()),
            labels: i.labels.clone(),
            assignees: i.assignee.iter().cloned().collect(),
            ..IssueDraft::default()
        };
        match tracker.create_issue(&draft).await {
            Ok(issue) => self.created(intent, &issue, "created").await,
            Err(e) if e.kind() == ErrorKind::UnknownOutcome => {
                match find_by_marker(&*tracker, &i.fingerprint).await? {
                    Some(found) => {
                        self.created(
                            intent,
                            &found,
                            "found by its fingerprint after an unknown outcome",
                        )
                        .await
                    }
                    None => Err(e.into()),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Links, caches and audits a created (or found) issue.
    async fn created(
        &self,
        intent: &OutboxIntent,
        issue: &Issue,
        how: &str,
    ) -> Result<String, AutoError> {
        let i = &intent.intent;
        let key = issue.key().to_string();
        let object: Option<ObjectRef> = i
            .object
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| AutoError::Corrupt {
            id: intent.id,
            message: format!("object: {e}"),
        })?;
        let store = self.links.store();
        store
            .audit(
                &self.actor,
                AuditAction::IssueCreated,
                object.as_ref().map(ObjectRef::key).as_deref(),
                Some(&key),
                &format!(
                    "auto-issue rule \"{}\" ({how}): {}",
                    i.rule, issue.reference.title
                ),
            )
            .await?;
        match &object {
            Some(o) => {
                self.links
                    .link_fetched(o, issue, &LinkOptions::auto_created(self.actor.clone()))
                    .await?;
            }
            None => {
                store.upsert_issue(issue).await?;
            }
        }
        tracing::info!(issue = %key, rule = %i.rule, how, "auto-issue created");
        metrics::counter!("sr_auto_issues_created_total", "rule" => i.rule.clone(), "how" => how.to_owned())
            .increment(1);
        Ok(key)
    }

    /// The issue a comment, reopen or close is for.
    async fn target(
        &self,
        intent: &OutboxIntent,
    ) -> Result<(Arc<dyn IssueTracker>, IssueKey), AutoError> {
        let i = &intent.intent;
        let key = match &i.issue_key {
            Some(k) => Some(k.clone()),
            None => self
                .links
                .store()
                .auto_issue(&i.fingerprint)
                .await?
                .and_then(|s| s.issue_key),
        };
        let key = key.ok_or_else(|| AutoError::NoIssue {
            id: intent.id,
            action: i.action.as_str(),
            fingerprint: i.fingerprint.clone(),
        })?;
        let key: IssueKey =
            key.parse()
                .map_err(|e: sr_model::IssueKeyError| AutoError::Corrupt {
                    id: intent.id,
                    message: e.to_string(),
                })?;
        let tracker = self.links.trackers().for_key(&key)?.clone();
        Ok((tracker, key))
    }

    async fn comment(&self, intent: &OutboxIntent) -> Result<(), AutoError> {
        let (tracker, key) = self.target(intent).await?;
        let body = &intent.intent.body;
        if intent.attempts > 1 {
            let marker = body.lines().last().unwrap_or_default();
            if marker.starts_with("<!-- sr-comment:")
                && tracker
                    .comments(&key.id)
                    .await?
                    .iter()
                    .any(|c| c.body.contains(marker))
            {
                return Ok(());
            }
        }
        tracker.add_comment(&key.id, body).await?;
        self.links
            .store()
            .audit(
                &self.actor,
                AuditAction::CommentAdded,
                None,
                Some(&key.to_string()),
                &format!(
                    "auto-issue rule \"{}\": {}",
                    intent.intent.rule, intent.intent.purpose
                ),
            )
            .await?;
        Ok(())
    }

    async fn set_state(&self, intent: &OutboxIntent, state: IssueState) -> Result<(), AutoError> {
        let (tracker, key) = self.target(intent).await?;
        let update = IssueUpdate {
            state: Some(state),
            resolution: (state == IssueState::Done).then(|| "completed".to_owned()),
            ..IssueUpdate::default()
        };
        let issue = tracker.update_issue(&key.id, &update).await?;
        let store = self.links.store();
        store.upsert_issue(&issue).await?;
        let what = if state == IssueState::Done {
            "closed"
        } else {
            "reopened"
        };
        store
            .audit(
                &self.actor,
                AuditAction::IssueUpdated,
                None,
                Some(&key.to_string()),
                &format!("auto-issue rule \"{}\" {what} it", intent.intent.rule),
            )
            .await?;
        Ok(())
    }
}

fn retryable(e: &TrackerError) -> bool {
    e.is_transient() || e.kind() == ErrorKind::UnknownOutcome
}

/// The oldest issue carrying the fingerprint's label or body marker.
async fn find_by_marker(
    tracker: &dyn IssueTracker,
    fingerprint: &str,
) -> Result<Option<Issue>, AutoError> {
    let label = label(fingerprint);
    let marker = body_marker(fingerprint);
    let query = SearchQuery {
        labels: vec![label.clone()],
        state: StateFilter::All,
        limit: 20,
        ..SearchQuery::default()
    };
    let mut found: Vec<Issue> = tracker
        .search_issues(&query)
        .await?
        .into_iter()
        .filter(|i| i.body.contains(&marker) || i.reference.labels.contains(&label))
        .collect();
    found.sort_by_key(|i| i.reference.created_at);
    Ok(found.into_iter().next())
}
