//! A channel's `policy` and `weekly_report` in channels.json: read into
//! real types (an IANA zone, a time of day, a cron pattern), each mistake
//! placed at its value with the fix, and written back as read.

use chrono::NaiveTime;
use sr_config::{NoisePolicy, QuietHours, RateLimit, save_channels};

use crate::channels::{OK, check, parse};

const FULL: &str = r#"{"channels": [{"name": "ops", "type": "open",
  "policy": {"time_zone": "Europe/Berlin",
             "rate_limit": {"max": 10, "per_minutes": 60},
             "quiet_hours": {"start": "22:00", "end": "07:00", "critical_overrides": true},
             "daily_cap": 50},
  "weekly_report": {"schedule": "0 8 * * MON"}}]}"#;

#[test]
fn a_policy_and_a_weekly_report_are_read_into_their_types() {
    let file = parse(FULL).expect("valid");
    let entry = file.find("ops").expect("the channel");
    let policy = &entry.policy;
    assert_eq!(policy.zone(), chrono_tz::Europe::Berlin);
    assert_eq!(
        policy.rate_limit,
        Some(RateLimit {
            max: 10,
            per_minutes: 60
        })
    );
    let QuietHours {
        start,
        end,
        critical_overrides,
    } = policy.quiet_hours.expect("quiet hours");
    assert_eq!(start.0, NaiveTime::from_hms_opt(22, 0, 0).expect("a time"));
    assert_eq!(end.0, NaiveTime::from_hms_opt(7, 0, 0).expect("a time"));
    assert!(critical_overrides);
    assert_eq!(policy.daily_cap, Some(50));
    let report = entry.weekly_report.as_ref().expect("a weekly report");
    assert_eq!(report.schedule.text(), "0 8 * * MON");
    assert_eq!(report.time_zone, None);
    // No policy is the default: nothing held back.
    let plain = parse(r#"{"channels": [{"name": "o", "type": "open"}]}"#).expect("valid");
    assert_eq!(plain.channels[0].policy, NoisePolicy::default());
    assert_eq!(plain.channels[0].policy.zone(), chrono_tz::UTC);
    check(
        r#"{"channels": [{"name": "o", "type": "open", "policy": {"daily_cap": 5},
            "weekly_report": {"schedule": "@weekly", "time_zone": "America/New_York"}}]}"#,
        OK,
    );
}

#[test]
fn policy_mistakes_are_placed_and_explained() {
    let at = |policy: &str| {
        format!(
            "{{\"channels\": [{{\"name\": \"ops\", \"type\": \"open\",\n  \"policy\": {policy}}}]}}"
        )
    };
    check(
        &at(r#"{"time_zone": "Europe/Berln"}"#),
        r#"/cfg/channels.json:2:27: bad value for "policy.time_zone" in channel "ops": unknown time zone "Europe/Berln"; write an IANA name"#,
    );
    check(
        &at(r#"{"quiet_hours": {"start": "25:00", "end": "07:00"}}"#),
        r#"/cfg/channels.json:2:39: bad value for "policy.quiet_hours.start" in channel "ops": "25:00" is not a time of day; write it as HH:MM"#,
    );
    check(
        &at(r#"{"quiet_hours": {"start": "07:00", "end": "07:00"}}"#),
        r#"/cfg/channels.json:2:55: bad value for "policy.quiet_hours.end" in channel "ops": the quiet hours start and end at the same time"#,
    );
    check(
        &at(r#"{"rate_limit": {"max": 0, "per_minutes": 60}}"#),
        r#"/cfg/channels.json:2:36: bad value for "policy.rate_limit.max" in channel "ops": 0 would hold back every message"#,
    );
    check(
        &at(r#"{"rate_limit": {"max": 3}}"#),
        r#"/cfg/channels.json:2:28: missing field "per_minutes" in "policy.rate_limit" of channel "ops""#,
    );
    check(
        &at(r#"{"daily_cap": 0}"#),
        r#"bad value for "policy.daily_cap" in channel "ops""#,
    );
    check(&at(r#"{"quiet": {}}"#), r#"unknown field "quiet""#);
    check(
        r#"{"channels": [{"name": "ops", "type": "open", "weekly_report": {"schedule": "0 8 * *"}}]}"#,
        r#"is not a cron schedule"#,
    );
}

#[test]
fn a_policy_is_written_back_as_read() {
    let file = parse(FULL).expect("valid");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("channels.json");
    save_channels(&path, &file).expect("saved");
    let text = std::fs::read_to_string(&path).expect("read back");
    assert_eq!(parse(&text).expect("valid"), file);
    assert!(text.contains("\"time_zone\": \"Europe/Berlin\""), "{text}");
    assert!(text.contains("\"start\": \"22:00\""), "{text}");
    assert!(text.contains("\"schedule\": \"0 8 * * MON\""), "{text}");
}
