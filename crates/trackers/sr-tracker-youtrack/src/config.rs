//! The `config` object of a `youtrack` tracker in trackers.json, read
//! strictly (unknown fields are errors), and the tables it configures:
//! the names of the four custom fields the adapter uses, the Priority
//! value for each level, and the State values for open, in progress and
//! done.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use sr_model::{IssueState, Priority};
use sr_secrets::SecretRef;
use sr_tracker::kit::AdapterConfig;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YouTrackConfig {
    /// The instance: `https://acme.youtrack.cloud`, or
    /// `https://HOST/youtrack` for YouTrack Server under a path.
    pub base_url: String,
    /// A PEM file of certificate authorities to trust besides the public
    /// ones (a company CA in front of YouTrack Server).
    #[serde(default)]
    pub ca_file: Option<std::path::PathBuf>,
    /// The project's short name (`DB`, as in issue ids `DB-12`).
    pub project: String,
    /// The Type value of new issues when the draft names none; the
    /// project's default unless set.
    #[serde(default)]
    pub issue_type: Option<String>,
    /// Tags added to every issue ScratchRobin creates.
    #[serde(default)]
    pub labels: Vec<String>,
    pub auth: Auth,
    /// The names of the custom fields used (a project may rename them).
    #[serde(default)]
    pub fields: FieldNames,
    /// The Priority value for each level; levels left out use
    /// P0 Show-stopper, P1 Critical, P2 Major, P3 Normal, P4 Minor.
    #[serde(default)]
    pub priorities: BTreeMap<Priority, String>,
    /// The State values to move to; unless set, chosen from the State
    /// field's values (resolved ones count as done).
    #[serde(default)]
    pub states: StateNames,
}

/// How ScratchRobin signs in.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Auth {
    /// A permanent token (`perm:…`), sent as `Bearer`.
    PermanentToken { token: SecretRef },
}

/// The custom fields' names in the project.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FieldNames {
    pub state: String,
    pub priority: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub assignee: String,
}

impl Default for FieldNames {
    fn default() -> Self {
        FieldNames {
            state: "State".into(),
            priority: "Priority".into(),
            kind: "Type".into(),
            assignee: "Assignee".into(),
        }
    }
}

/// The State values for the product's three states.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateNames {
    #[serde(default)]
    pub open: Option<String>,
    #[serde(default)]
    pub in_progress: Option<String>,
    #[serde(default)]
    pub done: Option<String>,
}

impl AdapterConfig for YouTrackConfig {
    fn token(&self) -> &SecretRef {
        match &self.auth {
            Auth::PermanentToken { token } => token,
        }
    }

    fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }
}

/// The tables with their defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    pub fields: FieldNames,
    pub priorities: BTreeMap<Priority, String>,
    pub states: StateNames,
}

impl Default for Mapping {
    fn default() -> Self {
        Mapping {
            fields: FieldNames::default(),
            priorities: Priority::ALL
                .into_iter()
                .zip(["Show-stopper", "Critical", "Major", "Normal", "Minor"])
                .map(|(p, n)| (p, n.to_owned()))
                .collect(),
            states: StateNames::default(),
        }
    }
}

/// State names of YouTrack's default workflows, by preference.
const OPEN: [&str; 4] = ["open", "submitted", "reopened", "to do"];
const IN_PROGRESS: [&str; 3] = ["in progress", "doing", "in review"];
const DONE: [&str; 5] = ["fixed", "done", "resolved", "closed", "verified"];

impl Mapping {
    pub fn from_config(c: &YouTrackConfig) -> Mapping {
        let mut m = Mapping {
            fields: c.fields.clone(),
            states: c.states.clone(),
            ..Mapping::default()
        };
        m.priorities.extend(c.priorities.clone());
        m
    }

    pub fn priority_value(&self, p: Priority) -> &str {
        self.priorities.get(&p).map_or("Normal", String::as_str)
    }

    /// The first level whose value is `name`.
    pub fn priority_of(&self, name: &str) -> Option<Priority> {
        self.priorities
            .iter()
            .find(|(_, v)| v.eq_ignore_ascii_case(name))
            .map(|(p, _)| *p)
    }

    /// The product's state of an issue in State `name` (`resolved` as
    /// YouTrack says): configured names first; a resolved state is done;
    /// an unresolved one is in progress if it is named so.
    pub fn state_of(&self, name: &str, resolved: bool) -> IssueState {
        let is = |s: &Option<String>| s.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(name));
        if is(&self.states.done) || resolved {
            IssueState::Done
        } else if is(&self.states.in_progress)
            || IN_PROGRESS.contains(&name.to_lowercase().as_str())
        {
            IssueState::InProgress
        } else {
            IssueState::Open
        }
    }

    /// The State value to move to for `state`, among the field's values
    /// (`name`, resolved): the configured one, else the first of the
    /// default workflow names present, else (open and done) the first
    /// value that is unresolved or resolved.
    pub fn state_value(&self, state: IssueState, values: &[(String, bool)]) -> Option<String> {
        let (configured, names) = match state {
            IssueState::Open => (&self.states.open, &OPEN[..]),
            IssueState::InProgress => (&self.states.in_progress, &IN_PROGRESS[..]),
            IssueState::Done => (&self.states.done, &DONE[..]),
        };
        if let Some(c) = configured {
            return values
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(c))
                .map(|(n, _)| n.clone());
        }
        let fits = |(n, r): &&(String, bool)| self.state_of(n, *r) == state;
        names
            .iter()
            .find_map(|w| {
                values
                    .iter()
                    .filter(fits)
                    .find(|(n, _)| n.eq_ignore_ascii_case(w))
            })
            .or_else(|| match state {
                IssueState::InProgress => None,
                _ => values.iter().find(fits),
            })
            .map(|(n, _)| n.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str, expected: Result<(), &str>) {
        sr_tracker::contract::factory::check_config::<YouTrackConfig>(json, expected)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn strict_config() {
        let base = r#""base_url": "https://acme.youtrack.cloud", "project": "DB""#;
        let auth = r#""auth": {"type": "permanent_token", "token": "${YOUTRACK_TOKEN}"}"#;
        check(&format!("{{{base}, {auth}}}"), Ok(()));
        check(
            &format!(
                r#"{{{base}, "issue_type": "Task", "labels": ["db"], "fields": {{"type": "Kind"}},
                "priorities": {{"P0": "Critical"}}, "states": {{"done": "Done"}}, {auth}}}"#
            ),
            Ok(()),
        );
        check(
            &format!("{{{base}, {auth}, \"x\": 1}}"),
            Err("unknown field `x`"),
        );
        check(&format!("{{{base}}}"), Err("missing field `auth`"));
        check(
            &format!(r#"{{{base}, "auth": {{"type": "permanent_token", "token": "perm:abc"}}}}"#),
            Err("may not be written in plain text"),
        );
        check(
            &format!(r#"{{{base}, "fields": {{"status": "S"}}, {auth}}}"#),
            Err("unknown field `status`"),
        );
    }

    #[test]
    fn states_come_from_the_fields_values() {
        let m = Mapping::default();
        let values: Vec<(String, bool)> = [
            ("Submitted", false),
            ("Open", false),
            ("In Progress", false),
            ("Can't Reproduce", true),
            ("Fixed", true),
        ]
        .iter()
        .map(|(n, r)| ((*n).to_owned(), *r))
        .collect();
        assert_eq!(
            m.state_value(IssueState::Open, &values).as_deref(),
            Some("Open")
        );
        assert_eq!(
            m.state_value(IssueState::Done, &values).as_deref(),
            Some("Fixed")
        );
        assert_eq!(
            m.state_value(IssueState::InProgress, &values).as_deref(),
            Some("In Progress")
        );
        assert_eq!(m.state_of("Can't Reproduce", true), IssueState::Done);
        assert_eq!(m.state_of("Submitted", false), IssueState::Open);
        let only_custom = vec![("Triage".to_owned(), false), ("Shipped".to_owned(), true)];
        assert_eq!(m.state_value(IssueState::InProgress, &only_custom), None);
        assert_eq!(
            m.state_value(IssueState::Done, &only_custom).as_deref(),
            Some("Shipped")
        );
        assert_eq!(m.priority_of("major"), Some(Priority::P2));
    }
}
