//! Markdown ↔ Jira wiki markup, the text format Jira Data Center's REST v2
//! takes and gives for descriptions and comments (and Jira Cloud's
//! webhooks send). Both directions go through the ADF tree the [`crate::adf`]
//! converter already builds and reads: Markdown → ADF → wiki markup, and
//! wiki markup → ADF → Markdown, so the Markdown that comes back is the
//! same canonical form Cloud issues read as.
//!
//! Covered both ways: headings (`h1.`), paragraphs with line breaks,
//! strong (`*b*`), emphasis (`_i_`), strike (`-s-`), inline code
//! (`{{c}}`), links (`[text|url]`), bullet (`*`) and numbered (`#`) lists
//! nested by repeating the marker, task items (`* [ ]`, which wiki markup
//! lacks, written as text), `{code:lang}` blocks, `{quote}` blocks, rules
//! (`----`) and tables (`||head||` / `|cell|`). Other wiki markup
//! (colours, panels, images, `+underline+`) is read as its text.

mod from_wiki;
mod inline;
#[cfg(test)]
mod tests;
mod to_wiki;

pub use from_wiki::wiki_to_adf;
pub use to_wiki::adf_to_wiki;

use crate::adf::{adf_to_markdown, markdown_to_adf};

/// Markdown as Jira wiki markup.
pub fn markdown_to_wiki(markdown: &str) -> String {
    adf_to_wiki(&markdown_to_adf(markdown))
}

/// Jira wiki markup as Markdown.
pub fn wiki_to_markdown(wiki: &str) -> String {
    adf_to_markdown(&wiki_to_adf(wiki))
}
