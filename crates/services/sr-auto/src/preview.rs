//! A dry run of the rules over one event: which rules of its kind match
//! and the issue each would file (title and body as rendered, with the
//! fingerprint), without reading or writing the store. `rules test` and
//! the rules window's "Try on the last event" show this; the real filing
//! goes through [`AutoIssues::handle`], which renders the same way.

use serde::Serialize;
use sr_model::{EventKind, Priority};

use crate::fingerprint::{fingerprint, label};
use crate::{AutoError, AutoIssues, DatabaseEvent};

/// What one rule would do with one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    pub rule: String,
    pub enabled: bool,
    /// Whether the condition holds (a rule without one always matches).
    pub matched: bool,
    /// Why the condition could not be evaluated, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub tracker: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    pub labels: Vec<String>,
    /// The issue it would file (a matching alert; resolutions close or
    /// comment instead and render nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// A template that failed (a plain issue is filed then, as here).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Preview {
    /// The first enabled rule that matches: the one that files.
    pub fn first_match(previews: &[Preview]) -> Option<&Preview> {
        previews.iter().find(|p| p.enabled && p.matched)
    }
}

impl AutoIssues {
    /// Every rule for the event's kind (disabled ones too, marked), in
    /// file order, with what it would file.
    pub fn preview(&self, event: &DatabaseEvent) -> Result<Vec<Preview>, AutoError> {
        let mut out = Vec::new();
        for rule in self.rules.rules.iter().filter(|r| r.event == event.event) {
            let (matched, error) = match &rule.condition {
                None => (true, None),
                Some(c) => match c.matches(event) {
                    Ok(m) => (m, None),
                    Err(e) => (false, Some(e)),
                },
            };
            let mut p = Preview {
                rule: rule.name.clone(),
                enabled: rule.enabled,
                matched,
                error,
                tracker: rule.tracker.clone(),
                priority: rule.priority,
                labels: rule.labels.clone(),
                title: None,
                body: None,
                fingerprint: None,
                note: None,
            };
            let resolution = matches!(
                event.event,
                EventKind::DriftResolved | EventKind::HealthRecovered
            );
            if matched && !resolution {
                let fp = fingerprint(
                    &rule.name,
                    &event.connection,
                    event.object.as_deref(),
                    &event.data,
                );
                let (rendered, note) = self.render(rule, event, None, &fp)?;
                p.title = Some(rendered.title);
                p.body = Some(rendered.body);
                p.labels.push(label(&fp));
                p.fingerprint = Some(fp);
                p.note = note;
            }
            out.push(p);
        }
        Ok(out)
    }
}
