//! "File issue…" on an alert the workbench shows (a failed health check,
//! a drifted object, a regressed query, an auto-issue feed entry): the
//! alert as the event the rules would see, the rule that would file it
//! (the first enabled rule of the rules file that matches; else the
//! starter rule of its kind; else a rule over the kind's default
//! template), the issue that rule's template renders, and whether its
//! fingerprint already has an open issue. Filing commits the edited issue
//! through sr-auto's hand filing (the same fingerprint row and outbox as
//! a rule) and sends the outbox at once.

use std::path::Path;
use std::sync::Arc;

use serde_json::json;
use sr_auto::{AutoIssues, DatabaseEvent, HandDraft, HandIssue, KnownNames, Rule, Tracked};
use sr_model::{EventKind, IssueKey, IssueRef, ObjectRef};

use crate::db_jobs::events;
use crate::monitoring::{DriftCheck, HealthCheckResult, PerfSeries, drift_events};
use crate::{Engine, EngineError};

/// An alert the workbench shows.
#[derive(Debug, Clone)]
pub enum Alert {
    /// A health check that is not ok.
    Health {
        connection: String,
        result: HealthCheckResult,
    },
    /// One drifted object (`schema.name`, as the drift view groups it) of
    /// a drift check.
    Drift {
        check: Arc<DriftCheck>,
        object: String,
    },
    /// A tracked query whose latest measurement regressed.
    Regression {
        connection: String,
        series: PerfSeries,
    },
    /// An event the rules ran over (an auto-issue feed entry).
    Event(Box<DatabaseEvent>),
}

impl Alert {
    /// The alert in a user's words.
    pub fn describe(&self) -> String {
        match self {
            Alert::Health { connection, result } => {
                format!("the {} health check on {connection}", result.check)
            }
            Alert::Drift { check, object } => {
                format!("the drift of {object} on {}", check.report.environment)
            }
            Alert::Regression { connection, .. } => {
                format!("a query's regression on {connection}")
            }
            Alert::Event(e) => format!("{} on {}", e.event.as_str(), e.connection),
        }
    }
}

/// Where the rule a hand filing follows came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSource {
    /// The first enabled rule of the rules file that matches the alert.
    Matching,
    /// No rule matches: the starter rule of the alert's kind.
    Starter,
    /// No rule or starter rule for the kind: its default template.
    Default,
}

/// What "File issue…" opens Create Issue with.
#[derive(Debug, Clone)]
pub struct AlertDraft {
    pub event: DatabaseEvent,
    /// The object the issue is linked to.
    pub object: Option<ObjectRef>,
    pub source: RuleSource,
    pub draft: HandDraft,
}

/// What filing an alert did.
#[derive(Debug, Clone)]
pub enum AlertFiled {
    /// Created (and linked to the alert's object).
    Created(Box<IssueRef>),
    /// Nothing was filed: the alert's fingerprint has this meanwhile.
    Existing(Tracked),
    /// Committed; another worker is sending it (the feed shows it).
    Queued,
}

/// The event the rules would see for `alert`.
pub fn alert_event(alert: &Alert) -> Result<DatabaseEvent, EngineError> {
    match alert {
        Alert::Health { connection, result } => Ok(events::health_failed(connection, result)),
        Alert::Drift { check, object } => drift_events(check)
            .into_iter()
            .find(|e| e.object.as_deref() == Some(object.as_str()))
            .ok_or_else(|| EngineError::AlertUnknown {
                alert: alert.describe(),
                reason: "the drift check does not list this object (at most 20 are filed); check drift again".into(),
            }),
        Alert::Regression { connection, series } => {
            let n = series.points.len();
            match (series.regressed.last(), n) {
                (Some(true), 2..) => Ok(events::perf_regression(
                    connection,
                    series,
                    &series.points[n - 2],
                    &series.points[n - 1],
                )),
                _ => Err(EngineError::AlertUnknown {
                    alert: alert.describe(),
                    reason: "its latest measurement is not a regression; run it again to measure".into(),
                }),
            }
        }
        Alert::Event(e) => Ok((**e).clone()),
    }
}

impl Engine {
    /// The issue the rules would file for `alert`, and what its
    /// fingerprint has already.
    pub async fn draft_alert(&self, alert: &Alert) -> Result<AlertDraft, EngineError> {
        let event = alert_event(alert)?;
        let (auto, source) = self.hand_rule(&event).await?;
        let draft = auto.draft_by_hand(only_rule(&auto)?, &event).await?;
        Ok(AlertDraft {
            object: self.event_object(&event).await,
            event,
            source,
            draft,
        })
    }

    /// Files `issue` for the alert `event` unless its fingerprint has an
    /// open or pending issue, and sends it.
    pub async fn file_alert(
        &self,
        event: &DatabaseEvent,
        issue: &HandIssue,
    ) -> Result<AlertFiled, EngineError> {
        let (auto, _) = self.hand_rule(event).await?;
        let rule = only_rule(&auto)?;
        let object = self.event_object(event).await;
        let id = match auto
            .file_by_hand(rule, event, object.as_ref(), issue)
            .await?
        {
            Ok(id) => id,
            Err(tracked) => return Ok(AlertFiled::Existing(tracked)),
        };
        let report = self.outbox_worker().run_until_idle().await?;
        let what = || format!("{} on {}", event.event.as_str(), event.connection);
        if let Some((_, reason)) = report
            .failed
            .iter()
            .chain(report.retry.iter())
            .find(|(i, _)| *i == id)
        {
            return Err(EngineError::AlertNotFiled {
                alert: what(),
                reason: reason.clone(),
            });
        }
        let key = self
            .store()
            .outbox_intent(id)
            .await?
            .and_then(|row| row.intent.issue_key)
            .and_then(|k| k.parse::<IssueKey>().ok());
        let Some(key) = key else {
            return Ok(AlertFiled::Queued);
        };
        Ok(match self.store().issue(&key).await? {
            Some(cached) => AlertFiled::Created(Box::new(cached.issue.reference)),
            None => AlertFiled::Queued,
        })
    }

    /// The event's object as the live schema knows it when the connection
    /// is reachable; otherwise the event's own name for it (a table).
    pub(crate) async fn event_object(&self, event: &DatabaseEvent) -> Option<ObjectRef> {
        let o = event.object.as_ref()?;
        match self.object(&format!("{}:{o}", event.connection)).await {
            Ok(found) => Some(found),
            Err(e) => {
                tracing::debug!(error = %e, "event object not resolved; using its name");
                event.fallback_object()
            }
        }
    }

    /// The rules pipeline over the one rule a hand filing of `event`
    /// follows (with the rules file's secret patterns).
    async fn hand_rule(
        &self,
        event: &DatabaseEvent,
    ) -> Result<(AutoIssues, RuleSource), EngineError> {
        let templates = self.templates().await?;
        let mut set = self.rules(None, &templates).await?;
        let matching = set.rules.iter().position(|r| {
            r.enabled
                && r.file_issue
                && r.event == event.event
                && r.condition
                    .as_ref()
                    .is_none_or(|c| c.matches(event) == Ok(true))
        });
        let (rule, source) = match matching {
            Some(i) => (set.rules.swap_remove(i), RuleSource::Matching),
            None => {
                let known = KnownNames {
                    trackers: vec![sr_config::LOCAL_TRACKER_NAME.to_owned()],
                    templates: templates.names().into_iter().map(str::to_owned).collect(),
                    channels: Vec::new(),
                };
                fallback_rule(event.event, &known)?
            }
        };
        set.rules = vec![rule];
        Ok((self.auto_issues(set, templates)?, source))
    }
}

fn only_rule(auto: &AutoIssues) -> Result<&Rule, EngineError> {
    auto.rules()
        .rules
        .first()
        .ok_or_else(|| EngineError::Background("the alert's rule went missing".into()))
}

/// The starter rule of `kind`, else a rule over the kind's default
/// template, filing on the Local tracker.
fn fallback_rule(kind: EventKind, known: &KnownNames) -> Result<(Rule, RuleSource), EngineError> {
    let starter = sr_auto::parse_rules(
        Path::new("the starter rules"),
        sr_auto::STARTER_RULES,
        known,
    )?;
    if let Some(rule) = starter.rules.into_iter().find(|r| r.event == kind) {
        return Ok((rule, RuleSource::Starter));
    }
    let template =
        sr_templates::template_for_event(kind.as_str()).ok_or_else(|| EngineError::AlertUnknown {
            alert: kind.as_str().to_owned(),
            reason: "no issue template renders this kind of event; add a rule for it in Tools → Auto-issue Rules…".into(),
        })?;
    let text = json!({"auto_issue_rules": [{
        "name": default_rule_name(kind),
        "event": kind.as_str(),
        "tracker": sr_config::LOCAL_TRACKER_NAME,
        "template": template,
    }]})
    .to_string();
    let mut set = sr_auto::parse_rules(Path::new("the default rule"), &text, known)?;
    let rule = set.rules.pop().ok_or_else(|| EngineError::AlertUnknown {
        alert: kind.as_str().to_owned(),
        reason: "no default rule could be made".into(),
    })?;
    Ok((rule, RuleSource::Default))
}

/// The name of the rule a kind without a starter rule is filed under by
/// hand: part of the fingerprint, so it never changes.
fn default_rule_name(kind: EventKind) -> String {
    format!("{} (filed by hand)", kind.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> KnownNames {
        KnownNames {
            trackers: vec![sr_config::LOCAL_TRACKER_NAME.to_owned()],
            templates: sr_templates::builtin_names()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            channels: Vec::new(),
        }
    }

    #[test]
    fn every_kind_has_a_rule_to_file_by_hand() {
        for kind in EventKind::ALL {
            let (rule, source) = fallback_rule(kind, &known()).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(rule.event, kind);
            let starter = matches!(
                kind,
                EventKind::DriftDetected
                    | EventKind::DriftResolved
                    | EventKind::HealthFailed
                    | EventKind::HealthRecovered
                    | EventKind::PerformanceRegression
            );
            assert_eq!(source == RuleSource::Starter, starter, "{kind:?}");
        }
    }
}
