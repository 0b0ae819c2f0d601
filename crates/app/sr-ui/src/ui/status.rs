//! The status bar: engine state, background jobs, the last error.

use egui::RichText;

use super::widgets::{DONE_COLOR, OPEN_COLOR};
use crate::state::{EngineStatus, Load, UiState};

pub fn status_bar_ui(ui: &mut egui::Ui, state: &mut UiState) {
    ui.horizontal(|ui| {
        match &state.engine {
            EngineStatus::Starting => {
                ui.spinner();
                ui.label("Starting engine…");
            }
            EngineStatus::Ready => {
                ui.label(RichText::new("✔").color(DONE_COLOR));
                ui.label("Engine ready");
            }
            EngineStatus::Fatal(message) => {
                let color = ui.visuals().error_fg_color;
                ui.label(RichText::new("⚠").color(color));
                ui.label(RichText::new(format!("Engine error: {message}")).color(color));
            }
        }
        ui.separator();
        let jobs = state.jobs.len();
        if jobs > 0 {
            ui.spinner();
            let list: Vec<&str> = state.jobs.iter().map(|j| j.context.as_str()).collect();
            let text = if jobs == 1 {
                "1 background job".to_owned()
            } else {
                format!("{jobs} background jobs")
            };
            ui.label(text).on_hover_text(list.join("\n"));
        } else {
            ui.weak("No background jobs");
        }
        ui.separator();
        match &state.trackers {
            Load::Ready(list) => {
                let usable = list.iter().filter(|t| t.problem.is_none()).count();
                let text = format!("Trackers: {usable} of {} ready", list.len());
                let problems: Vec<String> = list
                    .iter()
                    .filter_map(|t| t.problem.as_ref().map(|p| format!("{}: {p}", t.name)))
                    .collect();
                let label = if usable < list.len() {
                    ui.label(RichText::new(text).color(OPEN_COLOR))
                } else {
                    ui.label(text)
                };
                if !problems.is_empty() {
                    label.on_hover_text(problems.join("\n"));
                }
            }
            Load::Failed(m) => {
                ui.label(RichText::new("Trackers unavailable").color(ui.visuals().error_fg_color))
                    .on_hover_text(m);
            }
            _ => {
                ui.weak("Trackers: loading…");
            }
        }
        super::sync::sync_status_ui(ui, state);
        match &state.listener {
            Some(Ok(address)) => {
                ui.weak(format!("Listener: {address}"));
            }
            Some(Err(problem)) => {
                ui.label(RichText::new("Listener failed").color(ui.visuals().error_fg_color))
                    .on_hover_text(problem);
            }
            None => {
                ui.weak("Listener: off")
                    .on_hover_text("Start the workbench with --listen ADDR to receive webhooks");
            }
        }
        if let Some(error) = state.last_error.clone() {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.small_button("✖").on_hover_text("Dismiss").clicked() {
                    state.last_error = None;
                }
                let short: String = error.chars().take(90).collect();
                let short = if short.len() < error.len() {
                    format!("{short}…")
                } else {
                    short
                };
                ui.label(RichText::new(short).color(ui.visuals().error_fg_color))
                    .on_hover_text(error);
            });
        }
    });
}
