//! A message as Block Kit, within Slack's limits (header 150 characters,
//! section text 3000, button text 75, context elements 10).

use serde_json::{Value, json};
use sr_notify::text::truncate;
use sr_notify::{Action, Message, Severity};

use crate::mrkdwn::to_mrkdwn;

/// Slack shows at most this many link buttons in one actions block; more
/// links than that are listed in the body's text instead.
const MAX_BUTTONS: usize = 5;

/// The word and emoji leading the header and the plain text.
fn lead(message: &Message) -> (&'static str, &'static str) {
    match message.action {
        Action::Resolve => (":white_check_mark:", "Resolved"),
        Action::Acknowledge => (":eyes:", "Acknowledged"),
        Action::Test => (":wave:", "Test"),
        Action::Report => (":bar_chart:", "Report"),
        Action::Trigger => match message.notification.severity {
            Severity::Critical => (":rotating_light:", "Critical"),
            Severity::Error => (":red_circle:", "Error"),
            Severity::Warning => (":warning:", "Warning"),
            Severity::Info => (":information_source:", "Info"),
        },
    }
}

/// The JSON Slack's incoming webhook takes for `message`.
pub fn message_json(message: &Message) -> Value {
    let n = &message.notification;
    let (emoji, word) = lead(message);
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(&format!("{emoji} {word}: {}", n.title), 150), "emoji": true}
    })];
    let body = to_mrkdwn(&n.body);
    if !body.trim().is_empty() {
        blocks.push(json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": truncate(&body, 3000)}
        }));
    }
    let when = n.occurred_at.format("%Y-%m-%d %H:%M UTC").to_string();
    blocks.push(json!({
        "type": "context",
        "elements": [
            {"type": "mrkdwn", "text": truncate(&format!("*{}* · `{}` · {when}", n.severity.as_str(), n.source), 3000)}
        ]
    }));
    let buttons: Vec<Value> = n
        .links
        .iter()
        .take(MAX_BUTTONS)
        .map(|l| {
            json!({
                "type": "button",
                "text": {"type": "plain_text", "text": truncate(&l.text, 75)},
                "url": l.url,
            })
        })
        .collect();
    if !buttons.is_empty() {
        blocks.push(json!({"type": "actions", "elements": buttons}));
    }
    json!({
        "text": truncate(&format!("{word}: {}", n.title), 3000),
        "blocks": blocks,
        "unfurl_links": false,
    })
}
