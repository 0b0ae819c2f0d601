//! The alerts a rule sends to channels (its `notify`): for each enabled
//! rule of the event's kind whose condition holds and that names
//! channels, the alert's fingerprint (the same one its issue carries, so a
//! PagerDuty incident and the issue name one condition), and its title and
//! body rendered through the rule's template as the issue is (secrets
//! redacted, rows stripped unless the rule opts in). Pure: the engine
//! commits them to the notification outbox per channel.
//!
//! Events that clear a condition (`drift.resolved`, `health.recovered`)
//! raise no alert of their own: they resolve, on the channels it went to,
//! the alert they clear (see [`clears`]).

use serde::Serialize;
use sr_model::{EventKind, Priority};

use crate::fingerprint::{body_marker, fingerprint};
use crate::{AutoError, AutoIssues, DatabaseEvent};

/// One rule's alert for one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    pub rule: String,
    /// The channels of channels.json it goes to.
    pub channels: Vec<String>,
    pub fingerprint: String,
    pub title: String,
    /// Markdown, without the issue's hidden fingerprint marker.
    pub body: String,
    pub priority: Option<Priority>,
}

/// The kind of event that `kind` clears, if it clears one.
pub fn clears(kind: EventKind) -> Option<EventKind> {
    match kind {
        EventKind::DriftResolved => Some(EventKind::DriftDetected),
        EventKind::HealthRecovered => Some(EventKind::HealthFailed),
        _ => None,
    }
}

impl AutoIssues {
    /// The alerts `event` raises on channels (none for a clearing event).
    /// A condition that cannot be evaluated raises none (`handle` reports
    /// it as the rule's `error` outcome).
    pub fn alerts(&self, event: &DatabaseEvent) -> Result<Vec<Alert>, AutoError> {
        if clears(event.event).is_some() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for rule in self.rules.for_event(event.event) {
            if rule.notify.is_empty() {
                continue;
            }
            if let Some(c) = &rule.condition
                && !c.matches(event).unwrap_or(false)
            {
                continue;
            }
            let fp = fingerprint(
                &rule.name,
                &event.connection,
                event.object.as_deref(),
                &event.data,
            );
            let (rendered, _) = self.render(rule, event, None, &fp)?;
            let body = rendered
                .body
                .strip_suffix(&body_marker(&fp))
                .unwrap_or(&rendered.body)
                .trim_end()
                .to_owned();
            out.push(Alert {
                rule: rule.name.clone(),
                channels: rule.notify.clone(),
                fingerprint: fp,
                title: rendered.title,
                body,
                priority: rule.priority,
            });
        }
        Ok(out)
    }
}
