//! The engine's draft and tracker-settings operations over a temporary data
//! directory, the demo database and an in-memory keyring.

use std::sync::Arc;

use sr_config::{Paths, TrackersFile, local_entry};
use sr_engine::{Engine, EngineOptions};
use sr_secrets::{Keyring, Resolver, Secret, SecretRef};

async fn engine(dir: &tempfile::TempDir) -> (Engine, Keyring) {
    let paths = Paths {
        config_dir: dir.path().join("config"),
        data_dir: dir.path().join("data"),
    };
    std::fs::create_dir_all(&paths.config_dir).expect("config dir");
    std::fs::create_dir_all(&paths.data_dir).expect("data dir");
    let mut options = EngineOptions::new(paths);
    options.actor = "tester".into();
    let keyring = Keyring::in_memory();
    let resolver = Arc::new(Resolver::with_env(|_| None, keyring.clone()));
    let engine = Engine::open_with(options, resolver)
        .await
        .expect("engine opens");
    (engine, keyring)
}

#[tokio::test]
async fn drafts_describe_the_object_from_the_template() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (engine, _) = engine(&dir).await;
    let orders = engine.object("demo:main.orders").await.expect("orders");
    let draft = engine.draft_issue(&orders).await.expect("draft");
    assert_eq!(draft.title, "Table main.orders: ");
    for line in [
        "## Table `main.orders`",
        "### Columns",
        "```sql",
        "### References",
    ] {
        assert!(
            draft.body.lines().any(|l| l == line),
            "{line:?} missing in:\n{}",
            draft.body
        );
    }
    assert!(draft.body.contains("CREATE TABLE"), "{}", draft.body);
    assert!(draft.body.contains("- Rows (estimate): "), "{}", draft.body);

    // A user template in CONFIG_DIR/templates wins, without a restart.
    let templates = engine.paths().templates_dir();
    std::fs::create_dir_all(&templates).expect("templates dir");
    std::fs::write(
        templates.join("object_context.hbs"),
        "{{qualified_name}} is a {{kind}}",
    )
    .expect("write template");
    let draft = engine.draft_issue(&orders).await.expect("draft");
    assert!(
        draft.body.starts_with("main.orders is a Table"),
        "{}",
        draft.body
    );
}

#[tokio::test]
async fn saving_writes_references_and_keeps_secrets_in_the_keyring() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (engine, keyring) = engine(&dir).await;
    assert!(engine.provider_types().iter().any(|p| p.kind == "local"));

    let mut second = local_entry();
    second.name = "Scratch".into();
    second.config = serde_json::json!({"instance": "scratch"});
    let report = engine
        .test_tracker(second.clone(), Vec::new())
        .await
        .expect("a local tracker always answers");
    assert!(!report.checks.is_empty(), "{report:?}");

    let mut broken = second.clone();
    broken.config = serde_json::json!({"instance": "a:b"});
    let err = engine
        .test_tracker(broken.clone(), Vec::new())
        .await
        .expect_err("an instance with `:` is refused");
    assert!(err.to_string().contains("instance"), "{err}");

    let file = TrackersFile {
        trackers: vec![local_entry(), second],
    };
    let secret = (
        SecretRef::Keyring("tracker:Scratch:token".to_owned()),
        Secret::new("s3cret"),
    );
    engine
        .save_trackers(file, vec![secret])
        .await
        .expect("saved");
    let text = std::fs::read_to_string(engine.paths().trackers_file()).expect("written");
    assert!(
        text.contains("\"Scratch\"") && !text.contains("s3cret"),
        "{text}"
    );
    assert_eq!(
        keyring
            .get("tracker:Scratch:token")
            .map(|s| s.expose().to_owned())
            .ok(),
        Some("s3cret".into())
    );
    // The engine picked the file up without a restart.
    let names: Vec<String> = engine
        .tracker_statuses()
        .await
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["Local", "Scratch"]);

    // An invalid file is refused before anything is written.
    let bad = TrackersFile {
        trackers: vec![broken.clone(), broken],
    };
    let err = engine
        .save_trackers(bad, Vec::new())
        .await
        .expect_err("dup");
    assert!(err.to_string().contains("not saved"), "{err}");
    assert_eq!(
        std::fs::read_to_string(engine.paths().trackers_file()).ok(),
        Some(text)
    );
}

#[tokio::test]
async fn projects_users_and_ddl_attachments_for_the_create_dialog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (engine, _) = engine(&dir).await;
    let projects = engine.projects("Local").await.expect("projects");
    assert_eq!(projects.len(), 1, "{projects:?}");
    let users = engine.users("Local", None, "TEST").await.expect("users");
    assert_eq!(
        users.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        ["tester"]
    );
    let orders = engine.object("demo:main.orders").await.expect("orders");
    let draft = sr_model::IssueDraft::new("Orders", "body");
    let (issue, _) = engine
        .links()
        .create_and_link(
            None,
            &draft,
            "Local",
            &sr_links::LinkOptions::manual("tester"),
        )
        .await
        .expect("created");
    engine
        .attach_ddl("Local", &issue, &orders)
        .await
        .expect("attached");
    let svg = sr_model::AttachmentUpload {
        filename: "demo-er.svg".into(),
        content_type: "image/svg+xml".into(),
        description: "ER diagram of demo".into(),
        bytes: b"<svg/>".to_vec(),
    };
    engine
        .attach_upload("Local", &issue, &svg)
        .await
        .expect("the diagram attached");
    let err = engine
        .attach_upload("Nope", &issue, &svg)
        .await
        .expect_err("unknown tracker");
    assert!(err.to_string().contains("Nope"), "{err}");
    let err = engine.projects("Nope").await.expect_err("unknown tracker");
    assert!(err.to_string().contains("Nope"), "{err}");
}

#[tokio::test]
async fn removing_a_tracker_removes_the_keyring_entry_the_dialog_made() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (engine, keyring) = engine(&dir).await;
    let mut hub = local_entry();
    hub.name = "Hub".into();
    hub.kind = "github".into();
    hub.config = serde_json::json!({
        "owner": "acme", "repo": "db", "base_url": "http://127.0.0.1:9",
        "auth": {"type": "personal_token", "token": {"keyring": "tracker:Hub:auth.token"}}
    });
    let secret = (
        SecretRef::Keyring("tracker:Hub:auth.token".to_owned()),
        Secret::new("t0k"),
    );
    let file = TrackersFile {
        trackers: vec![local_entry(), hub],
    };
    engine
        .save_trackers(file, vec![secret])
        .await
        .expect("saved");
    assert!(keyring.get("tracker:Hub:auth.token").is_ok());
    keyring
        .set("someone-elses", &Secret::new("keep"))
        .expect("in-memory keyring");
    engine
        .save_trackers(TrackersFile::builtin(), Vec::new())
        .await
        .expect("saved");
    assert!(keyring.get("tracker:Hub:auth.token").is_err());
    assert!(keyring.get("someone-elses").is_ok());
}
