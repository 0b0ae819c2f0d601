//! File → Export…: links, cached issues or the audit log as CSV, JSON or
//! a workbook, for every connection or one, to a file. The engine writes
//! it; the dialog shows a spinner until it answers.

use egui::Modal;
use sr_engine::export::{ExportFormat, ExportKind};

use super::widgets::error_ui;
use crate::state::{Dialog, UiState};

pub fn export_ui(ctx: &egui::Context, state: &mut UiState) {
    let connections: Vec<String> = state
        .connections
        .iter()
        .map(|c| c.info.name.clone())
        .collect();
    let Some(Dialog::Export(d)) = &mut state.dialog else {
        return;
    };
    let mut export = false;
    let mut cancel = false;
    Modal::new(egui::Id::unique("export-dialog")).show(ctx, |ui| {
        ui.set_width(520.0);
        ui.heading("Export links, issues or the audit log");
        ui.separator();
        egui::Grid::new("export-fields")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                ui.label("What");
                ui.horizontal(|ui| {
                    for kind in ExportKind::ALL {
                        let label = match kind {
                            ExportKind::Links => "Links",
                            ExportKind::Issues => "Issues",
                            ExportKind::Audit => "Audit log",
                            ExportKind::Traceability => "Traceability",
                        };
                        if ui.radio(d.kind == kind, label).clicked() {
                            d.set_kind(kind);
                        }
                    }
                });
                ui.end_row();
                ui.label("Format");
                ui.horizontal(|ui| {
                    for format in ExportFormat::ALL {
                        let label = match format {
                            ExportFormat::Csv => "CSV",
                            ExportFormat::Json => "JSON",
                            ExportFormat::Xlsx => "Excel (.xlsx)",
                        };
                        if ui.radio(d.format == format, label).clicked() {
                            d.set_format(format);
                        }
                    }
                });
                ui.end_row();
                let label = ui.label("Connection");
                egui::ComboBox::from_id_salt("export-connection")
                    .selected_text(d.connection.as_deref().unwrap_or("All connections"))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut d.connection, None, "All connections");
                        for name in &connections {
                            ui.selectable_value(&mut d.connection, Some(name.clone()), name);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("File");
                ui.add(egui::TextEdit::singleline(&mut d.path).desired_width(380.0))
                    .labelled_by(label.id);
                ui.end_row();
            });
        if let Some(error) = &d.error {
            error_ui(ui, error);
        }
        ui.separator();
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if d.pending {
                ui.add_enabled(false, egui::Button::new("Exporting…"));
                ui.spinner();
            } else if ui.button("Export").clicked() {
                export = true;
            }
            if ui.button("Cancel").clicked() {
                cancel = true;
            }
        });
    });
    if cancel {
        state.close_dialog();
    } else if export {
        state.submit_export();
    }
}
