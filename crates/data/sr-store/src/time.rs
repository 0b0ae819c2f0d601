//! Timestamps are stored as milliseconds since the Unix epoch (BIGINT), which
//! both engines compare and index the same way.

use chrono::{DateTime, Utc};
use sr_model::Timestamp;

use crate::StoreError;

pub(crate) fn to_ms(t: Timestamp) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_ms(ms: i64, table: &'static str) -> Result<Timestamp, StoreError> {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .ok_or_else(|| StoreError::corrupt(table, format!("timestamp {ms} out of range")))
}

pub(crate) fn now() -> Timestamp {
    // Millisecond precision, so what we write reads back equal.
    let now = Utc::now();
    DateTime::<Utc>::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now)
}
