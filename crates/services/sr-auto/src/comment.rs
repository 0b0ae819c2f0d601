//! The text of the comments and notes auto-issues get: a recurrence
//! (count, first and last seen, what changed), a reopening, a resolution,
//! and the summary that collects alerts a rule's hourly limit held back.

use serde_json::Value;
use sr_model::Timestamp;

use crate::fingerprint::{changes, comment_marker, normalise};

fn when(t: Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// A unique token for a comment's hidden marker.
pub(crate) fn token(fingerprint: &str, purpose: &str, at: Timestamp) -> String {
    format!(
        "{}:{purpose}:{}",
        &fingerprint[..fingerprint.len().min(12)],
        at.timestamp_nanos_opt().unwrap_or_default()
    )
}

/// The comment for an alert seen again.
pub(crate) fn occurrence(
    heading: &str,
    count: i64,
    first_seen: Timestamp,
    last_seen: Timestamp,
    old: &Value,
    new: &Value,
    token: &str,
) -> String {
    let changed = changes(&normalise(old), &normalise(new));
    let mut out = format!(
        "{heading} (occurrence {count}).\n\n- First seen: {}\n- Last seen: {}\n",
        when(first_seen),
        when(last_seen)
    );
    if changed.is_empty() {
        out.push_str("- What changed: nothing since the last occurrence\n");
    } else {
        out.push_str("- What changed:\n");
        for c in changed.iter().take(50) {
            out.push_str(&format!("  - `{c}`\n"));
        }
        if changed.len() > 50 {
            out.push_str(&format!("  - … and {} more\n", changed.len() - 50));
        }
    }
    out.push('\n');
    out.push_str(&comment_marker(token));
    out
}

/// The comment for an alert that cleared.
pub(crate) fn resolution(event: &str, at: Timestamp, closing: bool, token: &str) -> String {
    format!(
        "Resolved: `{event}` reported at {}.{}\n\n{}",
        when(at),
        if closing {
            " The rule closes this issue."
        } else {
            ""
        },
        comment_marker(token)
    )
}

/// The first lines of a summary of folded alerts; lines are added by
/// [`summary_line`] before the marker.
pub(crate) fn summary(rule: &str, max_per_hour: u32, line: &str, token: &str) -> String {
    format!(
        "Rule \"{rule}\" reached its limit of {max_per_hour} new issues per hour; \
         these further alerts were folded into this comment instead of opening issues:\n\n{line}\n\n{}",
        comment_marker(token)
    )
}

/// `body` with `line` added to its list (before the hidden marker).
pub(crate) fn add_summary_line(body: &str, line: &str) -> String {
    match body.rfind("\n\n<!-- sr-comment:") {
        Some(at) => format!("{}\n{line}{}", &body[..at], &body[at..]),
        None => format!("{body}\n{line}"),
    }
}

pub(crate) fn summary_line(at: Timestamp, target: &str, title: &str, label: &str) -> String {
    format!("- {} — {target}: {title} (`{label}`)", when(at))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn occurrence_comments_say_what_changed() {
        let t = chrono::DateTime::from_timestamp(0, 0).expect("time");
        let c = occurrence(
            "Seen again",
            3,
            t,
            t,
            &json!({"d": {"s": "low", "seen_at": "1"}}),
            &json!({"d": {"s": "high", "seen_at": "2"}}),
            "tok",
        );
        assert!(c.contains("(occurrence 3)"), "{c}");
        assert!(c.contains("`d.s: \"low\" → \"high\"`"), "{c}");
        assert!(
            !c.contains("seen_at"),
            "volatile values are not changes: {c}"
        );
        assert!(c.ends_with("<!-- sr-comment: tok -->"), "{c}");
    }

    #[test]
    fn summary_lines_go_before_the_marker() {
        let body = summary("R", 2, "- a", "tok");
        let body = add_summary_line(&body, "- b");
        assert!(
            body.contains("- a\n- b\n\n<!-- sr-comment: tok -->"),
            "{body}"
        );
    }
}
