//! The whiteboard driven by accessible labels over a real engine: add a
//! note, edit it in place, undo and redo, turn it into an issue of the
//! local tracker, submit the board for approval, close both issues with
//! the `scratchrobin` binary (`issue close`, another process on the same
//! data directory), and see the note show its issue done and the board
//! approved. The board was saved to the store on the way, issue keys
//! included. It lives beside the binary's tests so the binary is built.

use crate::ui_common as common;

use std::process::Command;
use std::sync::Arc;

use common::Workbench;
use egui_kittest::kittest::Queryable;
use sr_config::Paths;
use sr_engine::{Engine, EngineOptions};
use sr_model::{IssueKey, IssueState};
use sr_secrets::{Keyring, Resolver};
use sr_ui::model::board::ItemKind;

const CONNECTION: &str = "demo";
const NOTE: &str = "Orders report is slow on Mondays";

fn board(bench: &Workbench) -> &sr_ui::state::Whiteboard {
    bench
        .state()
        .whiteboards
        .boards
        .get(CONNECTION)
        .expect("the demo whiteboard is open")
}

fn note_text(bench: &Workbench) -> Option<String> {
    board(bench).board.items.iter().find_map(|i| match &i.kind {
        ItemKind::Note { text, .. } => Some(text.clone()),
        _ => None,
    })
}

/// Takes the pointer to a corner, so pictures do not depend on where the
/// last click was, then compares the window with the snapshot `name`.
fn snapshot(bench: &mut Workbench, name: &str) {
    bench
        .harness
        .event(egui::Event::PointerMoved(egui::pos2(1275.0, 795.0)));
    bench.harness.step();
    bench.snapshot(name);
}

fn press(bench: &mut Workbench, modifiers: egui::Modifiers, key: egui::Key) {
    bench.harness.key_press_modifiers(modifiers, key);
    bench.harness.step();
    bench.harness.step();
}

/// Fills Create Issue once the template's draft is in, creates, and
/// waits for the dialog to close.
fn create_from_dialog(bench: &mut Workbench, body_has: &str) {
    bench.wait_for("the template's draft", |h| {
        matches!(&h.state().state.dialog,
            Some(sr_ui::state::Dialog::CreateIssue(d)) if d.drafting.is_none())
    });
    match &bench.state().dialog {
        Some(sr_ui::state::Dialog::CreateIssue(d)) => {
            assert!(d.description.contains(body_has), "{}", d.description);
            assert!(
                d.origin.is_some(),
                "the dialog knows it files for the board"
            );
        }
        other => panic!("no Create Issue dialog: {other:?}"),
    }
    // The dialog grows with the draft; let its layout settle before
    // clicking, or the click lands where the button was.
    for _ in 0..6 {
        bench.harness.step();
    }
    bench.harness.get_by_label("Create").click();
    bench.wait_for("the issue to be created", |h| {
        h.state().state.dialog.is_none()
    });
}

/// Closes `keys` with the `scratchrobin` binary on the workbench's
/// directories, then reads the stored board back.
fn close_with_the_cli(bench: &Workbench, keys: &[IssueKey]) -> Option<String> {
    let paths = Paths {
        config_dir: bench.dir.path().join("config"),
        data_dir: bench.dir.path().join("data"),
    };
    for key in keys {
        let out = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
            .arg("--data-dir")
            .arg(&paths.data_dir)
            .arg("--config-dir")
            .arg(&paths.config_dir)
            .args(["issue", "close", &key.to_string(), "--json"])
            .env_remove("SCRATCHROBIN_STORE")
            .output()
            .expect("run scratchrobin");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "issue close {key}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let closed: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
        assert_eq!(closed["status"]["state"], "done", "{closed}");
    }
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let resolver = Arc::new(Resolver::with_env(|_| None, Keyring::in_memory()));
        let engine = Engine::open_with(EngineOptions::new(paths), resolver)
            .await
            .expect("a second engine opens the same data directory");
        let stored = engine.load_board(CONNECTION).await.expect("load the board");
        engine.store().close().await;
        stored.map(|b| b.document)
    })
}

fn open_board(bench: &mut Workbench) {
    bench.harness.get_by_label("View").click();
    bench.wait_for_label("Whiteboard");
    bench.harness.get_by_label("Whiteboard").click();
    bench.wait_for_label("➕ Note");
}

/// Adds an item with the toolbar button `button` and types `text` into it.
fn add_item(bench: &mut Workbench, button: &str, editor: &str, text: &str) {
    bench.harness.get_by_label(button).click();
    bench.wait_for_label(editor);
    common::text_box(&bench.harness, editor).focus();
    bench.harness.step();
    bench
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    bench.harness.step();
    common::text_box(&bench.harness, editor).type_text(text);
    bench.harness.step();
    press(bench, egui::Modifiers::NONE, egui::Key::Escape);
}

/// Drags with the primary button from `from` to `to` in a few moves.
fn drag(bench: &mut Workbench, from: egui::Pos2, to: egui::Pos2) {
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    bench.harness.event(egui::Event::PointerMoved(from));
    bench.harness.step();
    bench.harness.event(button(from, true));
    bench.harness.step();
    for i in 1..=4 {
        let t = i as f32 / 4.0;
        bench
            .harness
            .event(egui::Event::PointerMoved(from + (to - from) * t));
        bench.harness.step();
    }
    bench.harness.event(button(to, false));
    bench.harness.step();
    bench.harness.step();
}

fn centre(bench: &Workbench, label: &str) -> egui::Pos2 {
    bench.harness.get_by_label(label).rect().center()
}

fn bounds(bench: &Workbench, id: u64) -> sr_ui::model::board::Bounds {
    board(bench).board.item(id).expect("the item").bounds
}

#[test]
fn items_move_resize_connect_delete_and_a_decision_files_an_adr() {
    let mut bench = Workbench::start();
    open_board(&mut bench);
    add_item(&mut bench, "➕ Note", "Note text", "Add an index");
    add_item(&mut bench, "➕ Decision", "Decision text", "Which index?");
    let decision = "Decision 2: Which index?";
    bench.wait_for_label(decision);

    // Drag the decision away; undo and redo the move.
    let before = bounds(&bench, 2);
    let from = centre(&bench, decision);
    drag(&mut bench, from, from + egui::vec2(150.0, 170.0));
    let moved = bounds(&bench, 2);
    assert_eq!((moved.x - before.x, moved.y - before.y), (150.0, 170.0));
    press(&mut bench, egui::Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(bounds(&bench, 2), before);
    press(&mut bench, egui::Modifiers::COMMAND, egui::Key::Y);
    assert_eq!(bounds(&bench, 2), moved);

    // Resize the note by its corner handle.
    bench.harness.get_by_label("Note 1: Add an index").click();
    bench.harness.step();
    let note = bounds(&bench, 1);
    let corner = centre(&bench, "Resize");
    drag(&mut bench, corner, corner + egui::vec2(40.0, 30.0));
    let grown = bounds(&bench, 1);
    assert_eq!((grown.w - note.w, grown.h - note.h), (40.0, 30.0));

    // Connect the note to the decision.
    bench.harness.get_by_label("↗ Connector").click();
    bench.harness.step();
    bench.harness.get_by_label("Note 1: Add an index").click();
    bench.harness.step();
    bench.harness.get_by_label(decision).click();
    bench.harness.step();
    let connectors: Vec<(u64, u64)> = board(&bench)
        .board
        .items
        .iter()
        .filter_map(|i| match i.kind {
            ItemKind::Connector { from, to, .. } => Some((from, to)),
            _ => None,
        })
        .collect();
    assert_eq!(connectors, vec![(1, 2)]);

    // The decision becomes an ADR.
    // From its context menu (the toolbar offers it too for a selected one).
    bench.harness.get_by_label(decision).click_secondary();
    bench.wait_for_label("Record decision…");
    bench.harness.get_by_label("Record decision…").click();
    create_from_dialog(&mut bench, "Architecture Decision Record 2");
    assert!(
        board(&bench)
            .board
            .item(2)
            .and_then(|i| i.kind.issue())
            .is_some()
    );
    bench.wait_for("the board to be saved", |h| {
        let w = &h.state().state.whiteboards.boards[CONNECTION];
        w.dirty.is_none() && !w.saving && w.problem.is_none()
    });
    snapshot(&mut bench, "whiteboard_items");

    // Delete takes the note and its connector; undo brings both back.
    bench.harness.get_by_label("Note 1: Add an index").click();
    bench.harness.step();
    press(&mut bench, egui::Modifiers::NONE, egui::Key::Delete);
    let ids =
        |bench: &Workbench| -> Vec<u64> { board(bench).board.items.iter().map(|i| i.id).collect() };
    assert_eq!(ids(&bench), vec![2]);
    press(&mut bench, egui::Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(ids(&bench).len(), 3);
}

#[test]
fn a_note_becomes_an_issue_and_shows_it_done() {
    let mut bench = Workbench::start();
    open_board(&mut bench);

    // A new note is edited in place at once.
    bench.harness.get_by_label("➕ Note").click();
    bench.wait_for_label("Note text");
    common::text_box(&bench.harness, "Note text").type_text(NOTE);
    bench.harness.step();
    press(&mut bench, egui::Modifiers::NONE, egui::Key::Escape);
    assert_eq!(note_text(&bench).as_deref(), Some(NOTE));
    bench.wait_for_label(&format!("Note 1: {NOTE}"));

    // Undo takes the text back, redo brings it again.
    press(&mut bench, egui::Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(note_text(&bench).as_deref(), Some(""));
    press(
        &mut bench,
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    assert_eq!(note_text(&bench).as_deref(), Some(NOTE));

    // The note (still selected) becomes an issue from the sticky_note template.
    bench
        .harness
        .get_by_label(&format!("Note 1: {NOTE}"))
        .click();
    bench.harness.step();
    bench.harness.get_by_label("Create issue").click();
    create_from_dialog(&mut bench, "From a Whiteboard Note");
    let key = board(&bench).board.items[0]
        .kind
        .issue()
        .cloned()
        .expect("the note keeps its issue");
    assert_eq!(key.provider, "local");

    bench.harness.get_by_label("Submit for approval").click();
    create_from_dialog(&mut bench, "Design Review Request");
    let review = board(&bench)
        .board
        .review
        .clone()
        .expect("the board keeps its review");
    bench.wait_for_label("In review:");

    // The edits reach the store.
    bench.wait_for("the board to be saved", |h| {
        let w = &h.state().state.whiteboards.boards[CONNECTION];
        w.dirty.is_none() && !w.saving && w.version >= 1 && w.problem.is_none()
    });
    snapshot(&mut bench, "whiteboard_note_issue");

    let stored = close_with_the_cli(&bench, &[key.clone(), review]).expect("a stored board");
    assert!(stored.contains(&key.to_string()), "{stored}");
    assert!(stored.contains(NOTE), "{stored}");

    bench.harness.get_by_label("⟳ Refresh statuses").click();
    bench.wait_for("the note's issue to show done", |h| {
        h.state()
            .state
            .whiteboards
            .status(&key)
            .is_some_and(|r| r.status.state == IssueState::Done)
    });
    let done = bench
        .state()
        .whiteboards
        .status(&key)
        .cloned()
        .expect("seen");
    bench.wait_for_label(&format!(
        "Note 1: {NOTE} · {} {}",
        done.display_key, done.status.name
    ));
    bench.wait_for("the board to show approved", |h| {
        h.query_by_label_contains("✔ Approved").is_some()
    });
    snapshot(&mut bench, "whiteboard_note_done");
}
