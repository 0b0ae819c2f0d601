//! The explorer: a filter box, then connections → schemas → object groups
//! → objects, each object with its issue badge and a context menu.

use egui::{CollapsingHeader, Id, RichText};
use sr_model::ObjectRef;

use super::widgets::{badge_ui, empty_ui, error_ui, kind_icon};
use crate::model::explorer::{ExplorerGroup, GroupKind};
use crate::state::can_file_issue;
use crate::state::{ConnectionState, Load, UiState};

/// The filter box's id, for Ctrl+F.
pub fn filter_id() -> Id {
    Id::unique("explorer-filter")
}

/// What a click in the explorer asks for; applied after drawing, when the
/// state is no longer borrowed.
enum Action {
    Select(ObjectRef),
    CreateIssue(ObjectRef),
    LinkIssue(ObjectRef),
    Refresh(String),
}

pub fn explorer_ui(ui: &mut egui::Ui, state: &mut UiState) {
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.strong("Explorer");
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
    let mut actions = Vec::new();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if state.connections.is_empty() {
                empty_ui(ui, "No connections yet.");
            }
            let filtering = !state.filter.trim().is_empty();
            let selected = state.selection.as_ref().map(ObjectRef::key);
            for conn in &state.connections {
                connection_ui(ui, conn, filtering, selected.as_deref(), &mut actions);
            }
        });
    for action in actions {
        match action {
            Action::Select(o) => state.select(&o),
            Action::CreateIssue(o) => {
                state.select(&o);
                state.open_create_dialog(&o);
            }
            Action::LinkIssue(o) => {
                state.select(&o);
                state.open_link_dialog(&o);
            }
            Action::Refresh(name) => state.refresh_connection(&name),
        }
    }
}

fn connection_ui(
    ui: &mut egui::Ui,
    conn: &ConnectionState,
    filtering: bool,
    selected: Option<&str>,
    actions: &mut Vec<Action>,
) {
    let name = &conn.info.name;
    let dialect = if conn.info.dialect.is_empty() {
        "…"
    } else {
        conn.info.dialect.as_str()
    };
    let header = CollapsingHeader::new(RichText::new(format!("🗄 {name}  ({dialect})")).strong())
        .id_salt(("connection", name))
        .default_open(true)
        .show(ui, |ui| match &conn.schema {
            Load::Idle | Load::Loading => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.weak("Reading the schema…");
                });
            }
            Load::Failed(message) => {
                error_ui(ui, &format!("Could not read the schema: {message}"));
                if ui.button("Retry").clicked() {
                    actions.push(Action::Refresh(name.clone()));
                }
            }
            Load::Ready(_) => {
                if filtering && conn.tree.iter().all(|s| s.shown() == 0) {
                    empty_ui(ui, "No object matches the filter.");
                }
                for schema in &conn.tree {
                    if filtering && schema.shown() == 0 {
                        continue;
                    }
                    let count = if filtering {
                        format!("{}/{}", schema.shown(), schema.total())
                    } else {
                        schema.total().to_string()
                    };
                    CollapsingHeader::new(format!("🗀 {}  ({count})", schema.name))
                        .id_salt(("schema", name, &schema.name))
                        .default_open(true)
                        .open(filtering.then_some(true))
                        .show(ui, |ui| {
                            for group in &schema.groups {
                                if filtering && group.items.is_empty() {
                                    continue;
                                }
                                group_ui(
                                    ui,
                                    name,
                                    &schema.name,
                                    group,
                                    filtering,
                                    selected,
                                    conn,
                                    actions,
                                );
                            }
                        });
                }
            }
        });
    header.header_response.context_menu(|ui| {
        if ui.button("Refresh Schema").clicked() {
            actions.push(Action::Refresh(name.clone()));
        }
    });
    if !conn.info.url.is_empty() {
        header.header_response.on_hover_text(&conn.info.url);
    }
}

#[allow(clippy::too_many_arguments)]
fn group_ui(
    ui: &mut egui::Ui,
    connection: &str,
    schema: &str,
    group: &ExplorerGroup,
    filtering: bool,
    selected: Option<&str>,
    conn: &ConnectionState,
    actions: &mut Vec<Action>,
) {
    let count = if filtering {
        format!("{}/{}", group.items.len(), group.total)
    } else {
        group.total.to_string()
    };
    CollapsingHeader::new(format!("{}  ({count})", group.kind.label()))
        .id_salt(("group", connection, schema, group.kind.label()))
        .default_open(matches!(group.kind, GroupKind::Tables | GroupKind::Views))
        .open(filtering.then_some(true))
        .show(ui, |ui| {
            for item in &group.items {
                ui.horizontal(|ui| {
                    let is_selected = selected == Some(item.key.as_str());
                    let text = format!("{} {}", kind_icon(item.object.kind), item.object.name);
                    let row = ui.selectable_label(is_selected, text);
                    if let Some(parent) = &item.parent {
                        ui.weak(format!("on {parent}"));
                    }
                    if let Some(badge) = conn.badges.get(&item.key) {
                        badge_ui(ui, *badge);
                    }
                    if row.clicked() {
                        actions.push(Action::Select(item.object.clone()));
                    }
                    row.context_menu(|ui| {
                        ui.weak(format!("{} {}", item.object.kind.label(), item.object.name));
                        ui.separator();
                        if can_file_issue(item.object.kind) {
                            if ui.button("Create Issue…").clicked() {
                                actions.push(Action::CreateIssue(item.object.clone()));
                            }
                            if ui.button("Link Existing Issue…").clicked() {
                                actions.push(Action::LinkIssue(item.object.clone()));
                            }
                        }
                        if ui.button("Open Details").clicked() {
                            actions.push(Action::Select(item.object.clone()));
                        }
                        if ui.button("Copy Name").clicked() {
                            ui.ctx()
                                .copy_text(format!("{}.{}", item.object.schema, item.object.name));
                        }
                    });
                });
            }
        });
}
