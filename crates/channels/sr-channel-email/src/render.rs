//! The subject, plain text and HTML of one message. The HTML comes from
//! the alert's Markdown through pulldown-cmark, with any raw HTML in it
//! shown as text: alert bodies quote names and values from the database,
//! which must never become markup in someone's mailbox.

use pulldown_cmark::{Event, Parser, html};
use sr_notify::{Action, Message};

/// `[prefix] Word: title`, the word saying what happened.
pub fn subject(prefix: &str, m: &Message) -> String {
    let n = &m.notification;
    let word = match m.action {
        Action::Trigger => format!("{}:", n.severity.as_str().to_uppercase()),
        Action::Acknowledge => "Acknowledged:".into(),
        Action::Resolve => "Resolved:".into(),
        Action::Test => "Test:".into(),
        Action::Report => "Report:".into(),
    };
    let title = n.title.replace(['\r', '\n'], " ");
    [prefix.trim(), &word, title.trim()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What happened, in one line before the body.
fn headline(m: &Message) -> String {
    let n = &m.notification;
    match m.action {
        Action::Trigger => format!("Alert ({}) on {}", n.severity.as_str(), n.source),
        Action::Acknowledge => format!("Acknowledged: the alert on {}", n.source),
        Action::Resolve => format!("Resolved: the condition on {} has cleared", n.source),
        Action::Test => "A test message from ScratchRobin: this channel works.".into(),
        Action::Report => format!("A summary from ScratchRobin for {}", n.source),
    }
}

/// The plain-text part: the Markdown as it is, which reads well as text.
pub fn text(m: &Message) -> String {
    let n = &m.notification;
    let mut out = format!("{}\n\n{}\n", headline(m), n.body.trim_end());
    if !n.links.is_empty() {
        out.push('\n');
        for l in &n.links {
            out.push_str(&format!("{}: {}\n", l.text, l.url));
        }
    }
    out.push_str(&format!(
        "\nSeen at {} UTC. Alert {}.\n",
        n.occurred_at.format("%Y-%m-%d %H:%M:%S"),
        n.fingerprint
    ));
    out
}

/// The HTML part.
pub fn html(m: &Message) -> String {
    let n = &m.notification;
    let mut body = String::new();
    let events = Parser::new(&n.body).map(|e| match e {
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        other => other,
    });
    html::push_html(&mut body, events);
    let mut out = format!(
        "<!DOCTYPE html><html><body><p><strong>{}</strong></p>\n{body}",
        escape(&headline(m))
    );
    if !n.links.is_empty() {
        out.push_str("<ul>");
        for l in &n.links {
            out.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>",
                escape(&l.url),
                escape(&l.text)
            ));
        }
        out.push_str("</ul>");
    }
    out.push_str(&format!(
        "<p><small>Seen at {} UTC. Alert {}.</small></p></body></html>\n",
        n.occurred_at.format("%Y-%m-%d %H:%M:%S"),
        escape(&n.fingerprint)
    ));
    out
}

/// `s` safe inside HTML text and double-quoted attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use sr_notify::{Link, Notification, Severity};

    fn message(action: Action, body: &str) -> Message {
        Message {
            id: "m1".into(),
            action,
            notification: Notification {
                fingerprint: "drift:shop".into(),
                severity: Severity::Critical,
                title: "Schema drift on shop\r\nBcc: x".into(),
                body: body.into(),
                source: "shop".into(),
                links: vec![Link {
                    text: "LOCAL-7".into(),
                    url: "https://t.example/7?a=1&b=\"2\"".into(),
                }],
                occurred_at: chrono::Utc.with_ymd_and_hms(2026, 12, 7, 18, 0, 0).unwrap(),
            },
        }
    }

    #[test]
    fn subjects_say_what_happened_on_one_line() {
        let s = subject("[SR]", &message(Action::Trigger, ""));
        assert_eq!(s, "[SR] CRITICAL: Schema drift on shop  Bcc: x");
        assert!(subject("", &message(Action::Resolve, "")).starts_with("Resolved: Schema"));
    }

    #[test]
    fn raw_html_in_the_body_stays_text() {
        let h = html(&message(
            Action::Trigger,
            "**Table** `orders` <script>alert(1)</script>",
        ));
        assert!(h.contains("<strong>Table</strong>"), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
        assert!(!h.contains("<script>"), "{h}");
        assert!(
            h.contains("href=\"https://t.example/7?a=1&amp;b=&quot;2&quot;\""),
            "{h}"
        );
    }

    #[test]
    fn text_has_body_links_and_time() {
        let t = text(&message(Action::Resolve, "body"));
        assert!(t.starts_with("Resolved: the condition on shop"), "{t}");
        assert!(t.contains("LOCAL-7: https://t.example/7"), "{t}");
        assert!(t.contains("2026-12-07 18:00:00 UTC"), "{t}");
    }
}
