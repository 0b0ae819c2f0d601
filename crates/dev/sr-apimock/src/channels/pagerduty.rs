//! PagerDuty's Events API v2: every event is validated against the
//! description, the conditions the schema cannot say are checked as
//! PagerDuty does (a trigger needs its `payload`; acknowledge and resolve
//! need a `dedup_key`), and alerts are kept by `dedup_key` the way
//! PagerDuty de-duplicates them.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::schema::validate;
use crate::{MockRequest, MockResponse, Responder, Spec};

/// The description (see SOURCES.md), read once.
pub fn pagerduty_spec() -> Result<Arc<Spec>, String> {
    super::embedded(
        "pagerduty_events_v2.json",
        include_str!("pagerduty_events_v2.json"),
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertStatus {
    Triggered,
    Acknowledged,
    Resolved,
}

/// One alert, as PagerDuty keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub dedup_key: String,
    pub status: AlertStatus,
    /// Trigger events applied to it (the first opened it).
    pub triggers: u32,
    pub summary: String,
}

#[derive(Debug, Default)]
struct State {
    /// Alerts by number; the newest per key is the open one, if open.
    alerts: Vec<Alert>,
    /// Every accepted event, in order.
    events: Vec<Value>,
    generated: u32,
}

/// The responder; clones share one account.
#[derive(Debug, Clone, Default)]
pub struct PagerDuty(Arc<Mutex<State>>);

impl PagerDuty {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every alert, oldest first.
    pub fn alerts(&self) -> Vec<Alert> {
        self.0.lock().map(|s| s.alerts.clone()).unwrap_or_default()
    }

    /// Every accepted event, in order.
    pub fn events(&self) -> Vec<Value> {
        self.0.lock().map(|s| s.events.clone()).unwrap_or_default()
    }

    /// Accepted events per `event_action`.
    pub fn count(&self, action: &str) -> usize {
        self.events()
            .iter()
            .filter(|e| e["event_action"] == action)
            .count()
    }
}

fn invalid(errors: Vec<String>) -> MockResponse {
    MockResponse::json(
        400,
        &json!({"status": "invalid event", "message": "Event object is invalid", "errors": errors}),
    )
}

impl Responder for PagerDuty {
    fn respond(&mut self, req: &MockRequest) -> Option<MockResponse> {
        let spec = match pagerduty_spec() {
            Ok(spec) => spec,
            Err(e) => return Some(MockResponse::json(500, &json!({"message": e}))),
        };
        let Some(event) = req.body.clone() else {
            return Some(invalid(vec!["the body is not JSON".into()]));
        };
        let mut errors = Vec::new();
        let schema = json!({"$ref": "#/components/schemas/Event"});
        validate(&spec.root, &schema, &event, "event", &mut errors);
        let action = event["event_action"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let key = event["dedup_key"].as_str().map(str::to_owned);
        if action == "trigger" && event.get("payload").is_none() {
            errors.push("'payload' is missing or blank".into());
        }
        if action != "trigger" && key.is_none() {
            errors.push(format!("'dedup_key' is required for '{action}' events"));
        }
        if !errors.is_empty() {
            return Some(invalid(errors));
        }
        let mut state = self.0.lock().ok()?;
        let key = match key {
            Some(k) => k,
            None => {
                state.generated += 1;
                format!("generated-{:032}", state.generated)
            }
        };
        let open = state
            .alerts
            .iter_mut()
            .rev()
            .find(|a| a.dedup_key == key && a.status != AlertStatus::Resolved);
        match (action.as_str(), open) {
            ("trigger", Some(alert)) => alert.triggers += 1,
            ("trigger", None) => {
                let summary = event["payload"]["summary"].as_str().unwrap_or_default();
                state.alerts.push(Alert {
                    dedup_key: key.clone(),
                    status: AlertStatus::Triggered,
                    triggers: 1,
                    summary: summary.to_owned(),
                });
            }
            ("acknowledge", Some(alert)) => alert.status = AlertStatus::Acknowledged,
            ("resolve", Some(alert)) => alert.status = AlertStatus::Resolved,
            // PagerDuty accepts, then drops, an acknowledge or resolve
            // for an alert that is not open.
            _ => {}
        }
        state.events.push(event);
        Some(MockResponse::json(
            202,
            &json!({"status": "success", "message": "Event processed", "dedup_key": key}),
        ))
    }
}
