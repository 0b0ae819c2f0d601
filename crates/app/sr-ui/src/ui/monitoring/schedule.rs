//! The schedule section: which checks run on this connection and how
//! often (drift, health, tracked queries; the backup file the health
//! check watches), what runs now and whether the drift check has its
//! baseline. Save writes monitoring.json and the scheduler follows at once.

use egui::{Grid, RichText};

use super::{error_ui, running};
use crate::state::{Check, Load, MAX_MINUTES, UiState, schedule_summary};

pub fn schedule_ui(ui: &mut egui::Ui, state: &mut UiState, connection: &str) {
    let busy = running(state, &format!("settings:{connection}"));
    let changed = state.schedule_changed(connection);
    let Some(m) = state.monitoring.connections.get_mut(connection) else {
        return;
    };
    let running_now = match &m.settings {
        Load::Ready(s) => s.clone(),
        Load::Failed(e) => {
            error_ui(ui, e);
            return;
        }
        Load::Idle | Load::Loading => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak("Loading the schedule…");
            });
            return;
        }
    };
    ui.label(RichText::new(schedule_summary(&running_now, m.baseline_saved)).strong());
    match m.baseline_saved {
        Some(at) => ui.weak(format!(
            "Drift baseline saved {}.",
            at.format("%Y-%m-%d %H:%M UTC")
        )),
        None => ui.weak("No drift baseline saved yet."),
    };
    let Some(form) = m.schedule.as_mut() else {
        return;
    };
    Grid::new(("schedule", connection))
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            check_row(ui, "Drift checks", &mut form.drift);
            check_row(ui, "Health checks", &mut form.health);
            check_row(ui, "Tracked queries", &mut form.perf);
            let l = ui.label("Backup file");
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut form.backup_file)
                        .hint_text("a file your backup job touches")
                        .desired_width(260.0),
                )
                .labelled_by(l.id);
                ui.label("fails when older than");
                ui.add(
                    egui::DragValue::new(&mut form.backup_max_age_hours)
                        .range(1..=24 * 90)
                        .suffix(" h"),
                );
            });
            ui.end_row();
        });
    let error = m.schedule_error.clone();
    let mut save = false;
    ui.horizontal(|ui| {
        save = ui
            .add_enabled(changed && !busy, egui::Button::new("Save schedule"))
            .on_hover_text(
                "Write monitoring.json; the scheduler starts, stops or re-times the checks at once",
            )
            .clicked();
        if busy {
            ui.spinner();
        } else if changed {
            ui.weak("Unsaved changes");
        }
    });
    if let Some(e) = error {
        error_ui(ui, &e);
    }
    if save {
        state.save_schedule(connection);
    }
}

fn check_row(ui: &mut egui::Ui, label: &str, check: &mut Check) {
    ui.checkbox(&mut check.on, label);
    ui.add_enabled_ui(check.on, |ui| {
        ui.horizontal(|ui| {
            ui.label("every");
            ui.add(
                egui::DragValue::new(&mut check.minutes)
                    .range(1..=MAX_MINUTES)
                    .suffix(" min"),
            );
        });
    });
    ui.end_row();
}
