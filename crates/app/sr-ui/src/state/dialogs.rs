//! The data behind the dialogs: what the user typed and what is pending.

use sr_model::{Issue, IssueDraft, IssueKey, ObjectRef, Priority, Project, User};

use super::Load;

use super::settings::TrackerSettingsDialog;

/// The dialog on top of the workbench, if any. One at a time.
// One value at most, replaced when a dialog opens: its size does not
// matter, and boxing the common Create Issue would touch every use.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Dialog {
    CreateIssue(CreateIssueDialog),
    LinkIssue(LinkIssueDialog),
    Trackers(Box<TrackerSettingsDialog>),
    /// Settings → Notification Channels.
    Channels(Box<super::ChannelSettingsDialog>),
    /// New Connection…, Edit or Duplicate.
    Connection(Box<super::ConnectionDialog>),
    /// "Remove connection NAME?", waiting for the answer.
    RemoveConnection(String),
    /// File → Export…
    Export(super::ExportDialog),
    About,
}

/// "Create Issue…" for one object.
#[derive(Debug, Clone)]
pub struct CreateIssueDialog {
    pub object: ObjectRef,
    pub tracker: String,
    /// The tracker's projects, loaded for `projects_of`.
    pub projects: Load<Vec<Project>>,
    pub projects_of: String,
    /// The chosen project's key; `None` is the tracker's default.
    pub project: Option<String>,
    /// "Bug", "Enhancement", "Task"; `None` leaves it to the tracker.
    pub issue_type: Option<String>,
    /// The assignee search box.
    pub assignee_query: String,
    /// The request id of the user search in flight.
    pub searching_users: Option<u64>,
    pub users: Option<Vec<User>>,
    /// The chosen assignee (the provider's user id).
    pub assignee: Option<User>,
    /// Attach the object's DDL as `NAME.sql`.
    pub attach_ddl: bool,
    /// Opened from the designer: whether to attach its ER diagram as
    /// `CONNECTION-er.svg`. `None` elsewhere (no checkbox).
    pub attach_er: Option<bool>,
    pub title: String,
    pub description: String,
    pub priority: Option<Priority>,
    /// Comma-separated, as typed.
    pub labels: String,
    /// Link the new issue to `object` (on by default).
    pub link: bool,
    /// Show the description rendered rather than the editor.
    pub preview: bool,
    /// Put the keyboard focus on the title at the next frame.
    pub focus_title: bool,
    /// The request id of the CreateIssue in flight.
    pub pending: Option<u64>,
    /// The request id of the DraftIssue in flight: the engine renders the
    /// `object_context` template with the DDL and row estimate.
    pub drafting: Option<u64>,
    /// The title and description the dialog opened with; the engine's
    /// draft replaces only what the user has not edited.
    pub prefill: (String, String),
    /// The whiteboard item (or board) the issue is filed for; it is then
    /// not linked to `object`, and the item keeps the new issue's key.
    pub origin: Option<Box<super::BoardTarget>>,
    /// The issue is about no object (a query naming no single table):
    /// `object` is only the connection, and neither Link nor Attach DDL
    /// is offered.
    pub standalone: bool,
    /// Opened by "File issue…" on an alert: filed as the alert's rule
    /// would (fingerprint, outbox), not as a plain issue.
    pub alert: Option<Box<AlertFiling>>,
    pub error: Option<String>,
}

/// "File issue…" on an alert: what the engine drafted, and the issue the
/// alert's fingerprint already has.
#[derive(Debug, Clone)]
pub struct AlertFiling {
    /// The alert in a user's words ("the backup health check on shop").
    pub describe: String,
    /// `None` until the engine's draft arrives.
    pub draft: Option<Box<sr_engine::AlertDraft>>,
    /// An open (or pending) issue of the same fingerprint: offered instead
    /// of filing another.
    pub existing: Option<sr_auto::Tracked>,
}

impl CreateIssueDialog {
    pub fn new(object: ObjectRef, tracker: String, title: String, description: String) -> Self {
        CreateIssueDialog {
            object,
            tracker,
            projects: Load::Idle,
            projects_of: String::new(),
            project: None,
            issue_type: None,
            assignee_query: String::new(),
            searching_users: None,
            users: None,
            assignee: None,
            attach_ddl: true,
            attach_er: None,
            prefill: (title.clone(), description.clone()),
            title,
            description,
            priority: Some(Priority::P2),
            labels: "database".into(),
            link: true,
            preview: false,
            focus_title: true,
            pending: None,
            origin: None,
            standalone: false,
            drafting: None,
            alert: None,
            error: None,
        }
    }

    /// Takes the engine's draft where the user has not typed over the
    /// prefilled text.
    pub fn take_draft(&mut self, title: String, body: String) {
        self.drafting = None;
        if self.title == self.prefill.0 {
            self.title = title.clone();
            self.prefill.0 = title;
        }
        if self.description == self.prefill.1 {
            self.description = body.clone();
            self.prefill.1 = body;
        }
    }

    /// The draft to send, or what is missing.
    pub fn draft(&self) -> Result<IssueDraft, String> {
        if self.tracker.trim().is_empty() {
            return Err("Choose a tracker; add one in Tools > Issue Tracker Settings.".into());
        }
        let title = self.title.trim();
        if title.is_empty() {
            return Err("Give the issue a title.".into());
        }
        let mut draft = IssueDraft::new(title, self.description.clone());
        draft.priority = self.priority;
        draft.labels = split_labels(&self.labels);
        draft.project = self.project.clone();
        draft.issue_type = self.issue_type.clone();
        draft.assignees = self.assignee.iter().map(|u| u.id.clone()).collect();
        Ok(draft)
    }
}

/// The issue types offered in Create Issue (the product spec's).
pub const ISSUE_TYPES: [&str; 3] = ["Bug", "Enhancement", "Task"];

/// Labels typed as `a, b ,c` → `["a", "b", "c"]`, duplicates dropped.
pub fn split_labels(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for label in text.split(',').map(str::trim).filter(|l| !l.is_empty()) {
        if !out.iter().any(|l| l == label) {
            out.push(label.to_owned());
        }
    }
    out
}

/// "Link Existing Issue…" for one object.
#[derive(Debug, Clone)]
pub struct LinkIssueDialog {
    pub object: ObjectRef,
    pub tracker: String,
    pub query: String,
    /// The request id of the Search in flight.
    pub searching: Option<u64>,
    /// The last search's results; `None` before the first search.
    pub results: Option<Vec<Issue>>,
    pub chosen: Option<IssueKey>,
    /// The issue a LinkIssue is in flight for.
    pub linking: Option<IssueKey>,
    pub error: Option<String>,
}

impl LinkIssueDialog {
    pub fn new(object: ObjectRef, tracker: String) -> Self {
        LinkIssueDialog {
            object,
            tracker,
            query: String::new(),
            searching: None,
            results: None,
            chosen: None,
            linking: None,
            error: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use sr_model::ObjectKind;

    use super::*;

    #[test]
    fn labels_split_on_commas() {
        let check =
            |text: &str, expected: &[&str]| assert_eq!(split_labels(text), expected, "{text:?}");
        check("", &[]);
        check("database", &["database"]);
        check(" a, b ,c,, ", &["a", "b", "c"]);
        check("perf, perf, index", &["perf", "index"]);
    }

    #[test]
    fn drafts_need_a_tracker_and_a_title() {
        let o = ObjectRef::new("demo", ObjectKind::Table, "shop", "main", "orders");
        let mut d = CreateIssueDialog::new(o, "Local".into(), "  ".into(), "body".into());
        assert_eq!(d.draft(), Err("Give the issue a title.".into()));
        d.title = " Slow scans ".into();
        d.priority = Some(Priority::P1);
        let draft = d.draft().unwrap_or_default();
        assert_eq!(
            (
                draft.title.as_str(),
                draft.body.as_str(),
                draft.priority,
                draft.labels
            ),
            (
                "Slow scans",
                "body",
                Some(Priority::P1),
                vec!["database".to_owned()]
            )
        );
        d.tracker = String::new();
        assert!(d.draft().is_err_and(|e| e.starts_with("Choose a tracker")));
    }
}
