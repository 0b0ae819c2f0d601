//! Microsoft Teams workflow webhooks: each message is validated against
//! the hand-written description of the trigger's body and the Adaptive
//! Card elements (SOURCES.md) and refused with 400 as the workflow refuses
//! a body it cannot parse; one Teams would take is kept and answered
//! `202 Accepted`.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::schema::validate;
use crate::{MockRequest, MockResponse, Responder, Spec};

/// The description (see SOURCES.md), read once.
pub fn teams_spec() -> Result<Arc<Spec>, String> {
    super::embedded("teams_workflow.json", include_str!("teams_workflow.json"))
}

/// The responder; clones share one channel's messages.
#[derive(Debug, Clone, Default)]
pub struct TeamsWorkflow {
    messages: Arc<Mutex<Vec<Value>>>,
    refusals: Arc<Mutex<Vec<String>>>,
}

impl TeamsWorkflow {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every message posted to the workflow, in order.
    pub fn messages(&self) -> Vec<Value> {
        self.messages.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Why each refused message was refused.
    pub fn refusals(&self) -> Vec<String> {
        self.refusals.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Responder for TeamsWorkflow {
    fn respond(&mut self, req: &MockRequest) -> Option<MockResponse> {
        let spec = match teams_spec() {
            Ok(spec) => spec,
            Err(e) => return Some(MockResponse::json(500, &json!({"error": e}))),
        };
        let Some(message) = req.body.clone() else {
            return Some(MockResponse::json(
                400,
                &json!({"error": {"code": "InvalidRequestContent", "message": "The request content is not valid JSON."}}),
            ));
        };
        let mut errors = Vec::new();
        let schema = json!({"$ref": "#/components/schemas/Message"});
        validate(&spec.root, &schema, &message, "message", &mut errors);
        if !errors.is_empty() {
            let text = errors.join("; ");
            if let Ok(mut r) = self.refusals.lock() {
                r.extend(errors);
            }
            return Some(MockResponse::json(
                400,
                &json!({"error": {"code": "TriggerInputSchemaMismatch", "message": text}}),
            ));
        }
        self.messages.lock().ok()?.push(message);
        Some(MockResponse::empty(202))
    }
}
