//! `channels.json` checking, as data: each case is a file's text and either
//! `OK` or a piece of the expected report (`FILE:LINE:COLUMN: message`).

use crate::common;

use std::path::Path;

use sr_config::{ChannelsFile, Grouping, load_channels, parse_channels, save_channels};

pub(crate) const OK: &str = "OK";

pub(crate) fn parse(text: &str) -> Result<ChannelsFile, String> {
    parse_channels(Path::new("/cfg/channels.json"), text, &common::TestChannels).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })
}

#[track_caller]
pub(crate) fn check(text: &str, expected: &str) {
    match parse(text) {
        Ok(file) => assert_eq!(expected, OK, "the file was accepted: {file:?}\n{text}"),
        Err(report) => {
            assert_ne!(expected, OK, "unexpected error:\n{report}\n{text}");
            assert!(
                report.contains(expected),
                "expected {expected:?} in:\n{report}\n--- for ---\n{text}"
            );
        }
    }
}

#[test]
fn accepted_files() {
    check(r#"{"channels": []}"#, OK);
    check(
        r#"{"channels": [{"name": "ops", "type": "hook",
            "config": {"url": "https://example.test/hook", "secret": "${HOOK_SECRET}"}},
            {"name": "o", "type": "open", "enabled": false,
             "grouping": {"group_wait_seconds": 0, "repeat_interval_minutes": 60, "send_resolved": false}}]}"#,
        OK,
    );
    check(
        r#"{"channels": [{"name": "k", "type": "hook", "config": {"url": "u", "secret": {"keyring": "hook"}}}]}"#,
        OK,
    );
}

#[test]
fn defaults_are_alertmanagers() {
    let file = parse(r#"{"channels": [{"name": "o", "type": "open"}]}"#).expect("valid");
    let entry = file.find("o").expect("the channel");
    assert!(entry.enabled);
    assert_eq!(
        entry.grouping,
        Grouping {
            group_wait_seconds: 30,
            repeat_interval_minutes: 240,
            send_resolved: true
        }
    );
}

#[test]
fn mistakes_are_placed_and_explained() {
    check(
        "",
        r#"/cfg/channels.json:1:1: the file is empty; write {"channels": []}"#,
    );
    check(
        r#"{"chanels": []}"#,
        r#"/cfg/channels.json:1:2: unknown field "chanels" at the top level; did you mean "channels"?"#,
    );
    check(
        "{\"channels\": [\n  {\"name\": \"ops\", \"type\": \"hok\"}]}",
        r#"/cfg/channels.json:2:27: unknown channel type "hok" in channel "ops"; did you mean "hook"? known types: hook, open"#,
    );
    check(
        r#"{"channels": [{"name": "ops", "type": "open", "groupng": {}}]}"#,
        r#"1:47: unknown field "groupng" in channel "ops"; did you mean "grouping"?"#,
    );
    check(
        r#"{"channels": [{"name": "ops"}]}"#,
        r#"1:15: missing field "type" in channel "ops"; add "type": "slack", "pagerduty", "webhook""#,
    );
    check(
        r#"{"channels": [{"name": "ops", "type": "open", "grouping": {"repeat_interval_minutes": 0}}]}"#,
        r#"1:87: bad value for "grouping.repeat_interval_minutes" in channel "ops": 0 would repeat"#,
    );
    check(
        r#"{"channels": [{"name": "a", "type": "open"}, {"name": "a", "type": "open"}]}"#,
        r#"1:55: duplicate channel name "a" (first used at 1:24); give each channel a unique name"#,
    );
    check(
        r#"{"channels": [{"name": "a", "type": "hook", "config": {"url": "u", "sceret": "${S}"}}]}"#,
        r#"1:68: unknown field "sceret" in "config" of channel "a"; did you mean "secret"?"#,
    );
}

#[test]
fn a_plain_secret_is_refused_where_it_stands_and_not_repeated() {
    let text = r#"{"channels": [{"name": "a", "type": "hook", "config": {"url": "u", "secret": "whsec_c2VjcmV0"}}]}"#;
    let report = parse(text).expect_err("a plain secret is refused");
    assert!(
        report.contains("1:78: bad value for \"config.secret\" in channel \"a\""),
        "{report}"
    );
    assert!(!report.contains("whsec_c2VjcmV0"), "{report}");
}

#[test]
fn saved_files_read_back_and_a_missing_file_is_no_channels() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("channels.json");
    let empty = load_channels(&path, &common::TestChannels).expect("a missing file");
    assert!(empty.channels.is_empty());
    let file = parse(
        r#"{"channels": [{"name": "ops", "type": "hook", "config": {"url": "https://h.test/", "secret": {"keyring": "ops-hook"}},
            "grouping": {"group_wait_seconds": 5, "repeat_interval_minutes": 10, "send_resolved": true}}]}"#,
    )
    .expect("valid");
    save_channels(&path, &file).expect("saved");
    let back = load_channels(&path, &common::TestChannels).expect("read back");
    assert_eq!(back, file);
}
