//! Small shared pieces: issue badges, status chips, object icons, and the
//! way errors and empty states are shown.

use egui::{Color32, RichText};
use sr_model::{IssueState, IssueStatus, ObjectKind};

use crate::state::Badge;

/// Orange for "has open issues", the same in both themes.
pub const OPEN_COLOR: Color32 = Color32::from_rgb(0xd9, 0x7a, 0x1f);
pub const DONE_COLOR: Color32 = Color32::from_rgb(0x4a, 0x9a, 0x5a);
pub const PROGRESS_COLOR: Color32 = Color32::from_rgb(0x3a, 0x7b, 0xd5);

/// The issue count on an explorer row: orange while any issue is open,
/// grey when all are done.
pub fn badge_ui(ui: &mut egui::Ui, badge: Badge) -> egui::Response {
    let (fill, text) = if badge.open > 0 {
        (OPEN_COLOR, format!(" {} ", badge.total))
    } else {
        (
            ui.visuals().widgets.inactive.bg_fill,
            format!(" ✔{} ", badge.total),
        )
    };
    let text_color = if badge.open > 0 {
        Color32::WHITE
    } else {
        ui.visuals().weak_text_color()
    };
    let hover = match (badge.total, badge.open) {
        (1, 1) => "1 linked issue, open".to_owned(),
        (1, _) => "1 linked issue, done".to_owned(),
        (t, o) => format!("{t} linked issues, {o} open"),
    };
    let response = ui.label(
        RichText::new(text)
            .small()
            .color(text_color)
            .background_color(fill),
    );
    // Screen readers (and tests) read the sentence, not the bare number.
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &hover));
    response.on_hover_text(hover)
}

/// An issue's status as a coloured chip.
pub fn status_chip_ui(ui: &mut egui::Ui, status: &IssueStatus) -> egui::Response {
    let color = match status.state {
        IssueState::Open => OPEN_COLOR,
        IssueState::InProgress => PROGRESS_COLOR,
        IssueState::Done => DONE_COLOR,
    };
    let mut text = status.name.clone();
    if let Some(r) = &status.resolution {
        text = format!("{text} ({r})");
    }
    ui.label(
        RichText::new(format!(" {text} "))
            .small()
            .color(Color32::WHITE)
            .background_color(color),
    )
}

/// An icon per object kind, from egui's built-in fonts.
pub fn kind_icon(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Table => "⊞",
        ObjectKind::View | ObjectKind::MaterializedView => "👁",
        ObjectKind::Index => "⚑",
        ObjectKind::Trigger => "⚡",
        ObjectKind::Sequence => "#",
        ObjectKind::Procedure | ObjectKind::Function => "ƒ",
        ObjectKind::Schema => "🗀",
        _ => "•",
    }
}

/// A failure, in the error colour, wrapping.
pub fn error_ui(ui: &mut egui::Ui, text: &str) -> egui::Response {
    let color = ui.visuals().error_fg_color;
    ui.add(egui::Label::new(RichText::new(text).color(color)).wrap())
}

/// An explanation where there is nothing to show.
pub fn empty_ui(ui: &mut egui::Ui, text: &str) -> egui::Response {
    ui.add(egui::Label::new(RichText::new(text).weak().italics()).wrap())
}
