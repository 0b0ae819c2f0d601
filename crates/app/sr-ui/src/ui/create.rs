//! "Create Issue…": tracker, title, priority, labels, a description
//! prefilled from the object with a Markdown preview, and "Link to current
//! object". Create runs in the background with a spinner.

use egui::Modal;
use sr_model::Priority;

use crate::state::{ISSUE_TYPES, Load};

use super::widgets::{error_ui, markdown_ui};
use crate::state::{Dialog, UiState};

pub fn create_issue_ui(ctx: &egui::Context, state: &mut UiState) {
    let trackers: Vec<(String, String)> = state
        .usable_trackers()
        .iter()
        .map(|t| (t.name.clone(), t.kind.clone()))
        .collect();
    let origin = match &state.dialog {
        Some(Dialog::CreateIssue(d)) => d.origin.as_ref().map(|o| {
            o.describe(
                state
                    .whiteboards
                    .boards
                    .get(&o.connection)
                    .map(|w| &w.board),
            )
        }),
        _ => None,
    };
    let Some(Dialog::CreateIssue(d)) = &mut state.dialog else {
        return;
    };
    let mut submit = false;
    let mut cancel = false;
    let mut find_users = false;
    let tracker_before = d.tracker.clone();
    Modal::new(egui::Id::unique("create-issue")).show(ctx, |ui| {
        ui.set_width(620.0);
        ui.heading("Create Issue");
        match &origin {
            Some(text) => ui.weak(text),
            None if d.standalone => ui.weak(format!(
                "A query on {}, linked to no object",
                d.object.connection
            )),
            None => ui.weak(format!(
                "For {} {}.{} in {}",
                d.object.kind.label(),
                d.object.schema,
                d.object.name,
                d.object.connection
            )),
        };
        ui.separator();
        let busy = d.pending.is_some();
        ui.add_enabled_ui(!busy, |ui| {
            egui::Grid::new("create-form")
                .num_columns(2)
                .spacing([12.0, 8.0])
                .show(ui, |ui| {
                    let label = ui.label("Tracker");
                    if trackers.is_empty() {
                        error_ui(
                            ui,
                            "No tracker is ready; see Tools > Issue Tracker Settings.",
                        );
                    } else {
                        egui::ComboBox::from_id_salt("create-tracker")
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
                    ui.end_row();
                    let label = ui.label("Project");
                    project_ui(ui, d, label.id);
                    ui.end_row();
                    let label = ui.label("Type");
                    egui::ComboBox::from_id_salt("create-type")
                        .selected_text(d.issue_type.as_deref().unwrap_or("(tracker default)"))
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut d.issue_type, None, "(tracker default)");
                            for t in ISSUE_TYPES {
                                ui.selectable_value(&mut d.issue_type, Some(t.to_owned()), t);
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label("Title");
                    let title = ui
                        .add(
                            egui::TextEdit::singleline(&mut d.title)
                                .hint_text("What is wrong or wanted")
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(label.id);
                    if std::mem::take(&mut d.focus_title) {
                        title.request_focus();
                    }
                    if title.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                        submit = true;
                    }
                    ui.end_row();
                    let label = ui.label("Priority");
                    egui::ComboBox::from_id_salt("create-priority")
                        .selected_text(priority_text(d.priority))
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut d.priority, None, priority_text(None));
                            for p in Priority::ALL {
                                ui.selectable_value(
                                    &mut d.priority,
                                    Some(p),
                                    priority_text(Some(p)),
                                );
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label("Labels");
                    ui.add(
                        egui::TextEdit::singleline(&mut d.labels)
                            .hint_text("comma-separated, e.g. database, performance")
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label("Assignee");
                    find_users = assignee_ui(ui, d, label.id);
                    ui.end_row();
                });
            let description = ui
                .horizontal(|ui| {
                    let label = ui.label("Description");
                    ui.selectable_value(&mut d.preview, false, "Edit");
                    ui.selectable_value(&mut d.preview, true, "Preview");
                    if d.drafting.is_some() {
                        ui.spinner();
                        ui.weak("Adding DDL, dependencies and row estimate…");
                    }
                    label.id
                })
                .inner;
            egui::ScrollArea::vertical()
                .max_height(300.0)
                .id_salt("create-body")
                .show(ui, |ui| {
                    if d.preview {
                        markdown_ui(ui, &d.description);
                    } else {
                        ui.add(
                            egui::TextEdit::multiline(&mut d.description)
                                .code_editor()
                                .desired_rows(14)
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(description);
                    }
                });
            // An issue from a whiteboard is kept by its item, not linked.
            if origin.is_none() && !d.standalone {
                ui.horizontal(|ui| {
                    ui.checkbox(
                        &mut d.link,
                        format!("Link to current object ({})", d.object.name),
                    );
                    ui.checkbox(&mut d.attach_ddl, "Attach DDL")
                        .on_hover_text(format!("Attach {}.sql to the new issue", d.object.name));
                    if let Some(er) = &mut d.attach_er {
                        ui.checkbox(er, "Attach ER diagram").on_hover_text(format!(
                            "Attach the designer's diagram as {}-er.svg",
                            d.object.connection
                        ));
                    }
                });
            }
        });
        if let Some(error) = &d.error {
            error_ui(ui, error);
        }
        ui.separator();
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if busy {
                ui.add_enabled(false, egui::Button::new("Creating…"));
                ui.spinner();
            } else if ui
                .add_enabled(!trackers.is_empty(), egui::Button::new("Create"))
                .clicked()
            {
                submit = true;
            }
            if ui.button("Cancel").clicked() {
                cancel = true;
            }
            ui.weak("Ctrl+Enter creates · Esc cancels");
        });
        if ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter)) {
            submit = true;
        }
    });
    let tracker_changed = d.tracker != tracker_before;
    if cancel {
        state.close_dialog();
    } else if submit {
        state.submit_create();
    } else {
        if tracker_changed {
            state.load_projects();
        }
        if find_users {
            state.search_users();
        }
    }
}

fn project_ui(ui: &mut egui::Ui, d: &mut crate::state::CreateIssueDialog, label: egui::Id) {
    match &d.projects {
        Load::Ready(projects) if !projects.is_empty() => {
            let selected = d
                .project
                .clone()
                .unwrap_or_else(|| "(tracker default)".into());
            egui::ComboBox::from_id_salt("create-project")
                .selected_text(selected)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut d.project, None, "(tracker default)");
                    for p in projects {
                        ui.selectable_value(
                            &mut d.project,
                            Some(p.key.clone()),
                            format!("{} — {}", p.key, p.name),
                        );
                    }
                })
                .response
                .labelled_by(label);
        }
        Load::Ready(_) => {
            ui.weak("This tracker has no projects to choose from.");
        }
        Load::Failed(m) => {
            ui.weak(format!(
                "Projects could not be listed ({m}); the tracker's default is used."
            ));
        }
        Load::Loading | Load::Idle => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak("Loading projects…");
            });
        }
    }
}

/// The assignee: a search box, its results, and the chosen user. Returns
/// true when a search was asked for.
fn assignee_ui(
    ui: &mut egui::Ui,
    d: &mut crate::state::CreateIssueDialog,
    label: egui::Id,
) -> bool {
    let mut find = false;
    ui.vertical(|ui| {
        ui.horizontal(|ui| {
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut d.assignee_query)
                        .hint_text("Search users…")
                        .desired_width(220.0),
                )
                .labelled_by(label);
            if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                find = true;
            }
            if ui.button("Find users").clicked() {
                find = true;
            }
            if d.searching_users.is_some() {
                ui.spinner();
            }
            if let Some(user) = &d.assignee {
                ui.label(format!("assigned to {}", user.name));
                if ui.small_button("✖").on_hover_text("No assignee").clicked() {
                    d.assignee = None;
                }
            }
        });
        match &d.users {
            Some(users) if users.is_empty() => {
                ui.weak("No user matches.");
            }
            Some(users) => {
                let mut chosen = None;
                for u in users.iter().take(8) {
                    let text = match &u.email {
                        Some(e) => format!("{} <{e}>", u.name),
                        None => u.name.clone(),
                    };
                    if ui.selectable_label(false, text).clicked() {
                        chosen = Some(u.clone());
                    }
                }
                if let Some(u) = chosen {
                    d.assignee = Some(u);
                    d.users = None;
                }
            }
            None => {}
        }
    });
    find
}

fn priority_text(p: Option<Priority>) -> String {
    match p {
        Some(p) => format!("{p} · {}", p.label()),
        None => "None".into(),
    }
}
