//! The part of Settings → Issue trackers that says where typed secrets
//! go: where the keyring forgets at reboot (no secret service answers), a
//! warning and the choice of the encrypted secrets file, an environment
//! variable or the kernel keyring; and the passphrase that unlocks (or
//! creates) the encrypted file.

use egui::RichText;

use super::widgets::{DONE_COLOR, OPEN_COLOR, error_ui};
use crate::state::{PassphraseInput, SecretStore, TrackerSettingsDialog};

/// What the secret section asked for this frame.
pub(super) enum SecretAction {
    Unlock,
}

/// The dialog's view of the stores, copied so the form can be borrowed
/// mutably beside it.
pub(super) struct StoreView {
    pub warn: bool,
    pub has_file: bool,
    pub locked: bool,
    pub exists: bool,
    pub unlocking: bool,
    pub error: Option<String>,
}

impl StoreView {
    pub fn of(d: &TrackerSettingsDialog) -> StoreView {
        StoreView {
            warn: d.warn_until_reboot(),
            has_file: d.storage.as_ref().is_some_and(|s| s.encrypted.is_some()),
            locked: d.encrypted_locked(),
            exists: d.encrypted_exists(),
            unlocking: d.unlocking.is_some(),
            error: d.unlock_error.clone(),
        }
    }
}

/// The warning and the choice, below a form's fields. Shown only where
/// the keyring forgets at reboot.
pub(super) fn secret_store_ui(
    ui: &mut egui::Ui,
    store: &mut SecretStore,
    view: &StoreView,
    passphrase: &mut PassphraseInput,
    actions: &mut Vec<SecretAction>,
) {
    if !view.warn {
        return;
    }
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.add(
            egui::Label::new(
                RichText::new(
                    "⚠ No secret service answers on this machine, so the keyring here is the kernel's: it forgets tokens at reboot or when you log out.",
                )
                .color(OPEN_COLOR),
            )
            .wrap(),
        );
        ui.horizontal(|ui| {
            ui.label("Keep tokens in:");
            if view.has_file {
                ui.radio_value(store, SecretStore::Encrypted, "Encrypted file (survives reboots)");
            }
            ui.radio_value(store, SecretStore::Env, "Environment variable");
            ui.radio_value(store, SecretStore::Keyring, "Kernel keyring (until reboot)");
        });
        match store {
            SecretStore::Encrypted => passphrase_ui(ui, view, passphrase, actions),
            SecretStore::Env => {
                ui.weak("Type the variable's name in the token field (GITHUB_TOKEN); export it before starting ScratchRobin.");
            }
            SecretStore::Keyring => {
                ui.weak("The token will have to be entered again after a reboot.");
            }
        }
    });
}

/// Above the tracker list: the encrypted file exists but no passphrase is
/// known to this process, so the trackers whose tokens it keeps wait.
pub(super) fn unlock_prompt_ui(
    ui: &mut egui::Ui,
    view: &StoreView,
    passphrase: &mut PassphraseInput,
    actions: &mut Vec<SecretAction>,
) {
    if !(view.exists && view.locked) {
        return;
    }
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label("The encrypted secrets file is locked: trackers whose tokens it keeps cannot be used until it is unlocked.");
        passphrase_ui(ui, view, passphrase, actions);
    });
}

fn passphrase_ui(
    ui: &mut egui::Ui,
    view: &StoreView,
    passphrase: &mut PassphraseInput,
    actions: &mut Vec<SecretAction>,
) {
    if !view.locked {
        ui.label(
            RichText::new("✔ The encrypted secrets file is unlocked for this session.")
                .color(DONE_COLOR),
        );
        return;
    }
    egui::Grid::new("secrets-passphrase")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let label = ui.label("Passphrase");
            ui.add(
                egui::TextEdit::singleline(&mut passphrase.text)
                    .password(true)
                    .desired_width(240.0),
            )
            .labelled_by(label.id);
            ui.end_row();
            if !view.exists {
                let label = ui.label("Repeat passphrase");
                ui.add(
                    egui::TextEdit::singleline(&mut passphrase.again)
                        .password(true)
                        .desired_width(240.0),
                )
                .labelled_by(label.id);
                ui.end_row();
            }
        });
    ui.horizontal(|ui| {
        let button = if view.exists {
            "Unlock"
        } else {
            "Create encrypted file"
        };
        if ui
            .add_enabled(!view.unlocking, egui::Button::new(button))
            .on_hover_text(format!(
                "secrets.enc in the data directory; set {} to unlock it without asking",
                sr_secrets::PASSPHRASE_ENV
            ))
            .clicked()
        {
            actions.push(SecretAction::Unlock);
        }
        if view.unlocking {
            ui.spinner();
        }
    });
    if let Some(e) = &view.error {
        error_ui(ui, e);
    }
    if !view.exists {
        ui.weak("The passphrase cannot be recovered: keep it safe. Headless runs read it from SCRATCHROBIN_SECRETS_PASSPHRASE.");
    }
}
