//! The comments section of a linked-issue card: a collapsible list of the
//! issue's comments (pending ones tagged), the tracker's problem when it
//! could not be reached, and a box to write a new one. Opening it the
//! first time loads the comments; everything runs in the background.

use egui::{Key, KeyboardShortcut, Modifiers, RichText};
use sr_model::IssueRef;

use super::widgets::{OPEN_COLOR, ago, empty_ui, error_ui, markdown_ui};
use crate::state::{JobKind, Load, UiState};

/// Ctrl+Enter in the comment box sends the comment.
const SEND: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);

pub fn comments_ui(ui: &mut egui::Ui, state: &mut UiState, issue: &IssueRef) {
    let thread = state.comments_of(&issue.key);
    let title = match thread.count() {
        Some(n) => format!("Comments ({n})"),
        None => "Comments".to_owned(),
    };
    let open = thread.open;
    let shown = egui::CollapsingHeader::new(title)
        .id_salt(("comments", issue.key.to_string()))
        .open(Some(open))
        .show(ui, |ui| thread_ui(ui, state, issue));
    if shown.header_response.clicked() {
        state.toggle_comments(&issue.key);
    }
}

fn thread_ui(ui: &mut egui::Ui, state: &mut UiState, issue: &IssueRef) {
    let key = &issue.key;
    let busy = state.comments_busy(key);
    let sending = state.jobs.is_running(&JobKind::Comment(key.clone()));
    let thread = state.comments_of(key);
    let mut refresh = false;
    let mut take_back = None;
    ui.horizontal(|ui| {
        refresh = ui
            .add_enabled(!busy, egui::Button::new("⟳"))
            .on_hover_text("Read the comments from the tracker again")
            .clicked();
        if busy {
            ui.spinner();
            ui.weak(if sending { "Sending…" } else { "Loading…" });
        }
    });
    if let Some(problem) = &thread.problem {
        let why = if problem.trim().is_empty() {
            "it gave no reason"
        } else {
            problem.as_str()
        };
        let text = format!(
            "⚠ Trouble with the tracker just now: {why}. These are the comments \
             kept here; pending ones are sent by the next sync. Press ⟳ to try again."
        );
        let color = ui.visuals().warn_fg_color;
        ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
    }
    match &thread.list {
        Load::Idle | Load::Loading => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak("Loading comments…");
            });
        }
        Load::Failed(message) => {
            error_ui(
                ui,
                &format!("Could not load the comments: {message}. Press ⟳ to try again."),
            );
        }
        Load::Ready(list) if list.comments.is_empty() => {
            empty_ui(ui, "No comments yet.");
        }
        Load::Ready(list) => {
            let now = chrono::Utc::now();
            for c in &list.comments {
                ui.separator();
                ui.horizontal_wrapped(|ui| {
                    ui.strong(&c.author);
                    ui.weak(ago(c.created_at, now))
                        .on_hover_text(c.created_at.format("%Y-%m-%d %H:%M UTC").to_string());
                    if c.updated_at.is_some_and(|u| u > c.created_at) {
                        ui.weak("(edited)");
                    }
                });
                if c.pending || c.rejected {
                    let (tag, color) = if c.rejected {
                        (
                            "refused by the tracker — not sent again",
                            ui.visuals().error_fg_color,
                        )
                    } else if sending {
                        ("pending — sending now…", OPEN_COLOR)
                    } else {
                        ("pending — will be sent by the next sync", OPEN_COLOR)
                    };
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new(tag).small().color(color));
                        let hint = if c.attempts > 0 {
                            "Remove it before it is sent and put its text back in the box. \
                             An earlier try may have reached the tracker: check the issue there."
                        } else {
                            "Remove it before it is sent and put its text back in the box"
                        };
                        if ui
                            .add_enabled(!busy, egui::Button::new("Take back").small())
                            .on_hover_text(hint)
                            .clicked()
                        {
                            take_back = Some(c.id);
                        }
                    });
                    if let Some(error) = &c.last_error {
                        error_ui(ui, &format!("Last try failed: {error}"));
                    }
                }
                markdown_ui(ui, &c.body);
            }
        }
    }
    ui.separator();
    let edit_id = ui.make_persistent_id(("comment-draft", key.to_string()));
    let mut send =
        ui.memory(|m| m.has_focus(edit_id)) && ui.input_mut(|i| i.consume_shortcut(&SEND));
    let label = ui.weak("New comment");
    let edit = ui.add(
        egui::TextEdit::multiline(state.comment_draft_mut(key))
            .id(edit_id)
            .desired_rows(3)
            .desired_width(f32::INFINITY)
            .hint_text(format!("Comment on {} (Markdown)", issue.display_key)),
    );
    edit.labelled_by(label.id);
    ui.horizontal(|ui| {
        let why_not = if busy {
            "Wait until the comments are loaded or sent"
        } else {
            "Write something first"
        };
        send |= ui
            .add_enabled(state.can_comment(key), egui::Button::new("Comment"))
            .on_hover_text(format!(
                "Send it to {} now; kept here until it arrives",
                issue.display_key
            ))
            .on_disabled_hover_text(why_not)
            .clicked();
        ui.weak(format!("{} sends", ui.ctx().format_shortcut(&SEND)));
    });
    if send {
        state.add_comment(key);
    }
    if refresh {
        state.refresh_comments(key);
    }
    if let Some(id) = take_back {
        state.take_back_comment(key, id);
    }
}
