//! The explorer: a filter box, then connections → schemas → object groups
//! → objects, each object with its issue badge and a context menu. Every
//! connection shows its dialect, environment tag and state (connecting,
//! failed with the cause and Retry, disconnected) on its own node, and its
//! context menu holds the connection manager and the panels.
//!
//! Rows outside the view are skipped in blocks, so a schema of thousands
//! of tables costs what a screenful does; the rows on screen are listed
//! for the arrow keys only in a frame where one was pressed.

mod connection;
mod rows;

use egui::Id;
use sr_model::ObjectRef;

use super::widgets::{empty_ui, error_ui};
use crate::state::{EngineStatus, UiState};

/// The filter box's id, for Ctrl+F.
pub fn filter_id() -> Id {
    Id::unique("explorer-filter")
}

/// What a click in the explorer asks for; applied after drawing, when the
/// state is no longer borrowed.
enum Action {
    Select(ObjectRef),
    /// Select and keep the tab open.
    Pin(ObjectRef),
    CreateIssue(ObjectRef),
    LinkIssue(ObjectRef),
    /// A SQL editor with a query of the object's rows.
    Query(ObjectRef),
    Refresh(String),
    /// A connection was expanded before its schema was read.
    Open(String),
    /// Opens a connection the user closed.
    Connect(String),
    Designer(String),
    Monitoring(String),
    Whiteboard(String),
    NewSql(String),
    NewConnection,
    Edit(String),
    Duplicate(String),
    Remove(String),
    Test(String),
    Disconnect(String),
}

/// What every row needs to know while the tree is drawn.
struct Rows<'a> {
    filtering: bool,
    selected: Option<&'a str>,
    /// Scroll the selected row into view.
    scroll: bool,
    /// List the rows shown, in order, for the arrow keys.
    listing: bool,
}

/// Collects what a click asks for, and (when listing) the rows shown.
struct Collect<'a> {
    actions: &'a mut Vec<Action>,
    visible: &'a mut Vec<ObjectRef>,
}

pub fn explorer_ui(ui: &mut egui::Ui, state: &mut UiState) {
    let mut actions = Vec::new();
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.strong("Explorer");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let shortcut = ui.ctx().format_shortcut(&super::NEW_CONNECTION);
            if ui
                .small_button("➕ Connection")
                .on_hover_text(format!("Add a database connection ({shortcut})"))
                .clicked()
            {
                actions.push(Action::NewConnection);
            }
        });
    });
    let mut filter = state.filter.clone();
    // Right to left, so the text box takes what the button leaves and the
    // panel does not grow frame after frame.
    ui.horizontal(|ui| {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .add_enabled(!filter.is_empty(), egui::Button::new("✖").small())
                .on_hover_text("Clear the filter")
                .clicked()
            {
                filter.clear();
            }
            let edit = egui::TextEdit::singleline(&mut filter)
                .id(filter_id())
                .hint_text("Filter objects (Ctrl+F)")
                .desired_width(ui.available_width());
            ui.add(edit);
        });
    });
    state.set_filter(filter);
    ui.separator();
    if let EngineStatus::Fatal(message) = &state.engine {
        error_ui(ui, &format!("The engine stopped: {message}"));
        empty_ui(
            ui,
            "Fix the cause and start ScratchRobin again; the log in the data directory has the details.",
        );
        return;
    }
    if let Some(problem) = &state.connections_problem {
        error_ui(
            ui,
            &format!("connections.json could not be read: {problem}"),
        );
    }
    let ctx = ui.ctx().clone();
    let keys = state.dialog.is_none() && !ctx.egui_wants_keyboard_input();
    let pressed = |key| ctx.input(|i| i.key_pressed(key));
    let listing = keys && (pressed(egui::Key::ArrowDown) || pressed(egui::Key::ArrowUp));
    let mut visible = Vec::new();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if state.connections.is_empty() {
                empty_ui(ui, "No connections yet.");
            }
            let selected = state.selection.as_ref().map(ObjectRef::key);
            let rows = Rows {
                filtering: !state.filter.trim().is_empty(),
                selected: selected.as_deref(),
                scroll: state.scroll_to_selection,
                listing,
            };
            let mut out = Collect {
                actions: &mut actions,
                visible: &mut visible,
            };
            for conn in &state.connections {
                connection::connection_ui(ui, conn, &rows, &mut out);
            }
        });
    state.scroll_to_selection = false;
    if listing {
        let down = ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown));
        let up = ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp));
        state.move_selection(&visible, isize::from(down) - isize::from(up));
    }
    for action in actions {
        apply(state, action);
    }
}

fn apply(state: &mut UiState, action: Action) {
    match action {
        Action::Select(o) => state.select(&o),
        Action::Pin(o) => {
            state.select(&o);
            if let Some(i) = state.active_tab {
                state.pin_tab(i);
            }
        }
        Action::CreateIssue(o) => {
            state.select(&o);
            state.open_create_dialog(&o);
        }
        Action::LinkIssue(o) => {
            state.select(&o);
            state.open_link_dialog(&o);
        }
        Action::Query(o) => state.query_object(&o),
        Action::Refresh(name) => state.refresh_connection(&name),
        Action::Open(name) => state.ensure_connection(&name),
        Action::Connect(name) => state.connect(&name),
        Action::Designer(name) => state.open_designer(&name),
        Action::Monitoring(name) => state.open_monitoring(&name),
        Action::Whiteboard(name) => state.open_whiteboard(&name),
        Action::NewSql(name) => state.open_sql_editor(&name, ""),
        Action::NewConnection => state.open_new_connection(),
        Action::Edit(name) => state.edit_connection(&name),
        Action::Duplicate(name) => state.duplicate_connection(&name),
        Action::Remove(name) => state.remove_connection(&name, false),
        Action::Test(name) => state.test_saved_connection(&name),
        Action::Disconnect(name) => state.disconnect_connection(&name),
    }
}
