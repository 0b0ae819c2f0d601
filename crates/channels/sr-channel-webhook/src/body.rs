//! The JSON body of an outgoing webhook, as config/README.md documents it
//! (the envelope the Standard Webhooks specification recommends: `type`,
//! `timestamp`, `data`):
//!
//! ```json
//! {"type": "alert.triggered", "timestamp": "2026-12-07T18:00:00Z",
//!  "data": {"id": "…", "fingerprint": "…", "severity": "critical",
//!           "title": "…", "body": "…", "source": "…",
//!           "links": [{"text": "…", "url": "…"}]}}
//! ```

use serde_json::{Value, json};
use sr_notify::{Action, Message};

/// The event type of a message: `alert.triggered`, `alert.acknowledged`,
/// `alert.resolved`, `channel.test` or `report.summary` (what the noise
/// policy held back, the weekly report).
pub fn event_type(action: Action) -> &'static str {
    match action {
        Action::Trigger => "alert.triggered",
        Action::Acknowledge => "alert.acknowledged",
        Action::Resolve => "alert.resolved",
        Action::Test => "channel.test",
        Action::Report => "report.summary",
    }
}

/// The body for `message`.
pub fn payload(message: &Message) -> Value {
    let n = &message.notification;
    json!({
        "type": event_type(message.action),
        "timestamp": n.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "data": {
            "id": message.id,
            "fingerprint": n.fingerprint,
            "severity": n.severity.as_str(),
            "title": n.title,
            "body": n.body,
            "source": n.source,
            "links": n.links,
        }
    })
}
