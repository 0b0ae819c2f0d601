//! Markdown to ADF: pulldown-cmark's events folded into ADF nodes with a
//! stack of open containers.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use serde_json::{Map, Value, json};

/// One open container while events arrive.
#[derive(Debug)]
struct Frame {
    /// The ADF type (`paragraph`, `listItem`, …).
    kind: &'static str,
    attrs: Option<Value>,
    content: Vec<Value>,
    /// For list items: the task marker, when the item has one.
    task: Option<bool>,
}

impl Frame {
    fn new(kind: &'static str) -> Self {
        Frame {
            kind,
            attrs: None,
            content: Vec::new(),
            task: None,
        }
    }

    fn with_attrs(kind: &'static str, attrs: Value) -> Self {
        Frame {
            attrs: Some(attrs),
            ..Frame::new(kind)
        }
    }

    /// Containers that hold inline nodes directly.
    fn takes_inline(&self) -> bool {
        matches!(
            self.kind,
            "paragraph" | "heading" | "codeBlock" | "tableCell" | "tableHeader"
        )
    }
}

/// Converts Markdown to an ADF `doc`.
pub fn markdown_to_adf(markdown: &str) -> Value {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut b = Builder {
        stack: vec![Frame::new("doc")],
        marks: Vec::new(),
        tasks: 0,
    };
    for event in Parser::new_ext(markdown, options) {
        b.event(event);
    }
    while b.stack.len() > 1 {
        b.close();
    }
    let content = b.stack.pop().map(|f| f.content).unwrap_or_default();
    json!({"type": "doc", "version": 1, "content": content})
}

struct Builder {
    stack: Vec<Frame>,
    /// Open marks, outermost first.
    marks: Vec<Value>,
    /// Task lists and items numbered so far (their `localId`s).
    tasks: u32,
}

impl Builder {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(end) => self.end(end),
            Event::Text(t) => self.text(&t),
            Event::Code(t) => {
                self.marks.push(json!({"type": "code"}));
                self.text(&t);
                self.marks.pop();
            }
            Event::Html(t) | Event::InlineHtml(t) => self.text(&t),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
            Event::FootnoteReference(t) => self.text(&format!("[^{t}]")),
            Event::SoftBreak | Event::HardBreak => {
                // A heading or table cell is one line when written back,
                // so a break inside one is a space.
                let one_line = self
                    .stack
                    .last()
                    .is_some_and(|f| matches!(f.kind, "heading" | "tableCell" | "tableHeader"));
                if one_line {
                    self.text(" ");
                } else {
                    self.inline(json!({"type": "hardBreak"}));
                }
            }
            Event::Rule => self.block(json!({"type": "rule"})),
            Event::TaskListMarker(done) => {
                if let Some(item) = self.stack.iter_mut().rev().find(|f| f.kind == "listItem") {
                    item.task = Some(done);
                }
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let frame = match tag {
            Tag::Paragraph => Frame::new("paragraph"),
            Tag::Heading { level, .. } => {
                Frame::with_attrs("heading", json!({"level": level as u8}))
            }
            Tag::BlockQuote(_) => Frame::new("blockquote"),
            Tag::CodeBlock(kind) => {
                let attrs = match kind {
                    CodeBlockKind::Fenced(info) => {
                        let lang = info.split_whitespace().next().unwrap_or_default();
                        (!lang.is_empty()).then(|| json!({"language": lang}))
                    }
                    CodeBlockKind::Indented => None,
                };
                Frame {
                    attrs,
                    ..Frame::new("codeBlock")
                }
            }
            Tag::List(start) => match start {
                Some(n) => Frame::with_attrs("orderedList", json!({"order": n})),
                None => Frame::new("bulletList"),
            },
            Tag::Item => Frame::new("listItem"),
            Tag::Table(_) => Frame::with_attrs(
                "table",
                json!({"isNumberColumnEnabled": false, "layout": "default"}),
            ),
            Tag::TableHead => Frame::new("tableHead"),
            Tag::TableRow => Frame::new("tableRow"),
            Tag::TableCell => {
                let header = self.stack.last().is_some_and(|f| f.kind == "tableHead");
                Frame::new(if header { "tableHeader" } else { "tableCell" })
            }
            Tag::Emphasis => return self.marks.push(json!({"type": "em"})),
            Tag::Strong => return self.marks.push(json!({"type": "strong"})),
            Tag::Strikethrough => return self.marks.push(json!({"type": "strike"})),
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                return self
                    .marks
                    .push(json!({"type": "link", "attrs": {"href": dest_url.to_string()}}));
            }
            // Footnotes, definition lists, metadata and the like keep
            // their text in a paragraph.
            _ => Frame::new("paragraph"),
        };
        self.stack.push(frame);
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.marks.pop();
            }
            TagEnd::Link | TagEnd::Image => {
                self.marks.pop();
            }
            _ => self.close(),
        }
    }

    /// Closes the innermost container and adds it to its parent.
    fn close(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let kind = if frame.kind == "tableHead" {
            "tableRow"
        } else {
            frame.kind
        };
        let node = match kind {
            "bulletList" | "orderedList" => self.list(frame),
            "tableHeader" | "tableCell" => {
                let para = node("paragraph", None, merge_text(frame.content));
                node(kind, Some(json!({})), vec![para])
            }
            "codeBlock" => {
                let mut content = merge_text(frame.content);
                if let Some(t) = content.last_mut().and_then(|t| t.get_mut("text"))
                    && let Some(s) = t.as_str()
                {
                    *t = Value::String(s.strip_suffix('\n').unwrap_or(s).to_owned());
                }
                content.retain(|t| t.get("text").and_then(Value::as_str) != Some(""));
                node(kind, frame.attrs, content)
            }
            "listItem" => {
                let mut n = node(kind, None, frame.content);
                if let (Some(done), Some(o)) = (frame.task, n.as_object_mut()) {
                    o.insert("task".into(), Value::Bool(done));
                }
                n
            }
            _ => node(kind, frame.attrs, merge_text(frame.content)),
        };
        match self.stack.last_mut() {
            Some(parent) => parent.content.push(node),
            None => self.stack.push(Frame {
                content: vec![node],
                ..Frame::new("doc")
            }),
        }
    }

    /// A list whose every item has a task marker becomes a `taskList`.
    fn list(&mut self, frame: Frame) -> Value {
        let items = frame.content;
        let all_tasks = !items.is_empty()
            && items
                .iter()
                .all(|i| i.get("task").is_some_and(Value::is_boolean));
        if !all_tasks {
            let items = items.into_iter().map(strip_task).collect();
            return node(frame.kind, frame.attrs, items);
        }
        self.tasks += 1;
        let list_id = format!("task-list-{}", self.tasks);
        let mut content = Vec::new();
        for item in items {
            let done = item.get("task").and_then(Value::as_bool).unwrap_or(false);
            let mut inline = Vec::new();
            let mut nested = Vec::new();
            for block in item
                .get("content")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
            {
                match block.get("type").and_then(Value::as_str) {
                    Some("paragraph") | Some("heading") => {
                        if !inline.is_empty() {
                            inline.push(json!({"type": "hardBreak"}));
                        }
                        inline.extend(children(&block));
                    }
                    Some("taskList") => nested.push(block),
                    _ => nested.push(block),
                }
            }
            self.tasks += 1;
            let state = if done { "DONE" } else { "TODO" };
            content.push(node(
                "taskItem",
                Some(json!({"localId": format!("task-{}", self.tasks), "state": state})),
                inline,
            ));
            content.extend(nested);
        }
        node("taskList", Some(json!({"localId": list_id})), content)
    }

    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let in_code_block = self.stack.last().is_some_and(|f| f.kind == "codeBlock");
        let mut t = Map::new();
        t.insert("type".into(), "text".into());
        t.insert("text".into(), text.into());
        if !self.marks.is_empty() && !in_code_block {
            let mut marks = self.marks.clone();
            marks.sort_by_key(|m| {
                super::mark_rank(m.get("type").and_then(Value::as_str).unwrap_or_default())
            });
            // `*a _b_ c*` nests em in em: one mark.
            marks.dedup();
            // ADF lets the code mark combine with link only: `*see `x`*`
            // keeps the code and drops the emphasis around it.
            let kind = |m: &Value| m.get("type").and_then(Value::as_str).map(str::to_owned);
            if marks.iter().any(|m| kind(m).as_deref() == Some("code")) {
                marks.retain(|m| matches!(kind(m).as_deref(), Some("code" | "link")));
            }
            t.insert("marks".into(), Value::Array(marks));
        }
        self.inline(Value::Object(t));
    }

    /// Adds an inline node; containers of blocks (a tight list item, a
    /// quote) get an implicit paragraph.
    fn inline(&mut self, n: Value) {
        let Some(top) = self.stack.last_mut() else {
            return;
        };
        if top.takes_inline() {
            top.content.push(n);
            return;
        }
        let para = top
            .content
            .last_mut()
            .filter(|l| l.get("implicit").is_some());
        match para {
            Some(p) => {
                if let Some(c) = p.get_mut("content").and_then(Value::as_array_mut) {
                    c.push(n);
                }
            }
            None => top
                .content
                .push(json!({"type": "paragraph", "implicit": true, "content": [n]})),
        }
    }

    fn block(&mut self, n: Value) {
        if let Some(top) = self.stack.last_mut() {
            top.content.push(n);
        }
    }
}

/// Builds a node; list items carry their task marker until their list
/// closes, and implicit paragraphs lose their flag.
fn node(kind: &str, attrs: Option<Value>, content: Vec<Value>) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), kind.into());
    if let Some(a) = attrs {
        m.insert("attrs".into(), a);
    }
    if !matches!(kind, "rule" | "hardBreak") {
        let content = content.into_iter().map(finish_paragraph).collect();
        m.insert("content".into(), Value::Array(content));
    }
    Value::Object(m)
}

fn finish_paragraph(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut()
        && o.remove("implicit").is_some()
        && let Some(c) = o.remove("content")
    {
        let merged = merge_text(c.as_array().cloned().unwrap_or_default());
        o.insert("content".into(), Value::Array(merged));
    }
    v
}

fn strip_task(mut item: Value) -> Value {
    let task = item.as_object_mut().and_then(|o| o.remove("task"));
    if let Some(Value::Bool(done)) = task
        && let Some(first) = item
            .pointer_mut("/content/0/content")
            .and_then(Value::as_array_mut)
    {
        let marker = if done { "[x] " } else { "[ ] " };
        first.insert(0, json!({"type": "text", "text": marker}));
        *first = merge_text(std::mem::take(first));
    }
    item
}

fn children(v: &Value) -> Vec<Value> {
    v.get("content")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Joins neighbouring text nodes with the same marks (the parser splits
/// text at entities and escapes).
fn merge_text(nodes: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for n in nodes {
        let is_text = n.get("type").and_then(Value::as_str) == Some("text");
        if is_text
            && let Some(last) = out.last_mut()
            && last.get("type").and_then(Value::as_str) == Some("text")
            && last.get("marks") == n.get("marks")
        {
            let joined = format!(
                "{}{}",
                last.get("text").and_then(Value::as_str).unwrap_or_default(),
                n.get("text").and_then(Value::as_str).unwrap_or_default()
            );
            last["text"] = Value::String(joined);
            continue;
        }
        out.push(n);
    }
    out
}
