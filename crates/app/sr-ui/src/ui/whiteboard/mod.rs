//! The whiteboard tab: a toolbar (add note, decision, text, frame;
//! connector tool; undo, redo, delete; Create issue, Record decision,
//! Submit for approval; the save state), then the canvas. Keys: Delete
//! removes the selection, Ctrl+Z undoes, Ctrl+Shift+Z or Ctrl+Y redoes.

mod canvas;
mod draw;

use egui::{Key, KeyboardShortcut, Modifiers, RichText};

use super::widgets::{empty_ui, error_ui, status_chip_ui};
use crate::model::board::{ItemKind, NoteColour, Vec2};
use crate::state::{Load, Tool, UiState};

pub const UNDO: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
pub const REDO: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z);
pub const REDO_Y: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);

/// What the toolbar asked for; done after the canvas knows its size.
enum Action {
    Add(ItemKind),
    CreateIssue(u64),
    RecordDecision(u64),
    Submit,
    Refresh,
    Reload,
}

pub fn whiteboard_tab_ui(ui: &mut egui::Ui, state: &mut UiState, connection: &str) {
    state.ensure_board(connection);
    let approved = state.whiteboards.approved(connection);
    let Some(w) = state.whiteboards.boards.get(connection) else {
        return;
    };
    match &w.load {
        Load::Ready(()) => {}
        Load::Failed(e) => {
            error_ui(
                ui,
                &format!("The whiteboard of {connection} could not be loaded: {e}"),
            );
            if ui.button("Reload").clicked() {
                state.reload_board(connection);
            }
            return;
        }
        Load::Idle | Load::Loading => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Loading the whiteboard of {connection}…"));
            });
            return;
        }
    }
    let mut actions = Vec::new();
    let edit_label = toolbar_ui(ui, state, connection, approved, &mut actions);
    ui.separator();
    shortcuts(ui, state, connection);
    let centre = canvas::canvas_ui(ui, state, connection, edit_label);
    if let Some(w) = state.whiteboards.boards.get_mut(connection)
        && let Some(id) = w.file_issue.take()
    {
        match w.board.item(id).map(|i| &i.kind) {
            Some(ItemKind::Note { .. }) => actions.push(Action::CreateIssue(id)),
            Some(ItemKind::Decision { .. }) => actions.push(Action::RecordDecision(id)),
            _ => {}
        }
    }
    let count = state
        .whiteboards
        .boards
        .get(connection)
        .map_or(0, |w| w.board.items.len());
    for action in actions {
        match action {
            Action::Add(kind) => {
                // Staggered, so that several new items do not hide each other.
                let step = (count % 8) as f32 * 16.0;
                if let Some(w) = state.whiteboards.boards.get_mut(connection) {
                    w.add(kind, Vec2::new(centre.x + step, centre.y + step));
                }
            }
            Action::CreateIssue(id) => state.create_issue_from_note(connection, id),
            Action::RecordDecision(id) => state.record_decision(connection, id),
            Action::Submit => state.submit_board(connection),
            Action::Refresh => state.refresh_board_issues(connection),
            Action::Reload => state.reload_board(connection),
        }
    }
    // Statuses stay live while the board shows.
    let due = state
        .whiteboards
        .last_refresh
        .is_none_or(|t| t.elapsed() >= crate::state::REFRESH_EVERY);
    if due {
        state.refresh_board_issues(connection);
    }
    ui.ctx().request_repaint_after(crate::state::REFRESH_EVERY);
}

/// The toolbar; returns the id of the label the in-place editor is
/// labelled by.
fn toolbar_ui(
    ui: &mut egui::Ui,
    state: &mut UiState,
    connection: &str,
    approved: bool,
    actions: &mut Vec<Action>,
) -> egui::Id {
    let issues = state.whiteboards.issues.clone();
    let Some(w) = state.whiteboards.boards.get_mut(connection) else {
        return egui::Id::NULL;
    };
    ui.horizontal_wrapped(|ui| {
        let adds = [
            (
                "Note",
                "Add a sticky note",
                ItemKind::Note {
                    text: String::new(),
                    colour: NoteColour::Yellow,
                    issue: None,
                },
            ),
            (
                "Decision",
                "Add a decision: a question and its options",
                ItemKind::Decision {
                    question: String::new(),
                    options: vec!["Option A".into(), "Option B".into()],
                    chosen: None,
                    issue: None,
                },
            ),
            (
                "Text",
                "Add free text",
                ItemKind::Text {
                    text: String::new(),
                },
            ),
            (
                "Frame",
                "Add a frame; what lies inside moves with it",
                ItemKind::Frame {
                    title: "Frame".into(),
                },
            ),
        ];
        for (label, hover, kind) in adds {
            if ui
                .button(format!("➕ {label}"))
                .on_hover_text(hover)
                .clicked()
            {
                actions.push(Action::Add(kind));
            }
        }
        let connecting = w.tool == Tool::Connector;
        if ui
            .selectable_label(connecting, "↗ Connector")
            .on_hover_text("Click an item, then another, to connect them")
            .clicked()
        {
            w.tool = if connecting {
                Tool::Select
            } else {
                Tool::Connector
            };
            w.connect_from = w.selected.filter(|_| !connecting);
        }
        ui.separator();
        let shortcut = |s: &KeyboardShortcut| ui.ctx().format_shortcut(s);
        let (undo_text, redo_text) = (shortcut(&UNDO), shortcut(&REDO));
        if ui
            .add_enabled(w.history.can_undo(), egui::Button::new("⟲ Undo"))
            .on_hover_text(undo_text)
            .clicked()
        {
            w.commit_edit();
            w.undo();
        }
        if ui
            .add_enabled(w.history.can_redo(), egui::Button::new("⟳ Redo"))
            .on_hover_text(redo_text)
            .clicked()
        {
            w.redo();
        }
        if ui
            .add_enabled(w.selected.is_some(), egui::Button::new("🗑 Delete"))
            .on_hover_text("Delete the selected item (Delete)")
            .clicked()
        {
            w.delete_selected();
        }
        ui.separator();
        let selected = w.selected.and_then(|id| w.board.item(id));
        let filing = match selected.map(|i| (&i.kind, i.id)) {
            Some((ItemKind::Note { issue: None, .. }, id)) => Some((
                "Create issue",
                "File an issue from this note",
                Action::CreateIssue(id),
            )),
            Some((ItemKind::Decision { issue: None, .. }, id)) => Some((
                "Record decision",
                "File an ADR issue from this decision",
                Action::RecordDecision(id),
            )),
            _ => None,
        };
        if let Some((label, hover, action)) = filing
            && ui.button(label).on_hover_text(hover).clicked()
        {
            w.commit_edit();
            actions.push(action);
        }
        match &w.board.review {
            None => {
                if ui
                    .button("Submit for approval")
                    .on_hover_text("File a design-review issue for this board")
                    .clicked()
                {
                    w.commit_edit();
                    actions.push(Action::Submit);
                }
            }
            Some(key) => {
                if approved {
                    ui.label(
                        RichText::new(" ✔ Approved ")
                            .color(egui::Color32::WHITE)
                            .background_color(super::widgets::DONE_COLOR),
                    )
                    .on_hover_text("The board's design review is done");
                } else {
                    ui.label("In review:");
                    match issues.get(key) {
                        Some(r) => {
                            ui.label(&r.display_key);
                            status_chip_ui(ui, &r.status);
                        }
                        None => {
                            ui.weak(key.to_string());
                        }
                    }
                }
            }
        }
        if ui
            .button("⟳ Refresh statuses")
            .on_hover_text("Ask the trackers for the status of the board's issues")
            .clicked()
        {
            actions.push(Action::Refresh);
        }
        ui.separator();
        save_state_ui(ui, w, actions);
    });
    decision_row_ui(ui, w);
    // The in-place editor's label, shown while an item is edited.
    let text = match w.editing.as_ref().and_then(|(id, _)| w.board.item(*id)) {
        Some(item) => format!("{} text", item.kind.label()),
        None => "Double-click an item to edit its text".into(),
    };
    ui.weak(text).id
}

fn save_state_ui(ui: &mut egui::Ui, w: &crate::state::Whiteboard, actions: &mut Vec<Action>) {
    if let Some(problem) = &w.problem {
        error_ui(ui, problem);
        if ui
            .button("Reload")
            .on_hover_text("Throw away the changes here and load the stored board")
            .clicked()
        {
            actions.push(Action::Reload);
        }
    } else if w.saving {
        ui.spinner();
        ui.weak("Saving…");
    } else if w.dirty.is_some() {
        ui.weak("Unsaved changes");
    } else if w.version > 0 {
        ui.weak("Saved");
    }
}

/// A selected decision's options (one per line) and the chosen one.
fn decision_row_ui(ui: &mut egui::Ui, w: &mut crate::state::Whiteboard) {
    let Some(item) = w.selected.and_then(|id| w.board.item(id)) else {
        return;
    };
    let (id, kind) = (item.id, item.kind.clone());
    match kind {
        ItemKind::Decision {
            question,
            options,
            chosen,
            issue,
        } => {
            let mut text = options.join(", ");
            let mut pick = chosen;
            ui.horizontal(|ui| {
                let label = ui.label("Options");
                let edit = ui
                    .add(
                        egui::TextEdit::singleline(&mut text)
                            .desired_width(320.0)
                            .hint_text("comma-separated"),
                    )
                    .labelled_by(label.id);
                let label = ui.label("Chosen");
                egui::ComboBox::from_id_salt(("wb-chosen", id))
                    .selected_text(
                        pick.and_then(|c| options.get(c))
                            .map_or("(undecided)", |s| s.as_str()),
                    )
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut pick, None, "(undecided)");
                        for (i, o) in options.iter().enumerate() {
                            ui.selectable_value(&mut pick, Some(i), o);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                let new_options: Vec<String> = text
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
                let options_done = edit.lost_focus() && new_options != options;
                if options_done || pick != chosen {
                    let options = if options_done {
                        new_options
                    } else {
                        options.clone()
                    };
                    let chosen = pick.filter(|&c| c < options.len());
                    w.perform(crate::model::board::Op::SetKind {
                        id,
                        kind: ItemKind::Decision {
                            question,
                            options,
                            chosen,
                            issue,
                        },
                    });
                }
            });
        }
        ItemKind::Note {
            text,
            colour,
            issue,
        } => {
            ui.horizontal(|ui| {
                ui.label("Colour");
                for c in NoteColour::ALL {
                    if ui.selectable_label(c == colour, c.name()).clicked() && c != colour {
                        w.perform(crate::model::board::Op::SetKind {
                            id,
                            kind: ItemKind::Note {
                                text: text.clone(),
                                colour: c,
                                issue: issue.clone(),
                            },
                        });
                    }
                }
            });
        }
        _ => {}
    }
}

fn shortcuts(ui: &mut egui::Ui, state: &mut UiState, connection: &str) {
    if state.dialog.is_some() || ui.memory(|m| m.focused().is_some()) {
        return;
    }
    let Some(w) = state.whiteboards.boards.get_mut(connection) else {
        return;
    };
    let (redo, undo, delete) = ui.input_mut(|i| {
        let redo = i.consume_shortcut(&REDO) || i.consume_shortcut(&REDO_Y);
        let undo = i.consume_shortcut(&UNDO);
        let delete = i.consume_key(Modifiers::NONE, Key::Delete)
            || i.consume_key(Modifiers::NONE, Key::Backspace);
        (redo, undo, delete)
    });
    if redo {
        w.redo();
    } else if undo {
        w.undo();
    }
    if delete {
        w.delete_selected();
    }
    if w.board.items.is_empty() && w.editing.is_none() {
        empty_ui(
            ui,
            "An empty board: add a note, a decision, text or a frame above.",
        );
    }
}
