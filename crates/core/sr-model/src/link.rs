//! Links between database objects and issues, and their sync status.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{IssueKey, IssueRef, ObjectRef, Timestamp};

/// How a link came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LinkType {
    /// A person linked it.
    Manual,
    /// The product created the issue (auto-issue rules, Create Issue).
    AutoCreated,
    /// The product found the object named in an existing issue.
    AutoDetected,
}

/// Which way changes flow between the object's context and the issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SyncDirection {
    ToIssue,
    FromIssue,
    Bidirectional,
}

macro_rules! str_enum {
    ($ty:ident { $($variant:ident => $s:literal),+ $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $s),+ }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($s => Ok($ty::$variant),)+
                    _ => Err(format!(concat!("unknown ", stringify!($ty), " `{}`"), s)),
                }
            }
        }
    };
}

str_enum!(LinkType { Manual => "MANUAL", AutoCreated => "AUTO_CREATED", AutoDetected => "AUTO_DETECTED" });
str_enum!(SyncDirection { ToIssue => "TO_ISSUE", FromIssue => "FROM_ISSUE", Bidirectional => "BIDIRECTIONAL" });

/// The spec's link record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueLink {
    pub link_id: String,
    pub object: ObjectRef,
    pub issue: IssueRef,
    #[serde(rename = "type")]
    pub link_type: LinkType,
    pub created_by: String,
    pub created_at: Timestamp,
    pub sync_direction: SyncDirection,
}

/// Whether the cached copy of an issue is current.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// Fetched from the tracker and unchanged since.
    Synced,
    /// Older than the tracker's poll interval.
    Stale,
    /// The last attempt to refresh it failed.
    Error,
    /// Known only by key; never fetched.
    NeverSynced,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    pub issue: IssueKey,
    pub state: SyncState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_synced_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// How many objects the issue is linked to.
    pub linked_objects: u64,
}
