//! The issue template editor tab: the templates on the left, the chosen
//! one's text in the middle with its error inline, and on the right the
//! issue it renders for the template's sample event. Save is offered only
//! while the text checks; "Reset to built-in" deletes the override.

use egui::RichText;

use super::widgets::markdown_ui;
use super::widgets::{empty_ui, error_ui};
use crate::state::UiState;

pub fn templates_tab_ui(ui: &mut egui::Ui, state: &mut UiState) {
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(170.0);
            list_ui(ui, state);
        });
        ui.separator();
        ui.vertical(|ui| body_ui(ui, state));
    });
}

fn list_ui(ui: &mut egui::Ui, state: &mut UiState) {
    ui.strong("Templates");
    ui.add_space(4.0);
    let mut chosen = None;
    for name in sr_templates::builtin_names() {
        let selected = state.templates.selected.as_deref() == Some(name);
        if ui.selectable_label(selected, name).clicked() {
            chosen = Some(name);
        }
    }
    if let Some(name) = chosen {
        state.choose_template(name);
    }
}

fn body_ui(ui: &mut egui::Ui, state: &mut UiState) {
    let Some(name) = state.templates.selected.clone() else {
        empty_ui(
            ui,
            "Choose a template to edit your own version of it. Issues filed from it use your version.",
        );
        return;
    };
    let busy = state.template_busy();
    let mut save = false;
    let mut reset = false;
    ui.horizontal(|ui| {
        ui.heading(&name);
        let editor = &state.templates;
        let origin = if editor.overridden {
            format!("your CONFIG_DIR/templates/{name}.hbs")
        } else {
            "the built-in text".to_owned()
        };
        ui.weak(if editor.is_dirty() {
            format!("edited, from {origin}")
        } else {
            origin
        });
        if busy {
            ui.spinner();
        }
    });
    ui.horizontal(|ui| {
        let editor = &state.templates;
        let why_not = match editor.problem() {
            Some(_) => "Fix the error first",
            None if !editor.is_dirty() => "Nothing changed",
            None => "",
        };
        let button = ui.add_enabled(
            !busy && editor.can_save() && editor.is_dirty(),
            egui::Button::new("💾 Save"),
        );
        save = button.clicked();
        if !why_not.is_empty() {
            button.on_disabled_hover_text(why_not);
        }
        reset = ui
            .add_enabled(
                !busy && editor.overridden,
                egui::Button::new("Reset to built-in"),
            )
            .on_hover_text("Delete your version; the built-in template is used again")
            .clicked();
    });
    if let Some(e) = &state.templates.error {
        error_ui(ui, e);
    }
    ui.separator();
    if state.templates.stored.is_none() {
        ui.spinner();
        return;
    }
    ui.columns(2, |columns| {
        editor_ui(&mut columns[0], state);
        preview_ui(&mut columns[1], state);
    });
    if save {
        state.save_template();
    }
    if reset {
        state.reset_template();
    }
}

fn editor_ui(ui: &mut egui::Ui, state: &mut UiState) {
    let editor = &mut state.templates;
    match editor.problem() {
        Some(p) => {
            error_ui(ui, &p.headline());
            ui.add(egui::Label::new(RichText::new(&p.message).small().weak()).wrap());
        }
        None => {
            ui.label(
                RichText::new("✔ Checks against the sample event")
                    .color(super::widgets::DONE_COLOR),
            );
        }
    }
    let label = ui.label("Template text");
    egui::ScrollArea::vertical()
        .id_salt("template-text")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let response = ui
                .add(
                    egui::TextEdit::multiline(&mut editor.text)
                        .code_editor()
                        .desired_width(f32::INFINITY)
                        .desired_rows(30),
                )
                .labelled_by(label.id);
            if response.changed() {
                editor.recheck();
            }
        });
}

fn preview_ui(ui: &mut egui::Ui, state: &UiState) {
    ui.strong("Preview on the sample event");
    egui::ScrollArea::vertical()
        .id_salt("template-preview")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let editor = &state.templates;
            let issue = match &editor.check {
                Some(Ok(issue)) => Some(issue),
                Some(Err(_)) => {
                    empty_ui(
                        ui,
                        "The last version that checked; fix the error to update it.",
                    );
                    editor.last_good.as_ref()
                }
                None => None,
            };
            if let Some(issue) = issue {
                ui.label(RichText::new(&issue.title).heading().strong());
                ui.separator();
                markdown_ui(ui, &issue.body);
            }
        });
}
