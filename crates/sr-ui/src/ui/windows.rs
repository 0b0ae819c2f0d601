//! The dialog on top, whichever it is, and the small ones: tracker
//! settings (a read-only list for now) and About.

use egui::{Grid, RichText};

use super::widgets::{empty_ui, error_ui};
use crate::state::{Dialog, JobKind, Load, UiState};

pub fn dialogs_ui(ctx: &egui::Context, state: &mut UiState) {
    match &state.dialog {
        None => {}
        Some(Dialog::CreateIssue(_)) => super::create::create_issue_ui(ctx, state),
        Some(Dialog::LinkIssue(_)) => super::link::link_issue_ui(ctx, state),
        Some(Dialog::Trackers) => trackers_ui(ctx, state),
        Some(Dialog::About) => about_ui(ctx, state),
    }
}

fn trackers_ui(ctx: &egui::Context, state: &mut UiState) {
    let mut open = true;
    egui::Window::new("Issue Tracker Settings")
        .open(&mut open)
        .collapsible(false)
        .default_width(560.0)
        .show(ctx, |ui| {
            match &state.trackers {
                Load::Ready(list) if list.is_empty() => empty_ui(ui, "No trackers are configured."),
                Load::Ready(list) => {
                    Grid::new("trackers").striped(true).num_columns(4).spacing([16.0, 6.0]).show(ui, |ui| {
                        for h in ["Name", "Type", "Points at", "Status"] {
                            ui.strong(h);
                        }
                        ui.end_row();
                        for t in list {
                            ui.label(&t.name);
                            ui.label(&t.kind);
                            ui.monospace(t.instance.as_deref().unwrap_or("—"));
                            match &t.problem {
                                None => ui.label("ready"),
                                Some(p) => error_ui(ui, p),
                            };
                            ui.end_row();
                        }
                    })
                    .response
                }
                Load::Failed(m) => error_ui(ui, m),
                _ => ui.spinner(),
            };
            ui.add_space(8.0);
            ui.label("Trackers are configured in:");
            ui.monospace(if state.trackers_file.is_empty() { "trackers.json" } else { &state.trackers_file });
            ui.weak("Adding, editing and testing trackers here comes next; edit the file and reload meanwhile.");
            ui.add_space(4.0);
            ui.horizontal(|ui| {
                let reloading = state.jobs.is_running(&JobKind::Trackers);
                if ui.add_enabled(!reloading, egui::Button::new("Reload trackers.json")).clicked() {
                    state.reload_trackers();
                }
                if reloading {
                    ui.spinner();
                }
            });
        });
    if !open {
        state.close_dialog();
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
