//! Issues filed from a whiteboard: a note's (`sticky_note`), a
//! decision's ADR (`adr`) and the board's design review
//! (`design_review`), each through the Create Issue dialog with the
//! template rendered by the engine; the item (or board) then keeps the
//! issue's key.

use serde_json::json;
use sr_engine::Command;
use sr_model::{Issue, ObjectKind, ObjectRef};

use super::super::{CreateIssueDialog, Dialog, Load, UiState};
use crate::model::board::{Board, ItemId, ItemKind, Op};
use sr_engine::{IssueCommand, TrackerCommand};

/// What a Create Issue dialog opened from a board files: a note's issue,
/// a decision's ADR (`item`), or the board's design review (`None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardTarget {
    pub connection: String,
    pub item: Option<ItemId>,
}

impl BoardTarget {
    /// What the dialog says it is for.
    pub fn describe(&self, board: Option<&Board>) -> String {
        let kind = self
            .item
            .and_then(|id| board?.item(id))
            .map(|i| i.kind.label().to_lowercase());
        match (self.item, kind) {
            (Some(id), Some(kind)) => {
                format!("For {kind} {id} on the whiteboard of {}", self.connection)
            }
            _ => format!("Design review of the whiteboard of {}", self.connection),
        }
    }
}

/// The object a board's Create Issue dialog is about: the connection
/// itself, since the issue is not linked to a database object.
fn board_object(connection: &str) -> ObjectRef {
    ObjectRef::new(
        connection,
        ObjectKind::Database,
        connection,
        "",
        "whiteboard",
    )
}

/// A title from the first non-blank line of `text`.
pub fn first_line(text: &str, fallback: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty());
    let title: String = line.unwrap_or(fallback).chars().take(120).collect();
    title
}

impl UiState {
    /// "Create issue" on a note: the Create Issue dialog, prefilled from
    /// the note and then from the `sticky_note` template.
    pub fn create_issue_from_note(&mut self, connection: &str, id: ItemId) {
        let Some(ItemKind::Note { text, colour, .. }) = self.board_item(connection, id) else {
            return;
        };
        let title = first_line(&text, "Whiteboard note");
        let event = json!({
            "event": "note.promoted",
            "connection": connection,
            "object": "whiteboard",
            "data": {
                "note": {
                    "title": title,
                    "text": text,
                    "board": format!("Whiteboard of {connection}"),
                    "color": colour.name(),
                },
                "linked_objects": [],
            },
        });
        self.open_board_dialog(
            connection,
            Some(id),
            title,
            text,
            "whiteboard",
            "sticky_note",
            event,
        );
    }

    /// "Record decision" on a decision node: an ADR from the `adr` template.
    pub fn record_decision(&mut self, connection: &str, id: ItemId) {
        let Some(ItemKind::Decision {
            question,
            options,
            chosen,
            ..
        }) = self.board_item(connection, id)
        else {
            return;
        };
        let decided = chosen.and_then(|c| options.get(c)).cloned();
        let alternatives: Vec<_> = options
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != chosen)
            .map(|(_, o)| json!({"option": o, "why_not": "not chosen on the whiteboard"}))
            .collect();
        let title = first_line(&question, "Decision");
        let event = json!({
            "event": "decision.recorded",
            "connection": connection,
            "object": "whiteboard",
            "data": {
                "decision": {
                    "number": id,
                    "title": title,
                    "status": if decided.is_some() { "accepted" } else { "proposed" },
                    "context": question,
                    "decision": decided.clone().unwrap_or_else(|| "Not decided yet.".into()),
                    "consequences": "To be written.",
                    "alternatives": alternatives,
                },
                "related_objects": [],
            },
        });
        let body = format!("{question}\n\nDecision: {}", decided.unwrap_or_default());
        self.open_board_dialog(
            connection,
            Some(id),
            format!("ADR-{id}: {title}"),
            body,
            "adr, decision",
            "adr",
            event,
        );
    }

    /// "Submit for approval": a design-review issue for the whole board.
    pub fn submit_board(&mut self, connection: &str) {
        let Some(w) = self.whiteboards.boards.get(connection) else {
            return;
        };
        let notes: Vec<String> = w
            .board
            .items
            .iter()
            .filter(|i| matches!(i.kind, ItemKind::Note { .. } | ItemKind::Text { .. }))
            .map(|i| format!("- {}", first_line(i.kind.text(), "(empty)")))
            .collect();
        let questions: Vec<String> = w
            .board
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Decision {
                    question,
                    chosen: None,
                    ..
                } => Some(question.clone()),
                _ => None,
            })
            .collect();
        let title = format!("Whiteboard of {connection}");
        let description = notes.join("\n");
        let event = json!({
            "event": "design.submitted",
            "connection": connection,
            "object": "whiteboard",
            "data": {
                "design": {
                    "title": title,
                    "description": description,
                    "diagram": format!("whiteboard of {connection} ({} items)", w.board.items.len()),
                },
                "changes": [],
                "ddl": "",
                "reviewers": [],
                "questions": questions,
            },
        });
        self.open_board_dialog(
            connection,
            None,
            format!("Design review: {title}"),
            description,
            "design-review",
            "design_review",
            event,
        );
    }

    fn board_item(&self, connection: &str, id: ItemId) -> Option<ItemKind> {
        Some(
            self.whiteboards
                .boards
                .get(connection)?
                .board
                .item(id)?
                .kind
                .clone(),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn open_board_dialog(
        &mut self,
        connection: &str,
        item: Option<ItemId>,
        title: String,
        body: String,
        labels: &str,
        template: &str,
        event: serde_json::Value,
    ) {
        let object = board_object(connection);
        let request = self.next_request();
        let mut dialog =
            CreateIssueDialog::new(object.clone(), self.default_tracker(), title, body);
        dialog.origin = Some(Box::new(BoardTarget {
            connection: connection.to_owned(),
            item,
        }));
        dialog.labels = labels.to_owned();
        dialog.link = false;
        dialog.attach_ddl = false;
        dialog.drafting = Some(request);
        self.dialog = Some(Dialog::CreateIssue(dialog));
        self.send(Command::Issues(IssueCommand::DraftFromTemplate {
            request,
            object,
            template: template.to_owned(),
            event,
        }));
        self.load_projects();
        if matches!(self.trackers, Load::Idle) {
            self.send(Command::Trackers(TrackerCommand::Load));
        }
    }

    /// The issue filed from a board: the note or decision (or the board's
    /// review) keeps its key, as one undoable step.
    pub(crate) fn board_issue_created(&mut self, target: BoardTarget, issue: &Issue) {
        let key = issue.key().clone();
        self.whiteboards
            .issues
            .insert(key.clone(), issue.reference.clone());
        let Some(w) = self.whiteboards.boards.get_mut(&target.connection) else {
            return;
        };
        let op = match target.item {
            None => Op::SetReview(Some(key)),
            Some(id) => {
                let Some(item) = w.board.item(id) else { return };
                let mut kind = item.kind.clone();
                if let ItemKind::Note { issue, .. } | ItemKind::Decision { issue, .. } = &mut kind {
                    *issue = Some(key);
                }
                Op::SetKind { id, kind }
            }
        };
        w.perform(op);
    }
}
