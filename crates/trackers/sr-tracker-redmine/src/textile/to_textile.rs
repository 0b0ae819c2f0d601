//! Markdown to Textile: pulldown-cmark's events written out as Textile.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

#[derive(Default)]
struct Writer {
    out: String,
    /// The markers of the open lists, outermost first (`*` or `#`).
    lists: Vec<char>,
    /// Inside a list item: paragraphs there are the item's text.
    items: usize,
    quote: usize,
    code: bool,
    /// The open code block has a language (`<pre><code class=…>`).
    code_tagged: bool,
    image: bool,
    header: bool,
    links: Vec<String>,
}

impl Writer {
    fn end_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn end_block(&mut self) {
        self.end_line();
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph if self.items == 0 && self.quote > 0 => {
                self.out.push_str("bq. ");
            }
            Tag::Heading { level, .. } => {
                self.out.push_str(&format!("h{}. ", level as usize));
            }
            Tag::BlockQuote(_) => self.quote += 1,
            Tag::CodeBlock(kind) => {
                self.code = true;
                self.code_tagged = false;
                match kind {
                    CodeBlockKind::Fenced(lang) if !lang.trim().is_empty() => {
                        let lang = lang.split_whitespace().next().unwrap_or_default();
                        self.code_tagged = true;
                        self.out
                            .push_str(&format!("<pre><code class=\"{lang}\">\n"));
                    }
                    _ => self.out.push_str("<pre>\n"),
                }
            }
            Tag::List(start) => {
                self.end_line();
                self.lists.push(if start.is_some() { '#' } else { '*' });
            }
            Tag::Item => {
                self.end_line();
                self.items += 1;
                let marker: String = self.lists.iter().collect();
                self.out.push_str(&marker);
                self.out.push(' ');
            }
            Tag::Emphasis => self.out.push('_'),
            Tag::Strong => self.out.push('*'),
            Tag::Strikethrough => self.out.push('-'),
            Tag::Link { dest_url, .. } => {
                self.out.push('"');
                self.links.push(dest_url.into_string());
            }
            Tag::Image { dest_url, .. } => {
                self.image = true;
                self.out.push('!');
                self.out.push_str(&dest_url);
                self.out.push('!');
            }
            Tag::TableHead => {
                self.header = true;
                self.out.push('|');
            }
            Tag::TableRow => self.out.push('|'),
            Tag::TableCell if self.header => {
                self.out.push_str("_. ");
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph if self.items == 0 => {
                self.end_block();
            }
            TagEnd::Heading(_) => self.end_block(),
            TagEnd::BlockQuote(_) => self.quote = self.quote.saturating_sub(1),
            TagEnd::CodeBlock => {
                self.code = false;
                self.end_line();
                self.out.push_str(if self.code_tagged {
                    "</code></pre>"
                } else {
                    "</pre>"
                });
                self.end_block();
            }
            TagEnd::List(_) => {
                self.lists.pop();
                if self.lists.is_empty() {
                    self.end_block();
                }
            }
            TagEnd::Item => {
                self.items = self.items.saturating_sub(1);
                self.end_line();
            }
            TagEnd::Emphasis => self.out.push('_'),
            TagEnd::Strong => self.out.push('*'),
            TagEnd::Strikethrough => self.out.push('-'),
            TagEnd::Link => {
                let url = self.links.pop().unwrap_or_default();
                self.out.push_str("\":");
                self.out.push_str(&url);
            }
            TagEnd::Image => self.image = false,
            TagEnd::TableHead => {
                self.header = false;
                self.out.push('\n');
            }
            TagEnd::TableRow => self.out.push('\n'),
            TagEnd::TableCell => self.out.push('|'),
            TagEnd::Table => self.end_block(),
            _ => {}
        }
    }

    fn event(&mut self, e: Event<'_>) {
        match e {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) if self.image => drop(t),
            Event::Text(t) => self.out.push_str(&t),
            Event::Code(c) => {
                if c.contains('@') {
                    self.out.push_str(&format!("<code>{c}</code>"));
                } else {
                    self.out.push_str(&format!("@{c}@"));
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => self.out.push_str(&h),
            Event::SoftBreak | Event::HardBreak => {
                self.out.push('\n');
                if self.quote > 0 && self.items == 0 && !self.code {
                    self.out.push_str("bq. ");
                }
            }
            Event::Rule => {
                self.out.push_str("----");
                self.end_block();
            }
            Event::TaskListMarker(done) => self.out.push_str(if done { "[x] " } else { "[ ] " }),
            _ => {}
        }
    }
}

/// Markdown (CommonMark with tables, strikethrough and task lists) as
/// Textile.
pub fn markdown_to_textile(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut w = Writer::default();
    for e in Parser::new_ext(markdown, options) {
        w.event(e);
    }
    w.out.trim_end().to_owned()
}
