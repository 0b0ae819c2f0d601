//! The snapshot file format: pretty JSON of the normalised snapshot, with
//! a format version checked on reading.
//!
//! Writing always normalises first, so the same database gives the same
//! bytes whatever order introspection met its objects in, and a file can be
//! kept in version control and diffed by line.

use crate::SchemaError;
use crate::model::{FORMAT_VERSION, Snapshot};

impl Snapshot {
    /// The snapshot as stable, pretty-printed JSON ending in a newline.
    pub fn to_json(&self) -> String {
        let normal = self.clone().normalized();
        // Plain structs with string keys always serialise; the fallback is
        // never taken but keeps this function total.
        let mut text = serde_json::to_string_pretty(&normal).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a snapshot written by `to_json` (this version or an older one).
    pub fn from_json(text: &str) -> Result<Snapshot, SchemaError> {
        let snapshot: Snapshot = serde_json::from_str(text).map_err(|e| SchemaError::Parse {
            line: e.line(),
            column: e.column(),
            // serde_json appends the position, which the variant has already.
            message: e
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_owned(),
        })?;
        if snapshot.format_version > FORMAT_VERSION || snapshot.format_version == 0 {
            return Err(SchemaError::UnsupportedVersion {
                found: snapshot.format_version,
                supported: FORMAT_VERSION,
            });
        }
        Ok(snapshot)
    }
}
