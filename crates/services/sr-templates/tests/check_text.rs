//! The template editor's check: one template's text against its sample,
//! with the built-in text as the starting point.

use sr_templates::{TemplateError, Templates, builtin_names, builtin_text};

/// What checking `text` as template `name` gives: `Ok(title)` or the
/// error's variant as `Err("variable@line")` / `Err("syntax")` /
/// `Err("unknown")`.
fn check(name: &str, text: &str, expected: Result<&str, &str>) {
    let got = match Templates::check_text(name, text, "the editor") {
        Ok(issue) => Ok(issue.title),
        Err(TemplateError::TemplateVariable { variable, line, .. }) => {
            Err(format!("{variable}@{line}"))
        }
        Err(TemplateError::Template { .. }) => Err("syntax".to_owned()),
        Err(TemplateError::NoSuchTemplate { .. }) => Err("unknown".to_owned()),
        Err(other) => Err(format!("other: {other}")),
    };
    assert_eq!(
        got,
        expected.map(str::to_owned).map_err(str::to_owned),
        "{name}: {text}"
    );
}

#[test]
fn every_builtin_text_checks_against_its_sample() {
    let names = builtin_names();
    assert_eq!(names.len(), 12);
    for name in names {
        let text = builtin_text(name).expect("built-in text");
        let issue = Templates::check_text(name, text, "built-in").expect(name);
        assert!(!issue.title.is_empty(), "{name}");
    }
}

#[test]
fn edits_are_checked_against_the_sample() {
    check(
        "drift_detection",
        "# Drift on {{connection}}\nbody",
        Ok("Drift on demo"),
    );
    check(
        "drift_detection",
        "# Drift\n\n{{drift.nope}}",
        Err("drift.nope@3"),
    );
    check(
        "drift_detection",
        "{{#if missing_flag}}x{{/if}}",
        Err("missing_flag@1"),
    );
    check("drift_detection", "# {{#if}}", Err("syntax"));
    check("adr", "# ADR {{decision.number}}", Ok("ADR 7"));
    check("no_such", "# x", Err("unknown"));
    check("../etc/passwd", "# x", Err("unknown"));
}

#[test]
fn unknown_names_get_no_builtin_text() {
    assert!(builtin_text("drift_detection").is_some());
    assert!(builtin_text("nope").is_none());
}
