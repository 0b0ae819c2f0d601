//! The whiteboard's engine path: boards saved and loaded through the
//! engine with the store's version check, and the three templates a board
//! files from rendered over events shaped as the workbench sends them.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::sync::Arc;

use serde_json::json;
use sr_engine::{Engine, EngineError, EngineOptions};
use sr_secrets::{Keyring, Resolver};

async fn engine(dir: &std::path::Path) -> Engine {
    let paths =
        sr_config::Paths::resolve(Some(dir.join("config")), Some(dir.join("data"))).unwrap();
    let resolver = Arc::new(Resolver::with_env(|_| None, Keyring::in_memory()));
    let mut options = EngineOptions::new(paths);
    options.actor = "tester".into();
    Engine::open_with(options, resolver).await.unwrap()
}

#[tokio::test]
async fn boards_round_trip_and_conflicts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    assert!(engine.load_board("demo").await.unwrap().is_none());
    assert_eq!(engine.save_board("demo", "{}", 0).await.unwrap(), 1);
    assert_eq!(engine.save_board("demo", r#"{"a":1}"#, 1).await.unwrap(), 2);
    let stale = engine.save_board("demo", r#"{"b":1}"#, 1).await;
    match stale {
        Err(EngineError::Store(e)) => {
            let text = e.to_string();
            assert!(
                text.contains("saved elsewhere") && text.contains("reload"),
                "{text}"
            );
        }
        other => panic!("a stale save must fail: {other:?}"),
    }
    let stored = engine.load_board("demo").await.unwrap().unwrap();
    assert_eq!(
        (stored.document.as_str(), stored.version),
        (r#"{"a":1}"#, 2)
    );
    engine.store().close().await;
}

#[tokio::test]
async fn board_templates_render_from_the_workbench_events() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    // (template, event as the workbench builds it, title, text in the body)
    let cases = [
        (
            "sticky_note",
            json!({"event": "note.promoted", "connection": "demo", "object": "whiteboard",
                   "data": {"note": {"title": "Slow report", "text": "Slow report\nMondays *only*",
                            "board": "Whiteboard of demo", "color": "yellow"}, "linked_objects": []}}),
            "Slow report",
            "Mondays \\*only\\*",
        ),
        (
            "adr",
            json!({"event": "decision.recorded", "connection": "demo", "object": "whiteboard",
                   "data": {"decision": {"number": 3, "title": "Keep status as text", "status": "accepted",
                            "context": "Keep status as text?", "decision": "TEXT with CHECK",
                            "consequences": "To be written.",
                            "alternatives": [{"option": "enum", "why_not": "not chosen on the whiteboard"}]},
                            "related_objects": []}}),
            "ADR-3: Keep status as text",
            "TEXT with CHECK",
        ),
        (
            "design_review",
            json!({"event": "design.submitted", "connection": "demo", "object": "whiteboard",
                   "data": {"design": {"title": "Whiteboard of demo", "description": "- Slow report",
                            "diagram": "whiteboard of demo (2 items)"},
                            "changes": [], "ddl": "", "reviewers": [], "questions": ["Keep status as text?"]}}),
            "Design review: Whiteboard of demo",
            "Keep status as text?",
        ),
    ];
    for (template, event, title, body_has) in cases {
        let draft = engine.render_template(template, &event).await.unwrap();
        assert_eq!(draft.title, title, "{template}");
        assert!(draft.body.contains(body_has), "{template}: {}", draft.body);
        // The engine's actor says who filed it.
        assert!(draft.body.contains("tester"), "{template}: {}", draft.body);
    }
    engine.store().close().await;
}
