//! From an event to committed outbox rows: each enabled rule for the
//! event's kind whose condition holds is deduplicated by fingerprint
//! ([`crate::decide`]), rate-limited, rendered through its template after
//! secrets and row data are taken out, and committed with the occurrence in
//! one store transaction. No tracker is written to here (it is read, to
//! learn whether the alert's issue is still open); the
//! [`crate::OutboxWorker`] sends what was committed.

use std::sync::Arc;

use chrono::Duration;
use serde::Serialize;
use serde_json::Value;
use sr_links::IssueLinkManager;
use sr_model::{IssueKey, ObjectRef};
use sr_secrets::Redactor;
use sr_store::{AutoIssueState, NewIntent, Occurrence, OutboxAction};
use sr_templates::Templates;

use crate::decide::{Decision, Known, decide};
use crate::fingerprint::{fingerprint, label};
use crate::rules::{Rule, RuleSet};
use crate::{AutoError, DatabaseEvent, comment};

/// What one rule did with one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub rule: String,
    /// `create`, `comment`, `reopen`, `wont_fix`, `resolve`, `folded`
    /// (rate limit), `no_match`, `nothing_to_resolve`, `no_issue` (the rule
    /// has `file_issue: false`) or `error`.
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// The outbox rows committed.
    pub intents: Vec<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Outcome {
    pub(crate) fn new(rule: &Rule, action: &str) -> Outcome {
        Outcome {
            rule: rule.name.clone(),
            action: action.to_owned(),
            fingerprint: None,
            intents: Vec::new(),
            note: None,
        }
    }
}

/// Turns events into outbox rows. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AutoIssues {
    pub(crate) links: IssueLinkManager,
    pub(crate) rules: Arc<RuleSet>,
    pub(crate) templates: Arc<Templates>,
    pub(crate) redactor: Arc<Redactor>,
}

impl AutoIssues {
    pub fn new(
        links: IssueLinkManager,
        rules: RuleSet,
        templates: Arc<Templates>,
        redactor: Redactor,
    ) -> AutoIssues {
        AutoIssues {
            links,
            rules: Arc::new(rules),
            templates,
            redactor: Arc::new(redactor),
        }
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Runs the event through every rule; `object` is the event's object
    /// resolved against the live schema, when the caller could.
    pub async fn handle(
        &self,
        event: &DatabaseEvent,
        object: Option<&ObjectRef>,
    ) -> Result<Vec<Outcome>, AutoError> {
        let mut outcomes = Vec::new();
        for rule in self.rules.for_event(event.event) {
            if let Some(c) = &rule.condition {
                match c.matches(event) {
                    Ok(true) => {}
                    Ok(false) => {
                        outcomes.push(Outcome::new(rule, "no_match"));
                        continue;
                    }
                    Err(e) => {
                        tracing::warn!(rule = %rule.name, error = %e, "rule condition failed");
                        let mut o = Outcome::new(rule, "error");
                        o.note = Some(e);
                        outcomes.push(o);
                        continue;
                    }
                }
            }
            if !rule.file_issue {
                // A notify-only rule: no issue to file, comment on or close.
                outcomes.push(Outcome::new(rule, "no_issue"));
                continue;
            }
            let outcome = match crate::clears(event.event) {
                Some(cleared) => self.resolve(rule, event, cleared).await?,
                None => self.alert_once(rule, event, object).await?,
            };
            tracing::info!(rule = %rule.name, action = %outcome.action, intents = ?outcome.intents, "auto-issue rule applied");
            // Operators' names: a create files, a comment deduplicates.
            let counted = match outcome.action.as_str() {
                "create" => "filed",
                "comment" => "deduplicated",
                "reopen" => "reopened",
                other => other,
            };
            metrics::counter!("sr_auto_issues_total", "rule" => rule.name.clone(), "outcome" => counted.to_owned())
                .increment(1);
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    /// What is known of the fingerprint's issue: the tracker is asked, so
    /// that an issue someone closed is seen as closed. When it cannot be
    /// asked, the issue counts as open (a comment waits in the outbox).
    pub(crate) async fn known(&self, state: Option<&AutoIssueState>) -> Known {
        let Some(state) = state else {
            return Known::Nothing;
        };
        let Some(key) = &state.issue_key else {
            // No issue yet: its create is queued, unless it failed for good.
            return match self
                .links
                .store()
                .auto_issue_create_pending(&state.fingerprint)
                .await
            {
                Ok(false) => Known::Nothing,
                Ok(true) | Err(_) => Known::Pending,
            };
        };
        let Ok(parsed) = key.parse::<IssueKey>() else {
            return Known::Nothing;
        };
        let tracker = match self.links.trackers().for_key(&parsed) {
            Ok(t) => t.clone(),
            Err(_) => return Known::Pending,
        };
        match tracker.get_issue(&parsed.id).await {
            Ok(Some(issue)) => {
                if let Err(e) = self.links.store().upsert_issue(&issue).await {
                    tracing::debug!(error = %e, "issue cache not updated");
                }
                Known::Issue {
                    key: key.clone(),
                    status: issue.reference.status.clone(),
                    updated_at: issue.reference.updated_at,
                }
            }
            Ok(None) => Known::Nothing,
            Err(e) => {
                tracing::warn!(issue = %key, error = %e, "cannot read the alert's issue; treating it as open");
                Known::Pending
            }
        }
    }

    /// [`Self::alert`], again when another process changed the
    /// fingerprint's row between reading and writing it (it decided first;
    /// deciding again sees its issue and comments instead).
    async fn alert_once(
        &self,
        rule: &Rule,
        event: &DatabaseEvent,
        object: Option<&ObjectRef>,
    ) -> Result<Outcome, AutoError> {
        for _ in 0..4 {
            if let Some(outcome) = self.alert(rule, event, object).await? {
                return Ok(outcome);
            }
            tracing::debug!(rule = %rule.name, "fingerprint changed meanwhile; deciding again");
        }
        Err(AutoError::Busy {
            rule: rule.name.clone(),
        })
    }

    /// `None` when the fingerprint's row changed since it was read.
    async fn alert(
        &self,
        rule: &Rule,
        event: &DatabaseEvent,
        object: Option<&ObjectRef>,
    ) -> Result<Option<Outcome>, AutoError> {
        let store = self.links.store();
        let fp = fingerprint(
            &rule.name,
            &event.connection,
            event.object.as_deref(),
            &event.data,
        );
        let state = store.auto_issue(&fp).await?;
        let known = self.known(state.as_ref()).await;
        let now = chrono::Utc::now();
        let window = Duration::hours(i64::from(rule.reopen_window_hours));
        let decision = decide(&known, now, window);
        let data = event.data.to_string();
        let base =
            |action: OutboxAction, purpose: &str, body: String, key: Option<String>| NewIntent {
                rule: rule.name.clone(),
                fingerprint: fp.clone(),
                tracker: state
                    .as_ref()
                    .map_or_else(|| rule.tracker.clone(), |s| s.tracker.clone()),
                action,
                purpose: purpose.to_owned(),
                title: String::new(),
                body,
                labels: Vec::new(),
                priority: None,
                assignee: None,
                object: None,
                issue_key: key,
            };
        let again = Occurrence::Again {
            fingerprint: fp.clone(),
            at: event.occurred_at,
            data: data.clone(),
        };
        let old = state
            .as_ref()
            .and_then(|s| serde_json::from_str::<Value>(&s.last_data).ok())
            .unwrap_or(Value::Null);
        let count = state.as_ref().map_or(1, |s| s.occurrences + 1);
        let first_seen = state.as_ref().map_or(event.occurred_at, |s| s.first_seen);
        let mut outcome = Outcome::new(rule, "");
        outcome.fingerprint = Some(fp.clone());
        let (occurrence, intents) = match decision {
            Decision::Create { previous } => {
                let since = now - Duration::hours(1);
                if store.auto_issue_creations_since(&rule.name, since).await?
                    >= u64::from(rule.max_per_hour)
                {
                    return self.fold(rule, event, &fp, since, outcome).await.map(Some);
                }
                let rendered = self.render(rule, event, previous.as_deref(), &fp)?;
                if rendered.1.is_some() {
                    outcome.note = rendered.1.clone();
                }
                let rendered = rendered.0;
                let mut labels = rule.labels.clone();
                labels.push(label(&fp));
                let object = object
                    .cloned()
                    .or_else(|| event.fallback_object())
                    .map(|o| serde_json::to_string(&o))
                    .transpose()
                    .map_err(|e| AutoError::Encode {
                        what: "the event's object",
                        message: e.to_string(),
                    })?;
                let intent = NewIntent {
                    title: rendered.title,
                    labels,
                    priority: rule.priority.map(|p| p.as_str().to_owned()),
                    assignee: rule.assignee.clone(),
                    object,
                    tracker: rule.tracker.clone(),
                    ..base(OutboxAction::Create, "create", rendered.body, None)
                };
                outcome.action = "create".into();
                let start = Occurrence::Start {
                    replaces: state.as_ref().map(|s| s.issue_key.clone()),
                    state: Box::new(AutoIssueState {
                        fingerprint: fp.clone(),
                        rule: rule.name.clone(),
                        tracker: rule.tracker.clone(),
                        event: event.event.as_str().to_owned(),
                        connection: event.connection.clone(),
                        object: event.object.clone(),
                        issue_key: None,
                        previous_issue_key: previous,
                        occurrences: 1,
                        first_seen: event.occurred_at,
                        last_seen: event.occurred_at,
                        last_data: data,
                    }),
                };
                (start, vec![intent])
            }
            Decision::Comment { key } => {
                let token = comment::token(&fp, "occurrence", now);
                let body = comment::occurrence(
                    "This alert happened again",
                    count,
                    first_seen,
                    event.occurred_at,
                    &old,
                    &event.data,
                    &token,
                );
                outcome.action = "comment".into();
                (
                    again,
                    vec![base(OutboxAction::Comment, "occurrence", body, key)],
                )
            }
            Decision::Reopen { key } => {
                let token = comment::token(&fp, "reopen", now);
                let body = comment::occurrence(
                    "Reopened: this alert came back within the reopen window",
                    count,
                    first_seen,
                    event.occurred_at,
                    &old,
                    &event.data,
                    &token,
                );
                outcome.action = "reopen".into();
                (
                    again,
                    vec![
                        base(
                            OutboxAction::Reopen,
                            "reopen",
                            String::new(),
                            Some(key.clone()),
                        ),
                        base(OutboxAction::Comment, "reopen", body, Some(key)),
                    ],
                )
            }
            Decision::WontFix { key } => {
                outcome.action = "wont_fix".into();
                outcome.note = Some(format!(
                    "{key} was closed as won't fix; the occurrence is only counted"
                ));
                (again, Vec::new())
            }
        };
        match store.enqueue_auto_issue(&occurrence, &intents).await? {
            Some(ids) => outcome.intents = ids,
            None => return Ok(None),
        }
        Ok(Some(outcome))
    }
}
