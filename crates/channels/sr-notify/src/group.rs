//! Grouping by fingerprint, as Alertmanager groups alerts: the pure rule
//! that says, for one channel and one alert, whether an observation of the
//! condition sends a message now, later, or not at all, and why (the
//! monitoring feed shows every message held, with its reason).
//!
//! - A new condition waits `group_wait_seconds` before its trigger, so a
//!   check that flaps (fires, then clears within the wait) sends nothing.
//! - While it lasts, it is sent again only after `repeat_interval_minutes`.
//! - When it clears after its trigger went out, a resolve is sent if
//!   `send_resolved`; when it comes back later it is a new episode.
//!
//! The caller keeps [`GroupState`] per (channel, fingerprint) in its store
//! and calls [`decide`] at each observation, and again at a
//! [`Decision::Wait`]'s `until` with the condition's state then.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sr_config::Grouping;

use crate::Action;

/// What is remembered about one alert on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupState {
    /// Whether the condition holds, as last observed.
    pub firing: bool,
    /// When this episode of the condition was first seen.
    pub since: DateTime<Utc>,
    /// When a trigger of this episode was last sent; `None` before the
    /// first.
    pub last_trigger: Option<DateTime<Utc>>,
}

/// What was observed about the condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observation {
    Firing,
    Cleared,
}

/// Why nothing is sent now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    /// A new condition waits out the group wait.
    GroupWait,
    /// Sent less than a repeat interval ago.
    RepeatInterval,
    /// Cleared within the group wait: it never reached the channel.
    Flapped,
    /// Cleared, and the channel does not take resolve messages.
    ResolvedNotSent,
    /// Cleared again, or cleared without ever firing: nothing to say.
    AlreadyClear,
    /// Cleared after its group wait, but its trigger was never sent (the
    /// channel's policy held it back): nothing to resolve.
    NeverSent,
    /// The channel's rate limit ([`crate::policy`]).
    RateLimit,
    /// The channel's quiet hours.
    QuietHours,
    /// The channel's daily cap.
    DailyCap,
}

impl HoldReason {
    /// A sentence for the monitoring feed.
    pub fn describe(self) -> &'static str {
        match self {
            HoldReason::GroupWait => "new alert, waiting out the group wait",
            HoldReason::RepeatInterval => "already sent within the repeat interval",
            HoldReason::Flapped => "cleared within the group wait, so never sent",
            HoldReason::ResolvedNotSent => "cleared; this channel does not take resolve messages",
            HoldReason::AlreadyClear => "already clear",
            HoldReason::NeverSent => {
                "cleared; its trigger was held back and never sent, so there is nothing to resolve"
            }
            HoldReason::RateLimit => "held back by the channel's rate limit",
            HoldReason::QuietHours => "held back in the channel's quiet hours",
            HoldReason::DailyCap => "held back by the channel's daily cap",
        }
    }
}

/// What to do about one observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send a message doing this now.
    Send(Action),
    /// Nothing now; decide again at `until`.
    Wait {
        reason: HoldReason,
        until: DateTime<Utc>,
    },
    /// Nothing, and nothing to come from this observation.
    Hold(HoldReason),
}

/// The state to keep when a trigger that [`decide`] said to send is held
/// back by the channel's policy instead: the episode as it was before
/// (`before`, if it was firing) or the new one (`decided`) without a sent
/// trigger, so the next observation decides to send again and a clear
/// sends no resolve for it.
pub fn unsent(before: Option<&GroupState>, decided: &GroupState) -> GroupState {
    match before {
        Some(b) if b.firing => b.clone(),
        _ => GroupState {
            last_trigger: None,
            ..decided.clone()
        },
    }
}

/// The decision for `observation` at `now` given the `state` kept for the
/// alert on a channel with `grouping`, and the state to keep afterwards.
pub fn decide(
    grouping: &Grouping,
    state: Option<&GroupState>,
    observation: Observation,
    now: DateTime<Utc>,
) -> (Decision, Option<GroupState>) {
    let wait = Duration::seconds(i64::from(grouping.group_wait_seconds));
    let repeat = Duration::minutes(i64::from(grouping.repeat_interval_minutes));
    match (observation, state) {
        (Observation::Firing, Some(s)) if s.firing => {
            let due = match s.last_trigger {
                None => s.since + wait,
                Some(sent) => sent + repeat,
            };
            if now >= due {
                let next = GroupState {
                    last_trigger: Some(now),
                    ..s.clone()
                };
                (Decision::Send(Action::Trigger), Some(next))
            } else {
                let reason = if s.last_trigger.is_none() {
                    HoldReason::GroupWait
                } else {
                    HoldReason::RepeatInterval
                };
                (Decision::Wait { reason, until: due }, Some(s.clone()))
            }
        }
        // New, or back after it cleared: a new episode.
        (Observation::Firing, _) => {
            let fresh = GroupState {
                firing: true,
                since: now,
                last_trigger: None,
            };
            if wait <= Duration::zero() {
                let sent = GroupState {
                    last_trigger: Some(now),
                    ..fresh
                };
                (Decision::Send(Action::Trigger), Some(sent))
            } else {
                let until = now + wait;
                (
                    Decision::Wait {
                        reason: HoldReason::GroupWait,
                        until,
                    },
                    Some(fresh),
                )
            }
        }
        (Observation::Cleared, Some(s)) if s.firing => {
            let cleared = GroupState {
                firing: false,
                ..s.clone()
            };
            let decision = match (s.last_trigger, grouping.send_resolved) {
                (None, _) if now < s.since + wait => Decision::Hold(HoldReason::Flapped),
                (None, _) => Decision::Hold(HoldReason::NeverSent),
                (Some(_), true) => Decision::Send(Action::Resolve),
                (Some(_), false) => Decision::Hold(HoldReason::ResolvedNotSent),
            };
            (decision, Some(cleared))
        }
        (Observation::Cleared, state) => (Decision::Hold(HoldReason::AlreadyClear), state.cloned()),
    }
}
