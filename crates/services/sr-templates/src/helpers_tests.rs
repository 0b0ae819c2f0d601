//! The helpers as data: each case is the template text, the data, and the
//! Markdown expected.

use handlebars::Handlebars;
use serde_json::{Value, json};

use super::*;

fn registry() -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    register(&mut hb);
    hb
}

fn check(template: &str, data: Value, expected: &str) {
    let got = registry().render_template(template, &data);
    assert_eq!(
        got.as_deref().ok(),
        Some(expected),
        "{template} with {data}: {got:?}"
    );
}

fn check_err(template: &str, data: Value, needle: &str) {
    match registry().render_template(template, &data) {
        Ok(out) => panic!("{template} rendered {out:?}, expected an error"),
        Err(e) => assert!(e.to_string().contains(needle), "{template}: {e}"),
    }
}

#[test]
fn code_blocks() {
    check(
        r#"{{code_block s "sql"}}"#,
        json!({"s": "select 1"}),
        "```sql\nselect 1\n```",
    );
    check("{{code_block s}}", json!({"s": "x\n"}), "```\nx\n```");
    check("{{code_block s}}", json!({"s": ""}), "```\n\n```");
    // A fence longer than any backtick run inside.
    check(
        r#"{{code_block s "sql"}}"#,
        json!({"s": "select `a` from ```t````"}),
        "`````sql\nselect `a` from ```t````\n`````",
    );
    check("{{code_block n}}", json!({"n": 42}), "```\n42\n```");
}

#[test]
fn tables() {
    let rows = json!({"rows": [{"a": 1, "b": "x|y"}, {"a": 2, "b": "two\nlines"}]});
    check(
        "{{md_table rows}}",
        rows.clone(),
        "| a | b |\n|---|---|\n| 1 | x\\|y |\n| 2 | two lines |",
    );
    check(
        r#"{{md_table rows "b:Bee" "a"}}"#,
        rows,
        "| Bee | a |\n|---|---|\n| x\\|y | 1 |\n| two lines | 2 |",
    );
    check(
        r#"{{md_table rows "a" "missing"}}"#,
        json!({"rows": [{"a": null}, {"a": true}]}),
        "| a | missing |\n|---|---|\n|  |  |\n| true |  |",
    );
    check("{{md_table rows}}", json!({"rows": []}), "_(none)_");
    check("{{md_table rows}}", json!({"rows": null}), "_(none)_");
    // Rows left out by `strip_rows` are a note, shown as it is.
    check(
        "{{md_table rows}}",
        json!({"rows": "(2 rows left out)"}),
        "(2 rows left out)",
    );
    check(
        "{{md_table rows}}",
        json!({"rows": [{"k": "a\\b"}]}),
        "| k |\n|---|\n| a\\\\b |",
    );
    check_err(
        "{{md_table rows}}",
        json!({"rows": 3}),
        "needs a list of rows",
    );
}

#[test]
fn truncation() {
    check("{{truncate s 5}}", json!({"s": "abcdef"}), "abcd…");
    check("{{truncate s 6}}", json!({"s": "abcdef"}), "abcdef");
    check("{{truncate s 2}}", json!({"s": "éèà"}), "é…");
    check("{{truncate s 0}}", json!({"s": "abc"}), "");
    check_err("{{truncate s \"x\"}}", json!({"s": "abc"}), "whole number");
    check_err("{{truncate s}}", json!({"s": "abc"}), "truncate");
}

#[test]
fn markdown_escaping() {
    for (input, expected) in [
        ("plain text", "plain text"),
        ("*bold* _it_", "\\*bold\\* \\_it\\_"),
        ("a|b", "a\\|b"),
        ("[link](x)", "\\[link\\](x)"),
        ("<b>&amp;", "\\<b\\>\\&amp;"),
        ("# heading", "\\# heading"),
        ("- item\n+ item", "\\- item\n\\+ item"),
        ("a - b", "a - b"),
        ("1. first\n10) tenth", "1\\. first\n10\\) tenth"),
        ("version 1.2", "version 1.2"),
        ("`code`", "\\`code\\`"),
        ("back\\slash", "back\\\\slash"),
        ("  - indented", "  \\- indented"),
        ("==", "\\=="),
        ("~~strike~~", "\\~\\~strike\\~\\~"),
        ("![img](x)", "\\!\\[img\\](x)"),
    ] {
        assert_eq!(md_escape(input), expected, "{input:?}");
        check("{{md_escape s}}", json!({"s": input}), expected);
    }
}

#[test]
fn joining() {
    check("{{join xs}}", json!({"xs": ["a", "b", 3]}), "a, b, 3");
    check(r#"{{join xs " / "}}"#, json!({"xs": ["a", "b"]}), "a / b");
    check("{{join xs}}", json!({"xs": []}), "");
    check("{{join xs}}", json!({"xs": "one"}), "one");
}

#[test]
fn missing_arguments_are_strict_errors_naming_the_path() {
    for template in [
        "{{code_block nope}}",
        "{{md_table nope}}",
        "{{truncate nope 3}}",
        "{{md_escape nope}}",
        "{{join nope}}",
        "{{md_escape a.nope}}",
    ] {
        check_err(template, json!({"a": {}}), "nope");
    }
}

#[test]
fn helpers_compose_as_subexpressions() {
    check(
        "{{md_escape (truncate s 4)}}",
        json!({"s": "*abcdef"}),
        "\\*ab…",
    );
}
