//! "Create Issue…": tracker, title, priority, labels, a description
//! prefilled from the object with a Markdown preview, and "Link to current
//! object". Create runs in the background with a spinner. Opened by "File
//! issue…" on an alert, it shows the rule and fingerprint it files under
//! and, when the alert has an open issue, offers that one instead.

use egui::Modal;
use sr_auto::Tracked;
use sr_engine::RuleSource;
use sr_model::{IssueRef, Priority};

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
    let mut open_existing: Option<IssueRef> = None;
    let tracker_before = d.tracker.clone();
    Modal::new(egui::Id::unique("create-issue")).show(ctx, |ui| {
        ui.set_width(620.0);
        ui.heading("Create Issue");
        match &origin {
            _ if d.alert.is_some() => alert_heading_ui(ui, d),
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
                    // An alert files as its rule does: in the tracker's
                    // default project, with no type.
                    if d.alert.is_none() {
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
                    }
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
            if d.alert.is_some() {
                if !d.standalone {
                    ui.weak(format!(
                        "Linked to {} {}.{} when filed, as the rule links its issues.",
                        d.object.kind.label(),
                        d.object.schema,
                        d.object.name
                    ));
                }
            } else if origin.is_none() && !d.standalone {
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
        let existing = d.alert.as_ref().and_then(|a| a.existing.clone());
        if let Some(tracked) = &existing {
            existing_ui(ui, tracked);
        }
        ui.separator();
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if let Some(tracked) = &existing {
                if let Tracked::Open(issue) = tracked
                    && ui
                        .button(format!("Open {}", issue.display_key))
                        .on_hover_text("Show the issue that tracks this alert")
                        .clicked()
                {
                    open_existing = Some((**issue).clone());
                }
            } else if busy {
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
    if let Some(issue) = open_existing {
        if let crate::state::ViewTarget::Browser(url) = state.open_existing_alert_issue(&issue) {
            ctx.open_url(egui::OpenUrl::new_tab(url));
        }
    } else if cancel {
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

/// What an alert's dialog files: the alert, the rule whose template and
/// fingerprint it uses.
fn alert_heading_ui(ui: &mut egui::Ui, d: &crate::state::CreateIssueDialog) -> egui::Response {
    let Some(a) = &d.alert else {
        return ui.weak("");
    };
    ui.weak(format!("For {}", a.describe));
    match &a.draft {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak("Rendering the issue the rule would file…");
            })
            .response
        }
        Some(draft) => {
            let how = match draft.source {
                RuleSource::Matching => "the rule",
                RuleSource::Starter => "the starter rule",
                RuleSource::Default => "the default rule",
            };
            let h = &draft.draft;
            if let Some(note) = &h.note {
                error_ui(
                    ui,
                    &format!("The template failed ({note}); a plain issue is offered."),
                );
            }
            ui.weak(format!(
                "Filed as {how} \"{}\" files it, deduplicated by its fingerprint {}",
                h.rule,
                sr_auto::fingerprint_label(&h.fingerprint)
            ))
        }
    }
}

/// The alert's fingerprint has an issue already.
fn existing_ui(ui: &mut egui::Ui, tracked: &Tracked) {
    let text = match tracked {
        Tracked::Open(issue) => format!(
            "An open issue already tracks this alert: {} — {} ({}). Open it instead of filing another.",
            issue.display_key, issue.title, issue.status.name
        ),
        Tracked::Pending => {
            "An issue for this alert is being filed (it waits in the outbox); the auto-issue feed shows it once sent.".to_owned()
        }
        Tracked::Nothing { .. } => return,
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(egui::RichText::new(text).strong());
    });
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
