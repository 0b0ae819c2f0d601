//! The whiteboard canvas: pan (drag the background, scroll) and zoom
//! (Ctrl+scroll, pinch); items drawn in board order with their issue's
//! status chip; click selects (or connects, with the connector tool),
//! drag moves, the corner handle resizes, double-click edits in place.
//! Every item is a widget labelled with its kind and text, so tests and
//! screen readers find it.

use egui::{Color32, Pos2, Rect, Sense, Stroke};

use super::draw::{draw_connectors, draw_item};

use crate::model::board::{Bounds, ItemId, ItemKind, Op, Vec2};
use crate::state::{Drag, Tool, UiState, Whiteboard, Whiteboards};

const MIN_ZOOM: f32 = 0.25;
const MAX_ZOOM: f32 = 4.0;
/// The resize handle's half-width on screen.
const HANDLE: f32 = 6.0;

/// Board ↔ screen for one frame.
#[derive(Clone, Copy)]
pub(super) struct View {
    pub(super) min: Pos2,
    pub(super) pan: Vec2,
    pub(super) zoom: f32,
}

impl View {
    pub(super) fn screen(&self, p: Vec2) -> Pos2 {
        Pos2::new(
            self.min.x + (p.x - self.pan.x) * self.zoom,
            self.min.y + (p.y - self.pan.y) * self.zoom,
        )
    }

    fn board(&self, p: Pos2) -> Vec2 {
        Vec2::new(
            (p.x - self.min.x) / self.zoom + self.pan.x,
            (p.y - self.min.y) / self.zoom + self.pan.y,
        )
    }

    pub(super) fn rect(&self, b: &Bounds) -> Rect {
        Rect::from_min_max(
            self.screen(Vec2::new(b.x, b.y)),
            self.screen(Vec2::new(b.x + b.w, b.y + b.h)),
        )
    }
}

/// Draws the canvas and handles its input; returns the board point at
/// the centre of the view (where the toolbar adds items).
pub(super) fn canvas_ui(
    ui: &mut egui::Ui,
    state: &mut UiState,
    connection: &str,
    edit_label: egui::Id,
) -> Vec2 {
    let (rect, background) = ui.allocate_exact_size(
        ui.available_size().max(egui::vec2(200.0, 200.0)),
        Sense::click_and_drag(),
    );
    let Whiteboards { boards, issues, .. } = &mut state.whiteboards;
    let Some(w) = boards.get_mut(connection) else {
        return Vec2::default();
    };
    pan_and_zoom(ui, w, rect, &background);
    let view = View {
        min: rect.min,
        pan: w.pan,
        zoom: w.zoom,
    };
    if background.clicked() {
        w.commit_edit();
        let hit = background
            .interact_pointer_pos()
            .and_then(|p| w.board.hit(view.board(p)));
        // Only connectors are left for the background to hit.
        w.selected = hit.filter(|id| {
            matches!(
                w.board.item(*id).map(|i| &i.kind),
                Some(ItemKind::Connector { .. })
            )
        });
        w.connect_from = None;
    }
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
    let visuals = ui.visuals().clone();
    for item in w
        .board
        .items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Frame { .. }))
    {
        draw_item(
            &painter, &visuals, &view, &w.board, item.id, w.selected, issues,
        );
    }
    draw_connectors(&painter, &visuals, &view, &w.board, w.selected);

    let ids: Vec<ItemId> = w
        .board
        .items
        .iter()
        .filter(|i| !matches!(i.kind, ItemKind::Connector { .. }))
        .map(|i| i.id)
        .collect();
    for id in ids {
        item_ui(
            ui, w, &view, rect, &painter, &visuals, id, issues, edit_label,
        );
    }
    resize_handle_ui(ui, w, &view, rect);
    if let Some(from) = w.connect_from.and_then(|id| w.board.item(id))
        && let Some(pointer) = ui.input(|i| i.pointer.hover_pos())
    {
        let start = view.screen(from.bounds.centre());
        painter.line_segment(
            [start, pointer],
            Stroke::new(1.5, visuals.selection.stroke.color),
        );
    }
    view.board(rect.center())
}

fn pan_and_zoom(ui: &egui::Ui, w: &mut Whiteboard, rect: Rect, background: &egui::Response) {
    if background.dragged() {
        let d = background.drag_delta() / w.zoom;
        w.pan = Vec2::new(w.pan.x - d.x, w.pan.y - d.y);
    }
    if !ui.rect_contains_pointer(rect) {
        return;
    }
    let (factor, scroll) = ui.input(|i| (i.zoom_delta(), i.smooth_scroll_delta));
    if factor != 1.0 {
        let pointer = ui.input(|i| i.pointer.hover_pos()).unwrap_or(rect.center());
        let view = View {
            min: rect.min,
            pan: w.pan,
            zoom: w.zoom,
        };
        let fixed = view.board(pointer);
        w.zoom = (w.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        // The point under the pointer stays under it.
        w.pan = Vec2::new(
            fixed.x - (pointer.x - rect.min.x) / w.zoom,
            fixed.y - (pointer.y - rect.min.y) / w.zoom,
        );
    } else if scroll != egui::Vec2::ZERO {
        w.pan = Vec2::new(w.pan.x - scroll.x / w.zoom, w.pan.y - scroll.y / w.zoom);
    }
}

/// One box item: its widget (click, double-click, drag, context menu),
/// its drawing, and the in-place editor when it is edited.
#[allow(clippy::too_many_arguments)]
fn item_ui(
    ui: &mut egui::Ui,
    w: &mut Whiteboard,
    view: &View,
    clip: Rect,
    painter: &egui::Painter,
    visuals: &egui::Visuals,
    id: ItemId,
    issues: &std::collections::HashMap<sr_model::IssueKey, sr_model::IssueRef>,
    edit_label: egui::Id,
) {
    let Some(item) = w.board.item(id).cloned() else {
        return;
    };
    let r = view.rect(&item.bounds);
    if !clip.intersects(r) {
        return;
    }
    let response = ui.interact(
        r.intersect(clip),
        ui.scope_id().with(("wb-item", id)),
        Sense::click_and_drag(),
    );
    let label = accessible_label(&item.kind, id, issues);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
    if response.clicked() {
        if w.tool == Tool::Connector {
            w.connect_click(id);
        } else {
            if w.editing.as_ref().is_some_and(|(e, _)| *e != id) {
                w.commit_edit();
            }
            w.selected = Some(id);
        }
    }
    if response.double_clicked() {
        w.selected = Some(id);
        w.start_edit(id);
    }
    if response.drag_started() && w.tool == Tool::Select {
        w.selected = Some(id);
        let op = Op::move_item(&w.board, id, 0.0, 0.0);
        if let Op::Move { ids, .. } = op {
            w.drag = Some(Drag::Move {
                ids,
                dx: 0.0,
                dy: 0.0,
            });
        }
    }
    if response.dragged()
        && let Some(Drag::Move { ids, dx, dy }) = &mut w.drag
    {
        let d = response.drag_delta() / view.zoom;
        *dx += d.x;
        *dy += d.y;
        let step = Op::Move {
            ids: ids.clone(),
            dx: d.x,
            dy: d.y,
        };
        // Live, outside the history: the drag is one step when it ends.
        w.board.apply(step).ok();
    }
    if response.drag_stopped()
        && let Some(Drag::Move { ids, dx, dy }) = w.drag.take()
        && (dx != 0.0 || dy != 0.0)
    {
        let back = Op::Move {
            ids: ids.clone(),
            dx: -dx,
            dy: -dy,
        };
        w.history.record(Op::Move { ids, dx, dy }, back);
        w.touch();
    }
    response.context_menu(|ui| {
        ui.weak(format!("{} {id}", item.kind.label()));
        ui.separator();
        if ui.button("Edit text").clicked() {
            w.start_edit(id);
            ui.close();
        }
        if ui.button("Delete").clicked() {
            w.selected = Some(id);
            w.delete_selected();
            ui.close();
        }
        let filing = match &item.kind {
            ItemKind::Note { issue: None, .. } => Some("Create issue"),
            ItemKind::Decision { issue: None, .. } => Some("Record decision"),
            _ => None,
        };
        if let Some(label) = filing
            && ui.button(format!("{label}…")).clicked()
        {
            w.commit_edit();
            w.file_issue = Some(id);
            ui.close();
        }
    });
    draw_item(painter, visuals, view, &w.board, id, w.selected, issues);
    let Some((edited, text)) = &mut w.editing else {
        return;
    };
    if *edited != id {
        return;
    }
    let inner = r.shrink(6.0 * view.zoom.min(1.0));
    let edit = ui
        .put(
            inner,
            egui::TextEdit::multiline(text)
                .id(ui.scope_id().with(("wb-edit", id)))
                .frame(egui::Frame::NONE)
                .text_color(Color32::from_gray(20))
                .background_color(Color32::from_white_alpha(200))
                .desired_width(inner.width()),
        )
        .labelled_by(edit_label);
    if std::mem::take(&mut w.focus_edit) {
        edit.request_focus();
    } else if edit.lost_focus() {
        w.commit_edit();
    }
}

/// The text a screen reader (and a test) finds an item by: kind, id,
/// text, and the issue with its status when there is one.
pub fn accessible_label(
    kind: &ItemKind,
    id: ItemId,
    issues: &std::collections::HashMap<sr_model::IssueKey, sr_model::IssueRef>,
) -> String {
    let mut label = format!("{} {id}: {}", kind.label(), kind.text().trim());
    if let Some(key) = kind.issue() {
        match issues.get(key) {
            Some(r) => label.push_str(&format!(" · {} {}", r.display_key, r.status.name)),
            None => label.push_str(&format!(" · {key}")),
        }
    }
    label
}

/// The selected item's corner handle: drag to resize.
fn resize_handle_ui(ui: &mut egui::Ui, w: &mut Whiteboard, view: &View, clip: Rect) {
    let Some(item) = w.selected.and_then(|id| w.board.item(id)).cloned() else {
        return;
    };
    if matches!(item.kind, ItemKind::Connector { .. }) {
        return;
    }
    let corner = view.screen(item.bounds.corner());
    let handle = Rect::from_center_size(corner, egui::vec2(HANDLE * 2.0, HANDLE * 2.0));
    if !clip.intersects(handle) {
        return;
    }
    let response = ui
        .interact(
            handle,
            ui.scope_id().with(("wb-resize", item.id)),
            Sense::drag(),
        )
        .on_hover_cursor(egui::CursorIcon::ResizeNwSe);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, "Resize"));
    ui.painter_at(clip)
        .rect_filled(handle.shrink(2.0), 2.0, ui.visuals().selection.stroke.color);
    if response.drag_started() {
        w.drag = Some(Drag::Resize {
            id: item.id,
            start: item.bounds,
        });
    }
    if response.dragged() {
        let d = response.drag_delta() / view.zoom;
        let b = item.bounds;
        let grown = Bounds {
            w: b.w + d.x,
            h: b.h + d.y,
            ..b
        };
        w.board
            .apply(Op::SetBounds {
                id: item.id,
                bounds: grown,
            })
            .ok();
    }
    if response.drag_stopped()
        && let Some(Drag::Resize { id, start }) = w.drag.take()
        && let Some(now) = w.board.item(id).map(|i| i.bounds)
        && now != start
    {
        w.history.record(
            Op::SetBounds { id, bounds: now },
            Op::SetBounds { id, bounds: start },
        );
        w.touch();
    }
}
