//! Rules files as data: each case is a file's text and every error it must
//! give, placed at FILE:LINE:COLUMN and naming the rule.

use std::path::Path;

use sr_auto::{KnownNames, parse_rules};

fn known() -> KnownNames {
    KnownNames {
        trackers: vec![
            "Local".into(),
            "Company Jira".into(),
            "GitHub Issues".into(),
        ],
        templates: vec![
            "drift_detection".into(),
            "performance_regression".into(),
            "schema_change".into(),
        ],
        channels: vec!["Team Slack".into(), "On-call PagerDuty".into()],
    }
}

fn check(text: &str, expected: &[&str]) {
    let got = match parse_rules(Path::new("rules.json"), text, &known()) {
        Ok(set) => {
            assert!(expected.is_empty(), "accepted, but expected {expected:?}");
            assert!(!set.rules.is_empty() || text.contains("[]"));
            return;
        }
        Err(e) => e.0.iter().map(ToString::to_string).collect::<Vec<_>>(),
    };
    assert_eq!(got, expected, "{text}");
}

const SPEC: &str = r#"{
  "auto_issue_rules": [
    {
      "name": "Schema Drift Alert",
      "event": "drift.detected",
      "condition": "drift.severity == 'high'",
      "tracker": "Company Jira",
      "template": "drift_detection",
      "priority": "P1",
      "assignee": "@db-oncall"
    },
    {
      "name": "Performance Regression",
      "event": "performance.regression",
      "condition": "regression.percentage > 20",
      "tracker": "GitHub Issues",
      "template": "performance_regression",
      "labels": ["performance", "regression"]
    },
    {
      "name": "Migration Approval",
      "event": "migration.proposed",
      "condition": "impact.downtime_minutes > 0",
      "tracker": "Company Jira",
      "template": "schema_change",
      "labels": ["migration", "approval-required"]
    }
  ]
}"#;

#[test]
fn the_product_specs_example_is_valid() {
    check(SPEC, &[]);
    let set = parse_rules(Path::new("rules.json"), SPEC, &known()).expect("valid");
    assert_eq!(set.rules.len(), 3);
    assert_eq!(set.rules[0].reopen_window_hours, 24);
    assert!(set.rules[0].enabled);
}

fn one(rule: &str) -> String {
    format!("{{\"auto_issue_rules\": [\n{rule}\n]}}")
}

#[test]
fn rule_errors_name_the_rule_and_the_position() {
    // A CEL syntax error, placed inside the condition string.
    check(
        &one(
            r#"{"name": "A", "event": "drift.detected", "condition": "drift.severity == ", "tracker": "Local", "template": "drift_detection"}"#,
        ),
        &[
            "rules.json:2:74: rule \"A\": condition is not valid CEL: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER} (at 1:19 of the condition)",
        ],
    );
    check(
        &one(
            r#"{"name": "A", "event": "drift.detected", "condition": "drift.severity === 'high'", "tracker": "Local", "template": "drift_detection"}"#,
        ),
        &[
            "rules.json:2:73: rule \"A\": condition is not valid CEL: Syntax error: token recognition error at: '= ' (at 1:18 of the condition)",
        ],
    );
    // An unknown event, with a suggestion.
    check(
        &one(
            r#"{"name": "B", "event": "drift.detcted", "tracker": "Local", "template": "drift_detection"}"#,
        ),
        &[
            "rules.json:2:24: rule \"B\": unknown event \"drift.detcted\"; did you mean \"drift.detected\"?",
        ],
    );
    // An unknown tracker.
    check(
        &one(
            r#"{"name": "C", "event": "drift.detected", "tracker": "Company Jria", "template": "drift_detection"}"#,
        ),
        &[
            "rules.json:2:53: rule \"C\": unknown tracker \"Company Jria\"; did you mean \"Company Jira\"?; trackers are configured in trackers.json",
        ],
    );
    check(
        &one(
            r#"{"name": "C", "event": "drift.detected", "tracker": "Redmine", "template": "drift_detection"}"#,
        ),
        &[
            "rules.json:2:53: rule \"C\": unknown tracker \"Redmine\"; expected one of Local, Company Jira, GitHub Issues; trackers are configured in trackers.json",
        ],
    );
    // An unknown template.
    check(
        &one(
            r#"{"name": "D", "event": "drift.detected", "tracker": "Local", "template": "drift"}"#,
        ),
        &[
            "rules.json:2:74: rule \"D\": unknown template \"drift\"; expected one of drift_detection, performance_regression, schema_change",
        ],
    );
    // An unknown field.
    check(
        &one(
            r#"{"name": "E", "event": "drift.detected", "tracker": "Local", "template": "drift_detection", "lables": []}"#,
        ),
        &["rules.json:2:93: rule \"E\": unknown field \"lables\"; did you mean \"labels\"?"],
    );
    // Values of the wrong kind.
    check(
        &one(
            r#"{"name": "F", "event": "drift.detected", "tracker": "Local", "template": "drift_detection", "priority": "urgent"}"#,
        ),
        &["rules.json:2:105: rule \"F\": unknown priority `urgent`; expected P0, P1, P2, P3 or P4"],
    );
    check(
        &one(
            r#"{"name": "G", "event": "drift.detected", "tracker": "Local", "template": "drift_detection", "max_per_hour": 0}"#,
        ),
        &[
            "rules.json:2:109: rule \"G\": max_per_hour must be at least 1; set enabled to false to turn the rule off",
        ],
    );
    check(
        &one(
            r#"{"name": "H", "event": "drift.detected", "tracker": "Local", "template": "drift_detection", "labels": "x"}"#,
        ),
        &["rules.json:2:105: rule \"H\": invalid type: string \"x\", expected a sequence"],
    );
    check(
        &one(r#"{"name": "I", "event": "drift.detected", "template": "drift_detection"}"#),
        &["rules.json:2:71: rule \"I\": missing field `tracker`"],
    );
}

#[test]
fn several_errors_are_reported_in_file_order() {
    check(
        "{\"auto_issue_rules\": [\n{\"name\": \"A\", \"event\": \"nope\", \"tracker\": \"Local\", \"template\": \"drift_detection\"},\n{\"name\": \"a\", \"event\": \"drift.detected\", \"tracker\": \"Local\", \"template\": \"drift_detection\"},\n{\"name\": \"B\", \"event\": \"drift.detected\", \"tracker\": \"Nope\", \"template\": \"drift_detection\"}\n]}",
        &[
            "rules.json:2:24: rule \"A\": unknown event \"nope\"; expected one of drift.detected, drift.resolved, performance.regression, health.failed, health.recovered, migration.proposed, migration.applied, migration.rolled_back, test.failed, design.submitted, decision.recorded, note.promoted",
            "rules.json:4:53: rule \"B\": unknown tracker \"Nope\"; expected one of Local, Company Jira, GitHub Issues; trackers are configured in trackers.json",
        ],
    );
}

#[test]
fn file_level_errors() {
    check(
        "{\"auto_issue_rules\": [",
        &["rules.json:1:22: EOF while parsing a list"],
    );
    check(
        "{\"rules\": []}",
        &[
            "rules.json:1:8: unknown field `rules`, expected `auto_issue_rules` or `secret_patterns`; a rules file is {\"auto_issue_rules\": [ {…}, … ]}",
        ],
    );
    check("{\"auto_issue_rules\": []}", &[]);
}

#[test]
fn secret_patterns_beside_the_rules_are_checked_at_load() {
    let rule = r#"{"name": "A", "event": "drift.detected", "tracker": "Local", "template": "drift_detection"}"#;
    let ok =
        format!("{{\"auto_issue_rules\": [{rule}], \"secret_patterns\": [\"acme-[0-9]{{6}}\"]}}");
    check(&ok, &[]);
    let set = parse_rules(Path::new("rules.json"), &ok, &known()).expect("valid");
    assert_eq!(set.secret_patterns, ["acme-[0-9]{6}"]);
    let bad =
        format!("{{\"auto_issue_rules\": [{rule}],\n \"secret_patterns\": [\"(unclosed\", 7]}}");
    let got = match parse_rules(Path::new("rules.json"), &bad, &known()) {
        Ok(_) => panic!("a bad pattern was accepted"),
        Err(e) => e.0.iter().map(ToString::to_string).collect::<Vec<_>>(),
    };
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got[0].starts_with("rules.json:2:22: secret pattern:"),
        "{got:?}"
    );
    assert_eq!(
        got[1],
        "rules.json:2:35: a secret pattern is a string holding a regular expression"
    );
}

#[test]
fn a_rule_may_notify_channels_that_channels_json_defines() {
    let text = one(
        r#"{"name": "N", "event": "drift.detected", "tracker": "Local", "template": "drift_detection", "notify": ["Team Slack", "On-call PagerDuty"]}"#,
    );
    check(&text, &[]);
    let set = parse_rules(Path::new("rules.json"), &text, &known()).expect("valid");
    assert_eq!(set.rules[0].notify, ["Team Slack", "On-call PagerDuty"]);
    assert!(set.rules[0].file_issue, "file_issue defaults to true");
    // A rules file without the new fields files issues and notifies no one.
    let set = parse_rules(Path::new("rules.json"), SPEC, &known()).expect("valid");
    assert!(
        set.rules
            .iter()
            .all(|r| r.file_issue && r.notify.is_empty())
    );
    // Notify only.
    let text = one(
        r#"{"name": "N", "event": "drift.detected", "tracker": "Local", "template": "drift_detection", "notify": ["Team Slack"], "file_issue": false}"#,
    );
    let set = parse_rules(Path::new("rules.json"), &text, &known()).expect("valid");
    assert!(!set.rules[0].file_issue);
}

#[test]
fn unknown_channels_and_rules_that_do_nothing_are_refused() {
    // The error sits at the misspelt name, not at the array.
    check(
        &one(
            r#"{"name": "N", "event": "drift.detected", "tracker": "Local", "template": "drift_detection", "notify": ["Team Slack", "Team Slak"]}"#,
        ),
        &[
            "rules.json:2:118: rule \"N\": unknown channel \"Team Slak\"; did you mean \"Team Slack\"?; channels are configured in channels.json",
        ],
    );
    check(
        &one(
            r#"{"name": "N", "event": "drift.detected", "tracker": "Local", "template": "drift_detection", "notify": ["Teams"]}"#,
        ),
        &[
            "rules.json:2:104: rule \"N\": unknown channel \"Teams\"; expected one of Team Slack, On-call PagerDuty; channels are configured in channels.json",
        ],
    );
    check(
        &one(
            r#"{"name": "N", "event": "drift.detected", "tracker": "Local", "template": "drift_detection", "file_issue": false}"#,
        ),
        &[
            "rules.json:2:107: rule \"N\": the rule does nothing: file_issue is false and notify names no channel; name channels in notify or drop file_issue",
        ],
    );
}
