//! The noise policy with explicit clocks: the rate limit's sliding window,
//! quiet hours across midnight in a time zone (and across both DST
//! changes), the daily cap's local day, resolves that always pass, and
//! the one summary of what was held back.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use sr_config::{ClockTime, NoisePolicy, QuietHours, RateLimit, TimeZone as Zone};
use sr_notify::group::{GroupState, HoldReason, unsent};
use sr_notify::policy::{ChannelState, Verdict, admit, due_summary, local_instant, quiet_until};
use sr_notify::{Action, Notification, Severity};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("a valid UTC time")
}

fn hm(h: u32, m: u32) -> ClockTime {
    ClockTime(NaiveTime::from_hms_opt(h, m, 0).expect("a valid time"))
}

fn alert(fingerprint: &str, severity: Severity) -> Notification {
    Notification {
        fingerprint: fingerprint.into(),
        severity,
        title: format!("Drift {fingerprint}"),
        body: String::new(),
        source: "shop".into(),
        links: Vec::new(),
        occurred_at: utc(2026, 12, 7, 12, 0),
    }
}

const BERLIN: Tz = chrono_tz::Europe::Berlin;

fn quiet(start: ClockTime, end: ClockTime, critical_overrides: bool) -> NoisePolicy {
    NoisePolicy {
        time_zone: Some(Zone(BERLIN)),
        quiet_hours: Some(QuietHours {
            start,
            end,
            critical_overrides,
        }),
        ..NoisePolicy::default()
    }
}

/// Runs `steps` (time, alert, action) through `admit` from an empty
/// state; the verdicts and the final state.
fn run(
    policy: &NoisePolicy,
    steps: &[(DateTime<Utc>, &Notification, Action)],
) -> (Vec<Verdict>, ChannelState) {
    let mut state = ChannelState::default();
    let mut verdicts = Vec::new();
    for (now, n, action) in steps {
        let (v, next) = admit(policy, &state, n, *action, *now);
        verdicts.push(v);
        state = next;
    }
    (verdicts, state)
}

#[test]
fn the_rate_limit_is_a_sliding_window() {
    let policy = NoisePolicy {
        rate_limit: Some(RateLimit {
            max: 2,
            per_minutes: 10,
        }),
        ..NoisePolicy::default()
    };
    let (a, b, c) = (
        alert("a", Severity::Error),
        alert("b", Severity::Error),
        alert("c", Severity::Error),
    );
    let t0 = utc(2026, 12, 7, 12, 0);
    let (verdicts, state) = run(
        &policy,
        &[
            (t0, &a, Action::Trigger),
            (t0 + Duration::minutes(1), &b, Action::Trigger),
            (t0 + Duration::minutes(2), &c, Action::Trigger),
            // The first one left the window: room for one.
            (t0 + Duration::minutes(10), &c, Action::Trigger),
            (t0 + Duration::minutes(10), &a, Action::Trigger),
        ],
    );
    let end_of_day = utc(2026, 12, 8, 0, 0);
    let held = Verdict::Held {
        reason: HoldReason::RateLimit,
        summary_at: end_of_day,
    };
    assert_eq!(
        verdicts,
        [Verdict::Pass, Verdict::Pass, held, Verdict::Pass, held]
    );
    assert_eq!(state.recent.len(), 2);
    assert_eq!(state.summary_due, Some(end_of_day));
    let held: Vec<_> = state
        .held
        .iter()
        .map(|h| (h.fingerprint.as_str(), h.times))
        .collect();
    assert_eq!(held, [("c", 1), ("a", 1)]);
}

#[test]
fn quiet_hours_cross_midnight_in_their_zone_and_critical_may_override() {
    let policy = quiet(hm(22, 0), hm(7, 0), true);
    let (warn, crit) = (
        alert("w", Severity::Warning),
        alert("c", Severity::Critical),
    );
    // 21:30 UTC is 22:30 in Berlin (CET, UTC+1): quiet until 07:00 CET.
    let night = utc(2026, 12, 7, 21, 30);
    let (verdicts, _) = run(
        &policy,
        &[
            (utc(2026, 12, 7, 20, 59), &warn, Action::Trigger),
            (night, &warn, Action::Trigger),
            (night, &crit, Action::Trigger),
            (utc(2026, 12, 8, 5, 59), &warn, Action::Trigger),
            (utc(2026, 12, 8, 6, 0), &warn, Action::Trigger),
        ],
    );
    let held = Verdict::Held {
        reason: HoldReason::QuietHours,
        summary_at: utc(2026, 12, 8, 6, 0),
    };
    assert_eq!(
        verdicts,
        [Verdict::Pass, held, Verdict::Pass, held, Verdict::Pass]
    );
    // Without the override, critical waits too.
    let strict = quiet(hm(22, 0), hm(7, 0), false);
    let (verdicts, _) = run(&strict, &[(night, &crit, Action::Trigger)]);
    assert_eq!(verdicts, [held]);
    // A window within one day.
    let lunch = quiet(hm(12, 0), hm(13, 30), false);
    assert_eq!(
        quiet_until(
            lunch.quiet_hours.as_ref().expect("quiet hours"),
            BERLIN,
            utc(2026, 12, 7, 11, 0)
        ),
        Some(utc(2026, 12, 7, 12, 30))
    );
    assert_eq!(
        quiet_until(
            lunch.quiet_hours.as_ref().expect("quiet hours"),
            BERLIN,
            utc(2026, 12, 7, 12, 30)
        ),
        None
    );
}

#[test]
fn quiet_hours_across_the_dst_changes() {
    let q = QuietHours {
        start: hm(22, 0),
        end: hm(2, 30),
        critical_overrides: false,
    };
    // Spring forward, 29 March 2026: 02:00 CET jumps to 03:00 CEST, so
    // 02:30 never happens; the window ends when the gap does (01:00 UTC).
    assert_eq!(
        quiet_until(&q, BERLIN, utc(2026, 3, 28, 23, 0)),
        Some(utc(2026, 3, 29, 1, 0))
    );
    assert_eq!(quiet_until(&q, BERLIN, utc(2026, 3, 29, 1, 0)), None);
    // Fall back, 25 October 2026: 03:00 CEST goes back to 02:00 CET, so
    // 02:30 happens twice; the window ends at the first (00:30 UTC) and
    // the repeated hour is not quiet again.
    assert_eq!(
        quiet_until(&q, BERLIN, utc(2026, 10, 24, 23, 0)),
        Some(utc(2026, 10, 25, 0, 30))
    );
    assert_eq!(quiet_until(&q, BERLIN, utc(2026, 10, 25, 0, 45)), None);
    // 01:15 UTC reads 02:15 CET, the second time round.
    assert_eq!(quiet_until(&q, BERLIN, utc(2026, 10, 25, 1, 15)), None);
    // The local day ends at local midnight, whatever the offset.
    let date = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).expect("a date");
    assert_eq!(
        local_instant(BERLIN, date(3, 30), NaiveTime::MIN),
        utc(2026, 3, 29, 22, 0)
    );
    assert_eq!(
        local_instant(BERLIN, date(10, 26), NaiveTime::MIN),
        utc(2026, 10, 25, 23, 0)
    );
}

#[test]
fn the_daily_cap_counts_a_local_day_and_never_holds_a_resolve() {
    let policy = NoisePolicy {
        time_zone: Some(Zone(BERLIN)),
        daily_cap: Some(2),
        ..NoisePolicy::default()
    };
    let (a, b, c) = (
        alert("a", Severity::Error),
        alert("b", Severity::Error),
        alert("c", Severity::Critical),
    );
    let midnight = utc(2026, 12, 7, 23, 0); // 00:00 in Berlin
    let (verdicts, state) = run(
        &policy,
        &[
            (utc(2026, 12, 7, 8, 0), &a, Action::Trigger),
            (utc(2026, 12, 7, 9, 0), &b, Action::Trigger),
            (utc(2026, 12, 7, 10, 0), &c, Action::Trigger),
            // a's trigger was sent: its resolve goes out over the cap.
            (utc(2026, 12, 7, 11, 0), &a, Action::Resolve),
            (utc(2026, 12, 7, 22, 59), &c, Action::Trigger),
            (midnight, &c, Action::Trigger),
        ],
    );
    let held = Verdict::Held {
        reason: HoldReason::DailyCap,
        summary_at: midnight,
    };
    assert_eq!(
        verdicts,
        [
            Verdict::Pass,
            Verdict::Pass,
            held,
            Verdict::Pass,
            held,
            Verdict::Pass
        ]
    );
    assert_eq!(state.day_count, 1);
    assert_eq!(state.held.len(), 1);
    assert_eq!(state.held[0].times, 2);
}

#[test]
fn one_summary_when_the_quiet_hours_end_and_none_before() {
    let mut policy = quiet(hm(22, 0), hm(7, 0), false);
    policy.daily_cap = Some(1);
    let (a, b) = (
        alert("a", Severity::Warning),
        alert("b", Severity::Critical),
    );
    let (_, state) = run(
        &policy,
        &[
            (utc(2026, 12, 7, 12, 0), &a, Action::Trigger),
            // Over the cap: its summary is due at midnight, which is in
            // the quiet hours...
            (utc(2026, 12, 7, 13, 0), &b, Action::Trigger),
            (utc(2026, 12, 7, 22, 0), &b, Action::Trigger),
            (utc(2026, 12, 7, 23, 30), &a, Action::Trigger),
        ],
    );
    assert_eq!(state.summary_due, Some(utc(2026, 12, 7, 23, 0)));
    assert_eq!(
        due_summary("ops", &policy, &state, utc(2026, 12, 7, 22, 0)),
        None
    );
    // ...so it waits for their end.
    assert_eq!(
        due_summary("ops", &policy, &state, utc(2026, 12, 8, 5, 59)),
        None
    );
    let (summary, after) =
        due_summary("ops", &policy, &state, utc(2026, 12, 8, 6, 0)).expect("a summary is due");
    assert_eq!(summary.title, "3 notifications were held back on ops");
    assert_eq!(summary.severity, Severity::Critical);
    assert_eq!(summary.fingerprint, "policy-summary:ops");
    assert!(
        summary
            .body
            .contains("- **Drift b** (critical, trigger): 2 times"),
        "{}",
        summary.body
    );
    assert!(
        summary
            .body
            .contains("held back in the channel's quiet hours"),
        "{}",
        summary.body
    );
    assert!(after.held.is_empty() && after.summary_due.is_none());
    assert_eq!(
        due_summary("ops", &policy, &after, utc(2026, 12, 8, 6, 0)),
        None
    );
}

#[test]
fn a_held_trigger_leaves_nothing_to_resolve() {
    let before = GroupState {
        firing: true,
        since: utc(2026, 12, 7, 12, 0),
        last_trigger: Some(utc(2026, 12, 7, 12, 0)),
    };
    let decided = GroupState {
        last_trigger: Some(utc(2026, 12, 7, 16, 0)),
        ..before.clone()
    };
    // A repeat held back keeps the trigger that was sent...
    assert_eq!(unsent(Some(&before), &decided), before);
    // ...a new episode held back has none.
    let fresh = GroupState {
        firing: true,
        since: utc(2026, 12, 7, 16, 0),
        last_trigger: Some(utc(2026, 12, 7, 16, 0)),
    };
    assert_eq!(unsent(None, &fresh).last_trigger, None);
}
