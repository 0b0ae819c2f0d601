//! Textile to Markdown: block forms line by line, inline forms by pattern
//! with code spans set aside first (nothing inside them is markup).

use std::sync::LazyLock;

use regex::Regex;

/// Before and after an inline marker: a phrase modifier only counts at a
/// word's edge, as Textile reads `a*b*c` as text.
const BEFORE: &str = r#"(^|[\s(\[{>"'])"#;
const AFTER: &str = r#"($|[\s)\]}<.,;:!?"'])"#;

fn phrase(marker: &str) -> Regex {
    let m = regex::escape(marker);
    Regex::new(&format!(
        r"{BEFORE}{m}([^\s{m}](?:[^{m}]*[^\s{m}])?){m}{AFTER}"
    ))
    .unwrap_or_else(|e| unreachable!("pattern for {marker}: {e}"))
}

static CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<code>(.*?)</code>|@([^@\s](?:[^@]*[^@\s])?)@")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
static STRONG: LazyLock<Regex> = LazyLock::new(|| phrase("*"));
static EMPHASIS: LazyLock<Regex> = LazyLock::new(|| phrase("_"));
static STRIKE: LazyLock<Regex> = LazyLock::new(|| phrase("-"));
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""([^"]+)":(\S*[^\s.,;:!?)"'])"#).unwrap_or_else(|e| unreachable!("{e}"))
});
static IMAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!([^\s!]+)!").unwrap_or_else(|e| unreachable!("{e}")));
static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^h([1-6])\. (.*)$").unwrap_or_else(|e| unreachable!("{e}")));
static ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([*#]+) (.*)$").unwrap_or_else(|e| unreachable!("{e}")));
static PRE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^<pre>(?:<code(?: class="([^"]*)")?>)?(.*)$"#)
        .unwrap_or_else(|e| unreachable!("{e}"))
});

/// The inline forms of one line as Markdown.
fn inline(line: &str) -> String {
    // Code spans leave as placeholders, so no other pattern reads them.
    let mut spans = Vec::new();
    let text = CODE.replace_all(line, |c: &regex::Captures<'_>| {
        let inner = c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str());
        spans.push(format!("`{inner}`"));
        format!("\u{0}{}\u{0}", spans.len() - 1)
    });
    let text = IMAGE.replace_all(&text, "![]($1)");
    let text = LINK.replace_all(&text, "[$1]($2)");
    let text = STRONG.replace_all(&text, "$1\u{1}$2\u{1}$3");
    let text = EMPHASIS.replace_all(&text, "$1*$2*$3");
    let text = STRIKE.replace_all(&text, "$1~~$2~~$3");
    let mut out = text.replace('\u{1}', "**");
    for (i, span) in spans.iter().enumerate() {
        out = out.replace(&format!("\u{0}{i}\u{0}"), span);
    }
    out
}

/// A table row (`|_. a|b|`) as Markdown cells, and whether it is a header.
fn row(line: &str) -> (String, bool) {
    let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
    let header = cells.iter().all(|c| c.starts_with("_."));
    let text: Vec<String> = cells
        .iter()
        .map(|c| inline(c.trim_start_matches("_.").trim()))
        .collect();
    (format!("| {} |", text.join(" | ")), header)
}

/// Textile as Markdown.
pub fn textile_to_markdown(textile: &str) -> String {
    let text = textile.replace("\r\n", "\n");
    let mut blocks: Vec<String> = Vec::new();
    let mut block: Vec<String> = Vec::new();
    let flush = |block: &mut Vec<String>, blocks: &mut Vec<String>| {
        if !block.is_empty() {
            blocks.push(block.join("\n"));
            block.clear();
        }
    };
    // Numbering of ordered items, per depth.
    let mut numbers: Vec<usize> = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(c) = PRE.captures(line) {
            flush(&mut block, &mut blocks);
            let lang = c.get(1).map_or("", |m| m.as_str());
            let mut body: Vec<&str> = Vec::new();
            let mut rest = c.get(2).map_or("", |m| m.as_str());
            loop {
                if let Some(end) = rest.find("</pre>") {
                    let part = rest[..end].trim_end_matches("</code>");
                    if !part.is_empty() {
                        body.push(part);
                    }
                    break;
                }
                if !(body.is_empty() && rest.is_empty()) {
                    body.push(rest);
                }
                match lines.next() {
                    Some(next) => rest = next,
                    None => break,
                }
            }
            blocks.push(format!("```{lang}\n{}\n```", body.join("\n")));
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut block, &mut blocks);
            numbers.clear();
            continue;
        }
        if let Some(c) = HEADING.captures(line) {
            flush(&mut block, &mut blocks);
            let level: usize = c[1].parse().unwrap_or(1);
            blocks.push(format!("{} {}", "#".repeat(level), inline(&c[2])));
            continue;
        }
        if let Some(rest) = line.strip_prefix("bq. ") {
            block.push(format!("> {}", inline(rest)));
            continue;
        }
        if line.trim() == "----" || line.trim() == "---" {
            flush(&mut block, &mut blocks);
            blocks.push("---".into());
            continue;
        }
        if let Some(c) = ITEM.captures(line) {
            let markers = &c[1];
            let depth = markers.len();
            numbers.truncate(depth);
            numbers.resize(depth, 0);
            let mut indent = String::new();
            for m in markers.chars().take(depth - 1) {
                indent.push_str(if m == '#' { "   " } else { "  " });
            }
            let bullet = if markers.ends_with('#') {
                numbers[depth - 1] += 1;
                format!("{}.", numbers[depth - 1])
            } else {
                "-".to_owned()
            };
            block.push(format!("{indent}{bullet} {}", inline(&c[2])));
            continue;
        }
        if line.starts_with('|') && line.trim_end().ends_with('|') {
            let (cells, header) = row(line);
            let columns = cells.matches(" | ").count() + 1;
            block.push(cells);
            if header {
                block.push(format!("|{}", " --- |".repeat(columns)));
            }
            continue;
        }
        block.push(inline(line));
    }
    flush(&mut block, &mut blocks);
    blocks.join("\n\n")
}
