//! Markdown to HTML and back: Azure Boards keeps `System.Description` and
//! comments as HTML. Written with pulldown-cmark (CommonMark plus tables
//! and strikethrough, as issue bodies use them), read back with htmd; a
//! body sent and read again is the Markdown sent, for what ScratchRobin's
//! templates write.

use pulldown_cmark::{Options, Parser, html};

/// The HTML of a Markdown text.
pub fn to_html(markdown: &str) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    out.trim_end().to_owned()
}

/// The Markdown of an HTML text (a description or comment written in
/// Azure Boards' editor, or one ScratchRobin sent).
pub fn to_markdown(html: &str) -> String {
    if html.trim().is_empty() {
        return String::new();
    }
    let converter = htmd::HtmlToMarkdown::builder()
        .options(htmd::options::Options {
            heading_style: htmd::options::HeadingStyle::Atx,
            code_block_style: htmd::options::CodeBlockStyle::Fenced,
            bullet_list_marker: htmd::options::BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            ..htmd::options::Options::default()
        })
        .build();
    // htmd fails only on input it cannot read at all; such text is kept as
    // it came rather than lost.
    converter
        .convert(html)
        .map(|md| plain(without_trailing_breaks(md.trim())))
        .unwrap_or_else(|_| html.trim().to_owned())
}

/// The Markdown without htmd's defensive escapes (`order\_items`,
/// `3 \* 2`) when dropping them renders the same: bodies read back then
/// equal the Markdown ScratchRobin sent, so content hashes stay put.
fn plain(md: String) -> String {
    let mut out = String::with_capacity(md.len());
    let mut chars = md.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
            continue;
        }
        out.push(c);
    }
    if out != md && to_html(&out) == to_html(&md) {
        out
    } else {
        md
    }
}

/// The editor ends blocks with a `<br>`, which reads as a hard break (two
/// trailing spaces) before a blank line, where it breaks nothing.
fn without_trailing_breaks(md: &str) -> String {
    let lines: Vec<&str> = md.lines().collect();
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if lines.get(i + 1).is_none_or(|n| n.trim().is_empty()) {
                l.trim_end()
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(markdown: &str) {
        let html = to_html(markdown);
        assert_eq!(to_markdown(&html), markdown, "through {html}");
    }

    #[test]
    fn markdown_survives_the_round_trip() {
        round_trip("The `orders` table drifted.");
        round_trip("Now with details.");
        round_trip(
            "## Drift\n\n- column `total` changed\n- index dropped\n\n**Seen** on *staging*.",
        );
        round_trip("```sql\nALTER TABLE orders ADD total numeric;\n```");
        round_trip("See [the docs](https://example.com/x).");
        round_trip("Table order_items drifted: 3 rows * 2.");
        // Tables come back padded to their columns: the same table.
        let table = to_html("| column | type |\n| --- | --- |\n| total | numeric |");
        assert_eq!(to_html(&to_markdown(&table)), table);
        // An escape that matters stays.
        assert_eq!(to_markdown("<p>*not emphasis*</p>"), "\\*not emphasis\\*");
        assert_eq!(to_html(""), "");
        assert_eq!(to_markdown("  "), "");
    }

    #[test]
    fn html_from_the_editor_reads_as_markdown() {
        assert_eq!(
            to_markdown(
                "<div>Crash on <b>save</b><br></div><div>steps:</div><ol><li>open</li><li>save</li></ol>"
            ),
            "Crash on **save**\n\nsteps:\n\n1. open\n2. save"
        );
        assert_eq!(to_html("a < b & c"), "<p>a &lt; b &amp; c</p>");
        assert_eq!(to_markdown("<p>a &lt; b &amp; c</p>"), "a < b & c");
    }
}
