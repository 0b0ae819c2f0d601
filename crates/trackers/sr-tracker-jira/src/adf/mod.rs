//! Markdown ↔ Atlassian Document Format (ADF), the JSON tree Jira Cloud's
//! REST v3 takes and gives for descriptions and comments. Pure functions:
//! [`markdown_to_adf`] parses CommonMark with GitHub's extensions
//! (pulldown-cmark) and builds the tree; [`adf_to_markdown`] writes it back.
//!
//! Covered both ways: headings, paragraphs, strong, emphasis, strike,
//! inline code, links, bullet and ordered lists (nested), task lists,
//! fenced code blocks with their language, tables, block quotes, rules and
//! hard breaks. A Markdown line break inside a paragraph becomes an ADF
//! `hardBreak` (Jira users expect the line to break), and a `hardBreak` is
//! written back as a plain line break, so both directions round-trip.
//! ADF nodes Markdown cannot express (panels, mentions, emoji, media) are
//! written as their text, so nothing a person wrote disappears.

mod from_md;
#[cfg(test)]
mod tests;
mod to_md;

pub use from_md::markdown_to_adf;
pub use to_md::adf_to_markdown;

/// Where a mark nests, outermost first; marks are kept in this order so
/// that the same formatting is always the same tree.
pub(crate) fn mark_rank(kind: &str) -> u8 {
    match kind {
        "link" => 0,
        "strong" => 1,
        "em" => 2,
        "strike" => 3,
        "code" => 5,
        _ => 4,
    }
}

/// The empty document (`{"type":"doc","version":1,"content":[]}`).
pub fn empty_doc() -> serde_json::Value {
    serde_json::json!({"type": "doc", "version": 1, "content": []})
}
