//! A channel's noise policy as a pure rule: whether a message that
//! grouping decided to send may reach the channel now (rate limit, quiet
//! hours, daily cap), and when the one summary of what was held back is
//! due. Every time is an argument, so tests pin the clock, DST edges
//! included.
//!
//! - Checked in this order, the first that holds a message names the
//!   reason: quiet hours (a critical alert passes when
//!   `critical_overrides`), the daily cap (a local day of the policy's
//!   zone), the rate limit (a sliding window).
//! - A resolve always passes and is never counted against a limit:
//!   grouping sends one only after its trigger was sent, and it closes
//!   what someone already saw (PagerDuty's incident among them).
//! - A held message is remembered (merged per alert and action, with a
//!   count) for the summary, due at the end of the quiet hours or at the
//!   end of the local day (cap, rate limit), whichever comes first, and
//!   never sent inside quiet hours.
//! - Local times that a DST change skips (02:30 on a spring-forward day)
//!   mean the first instant after the gap; times it repeats mean the
//!   earlier one.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sr_config::{NoisePolicy, QuietHours};

use crate::group::HoldReason;
use crate::{Action, Notification, Severity};

/// Held-back alerts listed one by one in a summary; more are counted.
const MAX_LISTED: usize = 50;

/// What is remembered about one channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChannelState {
    /// When the messages inside the rate window were let through.
    pub recent: Vec<DateTime<Utc>>,
    /// The local day `day_count` counts.
    pub day: Option<NaiveDate>,
    pub day_count: u32,
    /// Held back since the last summary, per alert and action.
    pub held: Vec<HeldBack>,
    /// Held back beyond [`MAX_LISTED`] distinct alerts.
    pub more: u32,
    /// When the summary of `held` is due.
    pub summary_due: Option<DateTime<Utc>>,
}

/// An alert held back, for the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldBack {
    pub fingerprint: String,
    pub title: String,
    pub severity: Severity,
    pub action: Action,
    /// Why it was held the last time.
    pub reason: HoldReason,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub times: u32,
}

/// Whether a message may go now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// Not now, for `reason`; in the summary due at `summary_at`.
    Held {
        reason: HoldReason,
        summary_at: DateTime<Utc>,
    },
}

/// The verdict on sending `notification` doing `action` at `now` under
/// `policy`, and the channel's state afterwards.
pub fn admit(
    policy: &NoisePolicy,
    state: &ChannelState,
    notification: &Notification,
    action: Action,
    now: DateTime<Utc>,
) -> (Verdict, ChannelState) {
    let tz = policy.zone();
    let mut next = state.clone();
    let today = now.with_timezone(&tz).date_naive();
    if next.day != Some(today) {
        next.day = Some(today);
        next.day_count = 0;
    }
    if let Some(rate) = policy.rate_limit {
        let window = Duration::minutes(i64::from(rate.per_minutes));
        next.recent.retain(|t| *t > now - window);
    } else {
        next.recent.clear();
    }
    if action == Action::Resolve {
        return (Verdict::Pass, next);
    }
    let end_of_day = local_instant(tz, today + Duration::days(1), NaiveTime::MIN);
    let held = if let Some(end) = policy
        .quiet_hours
        .as_ref()
        .filter(|q| !(q.critical_overrides && notification.severity == Severity::Critical))
        .and_then(|q| quiet_until(q, tz, now))
    {
        Some((HoldReason::QuietHours, end))
    } else if policy.daily_cap.is_some_and(|cap| next.day_count >= cap) {
        Some((HoldReason::DailyCap, end_of_day))
    } else if policy
        .rate_limit
        .is_some_and(|rate| next.recent.len() >= rate.max as usize)
    {
        Some((HoldReason::RateLimit, end_of_day))
    } else {
        None
    };
    match held {
        None => {
            next.day_count += 1;
            if policy.rate_limit.is_some() {
                next.recent.push(now);
            }
            (Verdict::Pass, next)
        }
        Some((reason, summary_at)) => {
            remember(&mut next, notification, action, reason, now);
            let due = next.summary_due.map_or(summary_at, |d| d.min(summary_at));
            next.summary_due = Some(due);
            (Verdict::Held { reason, summary_at }, next)
        }
    }
}

fn remember(
    state: &mut ChannelState,
    n: &Notification,
    action: Action,
    reason: HoldReason,
    now: DateTime<Utc>,
) {
    if let Some(h) = state
        .held
        .iter_mut()
        .find(|h| h.fingerprint == n.fingerprint && h.action == action)
    {
        h.times += 1;
        h.last = now;
        h.reason = reason;
        h.title.clone_from(&n.title);
    } else if state.held.len() < MAX_LISTED {
        state.held.push(HeldBack {
            fingerprint: n.fingerprint.clone(),
            title: n.title.clone(),
            severity: n.severity,
            action,
            reason,
            first: now,
            last: now,
            times: 1,
        });
    } else {
        state.more += 1;
    }
}

/// When `now` falls in `quiet` hours (local to `tz`), the instant they end.
pub fn quiet_until(quiet: &QuietHours, tz: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let local = now.with_timezone(&tz);
    let (date, time) = (local.date_naive(), local.time());
    let (start, end) = (quiet.start.0, quiet.end.0);
    let end_date = if start < end {
        (start <= time && time < end).then_some(date)?
    } else if time >= start {
        date + Duration::days(1)
    } else if time < end {
        date
    } else {
        return None;
    };
    let until = local_instant(tz, end_date, end);
    // On the night a DST change repeats the end time, the window closed
    // at its first occurrence: the repeated hour is no longer quiet.
    (until > now).then_some(until)
}

/// The instant `date` at `time` in `tz`: the earlier of a repeated time,
/// the first instant after a skipped one.
pub fn local_instant(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let wanted = date.and_time(time);
    // A gap is at most a day long (Samoa skipped 30 December 2011);
    // minute steps find its end, as no zone moves by less.
    for minutes in 0..=(48 * 60) {
        if let Some(t) = tz
            .from_local_datetime(&(wanted + Duration::minutes(minutes)))
            .earliest()
        {
            return t.with_timezone(&Utc);
        }
    }
    // Unreachable for any zone of the database; UTC's reading of the
    // local time is the nearest sensible answer.
    Utc.from_utc_datetime(&wanted)
}

/// The summary due at `now`, if one is: the notification to send to
/// `channel` and the state afterwards (nothing held). None inside quiet
/// hours: it waits for their end.
pub fn due_summary(
    channel: &str,
    policy: &NoisePolicy,
    state: &ChannelState,
    now: DateTime<Utc>,
) -> Option<(Notification, ChannelState)> {
    let due = state.summary_due?;
    if now < due || state.held.is_empty() {
        return None;
    }
    let tz = policy.zone();
    if policy
        .quiet_hours
        .as_ref()
        .is_some_and(|q| quiet_until(q, tz, now).is_some())
    {
        return None;
    }
    let total: u32 = state.held.iter().map(|h| h.times).sum::<u32>() + state.more;
    let severity = state
        .held
        .iter()
        .map(|h| h.severity)
        .min_by_key(|s| rank(*s))
        .unwrap_or(Severity::Info);
    let mut body = format!(
        "The channel's policy held back {total} message{} since {}:\n\n",
        if total == 1 { "" } else { "s" },
        local_text(tz, state.held.iter().map(|h| h.first).min().unwrap_or(due)),
    );
    for h in &state.held {
        body.push_str(&format!(
            "- **{}** ({}, {}): {} time{}, last at {}; {}\n",
            h.title,
            h.severity.as_str(),
            h.action.as_str(),
            h.times,
            if h.times == 1 { "" } else { "s" },
            local_text(tz, h.last),
            h.reason.describe(),
        ));
    }
    if state.more > 0 {
        body.push_str(&format!(
            "- and {} more of other alerts, not listed\n",
            state.more
        ));
    }
    body.push_str("\nAlerts still firing are sent again at their next check.\n");
    let notification = Notification {
        fingerprint: summary_fingerprint(channel),
        severity,
        title: format!(
            "{total} notification{} held back on {channel}",
            if total == 1 { " was" } else { "s were" }
        ),
        body,
        source: channel.to_owned(),
        links: Vec::new(),
        occurred_at: now,
    };
    let next = ChannelState {
        held: Vec::new(),
        more: 0,
        summary_due: None,
        ..state.clone()
    };
    Some((notification, next))
}

/// The fingerprint under which a channel's summaries are recorded.
pub fn summary_fingerprint(channel: &str) -> String {
    format!("policy-summary:{channel}")
}

fn rank(s: Severity) -> u8 {
    match s {
        Severity::Critical => 0,
        Severity::Error => 1,
        Severity::Warning => 2,
        Severity::Info => 3,
    }
}

fn local_text(tz: Tz, t: DateTime<Utc>) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string()
}
