//! Markdown ↔ Textile, for a Redmine whose text formatting is Textile (its
//! default). Issue bodies and comments are Markdown in ScratchRobin; they
//! are written as Textile and read back as Markdown, so what was sent
//! reads back the same.
//!
//! Hand-written: no maintained Rust crate converts Markdown to Textile or
//! back (the Textile crates render HTML). Markdown is parsed with
//! pulldown-cmark; Textile is read line by line for the block forms and
//! with patterns for the inline ones, the subset Redmine's toolbar writes.
//!
//! Covered both ways: headings (`h1.`), paragraphs with line breaks,
//! strong (`*b*`), emphasis (`_i_`), strike (`-s-`), inline code (`@c@`,
//! `<code>`), links (`"text":url`), images (`!url!`), bullet (`*`) and
//! numbered (`#`) lists nested by repeating the marker, code blocks
//! (`<pre><code class="lang">`), quotes (`bq.`), rules and tables
//! (`|_. head|`, `|cell|`). Other Textile (classes, spans, footnotes) is
//! kept as its text.

mod from_textile;
#[cfg(test)]
mod tests;
mod to_textile;

pub use from_textile::textile_to_markdown;
pub use to_textile::markdown_to_textile;
