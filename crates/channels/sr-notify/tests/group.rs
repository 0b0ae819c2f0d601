//! Grouping by fingerprint as data: a channel's grouping, a timeline of
//! observations (seconds from the start), and what each one decides.

use chrono::{DateTime, Duration, TimeZone, Utc};
use sr_config::Grouping;
use sr_notify::Action;
use sr_notify::group::{Decision, GroupState, Observation, decide};

fn t(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 18, 0, 0)
        .single()
        .unwrap_or_default()
        + Duration::seconds(seconds)
}

/// What one step decided, in a few words, to compare timelines as data.
fn word(d: Decision) -> String {
    match d {
        Decision::Send(Action::Trigger) => "trigger".into(),
        Decision::Send(Action::Resolve) => "resolve".into(),
        Decision::Send(other) => format!("send {}", other.as_str()),
        Decision::Wait { reason, until } => {
            format!("wait {reason:?} until {}", (until - t(0)).num_seconds())
        }
        Decision::Hold(reason) => format!("hold {reason:?}"),
    }
}

#[track_caller]
fn check(grouping: Grouping, timeline: &[(i64, Observation)], expected: &[&str]) {
    let mut state: Option<GroupState> = None;
    let mut got = Vec::new();
    for (at, observation) in timeline {
        let (decision, next) = decide(&grouping, state.as_ref(), *observation, t(*at));
        got.push(word(decision));
        state = next;
    }
    assert_eq!(got, expected);
}

fn grouping(wait: u32, repeat_minutes: u32, send_resolved: bool) -> Grouping {
    Grouping {
        group_wait_seconds: wait,
        repeat_interval_minutes: repeat_minutes,
        send_resolved,
    }
}

use Observation::{Cleared, Firing};

#[test]
fn a_condition_waits_its_group_wait_then_triggers_once_per_interval() {
    check(
        grouping(30, 60, true),
        &[
            (0, Firing),
            (10, Firing),
            (30, Firing),
            (40, Firing),
            (3629, Firing),
            (3630, Firing),
        ],
        &[
            "wait GroupWait until 30",
            "wait GroupWait until 30",
            "trigger",
            "wait RepeatInterval until 3630",
            "wait RepeatInterval until 3630",
            "trigger",
        ],
    );
}

#[test]
fn fifty_repeats_within_the_interval_send_nothing_more() {
    let mut timeline = vec![(0, Firing)];
    timeline.extend((1..=50).map(|i| (i * 60, Firing)));
    let decisions: Vec<String> = {
        let g = grouping(0, 240, true);
        let mut state = None;
        timeline
            .iter()
            .map(|(at, o)| {
                let (d, next) = decide(&g, state.as_ref(), *o, t(*at));
                state = next;
                word(d)
            })
            .collect()
    };
    assert_eq!(decisions[0], "trigger");
    assert_eq!(
        decisions.iter().filter(|d| *d == "trigger").count(),
        1,
        "{decisions:?}"
    );
}

#[test]
fn healing_resolves_and_a_return_is_a_new_episode() {
    check(
        grouping(0, 240, true),
        &[(0, Firing), (100, Cleared), (200, Cleared), (300, Firing)],
        &["trigger", "resolve", "hold AlreadyClear", "trigger"],
    );
    check(
        grouping(0, 240, false),
        &[(0, Firing), (100, Cleared)],
        &["trigger", "hold ResolvedNotSent"],
    );
}

#[test]
fn a_flap_within_the_group_wait_sends_nothing() {
    check(
        grouping(30, 240, true),
        &[(0, Firing), (10, Cleared), (20, Firing), (50, Firing)],
        &[
            "wait GroupWait until 30",
            "hold Flapped",
            "wait GroupWait until 50",
            "trigger",
        ],
    );
    check(
        grouping(30, 240, true),
        &[(0, Cleared)],
        &["hold AlreadyClear"],
    );
}
