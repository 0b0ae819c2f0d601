//! The whiteboards as data: one board per connection, loaded from and
//! saved to the store through the engine (debounced, with the store's
//! version check), its undo history, the view (pan, zoom, tool,
//! selection, the item edited in place), and the issues its notes,
//! decisions and design review were turned into, with their live status.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use sr_engine::Command;
use sr_model::{Issue, IssueKey, IssueRef, IssueState};

use super::{Load, Tab, UiState};
use crate::model::board::{Board, Bounds, History, ItemId, ItemKind, Op, Vec2};
use sr_engine::{BoardCommand, IssueCommand};

mod issues;

pub use issues::BoardTarget;

/// How long the board must be left alone before an edit is saved.
pub const SAVE_AFTER: Duration = Duration::from_millis(800);
/// How often the linked issues' statuses are asked for while a board shows.
pub const REFRESH_EVERY: Duration = Duration::from_secs(30);

/// What a toolbar click adds next, or plain selection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tool {
    #[default]
    Select,
    /// Click an item, then another: a connector between them.
    Connector,
}

/// A drag in progress: the items move (or one resizes) live and one op is
/// recorded when it ends.
#[derive(Debug, Clone, PartialEq)]
pub enum Drag {
    Move { ids: Vec<ItemId>, dx: f32, dy: f32 },
    Resize { id: ItemId, start: Bounds },
}

/// One connection's whiteboard.
#[derive(Debug, Clone)]
pub struct Whiteboard {
    pub connection: String,
    /// Loading until the engine answers; `Failed` says why.
    pub load: Load<()>,
    pub board: Board,
    pub history: History,
    /// The stored version the board was made from (0: never saved).
    pub version: i64,
    /// When the board changed last without being saved.
    pub dirty: Option<Instant>,
    /// A save is in flight.
    pub saving: bool,
    /// Why the last save failed (a conflict offers Reload).
    pub problem: Option<String>,
    pub selected: Option<ItemId>,
    /// The item edited in place and its text as typed.
    pub editing: Option<(ItemId, String)>,
    /// Put the keyboard focus on the in-place editor at the next frame.
    pub focus_edit: bool,
    pub tool: Tool,
    /// The first end chosen with the connector tool.
    pub connect_from: Option<ItemId>,
    /// Board point shown at the canvas's top-left corner.
    pub pan: Vec2,
    pub zoom: f32,
    pub drag: Option<Drag>,
    /// An item whose issue was asked for from its context menu, for the
    /// tab to file after the canvas is drawn.
    pub file_issue: Option<ItemId>,
}

impl Whiteboard {
    fn new(connection: &str) -> Self {
        Whiteboard {
            connection: connection.to_owned(),
            load: Load::Loading,
            board: Board::new(),
            history: History::default(),
            version: 0,
            dirty: None,
            saving: false,
            problem: None,
            selected: None,
            editing: None,
            focus_edit: false,
            tool: Tool::Select,
            connect_from: None,
            pan: Vec2::default(),
            zoom: 1.0,
            drag: None,
            file_issue: None,
        }
    }

    /// Applies `op` as one undoable step; a failing op is reported in
    /// `problem` and changes nothing.
    pub fn perform(&mut self, op: Op) {
        match self.history.perform(&mut self.board, op) {
            Ok(()) => self.touch(),
            Err(e) => self.problem = Some(e.to_string()),
        }
    }

    pub fn undo(&mut self) {
        if self.history.undo(&mut self.board) {
            self.forget_missing();
            self.touch();
        }
    }

    pub fn redo(&mut self) {
        if self.history.redo(&mut self.board) {
            self.forget_missing();
            self.touch();
        }
    }

    /// Marks the board changed now; the save waits for [`SAVE_AFTER`].
    pub fn touch(&mut self) {
        self.dirty = Some(Instant::now());
    }

    fn forget_missing(&mut self) {
        if self
            .selected
            .is_some_and(|id| self.board.item(id).is_none())
        {
            self.selected = None;
        }
        if self
            .editing
            .as_ref()
            .is_some_and(|(id, _)| self.board.item(*id).is_none())
        {
            self.editing = None;
        }
    }

    /// Adds an item of `kind` centred on `at`, selects it and starts
    /// editing its text.
    pub fn add(&mut self, kind: ItemKind, at: Vec2) {
        let item = self.board.new_item(kind, at);
        let id = item.id;
        self.perform(Op::Add(item));
        self.selected = Some(id);
        self.start_edit(id);
    }

    /// Edits item `id`'s text in place (double-click).
    pub fn start_edit(&mut self, id: ItemId) {
        self.commit_edit();
        if let Some(item) = self.board.item(id) {
            self.editing = Some((id, item.kind.text().to_owned()));
            self.focus_edit = true;
        }
    }

    /// Ends the in-place edit, recording the new text when it changed.
    pub fn commit_edit(&mut self) {
        let Some((id, text)) = self.editing.take() else {
            return;
        };
        if let Some(item) = self.board.item(id)
            && item.kind.text() != text
        {
            let kind = item.kind.with_text(&text);
            self.perform(Op::SetKind { id, kind });
        }
    }

    /// Deletes the selected item and its connectors.
    pub fn delete_selected(&mut self) {
        if let Some(id) = self.selected.take() {
            self.editing = None;
            let op = Op::delete(&self.board, id);
            self.perform(op);
        }
    }

    /// A click on `id` with the connector tool: the first end, then the
    /// connector.
    pub fn connect_click(&mut self, id: ItemId) {
        match self.connect_from.take() {
            Some(from) if from != id => {
                let op = Op::connect(&self.board, from, id, "");
                self.perform(op);
                self.tool = Tool::Select;
            }
            _ => self.connect_from = Some(id),
        }
    }
}

/// Every open whiteboard, and the issues they refer to as last seen.
#[derive(Debug, Clone, Default)]
pub struct Whiteboards {
    pub boards: BTreeMap<String, Whiteboard>,
    pub issues: HashMap<IssueKey, IssueRef>,
    pub last_refresh: Option<Instant>,
}

impl Whiteboards {
    /// The status of `key` as last seen, for the chip on a note.
    pub fn status(&self, key: &IssueKey) -> Option<&IssueRef> {
        self.issues.get(key)
    }

    /// Whether the board's design review is done (approved).
    pub fn approved(&self, connection: &str) -> bool {
        self.boards
            .get(connection)
            .and_then(|w| w.board.review.as_ref())
            .and_then(|k| self.issues.get(k))
            .is_some_and(|r| r.status.state == IssueState::Done)
    }
}

impl UiState {
    /// Opens (or shows) the whiteboard of `connection`.
    pub fn open_whiteboard(&mut self, connection: &str) {
        self.open_tab(Tab::Whiteboard(connection.to_owned()));
        self.ensure_board(connection);
    }

    /// Loads `connection`'s board unless it is loaded or loading.
    pub fn ensure_board(&mut self, connection: &str) {
        if !self.whiteboards.boards.contains_key(connection) {
            self.whiteboards
                .boards
                .insert(connection.to_owned(), Whiteboard::new(connection));
            self.send(Command::Boards(BoardCommand::Load {
                connection: connection.to_owned(),
            }));
        }
    }

    /// Throws local changes away and loads the stored board again.
    pub fn reload_board(&mut self, connection: &str) {
        self.whiteboards.boards.remove(connection);
        self.ensure_board(connection);
    }

    pub(super) fn board_loaded(&mut self, connection: String, json: Option<String>, version: i64) {
        self.jobs.finish(&super::JobKind::Board(connection.clone()));
        let w = self
            .whiteboards
            .boards
            .entry(connection.clone())
            .or_insert_with(|| Whiteboard::new(&connection));
        match json
            .as_deref()
            .map(Board::from_json)
            .unwrap_or_else(|| Ok(Board::new()))
        {
            Ok(board) => {
                w.board = board;
                w.load = Load::Ready(());
            }
            Err(e) => w.load = Load::Failed(e.to_string()),
        }
        w.version = version;
        w.history.clear();
        w.dirty = None;
        w.problem = None;
        w.selected = None;
        w.editing = None;
        self.refresh_board_issues(&connection);
    }

    pub(super) fn board_saved(&mut self, connection: &str, version: i64) {
        self.jobs
            .finish(&super::JobKind::Board(connection.to_owned()));
        if let Some(w) = self.whiteboards.boards.get_mut(connection) {
            w.saving = false;
            w.version = version;
            w.problem = None;
        }
    }

    pub(super) fn board_failed(&mut self, connection: &str, message: &str) {
        if let Some(w) = self.whiteboards.boards.get_mut(connection) {
            if matches!(w.load, Load::Loading) {
                w.load = Load::Failed(message.to_owned());
            }
            w.saving = false;
            w.problem = Some(message.to_owned());
        }
    }

    /// Saves every board left alone for [`SAVE_AFTER`] since its last
    /// change; called once a frame. Returns how long until the next save
    /// is due, for a repaint.
    pub fn save_due_boards(&mut self, now: Instant) -> Option<Duration> {
        let mut saves = Vec::new();
        let mut next: Option<Duration> = None;
        for w in self.whiteboards.boards.values_mut() {
            let Some(changed) = w.dirty else { continue };
            if w.saving || w.problem.as_deref().is_some_and(is_conflict) {
                continue;
            }
            let waited = now.saturating_duration_since(changed);
            if waited >= SAVE_AFTER {
                w.dirty = None;
                w.saving = true;
                saves.push(Command::Boards(BoardCommand::Save {
                    connection: w.connection.clone(),
                    board_json: w.board.to_json(),
                    version: w.version,
                }));
            } else {
                let left = SAVE_AFTER - waited;
                next = Some(next.map_or(left, |n| n.min(left)));
            }
        }
        for command in saves {
            self.send(command);
        }
        next
    }

    /// Asks for the status of every issue the board refers to. Quietly:
    /// these are no jobs of the user's, so no toast says they are done.
    pub fn refresh_board_issues(&mut self, connection: &str) {
        let keys = self
            .whiteboards
            .boards
            .get(connection)
            .map(|w| w.board.issues())
            .unwrap_or_default();
        for issue in keys {
            self.send_untracked(Command::Issues(IssueCommand::Refresh { issue }));
        }
        self.whiteboards.last_refresh = Some(Instant::now());
    }

    /// Keeps a fresher copy of an issue a board refers to.
    pub(super) fn board_issue_seen(&mut self, issue: &Issue) {
        let key = issue.key();
        let referred = self.whiteboards.issues.contains_key(key)
            || self
                .whiteboards
                .boards
                .values()
                .any(|w| w.board.issues().contains(key));
        if referred {
            self.whiteboards
                .issues
                .insert(key.clone(), issue.reference.clone());
        }
    }
}

fn is_conflict(problem: &str) -> bool {
    problem.contains("saved elsewhere")
}

#[cfg(test)]
mod tests;
