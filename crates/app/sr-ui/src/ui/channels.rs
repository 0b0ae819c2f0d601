//! Settings → Notification Channels: the channels of channels.json, Add
//! with a type picker (every channel type of the registry: Slack, Teams,
//! PagerDuty, e-mail, outgoing webhooks) and the type's fields, Edit,
//! Remove with confirmation, "Send test message" with a spinner and the
//! service's answer or the error naming cause and fix, and Save. Secret
//! fields are masked and go to the keyring, never to the file.

use egui::{Grid, Modal, RichText};

use super::settings::config_fields_ui;
use super::widgets::{DONE_COLOR, empty_ui, error_ui};
use crate::state::{
    ChannelForm, ChannelSettingsDialog, Dialog, Load, SecretStore, UiState, as_provider,
};
use sr_engine::ChannelInfo;

/// What the user asked for this frame; applied after drawing.
enum Action {
    Add(String),
    Edit(usize),
    Remove(usize, bool),
    CancelRemove,
    Apply,
    CancelForm,
    Store(SecretStore),
    Test,
    Save,
    Close,
}

pub fn channel_settings_ui(ctx: &egui::Context, state: &mut UiState) {
    let Some(Dialog::Channels(d)) = &mut state.dialog else {
        return;
    };
    let mut actions = Vec::new();
    let mut open = true;
    egui::Window::new("Notification Channels")
        .open(&mut open)
        .collapsible(false)
        .default_width(640.0)
        // Below the menu bar, over the detail tab.
        .default_pos(egui::pos2(300.0, 48.0))
        .show(ctx, |ui| {
            let types = match &d.types {
                Load::Ready(t) => t.clone(),
                Load::Failed(m) => {
                    error_ui(ui, m);
                    return;
                }
                _ => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Loading the channels…");
                    });
                    return;
                }
            };
            list_ui(ui, d, &types, &mut actions);
            ui.separator();
            let encrypted = d.encrypted_usable();
            match &mut d.form {
                Some(form) => form_ui(ui, form, &types, encrypted, &mut actions),
                None => {
                    ui.horizontal_wrapped(|ui| {
                        ui.label("Add a channel:");
                        for t in &types {
                            if ui.button(format!("➕ {}", t.display_name)).clicked() {
                                actions.push(Action::Add(t.kind.to_owned()));
                            }
                        }
                    });
                }
            }
            ui.separator();
            if let Some(e) = &d.error {
                error_ui(ui, e);
            }
            ui.horizontal(|ui| {
                let saving = d.saving.is_some();
                if ui
                    .add_enabled(
                        d.dirty && !saving && d.form.is_none(),
                        egui::Button::new("Save"),
                    )
                    .on_hover_text("Write channels.json; secrets go to the keyring")
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
            ui.weak("Channels are kept in channels.json; rules name them in `notify`.");
        });
    if let Some(i) = d.confirm_remove {
        confirm_remove_ui(ctx, d, i, &mut actions);
    }
    if !open {
        actions.push(Action::Close);
    }
    for action in actions {
        match action {
            Action::Add(kind) => state.channel_add(&kind),
            Action::Edit(i) => state.channel_edit(i),
            Action::Remove(i, confirmed) => state.channel_remove(i, confirmed),
            Action::CancelRemove => state.channel_cancel_remove(),
            Action::Apply => state.channel_apply_form(),
            Action::CancelForm => state.channel_cancel_form(),
            Action::Store(store) => state.channel_store(store),
            Action::Test => state.channel_test(),
            Action::Save => state.channel_save(),
            Action::Close => state.close_dialog(),
        }
    }
}

fn list_ui(
    ui: &mut egui::Ui,
    d: &ChannelSettingsDialog,
    types: &[ChannelInfo],
    actions: &mut Vec<Action>,
) {
    if d.entries.is_empty() {
        empty_ui(ui, "No channels are configured; add one below.");
        return;
    }
    Grid::new("channel-list")
        .striped(true)
        .num_columns(4)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            for h in ["Name", "Type", "State", ""] {
                ui.strong(h);
            }
            ui.end_row();
            for (i, e) in d.entries.iter().enumerate() {
                ui.label(&e.name);
                let kind = types
                    .iter()
                    .find(|t| t.kind == e.kind)
                    .map_or(e.kind.as_str(), |t| t.display_name);
                ui.label(kind);
                match (d.dirty, e.enabled) {
                    (true, _) => ui.weak("not saved yet"),
                    (false, true) => ui.label("enabled"),
                    (false, false) => ui.weak("disabled"),
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
    form: &mut ChannelForm,
    types: &[ChannelInfo],
    encrypted: bool,
    actions: &mut Vec<Action>,
) {
    ui.strong(if form.fields.editing.is_some() {
        "Edit channel"
    } else {
        "New channel"
    });
    let Some(info) = types.iter().find(|t| t.kind == form.fields.kind) else {
        error_ui(
            ui,
            &format!("This build has no channel type `{}`.", form.fields.kind),
        );
        return;
    };
    let provider = as_provider(info);
    Grid::new("channel-form")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            ui.label("Type");
            ui.label(info.display_name);
            ui.end_row();
            let label = ui.label("Name");
            ui.add(
                egui::TextEdit::singleline(&mut form.fields.name)
                    .hint_text("How rules name the channel, e.g. ops-slack")
                    .desired_width(320.0),
            )
            .labelled_by(label.id);
            ui.end_row();
            ui.label("");
            ui.checkbox(&mut form.fields.enabled, "Enabled");
            ui.end_row();
            config_fields_ui(ui, &mut form.fields, &provider, false, "channels.json");
        });
    if provider.fields.iter().any(|f| f.secret) {
        let mut store = form.fields.store;
        ui.horizontal(|ui| {
            ui.label("Keep secrets in:");
            ui.radio_value(&mut store, SecretStore::Keyring, "OS keyring");
            if encrypted {
                ui.radio_value(&mut store, SecretStore::Encrypted, "Encrypted file");
            }
            ui.radio_value(&mut store, SecretStore::Env, "Environment variable");
        });
        if store != form.fields.store {
            actions.push(Action::Store(store));
        }
    }
    if let Some(e) = &form.fields.error {
        error_ui(ui, e);
    }
    ui.horizontal(|ui| {
        let testing = form.testing.is_some();
        if ui
            .add_enabled(!testing, egui::Button::new("Send test message"))
            .on_hover_text("Sends a real message through the channel as typed, before it is saved")
            .clicked()
        {
            actions.push(Action::Test);
        }
        if testing {
            ui.spinner();
            ui.label("Sending…");
        }
    });
    match &form.test {
        Some(Ok(delivered)) => {
            let detail = if delivered.detail.is_empty() {
                String::new()
            } else {
                format!(": {}", delivered.detail)
            };
            ui.label(
                RichText::new(format!(
                    "✔ Sent; {} answered {}{detail}",
                    info.display_name, delivered.status
                ))
                .color(DONE_COLOR),
            );
        }
        Some(Err(error)) => {
            error_ui(ui, &format!("✖ Test failed: {error}"));
        }
        None => {}
    }
    ui.horizontal(|ui| {
        let apply = if form.fields.editing.is_some() {
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
    d: &ChannelSettingsDialog,
    index: usize,
    actions: &mut Vec<Action>,
) {
    let name = d.entries.get(index).map_or("", |e| e.name.as_str());
    Modal::new(egui::Id::unique("confirm-remove-channel")).show(ctx, |ui| {
        ui.heading(format!("Remove {name}?"));
        ui.label("Rules that notify it must then name another channel; Save writes the change.");
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
