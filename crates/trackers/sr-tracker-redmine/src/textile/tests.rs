//! Markdown → Textile → Markdown on the forms ScratchRobin writes, and
//! Textile as Redmine users write it.

use super::{markdown_to_textile, textile_to_markdown};

fn both(markdown: &str, textile: &str) {
    assert_eq!(markdown_to_textile(markdown), textile, "to Textile");
    assert_eq!(textile_to_markdown(textile), markdown, "back to Markdown");
}

#[test]
fn inline_forms_round_trip() {
    both("The `orders` table drifted.", "The @orders@ table drifted.");
    both(
        "**Severity** is *high*, ~~low~~ and `a@b`.",
        "*Severity* is _high_, -low- and <code>a@b</code>.",
    );
    both(
        "See [the runbook](https://wiki.example.com/run) and ![](https://x.example/a.png)",
        "See \"the runbook\":https://wiki.example.com/run and !https://x.example/a.png!",
    );
    both("Line one\nline two", "Line one\nline two");
    both("Now with details.", "Now with details.");
}

#[test]
fn block_forms_round_trip() {
    both(
        "## Drift\n\nTwo columns:\n\n- `id`\n- `total`\n  - nested\n\n1. first\n2. second",
        "h2. Drift\n\nTwo columns:\n\n* @id@\n* @total@\n** nested\n\n# first\n# second",
    );
    both(
        "```sql\nselect 1;\n\nselect 2;\n```\n\n> quoted\n\n---",
        "<pre><code class=\"sql\">\nselect 1;\n\nselect 2;\n</code></pre>\n\nbq. quoted\n\n----",
    );
    both("| a | b |\n| --- | --- |\n| 1 | 2 |", "|_. a|_. b|\n|1|2|");
}

#[test]
fn textile_written_by_hand_reads() {
    assert_eq!(
        textile_to_markdown("h3. Title\r\n\r\nsome *bold* text, 3*4*5 and a-b-c"),
        "### Title\n\nsome **bold** text, 3*4*5 and a-b-c"
    );
    assert_eq!(
        textile_to_markdown("<pre>raw *text*</pre>"),
        "```\nraw *text*\n```"
    );
}
