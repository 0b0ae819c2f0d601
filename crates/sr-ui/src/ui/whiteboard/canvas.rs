//! The whiteboard canvas: pan (drag the background, scroll) and zoom
//! (Ctrl+scroll, pinch); items drawn in board order with their issue's
//! status chip; click selects (or connects, with the connector tool),
//! drag moves, the corner handle resizes, double-click edits in place.
//! Every item is a widget labelled with its kind and text, so tests and
//! screen readers find it.

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, StrokeKind};
use sr_model::IssueState;

use crate::model::board::{Board, Bounds, ItemId, ItemKind, NoteColour, Op, Vec2};
use crate::state::{Drag, Tool, UiState, Whiteboard, Whiteboards};

const MIN_ZOOM: f32 = 0.25;
const MAX_ZOOM: f32 = 4.0;
/// The resize handle's half-width on screen.
const HANDLE: f32 = 6.0;

/// Board ↔ screen for one frame.
#[derive(Clone, Copy)]
struct View {
    min: Pos2,
    pan: Vec2,
    zoom: f32,
}

impl View {
    fn screen(&self, p: Vec2) -> Pos2 {
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

    fn rect(&self, b: &Bounds) -> Rect {
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
    let (rect, background) =
        ui.allocate_exact_size(ui.available_size().max(egui::vec2(200.0, 200.0)), Sense::click_and_drag());
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
            matches!(w.board.item(*id).map(|i| &i.kind), Some(ItemKind::Connector { .. }))
        });
        w.connect_from = None;
    }
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
    let visuals = ui.visuals().clone();
    for item in w.board.items.iter().filter(|i| matches!(i.kind, ItemKind::Frame { .. })) {
        draw_item(&painter, &visuals, &view, &w.board, item.id, w.selected, issues);
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
        item_ui(ui, w, &view, rect, &painter, &visuals, id, issues, edit_label);
    }
    resize_handle_ui(ui, w, &view, rect);
    if let Some(from) = w.connect_from.and_then(|id| w.board.item(id))
        && let Some(pointer) = ui.input(|i| i.pointer.hover_pos())
    {
        let start = view.screen(from.bounds.centre());
        painter.line_segment([start, pointer], Stroke::new(1.5, visuals.selection.stroke.color));
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
        let view = View { min: rect.min, pan: w.pan, zoom: w.zoom };
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
    let response = ui.interact(r.intersect(clip), ui.scope_id().with(("wb-item", id)), Sense::click_and_drag());
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
            w.drag = Some(Drag::Move { ids, dx: 0.0, dy: 0.0 });
        }
    }
    if response.dragged()
        && let Some(Drag::Move { ids, dx, dy }) = &mut w.drag
    {
        let d = response.drag_delta() / view.zoom;
        *dx += d.x;
        *dy += d.y;
        let step = Op::Move { ids: ids.clone(), dx: d.x, dy: d.y };
        // Live, outside the history: the drag is one step when it ends.
        w.board.apply(step).ok();
    }
    if response.drag_stopped()
        && let Some(Drag::Move { ids, dx, dy }) = w.drag.take()
        && (dx != 0.0 || dy != 0.0)
    {
        let back = Op::Move { ids: ids.clone(), dx: -dx, dy: -dy };
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

fn note_fill(c: NoteColour) -> Color32 {
    match c {
        NoteColour::Yellow => Color32::from_rgb(0xff, 0xe8, 0x7c),
        NoteColour::Pink => Color32::from_rgb(0xff, 0xb3, 0xc8),
        NoteColour::Blue => Color32::from_rgb(0xa8, 0xd4, 0xff),
        NoteColour::Green => Color32::from_rgb(0xb8, 0xe9, 0xa6),
    }
}

fn draw_item(
    painter: &egui::Painter,
    visuals: &egui::Visuals,
    view: &View,
    board: &Board,
    id: ItemId,
    selected: Option<ItemId>,
    issues: &std::collections::HashMap<sr_model::IssueKey, sr_model::IssueRef>,
) {
    let Some(item) = board.item(id) else { return };
    let r = view.rect(&item.bounds);
    let z = view.zoom;
    let ink = Color32::from_gray(25);
    let font = FontId::proportional(13.0 * z);
    let text_in = |text: &str, top: f32, colour: Color32, font: FontId| {
        let galley = painter.layout(text.to_owned(), font, colour, (r.width() - 12.0 * z).max(1.0));
        painter.with_clip_rect(r.intersect(painter.clip_rect())).galley(
            Pos2::new(r.min.x + 6.0 * z, r.min.y + top * z),
            galley,
            colour,
        );
    };
    match &item.kind {
        ItemKind::Note { text, colour, issue } => {
            painter.rect(r, 4.0 * z, note_fill(*colour), Stroke::new(1.0, Color32::from_black_alpha(60)), StrokeKind::Inside);
            text_in(text, 6.0, ink, font.clone());
            if let Some(key) = issue {
                chip(painter, r, z, issues.get(key), &key.to_string());
            }
        }
        ItemKind::Decision { question, options, chosen, issue } => {
            painter.rect(r, 12.0 * z, Color32::from_rgb(0xe6, 0xdc, 0xff), Stroke::new(1.5, Color32::from_rgb(0x6a, 0x4c, 0xc0)), StrokeKind::Inside);
            let mut text = format!("◆ {question}");
            for (i, o) in options.iter().enumerate() {
                let mark = if Some(i) == *chosen { "●" } else { "○" };
                text.push_str(&format!("\n{mark} {o}"));
            }
            text_in(&text, 6.0, ink, font.clone());
            if let Some(key) = issue {
                chip(painter, r, z, issues.get(key), &key.to_string());
            }
        }
        ItemKind::Text { text } => {
            text_in(text, 4.0, visuals.text_color(), FontId::proportional(15.0 * z));
        }
        ItemKind::Frame { title } => {
            painter.rect(r, 6.0 * z, visuals.faint_bg_color, Stroke::new(1.0, visuals.weak_text_color()), StrokeKind::Inside);
            text_in(title, 4.0, visuals.strong_text_color(), FontId::proportional(14.0 * z));
        }
        ItemKind::Connector { .. } => {}
    }
    if selected == Some(id) {
        painter.rect_stroke(r.expand(2.0), 4.0 * z, Stroke::new(2.0, visuals.selection.stroke.color), StrokeKind::Outside);
    }
}

/// The status chip at a note's bottom-left: the issue's key and status.
fn chip(painter: &egui::Painter, r: Rect, z: f32, issue: Option<&sr_model::IssueRef>, fallback: &str) {
    let (text, fill) = match issue {
        Some(i) => {
            let fill = match i.status.state {
                IssueState::Open => crate::ui::widgets::OPEN_COLOR,
                IssueState::InProgress => crate::ui::widgets::PROGRESS_COLOR,
                IssueState::Done => crate::ui::widgets::DONE_COLOR,
            };
            let mark = if i.status.state == IssueState::Done { "✔ " } else { "" };
            (format!("{mark}{} {}", i.display_key, i.status.name), fill)
        }
        None => (fallback.to_owned(), Color32::GRAY),
    };
    let galley = painter.layout_no_wrap(text, FontId::proportional(11.0 * z), Color32::WHITE);
    let size = galley.size() + egui::vec2(8.0 * z, 4.0 * z);
    let min = Pos2::new(r.min.x + 6.0 * z, r.max.y - size.y - 6.0 * z);
    let chip = Rect::from_min_size(min, size);
    painter.rect_filled(chip, 3.0 * z, fill);
    painter.galley(min + egui::vec2(4.0 * z, 2.0 * z), galley, Color32::WHITE);
}

fn draw_connectors(painter: &egui::Painter, visuals: &egui::Visuals, view: &View, board: &Board, selected: Option<ItemId>) {
    for item in &board.items {
        let ItemKind::Connector { from, to, label } = &item.kind else { continue };
        let (Some(a), Some(b)) = (board.item(*from), board.item(*to)) else { continue };
        let (ra, rb) = (view.rect(&a.bounds), view.rect(&b.bounds));
        let (start, end) = (edge_point(ra, rb.center()), edge_point(rb, ra.center()));
        let colour = if selected == Some(item.id) { visuals.selection.stroke.color } else { visuals.text_color() };
        let stroke = Stroke::new(if selected == Some(item.id) { 2.5 } else { 1.5 }, colour);
        painter.arrow(start, end - start, stroke);
        if !label.is_empty() {
            let mid = start + (end - start) / 2.0;
            painter.text(mid, Align2::CENTER_BOTTOM, label, FontId::proportional(12.0 * view.zoom), colour);
        }
    }
}

/// Where the line from `r`'s centre towards `target` leaves `r`.
fn edge_point(r: Rect, target: Pos2) -> Pos2 {
    let c = r.center();
    let d = target - c;
    if d.x == 0.0 && d.y == 0.0 {
        return c;
    }
    let sx = if d.x != 0.0 { (r.width() / 2.0) / d.x.abs() } else { f32::INFINITY };
    let sy = if d.y != 0.0 { (r.height() / 2.0) / d.y.abs() } else { f32::INFINITY };
    c + d * sx.min(sy).min(1.0)
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
        .interact(handle, ui.scope_id().with(("wb-resize", item.id)), Sense::drag())
        .on_hover_cursor(egui::CursorIcon::ResizeNwSe);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, "Resize"));
    ui.painter_at(clip).rect_filled(handle.shrink(2.0), 2.0, ui.visuals().selection.stroke.color);
    if response.drag_started() {
        w.drag = Some(Drag::Resize { id: item.id, start: item.bounds });
    }
    if response.dragged() {
        let d = response.drag_delta() / view.zoom;
        let b = item.bounds;
        let grown = Bounds { w: b.w + d.x, h: b.h + d.y, ..b };
        w.board.apply(Op::SetBounds { id: item.id, bounds: grown }).ok();
    }
    if response.drag_stopped()
        && let Some(Drag::Resize { id, start }) = w.drag.take()
        && let Some(now) = w.board.item(id).map(|i| i.bounds)
        && now != start
    {
        w.history.record(Op::SetBounds { id, bounds: now }, Op::SetBounds { id, bounds: start });
        w.touch();
    }
}
