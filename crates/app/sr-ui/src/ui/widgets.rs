//! Small shared pieces: issue badges, status chips, object icons, the
//! way errors and empty states are shown, relative times and the plain
//! Markdown rendering of issue texts.

use chrono::{DateTime, Utc};
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

/// Red for production, on connection nodes and tabs.
pub const PRODUCTION_COLOR: Color32 = Color32::from_rgb(0xc6, 0x28, 0x28);
/// Amber for staging.
pub const STAGING_COLOR: Color32 = Color32::from_rgb(0xf2, 0xa9, 0x00);

/// A connection's environment label as a coloured tag: production red,
/// staging amber, anything else neutral.
pub fn environment_tag_ui(ui: &mut egui::Ui, label: &str) -> egui::Response {
    use crate::model::connection_url::{Tone, environment_tone};
    let (fill, text) = match environment_tone(label) {
        Tone::Danger => (PRODUCTION_COLOR, Color32::WHITE),
        Tone::Caution => (STAGING_COLOR, Color32::BLACK),
        Tone::Neutral => (
            ui.visuals().widgets.inactive.bg_fill,
            ui.visuals().text_color(),
        ),
    };
    let response = ui.label(
        RichText::new(format!(" {label} "))
            .small()
            .strong()
            .color(text)
            .background_color(fill),
    );
    let spoken = format!("environment {label}");
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &spoken));
    response
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

/// A time as "just now", "5 min ago", "3 h ago" or its date.
pub fn ago(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - at).num_seconds();
    match secs {
        s if s < 60 => "just now".into(),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        _ => at.format("%Y-%m-%d").to_string(),
    }
}

/// The description's Markdown as the trackers will show it: CommonMark
/// with tables, links, inline marks and numbered lists (egui_commonmark).
/// Its cache (heading anchors, link hovers) lives in the context's memory.
pub fn markdown_ui(ui: &mut egui::Ui, text: &str) {
    type Cache = std::sync::Arc<std::sync::Mutex<egui_commonmark::CommonMarkCache>>;
    let cache: Cache = ui.ctx().data_mut(|d| {
        d.get_temp_mut_or_default::<Cache>(egui::Id::unique("markdown_cache"))
            .clone()
    });
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    egui_commonmark::CommonMarkViewer::new().show(ui, &mut cache, text);
}
