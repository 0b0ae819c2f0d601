//! The explorer: a filter box, then connections → schemas → object groups
//! → objects, each object with its issue badge and a context menu.

use egui::{CollapsingHeader, Id, RichText};
use sr_model::{ObjectKind, ObjectRef};

use super::widgets::{badge_ui, empty_ui, error_ui, kind_icon};
use crate::model::explorer::{ExplorerGroup, GroupKind};
use crate::state::can_file_issue;
use crate::state::{ConnectionState, EngineStatus, Load, UiState};

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
    /// The ER designer of a connection.
    Designer(String),
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
    if let EngineStatus::Fatal(message) = &state.engine {
        error_ui(ui, &format!("The engine stopped: {message}"));
        empty_ui(
            ui,
            "Fix the cause and start ScratchRobin again; the log in the data directory has the details.",
        );
        return;
    }
    let mut actions = Vec::new();
    let mut visible = Vec::new();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if state.connections.is_empty() {
                empty_ui(ui, "No connections yet.");
            }
            let filtering = !state.filter.trim().is_empty();
            let selected = state.selection.as_ref().map(ObjectRef::key);
            let rows = Rows {
                filtering,
                selected: selected.as_deref(),
                scroll: state.scroll_to_selection,
            };
            for conn in &state.connections {
                connection_ui(ui, conn, &rows, &mut actions, &mut visible);
            }
        });
    state.scroll_to_selection = false;
    let ctx = ui.ctx().clone();
    if state.dialog.is_none() && !ctx.egui_wants_keyboard_input() {
        let down = ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown));
        let up = ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp));
        let delta = isize::from(down) - isize::from(up);
        state.move_selection(&visible, delta);
    }
    for action in actions {
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
            Action::Designer(name) => state.open_designer(&name),
        }
    }
}

/// What every row needs to know while the tree is drawn.
struct Rows<'a> {
    filtering: bool,
    selected: Option<&'a str>,
    /// Scroll the selected row into view.
    scroll: bool,
}

/// Collects what a click asks for, and the rows on screen in order (for
/// the arrow keys).
struct Collect<'a> {
    actions: &'a mut Vec<Action>,
    visible: &'a mut Vec<ObjectRef>,
}

fn connection_ui(
    ui: &mut egui::Ui,
    conn: &ConnectionState,
    rows: &Rows<'_>,
    actions: &mut Vec<Action>,
    visible: &mut Vec<ObjectRef>,
) {
    let filtering = rows.filtering;
    let mut out = Collect { actions, visible };
    let name = &conn.info.name;
    let dialect = if conn.info.dialect.is_empty() {
        "…"
    } else {
        conn.info.dialect.as_str()
    };
    let header = CollapsingHeader::new(RichText::new(format!("🗄 {name}  ({dialect})")).strong())
        .id_salt(("connection", name))
        // Only the demo database opens by itself; the others are read
        // when expanded.
        .default_open(conn.info.name == sr_engine::DEMO_CONNECTION)
        .show(ui, |ui| match &conn.schema {
            Load::Idle => {
                out.actions.push(Action::Open(name.clone()));
                ui.weak("Connecting…");
            }
            Load::Loading => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.weak("Reading the schema…");
                });
            }
            Load::Failed(message) => {
                error_ui(ui, &format!("Could not read the schema: {message}"));
                if ui.button("Retry").clicked() {
                    out.actions.push(Action::Refresh(name.clone()));
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
                    let schema_header =
                        CollapsingHeader::new(format!("🗀 {}  ({count})", schema.name))
                            .id_salt(("schema", name, &schema.name))
                            .default_open(true)
                            .open(filtering.then_some(true))
                            .show(ui, |ui| {
                                for group in &schema.groups {
                                    if filtering && group.items.is_empty() {
                                        continue;
                                    }
                                    let salt = ("group", name, &schema.name, group.kind.label());
                                    group_ui(ui, salt, group, rows, conn, &mut out);
                                }
                            });
                    schema_header.header_response.context_menu(|ui| {
                        if ui.button("Open Designer").clicked() {
                            out.actions.push(Action::Designer(name.clone()));
                        }
                    });
                }
            }
        });
    header.header_response.context_menu(|ui| {
        if ui.button("Refresh Schema").clicked() {
            out.actions.push(Action::Refresh(name.clone()));
        }
        if ui.button("Open Designer").clicked() {
            out.actions.push(Action::Designer(name.clone()));
        }
    });
    if !conn.info.url.is_empty() {
        header.header_response.on_hover_text(&conn.info.url);
    }
}

fn group_ui(
    ui: &mut egui::Ui,
    salt: impl std::hash::Hash + std::fmt::Debug,
    group: &ExplorerGroup,
    rows: &Rows<'_>,
    conn: &ConnectionState,
    out: &mut Collect<'_>,
) {
    let filtering = rows.filtering;
    let count = if filtering {
        format!("{}/{}", group.items.len(), group.total)
    } else {
        group.total.to_string()
    };
    CollapsingHeader::new(format!("{}  ({count})", group.kind.label()))
        .id_salt(salt)
        .default_open(matches!(group.kind, GroupKind::Tables | GroupKind::Views))
        .open(filtering.then_some(true))
        .show(ui, |ui| {
            // Every row has the height of the first; rows outside the view
            // are only counted, so a thousand tables cost what a screenful
            // does.
            let mut row_height: Option<f32> = None;
            for item in &group.items {
                out.visible.push(item.object.clone());
                let is_selected = rows.selected == Some(item.key.as_str());
                if let Some(height) = row_height {
                    let top = ui.cursor().min.y;
                    let clip = ui.clip_rect();
                    let on_screen = top + height >= clip.min.y && top <= clip.max.y;
                    if !(on_screen || is_selected && rows.scroll) {
                        ui.allocate_exact_size(egui::vec2(0.0, height), egui::Sense::hover());
                        continue;
                    }
                }
                // Ids from the object key, so they do not depend on which
                // rows were skipped.
                let drawn = ui.push_id(&item.key, |ui| {
                    ui.horizontal(|ui| {
                        let text = format!("{} {}", kind_icon(item.object.kind), item.object.name);
                        let row = ui.selectable_label(is_selected, text);
                        if is_selected && rows.scroll {
                            row.scroll_to_me(None);
                        }
                        if let Some(parent) = &item.parent {
                            ui.weak(format!("on {parent}"));
                        }
                        if let Some(badge) = conn.badges.get(&item.key) {
                            badge_ui(ui, *badge);
                        }
                        if row.clicked() {
                            out.actions.push(Action::Select(item.object.clone()));
                        }
                        if row.double_clicked() {
                            out.actions.push(Action::Pin(item.object.clone()));
                        }
                        row.context_menu(|ui| {
                            ui.weak(format!("{} {}", item.object.kind.label(), item.object.name));
                            ui.separator();
                            if can_file_issue(item.object.kind) {
                                if ui.button("Create Issue…").clicked() {
                                    out.actions.push(Action::CreateIssue(item.object.clone()));
                                }
                                if ui.button("Link Existing Issue…").clicked() {
                                    out.actions.push(Action::LinkIssue(item.object.clone()));
                                }
                            }
                            if matches!(
                                item.object.kind,
                                ObjectKind::Table | ObjectKind::View | ObjectKind::MaterializedView
                            ) && ui.button("Query Rows in SQL Editor").clicked()
                            {
                                out.actions.push(Action::Query(item.object.clone()));
                            }
                            if ui.button("Open Details").clicked() {
                                out.actions.push(Action::Select(item.object.clone()));
                            }
                            if ui.button("Copy Name").clicked() {
                                ui.ctx().copy_text(format!(
                                    "{}.{}",
                                    item.object.schema, item.object.name
                                ));
                            }
                        });
                    })
                });
                row_height.get_or_insert(drawn.inner.response.rect.height());
            }
        });
}
