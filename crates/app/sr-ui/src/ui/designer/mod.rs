//! The designer tab: a connection's tables as boxes with their columns and
//! keys, foreign keys as edges, drawn with the painter. Drag the
//! background to pan, Ctrl+wheel (or the buttons) to zoom, drag a table to
//! move it; right-click a table for issues, details and the table editor.
//! Only the boxes in view are laid out, so 500 tables stay fast.

mod editor;

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, Vec2};

use crate::model::er_layout::{ErModel, ErTable, HEADER_HEIGHT, MAX_ROWS, ROW_HEIGHT};
use crate::model::er_svg::{edge_ends, er_svg};
use crate::state::{DesignerSaved, Load, MAX_ZOOM, MIN_ZOOM, ToastLevel, UiState};

pub use editor::table_editor_ui;

/// Below this zoom the boxes show their names only.
const DETAIL_ZOOM: f32 = 0.45;

/// What the user did this frame, applied after drawing.
enum Action {
    Move(String, Vec2),
    CreateIssue(ErTable),
    LinkIssue(ErTable),
    Details(ErTable),
    Edit(ErTable),
    Query(ErTable),
}

pub fn designer_tab_ui(ui: &mut egui::Ui, state: &mut UiState, connection: &str) {
    // A tab restored from the last run, or a connection closed since.
    state.connect(connection);
    let listing = state.jobs.is_running(&crate::state::JobKind::Connections);
    let failure = match state.connection(connection).map(|c| &c.schema) {
        Some(Load::Failed(e)) => Some(e.clone()),
        None if !listing => Some(format!(
            "there is no connection named {connection}; it was removed or renamed"
        )),
        _ => None,
    };
    let Some(model) = state.er_model(connection) else {
        match failure {
            Some(e) => {
                super::widgets::error_ui(
                    ui,
                    &format!("The schema of {connection} could not be read: {e}"),
                );
                if ui.button("Retry").clicked() {
                    state.refresh_connection(connection);
                }
            }
            None if state.er_model_building(connection) => {
                let schema = state.designer_schema(connection).unwrap_or_default();
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.weak(format!("Laying out schema {schema}…"));
                });
            }
            None => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.weak("Reading the schema…");
                });
            }
        }
        return;
    };
    let png = toolbar_ui(ui, state, connection, &model);
    ui.separator();
    let (rect, background) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
    if png {
        let shown = export_png(ui.ctx(), rect, connection);
        state
            .toasts
            .push(ToastLevel::Info, format!("Diagram saved as {shown}"), None);
    }
    let saved = state
        .designer
        .saved
        .entry(connection.to_owned())
        .or_default();
    // Zoom 0 means "fit": recomputed every frame (the canvas settles its
    // size over the first frames) until the user pans or zooms.
    let fitting = saved.zoom <= 0.0;
    let factor = if ui.rect_contains_pointer(rect) {
        ui.input(|i| i.zoom_delta())
    } else {
        1.0
    };
    if fitting || background.dragged() || factor != 1.0 {
        fit_if_unset(saved, &model, rect.size());
    }
    if background.dragged() {
        saved.pan[0] += background.drag_delta().x;
        saved.pan[1] += background.drag_delta().y;
    }
    if factor != 1.0 {
        let pointer = ui.input(|i| i.pointer.hover_pos()).unwrap_or(rect.center());
        zoom_at(saved, factor, pointer - rect.min);
    }
    let view = View {
        origin: rect.min + Vec2::from(saved.pan),
        zoom: saved.zoom(),
    };
    let saved = saved.clone();
    // The zoom buttons start from the view last drawn, not from 100 %.
    let pan = view.origin - rect.min;
    ui.ctx()
        .data_mut(|d| d.insert_temp(fit_id(connection), (view.zoom, [pan.x, pan.y])));
    if fitting && !background.dragged() && factor == 1.0 {
        // Still fitting: forget the fitted values so the next frame fits
        // again.
        if let Some(s) = state.designer.saved.get_mut(connection) {
            s.zoom = 0.0;
        }
    }
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
    let boxes: Vec<Rect> = model
        .tables
        .iter()
        .map(|t| {
            let p = saved.positions.get(&t.key()).copied().unwrap_or_default();
            Rect::from_min_size(view.at(p), Vec2::from(t.size()) * view.zoom)
        })
        .collect();
    let edge_color = ui.visuals().weak_text_color();
    for e in &model.edges {
        let (a, b) = (boxes[e.from], boxes[e.to]);
        if !rect.intersects(a.union(b)) {
            continue;
        }
        let r = |r: Rect| [r.min.x, r.min.y, r.width(), r.height()];
        let ([x1, y1], [x2, y2]) = edge_ends(r(a), r(b));
        let (from, to) = (Pos2::new(x1, y1), Pos2::new(x2, y2));
        painter.line_segment([from, to], Stroke::new(1.5, edge_color));
        // The referenced end gets a dot.
        painter.circle_filled(to, 3.0 * view.zoom.max(0.5), edge_color);
    }
    let mut actions = Vec::new();
    for (t, &r) in model.tables.iter().zip(&boxes) {
        if !rect.intersects(r) {
            continue;
        }
        let id = ui.scope_id().with(("er-table", connection, t.key()));
        let response = ui.interact(r.intersect(rect), id, Sense::click_and_drag());
        let label = format!("Table {}", t.name);
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
        if response.dragged() {
            actions.push(Action::Move(t.key(), response.drag_delta() / view.zoom));
        }
        let object = state.table_ref(connection, t);
        let badge = state.badge(&object);
        box_ui(
            &painter,
            ui.visuals(),
            t,
            r,
            view.zoom,
            badge,
            response.hovered(),
        );
        response.context_menu(|ui| {
            ui.weak(format!("Table {}.{}", t.schema, t.name));
            ui.separator();
            if ui.button("Create Issue…").clicked() {
                actions.push(Action::CreateIssue(t.clone()));
            }
            if ui.button("Link Existing Issue…").clicked() {
                actions.push(Action::LinkIssue(t.clone()));
            }
            if ui.button("Edit Table…").clicked() {
                actions.push(Action::Edit(t.clone()));
            }
            if ui.button("Query Rows in SQL Editor").clicked() {
                actions.push(Action::Query(t.clone()));
            }
            if ui.button("Open Details").clicked() {
                actions.push(Action::Details(t.clone()));
            }
        });
    }
    for action in actions {
        match action {
            Action::Move(key, delta) => {
                // Moving a table ends fitting: the view stays where it is.
                if let Some(s) = state.designer.saved.get_mut(connection)
                    && s.zoom <= 0.0
                {
                    let pan = view.origin - rect.min;
                    s.pan = [pan.x, pan.y];
                    s.zoom = view.zoom;
                }
                state.move_table(connection, &key, [delta.x, delta.y]);
            }
            Action::CreateIssue(t) => {
                let object = state.table_ref(connection, &t);
                state.create_issue_from_designer(&object);
            }
            Action::LinkIssue(t) => {
                let object = state.table_ref(connection, &t);
                state.open_link_dialog(&object);
            }
            Action::Details(t) => {
                let object = state.table_ref(connection, &t);
                state.select(&object);
            }
            Action::Edit(t) => {
                let object = state.table_ref(connection, &t);
                state.open_table_editor(&object);
            }
            Action::Query(t) => {
                let object = state.table_ref(connection, &t);
                state.query_object(&object);
            }
        }
    }
}

/// Diagram units to the screen.
struct View {
    origin: Pos2,
    zoom: f32,
}

impl View {
    fn at(&self, p: [f32; 2]) -> Pos2 {
        self.origin + Vec2::from(p) * self.zoom
    }
}

/// The schema shown: a large database is drawn one schema at a time.
fn schema_picker_ui(ui: &mut egui::Ui, state: &mut UiState, connection: &str) {
    let schemas = state.designer_schemas(connection);
    let shown = state.designer_schema(connection).unwrap_or_default();
    if schemas.len() < 2 {
        return;
    }
    let mut pick = None;
    egui::ComboBox::from_label("Schema")
        .selected_text(shown.as_str())
        .show_ui(ui, |ui| {
            for (name, tables) in &schemas {
                let label = format!("{name} ({tables} tables)");
                if ui.selectable_label(*name == shown, label).clicked() {
                    pick = Some(name.clone());
                }
            }
        })
        .response
        .on_hover_text("The schema the diagram shows");
    if let Some(name) = pick {
        state.show_designer_schema(connection, &name);
    }
}

/// The toolbar; true when "Export PNG" was pressed (the canvas is not
/// laid out yet).
fn toolbar_ui(ui: &mut egui::Ui, state: &mut UiState, connection: &str, model: &ErModel) -> bool {
    let mut png = false;
    ui.horizontal_wrapped(|ui| {
        ui.strong(format!("🗺 {connection}"));
        schema_picker_ui(ui, state, connection);
        ui.weak(format!(
            "{} tables · {} foreign keys",
            model.tables.len(),
            model.edges.len()
        ));
        ui.separator();
        let saved = state
            .designer
            .saved
            .entry(connection.to_owned())
            .or_default();
        let shown = ui
            .ctx()
            .data(|d| d.get_temp::<(f32, [f32; 2])>(fit_id(connection)));
        let from_view = |saved: &mut DesignerSaved| {
            if saved.zoom <= 0.0
                && let Some((zoom, pan)) = shown
            {
                saved.zoom = zoom;
                saved.pan = pan;
            }
        };
        if ui
            .button("➖")
            .on_hover_text("Zoom out (Ctrl+wheel)")
            .clicked()
        {
            from_view(saved);
            zoom_at(saved, 1.0 / 1.25, Vec2::ZERO);
        }
        if saved.zoom <= 0.0 {
            ui.label("fit");
        } else {
            ui.label(format!("{:.0} %", saved.zoom() * 100.0));
        }
        if ui
            .button("➕")
            .on_hover_text("Zoom in (Ctrl+wheel)")
            .clicked()
        {
            from_view(saved);
            zoom_at(saved, 1.25, Vec2::ZERO);
        }
        if ui.button("Fit").on_hover_text("Show every table").clicked() {
            saved.zoom = 0.0;
        }
        ui.separator();
        if ui
            .button("Auto Layout")
            .on_hover_text("Forget the moved positions and lay the tables out again")
            .clicked()
        {
            state.relayout(connection);
        }
        if ui
            .button("Refresh")
            .on_hover_text("Read the schema again")
            .clicked()
        {
            state.refresh_connection(connection);
        }
        ui.separator();
        let svg = || {
            let positions = state
                .designer
                .saved
                .get(connection)
                .map(|s| s.positions.clone())
                .unwrap_or_default();
            er_svg(model, &positions)
        };
        if ui
            .button("Copy SVG")
            .on_hover_text("The diagram as SVG, to the clipboard")
            .clicked()
        {
            ui.ctx().copy_text(svg());
        }
        if ui
            .button("Export SVG")
            .on_hover_text("Save the diagram as an SVG file in the temporary directory")
            .clicked()
        {
            let path = std::env::temp_dir().join(format!("scratchrobin-er-{connection}.svg"));
            let text = svg();
            let shown = path.display().to_string();
            // Written off the UI thread; a failure is logged.
            std::thread::spawn(move || {
                if let Err(e) = std::fs::write(&path, text) {
                    tracing::warn!(path = %path.display(), error = %e, "could not write the SVG");
                }
            });
            state
                .toasts
                .push(ToastLevel::Info, format!("Diagram saved as {shown}"), None);
        }
        png = ui
            .button("Export PNG")
            .on_hover_text("Save the diagram as shown as a PNG file in the temporary directory")
            .clicked();
    });
    png
}

/// Asks for a screenshot of the next frame and saves the canvas' part of
/// it as a PNG, off the UI thread; returns the file's path.
fn export_png(ctx: &egui::Context, canvas: Rect, connection: &str) -> String {
    let ppp = ctx.pixels_per_point();
    let path = std::env::temp_dir().join(format!("scratchrobin-er-{connection}.png"));
    let shown = path.display().to_string();
    ctx.request_screenshot(move |image| {
        std::thread::spawn(move || {
            let [w, h] = image.size;
            let px = |v: f32, max: usize| ((v * ppp).max(0.0) as usize).min(max);
            let (x0, x1) = (px(canvas.min.x, w), px(canvas.max.x, w));
            let (y0, y1) = (px(canvas.min.y, h), px(canvas.max.y, h));
            let part = image.region_by_pixels([x0, y0], [x1 - x0, y1 - y0]);
            let size = |n: usize| u32::try_from(n).unwrap_or(0);
            let written = crate::model::png::encode_rgba(
                size(part.width()),
                size(part.height()),
                part.as_raw(),
            )
            .ok_or_else(|| "the screenshot's size did not match its pixels".to_owned())
            .and_then(|bytes| std::fs::write(&path, bytes).map_err(|e| e.to_string()));
            if let Err(e) = written {
                tracing::warn!(path = %path.display(), error = %e, "could not write the PNG");
            }
        });
    });
    shown
}

/// Where the zoom and pan last drawn are kept, for the toolbar.
fn fit_id(connection: &str) -> egui::Id {
    egui::Id::unique(("designer-view", connection))
}

/// Zooms by `factor` keeping the diagram point under `at` (relative to
/// the canvas) in place.
fn zoom_at(saved: &mut DesignerSaved, factor: f32, at: Vec2) {
    let old = saved.zoom();
    let new = (old * factor).clamp(MIN_ZOOM, MAX_ZOOM);
    let pan = Vec2::from(saved.pan);
    let pan = at - (at - pan) * (new / old);
    saved.pan = [pan.x, pan.y];
    saved.zoom = new;
}

/// Zoom and pan that show every table in a canvas of `size`, when the
/// zoom is still unset (0).
fn fit_if_unset(saved: &mut DesignerSaved, model: &ErModel, size: Vec2) {
    if saved.zoom > 0.0 {
        return;
    }
    let mut bounds = Rect::NOTHING;
    for t in &model.tables {
        if let Some(p) = saved.positions.get(&t.key()) {
            bounds = bounds.union(Rect::from_min_size(Pos2::from(*p), Vec2::from(t.size())));
        }
    }
    if !bounds.is_positive() {
        saved.zoom = 1.0;
        saved.pan = [16.0, 16.0];
        return;
    }
    let margin = 16.0;
    let zoom = ((size.x - 2.0 * margin) / bounds.width())
        .min((size.y - 2.0 * margin) / bounds.height())
        .clamp(0.25, 1.0);
    saved.zoom = zoom;
    saved.pan = [margin - bounds.min.x * zoom, margin - bounds.min.y * zoom];
}

fn box_ui(
    painter: &egui::Painter,
    visuals: &egui::Visuals,
    t: &ErTable,
    r: Rect,
    zoom: f32,
    badge: Option<crate::state::Badge>,
    hovered: bool,
) {
    let stroke = if hovered {
        visuals.selection.stroke
    } else {
        Stroke::new(1.0, visuals.widgets.noninteractive.bg_stroke.color)
    };
    painter.rect_filled(r, 3.0, visuals.panel_fill);
    let header = Rect::from_min_size(r.min, Vec2::new(r.width(), HEADER_HEIGHT * zoom));
    painter.rect_filled(header, 3.0, visuals.selection.bg_fill);
    painter.rect_stroke(r, 3.0, stroke, StrokeKind::Inside);
    let text = visuals.strong_text_color();
    let size = 13.0 * zoom;
    painter.text(
        header.left_center() + Vec2::new(6.0 * zoom, 0.0),
        Align2::LEFT_CENTER,
        &t.name,
        FontId::proportional(size),
        text,
    );
    if let Some(b) = badge {
        let color = if b.open > 0 {
            Color32::from_rgb(0xd9, 0x7b, 0x1f)
        } else {
            visuals.weak_text_color()
        };
        painter.text(
            header.right_center() - Vec2::new(6.0 * zoom, 0.0),
            Align2::RIGHT_CENTER,
            format!("🐞{}/{}", b.open, b.total),
            FontId::proportional(size * 0.9),
            color,
        );
    }
    if zoom < DETAIL_ZOOM {
        return;
    }
    let weak = visuals.weak_text_color();
    let plain = visuals.text_color();
    let row = |i: usize| header.bottom() + ROW_HEIGHT * zoom * (i as f32 + 0.5) + 3.0 * zoom;
    for (i, c) in t.columns.iter().take(MAX_ROWS).enumerate() {
        let mark = match (c.primary_key, c.foreign_key) {
            (true, true) => "🔑↗ ",
            (true, false) => "🔑 ",
            (false, true) => "↗ ",
            (false, false) => "",
        };
        let y = row(i);
        painter.text(
            Pos2::new(r.left() + 6.0 * zoom, y),
            Align2::LEFT_CENTER,
            format!("{mark}{}", c.name),
            FontId::proportional(12.0 * zoom),
            if c.primary_key { text } else { plain },
        );
        let ty = if c.nullable {
            c.data_type.to_lowercase()
        } else {
            format!("{} not null", c.data_type.to_lowercase())
        };
        painter.text(
            Pos2::new(r.right() - 6.0 * zoom, y),
            Align2::RIGHT_CENTER,
            ty,
            FontId::monospace(10.5 * zoom),
            weak,
        );
    }
    if t.columns.len() > MAX_ROWS {
        painter.text(
            Pos2::new(r.left() + 6.0 * zoom, row(MAX_ROWS)),
            Align2::LEFT_CENTER,
            format!("+{} more", t.columns.len() - MAX_ROWS),
            FontId::proportional(12.0 * zoom),
            weak,
        );
    }
}
