//! The wiki converter checked as data: Markdown to wiki markup, wiki
//! markup written by people to Markdown, and Markdown round trips.

use super::{markdown_to_wiki, wiki_to_markdown};
use crate::adf::{adf_to_markdown, markdown_to_adf};

/// Markdown → wiki gives `wiki`, and wiki → Markdown gives the Markdown's
/// canonical form (what Cloud issues read as).
fn check(md: &str, wiki: &str) {
    assert_eq!(markdown_to_wiki(md), wiki, "to wiki from {md:?}");
    let canonical = adf_to_markdown(&markdown_to_adf(md));
    assert_eq!(wiki_to_markdown(wiki), canonical, "back from {wiki:?}");
}

/// Wiki markup as a person or Jira writes it reads as `md`.
fn read(wiki: &str, md: &str) {
    assert_eq!(wiki_to_markdown(wiki), md, "from {wiki:?}");
}

#[test]
fn inline_marks_and_escapes() {
    check("", "");
    check("Orders drifted.", "Orders drifted.");
    check(
        "The `orders` table drifted.",
        "The {{orders}} table drifted.",
    );
    check(
        "**bold** and *it* and ~~gone~~",
        "*bold* and _it_ and -gone-",
    );
    check("***both***", "*_both_*");
    check("*a **b** c*", "_a *b* c_");
    check(
        "[the docs](https://example.com/a?b=1)",
        "[the docs|https://example.com/a?b=1]",
    );
    check(
        "**[bold link](https://x.example)**",
        "[*bold link*|https://x.example]",
    );
    check("line one\nline two", "line one\nline two");
    check(
        "snake_case, re-use, 2026-11-22, 3 - 4 and 3 * 4",
        "snake\\_case, re-use, 2026-11-22, 3 \\- 4 and 3 \\* 4",
    );
    check(
        "a {macro} and !image! and x|y",
        "a \\{macro\\} and \\!image\\! and x\\|y",
    );
    check("\\# not a heading", "\\# not a heading");
    check("h1. not a heading either", "h1\\. not a heading either");
    check("`{{x}}` and `*y*`", "{{{{x}}}} and {{*y*}}");
}

#[test]
fn blocks() {
    check("# Title\n\nText.", "h1. Title\n\nText.");
    check("### Third", "h3. Third");
    check("- a\n- b\n  - c\n- d", "* a\n* b\n** c\n* d");
    check("1. one\n2. two\n   - inner", "# one\n# two\n#* inner");
    check("- [ ] todo\n- [x] done", "* [ ] todo\n* [x] done");
    check("```sql\nSELECT 1;\n```", "{code:sql}\nSELECT 1;\n{code}");
    check("```\nplain\n```", "{code}\nplain\n{code}");
    check("> quoted\n>\n> twice", "{quote}\nquoted\n\ntwice\n{quote}");
    check("---", "----");
    check(
        "| a | b |\n| --- | --- |\n| 1 | `2` |",
        "||a||b||\n|1|{{2}}|",
    );
    check(
        "## Drift\n\nThe `orders` table changed:\n\n- column `note` added\n- index dropped\n\n```sql\nALTER TABLE orders ADD note text;\n```",
        "h2. Drift\n\nThe {{orders}} table changed:\n\n* column {{note}} added\n* index dropped\n\n{code:sql}\nALTER TABLE orders ADD note text;\n{code}",
    );
}

#[test]
fn wiki_as_people_write_it() {
    read("h2. Steps\n# open\n# run", "## Steps\n\n1. open\n2. run");
    read("bq. a quote", "> a quote");
    read(
        "{code:language=sql|title=q}\nSELECT 1;\n{code}",
        "```sql\nSELECT 1;\n```",
    );
    read("{noformat}\nraw *text*\n{noformat}", "```\nraw *text*\n```");
    read("- dash item\n- second", "- dash item\n- second");
    read(
        "[https://example.com]",
        "[https://example.com](https://example.com)",
    );
    read(
        "an +under+ and ^sup^ stay text",
        "an +under+ and ^sup^ stay text",
    );
    read("*unclosed and a*b", "\\*unclosed and a\\*b");
}
