//! The `config` object of an `azure_devops` tracker in trackers.json, read
//! strictly (unknown fields are errors), and the tables it configures:
//! priorities (Azure's 1–4) and the state each work item type moves to
//! for open, in progress and done.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use sr_model::{IssueState, Priority};
use sr_secrets::SecretRef;
use sr_tracker::kit::AdapterConfig;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureConfig {
    /// The service root: `https://dev.azure.com` (the default) for Azure
    /// DevOps Services, `https://HOST/tfs` for Azure DevOps Server.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// A PEM file of certificate authorities to trust besides the public
    /// ones (a company CA in front of Azure DevOps Server).
    #[serde(default)]
    pub ca_file: Option<std::path::PathBuf>,
    /// The organization (`acme` in dev.azure.com/acme), or the collection
    /// on Azure DevOps Server.
    pub organization: String,
    /// The project work items live in.
    pub project: String,
    /// The team WIQL runs as (its `@currentIteration`); `{project} Team`,
    /// the team every project starts with, unless set.
    #[serde(default)]
    pub team: Option<String>,
    /// The type of new work items when the draft names none.
    #[serde(default = "default_type")]
    pub work_item_type: String,
    /// The area path new work items get (`DB\Backend`) and searches stay
    /// under; the project's root area unless set.
    #[serde(default)]
    pub area_path: Option<String>,
    /// The iteration path new work items get (`DB\Sprint 1`).
    #[serde(default)]
    pub iteration_path: Option<String>,
    /// Tags added to every work item ScratchRobin creates.
    #[serde(default)]
    pub labels: Vec<String>,
    pub auth: Auth,
    /// Azure's priority (1 highest – 4 lowest) for each level; levels
    /// left out use P0→1, P1→2, P2→3, P3→4, P4→4.
    #[serde(default)]
    pub priorities: BTreeMap<Priority, u8>,
    /// Per work item type, the state it moves to for each of `open`,
    /// `in_progress` and `done` (custom processes); the process's own
    /// states by category unless set.
    #[serde(default)]
    pub states: BTreeMap<String, StateNames>,
}

/// The states of one work item type for the product's three states.
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

fn default_base_url() -> String {
    "https://dev.azure.com".into()
}

fn default_type() -> String {
    "Task".into()
}

/// How ScratchRobin signs in.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Auth {
    /// A personal access token, sent as HTTP Basic with an empty user.
    PersonalToken { token: SecretRef },
    /// A Microsoft Entra ID access token (for the Azure DevOps resource),
    /// sent as `Bearer`.
    Bearer { token: SecretRef },
}

impl AdapterConfig for AzureConfig {
    fn token(&self) -> &SecretRef {
        match &self.auth {
            Auth::PersonalToken { token } | Auth::Bearer { token } => token,
        }
    }

    fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }
}

/// The tables with their defaults filled in; what webhook deliveries are
/// read with too.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    pub priorities: BTreeMap<Priority, u8>,
    pub states: BTreeMap<String, StateNames>,
}

impl Default for Mapping {
    fn default() -> Self {
        Mapping {
            priorities: Priority::ALL.into_iter().zip([1, 2, 3, 4, 4]).collect(),
            states: BTreeMap::new(),
        }
    }
}

/// State names of Microsoft's processes (Basic, Agile, Scrum, CMMI) by
/// the category Azure gives them: Proposed → open; In Progress → in
/// progress; Resolved, Completed and Removed → done.
const PROPOSED: [&str; 5] = ["new", "proposed", "to do", "approved", "open"];
const IN_PROGRESS: [&str; 5] = ["active", "committed", "in progress", "doing", "design"];

impl Mapping {
    pub fn from_config(c: &AzureConfig) -> Mapping {
        let mut m = Mapping::default();
        m.priorities.extend(c.priorities.clone());
        m.states = c.states.clone();
        m
    }

    pub fn priority_value(&self, p: Priority) -> u8 {
        self.priorities.get(&p).copied().unwrap_or(2)
    }

    /// The first level that maps to Azure's `value`.
    pub fn priority_of(&self, value: u64) -> Option<Priority> {
        self.priorities
            .iter()
            .find(|(_, v)| u64::from(**v) == value)
            .map(|(p, _)| *p)
    }

    /// The product's state of a work item of `kind` in `state`: the
    /// configured names first, then the standard processes' categories;
    /// a name in neither counts as done only if it says so.
    pub fn state_of(&self, kind: &str, state: &str) -> IssueState {
        if let Some(n) = self.states.get(kind) {
            let is =
                |s: &Option<String>| s.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(state));
            if is(&n.done) {
                return IssueState::Done;
            }
            if is(&n.in_progress) {
                return IssueState::InProgress;
            }
            if is(&n.open) {
                return IssueState::Open;
            }
        }
        let s = state.to_ascii_lowercase();
        if PROPOSED.contains(&s.as_str()) {
            IssueState::Open
        } else if IN_PROGRESS.contains(&s.as_str()) {
            IssueState::InProgress
        } else if ["resolved", "closed", "done", "removed", "completed"].contains(&s.as_str()) {
            IssueState::Done
        } else {
            IssueState::Open
        }
    }

    /// The state configured for `kind` and `state`, if any.
    pub fn configured_state(&self, kind: &str, state: IssueState) -> Option<&str> {
        let n = self.states.get(kind)?;
        match state {
            IssueState::Open => n.open.as_deref(),
            IssueState::InProgress => n.in_progress.as_deref(),
            IssueState::Done => n.done.as_deref(),
        }
    }
}

/// The Azure state category each product state moves to.
pub fn category(state: IssueState) -> &'static str {
    match state {
        IssueState::Open => "Proposed",
        IssueState::InProgress => "InProgress",
        IssueState::Done => "Completed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str, expected: Result<(), &str>) {
        sr_tracker::contract::factory::check_config::<AzureConfig>(json, expected)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn strict_config() {
        let base = r#""organization": "acme", "project": "DB""#;
        let pat = r#""auth": {"type": "personal_token", "token": "${AZURE_DEVOPS_PAT}"}"#;
        check(&format!("{{{base}, {pat}}}"), Ok(()));
        check(
            &format!(
                r#"{{{base}, "base_url": "https://tfs.acme.com/tfs", "team": "DB Team", "work_item_type": "Bug",
                "area_path": "DB\\Backend", "iteration_path": "DB\\Sprint 1", "labels": ["db"],
                "priorities": {{"P0": 1}}, "states": {{"Bug": {{"done": "Closed"}}}}, {pat}}}"#
            ),
            Ok(()),
        );
        check(
            &format!(r#"{{{base}, "auth": {{"type": "bearer", "token": "${{ENTRA_TOKEN}}"}}}}"#),
            Ok(()),
        );
        check(
            &format!("{{{base}, {pat}, \"x\": 1}}"),
            Err("unknown field `x`"),
        );
        check(&format!("{{{base}}}"), Err("missing field `auth`"));
        check(
            &format!(r#"{{"organization": "acme", {pat}}}"#),
            Err("missing field `project`"),
        );
        check(
            &format!(r#"{{{base}, "auth": {{"type": "personal_token", "token": "plain"}}}}"#),
            Err("plain"),
        );
        check(
            &format!(r#"{{{base}, "auth": {{"type": "oauth", "token": "${{T}}"}}}}"#),
            Err("unknown variant `oauth`"),
        );
        check(
            &format!(r#"{{{base}, "states": {{"Bug": {{"closed": "Done"}}}}, {pat}}}"#),
            Err("unknown field `closed`"),
        );
    }

    #[test]
    fn priorities_and_states() {
        let m = Mapping::default();
        assert_eq!(m.priority_value(Priority::P0), 1);
        assert_eq!(m.priority_value(Priority::P2), 3);
        assert_eq!(m.priority_of(3), Some(Priority::P2));
        assert_eq!(m.priority_of(4), Some(Priority::P3));
        for (state, want) in [
            ("New", IssueState::Open),
            ("To Do", IssueState::Open),
            ("Active", IssueState::InProgress),
            ("Committed", IssueState::InProgress),
            ("Resolved", IssueState::Done),
            ("Closed", IssueState::Done),
            ("Done", IssueState::Done),
            ("Triaged", IssueState::Open),
        ] {
            assert_eq!(m.state_of("Bug", state), want, "{state}");
        }
        let mut m = Mapping::default();
        m.states.insert(
            "Bug".into(),
            StateNames {
                in_progress: Some("Triaged".into()),
                ..StateNames::default()
            },
        );
        assert_eq!(m.state_of("Bug", "Triaged"), IssueState::InProgress);
        assert_eq!(m.state_of("Task", "Triaged"), IssueState::Open);
        assert_eq!(
            m.configured_state("Bug", IssueState::InProgress),
            Some("Triaged")
        );
        assert_eq!(m.configured_state("Bug", IssueState::Done), None);
    }
}
