//! Rendering auto-issues: strict checking at load (template, line,
//! variable), at render time, title and body splitting, the event
//! flattening templates see, and the example events themselves.

use serde_json::{Value, json};
use sr_templates::samples::{EVENT_SAMPLES, EVENT_TEMPLATES};
use sr_templates::{
    RenderedIssue, TemplateError, Templates, event_context, event_sample, split_issue,
    template_for_event,
};

const EVENTS: &[&str] = &[
    "drift.detected",
    "drift.resolved",
    "performance.regression",
    "health.failed",
    "health.recovered",
    "migration.proposed",
    "migration.applied",
    "migration.rolled_back",
    "test.failed",
    "design.submitted",
    "decision.recorded",
    "note.promoted",
];

/// Loads the templates with `name` overridden by `text` from a user
/// directory, returning the error text if loading fails.
fn load_with(name: &str, text: &str) -> Result<Templates, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(format!("{name}.hbs")), text).expect("write template");
    Templates::load(Some(dir.path())).map_err(|e| e.to_string())
}

fn check_load_error(name: &str, text: &str, needles: &[&str]) {
    let err = match load_with(name, text) {
        Ok(_) => panic!("{name}: {text:?} loaded, expected an error"),
        Err(e) => e,
    };
    for needle in needles {
        assert!(
            err.contains(needle),
            "{name}: {text:?}: {err:?} lacks {needle:?}"
        );
    }
}

#[test]
fn a_missing_variable_fails_at_load_naming_template_line_and_variable() {
    check_load_error(
        "drift_detection",
        "# Drift on {{connection}}\n\nSeverity: {{drift.severty}}\n",
        &[
            "template drift_detection (",
            "drift_detection.hbs), line 3",
            "variable `drift.severty` is not defined",
            "config/events/drift.detected.json",
        ],
    );
    check_load_error(
        "sticky_note",
        "{{!-- header\n  comment --}}\n# {{note.title}}\n{{#each linked_objects}}\n- {{this.kind}}\n{{/each}}\n",
        &["template sticky_note", "line 5", "`this.kind`"],
    );
    check_load_error(
        "adr",
        "# {{decision.title}}\n{{md_table decision.options}}\n",
        &["template adr", "line 2", "decision.options"],
    );
    check_load_error("health_check", "# {{nope}}", &["line 1", "`nope`"]);
    // Conditions too, although Handlebars reads a missing one as false.
    check_load_error(
        "drift_detection",
        "# {{connection}}\n\n{{#if drift.detials}}\n{{drift.details}}\n{{/if}}\n",
        &["line 3", "`drift.detials`"],
    );
    check_load_error(
        "test_failure",
        "# {{test.name}}\n{{#if test.sql}}{{else}}{{#unless run.idd}}x{{/unless}}{{/if}}",
        &["line 2", "`run.idd`"],
    );
    // A syntax error names the file too.
    check_load_error("adr", "# {{#if decision}}unclosed", &["adr.hbs"]);
}

#[test]
fn overrides_that_use_only_sample_variables_load() {
    for (name, text) in [
        (
            "drift_detection",
            "# {{drift.severity}} drift\n{{code_block drift.details \"sql\"}}",
        ),
        ("test_failure", "# {{test.name}}\n{{md_table sample_rows}}"),
        ("object_context", "## {{kind}} {{qualified_name}}"),
    ] {
        let templates = load_with(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            templates
                .origin(name)
                .is_some_and(|o| o.ends_with(&format!("{name}.hbs")))
        );
        assert!(
            !templates
                .origin(name)
                .is_some_and(|o| o.starts_with("built-in"))
        );
    }
}

#[test]
fn rendering_an_event_without_a_variable_is_an_error() {
    let templates = Templates::builtin().expect("built-in templates load");
    let event = json!({"event": "drift.detected", "connection": "demo", "object": "main.orders",
        "data": {"drift": {"severity": "high"}}});
    match templates.render_issue("drift_detection", &event) {
        Err(TemplateError::TemplateVariable {
            name,
            variable,
            against,
            line,
            ..
        }) => {
            assert_eq!(name, "drift_detection");
            assert_eq!(against, "the event data");
            assert!(line > 1, "line {line}");
            assert!(!variable.is_empty());
        }
        other => panic!("expected a missing variable, got {other:?}"),
    }
    match templates.render_issue("no_such", &event) {
        Err(e @ TemplateError::NoSuchTemplate { .. }) => {
            assert!(e.to_string().contains("drift_detection"), "{e}");
        }
        other => panic!("expected an unknown template, got {other:?}"),
    }
}

#[test]
fn names_are_the_twelve_templates() {
    let templates = Templates::builtin().expect("built-in templates load");
    assert_eq!(
        templates.names(),
        vec![
            "adr",
            "design_review",
            "drift_detection",
            "health_check",
            "migration_approval",
            "migration_result",
            "object_context",
            "performance_regression",
            "rollback_incident",
            "schema_change",
            "sticky_note",
            "test_failure",
        ]
    );
}

fn check_split(text: &str, title: &str, body: &str, truncated: bool) {
    let want = RenderedIssue {
        title: title.into(),
        body: body.into(),
        truncated,
    };
    assert_eq!(split_issue(text), want, "{text:?}");
}

#[test]
fn titles_and_bodies() {
    check_split("# Title\n\nBody\n", "Title", "Body\n", false);
    check_split("## Title\nBody", "Title", "Body\n", false);
    check_split("\n\n  # Title  \n\n\nBody\n\n", "Title", "Body\n", false);
    check_split(
        "Plain first line\nrest",
        "Plain first line",
        "rest\n",
        false,
    );
    check_split("# Only a title", "Only a title", "", false);
    check_split("", "", "", false);
    let long = format!("# {}\nbody", "x".repeat(300));
    let issue = split_issue(&long);
    assert_eq!(issue.title.chars().count(), 255);
    assert!(issue.title.ends_with('…') && issue.truncated);
}

#[test]
fn fitting_a_body_marks_it_truncated() {
    let issue = split_issue(&format!("# T\n{}", "word ".repeat(100)));
    let fitted = issue.clone().fit(200);
    assert!(fitted.truncated && fitted.body.chars().count() <= 200);
    assert_eq!(issue.clone().fit(10_000), issue);
}

fn check_context(event: Value, expected: Value) {
    assert_eq!(event_context(&event), expected, "{event}");
}

#[test]
fn events_are_flattened_for_templates() {
    check_context(
        json!({"event": "drift.detected", "connection": "demo", "object": "main.orders",
            "data": {"drift": {"severity": "high"}}}),
        json!({"event": "drift.detected", "connection": "demo",
            "object": {"qualified_name": "main.orders", "schema": "main", "name": "orders"},
            "drift": {"severity": "high"}}),
    );
    // data.object adds to the object; the top level wins on a clash.
    check_context(
        json!({"event": "e", "connection": "c", "object": "orders",
            "data": {"object": {"kind": "table", "name": "x"}, "connection": "other"}}),
        json!({"event": "e", "connection": "c",
            "object": {"qualified_name": "orders", "schema": "", "name": "orders", "kind": "table"}}),
    );
    // Extra top-level members (a rule name, a count) stay.
    check_context(
        json!({"event": "e", "data": {}, "rule": "r1", "occurrences": 3}),
        json!({"event": "e", "rule": "r1", "occurrences": 3}),
    );
    // Anything that is not an event is used as it is.
    for plain in [
        json!({"kind": "Table"}),
        json!({"event": "e"}),
        json!([1]),
        json!("x"),
    ] {
        check_context(plain.clone(), plain);
    }
}

#[test]
fn there_is_one_example_event_per_kind() {
    let kinds: Vec<&str> = EVENT_SAMPLES.iter().map(|(k, _)| *k).collect();
    assert_eq!(kinds, EVENTS);
    let mapped: Vec<&str> = EVENT_TEMPLATES.iter().map(|(k, _)| *k).collect();
    assert_eq!(mapped, EVENTS);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../config/events");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("config/events")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut want: Vec<String> = EVENTS.iter().map(|k| format!("{k}.json")).collect();
    want.sort();
    assert_eq!(files, want);
    for kind in EVENTS {
        let text = event_sample(kind).unwrap_or_default();
        let v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(v["event"], json!(kind), "{kind}");
        assert!(
            v["connection"].is_string() && v["object"].is_string(),
            "{kind}"
        );
        assert!(
            v["data"].as_object().is_some_and(|d| !d.is_empty()),
            "{kind}"
        );
    }
}

#[test]
fn every_example_event_renders_with_its_template() {
    let templates = Templates::builtin().expect("built-in templates load");
    for kind in EVENTS {
        let template = template_for_event(kind).unwrap_or_else(|| panic!("{kind} has a template"));
        let event: Value =
            serde_json::from_str(event_sample(kind).unwrap_or_default()).expect("JSON");
        let issue = templates
            .render_issue(template, &event)
            .unwrap_or_else(|e| panic!("{kind} with {template}: {e}"));
        assert!(!issue.title.is_empty() && !issue.body.is_empty(), "{kind}");
        assert!(
            issue.body.contains(&format!("`{kind}`")),
            "{kind}: {}",
            issue.body
        );
    }
}

#[test]
fn the_spec_conditions_read_the_examples() {
    // The product spec's conditions `drift.severity == 'high'` and
    // `regression.percentage > 20` name these fields.
    let drift: Value =
        serde_json::from_str(event_sample("drift.detected").unwrap_or_default()).expect("JSON");
    assert_eq!(event_context(&drift)["drift"]["severity"], json!("high"));
    let perf: Value =
        serde_json::from_str(event_sample("performance.regression").unwrap_or_default())
            .expect("JSON");
    assert!(
        event_context(&perf)["regression"]["percentage"]
            .as_f64()
            .is_some_and(|p| p > 20.0)
    );
}

#[test]
fn the_load_error_reads_as_documented() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("drift_detection.hbs");
    std::fs::write(&path, "# Drift\n\nSeverity: {{drift.severty}}\n").expect("write");
    let err = Templates::load(Some(dir.path()))
        .expect_err("strict")
        .to_string();
    assert_eq!(
        err,
        format!(
            "template drift_detection ({}), line 3, column 11: variable `drift.severty` is not \
             defined in its sample config/events/drift.detected.json; use a variable the event \
             has (the template's header comment lists them) or correct the name",
            path.display()
        )
    );
}
