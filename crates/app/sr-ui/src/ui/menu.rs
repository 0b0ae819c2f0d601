//! The menu bar: File, View, Tools, Help.

use egui::ViewportCommand;

use crate::state::{Dialog, UiState};

pub fn menu_bar_ui(ui: &mut egui::Ui, state: &mut UiState) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if ui
                .add(
                    egui::Button::new("New Connection…")
                        .shortcut_text(ui.ctx().format_shortcut(&super::NEW_CONNECTION)),
                )
                .on_hover_text("Add a PostgreSQL, MariaDB/MySQL or SQLite database")
                .clicked()
            {
                state.open_new_connection();
            }
            if ui
                .add(
                    egui::Button::new("New SQL Editor")
                        .shortcut_text(ui.ctx().format_shortcut(&super::NEW_SQL)),
                )
                .clicked()
            {
                let connection = state.current_connection();
                state.open_sql_editor(&connection, "");
            }
            if ui
                .button("Export…")
                .on_hover_text("Links, cached issues or the audit log as CSV, JSON or Excel")
                .clicked()
            {
                state.open_export_dialog();
            }
            ui.separator();
            if ui.button("Quit").clicked() {
                ui.ctx().send_viewport_cmd(ViewportCommand::Close);
            }
        });
        ui.menu_button("View", |ui| {
            let connection = state
                .selection
                .as_ref()
                .map(|o| o.connection.clone())
                .unwrap_or_else(|| sr_engine::DEMO_CONNECTION.to_owned());
            if ui
                .add(
                    egui::Button::new("Refresh Schema")
                        .shortcut_text(ui.ctx().format_shortcut(&super::REFRESH)),
                )
                .clicked()
            {
                state.refresh_connection(&connection);
            }
            if ui
                .add(
                    egui::Button::new("Find in Explorer")
                        .shortcut_text(ui.ctx().format_shortcut(&super::FOCUS_FILTER)),
                )
                .clicked()
            {
                super::focus_filter(ui.ctx(), &state.filter);
            }
            if ui
                .add_enabled(!state.tabs.is_empty(), egui::Button::new("Close All Tabs"))
                .clicked()
            {
                state.tabs.clear();
                state.active_tab = None;
            }
            if ui
                .button("Designer")
                .on_hover_text(format!("The ER diagram of {connection}"))
                .clicked()
            {
                state.open_designer(&connection);
            }
            if ui
                .button("Whiteboard")
                .on_hover_text(format!("Notes, decisions and connectors for {connection}"))
                .clicked()
            {
                state.open_whiteboard(&connection);
            }
            if ui
                .button("Monitoring")
                .on_hover_text(format!(
                    "Health, drift, performance and auto-issues of {connection}"
                ))
                .clicked()
            {
                state.open_monitoring(&connection);
            }
            ui.separator();
            egui::widgets::global_theme_preference_buttons(ui);
        });
        ui.menu_button("Tools", |ui| {
            let selection = state.selection.clone();
            let new_issue = egui::Button::new("Create Issue…")
                .shortcut_text(ui.ctx().format_shortcut(&super::NEW_ISSUE));
            if ui.add_enabled(selection.is_some(), new_issue).clicked()
                && let Some(o) = &selection
            {
                state.open_create_dialog(o);
            }
            if ui
                .add_enabled(
                    selection.is_some(),
                    egui::Button::new("Link Existing Issue…"),
                )
                .clicked()
                && let Some(o) = &selection
            {
                state.open_link_dialog(o);
            }
            if ui
                .add(
                    egui::Button::new("Sync trackers…")
                        .shortcut_text(ui.ctx().format_shortcut(&super::SYNC)),
                )
                .on_hover_text("Sync now, watch progress, cancel, see conflicts")
                .clicked()
            {
                state.open_sync_window();
            }
            ui.separator();
            if ui.button("Issue Tracker Settings…").clicked() {
                state.open_tracker_settings();
            }
            if ui
                .button("Notification Channels…")
                .on_hover_text("Slack, Teams, PagerDuty, e-mail and webhooks that alerts go to")
                .clicked()
            {
                state.open_channel_settings();
            }
            if ui
                .button("Issue Templates…")
                .on_hover_text("Edit your own versions of the issue templates")
                .clicked()
            {
                state.open_template_editor();
            }
            if ui
                .button("Auto-issue Rules…")
                .on_hover_text("Which events file issues, where, and how")
                .clicked()
            {
                state.open_rules_editor();
            }
        });
        ui.menu_button("Help", |ui| {
            if ui.button("About").clicked() {
                state.dialog = Some(Dialog::About);
            }
        });
    });
}
