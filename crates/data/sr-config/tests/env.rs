//! `${VAR}` references that cannot be resolved now, as data: each case is a
//! file and the warnings expected for an environment with `SET=x`,
//! `EMPTY=` and nothing else.

use std::path::Path;

use sr_config::{ConfigErrorKind, check_env, check_env_text};

#[track_caller]
fn check(text: &str, expected: &[&str]) {
    let env = |name: &str| match name {
        "SET" => Some("x".to_owned()),
        "EMPTY" => Some(String::new()),
        _ => None,
    };
    let found: Vec<String> = check_env_text(Path::new("/cfg/trackers.json"), text, env)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for (found, expected) in found.iter().zip(expected) {
        assert!(
            found.contains(expected),
            "expected {expected:?} in {found:?}"
        );
    }
}

#[test]
fn unset_and_empty_variables_are_named_with_their_place() {
    check(r#"{"trackers": []}"#, &[]);
    check(
        r#"{"trackers": [{"name": "G", "type": "github", "config": {"token": "${SET}"}}]}"#,
        &[],
    );
    check(
        "{\"trackers\": [{\"name\": \"G\", \"type\": \"github\",\n  \"config\": {\"auth\": {\"token\": \"${GITHUB_TOKEN}\"}}}]}",
        &[
            r#"/cfg/trackers.json:2:33: environment variable GITHUB_TOKEN is not set (used by "config.auth.token" in tracker "G"); export GITHUB_TOKEN=... before starting, or store the secret in the keyring"#,
        ],
    );
    check(
        r#"{"trackers": [{"name": "G", "type": "github", "config": {"url": "https://${SET}/${EMPTY}/${NOPE}"}}]}"#,
        &[
            r#"1:81: environment variable EMPTY is set but empty (used by "config.url""#,
            r#"1:90: environment variable NOPE is not set"#,
        ],
    );
    check(
        r#"{"trackers": [{"type": "github", "sync": {"webhook_secret": "${HOOK}"}}]}"#,
        &[r#"variable HOOK is not set (used by "sync.webhook_secret" in tracker entry 1)"#],
    );
}

#[test]
fn literals_and_disabled_trackers_are_not_warned_about() {
    check(
        r#"{"trackers": [{"name": "G", "type": "github", "config": {"text": "$${NOPE} costs $5"}}]}"#,
        &[],
    );
    check(
        r#"{"trackers": [{"name": "G", "type": "github", "enabled": false, "config": {"t": "${NOPE}"}}]}"#,
        &[],
    );
}

#[test]
fn the_variable_is_given_to_code_too() {
    let errors = check_env_text(
        Path::new("t.json"),
        r#"{"trackers": [{"name": "G", "type": "github", "config": {"t": "${NOPE_X}"}}]}"#,
        |_| None,
    );
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].kind,
        ConfigErrorKind::Env {
            var: "NOPE_X".into()
        }
    );
}

#[test]
fn files_that_cannot_be_read_say_so() {
    let dir = tempfile::tempdir().unwrap();
    assert!(check_env(&dir.path().join("absent.json")).is_empty());
    let path = dir.path().join("trackers.json");
    std::fs::write(&path, "{").unwrap();
    let errors = check_env(&path);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind, ConfigErrorKind::Syntax);
}

#[test]
fn the_example_file_needs_three_variables() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../config/trackers.example.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let vars: Vec<ConfigErrorKind> = check_env_text(&path, &text, |_| None)
        .into_iter()
        .map(|e| e.kind)
        .collect();
    let expected: Vec<ConfigErrorKind> =
        ["GITHUB_TOKEN", "GITHUB_WEBHOOK_SECRET", "JIRA_API_TOKEN"]
            .map(|var| ConfigErrorKind::Env { var: var.into() })
            .to_vec();
    assert_eq!(vars, expected);
}
