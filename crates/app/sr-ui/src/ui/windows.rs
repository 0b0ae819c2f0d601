//! The dialog on top, whichever it is, and the small one: About.

use egui::RichText;

use crate::state::{Dialog, UiState};

pub fn dialogs_ui(ctx: &egui::Context, state: &mut UiState) {
    match &state.dialog {
        None => {}
        Some(Dialog::CreateIssue(_)) => super::create::create_issue_ui(ctx, state),
        Some(Dialog::LinkIssue(_)) => super::link::link_issue_ui(ctx, state),
        Some(Dialog::Trackers(_)) => super::settings::tracker_settings_ui(ctx, state),
        Some(Dialog::Channels(_)) => super::channels::channel_settings_ui(ctx, state),
        Some(Dialog::Connection(_)) => super::connection_dialog::connection_dialog_ui(ctx, state),
        Some(Dialog::RemoveConnection(_)) => {
            super::connection_dialog::confirm_remove_ui(ctx, state)
        }
        Some(Dialog::Export(_)) => super::export::export_ui(ctx, state),
        Some(Dialog::About) => about_ui(ctx, state),
    }
}

fn about_ui(ctx: &egui::Context, state: &mut UiState) {
    let mut open = true;
    egui::Window::new("About ScratchRobin")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            ui.label(
                RichText::new(format!("ScratchRobin {}", env!("CARGO_PKG_VERSION"))).heading(),
            );
            ui.label("A database workbench that links database objects to issue-tracker issues.");
            ui.weak("Licensed under Apache-2.0 or MIT.");
        });
    if !open {
        state.close_dialog();
    }
}
