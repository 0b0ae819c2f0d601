//! Every built-in template rendered from its example event the way the
//! auto-issue pipeline does it (rows stripped, secrets redacted, rendered,
//! cut to Jira's limit), compared with the Markdown checked in under
//! `tests/snapshots/NAME.md`, and converted to Jira's ADF by the Jira
//! adapter's converter and checked against ADF's rules.
//!
//! `UPDATE_SNAPSHOTS=1 cargo test -p sr-templates --test it issues` rewrites the
//! snapshots; review the diff before committing it.

use crate::adf_rules;

use std::path::PathBuf;

use serde_json::Value;
use sr_templates::{RenderedIssue, Templates, strip_rows, template_sample};

/// The pipeline an auto-issue goes through, up to the tracker call.
fn render(templates: &Templates, name: &str) -> RenderedIssue {
    let sample = template_sample(name).unwrap_or_else(|| panic!("{name} has a sample"));
    let mut data: Value = serde_json::from_str(sample).expect("samples are JSON");
    strip_rows(&mut data);
    sr_secrets::Redactor::new(&[])
        .expect("built-in patterns compile")
        .redact_value(&mut data);
    templates
        .render_issue(name, &data)
        .unwrap_or_else(|e| panic!("{name} renders: {e}"))
        .fit(sr_tracker_jira::BODY_LIMIT)
}

fn snapshot_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.md"))
}

#[test]
fn templates_render_their_samples_as_in_the_snapshots() {
    let templates = Templates::builtin().expect("built-in templates load");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut differ = Vec::new();
    for name in templates.names() {
        let issue = render(&templates, name);
        assert!(!issue.title.is_empty(), "{name}: empty title");
        assert!(!issue.truncated, "{name}: the sample should fit");
        let got = format!("TITLE: {}\n\n{}", issue.title, issue.body);
        let path = snapshot_path(name);
        if update {
            std::fs::write(&path, &got).expect("write snapshot");
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if want != got {
            differ.push(format!(
                "--- {} (want)\n{want}\n+++ got\n{got}",
                path.display()
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "snapshots differ (rerun with UPDATE_SNAPSHOTS=1 if the change is meant):\n{}",
        differ.join("\n")
    );
}

#[test]
fn every_snapshot_belongs_to_a_template() {
    let templates = Templates::builtin().expect("built-in templates load");
    let names = templates.names();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    for entry in std::fs::read_dir(&dir).expect("snapshots directory") {
        let path = entry.expect("entry").path();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        assert!(names.contains(&stem), "{} has no template", path.display());
    }
    assert_eq!(names.len(), 12, "{names:?}");
}

#[test]
fn rendered_bodies_convert_to_valid_adf() {
    let templates = Templates::builtin().expect("built-in templates load");
    for name in templates.names() {
        let issue = render(&templates, name);
        let doc = sr_tracker_jira::adf::markdown_to_adf(&issue.body);
        if let Err(e) = adf_rules::validate(&doc) {
            panic!("{name}: the ADF is not valid: {e}\n{doc:#}");
        }
    }
}

#[test]
fn secrets_in_the_samples_never_reach_a_body() {
    let templates = Templates::builtin().expect("built-in templates load");
    for name in templates.names() {
        let issue = render(&templates, name);
        for secret in ["s3cret-pw", "1001", "1017"] {
            assert!(
                !issue.body.contains(secret) && !issue.title.contains(secret),
                "{name} shows {secret:?}:\n{}",
                issue.body
            );
        }
    }
}

#[test]
fn a_huge_event_is_cut_to_jira_size_and_still_converts_to_valid_adf() {
    let templates = Templates::builtin().expect("built-in templates load");
    let mut event: Value =
        serde_json::from_str(template_sample("drift_detection").unwrap_or_default()).expect("JSON");
    let change = event["data"]["drift"]["changes"][0].clone();
    event["data"]["drift"]["changes"] = Value::Array(vec![change; 3000]);
    event["data"]["drift"]["details"] =
        Value::String("ALTER TABLE orders ADD COLUMN c INTEGER;\n".repeat(3000));
    let issue = templates
        .render_issue("drift_detection", &event)
        .expect("renders")
        .fit(sr_tracker_jira::BODY_LIMIT);
    assert!(issue.truncated);
    assert!(issue.body.chars().count() <= sr_tracker_jira::BODY_LIMIT);
    assert!(
        issue.body.contains("characters are shown"),
        "the note is there"
    );
    let doc = sr_tracker_jira::adf::markdown_to_adf(&issue.body);
    if let Err(e) = adf_rules::validate(&doc) {
        panic!("the cut body's ADF is not valid: {e}");
    }
}
