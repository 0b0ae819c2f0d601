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
    Code(String),
    /// A pipe table: the header cells and each row's cells.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
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
        if let Some((first, rest)) = t.split_first() {
            out.push(Block::Table {
                header: cells(first),
                rows: rest
                    .iter()
                    .filter(|l| !is_separator(l))
                    .map(|l| cells(l))
                    .collect(),
            });
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

/// `| a | b |` → `["a", "b"]`; an empty cell stays empty.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner.split('|').map(|c| c.trim().to_owned()).collect()
}

/// `|---|:---:|` under a table's header.
fn is_separator(line: &str) -> bool {
    cells(line)
        .iter()
        .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')))
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
        let table = |header: &[&str], rows: &[&[&str]]| Block::Table {
            header: header.iter().map(|c| (*c).to_owned()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
                .collect(),
        };
        check(
            "| a | b |\n|---|:---:|\n| 1 |  |\ntext",
            &[table(&["a", "b"], &[&["1", ""]]), p("text")],
        );
        check("|x|\n", &[table(&["x"], &[])]);
        check("```\nunclosed", &[Block::Code("unclosed".into())]);
    }
}
