//! Alerts to channels from the running engine: what a rule's `notify`
//! asks for reaches Slack, PagerDuty, … through sr-notify's outbox.
//!
//! - An event's alerts ([`sr_auto::AutoIssues::alerts`]) are observed as
//!   firing on each channel their rule names ([`sr_notify::outbox::observe`]:
//!   grouping, then state, message and feed entry in one commit). Each
//!   alert is recorded per channel in the store (`notification_alerts`)
//!   with where it comes from and the notification itself.
//! - An event that clears a condition (drift healed, a health check ok
//!   again, a tracked query no longer regressed) finds the firing alerts of
//!   its connection, object and kind there and observes them cleared on the
//!   channels they went to: PagerDuty resolves its incident (`dedup_key` =
//!   fingerprint), Slack gets the resolve message. The rules are not asked:
//!   whatever was triggered is resolved, even after a rule changed.
//! - A group held by its group wait or repeat interval is decided again at
//!   its due time by [`Engine::notify_due`], which the outbox loop calls;
//!   every observation marks its row due before deciding and unmarks it
//!   after, so a process that dies in between leaves it to the next scan.
//! - [`Engine::send_notifications`] sends the committed messages
//!   ([`NotifyWorker`], claimed under this process's announced id, so a
//!   killed sender's claims are taken over at once).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sr_auto::{Alert, DatabaseEvent};
use sr_config::{ChannelsFile, Grouping, NoisePolicy};
use sr_model::{EventKind, Priority};
use sr_notify::group::{Decision, Observation};
use sr_notify::outbox::{NotifyReport, NotifyWorker, observe};
use sr_notify::{BuildContext, Notification, Notifier, Severity};
use sr_store::{AlertSource, NotificationAlert};

use crate::{Engine, EngineError};

/// Due alerts decided per scan; the rest wait for the next one.
const SCAN_BATCH: usize = 256;

/// What one observation of one alert on one channel decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notified {
    pub channel: String,
    pub fingerprint: String,
    /// `trigger` or `resolve` queued, or why nothing was (`held: …`).
    pub decision: String,
}

/// channels.json as read now: each channel's grouping and noise policy,
/// and the notifiers
/// of the enabled channels that could be built.
struct Channels {
    grouping: BTreeMap<String, (Grouping, NoisePolicy)>,
    notifiers: Vec<Arc<dyn Notifier>>,
}

impl Engine {
    /// Reads channels.json and builds its enabled channels (on a blocking
    /// thread: secrets may come from the keyring). A channel that cannot
    /// be built (a secret missing) is left out with a warning naming why;
    /// its messages wait in the outbox's feed as failed with the reason.
    async fn notification_channels(&self) -> Result<Channels, EngineError> {
        let path = self.paths().channels_file();
        let resolver = self.resolver();
        tokio::task::spawn_blocking(move || -> Result<Channels, EngineError> {
            let registry = crate::channels();
            let file: ChannelsFile = sr_config::load_channels(&path, &registry)?;
            let grouping = file
                .channels
                .iter()
                .map(|c| (c.name.clone(), (c.grouping.clone(), c.policy.clone())))
                .collect();
            let mut notifiers = Vec::new();
            if file.channels.iter().any(|c| c.enabled) {
                let ctx = BuildContext::new(resolver)?;
                for entry in file.channels.iter().filter(|c| c.enabled) {
                    match registry.build(entry, &ctx) {
                        Ok(n) => notifiers.push(n),
                        Err(e) => {
                            tracing::warn!(channel = %entry.name, error = %e, "channel not usable")
                        }
                    }
                }
            }
            Ok(Channels {
                grouping,
                notifiers,
            })
        })
        .await
        .map_err(|e| EngineError::Background(e.to_string()))?
    }

    /// Observes each of `alerts` (raised by `event`) as firing on its
    /// channels and commits what grouping decides.
    pub(crate) async fn observe_alerts(
        &self,
        event: &DatabaseEvent,
        alerts: &[Alert],
        now: DateTime<Utc>,
    ) -> Result<Vec<Notified>, EngineError> {
        let channels = self.notification_channels().await?;
        let mut out = Vec::new();
        for alert in alerts {
            let notification = notification(alert, event);
            let json = serde_json::to_string(&notification)
                .map_err(|e| EngineError::Background(e.to_string()))?;
            for channel in &alert.channels {
                let row = NotificationAlert {
                    channel: channel.clone(),
                    fingerprint: alert.fingerprint.clone(),
                    rule: alert.rule.clone(),
                    connection: event.connection.clone(),
                    object: event.object.clone().unwrap_or_default(),
                    event: event.event.as_str().to_owned(),
                    finding: finding(event),
                    firing: true,
                    notification: json.clone(),
                    // Due until decided: a crash in between leaves it to
                    // the next scan.
                    due_at: Some(now),
                };
                self.store().put_notification_alert(&row).await?;
                out.extend(self.decide_alert(&channels, &row, now).await?);
            }
        }
        Ok(out)
    }

    /// Observes the firing alerts that `event` clears as cleared, on the
    /// channels they went to. Nothing when `event` clears nothing.
    pub(crate) async fn clear_alerts_of(
        &self,
        event: &DatabaseEvent,
        now: DateTime<Utc>,
    ) -> Result<Vec<Notified>, EngineError> {
        let Some(cleared) = sr_auto::clears(event.event) else {
            return Ok(Vec::new());
        };
        let finding = finding(event);
        let source = AlertSource {
            connection: &event.connection,
            event: cleared.as_str(),
            object: event.object.as_deref(),
            finding: (!finding.is_empty()).then_some(finding.as_str()),
        };
        self.clear_alerts(&source, now).await
    }

    /// The tracked query `query_fingerprint` of `connection` is no longer
    /// regressed: its regression alerts are resolved.
    pub async fn clear_regression(
        &self,
        connection: &str,
        query_fingerprint: &str,
    ) -> Result<Vec<Notified>, EngineError> {
        let source = AlertSource {
            connection,
            event: EventKind::PerformanceRegression.as_str(),
            object: None,
            finding: Some(query_fingerprint),
        };
        self.clear_alerts(&source, Utc::now()).await
    }

    async fn clear_alerts(
        &self,
        source: &AlertSource<'_>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Notified>, EngineError> {
        let cleared = self.store().clear_notification_alerts(source, now).await?;
        if cleared.is_empty() {
            return Ok(Vec::new());
        }
        let channels = self.notification_channels().await?;
        let mut out = Vec::new();
        for row in &cleared {
            out.extend(self.decide_alert(&channels, row, now).await?);
        }
        Ok(out)
    }

    /// Decides again every alert due at `now` (a group wait or repeat
    /// interval over, or an observation a crash interrupted). The outbox
    /// loop calls it each round; tests call it with the clock they want.
    pub async fn notify_due(&self, now: DateTime<Utc>) -> Result<Vec<Notified>, EngineError> {
        let due = self
            .store()
            .due_notification_alerts(now, SCAN_BATCH)
            .await?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let channels = self.notification_channels().await?;
        let mut out = Vec::new();
        for row in &due {
            out.extend(self.decide_alert(&channels, row, now).await?);
        }
        Ok(out)
    }

    /// Observes `row` as it stands (firing or cleared) and records when to
    /// decide it again.
    async fn decide_alert(
        &self,
        channels: &Channels,
        row: &NotificationAlert,
        now: DateTime<Utc>,
    ) -> Result<Option<Notified>, EngineError> {
        let Some((grouping, policy)) = channels.grouping.get(&row.channel) else {
            // Rules are checked against channels.json when read; the file
            // changed since. Nothing to decide with: unmark it.
            tracing::warn!(channel = %row.channel, "an alert's channel is no longer in channels.json; add it again or remove it from the rule's notify");
            self.store()
                .set_notification_alert_due(&row.channel, &row.fingerprint, row.firing, None)
                .await?;
            return Ok(None);
        };
        let notification: Notification = serde_json::from_str(&row.notification)
            .map_err(|e| EngineError::Background(format!("a stored alert cannot be read: {e}")))?;
        let observation = if row.firing {
            Observation::Firing
        } else {
            Observation::Cleared
        };
        let decision = observe(
            self.store(),
            &row.channel,
            grouping,
            policy,
            &notification,
            observation,
            now,
        )
        .await?;
        let (due, words) = match decision {
            Decision::Send(action) => (None, format!("{} queued", action.as_str())),
            Decision::Wait { reason, until } => (
                Some(until),
                format!("held: {}; due at {}", reason.describe(), until.to_rfc3339()),
            ),
            Decision::Hold(reason) => (None, format!("held: {}", reason.describe())),
        };
        self.store()
            .set_notification_alert_due(&row.channel, &row.fingerprint, row.firing, due)
            .await?;
        Ok(Some(Notified {
            channel: row.channel.clone(),
            fingerprint: row.fingerprint.clone(),
            decision: words,
        }))
    }

    /// Sends every committed notification that can go now.
    pub async fn send_notifications(&self) -> Result<NotifyReport, EngineError> {
        let channels = self.notification_channels().await?;
        if channels.grouping.is_empty() {
            return Ok(NotifyReport::default());
        }
        let claimant = self.store().announce_process().await?;
        let worker = NotifyWorker::new(self.store().clone(), channels.notifiers, claimant);
        Ok(worker.run_until_idle().await?)
    }
}

/// What the condition is about within its object: a health check's name,
/// a tracked query's fingerprint; empty for drift (the object says it).
fn finding(event: &DatabaseEvent) -> String {
    let data = &event.data;
    [&data["check"]["name"], &data["query"]["fingerprint"]]
        .into_iter()
        .find_map(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The alert as channels see it.
fn notification(alert: &Alert, event: &DatabaseEvent) -> Notification {
    let source = match &event.object {
        Some(o) => format!("{}:{o}", event.connection),
        None => event.connection.clone(),
    };
    Notification {
        fingerprint: alert.fingerprint.clone(),
        severity: severity(&event.data, alert.priority),
        title: alert.title.clone(),
        body: alert.body.clone(),
        source,
        links: Vec::new(),
        occurred_at: event.occurred_at,
    }
}

/// The event's own severity (`severity`, or `drift.severity`) in
/// PagerDuty's words, else the rule's priority's.
fn severity(data: &Value, priority: Option<Priority>) -> Severity {
    let named = [&data["severity"], &data["drift"]["severity"]]
        .into_iter()
        .find_map(Value::as_str);
    match named {
        Some("critical") => Severity::Critical,
        Some("high" | "error") => Severity::Error,
        Some("medium" | "warning") => Severity::Warning,
        Some("low" | "info") => Severity::Info,
        _ => match priority {
            Some(Priority::P0) => Severity::Critical,
            Some(Priority::P1) => Severity::Error,
            Some(Priority::P2) | None => Severity::Warning,
            Some(_) => Severity::Info,
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn severities() {
        let check = |data: Value, priority, want| assert_eq!(severity(&data, priority), want);
        check(
            json!({"drift": {"severity": "high"}}),
            None,
            Severity::Error,
        );
        check(json!({"severity": "critical"}), None, Severity::Critical);
        check(json!({"severity": "medium"}), None, Severity::Warning);
        check(json!({}), Some(Priority::P0), Severity::Critical);
        check(json!({}), None, Severity::Warning);
        check(json!({}), Some(Priority::P4), Severity::Info);
    }

    #[test]
    fn findings() {
        let event = |data: Value| DatabaseEvent {
            event: EventKind::HealthFailed,
            connection: "shop".into(),
            object: None,
            data,
            occurred_at: Utc::now(),
        };
        assert_eq!(
            finding(&event(json!({"check": {"name": "locks"}}))),
            "locks"
        );
        assert_eq!(
            finding(&event(json!({"query": {"fingerprint": "ab"}}))),
            "ab"
        );
        assert_eq!(finding(&event(json!({"drift": {}}))), "");
    }
}
