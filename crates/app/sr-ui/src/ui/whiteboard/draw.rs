//! Drawing the whiteboard's items: notes in their colour with the status
//! chip of their issue, decisions with their options (the chosen one
//! filled), text, frames behind everything, and connectors as arrows from
//! edge to edge with their label.

use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke, StrokeKind};
use sr_model::IssueState;

use super::canvas::View;
use crate::model::board::{Board, ItemId, ItemKind, NoteColour};

fn note_fill(c: NoteColour) -> Color32 {
    match c {
        NoteColour::Yellow => Color32::from_rgb(0xff, 0xe8, 0x7c),
        NoteColour::Pink => Color32::from_rgb(0xff, 0xb3, 0xc8),
        NoteColour::Blue => Color32::from_rgb(0xa8, 0xd4, 0xff),
        NoteColour::Green => Color32::from_rgb(0xb8, 0xe9, 0xa6),
    }
}

pub(super) fn draw_item(
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
        let galley = painter.layout(
            text.to_owned(),
            font,
            colour,
            (r.width() - 12.0 * z).max(1.0),
        );
        painter
            .with_clip_rect(r.intersect(painter.clip_rect()))
            .galley(
                Pos2::new(r.min.x + 6.0 * z, r.min.y + top * z),
                galley,
                colour,
            );
    };
    match &item.kind {
        ItemKind::Note {
            text,
            colour,
            issue,
        } => {
            painter.rect(
                r,
                4.0 * z,
                note_fill(*colour),
                Stroke::new(1.0, Color32::from_black_alpha(60)),
                StrokeKind::Inside,
            );
            text_in(text, 6.0, ink, font.clone());
            if let Some(key) = issue {
                chip(painter, r, z, issues.get(key), &key.to_string());
            }
        }
        ItemKind::Decision {
            question,
            options,
            chosen,
            issue,
        } => {
            painter.rect(
                r,
                12.0 * z,
                Color32::from_rgb(0xe6, 0xdc, 0xff),
                Stroke::new(1.5, Color32::from_rgb(0x6a, 0x4c, 0xc0)),
                StrokeKind::Inside,
            );
            let mut text = format!("♦ {question}");
            for (i, o) in options.iter().enumerate() {
                let mark = if Some(i) == *chosen { "✔" } else { "○" };
                text.push_str(&format!("\n{mark} {o}"));
            }
            text_in(&text, 6.0, ink, font.clone());
            if let Some(key) = issue {
                chip(painter, r, z, issues.get(key), &key.to_string());
            }
        }
        ItemKind::Text { text } => {
            text_in(
                text,
                4.0,
                visuals.text_color(),
                FontId::proportional(15.0 * z),
            );
        }
        ItemKind::Frame { title } => {
            painter.rect(
                r,
                6.0 * z,
                visuals.faint_bg_color,
                Stroke::new(1.0, visuals.weak_text_color()),
                StrokeKind::Inside,
            );
            text_in(
                title,
                4.0,
                visuals.strong_text_color(),
                FontId::proportional(14.0 * z),
            );
        }
        ItemKind::Connector { .. } => {}
    }
    if selected == Some(id) {
        painter.rect_stroke(
            r.expand(2.0),
            4.0 * z,
            Stroke::new(2.0, visuals.selection.stroke.color),
            StrokeKind::Outside,
        );
    }
}

/// The status chip at a note's bottom-left: the issue's key and status.
fn chip(
    painter: &egui::Painter,
    r: Rect,
    z: f32,
    issue: Option<&sr_model::IssueRef>,
    fallback: &str,
) {
    let (text, fill) = match issue {
        Some(i) => {
            let fill = match i.status.state {
                IssueState::Open => crate::ui::widgets::OPEN_COLOR,
                IssueState::InProgress => crate::ui::widgets::PROGRESS_COLOR,
                IssueState::Done => crate::ui::widgets::DONE_COLOR,
            };
            let mark = if i.status.state == IssueState::Done {
                "✔ "
            } else {
                ""
            };
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

pub(super) fn draw_connectors(
    painter: &egui::Painter,
    visuals: &egui::Visuals,
    view: &View,
    board: &Board,
    selected: Option<ItemId>,
) {
    for item in &board.items {
        let ItemKind::Connector { from, to, label } = &item.kind else {
            continue;
        };
        let (Some(a), Some(b)) = (board.item(*from), board.item(*to)) else {
            continue;
        };
        let (ra, rb) = (view.rect(&a.bounds), view.rect(&b.bounds));
        let (start, end) = (edge_point(ra, rb.center()), edge_point(rb, ra.center()));
        let colour = if selected == Some(item.id) {
            visuals.selection.stroke.color
        } else {
            visuals.text_color()
        };
        let stroke = Stroke::new(if selected == Some(item.id) { 2.5 } else { 1.5 }, colour);
        painter.arrow(start, end - start, stroke);
        if !label.is_empty() {
            let mid = start + (end - start) / 2.0;
            painter.text(
                mid,
                Align2::CENTER_BOTTOM,
                label,
                FontId::proportional(12.0 * view.zoom),
                colour,
            );
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
    let sx = if d.x != 0.0 {
        (r.width() / 2.0) / d.x.abs()
    } else {
        f32::INFINITY
    };
    let sy = if d.y != 0.0 {
        (r.height() / 2.0) / d.y.abs()
    } else {
        f32::INFINITY
    };
    c + d * sx.min(sy).min(1.0)
}
