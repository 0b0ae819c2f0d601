//! CommonMark to Slack's mrkdwn, through pulldown-cmark's events: `*bold*`,
//! `_italic_`, `~strike~`, `` `code` ``, fenced blocks, `<url|text>` links,
//! `•` list items and headings as bold lines. Slack has no tables or
//! images; their text is kept.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Escapes the three characters Slack's mrkdwn gives a meaning to.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `markdown` as Slack mrkdwn.
pub fn to_mrkdwn(markdown: &str) -> String {
    let mut out = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => out.push('*'),
            Event::Start(Tag::Emphasis) | Event::End(TagEnd::Emphasis) => out.push('_'),
            Event::Start(Tag::Strikethrough) | Event::End(TagEnd::Strikethrough) => out.push('~'),
            Event::Start(Tag::Heading { .. }) => out.push('*'),
            Event::End(TagEnd::Heading(_)) => out.push_str("*\n\n"),
            Event::End(TagEnd::Paragraph) => {
                out.push_str(if lists.is_empty() { "\n\n" } else { "\n" })
            }
            Event::Start(Tag::CodeBlock(_)) => out.push_str("```\n"),
            Event::End(TagEnd::CodeBlock) => out.push_str("```\n\n"),
            Event::Start(Tag::List(start)) => lists.push(start),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                // A nested list starts inside its parent's tight item.
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(&"    ".repeat(lists.len().saturating_sub(1)));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("• "),
                }
            }
            Event::End(TagEnd::Item) if !out.ends_with('\n') => out.push('\n'),
            Event::Start(Tag::Link { dest_url, .. }) => {
                out.push('<');
                out.push_str(&dest_url);
                out.push('|');
            }
            Event::End(TagEnd::Link) => out.push('>'),
            Event::Code(code) => {
                out.push('`');
                out.push_str(&escape(&code));
                out.push('`');
            }
            Event::Text(text) => out.push_str(&escape(&text)),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::Rule => out.push_str("———\n\n"),
            Event::Html(html) | Event::InlineHtml(html) => out.push_str(&escape(&html)),
            _ => {}
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::to_mrkdwn;

    #[track_caller]
    fn check(markdown: &str, expected: &str) {
        assert_eq!(to_mrkdwn(markdown), expected, "{markdown}");
    }

    #[test]
    fn markdown_becomes_mrkdwn() {
        check("plain", "plain");
        check(
            "**bold** and *it* and ~~gone~~",
            "*bold* and _it_ and ~gone~",
        );
        check("`a < b`", "`a &lt; b`");
        check(
            "[LOCAL-7](https://t.example/7)",
            "<https://t.example/7|LOCAL-7>",
        );
        check("## Drift\n\ntext", "*Drift*\n\ntext");
        check("- one\n- two", "• one\n• two");
        check("1. one\n2. two", "1. one\n2. two");
        check("- a\n  - b", "• a\n    • b");
        check("```sql\nALTER TABLE t;\n```", "```\nALTER TABLE t;\n```");
        check("a & b <script>", "a &amp; b &lt;script&gt;");
    }
}
