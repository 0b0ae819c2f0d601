//! An alert filed by hand ("File issue…" in the monitoring tab): the issue
//! a rule would file, rendered by the same template, offered for editing,
//! and committed as the same fingerprint row and outbox create a rule
//! commits. So the hand-filed issue and the rules deduplicate against
//! each other both ways: pressing "File issue…" again offers the issue a
//! rule (or an earlier press) opened, and a rule firing later comments on
//! the hand-filed one.
//!
//! Unlike a rule, a hand filing ignores the rule's condition (the user
//! chose to file this alert), its hourly limit and its reopen window (an
//! issue closed for any reason may be filed anew).

use sr_model::{IssueKey, IssueRef, IssueState, ObjectRef, Priority};
use sr_store::{AutoIssueState, NewIntent, Occurrence, OutboxAction};

use crate::decide::Known;
use crate::fingerprint::{body_marker, fingerprint, label};
use crate::rules::Rule;
use crate::{AutoError, AutoIssues, DatabaseEvent};

/// What the fingerprint of an alert already has.
#[derive(Debug, Clone, PartialEq)]
pub enum Tracked {
    /// No open issue: file one. `previous` is a closed one it had.
    Nothing { previous: Option<String> },
    /// A create is committed and not sent yet (or the tracker could not be
    /// asked about the issue); filing again would duplicate it.
    Pending,
    /// An open issue tracks the alert.
    Open(Box<IssueRef>),
}

/// The issue a rule would file for an alert, before the user edits it.
#[derive(Debug, Clone, PartialEq)]
pub struct HandDraft {
    pub rule: String,
    pub tracker: String,
    pub title: String,
    /// Without the fingerprint marker, which is added back when filing.
    pub body: String,
    /// The rule's labels (the fingerprint label is added when filing).
    pub labels: Vec<String>,
    pub priority: Option<Priority>,
    pub assignee: Option<String>,
    pub fingerprint: String,
    /// Why the template could not render (a plain issue is offered).
    pub note: Option<String>,
    pub tracked: Tracked,
}

/// The issue as the user edited it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandIssue {
    pub tracker: String,
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
    pub priority: Option<Priority>,
    pub assignee: Option<String>,
}

impl AutoIssues {
    /// What `rule` would file for `event` (its condition not asked), and
    /// what its fingerprint already has.
    pub async fn draft_by_hand(
        &self,
        rule: &Rule,
        event: &DatabaseEvent,
    ) -> Result<HandDraft, AutoError> {
        let fp = fingerprint(
            &rule.name,
            &event.connection,
            event.object.as_deref(),
            &event.data,
        );
        let (rendered, note) = self.render(rule, event, None, &fp)?;
        Ok(HandDraft {
            rule: rule.name.clone(),
            tracker: rule.tracker.clone(),
            title: rendered.title,
            body: without_marker(&rendered.body, &fp),
            labels: rule.labels.clone(),
            priority: rule.priority,
            assignee: rule.assignee.clone(),
            tracked: self.tracked(&fp).await?,
            fingerprint: fp,
            note,
        })
    }

    /// What the fingerprint `fp` has: its open issue as the tracker reports
    /// it now, a create waiting in the outbox, or nothing open.
    pub async fn tracked(&self, fp: &str) -> Result<Tracked, AutoError> {
        let state = self.links.store().auto_issue(fp).await?;
        self.tracked_from(state.as_ref()).await
    }

    async fn tracked_from(&self, state: Option<&AutoIssueState>) -> Result<Tracked, AutoError> {
        Ok(match self.known(state).await {
            Known::Nothing => Tracked::Nothing { previous: None },
            Known::Pending => Tracked::Pending,
            Known::Issue { key, status, .. } if status.state == IssueState::Done => {
                Tracked::Nothing {
                    previous: Some(key),
                }
            }
            // `known` put the tracker's copy in the cache.
            Known::Issue { key, .. } => match key.parse::<IssueKey>() {
                Ok(parsed) => match self.links.store().issue(&parsed).await? {
                    Some(cached) => Tracked::Open(Box::new(cached.issue.reference)),
                    None => Tracked::Pending,
                },
                Err(_) => Tracked::Nothing { previous: None },
            },
        })
    }

    /// Commits `issue` as the create of `rule`'s alert `event` (linked to
    /// `object`), the outbox row id, unless the alert's fingerprint has an
    /// open or pending issue: that is returned instead and nothing is
    /// written. Two presses at once (or a press and a rule) commit one
    /// create: the fingerprint row is claimed in the same transaction.
    pub async fn file_by_hand(
        &self,
        rule: &Rule,
        event: &DatabaseEvent,
        object: Option<&ObjectRef>,
        issue: &HandIssue,
    ) -> Result<Result<i64, Tracked>, AutoError> {
        let store = self.links.store();
        let fp = fingerprint(
            &rule.name,
            &event.connection,
            event.object.as_deref(),
            &event.data,
        );
        let object = object
            .cloned()
            .or_else(|| event.fallback_object())
            .map(|o| serde_json::to_string(&o))
            .transpose()
            .map_err(|e| AutoError::Encode {
                what: "the event's object",
                message: e.to_string(),
            })?;
        let mut labels = issue.labels.clone();
        let fp_label = label(&fp);
        if !labels.contains(&fp_label) {
            labels.push(fp_label);
        }
        let body = format!(
            "{}\n\n{}",
            without_marker(&issue.body, &fp).trim_end(),
            body_marker(&fp)
        );
        for _ in 0..4 {
            let state = store.auto_issue(&fp).await?;
            let previous = match self.tracked_from(state.as_ref()).await? {
                Tracked::Nothing { previous } => previous,
                other => return Ok(Err(other)),
            };
            let intent = NewIntent {
                rule: rule.name.clone(),
                fingerprint: fp.clone(),
                tracker: issue.tracker.clone(),
                action: OutboxAction::Create,
                purpose: "manual".into(),
                title: issue.title.clone(),
                body: body.clone(),
                labels: labels.clone(),
                priority: issue.priority.map(|p| p.as_str().to_owned()),
                assignee: issue.assignee.clone(),
                object: object.clone(),
                issue_key: None,
            };
            let start = Occurrence::Start {
                replaces: state.as_ref().map(|s| s.issue_key.clone()),
                state: Box::new(AutoIssueState {
                    fingerprint: fp.clone(),
                    rule: rule.name.clone(),
                    tracker: issue.tracker.clone(),
                    event: event.event.as_str().to_owned(),
                    connection: event.connection.clone(),
                    object: event.object.clone(),
                    issue_key: None,
                    previous_issue_key: previous,
                    occurrences: 1,
                    first_seen: event.occurred_at,
                    last_seen: event.occurred_at,
                    last_data: event.data.to_string(),
                }),
            };
            if let Some(ids) = store.enqueue_auto_issue(&start, &[intent]).await? {
                tracing::info!(rule = %rule.name, fingerprint = %fp, "alert filed by hand");
                return ids.first().copied().map(Ok).ok_or(AutoError::Busy {
                    rule: rule.name.clone(),
                });
            }
            tracing::debug!(rule = %rule.name, "fingerprint changed meanwhile; deciding again");
        }
        Err(AutoError::Busy {
            rule: rule.name.clone(),
        })
    }
}

/// `body` without the fingerprint marker at its end (and the blank line
/// before it).
fn without_marker(body: &str, fp: &str) -> String {
    let marker = body_marker(fp);
    let trimmed = body.trim_end();
    trimmed
        .strip_suffix(&marker)
        .map_or(trimmed, str::trim_end)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_comes_off_the_draft_and_back_on_once() {
        let fp = "ab".repeat(32);
        let body = format!("Drift on orders\n\n{}\n", body_marker(&fp));
        assert_eq!(without_marker(&body, &fp), "Drift on orders");
        assert_eq!(without_marker("edited text  \n", &fp), "edited text");
    }
}
