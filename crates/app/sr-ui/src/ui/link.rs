//! "Link Existing Issue…": choose a tracker, search by keyword or load
//! recent issues, pick one, Link.

use egui::Modal;

use super::widgets::{empty_ui, error_ui, status_chip_ui};
use crate::state::{Dialog, UiState};

pub fn link_issue_ui(ctx: &egui::Context, state: &mut UiState) {
    let trackers: Vec<(String, String)> = state
        .usable_trackers()
        .iter()
        .map(|t| (t.name.clone(), t.kind.clone()))
        .collect();
    let Some(Dialog::LinkIssue(d)) = &mut state.dialog else {
        return;
    };
    let mut search = None;
    let mut link = false;
    let mut cancel = false;
    Modal::new(egui::Id::unique("link-issue")).show(ctx, |ui| {
        ui.set_width(620.0);
        ui.heading("Link Existing Issue");
        ui.weak(format!(
            "To {} {}.{} in {}",
            d.object.kind.label(),
            d.object.schema,
            d.object.name,
            d.object.connection
        ));
        ui.separator();
        ui.horizontal(|ui| {
            let label = ui.label("Tracker");
            if trackers.is_empty() {
                error_ui(
                    ui,
                    "No tracker is ready; see Tools > Issue Tracker Settings.",
                );
            } else {
                egui::ComboBox::from_id_salt("link-tracker")
                    .selected_text(&d.tracker)
                    .show_ui(ui, |ui| {
                        for (name, kind) in &trackers {
                            ui.selectable_value(
                                &mut d.tracker,
                                name.clone(),
                                format!("{name} ({kind})"),
                            );
                        }
                    })
                    .response
                    .labelled_by(label.id);
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("Keyword");
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut d.query)
                        .hint_text("Search by keyword")
                        .desired_width(300.0),
                )
                .labelled_by(label.id);
            if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                search = Some(false);
            }
            if ui.button("Search").clicked() {
                search = Some(false);
            }
            if ui.button("Load recent").clicked() {
                search = Some(true);
            }
            if d.searching.is_some() {
                ui.spinner();
            }
        });
        ui.separator();
        egui::ScrollArea::vertical()
            .max_height(320.0)
            .id_salt("link-results")
            .show(ui, |ui| {
                // A steady size, so the dialog does not jump when results come.
                ui.set_width(ui.available_width());
                ui.set_min_height(200.0);
                match &d.results {
                    None => {
                        empty_ui(ui, "Search by keyword, or load the most recent issues.");
                    }
                    Some(results) if results.is_empty() => {
                        let text = if d.query.trim().is_empty() {
                            format!("{} has no issues yet.", d.tracker)
                        } else {
                            format!("No issue in {} matches “{}”.", d.tracker, d.query.trim())
                        };
                        empty_ui(ui, &text);
                    }
                    Some(results) => {
                        for issue in results {
                            let r = &issue.reference;
                            let chosen = d.chosen.as_ref() == Some(&r.key);
                            ui.horizontal(|ui| {
                                let row = ui.selectable_label(
                                    chosen,
                                    format!("{}  {}", r.display_key, r.title),
                                );
                                status_chip_ui(ui, &r.status);
                                if row.clicked() {
                                    d.chosen = Some(r.key.clone());
                                }
                                if row.double_clicked() {
                                    d.chosen = Some(r.key.clone());
                                    link = true;
                                }
                            });
                        }
                    }
                }
            });
        if let Some(error) = &d.error {
            error_ui(ui, error);
        }
        ui.separator();
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if d.linking.is_some() {
                ui.add_enabled(false, egui::Button::new("Linking…"));
                ui.spinner();
            } else if ui
                .add_enabled(d.chosen.is_some(), egui::Button::new("Link"))
                .clicked()
            {
                link = true;
            }
            if ui.button("Cancel").clicked() {
                cancel = true;
            }
        });
    });
    if cancel {
        state.close_dialog();
    } else if let Some(recent) = search {
        state.search(recent);
    } else if link {
        state.link_chosen();
    }
}
