//! Events that happen in a database and may become issues.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{ObjectRef, Timestamp};

/// The event kinds auto-issue rules react to, named as in rule files
/// (`drift.detected`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    DriftDetected,
    DriftResolved,
    PerformanceRegression,
    HealthFailed,
    HealthRecovered,
    MigrationProposed,
    MigrationApplied,
    MigrationRolledBack,
    TestFailed,
    DesignSubmitted,
    DecisionRecorded,
    NotePromoted,
}

impl EventKind {
    pub const ALL: [EventKind; 12] = [
        EventKind::DriftDetected,
        EventKind::DriftResolved,
        EventKind::PerformanceRegression,
        EventKind::HealthFailed,
        EventKind::HealthRecovered,
        EventKind::MigrationProposed,
        EventKind::MigrationApplied,
        EventKind::MigrationRolledBack,
        EventKind::TestFailed,
        EventKind::DesignSubmitted,
        EventKind::DecisionRecorded,
        EventKind::NotePromoted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::DriftDetected => "drift.detected",
            EventKind::DriftResolved => "drift.resolved",
            EventKind::PerformanceRegression => "performance.regression",
            EventKind::HealthFailed => "health.failed",
            EventKind::HealthRecovered => "health.recovered",
            EventKind::MigrationProposed => "migration.proposed",
            EventKind::MigrationApplied => "migration.applied",
            EventKind::MigrationRolledBack => "migration.rolled_back",
            EventKind::TestFailed => "test.failed",
            EventKind::DesignSubmitted => "design.submitted",
            EventKind::DecisionRecorded => "decision.recorded",
            EventKind::NotePromoted => "note.promoted",
        }
    }

    /// Events that say an earlier alert has cleared.
    pub fn is_resolution(self) -> bool {
        matches!(self, EventKind::DriftResolved | EventKind::HealthRecovered)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
                format!("unknown event `{s}`; expected one of {}", names.join(", "))
            })
    }
}

impl Serialize for EventKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Something that happened in a database (or the workbench) that rules may
/// turn into an issue. `data` holds what rule conditions and templates read,
/// for example `{"drift": {"severity": "high"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatabaseEvent {
    pub kind: EventKind,
    pub connection: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectRef>,
    #[serde(default)]
    pub data: serde_json::Value,
    pub occurred_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_kinds_round_trip_through_their_names() {
        for k in EventKind::ALL {
            assert_eq!(k.as_str().parse::<EventKind>(), Ok(k));
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                serde_json::json!(k.as_str())
            );
        }
        assert!("drift.detcted".parse::<EventKind>().is_err());
    }
}
