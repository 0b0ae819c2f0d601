//! The auto-issue feed: what rules did for the events of this session,
//! newest first, each row with the issue it created or commented on as the
//! outbox recorded it. An alert no rule matched is a row too, saying so,
//! from which a rule can be made.

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
    /// The activity's position in the session's feed (its event is there).
    pub index: usize,
    /// No enabled rule matched this alert ("Make a rule from this").
    pub no_rule: bool,
    /// The event is an alert (not a resolution): "File issue…" offers.
    pub alert: bool,
}

/// The rows of `feed` (oldest first, as kept) newest first; outcomes of
/// rules that did not match are left out, and an alert no rule matched is
/// one row saying so. `outbox` supplies issue keys.
pub fn feed_rows(feed: &[AutoActivity], outbox: &[OutboxIntent]) -> Vec<FeedRow> {
    let mut rows = Vec::new();
    for (index, activity) in feed.iter().enumerate().rev() {
        let alert = is_alert(activity.source.event);
        let matched = activity
            .report
            .outcomes
            .iter()
            .any(|o| o.action != "no_match");
        if !matched && alert {
            rows.push(FeedRow {
                at: activity.at,
                event: activity.event.clone(),
                connection: activity.connection.clone(),
                rule: "—".into(),
                action: format!(
                    "no rule matched: {} on {}",
                    activity.event, activity.connection
                ),
                issue: None,
                note: None,
                failed: false,
                index,
                no_rule: true,
                alert,
            });
        }
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
                index,
                no_rule: false,
                alert,
            });
        }
    }
    rows
}

/// Whether events of `kind` are alerts one may file an issue for (a
/// resolution closes one instead).
pub fn is_alert(kind: sr_model::EventKind) -> bool {
    !matches!(
        kind,
        sr_model::EventKind::DriftResolved | sr_model::EventKind::HealthRecovered
    )
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
