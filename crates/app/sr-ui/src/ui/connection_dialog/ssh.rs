//! The dialog's SSH tunnel section: the bastion, how to sign (a key file
//! or ssh-agent), where the key's passphrase comes from, and known_hosts.

use egui::Grid;

use super::text_row;
use crate::model::connection_url::{Field, Problem};
use crate::state::SshFields;

pub(super) fn ssh_ui(ui: &mut egui::Ui, ssh: &mut SshFields, problems: &[Problem]) {
    let problem = |field: Field| problems.iter().find(|p| p.field == field);
    ui.checkbox(&mut ssh.enabled, "Through an SSH tunnel")
        .on_hover_text(
            "Reach the database through a bastion host; its key is checked against known_hosts",
        );
    if !ssh.enabled {
        return;
    }
    Grid::new("connection-ssh")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            text_row(
                ui,
                "SSH host",
                &mut ssh.host,
                "bastion.example.com",
                problem(Field::SshHost),
            );
            text_row(ui, "SSH port", &mut ssh.port, "22", problem(Field::SshPort));
            text_row(
                ui,
                "SSH user",
                &mut ssh.user,
                "the bastion account",
                problem(Field::SshUser),
            );
            ui.label("Sign with");
            ui.horizontal(|ui| {
                ui.radio_value(&mut ssh.agent, false, "Key file");
                ui.radio_value(&mut ssh.agent, true, "ssh-agent");
            });
            ui.end_row();
            if !ssh.agent {
                text_row(
                    ui,
                    "Key file",
                    &mut ssh.key_file,
                    "~/.ssh/id_ed25519",
                    problem(Field::SshKey),
                );
                let hint = match ssh.stored_passphrase_label() {
                    Some(stored) => format!("{stored}; name a variable to replace it"),
                    None => "an environment variable holding it, e.g. SSH_KEY_PASSPHRASE".into(),
                };
                text_row(
                    ui,
                    "Passphrase variable",
                    &mut ssh.passphrase_env,
                    &hint,
                    problem(Field::SshPassphrase),
                );
            }
            text_row(
                ui,
                "known_hosts",
                &mut ssh.known_hosts,
                "~/.ssh/known_hosts",
                None,
            );
        });
}
