//! A tracker that cannot be used is explained by its real cause wherever
//! it is looked up — by name (create, search, test), by issue key, in the
//! statuses, and through the GUI's command channel — never as "no tracker
//! is named": an unset variable, a missing keyring entry, a locked
//! encrypted file, a disabled entry, and an unknown name with a
//! did-you-mean. Unlocking the encrypted file makes its tracker usable.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::sync::Arc;
use std::time::Duration;

use sr_engine::IssueCommand;
use sr_engine::{Command, Engine, EngineHandle, EngineOptions, Event};
use sr_model::{IssueKey, SearchQuery};
use sr_secrets::{EncryptedFile, Keyring, Resolver, Secret};

const TRACKERS: &str = r#"{"trackers": [
  {"name": "Local", "type": "local"},
  {"name": "env-gh", "type": "github", "config": {"owner": "acme", "repo": "db",
    "auth": {"type": "personal_token", "token": "${SR_UNSET_TOKEN}"}}},
  {"name": "kr-gh", "type": "github", "config": {"owner": "acme", "repo": "db",
    "auth": {"type": "personal_token", "token": {"keyring": "tracker:kr-gh:auth.token"}}}},
  {"name": "enc-gl", "type": "gitlab", "config": {"project": "acme/db",
    "auth": {"type": "personal_token", "token": {"encrypted": "tracker:enc-gl:auth.token"}}}},
  {"name": "off", "type": "jira", "enabled": false, "config": {"base_url": "https://acme.atlassian.net",
    "project_key": "DB", "auth": {"type": "bearer", "token": "${SR_UNSET_TOKEN}"}}}
]}"#;

struct Setup {
    _dir: tempfile::TempDir,
    options: EngineOptions,
    encrypted: Arc<EncryptedFile>,
}

/// A data directory whose encrypted file holds the GitLab token under
/// `passphrase`, and a fresh (locked) handle on that file.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let paths = sr_config::Paths::resolve(
        Some(dir.path().join("config")),
        Some(dir.path().join("data")),
    )
    .unwrap();
    std::fs::create_dir_all(&paths.config_dir).unwrap();
    std::fs::write(paths.trackers_file(), TRACKERS).unwrap();
    let writer = EncryptedFile::new(paths.secrets_file());
    writer.unlock(Secret::new("a long passphrase")).unwrap();
    writer
        .set("tracker:enc-gl:auth.token", &Secret::new("glpat-stored"))
        .unwrap();
    let encrypted = Arc::new(EncryptedFile::new(paths.secrets_file()));
    let mut options = EngineOptions::new(paths);
    options.actor = "tester".into();
    Setup {
        _dir: dir,
        options,
        encrypted,
    }
}

fn resolver(encrypted: &Arc<EncryptedFile>) -> Arc<Resolver> {
    Arc::new(Resolver::with_env(|_| None, Keyring::in_memory()).with_encrypted(encrypted.clone()))
}

/// The error a look-up by name gives, with its cause code.
fn by_name(engine: &Engine, name: &str) -> (String, Option<&'static str>) {
    let err = engine.links().trackers().by_name(name).err().unwrap();
    (err.to_string(), err.unusable().map(|c| c.code()))
}

#[tokio::test]
async fn every_cause_is_named_by_every_look_up() {
    let s = setup();
    let engine = Engine::open_with(s.options.clone(), resolver(&s.encrypted))
        .await
        .unwrap();

    let cases: &[(&str, &str, &[&str])] = &[
        (
            "env-gh",
            "env_unset",
            &[
                "tracker `env-gh` cannot read its secret config.auth.token",
                "environment variable `SR_UNSET_TOKEN` is not set",
                "export SR_UNSET_TOKEN=",
            ],
        ),
        (
            "kr-gh",
            "keyring_missing",
            &[
                "tracker `kr-gh` cannot read its secret config.auth.token",
                "no keyring entry `tracker:kr-gh:auth.token`",
                "scratchrobin secret set tracker:kr-gh:auth.token",
            ],
        ),
        (
            "enc-gl",
            "encrypted_locked",
            &[
                "tracker `enc-gl` cannot read its secret config.auth.token",
                "secrets.enc, which is locked",
                "SCRATCHROBIN_SECRETS_PASSPHRASE",
            ],
        ),
        (
            "off",
            "disabled",
            &["tracker `off` is disabled", "\"enabled\": true"],
        ),
        (
            "en-gh",
            "not_configured",
            &[
                "no tracker is named `en-gh`; did you mean `env-gh`?",
                "configured trackers: Local, env-gh, kr-gh, enc-gl, off",
            ],
        ),
    ];
    let statuses = engine.tracker_statuses().await;
    for (name, code, says) in cases {
        let (message, cause) = by_name(&engine, name);
        assert_eq!(cause, Some(*code), "{name}: {message}");
        for words in *says {
            assert!(
                message.contains(words),
                "{name}: `{words}` missing in: {message}"
            );
        }
        assert!(!message.contains("glpat-stored"), "{message}");
        // The statuses (tracker list, the Settings dialog) say the same.
        if let Some(status) = statuses.iter().find(|st| st.name == *name) {
            assert_eq!(status.problem.as_deref(), Some(message.as_str()));
            assert_eq!(status.cause.as_deref(), Some(*code));
        }
        // So do the operations that name a tracker.
        let searched = engine
            .links()
            .search(name, &SearchQuery::default())
            .await
            .unwrap_err()
            .to_string();
        assert!(searched.contains(&message), "{name}: {searched}");
    }

    // An issue key of a type whose only tracker is unusable: that cause.
    let key: IssueKey = "github:github.com/acme/db:7".parse().unwrap();
    let by_key = engine.links().issue(&key).await.unwrap_err().to_string();
    assert!(
        by_key.contains("tracker `env-gh` cannot read its secret"),
        "{by_key}"
    );

    // The passphrase typed in the workbench unlocks the file; its tracker
    // is then built.
    let storage = engine
        .unlock_secrets(Secret::new("a long passphrase"))
        .await
        .unwrap();
    assert!(storage.encrypted.unwrap().unlocked);
    let gitlab = engine.links().tracker("enc-gl").unwrap();
    assert_eq!(gitlab.info().name, "enc-gl");
    let wrong = Arc::new(EncryptedFile::new(s.encrypted.path()));
    let other = Engine::open_with(s.options.clone(), resolver(&wrong))
        .await
        .unwrap();
    let refused = other
        .unlock_secrets(Secret::new("not the passphrase"))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("the passphrase does not open"),
        "{refused}"
    );
}

/// The GUI's path: a command naming an unusable tracker fails with the
/// cause, as the toast and the dialogs show it.
#[test]
fn gui_commands_fail_with_the_cause() {
    let s = setup();
    let (tx, _wake) = std::sync::mpsc::channel();
    let repaint: sr_engine::Repaint = Arc::new(move || {
        tx.send(()).ok();
    });
    let (handle, events) =
        EngineHandle::spawn_with(s.options.clone(), resolver(&s.encrypted), repaint).unwrap();
    let search = handle
        .request(Command::Issues(IssueCommand::Search {
            request: 1,
            tracker: "env-gh".into(),
            query: SearchQuery::default(),
        }))
        .expect("the engine runs");
    let failed = loop {
        let answer = events.recv_timeout(Duration::from_secs(60)).unwrap();
        match answer.event {
            Event::Failed(f) => {
                assert_eq!(answer.request, Some(search));
                assert_eq!(f.kind, sr_engine::FailureKind::Tracker, "{f:?}");
                break f.message;
            }
            Event::Fatal(m) => panic!("{m}"),
            _ => {}
        }
    };
    assert!(
        failed.contains("environment variable `SR_UNSET_TOKEN` is not set"),
        "{failed}"
    );
    assert!(!failed.contains("no tracker is named"), "{failed}");
}
