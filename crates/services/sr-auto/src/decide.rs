//! What a new occurrence of an alert does, given what became of its last
//! issue. Pure, so that every case is a line in a table test.
//!
//! - No issue yet: create one.
//! - The create is still in the outbox, or the issue is open: comment
//!   (count, first and last seen, what changed).
//! - Closed within the rule's reopen window: reopen, and comment (a
//!   window of 0 hours never reopens).
//! - Closed as won't-fix (GitHub `not_planned`, Jira "Won't Do"/"Won't
//!   Fix", "Declined", …): nothing is sent; the occurrence is only
//!   counted in the store. Someone decided this alert is not worth an
//!   issue; commenting on every recurrence would only notify them again.
//!   Deleting the issue or reopening it by hand brings the rule back.
//! - Closed longer ago than the window: a new issue that names the old one.

use chrono::Duration;
use sr_model::{IssueState, IssueStatus, Timestamp};

/// What is known about the fingerprint's issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Known {
    /// Never seen (or its issue no longer exists).
    Nothing,
    /// A create is committed but not yet sent.
    Pending,
    /// The issue as the tracker (or the cache) last reported it.
    Issue {
        key: String,
        status: IssueStatus,
        /// When it was last changed; for a closed issue, when it closed.
        updated_at: Timestamp,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A new issue; `previous` is an old, long-closed issue to mention.
    Create {
        previous: Option<String>,
    },
    Comment {
        key: Option<String>,
    },
    Reopen {
        key: String,
    },
    /// Closed as won't-fix: counted, nothing sent.
    WontFix {
        key: String,
    },
}

/// Resolutions that mean "we will not act on this".
pub fn is_wont_fix(resolution: Option<&str>) -> bool {
    let Some(r) = resolution else { return false };
    let r: String = r
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    matches!(
        r.as_str(),
        "notplanned" | "wontfix" | "wontdo" | "declined" | "wontdoreject" | "rejected" | "invalid"
    )
}

pub fn decide(known: &Known, now: Timestamp, reopen_window: Duration) -> Decision {
    match known {
        Known::Nothing => Decision::Create { previous: None },
        Known::Pending => Decision::Comment { key: None },
        Known::Issue {
            key,
            status,
            updated_at,
        } => {
            if status.state != IssueState::Done {
                Decision::Comment {
                    key: Some(key.clone()),
                }
            } else if is_wont_fix(status.resolution.as_deref()) {
                Decision::WontFix { key: key.clone() }
            } else if now - *updated_at < reopen_window {
                Decision::Reopen { key: key.clone() }
            } else {
                Decision::Create {
                    previous: Some(key.clone()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn issue(state: IssueState, resolution: Option<&str>, hours_ago: i64) -> Known {
        let now = Utc
            .with_ymd_and_hms(2026, 1, 2, 0, 0, 0)
            .single()
            .expect("time");
        Known::Issue {
            key: "local:default:1".into(),
            status: IssueStatus {
                state,
                name: "x".into(),
                resolution: resolution.map(str::to_owned),
            },
            updated_at: now - Duration::hours(hours_ago),
        }
    }

    fn check(known: Known, expected: Decision) {
        let now = Utc
            .with_ymd_and_hms(2026, 1, 2, 0, 0, 0)
            .single()
            .expect("time");
        assert_eq!(
            decide(&known, now, Duration::hours(24)),
            expected,
            "{known:?}"
        );
    }

    #[test]
    fn decisions() {
        let key = || "local:default:1".to_owned();
        check(Known::Nothing, Decision::Create { previous: None });
        check(Known::Pending, Decision::Comment { key: None });
        check(
            issue(IssueState::Open, None, 1),
            Decision::Comment { key: Some(key()) },
        );
        check(
            issue(IssueState::InProgress, None, 100),
            Decision::Comment { key: Some(key()) },
        );
        check(
            issue(IssueState::Done, Some("completed"), 1),
            Decision::Reopen { key: key() },
        );
        check(
            issue(IssueState::Done, None, 23),
            Decision::Reopen { key: key() },
        );
        check(
            issue(IssueState::Done, Some("completed"), 24),
            Decision::Create {
                previous: Some(key()),
            },
        );
        check(
            issue(IssueState::Done, Some("not_planned"), 1),
            Decision::WontFix { key: key() },
        );
        check(
            issue(IssueState::Done, Some("Won't Do"), 100),
            Decision::WontFix { key: key() },
        );
        check(
            issue(IssueState::Done, Some("Won't Fix"), 1),
            Decision::WontFix { key: key() },
        );
        check(
            issue(IssueState::Done, Some("duplicate"), 1),
            Decision::Reopen { key: key() },
        );
    }
}
