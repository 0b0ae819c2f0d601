//! Priorities, issue types and "in progress" as labels, for trackers that
//! have no fields for them (GitHub, GitLab Free): the tables of a tracker's
//! configuration with the provider's defaults filled in, read from an
//! issue's labels and written back into them.

use std::collections::BTreeMap;

use sr_model::{IssueDraft, IssueState, IssueStatus, Priority};

/// The label tables of one tracker.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelMap {
    pub priority_labels: BTreeMap<Priority, String>,
    pub type_labels: BTreeMap<String, String>,
    pub in_progress_label: String,
}

/// What an issue's labels say.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadLabels {
    pub priority: Option<Priority>,
    pub issue_type: Option<String>,
    pub in_progress: bool,
    /// The labels that stand for no field, sorted, without repeats.
    pub plain: Vec<String>,
}

impl ReadLabels {
    /// The issue's status: closed (with the provider's reason), else in
    /// progress when its label says so, else open.
    pub fn status(&self, closed: bool, reason: Option<String>) -> IssueStatus {
        if closed {
            IssueStatus::closed(reason)
        } else if self.in_progress {
            IssueStatus {
                state: IssueState::InProgress,
                name: "In Progress".into(),
                resolution: None,
            }
        } else {
            IssueStatus::open()
        }
    }
}

impl LabelMap {
    /// The provider's defaults: `{priority_prefix}critical` …
    /// `{priority_prefix}lowest`, no type labels, and `in_progress`.
    pub fn with_defaults(priority_prefix: &str, in_progress: &str) -> LabelMap {
        LabelMap {
            priority_labels: Priority::ALL
                .into_iter()
                .map(|p| (p, format!("{priority_prefix}{}", p.label().to_lowercase())))
                .collect(),
            type_labels: BTreeMap::new(),
            in_progress_label: in_progress.to_owned(),
        }
    }

    /// The defaults overridden by a tracker's configuration: priorities
    /// it names replace theirs, its type table is the type table.
    pub fn configured(
        mut self,
        priority_labels: &BTreeMap<Priority, String>,
        type_labels: &BTreeMap<String, String>,
        in_progress_label: Option<&str>,
    ) -> LabelMap {
        self.priority_labels.extend(priority_labels.clone());
        self.type_labels = type_labels.clone();
        if let Some(l) = in_progress_label {
            self.in_progress_label = l.to_owned();
        }
        self
    }

    pub fn priority_of(&self, label: &str) -> Option<Priority> {
        self.priority_labels
            .iter()
            .find(|(_, l)| l.eq_ignore_ascii_case(label))
            .map(|(p, _)| *p)
    }

    pub fn type_of(&self, label: &str) -> Option<&str> {
        self.type_labels
            .iter()
            .find(|(_, l)| l.eq_ignore_ascii_case(label))
            .map(|(t, _)| t.as_str())
    }

    pub fn is_in_progress(&self, label: &str) -> bool {
        self.in_progress_label.eq_ignore_ascii_case(label)
    }

    /// Whether the label stands for a field rather than being plain.
    pub fn is_mapped(&self, label: &str) -> bool {
        self.priority_of(label).is_some()
            || self.type_of(label).is_some()
            || self.is_in_progress(label)
    }

    /// Reads an issue's labels: the fields they stand for and the rest.
    pub fn read(&self, labels: Vec<String>) -> ReadLabels {
        let priority = labels.iter().find_map(|l| self.priority_of(l));
        let issue_type = labels
            .iter()
            .find_map(|l| self.type_of(l))
            .map(str::to_owned);
        let in_progress = labels.iter().any(|l| self.is_in_progress(l));
        let mut plain: Vec<String> = labels.into_iter().filter(|l| !self.is_mapped(l)).collect();
        plain.sort();
        plain.dedup();
        ReadLabels {
            priority,
            issue_type,
            in_progress,
            plain,
        }
    }

    /// The labels of a new issue: the draft's and the tracker's own
    /// (`labels` in its configuration), with the draft's priority and type
    /// as their labels.
    pub fn for_new_issue(&self, draft: &IssueDraft, configured: &[String]) -> Vec<String> {
        let plain: Vec<String> = draft.labels.iter().chain(configured).cloned().collect();
        self.outgoing(&plain, draft.priority, draft.issue_type.as_deref(), false)
    }

    /// The labels to send: the plain ones plus those standing for
    /// priority, type and "in progress"; repeats (ignoring case) dropped.
    pub fn outgoing(
        &self,
        plain: &[String],
        priority: Option<Priority>,
        issue_type: Option<&str>,
        in_progress: bool,
    ) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut push = |l: &str| {
            let l = l.trim();
            if !l.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(l)) {
                out.push(l.to_owned());
            }
        };
        for l in plain {
            push(l);
        }
        if let Some(p) = priority.and_then(|p| self.priority_labels.get(&p)) {
            push(p);
        }
        if let Some(t) = issue_type.and_then(|t| self.type_labels.get(t)) {
            push(t);
        }
        if in_progress {
            push(&self.in_progress_label);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> LabelMap {
        LabelMap::with_defaults("priority: ", "in progress").configured(
            &BTreeMap::from([(Priority::P1, "prio/high".to_owned())]),
            &BTreeMap::from([("Bug".to_owned(), "bug".to_owned())]),
            None,
        )
    }

    #[test]
    fn defaults_and_configured_labels() {
        let m = map();
        assert_eq!(m.priority_of("prio/high"), Some(Priority::P1));
        assert_eq!(m.priority_of("Priority: Critical"), Some(Priority::P0));
        assert_eq!(m.priority_of("priority: high"), None);
        assert_eq!(m.type_of("BUG"), Some("Bug"));
        assert!(m.is_in_progress("In Progress"));
        assert!(!m.is_mapped("db"));
        let scoped = LabelMap::with_defaults("priority::", "workflow::in progress").configured(
            &BTreeMap::new(),
            &BTreeMap::new(),
            Some("doing"),
        );
        assert_eq!(scoped.priority_of("Priority::Lowest"), Some(Priority::P4));
        assert!(scoped.is_in_progress("Doing") && !scoped.is_in_progress("workflow::in progress"));
    }

    #[test]
    fn labels_read_and_written() {
        let m = map();
        let read = m.read(
            ["db", "bug", "prio/high", "In Progress", "db", "a"]
                .map(String::from)
                .to_vec(),
        );
        assert_eq!(
            read,
            ReadLabels {
                priority: Some(Priority::P1),
                issue_type: Some("Bug".into()),
                in_progress: true,
                plain: vec!["a".into(), "db".into()],
            }
        );
        assert_eq!(read.status(false, None).state, IssueState::InProgress);
        assert_eq!(read.status(true, None).state, IssueState::Done);
        assert_eq!(m.read(vec![]).status(false, None), IssueStatus::open());
        assert_eq!(
            m.outgoing(
                &[" db ".into(), "DB".into(), String::new()],
                Some(Priority::P1),
                Some("Bug"),
                true
            ),
            ["db", "prio/high", "bug", "in progress"]
        );
        assert_eq!(
            m.outgoing(&[], None, Some("Story"), false),
            Vec::<String>::new()
        );
        let draft = IssueDraft {
            labels: vec!["orders".into()],
            priority: Some(Priority::P1),
            issue_type: Some("Bug".into()),
            ..IssueDraft::new("t", "b")
        };
        assert_eq!(
            m.for_new_issue(&draft, &["db".into(), "Orders".into()]),
            ["orders", "db", "prio/high", "bug"]
        );
    }
}
