//! One connection's node: the header (name, dialect, environment tag,
//! state), its context menu (the panels and the connection manager), and
//! its body: connecting, the failure with its cause and Retry, closed, or
//! the schemas.

use egui::collapsing_header::CollapsingState;
use egui::{RichText, Sense};

use super::rows::schema_ui;
use super::{Action, Collect, Rows};
use crate::state::{ConnectionState, Load};
use crate::ui::widgets::{empty_ui, environment_tag_ui, error_ui};

pub(super) fn connection_ui(
    ui: &mut egui::Ui,
    conn: &ConnectionState,
    rows: &Rows<'_>,
    out: &mut Collect<'_>,
) {
    let name = &conn.info.name;
    let id = ui.make_persistent_id(("connection", name));
    // Only the demo database opens by itself; the others are read when
    // expanded (or shown expanded when something else had them read).
    let default_open =
        name == sr_engine::DEMO_CONNECTION || conn.snapshot().is_some() || !conn.tree.is_empty();
    let state = CollapsingState::load_with_default_open(ui.ctx(), id, default_open);
    let mut clicked = false;
    let mut header = state.show_header(ui, |ui| {
        let label = header_ui(ui, conn);
        clicked = label.clicked();
        label
    });
    if clicked {
        header.toggle();
    }
    let (_, title, _) = header.body(|ui| body_ui(ui, conn, rows, out));
    let label = title.inner;
    label.context_menu(|ui| menu_ui(ui, conn, out));
    let mut hover = conn.info.url.clone();
    if let Some(ssh) = &conn.info.ssh {
        hover.push_str(&format!("\nthrough SSH {ssh}"));
    }
    if !hover.is_empty() {
        label.on_hover_text(hover);
    }
}

/// The header row after the toggle: the name (clicked: open or close;
/// right-clicked: the menu), the dialect, the environment tag and the
/// state. Returns the name's response.
fn header_ui(ui: &mut egui::Ui, conn: &ConnectionState) -> egui::Response {
    ui.add_space(2.0);
    let name = ui.add(
        egui::Label::new(RichText::new(format!("🗄 {}", conn.info.name)).strong())
            .sense(Sense::click())
            .selectable(false),
    );
    if !conn.info.dialect.is_empty() {
        ui.weak(&conn.info.dialect);
    }
    if let Some(env) = conn.environment() {
        environment_tag_ui(ui, env);
    }
    match &conn.schema {
        Load::Loading if conn.tree.is_empty() => {
            ui.spinner().on_hover_text("Connecting…");
        }
        Load::Loading => {
            ui.spinner()
                .on_hover_text("Reading the objects' definitions; the names are listed");
        }
        Load::Failed(message) => {
            let color = ui.visuals().error_fg_color;
            ui.label(RichText::new("⚠ failed").small().color(color))
                .on_hover_text(message);
        }
        Load::Idle if conn.disconnected => {
            ui.weak("closed");
        }
        _ => {}
    }
    name
}

fn body_ui(ui: &mut egui::Ui, conn: &ConnectionState, rows: &Rows<'_>, out: &mut Collect<'_>) {
    let name = &conn.info.name;
    match &conn.schema {
        Load::Idle if conn.disconnected => {
            ui.horizontal(|ui| {
                ui.weak("Disconnected.");
                if ui.button(format!("Connect {name}")).clicked() {
                    out.actions.push(Action::Connect(name.clone()));
                }
            });
        }
        // The tree streamed so far, while the rest is read.
        Load::Loading if !conn.tree.is_empty() => tree_ui(ui, conn, rows, out),
        Load::Idle | Load::Loading => {
            if conn.schema == Load::Idle {
                out.actions.push(Action::Open(name.clone()));
            }
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak(format!("Connecting to {name}…"));
            });
        }
        Load::Failed(message) => {
            // The cause and the fix, on this connection's node only.
            error_ui(ui, &format!("{name} could not be opened: {message}"));
            ui.horizontal(|ui| {
                if ui.button(format!("Retry {name}")).clicked() {
                    out.actions.push(Action::Refresh(name.clone()));
                }
                if conn.info.profile.is_some() && ui.button(format!("Edit {name}…")).clicked() {
                    out.actions.push(Action::Edit(name.clone()));
                }
            });
        }
        Load::Ready(_) => tree_ui(ui, conn, rows, out),
    }
}

/// The connection's schemas and their rows (those still being read are
/// listed with a spinner, also while filtering).
fn tree_ui(ui: &mut egui::Ui, conn: &ConnectionState, rows: &Rows<'_>, out: &mut Collect<'_>) {
    if conn.tree.is_empty() {
        empty_ui(ui, "The database has no schema.");
    } else if rows.filtering && conn.tree.iter().all(|s| s.loaded && s.shown() == 0) {
        empty_ui(ui, "No object matches the filter.");
    }
    for schema in &conn.tree {
        if rows.filtering && schema.loaded && schema.shown() == 0 {
            continue;
        }
        schema_ui(ui, conn, schema, rows, out);
    }
}

/// The connection's context menu: the panels, then the connection itself.
fn menu_ui(ui: &mut egui::Ui, conn: &ConnectionState, out: &mut Collect<'_>) {
    let name = &conn.info.name;
    let editable = conn.info.profile.is_some();
    ui.weak(format!("Connection {name}"));
    ui.separator();
    let mut item = |ui: &mut egui::Ui, label: &str, action: Action| {
        if ui.button(label).clicked() {
            out.actions.push(action);
        }
    };
    item(ui, "New SQL Editor", Action::NewSql(name.clone()));
    item(ui, "Open Designer", Action::Designer(name.clone()));
    item(ui, "Monitoring", Action::Monitoring(name.clone()));
    item(ui, "Whiteboard", Action::Whiteboard(name.clone()));
    ui.separator();
    item(ui, "Refresh", Action::Refresh(name.clone()));
    item(ui, "Test Connection", Action::Test(name.clone()));
    item(ui, "Disconnect", Action::Disconnect(name.clone()));
    ui.separator();
    let built_in = "Built in: not a profile of connections.json; Duplicate it to make one";
    if ui
        .add_enabled(editable, egui::Button::new("Edit…"))
        .on_disabled_hover_text(built_in)
        .clicked()
    {
        out.actions.push(Action::Edit(name.clone()));
    }
    if ui.button("Duplicate…").clicked() {
        out.actions.push(Action::Duplicate(name.clone()));
    }
    if ui
        .add_enabled(editable, egui::Button::new("Remove…"))
        .on_disabled_hover_text(built_in)
        .clicked()
    {
        out.actions.push(Action::Remove(name.clone()));
    }
}
