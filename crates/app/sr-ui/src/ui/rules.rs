//! The Auto-issue Rules tab: the rules on the left (on/off, name, event,
//! starter) with add, duplicate, delete and reorder; the selected rule's
//! form on the right, the condition's CEL error right under the field with
//! the names the event offers, "Try on the last event" and its preview,
//! and Save, which the engine checks like `rules check` (and refuses when
//! the file changed on disk since it was read: Reload is offered then).

use egui::{Grid, RichText};
use sr_model::EventKind;

use super::widgets::{empty_ui, error_ui};
use crate::state::{Load, UiState};

pub fn rules_tab_ui(ui: &mut egui::Ui, state: &mut UiState) {
    match &state.rules.saved {
        Load::Idle | Load::Loading => {
            ui.spinner();
            return;
        }
        Load::Failed(e) => {
            let e = e.clone();
            error_ui(ui, &e);
            return;
        }
        Load::Ready(_) => {}
    }
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(260.0);
            // Long names and paths are cut, not allowed to widen the list.
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
            list_ui(ui, state);
        });
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("rule-form")
            .auto_shrink([false, false])
            // The area inherits the row's layout; the form reads downwards.
            .show(ui, |ui| ui.vertical(|ui| form_ui(ui, state)));
    });
}

fn list_ui(ui: &mut egui::Ui, state: &mut UiState) {
    ui.strong("Auto-issue rules");
    ui.weak(&state.rules.file);
    ui.add_space(4.0);
    let mut chosen = None;
    for (i, rule) in state.rules.draft.iter().enumerate() {
        let name = rule.get("name").and_then(|v| v.as_str()).unwrap_or("-");
        let event = rule.get("event").and_then(|v| v.as_str()).unwrap_or("-");
        let on = rule
            .get("enabled")
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
        let starter = rule.get("starter").and_then(|v| v.as_bool()) == Some(true);
        let mut label = format!("{} {name}  ·  {event}", if on { "●" } else { "○" });
        if starter {
            label.push_str("  (starter)");
        }
        if ui
            .selectable_label(state.rules.selected == Some(i), label)
            .clicked()
        {
            chosen = Some(i);
        }
    }
    if let Some(i) = chosen {
        state.select_rule(i);
    }
    if state.rules.draft.is_empty() {
        ui.weak("No rules: nothing is filed automatically.");
    }
    ui.add_space(6.0);
    let has = state.rules.selected.is_some();
    ui.horizontal_wrapped(|ui| {
        if ui.button("Add").clicked() {
            state.add_rule();
        }
        if ui
            .add_enabled(has, egui::Button::new("Duplicate"))
            .clicked()
        {
            state.duplicate_rule();
        }
        if ui.add_enabled(has, egui::Button::new("Delete")).clicked() {
            state.delete_rule();
        }
        if ui
            .add_enabled(has, egui::Button::new("⬆"))
            .on_hover_text("Move up")
            .clicked()
        {
            state.move_rule(-1);
        }
        if ui
            .add_enabled(has, egui::Button::new("⬇"))
            .on_hover_text("Move down")
            .clicked()
        {
            state.move_rule(1);
        }
    });
}

/// A labelled single-line field; true when it changed.
fn field(ui: &mut egui::Ui, label: &str, value: &mut String) -> bool {
    let l = ui.label(label);
    let changed = ui
        .add(egui::TextEdit::singleline(value).desired_width(320.0))
        .labelled_by(l.id)
        .changed();
    ui.end_row();
    changed
}

/// A labelled choice among `options`; true when it changed.
fn choice(ui: &mut egui::Ui, label: &str, value: &mut String, options: &[String]) -> bool {
    let l = ui.label(label);
    let mut changed = false;
    let shown = if value.is_empty() {
        "(none)".to_owned()
    } else {
        value.clone()
    };
    egui::ComboBox::from_id_salt(label)
        .selected_text(shown)
        .width(320.0)
        .show_ui(ui, |ui| {
            for o in options {
                let shown = if o.is_empty() { "(none)" } else { o.as_str() };
                changed |= ui.selectable_value(value, o.clone(), shown).changed();
            }
        })
        .response
        .labelled_by(l.id);
    ui.end_row();
    changed
}

fn form_ui(ui: &mut egui::Ui, state: &mut UiState) {
    if state.rules.selected.is_none() {
        empty_ui(ui, "Choose a rule, or add one.");
        save_row(ui, state);
        return;
    }
    let mut changed = false;
    let events: Vec<String> = EventKind::ALL
        .iter()
        .map(|k| k.as_str().to_owned())
        .collect();
    let priorities: Vec<String> = ["", "P0", "P1", "P2", "P3", "P4"]
        .iter()
        .map(|p| (*p).to_owned())
        .collect();
    let trackers = state.rules.trackers.clone();
    let templates = state.rules.templates.clone();
    let r = &mut state.rules;
    if r.form.starter {
        ui.weak(
            "A starter rule: it files only for connections whose monitoring of its kind is on.",
        );
    }
    Grid::new("rule-fields")
        .num_columns(2)
        .spacing([8.0, 6.0])
        .show(ui, |ui| {
            changed |= field(ui, "Name", &mut r.form.name);
            changed |= choice(ui, "Event", &mut r.form.event, &events);
            let l = ui.label("Condition");
            ui.vertical(|ui| {
                ui.set_max_width(320.0);
                changed |= ui
                    .add(
                        egui::TextEdit::multiline(&mut r.form.condition)
                            .desired_rows(2)
                            .desired_width(320.0)
                            .code_editor()
                            .hint_text("every event of this kind"),
                    )
                    .labelled_by(l.id)
                    .changed();
                if let Some(e) = &r.condition_error {
                    ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
                }
                if !r.names.is_empty() {
                    ui.weak(format!(
                        "Names for {}: {}",
                        r.form.event,
                        r.names.join(", ")
                    ))
                    .on_hover_text("What a condition may read, e.g. drift.severity == 'high'");
                }
            });
            ui.end_row();
            changed |= choice(ui, "Tracker", &mut r.form.tracker, &trackers);
            changed |= choice(ui, "Template", &mut r.form.template, &templates);
            changed |= choice(ui, "Priority", &mut r.form.priority, &priorities);
            changed |= field(ui, "Labels", &mut r.form.labels);
            changed |= field(ui, "Assignee", &mut r.form.assignee);
            ui.label("");
            ui.horizontal(|ui| {
                changed |= ui.checkbox(&mut r.form.enabled, "Enabled").changed();
                changed |= ui
                    .checkbox(&mut r.form.close_on_resolve, "Close when resolved")
                    .changed();
            });
            ui.end_row();
            changed |= field(ui, "Reopen window (hours)", &mut r.form.reopen_window_hours);
            changed |= field(ui, "Most new issues per hour", &mut r.form.max_per_hour);
        });
    if changed {
        state.rule_form_changed();
    }
    ui.add_space(6.0);
    save_row(ui, state);
    tried_ui(ui, state);
}

fn save_row(ui: &mut egui::Ui, state: &mut UiState) {
    let r = &state.rules;
    let valid = r.condition_error.is_none();
    let can_try = r.selected.is_some() && valid;
    let can_save = r.dirty() && valid && !r.saving;
    let mut try_it = false;
    let mut save = false;
    ui.horizontal(|ui| {
        try_it = ui
            .add_enabled(can_try, egui::Button::new("Try on the last event"))
            .clicked();
        save = ui
            .add_enabled(can_save, egui::Button::new("Save"))
            .clicked();
        if r.dirty() {
            ui.weak("unsaved changes");
        }
    });
    if let Some(e) = &state.rules.error {
        let e = e.clone();
        error_ui(ui, &e);
    }
    let mut reload = false;
    if state.rules.conflict {
        ui.horizontal(|ui| {
            reload = ui
                .button("Reload")
                .on_hover_text("Read the rules file as it is now; your unsaved edits are dropped")
                .clicked();
            ui.weak("Your edits are kept until you reload.");
        });
    }
    if reload {
        state.reload_rules();
    }
    if try_it {
        state.try_rule();
    }
    if save {
        state.save_rules();
    }
}

fn tried_ui(ui: &mut egui::Ui, state: &UiState) {
    let Some(t) = &state.rules.tried else {
        return;
    };
    ui.separator();
    let on = if t.last {
        format!(
            "the last {} event on {}",
            t.event.event.as_str(),
            t.event.connection
        )
    } else {
        format!(
            "the example {} event (none happened yet)",
            t.event.event.as_str()
        )
    };
    let p = &t.preview;
    match (&p.error, p.matched) {
        (Some(e), _) => {
            error_ui(ui, &format!("On {on}: {e}"));
        }
        (None, false) => {
            ui.label(format!("Does not match {on}."));
        }
        (None, true) => {
            ui.label(RichText::new(format!("Matches {on}.")).strong());
            if let Some(title) = &p.title {
                ui.label(format!("Would file on {}: {title}", p.tracker));
                if !p.labels.is_empty() {
                    ui.weak(format!("labels: {}", p.labels.join(", ")));
                }
            } else {
                ui.label("Would comment on (and may close) the alert's issue.");
            }
        }
    }
}
