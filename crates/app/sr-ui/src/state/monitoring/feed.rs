//! The auto-issue feed: what rules did for the events of this session,
//! newest first, each row with the issue it created or commented on as the
//! outbox recorded it.

use sr_engine::monitoring::OutboxIntent;

use crate::state::AutoActivity;

/// One rule's outcome for one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRow {
    pub at: chrono::DateTime<chrono::Utc>,
    pub event: String,
    pub connection: String,
    pub rule: String,
    /// In a user's words: "new issue", "deduplicated: commented", …
    pub action: String,
    /// The issue key, once the outbox sent the call.
    pub issue: Option<String>,
    /// Why a call failed, or the rule's note.
    pub note: Option<String>,
    pub failed: bool,
}

/// The rows of `feed` (oldest first, as kept) newest first; outcomes of
/// rules that did not match are left out. `outbox` supplies issue keys.
pub fn feed_rows(feed: &[AutoActivity], outbox: &[OutboxIntent]) -> Vec<FeedRow> {
    let mut rows = Vec::new();
    for activity in feed.iter().rev() {
        for o in activity
            .report
            .outcomes
            .iter()
            .filter(|o| o.action != "no_match")
        {
            let sent: Vec<&OutboxIntent> = outbox
                .iter()
                .filter(|row| o.intents.contains(&row.id))
                .collect();
            let send_error = activity
                .report
                .outbox
                .failed
                .iter()
                .find(|(id, _)| o.intents.contains(id))
                .map(|(_, why)| why.clone());
            rows.push(FeedRow {
                at: activity.at,
                event: activity.event.clone(),
                connection: activity.connection.clone(),
                rule: o.rule.clone(),
                action: action_words(&o.action).to_owned(),
                issue: sent.iter().find_map(|row| row.intent.issue_key.clone()),
                failed: send_error.is_some() || o.action == "error",
                note: send_error.or_else(|| o.note.clone()),
            });
        }
    }
    rows
}

/// A rule outcome's action in a user's words.
pub fn action_words(action: &str) -> &str {
    match action {
        "create" => "new issue",
        "comment" => "deduplicated: commented",
        "reopen" => "deduplicated: reopened",
        "wont_fix" => "deduplicated: won't fix, skipped",
        "resolve" => "resolved",
        "folded" => "folded (rate limit)",
        "nothing_to_resolve" => "nothing to resolve",
        "error" => "error",
        other => other,
    }
}
