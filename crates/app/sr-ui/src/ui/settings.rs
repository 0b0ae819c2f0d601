//! Settings → Issue trackers: the list, the add/edit form built from the
//! provider type's fields (every type in the registry), Test connection
//! with a spinner and the adapter's diagnosis, Remove with confirmation,
//! and Save.

use egui::{Grid, Modal, RichText};
use sr_tracker::ProviderInfo;

use super::settings_secrets::{SecretAction, StoreView, secret_store_ui, unlock_prompt_ui};
use super::widgets::{empty_ui, error_ui};
use crate::state::{Dialog, Load, SecretStore, TrackerForm, TrackerSettingsDialog, UiState};

/// What the user asked for this frame; applied after drawing.
enum Action {
    Add(String),
    Edit(usize),
    Remove(usize, bool),
    CancelRemove,
    Apply,
    CancelForm,
    Json(bool),
    Test,
    Save,
    Close,
    Unlock,
}

pub fn tracker_settings_ui(ctx: &egui::Context, state: &mut UiState) {
    let statuses = state.trackers.ready().cloned().unwrap_or_default();
    let file = state.trackers_file_label();
    let Some(Dialog::Trackers(d)) = &mut state.dialog else {
        return;
    };
    let mut actions = Vec::new();
    let mut open = true;
    egui::Window::new("Issue Tracker Settings")
        .open(&mut open)
        .collapsible(false)
        .default_width(640.0)
        // Below the menu bar, over the detail tab.
        .default_pos(egui::pos2(300.0, 48.0))
        .show(ctx, |ui| {
            let providers = match &d.providers {
                Load::Ready(p) => p.clone(),
                Load::Failed(m) => {
                    error_ui(ui, m);
                    return;
                }
                _ => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Loading tracker settings…");
                    });
                    return;
                }
            };
            let view = StoreView::of(d);
            let mut secret_actions = Vec::new();
            unlock_prompt_ui(ui, &view, &mut d.passphrase, &mut secret_actions);
            list_ui(ui, d, &statuses, &providers, &mut actions);
            ui.separator();
            match &mut d.form {
                Some(form) => {
                    form_ui(ui, form, &providers, &mut actions);
                    secret_store_ui(
                        ui,
                        &mut form.store,
                        &view,
                        &mut d.passphrase,
                        &mut secret_actions,
                    );
                    form_buttons_ui(ui, form, &mut actions);
                }
                None => {
                    ui.horizontal(|ui| {
                        ui.label("Add a tracker:");
                        for p in &providers {
                            if ui.button(format!("➕ {}", p.display_name)).clicked() {
                                actions.push(Action::Add(p.kind.to_owned()));
                            }
                        }
                    });
                }
            }
            actions.extend(secret_actions.into_iter().map(|a| match a {
                SecretAction::Unlock => Action::Unlock,
            }));
            ui.separator();
            if let Some(e) = &d.error {
                error_ui(ui, e);
            }
            ui.horizontal(|ui| {
                let saving = d.saving.is_some();
                let save = egui::Button::new("Save");
                if ui
                    .add_enabled(d.dirty && !saving && d.form.is_none(), save)
                    .on_hover_text(format!("Write {file}; tokens go to the keyring"))
                    .clicked()
                {
                    actions.push(Action::Save);
                }
                if saving {
                    ui.spinner();
                }
                if ui.button("Close").clicked() {
                    actions.push(Action::Close);
                }
                if d.dirty {
                    ui.weak("Unsaved changes");
                }
            });
            ui.weak(format!("Trackers are kept in {file}."));
        });
    if let Some(i) = d.confirm_remove {
        confirm_remove_ui(ctx, d, i, &mut actions);
    }
    if !open {
        actions.push(Action::Close);
    }
    for action in actions {
        match action {
            Action::Add(kind) => state.settings_add(&kind),
            Action::Edit(i) => state.settings_edit(i),
            Action::Remove(i, confirmed) => state.settings_remove(i, confirmed),
            Action::CancelRemove => {
                if let Some(Dialog::Trackers(d)) = &mut state.dialog {
                    d.confirm_remove = None;
                }
            }
            Action::Apply => state.settings_apply_form(),
            Action::Json(on) => state.settings_json_mode(on),
            Action::CancelForm => {
                if let Some(Dialog::Trackers(d)) = &mut state.dialog {
                    d.form = None;
                }
            }
            Action::Test => state.settings_test(),
            Action::Save => state.settings_save(),
            Action::Close => state.close_dialog(),
            Action::Unlock => state.settings_unlock(),
        }
    }
}

fn list_ui(
    ui: &mut egui::Ui,
    d: &TrackerSettingsDialog,
    statuses: &[sr_engine::TrackerStatus],
    providers: &[ProviderInfo],
    actions: &mut Vec<Action>,
) {
    if d.entries.is_empty() {
        empty_ui(ui, "No trackers are configured; add one below.");
        return;
    }
    Grid::new("tracker-list")
        .striped(true)
        .num_columns(4)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            for h in ["Name", "Type", "Status", ""] {
                ui.strong(h);
            }
            ui.end_row();
            for (i, e) in d.entries.iter().enumerate() {
                ui.label(&e.name);
                let kind = providers
                    .iter()
                    .find(|p| p.kind == e.kind)
                    .map_or(e.kind.as_str(), |p| p.display_name);
                ui.label(kind);
                match statuses.iter().find(|s| s.name == e.name) {
                    _ if d.dirty => ui.weak("not saved yet"),
                    Some(s) => match &s.problem {
                        None => ui.label("ready"),
                        Some(p) => error_ui(ui, p),
                    },
                    None => ui.weak("—"),
                };
                ui.horizontal(|ui| {
                    if ui.button(format!("Edit {}", e.name)).clicked() {
                        actions.push(Action::Edit(i));
                    }
                    if ui.button(format!("Remove {}", e.name)).clicked() {
                        actions.push(Action::Remove(i, false));
                    }
                });
                ui.end_row();
            }
        });
}

fn form_ui(
    ui: &mut egui::Ui,
    form: &mut TrackerForm,
    providers: &[ProviderInfo],
    actions: &mut Vec<Action>,
) {
    ui.strong(if form.editing.is_some() {
        "Edit tracker"
    } else {
        "New tracker"
    });
    let Some(provider) = providers.iter().find(|p| p.kind == form.kind) else {
        error_ui(
            ui,
            &format!("This build has no tracker type `{}`.", form.kind),
        );
        return;
    };
    Grid::new("tracker-form")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let label = ui.label("Provider");
            if form.editing.is_some() {
                ui.label(provider.display_name);
            } else {
                egui::ComboBox::from_id_salt("tracker-provider")
                    .selected_text(provider.display_name)
                    .show_ui(ui, |ui| {
                        for p in providers {
                            ui.selectable_value(&mut form.kind, p.kind.to_owned(), p.display_name);
                        }
                    })
                    .response
                    .labelled_by(label.id);
            }
            ui.end_row();
            let label = ui.label("Name");
            ui.add(
                egui::TextEdit::singleline(&mut form.name)
                    .hint_text("How the tracker is shown, e.g. Company Jira")
                    .desired_width(320.0),
            )
            .labelled_by(label.id);
            ui.end_row();
            ui.label("");
            ui.horizontal(|ui| {
                ui.checkbox(&mut form.enabled, "Enabled");
                let mut json = form.json.is_some();
                if ui
                    .checkbox(&mut json, "Edit as JSON")
                    .on_hover_text("Edit the tracker's config object as text, for settings the fields do not cover; tokens stay in their own fields")
                    .changed()
                {
                    actions.push(Action::Json(json));
                }
            });
            ui.end_row();
            let json_mode = form.json.is_some();
            if let Some(text) = &mut form.json {
                let label = ui.label("Configuration");
                ui.add(
                    egui::TextEdit::multiline(text)
                        .code_editor()
                        .desired_rows(8)
                        .desired_width(420.0),
                )
                .labelled_by(label.id);
                ui.end_row();
            }
            config_fields_ui(ui, form, provider, json_mode, "trackers.json");
        });
}

/// The rows of a type's `config` fields in a form's grid (secret fields
/// masked, kept out of `file`); with `json_mode`, the secret ones only.
pub(super) fn config_fields_ui(
    ui: &mut egui::Ui,
    form: &mut TrackerForm,
    provider: &ProviderInfo,
    json_mode: bool,
    file: &str,
) {
    for field in provider.fields.iter().filter(|f| f.secret || !json_mode) {
        let text = if field.required {
            format!("{} *", field.label)
        } else {
            field.label.to_owned()
        };
        let label = ui.label(text).on_hover_text(field.help);
        let stored = if field.secret {
            form.stored_in(field.key)
        } else {
            None
        };
        let store = form.store;
        let value = form.values.entry(field.key.to_owned()).or_default();
        let hint = match (field.secret, stored, store) {
            (false, _, _) => field.help.to_owned(),
            (true, _, SecretStore::Env) => {
                "the environment variable's name, e.g. GITHUB_TOKEN".to_owned()
            }
            (true, Some(place), _) => format!("stored {place}; type to replace"),
            (true, None, SecretStore::Encrypted) => {
                format!("kept in the encrypted secrets file, never in {file}")
            }
            (true, None, SecretStore::Keyring) => {
                format!("kept in the OS keyring, never in {file}")
            }
        };
        if field.choices.is_empty() {
            ui.add(
                egui::TextEdit::singleline(value)
                    .password(field.secret && store != SecretStore::Env)
                    .hint_text(hint)
                    .desired_width(320.0),
            )
            .labelled_by(label.id);
        } else {
            egui::ComboBox::from_id_salt(field.key)
                .selected_text(value.as_str())
                .show_ui(ui, |ui| {
                    for choice in field.choices {
                        ui.selectable_value(value, (*choice).to_owned(), *choice);
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text(field.help);
        }
        ui.end_row();
    }
}

/// The form's error, Test connection with its answer, and Apply / Cancel,
/// below the secret section.
fn form_buttons_ui(ui: &mut egui::Ui, form: &TrackerForm, actions: &mut Vec<Action>) {
    if let Some(e) = &form.error {
        error_ui(ui, e);
    }
    ui.horizontal(|ui| {
        let testing = form.testing.is_some();
        if ui
            .add_enabled(!testing, egui::Button::new("Test connection"))
            .clicked()
        {
            actions.push(Action::Test);
        }
        if testing {
            ui.spinner();
            ui.label("Testing…");
        }
    });
    match &form.test {
        Some(Ok(report)) => {
            let who = report
                .user
                .as_deref()
                .map(|u| format!(" as {u}"))
                .unwrap_or_default();
            ui.label(RichText::new(format!("✔ Connected{who}")).color(super::widgets::DONE_COLOR));
            for check in &report.checks {
                ui.weak(format!("• {check}"));
            }
        }
        Some(Err(diagnosis)) => {
            error_ui(ui, &format!("✖ Test failed: {diagnosis}"));
        }
        None => {}
    }
    ui.horizontal(|ui| {
        let apply = if form.editing.is_some() {
            "Apply"
        } else {
            "Add"
        };
        if ui.button(apply).clicked() {
            actions.push(Action::Apply);
        }
        if ui.button("Cancel").clicked() {
            actions.push(Action::CancelForm);
        }
    });
}

fn confirm_remove_ui(
    ctx: &egui::Context,
    d: &TrackerSettingsDialog,
    index: usize,
    actions: &mut Vec<Action>,
) {
    let name = d.entries.get(index).map_or("", |e| e.name.as_str());
    Modal::new(egui::Id::unique("confirm-remove-tracker")).show(ctx, |ui| {
        ui.heading(format!("Remove {name}?"));
        ui.label("Links to its issues stay in the store; Save writes the change.");
        ui.horizontal(|ui| {
            if ui.button("Remove").clicked() {
                actions.push(Action::Remove(index, true));
            }
            if ui.button("Keep").clicked() {
                actions.push(Action::CancelRemove);
            }
        });
    });
}
