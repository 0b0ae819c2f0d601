//! Issue comments in the linked-issues panel: per issue, the list as the
//! engine last answered it, the tracker's problem then, whether the
//! section is open, and the comment being written.
//!
//! Commands about one issue's comments run one at a time: the panel waits
//! (its buttons are disabled) while one is in flight, and reloads asked
//! for meanwhile wait for it. That keeps the answers apart, since the
//! engine runs commands concurrently and an [`sr_engine::sr_engine::IssueEvent::Comments`]
//! does not say what it answers: a load is answered by one, a new comment
//! by two (kept, then sent) or by a failure.

use std::collections::HashMap;

use sr_engine::{Command, IssueComments};
use sr_model::IssueKey;

use super::{JobKind, Load, UiState};
use sr_engine::IssueCommand;

/// One issue's comments section.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommentThread {
    /// The comments as last answered (oldest first, pending ones included).
    pub list: Load<IssueComments>,
    /// Why the tracker could not be read or written at the last answer (the
    /// list is then the cache's), or why the last reload failed.
    pub problem: Option<String>,
    /// Whether the section is open in the panel.
    pub open: bool,
    /// The comment being written.
    pub draft: String,
    /// The list may be out of date (the store changed, a sync ended): it
    /// is loaded again once the section is open and nothing is in flight.
    stale: bool,
    /// The comment sent and not yet kept by the engine; it goes back to
    /// the draft if the engine refuses it, so no text is lost.
    sent: Option<String>,
}

/// Comments by issue.
pub type CommentThreads = HashMap<IssueKey, CommentThread>;

const CLOSED: &CommentThread = &CommentThread {
    list: Load::Idle,
    problem: None,
    open: false,
    draft: String::new(),
    stale: false,
    sent: None,
};

impl CommentThread {
    /// How many comments the list holds, once loaded.
    pub fn count(&self) -> Option<usize> {
        self.list.ready().map(|l| l.comments.len())
    }
}

impl UiState {
    /// The comments section of `issue` (closed and empty when never opened).
    pub fn comments_of(&self, issue: &IssueKey) -> &CommentThread {
        self.comments.get(issue).unwrap_or(CLOSED)
    }

    /// Whether a load or a new comment of `issue` is in flight; the panel
    /// sends nothing more for it until the answer.
    pub fn comments_busy(&self, issue: &IssueKey) -> bool {
        self.jobs.is_running(&JobKind::Comments(issue.clone()))
            || self.jobs.is_running(&JobKind::Comment(issue.clone()))
    }

    /// Opens or closes the comments of `issue`. Opening loads them the
    /// first time (from the cache, or the tracker if never read) and when
    /// they changed meanwhile.
    pub fn toggle_comments(&mut self, issue: &IssueKey) {
        let thread = self.comments.entry(issue.clone()).or_default();
        thread.open = !thread.open;
        // A list loading now needs no second load.
        if thread.open && matches!(thread.list, Load::Idle | Load::Failed(_)) {
            thread.stale = true;
        }
        self.reload_comments_if_stale(issue);
    }

    /// "⟳": reads the issue's comments from its tracker now.
    pub fn refresh_comments(&mut self, issue: &IssueKey) {
        if self.comments_busy(issue) {
            return;
        }
        let thread = self.comments.entry(issue.clone()).or_default();
        thread.stale = false;
        if !matches!(thread.list, Load::Ready(_)) {
            thread.list = Load::Loading;
        }
        self.send(Command::Issues(IssueCommand::LoadComments {
            issue: issue.clone(),
            refresh: true,
        }));
    }

    /// The comment being written for `issue`, for the text box.
    pub fn comment_draft_mut(&mut self, issue: &IssueKey) -> &mut String {
        &mut self.comments.entry(issue.clone()).or_default().draft
    }

    /// Whether "Comment" can send now: the draft has text and nothing about
    /// this issue's comments is in flight.
    pub fn can_comment(&self, issue: &IssueKey) -> bool {
        !self.comments_of(issue).draft.trim().is_empty() && !self.comments_busy(issue)
    }

    /// Sends the draft as a comment on `issue` and clears it; nothing
    /// happens (the draft stays) when it is blank or a command about these
    /// comments is in flight.
    pub fn add_comment(&mut self, issue: &IssueKey) {
        if !self.can_comment(issue) {
            return;
        }
        let thread = self.comments.entry(issue.clone()).or_default();
        let body = std::mem::take(&mut thread.draft);
        thread.sent = Some(body.clone());
        self.send(Command::Issues(IssueCommand::AddComment {
            issue: issue.clone(),
            body,
        }));
    }

    /// "Take back": removes a pending comment of `issue` (its cache id)
    /// before it is sent; its text comes back into the draft. Nothing
    /// happens while a command about these comments is in flight.
    pub fn take_back_comment(&mut self, issue: &IssueKey, comment: i64) {
        if self.comments_busy(issue) {
            return;
        }
        self.send(Command::Issues(IssueCommand::TakeBackComment {
            issue: issue.clone(),
            comment,
        }));
    }

    /// A pending comment was taken back: the list without it, and its
    /// text in front of whatever the draft holds.
    pub(super) fn comment_taken_back(&mut self, answer: IssueComments, body: String) {
        let thread = self.comments.entry(answer.issue.clone()).or_default();
        thread.draft = if thread.draft.trim().is_empty() {
            body
        } else {
            format!("{body}\n\n{}", thread.draft)
        };
        self.comments_loaded(answer);
    }

    /// An issue's comments arrived: they replace its list.
    pub(super) fn comments_loaded(&mut self, answer: IssueComments) {
        let issue = answer.issue.clone();
        let adding = self.jobs.is_running(&JobKind::Comment(issue.clone()));
        let thread = self.comments.entry(issue.clone()).or_default();
        if adding {
            // The first answer to a new comment says it was kept; the job
            // ends with the second, after the send.
            if thread.sent.take().is_none() {
                self.jobs.finish(&JobKind::Comment(issue.clone()));
            }
        } else {
            self.jobs.finish(&JobKind::Comments(issue.clone()));
        }
        thread.problem = answer.problem.clone();
        thread.list = Load::Ready(answer);
        self.reload_comments_if_stale(&issue);
    }

    /// A comments command failed. A refused comment goes back to the
    /// draft; a failed load keeps the list it had, with the reason.
    pub(super) fn comments_failed(&mut self, kind: &JobKind, message: &str) {
        let issue = match kind {
            JobKind::Comments(issue) => {
                let thread = self.comments.entry(issue.clone()).or_default();
                if matches!(thread.list, Load::Ready(_)) {
                    thread.problem = Some(message.to_owned());
                } else {
                    thread.list = Load::Failed(message.to_owned());
                }
                issue
            }
            JobKind::Comment(issue) => {
                let thread = self.comments.entry(issue.clone()).or_default();
                // Once kept, the comment is pending and a sync sends it: only
                // a comment the engine never kept is written again.
                if let Some(body) = thread.sent.take() {
                    thread.draft = if thread.draft.trim().is_empty() {
                        body
                    } else {
                        format!("{body}\n\n{}", thread.draft)
                    };
                }
                issue
            }
            _ => return,
        };
        self.reload_comments_if_stale(issue);
    }

    /// Comments may have changed (another process, a sync): loads the
    /// open lists again, and the others when they are next opened.
    pub(super) fn comments_changed(&mut self) {
        let keys: Vec<IssueKey> = self
            .comments
            .iter_mut()
            .filter(|(_, t)| t.open || matches!(t.list, Load::Ready(_)))
            .map(|(key, t)| {
                t.stale = true;
                key.clone()
            })
            .collect();
        for key in keys {
            self.reload_comments_if_stale(&key);
        }
    }

    /// One issue's comments changed (a notice naming it): reloads its
    /// list when open, else when it is next opened.
    pub(super) fn issue_comments_changed(&mut self, issue: &IssueKey) {
        if let Some(thread) = self.comments.get_mut(issue)
            && (thread.open || matches!(thread.list, Load::Ready(_)))
        {
            thread.stale = true;
            self.reload_comments_if_stale(issue);
        }
    }

    fn reload_comments_if_stale(&mut self, issue: &IssueKey) {
        let busy = self.comments_busy(issue);
        let Some(thread) = self.comments.get_mut(issue) else {
            return;
        };
        if !thread.stale || !thread.open || busy {
            return;
        }
        thread.stale = false;
        if !matches!(thread.list, Load::Ready(_)) {
            thread.list = Load::Loading;
        }
        self.send(Command::Issues(IssueCommand::LoadComments {
            issue: issue.clone(),
            refresh: false,
        }));
    }
}
