//! Alerts in the monitoring tab: "File issue…" opens Create Issue with the
//! issue the alert's rule would file (the engine drafts it, off this
//! thread, and says whether its fingerprint has an open issue already,
//! which the dialog then offers instead); "Make a rule from this" on an
//! alert no rule matched opens the rules tab with a new rule for it.

use serde_json::{Value, json};
use sr_auto::{DatabaseEvent, HandIssue, Tracked};
use sr_engine::{Alert, AlertDraft, AlertFiled, Command, LinkCommand, RulesCommand, RulesEvent};
use sr_model::{IssueRef, ObjectKind, ObjectRef};

use super::dialogs::AlertFiling;
use super::{CreateIssueDialog, Dialog, JobKind, Load, ToastLevel, UiState, split_labels};

/// The connection an alert is on.
fn connection_of(alert: &Alert) -> String {
    match alert {
        Alert::Health { connection, .. } | Alert::Regression { connection, .. } => {
            connection.clone()
        }
        Alert::Drift { check, .. } => check.report.environment.clone(),
        Alert::Event(e) => e.connection.clone(),
    }
}

/// A CEL string literal of `text` (single-quoted, `\` and `'` escaped).
fn cel_string(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The rule "Make a rule from this" proposes for `event`: its kind, a
/// condition on its connection, `tracker`, the kind's default template.
pub fn rule_for_event(event: &DatabaseEvent, tracker: &str) -> Value {
    let kind = event.event.as_str();
    json!({
        "name": format!("{kind} on {}", event.connection),
        "event": kind,
        "condition": format!("connection == {}", cel_string(&event.connection)),
        "tracker": tracker,
        "template": sr_templates::template_for_event(kind).unwrap_or_default(),
    })
}

impl UiState {
    /// "File issue…" on `alert`: Create Issue, filled in when the engine's
    /// draft arrives.
    pub fn file_issue_for(&mut self, alert: Alert) {
        let connection = connection_of(&alert);
        let request = self.next_request();
        let object = ObjectRef::new(&connection, ObjectKind::Database, &connection, "", "");
        let describe = alert.describe();
        let mut dialog =
            CreateIssueDialog::new(object, self.default_tracker(), String::new(), String::new());
        dialog.standalone = true;
        dialog.link = false;
        dialog.attach_ddl = false;
        dialog.drafting = Some(request);
        dialog.alert = Some(Box::new(AlertFiling {
            describe,
            draft: None,
            existing: None,
        }));
        self.dialog = Some(Dialog::CreateIssue(dialog));
        self.send(Command::Rules(RulesCommand::DraftAlert { request, alert }));
        if matches!(self.trackers, Load::Idle) {
            self.send(Command::Trackers(sr_engine::TrackerCommand::Load));
        }
    }

    /// "File issue…" on the feed's activity `index`.
    pub fn file_issue_for_feed(&mut self, index: usize) {
        if let Some(a) = self.auto_feed.get(index) {
            let event = a.source.clone();
            self.file_issue_for(Alert::Event(event));
        }
    }

    pub(super) fn alert_drafted(&mut self, request: u64, draft: Box<AlertDraft>) {
        self.jobs.finish(&JobKind::Draft(request));
        let usable: Vec<String> = self
            .usable_trackers()
            .iter()
            .map(|t| t.name.clone())
            .collect();
        let Some(Dialog::CreateIssue(d)) = &mut self.dialog else {
            return;
        };
        if d.drafting != Some(request) {
            return;
        }
        let h = &draft.draft;
        if usable.contains(&h.tracker) {
            d.tracker = h.tracker.clone();
        }
        d.take_draft(h.title.clone(), h.body.clone());
        d.priority = h.priority;
        d.labels = h.labels.join(", ");
        if let Some(o) = &draft.object {
            d.object = o.clone();
            d.standalone = false;
            d.link = true;
        }
        if let Some(a) = &mut d.alert {
            a.existing = match &h.tracked {
                Tracked::Nothing { .. } => None,
                other => Some(other.clone()),
            };
            a.draft = Some(draft);
        }
    }

    /// Files the open alert dialog's issue (from [`UiState::submit_create`]).
    pub(super) fn submit_alert(&mut self) {
        let request = self.next_request();
        let Some(Dialog::CreateIssue(d)) = &mut self.dialog else {
            return;
        };
        let Some(event) = d
            .alert
            .as_ref()
            .and_then(|a| a.draft.as_ref())
            .map(|draft| Box::new(draft.event.clone()))
        else {
            d.error = Some("The alert's issue is still being drafted; wait a moment.".into());
            return;
        };
        match d.draft() {
            Err(e) => d.error = Some(e),
            Ok(draft) => {
                d.error = None;
                d.pending = Some(request);
                let issue = HandIssue {
                    tracker: d.tracker.clone(),
                    title: draft.title,
                    body: draft.body,
                    labels: split_labels(&d.labels),
                    priority: draft.priority,
                    assignee: draft.assignees.first().cloned(),
                };
                self.send(Command::Rules(RulesCommand::FileAlert {
                    request,
                    event,
                    issue,
                }));
            }
        }
    }

    pub(super) fn alert_filed(&mut self, request: u64, filed: AlertFiled) {
        self.jobs.finish(&JobKind::Create(request));
        let Some(Dialog::CreateIssue(d)) = &mut self.dialog else {
            return;
        };
        if d.pending != Some(request) {
            return;
        }
        d.pending = None;
        let connection = d.object.connection.clone();
        match filed {
            AlertFiled::Existing(tracked) => {
                if let Some(a) = &mut d.alert {
                    a.existing = Some(tracked);
                }
                return;
            }
            AlertFiled::Created(issue) => {
                self.dialog = None;
                self.toasts.push(
                    ToastLevel::Success,
                    format!("Filed {}: {}", issue.display_key, issue.title),
                    None,
                );
            }
            AlertFiled::Queued => {
                self.dialog = None;
                self.toasts.push(
                    ToastLevel::Info,
                    "The issue is queued in the outbox; the auto-issue feed shows it once sent",
                    None,
                );
            }
        }
        // The outbox linked the issue: badges and the feed's outbox follow.
        if self.connection(&connection).is_some() {
            self.send(Command::Links(LinkCommand::LoadCounts { connection }));
        }
        self.load_outbox();
    }

    /// "Open LOCAL-n" in an alert dialog: the issue the alert has, in a
    /// tab (the built-in tracker) or the browser (the caller opens it).
    pub fn open_existing_alert_issue(&mut self, issue: &IssueRef) -> super::ViewTarget {
        self.dialog = None;
        self.view_issue(issue)
    }

    /// "Make a rule from this" on the feed's activity `index`: the rules tab
    /// with a new rule for its event, selected and unsaved.
    pub fn make_rule_from_feed(&mut self, index: usize) {
        let Some(event) = self.auto_feed.get(index).map(|a| a.source.clone()) else {
            return;
        };
        let tracker = if self.rules.trackers.is_empty()
            || self.rules.trackers.iter().any(|t| t == LOCAL_TRACKER)
        {
            LOCAL_TRACKER.to_owned()
        } else {
            self.default_tracker()
        };
        let rule = rule_for_event(&event, &tracker);
        self.open_rules_editor();
        match &self.rules.saved {
            Load::Ready(_) => self.insert_rule(rule),
            _ => self.rules.pending_rule = Some(rule),
        }
    }

    pub(super) fn apply_alert_event(&mut self, event: RulesEvent) {
        match event {
            RulesEvent::AlertDrafted { request, draft } => self.alert_drafted(request, draft),
            RulesEvent::AlertFiled { request, filed } => self.alert_filed(request, filed),
            _ => {}
        }
    }
}

/// The built-in tracker's name, which the starter rules file on (as
/// [`UiState::default_tracker`] prefers it).
const LOCAL_TRACKER: &str = "Local";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_from_an_event_names_its_kind_connection_and_template() {
        let event = sr_auto::parse_event(
            std::path::Path::new("e.json"),
            r#"{"event": "drift.detected", "connection": "it's"}"#,
        )
        .expect("event");
        let rule = rule_for_event(&event, "Local");
        assert_eq!(rule["event"], "drift.detected");
        assert_eq!(rule["condition"], r"connection == 'it\'s'");
        assert_eq!(rule["template"], "drift_detection");
        assert_eq!(rule["tracker"], "Local");
        let condition = rule["condition"].as_str().unwrap_or_default();
        assert!(
            sr_auto::Condition::compile(condition).is_ok(),
            "{condition}"
        );
        let names = sr_auto::condition_names(&event);
        assert!(names.iter().any(|n| n == "connection"), "{names:?}");
    }
}
