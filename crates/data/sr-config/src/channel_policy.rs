//! A channel's noise policy and weekly report in channels.json: the
//! optional `policy` (rate limit, quiet hours in a time zone, daily cap)
//! and `weekly_report` (a cron schedule) of a channel entry. The values
//! are read into their real types here (a time zone from the IANA
//! database, a time of day, a parsed cron pattern), so a wrong one is
//! reported at its own place in the file by the loader; sr-notify applies
//! the policy and sr-engine runs the schedule.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveTime;
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How much a channel may receive: at most `rate_limit` messages per
/// window, none in the quiet hours (but critical ones, if so configured),
/// at most `daily_cap` per local day. What is held back is summed up in
/// one message at the end of the quiet hours or of the day. Every field
/// is optional; the default holds nothing back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NoisePolicy {
    /// The zone of the quiet hours and of the daily cap's day; UTC when
    /// not given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<TimeZone>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<QuietHours>,
    /// Messages a local day at most.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daily_cap: Option<u32>,
}

impl NoisePolicy {
    pub fn is_default(&self) -> bool {
        *self == NoisePolicy::default()
    }

    /// The zone the policy's clock times and days are in.
    pub fn zone(&self) -> Tz {
        self.time_zone.as_ref().map_or(Tz::UTC, |z| z.0)
    }
}

/// At most `max` messages in any `per_minutes` minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub max: u32,
    pub per_minutes: u32,
}

/// A local time window without messages, from `start` to `end` (crossing
/// midnight when `end` is earlier, as 22:00 to 07:00 does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    pub start: ClockTime,
    pub end: ClockTime,
    /// Whether a critical alert is sent in the quiet hours all the same.
    #[serde(default)]
    pub critical_overrides: bool,
}

/// A scheduled weekly summary to the channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyReport {
    /// A cron pattern (five fields, or a nickname such as `@weekly`).
    pub schedule: Schedule,
    /// The zone the pattern's times are in; the policy's, else UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<TimeZone>,
}

/// A time zone of the IANA database, written by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(pub Tz);

impl Serialize for TimeZone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name())
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Tz::from_str(&name).map(TimeZone).map_err(|_| {
            serde::de::Error::custom(format!(
                "unknown time zone \"{name}\"; write an IANA name such as \"Europe/Berlin\", \"America/New_York\" or \"UTC\""
            ))
        })
    }
}

/// A time of day written `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockTime(pub NaiveTime);

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.format("%H:%M").to_string())
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        NaiveTime::parse_from_str(&text, "%H:%M")
            .map(ClockTime)
            .map_err(|_| {
                serde::de::Error::custom(format!(
                    "\"{text}\" is not a time of day; write it as HH:MM on a 24-hour clock, e.g. \"22:00\""
                ))
            })
    }
}

/// A cron pattern, parsed by croner (a maintained crate that follows
/// Vixie cron, with nicknames such as `@weekly`).
#[derive(Clone)]
pub struct Schedule {
    text: String,
    cron: croner::Cron,
}

impl Schedule {
    /// The pattern as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parsed pattern.
    pub fn cron(&self) -> &croner::Cron {
        &self.cron
    }
}

impl FromStr for Schedule {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        croner::Cron::from_str(text)
            .map(|cron| Schedule {
                text: text.to_owned(),
                cron,
            })
            .map_err(|e| {
                format!(
                    "\"{text}\" is not a cron schedule ({e}); write five fields, minute hour day-of-month month day-of-week, e.g. \"0 8 * * MON\" for Mondays at 08:00"
                )
            })
    }
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Schedule").field(&self.text).finish()
    }
}

impl PartialEq for Schedule {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Serialize for Schedule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
