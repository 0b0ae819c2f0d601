//! The weekly report: per connection, the past seven days' drift,
//! regressions and health failures, the auto-issues filed and closed, and
//! the issues open now (sr-store's activity), as data (`report weekly
//! --json`) and as one notification for any channel.
//!
//! - Scheduled: a channel's `weekly_report.schedule` (croner) names its
//!   slots; the report of a slot is committed to the notification outbox
//!   under an id made of the channel and the slot, so however many
//!   processes run the schedule, each slot is committed (and sent) once.
//!   A slot missed while nothing ran is sent late if less than
//!   [`LATE_LIMIT`] old; older ones wait for the next slot.
//! - By hand (`report weekly --send CHANNEL`): a new intent each time.
//!
//! The policy summaries ([`sr_notify::outbox::send_due_summary`]) ride
//! along in the same schedule pass, as both are "due at a time" messages.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use sr_config::{ChannelEntry, Schedule};
use sr_notify::outbox::{NotifyReport, NotifyWorker, send_due_summary};
use sr_notify::{Action, BuildContext, Message, Notification, Notifier, NotifyError, Severity};
use sr_store::{ConnectionActivity, NewNotification};

use crate::{Engine, EngineError};

/// A slot older than this when first seen is skipped, not sent late.
pub const LATE_LIMIT: Duration = Duration::hours(24);

/// The report's period and its numbers per connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeeklyReport {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub connections: Vec<ConnectionActivity>,
}

/// What one pass of the schedule committed, by message id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SchedulePass {
    pub reports: Vec<String>,
    pub summaries: Vec<String>,
}

impl Engine {
    /// The report of the seven days before `until`.
    pub async fn weekly_report(&self, until: DateTime<Utc>) -> Result<WeeklyReport, EngineError> {
        let since = until - Duration::days(7);
        let connections = self.store().activity(since, until).await?;
        Ok(WeeklyReport {
            since,
            until,
            connections,
        })
    }

    /// Commits the report of `slot` for `channel` unless it is committed
    /// already (by any process); its message id when committed now.
    pub async fn enqueue_weekly_report(
        &self,
        channel: &str,
        slot: DateTime<Utc>,
    ) -> Result<Option<String>, EngineError> {
        let id = format!(
            "weekly-report:{channel}:{}",
            slot.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        let report = self.weekly_report(slot).await?;
        self.commit_report(channel, id, &report, "weekly report of its schedule slot")
            .await
    }

    /// Sends the report of the past seven days to `channel` now: a new
    /// intent, committed, then sent through the outbox.
    pub async fn send_weekly_report(&self, channel: &str) -> Result<NotifyReport, EngineError> {
        let entries = self.channel_entries().await?;
        let entry = entries
            .iter()
            .find(|c| c.name == channel)
            .ok_or_else(|| unknown_channel(channel, &entries))?;
        let report = self.weekly_report(Utc::now()).await?;
        let id = format!("weekly-report:{channel}:{}", uuid::Uuid::now_v7());
        self.commit_report(channel, id, &report, "weekly report sent by hand")
            .await?;
        self.send_channel_outbox(std::slice::from_ref(entry)).await
    }

    /// One pass of the channel schedule at `now`: every enabled channel's
    /// due report slot and due policy summary is committed (once across
    /// processes), then what was committed is sent.
    pub async fn run_channel_schedule(
        &self,
        now: DateTime<Utc>,
    ) -> Result<SchedulePass, EngineError> {
        let entries: Vec<ChannelEntry> = self
            .channel_entries()
            .await?
            .into_iter()
            .filter(|c| c.enabled)
            .collect();
        let mut pass = SchedulePass::default();
        for entry in &entries {
            if let Some(report) = &entry.weekly_report {
                let zone = report
                    .time_zone
                    .map_or_else(|| entry.policy.zone(), |z| z.0);
                if let Some(slot) = due_slot(&report.schedule, zone, now)
                    && let Some(id) = self.enqueue_weekly_report(&entry.name, slot).await?
                {
                    pass.reports.push(id);
                }
            }
            if !entry.policy.is_default()
                && let Some(id) =
                    send_due_summary(self.store(), &entry.name, &entry.policy, now).await?
            {
                pass.summaries.push(id);
            }
        }
        if !pass.reports.is_empty() || !pass.summaries.is_empty() {
            self.send_channel_outbox(&entries).await?;
        }
        Ok(pass)
    }

    async fn commit_report(
        &self,
        channel: &str,
        id: String,
        report: &WeeklyReport,
        reason: &str,
    ) -> Result<Option<String>, EngineError> {
        let message = Message {
            id,
            action: Action::Report,
            notification: notification(report, channel),
        };
        let new = NewNotification {
            message_id: message.id.clone(),
            action: Action::Report.as_str().to_owned(),
            message: serde_json::to_string(&message)
                .map_err(|e| EngineError::Background(format!("the report as JSON: {e}")))?,
        };
        let committed = self
            .store()
            .enqueue_notification_once(channel, &message.notification.fingerprint, &new, reason)
            .await?;
        Ok(committed.map(|_| message.id))
    }

    /// channels.json as it is now, read and checked on a blocking thread.
    async fn channel_entries(&self) -> Result<Vec<ChannelEntry>, EngineError> {
        let path = self.paths().channels_file();
        let file = tokio::task::spawn_blocking(move || {
            sr_config::load_channels(&path, &crate::channels())
        })
        .await
        .map_err(|e| EngineError::Background(e.to_string()))??;
        Ok(file.channels)
    }

    /// Sends the notification outbox through the notifiers of `entries`
    /// (built on a blocking thread: a secret may come from the keyring).
    async fn send_channel_outbox(
        &self,
        entries: &[ChannelEntry],
    ) -> Result<NotifyReport, EngineError> {
        let entries = entries.to_vec();
        let resolver = self.resolver();
        let notifiers = tokio::task::spawn_blocking(move || {
            let registry = crate::channels();
            let ctx = BuildContext::new(resolver)?;
            entries
                .iter()
                .filter(|e| e.enabled)
                .map(|e| registry.build(e, &ctx))
                .collect::<Result<Vec<Arc<dyn Notifier>>, _>>()
        })
        .await
        .map_err(|e| EngineError::Background(e.to_string()))??;
        let claimant = self.store().announce_process().await?;
        Ok(NotifyWorker::new(self.store().clone(), notifiers, claimant)
            .run_until_idle()
            .await?)
    }
}

fn unknown_channel(channel: &str, entries: &[ChannelEntry]) -> EngineError {
    let names: Vec<&str> = entries.iter().map(|c| c.name.as_str()).collect();
    EngineError::Notify(NotifyError::Config {
        channel: channel.to_owned(),
        message: format!(
            "no such channel in channels.json (channels: {}); add it there or name one of those",
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        ),
    })
}

/// The schedule's slot due at `now` in `zone`: the latest at or before
/// `now`, if it is less than [`LATE_LIMIT`] old.
pub fn due_slot(schedule: &Schedule, zone: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    // Cron counts whole minutes; croner is asked at the start of the
    // current one (it searches back from a time with seconds and
    // nanoseconds without end).
    let minute = now
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now);
    let local = minute.with_timezone(&zone);
    let slot = schedule
        .cron()
        .find_previous_occurrence(&local, true)
        .ok()?
        .with_timezone(&Utc);
    (now - slot < LATE_LIMIT).then_some(slot)
}

/// The report as a notification to `channel`.
pub fn notification(report: &WeeklyReport, channel: &str) -> Notification {
    let day = |t: DateTime<Utc>| t.format("%Y-%m-%d").to_string();
    let mut body = String::new();
    let mut totals: BTreeMap<&str, i64> = BTreeMap::new();
    for c in &report.connections {
        let count = |event: &str| c.alerts.get(event).copied().unwrap_or(0);
        let other: i64 = c
            .alerts
            .iter()
            .filter(|(k, _)| !KNOWN.contains(&k.as_str()))
            .map(|(_, v)| v)
            .sum();
        let row = [
            ("drift", count("drift.detected")),
            ("regressions", count("performance.regression")),
            ("health failures", count("health.failed")),
            ("other alerts", other),
            ("auto-issues filed", c.issues_filed),
            ("closed", c.issues_closed),
            ("open issues", c.open_issues),
        ];
        body.push_str(&format!("- **{}**: ", c.connection));
        let words: Vec<String> = row.iter().map(|(w, n)| format!("{w} {n}")).collect();
        body.push_str(&words.join(", "));
        body.push('\n');
        for (w, n) in row {
            *totals.entry(w).or_default() += n;
        }
    }
    if report.connections.is_empty() {
        body.push_str("A quiet week: no alerts, no auto-issues, no open issues.\n");
    } else {
        let get = |w: &str| totals.get(w).copied().unwrap_or(0);
        body = format!(
            "All connections: drift {}, regressions {}, health failures {}, auto-issues filed {} and closed {}, open issues {}.\n\n{body}",
            get("drift"),
            get("regressions"),
            get("health failures"),
            get("auto-issues filed"),
            get("closed"),
            get("open issues"),
        );
    }
    Notification {
        fingerprint: format!("weekly-report:{channel}"),
        severity: Severity::Info,
        title: format!(
            "Weekly report, {} to {}",
            day(report.since),
            day(report.until)
        ),
        body,
        source: "scratchrobin".into(),
        links: Vec::new(),
        occurred_at: report.until,
    }
}

/// The event types the report names on their own.
const KNOWN: [&str; 3] = ["drift.detected", "performance.regression", "health.failed"];
