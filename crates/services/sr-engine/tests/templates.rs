//! The template editor's engine path: an override saved, loaded and reset
//! through the engine, invalid text and unknown names refused.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::sync::Arc;

use sr_engine::{Engine, EngineError, EngineOptions, TemplateText};
use sr_secrets::{Keyring, Resolver};
use sr_templates::TemplateError;

async fn engine(dir: &std::path::Path) -> Engine {
    let paths =
        sr_config::Paths::resolve(Some(dir.join("config")), Some(dir.join("data"))).unwrap();
    let resolver = Arc::new(Resolver::with_env(|_| None, Keyring::in_memory()));
    Engine::open_with(EngineOptions::new(paths), resolver)
        .await
        .unwrap()
}

fn text(name: &str, text: &str, overridden: bool) -> TemplateText {
    TemplateText {
        name: name.into(),
        text: text.into(),
        overridden,
    }
}

#[tokio::test]
async fn save_load_reset_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let builtin = sr_templates::builtin_text("drift_detection").unwrap();
    let file = dir.path().join("config/templates/drift_detection.hbs");

    let loaded = engine.load_template("drift_detection").await.unwrap();
    assert_eq!(loaded, text("drift_detection", builtin, false));

    let mine = "# Drift on {{connection}}\n\n{{drift.summary}}\n";
    let saved = engine.save_template("drift_detection", mine).await.unwrap();
    assert_eq!(saved, text("drift_detection", mine, true));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), mine);
    let loaded = engine.load_template("drift_detection").await.unwrap();
    assert_eq!(loaded, text("drift_detection", mine, true));
    // The override is what the engine's templates now render.
    let templates = engine.templates().await.unwrap();
    assert_eq!(
        templates.origin("drift_detection"),
        Some(&*file.display().to_string())
    );

    let reset = engine.reset_template("drift_detection").await.unwrap();
    assert_eq!(reset, text("drift_detection", builtin, false));
    assert!(!file.exists());
    // Resetting what is not overridden is fine.
    let again = engine.reset_template("drift_detection").await.unwrap();
    assert_eq!(again, text("drift_detection", builtin, false));
}

#[tokio::test]
async fn invalid_text_and_unknown_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let bad = engine
        .save_template("drift_detection", "# {{drift.nope}}")
        .await;
    match bad {
        Err(EngineError::Templates(TemplateError::TemplateVariable { variable, line, .. })) => {
            assert_eq!((variable.as_str(), line), ("drift.nope", 1));
        }
        other => panic!("expected a variable error, got {other:?}"),
    }
    assert!(
        !dir.path()
            .join("config/templates")
            .join("drift_detection.hbs")
            .exists()
    );
    for name in ["../trackers", "nope", ""] {
        let got = engine.save_template(name, "# x").await;
        assert!(
            matches!(
                got,
                Err(EngineError::Templates(TemplateError::NoSuchTemplate { .. }))
            ),
            "{name}: {got:?}"
        );
        let got = engine.load_template(name).await;
        assert!(
            matches!(
                got,
                Err(EngineError::Templates(TemplateError::NoSuchTemplate { .. }))
            ),
            "{name}"
        );
    }
}
