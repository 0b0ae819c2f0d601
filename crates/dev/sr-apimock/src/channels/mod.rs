//! Loopback receivers for the notification channels, each validating what
//! the real service validates: PagerDuty's Events API v2, Slack's
//! incoming webhooks and Teams' workflow webhooks, from descriptions written by hand from their
//! documentation (SOURCES.md beside this file). Each keeps what it
//! received for the test to look at, and answers as the service does,
//! refusals included.

mod pagerduty;
mod slack;
mod teams;

pub use pagerduty::{Alert, AlertStatus, PagerDuty, pagerduty_spec};
pub use slack::{SlackWebhook, slack_spec};
pub use teams::{TeamsWorkflow, teams_spec};

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::Spec;

/// A description compiled into the crate, parsed once per process.
fn embedded(name: &'static str, text: &'static str) -> Result<Arc<Spec>, String> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Arc<Spec>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    let mut cache = cache.lock().map_err(|e| e.to_string())?;
    if let Some(spec) = cache.get(name) {
        return Ok(spec.clone());
    }
    let root = serde_json::from_str(text).map_err(|e| format!("{name} is not JSON: {e}"))?;
    let spec = Arc::new(Spec::from_value(root).ok_or_else(|| format!("{name} has no paths"))?);
    cache.insert(name, spec.clone());
    Ok(spec)
}
