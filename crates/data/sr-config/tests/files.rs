//! Reading and writing real files: the documented example, a missing file,
//! an unreadable one, and atomic saves that never hold a resolved secret.

use crate::common;

use std::path::{Path, PathBuf};

use sr_config::{
    ConfigErrorKind, LOCAL_TRACKER_NAME, TrackersFile, load_trackers, local_entry, save_trackers,
};
use sr_config::{SyncMode, TrackerEntry};
use sr_secrets::{Keyring, Resolver, Secret, SecretRef};

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../config/trackers.example.json")
}

#[test]
fn the_example_file_loads() {
    let file = load_trackers(&example_path(), &common::registry()).unwrap();
    let kinds: Vec<(&str, &str, bool)> = file
        .trackers
        .iter()
        .map(|t| (t.name.as_str(), t.kind.as_str(), t.enabled))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("Local", "local", true),
            ("GitHub Issues", "github", true),
            ("Company GitLab", "gitlab", false),
            ("Company Jira", "jira", true),
            ("Azure Boards", "azure_devops", false),
            ("Company Redmine", "redmine", false),
            ("Linear", "linear", false),
            ("YouTrack", "youtrack", false),
        ]
    );
    let jira = file.find("Company Jira").unwrap();
    assert_eq!(jira.sync.mode, SyncMode::Bidirectional);
    assert_eq!(
        jira.sync.webhook_secret,
        Some(SecretRef::Keyring("jira-webhook-secret".into()))
    );
    assert_eq!(jira.config["auth"]["token"], "${JIRA_API_TOKEN}");
    assert_eq!(
        file.find("Company GitLab")
            .unwrap()
            .sync
            .poll_interval_minutes,
        15
    );
}

#[test]
fn the_readme_documents_every_field_of_the_example() {
    let readme = std::fs::read_to_string(example_path().with_file_name("README.md")).unwrap();
    let example: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example_path()).unwrap()).unwrap();
    let mut keys = Vec::new();
    collect_keys(&example, &mut keys);
    for key in keys {
        assert!(
            readme.contains(&format!("`{key}`")),
            "config/README.md does not explain `{key}`"
        );
    }
}

fn collect_keys(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                collect_keys(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_keys(v, out)),
        _ => {}
    }
}

#[test]
fn a_missing_file_means_the_builtin_local_tracker() {
    let dir = tempfile::tempdir().unwrap();
    let file = load_trackers(&dir.path().join("trackers.json"), &common::registry()).unwrap();
    assert_eq!(file, TrackersFile::builtin());
    assert_eq!(file.trackers, vec![local_entry()]);
    assert_eq!(file.trackers[0].name, LOCAL_TRACKER_NAME);
}

#[test]
fn errors_name_the_file_that_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trackers.json");
    std::fs::write(&path, "{\n  \"trackers\": [],\n  \"extra\": 1\n}\n").unwrap();
    let err = load_trackers(&path, &common::registry()).unwrap_err();
    assert_eq!(err.kind, ConfigErrorKind::UnknownField);
    assert_eq!((err.line, err.column), (Some(3), Some(3)));
    assert_eq!(
        err.to_string(),
        format!(
            "{}:3:3: unknown field \"extra\" at the top level; remove it, or use one of \"trackers\"",
            path.display()
        )
    );

    let err = load_trackers(dir.path(), &common::registry()).unwrap_err();
    assert_eq!(err.kind, ConfigErrorKind::Io);
    assert!(
        err.to_string()
            .starts_with(&format!("{}: cannot read", dir.path().display()))
    );

    std::fs::write(&path, b"{\"trackers\": [\xff]}").unwrap();
    let err = load_trackers(&path, &common::registry()).unwrap_err();
    assert!(
        err.to_string()
            .contains("not UTF-8 text (bad byte at offset 14)"),
        "{err}"
    );
}

#[test]
fn saving_writes_references_never_resolved_values() {
    let secret = "s3cr3t-value-that-must-not-leak";
    let resolver = Resolver::with_env(
        move |name| (name == "TOKEN").then(|| secret.to_owned()),
        Keyring::in_memory(),
    );
    resolver
        .keyring()
        .set("hook", &Secret::new(secret))
        .unwrap();
    let mut entry = TrackerEntry {
        name: "GitHub".into(),
        kind: "github".into(),
        enabled: true,
        config: serde_json::json!({"owner": "o", "repo": "r", "auth": {"type": "personal_token", "token": "${TOKEN}"}}),
        sync: Default::default(),
    };
    entry.sync.webhook_secret = Some(SecretRef::Keyring("hook".into()));
    // The references do resolve to the secret, so the file could leak it.
    let token = SecretRef::Env("${TOKEN}".into());
    assert_eq!(resolver.resolve(&token).unwrap().expose(), secret);
    let hook = entry.sync.webhook_secret.clone().unwrap();
    assert_eq!(resolver.resolve(&hook).unwrap().expose(), secret);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/trackers.json");
    let file = TrackersFile {
        trackers: vec![local_entry(), entry],
    };
    save_trackers(&path, &file).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(secret), "{text}");
    assert!(text.contains(r#""token": "${TOKEN}""#), "{text}");
    assert!(text.contains(r#""keyring": "hook""#), "{text}");
    assert_eq!(load_trackers(&path, &common::registry()).unwrap(), file);
}

#[test]
fn saving_replaces_the_file_atomically_and_keeps_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trackers.json");
    std::fs::write(&path, "old").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let example = load_trackers(&example_path(), &common::registry()).unwrap();
    save_trackers(&path, &example).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("{\n  \"trackers\": [\n"), "{text}");
    assert!(text.ends_with("}\n"));
    assert_eq!(load_trackers(&path, &common::registry()).unwrap(), example);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["trackers.json"],
        "no temporary file is left behind"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
}
