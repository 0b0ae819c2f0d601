//! Slack's incoming webhooks: each message is validated against the Block
//! Kit description and refused as Slack refuses it (`400 invalid_blocks`,
//! a plain-text body); a message Slack would take is kept and answered
//! `200 ok`.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::schema::validate;
use crate::{MockRequest, MockResponse, Responder, Spec};

/// The description (see SOURCES.md), read once.
pub fn slack_spec() -> Result<Arc<Spec>, String> {
    super::embedded("slack_webhook.json", include_str!("slack_webhook.json"))
}

fn text(status: u16, body: &str) -> MockResponse {
    let mut answer = MockResponse::empty(status).header("content-type", "text/plain");
    answer.body = body.as_bytes().to_vec();
    answer
}

/// The responder; clones share one channel's messages.
#[derive(Debug, Clone, Default)]
pub struct SlackWebhook {
    messages: Arc<Mutex<Vec<Value>>>,
    refusals: Arc<Mutex<Vec<String>>>,
}

impl SlackWebhook {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every message posted to the channel, in order.
    pub fn messages(&self) -> Vec<Value> {
        self.messages.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Why each refused message was refused.
    pub fn refusals(&self) -> Vec<String> {
        self.refusals.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Responder for SlackWebhook {
    fn respond(&mut self, req: &MockRequest) -> Option<MockResponse> {
        let spec = match slack_spec() {
            Ok(spec) => spec,
            Err(e) => return Some(text(500, &e)),
        };
        let Some(message) = req.body.clone() else {
            return Some(text(400, "invalid_payload"));
        };
        let mut errors = Vec::new();
        let schema = json!({"$ref": "#/components/schemas/Message"});
        validate(&spec.root, &schema, &message, "message", &mut errors);
        if !errors.is_empty() {
            if let Ok(mut r) = self.refusals.lock() {
                r.extend(errors);
            }
            return Some(text(400, "invalid_blocks"));
        }
        self.messages.lock().ok()?.push(message);
        Some(text(200, "ok"))
    }
}
