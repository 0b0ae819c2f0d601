//! The central tabs: the tab strip, then the active tab, an object's
//! details or an issue of the built-in tracker.

use egui::{Grid, RichText};
use sr_model::IssueRef;

use super::detail::{object_ui, prop};
use super::widgets::{empty_ui, status_chip_ui};
use crate::state::{Tab, UiState};

pub fn tabs_ui(ui: &mut egui::Ui, state: &mut UiState) {
    if state.tabs.is_empty() {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() / 3.0);
            ui.heading("ScratchRobin");
            empty_ui(
                ui,
                "Select a table, view or other object in the explorer to see its details.",
            );
            empty_ui(ui, "Right-click it to create or link an issue.");
        });
        return;
    }
    let mut activate = None;
    let mut close = None;
    let mut pin = None;
    egui::ScrollArea::horizontal()
        .id_salt("tab-strip")
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                for (i, tab) in state.tabs.iter().enumerate() {
                    let active = state.active_tab == Some(i);
                    let icon = match tab {
                        Tab::Whiteboard(_) => "📋",
                        Tab::Object(o) => super::widgets::kind_icon(o.kind),
                        Tab::Issue(_) => "🐞",
                        Tab::Sql(_) => "🖊",
                        Tab::Monitoring(_) => "📈",
                        Tab::Designer(_) => "🗺",
                        Tab::Templates => "📝",
                        Tab::Rules => "⚙",
                    };
                    let preview = state.preview_tab == Some(i);
                    let mut title = RichText::new(format!("{icon} {}", tab.title()));
                    if preview {
                        title = title.italics();
                    }
                    let mut label = ui.selectable_label(active, title);
                    if preview {
                        label = label.on_hover_text(
                            "Preview: the next selection replaces it; double-click to keep it",
                        );
                    }
                    if let Some(env) = state.tab_environment(tab) {
                        super::widgets::environment_tag_ui(ui, env);
                    }
                    if label.clicked() {
                        activate = Some(i);
                    }
                    if label.double_clicked() {
                        pin = Some(i);
                    }
                    if ui
                        .small_button("✖")
                        .on_hover_text("Close the tab")
                        .clicked()
                    {
                        close = Some(i);
                    }
                    ui.separator();
                }
            });
        });
    if let Some(i) = activate {
        state.activate_tab(i);
    }
    if let Some(i) = pin {
        state.pin_tab(i);
    }
    if let Some(i) = close {
        state.close_tab(i);
    }
    ui.separator();
    let Some(tab) = state.active_tab.and_then(|i| state.tabs.get(i)).cloned() else {
        empty_ui(ui, "Choose a tab.");
        return;
    };
    if let Tab::Whiteboard(connection) = &tab {
        super::whiteboard::whiteboard_tab_ui(ui, state, connection);
        return;
    }
    if let Tab::Designer(connection) = &tab {
        super::designer::designer_tab_ui(ui, state, connection);
        return;
    }
    if let Tab::Monitoring(connection) = &tab {
        super::monitoring::monitoring_tab_ui(ui, state, connection);
        return;
    }
    if let Tab::Templates = tab {
        super::templates::templates_tab_ui(ui, state);
        return;
    }
    if let Tab::Rules = tab {
        super::rules::rules_tab_ui(ui, state);
        return;
    }
    if let Tab::Sql(id) = tab {
        super::sql::sql_tab_ui(ui, state, id);
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("tab-body")
        .auto_shrink([false, false])
        .show(ui, |ui| match &tab {
            Tab::Whiteboard(_) => {}
            Tab::Object(o) => object_ui(ui, state, o),
            Tab::Issue(i) => issue_tab_ui(ui, i),
            Tab::Sql(_) => {}
            Tab::Monitoring(_) => {}
            Tab::Designer(_) => {}
            Tab::Templates | Tab::Rules => {}
        });
}

fn issue_tab_ui(ui: &mut egui::Ui, issue: &IssueRef) {
    ui.heading(format!("{}  {}", issue.display_key, issue.title));
    ui.add_space(4.0);
    Grid::new("issue-props")
        .num_columns(2)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            ui.strong("Status");
            status_chip_ui(ui, &issue.status);
            ui.end_row();
            prop(
                ui,
                "Priority",
                &issue
                    .priority
                    .map(|p| format!("{p} · {}", p.label()))
                    .unwrap_or_else(|| "—".into()),
            );
            prop(
                ui,
                "Assignee",
                issue.assignee.as_deref().unwrap_or("unassigned"),
            );
            prop(
                ui,
                "Labels",
                &if issue.labels.is_empty() {
                    "—".into()
                } else {
                    issue.labels.join(", ")
                },
            );
            prop(ui, "Key", &issue.key.to_string());
            prop(
                ui,
                "Created",
                &issue.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            );
            prop(
                ui,
                "Updated",
                &issue.updated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            );
        });
}
