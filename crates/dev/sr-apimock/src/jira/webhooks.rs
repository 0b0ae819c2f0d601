//! Admin webhooks (`/rest/webhooks/1.0/webhook`): registered with their
//! body kept for the test to read, answered with the `self` URL Jira
//! gives the new webhook (its id is the last segment), removed by id.

use serde_json::{Value, json};

use super::{JiraSite, State, error};
use crate::server::{MockRequest, MockResponse};

impl JiraSite {
    pub(super) fn webhook_op(
        &self,
        s: &mut State,
        op: &str,
        req: &MockRequest,
        body: &Value,
    ) -> MockResponse {
        if op == "registerWebhook" {
            s.next_webhook += 1;
            let id = s.next_webhook;
            s.webhooks.push((id, body.clone()));
            let mut answer = body.clone();
            if let Some(o) = answer.as_object_mut() {
                // The secret is write-only: Jira does not echo it.
                o.remove("secret");
                o.insert(
                    "self".into(),
                    json!(format!("{}/rest/webhooks/1.0/webhook/{id}", req.base_url)),
                );
                o.entry("enabled").or_insert(json!(true));
            }
            return MockResponse::json(201, &answer);
        }
        let id: Option<u64> = req.param("id").parse().ok();
        match s.webhooks.iter().position(|(w, _)| Some(*w) == id) {
            Some(i) => {
                s.webhooks.remove(i);
                MockResponse::empty(204)
            }
            None => error(404, &["Webhook not found."], &[]),
        }
    }

    /// The bodies of the webhooks registered and not removed, by id.
    pub fn webhooks(&self) -> Vec<(u64, Value)> {
        self.lock(|s| s.webhooks.clone()).unwrap_or_default()
    }
}
