//! The Adaptive Card of one message (schema 1.4, what Teams renders). A
//! TextBlock renders a subset of Markdown (bold, italic, lists, links);
//! code blocks, which it does not, become TextBlocks of their own in the
//! monospace font, and headings become bold lines.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde_json::{Value, json};
use sr_notify::{Action, Message, Severity};

/// The adaptive card version Teams renders on every client.
const VERSION: &str = "1.4";

/// The whole POST body: a message with the card as its one attachment.
pub fn message_json(m: &Message) -> Value {
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": card(m),
        }]
    })
}

/// The card alone.
pub fn card(m: &Message) -> Value {
    let n = &m.notification;
    let (headline, color) = match m.action {
        Action::Trigger => (
            format!("{}: {}", n.severity.as_str().to_uppercase(), n.title),
            severity_color(n.severity),
        ),
        Action::Acknowledge => (format!("Acknowledged: {}", n.title), "Accent"),
        Action::Resolve => (format!("Resolved: {}", n.title), "Good"),
        Action::Report => (n.title.clone(), "Accent"),
        Action::Test => (
            "A test message from ScratchRobin: this channel works.".into(),
            "Accent",
        ),
    };
    let mut body = vec![json!({
        "type": "TextBlock",
        "text": headline,
        "size": "Large",
        "weight": "Bolder",
        "color": color,
        "wrap": true,
        "style": "heading",
    })];
    body.extend(blocks(&n.body));
    body.push(json!({
        "type": "FactSet",
        "separator": true,
        "facts": [
            {"title": "Severity", "value": n.severity.as_str()},
            {"title": "Source", "value": n.source},
            {"title": "Seen at", "value": n.occurred_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()},
            {"title": "Alert", "value": n.fingerprint},
        ]
    }));
    let actions: Vec<Value> = n
        .links
        .iter()
        .map(|l| json!({"type": "Action.OpenUrl", "title": l.text, "url": l.url}))
        .collect();
    let mut card = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": VERSION,
        "body": body,
        "fallbackText": format!("{} ({})", n.title, n.source),
        "msteams": {"width": "Full"},
    });
    if !actions.is_empty() {
        card["actions"] = Value::Array(actions);
    }
    card
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::Error => "Attention",
        Severity::Warning => "Warning",
        Severity::Info => "Default",
    }
}

/// The body's TextBlocks: Markdown paragraphs as they are (a TextBlock
/// renders them), code blocks in monospace, headings in bold.
fn blocks(markdown: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut code: Option<String> = None;
    let mut start = 0usize;
    let mut prose = String::new();
    let flush = |prose: &mut String, out: &mut Vec<Value>| {
        let text = prose.trim();
        if !text.is_empty() {
            out.push(json!({"type": "TextBlock", "text": text, "wrap": true}));
        }
        prose.clear();
    };
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                prose.push_str(&markdown[start..range.start]);
                flush(&mut prose, &mut out);
                code = Some(String::new());
            }
            Event::Text(t) if code.is_some() => {
                if let Some(c) = code.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(c) = code.take() {
                    let c = c.trim_end();
                    if !c.is_empty() {
                        out.push(json!({"type": "TextBlock", "text": c, "wrap": true, "fontType": "Monospace"}));
                    }
                }
                start = range.end;
            }
            Event::Start(Tag::Heading { .. }) => {
                prose.push_str(&markdown[start..range.start]);
                flush(&mut prose, &mut out);
                start = range.start;
            }
            Event::End(TagEnd::Heading(_)) => {
                let heading = markdown[start..range.end]
                    .trim()
                    .trim_start_matches('#')
                    .trim();
                if !heading.is_empty() {
                    out.push(json!({"type": "TextBlock", "text": heading, "weight": "Bolder", "wrap": true}));
                }
                start = range.end;
            }
            _ => {}
        }
    }
    if code.is_none() && start < markdown.len() {
        prose.push_str(&markdown[start..]);
    }
    flush(&mut prose, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(md: &str) -> Vec<(String, bool)> {
        blocks(md)
            .iter()
            .map(|b| {
                (
                    b["text"].as_str().unwrap_or_default().to_owned(),
                    b.get("fontType").is_some(),
                )
            })
            .collect()
    }

    #[test]
    fn code_blocks_become_monospace_blocks_and_prose_stays_markdown() {
        let got =
            texts("Column **rating** changed.\n\n```sql\nALTER TABLE film;\n```\n\n- one\n- two");
        assert_eq!(
            got,
            vec![
                ("Column **rating** changed.".to_owned(), false),
                ("ALTER TABLE film;".to_owned(), true),
                ("- one\n- two".to_owned(), false),
            ]
        );
    }

    #[test]
    fn headings_become_bold_lines() {
        let b = blocks("## Migration\nText");
        assert_eq!(b[0]["text"], "Migration");
        assert_eq!(b[0]["weight"], "Bolder");
        assert_eq!(b[1]["text"], "Text");
    }

    #[test]
    fn an_empty_body_adds_no_block() {
        assert!(blocks("").is_empty());
        assert!(blocks("   \n").is_empty());
    }
}
