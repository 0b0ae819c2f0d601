//! What the user does, as state changes and queued commands.

use sr_engine::Command;
use sr_model::{IssueKey, IssueRef, ObjectKind, ObjectRef, SearchQuery};

use super::{CreateIssueDialog, Dialog, JobKind, LinkIssueDialog, Load, Tab, ToastLevel, UiState};
use crate::model::summary::{issue_title, object_summary};
use sr_engine::{IssueCommand, LinkCommand, SchemaCommand, TrackerCommand};

/// Where "View" takes an issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewTarget {
    /// A web page, opened in the browser.
    Browser(String),
    /// An issue with no page of its own, shown in a tab.
    Tab,
}

/// The kinds an issue can be filed against from the explorer.
pub fn can_file_issue(kind: ObjectKind) -> bool {
    !matches!(
        kind,
        ObjectKind::Database | ObjectKind::Column | ObjectKind::Constraint
    )
}

impl UiState {
    /// Loads a connection's schema and badges.
    pub fn load_connection(&mut self, name: &str) {
        let conn = self.connection_mut(name);
        conn.schema = Load::Loading;
        conn.disconnected = false;
        self.send(Command::Schema(SchemaCommand::Load {
            connection: name.to_owned(),
            refresh: false,
        }));
        self.send(Command::Links(LinkCommand::LoadCounts {
            connection: name.to_owned(),
        }));
    }

    /// Reads a connection's schema again from the database.
    pub fn refresh_connection(&mut self, name: &str) {
        if self.jobs.is_running(&JobKind::Schema(name.to_owned())) {
            return;
        }
        // A loaded tree stays while it is read again; anything else shows
        // that it is connecting.
        let conn = self.connection_mut(name);
        conn.disconnected = false;
        if !matches!(conn.schema, Load::Ready(_)) {
            conn.schema = Load::Loading;
        }
        self.send(Command::Schema(SchemaCommand::Load {
            connection: name.to_owned(),
            refresh: true,
        }));
        self.send(Command::Links(LinkCommand::LoadCounts {
            connection: name.to_owned(),
        }));
    }

    pub fn load_links(&mut self, object: &ObjectRef) {
        let key = object.key();
        if self.jobs.is_running(&JobKind::Links(key.clone())) {
            return;
        }
        let entry = self.links.entry(key).or_default();
        if !matches!(entry, Load::Ready(_)) {
            *entry = Load::Loading;
        }
        self.send(Command::Links(LinkCommand::Load {
            object: object.clone(),
        }));
    }

    /// Selects an object: its detail tab opens and its linked issues load.
    ///
    /// The tab is a preview: the next selection replaces it, so walking the
    /// explorer does not pile up tabs. [`UiState::pin_tab`] keeps it.
    pub fn select(&mut self, object: &ObjectRef) {
        self.selection = Some(object.clone());
        let tab = Tab::Object(object.clone());
        match self.preview_tab.filter(|&i| i < self.tabs.len()) {
            _ if self.tabs.iter().any(|t| t.same(&tab)) => self.open_tab(tab),
            Some(i) => {
                self.tabs[i] = tab;
                self.active_tab = Some(i);
            }
            None => {
                self.open_tab(tab);
                self.preview_tab = self.active_tab;
            }
        }
        self.load_links(object);
    }

    /// Keeps a preview tab open when the selection moves on.
    pub fn pin_tab(&mut self, index: usize) {
        if self.preview_tab == Some(index) {
            self.preview_tab = None;
        }
    }

    /// Moves the selection `delta` rows through `visible` (the explorer rows
    /// on screen, in order); from nothing, Down starts at the first row and
    /// Up at the last.
    pub fn move_selection(&mut self, visible: &[ObjectRef], delta: isize) {
        if visible.is_empty() || delta == 0 {
            return;
        }
        let current = self
            .selection
            .as_ref()
            .and_then(|s| visible.iter().position(|o| o.key() == s.key()));
        let last = visible.len() - 1;
        let next = match current {
            Some(i) => i.saturating_add_signed(delta).min(last),
            None if delta > 0 => 0,
            None => last,
        };
        if current != Some(next) {
            let object = visible[next].clone();
            self.select(&object);
            self.scroll_to_selection = true;
        }
    }

    /// Opens `tab`, or brings it forward when already open.
    pub fn open_tab(&mut self, tab: Tab) {
        let i = match self.tabs.iter().position(|t| t.same(&tab)) {
            Some(i) => {
                self.tabs[i] = tab;
                i
            }
            None => {
                self.tabs.push(tab);
                self.tabs.len() - 1
            }
        };
        self.active_tab = Some(i);
    }

    pub fn activate_tab(&mut self, index: usize) {
        if index < self.tabs.len() {
            self.active_tab = Some(index);
            if let Tab::Object(o) = &self.tabs[index] {
                let o = o.clone();
                self.selection = Some(o.clone());
                if !matches!(self.links_of(&o), Load::Ready(_)) {
                    self.load_links(&o);
                }
            }
        }
    }

    pub fn close_tab(&mut self, index: usize) {
        if index >= self.tabs.len() {
            return;
        }
        if let Tab::Sql(id) = self.tabs.remove(index) {
            self.drop_sql_editor(id);
        }
        let shift = |i: Option<usize>, len: usize| match i {
            _ if len == 0 => None,
            Some(a) if a > index => Some(a - 1),
            Some(a) if a == index => Some(a.min(len - 1)),
            other => other,
        };
        self.active_tab = shift(self.active_tab, self.tabs.len());
        self.preview_tab = match self.preview_tab {
            Some(p) if p == index => None,
            other => shift(other, self.tabs.len()),
        };
    }

    pub fn set_filter(&mut self, filter: String) {
        if filter != self.filter {
            self.filter = filter;
            let filter = self.filter.clone();
            self.connections
                .iter_mut()
                .for_each(|c| c.refilter(&filter));
        }
    }

    /// Opens "Create Issue…" for `object`, prefilled from its definition.
    pub fn open_create_dialog(&mut self, object: &ObjectRef) {
        if !can_file_issue(object.kind) {
            return;
        }
        if self.selection.as_ref().map(ObjectRef::key) != Some(object.key()) {
            self.select(object);
        }
        // The summary shows at once; the engine's draft (the object_context
        // template with DDL and row estimate) replaces it when it arrives.
        let description = object_summary(object, self.snapshot_of(object).map(|s| &**s));
        let request = self.next_request();
        let mut dialog = CreateIssueDialog::new(
            object.clone(),
            self.default_tracker(),
            issue_title(object),
            description,
        );
        dialog.drafting = Some(request);
        self.dialog = Some(Dialog::CreateIssue(dialog));
        self.send(Command::Issues(IssueCommand::Draft {
            request,
            object: object.clone(),
        }));
        self.load_projects();
        if matches!(self.trackers, Load::Idle) {
            self.send(Command::Trackers(TrackerCommand::Load));
        }
    }

    /// Sends the open Create Issue dialog's draft.
    pub fn submit_create(&mut self) {
        if let Some(Dialog::CreateIssue(d)) = &self.dialog
            && d.alert.is_some()
        {
            if d.pending.is_none() {
                self.submit_alert();
            }
            return;
        }
        let request = self.next_request();
        let er_of = match &self.dialog {
            Some(Dialog::CreateIssue(d)) if d.attach_er == Some(true) && d.origin.is_none() => {
                Some(d.object.connection.clone())
            }
            _ => None,
        };
        let attachments: Vec<_> = er_of
            .and_then(|c| self.er_attachment(&c))
            .into_iter()
            .collect();
        let Some(Dialog::CreateIssue(d)) = &mut self.dialog else {
            return;
        };
        if d.pending.is_some() {
            return;
        }
        match d.draft() {
            Err(e) => d.error = Some(e),
            Ok(draft) => {
                d.error = None;
                d.pending = Some(request);
                let command = Command::Issues(IssueCommand::Create {
                    request,
                    tracker: d.tracker.clone(),
                    object: (d.link && d.origin.is_none()).then(|| d.object.clone()),
                    draft,
                    attach_ddl: (d.attach_ddl && d.origin.is_none()).then(|| d.object.clone()),
                    attachments,
                });
                self.send(command);
            }
        }
    }

    /// Loads the Create Issue dialog's tracker's projects, unless they are
    /// loaded or loading. Called when the dialog opens and when its tracker
    /// changes.
    pub fn load_projects(&mut self) {
        let Some(Dialog::CreateIssue(d)) = &mut self.dialog else {
            return;
        };
        if d.tracker.is_empty() || d.projects_of == d.tracker {
            return;
        }
        d.projects_of = d.tracker.clone();
        d.projects = Load::Loading;
        d.project = None;
        d.users = None;
        d.assignee = None;
        let tracker = d.tracker.clone();
        if !self.jobs.is_running(&JobKind::Projects(tracker.clone())) {
            self.send(Command::Trackers(TrackerCommand::LoadProjects { tracker }));
        }
    }

    /// Searches the Create Issue dialog's tracker for assignable users.
    pub fn search_users(&mut self) {
        let request = self.next_request();
        let Some(Dialog::CreateIssue(d)) = &mut self.dialog else {
            return;
        };
        if d.tracker.is_empty() {
            return;
        }
        d.searching_users = Some(request);
        let command = Command::Trackers(TrackerCommand::SearchUsers {
            request,
            tracker: d.tracker.clone(),
            project: d.project.clone(),
            query: d.assignee_query.trim().to_owned(),
        });
        self.send(command);
    }

    /// Opens "Link Existing Issue…" for `object`.
    pub fn open_link_dialog(&mut self, object: &ObjectRef) {
        if self.selection.as_ref().map(ObjectRef::key) != Some(object.key()) {
            self.select(object);
        }
        self.dialog = Some(Dialog::LinkIssue(LinkIssueDialog::new(
            object.clone(),
            self.default_tracker(),
        )));
    }

    /// Searches the Link dialog's tracker: its query, or recent issues when
    /// `recent` (or when the query is empty).
    pub fn search(&mut self, recent: bool) {
        let request = self.next_request();
        let Some(Dialog::LinkIssue(d)) = &mut self.dialog else {
            return;
        };
        if d.tracker.is_empty() {
            d.error = Some("Choose a tracker to search.".into());
            return;
        }
        let query = if recent {
            SearchQuery::default()
        } else {
            SearchQuery::text(d.query.trim())
        };
        d.searching = Some(request);
        d.error = None;
        let command = Command::Issues(IssueCommand::Search {
            request,
            tracker: d.tracker.clone(),
            query,
        });
        self.send(command);
    }

    /// Links the issue chosen in the Link dialog.
    pub fn link_chosen(&mut self) {
        let Some(Dialog::LinkIssue(d)) = &mut self.dialog else {
            return;
        };
        let Some(issue) = d.chosen.clone() else {
            d.error = Some("Pick an issue from the results first.".into());
            return;
        };
        if d.linking.is_some() {
            return;
        }
        d.linking = Some(issue.clone());
        d.error = None;
        let object = d.object.clone();
        self.send(Command::Links(LinkCommand::Link { object, issue }));
    }

    pub fn unlink(&mut self, object: &ObjectRef, issue: &IssueKey) {
        let kind = JobKind::Unlink {
            object: object.key(),
            issue: issue.clone(),
        };
        if !self.jobs.is_running(&kind) {
            self.send(Command::Links(LinkCommand::Unlink {
                object: object.clone(),
                issue: issue.clone(),
            }));
        }
    }

    /// Sends a toast's Undo command and dismisses the toast.
    pub fn undo(&mut self, toast: u64) {
        if let Some(command) = self.toasts.take(toast).and_then(|t| t.undo) {
            self.send(command);
        }
    }

    /// Refreshes one issue from its tracker now.
    pub fn sync_issue(&mut self, issue: &IssueKey) {
        if !self.jobs.is_running(&JobKind::Refresh(issue.clone())) {
            self.send(Command::Issues(IssueCommand::Refresh {
                issue: issue.clone(),
            }));
        }
    }

    /// "View": a web issue opens in the browser; an issue of the built-in
    /// tracker (`scratchrobin://` URL) opens in a tab.
    pub fn view_issue(&mut self, issue: &IssueRef) -> ViewTarget {
        if issue.url.is_empty() || issue.url.starts_with("scratchrobin://") {
            self.open_tab(Tab::Issue(issue.clone()));
            ViewTarget::Tab
        } else {
            ViewTarget::Browser(issue.url.clone())
        }
    }

    pub fn reload_trackers(&mut self) {
        if !self.jobs.is_running(&JobKind::Trackers) {
            self.send(Command::Trackers(TrackerCommand::Reload));
        }
    }

    pub fn close_dialog(&mut self) {
        self.dialog = None;
    }

    /// Esc: closes the innermost thing open: the tracker removal question,
    /// then the tracker form, then the dialog.
    pub fn escape(&mut self) {
        if let Some(Dialog::Trackers(d)) = &mut self.dialog
            && (d.confirm_remove.take().is_some() || d.form.take().is_some())
        {
            return;
        }
        if let Some(Dialog::Connection(d)) = &self.dialog
            && d.saving.is_some()
        {
            // The answer closes it, or shows why it could not be saved.
            return;
        }
        self.close_dialog();
    }

    /// Tells the user about a failure that happened on the UI side.
    pub fn report_error(&mut self, text: String) {
        self.last_error = Some(text.clone());
        self.toasts.push(ToastLevel::Error, text, None);
    }
}
