//! The panels and dialogs. Each draws from [`UiState`] and changes it
//! through its action methods; none holds anything of its own beyond what
//! egui remembers (panel widths, open headers).

mod channels;
mod comments;
mod connection_dialog;
mod create;
mod designer;
mod detail;
mod explorer;
mod export;
pub mod grid;
mod issues;
mod link;
mod menu;
mod monitoring;
mod rules;
mod settings;
mod settings_secrets;
mod sql;
mod status;
mod sync;
mod tabs;
mod templates;
mod toasts;
mod whiteboard;
mod widgets;
mod windows;

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::state::UiState;

pub use explorer::filter_id;

/// Ctrl+F (Cmd+F on macOS): focus the explorer filter.
pub const FOCUS_FILTER: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
/// Ctrl+Shift+N: File → New Connection….
pub const NEW_CONNECTION: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::N);
/// Ctrl+N: Create Issue for the selected object.
pub const NEW_ISSUE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::N);
/// Ctrl+T: a new SQL editor on the selected object's connection.
pub const NEW_SQL: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::T);
/// Ctrl+Shift+S: the Sync window.
pub const SYNC: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);
/// F5: read the selected connection's schema again.
pub const REFRESH: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::F5);

/// The whole workbench: menu bar, status bar, explorer, linked-issues
/// panel, tabs, then dialogs and toasts on top.
pub fn workbench_ui(ui: &mut egui::Ui, state: &mut UiState) {
    shortcuts(ui.ctx(), state);
    egui::Panel::top("menu_bar").show(ui, |ui| menu::menu_bar_ui(ui, state));
    egui::Panel::bottom("status_bar").show(ui, |ui| status::status_bar_ui(ui, state));
    egui::Panel::left("explorer")
        .resizable(true)
        .default_size(280.0)
        .size_range(180.0..=600.0)
        .show(ui, |ui| explorer::explorer_ui(ui, state));
    egui::Panel::right("linked_issues")
        .resizable(true)
        .default_size(340.0)
        .size_range(220.0..=640.0)
        .show(ui, |ui| issues::linked_issues_ui(ui, state));
    egui::CentralPanel::default().show(ui, |ui| tabs::tabs_ui(ui, state));
    windows::dialogs_ui(ui.ctx(), state);
    sync::sync_window_ui(ui.ctx(), state);
    if let Some(wait) = state.save_due_boards(std::time::Instant::now()) {
        ui.ctx().request_repaint_after(wait);
    }
    designer::table_editor_ui(ui.ctx(), state);
    toasts::toasts_ui(ui.ctx(), state);
}

fn shortcuts(ctx: &egui::Context, state: &mut UiState) {
    // Before any Ctrl+S of a panel sees it.
    if ctx.input_mut(|i| i.consume_shortcut(&SYNC)) {
        state.open_sync_window();
    }
    if state.sync.open
        && state.dialog.is_none()
        && !egui::Popup::is_any_open(ctx)
        && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape))
    {
        state.close_sync_window();
    }
    // Before Ctrl+N, which would take it too.
    if state.dialog.is_none() && ctx.input_mut(|i| i.consume_shortcut(&NEW_CONNECTION)) {
        state.open_new_connection();
    }
    if ctx.input_mut(|i| i.consume_shortcut(&FOCUS_FILTER)) {
        focus_filter(ctx, &state.filter);
    }
    if state.dialog.is_none()
        && ctx.input_mut(|i| i.consume_shortcut(&NEW_ISSUE))
        && let Some(object) = state.selection.clone()
    {
        state.open_create_dialog(&object);
    }
    if state.dialog.is_none() && ctx.input_mut(|i| i.consume_shortcut(&NEW_SQL)) {
        let connection = state.current_connection();
        state.open_sql_editor(&connection, "");
    }
    if ctx.input_mut(|i| i.consume_shortcut(&REFRESH)) {
        let connection = state
            .selection
            .as_ref()
            .map(|o| o.connection.clone())
            .unwrap_or_else(|| sr_engine::DEMO_CONNECTION.to_owned());
        state.refresh_connection(&connection);
    }
    if state.dialog.is_some()
        && !egui::Popup::is_any_open(ctx)
        && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape))
    {
        state.escape();
    }
}

/// Focuses the explorer filter with its text selected, so typing replaces it.
pub fn focus_filter(ctx: &egui::Context, text: &str) {
    let id = filter_id();
    let mut edit = egui::text_edit::TextEditState::load(ctx, id).unwrap_or_default();
    let all = egui::text_selection::CCursorRange::select_all_str(text);
    edit.cursor.set_char_range(Some(all));
    edit.store(ctx, id);
    ctx.memory_mut(|m| m.request_focus(id));
}
