//! The converter checked as data: Markdown to ADF, ADF to Markdown, and
//! round trips both ways.

use serde_json::{Value, json};

use super::{adf_to_markdown, markdown_to_adf};

fn doc(content: Value) -> Value {
    json!({"type": "doc", "version": 1, "content": content})
}

fn p(content: Value) -> Value {
    json!({"type": "paragraph", "content": content})
}

fn t(text: &str) -> Value {
    json!({"type": "text", "text": text})
}

fn marked(text: &str, marks: Value) -> Value {
    json!({"type": "text", "text": text, "marks": marks})
}

/// Markdown to ADF gives `expected`, and ADF back to Markdown gives the
/// canonical form `canonical` (the input itself when `None`).
fn check(md: &str, expected: Value, canonical: Option<&str>) {
    let adf = markdown_to_adf(md);
    assert_eq!(adf, doc(expected.clone()), "markdown {md:?}");
    let back = adf_to_markdown(&adf);
    assert_eq!(back, canonical.unwrap_or(md), "back from {adf}");
    // The canonical Markdown converts to the same tree again.
    assert_eq!(markdown_to_adf(&back), adf, "again from {back:?}");
}

#[test]
fn paragraphs_and_inline_marks() {
    check("", json!([]), None);
    check(
        "Orders drifted.",
        json!([p(json!([t("Orders drifted.")]))]),
        None,
    );
    check(
        "The `orders` table drifted.",
        json!([p(json!([
            t("The "),
            marked("orders", json!([{"type": "code"}])),
            t(" table drifted.")
        ]))]),
        None,
    );
    check(
        "**bold** and *it* and ~~gone~~",
        json!([p(json!([
            marked("bold", json!([{"type": "strong"}])),
            t(" and "),
            marked("it", json!([{"type": "em"}])),
            t(" and "),
            marked("gone", json!([{"type": "strike"}])),
        ]))]),
        None,
    );
    check(
        "_it_ and __bold__",
        json!([p(json!([
            marked("it", json!([{"type": "em"}])),
            t(" and "),
            marked("bold", json!([{"type": "strong"}])),
        ]))]),
        Some("*it* and **bold**"),
    );
    check(
        "***both***",
        json!([p(json!([marked(
            "both",
            json!([{"type": "strong"}, {"type": "em"}])
        )]))]),
        None,
    );
    check(
        "First\nsecond  \nthird",
        json!([p(
            json!([t("First"), {"type": "hardBreak"}, t("second"), {"type": "hardBreak"}, t("third")])
        )]),
        Some("First\nsecond\nthird"),
    );
    check(
        "One.\n\nTwo.",
        json!([p(json!([t("One.")])), p(json!([t("Two.")]))]),
        None,
    );
}

#[test]
fn code_inside_emphasis_keeps_only_the_marks_adf_allows_with_code() {
    // ADF combines code with link only; the emphasis around the code goes.
    check(
        "*`orders`* and ~~**`items`**~~",
        json!([p(json!([
            marked("orders", json!([{"type": "code"}])),
            t(" and "),
            marked("items", json!([{"type": "code"}])),
        ]))]),
        Some("`orders` and `items`"),
    );
    check(
        "**[`orders`](https://example.com/o)**",
        json!([p(json!([marked(
            "orders",
            json!([{"type": "link", "attrs": {"href": "https://example.com/o"}}, {"type": "code"}])
        )]))]),
        Some("[`orders`](https://example.com/o)"),
    );
    // Text around the code keeps its emphasis.
    assert_eq!(
        markdown_to_adf("*see `orders`*"),
        doc(json!([p(json!([
            marked("see ", json!([{"type": "em"}])),
            marked("orders", json!([{"type": "code"}])),
        ]))]))
    );
}

#[test]
fn links() {
    check(
        "See [the docs](https://example.com/a?b=1).",
        json!([p(json!([
            t("See "),
            marked(
                "the docs",
                json!([{"type": "link", "attrs": {"href": "https://example.com/a?b=1"}}])
            ),
            t("."),
        ]))]),
        None,
    );
    check(
        "[**strong link**](https://x.org)",
        json!([p(json!([marked(
            "strong link",
            json!([{"type": "link", "attrs": {"href": "https://x.org"}}, {"type": "strong"}])
        )]))]),
        None,
    );
    check(
        "[a](<https://x.org/a b>)",
        json!([p(json!([marked(
            "a",
            json!([{"type": "link", "attrs": {"href": "https://x.org/a b"}}])
        )]))]),
        None,
    );
}

#[test]
fn headings_rules_and_quotes() {
    check(
        "# Title\n\n### Part",
        json!([
            {"type": "heading", "attrs": {"level": 1}, "content": [t("Title")]},
            {"type": "heading", "attrs": {"level": 3}, "content": [t("Part")]},
        ]),
        None,
    );
    check(
        "Title\n=====",
        json!([{"type": "heading", "attrs": {"level": 1}, "content": [t("Title")]}]),
        Some("# Title"),
    );
    check(
        "Above\n\n---\n\nBelow",
        json!([p(json!([t("Above")])), {"type": "rule"}, p(json!([t("Below")]))]),
        None,
    );
    check(
        "> Quoted\n> more\n>\n> second",
        json!([{"type": "blockquote", "content": [
            p(json!([t("Quoted"), {"type": "hardBreak"}, t("more")])),
            p(json!([t("second")])),
        ]}]),
        None,
    );
}

#[test]
fn code_blocks() {
    check(
        "```sql\nSELECT *\nFROM orders;\n```",
        json!([{"type": "codeBlock", "attrs": {"language": "sql"}, "content": [t("SELECT *\nFROM orders;")]}]),
        None,
    );
    check(
        "```\nplain\n```",
        json!([{"type": "codeBlock", "content": [t("plain")]}]),
        None,
    );
    check(
        "    indented",
        json!([{"type": "codeBlock", "content": [t("indented")]}]),
        Some("```\nindented\n```"),
    );
    check(
        "````\n```\n````",
        json!([{"type": "codeBlock", "content": [t("```")]}]),
        None,
    );
    check(
        "```\n**not bold**\n```",
        json!([{"type": "codeBlock", "content": [t("**not bold**")]}]),
        None,
    );
}

#[test]
fn lists() {
    let item = |text: &str| json!({"type": "listItem", "content": [p(json!([t(text)]))]});
    check(
        "- one\n- two",
        json!([{"type": "bulletList", "content": [item("one"), item("two")]}]),
        None,
    );
    check(
        "* one\n* two",
        json!([{"type": "bulletList", "content": [item("one"), item("two")]}]),
        Some("- one\n- two"),
    );
    check(
        "1. one\n2. two",
        json!([{"type": "orderedList", "attrs": {"order": 1}, "content": [item("one"), item("two")]}]),
        None,
    );
    check(
        "3. three\n4. four",
        json!([{"type": "orderedList", "attrs": {"order": 3}, "content": [item("three"), item("four")]}]),
        None,
    );
    check(
        "- outer\n  - inner\n- next",
        json!([{"type": "bulletList", "content": [
            {"type": "listItem", "content": [
                p(json!([t("outer")])),
                {"type": "bulletList", "content": [item("inner")]},
            ]},
            item("next"),
        ]}]),
        None,
    );
    check(
        "1. first\n   - sub",
        json!([{"type": "orderedList", "attrs": {"order": 1}, "content": [
            {"type": "listItem", "content": [
                p(json!([t("first")])),
                {"type": "bulletList", "content": [item("sub")]},
            ]},
        ]}]),
        None,
    );
}

#[test]
fn task_lists() {
    let task = |id: &str, state: &str, text: &str| json!({"type": "taskItem", "attrs": {"localId": id, "state": state}, "content": [t(text)]});
    check(
        "- [ ] migrate orders\n- [x] back up",
        json!([{"type": "taskList", "attrs": {"localId": "task-list-1"}, "content": [
            task("task-2", "TODO", "migrate orders"),
            task("task-3", "DONE", "back up"),
        ]}]),
        None,
    );
    // A list where only some items are tasks stays a bullet list.
    check(
        "- [x] done\n- plain",
        json!([{"type": "bulletList", "content": [
            {"type": "listItem", "content": [p(json!([t("[x] done")]))]},
            {"type": "listItem", "content": [p(json!([t("plain")]))]},
        ]}]),
        Some("- \\[x\\] done\n- plain"),
    );
}

#[test]
fn tables() {
    let cell =
        |k: &str, text: &str| json!({"type": k, "attrs": {}, "content": [p(json!([t(text)]))]});
    check(
        "| Column | Type |\n| --- | --- |\n| id | int |",
        json!([{"type": "table", "attrs": {"isNumberColumnEnabled": false, "layout": "default"}, "content": [
            {"type": "tableRow", "content": [cell("tableHeader", "Column"), cell("tableHeader", "Type")]},
            {"type": "tableRow", "content": [cell("tableCell", "id"), cell("tableCell", "int")]},
        ]}]),
        None,
    );
    check(
        "|a|b|\n|-|-|\n|`x`|y|",
        json!([{"type": "table", "attrs": {"isNumberColumnEnabled": false, "layout": "default"}, "content": [
            {"type": "tableRow", "content": [cell("tableHeader", "a"), cell("tableHeader", "b")]},
            {"type": "tableRow", "content": [
                {"type": "tableCell", "attrs": {}, "content": [p(json!([marked("x", json!([{"type": "code"}]))]))]},
                cell("tableCell", "y"),
            ]},
        ]}]),
        Some("| a | b |\n| --- | --- |\n| `x` | y |"),
    );
}

#[test]
fn text_that_looks_like_syntax_is_escaped() {
    for text in [
        "snake_case and *stars*",
        "# not a heading",
        "- not a list",
        "1. not a list",
        "> not a quote",
        "[not](a link)",
        "a \\ backslash",
        "a & b &amp; c",
        "<b>not html</b>",
        "~~not struck~~",
        "`not code`",
        "===",
    ] {
        let adf = doc(json!([p(json!([t(text)]))]));
        let md = adf_to_markdown(&adf);
        assert_eq!(markdown_to_adf(&md), adf, "{text:?} written as {md:?}");
    }
}

/// ADF as Jira writes it converts to Markdown and back unchanged.
#[test]
fn adf_round_trips() {
    let cases = [
        doc(
            json!([{"type": "orderedList", "attrs": {"order": 5}, "content": [
                {"type": "listItem", "content": [p(json!([marked("x", json!([{"type": "code"}]))]))]}
            ]}]),
        ),
        doc(json!([p(json!([marked(
            "a`b",
            json!([{"type": "code"}])
        )]))])),
        doc(
            json!([{"type": "heading", "attrs": {"level": 2}, "content": [t("H "), marked("x", json!([{"type": "em"}]))]}]),
        ),
        doc(
            json!([{"type": "codeBlock", "attrs": {"language": "rust"}, "content": [t("fn main() {}\n")]}]),
        ),
        doc(
            json!([{"type": "blockquote", "content": [{"type": "bulletList", "content": [
                {"type": "listItem", "content": [p(json!([t("in a quote")]))]}
            ]}]}]),
        ),
    ];
    for adf in cases {
        let md = adf_to_markdown(&adf);
        assert_eq!(markdown_to_adf(&md), adf, "written as {md:?}");
    }
}

/// Spaces inside a mark move outside it, where Markdown can keep them.
#[test]
fn spaces_leave_marks() {
    let adf = doc(json!([p(json!([
        t("Lead "),
        marked(" spaced ", json!([{"type": "strong"}])),
        t("end")
    ]))]));
    assert_eq!(adf_to_markdown(&adf), "Lead  **spaced** end");
}

#[test]
fn nodes_markdown_lacks_keep_their_text() {
    let adf = doc(json!([
        {"type": "panel", "attrs": {"panelType": "info"}, "content": [p(json!([t("Heads up")]))]},
        p(json!([
            {"type": "mention", "attrs": {"id": "5b10", "text": "@Ada"}},
            t(" "),
            {"type": "emoji", "attrs": {"shortName": ":smile:"}},
            t(" "),
            {"type": "inlineCard", "attrs": {"url": "https://x.org/1"}},
        ])),
        {"type": "mediaSingle", "content": [{"type": "media", "attrs": {"id": "1", "type": "file"}}]},
    ]));
    assert_eq!(
        adf_to_markdown(&adf),
        "> Heads up\n\n@Ada :smile: <https://x.org/1>"
    );
    assert_eq!(adf_to_markdown(&json!("not a doc")), "");
    assert_eq!(adf_to_markdown(&Value::Null), "");
}

mod properties {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::super::{adf_to_markdown, markdown_to_adf};

    /// Arbitrary ADF-like JSON, nested a few levels.
    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[a-zA-Z *_`#\\[\\]\n]{0,12}".prop_map(Value::String),
            prop_oneof![
                Just("text"),
                Just("paragraph"),
                Just("heading"),
                Just("bulletList"),
                Just("listItem"),
                Just("taskList"),
                Just("taskItem"),
                Just("table"),
                Just("tableRow"),
                Just("tableCell"),
                Just("codeBlock"),
                Just("hardBreak"),
                Just("mention")
            ]
            .prop_map(|t| serde_json::json!({"type": t})),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                (
                    prop_oneof![Just("doc"), Just("paragraph"), Just("heading"), Just("bulletList"), Just("orderedList"), Just("listItem"), Just("taskList"), Just("taskItem"), Just("table"), Just("tableRow"), Just("tableCell"), Just("blockquote"), Just("codeBlock"), Just("text")],
                    prop::collection::vec(inner.clone(), 0..4),
                    inner.clone(),
                    "[a-z *_`]{0,8}",
                )
                    .prop_map(|(t, content, attrs, text)| serde_json::json!({"type": t, "content": content, "attrs": attrs, "text": text, "marks": [{"type": "strong"}, {"type": "link", "attrs": attrs}]})),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_text_converts_without_panicking(md in "\\PC{0,200}") {
            let adf = markdown_to_adf(&md);
            prop_assert_eq!(adf.get("type").and_then(Value::as_str), Some("doc"));
            adf_to_markdown(&adf);
        }

        #[test]
        fn any_json_converts_without_panicking(v in arb_json()) {
            adf_to_markdown(&v);
        }

        /// Markdown built from the covered constructs reaches a fixed
        /// point after one conversion: writing the tree and reading it
        /// again gives the same tree.
        #[test]
        fn converted_markdown_is_a_fixed_point(
            lines in prop::collection::vec(
                prop_oneof![
                    "[a-z]{1,8}( [a-z]{1,8}){0,3}",
                    "[a-z]{1,5} \\*\\*[a-z]{1,5}\\*\\* [a-z]{1,5}",
                    "[a-z]{1,5} _[a-z]{1,5}_",
                    "`[a-z ]{1,6}`",
                    "#{1,6} [a-z]{1,8}",
                    "- [a-z]{1,8}",
                    "  - [a-z]{1,8}",
                    "[1-9]\\. [a-z]{1,8}",
                    "- \\[[ x]\\] [a-z]{1,8}",
                    "> [a-z]{1,8}",
                    "\\[[a-z]{1,5}\\]\\(https://x\\.org/[a-z]{1,5}\\)",
                    "---",
                    "",
                    "```sql\n[a-z ;]{0,12}\n```",
                    "\\| [a-z]{1,3} \\| [a-z]{1,3} \\|\n\\| --- \\| --- \\|\n\\| [a-z]{1,3} \\| [a-z]{1,3} \\|",
                    "[a-z]{1,4}[*_#|<&\\\\\\[\\]][a-z]{1,4}",
                ],
                0..10,
            )
        ) {
            let md = lines.join("\n");
            let adf = markdown_to_adf(&md);
            let written = adf_to_markdown(&adf);
            prop_assert_eq!(markdown_to_adf(&written), adf, "{:?} written as {:?}", md, written);
        }
    }
}
