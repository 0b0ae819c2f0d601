//! The drift section: save a baseline, check against it, and the result
//! side by side (expected beside actual, differing lines marked), then
//! the migration and rollback SQL with Copy buttons.

use egui::{CollapsingHeader, Color32, Grid, RichText};

use super::{action_button, code_ui, error_ui, running};
use crate::state::{DiffLine, DriftObjectView, Load, UiState};
use crate::ui::widgets::{DONE_COLOR, OPEN_COLOR, empty_ui};

const REMOVED: Color32 = Color32::from_rgb(0xc6, 0x28, 0x28);

pub fn drift_ui(ui: &mut egui::Ui, state: &mut UiState, connection: &str) {
    let saving = running(state, &format!("baseline:{connection}"));
    let checking = running(state, &format!("drift:{connection}"));
    let (mut save, mut check) = (false, false);
    ui.horizontal(|ui| {
        save = action_button(
            ui,
            "Save baseline",
            saving,
            "Snapshot the schema as it is now; drift is measured against it",
        );
        check = action_button(
            ui,
            "Check drift",
            checking,
            "Compare the live schema with the saved baseline",
        );
    });
    if save {
        state.save_baseline(connection);
    }
    if check {
        state.check_drift(connection);
    }
    let Some(m) = state.monitoring.of(connection) else {
        return;
    };
    match &m.baseline {
        Load::Ready(text) => {
            ui.weak(text);
        }
        Load::Failed(e) => {
            error_ui(ui, e);
        }
        _ => {}
    }
    let report = match &m.drift {
        Load::Ready(r) => r,
        Load::Failed(e) => {
            error_ui(ui, e);
            return;
        }
        Load::Loading => {
            empty_ui(ui, "Checking…");
            return;
        }
        Load::Idle => {
            empty_ui(
                ui,
                "Save a baseline while the schema is as it should be, then check for drift.",
            );
            return;
        }
    };
    if !report.report.drifted {
        let report = &report.report;
        ui.colored_label(
            DONE_COLOR,
            format!(
                "No drift: the database matches the {}.",
                report.expected_source
            ),
        );
        ui.weak(format!("Checked at {}", report.detected_at));
        return;
    }
    let (added, removed, changed) = report.report.differences.counts();
    ui.colored_label(
        OPEN_COLOR,
        format!(
            "Drift: {added} added, {removed} missing, {changed} changed against the {}",
            report.report.expected_source
        ),
    );
    ui.weak(format!("Detected at {}", report.report.detected_at));
    let check = report.clone();
    let report = &report.report;
    let mut file = None;
    for view in &m.drift_view {
        if object_ui(ui, view) {
            file = Some(view.key.clone());
        }
    }
    sql_ui(
        ui,
        ("Migration", "back to the baseline"),
        &report.migration_sql,
        report.migration_destructive,
    );
    sql_ui(
        ui,
        ("Rollback", "undoes the migration"),
        &report.rollback_sql,
        false,
    );
    if let Some(object) = file {
        state.file_issue_for(sr_engine::Alert::Drift { check, object });
    }
}

/// One drifted object; true when "File issue…" was pressed for it.
fn object_ui(ui: &mut egui::Ui, view: &DriftObjectView) -> bool {
    let mut file = false;
    let mut title = RichText::new(format!("{} — {}", view.key, view.what)).strong();
    if view.destructive {
        title = RichText::new(format!("⚠ {} — {} — destructive", view.key, view.what))
            .strong()
            .color(REMOVED);
    }
    CollapsingHeader::new(title)
        .id_salt(("drift-object", &view.key))
        .default_open(true)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                file = super::file_issue_button(ui);
                if view.destructive {
                    ui.weak("Going back to the baseline can lose data in this object.");
                }
            });
            // Wide definitions scroll sideways rather than clip the actual side.
            egui::ScrollArea::horizontal()
                .id_salt(("drift-diff-scroll", &view.key))
                .show(ui, |ui| diff_grid_ui(ui, view));
        });
    file
}

fn diff_grid_ui(ui: &mut egui::Ui, view: &DriftObjectView) {
    Grid::new(("drift-diff", &view.key))
        .num_columns(2)
        .striped(true)
        .spacing([24.0, 2.0])
        .show(ui, |ui| {
            ui.strong("Expected (baseline)");
            ui.strong("Actual (database)");
            ui.end_row();
            let rows = view.expected.len().max(view.actual.len());
            for i in 0..rows {
                line_ui(ui, view.expected.get(i), "−", REMOVED);
                line_ui(ui, view.actual.get(i), "+", DONE_COLOR);
                ui.end_row();
            }
        });
}

fn line_ui(ui: &mut egui::Ui, line: Option<&DiffLine>, mark: &str, color: Color32) {
    match line {
        Some(l) if l.changed => {
            ui.label(
                RichText::new(format!("{mark} {}", l.text))
                    .monospace()
                    .color(color),
            );
        }
        Some(l) => {
            ui.label(RichText::new(format!("  {}", l.text)).monospace());
        }
        None => {
            ui.label("");
        }
    }
}

/// `(name, what it does)`: "Migration", "back to the baseline".
fn sql_ui(ui: &mut egui::Ui, (name, what): (&str, &str), sql: &str, destructive: bool) {
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.strong(format!("{name} ({what})"));
        if destructive {
            ui.colored_label(REMOVED, "destructive: review before running");
        }
        if ui
            .small_button(format!("Copy {}", name.to_lowercase()))
            .on_hover_text(format!("Copy the {} SQL", name.to_lowercase()))
            .clicked()
        {
            ui.ctx().copy_text(sql.to_owned());
        }
    });
    code_ui(ui, sql.trim_end(), ("drift-sql", name));
}
