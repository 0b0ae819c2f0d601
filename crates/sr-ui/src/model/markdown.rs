//! A small Markdown reader for the description preview: headings, bullets,
//! fenced code, tables and paragraphs. Enough to check what a description
//! will look like; the tracker renders the real thing.

/// One block of a Markdown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading {
        level: usize,
        text: String,
    },
    Bullet(String),
    /// Fenced code, or a table kept as monospace lines.
    Code(String),
    Paragraph(String),
}

/// Splits `text` into blocks.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut code: Option<Vec<&str>> = None;
    let mut table: Vec<&str> = Vec::new();
    let flush_paragraph = |p: &mut Vec<&str>, out: &mut Vec<Block>| {
        if !p.is_empty() {
            out.push(Block::Paragraph(p.join(" ")));
            p.clear();
        }
    };
    let flush_table = |t: &mut Vec<&str>, out: &mut Vec<Block>| {
        if !t.is_empty() {
            out.push(Block::Code(t.join("\n")));
            t.clear();
        }
    };
    for line in text.lines() {
        if let Some(lines) = &mut code {
            if line.trim_start().starts_with("```") {
                out.push(Block::Code(lines.join("\n")));
                code = None;
            } else {
                lines.push(line);
            }
            continue;
        }
        let trimmed = line.trim();
        if !trimmed.starts_with('|') {
            flush_table(&mut table, &mut out);
        }
        if trimmed.starts_with("```") {
            flush_paragraph(&mut paragraph, &mut out);
            code = Some(Vec::new());
        } else if trimmed.starts_with('|') {
            flush_paragraph(&mut paragraph, &mut out);
            table.push(trimmed);
        } else if trimmed.is_empty() {
            flush_paragraph(&mut paragraph, &mut out);
        } else if let Some(level) = heading_level(trimmed) {
            flush_paragraph(&mut paragraph, &mut out);
            out.push(Block::Heading {
                level,
                text: trimmed[level..].trim().to_owned(),
            });
        } else if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            flush_paragraph(&mut paragraph, &mut out);
            out.push(Block::Bullet(item.trim().to_owned()));
        } else {
            paragraph.push(trimmed);
        }
    }
    flush_table(&mut table, &mut out);
    flush_paragraph(&mut paragraph, &mut out);
    if let Some(lines) = code {
        out.push(Block::Code(lines.join("\n")));
    }
    out
}

fn heading_level(line: &str) -> Option<usize> {
    let level = line.chars().take_while(|&c| c == '#').count();
    ((1..=6).contains(&level) && line[level..].starts_with(' ')).then_some(level)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &[Block]) {
        assert_eq!(blocks(text), expected, "{text:?}");
    }

    fn p(s: &str) -> Block {
        Block::Paragraph(s.into())
    }

    #[test]
    fn reads_the_blocks_of_a_summary() {
        check("", &[]);
        check("one\ntwo\n\nthree", &[p("one two"), p("three")]);
        check(
            "## Table `orders`\n- a\n* b\n#nope",
            &[
                Block::Heading {
                    level: 2,
                    text: "Table `orders`".into(),
                },
                Block::Bullet("a".into()),
                Block::Bullet("b".into()),
                p("#nope"),
            ],
        );
        check(
            "```sql\nCREATE TABLE t (\n  a INT\n);\n```\nafter",
            &[
                Block::Code("CREATE TABLE t (\n  a INT\n);".into()),
                p("after"),
            ],
        );
        check(
            "| a | b |\n|---|---|\n| 1 | 2 |\ntext",
            &[
                Block::Code("| a | b |\n|---|---|\n| 1 | 2 |".into()),
                p("text"),
            ],
        );
        check("```\nunclosed", &[Block::Code("unclosed".into())]);
    }
}
