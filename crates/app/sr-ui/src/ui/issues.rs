//! The "Linked Issues" side panel: the issues linked to the selected
//! object, with View, Sync and Unlink, and each issue's comments.

use egui::RichText;
use sr_model::{IssueLink, LinkType, ObjectRef};

use super::comments::comments_ui;
use super::widgets::{empty_ui, error_ui, status_chip_ui};
use crate::state::{JobKind, Load, UiState, ViewTarget};

enum Action {
    View(IssueLink),
    Sync(IssueLink),
    Unlink(IssueLink),
    Create,
    Link,
    Retry,
}

pub fn linked_issues_ui(ui: &mut egui::Ui, state: &mut UiState) {
    ui.add_space(4.0);
    ui.strong("Linked Issues");
    ui.separator();
    let Some(object) = state.selection.clone() else {
        empty_ui(
            ui,
            "Select a table, view or other object in the explorer to see the issues linked to it.",
        );
        return;
    };
    ui.label(
        RichText::new(format!(
            "{} {}.{}",
            object.kind.label(),
            object.schema,
            object.name
        ))
        .strong(),
    );
    ui.weak(format!("in {}", object.connection));
    let mut actions = Vec::new();
    ui.horizontal(|ui| {
        if ui.button("➕ Create Issue…").clicked() {
            actions.push(Action::Create);
        }
        if ui.button("🔗 Link Existing…").clicked() {
            actions.push(Action::Link);
        }
    });
    ui.separator();
    // A copy, so the cards can change the state (comment drafts) as they
    // draw; a few links, cloned once a frame.
    let links = state.links_of(&object).clone();
    egui::ScrollArea::vertical()
        .id_salt("linked-issues")
        .auto_shrink([false, false])
        .show(ui, |ui| match &links {
            Load::Idle | Load::Loading => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.weak("Loading linked issues…");
                });
            }
            Load::Failed(message) => {
                error_ui(ui, &format!("Could not load the linked issues: {message}"));
                if ui.button("Retry").clicked() {
                    actions.push(Action::Retry);
                }
            }
            Load::Ready(links) if links.is_empty() => {
                empty_ui(
                    ui,
                    &format!(
                        "No issues are linked to {} yet. Create one, or link an existing issue (also in the explorer's right-click menu).",
                        object.name
                    ),
                );
            }
            Load::Ready(links) => {
                for link in links {
                    link_card_ui(ui, state, &object, link, &mut actions);
                }
            }
        });
    for action in actions {
        match action {
            Action::View(link) => match state.view_issue(&link.issue) {
                ViewTarget::Tab => {}
                ViewTarget::Browser(url) => {
                    if let Err(e) = open::that_detached(&url) {
                        state.report_error(format!("Could not open {url} in the browser: {e}; copy the address and open it by hand"));
                    }
                }
            },
            Action::Sync(link) => state.sync_issue(&link.issue.key),
            Action::Unlink(link) => state.unlink(&object, &link.issue.key),
            Action::Create => state.open_create_dialog(&object),
            Action::Link => state.open_link_dialog(&object),
            Action::Retry => state.load_links(&object),
        }
    }
}

fn link_card_ui(
    ui: &mut egui::Ui,
    state: &mut UiState,
    object: &ObjectRef,
    link: &IssueLink,
    actions: &mut Vec<Action>,
) {
    let issue = &link.issue;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            ui.strong(&issue.display_key);
            status_chip_ui(ui, &issue.status);
            if let Some(p) = issue.priority {
                ui.weak(p.as_str()).on_hover_text(p.label());
            }
        });
        ui.add(egui::Label::new(&issue.title).wrap());
        let assignee = issue.assignee.as_deref().unwrap_or("unassigned");
        ui.weak(format!("Assignee: {assignee}"));
        if !issue.labels.is_empty() {
            ui.weak(format!("Labels: {}", issue.labels.join(", ")));
        }
        let how = match link.link_type {
            LinkType::Manual => "linked by hand",
            LinkType::AutoCreated => "created here",
            LinkType::AutoDetected => "found in the issue",
        };
        ui.weak(format!("Link: {how}, by {}", link.created_by))
            .on_hover_text(format!(
                "Linked {}",
                link.created_at.format("%Y-%m-%d %H:%M UTC")
            ));
        ui.horizontal(|ui| {
            let external = !(issue.url.is_empty() || issue.url.starts_with("scratchrobin://"));
            let view = ui.button("View").on_hover_text(if external {
                issue.url.as_str()
            } else {
                "Show the issue in a tab"
            });
            if view.clicked() {
                actions.push(Action::View(link.clone()));
            }
            let syncing = state.jobs.is_running(&JobKind::Refresh(issue.key.clone()));
            if ui
                .add_enabled(!syncing, egui::Button::new("Sync"))
                .on_hover_text("Refresh this issue from its tracker now")
                .clicked()
            {
                actions.push(Action::Sync(link.clone()));
            }
            let unlinking = state.jobs.is_running(&JobKind::Unlink {
                object: object.key(),
                issue: issue.key.clone(),
            });
            if ui
                .add_enabled(!unlinking, egui::Button::new("Unlink"))
                .on_hover_text("Remove the link (the issue stays)")
                .clicked()
            {
                actions.push(Action::Unlink(link.clone()));
            }
            if syncing || unlinking {
                ui.spinner();
            }
        });
        comments_ui(ui, state, issue);
    });
}
