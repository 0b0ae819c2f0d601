//! A message as an Events API v2 event.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sr_notify::text::truncate;
use sr_notify::{Action, Message};

/// PagerDuty's cap on `dedup_key`.
const MAX_DEDUP: usize = 255;

/// The `dedup_key` of a message: the fingerprint, or its SHA-256 when it is
/// longer than PagerDuty allows (never cut: two long fingerprints with one
/// prefix would share an alert). A test message gets its own key, so it
/// can never touch a real alert.
pub fn dedup_key(message: &Message) -> String {
    let fingerprint = match message.action {
        Action::Test => format!("scratchrobin-test-{}", message.id),
        Action::Report => format!("scratchrobin-report-{}", message.id),
        _ => message.notification.fingerprint.clone(),
    };
    if fingerprint.len() <= MAX_DEDUP {
        fingerprint
    } else {
        hex::encode(Sha256::digest(fingerprint.as_bytes()))
    }
}

/// The event for `message` doing `action` (a test is sent as a trigger,
/// then a resolve).
pub fn event_json(routing_key: &str, message: &Message, action: Action) -> Value {
    let n = &message.notification;
    let event_action = match action {
        Action::Trigger | Action::Test | Action::Report => "trigger",
        Action::Acknowledge => "acknowledge",
        Action::Resolve => "resolve",
    };
    let mut event = json!({
        "routing_key": routing_key,
        "event_action": event_action,
        "dedup_key": dedup_key(message),
    });
    if event_action == "trigger" {
        let severity = match message.action {
            Action::Test | Action::Report => "info",
            _ => n.severity.as_str(),
        };
        event["payload"] = json!({
            "summary": truncate(&n.title, 1024),
            "source": if n.source.is_empty() { "scratchrobin" } else { n.source.as_str() },
            "severity": severity,
            "timestamp": n.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "component": "database",
            "class": "scratchrobin",
            "custom_details": {"body": n.body, "fingerprint": n.fingerprint, "message_id": message.id},
        });
        event["links"] = n
            .links
            .iter()
            .map(|l| json!({"href": l.url, "text": l.text}))
            .collect();
        event["client"] = json!("ScratchRobin");
    }
    event
}
