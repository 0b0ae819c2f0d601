//! Notifications through the store's outbox, exactly once.
//!
//! - [`observe`]: one observation of an alert on one channel goes through
//!   [`group::decide`] against the state the store keeps for (channel,
//!   fingerprint); the new state, the message (its idempotency id chosen
//!   here, once) and a feed entry with the reason are committed together,
//!   and only on the state version decided on, so two processes observing
//!   at once decide once (the loser reads again and decides again). A
//!   message to send then passes the channel's [`policy`], whose state is
//!   committed with the step the same way; one held back is in the feed
//!   with its reason (rate limit, quiet hours, daily cap).
//! - [`send_due_summary`]: the one summary of what the policy held back,
//!   committed once when due.
//! - [`NotifyWorker`]: claims committed messages as leases and sends them.
//!   A message whose earlier attempt ended unknown (a crash after the
//!   send, a timeout) is sent again only to a channel that deduplicates
//!   ([`Notifier::deduplicates`]: PagerDuty, signed webhooks); Slack and
//!   Teams get it at most once, and the feed says it was not resent.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sr_config::{Grouping, NoisePolicy};
use sr_store::{
    ChannelStateWrite, FeedOutcome, NewNotification, NotificationStatus, NotificationStep,
    OutboxNotification, Store, Takeover,
};

use crate::group::{self, Decision, GroupState, Observation};
use crate::policy::{self, ChannelState, Verdict};
use crate::{Action, Message, Notification, Notifier, NotifyError};

/// How often [`observe`] reads again after losing a race before it gives
/// up; each loss means another process just decided, so a few suffice.
const MAX_RACES: usize = 8;

/// Claims last this long; a sender hung past it loses its message.
const CLAIM_TIMEOUT: Duration = Duration::from_secs(120);

/// Messages claimed at a time: one. A claim counts an attempt, so a
/// sender killed while sending the first of a batch would leave the
/// others looking attempted, and a channel that cannot drop a repeat would
/// never get them (at most once turned into never).
const BATCH: usize = 1;

/// Decides what `observation` of `notification`'s alert at `now` does on
/// `channel` (grouped by `grouping`, then let through or held back by
/// `policy`) and commits it. The decision made: a message the policy
/// held back is a [`Decision::Hold`] with its reason.
pub async fn observe(
    store: &Store,
    channel: &str,
    grouping: &Grouping,
    policy: &NoisePolicy,
    notification: &Notification,
    observation: Observation,
    now: DateTime<Utc>,
) -> Result<Decision, NotifyError> {
    let fingerprint = &notification.fingerprint;
    for _ in 0..MAX_RACES {
        let row = store.notification_group(channel, fingerprint).await?;
        let state: Option<GroupState> = match &row {
            Some(r) => Some(serde_json::from_str(&r.state).map_err(|e| corrupt(channel, &e))?),
            None => None,
        };
        let (mut decision, mut next) = group::decide(grouping, state.as_ref(), observation, now);
        let observed = match observation {
            Observation::Firing => Action::Trigger,
            Observation::Cleared => Action::Resolve,
        };
        // The policy is consulted only for a message about to be sent, and
        // its state is written with the step: of two processes at once,
        // one passes the limit and the other decides again on its count.
        let mut policy_write = None;
        let mut summary_at = None;
        if let (Decision::Send(action), false) = (decision, policy.is_default()) {
            let row = store.notification_channel(channel).await?;
            let channel_state: ChannelState = match &row {
                Some(r) => serde_json::from_str(&r.state).map_err(|e| corrupt(channel, &e))?,
                None => ChannelState::default(),
            };
            let (verdict, after) = policy::admit(policy, &channel_state, notification, action, now);
            policy_write = Some(ChannelStateWrite {
                expected_version: row.as_ref().map(|r| r.version),
                state: serde_json::to_string(&after).map_err(|e| corrupt(channel, &e))?,
            });
            if let Verdict::Held {
                reason,
                summary_at: at,
            } = verdict
            {
                decision = Decision::Hold(reason);
                next = next.map(|n| group::unsent(state.as_ref(), &n));
                summary_at = Some(at);
            }
        }
        let (send, outcome, reason, action) = match decision {
            Decision::Send(action) => {
                let message = Message {
                    // v7: time-ordered, unique across processes.
                    id: uuid::Uuid::now_v7().to_string(),
                    action,
                    notification: notification.clone(),
                };
                let json = serde_json::to_string(&message).map_err(|e| corrupt(channel, &e))?;
                let new = NewNotification {
                    message_id: message.id,
                    action: action.as_str().to_owned(),
                    message: json,
                };
                (Some(new), FeedOutcome::Queued, "queued".to_owned(), action)
            }
            Decision::Wait { reason, until } => (
                None,
                FeedOutcome::Held,
                format!("{}; due at {}", reason.describe(), until.to_rfc3339()),
                observed,
            ),
            Decision::Hold(reason) => (
                None,
                FeedOutcome::Held,
                match summary_at {
                    Some(at) => format!(
                        "{}; in the summary of what was held back, due at {}",
                        reason.describe(),
                        at.to_rfc3339()
                    ),
                    None => reason.describe().to_owned(),
                },
                observed,
            ),
        };
        let state = next
            .map(|s| serde_json::to_string(&s))
            .transpose()
            .map_err(|e| corrupt(channel, &e))?;
        let step = NotificationStep {
            channel: channel.to_owned(),
            fingerprint: fingerprint.clone(),
            expected_version: row.as_ref().map(|r| r.version),
            state,
            send,
            policy: policy_write,
            action: action.as_str().to_owned(),
            outcome,
            reason,
        };
        if store.apply_notification_step(&step).await?.is_some() {
            return Ok(decision);
        }
        tracing::debug!(channel, fingerprint = %fingerprint, "another process decided first; deciding again");
    }
    Err(raced(channel, fingerprint))
}

/// Commits the summary of what `policy` held back on `channel`, if one is
/// due at `now` (see [`policy::due_summary`]): once, however many
/// processes ask at once, since it replaces the channel's state on the
/// version read. The summary's message id, when one was committed.
pub async fn send_due_summary(
    store: &Store,
    channel: &str,
    policy: &NoisePolicy,
    now: DateTime<Utc>,
) -> Result<Option<String>, NotifyError> {
    for _ in 0..MAX_RACES {
        let Some(row) = store.notification_channel(channel).await? else {
            return Ok(None);
        };
        let state: ChannelState =
            serde_json::from_str(&row.state).map_err(|e| corrupt(channel, &e))?;
        let Some((notification, after)) = policy::due_summary(channel, policy, &state, now) else {
            return Ok(None);
        };
        let message = Message {
            // Named by the channel's state version it summarises: the same
            // summary has the same id.
            id: format!("summary:{channel}:{}", row.version),
            action: Action::Report,
            notification,
        };
        let step = NotificationStep {
            channel: channel.to_owned(),
            fingerprint: message.notification.fingerprint.clone(),
            expected_version: None,
            state: None,
            send: Some(NewNotification {
                message_id: message.id.clone(),
                action: Action::Report.as_str().to_owned(),
                message: serde_json::to_string(&message).map_err(|e| corrupt(channel, &e))?,
            }),
            policy: Some(ChannelStateWrite {
                expected_version: Some(row.version),
                state: serde_json::to_string(&after).map_err(|e| corrupt(channel, &e))?,
            }),
            action: Action::Report.as_str().to_owned(),
            outcome: FeedOutcome::Queued,
            reason: format!("summary: {}", message.notification.title),
        };
        if store.apply_notification_step(&step).await?.is_some() {
            return Ok(Some(message.id));
        }
    }
    Err(raced(channel, &policy::summary_fingerprint(channel)))
}

fn raced(channel: &str, fingerprint: &str) -> NotifyError {
    NotifyError::Config {
        channel: channel.to_owned(),
        message: format!(
            "the alert {fingerprint} changed {MAX_RACES} times while being decided; it is decided again at its next observation"
        ),
    }
}

fn corrupt(channel: &str, e: &serde_json::Error) -> NotifyError {
    NotifyError::Config {
        channel: channel.to_owned(),
        message: format!(
            "its grouping state or message in the store cannot be read ({e}); this is a bug, please report it"
        ),
    }
}

/// What a [`NotifyWorker::run_until_idle`] did, by message id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NotifyReport {
    pub sent: Vec<String>,
    /// Failed for good, or not resent after an unknown outcome.
    pub failed: Vec<String>,
    /// Given back for a later run (rate limited, service down).
    pub retry: Vec<String>,
}

/// Sends the notification outbox.
#[derive(Clone)]
pub struct NotifyWorker {
    store: Store,
    notifiers: BTreeMap<String, Arc<dyn Notifier>>,
    claimant: String,
    takeover: Takeover,
}

impl std::fmt::Debug for NotifyWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyWorker")
            .field("channels", &self.notifiers.keys().collect::<Vec<_>>())
            .field("claimant", &self.claimant)
            .finish_non_exhaustive()
    }
}

impl NotifyWorker {
    /// A worker sending through `notifiers` (one per channel name),
    /// claiming as `claimant` ([`Store::announce_process`]'s id on a team
    /// store).
    pub fn new(store: Store, notifiers: Vec<Arc<dyn Notifier>>, claimant: String) -> Self {
        NotifyWorker {
            store,
            notifiers: notifiers
                .into_iter()
                .map(|n| (n.channel().to_owned(), n))
                .collect(),
            claimant,
            takeover: Takeover::work(CLAIM_TIMEOUT),
        }
    }

    /// Judges other claimants with `takeover` instead (tests).
    pub fn with_takeover(self, takeover: Takeover) -> Self {
        NotifyWorker { takeover, ..self }
    }

    /// Sends every message that can be sent now; each at most once per
    /// run (one given back is tried again by a later run).
    pub async fn run_until_idle(&self) -> Result<NotifyReport, NotifyError> {
        let mut report = NotifyReport::default();
        let mut tried = HashSet::new();
        loop {
            let batch = self
                .store
                .claim_notifications(&self.claimant, BATCH, &self.takeover)
                .await?;
            if batch.is_empty() {
                return Ok(report);
            }
            let mut fresh = false;
            for n in batch {
                if !tried.insert(n.id) {
                    // Given back earlier in this run: leave it for the next.
                    self.finish(&n, NotificationStatus::Pending, "tried in this run")
                        .await?;
                    continue;
                }
                fresh = true;
                self.send_one(n, &mut report).await?;
            }
            if !fresh {
                return Ok(report);
            }
        }
    }

    async fn send_one(
        &self,
        n: OutboxNotification,
        report: &mut NotifyReport,
    ) -> Result<(), NotifyError> {
        let id = n.new.message_id.clone();
        let Some(notifier) = self.notifiers.get(&n.channel) else {
            let reason = format!(
                "channel \"{}\" is not configured or not enabled; add it to channels.json or remove it from the rule's notify",
                n.channel
            );
            self.finish(&n, NotificationStatus::Failed, &reason).await?;
            report.failed.push(id);
            return Ok(());
        };
        if n.attempts > 1 && !notifier.deduplicates() {
            // An earlier attempt may have arrived and the service cannot
            // tell a repeat: sending again could post it twice.
            let reason = "an earlier attempt ended without a known outcome and this channel cannot drop a repeat, so it is not sent again (at most once)";
            self.finish(&n, NotificationStatus::Failed, reason).await?;
            report.failed.push(id);
            return Ok(());
        }
        let message: Message =
            serde_json::from_str(&n.new.message).map_err(|e| corrupt(&n.channel, &e))?;
        match notifier.send(&message).await {
            Ok(delivered) => {
                let reason = format!("{} {}", delivered.status, delivered.detail);
                self.finish(&n, NotificationStatus::Sent, reason.trim())
                    .await?;
                report.sent.push(id);
            }
            // Unreachable may mean sent with the answer lost: only a
            // channel that drops repeats may have it again.
            Err(e @ NotifyError::Unreachable { .. }) if !notifier.deduplicates() => {
                self.finish(&n, NotificationStatus::Failed, &e.to_string())
                    .await?;
                report.failed.push(id);
            }
            Err(e) if e.retryable() => {
                self.finish(&n, NotificationStatus::Pending, &e.to_string())
                    .await?;
                report.retry.push(id);
            }
            Err(e) => {
                self.finish(&n, NotificationStatus::Failed, &e.to_string())
                    .await?;
                report.failed.push(id);
            }
        }
        Ok(())
    }

    async fn finish(
        &self,
        n: &OutboxNotification,
        status: NotificationStatus,
        reason: &str,
    ) -> Result<(), NotifyError> {
        if !self
            .store
            .finish_notification(n.id, &self.claimant, status, reason)
            .await?
        {
            tracing::warn!(message = %n.new.message_id, "the claim was taken over while sending; its new holder records the outcome");
        }
        Ok(())
    }
}
