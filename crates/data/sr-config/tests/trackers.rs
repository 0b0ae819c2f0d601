//! `trackers.json` checking, as data: each case is a file's text and either
//! `OK` or a piece of the expected error report (errors joined by newlines,
//! each `FILE:LINE:COLUMN: message`).

use crate::common;

use std::path::Path;

use sr_config::{LOCAL_TRACKER_NAME, TrackersFile, parse_trackers};

const OK: &str = "OK";

fn parse(text: &str) -> Result<TrackersFile, String> {
    parse_trackers(Path::new("/cfg/trackers.json"), text, &common::registry()).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })
}

#[track_caller]
fn check(text: &str, expected: &str) {
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
    check(r#"{"trackers": []}"#, OK);
    check(r#"{"trackers": [{"name": "L", "type": "local"}]}"#, OK);
    check("\u{feff}{\"trackers\": []}", OK);
    check(
        r#"{"trackers": [{"name": "G", "type": "github", "enabled": false, "config": {"x": 1},
            "sync": {"mode": "manual", "webhook_secret": {"keyring": "w"}, "accept_unsigned_webhooks": true, "poll_interval_minutes": 60}}]}"#,
        OK,
    );
    check(
        r#"{"trackers": [{"name": "S", "type": "strict", "config": {"owner": "o", "repo": "r",
            "auth": {"type": "personal_token", "token": "${TOKEN}"}}}]}"#,
        OK,
    );
}

#[test]
fn unknown_fields_suggest_the_nearest() {
    check(
        r#"{"tracker": []}"#,
        r#"/cfg/trackers.json:1:2: unknown field "tracker" at the top level; did you mean "trackers"?"#,
    );
    check(
        "{\n  \"trackers\": [\n    {\n      \"nmae\": \"GitHub\",\n      \"type\": \"github\"\n    }\n  ]\n}\n",
        r#"/cfg/trackers.json:4:7: unknown field "nmae" in tracker entry; did you mean "name"?"#,
    );
    check(
        r#"{"trackers": [{"name": "G", "type": "github", "enabeld": true}]}"#,
        r#"trackers.json:1:47: unknown field "enabeld" in tracker "G"; did you mean "enabled"?"#,
    );
    check(
        r#"{"trackers": [{"name": "G", "type": "github", "colour": "red"}]}"#,
        r#"1:47: unknown field "colour" in tracker "G"; remove it, or use one of "name", "type", "enabled", "config", "sync""#,
    );
    check(
        "{\"trackers\": [{\"name\": \"G\", \"type\": \"github\",\n  \"sync\": {\"mdoe\": \"pull\"}}]}",
        r#"2:12: unknown field "mdoe" in "sync" of tracker "G"; did you mean "mode"?"#,
    );
    check(
        r#"{"trackers": [{"name": "G", "type": "github", "sync": {"mode": "pul"}}]}"#,
        r#"1:64: unknown value "pul" for "sync.mode" in tracker "G"; did you mean "pull"?"#,
    );
    check(
        r#"{"trackers": [{"name": "G", "type": "github", "sync": {"mode": "often"}}]}"#,
        r#"unknown value "often" for "sync.mode" in tracker "G"; write one of "bidirectional", "pull", "push", "manual""#,
    );
}

#[test]
fn missing_fields_name_the_field_and_the_fix() {
    check(
        "{}",
        r#"1:1: missing field "trackers" at the top level; add "trackers": [ ... ]"#,
    );
    check(
        r#"{"trackers": [{"type": "local"}]}"#,
        r#"1:15: missing field "name" in tracker entry; add "name": "a unique name""#,
    );
    check(
        r#"{"trackers": [{"name": "X"}]}"#,
        r#"1:15: missing field "type" in tracker "X"; add "type": "local", "github""#,
    );
}

#[test]
fn wrong_types_and_bad_values() {
    check("", r#"1:1: the file is empty; write {"trackers": []}"#);
    check("  \n", "1:1: the file is empty");
    check(
        "[]",
        r#"1:1: bad value for the file: expected an object, found an array; write {"trackers": [ ... ]}"#,
    );
    check(
        "[[]]",
        "1:1: bad value for the file: expected an object, found an array",
    );
    check(
        r#"{"trackers": [["G", "github"]]}"#,
        "1:15: bad value for tracker entry 1: expected an object, found an array",
    );
    check(
        r#"{"trackers": [{"name": "G", "type": "github", "sync": ["pull"]}]}"#,
        r#"1:55: bad value for "sync" in tracker "G": expected an object, found an array"#,
    );
    check(
        r#"{"trackers": {}}"#,
        r#"1:14: bad value for "trackers": expected an array, found an object"#,
    );
    check(
        r#"{"trackers": [1]}"#,
        "1:15: bad value for tracker entry 1: expected an object, found the number 1",
    );
    check(
        "{\"trackers\": [\n  {\"name\": \"L\", \"type\": \"local\", \"enabled\": \"yes\"}\n]}",
        r#"2:45: bad value for "enabled" in tracker "L": expected a boolean, found the string "yes"; write true or false"#,
    );
    check(
        r#"{"trackers": [{"name": "L", "type": "local", "enabled": null}]}"#,
        r#"bad value for "enabled" in tracker "L": expected a boolean, found null"#,
    );
    check(
        r#"{"trackers": [{"name": 7, "type": "local"}]}"#,
        r#"1:24: bad value for "name" in tracker entry: expected a string, found the number 7"#,
    );
    check(
        r#"{"trackers": [{"name": "L", "type": "local", "sync": {"poll_interval_minutes": -1}}]}"#,
        r#"1:80: bad value for "sync.poll_interval_minutes" in tracker "L": expected a whole number, found the number -1; write a whole number such as 5"#,
    );
    check(
        r#"{"trackers": [{"name": "L", "type": "local", "sync": {"poll_interval_minutes": 0}}]}"#,
        r#"1:80: bad value for "sync.poll_interval_minutes" in tracker "L": 0; write 1 or more"#,
    );
    check(
        r#"{"trackers": [{"name": " ", "type": "local"}]}"#,
        r#"1:24: bad value for "name" in tracker entry 1: the name is empty"#,
    );
}

#[test]
fn unknown_types_list_the_known_ones() {
    check(
        r#"{"trackers": [{"name": "G", "type": "githb"}]}"#,
        r#"1:37: unknown tracker type "githb" in tracker "G"; did you mean "github"? known types: azure_devops, github, gitlab, jira, linear, local, redmine, strict"#,
    );
    check(
        r#"{"trackers": [{"name": "B", "type": "bugzilla"}]}"#,
        r#"unknown tracker type "bugzilla" in tracker "B"; known types: azure_devops, github, gitlab, jira, linear, local, redmine, strict"#,
    );
}

#[test]
fn names_and_keys_are_unique() {
    check(
        "{\"trackers\": [\n  {\"name\": \"A\", \"type\": \"local\"},\n  {\"name\": \"A\", \"type\": \"github\"}\n]}",
        r#"3:12: duplicate tracker name "A" (first used at 2:12); give each tracker a unique name"#,
    );
    check(
        r#"{"trackers": [{"name": "A", "name": "B", "type": "local"}]}"#,
        r#"1:29: field "name" is written twice in tracker "A" (first at 1:16); keep one"#,
    );
    check(
        r#"{"trackers": [{"name": "G", "type": "github", "config": {"a": 1, "a": 2}}]}"#,
        r#"1:66: field "a" is written twice in "config" of tracker "G" (first at 1:58); keep one"#,
    );
    check(
        r#"{"trackers": [{"name": "Local", "type": "github"}]}"#,
        r#"1:24: the name "Local" belongs to the built-in local tracker; rename this tracker"#,
    );
}

#[test]
fn secrets_in_plain_text_are_refused_at_their_place() {
    let text = "{\"trackers\": [{\"name\": \"G\", \"type\": \"github\",\n  \"sync\": {\"webhook_secret\": \"hunter2\"}}]}";
    check(
        text,
        r#"2:30: bad value for "sync.webhook_secret" in tracker "G": secrets may not be written in plain text; write "${ENV_VAR}""#,
    );
    assert!(!parse(text).unwrap_err().contains("hunter2"));
    let text = "{\"trackers\": [{\"name\": \"S\", \"type\": \"strict\", \"config\": {\n  \"owner\": \"o\", \"repo\": \"r\",\n  \"auth\": {\"type\": \"personal_token\", \"token\": \"ghp_0123456789\"}}}]}";
    check(
        text,
        r#"3:47: bad value for "config.auth.token" in tracker "S": secrets may not be written in plain text"#,
    );
    assert!(!parse(text).unwrap_err().contains("ghp_"));
    check(
        r#"{"trackers": [{"name": "G", "type": "github", "sync": {"webhook_secret": {"keyring": "k", "x": 1}}}]}"#,
        r#"1:74: bad value for "sync.webhook_secret" in tracker "G": a secret object must be exactly {"keyring": "NAME"}"#,
    );
}

#[test]
fn provider_config_errors_are_placed_in_the_file() {
    let head = "{\"trackers\": [\n  {\"name\": \"S\", \"type\": \"strict\",\n   \"config\": ";
    check(
        &format!("{head}{{\"ownr\": \"o\", \"repo\": \"r\"}}}}]}}"),
        r#"3:15: unknown field "ownr" in "config" of tracker "S"; did you mean "owner"?"#,
    );
    check(
        &format!("{head}{{\"owner\": \"o\"}}}}]}}"),
        r#"3:14: missing field "repo" in "config" of tracker "S"; add "repo": its value"#,
    );
    check(
        &format!(
            "{head}{{\"owner\": \"o\", \"repo\": \"r\", \"auth\": {{\"type\": \"t\", \"tokn\": \"${{T}}\"}}}}}}]}}"
        ),
        r#"3:64: unknown field "tokn" in "config.auth" of tracker "S"; did you mean "token"?"#,
    );
    check(
        &format!("{head}{{\"owner\": \"o\", \"repo\": \"r\", \"labels\": \"db\"}}}}]}}"),
        r#"3:52: bad value for "config.labels" in tracker "S": expected an array, found the string "db""#,
    );
    check(
        r#"{"trackers": [{"name": "S", "type": "strict"}]}"#,
        r#"1:15: tracker "S" has no "config" and type "strict" needs one (missing field `owner`"#,
    );
    check(
        r#"{"trackers": [{"name": "G", "type": "github", "config": []}]}"#,
        r#"1:57: bad value for "config" in tracker "G": expected an object, found an array"#,
    );
}

#[test]
fn syntax_errors_point_at_the_character() {
    check(
        "{\"trackers\": [\n  {\"name\": \"A\", \"type\": \"local\",}\n]}",
        "2:32: invalid JSON: trailing comma; remove the comma after the last item",
    );
    check(
        "{\"trackers\": [1, 2,]}",
        "1:19: invalid JSON: trailing comma; remove the comma after the last item",
    );
    check(
        "{\"trackers\": [\n  {\"name\": \"A\" \"type\": \"local\"}\n]}",
        "2:16: invalid JSON: expected `,` or `}`; a comma between fields or a closing `}` is missing",
    );
    check(
        "{trackers: []}",
        "1:2: invalid JSON: key must be a string; write keys in double quotes",
    );
    check(
        "{\"trackers\": [\n",
        "1:15: invalid JSON: EOF while parsing a list; the file ends before every `{` and `[` is closed",
    );
    check(
        r#"{"trackers": []} x"#,
        "1:18: invalid JSON: trailing characters",
    );
}

#[test]
fn every_problem_is_reported_in_file_order() {
    let report = parse(
        "{\"trackers\": [\n  {\"name\": \"A\", \"type\": \"nope\"},\n  {\"nmae\": \"B\", \"type\": \"local\"},\n  {\"name\": \"C\", \"type\": \"local\", \"enabled\": 1}\n]}",
    )
    .unwrap_err();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 3, "{report}");
    assert!(lines[0].starts_with("/cfg/trackers.json:2:25: unknown tracker type \"nope\""));
    assert!(lines[1].starts_with("/cfg/trackers.json:3:4: unknown field \"nmae\""));
    assert!(lines[2].starts_with("/cfg/trackers.json:4:45: bad value for \"enabled\""));
}

#[test]
fn the_local_tracker_is_added_unless_listed() {
    let names = |text: &str| -> Vec<(String, bool)> {
        parse(text)
            .unwrap()
            .trackers
            .into_iter()
            .map(|t| (t.name, t.enabled))
            .collect()
    };
    let local = (LOCAL_TRACKER_NAME.to_owned(), true);
    assert_eq!(names(r#"{"trackers": []}"#), vec![local.clone()]);
    assert_eq!(
        names(r#"{"trackers": [{"name": "G", "type": "github"}]}"#),
        vec![("G".to_owned(), true), local]
    );
    assert_eq!(
        names(r#"{"trackers": [{"name": "Local", "type": "local", "enabled": false}]}"#),
        vec![("Local".to_owned(), false)]
    );
    assert_eq!(
        names(r#"{"trackers": [{"name": "Offline", "type": "local"}]}"#),
        vec![("Offline".to_owned(), true)]
    );
}
