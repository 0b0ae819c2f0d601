//! The part of an issue update that trackers keeping priority, type and
//! "in progress" as labels (GitHub, GitLab) build alike: the checked title,
//! the body under the provider's key, and the whole label set to send when
//! the update changes labels, priority or state. The adapter adds only its
//! provider's own fields (state, assignees) and request.

use serde_json::{Map, Value, json};
use sr_model::{Issue, IssueState, IssueUpdate};

use super::LabelMap;
use crate::{Result, TrackerError};

/// An update's common fields, ready for the provider's request.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledUpdate {
    /// `title` (trimmed) and the body under the provider's key, as given.
    pub fields: Map<String, Value>,
    /// The issue's whole label set after the update, when it changes
    /// labels, priority or state (state moves the in-progress label).
    pub labels: Option<Vec<String>>,
}

impl LabelMap {
    /// The common fields of `update` to the issue as it is (`now`): an
    /// empty title is a validation error of `provider`; the body goes
    /// under `body_key` (`body`, `description`); labels, priority and
    /// "in progress" left out of the update keep their current values.
    pub fn update(
        &self,
        provider: &str,
        now: &Issue,
        update: &IssueUpdate,
        body_key: &str,
    ) -> Result<LabelledUpdate> {
        let mut fields = Map::new();
        if let Some(t) = &update.title {
            if t.trim().is_empty() {
                return Err(TrackerError::invalid(provider, "title: cannot be empty"));
            }
            fields.insert("title".into(), json!(t.trim()));
        }
        if let Some(b) = &update.body {
            fields.insert(body_key.into(), json!(b));
        }
        let touched =
            update.labels.is_some() || update.priority.is_some() || update.state.is_some();
        let labels = touched.then(|| {
            let plain = update.labels.as_ref().unwrap_or(&now.reference.labels);
            let in_progress =
                update.state.unwrap_or(now.reference.status.state) == IssueState::InProgress;
            self.outgoing(
                plain,
                update.priority.or(now.reference.priority),
                now.issue_type.as_deref(),
                in_progress,
            )
        });
        Ok(LabelledUpdate { fields, labels })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use sr_model::{IssueKey, IssueRef, IssueStatus, Priority};

    use super::*;

    fn issue(labels: &[&str], priority: Option<Priority>, status: IssueStatus) -> Issue {
        let now = chrono::Utc::now();
        Issue {
            reference: IssueRef {
                key: IssueKey::new("p", "h", "1"),
                display_key: "#1".into(),
                url: "http://h/1".into(),
                title: "t".into(),
                status,
                priority,
                labels: labels.iter().map(|l| l.to_string()).collect(),
                assignee: None,
                created_at: now,
                updated_at: now,
            },
            body: String::new(),
            issue_type: Some("Bug".into()),
            project: None,
        }
    }

    fn map() -> LabelMap {
        LabelMap::with_defaults("priority: ", "in progress").configured(
            &BTreeMap::new(),
            &BTreeMap::from([("Bug".to_owned(), "bug".to_owned())]),
            None,
        )
    }

    #[test]
    fn title_body_and_labels_of_an_update() {
        let now = issue(&["db"], Some(Priority::P1), IssueStatus::open());
        let m = map();
        let e = m
            .update(
                "P",
                &now,
                &IssueUpdate {
                    title: Some("  ".into()),
                    ..IssueUpdate::default()
                },
                "body",
            )
            .expect_err("empty title");
        assert!(e.to_string().contains("title: cannot be empty"), "{e}");

        let only_text = IssueUpdate {
            title: Some(" new ".into()),
            body: Some("text".into()),
            ..IssueUpdate::default()
        };
        let u = m
            .update("P", &now, &only_text, "description")
            .expect("update");
        assert_eq!(u.fields.get("title"), Some(&json!("new")));
        assert_eq!(u.fields.get("description"), Some(&json!("text")));
        assert_eq!(u.labels, None);

        // A state change keeps the labels, priority and type the issue has.
        let start = IssueUpdate {
            state: Some(IssueState::InProgress),
            ..IssueUpdate::default()
        };
        let u = m.update("P", &now, &start, "body").expect("update");
        assert!(u.fields.is_empty());
        assert_eq!(
            u.labels.as_deref(),
            Some(&["db", "priority: high", "bug", "in progress"].map(String::from)[..])
        );

        // New labels and priority replace the old; in progress stays.
        let doing = issue(
            &["db"],
            Some(Priority::P1),
            IssueStatus {
                state: IssueState::InProgress,
                name: "In Progress".into(),
                resolution: None,
            },
        );
        let relabel = IssueUpdate {
            labels: Some(vec!["orders".into()]),
            priority: Some(Priority::P3),
            ..IssueUpdate::default()
        };
        let u = m.update("P", &doing, &relabel, "body").expect("update");
        assert_eq!(
            u.labels.as_deref(),
            Some(&["orders", "priority: low", "bug", "in progress"].map(String::from)[..])
        );
        let close = IssueUpdate {
            state: Some(IssueState::Done),
            ..IssueUpdate::default()
        };
        let u = m.update("P", &doing, &close, "body").expect("update");
        assert_eq!(
            u.labels.as_deref(),
            Some(&["db", "priority: high", "bug"].map(String::from)[..])
        );
    }
}
