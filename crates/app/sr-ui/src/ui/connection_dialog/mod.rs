//! The connection manager's dialog (New Connection…, Edit, Duplicate):
//! paste a URL or fill the fields of the dialect, Test (the server's
//! version and round trip, or the cause and the fix, inline), Save; and the
//! confirmation before a connection is removed. The SSH tunnel section is
//! in `ssh`. What the fields mean and how they become a profile is in
//! `state::ConnectionDialog`.

mod ssh;

use egui::{Grid, Modal, RichText};

use super::widgets::{DONE_COLOR, environment_tag_ui, error_ui};
use crate::model::connection_url::{Dialect, Field, Problem};
use crate::state::{ConnectionDialog, Dialog, UiState};

/// What the user asked for this frame; applied after drawing.
enum Action {
    Paste,
    Dialect(Dialect),
    Test,
    Save,
    Close,
}

pub fn connection_dialog_ui(ctx: &egui::Context, state: &mut UiState) {
    let taken: Vec<String> = state
        .connections
        .iter()
        .map(|c| c.info.name.clone())
        .collect();
    let Some(Dialog::Connection(d)) = &mut state.dialog else {
        return;
    };
    let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
    let problems = d.shown_problems(&taken);
    let title = match &d.previous {
        Some(name) => format!("Edit Connection {name}"),
        None => "New Connection".to_owned(),
    };
    let mut actions = Vec::new();
    let mut open = true;
    egui::Window::new(title)
        .id(egui::Id::unique("connection-dialog"))
        .open(&mut open)
        .collapsible(false)
        // Scrolls on screens too small for every section.
        .vscroll(true)
        .default_width(560.0)
        .default_height((ctx.content_rect().height() - 96.0).max(320.0))
        .default_pos(egui::pos2(300.0, 48.0))
        .show(ctx, |ui| {
            if let Some(note) = &d.note {
                ui.label(note);
            }
            paste_ui(ui, d, &mut actions);
            ui.separator();
            fields_ui(ui, d, &problems, &mut actions);
            if d.fields.dialect != Dialect::Sqlite {
                ssh::ssh_ui(ui, &mut d.ssh, &problems);
            }
            ui.separator();
            match d.url() {
                Some(url) => {
                    ui.horizontal_wrapped(|ui| {
                        ui.weak("URL saved:");
                        ui.label(RichText::new(url).monospace());
                    });
                }
                None => {
                    ui.weak("Fill in the fields to make the URL.");
                }
            }
            test_ui(ui, d, &mut actions);
            if let Some(e) = &d.error {
                error_ui(ui, e);
            }
            ui.horizontal(|ui| {
                let saving = d.saving.is_some();
                if ui
                    .add_enabled(!saving, egui::Button::new("Save"))
                    .on_hover_text(
                        "Write the profile to connections.json; the password goes to the keyring",
                    )
                    .clicked()
                {
                    actions.push(Action::Save);
                }
                if saving {
                    ui.spinner();
                    ui.label("Saving…");
                }
                if ui.button("Cancel").clicked() {
                    actions.push(Action::Close);
                }
            });
        });
    if !open {
        actions.push(Action::Close);
    }
    for action in actions {
        match action {
            Action::Paste => {
                if let Some(Dialog::Connection(d)) = &mut state.dialog {
                    d.paste_url();
                }
            }
            Action::Dialect(dialect) => {
                if let Some(Dialog::Connection(d)) = &mut state.dialog {
                    d.set_dialect(dialect);
                }
            }
            Action::Test => state.test_dialog_connection(),
            Action::Save => state.save_dialog_connection(),
            Action::Close => state.close_dialog(),
        }
    }
}

fn paste_ui(ui: &mut egui::Ui, d: &mut ConnectionDialog, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let label = ui.label("Paste a URL");
        let edit = ui
            .add(
                egui::TextEdit::singleline(&mut d.paste)
                    .hint_text("postgres://user@host:5432/db?sslmode=require")
                    .desired_width(340.0),
            )
            .labelled_by(label.id);
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui
            .add_enabled(!d.paste.trim().is_empty(), egui::Button::new("Read URL"))
            .on_hover_text(
                "Fill the fields from the URL; a password in it moves to the password field",
            )
            .clicked()
            || enter && !d.paste.trim().is_empty()
        {
            actions.push(Action::Paste);
        }
    });
    match &d.paste_note {
        Some(Ok(note)) => {
            ui.weak(note);
        }
        Some(Err(e)) => {
            error_ui(ui, e);
        }
        None => {}
    }
}

/// A labelled text box in the form's grid, with its problem below it.
fn text_row(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    hint: &str,
    problem: Option<&Problem>,
) {
    let l = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(value)
            .hint_text(hint)
            .desired_width(340.0),
    )
    .labelled_by(l.id);
    ui.end_row();
    problem_row(ui, problem);
}

fn problem_row(ui: &mut egui::Ui, problem: Option<&Problem>) {
    if let Some(p) = problem {
        ui.label("");
        error_ui(ui, &p.message);
        ui.end_row();
    }
}

fn fields_ui(
    ui: &mut egui::Ui,
    d: &mut ConnectionDialog,
    problems: &[Problem],
    actions: &mut Vec<Action>,
) {
    let problem = |field: Field| problems.iter().find(|p| p.field == field);
    Grid::new("connection-form")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            text_row(
                ui,
                "Name",
                &mut d.name,
                "e.g. shop-prod; used in object keys and --db",
                problem(Field::Name),
            );
            ui.label("Dialect");
            ui.horizontal(|ui| {
                for dialect in Dialect::ALL {
                    if ui
                        .radio(d.fields.dialect == dialect, dialect.label())
                        .clicked()
                    {
                        actions.push(Action::Dialect(dialect));
                    }
                }
            });
            ui.end_row();
            if d.fields.dialect == Dialect::Sqlite {
                text_row(
                    ui,
                    "SQLite file",
                    &mut d.fields.path,
                    "/path/to/database.db",
                    problem(Field::Path),
                );
            } else {
                server_rows(ui, d, problems);
            }
            text_row(
                ui,
                "Options",
                &mut d.fields.options,
                "other URL parameters: key=value&key=value",
                problem(Field::Options),
            );
            let l = ui.label("Environment");
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut d.environment)
                        .hint_text("production, staging, dev…")
                        .desired_width(200.0),
                )
                .labelled_by(l.id);
                let env = d.environment.trim();
                if !env.is_empty() {
                    environment_tag_ui(ui, env);
                }
            });
            ui.end_row();
        });
}

fn server_rows(ui: &mut egui::Ui, d: &mut ConnectionDialog, problems: &[Problem]) {
    let problem = |field: Field| problems.iter().find(|p| p.field == field);
    let dialect = d.fields.dialect;
    let default_port = dialect.default_port().unwrap_or_default().to_string();
    text_row(
        ui,
        "Host",
        &mut d.fields.host,
        "db.example.com",
        problem(Field::Host),
    );
    text_row(
        ui,
        "Port",
        &mut d.fields.port,
        &default_port,
        problem(Field::Port),
    );
    text_row(
        ui,
        "Database",
        &mut d.fields.database,
        "the database name",
        problem(Field::Database),
    );
    text_row(ui, "User", &mut d.fields.user, "", problem(Field::User));
    let stored = d.stored_password_label();
    let hint = match &stored {
        Some(s) => format!("{s}; type to replace"),
        None => "kept in the OS keyring, never in connections.json".to_owned(),
    };
    let l = ui.label("Password");
    ui.add(
        egui::TextEdit::singleline(&mut d.password.0)
            .password(true)
            .hint_text(hint)
            .desired_width(340.0),
    )
    .labelled_by(l.id);
    ui.end_row();
    let l = ui.label("TLS mode");
    let shown = if d.fields.tls_mode.is_empty() {
        "driver default".to_owned()
    } else {
        d.fields.tls_mode.clone()
    };
    egui::ComboBox::from_id_salt("connection-tls-mode")
        .selected_text(shown)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut d.fields.tls_mode, String::new(), "driver default");
            for mode in dialect.tls_modes() {
                ui.selectable_value(&mut d.fields.tls_mode, (*mode).to_owned(), *mode);
            }
        })
        .response
        .labelled_by(l.id)
        .on_hover_text(format!(
            "{}: verify-full / VERIFY_IDENTITY checks the certificate and the host name",
            dialect.tls_param()
        ));
    ui.end_row();
    problem_row(ui, problem(Field::TlsMode));
    text_row(
        ui,
        "CA file",
        &mut d.fields.ca_file,
        &format!(
            "{}: PEM file of the CA that signed the server's certificate",
            dialect.ca_param()
        ),
        problem(Field::CaFile),
    );
}

fn test_ui(ui: &mut egui::Ui, d: &ConnectionDialog, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let testing = d.testing.is_some();
        if ui
            .add_enabled(!testing, egui::Button::new("Test"))
            .on_hover_text("Connect with these settings, run one query and close")
            .clicked()
        {
            actions.push(Action::Test);
        }
        if testing {
            ui.spinner();
            ui.label("Testing…");
        }
    });
    match d.current_test().map(|t| &t.result) {
        Some(Ok(t)) => {
            let server = t.server_version.as_deref().unwrap_or(&t.dialect);
            ui.label(RichText::new(format!("✔ Connected: {server}")).color(DONE_COLOR));
            ui.weak(format!(
                "Connected in {} ms; a round trip takes {:.2} ms.",
                t.connect_ms, t.round_trip_ms
            ));
        }
        Some(Err(e)) => {
            error_ui(ui, &format!("✖ {e}"));
        }
        None => {}
    }
}

/// "Remove connection NAME?": Remove or Keep.
pub fn confirm_remove_ui(ctx: &egui::Context, state: &mut UiState) {
    let Some(Dialog::RemoveConnection(name)) = &state.dialog else {
        return;
    };
    let name = name.clone();
    let mut answer = None;
    Modal::new(egui::Id::unique("confirm-remove-connection")).show(ctx, |ui| {
        ui.heading(format!("Remove connection {name}?"));
        ui.label(
            "Its profile leaves connections.json and its saved password leaves the keyring. \
             Issues and their links to its objects stay in the store.",
        );
        ui.horizontal(|ui| {
            if ui.button("Remove").clicked() {
                answer = Some(true);
            }
            if ui.button("Keep").clicked() {
                answer = Some(false);
            }
        });
    });
    match answer {
        Some(true) => state.remove_connection(&name, true),
        Some(false) => state.close_dialog(),
        None => {}
    }
}
