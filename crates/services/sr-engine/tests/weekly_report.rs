//! The weekly report's schedule: a slot's due time follows its cron
//! pattern in its zone, and a slot more than a day late is skipped. (The
//! numbers are sr-store's `activity`, tested there on both engines; the
//! exactly-once commit per slot is sr-store's
//! `enqueue_notification_once`, tested there with two committers.)
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use chrono::{Duration, TimeZone, Utc};
use sr_config::Schedule;
use sr_engine::due_slot;

#[test]
fn a_slot_is_due_for_a_day_in_its_zone() {
    let weekly: Schedule = "0 8 * * MON".parse().unwrap();
    let at = |d, h, m| Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap();
    // Monday 7 December 2026.
    assert_eq!(
        due_slot(&weekly, chrono_tz::UTC, at(7, 8, 0)),
        Some(at(7, 8, 0))
    );
    assert_eq!(due_slot(&weekly, chrono_tz::UTC, at(7, 7, 59)), None);
    assert_eq!(
        due_slot(&weekly, chrono_tz::UTC, at(8, 7, 59)),
        Some(at(7, 8, 0))
    );
    // A day late is too late: it waits for next Monday.
    assert_eq!(due_slot(&weekly, chrono_tz::UTC, at(8, 8, 0)), None);
    // A clock with seconds and nanoseconds, as Utc::now() has.
    let daily: Schedule = "41 22 * * *".parse().unwrap();
    let odd = at(7, 22, 43) + Duration::nanoseconds(123_456_789) + Duration::seconds(17);
    assert_eq!(due_slot(&daily, chrono_tz::UTC, odd), Some(at(7, 22, 41)));
    // 08:00 in Berlin is 07:00 UTC in winter.
    assert_eq!(
        due_slot(&weekly, chrono_tz::Europe::Berlin, at(7, 7, 30)),
        Some(at(7, 7, 0))
    );
}
