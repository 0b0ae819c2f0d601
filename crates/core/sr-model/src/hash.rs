//! Content hashes: a stable SHA-256 over a value's canonical JSON, used to
//! tell whether a cached issue or an object definition really changed.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Hex SHA-256 of the value's JSON form. `serde_json` writes struct fields in
/// declaration order and maps in key order (`BTreeMap`/`Value` objects are
/// sorted), so equal values hash equally across runs and machines.
pub fn content_hash<T: Serialize + ?Sized>(value: &T) -> String {
    // Serialising our own plain data types cannot fail; fall back to hashing
    // nothing rather than panicking if a caller passes a map with non-string keys.
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_hash_equal_and_different_values_differ() {
        let a = content_hash(&serde_json::json!({"b": 1, "a": [1, 2]}));
        let b = content_hash(&serde_json::json!({"a": [1, 2], "b": 1}));
        let c = content_hash(&serde_json::json!({"a": [2, 1], "b": 1}));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.len(), 64);
    }
}
